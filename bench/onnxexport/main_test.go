package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRoundTrip runs the harness on a few examples where ONNX Runtime is
// installed (make bench or make onnx-roundtrip installs its npm package):
// the exported model must agree with the VM within one LSB.
func TestRoundTrip(t *testing.T) {
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed: ONNX Runtime runs under Node.js")
	}
	if _, err := os.Stat(filepath.Join("bench", "node_modules", "onnxruntime-node")); err != nil {
		t.Skip("ONNX Runtime's npm package is not installed (make bench installs it)")
	}
	for _, name := range []string{"lenet5.kiln", "gesture_cnn.kiln", "deepfm.kiln", "mobilenet_tiny.kiln"} {
		row, skip, worst, err := check(filepath.Join("examples", name), 32)
		switch {
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case skip != "":
			t.Errorf("%s: not exported: %s", name, skip)
		case worst > 1.5:
			t.Errorf("%s: ONNX Runtime and the VM differ by %.0f LSB", name, worst)
		default:
			t.Log(row)
		}
	}
}
