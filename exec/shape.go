package exec

import (
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The kernels of ops that move data: flatten, reshape and dropout
// (concat's kernel is its reference semantics).

// copyData copies x's elements into out, whatever the dtype.
func copyData(x, out *tensor.Tensor) {
	copy(out.F32, x.F32)
	copy(out.I32, x.I32)
	copy(out.I8, x.I8)
	copy(out.U8, x.U8)
}

// copyForward is the kernel of ops that only relabel their operand's data.
func copyForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	copyData(in[0], out)
	return nil
}

// DropoutState is the mask of the last training forward pass: 0 for a
// dropped element, 1/(1-rate) for a kept one.
type DropoutState struct {
	Mask []float32
}

// dropoutForward is inverted dropout: in training each element is kept
// with probability 1-rate and scaled by 1/(1-rate), so that inference
// needs no scaling.
func dropoutForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	rate := v.Attrs.Float("rate")
	if !c.Training || rate == 0 {
		copyData(in[0], out)
		return nil
	}
	st := StateOf[DropoutState](c, v)
	st.Mask = Grow(st.Mask, len(out.F32))
	keep := float32(1 / (1 - rate))
	for i, x := range in[0].F32 {
		m := float32(0)
		if c.Rand.Float64() >= rate {
			m = keep
		}
		st.Mask[i] = m
		out.F32[i] = x * m
	}
	return nil
}

// TransposeIndex returns, for a sample of dims permuted by perm, the
// offset in the operand of each result element, in the result's order.
func TransposeIndex(dims, perm []int) []int {
	r := len(dims)
	stride := make([]int, r)
	for a, s := r-1, 1; a >= 0; a-- {
		stride[a] = s
		s *= dims[a]
	}
	idx := make([]int, tensor.NumElems(dims))
	// An odometer over the result's index, last axis fastest: each step
	// adds the stride of the operand axis it moves along.
	at, count := 0, make([]int, r)
	for o := range idx {
		idx[o] = at
		for k := r - 1; k >= 0; k-- {
			a := perm[k]
			if count[k]++; count[k] < dims[a] {
				at += stride[a]
				break
			}
			at -= (dims[a] - 1) * stride[a]
			count[k] = 0
		}
	}
	return idx
}

// Transpose writes n samples of dims, each permuted by perm, from x to
// out.
func Transpose(x, out []float32, n int, dims, perm []int) {
	idx := TransposeIndex(dims, perm)
	e := len(idx)
	for s := range n {
		src, dst := x[s*e:(s+1)*e], out[s*e:(s+1)*e]
		for o, i := range idx {
			dst[o] = src[i]
		}
	}
}

// transposeForward permutes each sample's axes.
func transposeForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	x := v.Args[0].Type
	n := 1
	if x.Batched {
		n = in[0].Shape[0]
	}
	Transpose(in[0].F32, out.F32, n, x.Dims, v.Attrs.Ints("perm"))
	return nil
}
