package onnx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	onnxout "github.com/kiln-nn/kiln/backend/onnx"
	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/onnxtest"
	"github.com/kiln-nn/kiln/internal/testbuild"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/tensor"
)

// notRoundTripped are the examples the export writes with int8 ops as
// several float ONNX ops and no QDQ between them: the import reads those
// as several kiln ops, whose intermediate values carry no parameters (a
// build needs calibration data for them, and is another model).
var notRoundTripped = map[string]string{
	"cdl.kiln":           "embedding_bag",
	"deepconn.kiln":      "fm",
	"deepfm.kiln":        "embedding_bag and bi_interaction",
	"lenet5_bn.kiln":     "a batch norm kept in int8 (Mul and Add)",
	"logreg_clicks.kiln": "embedding_bag",
	"nfm.kiln":           "bi_interaction",
	"wide_deep.kiln":     "embedding_bag",
	"youtube_dnn.kiln":   "embedding_bag",
}

// TestQDQRoundTrip: an example's int8 build, exported as QDQ ONNX and
// imported back with the scales and zero points it carries (no
// calibration), builds to bytecode whose outputs are bit for bit the
// original's.
func TestQDQRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.kiln")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			orig, err := testbuild.Compile(path, src, nil)
			if err != nil {
				t.Fatal(err)
			}
			if why, skip := notRoundTripped[name]; skip {
				t.Skipf("the export writes %s as several float ONNX ops", why)
			}
			// int8 activations, and uint8 ones (the same numbers 128 up).
			for _, unsigned := range []bool{false, true} {
				model, err := onnxout.EmitWith(orig.Graph, onnxout.Options{Unsigned: unsigned})
				if err != nil {
					t.Fatal(err)
				}
				roundTrip(t, name, orig, model)
			}
		})
	}
}

// roundTrip imports an exported model, builds it with the parameters it
// carries and checks that the VM gives the original's bits.
func roundTrip(t *testing.T, name string, orig *compiler.Result, model []byte) {
	t.Helper()
	prog, err := Import(name+".onnx", model)
	if err != nil {
		t.Fatal(err)
	}
	// The layers' weights keep their names (the export names each
	// layer's node <layer>/<Op>, the import names parameters after it).
	for _, p := range orig.Float.Params() {
		if prog.Graph.Lookup(p.Name) == nil && strings.HasSuffix(p.Name, ".weight") {
			t.Errorf("weight %s is not in the imported graph", p.Name)
		}
	}
	ranges := passes.GivenRanges(prog.Graph, prog.Quant)
	back, err := compiler.Compile(prog.Graph, compiler.Options{Until: compiler.Bytecode,
		Quantization: &passes.Quantization{Given: prog.Quant},
		Calibration:  &passes.Calibration{Ranges: ranges}})
	if err != nil {
		t.Fatal(err)
	}
	set := testmodels.Synthetic(orig.Float, 64, 5)
	a, b := runVM(t, orig.Bytecode, set.Inputs), runVM(t, back.Bytecode, set.Inputs)
	for k := range a {
		for i := range a[k] {
			if a[k][i] != b[k][i] {
				t.Fatalf("output %d [%d]: original %g, after the round trip %g", k, i, a[k][i], b[k][i])
			}
		}
	}
}

func runVM(t *testing.T, kbc []byte, inputs []data.Named) [][]float32 {
	t.Helper()
	m, err := runtime.Load(kbc, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := inputs[0].T.Shape[0]
	s, err := m.NewSession(n)
	if err != nil {
		t.Fatal(err)
	}
	in := make([]runtime.Value, len(inputs))
	for k, x := range inputs {
		in[k] = runtime.Value{F32: x.T.F32, I32: x.T.I32}
	}
	var outs [][]float32
	var values []runtime.Value
	for _, o := range m.Outputs() {
		buf := make([]float32, n*tensor.NumElems(o.Shape))
		outs = append(outs, buf)
		values = append(values, runtime.Value{F32: buf})
	}
	if err := s.Run(in, values); err != nil {
		t.Fatal(err)
	}
	return outs
}

// TestQDQGivenParameters: the int8 graph built from a QDQ model has the
// file's parameters, not kiln's calibration's or weight quantizer's.
func TestQDQGivenParameters(t *testing.T) {
	prog, err := Import("qdq.onnx", onnxtest.QDQMLP())
	if err != nil {
		t.Fatal(err)
	}
	// Calibrated ranges twice as wide as the file's: the file's
	// parameters must win.
	ranges := passes.GivenRanges(prog.Graph, prog.Quant)
	for name, r := range ranges {
		ranges[name] = passes.Range{Lo: 2 * r.Lo, Hi: 2 * r.Hi}
	}
	res, err := compiler.Compile(prog.Graph, compiler.Options{Until: compiler.Quantized,
		Quantization: &passes.Quantization{Given: prog.Quant},
		Calibration:  &passes.Calibration{Ranges: ranges}})
	if err != nil {
		t.Fatal(err)
	}
	g := res.Graph
	want := map[string]string{
		"x.q":         "q(0.05, -28)", // uint8 zero point 100, 128 lower
		"out.q":       "q(0.1, 5)",    // as the file says
		"fc.weight.q": "q([0.01, 0.02, 0.03], 0, axis=0)",
	}
	for name, q := range want {
		v := g.Lookup(name)
		if v == nil {
			t.Fatalf("no value %s in\n%s", name, g.Format(ir.PrintOptions{}))
		}
		if got := v.Quant.String(); got != q {
			t.Errorf("%s: %s, want %s", name, got, q)
		}
	}
	w := g.Lookup("fc.weight.q").Data.I8 // [3, 4]: kiln's [out, in]
	wantW := []int8{100, 3, -60, 20, -100, 50, 0, -20, 7, -1, 99, 10}
	for i := range wantW {
		if w[i] != wantW[i] {
			t.Fatalf("weight %v, want the file's %v", w, wantW)
		}
	}
}

// TestQOperatorIsQDQ: a QOperator model and its QDQ twin (the same
// parameters) build to int8 graphs that compute the same bits.
func TestQOperatorIsQDQ(t *testing.T) {
	var outs [][][]float32
	for _, model := range [][]byte{onnxtest.QDQMLP(), onnxtest.QOpMLP()} {
		prog, err := Import("m.onnx", model)
		if err != nil {
			t.Fatal(err)
		}
		ranges := passes.GivenRanges(prog.Graph, prog.Quant)
		res, err := compiler.Compile(prog.Graph, compiler.Options{Until: compiler.Bytecode,
			Quantization: &passes.Quantization{Given: prog.Quant},
			Calibration:  &passes.Calibration{Ranges: ranges}})
		if err != nil {
			t.Fatal(err)
		}
		var w *ir.Value
		for _, v := range res.Graph.Params() {
			if v.Type.DType == tensor.I8 {
				w = v
			}
		}
		if w == nil || w.Quant.String() != "q([0.01, 0.02, 0.03], 0, axis=0)" {
			t.Fatalf("weight %v, want the file's grid", w)
		}
		set := testmodels.Synthetic(prog.Graph, 200, 9)
		outs = append(outs, runVM(t, res.Bytecode, set.Inputs))
	}
	for i := range outs[0][0] {
		if outs[0][0][i] != outs[1][0][i] {
			t.Fatalf("[%d]: QDQ %g, QOperator %g", i, outs[0][0][i], outs[1][0][i])
		}
	}
}
