package ir

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// Gradient checks: every op's Backward rule against central finite
// differences. The harness is float64: the loss L = sum(r * f(x)) with a
// random r is accumulated in float64, and the numeric derivative
// (L(x+h) - L(x-h)) / 2h is taken from the reference semantics (Eval) —
// or, for ops whose training behaviour differs (dropout, batch norm), from
// the training forward pass with the same random draws.

// operand describes one operand of a gradient-check case.
type operand struct {
	typ   Type
	param bool                                // a parameter (unbatched), not an input
	ids   int                                 // > 0: i32 ids in [0, ids)
	gen   func(r *rand.Rand, n int) []float32 // the operand's values; default N(0, 1)
	fixed bool                                // takes no gradient (batch-norm running statistics)
}

type gradCase struct {
	name     string
	op       *Op
	batch    int
	operands []operand
	attrs    Attrs
	training bool
	// smallStep marks ops that are not polynomials of degree 2 or less in
	// their operands (or have kinks): they need a small step. For the
	// others the central difference is exact whatever the step, and a
	// large one keeps the float32 rounding of the outputs out of the
	// comparison.
	smallStep bool
}

func in(dims ...int) operand { return operand{typ: Batched(tensor.F32, dims...)} }
func par(dims ...int) operand {
	return operand{typ: Unbatched(tensor.F32, dims...), param: true}
}

// apart draws distinct values at least 0.1 from each other and from 0, so
// that a finite-difference step never crosses a kink of a piecewise-linear
// op (relu's, or a change of maximum in a pooling window).
func apart(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i, k := range r.Perm(n) {
		v[i] = float32(k+1)*0.1 + 0.03
		if r.IntN(2) == 0 {
			v[i] = -v[i]
		}
	}
	return v
}

func positive(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 0.5 + r.Float32()
	}
	return v
}

func gradCases() []gradCase {
	ids := operand{typ: Batched(tensor.I32, 3), ids: 5}
	bnParams := []operand{par(3), par(3), {typ: Unbatched(tensor.F32, 3), param: true, fixed: true},
		{typ: Unbatched(tensor.F32, 3), param: true, fixed: true, gen: positive}}
	return []gradCase{
		{name: "dense", op: OpDense, batch: 3, operands: []operand{in(4), par(5, 4), par(5)}},
		{name: "dense act=relu", op: OpDense, batch: 3, operands: []operand{in(4), par(5, 4), par(5)}, attrs: Attrs{"act": "relu"}, smallStep: true},
		{name: "dense rank 3", op: OpDense, batch: 2, operands: []operand{in(3, 4), par(2, 4)}},
		{name: "conv2d", op: OpConv2D, batch: 2, operands: []operand{in(2, 5, 5), par(3, 2, 3, 3), par(3)}, attrs: Attrs{"pad": []int{1, 1}}},
		{name: "conv2d stride dilation", op: OpConv2D, batch: 2, operands: []operand{in(2, 7, 6), par(2, 2, 2, 3), par(2)},
			attrs: Attrs{"stride": []int{2, 1}, "dilation": []int{2, 1}, "pad": []int{1, 0}}},
		{name: "conv2d training", op: OpConv2D, batch: 3, operands: []operand{in(2, 5, 5), par(3, 2, 3, 3), par(3)}, attrs: Attrs{"pad": []int{1, 1}}, training: true},
		{name: "conv2d act=relu6", op: OpConv2D, batch: 2, operands: []operand{in(2, 4, 4), par(3, 2, 2, 2), par(3)}, attrs: Attrs{"stride": []int{2, 2}, "act": "relu6"}, smallStep: true},
		{name: "conv2d depthwise", op: OpConv2D, batch: 2, operands: []operand{in(4, 4, 4), par(4, 1, 3, 3)}, attrs: Attrs{"groups": 4, "pad": []int{1, 1}}},
		{name: "conv2d groups", op: OpConv2D, batch: 1, operands: []operand{in(4, 4, 4), par(6, 2, 2, 2), par(6)}, attrs: Attrs{"groups": 2}},
		{name: "conv1d", op: OpConv1D, batch: 2, operands: []operand{in(3, 9), par(4, 3, 3), par(4)}, attrs: Attrs{"pad": []int{2}, "stride": []int{2}}},
		{name: "maxpool", smallStep: true, op: OpMaxPool, batch: 2, operands: []operand{{typ: Batched(tensor.F32, 2, 5, 5), gen: apart}}, attrs: Attrs{"size": []int{2, 2}, "pad": []int{1, 1}}},
		{name: "maxpool 1-D", smallStep: true, op: OpMaxPool, batch: 2, operands: []operand{{typ: Batched(tensor.F32, 2, 9), gen: apart}}, attrs: Attrs{"size": []int{3}, "stride": []int{2}}},
		{name: "avgpool", op: OpAvgPool, batch: 2, operands: []operand{in(2, 5, 5)}, attrs: Attrs{"size": []int{3, 3}, "stride": []int{2, 2}, "pad": []int{1, 1}}},
		{name: "global_avgpool", op: OpGlobalAvgPool, batch: 2, operands: []operand{in(3, 2, 3)}},
		{name: "flatten", op: OpFlatten, batch: 2, operands: []operand{in(2, 3)}},
		{name: "reshape", op: OpReshape, batch: 2, operands: []operand{in(2, 3)}, attrs: Attrs{"shape": []int{3, 2}}},
		{name: "concat", op: OpConcat, batch: 2, operands: []operand{in(2, 3), in(2, 1), in(2, 2)}, attrs: Attrs{"axis": 1}},
		{name: "add", op: OpAdd, batch: 2, operands: []operand{in(2, 3), in(2, 3)}},
		{name: "add act=relu", op: OpAdd, batch: 2, operands: []operand{in(2, 3), in(2, 3)}, attrs: Attrs{"act": "relu"}, smallStep: true},
		{name: "add broadcast", op: OpAdd, batch: 2, operands: []operand{in(2, 1), par(3)}},
		{name: "sub broadcast", op: OpSub, batch: 2, operands: []operand{in(3), in(2, 1)}},
		{name: "mul broadcast", op: OpMul, batch: 2, operands: []operand{in(2, 3), par(1, 3)}},
		{name: "relu", smallStep: true, op: OpRelu, batch: 2, operands: []operand{{typ: Batched(tensor.F32, 6), gen: apart}}},
		{name: "relu6", smallStep: true, op: OpRelu6, batch: 2, operands: []operand{{typ: Batched(tensor.F32, 6), gen: func(r *rand.Rand, n int) []float32 {
			v := apart(r, n) // spread over (-1.2, 1.2): relu6's kinks at 0 and 6 both matter
			for i := range v {
				v[i] = v[i]*6 - 0.03
			}
			return v
		}}}},
		{name: "sigmoid", smallStep: true, op: OpSigmoid, batch: 2, operands: []operand{in(5)}},
		{name: "tanh", smallStep: true, op: OpTanh, batch: 2, operands: []operand{in(5)}},
		{name: "softmax", smallStep: true, op: OpSoftmax, batch: 2, operands: []operand{in(5)}},
		{name: "softmax axis 0", smallStep: true, op: OpSoftmax, batch: 2, operands: []operand{in(3, 2)}, attrs: Attrs{"axis": 0}},
		{name: "sum", op: OpSum, batch: 2, operands: []operand{in(2, 3)}},
		{name: "sum axis keepdims", op: OpSum, batch: 2, operands: []operand{in(2, 3, 2)}, attrs: Attrs{"axis": []int{1}, "keepdims": true}},
		{name: "mean", op: OpMean, batch: 2, operands: []operand{in(2, 3)}, attrs: Attrs{"axis": []int{0}}},
		{name: "fm", op: OpFM, batch: 2, operands: []operand{in(3, 4)}},
		{name: "bi_interaction", op: OpBiInteraction, batch: 2, operands: []operand{in(3, 4)}},
		{name: "embedding", op: OpEmbedding, batch: 2, operands: []operand{ids, par(5, 2)}},
		{name: "batchnorm", smallStep: true, op: OpBatchNorm, batch: 2, operands: append([]operand{in(3, 4)}, bnParams...)},
		{name: "batchnorm training", smallStep: true, op: OpBatchNorm, batch: 3, operands: append([]operand{in(3, 2)}, bnParams...), training: true},
		{name: "dropout", op: OpDropout, batch: 2, operands: []operand{in(6)}},
		{name: "dropout training", op: OpDropout, batch: 2, operands: []operand{in(6)}, attrs: Attrs{"rate": 0.4}, training: true},
	}
}

// build makes a one-op graph for the case, with random operand data.
func (gc gradCase) build(t *testing.T, r *rand.Rand) (*Value, []*tensor.Tensor) {
	t.Helper()
	g := NewGraph("t")
	var args []*Value
	var data []*tensor.Tensor
	for i, o := range gc.operands {
		var v *Value
		name := string(rune('a' + i))
		if o.param {
			v = g.AddParam(name, o.typ, source.Pos{})
		} else {
			v = g.AddInput(name, o.typ, source.Pos{})
		}
		x := tensor.New(o.typ.DType, o.typ.Shape(gc.batch)...)
		for j := range x.F32 {
			x.F32[j] = float32(r.NormFloat64())
		}
		if o.gen != nil {
			copy(x.F32, o.gen(r, len(x.F32)))
		}
		for j := range x.I32 {
			x.I32[j] = int32(r.IntN(o.ids))
		}
		args = append(args, v)
		data = append(data, x)
	}
	attrs := Attrs{}
	if gc.attrs != nil {
		attrs = gc.attrs.Clone()
	}
	v, err := g.AddOp("y", gc.op, args, attrs, source.Pos{})
	if err != nil {
		t.Fatalf("%s: %v", gc.name, err)
	}
	return v, data
}

// loss evaluates sum(r * f(x)) in float64, with a fresh context seeded
// alike each time so that dropout draws the same mask, and with fixed
// operands (running statistics) restored so that no call sees another's
// updates.
func (gc gradCase) loss(v *Value, data []*tensor.Tensor, r *tensor.Tensor) float64 {
	ins := make([]*tensor.Tensor, len(data))
	for i, d := range data {
		ins[i] = d
		if gc.operands[i].fixed {
			ins[i] = d.Clone()
		}
	}
	out := tensor.New(v.Type.DType, v.Type.Shape(gc.batch)...)
	if gc.training {
		if err := v.Op.Forward(&Ctx{Training: true, Workers: 1, Rand: rand.New(rand.NewPCG(7, 7)), saved: map[*Value]any{}}, v, ins, out); err != nil {
			panic(err)
		}
	} else if err := v.Op.Eval(v, ins, out); err != nil {
		panic(err)
	}
	s := 0.0
	for i, y := range out.F32 {
		s += float64(r.F32[i]) * float64(y)
	}
	return s
}

func TestGradients(t *testing.T) {
	for _, gc := range gradCases() {
		t.Run(gc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			v, data := gc.build(t, rng)
			out := tensor.New(tensor.F32, v.Type.Shape(gc.batch)...)
			dout := tensor.New(tensor.F32, v.Type.Shape(gc.batch)...)
			for i := range dout.F32 {
				dout.F32[i] = float32(rng.NormFloat64())
			}
			ctx := &Ctx{Training: gc.training, Workers: 2, Rand: rand.New(rand.NewPCG(7, 7)), saved: map[*Value]any{}}
			ins := make([]*tensor.Tensor, len(data))
			for i, d := range data {
				ins[i] = d.Clone()
			}
			if err := v.Op.Forward(ctx, v, ins, out); err != nil {
				t.Fatal(err)
			}
			din := make([]*tensor.Tensor, len(data))
			for i, o := range gc.operands {
				if o.typ.DType == tensor.F32 && !o.fixed {
					din[i] = tensor.New(tensor.F32, data[i].Shape...)
				}
			}
			v.Op.Backward(ctx, v, ins, out, dout, din)

			worst := 0.0
			for k, d := range din {
				if d == nil {
					continue
				}
				x := data[k].F32
				for j := range x {
					orig := x[j]
					h := float32(0.5) // powers of two: x +- h is exact in float32
					if gc.smallStep {
						h = 1.0 / 128
					}
					x[j] = orig + h
					lp := gc.loss(v, data, dout)
					x[j] = orig - h
					lm := gc.loss(v, data, dout)
					x[j] = orig
					num := (lp - lm) / (2 * float64(h))
					ana := float64(d.F32[j])
					rel := math.Abs(ana-num) / math.Max(math.Max(math.Abs(ana), math.Abs(num)), 1e-2)
					worst = math.Max(worst, rel)
					if rel > 1e-3 {
						t.Errorf("operand %d element %d: analytic %.6g, numeric %.6g (relative error %.2g)", k, j, ana, num, rel)
					}
				}
			}
			t.Logf("largest relative error %.2g", worst)
		})
	}
}

// TestForwardMatchesEval checks every op's fast inference kernel against
// its reference semantics, with 1 and 3 workers giving identical bits.
func TestForwardMatchesEval(t *testing.T) {
	for _, gc := range gradCases() {
		if gc.training {
			continue
		}
		t.Run(gc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			gc.batch = 5
			v, data := gc.build(t, rng)
			want := tensor.New(v.Type.DType, v.Type.Shape(gc.batch)...)
			if err := v.Op.Eval(v, data, want); err != nil {
				t.Fatal(err)
			}
			var first *tensor.Tensor
			for _, workers := range []int{1, 3} {
				got := tensor.New(v.Type.DType, v.Type.Shape(gc.batch)...)
				ctx := &Ctx{Workers: workers, Rand: rand.New(rand.NewPCG(1, 1)), saved: map[*Value]any{}}
				if err := v.Op.Forward(ctx, v, data, got); err != nil {
					t.Fatal(err)
				}
				for i := range want.F32 {
					if d := math.Abs(float64(got.F32[i] - want.F32[i])); d > 1e-5*math.Max(1, math.Abs(float64(want.F32[i]))) {
						t.Fatalf("element %d: forward %g, eval %g", i, got.F32[i], want.F32[i])
					}
				}
				if first == nil {
					first = got
				} else if !tensor.Equal(first, got) {
					t.Errorf("results differ between 1 and %d workers", workers)
				}
			}
		})
	}
}

// TestEveryFloatOpHasGradient makes sure no op of the table escapes the
// gradient checks.
func TestEveryFloatOpHasGradient(t *testing.T) {
	checked := map[*Op]bool{}
	for _, gc := range gradCases() {
		checked[gc.op] = true
	}
	for _, op := range Ops() {
		if op.Kind != Compute || op.Integer {
			continue
		}
		if op.Forward == nil {
			t.Errorf("op %s has no training rules", op.Name)
		}
		if !checked[op] {
			t.Errorf("op %s has no gradient check", op.Name)
		}
	}
}
