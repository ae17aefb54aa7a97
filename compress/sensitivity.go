package compress

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// DefaultSparsities are the sparsities a sensitivity analysis tries
// unless told otherwise: Han et al.'s curves (2015, figure 5) rise through
// these.
var DefaultSparsities = []float64{0.25, 0.5, 0.75, 0.9, 0.95, 0.99}

// PrunableWeights lists the weights that magnitude pruning applies to,
// in graph order: those of the dense layers and the convolutions. (Biases,
// batch-norm parameters and embeddings are few, or are rows looked up one
// at a time, and are left whole.)
func PrunableWeights(g *ir.Graph) []*ir.Value {
	var ws []*ir.Value
	for _, v := range g.Values {
		if isWeighted(v.Op) && len(v.Args) > 1 && v.Args[1].Op == ir.OpParam {
			ws = append(ws, v.Args[1])
		}
	}
	return ws
}

func isWeighted(op *ir.Op) bool {
	return op == ir.OpDense || op == ir.OpConv1D || op == ir.OpConv2D
}

// Metric is the score a sensitivity analysis reads off train.Metrics:
// accuracy in percent for classification, AUC in percent for a binary
// output, RMSE for regression (where lower is better).
type Metric struct {
	Name           string
	HigherIsBetter bool
}

// MetricFor returns the metric of a task.
func MetricFor(t data.Task) Metric {
	switch t {
	case data.Binary:
		return Metric{Name: "AUC (%)", HigherIsBetter: true}
	case data.Regression:
		return Metric{Name: "RMSE", HigherIsBetter: false}
	}
	return Metric{Name: "accuracy (%)", HigherIsBetter: true}
}

// Value reads the metric off a model's scores.
func (m Metric) Value(s train.Metrics) float64 {
	switch s.Task {
	case data.Binary:
		return 100 * s.AUC
	case data.Regression:
		return s.RMSE
	}
	return 100 * s.Accuracy
}

// Drop is how much worse score is than baseline, in the metric's units
// (negative when it is better).
func (m Metric) Drop(baseline, score float64) float64 {
	if m.HigherIsBetter {
		return baseline - score
	}
	return score - baseline
}

// SensitivityConfig says how to run a sensitivity analysis.
type SensitivityConfig struct {
	Sparsities []float64 // fractions in [0, 1], rising; nil means DefaultSparsities
	Batch      int       // examples per evaluation batch; 0 means 256
	Workers    int       // goroutines per kernel; 0 means all cores
	// Progress, if set, is called before each layer's curve is measured,
	// with the layer's weight and its place among the n layers.
	Progress func(layer string, i, n int)
}

// Sensitivity is a sensitivity analysis: how the model's score on held-out
// data falls as each layer alone is pruned, with no retraining (Han et
// al. 2015, section 4).
type Sensitivity struct {
	Metric     Metric
	Baseline   float64   // the score of the unpruned model
	Sparsities []float64 // the sparsities tried, as fractions
	Layers     []LayerCurve
}

// LayerCurve is one layer's row of a sensitivity analysis.
type LayerCurve struct {
	Weight string    // the weight's name, e.g. "h1.weight"
	Params int       // its number of weights
	Scores []float64 // the model's score with the weight pruned to each sparsity
}

// AnalyzeSensitivity prunes each of g's prunable weights alone by
// magnitude (MagnitudeMask) to each sparsity, scores the model on set,
// and puts the weight back as it was. g's weights must be bound; they are
// exactly as before when it returns, whether or not it fails.
func AnalyzeSensitivity(g *ir.Graph, set *data.Dataset, cfg SensitivityConfig) (*Sensitivity, error) {
	sparsities := cfg.Sparsities
	if sparsities == nil {
		sparsities = DefaultSparsities
	}
	for i, s := range sparsities {
		if !(s >= 0 && s <= 1) {
			return nil, fmt.Errorf("sparsity %g is not between 0 and 1", s)
		}
		if i > 0 && s <= sparsities[i-1] {
			return nil, fmt.Errorf("the sparsities must rise, got %g after %g", s, sparsities[i-1])
		}
	}
	if set.Len() == 0 {
		return nil, errors.New("no examples to score the model on")
	}
	weights := PrunableWeights(g)
	if len(weights) == 0 {
		return nil, fmt.Errorf("model %s has no dense or convolution weights to prune", g.Name)
	}
	for _, w := range weights {
		if w.Data == nil || w.Data.DType != tensor.F32 {
			return nil, fmt.Errorf("%s holds no float weights: bind the trained weights first", w.Name)
		}
	}
	batch := cfg.Batch
	if batch <= 0 {
		batch = 256
	}
	score := func() (train.Metrics, error) { return train.Evaluate(g, set, batch, cfg.Workers) }
	base, err := score()
	if err != nil {
		return nil, err
	}
	metric := MetricFor(base.Task)
	s := &Sensitivity{Metric: metric, Baseline: metric.Value(base), Sparsities: append([]float64(nil), sparsities...)}
	for i, w := range weights {
		if cfg.Progress != nil {
			cfg.Progress(w.Name, i, len(weights))
		}
		curve := LayerCurve{Weight: w.Name, Params: len(w.Data.F32)}
		saved := append([]float32(nil), w.Data.F32...)
		for _, sp := range sparsities {
			Apply(w.Data.F32, MagnitudeMask(saved, sp))
			m, err := score()
			copy(w.Data.F32, saved)
			if err != nil {
				return nil, fmt.Errorf("%s at sparsity %g: %w", w.Name, sp, err)
			}
			curve.Scores = append(curve.Scores, metric.Value(m))
		}
		s.Layers = append(s.Layers, curve)
	}
	return s, nil
}

// Table writes the analysis as a text table: a row per layer (its weight,
// its number of weights, the score at each sparsity) under the baseline.
func (s *Sensitivity) Table(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s of the unpruned model: %.2f\n", s.Metric.Name, s.Baseline)
	width := len("layer")
	for _, l := range s.Layers {
		width = max(width, len(l.Weight))
	}
	fmt.Fprintf(bw, "%-*s %10s", width, "layer", "weights")
	for _, sp := range s.Sparsities {
		fmt.Fprintf(bw, " %7s", percent(sp))
	}
	fmt.Fprintln(bw)
	for _, l := range s.Layers {
		fmt.Fprintf(bw, "%-*s %10s", width, l.Weight, ir.Thousands(int64(l.Params)))
		for _, v := range l.Scores {
			fmt.Fprintf(bw, " %7.2f", v)
		}
		fmt.Fprintln(bw)
	}
	return bw.Flush()
}

// percent writes a fraction as a percentage, e.g. "95%" or "12.5%".
func percent(f float64) string {
	return strconv.FormatFloat(100*f, 'f', -1, 64) + "%"
}

// SparsityPlan is a sparsity per weight, the input of magnitude pruning.
// Its text form is one line per weight, "NAME SPARSITY" with the
// sparsity as a fraction ("h1.weight 0.95"); blank lines and lines
// starting with # are ignored.
type SparsityPlan []WeightSparsity

// WeightSparsity is one line of a plan.
type WeightSparsity struct {
	Weight   string
	Sparsity float64
}

// Plan chooses each layer's sparsity for a largest drop of maxDrop in
// the metric's units (points of accuracy, say): the highest tried sparsity
// at which, as at every lower one tried, the model's score is at most
// maxDrop below the baseline; 0 if even the lowest drops more. Requiring
// the lower ones too keeps a noisy curve's lucky high point out of the
// plan.
func (s *Sensitivity) Plan(maxDrop float64) SparsityPlan {
	var p SparsityPlan
	for _, l := range s.Layers {
		chosen := 0.0
		for i, v := range l.Scores {
			if s.Metric.Drop(s.Baseline, v) > maxDrop {
				break
			}
			chosen = s.Sparsities[i]
		}
		p = append(p, WeightSparsity{Weight: l.Weight, Sparsity: chosen})
	}
	return p
}

// Write writes the plan in its text form.
func (p SparsityPlan) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, ws := range p {
		fmt.Fprintf(bw, "%s %s\n", ws.Weight, strconv.FormatFloat(ws.Sparsity, 'f', -1, 64))
	}
	return bw.Flush()
}

// ParseSparsityPlan reads a plan's text form; name is what errors call
// it.
func ParseSparsityPlan(r io.Reader, name string) (SparsityPlan, error) {
	var p SparsityPlan
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want NAME SPARSITY (e.g. h1.weight 0.9), got %q", name, line, text)
		}
		sp, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || !(sp >= 0 && sp <= 1) || math.IsNaN(sp) {
			return nil, fmt.Errorf("%s:%d: the sparsity of %s must be a fraction between 0 and 1, got %q", name, line, fields[0], fields[1])
		}
		if seen[fields[0]] {
			return nil, fmt.Errorf("%s:%d: %s is given twice", name, line, fields[0])
		}
		seen[fields[0]] = true
		p = append(p, WeightSparsity{Weight: fields[0], Sparsity: sp})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// Holdout returns the examples idx of set as a data set of their own: the
// validation part a sensitivity analysis scores on, carved from a
// training part so that the test part stays unseen.
func Holdout(set *data.Dataset, idx []int, name string) (*data.Dataset, error) {
	n := set.Len()
	for _, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("%s has %d examples, there is no example %d", set.Name, n, i)
		}
	}
	sub := &data.Dataset{Name: name, Task: set.Task, Classes: set.Classes, Labels: set.Labels, Vocab: set.Vocab}
	rows := func(t *tensor.Tensor) *tensor.Tensor {
		return tensor.New(t.DType, append([]int{len(idx)}, t.Shape[1:]...)...)
	}
	inputs := make([]*tensor.Tensor, len(set.Inputs))
	for i, in := range set.Inputs {
		inputs[i] = rows(in.T)
		sub.Inputs = append(sub.Inputs, data.Named{Name: in.Name, T: inputs[i]})
	}
	var target *tensor.Tensor
	if set.Target != nil {
		target = rows(set.Target)
		sub.Target = target
	}
	set.Batch(idx, inputs, target)
	return sub, nil
}
