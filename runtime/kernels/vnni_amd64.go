// The VPDPBUSD kernel sets: avx512vnni, whose dense product runs on zmm
// (zmm_amd64.go), and avxvnni (VEX, ymm), whose dense product runs on
// dot_vnni_amd64.s's tiles. Their other products are the AVX2 set's
// (every CPU with either has AVX2).

package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// vnniTile is one tile kernel of dot_vnni_amd64.s.
type vnniTile = func(kq int, x *uint8, ldx int, w *int8, ldw int, acc *int32, ldacc int, corr *int32)

// vnniTilePanels[r] is the number of panels of the tile for blocks of r
// rows (one accumulator a row and panel, at most 12).
var vnniTilePanels = [7]int{0, 4, 3, 2, 2, 2, 2}

// peakVNNIZMM and peakVNNIVEX run the sets' bare loops; see
// peak_amd64.s.
//
//go:noescape
func peakVNNIZMM(iters int)

//go:noescape
func peakVNNIVEX(iters int)

var avx512vnniSet = &kernelSet{
	name: "avx512vnni",
	lacks: func() string {
		if !haveAsm || !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512VNNI {
			return "AVX-512 VNNI (and AVX2)"
		}
		return ""
	},
	matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
		matMulRequantZMM(m, x, lda, p, &q, out, ldo, scratch)
	},
	matMulRequantRHS: rhsZMM,
	peak:             peakVNNIZMM, peakMACs: 24 * 64,
}

var avxvnniSet = &kernelSet{
	name: "avxvnni",
	lacks: func() string {
		if !haveAsm || !cpu.X86.HasAVXVNNI {
			return "AVX-VNNI (and AVX2)"
		}
		return ""
	},
	matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
		matMulRequantVNNI(&vnniTilesVEX, m, x, lda, p, &q, out, ldo, scratch)
	},
	matMulRequantRHS: rhsAVX2,
	peak:             peakVNNIVEX, peakMACs: 12 * 32,
}

// flipRows writes m rows of k int8 (stride lda) as u8 x XOR 0x80, x+128,
// in rows of ldd bytes, 0x80 past k (the weights there are zero).
func flipRows(m int, x []int8, lda, k int, dst []uint8, ldd int) {
	for r := range m {
		src, d := x[r*lda:r*lda+k], dst[r*ldd:(r+1)*ldd]
		for i, v := range src {
			d[i] = uint8(v) ^ 0x80
		}
		for i := k; i < ldd; i++ {
			d[i] = 0x80
		}
	}
}

// matMulRequantVNNI is MatMulRequant on the VPDPBUSD tiles: rows of x
// flipped to u8 quads (in the scratch the AVX2 kernels widen them into,
// which holds twice what they need), the int32 sums with 128 times each
// weight sum taken back, then the AVX2 set's vectorized requantization.
func matMulRequantVNNI(tiles *[6][4]vnniTile, m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	n, np, kq := p.n, p.np, p.kq
	mc := chunkRows(p, m)
	head := scratch[:scratchHead]
	acc := scratch[scratchHead : scratchHead+mc*np*8]
	xw := scratch[scratchHead+mc*np*8 : scratchHead+mc*np*8+mc*kq*2+2]
	xu := unsafe.Slice((*uint8)(unsafe.Pointer(&xw[0])), len(xw)*4)
	bias, bstep, mult, mstep, shift, sstep := requantArgs(q, n, head)
	for r0 := 0; r0 < m; r0 += mc {
		rows := min(mc, m-r0)
		flipRows(rows, x[r0*lda:], lda, p.k, xu, kq*4)
		R := min(6, rows)
		P := vnniTilePanels[R]
		for p0 := 0; p0 < np; p0 += P {
			pp := min(P, np-p0)
			for t0 := 0; t0 < rows; t0 += R {
				rr := min(R, rows-t0)
				tiles[rr-1][pp-1](kq, &xu[t0*kq*4], kq*4, &p.w[p0*kq*32], kq*32, &acc[t0*np*8+p0*8], np*8*4, &p.corr[p0*8])
			}
		}
		_ = out[(r0+rows-1)*ldo+n-1]
		requantRows(rows, n, &acc[0], np*32, &bias[0], bstep, &mult[0], mstep, &shift[0], sstep, &head[24],
			int(q.off), int(q.lo), int(q.hi), &out[r0*ldo], ldo)
	}
}
