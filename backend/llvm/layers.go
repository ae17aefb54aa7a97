// The layers with a kernel function each (convolution, pooling, batch
// norm, reductions, elementwise arithmetic, concatenation, interactions,
// softmax), the layer's geometry as constants, computing what the
// reference kernel of the same name in runtime/kernels/ref computes,
// term for term.

package llvm

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
	llir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"
)

// inRange is 0 <= i < n for i64 values.
func inRange(b *llir.Block, i value.Value, n int) value.Value {
	return b.NewAnd(b.NewICmp(enum.IPredSGE, i, i64(0)), b.NewICmp(enum.IPredSLT, i, i64(int64(n))))
}

// lin is a*k + c for an i64 value a and constants k, c.
func lin(b *llir.Block, a value.Value, k, c int) value.Value {
	var v value.Value = a
	if k != 1 {
		v = b.NewMul(v, i64(int64(k)))
	}
	if c != 0 {
		v = b.NewAdd(v, i64(int64(c)))
	}
	return v
}

// convLayout is how a convolution's kernel lays out its products for
// panels of width columns: per example and group, B = the patches
// (im2col: row i = tap (channel, ky, kx), a column per output position),
// A = the group's filters, C = the group's output planes.
//
// With stride 1 the patches come from the grid of the zero-point-padded
// input (hp x wp): output position (oy, ox) is column oy*wp + ox, and row
// i is one run of the padded planes, from an offset of its own; the
// columns ox >= OW are computed and dropped. (With no padding and one tap
// per row, KW = 1, the grid is the input itself.) Other strides build the
// patch matrix [K][OH*OW], row by row.
type convLayout struct {
	cpg, fpg, k, kq int
	grid            bool
	direct          bool // the grid is the input: no copy
	hp, wp          int
	cols, np        int
	ldc             int     // the patch matrix's row stride
	from            []int32 // each of the kq*4 rows' offset in the source
	srcSize         int     // bytes of the padded planes (with their slack) or patch matrix
	outDirect       bool    // the tiles store to the output planes; else to res, copied out
}

func newConvLayout(p ref.ConvParams, width int) convLayout {
	l := convLayout{cpg: p.C / p.Groups, fpg: p.F / p.Groups}
	l.k = l.cpg * p.KH * p.KW
	l.kq = (l.k + 3) / 4
	l.from = make([]int32, l.kq*4)
	l.grid = p.StrideH == 1 && p.StrideW == 1 &&
		p.OH == p.H+2*p.PadH-p.DilationH*(p.KH-1) && p.OW == p.W+2*p.PadW-p.DilationW*(p.KW-1)
	if l.grid {
		l.hp, l.wp = p.H+2*p.PadH, p.W+2*p.PadW
		l.cols = p.OH * l.wp
		i := 0
		for ic := range l.cpg {
			for ky := range p.KH {
				for kx := range p.KW {
					l.from[i] = int32(ic*l.hp*l.wp + ky*p.DilationH*l.wp + kx*p.DilationW)
					i++
				}
			}
		}
		// A row's run ends up to (KW-1)*DW bytes past the planes, and a
		// panel of fewer columns than width reads width: the slack.
		l.direct = p.PadH == 0 && p.PadW == 0 && p.KW == 1 && l.cols >= width
		l.srcSize = l.cpg*l.hp*l.wp + (p.KW-1)*p.DilationW + width
		l.outDirect = l.wp == p.OW && l.cols >= width
	} else {
		l.cols = p.OH * p.OW
		l.ldc = max(l.cols, width)
		for i := range l.k {
			l.from[i] = int32(i * l.ldc)
		}
		l.srcSize = l.k * l.ldc
		l.outDirect = true
	}
	l.np = (l.cols + width - 1) / width
	return l
}

// scratch is the layout's scratch: the source, the panels and the
// results before they are copied out.
func (l convLayout) scratch(width int) int {
	s := l.srcSize + l.np*l.kq*4*width
	if !l.outDirect {
		s += l.fpg * l.cols
	}
	return s
}

// convKernel is ref.Conv for one layer's geometry p (per-channel
// rescales, no weight offset) on a batch of n: NCHW input, OIHW filters,
// groups, stride, padding and dilation. For each example and group it
// lays out the patches (see convLayout), packs them as panels and runs
// the tiles with the group's filters as A (widened at build time, rows of
// kq quads), bias, multipliers and shifts per filter (the bias holds the
// input offset's term, as for a dense layer):
//
//	acc = bias[f] + sum over taps of w * (x + in_off)     int32, wrapping
//	out = clamp(requant(acc, mult[f], shift[f]) + out_off, lo, hi)
//
// A tap outside the image reads the input's zero point, -in_off, so that
// its term is 0 as the reference skips it.
func convKernel(m *llir.Module, kern *kernels, name string, p ref.ConvParams, l convLayout, from value.Value) *llir.Func {
	x, w, bias := llir.NewParam("x", i8p), llir.NewParam("w", i8p), llir.NewParam("bias", i32p)
	mult, shift, out := llir.NewParam("mult", i32p), llir.NewParam("shift", i32p), llir.NewParam("out", i8p)
	n, scratch := llir.NewParam("n", types.I64), llir.NewParam("scratch", i8p)
	f := internal(m.NewFunc(name, types.Void, x, w, bias, mult, shift, out, n, scratch))
	k := &builder{f: f, b: f.NewBlock("entry")}
	form := kern.form
	positions := p.OH * p.OW
	zero := constant.NewInt(types.I8, int64(-p.InputOffset))
	memcpy, memset := kern.Memcpy(), kern.Memset()
	var src value.Value = scratch
	panels := k.b.NewGetElementPtr(types.I8, scratch, i64(int64(l.srcSize)))
	res := k.b.NewGetElementPtr(types.I8, panels, i64(int64(l.np*l.kq*form.chunk())))
	k.loop("batch", n, nil, func(bn value.Value, _ []value.Value) []value.Value {
		k.loop("group", i64(int64(p.Groups)), nil, func(g value.Value, _ []value.Value) []value.Value {
			b := k.b
			firstC := lin(b, g, l.cpg, 0)
			xg := b.NewGetElementPtr(types.I8, x, lin(b, b.NewAdd(lin(b, bn, p.C, 0), firstC), p.H*p.W, 0))
			src := src
			switch {
			case l.direct:
				src = xg
			case l.grid:
				padGrid(k, p, l, xg, src, zero, memcpy, memset)
			default:
				patches(k, p, l, xg, src, zero)
			}
			b = k.b
			b.NewCall(kern.Repack(), src, from, i64(int64(l.kq)), i64(int64(l.np)), i64(int64(l.cols)), panels)
			first := lin(b, g, l.fpg, 0)
			plane := b.NewGetElementPtr(types.I8, out, lin(b, b.NewAdd(lin(b, bn, p.F, 0), first), positions, 0))
			dst, ldo := plane, positions
			if !l.outDirect {
				dst, ldo = res, l.cols
			}
			lda := l.kq * form.quadBytes()
			matmul{rowsConst: l.fpg, kq: l.kq, np: l.np, ncols: l.cols,
				a: b.NewGetElementPtr(types.I8, w, lin(b, first, lda, 0)), lda: lda,
				b: panels, ldb: l.kq * form.chunk(),
				bias: b.NewGetElementPtr(types.I32, bias, first), mult: b.NewGetElementPtr(types.I32, mult, first),
				shift: b.NewGetElementPtr(types.I32, shift, first), out: dst, ldo: ldo, perRow: true,
				off: p.OutputOffset, lo: p.ActMin, hi: p.ActMax}.emit(k, kern)
			if !l.outDirect {
				// The grid's rows, less their columns past OW.
				k.loop("copyout", i64(int64(l.fpg*p.OH)), nil, func(i value.Value, _ []value.Value) []value.Value {
					b := k.b
					fy, oy := b.NewSDiv(i, i64(int64(p.OH))), b.NewSRem(i, i64(int64(p.OH)))
					from := b.NewAdd(lin(b, fy, l.cols, 0), lin(b, oy, l.wp, 0))
					b.NewCall(memcpy, b.NewGetElementPtr(types.I8, plane, lin(b, i, p.OW, 0)), b.NewGetElementPtr(types.I8, res, from), i64(int64(p.OW)), constant.False)
					return nil
				})
			}
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// padGrid writes the group's input planes at xg into dst, padded with
// the zero point to hp x wp, then the slack (zeros).
func padGrid(k *builder, p ref.ConvParams, l convLayout, xg, dst value.Value, zero constant.Constant, memcpy, memset *llir.Func) {
	fill := func(at value.Value, n int) {
		if n > 0 {
			k.b.NewCall(memset, k.b.NewGetElementPtr(types.I8, dst, at), zero, i64(int64(n)), constant.False)
		}
	}
	k.loop("channel", i64(int64(l.cpg)), nil, func(ic value.Value, _ []value.Value) []value.Value {
		plane := lin(k.b, ic, l.hp*l.wp, 0)
		fill(plane, p.PadH*l.wp)
		fill(lin(k.b, ic, l.hp*l.wp, (p.PadH+p.H)*l.wp), p.PadH*l.wp)
		k.loop("y", i64(int64(p.H)), nil, func(y value.Value, _ []value.Value) []value.Value {
			b := k.b
			row := b.NewAdd(plane, lin(b, y, l.wp, p.PadH*l.wp))
			fill(row, p.PadW)
			b.NewCall(memcpy, b.NewGetElementPtr(types.I8, dst, b.NewAdd(row, i64(int64(p.PadW)))),
				b.NewGetElementPtr(types.I8, xg, lin(b, b.NewAdd(lin(b, ic, p.H, 0), y), p.W, 0)), i64(int64(p.W)), constant.False)
			fill(b.NewAdd(row, i64(int64(p.PadW+p.W))), p.PadW)
			return nil
		})
		return nil
	})
	end := l.cpg * l.hp * l.wp
	k.b.NewCall(memset, k.b.NewGetElementPtr(types.I8, dst, i64(int64(end))), constant.NewInt(types.I8, 0), i64(int64(l.srcSize-end)), constant.False)
}

// patches writes the patch matrix of the group's input at xg into dst:
// row i = (channel, ky, kx) at dst + from[i], a column per output
// position, the zero point where the tap falls in the padding.
func patches(k *builder, p ref.ConvParams, l convLayout, xg, dst value.Value, zero constant.Constant) {
	k.loop("tap", i64(int64(l.k)), nil, func(i value.Value, _ []value.Value) []value.Value {
		b := k.b
		kx := b.NewSRem(i, i64(int64(p.KW)))
		ky := b.NewSRem(b.NewSDiv(i, i64(int64(p.KW))), i64(int64(p.KH)))
		ic := b.NewSDiv(i, i64(int64(p.KW*p.KH)))
		row := lin(b, i, l.ldc, 0)
		k.loop("oy", i64(int64(p.OH)), nil, func(oy value.Value, _ []value.Value) []value.Value {
			b := k.b
			iy := b.NewAdd(lin(b, oy, p.StrideH, -p.PadH), lin(b, ky, p.DilationH, 0))
			inY := inRange(b, iy, p.H)
			k.loop("ox", i64(int64(p.OW)), nil, func(ox value.Value, _ []value.Value) []value.Value {
				b := k.b
				ix := b.NewAdd(lin(b, ox, p.StrideW, -p.PadW), lin(b, kx, p.DilationW, 0))
				inside := b.NewAnd(inY, inRange(b, ix, p.W))
				xi := b.NewSelect(inside, b.NewAdd(lin(b, b.NewAdd(lin(b, ic, p.H, 0), iy), p.W, 0), ix), i64(0))
				xv := b.NewSelect(inside, b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, xg, xi)), zero)
				b.NewStore(xv, b.NewGetElementPtr(types.I8, dst, b.NewAdd(row, b.NewAdd(lin(b, oy, p.OW, 0), ox))))
				return nil
			})
			return nil
		})
		return nil
	})
}

// poolKernel is ref.MaxPool, or ref.AvgPool when average, for one
// layer's geometry p on a batch of n, over each window clipped to the
// image: the maximum starting at -128, or the sum divided by the number
// of taps, ties away from zero (the caller makes sure no window is
// empty); then the clamp.
func poolKernel(m *llir.Module, name string, p ref.PoolParams, average bool) *llir.Func {
	x, out, n := llir.NewParam("x", i8p), llir.NewParam("out", i8p), llir.NewParam("n", types.I64)
	f := internal(m.NewFunc(name, types.Void, x, out, n))
	k := &builder{f: f, b: f.NewBlock("entry")}
	if !average && maxPool2x2(p) {
		maxPool2x2Rows(k, p, x, out, n)
		k.b.NewRet(nil)
		return f
	}
	k.loop("plane", k.b.NewMul(n, i64(int64(p.C))), nil, func(pl value.Value, _ []value.Value) []value.Value {
		plane := k.b.NewGetElementPtr(types.I8, x, lin(k.b, pl, p.H*p.W, 0))
		k.loop("oy", i64(int64(p.OH)), nil, func(oy value.Value, _ []value.Value) []value.Value {
			b := k.b
			originY := lin(b, oy, p.StrideH, -p.PadH)
			y0 := smax(b, originY, i64(0))
			y1 := smin(b, b.NewAdd(originY, i64(int64(p.KH))), i64(int64(p.H)))
			k.loop("ox", i64(int64(p.OW)), nil, func(ox value.Value, _ []value.Value) []value.Value {
				b := k.b
				originX := lin(b, ox, p.StrideW, -p.PadW)
				x0 := smax(b, originX, i64(0))
				x1 := smin(b, b.NewAdd(originX, i64(int64(p.KW))), i64(int64(p.W)))
				start := i32(-128)
				if average {
					start = i32(0)
				}
				best := k.loop("wy", b.NewSub(y1, y0), []value.Value{start}, func(dy value.Value, best []value.Value) []value.Value {
					row := lin(k.b, k.b.NewAdd(y0, dy), p.W, 0)
					return k.loop("wx", k.b.NewSub(x1, x0), best, func(dx value.Value, best []value.Value) []value.Value {
						b := k.b
						at := b.NewAdd(row, b.NewAdd(x0, dx))
						v := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, plane, at)), types.I32)
						if average {
							return []value.Value{b.NewAdd(best[0], v)}
						}
						return []value.Value{smax(b, best[0], v)}
					})
				})[0]
				b = k.b
				if average {
					count := b.NewTrunc(b.NewMul(b.NewSub(y1, y0), b.NewSub(x1, x0)), types.I32)
					half := b.NewSDiv(count, i32(2))
					num := b.NewSelect(b.NewICmp(enum.IPredSGT, best, i32(0)), b.NewAdd(best, half), b.NewSub(best, half))
					best = b.NewSDiv(num, count)
				}
				oi := b.NewAdd(lin(b, b.NewAdd(lin(b, pl, p.OH, 0), oy), p.OW, 0), ox)
				b.NewStore(b.NewTrunc(smin(b, smax(b, best, i32(p.ActMin)), i32(p.ActMax)), types.I8), b.NewGetElementPtr(types.I8, out, oi))
				return nil
			})
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// maxPool2x2 reports the common pooling the VM runs as row pairs: 2x2
// windows with stride 2, no padding, rows of at least 8 and an even
// number of values.
func maxPool2x2(p ref.PoolParams) bool {
	return p.KH == 2 && p.KW == 2 && p.StrideH == 2 && p.StrideW == 2 && p.PadH == 0 && p.PadW == 0 &&
		p.H >= 2 && p.W >= 8 && p.W%2 == 0 && p.OH == p.H/2 && p.OW == p.W/2
}

// maxPool2x2Rows is ref.MaxPool for maxPool2x2's geometry, a block of
// 2*B values of a row pair at a time (B = 8 outputs, or 4 in rows under
// 16 values): the maxima of the two rows, then of each even and odd
// value, clamped. A row's last block ends with it, overlapping the one
// before (the outputs written twice get the same value).
func maxPool2x2Rows(k *builder, p ref.PoolParams, x, out, n value.Value) {
	B := 8
	if p.W < 16 {
		B = 4
	}
	blocks := (p.W + 2*B - 1) / (2 * B)
	in, half := vec(2*B, types.I8), vec(B, types.I8)
	lo, hi := splat(types.I8, int64(p.ActMin), B), splat(types.I8, int64(p.ActMax), B)
	k.loop("plane", k.b.NewMul(n, i64(int64(p.C))), nil, func(pl value.Value, _ []value.Value) []value.Value {
		k.loop("oy", i64(int64(p.OH)), nil, func(oy value.Value, _ []value.Value) []value.Value {
			b := k.b
			r0 := b.NewGetElementPtr(types.I8, x, b.NewAdd(lin(b, pl, p.H*p.W, 0), lin(b, oy, 2*p.W, 0)))
			r1 := b.NewGetElementPtr(types.I8, r0, i64(int64(p.W)))
			dst := b.NewGetElementPtr(types.I8, out, b.NewAdd(lin(b, pl, p.OH*p.OW, 0), lin(b, oy, p.OW, 0)))
			k.loop("block", i64(int64(blocks)), nil, func(j value.Value, _ []value.Value) []value.Value {
				b := k.b
				at := smin(b, lin(b, j, 2*B, 0), i64(int64(p.W-2*B)))
				load := func(row value.Value) value.Value {
					l := b.NewLoad(in, b.NewBitCast(b.NewGetElementPtr(types.I8, row, at), types.NewPointer(in)))
					l.Align = 1
					return l
				}
				v := smax(b, load(r0), load(r1))
				v = smax(b, b.NewShuffleVector(v, v, every(0, 2, B)), b.NewShuffleVector(v, v, every(1, 2, B)))
				v = smin(b, smax(b, v, lo), hi)
				s := b.NewStore(v, b.NewBitCast(b.NewGetElementPtr(types.I8, dst, b.NewSDiv(at, i64(2))), types.NewPointer(half)))
				s.Align = 1
				return nil
			})
			return nil
		})
		return nil
	})
}

// emptyWindow reports an output position of p whose window holds no
// input, which average pooling cannot divide by.
func emptyWindow(p ref.PoolParams) (oy, ox int, empty bool) {
	for oy := range p.OH {
		for ox := range p.OW {
			y, x := oy*p.StrideH-p.PadH, ox*p.StrideW-p.PadW
			if min(y+p.KH, p.H) <= max(y, 0) || min(x+p.KW, p.W) <= max(x, 0) {
				return oy, ox, true
			}
		}
	}
	return 0, 0, false
}

// layerKernelName is a per-layer kernel's function name, unique in m.
func layerKernelName(m *llir.Module, op, value string) string {
	name := "kiln_" + op + "_" + cIdent(value)
	for taken := true; taken; {
		taken = false
		for _, f := range m.Funcs {
			if f.Name() == name {
				taken = true
				name += "_"
			}
		}
	}
	return name
}

// affineKernel is ref.Affine (qbatchnorm: a per-channel affine map) for
// one layer's geometry p on a batch of n, C channels of Inner values:
//
//	acc = w[c] * (x + in_off) + bias[c]
//	out = clamp(requant(acc, mult[c], shift[c]) + out_off, lo, hi)
func affineKernel(m *llir.Module, name string, p ref.AffineParams, requant *llir.Func) *llir.Func {
	x, w, bias := llir.NewParam("x", i8p), llir.NewParam("w", i8p), llir.NewParam("bias", i32p)
	mult, shift, out := llir.NewParam("mult", i32p), llir.NewParam("shift", i32p), llir.NewParam("out", i8p)
	n := llir.NewParam("n", types.I64)
	f := internal(m.NewFunc(name, types.Void, x, w, bias, mult, shift, out, n))
	k := &builder{f: f, b: f.NewBlock("entry")}
	k.loop("batch", n, nil, func(bn value.Value, _ []value.Value) []value.Value {
		k.loop("channel", i64(int64(p.C)), nil, func(c value.Value, _ []value.Value) []value.Value {
			b := k.b
			wc := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, w, c)), types.I32)
			bc := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, bias, c))
			mc := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, mult, c))
			sc := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, shift, c))
			base := lin(b, b.NewAdd(lin(b, bn, p.C, 0), c), p.Inner, 0)
			k.loop("elems", i64(int64(p.Inner)), nil, func(i value.Value, _ []value.Value) []value.Value {
				b := k.b
				at := b.NewAdd(base, i)
				xv := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, x, at)), types.I32)
				acc := b.NewAdd(b.NewMul(wc, b.NewAdd(xv, i32(p.InputOffset))), bc)
				y := b.NewAdd(b.NewCall(requant, acc, mc, sc), i32(p.OutputOffset))
				b.NewStore(b.NewTrunc(smin(b, smax(b, y, i32(p.ActMin)), i32(p.ActMax)), types.I8), b.NewGetElementPtr(types.I8, out, at))
				return nil
			})
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// meanKernel is ref.Mean (qglobal_avgpool, qmean; qsum with ref.Sum's
// parameters, the same computation) for one layer's geometry p on
// a batch of n: in [n*Outer, Reduce, Inner], out [n*Outer, Inner];
//
//	sum = sum over j of x[o][j][i] + in_off * Reduce     int32, wrapping
//	out = clamp(requant(sum, mult, shift) + out_off, lo, hi)
func meanKernel(m *llir.Module, name string, p ref.MeanParams, requant *llir.Func) *llir.Func {
	x, out, n := llir.NewParam("x", i8p), llir.NewParam("out", i8p), llir.NewParam("n", types.I64)
	f := internal(m.NewFunc(name, types.Void, x, out, n))
	k := &builder{f: f, b: f.NewBlock("entry")}
	offset := int32(int64(p.InputOffset) * int64(p.Reduce)) // wraps as the reference's int32 conversion does
	k.loop("outer", k.b.NewMul(n, i64(int64(p.Outer))), nil, func(o value.Value, _ []value.Value) []value.Value {
		k.loop("inner", i64(int64(p.Inner)), nil, func(i value.Value, _ []value.Value) []value.Value {
			sum := k.loop("reduce", i64(int64(p.Reduce)), []value.Value{i32(0)}, func(j value.Value, sum []value.Value) []value.Value {
				b := k.b
				at := b.NewAdd(lin(b, b.NewAdd(lin(b, o, p.Reduce, 0), j), p.Inner, 0), i)
				xv := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, x, at)), types.I32)
				return []value.Value{b.NewAdd(sum[0], xv)}
			})[0]
			b := k.b
			y := b.NewAdd(b.NewCall(requant, b.NewAdd(sum, i32(offset)), i32(p.R.Mult), i32(int32(p.R.Shift))), i32(p.OutputOffset))
			at := b.NewAdd(lin(b, o, p.Inner, 0), i)
			b.NewStore(b.NewTrunc(smin(b, smax(b, y, i32(p.ActMin)), i32(p.ActMax)), types.I8), b.NewGetElementPtr(types.I8, out, at))
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// arith says which elementwise operation of two int8 operands a kernel
// computes.
type arith struct {
	add *ref.AddParams // qadd, qsub (TFLite's Add and Sub: the second multiplier negated)
	mul *ref.MulParams // qmul
}

// arithKernel is ref.Add (qadd, qsub) or ref.Mul (qmul) for one layer on
// a batch of n, walking the output row-major over counts (the batch
// first) with each operand's strides (0 along the dimensions it is
// broadcast over):
//
//	add: s_k = requant((x_k + off_k) << left, m_k, shift_k); out = clamp(requant(s_1 + s_2, m, shift) + out_off)
//	mul: out = clamp(out_off + requant((x + off_1) * (y + off_2), m, shift))
func arithKernel(m *llir.Module, name string, op arith, dims, xs, ys []int, requant *llir.Func) *llir.Func {
	x, y, out, n := llir.NewParam("x", i8p), llir.NewParam("y", i8p), llir.NewParam("out", i8p), llir.NewParam("n", types.I64)
	f := internal(m.NewFunc(name, types.Void, x, y, out, n))
	k := &builder{f: f, b: f.NewBlock("entry")}
	counts := []value.Value{n}
	for _, d := range dims[1:] {
		counts = append(counts, i64(int64(d)))
	}
	var nest func(d int, xo, yo, o value.Value)
	nest = func(d int, xo, yo, o value.Value) {
		if d == len(dims) {
			b := k.b
			xv := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, x, xo)), types.I32)
			yv := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, y, yo)), types.I32)
			var raw, lo, hi value.Value
			if p := op.add; p != nil {
				scale := func(v value.Value, off int32, r ref.Requant) value.Value {
					shifted := b.NewShl(b.NewAdd(v, i32(off)), i32(int32(p.LeftShift)))
					return b.NewCall(requant, shifted, i32(r.Mult), i32(int32(r.Shift)))
				}
				sum := b.NewAdd(scale(xv, p.Input1Offset, p.Input1), scale(yv, p.Input2Offset, p.Input2))
				raw = b.NewAdd(b.NewCall(requant, sum, i32(p.Output.Mult), i32(int32(p.Output.Shift))), i32(p.OutputOffset))
				lo, hi = i32(p.ActMin), i32(p.ActMax)
			} else {
				p := op.mul
				product := b.NewMul(b.NewAdd(xv, i32(p.Input1Offset)), b.NewAdd(yv, i32(p.Input2Offset)))
				raw = b.NewAdd(i32(p.OutputOffset), b.NewCall(requant, product, i32(p.Output.Mult), i32(int32(p.Output.Shift))))
				lo, hi = i32(p.ActMin), i32(p.ActMax)
			}
			b.NewStore(b.NewTrunc(smin(b, smax(b, raw, lo), hi), types.I8), b.NewGetElementPtr(types.I8, out, o))
			return
		}
		k.loop(fmt.Sprintf("d%d", d), counts[d], nil, func(i value.Value, _ []value.Value) []value.Value {
			b := k.b
			nest(d+1, b.NewAdd(xo, lin(b, i, xs[d], 0)), b.NewAdd(yo, lin(b, i, ys[d], 0)), b.NewAdd(lin(b, o, dims[d], 0), i))
			return nil
		})
	}
	nest(0, i64(0), i64(0), i64(0))
	k.b.NewRet(nil)
	return f
}

// broadcastStrides returns the strides that walk operand t over an
// output of per-example dimensions out, the batch first: t's own strides,
// 0 along the dimensions it has as 1 or lacks (aligned to the right), and
// for the batch its size per example if it is batched, else 0.
func broadcastStrides(t ir.Type, out []int) []int {
	own := tensor.Strides(t.Dims)
	strides := make([]int, len(out)+1)
	if t.Batched {
		strides[0] = t.Elems()
	}
	off := len(out) - len(t.Dims)
	for i := range out {
		if j := i - off; j >= 0 && t.Dims[j] != 1 {
			strides[i+1] = own[j]
		}
	}
	return strides
}

// concatKernel is qconcat for one layer on a batch of n: for each of the
// outer rows (n*outer), widths[k] values of every operand k in turn,
// copied as they are where copy[k], else requantized as ref.Requantize
// does (clamp(requant(x + in_off, mult, shift) + out_off, -128, 127)).
func concatKernel(m *llir.Module, name string, outer int, widths []int, p ir.ConcatInputs, requant *llir.Func) *llir.Func {
	out, n := llir.NewParam("out", i8p), llir.NewParam("n", types.I64)
	params := []*llir.Param{out, n}
	total := 0
	for k, w := range widths {
		params = append(params, llir.NewParam(fmt.Sprintf("x%d", k), i8p))
		total += w
	}
	f := internal(m.NewFunc(name, types.Void, params...))
	k := &builder{f: f, b: f.NewBlock("entry")}
	k.loop("row", k.b.NewMul(n, i64(int64(outer))), nil, func(o value.Value, _ []value.Value) []value.Value {
		at := 0
		for j, w := range widths {
			x, first := params[2+j], at
			k.loop(fmt.Sprintf("x%d.elems", j), i64(int64(w)), nil, func(i value.Value, _ []value.Value) []value.Value {
				b := k.b
				var y value.Value = b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, x, b.NewAdd(lin(b, o, w, 0), i)))
				if !p.Copy[j] {
					r := p.R[j]
					v := b.NewAdd(b.NewCall(requant, b.NewAdd(b.NewSExt(y, types.I32), i32(r.InputOffset)), i32(r.R.Mult), i32(int32(r.R.Shift))), i32(r.OutputOffset))
					y = b.NewTrunc(smin(b, smax(b, v, i32(-128)), i32(127)), types.I8)
				}
				b.NewStore(y, b.NewGetElementPtr(types.I8, out, b.NewAdd(lin(b, o, total, first), i)))
				return nil
			})
			at += w
		}
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// transposeKernel is ref.Transpose for one layer on a batch of n: a loop
// per result axis (axes of one element left out), the result written in
// order, the operand read at each axis's stride, with the geometry as
// constants.
func transposeKernel(m *llir.Module, name string, dims, perm []int) *llir.Func {
	x, out, n := llir.NewParam("x", i8p), llir.NewParam("out", i8p), llir.NewParam("n", types.I64)
	f := internal(m.NewFunc(name, types.Void, x, out, n))
	k := &builder{f: f, b: f.NewBlock("entry")}
	r := len(dims)
	stride, elems := make([]int, r), 1
	for a := r - 1; a >= 0; a-- {
		stride[a] = elems
		elems *= dims[a]
	}
	// Result axis j: its size, the operand's stride along it and the
	// result's own.
	var size, in, step []int
	for j, o := r-1, 1; j >= 0; j-- {
		if d := dims[perm[j]]; d > 1 {
			size = append([]int{d}, size...)
			in = append([]int{stride[perm[j]]}, in...)
			step = append([]int{o}, step...)
		}
		o *= dims[perm[j]]
	}
	var axes func(j int, from, to value.Value)
	axes = func(j int, from, to value.Value) {
		if j == len(size) {
			b := k.b
			b.NewStore(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, x, from)), b.NewGetElementPtr(types.I8, out, to))
			return
		}
		k.loop(fmt.Sprintf("axis%d", j), i64(int64(size[j])), nil, func(i value.Value, _ []value.Value) []value.Value {
			b := k.b
			axes(j+1, b.NewAdd(from, lin(b, i, in[j], 0)), b.NewAdd(to, lin(b, i, step[j], 0)))
			return nil
		})
	}
	k.loop("example", n, nil, func(s value.Value, _ []value.Value) []value.Value {
		at := lin(k.b, s, elems, 0)
		axes(0, at, at)
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// interactionKernel is ref.FM (fm) or ref.BiInteraction for one layer on
// a batch of n, each example Fields x Dim values: per column d,
// pair(d) = (sum of x)^2 - sum of x^2 over the fields, x = q + in_off, in
// int64; FM sums the columns into one output, BiInteraction gives one
// per column. The rescale is TFLite's 64-bit MultiplyByQuantizedMultiplier
// after ref's clamp and shift, whose constants (the reduced multiplier,
// the bound, the shifts) follow from the layer's and are computed here.
func interactionKernel(m *llir.Module, name string, p ref.InteractionParams, fm bool) *llir.Func {
	x, out, n := llir.NewParam("x", i8p), llir.NewParam("out", i8p), llir.NewParam("n", types.I64)
	f := internal(m.NewFunc(name, types.Void, x, out, n))
	k := &builder{f: f, b: f.NewBlock("entry")}

	// ref's interactionOut, with its constants folded.
	s := min(p.R.Shift, 25)
	bound := int64(1)<<47 - 1
	if s > -22 {
		bound = int64(1) << (25 - s)
	}
	left := 0
	if s > 7 {
		left, s = s-7, 7
	}
	reduced := int64(0x7FFF)
	if p.R.Mult < 0x7FFF0000 {
		reduced = int64((p.R.Mult + 1<<15) >> 16)
	}
	total := 15 - s
	rescale := func(acc value.Value) value.Value {
		b := k.b
		acc = smin(b, smax(b, acc, i64(-bound)), i64(bound))
		if left > 0 {
			acc = b.NewShl(acc, i64(int64(left)))
		}
		v := b.NewAdd(b.NewMul(acc, i64(reduced)), i64(int64(1)<<(total-1)))
		y := b.NewAdd(b.NewTrunc(b.NewAShr(v, i64(int64(total))), types.I32), i32(p.OutputOffset))
		return b.NewTrunc(smin(b, smax(b, y, i32(p.ActMin)), i32(p.ActMax)), types.I8)
	}
	pair := func(e, d value.Value) value.Value {
		sums := k.loop("field", i64(int64(p.Fields)), []value.Value{i64(0), i64(0)}, func(fi value.Value, acc []value.Value) []value.Value {
			b := k.b
			at := b.NewAdd(lin(b, b.NewAdd(lin(b, e, p.Fields, 0), fi), p.Dim, 0), d)
			v := b.NewAdd(b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, x, at)), types.I64), i64(int64(p.InputOffset)))
			return []value.Value{b.NewAdd(acc[0], v), b.NewAdd(acc[1], b.NewMul(v, v))}
		})
		return k.b.NewSub(k.b.NewMul(sums[0], sums[0]), sums[1])
	}
	k.loop("example", n, nil, func(e value.Value, _ []value.Value) []value.Value {
		if fm {
			acc := k.loop("column", i64(int64(p.Dim)), []value.Value{i64(0)}, func(d value.Value, acc []value.Value) []value.Value {
				return []value.Value{k.b.NewAdd(acc[0], pair(e, d))}
			})[0]
			k.b.NewStore(rescale(acc), k.b.NewGetElementPtr(types.I8, out, e))
			return nil
		}
		k.loop("column", i64(int64(p.Dim)), nil, func(d value.Value, _ []value.Value) []value.Value {
			y := rescale(pair(e, d))
			k.b.NewStore(y, k.b.NewGetElementPtr(types.I8, out, k.b.NewAdd(lin(k.b, e, p.Dim, 0), d)))
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// softmaxKernel is ref.Softmax (TFLite's int8 softmax in fixed point)
// over rows of depth values, n*rows rows: exp and its Q12.19 rescaling
// come from 256-entry tables indexed by d + 255, d = x - max(row) (Emit
// fills them with fixedpoint's functions; the sum table holds 0 where d
// < diff_min); the reciprocal of the sum is GetReciprocal, gemmlowp's
// Newton iteration, written out here with fixedpoint's primitives.
func softmaxKernel(m *llir.Module, name string, rows, depth int, diffMin int32, h softmaxHelpers) *llir.Func {
	x, out, n := llir.NewParam("x", i8p), llir.NewParam("out", i8p), llir.NewParam("n", types.I64)
	expTab, sumTab := llir.NewParam("exp_table", i32p), llir.NewParam("sum_table", i32p)
	f := internal(m.NewFunc(name, types.Void, x, out, n, expTab, sumTab))
	k := &builder{f: f, b: f.NewBlock("entry")}
	k.loop("row", k.b.NewMul(n, i64(int64(rows))), nil, func(r value.Value, _ []value.Value) []value.Value {
		base := lin(k.b, r, depth, 0)
		load := func(b *llir.Block, i value.Value) value.Value {
			return b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, x, b.NewAdd(base, i))), types.I32)
		}
		best := k.loop("row.max", i64(int64(depth)), []value.Value{i32(-128)}, func(i value.Value, best []value.Value) []value.Value {
			return []value.Value{smax(k.b, best[0], load(k.b, i))}
		})[0]
		index := func(b *llir.Block, d value.Value) value.Value { return b.NewSExt(b.NewAdd(d, i32(255)), types.I64) }
		sum := k.loop("row.sum", i64(int64(depth)), []value.Value{i64(0)}, func(i value.Value, sum []value.Value) []value.Value {
			b := k.b
			d := b.NewSub(load(b, i), best)
			e := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, sumTab, index(b, d)))
			return []value.Value{b.NewAdd(sum[0], b.NewSExt(e, types.I64))}
		})[0]
		b := k.b
		sum32 := b.NewTrunc(smin(b, sum, i64(math.MaxInt32)), types.I32)
		// GetReciprocal(sum32, 12): normalise by the leading zeros (the sum
		// holds exp(0) > 0, so there are at most 31), then 1/(1+a).
		clz := smin(b, b.NewCall(h.ctlz, sum32, constant.False), i32(31))
		shifted := b.NewSub(b.NewShl(sum32, clz), i32(math.MinInt32))
		recip := b.NewCall(h.reciprocal, shifted)
		exponent := b.NewAdd(b.NewSub(i32(12), clz), i32(31-8))
		k.loop("row.out", i64(int64(depth)), nil, func(i value.Value, _ []value.Value) []value.Value {
			b := k.b
			d := b.NewSub(load(b, i), best)
			e := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, expTab, index(b, d)))
			prob := b.NewCall(h.srdhm, recip, e)
			// The exponent stays below 35 (the sum is below 2^31); past 31
			// the output is -128, as it is for d below diff_min.
			safe := smin(b, exponent, i32(31))
			v := b.NewSub(b.NewCall(h.rdbpot, prob, safe), i32(128))
			y := smin(b, smax(b, v, i32(-128)), i32(127))
			lowest := b.NewOr(b.NewICmp(enum.IPredSLT, d, i32(diffMin)), b.NewICmp(enum.IPredSGT, exponent, i32(31)))
			b.NewStore(b.NewTrunc(b.NewSelect(lowest, i32(-128), y), types.I8), b.NewGetElementPtr(types.I8, out, b.NewAdd(base, i)))
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// softmaxHelpers are the fixed-point functions softmax needs beyond
// kiln_requant.
type softmaxHelpers struct {
	ctlz, srdhm, rdbpot, reciprocal *llir.Func
}

// newSoftmaxHelpers writes them: SaturatingRoundingDoublingHighMul,
// RoundingDivideByPOT, and gemmlowp's one_over_one_plus_x_for_x_in_0_1
// (fixedpoint.OneOverOnePlusX) with its RoundingHalfSum and saturating
// shifts.
func newSoftmaxHelpers(m *llir.Module) softmaxHelpers {
	var h softmaxHelpers
	h.ctlz = m.NewFunc("llvm.ctlz.i32", types.I32, llir.NewParam("x", types.I32), llir.NewParam("zero_undef", types.I1))

	a, bb := llir.NewParam("a", types.I32), llir.NewParam("b", types.I32)
	h.srdhm = internal(m.NewFunc("kiln_srdhm", types.I32, a, bb))
	b := h.srdhm.NewBlock("entry")
	overflow := b.NewAnd(b.NewICmp(enum.IPredEQ, a, i32(math.MinInt32)), b.NewICmp(enum.IPredEQ, bb, i32(math.MinInt32)))
	ab := b.NewMul(b.NewSExt(a, types.I64), b.NewSExt(bb, types.I64))
	nudge := b.NewSelect(b.NewICmp(enum.IPredSGE, ab, i64(0)), i64(1<<30), i64(1-(1<<30)))
	high := b.NewTrunc(b.NewSDiv(b.NewAdd(ab, nudge), i64(1<<31)), types.I32)
	b.NewRet(b.NewSelect(overflow, i32(math.MaxInt32), high))

	xv, e := llir.NewParam("x", types.I32), llir.NewParam("e", types.I32)
	h.rdbpot = internal(m.NewFunc("kiln_rdbpot", types.I32, xv, e))
	b = h.rdbpot.NewBlock("entry")
	mask := b.NewSub(b.NewShl(i32(1), e), i32(1))
	remainder := b.NewAnd(xv, mask)
	threshold := b.NewAdd(b.NewAShr(mask, i32(1)), b.NewZExt(b.NewICmp(enum.IPredSLT, xv, i32(0)), types.I32))
	b.NewRet(b.NewAdd(b.NewAShr(xv, e), b.NewZExt(b.NewICmp(enum.IPredSGT, remainder, threshold), types.I32)))

	in := llir.NewParam("a", types.I32)
	h.reciprocal = internal(m.NewFunc("kiln_one_over_one_plus_x", types.I32, in))
	b = h.reciprocal.NewBlock("entry")
	// SaturatingRoundingMultiplyByPOT(v, s) for s > 0.
	satShl := func(v value.Value, s int) value.Value {
		t := int32(1)<<(31-s) - 1
		shifted := b.NewShl(v, i32(int32(s)))
		hi := b.NewSelect(b.NewICmp(enum.IPredSGT, v, i32(t)), i32(math.MaxInt32), shifted)
		return b.NewSelect(b.NewICmp(enum.IPredSLT, v, i32(-t)), i32(math.MinInt32), hi)
	}
	// RoundingHalfSum(a, One(0)): (a + 2^31 - 1 + sign) / 2, truncating.
	sum := b.NewAdd(b.NewSExt(in, types.I64), i64(math.MaxInt32))
	sign := b.NewSelect(b.NewICmp(enum.IPredSLT, sum, i64(0)), i64(-1), i64(1))
	half := b.NewTrunc(b.NewSDiv(b.NewAdd(sum, sign), i64(2)), types.I32)
	var xn value.Value = b.NewAdd(i32(1515870810), b.NewCall(h.srdhm, half, i32(-1010580540))) // 48/17 - 32/17*d, Q2.29
	for range 3 {
		hdx := b.NewCall(h.srdhm, half, xn)
		xn = b.NewAdd(xn, satShl(b.NewCall(h.srdhm, xn, b.NewSub(i32(1<<29), hdx)), 2))
	}
	b.NewRet(satShl(xn, 1))
	return h
}
