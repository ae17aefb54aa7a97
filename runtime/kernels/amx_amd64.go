// The AMX kernel set: dense products of 16 rows or more on TDPBSSD
// tiles (amx_amd64.s) over a layout of its own (16 outputs a panel, k in
// whole 64-byte chunks, laid out at first use); fewer rows, and
// convolutions, run the best other set the CPU has.

package kernels

import (
	"sync"

	"golang.org/x/sys/cpu"
)

// amxBlock computes blocks of 32 rows' sums with every pair of panels
// of the amx layout; see amx_amd64.s.
//
//go:noescape
func amxBlock(cfg *[64]byte, chunks int, a *int8, lda int, b *int8, bstride int, c *int32, ldc int, pairs int, blocks int)

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
	depthwise:        depthwiseAVX2,
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

// amxFull configures all eight tiles as 16 rows of 64 bytes: amxBlock's
// configuration. (A package variable, so that passing its address to
// the assembly allocates nothing.)
var amxFull = func() (c [64]byte) {
	c[0] = 1
	for t := range 8 {
		c[16+2*t], c[48+t] = 64, 16
	}
	return c
}()

// The amx layout: amxPanels(n) panels (an even number, zeros past n) of
// amxQuads(kq) quads of 64 bytes, in quad q byte 4*c + t holding
// w[16p+c][4q+t] and zeros past k. A panel's 16 quads of a chunk are the
// B tile of TDPBSSD as it is: signed weights, no correction.
func amxPanels(n int) int { return (n + 31) / 32 * 2 }
func amxQuads(kq int) int { return (kq + 15) / 16 * 16 }

// amxBlockRows is the rows of one block: two tiles of 16.
const amxBlockRows = 32

// amxCallBlocks is the most blocks of one amxBlock call, which reads each
// pair of panels for all of them; amxMaxCallBlocks bounds it (the
// scratch is sized for that). A variable so that BenchmarkAMXBlocks can
// compare.
var amxCallBlocks = 2

const amxMaxCallBlocks = 4

// packAMX lays out p's weights in the amx layout.
func packAMX(p *PackedWeights) []int8 {
	kq := amxQuads(p.kq)
	a := make([]int8, amxPanels(p.n)*kq*64)
	for j := range p.n {
		panel := a[(j/16)*kq*64:]
		src := p.w[(j/8)*p.kq*32:]
		for i := range p.k {
			panel[(i/4)*64+(j%16)*4+i%4] = src[(i/4)*32+(j%8)*4+i%4]
		}
	}
	return a
}

// amxWeights returns p's weights in the amx layout, building it on first
// use; any number of goroutines may call it at once.
func (p *PackedWeights) amxWeights() []int8 {
	p.amxOnce.Do(func() { p.amx = packAMX(p) })
	return p.amx
}

// amxScratchSize is the scratch matMulRequantAMX needs: the head, then
// the sums (rows of amxPanels(n)*16) and the activations (rows of whole
// chunks) of the rows of one amxBlock call; or 0 where the amx set does
// not run (amxSizing).
func amxScratchSize(p *PackedWeights, m int) int {
	if m < amxMinRows || !amxSizing() {
		return 0
	}
	rows := min((m+amxBlockRows-1)/amxBlockRows, amxMaxCallBlocks) * amxBlockRows
	return scratchHead + rows*(amxPanels(p.n)*16+amxQuads(p.kq))
}

// amxSizing says whether ScratchSize makes room for the amx set: where
// it runs (the tests also where they emulate it).
var amxSizing = func() bool { return amxSet.lacks() == "" }

// matMulRequantAMX is MatMulRequant on the AMX tiles: up to
// amxCallBlocks blocks of 32 rows at a time, copied into rows of whole
// chunks (zeros past k, and zero rows to fill a last block of 16 rows or
// more), their sums with every panel (amxBlock), then the AVX-512
// requantization 16 outputs at a time; a last block of fewer than 16
// rows goes to amxFewRows.
func matMulRequantAMX(m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	matMulRequantTiles(amxBlock, m, x, lda, p, q, out, ldo, scratch)
}

// matMulRequantTiles is matMulRequantAMX with the block kernel as an
// argument (the tests run it with the tiles emulated).
func matMulRequantTiles(block func(cfg *[64]byte, chunks int, a *int8, lda int, b *int8, bstride int, c *int32, ldc int, pairs int, blocks int),
	m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	n, k := p.n, p.k
	w := p.amxWeights()
	kq, np := amxQuads(p.kq), amxPanels(n)
	ld, ldacc := kq*4, np*16
	per := min((m+amxBlockRows-1)/amxBlockRows, amxCallBlocks) * amxBlockRows
	head := scratch[:scratchHead]
	acc := scratch[scratchHead : scratchHead+per*ldacc]
	xa := int32Bytes(scratch[scratchHead+per*ldacc : scratchHead+per*(ldacc+kq)])
	wide := avx512vnniSet.lacks() == ""
	var bias, mult, shift []int32
	var bstep, mstep, sstep int
	if wide {
		bias, bstep, mult, mstep, shift, sstep = requantArgs16(q, head)
	} else {
		bias, bstep, mult, mstep, shift, sstep = requantArgs(q, n, head)
	}
	groups, tail := n/16, 1<<(n%16)-1
	for r0 := 0; r0 < m; {
		rows := min(per, m-r0)
		blocks := rows / amxBlockRows
		if rows%amxBlockRows >= amxMinRows {
			blocks++
		} else {
			rows = blocks * amxBlockRows
		}
		if blocks == 0 {
			// The last rows, fewer than 16.
			amxFewRows(m-r0, x[r0*lda:], lda, p, *q, out[r0*ldo:], ldo, scratch)
			return
		}
		for r := range blocks * amxBlockRows {
			d := xa[r*ld : (r+1)*ld]
			if r < rows {
				clear(d[copy(d, x[(r0+r)*lda:(r0+r)*lda+k]):])
			} else {
				clear(d)
			}
		}
		block(&amxFull, kq/16, &xa[0], ld, &w[0], kq*64, &acc[0], ldacc*4, np/2, blocks)
		_ = out[(r0+rows-1)*ldo+n-1]
		if wide {
			requantRows16(rows, groups, tail, &acc[0], ldacc*4, &bias[0], bstep, &mult[0], mstep, &shift[0], sstep,
				int(q.off), int(q.lo), int(q.hi), &out[r0*ldo], ldo)
		} else {
			requantRows(rows, n, &acc[0], ldacc*4, &bias[0], bstep, &mult[0], mstep, &shift[0], sstep, &head[24],
				int(q.off), int(q.lo), int(q.hi), &out[r0*ldo], ldo)
		}
		r0 += rows
	}
}
