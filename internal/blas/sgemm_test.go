// Tests of Sgemm and SgemmParallel against a float64 reference, on every
// path (small, blocked with each kernel) and for bitwise determinism.

package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// gemmCase is one multiply with its stored operands.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

const (
	padA = float32(-7777) // value of A and B elements outside the matrix
	padC = float32(12345) // value of C elements outside the matrix
)

// newCase builds a random case. Elements of A and B outside the stored
// matrix (stride padding) are NaN so that reading one shows up in the
// result; C's padding holds padC and must survive unchanged. If nanC is
// set, C starts as NaN.
func newCase(rng *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32, pad bool, nanC bool) *gemmCase {
	tc := &gemmCase{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	ld := func(cols int) int {
		if pad {
			return cols + 1 + rng.IntN(5)
		}
		return max(cols, 1)
	}
	tc.lda, tc.ldb, tc.ldc = ld(ac), ld(bc), ld(n)
	fill := func(rows, cols, ld int, outside float32, val func() float32) []float32 {
		s := make([]float32, rows*ld)
		for i := range s {
			if i%ld < cols {
				s[i] = val()
			} else {
				s[i] = outside
			}
		}
		return s
	}
	uniform := func() float32 { return rng.Float32()*2 - 1 }
	nan := float32(math.NaN())
	tc.a = fill(ar, ac, tc.lda, nan, uniform)
	tc.b = fill(br, bc, tc.ldb, nan, uniform)
	if nanC {
		tc.c = fill(m, n, tc.ldc, padC, func() float32 { return nan })
	} else {
		tc.c = fill(m, n, tc.ldc, padC, uniform)
	}
	return tc
}

func (tc *gemmCase) String() string {
	return fmt.Sprintf("transA=%v transB=%v m=%d n=%d k=%d alpha=%v beta=%v lda=%d ldb=%d ldc=%d",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.lda, tc.ldb, tc.ldc)
}

func (tc *gemmCase) opA(i, p int) float32 {
	if tc.transA {
		return tc.a[p*tc.lda+i]
	}
	return tc.a[i*tc.lda+p]
}

func (tc *gemmCase) opB(p, j int) float32 {
	if tc.transB {
		return tc.b[j*tc.ldb+p]
	}
	return tc.b[p*tc.ldb+j]
}

func (tc *gemmCase) problem(c []float32) *problem {
	return &problem{tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, c, tc.ldc}
}

// check compares got (the C produced from tc.c) with a float64 reference.
// The tolerance is the classical bound for a float32 dot product of length
// k followed by the alpha and beta updates, with a factor of 2 to spare.
func (tc *gemmCase) check(t *testing.T, path string, got []float32) {
	t.Helper()
	const u = 1.0 / (1 << 24) // unit roundoff of float32
	bad := 0
	for i := range tc.m {
		for j := range tc.n {
			var sum, mag float64
			for p := range tc.k {
				x, y := float64(tc.opA(i, p)), float64(tc.opB(p, j))
				sum += x * y
				mag += math.Abs(x * y)
			}
			alpha, beta := float64(tc.alpha), float64(tc.beta)
			c0 := float64(tc.c[i*tc.ldc+j])
			var want, bound float64
			if alpha != 0 { // alpha == 0: A and B are not read
				want, bound = alpha*sum, math.Abs(alpha)*mag
			}
			if beta != 0 {
				want += beta * c0
				bound += math.Abs(beta * c0)
			}
			tol := 2*float64(tc.k+2)*u*bound + 1e-30
			g := float64(got[i*tc.ldc+j])
			if math.IsNaN(want) && math.IsNaN(g) {
				continue
			}
			if !(math.Abs(g-want) <= tol) {
				if bad++; bad <= 3 {
					t.Errorf("%s %v: C[%d][%d] = %v, want %v (tol %.3g)", path, tc, i, j, g, want, tol)
				}
			}
		}
	}
	for i, v := range got {
		if i%tc.ldc >= tc.n && v != padC {
			t.Fatalf("%s %v: C padding at %d overwritten with %v", path, tc, i, v)
		}
	}
}

// paths lists every way a product can be computed: the public entry points
// and each internal path forced regardless of shape.
func paths() []struct {
	name string
	run  func(tc *gemmCase, c []float32)
} {
	type path = struct {
		name string
		run  func(tc *gemmCase, c []float32)
	}
	ps := []path{
		{"Sgemm", func(tc *gemmCase, c []float32) {
			Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, c, tc.ldc)
		}},
		{"SgemmParallel3", func(tc *gemmCase, c []float32) {
			SgemmParallel(3, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, c, tc.ldc)
		}},
		{"small", func(tc *gemmCase, c []float32) {
			p := tc.problem(c)
			if p.m == 0 || p.n == 0 || p.k == 0 || p.alpha == 0 {
				p.scaleC(0, p.m, 0, p.n)
				return
			}
			p.small()
		}},
	}
	for _, kern := range kernels() {
		ps = append(ps, path{"blocked-" + kern.name, func(tc *gemmCase, c []float32) {
			p := tc.problem(c)
			if p.m == 0 || p.n == 0 || p.k == 0 || p.alpha == 0 {
				p.scaleC(0, p.m, 0, p.n)
				return
			}
			p.serial(kern)
		}})
	}
	return ps
}

// kernels returns the micro-kernels this machine can run.
func kernels() []*kernel {
	ks := []*kernel{&portableKernel}
	if fastKernel != &portableKernel {
		ks = append(ks, fastKernel)
	}
	return ks
}

// alphaBeta lists the scaling variants; nanC marks beta 0 cases, where C
// starts as NaN and must be ignored.
var alphaBeta = []struct {
	alpha, beta float32
	nanC        bool
}{
	{1, 0, true},
	{1, 1, false},
	{-1.5, 0.5, false},
	{0.25, 0, true},
}

func runAllPaths(t *testing.T, tc *gemmCase) {
	t.Helper()
	for _, p := range paths() {
		got := append([]float32(nil), tc.c...)
		p.run(tc, got)
		tc.check(t, p.name, got)
	}
}

func TestShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	iter := 0
	for dim := range 3 {
		for v := 0; v <= 70; v++ {
			for tr := range 4 {
				d := [3]int{1 + rng.IntN(70), 1 + rng.IntN(70), 1 + rng.IntN(70)}
				d[dim] = v
				ab := alphaBeta[iter%len(alphaBeta)]
				iter++
				tc := newCase(rng, tr&1 != 0, tr&2 != 0, d[0], d[1], d[2], ab.alpha, ab.beta, rng.IntN(2) == 0, ab.nanC)
				runAllPaths(t, tc)
				if t.Failed() {
					return
				}
			}
		}
	}
}

// TestBlocking covers shapes with several K blocks, several MC blocks of
// rows and several NC blocks of columns.
func TestBlocking(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	shapes := [][3]int{
		{7, 9, 257}, {67, 45, 513}, {131, 37, 300}, {251, 19, 41},
		{3, 3101, 9}, {13, 6200, 11}, {64, 300, 784},
	}
	for i, s := range shapes {
		for tr := range 4 {
			ab := alphaBeta[(i+tr)%len(alphaBeta)]
			tc := newCase(rng, tr&1 != 0, tr&2 != 0, s[0], s[1], s[2], ab.alpha, ab.beta, tr == 1, ab.nanC)
			runAllPaths(t, tc)
		}
	}
}

// TestDegenerate covers k = 0 (C = beta*C), alpha = 0 (A and B unread, so
// NaN in them does not propagate) and empty outputs.
func TestDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, s := range [][3]int{{5, 7, 0}, {40, 50, 0}, {0, 5, 5}, {5, 0, 5}, {0, 0, 0}, {0, 70, 70}} {
		for _, ab := range alphaBeta {
			tc := newCase(rng, false, true, s[0], s[1], s[2], ab.alpha, ab.beta, true, ab.nanC)
			runAllPaths(t, tc)
		}
	}
	tc := newCase(rng, true, false, 33, 47, 61, 0, 0.5, false, false)
	for i := range tc.a {
		tc.a[i] = float32(math.NaN())
	}
	runAllPaths(t, tc)
	// Empty matrices may come with nil slices.
	Sgemm(false, false, 0, 0, 5, 1, nil, 5, nil, 1, 0, nil, 1)
	Sgemm(false, false, 3, 4, 0, 1, nil, 1, nil, 4, 0, make([]float32, 12), 4)
}

func TestBadArguments(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 1, 1, 1, nil, 1, nil, 1, 0, nil, 1) }},
		{"short lda", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"short A", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 5), 3, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"short B", func() {
			Sgemm(false, true, 2, 2, 3, 1, make([]float32, 6), 3, make([]float32, 5), 3, 0, make([]float32, 4), 2)
		}},
		{"short C", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 3, make([]float32, 6), 2, 0, make([]float32, 3), 2)
		}},
		{"short ldc", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 3, make([]float32, 6), 2, 0, make([]float32, 4), 1)
		}},
	}
	for _, c := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

// TestDeterminism checks that the bits of C do not depend on the number of
// workers, for every kernel, on odd shapes with partial edge tiles. Chunks
// go to whichever goroutine claims them first, so repeated runs also cover
// different assignments of chunks to goroutines.
func TestDeterminism(t *testing.T) {
	defer func(v int) { minWorkerFlops = v }(minWorkerFlops)
	defer UsePortable(active == &portableKernel)
	// Let every requested worker run, whatever the machine's CPU count.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	rng := rand.New(rand.NewPCG(4, 4))
	shapes := [][3]int{{67, 131, 300}, {97, 53, 517}, {13, 211, 29}, {130, 37, 71}, {5, 600, 261}, {301, 17, 33}}
	for _, portable := range []bool{true, false} {
		UsePortable(portable)
		for i, s := range shapes {
			tr := i % 4
			beta := float32(i%3) * 0.5
			tc := newCase(rng, tr&1 != 0, tr&2 != 0, s[0], s[1], s[2], 1.25, beta, i%2 == 0, false)
			want := append([]float32(nil), tc.c...)
			Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, want, tc.ldc)
			for _, minFlops := range []int{0, 1 << 20} {
				minWorkerFlops = minFlops
				for workers := 1; workers <= 8; workers++ {
					got := append([]float32(nil), tc.c...)
					SgemmParallel(workers, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc)
					if j := firstBitDiff(got, want); j >= 0 {
						t.Fatalf("%s %v workers=%d: C[%d] = %#x, single-threaded %#x",
							KernelName(), tc, workers, j, math.Float32bits(got[j]), math.Float32bits(want[j]))
					}
				}
			}
		}
	}
}

// TestPartitions computes C as a random grid of tile-aligned rectangles and
// checks that the bits match the single-rectangle result; it also checks
// that storing A or B transposed does not change the bits of the blocked
// path, since packing normalizes the layout.
func TestPartitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, kern := range kernels() {
		for iter := range 20 {
			m, n, k := 1+rng.IntN(150), 1+rng.IntN(150), 1+rng.IntN(600)
			tc := newCase(rng, false, false, m, n, k, 0.75, float32(iter%2), false, false)
			want := append([]float32(nil), tc.c...)
			tc.problem(want).serial(kern)

			is := cuts(rng, m, kern.mr)
			js := cuts(rng, n, kern.nr)
			ws := new(workspace)
			for _, mode := range []string{"own", "fullA", "fullB"} {
				got := append([]float32(nil), tc.c...)
				p := tc.problem(got)
				var fullA, fullB []float32
				switch mode {
				case "fullA":
					fullA = make([]float32, roundUp(m, kern.mr)*k)
					p.packAllA(kern, fullA)
				case "fullB":
					fullB = make([]float32, roundUp(n, kern.nr)*k)
					p.packAllB(kern, fullB)
				}
				for x := 0; x+1 < len(is); x++ {
					for y := 0; y+1 < len(js); y++ {
						p.blocked(kern, ws, is[x], is[x+1], js[y], js[y+1], fullA, fullB)
					}
				}
				if j := firstBitDiff(got, want); j >= 0 {
					t.Fatalf("%s %v %s rows %v cols %v: C[%d] differs", kern.name, tc, mode, is, js, j)
				}
			}

			// The same logical product with A and B stored transposed.
			tt := *tc
			tt.transA, tt.transB = true, true
			tt.a, tt.lda = transpose(tc.a, m, k, tc.lda), m
			tt.b, tt.ldb = transpose(tc.b, k, n, tc.ldb), k
			got := append([]float32(nil), tc.c...)
			tt.problem(got).serial(kern)
			if j := firstBitDiff(got, want); j >= 0 {
				t.Fatalf("%s %v transposed storage: C[%d] differs", kern.name, tc, j)
			}
		}
	}
}

// cuts returns sorted split points 0 = x0 < x1 < ... = n at multiples of unit.
func cuts(rng *rand.Rand, n, unit int) []int {
	xs := []int{0}
	for x := unit * (1 + rng.IntN(3)); x < n; x += unit * (1 + rng.IntN(4)) {
		xs = append(xs, x)
	}
	return append(xs, n)
}

func transpose(s []float32, rows, cols, ld int) []float32 {
	out := make([]float32, rows*cols)
	for i := range rows {
		for j := range cols {
			out[j*rows+i] = s[i*ld+j]
		}
	}
	return out
}

func firstBitDiff(x, y []float32) int {
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return i
		}
	}
	return -1
}

// TestPackers checks the kernels' optional fast packers against the
// generic packing code.
func TestPackers(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, kern := range kernels() {
		plain := *kern
		plain.transposeA, plain.transposeB = nil, nil
		for _, s := range [][3]int{{6, 16, 8}, {13, 37, 29}, {64, 300, 257}, {5, 7, 3}, {11, 10, 100}, {4, 9, 17}, {7, 25, 64}} {
			for tr := range 4 {
				tc := newCase(rng, tr&1 != 0, tr&2 != 0, s[0], s[1], s[2], 1, 0, true, false)
				p := tc.problem(tc.c)
				mb, nb := roundUp(s[0], kern.mr), roundUp(s[1], kern.nr)
				got, want := make([]float32, mb*s[2]), make([]float32, mb*s[2])
				p.packA(kern, got, 0, s[0], 0, s[2], false)
				p.packA(&plain, want, 0, s[0], 0, s[2], false)
				if j := firstBitDiff(got, want); j >= 0 {
					t.Fatalf("%s packA %v: element %d = %v, want %v", kern.name, tc, j, got[j], want[j])
				}
				got, want = make([]float32, nb*s[2]), make([]float32, nb*s[2])
				p.packB(kern, got, 0, s[2], 0, s[1], false)
				p.packB(&plain, want, 0, s[2], 0, s[1], false)
				if j := firstBitDiff(got, want); j >= 0 {
					t.Fatalf("%s packB %v: element %d = %v, want %v", kern.name, tc, j, got[j], want[j])
				}
			}
		}
	}
}

func TestUsePortable(t *testing.T) {
	defer UsePortable(active == &portableKernel)
	UsePortable(true)
	if got := KernelName(); got != portableKernel.name {
		t.Errorf("KernelName() = %q after UsePortable(true)", got)
	}
	UsePortable(false)
	if got := KernelName(); got != fastKernel.name {
		t.Errorf("KernelName() = %q after UsePortable(false), want %q", got, fastKernel.name)
	}
	t.Logf("fastest kernel on this machine: %s", fastKernel.name)
}

// TestAllocs checks that steady-state calls reuse their packing buffers.
func TestAllocs(t *testing.T) {
	s := lenetShapes[0]
	a, lda, b, ldb, c := s.operands()
	f := func() { Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n) }
	f()
	if n := testing.AllocsPerRun(20, f); n > 0 {
		t.Errorf("Sgemm allocates %v times per call in steady state", n)
	}
}

// TestPortableEnv runs this test binary again with KILN_PORTABLE=1 and
// checks that the child starts on the portable kernel.
func TestPortableEnv(t *testing.T) {
	if os.Getenv("KILN_BLAS_CHILD") == "1" {
		if got := KernelName(); got != portableKernel.name {
			t.Fatalf("KILN_PORTABLE=1: KernelName() = %q, want %q", got, portableKernel.name)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPortableEnv$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KILN_PORTABLE=1", "KILN_BLAS_CHILD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// TestConcurrentCalls runs parallel multiplies from several goroutines at
// once: they share the helpers, and each must still give the serial bits.
func TestConcurrentCalls(t *testing.T) {
	defer func(v int) { minWorkerFlops = v }(minWorkerFlops)
	minWorkerFlops = 0
	rng := rand.New(rand.NewPCG(7, 7))
	var cases []*gemmCase
	var wants [][]float32
	for i := range 6 {
		tc := newCase(rng, i%2 == 0, i%3 == 0, 40+rng.IntN(90), 40+rng.IntN(90), 20+rng.IntN(300), 1, 0.5, false, false)
		want := append([]float32(nil), tc.c...)
		Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, want, tc.ldc)
		cases, wants = append(cases, tc), append(wants, want)
	}
	errs := make(chan string, len(cases))
	for i, tc := range cases {
		go func() {
			for rep := range 10 {
				got := append([]float32(nil), tc.c...)
				SgemmParallel(2+rep%3, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc)
				if j := firstBitDiff(got, wants[i]); j >= 0 {
					errs <- fmt.Sprintf("%v: C[%d] differs from the serial result", tc, j)
					return
				}
			}
			errs <- ""
		}()
	}
	for range cases {
		if msg := <-errs; msg != "" {
			t.Error(msg)
		}
	}
}
