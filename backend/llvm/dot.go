// The dense kernel and its int8 dot products, in one of several forms:
// portable LLVM vectors, or x86 multiply-add intrinsics (VPMADDWD,
// VPDPBUSD) that LLVM 14 does not select from plain vector code. Every
// form sums the same int8 products in int32, wrapping, so each gives the
// reference's bits.

package llvm

import (
	"fmt"
	"regexp"
	"strings"

	llir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"
)

// Options are the target the module's code is written for.
type Options struct {
	// CPU names an LLVM CPU (znver3, sapphirerapids, ...), written as
	// every function's "target-cpu"; empty or "native" writes none (llc's
	// -mcpu then decides).
	CPU string
	// Features is an LLVM features string ("+avx2,+fma"), written as every
	// function's "target-features". It also chooses the dot-product form:
	// +avx512vnni with +avx512bw the 512-bit VPDPBUSD form, +avxvnni the
	// 256-bit one, +avx2 VPMADDWD, anything else portable vectors.
	Features string
}

// Form is the name of the dot-product form the options choose: generic,
// avx2, avxvnni or avx512vnni.
func (o Options) Form() (string, error) {
	f, err := o.form()
	if err != nil {
		return "", err
	}
	return f.name, nil
}

var featureName = regexp.MustCompile(`^[+-][a-z0-9][a-z0-9._-]*$`)
var cpuName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// check refuses malformed options.
func (o Options) check() error {
	if o.CPU != "" && !cpuName.MatchString(o.CPU) {
		return fmt.Errorf("CPU %q is not an LLVM CPU name (like znver3 or skylake-avx512)", o.CPU)
	}
	if o.Features == "" {
		return nil
	}
	for _, f := range strings.Split(o.Features, ",") {
		if !featureName.MatchString(f) {
			return fmt.Errorf("target feature %q in %q is not +name or -name (like +avx2,+fma)", f, o.Features)
		}
	}
	return nil
}

// dotForm is how a kernel sums int8 products: chunk values at a time,
// into an accumulator vector of type acc, with step adding one chunk of x
// times one chunk of w. offset is 128 for the forms that multiply x+128
// (as u8) by w: the dense kernel's bias subtracts 128 times the sum of the
// weights the vector loop covers.
type dotForm struct {
	name     string
	chunk    int
	acc      *types.VectorType
	offset   int32
	features string // what the form's intrinsics need, added to every function's
	// intrinsics are declared in the module that uses the form.
	intrinsics []*llir.Func
	// wide forms can read x widened to i16 (by kiln_widen) in rows
	// padded with zeros to the weights' length; otherwise prepare turns a
	// chunk of x (<chunk x i8>) into what step takes, once per chunk for
	// all the units that share it.
	wide    bool
	prepare func(b *llir.Block, x value.Value) value.Value
	step    func(b *llir.Block, acc, x, w value.Value) value.Value
}

func (o Options) form() (*dotForm, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	on := map[string]bool{}
	for _, f := range strings.Split(o.Features, ",") {
		if f != "" {
			on[f[1:]] = f[0] == '+'
		}
	}
	switch {
	case on["avx512vnni"] && on["avx512bw"]:
		return vnniForm("avx512vnni", 64, "llvm.x86.avx512.vpdpbusd.512", "+avx512f,+avx512bw,+avx512vnni"), nil
	case on["avxvnni"]:
		return vnniForm("avxvnni", 32, "llvm.x86.avx512.vpdpbusd.256", "+avx2,+avxvnni"), nil
	case on["avx2"]:
		return avx2Form(), nil
	}
	return genericForm(), nil
}

func vec(n int, t types.Type) *types.VectorType { return types.NewVector(uint64(n), t) }

// halves splits a <2n x T> vector into its <n x T> halves.
func halves(b *llir.Block, v value.Value, n int) (lo, hi value.Value) {
	mask := func(first int) value.Value {
		xs := make([]constant.Constant, n)
		for i := range xs {
			xs[i] = i32(int32(first + i))
		}
		return constant.NewVector(vec(n, types.I32), xs...)
	}
	return b.NewShuffleVector(v, v, mask(0)), b.NewShuffleVector(v, v, mask(n))
}

// genericForm: 16 products in i32 of x (widened) and w, sign-extended:
// plain vector code for any target (LLVM 14 selects PMADDWD from it for
// the baseline x86-64 CPU, VPMULLD with AVX2).
func genericForm() *dotForm {
	return &dotForm{name: "generic", chunk: 16, acc: vec(16, types.I32), wide: true,
		prepare: func(b *llir.Block, x value.Value) value.Value { return b.NewSExt(x, vec(16, types.I16)) },
		step: func(b *llir.Block, acc, x, w value.Value) value.Value {
			p := b.NewMul(b.NewSExt(x, vec(16, types.I32)), b.NewSExt(w, vec(16, types.I32)))
			return b.NewAdd(acc, p)
		}}
}

// avx2Form: 32 weights sign-extended to i16 and multiplied with x
// (widened) by VPMADDWD,
// which adds adjacent products into i32 (exactly: two int8 products).
func avx2Form() *dotForm {
	pmadd := llir.NewFunc("llvm.x86.avx2.pmadd.wd", vec(8, types.I32),
		llir.NewParam("", vec(16, types.I16)), llir.NewParam("", vec(16, types.I16)))
	return &dotForm{name: "avx2", chunk: 32, acc: vec(8, types.I32), features: "+avx2", intrinsics: []*llir.Func{pmadd}, wide: true,
		prepare: func(b *llir.Block, x value.Value) value.Value { return b.NewSExt(x, vec(32, types.I16)) },
		step: func(b *llir.Block, acc, x, w value.Value) value.Value {
			xl, xh := halves(b, x, 16)
			wl, wh := halves(b, b.NewSExt(w, vec(32, types.I16)), 16)
			return b.NewAdd(b.NewAdd(acc, b.NewCall(pmadd, xl, wl)), b.NewCall(pmadd, xh, wh))
		}}
}

// vnniForm: VPDPBUSD adds four u8 x s8 products into each i32 lane; x
// XOR 0x80 is x+128 as u8, so it sums (x+128)*w, and the bias takes
// 128*sum(w) back (the sum of four products cannot saturate: VPDPBUSD,
// not VPDPBUSDS, wraps).
func vnniForm(name string, chunk int, intrinsic, features string) *dotForm {
	lanes := chunk / 4
	acc := vec(lanes, types.I32)
	dp := llir.NewFunc(intrinsic, acc, llir.NewParam("", acc), llir.NewParam("", acc), llir.NewParam("", acc))
	flip := make([]constant.Constant, chunk)
	for i := range flip {
		flip[i] = constant.NewInt(types.I8, -128)
	}
	return &dotForm{name: name, chunk: chunk, acc: acc, offset: 128, features: features, intrinsics: []*llir.Func{dp},
		prepare: func(b *llir.Block, x value.Value) value.Value {
			return b.NewBitCast(b.NewXor(x, constant.NewVector(vec(chunk, types.I8), flip...)), acc)
		},
		step: func(b *llir.Block, acc, x, w value.Value) value.Value {
			return b.NewCall(dp, acc, x, b.NewBitCast(w, acc.Type()))
		}}
}

// denseKernel is ref.Dense with per-unit rescales (a per-tensor rescale is
// repeated for every unit) and no weight offset, in the given form: in
// [rows, in], weight [units, ld] (ld is in rounded up to the form's
// chunk, the rest zeros, packed at build time), out[r*ors + u*ous] (a
// dense layer's [rows, units], or a convolution's channels-first plane);
//
//	acc = bias[u] + sum over i of w[u][i] * x[r][i]     int32, wrapping
//	out = clamp(requant(acc, mult[u], shift[u]) + out_off, lo, hi)
//
// where bias already holds the input offset's term, in_off * sum of
// w[u][i], and the form's offset term (Emit folds them in): int32
// arithmetic wraps modulo 2^32, so the sum has the reference's bits.
// Units go four at a time, each four over every row, so that their
// weights stay in cache across a batch, and rows two at a time: each
// chunk of x is loaded once for four units, each chunk of w once for two
// rows.
func denseKernel(m *llir.Module, name string, requantFn, memcpy, reduce *llir.Func, form *dotForm, wide bool) *llir.Func {
	x, w, bias := llir.NewParam("x", i8p), llir.NewParam("w", i8p), llir.NewParam("bias", i32p)
	mult, shift, out := llir.NewParam("mult", i32p), llir.NewParam("shift", i32p), llir.NewParam("out", i8p)
	rows, in, units := llir.NewParam("rows", types.I64), llir.NewParam("in", types.I64), llir.NewParam("units", types.I64)
	ors, ous := llir.NewParam("ors", types.I64), llir.NewParam("ous", types.I64)
	outOff := llir.NewParam("out_off", types.I32)
	lo, hi := llir.NewParam("lo", types.I32), llir.NewParam("hi", types.I32)
	f := internal(m.NewFunc(name, types.Void, x, w, bias, mult, shift, out, rows, in, units, ors, ous, outOff, lo, hi))
	k := &builder{f: f, b: f.NewBlock("entry")}
	chunk := i64(int64(form.chunk))
	chunks := k.b.NewSDiv(in, chunk)
	vecLen := k.b.NewMul(chunks, chunk)
	var tail value.Value = k.b.NewSub(in, vecLen)
	ld := k.b.NewMul(k.b.NewAdd(chunks, k.b.NewZExt(k.b.NewICmp(enum.IPredSGT, tail, i64(0)), types.I64)), chunk) // w's row stride
	// x's last partial chunk is copied into a zeroed buffer per row (two
	// rows at most), so that it meets the weights' zero padding in one
	// more vector step and no load reads past x.
	pad := [2]*llir.InstAlloca{k.b.NewAlloca(vec(form.chunk, types.I8)), k.b.NewAlloca(vec(form.chunk, types.I8))}
	for _, p := range pad {
		p.Align = 64
	}
	chunkPtr := types.NewPointer(vec(form.chunk, types.I8))
	x16 := k.b.NewBitCast(x, types.NewPointer(types.I16))
	if wide {
		// x is widened and padded: whole chunks only.
		chunks = k.b.NewSDiv(ld, chunk)
		tail = i64(0)
	}
	// finish rescales, clamps and stores unit u's sum for row r.
	finish := func(r, u, acc value.Value) {
		b := k.b
		acc = b.NewAdd(acc, b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, bias, u)))
		mu := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, mult, u))
		su := b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, shift, u))
		y := b.NewAdd(b.NewCall(requantFn, acc, mu, su), outOff)
		at := b.NewAdd(b.NewMul(r, ors), b.NewMul(u, ous))
		b.NewStore(b.NewTrunc(smin(b, smax(b, y, lo), hi), types.I8), b.NewGetElementPtr(types.I8, out, at))
	}
	// dot sums w[u][i] * x[r][i] for the units first, first+1, ... and
	// the rows rs: the vector accumulators, row by row.
	// wbase is the first unit's weights: rows of ld for one unit, blocks
	// of four interleaved chunk by chunk for four (see the emitter's pack).
	dot := func(name string, rs []value.Value, wbase value.Value, units int) (accs []value.Value) {
		xrows := make([]value.Value, len(rs))
		for i, r := range rs {
			if wide {
				xrows[i] = k.b.NewGetElementPtr(types.I16, x16, k.b.NewMul(r, ld))
			} else {
				xrows[i] = k.b.NewGetElementPtr(types.I8, x, k.b.NewMul(r, in))
			}
		}
		wrows := make([]value.Value, units)
		var init []value.Value
		for j := range wrows {
			wrows[j] = k.b.NewGetElementPtr(types.I8, wbase, i64(int64(j*form.chunk)))
		}
		// The weights of chunk i: at i in a row, 4i in a block.
		wAt := func(b *llir.Block, i value.Value) value.Value {
			if units == 1 {
				return i
			}
			return b.NewMul(i, i64(int64(units)))
		}
		for range len(rs) * units {
			init = append(init, constant.NewZeroInitializer(form.acc))
		}
		load := func(b *llir.Block, row, i value.Value) value.Value {
			p := b.NewBitCast(b.NewGetElementPtr(types.I8, row, i), chunkPtr)
			l := b.NewLoad(vec(form.chunk, types.I8), p)
			l.Align = 1
			return l
		}
		// Each chunk of x serves every unit, each chunk of w every row.
		accs = k.loop(name+".vec", chunks, init, func(c value.Value, acc []value.Value) []value.Value {
			b := k.b
			i := b.NewMul(c, chunk)
			xv := make([]value.Value, len(rs))
			for ri, xrow := range xrows {
				if wide {
					p := b.NewBitCast(b.NewGetElementPtr(types.I16, xrow, i), types.NewPointer(vec(form.chunk, types.I16)))
					l := b.NewLoad(vec(form.chunk, types.I16), p)
					l.Align = 2
					xv[ri] = l
				} else {
					xv[ri] = form.prepare(b, load(b, xrow, i))
				}
			}
			next := make([]value.Value, len(acc))
			for j, wrow := range wrows {
				wv := load(b, wrow, wAt(b, i))
				for ri := range rs {
					next[ri*units+j] = form.step(b, acc[ri*units+j], xv[ri], wv)
				}
			}
			return next
		})
		if wide {
			return accs
		}
		// The partial chunk, if any: a loop of 0 or 1 steps.
		accs = k.loop(name+".tail", k.b.NewZExt(k.b.NewICmp(enum.IPredSGT, tail, i64(0)), types.I64), accs, func(_ value.Value, acc []value.Value) []value.Value {
			b := k.b
			xv := make([]value.Value, len(rs))
			for ri, xrow := range xrows {
				buf := b.NewBitCast(pad[ri], i8p)
				b.NewStore(constant.NewZeroInitializer(vec(form.chunk, types.I8)), pad[ri])
				b.NewCall(memcpy, buf, b.NewGetElementPtr(types.I8, xrow, vecLen), tail, constant.False)
				l := b.NewLoad(vec(form.chunk, types.I8), pad[ri])
				l.Align = 64
				xv[ri] = form.prepare(b, l)
			}
			next := make([]value.Value, len(acc))
			for j, wrow := range wrows {
				wv := load(b, wrow, wAt(b, vecLen))
				for ri := range rs {
					next[ri*units+j] = form.step(b, acc[ri*units+j], xv[ri], wv)
				}
			}
			return next
		})
		return accs
	}
	// Blocks of four units; with four or more, a last partial block is a
	// whole one ending at the last unit (its first units are computed
	// twice, with the same bits). Fewer than four go one by one.
	const block = 4
	whole := k.b.NewICmp(enum.IPredSGE, units, i64(block))
	blocks := k.b.NewSelect(whole, k.b.NewSDiv(k.b.NewAdd(units, i64(block-1)), i64(block)), i64(0))
	k.loop("block", blocks, nil, func(bi value.Value, _ []value.Value) []value.Value {
		first := smin(k.b, k.b.NewMul(bi, i64(block)), k.b.NewSub(units, i64(block)))
		params := func(p value.Value) value.Value {
			b := k.b
			ptr := b.NewBitCast(b.NewGetElementPtr(types.I32, p, first), types.NewPointer(vec(block, types.I32)))
			l := b.NewLoad(vec(block, types.I32), ptr)
			l.Align = 4
			return l
		}
		bias4, mult4, shift4 := params(bias), params(mult), params(shift)
		wblock := k.b.NewGetElementPtr(types.I8, w, k.b.NewMul(bi, k.b.NewMul(ld, i64(block))))
		off4, lo4, hi4 := broadcast(k.b, outOff, block), broadcast(k.b, lo, block), broadcast(k.b, hi, block)
		// finish4 rescales the four sums of row r at once, lane by lane.
		finish4 := func(r value.Value, accs []value.Value) {
			b := k.b
			sum := b.NewAdd(reduce4(b, accs), bias4)
			y := b.NewAdd(requant(b, sum, mult4, shift4, block), off4)
			q := b.NewTrunc(b.NewSelect(b.NewICmp(enum.IPredSLT, y, lo4), lo4, b.NewSelect(b.NewICmp(enum.IPredSGT, y, hi4), hi4, y)), vec(block, types.I8))
			for j := range block {
				at := b.NewAdd(b.NewMul(r, ors), b.NewMul(b.NewAdd(first, i64(int64(j))), ous))
				b.NewStore(b.NewExtractElement(q, i32(int32(j))), b.NewGetElementPtr(types.I8, out, at))
			}
		}
		// Rows two at a time, then the last one if their count is odd.
		pairs := k.b.NewSDiv(rows, i64(2))
		k.loop("rows2", pairs, nil, func(pi value.Value, _ []value.Value) []value.Value {
			r0 := k.b.NewMul(pi, i64(2))
			r1 := k.b.NewAdd(r0, i64(1))
			accs := dot("dot8", []value.Value{r0, r1}, wblock, block)
			finish4(r0, accs[:block])
			finish4(r1, accs[block:])
			return nil
		})
		k.loop("row", k.b.NewSub(rows, k.b.NewMul(pairs, i64(2))), nil, func(ri value.Value, _ []value.Value) []value.Value {
			r := k.b.NewAdd(k.b.NewMul(pairs, i64(2)), ri)
			finish4(r, dot("dot4", []value.Value{r}, wblock, block))
			return nil
		})
		return nil
	})
	k.loop("unit", k.b.NewSelect(whole, i64(0), units), nil, func(u value.Value, _ []value.Value) []value.Value {
		k.loop("row1", rows, nil, func(r value.Value, _ []value.Value) []value.Value {
			finish(r, u, k.b.NewCall(reduce, dot("dot", []value.Value{r}, k.b.NewGetElementPtr(types.I8, w, k.b.NewMul(u, ld)), 1)[0]))
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// broadcast is a vector of lanes copies of the i32 value v.
func broadcast(b *llir.Block, v value.Value, lanes int) value.Value {
	one := b.NewInsertElement(constant.NewUndef(vec(lanes, types.I32)), v, i32(0))
	return b.NewShuffleVector(one, constant.NewUndef(vec(lanes, types.I32)), constant.NewZeroInitializer(vec(lanes, types.I32)))
}

// reduce4 sums each of four accumulators: <4 x i32> of their totals, in
// a tree of shuffles and adds (wrapping adds, so any order gives the
// same bits).
func reduce4(b *llir.Block, acc []value.Value) value.Value {
	quads := make([]value.Value, 4)
	for j, a := range acc {
		for n := int(a.Type().(*types.VectorType).Len); n > 4; n /= 2 {
			lo, hi := halves(b, a, n/2)
			a = b.NewAdd(lo, hi)
		}
		quads[j] = a
	}
	mix := func(x, y value.Value, l0, l1 []int32) value.Value {
		mask := func(ls []int32) value.Value {
			xs := make([]constant.Constant, len(ls))
			for i, l := range ls {
				xs[i] = i32(l)
			}
			return constant.NewVector(vec(len(ls), types.I32), xs...)
		}
		return b.NewAdd(b.NewShuffleVector(x, y, mask(l0)), b.NewShuffleVector(x, y, mask(l1)))
	}
	// (a0+a2, b0+b2, a1+a3, b1+b3) for pairs (a, b), then the halves.
	s01 := mix(quads[0], quads[1], []int32{0, 4, 1, 5}, []int32{2, 6, 3, 7})
	s23 := mix(quads[2], quads[3], []int32{0, 4, 1, 5}, []int32{2, 6, 3, 7})
	return mix(s01, s23, []int32{0, 1, 4, 5}, []int32{2, 3, 6, 7})
}

// declareForm declares the form's intrinsics in m, and returns LLVM's
// sum of an accumulator's lanes.
func declareForm(m *llir.Module, form *dotForm) *llir.Func {
	m.Funcs = append(m.Funcs, form.intrinsics...)
	return m.NewFunc(fmt.Sprintf("llvm.vector.reduce.add.v%di32", form.acc.Len), types.I32, llir.NewParam("", form.acc))
}

// widenKernel writes rows of x (int8, in per row) as rows of ld int16,
// sign-extended, zero past in: the x the wide forms read.
func widenKernel(m *llir.Module) *llir.Func {
	x, xw := llir.NewParam("x", i8p), llir.NewParam("xw", i8p)
	rows, in, ld := llir.NewParam("rows", types.I64), llir.NewParam("in", types.I64), llir.NewParam("ld", types.I64)
	f := internal(m.NewFunc("kiln_widen", types.Void, x, xw, rows, in, ld))
	k := &builder{f: f, b: f.NewBlock("entry")}
	w16 := k.b.NewBitCast(xw, types.NewPointer(types.I16))
	k.loop("row", rows, nil, func(r value.Value, _ []value.Value) []value.Value {
		src := k.b.NewGetElementPtr(types.I8, x, k.b.NewMul(r, in))
		dst := k.b.NewGetElementPtr(types.I16, w16, k.b.NewMul(r, ld))
		k.loop("i", in, nil, func(i value.Value, _ []value.Value) []value.Value {
			b := k.b
			b.NewStore(b.NewSExt(b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, src, i)), types.I16), b.NewGetElementPtr(types.I16, dst, i))
			return nil
		})
		k.loop("pad", k.b.NewSub(ld, in), nil, func(i value.Value, _ []value.Value) []value.Value {
			k.b.NewStore(constant.NewInt(types.I16, 0), k.b.NewGetElementPtr(types.I16, dst, k.b.NewAdd(in, i)))
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// setTarget writes the options' CPU and features (with what the form's
// intrinsics need) on every function with a body, so that LLVM may
// inline any kernel into any other.
func setTarget(m *llir.Module, o Options, form *dotForm) {
	var features []string
	for _, f := range []string{o.Features, form.features} {
		if f != "" {
			features = append(features, f)
		}
	}
	for _, f := range m.Funcs {
		if len(f.Blocks) == 0 {
			continue
		}
		if o.CPU != "" && o.CPU != "native" {
			f.FuncAttrs = append(f.FuncAttrs, llir.AttrPair{Key: "target-cpu", Value: o.CPU})
		}
		if len(features) > 0 {
			f.FuncAttrs = append(f.FuncAttrs, llir.AttrPair{Key: "target-features", Value: strings.Join(features, ",")})
		}
	}
}
