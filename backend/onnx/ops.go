package onnx

import (
	"slices"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// rule writes one int8 op as ONNX nodes producing out.
type rule func(e *emitter, v *ir.Value, out string) error

// rules is the export table: one entry per int8 op kiln writes as ONNX.
var rules map[string]rule

func init() {
	rules = map[string]rule{
		"quantize":        emitQuantize,
		"dequantize":      emitDequantize,
		"qrequantize":     floatOp("", nil),
		"qdense":          emitDense,
		"qconv1d":         emitConv,
		"qconv2d":         emitConv,
		"qmaxpool":        emitPool("MaxPool"),
		"qavgpool":        emitPool("AveragePool"),
		"qglobal_avgpool": emitGlobalAvgPool,
		"flatten":         emitFlatten,
		"reshape":         emitReshape,
		"qtranspose":      emitTranspose,
		"qadd":            emitBinary("Add"),
		"qsub":            emitBinary("Sub"),
		"qmul":            emitBinary("Mul"),
		"qconcat":         emitConcat,
		"qsoftmax":        emitSoftmax,
		"qlogistic":       floatOp("Sigmoid", nil),
		"qtanh":           floatOp("Tanh", nil),
		"qhard_swish":     floatOp("HardSwish", nil),
		"qhard_sigmoid":   floatOp("HardSigmoid", []*onnxpb.AttributeProto{floatAttr("alpha", 1.0/6), floatAttr("beta", 0.5)}),
		"qmean":           emitReduce("ReduceMean"),
		"qbatchnorm":      emitBatchNorm,
		"qembedding":      emitEmbedding,
		"qembedding_bag":  emitEmbeddingBag,
		"qfm":             emitInteraction(true),
		"qbi_interaction": emitInteraction(false),
		"qsum":            emitReduce("ReduceSum"),
	}
}

func emitQuantize(e *emitter, v *ir.Value, out string) error {
	if e.rawInput(v.Args[0]) {
		e.graph.Input = append(e.graph.Input, valueInfo(out, e.activationType(), v.Type.Dims))
		return nil
	}
	e.q(v, e.names[v.Args[0]])
	return nil
}

func emitDequantize(e *emitter, v *ir.Value, out string) error {
	x := v.Args[0]
	if e.outputs[v] && e.rawOutput(v) {
		return nil // the quantized tensor is the output
	}
	in, err := e.operand(x)
	if err != nil {
		return err
	}
	s, z, _ := e.quant(x.Quant, !x.IsSource())
	e.node("DequantizeLinear", []string{in, s, z}, out)
	return nil
}

// floatOp writes DequantizeLinear, op (none: a requantization), and
// QuantizeLinear.
func floatOp(op string, attrs []*onnxpb.AttributeProto) rule {
	return func(e *emitter, v *ir.Value, out string) error {
		x, err := e.dq(v, v.Args[0])
		if err != nil {
			return err
		}
		if op != "" {
			y := e.temp(v, op)
			e.node(op, []string{x}, y, attrs...)
			x = y
		}
		e.q(v, x)
		return nil
	}
}

// bias dequantizes an int32 bias: its scale is the input's times each
// channel's weight scale, its zero point 0.
func (e *emitter) bias(v, x, w, b *ir.Value) string {
	scales := make([]float32, len(w.Quant.Scale))
	for c, sw := range w.Quant.Scale {
		scales[c] = float32(float64(x.Quant.Scale[0]) * float64(sw))
	}
	var dims []int
	var attrs []*onnxpb.AttributeProto
	if len(scales) > 1 {
		dims = []int{len(scales)}
		attrs = append(attrs, intAttr("axis", 0))
	}
	out := e.temp(v, "bias")
	e.node("DequantizeLinear", []string{e.int32s(b.Data.I32, b.Type.Dims), e.floats(scales, dims)}, out, attrs...)
	return out
}

// emitDense: a vector input is Gemm's (transB); a higher-rank one is
// MatMul by the transposed weight, then the bias added.
func emitDense(e *emitter, v *ir.Value, out string) error {
	xv, wv := v.Args[0], v.Args[1]
	x, err := e.dq(v, xv)
	if err != nil {
		return err
	}
	w, err := e.dq(v, wv)
	if err != nil {
		return err
	}
	y := e.temp(v, "dense")
	if xv.Type.Rank() == 1 {
		in := []string{x, w}
		if len(v.Args) == 3 {
			in = append(in, e.bias(v, xv, wv, v.Args[2]))
		}
		e.layerNode(v, "Gemm", in, y, intAttr("transB", 1))
	} else {
		wt := e.temp(v, "weight_t")
		e.node("Transpose", []string{w}, wt, intsAttr("perm", []int{1, 0}))
		e.layerNode(v, "MatMul", []string{x, wt}, y)
		if len(v.Args) == 3 {
			sum := e.temp(v, "biased")
			e.node("Add", []string{y, e.bias(v, xv, wv, v.Args[2])}, sum)
			y = sum
		}
	}
	e.q(v, y)
	return nil
}

func emitConv(e *emitter, v *ir.Value, out string) error {
	xv, wv := v.Args[0], v.Args[1]
	x, err := e.dq(v, xv)
	if err != nil {
		return err
	}
	w, err := e.dq(v, wv)
	if err != nil {
		return err
	}
	in := []string{x, w}
	if len(v.Args) == 3 {
		in = append(in, e.bias(v, xv, wv, v.Args[2]))
	}
	y := e.temp(v, "conv")
	e.layerNode(v, "Conv", in, y, convAttrs(v)...)
	e.q(v, y)
	return nil
}

// convAttrs are the ONNX attributes of convolution v (Conv's and
// ConvInteger's).
func convAttrs(v *ir.Value) []*onnxpb.AttributeProto {
	kernel := v.Args[1].Type.Dims[2:]
	pad := spatial(v.Attrs.Ints("pad"), len(kernel), 0)
	return []*onnxpb.AttributeProto{
		intsAttr("kernel_shape", kernel),
		intsAttr("strides", spatial(v.Attrs.Ints("stride"), len(kernel), 1)),
		intsAttr("dilations", spatial(v.Attrs.Ints("dilation"), len(kernel), 1)),
		intsAttr("pads", append(append([]int{}, pad...), pad...)),
		intAttr("group", max(v.Attrs.Int("groups"), 1)),
	}
}

// spatial widens an attribute to one value per spatial dimension.
func spatial(v []int, n, def int) []int {
	out := make([]int, n)
	for i := range out {
		switch {
		case len(v) == n:
			out[i] = v[i]
		case len(v) == 1:
			out[i] = v[0]
		default:
			out[i] = def
		}
	}
	return out
}

func emitPool(op string) rule {
	return func(e *emitter, v *ir.Value, out string) error {
		x, err := e.dq(v, v.Args[0])
		if err != nil {
			return err
		}
		attrs := poolAttrs(v)
		if op == "AveragePool" {
			attrs = append(attrs, intAttr("count_include_pad", 0))
		}
		y := e.temp(v, op)
		e.node(op, []string{x}, y, attrs...)
		e.q(v, y)
		return nil
	}
}

// poolAttrs are the ONNX attributes of pooling op v: window, strides (the
// window's by default) and padding.
func poolAttrs(v *ir.Value) []*onnxpb.AttributeProto {
	n := v.Args[0].Type.Rank() - 1
	size := spatial(v.Attrs.Ints("size"), n, 1)
	stride := size
	if s := v.Attrs.Ints("stride"); len(s) > 0 {
		stride = spatial(s, n, 1)
	}
	pad := spatial(v.Attrs.Ints("pad"), n, 0)
	return []*onnxpb.AttributeProto{intsAttr("kernel_shape", size), intsAttr("strides", stride), intsAttr("pads", append(append([]int{}, pad...), pad...))}
}

func emitGlobalAvgPool(e *emitter, v *ir.Value, out string) error {
	x, err := e.dq(v, v.Args[0])
	if err != nil {
		return err
	}
	pooled, flat := e.temp(v, "pool"), e.temp(v, "flat")
	e.node("GlobalAveragePool", []string{x}, pooled)
	e.node("Flatten", []string{pooled}, flat, intAttr("axis", 1))
	e.q(v, flat)
	return nil
}

func emitFlatten(e *emitter, v *ir.Value, out string) error {
	x, err := e.operand(v.Args[0])
	if err != nil {
		return err
	}
	e.node("Flatten", []string{x}, out, intAttr("axis", 1))
	return nil
}

// emitReshape reshapes within each sample: ONNX's 0 keeps the batch.
func emitReshape(e *emitter, v *ir.Value, out string) error {
	x, err := e.operand(v.Args[0])
	if err != nil {
		return err
	}
	shape := []int64{0}
	for _, d := range v.Type.Dims {
		shape = append(shape, int64(d))
	}
	e.node("Reshape", []string{x, e.int64s(shape, []int{len(shape)})}, out)
	return nil
}

func emitTranspose(e *emitter, v *ir.Value, out string) error {
	x, err := e.operand(v.Args[0])
	if err != nil {
		return err
	}
	r := v.Args[0].Type.Rank()
	perm := v.Attrs.Ints("perm")
	if len(perm) == 0 {
		for k := r - 1; k >= 0; k-- {
			perm = append(perm, k)
		}
	}
	full := []int{0}
	for _, p := range perm {
		full = append(full, p+1)
	}
	e.node("Transpose", []string{x}, out, intsAttr("perm", full))
	return nil
}

func emitBinary(op string) rule {
	return func(e *emitter, v *ir.Value, out string) error {
		x, err := e.dq(v, v.Args[0])
		if err != nil {
			return err
		}
		y, err := e.dq(v, v.Args[1])
		if err != nil {
			return err
		}
		r := e.temp(v, op)
		e.node(op, []string{e.broadcastable(v, v.Args[0], x), e.broadcastable(v, v.Args[1], y)}, r)
		e.q(v, r)
		return nil
	}
}

// fullAxis turns kiln's per-sample axis into ONNX's (batch first).
func fullAxis(a int) int {
	if a >= 0 {
		return a + 1
	}
	return a
}

func emitConcat(e *emitter, v *ir.Value, out string) error {
	var in []string
	for _, a := range v.Args {
		x, err := e.dq(v, a)
		if err != nil {
			return err
		}
		in = append(in, x)
	}
	y := e.temp(v, "concat")
	e.node("Concat", in, y, intAttr("axis", fullAxis(v.Attrs.Int("axis"))))
	e.q(v, y)
	return nil
}

func emitSoftmax(e *emitter, v *ir.Value, out string) error {
	x, err := e.dq(v, v.Args[0])
	if err != nil {
		return err
	}
	y := e.temp(v, "softmax")
	e.node("Softmax", []string{x}, y, intAttr("axis", fullAxis(v.Attrs.Int("axis"))))
	e.q(v, y)
	return nil
}

// emitReduce: at opset 13 ReduceMean takes its axes as an attribute,
// ReduceSum as an operand.
func emitReduce(op string) rule {
	return func(e *emitter, v *ir.Value, out string) error {
		x, err := e.dq(v, v.Args[0])
		if err != nil {
			return err
		}
		full, keep := reduceAxes(v)
		y := e.temp(v, op)
		if op == "ReduceSum" {
			e.node(op, []string{x, e.int64s(full, []int{len(full)})}, y, intAttr("keepdims", keep))
		} else {
			ints := make([]int, len(full))
			for k, a := range full {
				ints[k] = int(a)
			}
			e.node(op, []string{x}, y, intsAttr("axes", ints), intAttr("keepdims", keep))
		}
		e.q(v, y)
		return nil
	}
}

// reduceAxes returns reduction v's axes, batch first (all of a sample's
// when it names none), and ONNX's keepdims.
func reduceAxes(v *ir.Value) (full []int64, keep int) {
	axes := v.Attrs.Ints("axis")
	if len(axes) == 0 {
		for k := range v.Args[0].Type.Rank() {
			axes = append(axes, k)
		}
	}
	for _, a := range axes {
		full = append(full, int64(fullAxis(a)))
	}
	if v.Attrs.Bool("keepdims") {
		keep = 1
	}
	return full, keep
}

// emitBatchNorm: kiln's int8 batch norm is a per-channel affine map,
// x * w[c] + b[c], with w int8 and b int32 at scale S_in*S_w[c]; both are
// written [C, 1, ...] so that they broadcast over the channel axis.
func emitBatchNorm(e *emitter, v *ir.Value, out string) error {
	xv, wv, bv := v.Args[0], v.Args[1], v.Args[2]
	x, err := e.dq(v, xv)
	if err != nil {
		return err
	}
	dims := make([]int, xv.Type.Rank())
	for k := range dims {
		dims[k] = 1
	}
	dims[0] = xv.Type.Dims[0]
	s, z, _ := e.quant(wv.Quant, false)
	w := e.temp(v, "scale")
	var axis []*onnxpb.AttributeProto
	if wv.Quant.PerChannel() {
		axis = append(axis, intAttr("axis", 0))
	}
	e.node("DequantizeLinear", []string{e.int8s(wv.Data.I8, dims), s, z}, w, axis...)
	bScales := make([]float32, len(wv.Quant.Scale))
	for c, sw := range wv.Quant.Scale {
		bScales[c] = float32(float64(xv.Quant.Scale[0]) * float64(sw))
	}
	var bDims []int
	if len(bScales) > 1 {
		bDims = []int{len(bScales)}
	}
	b := e.temp(v, "shift")
	e.node("DequantizeLinear", []string{e.int32s(bv.Data.I32, dims), e.floats(bScales, bDims)}, b, axis...)
	prod, sum := e.temp(v, "scaled"), e.temp(v, "shifted")
	e.node("Mul", []string{x, w}, prod)
	e.node("Add", []string{prod, b}, sum)
	e.q(v, sum)
	return nil
}

// emitEmbedding: the int8 table, one scale per row, dequantized, then
// Gather by the ids, then quantized to the result's parameters.
func emitEmbedding(e *emitter, v *ir.Value, out string) error {
	table, err := e.dq(v, v.Args[1])
	if err != nil {
		return err
	}
	rows := e.temp(v, "rows")
	e.layerNode(v, "Gather", []string{table, e.names[v.Args[0]]}, rows, intAttr("axis", 0))
	e.q(v, rows)
	return nil
}

// emitEmbeddingBag writes the table as kiln's kernel uses it, every row
// already brought to the largest row scale (ref.EmbeddingBagRows, the
// same rounding), then pools in float: pad ids gather row 0 and are
// masked out, the mean divides by the count of the others (at least 1: a
// list of pads alone gives zeros).
func emitEmbeddingBag(e *emitter, v *ir.Value, out string) error {
	ids, w := v.Args[0], v.Args[1]
	p := ir.KernelParams(v).(ref.EmbeddingBagParams)
	rows := make([]int8, len(w.Data.I8))
	ref.EmbeddingBagRows(&p, w.Data.I8, rows)
	st := slices.Max(w.Quant.Scale)
	table := e.temp(v, "table")
	e.node("DequantizeLinear", []string{e.int8s(rows, w.Type.Dims), e.floats([]float32{st}, nil), e.int8s([]int8{0}, nil)}, table)
	isPad, safe, gathered := e.temp(v, "is_pad"), e.temp(v, "ids"), e.temp(v, "gathered")
	e.node("Equal", []string{e.names[ids], e.int32s([]int32{p.Pad}, nil)}, isPad)
	e.node("Where", []string{isPad, e.int32s([]int32{0}, nil), e.names[ids]}, safe)
	e.node("Gather", []string{table, safe}, gathered, intAttr("axis", 0))
	keep, keepF, keep3 := e.temp(v, "keep"), e.temp(v, "keep_f"), e.temp(v, "keep_col")
	e.node("Not", []string{isPad}, keep)
	e.node("Cast", []string{keep}, keepF, intAttr("to", int(onnxpb.TensorProto_FLOAT)))
	e.node("Unsqueeze", []string{keepF, e.int64s([]int64{-1}, []int{1})}, keep3)
	masked, summed := e.temp(v, "masked"), e.temp(v, "summed")
	e.node("Mul", []string{gathered, keep3}, masked)
	e.node("ReduceSum", []string{masked, e.int64s([]int64{-2}, []int{1})}, summed, intAttr("keepdims", 0))
	if v.Attrs.String("mode") != "sum" {
		count, atLeast1, mean := e.temp(v, "count"), e.temp(v, "count_1"), e.temp(v, "mean")
		e.node("ReduceSum", []string{keepF, e.int64s([]int64{-1}, []int{1})}, count, intAttr("keepdims", 1))
		e.node("Max", []string{count, e.floats([]float32{1}, nil)}, atLeast1)
		e.node("Div", []string{summed, atLeast1}, mean)
		summed = mean
	}
	e.q(v, summed)
	return nil
}

// emitInteraction writes 0.5*((sum_f x)^2 - sum_f x^2) over the fields
// axis (the second last), summed over the last for the FM's scalar.
func emitInteraction(fm bool) rule {
	return func(e *emitter, v *ir.Value, out string) error {
		x, err := e.dq(v, v.Args[0])
		if err != nil {
			return err
		}
		fields := e.int64s([]int64{-2}, []int{1})
		s, sq, x2, ss, diff, half := e.temp(v, "sum"), e.temp(v, "sum_sq"), e.temp(v, "sq"), e.temp(v, "sq_sum"), e.temp(v, "diff"), e.temp(v, "half")
		e.node("ReduceSum", []string{x, fields}, s, intAttr("keepdims", 0))
		e.node("Mul", []string{s, s}, sq)
		e.node("Mul", []string{x, x}, x2)
		e.node("ReduceSum", []string{x2, fields}, ss, intAttr("keepdims", 0))
		e.node("Sub", []string{sq, ss}, diff)
		e.node("Mul", []string{diff, e.floats([]float32{0.5}, nil)}, half)
		if fm {
			total := e.temp(v, "total")
			e.node("ReduceSum", []string{half, e.int64s([]int64{-1}, []int{1})}, total, intAttr("keepdims", 1))
			half = total
		}
		e.q(v, half)
		return nil
	}
}
