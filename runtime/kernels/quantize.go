// Quantization at the model's boundaries.

package kernels

import (
	"fmt"
	"math"
)

// Quantize sets out[i] to in[i] quantized with scale and zero point, with
// exactly the bits of ref.Quantize (TFLite's: the float32 quotient
// in[i]/scale rounded half away from zero, saturated, plus zero, clamped
// to int8; NaN quantizes as 0), but without its float64 rounding calls.
// It panics unless len(out) == len(in).
func Quantize(scale float32, zero int32, in []float32, out []int8) {
	quantize(useAsm, scale, zero, in, out)
}

// QuantizePortable is Quantize run by the portable kernels whatever the
// CPU.
func QuantizePortable(scale float32, zero int32, in []float32, out []int8) {
	quantize(false, scale, zero, in, out)
}

func quantize(asm bool, scale float32, zero int32, in []float32, out []int8) {
	if len(out) != len(in) {
		panic(fmt.Sprintf("kernels: Quantize: %d outputs for %d inputs", len(out), len(in)))
	}
	if asm && zero >= -256 && zero <= 256 && len(in) >= 32 {
		n := len(in) / 32 * 32
		quantizeAsm(n, &in[0], scale, zero, &out[0])
		in, out = in[n:], out[n:]
	}
	for i, v := range in {
		q := float64(v / scale)
		// Saturate to the int32 range, as SafeCast does; then q + ±0.5 is
		// exact for |q| >= 0.25 (a float32 has 24 significant bits) and
		// below 1 in magnitude for smaller q, so truncating it rounds half
		// away from zero. No branch depends on the data but NaN's, which
		// quantizes as 0.
		q = min(max(q, math.MinInt32), math.MaxInt32)
		r := int64(q + math.Copysign(0.5, q))
		if q != q {
			r = 0
		}
		out[i] = int8(min(max(r+int64(zero), -128), 127))
	}
}

// Dequantize computes out[i] = scale * (in[i] - zero) in float32, as
// ref.Dequantize does, bit for bit: on the CPU's vector unit where there
// is a kernel for it (amd64's AVX2), else in Go.
func Dequantize(scale float32, zero int32, in []int8, out []float32) {
	dequantize(useAsm, scale, zero, in, out)
}

// DequantizePortable is Dequantize in Go whatever the CPU.
func DequantizePortable(scale float32, zero int32, in []int8, out []float32) {
	dequantize(false, scale, zero, in, out)
}

// dequantizeSIMD is the vector kernel of Dequantize for n int8 (a
// multiple of 32) and zero points in [-2^16, 2^16], or nil: set at init
// where the architecture has one that passed checkDequantize.
var dequantizeSIMD func(n int, in *int8, scale float32, zero int32, out *float32)

func dequantize(simd bool, scale float32, zero int32, in []int8, out []float32) {
	if len(out) != len(in) {
		panic(fmt.Sprintf("kernels: Dequantize: %d outputs for %d inputs", len(out), len(in)))
	}
	if simd && dequantizeSIMD != nil && zero >= -1<<16 && zero <= 1<<16 && len(in) >= 32 {
		n := len(in) / 32 * 32
		dequantizeSIMD(n, &in[0], scale, zero, &out[0])
		in, out = in[n:], out[n:]
	}
	for i, q := range in {
		// The float64 product is exact (24 by at most 33 significant
		// bits); its one rounding to float32 is the result.
		out[i] = float32(float64(scale) * float64(int32(q)-zero))
	}
}

// checkDequantize returns k if it gives Go's bits on a built-in problem
// (every int8, zero points from -2^16 to 2^16, scales from subnormal to
// overflowing), else nil: a wrong kernel on an unseen CPU is never used.
func checkDequantize(k func(n int, in *int8, scale float32, zero int32, out *float32)) func(n int, in *int8, scale float32, zero int32, out *float32) {
	in := make([]int8, 256)
	for i := range in {
		in[i] = int8(i - 128)
	}
	got, want := make([]float32, 256), make([]float32, 256)
	for _, zero := range []int32{0, -128, 127, 5, -1 << 16, 1 << 16} {
		for _, scale := range []float32{1, 0.0039215689, 3.1e-3, 1e-40, 7.5e-30, 1e35, 3.4e38, math.MaxFloat32} {
			k(len(in), &in[0], scale, zero, &got[0])
			dequantize(false, scale, zero, in, want)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					return nil
				}
			}
		}
	}
	return k
}
