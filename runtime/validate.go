package runtime

import (
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// validate checks everything the decoder could not check field by field:
// where each tensor lives, that every instruction's operands fit its
// opcode, that values are written before they are read, and that the
// memory plan never lets two live tensors share arena bytes. It also
// prepares each instruction's kernel parameters.
func (m *Model) validate() error {
	for i := range m.tensors {
		if err := m.checkTensor(i); err != nil {
			return fmt.Errorf("section TENSORS: tensor %d (%s): %w", i, m.tensors[i].name, err)
		}
	}
	isInput := map[int]bool{}
	for _, i := range m.inputs {
		if m.tensors[i].store != kbc.StoreInput || isInput[i] {
			return fmt.Errorf("section MODEL: input %d (%s) is not a distinct input tensor", i, m.tensors[i].name)
		}
		isInput[i] = true
	}
	for i, t := range m.tensors {
		if t.store == kbc.StoreInput && !isInput[i] {
			return fmt.Errorf("section MODEL: tensor %d (%s) is stored as an input but is not one of the model's inputs", i, t.name)
		}
	}
	written := make([]bool, len(m.tensors))
	for i := range m.tensors {
		if s := m.tensors[i].store; s == kbc.StoreConst || s == kbc.StoreInput {
			written[i] = true
		}
	}
	for k := range m.code {
		in := &m.code[k]
		if err := m.checkInstr(in, written); err != nil {
			return fmt.Errorf("section CODE: instruction %d (%v at %v): %w", k, in.op, in.pos, err)
		}
		written[in.t[0]] = true
	}
	if len(m.outputs) == 0 {
		return errors.New("section MODEL: the model has no outputs")
	}
	for _, o := range m.outputs {
		t := &m.tensors[o]
		if t.store == kbc.StoreConst || t.store == kbc.StoreInput || !written[t.root] || !t.batched {
			return fmt.Errorf("section MODEL: output %d (%s) is not a batched tensor the code computes", o, t.name)
		}
	}
	if err := m.checkPlan(); err != nil {
		return fmt.Errorf("section TENSORS: memory plan: %w", err)
	}
	m.ownTensor = make([]bool, len(m.outputs))
	for i, o := range m.outputs {
		root := m.tensors[o].root
		t := &m.tensors[root]
		m.ownTensor[i] = t.store == kbc.StoreArena && t.dtype == F32 &&
			!slices.ContainsFunc(m.outputs[:i], func(o int) bool { return m.tensors[o].root == root })
	}
	if err := m.planScratch(); err != nil {
		return err
	}
	if err := m.planRegions(); err != nil {
		return err
	}
	return m.dryRun()
}

func (m *Model) checkTensor(i int) error {
	t := &m.tensors[i]
	if t.quant.kind != kbc.QuantNone && t.dtype == F32 {
		return errors.New("a float tensor cannot carry quantization parameters")
	}
	switch t.store {
	case kbc.StoreArena:
		if !t.batched {
			return errors.New("an arena tensor must be batched")
		}
		if t.offset%kbc.Align != 0 || t.offset > m.arena || t.bytes() > m.arena-t.offset {
			return fmt.Errorf("arena offset %d and size %d do not fit the %d-byte arena (offsets are multiples of %d)", t.offset, t.bytes(), m.arena, kbc.Align)
		}
	case kbc.StoreConst:
		if t.batched {
			return errors.New("a constant cannot be batched")
		}
		if t.offset%kbc.Align != 0 || t.offset > len(m.consts) || t.bytes() > len(m.consts)-t.offset {
			return fmt.Errorf("constant offset %d and size %d do not fit the %d-byte CONST section (offsets are multiples of %d)", t.offset, t.bytes(), len(m.consts), kbc.Align)
		}
		data := unsafe.Pointer(&m.consts[t.offset:][0:1][0])
		switch t.dtype {
		case I8:
			t.i8 = unsafe.Slice((*int8)(data), t.elems)
		case I32:
			t.i32 = unsafe.Slice((*int32)(data), t.elems)
		case F32:
			t.f32 = unsafe.Slice((*float32)(data), t.elems)
		}
	case kbc.StoreAlias:
		root := &m.tensors[t.root]
		t.root = root.root // aliases of aliases share the first one's bytes
		root = &m.tensors[t.root]
		if root.store != kbc.StoreArena && root.store != kbc.StoreInput {
			return fmt.Errorf("aliases tensor %d (%s), which is not computed data", t.root, root.name)
		}
		if root.dtype != t.dtype || root.elems != t.elems || root.batched != t.batched || t.quant.kind != root.quant.kind {
			return fmt.Errorf("aliases tensor %d (%s) of another type or size", t.root, root.name)
		}
	case kbc.StoreInput:
		if !t.batched || t.dtype == I8 {
			return errors.New("an input must be batched f32 or i32 data")
		}
		if t.bytes() > m.maxMemory {
			return fmt.Errorf("%d bytes per example is more than the %d-byte limit", t.bytes(), m.maxMemory)
		}
	}
	return nil
}

// checkPlan verifies the arena layout against the code: a tensor's bytes
// must not be overwritten from the instruction that computes it to the
// last one that reads it (or the end, for outputs). An instruction may
// write its result over an operand that dies there only when its opcode
// works in place.
func (m *Model) checkPlan() error {
	n := len(m.tensors)
	def := make([]int, n)
	last := make([]int, n)
	for i := range def {
		def[i], last[i] = -1, -1
	}
	for k, in := range m.code {
		def[in.t[0]] = k
		for _, t := range in.t[1:] {
			r := m.tensors[t].root
			last[r] = k
		}
	}
	for _, o := range m.outputs {
		last[m.tensors[o].root] = len(m.code)
	}
	type span struct{ lo, hi int }
	extent := func(i int) span {
		t := &m.tensors[i]
		return span{t.offset, t.offset + t.bytes()}
	}
	var live []int
	for k, in := range m.code {
		out := in.t[0]
		ok := extent(out)
		for _, other := range live {
			if last[other] < k {
				continue
			}
			e := extent(other)
			if e.lo >= ok.hi || ok.lo >= e.hi {
				continue
			}
			if last[other] == k && in.op.Schema().InPlace && operandOf(m, in, other) && extent(other) == ok {
				continue
			}
			return fmt.Errorf("instruction %d (%v) writes %s over %s, which is still needed", k, in.op, m.tensors[out].name, m.tensors[other].name)
		}
		kept := live[:0]
		for _, other := range live {
			if last[other] > k {
				kept = append(kept, other)
			}
		}
		live = kept
		if last[out] > k {
			live = append(live, out)
		}
	}
	return nil
}

func operandOf(m *Model, in instr, root int) bool {
	for _, t := range in.t[1:] {
		if m.tensors[t].root == root {
			return true
		}
	}
	return false
}

// dryRun runs every instruction once on a batch of one, on zeros, to make
// sure no kernel rejects its parameters: whatever passes here cannot fail
// on other data, since the kernels check parameters, never values. A
// kernel that panics all the same is a bug in the runtime: Load returns it
// as an *InternalError rather than crash the program.
func (m *Model) dryRun() (err error) {
	k := -1
	defer func() {
		if r := recover(); r != nil {
			err = m.internalError(k, r)
		}
	}()
	s, err := m.newSession(1, 1)
	if err != nil {
		return err
	}
	for _, i := range m.inputs {
		t := &m.tensors[i]
		switch t.dtype {
		case F32:
			s.views[i].f32 = make([]float32, t.elems)
		case I32:
			s.views[i].i32 = make([]int32, t.elems)
		}
	}
	s.bind(1, nil, nil)
	for k = range m.code {
		if err := s.exec(k, 1, false); err != nil {
			return fmt.Errorf("section CODE: instruction %d (%v at %v): %w", k, m.code[k].op, m.code[k].pos, err)
		}
	}
	return nil
}

// addrOf returns a slice's address, for alignment.
func addrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }
