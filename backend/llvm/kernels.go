// The kernels, each an IR function written once per module: plain loops
// with the arithmetic of the reference kernels (runtime/kernels/ref) and
// of runtime/fixedpoint, step for step, so that every result has their
// bits. LLVM's optimizer may vectorize them; it cannot change a bit, as
// the integer operations wrap exactly as Go's do and the float ones are
// single IEEE operations with no fast-math flags.

package llvm

import (
	"fmt"
	"math"

	llir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"
)

var (
	i8p  = types.NewPointer(types.I8)
	i32p = types.NewPointer(types.I32)
	f32p = types.NewPointer(types.Float)
)

func i32(x int32) *constant.Int { return constant.NewInt(types.I32, int64(x)) }
func i64(x int64) *constant.Int { return constant.NewInt(types.I64, x) }
func f32(x float32) *constant.Float {
	return constant.NewFloat(types.Float, float64(x))
}
func f64(x float64) *constant.Float { return constant.NewFloat(types.Double, x) }

// kernels are the module's kernel functions, each written on first use
// so that a module holds only the kernels its model calls.
type kernels struct {
	m                                       *llir.Module
	requant, quantize, dequantize, memcpyFn *llir.Func
	memsetFn                                *llir.Func
	requantize, lookup, embedding           *llir.Func
	embeddingBag                            *llir.Func
	prepare, repack                         *llir.Func
	tiles                                   map[tileShape]*llir.Func
	form                                    *dotForm // the matrix kernels'
}

// tileShape keys the tile kernels: rows by panels, rescaled per row or
// per column.
type tileShape struct {
	rows, panels int
	perRow       bool
}

// once returns *f, made by make the first time.
func once(f **llir.Func, make func() *llir.Func) *llir.Func {
	if *f == nil {
		*f = make()
	}
	return *f
}

// Requant is MultiplyByQuantizedMultiplier.
func (k *kernels) Requant() *llir.Func {
	return once(&k.requant, func() *llir.Func { return requantKernel(k.m) })
}

func (k *kernels) Quantize() *llir.Func {
	return once(&k.quantize, func() *llir.Func { return quantizeKernel(k.m) })
}

func (k *kernels) Dequantize() *llir.Func {
	return once(&k.dequantize, func() *llir.Func { return dequantizeKernel(k.m) })
}

// Tile is the tile kernel of the given shape; the first one declares the
// form's intrinsics.
func (k *kernels) Tile(rows, panels int, perRow bool) *llir.Func {
	if k.tiles == nil {
		k.tiles = map[tileShape]*llir.Func{}
		k.m.Funcs = append(k.m.Funcs, k.form.intrinsics...)
	}
	s := tileShape{rows, panels, perRow}
	f, ok := k.tiles[s]
	if !ok {
		name := fmt.Sprintf("kiln_tile%dx%d", rows, panels)
		if perRow {
			name += "_rows"
		}
		f = tileKernel(k.m, name, k.form, rows, panels, perRow)
		k.tiles[s] = f
	}
	return f
}

// Prepare writes a dense layer's x as the form's A rows.
func (k *kernels) Prepare() *llir.Func {
	return once(&k.prepare, func() *llir.Func { return prepareKernel(k.m, k.form) })
}

// Repack packs a convolution's patches as the form's panels.
func (k *kernels) Repack() *llir.Func {
	return once(&k.repack, func() *llir.Func { return repackKernel(k.m, k.form) })
}

func (k *kernels) Requantize() *llir.Func {
	return once(&k.requantize, func() *llir.Func { return requantizeKernel(k.m, k.Requant()) })
}

func (k *kernels) Lookup() *llir.Func {
	return once(&k.lookup, func() *llir.Func { return lookupKernel(k.m) })
}

func (k *kernels) Embedding() *llir.Func {
	return once(&k.embedding, func() *llir.Func { return embeddingKernel(k.m) })
}

func (k *kernels) EmbeddingBag() *llir.Func {
	return once(&k.embeddingBag, func() *llir.Func { return embeddingBagKernel(k.m, k.Requant()) })
}

// Memcpy is LLVM's memcpy intrinsic.
func (k *kernels) Memcpy() *llir.Func {
	return once(&k.memcpyFn, func() *llir.Func {
		return k.m.NewFunc("llvm.memcpy.p0i8.p0i8.i64", types.Void,
			llir.NewParam("dst", i8p), llir.NewParam("src", i8p), llir.NewParam("len", types.I64), llir.NewParam("volatile", types.I1))
	})
}

// Memset is LLVM's memset intrinsic.
func (k *kernels) Memset() *llir.Func {
	return once(&k.memsetFn, func() *llir.Func {
		return k.m.NewFunc("llvm.memset.p0i8.i64", types.Void,
			llir.NewParam("dst", i8p), llir.NewParam("val", types.I8), llir.NewParam("len", types.I64), llir.NewParam("volatile", types.I1))
	})
}

// internal makes f a module-private kernel.
func internal(f *llir.Func) *llir.Func {
	f.Linkage = enum.LinkageInternal
	f.FuncAttrs = append(f.FuncAttrs, enum.FuncAttrNoUnwind)
	return f
}

// builder tracks the block a kernel is being written in.
type builder struct {
	f     *llir.Func
	b     *llir.Block
	names map[string]int // the local names taken, for unique ones
}

// block starts a new block named name, or name.N when that is taken.
func (k *builder) block(name string) *llir.Block { return k.f.NewBlock(k.unique(name)) }

// unique is name, or name.N when that is taken in the function.
func (k *builder) unique(name string) string {
	if k.names == nil {
		k.names = map[string]int{}
	}
	n := k.names[name]
	k.names[name] = n + 1
	if n == 0 {
		return name
	}
	return fmt.Sprintf("%s.%d", name, n)
}

// loop emits `for i := 0; i < n; i++ { body }` from the current block,
// with values carried from one iteration to the next (init are their
// values on entry; body returns their next values). It leaves the builder
// in the block after the loop and returns the carried values there.
func (k *builder) loop(name string, n value.Value, init []value.Value, body func(i value.Value, carried []value.Value) []value.Value) []value.Value {
	pre := k.b
	name = k.unique(name)
	head, loop, exit := k.f.NewBlock(name), k.f.NewBlock(name+".body"), k.f.NewBlock(name+".end")
	pre.NewBr(head)
	i := head.NewPhi(llir.NewIncoming(i64(0), pre))
	i.SetName(name + ".i")
	phis := make([]*llir.InstPhi, len(init))
	carried := make([]value.Value, len(init))
	for j, v := range init {
		phis[j] = head.NewPhi(llir.NewIncoming(v, pre))
		carried[j] = phis[j]
	}
	head.NewCondBr(head.NewICmp(enum.IPredSLT, i, n), loop, exit)
	k.b = loop
	next := body(i, carried)
	latch := k.b
	inc := latch.NewAdd(i, i64(1))
	latch.NewBr(head)
	i.Incs = append(i.Incs, llir.NewIncoming(inc, latch))
	for j, phi := range phis {
		phi.Incs = append(phi.Incs, llir.NewIncoming(next[j], latch))
	}
	k.b = exit
	return carried
}

// smin and smax of two i32 values.
func smax(b *llir.Block, x, y value.Value) value.Value {
	return b.NewSelect(b.NewICmp(enum.IPredSGT, x, y), x, y)
}
func smin(b *llir.Block, x, y value.Value) value.Value {
	return b.NewSelect(b.NewICmp(enum.IPredSLT, x, y), x, y)
}

// requantKernel is fixedpoint.MultiplyByQuantizedMultiplier(x, m, shift),
// TFLite's double rounding, for shift in [-31, 30]:
//
//	left, right = max(shift, 0), max(-shift, 0)
//	RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x << left, m), right)
func requantKernel(m *llir.Module) *llir.Func {
	x, mult, shift := llir.NewParam("x", types.I32), llir.NewParam("m", types.I32), llir.NewParam("shift", types.I32)
	f := internal(m.NewFunc("kiln_requant", types.I32, x, mult, shift))
	b := f.NewBlock("entry")
	b.NewRet(requant(b, x, mult, shift, 0))
	return f
}

// requant writes requantKernel's arithmetic on i32 values, or lane by
// lane on <lanes x i32> vectors when lanes > 0 (the same operations, so
// the same bits in every lane).
func requant(b *llir.Block, x, mult, shift value.Value, lanes int) value.Value {
	c32, c64 := func(v int64) value.Value { return splat(types.I32, v, lanes) }, func(v int64) value.Value { return splat(types.I64, v, lanes) }
	t32, t64 := types.Type(types.I32), types.Type(types.I64)
	if lanes > 0 {
		t32, t64 = vec(lanes, types.I32), vec(lanes, types.I64)
	}
	positive := b.NewICmp(enum.IPredSGT, shift, c32(0))
	left := b.NewSelect(positive, shift, c32(0))
	right := b.NewSelect(positive, c32(0), b.NewSub(c32(0), shift))
	xl := b.NewShl(x, left) // wraps, as Go's int32 product does

	// SaturatingRoundingDoublingHighMul(xl, m): the one overflowing
	// product saturates; otherwise (ab + nudge) / 2^31, truncating.
	overflow := b.NewAnd(b.NewICmp(enum.IPredEQ, xl, c32(math.MinInt32)), b.NewICmp(enum.IPredEQ, mult, c32(math.MinInt32)))
	ab := b.NewMul(b.NewSExt(xl, t64), b.NewSExt(mult, t64))
	nudge := b.NewSelect(b.NewICmp(enum.IPredSGE, ab, c64(0)), c64(1<<30), c64(1-(1<<30)))
	high := b.NewTrunc(b.NewSDiv(b.NewAdd(ab, nudge), c64(1<<31)), t32)
	y := b.NewSelect(overflow, c32(math.MaxInt32), high)

	// RoundingDivideByPOT(y, right): ties away from zero.
	mask := b.NewSub(b.NewShl(c32(1), right), c32(1))
	remainder := b.NewAnd(y, mask)
	threshold := b.NewAdd(b.NewAShr(mask, c32(1)), b.NewZExt(b.NewICmp(enum.IPredSLT, y, c32(0)), t32))
	up := b.NewZExt(b.NewICmp(enum.IPredSGT, remainder, threshold), t32)
	return b.NewAdd(b.NewAShr(y, right), up)
}

// splat is the integer constant v of type t, or a vector of lanes of them
// when lanes > 0.
func splat(t *types.IntType, v int64, lanes int) constant.Constant {
	c := constant.NewInt(t, v)
	if lanes == 0 {
		return c
	}
	xs := make([]constant.Constant, lanes)
	for i := range xs {
		xs[i] = c
	}
	return constant.NewVector(vec(lanes, t), xs...)
}

// quantizeKernel is ref.Quantize (TFLite's AffineQuantize) on count
// values: the float32 quotient x / scale rounded half away from zero,
// saturated to the int32 range (NaN as 0), plus zero, clamped to int8.
func quantizeKernel(m *llir.Module) *llir.Func {
	in, out := llir.NewParam("in", f32p), llir.NewParam("out", i8p)
	count, scale, zero := llir.NewParam("count", types.I64), llir.NewParam("scale", types.Float), llir.NewParam("zero", types.I32)
	f := internal(m.NewFunc("kiln_quantize", types.Void, in, out, count, scale, zero))
	k := &builder{f: f, b: f.NewBlock("entry")}
	k.loop("elems", count, nil, func(i value.Value, _ []value.Value) []value.Value {
		b := k.b
		x := b.NewLoad(types.Float, b.NewGetElementPtr(types.Float, in, i))
		q := b.NewFDiv(x, scale)
		// Rounding adds ±0.5 in float64 and truncates, as the VM's
		// portable kernel does: exact, as a float32 quotient has 24
		// significant bits (llvm.round would call libm's roundf).
		qd := b.NewFPExt(q, types.Double)
		r1 := b.NewSelect(b.NewFCmp(enum.FPredUNO, q, q), f64(0), qd)
		r2 := b.NewSelect(b.NewFCmp(enum.FPredOLT, r1, f64(math.MinInt32)), f64(math.MinInt32), r1)
		r3 := b.NewSelect(b.NewFCmp(enum.FPredOGT, r2, f64(math.MaxInt32)), f64(math.MaxInt32), r2)
		half := b.NewSelect(b.NewFCmp(enum.FPredOLT, r3, f64(0)), f64(-0.5), f64(0.5))
		r4 := b.NewFAdd(r3, half)
		v := b.NewAdd(b.NewFPToSI(r4, types.I64), b.NewSExt(zero, types.I64))
		lo := b.NewSelect(b.NewICmp(enum.IPredSLT, v, i64(math.MinInt8)), i64(math.MinInt8), v)
		hi := b.NewSelect(b.NewICmp(enum.IPredSGT, lo, i64(math.MaxInt8)), i64(math.MaxInt8), lo)
		b.NewStore(b.NewTrunc(hi, types.I8), b.NewGetElementPtr(types.I8, out, i))
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// dequantizeKernel is ref.Dequantize on count values: scale * (q - zero)
// in float64 (exact), rounded once to float32.
func dequantizeKernel(m *llir.Module) *llir.Func {
	in, out := llir.NewParam("in", i8p), llir.NewParam("out", f32p)
	count, scale, zero := llir.NewParam("count", types.I64), llir.NewParam("scale", types.Float), llir.NewParam("zero", types.I32)
	f := internal(m.NewFunc("kiln_dequantize", types.Void, in, out, count, scale, zero))
	k := &builder{f: f, b: f.NewBlock("entry")}
	k.loop("elems", count, nil, func(i value.Value, _ []value.Value) []value.Value {
		b := k.b
		q := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, in, i)), types.I32)
		d := b.NewSIToFP(b.NewSub(q, zero), types.Double)
		y := b.NewFPTrunc(b.NewFMul(b.NewFPExt(scale, types.Double), d), types.Float)
		b.NewStore(y, b.NewGetElementPtr(types.Float, out, i))
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// requantizeKernel is ref.RequantizeClamp (qrequantize: TFLite's int8
// Requantize, or its Relu and Relu6 with an output multiplier) on count
// values; in and out may be the same bytes.
//
//	out[i] = clamp(requant(in[i] + in_off, mult, shift) + out_off, lo, hi)
func requantizeKernel(m *llir.Module, requant *llir.Func) *llir.Func {
	in, out, count := llir.NewParam("in", i8p), llir.NewParam("out", i8p), llir.NewParam("count", types.I64)
	inOff, outOff := llir.NewParam("in_off", types.I32), llir.NewParam("out_off", types.I32)
	mult, shift := llir.NewParam("mult", types.I32), llir.NewParam("shift", types.I32)
	lo, hi := llir.NewParam("lo", types.I32), llir.NewParam("hi", types.I32)
	f := internal(m.NewFunc("kiln_qrequantize", types.Void, in, out, count, inOff, outOff, mult, shift, lo, hi))
	k := &builder{f: f, b: f.NewBlock("entry")}
	k.loop("elems", count, nil, func(i value.Value, _ []value.Value) []value.Value {
		b := k.b
		x := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, in, i)), types.I32)
		y := b.NewAdd(b.NewCall(requant, b.NewAdd(x, inOff), mult, shift), outOff)
		b.NewStore(b.NewTrunc(smin(b, smax(b, y, lo), hi), types.I8), b.NewGetElementPtr(types.I8, out, i))
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// lookupKernel maps count int8 values through a 256-entry table indexed
// by value + 128: the form of every elementwise int8 function of one
// operand (Emit computes the table with the op's own integer semantics,
// so each entry has the reference's bits). in and out may be the same.
func lookupKernel(m *llir.Module) *llir.Func {
	in, out, count, table := llir.NewParam("in", i8p), llir.NewParam("out", i8p), llir.NewParam("count", types.I64), llir.NewParam("table", i8p)
	f := internal(m.NewFunc("kiln_lookup", types.Void, in, out, count, table))
	k := &builder{f: f, b: f.NewBlock("entry")}
	k.loop("elems", count, nil, func(i value.Value, _ []value.Value) []value.Value {
		b := k.b
		x := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, in, i)), types.I64)
		y := b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, table, b.NewAdd(x, i64(128))))
		b.NewStore(y, b.NewGetElementPtr(types.I8, out, i))
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// embeddingKernel gathers rows: for each of count ids, the dim int8
// values of its row of table (each row already rescaled to the output's
// parameters at build time, as ref.Embedding rescales it). It returns -2,
// writing nothing, when an id is outside [0, vocab), as the VM's Run
// refuses such an id before any row is written; else 0.
func embeddingKernel(m *llir.Module) *llir.Func {
	ids, table, out := llir.NewParam("ids", i32p), llir.NewParam("table", i8p), llir.NewParam("out", i8p)
	count, dim, vocab := llir.NewParam("count", types.I64), llir.NewParam("dim", types.I64), llir.NewParam("vocab", types.I64)
	f := internal(m.NewFunc("kiln_embedding", types.I32, ids, table, out, count, dim, vocab))
	k := &builder{f: f, b: f.NewBlock("entry")}
	bad := k.loop("check", count, []value.Value{constant.False}, func(i value.Value, bad []value.Value) []value.Value {
		b := k.b
		id := b.NewSExt(b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, ids, i)), types.I64)
		outside := b.NewOr(b.NewICmp(enum.IPredSLT, id, i64(0)), b.NewICmp(enum.IPredSGE, id, vocab))
		return []value.Value{b.NewOr(bad[0], outside)}
	})[0]
	refuse, gather := f.NewBlock("bad_id"), f.NewBlock("gather")
	k.b.NewCondBr(bad, refuse, gather)
	refuse.NewRet(i32(-2))
	k.b = gather
	k.loop("id", count, nil, func(i value.Value, _ []value.Value) []value.Value {
		b := k.b
		id := b.NewSExt(b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, ids, i)), types.I64)
		row := b.NewGetElementPtr(types.I8, table, b.NewMul(id, dim))
		dst := b.NewGetElementPtr(types.I8, out, b.NewMul(i, dim))
		k.loop("d", dim, nil, func(d value.Value, _ []value.Value) []value.Value {
			b := k.b
			b.NewStore(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, row, d)), b.NewGetElementPtr(types.I8, dst, d))
			return nil
		})
		return nil
	})
	k.b.NewRet(i32(0))
	return f
}

// embeddingBagKernel is ref.EmbeddingBag on lists lists of length ids
// each, over a table whose rows are already at the common scale S_t (the
// semantics' first stage, done at build time as ref.EmbeddingBagRows does
// it; the VM reads the same table with the identity rescale):
//
//	c       = the ids of the list that are not pad
//	acc[d]  = the sum of table[id, d] over those ids, in i32
//	out[d]  = c == 0 ? out_off : clamp(requant(acc[d], mult[c-1], shift[c-1]) + out_off, -128, 127)
//
// It returns -2, writing nothing, when an id that is not pad is outside
// [0, vocab), as the VM's Run refuses such an id before any row is
// written; else 0.
func embeddingBagKernel(m *llir.Module, requant *llir.Func) *llir.Func {
	ids, table, out := llir.NewParam("ids", i32p), llir.NewParam("table", i8p), llir.NewParam("out", i8p)
	lists, length := llir.NewParam("lists", types.I64), llir.NewParam("len", types.I64)
	dim, vocab := llir.NewParam("dim", types.I64), llir.NewParam("vocab", types.I64)
	pad := llir.NewParam("pad", types.I32)
	cmult, cshift, outOff := llir.NewParam("count_mult", i32p), llir.NewParam("count_shift", i32p), llir.NewParam("out_off", types.I32)
	f := internal(m.NewFunc("kiln_embedding_bag", types.I32, ids, table, out, lists, length, dim, vocab, pad, cmult, cshift, outOff))
	k := &builder{f: f, b: f.NewBlock("entry")}
	bad := k.loop("check", k.b.NewMul(lists, length), []value.Value{constant.False}, func(i value.Value, bad []value.Value) []value.Value {
		b := k.b
		id32 := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, ids, i))
		id := b.NewSExt(id32, types.I64)
		outside := b.NewOr(b.NewICmp(enum.IPredSLT, id, i64(0)), b.NewICmp(enum.IPredSGE, id, vocab))
		return []value.Value{b.NewOr(bad[0], b.NewAnd(outside, b.NewICmp(enum.IPredNE, id32, pad)))}
	})[0]
	refuse, pool := f.NewBlock("bad_id"), f.NewBlock("pool")
	k.b.NewCondBr(bad, refuse, pool)
	refuse.NewRet(i32(-2))
	k.b = pool
	k.loop("list", lists, nil, func(li value.Value, _ []value.Value) []value.Value {
		list := k.b.NewGetElementPtr(types.I32, ids, k.b.NewMul(li, length))
		dst := k.b.NewGetElementPtr(types.I8, out, k.b.NewMul(li, dim))
		c := k.loop("count", length, []value.Value{i32(0)}, func(l value.Value, c []value.Value) []value.Value {
			b := k.b
			id32 := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, list, l))
			return []value.Value{b.NewAdd(c[0], b.NewZExt(b.NewICmp(enum.IPredNE, id32, pad), types.I32))}
		})[0]
		b := k.b
		empty := b.NewICmp(enum.IPredEQ, c, i32(0))
		at := b.NewSExt(b.NewSelect(empty, i32(0), b.NewSub(c, i32(1))), types.I64)
		mult := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, cmult, at))
		shift := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, cshift, at))
		k.loop("d", dim, nil, func(d value.Value, _ []value.Value) []value.Value {
			acc := k.loop("id", length, []value.Value{i32(0)}, func(l value.Value, acc []value.Value) []value.Value {
				b := k.b
				id32 := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, list, l))
				isPad := b.NewICmp(enum.IPredEQ, id32, pad)
				row := b.NewSelect(isPad, i64(0), b.NewSExt(id32, types.I64))
				x := b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, table, b.NewAdd(b.NewMul(row, dim), d))), types.I32)
				return []value.Value{b.NewAdd(acc[0], b.NewSelect(isPad, i32(0), x))}
			})[0]
			b := k.b
			y := b.NewAdd(b.NewCall(requant, acc, mult, shift), outOff)
			res := b.NewSelect(empty, outOff, smin(b, smax(b, y, i32(math.MinInt8)), i32(math.MaxInt8)))
			b.NewStore(b.NewTrunc(res, types.I8), b.NewGetElementPtr(types.I8, dst, d))
			return nil
		})
		return nil
	})
	k.b.NewRet(i32(0))
	return f
}
