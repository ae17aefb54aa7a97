package kernels

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// perms lists every permutation of 0..n-1.
func perms(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range perms(n - 1) {
		for i := 0; i <= len(p); i++ {
			out = append(out, append(append(append([]int{}, p[:i]...), n-1), p[i:]...))
		}
	}
	return out
}

// checkTranspose compares the plan with ref.Transpose on n random
// examples of dims.
func checkTranspose(t *testing.T, r *rand.Rand, n int, dims, perm []int) {
	t.Helper()
	e := 1
	for _, d := range dims {
		e *= d
	}
	x := make([]int8, n*e)
	for i := range x {
		x[i] = int8(r.IntN(256) - 128)
	}
	want, got := make([]int8, len(x)), make([]int8, len(x))
	ref.Transpose(&ref.TransposeParams{N: n, Dims: dims, Perm: perm}, x, want)
	p := NewTransposePlan(dims, perm)
	p.Transpose(n, x, got)
	if !slices.Equal(got, want) {
		t.Fatalf("%d examples of %v, perm %v (plan rank %d, dims %v, strides %v): got %v, want %v",
			n, dims, perm, p.rank, p.dims[:p.rank], p.stride[:p.rank], got, want)
	}
}

// TestTransposeMatchesRef runs every permutation of ranks 1 to 4 on
// random shapes (sizes of one among them, so that axes drop and merge,
// and sides past eight rows), and random permutations of ranks 5
// to 8, against the reference kernel, byte for byte.
func TestTransposeMatchesRef(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	sizes := []int{1, 1, 2, 3, 5, 17, 33}
	for rank := 1; rank <= 4; rank++ {
		for _, perm := range perms(rank) {
			for range 6 {
				dims := make([]int, rank)
				for i := range dims {
					dims[i] = sizes[r.IntN(len(sizes))]
					if rank == 4 {
						dims[i] = min(dims[i], 5)
					}
				}
				checkTranspose(t, r, 1+r.IntN(3), dims, perm)
			}
		}
	}
	for rank := 5; rank <= 8; rank++ {
		for range 20 {
			dims := make([]int, rank)
			for i := range dims {
				dims[i] = 1 + r.IntN(3)
			}
			checkTranspose(t, r, 1+r.IntN(2), dims, r.Perm(rank))
		}
	}
}

// TestTransposeForms checks which loop each kind of permutation takes.
func TestTransposeForms(t *testing.T) {
	for _, c := range []struct {
		dims, perm []int
		rank       int
	}{
		{[]int{4, 5, 6}, []int{0, 1, 2}, 1}, // the identity
		{[]int{4, 1, 6}, []int{1, 0, 2}, 1}, // moves a size-one axis only
		{[]int{4, 5, 6}, []int{2, 0, 1}, 2}, // [4*5, 6] -> [6, 4*5]
		{[]int{4, 5, 6}, []int{0, 2, 1}, 3}, // planes transposed
		{[]int{4, 5, 6}, []int{1, 0, 2}, 3}, // rows moved whole
		{[]int{4, 5, 6}, []int{2, 1, 0}, 3}, // strided
		{[]int{2, 3, 4, 5}, []int{3, 1, 0, 2}, 4},
	} {
		p := NewTransposePlan(c.dims, c.perm)
		if p.rank != c.rank {
			t.Errorf("%v perm %v: plan rank %d, want %d", c.dims, c.perm, p.rank, c.rank)
		}
	}
}

// TestTransposeAllocs: a prepared plan allocates nothing when it runs.
func TestTransposeAllocs(t *testing.T) {
	for _, c := range []struct{ dims, perm []int }{
		{[]int{8, 6}, []int{1, 0}}, {[]int{4, 5, 6}, []int{0, 2, 1}}, {[]int{4, 5, 6}, []int{2, 1, 0}},
		{[]int{2, 3, 4, 5}, []int{3, 1, 0, 2}},
	} {
		p := NewTransposePlan(c.dims, c.perm)
		x, out := make([]int8, 3*p.Elems()), make([]int8, 3*p.Elems())
		if a := testing.AllocsPerRun(20, func() { p.Transpose(3, x, out) }); a != 0 {
			t.Errorf("%v perm %v: %v allocations per run", c.dims, c.perm, a)
		}
	}
}

// BenchmarkTranspose times a text CNN's [L, dim] -> [dim, L] and a rank-3
// permutation on a batch of 64.
func BenchmarkTranspose(b *testing.B) {
	for _, c := range []struct{ dims, perm []int }{
		{[]int{128, 64}, []int{1, 0}}, {[]int{16, 32, 24}, []int{2, 0, 1}}, {[]int{16, 32, 24}, []int{2, 1, 0}},
	} {
		b.Run(fmt.Sprint(c.dims, c.perm), func(b *testing.B) {
			p := NewTransposePlan(c.dims, c.perm)
			x, out := make([]int8, 64*p.Elems()), make([]int8, 64*p.Elems())
			b.SetBytes(int64(len(x)))
			for b.Loop() {
				p.Transpose(64, x, out)
			}
		})
	}
}
