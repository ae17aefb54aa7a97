// Int8 hard_sigmoid, relu6(x + 3) / 6 — kiln's own definition: TFLite has
// no hard_sigmoid operator.
//
// Output: scale 1/256, zero point -128, fixed like TFLite's int8 logistic.
// The real output relu6(x+3)/6 = clamp((x+3)/6, 0, 1) then quantizes to
//
//	q_out = -128 + round(256 * clamp((x+3)/6, 0, 1)),  x = S_in * (q - Z_in)
//	      = clamp(round(x * 128/3), -128, 127)
//
// because 256 * 3/6 = 128 exactly cancels the zero point (and the output's
// 1.0, 128, clamps to 127). kiln defines the integer result as that rescale
// done by TFLite's Requantize:
//
//	q_out = clamp(MultiplyByQuantizedMultiplier(q - Z_in, M, shift), -128, 127)
//	(M, shift) = QuantizeMultiplier(float64(S_in) * 128 / 3)
//
// with the multiplier computed in float64 from the float32 scale (the
// product by 128 is exact; the division by 3 rounds once). It is
// ref.Requantize with InputOffset -Z_in, OutputOffset 0: the output zero
// point -128 has already been cancelled against the +128 of x = 0.
//
// It is within one step of the float formula, and equal to it except near
// half steps. MultiplyByQuantizedMultiplier rounds twice: the high multiply
// rounds to an integer at 2^r times the output resolution (ties up), then
// the right shift by r = max(-shift, 0) rounds again (ties away from zero).
// Its result is therefore within 0.5 + 2^-(r+1) steps of x * 128/3 (plus
// the Q31 multiplier's relative error, below 2^-30), one step off round()
// only where x * 128/3 lies within 2^-(r+1) of a half step. For S_in >=
// 3/256 (input ranges of about [-1.5, 1.5] and wider) r is 0: a single
// rounding with ties up, as round(128 + y) - 128 rounds them, so only the
// 2^-30 relative error remains. Below, r grows by one per halving of S_in
// and the window shrinks with it: a quarter step for r = 1, where a third
// of the inputs of the range [-1, 1] come out one step off round().

package ref

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// The fixed output quantization of hard_sigmoid.
const (
	HardSigmoidOutputScale     = 1.0 / 256
	HardSigmoidOutputZeroPoint = -128
)

// HardSigmoidParamsFor returns the parameters that make ref.Requantize
// compute hard_sigmoid of an int8 tensor with scale inScale and zero point
// inZero into the fixed output quantization (HardSigmoidOutputScale,
// HardSigmoidOutputZeroPoint). It fails on a scale that is not positive and
// finite, on a zero point outside [-128, 127], and on a scale of about 2e5
// or more, whose shift would make (q - Z_in) * 2^shift overflow int32 (every
// nonzero input saturates long before).
func HardSigmoidParamsFor(inScale float32, inZero int32) (RequantizeParams, error) {
	if !(inScale > 0) || math.IsInf(float64(inScale), 1) {
		return RequantizeParams{}, fmt.Errorf("hard_sigmoid: input scale %g is not positive and finite", inScale)
	}
	if inZero < math.MinInt8 || inZero > math.MaxInt8 {
		return RequantizeParams{}, fmt.Errorf("hard_sigmoid: input zero point %d is outside [-128, 127]", inZero)
	}
	m, shift := fixedpoint.QuantizeMultiplier(float64(inScale) * 128 / 3)
	// |q - Z_in| <= 255 < 2^8, so a left shift up to 23 keeps the product in
	// int32.
	if shift > 23 {
		return RequantizeParams{}, fmt.Errorf("hard_sigmoid: input scale %g needs a left shift of %d; at most 23 fits int32", inScale, shift)
	}
	return RequantizeParams{InputOffset: -inZero, OutputOffset: 0, R: Requant{m, shift}}, nil
}
