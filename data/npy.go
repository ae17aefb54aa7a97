// NumPy .npy files: ReadNPY and LoadNPY read format versions 1.0, 2.0 and
// 3.0; WriteNPY and SaveNPY write version 1.0 byte for byte as np.save does.
// The header's Python-literal dictionary is parsed here too.

package data

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/tensor"
)

const (
	npyMagic = "\x93NUMPY"

	// npyMaxHeader is the longest header ReadNPY accepts. It is NumPy's own
	// default limit (_MAX_HEADER_SIZE), past which np.load refuses a file
	// unless allow_pickle is set; a plain array's header is about 128 bytes.
	npyMaxHeader = 10000

	// npyMaxDims is NumPy 2's limit on the number of dimensions (NPY_MAXDIMS).
	npyMaxDims = 64

	// npyAlign is the alignment of the data that follows the header
	// (ARRAY_ALIGN in numpy/lib/format.py).
	npyAlign = 64

	// npyGrowthDigits is GROWTH_AXIS_MAX_DIGITS in numpy/lib/format.py: the
	// header is padded so that the length of the growth axis can be
	// rewritten in place with up to this many digits.
	npyGrowthDigits = 21
)

// ReadNPY reads a NumPy .npy array from r, which must hold exactly one array:
// bytes after the array's data are an error (np.load would ignore them; here
// they almost always mean a truncated or concatenated file).
//
// Supported element types (descr), in either byte order: f4 loads as f32; f8
// converts to f32 when every value is exactly a float32 (NaN and the
// infinities included), and is an error naming the first value that is not
// (kiln computes in float32: rounding silently would change the data); f2
// converts to f32 exactly; i1 loads as i8 and u1 as u8; i4 loads as i32, and
// i2, i8, u2, u4 and u8 convert to i32, with an error naming the first value
// that does not fit; b1 (bool) loads as u8 0 or 1. Errors name element types
// as NumPy does (int64, '<i8'). Structured, object, string, complex and
// datetime arrays are an error that names the descr. Arrays stored in
// Fortran order are transposed into kiln's row-major order. A byte-order
// mark of '=' or '|', or none, on a multi-byte type is taken as
// little-endian.
//
// The header's claims are checked before they are trusted: the data is read
// in growing chunks, so a header that promises gigabytes followed by a few
// bytes of data costs a few bytes of memory and an error.
func ReadNPY(r io.Reader) (*tensor.Tensor, error) {
	a, err := readNPY(r)
	return a.T, err
}

// Array is an array read from an NPY file or an NPZ member, with the
// element type the file stores, which may differ from the dtype ReadNPY
// loads it as (an int64 array loads as i32).
type Array struct {
	Name   string // the NPZ member's name, without .npy; empty for an NPY file
	T      *tensor.Tensor
	Stored string // the stored element type by NumPy's name: float64, int64, bool
	Descr  string // and as the header spells it: '<f8'
}

// readNPY reads an array as ReadNPY does, with the element type the file
// stores.
func readNPY(r io.Reader) (Array, error) {
	h, err := readNPYHeader(r)
	if err != nil {
		return Array{}, err
	}
	need := int64(h.count) * int64(h.elem.size())
	buf, err := readExactly(r, need)
	if err == errShort {
		return Array{}, fmt.Errorf("data: %d bytes, but shape %s of %s needs %d", len(buf), pyShape(h.shape), pyQuote(h.descr), need)
	}
	if err != nil {
		return Array{}, fmt.Errorf("data: %w", err)
	}
	var one [1]byte
	if n, err := io.ReadFull(r, one[:]); n > 0 {
		return Array{}, fmt.Errorf("data: trailing bytes after the %d bytes that shape %s of %s holds", need, pyShape(h.shape), pyQuote(h.descr))
	} else if err != nil && err != io.EOF {
		return Array{}, fmt.Errorf("data: %w", err)
	}
	t, err := decodeElements(buf, h.elem, h.order, h.shape, true)
	if err != nil {
		var ee *elemError
		if errors.As(err, &ee) {
			return Array{}, npyElemError(h, ee)
		}
		return Array{}, fmt.Errorf("data: %s array: %w", pyQuote(h.descr), err)
	}
	if h.fortran {
		switch t.DType {
		case tensor.F32:
			t.F32 = reorderFortran(t.F32, t.Shape)
		case tensor.I32:
			t.I32 = reorderFortran(t.I32, t.Shape)
		case tensor.I8:
			t.I8 = reorderFortran(t.I8, t.Shape)
		case tensor.U8:
			t.U8 = reorderFortran(t.U8, t.Shape)
		}
	}
	return Array{T: t, Stored: h.elem.numpy(), Descr: pyQuote(h.descr)}, nil
}

// npyElemError says which element of an array does not convert to the
// dtype kiln reads it as, by its index in the array's shape.
func npyElemError(h *npyHeaderInfo, ee *elemError) error {
	at := "element " + elemIndex(ee.index, h.shape, h.fortran)
	if ee.float {
		f, _ := strconv.ParseFloat(ee.value, 64)
		return fmt.Errorf("%s (%s) array: %s is %s, which float32 cannot hold exactly (the nearest is %s); kiln computes in float32: save the array as float32 (x.astype(np.float32))",
			h.elem.numpy(), pyQuote(h.descr), at, ee.value, strconv.FormatFloat(float64(float32(f)), 'g', -1, 64))
	}
	return fmt.Errorf("%s (%s) array: %s is %s, which int32 cannot hold (kiln reads integer arrays as int32)", h.elem.numpy(), pyQuote(h.descr), at, ee.value)
}

// elemIndex writes the index, in shape, of the element at flat position i
// of the stored order (row-major, or column-major for a Fortran array):
// [0,3].
func elemIndex(i int, shape []int, fortran bool) string {
	idx := make([]int, len(shape))
	if fortran {
		for ax := 0; ax < len(shape); ax++ {
			idx[ax], i = i%shape[ax], i/shape[ax]
		}
	} else {
		for ax := len(shape) - 1; ax >= 0; ax-- {
			idx[ax], i = i%shape[ax], i/shape[ax]
		}
	}
	return tensor.FormatShape(idx)
}

// LoadNPY reads the .npy file at path. Errors start with the path.
func LoadNPY(path string) (*tensor.Tensor, error) {
	a, err := LoadNPYArray(path)
	return a.T, err
}

// LoadNPYArray reads the .npy file at path as LoadNPY does, with the
// element type the file stores.
func LoadNPYArray(path string) (Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return Array{}, err
	}
	defer f.Close()
	a, err := readNPY(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return Array{}, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// WriteNPY writes t as a .npy file exactly as NumPy's np.save writes the
// same C-order array: format version 1.0, descr '<f4', '<i4', '|i1' or
// '|u1', the header padding of numpy/lib/format.py, then the little-endian
// data. (np.save switches to version 2.0 only for headers over 65535 bytes,
// which a simple dtype and at most 64 dimensions never reach.)
//
// The header bytes match NumPy 1.24.0 and later. That release (numpy/numpy
// PR 20321, commit 15cb486) began adding GROWTH_AXIS_MAX_DIGITS (21) minus
// the number of digits of the first dimension as spaces after the
// dictionary, so that appending along the first axis can rewrite the header
// in place. The code is unchanged through NumPy 2.x; the reference matched
// here is _write_array_header, _wrap_header and header_data_from_array_1_0
// in numpy/lib/_format_impl.py (numpy/lib/format.py before NumPy 2.3) on the
// 2.6 development branch. Files from older NumPy releases have less padding
// in some headers; every release reads either form. Matching the newest
// writer means a file saved by kiln and one saved by np.save from the same
// array are identical, which is what tests and build caches compare.
func WriteNPY(w io.Writer, t *tensor.Tensor) error {
	hdr, err := npyHeader(t)
	if err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	return encodeLE(w, t)
}

// SaveNPY writes t to path as WriteNPY does. The file is written atomically:
// on any error no partial file is left and an existing file is untouched.
func SaveNPY(path string, t *tensor.Tensor) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		if err := WriteNPY(w, t); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
}

// npyDescr is the descr np.save writes for each kiln dtype (dtype.str).
func npyDescr(dt tensor.DType) string {
	switch dt {
	case tensor.F32:
		return "<f4"
	case tensor.I32:
		return "<i4"
	case tensor.I8:
		return "|i1"
	case tensor.U8:
		return "|u1"
	}
	return ""
}

// checkTensor reports whether t can be written.
func checkTensor(t *tensor.Tensor) error {
	if t == nil {
		return errors.New("nil tensor")
	}
	if err := t.Check(); err != nil {
		return fmt.Errorf("invalid tensor: %w", err)
	}
	return nil
}

// npyHeader builds the magic string, version, header length and header of
// a .npy file for t, following numpy/lib/format.py:
//
//   - header_data_from_array_1_0 gives {'shape', 'fortran_order', 'descr'};
//     a kiln tensor is C-contiguous, so fortran_order is False.
//   - _write_array_header writes the keys sorted, each as "'key': repr, ",
//     inside braces, then the growth padding: 21 minus len(repr(shape[0]))
//     spaces (none for a scalar).
//   - _wrap_header adds 1 for the final newline and pads with spaces so that
//     magic (8) + length field + header is a multiple of 64. The pad is
//     64 - (len % 64), so an already aligned header still gets 64 spaces.
//     The length field is 2 bytes (version 1.0).
func npyHeader(t *tensor.Tensor) ([]byte, error) {
	if err := checkTensor(t); err != nil {
		return nil, err
	}
	if len(t.Shape) > npyMaxDims {
		return nil, fmt.Errorf("tensor %v has %d dimensions; NumPy handles at most %d", t, len(t.Shape), npyMaxDims)
	}
	var d strings.Builder
	d.WriteString("{'descr': '")
	d.WriteString(npyDescr(t.DType))
	d.WriteString("', 'fortran_order': False, 'shape': ")
	d.WriteString(pyShape(t.Shape))
	d.WriteString(", }")
	if len(t.Shape) > 0 {
		d.WriteString(strings.Repeat(" ", max(0, npyGrowthDigits-len(strconv.Itoa(t.Shape[0])))))
	}
	hlen := d.Len() + 1 // the newline
	pad := npyAlign - (len(npyMagic)+2+2+hlen)%npyAlign
	total := hlen + pad // at most about 1,500 bytes with 64 dimensions
	out := make([]byte, 0, len(npyMagic)+2+2+total)
	out = append(out, npyMagic...)
	out = append(out, 1, 0)
	out = binary.LittleEndian.AppendUint16(out, uint16(total))
	out = append(out, d.String()...)
	out = append(out, bytes.Repeat([]byte{' '}, pad)...)
	out = append(out, '\n')
	return out, nil
}

// npyHeaderInfo is what ReadNPY needs from a header.
type npyHeaderInfo struct {
	descr   string
	elem    elemType
	order   binary.ByteOrder
	fortran bool
	shape   []int
	count   int // elements
}

func readNPYHeader(r io.Reader) (*npyHeaderInfo, error) {
	var pre [8]byte
	if n, err := io.ReadFull(r, pre[:]); err != nil {
		if n == 0 && err == io.EOF {
			return nil, errors.New("empty file, not an NPY file")
		}
		if err == io.ErrUnexpectedEOF {
			if !strings.HasPrefix(npyMagic+"\x00\x00", string(pre[:min(n, 6)])) {
				return nil, fmt.Errorf("not an NPY file: starts with %q, want %q", pre[:n], npyMagic)
			}
			return nil, fmt.Errorf("truncated: the file ends after %d bytes, inside the magic string and version", n)
		}
		return nil, err
	}
	if string(pre[:6]) != npyMagic {
		return nil, fmt.Errorf("not an NPY file: starts with %q, want %q", pre[:6], npyMagic)
	}
	major, minor := pre[6], pre[7]
	var lenField int
	switch {
	case major == 1 && minor == 0:
		lenField = 2
	case (major == 2 || major == 3) && minor == 0:
		lenField = 4
	default:
		return nil, fmt.Errorf("unsupported NPY format version %d.%d (kiln reads 1.0, 2.0 and 3.0)", major, minor)
	}
	var lb [4]byte
	if n, err := io.ReadFull(r, lb[:lenField]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("truncated: the file ends inside the header length (%d of %d bytes)", n, lenField)
		}
		return nil, err
	}
	hlen := uint64(lb[0]) | uint64(lb[1])<<8 | uint64(lb[2])<<16 | uint64(lb[3])<<24
	if hlen > npyMaxHeader {
		return nil, fmt.Errorf("header: %d bytes long; the limit (NumPy's own default) is %d", hlen, npyMaxHeader)
	}
	raw := make([]byte, hlen)
	if n, err := io.ReadFull(r, raw); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("truncated: the header length says %d bytes, the file holds %d", hlen, n)
		}
		return nil, err
	}
	var text string
	if major == 3 {
		if !utf8.Valid(raw) {
			return nil, errors.New("header: not valid UTF-8 (required by format version 3.0)")
		}
		text = string(raw)
	} else {
		// Versions 1.0 and 2.0 are Latin-1.
		rs := make([]rune, len(raw))
		for i, b := range raw {
			rs[i] = rune(b)
		}
		text = string(rs)
	}
	p := &pyParser{s: text, allowLongSuffix: major < 3}
	v, err := p.parseAll()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	return npyHeaderFromDict(v)
}

func npyHeaderFromDict(v *pyValue) (*npyHeaderInfo, error) {
	if v.kind != pyDict {
		return nil, fmt.Errorf("header: %s is not a dictionary", v.repr())
	}
	var descr, fortran, shape *pyValue
	var keys []string
	for i := range v.keys {
		k := &v.keys[i]
		keys = append(keys, k.repr())
		if k.kind != pyStr {
			continue
		}
		switch k.str {
		case "descr":
			descr = &v.items[i]
		case "fortran_order":
			fortran = &v.items[i]
		case "shape":
			shape = &v.items[i]
		}
	}
	if descr == nil || fortran == nil || shape == nil || len(v.keys) != 3 {
		return nil, fmt.Errorf("header: keys are [%s], want exactly 'descr', 'fortran_order' and 'shape'", strings.Join(keys, ", "))
	}
	h := &npyHeaderInfo{}

	if fortran.kind != pyBool {
		return nil, fmt.Errorf("header: fortran_order %s is not True or False", fortran.repr())
	}
	h.fortran = fortran.b

	if shape.kind != pyTuple {
		return nil, fmt.Errorf("header: shape %s is not a tuple", shape.repr())
	}
	if len(shape.items) > npyMaxDims {
		return nil, fmt.Errorf("header: shape has %d dimensions; NumPy allows at most %d", len(shape.items), npyMaxDims)
	}
	h.shape = make([]int, len(shape.items))
	for i := range shape.items {
		d := &shape.items[i]
		switch {
		case d.kind != pyInt:
			return nil, fmt.Errorf("header: shape %s has a dimension that is not an integer: %s", shape.repr(), d.repr())
		case d.neg && (d.num != 0 || d.big):
			return nil, fmt.Errorf("header: shape %s has a negative dimension", shape.repr())
		case d.big || d.num > math.MaxInt:
			return nil, fmt.Errorf("header: shape %s has a dimension too large", shape.repr())
		}
		h.shape[i] = int(d.num)
	}

	switch descr.kind {
	case pyStr:
	case pyList:
		return nil, fmt.Errorf("header: descr %s is a structured dtype, which kiln does not read", descr.repr())
	case pyTuple:
		return nil, fmt.Errorf("header: descr %s is a subarray dtype, which kiln does not read", descr.repr())
	default:
		return nil, fmt.Errorf("header: descr %s is not a dtype string", descr.repr())
	}
	h.descr = descr.str
	var err error
	h.elem, h.order, err = parseNPYDescr(descr.str)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}

	h.count = tensor.NumElems(h.shape)
	if h.count < 0 || h.count > math.MaxInt/h.elem.size() {
		return nil, fmt.Errorf("header: shape %s of %s is too large", pyShape(h.shape), pyQuote(h.descr))
	}
	return h, nil
}

// parseNPYDescr parses a simple dtype string as dtype.str spells it: an
// optional byte-order mark, a kind letter and an item size in bytes.
func parseNPYDescr(s string) (elemType, binary.ByteOrder, error) {
	var order binary.ByteOrder = binary.LittleEndian
	code := s
	if code != "" {
		switch code[0] {
		case '>':
			order = binary.BigEndian
			code = code[1:]
		case '<', '|', '=':
			code = code[1:]
		}
	}
	types := map[string]elemType{
		"f2": elemF16, "f4": elemF32, "f8": elemF64,
		"i1": elemI8, "i2": elemI16, "i4": elemI32, "i8": elemI64,
		"u1": elemU8, "u2": elemU16, "u4": elemU32, "u8": elemU64,
		"b1": elemBool,
	}
	if e, ok := types[code]; ok {
		return e, order, nil
	}
	what := "an unknown type"
	if code != "" {
		switch code[0] {
		case 'c':
			what = "complex numbers"
		case 'O':
			what = "Python objects"
		case 'U':
			what = "Unicode strings"
		case 'S', 'a':
			what = "byte strings"
		case 'V':
			what = "raw (void) records"
		case 'M', 'm':
			what = "datetimes"
		case 'f':
			what = "a float size kiln does not read"
		case 'i', 'u':
			what = "an integer size kiln does not read"
		}
	}
	return 0, nil, fmt.Errorf("descr %s (%s) is not supported; kiln reads f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1", pyQuote(s), what)
}

// pyShape formats a shape as Python's repr of a tuple: (), (3,), (2, 3).
func pyShape(shape []int) string {
	switch len(shape) {
	case 0:
		return "()"
	case 1:
		return "(" + strconv.Itoa(shape[0]) + ",)"
	}
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	b.WriteByte(')')
	return b.String()
}

// pyQuote formats a string roughly as Python's repr does, in single quotes.
func pyQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// The .npy header is a Python literal read by ast.literal_eval. pyParser
// accepts the literals that can appear in one: dicts, tuples, lists,
// strings, integers, True, False and None, with Python's spacing rules.
// It rejects everything else (expressions, names, comments) with an error
// that says where.

type pyKind uint8

const (
	pyNone pyKind = iota
	pyBool
	pyInt
	pyStr
	pyTuple
	pyList
	pyDict
)

type pyValue struct {
	kind  pyKind
	b     bool
	num   uint64 // magnitude of an int
	neg   bool   // the int has a minus sign
	big   bool   // the int's magnitude does not fit in uint64
	text  string // the int's digits
	str   string
	items []pyValue // tuple, list, dict values
	keys  []pyValue // dict keys
}

// repr formats v as Python would.
func (v *pyValue) repr() string {
	switch v.kind {
	case pyNone:
		return "None"
	case pyBool:
		if v.b {
			return "True"
		}
		return "False"
	case pyInt:
		s := strings.TrimLeft(v.text, "0")
		if s == "" {
			return "0"
		}
		if v.neg {
			s = "-" + s
		}
		return s
	case pyStr:
		return pyQuote(v.str)
	case pyTuple, pyList:
		var b strings.Builder
		open, close := "(", ")"
		if v.kind == pyList {
			open, close = "[", "]"
		}
		b.WriteString(open)
		for i := range v.items {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.items[i].repr())
		}
		if v.kind == pyTuple && len(v.items) == 1 {
			b.WriteByte(',')
		}
		b.WriteString(close)
		return b.String()
	case pyDict:
		var b strings.Builder
		b.WriteByte('{')
		for i := range v.items {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.keys[i].repr())
			b.WriteString(": ")
			b.WriteString(v.items[i].repr())
		}
		b.WriteByte('}')
		return b.String()
	}
	return "?"
}

type pyParser struct {
	s     string
	pos   int
	depth int
	// allowLongSuffix accepts Python 2's 3L integers, which NumPy still
	// reads in format versions 1.0 and 2.0 (see _filter_header).
	allowLongSuffix bool
}

const pyMaxDepth = 32

func (p *pyParser) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid Python literal at byte %d: %s", p.pos, fmt.Sprintf(format, args...))
}

// parseAll parses the whole header: one literal with optional white space
// around it (the header ends in spaces and a newline).
func (p *pyParser) parseAll() (*pyValue, error) {
	p.skipSpace()
	if p.pos == len(p.s) {
		return nil, errors.New("empty header")
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return nil, p.errorf("unexpected %s after the dictionary", p.describe())
	}
	return v, nil
}

func (p *pyParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', '\f':
			p.pos++
		default:
			return
		}
	}
}

// describe names the input at the current position for an error.
func (p *pyParser) describe() string {
	if p.pos >= len(p.s) {
		return "end of header"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *pyParser) value() (*pyValue, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return nil, p.errorf("unexpected end of header")
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.container(pyDict, '}')
	case c == '(':
		return p.container(pyTuple, ')')
	case c == '[':
		return p.container(pyList, ']')
	case c == '\'' || c == '"':
		return p.stringLit()
	case (c == 'u' || c == 'U') && p.pos+1 < len(p.s) && (p.s[p.pos+1] == '\'' || p.s[p.pos+1] == '"'):
		p.pos++
		return p.stringLit()
	case c == '-' || c == '+' || ('0' <= c && c <= '9'):
		return p.intLit()
	case isIdentStart(c):
		start := p.pos
		for p.pos < len(p.s) && isIdentChar(p.s[p.pos]) {
			p.pos++
		}
		switch word := p.s[start:p.pos]; word {
		case "True":
			return &pyValue{kind: pyBool, b: true}, nil
		case "False":
			return &pyValue{kind: pyBool}, nil
		case "None":
			return &pyValue{kind: pyNone}, nil
		default:
			p.pos = start
			return nil, p.errorf("name %q is not a literal", word)
		}
	}
	return nil, p.errorf("unexpected %s", p.describe())
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

// container parses a dict, tuple or list; the opening bracket is at p.pos.
// A parenthesized single value without a comma is that value, not a tuple,
// as in Python: (3) is 3.
func (p *pyParser) container(kind pyKind, closer byte) (*pyValue, error) {
	if p.depth >= pyMaxDepth {
		return nil, p.errorf("nested more than %d deep", pyMaxDepth)
	}
	p.depth++
	defer func() { p.depth-- }()
	p.pos++ // the opening bracket
	v := &pyValue{kind: kind}
	sawComma := false
	for {
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == closer {
			p.pos++
			break
		}
		if len(v.items) > 0 && !sawComma {
			return nil, p.errorf("expected ',' or %q, found %s", closer, p.describe())
		}
		if kind == pyDict {
			keyPos := p.pos
			k, err := p.value()
			if err != nil {
				return nil, err
			}
			if k.kind == pyDict || k.kind == pyList {
				p.pos = keyPos
				return nil, p.errorf("dictionary key %s is not hashable", k.repr())
			}
			for i := range v.keys {
				if v.keys[i].repr() == k.repr() {
					p.pos = keyPos
					return nil, p.errorf("duplicate key %s", k.repr())
				}
			}
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				return nil, p.errorf("expected ':' after key %s, found %s", k.repr(), p.describe())
			}
			p.pos++
			v.keys = append(v.keys, *k)
		}
		item, err := p.value()
		if err != nil {
			return nil, err
		}
		v.items = append(v.items, *item)
		p.skipSpace()
		sawComma = false
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			sawComma = true
		}
	}
	if kind == pyTuple && len(v.items) == 1 && !sawComma {
		return &v.items[0], nil
	}
	return v, nil
}

func (p *pyParser) stringLit() (*pyValue, error) {
	quote := p.s[p.pos]
	if strings.HasPrefix(p.s[p.pos:], strings.Repeat(string(quote), 3)) {
		return nil, p.errorf("triple-quoted strings are not supported")
	}
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.s) {
			return nil, p.errorf("unterminated string")
		}
		c := p.s[p.pos]
		switch {
		case c == quote:
			p.pos++
			return &pyValue{kind: pyStr, str: b.String()}, nil
		case c == '\n' || c == '\r':
			return nil, p.errorf("unterminated string")
		case c == '\\':
			if p.pos+1 >= len(p.s) {
				return nil, p.errorf("unterminated string")
			}
			e := p.s[p.pos+1]
			p.pos += 2
			switch e {
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '0':
				b.WriteByte(0)
			case 'x':
				if p.pos+2 > len(p.s) {
					return nil, p.errorf(`truncated \x escape`)
				}
				n, err := strconv.ParseUint(p.s[p.pos:p.pos+2], 16, 8)
				if err != nil {
					return nil, p.errorf(`invalid \x escape`)
				}
				b.WriteRune(rune(n))
				p.pos += 2
			default:
				p.pos -= 2
				return nil, p.errorf("unsupported escape \\%c in string", e)
			}
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.pos:])
			b.WriteRune(r)
			p.pos += size
		}
	}
}

func (p *pyParser) intLit() (*pyValue, error) {
	v := &pyValue{kind: pyInt}
	// ast.literal_eval allows one unary sign on a number, with space after it.
	if c := p.s[p.pos]; c == '-' || c == '+' {
		v.neg = c == '-'
		p.pos++
		p.skipSpace()
	}
	start := p.pos
	for p.pos < len(p.s) && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
		p.pos++
	}
	digits := p.s[start:p.pos]
	if digits == "" {
		return nil, p.errorf("expected a number, found %s", p.describe())
	}
	if len(digits) > 1 && digits[0] == '0' && strings.Trim(digits, "0") != "" {
		p.pos = start
		return nil, p.errorf("integer %s has a leading zero", digits)
	}
	if p.pos < len(p.s) {
		switch c := p.s[p.pos]; {
		case c == 'L' && p.allowLongSuffix:
			p.pos++
		case c == '.' || c == 'e' || c == 'E' || c == 'j' || c == 'J' || c == '_' || isIdentChar(c):
			return nil, p.errorf("only plain decimal integers are supported, found %s", p.describe())
		}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	v.num, v.big, v.text = n, err != nil, digits
	return v, nil
}
