package compress

// Magnitude pruning with retraining (Han et al. 2015): the smallest
// weights of each layer are pruned, and the network retrains with the
// pruned weights held at zero so that the survivors take over their work.

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/train"
)

// Plan says what to prune. Exactly one of Layers, Sparsity and Quality
// sets the targets.
type Plan struct {
	// Layers is the sparsity wanted per layer weight, by parameter name
	// ("h1.weight": 0.95); layers not named are not pruned.
	Layers map[string]float64
	// Sparsity is one target over all dense and convolution weights: a
	// single magnitude threshold across the layers, so that layers with
	// many small weights lose more of them.
	Sparsity float64
	// Quality is Han et al.'s parameter: each layer loses the weights
	// below Quality times the standard deviation of its weights (as they
	// are before pruning).
	Quality float64

	// Schedule is how the sparsity reaches its target:
	//   "oneshot" (or ""): pruned at once, then retrained for the run;
	//   "cubic": rising from 0 with CubicSparsity over the first Steps
	//     steps of the run, the masks recomputed every Every steps (a
	//     weight once pruned stays pruned), then retrained at the target;
	//   "iterative": Cycles rounds of pruning to a rising sparsity (the
	//     cubic curve over the rounds) each followed by a whole retraining
	//     run of the configuration's epochs.
	Schedule string
	Steps    int // cubic: the steps of the pruning phase (0: two thirds of the run)
	Every    int // cubic: steps between mask updates (0: 50)
	Cycles   int // iterative: the rounds (0: 3)
}

// Result is what pruning achieved.
type Result struct {
	Layers   []Layer           // the pruned layers, in graph order
	Sparsity float64           // over all of them
	Masks    map[string][]bool // the final masks (keep), by parameter name
	Before   train.Metrics     // on the held-out part before pruning (zero if none)
	After    train.Metrics     // on it after pruning and retraining
	Runs     []*train.Result   // the retraining runs (iterative: one per round)
}

// Layer is one pruned weight's outcome.
type Layer struct {
	Name     string
	Weights  int
	Pruned   int
	Target   float64 // the sparsity aimed at (global and quality: what the threshold gave)
	Sparsity float64 // reached
}

// LayerWeights returns the weights of g's dense and convolution layers,
// the parameters pruning and weight sharing work on, in graph order.
func LayerWeights(g *ir.Graph) []*ir.Value {
	var ws []*ir.Value
	for _, v := range g.Values {
		if isLayer(v.Op) && len(v.Args) > 1 && v.Args[1].Op == ir.OpParam && !slices.Contains(ws, v.Args[1]) {
			ws = append(ws, v.Args[1])
		}
	}
	return ws
}

func isLayer(op *ir.Op) bool {
	return op == ir.OpDense || op == ir.OpConv1D || op == ir.OpConv2D
}

// Prune prunes g's layer weights as plan says and retrains g on
// set.Train with cfg (its Masks and AfterStep are Prune's), changing g's
// bound float weights in place: the pruned weights end exactly 0. It
// scores g on set.Test, if there is one, before and after; nothing is
// chosen by that score.
func Prune(g *ir.Graph, set *data.Split, plan Plan, cfg train.Config) (*Result, error) {
	if cfg.Masks != nil || cfg.AfterStep != nil || cfg.Shared != nil {
		return nil, errors.New("prune: the training configuration's masks, sharing and step hook are Prune's own")
	}
	layers, err := plan.layers(g)
	if err != nil {
		return nil, err
	}
	res := &Result{Masks: map[string][]bool{}}
	if set.Test != nil {
		if res.Before, err = train.Evaluate(g, set.Test, cfg.Batch, cfg.Workers); err != nil {
			return nil, err
		}
	}
	targets := plan.targets(layers)
	for _, p := range layers {
		res.Masks[p.Name] = allKept(p.Data.Len())
	}
	cfg.Masks = res.Masks
	retrain := func() error {
		r, err := train.Train(g, set, cfg)
		if err != nil {
			return err
		}
		res.Runs = append(res.Runs, r)
		return nil
	}
	switch plan.Schedule {
	case "", "oneshot":
		plan.prune(layers, targets, 1, res.Masks)
		err = retrain()
	case "cubic":
		steps := (set.Train.Len() + cfg.Batch - 1) / max(cfg.Batch, 1) * cfg.Epochs
		phase := plan.Steps
		if phase <= 0 {
			phase = max(1, steps*2/3)
		}
		every := plan.Every
		if every <= 0 {
			every = 50
		}
		cfg.AfterStep = func(step int) {
			if step%every == 0 || step == phase {
				plan.prune(layers, targets, CubicSparsity(step, phase, 0, 1), res.Masks)
			}
		}
		err = retrain()
	case "iterative":
		cycles := plan.Cycles
		if cycles <= 0 {
			cycles = 3
		}
		for c := 1; c <= cycles && err == nil; c++ {
			plan.prune(layers, targets, CubicSparsity(c, cycles, 0, 1), res.Masks)
			err = retrain()
		}
	default:
		return nil, fmt.Errorf("prune: unknown schedule %q (want oneshot, cubic or iterative)", plan.Schedule)
	}
	if err != nil {
		return nil, err
	}
	// The hook's last update may come after the run's last step: the
	// weights must show every mask.
	total := 0
	for _, p := range layers {
		keep := res.Masks[p.Name]
		Apply(p.Data.F32, keep)
		pruned := int(math.Round(Sparsity(keep) * float64(len(keep))))
		total += pruned
		res.Layers = append(res.Layers, Layer{Name: p.Name, Weights: len(keep), Pruned: pruned, Target: targets.of(p), Sparsity: Sparsity(keep)})
		res.Sparsity += float64(len(keep))
	}
	res.Sparsity = float64(total) / max(res.Sparsity, 1)
	if set.Test != nil {
		if res.After, err = train.Evaluate(g, set.Test, cfg.Batch, cfg.Workers); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func allKept(n int) []bool {
	keep := make([]bool, n)
	for i := range keep {
		keep[i] = true
	}
	return keep
}

// layers checks the plan against g and returns the weights it prunes.
func (p Plan) layers(g *ir.Graph) ([]*ir.Value, error) {
	set := 0
	for _, on := range []bool{len(p.Layers) > 0, p.Sparsity != 0, p.Quality != 0} {
		if on {
			set++
		}
	}
	if set != 1 {
		return nil, errors.New("prune: give exactly one of per-layer sparsities, a global sparsity or a quality parameter")
	}
	if p.Sparsity != 0 && !(p.Sparsity > 0 && p.Sparsity < 1) {
		return nil, fmt.Errorf("prune: sparsity %g is not in (0, 1)", p.Sparsity)
	}
	if p.Quality != 0 && !(p.Quality > 0 && !math.IsInf(p.Quality, 0)) {
		return nil, fmt.Errorf("prune: quality %g is not positive", p.Quality)
	}
	all := LayerWeights(g)
	for _, w := range all {
		if w.Data == nil || w.Data.F32 == nil {
			return nil, fmt.Errorf("prune: weight %s has no float data (bind trained weights first)", w.Name)
		}
	}
	if len(p.Layers) == 0 {
		if len(all) == 0 {
			return nil, fmt.Errorf("prune: model %s has no dense or convolution layer", g.Name)
		}
		return all, nil
	}
	var names []string
	for _, w := range all {
		names = append(names, w.Name)
	}
	var ws []*ir.Value
	for _, w := range all {
		if _, ok := p.Layers[w.Name]; ok {
			ws = append(ws, w)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Layers)) {
		s := p.Layers[name]
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("prune: %s is no dense or convolution weight of model %s (it has %v)", name, g.Name, names)
		}
		if !(s >= 0 && s < 1) {
			return nil, fmt.Errorf("prune: sparsity %g for %s is not in [0, 1)", s, name)
		}
	}
	return ws, nil
}

// targets are the final sparsities: per layer, or one global.
type targets struct {
	perLayer map[*ir.Value]float64
	global   float64 // when perLayer is nil
}

func (t targets) of(w *ir.Value) float64 {
	if t.perLayer == nil {
		return t.global
	}
	return t.perLayer[w]
}

// targets resolves the plan's targets on the weights as they are now:
// the quality parameter becomes the sparsity its threshold gives.
func (p Plan) targets(layers []*ir.Value) targets {
	switch {
	case p.Sparsity != 0:
		return targets{global: p.Sparsity}
	case p.Quality != 0:
		t := targets{perLayer: map[*ir.Value]float64{}}
		for _, w := range layers {
			t.perLayer[w] = Sparsity(ThresholdMask(w.Data.F32, p.Quality))
		}
		return t
	}
	t := targets{perLayer: map[*ir.Value]float64{}}
	for _, w := range layers {
		t.perLayer[w] = p.Layers[w.Name]
	}
	return t
}

// prune updates masks to the fraction frac of the targets (the schedules'
// progress, 0 to 1), pruning the smallest surviving weights: a weight
// pruned before stays pruned. It zeroes the weights it prunes.
func (p Plan) prune(layers []*ir.Value, t targets, frac float64, masks map[string][]bool) {
	if t.perLayer != nil {
		for _, w := range layers {
			narrow(masks[w.Name], MagnitudeMask(w.Data.F32, t.perLayer[w]*frac))
			Apply(w.Data.F32, masks[w.Name])
		}
		return
	}
	// One threshold across the layers: the magnitude mask of all their
	// weights together.
	var all []float32
	for _, w := range layers {
		all = append(all, w.Data.F32...)
	}
	keep := MagnitudeMask(all, t.global*frac)
	for _, w := range layers {
		n := w.Data.Len()
		narrow(masks[w.Name], keep[:n])
		keep = keep[n:]
		Apply(w.Data.F32, masks[w.Name])
	}
}

// narrow prunes in keep what next prunes.
func narrow(keep, next []bool) {
	for i, k := range next {
		keep[i] = keep[i] && k
	}
}
