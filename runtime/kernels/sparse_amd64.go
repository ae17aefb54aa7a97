// The AVX2 sparse product's declaration and its Go side: the transposes
// around it and the vectorized requantization.

package kernels

import (
	"math"
	"unsafe"
)

// sparseRows64 computes n outputs' 64 lane sums; see sparse_amd64.s.
//
//go:noescape
func sparseRows64(n int, start *int32, cols *int32, vals *int32, xt *int32, acc *int32)

// transpose64 transposes 64 rows of int8 into int32 columns, four
// columns a step; see sparse_amd64.s.
//
//go:noescape
func transpose64(quads int, x *int8, idx *int32, xt *int32)

// sparseAsm is set when the CPU has AVX2 and the assembly gave the
// portable kernel's bits on a product with every int8 extreme at init,
// so that an assembly kernel that miscomputes on some CPU is never used.
var sparseAsm = haveAsm && sparseSelfTest()

func sparseSelfTest() bool {
	const m, n, k = 70, 11, 37
	w, x := make([]int8, n*k), make([]int8, m*k)
	for i := range w {
		w[i] = int8([]int{0, 0, 127, -128, 0, -127, 3}[i%7])
	}
	for i := range x {
		x[i] = int8([]int{-128, 127, 5, -1, 0}[i%5])
	}
	s := Sparsify(w, n, k)
	bias, mult, shift := make([]int32, n), []int32{1 << 30}, []int32{-9}
	for j := range bias {
		bias[j] = int32(j*1000 - 5000)
	}
	want, got := make([]int8, m*n), make([]int8, m*n)
	scratch := make([]int32, SparseScratchSize(s, m))
	q := requant{bias: bias, mult: mult, shift: shift, off: -3, lo: -128, hi: 127}
	sparseBatchPortable(m, x, k, s, &q, want, n, scratch)
	sparseBatchAVX2(m, x, k, s, &q, got, n, scratch)
	return string(unsafe.Slice((*byte)(unsafe.Pointer(&got[0])), len(got))) == string(unsafe.Slice((*byte)(unsafe.Pointer(&want[0])), len(want)))
}

// sparseBatchAsm is the batched product on the assembly kernel where it
// passed its self-test.
func sparseBatchAsm(m int, x []int8, lda int, s *SparseWeights, q *requant, out []int8, ldo int, scratch []int32) {
	if !sparseAsm {
		sparseBatchPortable(m, x, lda, s, q, out, ldo, scratch)
		return
	}
	sparseBatchAVX2(m, x, lda, s, q, out, ldo, scratch)
}

// sparseBatchAVX2 computes blocks of 64 rows of x (in a short last block
// the lanes past its rows hold copies of its last row, computed and
// ignored): x transposed to [k][64] int32, the sums [n][64] by
// sparseRows64, transposed to [64][n rounded up to 8] for requantRows.
func sparseBatchAVX2(m int, x []int8, lda int, s *SparseWeights, q *requant, out []int8, ldo int, scratch []int32) {
	const L = sparseLanes
	n, k := s.n, s.k
	ld := (n + 7) / 8 * 8
	head := scratch[:scratchHead]
	xt := scratch[scratchHead : scratchHead+L*k]
	acc := scratch[scratchHead+L*k : scratchHead+L*(k+n)]
	accT := scratch[scratchHead+L*(k+n) : scratchHead+L*(k+n+ld)]
	idx := scratch[scratchHead+L*(k+n+ld) : scratchHead+L*(k+n+ld+1)]
	bias, bstep, mult, mstep, shift, sstep := requantArgs(q, n, head)
	for r0 := 0; r0 < m; r0 += L {
		b := min(L, m-r0)
		// Whole quads of columns by gathers, with the rows' byte offsets
		// in idx (a short block repeats its last row); the rest, and
		// everything when the offsets would not fit an int32, in Go.
		xb := x[r0*lda : (r0+b-1)*lda+k]
		quads := k / 4
		if (b-1)*lda > math.MaxInt32-k {
			quads = 0
		}
		if quads > 0 {
			for l := range idx {
				idx[l] = int32(min(l, b-1) * lda)
			}
			transpose64(quads, &xb[0], &idx[0], &xt[0])
		}
		for i := 4 * quads; i < k; i++ {
			t := (*[L]int32)(xt[i*L:])
			for r := range b {
				t[r] = int32(xb[r*lda+i])
			}
		}
		sparseRows64(n, &s.start[0], unsafe.SliceData(s.cols), unsafe.SliceData(s.vals), &xt[0], &acc[0])
		for j := range n {
			a := acc[j*L : j*L+b]
			for r, v := range a {
				accT[r*ld+j] = v
			}
		}
		_ = out[(r0+b-1)*ldo+n-1]
		requantRows(b, n, &accT[0], ld*4, &bias[0], bstep, &mult[0], mstep, &shift[0], sstep, &head[24],
			int(q.off), int(q.lo), int(q.hi), &out[r0*ldo], ldo)
	}
}
