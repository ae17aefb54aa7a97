package onnx

import (
	"fmt"
	"slices"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
)

// Integer layers: MatMulInteger and ConvInteger, whose int32 result a
// float Mul by the scales turns back into the layer's output, as ONNX
// Runtime's dynamic quantization (quantize_dynamic) writes them:
//
//	x_q, x_scale, x_zero = DynamicQuantizeLinear(x)
//	acc = MatMulInteger(x_q, W_q, x_zero, W_zero)    (or ConvInteger)
//	y = Mul(Cast(acc, float), Mul(x_scale, W_scale))
//
// acc*x_scale*W_scale is x times the dequantized weights, up to the
// rounding of x to x_scale's grid, which x_scale, computed from each
// input at run time, sets anew for every input. kiln has no dynamic
// scales: the layer imports as the float layer on the dequantized
// weights (int8 weights keep their grid, as in a QDQ model), and int8
// activation ranges come from calibration, as for a float model. An
// input quantized by a QuantizeLinear with constant parameters works the
// same way, its scale standing where x_scale does.
//
// The intermediates (DynamicQuantizeLinear's three results, the int32
// accumulator and its Cast, the product of the scales) are not graph
// values: they live in importer.integer until the Mul that completes the
// layer, and any other use of one is refused, saying why.

// integerKind says what an intermediate is.
type integerKind int

const (
	dynamicQuantized integerKind = iota // DynamicQuantizeLinear's x_q
	dynamicScale                        // its x_scale
	dynamicZero                         // its x_zero
	accumulator                         // MatMulInteger's or ConvInteger's int32 result (or its float Cast)
	scaleProduct                        // x_scale times constant weight scales
)

// integerPart is one intermediate of an integer layer.
type integerPart struct {
	kind  integerKind
	group string    // the DynamicQuantizeLinear's x_q name; "" for a constant input scale
	x     *ir.Value // dynamicQuantized, accumulator: the float input
	scale float32   // accumulator of a constant-scale input: that scale
	c     *constant // scaleProduct: the constant factor
	// accumulator: the layer's node, weights and zero points, built once
	// its scale is known.
	layer        *onnxpb.NodeProto
	w, wZero     *constant
	conv, casted bool
}

// takesInteger lists the ops that read intermediates of integer layers.
var takesInteger = map[string]bool{"MatMulInteger": true, "ConvInteger": true, "Cast": true, "Mul": true}

func importDynamicQuantize(nd *node) error {
	if err := nd.allow(); err != nil {
		return err
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	outs := nd.n.GetOutput()
	if len(outs) != 3 {
		return fmt.Errorf("%d outputs; DynamicQuantizeLinear gives three (y, y_scale, y_zero_point)", len(outs))
	}
	nd.im.integer[outs[0]] = &integerPart{kind: dynamicQuantized, group: outs[0], x: x}
	nd.im.integer[outs[1]] = &integerPart{kind: dynamicScale, group: outs[0]}
	nd.im.integer[outs[2]] = &integerPart{kind: dynamicZero, group: outs[0]}
	return nil
}

// integerInput reads operand 0 of MatMulInteger or ConvInteger and its
// zero point (operand 2): a DynamicQuantizeLinear's result with its own
// zero point, or a quantized tensor with a constant scale whose zero
// point the operand repeats.
func (nd *node) integerInput() (*integerPart, error) {
	name := nd.inputName(0)
	if p, ok := nd.im.integer[name]; ok {
		if p.kind != dynamicQuantized {
			return nil, fmt.Errorf("operand %q is not a quantized tensor", name)
		}
		if z, ok := nd.im.integer[nd.inputName(2)]; !ok || z.kind != dynamicZero || z.group != p.group {
			return nil, fmt.Errorf("the zero point of %q is %q; kiln reads the one DynamicQuantizeLinear gave with it", name, nd.inputName(2))
		}
		return &integerPart{kind: accumulator, group: p.group, x: p.x}, nil
	}
	q, ok := nd.im.qvals[name]
	if !ok {
		return nil, fmt.Errorf("operand %q is neither DynamicQuantizeLinear's result nor a QuantizeLinear's", name)
	}
	zero := int64(0)
	if nd.has(2) {
		z, err := nd.needConst(2, "the input's zero point")
		if err != nil {
			return nil, err
		}
		if z.len() != 1 {
			return nil, fmt.Errorf("the input's zero point has %d values; kiln's activations have one", z.len())
		}
		zero = z.i[0]
	}
	want := int64(q.quant.Zero[0])
	if q.elem == onnxpb.TensorProto_UINT8 {
		want += 128
	}
	if zero != want {
		return nil, fmt.Errorf("reads %q with zero point %d; it was quantized with %d", name, zero, want)
	}
	x, err := nd.give(q.v, q.quant)
	if err != nil {
		return nil, err
	}
	return &integerPart{kind: accumulator, x: x, scale: q.quant.Scale[0]}, nil
}

// integerWeight reads the weight (operand 1) and its zero point (operand
// 3): integer constants, one zero point or one per output channel.
func (nd *node) integerWeight(acc *integerPart, channels func(w *constant) int) error {
	w, err := nd.needConst(1, "the weight")
	if err != nil {
		return err
	}
	if w.float || (w.elem != onnxpb.TensorProto_INT8 && w.elem != onnxpb.TensorProto_UINT8) {
		return fmt.Errorf("the weight is %s; MatMulInteger and ConvInteger take int8 or uint8", w.elem)
	}
	ok, want := len(w.shape) == 2, "a matrix"
	if acc.conv {
		ok, want = len(w.shape) == 3 || len(w.shape) == 4, "[out, in, kernel...] with one or two spatial dimensions"
	}
	if !ok {
		return fmt.Errorf("the weight has shape %v; kiln reads %s", w.shape, want)
	}
	zero := &constant{shape: []int{1}, i: []int64{0}, elem: w.elem}
	if nd.has(3) {
		if zero, err = nd.needConst(3, "the weight's zero point"); err != nil {
			return err
		}
		if zero.float || zero.elem != w.elem {
			return fmt.Errorf("the weight's zero point is %s, the weight %s", zero.elem, w.elem)
		}
	}
	if n := channels(w); zero.len() != 1 && zero.len() != n {
		return fmt.Errorf("%d weight zero points for %d output channels", zero.len(), n)
	}
	acc.w, acc.wZero, acc.layer = w, zero, nd.n
	nd.im.integer[nd.n.GetOutput()[0]] = acc
	return nil
}

func importMatMulInteger(nd *node) error {
	if err := nd.allow(); err != nil {
		return err
	}
	acc, err := nd.integerInput()
	if err != nil {
		return err
	}
	return nd.integerWeight(acc, func(w *constant) int { return w.shape[len(w.shape)-1] })
}

func importConvInteger(nd *node) error {
	if err := nd.allow("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"); err != nil {
		return err
	}
	acc, err := nd.integerInput()
	if err != nil {
		return err
	}
	acc.conv = true
	return nd.integerWeight(acc, func(w *constant) int { return w.shape[0] })
}

// importIntegerCast: the accumulator's Cast to float is the accumulator.
func importIntegerCast(nd *node) error {
	p := nd.im.integer[nd.inputName(0)]
	if p.kind != accumulator || p.casted {
		return fmt.Errorf("casts %q; kiln reads a Cast of MatMulInteger's or ConvInteger's result to float only", nd.inputName(0))
	}
	if err := nd.allow("to", "saturate"); err != nil {
		return err
	}
	if to := nd.int("to", 0); to != int(onnxpb.TensorProto_FLOAT) {
		return fmt.Errorf("casts the int32 result to element type %d; kiln reads a Cast to float", to)
	}
	cast := *p
	cast.casted = true
	nd.im.integer[nd.n.GetOutput()[0]] = &cast
	return nil
}

// importIntegerMul: x_scale times constant weight scales is a scale
// product; the float accumulator times the scale product of its own
// input (or, for a constant input scale, times constants) is the layer.
func importIntegerMul(nd *node) error {
	if err := nd.allow(); err != nil {
		return err
	}
	a, b := nd.im.integer[nd.inputName(0)], nd.im.integer[nd.inputName(1)]
	ca, cb := nd.konst(0), nd.konst(1)
	switch {
	case a != nil && a.kind == dynamicScale && cb != nil && cb.float:
		nd.im.integer[nd.n.GetOutput()[0]] = &integerPart{kind: scaleProduct, group: a.group, c: cb}
		return nil
	case b != nil && b.kind == dynamicScale && ca != nil && ca.float:
		nd.im.integer[nd.n.GetOutput()[0]] = &integerPart{kind: scaleProduct, group: b.group, c: ca}
		return nil
	case b != nil && b.kind == accumulator:
		a, b, ca, cb = b, a, cb, ca
	}
	if a == nil || a.kind != accumulator || !a.casted {
		return fmt.Errorf("multiplies %q by %q; kiln reads Mul(x_scale, weight scales) and Mul(Cast(MatMulInteger or ConvInteger), that product)", nd.inputName(0), nd.inputName(1))
	}
	var scale *constant
	switch {
	case a.group != "" && b != nil && b.kind == scaleProduct && b.group == a.group:
		scale = b.c
	case a.group == "" && cb != nil && cb.float:
		// A constant input scale S: the product S*S_w is given whole,
		// and S_w is its quotient by S (in float32, which recovers a
		// float32 S_w from the float32 product where the rounding
		// allows).
		scale = &constant{shape: cb.shape, float: true, f: make([]float32, len(cb.f))}
		for k, v := range cb.f {
			scale.f[k] = v / a.scale
		}
	default:
		return fmt.Errorf("multiplies the result of %q by %q, which is not its input's scale times the weights' scales", a.layer.GetName(), nd.inputName(1))
	}
	return nd.integerLayer(a, scale)
}

// integerLayer adds the float layer of accumulator a, whose weights are
// a.w - a.wZero on the grid of the per-channel scales, as the Mul's
// output.
func (nd *node) integerLayer(a *integerPart, scale *constant) error {
	axis, channels := len(a.w.shape)-1, a.w.shape[len(a.w.shape)-1]
	if a.conv {
		axis, channels = 0, a.w.shape[0]
	}
	scales, err := channelScales(scale, channels, a.conv, len(a.w.shape)-2)
	if err != nil {
		return err
	}
	p := &ir.QuantParams{Scale: scales, Zero: make([]int32, len(scales)), Axis: axis}
	if scale.len() == 1 && a.wZero.len() == 1 {
		p = &ir.QuantParams{Scale: scales[:1], Zero: []int32{0}} // one scale
	}
	for k := range p.Zero {
		z := a.wZero.i[min(k, len(a.wZero.i)-1)]
		if a.w.elem == onnxpb.TensorProto_UINT8 {
			z -= 128 // kiln's zero point of a uint8 tensor
		}
		p.Zero[k] = int32(z)
	}
	if !slices.ContainsFunc(p.Zero, func(z int32) bool { return z != p.Zero[0] }) {
		p.Zero = p.Zero[:1] // one zero point for every channel
	}
	w, err := dequantize(a.w, p)
	if err != nil {
		return err
	}
	// The layer is named after MatMulInteger or ConvInteger, and its
	// result is the Mul's.
	layer := &node{im: nd.im, n: &onnxpb.NodeProto{Name: a.layer.GetName(), OpType: a.layer.GetOpType(), Input: a.layer.GetInput(),
		Output: nd.n.GetOutput(), Attribute: a.layer.GetAttribute()}}
	var v *ir.Value
	if a.conv {
		v, err = layer.conv(a.x, w, nil)
	} else {
		v, err = layer.dense(a.x, w, false, nil)
	}
	if err != nil {
		return err
	}
	if out := nd.n.GetOutput()[0]; nd.im.uses[out] == 1 && !nd.im.isOutput[out] {
		nd.im.bias[v] = true // the bias Add that follows joins the layer
	}
	return nil
}

// channelScales reads the constant factor of the scales: one value, or
// one per output channel on the output's channel axis (the last for
// MatMul; for a convolution's [N, C, spatial...] output, C, the factor
// being [C, 1, ...] or [1, C, 1, ...]).
func channelScales(c *constant, channels int, conv bool, spatial int) ([]float32, error) {
	for _, s := range c.f {
		if !(s > 0) || s > 1e30 {
			return nil, fmt.Errorf("weight scale %g is not positive and finite", s)
		}
	}
	if c.len() == 1 {
		return slices.Repeat(c.f, channels), nil
	}
	fits := len(c.shape) > 0 && c.shape[len(c.shape)-1] == channels && c.len() == channels // the last axis
	if conv {
		fits = channelColumn(c, channels, spatial)
	}
	if !fits {
		return nil, fmt.Errorf("scales of shape %v for %d output channels", c.shape, channels)
	}
	return c.f, nil
}
