// Conformance tests for Dense, ported from TFLite's and TFLite Micro's
// fully-connected tests.

package ref

import (
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// The data of TFLite's "simple" fully-connected tests: 2 rows of 10 inputs,
// 3 units with weights 1..10, bias 1, 2, 3; float result {24, 25, 26, 58,
// 59, 60} ({23, 23, 23, 57, 57, 57} without bias).
var (
	fcSimpleInput = []float32{
		1, 2, 3, 4, 5, 6, 7, 8, -9, -10,
		1, 2, 3, 4, 5, 6, 7, -8, 9, -10,
	}
	fcSimpleWeights = []float32{
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	}
	fcSimpleBias = []float32{1, 2, 3}
)

// tfliteFCCase is one of tensorflow/lite/kernels/fully_connected_test.cc's
// QuantizedFullyConnectedOpTest int8 cases. The harness
// (BaseFullyConnectedOpModel, test_util.h) quantizes input and weights with
// QuantizationParams<int8_t>(min, max) of the input's range — so the
// weights get the input's scale and zero point — the bias with scale
// S_in * S_w and zero point 0, and the output with its own range; the
// kernel's multiplier is GetQuantizedConvolutionMultipler's (float32
// product); the activation defaults to RELU.
type tfliteFCCase struct {
	name                 string
	units, rows          int
	inMin, inMax         float32
	outMin, outMax       float32
	input, weights, bias []float32 // bias nil: the layer has none
	want                 []int8    // the test's literal GetOutput<int8_t>()
}

func runTFLiteFC(t *testing.T, c tfliteFCCase) {
	t.Helper()
	sIn, zIn := tfliteQuantParams(c.inMin, c.inMax, -128, 127)
	sOut, zOut := tfliteQuantParams(c.outMin, c.outMax, -128, 127)
	sW, zW := sIn, zIn
	in := toInt8(tfliteQuantize(c.input, sIn, zIn, -128, 127))
	w := toInt8(tfliteQuantize(c.weights, sW, zW, -128, 127))
	var bias []int32
	if c.bias != nil {
		bias = tfliteQuantize(c.bias, sIn*sW, 0, -(1 << 31), 1<<31-1)
	}
	lo, hi := fixedpoint.ActivationRange("relu", sOut, zOut)
	p := &DenseParams{
		Rows: c.rows, In: len(c.input) / c.rows, Units: c.units,
		InputOffset: -zIn, FilterOffset: -zW, OutputOffset: zOut,
		Out:    []Requant{requant(fixedpoint.DenseMultiplierPerTensor(sIn, sW, sOut))},
		ActMin: lo, ActMax: hi,
	}
	out := make([]int8, c.rows*c.units)
	Dense(p, in, w, bias, out)
	expectExact(t, c.name, out, c.want)
}

func TestDenseTFLite(t *testing.T) {
	singleRowInput := []float32{1, 2, 3, 4, 5, 6, 7, -8, 9, -10}
	for _, c := range []tfliteFCCase{
		// fully_connected_test.cc :: QuantizedFullyConnectedOpTest.SimpleTestQuantizedInt8
		{"SimpleTestQuantizedInt8", 3, 2, -63.5, 64, -127, 128,
			fcSimpleInput, fcSimpleWeights, fcSimpleBias, ints8(23, 24, 25, 57, 58, 59)},
		// fully_connected_test.cc :: QuantizedFullyConnectedOpTest.SimpleTestQuantizedInt8NoBias
		{"SimpleTestQuantizedInt8NoBias", 3, 2, -63.5, 64, -127, 128,
			fcSimpleInput, fcSimpleWeights, nil, ints8(22, 22, 22, 56, 56, 56)},
		// fully_connected_test.cc :: QuantizedFullyConnectedOpTest.SimpleTestSingleBatchQuantizedInt8
		{"SimpleTestSingleBatchQuantizedInt8", 4, 1, -63.5, 64, -127, 128,
			singleRowInput, append(fcSimpleWeights, fcSimpleWeights[:10]...), []float32{1, 2, 3, 4},
			ints8(57, 58, 59, 60)},
		// fully_connected_test.cc ::
		// QuantizedFullyConnectedOpTest.SimpleTestQuantizedOutputMultiplierGreaterThan1Int8
		// (real multiplier 2: a positive shift).
		{"SimpleTestQuantizedOutputMultiplierGreaterThan1Int8", 3, 2, -127, 128, -63.5, 64,
			fcSimpleInput, fcSimpleWeights, fcSimpleBias, ints8(47, 49, 51, 115, 117, 119)},
	} {
		runTFLiteFC(t, c)
	}
}

// microFCCase is one of tensorflow/lite/micro/kernels/fully_connected_test.cc's
// int8 cases. The harness (TestFullyConnectedQuantized, test_helpers.h,
// micro_utils.h) quantizes input and weights with round(f/S) + Z
// (CreateQuantizedTensor), the bias with round(f / (S_in*S_w))
// (CreateQuantizedBiasTensor), and expects Quantize(golden, S_out, Z_out)
// with tolerance 0. Per-tensor multipliers are GetQuantizedConvolutionMultipler's.
type microFCCase struct {
	name                 string
	rows, units          int
	sIn                  float32
	zIn                  int32
	sW                   float32
	sOut                 float32
	zOut                 int32
	act                  string
	input, weights, bias []float32
	golden               []float32
}

func TestDenseTFLiteMicro(t *testing.T) {
	reluInput := fcSimpleInput
	reluWeights := []float32{
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
		-1, -2, -3, -4, -5, -6, -7, -8, -9, -10,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	}
	for _, c := range []microFCCase{
		// micro/kernels/fully_connected_test.cc :: FullyConnectedTest.SimpleTestQuantizedInt8
		{"SimpleTestQuantizedInt8", 2, 3, 1, -1, 1, 0.5, -1, "none",
			fcSimpleInput, fcSimpleWeights, fcSimpleBias, []float32{24, 25, 26, 58, 59, 60}},
		// micro/kernels/fully_connected_test.cc :: FullyConnectedTest.SimpleTest4DInputQuantizedInt8
		// (input [1, 1, 2, 10]: two rows).
		{"SimpleTest4DInputQuantizedInt8", 1 * 1 * 2, 3, 1, -1, 1, 0.5, -1, "none",
			fcSimpleInput, fcSimpleWeights, fcSimpleBias, []float32{24, 25, 26, 58, 59, 60}},
		// micro/kernels/fully_connected_test.cc :: FullyConnectedTest.SimpleTestQuantizedInt8NullBias
		{"SimpleTestQuantizedInt8NullBias", 2, 3, 1, -1, 1, 0.5, -1, "none",
			fcSimpleInput, fcSimpleWeights, nil, []float32{23, 23, 23, 57, 57, 57}},
		// micro/kernels/fully_connected_test.cc :: FullyConnectedTest.SimpleTestQuantizedInt8Relu
		{"SimpleTestQuantizedInt8Relu", 2, 3, 1, -1, 1, 0.5, -128, "relu",
			reluInput, reluWeights, []float32{1, -2, 3}, []float32{24, 0, 26, 58, 0, 60}},
		// micro/kernels/fully_connected_test.cc ::
		// FullyConnectedTest.Representative1x64Input1x16OutputQuantizedInt8
		{"Representative1x64Input1x16OutputQuantizedInt8", 1, 16, 0.051445, -128, 0.005660, 0.069785, -9, "none",
			representative64x16Input, representative64x16Weights, representative64x16Bias, representative64x16Golden},
	} {
		in := microQuantize(c.input, c.sIn, c.zIn)
		w := microQuantize(c.weights, c.sW, 0)
		var bias []int32
		if c.bias != nil {
			bs := c.sIn * c.sW
			bias = microSymmetricQuantize(c.bias, func(int) float32 { return bs }, -(1 << 31), 1<<31-1)
		}
		lo, hi := fixedpoint.ActivationRange(c.act, c.sOut, c.zOut)
		p := &DenseParams{
			Rows: c.rows, In: len(c.input) / c.rows, Units: c.units,
			InputOffset: -c.zIn, OutputOffset: c.zOut,
			Out:    []Requant{requant(fixedpoint.DenseMultiplierPerTensor(c.sIn, c.sW, c.sOut))},
			ActMin: lo, ActMax: hi,
		}
		out := make([]int8, c.rows*c.units)
		Dense(p, in, w, bias, out)
		expectExact(t, c.name, out, microQuantize(c.golden, c.sOut, c.zOut))
	}
}

// micro/kernels/fully_connected_test.cc ::
// FullyConnectedTest.SimpleTestQuantizedPerChannelInt8: weight scales 0.2,
// 0.25, 0.5 (SymmetricPerChannelQuantize, round(f/S_w[u])), bias scales
// S_in * S_w[u] (round), multipliers per unit as TFLite Micro computes them
// (double(S_in) * double(S_w[u]) / double(S_out)). TFLite's test accepts
// +-1; here every real output is an integer multiple of S_out and every
// quantized value exact, so the quantized golden is the exact result and
// is checked exactly.
func TestDensePerChannelTFLiteMicro(t *testing.T) {
	const sIn, zIn, sOut, zOut = 0.5, -1, 1.0, -1
	scales := []float32{0.2, 0.25, 0.5}
	in := microQuantize(fcSimpleInput, sIn, zIn)
	w := toInt8(microSymmetricQuantize(fcSimpleWeights, func(i int) float32 { return scales[i/10] }, -128, 127))
	bias := microSymmetricQuantize(fcSimpleBias, func(u int) float32 { return sIn * scales[u] }, -(1 << 31), 1<<31-1)
	p := &DenseParams{Rows: 2, In: 10, Units: 3, InputOffset: -zIn, OutputOffset: zOut, ActMin: -128, ActMax: 127}
	for _, s := range scales {
		p.Out = append(p.Out, requant(fixedpoint.ConvMultiplier(sIn, s, sOut)))
	}
	out := make([]int8, 6)
	Dense(p, in, w, bias, out)
	expectExact(t, "SimpleTestQuantizedPerChannelInt8", out,
		microQuantize([]float32{24, 25, 26, 58, 59, 60}, sOut, zOut))
}

// Hand-checked: per-tensor with a weight offset, int32 accumulator wrap.
func TestDenseHandChecked(t *testing.T) {
	// acc = (3 + 1)(10 - 2) + (-4 + 1)(20 - 2) + bias 100 = 32 - 54 + 100 = 78;
	// times 0.5 = 39, plus output offset 5 = 44.
	p := &DenseParams{Rows: 1, In: 2, Units: 1, InputOffset: -2, FilterOffset: 1, OutputOffset: 5,
		Out: []Requant{requant(0.5)}, ActMin: -128, ActMax: 127}
	out := make([]int8, 1)
	Dense(p, ints8(10, 20), ints8(3, -4), []int32{100}, out)
	expectExact(t, "hand-checked", out, ints8(44))

	// The bias wraps the int32 accumulator like TFLite's (formally
	// undefined) signed overflow: MaxInt32 + 1*1 = MinInt32, times 2^-31 =
	// -1.
	p = &DenseParams{Rows: 1, In: 1, Units: 1, Out: []Requant{{1 << 30, -30}}, ActMin: -128, ActMax: 127}
	Dense(p, ints8(1), ints8(1), []int32{1<<31 - 1}, out)
	expectExact(t, "wrap", out, ints8(-1))
}
