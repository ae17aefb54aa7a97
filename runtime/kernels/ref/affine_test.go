// Tests for Affine: hand-checked values, the depthwise 1x1 convolution it
// is, and a float shadow.

package ref

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// Two samples of two channels of three: weights 2 and -3, biases 5 and -7,
// input offset -1, output offset 3; channel 0 rescales by 0.5 (2^30, 0),
// channel 1 by 0.25 (2^30, -1).
//
//	ch 0: x - 1 = [0, 1, -129]  acc = 2(x-1) + 5 = [5, 7, -253]
//	      SRDHM(acc, 2^30) = acc/2, halves up: [3, 4, -126]; + 3 = [6, 7, -123]
//	ch 1: x - 1 = [-1, 126, 4]  acc = -3(x-1) - 7 = [-4, -385, -19]
//	      SRDHM: [-2, -192, -9]; RDBPOT(., 1), halves away from 0: [-1, -96, -5]; + 3 = [2, -93, -2]
//	ch 0: x - 1 = [126, -129, -1]  acc = [257, -253, 3]
//	      SRDHM: [129, -126, 2]; + 3 = [132 -> 127, -123, 5]
//	ch 1: x - 1 = [-129, 126, -2]  acc = [380, -385, -1]
//	      SRDHM: [190, -192, 0]; RDBPOT: [95, -96, 0]; + 3 = [98, -93, 3]
func TestAffineHandChecked(t *testing.T) {
	in := ints8(1, 2, -128, 0, 127, 5, 127, -128, 0, -128, 127, -1)
	weight, bias := ints8(2, -3), []int32{5, -7}
	p := AffineParams{N: 2, C: 2, Inner: 3, InputOffset: -1, OutputOffset: 3,
		Out: []Requant{{1 << 30, 0}, {1 << 30, -1}}, ActMin: -128, ActMax: 127}
	out := make([]int8, len(in))
	Affine(&p, in, weight, bias, out)
	expectExact(t, "full range", out, ints8(6, 7, -123, 2, -93, -2, 127, -123, 5, 98, -93, 3))

	p.ActMin, p.ActMax = -10, 20
	Affine(&p, in, weight, bias, out)
	expectExact(t, "clamped to [-10, 20]", out, ints8(6, 7, -10, 2, -10, -2, 20, -10, 5, 20, -10, 3))

	// In place: each element reads only its own input.
	p.ActMin, p.ActMax = -128, 127
	inPlace := append([]int8{}, in...)
	Affine(&p, inPlace, weight, bias, inPlace)
	expectExact(t, "in place", inPlace, ints8(6, 7, -123, 2, -93, -2, 127, -123, 5, 98, -93, 3))
}

// Affine is Conv with Groups == C and a 1x1 filter: TFLite's depthwise
// convolution with depth multiplier 1.
func TestAffineIsDepthwise1x1(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, c, h, w = 3, 5, 4, 3
	in := randInt8s(rng, n*c*h*w)
	weight := randInt8s(rng, c)
	bias := make([]int32, c)
	for i := range bias {
		bias[i] = rng.Int32N(200001) - 100000
	}
	for _, perChannel := range []bool{true, false} {
		out := randRequants(rng, c)
		if !perChannel {
			out = out[:1]
		}
		ap := AffineParams{N: n, C: c, Inner: h * w, InputOffset: 9, OutputOffset: -4, Out: out, ActMin: -120, ActMax: 100}
		got := make([]int8, len(in))
		Affine(&ap, in, weight, bias, got)
		cp := ConvParams{N: n, C: c, H: h, W: w, F: c, KH: 1, KW: 1, OH: h, OW: w,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: c,
			InputOffset: 9, OutputOffset: -4, Out: out, ActMin: -120, ActMax: 100}
		want := make([]int8, len(in))
		Conv(&cp, in, weight, bias, want)
		expectExact(t, fmt.Sprintf("per-channel %v", perChannel), got, want)
	}
}

// Against its float shadow: with the weights and biases the quantize pass
// chooses (S_w[c] = |a[c]| / 127, weight ±127, bias b[c] / (S_in S_w[c])
// rounded), dequant(out) is a[c] dequant(x) + b[c] to within one output
// step wherever the result is not clamped — within half a step plus the
// bias's rounding and the double rounding of the rescale, which moves a
// result by at most one step only near a tie.
func TestAffineFloatShadow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		c := 1 + rng.IntN(6)
		inner := 1 + rng.IntN(9)
		sIn := float32(0.001 + 0.2*rng.Float64())
		zIn := int32(rng.IntN(256) - 128)
		a, b := make([]float64, c), make([]float64, c)
		for i := range a {
			a[i] = (rng.Float64()*2 - 1) * 4
			b[i] = (rng.Float64()*2 - 1) * 3
		}
		// The output's range: the image of the input's, which holds 0.
		lo, hi := 0.0, 0.0
		for i := range a {
			for _, q := range []float64{-128, 127} {
				y := a[i]*float64(sIn)*(q-float64(zIn)) + b[i]
				lo, hi = math.Min(lo, y), math.Max(hi, y)
			}
		}
		sOut := float32((hi - lo) / 255)
		zOut := int32(math.Round(-128 - lo/float64(sOut)))
		zOut = min(max(zOut, -128), 127)

		weight, bias := make([]int8, c), make([]int32, c)
		p := AffineParams{N: 1, C: c, Inner: inner, InputOffset: -zIn, OutputOffset: zOut, ActMin: -128, ActMax: 127}
		for i := range a {
			sw := float32(math.Abs(a[i]) / 127)
			weight[i] = int8(math.Round(a[i] / float64(sw)))
			bias[i] = int32(math.Round(b[i] / float64(sIn*sw)))
			p.Out = append(p.Out, requant(fixedpoint.ConvMultiplier(sIn, sw, sOut)))
		}
		in := randInt8s(rng, c*inner)
		out := make([]int8, len(in))
		Affine(&p, in, weight, bias, out)
		for i, q := range out {
			ch := i / inner
			want := a[ch]*float64(sIn)*float64(int32(in[i])-zIn) + b[ch]
			exact := want/float64(sOut) + float64(zOut)
			if exact <= -128 || exact >= 127 {
				continue
			}
			if d := math.Abs(float64(int32(q)) - exact); d > 1 {
				t.Fatalf("trial %d, element %d: %d, the float result is %.3f steps (%.3f off)", trial, i, q, exact, d)
			}
		}
	}
}

func TestAffineChecks(t *testing.T) {
	base := AffineParams{N: 1, C: 2, Inner: 2, Out: []Requant{{1 << 30, 0}}, ActMin: -128, ActMax: 127}
	in, weight, bias, out := make([]int8, 4), make([]int8, 2), make([]int32, 2), make([]int8, 4)
	for _, c := range []struct {
		name   string
		modify func(p *AffineParams)
	}{
		{"negative inner", func(p *AffineParams) { p.Inner = -1 }},
		{"three requants for two channels", func(p *AffineParams) { p.Out = make([]Requant, 3) }},
		{"activation beyond int8", func(p *AffineParams) { p.ActMin = -129 }},
		{"shift beyond 30", func(p *AffineParams) { p.Out = []Requant{{1 << 30, 31}} }},
		{"wrong channel count", func(p *AffineParams) { p.C = 3 }},
	} {
		p := base
		c.modify(&p)
		if !panics(func() { Affine(&p, in, weight, bias, out) }) {
			t.Errorf("%s: Affine did not panic", c.name)
		}
	}
	if panics(func() { p := base; Affine(&p, in, weight, bias, out) }) {
		t.Error("valid parameters panicked")
	}
}
