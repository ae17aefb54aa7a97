// Conformance tests for Requantize, Quantize and Dequantize, ported from
// TFLite Micro's quantize and dequantize tests, and their edge cases.

package ref

import (
	"math"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// From tensorflow/lite/micro/kernels/quantize_test.cc, the int8 -> int8
// TestRequantize cases: the input quantized with round(f/S_in) + Z_in, the
// multiplier QuantizeMultiplier(double(S_in) / double(S_out)) (as
// quantize_common.cc computes it), the output compared exactly with
// Quantize(values, S_out, Z_out).
func TestRequantizeTFLiteMicro(t *testing.T) {
	for _, c := range []struct {
		name   string
		values []float32
		sIn    float32
		zIn    int32
		sOut   float32
		zOut   int32
	}{
		{"QuantizeOpTestInt8toInt8", []float32{-64, -62, -60, -58, -56, 54, 56, 58, 60, 62}, 2, 0, 0.5, 32},
		{"QuantizeOpTestInt8toInt8NoZeroPoint", []float32{-32, -31, -30, -29, -28, 27, 28, 29, 30, 31}, 1, 0, 0.5, 0},
	} {
		p := &RequantizeParams{InputOffset: -c.zIn, OutputOffset: c.zOut,
			R: requant(float64(c.sIn) / float64(c.sOut))}
		out := make([]int8, len(c.values))
		Requantize(p, microQuantize(c.values, c.sIn, c.zIn), out)
		expectExact(t, c.name, out, microQuantize(c.values, c.sOut, c.zOut))
	}
}

// Hand-checked Requantize: how halves round, saturation.
func TestRequantizeHandChecked(t *testing.T) {
	// S_in / S_out = 0.5 is (2^30, shift 0): the only rounding is the
	// high-mul's, which rounds ties toward +infinity. (q - 3) * 0.5 - 10:
	// 0.5 -> 1 and 1.5 -> 2, but -0.5 -> 0 and -65.5 -> -65.
	p := &RequantizeParams{InputOffset: -3, OutputOffset: -10, R: requant(0.5)}
	out := make([]int8, 6)
	Requantize(p, ints8(3, 4, 2, 6, -128, 127), out)
	expectExact(t, "halves, shift 0", out, ints8(-10, -9, -10, -8, -75, 52))
	// S_in / S_out = 0.25 is (2^30, shift -1): the high-mul halves exactly
	// and the rounding shift rounds ties away from zero. (q - 3) * 0.25:
	// 0.5 -> 1, -0.5 -> -1, -32.75 -> -33, 31 -> 31.
	p = &RequantizeParams{InputOffset: -3, R: requant(0.25)}
	Requantize(p, ints8(3, 5, 1, 6, -128, 127), out)
	expectExact(t, "halves, shift -1", out, ints8(0, 1, -1, 1, -33, 31))
	// S_in / S_out = 3: saturates at both ends.
	p = &RequantizeParams{R: requant(3)}
	Requantize(p, ints8(-43, -42, 42, 43, 0, 1), out)
	expectExact(t, "saturation", out, ints8(-128, -126, 126, 127, 0, 3))
}

// TestRequantizeClampHandChecked: the clamp of a fused relu (the output's
// zero point and up) or a relu6 ([Z, Z + 6/S]) after TFLite's rescale.
func TestRequantizeClampHandChecked(t *testing.T) {
	// (q - 3) * 0.5 - 10 as above, then relu with Z_out = -10: [-10, 127].
	// -0.5 - 10 rounds to -10, -65.5 - 10 to -75, clamped to -10.
	p := &RequantizeParams{InputOffset: -3, OutputOffset: -10, R: requant(0.5)}
	out := make([]int8, 6)
	RequantizeClamp(p, -10, 127, ints8(3, 4, 2, 6, -128, 127), out)
	expectExact(t, "relu", out, ints8(-10, -9, -10, -8, -10, 52))
	// q * 3 with a relu6 of S = 1/4, Z = 0: [0, 24]; -42 * 3 = -126 -> 0,
	// 42 * 3 = 126 -> 24, 1 * 3 = 3, 8 * 3 = 24.
	p = &RequantizeParams{R: requant(3)}
	RequantizeClamp(p, 0, 24, ints8(-43, -42, 42, 43, 1, 8), out)
	expectExact(t, "relu6", out, ints8(0, 0, 24, 24, 3, 24))
}

// From tensorflow/lite/micro/kernels/quantize_test.cc:
// QuantizeOpTestInt8NoZeroPoint, and the data of QuantizeOpTestInt8 (whose
// buffers the original declares int16_t; here they are int8, the values all
// fit). The expected output is the harness's Quantize(values, S, Z),
// compared exactly.
func TestQuantizeTFLiteMicro(t *testing.T) {
	for _, c := range []struct {
		name   string
		values []float32
		scale  float32
		zero   int32
	}{
		{"QuantizeOpTestInt8", []float32{-63.5, -63, -62.5, -62, -61.5, 62, 62.5, 63, 63.5, 64}, 0.5, -1},
		{"QuantizeOpTestInt8NoZeroPoint", []float32{-32, -31, -30, -29, -28, 27, 28, 29, 30, 31}, 0.5, 0},
	} {
		out := make([]int8, len(c.values))
		Quantize(c.scale, c.zero, c.values, out)
		expectExact(t, c.name, out, microQuantize(c.values, c.scale, c.zero))
	}
}

// Quantize's rounding and its saturation where TFLite's conversion is
// undefined: the edge cases of quantization_util_test.cc's SafeCast tests
// (the largest floats and infinities saturate, NaN maps to 0 before the zero
// point is added).
func TestQuantizeEdges(t *testing.T) {
	in := []float32{
		0.25, -0.25, 0.75, -0.75, // x/S = +-0.5, +-1.5: ties away from zero
		0.3, -0.3, // +-0.6
		math.MaxFloat32, -math.MaxFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		63.5, -64.5, // +-127, -129 before the zero point
	}
	out := make([]int8, len(in))
	Quantize(0.5, 0, in, out)
	expectExact(t, "zero point 0", out, ints8(1, -1, 2, -2, 1, -1, 127, -128, 127, -128, 0, 127, -128))
	Quantize(0.5, 5, in, out)
	expectExact(t, "zero point 5", out, ints8(6, 4, 7, 3, 6, 4, 127, -128, 127, -128, 5, 127, -124))
	// A zero scale gives infinities and NaN (TFLite would divide by zero
	// the same way): saturated, and 0/0 -> the zero point.
	Quantize(0, -3, []float32{1, -1, 0}, out[:3])
	expectExact(t, "zero scale", out[:3], ints8(127, -128, -3))
}

// Quantize is fixedpoint.QuantizeValue clamped to int8.
func TestQuantizeMatchesQuantizeValue(t *testing.T) {
	const scale, zero = 0.0371, -17
	in := make([]float32, 0, 4001)
	for i := -2000; i <= 2000; i++ {
		in = append(in, float32(i)*0.0031)
	}
	out := make([]int8, len(in))
	Quantize(scale, zero, in, out)
	for i, v := range in {
		want := min(max(fixedpoint.QuantizeValue(float64(v), scale, zero), -128), 127)
		if int32(out[i]) != want {
			t.Fatalf("Quantize(%v) = %d, want %d", v, out[i], want)
		}
	}
}

// From tensorflow/lite/micro/kernels/dequantize_test.cc ::
// DequantizeTest.DequantizeOpTestInt8: values quantized with scale 0.5 and
// zero point -1 dequantize to themselves.
func TestDequantizeTFLiteMicro(t *testing.T) {
	values := []float32{-63.5, -63, -62.5, -62, -61.5, 62, 62.5, 63, 63.5, 64}
	out := make([]float32, len(values))
	Dequantize(0.5, -1, microQuantize(values, 0.5, -1), out)
	for i := range values {
		if out[i] != values[i] {
			t.Errorf("DequantizeOpTestInt8: output %d = %v, want %v", i, out[i], values[i])
		}
	}
}

// Dequantize rounds S * (q - Z) once to float32, from the exact product.
func TestDequantizeRounding(t *testing.T) {
	const scale, zero = float32(0.1), int32(-128)
	in := ints8(-128, -127, 0, 127)
	out := make([]float32, 4)
	Dequantize(scale, zero, in, out)
	for i, q := range in {
		want := float32(float64(scale) * float64(int32(q)-zero))
		if out[i] != want || out[i] != scale*float32(int32(q)-zero) {
			t.Errorf("Dequantize(%d) = %v, want %v", q, out[i], want)
		}
	}
}
