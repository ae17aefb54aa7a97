package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/frontend/onnx"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// TestExportMatchesKiln: the ONNX file written from LeNet-300-100's
// weights, imported by kiln, computes what the .kiln model with those
// weights computes.
func TestExportMatchesKiln(t *testing.T) {
	prog, _, err := frontend.Load("../lenet_300_100.kiln")
	if err != nil {
		t.Fatal(err)
	}
	g := prog.Graph
	testmodels.Randomize(g, 3)
	st := &data.Safetensors{}
	for _, p := range g.Params() {
		st.Tensors = append(st.Tensors, data.Named{Name: p.Name, T: p.Data})
	}
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := data.SaveSafetensors(path, st); err != nil {
		t.Fatal(err)
	}
	model, err := export(path)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := onnx.Import("lenet.onnx", model)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := tensor.New(tensor.F32, 4, 1, 28, 28)
	for i := range x.F32 {
		x.F32[i] = rng.Float32()
	}
	want, err := ir.Run(g, map[string]*tensor.Tensor{"image": x})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ir.Run(imported.Graph, map[string]*tensor.Tensor{imported.Graph.Inputs()[0].Name: x})
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(got[0], want[0]) {
		t.Errorf("the imported model gives %v, the .kiln one %v", got[0].F32[:10], want[0].F32[:10])
	}
	if _, err := export(writeFile(t, []byte("not weights"))); err == nil {
		t.Error("exported from a file that holds no weights")
	}
}

func writeFile(t *testing.T, b []byte) string {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
