package train

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The checkpoint setting train.refit says which run of a Validation.Refit
// run wrote it: the first, which chooses the epoch count on the validation
// part, or the second, on the whole training part.
const (
	refitChoosing = "choosing"
	refitWhole    = "whole"
)

// trainRefit runs Train with Validation.Refit: a run with validation
// finds the best epoch count, then the parameters go back to what they
// were before it and a second run, without validation, trains on the
// whole training part for that many epochs. The second run's shuffling,
// dropout and initialisation come from the same seed as the first's. A
// checkpoint of either run resumes it (a second run's resumes the second
// run alone).
func trainRefit(g *ir.Graph, split *data.Split, cfg Config) (*Result, error) {
	if cfg.Validation.Fraction == 0 {
		return nil, errors.New("refit needs a validation part to choose the epoch count: give a validation fraction")
	}
	start := time.Now()
	var first *Result
	epochs := 0
	if c := cfg.Resume; c != nil && c.Meta["train.refit"] == refitWhole {
		// Stopped in the second run: the first chose its length.
		n, err := strconv.Atoi(c.Meta["train.epochs"])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%w: checkpoint metadata train.epochs is %q, not an epoch count", ErrResume, c.Meta["train.epochs"])
		}
		epochs = n
	} else {
		initial := make([]*tensor.Tensor, len(g.Params()))
		for i, p := range g.Params() {
			if p.Data != nil {
				initial[i] = p.Data.Clone()
			}
		}
		var err error
		if first, err = trainRun(g, split, cfg, false); err != nil {
			return nil, err
		}
		// Start again where the first run started: parameters it bound
		// from a checkpoint or initialised go back to none, and Init
		// draws them as it drew them then.
		for i, p := range g.Params() {
			p.Data = initial[i]
		}
		epochs, cfg.Resume = first.Best, nil
	}
	whole := cfg
	whole.Validation = Validation{}
	whole.Epochs = epochs
	if cfg.Log != nil && cfg.Resume == nil {
		fmt.Fprintf(cfg.Log, "refit: training again from the start on all %d training examples for %d epochs\n", split.Train.Len(), epochs)
	}
	second, err := trainRun(g, &data.Split{Train: split.Train}, whole, true)
	if err != nil {
		return nil, err
	}
	res := &Result{Best: epochs, Refit: second.Epochs, Elapsed: time.Since(start)}
	if first != nil {
		res.Epochs, res.Validation, res.Metric, res.Early = first.Epochs, first.Validation, first.Metric, first.Early
	}
	return res, nil
}
