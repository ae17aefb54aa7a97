package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/tensor"
)

// TestBuildInspectBenchRun trains the tiny model, builds its bytecode and
// runs every bytecode command on it.
func TestBuildInspectBenchRun(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	tinyData(t, dir, nil)
	w := filepath.Join(dir, "w.safetensors")
	if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	kbc := filepath.Join(dir, "tiny.kbc")
	code, _, stderr := kiln("build", model, "-w", w, "-o", kbc)
	if code != 0 || !strings.Contains(stderr, "wrote "+kbc) {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	m, err := runtime.LoadFile(kbc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "tiny" || len(m.Inputs()) != 1 || m.Inputs()[0].Name != "x" || len(m.Outputs()) != 1 {
		t.Errorf("built model %s: inputs %v, outputs %v", m.Name(), m.Inputs(), m.Outputs())
	}

	// build --eval and quantize --eval score the int8 model the same way,
	// on the VM, and print the same report. (The VM's outputs equal the
	// reference executor's: the tests package checks them bit for bit.)
	code, stdout, stderr := kiln("build", model, "-w", w, "-o", kbc, "--eval")
	code2, stdout2, _ := kiln("quantize", model, "-w", w, "--eval")
	if code != 0 || code2 != 0 || !strings.Contains(stdout, "\n  int8  accuracy ") || stdout != stdout2 {
		t.Errorf("build --eval (exit %d):\n%s%s\nquantize --eval (exit %d):\n%s", code, stdout, stderr, code2, stdout2)
	}

	code, stdout, _ = kiln("inspect", kbc)
	for _, want := range []string{"model tiny:", "memory plan", "DENSE", "QUANTIZE", "DEQUANTIZE", "source positions in " + model, "legend:"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("inspect lacks %q (exit %d):\n%s", want, code, stdout)
		}
	}
	code, stdout, _ = kiln("inspect", "--wide", kbc)
	if code != 0 || !strings.Contains(stdout, model+":3:") || !strings.Contains(stdout, "  parameters  ") {
		t.Errorf("inspect --wide lacks the full source positions or the parameters column (exit %d):\n%s", code, stdout)
	}

	// ir and stats read the .kbc as well as the .kiln.
	code, stdout, _ = kiln("ir", kbc)
	for _, want := range []string{"model tiny  // bytecode:", "input %x : f32[N,4]", "= dense %x.q, %h.weight.q", "{in_offset=", "tiny.kiln:4:", "output %"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("ir on the .kbc lacks %q (exit %d):\n%s", want, code, stdout)
		}
	}
	code, stdout, _ = kiln("stats", kbc)
	for _, want := range []string{"model tiny (bytecode)", "MACC per sample", "DENSE", "total"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("stats on the .kbc lacks %q (exit %d):\n%s", want, code, stdout)
		}
	}

	// Per-pass switches: dump after every pass, time them, turn an
	// optional pass off; a required pass refuses.
	other := filepath.Join(dir, "unfused.kbc")
	code, stdout, stderr = kiln("build", model, "-w", w, "-o", other, "--dump-after", "all", "-d", "fuse-activations/off,all/time")
	for _, want := range []string{"// after remove-dropout", "// after quantize\n", "// pass calibrate:", "qrequantize"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("build --dump-after all -d ... lacks %q (exit %d):\n%s%s", want, code, stdout, stderr)
		}
	}
	if code, _, stderr := kiln("build", model, "-w", w, "-o", other, "-d", "quantize/off"); code != 1 || !strings.Contains(stderr, "pass quantize cannot be turned off") {
		t.Errorf("quantize/off: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := kiln("build", model, "-w", w, "-o", other, "-d", "frobnicate/off"); code != 2 || !strings.Contains(stderr, `unknown pass "frobnicate"`) {
		t.Errorf("an unknown pass: exit %d, stderr %q", code, stderr)
	}

	code, stdout, stderr = kiln("bench", kbc, "--time", "20ms", "--batch", "16", "--threads", "2", "--json")
	var bench struct {
		Model   string
		Threads int
		Results []struct {
			Batch  int     `json:"batch"`
			Runs   int     `json:"runs"`
			P50    float64 `json:"p50_us"`
			Allocs float64 `json:"allocs_per_run"`
		}
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &bench) != nil {
		t.Fatalf("bench --json: exit %d\n%s%s", code, stdout, stderr)
	}
	if bench.Model != "tiny" || bench.Threads != 2 || len(bench.Results) != 2 || bench.Results[1].Batch != 16 {
		t.Errorf("bench: %+v", bench)
	}
	for _, r := range bench.Results {
		if r.Runs < 10 || r.P50 <= 0 || r.Allocs != 0 {
			t.Errorf("bench at batch %d: %d runs, p50 %g us, %g allocations per run", r.Batch, r.Runs, r.P50, r.Allocs)
		}
	}

	// run on the .kbc gives the VM's outputs.
	x, err := data.LoadNPY(filepath.Join(dir, "x.npy"))
	if err != nil {
		t.Fatal(err)
	}
	y := filepath.Join(dir, "y.npy")
	if code, _, stderr := kiln("run", kbc, "--input", filepath.Join(dir, "x.npy"), "-o", y); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	got, err := data.LoadNPY(y)
	if err != nil {
		t.Fatal(err)
	}
	want := tensor.New(tensor.F32, 48, 3)
	s, err := m.NewSession(48)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run([]runtime.Value{{F32: x.F32}}, []runtime.Value{{F32: want.F32}}); err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(got, want) {
		t.Errorf("kiln run MODEL.kbc differs from the VM's outputs")
	}
	wrong := filepath.Join(dir, "wrong.npy")
	data.SaveNPY(wrong, tensor.New(tensor.F32, 2, 5))
	if code, _, stderr := kiln("run", kbc, "--input", wrong); code != 1 || !strings.Contains(stderr, "wrong.npy holds float32[2,5]; input x takes f32[N,4], or f32[4] for one example") {
		t.Errorf("run with a wrong shape: exit %d, stderr %q", code, stderr)
	}
}

// TestBytecodeErrors: bad files and missing flags get clear errors, and a
// failing build writes nothing.
func TestBytecodeErrors(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	tinyData(t, dir, nil)
	if code, _, stderr := kiln("build", model, "-o", filepath.Join(dir, "m.kbc")); code != 2 || !strings.Contains(stderr, "missing -w") {
		t.Errorf("build without weights: exit %d, stderr %q", code, stderr)
	}
	bad := filepath.Join(dir, "bad.safetensors")
	data.SaveSafetensors(bad, &data.Safetensors{Tensors: []data.Named{{Name: "h.weight", T: tensor.New(tensor.F32, 8, 4)}}})
	out := filepath.Join(dir, "never.kbc")
	if code, _, stderr := kiln("build", model, "-w", bad, "-o", out); code != 1 || !strings.Contains(stderr, "missing weight") {
		t.Errorf("build with missing weights: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build left %s behind", out)
	}
	notKBC := filepath.Join(dir, "x.kbc")
	os.WriteFile(notKBC, []byte("model tiny {}\n"), 0o644)
	for _, cmd := range []string{"inspect", "bench", "run"} {
		args := []string{cmd, notKBC}
		if cmd == "run" {
			args = append(args, "--input", filepath.Join(dir, "x.npy"))
		}
		if code, _, stderr := kiln(args...); code != 1 || !strings.Contains(stderr, "x.kbc: a text file that is not a .kiln model; kiln "+cmd+" takes ") {
			t.Errorf("%s on a non-.kbc file: exit %d, stderr %q", cmd, code, stderr)
		}
	}
}

// TestRunKBCInBatches: kiln run takes an input file larger than its batch
// in pieces, with the same outputs as one big batch.
func TestRunKBCInBatches(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	x := tensor.New(tensor.F32, 600, 4)
	for i := range x.F32 {
		x.F32[i] = float32(i%11) - 5
	}
	tinyData(t, dir, x)
	w := filepath.Join(dir, "w.safetensors")
	kbc := filepath.Join(dir, "tiny.kbc")
	if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := kiln("build", model, "-w", w, "-o", kbc); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	y := filepath.Join(dir, "y.npy")
	if code, _, stderr := kiln("run", kbc, "--input", filepath.Join(dir, "x.npy"), "-o", y); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	got, err := data.LoadNPY(y)
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.LoadFile(kbc, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := tensor.New(tensor.F32, 600, 3)
	s, err := m.NewSession(600)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run([]runtime.Value{{F32: x.F32}}, []runtime.Value{{F32: want.F32}}); err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(got, want) {
		t.Errorf("kiln run in batches differs from one batch of 600")
	}
}
