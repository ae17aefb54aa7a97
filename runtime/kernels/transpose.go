// Transposes.

package kernels

import "fmt"

// maxAxes bounds the rank a TransposePlan holds (kbc.MaxRank).
const maxAxes = 8

// TransposePlan is a permutation of each example's axes, prepared once so
// that running it allocates nothing: axes of one element are dropped, and
// result axes that follow each other in the operand in the same order are
// merged. What is left runs as a copy (the identity), a 2-D transpose
// (eight rows at a time), a 3-D loop (rows copied whole when the last
// axis stays last, 2-D transposes when the first stays first), or an
// odometer over any rank. Every form computes ref.Transpose's bytes.
type TransposePlan struct {
	rank   int          // after merging
	dims   [maxAxes]int // the result's merged dimensions
	stride [maxAxes]int // the operand's element stride along each
	elems  int          // per example
}

// NewTransposePlan prepares the permutation perm of examples of dims
// (result axis k is operand axis perm[k]). perm must be a permutation of
// 0..len(dims)-1 and dims at most 8 positive sizes: the loader checks
// both; anything else panics.
func NewTransposePlan(dims, perm []int) TransposePlan {
	if len(dims) > maxAxes || len(perm) != len(dims) {
		panic(fmt.Sprintf("kernels: NewTransposePlan: dims %v, perm %v", dims, perm))
	}
	var p TransposePlan
	p.elems = 1
	// The operand's strides, then the result's axes with more than one
	// element, each merged into the one before when it is the operand
	// axis right after that one's last.
	stride := make([]int, len(dims))
	for a, s := len(dims)-1, 1; a >= 0; a-- {
		stride[a] = s
		s *= dims[a]
		p.elems *= dims[a]
	}
	last := -1 // the operand axis the current merged axis ends with
	for _, a := range perm {
		if dims[a] == 1 {
			continue
		}
		if p.rank > 0 && nextKept(dims, last) == a {
			p.dims[p.rank-1] *= dims[a]
			p.stride[p.rank-1] = stride[a]
		} else {
			p.dims[p.rank], p.stride[p.rank] = dims[a], stride[a]
			p.rank++
		}
		last = a
	}
	return p
}

// nextKept is the first axis after a with more than one element (-1 if
// none).
func nextKept(dims []int, a int) int {
	for b := a + 1; b < len(dims); b++ {
		if dims[b] > 1 {
			return b
		}
	}
	return -1
}

// Elems is the number of elements of one example.
func (p *TransposePlan) Elems() int { return p.elems }

// Transpose runs the plan on n examples of x, writing out.
func (p *TransposePlan) Transpose(n int, x, out []int8) {
	e := p.elems
	if n < 0 || len(x) != n*e || len(out) != n*e {
		panic(fmt.Sprintf("kernels: Transpose: %d and %d bytes for %d examples of %d", len(x), len(out), n, e))
	}
	switch p.rank {
	case 0, 1: // the identity
		copy(out, x)
		return
	case 2: // the operand is [dims[1], dims[0]]
		for s := range n {
			transpose2D(x[s*e:(s+1)*e], out[s*e:(s+1)*e], p.dims[1], p.dims[0])
		}
		return
	}
	for s := range n {
		src, dst := x[s*e:(s+1)*e], out[s*e:(s+1)*e]
		if p.rank == 3 {
			p.transpose3(src, dst)
		} else {
			p.transposeN(src, dst)
		}
	}
}

// transpose3 is one example of a rank-3 plan.
func (p *TransposePlan) transpose3(src, dst []int8) {
	d0, d1, d2 := p.dims[0], p.dims[1], p.dims[2]
	s0, s1, s2 := p.stride[0], p.stride[1], p.stride[2]
	switch {
	case s2 == 1: // rows of d2 stay whole
		o := 0
		for i := range d0 {
			for j := range d1 {
				at := i*s0 + j*s1
				copy(dst[o:o+d2], src[at:at+d2])
				o += d2
			}
		}
	case s0 == d1*d2: // the first axis stays first: [d2, d1] planes transposed
		plane := d1 * d2
		for i := range d0 {
			transpose2D(src[i*plane:(i+1)*plane], dst[i*plane:(i+1)*plane], d2, d1)
		}
	default:
		o := 0
		for i := range d0 {
			for j := range d1 {
				at := i*s0 + j*s1
				row := dst[o : o+d2]
				for k := range row {
					row[k] = src[at]
					at += s2
				}
				o += d2
			}
		}
	}
}

// transposeN is one example of a plan of any rank: an odometer over the
// result's index, last axis fastest, each step adding the operand stride
// of the axis it moves along.
func (p *TransposePlan) transposeN(src, dst []int8) {
	var count [maxAxes]int
	r := p.rank
	inner, innerStride := p.dims[r-1], p.stride[r-1]
	at := 0
	for o := 0; o < len(dst); o += inner {
		a := at
		row := dst[o : o+inner]
		for k := range row {
			row[k] = src[a]
			a += innerStride
		}
		for k := r - 2; k >= 0; k-- {
			if count[k]++; count[k] < p.dims[k] {
				at += p.stride[k]
				break
			}
			at -= (p.dims[k] - 1) * p.stride[k]
			count[k] = 0
		}
	}
}

// transpose2D writes src, rows x cols, as dst, cols x rows: eight rows at
// a time, read as eight streams, each column's eight bytes written
// together.
func transpose2D(src, dst []int8, rows, cols int) {
	r := 0
	for ; r+8 <= rows; r += 8 {
		s0 := src[r*cols : (r+1)*cols]
		s1 := src[(r+1)*cols : (r+2)*cols]
		s2 := src[(r+2)*cols : (r+3)*cols]
		s3 := src[(r+3)*cols : (r+4)*cols]
		s4 := src[(r+4)*cols : (r+5)*cols]
		s5 := src[(r+5)*cols : (r+6)*cols]
		s6 := src[(r+6)*cols : (r+7)*cols]
		s7 := src[(r+7)*cols : (r+8)*cols]
		for c := range s0 {
			d := dst[c*rows+r : c*rows+r+8]
			d[0], d[1], d[2], d[3] = s0[c], s1[c], s2[c], s3[c]
			d[4], d[5], d[6], d[7] = s4[c], s5[c], s6[c], s7[c]
		}
	}
	for ; r < rows; r++ {
		for c, v := range src[r*cols : (r+1)*cols] {
			dst[c*rows+r] = v
		}
	}
}
