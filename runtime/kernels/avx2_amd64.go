// The AVX2 kernels: declarations of the assembly, the order in which the
// tiles cover a product, and CPU detection.

package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run gen_amd64.go

const asmName = "avx2"

// haveAsm reports AVX2 (which x/sys/cpu only sets when the OS saves YMM
// state).
var haveAsm = cpu.X86.HasAVX2

// peakAVX2 runs the AVX2 set's bare loop; see peak_amd64.s.
//
//go:noescape
func peakAVX2(iters int)

// rhsAVX2 is the AVX2 set's convolution product.
func rhsAVX2(cols int, col []int8, ldc int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
	matMulRequantRHSAsm(cols, col, ldc, p, &q, out, ldo, scratch)
}

// asmSets are the assembly kernel sets of amd64, best first.
var asmSets = []*kernelSet{amxSet, avx512vnniSet, avxvnniSet, {
	name: "avx2",
	lacks: func() string {
		if !haveAsm {
			return "AVX2 (or an OS that saves its registers)"
		}
		return ""
	},
	matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
		matMulRequantAsm(m, x, lda, p, &q, out, ldo, scratch)
	},
	matMulRequantRHS: rhsAVX2,
	depthwise:        depthwiseAVX2,
	peak:             peakAVX2, peakMACs: 192,
}}

// widenRows sign-extends m rows of k int8 (stride lda bytes) to int16 rows
// at dst (stride ldd bytes), zero-padded to a multiple of 4.
//
//go:noescape
func widenRows(m int, src *int8, lda int, k int, dst *int16, ldd int)

// widenPanels sign-extends packed weights to int16 quads, quad-major.
//
//go:noescape
func widenPanels(np int, kq int, w *int8, dst *int16)

// repackCols lays out rows of int8 in packed 8-column groups.
//
//go:noescape
func repackCols(nq int, k int, groups int, src *int8, ldc int, dst *int8, step int)

// repackQuad interleaves 4 rows of int8 into packed 8-column groups.
//
//go:noescape
func repackQuad(groups int, nrows int, r0 *int8, r1 *int8, r2 *int8, r3 *int8, dst *int8, step int)

// requantRows requantizes rows of sums; see avx2_amd64.s.
//
//go:noescape
func requantRows(rows int, n int, acc *int32, ldacc int, bias *int32, bstep int, mult *int32, mstep int, shift *int32, sstep int, tail *int32, off int, lo int, hi int, out *int8, ldo int)

// quantizeAVX2 quantizes n floats, n a multiple of 32, for zero points in
// [-256, 256]; see quantize_amd64.s.
//
//go:noescape
func quantizeAVX2(n int, in *float32, scale float32, zero int32, out *int8)

// quantizeAVX512 is quantizeAVX2 on zmm, n a multiple of 64; see
// quantize_amd64.s.
//
//go:noescape
func quantizeAVX512(n int, in *float32, scale float32, zero int32, out *int8)

// dequantizeAVX2 dequantizes n int8, n a multiple of 32, for zero points
// in [-2^16, 2^16]; see quantize_amd64.s.
//
//go:noescape
func dequantizeAVX2(n int, in *int8, scale float32, zero int32, out *float32)

func init() {
	if haveAsm {
		dequantizeSIMD = checkDequantize(dequantizeAVX2)
	}
}

// quantizeAsm quantizes n floats (a multiple of 32) with the selected
// set's quantization, AVX2's unless it has its own.
func quantizeAsm(n int, in *float32, scale float32, zero int32, out *int8) {
	if q := selected.quantize; q != nil {
		q(n, in, scale, zero, out)
		return
	}
	quantizeAVX2(n, in, scale, zero, out)
}

// quantizeZMM is the quantization of the sets with AVX-512: 64 floats a
// step, the rest (a multiple of 32) on AVX2.
func quantizeZMM(n int, in *float32, scale float32, zero int32, out *int8) {
	wide := n &^ 63
	if wide > 0 {
		quantizeAVX512(wide, in, scale, zero, out)
	}
	if n > wide {
		// (Pointers past the end only where there is an end beyond:
		// one just past an allocation is not a valid Go pointer.)
		quantizeAVX2(n-wide, (*float32)(unsafe.Add(unsafe.Pointer(in), 4*wide)), scale, zero, (*int8)(unsafe.Add(unsafe.Pointer(out), wide)))
	}
}

// maxPool2x2AVX2 pools rows row pairs of w bytes (w even, >= 8); see
// pool_amd64.s.
//
//go:noescape
func maxPool2x2AVX2(rows int, w int, in *int8, out *int8, lo int, hi int)

// maxPool1x2AVX2 pools n pairs (n a multiple of 16); see pool_amd64.s.
//
//go:noescape
func maxPool1x2AVX2(n int, in *int8, out *int8, lo int, hi int)

// maxPool1x2Vec pools the first pairs of in into out in whole blocks of
// 16 and returns how many outputs it wrote.
func maxPool1x2Vec(in, out []int8, lo, hi int32) int {
	n := len(out) &^ 15
	if !useAsm || n == 0 {
		return 0
	}
	_ = in[2*n-1]
	maxPool1x2AVX2(n, &in[0], &out[0], int(lo), int(hi))
	return n
}

func maxPool2x2Asm(rows int, w int, in *int8, out *int8, lo int, hi int) {
	maxPool2x2AVX2(rows, w, in, out, lo, hi)
}

// tilePanels[r] is the number of 8-column panels of the tile used for
// blocks of r rows: the tallest tile (6 rows, one panel) for products of
// 6 rows or more; for one row, several panels share each broadcast of the
// activations.
var tilePanels = [7]int{0, 4, 3, 2, 1, 1, 1}

// tileProduct computes rows x (8*np) int32 sums into acc (row stride
// ldacc int32). Row r's quad q of int16 activations is at x + r*ldx +
// q*xq bytes; panel p of int8 weights at w + p*ldw bytes, kq quads.
func tileProduct(rows, np, kq int, x unsafe.Pointer, ldx, xq int, w []int8, ldw int, acc []int32, ldacc int) {
	R := min(6, rows)
	P := tilePanels[R]
	for p0 := 0; p0 < np; p0 += P {
		pp := min(P, np-p0)
		for r0 := 0; r0 < rows; r0 += R {
			rr := min(R, rows-r0)
			tiles[rr-1][pp-1](kq, (*int16)(unsafe.Add(x, r0*ldx)), ldx, xq, &w[p0*ldw], ldw, &acc[r0*ldacc+p0*8], ldacc*4)
		}
	}
}

// products computes rows x n int32 sums of x (rows of p.k int8, stride
// lda) with p into acc (stride p.np*8), using xw (rows*p.kq*2 + 2
// elements) for the widened rows.
func products(rows int, x []int8, lda int, p *PackedWeights, acc []int32, xw []int32) {
	kq, np := p.kq, p.np
	_ = x[(rows-1)*lda+p.k-1]
	_ = acc[rows*np*8-1]
	_ = xw[rows*kq*2+1]
	xw16 := (*int16)(unsafe.Pointer(&xw[0]))
	widenRows(rows, &x[0], lda, p.k, xw16, kq*8)
	tileProduct(rows, np, kq, unsafe.Pointer(xw16), kq*8, 8, p.w, kq*32, acc, np*8)
}

// requantArgs returns the bias, multiplier and shift arguments of
// requantRows for values per output: per-tensor values and a missing bias
// become 8-lane copies in head, read with a step of 0, and fewer than 8
// outputs read padded copies from head[24:48].
func requantArgs(q *requant, n int, head []int32) (bias []int32, bstep int, mult []int32, mstep int, shift []int32, sstep int) {
	bias, bstep = head[0:8], 0
	if q.bias != nil {
		bias, bstep = q.bias, 32
	} else {
		clear(bias)
	}
	mult, mstep = q.mult, 32
	if len(mult) == 1 {
		mult, mstep = fill(head[8:16], mult[0]), 0
	}
	shift, sstep = q.shift, 32
	if len(shift) == 1 {
		shift, sstep = fill(head[16:24], shift[0]), 0
	}
	if n < 8 {
		tail := head[24:48]
		for i := range 8 {
			j := min(i, n-1)
			tail[i], tail[8+i], tail[16+i] = 0, q.mult[0], q.shift[0]
			if q.bias != nil {
				tail[i] = q.bias[j]
			}
			if len(q.mult) > 1 {
				tail[8+i] = q.mult[j]
			}
			if len(q.shift) > 1 {
				tail[16+i] = q.shift[j]
			}
		}
	}
	return
}

func matMulRequantAsm(m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	n, np := p.n, p.np
	mc := chunkRows(p, m)
	head := scratch[:scratchHead]
	acc := scratch[scratchHead : scratchHead+mc*np*8]
	xw := scratch[scratchHead+mc*np*8 : scratchHead+mc*np*8+mc*p.kq*2+2]
	bias, bstep, mult, mstep, shift, sstep := requantArgs(q, n, head)
	for r0 := 0; r0 < m; r0 += mc {
		rows := min(mc, m-r0)
		products(rows, x[r0*lda:], lda, p, acc, xw)
		_ = out[(r0+rows-1)*ldo+n-1]
		requantRows(rows, n, &acc[0], np*32, &bias[0], bstep, &mult[0], mstep, &shift[0], sstep, &head[24],
			int(q.off), int(q.lo), int(q.hi), &out[r0*ldo], ldo)
	}
}

func matMulAsm(m int, x []int8, lda int, p *PackedWeights, acc []int32, ldacc int, scratch []int32) {
	n, np := p.n, p.np
	mc := chunkRows(p, m)
	a := scratch[scratchHead : scratchHead+mc*np*8]
	xw := scratch[scratchHead+mc*np*8 : scratchHead+mc*np*8+mc*p.kq*2+2]
	for r0 := 0; r0 < m; r0 += mc {
		rows := min(mc, m-r0)
		products(rows, x[r0*lda:], lda, p, a, xw)
		for r := range rows {
			copy(acc[(r0+r)*ldacc:(r0+r)*ldacc+n], a[r*np*8:r*np*8+n])
		}
	}
}

// matMulRequantRHSAsm computes MatMulRequantRHS with the weights as the
// broadcast operand (widened once per call, quad-major) and the
// activation columns repacked, in blocks, into the packed layout.
func matMulRequantRHSAsm(cols int, col []int8, ldc int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	matMulRequantRHSTiles(cols, col, ldc, p, q, out, ldo, scratch, nil, 0, false)
}

// rhsTile is one VPDPBUSD convolution tile of dot_rhs_amd64.s.
type rhsTile = func(kq int, w *int8, x *int8, ldx int, acc *int32, ldacc int, corr *int32)

// matMulRequantRHSTiles is matMulRequantRHSAsm on the VPDPBUSD tiles
// vnni (vnni[F-1][P-1] for F filters of one weight panel by P column
// panels, up to panels of them at a time) when vnni is not nil, and
// requantizing 16 outputs at a time on zmm (requantRows16) when wide is
// set: a convolution has more outputs per multiply-add than a dense
// layer, so its requantization weighs more (a quarter of LeNet-5's time
// on AVX2).
func matMulRequantRHSTiles(cols int, col []int8, ldc int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32,
	vnni *[8][3]rhsTile, panels int, wide bool) {
	s := rhsScratch(p, cols, scratch)
	n, k, kq, np, cc := p.n, p.k, p.kq, p.np, s.cc
	wq := unsafe.Pointer(&s.wq[0])
	if vnni == nil {
		widenPanels(np, kq, &p.w[0], (*int16)(wq))
	}
	cpanels := unsafe.Slice((*int8)(unsafe.Pointer(&s.panels[0])), len(s.panels)*4)
	tmp := unsafe.Slice((*int8)(unsafe.Pointer(&s.tmp[0])), len(s.tmp)*4)
	_ = col[(k-1)*ldc+cols-1]
	_ = out[(n-1)*ldo+cols-1]
	for c0 := 0; c0 < cols; c0 += cc {
		cn := min(cc, cols-c0)
		groups, t := cn/8, cn%8
		if groups > 0 {
			repackCols(kq, k, groups, &col[c0], ldc, &cpanels[0], kq*32)
		}
		if t > 0 {
			// The last, partial group reads 8 bytes per row; rows from i0
			// on, where that would run past col, go through a zero-padded
			// copy.
			c1 := c0 + groups*8
			i0 := 0
			if rest := len(col) - c1 - 8; rest >= 0 {
				i0 = min(k, rest/ldc+1)
			}
			dst := cpanels[groups*kq*32:]
			repackCols(i0/4, k, 1, &col[c1], ldc, &dst[0], kq*32)
			for qd := i0 / 4; qd < kq; qd++ {
				var r [4]*int8
				for i := range r {
					ii := min(4*qd+i, k-1)
					if ii < i0 {
						r[i] = &col[ii*ldc+c1]
						continue
					}
					tr := tmp[i*8 : i*8+8]
					clear(tr)
					copy(tr, col[ii*ldc+c1:ii*ldc+c0+cn])
					r[i] = &tr[0]
				}
				repackQuad(1, min(4, k-4*qd), r[0], r[1], r[2], r[3], &dst[qd*32], kq*32)
			}
		}
		gp := (cn + 7) / 8
		if vnni != nil {
			for f0 := 0; f0 < n; f0 += 8 {
				F := min(8, n-f0)
				for p0 := 0; p0 < gp; p0 += panels {
					pp := min(panels, gp-p0)
					vnni[F-1][pp-1](kq, &p.w[f0/8*kq*32], &cpanels[p0*kq*32], kq*32, &s.acc[f0*cc+p0*8], cc*4, &p.corr[f0])
				}
			}
		} else {
			tileProduct(n, gp, kq, wq, 8, np*64, cpanels, kq*32, s.acc, cc)
		}

		if wide {
			requantFiltersWide(n, cn, s.acc, cc, q, out[c0:], ldo, scratch[:scratchHead])
			continue
		}
		// One output row per filter, its values in 8-lane copies.
		v := scratch[24:48]
		for j := range n {
			var b int32
			if q.bias != nil {
				b = q.bias[j]
			}
			fill(v[0:8], b)
			fill(v[8:16], q.mult[min(j, len(q.mult)-1)])
			fill(v[16:24], q.shift[min(j, len(q.shift)-1)])
			requantRows(1, cn, &s.acc[j*cc], cc*4, &v[0], 0, &v[8], 0, &v[16], 0, &v[0],
				int(q.off), int(q.lo), int(q.hi), &out[j*ldo+c0], ldo)
		}
	}
}

// fill sets every element of b to v and returns b.
func fill(b []int32, v int32) []int32 {
	for i := range b {
		b[i] = v
	}
	return b
}
