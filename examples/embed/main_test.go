package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/tensor"
)

// TestClassify builds the MNIST MLP example (random weights) to bytecode,
// classifies 100 random images with the program, and compares every class
// with the integer reference executor's.
func TestClassify(t *testing.T) {
	p, _, err := frontend.Load("../mnist_mlp.kiln")
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 1)
	set := testmodels.Synthetic(g, 100, 2)
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode,
		Calibration: &passes.Calibration{Data: testmodels.Feed(g, set, 50), Method: "minmax"}})
	if err != nil {
		t.Fatal(err)
	}
	kbc := r.Bytecode
	dir := t.TempDir()
	model, images := filepath.Join(dir, "mlp.kbc"), filepath.Join(dir, "x.npy")
	if err := os.WriteFile(model, kbc, 0o644); err != nil {
		t.Fatal(err)
	}
	x := set.Inputs[0].T
	if err := data.SaveNPY(images, x); err != nil {
		t.Fatal(err)
	}
	got, err := classify(model, images)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := ir.Run(g, map[string]*tensor.Tensor{g.Inputs()[0].Name: x})
	if err != nil {
		t.Fatal(err)
	}
	logits := outs[0]
	classes := logits.Shape[1]
	if len(got) != 100 {
		t.Fatalf("%d classes for 100 images", len(got))
	}
	for i, c := range got {
		row := logits.F32[i*classes : (i+1)*classes]
		best := 0
		for j := range row {
			if row[j] > row[best] {
				best = j
			}
		}
		if c != best {
			t.Errorf("image %d: class %d, the reference executor says %d", i, c, best)
		}
	}
}
