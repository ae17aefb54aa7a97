package runtime

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"

	"github.com/kiln-nn/kiln/runtime/kernels"
)

// Model is a loaded, validated .kbc file. It is immutable: any number of
// goroutines may run Sessions of one Model at once.
type Model struct {
	name    string
	tensors []tensor
	code    []instr
	inputs  []int
	outputs []int
	arena   int // bytes of arena per sample
	// maxMemory bounds the arena, inputs and scratch per sample.
	maxMemory int
	consts    []byte
	scratch   scratchNeeds
	// portable is set when the model runs the portable kernels.
	portable bool
}

// tensor is one tensor of the model.
type tensor struct {
	name    string
	dtype   DType
	batched bool
	dims    []int // per sample when batched
	elems   int   // per sample when batched
	quant   quant
	store   uint8
	offset  int // arena offset per sample, or offset into the constants
	root    int // for aliases: the tensor whose bytes they share; else itself
	// Constant data, typed.
	i8  []int8
	i32 []int32
	f32 []float32
}

// quant is a tensor's quantization parameters.
type quant struct {
	kind  uint8
	axis  int
	scale []float32
	zero  []int32
}

// bytes is the tensor's size in bytes (per sample when batched).
func (t *tensor) bytes() int { return t.elems * t.dtype.Size() }

// instr is one decoded, validated instruction.
type instr struct {
	op   Opcode
	t    []int
	ints []int64
	pos  Position
	prep any // what the kernel needs, prepared at load (read-only)
}

// Position is a source position from the debug table.
type Position struct {
	File      string
	Line, Col int
}

func (p Position) String() string {
	if p.Line == 0 {
		return "-"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Options configure Load.
type Options struct {
	// MaxFileSize refuses larger files before reading them whole (LoadFile)
	// or decoding them (Load). 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// Portable runs the portable Go kernels even where assembly ones
	// exist (KILN_PORTABLE=1 in the environment does the same).
	Portable bool
	// MaxMemory bounds the memory a model may ask for per example — its
	// arena, its inputs and its kernels' scratch, together — since a
	// file's claims about activations are not bounded by its size. 0
	// means DefaultMaxMemory.
	MaxMemory int
	// SkipChecksum skips the CRC check. Only for fuzzing the structural
	// validation, which a checksum would otherwise shield.
	SkipChecksum bool
}

// DefaultMaxMemory is the default bound on a model's memory per example.
const DefaultMaxMemory = 256 << 20

func (o *Options) maxMemory() int {
	if o == nil || o.MaxMemory <= 0 {
		return DefaultMaxMemory
	}
	return o.MaxMemory
}

// DefaultMaxFileSize is the largest file Load accepts by default.
const DefaultMaxFileSize = 1 << 30

// LoadFile reads and loads a .kbc file, refusing one larger than the
// limit before reading it.
func LoadFile(path string, opt *Options) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if limit := opt.maxSize(); fi.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d-byte limit", path, fi.Size(), limit)
	}
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, err := Load(b, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func (o *Options) maxSize() int64 {
	if o == nil || o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum returns the CRC-32C a file's trailer must hold: that of every
// byte before the trailer.
func Checksum(file []byte) uint32 { return crc32.Checksum(file[:len(file)-trailerSize], castagnoli) }

// sectionNames name the sections in errors.
var sectionNames = [...]string{SecStrings: "STRINGS", SecModel: "MODEL", SecTensors: "TENSORS", SecConst: "CONST", SecCode: "CODE", SecDebug: "DEBUG"}

// Load decodes and validates a .kbc file held in memory. Every offset,
// length, shape, operand and constant is checked here, so that running
// the model needs no checks and cannot fault; an error names the section
// and what is wrong. b is not retained.
func Load(b []byte, opt *Options) (*Model, error) {
	secs, err := splitSections(b, opt)
	if err != nil {
		return nil, err
	}
	return decode(secs, opt)
}

// splitSections checks a file's header, checksum and section table and
// returns its sections, indexed by id.
func splitSections(b []byte, opt *Options) ([][]byte, error) {
	if int64(len(b)) > opt.maxSize() {
		return nil, fmt.Errorf("%d bytes is more than the %d-byte limit", len(b), opt.maxSize())
	}
	if len(b) < headerSize+trailerSize || string(b[:8]) != Magic {
		return nil, fmt.Errorf("not a .kbc file (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != Version {
		return nil, fmt.Errorf("format version %d; this runtime reads version %d", v, Version)
	}
	if f := binary.LittleEndian.Uint32(b[12:]); f != 0 {
		return nil, fmt.Errorf("header: unknown flags %#x", f)
	}
	if n := binary.LittleEndian.Uint32(b[16:]); n != uint32(numSections) {
		return nil, fmt.Errorf("header: %d sections, want %d", n, numSections)
	}
	if opt == nil || !opt.SkipChecksum {
		if got, want := binary.LittleEndian.Uint32(b[len(b)-trailerSize:]), Checksum(b); got != want {
			return nil, errChecksum
		}
	}
	body := len(b) - trailerSize
	tableEnd := headerSize + numSections*tableEntrySize
	if tableEnd > body {
		return nil, fmt.Errorf("header: the section table runs past the end of the file")
	}
	secs := make([][]byte, numSections+1)
	prevEnd := tableEnd
	for i := 0; i < numSections; i++ {
		e := b[headerSize+i*tableEntrySize:]
		id := binary.LittleEndian.Uint32(e)
		off := binary.LittleEndian.Uint64(e[8:])
		size := binary.LittleEndian.Uint64(e[16:])
		if id != uint32(i+1) {
			return nil, fmt.Errorf("section table entry %d: id %d, want %d (%s)", i, id, i+1, sectionNames[i+1])
		}
		name := sectionNames[id]
		if off%Align != 0 || off < uint64(prevEnd) || off > uint64(body) || size > uint64(body)-off {
			return nil, fmt.Errorf("section %s: offset %d and size %d do not fit the file (aligned to %d, after the previous section, before byte %d)", name, off, size, Align, body)
		}
		secs[id] = b[off : off+size]
		prevEnd = int(off + size)
	}
	return secs, nil
}

// decode builds the model from its sections and validates it.
func decode(secs [][]byte, opt *Options) (*Model, error) {
	strs, err := readStrings(secs[SecStrings])
	if err != nil {
		return nil, err
	}
	m := &Model{portable: (opt != nil && opt.Portable) || kernels.KernelName() == "portable", maxMemory: opt.maxMemory()}
	// CONST is copied so the model owns aligned memory: the kernels read
	// constants with vector loads.
	m.consts = alignedBytes(len(secs[SecConst]))
	copy(m.consts, secs[SecConst])
	if err := m.readTensors(secs[SecTensors], strs); err != nil {
		return nil, err
	}
	if err := m.readModel(secs[SecModel], strs); err != nil {
		return nil, err
	}
	if err := m.readCode(secs[SecCode]); err != nil {
		return nil, err
	}
	if err := m.readDebug(secs[SecDebug], strs); err != nil {
		return nil, err
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// alignedBytes returns a zeroed byte slice whose first byte is Align-aligned.
func alignedBytes(n int) []byte {
	b := make([]byte, n+Align)
	off := (Align - int(addrOf(b)%Align)) % Align
	return b[off : off+n : off+n]
}

// maxElems bounds any tensor's element count (per sample when batched).
const maxElems = 1 << 30

func (m *Model) readTensors(b []byte, strs []string) error {
	r := &reader{sec: "TENSORS", b: b}
	n := r.count("tensor count", 6)
	m.tensors = make([]tensor, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		t := tensor{root: i}
		t.name = r.str(strs, "tensor name")
		t.dtype = DType(r.u8())
		if t.dtype.Size() == 0 && r.err == nil {
			r.fail("tensor %d (%s): unknown dtype %d", i, t.name, t.dtype)
		}
		switch r.u8() {
		case 0:
		case 1:
			t.batched = true
		default:
			r.fail("tensor %d (%s): batched flag must be 0 or 1", i, t.name)
		}
		rank := r.int("rank", 8)
		t.elems = 1
		for d := 0; d < rank && r.err == nil; d++ {
			dim := r.int("dimension", maxElems)
			if dim < 1 {
				r.fail("tensor %d (%s): dimension %d is %d", i, t.name, d, dim)
			}
			t.dims = append(t.dims, dim)
			if t.elems > maxElems/max(dim, 1) {
				r.fail("tensor %d (%s): more than %d elements", i, t.name, maxElems)
			}
			t.elems *= dim
		}
		r.readQuant(&t, i)
		t.store = r.u8()
		switch t.store {
		case StoreArena, StoreConst:
			t.offset = r.int("offset", math.MaxInt32)
		case StoreAlias:
			t.root = r.int("alias target", max(i-1, 0))
			if r.err == nil && i == 0 {
				r.fail("tensor 0 (%s) cannot be an alias", t.name)
			}
		case StoreInput:
		default:
			r.fail("tensor %d (%s): unknown storage kind %d", i, t.name, t.store)
		}
		m.tensors = append(m.tensors, t)
	}
	r.done()
	return r.err
}

func (r *reader) readQuant(t *tensor, i int) {
	t.quant.kind = r.u8()
	switch t.quant.kind {
	case QuantNone:
	case QuantTensor:
		t.quant.scale = []float32{r.f32()}
		t.quant.zero = []int32{r.zeroPoint(t, i)}
	case QuantChannel:
		t.quant.axis = r.int("quantization axis", max(len(t.dims)-1, 0))
		n := r.int("scale count", (len(r.b)-r.off)/4)
		if r.err == nil && (len(t.dims) == 0 || n != t.dims[t.quant.axis]) {
			r.fail("tensor %d (%s): %d scales for dimension %d of %v", i, t.name, n, t.quant.axis, t.dims)
		}
		t.quant.scale = make([]float32, 0, n)
		for j := 0; j < n && r.err == nil; j++ {
			t.quant.scale = append(t.quant.scale, r.f32())
		}
		t.quant.zero = []int32{r.zeroPoint(t, i)}
	default:
		r.fail("tensor %d (%s): unknown quantization kind %d", i, t.name, t.quant.kind)
		return
	}
	for _, s := range t.quant.scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			r.fail("tensor %d (%s): scale %g is not a positive finite number", i, t.name, s)
		}
	}
}

// zeroPoint reads tensor i's zero point, which must lie in the int8 range
// (0 for an i32 tensor), checked before it is narrowed to int32.
func (r *reader) zeroPoint(t *tensor, i int) int32 {
	z := r.svarint("zero point")
	lo, hi := int64(-128), int64(127)
	if t.dtype == I32 {
		lo, hi = 0, 0
	}
	if r.err == nil && (z < lo || z > hi) {
		r.fail("tensor %d (%s): zero point %d is outside [%d, %d]", i, t.name, z, lo, hi)
	}
	return int32(z)
}

func (m *Model) readModel(b []byte, strs []string) error {
	r := &reader{sec: "MODEL", b: b}
	m.name = r.str(strs, "model name")
	m.arena = r.int("arena size", math.MaxInt32)
	if r.err == nil && m.arena%Align != 0 {
		r.fail("arena size %d is not a multiple of %d", m.arena, Align)
	}
	if r.err == nil && m.arena > m.maxMemory {
		r.fail("arena of %d bytes per example is more than the %d-byte limit", m.arena, m.maxMemory)
	}
	list := func(what string) []int {
		n := r.count(what+" count", 1)
		var idx []int
		for i := 0; i < n && r.err == nil; i++ {
			idx = append(idx, r.int(what, max(len(m.tensors)-1, 0)))
		}
		return idx
	}
	m.inputs = list("input")
	m.outputs = list("output")
	r.done()
	if r.err == nil && len(m.tensors) == 0 {
		return fmt.Errorf("section TENSORS: no tensors")
	}
	return r.err
}

func (m *Model) readCode(b []byte) error {
	r := &reader{sec: "CODE", b: b}
	n := r.count("instruction count", 3)
	m.code = make([]instr, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		in := instr{op: Opcode(r.u8())}
		nt := r.count("tensor operand count", 1)
		for j := 0; j < nt && r.err == nil; j++ {
			in.t = append(in.t, r.int("tensor operand", len(m.tensors)-1))
		}
		ni := r.count("integer count", 1)
		for j := 0; j < ni && r.err == nil; j++ {
			in.ints = append(in.ints, r.svarint("integer"))
		}
		m.code = append(m.code, in)
	}
	r.done()
	return r.err
}

func (m *Model) readDebug(b []byte, strs []string) error {
	r := &reader{sec: "DEBUG", b: b}
	n := r.int("position count", len(m.code))
	if r.err == nil && n != len(m.code) {
		r.fail("%d positions for %d instructions", n, len(m.code))
	}
	for i := 0; i < n && r.err == nil; i++ {
		p := &m.code[i].pos
		p.File = r.str(strs, "file name")
		p.Line = r.int("line", math.MaxInt32)
		p.Col = r.int("column", math.MaxInt32)
	}
	r.done()
	return r.err
}
