package tests

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// qatModel has every kind of value quantization-aware training rounds: a
// float input, convolutions and dense layers with fused activations, a
// pooling and a flatten that keep their operand's parameters, an add.
const qatModel = `model q {
  input x: f32[2, 8, 8]
  c1 = relu(conv2d(x, filters=4, kernel=3, pad=1))
  p1 = maxpool(c1, size=2)
  h1 = relu(dense(flatten(p1), 16))
  h2 = dense(h1, 16)
  s = h1 + h2
  output y = dense(s, 5)
}
`

// qatBuild rewrites the model for quantization-aware training, tracks its
// ranges over a few training-mode batches, and builds the int8 model
// from the float model with the weights and ranges that run saves, with
// no calibration data.
func qatBuild(t *testing.T, bits int) (qat *ir.Graph, b built) {
	t.Helper()
	return qatBuildModel(t, qatModel, train.QATOptions{Bits: bits, Decay: 0.9})
}

// qatBuildModel is qatBuild for a given model and options, over three
// training batches.
func qatBuildModel(t *testing.T, model string, opt train.QATOptions) (qat *ir.Graph, b built) {
	t.Helper()
	p, err := frontend.Compile("q.kiln", []byte(model))
	if err != nil {
		t.Fatal(err)
	}
	testmodels.Randomize(p.Graph, 1)
	qat = p.Graph.Clone()
	if _, err := compiler.Compile(qat, compiler.Options{Until: compiler.Float, Passes: []string{"fuse-activations"}}); err != nil {
		t.Fatal(err)
	}
	if err := train.QAT(qat, opt); err != nil {
		t.Fatal(err)
	}
	r, err := exec.NewRunner(qat, exec.NewCtx(true, 1))
	if err != nil {
		t.Fatal(err)
	}
	set := testmodels.Synthetic(qat, 96, 2)
	if err := testmodels.Feed(qat, set, 32).Each(func(in []*tensor.Tensor) error {
		_, err := r.Forward(in)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	weights, ranges, err := train.SplitQATRanges(train.QATWeights(qat))
	if err != nil {
		t.Fatal(err)
	}
	given := map[string]passes.Range{}
	for name, r := range ranges {
		given[name] = passes.Range{Lo: r[0], Hi: r[1]}
	}
	p2, err := frontend.Compile("q.kiln", []byte(model))
	if err != nil {
		t.Fatal(err)
	}
	res, err := compiler.Compile(p2.Graph, compiler.Options{Until: compiler.Bytecode, Weights: weights, Calibration: &passes.Calibration{Ranges: given}})
	if err != nil {
		t.Fatal(err)
	}
	return qat, built{name: "qat", float: res.Float, quant: res.Graph, kbc: res.Bytecode}
}

// TestQATMatchesInt8 compares, layer by layer, the fake-quantized float
// graph with the int8 graph built from its weights and learned ranges:
// the float graph is run op by op, and at each fake-quantized value its
// result must lie within one quantization step of the int8 graph's value
// (dequantized); then the int8 value replaces it, so that every layer is
// compared on the same inputs as its int8 twin.
func TestQATMatchesInt8(t *testing.T) {
	for _, bits := range []int{8, 4} {
		qat, b := qatBuild(t, bits)
		// x, c1, h1, h2, s, y: every value with a range of its own.
		compareQATInt8(t, qat, b, bits, 6)
	}
}

// compareQATInt8 is TestQATMatchesInt8's comparison, which must meet
// want fake-quantized values.
func compareQATInt8(t *testing.T, qat *ir.Graph, b built, bits, want int) {
	t.Helper()
	{
		const n = 50
		set := testmodels.Synthetic(qat, n, 7)
		feeds := map[string]*tensor.Tensor{}
		for i, in := range qat.Inputs() {
			feeds[in.Name] = set.Inputs[i].T
		}
		int8s := map[string]*ir.Value{}
		deq := map[string]*tensor.Tensor{}
		if err := ir.RunEach(b.quant, feeds, func(v *ir.Value, x *tensor.Tensor) {
			name, ok := strings.CutSuffix(v.Name, ".q")
			if ok && v.Quant != nil && !v.IsSource() {
				d := tensor.New(tensor.F32, x.Shape...)
				s, z := v.Quant.Scale[0], v.Quant.Zero[0]
				for i, q := range x.I8 {
					d.F32[i] = float32(float64(s) * float64(int32(q)-z))
				}
				int8s[name], deq[name] = v, d
			}
		}); err != nil {
			t.Fatal(err)
		}
		acts := map[*ir.Value]*tensor.Tensor{}
		compared := 0
		for _, v := range qat.Values {
			switch {
			case v.Op == ir.OpInput:
				acts[v] = feeds[v.Name]
				continue
			case v.IsSource():
				acts[v] = v.Data
				continue
			}
			in := make([]*tensor.Tensor, len(v.Args))
			for i, a := range v.Args {
				in[i] = acts[a]
			}
			out := tensor.New(tensor.F32, v.Type.Shape(n)...)
			if err := v.Op.Eval(v, in, out); err != nil {
				t.Fatal(err)
			}
			acts[v] = out
			name := strings.TrimSuffix(v.Name, ".fq")
			if v.Op != ir.OpFakeQuant || deq[name] == nil {
				continue
			}
			s := float64(int8s[name].Quant.Scale[0])
			worst := 0.0
			for i, x := range deq[name].F32 {
				worst = math.Max(worst, math.Abs(float64(x)-float64(out.F32[i])))
			}
			if worst > s*1.0001 {
				t.Errorf("bits=%d: %s: the int8 value is %.3g steps from the fake-quantized one", bits, name, worst/s)
			}
			t.Logf("bits=%d: %s: at most %.3g steps apart", bits, name, worst/s)
			acts[v] = deq[name]
			compared++
		}
		if compared != want {
			t.Errorf("bits=%d: compared %d values, want %d", bits, compared, want)
		}
	}
}

// qatBNModel has a batch norm between a convolution and its relu, which
// the int8 build folds into the convolution.
const qatBNModel = `model q {
  input x: f32[2, 8, 8]
  c0 = conv2d(x, filters=4, kernel=3, pad=1)
  n0 = batchnorm(c0)
  c1 = relu(n0)
  p1 = maxpool(c1, size=2)
  output y = dense(flatten(p1), 5)
}
`

// TestQATBatchNorm: with the batch norm folded in training and its
// statistics frozen after two of the three steps, the fake-quantized
// graph is within a step of the int8 graph built from the saved weights
// and ranges at x, c1 and y, and the .kbc runs bit-exactly.
func TestQATBatchNorm(t *testing.T) {
	qat, b := qatBuildModel(t, qatBNModel, train.QATOptions{Bits: 8, Decay: 0.9, BNFreeze: 2})
	for _, v := range qat.Values {
		if v.Op == ir.OpBatchNorm {
			t.Fatalf("%s: the batch norm is still there", v.Name)
		}
	}
	compareQATInt8(t, qat, b, 8, 3)
	checkBitExact(t, b, 10, 100) // 1,000 inputs
}

// TestQATBatchNormFreeze: after the freeze step a
// training-mode forward pass of the folded graph gives what inference
// gives, since both fold the running statistics; before it they differ.
func TestQATBatchNormFreeze(t *testing.T) {
	p, err := frontend.Compile("q.kiln", []byte(qatBNModel))
	if err != nil {
		t.Fatal(err)
	}
	testmodels.Randomize(p.Graph, 1)
	g := p.Graph
	if _, err := compiler.Compile(g, compiler.Options{Until: compiler.Float, Passes: []string{"fuse-activations"}}); err != nil {
		t.Fatal(err)
	}
	if err := train.QAT(g, train.QATOptions{Decay: 0.9, Freeze: 1, BNFreeze: 1}); err != nil {
		t.Fatal(err)
	}
	set := testmodels.Synthetic(g, 16, 3)
	in := []*tensor.Tensor{set.Inputs[0].T}
	tr, err := exec.NewRunner(g, exec.NewCtx(true, 1))
	if err != nil {
		t.Fatal(err)
	}
	first, err := tr.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	first0 := first[0].Clone()
	second, err := tr.Forward(in) // frozen: running statistics, fixed ranges
	if err != nil {
		t.Fatal(err)
	}
	inf, err := exec.NewRunner(g, exec.NewCtx(false, 1))
	if err != nil {
		t.Fatal(err)
	}
	want, err := inf.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(second[0], want[0]) {
		t.Errorf("after the freeze step, training and inference differ")
	}
	if tensor.Equal(first0, want[0]) {
		t.Errorf("before the freeze step, training used the running statistics")
	}
}

// TestQATBitExact: the .kbc built from learned ranges runs bit-exactly
// against the integer reference executor on 1,000 inputs, with 8-bit and
// with 4-bit weights.
func TestQATBitExact(t *testing.T) {
	for _, bits := range []int{8, 4} {
		_, b := qatBuild(t, bits)
		checkBitExact(t, b, 10, 100)
	}
}

// TestQATNeedsEveryRange: with no calibration data, a value without a
// learned range is an error that names it.
func TestQATNeedsEveryRange(t *testing.T) {
	p, err := frontend.Compile("q.kiln", []byte(qatModel))
	if err != nil {
		t.Fatal(err)
	}
	testmodels.Randomize(p.Graph, 1)
	_, err = compiler.Compile(p.Graph, compiler.Options{Until: compiler.Quantized,
		Calibration: &passes.Calibration{Ranges: map[string]passes.Range{"x": {Lo: -1, Hi: 1}}}})
	if err == nil || !strings.Contains(err.Error(), "no range given for c1, h1, h2, s, y") {
		t.Fatalf("got %v, want the values without a range named", err)
	}
}

// TestQATPerTensor: 8-bit weights rounded with one scale each in training
// lie on one int8 grid, so the build gives them one scale by itself (no
// --per-tensor needed); at 8 and 5 bits the fake-quantized graph agrees
// with the int8 graph within a step at every layer.
func TestQATPerTensor(t *testing.T) {
	for _, bits := range []int{8, 5} {
		qat, b := qatBuildModel(t, qatModel, train.QATOptions{Bits: bits, Decay: 0.9, PerTensorWeights: true})
		weights := 0
		for _, v := range b.quant.Values {
			if v.Op == ir.OpParam && v.Type.DType == tensor.I8 {
				weights++
				if n := len(v.Quant.Scale); bits == 8 && n != 1 {
					t.Errorf("bits=%d: weight %s has %d scales, want 1", bits, v.Name, n)
				}
			}
		}
		if weights == 0 {
			t.Fatalf("bits=%d: the build has no int8 weights", bits)
		}
		compareQATInt8(t, qat, b, bits, 6)
	}
}

// qatQBatchNormModel has a batch norm after a pooling layer, which the
// int8 build runs as qbatchnorm; qatForwardBNModel one that it folds into
// the dense layer after it (past a dropout).
const (
	qatQBatchNormModel = `model q {
  input x: f32[2, 8, 8]
  c0 = relu(conv2d(x, filters=4, kernel=3, pad=1))
  p0 = maxpool(c0, size=2)
  n0 = batchnorm(p0)
  h = relu(dense(flatten(n0), 6))
  output y = dense(h, 5)
}
`
	qatForwardBNModel = `model q {
  input x: f32[6]
  h0 = relu(dense(x, 8))
  n0 = batchnorm(h0)
  h1 = relu(dense(dropout(n0, rate=0.3), 7))
  output y = dense(h1, 5)
}
`
)

// TestQATFrozenBatchNorm: a batch norm that folds into no layer before it
// trains frozen, from its running statistics (which stay as they are),
// and the fake-quantized graph agrees with the int8 graph within a step
// on every layer; the .kbc runs bit-exactly.
func TestQATFrozenBatchNorm(t *testing.T) {
	for _, c := range []struct {
		name, model string
		values      int
	}{
		{"qbatchnorm", qatQBatchNormModel, 5},                // x, c0, n0, h, y
		{"folded into the next dense", qatForwardBNModel, 4}, // x, h0, h1, y
	} {
		t.Run(c.name, func(t *testing.T) {
			qat, b := qatBuildModel(t, c.model, train.QATOptions{Bits: 8, Decay: 0.9})
			p, err := frontend.Compile("q.kiln", []byte(c.model))
			if err != nil {
				t.Fatal(err)
			}
			testmodels.Randomize(p.Graph, 1) // the weights qatBuildModel started from
			before := p.Graph.Weights()
			frozen := 0
			for _, v := range qat.Values {
				if v.Op != ir.OpBatchNorm {
					continue
				}
				frozen++
				if !v.Attrs.Bool("frozen") {
					t.Errorf("%s is not frozen", v.Name)
				}
				for _, stat := range v.Args[3:5] {
					if !slices.Equal(stat.Data.F32, before[stat.Name].F32) {
						t.Errorf("%s moved in training", stat.Name)
					}
				}
			}
			if frozen != 1 {
				t.Fatalf("%d batch norms in the training graph, want 1", frozen)
			}
			compareQATInt8(t, qat, b, 8, c.values)
			checkBitExact(t, b, 10, 100) // 1,000 inputs
		})
	}
}

// qatFixedModel has ops whose int8 results have fixed parameters (tanh's
// 1/128 and 0, sigmoid's and softmax's 1/256 and -128).
const qatFixedModel = `model q {
  input x: f32[6]
  h = tanh(dense(x, 8))
  z = dense(h, 4)
  output y = sigmoid(z)
  output p = softmax(z)
}
`

// TestQATFixedRanges: training rounds tanh, sigmoid and softmax results
// to the grids their int8 kernels fix (ranges that do not move and are
// not saved), within a step of the int8 graph; the .kbc is bit-exact.
func TestQATFixedRanges(t *testing.T) {
	qat, b := qatBuildModel(t, qatFixedModel, train.QATOptions{Bits: 8, Decay: 0.9})
	fixed := map[string]bool{}
	for _, v := range qat.Values {
		if v.Op == ir.OpFakeQuant && !v.Attrs.Bool("track") {
			fixed[v.Name] = true
		}
	}
	for _, name := range []string{"h", "y", "p"} {
		if !fixed[name] {
			t.Errorf("%s is not rounded to a fixed grid (fixed: %v)", name, fixed)
		}
	}
	for name := range train.QATWeights(qat) {
		if strings.Contains(name, ".fixed_") {
			t.Errorf("a fixed range is saved: %s", name)
		}
	}
	compareQATInt8(t, qat, b, 8, 6) // x, h's dense, h, z, y, p
	checkBitExact(t, b, 10, 100)    // 1,000 inputs
}
