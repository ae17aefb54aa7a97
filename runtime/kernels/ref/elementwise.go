// Reference int8 elementwise Add and Mul, with broadcasting.

package ref

import (
	"fmt"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// AddParams holds TFLite's int8 Add parameters (fixedpoint.AddParams
// computes the rescales): the input offsets -Z_1 and -Z_2, the output offset
// +Z_out, the common left shift (20 for int8), the three rescales — each
// with a shift <= 0, as QuantizeMultiplierSmallerThanOneExp returns — and
// the activation clamp.
type AddParams struct {
	Input1Offset, Input2Offset, OutputOffset int32
	LeftShift                                int
	Input1, Input2, Output                   Requant
	ActMin, ActMax                           int32
}

// Add computes out = x + y elementwise as TFLite's reference_integer_ops
// AddFunc (reference/integer_ops/add.h) does for each element, over the
// shapes b describes (its BroadcastAdd6DSlow visits the same pairs):
//
//	s1 = MultiplyByQuantizedMultiplierSmallerThanOneExp((x + Input1Offset) * 2^LeftShift, Input1)
//	s2 = MultiplyByQuantizedMultiplierSmallerThanOneExp((y + Input2Offset) * 2^LeftShift, Input2)
//	out = clamp(MultiplyByQuantizedMultiplierSmallerThanOneExp(s1 + s2, Output) + OutputOffset)
func Add(p *AddParams, b *Broadcast, x, y, out []int8) {
	const k = "Add"
	checkLen(k, "out", len(out), b.size(len(x), len(y)))
	if p.LeftShift < 0 || p.LeftShift > 30 {
		panic(fmt.Sprintf("ref: Add: left shift %d not in [0, 30]", p.LeftShift))
	}
	for _, r := range []Requant{p.Input1, p.Input2, p.Output} {
		if r.Shift > 0 || r.Shift < -31 {
			panic(fmt.Sprintf("ref: Add: rescale shift %d not in [-31, 0]", r.Shift))
		}
	}
	checkActivation(k, p.ActMin, p.ActMax)
	for o := range out {
		xi, yi := b.offsets(o)
		shifted1 := (p.Input1Offset + int32(x[xi])) * (int32(1) << p.LeftShift)
		shifted2 := (p.Input2Offset + int32(y[yi])) * (int32(1) << p.LeftShift)
		scaled1 := fixedpoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.Input1.Mult, p.Input1.Shift)
		scaled2 := fixedpoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.Input2.Mult, p.Input2.Shift)
		raw := fixedpoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(scaled1+scaled2, p.Output.Mult, p.Output.Shift) + p.OutputOffset
		out[o] = activate(raw, p.ActMin, p.ActMax)
	}
}

// MulParams holds TFLite's int8 Mul parameters: the input offsets -Z_1 and
// -Z_2, the output offset +Z_out, the rescale of
// fixedpoint.MulMultiplier(S_1, S_2, S_out), and the activation clamp.
type MulParams struct {
	Input1Offset, Input2Offset, OutputOffset int32
	Output                                   Requant
	ActMin, ActMax                           int32
}

// Mul computes out = x * y elementwise as TFLite's
// reference_integer_ops::MulElementwise and BroadcastMul6DSlow
// (reference/integer_ops/mul.h) do:
//
//	out = clamp(OutputOffset + MultiplyByQuantizedMultiplier((x + Input1Offset) * (y + Input2Offset), Output))
func Mul(p *MulParams, b *Broadcast, x, y, out []int8) {
	const k = "Mul"
	checkLen(k, "out", len(out), b.size(len(x), len(y)))
	checkShift(k, p.Output)
	checkActivation(k, p.ActMin, p.ActMax)
	for o := range out {
		xi, yi := b.offsets(o)
		product := (p.Input1Offset + int32(x[xi])) * (p.Input2Offset + int32(y[yi]))
		raw := p.OutputOffset + fixedpoint.MultiplyByQuantizedMultiplier(product, p.Output.Mult, p.Output.Shift)
		out[o] = activate(raw, p.ActMin, p.ActMax)
	}
}
