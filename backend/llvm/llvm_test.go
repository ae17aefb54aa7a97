package llvm

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/internal/testbuild"

	"github.com/google/go-cmp/cmp"
	"github.com/kiln-nn/kiln/backend/plan"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
	llir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/enum"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// tinySrc is the golden test's model: two layers, a relu6 clamp.
const tinySrc = `// Two dense layers, for the LLVM backend's golden files.
model tiny {
  input x: f32[2, 3]
  h = relu6(dense(flatten(x), 8))
  output y = dense(h, 4)
}
`

// twoHeadsSrc has two outputs sharing a hidden layer.
const twoHeadsSrc = `model two_heads {
  input features: f32[10]
  h = relu(dense(features, 12))
  output a = dense(h, 3)
  output b = relu6(dense(h, 5))
}
`

// mixedSrc has a relu6 that fuses into no layer (qrequantize), an output
// that a later layer reads, a reshape, and two inputs.
const mixedSrc = `model mixed {
  input x: f32[6]
  input z: f32[2, 2]
  r = relu6(x)
  output h = relu(dense(r, 5))
  output y = dense(reshape(h, [5]), 4)
  output w = dense(flatten(z), 3)
}
`

// compile builds a model with random weights, quantized on random
// calibration data (as the tests of the VM do), and returns its int8
// graph and its bytecode.
func compile(t testing.TB, file string, src []byte) (*ir.Graph, []byte) {
	t.Helper()
	return compileWith(t, file, src, nil)
}

// compileWith is compile with the quantize pass's options.
func compileWith(t testing.TB, file string, src []byte, q *passes.Quantization) (*ir.Graph, []byte) {
	t.Helper()
	r, err := testbuild.Compile(file, src, q)
	if err != nil {
		t.Fatal(err)
	}
	return r.Graph, r.Bytecode
}

func example(t testing.TB, name string) (*ir.Graph, []byte) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return compile(t, name, src)
}

// TestGolden compares the module and the header of a two-layer network
// with testdata (go test ./backend/llvm -update rewrites them), and checks
// that emitting twice gives the same bytes.
func TestGolden(t *testing.T) {
	g, _ := compile(t, "tiny.kiln", []byte(tinySrc))
	ll, err := Emit(g)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Header(g)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Emit(g)
	if !bytes.Equal(ll, again) {
		t.Error("two Emits of one graph differ")
	}
	for file, got := range map[string][]byte{"tiny.ll": ll, "tiny.h": h} {
		path := filepath.Join("testdata", file)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./backend/llvm -update writes it)", err)
		}
		if d := cmp.Diff(string(want), string(got)); d != "" {
			t.Errorf("%s differs (-want +got):\n%s", file, d)
		}
	}
	for _, want := range []string{"; h.q = qdense  tiny.kiln:4:13", "; y.q = qdense  tiny.kiln:5:14", "; x.q = quantize  tiny.kiln:3:9"} {
		if !bytes.Contains(ll, []byte(want)) {
			t.Errorf("the module has no line %q", want)
		}
	}
}

// TestUnsupported checks that an op without a kernel here (every int8
// op has one; the float ops a graph keeps when it is not quantized have
// none) is an error naming it at its source position, every such op at
// once.
func TestUnsupported(t *testing.T) {
	p, err := frontend.Compile("float.kiln", []byte(tinySrc))
	if err != nil {
		t.Fatal(err)
	}
	testmodels.Randomize(p.Graph, 1)
	for name, emit := range map[string]func(*ir.Graph) ([]byte, error){"Emit": Emit, "Header": Header} {
		_, err := emit(p.Graph)
		if err == nil {
			t.Fatalf("%s accepted a float graph", name)
		}
		for _, want := range []string{"float.kiln:4:13: h.dense: op dense is not supported by the LLVM backend yet", "float.kiln:5:14: y: op dense is not supported", "input x: quantized 0 times"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", name, err, want)
			}
		}
	}
}

// TestBadGraphs checks that graphs Emit cannot compile get an error that
// says why, never a panic.
func TestBadGraphs(t *testing.T) {
	cases := map[string]struct {
		change func(g *ir.Graph)
		want   string
	}{
		"no data":         {func(g *ir.Graph) { g.Lookup("h.weight.q").Data = nil }, "tiny.kiln:4:13: parameter h.weight.q has no data"},
		"no quantization": {func(g *ir.Graph) { g.Lookup("y.q").Quant = nil }, "y.q"},
		"bad clamp":       {func(g *ir.Graph) { g.Lookup("h.q").Attrs["clamp"] = []int{5, 1} }, "clamp"},
		"input unused": {func(g *ir.Graph) {
			x := g.Lookup("x")
			g.Values = append([]*ir.Value{{Name: "extra", Op: ir.OpInput, Type: x.Type, Pos: x.Pos}}, g.Values...)
		}, "input extra: quantized 0 times"},
		"int8 output": {func(g *ir.Graph) { g.Outputs = []*ir.Value{g.Lookup("y.q")} }, "output y.q: the LLVM backend needs every output dequantized"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			g, _ := compile(t, "tiny.kiln", []byte(tinySrc))
			c.change(g)
			for what, emit := range map[string]func(*ir.Graph) ([]byte, error){"Emit": Emit, "Header": Header} {
				if _, err := emit(g); err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: error %v, want one saying %q", what, err, c.want)
				}
			}
		})
	}
	if _, err := Emit(nil); err == nil {
		t.Error("Emit(nil) gave no error")
	}
}

func TestCIdent(t *testing.T) {
	for in, want := range map[string]string{"image": "image", "h1.q": "h1_q", "2x": "_2x", "": "_", "a-b": "a_b"} {
		if got := cIdent(in); got != want {
			t.Errorf("cIdent(%q) = %q, want %q", in, got, want)
		}
	}
	taken := map[string]bool{"n": true}
	if got := unique(taken, "n"); got != "n_" {
		t.Errorf("unique(n) = %q", got)
	}
	if got := unique(taken, "int"); got != "int_" {
		t.Errorf("unique(int) = %q", got)
	}
}

// toolchain returns the paths of opt, llc and gcc, or skips the test.
func toolchain(t *testing.T) map[string]string {
	t.Helper()
	paths := map[string]string{}
	for _, tool := range []string{"opt", "llc", "gcc"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("%s is not on PATH: the LLVM backend's native tests need opt and llc (LLVM 14) and gcc", tool)
		}
		paths[tool] = p
	}
	return paths
}

func run(t *testing.T, dir string, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// object writes g's module for the target to dir and compiles it to
// model.o: opt -verify (and -O3 for the host when optimize, with the
// target's -mcpu if any), then llc -O3, position-independent as gcc links
// executables as PIE.
func object(t *testing.T, dir string, g *ir.Graph, optimize bool, tg target) {
	t.Helper()
	cpu := tg.cpu
	ll, err := EmitFor(g, tg.opts)
	if err != nil {
		t.Fatal(err)
	}
	if tg.emulate {
		ll = emulateVNNI(ll)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.ll"), ll, 0o644); err != nil {
		t.Fatal(err)
	}
	passes := []string{"-verify"}
	triple := HostTriple()
	if tg.arm64 {
		triple = "aarch64-linux-gnu"
	}
	if optimize {
		passes = append(passes, "-O3")
		if triple != "" {
			passes = append(passes, "-mtriple="+triple)
		}
		if cpu != "" {
			passes = append(passes, "-mcpu="+cpu)
		}
	}
	run(t, dir, nil, "opt", append(passes, "model.ll", "-o", "model.bc")...)
	llc := []string{"-O3", "-relocation-model=pic", "-filetype=obj", "model.bc", "-o", "model.o"}
	if tg.arm64 {
		llc = append(llc, "-mtriple="+triple)
	}
	if cpu != "" {
		llc = append(llc, "-mcpu="+cpu)
	}
	run(t, dir, nil, "llc", llc...)
}

// TestCompileExamples runs opt -verify and llc -O3 on the modules of the
// MLP examples, unoptimized IR straight to an object file.
func TestCompileExamples(t *testing.T) {
	toolchain(t)
	for _, name := range []string{"mnist_mlp.kiln", "lenet_300_100.kiln"} {
		t.Run(name, func(t *testing.T) {
			g, _ := example(t, name)
			object(t, t.TempDir(), g, false, target{})
		})
	}
}

// TestDifferential is the proof that the native code is the VM: each
// model's object file, linked with a small C driver, runs 1,000 random
// examples through both entry points, and every output must have the
// VM's bits: run against Session.RunQuantized on random int8 inputs
// (every value in [-128, 127]), run_f32 against Session.Run on floats
// that include quantization ties, values past the int8 range, huge
// values, infinities and NaN. Both VM kernel sets (portable and the
// CPU's) are compared, at batch 1,000 and batch 1; the object is
// compiled in the generic form for the baseline CPU and in this CPU's
// widest form (see forms) for this one. The models have
// weights per channel, and per tensor (where TFLite rounds the
// multiplier differently).
func TestDifferential(t *testing.T) {
	toolchain(t)
	models := []struct {
		name string
		load func(t *testing.T) (*ir.Graph, []byte)
		n    int // examples; 1,000 unless set
	}{
		{"tiny", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "tiny.kiln", []byte(tinySrc)) }, 0},
		{"two_heads", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "two_heads.kiln", []byte(twoHeadsSrc)) }, 0},
		{"mixed", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "mixed.kiln", []byte(mixedSrc)) }, 0},
		{"edges", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "edges.kiln", []byte(edgesSrc)) }, 0},
		{"mnist_mlp_per_tensor", func(t *testing.T) (*ir.Graph, []byte) {
			src, err := os.ReadFile("../../examples/mnist_mlp.kiln")
			if err != nil {
				t.Fatal(err)
			}
			return compileWith(t, "mnist_mlp.kiln", src, &passes.Quantization{PerTensorWeights: true})
		}, 0},
		{"lenet5", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "lenet5.kiln") }, 0},
		{"lenet5_bn", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "lenet5_bn.kiln") }, 0},
		{"gesture_cnn", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "gesture_cnn.kiln") }, 0},
		{"wide_deep", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "wide_deep.kiln") }, 0},
		{"softmax", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "softmax.kiln", []byte(softmaxSrc)) }, 0},
		{"softmax_rows", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "softmax_rows.kiln", []byte(softmaxRowsSrc)) }, 0},
		{"interact", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "interact.kiln", []byte(interactSrc)) }, 0},
		{"deepfm", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "deepfm.kiln") }, 0},
		{"nfm", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "nfm.kiln") }, 0},
		{"autorec", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "autorec.kiln") }, 0},
		{"biases", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "biases.kiln") }, 0},
		{"mf", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "mf.kiln") }, 0},
		{"mobilenet_tiny", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "mobilenet_tiny.kiln") }, 0},
		{"arith", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "arith.kiln", []byte(arithSrc)) }, 0},
		{"embed", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "embed.kiln", []byte(embedSrc)) }, 0},
		{"bag", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "bag.kiln", []byte(bagSrc)) }, 0},
		{"retrieval", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "retrieval.kiln", []byte(retrievalSrc)) }, 0},
		{"transpose", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "transpose.kiln", []byte(transposeSrc)) }, 0},
		{"join", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "join.kiln", []byte(joinSrc)) }, 0},
		{"activations", func(t *testing.T) (*ir.Graph, []byte) { return compile(t, "activations.kiln", []byte(activationsSrc)) }, 0},
		{"mnist_mlp", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "mnist_mlp.kiln") }, 0},
		{"lenet_300_100", func(t *testing.T) (*ir.Graph, []byte) { return example(t, "lenet_300_100.kiln") }, 0},
	}
	for _, mc := range models {
		t.Run(mc.name, func(t *testing.T) {
			t.Parallel()
			g, kbc := mc.load(t)
			want := map[string][]*ir.Op{"mixed": {ir.OpRequantize}, "lenet5": {ir.OpQConv2D}, "lenet5_bn": {ir.OpQBatchNorm},
				"gesture_cnn": {ir.OpQGlobalAvgPool}, "mobilenet_tiny": {ir.OpQHardSwish}, "autorec": {ir.OpQLogistic},
				"deepfm": {ir.OpQBiInteraction, ir.OpQEmbedding, ir.OpQEmbeddingBag}, "nfm": {ir.OpQBiInteraction},
				"biases": {ir.OpQEmbedding, ir.OpQAdd}, "mf": {ir.OpQEmbedding, ir.OpQMul, ir.OpQSum},
				"interact":    {ir.OpQFM, ir.OpQBiInteraction},
				"activations": {ir.OpQLogistic, ir.OpQTanh, ir.OpQHardSigmoid, ir.OpQHardSwish},
				"arith":       {ir.OpQAdd, ir.OpQSub, ir.OpQMul},
				"join":        {ir.OpQConcat, ir.OpQSum, ir.OpQMean},
				"embed":       {ir.OpQEmbedding},
				"bag":         {ir.OpQEmbeddingBag},
				"retrieval":   {ir.OpQEmbeddingBag, ir.OpQDense},
				"transpose":   {ir.OpQTranspose, ir.OpQEmbedding, ir.OpQConv1D}}
			for _, op := range want[mc.name] {
				if !hasOp(g, op) {
					t.Fatalf("the model has no %s to test", op.Name)
				}
			}
			if w := g.Lookup("logits.weight.q"); mc.name == "mnist_mlp_per_tensor" && len(w.Quant.Scale) != 1 {
				t.Fatalf("weights quantized per channel: %v", w.Quant)
			}
			// The generic form for the baseline CPU, and this CPU's
			// widest form with -mcpu=native.
			n := mc.n
			if n == 0 {
				n = 1000
			}
			for _, tg := range []target{{}, hostTarget()} {
				differential(t, g, kbc, n, tg)
			}
		})
	}
}

// TestDifferentialConv runs the convolution geometries of the VM's tests
// (strides, padding, dilation, groups, depthwise, 1x1, conv1d) and max
// pooling with padding and strides, against the VM like TestDifferential.
func TestDifferentialConv(t *testing.T) {
	toolchain(t)
	cases := map[string]string{
		"stride2-pad1":   "input x: f32[3, 11, 9]\n  output y = conv2d(x, 5, kernel=3, stride=2, pad=1)",
		"dilation2":      "input x: f32[2, 12, 10]\n  output y = conv2d(x, 9, kernel=3, dilation=2, pad=2)",
		"groups":         "input x: f32[4, 7, 7]\n  output y = relu(conv2d(x, 6, kernel=3, groups=2, pad=1))",
		"depthwise":      "input x: f32[8, 6, 6]\n  output y = conv2d(x, 8, kernel=3, groups=8, stride=2)",
		"1x1-stride2":    "input x: f32[6, 9, 9]\n  output y = conv2d(x, 4, kernel=1, stride=2)",
		"wide-kernel":    "input x: f32[1, 6, 5]\n  output y = conv2d(x, 3, kernel=7, pad=3)",
		"conv1d-stride3": "input x: f32[5, 40]\n  output y = conv1d(x, 7, kernel=4, stride=3, pad=2)",
		"conv1d-dil":     "input x: f32[3, 33]\n  output y = conv1d(x, 17, kernel=3, dilation=3)",
		"pad-one-side":   "input x: f32[2, 5, 12]\n  output y = conv2d(x, 3, kernel=[1, 3], pad=[0, 1])",
		"maxpool-pad":    "input x: f32[3, 9, 7]\n  output y = maxpool(relu6(conv2d(x, 4, kernel=3, pad=1)), size=3, stride=2, pad=1)",
		"avgpool-pad":    "input x: f32[3, 9, 7]\n  output y = avgpool(conv2d(x, 4, kernel=3, pad=1), size=3, stride=2, pad=1)",
		"avgpool":        "input x: f32[2, 8, 6]\n  output y = avgpool(x, size=2)",
		"small-output":   "input x: f32[3, 3, 3]\n  output y = conv2d(x, 5, kernel=2)",
		"1x1-small":      "input x: f32[4, 2, 3]\n  output y = conv2d(x, 3, kernel=1)",
		"1x1-direct":     "input x: f32[5, 4, 5]\n  output y = conv2d(x, 7, kernel=1)",
		"filters13":      "input x: f32[2, 6, 6]\n  output y = conv2d(x, 13, kernel=3, pad=1)",
		"maxpool-odd":    "input x: f32[3, 7, 18]\n  output y = maxpool(x, size=2)",
		"maxpool-8":      "input x: f32[2, 4, 8]\n  output y = maxpool(relu6(conv2d(x, 3, kernel=1)), size=2)",
		"batchnorm":      "input x: f32[3, 5, 4]\n  output y = batchnorm(x)",
		"global-avgpool": "input x: f32[5, 6, 3]\n  output y = global_avgpool(x)",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g, kbc := compile(t, name+".kiln", []byte("model m {\n  "+body+"\n}\n"))
			for _, tg := range []target{{}, hostTarget()} {
				differential(t, g, kbc, 200, tg)
			}
		})
	}
}

// activationsSrc holds the elementwise functions that run as tables.
const activationsSrc = `model activations {
  input x: f32[12]
  a = sigmoid(dense(x, 8))
  b = tanh(dense(x, 8))
  c = hard_sigmoid(dense(x, 8))
  d = hard_swish(dense(x, 8))
  output y = dense(a, 2)
  output z = dense(b, 2)
  output u = dense(c, 2)
  output v = dense(d, 2)
}
`

// arithSrc holds add, sub and mul, with an operand broadcast on either
// side and a constant one.
const arithSrc = `model arith {
  input x: f32[3, 4]
  input z: f32[4]
  s = x + z
  d = x - z
  p = relu(s * d)
  output y = dense(flatten(p), 5)
  output w = z * z + 0.5
  output v = dense(flatten(z - x), 2)
}
`

// joinSrc holds concatenations (inputs requantized and copied as they
// are) and reductions.
const joinSrc = `model join {
  input x: f32[3, 4]
  input z: f32[3, 2]
  a = relu(dense(x, 5))
  c = concat(x, z)
  output y = concat(a, dense(z, 2), axis=1)
  output s = sum(c, axis=1)
  output m = mean(c, axis=0)
  output r = dense(flatten(concat(c, c, axis=0)), 3)
}
`

// embedSrc has ids, an embedding, and a float input beside them.
const embedSrc = `model embed {
  input ids: i32[3]
  input x: f32[4]
  e = embedding(ids, vocab=50, dim=4)
  h = relu(dense(flatten(e), 6))
  output y = dense(concat(h, x), 2)
}
`

// bagSrc has embedding bags as outputs, and one feeding a layer: mean
// and sum, pad inside the vocabulary (0, 3) and lists of one. The
// differential test's ids, uniform below the vocabulary of 4, give lists
// of pad alone, single ids and repeated ids.
const bagSrc = `model bag {
  input ids: i32[2, 5]
  input one: i32[1]
  m = embedding_bag(ids, vocab=4, dim=6)
  output s = embedding_bag(ids, vocab=4, dim=3, mode="sum", pad=3)
  output o = embedding_bag(one, vocab=4, dim=2)
  output y = dense(flatten(m), 3)
  output mo = m
}
`

// retrievalSrc scores the mean of the watched items' embeddings, through
// a layer, against every item: score_items runs as qdense.
const retrievalSrc = `model retrieval {
  input watched: i32[6]
  history = embedding_bag(watched, vocab=30, dim=8)
  u = relu(dense(history, 8))
  output scores = score_items(u, vocab=30)
}
`

// transposeSrc holds a text CNN's transpose (embedded words [L, dim] to
// conv1d's [dim, L]) and transposes as outputs, so that no layer after
// them hides their bits: rank 2, rank 3 reversed and rotated, rank 4 with
// axes of one element, and rank 1.
const transposeSrc = `model transpose {
  input ids: i32[12]
  input x: f32[3, 4, 5]
  input w: f32[2, 1, 3, 4]
  input v: f32[7]
  e = embedding(ids, vocab=50, dim=8)
  c = relu(conv1d(transpose(e), 4, kernel=3, pad=1))
  output text = dense(flatten(c), 3)
  output words = transpose(e)
  output reversed = transpose(x)
  output rotated = transpose(relu(x), perm=[1, 2, 0])
  output planes = transpose(x, [0, 2, 1])
  output four = transpose(w, perm=[3, 1, 0, 2])
  output one = transpose(v)
}
`

// interactSrc gives the interactions as outputs: in DeepFM and NFM with
// random weights, the layers after them saturate and hide their bits.
const interactSrc = `model interact {
  input fields: i32[3]
  emb = embedding(fields, vocab=40, dim=8)
  output pairs = bi_interaction(emb)
  output cross = fm(emb)
}
`

// softmaxSrc has softmaxes over rows of a few lengths; its second input
// is quantized late (TestLateInput). softmaxRowsSrc has one input.
const softmaxSrc = `model softmaxes {
  input x: f32[12]
  input z: f32[3, 7]
  output p = softmax(dense(x, 10))
  output q = softmax(z)
  output r = softmax(dense(x, 2))
}
`

const softmaxRowsSrc = `model softmax_rows {
  input z: f32[3, 7]
  output q = softmax(z)
  output p = softmax(dense(flatten(z), 5))
}
`

// lateInputSrc has an input whose quantization comes after values that
// die before it: the memory plan gives its int8 bytes to one of them.
const lateInputSrc = `model late_input {
  input x: f32[64]
  input z: f32[64]
  a = relu(dense(x, 64))
  b = relu(dense(a, 64))
  c = relu(dense(b, 64))
  output y = dense(c, 4)
  output w = dense(z, 4)
}
`

// TestLateInput checks that the entry points run the boundary ops in
// graph order: z's int8 bytes, which the plan shares with a, are written
// after a's last use. run_f32 is compared with the VM's Run, and run with
// the integer reference executor on the same inputs quantized, and with
// the VM's RunQuantized (which writes each int8 input when its quantize
// would run, for the same reason).
func TestLateInput(t *testing.T) {
	toolchain(t)
	g, kbc := compile(t, "late_input.kiln", []byte(lateInputSrc))
	p, err := plan.Arena(g)
	if err != nil {
		t.Fatal(err)
	}
	zq, a := g.Lookup("z.q"), g.Lookup("a.q")
	if p.Offset[zq] != p.Offset[a] {
		t.Fatalf("the plan no longer shares z.q's bytes with a.q's (%d, %d): the test needs another model", p.Offset[zq], p.Offset[a])
	}
	differential(t, g, kbc, 1000, target{})

	// run against the reference executor.
	const n = 1000
	m, err := analyze(g)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	object(t, dir, g, true, target{})
	writeDriver(t, dir, g, m)
	r := rand.New(rand.NewPCG(5, 6))
	feeds := map[string]*tensor.Tensor{}
	var raw bytes.Buffer
	for _, port := range m.inputs {
		x := make([]float32, n*port.elems)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 2)
		}
		feeds[port.float.Name] = tensor.FromF32(x, n, port.elems)
		q := make([]int8, len(x))
		ref.Quantize(port.scale, port.zero, x, q)
		binary.Write(&raw, binary.LittleEndian, q)
	}
	want := map[*ir.Value][]int8{}
	if err := ir.RunEach(g, feeds, func(v *ir.Value, x *tensor.Tensor) {
		want[v] = append([]int8(nil), x.I8...)
	}); err != nil {
		t.Fatal(err)
	}
	var wantRaw bytes.Buffer
	for _, port := range m.outputs {
		binary.Write(&wantRaw, binary.LittleEndian, want[port.q])
	}
	got := run(t, dir, raw.Bytes(), "./driver", "i8", fmt.Sprint(n))
	compare(t, "run against the reference executor", m, 1, wantRaw.Bytes(), got, n)
}

// vocabOf is the smallest vocabulary of the embeddings (and bags) that
// read ids.
func vocabOf(g *ir.Graph, ids *ir.Value) int {
	vocab := 1 << 30
	for _, v := range g.Values {
		if (v.Op == ir.OpQEmbedding || v.Op == ir.OpQEmbeddingBag) && v.Args[0] == ids {
			vocab = min(vocab, v.Args[1].Type.Dims[0])
		}
	}
	return vocab
}

func hasOp(g *ir.Graph, op *ir.Op) bool {
	for _, v := range g.Values {
		if v.Op == op {
			return true
		}
	}
	return false
}

func differential(t *testing.T, g *ir.Graph, kbc []byte, n int, tg target) {
	t.Helper()
	differentialAt(t, g, kbc, n, tg, []int{n, 1})
}

// TestDifferentialBatches runs models of dense layers at every batch size
// from 1 to 13: the tiles for 1 to 5 rows, and 6-row tiles followed by
// each of those.
func TestDifferentialBatches(t *testing.T) {
	toolchain(t)
	var batches []int
	for b := 1; b <= 13; b++ {
		batches = append(batches, b)
	}
	for _, name := range []string{"lenet_300_100.kiln", "autorec.kiln"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g, kbc := example(t, name)
			for _, tg := range []target{{}, hostTarget()} {
				differentialAt(t, g, kbc, 13, tg, batches)
			}
		})
	}
}

// differentialAt is differential at the given batch sizes (at most n).
func differentialAt(t *testing.T, g *ir.Graph, kbc []byte, n int, tg target, batches []int) {
	t.Helper()
	dir := t.TempDir()
	object(t, dir, g, true, tg)
	cpu := tg.String()
	m, err := analyze(g)
	if err != nil {
		t.Fatal(err)
	}
	writeDriverFor(t, dir, g, m, tg)

	r := rand.New(rand.NewPCG(7, uint64(n)))
	in8 := make([][]int8, len(m.inputs))
	in32 := make([][]float32, len(m.inputs))
	ids := make([][]int32, len(m.inputs))
	for i, p := range m.inputs {
		if p.ids {
			vocab := vocabOf(g, p.float)
			ids[i] = make([]int32, n*p.elems)
			for j := range ids[i] {
				ids[i][j] = int32(r.IntN(vocab))
			}
			continue
		}
		in8[i] = make([]int8, n*p.elems)
		for j := range in8[i] {
			in8[i][j] = int8(r.IntN(256) - 128)
		}
		in32[i] = floats(r, p, n*p.elems)
	}
	for _, portable := range []bool{true, false} {
		vm, err := runtime.Load(kbc, &runtime.Options{Portable: portable, AllowNonFinite: true})
		if err != nil {
			t.Fatal(err)
		}
		s, err := vm.NewSession(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, batch := range batches {
			var vin8, vin32, vout8, vout32 []runtime.Value
			var raw8, raw32 bytes.Buffer
			for i, p := range m.inputs {
				if p.ids {
					v := runtime.Value{I32: ids[i][:batch*p.elems]}
					vin8, vin32 = append(vin8, v), append(vin32, v)
					binary.Write(&raw8, binary.LittleEndian, v.I32)
					binary.Write(&raw32, binary.LittleEndian, v.I32)
					continue
				}
				vin8 = append(vin8, runtime.Value{I8: in8[i][:batch*p.elems]})
				vin32 = append(vin32, runtime.Value{F32: in32[i][:batch*p.elems]})
				binary.Write(&raw8, binary.LittleEndian, in8[i][:batch*p.elems])
				binary.Write(&raw32, binary.LittleEndian, in32[i][:batch*p.elems])
			}
			for _, p := range m.outputs {
				vout8 = append(vout8, runtime.Value{I8: make([]int8, batch*p.elems)})
				vout32 = append(vout32, runtime.Value{F32: make([]float32, batch*p.elems)})
			}
			if err := s.RunQuantized(vin8, vout8); err != nil {
				t.Fatal(err)
			}
			if err := s.Run(vin32, vout32); err != nil {
				t.Fatal(err)
			}
			var want8, want32 bytes.Buffer
			for k := range m.outputs {
				binary.Write(&want8, binary.LittleEndian, vout8[k].I8)
				binary.Write(&want32, binary.LittleEndian, vout32[k].F32)
			}
			driver := []string{"./driver"}
			if tg.arm64 {
				driver = []string{"qemu-aarch64", "./driver"}
			}
			got8 := run(t, dir, raw8.Bytes(), driver[0], append(driver[1:], "i8", fmt.Sprint(batch))...)
			got32 := run(t, dir, raw32.Bytes(), driver[0], append(driver[1:], "f32", fmt.Sprint(batch))...)
			compare(t, fmt.Sprintf("-mcpu=%s, portable=%v, batch %d: run", cpu, portable, batch), m, 1, want8.Bytes(), got8, batch)
			compare(t, fmt.Sprintf("-mcpu=%s, portable=%v, batch %d: run_f32", cpu, portable, batch), m, 4, want32.Bytes(), got32, batch)
		}
	}
}

// writeDriver writes the model's header and the C driver to dir and
// links the driver with model.o.
func writeDriver(t *testing.T, dir string, g *ir.Graph, m *model) {
	t.Helper()
	writeDriverFor(t, dir, g, m, target{})
}

// writeDriverFor is writeDriver for the target: for arm64, linked
// statically by aarch64-linux-gnu-gcc.
func writeDriverFor(t *testing.T, dir string, g *ir.Graph, m *model, tg target) {
	t.Helper()
	h, err := Header(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.h"), h, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "driver.c"), []byte(driver(m)), 0o644); err != nil {
		t.Fatal(err)
	}
	cc := []string{"gcc"}
	if tg.arm64 {
		cc = []string{"aarch64-linux-gnu-gcc", "-static"}
	}
	run(t, dir, nil, cc[0], append(cc[1:], "-std=c11", "-Wall", "-Werror", "-O2", "driver.c", "model.o", "-o", "driver")...)
}

// compare reports the first differing output element, by output, example
// and index.
func compare(t *testing.T, what string, m *model, size int, want, got []byte, n int) {
	t.Helper()
	if bytes.Equal(want, got) {
		return
	}
	if len(want) != len(got) {
		t.Fatalf("%s: %d output bytes, expected %d", what, len(got), len(want))
	}
	at, mismatches := -1, 0
	for i := 0; i < len(want); i += size {
		if !bytes.Equal(want[i:i+size], got[i:i+size]) {
			mismatches++
			if at < 0 {
				at = i / size
			}
		}
	}
	bad := got[at*size : at*size+size]
	good := want[at*size : at*size+size]
	for _, p := range m.outputs {
		if at < n*p.elems {
			t.Fatalf("%s: %d elements differ; first: output %s, example %d, element %d: native %x, expected %x",
				what, mismatches, p.float.Name, at/p.elems, at%p.elems, bad, good)
		}
		at -= n * p.elems
	}
}

// floats draws float inputs for p: mostly normal values spread past the
// quantized range, with exact quantization ties, huge values, infinities
// and NaN mixed in.
func floats(r *rand.Rand, p port, count int) []float32 {
	x := make([]float32, count)
	for i := range x {
		switch k := r.IntN(20); k {
		case 0: // a tie: halfway between two quantization steps
			x[i] = float32(float64(r.IntN(300)-150)+0.5) * p.scale
		case 1:
			x[i] = []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 3e38, -3e38, 0, float32(math.Copysign(0, -1))}[r.IntN(7)]
		default:
			x[i] = float32(r.NormFloat64() * 3)
		}
	}
	return x
}

// driver is a C program that reads a batch (its size and the entry point,
// i8 or f32, from its arguments) on stdin, runs the model, and writes the
// outputs to stdout, one after the other.
func driver(m *model) string {
	macro := strings.ToUpper(m.prefix)
	var b strings.Builder
	b.WriteString(`#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

static void *input(size_t size) {
	void *p = malloc(size);
	if (fread(p, 1, size, stdin) != size) {
		fprintf(stderr, "short input\n");
		exit(2);
	}
	return p;
}

int main(int argc, char **argv) {
	if (argc != 3) return 2;
	int f32 = strcmp(argv[1], "f32") == 0;
	int n = atoi(argv[2]);
	size_t es = f32 ? sizeof(float) : 1;
`)
	fmt.Fprintf(&b, "\tif (%s_arena_size() != %s_ARENA_SIZE) return 3;\n", m.prefix, macro)
	fmt.Fprintf(&b, "\tvoid *arena = malloc((size_t)n * %s_ARENA_SIZE + 1);\n", macro)
	var ins, outs []string
	for k, p := range m.inputs {
		size := "es"
		if p.ids {
			size = "sizeof(int32_t)"
		}
		fmt.Fprintf(&b, "\tvoid *in%d = input(n * %s * %s_INPUT_%s_SIZE);\n", k, size, macro, strings.ToUpper(p.c))
		ins = append(ins, fmt.Sprintf("in%d", k))
	}
	for k, p := range m.outputs {
		fmt.Fprintf(&b, "\tvoid *out%d = malloc(n * es * %s_OUTPUT_%s_SIZE);\n", k, macro, strings.ToUpper(p.c))
		outs = append(outs, fmt.Sprintf("out%d", k))
	}
	args := strings.Join(append(ins, outs...), ", ")
	fmt.Fprintf(&b, "\tif (%s_run(0, %s, arena) != -1 || %s_run_f32(-1, %s, arena) != -1) return 4;\n", m.prefix, args, m.prefix, args)
	fmt.Fprintf(&b, "\tint rc = f32 ? %s_run_f32(n, %s, arena) : %s_run(n, %s, arena);\n", m.prefix, args, m.prefix, args)
	b.WriteString("\tif (rc != 0) {\n\t\tfprintf(stderr, \"rc %d\\n\", rc);\n\t\treturn 5;\n\t}\n")
	for k, p := range m.outputs {
		fmt.Fprintf(&b, "\tfwrite(out%d, 1, n * es * %s_OUTPUT_%s_SIZE, stdout);\n", k, macro, strings.ToUpper(p.c))
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

// TestRequantKernel checks the IR requantization helper against
// fixedpoint.MultiplyByQuantizedMultiplier on its edge cases (the one
// saturating product, rounding ties in both roundings, every shift, left
// shifts that wrap) and on random arguments: 60,000 calls, all equal.
func TestRequantKernel(t *testing.T) {
	toolchain(t)
	dir := t.TempDir()
	m := llir.NewModule()
	f := requantKernel(m)
	f.Linkage = enum.LinkageNone
	if err := os.WriteFile(filepath.Join(dir, "requant.ll"), []byte(m.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, nil, "opt", "-verify", "-O3", "requant.ll", "-o", "requant.bc")
	run(t, dir, nil, "llc", "-O3", "-relocation-model=pic", "-filetype=obj", "requant.bc", "-o", "requant.o")
	driver := `#include <stdio.h>
#include <stdint.h>
int32_t kiln_requant(int32_t x, int32_t m, int32_t shift);
int main(void) {
	int32_t a[3];
	while (fread(a, sizeof a, 1, stdin) == 1) {
		int32_t y = kiln_requant(a[0], a[1], a[2]);
		fwrite(&y, sizeof y, 1, stdout);
	}
	return 0;
}
`
	if err := os.WriteFile(filepath.Join(dir, "driver.c"), []byte(driver), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, nil, "gcc", "-std=c11", "-Wall", "-Werror", "-O2", "driver.c", "requant.o", "-o", "driver")

	r := rand.New(rand.NewPCG(3, 4))
	specialX := []int32{0, 1, -1, 2, -2, 3, -3, math.MaxInt32, math.MinInt32, math.MinInt32 + 1, 1 << 30, -(1 << 30), 12345, -12345}
	specialM := []int32{math.MinInt32, math.MaxInt32, 1 << 30, 1<<30 + 1, 1<<31 - 2, -(1 << 30), 0, 1}
	var args []int32
	for range 60000 {
		x, m := int32(r.Uint32()), int32(r.Uint32())
		if r.IntN(2) == 0 {
			x = specialX[r.IntN(len(specialX))]
		} else if r.IntN(2) == 0 {
			x = int32(r.IntN(1<<16) - 1<<15)
		}
		if r.IntN(2) == 0 {
			m = specialM[r.IntN(len(specialM))]
		}
		args = append(args, x, m, int32(r.IntN(62)-31))
	}
	var in bytes.Buffer
	binary.Write(&in, binary.LittleEndian, args)
	out := run(t, dir, in.Bytes(), "./driver")
	got := make([]int32, len(args)/3)
	if err := binary.Read(bytes.NewReader(out), binary.LittleEndian, got); err != nil {
		t.Fatal(err)
	}
	for i, y := range got {
		x, m, s := args[3*i], args[3*i+1], int(args[3*i+2])
		if want := fixedpoint.MultiplyByQuantizedMultiplier(x, m, s); y != want {
			t.Fatalf("requant(%d, %d, %d) = %d, fixedpoint says %d", x, m, s, y, want)
		}
	}
}

// TestRuntimeImportsNoLLVM holds the dependency rule: an application that
// embeds the VM pulls in no LLVM library.
func TestRuntimeImportsNoLLVM(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/kiln-nn/kiln/runtime").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/llir/") || strings.HasPrefix(pkg, "github.com/kiln-nn/kiln/backend/") {
			t.Errorf("runtime depends on %s", pkg)
		}
	}
}

// TestConstantNames checks that a constant is defined once per name and
// data, and that different data under a taken name gets a name of its own.
func TestConstantNames(t *testing.T) {
	e := &emitter{mod: llir.NewModule(), consts: map[string]constGlobal{}}
	a, b := tensor.New(tensor.I32, 3), tensor.New(tensor.I32, 3)
	b.I32[1] = 7
	e.constant("w", a, "")
	e.constant("w", tensor.New(tensor.I32, 3), "") // equal to a
	e.constant("w", b, "")
	var names []string
	for _, g := range e.mod.Globals {
		names = append(names, g.Name())
	}
	if strings.Join(names, " ") != "w w_" {
		t.Errorf("globals %v, want w and w_", names)
	}
}

// TestBadIDBag checks that an id outside an embedding bag's vocabulary
// that is not its pad id makes both entry points return -2, as the VM's
// Run refuses it, and that the pad id outside the vocabulary does not.
func TestBadIDBag(t *testing.T) {
	toolchain(t)
	g, kbc := compile(t, "bagpad.kiln", []byte("model bagpad {\n  input ids: i32[3]\n  output y = embedding_bag(ids, vocab=4, dim=2, pad=-1)\n}\n"))
	m, err := analyze(g)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	object(t, dir, g, true, target{})
	writeDriver(t, dir, g, m)
	vm, err := runtime.Load(kbc, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := vm.NewSession(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ids []int32
		ok  bool
	}{{[]int32{1, 4, -1}, false}, {[]int32{-2, 0, 0}, false}, {[]int32{-1, -1, -1}, true}, {[]int32{3, -1, 0}, true}} {
		vmErr := s.Run([]runtime.Value{{I32: c.ids}}, []runtime.Value{{F32: make([]float32, 2)}})
		if (vmErr == nil) != c.ok {
			t.Fatalf("ids %v: the VM said %v", c.ids, vmErr)
		}
		for _, mode := range []string{"i8", "f32"} {
			var raw bytes.Buffer
			binary.Write(&raw, binary.LittleEndian, c.ids)
			cmd := exec.Command("./driver", mode, "1")
			cmd.Dir, cmd.Stdin = dir, &raw
			out, err := cmd.CombinedOutput()
			if bad := err != nil && strings.Contains(string(out), "rc -2"); bad == c.ok {
				t.Errorf("ids %v, %s: the driver said %q (%v)", c.ids, mode, out, err)
			}
		}
	}
}

// TestBadID checks that an id outside its embedding's vocabulary makes
// both entry points return -2, as the VM's Run refuses it.
func TestBadID(t *testing.T) {
	toolchain(t)
	g, kbc := compile(t, "embed.kiln", []byte(embedSrc))
	m, err := analyze(g)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	object(t, dir, g, true, target{})
	writeDriver(t, dir, g, m)
	ids := []int32{1, 50, 2} // 50 is past the vocabulary of 50
	vm, err := runtime.Load(kbc, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := vm.NewSession(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run([]runtime.Value{{I32: ids}, {F32: make([]float32, 4)}}, []runtime.Value{{F32: make([]float32, 2)}}); err == nil {
		t.Fatal("the VM accepted id 50")
	}
	for _, mode := range []string{"i8", "f32"} {
		var raw bytes.Buffer
		binary.Write(&raw, binary.LittleEndian, ids)
		size := 4
		if mode == "i8" {
			size = 1
		}
		raw.Write(make([]byte, 4*size))
		cmd := exec.Command("./driver", mode, "1")
		cmd.Dir, cmd.Stdin = dir, &raw
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "rc -2") {
			t.Errorf("%s: the driver said %q (%v), want rc -2", mode, out, err)
		}
	}
}
