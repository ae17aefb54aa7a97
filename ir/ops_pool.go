package ir

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/tensor"
)

// Pooling over channel-first inputs of one ([C, L]) or two ([C, H, W])
// spatial dimensions.

var poolAttrs = []AttrSpec{
	{Name: "size", Kind: AttrInts, Len: PerSpatialDim, Required: true, Doc: "window size"},
	{Name: "stride", Kind: AttrInts, Len: PerSpatialDim, Doc: "window step; defaults to the window size"},
	{Name: "pad", Kind: AttrInts, Len: PerSpatialDim, Default: []int{0}, Doc: "padding on both sides, never counted in the window"},
}

// PoolGeom is a pooling window's geometry, 1-D pooling seen as 2-D of
// height 1.
type PoolGeom struct {
	C, H, W, KH, KW, SH, SW, PH, PW, OH, OW int
}

// PoolGeometry reads a pooling op's geometry from its input type and its
// attributes, for kernels outside this package. It assumes a verified
// value.
func PoolGeometry(x Type, a Attrs) PoolGeom { return poolGeometry(x, a) }

func poolGeometry(x Type, a Attrs) PoolGeom {
	size, stride, pad := a.Ints("size"), a.Ints("stride"), a.Ints("pad")
	g := PoolGeom{C: x.Dims[0]}
	if x.Rank() == 2 {
		g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW = 1, x.Dims[1], 1, size[0], 1, stride[0], 0, pad[0]
	} else {
		g.H, g.W, g.KH, g.KW = x.Dims[1], x.Dims[2], size[0], size[1]
		g.SH, g.SW, g.PH, g.PW = stride[0], stride[1], pad[0], pad[1]
	}
	g.OH = convOut(g.H, g.KH, g.SH, g.PH, 1)
	g.OW = convOut(g.W, g.KW, g.SW, g.PW, 1)
	return g
}

func newPool(name, doc string, reduce func(window []float32) float32) *Op {
	return &Op{
		Name:       name,
		Doc:        doc,
		Operands:   []Operand{{Name: "x"}},
		Attrs:      poolAttrs,
		Positional: []string{"size"},
		Canon: func(in []Type, a Attrs) error {
			if !a.Has("stride") {
				a["stride"] = append([]int{}, a.Ints("size")...)
			}
			return nil
		},
		Infer: func(in []Type, a Attrs) (Type, error) {
			x := in[0]
			if err := needF32(name, "input", x); err != nil {
				return Type{}, err
			}
			if err := needRank(name, "input", x, 2, 3); err != nil {
				return Type{}, err
			}
			if !a.Has("stride") {
				return Type{}, fmt.Errorf("%s: missing attribute stride", name)
			}
			size, stride, pad := a.Ints("size"), a.Ints("stride"), a.Ints("pad")
			for i := range size {
				if size[i] < 1 || stride[i] < 1 {
					return Type{}, fmt.Errorf("%s: size and stride must be positive, got size=%s stride=%s", name, formatAttr(size), formatAttr(stride))
				}
				if pad[i] < 0 || 2*pad[i] >= size[i]+1 {
					return Type{}, fmt.Errorf("%s: pad must be between 0 and half the window, got pad=%s for size=%s", name, formatAttr(pad), formatAttr(size))
				}
			}
			g := poolGeometry(x, a)
			if g.OH < 1 || g.OW < 1 {
				return Type{}, fmt.Errorf("%s: input %v is smaller than the window %s", name, x, formatAttr(size))
			}
			if x.Rank() == 2 {
				return Batched(tensor.F32, g.C, g.OW), nil
			}
			return Batched(tensor.F32, g.C, g.OH, g.OW), nil
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			g := poolGeometry(v.Args[0].Type, v.Attrs)
			x := in[0].F32
			window := make([]float32, 0, g.KH*g.KW)
			planes := len(x) / (g.H * g.W)
			for p := 0; p < planes; p++ {
				xp := x[p*g.H*g.W:]
				op := out.F32[p*g.OH*g.OW:]
				for oy := 0; oy < g.OH; oy++ {
					for ox := 0; ox < g.OW; ox++ {
						window = window[:0]
						for ky := 0; ky < g.KH; ky++ {
							iy := oy*g.SH - g.PH + ky
							for kx := 0; kx < g.KW; kx++ {
								ix := ox*g.SW - g.PW + kx
								if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
									window = append(window, xp[iy*g.W+ix])
								}
							}
						}
						op[oy*g.OW+ox] = reduce(window)
					}
				}
			}
			return nil
		},
	}
}

// OpMaxPool takes the maximum of each window; padding never wins.
var OpMaxPool = Register(newPool("maxpool", "maximum over sliding windows (padding excluded)", func(w []float32) float32 {
	m := float32(math.Inf(-1))
	for _, x := range w {
		if x > m || x != x {
			m = x
		}
	}
	return m
}))

// OpAvgPool averages each window over its in-image taps only (PyTorch's
// count_include_pad=False, TFLite's rule).
var OpAvgPool = Register(newPool("avgpool", "mean over sliding windows, counting only in-image taps", meanF32))

func meanF32(w []float32) float32 {
	s := 0.0
	for _, x := range w {
		s += float64(x)
	}
	return float32(s / float64(len(w)))
}

// OpGlobalAvgPool averages each channel over all its positions:
// [C, ...] -> [C].
var OpGlobalAvgPool = Register(&Op{
	Name:     "global_avgpool",
	Doc:      "mean of each channel over all spatial positions: [C, ...] -> [C]",
	Operands: []Operand{{Name: "x"}},
	Infer: func(in []Type, a Attrs) (Type, error) {
		x := in[0]
		if err := needF32("global_avgpool", "input", x); err != nil {
			return Type{}, err
		}
		if x.Rank() < 2 {
			return Type{}, fmt.Errorf("global_avgpool: input must have a channel and at least one spatial dimension, got %v", x)
		}
		return Type{DType: tensor.F32, Batched: x.Batched, Dims: []int{x.Dims[0]}}, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		inner := prod(v.Args[0].Type.Dims[1:])
		for i := range out.F32 {
			out.F32[i] = meanF32(in[0].F32[i*inner : (i+1)*inner])
		}
		return nil
	},
})
