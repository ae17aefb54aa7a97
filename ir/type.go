package ir

import (
	"math"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/tensor"
)

// Type is a value's element type and static shape. A batched value has an
// implicit leading batch dimension N (printed as N) before Dims; Dims is the
// per-sample shape. Parameters and constants are not batched.
type Type struct {
	DType   tensor.DType
	Batched bool
	Dims    []int
}

// Batched returns a batched type with the given per-sample dims.
func Batched(dt tensor.DType, dims ...int) Type {
	return Type{DType: dt, Batched: true, Dims: append([]int{}, dims...)}
}

// Unbatched returns an unbatched type (a parameter's or constant's).
func Unbatched(dt tensor.DType, dims ...int) Type {
	return Type{DType: dt, Dims: append([]int{}, dims...)}
}

// Rank is the per-sample rank.
func (t Type) Rank() int { return len(t.Dims) }

// Elems is the number of elements per sample (of the whole value when not
// batched), or -1 on overflow.
func (t Type) Elems() int { return tensor.NumElems(t.Dims) }

// Bytes is the per-sample size in bytes.
func (t Type) Bytes() int64 { return int64(t.Elems()) * int64(t.DType.Size()) }

// Shape returns the full shape of a value of this type with batch size n.
func (t Type) Shape(n int) []int {
	if !t.Batched {
		return append([]int{}, t.Dims...)
	}
	return append([]int{n}, t.Dims...)
}

// Equal reports whether two types are identical.
func (t Type) Equal(u Type) bool {
	return t.DType == u.DType && t.Batched == u.Batched && tensor.ShapeEqual(t.Dims, u.Dims)
}

// String prints the type as the IR text does: f32[N,6,28,28], f32[6,1,5,5],
// f32[] for a scalar.
func (t Type) String() string {
	var b strings.Builder
	b.WriteString(t.DType.String())
	b.WriteByte('[')
	if t.Batched {
		b.WriteByte('N')
	}
	for i, d := range t.Dims {
		if i > 0 || t.Batched {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(d))
	}
	b.WriteByte(']')
	return b.String()
}

// WithDType returns a copy of t with another element type.
func (t Type) WithDType(dt tensor.DType) Type {
	return Type{DType: dt, Batched: t.Batched, Dims: append([]int{}, t.Dims...)}
}

// QuantParams are the affine quantization parameters of an integer value:
// real = Scale * (q - Zero). Per-tensor parameters have one scale and one
// zero point; per-channel ones have one scale per index of dimension Axis
// (of Dims), and one zero point shared by all channels or one per channel.
type QuantParams struct {
	Scale []float32
	Zero  []int32
	Axis  int // channel axis when len(Scale) > 1
}

// PerTensor returns per-tensor quantization parameters.
func PerTensor(scale float32, zero int32) *QuantParams {
	return &QuantParams{Scale: []float32{scale}, Zero: []int32{zero}}
}

// PerChannel reports whether q has one scale per channel.
func (q *QuantParams) PerChannel() bool { return len(q.Scale) > 1 }

// Equal reports whether two sets of parameters are identical (nil equals nil).
func (q *QuantParams) Equal(r *QuantParams) bool {
	if q == nil || r == nil {
		return q == r
	}
	if q.Axis != r.Axis || len(q.Scale) != len(r.Scale) || len(q.Zero) != len(r.Zero) {
		return false
	}
	for i := range q.Scale {
		if math.Float32bits(q.Scale[i]) != math.Float32bits(r.Scale[i]) {
			return false
		}
	}
	for i := range q.Zero {
		if q.Zero[i] != r.Zero[i] {
			return false
		}
	}
	return true
}

// String prints q as the IR text does: q(0.0235, -128) per tensor, or
// q([0.01, 0.02], 0, axis=0) per channel.
func (q *QuantParams) String() string {
	var b strings.Builder
	b.WriteString("q(")
	if !q.PerChannel() && q.Axis == 0 {
		b.WriteString(formatF32(q.Scale[0]))
		b.WriteString(", ")
		b.WriteString(strconv.Itoa(int(q.Zero[0])))
		b.WriteByte(')')
		return b.String()
	}
	b.WriteByte('[')
	for i, s := range q.Scale {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(formatF32(s))
	}
	b.WriteString("], ")
	if len(q.Zero) == 1 {
		b.WriteString(strconv.Itoa(int(q.Zero[0])))
	} else {
		b.WriteByte('[')
		for i, z := range q.Zero {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(int(z)))
		}
		b.WriteByte(']')
	}
	b.WriteString(", axis=")
	b.WriteString(strconv.Itoa(q.Axis))
	b.WriteByte(')')
	return b.String()
}

// formatF32 prints a float32 in the shortest form that reads back to the
// same bits, with nan, inf and -inf spelled as the IR parser reads them.
func formatF32(f float32) string {
	switch {
	case math.IsNaN(float64(f)):
		return "nan"
	case math.IsInf(float64(f), 1):
		return "inf"
	case math.IsInf(float64(f), -1):
		return "-inf"
	}
	return strconv.FormatFloat(float64(f), 'g', -1, 32)
}

// formatF64 is formatF32 for float64 attribute values.
func formatF64(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".en") {
		s += ".0" // keep floats distinguishable from ints in attributes
	}
	return s
}
