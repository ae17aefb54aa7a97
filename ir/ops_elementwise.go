package ir

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/tensor"
)

// Elementwise ops: add, sub and mul with NumPy broadcasting of the
// per-sample shapes, the activations, and softmax.

func newBinary(name, sym string, f func(a, b float64) float64, f32op func(a, b float32) float32) *Op {
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
			applyAct(v.Attrs.String("act"), out.F32)
			return nil
		},
		Forward: func(c *Ctx, v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			x, y := in[0].F32, in[1].F32
			broadcast(v, out, func(i, xo, yo int) { out.F32[i] = f32op(x[xo], y[yo]) })
			applyAct(v.Attrs.String("act"), out.F32)
			return nil
		},
		Backward: func(c *Ctx, v *Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
			x, y, d := in[0].F32, in[1].F32, actGrad(v.Attrs.String("act"), out, dout).F32
			dx, dy := din[0], din[1]
			broadcast(v, out, func(i, xo, yo int) {
				gx, gy := d[i], d[i]
				switch sym {
				case "-":
					gy = -gy
				case "*":
					gx, gy = gx*y[yo], gy*x[xo]
				}
				if dx != nil {
					dx.F32[xo] += gx
				}
				if dy != nil {
					dy.F32[yo] += gy
				}
			})
		},
	}
}

// broadcast calls fn for every element i of v's result with the offsets of
// the operand elements it combines, in row-major order (so gradients of
// broadcast operands accumulate in a fixed order).
func broadcast(v *Value, out *tensor.Tensor, fn func(i, xo, yo int)) {
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
	OpAdd = Register(newBinary("add", "+", func(a, b float64) float64 { return a + b }, func(a, b float32) float32 { return a + b }))
	OpSub = Register(newBinary("sub", "-", func(a, b float64) float64 { return a - b }, func(a, b float32) float32 { return a - b }))
	OpMul = Register(newBinary("mul", "*", func(a, b float64) float64 { return a * b }, func(a, b float32) float32 { return a * b }))
)

// newUnary builds an elementwise op from its function (float64, the
// reference), a float32 kernel for training, and its gradient kernel,
// which adds dy times the derivative (in terms of the input x and result
// y) into dx. The kernels work on whole slices: a call per element would
// cost more than the arithmetic.
func newUnary(name, doc string, f func(float64) float64, f32 func(x, y []float32), grad func(x, y, dy, dx []float32)) *Op {
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
		Forward: func(c *Ctx, v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			f32(in[0].F32, out.F32)
			return nil
		},
		Backward: func(c *Ctx, v *Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
			if din[0] != nil {
				grad(in[0].F32, out.F32, dout.F32, din[0].F32)
			}
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
	}, func(x, y []float32) {
		for i, v := range x {
			if !(v > 0 || v != v) {
				v = 0
			}
			y[i] = v
		}
	}, func(x, y, dy, dx []float32) {
		for i, v := range x {
			if v > 0 {
				dx[i] += dy[i]
			}
		}
	}))
	OpRelu6 = Register(newUnary("relu6", "min(max(x, 0), 6)", func(x float64) float64 {
		if x != x {
			return x
		}
		return math.Min(math.Max(x, 0), 6)
	}, func(x, y []float32) {
		for i, v := range x {
			if v == v {
				v = min(max(v, 0), 6)
			}
			y[i] = v
		}
	}, func(x, y, dy, dx []float32) {
		for i, v := range x {
			if v > 0 && v < 6 {
				dx[i] += dy[i]
			}
		}
	}))
	OpSigmoid = Register(newUnary("sigmoid", "1 / (1 + exp(-x))", func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		func(x, y []float32) {
			for i, v := range x {
				y[i] = float32(1 / (1 + math.Exp(-float64(v))))
			}
		}, func(x, y, dy, dx []float32) {
			for i, v := range y {
				dx[i] += dy[i] * v * (1 - v)
			}
		}))
	OpTanh = Register(newUnary("tanh", "hyperbolic tangent", math.Tanh,
		func(x, y []float32) {
			for i, v := range x {
				y[i] = float32(math.Tanh(float64(v)))
			}
		}, func(x, y, dy, dx []float32) {
			for i, v := range y {
				dx[i] += dy[i] * (1 - v*v)
			}
		}))
)

// OpSoftmax normalises exp(x) along a per-sample axis.
var OpSoftmax = Register(&Op{
	Name:     "softmax",
	Doc:      "exp(x) / sum(exp(x)) along a per-sample axis",
	Operands: []Operand{{Name: "x"}},
	Attrs:    []AttrSpec{{Name: "axis", Kind: AttrInt, Default: -1, Doc: "per-sample axis; negative counts from the end"}},
	Canon: func(in []Type, a Attrs) error {
		ax, err := normAxis("softmax", a.Int("axis"), in[0].Rank())
		a["axis"] = ax
		return err
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		if err := needF32("softmax", "input", in[0]); err != nil {
			return Type{}, err
		}
		if _, err := normAxis("softmax", a.Int("axis"), in[0].Rank()); err != nil {
			return Type{}, err
		}
		return in[0], nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		t := v.Args[0].Type
		axis, _ := normAxis("softmax", v.Attrs.Int("axis"), t.Rank())
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
					out.F32[i] = float32(math.Exp(float64(x[i])-m) / sum)
				}
			}
		}
		return nil
	},
	Forward: func(c *Ctx, v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		return v.Op.Eval(v, in, out)
	},
	// dx = y * (dy - sum(dy * y)) along the axis.
	Backward: func(c *Ctx, v *Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
		if din[0] == nil {
			return
		}
		t := v.Args[0].Type
		axis, _ := normAxis("softmax", v.Attrs.Int("axis"), t.Rank())
		n, inner := t.Dims[axis], prod(t.Dims[axis+1:])
		y, dy, dx := out.F32, dout.F32, din[0].F32
		for base := 0; base < len(y); base += n * inner {
			for j := 0; j < inner; j++ {
				dot := float32(0)
				for k := 0; k < n; k++ {
					i := base + k*inner + j
					dot += dy[i] * y[i]
				}
				for k := 0; k < n; k++ {
					i := base + k*inner + j
					dx[i] += y[i] * (dy[i] - dot)
				}
			}
		}
	},
})
