// Reference int8 max and average pooling in NCHW.

package ref

import "fmt"

// PoolParams describes an int8 pooling: in [N,C,H,W] -> out [N,C,OH,OW],
// window KH x KW moved by the strides, PadH and PadW rows and columns of
// padding before the first (after the last: whatever OH and OW imply).
// Windows are clipped to the image: padding is never counted. Input and
// output share their scale and zero point, so there is no rescale.
type PoolParams struct {
	N, C, H, W, KH, KW, StrideH, StrideW, PadH, PadW, OH, OW int
	ActMin, ActMax                                           int32
}

// window returns the part of output (oy, ox)'s window inside the image:
// rows [y0, y1) and columns [x0, x1), as TFLite's pooling kernels clip it
// (filter_y_start = max(0, -in_y_origin), filter_y_end = min(KH, H -
// in_y_origin), and the same for columns).
func (p *PoolParams) window(oy, ox int) (y0, y1, x0, x1 int) {
	originY := oy*p.StrideH - p.PadH
	originX := ox*p.StrideW - p.PadW
	y0 = originY + max(0, -originY)
	y1 = originY + min(p.KH, p.H-originY)
	x0 = originX + max(0, -originX)
	x1 = originX + min(p.KW, p.W-originX)
	return y0, y1, x0, x1
}

// MaxPool computes TFLite's reference_integer_ops::MaxPool
// (reference/integer_ops/pooling.h): the maximum of the raw int8 values in
// the clipped window, starting from -128 (so an empty window gives -128),
// then clamped to [ActMin, ActMax].
func MaxPool(p *PoolParams, in, out []int8) {
	p.check("MaxPool", in, out)
	for n := range p.N {
		for c := range p.C {
			plane := in[(n*p.C+c)*p.H*p.W : (n*p.C+c+1)*p.H*p.W]
			for oy := range p.OH {
				for ox := range p.OW {
					y0, y1, x0, x1 := p.window(oy, ox)
					m := int32(-128)
					for y := y0; y < y1; y++ {
						for x := x0; x < x1; x++ {
							m = max(m, int32(plane[y*p.W+x]))
						}
					}
					out[((n*p.C+c)*p.OH+oy)*p.OW+ox] = activate(m, p.ActMin, p.ActMax)
				}
			}
		}
	}
}

// AvgPool computes TFLite's reference_integer_ops::AveragePool
// (reference/integer_ops/pooling.h): the int32 sum of the raw int8 values in
// the clipped window divided by n, the number of in-image taps, rounding
// ties away from zero,
//
//	avg = acc > 0 ? (acc + n/2) / n : (acc - n/2) / n     truncating division
//
// then clamped to [ActMin, ActMax]. TFLite fails the whole operation when a
// window has no tap inside the image; AvgPool panics, since such parameters
// (padding at least as large as the window) are a caller error.
func AvgPool(p *PoolParams, in, out []int8) {
	p.check("AvgPool", in, out)
	for n := range p.N {
		for c := range p.C {
			plane := in[(n*p.C+c)*p.H*p.W : (n*p.C+c+1)*p.H*p.W]
			for oy := range p.OH {
				for ox := range p.OW {
					y0, y1, x0, x1 := p.window(oy, ox)
					var acc, count int32
					for y := y0; y < y1; y++ {
						for x := x0; x < x1; x++ {
							acc += int32(plane[y*p.W+x])
							count++
						}
					}
					if count == 0 {
						panic(fmt.Sprintf("ref: AvgPool: output (%d, %d) has no input in its window", oy, ox))
					}
					var avg int32
					if acc > 0 {
						avg = (acc + count/2) / count
					} else {
						avg = (acc - count/2) / count
					}
					out[((n*p.C+c)*p.OH+oy)*p.OW+ox] = activate(avg, p.ActMin, p.ActMax)
				}
			}
		}
	}
}

func (p *PoolParams) check(k string, in, out []int8) {
	checkDims(k, 0, dim{"N", p.N}, dim{"C", p.C}, dim{"H", p.H}, dim{"W", p.W},
		dim{"OH", p.OH}, dim{"OW", p.OW}, dim{"PadH", p.PadH}, dim{"PadW", p.PadW})
	checkDims(k, 1, dim{"KH", p.KH}, dim{"KW", p.KW}, dim{"StrideH", p.StrideH}, dim{"StrideW", p.StrideW})
	checkLen(k, "in", len(in), p.N*p.C*p.H*p.W)
	checkLen(k, "out", len(out), p.N*p.C*p.OH*p.OW)
	checkActivation(k, p.ActMin, p.ActMax)
}
