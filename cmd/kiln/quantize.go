package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

func init() {
	register(&command{
		name:    "quantize",
		args:    "FILE.kiln -w W.safetensors --calibrate SET [--report] [-o Q.kir]",
		summary: "quantize a trained model to int8 (TFLite's integer arithmetic) and report what each layer lost",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("weights", "w", "", "the trained weights (safetensors)")
			fs.String("calibrate", "", "calibration data set (default: the compile block's calibrate, else the train block's data)")
			fs.Int("samples", 512, "calibration examples, a seeded random subset of the training part")
			fs.String("method", "minmax", "how ranges are chosen: minmax, percentile or mse")
			fs.Float64("percentile", 99.99, "for --method percentile: the percentage of values kept in range")
			fs.Bool("report", false, "print, per layer, SQNR and cosine against the float model, the ranges, and the ops left in float")
			fs.Bool("eval", false, "score the float and the int8 model on the held-out part of the calibration set")
			fs.StringP("output", "o", "", "write the quantized IR here")
			fs.Bool("print-weights", false, "with -o: write the weights whole instead of a hash and range")
			fs.String("dump-after", "", "print the IR after this pass (or all)")
		},
		run: runQuantize,
	})
}

func runQuantize(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	weights, _ := fs.GetString("weights")
	if weights == "" {
		return usagef("missing -w W.safetensors")
	}
	method, _ := fs.GetString("method")
	if method != "minmax" && method != "percentile" && method != "mse" {
		return usagef("--method must be minmax, percentile or mse, got %q", method)
	}
	pct, _ := fs.GetFloat64("percentile")
	if !(pct > 50 && pct <= 100) {
		return usagef("--percentile must be in (50, 100], got %g", pct)
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	spec, dir := calibrationSpec(prog)
	if fs.Changed("calibrate") {
		spec, _ = fs.GetString("calibrate")
		dir = "."
	}
	if spec == "" {
		return usagef("no calibration data: give --calibrate SET or a compile block's calibrate setting")
	}
	samples, _ := fs.GetInt("samples")
	if s := prog.Compile.Get("samples"); s != nil && !fs.Changed("samples") {
		samples = int(s.Value.Num)
	}
	g := prog.Graph
	if err := bindWeights(g, weights); err != nil {
		return err
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return err
	}
	ctx := &passes.Context{Calib: &passes.Calibration{Set: split.Train, Samples: samples, Method: method, Percentile: pct / 100, Batch: 64, Seed: 1}}
	dumpAfter, _ := fs.GetString("dump-after")
	opt := passes.Options{Passes: passes.Structural, Verify: true, DumpAfter: dumpAfter, Dump: e.stdout}
	if err := passes.Run(g, ctx, opt); err != nil {
		return err
	}
	shadow := g.Clone()
	opt.Passes = []string{"calibrate", "quantize"}
	start := time.Now()
	if err := passes.Run(g, ctx, opt); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "quantized %s: %d calibration samples from %s, %s ranges, %.1f s\n", g.Name, min(samples, split.Train.Len()), spec, method, time.Since(start).Seconds())
	if report, _ := fs.GetBool("report"); report {
		r, err := passes.Compare(shadow, g, ctx, split.Train, ctx.Calib.Indices(), 64)
		if err != nil {
			return err
		}
		r.Write(e.stdout)
	}
	if eval, _ := fs.GetBool("eval"); eval {
		if err := evalBoth(e.stdout, shadow, g, split); err != nil {
			return err
		}
	}
	if out, _ := fs.GetString("output"); out != "" {
		whole, _ := fs.GetBool("print-weights")
		text := g.Format(ir.PrintOptions{Weights: whole})
		return fsutil.WriteFileAtomic(out, func(w io.Writer) error { _, err := io.WriteString(w, text); return err })
	}
	return nil
}

// calibrationSpec is the calibration set a program names: its compile
// block's calibrate setting, else its training data.
func calibrationSpec(prog *frontend.Program) (spec, dir string) {
	if s := prog.Compile.Get("calibrate"); s != nil {
		return s.Value.Text, prog.Dir
	}
	if s := prog.Train.Get("data"); s != nil {
		return s.Value.Text, prog.Dir
	}
	return "", ""
}

// evalBoth scores the float model and the int8 model (on the integer
// reference executor) on the held-out part of split.
func evalBoth(w io.Writer, float, quant *ir.Graph, split *data.Split) error {
	set, part := split.Test, "held-out part"
	if set == nil {
		set, part = split.Train, "whole set"
	}
	fm, err := train.Evaluate(float, set, 256, 0)
	if err != nil {
		return err
	}
	inputs := quant.Inputs()
	qm, err := train.EvaluateWith(quant, set, 256, func(in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		feeds := map[string]*tensor.Tensor{}
		for i, x := range in {
			feeds[inputs[i].Name] = x
		}
		return ir.Run(quant, feeds)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s, %s:\n  float %s\n  int8  %s\n", set.Name, part, fm, qm)
	return nil
}
