package ir

import (
	"fmt"

	"github.com/kiln-nn/kiln/tensor"
)

// Helpers shared by the shape rules and float kernels of the op table.

func needF32(op string, role string, t Type) error {
	if t.DType != tensor.F32 {
		return fmt.Errorf("%s: %s must be f32, got %v", op, role, t)
	}
	return nil
}

func needRank(op string, role string, t Type, ranks ...int) error {
	for _, r := range ranks {
		if t.Rank() == r {
			return nil
		}
	}
	want := ""
	for i, r := range ranks {
		if i > 0 {
			want += " or "
		}
		want += fmt.Sprint(r)
	}
	return fmt.Errorf("%s: %s must have rank %s per sample, got %v", op, role, want, t)
}

// convOut is the output length of a convolution or pooling window sliding
// over n positions.
func convOut(n, kernel, stride, pad, dilation int) int {
	span := dilation*(kernel-1) + 1
	if n+2*pad < span || stride < 1 {
		return 0
	}
	return (n+2*pad-span)/stride + 1
}

// broadcastDims applies NumPy's broadcasting rule to per-sample shapes.
func broadcastDims(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, false
		}
	}
	return out, true
}

// normAxis turns a possibly negative axis into an index in [0, rank).
func normAxis(op string, axis, rank int) (int, error) {
	a := axis
	if a < 0 {
		a += rank
	}
	if a < 0 || a >= rank {
		return 0, fmt.Errorf("%s: axis %d is out of range for rank %d", op, axis, rank)
	}
	return a, nil
}

func prod(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// batchOf is the batch size of a value of type t held in x.
func batchOf(t Type, x *tensor.Tensor) int {
	if t.Batched {
		return x.Shape[0]
	}
	return 1
}

// broadcastStrides returns, for an operand of type t taking part in a
// result of per-sample shape out, the element strides to walk it: one per
// output per-sample dimension (0 where the operand is broadcast) and the
// stride of the batch dimension (0 if the operand is not batched).
func broadcastStrides(t Type, out []int) (dims []int, batch int) {
	own := tensor.Strides(t.Dims)
	dims = make([]int, len(out))
	off := len(out) - len(t.Dims)
	for i := range out {
		if j := i - off; j >= 0 && t.Dims[j] != 1 {
			dims[i] = own[j]
		}
	}
	if t.Batched {
		batch = t.Elems()
	}
	return dims, batch
}
