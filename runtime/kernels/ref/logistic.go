// Int8 logistic (sigmoid), bit-exact with TFLite Micro: the kernel is
// reference_integer_ops::Logistic (kernels/internal/reference/integer_ops/
// logistic.h), the parameters are those of
// CalculateArithmeticOpDataLogistic (micro/kernels/logistic_common.cc).
// TFLite's own interpreter (kernels/activations.cc) evaluates int8 logistic
// through a float lookup table by default and can differ by an output step.
//
// Output: scale 1/256, zero point -128 (TFLite requires them). Per element:
//
//	x = q - Z_in
//	x <= -radius: -128;  x >= radius: 127
//	otherwise:    clamp(RoundingDivideByPOT(Logistic(MBQM(x, M, shift), 4), 23) - 128, -128, 127)
//
// where MBQM(x, M, shift) is x*S_in in Q4.27 and radius is the largest |x|
// for which that fits four integer bits (beyond it logistic is within half an
// output step of 0 or 1).

package ref

import (
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// q4InputIntegerBits is the fixed-point format int8 logistic and tanh feed
// gemmlowp (kInputIntegerBits): Q4.27, inputs in [-16, 16).
const q4InputIntegerBits = 4

// LogisticParams are the precomputed parameters of Logistic.
type LogisticParams struct {
	InputZeroPoint int32
	// InputRangeRadius: inputs with |q - Z_in| >= radius saturate.
	InputRangeRadius int32
	// InputMultiplier and InputLeftShift scale q - Z_in to Q4.27 (S_in * 2^27
	// as a Q31 multiplier and a shift, left when positive).
	InputMultiplier int32
	InputLeftShift  int
}

// LogisticParamsFor computes Logistic's parameters as TFLite Micro's Prepare
// does; see q4InputParams.
func LogisticParamsFor(inputScale float32, inputZero int32) LogisticParams {
	m, shift, radius := q4InputParams(inputScale)
	return LogisticParams{
		InputZeroPoint:   inputZero,
		InputRangeRadius: radius,
		InputMultiplier:  m,
		InputLeftShift:   shift,
	}
}

// q4InputParams computes the input scaling TFLite Micro's int8 logistic and
// tanh Prepare compute: real = float64(S_in) * 2^27; (q, shift) =
// frexp(real); M = round(q * 2^31), ties away from zero (which cannot reach
// 2^31 for a float32 scale); radius = CalculateInputRadius(4, shift, 31).
//
// Outside what TFLite handles, the results stay usable and never make the
// kernels shift by more than 31: a scale that is not positive gives M = 0
// (every output is f(0), as TFLite gives for a zero scale); a scale below
// 2^-59, whose right shift would exceed 31, is flushed the same way with a
// saturated radius, like QuantizeMultiplier's flush to zero; an infinite
// scale gives radius 0, so every input saturates.
func q4InputParams(inputScale float32) (multiplier int32, leftShift int, radius int32) {
	real := float64(inputScale) * (1 << (31 - q4InputIntegerBits))
	switch {
	case !(real > 0):
		return 0, 0, fixedpoint.CalculateInputRadius(q4InputIntegerBits, 0, 31)
	case math.IsInf(real, 1):
		return 1 << 30, 31, 0
	}
	q, shift := math.Frexp(real)
	if shift < -31 {
		return 0, 0, math.MaxInt32
	}
	return int32(math.Round(q * (1 << 31))), shift,
		fixedpoint.CalculateInputRadius(q4InputIntegerBits, shift, 31)
}

// Logistic computes 1/(1+exp(-x)) of each element of in into out
// (scale 1/256, zero point -128).
func Logistic(p *LogisticParams, in, out []int8) {
	checkLen("Logistic", "out", len(out), len(in))
	for i, q := range in {
		x := int32(q) - p.InputZeroPoint
		switch {
		case x <= -p.InputRangeRadius:
			out[i] = math.MinInt8
		case x >= p.InputRangeRadius:
			out[i] = math.MaxInt8
		default:
			q4 := fixedpoint.MultiplyByQuantizedMultiplier(x, p.InputMultiplier, p.InputLeftShift)
			o := fixedpoint.RoundingDivideByPOT(fixedpoint.Logistic(q4, q4InputIntegerBits), 31-8)
			out[i] = activate(o+math.MinInt8, math.MinInt8, math.MaxInt8)
		}
	}
}
