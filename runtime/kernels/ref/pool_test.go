// Conformance tests for MaxPool and AvgPool, ported from TFLite's and TFLite
// Micro's pooling tests, and a brute-force check of the window geometry and
// of AvgPool's rounding.

package ref

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// pool2x4 runs a 2x2 pooling over TFLite's usual [1, 2, 4, 1] input (one
// channel, so NHWC and NCHW coincide) with TFLite's geometry for the given
// padding and strides.
func pool2x4(kernel func(*PoolParams, []int8, []int8), in []int8, same bool, strideH, strideW int, lo, hi int32) []int8 {
	geometry := tflitePaddingValid
	if same {
		geometry = tflitePaddingSame
	}
	oh, padH := geometry(2, 2, strideH, 1)
	ow, padW := geometry(4, 2, strideW, 1)
	p := &PoolParams{N: 1, C: 1, H: 2, W: 4, KH: 2, KW: 2, StrideH: strideH, StrideW: strideW,
		PadH: padH, PadW: padW, OH: oh, OW: ow, ActMin: lo, ActMax: hi}
	out := make([]int8, oh*ow)
	kernel(p, in, out)
	return out
}

// From tensorflow/lite/kernels/pooling_test.cc, the int8
// SymmetricQuantizedPoolingOpModel cases: input and output share
// QuantizationParams<int8_t>(min, max) and the input is quantized with
// Quantize<int8_t>; the activation clamp is CalculateActivationRangeQuantized's.
// The expected outputs are the tests' literal GetOutput() values (written
// there as the uint8 value minus 128).
func TestPoolTFLite(t *testing.T) {
	const lowMin, lowMax = 0, 15.9375        // scale 0.0625, zero point -128
	const symMin, symMax = -15.9375, 15.8130 // scale 0.124512, zero point 0
	avg, maxp := AvgPool, MaxPool
	for _, c := range []struct {
		name       string
		kernel     func(*PoolParams, []int8, []int8)
		fmin, fmax float32
		same       bool
		stride     int
		act        string
		input      []float32
		want       []int32
	}{
		{"SymmetricAveragePool", avg, lowMin, lowMax, false, 2, "none",
			[]float32{0, 6, 2, 4, 3, 2, 10, 7}, sub128([]int32{44, 92})},
		{"SymmetricAveragePoolActivationRelu", avg, symMin, symMax, false, 2, "relu",
			[]float32{0, -6, 2, 4, 3, 2, -10, 7}, sub128([]int32{128, 134})},
		{"SymmetricAveragePoolActivationRelu1 (first input)", avg, symMin, symMax, false, 2, "relu_n1_to_1",
			[]float32{0, -6, 2, 4, -3, -2, -10, 7}, sub128([]int32{120, 134})},
		{"SymmetricAveragePoolActivationRelu1 (second input)", avg, symMin, symMax, false, 2, "relu_n1_to_1",
			[]float32{0, -6, -2, -4, -3, -2, 10, -7}, sub128([]int32{120, 122})},
		{"SymmetricAveragePoolActivationRelu6 (first input)", avg, symMin, symMax, false, 2, "relu6",
			[]float32{0, -6, 12, 4, -3, -2, 10, 7}, sub128([]int32{128, 176})},
		{"SymmetricAveragePoolActivationRelu6 (second input)", avg, symMin, symMax, false, 2, "relu6",
			[]float32{0, 6, 12, 4, 3, 2, 10, 7}, sub128([]int32{150, 176})},
		{"SymmetricAveragePoolPaddingSameStride1", avg, lowMin, lowMax, true, 1, "none",
			[]float32{0, 6, 2, 4, 3, 2, 10, 7}, sub128([]int32{44, 80, 92, 88, 40, 96, 136, 112})},
		{"SymmetricAveragePoolPaddingValidStride1", avg, lowMin, lowMax, false, 1, "none",
			[]float32{0, 6, 2, 4, 3, 2, 10, 7}, sub128([]int32{44, 80, 92})},
		{"QuantizedInt8PoolingOpTest.MaxPool", maxp, lowMin, lowMax, false, 2, "none",
			[]float32{0, 6, 2, 4, 3, 2, 10, 7}, sub128([]int32{96, 160})},
		{"MaxPoolActivationRelu", maxp, symMin, symMax, false, 2, "relu",
			[]float32{-1.5, -6, 2, 4, -3, -2, 10, 7}, sub128([]int32{128, 208})},
		{"MaxPoolActivationRelu1 (first input)", maxp, symMin, symMax, false, 2, "relu_n1_to_1",
			[]float32{-1.7, -6, 2, 4, -3, -2, -10, 7}, sub128([]int32{120, 136})},
		{"MaxPoolActivationRelu1 (second input)", maxp, symMin, symMax, false, 2, "relu_n1_to_1",
			[]float32{0, -6, -0.2, -0.4, -3, -2, 0.75, -0.99}, sub128([]int32{128, 134})},
		{"MaxPoolActivationRelu6 (first input)", maxp, symMin, symMax, false, 2, "relu6",
			[]float32{0, -6, 12, 4, -3, -2, 10, 7}, sub128([]int32{128, 176})},
		{"MaxPoolActivationRelu6 (second input)", maxp, symMin, symMax, false, 2, "relu6",
			[]float32{0, 4.5, 12, 4, 3, 2, 10, 7}, sub128([]int32{164, 176})},
		{"MaxPoolPaddingSameStride1", maxp, lowMin, lowMax, true, 1, "none",
			[]float32{0, 6, 2, 4, 3, 2, 10, 7}, sub128([]int32{96, 160, 160, 112, 48, 160, 160, 112})},
		{"MaxPoolPaddingValidStride1", maxp, lowMin, lowMax, false, 1, "none",
			[]float32{0, 6, 2, 4, 3, 2, 10, 7}, sub128([]int32{96, 160, 160})},
	} {
		scale, zero := tfliteQuantParams(c.fmin, c.fmax, -128, 127)
		in := toInt8(tfliteQuantize(c.input, scale, zero, -128, 127))
		lo, hi := fixedpoint.ActivationRange(c.act, scale, zero)
		expectExact(t, c.name, pool2x4(c.kernel, in, c.same, c.stride, c.stride, lo, hi), toInt8(c.want))
	}
}

// From tensorflow/lite/micro/kernels/pooling_test.cc: int8 inputs and
// golden outputs given literally, compared exactly. The activation clamp is
// computed from the output's scale and zero point (0). TFLite Micro takes
// the output shape as given and pads VALID cases by 0; the case named
// PaddingSame passes VALID padding with a same-size output, so its last row
// and column windows are clipped.
func TestPoolTFLiteMicro(t *testing.T) {
	avg, maxp := AvgPool, MaxPool
	for _, c := range []struct {
		name             string
		kernel           func(*PoolParams, []int8, []int8)
		strideH, strideW int
		oh, ow           int
		scale            float32
		act              string
		input, want      []int8
	}{
		{"SimpleAveragePoolTestInt8PaddingValidStride2ActNone", avg, 2, 2, 1, 2, 0.25, "none",
			ints8(0, -24, 8, 16, 12, 8, -40, 28), ints8(-1, 3)},
		{"SimpleAveragePoolTestInt8PaddingValidStride1Stride2Relu", avg, 2, 1, 1, 3, 0.25, "relu",
			ints8(0, -24, 8, 16, 12, 8, -40, 28), ints8(0, 0, 3)},
		{"SimpleAveragePoolTestInt8PaddingValidStride2Stride1ReluN1To1", avg, 1, 2, 1, 2, 0.25, "relu_n1_to_1",
			ints8(0, -24, 8, 16, 12, 8, -40, 28), ints8(-1, 3)},
		{"SimpleAveragePoolTestInt8PaddingValidStride2Relu6", avg, 2, 2, 1, 2, 0.25, "relu6",
			ints8(12, -24, 32, 16, 12, 8, 40, 28), ints8(2, 24)},
		{"SimpleAveragePoolTestInt8PaddingSameStride1ActNone", avg, 1, 1, 2, 4, 0.25, "none",
			ints8(12, -24, 32, 16, 12, 8, 40, 28), ints8(2, 14, 29, 22, 10, 24, 34, 28)},
		{"SimpleMaxPoolTestInt8ActNone", maxp, 2, 2, 1, 2, 1, "none",
			ints8(0, 6, 2, 4, 3, 2, 10, 7), ints8(6, 10)},
		{"MaxPoolTestInt8ActRelu", maxp, 2, 2, 1, 2, 0.5, "relu",
			ints8(-3, -12, 4, 8, -6, -4, 20, 14), ints8(0, 20)},
		{"MaxPoolTestInt8ActReluN1To1", maxp, 2, 2, 1, 2, 1, "relu_n1_to_1",
			ints8(-2, -6, -2, -4, -3, -2, 10, 7), ints8(-1, 1)},
		{"MaxPoolTestInt8ActRelu6", maxp, 2, 2, 1, 2, 1, "relu6",
			ints8(0, -6, 12, 4, -3, -2, 10, 7), ints8(0, 6)},
	} {
		lo, hi := fixedpoint.ActivationRange(c.act, c.scale, 0)
		p := &PoolParams{N: 1, C: 1, H: 2, W: 4, KH: 2, KW: 2, StrideH: c.strideH, StrideW: c.strideW,
			OH: c.oh, OW: c.ow, ActMin: lo, ActMax: hi}
		out := make([]int8, c.oh*c.ow)
		c.kernel(p, c.input, out)
		expectExact(t, c.name, out, c.want)
	}
}

// Random geometries against a brute force over an explicitly padded canvas
// (NaN marks padding): the max of the real taps (-128 when there is none),
// and the mean of the real taps rounded half away from zero (math.Round of
// the float64 quotient, exact here), then clamped.
func TestPoolGeometryBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 300 {
		p := &PoolParams{N: 1 + rng.IntN(2), C: 1 + rng.IntN(3), H: 1 + rng.IntN(7), W: 1 + rng.IntN(7),
			KH: 1 + rng.IntN(4), KW: 1 + rng.IntN(4), StrideH: 1 + rng.IntN(3), StrideW: 1 + rng.IntN(3),
			ActMin: -128 + rng.Int32N(30), ActMax: 127 - rng.Int32N(30)}
		p.PadH, p.PadW = rng.IntN(p.KH), rng.IntN(p.KW)
		// Every window keeps at least one tap: its first row and column
		// start inside the image.
		p.OH = 1 + rng.IntN((p.H-1+p.PadH)/p.StrideH+1)
		p.OW = 1 + rng.IntN((p.W-1+p.PadW)/p.StrideW+1)
		in := randInt8s(rng, p.N*p.C*p.H*p.W)

		ch := p.PadH + max(p.H, (p.OH-1)*p.StrideH+p.KH)
		cw := p.PadW + max(p.W, (p.OW-1)*p.StrideW+p.KW)
		wantMax := make([]int8, p.N*p.C*p.OH*p.OW)
		wantAvg := make([]int8, len(wantMax))
		for plane := range p.N * p.C {
			canvas := make([]float64, ch*cw)
			for j := range canvas {
				canvas[j] = math.NaN()
			}
			for y := range p.H {
				for x := range p.W {
					canvas[(y+p.PadH)*cw+x+p.PadW] = float64(in[(plane*p.H+y)*p.W+x])
				}
			}
			for oy := range p.OH {
				for ox := range p.OW {
					m, sum, n := -128.0, 0.0, 0.0
					for ky := range p.KH {
						for kx := range p.KW {
							if v := canvas[(oy*p.StrideH+ky)*cw+ox*p.StrideW+kx]; !math.IsNaN(v) {
								m, sum, n = math.Max(m, v), sum+v, n+1
							}
						}
					}
					o := (plane*p.OH+oy)*p.OW + ox
					wantMax[o] = int8(min(max(int32(m), p.ActMin), p.ActMax))
					wantAvg[o] = int8(min(max(int32(math.Round(sum/n)), p.ActMin), p.ActMax))
				}
			}
		}
		got := make([]int8, len(wantMax))
		MaxPool(p, in, got)
		expectExact(t, fmt.Sprintf("MaxPool case %d %+v", i, *p), got, wantMax)
		AvgPool(p, in, got)
		expectExact(t, fmt.Sprintf("AvgPool case %d %+v", i, *p), got, wantAvg)
	}
}

// Hand-checked AvgPool rounding: ties away from zero on both sides.
func TestAvgPoolRounding(t *testing.T) {
	p := &PoolParams{N: 1, C: 4, H: 1, W: 2, KH: 1, KW: 2, StrideH: 1, StrideW: 1, OH: 1, OW: 1, ActMin: -128, ActMax: 127}
	in := ints8(
		1, 2, // 1.5 -> 2
		-1, -2, // -1.5 -> -2
		0, -1, // -0.5 -> -1
		127, 126, // 126.5 -> 127
	)
	out := make([]int8, 4)
	AvgPool(p, in, out)
	expectExact(t, "ties", out, ints8(2, -2, -1, 127))
}

// A window with no tap inside the image: MaxPool gives -128 (then the
// clamp), as TFLite's does; AvgPool panics where TFLite fails the operation.
func TestPoolEmptyWindow(t *testing.T) {
	p := &PoolParams{N: 1, C: 1, H: 2, W: 2, KH: 2, KW: 2, StrideH: 3, StrideW: 3, OH: 2, OW: 2, ActMin: -100, ActMax: 127}
	in := ints8(1, 2, 3, 4)
	out := make([]int8, 4)
	MaxPool(p, in, out)
	expectExact(t, "MaxPool", out, ints8(4, -100, -100, -100))
	if !panics(func() { AvgPool(p, in, out) }) {
		t.Error("AvgPool with an empty window did not panic")
	}
}
