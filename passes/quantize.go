package passes

import (
	"errors"
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/tensor"
)

// The quantize pass rewrites a calibrated float graph as an integer one,
// following Jacob et al. (2018) and TFLite's int8 scheme: activations
// asymmetric int8 per tensor, from the calibrated ranges; weights
// symmetric int8 per output channel in [-127, 127]; biases int32 with
// scale S_in * S_w[c]; embedding tables int8 with a scale per row; fused
// activations as output clamps. A float input is quantized where it
// enters, and every output is dequantized where it leaves, so the model's
// interface stays float. An op with no integer form stays float between a
// dequantize and a quantize, and the pass records why (Context.Float).
//
// Quantized values are named after the float value they replace with a
// ".q" suffix (%c1.q for %c1); a float value keeps its name, so outputs and
// float islands read as before.

var quantizePass = &Pass{
	Name: "quantize",
	Doc:  "rewrite the calibrated float graph with int8 ops (weights per channel, activations per tensor, int32 biases)",
	Run: func(c *Context, g *ir.Graph) (bool, error) {
		if c.Ranges == nil {
			return false, errors.New("the graph is not calibrated (run the calibrate pass first)")
		}
		q := &quantizer{c: c, src: g, dst: ir.NewGraph(g.Name), quant: map[*ir.Value]*ir.Value{}, float: map[*ir.Value]*ir.Value{}}
		if err := q.run(); err != nil {
			return false, err
		}
		*g = *q.dst
		return true, nil
	},
}

// FloatOp is an op the quantize pass left in float, and why.
type FloatOp struct {
	Value  string
	Op     string
	Reason string
}

type quantizer struct {
	c     *Context
	src   *ir.Graph
	dst   *ir.Graph
	quant map[*ir.Value]*ir.Value // a source value's int8 counterpart in dst
	float map[*ir.Value]*ir.Value // its float counterpart in dst
}

func (q *quantizer) run() error {
	q.c.Float = nil
	for _, v := range q.src.Values {
		switch {
		case v.Op == ir.OpInput:
			n := q.dst.AddInput(v.Name, v.Type, v.Pos)
			q.float[v] = n
		case v.IsSource():
			// Parameters and constants are brought in by the ops that use
			// them, quantized as each needs them.
		default:
			reason, err := q.quantize(v)
			if err != nil {
				return err
			}
			if reason != "" {
				q.c.Float = append(q.c.Float, FloatOp{Value: v.Name, Op: v.Op.Name, Reason: reason})
				if err := q.keepFloat(v); err != nil {
					return err
				}
			}
		}
	}
	for _, o := range q.src.Outputs {
		f, err := q.floatOf(o)
		if err != nil {
			return err
		}
		q.dst.Outputs = append(q.dst.Outputs, f)
	}
	q.dst.RemoveDead()
	return ir.Verify(q.dst)
}

// params returns the int8 parameters for a source value's calibrated range.
func (q *quantizer) params(v *ir.Value) (*ir.QuantParams, bool) {
	r, ok := q.c.Ranges[v.Name]
	if !ok {
		return nil, false
	}
	return ir.QuantizeParams(r.Lo, r.Hi), true
}

// quantOf returns the int8 version of a source value, quantizing its float
// version where it is needed.
func (q *quantizer) quantOf(v *ir.Value) (*ir.Value, string) {
	if x := q.quant[v]; x != nil {
		return x, ""
	}
	if v.Type.DType != tensor.F32 {
		return nil, fmt.Sprintf("operand %s is %v, not a float value to quantize", v.Name, v.Type.DType)
	}
	if v.Op == ir.OpParam || v.Op == ir.OpConst {
		return q.constant(v)
	}
	f := q.float[v]
	p, ok := q.params(v)
	if f == nil || !ok {
		return nil, fmt.Sprintf("operand %s was not calibrated", v.Name)
	}
	x, err := q.dst.AddOp(v.Name+".q", ir.OpQuantize, []*ir.Value{f}, nil, v.Pos)
	if err != nil {
		return nil, err.Error()
	}
	x.Quant = p
	q.quant[v] = x
	return x, ""
}

// constant quantizes a parameter or constant used as an activation
// operand (x * 0.5): symmetric, per tensor.
func (q *quantizer) constant(v *ir.Value) (*ir.Value, string) {
	if v.Data == nil {
		return nil, fmt.Sprintf("parameter %s has no data", v.Name)
	}
	m := 0.0
	for _, x := range v.Data.F32 {
		m = math.Max(m, math.Abs(float64(x)))
	}
	s := float32(m / 127)
	if !(s > 0) || math.IsInf(float64(s), 0) {
		s = 1
	}
	t := tensor.New(tensor.I8, v.Type.Dims...)
	for i, x := range v.Data.F32 {
		t.I8[i] = int8(min(max(math.Round(float64(x)/float64(s)), -127), 127))
	}
	n := &ir.Value{Name: v.Name + ".q", Op: v.Op, Type: v.Type.WithDType(tensor.I8), Data: t, Quant: ir.PerTensor(s, 0), Pos: v.Pos}
	q.dst.Append(n)
	q.quant[v] = n
	return n, ""
}

// floatOf returns the float version of a source value, dequantizing its
// int8 version where it is needed.
func (q *quantizer) floatOf(v *ir.Value) (*ir.Value, error) {
	if f := q.float[v]; f != nil {
		return f, nil
	}
	if v.IsSource() {
		n := &ir.Value{Name: v.Name, Op: v.Op, Type: v.Type, Data: v.Data, Summary: v.Summary, Pos: v.Pos}
		q.dst.Append(n)
		q.float[v] = n
		return n, nil
	}
	x := q.quant[v]
	if x == nil {
		return nil, fmt.Errorf("internal error: %s has no value in the quantized graph", v.Name)
	}
	f, err := q.dst.AddOp(v.Name, ir.OpDequantize, []*ir.Value{x}, nil, v.Pos)
	if err != nil {
		return nil, err
	}
	q.float[v] = f
	return f, nil
}

// keepFloat copies a float op into the quantized graph unchanged.
func (q *quantizer) keepFloat(v *ir.Value) error {
	args := make([]*ir.Value, len(v.Args))
	for i, a := range v.Args {
		f, err := q.floatOf(a)
		if err != nil {
			return err
		}
		args[i] = f
	}
	n := &ir.Value{Name: v.Name, Op: v.Op, Args: args, Attrs: v.Attrs.Clone(), Type: v.Type, Pos: v.Pos}
	q.dst.Append(n)
	q.float[v] = n
	return nil
}

// emit adds a quantized op for source value v.
func (q *quantizer) emit(v *ir.Value, op *ir.Op, args []*ir.Value, attrs ir.Attrs, p *ir.QuantParams) (string, error) {
	n, err := q.dst.AddOp(v.Name+".q", op, args, attrs, v.Pos)
	if err != nil {
		return "", fmt.Errorf("%s: %w", v.Name, err)
	}
	n.Quant = p
	q.quant[v] = n
	return "", nil
}

// quantize writes the int8 form of v, or returns why it stays float.
func (q *quantizer) quantize(v *ir.Value) (string, error) {
	if v.Type.DType != tensor.F32 {
		return "it computes " + v.Type.DType.String() + " values", nil
	}
	out, calibrated := q.params(v)
	if !calibrated {
		return "its output was not calibrated", nil
	}
	data := func(n int) ([]*ir.Value, string) {
		var args []*ir.Value
		for _, a := range v.Args[:n] {
			x, why := q.quantOf(a)
			if why != "" {
				return nil, why
			}
			args = append(args, x)
		}
		return args, ""
	}
	clamp := func(p *ir.QuantParams) []int {
		lo, hi := fixedpoint.ActivationRange(v.Attrs.String("act"), p.Scale[0], p.Zero[0])
		return []int{int(lo), int(hi)}
	}
	switch v.Op {
	case ir.OpDense, ir.OpConv1D, ir.OpConv2D:
		args, why := data(1)
		if why != "" {
			return why, nil
		}
		w, b, why := q.layerParams(v, args[0])
		if why != "" {
			return why, nil
		}
		args = append(args, w)
		if b != nil {
			args = append(args, b)
		}
		attrs := ir.Attrs{"clamp": clamp(out)}
		op := map[*ir.Op]*ir.Op{ir.OpDense: ir.OpQDense, ir.OpConv1D: ir.OpQConv1D, ir.OpConv2D: ir.OpQConv2D}[v.Op]
		for _, name := range []string{"stride", "pad", "dilation", "groups"} {
			if v.Attrs.Has(name) {
				attrs[name] = v.Attrs[name]
			}
		}
		return q.emit(v, op, args, attrs, out)
	case ir.OpMaxPool, ir.OpAvgPool:
		args, why := data(1)
		if why != "" {
			return why, nil
		}
		op := map[*ir.Op]*ir.Op{ir.OpMaxPool: ir.OpQMaxPool, ir.OpAvgPool: ir.OpQAvgPool}[v.Op]
		attrs := ir.Attrs{"size": v.Attrs["size"], "stride": v.Attrs["stride"], "pad": v.Attrs["pad"]}
		return q.emit(v, op, args, attrs, args[0].Quant) // pooling keeps its operand's parameters
	case ir.OpFlatten, ir.OpReshape:
		args, why := data(1)
		if why != "" {
			return why, nil
		}
		return q.emit(v, v.Op, args, v.Attrs.Clone(), args[0].Quant)
	case ir.OpGlobalAvgPool:
		args, why := data(1)
		if why != "" {
			return why, nil
		}
		return q.emit(v, ir.OpQGlobalAvgPool, args, nil, out)
	case ir.OpSum, ir.OpMean:
		args, why := data(1)
		if why != "" {
			return why, nil
		}
		op := map[*ir.Op]*ir.Op{ir.OpSum: ir.OpQSum, ir.OpMean: ir.OpQMean}[v.Op]
		n, err := q.dst.AddOp(v.Name+".q", op, args, v.Attrs.Clone(), v.Pos)
		if err != nil {
			return fmt.Sprintf("no integer form: %v", err), nil
		}
		n.Quant = out
		q.quant[v] = n
		return "", nil
	case ir.OpAdd, ir.OpSub, ir.OpMul:
		args, why := data(2)
		if why != "" {
			return why, nil
		}
		op := map[*ir.Op]*ir.Op{ir.OpAdd: ir.OpQAdd, ir.OpSub: ir.OpQSub, ir.OpMul: ir.OpQMul}[v.Op]
		return q.emit(v, op, args, ir.Attrs{"clamp": clamp(out)}, out)
	case ir.OpConcat:
		args, why := data(len(v.Args))
		if why != "" {
			return why, nil
		}
		return q.emit(v, ir.OpQConcat, args, v.Attrs.Clone(), out)
	case ir.OpRelu, ir.OpRelu6:
		args, why := data(1)
		if why != "" {
			return why, nil
		}
		lo, hi := fixedpoint.ActivationRange(v.Op.Name, out.Scale[0], out.Zero[0])
		return q.emit(v, ir.OpRequantize, args, ir.Attrs{"clamp": []int{int(lo), int(hi)}}, out)
	case ir.OpSigmoid, ir.OpTanh, ir.OpSoftmax:
		if v.Op == ir.OpSoftmax && v.Attrs.Int("axis") != v.Type.Rank()-1 {
			return "softmax over an axis other than the last has no integer form", nil
		}
		args, why := data(1)
		if why != "" {
			return why, nil
		}
		switch v.Op {
		case ir.OpSigmoid:
			return q.emit(v, ir.OpQLogistic, args, nil, ir.PerTensor(1.0/256, -128))
		case ir.OpTanh:
			return q.emit(v, ir.OpQTanh, args, nil, ir.PerTensor(1.0/128, 0))
		}
		return q.emit(v, ir.OpQSoftmax, args, v.Attrs.Clone(), ir.PerTensor(1.0/256, -128))
	case ir.OpEmbedding:
		ids, err := q.floatOf(v.Args[0]) // ids stay i32
		if err != nil {
			return "", err
		}
		table, why := q.rowTable(v.Args[1])
		if why != "" {
			return why, nil
		}
		return q.emit(v, ir.OpQEmbedding, []*ir.Value{ids, table}, nil, out)
	case ir.OpFM, ir.OpBiInteraction:
		args, why := data(1)
		if why != "" {
			return why, nil
		}
		op := map[*ir.Op]*ir.Op{ir.OpFM: ir.OpQFM, ir.OpBiInteraction: ir.OpQBiInteraction}[v.Op]
		return q.emit(v, op, args, nil, out)
	case ir.OpBatchNorm:
		return "a batch norm with no dense or convolution before it, nor a dense layer after it, cannot be folded", nil
	case ir.OpDropout:
		return "dropout should have been removed (run remove-dropout)", nil
	}
	return "no integer form for " + v.Op.Name, nil
}

// layerParams quantizes a layer's weight (symmetric, per output channel)
// and bias (int32, scale S_in * S_w[c]) for the int8 input x.
func (q *quantizer) layerParams(v *ir.Value, x *ir.Value) (w, b *ir.Value, why string) {
	fw := v.Args[1]
	if fw.Data == nil {
		return nil, nil, fmt.Sprintf("weight %s has no data", fw.Name)
	}
	channels := fw.Type.Dims[0]
	per := fw.Data.Len() / channels
	scales := make([]float32, channels)
	qw := tensor.New(tensor.I8, fw.Type.Dims...)
	for c := 0; c < channels; c++ {
		row := fw.Data.F32[c*per : (c+1)*per]
		m := 0.0
		for _, x := range row {
			m = math.Max(m, math.Abs(float64(x)))
		}
		s := float32(m / 127)
		if !(s > 0) {
			s = 1 // an all-zero channel: any scale holds it
		}
		scales[c] = s
		for i, x := range row {
			qw.I8[c*per+i] = int8(min(max(math.Round(float64(x)/float64(s)), -127), 127))
		}
	}
	w = &ir.Value{Name: fw.Name + ".q", Op: ir.OpParam, Type: fw.Type.WithDType(tensor.I8), Data: qw,
		Quant: &ir.QuantParams{Scale: scales, Zero: []int32{0}, Axis: 0}, Pos: fw.Pos}
	q.dst.Append(w)
	if len(v.Args) < 3 {
		return w, nil, ""
	}
	fb := v.Args[2]
	if fb.Data == nil {
		return nil, nil, fmt.Sprintf("bias %s has no data", fb.Name)
	}
	sx := x.Quant.Scale[0]
	bs := make([]float32, channels)
	qb := tensor.New(tensor.I32, channels)
	for c := range bs {
		bs[c] = sx * scales[c]
		r := math.Round(float64(fb.Data.F32[c]) / float64(bs[c]))
		qb.I32[c] = int32(min(max(r, math.MinInt32), math.MaxInt32))
	}
	b = &ir.Value{Name: fb.Name + ".q", Op: ir.OpParam, Type: fb.Type.WithDType(tensor.I32), Data: qb,
		Quant: &ir.QuantParams{Scale: bs, Zero: []int32{0}, Axis: 0}, Pos: fb.Pos}
	q.dst.Append(b)
	return w, b, ""
}

// rowTable quantizes an embedding table with one symmetric scale per row.
func (q *quantizer) rowTable(t *ir.Value) (*ir.Value, string) {
	if t.Data == nil {
		return nil, fmt.Sprintf("table %s has no data", t.Name)
	}
	rows, dim := t.Type.Dims[0], t.Type.Dims[1]
	scales := make([]float32, rows)
	qt := tensor.New(tensor.I8, rows, dim)
	for r := 0; r < rows; r++ {
		row := t.Data.F32[r*dim : (r+1)*dim]
		m := 0.0
		for _, x := range row {
			m = math.Max(m, math.Abs(float64(x)))
		}
		s := float32(m / 127)
		if !(s > 0) {
			s = 1
		}
		scales[r] = s
		for i, x := range row {
			qt.I8[r*dim+i] = int8(min(max(math.Round(float64(x)/float64(s)), -127), 127))
		}
	}
	n := &ir.Value{Name: t.Name + ".q", Op: ir.OpParam, Type: t.Type.WithDType(tensor.I8), Data: qt,
		Quant: &ir.QuantParams{Scale: scales, Zero: []int32{0}, Axis: 0}, Pos: t.Pos}
	q.dst.Append(n)
	return n, ""
}
