package train

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
)

// weightBytes is the graph's parameters as a safetensors file's bytes.
func weightBytes(t *testing.T, g *ir.Graph) []byte {
	t.Helper()
	st := &data.Safetensors{}
	for _, p := range g.Params() {
		st.Tensors = append(st.Tensors, data.Named{Name: p.Name, T: p.Data})
	}
	var b bytes.Buffer
	if err := data.WriteSafetensors(&b, st); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// throughFile writes a checkpoint as a file's bytes and reads it back, as
// a resumed run in another process would.
func throughFile(t *testing.T, c *Checkpoint) *Checkpoint {
	t.Helper()
	var b bytes.Buffer
	if err := data.WriteSafetensors(&b, c.Safetensors()); err != nil {
		t.Fatal(err)
	}
	st, err := data.ReadSafetensors(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadCheckpoint(st)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// stopAfter returns a Stop hook that asks to stop at its k-th call (Train
// asks after every step but an epoch's last, and after each epoch's
// checkpoint).
func stopAfter(k int) func() bool {
	calls := 0
	return func() bool { calls++; return calls == k }
}

// TestResumeIsBitIdentical stops runs at an epoch's end and in the middle
// of epochs, resumes them from their checkpoints (through the file format),
// and requires the weights, byte for byte, and the epochs' losses of a run
// that never stopped: for SGD with momentum and for Adam, on a model with
// dropout and batch norm, with a cosine schedule whose rate changes at
// every step.
func TestResumeIsBitIdentical(t *testing.T) {
	const steps = 13 // 200 examples in batches of 16
	for _, opt := range []string{"sgd", "adam"} {
		cfg := Config{Epochs: 3, Batch: 16, LR: 0.01, Optimizer: opt, Momentum: 0.9, Seed: 5, Schedule: Schedule{Kind: "cosine"}, Reg: Regularization{WeightDecay: 1e-4}}
		split := &data.Split{Train: blobs(200, 1), Test: blobs(50, 2)}

		g := compile(t, blobModel)
		full, err := Train(g, split, cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := weightBytes(t, g)

		for _, stops := range [][]int{
			{steps},        // after epoch 1
			{steps + 3},    // in epoch 2, after step 3
			{5, 1, steps},  // in epoch 1 after step 5, right after resuming, then after epoch 2
			{2*steps + 12}, // after the last step but one
		} {
			g := compile(t, blobModel)
			var last *Checkpoint
			var res *Result
			for i := 0; ; i++ {
				c := cfg
				c.Resume = last
				if i < len(stops) {
					c.Stop = stopAfter(stops[i])
				}
				c.Checkpoint = func(ck *Checkpoint) error { last = throughFile(t, ck); return nil }
				if i > 0 {
					g = compile(t, blobModel) // a fresh process: nothing but the checkpoint
				}
				res, err = Train(g, split, c)
				if i < len(stops) {
					if !errors.Is(err, ErrStopped) {
						t.Fatalf("%s, stops %v: run %d: err = %v, want ErrStopped", opt, stops, i, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s, stops %v: resumed run: %v", opt, stops, err)
				}
				break
			}
			if got := weightBytes(t, g); !bytes.Equal(got, want) {
				t.Errorf("%s, stops %v: resumed weights differ from the run that never stopped", opt, stops)
			}
			if a, b := res.Epochs[len(res.Epochs)-1], full.Epochs[2]; a.Loss != b.Loss || !reflect.DeepEqual(a.Test, b.Test) {
				t.Errorf("%s, stops %v: last epoch: loss %v, test %v; want %v, %v", opt, stops, a.Loss, a.Test, b.Loss, b.Test)
			}
		}
	}
}

func TestStopPositions(t *testing.T) {
	split := &data.Split{Train: blobs(200, 1)}
	cfg := Config{Epochs: 3, Batch: 16, LR: 0.01, Optimizer: "adam", Seed: 5}
	for _, c := range []struct {
		stop        int
		err         string
		epoch, step int
	}{
		{13, "training stopped after epoch 1 of 3", 1, 0},
		{16, "training stopped in epoch 2 of 3, after step 3 of 13", 1, 3},
		{39, "", 3, 0}, // after the last epoch there is nothing to stop
	} {
		var last *Checkpoint
		cfg.Stop = stopAfter(c.stop)
		cfg.Checkpoint = func(ck *Checkpoint) error { last = ck; return nil }
		_, err := Train(compile(t, blobModel), split, cfg)
		if (c.err == "" && err != nil) || (c.err != "" && (err == nil || err.Error() != c.err)) {
			t.Errorf("stop at call %d: err = %v, want %q", c.stop, err, c.err)
		}
		if last == nil || last.Epoch != c.epoch || last.Step != c.step || last.Epochs != 3 || last.Steps != 13 {
			t.Errorf("stop at call %d: last checkpoint %+v, want epoch %d, step %d", c.stop, last, c.epoch, c.step)
		}
	}
}

// TestResumeRefusesMismatch: a checkpoint that does not fit the model or
// the settings is refused, with every difference named.
func TestResumeRefusesMismatch(t *testing.T) {
	split := &data.Split{Train: blobs(200, 1)}
	cfg := Config{Epochs: 3, Batch: 16, LR: 0.01, Optimizer: "adam", Seed: 5}
	var ck *Checkpoint
	cfg.Stop = stopAfter(13)
	cfg.Checkpoint = func(c *Checkpoint) error { ck = throughFile(t, c); return nil }
	if _, err := Train(compile(t, blobModel), split, cfg); !errors.Is(err, ErrStopped) {
		t.Fatal(err)
	}
	cfg.Stop, cfg.Checkpoint = nil, nil

	other := cfg
	other.LR, other.Optimizer, other.Momentum, other.Seed = 0.02, "sgd", 0.9, 6
	small := &data.Split{Train: blobs(100, 1)}
	cases := []struct {
		name  string
		model string
		split *data.Split
		cfg   Config
		want  []string
	}{
		{"settings", blobModel, split, other, []string{"lr: the checkpoint's run has 0.01, this one 0.02", "optimizer: the checkpoint's run has adam, this one sgd",
			"momentum: the checkpoint's run has none, this one 0.9", "seed: the checkpoint's run has 5, this one 6"}},
		{"data", blobModel, small, cfg, []string{"examples: the checkpoint's run has 200, this one 100"}},
		{"model", strings.Replace(blobModel, "dense(flatten(p), 16)", "dense(flatten(p), 12)", 1), split, cfg,
			[]string{"the checkpoint does not fit model blobs:", "weight h.weight is f32[16,16], the model needs f32[12,16]"}},
	}
	for _, c := range cases {
		c.cfg.Resume = ck
		_, err := Train(compile(t, c.model), c.split, c.cfg)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: err = %v, want it to contain %q", c.name, err, w)
			}
		}
	}

	if _, err := ReadCheckpoint(&data.Safetensors{Metadata: map[string]string{"model": "blobs"}}); err == nil || !strings.Contains(err.Error(), "not a training checkpoint") {
		t.Errorf("a weights file as a checkpoint: err = %v", err)
	}
	// A damaged state tensor is named.
	bad := throughFile(t, ck)
	for i, n := range bad.state {
		if n.Name == StatePrefix+"order" {
			bad.state[i].T.I32[0] = bad.state[i].T.I32[1]
		}
	}
	cfg.Resume = bad
	if _, err := Train(compile(t, blobModel), split, cfg); err == nil || !strings.Contains(err.Error(), "train/order is not an order of 200 examples") {
		t.Errorf("damaged order: err = %v", err)
	}
}
