package main

import (
	"os"
	"path/filepath"
	goruntime "runtime"
	"testing"

	"golang.org/x/sys/cpu"

	onnxout "github.com/kiln-nn/kiln/backend/onnx"
	"github.com/kiln-nn/kiln/bench/ortrun"
)

// saturates reports whether ONNX Runtime's int8 matrix kernels on this CPU
// add pairs of uint8-by-int8 products in int16 (VPMADDUBSW, on x86 without
// VNNI), which saturates: ONNX Runtime's quantization documentation warns
// of it. Its QDQ results can then differ from exact arithmetic by more
// than rounding; the integer form, uint8 by uint8 throughout, cannot.
func saturates() bool {
	return goruntime.GOARCH == "amd64" && !cpu.X86.HasAVX512VNNI && !cpu.X86.HasAVXVNNI
}

// TestRoundTrip runs the harness on a few examples where ONNX Runtime is
// installed (make bench or make onnx-roundtrip installs its npm package):
// the exported model must agree with the VM within one LSB in QDQ form,
// exactly in integer form.
func TestRoundTrip(t *testing.T) {
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	if err := ortrun.Available("."); err != nil {
		t.Skip(err)
	}
	for _, name := range []string{"lenet5.kiln", "gesture_cnn.kiln", "deepfm.kiln", "mobilenet_tiny.kiln", "nfm.kiln", "deepconn.kiln", "logreg_clicks.kiln"} {
		for _, integer := range []bool{false, true} {
			r, skip, err := check(filepath.Join("examples", name), 32, onnxout.Options{Integer: integer})
			switch {
			case err != nil:
				t.Errorf("%s: %v", name, err)
			case skip != "":
				t.Errorf("%s: not exported: %s", name, skip)
			case integer && r.worst > 0:
				t.Errorf("%s: in integer form ONNX Runtime and the VM differ by %.0f LSB", name, r.worst)
			case !integer && r.worst > 1.5 && amplified[name] == "" && saturates():
				t.Logf("%s: ONNX Runtime and the VM differ by %.0f LSB in QDQ form, on a CPU where ONNX Runtime's uint8-by-int8 kernels (VPMADDUBSW) saturate", name, r.worst)
			case !integer && r.worst > 1.5 && amplified[name] == "":
				t.Errorf("%s: ONNX Runtime and the VM differ by %.0f LSB", name, r.worst)
			default:
				t.Logf("%s (integer %v): %d outputs, %.0f LSB at most", name, integer, r.total, r.worst)
			}
		}
	}
}
