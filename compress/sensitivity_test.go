package compress

import (
	"bytes"
	"image/png"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// tinyModel is a small classifier with random weights, and a data set of
// 64 examples labelled by the model itself, so that its accuracy starts
// at 100% and pruning can only lower it.
func tinyModel(t *testing.T, src string) (*ir.Graph, *data.Dataset) {
	t.Helper()
	prog, err := frontend.Compile("tiny.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g := prog.Graph
	train.Init(g, 7)
	in := g.Inputs()[0]
	n := 64
	x := tensor.New(tensor.F32, append([]int{n}, in.Type.Dims...)...)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range x.F32 {
		x.F32[i] = float32(r.NormFloat64())
	}
	outs, err := ir.Run(g, map[string]*tensor.Tensor{in.Name: x})
	if err != nil {
		t.Fatal(err)
	}
	logits := outs[0]
	classes := logits.Shape[len(logits.Shape)-1]
	y := tensor.New(tensor.I32, n)
	for i := range n {
		row := logits.F32[i*classes : (i+1)*classes]
		y.I32[i] = int32(slices.Index(row, slices.Max(row)))
	}
	set := &data.Dataset{Name: "tiny", Inputs: []data.Named{{Name: in.Name, T: x}}, Target: y, Task: data.Classification, Classes: classes}
	return g, set
}

const tinyMLP = `model tiny {
  input x: f32[6]
  h1 = relu(dense(x, 16))
  h2 = relu(dense(h1, 12))
  output logits = dense(h2, 4)
}
`

func TestAnalyzeSensitivity(t *testing.T) {
	g, set := tinyModel(t, tinyMLP)
	before := map[string][]float32{}
	for _, p := range g.Params() {
		before[p.Name] = slices.Clone(p.Data.F32)
	}
	var seen []string
	sp := []float64{0.25, 0.5, 0.9, 1}
	s, err := AnalyzeSensitivity(g, set, SensitivityConfig{Sparsities: sp, Progress: func(l string, i, n int) {
		seen = append(seen, l)
		if n != 3 {
			t.Errorf("progress says %d layers, want 3", n)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range g.Params() {
		if !slices.Equal(p.Data.F32, before[p.Name]) {
			t.Errorf("%s is not restored exactly after the analysis", p.Name)
		}
	}
	want := []string{"h1.weight", "h2.weight", "logits.weight"}
	if !slices.Equal(seen, want) {
		t.Errorf("progress saw %v, want %v", seen, want)
	}
	if s.Baseline != 100 {
		t.Errorf("baseline %v, want 100 (the labels are the model's own)", s.Baseline)
	}
	if len(s.Layers) != 3 {
		t.Fatalf("%d rows, want 3", len(s.Layers))
	}
	params := []int{16 * 6, 12 * 16, 4 * 12}
	for i, l := range s.Layers {
		if l.Weight != want[i] || l.Params != params[i] || len(l.Scores) != len(sp) {
			t.Errorf("row %d: %s, %d weights, %d scores; want %s, %d, %d", i, l.Weight, l.Params, len(l.Scores), want[i], params[i], len(sp))
		}
	}
	// Pruning every weight of the output layer leaves its bias alone: the
	// same class for every example.
	if last := s.Layers[2].Scores[3]; last >= 100 {
		t.Errorf("all of logits.weight pruned still scores %v", last)
	}

	var tb bytes.Buffer
	if err := s.Table(&tb); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(tb.String()), "\n")
	if len(lines) != 2+3 || !strings.Contains(lines[1], "90%") || !strings.HasPrefix(lines[3], "h2.weight") {
		t.Errorf("table:\n%s", tb.String())
	}
}

func TestAnalyzeSensitivityErrors(t *testing.T) {
	g, set := tinyModel(t, tinyMLP)
	for _, sp := range [][]float64{{0.5, 0.25}, {1.5}, {-0.1}} {
		if _, err := AnalyzeSensitivity(g, set, SensitivityConfig{Sparsities: sp}); err == nil {
			t.Errorf("sparsities %v: no error", sp)
		}
	}
	g.Params()[0].Data = nil
	if _, err := AnalyzeSensitivity(g, set, SensitivityConfig{}); err == nil || !strings.Contains(err.Error(), "h1.weight") {
		t.Errorf("unbound weights: %v", err)
	}
}

func TestPlan(t *testing.T) {
	s := &Sensitivity{
		Metric:     MetricFor(data.Classification),
		Baseline:   98,
		Sparsities: []float64{0.5, 0.75, 0.9},
		Layers: []LayerCurve{
			{Weight: "a", Scores: []float64{98, 97.6, 97}},   // 0.75: 0.4 down
			{Weight: "b", Scores: []float64{97, 98, 98}},     // 0.5 already 1 down: none, though 0.9 is fine
			{Weight: "c", Scores: []float64{98.2, 98, 97.5}}, // all within
			{Weight: "d", Scores: []float64{97.5, 97.4, 90}}, // exactly 0.5 down is within
		},
	}
	got := s.Plan(0.5)
	want := SparsityPlan{{"a", 0.75}, {"b", 0}, {"c", 0.9}, {"d", 0.5}}
	if !slices.Equal(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
	// Lower is better for RMSE: a rise is the drop.
	r := &Sensitivity{Metric: MetricFor(data.Regression), Baseline: 1, Sparsities: []float64{0.5, 0.9},
		Layers: []LayerCurve{{Weight: "a", Scores: []float64{1.1, 2}}}}
	if got := r.Plan(0.2); !slices.Equal(got, SparsityPlan{{"a", 0.5}}) {
		t.Errorf("regression plan %v", got)
	}

	var b bytes.Buffer
	if err := got.Write(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != "a 0.75\nb 0\nc 0.9\nd 0.5\n" {
		t.Errorf("plan text %q", b.String())
	}
	back, err := ParseSparsityPlan(strings.NewReader("# comment\n\n"+b.String()), "plan.txt")
	if err != nil || !slices.Equal(back, want) {
		t.Errorf("parsed back %v, %v", back, err)
	}
	for _, bad := range []string{"a\n", "a 1.5\n", "a x\n", "a 0.5\na 0.6\n", "a 0.5 0.6\n"} {
		if _, err := ParseSparsityPlan(strings.NewReader(bad), "plan.txt"); err == nil || !strings.Contains(err.Error(), "plan.txt:") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestHoldout(t *testing.T) {
	_, set := tinyModel(t, tinyMLP)
	sub, err := Holdout(set, []int{5, 0, 63}, "val")
	if err != nil {
		t.Fatal(err)
	}
	if sub.Len() != 3 || sub.Classes != set.Classes || sub.Target.I32[1] != set.Target.I32[0] ||
		!slices.Equal(sub.Inputs[0].T.F32[:6], set.Inputs[0].T.F32[30:36]) {
		t.Errorf("holdout rows wrong")
	}
	if _, err := Holdout(set, []int{64}, "val"); err == nil {
		t.Error("an index past the end: no error")
	}
}

func TestWritePlot(t *testing.T) {
	s := &Sensitivity{Metric: MetricFor(data.Classification), Baseline: 98, Sparsities: []float64{0.5, 0.9},
		Layers: []LayerCurve{{Weight: "a.weight", Params: 48000, Scores: []float64{97, 80}}, {Weight: "b.weight", Params: 150, Scores: []float64{96, 20}}}}
	var svg, pic bytes.Buffer
	if err := WritePlot(&svg, s, "title", "svg"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "a.weight (48k)", "b.weight (150)", "sparsity of the layer alone", "accuracy (%)", "title"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	if err := WritePlot(&pic, s, "title", "png"); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&pic)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 600 {
		t.Errorf("PNG is %v, want 900x600 (6x4 inches at 150 dpi)", b)
	}
	if err := WritePlot(&pic, s, "title", "gif"); err == nil {
		t.Error("gif: no error")
	}
}
