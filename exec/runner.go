package exec

import (
	"fmt"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Runner runs a float graph forward with the kernel table, keeping every
// value's result of the last run. Buffers are reused from run to run
// while the batch size stays the same.
type Runner struct {
	G   *ir.Graph
	Ctx *Ctx
	// Skip, if set, is a value Forward leaves uncomputed, its activation
	// stale: a training step that needs only part of a layer (a sampled
	// softmax's logits) computes that part itself.
	Skip *ir.Value

	index map[*ir.Value]int
	acts  []*tensor.Tensor // per value, the last run's results
	batch int
}

// NewRunner prepares g to run in ctx. g must compute in float (its inputs
// may be ids), every op must have a kernel, and every parameter must have
// data.
func NewRunner(g *ir.Graph, ctx *Ctx) (*Runner, error) {
	r := &Runner{G: g, Ctx: ctx, index: make(map[*ir.Value]int, len(g.Values)), acts: make([]*tensor.Tensor, len(g.Values))}
	for i, v := range g.Values {
		r.index[v] = i
		if v.Quant != nil || (v.Type.DType != tensor.F32 && !v.IsSource()) {
			return nil, fmt.Errorf("%s is not a float value: only float graphs run on the float32 kernels", v.Name)
		}
		if !v.IsSource() && KernelOf(v.Op) == nil {
			return nil, fmt.Errorf("%s: op %s has no float32 kernel", v.Name, v.Op.Name)
		}
		if (v.Op == ir.OpParam || v.Op == ir.OpConst) && v.Data == nil {
			return nil, fmt.Errorf("parameter %s has no data", v.Name)
		}
	}
	return r, nil
}

// Forward runs the graph on one batch: inputs holds a tensor per graph
// input, in order, with the batch dimension first. It returns the results
// of the graph's outputs (owned by the Runner: valid until the next
// Forward).
func (r *Runner) Forward(inputs []*tensor.Tensor) ([]*tensor.Tensor, error) {
	batch, err := r.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	if batch != r.batch {
		r.batch = batch
		for i, v := range r.G.Values {
			if !v.IsSource() {
				r.acts[i] = tensor.New(v.Type.DType, v.Type.Shape(batch)...)
			}
		}
	}
	k := 0
	for i, v := range r.G.Values {
		switch v.Op {
		case ir.OpInput:
			r.acts[i] = inputs[k]
			k++
		case ir.OpParam, ir.OpConst:
			r.acts[i] = v.Data
		default:
			if v == r.Skip {
				continue
			}
			args := make([]*tensor.Tensor, len(v.Args))
			for j, a := range v.Args {
				args[j] = r.acts[r.index[a]]
			}
			if err := kernels[v.Op](r.Ctx, v, args, r.acts[i]); err != nil {
				return nil, err
			}
		}
	}
	outs := make([]*tensor.Tensor, len(r.G.Outputs))
	for i, o := range r.G.Outputs {
		outs[i] = r.acts[r.index[o]]
	}
	return outs, nil
}

// checkInputs checks a batch against the graph's inputs and returns its
// size.
func (r *Runner) checkInputs(inputs []*tensor.Tensor) (int, error) {
	want := r.G.Inputs()
	if len(inputs) != len(want) {
		return 0, fmt.Errorf("model %s takes %d inputs, got %d", r.G.Name, len(want), len(inputs))
	}
	batch := 1 // a graph without inputs computes one sample
	for i, x := range inputs {
		in := want[i]
		if x == nil || x.DType != in.Type.DType || len(x.Shape) != in.Type.Rank()+1 || !tensor.ShapeEqual(x.Shape[1:], in.Type.Dims) {
			return 0, fmt.Errorf("input %s: expected %v, got %v", in.Name, in.Type, x)
		}
		if err := x.Check(); err != nil {
			return 0, fmt.Errorf("input %s: %v", in.Name, err)
		}
		if x.Shape[0] < 1 {
			return 0, fmt.Errorf("input %s: the batch is empty", in.Name)
		}
		if i > 0 && x.Shape[0] != batch {
			return 0, fmt.Errorf("input %s: batch size %d differs from the other inputs' %d", in.Name, x.Shape[0], batch)
		}
		batch = x.Shape[0]
	}
	return batch, nil
}

// Act returns v's result from the last run.
func (r *Runner) Act(v *ir.Value) *tensor.Tensor { return r.acts[r.index[v]] }

// Batch is the batch size of the last run (0 before the first).
func (r *Runner) Batch() int { return r.batch }
