package passes

import (
	"math"

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
	"github.com/kiln-nn/kiln/train"
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
	if err := Run(g, nil, Names(StageFloat), Config{Verify: true}); err != nil {
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
	if err := Run(g, nil, names, Config{Switches: Switches{"all": {Dump: true}}, Dump: &dump}); err != nil {
		t.Fatal(err)
	}
	if i, j := strings.Index(dump.String(), "// after remove-dropout"), strings.Index(dump.String(), "// after fuse-activations"); i < 0 || j < i {
		t.Errorf("dumps out of order:\n%s", dump.String())
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
		feed, err := train.NewFeed(g, set, train.Sample(n, 0, 0), 64)
		if err != nil {
			t.Fatal(err)
		}
		return peakLiveHeap(func() {
			obs, err := Observe(g, feed)
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
