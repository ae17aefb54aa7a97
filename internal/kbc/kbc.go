// Package kbc is the .kbc file format: the one schema that the bytecode
// writer (backend/bytecode) and the VM's loader (runtime) both use, so
// that they cannot drift. It holds the sections' grammar (Encode and
// Decode, byte for byte inverse), the element types, storage and
// quantization kinds, and every opcode's operand schema (opcodes.go).
// runtime/FORMAT.md says the same at more length. All integers are
// little-endian.
//
//	file     = header table sections trailer
//	header   = magic[8] version:u32 flags:u32 nsections:u32 reserved:u32      (24 bytes)
//	table    = nsections x (id:u32 reserved:u32 offset:u64 size:u64)          (24 bytes each)
//	sections = each section at an offset that is a multiple of 64, in table order,
//	           never overlapping; padding between them is zero
//	trailer  = crc:u32, the CRC-32C (Castagnoli) of every byte before it
//
//	magic    = "\x89KBC\r\n\x1a\n" (a text-mode transfer, a truncation to 7 bits or
//	           a line-ending conversion all break it visibly)
//
// Sections, each exactly once, in this order:
//
//	STRINGS  count:uvarint (len:uvarint utf8-bytes)*              names and file names
//	MODEL    name:str arena:uvarint ninputs:uvarint input:tensor* noutputs:uvarint output:tensor*
//	         (arena: bytes of scratch arena per sample; inputs/outputs: tensor indices)
//	TENSORS  count:uvarint tensor*
//	         tensor = name:str dtype:u8 batched:u8 rank:uvarint dim:uvarint*
//	                  quant storage
//	         quant  = 0                                          none
//	                | 1 scale:f32 zero:svarint                   per tensor
//	                | 2 axis:uvarint n:uvarint scale:f32*n zero:svarint   per channel, one zero point
//	         storage = 0 offset:uvarint                          arena, offset per sample (multiple of 64)
//	                 | 1 offset:uvarint                          constant, offset into CONST (multiple of 64)
//	                 | 2 tensor:uvarint                          alias of an earlier tensor (same bytes)
//	                 | 3                                         model input, bound to the caller's data
//	                 | 4 offset:uvarint size:uvarint             coded constant: size bytes at offset
//	                                                             into CONST (multiple of 64), decoded at load
//	CONST    raw bytes; every constant starts at a multiple of 64 from the section's start
//	CODE     count:uvarint instr*
//	         instr = opcode:u8 ntensors:uvarint tensor:uvarint* nints:uvarint int:svarint*
//	DEBUG    count:uvarint (file:str line:uvarint col:uvarint)*   one source position per instruction
//
// str is a uvarint index into STRINGS. Each opcode's tensor operands and
// integer parameters, with their valid ranges, are its Schema
// (opcodes.go). Builds are deterministic: the same model and weights give
// the same bytes.
//
// A coded constant (coded.go) is stored sparse and Huffman-coded, as Deep
// Compression stores pruned, weight-shared layers:
//
//	coded    = ncodebook:uvarint value*ncodebook nonzeros:uvarint gaps:table indices:table bits
//	value    = one element as CONST would hold it (i8: 1 byte, i32 and f32: 4), the values
//	           distinct, non-zero and ascending as unsigned little-endian integers
//	table    = nsymbols:uvarint, then a Huffman code length (0-15, 0: unused) per symbol,
//	           two per byte, low nibble first; codes are canonical, and complete unless
//	           only one symbol is used, which has length 1 and takes no bits
//	bits     = the runs, most significant bit first, zero-padded to a byte: a gap code g,
//	           then, unless g is the filler GapCap (255: 255 zeros, no element), the codebook
//	           index of the element that follows g zeros; the zeros after the last of the
//	           nonzeros elements are implied. The gap code has at most 256 symbols, the
//	           index code exactly ncodebook.
//
// A coded constant may decode to at most MaxCodedRatio (2048) elements per
// byte of its blob; the loader bounds the decoded constants in total.
package kbc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// Magic starts every .kbc file.
const Magic = "\x89KBC\r\n\x1a\n"

// Version is the format version the compiler writes; the VM reads it and
// every version from MinVersion on. Version 2 lets EMBEDDING take one
// rescale for all its rows (the compiler rescales the rows at build time)
// where version 1 had one per row.
const (
	Version    = 2
	MinVersion = 1
)

// Section ids, in the order they appear.
const (
	SecStrings uint32 = iota + 1
	SecModel
	SecTensors
	SecConst
	SecCode
	SecDebug
	NumSections = int(SecDebug)
)

// SectionNames name the sections, for errors.
var SectionNames = [...]string{SecStrings: "STRINGS", SecModel: "MODEL", SecTensors: "TENSORS", SecConst: "CONST", SecCode: "CODE", SecDebug: "DEBUG"}

// Align is the alignment of sections, constants and arena offsets: a
// cache line, and a whole AVX-512 register.
const Align = 64

// AlignUp rounds n up to a multiple of Align.
func AlignUp(n int) int { return (n + Align - 1) / Align * Align }

const (
	headerSize     = 24
	tableEntrySize = 24
	trailerSize    = 4
)

// Framing is what a file of size bytes with sections of the given sizes
// spends outside them: the header, the section table, the padding that
// aligns each section, and the checksum.
func Framing(size int, sections []int) (header, table, padding, checksum int) {
	header, table, checksum = headerSize, len(sections)*tableEntrySize, trailerSize
	padding = size - header - table - checksum
	for _, n := range sections {
		padding -= n
	}
	return header, table, padding, checksum
}

// Bounds the decoder enforces on every file.
const (
	MaxRank  = 8
	MaxElems = 1 << 30 // elements of one tensor (per sample when batched)
)

// DType is an element type as the file stores it.
type DType uint8

// The element types.
const (
	F32 DType = iota + 1
	I32
	I8
)

// Size is the element size in bytes (0 for an unknown type).
func (d DType) Size() int {
	switch d {
	case F32, I32:
		return 4
	case I8:
		return 1
	}
	return 0
}

func (d DType) String() string {
	switch d {
	case F32:
		return "f32"
	case I32:
		return "i32"
	case I8:
		return "i8"
	}
	return "dtype?"
}

// Storage says where a tensor's bytes live.
type Storage uint8

// The storage kinds.
const (
	StoreArena Storage = iota // computed; Offset is per sample in the arena
	StoreConst                // Offset into CONST
	StoreAlias                // the bytes of tensor Offset (an earlier one)
	StoreInput                // bound to the caller's data
	StoreCoded                // Size coded bytes at Offset into CONST (coded.go)
)

// QuantKind is how a tensor is quantized.
type QuantKind uint8

// The quantization kinds.
const (
	QuantNone    QuantKind = iota
	QuantTensor            // one scale and zero point
	QuantChannel           // one scale per index of Axis, one zero point
)

// File is a decoded .kbc file: what Encode writes and Decode reads.
type File struct {
	Name    string
	Arena   int // arena bytes per sample, a multiple of Align
	Inputs  []int
	Outputs []int
	Tensors []Tensor
	Const   []byte
	Code    []Instr
}

// Tensor is one tensor descriptor.
type Tensor struct {
	Name    string
	DType   DType
	Batched bool
	Dims    []int // per sample when batched
	Quant   Quant
	Store   Storage
	Offset  int // arena or constant offset, or the aliased tensor's index
	Size    int // StoreCoded: the coded blob's bytes
}

// Elems is the tensor's element count (per sample when batched).
func (t *Tensor) Elems() int {
	n := 1
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Bytes is the tensor's size in bytes (per sample when batched).
func (t *Tensor) Bytes() int { return t.Elems() * t.DType.Size() }

// Quant is a tensor's quantization parameters.
type Quant struct {
	Kind  QuantKind
	Axis  int
	Scale []float32
	Zero  int32
}

// Instr is one instruction; Tensors[0] is its result.
type Instr struct {
	Op      Opcode
	Tensors []int
	Ints    []int64
	Pos     Pos
}

// Pos is an instruction's source position (the DEBUG section).
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return "-"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum returns the CRC-32C a file's trailer must hold: that of every
// byte before the trailer.
func Checksum(file []byte) uint32 { return crc32.Checksum(file[:len(file)-trailerSize], castagnoli) }

// ErrChecksum reports a file whose trailer does not match its bytes.
var ErrChecksum = errors.New("checksum mismatch: the file is corrupt")

// Encode writes f as a .kbc file. Strings are numbered in the order the
// sections first use them, so the same File always gives the same bytes.
func Encode(f *File) []byte {
	w := &writer{idx: map[string]int{}}
	// Names first, so STRINGS holds every string the other sections use.
	model := w.section(func(b []byte) []byte {
		b = w.str(b, f.Name)
		b = binary.AppendUvarint(b, uint64(f.Arena))
		b = binary.AppendUvarint(b, uint64(len(f.Inputs)))
		for _, i := range f.Inputs {
			b = binary.AppendUvarint(b, uint64(i))
		}
		b = binary.AppendUvarint(b, uint64(len(f.Outputs)))
		for _, o := range f.Outputs {
			b = binary.AppendUvarint(b, uint64(o))
		}
		return b
	})
	tensors := binary.AppendUvarint(nil, uint64(len(f.Tensors)))
	for i := range f.Tensors {
		tensors = w.tensor(tensors, &f.Tensors[i])
	}
	code := binary.AppendUvarint(nil, uint64(len(f.Code)))
	debug := binary.AppendUvarint(nil, uint64(len(f.Code)))
	for _, in := range f.Code {
		code = AppendInstr(code, &in)
		debug = w.str(debug, in.Pos.File)
		debug = binary.AppendUvarint(debug, uint64(max(in.Pos.Line, 0)))
		debug = binary.AppendUvarint(debug, uint64(max(in.Pos.Col, 0)))
	}
	strs := binary.AppendUvarint(nil, uint64(len(w.strs)))
	for _, s := range w.strs {
		strs = binary.AppendUvarint(strs, uint64(len(s)))
		strs = append(strs, s...)
	}
	return Assemble([][]byte{strs, model, tensors, f.Const, code, debug})
}

// writer numbers strings as they are first used.
type writer struct {
	strs []string
	idx  map[string]int
}

func (w *writer) section(fill func([]byte) []byte) []byte { return fill(nil) }

func (w *writer) str(b []byte, s string) []byte {
	i, ok := w.idx[s]
	if !ok {
		i = len(w.strs)
		w.idx[s] = i
		w.strs = append(w.strs, s)
	}
	return binary.AppendUvarint(b, uint64(i))
}

func (w *writer) tensor(b []byte, t *Tensor) []byte {
	b = w.str(b, t.Name)
	b = append(b, byte(t.DType))
	if t.Batched {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(t.Dims)))
	for _, d := range t.Dims {
		b = binary.AppendUvarint(b, uint64(d))
	}
	b = AppendQuant(b, &t.Quant)
	b = append(b, byte(t.Store))
	if t.Store != StoreInput {
		b = binary.AppendUvarint(b, uint64(t.Offset))
	}
	if t.Store == StoreCoded {
		b = binary.AppendUvarint(b, uint64(t.Size))
	}
	return b
}

// AppendQuant appends a tensor's quantization as TENSORS holds it.
func AppendQuant(b []byte, q *Quant) []byte {
	b = append(b, byte(q.Kind))
	switch q.Kind {
	case QuantTensor:
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(q.Scale[0]))
		b = binary.AppendVarint(b, int64(q.Zero))
	case QuantChannel:
		b = binary.AppendUvarint(b, uint64(q.Axis))
		b = binary.AppendUvarint(b, uint64(len(q.Scale)))
		for _, s := range q.Scale {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(s))
		}
		b = binary.AppendVarint(b, int64(q.Zero))
	}
	return b
}

// AppendInstr appends one instruction as CODE holds it.
func AppendInstr(b []byte, in *Instr) []byte {
	b = append(b, byte(in.Op))
	b = binary.AppendUvarint(b, uint64(len(in.Tensors)))
	for _, t := range in.Tensors {
		b = binary.AppendUvarint(b, uint64(t))
	}
	b = binary.AppendUvarint(b, uint64(len(in.Ints)))
	for _, x := range in.Ints {
		b = binary.AppendVarint(b, x)
	}
	return b
}

// Assemble lays sections out with the header, the section table, the
// padding and the checksum.
func Assemble(sections [][]byte) []byte {
	var out []byte
	out = append(out, Magic...)
	out = binary.LittleEndian.AppendUint32(out, Version)
	out = binary.LittleEndian.AppendUint32(out, 0)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(sections)))
	out = binary.LittleEndian.AppendUint32(out, 0)
	off := AlignUp(len(out) + len(sections)*tableEntrySize)
	for i, s := range sections {
		out = binary.LittleEndian.AppendUint32(out, uint32(i+1))
		out = binary.LittleEndian.AppendUint32(out, 0)
		out = binary.LittleEndian.AppendUint64(out, uint64(off))
		out = binary.LittleEndian.AppendUint64(out, uint64(len(s)))
		off = AlignUp(off + len(s))
	}
	for _, s := range sections {
		for len(out)%Align != 0 {
			out = append(out, 0)
		}
		out = append(out, s...)
	}
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
}

// Split checks a file's header, checksum (unless skipped) and section
// table, and returns its sections indexed by id.
func Split(b []byte, skipChecksum bool) ([][]byte, error) {
	if len(b) < headerSize+trailerSize || string(b[:8]) != Magic {
		return nil, fmt.Errorf("not a .kbc file (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v < MinVersion || v > Version {
		return nil, fmt.Errorf("format version %d; this runtime reads versions %d to %d", v, MinVersion, Version)
	}
	if f := binary.LittleEndian.Uint32(b[12:]); f != 0 {
		return nil, fmt.Errorf("header: unknown flags %#x", f)
	}
	if n := binary.LittleEndian.Uint32(b[16:]); n != uint32(NumSections) {
		return nil, fmt.Errorf("header: %d sections, want %d", n, NumSections)
	}
	if !skipChecksum {
		if got, want := binary.LittleEndian.Uint32(b[len(b)-trailerSize:]), Checksum(b); got != want {
			return nil, ErrChecksum
		}
	}
	body := len(b) - trailerSize
	tableEnd := headerSize + NumSections*tableEntrySize
	if tableEnd > body {
		return nil, fmt.Errorf("header: the section table runs past the end of the file")
	}
	secs := make([][]byte, NumSections+1)
	prevEnd := tableEnd
	for i := 0; i < NumSections; i++ {
		e := b[headerSize+i*tableEntrySize:]
		id := binary.LittleEndian.Uint32(e)
		off := binary.LittleEndian.Uint64(e[8:])
		size := binary.LittleEndian.Uint64(e[16:])
		if id != uint32(i+1) {
			return nil, fmt.Errorf("section table entry %d: id %d, want %d (%s)", i, id, i+1, SectionNames[i+1])
		}
		name := SectionNames[id]
		if off%Align != 0 || off < uint64(prevEnd) || off > uint64(body) || size > uint64(body)-off {
			return nil, fmt.Errorf("section %s: offset %d and size %d do not fit the file (aligned to %d, after the previous section, before byte %d)", name, off, size, Align, body)
		}
		secs[id] = b[off : off+size]
		prevEnd = int(off + size)
	}
	return secs, nil
}
