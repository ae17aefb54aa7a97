package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/backend/llvm"
	"github.com/kiln-nn/kiln/ir"
)

// kiln build --emit: what build writes from the int8 graph. kbc is the
// VM's bytecode; llvm, header and obj are the native backend's module, its
// C header, and the module compiled by LLVM's opt and llc from PATH.

var emitKinds = []string{"kbc", "llvm", "header", "obj"}

// checkEmit checks --emit and what it needs before any work: a known
// kind, no bytecode-only flag with another, and for obj the LLVM tools.
func checkEmit(fs *pflag.FlagSet) (string, error) {
	f := flags(fs)
	kind, code := f.String("emit"), f.Bool("code")
	if err := f.Err(); err != nil {
		return "", err
	}
	known := false
	for _, k := range emitKinds {
		known = known || k == kind
	}
	if !known {
		return "", usagef("--emit must be kbc, llvm, header or obj, got %q", kind)
	}
	if code && kind != "kbc" {
		return "", usagef("--code codes the constants of a .kbc; it has no effect with --emit %s", kind)
	}
	if kind == "obj" {
		for _, tool := range []string{"opt", "llc"} {
			if _, err := exec.LookPath(tool); err != nil {
				return "", fmt.Errorf("--emit obj runs LLVM's opt and llc (LLVM 14), and %s is not on PATH; --emit llvm writes the module for another machine's LLVM", tool)
			}
		}
	}
	return kind, nil
}

// emitNative returns the native backend's artifact of the given kind for
// the int8 graph g.
func emitNative(kind string, g *ir.Graph) ([]byte, error) {
	if kind == "header" {
		return llvm.Header(g)
	}
	ll, err := llvm.Emit(g)
	if err != nil || kind == "llvm" {
		return ll, err
	}
	return compileObject(ll)
}

// compileObject optimizes a module with opt -O3 for the host (its
// baseline CPU: the object runs on any machine of its architecture) and
// compiles it with llc -O3, position-independent (so that it links into
// executables built as PIE, gcc's default, and shared libraries).
func compileObject(ll []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "kiln-obj-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	opt := []string{"opt", "-O3", "-o", filepath.Join(dir, "model.bc")}
	if triple := llvm.HostTriple(); triple != "" {
		opt = append(opt, "-mtriple="+triple)
	}
	steps := [][]string{
		opt,
		{"llc", "-O3", "-relocation-model=pic", "-filetype=obj", filepath.Join(dir, "model.bc"), "-o", filepath.Join(dir, "model.o")},
	}
	for i, args := range steps {
		cmd := exec.Command(args[0], args[1:]...)
		if i == 0 {
			cmd.Stdin = bytes.NewReader(ll)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s failed on the emitted module: %v\n%s", args[0], err, stderr.String())
		}
	}
	return os.ReadFile(filepath.Join(dir, "model.o"))
}
