package ref

import (
	"hash/fnv"
	"math"
	"testing"
)

func runLogistic(scale float32, zero int32, in []int8) []int8 {
	p := LogisticParamsFor(scale, zero)
	out := make([]int8, len(in))
	Logistic(&p, in, out)
	return out
}

// lite89 is the 89-point input sweep of TFLite's activations_test.cc
// (SigmoidInt8, TanhInt8): lo + (hi-lo)*i/88, which its literals write out
// to ten decimals.
func lite89(lo, hi float64) []float32 {
	v := make([]float32, 89)
	for i := range v {
		v[i] = float32(lo + (hi-lo)*float64(i)/88)
	}
	return v
}

// TestLogisticMicroGoldens ports the int8 cases of TFLite Micro's
// micro/kernels/logistic_test.cc. As there, goldens are quantized with scale
// 1/255 and zero point -128 (the kernel's output scale is 1/256) and outputs
// may differ from them by 1; the exact outputs, which TFLite Micro's kernel
// produces on the same inputs, are pinned too.
func TestLogisticMicroGoldens(t *testing.T) {
	for _, c := range []struct {
		name       string
		scale      float32
		in, golden []float32
		want       []int8
	}{
		// logistic_test.cc :: LogisticTest.LogisticQuantizedInt8BasicShouldMatchGolden
		{"LogisticQuantizedInt8BasicShouldMatchGolden", 0.1,
			[]float32{1, 2, 3, 4, 5, -1, -2, -3, -4, -5},
			[]float32{0.73105858, 0.88079708, 0.95257413, 0.98201379, 0.99330715,
				0.26894142, 0.11920292, 0.04742587, 0.01798621, 0.00669285},
			[]int8{59, 97, 116, 123, 126, -59, -97, -116, -123, -126}},
		// logistic_test.cc :: LogisticTest.LogisticQuantizedInt8WideRangeShouldMatchGolden
		{"LogisticQuantizedInt8WideRangeShouldMatchGolden", 1.0,
			[]float32{1, 2, 3, 4, 93, -1, -2, -3, -4, -93},
			[]float32{0.73105858, 0.88079708, 0.95257413, 0.98201379, 1.0,
				0.26894142, 0.11920292, 0.04742587, 0.01798621, 0.0},
			[]int8{59, 97, 116, 123, 127, -59, -97, -116, -123, -128}},
	} {
		out := runLogistic(c.scale, 0, microQuantize(c.in, c.scale, 0))
		expectWithin(t, c.name, out, microQuantize(c.golden, 1.0/255, -128), 1)
		expectExact(t, c.name, out, c.want)
	}
}

// TestLogisticLiteGoldens ports TFLite's kernels/activations_test.cc ::
// LogisticOpTest.SigmoidInt8: 89 inputs from -10 to 10 in a tensor with range
// [-10, 10], outputs dequantized with (1/256, -128) and compared with
// kQuantizedTolerance = 2/256. TFLite's interpreter runs a float lookup table
// here, so only the tolerance is TFLite's; the pinned int8 outputs are TFLite
// Micro's (reference_integer_ops::Logistic) on the same inputs.
func TestLogisticLiteGoldens(t *testing.T) {
	in, scale, zero := tfliteInt8(lite89(-10, 10), -10, 10)
	golden := []float32{
		0.0000453979, 0.0000569815, 0.0000715205, 0.0000897689, 0.0001126729,
		0.0001414198, 0.0001774998, 0.0002227827, 0.0002796147, 0.0003509396,
		0.0004404502, 0.0005527786, 0.0006937345, 0.0008706021, 0.0010925128,
		0.0013709094, 0.0017201256, 0.0021581065, 0.0027073042, 0.0033957870,
		0.0042586071, 0.0053394826, 0.0066928509, 0.0083863576, 0.0105038445,
		0.0131488902, 0.0164489307, 0.0205599431, 0.0256715863, 0.0320125562,
		0.0398556989, 0.0495221198, 0.0613831074, 0.0758581800, 0.0934070047,
		0.1145124805, 0.1396521834, 0.1692560327, 0.2036499335, 0.2429886272,
		0.2871859014, 0.3358556241, 0.3882805886, 0.4434251301, 0.5000000000,
		0.5565748699, 0.6117194114, 0.6641443759, 0.7128140986, 0.7570113728,
		0.7963500665, 0.8307439673, 0.8603478166, 0.8854875195, 0.9065929953,
		0.9241418200, 0.9386168926, 0.9504778802, 0.9601443011, 0.9679874438,
		0.9743284137, 0.9794400569, 0.9835510693, 0.9868511098, 0.9894961555,
		0.9916136424, 0.9933071491, 0.9946605174, 0.9957413929, 0.9966042130,
		0.9972926958, 0.9978418935, 0.9982798744, 0.9986290906, 0.9989074872,
		0.9991293979, 0.9993062655, 0.9994472214, 0.9995595498, 0.9996490604,
		0.9997203853, 0.9997772173, 0.9998225002, 0.9998585802, 0.9998873271,
		0.9999102311, 0.9999284795, 0.9999430185, 0.9999546021,
	}
	want := []int8{
		-128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
		-128, -128, -128, -128, -128, -128, -128, -127, -127, -127,
		-127, -127, -126, -126, -125, -125, -124, -123, -121, -120,
		-118, -116, -113, -109, -104, -99, -92, -84, -75, -64,
		-56, -43, -30, -15, 0, 15, 30, 43, 56, 64,
		75, 84, 92, 99, 104, 109, 113, 116, 118, 120,
		121, 123, 124, 125, 125, 126, 126, 127, 127, 127,
		127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
		127, 127, 127, 127, 127, 127, 127, 127, 127,
	}
	out := runLogistic(scale, zero, in)
	expectExact(t, "SigmoidInt8", out, want)
	expectWithinFloat(t, "SigmoidInt8", dequantized(out, 1.0/256, -128), golden, 2.0/256)
}

// TestLogisticOracle runs all 256 inputs through 400 random (scale, zero
// point) pairs, scales in [2^-12, 2^3), and compares the hash of parameters
// and outputs with TFLite Micro's (see oracleRand).
func TestLogisticOracle(t *testing.T) {
	testQ4Oracle(t, 2, 0xe0efb10d609a3b69, runLogistic, func(scale float32, zero int32) [3]int32 {
		p := LogisticParamsFor(scale, zero)
		return [3]int32{p.InputMultiplier, int32(p.InputLeftShift), p.InputRangeRadius}
	})
}

func testQ4Oracle(t *testing.T, seed uint64, want uint64, run func(float32, int32, []int8) []int8,
	params func(float32, int32) [3]int32) {
	t.Helper()
	r := oracleRand{seed}
	h := fnv.New64a()
	in := make([]int8, 256)
	for i := range in {
		in[i] = int8(i - 128)
	}
	for range 400 {
		scale := r.scale(-12, 3)
		zero := int32(r.intn(256) - 128)
		p := params(scale, zero)
		oracleHashInt32(h, p[:]...)
		oracleHashInt8(h, run(scale, zero, in))
	}
	if got := h.Sum64(); got != want {
		t.Errorf("hash %016x, TFLite Micro's %016x", got, want)
	}
}

// TestLogisticFloatShadow checks every input of random (scale, zero point)
// pairs against float64 1/(1+exp(-x)) of the dequantized input: within one
// output step, and never decreasing in the input.
func TestLogisticFloatShadow(t *testing.T) {
	testQ4FloatShadow(t, runLogistic, func(x float64) float64 { return 256/(1+math.Exp(-x)) - 128 })
}

func testQ4FloatShadow(t *testing.T, run func(float32, int32, []int8) []int8, ref func(float64) float64) {
	t.Helper()
	r := oracleRand{7}
	in := make([]int8, 256)
	for i := range in {
		in[i] = int8(i - 128)
	}
	var worst float64
	for range 300 {
		scale := r.scale(-10, 2)
		zero := int32(r.intn(256) - 128)
		out := run(scale, zero, in)
		for i, q := range in {
			want := min(max(ref(float64(scale)*float64(int32(q)-zero)), -128), 127)
			d := math.Abs(float64(out[i]) - want)
			worst = max(worst, d)
			if d > 1 {
				t.Fatalf("scale %g zero %d: q %d gives %d, float %g", scale, zero, q, out[i], want)
			}
			if i > 0 && out[i] < out[i-1] {
				t.Fatalf("scale %g zero %d: not monotone at q %d", scale, zero, q)
			}
		}
	}
	t.Logf("worst error %.3f output steps", worst)
}

// TestLogisticDegenerateScales checks the scales TFLite's Prepare does not
// handle give defined parameters: no shift beyond 31 and the limits of f.
func TestLogisticDegenerateScales(t *testing.T) {
	in := []int8{-128, -1, 0, 1, 127}
	for _, c := range []struct {
		scale float32
		want  []int8
	}{
		{0, []int8{0, 0, 0, 0, 0}},
		{float32(math.NaN()), []int8{0, 0, 0, 0, 0}},
		{-1, []int8{0, 0, 0, 0, 0}},
		{1e-30, []int8{0, 0, 0, 0, 0}},
		{float32(math.Inf(1)), []int8{-128, -128, -128, 127, 127}},
		{1e30, []int8{-128, -128, -128, 127, 127}},
	} {
		p := LogisticParamsFor(c.scale, 0)
		if p.InputLeftShift < -31 {
			t.Errorf("scale %g: shift %d", c.scale, p.InputLeftShift)
		}
		expectExact(t, "degenerate scale", runLogistic(c.scale, 0, in), c.want)
	}
}
