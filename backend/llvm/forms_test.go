package llvm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/ir"
	"golang.org/x/sys/cpu"
)

// target is what a test compiles a module for: llc's -mcpu and the
// module's options.
type target struct {
	cpu  string
	opts Options
	// arm64 compiles for aarch64-linux-gnu, links the driver with
	// aarch64-linux-gnu-gcc and runs it under qemu-aarch64.
	arm64 bool
	// emulate replaces the VPDPBUSD intrinsics by IR functions with their
	// semantics and drops the target attributes, so that a CPU without
	// VNNI runs the form's arithmetic (its layout and offset terms).
	emulate bool
}

func (tg target) String() string {
	form, _ := tg.opts.Form()
	if tg.arm64 {
		return form + " (aarch64-linux-gnu, under qemu-aarch64)"
	}
	return fmt.Sprintf("%s (-mcpu=%s, features %q)", form, tg.cpu, tg.opts.Features)
}

// forms are the dot-product forms, each with the features that choose it
// and whether this CPU can run it.
var forms = []struct {
	opts Options
	runs bool
}{
	{Options{}, true},
	{Options{Features: "+avx2,+fma"}, cpu.X86.HasAVX2},
	{Options{Features: "+avx2,+fma,+avxvnni"}, cpu.X86.HasAVX2 && cpu.X86.HasAVXVNNI},
	{Options{Features: "+avx512f,+avx512bw,+avx512vnni"}, cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VNNI},
}

// hostTarget is this CPU with the widest form it runs.
func hostTarget() target {
	tg := target{cpu: "native"}
	for _, f := range forms {
		if f.runs {
			tg.opts = f.opts
		}
	}
	return tg
}

// TestForms compiles models with dense layers and convolutions in every
// form (opt -verify, opt -O3 and llc), checks that the form's instruction
// is in the code, and runs each that TestDifferential does not (it runs
// the generic form and this CPU's widest) against the VM, bit for bit:
// natively where this CPU executes the form; otherwise it says so and
// runs the form's module with VPDPBUSD emulated in IR (see emulateVNNI).
func TestForms(t *testing.T) {
	toolchain(t)
	for _, name := range []string{"lenet5.kiln", "mobilenet_tiny.kiln", "edges.kiln"} {
		var g *ir.Graph
		var kbc []byte
		if name == "edges.kiln" {
			g, kbc = compile(t, name, []byte(edgesSrc))
		} else {
			g, kbc = example(t, name)
		}
		for _, f := range forms {
			tg := target{opts: f.opts}
			form, err := f.opts.Form()
			if err != nil {
				t.Fatal(err)
			}
			t.Run(name+"/"+form, func(t *testing.T) {
				t.Parallel()
				// The form's instruction is in the object's code.
				dir := t.TempDir()
				object(t, dir, g, true, tg)
				asm := string(run(t, dir, nil, "llc", "-O3", "model.bc", "-o", "-"))
				if want := map[string]string{"avx2": "vpmaddwd", "avxvnni": "{vex}\tvpdpbusd", "avx512vnni": "vpdpbusd\t%zmm"}[form]; !strings.Contains(asm, want) {
					t.Errorf("%s: no %s in the code", form, want)
				}
				if host, _ := hostTarget().opts.Form(); f.runs && (form == "generic" || form == host) {
					return // TestDifferential runs it
				}
				if !f.runs {
					t.Logf("%s: compiled, not run: this CPU lacks %s; running it with VPDPBUSD emulated", form, f.opts.Features)
					tg.emulate = true
				}
				differential(t, g, kbc, 200, tg)
			})
		}
	}
}

// TestDifferentialArm64 runs the generic form as arm64 code under
// qemu-aarch64 against the VM, like TestDifferential, for models with
// every kind of matrix product and pooling. It needs qemu-aarch64 and
// aarch64-linux-gnu-gcc (make test installs them: make arm64-tools).
func TestDifferentialArm64(t *testing.T) {
	toolchain(t)
	for _, tool := range []string{"qemu-aarch64", "aarch64-linux-gnu-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH (make arm64-tools installs it): the generic form is compiled for aarch64 but not run", tool)
		}
	}
	models := map[string]func(t *testing.T) (*ir.Graph, []byte){
		"edges":          func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "edges.kiln", []byte(edgesSrc)) },
		"lenet5":         func(t *testing.T) (*ir.Graph, []byte) { return example(t, "lenet5.kiln") },
		"mobilenet_tiny": func(t *testing.T) (*ir.Graph, []byte) { return example(t, "mobilenet_tiny.kiln") },
		"deepfm":         func(t *testing.T) (*ir.Graph, []byte) { return example(t, "deepfm.kiln") },
		"lenet_300_100":  func(t *testing.T) (*ir.Graph, []byte) { return example(t, "lenet_300_100.kiln") },
	}
	for name, load := range models {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g, kbc := load(t)
			differentialAt(t, g, kbc, 200, target{arm64: true}, []int{200, 1, 7})
		})
	}
}

// edgesSrc has the tiles' edge cases at both panel widths: fewer
// columns than a panel (a convolution's 15 grid positions, a dense
// layer's 3 units), 13 filters (two tiles of six rows and one of one), a
// grid that is its input (a 1x1 convolution of 16 positions).
const edgesSrc = `model edges {
  input x: f32[3, 5, 5]
  c1 = relu(conv2d(x, 13, kernel=3))
  c2 = relu(conv2d(c1, 4, kernel=3, pad=1))
  c3 = conv2d(reshape(c2, [4, 1, 9]), 7, kernel=1)
  output y = dense(flatten(c3), 3)
}
`

var (
	vnniDecl       = regexp.MustCompile(`(?m)^declare .*@llvm\.x86\.avx512\.vpdpbusd\.(256|512)\(.*$`)
	targetAttrs    = regexp.MustCompile(` "target-(cpu|features)"="[^"]*"`)
	vnniIntrinsics = strings.NewReplacer("@llvm.x86.avx512.vpdpbusd.256", "@kiln_emulated_vpdpbusd_256", "@llvm.x86.avx512.vpdpbusd.512", "@kiln_emulated_vpdpbusd_512")
)

// emulateVNNI rewrites a module for a CPU without VNNI (see
// target.emulate): each VPDPBUSD becomes a function that adds, to each
// i32 lane, the four products of its bytes, u8 from the second operand
// and s8 from the third.
func emulateVNNI(ll []byte) []byte {
	s := vnniDecl.ReplaceAllStringFunc(string(ll), func(decl string) string {
		bits := 256
		if strings.Contains(decl, ".512(") {
			bits = 512
		}
		lanes := bits / 32
		v, w := fmt.Sprintf("<%d x i32>", lanes), fmt.Sprintf("<%d x i8>", 4*lanes)
		wide := fmt.Sprintf("<%d x i32>", 4*lanes)
		var b strings.Builder
		fmt.Fprintf(&b, "define internal %s @kiln_emulated_vpdpbusd_%d(%s %%acc, %s %%a, %s %%b) {\n", v, bits, v, v, v)
		fmt.Fprintf(&b, "  %%ab = bitcast %s %%a to %s\n  %%bb = bitcast %s %%b to %s\n", v, w, v, w)
		fmt.Fprintf(&b, "  %%au = zext %s %%ab to %s\n  %%bs = sext %s %%bb to %s\n  %%p = mul %s %%au, %%bs\n", w, wide, w, wide, wide)
		sum := "%acc"
		for q := range 4 {
			var mask []string
			for l := range lanes {
				mask = append(mask, fmt.Sprintf("i32 %d", 4*l+q))
			}
			fmt.Fprintf(&b, "  %%p%d = shufflevector %s %%p, %s undef, <%d x i32> <%s>\n", q, wide, wide, lanes, strings.Join(mask, ", "))
			fmt.Fprintf(&b, "  %%s%d = add %s %s, %%p%d\n", q, v, sum, q)
			sum = fmt.Sprintf("%%s%d", q)
		}
		fmt.Fprintf(&b, "  ret %s %s\n}", v, sum)
		return b.String()
	})
	return []byte(vnniIntrinsics.Replace(targetAttrs.ReplaceAllString(s, "")))
}

// TestBadOptions: a malformed CPU or features string is an error.
func TestBadOptions(t *testing.T) {
	g, _ := compile(t, "tiny.kiln", []byte(tinySrc))
	for _, o := range []Options{{Features: "avx2"}, {Features: "+avx2,,+fma"}, {Features: "+AVX2"}, {CPU: "zen 3"}, {CPU: "-mcpu"}} {
		if _, err := EmitFor(g, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if form, err := (Options{Features: "+avx2,-avx512vnni"}).Form(); err != nil || form != "avx2" {
		t.Errorf("+avx2,-avx512vnni: form %q, %v", form, err)
	}
}

// TestEveryExampleEveryForm: every example's module, in every form,
// passes opt -verify and compiles with opt -O3 and llc -O3 (the forms
// this CPU runs are run against the VM by TestDifferential and
// TestForms; the others are compiled here and not run).
func TestEveryExampleEveryForm(t *testing.T) {
	toolchain(t)
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.kiln"))
	if err != nil || len(files) < 10 {
		t.Fatalf("expected the ten examples, found %v (%v)", files, err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		g, _ := example(t, name)
		for _, f := range forms {
			form, err := f.opts.Form()
			if err != nil {
				t.Fatal(err)
			}
			t.Run(name+"/"+form, func(t *testing.T) {
				t.Parallel()
				object(t, t.TempDir(), g, true, target{opts: f.opts})
				if !f.runs {
					t.Logf("%s: compiled, not run: this CPU lacks %s", form, f.opts.Features)
				}
			})
		}
		// The generic form is for any target: arm64's too.
		t.Run(name+"/generic-aarch64", func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			ll, err := Emit(g)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "model.ll"), ll, 0o644); err != nil {
				t.Fatal(err)
			}
			run(t, dir, nil, "opt", "-verify", "-O3", "-mtriple=aarch64-linux-gnu", "model.ll", "-o", "model.bc")
			run(t, dir, nil, "llc", "-O3", "-mtriple=aarch64-linux-gnu", "-relocation-model=pic", "-filetype=obj", "model.bc", "-o", "model.o")
			t.Logf("generic form compiled for aarch64-linux-gnu, not run")
		})
	}
}
