package ref

import (
	"math"
	"math/big"
	"testing"
)

// interactionFloat returns FM's (fm) and BiInteraction's (bi) real values
// for x [fields, dim]: sum over field pairs f < g of x_f * x_g, in total and
// per column.
func interactionFloat(x []float64, fields, dim int) (fm float64, bi []float64) {
	bi = make([]float64, dim)
	for d := range dim {
		for f := range fields {
			for g := f + 1; g < fields; g++ {
				bi[d] += x[f*dim+d] * x[g*dim+d]
			}
		}
		fm += bi[d]
	}
	return fm, bi
}

// interactionInputBound bounds how far the pairwise-product sums move when
// each input moves by at most delta (its quantization error): per column,
// sum over pairs of |x_f| delta + |x_g| delta + delta^2.
func interactionInputBound(x []float64, fields, dim int, delta float64) (fm float64, bi []float64) {
	bi = make([]float64, dim)
	for d := range dim {
		for f := range fields {
			for g := f + 1; g < fields; g++ {
				bi[d] += (math.Abs(x[f*dim+d])+math.Abs(x[g*dim+d]))*delta + delta*delta
			}
		}
		fm += bi[d]
	}
	return fm, bi
}

// TestInteractionFloatShadow runs FM and BiInteraction on random float
// inputs, quantized per tensor, against two float shadows. Against the
// dequantized inputs each unclamped output is within half a step plus
// |real|/S_out * 2^-14, the documented bound; against the float inputs the
// input quantization error, propagated through the pairwise products, adds
// to that.
func TestInteractionFloatShadow(t *testing.T) {
	r := oracleRand{31}
	var worstQ, worstF float64
	for range 300 {
		n, fields, dim := 1+r.intn(4), 1+r.intn(12), 1+r.intn(16)
		inScale := r.scale(-8, -2)
		inZero := int32(r.intn(61) - 30)
		xf := make([]float32, n*fields*dim)
		for i := range xf {
			xf[i] = inScale * (float32(r.intn(180)) - 90 + float32(r.intn(1000))/1000)
		}
		in := make([]int8, len(xf))
		for i, f := range xf {
			in[i] = int8(min(max(math.Round(float64(f/inScale))+float64(inZero), -128), 127))
		}
		// The output range covers the typical magnitudes, so some clamp.
		var typical float64
		for s := range n {
			x := make([]float64, fields*dim)
			for i := range x {
				x[i] = float64(xf[s*fields*dim+i])
			}
			fm, _ := interactionFloat(x, fields, dim)
			typical = max(typical, math.Abs(fm))
		}
		outScale := float32(max(typical, 1e-6) / float64(60+r.intn(80)))
		outZero := int32(r.intn(41) - 20)
		p := InteractionParamsFor(inScale, inZero, outScale, outZero, n, fields, dim)
		fmOut := make([]int8, n)
		biOut := make([]int8, n*dim)
		FM(&p, in, fmOut)
		BiInteraction(&p, in, biOut)

		check := func(kind string, got int8, realQ, realF, inputErr float64) {
			if got == -128 || got == 127 {
				return
			}
			dq := float64(outScale) * float64(int32(got)-outZero)
			eq := math.Abs(dq-realQ) / float64(outScale)
			ef := math.Abs(dq-realF) / float64(outScale)
			boundQ := 0.5 + math.Abs(realQ)/float64(outScale)*math.Ldexp(1, -14)
			worstQ, worstF = max(worstQ, eq), max(worstF, ef-inputErr/float64(outScale))
			if eq > boundQ || ef > boundQ+inputErr/float64(outScale) {
				t.Fatalf("%s: output %d (%g); dequantized-input shadow %g (error %g steps, bound %g), float shadow %g",
					kind, got, dq, realQ, eq, boundQ, realF)
			}
		}
		for s := range n {
			xq := make([]float64, fields*dim)
			xr := make([]float64, fields*dim)
			for i := range xq {
				xq[i] = float64(inScale) * float64(int32(in[s*fields*dim+i])-inZero)
				xr[i] = float64(xf[s*fields*dim+i])
			}
			fmQ, biQ := interactionFloat(xq, fields, dim)
			fmF, biF := interactionFloat(xr, fields, dim)
			fmE, biE := interactionInputBound(xr, fields, dim, float64(inScale)/2)
			check("FM", fmOut[s], fmQ, fmF, fmE)
			for d := range dim {
				check("BiInteraction", biOut[s*dim+d], biQ[d], biF[d], biE[d])
			}
		}
	}
	t.Logf("worst error %.3f output steps against the dequantized inputs; %.3f beyond the propagated input error against the float inputs", worstQ, worstF)
}

// TestInteractionExact: with S_in = 1 and S_out = 1/2 the multiplier
// 0.5*S_in^2/S_out is exactly 1, so each output is its accumulator — twice
// the pairwise-product sum — plus the zero point.
func TestInteractionExact(t *testing.T) {
	// Two samples, three fields, two columns; zero point 2.
	in := []int8{
		5, 2, // x = 3, 0
		-2, 3, // x = -4, 1
		3, 7, // x = 1, 5
		2, 2, 2, 2, 4, 12, // x = 0, 0 / 0, 0 / 2, 10
	}
	p := InteractionParamsFor(1, 2, 0.5, -10, 2, 3, 2)
	if p.R != (Requant{Mult: 1 << 30, Shift: 1}) {
		t.Fatalf("multiplier %+v", p.R)
	}
	// Sample 0, column 0: 3*-4 + 3*1 + -4*1 = -13; column 1: 0*1 + 0*5 + 1*5 = 5.
	// Sample 1 has a single nonzero field: every pair product is 0.
	fm := make([]int8, 2)
	FM(&p, in, fm)
	expectExact(t, "FM", fm, []int8{2*(-13+5) - 10, -10})
	bi := make([]int8, 4)
	BiInteraction(&p, in, bi)
	expectExact(t, "BiInteraction", bi, []int8{2*-13 - 10, 2*5 - 10, -10, -10})
}

// TestInteractionRescale checks the accumulator rescale over every shift
// QuantizeMultiplier can return and accumulators far beyond TFLite's
// |acc| < 2^47 against exact arithmetic: floor((acc * rm * 2^s + 2^14) /
// 2^15) with rm the 15-bit multiplier, which is TFLite's
// MultiplyByQuantizedMultiplier64 wherever that is defined, plus the zero
// point, clamped.
func TestInteractionRescale(t *testing.T) {
	r := oracleRand{41}
	for range 20000 {
		m := int32(1<<30 + r.intn(1<<30))
		if r.intn(10) == 0 {
			m = 0
		}
		shift := r.intn(80) - 31
		acc := int64(r.next()) >> r.intn(64)
		zero := int32(r.intn(256) - 128)
		p := InteractionParams{OutputOffset: zero, R: Requant{Mult: m, Shift: shift}, ActMin: -128, ActMax: 127}
		got := interactionOut(&p, acc)

		rm := int64(0x7FFF)
		if m < 0x7FFF0000 {
			rm = int64((m + 1<<15) >> 16)
		}
		num := new(big.Int).Mul(big.NewInt(acc), big.NewInt(rm))
		den := big.NewInt(1 << 15)
		if shift >= 0 {
			num.Lsh(num, uint(shift))
		} else {
			den.Lsh(den, uint(-shift))
		}
		num.Add(num, new(big.Int).Rsh(den, 1))
		v := new(big.Int).Div(num, den) // floor, den > 0
		v.Add(v, big.NewInt(int64(zero)))
		want := int8(max(min(v.Int64(), 127), -128))
		if !v.IsInt64() {
			want = 127
			if v.Sign() < 0 {
				want = -128
			}
		}
		if got != want {
			t.Fatalf("acc %d, M %d, shift %d, zero %d: got %d, exact %d", acc, m, shift, zero, got, want)
		}
	}
}
