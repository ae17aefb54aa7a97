// Parallel execution: the split of C into chunks and the helper goroutines
// that compute them.

package blas

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// maxFull is the largest operand, in floats, that each worker packs in
	// full once per call instead of once per chunk.
	maxFull = 1 << 20
	// chunksPerWorker is how many pieces per worker the split dimension
	// is cut into when no chunk has to repack a whole operand, so that a
	// worker that joins late or runs slow simply takes fewer.
	chunksPerWorker = 4
	// helperSpin is how long an idle helper keeps polling for work before
	// it parks. Waking a parked goroutine on an idle P can take 100 µs or
	// more (measured on a 2-vCPU KVM guest), longer than a whole
	// LeNet-sized multiply; a helper that is still polling joins within
	// about a microsecond, so back-to-back calls in a training step keep
	// their helpers.
	helperSpin = 500 * time.Microsecond
)

// job is one parallel multiply: C cut along one dimension into n chunks of
// whole micro-tiles, claimed in any order by the caller and the helpers.
// Every chunk is computed with the same arithmetic whoever takes it.
type job struct {
	id       uint64 // distinct for every job
	p        *problem
	kern     *kernel
	splitN   bool
	chunk    int  // chunk width in rows or columns, a multiple of mr or nr
	dim      int  // m or n
	packFull bool // each worker packs op(A) (splitN) or op(B) in full

	n      int64
	next   atomic.Int64 // next chunk to claim
	seats  atomic.Int32 // helpers that may still join
	active atomic.Int32 // helpers inside work
}

// work computes chunks until none is left. With packFull, a worker packs
// the operand that every chunk reads in full once, into its own buffer,
// before its first chunk: a single copy shared by all workers would cost
// more, because rewriting it on the next call first has to take its cache
// lines back from the cores that read it.
func (j *job) work(ws *workspace) {
	var full []float32
	for {
		c := j.next.Add(1) - 1
		if c >= j.n {
			return
		}
		if j.packFull && full == nil {
			if j.splitN {
				ws.full = grow(ws.full, roundUp(j.p.m, j.kern.mr)*j.p.k)
				j.p.packAllA(j.kern, ws.full)
			} else {
				ws.full = grow(ws.full, roundUp(j.p.n, j.kern.nr)*j.p.k)
				j.p.packAllB(j.kern, ws.full)
			}
			full = ws.full
		}
		lo := int(c) * j.chunk
		hi := min(lo+j.chunk, j.dim)
		if j.splitN {
			j.p.blocked(j.kern, ws, 0, j.p.m, lo, hi, full, nil)
		} else {
			j.p.blocked(j.kern, ws, lo, hi, 0, j.p.n, nil, full)
		}
	}
}

// team is the set of helper goroutines, shared by all calls. Helpers are
// started on demand (never more than GOMAXPROCS-1 are used by one call),
// keep their own packing buffers, and never exit: once idle for helperSpin
// they park until the next parallel call.
var team struct {
	mu      sync.Mutex
	helpers int
	current atomic.Pointer[job] // the job open to helpers, if any
	lastID  atomic.Uint64
	parked  atomic.Int32
	wake    chan struct{}
}

func init() { team.wake = make(chan struct{}, 256) }

// ensureHelpers starts helpers until there are at least n.
func ensureHelpers(n int) {
	team.mu.Lock()
	for team.helpers < n {
		team.helpers++
		go helper()
	}
	team.mu.Unlock()
}

func helper() {
	ws := new(workspace)
	var last uint64 // the job last seen, by id so as not to keep it alive
	idle := time.Now()
	for {
		if j := team.current.Load(); j != nil && j.id != last {
			last = j.id
			if j.seats.Add(-1) >= 0 {
				j.active.Add(1)
				j.work(ws)
				j.active.Add(-1)
			}
			idle = time.Now()
			continue
		}
		if time.Since(idle) > helperSpin {
			team.parked.Add(1)
			<-team.wake
			team.parked.Add(-1)
			idle = time.Now()
			continue
		}
		runtime.Gosched()
	}
}

// split returns how many workers to use and whether to split N (else M).
// It depends on the shape and on workers, never on the result: any split
// gives the same bits.
func (p *problem) split(kern *kernel, workers int) (int, bool) {
	mr, nr := kern.mr, kern.nr
	tilesM, tilesN := (p.m+mr-1)/mr, (p.n+nr-1)/nr
	// Each chunk reads all of the operand along the other dimension; pick
	// the split that makes it the smaller one.
	splitN := (p.n >= p.m && tilesN >= 2) || tilesM < 2
	tiles := tilesM
	if splitN {
		tiles = tilesN
	}
	byWork := 2 * float64(p.m) * float64(p.n) * float64(p.k) / float64(max(1, minWorkerFlops))
	return min(workers, tiles, runtime.GOMAXPROCS(0), int(max(1, min(byWork, 1<<20)))), splitN
}

// parallel cuts C along one dimension into chunks of whole micro-tiles and
// computes them on the calling goroutine and up to workers-1 helpers. The
// operand every chunk needs in full (op(A) when splitting N, op(B) when
// splitting M) is read in place when its layout allows, else packed once by
// each worker when it is small enough; in both cases the dimension is cut
// into several chunks per worker for balance. Otherwise each chunk packs
// the blocks it needs, and there is one chunk per worker to bound the
// repacking.
func (p *problem) parallel(kern *kernel, workers int, splitN bool) {
	mr, nr := kern.mr, kern.nr
	tiles, unit, dim, fullSize := (p.m+mr-1)/mr, mr, p.m, roundUp(p.n, nr)*p.k
	if splitN {
		tiles, unit, dim, fullSize = (p.n+nr-1)/nr, nr, p.n, roundUp(p.m, mr)*p.k
	}
	j := &job{id: team.lastID.Add(1), p: p, kern: kern, splitN: splitN, dim: dim}
	pieces := workers
	switch {
	case splitN && p.directA(), !splitN && p.directB():
		// The operand every chunk reads in full is read in place.
		pieces = min(tiles, chunksPerWorker*workers)
	case fullSize <= maxFull:
		pieces = min(tiles, chunksPerWorker*workers)
		j.packFull = true
	}
	j.chunk = (tiles + pieces - 1) / pieces * unit
	j.n = int64((dim + j.chunk - 1) / j.chunk)
	j.seats.Store(int32(workers - 1))

	ensureHelpers(workers - 1)
	posted := team.current.CompareAndSwap(nil, j)
	if posted {
		for range min(int(team.parked.Load()), workers-1) {
			select {
			case team.wake <- struct{}{}:
			default:
			}
		}
	}
	// If another call holds the slot, this one runs alone.
	ws := workspaces.Get().(*workspace)
	j.work(ws)
	if posted {
		team.current.Store(nil)
	}
	// Every chunk is claimed; wait for the helpers still computing one. A
	// helper that joins from now on finds no chunk and touches nothing.
	for j.active.Load() != 0 {
		runtime.Gosched()
	}
	workspaces.Put(ws)
}
