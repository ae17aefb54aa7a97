package tests

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/tensor"
)

func examples(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../examples/*.kiln")
	if err != nil || len(files) < 10 {
		t.Fatalf("expected the ten examples, found %v (%v)", files, err)
	}
	return files
}

func loadExample(t *testing.T, path string) *frontend.Program {
	t.Helper()
	prog, _, err := frontend.Load(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return prog
}

// randomWeights binds deterministic random data to every parameter.
func randomWeights(t *testing.T, g *ir.Graph, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	w := map[string]*tensor.Tensor{}
	for _, p := range g.Params() {
		d := tensor.New(p.Type.DType, p.Type.Dims...)
		for i := range d.F32 {
			d.F32[i] = float32(r.NormFloat64() * 0.1)
			if strings.HasSuffix(p.Name, ".running_var") {
				d.F32[i] = 1 + float32(math.Abs(float64(d.F32[i])))
			}
		}
		w[p.Name] = d
	}
	if err := g.Bind(w); err != nil {
		t.Fatal(err)
	}
}

// TestExamplesRoundTrip prints every example's IR, parses it back and
// prints it again: the two texts must be identical, with parameter data
// summarised and printed whole.
func TestExamplesRoundTrip(t *testing.T) {
	for _, path := range examples(t) {
		g := loadExample(t, path).Graph
		check := func(opt ir.PrintOptions) {
			text := g.Format(opt)
			h, err := ir.Parse(filepath.Base(path)+".ir", []byte(text))
			if err != nil {
				t.Fatalf("%s: the printed IR does not parse: %v\n%s", path, err, text)
			}
			if again := h.Format(opt); again != text {
				t.Errorf("%s: print -> parse -> print differs:\n--- first\n%s--- second\n%s", path, text, again)
			}
		}
		check(ir.PrintOptions{})
		randomWeights(t, g, 1)
		check(ir.PrintOptions{})
		if filepath.Base(path) != "deepfm.kiln" && filepath.Base(path) != "wide_deep.kiln" && filepath.Base(path) != "nfm.kiln" {
			check(ir.PrintOptions{Weights: true}) // the recommenders' tables are large
		}
	}
}

// TestExamplesFormatted checks that every example is in canonical form.
func TestExamplesFormatted(t *testing.T) {
	for _, path := range examples(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := lang.Parse(path, src)
		if err != nil {
			t.Fatal(err)
		}
		if out := lang.Format(f); string(out) != string(src) {
			t.Errorf("%s is not in canonical form (run kiln fmt -w):\n%s", path, out)
		}
	}
}

// TestLeNet5Stats checks the parameter and MACC counts of LeNet-5 against
// the numbers worked out by hand: 61,706 parameters; conv1 6*28*28*25 =
// 117,600 MACC; 416,520 in all (convolutions and dense layers).
func TestLeNet5Stats(t *testing.T) {
	g := loadExample(t, "../examples/lenet5.kiln").Graph
	st := g.Stats()
	if st.Total.Params != 61706 {
		t.Errorf("parameters: got %d, want 61706", st.Total.Params)
	}
	if st.Total.MACC != 416520 {
		t.Errorf("MACC: got %d, want 416520", st.Total.MACC)
	}
	want := map[string]int64{"c1.conv2d": 117600, "c2.conv2d": 240000, "h1.dense": 48000, "h2.dense": 10080, "logits": 840}
	for _, o := range st.Ops {
		if w, ok := want[o.Value.Name]; ok {
			if o.MACC != w {
				t.Errorf("%s: MACC %d, want %d", o.Value.Name, o.MACC, w)
			}
			delete(want, o.Value.Name)
		} else if o.MACC != 0 {
			t.Errorf("%s (%s): MACC %d, want 0", o.Value.Name, o.Value.Op.Name, o.MACC)
		}
	}
	for name := range want {
		t.Errorf("no op %s in the stats", name)
	}
}

// TestExamplesRun runs every example in float on a small random batch, so
// every op of the examples executes.
func TestExamplesRun(t *testing.T) {
	for _, path := range examples(t) {
		g := loadExample(t, path).Graph
		randomWeights(t, g, 2)
		r := rand.New(rand.NewPCG(3, 4))
		feeds := map[string]*tensor.Tensor{}
		for _, in := range g.Inputs() {
			x := tensor.New(in.Type.DType, in.Type.Shape(3)...)
			for i := range x.F32 {
				x.F32[i] = float32(r.NormFloat64())
			}
			vocab := 1000 // ids inside every embedding table that reads them
			for _, v := range g.Values {
				if (v.Op == ir.OpEmbedding || v.Op == ir.OpEmbeddingBag) && v.Args[0] == in {
					vocab = min(vocab, v.Args[1].Type.Dims[0])
				}
			}
			for i := range x.I32 {
				x.I32[i] = int32(r.IntN(vocab))
			}
			feeds[in.Name] = x
		}
		outs, err := ir.Run(g, feeds)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i, o := range outs {
			if !tensor.ShapeEqual(o.Shape, g.Outputs[i].Type.Shape(3)) {
				t.Errorf("%s: output %d has shape %v, want %v", path, i, o.Shape, g.Outputs[i].Type.Shape(3))
			}
			for _, v := range o.F32 {
				if v != v {
					t.Fatalf("%s: NaN in output %s", path, g.Outputs[i].Name)
				}
			}
		}
	}
}

// TestRecipeExamplesCheck: the recipes under examples/ (outside the ten
// examples every engine runs) load and check, compile block included.
func TestRecipeExamplesCheck(t *testing.T) {
	files, err := filepath.Glob("../examples/*/*.kiln")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recipes under examples/ (%v)", err)
	}
	for _, path := range files {
		loadExample(t, path)
	}
}
