// Element decoding and encoding shared by the tensor file formats (NPY, NPZ,
// safetensors): the stored element types, their conversion to kiln's four
// dtypes, the half and bfloat16 conversions, and bounded reads.

package data

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/kiln-nn/kiln/tensor"
)

// elemType is an element type as a file stores it. Several of them load
// into one kiln dtype: see target.
type elemType uint8

const (
	elemInvalid elemType = iota
	elemF16
	elemBF16
	elemF32
	elemF64
	elemI8
	elemI16
	elemI32
	elemI64
	elemU8
	elemU16
	elemU32
	elemU64
	elemBool
)

// size is the stored size of one element in bytes.
func (e elemType) size() int {
	switch e {
	case elemI8, elemU8, elemBool:
		return 1
	case elemF16, elemBF16, elemI16, elemU16:
		return 2
	case elemF32, elemI32, elemU32:
		return 4
	case elemF64, elemI64, elemU64:
		return 8
	}
	return 0
}

// numpy is the element type's name in NumPy (dtype.name): float64, int64,
// bool.
func (e elemType) numpy() string {
	return [...]string{elemInvalid: "invalid", elemF16: "float16", elemBF16: "bfloat16", elemF32: "float32",
		elemF64: "float64", elemI8: "int8", elemI16: "int16", elemI32: "int32", elemI64: "int64",
		elemU8: "uint8", elemU16: "uint16", elemU32: "uint32", elemU64: "uint64", elemBool: "bool"}[e]
}

// NumPyName is the name NumPy gives a kiln dtype: float32, int32, int8,
// uint8.
func NumPyName(dt tensor.DType) string {
	switch dt {
	case tensor.F32:
		return "float32"
	case tensor.I32:
		return "int32"
	case tensor.I8:
		return "int8"
	case tensor.U8:
		return "uint8"
	}
	return dt.String()
}

// target is the kiln dtype the element type loads as. Floats load as f32
// (f64 rounds to nearest, or must be exact: see decodeElements; f16 and
// bf16 are exact); 8-bit integers load as i8 or u8; wider integers, signed
// or not, load as i32 with a range check; bools load as u8 0 or 1.
func (e elemType) target() tensor.DType {
	switch e {
	case elemF16, elemBF16, elemF32, elemF64:
		return tensor.F32
	case elemI16, elemI32, elemI64, elemU16, elemU32, elemU64:
		return tensor.I32
	case elemI8:
		return tensor.I8
	case elemU8, elemBool:
		return tensor.U8
	}
	return tensor.Invalid
}

// elemError is a stored element that the dtype it loads as cannot hold: an
// integer outside the int32 range, or (when conversions must be exact) a
// float64 that float32 would round.
type elemError struct {
	index int    // flat, in storage order
	value string // as stored
	float bool   // a float64 that float32 does not hold exactly
}

func (e *elemError) Error() string {
	if e.float {
		return fmt.Sprintf("element %d is %s, which float32 cannot hold exactly", e.index, e.value)
	}
	return fmt.Sprintf("element %d is %s, outside the int32 range", e.index, e.value)
}

// decodeElements converts n stored elements in src (len(src) == n*e.size())
// into a new tensor of e.target() with the given shape. order is the byte
// order of the stored elements. An integer that does not fit in int32 is an
// *elemError naming its flat index (in storage order); so is, when exact
// is set, a float64 that float32 does not hold exactly (NaN and the
// infinities are held; values past float32's range and digits beyond its
// precision are not).
func decodeElements(src []byte, e elemType, order binary.ByteOrder, shape []int, exact bool) (*tensor.Tensor, error) {
	n := len(src) / e.size()
	t := &tensor.Tensor{DType: e.target(), Shape: append([]int{}, shape...)}
	switch e {
	case elemF32:
		t.F32 = make([]float32, n)
		for i := range t.F32 {
			t.F32[i] = math.Float32frombits(order.Uint32(src[4*i:]))
		}
	case elemF64:
		t.F32 = make([]float32, n)
		for i := range t.F32 {
			v := math.Float64frombits(order.Uint64(src[8*i:]))
			t.F32[i] = float32(v)
			if exact && float64(t.F32[i]) != v && v == v {
				return nil, &elemError{index: i, value: strconv.FormatFloat(v, 'g', -1, 64), float: true}
			}
		}
	case elemF16:
		t.F32 = make([]float32, n)
		for i := range t.F32 {
			t.F32[i] = halfToFloat32(order.Uint16(src[2*i:]))
		}
	case elemBF16:
		t.F32 = make([]float32, n)
		for i := range t.F32 {
			t.F32[i] = bfloat16ToFloat32(order.Uint16(src[2*i:]))
		}
	case elemI8:
		t.I8 = make([]int8, n)
		for i := range t.I8 {
			t.I8[i] = int8(src[i])
		}
	case elemU8:
		t.U8 = make([]uint8, n)
		copy(t.U8, src)
	case elemBool:
		t.U8 = make([]uint8, n)
		for i, b := range src {
			if b != 0 {
				t.U8[i] = 1
			}
		}
	case elemI16:
		t.I32 = make([]int32, n)
		for i := range t.I32 {
			t.I32[i] = int32(int16(order.Uint16(src[2*i:])))
		}
	case elemU16:
		t.I32 = make([]int32, n)
		for i := range t.I32 {
			t.I32[i] = int32(order.Uint16(src[2*i:]))
		}
	case elemI32:
		t.I32 = make([]int32, n)
		for i := range t.I32 {
			t.I32[i] = int32(order.Uint32(src[4*i:]))
		}
	case elemU32:
		t.I32 = make([]int32, n)
		for i := range t.I32 {
			v := order.Uint32(src[4*i:])
			if v > math.MaxInt32 {
				return nil, &elemError{index: i, value: strconv.FormatUint(uint64(v), 10)}
			}
			t.I32[i] = int32(v)
		}
	case elemI64:
		t.I32 = make([]int32, n)
		for i := range t.I32 {
			v := int64(order.Uint64(src[8*i:]))
			if v < math.MinInt32 || v > math.MaxInt32 {
				return nil, &elemError{index: i, value: strconv.FormatInt(v, 10)}
			}
			t.I32[i] = int32(v)
		}
	case elemU64:
		t.I32 = make([]int32, n)
		for i := range t.I32 {
			v := order.Uint64(src[8*i:])
			if v > math.MaxInt32 {
				return nil, &elemError{index: i, value: strconv.FormatUint(v, 10)}
			}
			t.I32[i] = int32(v)
		}
	default:
		return nil, fmt.Errorf("internal error: decode of element type %d", e)
	}
	return t, nil
}

// halfToFloat32 converts an IEEE 754 binary16 value to float32. Every
// binary16 value is exactly representable: subnormals become normal float32
// values, infinities stay infinite, and a NaN keeps its sign and payload
// (shifted into the high bits of the float32 significand, as the hardware
// conversions and NumPy do).
func halfToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0: // normal: rebias the exponent from 15 to 127
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0: // signed zero
		return math.Float32frombits(sign)
	}
	// Subnormal: mant * 2^-24. Shift the leading one into the implicit bit
	// position, lowering the exponent once per shift.
	e := uint32(127 - 15 + 1)
	for mant&0x400 == 0 {
		mant <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
}

// bfloat16ToFloat32 converts a bfloat16 value, the high half of a float32,
// to float32. The conversion is exact for every value, NaNs included.
func bfloat16ToFloat32(b uint16) float32 {
	return math.Float32frombits(uint32(b) << 16)
}

// encodeLE writes the tensor's elements to w in little-endian order, in
// chunks, without building the whole byte image in memory.
func encodeLE(w io.Writer, t *tensor.Tensor) error {
	const chunk = 1 << 16
	switch t.DType {
	case tensor.I8:
		buf := make([]byte, 0, min(chunk, len(t.I8)))
		for i, v := range t.I8 {
			buf = append(buf, byte(v))
			if len(buf) == cap(buf) || i == len(t.I8)-1 {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		return nil
	case tensor.U8:
		_, err := w.Write(t.U8)
		return err
	case tensor.F32:
		return writeWords(w, t.F32, math.Float32bits)
	case tensor.I32:
		return writeWords(w, t.I32, func(v int32) uint32 { return uint32(v) })
	}
	return fmt.Errorf("invalid dtype %v", t.DType)
}

func writeWords[T any](w io.Writer, s []T, bits func(T) uint32) error {
	const chunk = 1 << 14 // elements
	buf := make([]byte, 0, 4*min(chunk, len(s)))
	for len(s) > 0 {
		n := min(chunk, len(s))
		for _, v := range s[:n] {
			buf = binary.LittleEndian.AppendUint32(buf, bits(v))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		buf, s = buf[:0], s[n:]
	}
	return nil
}

// errShort reports that a reader ended before the bytes a header promised.
var errShort = errors.New("short data")

// readExactly reads exactly n bytes from r. It never allocates much more
// than what r actually delivers: the buffer starts small and grows as data
// arrives, so a header that claims a huge size but is followed by little data
// costs little memory. If r ends early it returns the bytes read and errShort.
func readExactly(r io.Reader, n int64) ([]byte, error) {
	const first = 1 << 16
	if n < 0 {
		return nil, fmt.Errorf("internal error: negative length %d", n)
	}
	buf := make([]byte, 0, min(n, first))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			// Double the buffer, but never past n.
			grow := min(n-int64(len(buf)), int64(cap(buf)))
			nb := make([]byte, len(buf), int64(len(buf))+grow)
			copy(nb, buf)
			buf = nb
		}
		m, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return buf, errShort
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// reorderFortran rewrites data, stored in column-major (Fortran) order for
// shape, into row-major order.
func reorderFortran[T any](data []T, shape []int) []T {
	if len(shape) < 2 || len(data) == 0 {
		return data
	}
	// Column-major strides: the first axis varies fastest.
	fstride := make([]int, len(shape))
	acc := 1
	for i, d := range shape {
		fstride[i] = acc
		acc *= d
	}
	out := make([]T, len(data))
	idx := make([]int, len(shape))
	src := 0
	for i := range out {
		out[i] = data[src]
		// Advance the row-major index (last axis fastest) and keep src,
		// the column-major offset of that index, in step.
		for ax := len(shape) - 1; ax >= 0; ax-- {
			idx[ax]++
			src += fstride[ax]
			if idx[ax] < shape[ax] {
				break
			}
			src -= fstride[ax] * idx[ax]
			idx[ax] = 0
		}
	}
	return out
}
