// Reference int8 per-channel affine map: an inference batch norm that
// folds into no layer, run as a depthwise 1x1 convolution.

package ref

import "github.com/kiln-nn/kiln/runtime/fixedpoint"

// AffineParams describes an int8 per-channel affine map y = a[c] x + b[c]:
// in and out [N, C, Inner] (channel c of a [C], [C, L] or [C, H, W]
// sample is its Inner elements from c*Inner), weight [C] int8, bias [C]
// int32. Out holds one Requant per channel, or a single one for all.
type AffineParams struct {
	N, C, Inner int

	InputOffset, OutputOffset int32 // -Z_in, +Z_out
	Out                       []Requant
	ActMin, ActMax            int32
}

// Affine computes, for each element x of channel c,
//
//	acc = weight[c] * (x + InputOffset) + bias[c]             int32, wrapping
//	out = clamp(MultiplyByQuantizedMultiplier(acc, Out[c]) + OutputOffset, ActMin, ActMax)
//
// which is TFLite's reference_integer_ops::DepthwiseConvPerChannel
// (reference/integer_ops/depthwise_conv.h) with a 1x1 filter, depth
// multiplier 1, stride 1 and no padding: per-channel convolution
// requantization, the same bits as Conv with Groups == C and a 1x1 filter.
// With the weight symmetric per channel (S_w[c] = |a[c]| / 127, weight
// ±127: the sign of a[c] is the weight's, so every multiplier stays
// positive), the bias b[c] / (S_in * S_w[c]) and Out[c] the rescale of
// S_in * S_w[c] / S_out, the result is a[c] x + b[c] rounded once to the
// output's grid, up to the bias's rounding (half of S_in |a[c]| / 127) and
// the fixed-point rounding of the multiplier.
func Affine(p *AffineParams, in, weight []int8, bias []int32, out []int8) {
	p.check(in, weight, bias, out)
	for n := range p.N {
		for c := range p.C {
			w, b := int32(weight[c]), bias[c]
			r := requantFor(p.Out, c)
			base := (n*p.C + c) * p.Inner
			for i := base; i < base+p.Inner; i++ {
				acc := w*(int32(in[i])+p.InputOffset) + b
				acc = fixedpoint.MultiplyByQuantizedMultiplier(acc, r.Mult, r.Shift) + p.OutputOffset
				out[i] = activate(acc, p.ActMin, p.ActMax)
			}
		}
	}
}

func (p *AffineParams) check(in, weight []int8, bias []int32, out []int8) {
	const k = "Affine"
	checkDims(k, 0, dim{"N", p.N}, dim{"C", p.C}, dim{"Inner", p.Inner})
	checkLen(k, "in", len(in), p.N*p.C*p.Inner)
	checkLen(k, "out", len(out), p.N*p.C*p.Inner)
	checkLen(k, "weight", len(weight), p.C)
	checkLen(k, "bias", len(bias), p.C)
	checkRequants(k, p.Out, p.C, 0)
	checkActivation(k, p.ActMin, p.ActMax)
}
