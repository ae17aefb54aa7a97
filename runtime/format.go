// Package runtime is kiln's virtual machine: it loads a .kbc file, checks
// every part of it once, and runs it with int8 kernels and no allocation.
// It imports only the standard library, golang.org/x/sys/cpu and kiln's
// own runtime packages: an application that embeds it pulls in no parser,
// no compiler and no training code.
//
// This file defines the file format (FORMAT.md says the same at more
// length). All integers are little-endian.
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
//	CONST    raw bytes; every constant starts at a multiple of 64 from the section's start
//	CODE     count:uvarint instr*
//	         instr = opcode:u8 ntensors:uvarint tensor:uvarint* nints:uvarint int:svarint*
//	DEBUG    count:uvarint (file:str line:uvarint col:uvarint)*   one source position per instruction
//
// str is a uvarint index into STRINGS. Each opcode's operands and integer
// parameters are listed in the opcode table (opcodes.go). Builds are
// deterministic: the same model and weights give the same bytes.

package runtime

// Magic starts every .kbc file.
const Magic = "\x89KBC\r\n\x1a\n"

// Version is the format version this runtime reads and the compiler writes.
const Version = 1

// Section ids, in the order they appear.
const (
	SecStrings uint32 = iota + 1
	SecModel
	SecTensors
	SecConst
	SecCode
	SecDebug
	numSections = int(SecDebug)
)

// Align is the alignment of sections, constants and arena offsets: a
// cache line, and a whole AVX-512 register.
const Align = 64

const (
	headerSize     = 24
	tableEntrySize = 24
	trailerSize    = 4
)

// DType is an element type as the file stores it.
type DType uint8

// The element types.
const (
	F32 DType = iota + 1
	I32
	I8
)

// Size is the element size in bytes.
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

// Storage kinds of a tensor.
const (
	StoreArena uint8 = iota
	StoreConst
	StoreAlias
	StoreInput
)

// Quantization kinds of a tensor.
const (
	QuantNone uint8 = iota
	QuantTensor
	QuantChannel
)
