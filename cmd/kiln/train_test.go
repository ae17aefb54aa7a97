package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/tensor"
)

const tinyModel = `model tiny {
  input x: f32[4]
  h = relu(dense(x, 8))
  output logits = dense(h, 3)

  train {
    data = "x.npy,y.npy"
    epochs = 3
    batch = 8
    lr = 0.01
  }
}
`

// tinyData writes an NPY pair of 48 examples of 4 features, 3 classes.
func tinyData(t *testing.T, dir string, x *tensor.Tensor) {
	t.Helper()
	if x == nil {
		x = tensor.New(tensor.F32, 48, 4)
		for i := range x.F32 {
			x.F32[i] = float32(i%7) - 3
		}
	}
	n := x.Shape[0]
	y := tensor.New(tensor.I32, n)
	for i := range y.I32 {
		y.I32[i] = int32(i % 3)
	}
	if err := data.SaveNPY(filepath.Join(dir, "x.npy"), x); err != nil {
		t.Fatal(err)
	}
	if err := data.SaveNPY(filepath.Join(dir, "y.npy"), y); err != nil {
		t.Fatal(err)
	}
}

func TestTrainAndEval(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	tinyData(t, dir, nil)
	w := filepath.Join(dir, "w.safetensors")
	code, stdout, stderr := kiln("train", model, "-o", w)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "model tiny: 67 parameters, 268 bytes of f32 weights") || !strings.Contains(stderr, "epoch 3/3  loss ") {
		t.Errorf("train output:\n%s\n%s", stdout, stderr)
	}
	st, err := data.LoadSafetensors(w)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tensors) != 4 || st.Metadata["epoch"] != "3" || st.Metadata["model"] != "tiny" {
		t.Errorf("weights file: %d tensors, metadata %v", len(st.Tensors), st.Metadata)
	}
	code, stdout, stderr = kiln("eval", model, "-w", w)
	if code != 0 || !strings.HasPrefix(stdout, "tiny on x.npy,y.npy, whole set (it has no held-out part): accuracy ") {
		t.Errorf("eval: exit %d\n%s%s", code, stdout, stderr)
	}
	// Flags override the block; --data is relative to the working directory.
	code, _, stderr = kiln("train", model, "--data", filepath.Join(dir, "x.npy")+","+filepath.Join(dir, "y.npy"), "--epochs", "1", "--optimizer", "sgd", "-o", w)
	if code != 0 || !strings.Contains(stderr, "1 epochs of batch 8, sgd lr 0.01") {
		t.Errorf("train with flags: exit %d\n%s", code, stderr)
	}
}

// TestTrainValidation: with a validation part, kiln train prints its
// score after every epoch, keeps the best epoch's weights (the file says
// which epoch), stops when out of patience, and leaves the test part
// unscored.
func TestTrainValidation(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "clicks.kiln")
	os.WriteFile(model, []byte(strings.Replace(clicksModel, "OUTPUT", "output click = sigmoid(dense(h, 1))", 1)), 0o644)
	clicksData(t, dir)
	w := filepath.Join(dir, "w.safetensors")
	code, stdout, stderr := kiln("train", model, "-o", w, "--epochs", "30", "--lr", "0.05", "--validation", "0.25", "--validation-by", "time", "--patience", "2", "--metric", "logloss")
	if code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "validation: 0.25 of the training examples, each group's latest") ||
		!strings.Contains(stderr, "epoch 1/30  loss ") || !strings.Contains(stderr, "validation AUC ") || strings.Contains(stderr, "test AUC") {
		t.Errorf("train progress:\n%s", stderr)
	}
	if !strings.Contains(stdout, "stopped early (2 without improvement), kept epoch ") || strings.Contains(stdout, "test AUC") {
		t.Errorf("train result:\n%s", stdout)
	}
	ran := strings.Count(stderr, "\nepoch ")
	st, err := data.LoadSafetensors(w)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint(ran - 2); st.Metadata["epoch"] != want {
		t.Errorf("after %d epochs with patience 2, the weights file says epoch %s, want %s", ran, st.Metadata["epoch"], want)
	}
	if cs := checkpointsOf(w); len(cs) != 0 {
		t.Errorf("checkpoints left behind: %v", cs)
	}
}

// TestTrainRefitTuning: --tuning sets the test part aside and scores a
// part of the training part in its place, in kiln train and kiln eval
// alike; --refit trains again on the whole (tuning-less) training part
// for the chosen epochs, and refuses --init weights, which a resumed run
// could not go back to. --ema averages the weights of both runs; a decay
// of 1 or more, on the command line or in the train block, is refused.
func TestTrainRefitTuning(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "clicks.kiln")
	os.WriteFile(model, []byte(strings.Replace(clicksModel, "OUTPUT", "output click = sigmoid(dense(h, 1))", 1)), 0o644)
	clicksData(t, dir)
	w := filepath.Join(dir, "w.safetensors")
	code, stdout, stderr := kiln("train", model, "-o", w, "--epochs", "8", "--lr", "0.05", "--validation", "0.25", "--validation-by", "time", "--refit", "--tuning", "0.2", "--ema", "0.9")
	if code != 0 || !strings.Contains(stderr, "seed 1, weights averaged (ema 0.9)\n") {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	m := regexp.MustCompile(`kept epoch (\d+) \(best validation auc\), then trained (\d+) epochs on the whole training part`).FindStringSubmatch(stdout)
	if m == nil || m[1] != m[2] || !strings.Contains(stderr, "refit: training again from the start on all ") || strings.Contains(stdout+stderr, "test AUC") {
		t.Errorf("train:\n%s%s", stdout, stderr)
	}
	code, stdout, stderr = kiln("eval", model, "-w", w, "--tuning", "0.2")
	if code != 0 || !strings.Contains(stdout, "tuning part: each group's latest 0.2 of the training part: AUC ") {
		t.Errorf("eval --tuning: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = kiln("eval", model, "-w", w)
	if code != 0 || !strings.Contains(stdout, "held-out part: AUC ") {
		t.Errorf("eval: exit %d\n%s", code, stdout)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--validation", "0.25", "--refit", "--init", w}, "refit trains again from a fresh start"},
		{[]string{"--tuning", "1.5"}, "--tuning must be a fraction between 0 and 1"},
		{[]string{"--ema", "1"}, "ema must be at least 0 and below 1 (0: none), got 1"},
	} {
		code, _, stderr := kiln(append([]string{"train", model, "-o", filepath.Join(dir, "x.safetensors")}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d\n%s", c.args, code, stderr)
		}
	}
	bad := filepath.Join(dir, "bad.kiln")
	src, _ := os.ReadFile(model)
	os.WriteFile(bad, []byte(strings.Replace(string(src), "    batch = 4\n", "    batch = 4\n    ema = 1.5\n", 1)), 0o644)
	code, _, stderr = kiln("train", bad, "-o", filepath.Join(dir, "x.safetensors"))
	if code != 1 || !strings.Contains(stderr, "bad.kiln:11:11: ema must be at least 0 and below 1, got 1.5") {
		t.Errorf("ema = 1.5 in the train block: exit %d\n%s", code, stderr)
	}
}

// TestTrainBadData: bad data stops training with a clear error before any
// weights file is written.
func TestTrainBadData(t *testing.T) {
	cases := []struct {
		name  string
		setup func(dir string)
		want  string
	}{
		{"wrong shape", func(dir string) { tinyData(t, dir, tensor.New(tensor.F32, 48, 5)) },
			"input x is f32[48,5], model tiny wants f32[N,4]"},
		{"missing label file", func(dir string) {
			tinyData(t, dir, nil)
			os.Remove(filepath.Join(dir, "y.npy"))
		}, "y.npy"},
		{"NaN in the inputs", func(dir string) {
			x := tensor.New(tensor.F32, 48, 4)
			x.F32[4*17+2] = float32(math.NaN())
			tinyData(t, dir, x)
		}, "NaN at example 17"},
		{"zero-length data", func(dir string) { tinyData(t, dir, tensor.New(tensor.F32, 0, 4)) },
			"x.npy holds no samples (float32[0,4])"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		model := filepath.Join(dir, "tiny.kiln")
		os.WriteFile(model, []byte(tinyModel), 0o644)
		c.setup(dir)
		w := filepath.Join(dir, "w.safetensors")
		code, _, stderr := kiln("train", model, "-o", w)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want it to mention %q", c.name, code, stderr, c.want)
		}
		if _, err := os.Stat(w); !os.IsNotExist(err) {
			t.Errorf("%s: a weights file was left behind", c.name)
		}
		if leftovers, _ := filepath.Glob(filepath.Join(dir, ".w.safetensors*")); len(leftovers) > 0 {
			t.Errorf("%s: temporary files left behind: %v", c.name, leftovers)
		}
	}
}

func TestCheckpointNames(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "w.safetensors")
	for _, c := range []struct {
		epoch, step int
		want        string
	}{{1, 0, "w.epoch1.safetensors"}, {12, 0, "w.epoch12.safetensors"}, {2, 120, "w.epoch3-step120.safetensors"}} {
		if got := checkpointPath(out, c.epoch, c.step); got != filepath.Join(dir, c.want) {
			t.Errorf("checkpointPath(%d, %d) = %s, want %s", c.epoch, c.step, got, c.want)
		}
	}
	if got := checkpointPath("w", 3, 0); got != "w.epoch3" {
		t.Errorf("without an extension: %s", got)
	}
	for _, name := range []string{"w.epoch1.safetensors", "w.epoch3-step120.safetensors", "w.safetensors", "w.epoch.safetensors",
		"w.epochs.safetensors", "w.epoch1.npz", "x.epoch1.safetensors", "w.epoch2-step.safetensors", "w.epoch1.safetensors.bak"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "w.epoch9.safetensors"), 0o755)
	got := checkpointsOf(out)
	want := []string{filepath.Join(dir, "w.epoch1.safetensors"), filepath.Join(dir, "w.epoch3-step120.safetensors")}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("checkpointsOf = %v, want %v", got, want)
	}

	for in, want := range map[string]string{"w.safetensors": "w.safetensors", "my run/w.st": `'my run/w.st'`, "it's": `'it'\''s'`, "": "''"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTrainResumeUsage(t *testing.T) {
	if code, _, stderr := kiln("train", "m.kiln", "-o", "w.safetensors", "--init", "a.safetensors", "--resume", "b.safetensors"); code != 2 || !strings.Contains(stderr, "--init and --resume cannot be used together") {
		t.Errorf("--init with --resume: exit %d, stderr %q", code, stderr)
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	tinyData(t, dir, nil)
	w := filepath.Join(dir, "w.safetensors")
	if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	// A finished weights file is not a checkpoint.
	code, _, stderr := kiln("train", model, "-o", filepath.Join(dir, "v.safetensors"), "--resume", w)
	if code != 1 || !strings.Contains(stderr, w+": not a training checkpoint") {
		t.Errorf("resume from a weights file: exit %d, stderr %q", code, stderr)
	}
}
