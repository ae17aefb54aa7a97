// Intra-op parallelism: a Session of a Model loaded with Options.Threads
// above 1 splits its large dense layers by output channels and its runs
// of example-by-example instructions (regions) by examples, across
// worker goroutines.

package runtime

import (
	"fmt"
	goruntime "runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/runtime/kernels"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// minWork is the least work, in multiply-accumulates, worth a thread of
// its own: a dense layer or a region is split into at most work/minWork
// parts, so a block is never less than about 2 µs of the AVX2 dense
// kernel's time. Waking a
// parked worker is the cost it must outweigh, and that depends on the
// machine. On a two-core AMD EPYC virtual machine (Zen 3, AVX2) it was
// tens of microseconds: whole models at batch 64 ran fastest at 2^17 of
// 2^17, 2^20 and 2^22 (LeNet-5 1.42, 1.39 and 1.08 times as fast as on
// one thread, a 1024x1024 dense layer 1.34 to 1.36 at each;
// BenchmarkThreadsMinWork), but a lone op split there lost below about
// a millisecond of work (BenchmarkThreadsThreshold: a 256x256 dense
// layer at batch 16, 34 µs, ran at 0.68 of one thread's speed).
const minWork = 1 << 17

// scratch is the memory one thread's kernels write outside the arena.
type scratch struct {
	acc    []int32 // the matrix-product kernels'
	col    []int8  // a patch matrix
	padded []int8  // one group's input planes, zero-point padded; a depthwise convolution's every channel's phases
	colOut []int8  // one group's result over the padded width
	bcast  ref.Broadcast
	// nonFinite says whether the thread's examples of the float inputs,
	// scanned by a job that was asked to (job.scan), hold a NaN or an
	// infinity.
	nonFinite bool
}

// newScratch allocates the scratch of one thread of a session of
// capacity.
func (m *Model) newScratch(capacity int) scratch {
	rank := 1 // the batch and the most dimensions of an ADD, SUB or MUL
	for _, in := range m.code {
		if p, ok := in.prep.(elementwiseOp); ok {
			rank = max(rank, 1+len(p.shape))
		}
	}
	return scratch{
		acc:    make([]int32, m.accScratch(capacity)),
		col:    make([]int8, m.scratch.col),
		padded: make([]int8, m.scratch.padded),
		colOut: make([]int8, m.scratch.colOut),
		bcast:  ref.Broadcast{Shape: make([]int, 0, rank), XStrides: make([]int, 0, rank), YStrides: make([]int, 0, rank)},
	}
}

// scratchBytes is the size of one thread's scratch.
func (m *Model) scratchBytes(capacity int) int {
	return m.scratch.col + m.scratch.padded + m.scratch.colOut + 4*m.accScratch(capacity)
}

// job is one op split across threads, or a region. Part i of parts
// takes units [units*i/parts, units*(i+1)/parts): rows of a dense layer,
// or its output parts (denseOp.cols) where it has them; for a region
// (in nil), examples, through each of its instructions in turn. Every
// output element is computed by one part, with the arithmetic it has
// unsplit; only who computes it changes.
type job struct {
	in        *instr
	x, out    view
	n         int // the batch
	units     int
	parts     int
	kernels   kernels.Set
	m         *Model
	views     []view // the Session's, for a region
	from, to  int    // a region's instructions
	quantized bool   // RunQuantized: int8 inputs and outputs
	scan      bool   // a region's parts first scan their examples of the float inputs
}

// elementCosts are the costs of the ops other than the matrix products
// and the embeddings, in multiply-accumulates of the AVX2 dense kernel
// (about 15 ps each): the work estimate that decides whether a region is
// worth splitting (minWork). Per element of the result, or of the input
// (perInput); measured on a Zen 5 at batch 64 over the examples and
// testdata/ops.kbc (BenchmarkOpCosts), rounded. Most of these ops run
// the reference kernels, whose fixed-point arithmetic costs hundreds of
// multiply-accumulates an element (the lookups that replace four of them,
// tableOp, cost 30).
var elementCosts = map[kbc.Opcode]struct {
	cost     int
	perInput bool
}{
	kbc.OpQuantize:      {8, false},
	kbc.OpDequantize:    {4, false},
	kbc.OpMaxPool:       {8, true},
	kbc.OpAvgPool:       {120, true},
	kbc.OpAdd:           {1500, false},
	kbc.OpSub:           {1500, false},
	kbc.OpMul:           {800, false},
	kbc.OpAffine:        {330, false},
	kbc.OpRequantize:    {30, false},
	kbc.OpHardSwish:     {30, false},
	kbc.OpLogistic:      {30, false},
	kbc.OpTanh:          {30, false},
	kbc.OpSoftmax:       {5500, false},
	kbc.OpConcat:        {180, false},
	kbc.OpTranspose:     {30, false},
	kbc.OpMean:          {70, true},
	kbc.OpSum:           {200, true},
	kbc.OpFM:            {120, true},
	kbc.OpBiInteraction: {120, true},
}

// The embeddings' costs: a row element looked up and rescaled (a tenth
// of it where rows are copied), and a row element summed into a bag.
const (
	embeddingCost = 60
	bagCost       = 30
)

// split returns what a dense layer splits into on its own on a batch of
// n (its rows, or its output parts; 0 for other ops, which are split only
// as part of a region) and its work in multiply-accumulates.
func (m *Model) split(in *instr, n int) (units, work int) {
	p, ok := in.prep.(denseOp)
	if !ok {
		return 0, 0
	}
	rows := n * p.rows
	if p.cols != nil && !p.useSparse(rows, m.kernels.Portable()) {
		return len(p.cols), rows * p.k * p.n
	}
	return rows, rows * p.k * p.n
}

// parts is how many threads share instruction in on a batch of n.
func (m *Model) parts(in *instr, n, threads int) int {
	units, work := m.split(in, n)
	return max(1, min(threads, units, work/m.minWork))
}

// region is a run of instructions [from, to), each of which computes
// example e of its result from example e of its operands alone: a Session
// on several threads runs a region as one job, each thread taking its
// share of the examples through every instruction of the region, with no
// hand-over between them and its data staying in its own core's cache.
type region struct {
	from, to int
	work     int   // multiply-accumulates per example
	embeds   []int // its EMBEDDING and EMBEDDING_BAG instructions
}

// exampleWork returns the work per example of instruction in, in
// multiply-accumulates, and whether it belongs in a region: every
// instruction on batched data but a dense layer split by output channels,
// and an embedding only of a model input (its ids are checked before the
// region runs: see Session.region).
func (m *Model) exampleWork(in *instr) (int, bool) {
	for _, t := range in.t {
		if t := &m.tensors[t]; t.store != kbc.StoreConst && !t.batched {
			return 0, false
		}
	}
	e, xe := m.tensors[in.t[0]].elems, m.tensors[in.t[1]].elems
	switch p := in.prep.(type) {
	case denseOp:
		return p.rows * p.k * p.n, p.cols == nil
	case convOp:
		return p.p.F * p.kk * p.pp, true
	case embeddingOp:
		cost := embeddingCost
		if p.copyRows {
			cost /= 10
		}
		return e * cost, m.tensors[in.t[1]].store == kbc.StoreInput
	case embeddingBagOp:
		return xe * p.p.Dim * bagCost, m.tensors[in.t[1]].store == kbc.StoreInput
	}
	c, ok := elementCosts[in.op]
	if !ok {
		return 0, false
	}
	if c.perInput {
		return xe * c.cost, true
	}
	return e * c.cost, true
}

// regionParts is how many threads share region r on a batch of n.
func (m *Model) regionParts(r *region, n, threads int) int {
	return max(1, min(threads, n, n*r.work/m.minWork))
}

// maxParts is the most threads any instruction or region uses at batches
// of up to capacity: the threads a session needs.
func (m *Model) maxParts(capacity, threads int) int {
	most := 1
	for k := range m.code {
		most = max(most, m.parts(&m.code[k], capacity, threads))
	}
	for i := range m.regions {
		most = max(most, m.regionParts(&m.regions[i], capacity, threads))
	}
	return most
}

// planRegions finds the regions of a model loaded for several threads and
// lays out its arena anew for them. The file's plan lets a result take
// the bytes of a value that died an instruction earlier, and the two may
// lie in one region, where a thread may still read its examples of the
// value while another writes its examples of the result over them: so
// here a value read in a region keeps its bytes to the region's end, and
// a result written in one has its own from the region's start. A plan
// that would need more than Options.MaxMemory per example, or a file of
// more than maxPlanned arena tensors, keeps the file's plan and has no
// regions: only its dense layers are split.
func (m *Model) planRegions() error {
	if m.threads < 2 {
		return nil
	}
	var regions []region
	for k := range m.code {
		w, ok := m.exampleWork(&m.code[k])
		if !ok {
			continue
		}
		if last := len(regions) - 1; last < 0 || regions[last].to != k {
			regions = append(regions, region{from: k, to: k})
		}
		r := &regions[len(regions)-1]
		r.to++
		r.work += w
		if op := m.code[k].op; op == kbc.OpEmbedding || op == kbc.OpEmbeddingBag {
			r.embeds = append(r.embeds, k)
		}
	}
	if len(regions) == 0 {
		return nil
	}
	offsets, size, ok := m.regionPlan(regions)
	if !ok || size > m.maxMemory {
		return nil
	}
	for i, off := range offsets {
		if off >= 0 {
			m.tensors[i].offset = off
		}
	}
	m.arena, m.regions = size, regions
	// The same check as the file's plan: that no value is overwritten
	// while it is needed, instruction by instruction.
	if err := m.checkPlan(); err != nil {
		return fmt.Errorf("the arena laid out for %d threads (a bug in the runtime): %w", m.threads, err)
	}
	return nil
}

// maxPlanned is the most arena tensors planRegions lays out (the plan
// takes time quadratic in the values live at once).
const maxPlanned = 4096

// regionPlan returns per-example arena offsets for the tensors that own
// arena bytes (-1 for the others) with lifetimes widened to regions, and
// the arena's size per example.
func (m *Model) regionPlan(regions []region) (offsets []int, size int, ok bool) {
	n := len(m.tensors)
	first, last := make([]int, n), make([]int, n)
	for i := range first {
		first[i], last[i] = -1, -1
	}
	use := func(t, k int) {
		r := m.tensors[t].root
		if first[r] < 0 {
			first[r] = k
		}
		last[r] = max(last[r], k)
	}
	for k, in := range m.code {
		for _, t := range in.t {
			use(t, k)
		}
	}
	for _, o := range m.outputs {
		last[m.tensors[o].root] = len(m.code)
	}
	from, to := make([]int, len(m.code)+1), make([]int, len(m.code)+1)
	for k := range from {
		from[k], to[k] = k, k
	}
	for _, r := range regions {
		for k := r.from; k < r.to; k++ {
			from[k], to[k] = r.from, r.to-1
		}
	}
	var order []int
	for i := range m.tensors {
		if t := &m.tensors[i]; t.store == kbc.StoreArena && t.root == i && first[i] >= 0 {
			first[i], last[i] = from[first[i]], to[last[i]]
			order = append(order, i)
		}
	}
	if len(order) > maxPlanned {
		return nil, 0, false
	}
	slices.SortStableFunc(order, func(a, b int) int { return first[a] - first[b] })
	offsets = make([]int, n)
	for i := range offsets {
		offsets[i] = -1
	}
	type span struct{ lo, hi int }
	var live []int // placed tensors, in the order placed
	var busy []span
	for _, t := range order {
		live = slices.DeleteFunc(live, func(p int) bool { return last[p] < first[t] })
		busy = busy[:0]
		for _, p := range live {
			busy = append(busy, span{offsets[p], offsets[p] + m.tensors[p].bytes()})
		}
		slices.SortFunc(busy, func(a, b span) int { return a.lo - b.lo })
		need, off := m.tensors[t].bytes(), 0
		for _, b := range busy {
			if off+need <= b.lo {
				break
			}
			off = max(off, (b.hi+kbc.Align-1)/kbc.Align*kbc.Align)
		}
		offsets[t] = off
		size = max(size, off+need)
		live = append(live, t)
	}
	return offsets, size, true
}

// do runs part i of the job with scratch sc.
func (j *job) do(i int, sc *scratch) {
	lo, hi := j.units*i/j.parts, j.units*(i+1)/j.parts
	if j.in == nil {
		if j.scan {
			sc.nonFinite = j.m.nonFinite(j.views, lo, hi)
		}
		for k := j.from; k < j.to; k++ {
			j.m.examples(k, lo, hi, j.views, sc, j.quantized)
		}
		return
	}
	p := j.in.prep.(denseOp)
	if rows := j.n * p.rows; p.cols != nil && !p.useSparse(rows, j.kernels.Portable()) {
		sc.denseCols(&p, j.x.i8, j.out.i8, rows, lo, hi, j.kernels)
		return
	}
	sc.dense(&p, j.x.i8[lo*p.k:hi*p.k], j.out.i8[lo*p.n:hi*p.n], hi-lo, j.kernels)
}

// dequantize runs DEQUANTIZE on x.
func dequantize(q *quant, x []int8, out []float32, set kernels.Set) {
	if set.Portable() {
		kernels.DequantizePortable(q.scale[0], q.zero[0], x, out)
	} else {
		kernels.Dequantize(q.scale[0], q.zero[0], x, out)
	}
}

// quantize runs QUANTIZE on x.
func quantize(q *quant, x []float32, out []int8, set kernels.Set) {
	if set.Portable() {
		kernels.QuantizePortable(q.scale[0], q.zero[0], x, out)
	} else {
		kernels.Quantize(q.scale[0], q.zero[0], x, out)
	}
}

// pool is a Session's worker goroutines. The calling goroutine runs part
// 0 of every job with the Session's scratch; worker i runs part i+1 with
// its own. A job is handed over without allocating: it is written to the
// pool, each worker it needs is given the job's number, and the caller
// counts the parts still running down to zero.
//
// Both sides spin while they wait, for up to spinWait, before a worker
// parks on its wake channel (the caller yields instead). Waking a parked
// goroutine costs tens to hundreds of microseconds on a virtual machine,
// whose idle virtual CPU the host must schedule again: on a two-core AMD
// EPYC (Zen 5) virtual machine, with a worker parked between jobs, batch
// 64 on two threads ran at 0.73-0.78 times one thread's speed for a
// 1024x1024 dense layer and 0.99-1.10 for LeNet-5; with workers that
// spin, 1.5-1.9 for both (BenchmarkThreads, Runs back to back). So a
// worker stays awake between the jobs of one Run and between Runs that
// follow each other closely; a Session idle for longer than spinWait
// costs no CPU, and its next Run wakes the workers as it starts (rouse).
type pool struct {
	workers []*worker
	started bool
	job     job          // the job running; written only while no worker runs
	next    uint64       // the number of the next job
	parts   int          // the parts of the last job
	pending atomic.Int32 // parts of the job still running on workers
	// missWakeups, set by tests, skips the wake-ups a job and a Run's
	// start send, as if each were lost (see run).
	missWakeups bool
	exited      sync.WaitGroup
}

// spinWait is how long a worker waits for its next job, and the caller
// for the workers' parts, before parking (or yielding).
const spinWait = 200 * time.Microsecond

type worker struct {
	scratch
	given    atomic.Uint64 // the number of the last job given to it
	sleeping atomic.Bool   // parked, or about to: a new job must wake it
	wake     chan struct{}
	panic    any // what the last part panicked with, or nil
}

func newPool(m *Model, workers, capacity int) *pool {
	p := &pool{}
	for range workers {
		p.workers = append(p.workers, &worker{scratch: m.newScratch(capacity), wake: make(chan struct{}, 1)})
	}
	return p
}

// run runs j, part 0 on the calling goroutine with sc. A part that panics
// (a bug in the runtime) is re-panicked here once every part has ended,
// so that Run's recovery reports it and no worker runs on afterwards.
func (p *pool) run(j job, sc *scratch) {
	if !p.started {
		p.started = true
		for i, w := range p.workers {
			p.exited.Add(1)
			go p.work(w, i+1)
		}
	}
	p.job, p.parts = j, j.parts
	p.next++
	p.pending.Store(int32(j.parts - 1))
	ws := p.workers[:j.parts-1]
	for _, w := range ws {
		w.given.Store(p.next)
	}
	// A worker that has decided to park is woken; one still spinning
	// sees the number. (It stores sleeping, then reads given; here given
	// is stored, then sleeping read: one side sees the other.)
	if !p.missWakeups {
		p.wake(ws)
	}
	r := p.safely(0, sc)
	// With one OS thread for goroutines (GOMAXPROCS 1) the workers run
	// only when this goroutine yields: it does at once.
	alone := goruntime.GOMAXPROCS(0) < 2
	var start time.Time
	for spins := 0; p.pending.Load() != 0; spins++ {
		if spins%64 != 63 {
			if alone {
				goruntime.Gosched()
			}
			continue
		}
		if start.IsZero() {
			start = time.Now()
		} else if alone || time.Since(start) > spinWait {
			// A worker may need this goroutine's thread; and one may
			// have parked without its wake-up, so it is sent again.
			// (Seen once under qemu-aarch64 on an x86 host: the runtime's
			// tests hung, every worker parked on a job it had been given,
			// as if a store had passed the load after it, which the
			// emulator's translation of arm64's store-release then
			// load-acquire may allow.)
			p.wake(ws)
			goruntime.Gosched()
		}
	}
	for _, w := range ws {
		if w.panic != nil && r == nil {
			r = w.panic
		}
		w.panic = nil
	}
	p.job = job{}
	if r != nil {
		panic(r)
	}
}

// work is worker w's loop: part i of each job it is given, until its wake
// channel is closed. Between jobs it spins for up to spinWait, then parks.
func (p *pool) work(w *worker, i int) {
	defer p.exited.Done()
	var last uint64
	for {
		alone := goruntime.GOMAXPROCS(0) < 2 // spinning would hold the only thread
		for spins, start := 0, time.Now(); w.given.Load() == last; spins++ {
			if !alone && (spins%64 != 63 || time.Since(start) < spinWait) {
				continue
			}
			w.sleeping.Store(true)
			if w.given.Load() != last {
				// Given a job after all: take the flag back, or take
				// the wake-up the caller has sent.
				if !w.sleeping.CompareAndSwap(true, false) {
					<-w.wake
				}
				break
			}
			if _, ok := <-w.wake; !ok {
				return
			}
			start = time.Now()
		}
		last = w.given.Load()
		w.panic = p.safely(i, &w.scratch)
		p.pending.Add(-1)
	}
}

// rouse wakes the parked workers ahead of a Run that will split ops, so
// that the wake-up overlaps the work before the first split op.
func (p *pool) rouse() {
	if p.started && !p.missWakeups {
		p.wake(p.workers)
	}
}

// wake wakes each of ws that has parked, or is about to: one wake token
// for each sleeping flag taken back.
func (p *pool) wake(ws []*worker) {
	for _, w := range ws {
		if w.sleeping.Load() && w.sleeping.CompareAndSwap(true, false) {
			w.wake <- struct{}{}
		}
	}
}

func (p *pool) safely(i int, sc *scratch) (r any) {
	defer func() { r = recover() }()
	p.job.do(i, sc)
	return nil
}

// parallel runs dense layer in on a batch of n across the session's
// threads, if it is large enough to split, and reports whether it did.
func (s *Session) parallel(in *instr, x, out *view, n int) bool {
	if s.pool == nil {
		return false
	}
	parts := s.m.parts(in, n, s.threads)
	if parts < 2 {
		return false
	}
	units, _ := s.m.split(in, n)
	s.pool.run(job{in: in, x: *x, out: *out, n: n, units: units, parts: parts, kernels: s.m.kernels}, &s.scratch)
	return true
}

// region runs region r on a batch of n across the session's threads, if
// it is large enough to split and its embeddings' ids are all in range,
// and reports whether it did. (An id out of range is an error, which
// running the region's instructions one by one reports as on one
// thread.)
func (s *Session) region(r *region, n int, quantized, scan bool) bool {
	parts := s.m.regionParts(r, n, s.threads)
	if parts < 2 {
		return false
	}
	for _, k := range r.embeds {
		in := &s.m.code[k]
		if !validIDs(in, s.views[in.t[1]].i32) {
			return false
		}
	}
	s.pool.run(job{n: n, units: n, parts: parts, kernels: s.m.kernels, m: s.m, views: s.views, from: r.from, to: r.to, quantized: quantized, scan: scan}, &s.scratch)
	return true
}

// nonFinite reports whether examples [lo, hi) of m's float inputs, bound
// in views, hold a NaN or an infinity.
func (m *Model) nonFinite(views []view, lo, hi int) bool {
	for _, ti := range m.inputs {
		if x, e := views[ti].f32, m.tensors[ti].elems; x != nil && kernels.NonFinite(x[lo*e:hi*e]) >= 0 {
			return true
		}
	}
	return false
}

// sawNonFinite reports whether a part of the last job, which scanned the
// float inputs (job.scan), found a NaN or an infinity; sc is the
// caller's scratch. (Each part of such a job sets its flag.)
func (p *pool) sawNonFinite(sc *scratch) bool {
	saw := sc.nonFinite
	for _, w := range p.workers[:p.parts-1] {
		saw = saw || w.nonFinite
	}
	return saw
}

// stop ends the workers and waits until they have.
func (p *pool) stop() {
	for _, w := range p.workers {
		close(w.wake)
	}
	p.exited.Wait()
}

// watch stops p's workers once s is unreachable, for a Session dropped
// without Close (Close cancels it). The workers hold the pool, never the
// Session, so they do not keep it reachable.
func watch(s *Session, p *pool) goruntime.Cleanup {
	return goruntime.AddCleanup(s, (*pool).stop, p)
}
