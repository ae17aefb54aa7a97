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
