package compress

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// blobs is three Gaussian blobs in 8 dimensions, an easy classification.
func blobs(n int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 9))
	x, y := tensor.New(tensor.F32, n, 8), tensor.New(tensor.I32, n)
	for i := range n {
		c := r.IntN(3)
		y.I32[i] = int32(c)
		for j := range 8 {
			centre := 0.0
			if j%3 == c {
				centre = 2
			}
			x.F32[i*8+j] = float32(centre + r.NormFloat64()*0.7)
		}
	}
	return &data.Dataset{Name: "blobs", Inputs: []data.Named{{T: x}}, Target: y, Task: data.Classification, Classes: 3}
}

const mlp = `model mlp {
  input x: f32[8]
  h1 = relu(dense(x, 32))
  h2 = relu(dense(h1, 16))
  output logits = dense(h2, 3)
}
`

// trained returns the MLP trained on the blobs, and the split.
func trained(t *testing.T) (*ir.Graph, *data.Split) {
	t.Helper()
	p, err := frontend.Compile("mlp.kiln", []byte(mlp))
	if err != nil {
		t.Fatal(err)
	}
	split := &data.Split{Train: blobs(600, 1), Test: blobs(300, 2)}
	if _, err := train.Train(p.Graph, split, retrain(4)); err != nil {
		t.Fatal(err)
	}
	return p.Graph, split
}

func retrain(epochs int) train.Config {
	return train.Config{Epochs: epochs, Batch: 32, LR: 0.01, Optimizer: "adam", Seed: 3}
}

// checkPruned requires every masked weight of g to be exactly 0 and the
// result's counts to be the masks'.
func checkPruned(t *testing.T, g *ir.Graph, res *Result) {
	t.Helper()
	for _, l := range res.Layers {
		keep := res.Masks[l.Name]
		w := g.Lookup(l.Name).Data.F32
		zeros := 0
		for i, k := range keep {
			if !k && math.Float32bits(w[i]) != 0 {
				t.Fatalf("%s[%d] is pruned but holds %g", l.Name, i, w[i])
			}
			if w[i] == 0 {
				zeros++
			}
		}
		if zeros < l.Pruned {
			t.Errorf("%s: %d zeros, %d pruned", l.Name, zeros, l.Pruned)
		}
	}
}

func TestPrunePerLayer(t *testing.T) {
	for _, schedule := range []string{"oneshot", "cubic", "iterative"} {
		t.Run(schedule, func(t *testing.T) {
			g, split := trained(t)
			plan := Plan{Layers: map[string]float64{"h1.weight": 0.9, "h2.weight": 0.75}, Schedule: schedule, Every: 5, Cycles: 2}
			res, err := Prune(g, split, plan, retrain(3))
			if err != nil {
				t.Fatal(err)
			}
			checkPruned(t, g, res)
			if len(res.Layers) != 2 {
				t.Fatalf("pruned %v, want h1.weight and h2.weight", res.Layers)
			}
			for _, l := range res.Layers {
				if want := int(math.Round(plan.Layers[l.Name] * float64(l.Weights))); l.Pruned != want {
					t.Errorf("%s: pruned %d of %d, want %d", l.Name, l.Pruned, l.Weights, want)
				}
			}
			if nonzero(g.Lookup("logits.weight").Data.F32) != 16*3 {
				t.Error("logits.weight was not to be pruned")
			}
			if res.After.Accuracy < 0.9 {
				t.Errorf("accuracy %.3f after pruning and retraining (before: %.3f), want >= 0.9", res.After.Accuracy, res.Before.Accuracy)
			}
			if n := len(res.Runs); (schedule == "iterative") != (n == 2) {
				t.Errorf("%d retraining runs", n)
			}
		})
	}
}

func nonzero(w []float32) int {
	n := 0
	for _, x := range w {
		if x != 0 {
			n++
		}
	}
	return n
}

// TestPruneGlobal: one threshold across the layers reaches the overall
// sparsity exactly; every surviving weight is at least as large as every
// pruned one was (checked on the weights as pruned, before retraining,
// through a plan with a one-epoch retraining at a tiny rate).
func TestPruneGlobal(t *testing.T) {
	g, split := trained(t)
	var before []float32
	for _, w := range LayerWeights(g) {
		before = append(before, w.Data.F32...)
	}
	cfg := retrain(1)
	cfg.LR = 1e-9
	res, err := Prune(g, split, Plan{Sparsity: 0.8}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkPruned(t, g, res)
	total := 0
	for _, l := range res.Layers {
		total += l.Weights
	}
	if want := int(math.Round(0.8 * float64(total))); int(math.Round(res.Sparsity*float64(total))) != want {
		t.Errorf("overall sparsity %g of %d weights, want %d pruned", res.Sparsity, total, want)
	}
	if res.Layers[0].Sparsity == res.Layers[2].Sparsity {
		t.Errorf("one threshold should prune the layers unevenly: %+v", res.Layers)
	}
	var keptMin, prunedMax float64 = math.Inf(1), 0
	i := 0
	for _, l := range res.Layers {
		for _, k := range res.Masks[l.Name] {
			a := math.Abs(float64(before[i]))
			if k {
				keptMin = min(keptMin, a)
			} else {
				prunedMax = max(prunedMax, a)
			}
			i++
		}
	}
	if keptMin < prunedMax {
		t.Errorf("a kept weight (|w| %g) is smaller than a pruned one (%g)", keptMin, prunedMax)
	}
}

// TestPruneQuality: each layer loses the weights below quality times its
// standard deviation.
func TestPruneQuality(t *testing.T) {
	g, split := trained(t)
	want := map[string]float64{}
	for _, w := range LayerWeights(g) {
		want[w.Name] = Sparsity(ThresholdMask(w.Data.F32, 0.7))
	}
	res, err := Prune(g, split, Plan{Quality: 0.7}, retrain(1))
	if err != nil {
		t.Fatal(err)
	}
	checkPruned(t, g, res)
	for _, l := range res.Layers {
		if math.Abs(l.Sparsity-want[l.Name]) > 0.5/float64(l.Weights) {
			t.Errorf("%s: sparsity %g, the threshold gives %g", l.Name, l.Sparsity, want[l.Name])
		}
	}
}

// TestPruneStaysPruned: over a gradual schedule a mask only narrows.
func TestPruneStaysPruned(t *testing.T) {
	g, _ := trained(t)
	layers := LayerWeights(g)
	plan := Plan{Sparsity: 0.9}
	tg := plan.targets(layers)
	masks := map[string][]bool{}
	for _, w := range layers {
		masks[w.Name] = allKept(w.Data.Len())
	}
	r := rand.New(rand.NewPCG(1, 1))
	prev := map[string][]bool{}
	for step := 0; step <= 10; step++ {
		plan.prune(layers, tg, CubicSparsity(step, 10, 0, 1), masks)
		for _, w := range layers {
			for i, k := range masks[w.Name] {
				if k && prev[w.Name] != nil && !prev[w.Name][i] {
					t.Fatalf("step %d: %s[%d] came back", step, w.Name, i)
				}
			}
			prev[w.Name] = append([]bool(nil), masks[w.Name]...)
			// Training moves the survivors, perhaps below pruned ones.
			for i := range w.Data.F32 {
				if masks[w.Name][i] {
					w.Data.F32[i] += float32(r.NormFloat64() * 0.05)
				}
			}
		}
	}
}

func TestPruneErrors(t *testing.T) {
	g, split := trained(t)
	for _, c := range []struct {
		plan Plan
		want string
	}{
		{Plan{}, "exactly one"},
		{Plan{Sparsity: 0.5, Quality: 1}, "exactly one"},
		{Plan{Sparsity: 1.5}, "not in (0, 1)"},
		{Plan{Quality: -1}, "not positive"},
		{Plan{Layers: map[string]float64{"h1.bias": 0.5}}, "no dense or convolution weight"},
		{Plan{Layers: map[string]float64{"h1.weight": 1}}, "not in [0, 1)"},
		{Plan{Sparsity: 0.5, Schedule: "linear"}, "unknown schedule"},
	} {
		_, err := Prune(g, split, c.plan, retrain(1))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.plan, err, c.want)
		}
	}
}
