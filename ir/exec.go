package ir

import (
	"fmt"
	"math"
	"sort"

	"github.com/kiln-nn/kiln/tensor"
)

// Run is the reference executor: it evaluates a graph on a batch, op by
// op, with each op's plain Eval — float ops with float64 accumulation,
// quantized ops with TFLite's reference integer arithmetic. It is the
// oracle the faster engines (the training kernels, the VM, native code)
// are tested against, so it favours being obviously right over being
// fast.
//
// feeds maps every input's name to a tensor of the input's dtype whose
// shape is [N, per-sample dims...], with the same N >= 1 for all inputs.
// The outputs come back in g.Outputs order.
func Run(g *Graph, feeds map[string]*tensor.Tensor) ([]*tensor.Tensor, error) {
	vals := make(map[*Value]*tensor.Tensor, len(g.Values))
	err := RunEach(g, feeds, func(v *Value, t *tensor.Tensor) { vals[v] = t })
	if err != nil {
		return nil, err
	}
	outs := make([]*tensor.Tensor, len(g.Outputs))
	for i, o := range g.Outputs {
		outs[i] = vals[o]
	}
	return outs, nil
}

// RunEach is Run calling seen with every value's result as it is
// computed (inputs, parameters and constants included).
func RunEach(g *Graph, feeds map[string]*tensor.Tensor, seen func(v *Value, t *tensor.Tensor)) error {
	n, err := checkFeeds(g, feeds)
	if err != nil {
		return err
	}
	vals := make(map[*Value]*tensor.Tensor, len(g.Values))
	for _, v := range g.Values {
		switch v.Op {
		case OpInput:
			vals[v] = feeds[v.Name]
		case OpParam, OpConst:
			if v.Data == nil {
				return fmt.Errorf("parameter %s has no data (bind weights to the model)", v.Name)
			}
			vals[v] = v.Data
		default:
			in := make([]*tensor.Tensor, len(v.Args))
			for i, a := range v.Args {
				in[i] = vals[a]
			}
			out := tensor.New(v.Type.DType, v.Type.Shape(n)...)
			if err := eval(v, in, out); err != nil {
				return err
			}
			vals[v] = out
		}
		seen(v, vals[v])
	}
	return nil
}

// eval runs one op's reference semantics, turning a panic (parameters no
// kernel accepts, which a verified graph should not hold) into an error
// that names the value.
func eval(v *Value, in []*tensor.Tensor, out *tensor.Tensor) (err error) {
	if v.Op.Eval == nil {
		return fmt.Errorf("%s: op %s has no reference semantics", valueRef(v.Name), v.Op.Name)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %s failed: %v", valueRef(v.Name), v.Op.Name, r)
		}
	}()
	return v.Op.Eval(v, in, out)
}

// checkFeeds checks that the feeds match the graph's inputs and returns
// the batch size.
func checkFeeds(g *Graph, feeds map[string]*tensor.Tensor) (int, error) {
	inputs := g.Inputs()
	known := map[string]bool{}
	n := -1
	for _, in := range inputs {
		known[in.Name] = true
		x, ok := feeds[in.Name]
		if !ok {
			return 0, fmt.Errorf("no data for input %s %v", in.Name, in.Type)
		}
		if err := x.Check(); err != nil {
			return 0, fmt.Errorf("input %s: %v", in.Name, err)
		}
		if x.DType != in.Type.DType || len(x.Shape) != in.Type.Rank()+1 || !tensor.ShapeEqual(x.Shape[1:], in.Type.Dims) {
			return 0, fmt.Errorf("input %s: expected %v, got %v", in.Name, in.Type, x)
		}
		if x.Shape[0] < 1 {
			return 0, fmt.Errorf("input %s: the batch is empty", in.Name)
		}
		if n >= 0 && x.Shape[0] != n {
			return 0, fmt.Errorf("input %s: batch size %d differs from the other inputs' %d", in.Name, x.Shape[0], n)
		}
		n = x.Shape[0]
	}
	var extra []string
	for name := range feeds {
		if !known[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return 0, fmt.Errorf("model %s has no input named %q", g.Name, extra[0])
	}
	if n < 0 {
		n = 1 // a graph without inputs computes one sample
	}
	if n > math.MaxInt32 {
		return 0, fmt.Errorf("batch size %d is too large", n)
	}
	return n, nil
}
