package exec

import "github.com/kiln-nn/kiln/ir"

// The convolutions' patch layout: im2col lays a sample's input out as a
// matrix so that a convolution is one matrix product per group, and
// col2im, its adjoint, adds a patch-gradient matrix back into an input
// gradient (for the training engine's backward pass).

// span returns the output positions [lo, hi) whose tap at kernel offset k
// falls inside an input of length n.
func span(out, n, stride, pad, offset int) (lo, hi int) {
	// The tap of output o is at o*stride - pad + offset; it must be in [0, n).
	if pad > offset {
		lo = (pad - offset + stride - 1) / stride
	}
	if last := n - 1 + pad - offset; last >= 0 {
		hi = min(out, last/stride+1)
	}
	return lo, max(lo, hi)
}

// Im2col lays out the input patches of one sample and one group as a
// [cinPerG*KH*KW, OH*OW] matrix (zeros where a tap falls in the padding).
func Im2col(g *ir.ConvGeom, x []float32, grp int, col []float32) {
	p := g.OH * g.OW
	row := 0
	for ci := 0; ci < g.CinPerG; ci++ {
		plane := x[(grp*g.CinPerG+ci)*g.H*g.W:]
		for ky := 0; ky < g.KH; ky++ {
			ylo, yhi := span(g.OH, g.H, g.SH, g.PH, ky*g.DH)
			for kx := 0; kx < g.KW; kx++ {
				xlo, xhi := span(g.OW, g.W, g.SW, g.PW, kx*g.DW)
				dst := col[row*p : (row+1)*p]
				clear(dst[:ylo*g.OW])
				clear(dst[yhi*g.OW:])
				for oy := ylo; oy < yhi; oy++ {
					d := dst[oy*g.OW : (oy+1)*g.OW]
					clear(d[:xlo])
					clear(d[xhi:])
					src := plane[(oy*g.SH-g.PH+ky*g.DH)*g.W+xlo*g.SW-g.PW+kx*g.DW:]
					if g.SW == 1 {
						copy(d[xlo:xhi], src)
						continue
					}
					for i := range d[xlo:xhi] {
						d[xlo+i] = src[i*g.SW]
					}
				}
				row++
			}
		}
	}
}

// Col2im adds a [cinPerG*KH*KW, OH*OW] patch-gradient matrix back into the
// input gradient of one sample and group.
func Col2im(g *ir.ConvGeom, col []float32, grp int, dx []float32) {
	p := g.OH * g.OW
	row := 0
	for ci := 0; ci < g.CinPerG; ci++ {
		plane := dx[(grp*g.CinPerG+ci)*g.H*g.W:]
		for ky := 0; ky < g.KH; ky++ {
			ylo, yhi := span(g.OH, g.H, g.SH, g.PH, ky*g.DH)
			for kx := 0; kx < g.KW; kx++ {
				xlo, xhi := span(g.OW, g.W, g.SW, g.PW, kx*g.DW)
				src := col[row*p : (row+1)*p]
				for oy := ylo; oy < yhi; oy++ {
					s := src[oy*g.OW+xlo : oy*g.OW+xhi]
					d := plane[(oy*g.SH-g.PH+ky*g.DH)*g.W+xlo*g.SW-g.PW+kx*g.DW:]
					if g.SW == 1 {
						AddInto(d[:len(s)], s)
						continue
					}
					for i, v := range s {
						d[i*g.SW] += v
					}
				}
				row++
			}
		}
	}
}
