package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compress"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/train"
)

func init() {
	register(&command{
		name:    "prune",
		args:    "FILE.kiln -w W.safetensors --sparsity S | --layer NAME=S ... | --quality Q -o PRUNED.safetensors",
		summary: "prune a trained model's smallest weights and retrain it with them held at zero (magnitude pruning); optionally share the survivors' values (trained weight sharing)",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("weights", "w", "", "the trained weights (safetensors)")
			fs.StringP("output", "o", "", "write the pruned (and retrained) weights here (safetensors)")
			forceFlag(fs)
			pruneFlags(fs)
			fs.Bool("share", false, "then cluster each layer's surviving weights into shared values and fine-tune them (trained weight sharing)")
		},
		run: runPrune,
	})
}

// pruneFlags registers the settings that kiln prune and kiln compress
// share: the pruning plan, the weight sharing, and the retraining's
// settings (kiln train's; the learning rate's schedule is the train
// block's).
func pruneFlags(fs *pflag.FlagSet) {
	d := train.Defaults()
	fs.Float64("sparsity", 0, "prune this fraction of all dense and convolution weights, with one magnitude threshold across the layers")
	fs.StringArray("layer", nil, "prune layer weight NAME to sparsity S (NAME=S, e.g. h1.weight=0.95); repeatable")
	fs.Float64("quality", 0, "prune each layer's weights below Q times its weights' standard deviation (Han et al.)")
	fs.String("plan", "", "prune each layer as a sparsity plan FILE says (kiln sensitivity --plan writes one: lines NAME SPARSITY)")
	fs.String("schedule", "oneshot", "how sparsity reaches its target: oneshot (prune, then retrain), cubic (rising over the first --steps steps) or iterative (--cycles rounds of prune and retrain)")
	fs.Int("steps", 0, "cubic: steps over which sparsity rises (0: two thirds of the retraining)")
	fs.Int("every", 0, "cubic: steps between mask updates (0: 50)")
	fs.Int("cycles", 0, "iterative: rounds of pruning and retraining, each of --epochs epochs (0: 3)")
	fs.Int("dense-bits", 5, "weight sharing: bits of shared values per dense layer (2^bits clusters)")
	fs.Int("conv-bits", 8, "weight sharing: bits of shared values per convolution")
	fs.Int("share-epochs", 1, "weight sharing: epochs of fine-tuning the shared values (0: none)")
	fs.String("data", "", "data set (default: the train block's data)")
	fs.Int("epochs", d.Epochs, "retraining epochs (default: the train block's)")
	fs.Int("batch", d.Batch, "examples per step")
	fs.Float64("lr", d.LR, fmt.Sprintf("learning rate (adam's; sgd's is %g unless given)", train.SGDLR))
	fs.String("optimizer", d.Optimizer, "sgd or adam")
	fs.Float64("momentum", d.Momentum, "SGD momentum")
	fs.Float64("weight-decay", 0, "L2 penalty added to the gradients")
	fs.Float64("l1", 0, "L1 penalty added to the gradients while retraining")
	fs.Uint64("seed", d.Seed, "seed for shuffling and dropout")
	fs.Int("workers", 0, "goroutines per kernel (0: all cores); results do not depend on it")
}

// pruneRun is a model pruned and retrained, and maybe shared, by
// pruneModel.
type pruneRun struct {
	prog   *frontend.Program
	spec   string // the data set
	split  *data.Split
	cfg    train.Config
	scored string        // "held-out", or "training-set" for a set without a test part
	before train.Metrics // the float model's score
	pruned *compress.Result
	after  train.Metrics // after pruning and retraining
	shared *compress.ShareResult
	share  train.Metrics // after sharing and fine-tuning (zero without)
	// params and nonzeros count every parameter of the float model
	// before pruning (nonzeros then counts the pruned model's).
	params, nonzeros int
	// sharedBytes is the shared model's size as Han et al. count it:
	// each non-zero as its cluster index of the layer's bits and an 8-bit
	// relative index, plus a float32 codebook per shared layer (and each
	// other non-zero as a float32 with its index).
	sharedBytes int
}

// pruneModel reads the plan from the flags and the compile block,
// checks the outputs, prunes and retrains the model with its weights,
// then, with share, shares its weights and fine-tunes them, printing the
// per-layer table and scores as it goes.
func pruneModel(e *env, fs *pflag.FlagSet, path string, share bool, outputs ...string) (*pruneRun, error) {
	f := flags(fs)
	weights := f.String("weights")
	plan := compress.Plan{Sparsity: f.Float64("sparsity"), Quality: f.Float64("quality"), Schedule: f.String("schedule"),
		Steps: f.Int("steps"), Every: f.Int("every"), Cycles: f.Int("cycles")}
	sharePlan := compress.SharePlan{DenseBits: f.Int("dense-bits"), ConvBits: f.Int("conv-bits")}
	shareEpochs := f.Int("share-epochs")
	layers, planFile := f.StringArray("layer"), f.String("plan")
	if err := f.Err(); err != nil {
		return nil, err
	}
	for _, l := range layers {
		name, s, ok := strings.Cut(l, "=")
		x, err := strconv.ParseFloat(s, 64)
		if !ok || name == "" || err != nil {
			return nil, usagef("--layer %q: want NAME=SPARSITY, e.g. h1.weight=0.95", l)
		}
		if plan.Layers == nil {
			plan.Layers = map[string]float64{}
		}
		plan.Layers[name] = x
	}
	if weights == "" {
		return nil, usagef("missing -w W.safetensors (the trained weights to prune)")
	}
	if planFile != "" {
		if plan.Layers != nil {
			return nil, usagef("give --plan or --layer, not both")
		}
		pf, err := os.Open(planFile)
		if err != nil {
			return nil, err
		}
		sp, err := compress.ParseSparsityPlan(pf, planFile)
		pf.Close()
		if err != nil {
			return nil, err
		}
		plan.Layers = map[string]float64{}
		for _, ws := range sp {
			plan.Layers[ws.Weight] = ws.Sparsity
		}
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return nil, err
	}
	if err := compilePrunePlan(prog, fs, &plan, &shareEpochs, &share, &sharePlan); err != nil {
		return nil, err
	}
	switch {
	case count(plan.Sparsity != 0, plan.Quality != 0, plan.Layers != nil) != 1:
		return nil, usagef("give one of --sparsity, --layer, --plan and --quality (or a compile block's prune setting)")
	case plan.Schedule != "oneshot" && plan.Schedule != "cubic" && plan.Schedule != "iterative":
		return nil, usagef("--schedule must be oneshot, cubic or iterative, got %q", plan.Schedule)
	case shareEpochs < 0:
		return nil, usagef("--share-epochs must be 0 or more")
	}
	if err := checkOutputs(fs, outputs...); err != nil {
		return nil, err
	}
	// kiln train's --schedule is the learning rate's; here it is the
	// sparsity's, so the retraining reads every flag but that one.
	trainFlags := pflag.NewFlagSet("retrain", pflag.ContinueOnError)
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Name != "schedule" {
			trainFlags.AddFlag(fl)
		}
	})
	cfg, spec, dir, err := trainConfig(prog, trainFlags)
	if err != nil {
		return nil, err
	}
	g := prog.Graph
	if err := bindWeights(g, weights); err != nil {
		return nil, err
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return nil, err
	}
	cfg.Log = e.stderr
	cfg.Terminal = isTerminal(e.stderr)
	run := &pruneRun{prog: prog, spec: spec, split: split, cfg: cfg, scored: "held-out"}
	run.params, _ = countWeights(g)
	fmt.Fprintf(e.stderr, "pruning %s (%s schedule), retraining on %s: %d examples, %d epochs of batch %d, %s lr %g\n",
		g.Name, plan.Schedule, spec, split.Train.Len(), cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR)
	// Without a held-out part, the training part's score is what there
	// is to compare.
	scored, _ := scoredPart(split)
	score := func() (train.Metrics, error) { return train.Evaluate(g, scored, cfg.Batch, cfg.Workers) }
	if split.Test == nil {
		run.scored = "training-set"
		if run.before, err = score(); err != nil {
			return nil, err
		}
	}
	res, err := compress.Prune(g, split, plan, cfg)
	if err != nil {
		return nil, err
	}
	run.pruned, run.after = res, res.After
	if split.Test == nil {
		if run.after, err = score(); err != nil {
			return nil, err
		}
	} else {
		run.before = res.Before
	}
	_, run.nonzeros = countWeights(g)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "layer\tweights\tpruned\tsparsity\t")
	for _, l := range res.Layers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f%%\t\n", l.Name, ir.Thousands(int64(l.Weights)), ir.Thousands(int64(l.Pruned)), 100*l.Sparsity)
	}
	fmt.Fprintf(tw, "all\t\t\t%.2f%%\t\n", 100*res.Sparsity)
	tw.Flush()
	fmt.Fprintf(e.stdout, "%s %s before pruning, %s after retraining\n", run.scored, run.before, run.after)
	if !share {
		return run, nil
	}
	sc := cfg
	sc.Epochs = shareEpochs
	fmt.Fprintf(e.stderr, "sharing weights (%d bits dense, %d convolutions), fine-tuning %d epochs\n", sharePlan.DenseBits, sharePlan.ConvBits, shareEpochs)
	sr, err := compress.Share(g, split, sharePlan, sc)
	if err != nil {
		return nil, err
	}
	run.shared = sr
	bits := map[string]int{}
	for _, l := range sr.Layers {
		bits[l.Name] = l.Bits
		run.sharedBytes += 4 * l.Clusters
	}
	for _, p := range g.Params() {
		b, ok := bits[p.Name]
		if !ok {
			b = 32 // not shared: a float32 value
		}
		nz := 0
		for _, x := range p.Data.F32 {
			if x != 0 {
				nz++
			}
		}
		run.sharedBytes += (nz*(b+8) + 7) / 8
	}
	for _, l := range sr.Layers {
		fmt.Fprintf(e.stdout, "%s: %d shared values (%d bits), int8 step %.4g\n", l.Name, l.Clusters, l.Bits, l.Scale)
	}
	run.share = sr.After
	if split.Test == nil {
		if run.share, err = score(); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(e.stdout, "%s %s after weight sharing\n", run.scored, run.share)
	return run, nil
}

func runPrune(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	if _, err := modelKind("prune", path); err != nil {
		return err
	}
	f := flags(fs)
	out, share := f.String("output"), f.Bool("share")
	if err := f.Err(); err != nil {
		return err
	}
	if out == "" {
		return usagef("missing -o PRUNED.safetensors")
	}
	run, err := pruneModel(e, fs, path, share, out)
	if err != nil {
		return err
	}
	meta := map[string]string{"data": run.spec, "sparsity": strconv.FormatFloat(run.pruned.Sparsity, 'f', 4, 64)}
	if err := saveWeights(out, run.prog.Graph, meta); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "weights in %s\n", out)
	return nil
}

// countWeights counts a graph's parameter values and the non-zero ones.
func countWeights(g *ir.Graph) (params, nonzeros int) {
	for _, p := range g.Params() {
		if p.Data == nil {
			continue
		}
		params += len(p.Data.F32)
		for _, x := range p.Data.F32 {
			if x != 0 {
				nonzeros++
			}
		}
	}
	return params, nonzeros
}

// count is how many of the conditions hold.
func count(conds ...bool) int {
	n := 0
	for _, c := range conds {
		if c {
			n++
		}
	}
	return n
}
