// Tests for fixedpoint.go: TFLite's own test tables (quantization_util_test.cc),
// hand-checked boundary values, and property tests of the
// MultiplyByQuantizedMultiplier family against math/big oracles written from
// the definitions.

package fixedpoint

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

type multiplier struct {
	m     int32
	shift int
}

// mustPanic reports whether f panics.
func mustPanic(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}

// From tensorflow/lite/kernels/internal/quantization_util_test.cc,
// TEST(QuantizationUtilTest, QuantizeMultiplierSmallerThanOneExp).
func TestQuantizeMultiplierSmallerThanOneExpTFLite(t *testing.T) {
	for _, c := range []struct {
		d    float64
		want multiplier
	}{
		{0.25, multiplier{1073741824, -1}},
		// Around 0.5 the exponent changes; q never reaches 2^31.
		{0.50 - 5e-9, multiplier{2147483627, -1}},
		{0.50 - 1e-10, multiplier{1073741824, 0}},
		{0.50, multiplier{1073741824, 0}},
		{0.75, multiplier{1610612736, 0}},
		{1 - 1e-9, multiplier{2147483646, 0}},
	} {
		m, s := QuantizeMultiplierSmallerThanOneExp(c.d)
		if got := (multiplier{m, s}); got != c.want {
			t.Errorf("QuantizeMultiplierSmallerThanOneExp(%v) = %v, want %v", c.d, got, c.want)
		}
	}
	// The EXPECT_DEATH cases: out of (0, 1), or so close to 1 that the shift
	// becomes positive (1 - 1e-15) or the value is 1 in float64 (1 - 1e-17).
	for _, d := range []float64{-0.1, 0.0, 1 - 1e-15, 1 - 1e-17, 1.0, math.NaN()} {
		if !mustPanic(func() { QuantizeMultiplierSmallerThanOneExp(d) }) {
			t.Errorf("QuantizeMultiplierSmallerThanOneExp(%v) did not panic", d)
		}
	}
}

// From quantization_util_test.cc,
// TEST(QuantizationUtilTest, QuantizeMultiplierGreaterThanOne).
func TestQuantizeMultiplierGreaterThanOneTFLite(t *testing.T) {
	for _, c := range []struct {
		d    float64
		want multiplier
	}{
		{1 + 1e-11, multiplier{1073741824, 1}},
		{1.25, multiplier{1342177280, 1}},
		{1.50, multiplier{1610612736, 1}},
		{1.75, multiplier{1879048192, 1}},
		// Around powers of two the exponent changes.
		{2 - 1e-9, multiplier{2147483647, 1}},
		{2 - 1e-11, multiplier{1073741824, 2}},
		{2, multiplier{1073741824, 2}},
	} {
		m, s := QuantizeMultiplierGreaterThanOne(c.d)
		if got := (multiplier{m, s}); got != c.want {
			t.Errorf("QuantizeMultiplierGreaterThanOne(%v) = %v, want %v", c.d, got, c.want)
		}
	}
	// EXPECT_DEATH(quantize(1 + 1e-16)): 1 + 1e-16 == 1 in float64.
	for _, d := range []float64{1 + 1e-16, 1, 0.5, -2, math.NaN()} {
		if !mustPanic(func() { QuantizeMultiplierGreaterThanOne(d) }) {
			t.Errorf("QuantizeMultiplierGreaterThanOne(%v) did not panic", d)
		}
	}
}

// From quantization_util_test.cc, TEST(QuantizationUtilTest,
// PreprocessSoftmaxScaling), the double-rounding branch: the multiplier
// min(beta * scale * 2^(31-integerBits), 2^31 - 1) through
// QuantizeMultiplierGreaterThanOne.
func TestQuantizeMultiplierGreaterThanOneSoftmaxScaling(t *testing.T) {
	for _, c := range []struct {
		beta, scale float64
		integerBits int
		want        multiplier
	}{
		{1.0, 16.0, 4, multiplier{2147483647, 31}},
		{1.0, 8.0, 4, multiplier{1073741824, 31}},
		{2.0, 16.0, 5, multiplier{2147483647, 31}},
		{2.0, 8.0, 5, multiplier{1073741824, 31}},
	} {
		d := min(c.beta*c.scale*float64(int64(1)<<(31-c.integerBits)), 1<<31-1.0)
		m, s := QuantizeMultiplierGreaterThanOne(d)
		if got := (multiplier{m, s}); got != c.want {
			t.Errorf("beta %v scale %v bits %d: QuantizeMultiplierGreaterThanOne(%v) = %v, want %v",
				c.beta, c.scale, c.integerBits, d, got, c.want)
		}
	}
}

// From quantization_util_test.cc,
// TEST(QuantizationUtilTest, QuantizeMultiplierUnderflow): the arguments are
// std::ldexp of float values, hence the float32 conversions.
func TestQuantizeMultiplierUnderflowTFLite(t *testing.T) {
	for _, c := range []struct {
		d    float64
		want multiplier
	}{
		{math.Ldexp(1.0, -31), multiplier{1073741824, -30}},
		{math.Ldexp(1.0, -32), multiplier{1073741824, -31}},
		{math.Ldexp(float64(float32(0.99)), -32), multiplier{0, 0}},
		{math.Ldexp(1.0, -33), multiplier{0, 0}},
	} {
		m, s := QuantizeMultiplier(c.d)
		if got := (multiplier{m, s}); got != c.want {
			t.Errorf("QuantizeMultiplier(%g) = %v, want %v", c.d, got, c.want)
		}
	}
}

// From quantization_util_test.cc,
// TEST(QuantizationUtilTest, QuantizeMultiplierArray): powers of two of both
// signs and zero.
func TestQuantizeMultiplierArrayTFLite(t *testing.T) {
	weights := []float64{-4, -2, -1, -0.5, -0.25, -0.125, 0, 0.125, 0.25, 0.5, 1, 2, 4}
	want := []multiplier{
		{-1073741824, 3}, {-1073741824, 2}, {-1073741824, 1}, {-1073741824, 0},
		{-1073741824, -1}, {-1073741824, -2}, {0, 0}, {1073741824, -2},
		{1073741824, -1}, {1073741824, 0}, {1073741824, 1}, {1073741824, 2},
		{1073741824, 3},
	}
	for i, w := range weights {
		m, s := QuantizeMultiplier(w)
		if got := (multiplier{m, s}); got != want[i] {
			t.Errorf("QuantizeMultiplier(%v) = %v, want %v", w, got, want[i])
		}
	}
}

// From quantization_util_test.cc, TEST(QuantizationUtilTest, IntegerFrExp)
// and IntegerFrExpVersusDouble. IntegerFrExp is TFLite's frexp for builds
// without floating point (TFLITE_EMULATE_FLOAT); its fraction is q * 2^31,
// which in the float build QuantizeMultiplier rounds from std::frexp. The
// finite cases therefore pin QuantizeMultiplier's significand and shift
// (TFLite accepts the fraction within 1; the float build's value is exact).
// IntegerFrExp maps NaN and infinities to shift INT_MAX; the float build's
// QuantizeMultiplier has no defined result for them, and kiln's panics.
func TestQuantizeMultiplierFrExpTFLite(t *testing.T) {
	for _, c := range []struct {
		d    float64
		want multiplier
	}{
		{0.0, multiplier{0, 0}},
		{1.0, multiplier{0x40000000, 1}},
		{0.25, multiplier{0x40000000, -1}},
		{-1.0, multiplier{-(1 << 30), 1}},
		{123.45, multiplier{2071147315, 7}},
	} {
		m, s := QuantizeMultiplier(c.d)
		if got := (multiplier{m, s}); got != c.want {
			t.Errorf("QuantizeMultiplier(%v) = %v, want %v", c.d, got, c.want)
		}
	}
	for _, d := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if !mustPanic(func() { QuantizeMultiplier(d) }) {
			t.Errorf("QuantizeMultiplier(%v) did not panic", d)
		}
	}
}

// Hand-checked QuantizeMultiplier edge cases: negative zero, the rounding of
// q to 2^31, the largest and smallest multipliers that survive, subnormals.
func TestQuantizeMultiplierEdges(t *testing.T) {
	for _, c := range []struct {
		d    float64
		want multiplier
	}{
		{math.Copysign(0, -1), multiplier{0, 0}},
		// q = 1 - 2^-40 rounds to 2^31: halved, shift incremented.
		{1 - math.Ldexp(1, -40), multiplier{1 << 30, 1}},
		{-(1 - math.Ldexp(1, -40)), multiplier{-(1 << 31), 0}},
		// The smallest normal shift kept is -31 (d in [2^-32, 2^-31)).
		{math.Ldexp(0.75, -31), multiplier{1610612736, -31}},
		{math.Ldexp(0.75, -32), multiplier{0, 0}},
		{math.SmallestNonzeroFloat64, multiplier{0, 0}},
		// Large multipliers keep their shift; MultiplyByQuantizedMultiplier
		// can only apply shifts up to 30.
		{math.Ldexp(1, 40), multiplier{1 << 30, 41}},
		{1<<31 - 1, multiplier{math.MaxInt32, 31}},
	} {
		m, s := QuantizeMultiplier(c.d)
		if got := (multiplier{m, s}); got != c.want {
			t.Errorf("QuantizeMultiplier(%g) = %v, want %v", c.d, got, c.want)
		}
	}
}

// From quantization_util_test.cc,
// TEST(QuantizationUtilTest, MultiplyByQuantizedMultiplierInt32), including
// the negative multipliers it checks in the double-rounding build.
func TestMultiplyByQuantizedMultiplierTFLite(t *testing.T) {
	quantAndMultiply := func(x int32, d float64) int32 {
		m, s := QuantizeMultiplier(d)
		return MultiplyByQuantizedMultiplier(x, m, s)
	}
	for _, c := range []struct {
		x    int32
		d    float64
		want int32
	}{
		{0, 0.1, 0},
		{1, 0, 0},
		{10000, 0.00097656, 10},
		{-10000, 0.00097656, -10},
		{math.MinInt32, 0.00001, -21475},
		{math.MaxInt32, 0.00001, 21475},
		{10000, -0.00097656, -10},
		{-10000, -0.00097656, 10},
		{math.MinInt32, -0.00001, 21475},
		{math.MaxInt32, -0.00001, -21475},
	} {
		if got := quantAndMultiply(c.x, c.d); got != c.want {
			t.Errorf("quant_and_multiply(%d, %v) = %d, want %d", c.x, c.d, got, c.want)
		}
	}
	// "Test with maximum possible x and quantized_multiplier": the expected
	// value is computed as the test computes it, TfLiteRound of the int64
	// product converted to double and divided by 2^(31 - shift).
	const x, m, shift = math.MaxInt32, math.MaxInt32, -3
	want := int32(math.Round(float64(int64(x)*int64(m)) / float64(int64(1)<<(31-shift))))
	if got := MultiplyByQuantizedMultiplier(x, m, shift); got != want {
		t.Errorf("MultiplyByQuantizedMultiplier(%d, %d, %d) = %d, want %d", x, m, shift, got, want)
	}
	if got := MultiplyByQuantizedMultiplier(-x, m, shift); got != -want {
		t.Errorf("MultiplyByQuantizedMultiplier(%d, %d, %d) = %d, want %d", -x, m, shift, got, -want)
	}
}

// From quantization_util_test.cc,
// TEST(QuantizationUtilTest, MultiplyByQuantizedMultiplierInt64).
func TestMultiplyByQuantizedMultiplier64TFLite(t *testing.T) {
	quantAndMultiply := func(x int64, d float64) int32 {
		m, s := QuantizeMultiplier(d)
		return MultiplyByQuantizedMultiplier64(x, m, s)
	}
	for _, c := range []struct {
		x    int64
		d    float64
		want int32
	}{
		{0, 0.1, 0},
		{1, 0, 0},
		{10000, 0.00097656, 10},
		{-10000, 0.00097656, -10},
		{-(1 << 47), 0.00001, -1407385600},
		{(1 << 47) - 1, 0.00001, 1407385600},
	} {
		if got := quantAndMultiply(c.x, c.d); got != c.want {
			t.Errorf("quant_and_multiply(%d, %v) = %d, want %d", c.x, c.d, got, c.want)
		}
	}
	// "Test with maximum possible x and quantized_multiplier".
	const x = int64(1)<<47 - 1
	if got := MultiplyByQuantizedMultiplier64(x, math.MaxInt32, -31); got != 65534 {
		t.Errorf("MultiplyByQuantizedMultiplier64(2^47-1, MaxInt32, -31) = %d, want 65534", got)
	}
	if got := MultiplyByQuantizedMultiplier64(-x, math.MaxInt32, -31); got != -65534 {
		t.Errorf("MultiplyByQuantizedMultiplier64(-(2^47-1), MaxInt32, -31) = %d, want -65534", got)
	}
}

// Hand-checked values of the gemmlowp primitives at their boundaries.
func TestSaturatingRoundingDoublingHighMulBoundaries(t *testing.T) {
	for _, c := range []struct{ a, b, want int32 }{
		{math.MinInt32, math.MinInt32, math.MaxInt32}, // saturates: 2^62 / 2^31 = 2^31
		{math.MinInt32, math.MaxInt32, -2147483647},   // -(2^31 - 1) exactly
		{math.MaxInt32, math.MaxInt32, 2147483646},    // 2^31 - 2 + (2^30+1)/2^31
		{math.MinInt32, 1 << 30, -(1 << 30)},
		{0, math.MinInt32, 0},
		// Exact ties round toward +infinity: 0.5 -> 1, -0.5 -> 0, -1.5 -> -1.
		{1, 1 << 30, 1},
		{-1, 1 << 30, 0},
		{-3, 1 << 30, -1},
		{3, 1 << 30, 2},
		// Just past the negative tie: -0.5 - 2^-31 -> -1.
		{-(1 << 30) - 1, 2, -1},
	} {
		if got := SaturatingRoundingDoublingHighMul(c.a, c.b); got != c.want {
			t.Errorf("SaturatingRoundingDoublingHighMul(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := SaturatingRoundingDoublingHighMul(c.b, c.a); got != c.want {
			t.Errorf("SaturatingRoundingDoublingHighMul(%d, %d) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}

func TestRoundingDivideByPOTBoundaries(t *testing.T) {
	for _, c := range []struct {
		x        int32
		exponent int
		want     int32
	}{
		{math.MinInt32, 0, math.MinInt32},
		{math.MaxInt32, 0, math.MaxInt32},
		{-7, 0, -7},
		// Ties away from zero.
		{1, 1, 1},
		{-1, 1, -1},
		{3, 1, 2},
		{-3, 1, -2},
		{5, 2, 1},   // 1.25
		{6, 2, 2},   // 1.5
		{-6, 2, -2}, // -1.5
		{-5, 2, -1}, // -1.25
		{-7, 2, -2}, // -1.75
		// exponent 31, the largest allowed.
		{math.MinInt32, 31, -1},
		{math.MaxInt32, 31, 1},
		{1 << 30, 31, 1},
		{-(1 << 30), 31, -1},
		{-(1 << 30) + 1, 31, 0},
		{1<<30 - 1, 31, 0},
	} {
		if got := RoundingDivideByPOT(c.x, c.exponent); got != c.want {
			t.Errorf("RoundingDivideByPOT(%d, %d) = %d, want %d", c.x, c.exponent, got, c.want)
		}
	}
}

// The boundary shifts MultiplyByQuantizedMultiplier accepts, -31 and 30,
// and the double rounding itself.
func TestMultiplyByQuantizedMultiplierBoundaries(t *testing.T) {
	for _, c := range []struct {
		x, m  int32
		shift int
		want  int32
	}{
		{1, 1 << 30, 30, 1 << 29},               // 1 * 0.5 * 2^30
		{-2, 1 << 30, 30, -(1 << 30)},           // x * 2^30 = MinInt32 exactly
		{1, math.MaxInt32, 30, 1 << 30},         // 2^30 - 0.5: a tie, rounds up
		{math.MaxInt32, math.MaxInt32, -31, 1},  // 0.99999... rounds to 1
		{math.MinInt32, math.MaxInt32, -31, -1}, // -0.99999... rounds to -1
		{math.MinInt32, 1 << 30, -31, -1},       // high-mul -2^30, then -0.5 rounds away to -1
		{0, math.MaxInt32, -31, 0},
		// Double rounding: x * 0.75 / 2 with x = 1. The high-mul rounds 0.75
		// to 1, then the shift rounds 0.5 away to 1; a single rounding of
		// 0.375 would give 0.
		{1, 3 << 29, -1, 1},
		// Ties in the high-mul round toward +infinity.
		{1, 1 << 30, 0, 1},
		{-1, 1 << 30, 0, 0},
	} {
		if got := MultiplyByQuantizedMultiplier(c.x, c.m, c.shift); got != c.want {
			t.Errorf("MultiplyByQuantizedMultiplier(%d, %d, %d) = %d, want %d", c.x, c.m, c.shift, got, c.want)
		}
	}
}

// oracleMBQM is TFLite's double-rounding MultiplyByQuantizedMultiplier
// written from its definition in exact arithmetic:
//
//	a = x * 2^left                                (exact; the caller keeps it in int32)
//	h = floor((a*m + 2^30) / 2^31), saturated     gemmlowp's high-mul: nearest, ties toward +inf
//	result = h / 2^right, nearest, ties away from zero
func oracleMBQM(x, m int32, shift int) int32 {
	left, right := max(shift, 0), max(-shift, 0)
	a := new(big.Int).Lsh(big.NewInt(int64(x)), uint(left))
	p := new(big.Int).Mul(a, big.NewInt(int64(m)))
	p.Add(p, big.NewInt(1<<30))
	h := new(big.Int).Div(p, big.NewInt(1<<31)) // Euclidean: floor for a positive divisor
	if h.Cmp(big.NewInt(math.MaxInt32)) > 0 {
		h.SetInt64(math.MaxInt32)
	}
	if h.Cmp(big.NewInt(math.MinInt32)) < 0 {
		h.SetInt64(math.MinInt32)
	}
	if right == 0 {
		return int32(h.Int64())
	}
	mag := new(big.Int).Abs(h)
	mag.Add(mag, new(big.Int).Lsh(big.NewInt(1), uint(right-1))) // + half: ties go up in magnitude
	mag.Rsh(mag, uint(right))
	if h.Sign() < 0 {
		mag.Neg(mag)
	}
	return int32(mag.Int64())
}

// 100,000 random (x, m, shift) with m in [2^30, 2^31), shift in [-31, 30]
// and x such that x * 2^left fits in an int32. One draw in eight uses
// m = 2^30, whose products land on the high-mul's ties.
func TestMultiplyByQuantizedMultiplierProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(20180615, 1))
	for i := range 100000 {
		m := int32(1<<30 + rng.Int64N(1<<30))
		if i%8 == 0 {
			m = 1 << 30
		}
		shift := rng.IntN(62) - 31
		left := max(shift, 0)
		lo, hi := -(int64(1) << (31 - left)), (int64(1)<<31-1)>>left
		x := int32(lo + rng.Int64N(hi-lo+1))
		got, want := MultiplyByQuantizedMultiplier(x, m, shift), oracleMBQM(x, m, shift)
		if got != want {
			t.Fatalf("MultiplyByQuantizedMultiplier(%d, %d, %d) = %d, oracle %d", x, m, shift, got, want)
		}
		if shift <= 0 {
			if g := MultiplyByQuantizedMultiplierSmallerThanOneExp(x, m, shift); g != want {
				t.Fatalf("MultiplyByQuantizedMultiplierSmallerThanOneExp(%d, %d, %d) = %d, oracle %d", x, m, shift, g, want)
			}
		}
		if shift >= 0 {
			if g := MultiplyByQuantizedMultiplierGreaterThanOne(x, m, shift); g != want {
				t.Fatalf("MultiplyByQuantizedMultiplierGreaterThanOne(%d, %d, %d) = %d, oracle %d", x, m, shift, g, want)
			}
		}
	}
}

// oracleMBQM64 is TFLite's MultiplyByQuantizedMultiplier(int64_t, ...)
// written from its definition: the multiplier rounded to 16 bits (half up,
// capped at 0x7FFF), then one rounding, floor((x*reduced + 2^(t-1)) / 2^t)
// with t = 15 - shift. ok is false when the result does not fit in an int32.
func oracleMBQM64(x int64, m int32, shift int) (result int32, ok bool) {
	reduced := new(big.Int).Div(big.NewInt(int64(m)+1<<15), big.NewInt(1<<16))
	if m >= 0x7FFF0000 {
		reduced.SetInt64(0x7FFF)
	}
	t := uint(15 - shift)
	p := new(big.Int).Mul(big.NewInt(x), reduced)
	p.Add(p, new(big.Int).Lsh(big.NewInt(1), t-1))
	p.Div(p, new(big.Int).Lsh(big.NewInt(1), t))
	if !p.IsInt64() || p.Int64() < math.MinInt32 || p.Int64() > math.MaxInt32 {
		return 0, false
	}
	return int32(p.Int64()), true
}

// 10,000 random (x, m, shift) with m in [2^30, 2^31) (one in eight at or
// above 0x7FFF0000, where the reduced multiplier saturates), shift in
// [-31, 7], x in [-2^47, 2^47) drawn with a random magnitude, keeping the
// triples whose result fits in an int32, as TFLite requires.
func TestMultiplyByQuantizedMultiplier64Property(t *testing.T) {
	rng := rand.New(rand.NewPCG(20200910, 2))
	for n := 0; n < 10000; {
		m := int32(1<<30 + rng.Int64N(1<<30))
		if rng.IntN(8) == 0 {
			m = int32(0x7FFF0000 + rng.Int64N(0x10000))
		}
		shift := rng.IntN(39) - 31
		k := rng.IntN(48)
		x := rng.Int64N(int64(1)<<(k+1)) - int64(1)<<k
		want, ok := oracleMBQM64(x, m, shift)
		if !ok {
			continue
		}
		n++
		if got := MultiplyByQuantizedMultiplier64(x, m, shift); got != want {
			t.Fatalf("MultiplyByQuantizedMultiplier64(%d, %d, %d) = %d, oracle %d", x, m, shift, got, want)
		}
	}
}

func TestEffectiveScales(t *testing.T) {
	// ConvMultiplier is the float64 quotient of the exact product.
	in, w, out := float32(0.1), float32(0.3), float32(0.7)
	if got, want := ConvMultiplier(in, w, out), float64(in)*float64(w)/float64(out); got != want {
		t.Errorf("ConvMultiplier = %v, want %v", got, want)
	}
	// DenseMultiplierPerTensor rounds the product to float32 first: 0.1f *
	// 0.3f is not a float32, so the two effective scales differ.
	dense := DenseMultiplierPerTensor(in, w, out)
	if want := float64(float32(in*w)) / float64(out); dense != want {
		t.Errorf("DenseMultiplierPerTensor = %v, want %v", dense, want)
	}
	if dense == ConvMultiplier(in, w, out) {
		t.Errorf("DenseMultiplierPerTensor(%v, %v, %v) equals ConvMultiplier; the float32 product is not applied", in, w, out)
	}
	// MulMultiplier is evaluated in float32 throughout.
	mul := MulMultiplier(in, w, out)
	if mul != float64(float32(mul)) {
		t.Errorf("MulMultiplier = %v is not a float32 value", mul)
	}
	if want := float64(float32(float32(in*w) / out)); mul != want {
		t.Errorf("MulMultiplier = %v, want %v", mul, want)
	}
	// Exact cases: scales that are powers of two.
	if got := ConvMultiplier(0.5, 0.25, 2); got != 0.0625 {
		t.Errorf("ConvMultiplier(0.5, 0.25, 2) = %v, want 0.0625", got)
	}
	if got := MulMultiplier(0.5, 0.25, 2); got != 0.0625 {
		t.Errorf("MulMultiplier(0.5, 0.25, 2) = %v, want 0.0625", got)
	}
	// Zero scales: a zero input or weight scale gives a zero multiplier,
	// which QuantizeMultiplier maps to (0, 0); a zero output scale gives a
	// non-finite multiplier, which QuantizeMultiplier rejects.
	if got := DenseMultiplierPerTensor(0, 0.5, 1); got != 0 {
		t.Errorf("DenseMultiplierPerTensor(0, 0.5, 1) = %v, want 0", got)
	}
	if m, s := QuantizeMultiplier(ConvMultiplier(0.5, 0, 1)); m != 0 || s != 0 {
		t.Errorf("QuantizeMultiplier(ConvMultiplier(0.5, 0, 1)) = (%d, %d), want (0, 0)", m, s)
	}
	if got := ConvMultiplier(0.5, 0.5, 0); !math.IsInf(got, 1) {
		t.Errorf("ConvMultiplier(0.5, 0.5, 0) = %v, want +Inf", got)
	}
}

func TestAddParams(t *testing.T) {
	type addParams struct {
		leftShift int
		m1        int32
		s1        int
		m2        int32
		s2        int
		mOut      int32
		sOut      int
	}
	for _, c := range []struct {
		s1, s2, sOut float32
		want         addParams
	}{
		// twice_max = 1: M1 = 0.25, M2 = 0.5, Mout = 2^-20.
		{0.25, 0.5, 1, addParams{20, 1 << 30, -1, 1 << 30, 0, 1 << 30, -19}},
		// Equal scales: both input multipliers are 0.5.
		{0.1, 0.1, 0.1, addParams{20, 1 << 30, 0, 1 << 30, 0, 1 << 30, -18}}, // Mout = 2^-19
	} {
		var got addParams
		got.leftShift, got.m1, got.s1, got.m2, got.s2, got.mOut, got.sOut = AddParams(c.s1, c.s2, c.sOut)
		if got != c.want {
			t.Errorf("AddParams(%v, %v, %v) = %+v, want %+v", c.s1, c.s2, c.sOut, got, c.want)
		}
	}
	// A general case against the formula.
	s1, s2, sOut := float32(0.0123), float32(0.0456), float32(0.0789)
	ls, m1, sh1, m2, sh2, mo, sho := AddParams(s1, s2, sOut)
	twice := 2 * float64(s2)
	for _, c := range []struct {
		name string
		d    float64
		m    int32
		s    int
	}{
		{"input1", float64(s1) / twice, m1, sh1},
		{"input2", float64(s2) / twice, m2, sh2},
		{"output", twice / (float64(1<<20) * float64(sOut)), mo, sho},
	} {
		wm, ws := QuantizeMultiplier(c.d)
		if ls != 20 || c.m != wm || c.s != ws {
			t.Errorf("AddParams %s = (%d, %d), left shift %d; want (%d, %d), 20", c.name, c.m, c.s, ls, wm, ws)
		}
	}
	// TFLite's CHECKs: a zero input scale, an output multiplier not below 1.
	if !mustPanic(func() { AddParams(0, 0.5, 1) }) {
		t.Error("AddParams with a zero input scale did not panic")
	}
	if !mustPanic(func() { AddParams(0.5, 0.5, 1e-7) }) {
		t.Error("AddParams with an output multiplier >= 1 did not panic")
	}
}

// From quantization_util_test.cc, TEST(QuantizationUtilTest, SafeCast),
// RunSafeCastTests<double, int32_t> and <float, int32_t>: the saturating
// conversion QuantizeValue uses where TFLite's would overflow.
func TestSafeCastInt32TFLite(t *testing.T) {
	const imax, imin = math.MaxInt32, math.MinInt32
	cases := []struct {
		f    float64
		want int32
	}{
		{0.0, 0}, {math.Copysign(0, -1), 0}, {0.99, 0}, {1.0, 1}, {1.01, 1},
		{1.99, 1}, {2.0, 2}, {2.01, 2}, {-0.99, 0}, {-1.0, -1}, {-1.01, -1},
		{-1.99, -1}, {-2.0, -2}, {-2.01, -2}, {117.9, 117}, {118.0, 118},
		{118.1, 118}, {-117.9, -117}, {-118.0, -118}, {-118.1, -118},
		{math.MaxFloat64, imax}, {-math.MaxFloat64, imin},
		{math.Inf(1), imax}, {math.Inf(-1), imin}, {math.NaN(), 0},
		{float64(math.MaxFloat32), imax}, {-float64(math.MaxFloat32), imin},
		{0x76543210, 0x76543210},
		// Near imax (double only: float32 cannot represent these).
		{imax + 0.1, imax}, {imax + 0.99, imax}, {imax + 1.0, imax},
		{imax + 1.99, imax}, {imax + 2.0, imax}, {imax - 0.1, imax - 1},
		{imax - 0.99, imax - 1}, {imax - 1.0, imax - 1}, {imax - 1.01, imax - 2},
		{imax - 1.99, imax - 2}, {imax - 2.0, imax - 2}, {imax - 2.01, imax - 3},
		// Far beyond the range.
		{float64(imax) * 2, imax}, {float64(imax) * 20, imax}, {float64(imax) * 100, imax},
		{float64(imin) * 2, imin}, {float64(imin) * 20, imin}, {float64(imin) * 100, imin},
		{float64(float32(imax) * 2), imax}, {float64(float32(imin) * 100), imin},
	}
	for _, c := range cases {
		if got := safeCastInt32(c.f); got != c.want {
			t.Errorf("safeCastInt32(%v) = %d, want %d", c.f, got, c.want)
		}
	}
}

func TestQuantizeValue(t *testing.T) {
	for _, c := range []struct {
		f     float64
		scale float32
		zero  int32
		want  int32
	}{
		{0, 0.5, -3, -3},
		{6, 0.5, -3, 9},
		{-1, 0.25, 0, -4},
		{1, 0.25, 0, 4},
		// Ties round half away from zero.
		{1.25, 0.5, 0, 3},
		{-1.25, 0.5, 0, -3},
		// f / scale in float32: 6 / 0.023529f = 255.0011..., rounded 255.
		{6, 0.023529, -128, 127},
		// Not clamped to the int8 range.
		{6, 0.01, 0, 600},
		// SafeCast saturation where TFLite would report an error.
		{1e30, 1, 0, math.MaxInt32},
		{-1e30, 1, 0, math.MinInt32},
		{1e30, 1, 100, math.MaxInt32},
		{-1e30, 1, -100, math.MinInt32},
		{6, 0, 7, math.MaxInt32},      // +Inf
		{-6, 0, 7, math.MinInt32 + 7}, // -Inf
		{0, 0, 7, 7},                  // NaN -> 0
		{math.NaN(), 1, 7, 7},
	} {
		if got := QuantizeValue(c.f, c.scale, c.zero); got != c.want {
			t.Errorf("QuantizeValue(%v, %v, %d) = %d, want %d", c.f, c.scale, c.zero, got, c.want)
		}
	}
}

func TestActivationRange(t *testing.T) {
	for _, c := range []struct {
		act    string
		scale  float32
		zero   int32
		lo, hi int32
	}{
		{"none", 0.5, 3, -128, 127},
		{"relu", 0.5, 3, 3, 127},
		{"relu", 0.5, -128, -128, 127},
		{"relu6", 0.5, -1, -1, 11},
		{"relu6", 0.023529, -128, -128, 127},
		{"relu6", 1.0 / 256, -128, -128, 127},
		{"relu_n1_to_1", 0.25, 0, -4, 4},
		// From TFLite's pooling_test.cc SymmetricAveragePoolActivationRelu1:
		// scale 31.751/255, zero 0 gives [-8, 8].
		{"relu_n1_to_1", (15.8130 + 15.9375) / 255, 0, -8, 8},
		{"relu_n1_to_1", 0.001, 0, -128, 127},
		// An output range that lies below zero: lo exceeds hi, as in TFLite.
		{"relu", 0.01, 127, 127, 127},
		{"relu6", 0.01, 127, 127, 127},
		{"relu_n1_to_1", 0.001, 127, -128, 127},
		// A zero scale (TFLite reports an error): the saturated values.
		{"relu6", 0, -128, -128, 127},
	} {
		lo, hi := ActivationRange(c.act, c.scale, c.zero)
		if lo != c.lo || hi != c.hi {
			t.Errorf("ActivationRange(%q, %v, %d) = [%d, %d], want [%d, %d]", c.act, c.scale, c.zero, lo, hi, c.lo, c.hi)
		}
	}
	for _, act := range []string{"", "tanh", "RELU"} {
		if !mustPanic(func() { ActivationRange(act, 1, 0) }) {
			t.Errorf("ActivationRange(%q) did not panic", act)
		}
	}
}

func Example_multiplyByQuantizedMultiplier() {
	m, shift := QuantizeMultiplier(0.0075)
	fmt.Println(m, shift, MultiplyByQuantizedMultiplier(1000, m, shift))
	// Output: 2061584302 -7 8
}
