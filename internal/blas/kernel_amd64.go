// Kernel selection and Go declarations for the amd64 assembly micro-kernel
// and packers.

package blas

import "golang.org/x/sys/cpu"

// kernel6x16 computes C[i][j] += alpha * sum_p a[p*sa+i]*b[p*sb+j] for
// the 6x16 tile at c (row stride ldc floats), with one FMA per product in
// order of p. It requires AVX2 and FMA.
//
//go:noescape
func kernel6x16(k int, a *float32, sa int, b *float32, sb int, c *float32, ldc int, alpha float32)

// transpose8 sets dst[(8t+c)*ldd+r] = src[r*lds+8t+c] for t < nblk and
// r, c < 8. It requires AVX.
//
//go:noescape
func transpose8(dst *float32, ldd int, src *float32, lds int, nblk int)

// transpose6 sets dst[(8t+c)*6+r] = src[r*lds+8t+c] for t < nblk, r < 6
// and c < 8. It requires AVX.
//
//go:noescape
func transpose6(dst *float32, src *float32, lds int, nblk int)

// avx2Kernel is a 6x16 tile: twelve YMM accumulators, two YMM loads of
// op(B) and six broadcasts of op(A) per k step, enough independent FMAs to
// keep both FMA pipes of a Zen-class core busy (about 93 GFLOP/s on one
// core with the panels in L1 on the reference Zen 3 machine; a 4x24 tile
// measured the same in isolation and was no faster on the LeNet shapes,
// while padding N to 24 wastes more on narrow layers). kc = 320 keeps a
// kc x 16 micro-panel of op(B) (20 KiB) and a 6 x kc micro-panel of op(A)
// (7.5 KiB) in the 32 KiB L1d; larger K blocks also mean fewer passes over
// C, and 320 measured best among 128..400. An mc x kc block of op(A)
// (150 KiB) stays in the 512 KiB L2; mc barely mattered for these shapes.
// nc bounds a kc x nc block of op(B) (3.75 MiB) for L3. Below 512
// multiply-adds the unpacked loops win (measured crossover near 8x8x8).
var avx2Kernel = kernel{
	name: "avx2-fma-6x16",
	mr:   6, nr: 16,
	run: func(k int, a []float32, sa int, b []float32, sb int, c []float32, ldc int, alpha float32) {
		if k <= 0 {
			return
		}
		// Bounds checks keep the assembly inside the slices.
		_ = a[(k-1)*sa+5]
		_ = b[(k-1)*sb+15]
		_ = c[5*ldc+15]
		kernel6x16(k, &a[0], sa, &b[0], sb, &c[0], ldc, alpha)
	},
	kc: 320, mc: 120, nc: 3072,
	small: 512,
	transposeA: func(panel, src []float32, lds, h, kb int) (rows, cols int) {
		nblk := kb / 8
		if h < 6 || nblk == 0 {
			return 0, 0
		}
		_ = src[5*lds+8*nblk-1]
		_ = panel[48*nblk-1]
		transpose6(&panel[0], &src[0], lds, nblk)
		return 6, 8 * nblk
	},
	transposeB: func(panel, src []float32, lds, h, kb int) (rows, cols int) {
		nblk := kb / 8
		if h < 8 || nblk == 0 {
			return 0, 0
		}
		// Rows 0-7, then rows 8-15 if the panel is full.
		_ = src[7*lds+8*nblk-1]
		_ = panel[(8*nblk-1)*16+7]
		transpose8(&panel[0], 16, &src[0], lds, nblk)
		if h < 16 {
			return 8, 8 * nblk
		}
		_ = src[15*lds+8*nblk-1]
		_ = panel[128*nblk-1]
		transpose8(&panel[8], 16, &src[8*lds], lds, nblk)
		return 16, 8 * nblk
	},
}

// archKernel returns the AVX2+FMA kernel when the CPU and OS support it.
func archKernel() *kernel {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return &avx2Kernel
	}
	return nil
}
