// Package opcases holds one-op graphs with random operands for every
// float op of the table: the cases that exec's kernels are checked
// against the reference semantics (ir's Eval) with, and train's gradient
// rules against finite differences.
package opcases

import (
	"fmt"
	"math/rand/v2"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// Operand describes one operand of a case.
type Operand struct {
	Type  ir.Type
	Param bool                                // a parameter (unbatched), not an input
	IDs   int                                 // > 0: i32 ids in [0, IDs)
	Gen   func(r *rand.Rand, n int) []float32 // the operand's values; default N(0, 1)
	Fixed bool                                // takes no gradient (batch-norm running statistics)
}

// Case is one op applied to operands of given types and attributes.
type Case struct {
	Name     string
	Op       *ir.Op
	Batch    int
	Operands []Operand
	Attrs    ir.Attrs
	// Training runs the op in training mode (dropout draws a mask, batch
	// norm uses the batch's statistics).
	Training bool
	// SmallStep marks ops that are not polynomials of degree 2 or less in
	// their operands (or have kinks): finite differences need a small
	// step. For the others the central difference is exact whatever the
	// step, and a large one keeps the float32 rounding of the outputs out
	// of the comparison.
	SmallStep bool
	// StraightThrough marks the fake-quantization ops, whose gradient is
	// not the derivative of their staircase but the straight-through
	// rule: train checks it against that rule, not finite differences.
	StraightThrough bool
}

func in(dims ...int) Operand { return Operand{Type: ir.Batched(tensor.F32, dims...)} }
func par(dims ...int) Operand {
	return Operand{Type: ir.Unbatched(tensor.F32, dims...), Param: true}
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

// All returns the cases: every float compute op, in its variants.
func All() []Case {
	ids := Operand{Type: ir.Batched(tensor.I32, 3), IDs: 5}
	bag := Operand{Type: ir.Batched(tensor.I32, 3, 4), IDs: 5}
	bnParams := []Operand{par(3), par(3), {Type: ir.Unbatched(tensor.F32, 3), Param: true, Fixed: true},
		{Type: ir.Unbatched(tensor.F32, 3), Param: true, Fixed: true, Gen: positive}}
	return []Case{
		{Name: "dense", Op: ir.OpDense, Batch: 3, Operands: []Operand{in(4), par(5, 4), par(5)}},
		{Name: "dense act=relu", Op: ir.OpDense, Batch: 3, Operands: []Operand{in(4), par(5, 4), par(5)}, Attrs: ir.Attrs{"act": "relu"}, SmallStep: true},
		{Name: "dense rank 3", Op: ir.OpDense, Batch: 2, Operands: []Operand{in(3, 4), par(2, 4)}},
		{Name: "conv2d", Op: ir.OpConv2D, Batch: 2, Operands: []Operand{in(2, 5, 5), par(3, 2, 3, 3), par(3)}, Attrs: ir.Attrs{"pad": []int{1, 1}}},
		{Name: "conv2d stride dilation", Op: ir.OpConv2D, Batch: 2, Operands: []Operand{in(2, 7, 6), par(2, 2, 2, 3), par(2)},
			Attrs: ir.Attrs{"stride": []int{2, 1}, "dilation": []int{2, 1}, "pad": []int{1, 0}}},
		{Name: "conv2d training", Op: ir.OpConv2D, Batch: 3, Operands: []Operand{in(2, 5, 5), par(3, 2, 3, 3), par(3)}, Attrs: ir.Attrs{"pad": []int{1, 1}}, Training: true},
		{Name: "conv2d act=relu6", Op: ir.OpConv2D, Batch: 2, Operands: []Operand{in(2, 4, 4), par(3, 2, 2, 2), par(3)}, Attrs: ir.Attrs{"stride": []int{2, 2}, "act": "relu6"}, SmallStep: true},
		{Name: "conv2d depthwise", Op: ir.OpConv2D, Batch: 2, Operands: []Operand{in(4, 4, 4), par(4, 1, 3, 3)}, Attrs: ir.Attrs{"groups": 4, "pad": []int{1, 1}}},
		{Name: "conv2d groups", Op: ir.OpConv2D, Batch: 1, Operands: []Operand{in(4, 4, 4), par(6, 2, 2, 2), par(6)}, Attrs: ir.Attrs{"groups": 2}},
		{Name: "conv1d", Op: ir.OpConv1D, Batch: 2, Operands: []Operand{in(3, 9), par(4, 3, 3), par(4)}, Attrs: ir.Attrs{"pad": []int{2}, "stride": []int{2}}},
		{Name: "maxpool", SmallStep: true, Op: ir.OpMaxPool, Batch: 2, Operands: []Operand{{Type: ir.Batched(tensor.F32, 2, 5, 5), Gen: apart}}, Attrs: ir.Attrs{"size": []int{2, 2}, "pad": []int{1, 1}}},
		{Name: "maxpool 1-D", SmallStep: true, Op: ir.OpMaxPool, Batch: 2, Operands: []Operand{{Type: ir.Batched(tensor.F32, 2, 9), Gen: apart}}, Attrs: ir.Attrs{"size": []int{3}, "stride": []int{2}}},
		{Name: "avgpool", Op: ir.OpAvgPool, Batch: 2, Operands: []Operand{in(2, 5, 5)}, Attrs: ir.Attrs{"size": []int{3, 3}, "stride": []int{2, 2}, "pad": []int{1, 1}}},
		{Name: "global_avgpool", Op: ir.OpGlobalAvgPool, Batch: 2, Operands: []Operand{in(3, 2, 3)}},
		{Name: "flatten", Op: ir.OpFlatten, Batch: 2, Operands: []Operand{in(2, 3)}},
		{Name: "reshape", Op: ir.OpReshape, Batch: 2, Operands: []Operand{in(2, 3)}, Attrs: ir.Attrs{"shape": []int{3, 2}}},
		{Name: "concat", Op: ir.OpConcat, Batch: 2, Operands: []Operand{in(2, 3), in(2, 1), in(2, 2)}, Attrs: ir.Attrs{"axis": 1}},
		{Name: "add", Op: ir.OpAdd, Batch: 2, Operands: []Operand{in(2, 3), in(2, 3)}},
		{Name: "add act=relu", Op: ir.OpAdd, Batch: 2, Operands: []Operand{in(2, 3), in(2, 3)}, Attrs: ir.Attrs{"act": "relu"}, SmallStep: true},
		{Name: "add broadcast", Op: ir.OpAdd, Batch: 2, Operands: []Operand{in(2, 1), par(3)}},
		{Name: "sub broadcast", Op: ir.OpSub, Batch: 2, Operands: []Operand{in(3), in(2, 1)}},
		{Name: "mul broadcast", Op: ir.OpMul, Batch: 2, Operands: []Operand{in(2, 3), par(1, 3)}},
		{Name: "relu", SmallStep: true, Op: ir.OpRelu, Batch: 2, Operands: []Operand{{Type: ir.Batched(tensor.F32, 6), Gen: apart}}},
		{Name: "relu6", SmallStep: true, Op: ir.OpRelu6, Batch: 2, Operands: []Operand{{Type: ir.Batched(tensor.F32, 6), Gen: func(r *rand.Rand, n int) []float32 {
			v := apart(r, n) // spread over (-1.2, 1.2): relu6's kinks at 0 and 6 both matter
			for i := range v {
				v[i] = v[i]*6 - 0.03
			}
			return v
		}}}},
		{Name: "sigmoid", SmallStep: true, Op: ir.OpSigmoid, Batch: 2, Operands: []Operand{in(5)}},
		{Name: "tanh", SmallStep: true, Op: ir.OpTanh, Batch: 2, Operands: []Operand{in(5)}},
		{Name: "hard_sigmoid", SmallStep: true, Op: ir.OpHardSigmoid, Batch: 2, Operands: []Operand{{Type: ir.Batched(tensor.F32, 6), Gen: beyondKinks}}},
		{Name: "hard_swish", SmallStep: true, Op: ir.OpHardSwish, Batch: 2, Operands: []Operand{{Type: ir.Batched(tensor.F32, 6), Gen: beyondKinks}}},
		{Name: "softmax", SmallStep: true, Op: ir.OpSoftmax, Batch: 2, Operands: []Operand{in(5)}},
		{Name: "softmax axis 0", SmallStep: true, Op: ir.OpSoftmax, Batch: 2, Operands: []Operand{in(3, 2)}, Attrs: ir.Attrs{"axis": 0}},
		{Name: "log_softmax", SmallStep: true, Op: ir.OpLogSoftmax, Batch: 2, Operands: []Operand{in(5)}},
		{Name: "log_softmax axis 0", SmallStep: true, Op: ir.OpLogSoftmax, Batch: 2, Operands: []Operand{in(3, 2)}, Attrs: ir.Attrs{"axis": 0}},
		{Name: "sum", Op: ir.OpSum, Batch: 2, Operands: []Operand{in(2, 3)}},
		{Name: "sum axis keepdims", Op: ir.OpSum, Batch: 2, Operands: []Operand{in(2, 3, 2)}, Attrs: ir.Attrs{"axis": []int{1}, "keepdims": true}},
		{Name: "mean", Op: ir.OpMean, Batch: 2, Operands: []Operand{in(2, 3)}, Attrs: ir.Attrs{"axis": []int{0}}},
		{Name: "fm", Op: ir.OpFM, Batch: 2, Operands: []Operand{in(3, 4)}},
		{Name: "bi_interaction", Op: ir.OpBiInteraction, Batch: 2, Operands: []Operand{in(3, 4)}},
		{Name: "transpose", Op: ir.OpTranspose, Batch: 2, Operands: []Operand{in(3, 4)}},
		{Name: "transpose rank 1", Op: ir.OpTranspose, Batch: 3, Operands: []Operand{in(4)}},
		{Name: "transpose perm=[2,0,1]", Op: ir.OpTranspose, Batch: 2, Operands: []Operand{in(2, 3, 4)}, Attrs: ir.Attrs{"perm": []int{2, 0, 1}}},
		{Name: "transpose rank 4 perm=[3,1,0,2]", Op: ir.OpTranspose, Batch: 2, Operands: []Operand{in(2, 3, 1, 4)}, Attrs: ir.Attrs{"perm": []int{3, 1, 0, 2}}},
		{Name: "transpose of a parameter", Op: ir.OpTranspose, Batch: 2, Operands: []Operand{par(2, 3)}},
		{Name: "embedding", Op: ir.OpEmbedding, Batch: 2, Operands: []Operand{ids, par(5, 2)}},
		// Ids in [0, 5) with pad 0: lists of pad alone, repeated ids and
		// single ids all come up among the 2x3 lists of four.
		{Name: "embedding_bag", Op: ir.OpEmbeddingBag, Batch: 2, Operands: []Operand{bag, par(5, 3)}},
		{Name: "embedding_bag sum pad=2", Op: ir.OpEmbeddingBag, Batch: 2, Operands: []Operand{bag, par(5, 3)}, Attrs: ir.Attrs{"mode": "sum", "pad": 2}},
		{Name: "score_items", Op: ir.OpScoreItems, Batch: 3, Operands: []Operand{in(4), par(6, 4)}},
		{Name: "score_items rank 3", Op: ir.OpScoreItems, Batch: 2, Operands: []Operand{in(2, 3), par(5, 3)}},
		{Name: "embedding_bag lists of one pad=3", Op: ir.OpEmbeddingBag, Batch: 4, Operands: []Operand{{Type: ir.Batched(tensor.I32, 1), IDs: 4}, par(4, 2)}, Attrs: ir.Attrs{"pad": 3}},
		{Name: "batchnorm", SmallStep: true, Op: ir.OpBatchNorm, Batch: 2, Operands: append([]Operand{in(3, 4)}, bnParams...)},
		{Name: "batchnorm training", SmallStep: true, Op: ir.OpBatchNorm, Batch: 3, Operands: append([]Operand{in(3, 2)}, bnParams...), Training: true},
		{Name: "batchnorm frozen training", SmallStep: true, Op: ir.OpBatchNorm, Batch: 3, Operands: append([]Operand{in(3, 2)}, bnParams...), Attrs: ir.Attrs{"frozen": true}, Training: true},
		{Name: "dropout", Op: ir.OpDropout, Batch: 2, Operands: []Operand{in(6)}},
		{Name: "dropout training", Op: ir.OpDropout, Batch: 2, Operands: []Operand{in(6)}, Attrs: ir.Attrs{"rate": 0.4}, Training: true},
		{Name: "fake_quant_weight", Op: ir.OpFakeQuantWeight, Operands: []Operand{par(3, 4)}, StraightThrough: true},
		{Name: "fake_quant_weight axis=1 bits=4", Op: ir.OpFakeQuantWeight, Operands: []Operand{par(2, 3, 2)}, Attrs: ir.Attrs{"axis": 1, "bits": 4}, StraightThrough: true},
		{Name: "fake_quant_weight per_tensor bits=6", Op: ir.OpFakeQuantWeight, Operands: []Operand{par(3, 4)}, Attrs: ir.Attrs{"per_tensor": true, "bits": 6}, StraightThrough: true},
		{Name: "fake_quant", Op: ir.OpFakeQuant, Batch: 2, Operands: fakeQuantOperands, StraightThrough: true},
		{Name: "fake_quant training", Op: ir.OpFakeQuant, Batch: 3, Operands: fakeQuantOperands, Attrs: ir.Attrs{"decay": 0.5}, Training: true, StraightThrough: true},
		{Name: "fake_quant fixed range training", Op: ir.OpFakeQuant, Batch: 3, Operands: fakeQuantOperands, Attrs: ir.Attrs{"track": false}, Training: true, StraightThrough: true},
		{Name: "bn_fold_weight", Op: ir.OpBNFoldWeight, Batch: 2, Operands: []Operand{par(3, 2, 2), in(3, 4), par(3), running, runningVar}, SmallStep: true},
		{Name: "bn_fold_weight training", Op: ir.OpBNFoldWeight, Batch: 3, Operands: []Operand{par(3, 2, 2), in(3, 4), par(3), running, runningVar}, Training: true, SmallStep: true},
		{Name: "bn_fold_shift", Op: ir.OpBNFoldShift, Batch: 2, Operands: []Operand{in(3, 4), in(3, 4), par(3), par(3), running, runningVar, par(3)}, SmallStep: true},
		{Name: "bn_fold_shift act=relu no bias", Op: ir.OpBNFoldShift, Batch: 2, Operands: []Operand{{Type: ir.Batched(tensor.F32, 3, 2), Gen: apart}, in(3, 2), par(3), par(3), running, runningVar}, Attrs: ir.Attrs{"act": "relu"}, SmallStep: true},
		{Name: "bn_fold_shift training", Op: ir.OpBNFoldShift, Batch: 4, Operands: []Operand{zeros(3, 6), in(3, 6), par(3), par(3), running, runningVar, par(3)}, Training: true, SmallStep: true},
	}
}

// zeros is a batched operand of zeros: for bn_fold_shift's z, where it
// would only add float32 rounding to the small gradient through y.
func zeros(dims ...int) Operand {
	return Operand{Type: ir.Batched(tensor.F32, dims...), Gen: func(_ *rand.Rand, n int) []float32 { return make([]float32, n) }}
}

// running and runningVar are a batch norm's running mean and variance
// (the variance positive): state, which takes no gradient.
var (
	running    = Operand{Type: ir.Unbatched(tensor.F32, 3), Param: true, Fixed: true}
	runningVar = Operand{Type: ir.Unbatched(tensor.F32, 3), Param: true, Fixed: true, Gen: positive}
)

// fakeQuantOperands are an activation spread over [-3, 3] and the range
// [-1, 2]: some values lie outside, where the grid clamps.
var fakeQuantOperands = []Operand{
	{Type: ir.Batched(tensor.F32, 8), Gen: func(r *rand.Rand, n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = 6*r.Float32() - 3
		}
		return v
	}},
	{Type: ir.Unbatched(tensor.F32, 1), Param: true, Fixed: true, Gen: func(*rand.Rand, int) []float32 { return []float32{-1} }},
	{Type: ir.Unbatched(tensor.F32, 1), Param: true, Fixed: true, Gen: func(*rand.Rand, int) []float32 { return []float32{2} }},
}

// Build makes a one-op graph for the case, with random operand data drawn
// from r; it returns the op's value and the operands' data.
func (c Case) Build(r *rand.Rand) (*ir.Value, []*tensor.Tensor, error) {
	g := ir.NewGraph("t")
	var args []*ir.Value
	var data []*tensor.Tensor
	for i, o := range c.Operands {
		var v *ir.Value
		name := string(rune('a' + i))
		if o.Param {
			v = g.AddParam(name, o.Type, source.Pos{})
		} else {
			v = g.AddInput(name, o.Type, source.Pos{})
		}
		x := tensor.New(o.Type.DType, o.Type.Shape(c.Batch)...)
		for j := range x.F32 {
			x.F32[j] = float32(r.NormFloat64())
		}
		if o.Gen != nil {
			copy(x.F32, o.Gen(r, len(x.F32)))
		}
		for j := range x.I32 {
			x.I32[j] = int32(r.IntN(o.IDs))
		}
		args = append(args, v)
		data = append(data, x)
	}
	attrs := ir.Attrs{}
	if c.Attrs != nil {
		attrs = c.Attrs.Clone()
	}
	v, err := g.AddOp("y", c.Op, args, attrs, source.Pos{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", c.Name, err)
	}
	return v, data, nil
}

// beyondKinks gives values of either sign from 0.4 to 4.15 in steps of
// 0.75: on both sides of the hard activations' kinks at -3 and 3, and at
// least 0.35 from them, so that a finite difference never straddles one.
func beyondKinks(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i, k := range r.Perm(n) {
		v[i] = float32(k%6)*0.75 + 0.4
		if r.IntN(2) == 0 {
			v[i] = -v[i]
		}
	}
	return v
}
