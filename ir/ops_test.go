package ir

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// Hand-computed results for every op's float semantics, on tensors small
// enough to check with pencil and paper.

// evalOp runs op on one batched input x (per-sample dims xDims) and extra
// unbatched operands, returning the result's data and per-sample shape.
func evalOp(t *testing.T, op *Op, x *tensor.Tensor, extra []*tensor.Tensor, attrs Attrs) *tensor.Tensor {
	t.Helper()
	g := NewGraph("t")
	in := g.AddInput("x", Batched(x.DType, x.Shape[1:]...), source.Pos{})
	args := []*Value{in}
	for i, e := range extra {
		p := g.AddParam("p"+string(rune('0'+i)), Unbatched(e.DType, e.Shape...), source.Pos{})
		p.Data = e
		args = append(args, p)
	}
	v, err := g.AddOp("y", op, args, attrs, source.Pos{})
	if err != nil {
		t.Fatalf("%s: %v", op.Name, err)
	}
	g.Outputs = []*Value{v}
	if err := Verify(g); err != nil {
		t.Fatalf("%s: verify: %v", op.Name, err)
	}
	outs, err := Run(g, map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatalf("%s: run: %v", op.Name, err)
	}
	return outs[0]
}

func f32(shape []int, data ...float32) *tensor.Tensor { return tensor.FromF32(data, shape...) }

func seq(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i + 1)
	}
	return s
}

func expect(t *testing.T, name string, got *tensor.Tensor, shape []int, want ...float32) {
	t.Helper()
	if !tensor.ShapeEqual(got.Shape, shape) {
		t.Errorf("%s: shape %v, want %v", name, got.Shape, shape)
		return
	}
	for i := range want {
		if math.Abs(float64(got.F32[i]-want[i])) > 1e-6 {
			t.Errorf("%s: got %v, want %v", name, got.F32, want)
			return
		}
	}
}

func TestDense(t *testing.T) {
	w := f32([]int{3, 2}, 1, 0, 0, 1, 1, 1)
	b := f32([]int{3}, 0.5, 0, -1)
	got := evalOp(t, OpDense, f32([]int{2, 2}, 1, 2, -1, 3), []*tensor.Tensor{w, b}, nil)
	expect(t, "dense", got, []int{2, 3}, 1.5, 2, 2, -0.5, 3, 1)

	// Rank-3 input: the layer applies to the last dimension of each row.
	got = evalOp(t, OpDense, f32([]int{1, 2, 2}, 1, 2, 3, 4), []*tensor.Tensor{w}, nil)
	expect(t, "dense rank 3 no bias", got, []int{1, 2, 3}, 1, 2, 3, 3, 4, 7)
}

func TestConv2D(t *testing.T) {
	x := f32([]int{1, 1, 3, 3}, seq(9)...)
	diag := f32([]int{1, 1, 2, 2}, 1, 0, 0, 1)
	expect(t, "conv2d", evalOp(t, OpConv2D, x, []*tensor.Tensor{diag}, nil), []int{1, 1, 2, 2}, 6, 8, 12, 14)
	expect(t, "conv2d pad=1", evalOp(t, OpConv2D, x, []*tensor.Tensor{diag}, Attrs{"pad": []int{1, 1}}), []int{1, 1, 4, 4},
		1, 2, 3, 0,
		4, 6, 8, 3,
		7, 12, 14, 6,
		0, 7, 8, 9)
	expect(t, "conv2d stride=2", evalOp(t, OpConv2D, x, []*tensor.Tensor{diag}, Attrs{"stride": []int{2, 2}}), []int{1, 1, 1, 1}, 6)
	expect(t, "conv2d dilation=2", evalOp(t, OpConv2D, x, []*tensor.Tensor{diag}, Attrs{"dilation": []int{2, 2}}), []int{1, 1, 1, 1}, 10)

	// Two input channels into one filter, with a bias.
	x2 := f32([]int{1, 2, 1, 1}, 3, 5)
	expect(t, "conv2d channels", evalOp(t, OpConv2D, x2, []*tensor.Tensor{f32([]int{1, 2, 1, 1}, 2, 10), f32([]int{1}, 1)}, nil), []int{1, 1, 1, 1}, 57)
	// Depthwise: groups = channels, each filter sees one channel.
	expect(t, "conv2d depthwise", evalOp(t, OpConv2D, x2, []*tensor.Tensor{f32([]int{2, 1, 1, 1}, 2, 10)}, Attrs{"groups": 2}), []int{1, 2, 1, 1}, 6, 50)
}

func TestConv1D(t *testing.T) {
	x := f32([]int{1, 1, 4}, 1, 2, 3, 4)
	w := f32([]int{1, 1, 3}, 1, 0, -1)
	expect(t, "conv1d pad=1", evalOp(t, OpConv1D, x, []*tensor.Tensor{w}, Attrs{"pad": []int{1}}), []int{1, 1, 4}, -2, -2, -2, 3)
	expect(t, "conv1d stride=2", evalOp(t, OpConv1D, x, []*tensor.Tensor{w}, Attrs{"pad": []int{1}, "stride": []int{2}}), []int{1, 1, 2}, -2, -2)
}

func TestPooling(t *testing.T) {
	x := f32([]int{1, 1, 4, 4}, seq(16)...)
	expect(t, "maxpool", evalOp(t, OpMaxPool, x, nil, Attrs{"size": []int{2, 2}}), []int{1, 1, 2, 2}, 6, 8, 14, 16)
	expect(t, "avgpool", evalOp(t, OpAvgPool, x, nil, Attrs{"size": []int{2, 2}}), []int{1, 1, 2, 2}, 3.5, 5.5, 11.5, 13.5)

	// Padding never takes part: not in the max, not in the count.
	x3 := f32([]int{1, 1, 3, 3}, seq(9)...)
	pad := Attrs{"size": []int{2, 2}, "stride": []int{2, 2}, "pad": []int{1, 1}}
	expect(t, "maxpool pad", evalOp(t, OpMaxPool, x3, nil, pad.Clone()), []int{1, 1, 2, 2}, 1, 3, 7, 9)
	expect(t, "avgpool pad", evalOp(t, OpAvgPool, x3, nil, pad.Clone()), []int{1, 1, 2, 2}, 1, 2.5, 5.5, 7)
	neg := f32([]int{1, 1, 3, 3}, -1, -2, -3, -4, -5, -6, -7, -8, -9)
	expect(t, "maxpool pad negative", evalOp(t, OpMaxPool, neg, nil, pad.Clone()), []int{1, 1, 2, 2}, -1, -2, -4, -5)

	// One spatial dimension; stride defaults to the window.
	x1 := f32([]int{1, 1, 5}, 1, 3, 2, 5, 4)
	expect(t, "maxpool 1-D", evalOp(t, OpMaxPool, x1, nil, Attrs{"size": []int{2}}), []int{1, 1, 2}, 3, 5)

	g := f32([]int{1, 2, 2, 2}, 1, 2, 3, 4, 0, 0, 0, 8)
	expect(t, "global_avgpool", evalOp(t, OpGlobalAvgPool, g, nil, nil), []int{1, 2}, 2.5, 2)
}

func TestShapeOps(t *testing.T) {
	x := f32([]int{1, 2, 3}, seq(6)...)
	expect(t, "flatten", evalOp(t, OpFlatten, x, nil, nil), []int{1, 6}, seq(6)...)
	expect(t, "reshape", evalOp(t, OpReshape, x, nil, Attrs{"shape": []int{3, 2}}), []int{1, 3, 2}, seq(6)...)
	expect(t, "dropout", evalOp(t, OpDropout, x, nil, nil), []int{1, 2, 3}, seq(6)...)

	g := NewGraph("t")
	a := g.AddInput("a", Batched(tensor.F32, 2, 2), source.Pos{})
	b := g.AddInput("b", Batched(tensor.F32, 2, 1), source.Pos{})
	last, err := g.AddOp("last", OpConcat, []*Value{a, b}, Attrs{}, source.Pos{})
	if err != nil {
		t.Fatal(err)
	}
	c := g.AddInput("c", Batched(tensor.F32, 1, 2), source.Pos{})
	first, err := g.AddOp("first", OpConcat, []*Value{a, c}, Attrs{"axis": 0}, source.Pos{})
	if err != nil {
		t.Fatal(err)
	}
	g.Outputs = []*Value{last, first}
	outs, err := Run(g, map[string]*tensor.Tensor{
		"a": f32([]int{1, 2, 2}, 1, 2, 3, 4),
		"b": f32([]int{1, 2, 1}, 5, 6),
		"c": f32([]int{1, 1, 2}, 7, 8),
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "concat axis=-1", outs[0], []int{1, 2, 3}, 1, 2, 5, 3, 4, 6)
	expect(t, "concat axis=0", outs[1], []int{1, 3, 2}, 1, 2, 3, 4, 7, 8)
	if last.Attrs.Int("axis") != 1 {
		t.Errorf("concat axis -1 was not made canonical: %v", last.Attrs)
	}
}

func TestElementwise(t *testing.T) {
	// Per-sample broadcasting: [2,1] with [3] gives [2,3].
	x := f32([]int{1, 2, 1}, 1, 2)
	y := f32([]int{3}, 10, 20, 30)
	expect(t, "add", evalOp(t, OpAdd, x, []*tensor.Tensor{y}, nil), []int{1, 2, 3}, 11, 21, 31, 12, 22, 32)
	expect(t, "sub", evalOp(t, OpSub, x, []*tensor.Tensor{y}, nil), []int{1, 2, 3}, -9, -19, -29, -8, -18, -28)
	expect(t, "mul", evalOp(t, OpMul, x, []*tensor.Tensor{y}, nil), []int{1, 2, 3}, 10, 20, 30, 20, 40, 60)

	// The batch dimension never broadcasts against a per-sample one: a
	// per-sample scalar plus a [1] gives [N,1], not [N,N].
	g := NewGraph("t")
	s := g.AddInput("s", Batched(tensor.F32), source.Pos{})
	o := g.AddInput("o", Batched(tensor.F32, 1), source.Pos{})
	sum, err := g.AddOp("sum", OpAdd, []*Value{s, o}, nil, source.Pos{})
	if err != nil {
		t.Fatal(err)
	}
	g.Outputs = []*Value{sum}
	outs, err := Run(g, map[string]*tensor.Tensor{"s": f32([]int{2}, 1, 2), "o": f32([]int{2, 1}, 10, 20)})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "scalar + [1]", outs[0], []int{2, 1}, 11, 22)

	a := f32([]int{1, 4}, -1, 0, 3, 7)
	expect(t, "relu", evalOp(t, OpRelu, a, nil, nil), []int{1, 4}, 0, 0, 3, 7)
	expect(t, "relu6", evalOp(t, OpRelu6, a, nil, nil), []int{1, 4}, 0, 0, 3, 6)
	ln3, ln2 := float32(math.Log(3)), float32(math.Log(2))
	expect(t, "sigmoid", evalOp(t, OpSigmoid, f32([]int{1, 3}, 0, ln3, -ln3), nil, nil), []int{1, 3}, 0.5, 0.75, 0.25)
	expect(t, "tanh", evalOp(t, OpTanh, f32([]int{1, 3}, 0, ln2, -ln2), nil, nil), []int{1, 3}, 0, 0.6, -0.6)
	expect(t, "softmax", evalOp(t, OpSoftmax, f32([]int{1, 2}, 0, ln3), nil, nil), []int{1, 2}, 0.25, 0.75)
	expect(t, "softmax axis=0", evalOp(t, OpSoftmax, f32([]int{1, 2, 2}, 0, 5, ln3, 5), nil, Attrs{"axis": 0}), []int{1, 2, 2}, 0.25, 0.5, 0.75, 0.5)
	// Large logits must not overflow.
	expect(t, "softmax large", evalOp(t, OpSoftmax, f32([]int{1, 2}, 1000, 1000), nil, nil), []int{1, 2}, 0.5, 0.5)
}

func TestBatchNorm(t *testing.T) {
	// (x - mean) / sqrt(var + eps) * gamma + beta with sqrt(var+eps) = 2 and 1.
	params := []*tensor.Tensor{f32([]int{2}, 2, 1), f32([]int{2}, 0, 1), f32([]int{2}, 1, 2), f32([]int{2}, 3.75, 0.75)}
	got := evalOp(t, OpBatchNorm, f32([]int{1, 2}, 1, 4), params, Attrs{"eps": 0.25})
	expect(t, "batchnorm", got, []int{1, 2}, 0, 3)
	// Channels first: [C=2, L=2].
	got = evalOp(t, OpBatchNorm, f32([]int{1, 2, 2}, 1, 3, 4, 6), params, Attrs{"eps": 0.25})
	expect(t, "batchnorm 1-D", got, []int{1, 2, 2}, 0, 2, 3, 5)
}

func TestEmbedding(t *testing.T) {
	table := f32([]int{3, 2}, 0, 1, 2, 3, 4, 5)
	ids := tensor.FromI32([]int32{2, 0, 1, 1}, 2, 2)
	expect(t, "embedding", evalOp(t, OpEmbedding, ids, []*tensor.Tensor{table}, nil), []int{2, 2, 2}, 4, 5, 0, 1, 2, 3, 2, 3)

	g := NewGraph("t")
	in := g.AddInput("ids", Batched(tensor.I32, 1), source.Pos{})
	p := g.AddParam("w", Unbatched(tensor.F32, 3, 2), source.Pos{})
	p.Data = table
	v, _ := g.AddOp("e", OpEmbedding, []*Value{in, p}, nil, source.Pos{})
	g.Outputs = []*Value{v}
	_, err := Run(g, map[string]*tensor.Tensor{"ids": tensor.FromI32([]int32{3}, 1, 1)})
	if err == nil || !strings.Contains(err.Error(), "id 3 at index 0 is out of range [0, 3)") {
		t.Errorf("out-of-range id: got %v", err)
	}
}

func TestEmbeddingBag(t *testing.T) {
	table := f32([]int{3, 2}, 0, 1, 2, 3, 4, 5)
	// Lists of 3, pad 0: [2, 1] -> mean of [4, 5] and [2, 3]; [1, 1, 1];
	// pad alone -> zeros; [2] alone.
	ids := tensor.FromI32([]int32{2, 0, 1, 1, 1, 1, 0, 0, 0, 0, 2, 0}, 2, 2, 3)
	expect(t, "embedding_bag", evalOp(t, OpEmbeddingBag, ids, []*tensor.Tensor{table}, nil), []int{2, 2, 2}, 3, 4, 2, 3, 0, 0, 4, 5)
	expect(t, "embedding_bag sum", evalOp(t, OpEmbeddingBag, ids, []*tensor.Tensor{table}, Attrs{"mode": "sum"}), []int{2, 2, 2}, 6, 8, 6, 9, 0, 0, 4, 5)
	// Pad 7, outside the vocabulary: id 0 counts.
	expect(t, "embedding_bag pad=7", evalOp(t, OpEmbeddingBag, tensor.FromI32([]int32{0, 7, 2}, 1, 3), []*tensor.Tensor{table}, Attrs{"pad": 7}), []int{1, 2}, 2, 3)

	g := NewGraph("t")
	in := g.AddInput("ids", Batched(tensor.I32, 2), source.Pos{})
	p := g.AddParam("w", Unbatched(tensor.F32, 3, 2), source.Pos{})
	p.Data = table
	v, _ := g.AddOp("e", OpEmbeddingBag, []*Value{in, p}, nil, source.Pos{})
	g.Outputs = []*Value{v}
	_, err := Run(g, map[string]*tensor.Tensor{"ids": tensor.FromI32([]int32{0, 0, 1, -2}, 2, 2)})
	if err == nil || !strings.Contains(err.Error(), "id -2 at index 3 is out of range [0, 3)") {
		t.Errorf("out-of-range id: got %v", err)
	}
	for _, c := range []struct {
		ids   Type
		attrs Attrs
		want  string
	}{
		{Batched(tensor.I32), nil, "ids must be i32 [..., L]"},
		{Batched(tensor.F32, 3), nil, "ids must be i32 [..., L]"},
		{Batched(tensor.I32, 3), Attrs{"mode": "max"}, "attribute mode must be one of mean, sum"},
	} {
		g := NewGraph("t")
		in := g.AddInput("ids", c.ids, source.Pos{})
		p := g.AddParam("w", Unbatched(tensor.F32, 3, 2), source.Pos{})
		if _, err := g.AddOp("e", OpEmbeddingBag, []*Value{in, p}, c.attrs, source.Pos{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: got %v, want %q", c.ids, c.attrs, err, c.want)
		}
	}
}

func TestScoreItems(t *testing.T) {
	// u = [1, 2] against the items [1, 0], [0, 1], [2, 3], [-1, 0.5].
	table := f32([]int{4, 2}, 1, 0, 0, 1, 2, 3, -1, 0.5)
	expect(t, "score_items", evalOp(t, OpScoreItems, f32([]int{1, 2}, 1, 2), []*tensor.Tensor{table}, nil), []int{1, 4}, 1, 2, 8, 0)
	if OpScoreItems.Lower == nil || OpScoreItems.Lower.To != OpQDense {
		t.Errorf("score_items lowers to %v, want qdense", OpScoreItems.Lower)
	}
	g := NewGraph("t")
	in := g.AddInput("u", Batched(tensor.F32, 3), source.Pos{})
	p := g.AddParam("w", Unbatched(tensor.F32, 4, 2), source.Pos{})
	if _, err := g.AddOp("s", OpScoreItems, []*Value{in, p}, nil, source.Pos{}); err == nil || !strings.Contains(err.Error(), "score_items: input f32[N,3] has 3 features, weight f32[4,2] expects 2") {
		t.Errorf("mismatched widths: got %v", err)
	}
}

func TestInteractions(t *testing.T) {
	// Two fields e1 = [1, 2], e2 = [3, 4]: their dot product is 11, per
	// column 1*3 = 3 and 2*4 = 8.
	e := f32([]int{1, 2, 2}, 1, 2, 3, 4)
	expect(t, "fm", evalOp(t, OpFM, e, nil, nil), []int{1, 1}, 11)
	expect(t, "bi_interaction", evalOp(t, OpBiInteraction, e, nil, nil), []int{1, 2}, 3, 8)
	// Three fields: pairs (1,2), (1,3), (2,3) of scalars 1, 2, 3: 2+3+6.
	expect(t, "fm 3 fields", evalOp(t, OpFM, f32([]int{1, 3, 1}, 1, 2, 3), nil, nil), []int{1, 1}, 11)
}

func TestReductions(t *testing.T) {
	x := f32([]int{1, 2, 3}, seq(6)...)
	expect(t, "sum all", evalOp(t, OpSum, x, nil, nil), []int{1}, 21)
	expect(t, "sum axis 0", evalOp(t, OpSum, x, nil, Attrs{"axis": []int{0}}), []int{1, 3}, 5, 7, 9)
	expect(t, "sum axis -1 keepdims", evalOp(t, OpSum, x, nil, Attrs{"axis": []int{-1}, "keepdims": true}), []int{1, 2, 1}, 6, 15)
	expect(t, "mean all", evalOp(t, OpMean, x, nil, nil), []int{1}, 3.5)
	expect(t, "mean axis 1", evalOp(t, OpMean, f32([]int{2, 2, 3}, append(seq(6), seq(6)...)...), nil, Attrs{"axis": []int{1}}), []int{2, 2}, 2, 5, 2, 5)
}

func TestShapeRuleErrors(t *testing.T) {
	cases := []struct {
		op    *Op
		x     Type
		extra []Type
		attrs Attrs
		want  string
	}{
		{OpDense, Batched(tensor.F32, 400), []Type{Unbatched(tensor.F32, 120, 300)}, nil, "dense: input f32[N,400] has 400 features, weight f32[120,300] expects 300"},
		{OpConv2D, Batched(tensor.F32, 784), []Type{Unbatched(tensor.F32, 6, 1, 5, 5)}, nil, "conv2d: input must have rank 3 per sample, got f32[N,784]"},
		{OpConv2D, Batched(tensor.F32, 1, 3, 3), []Type{Unbatched(tensor.F32, 6, 1, 5, 5)}, nil, "conv2d: input f32[N,1,3,3] is smaller than the kernel [5,5] (padding [0,0], dilation [1,1])"},
		{OpConv2D, Batched(tensor.F32, 3, 8, 8), []Type{Unbatched(tensor.F32, 4, 1, 3, 3)}, Attrs{"groups": 2}, "conv2d: groups=2 must divide both the input channels (3) and the filters (4)"},
		{OpMaxPool, Batched(tensor.F32, 1, 1, 1), nil, Attrs{"size": []int{2, 2}}, "maxpool: input f32[N,1,1,1] is smaller than the window [2,2]"},
		{OpAdd, Batched(tensor.F32, 3), []Type{Unbatched(tensor.F32, 4)}, nil, "add: shapes f32[N,3] and f32[4] do not broadcast"},
		{OpReshape, Batched(tensor.F32, 6), nil, Attrs{"shape": []int{4, -1}}, "reshape: cannot reshape f32[N,6] (6 elements per sample) to [4,-1]"},
		{OpSoftmax, Batched(tensor.F32, 6), nil, Attrs{"axis": 1}, "softmax: axis 1 is out of range for rank 1"},
		{OpEmbedding, Batched(tensor.F32, 3), []Type{Unbatched(tensor.F32, 10, 4)}, nil, "embedding: ids must be i32, got f32[N,3]"},
		{OpFM, Batched(tensor.F32, 3), nil, nil, "fm: input must be [fields, dim] per sample, got f32[N,3]"},
		{OpConv2D, Batched(tensor.F32, 1, 8, 8), []Type{Unbatched(tensor.F32, 6, 1, 5, 5)}, Attrs{"stride": []int{1}}, "conv2d: attribute stride must have 2 entries, got [1]"},
		{OpDense, Batched(tensor.F32, 4), nil, nil, "dense takes 2 to 3 operands, got 1"},
		{OpRelu, Batched(tensor.F32, 4), nil, Attrs{"alpha": 1.0}, `relu has no attribute "alpha"`},
	}
	for _, c := range cases {
		g := NewGraph("t")
		args := []*Value{g.AddInput("x", c.x, source.Pos{})}
		for i, e := range c.extra {
			args = append(args, g.AddParam("p"+string(rune('0'+i)), e, source.Pos{}))
		}
		attrs := c.attrs
		if attrs == nil {
			attrs = Attrs{}
		}
		_, err := g.AddOp("y", c.op, args, attrs, source.Pos{})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got error %v, want %q", c.op.Name, err, c.want)
		}
	}
}

// TestOpTable checks every row of the table: a name, a doc line, a shape
// rule and float semantics for every compute op.
func TestOpTable(t *testing.T) {
	for _, op := range Ops() {
		if op.Doc == "" {
			t.Errorf("op %s has no doc", op.Name)
		}
		if op.Kind == Compute && (op.Infer == nil || op.Eval == nil) {
			t.Errorf("op %s lacks a shape rule or float semantics", op.Name)
		}
	}
}

func TestTranspose(t *testing.T) {
	// Two examples of [2, 3]: the default reverses the axes.
	x := f32([]int{2, 2, 3}, 1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6)
	expect(t, "transpose", evalOp(t, OpTranspose, x, nil, nil), []int{2, 3, 2}, 1, 4, 2, 5, 3, 6, -1, -4, -2, -5, -3, -6)
	// x[i][j][k] = 100i + 10j + k over [2, 2, 2]; perm [1, 2, 0]: out[j][k][i].
	y := f32([]int{1, 2, 2, 2}, 0, 1, 10, 11, 100, 101, 110, 111)
	expect(t, "transpose perm=[1,2,0]", evalOp(t, OpTranspose, y, nil, Attrs{"perm": []int{1, 2, 0}}), []int{1, 2, 2, 2}, 0, 100, 1, 101, 10, 110, 11, 111)
	if l := OpTranspose.Lower; l == nil || l.To != OpQTranspose || l.Result != ResultOperand {
		t.Errorf("transpose lowers by %+v, want qtranspose keeping the operand's parameters", l)
	}
	if got := InversePerm([]int{2, 0, 1}); !slices.Equal(got, []int{1, 2, 0}) {
		t.Errorf("InversePerm([2 0 1]) = %v", got)
	}
	g := NewGraph("t")
	in := g.AddInput("x", Batched(tensor.F32, 3, 4), source.Pos{})
	for perm, want := range map[string]string{"0": "has 1 entry for 2 axes", "1 1": "names axis 1 twice", "0 2": "names axis 2, outside [0, 2)"} {
		var p []int
		for _, f := range strings.Fields(perm) {
			n, _ := strconv.Atoi(f)
			p = append(p, n)
		}
		if _, err := g.AddOp("y", OpTranspose, []*Value{in}, Attrs{"perm": p}, source.Pos{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("perm %v: got %v, want %q", p, err, want)
		}
	}
	// The int8 twin keeps its operand's quantization: anything else is
	// refused by the verifier's rule.
	xq := &Value{Name: "xq", Op: OpParam, Type: Batched(tensor.I8, 3, 4), Quant: PerTensor(0.5, -3)}
	v := &Value{Name: "yq", Op: OpQTranspose, Args: []*Value{xq}, Attrs: Attrs{"perm": []int{1, 0}}, Type: Batched(tensor.I8, 4, 3), Quant: PerTensor(0.5, -3)}
	if err := v.Op.QuantRule(v); err != nil {
		t.Errorf("same parameters: %v", err)
	}
	v.Quant = PerTensor(0.25, -3)
	if err := v.Op.QuantRule(v); err == nil {
		t.Error("qtranspose with another scale than its operand's passes its rule")
	}
}

// TestTransposeOfAParameterHasNoIntegerForm: the int8 transpose runs on
// examples' data; a transposed parameter stays float, saying why.
func TestTransposeOfAParameterHasNoIntegerForm(t *testing.T) {
	g := NewGraph("t")
	p := g.AddParam("w", Unbatched(tensor.F32, 2, 3), source.Pos{})
	in := g.AddInput("x", Batched(tensor.F32, 2, 3), source.Pos{})
	tp, err := g.AddOp("tp", OpTranspose, []*Value{p}, nil, source.Pos{})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := g.AddOp("tx", OpTranspose, []*Value{in}, nil, source.Pos{})
	if err != nil {
		t.Fatal(err)
	}
	if why := NoIntegerForm(tp); !strings.Contains(why, "w is not per example") {
		t.Errorf("transpose of a parameter: %q", why)
	}
	if why := NoIntegerForm(tx); why != "" {
		t.Errorf("transpose of an input: %q", why)
	}
}
