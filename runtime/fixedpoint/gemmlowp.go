// gemmlowp's fixed-point math on int32 raw values, and the two TFLite helpers
// built on it (GetReciprocal, CalculateInputRadius).
//
// gemmlowp (fixedpoint/fixedpoint.h) defines FixedPoint<int32, IntegerBits>:
// a raw int32 r that stands for r / 2^(31-IntegerBits), i.e. the Q format
// Q<IntegerBits>.<31-IntegerBits>, range [-2^IntegerBits, 2^IntegerBits).
// Here a fixed-point value is its raw int32, and every function that depends
// on the format takes the integer-bits count as an argument; the result
// formats are stated in each doc comment. Valid integer-bits counts are
// 0..29 unless a function says otherwise.
//
// The translation of gemmlowp's operators:
//
//	a + b, a - b (same format)  plain int32 addition / subtraction (wrapping)
//	a * b                       SaturatingRoundingDoublingHighMul(a, b); the
//	                            result has IntegerBits(a) + IntegerBits(b)
//	ExactMulByPot<e>(a)         the same raw value read with IntegerBits+e
//	F::One()                    One(integerBits)
//	F::ConstantPOT<e>()         ConstantPOT(integerBits, e)
//
// Every function reproduces gemmlowp's scalar int32 path bit for bit,
// including its selection order, constants and saturation; where gemmlowp's
// C++ would overflow a signed int32 (undefined behaviour, two's-complement
// wraparound on every compiler TFLite ships with) Go wraps the same way.
// gemmlowp_test.go ports gemmlowp's test/test_fixedpoint.cc and compares
// every function with gemmlowp's own results on 2^16 inputs; the int8
// softmax, logistic and tanh kernels (runtime/kernels/ref) build on them.

package fixedpoint

import (
	"math"
	"math/bits"
)

// The int32 constants gemmlowp writes with GEMMLOWP_CHECKED_FIXEDPOINT_CONSTANT
// (for int32 the raw value is used unchanged).
const (
	rawExpMinusOneEighth = 1895147668  // Q0.31 exp(-1/8)
	rawOneThird          = 715827883   // Q0.31 1/3
	rawExpMinusQuarter   = 1672461947  // Q0.31 exp(-1/4)
	rawExpMinusHalf      = 1302514674  // Q0.31 exp(-1/2)
	rawExpMinusOne       = 790015084   // Q0.31 exp(-1)
	rawExpMinusTwo       = 290630308   // Q0.31 exp(-2)
	rawExpMinusFour      = 39332535    // Q0.31 exp(-4)
	rawExpMinusEight     = 720401      // Q0.31 exp(-8)
	rawExpMinusSixteen   = 242         // Q0.31 exp(-16)
	raw48Over17          = 1515870810  // Q2.29 48/17
	rawNeg32Over17       = -1010580540 // Q2.29 -32/17
	rawOneHalf           = 1 << 30     // Q0.31 1/2
)

// One returns the raw value of 1.0 in the format with integerBits integer
// bits (gemmlowp's FixedPoint::One()). With 0 integer bits 1.0 is not
// representable and One saturates to the largest value, 1 - 2^-31.
func One(integerBits int) int32 {
	if integerBits == 0 {
		return math.MaxInt32
	}
	return 1 << (31 - integerBits)
}

// ConstantPOT returns the raw value of 2^exponent in the format with
// integerBits integer bits (gemmlowp's FixedPoint::ConstantPOT<exponent>());
// 0 <= 31-integerBits+exponent < 31 is required.
func ConstantPOT(integerBits, exponent int) int32 {
	return 1 << (31 - integerBits + exponent)
}

// ToFloat64 returns the real value of raw in the format with integerBits
// integer bits (gemmlowp's ToDouble).
func ToFloat64(raw int32, integerBits int) float64 {
	return float64(raw) / float64(int64(1)<<(31-integerBits))
}

// FromFloat64 returns the raw value nearest to x in the format with
// integerBits integer bits, ties away from zero, saturated to the int32 range
// (gemmlowp's FixedPoint::FromDouble).
func FromFloat64(x float64, integerBits int) int32 {
	r := math.Round(x * float64(int64(1)<<(31-integerBits)))
	r = math.Max(r, math.MinInt32)
	r = math.Min(r, math.MaxInt32)
	return int32(r)
}

// ShiftLeft returns a * 2^offset saturated to the int32 range (gemmlowp's
// ShiftLeft for int32); 0 <= offset <= 31.
func ShiftLeft(a int32, offset int) int32 {
	v := int64(a) << offset
	if v < math.MinInt32 {
		return math.MinInt32
	}
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	return int32(v)
}

// SaturatingRoundingMultiplyByPOT returns x * 2^exponent: for exponent > 0 a
// left shift that saturates to the int32 range, for exponent < 0 a rounding
// right shift (RoundingDivideByPOT, ties away from zero), for 0 x itself
// (gemmlowp's SaturatingRoundingMultiplyByPOT<exponent>); -31 <= exponent <= 31.
func SaturatingRoundingMultiplyByPOT(x int32, exponent int) int32 {
	switch {
	case exponent > 0:
		threshold := int32(1)<<(31-exponent) - 1
		if x > threshold {
			return math.MaxInt32
		}
		if x < -threshold {
			return math.MinInt32
		}
		return ShiftLeft(x, exponent)
	case exponent < 0:
		return RoundingDivideByPOT(x, -exponent)
	}
	return x
}

// Rescale converts x from the format with srcIntegerBits integer bits to the
// one with dstIntegerBits, rounding (ties away from zero) when bits are lost
// and saturating when the value does not fit (gemmlowp's Rescale<dst>).
func Rescale(x int32, srcIntegerBits, dstIntegerBits int) int32 {
	return SaturatingRoundingMultiplyByPOT(x, srcIntegerBits-dstIntegerBits)
}

// RoundingHalfSum returns (a + b) / 2 rounded to nearest, ties away from zero,
// computed without overflow (gemmlowp's RoundingHalfSum for int32, VRHADD).
func RoundingHalfSum(a, b int32) int32 {
	sum := int64(a) + int64(b)
	sign := int64(1)
	if sum < 0 {
		sign = -1
	}
	return int32((sum + sign) / 2)
}

// ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl returns exp(a) for a Q0.31
// value a in [-1/4, 0), as Q0.31: a fourth-order Taylor expansion around
// -1/8 (gemmlowp's exp_on_interval_between_negative_one_quarter_and_0_excl).
func ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(a int32) int32 {
	x := a + ConstantPOT(0, -3) // x = a + 1/8
	x2 := SaturatingRoundingDoublingHighMul(x, x)
	x3 := SaturatingRoundingDoublingHighMul(x2, x)
	x4 := SaturatingRoundingDoublingHighMul(x2, x2)
	x4Over4 := SaturatingRoundingMultiplyByPOT(x4, -2)
	poly := SaturatingRoundingMultiplyByPOT(
		SaturatingRoundingDoublingHighMul(x4Over4+x3, rawOneThird)+x2, -1)
	return rawExpMinusOneEighth + SaturatingRoundingDoublingHighMul(rawExpMinusOneEighth, x+poly)
}

// expBarrel lists, for k = -2..4, the Q0.31 value of exp(-2^k) that
// ExpOnNegativeValues multiplies in when bit k of the input's integer part
// (counting from the quarter) is set.
var expBarrel = [...]struct {
	exponent int
	raw      int32
}{
	{-2, rawExpMinusQuarter},
	{-1, rawExpMinusHalf},
	{0, rawExpMinusOne},
	{1, rawExpMinusTwo},
	{2, rawExpMinusFour},
	{3, rawExpMinusEight},
	{4, rawExpMinusSixteen},
}

// ExpOnNegativeValues returns exp(a) as Q0.31 for a value a <= 0 with
// integerBits integer bits (gemmlowp's exp_on_negative_values). a is split
// into a remainder in [-1/4, 0), evaluated by
// ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl, times exp(-2^k) for each
// set bit k of the rest; inputs below -32 give 0 (when integerBits > 5) and
// an input of exactly 0 gives One(0).
func ExpOnNegativeValues(a int32, integerBits int) int32 {
	fractionalBits := 31 - integerBits
	quarter := ConstantPOT(integerBits, -2)
	mask := quarter - 1
	aModQuarterMinusQuarter := (a & mask) - quarter
	result := ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(
		Rescale(aModQuarterMinusQuarter, integerBits, 0))
	remainder := aModQuarterMinusQuarter - a
	for _, b := range expBarrel {
		if integerBits > b.exponent && remainder&(1<<(fractionalBits+b.exponent)) != 0 {
			result = SaturatingRoundingDoublingHighMul(result, b.raw)
		}
	}
	if integerBits > 5 {
		clamp := -(int32(1) << (36 - integerBits)) // -32.0
		if a < clamp {
			result = 0
		}
	}
	if a == 0 {
		result = One(0)
	}
	return result
}

// newtonReciprocalHalf runs gemmlowp's Newton-Raphson division shared by
// one_over_one_plus_x_for_x_in_0_1 and one_minus_x_over_one_plus_x_for_x_in_0_1:
// for a Q0.31 value a in [0, 1) it returns 1/((1+a)/2) as Q2.29, starting
// from 48/17 - 32/17*d and iterating three times.
func newtonReciprocalHalf(a int32) int32 {
	halfDenominator := RoundingHalfSum(a, One(0))
	x := raw48Over17 + SaturatingRoundingDoublingHighMul(halfDenominator, rawNeg32Over17)
	for range 3 {
		hdx := SaturatingRoundingDoublingHighMul(halfDenominator, x) // Q2.29
		oneMinusHdx := One(2) - hdx                                  // Q2.29
		x += Rescale(SaturatingRoundingDoublingHighMul(x, oneMinusHdx), 4, 2)
	}
	return x
}

// OneOverOnePlusX returns 1/(1+a) as Q0.31 for a Q0.31 value a in [0, 1)
// (gemmlowp's one_over_one_plus_x_for_x_in_0_1).
func OneOverOnePlusX(a int32) int32 {
	// ExactMulByPot<-1> reads the Q2.29 raw value as Q1.30, halving it.
	return Rescale(newtonReciprocalHalf(a), 1, 0)
}

// OneMinusXOverOnePlusX returns (1-a)/(1+a) as Q0.31 for a Q0.31 value a in
// [0, 1) (gemmlowp's one_minus_x_over_one_plus_x_for_x_in_0_1).
func OneMinusXOverOnePlusX(a int32) int32 {
	return Rescale(newtonReciprocalHalf(a)-One(2), 2, 0)
}

// Logistic returns 1/(1+exp(-a)) as Q0.31 for a value a with integerBits
// integer bits, 0 <= integerBits <= 29 (gemmlowp's logistic). Positive inputs
// go through OneOverOnePlusX(ExpOnNegativeValues(-a)), negative ones through
// 1 minus that of -a, and 0 gives exactly 1/2.
func Logistic(a int32, integerBits int) int32 {
	if a == 0 {
		return rawOneHalf
	}
	abs := a
	if a <= 0 {
		abs = -a // wraps for MinInt32, as gemmlowp's does
	}
	positive := OneOverOnePlusX(ExpOnNegativeValues(-abs, integerBits))
	if a > 0 {
		return positive
	}
	return One(0) - positive
}

// Tanh returns tanh(a) as Q0.31 for a value a with integerBits integer bits,
// 0 <= integerBits <= 28 (gemmlowp's tanh): with n = -|a|, tanh(|a|) =
// OneMinusXOverOnePlusX(exp(2n)), where exp(2n) is ExpOnNegativeValues of n
// read with integerBits+1 integer bits; the sign is restored after, and 0
// gives exactly 0.
func Tanh(a int32, integerBits int) int32 {
	if a == 0 {
		return 0
	}
	n := a
	if a >= 0 {
		n = -a
	}
	t := OneMinusXOverOnePlusX(ExpOnNegativeValues(n, integerBits+1))
	if a < 0 {
		return -t
	}
	return t
}

// GetReciprocal returns 1/x for a positive value x with xIntegerDigits integer
// bits, as a Q0.31 reciprocal together with numBitsOverUnit: the real
// reciprocal is reciprocal / 2^31 / 2^numBitsOverUnit (TFLite's GetReciprocal
// in kernels/internal/common.h). x is normalised to [1, 2) by its leading
// zeros and the reciprocal taken with OneOverOnePlusX.
func GetReciprocal(x int32, xIntegerDigits int) (reciprocal int32, numBitsOverUnit int) {
	headroomPlusOne := bits.LeadingZeros32(uint32(x))
	numBitsOverUnit = xIntegerDigits - headroomPlusOne
	shiftedSumMinusOne := int32(uint32(x)<<headroomPlusOne - 1<<31)
	return OneOverOnePlusX(shiftedSumMinusOne), numBitsOverUnit
}

// CalculateInputRadius returns the largest input magnitude, in units of the
// input's quantization step, that still fits the fixed-point format with
// inputIntegerBits integer bits once scaled by 2^inputLeftShift:
// floor((2^inputIntegerBits - 1) * 2^(totalSignedBits-inputIntegerBits) /
// 2^inputLeftShift) (TFLite's CalculateInputRadius, quantization_util.cc,
// float build). totalSignedBits is 31 for int32 inputs to the fixed-point
// functions, 15 for int16. TFLite only defines inputLeftShift >= 0; a
// negative shift is taken as the division it stands for, and a radius beyond
// the int32 range saturates to math.MaxInt32.
func CalculateInputRadius(inputIntegerBits, inputLeftShift, totalSignedBits int) int32 {
	maxInputRescaled := math.Ldexp(float64(int64(1)<<inputIntegerBits-1),
		totalSignedBits-inputIntegerBits-inputLeftShift)
	r := math.Floor(maxInputRescaled)
	if r > math.MaxInt32 {
		return math.MaxInt32
	}
	return int32(r)
}
