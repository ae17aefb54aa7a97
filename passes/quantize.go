package passes

import (
	"errors"
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// The quantize pass rewrites a calibrated float graph as an integer one,
// following Jacob et al. (2018) and TFLite's int8 scheme: activations
// asymmetric int8 per tensor, from the calibrated ranges; weights
// symmetric int8 per output channel in [-127, 127] (per tensor for
// shared weights already on one int8 grid); biases int32 with
// scale S_in * S_w[c]; embedding tables int8 with a scale per row; fused
// activations as output clamps; a batch norm that fold-batchnorm could
// not fold (after a pooling, an add, an input) as qbatchnorm, its scale
// and shift folded in float and quantized as one int8 weight and one
// int32 bias per channel. A float input is quantized where it
// enters, and every output is dequantized where it leaves, so the model's
// interface stays float. An op with no integer form stays float between a
// dequantize and a quantize, and the pass records why (Context.Float).
//
// Quantized values are named after the float value they replace with a
// ".q" suffix (%c1.q for %c1); a float value keeps its name, so outputs and
// float islands read as before.

var quantizePass = &Pass{
	Name:         "quantize",
	Doc:          "rewrite the calibrated float graph with int8 ops (weights per channel, activations per tensor, int32 biases)",
	Stage:        StageQuantize,
	Required:     "the backends run int8 graphs only",
	TakesOptions: true,
	Run: func(c *Context, g *ir.Graph, opt any) (bool, error) {
		if c.Ranges == nil {
			return false, errors.New("the graph is not calibrated (run the calibrate pass first)")
		}
		var o Quantization
		if opt != nil {
			qo, ok := opt.(*Quantization)
			if !ok {
				return false, fmt.Errorf("quantize takes *passes.Quantization options, got %T", opt)
			}
			o = *qo
		}
		q := &quantizer{c: c, opt: o, src: g, dst: ir.NewGraph(g.Name), quant: map[*ir.Value]*ir.Value{}, float: map[*ir.Value]*ir.Value{}}
		if err := q.run(); err != nil {
			return false, err
		}
		*g = *q.dst
		return true, nil
	},
}

// FloatOp is an op the quantize pass left in float, and why (in the
// terms of the model's source, with what to change), at its source
// position.
type FloatOp struct {
	Value  string
	Op     string
	Reason string
	Pos    source.Pos
}

// Quantization is the quantize pass's options.
type Quantization struct {
	// PerTensorWeights gives each layer's weight one scale, as older
	// int8 toolchains do, instead of one per output channel: coarser, and
	// what a comparison of post-training and quantization-aware int8
	// measures against.
	PerTensorWeights bool
	// Given fixes the int8 parameters of values by name, as an imported
	// quantized model (ONNX QDQ) carries them: a weight or embedding table
	// is quantized on its given grid (symmetric, along dimension 0, its
	// values on the grid within float rounding), an activation takes its
	// given parameters instead of its calibrated range's. Ops whose int8
	// form fixes its result's parameters (softmax, pooling) keep theirs.
	Given map[string]*ir.QuantParams
}

type quantizer struct {
	c     *Context
	opt   Quantization
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
				q.c.Float = append(q.c.Float, FloatOp{Value: v.Name, Op: v.Op.Name, Reason: reason, Pos: v.Pos})
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
	if p := q.opt.Given[v.Name]; p != nil {
		return p, true
	}
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
	scales, t := symmetric(v.Data, 1)
	n := &ir.Value{Name: v.Name + ".q", Op: v.Op, Type: v.Type.WithDType(tensor.I8), Data: t, Quant: ir.PerTensor(scales[0], 0), Pos: v.Pos}
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

// quantize writes the int8 form of v, as its op's Lowering says, or
// returns why it stays float.
func (q *quantizer) quantize(v *ir.Value) (string, error) {
	if v.Type.DType != tensor.F32 {
		return "it computes " + v.Type.DType.String() + " values", nil
	}
	out, calibrated := q.params(v)
	if !calibrated {
		return "its output was not calibrated", nil
	}
	if why := ir.NoIntegerForm(v); why != "" {
		return why, nil
	}
	l := v.Op.Lower
	var aff *affine // the affine rules' scale and shift, once computed
	args := make([]*ir.Value, 0, len(v.Args))
	for i, a := range v.Args {
		var x *ir.Value
		why := ""
		switch l.OperandRule(i) {
		case ir.LowerFolded:
			continue
		case ir.LowerAffineScale, ir.LowerAffineShift:
			if aff == nil {
				if aff, why = affineOf(v, l); why != "" {
					return why, nil
				}
			}
			if l.OperandRule(i) == ir.LowerAffineScale {
				x = q.affineWeight(a, aff, args[0])
			} else {
				x = q.int32Bias(a, aff.b, args[0], args[len(args)-1])
			}
		case ir.LowerActivation:
			x, why = q.quantOf(a)
		case ir.LowerAsIs:
			f, err := q.floatOf(a)
			if err != nil {
				return "", err
			}
			x = f
		case ir.LowerWeight:
			x, why = q.rows(a, "weight")
		case ir.LowerRowTable:
			x, why = q.rows(a, "table")
		case ir.LowerBias:
			x, why = q.bias(a, args[0], args[len(args)-1])
		}
		if why != "" {
			return why, nil
		}
		args = append(args, x)
	}
	var p *ir.QuantParams
	switch l.Result {
	case ir.ResultCalibrated:
		p = out
	case ir.ResultOperand:
		p = args[0].Quant
	case ir.ResultFixed:
		p = ir.PerTensor(l.Fixed.Scale[0], l.Fixed.Zero[0])
	}
	attrs := l.KeptAttrs(v)
	switch l.Clamp {
	case ir.ClampAct, ir.ClampOp:
		act := v.Op.Name
		if l.Clamp == ir.ClampAct {
			act = v.Attrs.String("act")
		}
		lo, hi := fixedpoint.ActivationRange(act, p.Scale[0], p.Zero[0])
		attrs["clamp"] = []int{int(lo), int(hi)}
	}
	if len(attrs) == 0 {
		attrs = nil
	}
	n, err := q.dst.AddOp(v.Name+".q", l.To, args, attrs, v.Pos)
	if err != nil {
		return fmt.Sprintf("no integer form: %v", err), nil
	}
	n.Quant = p
	q.quant[v] = n
	return "", nil
}

// symmetric quantizes data, seen as rows of equal length, to int8 in
// [-127, 127] with one scale per row: max |x| / 127 (1 for a row of
// zeros, which any scale holds).
func symmetric(data *tensor.Tensor, rows int) ([]float32, *tensor.Tensor) {
	per := data.Len() / rows
	scales := make([]float32, rows)
	t := tensor.New(tensor.I8, data.Shape...)
	for r := range rows {
		row := data.F32[r*per : (r+1)*per]
		m := 0.0
		for _, x := range row {
			m = math.Max(m, math.Abs(float64(x)))
		}
		s := float32(m / 127)
		if !(s > 0) || math.IsInf(float64(s), 0) {
			s = 1
		}
		scales[r] = s
		for i, x := range row {
			t.I8[r*per+i] = int8(min(max(math.Round(float64(x)/float64(s)), -127), 127))
		}
	}
	return scales, t
}

// rows quantizes a layer's weight (one scale per output channel) or an
// embedding table (one per row): symmetric int8 along dimension 0. A
// weight whose values all lie on one int8 grid (trained weight sharing
// snaps its centroids there) gets that grid's scale, one for the whole
// tensor: its int8 values are then the grid's integers, exactly, and the
// codebook stays what sharing made it, which per-channel scales would
// scatter over many more values.
func (q *quantizer) rows(f *ir.Value, what string) (*ir.Value, string) {
	if f.Data == nil {
		return nil, fmt.Sprintf("%s %s has no data", what, f.Name)
	}
	if p := q.opt.Given[f.Name]; p != nil {
		return q.givenRows(f, p)
	}
	rows := f.Type.Dims[0]
	if what == "weight" && (q.opt.PerTensorWeights || onInt8Grid(f.Data.F32)) {
		rows = 1 // asked for, or shared weights: one scale keeps them exact
	}
	scales, t := symmetric(f.Data, rows)
	w := &ir.Value{Name: f.Name + ".q", Op: ir.OpParam, Type: f.Type.WithDType(tensor.I8), Data: t,
		Quant: &ir.QuantParams{Scale: scales, Zero: []int32{0}, Axis: 0}, Pos: f.Pos}
	q.dst.Append(w)
	return w, ""
}

// GivenRanges returns the ranges that given int8 parameters stand for, by
// name, for g's values that are not parameters: [S*(-128-Z), S*(127-Z)].
// They are what calibration would have to find for the quantize pass to
// choose those parameters, and, with Quantization.Given, let a model whose
// file fixes them build with no calibration data.
func GivenRanges(g *ir.Graph, given map[string]*ir.QuantParams) map[string]Range {
	out := map[string]Range{}
	for name, p := range given {
		if v := g.Lookup(name); v != nil && v.Op != ir.OpParam && len(p.Scale) == 1 {
			s, z := float64(p.Scale[0]), float64(p.Zero[0])
			out[name] = Range{Lo: s * (-128 - z), Hi: s * (127 - z)}
		}
	}
	return out
}

// givenRows quantizes a weight or table on the grid its given parameters
// name: symmetric (zero point 0), one scale or one per row of dimension 0,
// every value within float rounding of a grid point in [-127, 127].
func (q *quantizer) givenRows(f *ir.Value, p *ir.QuantParams) (*ir.Value, string) {
	rows := f.Type.Dims[0]
	if p.PerChannel() && (p.Axis != 0 || len(p.Scale) != rows) {
		return nil, fmt.Sprintf("the given parameters of %s have %d scales along axis %d; kiln's are one per row of dimension 0 (%d)", f.Name, len(p.Scale), p.Axis, rows)
	}
	for _, z := range p.Zero {
		if z != 0 {
			return nil, fmt.Sprintf("the given zero point of %s is %d; kiln's int8 weights are symmetric (zero point 0)", f.Name, z)
		}
	}
	per := f.Data.Len() / rows
	t := tensor.New(tensor.I8, f.Data.Shape...)
	for i, x := range f.Data.F32 {
		s := float64(p.Scale[min(i/per, len(p.Scale)-1)])
		k := float64(x) / s
		r := math.Round(k)
		if math.Abs(k-r) > 1e-3 || r < -127 || r > 127 {
			return nil, fmt.Sprintf("%s[%d] = %g is not on its given int8 grid (scale %g, [-127, 127])", f.Name, i, x, s)
		}
		t.I8[i] = int8(r)
	}
	scales := append([]float32(nil), p.Scale...)
	w := &ir.Value{Name: f.Name + ".q", Op: ir.OpParam, Type: f.Type.WithDType(tensor.I8), Data: t,
		Quant: &ir.QuantParams{Scale: scales, Zero: []int32{0}, Axis: 0}, Pos: f.Pos}
	q.dst.Append(w)
	return w, ""
}

// onInt8Grid says whether every w is, within float32 rounding, an
// integer multiple of the per-tensor step max|w| / 127. A tensor of
// trained float weights is not: its values are spread over the reals.
func onInt8Grid(w []float32) bool {
	m := 0.0
	for _, x := range w {
		m = math.Max(m, math.Abs(float64(x)))
	}
	s := float64(float32(m / 127))
	if !(s > 0) || math.IsInf(s, 0) {
		return false
	}
	for _, x := range w {
		k := float64(x) / s
		if math.Abs(k-math.Round(k)) > 1e-3 {
			return false
		}
	}
	return true
}

// bias quantizes a layer's bias to int32 with scale S_in * S_w[c] (in
// float32, as TFLite's converter computes it) and zero point 0, for its
// int8 input x and weight w.
func (q *quantizer) bias(fb, x, w *ir.Value) (*ir.Value, string) {
	if fb.Data == nil {
		return nil, fmt.Sprintf("bias %s has no data", fb.Name)
	}
	data := make([]float64, fb.Data.Len())
	for i, f := range fb.Data.F32 {
		data[i] = float64(f)
	}
	return q.int32Bias(fb, data, x, w), ""
}

// int32Bias writes data, the float bias of parameter fb's role, as an
// int32 bias for int8 input x and weight w: one scale per weight scale
// (one in all for a weight quantized per tensor).
func (q *quantizer) int32Bias(fb *ir.Value, data []float64, x, w *ir.Value) *ir.Value {
	sx := x.Quant.Scale[0]
	bs := make([]float32, len(w.Quant.Scale))
	for c := range bs {
		bs[c] = sx * w.Quant.Scale[c]
	}
	qb := tensor.New(tensor.I32, len(data))
	for c := range data {
		r := math.Round(data[c] / float64(bs[min(c, len(bs)-1)]))
		qb.I32[c] = int32(min(max(r, math.MinInt32), math.MaxInt32))
	}
	b := &ir.Value{Name: fb.Name + ".q", Op: ir.OpParam, Type: fb.Type.WithDType(tensor.I32), Data: qb,
		Quant: &ir.QuantParams{Scale: bs, Zero: []int32{0}, Axis: 0}, Pos: fb.Pos}
	q.dst.Append(b)
	return b
}

// affine is a per-channel affine op's float scale and shift,
// y = a[c]*x + b[c] (Lowering.Affine).
type affine struct{ a, b []float64 }

// affineOf computes v's scale and shift from its bound parameters, or
// says why it cannot.
func affineOf(v *ir.Value, l *ir.Lowering) (*affine, string) {
	for _, p := range v.Args[1:] {
		if p.Data == nil || p.Data.DType != tensor.F32 {
			return nil, fmt.Sprintf("parameter %s has no float data", p.Name)
		}
	}
	a, b := l.Affine(v)
	for c := range a {
		if math.IsNaN(a[c]) || math.IsInf(a[c], 0) || math.IsNaN(b[c]) || math.IsInf(b[c], 0) {
			return nil, fmt.Sprintf("channel %d's scale %g or shift %g is not finite (check the parameters of %s)", c, a[c], b[c], v.Name)
		}
	}
	return &affine{a: a, b: b}, ""
}

// maxAffineBias bounds an affine op's int32 bias: with |w*(q - Z_in)| at
// most 127*255, the accumulator then stays far inside int32.
const maxAffineBias = 1 << 30

// affineWeight quantizes an affine op's scale a as symmetric int8 weights
// with one scale per channel, in place of parameter fp: S_w[c] =
// |a[c]|/127 and the weight a[c]/S_w[c] = ±127, which holds a[c] to
// float32 precision and puts its sign in the weight, so that the
// multiplier S_in*S_w[c]/S_out stays positive. Where the shift's bias
// b[c]/(S_in*S_w[c]) would pass 2^30 (a channel whose scale is all but
// zero next to its shift), S_w[c] = |b[c]|/(S_in*2^30) instead and the
// weight is a[c]/S_w[c] rounded, below 127.
func (q *quantizer) affineWeight(fp *ir.Value, aff *affine, x *ir.Value) *ir.Value {
	sx := float64(x.Quant.Scale[0])
	channels := len(aff.a)
	scales := make([]float32, channels)
	t := tensor.New(tensor.I8, channels)
	for c, a := range aff.a {
		s := float32(max(math.Abs(a)/127, math.Abs(aff.b[c])/(sx*maxAffineBias)))
		if !(s > 0) || math.IsInf(float64(s), 0) {
			s = 1
		}
		scales[c] = s
		t.I8[c] = int8(min(max(math.Round(a/float64(s)), -127), 127))
	}
	w := &ir.Value{Name: fp.Name + ".q", Op: ir.OpParam, Type: ir.Unbatched(tensor.I8, channels), Data: t,
		Quant: &ir.QuantParams{Scale: scales, Zero: []int32{0}, Axis: 0}, Pos: fp.Pos}
	q.dst.Append(w)
	return w
}
