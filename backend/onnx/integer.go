package onnx

// The integer form (Options.Integer): each int8 op written as the integer
// arithmetic kiln's kernels do, so that a runtime computes kiln's bits
// rather than a float approximation of them.
//
//   - Dense layers and convolutions accumulate in MatMulInteger and
//     ConvInteger (uint8 operands: activations and weights moved up by
//     128, their zero points with them, which leaves every product as it
//     was), add the int32 bias, and rescale with MultiplyByQuantizedMultiplier
//     written out in int64 ops (rescale below).
//   - Elementwise ops of one or two int8 operands (logistic, tanh, hard
//     swish and sigmoid, requantize, add, sub, mul, a concatenation's
//     rescale, batch norm's per-channel affine map) become lookup tables
//     computed by kiln's own kernel on every input (256 entries, 65,536
//     for two operands, 256 per channel), read by Gather.
//   - Embedding lookups gather from the table of every row already
//     rescaled by the kernel; bags sum their rescaled rows in int32 and
//     rescale by the multiplier of their count; sums and means rescale an
//     int32 ReduceSum; FM and bi-interaction compute their int64 pair sum
//     and TFLite's 64-bit rescale.
//   - Max pooling runs on the int8 tensor; quantizing the float inputs
//     rounds half away from zero as kiln does (QuantizeLinear rounds half
//     to even).
//
// Ops without an integer form here (softmax, average pooling) are
// written in QDQ form, as without the option.

import (
	"fmt"
	"math"
	"slices"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
)

// integerRules is the table of the integer form; an op it lacks falls
// back to rules.
var integerRules map[string]rule

func init() {
	integerRules = map[string]rule{
		"quantize":        intQuantize,
		"qdense":          intDense,
		"qconv1d":         intConv,
		"qconv2d":         intConv,
		"qmaxpool":        intMaxPool,
		"qglobal_avgpool": intReduce,
		"qsum":            intReduce,
		"qmean":           intReduce,
		"qrequantize":     unaryTable,
		"qlogistic":       unaryTable,
		"qtanh":           unaryTable,
		"qhard_swish":     unaryTable,
		"qhard_sigmoid":   unaryTable,
		"qadd":            binaryTable,
		"qsub":            binaryTable,
		"qmul":            binaryTable,
		"qbatchnorm":      intBatchNorm,
		"qconcat":         intConcat,
		"qembedding":      intEmbedding,
		"qembedding_bag":  intEmbeddingBag,
		"qfm":             intInteraction,
		"qbi_interaction": intInteraction,
	}
}

// scalar64 is an int64 scalar initializer.
func (e *emitter) scalar64(x int64) string { return e.int64s([]int64{x}, nil) }

// op appends a node writing a fresh temporary of v's lowering and returns
// its name.
func (e *emitter) op(v *ir.Value, op string, inputs []string, attrs ...*onnxpb.AttributeProto) string {
	out := e.temp(v, op)
	e.node(op, inputs, out, attrs...)
	return out
}

func (e *emitter) cast(v *ir.Value, x string, to onnxpb.TensorProto_DataType) string {
	return e.op(v, "Cast", []string{x}, intAttr("to", int(to)))
}

// activation returns an int8 operand in the activations' type: a value
// as it is, a constant as an initializer of that type.
func (e *emitter) activation(a *ir.Value) (string, error) {
	if !a.IsSource() || !e.opt.Unsigned {
		return e.operand(a)
	}
	if a.Data == nil || a.Data.DType != tensor.I8 {
		return "", fmt.Errorf("constant operand %s is not int8 data", a.Name)
	}
	return e.table(a.Data.I8, a.Type.Dims), nil
}

// table is an initializer of kiln int8 values in the activations' type.
func (e *emitter) table(q []int8, dims []int) string {
	if !e.opt.Unsigned {
		return e.int8s(q, dims)
	}
	raw := make([]byte, len(q))
	for i, x := range q {
		raw[i] = byte(int(x) + 128)
	}
	return e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_UINT8), Dims: int64s(dims), RawData: raw})
}

// index returns operand a as int32 q+128: its row in a lookup table.
func (e *emitter) index(v, a *ir.Value) (string, error) {
	x, err := e.activation(a)
	if err != nil {
		return "", err
	}
	i := e.cast(v, x, onnxpb.TensorProto_INT32)
	if e.opt.Unsigned {
		return i, nil // uint8 holds q+128 already
	}
	return e.op(v, "Add", []string{i, e.int32s([]int32{128}, nil)}), nil
}

// asUint8 returns operand a as uint8 q+128, with its zero point Z+128:
// the operand form of MatMulInteger and ConvInteger.
func (e *emitter) asUint8(v, a *ir.Value) (x, zero string, err error) {
	zero = e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_UINT8), RawData: []byte{byte(a.Quant.Zero[0] + 128)}})
	if e.opt.Unsigned {
		x, err = e.activation(a)
		return x, zero, err
	}
	i, err := e.index(v, a)
	if err != nil {
		return "", "", err
	}
	return e.cast(v, i, onnxpb.TensorProto_UINT8), zero, nil
}

// uint8Weights writes symmetric int8 weights moved up by 128, and their
// zero point, 128.
func (e *emitter) uint8Weights(w *ir.Value, dims []int, q []int8) (data, zero string) {
	raw := make([]byte, len(q))
	for i, x := range q {
		raw[i] = byte(int(x) + 128)
	}
	data = e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_UINT8), Dims: int64s(dims), RawData: raw})
	zero = e.init(&onnxpb.TensorProto{DataType: int32(onnxpb.TensorProto_UINT8), RawData: []byte{byte(128 - w.Quant.Zero[0])}})
	return data, zero
}

// multiplier holds MultiplyByQuantizedMultiplier's parameters as int64
// tensors that broadcast against the accumulator: k = M << left (the left
// shift folded into the multiplier: the product is the same in int64),
// and the rounding division by 2^right as half = 2^(right-1) (0 when
// right is 0) and pow = 2^right.
type multiplier struct{ k, half, negHalf, pow string }

// multipliers writes one Requant per entry of dims's tensor.
func (e *emitter) multipliers(rs []ref.Requant, dims []int) multiplier {
	k := make([]int64, len(rs))
	half := make([]int64, len(rs))
	neg := make([]int64, len(rs))
	pow := make([]int64, len(rs))
	for i, r := range rs {
		left, right := max(r.Shift, 0), max(-r.Shift, 0)
		k[i] = int64(r.Mult) << left
		pow[i] = int64(1) << right
		if right > 0 {
			half[i] = int64(1) << (right - 1)
		}
		neg[i] = -half[i]
	}
	return multiplier{k: e.int64s(k, dims), half: e.int64s(half, dims), negHalf: e.int64s(neg, dims), pow: e.int64s(pow, dims)}
}

// rescale writes MultiplyByQuantizedMultiplier(acc, m) of an int64
// tensor: SaturatingRoundingDoublingHighMul (a nudge of 2^30 toward the
// product's sign, a division by 2^31 that truncates as ONNX's integer Div
// does) and RoundingDivideByPOT (half away from zero: |h| + half, then a
// truncating division, with h's sign).
func (e *emitter) rescale(v *ir.Value, acc string, m multiplier) string {
	ab := e.op(v, "Mul", []string{acc, m.k})
	neg := e.op(v, "Less", []string{ab, e.scalar64(0)})
	nudge := e.op(v, "Where", []string{neg, e.scalar64(1 - 1<<30), e.scalar64(1 << 30)})
	h := e.op(v, "Div", []string{e.op(v, "Add", []string{ab, nudge}), e.scalar64(1 << 31)})
	hneg := e.op(v, "Less", []string{h, e.scalar64(0)})
	round := e.op(v, "Where", []string{hneg, m.negHalf, m.half})
	return e.op(v, "Div", []string{e.op(v, "Add", []string{h, round}), m.pow})
}

// finish adds the output zero point to an int64 tensor, clamps it to
// [lo, hi] and writes it as v's tensor in the activations' type.
func (e *emitter) finish(v *ir.Value, x string, zero, lo, hi int32) {
	shifted := e.op(v, "Add", []string{x, e.scalar64(int64(zero))})
	clamped := e.clamp64(v, shifted, int64(lo), int64(hi))
	if e.opt.Unsigned {
		up := e.op(v, "Add", []string{clamped, e.scalar64(128)})
		e.node("Cast", []string{up}, e.names[v], intAttr("to", int(onnxpb.TensorProto_UINT8)))
		return
	}
	e.node("Cast", []string{clamped}, e.names[v], intAttr("to", int(onnxpb.TensorProto_INT8)))
}

// clamp64 clamps an int64 tensor to [lo, hi] with comparisons and
// Where: ONNX Runtime 1.30's Max, Min and Clip of int64 compare bounds
// outside the int32 range wrongly (Max(-1960, -2^32) gives -2^32).
func (e *emitter) clamp64(v *ir.Value, x string, lo, hi int64) string {
	l, h := e.scalar64(lo), e.scalar64(hi)
	x = e.op(v, "Where", []string{e.op(v, "Less", []string{x, l}), l, x})
	return e.op(v, "Where", []string{e.op(v, "Greater", []string{x, h}), h, x})
}

// channelDims is the shape of per-channel parameters on axis 1 of a
// tensor of rank 1+rank (batch first): [C, 1, ...].
func channelDims(c, rank int) []int {
	dims := make([]int, rank)
	for k := range dims {
		dims[k] = 1
	}
	dims[0] = c
	return dims
}

// gather reads a lookup table at int32 indices as v's tensor.
func (e *emitter) gather(v *ir.Value, table, idx string) {
	e.node("Gather", []string{table, idx}, e.names[v], intAttr("axis", 0))
}

// intQuantize: x/S in float32, rounded half away from zero (Round is
// half to even: a tie, a fraction of exactly one half, is taken away
// from zero by hand), NaN as 0, then the zero point and the clamp.
func intQuantize(e *emitter, v *ir.Value, out string) error {
	if e.rawInput(v.Args[0]) {
		e.graph.Input = append(e.graph.Input, valueInfo(out, e.activationType(), v.Type.Dims))
		return nil
	}
	y := e.op(v, "Div", []string{e.names[v.Args[0]], e.floats([]float32{v.Quant.Scale[0]}, nil)})
	y = e.op(v, "Where", []string{e.op(v, "IsNaN", []string{y}), e.floats([]float32{0}, nil), y})
	y = e.op(v, "Clip", []string{y, e.floats([]float32{-1024}, nil), e.floats([]float32{1024}, nil)})
	floor := e.op(v, "Floor", []string{y})
	tie := e.op(v, "Equal", []string{e.op(v, "Sub", []string{y, floor}), e.floats([]float32{0.5}, nil)})
	away := e.op(v, "Where", []string{e.op(v, "Greater", []string{y, e.floats([]float32{0}, nil)}),
		e.op(v, "Add", []string{floor, e.floats([]float32{1}, nil)}), floor})
	r := e.op(v, "Where", []string{tie, away, e.op(v, "Round", []string{y})})
	lo, hi := clampOf(v)
	e.finish(v, e.cast(v, r, onnxpb.TensorProto_INT64), v.Quant.Zero[0], int32(lo), int32(hi))
	return nil
}

// accumulate adds the int32 bias (dims as the accumulator broadcasts it)
// and widens the sum to int64.
func (e *emitter) accumulate(v *ir.Value, acc string, dims []int) string {
	if len(v.Args) == 3 {
		acc = e.op(v, "Add", []string{acc, e.int32s(v.Args[2].Data.I32, dims)})
	}
	return e.cast(v, acc, onnxpb.TensorProto_INT64)
}

func intDense(e *emitter, v *ir.Value, out string) error {
	xv, wv := v.Args[0], v.Args[1]
	p := ir.KernelParams(v).(ref.DenseParams)
	x, xz, err := e.asUint8(v, xv)
	if err != nil {
		return err
	}
	units, in := wv.Type.Dims[0], wv.Type.Dims[1]
	wt := make([]int8, len(wv.Data.I8)) // [in, units]
	for u := range units {
		for i := range in {
			wt[i*units+u] = wv.Data.I8[u*in+i]
		}
	}
	w, wz := e.uint8Weights(wv, []int{in, units}, wt)
	acc := e.temp(v, "MatMulInteger")
	e.layerNode(v, "MatMulInteger", []string{x, w, xz, wz}, acc)
	rs := p.Out
	if len(rs) == 1 {
		rs = slices.Repeat(rs, units)
	}
	sum := e.accumulate(v, acc, []int{units})
	e.finish(v, e.rescale(v, sum, e.multipliers(rs, []int{units})), p.OutputOffset, p.ActMin, p.ActMax)
	return nil
}

func intConv(e *emitter, v *ir.Value, out string) error {
	xv, wv := v.Args[0], v.Args[1]
	p := ir.KernelParams(v).(ref.ConvParams)
	x, xz, err := e.asUint8(v, xv)
	if err != nil {
		return err
	}
	w, wz := e.uint8Weights(wv, wv.Type.Dims, wv.Data.I8)
	acc := e.temp(v, "ConvInteger")
	e.layerNode(v, "ConvInteger", []string{x, w, xz, wz}, acc, convAttrs(v)...)
	channels := wv.Type.Dims[0]
	rs := p.Out
	if len(rs) == 1 {
		rs = slices.Repeat(rs, channels)
	}
	dims := channelDims(channels, v.Type.Rank())
	sum := e.accumulate(v, acc, dims)
	e.finish(v, e.rescale(v, sum, e.multipliers(rs, dims)), p.OutputOffset, p.ActMin, p.ActMax)
	return nil
}

// intMaxPool pools the int8 tensor itself (padding never wins a max in
// ONNX, as kiln clips the window to the image), then clamps.
func intMaxPool(e *emitter, v *ir.Value, out string) error {
	x, err := e.activation(v.Args[0])
	if err != nil {
		return err
	}
	attrs := poolAttrs(v)
	lo, hi := clampOf(v)
	if lo == math.MinInt8 && hi == math.MaxInt8 {
		e.node("MaxPool", []string{x}, out, attrs...)
		return nil
	}
	pooled := e.op(v, "MaxPool", []string{x}, attrs...)
	e.node("Clip", []string{pooled, e.activationScalar(lo), e.activationScalar(hi)}, out)
	return nil
}

// intReduce: sum and mean over axes (global average pooling: over the
// spatial axes) as an int32 ReduceSum of q - Z_in, rescaled.
func intReduce(e *emitter, v *ir.Value, out string) error {
	xv := v.Args[0]
	var r ref.Requant
	var zero, lo, hi int32
	switch p := ir.KernelParams(v).(type) {
	case ref.SumParams:
		r, zero, lo, hi = p.R, p.OutputOffset, p.ActMin, p.ActMax
	case ref.MeanParams:
		r, zero, lo, hi = p.R, p.OutputOffset, p.ActMin, p.ActMax
	}
	var full []int64
	keep := 0
	if v.Op.Name == "qglobal_avgpool" {
		for k := 1; k < xv.Type.Rank(); k++ {
			full = append(full, int64(k+1))
		}
	} else {
		full, keep = reduceAxes(v)
	}
	x, err := e.centered(v, xv, onnxpb.TensorProto_INT32)
	if err != nil {
		return err
	}
	sum := e.op(v, "ReduceSum", []string{x, e.int64s(full, []int{len(full)})}, intAttr("keepdims", keep))
	e.finish(v, e.rescale(v, e.cast(v, sum, onnxpb.TensorProto_INT64), e.multipliers([]ref.Requant{r}, nil)), zero, lo, hi)
	return nil
}

// centered returns operand a as q - Z in the given integer type.
func (e *emitter) centered(v, a *ir.Value, to onnxpb.TensorProto_DataType) (string, error) {
	x, err := e.activation(a)
	if err != nil {
		return "", err
	}
	z := int64(a.Quant.Zero[0])
	if e.opt.Unsigned && !a.IsSource() {
		z += 128
	}
	wide := e.cast(v, x, to)
	zero := e.scalar64(z)
	if to == onnxpb.TensorProto_INT32 {
		zero = e.int32s([]int32{int32(z)}, nil)
	}
	return e.op(v, "Sub", []string{wide, zero}), nil
}

// evalTable runs v's own kernel on operands of the given shapes filled by
// fill, the way the executor would: the lookup tables' contents.
func evalTable(v *ir.Value, argDims [][]int, outDims []int, fill func(arg, i int) int8) ([]int8, error) {
	probe := &ir.Value{Name: v.Name, Op: v.Op, Attrs: v.Attrs, Quant: v.Quant, Type: ir.Type{DType: tensor.I8, Dims: outDims}}
	in := make([]*tensor.Tensor, len(argDims))
	for k, d := range argDims {
		probe.Args = append(probe.Args, &ir.Value{Name: v.Args[k].Name, Op: v.Args[k].Op, Quant: v.Args[k].Quant, Type: ir.Type{DType: tensor.I8, Dims: d}})
		in[k] = tensor.New(tensor.I8, d...)
		for i := range in[k].I8 {
			in[k].I8[i] = fill(k, i)
		}
	}
	out := tensor.New(tensor.I8, outDims...)
	if err := v.Op.Eval(probe, in, out); err != nil {
		return nil, err
	}
	return out.I8, nil
}

// unaryTable: the op on all 256 inputs, read at q+128.
func unaryTable(e *emitter, v *ir.Value, out string) error {
	t, err := evalTable(v, [][]int{{256}}, []int{256}, func(_, i int) int8 { return int8(i - 128) })
	if err != nil {
		return err
	}
	idx, err := e.index(v, v.Args[0])
	if err != nil {
		return err
	}
	e.gather(v, e.table(t, []int{256}), idx)
	return nil
}

// binaryTable: the op on all 65,536 pairs, read at (x+128)*256 + y+128.
func binaryTable(e *emitter, v *ir.Value, out string) error {
	t, err := evalTable(v, [][]int{{256, 1}, {1, 256}}, []int{256, 256}, func(_, i int) int8 { return int8(i - 128) })
	if err != nil {
		return err
	}
	x, err := e.index(v, v.Args[0])
	if err != nil {
		return err
	}
	y, err := e.index(v, v.Args[1])
	if err != nil {
		return err
	}
	row := e.op(v, "Mul", []string{e.broadcastable(v, v.Args[0], x), e.int32s([]int32{256}, nil)})
	e.gather(v, e.table(t, []int{256 * 256}), e.op(v, "Add", []string{row, e.broadcastable(v, v.Args[1], y)}))
	return nil
}

// intBatchNorm: the per-channel affine map as one table of 256 entries
// per channel, read at c*256 + q+128.
func intBatchNorm(e *emitter, v *ir.Value, out string) error {
	xv := v.Args[0]
	c := xv.Type.Dims[0]
	p := ir.KernelParams(v).(ref.AffineParams)
	p.N, p.Inner = 1, 256
	in := make([]int8, c*256)
	for i := range in {
		in[i] = int8(i%256 - 128)
	}
	t := make([]int8, len(in))
	ref.Affine(&p, in, v.Args[1].Data.I8, v.Args[2].Data.I32, t)
	base := make([]int32, c)
	for k := range base {
		base[k] = int32(k * 256)
	}
	idx, err := e.index(v, xv)
	if err != nil {
		return err
	}
	e.gather(v, e.table(t, []int{c * 256}), e.op(v, "Add", []string{idx, e.int32s(base, channelDims(c, xv.Type.Rank()))}))
	return nil
}

// intConcat rescales each input whose parameters differ from the
// result's through a table of kiln's Requantize, then concatenates.
func intConcat(e *emitter, v *ir.Value, out string) error {
	p := ir.KernelParams(v).(ir.ConcatInputs)
	var parts []string
	for k, a := range v.Args {
		x, err := e.activation(a)
		if err != nil {
			return err
		}
		if !p.Copy[k] {
			in := make([]int8, 256)
			for i := range in {
				in[i] = int8(i - 128)
			}
			t := make([]int8, 256)
			ref.Requantize(&p.R[k], in, t)
			idx, err := e.index(v, a)
			if err != nil {
				return err
			}
			x = e.op(v, "Gather", []string{e.table(t, []int{256}), idx}, intAttr("axis", 0))
		}
		parts = append(parts, x)
	}
	e.node("Concat", parts, out, intAttr("axis", fullAxis(v.Attrs.Int("axis"))))
	return nil
}

// intEmbedding gathers from the table of every row as the kernel gives it.
func intEmbedding(e *emitter, v *ir.Value, out string) error {
	w := v.Args[1]
	p := ir.KernelParams(v).(ref.EmbeddingParams)
	ids := make([]int32, p.Vocab)
	for i := range ids {
		ids[i] = int32(i)
	}
	t := make([]int8, p.Vocab*p.Dim)
	if err := ref.Embedding(&p, ids, w.Data.I8, t); err != nil {
		return err
	}
	e.layerNode(v, "Gather", []string{e.table(t, w.Type.Dims), e.names[v.Args[0]]}, out, intAttr("axis", 0))
	return nil
}

// intEmbeddingBag: the rows at the common scale (ref.EmbeddingBagRows)
// with a zero row after them that pad ids read, summed in int32 and
// rescaled by the multiplier of the list's count (count 0: multiplier 0,
// the zero point alone).
func intEmbeddingBag(e *emitter, v *ir.Value, out string) error {
	ids, w := v.Args[0], v.Args[1]
	p := ir.KernelParams(v).(ref.EmbeddingBagParams)
	rows := make([]int8, len(w.Data.I8)+p.Dim)
	ref.EmbeddingBagRows(&p, w.Data.I8, rows[:len(w.Data.I8)])
	isPad := e.op(v, "Equal", []string{e.names[ids], e.int32s([]int32{p.Pad}, nil)})
	safe := e.op(v, "Where", []string{isPad, e.int32s([]int32{int32(p.Vocab)}, nil), e.names[ids]})
	gathered := e.temp(v, "Gather")
	e.layerNode(v, "Gather", []string{e.int8s(rows, []int{p.Vocab + 1, p.Dim}), safe}, gathered, intAttr("axis", 0))
	sum := e.op(v, "ReduceSum", []string{e.cast(v, gathered, onnxpb.TensorProto_INT32), e.int64s([]int64{-2}, []int{1})}, intAttr("keepdims", 0))
	keep := e.cast(v, e.op(v, "Not", []string{isPad}), onnxpb.TensorProto_INT64)
	count := e.op(v, "ReduceSum", []string{keep, e.int64s([]int64{-1}, []int{1})}, intAttr("keepdims", 1))
	byCount := e.multipliers(append([]ref.Requant{{}}, p.Counts...), []int{p.Len + 1})
	m := multiplier{}
	for _, f := range []struct{ table, to *string }{{&byCount.k, &m.k}, {&byCount.half, &m.half}, {&byCount.negHalf, &m.negHalf}, {&byCount.pow, &m.pow}} {
		*f.to = e.op(v, "Gather", []string{*f.table, count}, intAttr("axis", 0))
	}
	e.finish(v, e.rescale(v, e.cast(v, sum, onnxpb.TensorProto_INT64), m), p.OutputOffset, math.MinInt8, math.MaxInt8)
	return nil
}

// intInteraction: acc = (sum_f x)^2 - sum_f x^2 over the fields axis in
// int64 (summed over the columns for the FM), then rescale64.
func intInteraction(e *emitter, v *ir.Value, out string) error {
	p := ir.KernelParams(v).(ref.InteractionParams)
	x, err := e.centered(v, v.Args[0], onnxpb.TensorProto_INT64)
	if err != nil {
		return err
	}
	fields := e.int64s([]int64{-2}, []int{1})
	s := e.op(v, "ReduceSum", []string{x, fields}, intAttr("keepdims", 0))
	ss := e.op(v, "ReduceSum", []string{e.op(v, "Mul", []string{x, x}), fields}, intAttr("keepdims", 0))
	acc := e.op(v, "Sub", []string{e.op(v, "Mul", []string{s, s}), ss})
	if v.Op.Name == "qfm" {
		acc = e.op(v, "ReduceSum", []string{acc, e.int64s([]int64{-1}, []int{1})}, intAttr("keepdims", 1))
	}
	e.finish(v, e.rescale64(v, acc, p.R), p.OutputOffset, p.ActMin, p.ActMax)
	return nil
}

// rescale64 writes ref's Rescale64 of an int64 tensor (the interaction
// ops' rescale): the accumulator clamped to ±B, shifted left past shift
// 7, and TFLite's 64-bit MultiplyByQuantizedMultiplier, (acc*M15 +
// 2^(t-1)) >> t with an arithmetic (floor) shift, written as a truncating
// division of that sum less 2^t - 1 where it is negative.
func (e *emitter) rescale64(v *ir.Value, acc string, r ref.Requant) string {
	shift := min(r.Shift, 25)
	bound := int64(1)<<47 - 1
	if shift > -22 {
		bound = int64(1) << (25 - shift)
	}
	acc = e.clamp64(v, acc, -bound, bound)
	if shift > 7 {
		acc = e.op(v, "Mul", []string{acc, e.scalar64(int64(1) << (shift - 7))})
		shift = 7
	}
	reduced := int64(0x7FFF)
	if r.Mult < 0x7FFF0000 {
		reduced = int64((r.Mult + 1<<15) >> 16)
	}
	total := 15 - shift
	prod := e.op(v, "Add", []string{e.op(v, "Mul", []string{acc, e.scalar64(reduced)}), e.scalar64(int64(1) << (total - 1))})
	down := e.op(v, "Where", []string{e.op(v, "Less", []string{prod, e.scalar64(0)}), e.scalar64(int64(1)<<total - 1), e.scalar64(0)})
	return e.op(v, "Div", []string{e.op(v, "Sub", []string{prod, down}), e.scalar64(int64(1) << total)})
}
