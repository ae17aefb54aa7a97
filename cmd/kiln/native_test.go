package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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

	t.Setenv("PATH", t.TempDir())
	code, _, stderr := kiln("build", model, "-w", w, "--emit", "obj", "-o", filepath.Join(dir, "none.o"))
	if code != 1 || !strings.Contains(stderr, "opt is not on PATH") {
		t.Errorf("build --emit obj without LLVM: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.o")); err == nil {
		t.Error("a failed build wrote none.o")
	}
}
