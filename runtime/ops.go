package runtime

import (
	"fmt"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/runtime/kernels"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// Per-opcode operand checks and the kernel parameters prepared at load.
// What every opcode's schema (internal/kbc) says — the operand counts and
// each integer's range — is checked first, for all opcodes alike; the
// checks here read the parameters by name and relate them to each other
// and to the operands. The kernels for the hot opcodes (DENSE, CONV) are
// runtime/kernels'; the others run the reference kernels
// (runtime/kernels/ref) themselves, with parameters decoded once.

// checker reports the first problem with an instruction's operands.
type checker struct {
	m   *Model
	in  *instr
	sch *kbc.Schema
	err error
}

func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

func (c *checker) tensor(role int) *tensor { return &c.m.tensors[c.in.t[role]] }

// act checks a batched activation operand of the given dtype.
func (c *checker) act(role int, dt DType, name string) *tensor {
	t := c.tensor(role)
	if !t.batched || t.dtype != dt || t.store == kbc.StoreConst {
		c.fail("%s %s must be batched %v data, got %v%v", name, t.name, dt, t.dtype, t.dims)
	}
	return t
}

// constant checks a constant operand.
func (c *checker) constant(role int, dt DType, name string, elems ...int) *tensor {
	t := c.tensor(role)
	if t.store != kbc.StoreConst || t.dtype != dt {
		c.fail("%s %s must be a %v constant", name, t.name, dt)
		return t
	}
	if len(elems) > 0 && t.elems != elems[0] && (len(elems) < 2 || t.elems != elems[1]) {
		c.fail("%s %s has %d elements, want %v", name, t.name, t.elems, elems)
	}
	return t
}

// perTensor checks an int8 activation's per-tensor quantization.
func (c *checker) perTensor(t *tensor) {
	if t.quant.kind != kbc.QuantTensor {
		c.fail("%s must be quantized per tensor", t.name)
	}
}

// int returns the integer parameter name, which checkInstr has checked
// against its range. Names are looked up once, at load.
func (c *checker) int(name string) int { return int(c.in.ints[c.sch.Index(name)]) }

func (c *checker) i32(name string) int32 { return int32(c.in.ints[c.sch.Index(name)]) }

// perInput returns the per-input integer parameter name of the variadic
// operand j (0 for the first repetition).
func (c *checker) perInput(j int, name string) int64 {
	return c.in.ints[len(c.sch.Ints)+j*len(c.sch.PerInput)+c.sch.Index(name)]
}

// requant returns a multiplier and a shift.
func (c *checker) requant(mult, shift string) ref.Requant {
	return ref.Requant{Mult: c.i32(mult), Shift: c.int(shift)}
}

// clamp returns the activation range act_min, act_max, which must not be
// empty.
func (c *checker) clamp() (int32, int32) {
	lo, hi := c.i32("act_min"), c.i32("act_max")
	if lo > hi {
		c.fail("activation range [%d, %d] is empty", lo, hi)
	}
	return lo, hi
}

// paramName names integer parameter i of an instruction with schema s;
// a per-input parameter of a variadic opcode carries the input's number
// (from 0) in brackets.
func paramName(s *kbc.Schema, i int) string {
	f, ok := s.Field(i)
	switch {
	case !ok:
		return fmt.Sprint(i)
	case i < len(s.Ints):
		return f.Name
	}
	return fmt.Sprintf("%s[%d]", f.Name, (i-len(s.Ints))/len(s.PerInput))
}

// requants decodes per-channel multiplier and shift constants.
func (c *checker) requants(multRole, shiftRole, channels int) []ref.Requant {
	mt := c.constant(multRole, I32, "multipliers", channels, 1)
	st := c.constant(shiftRole, I32, "shifts", channels, 1)
	if c.err != nil {
		return nil
	}
	if mt.elems != st.elems {
		c.fail("%d multipliers but %d shifts", mt.elems, st.elems)
		return nil
	}
	rq := make([]ref.Requant, mt.elems)
	for j := range rq {
		if mt.i32[j] < 0 || st.i32[j] < -31 || st.i32[j] > 30 {
			c.fail("channel %d: multiplier %d and shift %d are out of range", j, mt.i32[j], st.i32[j])
			return nil
		}
		rq[j] = ref.Requant{Mult: mt.i32[j], Shift: int(st.i32[j])}
	}
	return rq
}

func sameDims(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkInstr checks one instruction against its opcode and the values
// written so far, and prepares its kernel parameters.
func (m *Model) checkInstr(in *instr, written []bool) error {
	sch := in.op.Schema()
	if sch == nil {
		return fmt.Errorf("unknown opcode %d", in.op)
	}
	if !sch.Arity(len(in.t), len(in.ints)) {
		if sch.Variadic {
			return fmt.Errorf("%d tensors and %d integers do not fit %v", len(in.t), len(in.ints), in.op)
		}
		return fmt.Errorf("%d tensors and %d integers; %v takes %d and %d", len(in.t), len(in.ints), in.op, len(sch.Tensors), len(sch.Ints))
	}
	// Every integer within its field's range: what the checks below and
	// the kernels may assume.
	for i, v := range in.ints {
		if f, _ := sch.Field(i); v < f.Lo || v > f.Hi {
			return fmt.Errorf("%s = %d is outside [%d, %d]", paramName(sch, i), v, f.Lo, f.Hi)
		}
	}
	out := &m.tensors[in.t[0]]
	if out.store != kbc.StoreArena || written[in.t[0]] {
		return fmt.Errorf("result %s must be an arena tensor no earlier instruction computes", out.name)
	}
	for _, t := range in.t[1:] {
		if !written[m.tensors[t].root] {
			return fmt.Errorf("operand %s is read before anything computes it", m.tensors[t].name)
		}
	}
	c := &checker{m: m, in: in, sch: sch}
	switch in.op {
	case kbc.OpQuantize:
		o, x := c.act(0, I8, "result"), c.act(1, F32, "input")
		c.perTensor(o)
		if o.elems != x.elems {
			c.fail("result %v and input %v differ in size", o.dims, x.dims)
		}
	case kbc.OpDequantize:
		o, x := c.act(0, F32, "result"), c.act(1, I8, "input")
		c.perTensor(x)
		if o.elems != x.elems {
			c.fail("result %v and input %v differ in size", o.dims, x.dims)
		}
	case kbc.OpRequantize:
		o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
		if o.elems != x.elems {
			c.fail("result %v and input %v differ in size", o.dims, x.dims)
		}
		p := ref.RequantizeParams{InputOffset: c.i32("in_offset"), OutputOffset: c.i32("out_offset"), R: c.requant("mult", "shift")}
		lo, hi := c.clamp()
		in.prep = c.table(func(x, out []int8) { ref.RequantizeClamp(&p, lo, hi, x, out) })
	case kbc.OpDense:
		in.prep = c.dense()
	case kbc.OpConv:
		in.prep = c.conv()
	case kbc.OpMaxPool, kbc.OpAvgPool:
		in.prep = c.pool()
	case kbc.OpMean, kbc.OpSum:
		in.prep = c.reduce()
	case kbc.OpAdd, kbc.OpSub, kbc.OpMul:
		in.prep = c.elementwise()
	case kbc.OpConcat:
		in.prep = c.concat()
	case kbc.OpSoftmax:
		o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
		if !sameDims(o.dims, x.dims) || len(x.dims) == 0 {
			c.fail("result %v and input %v differ", o.dims, x.dims)
		}
		p := ref.SoftmaxParams{InputBetaMultiplier: c.i32("beta_mult"), InputBetaLeftShift: c.int("beta_left_shift"), DiffMin: c.i32("diff_min")}
		if len(x.dims) > 0 {
			in.prep = softmaxOp{p: p, depth: x.dims[len(x.dims)-1]}
		}
	case kbc.OpLogistic, kbc.OpTanh:
		o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
		if o.elems != x.elems {
			c.fail("result %v and input %v differ in size", o.dims, x.dims)
		}
		p := ref.LogisticParams{InputZeroPoint: c.i32("in_zero"), InputRangeRadius: c.i32("range_radius"), InputMultiplier: c.i32("mult"), InputLeftShift: c.int("left_shift")}
		if in.op == kbc.OpLogistic {
			in.prep = c.table(func(x, out []int8) { ref.Logistic(&p, x, out) })
		} else {
			tp := ref.TanhParams(p)
			in.prep = c.table(func(x, out []int8) { ref.Tanh(&tp, x, out) })
		}
	case kbc.OpEmbedding:
		in.prep = c.embedding()
	case kbc.OpEmbeddingBag:
		in.prep = c.embeddingBag()
	case kbc.OpFM, kbc.OpBiInteraction:
		in.prep = c.interaction()
	case kbc.OpHardSwish:
		o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
		if o.elems != x.elems {
			c.fail("result %v and input %v differ in size", o.dims, x.dims)
		}
		p := ref.HardSwishParams{InputZeroPoint: c.i32("in_zero"), OutputZeroPoint: c.i32("out_zero"),
			ReluishMultiplier: int16(c.int("reluish_mult")), ReluishExponent: c.int("reluish_exponent"),
			OutputMultiplier: int16(c.int("out_mult")), OutputExponent: c.int("out_exponent")}
		in.prep = c.table(func(x, out []int8) { ref.HardSwish(&p, x, out) })
	case kbc.OpAffine:
		in.prep = c.affine()
	case kbc.OpTranspose:
		in.prep = c.transpose()
	}
	return c.err
}

// tableOp is a prepared REQUANTIZE, LOGISTIC, TANH or HARD_SWISH. Each
// maps an int8 to an int8 alone, so the reference kernel's results for
// the 256 int8 values, computed at load, are the whole op: a lookup an
// element, with the reference's bits (its fixed-point arithmetic costs
// 4 to 70 ns an element; BenchmarkOpCosts).
type tableOp struct{ table [256]int8 }

// table runs kernel on every int8 value and returns its results as a
// table indexed by the value's bits (uint8). A kernel that rejects its
// parameters (by panicking, as the reference kernels do) fails the
// instruction.
func (c *checker) table(kernel func(x, out []int8)) (t *tableOp) {
	if c.err != nil {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			c.fail("parameters its kernel rejects: %v", r)
			t = nil
		}
	}()
	var x, out [256]int8
	for i := range x {
		x[i] = int8(i - 128)
	}
	kernel(x[:], out[:])
	t = &tableOp{}
	for i, q := range x {
		t.table[uint8(q)] = out[i]
	}
	return t
}

// denseOp is a prepared DENSE: packed weights and the bias with the input
// offset folded in (bias_j + inOffset * sum_k w_jk, wrapping like int32).
// Where the weights are sparse enough that the sparse kernels win at some
// batch size (kernels.SparseFaster), they are also stored by their
// non-zeros, and Session.exec picks the kernel for the rows it runs; the
// bias serves both, since zeros add nothing to the row sums.
type denseOp struct {
	rows        int // rows per sample
	k, n        int
	w           *kernels.PackedWeights
	sparse      *kernels.SparseWeights // nil: dense kernels only
	density     float64                // fraction of non-zero weights
	bias        []int32
	mult, shift []int32
	outOff      int32
	lo, hi      int32
	// cols, in a model loaded for more than one thread, splits a large
	// layer's outputs into a part per thread, each packed on its own:
	// threads then share the layer by output channels, each reading its
	// part of the weights only, and one thread runs the parts in turn.
	cols []colPart
}

// colPart is the outputs [j0, j0+w.N()) of a dense layer and their weights.
type colPart struct {
	j0 int
	w  *kernels.PackedWeights
}

// colSplitBytes is the least weight matrix split by output channels: below
// it, a layer's weights stay in each core's cache and splitting the rows
// (the batch) costs nothing more. Above it, split by rows, every thread
// streams the whole matrix. On a two-core AMD EPYC (Zen 5) virtual
// machine (BenchmarkThreads), a 1024x1024 layer on two threads split by
// output channels ran 1.84-1.87 times as fast as on one at batch 512
// (1.57 split by rows), 2.19-2.45 at batch 1 (which rows cannot split),
// and at batch 64 as fast as split by rows within the noise (1.49-1.54
// against 1.47-1.48 in one spell).
const colSplitBytes = 1 << 18

// colBounds returns where a layer of n outputs splits into at most parts
// parts of whole 16-output panels (the widest kernel's), the last one
// ending at n.
func colBounds(n, parts int) []int {
	bounds := []int{0}
	for i := 1; i < parts; i++ {
		if j := (n*i/parts + 8) / 16 * 16; j > bounds[len(bounds)-1] && j < n {
			bounds = append(bounds, j)
		}
	}
	return append(bounds, n)
}

func (c *checker) dense() denseOp {
	o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
	c.perTensor(x)
	c.perTensor(o)
	if c.err != nil || len(x.dims) == 0 {
		c.fail("input must have at least one dimension")
		return denseOp{}
	}
	k := x.dims[len(x.dims)-1]
	w := c.tensor(2)
	if w.store != kbc.StoreConst || w.dtype != I8 || len(w.dims) != 2 || w.dims[1] != k {
		c.fail("weight %s must be an i8 constant [n,%d]", w.name, k)
		return denseOp{}
	}
	n := w.dims[0]
	want := append(append([]int{}, x.dims[:len(x.dims)-1]...), n)
	if !sameDims(o.dims, want) {
		c.fail("result %v, want %v", o.dims, want)
	}
	b := c.constant(3, I32, "bias", n)
	c.requants(4, 5, n) // checks the multipliers and shifts
	inOff, outOff := c.i32("in_offset"), c.i32("out_offset")
	lo, hi := c.clamp()
	if c.err != nil {
		return denseOp{}
	}
	p := denseOp{rows: x.elems / k, k: k, n: n, outOff: outOff, lo: lo, hi: hi}
	p.w = kernels.Pack(w.i8, n, k)
	p.bias = make([]int32, n)
	sums := p.w.RowSums()
	for j := range p.bias {
		p.bias[j] = b.i32[j] + inOff*sums[j]
	}
	p.mult, p.shift = c.m.tensors[c.in.t[4]].i32, c.m.tensors[c.in.t[5]].i32
	if c.m.threads > 1 && n*k >= colSplitBytes {
		if b := colBounds(n, c.m.threads); len(b) > 2 {
			for i := range len(b) - 1 {
				p.cols = append(p.cols, colPart{j0: b[i], w: kernels.Pack(w.i8[b[i]*k:b[i+1]*k], b[i+1]-b[i], k)})
			}
		}
	}
	if !c.m.forceDense {
		p.density = kernels.Density(w.i8)
		if kernels.SparseMayWin(p.density, c.m.kernels.Portable()) {
			p.sparse = kernels.Sparsify(w.i8, n, k)
		}
	}
	return p
}

// useSparse reports whether m rows run faster on the sparse kernels.
func (p *denseOp) useSparse(m int, portable bool) bool {
	return p.sparse != nil && kernels.SparseFaster(p.density, m, portable)
}

// scratch is the int32 scratch the layer's kernels need for m rows.
func (p *denseOp) scratch(m int) int {
	n := kernels.ScratchSize(p.w, m)
	for _, c := range p.cols {
		n = max(n, kernels.ScratchSize(c.w, m))
	}
	if p.sparse != nil {
		n = max(n, kernels.SparseScratchSize(p.sparse, m))
	}
	return n
}

// convOp is a prepared CONV.
type convOp struct {
	p ref.ConvParams // the geometry and offsets
	// One packed weight matrix per group ([F/G][C/G*KH*KW]), the bias
	// with the input offset folded in, and the requantization per channel.
	packed      []*kernels.PackedWeights
	fbias       []int32
	mult, shift []int32
	kk, pp      int  // patch length and output positions per sample
	direct      bool // a 1x1 convolution, stride 1, no padding: no patches
	grid        bool // otherwise stride 1: computed on the padded grid
	// depthwise, where the kernel set runs them on DepthwiseGrid
	// (kernels.Set.HasDepthwise), is a convolution with one input and
	// one output channel per group, run on each channel's padded plane
	// without a patch matrix. With a stride, the plane is split into
	// its phases, StrideH*StrideW planes of hq x wq (phase (ph, pw) holds
	// the padded plane's rows ph, ph+StrideH, ... and columns pw,
	// pw+StrideW, ...), one after the other: tap (ky, kx) of output
	// (oy, ox) then reads phase ((ky*DH)%StrideH, (kx*DW)%StrideW) at row
	// oy + ky*DH/StrideH and column ox + kx*DW/StrideW, so that the
	// strided convolution is a stride-1 one over the phases, computed on
	// their grid (output (oy, ox) at oy*wq + ox). Without a stride the
	// one phase is the padded plane. taps holds each channel's filter
	// ([F][KH*KW]), offs each tap's offset from the first phase's start.
	depthwise bool
	taps      []int8
	offs      []int
	hq, wq    int
}

// columns is the number of output positions the matrix product computes
// per sample and group: OH*OW, or OH times the padded width on the grid.
func (p *convOp) columns() int {
	if p.depthwise {
		return p.p.OH * p.wq
	}
	if p.grid {
		return p.p.OH * (p.p.W + 2*p.p.PadW)
	}
	return p.pp
}

// general returns p run as the general product: a depthwise
// convolution whose planes do not fit the memory limit at once.
func (p convOp) general() convOp {
	p.depthwise, p.taps, p.offs, p.hq, p.wq = false, nil, nil, 0, 0
	p.grid = p.p.StrideH == 1 && p.p.StrideW == 1
	return p
}

// planeLen is the span of each channel's phases in a depthwise
// convolution: the phases, and what the kernel reads past them.
func (p *convOp) planeLen() int {
	return max(p.p.StrideH*p.p.StrideW*p.hq*p.wq, kernels.DepthwiseLen(p.columns(), p.offs))
}

// scratch is the int32 scratch the convolution's kernels need.
func (p *convOp) scratch() int {
	n := 0
	for _, pw := range p.packed {
		n = max(n, kernels.ScratchSizeRHS(pw, p.columns()))
	}
	if p.depthwise {
		n = max(n, kernels.DepthwiseScratchSize(p.columns()))
	}
	return n
}

// paddedLen is the length of a grid convolution's padded input (the
// group's planes), or 0 when it needs none.
func (p *convOp) paddedLen() int {
	c := &p.p
	if p.depthwise {
		// Every channel's plane, copied even without padding: the
		// kernel reads past each one.
		return c.C * p.planeLen()
	}
	if !p.grid || c.PadH == 0 && c.PadW == 0 {
		return 0
	}
	return c.C / c.Groups * (c.H + 2*c.PadH) * (c.W + 2*c.PadW)
}

func (c *checker) conv() convOp {
	o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
	c.perTensor(x)
	c.perTensor(o)
	w := c.tensor(2)
	if c.err != nil {
		return convOp{}
	}
	spatial := len(x.dims) - 1
	if spatial != 1 && spatial != 2 || w.store != kbc.StoreConst || w.dtype != I8 || len(w.dims) != spatial+2 || len(o.dims) != spatial+1 {
		c.fail("input %v, weight %s %v and result %v do not make a 1-D or 2-D convolution", x.dims, w.name, w.dims, o.dims)
		return convOp{}
	}
	p := ref.ConvParams{C: x.dims[0], F: w.dims[0], H: 1, KH: 1, OH: 1}
	p.StrideH, p.StrideW = c.int("stride_h"), c.int("stride_w")
	p.PadH, p.PadW = c.int("pad_h"), c.int("pad_w")
	p.DilationH, p.DilationW = c.int("dilation_h"), c.int("dilation_w")
	p.Groups = c.int("groups")
	p.InputOffset, p.OutputOffset = c.i32("in_offset"), c.i32("out_offset")
	p.ActMin, p.ActMax = c.clamp()
	if spatial == 1 {
		p.W, p.KW, p.OW = x.dims[1], w.dims[2], o.dims[1]
		if p.StrideH != 1 || p.PadH != 0 || p.DilationH != 1 {
			c.fail("a 1-D convolution has stride, padding and dilation 1, 0 and 1 along H")
		}
	} else {
		p.H, p.W, p.KH, p.KW, p.OH, p.OW = x.dims[1], x.dims[2], w.dims[2], w.dims[3], o.dims[1], o.dims[2]
	}
	if c.err != nil {
		return convOp{}
	}
	if p.C%p.Groups != 0 || p.F%p.Groups != 0 || w.dims[1] != p.C/p.Groups || o.dims[0] != p.F {
		c.fail("groups %d, input channels %d, weight %v and result channels %d do not agree", p.Groups, p.C, w.dims, o.dims[0])
		return convOp{}
	}
	if convLen(p.H, p.KH, p.StrideH, p.PadH, p.DilationH) != p.OH || convLen(p.W, p.KW, p.StrideW, p.PadW, p.DilationW) != p.OW {
		c.fail("result %v does not follow from input %v, kernel %dx%d, stride %d,%d, padding %d,%d, dilation %d,%d",
			o.dims, x.dims, p.KH, p.KW, p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW)
		return convOp{}
	}
	b := c.constant(3, I32, "bias", p.F)
	p.Out = c.requants(4, 5, p.F)
	if c.err != nil {
		return convOp{}
	}
	op := convOp{p: p, mult: c.m.tensors[c.in.t[4]].i32, shift: c.m.tensors[c.in.t[5]].i32}
	op.kk = p.C / p.Groups * p.KH * p.KW
	op.pp = p.OH * p.OW
	op.direct = p.KH == 1 && p.KW == 1 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 0 && p.PadW == 0
	op.grid = !op.direct && p.StrideH == 1 && p.StrideW == 1
	// (The bounds on the padded plane and the strides keep its phases'
	// sizes and the taps' offsets far from overflowing; a file beyond
	// them runs the general product.)
	hp, wp := p.H+2*p.PadH, p.W+2*p.PadW
	if !op.direct && p.Groups == p.C && p.Groups == p.F && op.kk <= kernels.DepthwiseTaps && c.m.kernels.HasDepthwise() &&
		hp <= 1<<14 && wp <= 1<<14 && p.StrideH <= hp && p.StrideW <= wp && p.OH > 0 && p.OW > 0 {
		op.depthwise, op.taps, op.grid = true, w.i8, false
		op.hq, op.wq = ceilDiv(hp, p.StrideH), ceilDiv(wp, p.StrideW)
		for ky := range p.KH {
			for kx := range p.KW {
				dy, dx := ky*p.DilationH, kx*p.DilationW
				phase := (dy%p.StrideH)*p.StrideW + dx%p.StrideW
				op.offs = append(op.offs, phase*op.hq*op.wq+dy/p.StrideH*op.wq+dx/p.StrideW)
			}
		}
	}
	fpg := p.F / p.Groups
	op.fbias = make([]int32, p.F)
	for g := 0; g < p.Groups; g++ {
		pw := kernels.Pack(w.i8[g*fpg*op.kk:(g+1)*fpg*op.kk], fpg, op.kk)
		op.packed = append(op.packed, pw)
		for j, s := range pw.RowSums() {
			op.fbias[g*fpg+j] = b.i32[g*fpg+j] + p.InputOffset*s
		}
	}
	return op
}

// convLen is the output length of a window sliding over n positions, or
// -1 for a stride below 1 (which the callers reject first).
func convLen(n, k, stride, pad, dil int) int {
	if stride < 1 {
		return -1
	}
	span := dil*(k-1) + 1
	if n+2*pad < span {
		return 0
	}
	return (n+2*pad-span)/stride + 1
}

func (c *checker) pool() ref.PoolParams {
	o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
	if c.err != nil {
		return ref.PoolParams{}
	}
	spatial := len(x.dims) - 1
	if spatial != 1 && spatial != 2 || len(o.dims) != len(x.dims) || o.dims[0] != x.dims[0] {
		c.fail("input %v and result %v do not make a 1-D or 2-D pooling", x.dims, o.dims)
		return ref.PoolParams{}
	}
	p := ref.PoolParams{C: x.dims[0], H: 1, OH: 1}
	p.KH, p.KW = c.int("kernel_h"), c.int("kernel_w")
	p.StrideH, p.StrideW = c.int("stride_h"), c.int("stride_w")
	p.PadH, p.PadW = c.int("pad_h"), c.int("pad_w")
	p.ActMin, p.ActMax = c.clamp()
	if spatial == 1 {
		p.W, p.OW = x.dims[1], o.dims[1]
	} else {
		p.H, p.W, p.OH, p.OW = x.dims[1], x.dims[2], o.dims[1], o.dims[2]
	}
	if c.err != nil { // an empty activation range
		return p
	}
	if p.PadH >= p.KH || p.PadW >= p.KW {
		c.fail("padding %d,%d must be smaller than the window %dx%d", p.PadH, p.PadW, p.KH, p.KW)
	}
	if convLen(p.H, p.KH, p.StrideH, p.PadH, 1) != p.OH || convLen(p.W, p.KW, p.StrideW, p.PadW, 1) != p.OW {
		c.fail("result %v does not follow from input %v and the window", o.dims, x.dims)
	}
	return p
}

// reduceOp is a prepared MEAN or SUM; outer is per sample.
type reduceOp struct {
	outer, reduce, inner int
	inOff, outOff        int32
	r                    ref.Requant
	lo, hi               int32
}

func (c *checker) reduce() reduceOp {
	o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
	p := reduceOp{outer: c.int("outer"), reduce: c.int("reduce"), inner: c.int("inner"),
		inOff: c.i32("in_offset"), outOff: c.i32("out_offset"), r: c.requant("mult", "shift")}
	p.lo, p.hi = c.clamp()
	if c.err == nil && (p.outer*p.reduce > x.elems || p.outer*p.reduce*p.inner != x.elems || p.outer*p.inner != o.elems) {
		c.fail("[%d, %d, %d] does not fit input %v and result %v", p.outer, p.reduce, p.inner, x.dims, o.dims)
	}
	return p
}

// elementwiseOp is a prepared ADD, SUB or MUL: the per-sample broadcast
// strides of both operands, and the kernel parameters.
type elementwiseOp struct {
	shape          []int // per sample
	xs, ys         []int // per-sample strides
	xBatch, yBatch int   // batch strides (0 for a constant)
	add            ref.AddParams
	mul            ref.MulParams
	same           bool // both operands have the result's shape: no broadcast
}

func (c *checker) elementwise() elementwiseOp {
	o := c.act(0, I8, "result")
	x, y := c.tensor(1), c.tensor(2)
	for _, t := range []*tensor{x, y} {
		if t.dtype != I8 || (!t.batched && t.store != kbc.StoreConst) {
			c.fail("operand %s must be batched i8 data or an i8 constant", t.name)
		}
		c.perTensor(t)
	}
	c.perTensor(o)
	if c.err != nil {
		return elementwiseOp{}
	}
	p := elementwiseOp{shape: o.dims}
	var ok bool
	if p.xs, ok = broadcastStrides(x.dims, o.dims); !ok {
		c.fail("operand %s %v does not broadcast to %v", x.name, x.dims, o.dims)
	}
	if p.ys, ok = broadcastStrides(y.dims, o.dims); !ok {
		c.fail("operand %s %v does not broadcast to %v", y.name, y.dims, o.dims)
	}
	if x.batched {
		p.xBatch = x.elems
	}
	if y.batched {
		p.yBatch = y.elems
	}
	p.same = x.batched && y.batched && sameDims(x.dims, o.dims) && sameDims(y.dims, o.dims)
	if c.in.op == kbc.OpMul {
		p.mul = ref.MulParams{Input1Offset: c.i32("x_offset"), Input2Offset: c.i32("y_offset"), OutputOffset: c.i32("out_offset"),
			Output: c.requant("mult", "shift")}
		p.mul.ActMin, p.mul.ActMax = c.clamp()
		return p
	}
	p.add = ref.AddParams{Input1Offset: c.i32("x_offset"), Input2Offset: c.i32("y_offset"), OutputOffset: c.i32("out_offset"), LeftShift: c.int("left_shift"),
		Input1: c.requant("x_mult", "x_shift"), Input2: c.requant("y_mult", "y_shift"), Output: c.requant("out_mult", "out_shift")}
	p.add.ActMin, p.add.ActMax = c.clamp()
	return p
}

// broadcastStrides returns the strides walking an operand of shape dims
// across a result of shape out (0 where it broadcasts), NumPy's rule.
func broadcastStrides(dims, out []int) ([]int, bool) {
	if len(dims) > len(out) {
		return nil, false
	}
	s := make([]int, len(out))
	acc := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := i - (len(out) - len(dims))
		if j < 0 {
			continue
		}
		switch dims[j] {
		case out[i]:
			if dims[j] != 1 {
				s[i] = acc
			}
		case 1:
		default:
			return nil, false
		}
		acc *= dims[j]
	}
	return s, true
}

// affineOp is a prepared AFFINE: the geometry per sample, the offsets,
// rescales and clamp, and the weight and bias constants.
type affineOp struct {
	p      ref.AffineParams
	weight []int8
	bias   []int32
}

// affine checks an AFFINE: a batched [C, ...] input and a result of its
// shape, per-tensor quantized; an i8 weight and an i32 bias of C
// elements; C multipliers and shifts, or one of each.
func (c *checker) affine() affineOp {
	o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
	c.perTensor(x)
	c.perTensor(o)
	if c.err != nil {
		return affineOp{}
	}
	if len(x.dims) == 0 || !sameDims(o.dims, x.dims) {
		c.fail("input %v and result %v must have the same shape, a channel dimension first", x.dims, o.dims)
		return affineOp{}
	}
	ch := x.dims[0]
	w := c.constant(2, I8, "weight", ch)
	b := c.constant(3, I32, "bias", ch)
	p := ref.AffineParams{C: ch, Inner: x.elems / max(ch, 1), InputOffset: c.i32("in_offset"), OutputOffset: c.i32("out_offset"),
		Out: c.requants(4, 5, ch)}
	p.ActMin, p.ActMax = c.clamp()
	if c.err != nil {
		return affineOp{}
	}
	return affineOp{p: p, weight: w.i8, bias: b.i32}
}

// concatOp is a prepared CONCAT.
type concatOp struct {
	outer  int   // per sample
	widths []int // elements per outer index, per input
	copy   []bool
	rq     []ref.RequantizeParams
}

func (c *checker) concat() concatOp {
	o := c.act(0, I8, "result")
	p := concatOp{}
	if len(o.dims) == 0 {
		c.fail("result %s has no dimension to concatenate along", o.name)
		return p
	}
	axis := c.int("axis")
	if axis >= len(o.dims) {
		c.fail("axis = %d is outside [0, %d]", axis, len(o.dims)-1)
	}
	if c.err != nil {
		return p
	}
	p.outer = 1
	for _, d := range o.dims[:axis] {
		p.outer *= d
	}
	inner := 1
	for _, d := range o.dims[axis+1:] {
		inner *= d
	}
	total := 0
	for i := 1; i < len(c.in.t); i++ {
		x := c.act(i, I8, "input")
		if c.err != nil {
			return p
		}
		if len(x.dims) != len(o.dims) || !sameDims(x.dims[:axis], o.dims[:axis]) || !sameDims(x.dims[axis+1:], o.dims[axis+1:]) {
			c.fail("input %s %v does not concatenate into %v along axis %d", x.name, x.dims, o.dims, axis)
			return p
		}
		total += x.dims[axis]
		j := i - 1
		p.widths = append(p.widths, x.dims[axis]*inner)
		p.copy = append(p.copy, c.perInput(j, "copy") == 1)
		p.rq = append(p.rq, ref.RequantizeParams{InputOffset: int32(c.perInput(j, "in_offset")), OutputOffset: int32(c.perInput(j, "out_offset")),
			R: ref.Requant{Mult: int32(c.perInput(j, "mult")), Shift: int(c.perInput(j, "shift"))}})
	}
	if c.err == nil && total != o.dims[axis] {
		c.fail("inputs add up to %d along axis %d, the result has %d", total, axis, o.dims[axis])
	}
	return p
}

type softmaxOp struct {
	p     ref.SoftmaxParams
	depth int
}

// embeddingOp is a prepared EMBEDDING.
type embeddingOp struct {
	p     ref.EmbeddingParams
	table []int8
	// copyRows: every row has one rescale, and the reference kernel maps
	// each int8 value to itself with it (the compiler's identity rescale,
	// format version 2), so a row's result is the row's bytes.
	copyRows bool
}

func (c *checker) embedding() embeddingOp {
	o, ids := c.act(0, I8, "result"), c.act(1, I32, "ids")
	t := c.tensor(2)
	if c.err != nil {
		return embeddingOp{}
	}
	if t.store != kbc.StoreConst || t.dtype != I8 || len(t.dims) != 2 {
		c.fail("table %s must be an i8 constant [vocab, dim]", t.name)
		return embeddingOp{}
	}
	vocab, dim := t.dims[0], t.dims[1]
	if !sameDims(o.dims, append(append([]int{}, ids.dims...), dim)) {
		c.fail("result %v, want %v + [%d]", o.dims, ids.dims, dim)
	}
	rq := c.requants(3, 4, vocab)
	offset := c.i32("out_offset")
	copyRows := c.err == nil && len(rq) == 1 && copiesRows(rq[0], offset)
	if c.err == nil && len(rq) == 1 && vocab > 1 {
		// One rescale for every row (the compiler's, which rescales the
		// rows at build time, is the identity).
		one := rq[0]
		rq = make([]ref.Requant, vocab)
		for i := range rq {
			rq[i] = one
		}
	}
	if c.err == nil && len(rq) != vocab {
		c.fail("%d row rescales for %d rows", len(rq), vocab)
	}
	return embeddingOp{p: ref.EmbeddingParams{Vocab: vocab, Dim: dim, Rows: rq, OutputOffset: offset}, table: t.i8, copyRows: copyRows}
}

// copiesRows reports whether the reference embedding kernel, with
// rescale r and output offset, gives every int8 value back unchanged:
// it runs the kernel on one row of all 256 values.
func copiesRows(r ref.Requant, offset int32) bool {
	row := make([]int8, 256)
	for i := range row {
		row[i] = int8(i - 128)
	}
	out := make([]int8, len(row))
	p := ref.EmbeddingParams{Vocab: 1, Dim: len(row), Rows: []ref.Requant{r}, OutputOffset: offset}
	if ref.Embedding(&p, []int32{0}, row, out) != nil {
		return false
	}
	for i := range row {
		if out[i] != row[i] {
			return false
		}
	}
	return true
}

// embeddingBagOp is a prepared EMBEDDING_BAG.
type embeddingBagOp struct {
	p     ref.EmbeddingBagParams
	table []int8
	// prescaled: every row rescale is the identity (the compiler's files),
	// so embeddingBagRows runs it.
	prescaled bool
}

func (c *checker) embeddingBag() embeddingBagOp {
	o, ids := c.act(0, I8, "result"), c.act(1, I32, "ids")
	t := c.tensor(2)
	if c.err != nil {
		return embeddingBagOp{}
	}
	if t.store != kbc.StoreConst || t.dtype != I8 || len(t.dims) != 2 || t.dims[0] < 1 || t.dims[1] < 1 {
		c.fail("table %s must be an i8 constant [vocab, dim] of one row and column or more", t.name)
		return embeddingBagOp{}
	}
	if len(ids.dims) == 0 || ids.dims[len(ids.dims)-1] < 1 {
		c.fail("ids %v must hold lists of one id or more along the last axis", ids.dims)
		return embeddingBagOp{}
	}
	vocab, dim, length := t.dims[0], t.dims[1], ids.dims[len(ids.dims)-1]
	want := append(append([]int{}, ids.dims[:len(ids.dims)-1]...), dim)
	if !sameDims(o.dims, want) {
		c.fail("result %v, want %v", o.dims, want)
	}
	rows := c.requants(3, 4, vocab)
	counts := c.requants(5, 6, length)
	if c.err != nil {
		return embeddingBagOp{}
	}
	// One rescale may stand for every row (the compiler's, which rescales
	// the rows at build time, is the identity), or for every count.
	rows, counts = spread(rows, vocab), spread(counts, length)
	if len(rows) != vocab {
		c.fail("%d row rescales for %d rows", len(rows), vocab)
	}
	if len(counts) != length {
		c.fail("%d count rescales for lists of %d", len(counts), length)
	}
	prescaled := true
	for _, r := range rows {
		prescaled = prescaled && r == identityRescale
	}
	return embeddingBagOp{p: ref.EmbeddingBagParams{Vocab: vocab, Dim: dim, Len: length, Pad: c.i32("pad"),
		Rows: rows, Counts: counts, OutputOffset: c.i32("out_offset")}, table: t.i8, prescaled: prescaled}
}

// spread repeats a lone rescale n times.
func spread(rq []ref.Requant, n int) []ref.Requant {
	if len(rq) != 1 || n == 1 {
		return rq
	}
	out := make([]ref.Requant, n)
	for i := range out {
		out[i] = rq[0]
	}
	return out
}

// transpose checks a TRANSPOSE: perm an i32 constant that permutes the
// input's per-example axes, the result the input's dimensions in that
// order; it prepares the kernel's plan.
func (c *checker) transpose() *kernels.TransposePlan {
	o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
	pt := c.constant(2, I32, "perm", len(x.dims))
	if c.err != nil {
		return nil
	}
	if len(pt.dims) != 1 {
		c.fail("perm %s must be a list, got dimensions %v", pt.name, pt.dims)
		return nil
	}
	perm := make([]int, len(pt.i32))
	for k, a := range pt.i32 {
		perm[k] = int(a)
	}
	if err := ref.CheckPerm(perm, len(x.dims)); err != nil {
		c.fail("input %v: %v", x.dims, err)
		return nil
	}
	want := make([]int, len(perm))
	for k, a := range perm {
		want[k] = x.dims[a]
	}
	if !sameDims(o.dims, want) {
		c.fail("result %v, want %v (input %v, perm %v)", o.dims, want, x.dims, perm)
		return nil
	}
	p := kernels.NewTransposePlan(x.dims, perm)
	return &p
}

func (c *checker) interaction() ref.InteractionParams {
	o, x := c.act(0, I8, "result"), c.act(1, I8, "input")
	if c.err != nil {
		return ref.InteractionParams{}
	}
	if len(x.dims) != 2 {
		c.fail("input %v must be [fields, dim]", x.dims)
		return ref.InteractionParams{}
	}
	want := []int{1}
	if c.in.op == kbc.OpBiInteraction {
		want = []int{x.dims[1]}
	}
	if !sameDims(o.dims, want) {
		c.fail("result %v, want %v", o.dims, want)
	}
	p := ref.InteractionParams{Fields: x.dims[0], Dim: x.dims[1], InputOffset: c.i32("in_offset"), OutputOffset: c.i32("out_offset"),
		R: c.requant("mult", "shift")}
	p.ActMin, p.ActMax = c.clamp()
	return p
}
