package llvm

import (
	"fmt"
	"testing"

	"golang.org/x/sys/cpu"
)

// target is what a test compiles a module for: llc's -mcpu and the
// module's options.
type target struct {
	cpu  string
	opts Options
}

func (tg target) String() string {
	form, _ := tg.opts.Form()
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
// form (opt -verify, opt -O3 and llc) and runs the forms this CPU can
// execute against the VM, bit for bit; the others are only compiled, and
// the test says so.
func TestForms(t *testing.T) {
	toolchain(t)
	for _, name := range []string{"lenet5.kiln", "mobilenet_tiny.kiln"} {
		g, kbc := example(t, name)
		for _, f := range forms {
			tg := target{opts: f.opts}
			form, err := f.opts.Form()
			if err != nil {
				t.Fatal(err)
			}
			t.Run(name+"/"+form, func(t *testing.T) {
				t.Parallel()
				if !f.runs {
					object(t, t.TempDir(), g, true, tg)
					t.Logf("%s: compiled, not run: this CPU lacks %s", form, f.opts.Features)
					return
				}
				differential(t, g, kbc, 200, tg)
			})
		}
	}
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
