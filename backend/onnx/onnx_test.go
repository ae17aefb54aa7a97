package onnx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/internal/testbuild"
)

// TestEveryExample: every example's int8 graph exports, in QDQ and in
// integer form, and the model is well formed: opset 14, every node's
// inputs defined before it (a graph input, an initializer or an earlier
// node's output), every graph output produced; in integer form no op is
// left in QDQ form (QuantizeLinear nowhere, DequantizeLinear only for
// the float outputs). The numbers are checked against ONNX Runtime by
// make onnx-roundtrip (bench/onnxexport).
func TestEveryExample(t *testing.T) {
	for _, integer := range []bool{false, true} {
		everyExample(t, Options{Integer: integer})
	}
}

func everyExample(t *testing.T, opt Options) {
	files, _ := filepath.Glob("../../examples/*.kiln")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, path := range files {
		name := filepath.Base(path)
		if opt.Integer {
			name += "/integer"
		}
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := testbuild.Compile(path, src, nil)
			if err != nil {
				t.Fatal(err)
			}
			data, err := EmitWith(res.Graph, opt)
			if err != nil {
				t.Fatal(err)
			}
			var m onnxpb.ModelProto
			if err := proto.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			if v := m.GetOpsetImport()[0].GetVersion(); v != Opset {
				t.Errorf("opset %d, want %d", v, Opset)
			}
			defined := map[string]bool{"": true}
			for _, in := range m.Graph.Input {
				defined[in.Name] = true
			}
			for _, init := range m.Graph.Initializer {
				defined[init.Name] = true
			}
			qdq := 0
			for _, n := range m.Graph.Node {
				if n.OpType == "QuantizeLinear" || n.OpType == "DequantizeLinear" {
					qdq++
				}
				for _, in := range n.Input {
					if !defined[in] {
						t.Errorf("node %s (%s) reads %q before it is defined", n.Name, n.OpType, in)
					}
				}
				for _, o := range n.Output {
					if defined[o] {
						t.Errorf("node %s (%s) writes %q, which is defined already", n.Name, n.OpType, o)
					}
					defined[o] = true
				}
			}
			for _, o := range m.Graph.Output {
				if !defined[o.Name] {
					t.Errorf("output %s is not produced", o.Name)
				}
			}
			if opt.Integer && qdq != len(m.Graph.Output) {
				t.Errorf("integer form: %d QuantizeLinear and DequantizeLinear nodes, want one per output (%d)", qdq, len(m.Graph.Output))
			}
			if got, want := len(m.Graph.Input), len(res.Graph.Inputs()); got != want {
				t.Errorf("%d inputs, the model has %d", got, want)
			}
		})
	}
}

// TestFloatGraphRefused: the export writes int8 graphs; a float one is
// refused, each float op named once.
func TestFloatGraphRefused(t *testing.T) {
	src, _ := os.ReadFile("../../examples/lenet5.kiln")
	res, err := testbuild.Compile("lenet5.kiln", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Emit(res.Float)
	if err == nil {
		t.Fatal("a float graph exported")
	}
	msg := err.Error()
	if !strings.Contains(msg, "c1 (conv2d): is a float op; the export writes int8 graphs") {
		t.Errorf("error does not name the first float op:\n%s", msg)
	}
	if strings.Count(msg, "\n") != 1 {
		t.Errorf("the ops after the first failure are reported too (only their cause should be):\n%s", msg)
	}
}
