package ir

import (
	"fmt"

	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
)

// Ops that move data without computing: flatten, reshape, concat, and
// dropout (the identity at inference; exec's kernel drops in training).

// copyData copies x's elements into out, whatever the dtype.
func copyData(x, out *tensor.Tensor) {
	copy(out.F32, x.F32)
	copy(out.I32, x.I32)
	copy(out.I8, x.I8)
	copy(out.U8, x.U8)
}

// OpFlatten keeps the batch dimension and flattens the rest.
var OpFlatten = Register(&Op{
	Name:      "flatten",
	Doc:       "per-sample flatten: [N, d0, d1, ...] -> [N, d0*d1*...]",
	Operands:  []Operand{{Name: "x"}},
	QuantRule: sameQuant,
	Infer: func(in []Type, a Attrs) (Type, error) {
		x := in[0]
		return Type{DType: x.DType, Batched: x.Batched, Dims: []int{x.Elems()}}, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		copyData(in[0], out)
		return nil
	},
})

// OpReshape gives each sample a new shape with the same element count.
var OpReshape = Register(&Op{
	Name:      "reshape",
	Doc:       "per-sample reshape; one dimension may be -1 (inferred)",
	Operands:  []Operand{{Name: "x"}},
	QuantRule: sameQuant,
	Attrs: []AttrSpec{
		{Name: "shape", Kind: AttrInts, Required: true, Doc: "per-sample shape"},
	},
	Positional: []string{"shape"},
	Canon: func(in []Type, a Attrs) error {
		shape := append([]int{}, a.Ints("shape")...)
		infer, known := -1, 1
		for i, d := range shape {
			switch {
			case d == -1 && infer < 0:
				infer = i
			case d == -1:
				return fmt.Errorf("reshape: shape %s has more than one -1", formatAttr(shape))
			case d < 1:
				return fmt.Errorf("reshape: shape %s has a dimension below 1", formatAttr(shape))
			default:
				known *= d
			}
		}
		if infer >= 0 {
			n := in[0].Elems()
			if known == 0 || n%known != 0 {
				return fmt.Errorf("reshape: cannot reshape %v (%d elements per sample) to %s", in[0], n, formatAttr(shape))
			}
			shape[infer] = n / known
		}
		a["shape"] = shape
		return nil
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		x, shape := in[0], a.Ints("shape")
		n := tensor.NumElems(shape)
		for _, d := range shape {
			if d < 1 {
				n = -1
			}
		}
		if n != x.Elems() {
			return Type{}, fmt.Errorf("reshape: cannot reshape %v (%d elements per sample) to %s", x, x.Elems(), formatAttr(shape))
		}
		return Type{DType: x.DType, Batched: x.Batched, Dims: append([]int{}, shape...)}, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		copyData(in[0], out)
		return nil
	},
})

// OpConcat joins its operands along a per-sample axis.
var OpConcat = Register(&Op{
	Name:     "concat",
	Doc:      "join along a per-sample axis (0 is the first dimension after the batch)",
	Operands: []Operand{{Name: "x", Variadic: true}},
	Attrs: []AttrSpec{
		{Name: "axis", Kind: AttrInt, Default: -1, Doc: "per-sample axis; negative counts from the end"},
	},
	Canon: func(in []Type, a Attrs) error {
		ax, err := normAxis("concat", a.Int("axis"), in[0].Rank())
		a["axis"] = ax
		return err
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		first := in[0]
		axis, err := normAxis("concat", a.Int("axis"), first.Rank())
		if err != nil {
			return Type{}, err
		}
		out := Type{DType: first.DType, Batched: first.Batched, Dims: append([]int{}, first.Dims...)}
		for i, t := range in[1:] {
			same := t.DType == first.DType && t.Batched == first.Batched && t.Rank() == first.Rank()
			for d := 0; same && d < t.Rank(); d++ {
				same = d == axis || t.Dims[d] == first.Dims[d]
			}
			if !same {
				return Type{}, fmt.Errorf("concat: operand %d %v does not match operand 1 %v outside axis %d", i+2, t, first, axis)
			}
			out.Dims[axis] += t.Dims[axis]
		}
		return out, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		axis := v.Attrs.Int("axis")
		t := v.Type
		outer := prod(t.Dims[:axis])
		if t.Batched {
			outer *= out.Shape[0]
		}
		inner := prod(t.Dims[axis+1:])
		widths := make([]int, len(in))
		for k := range in {
			widths[k] = v.Args[k].Type.Dims[axis] * inner
		}
		switch out.DType {
		case tensor.F32:
			concatInto(out.F32, in, func(x *tensor.Tensor) []float32 { return x.F32 }, widths, outer)
		case tensor.I32:
			concatInto(out.I32, in, func(x *tensor.Tensor) []int32 { return x.I32 }, widths, outer)
		case tensor.I8:
			concatInto(out.I8, in, func(x *tensor.Tensor) []int8 { return x.I8 }, widths, outer)
		case tensor.U8:
			concatInto(out.U8, in, func(x *tensor.Tensor) []uint8 { return x.U8 }, widths, outer)
		}
		return nil
	},
})

// concatInto interleaves, for each of the outer rows, widths[k] elements
// of every operand k.
func concatInto[T any](out []T, in []*tensor.Tensor, data func(*tensor.Tensor) []T, widths []int, outer int) {
	o := 0
	for i := 0; i < outer; i++ {
		for k, x := range in {
			n := widths[k]
			copy(out[o:o+n], data(x)[i*n:(i+1)*n])
			o += n
		}
	}
}

// OpDropout zeroes a fraction of its input in training; at inference it is
// the identity.
var OpDropout = Register(&Op{
	Name:       "dropout",
	Doc:        "random zeroing in training, the identity at inference",
	Operands:   []Operand{{Name: "x"}},
	Attrs:      []AttrSpec{{Name: "rate", Kind: AttrFloat, Default: 0.5, Doc: "fraction zeroed in training"}},
	Positional: []string{"rate"},
	Infer: func(in []Type, a Attrs) (Type, error) {
		if err := needF32("dropout", "input", in[0]); err != nil {
			return Type{}, err
		}
		if r := a.Float("rate"); !(r >= 0 && r < 1) {
			return Type{}, fmt.Errorf("dropout: rate must be in [0, 1), got %s", formatF64(r))
		}
		return in[0], nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		copyData(in[0], out)
		return nil
	},
})

// OpTranspose permutes each sample's axes; the batch axis stays first.
var OpTranspose = Register(&Op{
	Name:       "transpose",
	Doc:        "per-sample axis permutation: result axis k is operand axis perm[k] (the batch axis stays first and is not named); default: the axes reversed",
	Operands:   []Operand{{Name: "x"}},
	QuantRule:  sameQuant,
	Attrs:      []AttrSpec{{Name: "perm", Kind: AttrInts, Doc: "a permutation of the per-sample axes 0..rank-1; absent: rank-1 .. 0"}},
	Positional: []string{"perm"},
	Canon: func(in []Type, a Attrs) error {
		if !a.Has("perm") {
			r := in[0].Rank()
			perm := make([]int, r)
			for k := range perm {
				perm[k] = r - 1 - k
			}
			a["perm"] = perm
		}
		return nil
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		x := in[0]
		if err := needF32("transpose", "input", x); err != nil {
			return Type{}, err
		}
		if x.Rank() < 1 {
			return Type{}, fmt.Errorf("transpose: input %v has no per-sample axis to permute", x)
		}
		perm := a.Ints("perm")
		if err := ref.CheckPerm(perm, x.Rank()); err != nil {
			return Type{}, fmt.Errorf("transpose: %v (input %v)", err, x)
		}
		return Type{DType: x.DType, Batched: x.Batched, Dims: PermuteDims(x.Dims, perm)}, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		x := v.Args[0].Type
		ref.TransposeF32(&ref.TransposeParams{N: batchOf(x, in[0]), Dims: x.Dims, Perm: v.Attrs.Ints("perm")}, in[0].F32, out.F32)
		return nil
	},
})

// PermuteDims returns dims permuted: entry k is dims[perm[k]].
func PermuteDims(dims, perm []int) []int {
	out := make([]int, len(perm))
	for k, a := range perm {
		out[k] = dims[a]
	}
	return out
}

// InversePerm returns the permutation that undoes perm.
func InversePerm(perm []int) []int {
	inv := make([]int, len(perm))
	for k, a := range perm {
		inv[a] = k
	}
	return inv
}
