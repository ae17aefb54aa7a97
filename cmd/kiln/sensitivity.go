package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compress"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/train"
)

func init() {
	register(&command{
		name:    "sensitivity",
		args:    "FILE.kiln -w W.safetensors [--data SET] [--sparsities 25,50,...] [--target-drop D] [--plot OUT.svg|OUT.png] [--plan PLAN.txt]",
		summary: "prune each layer alone at rising sparsities, score the model on a validation part of the training data, and choose per-layer sparsities for a target loss",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("weights", "w", "", "the trained weights (safetensors)")
			fs.String("data", "", "data set (default: the train block's data)")
			fs.String("sparsities", "25,50,75,90,95,99", "the sparsities to try, in percent, rising")
			fs.Float64("target-drop", 0.5, "the largest loss of the metric (points of accuracy) a layer's planned sparsity may cost")
			fs.Int("samples", 5000, "validation examples: a seeded random subset of the training part (the test part stays unseen)")
			fs.Uint64("seed", 1, "seed for choosing the validation examples")
			fs.StringArray("plot", nil, "draw the curves here, as SVG or PNG by the file's extension (repeat for both)")
			fs.String("plan", "", "write the per-layer sparsity plan here (lines of NAME SPARSITY, as kiln prune reads)")
			fs.Int("workers", 0, "goroutines per kernel (0: all cores)")
			forceFlag(fs)
		},
		run: runSensitivity,
	})
}

func runSensitivity(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	f := flags(fs)
	weights, spList, drop := f.String("weights"), f.String("sparsities"), f.Float64("target-drop")
	samples, seed, plots, planOut, workers := f.Int("samples"), f.Uint64("seed"), f.StringArray("plot"), f.String("plan"), f.Int("workers")
	if err := f.Err(); err != nil {
		return err
	}
	switch {
	case weights == "":
		return usagef("missing -w W.safetensors")
	case !(drop >= 0):
		return usagef("--target-drop must be 0 or more, got %g", drop)
	case samples < 1:
		return usagef("--samples must be positive, got %d", samples)
	}
	sparsities, err := parseSparsities(spList)
	if err != nil {
		return err
	}
	for _, p := range plots {
		if ext := strings.TrimPrefix(filepath.Ext(p), "."); ext != "svg" && ext != "png" {
			return usagef("--plot %s: name an .svg or a .png file", p)
		}
	}
	if err := checkOutputs(fs, append([]string{planOut}, plots...)...); err != nil {
		return err
	}

	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	spec, dir := dataSpec(prog, fs)
	if spec == "" {
		return usagef("no data: give --data or a train block's data setting")
	}
	if err := bindWeights(prog.Graph, weights); err != nil {
		return err
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return err
	}
	val, err := compress.Holdout(split.Train, train.Sample(split.Train.Len(), samples, seed), split.Train.Name+" validation")
	if err != nil {
		return err
	}
	layers := compress.PrunableWeights(prog.Graph)
	fmt.Fprintf(e.stderr, "pruning %d layers of %s alone at %d sparsities, scoring on %d examples of %s's training part\n",
		len(layers), prog.Graph.Name, len(sparsities), val.Len(), spec)
	s, err := compress.AnalyzeSensitivity(prog.Graph, val, compress.SensitivityConfig{
		Sparsities: sparsities,
		Workers:    workers,
		Progress: func(layer string, i, n int) {
			fmt.Fprintf(e.stderr, "layer %d/%d: %s\n", i+1, n, layer)
		},
	})
	if err != nil {
		return err
	}
	if err := s.Table(e.stdout); err != nil {
		return err
	}
	plan := s.Plan(drop)
	fmt.Fprintf(e.stdout, "\nplan for a drop of at most %g (each layer alone):\n", drop)
	var pb bytes.Buffer
	if err := plan.Write(&pb); err != nil {
		return err
	}
	e.stdout.Write(pb.Bytes())
	if planOut != "" {
		if err := fsutil.WriteFileAtomic(planOut, plan.Write); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "plan in %s\n", planOut)
	}
	title := fmt.Sprintf("%s: sensitivity to pruning (%d validation examples)", prog.Graph.Name, val.Len())
	for _, p := range plots {
		format := strings.TrimPrefix(filepath.Ext(p), ".")
		err := fsutil.WriteFileAtomic(p, func(w io.Writer) error { return compress.WritePlot(w, s, title, format) })
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "plot in %s\n", p)
	}
	return nil
}

// dataSpec is the data set a command on a trained .kiln model scores on:
// --data, else the train block's, and the directory its path is relative
// to.
func dataSpec(prog *frontend.Program, fs *pflag.FlagSet) (spec, dir string) {
	if s := prog.Train.Get("data"); s != nil {
		spec, dir = s.Value.Text, prog.Dir
	}
	if fs.Changed("data") {
		spec, _ = fs.GetString("data")
		dir = "."
	}
	return spec, dir
}

// parseSparsities reads a list of percentages, "25,50,90", as fractions.
func parseSparsities(list string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSuffix(strings.TrimSpace(f), "%")
		p, err := strconv.ParseFloat(f, 64)
		if err != nil || !(p >= 0 && p <= 100) {
			return nil, usagef("--sparsities: %q is not a percentage between 0 and 100", f)
		}
		if len(out) > 0 && p/100 <= out[len(out)-1] {
			return nil, usagef("--sparsities must rise, got %g after %g", p, 100*out[len(out)-1])
		}
		out = append(out, p/100)
	}
	return out, nil
}
