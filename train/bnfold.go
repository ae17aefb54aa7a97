package train

import (
	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The gradients of a batch norm folded into its layer (bn_fold_weight,
// bn_fold_shift): exact, through the batch's statistics of y while the
// forward pass used them (then y, the layer's unfolded result, takes a
// gradient as a batchnorm's input does), and with the running statistics
// as constants after the freeze step and at inference.

// bnFoldWeightBackward: out = w * a, a = gamma * s, s = 1/sqrt(var + eps):
// dw = dout * a, dgamma = G * s and, through the batch's variance,
// dy_j = -G * gamma * s^3 * (y_j - mean) / N, with G the channel's sum of
// dout * w.
func bnFoldWeightBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	st := exec.StateOf[exec.BNFoldState](c, v)
	w, gamma, d := in[0].F32, in[2].F32, dout.F32
	ch := len(gamma)
	per := len(w) / ch
	g := make([]float64, ch)
	for i, x := range w {
		k := i / per
		g[k] += float64(d[i]) * float64(x)
		if din[0] != nil {
			din[0].F32[i] += float32(float64(d[i]) * float64(gamma[k]) * st.InvStd[k])
		}
	}
	for k := range g {
		if din[2] != nil {
			din[2].F32[k] += float32(g[k] * st.InvStd[k])
		}
	}
	if !st.Batch || din[1] == nil {
		return
	}
	y := in[1].F32
	inner := v.Args[1].Type.Elems() / ch
	cnt := float64(len(y) / ch)
	for j, x := range y {
		k := (j / inner) % ch
		s := st.InvStd[k]
		din[1].F32[j] += float32(-g[k] * float64(gamma[k]) * s * s * s * (float64(x) - st.Mean[k]) / cnt)
	}
}

// bnFoldShiftBackward: out = act(z + shift), shift = beta + (b - mean) *
// gamma * s: dz = d (d: dout through the activation), and with D the
// channel's sum of d, dbeta = D, db = D * gamma * s, dgamma = D * (b -
// mean) * s and, through the batch's mean and variance,
// dy_j = D * (-gamma * s - (b - mean) * gamma * s^3 * (y_j - mean)) / N.
func bnFoldShiftBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	st := exec.StateOf[exec.BNFoldState](c, v)
	d := actGrad(v.Attrs.String("act"), out, dout).F32
	gamma := in[2].F32
	ch := len(gamma)
	inner := v.Type.Elems() / ch
	sum := make([]float64, ch)
	for i, x := range d {
		sum[(i/inner)%ch] += float64(x)
	}
	if din[0] != nil {
		exec.AddInto(din[0].F32, d)
	}
	bias := func(k int) float64 { return 0 }
	if len(in) == 7 {
		bias = func(k int) float64 { return float64(in[6].F32[k]) }
	}
	for k, dk := range sum {
		s, centred := st.InvStd[k], bias(k)-st.Mean[k]
		if din[3] != nil {
			din[3].F32[k] += float32(dk)
		}
		if din[2] != nil {
			din[2].F32[k] += float32(dk * centred * s)
		}
		if len(din) == 7 && din[6] != nil {
			din[6].F32[k] += float32(dk * float64(gamma[k]) * s)
		}
	}
	if !st.Batch || din[1] == nil {
		return
	}
	y := in[1].F32
	cnt := float64(len(y) / ch)
	for j, x := range y {
		k := (j / inner) % ch
		s, centred := st.InvStd[k], bias(k)-st.Mean[k]
		gs := float64(gamma[k]) * s
		din[1].F32[j] += float32(sum[k] * (-gs - centred*gs*s*s*(float64(x)-st.Mean[k])) / cnt)
	}
}
