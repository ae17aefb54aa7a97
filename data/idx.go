// IDX files, the format of LeCun's MNIST distribution and of Fashion-MNIST:
// a 4-byte magic number (two zero bytes, a type byte, the number of
// dimensions), the dimensions as big-endian 32-bit integers, then the
// elements in row-major order, big-endian. The files usually ship gzipped.

package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kiln-nn/kiln/tensor"
)

// MaxIDXBytes is the most element data ReadIDX accepts from one file (after
// decompression). It refuses gzip bombs: a few megabytes of gzip can claim
// and hold gigabytes. The largest common IDX file, MNIST's training images,
// holds 47 MB.
const MaxIDXBytes = 1 << 30

// idxType is what an IDX type byte stands for.
type idxType struct {
	code byte
	name string // as the IDX documentation names it
	elem elemType
}

var idxTypes = []idxType{
	{0x08, "unsigned byte", elemU8},
	{0x09, "signed byte", elemI8},
	{0x0B, "short", elemI16},
	{0x0C, "int", elemI32},
	{0x0D, "float", elemF32},
	{0x0E, "double", elemF64},
}

func lookupIDXType(code byte) (idxType, bool) {
	for _, t := range idxTypes {
		if t.code == code {
			return t, true
		}
	}
	return idxType{}, false
}

const idxTypeList = "0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64"

// ReadIDX reads one IDX array from r. A gzip-compressed stream (recognized
// by its magic bytes, not by a file name) is decompressed on the fly.
//
// Element types load as kiln dtypes: unsigned bytes (0x08) as u8, signed
// bytes (0x09) as i8, 16- and 32-bit integers (0x0B, 0x0C) as i32, floats
// (0x0D) as f32 and doubles (0x0E) as f32, rounded to nearest. The shape is
// the file's dimensions; a file with zero dimensions holds one element.
//
// The header's claims are checked before they are trusted: the data is read
// in growing chunks, so a header that promises gigabytes followed by a few
// bytes costs a few bytes of memory and an error; more than MaxIDXBytes of
// data is refused. The stream must end right after the data: trailing bytes
// are an error, as they almost always mean a wrong or concatenated file.
func ReadIDX(r io.Reader) (*tensor.Tensor, error) {
	return readIDX(r, nil, false)
}

// LoadIDX reads the IDX file at path, gzipped or not, as ReadIDX does.
// Errors start with the path.
func LoadIDX(path string) (*tensor.Tensor, error) {
	return loadIDX(path, false)
}

// loadIDX reads an IDX file. With scale, u8 data comes back as f32 in
// [0, 1] (v/255), converted as it is read, without a u8 copy in memory.
func loadIDX(path string, scale bool) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := readIDX(bufio.NewReaderSize(f, 1<<16), f, scale)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// readIDX reads an IDX stream. When the stream is a whole file f, the
// file's size (or, gzipped, the uncompressed size its gzip trailer records)
// confirms the header's claims, and the data is then read into a buffer of
// the right size at once instead of a growing one.
func readIDX(r io.Reader, f *os.File, scale bool) (*tensor.Tensor, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	src := io.Reader(br)
	compressed := false
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		src, compressed = zr, true
	}
	t, err := readIDXData(src, fileSizeCheck(f, compressed), scale)
	if err != nil && compressed && isGzipError(err) {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return t, err
}

func isGzipError(err error) bool {
	return errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || strings.HasPrefix(err.Error(), "flate:")
}

// maxDeflateRatio bounds how much deflate can expand its input: a
// length-258 copy costs at least two bits, so no stream decompresses to
// more than 1032 times its size.
const maxDeflateRatio = 1032

// fileSizeCheck returns a function that reports whether a file of n bytes
// (after decompression) agrees with what f holds, or nil if f is nil or its
// size is unknown.
func fileSizeCheck(f *os.File, compressed bool) func(n int64) bool {
	if f == nil {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	size := fi.Size()
	if !compressed {
		return func(n int64) bool { return n == size }
	}
	// The gzip trailer ends with ISIZE, the uncompressed size modulo 2^32
	// (of the last member, which is the only one in a plain .gz file).
	var tail [4]byte
	if size < 18 {
		return nil
	}
	if _, err := f.ReadAt(tail[:], size-4); err != nil {
		return nil
	}
	isize := binary.LittleEndian.Uint32(tail[:])
	return func(n int64) bool { return uint32(n) == isize && n <= maxDeflateRatio*size }
}

// readIDXData reads the header and data of an uncompressed IDX stream.
// sizeOK, if not nil, reports whether a stream of n bytes agrees with the
// file's own size.
func readIDXData(r io.Reader, sizeOK func(n int64) bool, scale bool) (*tensor.Tensor, error) {
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		switch {
		case n == 0 && err == io.EOF:
			return nil, errors.New("empty file, not an IDX file")
		case err == io.ErrUnexpectedEOF:
			if n >= 2 && (magic[0] != 0 || magic[1] != 0) || n == 1 && magic[0] != 0 {
				return nil, fmt.Errorf("not an IDX file: starts with % x, want 00 00, a type byte and the number of dimensions", magic[:n])
			}
			return nil, fmt.Errorf("truncated: the file ends after %d bytes, inside the magic number", n)
		}
		return nil, err
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("not an IDX file: starts with % x, want 00 00, a type byte and the number of dimensions", magic[:])
	}
	typ, ok := lookupIDXType(magic[2])
	if !ok {
		return nil, fmt.Errorf("IDX type byte 0x%02X is not one of %s", magic[2], idxTypeList)
	}
	rank := int(magic[3])
	dims := make([]byte, 4*rank)
	if n, err := io.ReadFull(r, dims); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("truncated: the header announces %d dimensions (%d bytes), the file ends after %d of them", rank, len(dims), n)
		}
		return nil, err
	}
	shape := make([]int, rank)
	for i := range shape {
		shape[i] = int(binary.BigEndian.Uint32(dims[4*i:]))
	}
	count := int64(tensor.NumElems(shape))
	if count < 0 || count > MaxIDXBytes/int64(typ.elem.size()) {
		return nil, fmt.Errorf("dimensions %s of %s claim more than the limit of %d bytes of data", tensor.FormatShape(shape), typ.name, MaxIDXBytes)
	}
	need := count * int64(typ.elem.size())
	short := func(got int64) error {
		return fmt.Errorf("truncated: dimensions %s of %s need %d bytes of data, the file holds %d", tensor.FormatShape(shape), typ.name, need, got)
	}
	// The size is confirmed when the file itself says it holds exactly the
	// header and the data.
	exact := sizeOK != nil && sizeOK(4+int64(len(dims))+need)

	var t *tensor.Tensor
	if scale && typ.elem == elemU8 && exact {
		out, err := readScaledU8(r, int(count))
		if err == errShort {
			return nil, short(int64(len(out)))
		}
		if err != nil {
			return nil, err
		}
		t = &tensor.Tensor{DType: tensor.F32, Shape: shape, F32: out}
	} else {
		var buf []byte
		var err error
		if exact {
			buf = make([]byte, need)
			var n int
			n, err = io.ReadFull(r, buf)
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil, short(int64(n))
			}
		} else {
			buf, err = readExactly(r, need)
			if err == errShort {
				return nil, short(int64(len(buf)))
			}
		}
		if err != nil {
			return nil, err
		}
		switch {
		case typ.elem == elemU8 && scale:
			t = &tensor.Tensor{DType: tensor.F32, Shape: shape, F32: make([]float32, len(buf))}
			scaleU8(t.F32, buf)
		case typ.elem == elemU8:
			// Images and labels: keep the buffer, no copy.
			t = &tensor.Tensor{DType: tensor.U8, Shape: shape, U8: buf}
		default:
			if t, err = decodeElements(buf, typ.elem, binary.BigEndian, shape, false); err != nil {
				return nil, err
			}
		}
	}
	var one [1]byte
	if n, err := io.ReadFull(r, one[:]); n > 0 {
		return nil, fmt.Errorf("trailing bytes after the %d bytes of data that dimensions %s of %s hold", need, tensor.FormatShape(shape), typ.name)
	} else if err != nil && err != io.EOF {
		return nil, err
	}
	return t, nil
}

// readScaledU8 reads n bytes from r into a new f32 slice, each scaled to
// [0, 1] (v/255), without a u8 copy in memory: one goroutine decompresses
// chunks while the caller converts them, so that the first touch of the
// f32 array's pages (slow on a fresh heap) overlaps decompression. If r
// ends early it returns the values read and errShort.
func readScaledU8(r io.Reader, n int) ([]float32, error) {
	out := make([]float32, n)
	type chunk struct {
		b   []byte
		err error
	}
	const size, depth = 1 << 17, 4
	free := make(chan []byte, depth)
	full := make(chan chunk, depth) // never blocks: there are depth buffers
	for range depth {
		free <- make([]byte, size)
	}
	go func() {
		// The reader is touched only here until the last chunk is sent.
		for left := n; left > 0; {
			b := <-free
			m, err := io.ReadFull(r, b[:min(size, left)])
			left -= m
			full <- chunk{b[:m], err}
			if err != nil {
				return
			}
		}
	}()
	for done := 0; done < n; {
		c := <-full
		scaleU8(out[done:], c.b)
		done += len(c.b)
		if c.err == io.EOF || c.err == io.ErrUnexpectedEOF {
			return out[:done], errShort
		}
		if c.err != nil {
			return out[:done], c.err
		}
		free <- c.b[:cap(c.b)]
	}
	return out, nil
}

// u8Scale is v/255 for every byte value: the conversion of 8-bit images to
// f32 in [0, 1].
var u8Scale = func() (s [256]float32) {
	for v := range s {
		s[v] = float32(v) / 255
	}
	return s
}()

// scaleU8 converts u8 pixel values to f32 in [0, 1] (v/255).
func scaleU8(dst []float32, src []uint8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = u8Scale[v]
	}
}
