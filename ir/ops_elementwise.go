package ir

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/tensor"
)

// Elementwise ops: add, sub and mul with NumPy broadcasting of the
// per-sample shapes, the activations, and softmax.

func newBinary(name, sym string, f func(a, b float64) float64) *Op {
	return &Op{
		Name:     name,
		Doc:      fmt.Sprintf("elementwise x %s y with NumPy broadcasting of per-sample shapes", sym),
		Operands: []Operand{{Name: "x"}, {Name: "y"}},
		Attrs:    []AttrSpec{actAttr},
		Infer: func(in []Type, a Attrs) (Type, error) {
			x, y := in[0], in[1]
			if x.DType != tensor.F32 || y.DType != tensor.F32 {
				return Type{}, fmt.Errorf("%s: operands must be f32, got %v and %v", name, x, y)
			}
			dims, ok := broadcastDims(x.Dims, y.Dims)
			if !ok {
				return Type{}, fmt.Errorf("%s: shapes %v and %v do not broadcast", name, x, y)
			}
			return Type{DType: tensor.F32, Batched: x.Batched || y.Batched, Dims: dims}, nil
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			dims := v.Type.Dims
			xs, xb := broadcastStrides(v.Args[0].Type, dims)
			ys, yb := broadcastStrides(v.Args[1].Type, dims)
			n := 1
			if v.Type.Batched {
				n = out.Shape[0]
			}
			per := prod(dims)
			idx := make([]int, len(dims))
			for b := 0; b < n; b++ {
				clear(idx)
				for i := 0; i < per; i++ {
					xo, yo := b*xb, b*yb
					for d, k := range idx {
						xo += k * xs[d]
						yo += k * ys[d]
					}
					out.F32[b*per+i] = float32(f(float64(in[0].F32[xo]), float64(in[1].F32[yo])))
					for d := len(idx) - 1; d >= 0; d-- { // next index, row-major
						if idx[d]++; idx[d] < dims[d] {
							break
						}
						idx[d] = 0
					}
				}
			}
			ApplyAct(v.Attrs.String("act"), out.F32)
			return nil
		},
	}
}

// Broadcast calls fn for every element i of the result out of v, a binary
// elementwise op, with the offsets of the operand elements it combines, in
// row-major order (so that gradients of broadcast operands accumulate in a
// fixed order): the broadcasting rule, for kernels outside this package.
func Broadcast(v *Value, out *tensor.Tensor, fn func(i, xo, yo int)) {
	dims := v.Type.Dims
	xt, yt := v.Args[0].Type, v.Args[1].Type
	n := 1
	if v.Type.Batched {
		n = out.Shape[0]
	}
	per := prod(dims)
	if xt.Batched == yt.Batched && tensor.ShapeEqual(xt.Dims, yt.Dims) {
		for i := 0; i < n*per; i++ {
			fn(i, i, i)
		}
		return
	}
	xs, xb := broadcastStrides(xt, dims)
	ys, yb := broadcastStrides(yt, dims)
	idx := make([]int, len(dims))
	for b := 0; b < n; b++ {
		clear(idx)
		for i := 0; i < per; i++ {
			xo, yo := b*xb, b*yb
			for d, k := range idx {
				xo += k * xs[d]
				yo += k * ys[d]
			}
			fn(b*per+i, xo, yo)
			for d := len(idx) - 1; d >= 0; d-- {
				if idx[d]++; idx[d] < dims[d] {
					break
				}
				idx[d] = 0
			}
		}
	}
}

// The binary arithmetic ops.
var (
	OpAdd = Register(newBinary("add", "+", func(a, b float64) float64 { return a + b }))
	OpSub = Register(newBinary("sub", "-", func(a, b float64) float64 { return a - b }))
	OpMul = Register(newBinary("mul", "*", func(a, b float64) float64 { return a * b }))
)

// newUnary builds an elementwise op from its function (float64, the
// reference).
func newUnary(name, doc string, f func(float64) float64) *Op {
	return &Op{
		Name:     name,
		Doc:      doc,
		Operands: []Operand{{Name: "x"}},
		Infer: func(in []Type, a Attrs) (Type, error) {
			if err := needF32(name, "input", in[0]); err != nil {
				return Type{}, err
			}
			return in[0], nil
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			for i, x := range in[0].F32 {
				out.F32[i] = float32(f(float64(x)))
			}
			return nil
		},
	}
}

// The activations.
var (
	OpRelu = Register(newUnary("relu", "max(x, 0)", func(x float64) float64 {
		if x > 0 || x != x {
			return x
		}
		return 0
	}))
	OpRelu6 = Register(newUnary("relu6", "min(max(x, 0), 6)", func(x float64) float64 {
		if x != x {
			return x
		}
		return math.Min(math.Max(x, 0), 6)
	}))
	OpSigmoid = Register(newUnary("sigmoid", "1 / (1 + exp(-x))", func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }))
	OpTanh    = Register(newUnary("tanh", "hyperbolic tangent", math.Tanh))
	// MobileNetV3's piecewise-linear activations (Howard et al., 2019).
	OpHardSigmoid = Register(newUnary("hard_sigmoid", "relu6(x + 3) / 6, a piecewise-linear sigmoid", HardSigmoid))
	OpHardSwish   = Register(newUnary("hard_swish", "x * relu6(x + 3) / 6, a piecewise-linear swish", func(x float64) float64 { return x * HardSigmoid(x) }))
)

// OpSoftmax normalises exp(x) along a per-sample axis.
var (
	OpSoftmax    = Register(newSoftmax("softmax", "exp(x) / sum(exp(x)) along a per-sample axis", false))
	OpLogSoftmax = Register(newSoftmax("log_softmax", "x - log(sum(exp(x))) along a per-sample axis: the log of softmax, computed stably", true))
)

// newSoftmax makes softmax, or with log its logarithm.
func newSoftmax(name, doc string, log bool) *Op {
	return &Op{
		Name:     name,
		Doc:      doc,
		Operands: []Operand{{Name: "x"}},
		Attrs:    []AttrSpec{{Name: "axis", Kind: AttrInt, Default: -1, Doc: "per-sample axis; negative counts from the end"}},
		Canon: func(in []Type, a Attrs) error {
			ax, err := normAxis(name, a.Int("axis"), in[0].Rank())
			a["axis"] = ax
			return err
		},
		Infer: func(in []Type, a Attrs) (Type, error) {
			if err := needF32(name, "input", in[0]); err != nil {
				return Type{}, err
			}
			if _, err := normAxis(name, a.Int("axis"), in[0].Rank()); err != nil {
				return Type{}, err
			}
			return in[0], nil
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			t := v.Args[0].Type
			axis, _ := normAxis(name, v.Attrs.Int("axis"), t.Rank())
			n, inner := t.Dims[axis], prod(t.Dims[axis+1:])
			x := in[0].F32
			for base := 0; base < len(x); base += n * inner {
				for j := 0; j < inner; j++ {
					m := math.Inf(-1)
					for k := 0; k < n; k++ {
						m = math.Max(m, float64(x[base+k*inner+j]))
					}
					sum := 0.0
					for k := 0; k < n; k++ {
						sum += math.Exp(float64(x[base+k*inner+j]) - m)
					}
					for k := 0; k < n; k++ {
						i := base + k*inner + j
						if log {
							out.F32[i] = float32(float64(x[i]) - m - math.Log(sum))
						} else {
							out.F32[i] = float32(math.Exp(float64(x[i])-m) / sum)
						}
					}
				}
			}
			return nil
		},
	}
}

// HardSigmoid is relu6(x + 3) / 6; NaN stays NaN.
func HardSigmoid(x float64) float64 {
	if x != x {
		return x
	}
	return math.Min(math.Max(x+3, 0), 6) / 6
}
