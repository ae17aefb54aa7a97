package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Feed gives a graph's inputs examples of a data set, a batch at a time:
// one tensor per graph input, in graph order, batch dimension first. It
// is how calibration data reaches the passes (it implements
// passes.Batches).
type Feed struct {
	set      *data.Dataset
	inputIdx []int
	idx      []int
	batch    int
}

// NewFeed checks set's inputs against g's (matched by name, or the only
// one to the only one) and returns a feed of the examples idx of set, in
// that order, batch at a time.
func NewFeed(g *ir.Graph, set *data.Dataset, idx []int, batch int) (*Feed, error) {
	if batch < 1 {
		return nil, fmt.Errorf("the batch size must be positive, got %d", batch)
	}
	inputIdx, err := bindInputs(g, set)
	if err != nil {
		return nil, err
	}
	n := set.Len()
	for _, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("%s has %d examples, there is no example %d", set.Name, n, i)
		}
	}
	return &Feed{set: &data.Dataset{Name: set.Name, Inputs: set.Inputs}, inputIdx: inputIdx, idx: idx, batch: batch}, nil
}

// Each calls fn with each batch in turn, stopping at the first error. The
// tensors are reused from call to call.
func (f *Feed) Each(fn func(inputs []*tensor.Tensor) error) error {
	b := newBatcher(f.set)
	for lo := 0; lo < len(f.idx); lo += f.batch {
		raw, _ := b.batch(f.idx[lo:min(lo+f.batch, len(f.idx))])
		if err := fn(inputs(raw, f.inputIdx)); err != nil {
			return err
		}
	}
	return nil
}

// Len is the number of examples the feed gives.
func (f *Feed) Len() int { return len(f.idx) }

// Sample returns the indices of k of the n examples of a data set, drawn
// at random with seed so that builds are reproducible (all of them, in
// order, if k is 0 or at least n): the examples calibration and the
// quantization report run on.
func Sample(n, k int, seed uint64) []int {
	if k <= 0 || k >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	r := rand.New(rand.NewPCG(seed, 0x63616c69))
	return r.Perm(n)[:k]
}
