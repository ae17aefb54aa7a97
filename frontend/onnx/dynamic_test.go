package onnx

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/bench/ortrun"
	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/internal/onnxtest"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/tensor"
)

// dynamicReference computes a dynamic model's float meaning: its layers
// on the dequantized weights, in float64.
func dynamicReference(name string, m onnxtest.Dynamic, x []float32, n int) []float64 {
	dense := func(in []float64, w []float32, b []float32, units int) []float64 {
		out := make([]float64, units)
		for o := range units {
			out[o] = float64(b[o])
			for i, v := range in {
				out[o] += v * float64(w[i*units+o])
			}
		}
		return out
	}
	relu := func(v []float64) []float64 {
		for i := range v {
			v[i] = max(v[i], 0)
		}
		return v
	}
	var out []float64
	per := len(x) / n
	for s := range n {
		in := make([]float64, per)
		for i := range in {
			in[i] = float64(x[s*per+i])
		}
		switch name {
		case "static":
			out = append(out, dense(in, m.Weights[0], m.Biases[0], 3)...)
		case "mlp":
			out = append(out, dense(relu(dense(in, m.Weights[0], m.Biases[0], 6)), m.Weights[1], m.Biases[1], 3)...)
		case "conv":
			h := make([]float64, 4*36)
			for c := range 4 {
				for y := range 6 {
					for xx := range 6 {
						acc := float64(m.Biases[0][c])
						for ky := range 3 {
							for kx := range 3 {
								iy, ix := y+ky-1, xx+kx-1
								if iy >= 0 && iy < 6 && ix >= 0 && ix < 6 {
									acc += in[iy*6+ix] * float64(m.Weights[0][c*9+ky*3+kx])
								}
							}
						}
						h[c*36+y*6+xx] = acc
					}
				}
			}
			out = append(out, dense(relu(h), m.Weights[1], m.Biases[1], 3)...)
		}
	}
	return out
}

// TestDynamicQuantization: models as ONNX Runtime's quantize_dynamic
// writes them (DynamicQuantizeLinear, MatMulInteger or ConvInteger, a
// Cast and a Mul by the product of the scales) import as the float
// layers on the dequantized weights, kept on the file's grid; ONNX
// Runtime, quantizing each input on the fly, stays within a few of its
// input steps of them; and kiln builds them to int8 with calibration. An
// input that a QuantizeLinear with constant parameters quantizes keeps
// them, as in a QDQ model.
func TestDynamicQuantization(t *testing.T) {
	models := map[string]onnxtest.Dynamic{"mlp": onnxtest.DynamicMLP(), "conv": onnxtest.DynamicConvNet(), "static": onnxtest.StaticMatMulInteger()}
	wantOps := map[string]string{"mlp": "dense relu dense", "conv": "conv2d relu flatten dense", "static": "dense"}
	wantGrid := map[string]map[string]string{
		// The file gives only the product of the scales, float32(0.05*0.01),
		// whose float32 quotient by 0.05 is 0.010000001.
		"static": {"fc.weight": "q(0.010000001, 0)", "x": "q(0.05, -28)"},
		"mlp":    {"fc1.weight": "q(0.01, 0)", "fc2.weight": "q([0.02, 0.005, 0.01], 0, axis=0)"},
		"conv":   {"conv.weight": "q([0.02, 0.01, 0.03, 0.015], 0, axis=0)", "fc.weight": "q(0.004, 0)"},
	}
	for name, m := range models {
		t.Run(name, func(t *testing.T) {
			prog, err := Import(name+".onnx", m.Model)
			if err != nil {
				t.Fatal(err)
			}
			g := prog.Graph
			if got := opNames(g); got != wantOps[name] {
				t.Errorf("ops %q, want %q\n%s", got, wantOps[name], g.Format(ir.PrintOptions{}))
			}
			for w, grid := range wantGrid[name] {
				v := g.Lookup(w)
				if v == nil {
					t.Fatalf("no weight %s in\n%s", w, g.Format(ir.PrintOptions{}))
				}
				if q := prog.Quant[v.Name]; q == nil || q.String() != grid {
					t.Errorf("%s on grid %v, want the file's %s", w, q, grid)
				}
			}
			const n = 64
			set := testmodels.Synthetic(g, n, 5)
			x := set.Inputs[0].T
			got, err := ir.Run(g, map[string]*tensor.Tensor{g.Inputs()[0].Name: x})
			if err != nil {
				t.Fatal(err)
			}
			want := dynamicReference(name, m, x.F32, n)
			lo, hi := math.Inf(1), math.Inf(-1)
			for i, w := range want {
				if d := math.Abs(float64(got[0].F32[i]) - w); d > 1e-5 {
					t.Fatalf("output %d: kiln %g, the layers on the dequantized weights %g", i, got[0].F32[i], w)
				}
				lo, hi = min(lo, w), max(hi, w)
			}
			span := hi - lo

			// int8, calibrated on other inputs.
			calib := testmodels.Synthetic(g, 256, 6)
			res, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode,
				Quantization: &passes.Quantization{Given: prog.Quant},
				Calibration:  &passes.Calibration{Data: testmodels.Feed(g, calib, 64), Method: "minmax"}})
			if err != nil {
				t.Fatal(err)
			}
			vm := runVM(t, res.Bytecode, set.Inputs)[0]
			worst := 0.0
			for i, w := range want {
				worst = max(worst, math.Abs(float64(vm[i])-w))
			}
			t.Logf("int8 VM vs float: max abs difference %.4f of an output range %.3f", worst, span)
			if worst > 0.05*span {
				t.Errorf("int8 VM differs from the float model by %.4f, over 5%% of the output range %.3f", worst, span)
			}

			if err := ortrun.Available("../.."); err != nil {
				t.Skip(err)
			}
			path := filepath.Join(t.TempDir(), name+".onnx")
			if err := os.WriteFile(path, m.Model, 0o644); err != nil {
				t.Fatal(err)
			}
			var samples [][]ortrun.Input
			per := x.Len() / n
			for s := range n {
				samples = append(samples, []ortrun.Input{{Name: g.Inputs()[0].Name, Dims: append([]int{1}, g.Inputs()[0].Type.Dims...), F32: x.F32[s*per : (s+1)*per]}})
			}
			root, _ := filepath.Abs("../..")
			ort, err := ortrun.Run(root, path, samples)
			if err != nil {
				t.Fatal(err)
			}
			worst = 0
			for i, w := range want {
				worst = max(worst, math.Abs(float64(ort[0][i])-w))
			}
			// ONNX Runtime rounds each layer's input to a grid of 1/255
			// of its range: a few percent of the output's at most.
			t.Logf("ONNX Runtime vs float: max abs difference %.4f of an output range %.3f", worst, span)
			if worst > 0.03*span {
				t.Errorf("ONNX Runtime differs from kiln's reading by %.4f, over 3%% of the output range %.3f: the scales are misread", worst, span)
			}
		})
	}
}

// TestDynamicQuantizationRefusals: an intermediate of an integer layer
// read by anything but its Cast and Mul is refused with the reason.
func TestDynamicQuantizationRefusals(t *testing.T) {
	build := func(mutate func(b *onnxtest.Graph)) []byte {
		b := onnxtest.New("bad", 13)
		b.Input("x", 4)
		b.Raw("w", 3, []byte{1, 2, 3, 4, 5, 6, 7, 8}, 4, 2) // int8
		b.Raw("wz", 3, []byte{0})
		b.Floats("ws", []float32{0.1})
		b.Nodes("DynamicQuantizeLinear", "dql", []string{"x"}, []string{"xq", "xs", "xz"})
		b.Node("MatMulInteger", "/fc/MatMulInteger", []string{"xq", "w", "xz", "wz"}, "acc")
		b.Node("Cast", "cast", []string{"acc"}, "accf", onnxtest.Int("to", 1))
		mutate(b)
		b.Output("y", 2)
		return b.Model()
	}
	cases := []struct {
		name, want string
		model      []byte
	}{
		{"an Add of the int32 result", "reads an intermediate of dynamic quantization", build(func(b *onnxtest.Graph) {
			b.Node("Add", "add", []string{"acc", "acc"}, "y")
		})},
		{"a Mul by a constant that is not the scales", "which is not its input's scale times the weights' scales", build(func(b *onnxtest.Graph) {
			b.Node("Mul", "mul", []string{"accf", "ws"}, "y")
		})},
		{"a scalar weight", "the weight has shape []; kiln reads a matrix", func() []byte {
			b := onnxtest.New("bad", 13)
			b.Input("x", 4)
			b.Raw("w", 3, []byte{1})
			b.Nodes("DynamicQuantizeLinear", "dql", []string{"x"}, []string{"xq", "xs", "xz"})
			b.Node("MatMulInteger", "mm", []string{"xq", "w", "xz"}, "y")
			b.Output("y", 4)
			return b.Model()
		}()},
		{"a Cast to int64", "kiln reads a Cast to float", build(func(b *onnxtest.Graph) {
			b.Node("Cast", "cast2", []string{"acc"}, "y", onnxtest.Int("to", 7))
		})},
	}
	for _, c := range cases {
		_, err := Import("bad.onnx", c.model)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}
