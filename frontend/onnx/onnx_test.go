package onnx

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/internal/onnxtest"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"google.golang.org/protobuf/proto"
)

// lenetKiln is onnxtest.LeNet written in kiln's language, with the same
// layer names: the imported graph must compute what it computes.
const lenetKiln = `model lenet {
  input image: f32[1, 28, 28]
  conv1 = conv2d(image, filters=6, kernel=5, pad=2)
  p1 = maxpool(relu(conv1), size=2)
  conv2 = conv2d(p1, filters=16, kernel=5)
  p2 = maxpool(relu(conv2), size=2)
  fc1 = dense(flatten(p2), 120)
  fc2 = dense(relu(fc1), 84)
  output fc3 = dense(relu(fc2), 10)
}
`

func TestLeNetMatchesKiln(t *testing.T) {
	prog, err := Import("lenet.onnx", onnxtest.LeNet(7))
	if err != nil {
		t.Fatal(err)
	}
	g := prog.Graph
	want := "conv2d relu maxpool conv2d relu maxpool reshape dense relu dense relu dense"
	if got := opNames(g); got != want {
		t.Errorf("ops %q, want %q (the shape chain must fold away)", got, want)
	}
	ref, err := frontend.Compile("lenet.kiln", []byte(lenetKiln))
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.Graph.Bind(g.Weights()); err != nil {
		t.Fatalf("the imported parameters do not bind to the .kiln model by name: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := tensor.New(tensor.F32, 3, 1, 28, 28)
	for k := range x.F32 {
		x.F32[k] = rng.Float32()
	}
	got, err := ir.Run(g, map[string]*tensor.Tensor{g.Inputs()[0].Name: x})
	if err != nil {
		t.Fatal(err)
	}
	wantOut, err := ir.Run(ref.Graph, map[string]*tensor.Tensor{"image": x})
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(got[0], wantOut[0]) {
		t.Errorf("imported LeNet gives %v, the .kiln model %v", got[0].F32[:10], wantOut[0].F32[:10])
	}
}

// opNames lists g's compute ops in order, separated by spaces.
func opNames(g *ir.Graph) string {
	var ops []string
	for _, v := range g.Values {
		if !v.IsSource() {
			ops = append(ops, v.Op.Name)
		}
	}
	return strings.Join(ops, " ")
}

// TestMatMulAddIsGemm: MatMul by W then Add of a bias row imports as one
// dense layer computing what Gemm with transB on W's transpose computes.
func TestMatMulAddIsGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := make([]float32, 5*3)
	for k := range w {
		w[k] = rng.Float32() - 0.5
	}
	wt := transpose2(w, 5, 3)
	bias := []float32{0.1, -0.2, 0.3}

	mm := onnxtest.New("mm", 13)
	mm.Input("x", 5)
	mm.Floats("W", w, 5, 3)
	mm.Floats("b", bias, 3)
	mm.Node("MatMul", "/lin/MatMul", []string{"x", "W"}, "h")
	mm.Node("Add", "/lin/Add", []string{"h", "b"}, "y")
	mm.Output("y", 3)

	gemm := onnxtest.New("gemm", 13)
	gemm.Input("x", 5)
	gemm.Floats("W", wt, 3, 5)
	gemm.Floats("b", bias, 3)
	gemm.Node("Gemm", "/lin/Gemm", []string{"x", "W", "b"}, "y", onnxtest.Int("transB", 1))
	gemm.Output("y", 3)

	var outs []*tensor.Tensor
	x := tensor.FromF32([]float32{1, -2, 3, 0.5, 0.25, -1, 0, 2, 1, 1}, 2, 5)
	for _, m := range [][]byte{mm.Model(), gemm.Model()} {
		prog, err := Import("m.onnx", m)
		if err != nil {
			t.Fatal(err)
		}
		var dense int
		for _, v := range prog.Graph.Values {
			if v.Op == ir.OpDense && len(v.Args) == 3 {
				dense++
			}
			if v.Op == ir.OpAdd {
				t.Errorf("the Add stayed an add: its bias belongs in the dense layer")
			}
		}
		if dense != 1 {
			t.Errorf("%d dense layers with a bias, want 1", dense)
		}
		out, err := ir.Run(prog.Graph, map[string]*tensor.Tensor{"x": x})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out[0])
	}
	if !tensor.Equal(outs[0], outs[1]) {
		t.Errorf("MatMul+Add gives %v, Gemm %v", outs[0].F32, outs[1].F32)
	}
}

// TestUnsupportedListedAtOnce: every node kiln cannot import is named in
// one error, with its index, name, op and opset, beside the other
// problems.
func TestUnsupportedListedAtOnce(t *testing.T) {
	b := onnxtest.New("g", 15)
	b.Input("x", 4)
	b.Node("LeakyRelu", "act1", []string{"x"}, "a")
	b.Node("Erf", "erf", []string{"a"}, "e")
	b.Node("Relu", "r", []string{"e"}, "r_out")
	b.Node("Clip", "clip", []string{"x"}, "c", onnxtest.Float("min", -1))
	b.Output("r_out", 4)
	m := &onnxpb.ModelProto{}
	if err := proto.Unmarshal(b.Model(), m); err != nil {
		t.Fatal(err)
	}
	m.Graph.Node = append(m.Graph.Node, &onnxpb.NodeProto{OpType: "FusedGemm", Domain: "com.microsoft", Name: "fg", Input: []string{"x"}, Output: []string{"f"}})
	data, _ := proto.Marshal(m)
	_, err := Import("bad.onnx", data)
	if err == nil {
		t.Fatal("imported a model with unsupported ops")
	}
	msg := err.Error()
	for _, want := range []string{
		`3 nodes use ops of Erf, FusedGemm, LeakyRelu, which kiln does not import`,
		`node 0 "act1" (LeakyRelu, opset 15)`,
		`node 1 "erf" (Erf, opset 15)`,
		`node 4 "fg" (com.microsoft.FusedGemm, opset 15)`,
		`bad.onnx: node 3 "clip" (Clip, opset 15): attribute min is not one kiln reads for Clip`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, `"r"`) {
		t.Errorf("the node after an unsupported one is reported too (its input is missing because of the other):\n%s", msg)
	}
}

// TestRefusals: what kiln cannot represent is refused with the reason.
func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(b *onnxtest.Graph)
		want  string
	}{
		{"batch fixed by reshape", func(b *onnxtest.Graph) {
			b.Ints("s", []int64{4, 6}, 2)
			b.Node("Reshape", "rs", []string{"x", "s"}, "y")
		}, "fixes the batch at 4"},
		{"flatten into the batch", func(b *onnxtest.Graph) {
			b.Node("Flatten", "fl", []string{"x"}, "y", onnxtest.Int("axis", 2))
		}, "mixes the batch into the rows"},
		{"asymmetric pads", func(b *onnxtest.Graph) {
			b.Node("MaxPool", "mp", []string{"x"}, "y", onnxtest.IntList("kernel_shape", 2, 2), onnxtest.IntList("pads", 0, 0, 1, 1))
		}, "padding [0 0] at the start and [1 1] at the end"},
		{"weight is an input", func(b *onnxtest.Graph) {
			b.Input("w", 3, 2, 2)
			b.Node("MatMul", "mm", []string{"x", "w"}, "y")
		}, `the second operand "w" must be an initializer or a constant`},
		{"softmax over the batch", func(b *onnxtest.Graph) {
			b.Node("Softmax", "sm", []string{"x"}, "y", onnxtest.Int("axis", 0))
		}, "axis 0 is the batch dimension"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := onnxtest.New("g", 13)
			b.Input("x", 3, 4, 2)
			tc.build(b)
			b.Output("y")
			_, err := Import("m.onnx", b.Model())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestBrokenFiles: truncated, corrupted and hostile files give errors,
// never a panic, and no tensor larger than the file is allocated.
func TestBrokenFiles(t *testing.T) {
	model := onnxtest.LeNet(1)
	for n := 0; n < len(model); n += 1 + n/64 {
		mustNotPanic(t, model[:n])
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		bad := append([]byte(nil), model...)
		for range 1 + rng.IntN(4) {
			bad[rng.IntN(len(bad))] = byte(rng.IntN(256))
		}
		mustNotPanic(t, bad)
	}
	// A tensor whose dims promise far more data than the file holds.
	b := onnxtest.New("g", 13)
	b.Input("x", 4)
	b.Floats("w", []float32{1, 2}, 1<<15, 1<<15)
	b.Floats("v", []float32{1, 2}, 1<<20, 1<<20)
	b.Node("MatMul", "mm", []string{"x", "w"}, "y")
	b.Output("y", 1<<15)
	_, err := Import("huge.onnx", b.Model())
	for _, want := range []string{
		`initializer "w": shape [32768 32768] of FLOAT needs 4294967296 bytes of data, the file has 8`,
		`initializer "v": shape [1048576 1048576] has more than 2147483648 elements`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
	if _, err := Import("empty.onnx", nil); err == nil {
		t.Error("an empty file imported")
	}
}

func mustNotPanic(t *testing.T, data []byte) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Import panicked on %d bytes: %v", len(data), r)
		}
	}()
	Import("x.onnx", data)
}

// TestExternalDataRefused: weights in a separate file are named as such.
func TestExternalDataRefused(t *testing.T) {
	b := onnxtest.New("g", 13)
	b.Input("x", 2)
	b.Floats("w", []float32{1, 2, 3, 4}, 2, 2)
	b.Node("MatMul", "mm", []string{"x", "w"}, "y")
	b.Output("y", 2)
	m := &onnxpb.ModelProto{}
	proto.Unmarshal(b.Model(), m)
	w := m.Graph.Initializer[0]
	w.RawData = nil
	w.DataLocation = onnxpb.TensorProto_EXTERNAL
	w.ExternalData = []*onnxpb.StringStringEntryProto{{Key: "location", Value: "weights.bin"}}
	data, _ := proto.Marshal(m)
	if _, err := Import("ext.onnx", data); err == nil || !strings.Contains(err.Error(), `initializer "w": its data is stored in an external file`) {
		t.Errorf("error %v, want the external data named", err)
	}
}

func FuzzImport(f *testing.F) {
	f.Add(onnxtest.LeNet(1))
	f.Add(onnxtest.MLP(1))
	f.Add(onnxtest.QDQMLP())
	f.Add(onnxtest.QOpMLP())
	f.Add(onnxtest.DynamicMLP().Model)
	f.Add(onnxtest.DynamicConvNet().Model)
	f.Add(onnxtest.StaticMatMulInteger().Model)
	b := onnxtest.New("g", 13)
	b.Input("x", 3, 4, 4)
	b.Node("GlobalAveragePool", "gap", []string{"x"}, "p")
	b.Node("Softmax", "sm", []string{"p"}, "y", onnxtest.Int("axis", 1))
	b.Output("y", 3, 1, 1)
	f.Add(b.Model())
	f.Fuzz(func(t *testing.T, data []byte) {
		prog, err := Import("fuzz.onnx", data)
		if err == nil {
			if verr := ir.Verify(prog.Graph); verr != nil {
				t.Fatalf("imported graph does not verify: %v", verr)
			}
		}
	})
}

// TestHardSigmoidAnySlope: ONNX's hard sigmoid for any alpha and beta is
// imported exactly (to float rounding) through kiln's.
func TestHardSigmoidAnySlope(t *testing.T) {
	for _, ab := range [][2]float32{{1.0 / 6, 0.5}, {0.2, 0.5}, {0.5, 0.6}, {0.1, 0.3}} {
		b := onnxtest.New("g", 13)
		b.Input("x", 8)
		b.Node("HardSigmoid", "hs", []string{"x"}, "y", onnxtest.Float("alpha", ab[0]), onnxtest.Float("beta", ab[1]))
		b.Output("y", 8)
		prog, err := Import("hs.onnx", b.Model())
		if err != nil {
			t.Fatal(err)
		}
		x := tensor.FromF32([]float32{-9, -3, -2.5, -1, 0, 0.7, 2.5, 8}, 1, 8)
		out, err := ir.Run(prog.Graph, map[string]*tensor.Tensor{"x": x})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range x.F32 {
			want := min(1, max(0, float64(ab[0])*float64(v)+float64(ab[1])))
			if d := float64(out[0].F32[k]) - want; d > 1e-6 || d < -1e-6 {
				t.Errorf("alpha %g beta %g x %g: %g, want %g", ab[0], ab[1], v, out[0].F32[k], want)
			}
		}
	}
}

// TestInputShapes: --input-shape fixes symbolic dimensions and must agree
// with the fixed ones; a Slice of the Shape folds.
func TestInputShapes(t *testing.T) {
	build := func() []byte {
		b := onnxtest.New("g", 13)
		b.Input("x", 2, 4)
		m := &onnxpb.ModelProto{}
		proto.Unmarshal(b.Model(), m)
		m.Graph.Input[0].Type.GetTensorType().Shape.Dim[2].Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "width"}
		g := onnxtest.New("g", 13)
		g.Ints("starts", []int64{0}, 1)
		g.Ints("ends", []int64{1}, 1)
		g.Ints("minus1", []int64{-1}, 1)
		g.Node("Shape", "shape", []string{"x"}, "s")
		g.Node("Slice", "slice", []string{"s", "starts", "ends"}, "n")
		g.Node("Concat", "cat", []string{"n", "minus1"}, "target", onnxtest.Int("axis", 0))
		g.Node("Reshape", "rs", []string{"x", "target"}, "y")
		g.Output("y")
		gm := &onnxpb.ModelProto{}
		proto.Unmarshal(g.Model(), gm)
		m.Graph.Node, m.Graph.Initializer, m.Graph.Output = gm.Graph.Node, gm.Graph.Initializer, gm.Graph.Output
		data, _ := proto.Marshal(m)
		return data
	}
	if _, err := Import("s.onnx", build()); err == nil || !strings.Contains(err.Error(), `input "x": dimension 2 is symbolic (width)`) {
		t.Errorf("error %v, want the symbolic dimension named", err)
	}
	prog, err := ImportWith("s.onnx", build(), Options{InputShapes: map[string][]int{"x": {2, 5}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := prog.Graph.Outputs[0].Type.String(); got != "f32[N,10]" {
		t.Errorf("output %s, want f32[N,10]", got)
	}
	_, err = ImportWith("s.onnx", build(), Options{InputShapes: map[string][]int{"x": {3, 5}}})
	if err == nil || !strings.Contains(err.Error(), "sets dimension 1 to 3; the file fixes it at 2") {
		t.Errorf("error %v, want the disagreement named", err)
	}
}

// TestValueOps: the rules that no conformance model reaches, checked on
// values worked out by hand: Div by a constant, Concat of values,
// GlobalAveragePool, Squeeze and Unsqueeze of values, ReduceMean over a
// per-sample axis.
func TestValueOps(t *testing.T) {
	b := onnxtest.New("g", 13)
	b.Input("x", 2, 2, 2)
	b.Floats("four", []float32{4})
	b.Ints("axes23", []int64{2, 3}, 2)
	b.Ints("axes1", []int64{1}, 1)
	b.Node("Div", "div", []string{"x", "four"}, "q")                              // x / 4
	b.Node("Concat", "cat", []string{"x", "q"}, "c", onnxtest.Int("axis", 1))     // [N, 4, 2, 2]
	b.Node("GlobalAveragePool", "gap", []string{"c"}, "g")                        // [N, 4, 1, 1]
	b.Node("Squeeze", "sq", []string{"g", "axes23"}, "s")                         // [N, 4]
	b.Node("Unsqueeze", "unsq", []string{"s", "axes1"}, "u")                      // [N, 1, 4]
	b.Node("ReduceMean", "mean", []string{"u"}, "y", onnxtest.IntList("axes", 2)) // [N, 1, 1]
	b.Output("s", 4)
	b.Output("y", 1, 1)
	prog, err := Import("ops.onnx", b.Model())
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.FromF32([]float32{1, 2, 3, 4, 8, 8, 8, 8}, 1, 2, 2, 2)
	out, err := ir.Run(prog.Graph, map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	// channel means: 2.5, 8, then a quarter of each: 0.625, 2; their mean 3.28125
	if want := []float32{2.5, 8, 0.625, 2}; !equalF32(out[0].F32, want) {
		t.Errorf("s = %v, want %v", out[0].F32, want)
	}
	if want := []float32{3.28125}; !equalF32(out[1].F32, want) || !tensor.ShapeEqual(out[1].Shape, []int{1, 1, 1}) {
		t.Errorf("y = %v %v, want %v [1 1 1]", out[1].F32, out[1].Shape, want)
	}
}

func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
