// The matrix product with the activations on the right, for convolutions.

package kernels

import (
	"fmt"
	"math"
)

// MatMulRequantRHS is MatMulRequant with the activation matrix on the
// right: for j < n = p.N() and c < cols,
//
//	acc = sum over i < k of w[j][i] * col[i*ldc+c]   int32, wrapping
//	out[j*ldo+c] = requantized acc + bias[j], as in MatMulRequant
//
// It is a convolution after im2col in kiln's NCHW layout: with p the
// [F][C*KH*KW] filters (OIHW flattened), col the [C*KH*KW][OH*OW] patch
// matrix of one sample (row i = (c, ky, kx) holds that tap's input for
// every output position, the input's zero point where the tap falls in
// the padding) and out that sample's [F][OH*OW] result. Each row of col is
// a shifted copy of an input row, so it is built with copies, and a 1x1
// convolution with stride 1 and no padding needs no copy at all: col is
// the input itself.
//
// scratch has at least ScratchSizeRHS(p, cols) elements. It allocates
// nothing and panics on inconsistent arguments.
func MatMulRequantRHS(cols int, col []int8, ldc int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	matMulRequantRHS(active(), cols, col, ldc, p, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

// MatMulRequantRHSPortable is MatMulRequantRHS run by the portable kernels
// whatever the CPU.
func MatMulRequantRHSPortable(cols int, col []int8, ldc int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	matMulRequantRHS(portableSet, cols, col, ldc, p, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

func matMulRequantRHS(set *kernelSet, cols int, col []int8, ldc int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	const name = "MatMulRequantRHS"
	n, k := p.n, p.k
	if cols < 0 {
		panic(fmt.Sprintf("kernels: %s: %d columns", name, cols))
	}
	if cols == 0 {
		return
	}
	if ldc < cols || len(col) < (k-1)*ldc+cols {
		panic(fmt.Sprintf("kernels: %s: col of length %d with stride %d cannot hold %dx%d", name, len(col), ldc, k, cols))
	}
	if need := ScratchSizeRHS(p, cols); len(scratch) < need {
		panic(fmt.Sprintf("kernels: %s: scratch of %d int32, need %d", name, len(scratch), need))
	}
	checkRequant(name, n, bias, mult, shift, actMin, actMax)
	if ldo < cols || len(out) < (n-1)*ldo+cols {
		panic(fmt.Sprintf("kernels: %s: out of length %d with stride %d cannot hold %dx%d", name, len(out), ldo, n, cols))
	}
	set.matMulRequantRHS(cols, col, ldc, p, requant{bias: bias, mult: mult, shift: shift, off: outOffset, lo: actMin, hi: actMax}, out, ldo, scratch)
}

func checkRequant(name string, n int, bias, mult, shift []int32, actMin, actMax int32) {
	if bias != nil && len(bias) < n {
		panic(fmt.Sprintf("kernels: %s: %d biases for %d outputs", name, len(bias), n))
	}
	if len(mult) != 1 && len(mult) < n || len(shift) != 1 && len(shift) < n {
		panic(fmt.Sprintf("kernels: %s: %d multipliers and %d shifts for %d outputs", name, len(mult), len(shift), n))
	}
	if actMin < math.MinInt8 || actMax > math.MaxInt8 {
		panic(fmt.Sprintf("kernels: %s: activation range [%d, %d] exceeds int8", name, actMin, actMax))
	}
}

// rhsBuffers are MatMulRequantRHS's parts of the scratch: the weights
// widened to int16 quads (quad-major), one block of cc columns in the
// packed layout, its int32 sums ([n][cc]) and zero-padded copies of the
// last columns of up to 4 rows of col.
type rhsBuffers struct {
	cc                   int
	wq, panels, acc, tmp []int32
}

// rhsBlock returns the number of columns per block: all of them, rounded
// up to 8, if the block's buffers fit in chunkBytes, else a multiple of 8.
func rhsBlock(p *PackedWeights, cols int) int {
	per := 4 * (p.kq + p.n) // bytes per column: packed activations and sums
	return min((cols+7)/8*8, max(8, chunkBytes/per/8*8))
}

// ScratchSizeRHS is the number of int32 elements of scratch
// MatMulRequantRHS needs for cols columns with weights p.
func ScratchSizeRHS(p *PackedWeights, cols int) int {
	if cols < 1 {
		return 0
	}
	cc := rhsBlock(p, cols)
	return scratchHead + p.kq*p.np*16 + cc*p.kq + p.n*cc + 8
}

func rhsScratch(p *PackedWeights, cols int, scratch []int32) rhsBuffers {
	cc := rhsBlock(p, cols)
	s := scratch[scratchHead:]
	b := rhsBuffers{cc: cc}
	b.wq, s = s[:p.kq*p.np*16], s[p.kq*p.np*16:]
	b.panels, s = s[:cc*p.kq], s[cc*p.kq:]
	b.acc, s = s[:p.n*cc], s[p.n*cc:]
	b.tmp = s[:8]
	return b
}

// matMulRequantRHSPortable is MatMulRequantRHS in Go: column by column,
// the column gathered into scratch (the AVX2 kernels' widened weights'
// part, which holds at least 4k int32) and multiplied by the lane panels
// as a dense layer's row is.
func matMulRequantRHSPortable(cols int, col []int8, ldc int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	if !useLanes {
		matMulRequantRHSPlain(cols, col, ldc, p, q, out, ldo, scratch)
		return
	}
	k, ls := p.k, p.laneWeights()
	x := rhsScratch(p, cols, scratch).wq[:k]
	var acc [lanePanel]int32
	for c := range cols {
		for i, o := 0, c; i < len(x); i, o = i+1, o+ldc {
			x[i] = int32(col[o])
		}
		for pn := range lanePanels(p.n) {
			dotLanes(x, ls[pn*k:(pn+1)*k], &acc)
			j0 := pn * lanePanel
			for jj, a := range acc[:min(lanePanel, p.n-j0)] {
				out[(j0+jj)*ldo+c] = q.apply(a, j0+jj)
			}
		}
	}
}

// matMulRequantRHSPlain is MatMulRequantRHS in Go without the lane layout:
// per output row, the weighted sum of activation rows, four rows (one
// quad) at a time, then the requantization.
func matMulRequantRHSPlain(cols int, col []int8, ldc int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	s := rhsScratch(p, cols, scratch)
	cc := s.cc
	acc := s.acc[:cc]
	for c0 := 0; c0 < cols; c0 += cc {
		cn := min(cc, cols-c0)
		a := acc[:cn]
		for j := range p.n {
			clear(a)
			panel := p.w[(j/8)*p.kq*32:]
			for i := 0; i < p.k; i += 4 {
				w := (*[4]int8)(panel[(i/4)*32+(j%8)*4:])
				w0, w1, w2, w3 := int32(w[0]), int32(w[1]), int32(w[2]), int32(w[3])
				r0 := col[i*ldc+c0 : i*ldc+c0+cn]
				if i+3 >= p.k {
					// The last quad: the weights past k are zero.
					for ii := i; ii < p.k; ii++ {
						r := col[ii*ldc+c0 : ii*ldc+c0+cn]
						wi := int32(w[ii-i])
						for c, v := range r {
							a[c] += wi * int32(v)
						}
					}
					break
				}
				r1 := col[(i+1)*ldc+c0 : (i+1)*ldc+c0+cn]
				r2 := col[(i+2)*ldc+c0 : (i+2)*ldc+c0+cn]
				r3 := col[(i+3)*ldc+c0 : (i+3)*ldc+c0+cn]
				for c := range a {
					a[c] += w0*int32(r0[c]) + w1*int32(r1[c]) + w2*int32(r2[c]) + w3*int32(r3[c])
				}
			}
			o := out[j*ldo+c0 : j*ldo+c0+cn]
			for c := range o {
				o[c] = q.apply(a[c], j)
			}
		}
	}
}
