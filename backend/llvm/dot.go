// The matrix kernels of dense layers and convolutions, and their int8
// dot products in one of several forms: portable LLVM vectors, or x86
// multiply-add intrinsics (VPMADDWD, VPDPBUSD) that LLVM 14 does not
// select from plain vector code. Every form sums the same int8 products
// in int32, wrapping, so each gives the reference's bits.
//
// The products are the VM's (runtime/kernels): C = A B with B packed in
// panels of a few columns, A's rows broadcast four values at a time, and
// a column's sum in one lane of a panel's accumulators, so that a tile
// of R rows by P panels ends as R*P vectors of sums, requantized
// together and stored as contiguous bytes. A dense layer's A is x (rows
// of examples) and its B the weights, packed at build time; a
// convolution's A is its filters, widened at build time, and its B the
// input's patches (im2col, output positions as columns), packed per call.

package llvm

import (
	"fmt"
	"math"
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

// dotForm is how a tile sums int8 products. B is packed in panels of
// width columns: quad q of a panel (4*width bytes) holds, at byte 4c+t,
// column c's value at depth 4q+t. A's quad (its four values at depths
// 4q..4q+3) is broadcast to every column; step adds the products of one
// quad of A and one quad of a panel to that panel's accumulators (accs
// vectors of type acc), and sum turns them into one int32 sum per column.
//
// offset is 128 for the VPDPBUSD forms, which multiply an unsigned byte
// by a signed one: the activations' operand holds x XOR 0x80, i.e.
// x+128 as u8, and the bias takes back 128 times the weights' sum.
type dotForm struct {
	name     string
	width    int
	accs     int
	acc      *types.VectorType
	offset   int32
	features string // what the form's intrinsics need, added to every function's
	// intrinsics are declared in the module that uses the form.
	intrinsics []*llir.Func
	// wideA forms read A's values widened to int16 (8 bytes a quad);
	// the others read int8 (4 bytes a quad).
	wideA bool
	// step's a is broadcastQuad's vector; chunk is a panel's quad,
	// <4*width x i8>. aUnsigned says which operand is the activations'
	// x+128, for the VPDPBUSD forms.
	step func(b *llir.Block, accs []value.Value, a, chunk value.Value, aUnsigned bool) []value.Value
	sum  func(b *llir.Block, accs []value.Value) value.Value
}

// quadBytes is the size of one quad of A.
func (f *dotForm) quadBytes() int {
	if f.wideA {
		return 8
	}
	return 4
}

// chunk is the size of one quad of a panel.
func (f *dotForm) chunk() int { return 4 * f.width }

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
		return vnniForm("avx512vnni", 16, "llvm.x86.avx512.vpdpbusd.512", "+avx512f,+avx512bw,+avx512vnni"), nil
	case on["avxvnni"]:
		return vnniForm("avxvnni", 8, "llvm.x86.avx512.vpdpbusd.256", "+avx2,+avxvnni"), nil
	case on["avx2"]:
		return avx2Form(), nil
	}
	return genericForm(), nil
}

func vec(n int, t types.Type) *types.VectorType { return types.NewVector(uint64(n), t) }

// lanes is the constant <len(xs) x i32> shuffle mask xs.
func lanes(xs ...int) value.Value {
	cs := make([]constant.Constant, len(xs))
	for i, x := range xs {
		cs[i] = i32(int32(x))
	}
	return constant.NewVector(vec(len(xs), types.I32), cs...)
}

// span is the mask first, first+1, ..., first+n-1; every is first,
// first+step, ... (n lanes).
func span(first, n int) value.Value { return every(first, 1, n) }
func every(first, step, n int) value.Value {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = first + i*step
	}
	return lanes(xs...)
}

// pairSums adds the even and the odd lanes of the concatenation of x and
// y (two <n x i32>): <n x i32> of x0+x1, x2+x3, ..., y0+y1, ...
func pairSums(b *llir.Block, x, y value.Value, n int) value.Value {
	return b.NewAdd(b.NewShuffleVector(x, y, every(0, 2, n)), b.NewShuffleVector(x, y, every(1, 2, n)))
}

// wideStep splits a 32-byte panel quad into its two halves (columns 0-3
// and 4-7), sign-extended to <16 x i16>, and adds madd(half, a) to the
// two accumulators.
func wideStep(madd func(b *llir.Block, x, y value.Value) value.Value) func(b *llir.Block, accs []value.Value, a, chunk value.Value, _ bool) []value.Value {
	return func(b *llir.Block, accs []value.Value, a, chunk value.Value, _ bool) []value.Value {
		lo := b.NewSExt(b.NewShuffleVector(chunk, chunk, span(0, 16)), vec(16, types.I16))
		hi := b.NewSExt(b.NewShuffleVector(chunk, chunk, span(16, 16)), vec(16, types.I16))
		return []value.Value{b.NewAdd(accs[0], madd(b, lo, a)), b.NewAdd(accs[1], madd(b, hi, a))}
	}
}

// genericForm: portable vectors for any target. The accumulators hold
// each product, <16 x i32> per half panel (lane i: column i/4, depth
// i%4); sum adds them in pairs, twice. (Written as VPMADDWD's pairs
// instead, LLVM 14's code for AVX2 is two to three times slower.)
func genericForm() *dotForm {
	return &dotForm{name: "generic", width: 8, accs: 2, acc: vec(16, types.I32), wideA: true,
		step: wideStep(func(b *llir.Block, x, y value.Value) value.Value {
			return b.NewMul(b.NewSExt(x, vec(16, types.I32)), b.NewSExt(y, vec(16, types.I32)))
		}),
		sum: func(b *llir.Block, accs []value.Value) value.Value {
			s := pairSums(b, accs[0], accs[1], 16)
			return pairSums(b, s, s, 8)
		}}
}

// avx2Form: VPMADDWD multiplies int16 and adds adjacent products into
// int32 (exactly: two int8 products), so lane i of a half panel's
// accumulator holds column i/2's depths 2(i%2), 2(i%2)+1 mod 4.
func avx2Form() *dotForm {
	pmadd := llir.NewFunc("llvm.x86.avx2.pmadd.wd", vec(8, types.I32),
		llir.NewParam("", vec(16, types.I16)), llir.NewParam("", vec(16, types.I16)))
	return &dotForm{name: "avx2", width: 8, accs: 2, acc: vec(8, types.I32), features: "+avx2", intrinsics: []*llir.Func{pmadd}, wideA: true,
		step: wideStep(func(b *llir.Block, x, y value.Value) value.Value { return b.NewCall(pmadd, x, y) }),
		sum:  func(b *llir.Block, accs []value.Value) value.Value { return pairSums(b, accs[0], accs[1], 8) }}
}

// vnniForm: VPDPBUSD adds four u8 x s8 products into each i32 lane, a
// column's quad (the sum of four products cannot saturate: VPDPBUSD, not
// VPDPBUSDS, wraps).
func vnniForm(name string, width int, intrinsic, features string) *dotForm {
	acc := vec(width, types.I32)
	dp := llir.NewFunc(intrinsic, acc, llir.NewParam("", acc), llir.NewParam("", acc), llir.NewParam("", acc))
	return &dotForm{name: name, width: width, accs: 1, acc: acc, offset: 128, features: features, intrinsics: []*llir.Func{dp},
		step: func(b *llir.Block, accs []value.Value, a, chunk value.Value, aUnsigned bool) []value.Value {
			w := b.NewBitCast(chunk, acc)
			if aUnsigned {
				return []value.Value{b.NewCall(dp, accs[0], a, w)}
			}
			return []value.Value{b.NewCall(dp, accs[0], w, a)}
		},
		sum: func(b *llir.Block, accs []value.Value) value.Value { return accs[0] }}
}

// broadcastQuad loads A's quad at p and repeats it across a vector: four
// int16 as <2*width x i16> (wide forms), four int8 as <width x i32>.
func (f *dotForm) broadcastQuad(b *llir.Block, p value.Value) value.Value {
	t, n := types.I32, f.width
	if f.wideA {
		t, n = types.I64, f.width/2
	}
	l := b.NewLoad(t, b.NewBitCast(p, types.NewPointer(t)))
	l.Align = 1
	one := b.NewInsertElement(constant.NewUndef(vec(n, t)), l, i32(0))
	v := b.NewShuffleVector(one, constant.NewUndef(vec(n, t)), constant.NewZeroInitializer(vec(n, types.I32)))
	if f.wideA {
		return b.NewBitCast(v, vec(2*f.width, types.I16))
	}
	return v
}

// tilePanels[r] is the number of panels of the tile for r rows (as the
// VM's): six rows take one panel; one row shares each broadcast of A with
// four. The accumulators stay within the 16 vector registers of AVX2.
var tilePanels = [7]int{0, 4, 3, 2, 1, 1, 1}

// maxTileRows is the tallest tile.
const maxTileRows = 6

// tileKernel computes R rows by P panels of C = A B over kq quads, and
// requantizes and stores them:
//
//	acc = bias + sum over k of A[r][k] * B[k][c]     int32, wrapping
//	out[r*ldo + c] = clamp(requant(acc, mult, shift) + off, lo, hi)
//
// Row r of A is at a + r*lda bytes; panels j0..j0+P-1 of B at b +
// j*ldb. Of ncols columns, panel j holds those from min(j*width, ncols -
// width) (the last panel ends at the last column, overlapping the one
// before it) or, with fewer than width columns, from 0, storing only
// ncols bytes. With perRow, bias, mult and shift are per row of A (a
// convolution's filters, A its weights and B the activations); otherwise
// per column (a dense layer's units, A its x), with at least width of
// each.
func tileKernel(m *llir.Module, name string, form *dotForm, rows, panels int, perRow bool) *llir.Func {
	kq, a, lda := llir.NewParam("kq", types.I64), llir.NewParam("a", i8p), llir.NewParam("lda", types.I64)
	bp, ldb, j0, ncols := llir.NewParam("b", i8p), llir.NewParam("ldb", types.I64), llir.NewParam("j0", types.I64), llir.NewParam("ncols", types.I64)
	bias, mult, shift := llir.NewParam("bias", i32p), llir.NewParam("mult", i32p), llir.NewParam("shift", i32p)
	out, ldo := llir.NewParam("out", i8p), llir.NewParam("ldo", types.I64)
	off, lo, hi := llir.NewParam("off", types.I32), llir.NewParam("lo", types.I32), llir.NewParam("hi", types.I32)
	f := internal(m.NewFunc(name, types.Void, kq, a, lda, bp, ldb, j0, ncols, bias, mult, shift, out, ldo, off, lo, hi))
	k := &builder{f: f, b: f.NewBlock("entry")}
	W := form.width
	tmp := k.b.NewAlloca(vec(W, types.I8))
	tmp.Align = 64
	chunkT := vec(form.chunk(), types.I8)
	arows := make([]value.Value, rows)
	for r := range arows {
		arows[r] = k.b.NewGetElementPtr(types.I8, a, k.b.NewMul(i64(int64(r)), lda))
	}
	bpanels := make([]value.Value, panels)
	for p := range bpanels {
		bpanels[p] = k.b.NewGetElementPtr(types.I8, bp, k.b.NewMul(k.b.NewAdd(j0, i64(int64(p))), ldb))
	}
	init := make([]value.Value, rows*panels*form.accs)
	for i := range init {
		init[i] = constant.NewZeroInitializer(form.acc)
	}
	// cell (r, p)'s accumulators are accs[(r*panels+p)*form.accs:][:form.accs].
	// quad adds quad q's products to acc.
	quad := func(q value.Value, acc []value.Value) []value.Value {
		b := k.b
		chunks := make([]value.Value, panels)
		for p, panel := range bpanels {
			l := b.NewLoad(chunkT, b.NewBitCast(b.NewGetElementPtr(types.I8, panel, b.NewMul(q, i64(int64(form.chunk())))), types.NewPointer(chunkT)))
			l.Align = 1
			chunks[p] = l
		}
		next := make([]value.Value, len(acc))
		for r, row := range arows {
			aq := form.broadcastQuad(b, b.NewGetElementPtr(types.I8, row, b.NewMul(q, i64(int64(form.quadBytes())))))
			for p := range panels {
				at := (r*panels + p) * form.accs
				copy(next[at:], form.step(b, acc[at:at+form.accs], aq, chunks[p], !perRow))
			}
		}
		return next
	}
	accs := k.loop("quad", kq, init, quad)
	b := k.b
	full := b.NewICmp(enum.IPredSGE, ncols, i64(int64(W)))
	off8, lo8, hi8 := broadcast(b, off, W), broadcast(b, lo, W), broadcast(b, hi, W)
	for p := range panels {
		b := k.b
		start := b.NewSelect(full, smin(b, b.NewMul(b.NewAdd(j0, i64(int64(p))), i64(int64(W))), b.NewSub(ncols, i64(int64(W)))), i64(0))
		param := func(v value.Value, r int) value.Value {
			if perRow {
				return broadcast(b, b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, v, i64(int64(r)))), W)
			}
			l := b.NewLoad(vec(W, types.I32), b.NewBitCast(b.NewGetElementPtr(types.I32, v, start), types.NewPointer(vec(W, types.I32))))
			l.Align = 4
			return l
		}
		var colBias, colMult, colShift value.Value
		if !perRow {
			colBias, colMult, colShift = param(bias, 0), param(mult, 0), param(shift, 0)
		}
		for r := range rows {
			rb, rm, rs := colBias, colMult, colShift
			if perRow {
				rb, rm, rs = param(bias, r), param(mult, r), param(shift, r)
			}
			at := (r*panels + p) * form.accs
			b := k.b
			y := b.NewAdd(requantLanes(b, b.NewAdd(form.sum(b, accs[at:at+form.accs]), rb), rm, rs, W), off8)
			q := b.NewTrunc(smin(b, smax(b, y, lo8), hi8), vec(W, types.I8))
			dst := b.NewGetElementPtr(types.I8, out, b.NewAdd(b.NewMul(i64(int64(r)), ldo), start))
			storeColumns(k, q, dst, full, ncols, tmp)
		}
	}
	k.b.NewRet(nil)
	return f
}

// storeColumns stores the <W x i8> vector q at dst when full, else its
// first ncols bytes (through tmp).
func storeColumns(k *builder, q, dst, full, ncols value.Value, tmp *llir.InstAlloca) {
	whole, part, join := k.block("store.full"), k.block("store.part"), k.block("store.join")
	k.b.NewCondBr(full, whole, part)
	s := whole.NewStore(q, whole.NewBitCast(dst, types.NewPointer(q.Type())))
	s.Align = 1
	whole.NewBr(join)
	part.NewStore(q, tmp)
	k.b = part
	bytes := part.NewBitCast(tmp, i8p)
	k.loop("store.byte", ncols, nil, func(i value.Value, _ []value.Value) []value.Value {
		k.b.NewStore(k.b.NewLoad(types.I8, k.b.NewGetElementPtr(types.I8, bytes, i)), k.b.NewGetElementPtr(types.I8, dst, i))
		return nil
	})
	k.b.NewBr(join)
	k.b = join
}

// requantLanes is requant's arithmetic on <n x i32> vectors, lane by
// lane, written so that LLVM multiplies with VPMULDQ: the doubling high
// product of two int32 is bits 31..62 of a*b + 2^30, which floor-divides
// as gemmlowp's nudged, truncating division does (a*b + 1 - 2^30 for a
// negative product, truncated, is the same integer).
func requantLanes(b *llir.Block, x, mult, shift value.Value, n int) value.Value {
	c32, c64 := func(v int64) value.Value { return splat(types.I32, v, n) }, func(v int64) value.Value { return splat(types.I64, v, n) }
	t32, t64 := vec(n, types.I32), vec(n, types.I64)
	positive := b.NewICmp(enum.IPredSGT, shift, c32(0))
	left := b.NewSelect(positive, shift, c32(0))
	right := b.NewSelect(positive, c32(0), b.NewSub(c32(0), shift))
	xl := b.NewShl(x, left) // wraps, as Go's int32 product does

	overflow := b.NewAnd(b.NewICmp(enum.IPredEQ, xl, c32(math.MinInt32)), b.NewICmp(enum.IPredEQ, mult, c32(math.MinInt32)))
	ab := b.NewAdd(b.NewMul(b.NewSExt(xl, t64), b.NewSExt(mult, t64)), c64(1<<30))
	high := b.NewTrunc(b.NewLShr(ab, c64(31)), t32)
	y := b.NewSelect(overflow, c32(math.MaxInt32), high)

	// RoundingDivideByPOT(y, right): ties away from zero.
	mask := b.NewSub(b.NewShl(c32(1), right), c32(1))
	remainder := b.NewAnd(y, mask)
	threshold := b.NewSub(b.NewAShr(mask, c32(1)), b.NewAShr(y, c32(31)))
	up := b.NewZExt(b.NewICmp(enum.IPredSGT, remainder, threshold), t32)
	return b.NewAdd(b.NewAShr(y, right), up)
}

// matmul is a product's calls of the tiles: rows of A (a runtime count,
// or rowsConst when that is above 0) times np panels of B, rows of A as
// tall as the tiles go, with as many panels as the tile for that many
// rows takes (and a narrower tile for the rest), panels outermost so that
// a group's weights stay in cache for every row.
type matmul struct {
	rows        value.Value
	rowsConst   int
	kq, np      int
	ncols       int
	a           value.Value
	lda         int
	b           value.Value
	ldb         int
	bias, mult  value.Value
	shift, out  value.Value
	ldo         int
	perRow      bool
	off, lo, hi int32
}

// emit writes the calls into k.
func (mm matmul) emit(k *builder, kern *kernels) {
	// call runs R rows from r0 over every panel, in groups of panels
	// and then the rest.
	call := func(r0 value.Value, R int, panels int) {
		tile := func(j0 value.Value, panels int) {
			b := k.b
			rowParam := func(p value.Value) value.Value {
				if mm.perRow {
					return b.NewGetElementPtr(types.I32, p, r0)
				}
				return p
			}
			b.NewCall(kern.Tile(R, panels, mm.perRow), i64(int64(mm.kq)),
				b.NewGetElementPtr(types.I8, mm.a, b.NewMul(r0, i64(int64(mm.lda)))), i64(int64(mm.lda)),
				mm.b, i64(int64(mm.ldb)), j0, i64(int64(mm.ncols)),
				rowParam(mm.bias), rowParam(mm.mult), rowParam(mm.shift),
				b.NewGetElementPtr(types.I8, mm.out, b.NewMul(r0, i64(int64(mm.ldo)))), i64(int64(mm.ldo)),
				i32(mm.off), i32(mm.lo), i32(mm.hi))
		}
		k.loop(fmt.Sprintf("panels%dx%d", R, panels), i64(int64(mm.np/panels)), nil, func(g value.Value, _ []value.Value) []value.Value {
			tile(k.b.NewMul(g, i64(int64(panels))), panels)
			return nil
		})
		if rest := mm.np % panels; rest > 0 {
			tile(i64(int64(mm.np-rest)), rest)
		}
	}
	panelsFor := func(R int) int { return min(tilePanels[R], mm.np) }
	// tall covers rows >= maxTileRows: whole tiles, then the rest's rows
	// with the same panels.
	tall := func(rows value.Value) {
		P := panelsFor(maxTileRows)
		k.loop("rows", k.b.NewSDiv(rows, i64(maxTileRows)), nil, func(t value.Value, _ []value.Value) []value.Value {
			call(k.b.NewMul(t, i64(maxTileRows)), maxTileRows, P)
			return nil
		})
		rest := k.b.NewSRem(rows, i64(maxTileRows))
		first := k.b.NewSub(rows, rest)
		k.cases(rest, maxTileRows-1, func(r int) { call(first, r, P) })
	}
	if mm.rowsConst > 0 {
		if mm.rowsConst >= maxTileRows {
			tall(i64(int64(mm.rowsConst)))
		} else {
			call(i64(0), mm.rowsConst, panelsFor(mm.rowsConst))
		}
		return
	}
	big, small, join := k.block("tall"), k.block("short"), k.block("rows.done")
	k.b.NewCondBr(k.b.NewICmp(enum.IPredSGE, mm.rows, i64(maxTileRows)), big, small)
	k.b = big
	tall(mm.rows)
	k.b.NewBr(join)
	k.b = small
	k.cases(mm.rows, maxTileRows-1, func(r int) { call(i64(0), r, panelsFor(r)) })
	k.b.NewBr(join)
	k.b = join
}

// cases emits a switch on v: body(c) for each c in 1..n, nothing for
// other values.
func (k *builder) cases(v value.Value, n int, body func(c int)) {
	join := k.block("case.end")
	var cs []*llir.Case
	sw := k.b
	for c := 1; c <= n; c++ {
		blk := k.block(fmt.Sprintf("case%d", c))
		cs = append(cs, llir.NewCase(constant.NewInt(types.I64, int64(c)), blk))
		k.b = blk
		body(c)
		k.b.NewBr(join)
	}
	sw.NewSwitch(v, join, cs...)
	k.b = join
}

// broadcast is a vector of lanes copies of the i32 value v.
func broadcast(b *llir.Block, v value.Value, lanes int) value.Value {
	one := b.NewInsertElement(constant.NewUndef(vec(lanes, types.I32)), v, i32(0))
	return b.NewShuffleVector(one, constant.NewUndef(vec(lanes, types.I32)), constant.NewZeroInitializer(vec(lanes, types.I32)))
}

// prepareKernel writes rows of x (int8, in per row) as the A rows of the
// form, ld values each: sign-extended to int16 for the wide forms, x XOR
// 0x80 (x+128 as u8) for the VPDPBUSD forms; zeros past in.
func prepareKernel(m *llir.Module, form *dotForm) *llir.Func {
	x, xa := llir.NewParam("x", i8p), llir.NewParam("xa", i8p)
	rows, in, ld := llir.NewParam("rows", types.I64), llir.NewParam("in", types.I64), llir.NewParam("ld", types.I64)
	f := internal(m.NewFunc("kiln_prepare_a", types.Void, x, xa, rows, in, ld))
	k := &builder{f: f, b: f.NewBlock("entry")}
	et := types.I8
	if form.wideA {
		et = types.I16
	}
	dstAll := k.b.NewBitCast(xa, types.NewPointer(et))
	k.loop("row", rows, nil, func(r value.Value, _ []value.Value) []value.Value {
		src := k.b.NewGetElementPtr(types.I8, x, k.b.NewMul(r, in))
		dst := k.b.NewGetElementPtr(et, dstAll, k.b.NewMul(r, ld))
		k.loop("i", in, nil, func(i value.Value, _ []value.Value) []value.Value {
			b := k.b
			var v value.Value = b.NewLoad(types.I8, b.NewGetElementPtr(types.I8, src, i))
			if form.wideA {
				v = b.NewSExt(v, types.I16)
			} else {
				v = b.NewXor(v, constant.NewInt(types.I8, -128))
			}
			b.NewStore(v, b.NewGetElementPtr(et, dst, i))
			return nil
		})
		k.loop("pad", k.b.NewSub(ld, in), nil, func(i value.Value, _ []value.Value) []value.Value {
			k.b.NewStore(constant.NewInt(et, 0), k.b.NewGetElementPtr(et, dst, k.b.NewAdd(in, i)))
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// repackKernel packs B's panels from rows of int8 (a convolution's
// patches): row i of B starts at src + from[i] (kq*4 rows), and panel j
// holds width columns from min(j*width, ncols-width), or from 0 with
// fewer columns, each quad a 4-row by width-column transpose. The
// VPDPBUSD forms store x XOR 0x80.
func repackKernel(m *llir.Module, form *dotForm) *llir.Func {
	src, from, dst := llir.NewParam("src", i8p), llir.NewParam("from", i32p), llir.NewParam("dst", i8p)
	kq, np, ncols := llir.NewParam("kq", types.I64), llir.NewParam("np", types.I64), llir.NewParam("ncols", types.I64)
	f := internal(m.NewFunc("kiln_repack", types.Void, src, from, kq, np, ncols, dst))
	k := &builder{f: f, b: f.NewBlock("entry")}
	W := form.width
	rowT := vec(W, types.I8)
	full := k.b.NewICmp(enum.IPredSGE, ncols, i64(int64(W)))
	// byte 4c+t of a quad is row t's column c: lane t*W + c of the four
	// rows concatenated.
	perm := make([]int, 4*W)
	for c := range W {
		for t := range 4 {
			perm[4*c+t] = t*W + c
		}
	}
	k.loop("panel", np, nil, func(j value.Value, _ []value.Value) []value.Value {
		b := k.b
		start := b.NewSelect(full, smin(b, b.NewMul(j, i64(int64(W))), b.NewSub(ncols, i64(int64(W)))), i64(0))
		panel := b.NewGetElementPtr(types.I8, dst, b.NewMul(j, b.NewMul(kq, i64(int64(form.chunk())))))
		k.loop("quad", kq, nil, func(q value.Value, _ []value.Value) []value.Value {
			b := k.b
			rows := make([]value.Value, 4)
			for t := range rows {
				i := b.NewAdd(b.NewMul(q, i64(4)), i64(int64(t)))
				at := b.NewSExt(b.NewLoad(types.I32, b.NewGetElementPtr(types.I32, from, i)), types.I64)
				l := b.NewLoad(rowT, b.NewBitCast(b.NewGetElementPtr(types.I8, src, b.NewAdd(at, start)), types.NewPointer(rowT)))
				l.Align = 1
				rows[t] = l
			}
			lo := b.NewShuffleVector(rows[0], rows[1], span(0, 2*W))
			hi := b.NewShuffleVector(rows[2], rows[3], span(0, 2*W))
			var quad value.Value = b.NewShuffleVector(lo, hi, lanes(perm...))
			if form.offset != 0 {
				quad = b.NewXor(quad, splat(types.I8, -128, 4*W))
			}
			s := b.NewStore(quad, b.NewBitCast(b.NewGetElementPtr(types.I8, panel, b.NewMul(q, i64(int64(form.chunk())))), types.NewPointer(quad.Type())))
			s.Align = 1
			return nil
		})
		return nil
	})
	k.b.NewRet(nil)
	return f
}

// packPanels lays out B = w^T for a dense layer (w: units rows of k
// weights) in the form's panels: quads of 4*width bytes, byte 4c+t of
// quad q holding unit start+c's weight 4q+t, zero past k and past the
// units, where panel j starts at unit min(j*width, units-width) (or 0
// with fewer units than width). It returns the panels and the number of
// quads.
func (f *dotForm) packPanels(w []int8, units, k int) (packed []int8, kq int) {
	W := f.width
	kq = (k + 3) / 4
	np := (units + W - 1) / W
	packed = make([]int8, np*kq*4*W)
	for j := range np {
		start := 0
		if units >= W {
			start = min(j*W, units-W)
		}
		for c := range W {
			u := start + c
			if u >= units {
				break
			}
			for i, x := range w[u*k : (u+1)*k] {
				packed[(j*kq+i/4)*4*W+4*c+i%4] = x
			}
		}
	}
	return packed, kq
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
