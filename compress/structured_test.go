package compress

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// shrinkable parses src and gives its graph random weights.
func shrinkable(t *testing.T, src string) (*lang.File, *ir.Graph) {
	t.Helper()
	f, err := lang.Parse("m.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := frontend.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	train.Init(prog.Graph, 3)
	// Batch norms get statistics that are not the identity.
	r := rand.New(rand.NewPCG(5, 6))
	for _, p := range prog.Graph.Params() {
		if strings.HasSuffix(p.Name, "running_var") || strings.HasSuffix(p.Name, "running_mean") || strings.HasSuffix(p.Name, "bias") {
			for i := range p.Data.F32 {
				p.Data.F32[i] = float32(0.1 + r.Float64())
			}
		}
	}
	return f, prog.Graph
}

// kill makes units of a layer dead: zero weights and a negative bias,
// which keep the unit's ReLU at zero.
func kill(g *ir.Graph, layer string, units ...int) {
	w := g.Lookup(layer + ".weight").Data
	row := len(w.F32) / w.Shape[0]
	b := g.Lookup(layer + ".bias").Data
	for _, u := range units {
		clear(w.F32[u*row : (u+1)*row])
		b.F32[u] = -1
	}
}

func runOn(t *testing.T, g *ir.Graph, x *tensor.Tensor) []float32 {
	t.Helper()
	outs, err := ir.Run(g, map[string]*tensor.Tensor{g.Inputs()[0].Name: x})
	if err != nil {
		t.Fatal(err)
	}
	return outs[0].F32
}

func randomInput(g *ir.Graph, n int) *tensor.Tensor {
	x := tensor.New(tensor.F32, append([]int{n}, g.Inputs()[0].Type.Dims...)...)
	r := rand.New(rand.NewPCG(9, 9))
	for i := range x.F32 {
		x.F32[i] = float32(r.NormFloat64())
	}
	return x
}

// A small LeNet: conv -> relu -> pool -> batchnorm -> conv -> relu ->
// pool -> flatten -> dense -> dense -> dense.
const smallLeNet = `// a small LeNet
model small {
  input image: f32[1, 14, 14]
  c1 = relu(conv2d(image, filters=4, kernel=3))
  p1 = maxpool(c1, size=2)
  b1 = batchnorm(p1)
  c2 = relu(conv2d(b1, filters=6, kernel=3))  // 6 filters
  p2 = maxpool(c2, size=2)
  h1 = relu(dense(flatten(p2), 10))
  h2 = relu(dense(h1, units=8))
  output logits = dense(h2, 3)
}
`

// Removing dead units and filters leaves the function exactly as it was.
func TestShrinkDeadUnitsKeepsFunction(t *testing.T) {
	f, g := shrinkable(t, smallLeNet)
	kill(g, "c1", 1)
	// The batch norm after c1 maps its dead filter's zeros to zeros.
	g.Lookup("b1.running_mean").Data.F32[1] = 0
	g.Lookup("b1.bias").Data.F32[1] = 0
	kill(g, "c2", 0, 4)
	kill(g, "h1", 2, 3, 7)
	kill(g, "h2", 5)
	x := randomInput(g, 5)
	want := runOn(t, g, x)
	before := g.Weights()
	saved := map[string][]float32{}
	for k, v := range before {
		saved[k] = slices.Clone(v.F32)
	}

	s, err := Shrink(f, g, map[string]float64{"c1": 3, "c2": 4, "h1": 0.7, "h2": 7})
	if err != nil {
		t.Fatal(err)
	}
	got := runOn(t, s.Program.Graph, x)
	if !slices.Equal(got, want) {
		t.Errorf("the narrowed model computes\n%v\nnot\n%v", got, want)
	}
	for k, v := range g.Weights() {
		if !slices.Equal(v.F32, saved[k]) {
			t.Errorf("Shrink changed the original's %s", k)
		}
	}
	wantLayers := []ShrunkLayer{
		{Name: "c1", Before: 4, Now: 3, Kept: []int{0, 2, 3}},
		{Name: "c2", Before: 6, Now: 4, Kept: []int{1, 2, 3, 5}},
		{Name: "h1", Before: 10, Now: 7, Kept: []int{0, 1, 4, 5, 6, 8, 9}},
		{Name: "h2", Before: 8, Now: 7, Kept: []int{0, 1, 2, 3, 4, 6, 7}},
	}
	if len(s.Layers) != len(wantLayers) {
		t.Fatalf("layers %+v", s.Layers)
	}
	for i, l := range s.Layers {
		w := wantLayers[i]
		if l.Name != w.Name || l.Before != w.Before || l.Now != w.Now || !slices.Equal(l.Kept, w.Kept) {
			t.Errorf("layer %d: %+v, want %+v", i, l, w)
		}
	}
	// The batch norm between the convolutions lost c1's filter 1.
	if bn := s.Weights["b1.running_mean"]; !slices.Equal(bn.F32, []float32{saved["b1.running_mean"][0], saved["b1.running_mean"][2], saved["b1.running_mean"][3]}) {
		t.Errorf("b1.running_mean %v", bn.F32)
	}
}

// The emitted source parses, says the new widths where the old ones were
// (by position or keyword), and keeps the comments.
func TestShrinkSource(t *testing.T) {
	f, g := shrinkable(t, smallLeNet)
	s, err := Shrink(f, g, map[string]float64{"c2": 0.5, "h1": 0.5, "h2": 0.5})
	if err != nil {
		t.Fatal(err)
	}
	src := string(s.Source)
	for _, want := range []string{
		"c1 = relu(conv2d(image, filters=4, kernel=3))",
		"c2 = relu(conv2d(b1, filters=3, kernel=3))  // 6 filters",
		"h1 = relu(dense(flatten(p2), 5))",
		"h2 = relu(dense(h1, units=4))",
		"output logits = dense(h2, 3)",
		"// a small LeNet\n// Narrowed by structured pruning: c2 6 -> 3, h1 10 -> 5, h2 8 -> 4.\nmodel small {",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the source lacks %q:\n%s", want, src)
		}
	}
	prog, err := frontend.Compile("again.kiln", s.Source)
	if err != nil {
		t.Fatal(err)
	}
	if err := prog.Graph.Bind(s.Weights); err != nil {
		t.Error(err)
	}
	if w := prog.Graph.Lookup("h1.weight").Type.Dims; !slices.Equal(w, []int{5, 3 * 2 * 2}) {
		t.Errorf("h1.weight is %v", w)
	}
}

// A channel removed before a flatten removes its h*w columns of the
// dense layer after it.
func TestShrinkFlattenColumns(t *testing.T) {
	f, g := shrinkable(t, `model m {
  input x: f32[1, 4, 4]
  c = relu(conv2d(x, filters=3, kernel=3))
  output y = dense(flatten(c), 2)
}
`)
	// c's output is [3, 2, 2]: channel k is columns 4k..4k+3 of y.weight.
	w := g.Lookup("c.weight").Data
	for i := range w.F32 {
		w.F32[i] = float32(1 + i/9) // filter 0 smallest, filter 2 largest
	}
	yw := g.Lookup("y.weight").Data
	for i := range yw.F32 {
		yw.F32[i] = float32(i)
	}
	s, err := Shrink(f, g, map[string]float64{"c": 2})
	if err != nil {
		t.Fatal(err)
	}
	if k := s.Layers[0].Kept; !slices.Equal(k, []int{1, 2}) {
		t.Fatalf("kept filters %v, want [1 2]", k)
	}
	got := s.Weights["y.weight"]
	want := []float32{4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23}
	if !slices.Equal(got.Shape, []int{2, 8}) || !slices.Equal(got.F32, want) {
		t.Errorf("y.weight %v %v, want [2 8] %v", got.Shape, got.F32, want)
	}
}

func TestShrinkRefuses(t *testing.T) {
	f, g := shrinkable(t, `model m {
  input x: f32[4]
  a = dense(x, 6)
  b = relu(dense(x, 6))
  s = a + b
  h = relu(dense(s, 5))
  output y = dense(h, 2)
}
`)
	for keep, want := range map[string]string{
		"y":    "reach the model's output",
		"a":    "reach add",
		"nope": "no dense or convolution layer nope (it has h)",
	} {
		_, err := Shrink(f, g, map[string]float64{keep: 0.5})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("keep %s: %v, want %q", keep, err, want)
		}
	}
	if _, err := Shrink(f, g, map[string]float64{"h": 6}); err == nil || !strings.Contains(err.Error(), "whole number from 2 to 5") {
		t.Errorf("keep 6 of 5: %v", err)
	}
}

func TestKeepCount(t *testing.T) {
	for _, c := range []struct {
		keep float64
		n    int
		want int
	}{{0.5, 120, 60}, {1, 7, 7}, {0.01, 10, 1}, {3, 10, 3}, {0.25, 6, 2}} {
		if got, err := KeepCount(c.keep, c.n); err != nil || got != c.want {
			t.Errorf("KeepCount(%g, %d) = %d, %v; want %d", c.keep, c.n, got, err, c.want)
		}
	}
	for _, bad := range []float64{0, -1, 2.5, 11} {
		if _, err := KeepCount(bad, 10); err == nil {
			t.Errorf("KeepCount(%g, 10): no error", bad)
		}
	}
}
