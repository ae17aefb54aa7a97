package main

import (
	"math"
	"os"
	"path/filepath"
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
