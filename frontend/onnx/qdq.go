package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
)

// Quantized ONNX in QDQ form: QuantizeLinear and DequantizeLinear around
// float ops. kiln imports the float graph between them and keeps the
// parameters they carry:
//
//   - DequantizeLinear of an int8 initializer folds into a float constant
//     whose values lie on that grid; a weight made from it is quantized
//     on the same grid (passes.Quantization.Given), no recalibration;
//   - QuantizeLinear of a value, then DequantizeLinear, is that value:
//     its scale and zero point become its int8 parameters. uint8 tensors
//     (ONNX Runtime's default for activations) are the same numbers 128
//     lower: kiln's int8 zero point is the uint8 one minus 128;
//   - layout ops on quantized tensors (Flatten, Reshape, Transpose) and a
//     Clip of one to a fused activation's range apply to the value and
//     keep its parameters.
//
// The model then quantizes with those parameters and kiln's integer
// arithmetic (TFLite's), where ONNX rounds in float: a result may differ
// by one step where the exact value lies within rounding of a half step
// (docs/onnx.md).

// qview is a quantized ONNX tensor: a graph value on int8 parameters.
type qview struct {
	v     *ir.Value
	quant *ir.QuantParams
	elem  onnxpb.TensorProto_DataType // its ONNX type: INT8 or UINT8
}

// qparams reads QuantizeLinear's or DequantizeLinear's scale (operand 1)
// and zero point (operand 2; when absent, 0 of the quantized tensor's
// type, elem) as kiln's: uint8 zero points move down by 128. The node's
// axis attribute places per-axis parameters in a tensor of the given
// rank.
func (nd *node) qparams(rank int, elem onnxpb.TensorProto_DataType) (*ir.QuantParams, error) {
	return nd.qparamsAt(1, 2, rank, elem, nd.int("axis", 1))
}

// qparamsAt reads a scale and a zero point from operands si and zi (zi
// may be absent: 0 of type elem); per-axis parameters lie along axis.
func (nd *node) qparamsAt(si, zi, rank int, elem onnxpb.TensorProto_DataType, axis int) (*ir.QuantParams, error) {
	s, err := nd.needConst(si, "the scale")
	if err != nil {
		return nil, err
	}
	scales := s.floats()
	for _, x := range scales {
		if !(x > 0) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("scale %g is not positive and finite", x)
		}
	}
	zeros := make([]int32, len(scales))
	unsigned := elem == onnxpb.TensorProto_UINT8
	if nd.has(zi) {
		z, err := nd.needConst(zi, "the zero point")
		if err != nil {
			return nil, err
		}
		switch z.elem {
		case onnxpb.TensorProto_UINT8:
			unsigned = true
		case onnxpb.TensorProto_INT8, onnxpb.TensorProto_INT32:
			unsigned = false
		default:
			return nil, fmt.Errorf("zero point of element type %s; kiln reads int8 and uint8 quantization", z.elem)
		}
		if z.len() != len(scales) {
			return nil, fmt.Errorf("%d zero points for %d scales", z.len(), len(scales))
		}
		for k, v := range z.i {
			zeros[k] = int32(v)
		}
	}
	if unsigned {
		for k := range zeros {
			zeros[k] -= 128
		}
	}
	p := &ir.QuantParams{Scale: scales, Zero: zeros}
	if len(scales) > 1 {
		a := axis
		if a < 0 {
			a += rank
		}
		if a < 0 || a >= rank {
			return nil, fmt.Errorf("axis %d is out of range for rank %d", axis, rank)
		}
		p.Axis = a
	}
	return p, nil
}

// importQuantize: a value's QuantizeLinear is a view of the value on its
// new parameters; a constant's is folded.
func importQuantize(nd *node) error {
	if err := nd.allow("axis", "saturate", "block_size", "output_dtype"); err != nil {
		return err
	}
	if c := nd.konst(0); c != nil {
		return fmt.Errorf("quantizes a constant in the graph; kiln reads quantized weights as int8 initializers with DequantizeLinear")
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	p, err := nd.qparams(x.Type.Rank()+1, onnxpb.TensorProto_UINT8) // no zero point: uint8 0
	if err != nil {
		return err
	}
	if p.PerChannel() {
		return fmt.Errorf("per-axis parameters for an activation; kiln's activations have one scale")
	}
	elem := onnxpb.TensorProto_UINT8
	if z := nd.konst(2); z != nil {
		elem = z.elem
	}
	nd.im.qvals[nd.n.GetOutput()[0]] = qview{v: x, quant: p, elem: elem}
	return nil
}

// importDequantize: of a quantized view, the value itself, now with its
// int8 parameters; of an initializer, the float constant on its grid.
func importDequantize(nd *node) error {
	if err := nd.allow("axis", "block_size"); err != nil {
		return err
	}
	if q, ok := nd.im.qvals[nd.inputName(0)]; ok {
		p, err := nd.qparams(q.v.Type.Rank()+1, q.elem)
		if err != nil {
			return err
		}
		if !p.Equal(q.quant) {
			return fmt.Errorf("dequantizes with %s what was quantized with %s", p, q.quant)
		}
		v, err := nd.give(q.v, p)
		if err != nil {
			return err
		}
		if o := nd.n.GetOutput()[0]; nd.im.isOutput[o] && v.Op != ir.OpInput {
			v.Name = nd.im.fresh(sanitize(o)) // a model's outputs keep their names
		}
		nd.set(0, v)
		return nil
	}
	c := nd.konst(0)
	if c == nil {
		return fmt.Errorf("dequantizes %q, which is neither a QuantizeLinear's result nor an initializer", nd.inputName(0))
	}
	if c.float {
		return fmt.Errorf("dequantizes a float tensor")
	}
	p, err := nd.qparams(len(c.shape), c.elem)
	if err != nil {
		return err
	}
	out, err := dequantize(c, p)
	if err != nil {
		return err
	}
	nd.setConst(0, out)
	return nil
}

// dequantize folds an integer constant on parameters p into the float
// constant it stands for; int8 data keeps its grid (quant) for the weight
// made from it.
func dequantize(c *constant, p *ir.QuantParams) (*constant, error) {
	if c.float {
		return nil, fmt.Errorf("dequantizes a float tensor")
	}
	per := 1
	if p.PerChannel() {
		if p.Axis >= len(c.shape) || c.shape[p.Axis] != len(p.Scale) {
			return nil, fmt.Errorf("%d scales along axis %d of shape %v", len(p.Scale), p.Axis, c.shape)
		}
		for _, d := range c.shape[p.Axis+1:] {
			per *= d
		}
	}
	out := &constant{shape: c.shape, float: true, f: make([]float32, c.len())}
	for i, q := range c.i {
		ch := 0
		if p.PerChannel() {
			ch = (i / per) % len(p.Scale)
		}
		zero := int64(p.Zero[min(ch, len(p.Zero)-1)])
		if c.elem == onnxpb.TensorProto_UINT8 {
			zero += 128 // back to the file's uint8 zero point
		}
		out.f[i] = float32(q-zero) * p.Scale[ch]
	}
	if c.elem == onnxpb.TensorProto_INT8 || symmetricUint8(c, p) {
		out.quant = p // a grid kiln can keep (int8 weights)
	}
	return out, nil
}

// symmetricUint8 reports whether uint8 data is symmetric int8 weights
// moved up by 128: zero point 128 (kiln's 0) and no value below 1 (kiln's
// weights lie in [-127, 127]).
func symmetricUint8(c *constant, p *ir.QuantParams) bool {
	if c.elem != onnxpb.TensorProto_UINT8 || slices.ContainsFunc(p.Zero, func(z int32) bool { return z != 0 }) {
		return false
	}
	return !slices.Contains(c.i, 0)
}

// give records that value v is quantized with p, and returns the value
// that stands for the quantized tensor: v, or its relu where p's grid
// starts at 0 (the round trip through int8 is a relu there: how a
// quantizer writes a convolution's fused relu; an input's quantization
// saturates the same way in kiln's int8 build, so it gets none).
func (nd *node) give(v *ir.Value, p *ir.QuantParams) (*ir.Value, error) {
	if p.Zero[0] == math.MinInt8 && !nonNegative(v) && v.Op != ir.OpInput {
		var err error
		if v, err = nd.step(v.Name+"_relu", ir.OpRelu, []*ir.Value{v}, nil); err != nil {
			return nil, err
		}
	}
	if old := nd.im.given[v]; old != nil && !old.Equal(p) {
		return nil, fmt.Errorf("value %s is quantized twice, with %s and %s", v.Name, old, p)
	}
	nd.im.given[v] = p
	// A layout op's operand has its result's parameters (kiln's int8
	// layout ops only reinterpret bytes): the steps a node was lowered to
	// (a global average pool's pooling before its reshape) get them.
	for a := v; (a.Op == ir.OpReshape || a.Op == ir.OpFlatten) && nd.im.given[a.Args[0]] == nil; a = a.Args[0] {
		nd.im.given[a.Args[0]] = p
	}
	return v, nil
}

// giveWeight records that parameter w, made from c (transposed when its
// 2-D data was), is quantized on c's grid: per tensor, or per output
// channel (kiln's dimension 0).
func (nd *node) giveWeight(w *ir.Value, c *constant, transposed bool) error {
	if c.quant == nil {
		return nil
	}
	p := *c.quant
	if p.PerChannel() {
		axis := p.Axis
		if transposed {
			axis = 1 - axis
		}
		if axis != 0 {
			return fmt.Errorf("weight %s has one scale per input channel; kiln's are per output channel", w.Name)
		}
		p.Axis = 0
	}
	nd.im.given[w] = &p
	return nil
}

// onQuantized imports a node whose first operand is a quantized tensor:
// a layout op applies to the value and keeps its parameters, as does a
// Clip to a fused activation's range (relu or relu6 on the grid).
func (im *importer) onQuantized(nd *node, r rule, q qview) error {
	in, out := nd.inputName(0), nd.n.GetOutput()[0]
	switch nd.n.GetOpType() {
	case "Flatten", "Reshape", "Transpose", "Identity", "Squeeze", "Unsqueeze":
		im.vals[in] = q.v
		err := r(nd)
		delete(im.vals, in)
		if err != nil {
			return err
		}
	case "Clip":
		act, err := im.clipOnGrid(nd, q)
		if err != nil {
			return err
		}
		if _, err := nd.add(nd.resultName(nd.layer()), act, []*ir.Value{q.v}, nil); err != nil {
			return err
		}
	default:
		return fmt.Errorf("takes the quantized tensor %q; kiln reads QDQ models, whose float ops take DequantizeLinear's results", in)
	}
	v := im.vals[out]
	delete(im.vals, out)
	im.qvals[out] = qview{v: v, quant: q.quant, elem: q.elem}
	return nil
}

// clipOnGrid reads a Clip of a quantized tensor as the activation whose
// range it is: [zero point, 127] is relu, [zero point, 6 on the grid]
// relu6.
func (im *importer) clipOnGrid(nd *node, q qview) (*ir.Op, error) {
	if nd.opset() < 11 {
		return nil, fmt.Errorf("a Clip of a quantized tensor before opset 11")
	}
	bounds := [2]int64{math.MinInt8, math.MaxInt8}
	for k := range 2 {
		if !nd.has(k + 1) {
			continue
		}
		c, err := nd.needConst(k+1, []string{"min", "max"}[k])
		if err != nil {
			return nil, err
		}
		if c.float || c.len() != 1 {
			return nil, fmt.Errorf("the bounds of a Clip of a quantized tensor must be integer scalars")
		}
		bounds[k] = c.i[0]
		if c.elem == onnxpb.TensorProto_UINT8 {
			bounds[k] -= 128
		}
	}
	z, s := int64(q.quant.Zero[0]), float64(q.quant.Scale[0])
	switch {
	case bounds[0] == z && bounds[1] == math.MaxInt8:
		return ir.OpRelu, nil
	case bounds[0] == z && math.Abs(float64(bounds[1]-z)*s-6) <= s/2:
		return ir.OpRelu6, nil
	}
	return nil, fmt.Errorf("clips a quantized tensor to [%d, %d] (zero point %d, scale %g): kiln reads clips to relu's or relu6's range", bounds[0], bounds[1], z, s)
}

// nonNegative says whether an op's results are never negative.
func nonNegative(v *ir.Value) bool {
	switch v.Op {
	case ir.OpRelu, ir.OpRelu6, ir.OpSigmoid, ir.OpSoftmax, ir.OpHardSigmoid:
		return true
	case ir.OpMaxPool, ir.OpAvgPool, ir.OpGlobalAvgPool, ir.OpFlatten, ir.OpReshape, ir.OpTranspose:
		return nonNegative(v.Args[0])
	}
	return false
}
