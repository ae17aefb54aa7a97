// The arm64 kernels: declarations of the tile kernels, the vector
// requantization and the column repacking (neon_arm64.s), the order in
// which the tiles cover a product, the choice of set by CPU, and Go
// stand-ins for the kernels that have no arm64 assembly.

package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// dotTileSDOT and dotTileNEON compute one tile: for r < rows (1 to 4) and
// c < 8, the int32 dot product of row r (kq quads of 4 int8, quad q at
// x_r + q*xq bytes) with output c of the packed panel at w (kq quads of 32
// bytes), stored at acc + r*ldacc bytes + 4c. All four row pointers are
// read, whatever rows is. See neon_arm64.s.
//
//go:noescape
func dotTileSDOT(kq int, x0, x1, x2, x3 *int8, xq int, w *int8, acc *int32, ldacc int, rows int)

//go:noescape
func dotTileNEON(kq int, x0, x1, x2, x3 *int8, xq int, w *int8, acc *int32, ldacc int, rows int)

// dotRow4SDOT and dotRow4NEON compute one row (kq quads at x + q*xq)
// against four panels (at w + p*ldw) into acc[0:32], for matrix-vector
// products: the row's quad is loaded once for 8 SDOTs.
//
//go:noescape
func dotRow4SDOT(kq int, x *int8, xq int, w *int8, ldw int, acc *int32)

//go:noescape
func dotRow4NEON(kq int, x *int8, xq int, w *int8, ldw int, acc *int32)

type (
	tileFunc func(kq int, x0, x1, x2, x3 *int8, xq int, w *int8, acc *int32, ldacc int, rows int)
	row4Func func(kq int, x *int8, xq int, w *int8, ldw int, acc *int32)
)

// requantNEON requantizes n sums, n a multiple of 4, exactly as
// requant.apply does; bias, mult and shift advance by bstep, mstep and
// sstep bytes per 4 sums (16, or 0 for 4 copies of one value). Both sets
// use it: it needs nothing beyond base NEON. See neon_arm64.s.
//
//go:noescape
func requantNEON(n int, acc *int32, bias *int32, bstep int, mult *int32, mstep int, shift *int32, sstep int, off int, lo int, hi int, out *int8)

// vecRequant is a requant as requantNEON's arguments.
type vecRequant struct {
	bias, mult, shift   *int32
	bstep, mstep, sstep int
}

// denseRequant returns MatMulRequant's requantization for requantNEON:
// per-output values are read in place; a missing bias and per-tensor
// values are 4 copies in head (12 elements), read with a step of 0.
func denseRequant(q *requant, head []int32) vecRequant {
	v := vecRequant{bias: lanes4(head[0:4], 0), mult: &q.mult[0], mstep: 16, shift: &q.shift[0], sstep: 16}
	if q.bias != nil {
		v.bias, v.bstep = &q.bias[0], 16
	}
	if len(q.mult) == 1 {
		v.mult, v.mstep = lanes4(head[4:8], q.mult[0]), 0
	}
	if len(q.shift) == 1 {
		v.shift, v.sstep = lanes4(head[8:12], q.shift[0]), 0
	}
	return v
}

// rowRequant returns the requantization of output j's sums, all of them
// with j's values, as 4 copies each in head (12 elements).
func rowRequant(q *requant, j int, head []int32) vecRequant {
	var b int32
	if q.bias != nil {
		b = q.bias[j]
	}
	return vecRequant{
		bias:  lanes4(head[0:4], b),
		mult:  lanes4(head[4:8], q.mult[min(j, len(q.mult)-1)]),
		shift: lanes4(head[8:12], q.shift[min(j, len(q.shift)-1)]),
	}
}

// lanes4 sets the 4 elements of b to x and returns their address.
func lanes4(b []int32, x int32) *int32 {
	b[0], b[1], b[2], b[3] = x, x, x, x
	return &b[0]
}

// requantVec sets o[i] to the requantized a[i]: whole groups of 4 with
// requantNEON, the rest with q.apply for output j(i).
func requantVec(q *requant, v vecRequant, a []int32, o []int8, j func(i int) int) {
	n4 := len(o) / 4 * 4
	if n4 > 0 {
		_ = a[n4-1]
		requantNEON(n4, &a[0], v.bias, v.bstep, v.mult, v.mstep, v.shift, v.sstep, int(q.off), int(q.lo), int(q.hi), &o[0])
	}
	for i := n4; i < len(o); i++ {
		o[i] = q.apply(a[i], j(i))
	}
}

// armSet is one set of arm64 kernels: its tiles, and what a CPU must
// have to run them.
type armSet struct {
	name  string
	tile  tileFunc
	row4  row4Func
	lacks func() string
}

// The sets, fastest first. Every arm64 CPU has NEON (Advanced SIMD is
// part of the base architecture).
var (
	armSDOT = &armSet{"sdot", dotTileSDOT, dotRow4SDOT, func() string {
		if !cpu.ARM64.HasASIMDDP {
			return "the dot product instructions (ASIMDDP)"
		}
		return ""
	}}
	armNEON = &armSet{"neon", dotTileNEON, dotRow4NEON, func() string { return "" }}
	armSets = []*armSet{armSDOT, armNEON}
)

// asmName names no set: the selection (select.go) picks among asmSets.
const asmName = ""

// haveAsm: every arm64 CPU runs the NEON set.
const haveAsm = true

// asmSets are the arm64 sets as kernel sets; the selection runs each
// one's self-test (and tileSelfTest, a finer one of its tiles alone)
// before it is used.
var asmSets = []*kernelSet{armSDOT.kernelSet(), armNEON.kernelSet()}

func (a *armSet) kernelSet() *kernelSet {
	return &kernelSet{
		name: a.name,
		lacks: func() string {
			if l := a.lacks(); l != "" {
				return l
			}
			if !tileSelfTest(a.tile, a.row4) {
				return "tiles that give the right sums (their self-test failed)"
			}
			return ""
		},
		matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
			matMulRequantArm(a, m, x, lda, p, &q, out, ldo, scratch)
		},
		matMulRequantRHS: func(cols int, col []int8, ldc int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
			matMulRequantRHSArm(a, cols, col, ldc, p, &q, out, ldo, scratch)
		},
	}
}

// armOf is the arm64 set behind the selected kernel set.
func armOf(s *kernelSet) *armSet {
	for _, a := range armSets {
		if a.name == s.name {
			return a
		}
	}
	return armNEON
}

// tileSelfTest runs a 4-row tile, a 1-row tile and a row against four panels,
// all of 5 quads, on extreme and mixed values and compares them with plain
// Go, so that kernels the CPU misexecutes are never used.
func tileSelfTest(tile tileFunc, row4 row4Func) bool {
	const kq = 5
	var x [4][kq * 4]int8
	var w [4 * kq * 32]int8
	for i := range w {
		w[i] = int8(i*37 - 128)
		if i%5 == 0 {
			w[i] = -128
		}
	}
	for r := range x {
		for i := range x[r] {
			x[r][i] = int8(i*(r+11) + 127)
			if (i+r)%3 == 0 {
				x[r][i] = -128
			}
		}
	}
	for _, rows := range []int{4, 1} {
		var acc [4][8]int32
		tile(kq, &x[0][0], &x[1][0], &x[2][0], &x[3][0], 4, &w[0], &acc[0][0], 32, rows)
		for r := range rows {
			for c := range 8 {
				var s int32
				for i := range kq * 4 {
					s += int32(x[r][i]) * int32(w[(i/4)*32+c*4+i%4])
				}
				if acc[r][c] != s {
					return false
				}
			}
		}
	}
	var acc [32]int32
	row4(kq, &x[2][0], 4, &w[0], kq*32, &acc[0])
	for c := range 32 {
		var s int32
		for i := range kq * 4 {
			s += int32(x[2][i]) * int32(w[(c/8)*kq*32+(i/4)*32+c%8*4+i%4])
		}
		if acc[c] != s {
			return false
		}
	}
	return true
}

// products computes rows x (8*p.np) int32 sums of x (rows of p.k int8,
// stride lda) with p into acc (stride p.np*8), using xb (at least
// rows*p.kq*4 bytes) for a copy of the rows zero-padded to whole quads.
// Panels run outermost, so that one panel (kq*32 bytes) stays in L1
// while the rows, 4 per tile, pass by it.
func products(a *armSet, rows int, x []int8, lda int, p *PackedWeights, acc []int32, xb []int8) {
	k, kq, np := p.k, p.kq, p.np
	ldx := kq * 4
	for r := range rows {
		d := xb[r*ldx : (r+1)*ldx]
		copy(d, x[r*lda:r*lda+k])
		clear(d[k:])
	}
	_ = acc[rows*np*8-1]
	if rows == 1 {
		// A matrix-vector product: four panels per load of the row.
		x0 := &xb[0]
		pn := 0
		for ; pn+4 <= np; pn += 4 {
			a.row4(kq, x0, 4, &p.w[pn*kq*32], kq*32, &acc[pn*8])
		}
		for ; pn < np; pn++ {
			a.tile(kq, x0, x0, x0, x0, 4, &p.w[pn*kq*32], &acc[pn*8], np*32, 1)
		}
		return
	}
	for pn := range np {
		w := &p.w[pn*kq*32]
		for r0 := 0; r0 < rows; r0 += 4 {
			rr := min(4, rows-r0)
			// Rows past the last are read as the last row again.
			x0 := &xb[r0*ldx]
			x1 := &xb[(r0+min(1, rr-1))*ldx]
			x2 := &xb[(r0+min(2, rr-1))*ldx]
			x3 := &xb[(r0+min(3, rr-1))*ldx]
			a.tile(kq, x0, x1, x2, x3, 4, w, &acc[r0*np*8+pn*8], np*32, rr)
		}
	}
}

// denseBuffers returns the parts of MatMulRequant's scratch the arm64
// kernels use: the sums of one block of mc rows and, in the room the
// AVX2 kernels give their widened activations, the zero-padded rows.
func denseBuffers(p *PackedWeights, mc int, scratch []int32) (acc []int32, xb []int8) {
	acc = scratch[scratchHead : scratchHead+mc*p.np*8]
	xw := scratch[scratchHead+mc*p.np*8 : scratchHead+mc*p.np*8+mc*p.kq*2+2]
	return acc, unsafe.Slice((*int8)(unsafe.Pointer(&xw[0])), len(xw)*4)
}

// matMulRequantAsm is MatMulRequant on the selected set's tiles.
func matMulRequantAsm(m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	matMulRequantArm(armOf(selected), m, x, lda, p, q, out, ldo, scratch)
}

// matMulRequantArm is MatMulRequant on a's tiles.
func matMulRequantArm(a *armSet, m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	n, np := p.n, p.np
	mc := chunkRows(p, m)
	acc, xb := denseBuffers(p, mc, scratch)
	v := denseRequant(q, scratch[:12])
	for r0 := 0; r0 < m; r0 += mc {
		rows := min(mc, m-r0)
		products(a, rows, x[r0*lda:], lda, p, acc, xb)
		for r := range rows {
			requantVec(q, v, acc[r*np*8:r*np*8+n], out[(r0+r)*ldo:(r0+r)*ldo+n], sameIndex)
		}
	}
}

func matMulAsm(m int, x []int8, lda int, p *PackedWeights, acc []int32, ldacc int, scratch []int32) {
	n, np := p.n, p.np
	mc := chunkRows(p, m)
	a, xb := denseBuffers(p, mc, scratch)
	for r0 := 0; r0 < m; r0 += mc {
		rows := min(mc, m-r0)
		products(armOf(selected), rows, x[r0*lda:], lda, p, a, xb)
		for r := range rows {
			copy(acc[(r0+r)*ldacc:(r0+r)*ldacc+n], a[r*np*8:r*np*8+n])
		}
	}
}

// sameIndex is requantVec's output index for rows of a dense product.
func sameIndex(i int) int { return i }

// matMulRequantRHSAsm computes MatMulRequantRHS with the filters as the
// rows of the tiles, read in place from the packed weights (filter j's
// quad q is 4 bytes at panel j/8, offset 32q + 4(j%8): row stride 4 within
// a panel, quad stride 32), and the activation columns, in blocks,
// repacked into the packed layout as the tiles' panels.
func matMulRequantRHSAsm(cols int, col []int8, ldc int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	matMulRequantRHSArm(armOf(selected), cols, col, ldc, p, q, out, ldo, scratch)
}

// matMulRequantRHSArm is MatMulRequantRHS on a's tiles.
func matMulRequantRHSArm(a *armSet, cols int, col []int8, ldc int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	s := rhsScratch(p, cols, scratch)
	n, k, kq, cc := p.n, p.k, p.kq, s.cc
	panels := unsafe.Slice((*int8)(unsafe.Pointer(&s.panels[0])), len(s.panels)*4)
	for c0 := 0; c0 < cols; c0 += cc {
		cn := min(cc, cols-c0)
		packCols(col, ldc, k, kq, c0, cn, panels)
		for g := range (cn + 7) / 8 {
			panel := &panels[g*kq*32]
			// Filters 4 at a time, never across a panel of p (j0%8 is 0
			// or 4); filters past n are zero rows of the last panel.
			for j0 := 0; j0 < n; j0 += 4 {
				base := (j0/8)*kq*32 + j0%8*4
				_ = p.w[base+(kq-1)*32+15]
				a.tile(kq, &p.w[base], &p.w[base+4], &p.w[base+8], &p.w[base+12], 32, panel,
					&s.acc[j0*cc+g*8], cc*4, min(4, n-j0))
			}
		}
		for j := range n {
			requantVec(q, rowRequant(q, j, scratch[:12]), s.acc[j*cc:j*cc+cn], out[j*ldo+c0:j*ldo+c0+cn], func(int) int { return j })
		}
	}
}

// packQuadsNEON lays out whole quads of rows of whole groups of 8
// columns in the packed layout: for q < quads, g < groups, c < 8, t < 4,
// dst[g*step + 32q + 4c + t] = src[(4q+t)*ldc + 8g + c]. See
// neon_arm64.s.
//
//go:noescape
func packQuadsNEON(quads int, groups int, src *int8, ldc int, dst *int8, step int)

// packCols lays out columns c0 to c0+cn-1 of col (k rows, stride ldc) in
// the packed layout, 8 columns to a panel: in panel g, quad q, byte 4c+t
// is col[(4q+t)*ldc + c0+8g+c], zero past k and past the last column. The
// whole quads of whole groups go through packQuadsNEON; a last partial
// quad and a last partial group, through packRegion.
func packCols(col []int8, ldc, k, kq, c0, cn int, dst []int8) {
	groups, full := cn/8, k/4
	if groups > 0 && full > 0 {
		_ = col[(4*full-1)*ldc+c0+8*groups-1]
		_ = dst[(groups-1)*kq*32+full*32-1]
		packQuadsNEON(full, groups, &col[c0], ldc, &dst[0], kq*32)
	}
	packRegion(col, ldc, k, kq, c0, cn, dst, full, kq, 0, groups)
	packRegion(col, ldc, k, kq, c0, cn, dst, 0, kq, groups, (cn+7)/8)
}

// packRegion is packCols in Go for quads q0 to q1-1 of groups g0 to g1-1.
func packRegion(col []int8, ldc, k, kq, c0, cn int, dst []int8, q0, q1, g0, g1 int) {
	for i := 4 * q0; i < 4*q1; i++ {
		qo := (i/4)*32 + i%4
		var row []int8
		if i < k {
			row = col[i*ldc+c0 : i*ldc+c0+cn]
		}
		for g := g0; g < g1; g++ {
			d := dst[g*kq*32+qo : g*kq*32+qo+29]
			for c := range 8 {
				var v int8
				if cc := g*8 + c; cc < len(row) {
					v = row[cc]
				}
				d[4*c] = v
			}
		}
	}
}

// The remaining kernels have no arm64 assembly: with the arm64 matrix
// products active, quantization and 2x2 pooling run the portable code,
// and the sparse products are never preferred to the dense ones
// (sparseAsm is false, as on amd64 when its kernel fails its self-test).

func quantizeAsm(n int, in *float32, scale float32, zero int32, out *int8) {
	quantize(false, scale, zero, unsafe.Slice(in, n), unsafe.Slice(out, n))
}

// maxPool2x2Asm pools rows row pairs of w bytes into rows of w/2, as
// MaxPool's portable loop does.
func maxPool2x2Asm(rows int, w int, in *int8, out *int8, lo int, hi int) {
	ow := w / 2
	src := unsafe.Slice(in, rows*2*w)
	dst := unsafe.Slice(out, rows*ow)
	for r := range rows {
		r0, r1 := src[2*r*w:2*r*w+2*ow], src[(2*r+1)*w:(2*r+1)*w+2*ow]
		d := dst[r*ow : (r+1)*ow]
		for ox := range d {
			m := max(r0[2*ox], r0[2*ox+1], r1[2*ox], r1[2*ox+1])
			d[ox] = int8(min(max(int(m), lo), hi))
		}
	}
}

func sparseBatchAsm(m int, x []int8, lda int, s *SparseWeights, q *requant, out []int8, ldo int, scratch []int32) {
	sparseBatchPortable(m, x, lda, s, q, out, ldo, scratch)
}

const sparseAsm = false

// maxPool1x2Vec: no vector 1-D pooling here; the loop does it all.
func maxPool1x2Vec(in, out []int8, lo, hi int32) int { return 0 }
