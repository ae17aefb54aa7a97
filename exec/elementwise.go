package exec

import (
	"math"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The elementwise kernels: add, sub and mul with broadcasting, and the
// activations (softmax's kernel is its reference semantics).

// binary is the kernel of an elementwise op computing op(x, y).
func binary(op func(a, b float32) float32) Kernel {
	return func(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		x, y := in[0].F32, in[1].F32
		ir.Broadcast(v, out, func(i, xo, yo int) { out.F32[i] = op(x[xo], y[yo]) })
		ir.ApplyAct(v.Attrs.String("act"), out.F32)
		return nil
	}
}

// unary is the kernel of an activation computing y from x, whole slices
// at a time: a call per element would cost more than the arithmetic.
func unary(f func(x, y []float32)) Kernel {
	return func(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		f(in[0].F32, out.F32)
		return nil
	}
}

func relu(x, y []float32) {
	for i, v := range x {
		if !(v > 0 || v != v) {
			v = 0
		}
		y[i] = v
	}
}

func relu6(x, y []float32) {
	for i, v := range x {
		if v == v {
			v = min(max(v, 0), 6)
		}
		y[i] = v
	}
}

func sigmoid(x, y []float32) {
	for i, v := range x {
		y[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
}

func tanh(x, y []float32) {
	for i, v := range x {
		y[i] = float32(math.Tanh(float64(v)))
	}
}
