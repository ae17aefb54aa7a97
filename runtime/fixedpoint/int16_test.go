// Tests for int16.go: hand-checked values at the boundaries, properties from
// the definitions, and hashes of TFLite's and gemmlowp's own results.

package fixedpoint

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"testing"
)

func TestSaturatingRoundingDoublingHighMul16(t *testing.T) {
	for _, c := range []struct{ a, b, want int16 }{
		// The only overflow: (-2^15)^2 * 2 / 2^16 = 2^15.
		{math.MinInt16, math.MinInt16, math.MaxInt16},
		// -32768*32767 = -32767 * 2^15 exactly; the nudge -(2^14-1) does not
		// reach the next multiple, and the division truncates toward zero.
		{math.MinInt16, math.MaxInt16, -32767},
		// 32767^2 = 32766 * 2^15 + 1; + 2^14 is still below 32767 * 2^15.
		{math.MaxInt16, math.MaxInt16, 32766},
		{math.MinInt16, -32767, 32767},
		{math.MinInt16, 1 << 14, -(1 << 14)},
		{0, math.MinInt16, 0},
		// Exact ties round toward +infinity: 0.5 -> 1, -0.5 -> 0, -1.5 -> -1,
		// 1.5 -> 2 (ab = ±16384, ±49152).
		{1, 1 << 14, 1},
		{-1, 1 << 14, 0},
		{-3, 1 << 14, -1},
		{3, 1 << 14, 2},
		// Just past the negative tie: ab = -16385, -0.50003 -> -1.
		{-(1 << 14) - 1, 1, -1},
		// Just short of the positive tie: ab = 16383, 0.49997 -> 0.
		{(1 << 14) - 1, 1, 0},
	} {
		if got := SaturatingRoundingDoublingHighMul16(c.a, c.b); got != c.want {
			t.Errorf("SaturatingRoundingDoublingHighMul16(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := SaturatingRoundingDoublingHighMul16(c.b, c.a); got != c.want {
			t.Errorf("SaturatingRoundingDoublingHighMul16(%d, %d) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}

func TestSaturatingDoublingHighMul16(t *testing.T) {
	for _, c := range []struct{ a, b, want int16 }{
		{math.MinInt16, math.MinInt16, math.MaxInt16},
		{math.MinInt16, math.MaxInt16, -32767},
		// 32767^2 / 2^15 = 32766.00003, truncated.
		{math.MaxInt16, math.MaxInt16, 32766},
		{math.MinInt16, -32767, 32767},
		// No rounding: 0.5 -> 0, -0.5 -> 0, 1.5 -> 1, -1.5 -> -1.
		{1, 1 << 14, 0},
		{-1, 1 << 14, 0},
		{3, 1 << 14, 1},
		{-3, 1 << 14, -1},
		// Truncation toward zero, not an arithmetic shift (which floors):
		// -32767 / 2^15 = -0.99997 -> 0.
		{-32767, 1, 0},
		{math.MinInt16, 1, -1},
		{1 << 14, 1 << 14, 1 << 13},
		{-(1 << 14), 1 << 14, -(1 << 13)},
	} {
		if got := SaturatingDoublingHighMul16(c.a, c.b); got != c.want {
			t.Errorf("SaturatingDoublingHighMul16(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := SaturatingDoublingHighMul16(c.b, c.a); got != c.want {
			t.Errorf("SaturatingDoublingHighMul16(%d, %d) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}

func TestSaturatingLeftShift16(t *testing.T) {
	for _, c := range []struct {
		v      int16
		amount int
		want   int16
	}{
		{12345, 0, 12345},
		{math.MinInt16, 0, math.MinInt16},
		{1, 14, 1 << 14},
		{1, 15, math.MaxInt16},  // 2^15 saturates
		{-1, 15, math.MinInt16}, // -2^15 is exact
		{-2, 15, math.MinInt16},
		{255, 7, 32640},
		{256, 7, math.MaxInt16},
		{-256, 7, math.MinInt16},
		{-257, 7, math.MinInt16},
		{1, 30, math.MaxInt16},
		{-1, 30, math.MinInt16},
		{0, 30, 0},
	} {
		if got := SaturatingLeftShift16(c.v, c.amount); got != c.want {
			t.Errorf("SaturatingLeftShift16(%d, %d) = %d, want %d", c.v, c.amount, got, c.want)
		}
	}
}

func TestRoundingDivideByPOT16(t *testing.T) {
	for _, c := range []struct {
		x        int16
		exponent int
		want     int16
	}{
		{math.MinInt16, 0, math.MinInt16},
		{math.MaxInt16, 0, math.MaxInt16},
		// Ties away from zero.
		{1, 1, 1},
		{-1, 1, -1},
		{3, 1, 2},
		{-3, 1, -2},
		{5, 2, 1},   // 1.25
		{6, 2, 2},   // 1.5
		{-6, 2, -2}, // -1.5
		{-5, 2, -1}, // -1.25
		{-7, 2, -2}, // -1.75
		// exponent 15, the largest that divides.
		{math.MinInt16, 15, -1},
		{math.MaxInt16, 15, 1}, // 0.99997
		{1 << 14, 15, 1},       // 0.5
		{-(1 << 14), 15, -1},   // -0.5
		{-(1 << 14) + 1, 15, 0},
		{1<<14 - 1, 15, 0},
		// From 16 on the int16 mask is -1: 1 for x >= 0, -1 for x < 0.
		{0, 16, 1},
		{5, 16, 1},
		{math.MaxInt16, 31, 1},
		{0, 31, 1},
		{-1, 16, -1},
		{math.MinInt16, 20, -1},
	} {
		if got := RoundingDivideByPOT16(c.x, c.exponent); got != c.want {
			t.Errorf("RoundingDivideByPOT16(%d, %d) = %d, want %d", c.x, c.exponent, got, c.want)
		}
	}
}

func TestDownScaleInt32ToInt16Multiplier(t *testing.T) {
	for _, c := range []struct {
		m    int32
		want int16
	}{
		{0, 0},
		{32767, 0},
		{32768, 1}, // 0.5 rounds up
		{1 << 30, 1 << 14},
		{1<<30 + 32767, 1 << 14},
		{1<<30 + 32768, 1<<14 + 1},
		{32766<<16 + 32767, 32766},
		{32766<<16 + 32768, 32767},
		// (m + 2^15) >> 16 would be 2^15 from here on: saturated.
		{math.MaxInt32 - 1<<15 - 1, 32767},
		{math.MaxInt32 - 1<<15, math.MaxInt16},
		{math.MaxInt32, math.MaxInt16},
	} {
		if got := DownScaleInt32ToInt16Multiplier(c.m); got != c.want {
			t.Errorf("DownScaleInt32ToInt16Multiplier(%d) = %d, want %d", c.m, got, c.want)
		}
	}
	if !mustPanic(func() { DownScaleInt32ToInt16Multiplier(-1) }) {
		t.Error("DownScaleInt32ToInt16Multiplier(-1) did not panic")
	}
}

// oracle16Multipliers are the second operands of the int16 product tests:
// boundaries, then 16 values from gemmlowpRand seeded with 1 (the high 16
// bits of each draw).
func oracle16Multipliers() []int16 {
	bs := []int16{math.MinInt16, -32767, -16385, -16384, -16383, -3, -2, -1, 0, 1, 2, 3, 16383, 16384, 16385, math.MaxInt16}
	r := gemmlowpRand{1}
	for range 16 {
		bs = append(bs, int16(r.u32()>>16))
	}
	return bs
}

// TestInt16Properties checks the products against their definitions on
// every a and the multipliers of oracle16Multipliers: the rounding product
// is floor((ab + 2^14) / 2^15) (ties toward +infinity), the truncating one
// ab / 2^15 toward zero, both saturated at MinInt16 * MinInt16.
func TestInt16Properties(t *testing.T) {
	for _, b := range oracle16Multipliers() {
		for a := math.MinInt16; a <= math.MaxInt16; a++ {
			ab := int64(a) * int64(b)
			round := int64(math.Floor(float64(ab+1<<14) / (1 << 15)))
			trunc := ab / (1 << 15)
			round, trunc = min(round, math.MaxInt16), min(trunc, math.MaxInt16)
			if got := SaturatingRoundingDoublingHighMul16(int16(a), b); int64(got) != round {
				t.Fatalf("SaturatingRoundingDoublingHighMul16(%d, %d) = %d, want %d", a, b, got, round)
			}
			if got := SaturatingDoublingHighMul16(int16(a), b); int64(got) != trunc {
				t.Fatalf("SaturatingDoublingHighMul16(%d, %d) = %d, want %d", a, b, got, trunc)
			}
		}
	}
	for e := range 16 {
		for x := math.MinInt16; x <= math.MaxInt16; x++ {
			q := float64(x) / float64(int(1)<<e)
			want := int64(math.Round(q)) // ties away from zero
			if got := RoundingDivideByPOT16(int16(x), e); int64(got) != want {
				t.Fatalf("RoundingDivideByPOT16(%d, %d) = %d, want %d", x, e, got, want)
			}
		}
	}
}

// TestInt16OracleHashes compares FNV-1a-64 hashes of the functions' results
// (int16 values as 2 little-endian bytes) with those of a C++ program that
// calls gemmlowp's (fixedpoint/fixedpoint.h, commit 16e8662c) and TFLite
// Micro's (kernels/internal/reference/hard_swish.h and common.h, commit
// 90b983c2) on the same inputs: for the products, every a for each b of
// oracle16Multipliers (b outer); for RoundingDivideByPOT16 exponents 0..31
// and for SaturatingLeftShift16 amounts 0..30 (outer) by every x; for
// DownScaleInt32ToInt16Multiplier a list of boundaries followed by 2^16
// draws u32 >> 1 continuing the generator of oracle16Multipliers.
func TestInt16OracleHashes(t *testing.T) {
	bs := oracle16Multipliers()
	type hashed struct {
		name string
		want uint64
		each func(emit func(int16))
	}
	all := func(f func(x int16) int16) func(func(int16)) {
		return func(emit func(int16)) {
			for x := math.MinInt16; x <= math.MaxInt16; x++ {
				emit(f(int16(x)))
			}
		}
	}
	cases := []hashed{
		{"SaturatingRoundingDoublingHighMul16", 0x81b75b03316de440, func(emit func(int16)) {
			for _, b := range bs {
				all(func(a int16) int16 { return SaturatingRoundingDoublingHighMul16(a, b) })(emit)
			}
		}},
		{"SaturatingDoublingHighMul16", 0x2e07014e141c9e9b, func(emit func(int16)) {
			for _, b := range bs {
				all(func(a int16) int16 { return SaturatingDoublingHighMul16(a, b) })(emit)
			}
		}},
		{"RoundingDivideByPOT16", 0xdcb9dbca9856b4af, func(emit func(int16)) {
			for e := 0; e <= 31; e++ {
				all(func(x int16) int16 { return RoundingDivideByPOT16(x, e) })(emit)
			}
		}},
		{"SaturatingLeftShift16", 0x655d8bfd5112faa1, func(emit func(int16)) {
			for e := 0; e <= 30; e++ {
				all(func(x int16) int16 { return SaturatingLeftShift16(x, e) })(emit)
			}
		}},
		{"DownScaleInt32ToInt16Multiplier", 0xbadf46aa7d21d557, func(emit func(int16)) {
			ms := []int32{0, 1, 32767, 32768, 65535, 65536, 98303, 98304, 1 << 30, 1<<30 + 32767, 1<<30 + 32768,
				2147450879, 2147450880, 2147483646, 2147483647, 2147418111, 2147418112}
			r := gemmlowpRand{1}
			for range 16 {
				r.next() // the draws of oracle16Multipliers
			}
			for range 1 << 16 {
				ms = append(ms, int32(r.u32()>>1))
			}
			for _, m := range ms {
				emit(DownScaleInt32ToInt16Multiplier(m))
			}
		}},
	}
	for _, c := range cases {
		h := fnv.New64a()
		var b [2]byte
		c.each(func(v int16) {
			binary.LittleEndian.PutUint16(b[:], uint16(v))
			h.Write(b[:])
		})
		if got := h.Sum64(); got != c.want {
			t.Errorf("%s: hash %016x, TFLite's %016x", c.name, got, c.want)
		}
	}
}
