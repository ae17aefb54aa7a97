package train

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
)

// TestRefit: a refit run chooses the epoch count as a run with validation
// alone does, and its weights are, byte for byte, those of a plain run on
// the whole training part for that many epochs from the same seed.
func TestRefit(t *testing.T) {
	split := &data.Split{Train: noisyClicks(400, 1)}
	cfg := Config{Epochs: 12, Batch: 16, LR: 0.03, Optimizer: "adam", Seed: 3,
		Validation: Validation{Fraction: 0.25, ByTime: true, Patience: 3, Refit: true}}

	choosing := cfg
	choosing.Validation.Refit = false
	gv := compile(t, clickModel)
	chosen, err := Train(gv, split, choosing)
	if err != nil {
		t.Fatal(err)
	}
	plain := cfg
	plain.Validation, plain.Epochs = Validation{}, chosen.Best
	gp := compile(t, clickModel)
	if _, err := Train(gp, split, plain); err != nil {
		t.Fatal(err)
	}

	g := compile(t, clickModel)
	res, err := Train(g, split, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Best != chosen.Best || len(res.Epochs) != len(chosen.Epochs) || !reflect.DeepEqual(res.Validation, chosen.Validation) || res.Early != chosen.Early {
		t.Errorf("refit's choice: best %d of %d epochs (early %v), validation %v; the run with validation alone: best %d of %d (early %v), %v",
			res.Best, len(res.Epochs), res.Early, res.Validation, chosen.Best, len(chosen.Epochs), chosen.Early, chosen.Validation)
	}
	if len(res.Refit) != chosen.Best {
		t.Errorf("the refit trained %d epochs, want the best epoch's count %d", len(res.Refit), chosen.Best)
	}
	got := weightBytes(t, g)
	if !bytes.Equal(got, weightBytes(t, gp)) {
		t.Error("the refit's weights differ from a plain run on the whole training part for the chosen epochs")
	}
	if bytes.Equal(got, weightBytes(t, gv)) {
		t.Error("the refit's weights are the run with validation's: nothing was trained again")
	}
}

// TestRefitResume stops a refit run in its first run and in its second,
// resumes each from its last checkpoint (through the file format), and
// requires the weights of the run that never stopped.
func TestRefitResume(t *testing.T) {
	split := &data.Split{Train: noisyClicks(400, 1)}
	cfg := Config{Epochs: 12, Batch: 16, LR: 0.03, Optimizer: "adam", Seed: 3,
		Validation: Validation{Fraction: 0.25, ByTime: true, Patience: 3, Refit: true}}
	g := compile(t, clickModel)
	full, err := Train(g, split, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := weightBytes(t, g)
	// Stop is asked after every step but an epoch's last, and at each
	// epoch's end but the run's last: 19 times an epoch of 300 examples
	// in the first run, 25 of 400 in the second.
	firstCalls := 19*len(full.Epochs) - 1
	phases := map[string]bool{}
	for _, stop := range []int{7, 19 * full.Best, firstCalls - 2, firstCalls + 5, firstCalls + 25, firstCalls + 30} {
		var last *Checkpoint
		c := cfg
		c.Stop = stopAfter(stop)
		c.Checkpoint = func(ck *Checkpoint) error { last = throughFile(t, ck); return nil }
		_, err := Train(compile(t, clickModel), split, c)
		if !errors.Is(err, ErrStopped) {
			t.Fatalf("stop at %d: err = %v, want a stop", stop, err)
		}
		phases[last.Meta["train.refit"]] = true
		c.Stop, c.Resume = nil, last
		g := compile(t, clickModel)
		res, err := Train(g, split, c)
		if err != nil {
			t.Fatalf("stop at %d: resumed: %v", stop, err)
		}
		if !bytes.Equal(weightBytes(t, g), want) || res.Best != full.Best || len(res.Refit) == 0 {
			t.Errorf("stop at %d (%s run): resumed: best %d, %d refit epochs, same weights %v; want best %d",
				stop, last.Meta["train.refit"], res.Best, len(res.Refit), bytes.Equal(weightBytes(t, g), want), full.Best)
		}
		// A checkpoint of a refit run does not resume a run without refit.
		c.Validation.Refit = false
		if _, err := Train(compile(t, clickModel), split, c); !errors.Is(err, ErrResume) || !strings.Contains(err.Error(), "refit") {
			t.Errorf("stop at %d: resumed without refit: err = %v, want a mismatch naming refit", stop, err)
		}
	}
	if !phases[refitChoosing] || !phases[refitWhole] {
		t.Errorf("the stops hit the runs %v; want both the choosing and the whole run", phases)
	}
}

func TestRefitNeedsValidation(t *testing.T) {
	_, err := Train(compile(t, clickModel), &data.Split{Train: noisyClicks(100, 1)}, Config{Epochs: 1, Batch: 8, LR: 0.01, Validation: Validation{Refit: true}})
	if err == nil || !strings.Contains(err.Error(), "refit needs a validation part") {
		t.Errorf("err = %v", err)
	}
}
