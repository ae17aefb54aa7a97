package onnx

import (
	"fmt"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
)

// QOperator models: ops that take and give quantized tensors
// (QLinearConv, QLinearMatMul, com.microsoft's QGemm). Each becomes the
// float layer on the dequantized weights, its input and result carrying
// the parameters the node names, as in a QDQ model.

// takesQuantized lists the ops whose first operand is a quantized tensor.
var takesQuantized = map[string]bool{"DequantizeLinear": true, "QLinearConv": true, "QLinearMatMul": true, "QGemm": true, "MatMulInteger": true, "ConvInteger": true}

// quantizedInput returns operand k, a quantized tensor, after checking
// that the node reads it on its own parameters (operands si and zi).
func (nd *node) quantizedInput(k, si, zi int) (qview, error) {
	q, ok := nd.im.qvals[nd.inputName(k)]
	if !ok {
		return qview{}, fmt.Errorf("operand %q is not a quantized tensor (a QuantizeLinear's or a QLinear op's result)", nd.inputName(k))
	}
	p, err := nd.qparamsAt(si, zi, q.v.Type.Rank()+1, q.elem, 1)
	if err != nil {
		return qview{}, err
	}
	if !p.Equal(q.quant) {
		return qview{}, fmt.Errorf("reads %q with %s; it was quantized with %s", nd.inputName(k), p, q.quant)
	}
	if q.v, err = nd.give(q.v, p); err != nil {
		return qview{}, err
	}
	return q, nil
}

// quantizedWeight folds operand k, integer data on the parameters of
// operands si and zi (per-axis along axis), into a float constant on
// that grid.
func (nd *node) quantizedWeight(k, si, zi, axis int) (*constant, error) {
	c, err := nd.needConst(k, "the weight")
	if err != nil {
		return nil, err
	}
	p, err := nd.qparamsAt(si, zi, len(c.shape), c.elem, axis)
	if err != nil {
		return nil, err
	}
	return dequantize(c, p)
}

// quantizedBias folds an int32 bias at scale S_x * S_w[c] into floats.
func (nd *node) quantizedBias(k int, x qview, w *constant) (*constant, error) {
	c, err := nd.needConst(k, "the bias")
	if err != nil {
		return nil, err
	}
	if c.float || len(c.shape) != 1 {
		return nil, fmt.Errorf("the bias must be a 1-D int32 tensor, got shape %v", c.shape)
	}
	out := &constant{shape: c.shape, float: true, f: make([]float32, c.len())}
	for i, b := range c.i {
		sw := w.quant.Scale[min(i, len(w.quant.Scale)-1)]
		out.f[i] = float32(b) * float32(float64(x.quant.Scale[0])*float64(sw))
	}
	return out, nil
}

// quantizedResult makes v the node's quantized result on the parameters
// of operands si and zi (uint8 when the zero point is absent).
func (nd *node) quantizedResult(v *ir.Value, si, zi int) error {
	elem := onnxpb.TensorProto_UINT8
	if z := nd.konst(zi); z != nil {
		elem = z.elem
	}
	p, err := nd.qparamsAt(si, zi, v.Type.Rank()+1, elem, 1)
	if err != nil {
		return err
	}
	if p.PerChannel() {
		return fmt.Errorf("per-axis parameters for a result; kiln's activations have one scale")
	}
	out := nd.n.GetOutput()[0]
	delete(nd.im.vals, out)
	nd.im.qvals[out] = qview{v: v, quant: p, elem: elem}
	return nil
}

func importQLinearConv(nd *node) error {
	if err := nd.allow("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"); err != nil {
		return err
	}
	x, err := nd.quantizedInput(0, 1, 2)
	if err != nil {
		return err
	}
	w, err := nd.quantizedWeight(3, 4, 5, 0)
	if err != nil {
		return err
	}
	var b *constant
	if nd.has(8) {
		if b, err = nd.quantizedBias(8, x, w); err != nil {
			return err
		}
	}
	v, err := nd.conv(x.v, w, b)
	if err != nil {
		return err
	}
	return nd.quantizedResult(v, 6, 7)
}

func importQLinearMatMul(nd *node) error {
	if err := nd.allow(); err != nil {
		return err
	}
	x, err := nd.quantizedInput(0, 1, 2)
	if err != nil {
		return err
	}
	w, err := nd.quantizedWeight(3, 4, 5, 1) // [in, out]: a scale per column
	if err != nil {
		return err
	}
	v, err := nd.dense(x.v, w, false, nil)
	if err != nil {
		return err
	}
	return nd.quantizedResult(v, 6, 7)
}

// importQGemm: com.microsoft's QGemm, whose result is quantized when it
// has an output scale and float otherwise.
func importQGemm(nd *node) error {
	if err := nd.allow("alpha", "transA", "transB"); err != nil {
		return err
	}
	if nd.int("transA", 0) != 0 || nd.float("alpha", 1) != 1 {
		return fmt.Errorf("transA=%d, alpha=%g: kiln reads QGemm with transA=0 and alpha=1", nd.int("transA", 0), nd.float("alpha", 1))
	}
	x, err := nd.quantizedInput(0, 1, 2)
	if err != nil {
		return err
	}
	transB := nd.int("transB", 0) != 0
	axis := 1
	if transB {
		axis = 0
	}
	w, err := nd.quantizedWeight(3, 4, 5, axis)
	if err != nil {
		return err
	}
	var b *constant
	if nd.has(6) {
		if b, err = nd.quantizedBias(6, x, w); err != nil {
			return err
		}
	}
	v, err := nd.dense(x.v, w, transB, b)
	if err != nil || !nd.has(7) {
		return err
	}
	return nd.quantizedResult(v, 7, 8)
}
