// Hugging Face safetensors files: ReadSafetensors and LoadSafetensors
// validate a file as the reference implementation (huggingface/safetensors,
// safetensors/src/tensor.rs) does, and more strictly where its README asks
// for it; WriteSafetensors and SaveSafetensors write the bytes that
// implementation's serialize writes, deterministically.

package data

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/tensor"
)

// Safetensors is the content of a safetensors file: named tensors and the
// optional free-form string metadata of the "__metadata__" entry.
type Safetensors struct {
	Tensors  []Named
	Metadata map[string]string
}

// stMaxHeader is the reference implementation's MAX_HEADER_SIZE.
const stMaxHeader = 100_000_000

const stMetadataKey = "__metadata__"

// stDType describes one of the reference implementation's dtypes.
type stDType struct {
	// rank is the dtype's position in the reference's Dtype enum, which is
	// declared "in increasing alignment order"; serialize sorts tensors by
	// it, descending.
	rank int
	// elem is how kiln loads the dtype; elemInvalid if it cannot.
	elem elemType
}

// stDTypes lists every dtype of the reference's Dtype enum, in its order.
var stDTypes = func() map[string]stDType {
	names := []string{
		"BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3",
		"F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16",
		"I32", "U32", "F32", "C64", "F64", "I64", "U64",
	}
	elems := map[string]elemType{
		"BOOL": elemBool, "U8": elemU8, "I8": elemI8, "I16": elemI16,
		"U16": elemU16, "F16": elemF16, "BF16": elemBF16, "I32": elemI32,
		"U32": elemU32, "F32": elemF32, "F64": elemF64, "I64": elemI64,
		"U64": elemU64,
	}
	m := make(map[string]stDType, len(names))
	for i, n := range names {
		m[n] = stDType{rank: i, elem: elems[n]}
	}
	return m
}()

// stName is the safetensors name of a kiln dtype.
func stName(dt tensor.DType) string {
	switch dt {
	case tensor.F32:
		return "F32"
	case tensor.I32:
		return "I32"
	case tensor.I8:
		return "I8"
	case tensor.U8:
		return "U8"
	}
	return ""
}

// stInfo is one tensor entry of a header.
type stInfo struct {
	name       string
	dtype      string
	elem       elemType
	shape      []int
	begin, end uint64
}

// ReadSafetensors parses a whole safetensors file. It checks what the
// reference implementation checks: the 8-byte little-endian header size is
// at most 100,000,000 and within the file; the header is UTF-8 JSON; every
// entry has a known dtype, a shape and two data_offsets; the offsets, in
// order, cover the byte buffer exactly, with no hole, no overlap and nothing
// after the last tensor; and each tensor's bytes match its shape and dtype.
// It also enforces two rules of the format's README that the reference's
// parser lets through: the header must start with '{', and no name may
// appear twice (in the header or inside __metadata__, whose values must all
// be strings). Entry fields other than dtype, shape and data_offsets are
// ignored, as the reference ignores them.
//
// F32, I32, I8 and U8 load as they are. F64, F16 and BF16 convert to f32 (F16
// and BF16 exactly; F64 rounds to nearest). I64, I16, U16, U32 and U64
// convert to i32, with an error if a value does not fit. BOOL loads as u8 0
// or 1. The other dtypes (F8_*, F4, F6_*, C64) are an error.
//
// A file whose first 8 bytes are not a size its length allows, and that
// does not continue with '{', is not a damaged safetensors file but some
// other file: the error says "not a safetensors file" and what the file
// looks like (an NPY file, a zip archive), rather than quoting a header size
// read from bytes that are not one.
//
// Tensors come back in the order of their data in the file. Metadata is nil
// when the file has none (or an empty one).
func ReadSafetensors(b []byte) (*Safetensors, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("truncated: %d bytes, too short for the 8-byte header size", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if (n > stMaxHeader || n > uint64(len(b)-8)) && len(b) > 8 && b[8] != '{' {
		// The size is not one a safetensors file could hold, and no JSON
		// header follows it: a file of another kind, not a broken one.
		return nil, fmt.Errorf("not a safetensors file (one starts with the 8-byte size of its JSON header, then '{'); this one %s", startsLike(b))
	}
	if n > stMaxHeader {
		return nil, fmt.Errorf("header size %d is larger than the limit of %d bytes", n, stMaxHeader)
	}
	if n > uint64(len(b)-8) {
		return nil, fmt.Errorf("header size %d runs past the end of the file (%d bytes after the size)", n, len(b)-8)
	}
	header := b[8 : 8+n]
	buf := b[8+n:]
	if !utf8.Valid(header) {
		return nil, errors.New("header: not valid UTF-8")
	}
	if n == 0 || header[0] != '{' {
		return nil, errors.New("header: does not start with '{'")
	}
	infos, meta, err := parseSTHeader(header)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}

	// The reference sorts the entries by data_offsets and requires each to
	// start where the previous one ended.
	sort.SliceStable(infos, func(i, j int) bool {
		if infos[i].begin != infos[j].begin {
			return infos[i].begin < infos[j].begin
		}
		return infos[i].end < infos[j].end
	})
	var pos uint64
	for i := range infos {
		in := &infos[i]
		switch {
		case in.end < in.begin:
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] end before they begin", in.name, in.begin, in.end)
		case in.begin > pos:
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] leave bytes [%d, %d) of the data buffer unused", in.name, in.begin, in.end, pos, in.begin)
		case in.begin < pos:
			prev := &infos[i-1]
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap tensor %q at [%d, %d]", in.name, in.begin, in.end, prev.name, prev.begin, prev.end)
		}
		pos = in.end
		size, ok := stBytes(in.shape, in.elem.size())
		if !ok {
			return nil, fmt.Errorf("tensor %q: shape %s of %s is too large", in.name, jsonShape(in.shape), in.dtype)
		}
		if in.end-in.begin != size {
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] hold %d bytes, shape %s of %s needs %d", in.name, in.begin, in.end, in.end-in.begin, jsonShape(in.shape), in.dtype, size)
		}
	}
	if pos != uint64(len(buf)) {
		if pos > uint64(len(buf)) {
			last := &infos[len(infos)-1]
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] run past the end of the data buffer (%d bytes)", last.name, last.begin, last.end, len(buf))
		}
		return nil, fmt.Errorf("data buffer holds %d bytes, but the tensors cover only %d: trailing bytes", len(buf), pos)
	}

	// Every size is now checked against the actual data, so the
	// allocations below are bounded by the file's size.
	out := &Safetensors{Tensors: make([]Named, 0, len(infos))}
	if len(meta) > 0 {
		out.Metadata = meta
	}
	for i := range infos {
		in := &infos[i]
		t, err := decodeElements(buf[in.begin:in.end], in.elem, binary.LittleEndian, in.shape, false)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %s data: %w", in.name, in.dtype, err)
		}
		out.Tensors = append(out.Tensors, Named{Name: in.name, T: t})
	}
	return out, nil
}

// startsLike says what a file that is not the kind expected looks like,
// from its first bytes.
func startsLike(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte(npyMagic)):
		return "is an NPY array file"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return "is a zip archive (an NPZ file?)"
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return "is gzip-compressed"
	}
	return fmt.Sprintf("starts with %q", b[:min(len(b), 16)])
}

// stBytes is the byte size of a tensor, or false on overflow.
func stBytes(shape []int, elemSize int) (uint64, bool) {
	n := uint64(1)
	for _, d := range shape {
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 {
			return 0, false
		}
		n = lo
	}
	hi, lo := bits.Mul64(n, uint64(elemSize))
	return lo, hi == 0
}

// jsonShape formats a shape as in error messages: [10, 5].
func jsonShape(shape []int) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// parseSTHeader walks the header's JSON tokens. encoding/json's Unmarshal
// would keep the last of two equal keys silently; walking the tokens lets
// duplicates be refused.
func parseSTHeader(header []byte) ([]stInfo, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	if err := expectDelim(dec, '{'); err != nil {
		return nil, nil, err
	}
	var infos []stInfo
	var meta map[string]string
	seen := make(map[string]bool)
	for dec.More() {
		name, err := jsonKey(dec)
		if err != nil {
			return nil, nil, err
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("name %q appears twice", name)
		}
		seen[name] = true
		if name == stMetadataKey {
			meta, err = parseSTMetadata(dec)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", stMetadataKey, err)
			}
			continue
		}
		in, err := parseSTInfo(dec, name)
		if err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		infos = append(infos, in)
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("unexpected data after the JSON object (only space padding may follow it)")
	}
	return infos, meta, nil
}

func jsonErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("invalid JSON: unexpected end of header")
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// jsonKey reads an object key. The decoder only returns strings in key
// position, but a malformed stream must give an error, never a panic.
func jsonKey(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", jsonErr(err)
	}
	k, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("expected an object key, found %s", describeToken(tok))
	}
	return k, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonErr(err)
	}
	if tok != d {
		return fmt.Errorf("expected '%c', found %s", d, describeToken(tok))
	}
	return nil
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return "'" + v.String() + "'"
	case string:
		return "string " + strconv.Quote(v)
	case json.Number:
		return "number " + v.String()
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}

// parseSTMetadata parses the __metadata__ value: an object of strings, or
// null (which the reference reads as no metadata).
func parseSTMetadata(dec *json.Decoder) (map[string]string, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("must be an object of strings, found %s", describeToken(tok))
	}
	m := make(map[string]string)
	for dec.More() {
		k, err := jsonKey(dec)
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("key %q appears twice", k)
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(err)
		}
		v, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("value of %q must be a string, found %s", k, describeToken(tok))
		}
		m[k] = v
	}
	return m, expectDelim(dec, '}')
}

// parseSTInfo parses one tensor entry: {"dtype", "shape", "data_offsets"}.
func parseSTInfo(dec *json.Decoder, name string) (stInfo, error) {
	in := stInfo{name: name}
	tok, err := dec.Token()
	if err != nil {
		return in, jsonErr(err)
	}
	if tok != json.Delim('{') {
		return in, fmt.Errorf("must be an object with dtype, shape and data_offsets, found %s", describeToken(tok))
	}
	var haveDType, haveShape, haveOffsets bool
	for dec.More() {
		field, err := jsonKey(dec)
		if err != nil {
			return in, err
		}
		switch field {
		case "dtype", "shape", "data_offsets":
		default:
			if err := skipJSONValue(dec); err != nil {
				return in, err
			}
			continue
		}
		dup := map[string]*bool{"dtype": &haveDType, "shape": &haveShape, "data_offsets": &haveOffsets}[field]
		if *dup {
			return in, fmt.Errorf("field %q appears twice", field)
		}
		*dup = true
		switch field {
		case "dtype":
			tok, err := dec.Token()
			if err != nil {
				return in, jsonErr(err)
			}
			s, ok := tok.(string)
			if !ok {
				return in, fmt.Errorf("dtype must be a string, found %s", describeToken(tok))
			}
			dt, known := stDTypes[s]
			if !known {
				return in, fmt.Errorf("unknown dtype %q", s)
			}
			if dt.elem == elemInvalid {
				return in, fmt.Errorf("dtype %s is not supported; kiln reads F32, F64, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8 and BOOL", s)
			}
			in.dtype, in.elem = s, dt.elem
		case "shape":
			dims, err := parseUintArray(dec, "shape")
			if err != nil {
				return in, err
			}
			in.shape = make([]int, len(dims))
			for i, d := range dims {
				if d > math.MaxInt {
					return in, fmt.Errorf("shape dimension %d is too large", d)
				}
				in.shape[i] = int(d)
			}
		case "data_offsets":
			offs, err := parseUintArray(dec, "data_offsets")
			if err != nil {
				return in, err
			}
			if len(offs) != 2 {
				return in, fmt.Errorf("data_offsets must hold 2 numbers [begin, end], found %d", len(offs))
			}
			in.begin, in.end = offs[0], offs[1]
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return in, err
	}
	for _, f := range []struct {
		have bool
		name string
	}{{haveDType, "dtype"}, {haveShape, "shape"}, {haveOffsets, "data_offsets"}} {
		if !f.have {
			return in, fmt.Errorf("missing %q", f.name)
		}
	}
	return in, nil
}

// parseUintArray parses an array of non-negative integers that fit in 64
// bits, as the reference's usize fields require.
func parseUintArray(dec *json.Decoder, what string) ([]uint64, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	if tok != json.Delim('[') {
		return nil, fmt.Errorf("%s must be an array of integers, found %s", what, describeToken(tok))
	}
	var out []uint64
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(err)
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s must be an array of integers, found %s", what, describeToken(tok))
		}
		v, err := strconv.ParseUint(string(num), 10, 64)
		if err != nil {
			switch {
			case strings.HasPrefix(string(num), "-"):
				return nil, fmt.Errorf("%s has a negative value %s", what, num)
			case strings.ContainsAny(string(num), ".eE"):
				return nil, fmt.Errorf("%s has a non-integer value %s", what, num)
			}
			return nil, fmt.Errorf("%s value %s does not fit in 64 bits", what, num)
		}
		out = append(out, v)
	}
	return out, expectDelim(dec, ']')
}

// skipJSONValue consumes one value of any shape.
func skipJSONValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// LoadSafetensors reads the safetensors file at path. Errors start with the
// path.
func LoadSafetensors(path string) (*Safetensors, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ReadSafetensors(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// WriteSafetensors writes s in the safetensors format, byte for byte as the
// reference implementation's serialize writes the same tensors:
//
//   - Tensors are sorted as serialize sorts them: by dtype, in descending
//     order of the reference's Dtype enum (F32, then I32, I8, U8), then by
//     name (byte order). Their data follows in that order, each tensor's
//     data_offsets starting where the previous one's end.
//   - The header is compact JSON (serde_json's output: no spaces, strings
//     escaped as serde_json escapes them), each entry's fields in the order
//     dtype, shape, data_offsets, and __metadata__ first when present.
//   - The header is padded with spaces to a multiple of 8 bytes, so the data
//     is aligned for every dtype.
//
// __metadata__ is written only when s.Metadata is non-empty, with its keys
// sorted; the reference writes a Rust HashMap there, whose order varies from
// run to run, so sorting is what makes the output deterministic.
//
// Names must be valid UTF-8, unique, and not "__metadata__".
func WriteSafetensors(w io.Writer, s *Safetensors) error {
	if s == nil {
		return errors.New("nil Safetensors")
	}
	seen := make(map[string]bool, len(s.Tensors))
	for _, nt := range s.Tensors {
		switch {
		case nt.Name == stMetadataKey:
			return fmt.Errorf("tensor name %q is reserved for the metadata", nt.Name)
		case !utf8.ValidString(nt.Name):
			return fmt.Errorf("tensor name %q is not valid UTF-8", nt.Name)
		case seen[nt.Name]:
			return fmt.Errorf("tensor %q appears twice", nt.Name)
		}
		seen[nt.Name] = true
		if err := checkTensor(nt.T); err != nil {
			return fmt.Errorf("tensor %q: %w", nt.Name, err)
		}
	}
	for k, v := range s.Metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("metadata %q: %q is not valid UTF-8", k, v)
		}
	}

	order := slices.Clone(s.Tensors)
	slices.SortStableFunc(order, func(a, b Named) int {
		ra, rb := stDTypes[stName(a.T.DType)].rank, stDTypes[stName(b.T.DType)].rank
		if ra != rb {
			return rb - ra
		}
		return strings.Compare(a.Name, b.Name)
	})

	var h bytes.Buffer
	h.WriteByte('{')
	if len(s.Metadata) > 0 {
		writeJSONString(&h, stMetadataKey)
		h.WriteString(":{")
		keys := make([]string, 0, len(s.Metadata))
		for k := range s.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			writeJSONString(&h, k)
			h.WriteByte(':')
			writeJSONString(&h, s.Metadata[k])
		}
		h.WriteByte('}')
	}
	offset := 0
	for i, nt := range order {
		if i > 0 || len(s.Metadata) > 0 {
			h.WriteByte(',')
		}
		writeJSONString(&h, nt.Name)
		h.WriteString(`:{"dtype":"`)
		h.WriteString(stName(nt.T.DType))
		h.WriteString(`","shape":[`)
		for j, d := range nt.T.Shape {
			if j > 0 {
				h.WriteByte(',')
			}
			h.WriteString(strconv.Itoa(d))
		}
		size := nt.T.Bytes()
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, offset, offset+size)
		offset += size
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	if h.Len() > stMaxHeader {
		return fmt.Errorf("header is %d bytes, larger than the limit of %d", h.Len(), stMaxHeader)
	}

	var size [8]byte
	binary.LittleEndian.PutUint64(size[:], uint64(h.Len()))
	if _, err := w.Write(size[:]); err != nil {
		return err
	}
	if _, err := w.Write(h.Bytes()); err != nil {
		return err
	}
	for _, nt := range order {
		if err := encodeLE(w, nt.T); err != nil {
			return err
		}
	}
	return nil
}

// writeJSONString writes s as serde_json does: in double quotes, with '"'
// and '\\' escaped, the control characters \b \t \n \f \r as such and the
// other ones below 0x20 as \u00xx (lower-case hex). Everything else,
// non-ASCII included, is written as is (encoding/json would also escape
// <, >, & and U+2028/U+2029).
func writeJSONString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// SaveSafetensors writes s to path as WriteSafetensors does. The file is
// written atomically: on any error no partial file is left and an existing
// file is untouched.
func SaveSafetensors(path string, s *Safetensors) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		if err := WriteSafetensors(w, s); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
}
