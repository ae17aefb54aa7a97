package passes

import (
	"math"

	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

func compile(t testing.TB, src string) *ir.Graph {
	t.Helper()
	p, err := frontend.Compile("m.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p.Graph
}

var (
	randomize = testmodels.Randomize
	synthetic = testmodels.Synthetic
)

// run evaluates g on the first n examples of set with the reference
// executor.
func run(t *testing.T, g *ir.Graph, set *data.Dataset, n int) []*tensor.Tensor {
	t.Helper()
	feeds := map[string]*tensor.Tensor{}
	for i, in := range g.Inputs() {
		x := set.Inputs[i].T
		per := x.Len() / x.Shape[0]
		sub := &tensor.Tensor{DType: x.DType, Shape: append([]int{n}, x.Shape[1:]...)}
		sub.F32 = x.F32[:min(len(x.F32), n*per)]
		if x.DType == tensor.I32 {
			sub.I32, sub.F32 = x.I32[:n*per], nil
		}
		feeds[in.Name] = sub
	}
	outs, err := ir.Run(g, feeds)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

func closeTo(t *testing.T, what string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	for i := range want.F32 {
		if d := math.Abs(float64(got.F32[i] - want.F32[i])); d > tol*math.Max(1, math.Abs(float64(want.F32[i]))) {
			t.Fatalf("%s: element %d is %g, want %g", what, i, got.F32[i], want.F32[i])
		}
	}
}

const foldModel = `model fold {
  input x: f32[3, 16]
  input f: f32[8]
  c1 = conv1d(x, 4, kernel=3, pad=1)
  b1 = relu(batchnorm(c1))
  d = dense(f, 6)
  bn = batchnorm(d)
  h = relu6(dense(dropout(bn, 0.5), 5))
  s = relu(dense(flatten(b1), 5) + h)
  output y = s
}
`

// TestStructuralPasses checks that dropout removal, batch-norm folding (into
// the layer before and the dense layer after) and activation fusion keep
// the model's outputs, and leave none of the ops they remove.
func TestStructuralPasses(t *testing.T) {
	g := compile(t, foldModel)
	randomize(g, 1)
	set := synthetic(g, 8, 2)
	want := run(t, g, set, 8)
	if err := Run(g, nil, Options{Passes: Structural, Verify: true}); err != nil {
		t.Fatal(err)
	}
	for _, v := range g.Values {
		switch v.Op {
		case ir.OpDropout, ir.OpBatchNorm, ir.OpRelu, ir.OpRelu6:
			t.Errorf("%s (%s) survived the passes:\n%s", v.Name, v.Op.Name, g)
		}
	}
	got := run(t, g, set, 8)
	closeTo(t, "after the structural passes", got[0], want[0], 1e-5)
	// The fused ops keep the names their users knew.
	for name, act := range map[string]string{"b1": "relu", "h": "relu6", "s": "relu"} {
		if v := g.Lookup(name); v == nil || v.Attrs.String("act") != act {
			t.Errorf("%s should carry act=%s:\n%s", name, act, g)
		}
	}
}

func TestParseList(t *testing.T) {
	if _, err := ParseList("fold-batchnorm,frobnicate"); err == nil || !strings.Contains(err.Error(), `unknown pass "frobnicate"`) {
		t.Errorf("got %v", err)
	}
	names, err := ParseList(" fuse-activations , remove-dropout")
	if err != nil || len(names) != 2 {
		t.Errorf("got %v, %v", names, err)
	}
	// Passes run in table order, whatever order they are named in.
	g := compile(t, "model m {\n  input x: f32[4]\n  output y = relu(dense(dropout(x), 3))\n}\n")
	randomize(g, 1)
	var dump strings.Builder
	if err := Run(g, nil, Options{Passes: names, DumpAfter: "all", Dump: &dump}); err != nil {
		t.Fatal(err)
	}
	if i, j := strings.Index(dump.String(), "// after remove-dropout"), strings.Index(dump.String(), "// after fuse-activations"); i < 0 || j < i {
		t.Errorf("dumps out of order:\n%s", dump.String())
	}
}

// quantizeExample runs the whole pipeline on an example with random
// weights and synthetic calibration data.
func quantizeExample(t *testing.T, path string) (shadow, q *ir.Graph, c *Context, set *data.Dataset) {
	t.Helper()
	p, _, err := frontend.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	randomize(g, 3)
	set = synthetic(g, 96, 4)
	c = &Context{Calib: &Calibration{Set: set, Method: "minmax", Batch: 32, Seed: 1}}
	if err := Run(g, c, Options{Passes: Structural, Verify: true}); err != nil {
		t.Fatal(err)
	}
	shadow = g.Clone()
	if err := Run(g, c, Options{Passes: []string{"calibrate", "quantize"}, Verify: true}); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return shadow, g, c, set
}

// TestQuantizedExamples quantizes every example: the result verifies,
// runs on the integer reference executor close to its float shadow,
// quantizes every op, and its text form round-trips.
func TestQuantizedExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.kiln")
	if len(files) < 8 {
		t.Fatalf("examples: %v", files)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			shadow, q, c, set := quantizeExample(t, path)
			if len(c.Float) > 0 {
				t.Errorf("ops left in float: %v", c.Float)
			}
			for _, opt := range []ir.PrintOptions{{}, {Weights: true}} {
				text := q.Format(opt)
				back, err := ir.Parse("q.ir", []byte(text))
				if err != nil {
					t.Fatalf("the quantized IR does not parse: %v\n%s", err, text)
				}
				if again := back.Format(opt); again != text {
					t.Fatalf("print -> parse -> print differs:\n%s\n---\n%s", text, again)
				}
			}
			r, err := Compare(shadow, q, c, set, c.Calib.Indices(), 32)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range r.Layers {
				if !(l.Cosine > 0.98) {
					t.Errorf("%s (%s): cosine %.4f against the float shadow", l.Name, l.Op, l.Cosine)
				}
			}
		})
	}
}

// TestVerifierRejectsBadQuantization edits the text of a quantized graph
// and expects the parser's verification to name each problem.
func TestVerifierRejectsBadQuantization(t *testing.T) {
	_, q, _, _ := quantizeExample(t, "../examples/lenet5.kiln")
	text := q.String()
	line := func(prefix string) string {
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
		t.Fatalf("no line starts with %q:\n%s", prefix, text)
		return ""
	}
	c1, p1, bias, logits := line("%c1.q = "), line("%p1.q = "), line("param %c2.bias.q"), line("%logits.q = ")
	// withQuant replaces a line's quantization parameters ("" drops them).
	withQuant := func(l, q string) string {
		return l[:strings.Index(l, " q(")] + q + l[strings.Index(l, ")  //")+1:]
	}
	cases := []struct {
		name, old, new, want string
	}{
		{"missing parameters", c1, withQuant(c1, ""), "an i8 value needs quantization parameters"},
		{"pool rescales", p1, withQuant(p1, " q(0.5, 3)"), "must equal the operand's"},
		{"bias scale", bias, strings.Replace(bias, "q([", "q([0.125, ", 1), "bias"},
		{"zero point range", logits, withQuant(logits, " q(0.25, 200)"), "zero point 200 is outside the range of i8"},
		{"negative scale", logits, withQuant(logits, " q(-0.25, 0)"), "scale -0.25 is not a positive finite number"},
	}
	for _, c := range cases {
		bad := strings.Replace(text, c.old, c.new, 1)
		if bad == text {
			t.Fatalf("%s: the edit changed nothing", c.name)
		}
		_, err := ir.Parse("q.ir", []byte(bad))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
		t.Logf("%s: %v", c.name, err)
	}
}

// TestCalibrationMemoryFlat: calibrating on ten times the samples takes no
// more memory, since activations stream into fixed-size histograms.
func TestCalibrationMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("calibrates on 20,000 samples")
	}
	g := compile(t, "model mlp {\n  input x: f32[1, 28, 28]\n  h = relu(dense(flatten(x), 100))\n  output y = dense(h, 10)\n}\n")
	randomize(g, 5)
	set := synthetic(g, 20000, 6)
	peak := func(n int) uint64 {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return peakLiveHeap(func() {
			obs, err := Observe(g, set, idx, 64)
			if err != nil {
				t.Fatal(err)
			}
			if obs["y"].N != float64(n*10) {
				t.Errorf("histogram of y counted %v values, want %d", obs["y"].N, n*10)
			}
		})
	}
	small, large := peak(2000), peak(20000)
	t.Logf("peak live heap growth: %d KiB for 2,000 samples, %d KiB for 20,000", small>>10, large>>10)
	if large > small+small/10+(64<<10) {
		t.Errorf("calibration memory grew with the sample count: %d KiB for 2,000 samples, %d KiB for 20,000", small>>10, large>>10)
	}
}

// peakLiveHeap runs fn and returns the largest growth of the live heap
// (what the garbage collector finds reachable) over its level before fn,
// collecting every few milliseconds as fn runs. Garbage between
// collections does not count: it measures what fn holds on to, not how
// lazily the collector runs.
func peakLiveHeap(fn func()) uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var top atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
				runtime.GC()
				if v := read(); v > top.Load() {
					top.Store(v)
				}
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	return top.Load() - min(top.Load(), base)
}

const everyOpModel = `model every {
  input x: f32[2, 8, 8]
  input v: f32[6]
  a = avgpool(x, 2, pad=1)
  c = concat(flatten(a), v * 2.5, axis=0)
  p = softmax(dense(c, 5))
  t = tanh(dense(c, 4))
  r = relu(v)
  d = dense(r, 4) - t
  m = d * t
  k = sum(reshape(m, [2, 2]), axis=1)
  output p
  output k
}
`

// TestQuantizeEveryOp covers the int8 ops the examples do not use: average
// pooling with padding, concatenation of differently scaled inputs, a
// multiplication by a constant, softmax, tanh, a standalone relu (a
// requantization with a clamp), subtraction, multiplication, reshape and a
// sum.
func TestQuantizeEveryOp(t *testing.T) {
	g := compile(t, everyOpModel)
	randomize(g, 7)
	set := synthetic(g, 128, 8)
	c := &Context{Calib: &Calibration{Set: set, Method: "minmax", Batch: 32, Seed: 1}}
	if err := Run(g, c, Options{Passes: Structural, Verify: true}); err != nil {
		t.Fatal(err)
	}
	shadow := g.Clone()
	if err := Run(g, c, Options{Passes: []string{"calibrate", "quantize"}, Verify: true}); err != nil {
		t.Fatal(err)
	}
	if len(c.Float) > 0 {
		t.Errorf("ops left in float: %v", c.Float)
	}
	ops := map[string]bool{}
	for _, v := range g.Values {
		ops[v.Op.Name] = true
	}
	for _, want := range []string{"qavgpool", "qconcat", "qmul", "qsoftmax", "qtanh", "qrequantize", "qsub", "qsum", "reshape", "flatten"} {
		if !ops[want] {
			t.Errorf("no %s in the quantized graph:\n%s", want, g)
		}
	}
	r, err := Compare(shadow, g, c, set, c.Calib.Indices(), 32)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range r.Layers {
		if !(l.Cosine > 0.99) || !(l.SQNR > 20) {
			t.Errorf("%s (%s): SQNR %.1f dB, cosine %.4f", l.Name, l.Op, l.SQNR, l.Cosine)
		}
	}
	var b strings.Builder
	r.Write(&b)
	t.Log("\n" + b.String())
	text := g.String()
	back, err := ir.Parse("q.ir", []byte(text))
	if err != nil || back.String() != text {
		t.Fatalf("round trip: %v", err)
	}
}
