// Emit: the module's constants and its entry points, each one kernel
// call per op in graph order.

package llvm

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/backend/plan"
	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
	llir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/metadata"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"
)

// Emit returns the LLVM module (textual IR) that runs the quantized graph
// g, in the generic form for any target. An op without a kernel here is
// an error naming it at its source position. The same graph always gives
// the same text.
func Emit(g *ir.Graph) ([]byte, error) { return EmitFor(g, Options{}) }

// EmitFor is Emit for the target o describes.
func EmitFor(g *ir.Graph, o Options) ([]byte, error) {
	form, err := o.form()
	if err != nil {
		return nil, err
	}
	m, err := analyze(g)
	if err != nil {
		return nil, err
	}
	e := &emitter{model: m, mod: llir.NewModule(), consts: map[string]constGlobal{}, comments: map[int64]string{},
		layerKernels: map[*ir.Value]*llir.Func{}, form: form}
	if err := e.emit(); err != nil {
		return nil, err
	}
	setTarget(e.mod, o, form)
	return e.text(), nil
}

// emitter builds one module.
type emitter struct {
	*model
	mod          *llir.Module
	form         *dotForm
	kernel       kernels
	layerKernels map[*ir.Value]*llir.Func
	bound        map[*ir.Value]value.Value // the i32 inputs: the entry point's parameters
	softmaxFns   *softmaxHelpers
	consts       map[string]constGlobal // by name: each constant once

	// Source positions reach the text as comments: a kernel call carries
	// a !kiln.src attachment whose node's ID keys its comment here, and
	// text() writes the comment on the line before the call.
	notes    []*metadata.Tuple
	comments map[int64]string
	globals  map[string]string // a global's identifier -> its comment
}

func (e *emitter) emit() error {
	e.kernel = kernels{m: e.mod, form: e.form}
	for _, float := range []bool{false, true} {
		if err := e.entry(float); err != nil {
			return err
		}
	}
	size := e.mod.NewFunc(e.prefix+"_arena_size", types.I64)
	size.NewBlock("entry").NewRet(i64(int64(e.arenaSize())))
	size.FuncAttrs = append(size.FuncAttrs, enum.FuncAttrNoUnwind)
	return nil
}

// emitFunc emits the kernel call of one int8 op (and its kernel, if the
// op has one of its own).
type emitFunc func(e *emitter, b *llir.Block, n, arena value.Value, v *ir.Value) error

// emitters are the int8 ops between the boundary ops that have kernels
// here, besides qembedding and qembedding_bag (which the entry points call
// themselves, as they can refuse an id): the one list analyze checks
// against.
var emitters = map[*ir.Op]emitFunc{
	ir.OpQDense:         (*emitter).dense,
	ir.OpRequantize:     (*emitter).requantize,
	ir.OpQConv1D:        (*emitter).conv,
	ir.OpQConv2D:        (*emitter).conv,
	ir.OpQMaxPool:       (*emitter).pool,
	ir.OpQAvgPool:       (*emitter).pool,
	ir.OpQBatchNorm:     (*emitter).affine,
	ir.OpQGlobalAvgPool: (*emitter).mean,
	ir.OpQMean:          (*emitter).mean,
	ir.OpQSum:           (*emitter).mean,
	ir.OpQConcat:        (*emitter).concat,
	ir.OpQFM:            (*emitter).interaction,
	ir.OpQBiInteraction: (*emitter).interaction,
	ir.OpQLogistic:      (*emitter).lookup,
	ir.OpQTanh:          (*emitter).lookup,
	ir.OpQHardSigmoid:   (*emitter).lookup,
	ir.OpQHardSwish:     (*emitter).lookup,
	ir.OpQAdd:           (*emitter).arith,
	ir.OpQSub:           (*emitter).arith,
	ir.OpQMul:           (*emitter).arith,
	ir.OpQSoftmax:       (*emitter).softmax,
}

// op emits the kernel call of an int8 op between the boundary ops.
func (e *emitter) op(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	emit, ok := emitters[v.Op]
	if !ok {
		return fmt.Errorf("%s: %s: no kernel for %s", v.Pos, v.Name, v.Op.Name) // analyze refuses it first
	}
	if err := emit(e, b, n, arena, v); err != nil {
		return fmt.Errorf("%s: %s: %w", v.Pos, v.Name, err)
	}
	return nil
}

// layerKernel returns v's own kernel function, made once by make: both
// entry points call it.
func (e *emitter) layerKernel(v *ir.Value, make func(name string) *llir.Func) *llir.Func {
	f, ok := e.layerKernels[v]
	if !ok {
		f = make(layerKernelName(e.mod, v.Op.Name, v.Name))
		e.layerKernels[v] = f
	}
	return f
}

// dense emits a dense layer's kernel and its call: x prepared as A rows
// (see prepareKernel), then the tiles, with the weights packed at build
// time as B's panels.
func (e *emitter) dense(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	d := p.(ref.DenseParams)
	if d.FilterOffset != 0 {
		return fmt.Errorf("weights with a zero point (%d) are not supported", -d.FilterOffset)
	}
	units := d.Units
	mult, shift, err := rescales(d.Out, units)
	if err != nil {
		return err
	}
	w := v.Args[1]
	bias := make([]int32, units)
	if len(v.Args) == 3 {
		copy(bias, v.Args[2].Data.I32)
	}
	e.foldOffsets(bias, w.Data.I8, d.In, d.InputOffset)
	packed, kq := e.form.packPanels(w.Data.I8, units, d.In)
	// The tiles read a panel's width of each, at least.
	W := e.form.width
	for len(bias) < W {
		bias, mult, shift = append(bias, 0), append(mult, 0), append(shift, 0)
	}
	f := e.layerKernel(v, func(name string) *llir.Func { return e.denseKernel(name, d, kq) })
	call := b.NewCall(f,
		e.arenaPtr(b, n, arena, v.Args[0]),
		e.constant(w.Name+".packed", i8Tensor(packed), fmt.Sprintf("%s packed in panels of %d units, each %d quads: 4 inputs of each unit in turn (zeros past its %d inputs)", describe(w), W, kq, d.In)),
		e.constant(v.Name+".bias", i32Tensor(bias), e.biasComment(v, d.InputOffset)),
		e.constant(v.Name+".mult", i32Tensor(mult), "per-unit multipliers of "+v.Name),
		e.constant(v.Name+".shift", i32Tensor(shift), "per-unit shifts of "+v.Name),
		e.arenaPtr(b, n, arena, v), n, e.scratchPtr(b, n, arena))
	e.note(call, v)
	return nil
}

// denseKernel is ref.Dense for one layer (per-unit rescales, no weight
// offset) on a batch of n: x's rows prepared as A in the scratch, the
// packed weights as B.
func (e *emitter) denseKernel(name string, d ref.DenseParams, kq int) *llir.Func {
	x, w, bias := llir.NewParam("x", i8p), llir.NewParam("w", i8p), llir.NewParam("bias", i32p)
	mult, shift, out := llir.NewParam("mult", i32p), llir.NewParam("shift", i32p), llir.NewParam("out", i8p)
	n, scratch := llir.NewParam("n", types.I64), llir.NewParam("scratch", i8p)
	f := internal(e.mod.NewFunc(name, types.Void, x, w, bias, mult, shift, out, n, scratch))
	k := &builder{f: f, b: f.NewBlock("entry")}
	rows := times(k.b, n, d.Rows)
	k.b.NewCall(e.kernel.Prepare(), x, scratch, rows, i64(int64(d.In)), i64(int64(4*kq)))
	W := e.form.width
	matmul{rows: rows, kq: kq, np: (d.Units + W - 1) / W, ncols: d.Units,
		a: scratch, lda: kq * e.form.quadBytes(), b: w, ldb: kq * e.form.chunk(),
		bias: bias, mult: mult, shift: shift, out: out, ldo: d.Units,
		off: d.OutputOffset, lo: d.ActMin, hi: d.ActMax}.emit(k, &e.kernel)
	k.b.NewRet(nil)
	return f
}

// foldOffsets adds to each unit's bias its input offset's term, in_off
// times the sum of its weights, and the dot-product form's offset term,
// -offset times the same sum (see dotForm): w holds len(bias) rows of ld
// weights. int32 arithmetic wraps modulo 2^32, so the sums have the
// reference's bits.
func (e *emitter) foldOffsets(bias []int32, w []int8, ld int, inOff int32) {
	for u := range bias {
		var sum int32
		for _, q := range w[u*ld : (u+1)*ld] {
			sum += int32(q)
		}
		bias[u] += inOff*sum - e.form.offset*sum
	}
}

// biasComment describes a bias with its offsets folded in.
func (e *emitter) biasComment(v *ir.Value, inOff int32) string {
	s := fmt.Sprintf("bias of %s, plus its input offset %d times the weights' row sums", v.Name, inOff)
	if e.form.offset != 0 {
		s += fmt.Sprintf(", minus %d times the row sums (VPDPBUSD multiplies x+%d)", e.form.offset, e.form.offset)
	}
	return s
}

// rescales returns a layer's multipliers and shifts, one per channel (a
// per-tensor rescale repeated), each shift checked.
func rescales(out []ref.Requant, channels int) (mult, shift []int32, err error) {
	mult, shift = make([]int32, channels), make([]int32, channels)
	for c := range channels {
		r := out[min(c, len(out)-1)]
		if r.Shift < -31 || r.Shift > 30 {
			return nil, nil, fmt.Errorf("rescale shift %d of channel %d not in [-31, 30]", r.Shift, c)
		}
		mult[c], shift[c] = r.Mult, int32(r.Shift)
	}
	return mult, shift, nil
}

// conv emits a layer's convolution kernel and its call.
func (e *emitter) conv(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	c := p.(ref.ConvParams)
	if c.FilterOffset != 0 {
		return fmt.Errorf("weights with a zero point (%d) are not supported", -c.FilterOffset)
	}
	mult, shift, err := rescales(c.Out, c.F)
	if err != nil {
		return err
	}
	l := newConvLayout(c, e.form.width)
	w := v.Args[1]
	bias := make([]int32, c.F)
	if len(v.Args) == 3 {
		copy(bias, v.Args[2].Data.I32)
	}
	e.foldOffsets(bias, w.Data.I8, l.k, c.InputOffset)
	// The filters as A: rows of kq quads, zero past each filter's taps,
	// int16 for the wide forms.
	desc := fmt.Sprintf("%s as rows of %d, zero past its %d taps", describe(w), 4*l.kq, l.k)
	var filters value.Value
	if e.form.wideA {
		a := make([]int16, c.F*4*l.kq)
		for f := range c.F {
			for i, x := range w.Data.I8[f*l.k : (f+1)*l.k] {
				a[f*4*l.kq+i] = int16(x)
			}
		}
		filters = constant.NewBitCast(e.constant16(w.Name+".rows", a, desc+", in int16").(constant.Constant), i8p)
	} else {
		a := make([]int8, c.F*4*l.kq)
		for f := range c.F {
			copy(a[f*4*l.kq:], w.Data.I8[f*l.k:(f+1)*l.k])
		}
		filters = e.constant(w.Name+".rows", i8Tensor(a), desc)
	}
	from := e.constant(v.Name+".from", i32Tensor(l.from), fmt.Sprintf("where each row of %s's patches starts", v.Name))
	f := e.layerKernel(v, func(name string) *llir.Func { return convKernel(e.mod, &e.kernel, name, c, l, from) })
	call := b.NewCall(f,
		e.arenaPtr(b, n, arena, v.Args[0]),
		filters,
		e.constant(v.Name+".bias", i32Tensor(bias), e.biasComment(v, c.InputOffset)),
		e.constant(v.Name+".mult", i32Tensor(mult), "per-channel multipliers of "+v.Name),
		e.constant(v.Name+".shift", i32Tensor(shift), "per-channel shifts of "+v.Name),
		e.arenaPtr(b, n, arena, v), n, e.scratchPtr(b, n, arena))
	e.note(call, v)
	return nil
}

// pool emits a layer's pooling kernel and its call.
func (e *emitter) pool(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	average := v.Op == ir.OpQAvgPool
	if oy, ox, empty := emptyWindow(p.(ref.PoolParams)); average && empty {
		return fmt.Errorf("output (%d, %d) averages a window with no input in it", oy, ox)
	}
	f := e.layerKernel(v, func(name string) *llir.Func { return poolKernel(e.mod, name, p.(ref.PoolParams), average) })
	e.note(b.NewCall(f, e.arenaPtr(b, n, arena, v.Args[0]), e.arenaPtr(b, n, arena, v), n), v)
	return nil
}

// affine emits a batch norm's kernel and its call.
func (e *emitter) affine(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	a := p.(ref.AffineParams)
	mult, shift, err := rescales(a.Out, a.C)
	if err != nil {
		return err
	}
	w, bias := v.Args[1], v.Args[2]
	f := e.layerKernel(v, func(name string) *llir.Func { return affineKernel(e.mod, name, a, e.kernel.Requant()) })
	call := b.NewCall(f,
		e.arenaPtr(b, n, arena, v.Args[0]),
		e.constant(w.Name, w.Data, describe(w)),
		e.constant(bias.Name, bias.Data, describe(bias)),
		e.constant(v.Name+".mult", i32Tensor(mult), "per-channel multipliers of "+v.Name),
		e.constant(v.Name+".shift", i32Tensor(shift), "per-channel shifts of "+v.Name),
		e.arenaPtr(b, n, arena, v), n)
	e.note(call, v)
	return nil
}

// mean emits a global average pooling's, a mean's or a sum's kernel and
// its call (ref.Mean and ref.Sum are one computation, with the 1/Reduce
// of a mean folded into its multiplier).
func (e *emitter) mean(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	var m ref.MeanParams
	switch p := p.(type) {
	case ref.MeanParams:
		m = p
	case ref.SumParams:
		m = ref.MeanParams(p)
	}
	if _, _, err := rescales([]ref.Requant{m.R}, 1); err != nil {
		return err
	}
	if m.Reduce < 1 {
		return fmt.Errorf("a mean over %d values", m.Reduce)
	}
	f := e.layerKernel(v, func(name string) *llir.Func { return meanKernel(e.mod, name, m, e.kernel.Requant()) })
	e.note(b.NewCall(f, e.arenaPtr(b, n, arena, v.Args[0]), e.arenaPtr(b, n, arena, v), n), v)
	return nil
}

// arith emits an elementwise add, subtract or multiply and its kernel.
func (e *emitter) arith(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	var op arith
	var rescales []ref.Requant
	switch p := p.(type) {
	case ref.AddParams:
		if p.LeftShift < 0 || p.LeftShift > 30 {
			return fmt.Errorf("left shift %d not in [0, 30]", p.LeftShift)
		}
		op.add, rescales = &p, []ref.Requant{p.Input1, p.Input2, p.Output}
	case ref.MulParams:
		op.mul, rescales = &p, []ref.Requant{p.Output}
	}
	for _, r := range rescales {
		if r.Shift < -31 || r.Shift > 30 || op.add != nil && r.Shift > 0 {
			return fmt.Errorf("rescale shift %d out of range", r.Shift)
		}
	}
	if !v.Type.Batched {
		return fmt.Errorf("an operation on constants alone")
	}
	dims := append([]int{0}, v.Type.Dims...) // the batch, then one example's
	xs, ys := broadcastStrides(v.Args[0].Type, v.Type.Dims), broadcastStrides(v.Args[1].Type, v.Type.Dims)
	f := e.layerKernel(v, func(name string) *llir.Func { return arithKernel(e.mod, name, op, dims, xs, ys, e.kernel.Requant()) })
	e.note(b.NewCall(f, e.operand(b, n, arena, v.Args[0]), e.operand(b, n, arena, v.Args[1]), e.arenaPtr(b, n, arena, v), n), v)
	return nil
}

// softmax emits a softmax's kernel and its call, with its exp tables.
func (e *emitter) softmax(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	sp := p.(ref.SoftmaxParams)
	if sp.InputBetaLeftShift < -31 || sp.InputBetaLeftShift > 31 {
		return fmt.Errorf("input multiplier shift %d out of range", sp.InputBetaLeftShift)
	}
	exp, sum := tensor.New(tensor.I32, 256), tensor.New(tensor.I32, 256)
	for d := int32(-255); d <= 0; d++ {
		if d < sp.DiffMin {
			continue // the output is -128, and the sum leaves it out
		}
		scaled := fixedpoint.MultiplyByQuantizedMultiplier(d, sp.InputBetaMultiplier, sp.InputBetaLeftShift)
		x := fixedpoint.ExpOnNegativeValues(scaled, 5)
		exp.I32[d+255], sum.I32[d+255] = x, fixedpoint.Rescale(x, 0, 12)
	}
	depth := v.Type.Dims[v.Type.Rank()-1]
	if e.softmaxFns == nil {
		h := newSoftmaxHelpers(e.mod)
		e.softmaxFns = &h
	}
	f := e.layerKernel(v, func(name string) *llir.Func {
		return softmaxKernel(e.mod, name, v.Type.Elems()/depth, depth, sp.DiffMin, *e.softmaxFns)
	})
	e.note(b.NewCall(f, e.arenaPtr(b, n, arena, v.Args[0]), e.arenaPtr(b, n, arena, v), n,
		e.constant(v.Name+".exp", exp, fmt.Sprintf("exp(x - max) of %s in Q0.31, x - max from -255 to 0", v.Name)),
		e.constant(v.Name+".sum", sum, fmt.Sprintf("the same in Q12.19, 0 below diff_min %d", sp.DiffMin))), v)
	return nil
}

// interaction emits an FM's or a bi-interaction's kernel and its call.
func (e *emitter) interaction(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	q := p.(ref.InteractionParams)
	if q.R.Shift < -31 || q.R.Shift > 30 || q.R.Mult < 0 {
		return fmt.Errorf("rescale (%d, %d) out of range", q.R.Mult, q.R.Shift)
	}
	fm := v.Op == ir.OpQFM
	f := e.layerKernel(v, func(name string) *llir.Func { return interactionKernel(e.mod, name, q, fm) })
	e.note(b.NewCall(f, e.arenaPtr(b, n, arena, v.Args[0]), e.arenaPtr(b, n, arena, v), n), v)
	return nil
}

// concat emits a concatenation's kernel and its call.
func (e *emitter) concat(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	c := p.(ir.ConcatInputs)
	for _, r := range c.R {
		if r.R.Shift < -31 || r.R.Shift > 30 {
			return fmt.Errorf("rescale shift %d not in [-31, 30]", r.R.Shift)
		}
	}
	axis := v.Attrs.Int("axis")
	outer, inner := 1, 1
	for _, d := range v.Type.Dims[:axis] {
		outer *= d
	}
	for _, d := range v.Type.Dims[axis+1:] {
		inner *= d
	}
	args := []value.Value{e.arenaPtr(b, n, arena, v), n}
	var widths []int
	for _, a := range v.Args {
		if r := plan.Root(a); r.IsSource() {
			return fmt.Errorf("operand %s is not computed from the inputs", r.Name)
		}
		widths = append(widths, a.Type.Dims[axis]*inner)
		args = append(args, e.arenaPtr(b, n, arena, a))
	}
	f := e.layerKernel(v, func(name string) *llir.Func { return concatKernel(e.mod, name, outer, widths, c, e.kernel.Requant()) })
	e.note(b.NewCall(f, args...), v)
	return nil
}

// operand is the address of an operand's bytes: in the arena, or a
// constant's global.
func (e *emitter) operand(b *llir.Block, n, arena value.Value, a *ir.Value) value.Value {
	if r := plan.Root(a); r.IsSource() && r.Op != ir.OpInput {
		return e.constant(r.Name, r.Data, describe(r))
	}
	return e.arenaPtr(b, n, arena, a)
}

// lookup emits an elementwise function of one int8 operand as a table:
// the op's own integer semantics (its Eval, the reference kernel the VM
// runs too) applied to each of the 256 int8 values.
func (e *emitter) lookup(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	if _, err := ir.ParamsOf(v); err != nil {
		return err
	}
	in, out := tensor.New(tensor.I8, 256), tensor.New(tensor.I8, 256)
	for i := range in.I8 {
		in.I8[i] = int8(i - 128)
	}
	if err := v.Op.Eval(v, []*tensor.Tensor{in}, out); err != nil {
		return err
	}
	table := e.constant(v.Name+".table", out, fmt.Sprintf("%s of every int8 value, -128 first", v.Op.Name))
	e.note(b.NewCall(e.kernel.Lookup(), e.arenaPtr(b, n, arena, v.Args[0]), e.arenaPtr(b, n, arena, v), times(b, n, v.Type.Elems()), table), v)
	return nil
}

// requantize emits a qrequantize call.
func (e *emitter) requantize(b *llir.Block, n, arena value.Value, v *ir.Value) error {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return err
	}
	r := p.(ir.RequantizeClamp)
	if s := r.R.R.Shift; s < -31 || s > 30 {
		return fmt.Errorf("rescale shift %d not in [-31, 30]", s)
	}
	call := b.NewCall(e.kernel.Requantize(), e.arenaPtr(b, n, arena, v.Args[0]), e.arenaPtr(b, n, arena, v),
		times(b, n, v.Type.Elems()), i32(r.R.InputOffset), i32(r.R.OutputOffset), i32(r.R.R.Mult), i32(int32(r.R.R.Shift)),
		i32(r.Lo), i32(r.Hi))
	e.note(call, v)
	return nil
}

// entry emits kiln_m_run (int8 at the boundary) or kiln_m_run_f32 (float,
// quantized and dequantized here as the VM's Run does). Every op runs in
// graph order, the boundary ops too: the memory plan may give an input's
// int8 bytes to a value that dies before the input's quantization, or
// an output's to a value computed after its dequantization.
func (e *emitter) entry(float bool) error {
	elem, name := types.Type(types.I8), e.prefix+"_run"
	if float {
		elem, name = types.Float, e.prefix+"_run_f32"
	}
	ptr := types.NewPointer(elem)
	n32 := llir.NewParam("n", types.I32)
	params := []*llir.Param{n32}
	var ins, outs []*llir.Param
	e.bound = map[*ir.Value]value.Value{}
	for _, p := range e.inputs {
		t := ptr
		if p.ids {
			t = i32p
		}
		in := llir.NewParam(p.c, t)
		ins = append(ins, in)
		if p.ids {
			e.bound[p.float] = in
		}
	}
	for _, p := range e.outputs {
		outs = append(outs, llir.NewParam(p.c, ptr))
	}
	arena := llir.NewParam("arena", i8p)
	params = append(append(append(params, ins...), outs...), arena)
	f := e.mod.NewFunc(name, types.I32, params...)
	f.FuncAttrs = append(f.FuncAttrs, enum.FuncAttrNoUnwind)
	var badID *llir.Block // returns -2: an id outside an embedding's vocabulary
	entry, run, bad := f.NewBlock("entry"), f.NewBlock("run"), f.NewBlock("bad_batch")
	entry.NewCondBr(entry.NewICmp(enum.IPredSLT, n32, i32(1)), bad, run)
	bad.NewRet(i32(-1))
	b := run
	n := b.NewSExt(n32, types.I64)
	n.SetName("n64")
	for _, v := range e.g.Values {
		switch {
		case v.IsSource() || v.Op.Alias:
		case v.Op == ir.OpQuantize:
			for k, p := range e.inputs {
				if p.q != v {
					continue
				}
				q, count := e.arenaPtr(b, n, arena, v), times(b, n, p.elems)
				if float {
					e.note(b.NewCall(e.kernel.Quantize(), ins[k], q, count, f32(p.scale), i32(p.zero)), v)
				} else {
					e.note(b.NewCall(e.kernel.Memcpy(), q, ins[k], count, constant.False), v)
				}
			}
		case v.Op == ir.OpDequantize:
			for k, p := range e.outputs {
				if plan.Root(p.float) != v {
					continue
				}
				q, count := e.arenaPtr(b, n, arena, p.q), times(b, n, p.elems)
				if float {
					e.note(b.NewCall(e.kernel.Dequantize(), q, outs[k], count, f32(p.scale), i32(p.zero)), v)
				} else {
					e.note(b.NewCall(e.kernel.Memcpy(), outs[k], q, count, constant.False), v)
				}
			}
		case v.Op == ir.OpQEmbedding || v.Op == ir.OpQEmbeddingBag:
			embed := e.embedding
			if v.Op == ir.OpQEmbeddingBag {
				embed = e.embeddingBag
			}
			status, err := embed(b, n, arena, v)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", v.Pos, v.Name, err)
			}
			if badID == nil {
				badID = f.NewBlock("bad_id")
				badID.NewRet(i32(-2))
			}
			next := f.NewBlock("after." + cIdent(v.Name))
			b.NewCondBr(b.NewICmp(enum.IPredEQ, status, i32(0)), next, badID)
			b = next
		default:
			if err := e.op(b, n, arena, v); err != nil {
				return err
			}
		}
	}
	b.NewRet(i32(0))
	return nil
}

// embedding emits an embedding's gather and returns its status (0, or -2
// for an id outside the vocabulary). Its rows are rescaled to the
// output's parameters here, once, with ref.Embedding's arithmetic.
func (e *emitter) embedding(b *llir.Block, n, arena value.Value, v *ir.Value) (value.Value, error) {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return nil, err
	}
	em := p.(ref.EmbeddingParams)
	table := v.Args[1]
	rows := tensor.New(tensor.I8, em.Vocab*em.Dim)
	for id := range em.Vocab {
		r := em.Rows[id]
		if r.Shift < -31 || r.Shift > 30 {
			return nil, fmt.Errorf("rescale shift %d of row %d not in [-31, 30]", r.Shift, id)
		}
		for d := range em.Dim {
			q := fixedpoint.MultiplyByQuantizedMultiplier(int32(table.Data.I8[id*em.Dim+d]), r.Mult, r.Shift) + em.OutputOffset
			rows.I8[id*em.Dim+d] = int8(min(max(q, -128), 127))
		}
	}
	ids := v.Args[0]
	call := b.NewCall(e.kernel.Embedding(), e.arenaPtr(b, n, arena, ids),
		e.constant(v.Name+".rows", rows, fmt.Sprintf("the rows of %s, each rescaled to %s's parameters", table.Name, v.Name)),
		e.arenaPtr(b, n, arena, v), times(b, n, ids.Type.Elems()), i64(int64(em.Dim)), i64(int64(em.Vocab)))
	e.note(call, v)
	return call, nil
}

// embeddingBag emits an embedding bag's pooling and returns its status
// (0, or -2 for an id outside the vocabulary that is not pad). Its rows
// are brought to the table's common scale here, once, by
// ref.EmbeddingBagRows; each count's rescale is a constant.
func (e *emitter) embeddingBag(b *llir.Block, n, arena value.Value, v *ir.Value) (value.Value, error) {
	p, err := ir.ParamsOf(v)
	if err != nil {
		return nil, err
	}
	eb := p.(ref.EmbeddingBagParams)
	mult, shift := tensor.New(tensor.I32, eb.Len), tensor.New(tensor.I32, eb.Len)
	for c, r := range eb.Counts {
		if r.Shift < -31 || r.Shift > 30 {
			return nil, fmt.Errorf("rescale shift %d of a list of %d ids not in [-31, 30]", r.Shift, c+1)
		}
		mult.I32[c], shift.I32[c] = r.Mult, int32(r.Shift)
	}
	table := v.Args[1]
	rows := tensor.New(tensor.I8, eb.Vocab*eb.Dim)
	ref.EmbeddingBagRows(&eb, table.Data.I8, rows.I8)
	ids := v.Args[0]
	call := b.NewCall(e.kernel.EmbeddingBag(), e.arenaPtr(b, n, arena, ids),
		e.constant(v.Name+".rows", rows, fmt.Sprintf("the rows of %s, each rescaled to the table's largest scale", table.Name)),
		e.arenaPtr(b, n, arena, v), times(b, n, ids.Type.Elems()/eb.Len), i64(int64(eb.Len)), i64(int64(eb.Dim)), i64(int64(eb.Vocab)),
		i32(eb.Pad),
		e.constant(v.Name+".count_mult", mult, fmt.Sprintf("the multipliers of %s, one per count of ids", v.Name)),
		e.constant(v.Name+".count_shift", shift, fmt.Sprintf("the shifts of %s, one per count of ids", v.Name)),
		i32(eb.OutputOffset))
	e.note(call, v)
	return call, nil
}

// arenaPtr is the address of v's bytes for a batch of n: the plan's
// offsets are per example and scale with the batch.
func (e *emitter) arenaPtr(b *llir.Block, n, arena value.Value, v *ir.Value) value.Value {
	if p, ok := e.bound[plan.Root(v)]; ok {
		return p // ids, read where the caller keeps them
	}
	off := e.offset(v)
	if off == 0 {
		return arena
	}
	return b.NewGetElementPtr(types.I8, arena, times(b, n, off))
}

// scratchPtr is the address of the scratch, after the plan's values (see
// model.scratch).
func (e *emitter) scratchPtr(b *llir.Block, n, arena value.Value) value.Value {
	return b.NewGetElementPtr(types.I8, arena, times(b, n, e.plan.Size))
}

// times is n * k for a batch size n.
func times(b *llir.Block, n value.Value, k int) value.Value {
	if k == 1 {
		return n
	}
	return b.NewMul(n, i64(int64(k)))
}

// constant returns a pointer to the first element of a constant tensor,
// defined once as an aligned global under its name (a different tensor
// under a name already taken gets '_' appended).
func (e *emitter) constant(name string, t *tensor.Tensor, comment string) value.Value {
	for {
		c, ok := e.consts[name]
		if !ok || sameData(c.data, t) {
			break
		}
		name += "_"
	}
	c, ok := e.consts[name]
	if !ok {
		var init constant.Constant
		switch t.DType {
		case tensor.I8:
			b := make([]byte, len(t.I8))
			for i, x := range t.I8 {
				b[i] = byte(x)
			}
			init = constant.NewCharArray(b)
		case tensor.I32:
			xs := make([]constant.Constant, len(t.I32))
			for i, x := range t.I32 {
				xs[i] = i32(x)
			}
			init = constant.NewArray(types.NewArray(uint64(len(xs)), types.I32), xs...)
		default:
			panic(fmt.Sprintf("llvm: constant %s: %v", name, t.DType)) // the verifier allows only i8 weights and i32 biases
		}
		c = constGlobal{g: e.global(name, init, comment), data: t}
		e.consts[name] = c
	}
	g := c.g
	return constant.NewGetElementPtr(g.ContentType, g, i64(0), i64(0))
}

// global defines a private, aligned constant global with its comment.
func (e *emitter) global(name string, init constant.Constant, comment string) *llir.Global {
	g := e.mod.NewGlobalDef(name, init)
	g.Immutable = true
	g.Linkage = enum.LinkagePrivate
	g.UnnamedAddr = enum.UnnamedAddrUnnamedAddr
	g.Align = llir.Align(kbc.Align)
	if e.globals == nil {
		e.globals = map[string]string{}
	}
	e.globals[g.Ident()] = comment
	return g
}

// constant16 is constant for int16 data (a convolution's widened
// filters).
func (e *emitter) constant16(name string, xs []int16, comment string) value.Value {
	for {
		c, ok := e.consts[name]
		if !ok || c.data == nil && slices.Equal(c.i16, xs) {
			break
		}
		name += "_"
	}
	c, ok := e.consts[name]
	if !ok {
		cs := make([]constant.Constant, len(xs))
		for i, x := range xs {
			cs[i] = constant.NewInt(types.I16, int64(x))
		}
		c = constGlobal{g: e.global(name, constant.NewArray(types.NewArray(uint64(len(cs)), types.I16), cs...), comment), i16: xs}
		e.consts[name] = c
	}
	return constant.NewGetElementPtr(c.g.ContentType, c.g, i64(0), i64(0))
}

// note attaches v's description to a kernel call, for its comment.
func (e *emitter) note(call *llir.InstCall, v *ir.Value) {
	md := &metadata.Tuple{MetadataID: -1, Fields: []metadata.Field{&metadata.String{Value: describe(v)}}}
	e.mod.MetadataDefs = append(e.mod.MetadataDefs, md)
	e.notes = append(e.notes, md)
	call.Metadata = append(call.Metadata, &metadata.Attachment{Name: "kiln.src", Node: md})
}

var srcAttachment = regexp.MustCompile(`, !kiln\.src !(\d+)$`)

// text prints the module with a comment heading it and one before every
// kernel call and constant, naming the value and its source position.
func (e *emitter) text() []byte {
	// Kernels come first, written on first use; then the model's code.
	rank := func(f *llir.Func) int {
		switch {
		case len(f.Blocks) == 0:
			return 0 // an intrinsic's declaration
		case f.Linkage != enum.LinkageInternal:
			return 2 // an entry point
		}
		return 1
	}
	sort.SliceStable(e.mod.Funcs, func(i, j int) bool { return rank(e.mod.Funcs[i]) < rank(e.mod.Funcs[j]) })
	src := e.mod.String() // assigns the metadata IDs
	for _, md := range e.notes {
		e.comments[md.ID()] = md.Fields[0].(*metadata.String).Value
	}
	var b strings.Builder
	fmt.Fprintf(&b, "; kiln model %s, compiled from its int8 graph.\n", e.g.Name)
	fmt.Fprintf(&b, "; Entry points: %s_run (int8 in and out), %s_run_f32 (float in and out), %s_arena_size.\n", e.prefix, e.prefix, e.prefix)
	fmt.Fprintf(&b, "; Dot products: the %s form.\n", e.form.name)
	fmt.Fprintf(&b, "; Arena: %d bytes per example.\n\n", e.arenaSize())
	for _, line := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		if m := srcAttachment.FindStringSubmatch(line); m != nil {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
			fmt.Fprintf(&b, "%s; %s\n", indent, e.comments[id])
		} else if at := strings.Index(line, " = "); strings.HasPrefix(line, "@") && at > 0 {
			if c, ok := e.globals[line[:at]]; ok {
				fmt.Fprintf(&b, "; %s\n", c)
			}
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// constGlobal is a constant's global and the data it holds.
type constGlobal struct {
	g    *llir.Global
	data *tensor.Tensor // nil for int16 data
	i16  []int16
}

// sameData reports whether two tensors hold the same elements.
func sameData(a, b *tensor.Tensor) bool {
	return a == b || a != nil && b != nil && a.DType == b.DType && slices.Equal(a.I8, b.I8) && slices.Equal(a.I32, b.I32)
}

func i8Tensor(xs []int8) *tensor.Tensor {
	t := tensor.New(tensor.I8, len(xs))
	copy(t.I8, xs)
	return t
}

func i32Tensor(xs []int32) *tensor.Tensor {
	t := tensor.New(tensor.I32, len(xs))
	copy(t.I32, xs)
	return t
}
