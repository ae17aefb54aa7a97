// Pooling.

package kernels

import (
	"fmt"

	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// MaxPool computes ref.MaxPool with the same bits: the maximum of each
// window's int8 values (padding excluded), clamped to [ActMin, ActMax].
// The common 2x2 window with stride 2 and no padding runs as a plain loop
// over row pairs (or in assembly), the 1x2 window with stride 2 of 1-D
// pooling as a loop over rows; other geometries run the reference.
func MaxPool(p *ref.PoolParams, in, out []int8) {
	if p.KH == 1 && p.KW == 2 && p.StrideH == 1 && p.StrideW == 2 && p.PadH == 0 && p.PadW == 0 &&
		p.W >= 2 && p.OH == p.H && p.OW == p.W/2 && p.ActMin >= -128 && p.ActMax <= 127 {
		maxPool1x2(p, in, out)
		return
	}
	if p.KH != 2 || p.KW != 2 || p.StrideH != 2 || p.StrideW != 2 || p.PadH != 0 || p.PadW != 0 ||
		p.H < 2 || p.W < 2 || p.OH != p.H/2 || p.OW != p.W/2 || p.ActMin < -128 || p.ActMax > 127 {
		ref.MaxPool(p, in, out)
		return
	}
	h, w, oh, ow := p.H, p.W, p.OH, p.OW
	planes := p.N * p.C
	if p.N < 0 || p.C < 0 || len(in) != planes*h*w || len(out) != planes*oh*ow {
		panic(fmt.Sprintf("kernels: MaxPool: %d inputs and %d outputs for %d planes of %dx%d", len(in), len(out), planes, h, w))
	}
	lo, hi := p.ActMin, p.ActMax
	if useAsm && w%2 == 0 && w >= 8 && planes > 0 {
		if h%2 == 0 { // the planes' row pairs follow one another
			maxPool2x2Asm(planes*oh, w, &in[0], &out[0], int(lo), int(hi))
			return
		}
		for pl := range planes {
			maxPool2x2Asm(oh, w, &in[pl*h*w], &out[pl*oh*ow], int(lo), int(hi))
		}
		return
	}
	for pl := range planes {
		src := in[pl*h*w : (pl+1)*h*w]
		dst := out[pl*oh*ow : (pl+1)*oh*ow]
		for oy := range oh {
			r0 := src[2*oy*w : 2*oy*w+2*ow]
			r1 := src[(2*oy+1)*w : (2*oy+1)*w+2*ow]
			d := dst[oy*ow : (oy+1)*ow]
			for ox := range d {
				m := maxNoBranch(maxNoBranch(int32(r0[2*ox]), int32(r0[2*ox+1])), maxNoBranch(int32(r1[2*ox]), int32(r1[2*ox+1])))
				d[ox] = int8(minNoBranch(maxNoBranch(m, lo), hi))
			}
		}
	}
}

// maxPool1x2 is MaxPool for 1x2 windows with stride 2 and no padding:
// each output the larger of a pair of neighbours in its row, clamped; 16
// at a time in AVX2 where it runs.
func maxPool1x2(p *ref.PoolParams, in, out []int8) {
	rows, w, ow := p.N*p.C*p.H, p.W, p.OW
	if p.N < 0 || p.C < 0 || len(in) != rows*w || len(out) != rows*ow {
		panic(fmt.Sprintf("kernels: MaxPool: %d inputs and %d outputs for %d rows of %d", len(in), len(out), rows, w))
	}
	lo, hi := p.ActMin, p.ActMax
	if w%2 == 0 {
		// The rows' pairs follow one another: pool them as one row.
		rows, w, ow = 1, rows*w, rows*ow
	}
	for r := range rows {
		src := in[r*w : r*w+2*ow]
		dst := out[r*ow : (r+1)*ow]
		done := maxPool1x2Vec(src, dst, lo, hi)
		for ox := done; ox < len(dst); ox++ {
			m := maxNoBranch(int32(src[2*ox]), int32(src[2*ox+1]))
			dst[ox] = int8(minNoBranch(maxNoBranch(m, lo), hi))
		}
	}
}

// maxNoBranch and minNoBranch are max and min without a data-dependent
// branch (which random activations would mispredict half the time), for
// values whose difference fits in an int32.
func maxNoBranch(a, b int32) int32 {
	d := a - b
	return a - d&(d>>31)
}

func minNoBranch(a, b int32) int32 {
	d := a - b
	return b + d&(d>>31)
}
