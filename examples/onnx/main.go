// Command onnx writes trained LeNet-300-100 weights (a safetensors file,
// as kiln train or make demo writes them) as the ONNX file PyTorch's
// exporter makes of the same network: torch.onnx.export of a module that
// flattens a 28x28 image and applies Linear(784, 300), ReLU,
// Linear(300, 100), ReLU, Linear(100, 10). It stands in for a model
// trained elsewhere in the README's walk-through of kiln's ONNX import.
//
//	go run ./examples/onnx -w bin/demo/lenet_300_100.safetensors -o bin/lenet.onnx
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/onnxtest"
)

func main() {
	weights := flag.String("w", "", "LeNet-300-100 weights: h1, h2 and logits layers (kiln's examples/lenet_300_100.kiln)")
	out := flag.String("o", "", "the .onnx file to write")
	flag.Parse()
	if *weights == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: go run ./examples/onnx -w W.safetensors -o MODEL.onnx")
		os.Exit(2)
	}
	model, err := export(*weights)
	if err != nil {
		fmt.Fprintln(os.Stderr, "onnx:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, model, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "onnx:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %d bytes\n", *out, len(model))
}

// export reads the three layers and writes the ONNX model.
func export(path string) ([]byte, error) {
	st, err := data.LoadSafetensors(path)
	if err != nil {
		return nil, err
	}
	byName := map[string]data.Named{}
	for _, t := range st.Tensors {
		byName[t.Name] = t
	}
	var layers []onnxtest.Linear
	for _, name := range []string{"h1", "h2", "logits"} {
		w, ok := byName[name+".weight"]
		b, okb := byName[name+".bias"]
		if !ok || !okb || len(w.T.Shape) != 2 || w.T.F32 == nil || b.T.F32 == nil {
			return nil, fmt.Errorf("%s: no f32 %s.weight [out, in] and %s.bias: is it LeNet-300-100's (examples/lenet_300_100.kiln)?", path, name, name)
		}
		layers = append(layers, onnxtest.Linear{Weight: w.T.F32, Bias: b.T.F32, Out: w.T.Shape[0], In: w.T.Shape[1]})
	}
	return onnxtest.TorchMLP([]int{1, 28, 28}, layers), nil
}
