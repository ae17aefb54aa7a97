// Packing of op(A) and op(B) into the contiguous micro-panels the
// micro-kernels read.

package blas

// packA packs rows [ic, ic+mb) and columns [pc, pc+kb) of op(A) into dst as
// consecutive mr x kb micro-panels. Within a panel, column q of op(A) is
// stored as mr consecutive values; rows past mb are zero. If partialOnly is
// set, full panels (read in place instead) are skipped.
func (p *problem) packA(kern *kernel, dst []float32, ic, mb, pc, kb int, partialOnly bool) {
	a, lda, mr := p.a, p.lda, kern.mr
	for ir := 0; ir < mb; ir += mr {
		h := min(mr, mb-ir)
		if partialOnly && h == mr {
			continue
		}
		panel := dst[ir*kb : (ir+mr)*kb]
		if p.transA {
			// op(A)[i][q] = a[q*lda+i]: each k step is a contiguous run.
			src := a[(pc)*lda+ic+ir:]
			copyRuns(panel, mr, src, lda, h, kb)
			continue
		}
		// op(A)[i][q] = a[i*lda+q]: rows of A become columns of the panel.
		src := a[(ic+ir)*lda+pc:]
		rows, cols := 0, 0
		if kern.transposeA != nil {
			rows, cols = kern.transposeA(panel, src, lda, h, kb)
		}
		transposeRuns(panel, mr, src, lda, h, rows, cols, kb)
	}
}

// packB packs rows [pc, pc+kb) and columns [jc, jc+nb) of op(B) into dst as
// consecutive kb x nr micro-panels. Within a panel, row q of op(B) is stored
// as nr consecutive values; columns past nb are zero. If partialOnly is
// set, full panels (read in place instead) are skipped.
func (p *problem) packB(kern *kernel, dst []float32, pc, kb, jc, nb int, partialOnly bool) {
	b, ldb, nr := p.b, p.ldb, kern.nr
	for jr := 0; jr < nb; jr += nr {
		w := min(nr, nb-jr)
		if partialOnly && w == nr {
			continue
		}
		panel := dst[jr*kb : (jr+nr)*kb]
		if !p.transB {
			// op(B)[q][j] = b[q*ldb+j]: each k step is a contiguous run.
			copyRuns(panel, nr, b[pc*ldb+jc+jr:], ldb, w, kb)
			continue
		}
		// op(B)[q][j] = b[j*ldb+q]: rows of B become rows of the panel.
		src := b[(jc+jr)*ldb+pc:]
		rows, cols := 0, 0
		if kern.transposeB != nil {
			rows, cols = kern.transposeB(panel, src, ldb, w, kb)
		}
		transposeRuns(panel, nr, src, ldb, w, rows, cols, kb)
	}
}

// copyRuns sets panel[q*r : q*r+r] to src[q*lds : q*lds+h] followed by r-h
// zeros, for q in [0, kb). The common full-width cases copy in 16-byte
// pieces, which the compiler turns into vector moves (a whole-array copy
// would call memmove).
func copyRuns(panel []float32, r int, src []float32, lds, h, kb int) {
	type v4 = [4]float32
	type v2 = [2]float32
	switch {
	case r == 16 && h == 16:
		for q := range kb {
			d, s := panel[q*16:q*16+16], src[q*lds:q*lds+16]
			*(*v4)(d[0:]) = *(*v4)(s[0:])
			*(*v4)(d[4:]) = *(*v4)(s[4:])
			*(*v4)(d[8:]) = *(*v4)(s[8:])
			*(*v4)(d[12:]) = *(*v4)(s[12:])
		}
	case r == 6 && h == 6:
		for q := range kb {
			d, s := panel[q*6:q*6+6], src[q*lds:q*lds+6]
			*(*v4)(d[0:]) = *(*v4)(s[0:])
			*(*v2)(d[4:]) = *(*v2)(s[4:])
		}
	case r == 4 && h == 4:
		for q := range kb {
			*(*v4)(panel[q*4:]) = *(*v4)(src[q*lds:])
		}
	case r == 2 && h == 2:
		for q := range kb {
			*(*v2)(panel[q*2:]) = *(*v2)(src[q*lds:])
		}
	default:
		for q := range kb {
			d := panel[q*r : q*r+r]
			s := src[q*lds : q*lds+h]
			copy(d, s)
			for i := h; i < r; i++ {
				d[i] = 0
			}
		}
	}
}

// transposeRuns sets panel[q*r+i] = src[i*lds+q] for i in [0, h) and q in
// [0, kb), except for the block i < rows, q < cols that is already done,
// and zeroes rows [h, r) of the panel.
func transposeRuns(panel []float32, r int, src []float32, lds, h, rows, cols, kb int) {
	for i := range h {
		q0 := 0
		if i < rows {
			q0 = cols
		}
		if q0 >= kb {
			continue
		}
		s := src[i*lds+q0 : i*lds+kb]
		d := panel[q0*r+i : (kb-1)*r+i+1]
		for q, v := range s {
			d[q*r] = v
		}
	}
	if h < r {
		for q := range kb {
			d := panel[q*r : q*r+r]
			for i := h; i < r; i++ {
				d[i] = 0
			}
		}
	}
}
