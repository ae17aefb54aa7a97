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
	if len(out) != len(in) {
		panic(fmt.Sprintf("kernels: Quantize: %d outputs for %d inputs", len(out), len(in)))
	}
	for i, v := range in {
		q := v / scale
		var r int64
		switch {
		case q >= 1<<31: // saturated to int32, as SafeCast does
			r = math.MaxInt32
		case q <= -1<<31:
			r = math.MinInt32
		case q >= 0:
			// float64(q) + 0.5 is exact for |q| >= 0.25 (a float32 has 24
			// significant bits) and below 1 for smaller q, so truncating
			// it rounds half away from zero.
			r = int64(float64(q) + 0.5)
		case q < 0:
			r = -int64(0.5 - float64(q))
		}
		// NaN takes no case: r stays 0, as SafeCast gives.
		out[i] = int8(min(max(r+int64(zero), -128), 127))
	}
}
