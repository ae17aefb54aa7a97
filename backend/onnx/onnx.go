// Package onnx writes kiln's int8 graph as an ONNX model in QDQ form, for
// other runtimes: every int8 tensor is an int8 ONNX tensor with kiln's
// scale and zero point (uint8, 128 up, with Options.Unsigned); each int8
// op becomes DequantizeLinear of its operands, the float op, and
// QuantizeLinear of its result (weights as int8 initializers with one
// scale per output channel, biases as int32 with scale S_in*S_w[c]), so
// that a runtime that fuses the pattern (ONNX Runtime does) runs the same
// integer model, and one that does not computes it in float and rounds
// once per op. Layout ops (flatten, reshape, transpose) work on the int8
// tensors as they are. The model takes the float inputs and gives the
// float outputs that kiln's .kbc does.
//
// kiln requantizes in fixed point (TFLite's arithmetic), ONNX in float:
// each op's result may differ by one step of its scale where the exact
// product falls within rounding of a half step; through a deep network
// those steps can add up, which the round-trip harness measures
// (make onnx-roundtrip). Options.Integer writes the integer form instead
// (integer.go): kiln's kernels spelled out in integer ONNX ops, which
// give the VM's bits.
package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Opset is the default-domain opset the models use (per-axis
// QuantizeLinear and DequantizeLinear are opset 13's, HardSwish 14's).
const Opset = 14

// Options adjust the export.
type Options struct {
	// Unsigned writes the activations as uint8: kiln's int8 values and
	// zero points plus 128, the same numbers (ONNX Runtime's fast int8
	// kernels take uint8 activations and int8 weights). Weights stay int8.
	Unsigned bool
	// RawIO makes the model's inputs and outputs its quantized tensors: no
	// QuantizeLinear of the float inputs, no DequantizeLinear of the
	// outputs, the integer arithmetic alone (for timing it).
	RawIO bool
	// Integer writes each int8 op as the integer arithmetic of kiln's
	// kernels (integer.go) instead of DequantizeLinear, the float op and
	// QuantizeLinear: a runtime then computes kiln's bits exactly, not a
	// float approximation that may differ by a step per op.
	Integer bool
}

// Emit writes an int8 graph (after the quantize pass) as a serialised
// ONNX ModelProto. Every op without an ONNX form is named in one error.
func Emit(g *ir.Graph) ([]byte, error) { return EmitWith(g, Options{}) }

// EmitWith is Emit with options.
func EmitWith(g *ir.Graph, opt Options) ([]byte, error) {
	e := newEmitter(g, opt)
	var problems []string
	failed := map[*ir.Value]bool{}
	for _, v := range g.Values {
		if slices.ContainsFunc(v.Args, func(a *ir.Value) bool { return failed[a] }) {
			failed[v] = true // its operand's problem is reported already
			continue
		}
		if err := e.value(v); err != nil {
			failed[v] = true
			problems = append(problems, fmt.Sprintf("%s (%s): %v", v.Name, v.Op.Name, err))
		}
	}
	for _, o := range g.Outputs {
		if failed[o] {
			continue
		}
		if o.Type.DType != tensor.F32 {
			problems = append(problems, fmt.Sprintf("output %s is %v; the ONNX model gives float outputs, as the .kbc does", o.Name, o.Type))
			continue
		}
		if e.rawOutput(o) {
			x := o.Args[0]
			e.graph.Output = append(e.graph.Output, valueInfo(e.names[x], e.activationType(), x.Type.Dims))
			continue
		}
		e.graph.Output = append(e.graph.Output, valueInfo(e.names[o], onnxpb.TensorProto_FLOAT, o.Type.Dims))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("model %s has no ONNX form:\n  %s", g.Name, strings.Join(problems, "\n  "))
	}
	return e.marshal()
}

func newEmitter(g *ir.Graph, opt Options) *emitter {
	e := &emitter{g: g, opt: opt, names: map[*ir.Value]string{}, taken: map[string]bool{}, uses: g.Uses(), outputs: map[*ir.Value]bool{}}
	for _, o := range g.Outputs {
		e.outputs[o] = true
	}
	e.graph = &onnxpb.GraphProto{Name: g.Name}
	return e
}

// marshal writes the graph as a serialised ModelProto.
func (e *emitter) marshal() ([]byte, error) {
	m := &onnxpb.ModelProto{
		IrVersion:    8,
		ProducerName: "kiln",
		OpsetImport:  []*onnxpb.OperatorSetIdProto{{Version: Opset}},
		Graph:        e.graph,
	}
	return proto.Marshal(m)
}

type emitter struct {
	g       *ir.Graph
	opt     Options
	uses    map[*ir.Value][]*ir.Value
	outputs map[*ir.Value]bool
	graph   *onnxpb.GraphProto
	names   map[*ir.Value]string // graph value -> ONNX tensor name
	taken   map[string]bool
	n       int // initializers made
}

// name gives a value its ONNX name: its kiln name, made unique.
func (e *emitter) name(v *ir.Value) string {
	n := v.Name
	for k := 1; e.taken[n]; k++ {
		n = fmt.Sprintf("%s_%d", v.Name, k)
	}
	e.taken[n] = true
	e.names[v] = n
	return n
}

// temp names an intermediate tensor of v's lowering.
func (e *emitter) temp(v *ir.Value, what string) string {
	n := e.names[v] + "/" + what
	for k := 1; e.taken[n]; k++ {
		n = fmt.Sprintf("%s/%s_%d", e.names[v], what, k)
	}
	e.taken[n] = true
	return n
}

func (e *emitter) value(v *ir.Value) error {
	switch v.Op {
	case ir.OpInput:
		dt := map[tensor.DType]onnxpb.TensorProto_DataType{tensor.F32: onnxpb.TensorProto_FLOAT, tensor.I32: onnxpb.TensorProto_INT32}[v.Type.DType]
		if dt == 0 {
			return fmt.Errorf("input of type %v: the export takes f32 values and i32 ids", v.Type)
		}
		e.name(v)
		if e.rawInput(v) {
			return nil // its quantize declares the quantized input
		}
		e.graph.Input = append(e.graph.Input, valueInfo(e.names[v], dt, v.Type.Dims))
		return nil
	case ir.OpParam, ir.OpConst:
		return nil // written where an op uses them, in the form it wants
	}
	rule, ok := rules[v.Op.Name]
	if r, integer := integerRules[v.Op.Name]; integer && e.opt.Integer {
		rule, ok = r, true
	}
	switch {
	case !ok && v.Op.Lower != nil:
		return fmt.Errorf("is a float op; the export writes int8 graphs (kiln build's)")
	case !ok:
		return fmt.Errorf("has no ONNX form in kiln's export")
	}
	for _, a := range v.Args {
		if !a.IsSource() && e.names[a] == "" {
			return fmt.Errorf("operand %s has no ONNX form", a.Name)
		}
	}
	out := e.name(v)
	return rule(e, v, out)
}

// node appends a node.
func (e *emitter) node(op string, inputs []string, output string, attrs ...*onnxpb.AttributeProto) {
	e.graph.Node = append(e.graph.Node, &onnxpb.NodeProto{OpType: op, Name: output, Input: inputs, Output: []string{output}, Attribute: attrs})
}

// layerNode appends the node of a layer's float op (v's weight is its
// operand 1), named as exporters name them, <layer>/<Op>, the layer being
// its weight's (c1.weight.q's convolution is c1/Conv): an importer that
// names parameters after their layer (kiln's does) gives the weights back
// their names.
func (e *emitter) layerNode(v *ir.Value, op string, inputs []string, output string, attrs ...*onnxpb.AttributeProto) {
	e.node(op, inputs, output, attrs...)
	layer := strings.TrimSuffix(strings.TrimSuffix(v.Args[1].Name, ".q"), ".weight")
	e.graph.Node[len(e.graph.Node)-1].Name = layer + "/" + op
}

// operand returns an int8 operand's tensor: a value's name, or a constant
// int8 initializer.
func (e *emitter) operand(a *ir.Value) (string, error) {
	if !a.IsSource() {
		return e.names[a], nil
	}
	if a.Data == nil || a.Data.DType != tensor.I8 {
		return "", fmt.Errorf("constant operand %s is not int8 data", a.Name)
	}
	return e.int8s(a.Data.I8, a.Type.Dims), nil
}

// broadcastable returns operand a's tensor x shaped for an elementwise op
// of result v: kiln broadcasts per-sample shapes aligned on the right,
// ONNX whole shapes, so a batched operand of lower per-sample rank gets
// ones inserted after its batch axis ([N] against [N, 1] would otherwise
// broadcast to [N, N]). Unbatched operands (constants) have no batch axis
// and align on the right as they are.
func (e *emitter) broadcastable(v, a *ir.Value, x string) string {
	missing := v.Type.Rank() - a.Type.Rank()
	if !a.Type.Batched || missing <= 0 {
		return x
	}
	axes := make([]int64, missing)
	for k := range axes {
		axes[k] = int64(k + 1)
	}
	out := e.temp(v, "unsqueeze_"+a.Name)
	e.node("Unsqueeze", []string{x, e.int64s(axes, []int{missing})}, out)
	return out
}

// dq dequantizes an int8 operand to float.
func (e *emitter) dq(v, a *ir.Value) (string, error) {
	in, err := e.operand(a)
	if err != nil {
		return "", err
	}
	s, z, axis := e.quant(a.Quant, !a.IsSource())
	out := e.temp(v, "dq_"+a.Name)
	var attrs []*onnxpb.AttributeProto
	if a.Quant.PerChannel() {
		attrs = append(attrs, intAttr("axis", axis))
	}
	e.node("DequantizeLinear", []string{in, s, z}, out, attrs...)
	return out, nil
}

// q quantizes a float tensor to v's parameters as v's tensor, then
// clamps it where v's clamp attribute is narrower than int8.
func (e *emitter) q(v *ir.Value, in string) {
	s, z, _ := e.quant(v.Quant, true)
	lo, hi := clampOf(v)
	if lo == math.MinInt8 && hi == math.MaxInt8 {
		e.node("QuantizeLinear", []string{in, s, z}, e.names[v])
		return
	}
	raw := e.temp(v, "unclamped")
	e.node("QuantizeLinear", []string{in, s, z}, raw)
	e.node("Clip", []string{raw, e.activationScalar(lo), e.activationScalar(hi)}, e.names[v])
}

// activationType is the ONNX type of quantized activations.
func (e *emitter) activationType() onnxpb.TensorProto_DataType {
	if e.opt.Unsigned {
		return onnxpb.TensorProto_UINT8
	}
	return onnxpb.TensorProto_INT8
}

// activationScalar is an initializer holding kiln's int8 value x in the
// activations' type.
func (e *emitter) activationScalar(x int) string {
	if e.opt.Unsigned {
		return e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_UINT8), RawData: []byte{byte(x + 128)}})
	}
	return e.int8s([]int8{int8(x)}, nil)
}

// rawInput says whether input v is read quantized (RawIO): every use is
// a quantize.
func (e *emitter) rawInput(v *ir.Value) bool {
	if !e.opt.RawIO || v.Type.DType != tensor.F32 || len(e.uses[v]) == 0 {
		return false
	}
	for _, u := range e.uses[v] {
		if u.Op != ir.OpQuantize {
			return false
		}
	}
	return true
}

// rawOutput says whether output o, a dequantize, is given quantized.
func (e *emitter) rawOutput(o *ir.Value) bool {
	return e.opt.RawIO && o.Op == ir.OpDequantize && !o.Args[0].IsSource()
}

func clampOf(v *ir.Value) (int, int) {
	if c := v.Attrs.Ints("clamp"); len(c) == 2 {
		return c[0], c[1]
	}
	return math.MinInt8, math.MaxInt8
}

// quant returns initializers for quantization parameters: the scales
// (float, one or one per channel), the zero points (int8, or uint8 for an
// activation with Options.Unsigned), and the channel axis.
func (e *emitter) quant(q *ir.QuantParams, activation bool) (scale, zero string, axis int) {
	var dims []int
	if q.PerChannel() {
		dims = []int{len(q.Scale)}
	}
	zeros := make([]int8, len(q.Scale))
	for i := range zeros {
		zeros[i] = int8(q.Zero[min(i, len(q.Zero)-1)])
	}
	if activation && e.opt.Unsigned {
		raw := make([]byte, len(zeros))
		for i, z := range zeros {
			raw[i] = byte(int(z) + 128)
		}
		return e.floats(q.Scale, dims), e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_UINT8), Dims: int64s(dims), RawData: raw}), q.Axis
	}
	return e.floats(q.Scale, dims), e.int8s(zeros, dims), q.Axis
}

func (e *emitter) init(t *onnxpb.TensorProto) string {
	e.n++
	t.Name = fmt.Sprintf("c%d", e.n)
	e.graph.Initializer = append(e.graph.Initializer, t)
	return t.Name
}

func (e *emitter) int8s(v []int8, dims []int) string {
	raw := make([]byte, len(v))
	for i, x := range v {
		raw[i] = byte(x)
	}
	return e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_INT8), Dims: int64s(dims), RawData: raw})
}

func (e *emitter) int32s(v []int32, dims []int) string {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(x))
	}
	return e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_INT32), Dims: int64s(dims), RawData: raw})
}

func (e *emitter) floats(v []float32, dims []int) string {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(x))
	}
	return e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_FLOAT), Dims: int64s(dims), RawData: raw})
}

func (e *emitter) int64s(v []int64, dims []int) string {
	return e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_INT64), Dims: int64s(dims), Int64Data: v})
}

func valueInfo(name string, dt onnxpb.TensorProto_DataType, dims []int) *onnxpb.ValueInfoProto {
	shape := &onnxpb.TensorShapeProto{Dim: []*onnxpb.TensorShapeProto_Dimension{{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}}}}
	for _, d := range dims {
		shape.Dim = append(shape.Dim, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}})
	}
	return &onnxpb.ValueInfoProto{Name: name, Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{ElemType: int32(dt), Shape: shape}}}}
}

func intAttr(name string, v int) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeProto_INT, I: int64(v)}
}

func intsAttr(name string, v []int) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeProto_INTS, Ints: int64s(v)}
}

func floatAttr(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeProto_FLOAT, F: v}
}

func int64s(v []int) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}
