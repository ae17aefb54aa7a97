package runtime

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

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

var errChecksum = errors.New("checksum mismatch: the file is corrupt")
