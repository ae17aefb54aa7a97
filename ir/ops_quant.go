package ir

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
)

// Quantized ops: the int8 counterparts of the float ops, with the integer
// semantics of TFLite's reference kernels (runtime/kernels/ref, bit for
// bit). Their fixed-point multipliers are not stored in the graph: they
// follow from the quantization parameters of the operands and the result,
// computed as TFLite's Prepare computes them (runtime/fixedpoint), so the
// graph holds one source of truth. Activations are per-tensor asymmetric
// int8; weights symmetric int8 with one scale per output channel (or one
// for all); biases int32 with scale S_in * S_w[c], zero point 0.
//
// Each row's QuantRule states what its quantization parameters must
// satisfy; the verifier checks it.

var clampAttr = AttrSpec{Name: "clamp", Kind: AttrInts, Len: 2, Default: []int{-128, 127}, Doc: "the output clamp [lo, hi] (a fused activation)"}

// scaleZero returns a per-tensor value's scale and zero point.
func scaleZero(v *Value) (float32, int32) { return v.Quant.Scale[0], v.Quant.Zero[0] }

func clampOf(v *Value) (int32, int32) {
	c := v.Attrs.Ints("clamp")
	return int32(c[0]), int32(c[1])
}

func requant(d float64) ref.Requant {
	m, s := fixedpoint.QuantizeMultiplier(d)
	return ref.Requant{Mult: m, Shift: s}
}

// qInfer adapts a float op's shape rule to its quantized twin: int8 data
// operands (int32 for ids and biases) in, int8 out.
func qInfer(name string, float *Op) func(in []Type, a Attrs) (Type, error) {
	return func(in []Type, a Attrs) (Type, error) {
		ft := make([]Type, len(in))
		for i, t := range in {
			want := tensor.I8
			switch {
			case (float == OpEmbedding || float == OpEmbeddingBag) && i == 0, i == 2 && (float == OpDense || float == OpConv1D || float == OpConv2D):
				want = tensor.I32
			}
			if t.DType != want {
				return Type{}, fmt.Errorf("%s: operand %d must be %v, got %v", name, i+1, want, t)
			}
			ft[i] = t.WithDType(tensor.F32)
			if want == tensor.I32 && i == 0 {
				ft[i] = t
			}
		}
		out, err := float.Infer(ft, a)
		if err != nil {
			return Type{}, fmt.Errorf("%s%s", "q", err.Error())
		}
		return out.WithDType(tensor.I8), nil
	}
}

// Quantization rules.

func needPerTensor(v *Value, role string) error {
	q := v.Quant
	if q == nil {
		return fmt.Errorf("%s %s has no quantization parameters", role, valueRef(v.Name))
	}
	if len(q.Scale) != 1 || len(q.Zero) != 1 {
		return fmt.Errorf("%s %s must be quantized per tensor, got %v", role, valueRef(v.Name), q)
	}
	return nil
}

// needFixed checks an output whose parameters the kernel fixes.
func needFixed(v *Value, scale float32, zero int32) error {
	if err := needPerTensor(v, "the result"); err != nil {
		return err
	}
	if s, z := scaleZero(v); s != scale || z != zero {
		return fmt.Errorf("the result must have q(%s, %d), got %v", formatF32(scale), zero, v.Quant)
	}
	return nil
}

// sameQuant checks ops whose result shares its operand's parameters.
func sameQuant(v *Value) error {
	x := v.Args[0]
	if x.Quant == nil && v.Quant == nil {
		return nil
	}
	if !x.Quant.Equal(v.Quant) {
		return fmt.Errorf("the result's quantization %v must equal the operand's %v", quantString(v.Quant), quantString(x.Quant))
	}
	return nil
}

func quantString(q *QuantParams) string {
	if q == nil {
		return "(none)"
	}
	return q.String()
}

// perTensorArgs checks that the data operands and the result are
// quantized per tensor.
func perTensorArgs(n int) func(v *Value) error {
	return func(v *Value) error {
		for i, a := range v.Args[:min(n, len(v.Args))] {
			if err := needPerTensor(a, fmt.Sprintf("operand %d", i+1)); err != nil {
				return err
			}
		}
		return needPerTensor(v, "the result")
	}
}

// weightRule checks a layer's weight and bias against its input: weights
// symmetric (zero point 0) with one scale per output channel or one for
// all, biases int32 with scale S_in * S_w[c] (in float32, as TFLite's
// converter computes it) and zero point 0.
func weightRule(v *Value) error {
	if err := perTensorArgs(1)(v); err != nil {
		return err
	}
	x, w := v.Args[0], v.Args[1]
	if w.Quant == nil {
		return fmt.Errorf("weight %s has no quantization parameters", valueRef(w.Name))
	}
	channels := w.Type.Dims[0]
	if w.Quant.Axis != 0 || (len(w.Quant.Scale) != 1 && len(w.Quant.Scale) != channels) {
		return fmt.Errorf("weight %s needs one scale per output channel (axis 0) or one in all, got %v", valueRef(w.Name), w.Quant)
	}
	for _, z := range w.Quant.Zero {
		if z != 0 {
			return fmt.Errorf("weight %s must be symmetric (zero point 0), got %v", valueRef(w.Name), w.Quant)
		}
	}
	if w.Data != nil {
		for _, q := range w.Data.I8 {
			if q == -128 {
				return fmt.Errorf("weight %s holds -128: symmetric weights stay in [-127, 127]", valueRef(w.Name))
			}
		}
	}
	if len(v.Args) < 3 {
		return nil
	}
	b := v.Args[2]
	if b.Quant == nil || len(b.Quant.Scale) != len(w.Quant.Scale) || len(b.Quant.Zero) != 1 || b.Quant.Zero[0] != 0 {
		return fmt.Errorf("bias %s must have one scale per weight scale and zero point 0, got %v", valueRef(b.Name), quantString(b.Quant))
	}
	sx, _ := scaleZero(x)
	for c, sw := range w.Quant.Scale {
		if want := sx * sw; b.Quant.Scale[c] != want {
			return fmt.Errorf("bias %s scale %s for channel %d is not input scale %s times weight scale %s (%s)",
				valueRef(b.Name), formatF32(b.Quant.Scale[c]), c, formatF32(sx), formatF32(sw), formatF32(want))
		}
	}
	return nil
}

func clampRule(v *Value) error {
	lo, hi := clampOf(v)
	if lo < -128 || hi > 127 || lo > hi {
		return fmt.Errorf("clamp [%d,%d] must lie within [-128,127], low end first", lo, hi)
	}
	return nil
}

func allRules(rules ...func(*Value) error) func(*Value) error {
	return func(v *Value) error {
		for _, r := range rules {
			if err := r(v); err != nil {
				return err
			}
		}
		return nil
	}
}

// The boundary ops.

// OpQuantize turns float input into int8: Z + round(x / S), clamped.
var OpQuantize = Register(&Op{
	Name:     "quantize",
	Integer:  true,
	Doc:      "float to int8 at the model's boundary: Z + round(x / S), clamped (TFLite's Quantize)",
	Operands: []Operand{{Name: "x"}},
	Infer: func(in []Type, a Attrs) (Type, error) {
		if err := needF32("quantize", "input", in[0]); err != nil {
			return Type{}, err
		}
		return in[0].WithDType(tensor.I8), nil
	},
	QuantRule: func(v *Value) error { return needPerTensor(v, "the result") },
	Opcode:    kbc.OpQuantize,
	Instr:     func(v *Value, _ any) Instr { return Instr{Tensors: args(v)} },
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		s, z := scaleZero(v)
		ref.Quantize(s, z, in[0].F32, out.I8)
		return nil
	},
})

// OpDequantize turns int8 back into float: S * (q - Z).
var OpDequantize = Register(&Op{
	Name:     "dequantize",
	Integer:  true,
	Doc:      "int8 to float at the model's boundary: S * (q - Z)",
	Operands: []Operand{{Name: "x"}},
	Infer: func(in []Type, a Attrs) (Type, error) {
		if in[0].DType != tensor.I8 {
			return Type{}, fmt.Errorf("dequantize: input must be i8, got %v", in[0])
		}
		return in[0].WithDType(tensor.F32), nil
	},
	QuantRule: func(v *Value) error { return needPerTensor(v.Args[0], "the input") },
	Opcode:    kbc.OpDequantize,
	Instr:     func(v *Value, _ any) Instr { return Instr{Tensors: args(v)} },
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		s, z := scaleZero(v.Args[0])
		ref.Dequantize(s, z, in[0].I8, out.F32)
		return nil
	},
})

// OpRequantize rescales int8 to other parameters and clamps: TFLite's int8
// Relu/Relu6 when the clamp is an activation's, its Requantize otherwise.
var OpRequantize = Register(&Op{
	Name:      "qrequantize",
	Integer:   true,
	Doc:       "int8 rescale to the result's parameters, then clamp: clamp(MBQM(q - Z_in, S_in/S_out) + Z_out) (TFLite's int8 Relu and Requantize)",
	Operands:  []Operand{{Name: "x"}},
	Attrs:     []AttrSpec{clampAttr},
	QuantRule: allRules(perTensorArgs(1), clampRule),
	Infer: func(in []Type, a Attrs) (Type, error) {
		if in[0].DType != tensor.I8 {
			return Type{}, fmt.Errorf("qrequantize: input must be i8, got %v", in[0])
		}
		return in[0], nil
	},
	Params: func(v *Value) any {
		sx, zx := scaleZero(v.Args[0])
		so, zo := scaleZero(v)
		p := RequantizeClamp{R: ref.RequantizeParams{InputOffset: -zx, OutputOffset: zo, R: requant(float64(sx) / float64(so))}}
		p.Lo, p.Hi = clampOf(v)
		return p
	},
	Opcode: kbc.OpRequantize,
	Instr: func(v *Value, p any) Instr {
		r := p.(RequantizeClamp)
		return Instr{Tensors: args(v), Ints: ints("in_offset", r.R.InputOffset, "out_offset", r.R.OutputOffset,
			"mult", r.R.R.Mult, "shift", r.R.R.Shift, "act_min", r.Lo, "act_max", r.Hi)}
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(RequantizeClamp)
		ref.RequantizeClamp(&p.R, p.Lo, p.Hi, in[0].I8, out.I8)
		return nil
	},
})

// The layers.

// OpQDense is the int8 fully connected layer: per-channel weights as
// TFLite's FullyConnectedPerChannel, a single weight scale as its
// per-tensor FullyConnected (whose multiplier rounds S_in * S_w to float32
// first).
var OpQDense = Register(&Op{
	Name:      "qdense",
	Integer:   true,
	Doc:       "int8 dense layer (TFLite FullyConnected / FullyConnectedPerChannel)",
	Operands:  []Operand{{Name: "x"}, {Name: "weight", Param: true}, {Name: "bias", Param: true, Optional: true}},
	Attrs:     []AttrSpec{clampAttr},
	Infer:     qInfer("qdense", OpDense),
	QuantRule: allRules(weightRule, clampRule),
	MACC:      OpDense.MACC,
	Params: func(v *Value) any {
		x, w := v.Args[0], v.Args[1]
		sx, zx := scaleZero(x)
		so, zo := scaleZero(v)
		units, k := w.Type.Dims[0], w.Type.Dims[1]
		p := ref.DenseParams{Rows: x.Type.Elems() / k, In: k, Units: units, InputOffset: -zx, OutputOffset: zo}
		if len(w.Quant.Scale) == 1 {
			p.Out = []ref.Requant{requant(fixedpoint.DenseMultiplierPerTensor(sx, w.Quant.Scale[0], so))}
		} else {
			for _, sw := range w.Quant.Scale {
				p.Out = append(p.Out, requant(fixedpoint.ConvMultiplier(sx, sw, so)))
			}
		}
		p.ActMin, p.ActMax = clampOf(v)
		return p
	},
	Opcode: kbc.OpDense,
	Instr: func(v *Value, p any) Instr {
		d := p.(ref.DenseParams)
		var in Instr
		mult, shift := in.requants(v.Name, d.Out)
		in.Tensors = []InstrOperand{{Value: v.Args[0]}, {Value: v.Args[1]}, in.bias(v, d.Units), mult, shift}
		in.Ints = ints("in_offset", d.InputOffset, "out_offset", d.OutputOffset, "act_min", d.ActMin, "act_max", d.ActMax)
		return in
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.DenseParams)
		p.Rows = len(out.I8) / p.Units
		ref.Dense(&p, in[0].I8, in[1].I8, biasOf(in), out.I8)
		return nil
	},
})

func biasOf(in []*tensor.Tensor) []int32 {
	if len(in) == 3 {
		return in[2].I32
	}
	return nil
}

func newQConv(name string, float *Op) *Op {
	return &Op{
		Name:      name,
		Integer:   true,
		Doc:       "int8 convolution with per-channel weights (TFLite ConvPerChannel; depthwise when groups = channels)",
		Operands:  []Operand{{Name: "x"}, {Name: "weight", Param: true}, {Name: "bias", Param: true, Optional: true}},
		Attrs:     append(append([]AttrSpec{}, convAttrs[:4]...), clampAttr),
		Infer:     qInfer(name, float),
		QuantRule: allRules(weightRule, clampRule),
		MACC:      float.MACC,
		Params:    convParams,
		Opcode:    kbc.OpConv,
		Instr: func(v *Value, p any) Instr {
			c := p.(ref.ConvParams)
			var in Instr
			mult, shift := in.requants(v.Name, c.Out)
			in.Tensors = []InstrOperand{{Value: v.Args[0]}, {Value: v.Args[1]}, in.bias(v, c.F), mult, shift}
			in.Ints = ints("stride_h", c.StrideH, "stride_w", c.StrideW, "pad_h", c.PadH, "pad_w", c.PadW,
				"dilation_h", c.DilationH, "dilation_w", c.DilationW, "groups", c.Groups,
				"in_offset", c.InputOffset, "out_offset", c.OutputOffset, "act_min", c.ActMin, "act_max", c.ActMax)
			return in
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			p := KernelParams(v).(ref.ConvParams)
			p.N = in[0].Shape[0]
			ref.Conv(&p, in[0].I8, in[1].I8, biasOf(in), out.I8)
			return nil
		},
	}
}

func convParams(v *Value) any {
	x, w := v.Args[0], v.Args[1]
	g := geometry(x.Type, w.Type, v.Attrs)
	sx, zx := scaleZero(x)
	so, zo := scaleZero(v)
	p := ref.ConvParams{N: 1, C: g.C, H: g.H, W: g.W, F: g.F, KH: g.KH, KW: g.KW, OH: g.OH, OW: g.OW,
		StrideH: g.SH, StrideW: g.SW, PadH: g.PH, PadW: g.PW, DilationH: g.DH, DilationW: g.DW, Groups: g.G,
		InputOffset: -zx, OutputOffset: zo}
	for _, sw := range w.Quant.Scale {
		p.Out = append(p.Out, requant(fixedpoint.ConvMultiplier(sx, sw, so)))
	}
	p.ActMin, p.ActMax = clampOf(v)
	return p
}

// The int8 convolutions.
var (
	OpQConv1D = Register(newQConv("qconv1d", OpConv1D))
	OpQConv2D = Register(newQConv("qconv2d", OpConv2D))
)

// OpQBatchNorm is an inference batch norm that folds into no layer (after
// a pooling, an add, an input), as the per-channel affine map it is:
// y = a[c]*x + b[c] with a = gamma/sqrt(var+eps) and b = beta - mean*a
// folded in float, a quantized as symmetric int8 weights with one scale
// per channel (±127, the sign of a[c] in the weight) and b as an int32
// bias at S_in*S_w[c]. Its kernel is a depthwise 1x1 convolution,
// TFLite's DepthwiseConvPerChannel with per-channel requantization:
//
//	acc = w[c] * (q - Z_in) + bias[c]
//	out = clamp(MBQM(acc, M[c], s[c]) + Z_out),  M[c] = S_in*S_w[c]/S_out
var OpQBatchNorm = Register(&Op{
	Name:    "qbatchnorm",
	Integer: true,
	Doc: "int8 batch norm that folds into no layer, as a per-channel affine map: acc = w[c]*(q - Z_in) + bias[c], " +
		"out = clamp(MBQM(acc, S_in*S_w[c]/S_out) + Z_out), with w = ±127 (S_w[c] = |a[c]|/127) and bias = b[c]/(S_in*S_w[c]) " +
		"for a = gamma/sqrt(var+eps), b = beta - mean*a (TFLite's DepthwiseConvPerChannel, 1x1)",
	Operands:  []Operand{{Name: "x"}, {Name: "weight", Param: true}, {Name: "bias", Param: true}},
	Attrs:     []AttrSpec{clampAttr},
	QuantRule: allRules(weightRule, clampRule),
	Infer: func(in []Type, a Attrs) (Type, error) {
		x, w, b := in[0], in[1], in[2]
		if x.DType != tensor.I8 || x.Rank() < 1 {
			return Type{}, fmt.Errorf("qbatchnorm: input must be i8 with a channel dimension, got %v", x)
		}
		c := x.Dims[0]
		if w.DType != tensor.I8 || w.Rank() != 1 || w.Dims[0] != c {
			return Type{}, fmt.Errorf("qbatchnorm: weight must be i8[%d], got %v", c, w)
		}
		if b.DType != tensor.I32 || b.Rank() != 1 || b.Dims[0] != c {
			return Type{}, fmt.Errorf("qbatchnorm: bias must be i32[%d], got %v", c, b)
		}
		return x, nil
	},
	Params: func(v *Value) any {
		x, w := v.Args[0], v.Args[1]
		sx, zx := scaleZero(x)
		so, zo := scaleZero(v)
		c := x.Type.Dims[0]
		p := ref.AffineParams{N: 1, C: c, Inner: x.Type.Elems() / max(c, 1), InputOffset: -zx, OutputOffset: zo}
		for _, sw := range w.Quant.Scale {
			p.Out = append(p.Out, requant(fixedpoint.ConvMultiplier(sx, sw, so)))
		}
		p.ActMin, p.ActMax = clampOf(v)
		return p
	},
	Opcode: kbc.OpAffine,
	Instr: func(v *Value, p any) Instr {
		a := p.(ref.AffineParams)
		var in Instr
		mult, shift := in.requants(v.Name, a.Out)
		in.Tensors = []InstrOperand{{Value: v.Args[0]}, {Value: v.Args[1]}, {Value: v.Args[2]}, mult, shift}
		in.Ints = ints("in_offset", a.InputOffset, "out_offset", a.OutputOffset, "act_min", a.ActMin, "act_max", a.ActMax)
		return in
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.AffineParams)
		p.N = batchOf(v.Args[0].Type, in[0])
		ref.Affine(&p, in[0].I8, in[1].I8, in[2].I32, out.I8)
		return nil
	},
})

// Pooling: the result shares the operand's parameters.

func newQPool(name string, float *Op, opcode kbc.Opcode, kernel func(*ref.PoolParams, []int8, []int8)) *Op {
	return &Op{
		Name:      name,
		Integer:   true,
		Doc:       "int8 " + float.Doc + " (TFLite's int8 pooling; the result keeps the operand's scale and zero point)",
		Operands:  []Operand{{Name: "x"}},
		Attrs:     append(append([]AttrSpec{}, poolAttrs...), clampAttr),
		Infer:     qInfer(name, float),
		QuantRule: allRules(perTensorArgs(1), sameQuant, clampRule),
		Params: func(v *Value) any {
			g := poolGeometry(v.Args[0].Type, v.Attrs)
			p := ref.PoolParams{N: 1, C: g.C, H: g.H, W: g.W, KH: g.KH, KW: g.KW, StrideH: g.SH, StrideW: g.SW,
				PadH: g.PH, PadW: g.PW, OH: g.OH, OW: g.OW}
			p.ActMin, p.ActMax = clampOf(v)
			return p
		},
		Opcode: opcode,
		Instr: func(v *Value, p any) Instr {
			q := p.(ref.PoolParams)
			return Instr{Tensors: args(v), Ints: ints("kernel_h", q.KH, "kernel_w", q.KW, "stride_h", q.StrideH, "stride_w", q.StrideW,
				"pad_h", q.PadH, "pad_w", q.PadW, "act_min", q.ActMin, "act_max", q.ActMax)}
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			p := KernelParams(v).(ref.PoolParams)
			p.N = in[0].Shape[0]
			kernel(&p, in[0].I8, out.I8)
			return nil
		},
	}
}

// The int8 pools.
var (
	OpQMaxPool = Register(newQPool("qmaxpool", OpMaxPool, kbc.OpMaxPool, ref.MaxPool))
	OpQAvgPool = Register(newQPool("qavgpool", OpAvgPool, kbc.OpAvgPool, ref.AvgPool))
)

// OpQGlobalAvgPool averages each channel (TFLite's integer Mean over the
// spatial axes).
var OpQGlobalAvgPool = Register(&Op{
	Name:      "qglobal_avgpool",
	Integer:   true,
	Doc:       "int8 mean of each channel over its positions (TFLite's integer Mean)",
	Operands:  []Operand{{Name: "x"}},
	Infer:     qInfer("qglobal_avgpool", OpGlobalAvgPool),
	QuantRule: perTensorArgs(1),
	Params: func(v *Value) any {
		sx, zx := scaleZero(v.Args[0])
		so, zo := scaleZero(v)
		return ref.MeanParamsFor(sx, zx, so, zo, v.Type.Elems(), prod(v.Args[0].Type.Dims[1:]), 1)
	},
	Opcode: kbc.OpMean,
	Instr:  func(v *Value, p any) Instr { return reduceInstr(v, p.(ref.MeanParams)) },
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.MeanParams)
		p.Outer *= batchOf(v.Args[0].Type, in[0])
		ref.Mean(&p, in[0].I8, out.I8)
		return nil
	},
})

// reduceView returns the [outer, reduce, inner] view of a reduction over
// contiguous axes, or false when its axes are not contiguous.
func reduceView(t Type, a Attrs, batch int) (outer, reduce, inner int, ok bool) {
	axes, err := reduceAxes("", t, a)
	if err != nil || len(axes) == 0 {
		return 0, 0, 0, false
	}
	for i := 1; i < len(axes); i++ {
		if axes[i] != axes[i-1]+1 {
			return 0, 0, 0, false
		}
	}
	first, last := axes[0], axes[len(axes)-1]
	return batch * prod(t.Dims[:first]), prod(t.Dims[first : last+1]), prod(t.Dims[last+1:]), true
}

// contiguousAxes is the reductions' lowering check: the int8 kernels
// reduce one run of contiguous axes. The advice reduces each run in
// turn, the last first, so that the earlier axes keep their numbers (a
// mean of equal-sized means is the mean).
func contiguousAxes(v *Value) string {
	x := v.Args[0].Type
	if _, _, _, ok := reduceView(x, v.Attrs, 1); ok {
		return ""
	}
	axes := ReduceAxes(x, v.Attrs)
	var runs [][]int
	for i, a := range axes {
		if i > 0 && a == axes[i-1]+1 {
			runs[len(runs)-1] = append(runs[len(runs)-1], a)
			continue
		}
		runs = append(runs, []int{a})
	}
	keep := ""
	if v.Attrs.Bool("keepdims") {
		keep = ", keepdims=true"
	}
	fix := "x"
	for i := len(runs) - 1; i >= 0; i-- {
		fix = fmt.Sprintf("%s(%s, axis=%s%s)", v.Op.Name, fix, listText(runs[i]), keep)
	}
	return fmt.Sprintf("the int8 %s (TFLite's) reduces one run of adjacent axes, not axes %s of %s: reduce one run at a time, e.g. %s",
		v.Op.Name, listText(axes), listText(x.Dims), fix)
}

// listText writes a list of ints (axes, a per-sample shape) as the
// language does: [2, 3, 4].
func listText(l []int) string {
	s := make([]string, len(l))
	for i, d := range l {
		s[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// reduceInstr fills MEAN's or SUM's schema (the same parameters).
func reduceInstr(v *Value, q ref.MeanParams) Instr {
	return Instr{Tensors: args(v), Ints: ints("outer", q.Outer, "reduce", q.Reduce, "inner", q.Inner,
		"in_offset", q.InputOffset, "out_offset", q.OutputOffset, "mult", q.R.Mult, "shift", q.R.Shift,
		"act_min", q.ActMin, "act_max", q.ActMax)}
}

func newQReduce(name string, float *Op, mean bool) *Op {
	opcode := kbc.OpSum
	if mean {
		opcode = kbc.OpMean
	}
	return &Op{
		Name:       name,
		Integer:    true,
		Doc:        "int8 " + float.Doc + " over contiguous axes (TFLite's integer " + map[bool]string{true: "Mean", false: "Sum"}[mean] + ")",
		Operands:   []Operand{{Name: "x"}},
		Attrs:      reduceAttrs,
		Positional: []string{"axis"},
		Infer: func(in []Type, a Attrs) (Type, error) {
			t, err := qInfer(name, float)(in, a)
			if err == nil {
				if _, _, _, ok := reduceView(in[0], a, 1); !ok {
					err = fmt.Errorf("%s: the reduced axes %s must be contiguous", name, formatAttr(a.Ints("axis")))
				}
			}
			return t, err
		},
		QuantRule: perTensorArgs(1),
		Params: func(v *Value) any {
			sx, zx := scaleZero(v.Args[0])
			so, zo := scaleZero(v)
			outer, reduce, inner, _ := reduceView(v.Args[0].Type, v.Attrs, 1)
			if mean {
				return ref.MeanParamsFor(sx, zx, so, zo, outer, reduce, inner)
			}
			return ref.SumParamsFor(sx, zx, so, zo, outer, reduce, inner)
		},
		Opcode: opcode,
		Instr: func(v *Value, p any) Instr {
			if s, ok := p.(ref.SumParams); ok {
				return reduceInstr(v, ref.MeanParams(s))
			}
			return reduceInstr(v, p.(ref.MeanParams))
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			n := batchOf(v.Args[0].Type, in[0])
			switch p := KernelParams(v).(type) {
			case ref.MeanParams:
				p.Outer *= n
				ref.Mean(&p, in[0].I8, out.I8)
			case ref.SumParams:
				p.Outer *= n
				ref.Sum(&p, in[0].I8, out.I8)
			}
			return nil
		},
	}
}

// The int8 reductions.
var (
	OpQSum  = Register(newQReduce("qsum", OpSum, false))
	OpQMean = Register(newQReduce("qmean", OpMean, true))
)

// Elementwise arithmetic.

// qBroadcast describes an elementwise op's operands for the kernels.
func qBroadcast(v *Value, out *tensor.Tensor) *ref.Broadcast {
	dims := v.Type.Dims
	xs, xb := broadcastStrides(v.Args[0].Type, dims)
	ys, yb := broadcastStrides(v.Args[1].Type, dims)
	b := &ref.Broadcast{Shape: append([]int{}, dims...), XStrides: xs, YStrides: ys}
	if v.Type.Batched {
		b.Shape = append([]int{out.Shape[0]}, b.Shape...)
		b.XStrides = append([]int{xb}, xs...)
		b.YStrides = append([]int{yb}, ys...)
	}
	return b
}

func newQArith(name string, float *Op, sub bool) *Op {
	return &Op{
		Name:      name,
		Integer:   true,
		Doc:       "int8 " + float.Doc + " (TFLite's int8 " + map[bool]string{true: "Sub", false: "Add"}[sub] + ", the left-shift-20 scheme)",
		Operands:  []Operand{{Name: "x"}, {Name: "y"}},
		Attrs:     []AttrSpec{clampAttr},
		Infer:     qInfer(name, float),
		QuantRule: allRules(perTensorArgs(2), clampRule),
		Params: func(v *Value) any {
			s1, z1 := scaleZero(v.Args[0])
			s2, z2 := scaleZero(v.Args[1])
			so, zo := scaleZero(v)
			left, m1, sh1, m2, sh2, mo, sho := fixedpoint.AddParams(s1, s2, so)
			if sub {
				m2 = -m2 // TFLite's Sub: the second input's multiplier negated
			}
			p := ref.AddParams{Input1Offset: -z1, Input2Offset: -z2, OutputOffset: zo, LeftShift: left,
				Input1: ref.Requant{Mult: m1, Shift: sh1}, Input2: ref.Requant{Mult: m2, Shift: sh2}, Output: ref.Requant{Mult: mo, Shift: sho}}
			p.ActMin, p.ActMax = clampOf(v)
			return p
		},
		Opcode: map[bool]kbc.Opcode{false: kbc.OpAdd, true: kbc.OpSub}[sub],
		Instr: func(v *Value, p any) Instr {
			a := p.(ref.AddParams)
			return Instr{Tensors: args(v), Ints: ints("x_offset", a.Input1Offset, "y_offset", a.Input2Offset, "out_offset", a.OutputOffset,
				"left_shift", a.LeftShift, "x_mult", a.Input1.Mult, "x_shift", a.Input1.Shift, "y_mult", a.Input2.Mult, "y_shift", a.Input2.Shift,
				"out_mult", a.Output.Mult, "out_shift", a.Output.Shift, "act_min", a.ActMin, "act_max", a.ActMax)}
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			p := KernelParams(v).(ref.AddParams)
			ref.Add(&p, qBroadcast(v, out), in[0].I8, in[1].I8, out.I8)
			return nil
		},
	}
}

// The int8 additive ops.
var (
	OpQAdd = Register(newQArith("qadd", OpAdd, false))
	OpQSub = Register(newQArith("qsub", OpSub, true))
)

// OpQMul is TFLite's int8 Mul.
var OpQMul = Register(&Op{
	Name:      "qmul",
	Integer:   true,
	Doc:       "int8 elementwise product with broadcasting (TFLite's int8 Mul)",
	Operands:  []Operand{{Name: "x"}, {Name: "y"}},
	Attrs:     []AttrSpec{clampAttr},
	Infer:     qInfer("qmul", OpMul),
	QuantRule: allRules(perTensorArgs(2), clampRule),
	Params: func(v *Value) any {
		s1, z1 := scaleZero(v.Args[0])
		s2, z2 := scaleZero(v.Args[1])
		so, zo := scaleZero(v)
		p := ref.MulParams{Input1Offset: -z1, Input2Offset: -z2, OutputOffset: zo, Output: requant(fixedpoint.MulMultiplier(s1, s2, so))}
		p.ActMin, p.ActMax = clampOf(v)
		return p
	},
	Opcode: kbc.OpMul,
	Instr: func(v *Value, p any) Instr {
		m := p.(ref.MulParams)
		return Instr{Tensors: args(v), Ints: ints("x_offset", m.Input1Offset, "y_offset", m.Input2Offset, "out_offset", m.OutputOffset,
			"mult", m.Output.Mult, "shift", m.Output.Shift, "act_min", m.ActMin, "act_max", m.ActMax)}
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.MulParams)
		ref.Mul(&p, qBroadcast(v, out), in[0].I8, in[1].I8, out.I8)
		return nil
	},
})

// OpQConcat joins int8 tensors. TFLite's int8 concatenation needs every
// input to share the result's (S, Z); kiln's rule is that an input whose
// parameters differ is first rescaled to the result's with TFLite's
// Requantize, and one that matches is copied.
var OpQConcat = Register(&Op{
	Name:      "qconcat",
	Integer:   true,
	Doc:       "int8 concatenation; inputs whose scale or zero point differ from the result's are requantized (kiln's rule)",
	Operands:  []Operand{{Name: "x", Variadic: true}},
	Attrs:     OpConcat.Attrs,
	Infer:     qInfer("qconcat", OpConcat),
	QuantRule: func(v *Value) error { return perTensorArgs(len(v.Args))(v) },
	Params: func(v *Value) any {
		so, zo := scaleZero(v)
		var p ConcatInputs
		for _, a := range v.Args {
			sx, zx := scaleZero(a)
			same := sx == so && zx == zo
			p.Copy = append(p.Copy, same)
			r := ref.RequantizeParams{InputOffset: -zx, OutputOffset: zo}
			if !same {
				r.R = requant(float64(sx) / float64(so))
			}
			p.R = append(p.R, r)
		}
		return p
	},
	Opcode: kbc.OpConcat,
	Instr: func(v *Value, p any) Instr {
		c := p.(ConcatInputs)
		in := Instr{Tensors: args(v), Ints: ints("axis", v.Attrs.Int("axis"))}
		for i, r := range c.R {
			cp := 0
			if c.Copy[i] {
				cp = 1
			}
			in.PerInput = append(in.PerInput, ints("copy", cp, "in_offset", r.InputOffset, "out_offset", r.OutputOffset, "mult", r.R.Mult, "shift", r.R.Shift))
		}
		return in
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ConcatInputs)
		parts := make([]*tensor.Tensor, len(in))
		for i, x := range in {
			if p.Copy[i] {
				parts[i] = x
				continue
			}
			r := tensor.New(tensor.I8, x.Shape...)
			ref.Requantize(&p.R[i], x.I8, r.I8)
			parts[i] = r
		}
		return OpConcat.Eval(v, parts, out)
	},
})

// Activations with fixed-point kernels and fixed output parameters.

// OpQSoftmax is TFLite's int8 softmax over the last axis; its result has
// scale 1/256 and zero point -128.
var OpQSoftmax = Register(&Op{
	Name:     "qsoftmax",
	Integer:  true,
	Doc:      "int8 softmax over the last axis (TFLite's fixed-point Softmax); result q(1/256, -128)",
	Operands: []Operand{{Name: "x"}},
	Attrs:    OpSoftmax.Attrs,
	Infer: func(in []Type, a Attrs) (Type, error) {
		t, err := qInfer("qsoftmax", OpSoftmax)(in, a)
		if err == nil && a.Int("axis") != in[0].Rank()-1 {
			err = fmt.Errorf("qsoftmax: only the last axis, got axis %d of %v", a.Int("axis"), in[0])
		}
		return t, err
	},
	QuantRule: func(v *Value) error {
		if err := needPerTensor(v.Args[0], "the input"); err != nil {
			return err
		}
		return needFixed(v, 1.0/256, -128)
	},
	Params: func(v *Value) any {
		sx, _ := scaleZero(v.Args[0])
		return ref.SoftmaxParamsFor(sx, 1)
	},
	Opcode: kbc.OpSoftmax,
	Instr: func(v *Value, p any) Instr {
		s := p.(ref.SoftmaxParams)
		return Instr{Tensors: args(v), Ints: ints("beta_mult", s.InputBetaMultiplier, "beta_left_shift", s.InputBetaLeftShift, "diff_min", s.DiffMin)}
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.SoftmaxParams)
		depth := v.Type.Dims[v.Type.Rank()-1]
		ref.Softmax(&p, len(out.I8)/depth, depth, in[0].I8, out.I8)
		return nil
	},
})

// OpQLogistic is TFLite Micro's int8 logistic; result q(1/256, -128).
var OpQLogistic = Register(&Op{
	Name:     "qlogistic",
	Integer:  true,
	Doc:      "int8 sigmoid (TFLite Micro's fixed-point Logistic); result q(1/256, -128)",
	Operands: []Operand{{Name: "x"}},
	Infer:    qInfer("qlogistic", OpSigmoid),
	QuantRule: func(v *Value) error {
		if err := needPerTensor(v.Args[0], "the input"); err != nil {
			return err
		}
		return needFixed(v, 1.0/256, -128)
	},
	Params: func(v *Value) any { return ref.LogisticParamsFor(scaleZero(v.Args[0])) },
	Opcode: kbc.OpLogistic,
	Instr:  func(v *Value, p any) Instr { return fixedPointInstr(v, p.(ref.LogisticParams)) },
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.LogisticParams)
		ref.Logistic(&p, in[0].I8, out.I8)
		return nil
	},
})

// fixedPointInstr fills LOGISTIC's or TANH's schema.
func fixedPointInstr(v *Value, l ref.LogisticParams) Instr {
	return Instr{Tensors: args(v), Ints: ints("in_zero", l.InputZeroPoint, "range_radius", l.InputRangeRadius,
		"mult", l.InputMultiplier, "left_shift", l.InputLeftShift)}
}

// OpQTanh is TFLite's int8 tanh; result q(1/128, 0).
var OpQTanh = Register(&Op{
	Name:     "qtanh",
	Integer:  true,
	Doc:      "int8 tanh (TFLite's fixed-point Tanh); result q(1/128, 0)",
	Operands: []Operand{{Name: "x"}},
	Infer:    qInfer("qtanh", OpTanh),
	QuantRule: func(v *Value) error {
		if err := needPerTensor(v.Args[0], "the input"); err != nil {
			return err
		}
		return needFixed(v, 1.0/128, 0)
	},
	Params: func(v *Value) any { return ref.TanhParamsFor(scaleZero(v.Args[0])) },
	Opcode: kbc.OpTanh,
	Instr:  func(v *Value, p any) Instr { return fixedPointInstr(v, ref.LogisticParams(p.(ref.TanhParams))) },
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.TanhParams)
		ref.Tanh(&p, in[0].I8, out.I8)
		return nil
	},
})

// OpQHardSigmoid is kiln's int8 hard sigmoid (TFLite has none): with the
// result fixed at q(1/256, -128), -128 + round(256 (x + 3) / 6) is
// MBQM(q - Z_in, S_in * 128 / 3) exactly (256 * 3 / 6 = 128 cancels the
// zero point), clamped: TFLite's Requantize into the fixed output, run by
// REQUANTIZE. Within 1 LSB of the float formula (the multiply rounds twice
// when it shifts right).
var OpQHardSigmoid = Register(&Op{
	Name:     "qhard_sigmoid",
	Integer:  true,
	Doc:      "int8 hard sigmoid: TFLite's Requantize into the fixed result q(1/256, -128) (kiln's semantics)",
	Operands: []Operand{{Name: "x"}},
	Infer:    qInfer("qhard_sigmoid", OpHardSigmoid),
	QuantRule: func(v *Value) error {
		if err := needPerTensor(v.Args[0], "the input"); err != nil {
			return err
		}
		if err := needFixed(v, ref.HardSigmoidOutputScale, ref.HardSigmoidOutputZeroPoint); err != nil {
			return err
		}
		_, err := ref.HardSigmoidParamsFor(scaleZero(v.Args[0]))
		return err
	},
	Params: func(v *Value) any {
		r, err := ref.HardSigmoidParamsFor(scaleZero(v.Args[0]))
		if err != nil {
			panic(err)
		}
		return RequantizeClamp{R: r, Lo: -128, Hi: 127}
	},
	Opcode: kbc.OpRequantize,
	Instr:  OpRequantize.Instr,
	Eval:   OpRequantize.Eval,
})

// OpQHardSwish is TFLite's int8 HardSwish: int16 fixed point, with the
// reluish and output multipliers its Prepare computes.
var OpQHardSwish = Register(&Op{
	Name:     "qhard_swish",
	Integer:  true,
	Doc:      "int8 hard swish (TFLite's HardSwish, int16 fixed point)",
	Operands: []Operand{{Name: "x"}},
	Infer:    qInfer("qhard_swish", OpHardSwish),
	QuantRule: func(v *Value) error {
		if err := perTensorArgs(1)(v); err != nil {
			return err
		}
		sx, zx := scaleZero(v.Args[0])
		so, zo := scaleZero(v)
		_, err := ref.HardSwishParamsFor(sx, zx, so, zo)
		return err
	},
	Params: func(v *Value) any {
		sx, zx := scaleZero(v.Args[0])
		so, zo := scaleZero(v)
		p, err := ref.HardSwishParamsFor(sx, zx, so, zo)
		if err != nil {
			panic(err)
		}
		return p
	},
	Opcode: kbc.OpHardSwish,
	Instr: func(v *Value, p any) Instr {
		h := p.(ref.HardSwishParams)
		return Instr{Tensors: args(v), Ints: ints("in_zero", h.InputZeroPoint, "out_zero", h.OutputZeroPoint,
			"reluish_mult", int32(h.ReluishMultiplier), "reluish_exponent", h.ReluishExponent,
			"out_mult", int32(h.OutputMultiplier), "out_exponent", h.OutputExponent)}
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.HardSwishParams)
		ref.HardSwish(&p, in[0].I8, out.I8)
		return nil
	},
})

// Recommender ops, with kiln's own integer semantics (runtime/kernels/ref
// documents them).

// OpQEmbedding looks ids up in an int8 table with one scale per row.
var OpQEmbedding = Register(&Op{
	Name:     "qembedding",
	Integer:  true,
	Doc:      "int8 table lookup: symmetric int8 rows with one scale each, rescaled to the result's parameters (kiln's semantics)",
	Operands: []Operand{{Name: "ids"}, {Name: "weight", Param: true}},
	Infer:    qInfer("qembedding", OpEmbedding),
	QuantRule: func(v *Value) error {
		w := v.Args[1]
		if w.Quant == nil || w.Quant.Axis != 0 || len(w.Quant.Scale) != w.Type.Dims[0] || len(w.Quant.Zero) != 1 || w.Quant.Zero[0] != 0 {
			return fmt.Errorf("table %s needs one scale per row (axis 0) and zero point 0, got %s", valueRef(w.Name), quantString(w.Quant))
		}
		return needPerTensor(v, "the result")
	},
	Params: func(v *Value) any {
		so, zo := scaleZero(v)
		w := v.Args[1]
		return ref.EmbeddingParamsFor(w.Quant.Scale, w.Type.Dims[1], so, zo)
	},
	Opcode: kbc.OpEmbedding,
	// The bytecode holds the table already rescaled to the result's
	// parameters (every row looked up once, here, by the kernel itself),
	// with one identity rescale for all rows, MultiplyByQuantizedMultiplier(x,
	// 2^30, 1) = x: a row then costs its int8 values alone, not a scale,
	// a multiplier and a shift besides, and the VM's lookups give the same
	// bits.
	Instr: func(v *Value, p any) Instr {
		em := p.(ref.EmbeddingParams)
		var in Instr
		ids := make([]int32, em.Vocab)
		for i := range ids {
			ids[i] = int32(i)
		}
		rows := tensor.New(tensor.I8, em.Vocab, em.Dim)
		if err := ref.Embedding(&em, ids, v.Args[1].Data.I8, rows.I8); err != nil {
			panic(err) // every id is in range
		}
		mult, shift := in.requants(v.Name, []ref.Requant{{Mult: 1 << 30, Shift: 1}})
		table := in.constant(v.Args[1].Name+".rescaled", rows)
		in.Consts[table.Const].Quant = v.Quant // the result's: the rows are in its parameters
		in.Tensors = []InstrOperand{{Value: v.Args[0]}, table, mult, shift}
		in.Ints = ints("out_offset", 0)
		return in
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.EmbeddingParams)
		if err := ref.Embedding(&p, in[0].I32, in[1].I8, out.I8); err != nil {
			return fmt.Errorf("%s: %w", valueRef(v.Name), err)
		}
		return nil
	},
})

// OpQEmbeddingBag pools padded id lists over an int8 table with one scale
// per row (ref.EmbeddingBag's semantics).
var OpQEmbeddingBag = Register(&Op{
	Name:     "qembedding_bag",
	Integer:  true,
	Doc:      "int8 pooled lookup: symmetric int8 rows with one scale each, brought to the table's largest scale, summed in int32 and rescaled by a multiplier per count (kiln's semantics)",
	Operands: []Operand{{Name: "ids"}, {Name: "weight", Param: true}},
	Attrs:    OpEmbeddingBag.Attrs,
	Infer:    qInfer("qembedding_bag", OpEmbeddingBag),
	MACC:     OpEmbeddingBag.MACC,
	QuantRule: func(v *Value) error {
		w := v.Args[1]
		if w.Quant == nil || w.Quant.Axis != 0 || len(w.Quant.Scale) != w.Type.Dims[0] || len(w.Quant.Zero) != 1 || w.Quant.Zero[0] != 0 {
			return fmt.Errorf("table %s needs one scale per row (axis 0) and zero point 0, got %s", valueRef(w.Name), quantString(w.Quant))
		}
		for i, s := range w.Quant.Scale {
			if !(s > 0) || math.IsInf(float64(s), 0) {
				return fmt.Errorf("table %s: row %d's scale %v is not positive and finite", valueRef(w.Name), i, s)
			}
		}
		return needPerTensor(v, "the result")
	},
	Params: func(v *Value) any {
		so, zo := scaleZero(v)
		ids, w := v.Args[0].Type, v.Args[1]
		return ref.EmbeddingBagParamsFor(w.Quant.Scale, w.Type.Dims[1], ids.Dims[ids.Rank()-1],
			int32(v.Attrs.Int("pad")), v.Attrs.String("mode") == "sum", so, zo)
	},
	Opcode: kbc.OpEmbeddingBag,
	// As qembedding's: the bytecode holds the table already brought to
	// the common scale S_t (ref.EmbeddingBagRows, the kernel's own first
	// stage), with one identity rescale for all rows, and the rescale of
	// each count.
	Instr: func(v *Value, p any) Instr {
		eb := p.(ref.EmbeddingBagParams)
		var in Instr
		rows := tensor.New(tensor.I8, eb.Vocab, eb.Dim)
		ref.EmbeddingBagRows(&eb, v.Args[1].Data.I8, rows.I8)
		mult, shift := in.requants(v.Name+".row", []ref.Requant{{Mult: 1 << 30, Shift: 1}})
		cmult, cshift := in.requants(v.Name+".count", eb.Counts)
		table := in.constant(v.Args[1].Name+".rescaled", rows)
		in.Consts[table.Const].Quant = PerTensor(slices.Max(v.Args[1].Quant.Scale), 0)
		in.Tensors = []InstrOperand{{Value: v.Args[0]}, table, mult, shift, cmult, cshift}
		in.Ints = ints("out_offset", eb.OutputOffset, "pad", eb.Pad)
		return in
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.EmbeddingBagParams)
		if err := ref.EmbeddingBag(&p, in[0].I32, in[1].I8, out.I8); err != nil {
			return fmt.Errorf("%s: %w", valueRef(v.Name), err)
		}
		return nil
	},
})

func newQInteraction(name string, float *Op, opcode kbc.Opcode, kernel func(*ref.InteractionParams, []int8, []int8)) *Op {
	return &Op{
		Name:      name,
		Integer:   true,
		Doc:       "int8 " + float.Doc + " (kiln's semantics: int64 sums, one rescale per output)",
		Operands:  []Operand{{Name: "x"}},
		Infer:     qInfer(name, float),
		QuantRule: perTensorArgs(1),
		MACC:      float.MACC,
		Params: func(v *Value) any {
			sx, zx := scaleZero(v.Args[0])
			so, zo := scaleZero(v)
			t := v.Args[0].Type
			return ref.InteractionParamsFor(sx, zx, so, zo, 1, t.Dims[0], t.Dims[1])
		},
		Opcode: opcode,
		Instr: func(v *Value, p any) Instr {
			q := p.(ref.InteractionParams)
			return Instr{Tensors: args(v), Ints: ints("in_offset", q.InputOffset, "out_offset", q.OutputOffset,
				"mult", q.R.Mult, "shift", q.R.Shift, "act_min", q.ActMin, "act_max", q.ActMax)}
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			p := KernelParams(v).(ref.InteractionParams)
			p.N = batchOf(v.Args[0].Type, in[0])
			kernel(&p, in[0].I8, out.I8)
			return nil
		},
	}
}

// The int8 interaction ops.
var (
	OpQFM            = Register(newQInteraction("qfm", OpFM, kbc.OpFM, ref.FM))
	OpQBiInteraction = Register(newQInteraction("qbi_interaction", OpBiInteraction, kbc.OpBiInteraction, ref.BiInteraction))
)

// QuantizeParams chooses asymmetric int8 parameters for a real range
// [lo, hi] containing 0: S = (hi - lo) / 255 and the zero point that maps
// 0.0 exactly, rounded and clamped to [-128, 127].
func QuantizeParams(lo, hi float64) *QuantParams {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		return PerTensor(1, 0) // an all-zero tensor: any scale represents it
	}
	s := float32(span / 255)
	z := math.Round(-128 - lo/float64(s))
	return PerTensor(s, int32(min(max(z, -128), 127)))
}

// OpQTranspose permutes each example's int8 axes: bytes moved, nothing
// computed, so the result keeps the operand's scale and zero point.
var OpQTranspose = Register(&Op{
	Name:      "qtranspose",
	Integer:   true,
	Doc:       "int8 " + OpTranspose.Doc + "; the result keeps the operand's scale and zero point",
	Operands:  []Operand{{Name: "x"}},
	Attrs:     OpTranspose.Attrs,
	Infer:     qInfer("qtranspose", OpTranspose),
	QuantRule: allRules(perTensorArgs(1), sameQuant),
	Params: func(v *Value) any {
		return ref.TransposeParams{N: 1, Dims: v.Args[0].Type.Dims, Perm: v.Attrs.Ints("perm")}
	},
	Opcode: kbc.OpTranspose,
	Instr: func(v *Value, p any) Instr {
		q := p.(ref.TransposeParams)
		perm := tensor.New(tensor.I32, len(q.Perm))
		for k, a := range q.Perm {
			perm.I32[k] = int32(a)
		}
		in := Instr{}
		in.Tensors = []InstrOperand{{Value: v.Args[0]}, in.constant(v.Name+".perm", perm)}
		return in
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		p := KernelParams(v).(ref.TransposeParams)
		p.N = batchOf(v.Args[0].Type, in[0])
		ref.Transpose(&p, in[0].I8, out.I8)
		return nil
	},
})

// The lowerings: what the quantize pass writes for each float op. They
// are set here, beside the int8 rows, because a float row cannot name
// its int8 twin without an initialization cycle (the int8 rows derive
// their shape rules from the float ones).
func init() {
	activation := []LowerOperand{LowerActivation}
	layer := []LowerOperand{LowerActivation, LowerWeight, LowerBias}
	geometry := []string{"stride", "pad", "dilation", "groups"}
	for float, to := range map[*Op]*Op{OpDense: OpQDense, OpConv1D: OpQConv1D, OpConv2D: OpQConv2D} {
		float.Lower = &Lowering{To: to, Operands: layer, Keep: geometry, Clamp: ClampAct}
	}
	for float, to := range map[*Op]*Op{OpMaxPool: OpQMaxPool, OpAvgPool: OpQAvgPool} {
		float.Lower = &Lowering{To: to, Operands: activation, Result: ResultOperand, Keep: []string{"size", "stride", "pad"}}
	}
	for _, op := range []*Op{OpFlatten, OpReshape} {
		op.Alias = true
		op.Lower = &Lowering{To: op, Operands: activation, Result: ResultOperand, KeepAll: true}
	}
	OpGlobalAvgPool.Lower = &Lowering{To: OpQGlobalAvgPool, Operands: activation}
	OpSum.Lower = &Lowering{To: OpQSum, Operands: activation, KeepAll: true, Check: contiguousAxes}
	OpMean.Lower = &Lowering{To: OpQMean, Operands: activation, KeepAll: true, Check: contiguousAxes}
	for float, to := range map[*Op]*Op{OpAdd: OpQAdd, OpSub: OpQSub, OpMul: OpQMul} {
		float.Lower = &Lowering{To: to, Operands: []LowerOperand{LowerActivation, LowerActivation}, Clamp: ClampAct}
	}
	OpConcat.Lower = &Lowering{To: OpQConcat, Operands: activation, KeepAll: true}
	OpTranspose.Lower = &Lowering{To: OpQTranspose, Operands: activation, Result: ResultOperand, KeepAll: true,
		Check: func(v *Value) string {
			if x := v.Args[0]; !x.Type.Batched {
				return fmt.Sprintf("the int8 transpose permutes each example's data, and %s is not per example: "+
					"transpose the parameter or constant itself before training", x.Name)
			}
			return ""
		}}
	for _, op := range []*Op{OpRelu, OpRelu6} {
		op.Lower = &Lowering{To: OpRequantize, Operands: activation, Clamp: ClampOp}
	}
	OpSigmoid.Lower = &Lowering{To: OpQLogistic, Operands: activation, Result: ResultFixed, Fixed: PerTensor(1.0/256, -128)}
	OpTanh.Lower = &Lowering{To: OpQTanh, Operands: activation, Result: ResultFixed, Fixed: PerTensor(1.0/128, 0)}
	OpHardSigmoid.Lower = &Lowering{To: OpQHardSigmoid, Operands: activation, Result: ResultFixed,
		Fixed: PerTensor(ref.HardSigmoidOutputScale, ref.HardSigmoidOutputZeroPoint)}
	OpHardSwish.Lower = &Lowering{To: OpQHardSwish, Operands: activation}
	OpSoftmax.Lower = &Lowering{To: OpQSoftmax, Operands: activation, Result: ResultFixed, Fixed: PerTensor(1.0/256, -128), KeepAll: true,
		Check: func(v *Value) string {
			if axis := v.Attrs.Int("axis"); axis != v.Type.Rank()-1 {
				return fmt.Sprintf("the int8 softmax (TFLite's) normalizes over the last axis only, not over axis %d of %s: "+
					"lay the values out so that the axis to normalize comes last and use axis=-1, "+
					"or leave the softmax out of the model and apply it to the float output", axis, listText(v.Type.Dims))
			}
			return ""
		}}
	OpEmbedding.Lower = &Lowering{To: OpQEmbedding, Operands: []LowerOperand{LowerAsIs, LowerRowTable}}
	OpEmbeddingBag.Lower = &Lowering{To: OpQEmbeddingBag, Operands: []LowerOperand{LowerAsIs, LowerRowTable}, KeepAll: true}
	// Scores against an item table are a dense layer without bias: qdense,
	// with one scale per item row.
	OpScoreItems.Lower = &Lowering{To: OpQDense, Operands: layer}
	OpFM.Lower = &Lowering{To: OpQFM, Operands: activation}
	OpBiInteraction.Lower = &Lowering{To: OpQBiInteraction, Operands: activation}
	OpBatchNorm.Lower = &Lowering{To: OpQBatchNorm, Operands: []LowerOperand{LowerActivation, LowerAffineScale, LowerAffineShift, LowerFolded},
		Affine: BatchNormAffine}
	OpDropout.NoInteger = "dropout should have been removed (run remove-dropout)"
	OpLogSoftmax.NoInteger = "log_softmax has no int8 kernel; its largest class is its operand's: end the int8 model at the logits, or in softmax"
}
