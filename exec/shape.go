package exec

import (
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The kernels of ops that move data: flatten, reshape and dropout
// (concat's kernel is its reference semantics).

// copyData copies x's elements into out, whatever the dtype.
func copyData(x, out *tensor.Tensor) {
	copy(out.F32, x.F32)
	copy(out.I32, x.I32)
	copy(out.I8, x.I8)
	copy(out.U8, x.U8)
}

// copyForward is the kernel of ops that only relabel their operand's data.
func copyForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	copyData(in[0], out)
	return nil
}

// DropoutState is the mask of the last training forward pass: 0 for a
// dropped element, 1/(1-rate) for a kept one.
type DropoutState struct {
	Mask []float32
}

// dropoutForward is inverted dropout: in training each element is kept
// with probability 1-rate and scaled by 1/(1-rate), so that inference
// needs no scaling.
func dropoutForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	rate := v.Attrs.Float("rate")
	if !c.Training || rate == 0 {
		copyData(in[0], out)
		return nil
	}
	st := StateOf[DropoutState](c, v)
	st.Mask = Grow(st.Mask, len(out.F32))
	keep := float32(1 / (1 - rate))
	for i, x := range in[0].F32 {
		m := float32(0)
		if c.Rand.Float64() >= rate {
			m = keep
		}
		st.Mask[i] = m
		out.F32[i] = x * m
	}
	return nil
}
