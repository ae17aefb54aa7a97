package kernels

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// wantSums returns the int32 (wrapping) sums x[r] . w[j] of m rows of k
// activations (stride lda) and n rows of weights.
func wantSums(m, n, k int, x []int8, lda int, w []int8) []int32 {
	s := make([]int32, m*n)
	for r := range m {
		for j := range n {
			var a int32
			for i := range k {
				a += int32(x[r*lda+i]) * int32(w[j*k+i])
			}
			s[r*n+j] = a
		}
	}
	return s
}

// checkSums runs MatMul with output stride n+1 and compares with
// wantSums.
func checkSums(t *testing.T, m, n, k int, x []int8, lda int, w []int8, what string) {
	t.Helper()
	want := wantSums(m, n, k, x, lda, w)
	p := Pack(w, n, k)
	got := make([]int32, (m-1)*(n+1)+n)
	MatMul(m, x, lda, p, got, n+1, make([]int32, ScratchSize(p, m)))
	for r := range m {
		for j := range n {
			if g, w := got[r*(n+1)+j], want[r*n+j]; g != w {
				t.Fatalf("%s: m=%d n=%d k=%d: sum[%d][%d] = %d, want %d", what, m, n, k, r, j, g, w)
			}
		}
	}
}

// TestLaneBoundary fills rows with the extreme products, -128*-128 =
// 16384 and -128*127 = -16256, for k around multiples of laneSteps: a
// lane holds exactly laneSteps of them, and one more would carry into its
// neighbour. Signs alternate between outputs, so that a word's lanes
// borrow from one another; n covers partial words and panels.
func TestLaneBoundary(t *testing.T) {
	ks := []int{1, 3, 4, 5, 62, 63, 64, 65, 125, 126, 127, 128, 189, 190, 1023}
	ns := []int{1, 2, 3, 4, 8, 11, 12, 13, 17, 18, 19, 37}
	type fill struct {
		name string
		x    func(r, i int) int8
		w    func(j, i int) int8
	}
	fills := []fill{
		{"all -128", func(r, i int) int8 { return -128 }, func(j, i int) int8 { return -128 }},
		{"all 127", func(r, i int) int8 { return 127 }, func(j, i int) int8 { return 127 }},
		{"x -128, w alternating", func(r, i int) int8 { return -128 }, func(j, i int) int8 { return []int8{-128, 127}[j%2] }},
		{"x alternating by row, w by output", func(r, i int) int8 { return []int8{-128, 127}[r%2] },
			func(j, i int) int8 { return []int8{127, -128, -128}[j%3] }},
	}
	eachKernel(t, func(t *testing.T) {
		for _, f := range fills {
			for _, k := range ks {
				for _, n := range ns {
					const m = 3
					lda := k + 1 // a stride, its gap filled with the other extreme
					x := make([]int8, (m-1)*lda+k)
					for r := range m {
						for i := range lda {
							if r*lda+i < len(x) {
								x[r*lda+i] = f.x(r, i)
								if i >= k {
									x[r*lda+i] = 127 - f.x(r, i)
								}
							}
						}
					}
					w := make([]int8, n*k)
					for j := range n {
						for i := range k {
							w[j*k+i] = f.w(j, i)
						}
					}
					checkSums(t, m, n, k, x, lda, w, f.name)
				}
			}
		}
	})
}

// TestWrappingSums takes k past 131072, where k*16384 no longer fits in
// int32: the sums wrap, as the reference's do, for the extreme products
// and for random ones.
func TestWrappingSums(t *testing.T) {
	const m, n, k = 2, 13, 140000
	rng := rand.New(rand.NewPCG(21, 22))
	xs := map[string][]int8{"extreme": make([]int8, m*k), "random": activations(rng, m*k)}
	ws := map[string][]int8{"extreme": make([]int8, n*k), "random": weights(rng, n*k)}
	for i := range xs["extreme"] {
		xs["extreme"][i] = -128
	}
	for i := range ws["extreme"] {
		ws["extreme"][i] = -128
	}
	if s := wantSums(1, 1, k, xs["extreme"], k, ws["extreme"]); s[0] >= 0 {
		t.Fatalf("the extreme sum %d did not wrap", s[0])
	}
	eachKernel(t, func(t *testing.T) {
		for _, name := range []string{"extreme", "random"} {
			checkSums(t, m, n, k, xs[name], k, ws[name], name)
		}
	})
}

// TestLanesMixedShapes compares the products with the reference for k
// and n around the lane layout's blocks (laneSteps k, panels of
// lanePanel outputs) and the packed layout's quads and panels, with
// strides.
func TestLanesMixedShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	var cases []*denseCase
	for _, k := range []int{1, 2, 3, 5, 62, 63, 64, 127, 130, 253} {
		for _, n := range []int{1, 5, 7, 9, 12, 13, 18, 23, 25, 38} {
			cases = append(cases, newCase(rng, 1+rng.IntN(9), n, k, rng.IntN(2) == 0))
		}
	}
	eachKernel(t, func(t *testing.T) {
		for _, c := range cases {
			p := Pack(c.w, c.n, c.k)
			c.run(t, p)
			c.runRHS(t, p)
		}
	})
}

// TestLanesLazy packs weights while the assembly kernels are selected:
// the lane layout waits for the first portable product, which builds it
// and gives the reference's answer.
func TestLanesLazy(t *testing.T) {
	asm := fastest()
	if !slices.Contains(asmSets, asm) || !useLanes {
		t.Skip("no assembly kernel set runs here (or this target keeps the plain portable kernel): Pack lays out the lanes at once")
	}
	defer useSet(asm)()
	c := newCase(rand.New(rand.NewPCG(25, 26)), 3, 29, 100, true)
	p := Pack(c.w, c.n, c.k)
	if p.lanes != nil {
		t.Fatalf("Pack built the lane layout for the assembly kernels")
	}
	UsePortable(true)
	c.run(t, p)
	if p.lanes == nil {
		t.Fatalf("the portable product did not use the lane layout")
	}
}

// TestLanesConcurrent runs the first portable products of weights packed
// for the assembly kernels from several goroutines at once: one of them
// builds the lane layout, and all give the reference's answer (run with
// -race to check the sharing too).
func TestLanesConcurrent(t *testing.T) {
	asm := fastest()
	if !slices.Contains(asmSets, asm) || !useLanes {
		t.Skip("no assembly kernel set runs here (or this target keeps the plain portable kernel): Pack lays out the lanes at once")
	}
	defer useSet(asm)()
	c := newCase(rand.New(rand.NewPCG(27, 28)), 4, 45, 130, true)
	p := Pack(c.w, c.n, c.k)
	bias := c.kernelBias(p)
	const workers = 8
	outs := make([][]int8, workers)
	var wg sync.WaitGroup
	for g := range workers {
		outs[g] = make([]int8, (c.m-1)*c.ldo+c.n)
		scratch := make([]int32, ScratchSize(p, c.m))
		wg.Go(func() {
			MatMulRequantPortable(c.m, c.x, c.lda, p, bias, c.mult, c.shift, c.outOff, c.lo, c.hi, outs[g], c.ldo, scratch)
		})
	}
	wg.Wait()
	for g, out := range outs {
		for r := range c.m {
			for j := range c.n {
				if got, want := out[r*c.ldo+j], c.want[r*c.n+j]; got != want {
					t.Fatalf("goroutine %d: out[%d][%d] = %d, want %d", g, r, j, got, want)
				}
			}
		}
	}
}
