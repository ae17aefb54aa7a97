package ref

import (
	"hash/fnv"
	"math"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

func runMean(inScale float32, inZero int32, outScale float32, outZero int32, outer, reduce, inner int, in []int8) []int8 {
	p := MeanParamsFor(inScale, inZero, outScale, outZero, outer, reduce, inner)
	out := make([]int8, outer*inner)
	Mean(&p, in, out)
	return out
}

func runSum(inScale float32, inZero int32, outScale float32, outZero int32, outer, reduce, inner int, in []int8) []int8 {
	p := SumParamsFor(inScale, inZero, outScale, outZero, outer, reduce, inner)
	out := make([]int8, outer*inner)
	Sum(&p, in, out)
	return out
}

func seq(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i + 1)
	}
	return v
}

// TestReduceMicroGoldens ports the int8 MEAN and SUM cases of TFLite
// Micro's micro/kernels/reduce_test.cc. Inputs are 1..8 or 1..24 quantized
// with zero point 0, the golden is quantized to the output's parameters and
// outputs may differ from it by 1; the exact outputs, TFLite Micro's on the
// same inputs, are pinned. Shapes map onto [Outer, Reduce, Inner]: {2, 4}
// over axis 1 is [2, 4, 1]; {2, 2, 2} over {1, 2} is [2, 4, 1]; {2, 2, 3, 2}
// over {1, 2} is [2, 6, 2] (keep_dims only changes the output's shape).
func TestReduceMicroGoldens(t *testing.T) {
	precision := []float32{1, 24, 13, 3, 9, 17, 11, 36, 14, 19, 17, 22}
	for _, c := range []struct {
		name                 string
		sum                  bool
		scale                float32
		outer, reduce, inner int
		in, golden           []float32
		want                 []int8
	}{
		// reduce_test.cc :: ReduceTest.MeanInt82DKeepDims
		{"MeanInt82DKeepDims", false, 0.5, 2, 4, 1, seq(8), []float32{2.5, 6.5}, []int8{5, 13}},
		// reduce_test.cc :: ReduceTest.MeanInt83DKeepDims
		{"MeanInt83DKeepDims", false, 0.5, 2, 4, 1, seq(8), []float32{2.5, 6.5}, []int8{5, 13}},
		// reduce_test.cc :: ReduceTest.MeanInt84DKeepDims
		{"MeanInt84DKeepDims", false, 0.5, 2, 6, 2, seq(24), []float32{6, 7, 18, 19}, []int8{12, 14, 36, 38}},
		// reduce_test.cc :: ReduceTest.MeanInt84DWithoutKeepDims
		{"MeanInt84DWithoutKeepDims", false, 0.5, 2, 6, 2, seq(24), []float32{6, 7, 18, 19}, []int8{12, 14, 36, 38}},
		// reduce_test.cc :: ReduceTest.MeanInt84DWithoutKeepDimsWithPrecision ({2, 2, 3, 1} over {1, 2})
		{"MeanInt84DWithoutKeepDimsWithPrecision", false, 0.5, 2, 6, 1, precision,
			[]float32{11.166667, 19.833334}, []int8{23, 40}},
		// reduce_test.cc :: ReduceTest.SumInt82DKeepDims
		{"SumInt82DKeepDims", true, 0.5, 2, 4, 1, seq(8), []float32{10, 26}, []int8{20, 52}},
		// reduce_test.cc :: ReduceTest.SumInt83DKeepDims
		{"SumInt83DKeepDims", true, 0.5, 2, 4, 1, seq(8), []float32{10, 26}, []int8{20, 52}},
		// reduce_test.cc :: ReduceTest.SumInt84DKeepDims
		{"SumInt84DKeepDims", true, 1, 2, 6, 2, seq(24), []float32{36, 42, 108, 114}, []int8{36, 42, 108, 114}},
		// reduce_test.cc :: ReduceTest.SumInt84DWithoutKeepDims
		{"SumInt84DWithoutKeepDims", true, 1, 2, 6, 2, seq(24), []float32{36, 42, 108, 114}, []int8{36, 42, 108, 114}},
	} {
		run := runMean
		if c.sum {
			run = runSum
		}
		out := run(c.scale, 0, c.scale, 0, c.outer, c.reduce, c.inner, microQuantize(c.in, c.scale, 0))
		expectWithin(t, c.name, out, microQuantize(c.golden, c.scale, 0), 1)
		expectExact(t, c.name, out, c.want)
	}
}

// TestReduceLiteGoldens ports int8 MEAN cases of TFLite's
// kernels/reduce_test.cc: quantized with test_util's QuantizationParams,
// dequantized outputs within GetTolerance(-5, 5) = 10/255. TFLite's
// interpreter evaluates some of these with other kernels (see reduce.go), so
// only the tolerances are TFLite's; the pinned outputs are TFLite Micro's
// (QuantizedMeanOrSum) on the same inputs.
func TestReduceLiteGoldens(t *testing.T) {
	largeDepth := []float32{
		0.1, 0.2, 0.3, 0.4, 0.2, 0.3, 0.4, 0.5, 0.1, 0.1, 0.1, 0.1, 0.4, 0.2, 0.2,
		0.2, 0.9, 0.9, 0.9, 0.9, 0.2, 0.3, 0.7, 0.7, 0.1, 0.1, 0.3, 0.3, 0.1, 0.2,
		0.3, 0.4, 0.1, 0.2, 0.3, 0.4, 0.1, 0.2, 0.3, 0.4, 0.2, 0.3, 0.4, 0.5, 0.1,
		0.1, 0.1, 0.1, 0.4, 0.2, 0.2, 0.2, 0.9, 0.9, 0.9, 0.9, 0.2, 0.3, 0.7, 0.7,
		0.1, 0.1, 0.3, 0.3, 0.1, 0.2, 0.3, 0.4, 0.1, 0.2, 0.3, 0.4,
	}
	for _, c := range []struct {
		name                 string
		data                 []float32
		inMin, inMax         float32
		outMin, outMax       float32
		outer, reduce, inner int
		golden               []float32
		want                 []int8
	}{
		// reduce_test.cc :: ConstFloatMeanOpTest.KeepDims4DMeanLargeDepthInt8:
		// {1, 2, 2, 18} over {1, 2}.
		{"KeepDims4DMeanLargeDepthInt8", largeDepth, -1, 1, -1, 1, 1, 4, 18,
			[]float32{0.5, 0.55, 0.25, 0.35, 0.45, 0.5, 0.25, 0.3, 0.2, 0.2, 0.1,
				0.15, 0.35, 0.3, 0.15, 0.2, 0.6, 0.65},
			[]int8{64, 70, 32, 45, 57, 64, 32, 39, 26, 26, 13, 19, 45, 38, 19, 25, 77, 83}},
		// reduce_test.cc :: MeanOpTestQuantizedDifferentScale<int8_t, TensorType_INT8>
		// (the template's body: {1, 2, 2, 9} over {1, 2}, input range [-1, 1],
		// output range [-4, 4]; TFLite's own TEST_F instantiates another template).
		{"MeanOpTestQuantizedDifferentScale<int8_t>", largeDepth[:36], -1, 1, -4, 4, 1, 4, 9,
			[]float32{0.35, 0.325, 0.2, 0.35, 0.375, 0.325, 0.225, 0.45, 0.425},
			[]int8{11, 10, 6, 11, 12, 10, 7, 14, 14}},
		// reduce_test.cc :: ConstMeanOpTestSameScale.NonSpecialAxisSameScaleInt8
		// (MeanOpConstModelTest<int8_t>): {1, 1, 2, 4} over axis 1, range [0, 255].
		{"NonSpecialAxisSameScaleInt8", []float32{105, 71, 233, 92, 227, 11, 14, 43}, 0, 255, 0, 255, 1, 1, 8,
			[]float32{105, 71, 233, 92, 227, 11, 14, 43},
			[]int8{-23, -57, 105, -36, 99, -117, -114, -85}},
	} {
		in, inScale, inZero := tfliteInt8(c.data, c.inMin, c.inMax)
		outScale, outZero := tfliteQuantParams(c.outMin, c.outMax, -128, 127)
		out := runMean(inScale, inZero, outScale, outZero, c.outer, c.reduce, c.inner, in)
		expectExact(t, c.name, out, c.want)
		expectWithinFloat(t, c.name, dequantized(out, outScale, outZero), c.golden, 10.0/255)
	}
}

// TestReduceOracle runs 400 random cases each of Mean and Sum — 1 to 3 outer
// and inner positions, 1 to 300 reduced (1 to 5000 in every tenth case),
// random scales and zero points — and compares the hash of TFLite's S_in/S_out
// multiplier and the outputs with TFLite Micro's (see oracleRand).
func TestReduceOracle(t *testing.T) {
	for _, c := range []struct {
		name string
		seed uint64
		sum  bool
		want uint64
	}{
		{"Mean", 5, false, 0xd796c530e0975b2b},
		{"Sum", 6, true, 0xf04e1c6b04358ad6},
	} {
		r := oracleRand{c.seed}
		h := fnv.New64a()
		for i := range 400 {
			outer := 1 + r.intn(3)
			n := 300
			if i%10 == 9 {
				n = 5000
			}
			reduce := 1 + r.intn(n)
			inner := 1 + r.intn(3)
			inScale := r.scale(-10, 0)
			var outScale float32
			if c.sum {
				k := float32(1 + r.intn(64))
				outScale = inScale * k * r.scale(-2, 2)
			} else {
				outScale = r.scale(-10, 0)
			}
			inZero := int32(r.intn(256) - 128)
			outZero := int32(r.intn(256) - 128)
			m, shift := fixedpoint.QuantizeMultiplier(float64(inScale) / float64(outScale))
			oracleHashInt32(h, m, int32(shift))
			in := make([]int8, outer*reduce*inner)
			lo := r.intn(256)
			for j := range in {
				in[j] = int8(lo - 128 + r.intn(256-lo))
			}
			run := runMean
			if c.sum {
				run = runSum
			}
			oracleHashInt8(h, run(inScale, inZero, outScale, outZero, outer, reduce, inner, in))
		}
		if got := h.Sum64(); got != c.want {
			t.Errorf("%s: hash %016x, TFLite Micro's %016x", c.name, got, c.want)
		}
	}
}

// TestMeanFloatShadow checks Mean against the float64 mean of the
// dequantized inputs: within one output step wherever the output is not
// clamped (the folded multiplier loses under 2^-29 relative; the rest is
// the double rounding of MultiplyByQuantizedMultiplier).
func TestMeanFloatShadow(t *testing.T) {
	r := oracleRand{11}
	var worst float64
	for range 500 {
		outer, reduce, inner := 1+r.intn(3), 1+r.intn(2000), 1+r.intn(3)
		inScale, outScale := r.scale(-10, 0), r.scale(-10, 0)
		inZero, outZero := int32(r.intn(256)-128), int32(r.intn(256)-128)
		in := make([]int8, outer*reduce*inner)
		for j := range in {
			in[j] = int8(r.intn(256) - 128)
		}
		out := runMean(inScale, inZero, outScale, outZero, outer, reduce, inner, in)
		for o := range outer {
			for i := range inner {
				var s float64
				for k := range reduce {
					s += float64(inScale) * float64(int32(in[(o*reduce+k)*inner+i])-inZero)
				}
				want := s/float64(reduce)/float64(outScale) + float64(outZero)
				got := float64(out[o*inner+i])
				if want < -128 || want > 127 {
					if got != min(max(math.Round(want), -128), 127) {
						t.Fatalf("clamped output %g, float %g", got, want)
					}
					continue
				}
				d := math.Abs(got - want)
				worst = max(worst, d)
				if d > 1 {
					t.Fatalf("in (%g, %d) out (%g, %d) n %d: output %g, float %g", inScale, inZero, outScale, outZero, reduce, got, want)
				}
			}
		}
	}
	t.Logf("worst error %.3f output steps", worst)
}

// TestReduceEdges checks an empty reduction (outputs 0, as TFLite leaves
// them), global average pooling over NCHW, and the activation clamp.
func TestReduceEdges(t *testing.T) {
	expectExact(t, "empty mean", runMean(1, 5, 1, 7, 2, 0, 3, nil), make([]int8, 6))
	expectExact(t, "empty sum", runSum(1, 5, 1, 7, 2, 0, 3, nil), make([]int8, 6))

	// Global average pooling of two 2x2 channels: Outer = N*C, Reduce = H*W.
	in := []int8{1, 2, 3, 4, -10, -20, -30, -41}
	expectExact(t, "gap", runMean(0.5, 0, 0.5, 0, 2, 4, 1, in), []int8{3, -25})

	p := MeanParamsFor(1, 0, 1, 0, 1, 2, 1)
	p.ActMin, p.ActMax = 0, 6
	out := make([]int8, 1)
	Mean(&p, []int8{100, 100}, out)
	expectExact(t, "clamped", out, []int8{6})
}
