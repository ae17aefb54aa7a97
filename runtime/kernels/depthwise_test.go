package kernels

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// TestDepthwiseGrid compares DepthwiseGrid on every kernel set with the
// sums and requantization written out, over random grids and filters:
// 1 to 4 channels, 1 to 6 rows of 1 to 30 positions with 1 to all of
// them valid (rows shorter and longer than 8, whole and partial blocks
// of 16), 1 to 25 taps at random offsets (odd and even counts), extreme
// weights and inputs, per-channel and per-tensor rescales, zero and
// other biases. Bytes past the outputs stay untouched.
func TestDepthwiseGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	extremes := []int8{-128, 127, -127, 0, 1, -1}
	pick := func() int8 {
		if rng.IntN(3) == 0 {
			return extremes[rng.IntN(len(extremes))]
		}
		return int8(rng.IntN(256) - 128)
	}
	eachKernel(t, func(t *testing.T) {
		set := Set{active()}
		for i := range 400 {
			n, rows, width, taps := 1+rng.IntN(4), 1+rng.IntN(6), 1+rng.IntN(30), 1+rng.IntN(25)
			valid, cols := 1+rng.IntN(width), rows*width
			offs := make([]int, taps)
			for j := range offs {
				offs[j] = rng.IntN(60)
			}
			w := make([]int8, n*taps)
			for j := range w {
				w[j] = pick()
			}
			plane := DepthwiseLen(cols, offs) + rng.IntN(3)
			x := make([]int8, (n-1)*plane+DepthwiseLen(cols, offs))
			for j := range x {
				x[j] = pick()
			}
			bias, mult, shift := make([]int32, n), make([]int32, n), make([]int32, n)
			for ch := range n {
				if i%2 == 0 {
					bias[ch] = rng.Int32N(1<<20) - 1<<19
				}
				mult[ch], shift[ch] = 1<<30+rng.Int32N(1<<30), int32(rng.IntN(12)-10)
			}
			if i%3 == 0 {
				mult, shift = mult[:1], shift[:1]
			}
			off, lo, hi := int32(rng.IntN(41)-20), int32(-128+rng.IntN(20)), int32(127-rng.IntN(20))
			want := make([]int8, n*rows*valid+5)
			for j := range want {
				want[j] = 99
			}
			got := append([]int8(nil), want...)
			for ch := range n {
				m, s := mult[min(ch, len(mult)-1)], shift[min(ch, len(shift)-1)]
				for r := range rows {
					for col := range valid {
						acc := bias[ch]
						for j, o := range offs {
							acc += int32(w[ch*taps+j]) * int32(x[ch*plane+r*width+col+o])
						}
						v := fixedpoint.MultiplyByQuantizedMultiplier(acc, m, int(s)) + off
						want[(ch*rows+r)*valid+col] = int8(min(max(v, lo), hi))
					}
				}
			}
			set.DepthwiseGrid(n, rows, width, valid, x, plane, offs, w, bias, mult, shift, off, lo, hi, got, make([]int32, DepthwiseScratchSize(cols)))
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("case %d (%d channels of %d rows of %d, %d valid, %d taps): byte %d is %d, want %d", i, n, rows, width, valid, taps, j, got[j], want[j])
				}
			}
		}
	})
}

// TestDepthwiseGridArgs: inconsistent arguments panic with what is wrong.
func TestDepthwiseGridArgs(t *testing.T) {
	set := Set{portableSet}
	type args struct {
		n, rows, width, valid, plane int
		x, w, out                    []int8
		offs                         []int
		bias, mult, scratch          []int32
	}
	good := func() args {
		offs := []int{0, 1, 5}
		plane := DepthwiseLen(20, offs)
		return args{n: 2, rows: 4, width: 5, valid: 3, plane: plane, x: make([]int8, 2*plane), w: make([]int8, 6), out: make([]int8, 24),
			offs: offs, bias: make([]int32, 2), mult: []int32{1 << 30}, scratch: make([]int32, DepthwiseScratchSize(20))}
	}
	for _, c := range []struct {
		name, want string
		edit       func(a *args)
	}{
		{"no rows", "2 channels of 0 rows of 5 (3 valid)", func(a *args) { a.rows = 0 }},
		{"valid past the width", "4 rows of 5 (6 valid)", func(a *args) { a.valid = 6 }},
		{"weights short", "3 offsets, 5 weights", func(a *args) { a.w = a.w[:5] }},
		{"negative offset", "tap offset -1", func(a *args) { a.offs = []int{0, -1, 5} }},
		{"planes overlap", "planes 36 apart; each needs 37", func(a *args) { a.plane = 36 }},
		{"input short", "input of 73 bytes, planes 37 apart; each needs 37", func(a *args) { a.x = a.x[:73] }},
		{"output short", "23 outputs for 2 channels of 4x3", func(a *args) { a.out = a.out[:23] }},
		{"scratch short", "scratch of 10 int32", func(a *args) { a.scratch = a.scratch[:10] }},
		{"biases short", "1 biases for 2 channels", func(a *args) { a.bias = a.bias[:1] }},
	} {
		a := good()
		c.edit(&a)
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			set.DepthwiseGrid(a.n, a.rows, a.width, a.valid, a.x, a.plane, a.offs, a.w, a.bias, a.mult, []int32{0}, 0, -128, 127, a.out, a.scratch)
			return ""
		}()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: panicked with %q, want it to say %q", c.name, msg, c.want)
		}
	}
}
