package tests

import (
	"bytes"
	"os"
	"testing"

	"github.com/kiln-nn/kiln/backend/bytecode"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
)

// tinyKBC is the file the runtime's examples load; it is also a golden
// file for the format: a change to the encoder that changes its bytes
// shows here (go test ./tests -update rewrites it). It is encoded from
// tinyKIR, the quantized graph in text form with its weights whole, so
// that the check does not depend on the float kernels calibration ran on
// (the AVX2 and the portable SGEMM round differently).
const (
	tinyKBC = "../runtime/testdata/tiny.kbc"
	tinyKIR = "../runtime/testdata/tiny.kir"
)

const tinyModel = `// A tiny classifier: 4 features, 3 classes.
model tiny {
  input x: f32[4]
  h = relu(dense(x, 8))
  output p = softmax(dense(h, 3))
}
`

func TestTinyKBCGolden(t *testing.T) {
	if *update {
		prog, err := frontend.Compile("tiny.kiln", []byte(tinyModel))
		if err != nil {
			t.Fatal(err)
		}
		g := prog.Graph
		testmodels.Randomize(g, 7)
		set := testmodels.Synthetic(g, 256, 8)
		c := &passes.Context{Calib: &passes.Calibration{Set: set, Method: "minmax", Batch: 64, Seed: 1}}
		if err := passes.Run(g, c, passes.Options{Passes: append(passes.Structural, "calibrate", "quantize"), Verify: true}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tinyKIR, []byte(g.Format(ir.PrintOptions{Weights: true})), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(tinyKIR)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ir.Parse(tinyKIR, src)
	if err != nil {
		t.Fatal(err)
	}
	kbc, err := bytecode.Encode(g)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(tinyKBC, kbc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(tinyKBC)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(kbc, want) {
		t.Errorf("the encoder's output for the tiny model changed (%d bytes, was %d): if the format changed on purpose, bump runtime.Version and run go test ./tests -update", len(kbc), len(want))
	}
}
