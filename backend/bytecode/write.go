package bytecode

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// write serializes the sections in the order internal/kbc gives.
func (e *encoder) write(arena int) []byte {
	var strs, model, tensors, code, debug bytes.Buffer
	// Names first, so STRINGS holds every string the other sections use.
	modelName := e.str(e.g.Name)
	tensorNames := make([]int, len(e.tensors))
	for i, t := range e.tensors {
		tensorNames[i] = e.str(t.name)
	}
	files := make([]int, len(e.code))
	for i, in := range e.code {
		files[i] = e.str(in.pos.File)
	}

	uvarint(&strs, uint64(len(e.strs)))
	for _, s := range e.strs {
		uvarint(&strs, uint64(len(s)))
		strs.WriteString(s)
	}

	uvarint(&model, uint64(modelName))
	uvarint(&model, uint64(arena))
	inputs := e.g.Inputs()
	uvarint(&model, uint64(len(inputs)))
	for _, in := range inputs {
		uvarint(&model, uint64(e.index[in]))
	}
	uvarint(&model, uint64(len(e.g.Outputs)))
	for _, o := range e.g.Outputs {
		uvarint(&model, uint64(e.index[o]))
	}

	uvarint(&tensors, uint64(len(e.tensors)))
	for i, t := range e.tensors {
		uvarint(&tensors, uint64(tensorNames[i]))
		tensors.WriteByte(byte(t.dtype))
		if t.batched {
			tensors.WriteByte(1)
		} else {
			tensors.WriteByte(0)
		}
		uvarint(&tensors, uint64(len(t.dims)))
		for _, d := range t.dims {
			uvarint(&tensors, uint64(d))
		}
		switch q := t.quant; {
		case q == nil:
			tensors.WriteByte(byte(kbc.QuantNone))
		case len(q.Scale) == 1 && q.Axis == 0:
			tensors.WriteByte(byte(kbc.QuantTensor))
			f32(&tensors, q.Scale[0])
			svarint(&tensors, int64(q.Zero[0]))
		default:
			tensors.WriteByte(byte(kbc.QuantChannel))
			uvarint(&tensors, uint64(q.Axis))
			uvarint(&tensors, uint64(len(q.Scale)))
			for _, s := range q.Scale {
				f32(&tensors, s)
			}
			svarint(&tensors, int64(q.Zero[0]))
		}
		tensors.WriteByte(byte(t.store))
		switch t.store {
		case kbc.StoreArena, kbc.StoreConst, kbc.StoreAlias:
			uvarint(&tensors, uint64(t.offset))
		}
	}

	uvarint(&code, uint64(len(e.code)))
	uvarint(&debug, uint64(len(e.code)))
	for i, in := range e.code {
		code.WriteByte(byte(in.op))
		uvarint(&code, uint64(len(in.tensors)))
		for _, t := range in.tensors {
			uvarint(&code, uint64(t))
		}
		uvarint(&code, uint64(len(in.ints)))
		for _, x := range in.ints {
			svarint(&code, x)
		}
		uvarint(&debug, uint64(files[i]))
		uvarint(&debug, uint64(max(in.pos.Line, 0)))
		uvarint(&debug, uint64(max(in.pos.Col, 0)))
	}

	sections := [][]byte{strs.Bytes(), model.Bytes(), tensors.Bytes(), e.consts.Bytes(), code.Bytes(), debug.Bytes()}
	var out bytes.Buffer
	out.WriteString(kbc.Magic)
	u32(&out, kbc.Version)
	u32(&out, 0)
	u32(&out, uint32(len(sections)))
	u32(&out, 0)
	off := alignUp(out.Len() + len(sections)*24)
	for i, s := range sections {
		u32(&out, uint32(i+1))
		u32(&out, 0)
		u64(&out, uint64(off))
		u64(&out, uint64(len(s)))
		off = alignUp(off + len(s))
	}
	for _, s := range sections {
		for out.Len()%kbc.Align != 0 {
			out.WriteByte(0)
		}
		out.Write(s)
	}
	u32(&out, crc32.Checksum(out.Bytes(), crc32.MakeTable(crc32.Castagnoli)))
	return out.Bytes()
}

func uvarint(b *bytes.Buffer, x uint64) { b.Write(binary.AppendUvarint(nil, x)) }
func svarint(b *bytes.Buffer, x int64)  { b.Write(binary.AppendVarint(nil, x)) }
func f32(b *bytes.Buffer, x float32)    { u32(b, math.Float32bits(x)) }
func u32(b *bytes.Buffer, x uint32)     { b.Write(binary.LittleEndian.AppendUint32(nil, x)) }
func u64(b *bytes.Buffer, x uint64)     { b.Write(binary.LittleEndian.AppendUint64(nil, x)) }
