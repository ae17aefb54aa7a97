package exec

import (
	"math"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The fake-quantization kernels of quantization-aware training. The
// rounding is ir's (ir.FakeQuant, ir.FakeQuantWeight), so that the
// kernels and the reference agree to the bit; what training adds is the
// range tracking.

// FakeQuantState counts the training steps a fake_quant has run, for its
// freeze attribute.
type FakeQuantState struct {
	Steps int
}

func fakeQuantWeightForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	dims, axis := ir.FakeQuantWeightGrid(v.Type.Dims, v.Attrs)
	ir.FakeQuantWeight(in[0].F32, dims, axis, v.Attrs.Int("bits"), out.F32)
	return nil
}

// fakeQuantForward, in training, first moves the range [min, max] (the
// op's state operands, updated in place like batch norm's running
// statistics) towards the batch's extremes: a range never set (both 0)
// takes them, otherwise range = decay * range + (1 - decay) * extremes,
// until freeze steps have run (a fixed range, track=false, never moves).
// Then it rounds with the range, in training
// and inference alike.
func fakeQuantForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	x, lo, hi := in[0].F32, in[1].F32, in[2].F32
	if c.Training && len(x) > 0 && v.Attrs.Bool("track") {
		st := StateOf[FakeQuantState](c, v)
		if freeze := v.Attrs.Int("freeze"); freeze == 0 || st.Steps < freeze {
			bmin, bmax := float32(math.Inf(1)), float32(math.Inf(-1))
			for _, e := range x {
				bmin, bmax = min(bmin, e), max(bmax, e)
			}
			if !math.IsInf(float64(bmin), 0) && !math.IsInf(float64(bmax), 0) && bmin == bmin && bmax == bmax {
				if lo[0] == 0 && hi[0] == 0 {
					lo[0], hi[0] = bmin, bmax
				} else {
					d := float32(v.Attrs.Float("decay"))
					lo[0] = d*lo[0] + (1-d)*bmin
					hi[0] = d*hi[0] + (1-d)*bmax
				}
			}
		}
		st.Steps++
	}
	ir.FakeQuant(x, lo[0], hi[0], out.F32)
	return nil
}
