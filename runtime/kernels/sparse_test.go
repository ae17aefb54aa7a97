package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// prune zeroes each weight with probability 1-density.
func prune(rng *rand.Rand, w []int8, density float64) {
	for i := range w {
		if rng.Float64() >= density {
			w[i] = 0
		}
	}
}

// TestSparseMatMulRequant: the sparse product gives the reference's bits
// (and so the dense kernels') for random shapes, densities, offsets,
// clamps and batch sizes, on both kernel sets.
func TestSparseMatMulRequant(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var cases []*denseCase
	for i := range 200 {
		m := []int{1, 3, 64, 65, 1 + rng.IntN(140)}[i%5]
		c := newCase(rng, m, 1+rng.IntN(60), 1+rng.IntN(90), i%2 == 0)
		prune(rng, c.w, []float64{0, 0.01, 0.5, 1, rng.Float64()}[i/5%5])
		c.reference()
		cases = append(cases, c)
	}
	eachKernel(t, func(t *testing.T) {
		for _, c := range cases {
			c.runSparse(t, Sparsify(c.w, c.n, c.k))
			c.run(t, Pack(c.w, c.n, c.k))
		}
	})
}

// runSparse is run with SparseMatMulRequant.
func (c *denseCase) runSparse(t *testing.T, s *SparseWeights) {
	t.Helper()
	p := Pack(c.w, c.n, c.k)
	for j, v := range s.RowSums() {
		if v != p.RowSums()[j] {
			t.Fatalf("row %d: sparse row sum %d, packed %d", j, v, p.RowSums()[j])
		}
	}
	bias := c.kernelBias(p)
	const guard = 0x5a
	out := make([]int8, (c.m-1)*c.ldo+c.n)
	for i := range out {
		out[i] = guard
	}
	scratch := make([]int32, SparseScratchSize(s, c.m))
	for i := range scratch {
		scratch[i] = -1
	}
	SparseMatMulRequant(c.m, c.x, c.lda, s, bias, c.mult, c.shift, c.outOff, c.lo, c.hi, out, c.ldo, scratch)
	for r := range c.m {
		for j := range c.n {
			if got, want := out[r*c.ldo+j], c.want[r*c.n+j]; got != want {
				t.Fatalf("sparse m=%d n=%d k=%d density %.2f: out[%d][%d] = %d, want %d", c.m, c.n, c.k, Density(c.w), r, j, got, want)
			}
		}
		for j := c.n; j < c.ldo && r < c.m-1; j++ {
			if out[r*c.ldo+j] != guard {
				t.Fatalf("sparse m=%d n=%d k=%d: wrote out[%d][%d] past the row", c.m, c.n, c.k, r, j)
			}
		}
	}
}

// BenchmarkSparse times the dense and the sparse kernels on
// LeNet-300-100's layers at several densities, batch 1 and 64:
//
//	go test ./runtime/kernels -run '^$' -bench Sparse -count 6
func BenchmarkSparse(b *testing.B) {
	layers := []struct {
		name string
		n, k int
	}{{"784x300", 300, 784}, {"300x100", 100, 300}, {"100x10", 10, 100}}
	saved := useAsm
	defer func() { useAsm = saved }()
	kernelSets := []string{"portable"}
	if haveAsm {
		kernelSets = append(kernelSets, asmName)
	}
	for _, m := range []int{1, 64} {
		for _, l := range layers {
			for _, d := range []float64{0.02, 0.05, 0.10, 0.20, 0.50} {
				rng := rand.New(rand.NewPCG(1, 1))
				w := weights(rng, l.n*l.k)
				prune(rng, w, d)
				x := activations(rng, m*l.k)
				p, s := Pack(w, l.n, l.k), Sparsify(w, l.n, l.k)
				mult, shift := make([]int32, l.n), make([]int32, l.n)
				for j := range mult {
					mult[j], shift[j] = 1<<30, -8
				}
				out := make([]int8, m*l.n)
				scratch := make([]int32, max(ScratchSize(p, m), SparseScratchSize(s, m)))
				for _, ks := range kernelSets {
					UsePortable(ks == "portable")
					name := fmt.Sprintf("b%d/%s/d%02.0f/%s", m, l.name, d*100, ks)
					b.Run(name+"/dense", func(b *testing.B) {
						for b.Loop() {
							MatMulRequant(m, x, l.k, p, nil, mult, shift, 0, -128, 127, out, l.n, scratch)
						}
					})
					b.Run(name+"/sparse", func(b *testing.B) {
						for b.Loop() {
							SparseMatMulRequant(m, x, l.k, s, nil, mult, shift, 0, -128, 127, out, l.n, scratch)
						}
					})
				}
			}
		}
	}
}

// TestSparseFaster pins the rule's answers for a pruned LeNet-300-100
// (about 7% of the weights non-zero), where BenchmarkSparse measured the
// faster kernel: dense at batch 1 and sparse at 64 under AVX2, sparse at
// both on the portable kernels; and dense weights never go sparse. The
// figures under AVX2 hold where the assembly sparse kernel runs.
func TestSparseFaster(t *testing.T) {
	for _, c := range []struct {
		density  float64
		m        int
		portable bool
		want     bool
	}{
		{0.07, 1, true, true}, {0.07, 64, true, true}, {0.6, 64, true, false}, {0.4, 1, true, false},
		{1, 64, true, false}, {0.07, 0, true, false},
	} {
		if got := SparseFaster(c.density, c.m, c.portable); got != c.want {
			t.Errorf("SparseFaster(%v, %d, portable=%v) = %v, want %v", c.density, c.m, c.portable, got, c.want)
		}
	}
	if !haveAsm || !sparseAsm {
		return
	}
	saved := useAsm
	defer func() { useAsm = saved }()
	UsePortable(false)
	for _, c := range []struct {
		density float64
		m       int
		want    bool
	}{{0.07, 1, false}, {0.07, 64, true}, {0.07, 128, true}, {0.07, 65, true}, {0.1, 65, false}, {0.07, 48, true}, {0.2, 64, false}, {0.02, 1, false}} {
		if got := SparseFaster(c.density, c.m, false); got != c.want {
			t.Errorf("avx2: SparseFaster(%v, %d) = %v, want %v", c.density, c.m, got, c.want)
		}
	}
}
