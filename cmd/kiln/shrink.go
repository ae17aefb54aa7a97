package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compress"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/train"
)

func init() {
	register(&command{
		name:    "shrink",
		args:    "FILE.kiln -w W.safetensors --keep LAYER=K,... [--epochs E] -o SMALL.kiln --weights-out SMALL.safetensors",
		summary: "structured pruning: remove the neurons and filters of smallest L1 norm, write the narrower model and its sliced weights, optionally retrain",
		flags: func(fs *pflag.FlagSet) {
			d := train.Defaults()
			fs.StringP("weights", "w", "", "the trained weights (safetensors)")
			fs.String("keep", "", "what each narrowed layer keeps, by binding name: a fraction (h1=0.5) or a count (c2=8), comma-separated")
			fs.StringP("output", "o", "", "write the narrowed model's .kiln source here")
			fs.String("weights-out", "", "write the narrowed model's weights here (safetensors)")
			fs.String("data", "", "data set to score and retrain on (default: the train block's data)")
			fs.Int("epochs", 0, "retrain the narrowed model this many epochs (0: slice only)")
			fs.Float64("lr", d.LR, "learning rate for retraining (default: the train block's)")
			fs.Int("batch", d.Batch, "examples per retraining step (default: the train block's)")
			fs.Uint64("seed", d.Seed, "seed for shuffling and dropout in retraining")
			fs.Int("workers", 0, "goroutines per kernel (0: all cores)")
			forceFlag(fs)
		},
		run: runShrink,
	})
}

func runShrink(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	f := flags(fs)
	weights, keepList, out, wout, epochs := f.String("weights"), f.String("keep"), f.String("output"), f.String("weights-out"), f.Int("epochs")
	if err := f.Err(); err != nil {
		return err
	}
	switch {
	case weights == "":
		return usagef("missing -w W.safetensors")
	case out == "" || wout == "":
		return usagef("missing -o SMALL.kiln or --weights-out SMALL.safetensors: both are written")
	case epochs < 0:
		return usagef("--epochs must be 0 or more, got %d", epochs)
	}
	var keep map[string]float64
	if keepList != "" {
		if keep, err = parseKeep(keepList); err != nil {
			return err
		}
	}
	if err := checkOutputs(fs, out, wout); err != nil {
		return err
	}

	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	if keep == nil {
		// The compile block's prune = structured(keep=F) narrows every
		// layer that can be narrowed to the fraction F.
		s := prog.Compile.Get("prune")
		if s == nil || s.Value.Text != "structured" || s.Value.Kwarg("keep") == nil {
			return usagef("missing --keep LAYER=K,...: say which layers to narrow (e.g. --keep h1=0.5,h2=0.5), or give the compile block prune = structured(keep=0.5)")
		}
		k := s.Value.Kwarg("keep")
		if !(k.Num > 0 && k.Num <= 1) {
			return fmt.Errorf("%s: structured(keep=%s): keep is the fraction of each layer kept, in (0, 1]", k.Pos, k)
		}
		keep = map[string]float64{}
		for _, name := range compress.ShrinkLayers(prog.Graph) {
			keep[name] = k.Num
		}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	file, err := lang.Parse(path, src)
	if err != nil {
		return err
	}
	if err := bindWeights(prog.Graph, weights); err != nil {
		return err
	}
	spec, dir := dataSpec(prog, fs)
	var split *data.Split
	if spec != "" {
		if split, err = data.Open(spec, dir); err != nil {
			return err
		}
	} else if epochs > 0 {
		return usagef("no data to retrain on: give --data or a train block's data setting")
	}
	workers := 0
	if fs.Changed("workers") {
		workers, _ = fs.GetInt("workers")
	}
	score := func(g *ir.Graph) string {
		if split == nil {
			return ""
		}
		set, _ := scoredPart(split)
		m, err := train.Evaluate(g, set, 256, workers)
		if err != nil {
			return "(" + err.Error() + ")"
		}
		return m.String()
	}

	small, err := compress.Shrink(file, prog.Graph, keep)
	if err != nil {
		return err
	}
	for _, l := range small.Layers {
		fmt.Fprintf(e.stdout, "%s: %d -> %d\n", l.Name, l.Before, l.Now)
	}
	before, after := prog.Graph.Stats().Total, small.Program.Graph.Stats().Total
	fmt.Fprintf(e.stdout, "MACC %s -> %s (%.2fx fewer), parameters %s -> %s\n",
		ir.Thousands(before.MACC), ir.Thousands(after.MACC), float64(before.MACC)/float64(max(after.MACC, 1)),
		ir.Thousands(before.Params), ir.Thousands(after.Params))
	part := "held-out part"
	if split != nil && split.Test == nil {
		part = "whole set (it has no held-out part)"
	}
	if split != nil {
		fmt.Fprintf(e.stdout, "%s, %s: before %s\n", spec, part, score(prog.Graph))
		fmt.Fprintf(e.stdout, "%s, %s: sliced %s\n", spec, part, score(small.Program.Graph))
	}
	if epochs > 0 {
		cfg, tspec, tdir, err := trainConfig(small.Program, fs)
		if err != nil {
			return err
		}
		if tspec != spec || tdir != dir {
			return fmt.Errorf("internal error: retraining data %s is not the data scored, %s", tspec, spec)
		}
		cfg.Log = e.stderr
		cfg.Terminal = isTerminal(e.stderr)
		fmt.Fprintf(e.stderr, "retraining %s on %s: %d epochs of batch %d, %s lr %g\n", small.Program.Graph.Name, spec, cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR)
		if _, err := train.Train(small.Program.Graph, split, cfg); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s, %s: retrained %d epochs %s\n", spec, part, cfg.Epochs, score(small.Program.Graph))
	}
	if err := fsutil.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(small.Source); return err }); err != nil {
		return err
	}
	if err := saveWeights(wout, small.Program.Graph, map[string]string{"shrunk-from": path}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "model in %s, weights in %s\n", out, wout)
	return nil
}

// parseKeep reads --keep's list, "h1=0.5,c2=8".
func parseKeep(list string) (map[string]float64, error) {
	keep := map[string]float64{}
	for _, item := range strings.Split(list, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		k, err := strconv.ParseFloat(val, 64)
		switch {
		case !ok || name == "":
			return nil, usagef("--keep: want LAYER=K, got %q", item)
		case err != nil || !(k > 0):
			return nil, usagef("--keep %s: %q is neither a fraction nor a count", name, val)
		}
		if _, dup := keep[name]; dup {
			return nil, usagef("--keep: %s is given twice", name)
		}
		keep[name] = k
	}
	return keep, nil
}
