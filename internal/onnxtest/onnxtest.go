// Package onnxtest writes ONNX models for tests, from known weights, the
// way PyTorch's exporter writes them: initializers for the weights, node
// names such as /conv1/Conv, and the Shape-Gather-Unsqueeze-Concat chain
// that x.view(x.size(0), -1) exports to.
package onnxtest

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
)

// Graph builds one ONNX graph.
type Graph struct {
	g     *onnxpb.GraphProto
	opset int64
}

// New starts a graph for the given default-domain opset.
func New(name string, opset int) *Graph {
	return &Graph{g: &onnxpb.GraphProto{Name: name}, opset: int64(opset)}
}

// Input declares a float input [batch, dims...] with a symbolic batch.
func (b *Graph) Input(name string, dims ...int) {
	b.g.Input = append(b.g.Input, valueInfo(name, onnxpb.TensorProto_FLOAT, dims))
}

// IntInput declares an int64 input (ids) [batch, dims...].
func (b *Graph) IntInput(name string, dims ...int) {
	b.g.Input = append(b.g.Input, valueInfo(name, onnxpb.TensorProto_INT64, dims))
}

// Output declares a float output [batch, dims...]; with no dims, a float
// output of undeclared shape.
func (b *Graph) Output(name string, dims ...int) {
	vi := valueInfo(name, onnxpb.TensorProto_FLOAT, dims)
	if len(dims) == 0 {
		vi.Type.GetTensorType().Shape = nil
	}
	b.g.Output = append(b.g.Output, vi)
}

func valueInfo(name string, dt onnxpb.TensorProto_DataType, dims []int) *onnxpb.ValueInfoProto {
	shape := &onnxpb.TensorShapeProto{Dim: []*onnxpb.TensorShapeProto_Dimension{{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "batch"}}}}
	for _, d := range dims {
		shape.Dim = append(shape.Dim, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}})
	}
	return &onnxpb.ValueInfoProto{Name: name, Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{ElemType: int32(dt), Shape: shape}}}}
}

// Floats adds a float initializer stored as raw little-endian data.
func (b *Graph) Floats(name string, data []float32, dims ...int) {
	raw := make([]byte, 4*len(data))
	for k, v := range data {
		binary.LittleEndian.PutUint32(raw[4*k:], math.Float32bits(v))
	}
	b.g.Initializer = append(b.g.Initializer, &onnxpb.TensorProto{Name: name, DataType: int32(onnxpb.TensorProto_FLOAT), Dims: int64s(dims), RawData: raw})
}

// Raw adds an initializer of any element type from its little-endian bytes.
func (b *Graph) Raw(name string, dt onnxpb.TensorProto_DataType, raw []byte, dims ...int) {
	b.g.Initializer = append(b.g.Initializer, &onnxpb.TensorProto{Name: name, DataType: int32(dt), Dims: int64s(dims), RawData: raw})
}

// Ints adds an int64 initializer in the typed field.
func (b *Graph) Ints(name string, data []int64, dims ...int) {
	b.g.Initializer = append(b.g.Initializer, &onnxpb.TensorProto{Name: name, DataType: int32(onnxpb.TensorProto_INT64), Dims: int64s(dims), Int64Data: data})
}

// Random adds a float initializer drawn uniformly from [-scale, scale].
func (b *Graph) Random(rng *rand.Rand, name string, scale float32, dims ...int) {
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	for k := range data {
		data[k] = (2*rng.Float32() - 1) * scale
	}
	b.Floats(name, data, dims...)
}

// Attr is a node attribute.
type Attr = *onnxpb.AttributeProto

// Int is an integer attribute.
func Int(name string, v int) Attr {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeProto_INT, I: int64(v)}
}

// IntList is a list-of-integers attribute.
func IntList(name string, v ...int) Attr {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeProto_INTS, Ints: int64s(v)}
}

// Float is a float attribute.
func Float(name string, v float32) Attr {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeProto_FLOAT, F: v}
}

// Node adds a node with one output.
func (b *Graph) Node(op, name string, inputs []string, output string, attrs ...Attr) {
	b.g.Node = append(b.g.Node, &onnxpb.NodeProto{OpType: op, Name: name, Input: inputs, Output: []string{output}, Attribute: attrs})
}

// Model returns the serialised ModelProto.
func (b *Graph) Model() []byte {
	m := &onnxpb.ModelProto{
		IrVersion:    8,
		ProducerName: "kiln-onnxtest",
		OpsetImport:  []*onnxpb.OperatorSetIdProto{{Version: b.opset}},
		Graph:        b.g,
	}
	data, err := proto.Marshal(m)
	if err != nil {
		panic(err) // a message built here always marshals
	}
	return data
}

func int64s(v []int) []int64 {
	out := make([]int64, len(v))
	for k, x := range v {
		out[k] = int64(x)
	}
	return out
}

// LeNet is a LeNet-5-style digit classifier for 28x28 grey images as
// PyTorch 2 exports it at opset 17 (x.view(x.size(0), -1) included), with
// weights drawn from seed: conv 6@5x5 pad 2, relu, 2x2 max pool, conv
// 16@5x5, relu, pool, flatten, 120, relu, 84, relu, 10 logits.
func LeNet(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := New("main_graph", 17)
	b.Input("input", 1, 28, 28)
	b.Random(rng, "conv1.weight", 0.4, 6, 1, 5, 5)
	b.Random(rng, "conv1.bias", 0.1, 6)
	b.Random(rng, "conv2.weight", 0.1, 16, 6, 5, 5)
	b.Random(rng, "conv2.bias", 0.1, 16)
	b.Random(rng, "fc1.weight", 0.05, 120, 400)
	b.Random(rng, "fc1.bias", 0.05, 120)
	b.Random(rng, "fc2.weight", 0.1, 84, 120)
	b.Random(rng, "fc2.bias", 0.1, 84)
	b.Random(rng, "fc3.weight", 0.1, 10, 84)
	b.Random(rng, "fc3.bias", 0.1, 10)
	b.Ints("/Constant_output_0", []int64{0})
	b.Ints("/Constant_1_output_0", []int64{-1}, 1)
	b.Node("Conv", "/conv1/Conv", []string{"input", "conv1.weight", "conv1.bias"}, "/conv1/Conv_output_0",
		IntList("dilations", 1, 1), Int("group", 1), IntList("kernel_shape", 5, 5), IntList("pads", 2, 2, 2, 2), IntList("strides", 1, 1))
	b.Node("Relu", "/Relu", []string{"/conv1/Conv_output_0"}, "/Relu_output_0")
	b.Node("MaxPool", "/pool/MaxPool", []string{"/Relu_output_0"}, "/pool/MaxPool_output_0",
		Int("ceil_mode", 0), IntList("kernel_shape", 2, 2), IntList("pads", 0, 0, 0, 0), IntList("strides", 2, 2))
	b.Node("Conv", "/conv2/Conv", []string{"/pool/MaxPool_output_0", "conv2.weight", "conv2.bias"}, "/conv2/Conv_output_0",
		IntList("dilations", 1, 1), Int("group", 1), IntList("kernel_shape", 5, 5), IntList("pads", 0, 0, 0, 0), IntList("strides", 1, 1))
	b.Node("Relu", "/Relu_1", []string{"/conv2/Conv_output_0"}, "/Relu_1_output_0")
	b.Node("MaxPool", "/pool_1/MaxPool", []string{"/Relu_1_output_0"}, "/pool_1/MaxPool_output_0",
		Int("ceil_mode", 0), IntList("kernel_shape", 2, 2), IntList("pads", 0, 0, 0, 0), IntList("strides", 2, 2))
	b.Node("Shape", "/Shape", []string{"/pool_1/MaxPool_output_0"}, "/Shape_output_0")
	b.Node("Gather", "/Gather", []string{"/Shape_output_0", "/Constant_output_0"}, "/Gather_output_0", Int("axis", 0))
	b.Node("Unsqueeze", "/Unsqueeze", []string{"/Gather_output_0", "/Constant_output_0"}, "/Unsqueeze_output_0")
	b.Node("Concat", "/Concat", []string{"/Unsqueeze_output_0", "/Constant_1_output_0"}, "/Concat_output_0", Int("axis", 0))
	b.Node("Reshape", "/Reshape", []string{"/pool_1/MaxPool_output_0", "/Concat_output_0"}, "/Reshape_output_0")
	b.Node("Gemm", "/fc1/Gemm", []string{"/Reshape_output_0", "fc1.weight", "fc1.bias"}, "/fc1/Gemm_output_0", Float("alpha", 1), Float("beta", 1), Int("transB", 1))
	b.Node("Relu", "/Relu_2", []string{"/fc1/Gemm_output_0"}, "/Relu_2_output_0")
	b.Node("Gemm", "/fc2/Gemm", []string{"/Relu_2_output_0", "fc2.weight", "fc2.bias"}, "/fc2/Gemm_output_0", Float("alpha", 1), Float("beta", 1), Int("transB", 1))
	b.Node("Relu", "/Relu_3", []string{"/fc2/Gemm_output_0"}, "/Relu_3_output_0")
	b.Node("Gemm", "/fc3/Gemm", []string{"/Relu_3_output_0", "fc3.weight", "fc3.bias"}, "logits", Float("alpha", 1), Float("beta", 1), Int("transB", 1))
	b.Output("logits", 10)
	return b.Model()
}

// MLP is a small classifier as PyTorch exports it at opset 13, with
// weights drawn from seed: 4 features, a Gemm to 8, relu, a MatMul and an
// Add to 3 (how nn.Linear exports when its input has more than two
// dimensions), softmax.
func MLP(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 2))
	b := New("mlp", 13)
	b.Input("x", 4)
	b.Random(rng, "fc1.weight", 0.5, 8, 4)
	b.Random(rng, "fc1.bias", 0.1, 8)
	b.Random(rng, "onnx::MatMul_9", 0.5, 8, 3)
	b.Random(rng, "fc2.bias", 0.1, 3)
	b.Node("Gemm", "/fc1/Gemm", []string{"x", "fc1.weight", "fc1.bias"}, "/fc1/Gemm_output_0", Int("transB", 1))
	b.Node("Relu", "/act/Relu", []string{"/fc1/Gemm_output_0"}, "/act/Relu_output_0")
	b.Node("MatMul", "/fc2/MatMul", []string{"/act/Relu_output_0", "onnx::MatMul_9"}, "/fc2/MatMul_output_0")
	b.Node("Add", "/fc2/Add", []string{"fc2.bias", "/fc2/MatMul_output_0"}, "/fc2/Add_output_0")
	b.Node("Softmax", "/Softmax", []string{"/fc2/Add_output_0"}, "probs", Int("axis", 1))
	b.Output("probs", 3)
	return b.Model()
}

// Linear is one nn.Linear layer's weights: weight [out, in], bias [out].
type Linear struct {
	Weight, Bias []float32
	Out, In      int
}

// TorchMLP is what torch.onnx.export writes (opset 17) for a PyTorch
// module that flattens an input of the given per-sample shape and applies
// the layers, a ReLU between each two: initializers fc1.weight, fc1.bias,
// ..., nodes /flatten/Flatten, /fc1/Gemm, /relu/Relu, ..., output logits.
func TorchMLP(input []int, layers []Linear) []byte {
	b := New("main_graph", 17)
	b.Input("input", input...)
	b.Node("Flatten", "/flatten/Flatten", []string{"input"}, "/flatten/Flatten_output_0", Int("axis", 1))
	x := "/flatten/Flatten_output_0"
	for k, l := range layers {
		fc := fmt.Sprintf("fc%d", k+1)
		b.Floats(fc+".weight", l.Weight, l.Out, l.In)
		b.Floats(fc+".bias", l.Bias, l.Out)
		out := "/" + fc + "/Gemm_output_0"
		if k == len(layers)-1 {
			out = "logits"
		}
		b.Node("Gemm", "/"+fc+"/Gemm", []string{x, fc + ".weight", fc + ".bias"}, out, Float("alpha", 1), Float("beta", 1), Int("transB", 1))
		x = out
		if k < len(layers)-1 {
			relu := fmt.Sprintf("/relu_%d/Relu", k+1)
			b.Node("Relu", relu, []string{x}, relu+"_output_0")
			x = relu + "_output_0"
		}
	}
	b.Output("logits", layers[len(layers)-1].Out)
	return b.Model()
}

// QDQMLP is a QDQ model built with known parameters that kiln's own
// calibration and weight quantization would not choose: a uint8 input
// grid (zero point 100), int8 weights on a grid of 100 steps with one
// scale per output column, an int8 result grid with zero point 5.
func QDQMLP() []byte {
	b := New("qdq", 13)
	b.Input("x", 4)
	w := []int8{100, -100, 7, 3, 50, -1, -60, 0, 99, 20, -20, 10} // [4, 3]: MatMul's [in, out]
	raw := make([]byte, len(w))
	for i, v := range w {
		raw[i] = byte(v)
	}
	b.Raw("W_q", onnxpb.TensorProto_INT8, raw, 4, 3)
	b.Floats("W_scale", []float32{0.01, 0.02, 0.03}, 3)
	b.Raw("W_zero", onnxpb.TensorProto_INT8, []byte{0, 0, 0}, 3)
	b.Floats("x_scale", []float32{0.05})
	b.Raw("x_zero", onnxpb.TensorProto_UINT8, []byte{100})
	b.Floats("y_scale", []float32{0.1})
	b.Raw("y_zero", onnxpb.TensorProto_INT8, []byte{5})
	b.Node("QuantizeLinear", "xq", []string{"x", "x_scale", "x_zero"}, "x_q")
	b.Node("DequantizeLinear", "xdq", []string{"x_q", "x_scale", "x_zero"}, "x_dq")
	b.Node("DequantizeLinear", "wdq", []string{"W_q", "W_scale", "W_zero"}, "W", Int("axis", 1))
	b.Node("MatMul", "/fc/MatMul", []string{"x_dq", "W"}, "y")
	b.Node("QuantizeLinear", "yq", []string{"y", "y_scale", "y_zero"}, "y_q")
	b.Node("DequantizeLinear", "ydq", []string{"y_q", "y_scale", "y_zero"}, "out")
	b.Output("out", 3)
	return b.Model()
}

// QOpMLP is QDQMLP in QOperator form: the same parameters, the product as
// one QLinearMatMul of the quantized input by the int8 weight (its result
// uint8, zero point 133: the same grid as QDQMLP's int8 zero point 5).
func QOpMLP() []byte {
	b := New("qop", 13)
	b.Input("x", 4)
	w := []int8{100, -100, 7, 3, 50, -1, -60, 0, 99, 20, -20, 10} // [4, 3]
	raw := make([]byte, len(w))
	for i, v := range w {
		raw[i] = byte(v)
	}
	b.Raw("W_q", onnxpb.TensorProto_INT8, raw, 4, 3)
	b.Floats("W_scale", []float32{0.01, 0.02, 0.03}, 3)
	b.Raw("W_zero", onnxpb.TensorProto_INT8, []byte{0, 0, 0}, 3)
	b.Floats("x_scale", []float32{0.05})
	b.Raw("x_zero", onnxpb.TensorProto_UINT8, []byte{100})
	b.Floats("y_scale", []float32{0.1})
	b.Raw("y_zero", onnxpb.TensorProto_UINT8, []byte{133}) // QDQMLP's int8 5, as ONNX Runtime's QLinearMatMul wants uint8 out of uint8 in
	b.Node("QuantizeLinear", "xq", []string{"x", "x_scale", "x_zero"}, "x_q")
	b.Node("QLinearMatMul", "/fc/MatMul_quant", []string{"x_q", "x_scale", "x_zero", "W_q", "W_scale", "W_zero", "y_scale", "y_zero"}, "y_q")
	b.Node("DequantizeLinear", "ydq", []string{"y_q", "y_scale", "y_zero"}, "out")
	b.Output("out", 3)
	return b.Model()
}

// Nodes adds a node with several outputs.
func (b *Graph) Nodes(op, name string, inputs, outputs []string, attrs ...Attr) {
	b.g.Node = append(b.g.Node, &onnxpb.NodeProto{OpType: op, Name: name, Input: inputs, Output: outputs, Attribute: attrs})
}

// Dynamic is a model in the form ONNX Runtime's dynamic quantization
// (quantize_dynamic) writes, with the float weights its int8 weights
// dequantize to.
type Dynamic struct {
	Model []byte
	// Weights holds each layer's dequantized weight in ONNX's layout
	// (MatMul's [in, out], Conv's [out, in, kh, kw]) and its bias.
	Weights, Biases [][]float32
}

// integerLayer writes the nodes of one dynamically quantized layer of
// input x as quantize_dynamic does: DynamicQuantizeLinear, the integer
// op on the weight wq (zero point wz), a Cast of the int32 result, a Mul
// by the product of x's scale and the weight scales ws, then the bias
// Add, whose result is out.
func (b *Graph) integerLayer(layer, op, x, wq, wz, ws, bias, out string, attrs ...Attr) {
	q, s, z := x+"_quantized", x+"_scale", x+"_zero_point"
	b.Nodes("DynamicQuantizeLinear", x+"_QuantizeLinear", []string{x}, []string{q, s, z})
	b.Node("Mul", layer+"_scales_mul", []string{s, ws}, layer+"_scales_mul_output")
	acc := layer + "_output_quantized"
	b.Node(op, "/"+layer+"/"+op, []string{q, wq, z, wz}, acc, attrs...)
	b.Node("Cast", layer+"_output_quantized_cast", []string{acc}, acc+"_cast_output", Int("to", int(onnxpb.TensorProto_FLOAT)))
	b.Node("Mul", layer+"_output_quantized_mul", []string{acc + "_cast_output", layer + "_scales_mul_output"}, layer+"_mul_output")
	b.Node("Add", "/"+layer+"/Add", []string{layer + "_mul_output", bias}, out)
}

// int8Weight draws int8 weights, writes them (as uint8 128 up when
// unsigned, with zero point 128) and returns their dequantized values,
// scale[c] per output channel c of stride per values along axis 0
// (perColumn: along the last axis, of len(scale) columns). Signed
// weights stay within 7 bits, as quantize_dynamic's reduce_range writes
// them: ONNX Runtime's AVX2 kernels for uint8 by int8 (VPMADDUBSW) add
// pairs of products in int16, which saturates beyond that.
func (b *Graph) int8Weight(rng *rand.Rand, name string, unsigned, perColumn bool, scale []float32, dims ...int) []float32 {
	n := 1
	for _, d := range dims {
		n *= d
	}
	raw, deq := make([]byte, n), make([]float32, n)
	limit := 63
	if unsigned {
		limit = 127 // uint8 by uint8 (VPMADDWD of zero-extended bytes) is exact
	}
	for i := range raw {
		q := rng.IntN(2*limit+1) - limit
		c := 0
		switch {
		case len(scale) == 1:
		case perColumn:
			c = i % len(scale)
		default:
			c = i / (n / len(scale))
		}
		deq[i] = float32(q) * scale[c]
		raw[i] = byte(int8(q))
		if unsigned {
			raw[i] = byte(q + 128)
		}
	}
	zero := byte(0)
	dt := onnxpb.TensorProto_INT8
	if unsigned {
		zero, dt = 128, onnxpb.TensorProto_UINT8
	}
	b.Raw(name, dt, raw, dims...)
	if perColumn && len(scale) > 1 {
		zeros := make([]byte, len(scale))
		for i := range zeros {
			zeros[i] = zero
		}
		b.Raw(name+"_zero_point", dt, zeros, len(scale))
	} else {
		b.Raw(name+"_zero_point", dt, []byte{zero}) // ConvInteger takes one
	}
	return deq
}

// DynamicMLP is a two-layer perceptron (4 inputs, 6 hidden units and a
// ReLU, 3 outputs) dynamically quantized: int8 weights with one scale
// for the first layer and one per output column for the second.
func DynamicMLP() Dynamic {
	rng := rand.New(rand.NewPCG(11, 12))
	b := New("dynamic_mlp", 13)
	b.Input("x", 4)
	w1 := b.int8Weight(rng, "fc1.weight_quantized", false, true, []float32{0.01}, 4, 6)
	b.Floats("fc1.weight_scale", []float32{0.01})
	b1 := []float32{0.1, -0.2, 0.05, 0, 0.3, -0.1}
	b.Floats("fc1.bias", b1, 6)
	b.integerLayer("fc1", "MatMulInteger", "x", "fc1.weight_quantized", "fc1.weight_quantized_zero_point", "fc1.weight_scale", "fc1.bias", "fc1_output")
	b.Node("Relu", "/relu/Relu", []string{"fc1_output"}, "h")
	s2 := []float32{0.02, 0.005, 0.01}
	w2 := b.int8Weight(rng, "fc2.weight_quantized", false, true, s2, 6, 3)
	b.Floats("fc2.weight_scale", s2, 3)
	b2 := []float32{-0.05, 0.1, 0.2}
	b.Floats("fc2.bias", b2, 3)
	b.integerLayer("fc2", "MatMulInteger", "h", "fc2.weight_quantized", "fc2.weight_quantized_zero_point", "fc2.weight_scale", "fc2.bias", "y")
	b.Output("y", 3)
	return Dynamic{Model: b.Model(), Weights: [][]float32{w1, w2}, Biases: [][]float32{b1, b2}}
}

// DynamicConvNet is a 3x3 convolution (1 to 4 channels, padding 1, a
// ReLU) over a 1x6x6 image, flattened into a 144-to-3 dense layer,
// dynamically quantized: ConvInteger with uint8 weights (zero point
// 128) and one scale per output channel ([4, 1, 1], broadcast over the
// output's channel axis), then MatMulInteger with int8 weights.
func DynamicConvNet() Dynamic {
	rng := rand.New(rand.NewPCG(13, 14))
	b := New("dynamic_conv", 13)
	b.Input("x", 1, 6, 6)
	s1 := []float32{0.02, 0.01, 0.03, 0.015}
	w1 := b.int8Weight(rng, "conv.weight_quantized", true, false, s1, 4, 1, 3, 3)
	b.Floats("conv.weight_scale", s1, 4, 1, 1)
	b1 := []float32{0.1, -0.1, 0, 0.2}
	b.Floats("conv.bias", b1, 4, 1, 1)
	b.integerLayer("conv", "ConvInteger", "x", "conv.weight_quantized", "conv.weight_quantized_zero_point", "conv.weight_scale", "conv.bias", "conv_output",
		IntList("kernel_shape", 3, 3), IntList("pads", 1, 1, 1, 1))
	b.Node("Relu", "/relu/Relu", []string{"conv_output"}, "h")
	b.Node("Flatten", "/flatten/Flatten", []string{"h"}, "flat", Int("axis", 1))
	w2 := b.int8Weight(rng, "fc.weight_quantized", false, true, []float32{0.004}, 144, 3)
	b.Floats("fc.weight_scale", []float32{0.004})
	b2 := []float32{0, 0.05, -0.05}
	b.Floats("fc.bias", b2, 3)
	b.integerLayer("fc", "MatMulInteger", "flat", "fc.weight_quantized", "fc.weight_quantized_zero_point", "fc.weight_scale", "fc.bias", "y")
	b.Output("y", 3)
	return Dynamic{Model: b.Model(), Weights: [][]float32{w1, w2}, Biases: [][]float32{b1, b2}}
}

// StaticMatMulInteger is one layer (4 inputs, 3 outputs) whose input a
// QuantizeLinear with constant parameters quantizes (uint8, scale 0.05,
// zero point 100) for MatMulInteger by int8 weights of scale 0.01, the
// int32 result cast and multiplied by the product of the scales, 0.0005.
func StaticMatMulInteger() Dynamic {
	rng := rand.New(rand.NewPCG(15, 16))
	b := New("static_integer", 13)
	b.Input("x", 4)
	b.Floats("x_scale", []float32{0.05})
	b.Raw("x_zero", onnxpb.TensorProto_UINT8, []byte{100})
	w := b.int8Weight(rng, "W", false, true, []float32{0.01}, 4, 3)
	b.Floats("scales", []float32{0.05 * 0.01})
	b.Node("QuantizeLinear", "xq", []string{"x", "x_scale", "x_zero"}, "x_q")
	b.Node("MatMulInteger", "/fc/MatMulInteger", []string{"x_q", "W", "x_zero", "W_zero_point"}, "acc")
	b.Node("Cast", "cast", []string{"acc"}, "accf", Int("to", int(onnxpb.TensorProto_FLOAT)))
	b.Node("Mul", "mul", []string{"accf", "scales"}, "y")
	b.Output("y", 3)
	return Dynamic{Model: b.Model(), Weights: [][]float32{w}, Biases: [][]float32{make([]float32, 3)}}
}
