package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compress"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/train"
)

func init() {
	register(&command{
		name:    "prune",
		args:    "FILE.kiln -w W.safetensors --sparsity S | --layer NAME=S ... | --quality Q -o PRUNED.safetensors",
		summary: "prune a trained model's smallest weights and retrain it with them held at zero (magnitude pruning); optionally share the survivors' values (trained weight sharing)",
		flags: func(fs *pflag.FlagSet) {
			d := train.Defaults()
			fs.StringP("weights", "w", "", "the trained weights (safetensors)")
			fs.StringP("output", "o", "", "write the pruned (and retrained) weights here (safetensors)")
			forceFlag(fs)
			fs.Float64("sparsity", 0, "prune this fraction of all dense and convolution weights, with one magnitude threshold across the layers")
			fs.StringArray("layer", nil, "prune layer weight NAME to sparsity S (NAME=S, e.g. h1.weight=0.95); repeatable")
			fs.Float64("quality", 0, "prune each layer's weights below Q times its weights' standard deviation (Han et al.)")
			fs.String("schedule", "oneshot", "how sparsity reaches its target: oneshot (prune, then retrain), cubic (rising over the first --steps steps) or iterative (--cycles rounds of prune and retrain)")
			fs.Int("steps", 0, "cubic: steps over which sparsity rises (0: two thirds of the retraining)")
			fs.Int("every", 0, "cubic: steps between mask updates (0: 50)")
			fs.Int("cycles", 0, "iterative: rounds of pruning and retraining, each of --epochs epochs (0: 3)")
			fs.Bool("share", false, "then cluster each layer's surviving weights into shared values and fine-tune them (trained weight sharing)")
			fs.Int("dense-bits", 5, "--share: bits of shared values per dense layer (2^bits clusters)")
			fs.Int("conv-bits", 8, "--share: bits of shared values per convolution")
			fs.Int("share-epochs", 1, "--share: epochs of fine-tuning the shared values (0: none)")
			// The retraining's settings, as kiln train's; the learning
			// rate's schedule is the train block's.
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
		},
		run: runPrune,
	})
}

func runPrune(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	f := flags(fs)
	weights, out := f.String("weights"), f.String("output")
	plan := compress.Plan{Sparsity: f.Float64("sparsity"), Quality: f.Float64("quality"), Schedule: f.String("schedule"),
		Steps: f.Int("steps"), Every: f.Int("every"), Cycles: f.Int("cycles")}
	share := compress.SharePlan{DenseBits: f.Int("dense-bits"), ConvBits: f.Int("conv-bits")}
	shareEpochs := f.Int("share-epochs")
	layers := f.StringArray("layer")
	if err := f.Err(); err != nil {
		return err
	}
	for _, l := range layers {
		name, s, ok := strings.Cut(l, "=")
		x, err := strconv.ParseFloat(s, 64)
		if !ok || name == "" || err != nil {
			return usagef("--layer %q: want NAME=SPARSITY, e.g. h1.weight=0.95", l)
		}
		if plan.Layers == nil {
			plan.Layers = map[string]float64{}
		}
		plan.Layers[name] = x
	}
	switch {
	case weights == "":
		return usagef("missing -w W.safetensors (the trained weights to prune)")
	case out == "":
		return usagef("missing -o PRUNED.safetensors")
	case count(plan.Sparsity != 0, plan.Quality != 0, plan.Layers != nil) != 1:
		return usagef("give one of --sparsity, --layer and --quality")
	case plan.Schedule != "oneshot" && plan.Schedule != "cubic" && plan.Schedule != "iterative":
		return usagef("--schedule must be oneshot, cubic or iterative, got %q", plan.Schedule)
	case shareEpochs < 0:
		return usagef("--share-epochs must be 0 or more")
	}
	if err := checkOutputs(fs, out); err != nil {
		return err
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return err
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
		return err
	}
	g := prog.Graph
	if err := bindWeights(g, weights); err != nil {
		return err
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return err
	}
	cfg.Log = e.stderr
	cfg.Terminal = isTerminal(e.stderr)
	fmt.Fprintf(e.stderr, "pruning %s (%s schedule), retraining on %s: %d examples, %d epochs of batch %d, %s lr %g\n",
		g.Name, plan.Schedule, spec, split.Train.Len(), cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR)
	// Without a held-out part, the training part's score is what there
	// is to compare.
	scored, where := split.Test, "held-out"
	var before train.Metrics
	if scored == nil {
		scored, where = split.Train, "training-set"
		if before, err = train.Evaluate(g, scored, cfg.Batch, cfg.Workers); err != nil {
			return err
		}
	}
	res, err := compress.Prune(g, split, plan, cfg)
	if err != nil {
		return err
	}
	after := res.After
	if split.Test == nil {
		if after, err = train.Evaluate(g, scored, cfg.Batch, cfg.Workers); err != nil {
			return err
		}
	} else {
		before = res.Before
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "layer\tweights\tpruned\tsparsity\t")
	for _, l := range res.Layers {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f%%\t\n", l.Name, l.Weights, l.Pruned, 100*l.Sparsity)
	}
	fmt.Fprintf(tw, "all\t\t\t%.2f%%\t\n", 100*res.Sparsity)
	tw.Flush()
	fmt.Fprintf(e.stdout, "%s %s before pruning, %s after retraining\n", where, before, after)
	if f.Bool("share") {
		sc := cfg
		sc.Epochs = shareEpochs
		fmt.Fprintf(e.stderr, "sharing weights (%d bits dense, %d convolutions), fine-tuning %d epochs\n", share.DenseBits, share.ConvBits, shareEpochs)
		sr, err := compress.Share(g, split, share, sc)
		if err != nil {
			return err
		}
		for _, l := range sr.Layers {
			fmt.Fprintf(e.stdout, "%s: %d shared values (%d bits), int8 step %.4g\n", l.Name, l.Clusters, l.Bits, l.Scale)
		}
		shared := sr.After
		if split.Test == nil {
			if shared, err = train.Evaluate(g, scored, cfg.Batch, cfg.Workers); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "%s %s after weight sharing\n", where, shared)
	}
	meta := map[string]string{"data": spec, "sparsity": strconv.FormatFloat(res.Sparsity, 'f', 4, 64)}
	if err := saveWeights(out, g, meta); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "weights in %s\n", out)
	return nil
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
