// Package bytecode turns a quantized graph into a .kbc file for kiln's VM.
// It is table-driven: each int8 op's row in the op table names its opcode
// and fills that opcode's schema (internal/kbc) from its kernel
// parameters, which the row computes exactly as the reference executor
// does; the arena layout is the backend-independent memory plan
// (backend/plan); internal/kbc writes the bytes. The same graph always
// gives the same bytes.
package bytecode

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/kiln-nn/kiln/backend/plan"
	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// encoder builds the file's tensors, constants and code.
type encoder struct {
	opt    Options
	plan   *plan.Plan
	f      kbc.File
	index  map[*ir.Value]int // value -> tensor
	consts []byte
}

// Options configure EncodeWith.
type Options struct {
	// Code stores each constant sparse and Huffman-coded (kbc.StoreCoded)
	// where that is smaller than its raw bytes; the VM decodes it at load.
	Code bool
}

// Encode writes a quantized graph (the output of the quantize pass) as a
// .kbc file. The graph must be integer between its inputs' quantization
// and its outputs' dequantization: a float op left by the quantizer has no
// bytecode, and Encode says which ops those are.
func Encode(g *ir.Graph) ([]byte, error) { return EncodeWith(g, Options{}) }

// EncodeWith is Encode with options.
func EncodeWith(g *ir.Graph, opt Options) ([]byte, error) {
	if err := ir.Verify(g); err != nil {
		return nil, err
	}
	var float []string
	for _, v := range g.Values {
		if !v.IsSource() && !v.Op.RunsOnVM() {
			float = append(float, fmt.Sprintf("%s (%s)", v.Name, v.Op.Name))
		}
	}
	if len(float) > 0 {
		return nil, fmt.Errorf("the VM runs integer graphs only; these ops are float: %s (quantize the model first)", strings.Join(float, ", "))
	}
	p, err := plan.Arena(g)
	if err != nil {
		return nil, err
	}
	e := &encoder{opt: opt, plan: p, index: map[*ir.Value]int{}}
	e.f.Name, e.f.Arena = g.Name, p.Size
	for _, v := range g.Values {
		if err := e.value(v); err != nil {
			return nil, fmt.Errorf("%s: %w", v.Name, err)
		}
	}
	for _, in := range g.Inputs() {
		e.f.Inputs = append(e.f.Inputs, e.index[in])
	}
	for _, o := range g.Outputs {
		e.f.Outputs = append(e.f.Outputs, e.index[o])
	}
	e.f.Const = e.consts
	return kbc.Encode(&e.f), nil
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

// quantOf is a value's quantization as the file holds it: one zero point
// for all channels.
func quantOf(q *ir.QuantParams) (kbc.Quant, error) {
	switch {
	case q == nil:
		return kbc.Quant{}, nil
	case len(q.Scale) == 1 && q.Axis == 0:
		return kbc.Quant{Kind: kbc.QuantTensor, Scale: q.Scale, Zero: q.Zero[0]}, nil
	}
	for _, z := range q.Zero {
		if z != q.Zero[0] {
			return kbc.Quant{}, fmt.Errorf("per-channel zero points differ; the format holds one per tensor")
		}
	}
	return kbc.Quant{Kind: kbc.QuantChannel, Axis: q.Axis, Scale: q.Scale, Zero: q.Zero[0]}, nil
}

// addTensor appends a tensor description for v.
func (e *encoder) addTensor(v *ir.Value, store kbc.Storage, offset int) (int, error) {
	dt, err := dtypeOf(v.Type.DType)
	if err != nil {
		return 0, err
	}
	q, err := quantOf(v.Quant)
	if err != nil {
		return 0, err
	}
	e.f.Tensors = append(e.f.Tensors, kbc.Tensor{Name: v.Name, DType: dt, Batched: v.Type.Batched, Dims: v.Type.Dims, Quant: q, Store: store, Offset: offset})
	i := len(e.f.Tensors) - 1
	e.index[v] = i
	return i, nil
}

// constant appends constant data, aligned, and its tensor.
func (e *encoder) constant(name string, t *tensor.Tensor, q kbc.Quant) (int, error) {
	dt, err := dtypeOf(t.DType)
	if err != nil {
		return 0, err
	}
	for len(e.consts)%kbc.Align != 0 {
		e.consts = append(e.consts, 0)
	}
	off := len(e.consts)
	e.consts = appendRaw(e.consts, t)
	desc := kbc.Tensor{Name: name, DType: dt, Dims: t.Shape, Quant: q, Store: kbc.StoreConst, Offset: off}
	if e.opt.Code {
		raw := e.consts[off:]
		blob, err := kbc.EncodeCoded(raw, dt.Size())
		// Too many distinct values to code is no error: the constant stays raw.
		if err == nil && len(blob) < len(raw) && kbc.CodedFits(len(raw)/dt.Size(), len(blob)) {
			e.consts = append(e.consts[:off], blob...)
			desc.Store, desc.Size = kbc.StoreCoded, len(blob)
		}
	}
	e.f.Tensors = append(e.f.Tensors, desc)
	return len(e.f.Tensors) - 1, nil
}

// appendRaw appends a tensor's elements as CONST holds them.
func appendRaw(b []byte, t *tensor.Tensor) []byte {
	switch t.DType {
	case tensor.I8:
		for _, x := range t.I8 {
			b = append(b, byte(x))
		}
	case tensor.I32:
		for _, x := range t.I32 {
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		}
	case tensor.F32:
		for _, x := range t.F32 {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	return b
}

// value describes v and, for an op, emits its instruction.
// operand is the tensor of a value an instruction reads, writing a
// parameter's constant the first time.
func (e *encoder) operand(v *ir.Value) (int, error) {
	if t, ok := e.index[v]; ok || !v.IsSource() || v.Op == ir.OpInput {
		return t, nil
	}
	if v.Data == nil {
		return 0, fmt.Errorf("parameter %s has no data", v.Name)
	}
	q, err := quantOf(v.Quant)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", v.Name, err)
	}
	t, err := e.constant(v.Name, v.Data, q)
	e.index[v] = t
	return t, err
}

func (e *encoder) value(v *ir.Value) error {
	switch {
	case v.Op == ir.OpInput:
		_, err := e.addTensor(v, kbc.StoreInput, 0)
		return err
	case v.IsSource():
		// A parameter is written when an instruction first reads it
		// (operand): one an op replaces by a constant of its own, as
		// qembedding does its table, takes no bytes.
		return nil
	case v.Op.Alias:
		src, err := e.operand(v.Args[0])
		if err != nil {
			return err
		}
		_, err = e.addTensor(v, kbc.StoreAlias, src)
		return err
	}
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	in := v.Op.Instr(v, p)
	consts := make([]int, len(in.Consts))
	for i, c := range in.Consts {
		q, err := quantOf(c.Quant)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		if consts[i], err = e.constant(c.Name, c.Data, q); err != nil {
			return err
		}
	}
	out, err := e.addTensor(v, kbc.StoreArena, e.plan.Offset[v])
	if err != nil {
		return err
	}
	tensors := []int{out}
	for _, o := range in.Tensors {
		if o.Value == nil {
			tensors = append(tensors, consts[o.Const])
			continue
		}
		t, err := e.operand(o.Value)
		if err != nil {
			return err
		}
		tensors = append(tensors, t)
	}
	e.f.Code = append(e.f.Code, kbc.Instr{Op: v.Op.Opcode, Tensors: tensors, Ints: v.Op.Opcode.Schema().Order(in.Ints, in.PerInput),
		Pos: kbc.Pos{File: v.Pos.File, Line: v.Pos.Line, Col: v.Pos.Col}})
	return nil
}
