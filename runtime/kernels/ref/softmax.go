// Int8 softmax, bit-exact with TFLite's reference_ops::Softmax
// (kernels/internal/reference/softmax.h) on int8 input and output, the kernel
// TFLite Micro runs, with the parameters TFLite Micro's CalculateSoftmaxParams
// (micro/kernels/softmax_common.cc) computes. TFLite's own interpreter
// (kernels/activations.cc) evaluates int8 softmax through a float lookup table
// instead and can differ from this by an output step.
//
// Output: scale 1/256, zero point -128. Per row of depth elements:
//
//	d      = x - max(row)                       input differences, <= 0
//	s(d)   = MultiplyByQuantizedMultiplier(d, M, shift)      beta*S_in*d in Q5.26
//	e(d)   = ExpOnNegativeValues(s(d), 5)                    Q0.31
//	sum    = sum over d >= DiffMin of Rescale(e(d), 0, 12)   Q12.19, int32
//	recip, bits = GetReciprocal(sum, 12)
//	out    = d < DiffMin ? -128 :
//	         clamp(RoundingDivideByPOT(SRDHM(recip, e(d)), bits+23) - 128, -128, 127)
//
// TFLite aborts (TFLITE_CHECK) when bits+23 > 31, that is when the row's sum
// of exponentials reaches 512, which needs at least 512 entries close to the
// row's maximum (and its int32 sum would wrap from 4096). Such rows output
// -128 everywhere here: the sum saturates instead of wrapping and a rounding
// shift by more than 31 bits gives 0, which is also the correctly rounded
// result (every probability is at most 1/512, below half an output step).

package ref

import (
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// Fixed-point formats of TFLite's softmax: input differences are scaled into
// Q5.26 (kScaledDiffIntegerBits), exponentials are summed in Q12.19
// (kAccumulationIntegerBits).
const (
	softmaxDiffIntegerBits  = 5
	softmaxAccumIntegerBits = 12
)

// SoftmaxParams are the precomputed parameters of Softmax.
type SoftmaxParams struct {
	// InputBetaMultiplier and InputBetaLeftShift scale an input difference
	// (in input steps) to Q5.26: beta * S_in * 2^26 as a Q31 multiplier and a
	// shift (left when positive).
	InputBetaMultiplier int32
	InputBetaLeftShift  int
	// DiffMin is the most negative input difference that still contributes;
	// smaller ones give exp = 0 and output -128.
	DiffMin int32
}

// SoftmaxParamsFor computes Softmax's parameters as TFLite Micro's Prepare
// does: PreprocessSoftmaxScaling(beta, S_in, 5) — real = min(beta * S_in *
// 2^26, 2^31 - 1) in float64, then QuantizeMultiplierGreaterThanOne — and
// DiffMin = -CalculateInputRadius(5, shift, 31). A model stores beta as a
// float32, so beta is rounded to float32 first, as TFLite's TfLiteSoftmaxParams
// holds it. TFLite rejects beta * S_in <= 2^-26 (real <= 1); for those this
// keeps QuantizeMultiplier's result, with a right shift, and a DiffMin that
// lets every difference through. A NaN product panics in QuantizeMultiplier.
func SoftmaxParamsFor(inputScale float32, beta float64) SoftmaxParams {
	real := math.Min(float64(float32(beta))*float64(inputScale)*(1<<(31-softmaxDiffIntegerBits)),
		math.MaxInt32)
	m, shift := fixedpoint.QuantizeMultiplier(real)
	return SoftmaxParams{
		InputBetaMultiplier: m,
		InputBetaLeftShift:  shift,
		DiffMin:             -fixedpoint.CalculateInputRadius(softmaxDiffIntegerBits, shift, 31),
	}
}

// softmaxExp returns exp(beta * S_in * d) in Q0.31 for an input difference
// d >= DiffMin. TFLite calls MultiplyByQuantizedMultiplierGreaterThanOne,
// which is MultiplyByQuantizedMultiplier for the non-negative shifts it
// allows; the general form also covers the right shifts SoftmaxParamsFor can
// return for tiny scales. |d| <= radius keeps d * 2^shift inside int32.
func softmaxExp(p *SoftmaxParams, d int32) int32 {
	scaled := fixedpoint.MultiplyByQuantizedMultiplier(d, p.InputBetaMultiplier, p.InputBetaLeftShift)
	return fixedpoint.ExpOnNegativeValues(scaled, softmaxDiffIntegerBits)
}

// Softmax computes softmax over each of rows rows of depth int8 values (the
// last axis) of in, into out (scale 1/256, zero point -128).
func Softmax(p *SoftmaxParams, rows, depth int, in, out []int8) {
	const k = "Softmax"
	checkDims(k, 0, dim{"rows", rows}, dim{"depth", depth})
	checkLen(k, "in", len(in), rows*depth)
	checkLen(k, "out", len(out), rows*depth)
	for r := range rows {
		row := in[r*depth : (r+1)*depth]
		dst := out[r*depth : (r+1)*depth]

		maxIn := int8(math.MinInt8)
		for _, v := range row {
			maxIn = max(maxIn, v)
		}

		var sum int64 // Q12.19; at most depth * 2^19
		for _, v := range row {
			if d := int32(v) - int32(maxIn); d >= p.DiffMin {
				sum += int64(fixedpoint.Rescale(softmaxExp(p, d), 0, softmaxAccumIntegerBits))
			}
		}
		recip, bitsOverUnit := fixedpoint.GetReciprocal(int32(min(sum, math.MaxInt32)), softmaxAccumIntegerBits)
		exponent := bitsOverUnit + 31 - 8 // to Q0.8

		for i, v := range row {
			d := int32(v) - int32(maxIn)
			if d < p.DiffMin || exponent > 31 {
				dst[i] = math.MinInt8
				continue
			}
			prob := fixedpoint.SaturatingRoundingDoublingHighMul(recip, softmaxExp(p, d))
			dst[i] = activate(fixedpoint.RoundingDivideByPOT(prob, exponent)+math.MinInt8, math.MinInt8, math.MaxInt8)
		}
	}
}
