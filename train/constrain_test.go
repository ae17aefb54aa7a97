package train

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// randomMasks prunes about half of every conv and dense weight of g.
func randomMasks(g *ir.Graph, seed uint64) map[string][]bool {
	r := rand.New(rand.NewPCG(seed, 1))
	masks := map[string][]bool{}
	for _, p := range g.Params() {
		if !strings.HasSuffix(p.Name, ".weight") || p.Type.Rank() < 2 {
			continue
		}
		keep := make([]bool, p.Type.Elems())
		for i := range keep {
			keep[i] = r.IntN(2) == 0
		}
		masks[p.Name] = keep
	}
	return masks
}

// TestMasksHoldPrunedWeightsAtZero trains with masks under every optimizer
// and regularizer: every pruned weight must end exactly 0 (its bits), and
// the kept ones must have moved.
func TestMasksHoldPrunedWeightsAtZero(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"sgd", Config{Optimizer: "sgd", LR: 0.05}},
		{"sgd-momentum", Config{Optimizer: "sgd", LR: 0.02, Momentum: 0.9}},
		{"sgd-momentum-decay-l1", Config{Optimizer: "sgd", LR: 0.02, Momentum: 0.9, Reg: Regularization{WeightDecay: 1e-3, L1: 1e-3}}},
		{"adam", Config{Optimizer: "adam", LR: 0.01}},
		{"adam-decay-l1", Config{Optimizer: "adam", LR: 0.01, Reg: Regularization{WeightDecay: 1e-3, L1: 1e-3}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := compile(t, blobModel)
			Init(g, 7)
			before := g.Weights()
			start := map[string][]float32{}
			for name, w := range before {
				start[name] = append([]float32(nil), w.F32...)
			}
			masks := randomMasks(g, 3)
			cfg := c.cfg
			cfg.Epochs, cfg.Batch, cfg.Seed, cfg.Masks = 3, 16, 7, masks
			if _, err := Train(g, &data.Split{Train: blobs(200, 1)}, cfg); err != nil {
				t.Fatal(err)
			}
			checkMasked(t, g, masks, start)
		})
	}
}

func checkMasked(t *testing.T, g *ir.Graph, masks map[string][]bool, start map[string][]float32) {
	t.Helper()
	w := g.Weights()
	for name, keep := range masks {
		moved := 0
		for i, k := range keep {
			x := w[name].F32[i]
			switch {
			case !k && math.Float32bits(x) != 0:
				t.Fatalf("%s[%d] is pruned but holds %g (bits %#x)", name, i, x, math.Float32bits(x))
			case k && x != start[name][i]:
				moved++
			}
		}
		if moved == 0 {
			t.Errorf("%s: no kept weight moved", name)
		}
	}
}

// TestMasksClearResumedState resumes, with masks, a checkpoint of a run
// trained without them: its momentum (SGD) and moments (Adam) at the
// pruned weights are not zero, and must not move those weights.
func TestMasksClearResumedState(t *testing.T) {
	for _, opt := range []string{"sgd", "adam"} {
		cfg := Config{Epochs: 2, Batch: 16, LR: 0.01, Optimizer: opt, Momentum: 0.9, Seed: 5}
		split := &data.Split{Train: blobs(200, 1)}
		g := compile(t, blobModel)
		var first *Checkpoint
		stopped := cfg
		stopped.Stop = stopAfter(3)
		stopped.Checkpoint = func(c *Checkpoint) error { first = throughFile(t, c); return nil }
		if _, err := Train(g, split, stopped); !errors.Is(err, ErrStopped) {
			t.Fatalf("%s: %v, want a stopped run", opt, err)
		}
		// The checkpoint's settings hold no masks: a masked run refuses it.
		masks := randomMasks(g, 4)
		masked := cfg
		masked.Masks, masked.Resume = masks, first
		if _, err := Train(compile(t, blobModel), split, masked); err == nil || !strings.Contains(err.Error(), "masks:") {
			t.Fatalf("%s: resuming an unmasked run with masks: %v, want an error naming the masks", opt, err)
		}
		// With the masks in its settings, it resumes, and the pruned
		// weights stay 0 despite the state the checkpoint carries.
		first.Meta["train.masks"] = maskDigest(masks)
		start := map[string][]float32{}
		for name, w := range first.Weights() {
			start[name] = append([]float32(nil), w.F32...)
		}
		g = compile(t, blobModel)
		if _, err := Train(g, split, masked); err != nil {
			t.Fatalf("%s: %v", opt, err)
		}
		checkMasked(t, g, masks, start)
	}
}

// TestMaskErrors: a mask must name a trained parameter and fit it.
func TestMaskErrors(t *testing.T) {
	split := &data.Split{Train: blobs(50, 1)}
	for masks, want := range map[*map[string][]bool]string{
		{"nope.weight": {true}}:     "no trained parameter",
		{"h.weight": {true, false}}: "has 2 entries",
	} {
		_, err := Train(compile(t, blobModel), split, Config{Epochs: 1, Batch: 16, LR: 0.01, Masks: *masks})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("masks %v: %v, want %q", *masks, err, want)
		}
	}
}

// TestSharedGradient: a centroid's gradient is the sum of its weights'
// gradients, checked against finite differences of the loss in the
// centroid on a tiny linear model; and after training every weight is
// one of the centroids or exactly 0.
func TestSharedGradient(t *testing.T) {
	const src = `model lin {
  input x: f32[4]
  output y = dense(x, 3)
}
`
	set := func() *data.Dataset {
		r := rand.New(rand.NewPCG(2, 2))
		x, y := tensor.New(tensor.F32, 8, 4), tensor.New(tensor.F32, 8, 3)
		for i := range x.F32 {
			x.F32[i] = float32(r.NormFloat64())
		}
		for i := range y.F32 {
			y.F32[i] = float32(r.NormFloat64())
		}
		return &data.Dataset{Name: "lin", Inputs: []data.Named{{T: x}}, Target: y, Task: data.Regression}
	}()
	assign := []int32{0, 1, 2, -1, 1, 0, -1, 2, 2, 0, 1, -1}
	centroids := []float32{-0.5, 0.25, 0.75}
	loss := func(c []float32) float64 {
		g := compile(t, src)
		w := tensor.New(tensor.F32, 3, 4)
		for j, a := range assign {
			if a >= 0 {
				w.F32[j] = c[a]
			}
		}
		if err := g.Bind(map[string]*tensor.Tensor{"y.weight": w, "y.bias": tensor.New(tensor.F32, 3)}); err != nil {
			t.Fatal(err)
		}
		m, err := Evaluate(g, set, 8, 1)
		if err != nil {
			t.Fatal(err)
		}
		return m.RMSE * m.RMSE // the MSE loss
	}
	// One plain SGD step of rate lr moves centroid k by -lr * dL/dc_k.
	const lr = 1e-3
	g := compile(t, src)
	share := &Sharing{Assign: assign, Centroids: append([]float32(nil), centroids...)}
	_, err := Train(g, &data.Split{Train: set}, Config{Epochs: 1, Batch: 8, LR: lr, Optimizer: "sgd", Loss: "mse",
		Shared: map[string]*Sharing{"y.weight": share}, Masks: map[string][]bool{"y.bias": {false, false, false}}})
	if err != nil {
		t.Fatal(err)
	}
	for k := range centroids {
		const h = 1e-3
		up, down := append([]float32(nil), centroids...), append([]float32(nil), centroids...)
		up[k] += h
		down[k] -= h
		numeric := (loss(up) - loss(down)) / (2 * h)
		got := float64(centroids[k]-share.Centroids[k]) / lr
		if math.Abs(got-numeric) > 1e-2*max(1, math.Abs(numeric)) {
			t.Errorf("centroid %d: gradient %g, finite differences %g", k, got, numeric)
		}
	}
	for j, x := range g.Lookup("y.weight").Data.F32 {
		a := assign[j]
		if (a < 0 && math.Float32bits(x) != 0) || (a >= 0 && x != share.Centroids[a]) {
			t.Errorf("weight %d is %g, want centroid %d of %v", j, x, a, share.Centroids)
		}
	}
}

// TestBeforeStepClearsState: before a step, a pruned weight's gradient
// and optimizer state (SGD's velocity, Adam's moments) are zero, the kept
// ones' untouched.
func TestBeforeStepClearsState(t *testing.T) {
	keep := []bool{true, false, true, false}
	full := func() []float32 { return []float32{1, 2, 3, 4} }
	want := []float32{1, 0, 3, 0}
	c := &constraints{masks: map[int][]bool{0: keep}, shared: map[int]*shared{}}
	sgd := &SGD{vel: [][]float32{full()}}
	adam := &Adam{m: [][]float32{full()}, v: [][]float32{full()}}
	for _, opt := range []Optimizer{sgd, adam} {
		grad := &tensor.Tensor{DType: tensor.F32, Shape: []int{4}, F32: full()}
		c.beforeStep(opt, []*tensor.Tensor{grad})
		for name, got := range map[string][]float32{"grad": grad.F32, "sgd.vel": sgd.vel[0], "adam.m": adam.m[0], "adam.v": adam.v[0]} {
			if name == "sgd.vel" && opt != Optimizer(sgd) || name != "sgd.vel" && name != "grad" && opt != Optimizer(adam) {
				continue
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%T: %s = %v, want %v", opt, name, got, want)
					break
				}
			}
		}
	}
}
