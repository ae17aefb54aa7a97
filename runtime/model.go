package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/kiln-nn/kiln/internal/kbc"
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
	// ownTensor: per output, whether it is an f32 arena tensor that no
	// earlier output shares, which Run may compute in the caller's slice.
	ownTensor []bool
	arena     int // bytes of arena per sample
	// maxMemory bounds the arena, inputs and scratch per sample.
	maxMemory int
	// consts holds CONST and, after it, the coded constants decoded.
	consts []byte
	// constFile is CONST's size in the file.
	constFile int
	scratch   scratchNeeds
	// fileSize and sectionSizes (by section id) are the .kbc's bytes, for
	// the listing.
	fileSize     int
	sectionSizes [kbc.NumSections + 1]int

	// kernels is the kernel set the model runs.
	kernels kernels.Set
	// forceDense keeps dense layers on the dense kernels
	// (Options.ForceDense).
	forceDense bool
	// maxSession bounds a session's arena and scratch.
	maxSession int
	// allowNonFinite lets NaN and infinite float inputs through Run.
	allowNonFinite bool
	// threads is the most threads a session's op may use
	// (Options.Threads), and minWork the least work worth a thread
	// (the constant minWork; tests lower it to split every op).
	threads, minWork int
	// regions are the runs of instructions a Session on several threads
	// runs as one job (planRegions); nil on one thread.
	regions []region
}

// tensor is one tensor of the model.
type tensor struct {
	name    string
	dtype   DType
	batched bool
	dims    []int // per sample when batched
	elems   int   // per sample when batched
	quant   quant
	store   kbc.Storage
	offset  int // arena offset per sample, or offset into the constants
	root    int // for aliases: the tensor whose bytes they share; else itself
	// coded is set for a constant the file holds coded (kbc.StoreCoded):
	// loading decodes it into consts and makes it a plain StoreConst.
	coded *codedConst
	// Constant data, typed.
	i8  []int8
	i32 []int32
	f32 []float32
}

// codedConst is where a coded constant's blob lies in CONST and what it
// holds.
type codedConst struct {
	offset, size int
	stats        kbc.CodedStats
}

// quant is a tensor's quantization parameters.
type quant struct {
	kind  kbc.QuantKind
	axis  int
	scale []float32
	zero  []int32
}

// bytes is the tensor's size in bytes (per sample when batched).
func (t *tensor) bytes() int { return t.elems * t.dtype.size() }

// instr is one decoded, validated instruction.
type instr struct {
	op   kbc.Opcode
	t    []int
	ints []int64
	pos  kbc.Pos
	prep any // what the kernel needs, prepared at load (read-only)
}

// DType is the element type of a model's input or output.
type DType uint8

// The element types, numbered as the file numbers them.
const (
	F32 DType = iota + 1
	I32
	I8
)

// dtypeOf converts an element type the decoder has checked.
func dtypeOf(d kbc.DType) DType {
	switch d {
	case kbc.F32:
		return F32
	case kbc.I32:
		return I32
	case kbc.I8:
		return I8
	}
	return 0
}

// size is the element size in bytes.
func (d DType) size() int { return kbc.DType(d).Size() }

func (d DType) String() string { return kbc.DType(d).String() }

// Options configure Load.
type Options struct {
	// MaxFileSize refuses larger files before reading them whole (LoadFile)
	// or decoding them (Load). It also bounds the constants a file holds
	// coded (kbc.StoreCoded), decoded, in total: a coded file may not
	// unpack to more than a file of plain constants could hold. 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
	// Portable runs the portable Go kernels even where assembly ones
	// exist (KILN_PORTABLE=1 in the environment does the same).
	Portable bool
	// Kernels names the kernel set the model runs: "" for the process's
	// (the best set the CPU runs that passed its self-test at start, or
	// the one KILN_KERNELS names), "portable" (as Portable), or any
	// assembly set (amx, avx512vnni, avxvnni, avx2, sdot, neon) this CPU
	// runs: one this CPU, this build or the self-test rules out makes
	// Load fail, saying why.
	Kernels string
	// ForceDense runs every dense layer on the dense kernels, even one
	// whose weights are sparse enough (a pruned network's) that the
	// sparse kernels, which visit only the non-zero weights, would be
	// faster at the batch size run. Both give the same bits; this is for
	// comparing them (kiln bench --dense).
	ForceDense bool
	// MaxMemory bounds the memory a model may ask for per example — its
	// arena, its inputs and its kernels' scratch, together — since a
	// file's claims about activations are not bounded by its size. 0
	// means DefaultMaxMemory.
	MaxMemory int
	// MaxSessionMemory bounds the memory one Session may take, its arena
	// and its kernels' scratch for a batch of its capacity: NewSession
	// refuses a larger capacity with an error. 0 means
	// DefaultMaxSessionMemory.
	MaxSessionMemory int
	// AllowNonFinite lets Run take NaN and infinite float inputs, which
	// it refuses by default (an error naming the input and the value's
	// index). Allowed, they are quantized as TFLite quantizes them: NaN
	// becomes the input's zero point, as 0.0 does; +Inf, like any value
	// above the input's range, becomes the largest int8 code (127), and
	// -Inf the smallest (-128). The model then computes what it computes
	// for those codes; nothing marks the result.
	AllowNonFinite bool
	// Threads is the most goroutines a Session may run one op on. 0 or 1
	// runs everything on the goroutine that calls Run. Above 1, work
	// large enough that each thread gets about 100,000 multiply-
	// accumulates' worth is split into contiguous blocks, one per
	// thread: a large dense layer's output channels; and the examples of
	// each run of instructions that work example by example (every op
	// but the embeddings and those dense layers), each thread taking its
	// examples through the whole run before the threads meet again. Batch 1 stays on the calling goroutine but for
	// large dense layers and those with several rows per example. Each
	// output is computed with the same arithmetic whatever the split, so
	// results are the same bits for every Threads. A model loaded for
	// several threads lays out its arena anew so that threads never
	// share bytes within a run (kiln inspect shows the file's layout,
	// for one thread). Each Session starts its worker goroutines on the
	// first Run that splits work, keeps a kernel scratch for each, and
	// hands work to them without allocating; Session.Close stops them. A
	// Session is still for one goroutine at a time. Negative is an
	// error.
	Threads int
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

// DefaultMaxSessionMemory is the default bound on a Session's memory.
const DefaultMaxSessionMemory = 1 << 30

func (o *Options) maxSession() int {
	if o == nil || o.MaxSessionMemory <= 0 {
		return DefaultMaxSessionMemory
	}
	return o.MaxSessionMemory
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

// ErrChecksum reports a file whose trailer does not match its bytes: it
// was corrupted in storage or transfer.
var ErrChecksum = errors.New("checksum mismatch: the file is corrupt")

// Load decodes and validates a .kbc file held in memory. Every offset,
// length, shape, operand and constant is checked here, so that running
// the model needs no checks and cannot fault; an error names the section
// and what is wrong. b is not retained.
func Load(b []byte, opt *Options) (*Model, error) {
	secs, err := splitSections(b, opt)
	if err != nil {
		return nil, err
	}
	m, err := decode(secs, opt)
	if err != nil {
		return nil, err
	}
	m.fileSize = len(b)
	for id, sec := range secs {
		m.sectionSizes[id] = len(sec)
	}
	return m, nil
}

// splitSections checks a file's size against the limit, then its header,
// checksum and section table, and returns its sections indexed by id.
func splitSections(b []byte, opt *Options) ([][]byte, error) {
	if int64(len(b)) > opt.maxSize() {
		return nil, fmt.Errorf("%d bytes is more than the %d-byte limit", len(b), opt.maxSize())
	}
	secs, err := kbc.Split(b, opt != nil && opt.SkipChecksum)
	if errors.Is(err, kbc.ErrChecksum) {
		return nil, ErrChecksum
	}
	return secs, err
}

// decode decodes the sections (kbc checks their structure), builds the
// model and validates what the contents mean.
func decode(secs [][]byte, opt *Options) (*Model, error) {
	f, err := kbc.DecodeSections(secs)
	if err != nil {
		return nil, err
	}
	var name string
	if opt != nil {
		name = opt.Kernels
		if opt.Portable && name == "" {
			name = "portable"
		}
	}
	if name == "" {
		if err := kernels.Selection(); err != nil {
			return nil, fmt.Errorf("KILN_KERNELS: %w", err)
		}
	}
	set, err := kernels.Lookup(name)
	if err != nil {
		return nil, err
	}
	m := &Model{
		name:           f.Name,
		arena:          f.Arena,
		inputs:         f.Inputs,
		outputs:        f.Outputs,
		tensors:        tensorsOf(f.Tensors),
		kernels:        set,
		forceDense:     opt != nil && opt.ForceDense,
		maxMemory:      opt.maxMemory(),
		maxSession:     opt.maxSession(),
		allowNonFinite: opt != nil && opt.AllowNonFinite,
		minWork:        minWork,
	}
	if opt != nil && opt.Threads < 0 {
		return nil, fmt.Errorf("Options.Threads %d: want 0 or 1 for one thread, or the most threads a Session may use", opt.Threads)
	}
	if opt != nil {
		m.threads = opt.Threads
	}
	m.threads = max(m.threads, 1)
	if m.arena > m.maxMemory {
		return nil, fmt.Errorf("section MODEL: arena of %d bytes per example is more than the %d-byte limit", m.arena, m.maxMemory)
	}
	// CONST is copied so the model owns aligned memory: the kernels read
	// constants with vector loads. Coded constants are decoded after it.
	if err := m.loadConsts(f.Const, opt.maxSize()); err != nil {
		return nil, err
	}
	m.code = make([]instr, len(f.Code))
	for k, in := range f.Code {
		m.code[k] = instr{op: in.Op, t: in.Tensors, ints: in.Ints, pos: in.Pos}
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// tensorsOf converts decoded tensor descriptors; validate checks what
// they mean.
func tensorsOf(ts []kbc.Tensor) []tensor {
	out := make([]tensor, len(ts))
	for i, kt := range ts {
		t := tensor{name: kt.Name, dtype: dtypeOf(kt.DType), batched: kt.Batched, dims: kt.Dims, elems: kt.Elems(),
			store: kt.Store, offset: kt.Offset, root: i}
		switch kt.Store {
		case kbc.StoreAlias:
			t.offset, t.root = 0, kt.Offset
		case kbc.StoreCoded:
			t.coded = &codedConst{offset: kt.Offset, size: kt.Size}
		}
		if kt.Quant.Kind != kbc.QuantNone {
			t.quant = quant{kind: kt.Quant.Kind, axis: kt.Quant.Axis, scale: kt.Quant.Scale, zero: []int32{kt.Quant.Zero}}
		}
		out[i] = t
	}
	return out
}

// alignedBytes returns a zeroed byte slice whose first byte is
// kbc.Align-aligned.
func alignedBytes(n int) []byte {
	b := make([]byte, n+kbc.Align)
	off := (kbc.Align - int(addrOf(b)%kbc.Align)) % kbc.Align
	return b[off : off+n : off+n]
}

// loadConsts copies CONST into aligned memory the model owns and decodes
// each coded constant after it, each at a multiple of kbc.Align; a coded
// tensor then becomes a plain constant at its decoded offset, so that
// validation and the kernels see ordinary dense constants. The decoded
// constants may take at most limit bytes in total.
func (m *Model) loadConsts(section []byte, limit int64) error {
	size := int64(kbc.AlignUp(len(section)))
	for i := range m.tensors {
		t := &m.tensors[i]
		if t.store != kbc.StoreCoded {
			continue
		}
		c := t.coded
		fail := func(format string, args ...any) error {
			return fmt.Errorf("section TENSORS: tensor %d (%s): coded constant: %s", i, t.name, fmt.Sprintf(format, args...))
		}
		if t.batched {
			return fail("a constant cannot be batched")
		}
		if c.offset%kbc.Align != 0 || c.offset > len(section) || c.size > len(section)-c.offset {
			return fail("offset %d and size %d do not fit the %d-byte CONST section (offsets are multiples of %d)", c.offset, c.size, len(section), kbc.Align)
		}
		if !kbc.CodedFits(t.elems, c.size) {
			return fail("%d elements from %d coded bytes is more than %d per byte", t.elems, c.size, kbc.MaxCodedRatio)
		}
		if size += int64(kbc.AlignUp(t.bytes())); size-int64(len(section)) > limit {
			return fail("the decoded constants take more than the %d-byte limit", limit)
		}
	}
	m.constFile = len(section)
	m.consts = alignedBytes(int(size))
	copy(m.consts, section)
	next := kbc.AlignUp(len(section))
	for i := range m.tensors {
		t := &m.tensors[i]
		if t.store != kbc.StoreCoded {
			continue
		}
		c := t.coded
		dst := m.consts[next : next+t.bytes()]
		var err error
		if c.stats, err = kbc.DecodeCoded(dst, section[c.offset:c.offset+c.size], t.dtype.size()); err != nil {
			return fmt.Errorf("section TENSORS: tensor %d (%s): coded constant: %w", i, t.name, err)
		}
		t.store, t.offset = kbc.StoreConst, next
		next += kbc.AlignUp(t.bytes())
	}
	return nil
}
