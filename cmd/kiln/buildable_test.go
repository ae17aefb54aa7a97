package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A model that checks but that no build can run: its softmax normalizes
// over the first axis.
const islandModel = `model island {
  input x: f32[4]
  h = relu(dense(x, 6))
  s = softmax(reshape(h, [2, 3]), axis=0)
  output logits = dense(flatten(s), 3)

  train {
    data = "x.npy,y.npy"
    epochs = 1
    batch = 8
  }
}
`

// TestUnbuildableReported: kiln check warns of what no build can run, at
// its source line, and still succeeds; kiln quantize and kiln build fail
// on it with the same message, instead of the encoder's list of float ops.
func TestUnbuildableReported(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "island.kiln")
	if err := os.WriteFile(model, []byte(islandModel), 0o644); err != nil {
		t.Fatal(err)
	}
	tinyData(t, dir, nil)
	where := model + ":4:7: "
	why := "s (softmax) has no int8 form, so no build can run it: the int8 softmax (TFLite's) normalizes over the last axis only, not over axis 0 of [2, 3]"
	line := "\n      s = softmax(reshape(h, [2, 3]), axis=0)\n          ^\n"

	code, stdout, stderr := kiln("check", model)
	if code != 0 || stdout != "" || !strings.Contains(stderr, where+"warning: "+why) || !strings.Contains(stderr, line) {
		t.Errorf("check: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}

	w := filepath.Join(dir, "w.safetensors")
	if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	for _, cmd := range [][]string{
		{"quantize", model, "-w", w},
		{"build", model, "-w", w, "-o", filepath.Join(dir, "island.kbc")},
	} {
		code, _, stderr := kiln(cmd...)
		if code != 1 || !strings.Contains(stderr, "kiln: model island cannot be built for the VM:\n"+where+why) ||
			!strings.Contains(stderr, line) || strings.Contains(stderr, "these ops are float") {
			t.Errorf("%s: exit %d, stderr:\n%s", cmd[0], code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "island.kbc")); err == nil {
		t.Error("build wrote a file")
	}
}
