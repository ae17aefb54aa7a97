package kernels

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// emulatedTile is the contract of the R x P tiles over the zmm layout
// (dot_zmm_amd64.s's and dot_vnni_amd64.s's) in Go: VPDPBUSD's sums of
// u8 weight x s8 activation quads per column, less each row's
// correction. It stands in for the assembly on CPUs without VNNI, so that
// the Go side of the VPDPBUSD sets (the layout, the padded copy, the
// correction, tiling, requantization) is tested everywhere; the tiles
// themselves run where the CPU has VNNI.
func emulatedTile(R, P int) u8Tile {
	return func(kq int, x *int8, ldx int, w *uint8, ldw int, acc *int32, ldacc int, corr *int32) {
		xs := unsafe.Slice(x, (R-1)*ldx+4*kq)
		ws := unsafe.Slice(w, (P-1)*ldw+64*kq)
		cs := unsafe.Slice(corr, R)
		for r := range R {
			out := unsafe.Slice((*int32)(unsafe.Add(unsafe.Pointer(acc), r*ldacc)), 16*P)
			for p := range P {
				for c := range 16 {
					var sum int32
					for q := range kq {
						for t := range 4 {
							sum += int32(xs[r*ldx+4*q+t]) * int32(ws[p*ldw+64*q+4*c+t])
						}
					}
					out[16*p+c] = sum - cs[r]
				}
			}
		}
	}
}

// TestVNNIGoSide runs the dense cases through matMulRequantU8 with the
// emulated tiles of every shape the avxvnni set has, and its AVX2
// requantization.
func TestVNNIGoSide(t *testing.T) {
	var tiles [6][8]u8Tile
	for r := range 6 {
		for p := range 8 {
			if vnniTiles[r][p] != nil {
				tiles[r][p] = emulatedTile(r+1, p+1)
			}
		}
	}
	emulated := &kernelSet{name: "avxvnni", lacks: func() string { return "" },
		matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
			matMulRequantU8(&tiles, &vnniTilePanels, false, m, x, lda, p, &q, out, ldo, scratch)
		},
		matMulRequantRHS: rhsAVX2}
	if err := selfTest(emulated); err != nil {
		t.Fatal(err)
	}
	defer useSet(emulated)()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		c := newCase(rng, 1+rng.IntN(70), 1+rng.IntN(120), 1+rng.IntN(70), i%2 == 0)
		c.run(t, Pack(c.w, c.n, c.k))
	}
	for _, m := range []int{1, 7, 13, 64} {
		c := newCase(rng, m, 300, 784, m%2 == 1)
		c.run(t, Pack(c.w, c.n, c.k))
	}
}
