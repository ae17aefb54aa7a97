package onnx

import (
	"fmt"
	"math"
	"strings"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// rule imports one node: it adds the kiln ops the node lowers to (or
// folds it into a constant) and records its outputs.
type rule func(nd *node) error

// rules is the import table: one entry per ONNX op kiln reads. An op that
// is absent is listed as unsupported.
var rules map[string]rule

func init() {
	rules = map[string]rule{
		"Conv":                  importConv,
		"Gemm":                  importGemm,
		"MatMul":                importMatMul,
		"MaxPool":               importPool(ir.OpMaxPool),
		"AveragePool":           importPool(ir.OpAvgPool),
		"GlobalAveragePool":     importGlobalAvgPool,
		"BatchNormalization":    importBatchNorm,
		"Relu":                  unary(ir.OpRelu),
		"Sigmoid":               unary(ir.OpSigmoid),
		"Tanh":                  unary(ir.OpTanh),
		"HardSwish":             unary(ir.OpHardSwish),
		"HardSigmoid":           importHardSigmoid,
		"Clip":                  importClip,
		"Softmax":               importSoftmax(ir.OpSoftmax),
		"LogSoftmax":            importSoftmax(ir.OpLogSoftmax),
		"Add":                   elementwise(ir.OpAdd),
		"Sub":                   elementwise(ir.OpSub),
		"Mul":                   elementwise(ir.OpMul),
		"Div":                   importDiv,
		"Concat":                importConcat,
		"Flatten":               importFlatten,
		"Reshape":               importReshape,
		"Transpose":             importTranspose,
		"Gather":                importGather,
		"ReduceSum":             importReduce(ir.OpSum, 13),
		"ReduceMean":            importReduce(ir.OpMean, 18),
		"Dropout":               importDropout,
		"Identity":              importIdentity,
		"Constant":              importConstant,
		"Shape":                 importShape,
		"Unsqueeze":             importUnsqueeze,
		"Squeeze":               importSqueeze,
		"Cast":                  importCast,
		"Slice":                 importSlice,
		"QuantizeLinear":        importQuantize,
		"DequantizeLinear":      importDequantize,
		"QLinearConv":           importQLinearConv,
		"QLinearMatMul":         importQLinearMatMul,
		"MatMulInteger":         importMatMulInteger,
		"ConvInteger":           importConvInteger,
		"DynamicQuantizeLinear": importDynamicQuantize,
		"com.microsoft.QGemm":   importQGemm,
	}
}

func importConv(nd *node) error {
	if err := nd.allow("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"); err != nil {
		return err
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	w, err := nd.needConst(1, "the weight")
	if err != nil {
		return err
	}
	var b *constant
	if nd.has(2) {
		if b, err = nd.needConst(2, "the bias"); err != nil {
			return err
		}
	}
	_, err = nd.conv(x, w, b)
	return err
}

// conv adds a convolution of x by the constant weight w and bias b (nil:
// none) with the node's attributes, as output 0.
func (nd *node) conv(x *ir.Value, w, b *constant) (*ir.Value, error) {
	spatial := len(w.shape) - 2
	op := map[int]*ir.Op{1: ir.OpConv1D, 2: ir.OpConv2D}[spatial]
	if op == nil {
		return nil, fmt.Errorf("weight %v: kiln has 1-D and 2-D convolutions, this one has %d spatial dimensions", w.shape, spatial)
	}
	if x.Type.Rank() != spatial+1 {
		return nil, fmt.Errorf("input %v does not fit a %d-D convolution (weight %v)", x.Type, spatial, w.shape)
	}
	kernel := w.shape[2:]
	if ks := nd.ints("kernel_shape"); ks != nil && !equalInts(ks, kernel) {
		return nil, fmt.Errorf("kernel_shape %v differs from the weight's %v", ks, kernel)
	}
	strides := orOnes(nd.ints("strides"), spatial)
	dilations := orOnes(nd.ints("dilations"), spatial)
	pads, err := nd.pads(x.Type.Dims[1:], kernel, strides, dilations)
	if err != nil {
		return nil, err
	}
	layer := nd.layer()
	weight := nd.param(layer, "weight", floatTensor(w))
	if err := nd.giveWeight(weight, w, false); err != nil {
		return nil, err
	}
	args := []*ir.Value{x, weight}
	if b != nil {
		args = append(args, nd.param(layer, "bias", floatTensor(b)))
	}
	attrs := ir.Attrs{"stride": strides, "pad": pads, "dilation": dilations, "groups": nd.int("group", 1)}
	return nd.add(nd.resultName(layer), op, args, attrs)
}

// pads returns a convolution's or pool's padding per spatial dimension:
// kiln pads both sides of a dimension equally, so ONNX's begin and end
// pads (or those auto_pad gives) must agree.
func (nd *node) pads(in, kernel, strides, dilations []int) ([]int, error) {
	n := len(kernel)
	begin, end := make([]int, n), make([]int, n)
	switch autoPad := nd.str("auto_pad", "NOTSET"); autoPad {
	case "NOTSET":
		if p := nd.ints("pads"); p != nil {
			if len(p) != 2*n {
				return nil, fmt.Errorf("pads %v: want %d values (begin and end of each spatial dimension)", p, 2*n)
			}
			copy(begin, p[:n])
			copy(end, p[n:])
		}
	case "VALID":
	case "SAME_UPPER", "SAME_LOWER":
		for d := range n {
			out := (in[d] + strides[d] - 1) / strides[d]
			total := max(0, (out-1)*strides[d]+(kernel[d]-1)*dilations[d]+1-in[d])
			begin[d] = total / 2
			if autoPad == "SAME_LOWER" {
				begin[d] = (total + 1) / 2
			}
			end[d] = total - begin[d]
		}
	default:
		return nil, fmt.Errorf("auto_pad %q is not NOTSET, VALID, SAME_UPPER or SAME_LOWER", autoPad)
	}
	if !equalInts(begin, end) {
		return nil, fmt.Errorf("padding %v at the start and %v at the end: kiln pads both sides of a dimension equally", begin, end)
	}
	return begin, nil
}

func importPool(op *ir.Op) rule {
	return func(nd *node) error {
		allowed := []string{"auto_pad", "ceil_mode", "kernel_shape", "pads", "strides", "dilations", "count_include_pad", "storage_order"}
		if err := nd.allow(allowed...); err != nil {
			return err
		}
		if err := nd.extraOutputsUnused(); err != nil {
			return err
		}
		x, err := nd.value(0)
		if err != nil {
			return err
		}
		kernel := nd.ints("kernel_shape")
		spatial := len(kernel)
		if spatial == 0 || x.Type.Rank() != spatial+1 {
			return fmt.Errorf("kernel_shape %v does not fit input %v", kernel, x.Type)
		}
		dilations := orOnes(nd.ints("dilations"), spatial)
		if !equalInts(dilations, orOnes(nil, spatial)) {
			return fmt.Errorf("dilations %v: kiln's pools have none", dilations)
		}
		strides := orOnes(nd.ints("strides"), spatial)
		pads, err := nd.pads(x.Type.Dims[1:], kernel, strides, dilations)
		if err != nil {
			return err
		}
		if nd.int("storage_order", 0) != 0 {
			return fmt.Errorf("storage_order 1 (column-major indices) is not supported")
		}
		if op == ir.OpAvgPool && nd.int("count_include_pad", 0) != 0 && !allZero(pads) {
			return fmt.Errorf("count_include_pad=1 with padding: kiln's average never counts the padding")
		}
		if nd.int("ceil_mode", 0) != 0 {
			for d := range spatial {
				if (x.Type.Dims[1+d]+2*pads[d]-kernel[d])%strides[d] != 0 {
					return fmt.Errorf("ceil_mode=1 adds a partial window here (input %v, kernel %v, stride %v); kiln's pools take whole windows", x.Type, kernel, strides)
				}
			}
		}
		layer := nd.layer()
		attrs := ir.Attrs{"size": kernel, "stride": strides, "pad": pads}
		_, err = nd.add(nd.resultName(layer), op, []*ir.Value{x}, attrs)
		return err
	}
}

// importGlobalAvgPool lowers GlobalAveragePool to kiln's global_avgpool
// ([C, ...] -> [C]) and a reshape back to ONNX's [C, 1, ...].
func importGlobalAvgPool(nd *node) error {
	if err := nd.allow(); err != nil {
		return err
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	if x.Type.Rank() < 2 {
		return fmt.Errorf("input %v has no spatial dimensions", x.Type)
	}
	layer := nd.layer()
	pooled, err := nd.step(layer+"_pool", ir.OpGlobalAvgPool, []*ir.Value{x}, nil)
	if err != nil {
		return err
	}
	shape := make([]int, x.Type.Rank())
	for k := range shape {
		shape[k] = 1
	}
	shape[0] = x.Type.Dims[0]
	_, err = nd.add(nd.resultName(layer), ir.OpReshape, []*ir.Value{pooled}, ir.Attrs{"shape": shape})
	return err
}

func importBatchNorm(nd *node) error {
	if err := nd.allow("epsilon", "momentum", "training_mode", "spatial", "is_test"); err != nil {
		return err
	}
	if nd.int("training_mode", 0) != 0 {
		return fmt.Errorf("training_mode=1: kiln imports inference graphs")
	}
	if nd.int("spatial", 1) != 1 {
		return fmt.Errorf("spatial=0 (statistics per position) is not supported")
	}
	if err := nd.extraOutputsUnused(); err != nil {
		return err
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	layer := nd.layer()
	args := []*ir.Value{x}
	for k, suffix := range []string{"weight", "bias", "running_mean", "running_var"} {
		c, err := nd.needConst(k+1, map[int]string{0: "the scale", 1: "the bias", 2: "the mean", 3: "the variance"}[k])
		if err != nil {
			return err
		}
		args = append(args, nd.param(layer, suffix, floatTensor(c)))
	}
	// ONNX's momentum weighs the running statistics, kiln's (PyTorch's)
	// the batch's.
	attrs := ir.Attrs{"eps": nd.float("epsilon", 1e-5), "momentum": decimal32(1 - nd.float("momentum", 0.9))}
	_, err = nd.add(nd.resultName(layer), ir.OpBatchNorm, args, attrs)
	return err
}

// importGemm lowers Gemm with a constant B to a dense layer: the weight
// is alpha * B (transposed unless transB), the bias beta * C.
func importGemm(nd *node) error {
	if err := nd.allow("alpha", "beta", "transA", "transB", "broadcast"); err != nil {
		return err
	}
	if nd.int("transA", 0) != 0 {
		return fmt.Errorf("transA=1 would transpose the batch into the features")
	}
	a, err := nd.value(0)
	if err != nil {
		return err
	}
	if a.Type.Rank() != 1 {
		return fmt.Errorf("input %v: Gemm takes a matrix [batch, features]", a.Type)
	}
	w, err := nd.needConst(1, "B")
	if err != nil {
		return err
	}
	if len(w.shape) != 2 {
		return fmt.Errorf("operand B has shape %v, not a matrix", w.shape)
	}
	transB := nd.int("transB", 0) != 0
	units := w.shape[1]
	if transB {
		units = w.shape[0]
	}
	if alpha := float32(nd.float("alpha", 1)); alpha != 1 {
		w = scaled(w, alpha)
	}
	var bias *constant
	if nd.has(2) {
		c, err := nd.needConst(2, "C")
		if err != nil {
			return err
		}
		row, err := broadcastBias(c, units)
		if err != nil {
			return fmt.Errorf("operand C: %v", err)
		}
		bias = scaled(&constant{shape: []int{units}, float: true, f: row}, float32(nd.float("beta", 1)))
	}
	_, err = nd.dense(a, w, transB, bias)
	return err
}

// scaled returns c times k (a float copy), its grid scaled with it.
func scaled(c *constant, k float32) *constant {
	out := &constant{shape: c.shape, float: true, f: append([]float32(nil), c.floats()...)}
	for i := range out.f {
		out.f[i] *= k
	}
	if c.quant != nil {
		q := *c.quant
		q.Scale = append([]float32(nil), q.Scale...)
		for i := range q.Scale {
			q.Scale[i] *= k
		}
		out.quant = &q
	}
	return out
}

// broadcastBias returns a constant that broadcasts over one row of n
// values (a scalar, [n], [1, n]) as n values.
func broadcastBias(c *constant, n int) ([]float32, error) {
	shape := c.shape
	for len(shape) > 1 && shape[0] == 1 {
		shape = shape[1:]
	}
	f := c.floats()
	switch {
	case len(f) == n && (len(shape) == 1 || n == 1):
		return append([]float32(nil), f...), nil
	case len(f) == 1:
		out := make([]float32, n)
		for k := range out {
			out[k] = f[0]
		}
		return out, nil
	}
	return nil, fmt.Errorf("shape %v does not broadcast over a row of %d", c.shape, n)
}

// dense adds a dense layer of x by the constant matrix w, [out, in] when
// transposed is true and [in, out] otherwise (MatMul's and Gemm's
// default), with bias b (nil: none), as output 0.
func (nd *node) dense(x *ir.Value, w *constant, transposed bool, b *constant) (*ir.Value, error) {
	if len(w.shape) != 2 {
		return nil, fmt.Errorf("the weight has shape %v, not a matrix", w.shape)
	}
	data, units, in := append([]float32(nil), w.floats()...), w.shape[0], w.shape[1]
	if !transposed {
		data, units, in = transpose2(w.floats(), w.shape[0], w.shape[1]), w.shape[1], w.shape[0]
	}
	layer := nd.layer()
	weight := nd.param(layer, "weight", tensor.FromF32(data, units, in))
	if err := nd.giveWeight(weight, w, !transposed); err != nil {
		return nil, err
	}
	args := []*ir.Value{x, weight}
	if b != nil {
		if b.len() != units {
			return nil, fmt.Errorf("the bias has %d values for %d outputs", b.len(), units)
		}
		args = append(args, nd.param(layer, "bias", floatTensor(b)))
	}
	return nd.add(nd.resultName(layer), ir.OpDense, args, nil)
}

// importMatMul lowers MatMul by a constant matrix to a dense layer without
// a bias; an Add of a constant row right after it becomes the bias.
func importMatMul(nd *node) error {
	if err := nd.allow(); err != nil {
		return err
	}
	a, err := nd.value(0)
	if err != nil {
		return err
	}
	b, err := nd.needConst(1, "the second operand")
	if err != nil {
		return err
	}
	if len(b.shape) != 2 {
		return fmt.Errorf("the second operand has shape %v; kiln imports MatMul by a constant matrix", b.shape)
	}
	if a.Type.Rank() < 1 {
		return fmt.Errorf("input %v is a scalar per sample", a.Type)
	}
	v, err := nd.dense(a, b, false, nil)
	if err != nil {
		return err
	}
	if nd.im.uses[nd.n.GetOutput()[0]] == 1 && !nd.im.isOutput[nd.n.GetOutput()[0]] {
		nd.im.bias[v] = true
	}
	return nil
}

func unary(op *ir.Op) rule {
	return func(nd *node) error {
		if err := nd.allow(); err != nil {
			return err
		}
		x, err := nd.value(0)
		if err != nil {
			return err
		}
		_, err = nd.add(nd.resultName(nd.layer()), op, []*ir.Value{x}, nil)
		return err
	}
}

// importHardSigmoid: ONNX's max(0, min(1, alpha*x + beta)) is kiln's
// hard_sigmoid, relu6(y + 3) / 6, of y = 6*alpha*x + 6*beta - 3: with
// PyTorch's alpha 1/6 and beta 1/2, y is x; otherwise (ONNX's default
// alpha 0.2, Paddle's) a scale and a shift come first.
func importHardSigmoid(nd *node) error {
	if err := nd.allow("alpha", "beta"); err != nil {
		return err
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	alpha, beta := nd.float("alpha", 0.2), nd.float("beta", 0.5)
	layer := nd.layer()
	if scale := 6 * alpha; !near(scale, 1) {
		c := &constant{shape: []int{}, float: true, f: []float32{float32(scale)}}
		k, err := nd.constOperand(c, x, layer+"_scale")
		if err != nil {
			return err
		}
		if x, err = nd.step(layer+"_scaled", ir.OpMul, []*ir.Value{x, k}, nil); err != nil {
			return err
		}
	}
	if shift := 6*beta - 3; !near(shift, 0) {
		c := &constant{shape: []int{}, float: true, f: []float32{float32(shift)}}
		k, err := nd.constOperand(c, x, layer+"_shift")
		if err != nil {
			return err
		}
		if x, err = nd.step(layer+"_shifted", ir.OpAdd, []*ir.Value{x, k}, nil); err != nil {
			return err
		}
	}
	_, err = nd.add(nd.resultName(layer), ir.OpHardSigmoid, []*ir.Value{x}, nil)
	return err
}

// importClip takes the clips that are kiln activations: [0, inf) is relu,
// [0, 6] relu6.
func importClip(nd *node) error {
	attrs := []string{"min", "max"}
	if nd.opset() >= 11 {
		attrs = nil // operands from opset 11
	}
	if err := nd.allow(attrs...); err != nil {
		return err
	}
	lo, hi := nd.float("min", math.Inf(-1)), nd.float("max", math.Inf(1))
	if nd.opset() >= 11 {
		for k, bound := range []*float64{&lo, &hi} {
			if !nd.has(k + 1) {
				continue
			}
			c, err := nd.needConst(k+1, []string{"min", "max"}[k])
			if err != nil {
				return err
			}
			s, ok := c.scalar()
			if !ok {
				return fmt.Errorf("%s has shape %v, not a scalar", []string{"min", "max"}[k], c.shape)
			}
			*bound = s
		}
	}
	var op *ir.Op
	switch {
	case lo == 0 && math.IsInf(hi, 1):
		op = ir.OpRelu
	case lo == 0 && hi == 6:
		op = ir.OpRelu6
	default:
		return fmt.Errorf("clip to [%g, %g]: kiln has relu ([0, inf)) and relu6 ([0, 6])", lo, hi)
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	_, err = nd.add(nd.resultName(nd.layer()), op, []*ir.Value{x}, nil)
	return err
}

// importSoftmax takes Softmax and LogSoftmax: before opset 13 they
// normalise over every dimension from axis on (the input flattened to 2-D
// there), from 13 over one axis.
func importSoftmax(op *ir.Op) rule {
	return func(nd *node) error {
		if err := nd.allow("axis"); err != nil {
			return err
		}
		x, err := nd.value(0)
		if err != nil {
			return err
		}
		def := -1
		if nd.opset() < 13 {
			def = 1
		}
		axis, err := perSampleAxis(nd.int("axis", def), x.Type.Rank())
		if err != nil {
			return err
		}
		layer := nd.layer()
		name := nd.resultName(layer)
		if nd.opset() >= 13 || axis == x.Type.Rank()-1 {
			_, err = nd.add(name, op, []*ir.Value{x}, ir.Attrs{"axis": axis})
			return err
		}
		dims := x.Type.Dims
		rows := prodInts(dims[:axis])
		flat, err := nd.step(layer+"_rows", ir.OpReshape, []*ir.Value{x}, ir.Attrs{"shape": []int{rows, prodInts(dims[axis:])}})
		if err != nil {
			return err
		}
		sm, err := nd.step(layer+"_"+op.Name, op, []*ir.Value{flat}, ir.Attrs{"axis": -1})
		if err != nil {
			return err
		}
		_, err = nd.add(name, ir.OpReshape, []*ir.Value{sm}, ir.Attrs{"shape": append([]int(nil), dims...)})
		return err
	}
}

// elementwise lowers Add, Sub and Mul; a constant operand becomes a constant
// value, and an Add of a constant row right after a MatMul becomes that
// dense layer's bias.
func elementwise(op *ir.Op) rule {
	return func(nd *node) error {
		if err := nd.allow("broadcast", "axis"); err != nil {
			return err
		}
		x, y := nd.im.vals[nd.inputName(0)], nd.im.vals[nd.inputName(1)]
		cx, cy := nd.konst(0), nd.konst(1)
		for k, pair := range [][2]bool{{x == nil, cx == nil}, {y == nil, cy == nil}} {
			if pair[0] && pair[1] { // neither a value nor a constant
				_, err := nd.value(k)
				return err
			}
		}
		if nd.int("broadcast", 0) != 0 && x != nil && cy != nil {
			var err error
			if cy, err = legacyBroadcast(cy, x, nd.attr("axis") != nil, nd.int("axis", 0)); err != nil {
				return err
			}
		}
		if x == nil && y == nil {
			return fmt.Errorf("both operands are constants; kiln does not fold %s", nd.n.GetOpType())
		}
		if op == ir.OpAdd && x == nil { // c + y: put the value first
			x, y, cx, cy = y, x, cy, cx
		}
		if op == ir.OpAdd && y == nil && nd.im.bias[x] && len(x.Args) == 2 {
			units := x.Args[1].Type.Dims[0]
			bias, err := broadcastBias(cy, units)
			fits := len(cy.shape) > 0 && cy.shape[len(cy.shape)-1] == units // a row on the last axis
			if x.Op == ir.OpConv1D || x.Op == ir.OpConv2D {
				// [C, 1, ...] on the channel axis
				bias, err, fits = cy.floats(), nil, channelColumn(cy, units, x.Type.Rank()-1)
			}
			if err == nil && fits {
				delete(nd.im.bias, x)
				x.Args = append(x.Args, nd.paramBefore(x, strings.TrimSuffix(x.Args[1].Name, ".weight"), "bias", tensor.FromF32(bias, units)))
				x.Name = nd.resultName(x.Name) // a graph output keeps its name
				nd.set(0, x)
				return nil
			}
		}
		layer := nd.layer()
		var err error
		if x == nil {
			if x, err = nd.constOperand(cx, y, layer+"_c"); err != nil {
				return err
			}
		}
		if y == nil {
			if y, err = nd.constOperand(cy, x, layer+"_c"); err != nil {
				return err
			}
		}
		_, err = nd.add(nd.resultName(layer), op, []*ir.Value{x, y}, nil)
		return err
	}
}

// channelColumn reports whether c holds one value per channel of a
// convolution's [C, spatial...] result as broadcasting reads it: C on
// the channel axis, ones after it.
func channelColumn(c *constant, channels, spatial int) bool {
	axis := len(c.shape) - 1 - spatial
	return axis >= 0 && c.shape[axis] == channels && c.len() == channels
}

// legacyBroadcast gives the second operand of an opset < 7 Add, Sub or Mul
// with broadcast=1 the shape that NumPy broadcasting reads the same way:
// its dimensions line up with x's from axis (from the end when no axis is
// given), so trailing ones are added.
func legacyBroadcast(c *constant, x *ir.Value, hasAxis bool, axis int) (*constant, error) {
	full := x.Type.Rank() + 1
	if !hasAxis {
		return c, nil
	}
	if axis < 0 {
		axis += full
	}
	trailing := full - axis - len(c.shape)
	if axis < 0 || trailing < 0 {
		return nil, fmt.Errorf("broadcast of %v at axis %d does not fit rank %d", c.shape, axis, full)
	}
	out := *c
	out.shape = append(append([]int(nil), c.shape...), orOnes(nil, trailing)...)
	return &out, nil
}

// importDiv takes division by a constant, as a product by its reciprocal.
func importDiv(nd *node) error {
	if err := nd.allow(); err != nil {
		return err
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	c := nd.konst(1)
	if c == nil {
		return fmt.Errorf("the divisor %q is computed; kiln divides only by constants", nd.inputName(1))
	}
	inv := &constant{shape: c.shape, float: true, f: make([]float32, c.len())}
	for k, v := range c.floats() {
		inv.f[k] = 1 / v
	}
	layer := nd.layer()
	y, err := nd.constOperand(inv, x, layer+"_c")
	if err != nil {
		return err
	}
	_, err = nd.add(nd.resultName(layer), ir.OpMul, []*ir.Value{x, y}, nil)
	return err
}

func importConcat(nd *node) error {
	if err := nd.allow("axis"); err != nil {
		return err
	}
	if a := nd.attr("axis"); a == nil {
		return fmt.Errorf("the axis attribute is required")
	}
	axis := nd.int("axis", 0)
	var consts []*constant
	var vals []*ir.Value
	for k := range nd.n.GetInput() {
		if c := nd.konst(k); c != nil {
			consts = append(consts, c)
		} else if v, err := nd.value(k); err == nil {
			vals = append(vals, v)
		} else {
			return err
		}
	}
	if len(vals) == 0 {
		c, err := concatConsts(consts, axis)
		if err != nil {
			return err
		}
		nd.setConst(0, c)
		return nil
	}
	if len(consts) > 0 {
		return fmt.Errorf("joins constants with computed values; kiln concatenates values computed from the inputs")
	}
	a, err := perSampleAxis(axis, vals[0].Type.Rank())
	if err != nil {
		return err
	}
	_, err = nd.add(nd.resultName(nd.layer()), ir.OpConcat, vals, ir.Attrs{"axis": a})
	return err
}

// concatConsts folds a concatenation of 1-D constants (shape arithmetic).
func concatConsts(cs []*constant, axis int) (*constant, error) {
	out := &constant{float: cs[0].float}
	for _, c := range cs {
		if len(c.shape) != 1 || (axis != 0 && axis != -1) || c.float != out.float {
			return nil, fmt.Errorf("kiln folds the concatenation of 1-D constants of one type only")
		}
		out.f = append(out.f, c.f...)
		out.i = append(out.i, c.i...)
	}
	out.shape = []int{out.len()}
	return out, nil
}

// importFlatten: axis 1 is kiln's flatten. Any other axis makes the
// batch part of a row (axis 2 flattens [N, C, L] to [N*C, L]) or the
// whole batch one row (axis 0): kiln's batches stay batches.
func importFlatten(nd *node) error {
	if err := nd.allow("axis"); err != nil {
		return err
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	full := x.Type.Rank() + 1
	axis := nd.int("axis", 1)
	if axis < 0 {
		axis += full
	}
	if axis != 1 {
		return fmt.Errorf("axis %d of rank %d mixes the batch into the rows; kiln flattens at axis 1", nd.int("axis", 1), full)
	}
	_, err = nd.add(nd.resultName(nd.layer()), ir.OpFlatten, []*ir.Value{x}, nil)
	return err
}

// batchDim marks, in folded shape tensors, the batch dimension of a Shape
// node's operand: known only at run time, and the first dimension of a
// Reshape's target when it comes from there.
const batchDim = -1 << 62

// importReshape takes a constant target shape whose first dimension is
// the batch (0, -1, 1 or the batch read by a Shape node).
func importReshape(nd *node) error {
	if err := nd.allow("allowzero"); err != nil {
		return err
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	c, err := nd.needConst(1, "the shape")
	if err != nil {
		return err
	}
	if len(c.shape) != 1 || c.float {
		return fmt.Errorf("the shape must be a 1-D integer tensor, got %v", c.shape)
	}
	shape := c.i
	if len(shape) == 0 {
		return fmt.Errorf("reshape to a scalar would drop the batch")
	}
	full := append([]int{batchDim}, x.Type.Dims...)
	per := make([]int, len(shape)-1)
	for k, s := range shape[1:] {
		switch {
		case s == 0 && nd.int("allowzero", 0) == 0:
			if k+1 >= len(full) {
				return fmt.Errorf("shape %v copies dimension %d, which the input %v lacks", shape, k+1, x.Type)
			}
			per[k] = full[k+1]
		case s == batchDim:
			return fmt.Errorf("shape %v moves the batch away from the first dimension", shapeString(shape))
		case s < -1 || s == 0:
			return fmt.Errorf("shape %v has a dimension kiln cannot take (%d)", shapeString(shape), s)
		default:
			per[k] = int(s)
		}
	}
	switch b := shape[0]; {
	case b == batchDim || b == 0:
	case b == -1 || b == 1:
		// -1 or a batch of 1 fixed by the exporter: the per-sample shape
		// must hold a whole sample.
		known, free := 1, false
		for _, d := range per {
			if d == -1 {
				free = true
			} else {
				known *= d
			}
		}
		if free || known != x.Type.Elems() {
			return fmt.Errorf("shape %v would change the batch size (a sample of %v has %d values)", shapeString(shape), x.Type, x.Type.Elems())
		}
	default:
		return fmt.Errorf("shape %v fixes the batch at %d; kiln's models take any batch (export with a dynamic batch or -1)", shapeString(shape), b)
	}
	_, err = nd.add(nd.resultName(nd.layer()), ir.OpReshape, []*ir.Value{x}, ir.Attrs{"shape": per})
	return err
}

func shapeString(s []int64) string {
	out := "["
	for k, d := range s {
		if k > 0 {
			out += ","
		}
		if d == batchDim {
			out += "batch"
		} else {
			out += fmt.Sprint(d)
		}
	}
	return out + "]"
}

// importTranspose folds transposes of constants; on values it takes the
// permutations that keep the batch first.
func importTranspose(nd *node) error {
	if err := nd.allow("perm"); err != nil {
		return err
	}
	if c := nd.konst(0); c != nil {
		perm := nd.ints("perm")
		if perm == nil {
			perm = reversed(len(c.shape))
		}
		out, err := transposeConst(c, perm)
		if err != nil {
			return err
		}
		nd.setConst(0, out)
		return nil
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	perm := nd.ints("perm")
	if perm == nil {
		perm = reversed(x.Type.Rank() + 1)
	}
	if len(perm) != x.Type.Rank()+1 || perm[0] != 0 {
		return fmt.Errorf("perm %v moves the batch dimension; kiln transposes within a sample", perm)
	}
	per := make([]int, len(perm)-1)
	identity := true
	for k, p := range perm[1:] {
		per[k] = p - 1
		identity = identity && per[k] == k
	}
	if identity {
		nd.set(0, x)
		return nil
	}
	_, err = nd.add(nd.resultName(nd.layer()), ir.OpTranspose, []*ir.Value{x}, ir.Attrs{"perm": per})
	return err
}

func reversed(n int) []int {
	p := make([]int, n)
	for k := range p {
		p[k] = n - 1 - k
	}
	return p
}

// transposeConst permutes a constant's axes.
func transposeConst(c *constant, perm []int) (*constant, error) {
	r := len(c.shape)
	if len(perm) != r {
		return nil, fmt.Errorf("perm %v does not fit shape %v", perm, c.shape)
	}
	seen := make([]bool, r)
	shape := make([]int, r)
	for k, p := range perm {
		if p < 0 || p >= r || seen[p] {
			return nil, fmt.Errorf("perm %v is not a permutation", perm)
		}
		seen[p] = true
		shape[k] = c.shape[p]
	}
	in := tensor.Strides(c.shape)
	out := &constant{shape: shape, float: c.float}
	n := c.len()
	out.alloc(n)
	idx := make([]int, r)
	for k := 0; k < n; k++ {
		src := 0
		for d, i := range idx {
			src += i * in[perm[d]]
		}
		if c.float {
			out.f[k] = c.f[src]
		} else {
			out.i[k] = c.i[src]
		}
		for d := r - 1; d >= 0; d-- {
			if idx[d]++; idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out, nil
}

// importGather: a constant table indexed by computed ids is an embedding;
// constants indexed by constants are folded (shape arithmetic).
func importGather(nd *node) error {
	if err := nd.allow("axis"); err != nil {
		return err
	}
	axis := nd.int("axis", 0)
	data, idx := nd.konst(0), nd.konst(1)
	if data != nil && idx != nil {
		out, err := gatherConst(data, idx, axis)
		if err != nil {
			return err
		}
		nd.setConst(0, out)
		return nil
	}
	if data == nil {
		return fmt.Errorf("gathers from a computed value; kiln's Gather is a lookup in a constant table (an embedding)")
	}
	ids, err := nd.value(1)
	if err != nil {
		return err
	}
	if axis != 0 || len(data.shape) != 2 || !data.float {
		return fmt.Errorf("table %v along axis %d: kiln's embedding looks up rows of a 2-D float table", data.shape, axis)
	}
	if ids.Type.DType != tensor.I32 {
		return fmt.Errorf("indices %v are not integers", ids.Type)
	}
	layer := nd.layer()
	table := nd.param(layer, "weight", floatTensor(data))
	if err := nd.giveWeight(table, data, false); err != nil {
		return err
	}
	_, err = nd.add(nd.resultName(layer), ir.OpEmbedding, []*ir.Value{ids, table}, nil)
	return err
}

// gatherConst folds Gather on constants along axis 0 of a 1-D tensor (the
// shape arithmetic exporters write).
func gatherConst(data, idx *constant, axis int) (*constant, error) {
	if len(data.shape) != 1 || (axis != 0 && axis != -1) || idx.float {
		return nil, fmt.Errorf("kiln folds Gather from 1-D constants only")
	}
	out := &constant{shape: append([]int(nil), idx.shape...), float: data.float}
	out.alloc(idx.len())
	n := int64(data.shape[0])
	for k, i := range idx.i {
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return nil, fmt.Errorf("index %d is out of range for %d values", idx.i[k], n)
		}
		if data.float {
			out.f[k] = data.f[i]
		} else {
			out.i[k] = data.i[i]
		}
	}
	return out, nil
}

// importReduce lowers ReduceSum and ReduceMean; axesInput is the opset
// from which the axes are an operand rather than an attribute.
func importReduce(op *ir.Op, axesInput int) rule {
	return func(nd *node) error {
		if err := nd.allow("axes", "keepdims", "noop_with_empty_axes"); err != nil {
			return err
		}
		x, err := nd.value(0)
		if err != nil {
			return err
		}
		axes := nd.ints("axes")
		if nd.opset() >= axesInput && nd.has(1) {
			c, err := nd.needConst(1, "axes")
			if err != nil {
				return err
			}
			if axes, err = c.ints(); err != nil {
				return fmt.Errorf("axes: %v", err)
			}
		}
		if len(axes) == 0 {
			if nd.int("noop_with_empty_axes", 0) != 0 {
				nd.set(0, x)
				return nil
			}
			return fmt.Errorf("no axes: it reduces over the batch too")
		}
		per := make([]int, len(axes))
		for k, a := range axes {
			if per[k], err = perSampleAxis(a, x.Type.Rank()); err != nil {
				return err
			}
		}
		attrs := ir.Attrs{"axis": per, "keepdims": nd.int("keepdims", 1) != 0}
		_, err = nd.add(nd.resultName(nd.layer()), op, []*ir.Value{x}, attrs)
		return err
	}
}

// importDropout: the identity at inference.
func importDropout(nd *node) error {
	if err := nd.allow("ratio", "seed", "is_test"); err != nil {
		return err
	}
	if err := nd.extraOutputsUnused(); err != nil {
		return err
	}
	if nd.has(2) {
		c, err := nd.needConst(2, "training_mode")
		if err != nil {
			return err
		}
		if s, _ := c.scalar(); s != 0 {
			return fmt.Errorf("training_mode is true: kiln imports inference graphs")
		}
	}
	return importIdentity(nd)
}

func importIdentity(nd *node) error {
	if c := nd.konst(0); c != nil {
		nd.setConst(0, c)
		return nil
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	nd.set(0, x)
	return nil
}

func importConstant(nd *node) error {
	if len(nd.n.GetAttribute()) != 1 {
		return fmt.Errorf("a Constant has exactly one value attribute, this one has %d", len(nd.n.GetAttribute()))
	}
	a := nd.n.GetAttribute()[0]
	var c *constant
	switch a.GetName() {
	case "value":
		var err error
		if c, err = decodeTensor(a.GetT()); err != nil {
			return fmt.Errorf("value: %v", err)
		}
	case "value_float":
		c = &constant{shape: []int{}, float: true, f: []float32{a.GetF()}}
	case "value_floats":
		c = &constant{shape: []int{len(a.GetFloats())}, float: true, f: append([]float32(nil), a.GetFloats()...)}
	case "value_int":
		c = &constant{shape: []int{}, i: []int64{a.GetI()}}
	case "value_ints":
		c = &constant{shape: []int{len(a.GetInts())}, i: append([]int64(nil), a.GetInts()...)}
	default:
		return fmt.Errorf("attribute %s: kiln reads numeric constants", a.GetName())
	}
	nd.setConst(0, c)
	return nil
}

// importShape folds Shape: the per-sample dimensions are known, the batch
// is marked (batchDim).
func importShape(nd *node) error {
	if err := nd.allow("start", "end"); err != nil {
		return err
	}
	var dims []int64
	if c := nd.konst(0); c != nil {
		for _, d := range c.shape {
			dims = append(dims, int64(d))
		}
	} else {
		x, err := nd.value(0)
		if err != nil {
			return err
		}
		dims = append(dims, batchDim)
		for _, d := range x.Type.Dims {
			dims = append(dims, int64(d))
		}
	}
	r := len(dims)
	start, end := nd.int("start", 0), nd.int("end", r)
	if start < 0 {
		start += r
	}
	if end < 0 {
		end += r
	}
	start, end = min(max(start, 0), r), min(max(end, 0), r)
	if end < start {
		end = start
	}
	out := append([]int64(nil), dims[start:end]...)
	nd.setConst(0, &constant{shape: []int{len(out)}, i: out})
	return nil
}

// squeezeAxes returns the axes operand or attribute of Unsqueeze and
// Squeeze (an operand from opset 13).
func (nd *node) squeezeAxes() ([]int, error) {
	if nd.opset() >= 13 {
		if !nd.has(1) {
			return nil, nil
		}
		c, err := nd.needConst(1, "axes")
		if err != nil {
			return nil, err
		}
		return c.ints()
	}
	return nd.ints("axes"), nil
}

func importUnsqueeze(nd *node) error {
	if err := nd.allow("axes"); err != nil {
		return err
	}
	axes, err := nd.squeezeAxes()
	if err != nil {
		return err
	}
	if len(axes) == 0 {
		return fmt.Errorf("no axes given")
	}
	var in []int
	c := nd.konst(0)
	var x *ir.Value
	if c != nil {
		in = c.shape
	} else {
		if x, err = nd.value(0); err != nil {
			return err
		}
		in = append([]int{batchDim}, x.Type.Dims...)
	}
	r := len(in) + len(axes)
	ones := make([]bool, r)
	for _, a := range axes {
		if a < 0 {
			a += r
		}
		if a < 0 || a >= r || ones[a] {
			return fmt.Errorf("axes %v do not fit rank %d", axes, r)
		}
		ones[a] = true
	}
	out := make([]int, 0, r)
	k := 0
	for d := range r {
		if ones[d] {
			out = append(out, 1)
		} else {
			out = append(out, in[k])
			k++
		}
	}
	return nd.reshapeTo(c, x, out)
}

func importSqueeze(nd *node) error {
	if err := nd.allow("axes"); err != nil {
		return err
	}
	axes, err := nd.squeezeAxes()
	if err != nil {
		return err
	}
	var in []int
	c := nd.konst(0)
	var x *ir.Value
	if c != nil {
		in = c.shape
	} else {
		if x, err = nd.value(0); err != nil {
			return err
		}
		in = append([]int{batchDim}, x.Type.Dims...)
	}
	drop := make([]bool, len(in))
	if len(axes) == 0 {
		if x != nil {
			return fmt.Errorf("no axes given: whether the batch is squeezed would depend on its size")
		}
		for d, n := range in {
			drop[d] = n == 1
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += len(in)
		}
		if a < 0 || a >= len(in) || in[a] != 1 {
			return fmt.Errorf("axes %v: dimension %d of %v is not 1", axes, a, in)
		}
		drop[a] = true
	}
	var out []int
	for d, n := range in {
		if !drop[d] {
			out = append(out, n)
		}
	}
	return nd.reshapeTo(c, x, out)
}

// reshapeTo gives output 0 a new shape: a constant's is changed in place
// (a copy), a value's by a reshape whose first dimension must stay the
// batch.
func (nd *node) reshapeTo(c *constant, x *ir.Value, shape []int) error {
	if c != nil {
		out := *c
		out.shape = shape
		nd.setConst(0, &out)
		return nil
	}
	if len(shape) == 0 || shape[0] != batchDim {
		return fmt.Errorf("the batch would not stay the first dimension")
	}
	_, err := nd.add(nd.resultName(nd.layer()), ir.OpReshape, []*ir.Value{x}, ir.Attrs{"shape": append([]int(nil), shape[1:]...)})
	return err
}

// importCast folds casts of constants; on values, a cast to the type they
// already have is the identity.
func importCast(nd *node) error {
	if err := nd.allow("to", "saturate"); err != nil {
		return err
	}
	to := nd.int("to", 0)
	isFloat := to == 1 || to == 10 || to == 11 // float, float16, double
	isInt := to >= 2 && to <= 7 || to == 12 || to == 13
	if c := nd.konst(0); c != nil {
		out := &constant{shape: c.shape, float: isFloat}
		switch {
		case isFloat:
			out.f = append([]float32(nil), c.floats()...)
		case isInt && !c.float:
			out.i = append([]int64(nil), c.i...)
		case isInt:
			out.i = make([]int64, len(c.f))
			for k, v := range c.f {
				out.i[k] = int64(v)
			}
		default:
			return fmt.Errorf("cast to element type %d", to)
		}
		nd.setConst(0, out)
		return nil
	}
	x, err := nd.value(0)
	if err != nil {
		return err
	}
	if (x.Type.DType == tensor.F32 && to == 1) || (x.Type.DType == tensor.I32 && (to == 6 || to == 7)) {
		nd.set(0, x)
		return nil
	}
	return fmt.Errorf("cast of %v to element type %d: kiln casts only constants", x.Type, to)
}

func orOnes(v []int, n int) []int {
	if v != nil {
		return v
	}
	out := make([]int, n)
	for k := range out {
		out[k] = 1
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func allZero(v []int) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

func prodInts(v []int) int {
	p := 1
	for _, x := range v {
		p *= x
	}
	return p
}

// importSlice folds slices of 1-D constants (the shape arithmetic of
// exporters: the batch of a Shape, say); slices of computed values are
// not imported.
func importSlice(nd *node) error {
	attrs := []string{"starts", "ends", "axes"}
	if nd.opset() >= 10 {
		attrs = nil // operands from opset 10
	}
	if err := nd.allow(attrs...); err != nil {
		return err
	}
	c := nd.konst(0)
	if c == nil {
		return fmt.Errorf("slices a computed value; kiln folds slices of constants only")
	}
	if len(c.shape) != 1 {
		return fmt.Errorf("slices a constant of shape %v; kiln folds slices of 1-D constants", c.shape)
	}
	starts, ends, axes, steps := nd.ints("starts"), nd.ints("ends"), nd.ints("axes"), []int(nil)
	if nd.opset() >= 10 {
		lists := make([][]int, 4)
		for k := 1; k <= 4; k++ {
			if !nd.has(k) {
				continue
			}
			arg, err := nd.needConst(k, []string{"starts", "ends", "axes", "steps"}[k-1])
			if err != nil {
				return err
			}
			if lists[k-1], err = arg.ints(); err != nil {
				return err
			}
		}
		starts, ends, axes, steps = lists[0], lists[1], lists[2], lists[3]
	}
	if len(starts) != 1 || len(ends) != 1 || (axes != nil && (len(axes) != 1 || (axes[0] != 0 && axes[0] != -1))) {
		return fmt.Errorf("starts %v, ends %v, axes %v: a 1-D constant has one axis", starts, ends, axes)
	}
	step := 1
	if steps != nil {
		if len(steps) != 1 || steps[0] != 1 {
			return fmt.Errorf("steps %v: kiln folds slices with step 1", steps)
		}
	}
	n := c.len()
	clampIndex := func(i int) int {
		if i < 0 {
			i += n
		}
		return min(max(i, 0), n)
	}
	lo, hi := clampIndex(starts[0]), clampIndex(ends[0])
	if hi < lo {
		hi = lo
	}
	out := &constant{shape: []int{(hi - lo) / step}, float: c.float}
	if c.float {
		out.f = append([]float32(nil), c.f[lo:hi]...)
	} else {
		out.i = append([]int64(nil), c.i[lo:hi]...)
	}
	nd.setConst(0, out)
	return nil
}
