package train

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// noisyClicks is a click set that a large model overfits: user and movie
// ids whose label follows their parity, a quarter of the labels flipped.
// Its examples belong to 20 users, each user's in time order.
func noisyClicks(n int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 7))
	ids := tensor.New(tensor.I32, n, 2)
	y := tensor.New(tensor.F32, n, 1)
	set := &data.Dataset{Name: "clicks", Inputs: []data.Named{{Name: "fields", T: ids}}, Target: y, Task: data.Binary, Vocab: 60}
	seq := map[int32]int32{}
	for i := 0; i < n; i++ {
		u, m := r.IntN(30), 30+r.IntN(30)
		ids.I32[2*i], ids.I32[2*i+1] = int32(u), int32(m)
		click := (u+m)%2 == 0
		if r.Float64() < 0.25 {
			click = !click
		}
		if click {
			y.F32[i] = 1
		}
		g := int32(u % 20)
		set.Group = append(set.Group, g)
		set.Seq = append(set.Seq, seq[g])
		seq[g]++
	}
	return set
}

const clickModel = `model clicks {
  input fields: i32[2]
  e = embedding(fields, vocab=60, dim=16)
  h = relu(dense(flatten(e), 64))
  lin = sum(embedding(fields, vocab=60, dim=1))
  out = dense(h, 1)
  output click = sigmoid(out + lin)
}
`

func TestCarve(t *testing.T) {
	set := noisyClicks(300, 1)
	rest, val, err := Carve(set, Validation{Fraction: 0.2}, 9)
	if err != nil {
		t.Fatal(err)
	}
	if rest.Len() != 240 || val.Len() != 60 {
		t.Fatalf("random 0.2 of 300: %d and %d examples, want 240 and 60", rest.Len(), val.Len())
	}
	// Every example lands in exactly one part, rows intact and in order.
	key := func(d *data.Dataset, i int) [3]int32 {
		return [3]int32{d.Inputs[0].T.I32[2*i], d.Inputs[0].T.I32[2*i+1], int32(d.Target.F32[i])}
	}
	var all, parts [][3]int32
	for i := range set.Len() {
		all = append(all, key(set, i))
	}
	for _, d := range []*data.Dataset{rest, val} {
		for i := range d.Len() {
			parts = append(parts, key(d, i))
		}
	}
	cmpKey := func(a, b [3]int32) int { return slices.Compare(a[:], b[:]) }
	slices.SortFunc(all, cmpKey)
	slices.SortFunc(parts, cmpKey)
	if !slices.Equal(all, parts) {
		t.Error("the two parts are not the examples of the set")
	}
	// The same seed draws the same part; another seed another.
	_, again, _ := Carve(set, Validation{Fraction: 0.2}, 9)
	_, other, _ := Carve(set, Validation{Fraction: 0.2}, 10)
	if !tensor.Equal(val.Inputs[0].T, again.Inputs[0].T) || tensor.Equal(val.Inputs[0].T, other.Inputs[0].T) {
		t.Error("the random carve does not follow the seed")
	}

	// By time: each group's latest examples, as many as heldOut says.
	_, val, err = Carve(set, Validation{Fraction: 0.2, ByTime: true}, 9)
	if err != nil {
		t.Fatal(err)
	}
	size := map[int32]int{}
	for _, g := range set.Group {
		size[g]++
	}
	want := 0
	for g, n := range size {
		want += heldOut(n, 0.2)
		got := 0
		for i, vg := range val.Group {
			if vg == g {
				got++
				if int(val.Seq[i]) < n-heldOut(n, 0.2) {
					t.Errorf("group %d: example %d of %d in validation, not one of the latest %d", g, val.Seq[i], n, heldOut(n, 0.2))
				}
			}
		}
		if got != heldOut(n, 0.2) {
			t.Errorf("group %d: %d examples in validation, want %d", g, got, heldOut(n, 0.2))
		}
	}
	if val.Len() != want {
		t.Errorf("by time: %d validation examples, want %d", val.Len(), want)
	}
	for _, c := range []struct{ n, want int }{{1, 0}, {2, 1}, {4, 1}, {10, 2}, {13, 3}} {
		if got := heldOut(c.n, 0.2); got != c.want {
			t.Errorf("heldOut(%d, 0.2) = %d, want %d", c.n, got, c.want)
		}
	}

	// Examples that share a place in time go to one part together: the
	// same set with each example three times holds out each group's same
	// latest places, all three copies of each.
	tripled := &data.Dataset{Name: "tripled", Inputs: set.Inputs, Target: set.Target, Task: set.Task}
	for i := range set.Len() {
		for range 3 {
			tripled.Group = append(tripled.Group, set.Group[i])
			tripled.Seq = append(tripled.Seq, set.Seq[i])
		}
	}
	tripled.Inputs = []data.Named{{Name: set.Inputs[0].Name, T: repeatRows(set.Inputs[0].T, 3)}}
	tripled.Target = repeatRows(set.Target, 3)
	_, val3, err := Carve(tripled, Validation{Fraction: 0.2, ByTime: true}, 9)
	if err != nil {
		t.Fatal(err)
	}
	if val3.Len() != 3*val.Len() {
		t.Errorf("tripled: %d validation examples, want 3 x %d", val3.Len(), val.Len())
	}
	for i := range val.Len() {
		for k := range 3 {
			if j := 3*i + k; val3.Group[j] != val.Group[i] || val3.Seq[j] != val.Seq[i] {
				t.Fatalf("tripled: validation example %d is group %d place %d, want %d and %d", j, val3.Group[j], val3.Seq[j], val.Group[i], val.Seq[i])
			}
		}
	}
	negative := &data.Dataset{Name: "negative", Inputs: set.Inputs, Target: set.Target, Task: set.Task, Group: set.Group, Seq: slices.Clone(set.Seq)}
	negative.Seq[4] = -1
	if _, _, err := Carve(negative, Validation{Fraction: 0.2, ByTime: true}, 1); err == nil || !strings.Contains(err.Error(), "example 4 has place -1 in time") {
		t.Errorf("a negative place: err = %v", err)
	}

	noTime := noisyClicks(50, 1)
	noTime.Group, noTime.Seq = nil, nil
	for _, c := range []struct {
		set  *data.Dataset
		v    Validation
		want string
	}{
		{noTime, Validation{Fraction: 0.1, ByTime: true}, "does not say how its examples are ordered in time"},
		{set, Validation{Fraction: 1}, "between 0 and 1"},
		{set, Validation{Fraction: -0.1}, "between 0 and 1"},
	} {
		if _, _, err := Carve(c.set, c.v, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.v, err, c.want)
		}
	}
}

// epochWeights runs Train and records the weights and validation scores at
// every epoch's end (through the checkpoint hook).
func epochWeights(t *testing.T, g *ir.Graph, split *data.Split, cfg Config) (*Result, [][]byte, []Metrics) {
	t.Helper()
	var ws [][]byte
	var ms []Metrics
	cfg.Checkpoint = func(c *Checkpoint) error {
		if c.Step == 0 {
			ws = append(ws, weightBytes(t, g))
			ms = append(ms, c.Validation)
		}
		return nil
	}
	res, err := Train(g, split, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res, ws, ms
}

// TestValidationKeepsBest: the weights a run returns are those of the
// epoch with the best validation score (the first of equals), not the
// last epoch's, for either binary metric; the test part is not scored.
func TestValidationKeepsBest(t *testing.T) {
	split := &data.Split{Train: noisyClicks(400, 1), Test: noisyClicks(100, 2)}
	for _, metric := range []string{"auc", "logloss"} {
		cfg := Config{Epochs: 8, Batch: 16, LR: 0.03, Optimizer: "adam", Seed: 3, Validation: Validation{Fraction: 0.25, Metric: metric}}
		g := compile(t, clickModel)
		res, ws, ms := epochWeights(t, g, split, cfg)
		if len(res.Epochs) != 8 || len(ws) != 8 {
			t.Fatalf("%s: %d epochs, %d checkpoints; want 8", metric, len(res.Epochs), len(ws))
		}
		best := 0
		for e, m := range ms {
			if m.N != 100 {
				t.Fatalf("%s: epoch %d scored %d validation examples, want 100", metric, e+1, m.N)
			}
			improved := e == 0 || score(m, metric) > score(ms[best], metric)
			if improved {
				best = e
			}
			if res.Epochs[e].Best != improved {
				t.Errorf("%s: epoch %d marked best %v, want %v", metric, e+1, res.Epochs[e].Best, improved)
			}
		}
		if best == len(ms)-1 {
			t.Fatalf("%s: the last epoch is the best; the test needs a run that overfits", metric)
		}
		if res.Best != best+1 || res.Metric != metric {
			t.Errorf("%s: best epoch %d by %s, want %d", metric, res.Best, res.Metric, best+1)
		}
		if got := weightBytes(t, g); !bytes.Equal(got, ws[best]) {
			t.Errorf("%s: the weights returned are not those of the best epoch %d", metric, best+1)
		}
		if !reflect.DeepEqual(res.Validation, ms[best]) {
			t.Errorf("%s: validation %v, want the best epoch's %v", metric, res.Validation, ms[best])
		}
		if res.Test.N != 0 || res.Epochs[0].Test.N != 0 {
			t.Errorf("%s: the test part was scored during a run with validation", metric)
		}
	}
}

// TestPatience: a run stops after Patience epochs without improvement,
// with the best epoch's weights.
func TestPatience(t *testing.T) {
	split := &data.Split{Train: noisyClicks(400, 1)}
	cfg := Config{Epochs: 20, Batch: 16, LR: 0.03, Optimizer: "adam", Seed: 3, Validation: Validation{Fraction: 0.25, ByTime: true, Patience: 2}}
	g := compile(t, clickModel)
	res, ws, _ := epochWeights(t, g, split, cfg)
	if !res.Early || len(res.Epochs) != res.Best+2 {
		t.Fatalf("patience 2: ran %d epochs, best %d, early %v; want best+2 epochs, early", len(res.Epochs), res.Best, res.Early)
	}
	if !bytes.Equal(weightBytes(t, g), ws[res.Best-1]) {
		t.Errorf("stopped early with weights other than the best epoch's")
	}
}

// TestValidationErrors: settings that cannot work are refused up front.
func TestValidationErrors(t *testing.T) {
	oneClass := noisyClicks(100, 1)
	clear(oneClass.Target.F32)
	for _, c := range []struct {
		set  *data.Dataset
		v    Validation
		want string
	}{
		{noisyClicks(100, 1), Validation{Fraction: 0.2, Metric: "accuracy"}, "metric accuracy does not fit binary targets (want auc or logloss)"},
		{noisyClicks(100, 1), Validation{Fraction: 0.2, Patience: -1}, "patience must not be negative"},
		{oneClass, Validation{Fraction: 0.2}, "holds one class only"},
	} {
		_, err := Train(compile(t, clickModel), &data.Split{Train: c.set}, Config{Epochs: 1, Batch: 8, LR: 0.01, Validation: c.v})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.v, err, c.want)
		}
	}
	// Pruning holds weights at zero from some step on: an earlier epoch's
	// weights would not.
	for _, cfg := range []Config{
		{Masks: map[string][]bool{}},
		{AfterStep: func(int) {}},
	} {
		cfg.Epochs, cfg.Batch, cfg.LR, cfg.Validation = 1, 8, 0.01, Validation{Fraction: 0.2}
		_, err := Train(compile(t, clickModel), &data.Split{Train: noisyClicks(100, 1)}, cfg)
		if err == nil || !strings.Contains(err.Error(), "keeps no best epoch") {
			t.Errorf("validation while pruning: err = %v", err)
		}
	}
}

// TestResumeWithValidation: a run with validation stopped and resumed
// from its checkpoints (through the file format) returns the weights,
// best epoch and early stop of the run that never stopped, also when it
// stops after its best epoch, whose weights only the checkpoint holds.
func TestResumeWithValidation(t *testing.T) {
	split := &data.Split{Train: noisyClicks(400, 1)}
	cfg := Config{Epochs: 12, Batch: 16, LR: 0.03, Optimizer: "adam", Seed: 3, Validation: Validation{Fraction: 0.25, ByTime: true, Patience: 3}}
	g := compile(t, clickModel)
	full, err := Train(g, split, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := weightBytes(t, g)
	if !full.Early || full.Best < 2 {
		t.Fatalf("the uninterrupted run: best %d, early %v; the test needs an early stop after epoch 2 or later", full.Best, full.Early)
	}
	const steps = 19 // 300 examples in batches of 16
	for _, stop := range []int{
		(full.Best + 1) * steps, // at the end of the epoch after the best
		full.Best*steps + 4,     // in the epoch after the best
		(full.Best + 3) * steps, // at the end of the last epoch, out of patience
	} {
		var last *Checkpoint
		c := cfg
		c.Stop = stopAfter(stop)
		c.Checkpoint = func(ck *Checkpoint) error { last = throughFile(t, ck); return nil }
		_, err := Train(compile(t, clickModel), split, c)
		stopped := errors.Is(err, ErrStopped)
		if err != nil && !stopped {
			t.Fatal(err)
		}
		c.Stop, c.Resume = nil, last
		g := compile(t, clickModel)
		res, err := Train(g, split, c)
		if err != nil {
			t.Fatalf("stop at %d: resumed: %v", stop, err)
		}
		if !bytes.Equal(weightBytes(t, g), want) || res.Best != full.Best || !res.Early {
			t.Errorf("stop at %d (stopped %v): resumed run: best %d, early %v, same weights %v; want best %d, early", stop, stopped, res.Best, res.Early, bytes.Equal(weightBytes(t, g), want), full.Best)
		}
	}
}

// repeatRows repeats each example (row along dimension 0) of t k times in
// place.
func repeatRows(t *tensor.Tensor, k int) *tensor.Tensor {
	n := t.Shape[0]
	shape := slices.Clone(t.Shape)
	shape[0] = n * k
	out := tensor.New(t.DType, shape...)
	row := t.Len() / n
	for i := range n {
		for c := range k {
			switch {
			case t.F32 != nil:
				copy(out.F32[(i*k+c)*row:], t.F32[i*row:(i+1)*row])
			default:
				copy(out.I32[(i*k+c)*row:], t.I32[i*row:(i+1)*row])
			}
		}
	}
	return out
}
