package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
)

// constant is a tensor known when the model is imported: an initializer, a
// Constant node's value, or a folded shape computation. Floats are kept as
// float32 (every float type ONNX has that kiln reads converts to it
// exactly), integers as int64.
type constant struct {
	shape []int
	float bool // f holds the data; otherwise i does
	f     []float32
	i     []int64
	elem  onnxpb.TensorProto_DataType // the element type in the file (UNDEFINED for folded values)
	// quant is the grid a DequantizeLinear of int8 data put the values on:
	// kept for the weights made from them (kiln quantizes them on it).
	quant *ir.QuantParams
}

func (c *constant) len() int {
	if c.float {
		return len(c.f)
	}
	return len(c.i)
}

// ints returns the constant's values as ints (an integer tensor's).
func (c *constant) ints() ([]int, error) {
	if c.float {
		return nil, fmt.Errorf("is a float tensor, not an integer one")
	}
	out := make([]int, len(c.i))
	for k, v := range c.i {
		if v != int64(int(v)) {
			return nil, fmt.Errorf("value %d does not fit an int", v)
		}
		out[k] = int(v)
	}
	return out, nil
}

// floats returns the constant's values as float32s, converting integers.
func (c *constant) floats() []float32 {
	if c.float {
		return c.f
	}
	out := make([]float32, len(c.i))
	for k, v := range c.i {
		out[k] = float32(v)
	}
	return out
}

// scalar returns a one-element constant's value as a float64.
func (c *constant) scalar() (float64, bool) {
	if c.len() != 1 {
		return 0, false
	}
	if c.float {
		return float64(c.f[0]), true
	}
	return float64(c.i[0]), true
}

// maxTensorElems bounds one tensor's element count: checked against the
// data the file really carries before anything is allocated, so a hostile
// header cannot ask for more memory than the file's own size.
const maxTensorElems = 1 << 31

// elemCount multiplies dims, refusing negative dimensions and overflow.
func elemCount(dims []int64) (int, error) {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d", d)
		}
		if d != 0 && n > maxTensorElems/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", dims, int64(maxTensorElems))
		}
		n *= d
	}
	return int(n), nil
}

// decodeTensor turns a TensorProto into a constant: raw little-endian data
// or the typed fields, for the element types kiln reads (float, double,
// float16, int8/16/32/64, uint8/16, bool). Data stored outside the file is
// refused: kiln reads one file.
func decodeTensor(t *onnxpb.TensorProto) (*constant, error) {
	if t.GetDataLocation() == onnxpb.TensorProto_EXTERNAL || len(t.GetExternalData()) > 0 {
		return nil, fmt.Errorf("its data is stored in an external file; kiln reads models whose weights are inside the .onnx (save with all tensors in one file)")
	}
	if t.GetSegment() != nil {
		return nil, fmt.Errorf("it is a segment of a larger tensor, which kiln does not read")
	}
	n, err := elemCount(t.GetDims())
	if err != nil {
		return nil, err
	}
	shape := make([]int, len(t.GetDims()))
	for k, d := range t.GetDims() {
		shape[k] = int(d)
	}
	dt := onnxpb.TensorProto_DataType(t.GetDataType())
	c := &constant{shape: shape, elem: dt}
	size, ok := elemSize[dt]
	if !ok {
		return nil, fmt.Errorf("element type %s is not one kiln reads", dt)
	}
	c.float = dt == onnxpb.TensorProto_FLOAT || dt == onnxpb.TensorProto_DOUBLE || dt == onnxpb.TensorProto_FLOAT16
	if raw := t.GetRawData(); raw != nil || typedLen(t, dt) == 0 && n > 0 {
		if len(raw) != n*size {
			return nil, fmt.Errorf("shape %v of %s needs %d bytes of data, the file has %d", shape, dt, n*size, len(raw))
		}
		c.alloc(n)
		for k := 0; k < n; k++ {
			b := raw[k*size:]
			switch dt {
			case onnxpb.TensorProto_FLOAT:
				c.f[k] = math.Float32frombits(binary.LittleEndian.Uint32(b))
			case onnxpb.TensorProto_DOUBLE:
				c.f[k] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b)))
			case onnxpb.TensorProto_FLOAT16:
				c.f[k] = halfToFloat(binary.LittleEndian.Uint16(b))
			case onnxpb.TensorProto_INT8:
				c.i[k] = int64(int8(b[0]))
			case onnxpb.TensorProto_UINT8, onnxpb.TensorProto_BOOL:
				c.i[k] = int64(b[0])
			case onnxpb.TensorProto_INT16:
				c.i[k] = int64(int16(binary.LittleEndian.Uint16(b)))
			case onnxpb.TensorProto_UINT16:
				c.i[k] = int64(binary.LittleEndian.Uint16(b))
			case onnxpb.TensorProto_INT32:
				c.i[k] = int64(int32(binary.LittleEndian.Uint32(b)))
			case onnxpb.TensorProto_INT64:
				c.i[k] = int64(binary.LittleEndian.Uint64(b))
			}
		}
		return c, nil
	}
	if got := typedLen(t, dt); got != n {
		return nil, fmt.Errorf("shape %v needs %d values, the file has %d", shape, n, got)
	}
	c.alloc(n)
	switch dt {
	case onnxpb.TensorProto_FLOAT:
		copy(c.f, t.GetFloatData())
	case onnxpb.TensorProto_DOUBLE:
		for k, v := range t.GetDoubleData() {
			c.f[k] = float32(v)
		}
	case onnxpb.TensorProto_FLOAT16:
		// float16 values travel in int32_data, one per element, as bits.
		for k, v := range t.GetInt32Data() {
			c.f[k] = halfToFloat(uint16(v))
		}
	case onnxpb.TensorProto_INT64:
		copy(c.i, t.GetInt64Data())
	case onnxpb.TensorProto_INT8:
		for k, v := range t.GetInt32Data() {
			c.i[k] = int64(int8(v))
		}
	case onnxpb.TensorProto_INT16:
		for k, v := range t.GetInt32Data() {
			c.i[k] = int64(int16(v))
		}
	case onnxpb.TensorProto_UINT8, onnxpb.TensorProto_BOOL:
		for k, v := range t.GetInt32Data() {
			c.i[k] = int64(uint8(v))
		}
	case onnxpb.TensorProto_UINT16:
		for k, v := range t.GetInt32Data() {
			c.i[k] = int64(uint16(v))
		}
	case onnxpb.TensorProto_INT32:
		for k, v := range t.GetInt32Data() {
			c.i[k] = int64(v)
		}
	}
	return c, nil
}

func (c *constant) alloc(n int) {
	if c.float {
		c.f = make([]float32, n)
	} else {
		c.i = make([]int64, n)
	}
}

// typedLen is how many values the typed field of dt holds.
func typedLen(t *onnxpb.TensorProto, dt onnxpb.TensorProto_DataType) int {
	switch dt {
	case onnxpb.TensorProto_FLOAT:
		return len(t.GetFloatData())
	case onnxpb.TensorProto_DOUBLE:
		return len(t.GetDoubleData())
	case onnxpb.TensorProto_INT64:
		return len(t.GetInt64Data())
	default:
		return len(t.GetInt32Data())
	}
}

var elemSize = map[onnxpb.TensorProto_DataType]int{
	onnxpb.TensorProto_FLOAT:   4,
	onnxpb.TensorProto_DOUBLE:  8,
	onnxpb.TensorProto_FLOAT16: 2,
	onnxpb.TensorProto_INT8:    1,
	onnxpb.TensorProto_UINT8:   1,
	onnxpb.TensorProto_BOOL:    1,
	onnxpb.TensorProto_INT16:   2,
	onnxpb.TensorProto_UINT16:  2,
	onnxpb.TensorProto_INT32:   4,
	onnxpb.TensorProto_INT64:   8,
}

// halfToFloat converts IEEE 754 binary16 bits to a float32 (exactly).
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: normalise
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
