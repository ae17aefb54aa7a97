package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestTileShapes covers the edges of the tiles: batches of 1 to 13 rows
// (whole and partial tiles of 4 and 6 rows), outputs on either side of
// the 8 or 16 of a panel and of the 4 or 8 panels a tile takes at once, k
// on either side of multiples of 4 and 16, row strides past the row ends,
// and the extreme products: every activation and weight -128 (the pair of
// -128*-128 products a 16-bit sum could not hold), -128 against 127, or
// random values with both extremes frequent. MatMul's int32 sums are
// compared exactly; MatMulRequant and MatMulRequantRHS against ref.Dense.
func TestTileShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	var cases []*denseCase
	i := 0
	for m := 1; m <= 13; m++ {
		for _, n := range []int{1, 3, 7, 8, 9, 16, 17, 25, 32, 41, 100, 128, 150} {
			for _, k := range []int{1, 2, 3, 4, 5, 7, 15, 16, 17, 33, 64, 101} {
				c := newCase(rng, m, n, k, i%2 == 0)
				switch i % 3 {
				case 0:
					fillInt8(c.x, -128)
					fillInt8(c.w, -128)
				case 1:
					fillInt8(c.x, -128)
					fillInt8(c.w, 127)
				}
				c.reference()
				cases = append(cases, c)
				i++
			}
		}
	}
	eachKernel(t, func(t *testing.T) {
		for _, c := range cases {
			p := Pack(c.w, c.n, c.k)
			c.run(t, p)
			c.runRHS(t, p)
			c.runMatMul(t, p)
		}
	})
}

func fillInt8(b []int8, v int8) {
	for i := range b {
		b[i] = v
	}
}

// runMatMul compares MatMul's int32 sums with plain Go's, written with
// the case's strides (ldacc = ldo); the padding between rows must be left
// alone.
func (c *denseCase) runMatMul(t *testing.T, p *PackedWeights) {
	t.Helper()
	const guard = -0x5a5a5a5a
	acc := make([]int32, (c.m-1)*c.ldo+c.n)
	fillInt32(acc, guard)
	scratch := make([]int32, ScratchSize(p, c.m))
	fillInt32(scratch, -1)
	MatMul(c.m, c.x, c.lda, p, acc, c.ldo, scratch)
	for r := range c.m {
		for j := range c.n {
			var want int32
			for i := range c.k {
				want += int32(c.x[r*c.lda+i]) * int32(c.w[j*c.k+i])
			}
			if got := acc[r*c.ldo+j]; got != want {
				t.Fatalf("MatMul m=%d n=%d k=%d: acc[%d][%d] = %d, want %d", c.m, c.n, c.k, r, j, got, want)
			}
		}
		for j := c.n; j < c.ldo && r < c.m-1; j++ {
			if acc[r*c.ldo+j] != guard {
				t.Fatalf("MatMul m=%d n=%d k=%d: wrote acc[%d][%d] past the row", c.m, c.n, c.k, r, j)
			}
		}
	}
}

func fillInt32(b []int32, v int32) {
	for i := range b {
		b[i] = v
	}
}
