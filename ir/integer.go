package ir

import (
	"fmt"

	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
)

// The integer side of the op table. The quantize pass reads a float op's
// Lowering to write its int8 form; the reference executor and every
// backend read an int8 op's Params; the bytecode encoder reads its Opcode
// and Instr. None of them switches on op names, so adding an op is adding
// its rows (and kernels).

// Lowering says how the quantize pass rewrites a float op as an int8 one.
type Lowering struct {
	To *Op // the int8 op (the op itself for layout ops such as flatten)
	// Operands says how each operand is brought into the int8 graph; a
	// variadic op's last rule repeats.
	Operands []LowerOperand
	Result   ResultRule
	Fixed    *QuantParams // the result's parameters when Result is ResultFixed
	// Keep lists the attributes carried over (KeepAll: every one).
	Keep    []string
	KeepAll bool
	Clamp   ClampRule
	// Check, if set, says why a value has no integer form ("" if it has),
	// in the terms of the model's source and with what to change: the
	// quantize pass leaves such a value in float, and kiln check warns of
	// it before any training (see NoIntegerForm).
	Check func(v *Value) string
	// Affine, for an op that is a per-channel affine map y = a[c]*x + b[c]
	// (batch norm at inference), computes a and b in float64 from the
	// op's bound parameters; the LowerAffineScale and LowerAffineShift
	// rules quantize them.
	Affine func(v *Value) (a, b []float64)
}

// LowerOperand is how the quantize pass brings one operand in.
type LowerOperand uint8

const (
	// LowerActivation: the int8 form of the operand, quantized where a
	// float value enters (a constant: symmetric per tensor).
	LowerActivation LowerOperand = iota
	// LowerAsIs: the operand as it is (integer ids).
	LowerAsIs
	// LowerWeight: symmetric int8 weights in [-127, 127] with one scale
	// per output channel (dimension 0).
	LowerWeight
	// LowerBias: int32 with scale S_in * S_w[c] and zero point 0, for the
	// activation and weight before it.
	LowerBias
	// LowerRowTable: a table of symmetric int8 rows, one scale per row.
	LowerRowTable
	// LowerAffineScale: in place of this parameter, the op's per-channel
	// scale a (Lowering.Affine) as symmetric int8 weights, one scale per
	// channel: S_w[c] = |a[c]| / 127 and the weight ±127, the sign of
	// a[c] in the weight so that every multiplier stays positive (S_w[c]
	// grows instead where the shift's bias would pass ±2^30).
	LowerAffineScale
	// LowerAffineShift: in place of this parameter, the op's per-channel
	// shift b as an int32 bias with scale S_in * S_w[c] and zero point 0,
	// for the activation and the LowerAffineScale weight before it.
	LowerAffineShift
	// LowerFolded: a parameter the affine rules above have folded in; the
	// int8 op has no operand for it.
	LowerFolded
)

// ResultRule is where the int8 result's parameters come from.
type ResultRule uint8

const (
	ResultCalibrated ResultRule = iota // from the calibrated range of the float value
	ResultOperand                      // the first operand's (pooling, layout ops)
	ResultFixed                        // fixed by the kernel (Lowering.Fixed)
)

// ClampRule is how the int8 op's output clamp is set.
type ClampRule uint8

const (
	ClampNone ClampRule = iota // no clamp attribute
	ClampAct                   // from the fused activation in the act attribute
	ClampOp                    // the float op is itself the activation (relu, relu6)
)

// OperandRule returns the rule for operand i.
func (l *Lowering) OperandRule(i int) LowerOperand {
	return l.Operands[min(i, len(l.Operands)-1)]
}

// KeptAttrs returns the attributes of v that its int8 form carries over
// (Keep, KeepAll); the quantize pass adds the clamp.
func (l *Lowering) KeptAttrs(v *Value) Attrs {
	attrs := Attrs{}
	if l.KeepAll {
		attrs = v.Attrs.Clone()
	}
	for _, name := range l.Keep {
		if v.Attrs.Has(name) {
			attrs[name] = v.Attrs[name]
		}
	}
	return attrs
}

// loweredType is the type operand a of a float op has in its int8 form
// under rule r, and false for a rule that drops the operand.
func loweredType(a *Value, r LowerOperand) (Type, bool) {
	switch r {
	case LowerAsIs:
		return a.Type, true
	case LowerBias, LowerAffineShift:
		return a.Type.WithDType(tensor.I32), true
	case LowerFolded:
		return Type{}, false
	}
	return a.Type.WithDType(tensor.I8), true
}

// NoIntegerForm says why the quantize pass will leave float value v in
// float, so that no bytecode can run it ("" when v has an int8 form): its
// op has none (NoInteger), its lowering's Check refuses it, or the int8
// op's shape rule refuses the operands the lowering gives it. It needs no
// weights and no data, so kiln check can ask it of a graph fresh from the
// source; the quantize pass asks it first too, so that the two agree.
func NoIntegerForm(v *Value) string {
	l := v.Op.Lower
	if l == nil {
		if v.Op.NoInteger != "" {
			return v.Op.NoInteger
		}
		return "no integer form for " + v.Op.Name
	}
	if l.Check != nil {
		if why := l.Check(v); why != "" {
			return why
		}
	}
	if l.To == v.Op {
		return "" // a layout op: it keeps its operand's form
	}
	probe := &Value{Name: v.Name, Op: l.To, Attrs: l.KeptAttrs(v)}
	for i, a := range v.Args {
		if t, ok := loweredType(a, l.OperandRule(i)); ok {
			probe.Args = append(probe.Args, &Value{Name: a.Name, Op: OpParam, Type: t})
		}
	}
	FillDefaults(l.To.Attrs, probe.Attrs, argTypes(probe.Args))
	if _, err := InferType(probe); err != nil {
		return fmt.Sprintf("its int8 form %s refuses it: %v", l.To.Name, err)
	}
	return ""
}

// Instr is how an int8 value fills its opcode's schema (internal/kbc):
// the tensor operands after the result, in the schema's order, and the
// integer parameters by the schema's names. Consts are constants derived
// from the kernel parameters (per-channel multipliers, a zero bias),
// written in the order listed.
type Instr struct {
	Tensors  []InstrOperand
	Ints     map[string]int64
	PerInput []map[string]int64 // a variadic opcode's integers per repeated operand
	Consts   []InstrConst
}

// InstrOperand is one tensor operand: a value of the graph, or
// Consts[Const] when Value is nil.
type InstrOperand struct {
	Value *Value
	Const int
}

// InstrConst is a constant an instruction derives, with its
// quantization when it holds quantized values (nil otherwise).
type InstrConst struct {
	Name  string
	Data  *tensor.Tensor
	Quant *QuantParams
}

// args lists a value's operands as instruction operands.
func args(v *Value) []InstrOperand {
	out := make([]InstrOperand, len(v.Args))
	for i, a := range v.Args {
		out[i] = InstrOperand{Value: a}
	}
	return out
}

// constant adds a derived constant.
func (in *Instr) constant(name string, t *tensor.Tensor) InstrOperand {
	in.Consts = append(in.Consts, InstrConst{Name: name, Data: t})
	return InstrOperand{Const: len(in.Consts) - 1}
}

// requants adds a layer's per-channel multipliers and shifts as two int32
// constants.
func (in *Instr) requants(name string, rq []ref.Requant) (mult, shift InstrOperand) {
	m, s := tensor.New(tensor.I32, len(rq)), tensor.New(tensor.I32, len(rq))
	for i, r := range rq {
		m.I32[i], s.I32[i] = r.Mult, int32(r.Shift)
	}
	return in.constant(name+".mult", m), in.constant(name+".shift", s)
}

// bias is a layer's bias operand, a zero constant for a layer without.
func (in *Instr) bias(v *Value, n int) InstrOperand {
	if len(v.Args) == 3 {
		return InstrOperand{Value: v.Args[2]}
	}
	return in.constant(v.Name+".bias", tensor.New(tensor.I32, n))
}

// ints builds named integer parameters from name, value pairs.
func ints(kv ...any) map[string]int64 {
	m := make(map[string]int64, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		var x int64
		switch v := kv[i+1].(type) {
		case int:
			x = int64(v)
		case int32:
			x = int64(v)
		case int64:
			x = v
		default:
			panic(fmt.Sprintf("ir: parameter %v has type %T", kv[i], v))
		}
		m[kv[i].(string)] = x
	}
	return m
}

// KernelParams returns an int8 value's kernel parameters (its op's
// Params), with every per-batch count given for a batch of one. Scales no
// fixed-point multiplier can express make it panic; ParamsOf returns that
// as an error.
func KernelParams(v *Value) any {
	if v.Op.Params == nil {
		panic(fmt.Sprintf("ir: %s has no kernel parameters", v.Op.Name))
	}
	return v.Op.Params(v)
}

// ParamsOf is KernelParams for callers outside the executor: nil for an
// op without parameters, an error where the quantization parameters have
// no fixed-point form.
func ParamsOf(v *Value) (p any, err error) {
	if v.Op.Params == nil {
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("its quantization parameters have no fixed-point form: %v", r)
		}
	}()
	return v.Op.Params(v), nil
}

// InPlace reports whether an op's kernel may write its result over an
// operand of the same size that dies with it.
func (op *Op) InPlace() bool {
	s := op.Opcode.Schema()
	return s != nil && s.InPlace
}

// RunsOnVM reports whether the VM runs the op: an int8 op with an
// opcode, or a layout op that only aliases its operand.
func (op *Op) RunsOnVM() bool { return op.Opcode != 0 || op.Alias }
