package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// kiln runs the command line in-process and returns its exit status and
// outputs.
func kiln(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &env{stdout: &out, stderr: &errOut})
	return code, out.String(), errOut.String()
}

func TestUsageAndHelp(t *testing.T) {
	if code, _, stderr := kiln(); code != 2 || !strings.Contains(stderr, "usage: kiln COMMAND") {
		t.Errorf("no arguments: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, _ := kiln("--help"); code != 0 || !strings.Contains(stdout, "commands:") {
		t.Errorf("--help: exit %d, stdout %q", code, stdout)
	}
	if code, _, stderr := kiln("frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, stderr)
	}
	for name := range commands {
		code, stdout, _ := kiln(name, "--help")
		if code != 0 || !strings.HasPrefix(stdout, "usage: kiln "+name) {
			t.Errorf("%s --help: exit %d, stdout %q", name, code, stdout)
		}
	}
	if code, _, stderr := kiln("stats", "--bogus", "x.kiln"); code != 2 || !strings.Contains(stderr, "unknown flag: --bogus") {
		t.Errorf("unknown flag: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := kiln("run", "../../examples/lenet5.kiln"); code != 2 || !strings.Contains(stderr, "missing -w") {
		t.Errorf("run without weights: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := kiln("check", "no/such/file.kiln"); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestCheckAndStats(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*.kiln")
	if code, stdout, stderr := kiln(append([]string{"check"}, examples...)...); code != 0 || stdout != "" || stderr != "" {
		t.Errorf("check examples: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ := kiln("stats", "../../examples/lenet5.kiln")
	for _, want := range []string{"61,706 parameters", "416,520 MACC", "c1.conv2d   conv2d   f32[N,6,28,28]      156  117,600"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("stats lacks %q (exit %d):\n%s", want, code, stdout)
		}
	}
	code, stdout, _ = kiln("stats", "--format", "csv", "../../examples/lenet5.kiln")
	if code != 0 || !strings.Contains(stdout, "c1.conv2d,conv2d,\"f32[N,6,28,28]\",156,117600,624,18816\n") || !strings.HasSuffix(stdout, "total,,,61706,416520,246824,63144\n") {
		t.Errorf("stats csv (exit %d):\n%s", code, stdout)
	}

	bad := filepath.Join(t.TempDir(), "bad.kiln")
	os.WriteFile(bad, []byte("model m {\n  input x: f32[4]\n  output y = relu(z)\n}\n"), 0o644)
	code, _, stderr := kiln("check", bad)
	want := bad + ":2:9: input x is never used\n"
	if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, bad+":3:19: undefined: z\n      output y = relu(z)\n                      ^\n") {
		t.Errorf("check bad file: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestIR(t *testing.T) {
	code, stdout, _ := kiln("ir", "../../examples/lenet5.kiln")
	if code != 0 || !strings.Contains(stdout, "%c1.conv2d = conv2d %image, %c1.weight, %c1.bias {pad=[2,2]} : f32[N,6,28,28]  // 117,600 MACC  ../../examples/lenet5.kiln:5:13") {
		t.Errorf("ir (exit %d):\n%s", code, stdout)
	}
	code, stdout, _ = kiln("ir", "--format", "dot", "../../examples/lenet5.kiln")
	if code != 0 || !strings.HasPrefix(stdout, "digraph \"lenet5\" {") {
		t.Errorf("ir dot (exit %d):\n%s", code, stdout)
	}
	if code, _, _ := kiln("ir", "--format", "svg", "../../examples/lenet5.kiln"); code != 2 {
		t.Errorf("ir --format svg: exit %d, want 2", code)
	}
}

func TestFmt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.kiln")
	messy := "model m {\n\n  input   x : f32[ 4 ]\n  output y=relu( (x) )   // keep me\n\n\n}\n"
	os.WriteFile(path, []byte(messy), 0o644)
	code, stdout, _ := kiln("fmt", path)
	canonical := "model m {\n  input x: f32[4]\n  output y = relu(x)  // keep me\n}\n"
	if code != 0 || stdout != canonical {
		t.Errorf("fmt (exit %d):\n%q\nwant\n%q", code, stdout, canonical)
	}
	if code, stdout, _ := kiln("fmt", "-l", path); code != 0 || stdout != path+"\n" {
		t.Errorf("fmt -l (exit %d): %q", code, stdout)
	}
	if code, _, _ := kiln("fmt", "-w", path); code != 0 {
		t.Errorf("fmt -w: exit %d", code)
	}
	if got, _ := os.ReadFile(path); string(got) != canonical {
		t.Errorf("fmt -w wrote %q", got)
	}
	if code, stdout, _ := kiln("fmt", "-l", path); code != 0 || stdout != "" {
		t.Errorf("fmt -l after -w (exit %d): %q", code, stdout)
	}
}

// TestRun runs a model through the CLI on NPY input with safetensors
// weights and compares the NPY output with the executor's, bit for bit.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	model := "../../examples/mnist_mlp.kiln"
	prog, _, err := frontend.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var named []data.Named
	weights := map[string]*tensor.Tensor{}
	for _, p := range prog.Graph.Params() {
		w := tensor.New(tensor.F32, p.Type.Dims...)
		for i := range w.F32 {
			w.F32[i] = float32(r.NormFloat64() * 0.05)
		}
		named = append(named, data.Named{Name: p.Name, T: w})
		weights[p.Name] = w
	}
	wpath := filepath.Join(dir, "w.safetensors")
	if err := data.SaveSafetensors(wpath, &data.Safetensors{Tensors: named}); err != nil {
		t.Fatal(err)
	}
	x := tensor.New(tensor.F32, 3, 1, 28, 28)
	for i := range x.F32 {
		x.F32[i] = r.Float32()
	}
	xpath := filepath.Join(dir, "x.npy")
	if err := data.SaveNPY(xpath, x); err != nil {
		t.Fatal(err)
	}
	ypath := filepath.Join(dir, "y.npy")
	if code, _, stderr := kiln("run", model, "-w", wpath, "--input", xpath, "-o", ypath); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	got, err := data.LoadNPY(ypath)
	if err != nil {
		t.Fatal(err)
	}
	if err := prog.Graph.Bind(weights); err != nil {
		t.Fatal(err)
	}
	want, err := ir.Run(prog.Graph, map[string]*tensor.Tensor{"image": x})
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(got, want[0]) {
		t.Errorf("kiln run output differs from the executor's")
	}

	// Printing instead of writing.
	code, stdout, _ := kiln("run", model, "-w", wpath, "--input", "image="+xpath)
	if code != 0 || !strings.HasPrefix(stdout, "logits f32[3,10]\n  [0] ") {
		t.Errorf("run to stdout (exit %d):\n%s", code, stdout)
	}

	// A failing run leaves no output file behind.
	bad := filepath.Join(dir, "bad.safetensors")
	data.SaveSafetensors(bad, &data.Safetensors{Tensors: named[:1]})
	out := filepath.Join(dir, "never.npy")
	code, _, stderr := kiln("run", model, "-w", bad, "--input", xpath, "-o", out)
	if code != 1 || !strings.Contains(stderr, "missing weight h1.bias f32[128]") {
		t.Errorf("run with missing weights: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", out)
	}

	// Input of the wrong shape.
	wrong := filepath.Join(dir, "wrong.npy")
	data.SaveNPY(wrong, tensor.New(tensor.F32, 3, 784))
	code, _, stderr = kiln("run", model, "-w", wpath, "--input", wrong)
	if code != 1 || !strings.Contains(stderr, "wrong.npy holds float32[3,784]; input image takes f32[N,1,28,28], or f32[1,28,28] for one example") {
		t.Errorf("run with a wrong shape: exit %d, stderr %q", code, stderr)
	}

	// A single sample without its batch dimension.
	one := filepath.Join(dir, "one.npy")
	data.SaveNPY(one, tensor.New(tensor.F32, 1, 28, 28))
	if code, stdout, stderr := kiln("run", model, "-w", wpath, "--input", one); code != 0 || !strings.HasPrefix(stdout, "logits f32[1,10]") {
		t.Errorf("run on one sample: exit %d, %s %s", code, stdout, stderr)
	}
}
