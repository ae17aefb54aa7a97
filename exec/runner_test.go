package exec_test

import (
	"math"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

const twoInputs = `model two {
  input image: f32[1, 6, 6]
  input ids: i32[2]
  c = relu(conv2d(image, 3, kernel=3, pad=1))
  p = maxpool(batchnorm(c), 2)
  e = flatten(embedding(ids, vocab=7, dim=3))
  h = concat(flatten(p), e)
  output y = softmax(dense(dropout(h, 0.3), 4))
}
`

func twoGraph(t *testing.T) *ir.Graph {
	t.Helper()
	p, err := frontend.Compile("two.kiln", []byte(twoInputs))
	if err != nil {
		t.Fatal(err)
	}
	testmodels.Randomize(p.Graph, 1)
	return p.Graph
}

// TestRunnerMatchesReference runs a whole graph with the kernels and with
// the reference executor, over two batch sizes (buffers are remade), and
// compares every value.
func TestRunnerMatchesReference(t *testing.T) {
	g := twoGraph(t)
	r, err := exec.NewRunner(g, exec.NewCtx(false, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{5, 2} {
		set := testmodels.Synthetic(g, n, uint64(n))
		in := []*tensor.Tensor{set.Inputs[0].T, set.Inputs[1].T}
		outs, err := r.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		if len(outs) != 1 || outs[0] != r.Act(g.Outputs[0]) {
			t.Fatalf("outputs %v are not the output's activation", outs)
		}
		err = ir.RunEach(g, map[string]*tensor.Tensor{"image": in[0], "ids": in[1]}, func(v *ir.Value, want *tensor.Tensor) {
			got := r.Act(v)
			if !tensor.ShapeEqual(got.Shape, want.Shape) {
				t.Fatalf("%s: shape %v, want %v", v.Name, got.Shape, want.Shape)
			}
			for i := range want.F32 {
				if d := math.Abs(float64(got.F32[i] - want.F32[i])); d > 1e-5*math.Max(1, math.Abs(float64(want.F32[i]))) {
					t.Fatalf("batch %d, %s element %d: %g, reference %g", n, v.Name, i, got.F32[i], want.F32[i])
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if r.Batch() != n {
			t.Errorf("Batch() = %d after a batch of %d", r.Batch(), n)
		}
	}
}

// TestRunnerRejects checks what a runner refuses: graphs it cannot run,
// and batches that do not fit the graph's inputs.
func TestRunnerRejects(t *testing.T) {
	g := twoGraph(t)
	for _, p := range g.Params() {
		if strings.HasSuffix(p.Name, ".weight") {
			p.Data = nil
			break
		}
	}
	if _, err := exec.NewRunner(g, exec.NewCtx(false, 0)); err == nil || !strings.Contains(err.Error(), "has no data") {
		t.Errorf("a parameter without data: %v", err)
	}
	g = twoGraph(t)
	g.Outputs[0].Quant = &ir.QuantParams{Scale: []float32{1.0 / 256}, Zero: []int32{-128}}
	if _, err := exec.NewRunner(g, exec.NewCtx(false, 0)); err == nil || !strings.Contains(err.Error(), "y is not a float value") {
		t.Errorf("a quantized value: %v", err)
	}

	g = twoGraph(t)
	r, err := exec.NewRunner(g, exec.NewCtx(false, 0))
	if err != nil {
		t.Fatal(err)
	}
	good := testmodels.Synthetic(g, 3, 1)
	image, idsT := good.Inputs[0].T, good.Inputs[1].T
	cases := []struct {
		name string
		in   []*tensor.Tensor
		want string
	}{
		{"too few", []*tensor.Tensor{image}, "takes 2 inputs, got 1"},
		{"swapped", []*tensor.Tensor{idsT, image}, "input image: expected"},
		{"nil", []*tensor.Tensor{image, nil}, "input ids: expected"},
		{"batch sizes", []*tensor.Tensor{image, testmodels.Synthetic(g, 2, 1).Inputs[1].T}, "batch size 2 differs"},
		{"empty", []*tensor.Tensor{tensor.New(tensor.F32, 0, 1, 6, 6), tensor.New(tensor.I32, 0, 2)}, "the batch is empty"},
		{"short data", []*tensor.Tensor{{DType: tensor.F32, Shape: []int{3, 1, 6, 6}, F32: image.F32[:10]}, idsT}, "holds 10 elements"},
	}
	for _, c := range cases {
		if _, err := r.Forward(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
