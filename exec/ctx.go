package exec

import (
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/kiln-nn/kiln/ir"
)

// Ctx is the state of a float32 execution: whether it trains, how many
// goroutines a kernel may use, the random source dropout draws from, and
// what each op's kernel saved (for the training engine's backward pass,
// and scratch buffers reused from step to step).
//
// Kernels split work so that every output element is computed by the same
// sequence of operations whatever the number of workers: results do not
// depend on Workers.
type Ctx struct {
	Training bool
	Workers  int
	Rand     *rand.Rand

	saved map[*ir.Value]any
}

// NewCtx returns a context using all available cores.
func NewCtx(training bool, seed uint64) *Ctx {
	return &Ctx{
		Training: training,
		Workers:  runtime.GOMAXPROCS(0),
		Rand:     rand.New(DropoutSource(seed)),
		saved:    map[*ir.Value]any{},
	}
}

// DropoutSource returns the random source NewCtx gives dropout for seed.
// A training loop that checkpoints keeps it, to save and restore its state.
func DropoutSource(seed uint64) *rand.PCG { return rand.NewPCG(seed, 0x6b696c6e) }

// Save records what v's backward pass needs.
func (c *Ctx) Save(v *ir.Value, x any) {
	if c.saved == nil {
		c.saved = map[*ir.Value]any{}
	}
	c.saved[v] = x
}

// Saved returns what v's forward pass saved, or nil.
func (c *Ctx) Saved(v *ir.Value) any { return c.saved[v] }

// Parallel runs fn over [0, n) split into contiguous ranges, one per
// worker (w numbers the worker, for per-worker scratch space). fn must
// compute each index independently of the others, so that the split
// cannot change the result.
func (c *Ctx) Parallel(n int, fn func(w, lo, hi int)) {
	workers := c.WorkersFor(n)
	if workers <= 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, lo, hi)
		}()
	}
	wg.Wait()
}

// WorkersFor is the number of goroutines Parallel uses for n items.
func (c *Ctx) WorkersFor(n int) int { return max(1, min(c.Workers, n)) }

// StateOf returns v's saved state of type T, creating it on first use:
// what a kernel keeps between its forward and backward passes, and scratch
// buffers it reuses from step to step.
func StateOf[T any](c *Ctx, v *ir.Value) *T {
	if c.saved == nil {
		c.saved = map[*ir.Value]any{}
	}
	if s, ok := c.saved[v].(*T); ok {
		return s
	}
	s := new(T)
	c.saved[v] = s
	return s
}

// Grow returns buf resized to n elements, reallocating only when it is too
// small; the contents are not cleared.
func Grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// AddInto adds src into dst elementwise.
func AddInto(dst, src []float32) {
	for i, x := range src {
		dst[i] += x
	}
}
