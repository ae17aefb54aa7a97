// Reference requantization (int8 -> int8) and the model-boundary Quantize
// (float32 -> int8) and Dequantize (int8 -> float32).

package ref

import (
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// RequantizeParams describes an int8 -> int8 rescale from (S_in, Z_in) to
// (S_out, Z_out): InputOffset = -Z_in, OutputOffset = +Z_out, and R the
// rescale of S_in / S_out.
type RequantizeParams struct {
	InputOffset, OutputOffset int32
	R                         Requant
}

// Requantize computes TFLite's reference_ops::Requantize for int8 -> int8
// (reference/requantize.h):
//
//	out = clamp(MultiplyByQuantizedMultiplier(in + InputOffset, R) + OutputOffset, -128, 127)
//
// (TFLite's shortcut for identical scales applies only between int8 and
// uint8.) kiln's concatenation rescales with it the inputs whose scale and
// zero point differ from the output's; TFLite's int8 concatenation instead
// requires them all equal.
func Requantize(p *RequantizeParams, in, out []int8) {
	checkLen("Requantize", "out", len(out), len(in))
	checkShift("Requantize", p.R)
	for i, v := range in {
		q := fixedpoint.MultiplyByQuantizedMultiplier(int32(v)+p.InputOffset, p.R.Mult, p.R.Shift) + p.OutputOffset
		out[i] = activate(q, math.MinInt8, math.MaxInt8)
	}
}

// RequantizeClamp is Requantize with the result clamped to [lo, hi], a
// subrange of int8: TFLite's int8 Relu and Relu6 (reference_ops::ReluX
// with an output multiplier) when the clamp is an activation's, and the
// kernel of kiln's qrequantize.
func RequantizeClamp(p *RequantizeParams, lo, hi int32, in, out []int8) {
	checkLen("RequantizeClamp", "out", len(out), len(in))
	checkShift("RequantizeClamp", p.R)
	checkActivation("RequantizeClamp", lo, hi)
	for i, v := range in {
		q := fixedpoint.MultiplyByQuantizedMultiplier(int32(v)+p.InputOffset, p.R.Mult, p.R.Shift) + p.OutputOffset
		out[i] = activate(q, lo, hi)
	}
}

// Quantize converts float32 values to int8 as TFLite's
// reference_ops::AffineQuantize (reference/quantize.h) does:
//
//	out = clamp(int32(TfLiteRound(x / scale)) + zero, -128, 127)
//
// with x / scale divided in float32 and rounded half away from zero — the
// arithmetic of fixedpoint.QuantizeValue, which this uses. Where TFLite's
// float-to-int32 conversion is undefined (quotients beyond the int32 range,
// infinities, NaN) the result saturates as fixedpoint.QuantizeValue
// documents: +Inf and huge values give 127, -Inf and huge negative ones
// -128, NaN gives clamp(zero).
func Quantize(scale float32, zero int32, in []float32, out []int8) {
	checkLen("Quantize", "out", len(out), len(in))
	for i, v := range in {
		out[i] = activate(fixedpoint.QuantizeValue(float64(v), scale, zero), math.MinInt8, math.MaxInt8)
	}
}

// Dequantize converts int8 values to float32 as TFLite's
// reference_ops::Dequantize (reference/dequantize.h) does: scale * (q -
// zero) computed in float64 from the float32 scale, then rounded to float32.
// (The product is exact in float64, so this is also the correctly rounded
// float32 product.)
func Dequantize(scale float32, zero int32, in []int8, out []float32) {
	checkLen("Dequantize", "out", len(out), len(in))
	for i, q := range in {
		out[i] = float32(float64(scale) * float64(int32(q)-zero))
	}
}
