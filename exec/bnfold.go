package exec

import (
	"math"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The kernels of a batch norm folded into its layer in
// quantization-aware training (ir's bn_fold_weight and bn_fold_shift).
// The arithmetic is ir's, so that they agree with the reference to the
// bit; what training adds is the batch's statistics and, in
// bn_fold_weight, the running statistics' update.

// BNFoldState keeps what a bn_fold op's forward pass used, for its
// freeze attribute and the backward pass: the training steps it has run,
// whether it used the batch's statistics, their per-channel mean and
// 1/sqrt(var + eps).
type BNFoldState struct {
	Steps  int
	Batch  bool
	Mean   []float64
	InvStd []float64
}

// bnFoldStats returns the statistics the op uses this step (the batch's
// of y in training until freeze steps, else the running ones) and
// records them in its state; y's channels are its first per-sample axis.
func bnFoldStats(c *Ctx, v *ir.Value, y, rmean, rvar []float32) (st *BNFoldState, mean, variance []float64) {
	st = StateOf[BNFoldState](c, v)
	yt := v.Args[1].Type
	ch := yt.Dims[0]
	inner := yt.Elems() / ch
	st.Batch = false
	if c.Training && len(y) > 0 {
		if f := v.Attrs.Int("freeze"); f == 0 || st.Steps < f {
			st.Batch = true
		}
		st.Steps++
	}
	if st.Batch {
		mean, variance = ir.BatchStats(y, ch, inner)
	} else {
		mean, variance = make([]float64, ch), make([]float64, ch)
		for k := range mean {
			mean[k], variance[k] = float64(rmean[k]), float64(rvar[k])
		}
	}
	eps := v.Attrs.Float("eps")
	st.Mean, st.InvStd = mean, make([]float64, ch)
	for k := range variance {
		st.InvStd[k] = 1 / math.Sqrt(variance[k]+eps)
	}
	return st, mean, variance
}

// bnFoldWeightForward folds the scale into the weight and, while it uses
// the batch's statistics, moves the running ones as batchnorm does
// (biased variance to normalise, unbiased variance into running_var).
func bnFoldWeightForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	rmean, rvar := in[3].F32, in[4].F32
	st, mean, variance := bnFoldStats(c, v, in[1].F32, rmean, rvar)
	if st.Batch {
		m := float32(v.Attrs.Float("momentum"))
		cnt := float64(len(in[1].F32) / len(mean))
		for k := range mean {
			unbiased := variance[k]
			if cnt > 1 {
				unbiased = variance[k] * cnt / (cnt - 1)
			}
			rmean[k] = (1-m)*rmean[k] + m*float32(mean[k])
			rvar[k] = (1-m)*rvar[k] + m*float32(unbiased)
		}
	}
	ir.BNFoldWeight(in[0].F32, ir.BNFoldScale(in[2].F32, variance, v.Attrs.Float("eps")), out.F32)
	return nil
}

func bnFoldShiftForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	_, mean, variance := bnFoldStats(c, v, in[1].F32, in[4].F32, in[5].F32)
	var bias []float32
	if len(in) == 7 {
		bias = in[6].F32
	}
	shift := ir.BNFoldBias(bias, in[3].F32, mean, ir.BNFoldScale(in[2].F32, variance, v.Attrs.Float("eps")))
	ir.BNFoldShift(in[0].F32, shift, v.Type.Elems()/v.Type.Dims[0], v.Attrs.String("act"), out.F32)
	return nil
}
