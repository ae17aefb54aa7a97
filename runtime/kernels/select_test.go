package kernels

import (
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// broken is a kernel set that computes like s but adds one to an output
// of MatMulRequant, of MatMulRequantRHS, of Quantize or of DepthwiseGrid
// (what: "dense", "rhs", "quantize" or "depthwise").
func broken(s *kernelSet, what string) *kernelSet {
	b := *s
	switch what {
	case "rhs":
		b.matMulRequantRHS = func(cols int, col []int8, ldc int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
			s.matMulRequantRHS(cols, col, ldc, p, q, out, ldo, scratch)
			out[len(out)/2]++
		}
	case "quantize":
		b.quantize = func(n int, in *float32, scale float32, zero int32, out *int8) {
			if s.quantize != nil {
				s.quantize(n, in, scale, zero, out)
			} else {
				QuantizePortable(scale, zero, unsafe.Slice(in, n), unsafe.Slice(out, n))
			}
			unsafe.Slice(out, n)[n-1]++
		}
	case "depthwise":
		b.depthwise = func(n, rows, width, valid int, x []int8, plane int, offs []int, w []int8, q requant, out []int8, scratch []int32) {
			if s.depthwise != nil {
				s.depthwise(n, rows, width, valid, x, plane, offs, w, q, out, scratch)
			} else {
				depthwisePortable(n, rows, width, valid, x, plane, offs, w, q, out, scratch)
			}
			out[n*rows*valid-1]++
		}
	default:
		b.matMulRequant = func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
			s.matMulRequant(m, x, lda, p, q, out, ldo, scratch)
			out[(m*p.n)-1]++
		}
	}
	return &b
}

// fastest is the best assembly set this CPU runs, or a stand-in where
// there is none (the portable kernels under the name avx2), so that the
// guard is tested everywhere.
func fastest() *kernelSet {
	for _, s := range asmSets {
		if s.lacks() == "" {
			return s
		}
	}
	s := *portableSet
	s.name = "avx2"
	return &s
}

// TestSelfTestRefusesBrokenKernels injects a fault into the best kernel
// set, in either product, its quantization or its depthwise convolution:
// the selection refuses it, says why, and the products then run the
// portable kernels.
func TestSelfTestRefusesBrokenKernels(t *testing.T) {
	defer selectFrom("", asmSets)
	for _, what := range []string{"dense", "rhs", "quantize", "depthwise"} {
		bad := broken(fastest(), what)
		selectFrom("", []*kernelSet{bad})
		if got := KernelName(); got != "portable" {
			t.Fatalf("a broken %s set was selected (KernelName %q)", bad.name, got)
		}
		if r := Refused(); len(r) != 1 || !strings.Contains(r[0], "failed its self-test") || !strings.HasPrefix(r[0], "kernel set "+bad.name) {
			t.Errorf("refused sets: %q", r)
		}
		if err := Selection(); err != nil {
			t.Errorf("Selection() = %v without KILN_KERNELS", err)
		}
		// Forced, the broken set is still refused, with the error.
		selectFrom(bad.name, []*kernelSet{bad})
		if err := Selection(); err == nil || !strings.Contains(err.Error(), "self-test") || KernelName() != "portable" {
			t.Errorf("KILN_KERNELS=%s on a broken set: Selection() = %v, KernelName %q", bad.name, err, KernelName())
		}
		if err := selfTest(bad); err == nil {
			t.Errorf("the self-test passed a broken %s set", bad.name)
		}
	}
	// The sound set passes and is selected.
	good := fastest()
	selectFrom("", []*kernelSet{good})
	if good.lacks() == "" && good != portableSet && KernelName() != good.name && slices.Contains(asmSets, good) {
		t.Errorf("KernelName() = %q, want %s (refused: %q)", KernelName(), good.name, Refused())
	}
	if err := selfTest(good); err != nil {
		t.Error(err)
	}
}

// TestSelectionErrors covers names that cannot be honoured: unknown ones,
// sets this CPU lacks, sets not built for this architecture.
func TestSelectionErrors(t *testing.T) {
	defer selectFrom("", asmSets)
	lacking := &kernelSet{name: "avx512vnni", lacks: func() string { return "AVX-512 VNNI" }}
	for _, c := range []struct{ want, err string }{
		{"avx9", `kernel set "avx9" is not one of portable, avx2`},
		{"avx512vnni", "kernel set avx512vnni: this CPU lacks AVX-512 VNNI"},
		{"amx", "kernel set amx is not built for this architecture"},
	} {
		selectFrom(c.want, []*kernelSet{lacking})
		if err := Selection(); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("KILN_KERNELS=%s: Selection() = %v, want %q", c.want, err, c.err)
		}
		if KernelName() != "portable" {
			t.Errorf("KILN_KERNELS=%s: KernelName() = %q, want portable", c.want, KernelName())
		}
	}
	// Without a name, a set the CPU lacks is passed over silently.
	selectFrom("", []*kernelSet{lacking})
	if err := Selection(); err != nil || len(Refused()) != 0 || KernelName() != "portable" {
		t.Errorf("a lacking set: Selection() = %v, refused %q, KernelName %q", Selection(), Refused(), KernelName())
	}
	selectFrom("portable", asmSets)
	if KernelName() != "portable" || Selection() != nil {
		t.Errorf("KILN_KERNELS=portable: KernelName %q, Selection() = %v", KernelName(), Selection())
	}
	if !slices.Contains(SetNames, "portable") || Available("portable") != nil {
		t.Error("the portable kernels are always available")
	}
}

// TestHostSelection: on this machine every assembly set the CPU runs
// passes its self-test, and the best one is selected.
func TestHostSelection(t *testing.T) {
	if os.Getenv("KILN_KERNELS") != "" || os.Getenv("KILN_PORTABLE") != "" {
		t.Skip("KILN_KERNELS or KILN_PORTABLE chooses the kernel set")
	}
	if r := Refused(); len(r) > 0 {
		t.Fatalf("kernel sets refused on this CPU: %q", r)
	}
	for _, s := range asmSets {
		if lacks := s.lacks(); lacks != "" {
			t.Logf("kernel set %s: skipped, this CPU lacks %s", s.name, lacks)
			continue
		}
		if err := selfTest(s); err != nil {
			t.Error(err)
		}
	}
	if best := fastest(); slices.Contains(asmSets, best) && selected != best {
		t.Errorf("selected %s, not the best set this CPU runs (%s)", selected.name, best.name)
	}
}

// TestLookup: every set Runnable lists gives the portable kernels' bits
// through its Set, and names that cannot run are refused.
func TestLookup(t *testing.T) {
	sets := Runnable()
	if sets[len(sets)-1] != "portable" {
		t.Fatalf("Runnable() = %q: the portable kernels last", sets)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	c := newCase(rng, 19, 37, 101, true)
	p := Pack(c.w, c.n, c.k)
	bias := c.kernelBias(p)
	want := make([]int8, c.m*c.ldo)
	scratch := make([]int32, ScratchSize(p, c.m))
	MatMulRequantPortable(c.m, c.x, c.lda, p, bias, c.mult, c.shift, c.outOff, c.lo, c.hi, want, c.ldo, scratch)
	for _, name := range sets {
		k, err := Lookup(name)
		if err != nil || k.Name() != name || k.Portable() != (name == "portable") {
			t.Fatalf("Lookup(%s) = %v, %v", name, k.Name(), err)
		}
		got := make([]int8, c.m*c.ldo)
		k.MatMulRequant(c.m, c.x, c.lda, p, bias, c.mult, c.shift, c.outOff, c.lo, c.hi, got, c.ldo, scratch)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the products differ from the portable kernels'", name)
		}
	}
	for _, name := range []string{"fast", "amx", "sdot"} {
		if slices.Contains(sets, name) {
			continue
		}
		if _, err := Lookup(name); err == nil {
			t.Errorf("Lookup(%s) gave a set this machine does not run", name)
		}
	}
}
