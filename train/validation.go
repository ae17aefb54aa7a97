package train

// Validation: a part carved from the training part, scored after every
// epoch, so that the run keeps the weights of its best epoch and may stop
// when they stop improving, while the test part stays unseen.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/tensor"
)

// Validation is how Train carves a validation part from the training part
// and what it does with it. With a Fraction, Train trains on the rest,
// scores the validation part after every epoch, returns with the weights
// of the epoch that scored best (the first of equals), and does not score
// the test part.
type Validation struct {
	// Fraction is the share of the training examples held out, in (0, 1);
	// 0 means no validation.
	Fraction float64
	// ByTime takes each group's latest examples (the data set's Group and
	// Seq: for MovieLens, each user's latest training ratings), as many as
	// Fraction of the group's, rounded to nearest, at least one and at most
	// all but one of a group of two or more; otherwise the examples are
	// drawn at random with the run's seed.
	ByTime bool
	// Patience, if positive, stops the run after this many epochs in a row
	// without a better validation score.
	Patience int
	// Metric is what "better" means: "auc" (higher) or "logloss" (lower)
	// for binary targets, "accuracy" or "recall" (recall@K, for a set
	// scored as a ranking) for classes, "rmse" for real values;
	// "" is the task's first.
	Metric string
	// Refit trains again, once the best epoch is known: from the same
	// starting weights, on the whole training part (the validation part
	// included), for the best epoch's count of epochs. The validation
	// part then only chooses how long to train, and the model also learns
	// from the examples it held, which on data split by time are the
	// latest and the most like the test part.
	Refit bool
}

// metricsByTask are the metrics each task may be judged by, its default
// first.
var metricsByTask = map[data.Task][]string{
	data.Binary:         {"auc", "logloss"},
	data.Classification: {"accuracy", "recall"}, // recall@K: a set ranked (data.Dataset.Rank)
	data.Regression:     {"rmse"},
}

// check checks the settings against the task and returns the metric.
func (v Validation) check(t data.Task) (string, error) {
	if !(v.Fraction > 0 && v.Fraction < 1) {
		return "", fmt.Errorf("the validation fraction must be between 0 and 1, got %g", v.Fraction)
	}
	if v.Patience < 0 {
		return "", fmt.Errorf("patience must not be negative, got %d", v.Patience)
	}
	ms := metricsByTask[t]
	if v.Metric == "" {
		return ms[0], nil
	}
	if !slices.Contains(ms, v.Metric) {
		return "", fmt.Errorf("metric %s does not fit %s (want %s)", v.Metric, taskName(t), joinOr(ms))
	}
	return v.Metric, nil
}

func joinOr(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	out := ""
	for i, x := range s {
		switch {
		case i == 0:
		case i == len(s)-1:
			out += " or "
		default:
			out += ", "
		}
		out += x
	}
	return out
}

// score is a metric's value, oriented so that higher is better.
func score(m Metrics, metric string) float64 {
	switch metric {
	case "auc":
		return m.AUC
	case "logloss":
		return -m.LogLoss
	case "accuracy":
		return m.Accuracy
	case "recall":
		return m.Recall
	case "rmse":
		return -m.RMSE
	}
	return math.NaN()
}

// Carve splits a training part into what is trained on and a validation
// part, as v says; seed draws a random carve. Both keep the examples in
// their order in set.
func Carve(set *data.Dataset, v Validation, seed uint64) (rest, val *data.Dataset, err error) {
	if !(v.Fraction > 0 && v.Fraction < 1) {
		return nil, nil, fmt.Errorf("the validation fraction must be between 0 and 1, got %g", v.Fraction)
	}
	n := set.Len()
	in := make([]bool, n) // in the validation part
	if v.ByTime {
		if len(set.Group) != n || len(set.Seq) != n {
			return nil, nil, fmt.Errorf("%s does not say how its examples are ordered in time: carve its validation part at random instead", set.Name)
		}
		// A group's latest places in time are held out, with every example
		// at them: examples may share a place (one label seen through
		// several histories), and are never split from each other.
		places := map[int32]int{}
		for i, g := range set.Group {
			s := set.Seq[i]
			if s < 0 {
				return nil, nil, fmt.Errorf("%s: example %d has place %d in time; places count from 0", set.Name, i, s)
			}
			places[g] = max(places[g], int(s)+1)
		}
		for i, g := range set.Group {
			k := places[g]
			in[i] = int(set.Seq[i]) >= k-heldOut(k, v.Fraction)
		}
	} else {
		k := min(max(int(math.Round(v.Fraction*float64(n))), 1), n-1)
		r := rand.New(rand.NewPCG(seed, 0x76616c69))
		for _, i := range r.Perm(n)[:k] {
			in[i] = true
		}
	}
	var idxRest, idxVal []int
	for i, b := range in {
		if b {
			idxVal = append(idxVal, i)
		} else {
			idxRest = append(idxRest, i)
		}
	}
	if len(idxVal) == 0 || len(idxRest) == 0 {
		return nil, nil, fmt.Errorf("%s: a validation fraction of %g leaves %d examples to train on and %d to validate on", set.Name, v.Fraction, len(idxRest), len(idxVal))
	}
	how := "random " + strconv.FormatFloat(v.Fraction, 'g', -1, 64)
	if v.ByTime {
		how = "latest " + strconv.FormatFloat(v.Fraction, 'g', -1, 64) + " of each group"
	}
	return subset(set, idxRest, set.Name+" less validation"), subset(set, idxVal, set.Name+" validation, "+how), nil
}

// heldOut is how many of a group's n examples go to validation: the
// fraction f of them rounded to nearest, at least one and at most n-1 for a
// group of two or more, none of a group of one.
func heldOut(n int, f float64) int {
	if n < 2 {
		return 0
	}
	return min(max(int(math.Round(f*float64(n))), 1), n-1)
}

// subset is the examples idx of set as a data set of their own.
func subset(set *data.Dataset, idx []int, name string) *data.Dataset {
	sub := &data.Dataset{Name: name, Task: set.Task, Classes: set.Classes, Labels: set.Labels, Vocab: set.Vocab}
	rows := func(t *tensor.Tensor) *tensor.Tensor {
		return tensor.New(t.DType, append([]int{len(idx)}, t.Shape[1:]...)...)
	}
	inputs := make([]*tensor.Tensor, len(set.Inputs))
	for i, in := range set.Inputs {
		inputs[i] = rows(in.T)
		sub.Inputs = append(sub.Inputs, data.Named{Name: in.Name, T: inputs[i]})
	}
	sub.Target = rows(set.Target)
	set.Batch(idx, inputs, sub.Target)
	if len(set.Group) == set.Len() && len(set.Seq) == set.Len() {
		for _, i := range idx {
			sub.Group = append(sub.Group, set.Group[i])
			sub.Seq = append(sub.Seq, set.Seq[i])
		}
	}
	sub.Rank, sub.Prior = set.Rank, set.Prior
	if set.Exclude != nil {
		for _, i := range idx {
			sub.Exclude = append(sub.Exclude, set.Exclude[i])
		}
	}
	return sub
}

// bothClasses makes sure a binary validation part can be scored by AUC.
func bothClasses(val *data.Dataset) error {
	pos := 0
	for _, y := range val.Target.F32 {
		if y > 0.5 {
			pos++
		}
	}
	if pos == 0 || pos == len(val.Target.F32) {
		return fmt.Errorf("%s holds one class only (%d positives of %d): its AUC is undefined; validate on more examples or by logloss", val.Name, pos, len(val.Target.F32))
	}
	return nil
}

// best is the best epoch of a run so far: its number (from 1; 0 before
// any), its score (higher is better) and its weights, a copy of every
// parameter of the graph in g.Params() order.
type best struct {
	epoch   int
	score   float64
	weights []*tensor.Tensor
}

// improves reports whether an epoch that scored s is better than the best
// so far.
func (b *best) improves(s float64) bool {
	return b.epoch == 0 || s > b.score
}

// keep records the parameters' current values as the best, after epoch.
func (b *best) keep(epoch int, s float64, params []*tensor.Tensor) {
	if b.weights == nil {
		for _, p := range params {
			b.weights = append(b.weights, tensor.New(p.DType, p.Shape...))
		}
	}
	for i, p := range params {
		copyData(b.weights[i], p)
	}
	b.epoch, b.score = epoch, s
}

// copyData copies src's elements into dst, of the same type and size.
func copyData(dst, src *tensor.Tensor) {
	switch src.DType {
	case tensor.F32:
		copy(dst.F32, src.F32)
	case tensor.I32:
		copy(dst.I32, src.I32)
	case tensor.I8:
		copy(dst.I8, src.I8)
	case tensor.U8:
		copy(dst.U8, src.U8)
	}
}
