package train

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// averagedRun trains cfg without EMA and returns, computed beside it from
// the weights after every step, the exponential moving average with decay
// d at every epoch's end (every parameter of clickModel is trained), and
// the raw run's epochs.
func averagedRun(t *testing.T, split *data.Split, cfg Config, d float32) ([]map[string]*tensor.Tensor, []Epoch) {
	t.Helper()
	start := compile(t, clickModel)
	Init(start, cfg.Seed) // the weights Train starts from, drawn alike
	avg := start.Weights()
	g := compile(t, clickModel)
	var snaps []map[string]*tensor.Tensor
	cfg.AfterStep = func(int) {
		for _, p := range g.Params() {
			a := avg[p.Name].F32
			for j, w := range p.Data.F32 {
				a[j] = d*a[j] + (1-d)*w
			}
		}
	}
	cfg.Checkpoint = func(c *Checkpoint) error {
		if c.Step == 0 {
			snap := map[string]*tensor.Tensor{}
			for name, a := range avg {
				snap[name] = a.Clone()
			}
			snaps = append(snaps, snap)
		}
		return nil
	}
	res, err := Train(g, split, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return snaps, res.Epochs
}

// holds says whether g's parameters are want, bit for bit.
func holds(g *ir.Graph, want map[string]*tensor.Tensor) bool {
	for _, p := range g.Params() {
		if !tensor.Equal(p.Data, want[p.Name]) {
			return false
		}
	}
	return true
}

// TestEMAIsTheAverage: a run with EMA trains the same raw weights as one
// without (the same losses, epoch by epoch), scores each epoch on the
// average of them and ends with that average, bit for bit; with
// validation, it keeps the average at the best epoch.
func TestEMAIsTheAverage(t *testing.T) {
	const d = 0.9
	split := &data.Split{Train: noisyClicks(400, 1), Test: noisyClicks(100, 2)}
	cfg := Config{Epochs: 4, Batch: 16, LR: 0.03, Optimizer: "adam", Seed: 3, Reg: Regularization{WeightDecay: 1e-3}}
	snaps, raw := averagedRun(t, split, cfg, d)

	g := compile(t, clickModel)
	cfg.EMA = d
	res, err := Train(g, split, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !holds(g, snaps[len(snaps)-1]) {
		t.Error("the weights a run with ema returns are not the average of its steps' weights")
	}
	for e, ep := range res.Epochs {
		if ep.Loss != raw[e].Loss {
			t.Errorf("epoch %d: loss %v with ema, %v without: the average changed the training", e+1, ep.Loss, raw[e].Loss)
		}
		h := compile(t, clickModel)
		if err := h.Bind(snaps[e]); err != nil {
			t.Fatal(err)
		}
		m, err := Evaluate(h, split.Test, cfg.Batch, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m, ep.Test) {
			t.Errorf("epoch %d: scored %v, want the average's %v", e+1, ep.Test, m)
		}
	}
	if reflect.DeepEqual(raw[len(raw)-1].Test, res.Test) {
		t.Error("the average scores exactly as the raw weights: the test cannot tell them apart")
	}

	// With validation the run keeps the best epoch's average, chosen by
	// the averages' scores. (Validation trains on the rest of the
	// training part exactly as a run on that rest alone would.)
	cfg.EMA, cfg.Epochs = 0, 8
	v := Validation{Fraction: 0.25}
	rest, val, err := Carve(split.Train, v, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	snaps, _ = averagedRun(t, &data.Split{Train: rest}, cfg, d)
	best, bestAUC := 0, -1.0
	for e, snap := range snaps {
		h := compile(t, clickModel)
		if err := h.Bind(snap); err != nil {
			t.Fatal(err)
		}
		m, err := Evaluate(h, val, cfg.Batch, 0)
		if err != nil {
			t.Fatal(err)
		}
		if m.AUC > bestAUC {
			best, bestAUC = e+1, m.AUC
		}
	}
	cfg.EMA, cfg.Validation = d, v
	g = compile(t, clickModel)
	res, err = Train(g, split, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Best != best || !holds(g, snaps[best-1]) {
		t.Errorf("with validation: kept epoch %d (the average's weights there: %v), want the average at epoch %d, the best by its AUC", res.Best, res.Best > 0 && holds(g, snaps[res.Best-1]), best)
	}
}

// TestEMAErrors: a decay outside [0, 1) and an average of weights that
// pruning or sharing holds are refused.
func TestEMAErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{EMA: 1}, "ema must be at least 0 and below 1, got 1"},
		{Config{EMA: -0.5}, "ema must be at least 0 and below 1, got -0.5"},
		{Config{EMA: 0.9, Masks: map[string][]bool{}}, "keeps no average"},
		{Config{EMA: 0.9, AfterStep: func(int) {}}, "keeps no average"},
	} {
		c.cfg.Epochs, c.cfg.Batch, c.cfg.LR = 1, 8, 0.01
		_, err := Train(compile(t, clickModel), &data.Split{Train: noisyClicks(100, 1)}, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ema %g: err = %v, want %q", c.cfg.EMA, err, c.want)
		}
	}
}

// TestResumeWithEMA: a run with EMA stopped in the middle of an epoch
// and at an epoch's end resumes, through its checkpoint files, to the
// weights of the run that never stopped: the checkpoint holds the raw
// weights and the average both.
func TestResumeWithEMA(t *testing.T) {
	split := &data.Split{Train: blobs(200, 1)}
	cfg := Config{Epochs: 3, Batch: 16, LR: 0.01, Optimizer: "adam", Seed: 5, EMA: 0.95}
	g := compile(t, blobModel)
	if _, err := Train(g, split, cfg); err != nil {
		t.Fatal(err)
	}
	want := weightBytes(t, g)
	for _, stop := range []int{13, 17} { // after epoch 1; in epoch 2, after step 4
		var last *Checkpoint
		c := cfg
		c.Stop = stopAfter(stop)
		c.Checkpoint = func(ck *Checkpoint) error { last = throughFile(t, ck); return nil }
		if _, err := Train(compile(t, blobModel), split, c); err == nil {
			t.Fatalf("stop at %d: the run did not stop", stop)
		}
		if !slices.ContainsFunc(last.state, func(n data.Named) bool { return strings.HasPrefix(n.Name, StatePrefix+"ema/") }) {
			t.Fatalf("stop at %d: the checkpoint holds no average", stop)
		}
		c.Stop, c.Resume = nil, last
		g := compile(t, blobModel)
		if _, err := Train(g, split, c); err != nil {
			t.Fatalf("stop at %d: resumed: %v", stop, err)
		}
		if !bytes.Equal(weightBytes(t, g), want) {
			t.Errorf("stop at %d: resumed weights differ from the run that never stopped", stop)
		}
		// A run without EMA cannot take the checkpoint over.
		c.EMA = 0
		if _, err := Train(compile(t, blobModel), split, c); err == nil || !strings.Contains(err.Error(), "ema: the checkpoint's run has 0.95, this one none") {
			t.Errorf("stop at %d: resumed without ema: err = %v", stop, err)
		}
	}
}
