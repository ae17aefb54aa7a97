package onnx

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// testdataDir is where Debian's libonnx-testdata puts ONNX's backend test
// models (make onnx-testdata installs it): models exported by PyTorch and
// built by ONNX's own tests, each with inputs and the outputs its
// exporter computed.
func testdataDir(t *testing.T) string {
	dir := os.Getenv("KILN_ONNX_TESTDATA")
	if dir == "" {
		dir = "/usr/share/libonnx-testdata/data"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("ONNX test data not found at %s (make onnx-testdata installs Debian's libonnx-testdata; KILN_ONNX_TESTDATA names another copy)", dir)
	}
	return dir
}

// conformanceModels are the PyTorch-exported models of the test data
// that kiln must import and run to their reference outputs: every one
// whose ops kiln's table has. A model that stops importing fails the
// test, so coverage cannot silently shrink.
var conformanceModels = []string{
	"pytorch-converted/test_AvgPool1d",
	"pytorch-converted/test_AvgPool1d_stride",
	"pytorch-converted/test_AvgPool2d",
	"pytorch-converted/test_AvgPool2d_stride",
	"pytorch-converted/test_BatchNorm1d_3d_input_eval",
	"pytorch-converted/test_BatchNorm2d_eval",
	"pytorch-converted/test_BatchNorm2d_momentum_eval",
	"pytorch-converted/test_BatchNorm3d_eval",
	"pytorch-converted/test_BatchNorm3d_momentum_eval",
	"pytorch-converted/test_Conv1d",
	"pytorch-converted/test_Conv1d_dilated",
	"pytorch-converted/test_Conv1d_groups",
	"pytorch-converted/test_Conv1d_pad1",
	"pytorch-converted/test_Conv1d_pad1size1",
	"pytorch-converted/test_Conv1d_pad2",
	"pytorch-converted/test_Conv1d_pad2size1",
	"pytorch-converted/test_Conv1d_stride",
	"pytorch-converted/test_Conv2d",
	"pytorch-converted/test_Conv2d_depthwise",
	"pytorch-converted/test_Conv2d_depthwise_padded",
	"pytorch-converted/test_Conv2d_depthwise_strided",
	"pytorch-converted/test_Conv2d_depthwise_with_multiplier",
	"pytorch-converted/test_Conv2d_dilated",
	"pytorch-converted/test_Conv2d_groups",
	"pytorch-converted/test_Conv2d_groups_thnn",
	"pytorch-converted/test_Conv2d_no_bias",
	"pytorch-converted/test_Conv2d_padding",
	"pytorch-converted/test_Conv2d_strided",
	"pytorch-converted/test_Embedding",
	"pytorch-converted/test_Embedding_sparse",
	"pytorch-converted/test_Linear",
	"pytorch-converted/test_Linear_no_bias",
	"pytorch-converted/test_LogSoftmax",
	"pytorch-converted/test_MaxPool1d",
	"pytorch-converted/test_MaxPool1d_stride",
	"pytorch-converted/test_MaxPool2d",
	"pytorch-converted/test_PixelShuffle",
	"pytorch-converted/test_ReLU",
	"pytorch-converted/test_Sigmoid",
	"pytorch-converted/test_Softmax",
	"pytorch-converted/test_Tanh",
	"pytorch-converted/test_log_softmax_dim3",
	"pytorch-converted/test_log_softmax_lastdim",
	"pytorch-converted/test_softmax_functional_dim3",
	"pytorch-converted/test_softmax_lastdim",
	"pytorch-operator/test_operator_concat2",
	"pytorch-operator/test_operator_conv",
	"pytorch-operator/test_operator_flatten",
	"pytorch-operator/test_operator_maxpool",
	"pytorch-operator/test_operator_permute2",
	"pytorch-operator/test_operator_reduced_mean",
	"pytorch-operator/test_operator_reduced_mean_keepdim",
	"pytorch-operator/test_operator_reduced_sum",
	"pytorch-operator/test_operator_reduced_sum_keepdim",
	"pytorch-operator/test_operator_view",
}

// TestConformance imports each listed model, runs it in float on kiln's
// reference executor with the test data's inputs and compares every
// output with the reference, to 1e-4 of the output's range.
func TestConformance(t *testing.T) {
	dir := testdataDir(t)
	for _, name := range conformanceModels {
		t.Run(name, func(t *testing.T) {
			runConformance(t, filepath.Join(dir, name))
		})
	}
}

// TestConformanceSurvey imports every PyTorch-exported model of the test
// data and reports, not fails, how many kiln reads: the list above is the
// contract, this is the map for extending it.
func TestConformanceSurvey(t *testing.T) {
	dir := testdataDir(t)
	listed := map[string]bool{}
	for _, n := range conformanceModels {
		listed[n] = true
	}
	var ok, refused []string
	for _, set := range []string{"pytorch-converted", "pytorch-operator"} {
		entries, _ := os.ReadDir(filepath.Join(dir, set))
		for _, e := range entries {
			name := set + "/" + e.Name()
			_, err := Load(filepath.Join(dir, name, "model.onnx"))
			switch {
			case err == nil:
				ok = append(ok, name)
				if !listed[name] {
					t.Logf("imports but is not in conformanceModels: %s", name)
				}
			default:
				refused = append(refused, name+": "+firstLine(err.Error()))
			}
		}
	}
	sort.Strings(refused)
	t.Logf("%d models import, %d are refused", len(ok), len(refused))
	for _, r := range refused {
		t.Log("  " + r)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

func runConformance(t *testing.T, dir string) {
	t.Helper()
	prog, err := Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	g := prog.Graph
	sets, _ := filepath.Glob(filepath.Join(dir, "test_data_set_*"))
	if len(sets) == 0 {
		t.Fatal("no test data sets")
	}
	for _, set := range sets {
		feeds := map[string]*tensor.Tensor{}
		for k, in := range g.Inputs() {
			feeds[in.Name] = readPB(t, filepath.Join(set, "input_"+itoa10(k)+".pb"), in.Type.DType)
		}
		outs, err := ir.Run(g, feeds)
		if err != nil {
			t.Fatal(err)
		}
		for k, got := range outs {
			want := readPB(t, filepath.Join(set, "output_"+itoa10(k)+".pb"), tensor.F32)
			compareOutputs(t, g.Outputs[k].Name, got, want)
		}
	}
}

// compareOutputs checks shape and values: the largest difference must be
// under 1e-4 of the reference's range (or 1e-5, for a constant output).
func compareOutputs(t *testing.T, name string, got, want *tensor.Tensor) {
	t.Helper()
	if !tensor.ShapeEqual(got.Shape, want.Shape) {
		t.Fatalf("%s: shape %v, reference %v", name, got.Shape, want.Shape)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range want.F32 {
		lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
	}
	tol := math.Max(1e-4*(hi-lo), 1e-5)
	worst := 0.0
	for i := range want.F32 {
		worst = math.Max(worst, math.Abs(float64(got.F32[i])-float64(want.F32[i])))
	}
	if !(worst <= tol) {
		t.Errorf("%s: max |kiln - reference| = %g, over %g (range [%g, %g])", name, worst, tol, lo, hi)
	}
}

// readPB reads a serialised TensorProto as a tensor of dtype.
func readPB(t *testing.T, path string, dt tensor.DType) *tensor.Tensor {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tp onnxpb.TensorProto
	if err := proto.Unmarshal(data, &tp); err != nil {
		t.Fatal(err)
	}
	c, err := decodeTensor(&tp)
	if err != nil {
		t.Fatal(err)
	}
	if dt == tensor.I32 {
		ids := make([]int32, c.len())
		for k, v := range c.i {
			ids[k] = int32(v)
		}
		return tensor.FromI32(ids, c.shape...)
	}
	return tensor.FromF32(c.floats(), c.shape...)
}

// TestNodeConformance runs ONNX's own operator tests (the test data's
// node/ directory: one node each, inputs and outputs computed by ONNX's
// NumPy reference): every test whose op kiln imports runs to the
// reference outputs. kiln takes weights as constants, so each test's
// inputs after the first become initializers holding the test's values;
// the first stays the batched input. Tests kiln refuses (ops or
// attributes it lacks, a first dimension that cannot be a batch) are
// counted; the count of those that run may only grow.
func TestNodeConformance(t *testing.T) {
	dir := filepath.Join(testdataDir(t), "node")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]int{}
	total := 0
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		prog, feeds, want, ok := loadNodeTest(t, path)
		if !ok {
			continue
		}
		outs, err := ir.Run(prog, feeds)
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		for k, got := range outs {
			compareOutputs(t, e.Name()+" "+prog.Outputs[k].Name, got, want[k])
		}
		ran[opOf(prog)]++
		total++
	}
	var ops []string
	for op, n := range ran {
		ops = append(ops, op+":"+itoa10(n))
	}
	sort.Strings(ops)
	t.Logf("%d node tests run (by kiln op): %s", total, strings.Join(ops, " "))
	if total < minNodeTests {
		t.Errorf("%d node tests ran, fewer than the %d that did before", total, minNodeTests)
	}
}

// minNodeTests is how many of ONNX's node tests kiln imported and passed
// when this test was written (libonnx-testdata 1.12.0).
const minNodeTests = 88

func itoa10(n int) string { return strconv.Itoa(n) }

// opOf names a graph by its last op.
func opOf(g *ir.Graph) string { return g.Outputs[0].Op.Name }

// loadNodeTest reads one node test with its inputs after the first turned
// into initializers; ok is false when kiln refuses it or it does not fit
// kiln (float32 data in and out, one data set).
func loadNodeTest(t *testing.T, dir string) (*ir.Graph, map[string]*tensor.Tensor, []*tensor.Tensor, bool) {
	data, err := os.ReadFile(filepath.Join(dir, "model.onnx"))
	if err != nil {
		return nil, nil, nil, false
	}
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil {
		t.Errorf("%s: %v", dir, err)
		return nil, nil, nil, false
	}
	set := filepath.Join(dir, "test_data_set_0")
	g := m.GetGraph()
	if len(g.GetInput()) == 0 {
		return nil, nil, nil, false
	}
	var first *tensor.Tensor
	for k, in := range g.GetInput() {
		var tp onnxpb.TensorProto
		raw, err := os.ReadFile(filepath.Join(set, "input_"+itoa10(k)+".pb"))
		if err != nil || proto.Unmarshal(raw, &tp) != nil {
			return nil, nil, nil, false
		}
		if k == 0 {
			if tp.GetDataType() != int32(onnxpb.TensorProto_FLOAT) {
				return nil, nil, nil, false
			}
			c, err := decodeTensor(&tp)
			if err != nil || len(c.shape) == 0 {
				return nil, nil, nil, false
			}
			first = tensor.FromF32(c.f, c.shape...)
			continue
		}
		tp.Name = in.GetName()
		g.Initializer = append(g.Initializer, &tp)
	}
	g.Input = g.GetInput()[:1]
	for _, o := range g.GetOutput() {
		if o.GetType().GetTensorType().GetElemType() != int32(onnxpb.TensorProto_FLOAT) {
			return nil, nil, nil, false
		}
	}
	frozen, err := proto.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Import(dir, frozen)
	if err != nil {
		return nil, nil, nil, false
	}
	var want []*tensor.Tensor
	for k := range g.GetOutput() {
		want = append(want, readPB(t, filepath.Join(set, "output_"+itoa10(k)+".pb"), tensor.F32))
	}
	feeds := map[string]*tensor.Tensor{prog.Graph.Inputs()[0].Name: first}
	return prog.Graph, feeds, want, true
}
