package exec

import (
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The pooling kernels.

// PoolState keeps, for max pooling, the input index each output took.
type PoolState struct {
	Argmax []int32
}

func poolKernel(isMax bool) Kernel {
	return func(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		return poolForward(c, v, in[0].F32, out.F32, isMax)
	}
}

// poolForward pools each plane; a max window remembers where its maximum
// was (the first, in window order, on ties), for the backward pass.
func poolForward(c *Ctx, v *ir.Value, x, y []float32, isMax bool) error {
	g := ir.PoolGeometry(v.Args[0].Type, v.Attrs)
	planes := len(x) / (g.H * g.W)
	st := StateOf[PoolState](c, v)
	if isMax {
		st.Argmax = Grow(st.Argmax, len(y))
	}
	c.Parallel(planes, func(_, lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			xp := x[pl*g.H*g.W : (pl+1)*g.H*g.W]
			for oy := 0; oy < g.OH; oy++ {
				y0, y1 := max(oy*g.SH-g.PH, 0), min(oy*g.SH-g.PH+g.KH, g.H)
				for ox := 0; ox < g.OW; ox++ {
					x0, x1 := max(ox*g.SW-g.PW, 0), min(ox*g.SW-g.PW+g.KW, g.W)
					o := (pl*g.OH+oy)*g.OW + ox
					if !isMax {
						sum := float32(0)
						for iy := y0; iy < y1; iy++ {
							for _, xv := range xp[iy*g.W+x0 : iy*g.W+x1] {
								sum += xv
							}
						}
						y[o] = sum / float32((y1-y0)*(x1-x0))
						continue
					}
					at := y0*g.W + x0
					best := xp[at]
					for iy := y0; iy < y1; iy++ {
						for ix, xv := range xp[iy*g.W+x0 : iy*g.W+x1] {
							if xv > best || xv != xv && best == best {
								best, at = xv, iy*g.W+x0+ix
							}
						}
					}
					y[o] = best
					st.Argmax[o] = int32(pl*g.H*g.W + at)
				}
			}
		}
	})
	return nil
}

func globalAvgPoolForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	inner := tensor.NumElems(v.Args[0].Type.Dims[1:])
	for i := range out.F32 {
		s := float32(0)
		for _, x := range in[0].F32[i*inner : (i+1)*inner] {
			s += x
		}
		out.F32[i] = s / float32(inner)
	}
	return nil
}
