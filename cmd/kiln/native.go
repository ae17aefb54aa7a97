package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/backend/llvm"
	onnxout "github.com/kiln-nn/kiln/backend/onnx"
	"github.com/kiln-nn/kiln/ir"
)

// kiln build --emit: what build writes from the int8 graph. kbc is the
// VM's bytecode; llvm, header and obj are the native backend's module, its
// C header, and the module compiled by LLVM's opt and llc from PATH; onnx
// and onnx-integer the int8 model as ONNX, in QDQ form or as integer ops.

var emitKinds = []string{"kbc", "llvm", "header", "obj", "onnx", "onnx-integer"}

// checkEmit checks --emit and what it needs before any work: a known
// kind, no bytecode-only flag with another, a well-formed target for llvm
// and obj, and for obj the LLVM tools.
func checkEmit(fs *pflag.FlagSet) (string, llvm.Options, error) {
	f := flags(fs)
	kind, code := f.String("emit"), f.Bool("code")
	target := llvm.Options{CPU: f.String("cpu"), Features: f.String("target-features")}
	if err := f.Err(); err != nil {
		return "", target, err
	}
	kind, err := checkEmitKind(kind, code, target)
	return kind, target, err
}

func checkEmitKind(kind string, code bool, target llvm.Options) (string, error) {
	known := false
	for _, k := range emitKinds {
		known = known || k == kind
	}
	if !known {
		return "", usagef("--emit must be kbc, llvm, header, obj, onnx or onnx-integer, got %q", kind)
	}
	if code && kind != "kbc" {
		return "", usagef("--code codes the constants of a .kbc; it has no effect with --emit %s", kind)
	}
	if target != (llvm.Options{}) && kind != "llvm" && kind != "obj" {
		return "", usagef("--cpu and --target-features choose the code of --emit llvm or obj; they have no effect with --emit %s", kind)
	}
	if target.CPU == "native" && kind == "llvm" {
		return "", usagef("--cpu native names this machine's CPU to llc; with --emit llvm name the CPU (llc -mcpu=native can compile the module here)")
	}
	if _, err := target.Form(); err != nil {
		return "", usagef("%v", err)
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
// the int8 graph g, its code for the target.
func emitNative(kind string, target llvm.Options, g *ir.Graph) ([]byte, error) {
	switch kind {
	case "onnx":
		return onnxout.Emit(g)
	case "onnx-integer":
		return onnxout.EmitWith(g, onnxout.Options{Integer: true})
	}
	if kind == "header" {
		return llvm.Header(g)
	}
	ll, err := llvm.EmitFor(g, target)
	if err != nil || kind == "llvm" {
		return ll, err
	}
	return compileObject(ll, target)
}

// compileObject optimizes a module with opt -O3 for the host's
// architecture and the target (by default its baseline CPU: the object
// runs on any machine of its architecture) and compiles it with llc -O3,
// position-independent (so that it links into executables built as PIE,
// gcc's default, and shared libraries).
func compileObject(ll []byte, target llvm.Options) ([]byte, error) {
	dir, err := os.MkdirTemp("", "kiln-obj-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	opt := []string{"opt", "-O3", "-o", filepath.Join(dir, "model.bc")}
	if triple := llvm.HostTriple(); triple != "" {
		opt = append(opt, "-mtriple="+triple)
	}
	llc := []string{"llc", "-O3", "-relocation-model=pic", "-filetype=obj", filepath.Join(dir, "model.bc"), "-o", filepath.Join(dir, "model.o")}
	var tflags []string
	if target.CPU != "" {
		tflags = append(tflags, "-mcpu="+target.CPU)
	}
	if target.Features != "" {
		tflags = append(tflags, "-mattr="+target.Features)
	}
	steps := [][]string{append(opt, tflags...), append(llc, tflags...)}
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
