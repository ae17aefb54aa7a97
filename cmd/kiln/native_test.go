package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestBuildEmitObj builds the tiny model's object file and header, links
// them into a C program that runs the float entry point, and checks that
// --emit obj names the missing tool when LLVM is not on PATH.
func TestBuildEmitObj(t *testing.T) {
	for _, tool := range []string{"opt", "llc", "gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: kiln build --emit obj needs opt and llc (LLVM 14), this test gcc", tool)
		}
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	tinyData(t, dir, nil)
	w := filepath.Join(dir, "w.safetensors")
	if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	obj, header := filepath.Join(dir, "tiny.o"), filepath.Join(dir, "tiny.h")
	for _, out := range []struct{ kind, path string }{{"obj", obj}, {"header", header}} {
		if code, _, stderr := kiln("build", model, "-w", w, "--emit", out.kind, "-o", out.path); code != 0 {
			t.Fatalf("build --emit %s: exit %d\n%s", out.kind, code, stderr)
		}
	}
	if b, _ := os.ReadFile(obj); !bytes.HasPrefix(b, []byte("\x7fELF")) {
		t.Fatalf("%s is not an ELF object file", obj)
	}
	main := `#include <stdio.h>
#include "tiny.h"
int main(void) {
	float x[KILN_TINY_INPUT_X_SIZE] = {1.5f, 0, 0, 0};
	float y[KILN_TINY_OUTPUT_LOGITS_SIZE];
	static char arena[KILN_TINY_ARENA_SIZE];
	if (kiln_tiny_run_f32(1, x, y, arena) != 0) return 1;
	for (int i = 0; i < KILN_TINY_OUTPUT_LOGITS_SIZE; i++) printf("%g\n", y[i]);
	return 0;
}
`
	os.WriteFile(filepath.Join(dir, "main.c"), []byte(main), 0o644)
	cmd := exec.Command("gcc", "-std=c11", "-Wall", "-Werror", "main.c", "tiny.o", "-o", "main")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(dir, "main")).Output()
	if err != nil || strings.Count(string(out), "\n") != 3 {
		t.Fatalf("the program: %v, output %q", err, out)
	}

	// The same for this CPU with AVX2 kernels, where it has them.
	if cpu.X86.HasAVX2 {
		if code, _, stderr := kiln("build", model, "-w", w, "--emit", "obj", "--cpu", "native", "--target-features", "+avx2,+fma", "-o", obj); code != 0 {
			t.Fatalf("build --emit obj --cpu native --target-features +avx2,+fma: exit %d\n%s", code, stderr)
		}
		cmd := exec.Command("gcc", "-std=c11", "-Wall", "-Werror", "main.c", "tiny.o", "-o", "main_avx2")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, out)
		}
		avx2, err := exec.Command(filepath.Join(dir, "main_avx2")).Output()
		if err != nil || string(avx2) != string(out) {
			t.Fatalf("the AVX2 program: %v, output %q, expected %q", err, avx2, out)
		}
	}

	// Targets that are malformed or do not apply.
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--emit", "obj", "--target-features", "avx2"}, "is not +name or -name"},
		{[]string{"--emit", "llvm", "--cpu", "Zen 3"}, "is not an LLVM CPU name"},
		{[]string{"--emit", "header", "--cpu", "znver3"}, "no effect with --emit header"},
		{[]string{"--target-features", "+avx2"}, "no effect with --emit kbc"},
		{[]string{"--emit", "llvm", "--cpu", "native"}, "with --emit llvm name the CPU"},
	} {
		args := append([]string{"build", model, "-w", w, "-o", filepath.Join(dir, "bad.out")}, bad.args...)
		if code, _, stderr := kiln(args...); code != 2 || !strings.Contains(stderr, bad.want) {
			t.Errorf("build %s: exit %d, expected 2 and %q\n%s", strings.Join(bad.args, " "), code, bad.want, stderr)
		}
	}

	t.Setenv("PATH", t.TempDir())
	code, _, stderr := kiln("build", model, "-w", w, "--emit", "obj", "-o", filepath.Join(dir, "none.o"))
	if code != 1 || !strings.Contains(stderr, "opt is not on PATH") {
		t.Errorf("build --emit obj without LLVM: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.o")); err == nil {
		t.Error("a failed build wrote none.o")
	}
}
