// Benchmarks for the dense layers of LeNet-300-100 at batch 64.

package blas

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchShape is one matrix multiply of a dense layer's training step.
type benchShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

// lenetShapes are the three products of each LeNet-300-100 dense layer at
// batch 64: forward Y = X·W^T, input gradient dX = dY·W and weight gradient
// dW = dY^T·X, with PyTorch's [out, in] weight layout.
var lenetShapes = []benchShape{
	{"fc1_fwd_64x300x784", false, true, 64, 300, 784},
	{"fc1_dx_64x784x300", false, false, 64, 784, 300},
	{"fc1_dw_300x784x64", true, false, 300, 784, 64},
	{"fc2_fwd_64x100x300", false, true, 64, 100, 300},
	{"fc2_dx_64x300x100", false, false, 64, 300, 100},
	{"fc2_dw_100x300x64", true, false, 100, 300, 64},
	{"fc3_fwd_64x10x100", false, true, 64, 10, 100},
	{"fc3_dx_64x100x10", false, false, 64, 100, 10},
	{"fc3_dw_10x100x64", true, false, 10, 100, 64},
}

// operands returns A, B and C for s with tight strides.
func (s benchShape) operands() (a []float32, lda int, b []float32, ldb int, c []float32) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = rng.Float32()*2 - 1
		}
		return x
	}
	a, b, c = fill(s.m*s.k), fill(s.k*s.n), fill(s.m*s.n)
	lda, ldb = s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return a, lda, b, ldb, c
}

func reportGflops(b *testing.B, s benchShape) {
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkSgemm measures Sgemm on the LeNet-300-100 shapes with the
// portable kernel, and with the fastest kernel of the machine on one and
// two workers.
func BenchmarkSgemm(b *testing.B) {
	type variant struct {
		kern    *kernel
		workers int
	}
	variants := []variant{{&portableKernel, 1}}
	if fastKernel != &portableKernel {
		variants = append(variants, variant{fastKernel, 1}, variant{fastKernel, 2})
	}
	defer UsePortable(active == &portableKernel)
	for _, s := range lenetShapes {
		for _, v := range variants {
			b.Run(fmt.Sprintf("%s/%s/w%d", s.name, v.kern.name, v.workers), func(b *testing.B) {
				UsePortable(v.kern == &portableKernel)
				a, lda, bb, ldb, c := s.operands()
				for b.Loop() {
					SgemmParallel(v.workers, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				}
				reportGflops(b, s)
			})
		}
	}
}

// BenchmarkNaive runs the same shapes through a plain i, j, k triple loop
// with a float32 accumulator, as the baseline for BenchmarkSgemm.
func BenchmarkNaive(b *testing.B) {
	for _, s := range lenetShapes {
		b.Run(s.name, func(b *testing.B) {
			a, lda, bb, ldb, c := s.operands()
			for b.Loop() {
				naive(s.transA, s.transB, s.m, s.n, s.k, a, lda, bb, ldb, c, s.n)
			}
			reportGflops(b, s)
		})
	}
}

// naive computes C = op(A)*op(B) with a triple loop.
func naive(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := range m {
		for j := range n {
			var sum float32
			for p := range k {
				var x, y float32
				if transA {
					x = a[p*lda+i]
				} else {
					x = a[i*lda+p]
				}
				if transB {
					y = b[j*ldb+p]
				} else {
					y = b[p*ldb+j]
				}
				sum += x * y
			}
			c[i*ldc+j] = sum
		}
	}
}
