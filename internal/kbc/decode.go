package kbc

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"
)

// Decode checks a file's structure and returns its contents: every
// varint, string, count and length is checked against the bytes that are
// there (no count can allocate more than the file could hold), and every
// dtype, rank, dimension, quantization and storage kind against the
// grammar. What the contents mean (shapes against opcodes, the memory
// plan) is the loader's to check. An error names the section and the byte
// offset.
func Decode(b []byte, skipChecksum bool) (*File, error) {
	secs, err := Split(b, skipChecksum)
	if err != nil {
		return nil, err
	}
	return DecodeSections(secs)
}

// DecodeSections decodes sections as Split returns them.
func DecodeSections(secs [][]byte) (*File, error) {
	strs, err := readStrings(secs[SecStrings])
	if err != nil {
		return nil, err
	}
	f := &File{Const: secs[SecConst]}
	if f.Tensors, err = ReadTensors(secs[SecTensors], strs); err != nil {
		return nil, err
	}
	if err := f.readModel(secs[SecModel], strs); err != nil {
		return nil, err
	}
	if err := f.readCode(secs[SecCode]); err != nil {
		return nil, err
	}
	if err := f.readDebug(secs[SecDebug], strs); err != nil {
		return nil, err
	}
	return f, nil
}

// reader decodes one section, turning every malformed or out-of-range
// field into an error that names the section and the byte offset.
type reader struct {
	sec string
	b   []byte
	off int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("section %s, offset %d: %s", r.sec, r.off, fmt.Sprintf(format, args...))
	}
}

func (r *reader) u8() uint8 {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("unexpected end of section")
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) f32() float32 {
	if r.err != nil {
		return 0
	}
	if r.off+4 > len(r.b) {
		r.fail("unexpected end of section")
		return 0
	}
	v := math.Float32frombits(binary.LittleEndian.Uint32(r.b[r.off:]))
	r.off += 4
	return v
}

// uvarint reads an unsigned varint no larger than max.
func (r *reader) uvarint(what string, max uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint for %s", what)
		return 0
	}
	if v > max {
		r.fail("%s %d exceeds %d", what, v, max)
		return 0
	}
	r.off += n
	return v
}

// int reads an unsigned varint as an int no larger than max.
func (r *reader) int(what string, max int) int { return int(r.uvarint(what, uint64(max))) }

func (r *reader) svarint(what string) int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint for %s", what)
		return 0
	}
	r.off += n
	return v
}

// count reads an element count, bounded by the bytes left (every element
// takes at least min bytes), so that no claim allocates more than the
// file could hold.
func (r *reader) count(what string, min int) int {
	return r.int(what, (len(r.b)-r.off)/max(min, 1)+1)
}

func (r *reader) done() {
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d bytes left over at the end of the section", len(r.b)-r.off)
	}
}

// readStrings decodes the STRINGS section.
func readStrings(b []byte) ([]string, error) {
	r := &reader{sec: "STRINGS", b: b}
	n := r.count("string count", 1)
	strs := make([]string, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		l := r.int("string length", len(b)-r.off)
		if r.err != nil {
			break
		}
		if r.off+l > len(b) {
			r.fail("string %d runs past the end", i)
			break
		}
		s := string(b[r.off : r.off+l])
		if !utf8.ValidString(s) {
			r.fail("string %d is not UTF-8", i)
		}
		strs = append(strs, s)
		r.off += l
	}
	r.done()
	return strs, r.err
}

// ReadStrings decodes a STRINGS section.
func ReadStrings(b []byte) ([]string, error) { return readStrings(b) }

// str reads a string index.
func (r *reader) str(strs []string, what string) string {
	i := r.int(what, max(len(strs)-1, 0))
	if r.err != nil || len(strs) == 0 {
		if r.err == nil {
			r.fail("%s refers to a string, but STRINGS is empty", what)
		}
		return ""
	}
	return strs[i]
}

// ReadTensors decodes a TENSORS section.
func ReadTensors(b []byte, strs []string) ([]Tensor, error) {
	r := &reader{sec: "TENSORS", b: b}
	n := r.count("tensor count", 6)
	tensors := make([]Tensor, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		var t Tensor
		t.Name = r.str(strs, "tensor name")
		t.DType = DType(r.u8())
		if t.DType.Size() == 0 && r.err == nil {
			r.fail("tensor %d (%s): unknown dtype %d", i, t.Name, t.DType)
		}
		switch r.u8() {
		case 0:
		case 1:
			t.Batched = true
		default:
			r.fail("tensor %d (%s): batched flag must be 0 or 1", i, t.Name)
		}
		rank := r.int("rank", MaxRank)
		elems := 1
		for d := 0; d < rank && r.err == nil; d++ {
			dim := r.int("dimension", MaxElems)
			if dim < 1 {
				r.fail("tensor %d (%s): dimension %d is %d", i, t.Name, d, dim)
			}
			t.Dims = append(t.Dims, dim)
			if elems > MaxElems/max(dim, 1) {
				r.fail("tensor %d (%s): more than %d elements", i, t.Name, MaxElems)
			}
			elems *= dim
		}
		r.readQuant(&t, i)
		t.Store = Storage(r.u8())
		switch t.Store {
		case StoreArena, StoreConst:
			t.Offset = r.int("offset", math.MaxInt32)
		case StoreAlias:
			t.Offset = r.int("alias target", max(i-1, 0))
			if r.err == nil && i == 0 {
				r.fail("tensor 0 (%s) cannot be an alias", t.Name)
			}
		case StoreCoded:
			t.Offset = r.int("offset", math.MaxInt32)
			t.Size = r.int("coded size", math.MaxInt32)
		case StoreInput:
		default:
			r.fail("tensor %d (%s): unknown storage kind %d", i, t.Name, t.Store)
		}
		tensors = append(tensors, t)
	}
	r.done()
	return tensors, r.err
}

func (r *reader) readQuant(t *Tensor, i int) {
	t.Quant.Kind = QuantKind(r.u8())
	switch t.Quant.Kind {
	case QuantNone:
	case QuantTensor:
		t.Quant.Scale = []float32{r.f32()}
		t.Quant.Zero = r.zeroPoint(t, i)
	case QuantChannel:
		t.Quant.Axis = r.int("quantization axis", max(len(t.Dims)-1, 0))
		n := r.int("scale count", (len(r.b)-r.off)/4)
		if r.err == nil && (len(t.Dims) == 0 || n != t.Dims[t.Quant.Axis]) {
			r.fail("tensor %d (%s): %d scales for dimension %d of %v", i, t.Name, n, t.Quant.Axis, t.Dims)
		}
		t.Quant.Scale = make([]float32, 0, n)
		for j := 0; j < n && r.err == nil; j++ {
			t.Quant.Scale = append(t.Quant.Scale, r.f32())
		}
		t.Quant.Zero = r.zeroPoint(t, i)
	default:
		r.fail("tensor %d (%s): unknown quantization kind %d", i, t.Name, t.Quant.Kind)
		return
	}
	for _, s := range t.Quant.Scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			r.fail("tensor %d (%s): scale %g is not a positive finite number", i, t.Name, s)
		}
	}
}

// zeroPoint reads tensor i's zero point, which must lie in the int8 range
// (0 for an i32 tensor), checked before it is narrowed to int32.
func (r *reader) zeroPoint(t *Tensor, i int) int32 {
	z := r.svarint("zero point")
	lo, hi := int64(-128), int64(127)
	if t.DType == I32 {
		lo, hi = 0, 0
	}
	if r.err == nil && (z < lo || z > hi) {
		r.fail("tensor %d (%s): zero point %d is outside [%d, %d]", i, t.Name, z, lo, hi)
	}
	return int32(z)
}

func (f *File) readModel(b []byte, strs []string) error {
	r := &reader{sec: "MODEL", b: b}
	f.Name = r.str(strs, "model name")
	f.Arena = r.int("arena size", math.MaxInt32)
	if r.err == nil && f.Arena%Align != 0 {
		r.fail("arena size %d is not a multiple of %d", f.Arena, Align)
	}
	list := func(what string) []int {
		n := r.count(what+" count", 1)
		var idx []int
		for i := 0; i < n && r.err == nil; i++ {
			idx = append(idx, r.int(what, max(len(f.Tensors)-1, 0)))
		}
		return idx
	}
	f.Inputs = list("input")
	f.Outputs = list("output")
	r.done()
	if r.err == nil && len(f.Tensors) == 0 {
		return fmt.Errorf("section TENSORS: no tensors")
	}
	return r.err
}

func (f *File) readCode(b []byte) error {
	r := &reader{sec: "CODE", b: b}
	n := r.count("instruction count", 3)
	f.Code = make([]Instr, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		in := Instr{Op: Opcode(r.u8())}
		nt := r.count("tensor operand count", 1)
		for j := 0; j < nt && r.err == nil; j++ {
			in.Tensors = append(in.Tensors, r.int("tensor operand", len(f.Tensors)-1))
		}
		ni := r.count("integer count", 1)
		for j := 0; j < ni && r.err == nil; j++ {
			in.Ints = append(in.Ints, r.svarint("integer"))
		}
		f.Code = append(f.Code, in)
	}
	r.done()
	return r.err
}

func (f *File) readDebug(b []byte, strs []string) error {
	r := &reader{sec: "DEBUG", b: b}
	n := r.int("position count", len(f.Code))
	if r.err == nil && n != len(f.Code) {
		r.fail("%d positions for %d instructions", n, len(f.Code))
	}
	for i := 0; i < n && r.err == nil; i++ {
		p := &f.Code[i].Pos
		p.File = r.str(strs, "file name")
		p.Line = r.int("line", math.MaxInt32)
		p.Col = r.int("column", math.MaxInt32)
	}
	r.done()
	return r.err
}
