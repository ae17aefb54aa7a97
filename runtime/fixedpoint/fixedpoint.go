// Package fixedpoint is kiln's integer requantization math: the Q31
// multiplier-and-shift representation of a real scale factor, the fixed-point
// primitives that apply it, the effective scales of each quantized operator,
// and the fused-activation clamps. The compiler (passes/quantize) uses it to
// compute multipliers and every int8 kernel uses it to apply them.
//
// Every function here reproduces TensorFlow Lite's arithmetic bit for bit in
// its default build, the one with double rounding (TFLITE_SINGLE_ROUNDING
// unset); each doc comment names the TFLite source it matches. The shared
// contract is written out in kiln's INT8.md.
//
// The functions on the inference hot path (SaturatingRoundingDoublingHighMul,
// RoundingDivideByPOT and the MultiplyByQuantizedMultiplier family) check
// nothing: their preconditions are documented and the caller guarantees them,
// as TFLite's callers do. Where TFLite's C++ would overflow a signed int32
// (undefined behaviour in C++, two's-complement wraparound on every target
// TFLite ships for) Go wraps the same way. The functions that compute
// multipliers at compile time panic where TFLite's TFLITE_CHECKs abort.
package fixedpoint

import (
	"fmt"
	"math"
)

// QuantizeMultiplier returns (m, shift) with d ~= m * 2^(shift-31), m in
// [2^30, 2^31) or 0 — TFLite's QuantizeMultiplier
// (kernels/internal/quantization_util.cc), float build:
//
//	d == 0                 -> (0, 0)
//	q, shift = frexp(d)    q in [0.5, 1), d = q * 2^shift
//	qf = round(q * 2^31)   round half away from zero (TfLiteRound)
//	qf == 2^31             -> qf = 2^30, shift++
//	shift < -31            -> (0, 0): multipliers below ~2^-32 flush to zero
//
// Negative d is quantized the same way (m in [-2^31, -2^30]); TFLite's
// double-rounding build accepts it, its single-rounding build does not. The
// shift is not limited above: d >= 2^30 gives shift > 30, which
// MultiplyByQuantizedMultiplier cannot apply without overflow. d must be
// finite (TFLite's conversion of an infinite or NaN product is undefined);
// QuantizeMultiplier panics otherwise.
func QuantizeMultiplier(d float64) (m int32, shift int) {
	if d == 0 {
		return 0, 0
	}
	if math.IsNaN(d) || math.IsInf(d, 0) {
		panic(fmt.Sprintf("fixedpoint: QuantizeMultiplier(%v): multiplier is not finite", d))
	}
	q, shift := math.Frexp(d)
	qFixed := int64(math.Round(q * (1 << 31)))
	if qFixed == 1<<31 {
		qFixed /= 2
		shift++
	}
	if shift < -31 {
		return 0, 0
	}
	return int32(qFixed), shift
}

// QuantizeMultiplierSmallerThanOneExp quantizes d in (0, 1) into (m,
// leftShift) with leftShift <= 0 — TFLite's
// QuantizeMultiplierSmallerThanOneExp (quantization_util.cc): it
// CHECK-fails unless 0 < d < 1 and the resulting shift is <= 0 (d so close
// to 1 that q rounds up to 2^31 gives shift 1). It panics in those cases.
func QuantizeMultiplierSmallerThanOneExp(d float64) (m int32, leftShift int) {
	if !(d < 1) || !(d > 0) {
		panic(fmt.Sprintf("fixedpoint: QuantizeMultiplierSmallerThanOneExp(%v): multiplier not in (0, 1)", d))
	}
	m, leftShift = QuantizeMultiplier(d)
	if leftShift > 0 {
		panic(fmt.Sprintf("fixedpoint: QuantizeMultiplierSmallerThanOneExp(%v): rounds to 1 (shift %d)", d, leftShift))
	}
	return m, leftShift
}

// QuantizeMultiplierGreaterThanOne quantizes d > 1 into (m, leftShift) with
// leftShift >= 0 — TFLite's QuantizeMultiplierGreaterThanOne
// (quantization_util.cc), which CHECK-fails unless d > 1 and the shift is
// >= 0. It panics in those cases.
func QuantizeMultiplierGreaterThanOne(d float64) (m int32, leftShift int) {
	if !(d > 1) {
		panic(fmt.Sprintf("fixedpoint: QuantizeMultiplierGreaterThanOne(%v): multiplier not > 1", d))
	}
	m, leftShift = QuantizeMultiplier(d)
	if leftShift < 0 {
		panic(fmt.Sprintf("fixedpoint: QuantizeMultiplierGreaterThanOne(%v): negative shift %d", d, leftShift))
	}
	return m, leftShift
}

// SaturatingRoundingDoublingHighMul returns the high 32 bits of 2*a*b,
// rounded — gemmlowp's SaturatingRoundingDoublingHighMul (fixedpoint.h),
// which TFLite uses through common.h:
//
//	a == b == MinInt32     -> MaxInt32 (the only overflowing product)
//	ab = int64(a) * int64(b)
//	nudge = ab >= 0 ? 2^30 : 1 - 2^30
//	result = (ab + nudge) / 2^31, the division truncating toward zero
//
// Equivalently floor((ab + 2^30) / 2^31): exact ties round toward +infinity
// (as ARM's SQRDMULH does), so 0.5 rounds to 1 but -0.5 rounds to 0 and -1.5
// to -1. It is not rounding half away from zero.
func SaturatingRoundingDoublingHighMul(a, b int32) int32 {
	if a == b && a == math.MinInt32 {
		return math.MaxInt32
	}
	ab := int64(a) * int64(b)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - (1 << 30)
	}
	return int32((ab + nudge) / (1 << 31))
}

// RoundingDivideByPOT returns x / 2^exponent rounded to nearest, ties away
// from zero — gemmlowp's RoundingDivideByPOT (fixedpoint.h):
//
//	mask = 2^exponent - 1
//	remainder = x & mask
//	threshold = (mask >> 1) + (x < 0 ? 1 : 0)
//	result = (x >> exponent) + (remainder > threshold ? 1 : 0)
//
// Precondition: 0 <= exponent <= 31, as gemmlowp asserts (a negative
// exponent panics; one above 31 gives a meaningless result).
func RoundingDivideByPOT(x int32, exponent int) int32 {
	mask := int32(int64(1)<<exponent - 1)
	remainder := x & mask
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	result := x >> exponent
	if remainder > threshold {
		result++
	}
	return result
}

// MultiplyByQuantizedMultiplier returns x * m * 2^(shift-31), rounded —
// TFLite's double-rounding MultiplyByQuantizedMultiplier(int32_t, int32_t,
// int) (kernels/internal/common.cc):
//
//	left = max(shift, 0); right = max(-shift, 0)
//	RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^left, m), right)
//
// It rounds twice: once to 32 high bits, once in the right shift.
// Preconditions: -31 <= shift <= 30 (QuantizeMultiplier never returns a
// shift below -31), and x * 2^left must fit in an int32, which TFLite's
// choice of multipliers guarantees in practice; if it does not, the product
// wraps, as TFLite's does (with shift 31 it wraps for every x but 0).
func MultiplyByQuantizedMultiplier(x, m int32, shift int) int32 {
	left, right := 0, 0
	if shift > 0 {
		left = shift
	} else {
		right = -shift
	}
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x*(int32(1)<<left), m), right)
}

// MultiplyByQuantizedMultiplierSmallerThanOneExp applies a multiplier whose
// shift is <= 0 — TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp
// (common.h, double-rounding build):
// RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m), -leftShift).
// It equals MultiplyByQuantizedMultiplier(x, m, leftShift) for every
// leftShift in [-31, 0], the precondition.
func MultiplyByQuantizedMultiplierSmallerThanOneExp(x, m int32, leftShift int) int32 {
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m), -leftShift)
}

// MultiplyByQuantizedMultiplierGreaterThanOne applies a multiplier whose
// shift is >= 0 — TFLite's MultiplyByQuantizedMultiplierGreaterThanOne
// (common.h, double-rounding build):
// SaturatingRoundingDoublingHighMul(x * 2^leftShift, m), with no rounding
// shift after. Precondition: 0 <= leftShift <= 31; x * 2^leftShift wraps
// like the C++ int32 product when it overflows.
func MultiplyByQuantizedMultiplierGreaterThanOne(x, m int32, leftShift int) int32 {
	return SaturatingRoundingDoublingHighMul(x*(int32(1)<<leftShift), m)
}

// MultiplyByQuantizedMultiplier64 is TFLite's int64-input overload
// MultiplyByQuantizedMultiplier(int64_t, int32_t, int) (common.cc, the same
// in both rounding builds), used by its 16x8 kernels: the multiplier is
// reduced to 16 bits, rounded, and applied with a single rounding:
//
//	reduced = m < 0x7FFF0000 ? (m + 2^15) >> 16 : 0x7FFF
//	total = 15 - shift
//	result = int32((x * reduced + 2^(total-1)) >> total)   arithmetic shift
//
// Ties round toward +infinity. Preconditions, as TFLite asserts: m >= 0,
// -31 <= shift <= 7, -2^47 <= x < 2^47, and a result that fits in an int32
// (the final conversion truncates to the low 32 bits, as TFLite's does).
func MultiplyByQuantizedMultiplier64(x int64, m int32, shift int) int32 {
	reduced := int64(0x7FFF)
	if m < 0x7FFF0000 {
		reduced = int64((m + 1<<15) >> 16)
	}
	total := 15 - shift
	v := x*reduced + int64(1)<<(total-1)
	return int32(v >> total)
}

// ConvMultiplier returns the effective scale of a convolution, depthwise
// convolution or per-channel fully-connected output channel, computed as
// TFLite's PopulateConvolutionQuantizationParams (kernels/kernel_util.cc) and
// TFLite Micro's per-channel fully-connected preparation compute it:
// double(inScale) * double(wScale) / double(outScale), all in float64 (no
// float32 rounding of the product). TFLite's int8 convolutions use this even
// for a per-tensor filter scale, which they broadcast to every channel. A
// zero outScale gives +Inf or NaN, which QuantizeMultiplier rejects.
func ConvMultiplier(inScale, wScale, outScale float32) float64 {
	return float64(inScale) * float64(wScale) / float64(outScale)
}

// DenseMultiplierPerTensor returns the effective scale of a fully-connected
// layer with a per-tensor weight scale, computed as TFLite's
// GetQuantizedConvolutionMultipler (kernels/kernel_util.cc), which both
// TFLite's and TFLite Micro's fully-connected kernels use: the product
// inScale * wScale is rounded to float32 first, then divided in float64 by
// double(outScale). It can differ from ConvMultiplier in the low bits of the
// quantized multiplier.
func DenseMultiplierPerTensor(inScale, wScale, outScale float32) float64 {
	product := float32(inScale * wScale)
	return float64(product) / float64(outScale)
}

// AddParams returns the parameters of TFLite's int8 Add: a common left shift
// of 20 applied to both offset inputs, and three multipliers, each quantized
// with QuantizeMultiplierSmallerThanOneExp (so each shift is <= 0) — TFLite's
// add.cc Prepare and TFLite Micro's CalculateOpDataAdd (add_common.cc):
//
//	twice_max = 2 * double(max(s1, s2))
//	M1 = double(s1) / twice_max; M2 = double(s2) / twice_max
//	Mout = twice_max / (2^20 * double(sOut))
//
// (TFLite computes 2*max and 2^20*sOut in float32 and Micro in float64; both
// are exact power-of-two scalings, so the two agree.) The larger input's
// multiplier is exactly 0.5. It panics where TFLite's CHECKs fail: a zero
// input scale, or an output scale so small that Mout is not below 1.
func AddParams(s1, s2, sOut float32) (leftShift int, m1 int32, shift1 int, m2 int32, shift2 int, mOut int32, shiftOut int) {
	leftShift = 20
	twiceMax := 2 * float64(max(s1, s2))
	m1, shift1 = QuantizeMultiplierSmallerThanOneExp(float64(s1) / twiceMax)
	m2, shift2 = QuantizeMultiplierSmallerThanOneExp(float64(s2) / twiceMax)
	mOut, shiftOut = QuantizeMultiplierSmallerThanOneExp(twiceMax / (float64(int64(1)<<leftShift) * float64(sOut)))
	return leftShift, m1, shift1, m2, shift2, mOut, shiftOut
}

// MulMultiplier returns the effective scale of an int8 Mul, computed as
// TFLite's mul.cc Prepare computes it: input1_scale * input2_scale /
// output_scale evaluated in float32 (the operands are float), then widened to
// float64. TFLite Micro's mul_common.cc computes the same expression in
// float64 instead; the two can differ in the low bits of the quantized
// multiplier, and kiln follows TFLite.
func MulMultiplier(s1, s2, sOut float32) float64 {
	product := float32(s1 * s2)
	return float64(float32(product / sOut))
}

// QuantizeValue returns zero + round(f / scale) as TFLite's
// CalculateActivationRangeQuantized (kernels/kernel_util.cc, its local
// Quantize) computes it: f is converted to float32, divided by scale in
// float32, rounded half away from zero in float32 (TfLiteRound), converted
// to int32 and added to zero. The result is not clamped to the int8 range.
// TFLite reports an error when the rounded quotient does not fit in an int32
// (a zero scale included); QuantizeValue saturates instead, the way TFLite's
// SafeCast does (out-of-range values and infinities to the int32 bounds, NaN
// to 0), and saturates the addition, so it is defined for every input.
func QuantizeValue(f float64, scale float32, zero int32) int32 {
	r := math.Round(float64(float32(f) / scale))
	sum := int64(zero) + int64(safeCastInt32(r))
	return int32(max(math.MinInt32, min(math.MaxInt32, sum)))
}

// ActivationRange returns the int8 clamp [lo, hi] that a fused activation
// becomes on an output with the given scale and zero point — TFLite's
// CalculateActivationRangeQuantized for an int8 output, with Q =
// QuantizeValue(·, scale, zero):
//
//	"none"          [-128, 127]
//	"relu"          [max(-128, Q(0)), 127]
//	"relu6"         [max(-128, Q(0)), min(127, Q(6))]
//	"relu_n1_to_1"  [max(-128, Q(-1)), min(127, Q(1))]
//
// As in TFLite, lo can exceed hi when the output range excludes the
// activation's range. Any other name is a caller error and panics.
func ActivationRange(act string, scale float32, zero int32) (lo, hi int32) {
	lo, hi = math.MinInt8, math.MaxInt8
	switch act {
	case "none":
	case "relu":
		lo = max(lo, QuantizeValue(0, scale, zero))
	case "relu6":
		lo = max(lo, QuantizeValue(0, scale, zero))
		hi = min(hi, QuantizeValue(6, scale, zero))
	case "relu_n1_to_1":
		lo = max(lo, QuantizeValue(-1, scale, zero))
		hi = min(hi, QuantizeValue(1, scale, zero))
	default:
		panic(fmt.Sprintf("fixedpoint: ActivationRange: unknown activation %q", act))
	}
	return lo, hi
}

// safeCastInt32 converts an integral float64 to int32 the way TFLite's
// SafeCast<int32_t> (quantization_util.h) does: values beyond the int32
// range, and infinities, saturate to its bounds; NaN becomes 0.
func safeCastInt32(f float64) int32 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}
