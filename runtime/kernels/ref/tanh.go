// Int8 tanh, bit-exact with TFLite's reference_integer_ops::Tanh
// (kernels/internal/reference/integer_ops/tanh.h) with the parameters TFLite
// Micro's Prepare computes (micro/kernels/tanh.cc,
// CalculateArithmeticOpData). TFLite's own interpreter (kernels/activations.cc)
// evaluates int8 tanh through a float lookup table by default and can differ
// by an output step.
//
// Output: scale 1/128, zero point 0 (TFLite's converter emits them; the
// kernel assumes them). Per element:
//
//	x = q - Z_in
//	x <= -radius: -128;  x >= radius: 127
//	otherwise:    clamp(RoundingDivideByPOT(Tanh(MBQM(x, M, shift), 4), 24), -128, 127)
//
// with M, shift and radius computed exactly as for Logistic (x*S_in in
// Q4.27).

package ref

import (
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// TanhParams are the precomputed parameters of Tanh; the fields mean what
// LogisticParams' do.
type TanhParams struct {
	InputZeroPoint   int32
	InputRangeRadius int32
	InputMultiplier  int32
	InputLeftShift   int
}

// TanhParamsFor computes Tanh's parameters as TFLite Micro's Prepare does
// (the same input scaling as logistic; see q4InputParams).
func TanhParamsFor(inputScale float32, inputZero int32) TanhParams {
	m, shift, radius := q4InputParams(inputScale)
	return TanhParams{
		InputZeroPoint:   inputZero,
		InputRangeRadius: radius,
		InputMultiplier:  m,
		InputLeftShift:   shift,
	}
}

// Tanh computes tanh of each element of in into out (scale 1/128, zero
// point 0).
func Tanh(p *TanhParams, in, out []int8) {
	checkLen("Tanh", "out", len(out), len(in))
	for i, q := range in {
		x := int32(q) - p.InputZeroPoint
		switch {
		case x <= -p.InputRangeRadius:
			out[i] = math.MinInt8
		case x >= p.InputRangeRadius:
			out[i] = math.MaxInt8
		default:
			q4 := fixedpoint.MultiplyByQuantizedMultiplier(x, p.InputMultiplier, p.InputLeftShift)
			o := fixedpoint.RoundingDivideByPOT(fixedpoint.Tanh(q4, q4InputIntegerBits), 31-7)
			out[i] = activate(o, math.MinInt8, math.MaxInt8)
		}
	}
}
