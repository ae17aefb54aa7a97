// Choosing the kernel set: the best one the CPU runs that reproduces the
// portable kernels' bits on a built-in problem.

package kernels

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
)

// A kernelSet is one implementation of the matrix products. The portable
// Go kernels are always there; each architecture's file lists its
// assembly sets, best first (asmSets).
type kernelSet struct {
	name string
	// lacks says what this CPU or OS is missing for the set, or "" when
	// the set runs here.
	lacks func() string
	// The products, which the self-test compares with the portable
	// kernels'. The rescale is passed by value: a call through the table
	// then allocates nothing.
	matMulRequant    func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32)
	matMulRequantRHS func(cols int, col []int8, ldc int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32)
	// quantize, when not nil, is the set's own Quantize of n floats (a
	// multiple of 32, zero points in [-256, 256]); the self-test checks
	// it too.
	quantize func(n int, in *float32, scale float32, zero int32, out *int8)
	// depthwise, when not nil, is the set's DepthwiseGrid, which the VM
	// then runs depthwise convolutions on (the self-test checks it
	// against depthwisePortable); nil leaves them to the set's product.
	depthwise func(n, rows, width, valid int, x []int8, plane int, offs []int, w []int8, q requant, out []int8, scratch []int32)
	// peak runs the set's bare loop (see Peak), peakMACs multiply-adds
	// an iteration.
	peak     func(iters int)
	peakMACs int
}

var portableSet = &kernelSet{name: "portable", lacks: func() string { return "" },
	matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
		matMulRequantPortable(m, x, lda, p, &q, out, ldo, scratch)
	},
	matMulRequantRHS: func(cols int, col []int8, ldc int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
		matMulRequantRHSPortable(cols, col, ldc, p, &q, out, ldo, scratch)
	},
	depthwise: depthwisePortable,
	peak:      peakPortable, peakMACs: portablePeakMACs}

// SetNames are the kernel sets KILN_KERNELS and runtime.Options.Kernels
// may name, on any machine; Runnable says which run on this one.
var SetNames = []string{"portable", "avx2", "avxvnni", "avx512vnni", "amx", "sdot", "neon"}

// The selection, made at init (see choose): the set that runs, the
// error of a KILN_KERNELS that cannot be honoured, and why sets that the
// CPU runs were refused.
var (
	selected  *kernelSet
	selectErr error
	refused   []string
)

func init() {
	want := os.Getenv("KILN_KERNELS")
	if want == "" && os.Getenv("KILN_PORTABLE") == "1" {
		want = "portable"
	}
	selectFrom(want, asmSets)
}

// selectFrom makes the selection among sets and the portable kernels.
func selectFrom(want string, sets []*kernelSet) {
	selected, refused, selectErr = choose(want, append(slices.Clone(sets), portableSet))
	useAsm = selected != portableSet
}

// choose returns the set named want (any when want is ""): the first of
// sets, best first, that this CPU runs and that passes its self-test;
// the portable kernels when want cannot run here, with an error saying
// why. refused lists the sets the CPU runs that failed the self-test.
func choose(want string, sets []*kernelSet) (set *kernelSet, refused []string, err error) {
	if want != "" && !slices.Contains(SetNames, want) {
		return portableSet, nil, fmt.Errorf("kernel set %q is not one of %s", want, strings.Join(SetNames, ", "))
	}
	for _, s := range sets {
		if want != "" && s.name != want {
			continue
		}
		if lacks := s.lacks(); lacks != "" {
			if want != "" {
				return portableSet, nil, fmt.Errorf("kernel set %s: this CPU lacks %s", want, lacks)
			}
			continue
		}
		if err := selfTest(s); err != nil {
			refused = append(refused, err.Error())
			if want != "" {
				return portableSet, refused, err
			}
			continue
		}
		return s, refused, nil
	}
	if want == "" {
		return portableSet, refused, nil
	}
	return portableSet, refused, fmt.Errorf("kernel set %s is not built for this architecture", want)
}

// selfTest runs s's products on a built-in problem (every int8 extreme,
// lengths that are not multiples of the packing, one row, a few and more
// than an AMX tile's 16, per-channel and per-tensor rescales) and
// compares them with the portable kernels', bit for bit.
func selfTest(s *kernelSet) error {
	if s == portableSet {
		return nil
	}
	const n, k = 11, 37
	values := []int8{-128, 127, 0, -1, 1, 93, -77, 5}
	w := make([]int8, n*k)
	for i := range w {
		w[i] = values[(i*7+i/5)%len(values)]
	}
	p := Pack(w, n, k)
	bias, mult, shift := make([]int32, n), make([]int32, n), make([]int32, n)
	for j := range n {
		bias[j], mult[j], shift[j] = int32(j*4099-20000), int32(1<<30+j*12345), int32(j%5-8)
	}
	for _, q := range []requant{
		{bias: bias, mult: mult, shift: shift, off: -3, lo: -128, hi: 127},
		{mult: mult[:1], shift: []int32{2}, off: 7, lo: -20, hi: 100},
	} {
		for _, m := range []int{1, 7, 19} {
			x := make([]int8, m*k)
			for i := range x {
				x[i] = values[(i*3+i/7)%len(values)]
			}
			want, got := make([]int8, m*n), make([]int8, m*n)
			scratch := make([]int32, ScratchSize(p, m))
			portableSet.matMulRequant(m, x, k, p, q, want, n, scratch)
			s.matMulRequant(m, x, k, p, q, got, n, scratch)
			if i := firstDiff(got, want); i >= 0 {
				return fmt.Errorf("kernel set %s failed its self-test: MatMulRequant, %d rows, output %d is %d, the portable kernels give %d", s.name, m, i, got[i], want[i])
			}
		}
		// A convolution's product: the patches [k][cols] on the right.
		const cols = 13
		col := make([]int8, k*cols)
		for i := range col {
			col[i] = values[(i*5+i/3)%len(values)]
		}
		want, got := make([]int8, n*cols), make([]int8, n*cols)
		scratch := make([]int32, ScratchSizeRHS(p, cols))
		portableSet.matMulRequantRHS(cols, col, cols, p, q, want, cols, scratch)
		s.matMulRequantRHS(cols, col, cols, p, q, got, cols, scratch)
		if i := firstDiff(got, want); i >= 0 {
			return fmt.Errorf("kernel set %s failed its self-test: MatMulRequantRHS, output %d is %d, the portable kernels give %d", s.name, i, got[i], want[i])
		}
	}
	if s.quantize != nil {
		// Every rounding case the quantization has: halves either side
		// of zero, values just off them, NaN, infinities, the clamps.
		const nq = 160
		in := make([]float32, nq)
		special := []float32{0.5, -0.5, 1.5, -2.5, 0.49999997, -0.49999997, 126.5, -128.5, 1e9, -1e9,
			float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, 3.25, -7.75}
		for i := range in {
			in[i] = special[i%len(special)] * float32(1+i/len(special)%3)
		}
		want, got := make([]int8, nq), make([]int8, nq)
		for _, zero := range []int32{0, -128, 37} {
			QuantizePortable(1, zero, in, want)
			s.quantize(nq, &in[0], 1, zero, &got[0])
			if i := firstDiff(got, want); i >= 0 {
				return fmt.Errorf("kernel set %s failed its self-test: Quantize, input %g, zero point %d: %d, the portable kernels give %d", s.name, in[i], zero, got[i], want[i])
			}
		}
	}
	if s.depthwise != nil {
		// Two channels of a 3x3 filter (an odd number of taps) over a
		// grid of 6 rows of 9: 54 positions, three whole blocks of 16 and
		// a part of one; 7 valid outputs a row (fewer than 8).
		const n, rows, wp, valid, plane = 2, 6, 9, 7, 90
		const cols = rows * wp
		offs := []int{0, 1, 2, wp, wp + 1, wp + 2, 2 * wp, 2*wp + 1, 2*wp + 2}
		w := make([]int8, n*len(offs))
		for i := range w {
			w[i] = values[(i*3+i/4)%len(values)]
		}
		x := make([]int8, (n-1)*plane+DepthwiseLen(cols, offs))
		for i := range x {
			x[i] = values[(i*5+i/3)%len(values)]
		}
		want, got := make([]int8, n*rows*valid), make([]int8, n*rows*valid)
		scratch := make([]int32, DepthwiseScratchSize(cols))
		for _, q := range []requant{
			{bias: bias[:n], mult: mult[:n], shift: shift[:n], off: -3, lo: -128, hi: 127},
			{bias: make([]int32, n), mult: mult[:1], shift: []int32{2}, off: 7, lo: -20, hi: 100},
		} {
			depthwisePortable(n, rows, wp, valid, x, plane, offs, w, q, want, scratch)
			s.depthwise(n, rows, wp, valid, x, plane, offs, w, q, got, scratch)
			if i := firstDiff(got, want); i >= 0 {
				return fmt.Errorf("kernel set %s failed its self-test: DepthwiseGrid, output %d is %d, the portable kernels give %d", s.name, i, got[i], want[i])
			}
		}
	}
	return nil
}

func firstDiff(a, b []int8) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// Available reports whether the kernel set named name can run in this
// process: nil, or an error saying why not (an unknown name, a set this
// CPU or build lacks, one that failed its self-test).
func Available(name string) error {
	_, err := Lookup(name)
	return err
}

// active is the set MatMulRequant and MatMulRequantRHS run.
func active() *kernelSet {
	if useAsm {
		return selected
	}
	return portableSet
}

// A Set is a kernel set, for callers that choose one per model
// (runtime.Options.Kernels) rather than per process. Its products are
// MatMulRequant's and MatMulRequantRHS's, on that set.
type Set struct{ s *kernelSet }

// checked caches the self-test of the sets Lookup hands out.
var checked sync.Map // *kernelSet -> error

// Lookup returns the kernel set named name: "" for the one this process
// runs (KernelName), "portable", or an assembly set this CPU runs that
// passes its self-test.
func Lookup(name string) (Set, error) {
	switch {
	case name == "":
		return Set{active()}, nil
	case name == "portable":
		return Set{portableSet}, nil
	case !slices.Contains(SetNames, name):
		return Set{}, fmt.Errorf("kernel set %q is not one of %s", name, strings.Join(SetNames, ", "))
	}
	for _, s := range asmSets {
		if s.name != name {
			continue
		}
		if lacks := s.lacks(); lacks != "" {
			return Set{}, fmt.Errorf("kernel set %s: this CPU lacks %s", name, lacks)
		}
		err, ok := checked.Load(s)
		if !ok {
			err, _ = checked.LoadOrStore(s, selfTest(s))
		}
		if err, _ := err.(error); err != nil {
			return Set{}, err
		}
		return Set{s}, nil
	}
	return Set{}, fmt.Errorf("kernel set %s is not built for this architecture", name)
}

// Name is the set's name.
func (k Set) Name() string { return k.s.name }

// Portable reports the portable Go kernels.
func (k Set) Portable() bool { return k.s == portableSet }

// MatMulRequant is MatMulRequant on k.
func (k Set) MatMulRequant(m int, x []int8, lda int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	matMulRequant(k.s, m, x, lda, p, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

// MatMulRequantRHS is MatMulRequantRHS on k.
func (k Set) MatMulRequantRHS(cols int, col []int8, ldc int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	matMulRequantRHS(k.s, cols, col, ldc, p, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

// Runnable lists the kernel sets Lookup gives on this machine: the
// portable kernels and each assembly set the CPU runs that passes its
// self-test, best first.
func Runnable() []string {
	var names []string
	for _, s := range asmSets {
		if _, err := Lookup(s.name); err == nil {
			names = append(names, s.name)
		}
	}
	return append(names, "portable")
}

// Selection reports how the kernel set was chosen: nil, or why the set
// KILN_KERNELS names does not run (the portable kernels run instead).
func Selection() error { return selectErr }

// Refused lists the kernel sets this CPU runs that failed their
// self-test at init, each with the first output that differed.
func Refused() []string { return slices.Clone(refused) }
