package ref

import (
	"math"
	"strings"
	"testing"
)

func runHardSigmoid(t *testing.T, inScale float32, inZero int32, in []int8) []int8 {
	t.Helper()
	p, err := HardSigmoidParamsFor(inScale, inZero)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int8, len(in))
	Requantize(&p, in, out)
	return out
}

// hardSigmoidExact is the real hard_sigmoid of q on the output scale, before
// rounding: 256 * clamp((x+3)/6, 0, 1) - 128 with x = S_in (q - Z_in), in
// float64.
func hardSigmoidExact(inScale float32, inZero int32, q int8) float64 {
	x := float64(inScale) * float64(int32(q)-inZero)
	return 256*min(max((x+3)/6, 0), 1) - 128
}

// TestHardSigmoidHandChecked follows the arithmetic by hand.
func TestHardSigmoidHandChecked(t *testing.T) {
	for _, c := range []struct {
		name    string
		scale   float32
		zero    int32
		wantR   Requant
		q, want []int8
	}{
		// S_in = 3/256: M = 3/256 * 128/3 = 0.5 exactly = 2^30 * 2^(0-31).
		// MBQM(d, 2^30, 0) = SRDHM(d, 2^30) = d/2 with ties up:
		//   d = 1: 0.5 -> 1 (float: -128 + round(128.5) = 1)
		//   d = -1: -0.5 -> 0 (float: -128 + round(127.5) = 0)
		//   d = 127: 63.5 -> 64; d = -128: -64 exactly
		// With Z_in = 10 the same values come from q = d + 10.
		{"S=3/256", 3.0 / 256, 0, Requant{1 << 30, 0},
			[]int8{1, -1, 127, -128, 0}, []int8{1, 0, 64, -64, 0}},
		{"S=3/256, Z=10", 3.0 / 256, 10, Requant{1 << 30, 0},
			[]int8{11, 9, 127, -118, 10}, []int8{1, 0, 59, -64, 0}},
		// S_in = float32(0.1) = 0.100000001490116: M = 4.266666730 =
		// 0.533333341 * 2^3, m = round(0.533333341 * 2^31) = 1145324629.
		//   q = 10 (x = 1): SRDHM(10 * 2^3, m) = round(42.667) = 43
		//     (float: 256 * 4/6 - 128 = 42.67 -> 43)
		//   q = 30 (x = 3): 128.0000019 -> 128, clamped to 127
		//   q = -30 (x = -3): -128.0000019 -> -128
		//   q = -29 (x = -2.9): round(-123.73) = -124
		//     (float: 256 * 0.1/6 - 128 = -123.73)
		{"S=0.1", 0.1, 0, Requant{1145324629, 3},
			[]int8{10, 30, -30, -29, 127, -128}, []int8{43, 127, -128, -124, 127, -128}},
		// S_in = 3/512: M = 0.25 = 2^30 * 2^(-1-31), a right shift of 1, so
		// two roundings. The float formula rounds x*128/3 = d/4 once; here
		// SRDHM(d, 2^30) rounds d/2 (ties up), then RDBPOT(., 1) rounds
		// again (ties away from zero):
		//   d = 2: 0.5 -> 1 -> 1 (float 0.5 -> 1, agrees)
		//   d = 1: 0.5 -> 1, then RDBPOT(1, 1) = 0.5 -> 1; the float
		//     formula rounds 0.25 to 0: one step off
		//   d = -1: -0.5 -> 0 -> 0 (float -0.25 -> 0, agrees)
		//   d = -2: -1, then RDBPOT(-1, 1) = -0.5 -> -1; the float formula
		//     rounds the tie -0.5 (-128 + round(127.5)) to 0: one step off
		{"S=3/512", 3.0 / 512, 0, Requant{1 << 30, -1},
			[]int8{2, 1, -1, -2}, []int8{1, 1, 0, -1}},
	} {
		p, err := HardSigmoidParamsFor(c.scale, c.zero)
		if err != nil {
			t.Fatal(err)
		}
		if p.R != c.wantR || p.InputOffset != -c.zero || p.OutputOffset != 0 {
			t.Errorf("%s: parameters %+v, want offsets %d, 0 and %+v", c.name, p, -c.zero, c.wantR)
		}
		expectExact(t, c.name, runHardSigmoid(t, c.scale, c.zero, c.q), c.want)
	}
}

// TestHardSigmoidFloatShadow runs all 256 inputs for several scales and zero
// points against -128 + round(256 * clamp((x+3)/6, 0, 1)) in float64: within
// 1 step, and within 0.5 + 2^-(r+1) steps of the unrounded value, r the
// right shift (see hardsigmoid.go for why).
//
// Observed (go test -run HardSigmoidFloatShadow -v): no difference at all
// for the nine ranges with r = 0 (S_in >= 3/256), at most 0.498 step from
// the exact value; one-step differences at 86, 21 and 4 of the 256 inputs
// for [-1, 1] (r = 1), [-0.5, 0.5] (r = 2) and [-0.1, 0.2] (r = 4), at most
// 0.665, 0.622 and 0.529 step from the exact value: the double rounding's
// 0.5 + 2^-(r+1).
func TestHardSigmoidFloatShadow(t *testing.T) {
	in := make([]int8, 256)
	for i := range in {
		in[i] = int8(i - 128)
	}
	for _, c := range []struct{ lo, hi float32 }{
		{-6, 6}, {-3, 3}, {-8, 8}, {-10, 10}, {-20, 20}, {-100, 100},
		{-4, 12}, {-12.3, 3.7}, {-1.5, 1.5}, {-1, 1}, {-0.5, 0.5}, {-0.1, 0.2},
	} {
		scale, zero := tfliteQuantParams(c.lo, c.hi, -128, 127)
		p, err := HardSigmoidParamsFor(scale, zero)
		if err != nil {
			t.Fatal(err)
		}
		r := max(-p.R.Shift, 0)
		bound := 0.5 + math.Ldexp(1, -(r+1)) + 1e-6
		out := runHardSigmoid(t, scale, zero, in)
		differ := 0
		var worst float64
		for i, q := range in {
			exact := hardSigmoidExact(scale, zero, q)
			want := min(math.Round(exact+128)-128, 127) // round(256 * clamp(...)) - 128
			d := math.Abs(float64(out[i]) - want)
			if d > 1 {
				t.Errorf("[%g, %g]: q %d gives %d, float formula %g", c.lo, c.hi, q, out[i], want)
			}
			if d != 0 {
				differ++
			}
			e := math.Abs(float64(out[i]) - min(exact, 127))
			worst = max(worst, e)
			if e > bound {
				t.Errorf("[%g, %g]: q %d gives %d, %.4f steps from %g, beyond %.4f", c.lo, c.hi, q, out[i], e, exact, bound)
			}
		}
		t.Logf("[%g, %g]: scale %g zero %d shift %d: %d of 256 differ from the float formula; worst %.3f steps from the exact value",
			c.lo, c.hi, scale, zero, p.R.Shift, differ, worst)
		if r == 0 && differ != 0 {
			t.Errorf("[%g, %g]: %d differences with a single rounding", c.lo, c.hi, differ)
		}
	}
}

func TestHardSigmoidParamsErrors(t *testing.T) {
	for _, c := range []struct {
		scale float32
		zero  int32
		want  string
	}{
		{0, 0, "input scale 0"},
		{-0.5, 0, "input scale -0.5"},
		{float32(math.NaN()), 0, "input scale NaN"},
		{float32(math.Inf(1)), 0, "input scale +Inf"},
		{0.1, 128, "zero point 128"},
		{0.1, -129, "zero point -129"},
		// 2^23 * 3/128 = 196608 gives M = 2^23 = 0.5 * 2^24.
		{196608, 0, "left shift of 24"},
	} {
		_, err := HardSigmoidParamsFor(c.scale, c.zero)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("HardSigmoidParamsFor(%g, %d) = %v, want an error with %q", c.scale, c.zero, err, c.want)
		}
	}
	// Just below: shift 23, and the extreme inputs saturate.
	out := runHardSigmoid(t, 196607, 0, []int8{-128, -1, 0, 1, 127})
	expectExact(t, "shift 23", out, []int8{-128, -128, 0, 127, 127})
}
