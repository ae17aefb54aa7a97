// The AMX kernel set: dense products of 16 rows or more on TDPBSSD
// tiles (amx_amd64.s); fewer rows, and convolutions, run the best other
// set the CPU has.

package kernels

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// amxPanel computes one panel's sums for up to 16 rows; see amx_amd64.s.
//
//go:noescape
func amxPanel(cfg *[64]byte, chunks int, a *int8, lda int, b *int8, c *int32, ldc int)

// peakAMX runs the set's bare loop; see amx_amd64.s.
//
//go:noescape
func peakAMX(cfg *[64]byte, iters int)

// peakAMXFull configures six full tiles (16 rows of 64 bytes) for
// peakAMX.
var peakAMXFull = func() (c [64]byte) {
	c[0] = 1
	for t := range 6 {
		c[16+2*t], c[48+t] = 64, 16
	}
	return c
}()

// amxMinRows is the fewest rows the tiles run: a TDPBSSD on fewer rows
// does a fraction of its work for its whole latency.
const amxMinRows = 16

// amxAllowed asks Linux, once, for the tile data state (see amxPermit).
var amxAllowed = sync.OnceValue(amxPermit)

var amxSet = &kernelSet{
	name: "amx",
	lacks: func() string {
		if !haveAsm || !cpu.X86.HasAMXTile || !cpu.X86.HasAMXInt8 {
			return "AMX-INT8 (and AVX2)"
		}
		if !amxAllowed() {
			return "the OS's permission for AMX tile data (arch_prctl ARCH_REQ_XCOMP_PERM)"
		}
		return ""
	},
	matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
		if m < amxMinRows {
			amxFewRows(m, x, lda, p, q, out, ldo, scratch)
			return
		}
		matMulRequantAMX(m, x, lda, p, &q, out, ldo, scratch)
	},
	matMulRequantRHS: rhsAMX,
	quantize: func(n int, in *float32, scale float32, zero int32, out *int8) {
		if avx512vnniSet.lacks() == "" {
			quantizeZMM(n, in, scale, zero, out)
			return
		}
		quantizeAVX2(n, in, scale, zero, out)
	},
	peak:     func(iters int) { peakAMX(&peakAMXFull, iters) },
	peakMACs: 4 * 16 * 16 * 64,
}

// amxFewRows is the product of fewer than amxMinRows rows: the
// avx512vnni set's where the CPU has it (every AMX CPU so far), else
// AVX2's.
func amxFewRows(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
	if avx512vnniSet.lacks() == "" {
		matMulRequantZMM(m, x, lda, p, &q, out, ldo, scratch)
		return
	}
	matMulRequantAsm(m, x, lda, p, &q, out, ldo, scratch)
}

// rhsAMX is the convolution product of the amx set: the zmm sets' where
// the CPU has AVX-512 VNNI, else AVX2's.
func rhsAMX(cols int, col []int8, ldc int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
	if avx512vnniSet.lacks() == "" {
		rhsZMM(cols, col, ldc, p, q, out, ldo, scratch)
		return
	}
	rhsAVX2(cols, col, ldc, p, q, out, ldo, scratch)
}

// amxConfig is the tile configuration for rows rows (at most 16):
// palette 1; tmm0 (C) rows x 32 bytes, tmm1 (A) rows x 64, tmm2 (B) 16 x
// 32. Bytes 16+2t hold tile t's bytes per row, 48+t its rows.
func amxConfig(rows int) [64]byte {
	var c [64]byte
	c[0] = 1
	for t, shape := range [3][2]int{{rows, 32}, {rows, 64}, {16, 32}} {
		c[48+t] = byte(shape[0])
		c[16+2*t] = byte(shape[1])
	}
	return c
}

// amxRowBytes is the length of a row of A for the tiles: k padded with
// zeros to whole chunks of 64.
func amxRowBytes(kq int) int { return (kq + 15) / 16 * 64 }

// matMulRequantAMX is MatMulRequant on the AMX tiles: rows of x copied
// into rows of whole chunks (zeros past k), each panel's sums for 16 rows
// at a time, then the AVX2 set's vectorized requantization. A panel's
// last chunk reads up to 15 quads past it (the next panel's, or Pack's
// slack, packSlack), which meet the zeros of A.
func matMulRequantAMX(m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	matMulRequantTiles(amxPanel, m, x, lda, p, q, out, ldo, scratch)
}

// matMulRequantTiles is matMulRequantAMX with the panel kernel as an
// argument (the tests run it with the tiles emulated).
func matMulRequantTiles(panel func(cfg *[64]byte, chunks int, a *int8, lda int, b *int8, c *int32, ldc int),
	m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	n, np, kq := p.n, p.np, p.kq
	ld := amxRowBytes(kq)
	mc := chunkRows(p, m)
	head := scratch[:scratchHead]
	acc := scratch[scratchHead : scratchHead+mc*np*8]
	xa := unsafe.Slice((*int8)(unsafe.Pointer(&scratch[scratchHead+mc*np*8])), mc*ld)
	bias, bstep, mult, mstep, shift, sstep := requantArgs(q, n, head)
	for r0 := 0; r0 < m; r0 += mc {
		rows := min(mc, m-r0)
		for r := range rows {
			d := xa[r*ld : (r+1)*ld]
			clear(d[copy(d, x[(r0+r)*lda:(r0+r)*lda+p.k]):])
		}
		for t0 := 0; t0 < rows; t0 += 16 {
			cfg := amxConfig(min(16, rows-t0))
			for j := range np {
				panel(&cfg, ld/64, &xa[t0*ld], ld, &p.w[j*kq*32], &acc[t0*np*8+j*8], np*32)
			}
		}
		_ = out[(r0+rows-1)*ldo+n-1]
		requantRows(rows, n, &acc[0], np*32, &bias[0], bstep, &mult[0], mstep, &shift[0], sstep, &head[24],
			int(q.off), int(q.lo), int(q.hi), &out[r0*ldo], ldo)
	}
}
