package ir

import (
	"fmt"
	"slices"

	"github.com/kiln-nn/kiln/tensor"
)

// Reductions: sum and mean over per-sample axes, and the two interaction
// ops of factorisation-machine recommenders.

var reduceAttrs = []AttrSpec{
	{Name: "axis", Kind: AttrInts, Doc: "per-sample axes to reduce; all of them when absent"},
	{Name: "keepdims", Kind: AttrBool, Default: false, Doc: "keep reduced axes with length 1"},
}

// ReduceAxes returns the per-sample axes a reduction with attributes a
// reduces over an operand of type t: sorted, non-negative and distinct.
// It assumes a verified value.
func ReduceAxes(t Type, a Attrs) []int {
	axes, _ := reduceAxes("", t, a)
	return axes
}

// reduceAxes returns the canonical (sorted, non-negative, distinct)
// per-sample axes to reduce.
func reduceAxes(op string, t Type, a Attrs) ([]int, error) {
	if !a.Has("axis") {
		axes := make([]int, t.Rank())
		for i := range axes {
			axes[i] = i
		}
		return axes, nil
	}
	var axes []int
	for _, ax := range a.Ints("axis") {
		n, err := normAxis(op, ax, t.Rank())
		if err != nil {
			return nil, err
		}
		if slices.Contains(axes, n) {
			return nil, fmt.Errorf("%s: axis %d appears twice in %s", op, n, formatAttr(a.Ints("axis")))
		}
		axes = append(axes, n)
	}
	slices.Sort(axes)
	return axes, nil
}

func newReduce(name, doc string, mean bool) *Op {
	return &Op{
		Name:       name,
		Doc:        doc,
		Operands:   []Operand{{Name: "x"}},
		Attrs:      reduceAttrs,
		Positional: []string{"axis"},
		Canon: func(in []Type, a Attrs) error {
			axes, err := reduceAxes(name, in[0], a)
			a["axis"] = axes
			return err
		},
		Infer: func(in []Type, a Attrs) (Type, error) {
			x := in[0]
			if err := needF32(name, "input", x); err != nil {
				return Type{}, err
			}
			axes, err := reduceAxes(name, x, a)
			if err != nil {
				return Type{}, err
			}
			out := Type{DType: tensor.F32, Batched: x.Batched, Dims: []int{}}
			for d, n := range x.Dims {
				switch {
				case !slices.Contains(axes, d):
					out.Dims = append(out.Dims, n)
				case a.Bool("keepdims"):
					out.Dims = append(out.Dims, 1)
				}
			}
			return out, nil
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			x := in[0].F32
			count := len(x) / max(len(out.F32), 1)
			sums := make([]float64, len(out.F32))
			ReduceWalk(v.Args[0].Type, v.Attrs, func(i, o int) { sums[o] += float64(x[i]) }, len(x))
			for i, s := range sums {
				if mean {
					s /= float64(count)
				}
				out.F32[i] = float32(s)
			}
			return nil
		},
	}
}

// The reductions.
var (
	OpSum  = Register(newReduce("sum", "sum over per-sample axes", false))
	OpMean = Register(newReduce("mean", "mean over per-sample axes", true))
)

// interactionInfer checks a [fields, dim] operand.
func interactionInfer(name string, x Type) error {
	if err := needF32(name, "input", x); err != nil {
		return err
	}
	if x.Rank() != 2 {
		return fmt.Errorf("%s: input must be [fields, dim] per sample, got %v", name, x)
	}
	return nil
}

// pairwise computes, per embedding column d, 0.5 * ((sum_f e)^2 - sum_f
// e^2) for one sample's [fields, dim] embeddings: the sum of e_i*e_j over
// field pairs i < j.
func pairwise(e []float32, fields, dim int, out []float64) {
	for d := 0; d < dim; d++ {
		s, sq := 0.0, 0.0
		for f := 0; f < fields; f++ {
			x := float64(e[f*dim+d])
			s += x
			sq += x * x
		}
		out[d] = 0.5 * (s*s - sq)
	}
}

// OpFM is the factorisation-machine second-order term (Rendle 2010) as
// DeepFM uses it: [fields, dim] -> [1].
var OpFM = Register(&Op{
	Name:     "fm",
	Doc:      "factorisation-machine pairwise interaction: 0.5*((sum_f e)^2 - sum_f e^2) summed over dim; [F, D] -> [1]",
	Operands: []Operand{{Name: "x"}},
	Infer: func(in []Type, a Attrs) (Type, error) {
		if err := interactionInfer("fm", in[0]); err != nil {
			return Type{}, err
		}
		return Type{DType: tensor.F32, Batched: in[0].Batched, Dims: []int{1}}, nil
	},
	MACC: func(in []Type, out Type, a Attrs) int64 { return int64(in[0].Elems() + in[0].Dims[1]) },
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		f, d := v.Args[0].Type.Dims[0], v.Args[0].Type.Dims[1]
		cols := make([]float64, d)
		for b := range out.F32 {
			pairwise(in[0].F32[b*f*d:], f, d, cols)
			s := 0.0
			for _, c := range cols {
				s += c
			}
			out.F32[b] = float32(s)
		}
		return nil
	},
})

// OpBiInteraction is NFM's bi-interaction pooling (He and Chua 2017):
// [fields, dim] -> [dim].
var OpBiInteraction = Register(&Op{
	Name:     "bi_interaction",
	Doc:      "NFM bi-interaction pooling: 0.5*((sum_f e)^2 - sum_f e^2) per column; [F, D] -> [D]",
	Operands: []Operand{{Name: "x"}},
	Infer: func(in []Type, a Attrs) (Type, error) {
		if err := interactionInfer("bi_interaction", in[0]); err != nil {
			return Type{}, err
		}
		return Type{DType: tensor.F32, Batched: in[0].Batched, Dims: []int{in[0].Dims[1]}}, nil
	},
	MACC: func(in []Type, out Type, a Attrs) int64 { return int64(in[0].Elems() + in[0].Dims[1]) },
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		f, d := v.Args[0].Type.Dims[0], v.Args[0].Type.Dims[1]
		cols := make([]float64, d)
		for b := 0; b*d < len(out.F32); b++ {
			pairwise(in[0].F32[b*f*d:], f, d, cols)
			for j, c := range cols {
				out.F32[b*d+j] = float32(c)
			}
		}
		return nil
	},
})

// ReduceWalk calls fn for every input element i of a reduction with the
// output element o it reduces into (n input elements, the batch
// included): o drops (or zeroes) the reduced axes of i's index.
func ReduceWalk(t Type, a Attrs, fn func(i, o int), n int) {
	axes := ReduceAxes(t, a)
	ostrides := make([]int, t.Rank())
	acc := 1
	for d := t.Rank() - 1; d >= 0; d-- {
		if !slices.Contains(axes, d) {
			ostrides[d] = acc
			acc *= t.Dims[d]
		}
	}
	perOut, perIn := acc, max(t.Elems(), 1)
	idx := make([]int, t.Rank())
	for i := 0; i < n; i++ {
		o := i / perIn * perOut
		for d, k := range idx {
			o += k * ostrides[d]
		}
		fn(i, o)
		for d := len(idx) - 1; d >= 0; d-- {
			if idx[d]++; idx[d] < t.Dims[d] {
				break
			}
			idx[d] = 0
		}
	}
}
