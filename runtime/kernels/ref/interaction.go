// Int8 factorization-machine interactions: kiln's own ops, for which TFLite
// has no kernel. FM is the second-order term of a factorization machine
// (Rendle, 2010) as DeepFM uses it; BiInteraction is NFM's bi-interaction
// pooling (He and Chua, 2017), the same sum kept per embedding column.
//
// Semantics (this text is the specification). in is [N, F, D] int8 with
// (S_in, Z_in): N samples, F fields, D embedding columns.
//
//	x[n,f,d]  = q[n,f,d] - Z_in                                    int64
//	acc[n,d]  = (sum_f x[n,f,d])^2 - sum_f x[n,f,d]^2              int64, exact
//	FM:            acc[n] = sum_d acc[n,d]  -> out [N]
//	BiInteraction: acc[n,d]                 -> out [N, D]
//	real value = 0.5 * S_in^2 * acc   (= sum over field pairs f < g of x_f x_g)
//	(M, shift) = QuantizeMultiplier(0.5 * float64(S_in) * float64(S_in) / float64(S_out))
//	out = clamp(Rescale64(acc, M, shift) + Z_out, ActMin, ActMax)
//
// Rescale64 is TFLite's 64-bit MultiplyByQuantizedMultiplier (M rounded to a
// 15-bit multiplier, one rounding shift), made total over every (M, shift)
// QuantizeMultiplier returns, since TFLite defines it only for shift in
// [-31, 7] and |acc| < 2^47:
//
//	s = min(shift, 25)
//	B = 2^(25-s) if s > -22, else 2^47 - 1
//	a = clamp(acc, -B, B)
//	if s > 7: a = a << (s - 7); s = 7
//	Rescale64 = MultiplyByQuantizedMultiplier64(a, M, s)
//
// Clamping the accumulator changes no output: with M from QuantizeMultiplier
// (0 or at least 2^30), |acc| >= B already scales to at least 2^24 output
// steps, saturated either way. Moving the shift into the accumulator gives,
// for 7 < shift < 15, the value TFLite's formula computes with
// total_shift = 15 - shift, and the exact product beyond. For every
// accumulator and shift in TFLite's domain Rescale64 is
// MultiplyByQuantizedMultiplier64 itself.
//
// Against a float shadow computed from the dequantized inputs, dequant(out) is
// within half an output step plus |real|/S_out * 2^-14 (the 15-bit multiplier)
// wherever it is not clamped; from float inputs, add the input quantization
// error propagated through the quadratic form.

package ref

import "github.com/kiln-nn/kiln/runtime/fixedpoint"

// InteractionParams are the precomputed parameters of FM and BiInteraction.
type InteractionParams struct {
	N, Fields, Dim int
	InputOffset    int32 // -Z_in
	OutputOffset   int32 // Z_out
	// R is 0.5*S_in^2/S_out.
	R              Requant
	ActMin, ActMax int32
}

// InteractionParamsFor computes the parameters of FM and BiInteraction for
// in [n, fields, dim] with (inScale, inZero) and an output with (outScale,
// outZero), clamped to the full int8 range. A multiplier that is not finite
// (a zero output scale) panics in QuantizeMultiplier.
func InteractionParamsFor(inScale float32, inZero int32, outScale float32, outZero int32, n, fields, dim int) InteractionParams {
	m, shift := fixedpoint.QuantizeMultiplier(0.5 * float64(inScale) * float64(inScale) / float64(outScale))
	return InteractionParams{
		N: n, Fields: fields, Dim: dim,
		InputOffset: -inZero, OutputOffset: outZero,
		R:      Requant{Mult: m, Shift: shift},
		ActMin: -128, ActMax: 127,
	}
}

// FM computes the factorization-machine second-order term of each sample of
// in [N, Fields, Dim] into out [N].
func FM(p *InteractionParams, in, out []int8) {
	p.check("FM", in, out, p.N)
	for n := range p.N {
		var acc int64
		for d := range p.Dim {
			acc += pairSum(p, in, n, d)
		}
		out[n] = interactionOut(p, acc)
	}
}

// BiInteraction computes the bi-interaction pooling of each sample of in
// [N, Fields, Dim] into out [N, Dim].
func BiInteraction(p *InteractionParams, in, out []int8) {
	p.check("BiInteraction", in, out, p.N*p.Dim)
	for n := range p.N {
		for d := range p.Dim {
			out[n*p.Dim+d] = interactionOut(p, pairSum(p, in, n, d))
		}
	}
}

func (p *InteractionParams) check(k string, in, out []int8, outLen int) {
	checkDims(k, 0, dim{"N", p.N}, dim{"Fields", p.Fields}, dim{"Dim", p.Dim})
	checkLen(k, "in", len(in), p.N*p.Fields*p.Dim)
	checkLen(k, "out", len(out), outLen)
	checkActivation(k, p.ActMin, p.ActMax)
}

// pairSum returns (sum_f x)^2 - sum_f x^2 over the fields of sample n,
// column d: twice the sum of the products of distinct field pairs.
func pairSum(p *InteractionParams, in []int8, n, d int) int64 {
	var s, sq int64
	for f := range p.Fields {
		x := int64(in[(n*p.Fields+f)*p.Dim+d]) + int64(p.InputOffset)
		s += x
		sq += x * x
	}
	return s*s - sq
}

// interactionOut rescales an accumulator to the output (Rescale64), adds
// the zero point and clamps.
func interactionOut(p *InteractionParams, acc int64) int8 {
	return activate(Rescale64(acc, p.R)+p.OutputOffset, p.ActMin, p.ActMax)
}

// Rescale64 is the interactions' rescale of an int64 accumulator, as the
// package comment defines it: TFLite's MultiplyByQuantizedMultiplier64
// made total over every Requant that QuantizeMultiplier returns.
func Rescale64(acc int64, r Requant) int32 {
	s := min(r.Shift, 25)
	bound := int64(1)<<47 - 1
	if s > -22 {
		bound = int64(1) << (25 - s)
	}
	acc = min(max(acc, -bound), bound)
	if s > 7 {
		acc <<= s - 7
		s = 7
	}
	return fixedpoint.MultiplyByQuantizedMultiplier64(acc, r.Mult, s)
}
