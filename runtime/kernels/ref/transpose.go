// Int8 transpose: a permutation of each example's axes (TFLite's
// TRANSPOSE with the batch axis kept first). It moves bytes and computes
// nothing, so the result keeps its operand's scale and zero point.
//
// Semantics (this text is the specification):
//
//	x   [N, d_0, ..., d_{r-1}] int8
//	out [N, d_{p_0}, ..., d_{p_{r-1}}] int8, p a permutation of 0..r-1
//	out[n, i_0, ..., i_{r-1}] = x[n, j_0, ..., j_{r-1}]  where j_{p_k} = i_k

package ref

import "fmt"

// TransposeParams are Transpose's parameters: the examples, each one's
// dimensions and the permutation (output axis k is input axis Perm[k]).
type TransposeParams struct {
	N    int
	Dims []int
	Perm []int
}

// CheckPerm reports whether perm is a permutation of 0..rank-1, saying
// what is wrong with it if not.
func CheckPerm(perm []int, rank int) error {
	if len(perm) != rank {
		return fmt.Errorf("perm %v has %d %s for %d %s", perm, len(perm), plural(len(perm), "entry", "entries"), rank, plural(rank, "axis", "axes"))
	}
	seen := make([]bool, rank)
	for _, a := range perm {
		if a < 0 || a >= rank {
			return fmt.Errorf("perm %v names axis %d, outside [0, %d)", perm, a, rank)
		}
		if seen[a] {
			return fmt.Errorf("perm %v names axis %d twice", perm, a)
		}
		seen[a] = true
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Transpose writes each of the N examples of x with its axes permuted.
// The index arithmetic is written out element by element: it is the
// oracle the VM's and the native kernels are compared with.
func Transpose(p *TransposeParams, x, out []int8) { transpose(p, x, out) }

// TransposeF32 is Transpose on float32 data: the float op's semantics.
func TransposeF32(p *TransposeParams, x, out []float32) { transpose(p, x, out) }

func transpose[T any](p *TransposeParams, x, out []T) {
	const k = "Transpose"
	checkDims(k, 0, dim{"N", p.N})
	if err := CheckPerm(p.Perm, len(p.Dims)); err != nil {
		panic("ref: " + k + ": " + err.Error())
	}
	elems := 1
	for i, d := range p.Dims {
		checkDims(k, 1, dim{fmt.Sprintf("Dims[%d]", i), d})
		elems *= d
	}
	checkLen(k, "x", len(x), p.N*elems)
	checkLen(k, "out", len(out), p.N*elems)
	r := len(p.Dims)
	// stride[a] is input axis a's element stride.
	stride := make([]int, r)
	for a, s := r-1, 1; a >= 0; a-- {
		stride[a] = s
		s *= p.Dims[a]
	}
	idx := make([]int, r) // the output index, i_0 .. i_{r-1}
	for n := range p.N {
		base := n * elems
		for o := range elems {
			// o's output index, last axis fastest.
			rem := o
			for k := r - 1; k >= 0; k-- {
				d := p.Dims[p.Perm[k]]
				idx[k] = rem % d
				rem /= d
			}
			at := 0
			for k := range r {
				at += idx[k] * stride[p.Perm[k]]
			}
			out[base+o] = x[base+at]
		}
	}
}
