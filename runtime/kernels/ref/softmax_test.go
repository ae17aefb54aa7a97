package ref

import (
	"encoding/binary"
	"hash"
	"hash/fnv"
	"math"
	"testing"
)

// Helpers shared by the tests of softmax, logistic, tanh, reduce, embedding
// and interaction; harness_test.go holds the package's quantization helpers.

// oracleRand generates the inputs of the oracle tests: splitmix64. The
// reference hashes those tests check were computed by a C++ program that
// draws the same sequence and runs TFLite Micro's reference kernels
// (kernels/internal/reference/softmax.h, integer_ops/logistic.h,
// integer_ops/tanh.h, reduce.h; TFLite Micro commit 90b983c2) with the
// parameters its Prepare functions compute, hashing parameters and outputs
// with FNV-1a-64 (int32 values as 4 little-endian bytes, int8 values as one
// byte).
type oracleRand struct{ s uint64 }

func (r *oracleRand) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *oracleRand) u32() uint32 { return uint32(r.next() >> 32) }

func (r *oracleRand) intn(n int) int { return int(r.next() % uint64(n)) }

// scale returns a float32 in [2^lo, 2^hi) with a random 24-bit significand.
func (r *oracleRand) scale(lo, hi int) float32 {
	m := 1<<23 | r.u32()&(1<<23-1)
	e := lo + r.intn(hi-lo)
	return float32(math.Ldexp(float64(m), e-23))
}

func oracleHashInt32(h hash.Hash64, vs ...int32) {
	var b [4]byte
	for _, v := range vs {
		binary.LittleEndian.PutUint32(b[:], uint32(v))
		h.Write(b[:])
	}
}

func oracleHashInt8(h hash.Hash64, vs []int8) {
	for _, v := range vs {
		h.Write([]byte{byte(v)})
	}
}

// tfliteInt8 quantizes float test data into an int8 tensor with range
// [fmin, fmax] as TFLite's SingleOpModel tests do, returning the values and
// the tensor's (scale, zero point).
func tfliteInt8(data []float32, fmin, fmax float32) ([]int8, float32, int32) {
	scale, zero := tfliteQuantParams(fmin, fmax, -128, 127)
	return toInt8(tfliteQuantize(data, scale, zero, -128, 127)), scale, zero
}

// dequantized is TFLite's test_util.h Dequantize: scale * (q - zero).
func dequantized(q []int8, scale float32, zero int32) []float32 {
	f := make([]float32, len(q))
	Dequantize(scale, zero, q, f)
	return f
}

// expectWithinFloat is TFLite's ArrayFloatNear on dequantized outputs.
func expectWithinFloat(t *testing.T, name string, got, want []float32, tolerance float32) {
	t.Helper()
	for i := range want {
		if d := got[i] - want[i]; d > tolerance || d < -tolerance {
			t.Errorf("%s: output %d = %g, golden %g: beyond TFLite's tolerance %g", name, i, got[i], want[i], tolerance)
		}
	}
}

func runSoftmax(scale float32, beta float64, rows, depth int, in []int8) []int8 {
	p := SoftmaxParamsFor(scale, beta)
	out := make([]int8, len(in))
	Softmax(&p, rows, depth, in, out)
	return out
}

// Inputs and goldens of TFLite Micro's micro/kernels/softmax_test.cc. The 3-D
// case is the first 60 values (n = 0) of the 4-D one.
var (
	microSoftmaxInput4D = []float32{
		3, 6, -5, 4, -9, -10, -10, -8, 2, 2,
		8, -5, -8, 5, -6, -8, 6, 1, -10, -8,
		7, 6, -10, -4, -5, 2, 7, 9, -9, 7,
		-4, -2, 8, 2, 2, 3, 6, 6, 2, 4,
		9, 7, -7, 0, 4, -3, 8, 8, -3, -4,
		-9, -9, 4, -8, -1, -10, -2, 6, -7, 0,
		-9, -8, 6, -1, -5, -10, -5, -10, 7, -2,
		-5, -4, 1, 2, 2, -2, -2, 1, 1, -4,
		-8, -3, 1, 1, -1, -2, 6, -1, -5, 6,
		-7, 8, 9, 0, 9, -9, -5, -2, 0, 8,
		4, 2, -3, 5, 8, -1, 1, -4, -9, 7,
		3, -8, 0, 9, -4, 8, -1, 9, -9, 1,
	}
	microSoftmaxGolden4D = []float32{
		0.042009463, 0.843782625, 0.000014093, 0.114193561, 0.000000258,
		0.000003072, 0.000003072, 0.000022699, 0.499985578, 0.499985578,
		0.952571219, 0.000002153, 0.000000107, 0.047425728, 0.000000792,
		0.000000826, 0.993305397, 0.006692839, 0.000000112, 0.000000826,
		0.731046347, 0.268936922, 0.000000030, 0.000012210, 0.000004492,
		0.000717124, 0.106430599, 0.786421666, 0.000000012, 0.106430599,
		0.000006114, 0.000045174, 0.995015917, 0.002466398, 0.002466398,
		0.022595176, 0.453836234, 0.453836234, 0.008312301, 0.061420055,
		0.875505904, 0.118486839, 0.000000099, 0.000108046, 0.005899112,
		0.000008351, 0.499990113, 0.499990113, 0.000008351, 0.000003072,
		0.000002245, 0.000002245, 0.993296627, 0.000006103, 0.006692780,
		0.000000112, 0.000334520, 0.997191323, 0.000002254, 0.002471790,
		0.000000306, 0.000000831, 0.999071142, 0.000911035, 0.000016686,
		0.000000041, 0.000006143, 0.000000041, 0.999870380, 0.000123394,
		0.000384554, 0.001045327, 0.155140254, 0.421714933, 0.421714933,
		0.023637081, 0.023637081, 0.474763454, 0.474763454, 0.003198931,
		0.000057299, 0.008503973, 0.464301197, 0.464301197, 0.062836334,
		0.000167625, 0.499684188, 0.000455653, 0.000008346, 0.499684188,
		0.000000048, 0.155354299, 0.422296769, 0.000052116, 0.422296769,
		0.000000041, 0.000002259, 0.000045383, 0.000335334, 0.999616982,
		0.017107856, 0.002315297, 0.000015600, 0.046503973, 0.934057274,
		0.000334516, 0.002471755, 0.000016655, 0.000000112, 0.997176963,
		0.002472313, 0.000000041, 0.000123089, 0.997402302, 0.000002254,
		0.268866557, 0.000033181, 0.730855076, 0.000000011, 0.000245175,
	}
)

// TestSoftmaxMicroGoldens ports the int8 cases of TFLite Micro's
// micro/kernels/softmax_test.cc. Each feeds float inputs quantized with
// scale 0.1, zero point 0 (beta 1) and accepts outputs within 1 of the float
// golden quantized to (1/256, -128); the exact outputs, which TFLite Micro's
// kernel produces on the same inputs, are pinned too.
func TestSoftmaxMicroGoldens(t *testing.T) {
	in1D := []float32{1, 2, 3, 4, 5}
	golden1D := []float32{0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647}
	in2D := append(append([]float32{}, in1D...), -1, -2, -3, -4, -5)
	golden2D := append(append([]float32{}, golden1D...), 0.636408647, 0.234121657, 0.086128544, 0.031684921, 0.011656231)
	for _, c := range []struct {
		name        string
		rows, depth int
		in, golden  []float32
		want        []int8
	}{
		// softmax_test.cc :: SoftmaxTest.Softmax1DQuantizedInt8ShouldMatchGolden
		{"Softmax1DQuantizedInt8ShouldMatchGolden", 1, 5, in1D, golden1D,
			[]int8{-125, -120, -106, -68, 35}},
		// softmax_test.cc :: SoftmaxTest.Softmax2DQuantizedInt8ShouldMatchGolden
		{"Softmax2DQuantizedInt8ShouldMatchGolden", 2, 5, in2D, golden2D,
			[]int8{-125, -120, -106, -68, 35, 35, -68, -106, -120, -125}},
		// softmax_test.cc :: SoftmaxTest.Softmax3DQuantizedInt8ShouldMatchGolden
		{"Softmax3DQuantizedInt8ShouldMatchGolden", 12, 5, microSoftmaxInput4D[:60], microSoftmaxGolden4D[:60],
			softmaxMicro4DWant[:60]},
		// softmax_test.cc :: SoftmaxTest.Softmax4DQuantizedInt8ShouldMatchGolden
		{"Softmax4DQuantizedInt8ShouldMatchGolden", 24, 5, microSoftmaxInput4D, microSoftmaxGolden4D,
			softmaxMicro4DWant},
	} {
		out := runSoftmax(0.1, 1, c.rows, c.depth, microQuantize(c.in, 0.1, 0))
		expectWithin(t, c.name, out, microQuantize(c.golden, 1.0/256, -128), 1)
		expectExact(t, c.name, out, c.want)
	}
}

// softmaxMicro4DWant is TFLite Micro's output for the 4-D case.
var softmaxMicro4DWant = []int8{
	-117, 88, -128, -99, -128, -128, -128, -128, 0, 0,
	116, -128, -128, -116, -128, -128, 126, -126, -128, -128,
	59, -59, -128, -128, -128, -128, -101, 73, -128, -101,
	-128, -128, 127, -127, -127, -122, -12, -12, -126, -112,
	96, -98, -128, -128, -126, -128, 0, 0, -128, -128,
	-128, -128, 126, -128, -126, -128, -128, 127, -128, -127,
	-128, -128, 127, -128, -128, -128, -128, -128, 127, -128,
	-128, -128, -88, -20, -20, -122, -122, -6, -6, -127,
	-128, -126, -9, -9, -112, -128, 0, -128, -128, 0,
	-128, -88, -20, -128, -20, -128, -128, -128, -128, 127,
	-124, -127, -128, -116, 111, -128, -127, -128, -128, 127,
	-127, -128, -128, 127, -128, -59, -128, 59, -128, -128,
}

// TestSoftmaxLiteGoldens ports the int8 softmax cases of TFLite's
// kernels/activations_test.cc. Their input tensors have range [-10, 10]
// (test_util's QuantizationParams: scale 20/255, zero point 0) and beta 0.1;
// outputs are dequantized and compared with kQuantizedTolerance = 2/256.
// Softmax4DInt8 also gives exact int8 outputs, which this kernel reproduces.
func TestSoftmaxLiteGoldens(t *testing.T) {
	in, scale, zero := tfliteInt8([]float32{0, -6, 2, 4, 3, -2, 10, 1}, -10, 10)
	if zero != 0 {
		t.Fatalf("QuantizationParams(-10, 10) zero point %d, want 0", zero)
	}
	const tol = 2.0 / 256
	for _, c := range []struct {
		name        string
		rows, depth int
		golden      []float32
		want        []int8
	}{
		// activations_test.cc :: QuantizedActivationsOpTest.Softmax4DInt8, shape {1, 2, 1, 4}
		{"Softmax4DInt8", 2, 4,
			[]float32{.23463, .12877, .28658, .35003, .22528, .13664, .45365, .18443},
			[]int8{-68, -95, -54, -38, -70, -93, -12, -81}},
		// activations_test.cc :: QuantizedActivationsOpTest.Softmax4DInt8, shape {4, 1, 1, 2}
		{"Softmax4DInt8/reshaped", 4, 2,
			[]float32{0.645656, 0.354344, 0.450166, 0.549834, 0.622459, 0.377541, 0.710949, 0.28905},
			[]int8{38, -38, -13, 13, 31, -31, 54, -54}},
		// activations_test.cc :: QuantizedActivationsOpTest.Softmax2DInt8, shape {2, 4}
		{"Softmax2DInt8", 2, 4,
			[]float32{.23463, .12877, .28658, .35003, .22528, .13664, .45365, .18443},
			[]int8{-68, -95, -54, -38, -70, -93, -12, -81}},
		// activations_test.cc :: QuantizedActivationsOpTest.Softmax1DInt8, shape {8}
		{"Softmax1DInt8", 1, 8,
			[]float32{0.09766, 0.05469, 0.12109, 0.14453, 0.13281, 0.07813, 0.26563, 0.10938},
			[]int8{-103, -114, -97, -91, -94, -108, -60, -100}},
	} {
		out := runSoftmax(scale, 0.1, c.rows, c.depth, in)
		expectExact(t, c.name, out, c.want)
		expectWithinFloat(t, c.name, dequantized(out, 1.0/256, -128), c.golden, tol)
	}
}

// TestSoftmaxOracle runs 400 random cases — input scales in [2^-12, 2^3),
// betas 1, 0.5, 0.1, 2, 0.001 and random, 1 to 4 rows of 1 to 40 values with
// random spread — and compares the hash of the parameters and outputs with
// that of TFLite Micro's Prepare and reference kernel (see oracleRand).
func TestSoftmaxOracle(t *testing.T) {
	r := oracleRand{4}
	h := fnv.New64a()
	betas := []float32{1, 0.5, 0.1, 2, 1e-3}
	for c := range 400 {
		scale := r.scale(-12, 3)
		beta := betas[c%5]
		if c%6 == 5 {
			beta = r.scale(-6, 2)
		}
		rows := 1 + r.intn(4)
		depth := 1 + r.intn(40)
		p := SoftmaxParamsFor(scale, float64(beta))
		oracleHashInt32(h, p.InputBetaMultiplier, int32(p.InputBetaLeftShift), p.DiffMin)
		spread := 1 + r.intn(256)
		in := make([]int8, rows*depth)
		for i := range in {
			in[i] = int8(127 - r.intn(spread))
		}
		out := make([]int8, len(in))
		Softmax(&p, rows, depth, in, out)
		oracleHashInt8(h, out)
	}
	if got, want := h.Sum64(), uint64(0xbcc0953b1efd4103); got != want {
		t.Errorf("hash %016x, TFLite Micro's %016x", got, want)
	}
}

// TestSoftmaxFloatShadow checks the outputs against float softmax of the
// dequantized inputs: within 1 output step (TFLite's own tests allow 2/256).
func TestSoftmaxFloatShadow(t *testing.T) {
	r := oracleRand{99}
	for range 200 {
		scale := r.scale(-8, 0)
		beta := float64(r.scale(-2, 2))
		depth := 1 + r.intn(100)
		in := make([]int8, depth)
		for i := range in {
			in[i] = int8(r.intn(256) - 128)
		}
		out := runSoftmax(scale, beta, 1, depth, in)
		maxIn := slicesMax(in)
		var sum float64
		e := make([]float64, depth)
		for i, v := range in {
			e[i] = math.Exp(float64(float32(beta)) * float64(scale) * float64(int32(v)-int32(maxIn)))
			sum += e[i]
		}
		for i := range in {
			want := e[i] / sum * 256
			if d := float64(int32(out[i])+128) - want; math.Abs(d) > 1 && !(out[i] == 127 && want > 127) {
				t.Fatalf("scale %g beta %g depth %d: output %d = %d, float %g", scale, beta, depth, i, out[i], want-128)
			}
		}
	}
}

func slicesMax(v []int8) int8 {
	m := int8(math.MinInt8)
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// TestSoftmaxLargeRows checks the rows TFLite's kernel rejects (sum of
// exponentials of 512 or more) output -128 everywhere instead of failing.
func TestSoftmaxLargeRows(t *testing.T) {
	for _, depth := range []int{511, 512, 4095, 4096, 10000} {
		in := make([]int8, depth)
		out := runSoftmax(0.1, 1, 1, depth, in)
		want := int8(-128)
		if depth == 511 {
			want = -128 + 1 // 256/511 rounds to 1 step
		}
		for i, v := range out {
			if v != want {
				t.Fatalf("depth %d: output %d = %d, want %d", depth, i, v, want)
			}
		}
	}
}

func TestSoftmaxParamsFor(t *testing.T) {
	// beta * scale * 2^26 beyond 2^31 - 1 caps the multiplier: shift 31 and a
	// zero radius, so only the row maximum contributes.
	p := SoftmaxParamsFor(100, 1)
	if p.InputBetaMultiplier != math.MaxInt32 || p.InputBetaLeftShift != 31 || p.DiffMin != 0 {
		t.Errorf("capped: %+v", p)
	}
	out := runSoftmax(100, 1, 1, 3, []int8{5, 4, 5})
	expectExact(t, "capped", out, []int8{0, -128, 0})
	// Below TFLite's range the multiplier shifts right and every difference
	// counts: the row comes out uniform.
	p = SoftmaxParamsFor(1e-9, 1)
	if p.InputBetaLeftShift >= 0 || p.DiffMin != -math.MaxInt32 {
		t.Errorf("tiny: %+v", p)
	}
	out = runSoftmax(1e-9, 1, 1, 4, []int8{-128, 0, 50, 127})
	expectExact(t, "tiny", out, []int8{-64, -64, -64, -64})
}
