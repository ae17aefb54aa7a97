// Conformance tests for Conv (standard, grouped, depthwise), ported from
// TFLite's and TFLite Micro's convolution tests, and hand-checkable
// properties: a 1x1 convolution is a dense layer, groups are independent
// convolutions, and the stride/dilation/padding geometry agrees with a
// float64 brute force over an explicitly padded image.

package ref

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// convNHWC runs Conv on tensors in TFLite's layout — input NHWC [N,H,W,C],
// filter OHWI [F,KH,KW,C/Groups] — and returns the output NHWC
// [N,OH,OW,F], so that a ported case keeps its literal data.
func convNHWC(p ConvParams, in, filter []int8, bias []int32) []int8 {
	out := make([]int8, p.N*p.F*p.OH*p.OW)
	Conv(&p, nhwcToNCHW(in, p.N, p.H, p.W, p.C), ohwiToOIHW(filter, p.F, p.KH, p.KW, p.C/p.Groups), bias, out)
	return transpose4(out, [4]int{p.N, p.F, p.OH, p.OW}, [4]int{0, 2, 3, 1})
}

// depthwiseNHWC runs Conv with Groups == C on a TFLite depthwise filter
// [1, KH, KW, F] and returns the output NHWC.
func depthwiseNHWC(p ConvParams, in, filter []int8, bias []int32) []int8 {
	p.Groups = p.C
	out := make([]int8, p.N*p.F*p.OH*p.OW)
	Conv(&p, nhwcToNCHW(in, p.N, p.H, p.W, p.C), depthwiseToOIHW(filter, p.KH, p.KW, p.F), bias, out)
	return transpose4(out, [4]int{p.N, p.F, p.OH, p.OW}, [4]int{0, 2, 3, 1})
}

// The data of TFLite's SimplePerTensorTest / SimplePerChannelTest (conv and
// depthwise): input [1, 2, 3, 2] NHWC, quantized with QuantizationParams of
// [-63.5, 64], scale 0.5 and zero point -1, as is the output.
var perChannelInput = []float32{
	3, 2, // y = 0, x = 0
	1, -1, // y = 0, x = 1
	-2, -3, // y = 0, x = 2
	4, 3, // y = 1, x = 0
	2, -2, // y = 1, x = 1
	-3, -4, // y = 1, x = 2
}

// tflitePerChannelConv builds the tensors of a
// PerChannelQuantizedConvolutionOpModel or
// PerChannelQuantizedDepthwiseConvolutionOpModel case
// (tensorflow/lite/kernels/conv_test.cc, depthwise_conv_test.cc): input
// and output quantized with QuantizationParams<int8_t>(-63.5, 64) (0.5, -1);
// the filter with PerChannelSymmetricQuantizeAndPopulate; the bias with
// PerChannelQuantizeBias at scales 0.5 * S_w[c]; one multiplier per channel,
// double(S_in) * double(S_w[c]) / double(S_out) (the per-tensor case
// broadcasts its single scale, so one Requant serves).
func tflitePerChannelConv(filter, bias, scales []float32, channel func(int) int) (in, w []int8, b []int32, zIn, zOut int32, out []Requant) {
	sIn, zIn := tfliteQuantParams(-63.5, 64, -128, 127)
	sOut, zOut := tfliteQuantParams(-63.5, 64, -128, 127)
	in = toInt8(tfliteQuantize(perChannelInput, sIn, zIn, -128, 127))
	w = tflitePerChannelSymmetric(filter, scales, channel)
	biasScales := make([]float32, len(scales))
	for i, s := range scales {
		biasScales[i] = 0.5 * s
		out = append(out, requant(fixedpoint.ConvMultiplier(sIn, s, sOut)))
	}
	return in, w, tflitePerChannelBias(bias, biasScales), zIn, zOut, out
}

func TestConvPerChannelTFLite(t *testing.T) {
	filter := []float32{
		1, 2, 3, 4, 3, 4, 5, 6, // out channel 0: [y][x][in channel]
		7, 8, 5, 6, 3, 4, 1, 2, // out channel 1
	}
	for _, c := range []struct {
		name   string
		scales []float32
		want   []int8
	}{
		// conv_test.cc :: ConvolutionOpTest.SimplePerTensorTest
		{"SimplePerTensorTest", []float32{1}, ints8(61, 111, -115, -89)},
		// conv_test.cc :: ConvolutionOpTest.SimplePerChannelTest
		{"SimplePerChannelTest", []float32{1, 2}, ints8(61, 127, -115, -93)},
	} {
		in, w, b, zIn, zOut, out := tflitePerChannelConv(filter, []float32{3, -2}, c.scales, func(i int) int { return i / 8 })
		p := ConvParams{N: 1, C: 2, H: 2, W: 3, F: 2, KH: 2, KW: 2, OH: 1, OW: 2,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1,
			InputOffset: -zIn, OutputOffset: zOut, Out: out, ActMin: -128, ActMax: 127}
		expectExact(t, c.name, convNHWC(p, in, w, b), c.want)
	}
}

// uint8ConvCase is one of conv_test.cc's QuantizedConvolutionOpModel cases,
// which run TFLite's uint8 reference convolution (reference_ops::Conv, with
// a filter offset). Input, filter and output are quantized with
// QuantizationParams<uint8_t> of their ranges, the bias with scale
// S_in * S_w; the multiplier is GetQuantizedConvolutionMultipler's. The
// uint8 kernel's offset arithmetic is the int8 kernel's: shifting every
// value and zero point by -128 gives the int8 per-tensor case, whose outputs
// are the test's uint8 outputs minus 128.
type uint8ConvCase struct {
	name                               string
	n, h, w, c, f, kh, kw              int
	strideH, strideW, dilation, groups int
	inMin, inMax, wMin, wMax           float32
	outMin, outMax                     float32
	input, filter, bias                []float32
	wantUint8                          []int32 // GetOutput(); nil: use wantDequantized
	wantDequantized                    []float32
}

func TestConvUint8TFLite(t *testing.T) {
	simpleInput := []float32{
		1, 1, 1, 1, 2, 2, 2, 2, // first batch
		1, 2, 3, 4, 1, 2, 3, 4, // second batch
	}
	simpleFilter := []float32{
		1, 2, 3, 4, // first 2x2 filter
		-1, 1, -1, 1, // second 2x2 filter
		-1, -1, 1, 1, // third 2x2 filter
	}
	dilationInput := make([]float32, 81)
	for y := 3; y < 6; y++ {
		for x := 3; x < 6; x++ {
			dilationInput[y*9+x] = 1
		}
	}
	for _, c := range []uint8ConvCase{
		// conv_test.cc :: ConvolutionOpTest.SimpleTestQuantized (stride 2)
		{"SimpleTestQuantized", 2, 2, 4, 1, 3, 2, 2, 2, 2, 1, 1, -63.5, 64, -63.5, 64, -127, 128,
			simpleInput, simpleFilter, []float32{1, 2, 3},
			[]int32{145, 129, 132, 145, 129, 132, 144, 131, 130, 164, 131, 130}, nil},
		// conv_test.cc :: ConvolutionOpTest.SimpleTestQuantizedGrouped (2 groups)
		{"SimpleTestQuantizedGrouped", 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 2, -63.5, 64, -63.5, 64, -127, 128,
			simpleInput, simpleFilter[:8], []float32{1, 2},
			[]int32{145, 129, 150, 133}, nil},
		// conv_test.cc :: ConvolutionOpTest.SimpleTestQuantizedWithAnisotropicStrides
		{"SimpleTestQuantizedWithAnisotropicStrides", 1, 3, 6, 1, 1, 2, 2, 1, 3, 1, 1, -63.5, 64, -63.5, 64, -127, 128,
			[]float32{3, 2, 1, -1, -2, -3, 4, 3, 2, -2, -3, -4, 5, 4, 3, -3, -4, -5},
			[]float32{1, 2, 3, 4}, []float32{-1},
			[]int32{157, 103, 167, 93}, nil},
		// conv_test.cc :: ConvolutionOpTest.SimpleTestQuantizedWithDilation
		// (dilation 3: a 9x9 image gives 3x3 outputs of 5, checked exactly
		// after dequantization).
		{"SimpleTestQuantizedWithDilation", 1, 9, 9, 1, 1, 3, 3, 1, 1, 3, 1, 0, 255, -128, 127, 0, 255,
			dilationInput, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, []float32{0},
			nil, []float32{5, 5, 5, 5, 5, 5, 5, 5, 5}},
	} {
		sIn, zIn := tfliteQuantParams(c.inMin, c.inMax, 0, 255)
		sW, zW := tfliteQuantParams(c.wMin, c.wMax, 0, 255)
		sOut, zOut := tfliteQuantParams(c.outMin, c.outMax, 0, 255)
		in := uint8ToInt8(tfliteQuantize(c.input, sIn, zIn, 0, 255))
		w := uint8ToInt8(tfliteQuantize(c.filter, sW, zW, 0, 255))
		bias := tfliteQuantize(c.bias, sIn*sW, 0, -(1 << 31), 1<<31-1)
		oh, _ := tflitePaddingValid(c.h, c.kh, c.strideH, c.dilation)
		ow, _ := tflitePaddingValid(c.w, c.kw, c.strideW, c.dilation)
		p := ConvParams{N: c.n, C: c.c, H: c.h, W: c.w, F: c.f, KH: c.kh, KW: c.kw, OH: oh, OW: ow,
			StrideH: c.strideH, StrideW: c.strideW, DilationH: c.dilation, DilationW: c.dilation, Groups: c.groups,
			InputOffset: -(zIn - 128), FilterOffset: -(zW - 128), OutputOffset: zOut - 128,
			Out: []Requant{requant(fixedpoint.DenseMultiplierPerTensor(sIn, sW, sOut))}, ActMin: -128, ActMax: 127}
		want := c.wantUint8
		if want == nil {
			want = tfliteQuantize(c.wantDequantized, sOut, zOut, 0, 255) // exact: the test compares dequantized values exactly
		}
		expectExact(t, c.name, convNHWC(p, in, w, bias), uint8ToInt8(want))
	}
}

func TestDepthwiseConvPerChannelTFLite(t *testing.T) {
	// [1, 2, 2, 4] as [1, y, x, output channel]; depth multiplier 2.
	filter := []float32{
		1, 2, 3, 4, // y = 0, x = 0
		3, 4, 5, 6, // y = 0, x = 1
		7, 8, 5, 6, // y = 1, x = 0
		3, 4, 1, 2, // y = 1, x = 1
	}
	for _, c := range []struct {
		name   string
		scales []float32
		want   []int8
	}{
		// depthwise_conv_test.cc :: PerChannelQuantizedDepthwiseConvolutionOpTest.SimplePerTensorTest
		{"SimplePerTensorTest", []float32{1}, ints8(85, 95, 35, 43, 5, -9, -57, -73)},
		// depthwise_conv_test.cc :: PerChannelQuantizedDepthwiseConvolutionOpTest.SimplePerAxisTest
		{"SimplePerAxisTest", []float32{1, 2, 3, 4}, ints8(85, 95, 41, 43, 5, -9, -61, -109)},
		// depthwise_conv_test.cc :: PerChannelQuantizedDepthwiseConvolutionOpTest.SimpleTestNegativeOutputShift
		{"SimpleTestNegativeOutputShift", []float32{0.1, 0.2, 0.3, 0.4}, ints8(85, 95, 36, 43, 5, -9, -58, -73)},
		// depthwise_conv_test.cc :: PerChannelQuantizedDepthwiseConvolutionOpTest.SimpleTestMixedOutputShift
		{"SimpleTestMixedOutputShift", []float32{0.1, 2, 3, 0.4}, ints8(85, 95, 41, 43, 5, -9, -61, -73)},
	} {
		in, w, b, zIn, zOut, out := tflitePerChannelConv(filter, []float32{3, -2, 4, 6}, c.scales, func(i int) int { return i % 4 })
		p := ConvParams{N: 1, C: 2, H: 2, W: 3, F: 4, KH: 2, KW: 2, OH: 1, OW: 2,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
			InputOffset: -zIn, OutputOffset: zOut, Out: out, ActMin: -128, ActMax: 127}
		expectExact(t, c.name, depthwiseNHWC(p, in, w, b), c.want)
	}
}

// depthwise_conv_test.cc :: PerChannelQuantizedDepthwiseConvolutionOpTest.Simple3x3FilterTest
// and Simple3x3FilterPaddingSameTest: 8 channels, depth multiplier 1. The
// tests compare dequantized outputs to within 1e-5; with output scale 0.5
// and zero point -1 that pins q = 2v - 1 exactly.
func TestDepthwiseConv3x3TFLite(t *testing.T) {
	var input, filter []float32
	for range 9 {
		input = append(input, 1, 1, 0, 0, 1, 1, 0, 0)
		filter = append(filter, 1, 2, 3, 4, 5, 6, 7, 8)
	}
	scales := []float32{0.1, 0.2, 0.3, 0.4, 0.4, 0.3, 0.2, 0.1}
	sIn, zIn := tfliteQuantParams(-63.5, 64, -128, 127)
	sOut, zOut := tfliteQuantParams(-63.5, 64, -128, 127)
	in := toInt8(tfliteQuantize(input, sIn, zIn, -128, 127))
	w := tflitePerChannelSymmetric(filter, scales, func(i int) int { return i % 8 })
	var out []Requant
	for _, s := range scales {
		out = append(out, requant(fixedpoint.ConvMultiplier(sIn, s, sOut)))
	}
	bias := make([]int32, 8) // PerChannelQuantizeBias of zeros
	for _, c := range []struct {
		name        string
		same        bool
		dequantized []float32
	}{
		{"Simple3x3FilterTest", false, []float32{9, 18, 0, 0, 47, 54, 0, 0}},
		{"Simple3x3FilterPaddingSameTest", true, []float32{
			4, 8, 0, 0, 21, 24, 0, 0, 6, 12, 0, 0, 31.5, 36, 0, 0,
			4, 8, 0, 0, 21, 24, 0, 0, 6, 12, 0, 0, 31.5, 36, 0, 0,
			9, 18, 0, 0, 47, 54, 0, 0, 6, 12, 0, 0, 31.5, 36, 0, 0,
			4, 8, 0, 0, 21, 24, 0, 0, 6, 12, 0, 0, 31.5, 36, 0, 0,
			4, 8, 0, 0, 21, 24, 0, 0,
		}},
	} {
		geometry := tflitePaddingValid
		if c.same {
			geometry = tflitePaddingSame
		}
		o, pad := geometry(3, 3, 1, 1)
		p := ConvParams{N: 1, C: 8, H: 3, W: 3, F: 8, KH: 3, KW: 3, OH: o, OW: o, PadH: pad, PadW: pad,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
			InputOffset: -zIn, OutputOffset: zOut, Out: out, ActMin: -128, ActMax: 127}
		want := make([]int8, len(c.dequantized))
		for i, v := range c.dequantized {
			want[i] = int8(2*v - 1)
		}
		expectExact(t, c.name, depthwiseNHWC(p, in, w, bias), want)
	}
}

// microConvCase is a TFLite Micro conv_test.cc case built by
// TestConvQuantizedPerChannel (conv_test_common.cc): input quantized with
// round(f/S) + Z, the filter with SignedSymmetricPerChannelQuantize (scale
// max|w|/127 per channel), the bias with round(f / (S_in*S_w[c])),
// multipliers double(S_in)*double(S_w[c])/double(S_out); the output is
// expected within 1 of Quantize(golden), the tolerance TFLite applies.
type microConvCase struct {
	name                     string
	n, h, w, c, f, kh, kw    int
	oh, ow                   int // the test's output shape (TFLite Micro takes it as given)
	stride, dilH, dilW       int
	sIn                      float32
	zIn                      int32
	sOut                     float32
	zOut                     int32
	act                      string
	input, filter, bias, out []float32
}

func TestConvPerChannelTFLiteMicro(t *testing.T) {
	simpleInput := []float32{1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4}
	simpleFilter := []float32{1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1}
	for _, c := range []microConvCase{
		// micro/kernels/conv_test.cc :: ConvTest.SimpleTestQuantizedPerChannel (stride 2)
		{"SimpleTestQuantizedPerChannel", 2, 2, 4, 1, 3, 2, 2, 1, 2, 2, 1, 1, 0.5, 0, 1, 0, "none",
			simpleInput, simpleFilter, []float32{1, 2, 3},
			[]float32{18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3}},
		// micro/kernels/conv_test.cc :: ConvTest.SimpleTestDilatedQuantizedPerChannel
		// (stride 2, dilation 2 x 3; the second output row reads a partly
		// outside window).
		{"SimpleTestDilatedQuantizedPerChannel", 2, 4, 6, 1, 3, 2, 2, 2, 2, 2, 2, 3, 0.5, 0, 1, 0, "none",
			[]float32{
				1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4,
				1, 2, 3, 4, 5, 6, 2, 6, 2, 4, 4, 2, 3, 2, 6, 5, 1, 4, 1, 2, 1, 4, 6, 3},
			simpleFilter, []float32{1, 2, 3},
			[]float32{25, 2, 7, 25, 2, 7, 10, 2, -3, 10, 2, -3, 39, 7, 6, 50, 3, 4, 14, 4, -5, 15, 0, -7}},
		// micro/kernels/conv_test.cc :: ConvTest.SimpleTestQuantizedPerChannelRelu6
		{"SimpleTestQuantizedPerChannelRelu6", 2, 2, 4, 1, 3, 2, 2, 1, 2, 2, 1, 1, 0.023529, -128, 0.023529, -128, "relu6",
			simpleInput, simpleFilter, []float32{1, 2, -3},
			[]float32{6, 2, 0, 6, 2, 0, 6, 4, 0, 6, 4, 0}},
		// micro/kernels/conv_test.cc :: ConvTest.Kernel1x1QuantizedPerChannelRelu6
		{"Kernel1x1QuantizedPerChannelRelu6", 1, 2, 2, 4, 3, 1, 1, 2, 2, 1, 1, 1, 0.023529, -128, 0.023529, -128, "relu6",
			simpleInput, simpleFilter, []float32{1, 2, -3},
			[]float32{6, 2, 0, 6, 2, 0, 6, 4, 1, 6, 4, 1}},
	} {
		in := microQuantize(c.input, c.sIn, c.zIn)
		w, scales := microSignedSymmetricPerChannel(c.filter, c.f)
		bias := microSymmetricQuantize(c.bias, func(i int) float32 { return c.sIn * scales[i] }, -(1 << 31), 1<<31-1)
		lo, hi := fixedpoint.ActivationRange(c.act, c.sOut, c.zOut)
		p := ConvParams{N: c.n, C: c.c, H: c.h, W: c.w, F: c.f, KH: c.kh, KW: c.kw, OH: c.oh, OW: c.ow,
			StrideH: c.stride, StrideW: c.stride, DilationH: c.dilH, DilationW: c.dilW, Groups: 1,
			InputOffset: -c.zIn, OutputOffset: c.zOut, ActMin: lo, ActMax: hi}
		for _, s := range scales {
			p.Out = append(p.Out, requant(fixedpoint.ConvMultiplier(c.sIn, s, c.sOut)))
		}
		expectWithin(t, c.name, convNHWC(p, in, w, bias), microQuantize(c.out, c.sOut, c.zOut), 1)
	}
}

// micro/kernels/conv_test.cc :: ConvTest.Int8Filter1x3x3x1ShouldMatchGoldenEvenInputPaddingSame
// and ConvTest.Int8Filter1x3x3x1ShouldMatchGoldenOddInputPaddingSame: int8
// data and golden outputs given literally (testdata/conv_test_data.cc),
// stride 2, SAME padding (the even input pads only after, the odd input one
// row and column on each side). TFLite's tolerance is 1; the kernel matches
// the goldens exactly.
func TestConvPaddingSameTFLiteMicro(t *testing.T) {
	const sIn, zIn, sW, sOut, zOut = 0.00392120517, -128, 0.00448552053, 0.00627814838, -7
	filter := ints8(22, -98, 78, -127, 101, 47, 87, 12, -15)
	for _, c := range []struct {
		name  string
		size  int
		input []int8
		want  []int8
	}{
		{"Int8Filter1x3x3x1ShouldMatchGoldenEvenInputPaddingSame", 4,
			ints8(-127, -111, -95, -79, -63, -47, -31, -15, 1, 17, 33, 49, 65, 81, 97, 113),
			ints8(38, 24, 16, -58)},
		{"Int8Filter1x3x3x1ShouldMatchGoldenOddInputPaddingSame", 5,
			ints8(-128, -111, -95, -79, -63, -47, -31, -15, 1, 17, 33, 49, 65,
				81, 97, 113, 127, 100, 80, 60, 40, 20, 0, -20, -40),
			ints8(-6, 25, 30, 58, 76, 7, 50, -11, -59)},
	} {
		o, pad := tflitePaddingSame(c.size, 3, 2, 1)
		p := ConvParams{N: 1, C: 1, H: c.size, W: c.size, F: 1, KH: 3, KW: 3, OH: o, OW: o, PadH: pad, PadW: pad,
			StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, Groups: 1,
			InputOffset: -zIn, OutputOffset: zOut,
			Out:    []Requant{requant(fixedpoint.ConvMultiplier(sIn, sW, sOut))},
			ActMin: -128, ActMax: 127}
		expectExact(t, c.name, convNHWC(p, c.input, filter, []int32{0}), c.want)
	}
}

func randInt8s(rng *rand.Rand, n int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(rng.IntN(256) - 128)
	}
	return v
}

func randRequants(rng *rand.Rand, n int) []Requant {
	r := make([]Requant, n)
	for i := range r {
		r[i] = requant(0.0005 + 0.01*rng.Float64())
	}
	return r
}

// A 1x1 convolution with stride 1 and no padding is a dense layer over the
// N*H*W pixels (rows) and C channels (inputs), per-tensor with a filter
// offset or per-channel.
func TestConv1x1EqualsDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, c, h, w, f = 2, 5, 3, 4, 6
	in := randInt8s(rng, n*c*h*w)
	filter := randInt8s(rng, f*c)
	bias := make([]int32, f)
	for i := range bias {
		bias[i] = rng.Int32N(20001) - 10000
	}
	for _, perChannel := range []bool{false, true} {
		out := randRequants(rng, f)
		var filterOffset int32 = 3
		if !perChannel {
			out = out[:1]
		} else {
			filterOffset = 0
		}
		cp := &ConvParams{N: n, C: c, H: h, W: w, F: f, KH: 1, KW: 1, OH: h, OW: w,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1,
			InputOffset: 7, FilterOffset: filterOffset, OutputOffset: -5, Out: out, ActMin: -100, ActMax: 110}
		convOut := make([]int8, n*f*h*w)
		Conv(cp, in, filter, bias, convOut)

		dp := &DenseParams{Rows: n * h * w, In: c, Units: f,
			InputOffset: 7, FilterOffset: filterOffset, OutputOffset: -5, Out: out, ActMin: -100, ActMax: 110}
		denseOut := make([]int8, n*h*w*f)
		Dense(dp, nhwcFromNCHW(in, n, c, h, w), filter, bias, denseOut)
		expectExact(t, fmt.Sprintf("per-channel %v", perChannel), nhwcFromNCHW(convOut, n, f, h, w), denseOut)
	}
}

func nhwcFromNCHW[T any](src []T, n, c, h, w int) []T {
	return transpose4(src, [4]int{n, c, h, w}, [4]int{0, 2, 3, 1})
}

// bruteForceConv computes a convolution a second way: the input is first
// written into a zero-padded canvas of (x + InputOffset) values, large
// enough for every window, so no tap needs a bounds test; the sum is taken
// in float64 (exact at these sizes) and rescaled like the kernel.
func bruteForceConv(p *ConvParams, in, filter []int8, bias []int32) []int8 {
	top, left := p.PadH, p.PadW
	ch := max(top+p.H, (p.OH-1)*p.StrideH+(p.KH-1)*p.DilationH+1)
	cw := max(left+p.W, (p.OW-1)*p.StrideW+(p.KW-1)*p.DilationW+1)
	canvas := make([]float64, p.N*p.C*ch*cw)
	for n := range p.N {
		for c := range p.C {
			for y := range p.H {
				for x := range p.W {
					canvas[((n*p.C+c)*ch+y+top)*cw+x+left] = float64(int32(in[((n*p.C+c)*p.H+y)*p.W+x]) + p.InputOffset)
				}
			}
		}
	}
	cg, fg := p.C/p.Groups, p.F/p.Groups
	out := make([]int8, p.N*p.F*p.OH*p.OW)
	for n := range p.N {
		for f := range p.F {
			for oy := range p.OH {
				for ox := range p.OW {
					sum := 0.0
					for ic := range cg {
						c := f/fg*cg + ic
						for ky := range p.KH {
							for kx := range p.KW {
								y, x := oy*p.StrideH+ky*p.DilationH, ox*p.StrideW+kx*p.DilationW
								wv := float64(int32(filter[((f*cg+ic)*p.KH+ky)*p.KW+kx]) + p.FilterOffset)
								sum += wv * canvas[((n*p.C+c)*ch+y)*cw+x]
							}
						}
					}
					acc := int32(sum) + bias[f]
					r := requantFor(p.Out, f)
					v := fixedpoint.MultiplyByQuantizedMultiplier(acc, r.Mult, r.Shift) + p.OutputOffset
					out[((n*p.F+f)*p.OH+oy)*p.OW+ox] = int8(min(max(v, p.ActMin), p.ActMax))
				}
			}
		}
	}
	return out
}

// Random geometries — strides, dilations, paddings, groups (depthwise
// among them), output sizes up to and past the padded extent — against
// bruteForceConv.
func TestConvGeometryBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range 300 {
		groups := 1 + rng.IntN(3)
		p := &ConvParams{
			N: 1 + rng.IntN(2), C: groups * (1 + rng.IntN(3)), H: 1 + rng.IntN(7), W: 1 + rng.IntN(7),
			F: groups * (1 + rng.IntN(3)), KH: 1 + rng.IntN(4), KW: 1 + rng.IntN(4),
			StrideH: 1 + rng.IntN(3), StrideW: 1 + rng.IntN(3),
			DilationH: 1 + rng.IntN(3), DilationW: 1 + rng.IntN(3),
			PadH: rng.IntN(4), PadW: rng.IntN(4), Groups: groups,
			InputOffset: rng.Int32N(256) - 127, OutputOffset: rng.Int32N(256) - 128,
			ActMin: -128 + rng.Int32N(20), ActMax: 127 - rng.Int32N(20),
		}
		if i%3 == 0 { // depthwise with a depth multiplier
			p.Groups = p.C
			p.F = p.C * (1 + rng.IntN(2))
		}
		p.OH = 1 + rng.IntN(1+(p.H+2*p.PadH)/p.StrideH)
		p.OW = 1 + rng.IntN(1+(p.W+2*p.PadW)/p.StrideW)
		if rng.IntN(2) == 0 {
			p.Out = randRequants(rng, 1)
			p.FilterOffset = rng.Int32N(11) - 5
		} else {
			p.Out = randRequants(rng, p.F)
		}
		in := randInt8s(rng, p.N*p.C*p.H*p.W)
		filter := randInt8s(rng, p.F*(p.C/p.Groups)*p.KH*p.KW)
		bias := make([]int32, p.F)
		for j := range bias {
			bias[j] = rng.Int32N(40001) - 20000
		}
		got := make([]int8, p.N*p.F*p.OH*p.OW)
		Conv(p, in, filter, bias, got)
		expectExact(t, fmt.Sprintf("case %d %+v", i, *p), got, bruteForceConv(p, in, filter, bias))
	}
}

// A grouped convolution is Groups independent convolutions on consecutive
// channel slices, concatenated.
func TestConvGroupsAreIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const n, groups, cg, fg, h, w, k = 2, 3, 2, 2, 5, 4, 3
	p := &ConvParams{N: n, C: groups * cg, H: h, W: w, F: groups * fg, KH: k, KW: k, OH: 3, OW: 2,
		StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilationH: 1, DilationW: 1, Groups: groups,
		InputOffset: 11, OutputOffset: -3, Out: randRequants(rng, groups*fg), ActMin: -128, ActMax: 127}
	in := randInt8s(rng, n*p.C*h*w)
	filter := randInt8s(rng, p.F*cg*k*k)
	bias := []int32{5, -6, 7, -8, 9, -10}
	got := make([]int8, n*p.F*p.OH*p.OW)
	Conv(p, in, filter, bias, got)
	for g := range groups {
		q := *p
		q.C, q.F, q.Groups, q.Out = cg, fg, 1, p.Out[g*fg:(g+1)*fg]
		part := make([]int8, n*cg*h*w)
		for b := range n {
			copy(part[b*cg*h*w:(b+1)*cg*h*w], in[(b*p.C+g*cg)*h*w:])
		}
		out := make([]int8, n*fg*p.OH*p.OW)
		Conv(&q, part, filter[g*fg*cg*k*k:(g+1)*fg*cg*k*k], bias[g*fg:(g+1)*fg], out)
		for b := range n {
			plane := fg * p.OH * p.OW
			expectExact(t, fmt.Sprintf("group %d batch %d", g, b),
				got[(b*p.F+g*fg)*p.OH*p.OW:][:plane], out[b*plane:(b+1)*plane])
		}
	}
}

func TestConvChecks(t *testing.T) {
	base := ConvParams{N: 1, C: 2, H: 2, W: 2, F: 2, KH: 1, KW: 1, OH: 2, OW: 2,
		StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1,
		Out: []Requant{{1 << 30, 0}}, ActMin: -128, ActMax: 127}
	in, filter, out := make([]int8, 8), make([]int8, 4), make([]int8, 8)
	for _, c := range []struct {
		name   string
		modify func(p *ConvParams)
	}{
		{"zero stride", func(p *ConvParams) { p.StrideW = 0 }},
		{"zero groups", func(p *ConvParams) { p.Groups = 0 }},
		{"groups not dividing C", func(p *ConvParams) { p.Groups = 3 }},
		{"three requants for two channels", func(p *ConvParams) { p.Out = make([]Requant, 3) }},
		{"per-channel filter offset", func(p *ConvParams) { p.Out = make([]Requant, 2); p.FilterOffset = 1 }},
		{"activation beyond int8", func(p *ConvParams) { p.ActMax = 128 }},
		{"shift beyond 30", func(p *ConvParams) { p.Out = []Requant{{1 << 30, 31}} }},
		{"wrong output size", func(p *ConvParams) { p.OW = 3 }},
	} {
		p := base
		c.modify(&p)
		if !panics(func() { Conv(&p, in, filter, nil, out) }) {
			t.Errorf("%s: Conv did not panic", c.name)
		}
	}
	if panics(func() { p := base; Conv(&p, in, filter, nil, out) }) {
		t.Error("valid parameters panicked")
	}
}

func panics(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}
