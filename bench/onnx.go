package main

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
)

// graphSpec is an ONNX graph in the JSON form ort.js turns into a
// ModelProto with onnx-proto: kiln's quantized graph expressed in
// ONNX Runtime's own int8 operators.
type graphSpec struct {
	Inputs       []valueSpec `json:"inputs"`
	Outputs      []valueSpec `json:"outputs"`
	Nodes        []nodeSpec  `json:"nodes"`
	Initializers []initSpec  `json:"initializers"`
}

// valueSpec is a graph input or output; its first dimension is the batch
// ("N").
type valueSpec struct {
	Name     string `json:"name"`
	ElemType string `json:"elemType"` // float, uint8, int8, int32
	Dims     []int  `json:"dims"`     // per sample
}

type nodeSpec struct {
	Op      string           `json:"op"`
	Domain  string           `json:"domain,omitempty"`
	Inputs  []string         `json:"inputs"`
	Outputs []string         `json:"outputs"`
	Ints    map[string]int   `json:"ints,omitempty"`
	IntList map[string][]int `json:"intList,omitempty"`
}

type initSpec struct {
	Name     string `json:"name"`
	ElemType string `json:"elemType"`
	Dims     []int  `json:"dims"`
	Data     string `json:"data"` // little-endian raw data, base64
}

// onnxExporter converts a quantized kiln graph to ONNX: int8 activations
// become uint8 with the zero point moved up by 128 (ONNX Runtime's fast
// int8 kernels take uint8 activations and int8 weights), qdense becomes
// com.microsoft QGemm, qconv2d QLinearConv, qmaxpool MaxPool, and the
// boundaries QuantizeLinear and DequantizeLinear. The arithmetic is the
// same up to rounding: ONNX Runtime requantizes in float.
//
// With rawIO the graph starts after the inputs' quantization and ends
// before the outputs' dequantization: uint8 in and out, the pure int8
// arithmetic.
type onnxExporter struct {
	spec  graphSpec
	names map[*ir.Value]string
	n     int
	rawIO bool
}

func exportONNX(g *ir.Graph, rawIO bool) (*graphSpec, error) {
	e := &onnxExporter{names: map[*ir.Value]string{}, rawIO: rawIO}
	for _, v := range g.Values {
		if err := e.value(v); err != nil {
			return nil, fmt.Errorf("%s (%s): %w", v.Name, v.Op.Name, err)
		}
	}
	for _, v := range g.Outputs {
		o := v
		if v.Op.Name != "dequantize" {
			return nil, fmt.Errorf("output %s is not dequantized int8; the export takes those", o.Name)
		}
		if rawIO {
			v = v.Args[0]
			e.spec.Outputs = append(e.spec.Outputs, valueSpec{Name: e.names[v], ElemType: "uint8", Dims: v.Type.Dims})
			continue
		}
		e.spec.Outputs = append(e.spec.Outputs, valueSpec{Name: e.names[v], ElemType: "float", Dims: v.Type.Dims})
	}
	return &e.spec, nil
}

func (e *onnxExporter) value(v *ir.Value) error {
	name := fmt.Sprintf("v%d", len(e.names))
	e.names[v] = name
	arg := func(i int) string { return e.names[v.Args[i]] }
	switch v.Op.Name {
	case "input":
		if v.Type.DType != tensor.F32 {
			return fmt.Errorf("the export takes float inputs")
		}
		if e.rawIO {
			break
		}
		e.spec.Inputs = append(e.spec.Inputs, valueSpec{Name: name, ElemType: "float", Dims: v.Type.Dims})
	case "param", "const":
		// Written where an op uses them, in the form that op wants.
	case "quantize":
		if e.rawIO {
			e.spec.Inputs = append(e.spec.Inputs, valueSpec{Name: name, ElemType: "uint8", Dims: v.Type.Dims})
			break
		}
		s, z := e.actQuant(v)
		e.node(nodeSpec{Op: "QuantizeLinear", Inputs: []string{arg(0), s, z}, Outputs: []string{name}})
	case "dequantize":
		if e.rawIO {
			break
		}
		s, z := e.actQuant(v.Args[0])
		e.node(nodeSpec{Op: "DequantizeLinear", Inputs: []string{arg(0), s, z}, Outputs: []string{name}})
	case "flatten":
		e.node(nodeSpec{Op: "Flatten", Inputs: []string{arg(0)}, Outputs: []string{name}, Ints: map[string]int{"axis": 1}})
	case "qdense":
		p := ir.KernelParams(v).(ref.DenseParams)
		if len(v.Args[0].Type.Dims) != 1 {
			return fmt.Errorf("the export takes dense layers over vectors")
		}
		xs, xz := e.actQuant(v.Args[0])
		ws, wz := e.weightQuant(v.Args[1])
		ys, yz := e.actQuant(v)
		in := []string{arg(0), xs, xz, e.int8s(v.Args[1]), ws, wz, e.int32s(v.Args[2]), ys, yz}
		e.clamped(v, p.ActMin, p.ActMax, nodeSpec{Op: "QGemm", Domain: "com.microsoft", Inputs: in, Ints: map[string]int{"transB": 1}})
	case "qconv2d":
		p := ir.KernelParams(v).(ref.ConvParams)
		xs, xz := e.actQuant(v.Args[0])
		ws, wz := e.weightQuant(v.Args[1])
		ys, yz := e.actQuant(v)
		in := []string{arg(0), xs, xz, e.int8s(v.Args[1]), ws, wz, ys, yz, e.int32s(v.Args[2])}
		e.clamped(v, p.ActMin, p.ActMax, nodeSpec{Op: "QLinearConv", Inputs: in, Ints: map[string]int{"group": p.Groups},
			IntList: map[string][]int{"kernel_shape": {p.KH, p.KW}, "strides": {p.StrideH, p.StrideW},
				"pads": {p.PadH, p.PadW, p.PadH, p.PadW}, "dilations": {p.DilationH, p.DilationW}}})
	case "qmaxpool":
		p := ir.KernelParams(v).(ref.PoolParams)
		if len(v.Args[0].Type.Dims) != 3 {
			return fmt.Errorf("the export takes 2-D pooling")
		}
		e.clamped(v, p.ActMin, p.ActMax, nodeSpec{Op: "MaxPool", Inputs: []string{arg(0)},
			IntList: map[string][]int{"kernel_shape": {p.KH, p.KW}, "strides": {p.StrideH, p.StrideW},
				"pads": {p.PadH, p.PadW, p.PadH, p.PadW}}})
	default:
		return fmt.Errorf("op %s has no ONNX form in this harness", v.Op.Name)
	}
	return nil
}

// clamped adds node n computing v and, when v's activation range is
// narrower than int8's, a Clip to it.
func (e *onnxExporter) clamped(v *ir.Value, lo, hi int32, n nodeSpec) {
	name := e.names[v]
	if lo == math.MinInt8 && hi == math.MaxInt8 {
		n.Outputs = []string{name}
		e.node(n)
		return
	}
	raw := name + "_unclipped"
	n.Outputs = []string{raw}
	e.node(n)
	e.node(nodeSpec{Op: "Clip", Inputs: []string{raw, e.scalarU8(lo + 128), e.scalarU8(hi + 128)}, Outputs: []string{name}})
}

func (e *onnxExporter) node(n nodeSpec) { e.spec.Nodes = append(e.spec.Nodes, n) }

// actQuant returns the scale and (uint8) zero point initializers of an
// activation.
func (e *onnxExporter) actQuant(v *ir.Value) (scale, zero string) {
	return e.float32s([]float32{v.Quant.Scale[0]}, nil), e.scalarU8(v.Quant.Zero[0] + 128)
}

// weightQuant returns a weight's scales (one per output channel, or one)
// and int8 zero points.
func (e *onnxExporter) weightQuant(w *ir.Value) (scale, zero string) {
	q := w.Quant
	var dims []int
	if q.PerChannel() {
		dims = []int{len(q.Scale)}
	}
	zeros := make([]byte, len(q.Scale))
	for i := range zeros {
		zeros[i] = byte(int8(q.Zero[min(i, len(q.Zero)-1)]))
	}
	return e.float32s(q.Scale, dims), e.init("int8", dims, zeros)
}

func (e *onnxExporter) int8s(w *ir.Value) string {
	b := make([]byte, len(w.Data.I8))
	for i, x := range w.Data.I8 {
		b[i] = byte(x)
	}
	return e.init("int8", w.Type.Dims, b)
}

func (e *onnxExporter) int32s(b *ir.Value) string {
	raw := make([]byte, 4*len(b.Data.I32))
	for i, x := range b.Data.I32 {
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(x))
	}
	return e.init("int32", b.Type.Dims, raw)
}

func (e *onnxExporter) float32s(x []float32, dims []int) string {
	raw := make([]byte, 4*len(x))
	for i, f := range x {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(f))
	}
	return e.init("float", dims, raw)
}

func (e *onnxExporter) scalarU8(v int32) string { return e.init("uint8", nil, []byte{byte(v)}) }

func (e *onnxExporter) init(elem string, dims []int, raw []byte) string {
	e.n++
	name := fmt.Sprintf("c%d", e.n)
	e.spec.Initializers = append(e.spec.Initializers, initSpec{Name: name, ElemType: elem, Dims: dims,
		Data: base64.StdEncoding.EncodeToString(raw)})
	return name
}
