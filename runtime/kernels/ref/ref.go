// Package ref holds kiln's reference int8 kernels: plain loops that compute
// exactly what TensorFlow Lite's reference int8 kernels compute (default,
// double-rounding build), written for clarity rather than speed. They are
// the oracle every other kernel (portable Go, assembly, LLVM-native) is
// tested against; each kernel's doc comment names the TFLite function it
// matches, and INT8.md states the shared arithmetic.
//
// Layout is kiln's, which is PyTorch's: activations NCHW (a 1-D signal NCL
// is NCHW with H = 1), convolution filters OIHW ([F, C/groups, KH, KW]),
// dense weights [units, in]. TFLite is NHWC; the layouts only reorder the
// terms of exact int32 sums (which wrap identically in any order), so every
// output element gets TFLite's bits.
//
// Kernels panic on parameters that are inconsistent with each other or with
// the slice lengths — caller errors, which the bytecode loader rules out
// before anything runs — and never on data.
package ref

import (
	"fmt"
	"math"
)

// Requant is one fixed-point rescale:
// fixedpoint.MultiplyByQuantizedMultiplier(x, Mult, Shift), the pair that
// fixedpoint.QuantizeMultiplier returns.
type Requant struct {
	Mult  int32
	Shift int
}

// Broadcast describes an elementwise operation's shapes: the output's shape
// and, per operand, the element strides that walk it (0 on the dimensions
// the operand is broadcast along), all row-major. The output itself is
// contiguous: element o sits at out[o].
type Broadcast struct {
	Shape              []int
	XStrides, YStrides []int
}

// size returns the number of output elements after checking that the
// strides match the shape and stay inside operands of lengths nx and ny.
func (b *Broadcast) size(nx, ny int) int {
	if len(b.XStrides) != len(b.Shape) || len(b.YStrides) != len(b.Shape) {
		panic(fmt.Sprintf("ref: Broadcast has %d dimensions but %d and %d strides",
			len(b.Shape), len(b.XStrides), len(b.YStrides)))
	}
	total, lastX, lastY := 1, 0, 0
	for d, n := range b.Shape {
		if n < 0 || b.XStrides[d] < 0 || b.YStrides[d] < 0 {
			panic(fmt.Sprintf("ref: Broadcast dimension %d: size %d, strides %d and %d must be >= 0",
				d, n, b.XStrides[d], b.YStrides[d]))
		}
		total *= n
		if n > 0 {
			lastX += (n - 1) * b.XStrides[d]
			lastY += (n - 1) * b.YStrides[d]
		}
	}
	if total > 0 && (lastX >= nx || lastY >= ny) {
		panic(fmt.Sprintf("ref: Broadcast reaches elements %d and %d of operands of lengths %d and %d",
			lastX, lastY, nx, ny))
	}
	return total
}

// offsets returns the operand offsets of output element o.
func (b *Broadcast) offsets(o int) (xi, yi int) {
	for d := len(b.Shape) - 1; d >= 0; d-- {
		i := o % b.Shape[d]
		o /= b.Shape[d]
		xi += i * b.XStrides[d]
		yi += i * b.YStrides[d]
	}
	return xi, yi
}

// activate clamps a rescaled value to the fused activation's range [lo, hi]
// and narrows it to int8: min(max(v, lo), hi), the last step of every TFLite
// int8 kernel. With lo > hi (an activation range outside the output's) the
// result is hi, as in TFLite's release build.
func activate(v, lo, hi int32) int8 {
	return int8(min(max(v, lo), hi))
}

// checkActivation panics unless [lo, hi] lies within the int8 range, which
// activate relies on.
func checkActivation(kernel string, lo, hi int32) {
	if lo < math.MinInt8 || hi > math.MaxInt8 {
		panic(fmt.Sprintf("ref: %s: activation range [%d, %d] exceeds int8", kernel, lo, hi))
	}
}

// checkLen panics unless a slice has the length its shape implies.
func checkLen(kernel, what string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("ref: %s: %s has %d elements, want %d", kernel, what, got, want))
	}
}

// dim names an integer parameter for checkDims.
type dim struct {
	name  string
	value int
}

// checkDims panics unless every dimension is at least min.
func checkDims(kernel string, min int, dims ...dim) {
	for _, d := range dims {
		if d.value < min {
			panic(fmt.Sprintf("ref: %s: %s = %d, must be >= %d", kernel, d.name, d.value, min))
		}
	}
}

// checkShift panics unless r's shift is in [-31, 30], the range
// fixedpoint.MultiplyByQuantizedMultiplier applies without overflow.
func checkShift(kernel string, r Requant) {
	if r.Shift < -31 || r.Shift > 30 {
		panic(fmt.Sprintf("ref: %s: rescale shift %d not in [-31, 30]", kernel, r.Shift))
	}
}

// requantFor returns the rescale of output channel c: per-channel when
// there is one Requant per channel, per-tensor when there is just one.
func requantFor(out []Requant, c int) Requant {
	if len(out) == 1 {
		return out[0]
	}
	return out[c]
}
