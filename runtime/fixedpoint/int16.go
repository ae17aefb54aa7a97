// The int16 fixed-point primitives of TFLite's quantized hard_swish: gemmlowp's
// int16 SaturatingRoundingDoublingHighMul and RoundingDivideByPOT, TFLite's
// own SaturatingDoublingHighMul and SaturatingLeftShift
// (kernels/internal/reference/hard_swish.h), and DownScaleInt32ToInt16Multiplier
// (kernels/internal/common.h), which turns a Q31 multiplier into the Q15 one
// they apply.
//
// C++ computes each of them in int (the int16 operands are promoted) and
// converts the result back to int16; where that conversion would not be
// exact the functions say so. They check nothing on the hot path, like their
// int32 counterparts.

package fixedpoint

import (
	"fmt"
	"math"
)

// SaturatingRoundingDoublingHighMul16 returns the high 16 bits of 2*a*b,
// rounded — gemmlowp's SaturatingRoundingDoublingHighMul<int16_t>
// (fixedpoint.h), ARM's SQRDMULH on 16-bit lanes:
//
//	a == b == MinInt16     -> MaxInt16 (the only overflowing product, 2^30)
//	ab = int32(a) * int32(b)
//	nudge = ab >= 0 ? 2^14 : 1 - 2^14
//	result = (ab + nudge) / 2^15, the division truncating toward zero
//
// As in the int32 version, exact ties round toward +infinity: 0.5 rounds to
// 1, -0.5 to 0, -1.5 to -1.
func SaturatingRoundingDoublingHighMul16(a, b int16) int16 {
	if a == b && a == math.MinInt16 {
		return math.MaxInt16
	}
	ab := int32(a) * int32(b)
	nudge := int32(1 << 14)
	if ab < 0 {
		nudge = 1 - (1 << 14)
	}
	return int16((ab + nudge) / (1 << 15))
}

// SaturatingDoublingHighMul16 returns the high 16 bits of 2*a*b, truncated
// toward zero — TFLite's SaturatingDoublingHighMul(int16_t, int16_t)
// (reference/hard_swish.h), ARM's SQDMULH:
//
//	a == b == MinInt16     -> MaxInt16
//	result = int32(a) * int32(b) / 2^15, the division truncating toward zero
//
// Unlike an arithmetic shift it truncates negative products toward zero:
// -0.5 and -1.5 become 0 and -1.
func SaturatingDoublingHighMul16(a, b int16) int16 {
	if a == b && a == math.MinInt16 {
		return math.MaxInt16
	}
	return int16(int32(a) * int32(b) / (1 << 15))
}

// SaturatingLeftShift16 returns value * 2^amount saturated to the int16
// range — TFLite's SaturatingLeftShift (reference/hard_swish.h), which
// computes the product in int64. Precondition: 0 <= amount <= 30 (TFLite
// forms 2^amount as an int, which is undefined from 31 on).
func SaturatingLeftShift16(value int16, amount int) int16 {
	v := int64(value) << amount
	return int16(max(math.MinInt16, min(math.MaxInt16, v)))
}

// RoundingDivideByPOT16 returns x / 2^exponent rounded to nearest, ties away
// from zero — gemmlowp's RoundingDivideByPOT<int16_t> (fixedpoint.h):
//
//	mask = int16(2^exponent - 1)
//	remainder = x & mask
//	threshold = (mask >> 1) + (x < 0 ? 1 : 0)
//	result = (x >> exponent) + (remainder > threshold ? 1 : 0)   arithmetic shift
//
// gemmlowp allows 0 <= exponent <= 31 (a negative exponent panics here).
// For 0..15 this is the rounding division. From 16 on the mask truncates to
// int16 -1 and gemmlowp's result, reproduced here, is no longer a division:
// 1 for every x >= 0 (0 included) and -1 for every x < 0.
func RoundingDivideByPOT16(x int16, exponent int) int16 {
	mask := int16(int64(1)<<exponent - 1)
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

// DownScaleInt32ToInt16Multiplier rounds a Q31 multiplier m >= 0 (as
// QuantizeMultiplier returns it) to Q15 — TFLite's
// DownScaleInt32ToInt16Multiplier (kernels/internal/common.h; older TFLite
// defines it in kernels/activations.cc):
//
//	m >= MaxInt32 - 2^15   -> MaxInt16
//	otherwise              -> (m + 2^15) >> 16
//
// so ties round up and values that would round to 2^15 saturate. The
// exponent that goes with m is unchanged. TFLite only DCHECKs m >= 0; a
// negative m panics here.
func DownScaleInt32ToInt16Multiplier(m int32) int16 {
	if m < 0 {
		panic(fmt.Sprintf("fixedpoint: DownScaleInt32ToInt16Multiplier(%d): negative multiplier", m))
	}
	const roundingOffset = 1 << 15
	if m >= math.MaxInt32-roundingOffset {
		return math.MaxInt16
	}
	return int16((m + roundingOffset) >> 16)
}
