package ref

import (
	"hash/fnv"
	"math"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

func runHardSwish(t *testing.T, inScale float32, inZero int32, outScale float32, outZero int32, in []int8) []int8 {
	t.Helper()
	p, err := HardSwishParamsFor(inScale, inZero, outScale, outZero)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int8, len(in))
	HardSwish(&p, in, out)
	return out
}

// hardSwishFloat is x * relu6(x + 3) / 6 in float64.
func hardSwishFloat(x float64) float64 { return x * min(max(x+3, 0), 6) / 6 }

// TestHardSwishParamsHandChecked checks HardSwishParamsFor on scales whose
// multipliers can be followed by hand.
func TestHardSwishParamsHandChecked(t *testing.T) {
	for _, c := range []struct {
		inScale, outScale float32
		want              HardSwishParams
	}{
		// hires = 2^-4/2^7 = 2^-11. M_out = 2^-11/2^-4 = 2^-7 = 0.5 * 2^-6:
		// Q31 2^30, Q15 (2^30 + 2^15) >> 16 = 16384, exponent -6.
		// M_relu = 2^-11 / (3 * 2^-15) = 16/3, in float32 5.33333349 =
		// 0.666666687 * 2^3 (a 24-bit significand, so q * 2^31 =
		// 1431655808 exactly); Q15 (1431655808 + 32768) >> 16 = 21845.
		{1.0 / 16, 1.0 / 16, HardSwishParams{ReluishMultiplier: 21845, ReluishExponent: 3, OutputMultiplier: 16384, OutputExponent: -6}},
		// hires = 2^-15: M_relu = 1/3, float32 0.333333343 = 0.666666687 * 2^-1.
		{1.0 / 256, 1.0 / 256, HardSwishParams{ReluishMultiplier: 21845, ReluishExponent: -1, OutputMultiplier: 16384, OutputExponent: -6}},
		// M_out = 2^-11 / 2^-5 = 2^-6 = 0.5 * 2^-5.
		{1.0 / 16, 1.0 / 32, HardSwishParams{ReluishMultiplier: 21845, ReluishExponent: 3, OutputMultiplier: 16384, OutputExponent: -5}},
		// M_out = 2^-7 / 2^-6 = 0.5 * 2^0: exponent 0, the largest TFLite takes.
		{1, 1.0 / 64, HardSwishParams{ReluishMultiplier: 21845, ReluishExponent: 7, OutputMultiplier: 16384, OutputExponent: 0}},
	} {
		p, err := HardSwishParamsFor(c.inScale, 0, c.outScale, 0)
		if err != nil || p != c.want {
			t.Errorf("HardSwishParamsFor(%g, 0, %g, 0) = %+v, %v; want %+v", c.inScale, c.outScale, p, err, c.want)
		}
	}
}

// TestHardSwishHandChecked follows TFLite's reference kernel step by step
// (the notation of hardswish.go's comment) on a few inputs; TFLite's kernel,
// compiled from its source, gives the same outputs.
func TestHardSwishHandChecked(t *testing.T) {
	for _, c := range []struct {
		name              string
		inScale, outScale float32
		outZero           int32
		q, want           int8
	}{
		// S_in = S_out = 1/16, Z = 0: M_out 16384 (0.5), e_out -6; M_relu
		// 21845, e_relu 3.
		//
		// q = 8, x = 0.5: hires = 1024; preshift = SRDHM16(1024, 16384) = 512.
		// reluish: SatLeftShift(1024, 2) = 4096; SRDHM16(4096, 21845) =
		// floor(2730.625 + 0.5) = 2731; SatLeftShift(2731, 1) = 5462 (x/3 =
		// 0.1667 -> 5461.3). (5462 + 32768) >> 1 = 19115 (relu6(3.5)/6 =
		// 0.5833 -> 19114.7). SDHM16(19115, 512) = trunc(298.67) = 298;
		// RDBPOT16(298, 6) = round(4.656) = 5. Float: 0.2917 * 16 = 4.67 -> 5.
		{"x=0.5", 1.0 / 16, 1.0 / 16, 0, 8, 5},
		// q = -24, x = -1.5: hires = -3072; preshift = SRDHM16(-3072, 16384)
		// = trunc((-50331648 - 16383) / 32768) = -1536. reluish:
		// SatLeftShift(-3072, 2) = -12288; SRDHM16(-12288, 21845) =
		// trunc(-8191.875 - 0.49997) = -8192; SatLeftShift(-8192, 1) =
		// -16384 (-0.5). (-16384 + 32768) >> 1 = 8192 (0.25).
		// SDHM16(8192, -1536) = -384 exactly; RDBPOT16(-384, 6) = -6.
		// Float: -1.5 * 1.5 / 6 = -0.375 = -6/16 exactly.
		{"x=-1.5", 1.0 / 16, 1.0 / 16, 0, -24, -6},
		// q = -128, x = -8 (below -3): hires = -16384; preshift = -8192.
		// reluish: SatLeftShift(-16384, 2) = -65536 saturates to -32768;
		// SRDHM16(-32768, 21845) = trunc(-21845 - 0.49997) = -21845;
		// SatLeftShift(-21845, 1) = -43690 saturates to -32768 (-1).
		// (-32768 + 32768) >> 1 = 0; SDHM16(0, -8192) = 0; output 0.
		{"x=-8", 1.0 / 16, 1.0 / 16, 0, -128, 0},
		// q = 127, x = 7.9375 (above 3): hires = 16256; preshift =
		// SRDHM16(16256, 16384) = trunc(8128 + 0.5) = 8128. reluish:
		// SatLeftShift(16256, 2) = 65024 saturates to 32767;
		// SRDHM16(32767, 21845) = floor(21844.33 + 0.5) = 21844;
		// SatLeftShift(21844, 1) = 43688 saturates to 32767.
		// (32767 + 32768) >> 1 = 32767 (1 - 2^-15). SDHM16(32767, 8128) =
		// trunc(8127.75) = 8127; RDBPOT16(8127, 6) = round(126.98) = 127.
		// Float: 7.9375 * 16 = 127.
		{"x=7.9375", 1.0 / 16, 1.0 / 16, 0, 127, 127},
		// S_in = 1/16, S_out = 1/32, Z_out = -128: M_out 16384, e_out -5.
		// q = 16, x = 1: hires = 2048; preshift = SRDHM16(2048, 16384) =
		// 1024. reluish: SatLeftShift(2048, 2) = 8192; SRDHM16(8192, 21845)
		// = floor(5461.25 + 0.5) = 5461; SatLeftShift(5461, 1) = 10922.
		// (10922 + 32768) >> 1 = 21845 (2/3). SDHM16(21845, 1024) =
		// trunc(682.66) = 682; RDBPOT16(682, 5) = round(21.31) = 21;
		// 21 - 128 = -107. Float: 1 * 4/6 * 32 = 21.33 -> 21 - 128 = -107.
		{"x=1, Z_out=-128", 1.0 / 16, 1.0 / 32, -128, 16, -107},
		// S_in = S_out = 1/256, Z = 0: M_out 16384, e_out -6; M_relu 21845,
		// e_relu -1 (the right-shift path).
		//
		// q = -1, x = -1/256: hires = -128; preshift = SRDHM16(-128, 16384)
		// = trunc((-2097152 - 16383) / 32768) = -64. reluish:
		// SRDHM16(-128, 21845) = trunc((-2796160 - 16383) / 32768) = -85;
		// RDBPOT16(-85, 1) = -43 (-42.5, away from zero).
		// (-43 + 32768) >> 1 = 16362 (0.49935). SDHM16(16362, -64) =
		// trunc(-31.96) = -31; RDBPOT16(-31, 6) = round(-0.484) = 0.
		// Float: -0.0039 * 0.49935 * 256 = -0.4993 -> 0.
		// (With the rounding SRDHM16 in place of SDHM16 the product would be
		// trunc(-31.96 - 0.49997) = -32, and RDBPOT16(-32, 6) = -1.)
		{"x=-1/256", 1.0 / 256, 1.0 / 256, 0, -1, 0},
	} {
		got := runHardSwish(t, c.inScale, 0, c.outScale, c.outZero, []int8{c.q})
		if got[0] != c.want {
			t.Errorf("%s: HardSwish(%d) = %d, want %d", c.name, c.q, got[0], c.want)
		}
	}
}

// TestHardSwishTruncatingProduct shows that the last product must be
// TFLite's truncating SaturatingDoublingHighMul: with S_in = S_out = 1/256,
// Z = 0, the inputs -62, -3 and -1 give TFLite's -28, -1 and 0 (q = -1 is
// followed by hand in TestHardSwishHandChecked), where gemmlowp's rounding
// product would give -29, -2 and -1; every other input agrees. It also
// checks the mutation is visible in the kernel's own entry point.
func TestHardSwishTruncatingProduct(t *testing.T) {
	p, err := HardSwishParamsFor(1.0/256, 0, 1.0/256, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int8][2]int8{-62: {-28, -29}, -3: {-1, -2}, -1: {0, -1}}
	in := make([]int8, 256)
	for i := range in {
		in[i] = int8(i - 128)
	}
	out := make([]int8, 256)
	HardSwish(&p, in, out)
	for i, q := range in {
		rounded := hardSwish(&p, q, fixedpoint.SaturatingRoundingDoublingHighMul16)
		w, differs := want[q]
		switch {
		case differs && (out[i] != w[0] || rounded != w[1]):
			t.Errorf("q %d: HardSwish %d, with rounding product %d; want %d and %d", q, out[i], rounded, w[0], w[1])
		case !differs && out[i] != rounded:
			t.Errorf("q %d: HardSwish %d, with rounding product %d; want them equal", q, out[i], rounded)
		}
	}
}

// hardSwishCase is one quantization of the input and output of the float
// shadow test, as TFLite's SingleOpModel quantizes a [min, max] range.
type hardSwishCase struct{ inMin, inMax, outMin, outMax float32 }

// hardSwishCases are the ranges of the float shadow test: those of TFLite's
// and TFLite Micro's hard_swish tests, MobileNetV3-like ranges up to
// [-100, 100] (input scales above 3/256 take the kernel's left-shift path,
// 0.78 gives a reluish exponent of 7), and small ones that take the right
// shift.
var hardSwishCases = []hardSwishCase{
	{-0.375, 1, -0.375, 1},
	{-2, 1, -0.375, 1},
	{-5, 10, -0.375, 10},
	{-40, 60, -0.375, 60},
	{-3, 3, -0.375, 3},
	{-6, 6, -0.375, 6},
	{-10, 10, -0.375, 10},
	{-20, 20, -0.375, 20},
	{-64, 64, -0.375, 64},
	{-100, 100, -0.375, 100},
	{-11.654928, 25.036512, -0.3905796, 24.50887},
	{-8, 8, -8, 8},
	{-0.1, 0.1, -0.05, 0.1},
	{-1, 1, -0.375, 1},
}

// TestHardSwishFloatShadow runs all 256 inputs for each of hardSwishCases
// and compares with round(hardswish(x) / S_out) + Z_out, x = S_in (q - Z_in)
// in float64, clamped: the kernel must be within 1 output step of it.
//
// Observed (go test -run HardSwishFloatShadow -v): at most 1 step from the
// rounded value in every case, and at most 0.509 step from the unrounded
// hardswish(x)/S_out + Z_out. Why: the output is RDBPOT16(p, k), a rounding
// (0.5 step), of the Q15 product p = relu6(x+3)/6 * preshift, whose units
// are 2^-k steps, k = -e_out (5 or 6 here). Before that rounding, preshift's
// own rounding and the truncation of the last product add less than 1.5
// units, at most 1.5 * 2^-5 = 0.047 step; the Q15 roundings of both
// multipliers and of the reluish value, and 32767 standing for 2^15, are
// relative errors of a few 2^-15, below 0.05 step for any output int8 can
// hold. So the output is within about 0.6 step of the exact value, and one
// step off the rounded value only where the exact value lies within 0.1
// step of a half step; it cannot be 2 steps off.
func TestHardSwishFloatShadow(t *testing.T) {
	in := make([]int8, 256)
	for i := range in {
		in[i] = int8(i - 128)
	}
	var worstRounded, worstExact float64
	for _, c := range hardSwishCases {
		inScale, inZero := tfliteQuantParams(c.inMin, c.inMax, -128, 127)
		outScale, outZero := tfliteQuantParams(c.outMin, c.outMax, -128, 127)
		out := runHardSwish(t, inScale, inZero, outScale, outZero, in)
		var worst float64
		for i, q := range in {
			exact := hardSwishFloat(float64(inScale)*float64(int32(q)-inZero))/float64(outScale) + float64(outZero)
			exact = min(max(exact, -128), 127)
			rounded := math.Round(exact)
			d := math.Abs(float64(out[i]) - rounded)
			worst = max(worst, math.Abs(float64(out[i])-exact))
			worstRounded = max(worstRounded, d)
			if d > 1 {
				t.Errorf("%v: q %d gives %d, float %.3f", c, q, out[i], exact)
			}
		}
		worstExact = max(worstExact, worst)
		p, _ := HardSwishParamsFor(inScale, inZero, outScale, outZero)
		t.Logf("%v: in (%g, %d) out (%g, %d), e_relu %d, e_out %d: worst %.3f steps from the exact value",
			c, inScale, inZero, outScale, outZero, p.ReluishExponent, p.OutputExponent, worst)
	}
	t.Logf("worst: %.0f steps from the rounded value, %.3f from the exact one", worstRounded, worstExact)
	if worstExact > 0.6 {
		t.Errorf("worst error %.3f steps, more than the 0.6 the analysis allows", worstExact)
	}
}

// minstdRand is C++'s std::minstd_rand (seed 1), which TFLite's and TFLite
// Micro's hard_swish tests draw their inputs from.
type minstdRand struct{ s uint64 }

func newMinstdRand() *minstdRand { return &minstdRand{1} }

func (r *minstdRand) next() uint64 {
	r.s = r.s * 48271 % 2147483647
	return r.s
}

// uniform is the tests' GenerateUniformRandomVector for one value, in
// float32 as there: min + (max - min) * (draw * (1 / float(2^31 - 1))).
func (r *minstdRand) uniform(lo, hi float32) float32 {
	u := float32(r.next()) * (1 / float32(2147483647))
	return lo + float32((hi-lo)*u)
}

// hardSwishFloat32 is the tests' EvalTestReferenceHardSwish, in float32:
// in * min(6, max(0, in + 3)) * (1/6).
func hardSwishFloat32(x float32) float32 {
	return float32(x*min(6, max(0, x+3))) * (1 / float32(6))
}

// TestHardSwishMicroGoldens ports TFLite Micro's
// micro/kernels/hard_swish_test.cc :: SimpleHardSwishTestInt8: 101 inputs
// from minstd_rand per range pair, quantized with the test's
// ScaleFromMinMax and ZeroPointFromMinMax, dequantized outputs within
// max(input range, output range) * 1.5/256 of the float reference clamped
// to the output range. The hash pins the exact inputs and outputs, those of
// TFLite Micro's kernel on the same test (see TestHardSwishOracle).
func TestHardSwishMicroGoldens(t *testing.T) {
	r := newMinstdRand()
	h := fnv.New64a()
	for _, c := range []hardSwishCase{
		{-0.375, 1, -0.375, 1}, {-2, 1, -0.375, 1}, {-5, 10, -0.375, 10}, {-40, 60, -0.375, 60},
	} {
		inScale := (c.inMax - c.inMin) / 255
		inZero := -128 + int32(math.Round(float64(-c.inMin/inScale)))
		outScale := (c.outMax - c.outMin) / 255
		outZero := -128 + int32(math.Round(float64(-c.outMin/outScale)))
		data := make([]float32, 101)
		for i := range data {
			data[i] = r.uniform(c.inMin, c.inMax)
		}
		in := microQuantize(data, inScale, inZero)
		out := runHardSwish(t, inScale, inZero, outScale, outZero, in)
		tolerance := max(c.inMax-c.inMin, c.outMax-c.outMin) * (1.5 / 256)
		golden := make([]float32, len(data))
		for i, x := range data {
			golden[i] = min(c.outMax, max(c.outMin, hardSwishFloat32(x)))
		}
		expectWithinFloat(t, "SimpleHardSwishTestInt8", dequantized(out, outScale, outZero), golden, tolerance)
		for i := range in {
			oracleHashInt8(h, in[i:i+1])
			oracleHashInt8(h, out[i:i+1])
		}
	}
	if got, want := h.Sum64(), uint64(0xe68a929a46d63ac8); got != want {
		t.Errorf("hash %016x, TFLite Micro's %016x", got, want)
	}
}

// TestHardSwishLiteGoldens ports TFLite's kernels/activations_test.cc ::
// QuantizedActivationsOpTest.HardSwish: every pair of the ranges [0, 1],
// [-2, 1], [-5, 10], [-40, 60] as input and output, sizes 1, 3, 10, 100,
// each run as uint8 and then int8 (drawing their own inputs from one
// minstd_rand); dequantized outputs within max(input range, output range) *
// 1.5/256 of the float reference clamped to the output range. TFLite's
// uint8 kernel computes the same offsets as the int8 one, so uint8 cases run
// here as int8 with every value and zero point shifted by -128.
func TestHardSwishLiteGoldens(t *testing.T) {
	r := newMinstdRand()
	ranges := [][2]float32{{0, 1}, {-2, 1}, {-5, 10}, {-40, 60}}
	for _, ir := range ranges {
		for _, or := range ranges {
			for _, size := range []int{1, 3, 10, 100} {
				for _, uint8Type := range []bool{true, false} {
					qmin, qmax := float32(-128), float32(127)
					if uint8Type {
						qmin, qmax = 0, 255
					}
					data := make([]float32, size)
					for i := range data {
						data[i] = r.uniform(ir[0], ir[1])
					}
					inScale, inZero := tfliteQuantParams(ir[0], ir[1], qmin, qmax)
					outScale, outZero := tfliteQuantParams(or[0], or[1], qmin, qmax)
					q := tfliteQuantize(data, inScale, inZero, qmin, qmax)
					if uint8Type {
						q, inZero, outZero = sub128(q), inZero-128, outZero-128
					}
					out := runHardSwish(t, inScale, inZero, outScale, outZero, toInt8(q))
					golden := make([]float32, size)
					for i, x := range data {
						golden[i] = min(or[1], max(or[0], hardSwishFloat32(x)))
					}
					tolerance := max(ir[1]-ir[0], or[1]-or[0]) * (1.5 / 256)
					expectWithinFloat(t, "HardSwish", dequantized(out, outScale, outZero), golden, tolerance)
				}
			}
		}
	}
}

// hardSwishBias is TFLite's TestQuantizedHardSwishBias for uint8 (run as
// int8, shifted by -128) with outputMul as the kernel's last product: the
// inputs are every uint8 step from -3 to 3 of the range [-11.654928,
// 25.036512], the output range is [-0.3905796, 24.50887], and the bias is
// the mean of dequantized output minus float reference, in units of the
// larger scale.
func hardSwishBias(t *testing.T, outputMul func(a, b int16) int16) float32 {
	const inMin, inMax, outMin, outMax = float32(-11.654928), float32(25.036512), float32(-0.3905796), float32(24.50887)
	inScale := (inMax - inMin) / 255
	outScale := (outMax - outMin) / 255
	maxScale := max(inScale, outScale)
	lo := int(math.Round(float64((-3 - inMin) / inScale)))
	hi := int(math.Round(float64((3 - inMin) / inScale)))
	var data []float32
	for i := lo; i <= hi; i++ {
		data = append(data, inMin+float32(float32(i)*inScale))
	}
	mInScale, mInZero := tfliteQuantParams(inMin, inMax, 0, 255)
	mOutScale, mOutZero := tfliteQuantParams(outMin, outMax, 0, 255)
	q := toInt8(sub128(tfliteQuantize(data, mInScale, mInZero, 0, 255)))
	p, err := HardSwishParamsFor(mInScale, mInZero-128, mOutScale, mOutZero-128)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int8, len(q))
	for i, v := range q {
		out[i] = hardSwish(&p, v, outputMul)
	}
	deq := dequantized(out, mOutScale, mOutZero-128)
	var sum float32
	for i, x := range data {
		sum += deq[i] - min(outMax, max(outMin, hardSwishFloat32(x)))
	}
	return sum / (float32(len(data)) * maxScale)
}

// TestHardSwishBias ports TFLite's activations_test.cc ::
// QuantizedActivationsOpTest.HardSwishBias (a range taken from a MobileNetV3
// layer): |bias| <= 0.035. The kernel's bias is 0.0349; with gemmlowp's
// rounding product in place of the truncating one it would be 0.0507 and
// fail TFLite's test, the effect TFLite's kernel comment reports.
func TestHardSwishBias(t *testing.T) {
	bias := hardSwishBias(t, fixedpoint.SaturatingDoublingHighMul16)
	rounding := hardSwishBias(t, fixedpoint.SaturatingRoundingDoublingHighMul16)
	t.Logf("bias %.4f; with the rounding product %.4f", bias, rounding)
	if math.Abs(float64(bias)) > 0.035 {
		t.Errorf("bias %g, TFLite tolerates 0.035", bias)
	}
	if math.Abs(float64(rounding)) <= 0.035 {
		t.Errorf("bias %g with the rounding product: the test cannot tell the products apart", rounding)
	}
}

// TestHardSwishOracle runs all 256 inputs through 600 random parameter
// sets and compares the hash of parameters and outputs with that of TFLite
// Micro's reference kernel and Prepare (see oracleRand): 300 sets with
// S_in in [2^-10, 2^4) and S_out = S_in * [2^-3, 2^2), then 300 with S_in in
// [2^-24, 2^10) and S_out = S_in * [2^-12, 2^12) (the float32 product),
// zero points uniform in [-128, 127]. A set TFLite's Prepare rejects
// (output exponent > 0) hashes -1 instead; HardSwishParamsFor must reject
// exactly those.
func TestHardSwishOracle(t *testing.T) {
	r := oracleRand{5}
	h := fnv.New64a()
	in := make([]int8, 256)
	for i := range in {
		in[i] = int8(i - 128)
	}
	out := make([]int8, 256)
	rejected := 0
	for i := range 600 {
		lo, hi, rlo, rhi := -10, 4, -3, 2
		if i >= 300 {
			lo, hi, rlo, rhi = -24, 10, -12, 12
		}
		inScale := r.scale(lo, hi)
		outScale := inScale * r.scale(rlo, rhi)
		inZero, outZero := int32(r.intn(256)-128), int32(r.intn(256)-128)
		p, err := HardSwishParamsFor(inScale, inZero, outScale, outZero)
		if err != nil {
			if !strings.Contains(err.Error(), "TFLite requires") {
				t.Fatalf("S_in %g, S_out %g: %v", inScale, outScale, err)
			}
			rejected++
			oracleHashInt32(h, -1)
			continue
		}
		oracleHashInt32(h, int32(p.ReluishMultiplier), int32(p.ReluishExponent), int32(p.OutputMultiplier), int32(p.OutputExponent))
		HardSwish(&p, in, out)
		oracleHashInt8(h, out)
	}
	t.Logf("%d of 600 parameter sets rejected", rejected)
	if got, want := h.Sum64(), uint64(0xf259c18b90ab0599); got != want {
		t.Errorf("hash %016x, TFLite Micro's %016x", got, want)
	}
}

// TestHardSwishParamsErrors checks the parameters TFLite's Prepare rejects
// and those kiln rejects where TFLite's behaviour is undefined.
func TestHardSwishParamsErrors(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		inScale  float32
		inZero   int32
		outScale float32
		outZero  int32
		want     string
	}{
		// S_in/128/S_out = 1: exponent 1.
		{1, 0, 1.0 / 128, 0, "TFLite requires"},
		{1, 0, 1e-6, 0, "TFLite requires"},
		// Just below 1 in float32: 1 - 2^-24 keeps exponent 0 (the
		// significand 2^31 - 128 does not round up), so it is accepted;
		// see below.
		{0, 0, 1, 0, "input scale 0"},
		{-1, 0, 1, 0, "input scale -1"},
		{nan, 0, 1, 0, "input scale NaN"},
		{inf, 0, 1, 0, "input scale +Inf"},
		{1, 0, 0, 0, "output scale 0"},
		{1, 0, inf, 0, "output scale +Inf"},
		{1, 128, 1, 0, "input zero point 128"},
		{1, 0, 1, -129, "output zero point -129"},
		// S_in * 256/3 >= 2^31 gives a reluish exponent of 32 or more;
		// 1e8 * 256/3 = 0.99 * 2^33.
		{1e8, 0, 1e8, 0, "reluish exponent 33"},
		// hires / (3/32768) overflows float32.
		{1e37, 0, 1e37, 0, "overflows the reluish multiplier"},
		// hires / S_out overflows float32.
		{1, 0, 1e-45, 0, "overflows float32"},
	} {
		_, err := HardSwishParamsFor(c.inScale, c.inZero, c.outScale, c.outZero)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("HardSwishParamsFor(%g, %d, %g, %d) = %v, want an error with %q",
				c.inScale, c.inZero, c.outScale, c.outZero, err, c.want)
		}
	}
	// The boundary: S_out = S_in/128 / (1 - 2^-24) is accepted, S_in/128 not.
	below := float32(1.0/128) / (1 - 1.0/(1<<24))
	if p, err := HardSwishParamsFor(1, 0, below, 0); err != nil || p.OutputExponent != 0 || p.OutputMultiplier != math.MaxInt16 {
		t.Errorf("HardSwishParamsFor(1, 0, %g, 0) = %+v, %v; want exponent 0, multiplier 32767", below, p, err)
	}
}

// TestHardSwishPanics checks the kernel refuses parameters outside what
// HardSwishParamsFor produces.
func TestHardSwishPanics(t *testing.T) {
	good, err := HardSwishParamsFor(1.0/16, 0, 1.0/16, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, mutate := range []func(p *HardSwishParams){
		func(p *HardSwishParams) { p.InputZeroPoint = 128 },
		func(p *HardSwishParams) { p.OutputZeroPoint = -129 },
		func(p *HardSwishParams) { p.OutputExponent = 1 },
		func(p *HardSwishParams) { p.OutputExponent = -32 },
		func(p *HardSwishParams) { p.ReluishExponent = 32 },
		func(p *HardSwishParams) { p.ReluishExponent = -32 },
		func(p *HardSwishParams) { p.OutputMultiplier = -1 },
		func(p *HardSwishParams) { p.ReluishMultiplier = -1 },
	} {
		p := good
		mutate(&p)
		if !panics(func() { HardSwish(&p, []int8{0}, []int8{0}) }) {
			t.Errorf("HardSwish(%+v) did not panic", p)
		}
	}
	if !panics(func() { HardSwish(&good, []int8{0}, nil) }) {
		t.Error("HardSwish with a short output did not panic")
	}
}
