// Depthwise convolution on the padded grid: one filter per channel.

package kernels

import (
	"fmt"
	"math"
)

// DepthwiseGrid computes channels [0, n) of one sample of a stride-1
// depthwise convolution (one filter per input channel) on the grid of
// their zero-point-padded input planes, as the grid convolution lays
// them out: grid position c = r*width + col of row r < rows, where the
// first valid columns of each row are the outputs. For ch < n, r < rows
// and col < valid, with c = r*width + col:
//
//	acc = sum over t of w[ch*T+t] * x[ch*plane + c+offs[t]]   int32
//	out[(ch*rows + r)*valid + col] = requantized acc + bias[ch]
//
// requantized as in MatMulRequant, where T = len(offs) and offs[t] is
// tap t's offset in a plane (ky*DH*width + kx*DW). It is what
// MatMulRequantRHS computes for each group's one filter over the taps'
// rows of the patch matrix, without building them: the vector kernels
// read 16 grid positions of x at each offset and multiply-add the taps
// in pairs. Each plane must span at least DepthwiseLen(rows*width, offs)
// bytes (the kernels read whole blocks of 16 positions; what lies past
// the last row's taps changes only positions that are not stored);
// mult and shift hold one value per channel or one for all; scratch
// holds DepthwiseScratchSize(rows*width) int32. It allocates nothing and
// panics on inconsistent arguments.
func (k Set) DepthwiseGrid(n, rows, width, valid int, x []int8, plane int, offs []int, w []int8, bias, mult, shift []int32,
	outOffset, actMin, actMax int32, out []int8, scratch []int32) {
	const name = "DepthwiseGrid"
	if n < 1 || rows < 1 || valid < 1 || width < valid || rows > math.MaxInt32/width || len(offs) < 1 || len(offs) > DepthwiseTaps || len(w) != n*len(offs) {
		panic(fmt.Sprintf("kernels: %s: %d channels of %d rows of %d (%d valid), %d offsets, %d weights (1 to %d taps a channel)",
			name, n, rows, width, valid, len(offs), len(w), DepthwiseTaps))
	}
	for _, o := range offs {
		if o < 0 || o > math.MaxInt32-32 {
			panic(fmt.Sprintf("kernels: %s: tap offset %d", name, o))
		}
	}
	cols := rows * width
	if need := DepthwiseLen(cols, offs); plane < need || len(x) < (n-1)*plane+need {
		panic(fmt.Sprintf("kernels: %s: input of %d bytes, planes %d apart; each needs %d", name, len(x), plane, need))
	}
	if len(out) < n*rows*valid {
		panic(fmt.Sprintf("kernels: %s: %d outputs for %d channels of %dx%d", name, len(out), n, rows, valid))
	}
	if need := DepthwiseScratchSize(cols); len(scratch) < need {
		panic(fmt.Sprintf("kernels: %s: scratch of %d int32, need %d", name, len(scratch), need))
	}
	if len(bias) < n {
		panic(fmt.Sprintf("kernels: %s: %d biases for %d channels", name, len(bias), n))
	}
	checkRequant(name, n, bias, mult, shift, actMin, actMax)
	dw := k.s.depthwise
	if dw == nil {
		dw = depthwisePortable
	}
	dw(n, rows, width, valid, x, plane, offs, w, requant{bias: bias, mult: mult, shift: shift, off: outOffset, lo: actMin, hi: actMax}, out, scratch)
}

// HasDepthwise reports whether depthwise convolutions run faster on
// DepthwiseGrid than on the set's matrix product: on the sets with AVX2
// (their vector kernel) and the portable one (its Go loop, which does
// one multiply per tap and output where the product fills a panel of
// filters: MobileNet-tiny at batch 64 ran in 39 ms instead of 85 on a
// Zen 5 core). The arm64 sets keep their product, unmeasured against the
// loop on arm64 hardware; DepthwiseGrid runs the Go loop there.
func (k Set) HasDepthwise() bool { return k.s.depthwise != nil }

// DepthwiseTaps is the most taps (KH*KW) DepthwiseGrid takes.
const DepthwiseTaps = 64

// DepthwiseLen is the least span of a plane of DepthwiseGrid's input:
// the last block of 16 columns read at the largest offset.
func DepthwiseLen(cols int, offs []int) int {
	most := 0
	for _, o := range offs {
		most = max(most, o)
	}
	return (cols+15)/16*16 + most
}

// DepthwiseScratchSize is the number of int32 of scratch DepthwiseGrid
// needs for cols grid positions: the sums of whole blocks of 16 and 8
// more (a row shorter than 8 is requantized from 8 sums), the taps'
// pairs (four int32 each) and the requantization's 24.
func DepthwiseScratchSize(cols int) int {
	return depthwiseSumsLen(cols) + 4*(DepthwiseTaps/2) + 24
}

// depthwiseSumsLen is the scratch's part for the sums.
func depthwiseSumsLen(cols int) int { return (cols+15)/16*16 + 8 }

// depthwisePortable is DepthwiseGrid in Go, tap by tap over the grid.
func depthwisePortable(n, rows, width, valid int, x []int8, plane int, offs []int, w []int8, q requant, out []int8, scratch []int32) {
	taps, cols := len(offs), rows*width
	acc := scratch[:cols]
	for ch := range n {
		clear(acc)
		xc := x[ch*plane:]
		for t, o := range offs {
			wt := int32(w[ch*taps+t])
			for c, v := range xc[o : o+cols] {
				acc[c] += wt * int32(v)
			}
		}
		oc := out[ch*rows*valid : (ch+1)*rows*valid]
		for r := range rows {
			for col, a := range acc[r*width : r*width+valid] {
				oc[r*valid+col] = q.apply(a, ch)
			}
		}
	}
}
