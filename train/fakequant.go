package train

import (
	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The straight-through gradients of fake quantization (Bengio et al.,
// 2013; Jacob et al., 2018): rounding is taken as the identity where the
// operand lies inside the grid's range and as a constant where the grid
// clamps it. The range itself (the scale) takes no gradient.

func fakeQuantWeightBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] == nil {
		return
	}
	pass := make([]bool, len(in[0].F32))
	dims, axis := ir.FakeQuantWeightGrid(v.Type.Dims, v.Attrs)
	ir.FakeQuantWeightPasses(in[0].F32, dims, axis, v.Attrs.Int("bits"), pass)
	for i, ok := range pass {
		if ok {
			din[0].F32[i] += dout.F32[i]
		}
	}
}

// fakeQuantBackward passes the gradient inside the grid's real interval
// for the range the forward pass rounded with (after its update).
func fakeQuantBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] == nil {
		return
	}
	lo, hi := ir.FakeQuantBounds(in[1].F32[0], in[2].F32[0])
	for i, x := range in[0].F32 {
		if x >= lo && x <= hi {
			din[0].F32[i] += dout.F32[i]
		}
	}
}
