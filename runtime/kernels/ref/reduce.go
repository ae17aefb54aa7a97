// Int8 mean and sum over the middle axis of a tensor viewed as
// [Outer, Reduce, Inner], giving [Outer, Inner]: global average pooling is
// Mean with Reduce = H*W (Inner = 1 for NCHW, Inner = C for NHWC), and any
// reduction over contiguous axes maps onto this view.
//
// Both are bit-exact with TFLite's reference_ops::QuantizedMeanOrSum
// (kernels/internal/reference/reduce.h), which is what TFLite Micro runs for
// every int8 MEAN and SUM, with the multiplier TFLite Micro's
// PrepareMeanOrSumHelper computes (micro/kernels/reduce_common.cc):
//
//	M, shift = QuantizeMultiplier(float64(S_in) / float64(S_out))
//	sum      = sum over the reduced axis of q                 int32, wrapping
//	Sum:  out = clamp(MBQM(sum - Z_in*n, M, shift) + Z_out)
//	Mean: out = clamp(MBQM(sum - Z_in*n, M', shift') + Z_out), where 1/n is
//	      folded into the multiplier:
//	      k = min(floor(log2 n), 32, 31 + shift)
//	      M' = (M << k) / n  (int64, truncating);  shift' = shift - k
//
// with n = Reduce, sum - Z_in*n computed in int64 then truncated to int32,
// MBQM the 32-bit double-rounding MultiplyByQuantizedMultiplier, and clamp to
// [ActMin, ActMax] ([-128, 127] as TFLite has no fused activation here).
// When Reduce is 0 every output is 0, as TFLite leaves it.
//
// TFLite's interpreter (kernels/reduce.cc) runs other kernels in some
// cases: reference_integer_ops::Mean (MBQM of the sum, then a rounded
// division by n) for MEAN over axes {1, 2} of a 4-D tensor with keep_dims; a
// truncating integer mean for MEAN, and an int8 sum that wraps for SUM, when
// input and output quantization are equal. Its results can differ from these
// in the last step. kiln follows the single formula above for every shape.

package ref

import (
	"math/bits"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// MeanParams are the precomputed parameters of Mean.
type MeanParams struct {
	Outer, Reduce, Inner int
	InputOffset          int32 // -Z_in
	OutputOffset         int32 // Z_out
	// R is S_in/S_out with 1/Reduce folded in (M', shift' above).
	R              Requant
	ActMin, ActMax int32
}

// SumParams are the precomputed parameters of Sum.
type SumParams struct {
	Outer, Reduce, Inner int
	InputOffset          int32 // -Z_in
	OutputOffset         int32 // Z_out
	// R is S_in/S_out.
	R              Requant
	ActMin, ActMax int32
}

// MeanParamsFor computes Mean's parameters: TFLite's S_in/S_out multiplier,
// with 1/reduce folded in as QuantizedMeanOrSum does, and the full int8
// output range. A ratio that is not finite (a zero output scale) panics in
// QuantizeMultiplier, as TFLite's Prepare fails.
func MeanParamsFor(inScale float32, inZero int32, outScale float32, outZero int32, outer, reduce, inner int) MeanParams {
	m, shift := fixedpoint.QuantizeMultiplier(float64(inScale) / float64(outScale))
	if reduce > 0 {
		k := min(63-bits.LeadingZeros64(uint64(reduce)), 32, 31+shift)
		m = int32((int64(m) << k) / int64(reduce))
		shift -= k
	}
	return MeanParams{
		Outer: outer, Reduce: reduce, Inner: inner,
		InputOffset: -inZero, OutputOffset: outZero,
		R:      Requant{Mult: m, Shift: shift},
		ActMin: -128, ActMax: 127,
	}
}

// SumParamsFor computes Sum's parameters: TFLite's S_in/S_out multiplier and
// the full int8 output range. A ratio that is not finite panics, as for
// MeanParamsFor.
func SumParamsFor(inScale float32, inZero int32, outScale float32, outZero int32, outer, reduce, inner int) SumParams {
	m, shift := fixedpoint.QuantizeMultiplier(float64(inScale) / float64(outScale))
	return SumParams{
		Outer: outer, Reduce: reduce, Inner: inner,
		InputOffset: -inZero, OutputOffset: outZero,
		R:      Requant{Mult: m, Shift: shift},
		ActMin: -128, ActMax: 127,
	}
}

// Mean averages in, viewed as [Outer, Reduce, Inner], over its middle axis
// into out [Outer, Inner].
func Mean(p *MeanParams, in, out []int8) {
	reduceRescale("Mean", p.Outer, p.Reduce, p.Inner, p.InputOffset, p.OutputOffset, p.R, p.ActMin, p.ActMax, in, out)
}

// Sum adds in, viewed as [Outer, Reduce, Inner], over its middle axis into
// out [Outer, Inner].
func Sum(p *SumParams, in, out []int8) {
	reduceRescale("Sum", p.Outer, p.Reduce, p.Inner, p.InputOffset, p.OutputOffset, p.R, p.ActMin, p.ActMax, in, out)
}

// reduceRescale is QuantizedMeanOrSum once its multiplier is chosen: Mean and
// Sum differ only in r.
func reduceRescale(k string, outer, n, inner int, inputOffset, outputOffset int32, r Requant, actMin, actMax int32, in, out []int8) {
	checkDims(k, 0, dim{"Outer", outer}, dim{"Reduce", n}, dim{"Inner", inner})
	checkLen(k, "in", len(in), outer*n*inner)
	checkLen(k, "out", len(out), outer*inner)
	checkActivation(k, actMin, actMax)
	for o := range outer {
		for i := range inner {
			dst := &out[o*inner+i]
			if n == 0 {
				*dst = 0
				continue
			}
			var sum int32
			for j := range n {
				sum += int32(in[(o*n+j)*inner+i])
			}
			*dst = ReduceOutput(sum, n, inputOffset, outputOffset, r, actMin, actMax)
		}
	}
}

// ReduceOutput is Mean's and Sum's output from the int32 sum (wrapping)
// of its n > 0 inputs: the input offset's n terms added, rescaled,
// offset and clamped. A faster sum then gives the reference's bits.
func ReduceOutput(sum int32, n int, inputOffset, outputOffset int32, r Requant, actMin, actMax int32) int8 {
	shifted := int32(int64(sum) + int64(inputOffset)*int64(n))
	v := fixedpoint.MultiplyByQuantizedMultiplier(shifted, r.Mult, r.Shift) + outputOffset
	return activate(v, actMin, actMax)
}
