package runtime

import (
	"errors"
	"fmt"
	"math"
	goruntime "runtime"
	"unsafe"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/runtime/kernels"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// Session runs a Model. It owns the arena the model's tensors live in, so
// a Session serves one goroutine at a time; make one per goroutine (they
// are cheap next to the Model, which they share). Run allocates nothing.
//
// A Session of a Model loaded with Options.Threads above 1 may run parts
// of its large ops on worker goroutines of its own; Close stops them.
type Session struct {
	m        *Model
	capacity int // largest batch
	arena    []byte
	views    []view
	scratch         // the calling goroutine's
	threads  int    // the most threads an op may use
	pool     *pool  // nil when no op is ever split
	splitN   int    // the batch splits was worked out for (0: none yet)
	splits   bool   // a Run of a batch of splitN splits an op
	inPlace  []bool // per output: this Run computes it in the caller's slice
	cleanup  goruntime.Cleanup
	closed   bool
}

// view is a tensor's data in the current run.
type view struct {
	i8  []int8
	i32 []int32
	f32 []float32
}

// scratchNeeds are the per-sample scratch sizes the model's kernels need.
type scratchNeeds struct {
	col    int // a patch matrix: patch length x positions
	padded int // one group's input planes, zero-point padded (grid convolutions)
	colOut int // one group's result over the padded width (grid convolutions)
	acc    int // int32 scratch of the matrix-product kernels
}

// planScratch sizes the scratch buffers of the model's kernels, within
// the memory limit. A depthwise convolution lays out all its channels'
// planes at once (convOp.depthwise); where that does not fit, the
// general product, which pads one plane at a time, runs instead.
func (m *Model) planScratch() error {
	err := m.sizeScratch()
	if err == nil {
		return nil
	}
	dropped := false
	for k := range m.code {
		if p, ok := m.code[k].prep.(convOp); ok && p.depthwise {
			m.code[k].prep, dropped = p.general(), true
		}
	}
	if !dropped {
		return err
	}
	return m.sizeScratch()
}

// sizeScratch is planScratch for the convolutions as they are prepared.
func (m *Model) sizeScratch() error {
	m.scratch = scratchNeeds{}
	limit := m.maxMemory
	for k, in := range m.code {
		if p, ok := in.prep.(convOp); ok {
			cols := p.columns()
			if p.kk > limit/max(cols, 1) || p.p.F > limit/max(cols, 1) || p.paddedLen() > limit {
				return fmt.Errorf("section CODE: instruction %d (CONV): its scratch is more than the %d-byte limit", k, limit)
			}
			if !p.direct && !p.depthwise {
				m.scratch.col = max(m.scratch.col, p.kk*cols)
			}
			if p.grid {
				m.scratch.padded = max(m.scratch.padded, p.paddedLen())
				m.scratch.colOut = max(m.scratch.colOut, p.p.F/p.p.Groups*cols)
			}
			if p.depthwise {
				m.scratch.padded = max(m.scratch.padded, p.paddedLen())
			}
			m.scratch.acc = max(m.scratch.acc, p.scratch())
		}
		if p, ok := in.prep.(denseOp); ok {
			m.scratch.acc = max(m.scratch.acc, p.scratch(p.rows))
		}
	}
	if m.scratch.acc > limit/4 {
		return fmt.Errorf("section CODE: the kernels' scratch is more than the %d-byte limit", limit)
	}
	// Every part is within the limit, and the sum is checked as it grows,
	// so it cannot overflow.
	total := 0
	for _, part := range []int{m.arena, m.scratch.col, m.scratch.padded, m.scratch.colOut, 4 * m.scratch.acc} {
		if total += part; total > limit {
			break
		}
	}
	for _, i := range m.inputs {
		if total > limit {
			break
		}
		total += m.tensors[i].bytes()
	}
	if total > limit {
		return fmt.Errorf("the model needs more than the %d-byte limit per example (arena, inputs and kernel scratch)", limit)
	}
	return nil
}

// accScratch is the int32 scratch the matrix-product kernels need at
// batches of up to capacity: dense layers take the batch in one product,
// convolutions one sample at a time.
func (m *Model) accScratch(capacity int) int {
	n := 0
	for _, in := range m.code {
		switch p := in.prep.(type) {
		case denseOp:
			n = max(n, p.scratch(p.rows*capacity))
		case convOp:
			n = max(n, p.scratch())
		}
	}
	return n
}

// NewSession returns a session that runs batches of 1 to capacity
// examples. It refuses a capacity below 1, and one whose arena and kernel
// scratch would take more than Options.MaxSessionMemory bytes
// (DefaultMaxSessionMemory unless set), so that a mistaken capacity is an
// error rather than a failed allocation, which no program can recover
// from. A nil Model is an error too.
//
// With Options.Threads above 1, the session also holds a scratch for each
// further thread its ops can use at batches up to capacity (none when no
// op is large enough to split); call Close to stop its goroutines.
func (m *Model) NewSession(capacity int) (*Session, error) {
	if m == nil {
		return nil, errors.New("NewSession on a nil *Model: load one with Load or LoadFile")
	}
	return m.newSession(capacity, m.threads)
}

// newSession is NewSession with up to threads threads.
func (m *Model) newSession(capacity, threads int) (*Session, error) {
	if capacity < 1 {
		return nil, fmt.Errorf("session capacity %d: a session runs batches of at least 1 example", capacity)
	}
	need, parts, ok := m.sessionMemory(capacity, threads)
	if !ok {
		on := ""
		if parts > 1 {
			on = fmt.Sprintf(" on %d threads", parts)
		}
		return nil, fmt.Errorf("a session for batches of up to %s%s needs %s bytes of arena and scratch (%s of arena per example); the limit is %s bytes (Options.MaxSessionMemory)",
			examples(capacity), on, need, thousands(int64(m.arena)), thousands(int64(m.maxSession)))
	}
	s := &Session{m: m, capacity: capacity, threads: parts}
	s.arena = alignedBytes(m.arena * capacity)
	s.views = make([]view, len(m.tensors))
	s.inPlace = make([]bool, len(m.outputs))
	for i, t := range m.tensors {
		if t.store == kbc.StoreConst {
			s.views[i] = view{i8: t.i8, i32: t.i32, f32: t.f32}
		}
	}
	s.scratch = m.newScratch(capacity)
	if parts > 1 {
		s.pool = newPool(m, parts-1, capacity)
		s.cleanup = watch(s, s.pool)
	}
	return s, nil
}

// sessionMemory returns the bytes a session of capacity on up to threads
// threads needs (arena and kernel scratch, one for each thread its ops
// use), formatted for a message, the threads, and whether that is within
// the session limit. Every product is checked before it is formed, so
// nothing overflows whatever the capacity.
func (m *Model) sessionMemory(capacity, threads int) (string, int, bool) {
	limit := m.maxSession
	per := max(m.arena, 1) // a capacity beyond the limit is refused even for an empty arena
	if capacity > limit/per {
		if capacity > math.MaxInt/per {
			return "more than " + thousands(math.MaxInt), 1, false
		}
		return thousands(int64(per*capacity)) + " or more", 1, false
	}
	total := per * capacity
	// The scratch is per sample (patch matrices) or scales with the rows
	// of a dense layer's batch, which the arena's bound keeps in range.
	parts := 1
	for _, part := range []int{m.scratch.col, m.scratch.padded, m.scratch.colOut, 4 * m.accScratch(capacity)} {
		if total += part; total > limit {
			return thousands(int64(total)) + " or more", parts, false
		}
	}
	// With the arena within the limit, an op's work at this capacity
	// cannot overflow, so the threads it uses can be counted.
	parts = m.maxParts(capacity, threads)
	for range parts - 1 {
		if total += m.scratchBytes(capacity); total > limit {
			return thousands(int64(total)) + " or more", parts, false
		}
	}
	return thousands(int64(total)), parts, true
}

// bind points the arena tensors' views at their bytes for a batch of n,
// and each float output it can at the caller's slice in outputs (nil for
// none: RunQuantized copies its int8 outputs).
func (s *Session) bind(n int, inputs, outputs []Value) {
	base := unsafe.Pointer(unsafe.SliceData(s.arena))
	for i := range s.m.tensors {
		t := &s.m.tensors[i]
		if t.store != kbc.StoreArena {
			continue
		}
		p := unsafe.Add(base, t.offset*s.capacity)
		v := &s.views[i]
		switch t.dtype {
		case I8:
			v.i8 = unsafe.Slice((*int8)(p), n*t.elems)
		case I32:
			v.i32 = unsafe.Slice((*int32)(p), n*t.elems)
		case F32:
			v.f32 = unsafe.Slice((*float32)(p), n*t.elems)
		}
	}
	s.bindOutputs(inputs, outputs)
	for i := range s.m.tensors {
		if t := &s.m.tensors[i]; t.store == kbc.StoreAlias {
			s.views[i] = s.views[t.root]
		}
	}
}

// bindOutputs points the view of each float output computed in the arena
// at the caller's slice, so that its last op writes the result in place:
// copying it there afterwards would read every byte again, from the cache
// of whichever thread wrote it. (On a two-core AMD EPYC (Zen 5) virtual
// machine a 1024x1024 dense layer at batch 64 ran 1.06 times as fast on
// one thread without the copy, 208 -> 196 µs, and 1.25 times on two,
// 139 -> 111 µs: BenchmarkThreads.) An output is computed
// in place only where nothing else can see it change: its slice overlaps
// no input's and no other output's, and no earlier output is the same
// tensor (Model.ownTensor; that one is copied from the first).
func (s *Session) bindOutputs(inputs, outputs []Value) {
	m := s.m
	for i, ti := range m.outputs {
		s.inPlace[i] = outputs != nil && m.ownTensor[i] && alone(inputs, outputs, i)
		if s.inPlace[i] {
			s.views[m.tensors[ti].root].f32 = outputs[i].F32
		}
	}
}

// alone reports whether output i's slice shares no byte with another
// output's or any input's.
func alone(inputs, outputs []Value, i int) bool {
	out := outputs[i].F32
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(out)))
	hi := lo + 4*uintptr(len(out))
	apart := func(p unsafe.Pointer, bytes int) bool {
		a := uintptr(p)
		return bytes == 0 || a+uintptr(bytes) <= lo || a >= hi
	}
	for _, v := range inputs {
		if !apart(unsafe.Pointer(unsafe.SliceData(v.F32)), 4*len(v.F32)) ||
			!apart(unsafe.Pointer(unsafe.SliceData(v.I32)), 4*len(v.I32)) ||
			!apart(unsafe.Pointer(unsafe.SliceData(v.I8)), len(v.I8)) {
			return false
		}
	}
	for j, v := range outputs {
		if j != i && !apart(unsafe.Pointer(unsafe.SliceData(v.F32)), 4*len(v.F32)) {
			return false
		}
	}
	return true
}

// Value is one input or output of a batch: the slice of its dtype holds
// the batch's data, examples one after the other. Set only that slice:
// F32 for f32 data, I32 for i32 ids, I8 for RunQuantized's int8 values.
type Value struct {
	F32 []float32
	I32 []int32
	I8  []int8
}

// Run runs the model on a batch: one Value per model input (F32 or I32
// data, as Model.Inputs says) and one per output (F32, filled). The batch
// size follows from the inputs' lengths; each output's slice must have
// room for exactly that batch. Run checks every argument and returns an
// error that says what it wanted and what it got, never panics, and
// allocates nothing when it succeeds. Outputs are computed in their
// slices where that is safe (bindOutputs), so a Run that fails may leave
// them partly written.
//
// Float inputs must be finite: a NaN or an infinity is refused with an
// error naming the input and the value's index, unless the model was
// loaded with Options.AllowNonFinite (see there for what they then
// become). The check reads every input value once: about 0.13 µs for a
// 28x28 image, 2 to 3% of LeNet-300-100's Run at batch 1 and 64.
func (s *Session) Run(inputs, outputs []Value) error { return s.run(inputs, outputs, false) }

// RunQuantized is Run for pipelines that stay quantized: a float input is
// given already quantized (I8, with the parameters Model.Inputs reports)
// and outputs come back as the int8 values before dequantization (I8).
// Its arguments are checked as Run's are.
func (s *Session) RunQuantized(inputs, outputs []Value) error { return s.run(inputs, outputs, true) }

func (s *Session) run(inputs, outputs []Value, quantized bool) (err error) {
	if s == nil || s.m == nil {
		return errors.New("Run on a Session not made by Model.NewSession")
	}
	if s.closed {
		return errors.New("Run on a closed Session")
	}
	m := s.m
	n, err := s.checkArgs(inputs, outputs, quantized)
	if err != nil {
		return err
	}
	if quantized {
		s.bind(n, inputs, nil)
	} else {
		s.bind(n, inputs, outputs)
	}
	if s.pool != nil {
		if n != s.splitN { // batches rarely change from Run to Run
			s.splitN, s.splits = n, m.maxParts(n, s.threads) > 1
		}
		if s.splits {
			s.pool.rouse()
		}
	}
	for i, ti := range m.inputs {
		v := &s.views[ti]
		v.f32, v.i32, v.i8 = inputs[i].F32, inputs[i].I32, inputs[i].I8
	}
	k := -1 // the instruction running, named if a kernel panics
	defer func() {
		if r := recover(); r != nil {
			err = m.internalError(k, r)
		}
	}()
	// Float inputs are scanned for NaN and infinities before the first
	// instruction; a region that starts the program scans them itself,
	// each thread its own examples, which then stay in its core's cache.
	scan := !quantized && !m.allowNonFinite
	next := 0 // the next region
	for k = 0; k < len(m.code); k++ {
		if next < len(m.regions) && m.regions[next].from == k {
			r := &m.regions[next]
			next++
			if s.pool != nil && s.region(r, n, quantized, scan) {
				if scan {
					scan = false
					if s.pool.sawNonFinite(&s.scratch) {
						return s.nonFinite(inputs)
					}
				}
				k = r.to - 1
				continue
			}
		}
		if scan {
			scan = false
			if err := s.nonFinite(inputs); err != nil {
				return err
			}
		}
		if err := s.exec(k, n, quantized); err != nil {
			return err
		}
	}
	if scan {
		if err := s.nonFinite(inputs); err != nil {
			return err
		}
	}
	for i, ti := range m.outputs {
		if quantized {
			copy(outputs[i].I8, s.views[m.quantizedOutput(ti)].i8)
		} else if !s.inPlace[i] {
			copy(outputs[i].F32, s.views[ti].f32)
		}
	}
	return nil
}

// checkArgs checks Run's arguments and returns the batch size. Every
// check but the scan for non-finite floats is O(1) per input and output;
// none allocates unless it fails.
func (s *Session) checkArgs(inputs, outputs []Value, quantized bool) (int, error) {
	m := s.m
	if len(inputs) != len(m.inputs) || len(outputs) != len(m.outputs) {
		return 0, fmt.Errorf("model %s takes %s and gives %s; got %d input values and %d output values",
			m.name, m.countNames("input", m.inputs), m.countNames("output", m.outputs), len(inputs), len(outputs))
	}
	n, from := -1, -1 // the batch size, and the input it was read from
	for i, ti := range m.inputs {
		t := &m.tensors[ti]
		want := t.dtype
		if quantized && want == F32 {
			want = I8
		}
		got, bad := inputs[i].data(want)
		if bad != "" {
			return 0, fmt.Errorf("input %s: want %v data in Value.%s, %s per example (%v%s), for 1 to %s; %s%s",
				t.name, want, field(want), values(t.elems), want, dimsString(t.dims), examples(s.capacity), bad, hint(&inputs[i], want))
		}
		if got%t.elems != 0 {
			return 0, fmt.Errorf("input %s: %s %v values are not a whole number of examples of %s (%v%s)", t.name, thousands(int64(got)), want, values(t.elems), want, dimsString(t.dims))
		}
		if b := got / t.elems; n < 0 {
			n, from = b, i
		} else if b != n {
			return 0, fmt.Errorf("input %s holds %s and input %s %s: the inputs' batch sizes differ",
				t.name, examples(b), m.tensors[m.inputs[from]].name, examples(n))
		}
	}
	if n < 0 { // no inputs: the outputs say the batch size
		t := &m.tensors[m.outputs[0]]
		n = outputs[0].count(outDType(t, quantized)) / t.elems
	}
	if n < 1 || n > s.capacity {
		return 0, fmt.Errorf("batch of %s; this session was made for batches of up to %s", examples(n), thousands(int64(s.capacity)))
	}
	for i, ti := range m.outputs {
		t := &m.tensors[ti]
		want := outDType(t, quantized)
		got, bad := outputs[i].data(want)
		if bad == "" && got != n*t.elems {
			bad = "got room for " + thousands(int64(got))
		}
		if bad != "" {
			return 0, fmt.Errorf("output %s: want room in Value.%s for %s %v values, %s of %v%s; %s",
				t.name, field(want), thousands(int64(n*t.elems)), want, examples(n), want, dimsString(t.dims), bad)
		}
	}
	if quantized {
		for _, ti := range m.inputs {
			if m.tensors[ti].dtype == F32 && m.quantizedInput(ti) < 0 {
				return 0, fmt.Errorf("input %s is not quantized by the model, so it cannot be given as int8", m.tensors[ti].name)
			}
		}
		for _, ti := range m.outputs {
			if m.quantizedOutput(ti) < 0 {
				return 0, fmt.Errorf("output %s is not dequantized by the model, so it cannot be read as int8", m.tensors[ti].name)
			}
		}
	}
	return n, nil
}

// nonFinite returns the error for the first NaN or infinity among the
// float inputs, in input order, or nil.
func (s *Session) nonFinite(inputs []Value) error {
	m := s.m
	for i, ti := range m.inputs {
		if j := kernels.NonFinite(inputs[i].F32); j >= 0 {
			t := &m.tensors[ti]
			return fmt.Errorf("input %s: value %d (example %d, element %d) is %v; float inputs must be finite unless the model is loaded with Options.AllowNonFinite",
				t.name, j, j/t.elems, j%t.elems, inputs[i].F32[j])
		}
	}
	return nil
}

// data returns the number of values v holds of dtype d, and, when it
// holds none or also holds data of another dtype, what it holds instead
// ("got 100 i32 values (Value.I32)").
func (v *Value) data(d DType) (int, string) {
	got := v.count(d)
	others := len(v.F32) + len(v.I32) + len(v.I8) - got
	switch {
	case others > 0 && got > 0:
		return got, fmt.Sprintf("got those (%s values) and %s more in another of Value's slices; set only Value.%s", thousands(int64(got)), thousands(int64(others)), field(d))
	case others > 0:
		return 0, "got " + v.describe()
	case got == 0:
		return 0, "got none"
	}
	return got, ""
}

// count is the number of values v holds of dtype d.
func (v *Value) count(d DType) int {
	switch d {
	case F32:
		return len(v.F32)
	case I32:
		return len(v.I32)
	case I8:
		return len(v.I8)
	}
	return 0
}

// describe says what a Value holds: "100 i32 values (Value.I32)".
func (v *Value) describe() string {
	for _, d := range []DType{F32, I32, I8} {
		if n := v.count(d); n > 0 {
			return fmt.Sprintf("%s %v values (Value.%s)", thousands(int64(n)), d, field(d))
		}
	}
	return "none"
}

// hint adds to an input's dtype error what would fix the likely mistake.
func hint(v *Value, want DType) string {
	switch {
	case want == I8 && len(v.F32) > 0:
		return "; RunQuantized takes float inputs already quantized, as int8 (Run takes them as f32)"
	case want == F32 && len(v.I8) > 0:
		return "; Run takes f32 data (RunQuantized takes int8)"
	}
	return ""
}

// values is "1 value" or "n values".
func values(n int) string {
	if n == 1 {
		return "1 value"
	}
	return thousands(int64(n)) + " values"
}

// examples is "1 example" or "n examples".
func examples(n int) string {
	if n == 1 {
		return "1 example"
	}
	return thousands(int64(n)) + " examples"
}

// field names the Value field that holds data of dtype d.
func field(d DType) string {
	switch d {
	case F32:
		return "F32"
	case I32:
		return "I32"
	}
	return "I8"
}

// outDType is the dtype of an output's data: f32, or i8 for RunQuantized.
func outDType(t *tensor, quantized bool) DType {
	if quantized {
		return I8
	}
	return t.dtype
}

// countNames describes a list of tensors for messages: "1 input (image)".
func (m *Model) countNames(what string, ts []int) string {
	names := ""
	for i, t := range ts {
		if i > 0 {
			names += ", "
		}
		names += m.tensors[t].name
	}
	if len(ts) != 1 {
		what += "s"
	}
	return fmt.Sprintf("%d %s (%s)", len(ts), what, names)
}

// InternalError is a panic inside the VM, recovered by Session.Run (or by
// Load, which runs the model once): a bug in the runtime, since loading
// checks every parameter a kernel could refuse. It names the instruction
// that was running. The session stays usable (each run computes every
// tensor afresh), but the error deserves a bug report; kiln's tests fail
// on it.
type InternalError struct {
	Instr int    // the instruction's index in the code, -1 if none was running
	Op    string // its opcode
	Pos   string // its source position, file:line:col, or "-" when the file has none
	Panic any    // the value the panic carried
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error: instruction %d (%s at %s): %v", e.Instr, e.Op, e.Pos, e.Panic)
}

// internalError describes a panic recovered while instruction k ran.
func (m *Model) internalError(k int, r any) *InternalError {
	e := &InternalError{Instr: k, Op: "-", Pos: "-", Panic: r}
	if k >= 0 && k < len(m.code) {
		e.Op, e.Pos = m.code[k].op.String(), m.code[k].pos.String()
	}
	return e
}

// quantizedInput returns the tensor the QUANTIZE of float input ti writes,
// or -1.
func (m *Model) quantizedInput(ti int) int {
	for _, in := range m.code {
		if in.op == kbc.OpQuantize && in.t[1] == ti {
			return in.t[0]
		}
	}
	return -1
}

// quantizedOutput returns the int8 tensor the DEQUANTIZE of output ti
// reads, or -1.
func (m *Model) quantizedOutput(ti int) int {
	root := m.tensors[ti].root
	for _, in := range m.code {
		if in.op == kbc.OpDequantize && in.t[0] == root {
			return in.t[1]
		}
	}
	return -1
}

// isOutputDequant reports whether instruction k dequantizes an output.
func (m *Model) isOutputDequant(k int) bool {
	out := m.code[k].t[0]
	for _, o := range m.outputs {
		if m.tensors[o].root == out {
			return true
		}
	}
	return false
}

// exec runs instruction k on a batch of n (for RunQuantized, quantized:
// int8 inputs and outputs).
func (s *Session) exec(k, n int, quantized bool) error {
	in := &s.m.code[k]
	v := s.views
	out := &v[in.t[0]]
	x := &v[in.t[1]]
	switch in.op {
	case kbc.OpDense:
		if s.parallel(in, x, out, n) {
			return nil
		}
	case kbc.OpEmbedding, kbc.OpEmbeddingBag:
		if err := embed(in, x.i32, out.i8); err != nil {
			return fmt.Errorf("%s (%v): %w", s.m.tensors[in.t[0]].name, in.pos, err)
		}
		return nil
	}
	s.m.examples(k, 0, n, v, &s.scratch, quantized)
	return nil
}

// embed runs EMBEDDING or EMBEDDING_BAG instruction in on ids; it fails,
// writing nothing, on an id out of range.
func embed(in *instr, ids []int32, out []int8) error {
	switch p := in.prep.(type) {
	case embeddingOp:
		if p.copyRows && idsIn(ids, p.p.Vocab) {
			d := p.p.Dim
			for k, id := range ids {
				copy(out[k*d:(k+1)*d], p.table[int(id)*d:(int(id)+1)*d])
			}
			return nil
		}
		return ref.Embedding(&p.p, ids, p.table, out)
	case embeddingBagOp:
		// Two direct calls: through a func value, &p.p would escape, an
		// allocation every run.
		if p.prescaled {
			return embeddingBagRows(&p.p, ids, p.table, out)
		}
		return ref.EmbeddingBag(&p.p, ids, p.table, out)
	}
	panic(fmt.Sprintf("no kernel for %v with %T", in.op, in.prep))
}

// validIDs reports whether EMBEDDING or EMBEDDING_BAG instruction in
// would run on ids without an error.
func validIDs(in *instr, ids []int32) bool {
	switch p := in.prep.(type) {
	case embeddingOp:
		return idsIn(ids, p.p.Vocab)
	case embeddingBagOp:
		return ref.CheckBagIDs(&p.p, ids) == nil
	}
	return false
}

// examples runs instruction k on examples [lo, hi) of the batch whose
// tensors v holds: all of them on one thread, a thread's share in a
// region (quantized: RunQuantized, which takes the int8 inputs in place
// of the quantized floats and leaves the outputs in int8). An EMBEDDING
// or EMBEDDING_BAG must have had its ids checked (validIDs).
func (m *Model) examples(k, lo, hi int, v []view, sc *scratch, quantized bool) {
	in := &m.code[k]
	out, x := &v[in.t[0]], &v[in.t[1]]
	e, xe := m.tensors[in.t[0]].elems, m.tensors[in.t[1]].elems
	set := m.kernels
	switch p := in.prep.(type) {
	case denseOp:
		r := p.rows
		sc.dense(&p, x.i8[lo*r*p.k:hi*r*p.k], out.i8[lo*r*p.n:hi*r*p.n], (hi-lo)*r, set)
	case convOp:
		sc.conv(&p, x.i8[lo*xe:hi*xe], out.i8[lo*e:hi*e], hi-lo, set)
	case ref.PoolParams:
		p.N = hi - lo
		if in.op == kbc.OpMaxPool {
			kernels.MaxPool(&p, x.i8[lo*xe:hi*xe], out.i8[lo*e:hi*e])
		} else {
			ref.AvgPool(&p, x.i8[lo*xe:hi*xe], out.i8[lo*e:hi*e])
		}
	case *tableOp:
		xs, os := x.i8[lo*e:hi*e], out.i8[lo*e:hi*e]
		os = os[:len(xs)]
		t := &p.table
		i := 0
		for ; i+8 <= len(xs); i += 8 { // eight independent lookups a step
			a, o := xs[i:i+8:i+8], os[i:i+8:i+8]
			o[0], o[1], o[2], o[3] = t[uint8(a[0])], t[uint8(a[1])], t[uint8(a[2])], t[uint8(a[3])]
			o[4], o[5], o[6], o[7] = t[uint8(a[4])], t[uint8(a[5])], t[uint8(a[6])], t[uint8(a[7])]
		}
		for ; i < len(xs); i++ {
			os[i] = t[uint8(xs[i])]
		}
	case reduceOp:
		xs, os := x.i8[lo*xe:hi*xe], out.i8[lo*e:hi*e]
		if p.inner == 1 && p.reduce > 0 {
			// Each output sums a contiguous run (a global average pool,
			// for one): eight values a step, then the reference's rescale.
			for i := range os {
				sum := kernels.SumInt8(xs[i*p.reduce : (i+1)*p.reduce])
				os[i] = ref.ReduceOutput(sum, p.reduce, p.inOff, p.outOff, p.r, p.lo, p.hi)
			}
		} else if in.op == kbc.OpMean {
			rp := ref.MeanParams{Outer: (hi - lo) * p.outer, Reduce: p.reduce, Inner: p.inner, InputOffset: p.inOff, OutputOffset: p.outOff, R: p.r, ActMin: p.lo, ActMax: p.hi}
			ref.Mean(&rp, xs, os)
		} else {
			rp := ref.SumParams{Outer: (hi - lo) * p.outer, Reduce: p.reduce, Inner: p.inner, InputOffset: p.inOff, OutputOffset: p.outOff, R: p.r, ActMin: p.lo, ActMax: p.hi}
			ref.Sum(&rp, xs, os)
		}
	case elementwiseOp:
		// The operands' batch strides are 0 for a constant, which every
		// example reads whole.
		b := &sc.bcast
		if p.same {
			// Operands of the result's shape walk it as one dimension:
			// the reference kernel then divides twice an element, not
			// twice a dimension.
			b.Shape = append(b.Shape[:0], (hi-lo)*e)
			b.XStrides = append(b.XStrides[:0], 1)
			b.YStrides = append(b.YStrides[:0], 1)
		} else {
			b.Shape = append(append(b.Shape[:0], hi-lo), p.shape...)
			b.XStrides = append(append(b.XStrides[:0], p.xBatch), p.xs...)
			b.YStrides = append(append(b.YStrides[:0], p.yBatch), p.ys...)
		}
		y := &v[in.t[2]]
		xs, ys := x.i8[lo*p.xBatch:], y.i8[lo*p.yBatch:]
		if in.op == kbc.OpMul {
			ref.Mul(&p.mul, b, xs, ys, out.i8[lo*e:hi*e])
		} else {
			ref.Add(&p.add, b, xs, ys, out.i8[lo*e:hi*e])
		}
	case concatOp:
		o := lo * e
		for i := lo * p.outer; i < hi*p.outer; i++ {
			for j, w := range p.widths {
				src := v[in.t[1+j]].i8[i*w : (i+1)*w]
				dst := out.i8[o : o+w]
				if p.copy[j] {
					copy(dst, src)
				} else {
					ref.Requantize(&p.rq[j], src, dst)
				}
				o += w
			}
		}
	case softmaxOp:
		ref.Softmax(&p.p, (hi-lo)*e/p.depth, p.depth, x.i8[lo*e:hi*e], out.i8[lo*e:hi*e])
	case ref.InteractionParams:
		p.N = hi - lo
		if in.op == kbc.OpFM {
			ref.FM(&p, x.i8[lo*xe:hi*xe], out.i8[lo*e:hi*e])
		} else {
			ref.BiInteraction(&p, x.i8[lo*xe:hi*xe], out.i8[lo*e:hi*e])
		}
	case affineOp:
		p.p.N = hi - lo
		ref.Affine(&p.p, x.i8[lo*e:hi*e], p.weight, p.bias, out.i8[lo*e:hi*e])
	case *kernels.TransposePlan:
		p.Transpose(hi-lo, x.i8[lo*xe:hi*xe], out.i8[lo*e:hi*e])
	case embeddingOp, embeddingBagOp:
		if err := embed(in, x.i32[lo*xe:hi*xe], out.i8[lo*e:hi*e]); err != nil {
			panic(fmt.Sprintf("ids checked before the region: %v", err))
		}
	default:
		switch in.op {
		case kbc.OpQuantize:
			if quantized && m.tensors[in.t[1]].store == kbc.StoreInput {
				// The int8 input takes the quantize's place, and its time:
				// the plan may give its bytes to values computed before it.
				copy(out.i8[lo*e:hi*e], x.i8[lo*e:hi*e])
				return
			}
			quantize(&m.tensors[in.t[0]].quant, x.f32[lo*e:hi*e], out.i8[lo*e:hi*e], set)
		case kbc.OpDequantize:
			if quantized && m.isOutputDequant(k) {
				return // RunQuantized returns the int8 result
			}
			dequantize(&m.tensors[in.t[1]].quant, x.i8[lo*e:hi*e], out.f32[lo*e:hi*e], set)
		default:
			panic(fmt.Sprintf("no kernel for %v with %T", in.op, in.prep))
		}
	}
}

// dense runs a dense layer on rows rows of x, on the sparse kernels when
// they are faster for that many.
func (sc *scratch) dense(p *denseOp, x, out []int8, rows int, set kernels.Set) {
	if p.useSparse(rows, set.Portable()) {
		matMul := kernels.SparseMatMulRequant
		if set.Portable() {
			matMul = kernels.SparseMatMulRequantPortable
		}
		matMul(rows, x, p.k, p.sparse, p.bias, p.mult, p.shift, p.outOff, p.lo, p.hi, out, p.n, sc.acc)
		return
	}
	if p.cols != nil {
		sc.denseCols(p, x, out, rows, 0, len(p.cols), set)
		return
	}
	set.MatMulRequant(rows, x, p.k, p.w, p.bias, p.mult, p.shift, p.outOff, p.lo, p.hi, out, p.n, sc.acc)
}

// denseCols runs the output parts [from, to) of a layer split by output
// channels on rows rows of x, each into its columns of out.
func (sc *scratch) denseCols(p *denseOp, x, out []int8, rows, from, to int, set kernels.Set) {
	for _, c := range p.cols[from:to] {
		w := c.w.N()
		set.MatMulRequant(rows, x, p.k, c.w, p.bias[c.j0:c.j0+w], sel(p.mult, c.j0, w), sel(p.shift, c.j0, w),
			p.outOff, p.lo, p.hi, out[c.j0:], p.n, sc.acc)
	}
}

// conv runs a convolution on n samples as matrix products: per sample
// and group, the packed filters ([F/G][K]) times the patch matrix ([K][P]:
// row i holds tap i's input at every output position) give the NCHW
// result [F/G][P] directly. A 1x1 convolution with stride 1 and no
// padding needs no patch matrix: its input is one. Other convolutions
// with stride 1 run on the grid (see gridConv); the rest build the patch
// matrix tap by tap.
func (sc *scratch) conv(p *convOp, x, out []int8, n int, set kernels.Set) {
	c := &p.p
	matMul := set.MatMulRequantRHS
	fpg, cpg := c.F/c.Groups, c.C/c.Groups
	plane := c.H * c.W
	for b := 0; b < n; b++ {
		xb := x[b*c.C*plane : (b+1)*c.C*plane]
		ob := out[b*c.F*p.pp : (b+1)*c.F*p.pp]
		if p.depthwise {
			sc.depthwiseConv(p, xb, ob, set)
			continue
		}
		for g := 0; g < c.Groups; g++ {
			xg := xb[g*cpg*plane : (g+1)*cpg*plane]
			og := ob[g*fpg*p.pp : (g+1)*fpg*p.pp]
			bias, mult, shift := p.fbias[g*fpg:(g+1)*fpg], sel(p.mult, g*fpg, fpg), sel(p.shift, g*fpg, fpg)
			switch {
			case p.direct:
				matMul(p.pp, xg, p.pp, p.packed[g], bias, mult, shift, c.OutputOffset, c.ActMin, c.ActMax, og, p.pp, sc.acc)
			case p.grid:
				sc.gridConv(p, xg, g, og, matMul)
			default:
				col := sc.col[:p.kk*p.pp]
				patches(c, xg, cpg, col, int8(-c.InputOffset))
				matMul(p.pp, col, p.pp, p.packed[g], bias, mult, shift, c.OutputOffset, c.ActMin, c.ActMax, og, p.pp, sc.acc)
			}
		}
	}
}

// gridConv runs one sample's group g of a stride-1 convolution over the
// grid of its zero-point-padded input: output positions (oy, x) for every
// x of the padded width Wp, not only the OW valid ones. On that grid, the
// patch row of tap (ci, ky, kx) is one contiguous run of the padded plane
// (from ky*DH*Wp + kx*DW, OH*Wp long), copied whole instead of row by row;
// the columns x >= OW are dropped when the result is copied out.
func (sc *scratch) gridConv(p *convOp, x []int8, g int, out []int8, matMul matMulRHS) {
	c := &p.p
	fpg, cpg := c.F/c.Groups, c.C/c.Groups
	hp, wp := c.H+2*c.PadH, c.W+2*c.PadW
	cols := c.OH * wp
	zero := int8(-c.InputOffset)
	src := x // without padding, the input planes are the grid
	if c.PadH != 0 || c.PadW != 0 {
		src = sc.padded[:cpg*hp*wp]
		for ci := 0; ci < cpg; ci++ {
			plane := src[ci*hp*wp : (ci+1)*hp*wp]
			fillInt8(plane[:c.PadH*wp], zero)
			fillInt8(plane[(c.PadH+c.H)*wp:], zero)
			for y := 0; y < c.H; y++ {
				row := plane[(c.PadH+y)*wp : (c.PadH+y+1)*wp]
				fillInt8(row[:c.PadW], zero)
				copy(row[c.PadW:], x[(ci*c.H+y)*c.W:(ci*c.H+y+1)*c.W])
				fillInt8(row[c.PadW+c.W:], zero)
			}
		}
	}
	col := sc.col[:p.kk*cols]
	i := 0
	for ci := 0; ci < cpg; ci++ {
		for ky := 0; ky < c.KH; ky++ {
			for kx := 0; kx < c.KW; kx++ {
				// The last taps' runs end up to (KW-1)*DW bytes past the
				// planes, in columns that are dropped: zero them.
				from := ci*hp*wp + ky*c.DilationH*wp + kx*c.DilationW
				row := col[i*cols : (i+1)*cols]
				n := copy(row, src[from:min(from+cols, len(src))])
				fillInt8(row[n:], zero)
				i++
			}
		}
	}
	res := sc.colOut[:fpg*cols]
	matMul(cols, col, cols, p.packed[g], p.fbias[g*fpg:(g+1)*fpg], sel(p.mult, g*fpg, fpg), sel(p.shift, g*fpg, fpg),
		c.OutputOffset, c.ActMin, c.ActMax, res, cols, sc.acc)
	for f := 0; f < fpg; f++ {
		for oy := 0; oy < c.OH; oy++ {
			copy(out[(f*c.OH+oy)*c.OW:(f*c.OH+oy+1)*c.OW], res[f*cols+oy*wp:])
		}
	}
}

// depthwiseConv runs one sample of a depthwise convolution
// (convOp.depthwise): each channel's plane is laid out in scratch as its
// phases, its padding and the bytes the kernel reads past them the zero
// point; the kernel writes each row's valid outputs to out.
func (sc *scratch) depthwiseConv(p *convOp, x, out []int8, set kernels.Set) {
	c := &p.p
	span := p.planeLen()
	planes := sc.padded[:c.C*span]
	fillInt8(planes, int8(-c.InputOffset))
	for ch := range c.C {
		plane, in := planes[ch*span:], x[ch*c.H*c.W:(ch+1)*c.H*c.W]
		if c.StrideH == 1 && c.StrideW == 1 {
			for y := range c.H {
				copy(plane[(c.PadH+y)*p.wq+c.PadW:], in[y*c.W:(y+1)*c.W])
			}
			continue
		}
		// Phase (ph, pw) row r is padded row r*StrideH+ph, column q
		// padded column q*StrideW+pw: input column q*StrideW+pw-PadW.
		for ph := range c.StrideH {
			for pw := range c.StrideW {
				phase := plane[(ph*c.StrideW+pw)*p.hq*p.wq:]
				q0 := ceilDiv(c.PadW-pw, c.StrideW) // the first column inside the input
				for r := ceilDiv(c.PadH-ph, c.StrideH); r*c.StrideH+ph < c.PadH+c.H; r++ {
					row := in[(r*c.StrideH+ph-c.PadH)*c.W:][:c.W]
					dst := phase[r*p.wq : (r+1)*p.wq]
					for q, x := q0, q0*c.StrideW+pw-c.PadW; x < c.W; q, x = q+1, x+c.StrideW {
						dst[q] = row[x]
					}
				}
			}
		}
	}
	set.DepthwiseGrid(c.C, c.OH, p.wq, c.OW, planes, span, p.offs, p.taps, p.fbias, p.mult, p.shift,
		c.OutputOffset, c.ActMin, c.ActMax, out, sc.acc)
}

// matMulRHS is the signature of kernels.MatMulRequantRHS.
type matMulRHS = func(cols int, col []int8, ldc int, p *kernels.PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32)

// sel returns the per-channel slice of a requant table, or the single
// per-tensor value.
func sel(v []int32, from, n int) []int32 {
	if len(v) == 1 {
		return v
	}
	return v[from : from+n]
}

// patches writes the patch matrix of cpg input planes x: row (ci, ky, kx)
// holds, for each output position, the input that tap sees; taps in the
// padding take the input's zero point, so that they add nothing once the
// input offset is applied.
func patches(c *ref.ConvParams, x []int8, cpg int, col []int8, zero int8) {
	positions := c.OH * c.OW
	i := 0
	for ci := 0; ci < cpg; ci++ {
		plane := x[ci*c.H*c.W : (ci+1)*c.H*c.W]
		for ky := 0; ky < c.KH; ky++ {
			for kx := 0; kx < c.KW; kx++ {
				row := col[i*positions : (i+1)*positions]
				i++
				// Output columns [ox0, ox1) read inside the input row.
				x0 := kx*c.DilationW - c.PadW
				ox0 := min(c.OW, max(0, ceilDiv(-x0, c.StrideW)))
				ox1 := max(ox0, min(c.OW, ceilDiv(c.W-x0, c.StrideW)))
				for oy := 0; oy < c.OH; oy++ {
					dst := row[oy*c.OW : (oy+1)*c.OW]
					iy := oy*c.StrideH - c.PadH + ky*c.DilationH
					if iy < 0 || iy >= c.H {
						fillInt8(dst, zero)
						continue
					}
					src := plane[iy*c.W : (iy+1)*c.W]
					fillInt8(dst[:ox0], zero)
					fillInt8(dst[ox1:], zero)
					if c.StrideW == 1 {
						copy(dst[ox0:ox1], src[ox0+x0:])
						continue
					}
					for ox := ox0; ox < ox1; ox++ {
						dst[ox] = src[ox*c.StrideW+x0]
					}
				}
			}
		}
	}
}

// ceilDiv is a/b rounded up, for b > 0 and any a.
// idsIn reports whether every id is a row of a table of vocab rows (else
// the reference kernel says which is not).
func idsIn(ids []int32, vocab int) bool {
	for _, id := range ids {
		if id < 0 || int64(id) >= int64(vocab) {
			return false
		}
	}
	return true
}

func ceilDiv(a, b int) int {
	if a <= 0 {
		return -(-a / b)
	}
	return (a + b - 1) / b
}

func fillInt8(b []int8, v int8) {
	if len(b) < 32 {
		for i := range b {
			b[i] = v
		}
		return
	}
	// Longer runs double what is filled with each copy (memmove).
	b[0] = v
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}

// Model returns the model the session runs (nil for a nil Session).
func (s *Session) Model() *Model {
	if s == nil {
		return nil
	}
	return s.m
}

// Close stops the session's worker goroutines (Options.Threads) and
// waits until they have ended; Run then refuses to run. A session whose
// model runs on one thread has none, and a session dropped without Close
// has them stopped once the garbage collector finds it unreachable, but
// only Close stops them at a known time. Closing twice, or a nil
// Session, does nothing. Like Run, Close is for the session's goroutine.
func (s *Session) Close() error {
	if s == nil || s.closed {
		return nil
	}
	s.closed = true
	if s.pool != nil {
		s.cleanup.Stop()
		s.pool.stop()
	}
	return nil
}

// Capacity returns the largest batch the session runs (0 for a nil
// Session).
func (s *Session) Capacity() int {
	if s == nil {
		return 0
	}
	return s.capacity
}
