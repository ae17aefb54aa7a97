package kernels

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// emulatedPanel is amxPanel's contract in Go: TDPBSSD's signed sums of
// the configured rows over every chunk. It stands in for the tiles on
// CPUs without AMX, so that the Go side of the amx set (padding,
// configuration, tiling, the slack past the panels) is tested everywhere;
// the tiles themselves run where the CPU has AMX.
func emulatedPanel(cfg *[64]byte, chunks int, a *int8, lda int, b *int8, c *int32, ldc int) {
	rows := int(cfg[48])
	if cfg[0] != 1 || cfg[49] != cfg[48] || cfg[50] != 16 || cfg[16] != 32 || cfg[18] != 64 || cfg[20] != 32 || rows < 1 || rows > 16 {
		panic("amx: bad tile configuration")
	}
	as := unsafe.Slice(a, (rows-1)*lda+64*chunks)
	bs := unsafe.Slice(b, 512*chunks)
	for r := range rows {
		out := unsafe.Slice((*int32)(unsafe.Add(unsafe.Pointer(c), r*ldc)), 8)
		for col := range 8 {
			var sum int32
			for i := range 64 * chunks {
				sum += int32(as[r*lda+i]) * int32(bs[32*(i/4)+4*col+i%4])
			}
			out[col] = sum
		}
	}
}

// TestAMXGoSide runs dense cases of 16 rows or more through the amx set's
// product with the tiles emulated.
func TestAMXGoSide(t *testing.T) {
	emulated := &kernelSet{name: "amx", lacks: func() string { return "" },
		matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
			if m < amxMinRows {
				matMulRequantPortable(m, x, lda, p, &q, out, ldo, scratch)
				return
			}
			matMulRequantTiles(emulatedPanel, m, x, lda, p, &q, out, ldo, scratch)
		},
		matMulRequantRHS: rhsAVX2}
	if err := selfTest(emulated); err != nil {
		t.Fatal(err)
	}
	defer useSet(emulated)()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 60 {
		c := newCase(rng, 16+rng.IntN(40), 1+rng.IntN(40), 1+rng.IntN(150), i%2 == 0)
		c.run(t, Pack(c.w, c.n, c.k))
	}
	for _, m := range []int{16, 17, 64} {
		c := newCase(rng, m, 100, 300, m%2 == 1)
		c.run(t, Pack(c.w, c.n, c.k))
	}
}
