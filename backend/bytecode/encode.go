// Package bytecode turns a quantized graph into a .kbc file for kiln's VM:
// it lays the tensors out in an arena (a liveness-based memory plan),
// computes every kernel's integer parameters (with the same function the
// reference executor uses), and writes the format the runtime package
// defines and validates. The same graph always gives the same bytes.
package bytecode

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// encoder builds the sections.
type encoder struct {
	g       *ir.Graph
	strs    []string
	strIdx  map[string]int
	tensors []tdesc
	index   map[*ir.Value]int // value -> tensor
	consts  bytes.Buffer
	code    []instruction
}

// tdesc is one tensor as the file describes it.
type tdesc struct {
	name    string
	dtype   kbc.DType
	batched bool
	dims    []int
	quant   *ir.QuantParams
	store   kbc.Storage
	offset  int // arena (per sample) or constant offset; alias target
}

// instruction is one instruction with its source position.
type instruction struct {
	op      kbc.Opcode
	tensors []int
	ints    []int64
	pos     source.Pos
}

// Encode writes a quantized graph (the output of the quantize pass) as a
// .kbc file. The graph must be integer between its inputs' quantization
// and its outputs' dequantization: a float op left by the quantizer has no
// bytecode, and Encode says which ops those are.
func Encode(g *ir.Graph) ([]byte, error) {
	if err := ir.Verify(g); err != nil {
		return nil, err
	}
	var float []string
	for _, v := range g.Values {
		if !v.IsSource() && !v.Op.Integer && v.Op != ir.OpFlatten && v.Op != ir.OpReshape {
			float = append(float, fmt.Sprintf("%s (%s)", v.Name, v.Op.Name))
		}
	}
	if len(float) > 0 {
		return nil, fmt.Errorf("the VM runs integer graphs only; these ops are float: %s (quantize the model first)", strings.Join(float, ", "))
	}
	e := &encoder{g: g, strIdx: map[string]int{}, index: map[*ir.Value]int{}}
	for _, v := range g.Values {
		if err := e.value(v); err != nil {
			return nil, fmt.Errorf("%s: %w", v.Name, err)
		}
	}
	arena := e.plan()
	return e.write(arena), nil
}

func (e *encoder) str(s string) int {
	if i, ok := e.strIdx[s]; ok {
		return i
	}
	e.strIdx[s] = len(e.strs)
	e.strs = append(e.strs, s)
	return len(e.strs) - 1
}

func dtypeOf(dt tensor.DType) (kbc.DType, error) {
	switch dt {
	case tensor.F32:
		return kbc.F32, nil
	case tensor.I32:
		return kbc.I32, nil
	case tensor.I8:
		return kbc.I8, nil
	}
	return 0, fmt.Errorf("the VM has no %v tensors", dt)
}

// addTensor appends a tensor description for v.
func (e *encoder) addTensor(v *ir.Value, store kbc.Storage, offset int) (int, error) {
	dt, err := dtypeOf(v.Type.DType)
	if err != nil {
		return 0, err
	}
	e.tensors = append(e.tensors, tdesc{name: v.Name, dtype: dt, batched: v.Type.Batched, dims: v.Type.Dims, quant: v.Quant, store: store, offset: offset})
	i := len(e.tensors) - 1
	e.index[v] = i
	return i, nil
}

// constant appends constant data and its tensor.
func (e *encoder) constant(name string, t *tensor.Tensor, q *ir.QuantParams) int {
	for e.consts.Len()%kbc.Align != 0 {
		e.consts.WriteByte(0)
	}
	off := e.consts.Len()
	var b [4]byte
	switch t.DType {
	case tensor.I8:
		for _, x := range t.I8 {
			e.consts.WriteByte(byte(x))
		}
	case tensor.I32:
		for _, x := range t.I32 {
			binary.LittleEndian.PutUint32(b[:], uint32(x))
			e.consts.Write(b[:])
		}
	case tensor.F32:
		for _, x := range t.F32 {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
			e.consts.Write(b[:])
		}
	}
	dt, _ := dtypeOf(t.DType)
	e.tensors = append(e.tensors, tdesc{name: name, dtype: dt, dims: t.Shape, quant: q, store: kbc.StoreConst, offset: off})
	return len(e.tensors) - 1
}

// requants writes a layer's per-channel multipliers and shifts as two
// int32 constants.
func (e *encoder) requants(name string, rq []ref.Requant) (mult, shift int) {
	m, s := tensor.New(tensor.I32, len(rq)), tensor.New(tensor.I32, len(rq))
	for i, r := range rq {
		m.I32[i], s.I32[i] = r.Mult, int32(r.Shift)
	}
	return e.constant(name+".mult", m, nil), e.constant(name+".shift", s, nil)
}

func (e *encoder) emit(v *ir.Value, op kbc.Opcode, tensors []int, ints ...int64) error {
	out, err := e.addTensor(v, kbc.StoreArena, 0)
	if err != nil {
		return err
	}
	e.code = append(e.code, instruction{op: op, tensors: append([]int{out}, tensors...), ints: ints, pos: v.Pos})
	return nil
}

func i64(xs ...int32) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

// value describes v and emits its instruction.
func (e *encoder) value(v *ir.Value) error {
	switch v.Op {
	case ir.OpInput:
		_, err := e.addTensor(v, kbc.StoreInput, 0)
		return err
	case ir.OpParam, ir.OpConst:
		if v.Data == nil {
			return fmt.Errorf("parameter has no data")
		}
		if q := v.Quant; q != nil {
			for _, z := range q.Zero {
				if z != q.Zero[0] {
					return fmt.Errorf("per-channel zero points differ; the format holds one per tensor")
				}
			}
		}
		e.index[v] = e.constant(v.Name, v.Data, v.Quant)
		return nil
	case ir.OpFlatten, ir.OpReshape:
		_, err := e.addTensor(v, kbc.StoreAlias, e.index[v.Args[0]])
		return err
	}
	args := make([]int, len(v.Args))
	for i, a := range v.Args {
		args[i] = e.index[a]
	}
	var p any
	if v.Op != ir.OpQuantize && v.Op != ir.OpDequantize {
		var err error
		if p, err = kernelParams(v); err != nil {
			return err
		}
	}
	switch v.Op {
	case ir.OpQuantize:
		return e.emit(v, kbc.OpQuantize, args)
	case ir.OpDequantize:
		return e.emit(v, kbc.OpDequantize, args)
	case ir.OpRequantize:
		r := p.(ir.RequantizeClamp)
		return e.emit(v, kbc.OpRequantize, args, i64(r.R.InputOffset, r.R.OutputOffset, r.R.R.Mult, int32(r.R.R.Shift), r.Lo, r.Hi)...)
	case ir.OpQDense:
		d := p.(ref.DenseParams)
		mult, shift := e.requants(v.Name, d.Out)
		return e.emit(v, kbc.OpDense, []int{args[0], args[1], e.bias(v, args, d.Units), mult, shift},
			i64(d.InputOffset, d.OutputOffset, d.ActMin, d.ActMax)...)
	case ir.OpQConv1D, ir.OpQConv2D:
		c := p.(ref.ConvParams)
		mult, shift := e.requants(v.Name, c.Out)
		ints := []int64{int64(c.StrideH), int64(c.StrideW), int64(c.PadH), int64(c.PadW), int64(c.DilationH), int64(c.DilationW), int64(c.Groups)}
		return e.emit(v, kbc.OpConv, []int{args[0], args[1], e.bias(v, args, c.F), mult, shift},
			append(ints, i64(c.InputOffset, c.OutputOffset, c.ActMin, c.ActMax)...)...)
	case ir.OpQMaxPool, ir.OpQAvgPool:
		q := p.(ref.PoolParams)
		op := map[*ir.Op]kbc.Opcode{ir.OpQMaxPool: kbc.OpMaxPool, ir.OpQAvgPool: kbc.OpAvgPool}[v.Op]
		return e.emit(v, op, args, int64(q.KH), int64(q.KW), int64(q.StrideH), int64(q.StrideW), int64(q.PadH), int64(q.PadW), int64(q.ActMin), int64(q.ActMax))
	case ir.OpQGlobalAvgPool, ir.OpQMean, ir.OpQSum:
		switch q := p.(type) {
		case ref.MeanParams:
			return e.emit(v, kbc.OpMean, args, int64(q.Outer), int64(q.Reduce), int64(q.Inner), int64(q.InputOffset), int64(q.OutputOffset), int64(q.R.Mult), int64(q.R.Shift), int64(q.ActMin), int64(q.ActMax))
		case ref.SumParams:
			return e.emit(v, kbc.OpSum, args, int64(q.Outer), int64(q.Reduce), int64(q.Inner), int64(q.InputOffset), int64(q.OutputOffset), int64(q.R.Mult), int64(q.R.Shift), int64(q.ActMin), int64(q.ActMax))
		}
	case ir.OpQAdd, ir.OpQSub:
		a := p.(ref.AddParams)
		op := kbc.OpAdd
		if v.Op == ir.OpQSub {
			op = kbc.OpSub
		}
		return e.emit(v, op, args, int64(a.Input1Offset), int64(a.Input2Offset), int64(a.OutputOffset), int64(a.LeftShift),
			int64(a.Input1.Mult), int64(a.Input1.Shift), int64(a.Input2.Mult), int64(a.Input2.Shift), int64(a.Output.Mult), int64(a.Output.Shift), int64(a.ActMin), int64(a.ActMax))
	case ir.OpQMul:
		m := p.(ref.MulParams)
		return e.emit(v, kbc.OpMul, args, int64(m.Input1Offset), int64(m.Input2Offset), int64(m.OutputOffset), int64(m.Output.Mult), int64(m.Output.Shift), int64(m.ActMin), int64(m.ActMax))
	case ir.OpQConcat:
		c := p.(ir.ConcatInputs)
		ints := []int64{int64(v.Attrs.Int("axis"))}
		for i := range c.Copy {
			cp := int64(0)
			if c.Copy[i] {
				cp = 1
			}
			r := c.R[i]
			ints = append(ints, cp, int64(r.InputOffset), int64(r.OutputOffset), int64(r.R.Mult), int64(r.R.Shift))
		}
		return e.emit(v, kbc.OpConcat, args, ints...)
	case ir.OpQSoftmax:
		s := p.(ref.SoftmaxParams)
		return e.emit(v, kbc.OpSoftmax, args, int64(s.InputBetaMultiplier), int64(s.InputBetaLeftShift), int64(s.DiffMin))
	case ir.OpQLogistic:
		l := p.(ref.LogisticParams)
		return e.emit(v, kbc.OpLogistic, args, int64(l.InputZeroPoint), int64(l.InputRangeRadius), int64(l.InputMultiplier), int64(l.InputLeftShift))
	case ir.OpQTanh:
		t := p.(ref.TanhParams)
		return e.emit(v, kbc.OpTanh, args, int64(t.InputZeroPoint), int64(t.InputRangeRadius), int64(t.InputMultiplier), int64(t.InputLeftShift))
	case ir.OpQEmbedding:
		em := p.(ref.EmbeddingParams)
		mult, shift := e.requants(v.Name, em.Rows)
		return e.emit(v, kbc.OpEmbedding, []int{args[0], args[1], mult, shift}, int64(em.OutputOffset))
	case ir.OpQFM, ir.OpQBiInteraction:
		q := p.(ref.InteractionParams)
		op := kbc.OpFM
		if v.Op == ir.OpQBiInteraction {
			op = kbc.OpBiInteraction
		}
		return e.emit(v, op, args, int64(q.InputOffset), int64(q.OutputOffset), int64(q.R.Mult), int64(q.R.Shift), int64(q.ActMin), int64(q.ActMax))
	}
	return fmt.Errorf("op %s has no bytecode", v.Op.Name)
}

// kernelParams computes v's kernel parameters, turning a panic (scales no
// fixed-point multiplier can express) into an error.
func kernelParams(v *ir.Value) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("its quantization parameters have no fixed-point form: %v", r)
		}
	}()
	return ir.KernelParams(v), nil
}

// bias returns the tensor of a layer's bias, writing a zero one for a
// layer without.
func (e *encoder) bias(v *ir.Value, args []int, n int) int {
	if len(args) == 3 {
		return args[2]
	}
	return e.constant(v.Name+".bias", tensor.New(tensor.I32, n), nil)
}
