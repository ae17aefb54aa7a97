// Int8 hard_swish, x * relu6(x + 3) / 6, bit-exact with TFLite's
// reference_ops::HardSwish<int8_t> (kernels/internal/reference/hard_swish.h)
// with the parameters of HardSwishPrepare (kernels/activations.cc; TFLite
// Micro's micro/kernels/hard_swish_common.cc computes the same). TFLite
// Micro runs that reference kernel for int8; TFLite's interpreter runs it
// for its reference kernel type and optimized_ops::HardSwish otherwise.
//
// The kernel works in int16 fixed point. Per element, every value int16:
//
//	x        = q - Z_in
//	hires    = x * 2^7                       x on the scale S_in / 2^7
//	preshift = SRDHM16(hires, M_out)         x on S_out * 2^-e_out (e_out <= 0)
//	reluish  = hires rescaled by (M_relu, e_relu) to the scale 3/2^15,
//	           saturating: x/3 in [-1, 1] as Q0.15
//	           e_relu > 0:  SatLeftShift(SRDHM16(SatLeftShift(hires, e_relu-1), M_relu), 1)
//	           e_relu <= 0: RDBPOT16(SRDHM16(hires, M_relu), -e_relu)
//	reluish  = (reluish + 2^15) >> 1         relu6(x+3)/6 in [0, 1] as Q0.15
//	out      = RDBPOT16(SDHM16(reluish, preshift), -e_out) + Z_out
//	q_out    = clamp(out, -128, 127)
//
// SRDHM16 is gemmlowp's rounding high multiply and SDHM16 TFLite's
// truncating one (TFLite chose truncation for the last product to cancel
// the bias of the rounding ones); RDBPOT16 is gemmlowp's int16 rounding
// right shift. These are the functions of fixedpoint's int16.go.

package ref

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// HardSwishParams are the precomputed parameters of HardSwish, TFLite's
// HardSwishParams (kernels/internal/types.h).
type HardSwishParams struct {
	InputZeroPoint, OutputZeroPoint int32
	// ReluishMultiplier (Q15) and ReluishExponent rescale the input from
	// the "hires" scale S_in/2^7 to the scale 3/2^15:
	// (S_in/128) / (3/32768) ~= ReluishMultiplier/2^15 * 2^ReluishExponent.
	ReluishMultiplier int16
	ReluishExponent   int
	// OutputMultiplier (Q15) and OutputExponent (<= 0) rescale it from the
	// hires scale to the output scale:
	// (S_in/128) / S_out ~= OutputMultiplier/2^15 * 2^OutputExponent.
	OutputMultiplier int16
	OutputExponent   int
}

// HardSwishParamsFor computes HardSwish's parameters as TFLite's
// HardSwishPrepare does. The scale arithmetic is float32, as there:
//
//	hires   = float32(1/128) * S_in           float32 (exact unless subnormal)
//	M_out   = float32(hires / S_out)          float32 quotient
//	M_relu  = float32(hires / (3/32768))      float32 quotient (3/32768 is exact)
//
// and each quotient is widened exactly to float64 for
// fixedpoint.QuantizeMultiplier (whose frexp and rounding are float64); its
// Q31 result is rounded to Q15 by fixedpoint.DownScaleInt32ToInt16Multiplier,
// the exponent kept.
//
// It fails where TFLite's Prepare fails: an output exponent above 0, i.e.
// S_in/128/S_out that quantizes to 1 or more (an output scale at most about
// S_in/128). It also fails, as kiln's own rule, where TFLite's behaviour is
// undefined: a scale that is not positive and finite, a zero point outside
// [-128, 127], a float32 quotient that overflows to infinity, and a reluish
// exponent above 31 (S_in of about 2.5e7 or more), whose left shift TFLite
// computes with an overflowing int.
func HardSwishParamsFor(inScale float32, inZero int32, outScale float32, outZero int32) (HardSwishParams, error) {
	for _, s := range []struct {
		name  string
		scale float32
	}{{"input", inScale}, {"output", outScale}} {
		if !(s.scale > 0) || math.IsInf(float64(s.scale), 1) {
			return HardSwishParams{}, fmt.Errorf("hard_swish: %s scale %g is not positive and finite", s.name, s.scale)
		}
	}
	for _, z := range []struct {
		name string
		zero int32
	}{{"input", inZero}, {"output", outZero}} {
		if z.zero < math.MinInt8 || z.zero > math.MaxInt8 {
			return HardSwishParams{}, fmt.Errorf("hard_swish: %s zero point %d is outside [-128, 127]", z.name, z.zero)
		}
	}
	hires := float32(1.0/128) * inScale
	const reluishScale = float32(3.0 / 32768)
	outputMultiplier := float64(float32(hires / outScale))
	reluishMultiplier := float64(float32(hires / reluishScale))
	if math.IsInf(outputMultiplier, 1) {
		return HardSwishParams{}, fmt.Errorf("hard_swish: output multiplier (input scale %g / 128) / output scale %g overflows float32", inScale, outScale)
	}
	if math.IsInf(reluishMultiplier, 1) {
		return HardSwishParams{}, fmt.Errorf("hard_swish: input scale %g overflows the reluish multiplier", inScale)
	}
	p := HardSwishParams{InputZeroPoint: inZero, OutputZeroPoint: outZero}
	m, e := fixedpoint.QuantizeMultiplier(outputMultiplier)
	if e > 0 {
		return HardSwishParams{}, fmt.Errorf("hard_swish: output multiplier (input scale %g / 128) / output scale %g = %g has exponent %d; TFLite requires it <= 0",
			inScale, outScale, outputMultiplier, e)
	}
	p.OutputMultiplier, p.OutputExponent = fixedpoint.DownScaleInt32ToInt16Multiplier(m), e
	m, e = fixedpoint.QuantizeMultiplier(reluishMultiplier)
	if e > 31 {
		return HardSwishParams{}, fmt.Errorf("hard_swish: input scale %g gives reluish exponent %d; at most 31 is defined", inScale, e)
	}
	p.ReluishMultiplier, p.ReluishExponent = fixedpoint.DownScaleInt32ToInt16Multiplier(m), e
	return p, nil
}

// HardSwish computes hard_swish of each element of in into out.
func HardSwish(p *HardSwishParams, in, out []int8) {
	checkLen("HardSwish", "out", len(out), len(in))
	checkHardSwish(p)
	for i, q := range in {
		out[i] = hardSwish(p, q, fixedpoint.SaturatingDoublingHighMul16)
	}
}

// hardSwish computes one element; outputMul is the last product, TFLite's
// truncating SaturatingDoublingHighMul (a parameter so that the tests can
// show the choice matters).
func hardSwish(p *HardSwishParams, q int8, outputMul func(a, b int16) int16) int8 {
	x := int16(int32(q) - p.InputZeroPoint) // |x| <= 255
	hires := x * (1 << 7)                   // |hires| <= 32640: exact
	preshift := fixedpoint.SaturatingRoundingDoublingHighMul16(hires, p.OutputMultiplier)
	reluish := hires
	if p.ReluishExponent > 0 {
		// All but the last bit of the left shift before the multiplier, the
		// last one after it, so that saturation is decided by the last.
		reluish = fixedpoint.SaturatingLeftShift16(reluish, p.ReluishExponent-1)
	}
	reluish = fixedpoint.SaturatingRoundingDoublingHighMul16(reluish, p.ReluishMultiplier)
	if p.ReluishExponent > 0 {
		reluish = fixedpoint.SaturatingLeftShift16(reluish, 1)
	}
	if p.ReluishExponent < 0 {
		reluish = fixedpoint.RoundingDivideByPOT16(reluish, -p.ReluishExponent)
	}
	reluish = int16((int32(reluish) + 1<<15) >> 1) // [-1, 1] -> [0, 1]
	o := fixedpoint.RoundingDivideByPOT16(outputMul(reluish, preshift), -p.OutputExponent)
	// TFLite adds the zero point in int16; |o| <= 32638 (the products of
	// |hires| <= 32640 and two multipliers below 1), so the sum cannot wrap.
	o += int16(p.OutputZeroPoint)
	return int8(min(max(o, math.MinInt8), math.MaxInt8))
}

// checkHardSwish panics unless p's fields are in the ranges
// HardSwishParamsFor produces, which the kernel relies on.
func checkHardSwish(p *HardSwishParams) {
	switch {
	case p.InputZeroPoint < math.MinInt8 || p.InputZeroPoint > math.MaxInt8 ||
		p.OutputZeroPoint < math.MinInt8 || p.OutputZeroPoint > math.MaxInt8:
		panic(fmt.Sprintf("ref: HardSwish: zero points %d, %d outside int8", p.InputZeroPoint, p.OutputZeroPoint))
	case p.OutputExponent < -31 || p.OutputExponent > 0:
		panic(fmt.Sprintf("ref: HardSwish: output exponent %d not in [-31, 0]", p.OutputExponent))
	case p.ReluishExponent < -31 || p.ReluishExponent > 31:
		panic(fmt.Sprintf("ref: HardSwish: reluish exponent %d not in [-31, 31]", p.ReluishExponent))
	case p.OutputMultiplier < 0 || p.ReluishMultiplier < 0:
		panic(fmt.Sprintf("ref: HardSwish: negative multiplier %d or %d", p.OutputMultiplier, p.ReluishMultiplier))
	}
}
