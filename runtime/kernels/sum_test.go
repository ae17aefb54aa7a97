package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestSumInt8 compares SumInt8 with a plain int32 loop over lengths 0
// to 2,100 (partial words, whole 128-word runs and more), values of
// every kind and all-extreme runs, and a sum that wraps int32.
func TestSumInt8(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	plain := func(x []int8) int32 {
		var s int32
		for _, v := range x {
			s += int32(v)
		}
		return s
	}
	buf := make([]int8, 2200)
	for n := 0; n <= 2100; n += 1 + n/50 {
		for fill := range 3 {
			for i := range buf {
				switch fill {
				case 0:
					buf[i] = int8(rng.IntN(256) - 128)
				case 1:
					buf[i] = -128
				default:
					buf[i] = 127
				}
			}
			for off := range 3 { // starts off a word boundary
				x := buf[off : off+n]
				if got, want := SumInt8(x), plain(x); got != want {
					t.Fatalf("%d values from %d, fill %d: %d, want %d", n, off, fill, got, want)
				}
			}
		}
	}
	big := make([]int8, 17_000_000) // 17,000,000 * 127 passes 2^31
	for i := range big {
		big[i] = 127
	}
	if got, want := SumInt8(big), plain(big); got != want {
		t.Errorf("17,000,000 values of 127: %d, want %d (wrapped)", got, want)
	}
}

func BenchmarkSumInt8(b *testing.B) {
	x := make([]int8, 49)
	for b.Loop() {
		sumSink += SumInt8(x)
	}
}

var sumSink int32
