// Package blas implements the dense single-precision matrix multiply used by
// kiln's CPU training engine.
//
// Sgemm and SgemmParallel compute C = alpha*op(A)*op(B) + beta*C on row-major
// matrices. Problems follow the GotoBLAS/BLIS structure: K is cut into
// blocks of at most kc, op(A) is packed into mr x kc micro-panels and op(B)
// into kc x nr micro-panels (packing absorbs the transposes and zero-pads
// partial panels), and a register-blocked micro-kernel updates one mr x nr
// tile of C at a time. An operand whose storage already has the panel
// layout (A stored transposed, B stored as is) is read in place instead of
// being copied. On amd64 with AVX2 and FMA the micro-kernel is assembly
// (6x16, VFMADD231PS on YMM registers); elsewhere, or when forced with
// UsePortable or KILN_PORTABLE=1, a portable Go kernel (2x4) is used.
// Very small problems, where packing would cost more than it saves (below
// 512 multiply-adds with the assembly kernel, 8192 with the portable one),
// use plain loops instead.
//
// # Determinism
//
// On a given machine and kernel choice, the bits of every element of C depend
// only on the call's shape, flags and operand values, never on the number of
// workers or on how the work is split:
//
//   - the K dimension is cut into blocks whose size is a function of k alone,
//     and the blocks are applied to C in increasing order: first C = beta*C,
//     then C += alpha*acc for each block, acc being the block's dot product;
//   - within a block, each element's products are accumulated in order of k
//     starting from zero, one multiply-add at a time, by the same micro-kernel
//     whatever the tile; partial tiles at the right and bottom edges are run
//     through the same kernel on a zero-padded copy, so no element is ever
//     computed by a different instruction sequence;
//   - work is divided among workers along M or N only, at micro-tile
//     boundaries, so partitioning never changes which arithmetic an element
//     sees (which goroutine computes a chunk does not matter either);
//   - packing and reading in place hand the kernel the same values;
//   - the choice between the unpacked small-problem path and the blocked path
//     depends only on m*n*k and the kernel.
//
// Results of the assembly and portable kernels differ in the last bits (the
// assembly kernel uses fused multiply-add); each is within float32 rounding
// error of the exact product.
//
// # Allocation and goroutines
//
// Packing buffers are kept in a sync.Pool and grow to the largest problem
// seen, so steady-state Sgemm calls do not allocate. SgemmParallel allocates
// a copy of its arguments and a small job descriptor per call. Its helper
// goroutines are started on first use and live for the rest of the program,
// each keeping packing buffers sized for the largest problem it has worked
// on; after about half a millisecond without work they park and cost
// nothing. Until then they poll, which keeps a CPU busy but lets the
// multiplies of a training step start in about a microsecond.
package blas

import (
	"fmt"
	"os"
	"sync"
)

// minWorkerFlops is the least work worth a goroutine of its own. It only
// limits how many workers SgemmParallel uses, never the result; tests lower
// it to force splits on small shapes.
var minWorkerFlops = 1 << 18

// kernel describes a micro-kernel and the cache blocking tuned for it.
type kernel struct {
	name   string
	mr, nr int
	// run computes C[i][j] += alpha * sum_p a[p*sa+i]*b[p*sb+j] over the
	// mr x nr tile at c with row stride ldc, for p = 0..k-1 in order.
	// Packed panels have sa = mr and sb = nr; an operand whose storage
	// already has that shape (op(A) = A^T, op(B) = B) is read in place
	// with its row stride.
	run func(k int, a []float32, sa int, b []float32, sb int, c []float32, ldc int, alpha float32)
	// kc is the largest K block; mc and nc bound the rows of packed op(A)
	// and the columns of packed op(B) (multiples of mr and nr).
	kc, mc, nc int
	// small is the m*n*k volume below which the unpacked path is faster.
	small int64
	// transposeA and transposeB, if set, speed up packing an operand whose
	// rows run along K (A when transA is false, B when transB is true):
	// given the h valid rows of a panel, they fill panel[q*mr+i] (or nr)
	// = src[i*lds+q] for i < rows, q < cols and report rows and cols; the
	// generic code does the rest.
	transposeA, transposeB func(panel, src []float32, lds, h, kb int) (rows, cols int)
}

var (
	// active is the kernel used by Sgemm; fastKernel is the best kernel
	// the CPU supports (the portable one if nothing better).
	active, fastKernel *kernel
)

func init() {
	fastKernel = &portableKernel
	if k := archKernel(); k != nil {
		fastKernel = k
	}
	active = fastKernel
	if os.Getenv("KILN_PORTABLE") == "1" {
		active = &portableKernel
	}
}

// UsePortable forces the portable Go micro-kernel (on) or restores the
// fastest kernel the CPU supports (off). It exists for tests and benchmarks
// and must not be called while any multiply is running. The environment
// variable KILN_PORTABLE=1, read once at program start, has the same effect
// as UsePortable(true).
func UsePortable(on bool) {
	if on {
		active = &portableKernel
	} else {
		active = fastKernel
	}
}

// KernelName reports the micro-kernel currently in use, for example
// "avx2-fma-6x16" or "portable-2x4".
func KernelName() string { return active.name }

// Sgemm computes C = alpha*op(A)*op(B) + beta*C, where op(A) is m x k,
// op(B) is k x n and C is m x n, all row-major.
//
// If transA is false, A is stored m x k with row stride lda; if true, A is
// stored k x m and op(A) = A^T. Likewise B is stored k x n (transB false) or
// n x k (transB true) with row stride ldb. C has row stride ldc.
//
// If beta is 0, C is overwritten and its previous contents (NaN included)
// are ignored. If alpha is 0 or k is 0, A and B are not read and C becomes
// beta*C. C must not overlap A or B. Sgemm panics if a dimension is
// negative, a stride is smaller than its row width, or a slice is too short
// for the shape.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SgemmParallel(1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmParallel is Sgemm with the output split across up to workers
// goroutines, the caller's included. The result is bit for bit the same for
// every value of workers. Fewer goroutines are used when the problem is
// small, has too few micro-tiles to share, or workers exceeds GOMAXPROCS.
// Concurrent calls are safe; they share one set of helper goroutines, and a
// call that finds the helpers busy runs on its own goroutine alone.
func SgemmParallel(workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	p := problem{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}
	p.check()
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		p.scaleC(0, m, 0, n)
		return
	}
	kern := active
	if int64(m)*int64(n)*int64(k) < kern.small {
		p.small()
		return
	}
	if workers > 1 {
		workers, splitN := p.split(kern, workers)
		if workers > 1 {
			// A separate copy, so that only parallel calls move it
			// to the heap.
			onHeap := p
			onHeap.parallel(kern, workers, splitN)
			return
		}
	}
	p.serial(kern)
}

// problem holds the arguments of one multiply.
type problem struct {
	transA, transB bool
	m, n, k        int
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	beta           float32
	c              []float32
	ldc            int
}

func (p *problem) check() {
	if p.m < 0 || p.n < 0 || p.k < 0 {
		panic(fmt.Sprintf("blas: negative dimension m=%d n=%d k=%d", p.m, p.n, p.k))
	}
	ar, ac := p.m, p.k // stored shape of A
	if p.transA {
		ar, ac = p.k, p.m
	}
	br, bc := p.k, p.n
	if p.transB {
		br, bc = p.n, p.k
	}
	checkMatrix("A", p.a, ar, ac, p.lda)
	checkMatrix("B", p.b, br, bc, p.ldb)
	checkMatrix("C", p.c, p.m, p.n, p.ldc)
}

func checkMatrix(name string, s []float32, rows, cols, ld int) {
	if ld < max(cols, 1) {
		panic(fmt.Sprintf("blas: ld%s = %d is less than the row width %d", name, ld, cols))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; len(s) < need {
		panic(fmt.Sprintf("blas: %s has %d elements, a %dx%d matrix with stride %d needs %d", name, len(s), rows, cols, ld, need))
	}
}

// scaleC sets C[i0:i1, j0:j1] = beta*C, writing zeros when beta is 0.
func (p *problem) scaleC(i0, i1, j0, j1 int) {
	if p.beta == 1 {
		return
	}
	for i := i0; i < i1; i++ {
		row := p.c[i*p.ldc+j0 : i*p.ldc+j1]
		if p.beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= p.beta
		}
	}
}

// kBlock returns the K block size for depth k under a limit of kcMax: the
// blocks are as even as possible, and the size depends on k alone.
func kBlock(k, kcMax int) int {
	nb := (k + kcMax - 1) / kcMax
	return (k + nb - 1) / nb
}

// workspace holds one worker's packing buffers.
type workspace struct {
	a, b []float32 // the current blocks of op(A) and op(B)
	tile []float32 // a padded copy of a partial C tile
	full []float32 // an operand packed in full, see job.work
}

var workspaces = sync.Pool{New: func() any { return new(workspace) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }

// serial computes all of C on the calling goroutine.
func (p *problem) serial(kern *kernel) {
	ws := workspaces.Get().(*workspace)
	p.blocked(kern, ws, 0, p.m, 0, p.n, nil, nil)
	workspaces.Put(ws)
}

// packAllA packs the whole of op(A), K block after K block, into dst: the
// block for rows from ic in the K block starting at pc is at
// pc*roundUp(m, mr) + ic*kb, exactly as packA would lay it out alone.
func (p *problem) packAllA(kern *kernel, dst []float32) {
	kc, mPad := kBlock(p.k, kern.kc), roundUp(p.m, kern.mr)
	for pc := 0; pc < p.k; pc += kc {
		p.packA(kern, dst[pc*mPad:], 0, p.m, pc, min(kc, p.k-pc), false)
	}
}

// packAllB is packAllA for op(B): the block for columns from jc in the K
// block starting at pc is at pc*roundUp(n, nr) + jc*kb.
func (p *problem) packAllB(kern *kernel, dst []float32) {
	kc, nPad := kBlock(p.k, kern.kc), roundUp(p.n, kern.nr)
	for pc := 0; pc < p.k; pc += kc {
		p.packB(kern, dst[pc*nPad:], pc, min(kc, p.k-pc), 0, p.n, false)
	}
}

// directA reports whether full micro-panels of op(A) are read in place:
// when A is stored transposed, column q of op(A) is a contiguous run of A,
// already in the layout of a packed panel but with stride lda. directB is
// the same for op(B) when B is stored as is. The kernel sees the same
// values either way, so this never changes a result; it saves the copy,
// and only partial edge panels are then packed (zero-padded).
func (p *problem) directA() bool { return p.transA }
func (p *problem) directB() bool { return !p.transB }

// blocked computes rows [i0, i1) and columns [j0, j1) of C with the packed
// algorithm. i0 and j0 must be multiples of kern.mr and kern.nr, and i1, j1
// multiples of them or equal to m, n: then every tile is the tile it would
// be in a single-threaded run. fullA and fullB, if not nil, hold op(A) or
// op(B) packed in full by packAllA or packAllB; otherwise the blocks are
// packed into ws as they are needed.
func (p *problem) blocked(kern *kernel, ws *workspace, i0, i1, j0, j1 int, fullA, fullB []float32) {
	p.scaleC(i0, i1, j0, j1)
	mr, nr := kern.mr, kern.nr
	kc := kBlock(p.k, kern.kc)
	mc := min(kern.mc, roundUp(i1-i0, mr))
	nc := min(kern.nc, roundUp(j1-j0, nr))
	mPad, nPad := roundUp(p.m, mr), roundUp(p.n, nr)
	directA, directB := p.directA(), p.directB()
	if fullA == nil {
		ws.a = grow(ws.a, mc*kc)
	}
	if fullB == nil {
		ws.b = grow(ws.b, nc*kc)
	}
	ws.tile = grow(ws.tile, mr*nr)

	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < p.k; pc += kc {
			kb := min(kc, p.k-pc)
			bBlock := ws.b
			if fullB != nil {
				bBlock = fullB[pc*nPad+jc*kb:]
			} else {
				p.packB(kern, bBlock, pc, kb, jc, nb, directB)
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				aBlock := ws.a
				if fullA != nil {
					aBlock = fullA[pc*mPad+ic*kb:]
				} else {
					p.packA(kern, aBlock, ic, mb, pc, kb, directA)
				}
				p.macro(kern, aBlock, bBlock, ws.tile, ic, mb, jc, nb, pc, kb, directA && fullA == nil, directB && fullB == nil)
			}
		}
	}
}

// macro runs the micro-kernel over the mb x nb block of C at (ic, jc) for
// the K block [pc, pc+kb), reading the packed blocks aBlock (mb rows) and
// bBlock (nb columns), or, for full panels when directA or directB is set,
// the operand in place.
func (p *problem) macro(kern *kernel, aBlock, bBlock, tile []float32, ic, mb, jc, nb, pc, kb int, directA, directB bool) {
	mr, nr := kern.mr, kern.nr
	ldc := p.ldc
	for jr := 0; jr < nb; jr += nr {
		w := min(nr, nb-jr)
		bp, sb := bBlock[jr*kb:(jr+nr)*kb], nr
		if directB && w == nr {
			bp, sb = p.b[pc*p.ldb+jc+jr:], p.ldb
		}
		for ir := 0; ir < mb; ir += mr {
			h := min(mr, mb-ir)
			ap, sa := aBlock[ir*kb:(ir+mr)*kb], mr
			if directA && h == mr {
				ap, sa = p.a[pc*p.lda+ic+ir:], p.lda
			}
			off := (ic+ir)*ldc + jc + jr
			if h == mr && w == nr {
				kern.run(kb, ap, sa, bp, sb, p.c[off:], ldc, p.alpha)
				continue
			}
			// Partial tile: run the same kernel on a padded copy so
			// that the valid elements see exactly the same arithmetic.
			for i := range h {
				t, c := tile[i*nr:i*nr+w], p.c[off+i*ldc:off+i*ldc+w]
				copy(t, c)
			}
			kern.run(kb, ap, sa, bp, sb, tile, nr, p.alpha)
			for i := range h {
				t, c := tile[i*nr:i*nr+w], p.c[off+i*ldc:off+i*ldc+w]
				copy(c, t)
			}
		}
	}
}
