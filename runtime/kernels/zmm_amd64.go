// The zmm layout (16 outputs a panel, the weights plus 128 as u8, laid
// out at first use) and the dense product over it, on the avx512vnni
// set's VPDPBUSD zmm tiles (dot_zmm_amd64.s) or the avxvnni set's ymm
// ones (dot_vnni_amd64.s); the VPDPBUSD sets' convolution products; and
// the AVX-512 requantization and row sums they use.

package kernels

import "unsafe"

// zmmPanel is the number of outputs in one of the zmm layout's panels.
const zmmPanel = 16

// zmmPanels returns the number of zmm panels for n outputs.
func zmmPanels(n int) int { return (n + zmmPanel - 1) / zmmPanel }

// zmmTilePanels[r] is the number of panels of the tile for blocks of r
// rows: 24 accumulators from two rows up, eight for one row.
var zmmTilePanels = [7]int{0, 8, 4, 4, 4, 4, 4}

// vnniTilePanels is the same for the avxvnni set's ymm tiles: two
// accumulators a row and panel, at most 12.
var vnniTilePanels = [7]int{0, 6, 2, 1, 1, 1, 1}

// packZMM lays out p's weights for the zmm tiles: zmmPanels(n) panels
// of kq quads of 64 bytes, in quad q byte 4*c + t holding
// w[16p+c][4q+t] + 128 as a u8, and 0 past the matrix (outputs beyond n,
// k beyond the row's end), so that a padded tail adds nothing whatever
// the activations there. VPDPBUSD takes its unsigned operand from the
// weights, so the activations are read in place, as signed bytes, and
// each row's sum comes out 128 times the row's activation sum too large.
func packZMM(p *PackedWeights) []uint8 {
	kq := p.kq
	z := make([]uint8, zmmPanels(p.n)*kq*64)
	for j := range p.n {
		panel := z[(j/zmmPanel)*kq*64:]
		src := p.w[(j/8)*kq*32:]
		for i := range p.k {
			v := src[(i/4)*32+(j%8)*4+i%4]
			panel[(i/4)*64+(j%zmmPanel)*4+i%4] = uint8(int16(v) + 128)
		}
	}
	return z
}

// zmmWeights returns p's weights in the zmm layout, building it on
// first use; any number of goroutines may call it at once.
func (p *PackedWeights) zmmWeights() []uint8 {
	p.zmmOnce.Do(func() { p.zmm = packZMM(p) })
	return p.zmm
}

// requantRows16 requantizes rows of 16*groups outputs and then the
// tail's; see zmm_amd64.s.
//
//go:noescape
func requantRows16(rows int, groups int, tail int, acc *int32, ldacc int, bias *int32, bstep int, mult *int32, mstep int, shift *int32, sstep int, off int, lo int, hi int, out *int8, ldo int)

// requantArgs16 returns the bias, multiplier and shift arguments of
// requantRows16: per-tensor values and a missing bias become 16-lane
// copies in head (48 values), read with a step of 0.
func requantArgs16(q *requant, head []int32) (bias []int32, bstep int, mult []int32, mstep int, shift []int32, sstep int) {
	bias, bstep = head[0:16], 0
	if q.bias != nil {
		bias, bstep = q.bias, 64
	} else {
		clear(bias)
	}
	mult, mstep = q.mult, 64
	if len(mult) == 1 {
		mult, mstep = fill(head[16:32], mult[0]), 0
	}
	shift, sstep = q.shift, 64
	if len(shift) == 1 {
		shift, sstep = fill(head[32:48], shift[0]), 0
	}
	return
}

// packForSelected lays out p's weights for the selected kernel set where
// it has a layout of its own, so that its first product does not.
func packForSelected(p *PackedWeights) {
	if useAsm && (selected == avx512vnniSet || selected == amxSet) {
		p.zmmWeights()
	}
	if useAsm && selected == amxSet {
		p.amxWeights()
	}
}

// rhsZMM is the convolution product of the sets with AVX-512 VNNI: the
// EVEX VPDPBUSD tiles (8 filters by 3 column panels), requantized 16
// outputs at a time.
func rhsZMM(cols int, col []int8, ldc int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
	matMulRequantRHSTiles(cols, col, ldc, p, &q, out, ldo, scratch, &rhsTilesEVEX, 3, true)
}

// rhsVEX is the avxvnni set's convolution product: the VEX VPDPBUSD tiles
// (8 filters by one column panel), then the AVX2 requantization.
func rhsVEX(cols int, col []int8, ldc int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
	matMulRequantRHSTiles(cols, col, ldc, p, &q, out, ldo, scratch, &rhsTilesVEX, 1, false)
}

// requantFilters16 is requantRows16 with one bias, multiplier and
// shift a row; see zmm_amd64.s.
//
//go:noescape
func requantFilters16(rows int, groups int, tail int, acc *int32, ldacc int, bias *int32, bstep int, mult *int32, mstep int, shift *int32, sstep int, off int, lo int, hi int, out *int8, ldo int)

// requantFiltersWide requantizes n rows of cn sums (stride ldacc int32),
// row j with filter j's bias, multiplier and shift, into out (stride
// ldo); head (48 int32) holds a zero for a missing bias.
func requantFiltersWide(n, cn int, acc []int32, ldacc int, q *requant, out []int8, ldo int, head []int32) {
	bias, bstep := q.bias, 4
	if bias == nil {
		bias, bstep = head[:1], 0
		bias[0] = 0
	}
	mstep, sstep := 4, 4
	if len(q.mult) == 1 {
		mstep = 0
	}
	if len(q.shift) == 1 {
		sstep = 0
	}
	_ = out[(n-1)*ldo+cn-1]
	requantFilters16(n, cn/16, 1<<(cn%16)-1, &acc[0], ldacc*4, &bias[0], bstep, &q.mult[0], mstep, &q.shift[0], sstep,
		int(q.off), int(q.lo), int(q.hi), &out[0], ldo)
}

// byteSumsAVX2 returns the sum of n int8 at x, n a multiple of 32; see
// zmm_amd64.s.
//
//go:noescape
func byteSumsAVX2(x *int8, n int) int32

// byteSum returns the sum of the k int8 of x.
func byteSum(x []int8) int32 {
	n := len(x) &^ 31
	var s int32
	if n > 0 {
		s = byteSumsAVX2(&x[0], n)
	}
	for _, v := range x[n:] {
		s += int32(v)
	}
	return s
}

// u8Tile is one tile kernel over the zmm layout: dot_zmm_amd64.s's or
// dot_vnni_amd64.s's.
type u8Tile = func(kq int, x *int8, ldx int, w *uint8, ldw int, acc *int32, ldacc int, corr *int32)

// matMulRequantZMM is MatMulRequant on the avx512vnni set's zmm tiles.
func matMulRequantZMM(m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	matMulRequantU8(&zmmTiles, &zmmTilePanels, true, m, x, lda, p, q, out, ldo, scratch)
}

// matMulRequantU8 is MatMulRequant on tiles over the zmm layout
// (tiles[R-1][P-1] for blocks of R rows, P = tilePanels[R] panels at a
// time): the activations read in place (copied, zero-padded to whole
// quads, when k is not a multiple of 4, so that no read runs past x),
// each row's correction 128*sum(x) taken back in the tiles, then the
// requantization, 16 outputs at a time on zmm when wide is set, else 8
// on ymm.
func matMulRequantU8(tiles *[6][8]u8Tile, tilePanels *[7]int, wide bool, m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	n, k, kq := p.n, p.k, p.kq
	w := p.zmmWeights()
	np := zmmPanels(n)
	ldacc := np * zmmPanel
	mc := chunkRows(p, m)
	head := scratch[:scratchHead]
	acc := scratch[scratchHead : scratchHead+mc*ldacc]
	corr := scratch[scratchHead+mc*ldacc : scratchHead+mc*ldacc+mc]
	var xc []int8
	if k%4 != 0 {
		xc = int32Bytes(scratch[scratchHead+mc*ldacc+mc : scratchHead+mc*ldacc+mc+mc*kq])
	}
	var bias, mult, shift []int32
	var bstep, mstep, sstep int
	if wide {
		bias, bstep, mult, mstep, shift, sstep = requantArgs16(q, head)
	} else {
		bias, bstep, mult, mstep, shift, sstep = requantArgs(q, n, head)
	}
	groups, tail := n/16, 1<<(n%16)-1
	for r0 := 0; r0 < m; r0 += mc {
		rows := min(mc, m-r0)
		xs, ldx := x[r0*lda:], lda
		if xc != nil {
			for r := range rows {
				d := xc[r*kq*4 : (r+1)*kq*4]
				copy(d, xs[r*lda:r*lda+k])
				clear(d[k:])
			}
			xs, ldx = xc, kq*4
		}
		for r := range rows {
			corr[r] = 128 * byteSum(xs[r*ldx:r*ldx+k])
		}
		R := min(6, rows)
		P := tilePanels[R]
		for p0 := 0; p0 < np; p0 += P {
			pp := min(P, np-p0)
			for t0 := 0; t0 < rows; t0 += R {
				rr := min(R, rows-t0)
				tiles[rr-1][pp-1](kq, &xs[t0*ldx], ldx, &w[p0*kq*64], kq*64, &acc[t0*ldacc+p0*zmmPanel], ldacc*4, &corr[t0])
			}
		}
		_ = out[(r0+rows-1)*ldo+n-1]
		if wide {
			requantRows16(rows, groups, tail, &acc[0], ldacc*4, &bias[0], bstep, &mult[0], mstep, &shift[0], sstep,
				int(q.off), int(q.lo), int(q.hi), &out[r0*ldo], ldo)
		} else {
			requantRows(rows, n, &acc[0], ldacc*4, &bias[0], bstep, &mult[0], mstep, &shift[0], sstep, &head[24],
				int(q.off), int(q.lo), int(q.hi), &out[r0*ldo], ldo)
		}
	}
}

// int32Bytes views s as its bytes.
func int32Bytes(s []int32) []int8 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&s[0])), len(s)*4)
}
