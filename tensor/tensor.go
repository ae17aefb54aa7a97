// Package tensor holds kiln's dense, row-major tensor type: the unit of data
// that the float executor, the data loaders and the weight files exchange.
//
// A Tensor owns exactly one typed slice, the one that matches its DType. The
// runtime (the VM) has its own, smaller types and does not import this
// package.
package tensor

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DType is an element type.
type DType uint8

// The element types of kiln's IR and tensors.
const (
	Invalid DType = iota
	F32
	I32
	I8
	U8
)

var dtypeNames = [...]string{Invalid: "invalid", F32: "f32", I32: "i32", I8: "i8", U8: "u8"}

// String returns the dtype's name as the language and the IR spell it.
func (d DType) String() string {
	if int(d) < len(dtypeNames) {
		return dtypeNames[d]
	}
	return "dtype(" + strconv.Itoa(int(d)) + ")"
}

// Size is the size of one element in bytes.
func (d DType) Size() int {
	switch d {
	case F32, I32:
		return 4
	case I8, U8:
		return 1
	}
	return 0
}

// ParseDType returns the dtype a name spells, or Invalid.
func ParseDType(s string) DType {
	for d, n := range dtypeNames {
		if n == s && d != int(Invalid) {
			return DType(d)
		}
	}
	return Invalid
}

// Tensor is a dense row-major array. Exactly one of the data slices is
// used: the one that matches DType, with NumElems(Shape) elements.
type Tensor struct {
	DType DType
	Shape []int
	F32   []float32
	I32   []int32
	I8    []int8
	U8    []uint8
}

// NumElems is the number of elements of a shape (1 for a scalar).
// It returns -1 if a dimension is negative or the product overflows int.
func NumElems(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return -1
		}
		if d != 0 && n > math.MaxInt/d {
			return -1
		}
		n *= d
	}
	return n
}

// New returns a zeroed tensor of the given dtype and shape.
func New(dt DType, shape ...int) *Tensor {
	n := NumElems(shape)
	if n < 0 {
		panic(fmt.Sprintf("tensor.New: invalid shape %v", shape))
	}
	t := &Tensor{DType: dt, Shape: append([]int(nil), shape...)}
	switch dt {
	case F32:
		t.F32 = make([]float32, n)
	case I32:
		t.I32 = make([]int32, n)
	case I8:
		t.I8 = make([]int8, n)
	case U8:
		t.U8 = make([]uint8, n)
	default:
		panic(fmt.Sprintf("tensor.New: invalid dtype %v", dt))
	}
	return t
}

// FromF32 wraps data (not copied) as an f32 tensor of the given shape.
func FromF32(data []float32, shape ...int) *Tensor {
	if NumElems(shape) != len(data) {
		panic(fmt.Sprintf("tensor.FromF32: %d elements for shape %v", len(data), shape))
	}
	return &Tensor{DType: F32, Shape: append([]int(nil), shape...), F32: data}
}

// FromI32 wraps data (not copied) as an i32 tensor of the given shape.
func FromI32(data []int32, shape ...int) *Tensor {
	if NumElems(shape) != len(data) {
		panic(fmt.Sprintf("tensor.FromI32: %d elements for shape %v", len(data), shape))
	}
	return &Tensor{DType: I32, Shape: append([]int(nil), shape...), I32: data}
}

// Len is the number of elements.
func (t *Tensor) Len() int { return NumElems(t.Shape) }

// Bytes is the size of the data in bytes.
func (t *Tensor) Bytes() int { return t.Len() * t.DType.Size() }

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	c := &Tensor{DType: t.DType, Shape: append([]int(nil), t.Shape...)}
	c.F32 = append([]float32(nil), t.F32...)
	c.I32 = append([]int32(nil), t.I32...)
	c.I8 = append([]int8(nil), t.I8...)
	c.U8 = append([]uint8(nil), t.U8...)
	return c
}

// Check reports whether the tensor is well formed: a known dtype, no
// negative dimension, and a data slice of the right type and length.
func (t *Tensor) Check() error {
	n := NumElems(t.Shape)
	if n < 0 {
		return fmt.Errorf("invalid shape %v", t.Shape)
	}
	var got int
	switch t.DType {
	case F32:
		got = len(t.F32)
	case I32:
		got = len(t.I32)
	case I8:
		got = len(t.I8)
	case U8:
		got = len(t.U8)
	default:
		return fmt.Errorf("invalid dtype %v", t.DType)
	}
	if got != n {
		return fmt.Errorf("%v%v tensor holds %d elements, want %d", t.DType, FormatShape(t.Shape), got, n)
	}
	return nil
}

// Equal reports whether two tensors have the same dtype, shape and bits.
// Float elements compare by bit pattern, so NaNs with equal bits are equal
// and 0 and -0 are not.
func Equal(a, b *Tensor) bool {
	if a.DType != b.DType || !ShapeEqual(a.Shape, b.Shape) {
		return false
	}
	switch a.DType {
	case F32:
		for i := range a.F32 {
			if math.Float32bits(a.F32[i]) != math.Float32bits(b.F32[i]) {
				return false
			}
		}
		return true
	case I32:
		return slicesEqual(a.I32, b.I32)
	case I8:
		return slicesEqual(a.I8, b.I8)
	case U8:
		return slicesEqual(a.U8, b.U8)
	}
	return false
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ShapeEqual reports whether two shapes are the same.
func ShapeEqual(a, b []int) bool { return slicesEqual(a, b) }

// FormatShape prints a shape as [d0,d1,...].
func FormatShape(shape []int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range shape {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(d))
	}
	b.WriteByte(']')
	return b.String()
}

// String describes the tensor's type, as f32[2,3].
func (t *Tensor) String() string { return t.DType.String() + FormatShape(t.Shape) }

// Strides returns the row-major strides of a shape, in elements.
func Strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}
