package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// The flags that steer the pass pipeline, shared by ir, quantize and
// build, and the one function that turns the quantize and build flags
// into a compiler.Compile call.

// passFlags registers the per-pass switches.
func passFlags(fs *pflag.FlagSet) {
	fs.StringArrayP("pass", "d", nil, "a per-pass switch PASS/off, PASS/dump or PASS/time (PASS may be all); repeat or separate with commas")
	fs.String("dump-after", "", "print the IR after this pass (or all): the same as -d PASS/dump")
}

// switchesFromFlags reads the per-pass switches.
func switchesFromFlags(fs *pflag.FlagSet) (passes.Switches, error) {
	f := flags(fs)
	specs, dumpAfter := f.StringArray("pass"), f.String("dump-after")
	if err := f.Err(); err != nil {
		return nil, err
	}
	if dumpAfter != "" {
		specs = append(specs, dumpAfter+"/dump")
	}
	sw, err := passes.ParseSwitches(specs...)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return sw, nil
}

// quantized is what quantizeFromFlags built.
type quantized struct {
	result *compiler.Result
	split  *data.Split
	calib  *passes.Calibration
}

// quantizeFromFlags compiles a .kiln file with its weights up to until
// (Quantized or Bytecode), as the quantize and build commands configure
// it. It checks the command's output files (outputs) after the flags and
// before any work.
func quantizeFromFlags(e *env, path string, fs *pflag.FlagSet, until compiler.Stage, outputs ...string) (*quantized, error) {
	f := flags(fs)
	weights, method, pct, calibrate, samples := f.String("weights"), f.String("method"), f.Float64("percentile"), f.String("calibrate"), f.Int("samples")
	perTensor := f.Bool("per-tensor")
	if err := f.Err(); err != nil {
		return nil, err
	}
	if err := weightsGiven(path, weights); err != nil {
		return nil, err
	}
	if method != "minmax" && method != "percentile" && method != "mse" && method != "entropy" {
		return nil, usagef("--method must be minmax, percentile, mse or entropy, got %q", method)
	}
	if !(pct > 50 && pct <= 100) {
		return nil, usagef("--percentile must be in (50, 100], got %g", pct)
	}
	switches, err := switchesFromFlags(fs)
	if err != nil {
		return nil, err
	}
	if err := checkOutputs(fs, outputs...); err != nil {
		return nil, err
	}
	var w map[string]*tensor.Tensor
	var learned map[string][2]float64
	if weights != "" {
		if w, learned, err = loadWeightsRanges(weights); err != nil {
			return nil, err
		}
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return nil, err
	}
	spec, dir := calibrationSpec(prog)
	if fs.Changed("calibrate") {
		spec, dir = calibrate, "."
	}
	// A quantized ONNX model's scales and zero points are its activations'
	// ranges (and fix its int8 parameters exactly: Quantization.Given).
	fromFile := false
	for name, r := range passes.GivenRanges(prog.Graph, prog.Quant) {
		if learned == nil {
			learned = map[string][2]float64{}
		}
		learned[name] = [2]float64{r.Lo, r.Hi}
		fromFile = true
	}
	if spec == "" && len(learned) == 0 {
		return nil, usagef("no calibration data: give --calibrate SET or a compile block's calibrate setting")
	}
	if s := prog.Compile.Get("samples"); s != nil && !fs.Changed("samples") {
		samples = int(s.Value.Num)
	}
	calib := &passes.Calibration{Method: method, Percentile: pct / 100}
	var split *data.Split
	if len(learned) > 0 {
		// Quantization-aware training's ranges replace calibration; data,
		// where there is some, serves only --eval and --report.
		calib.Ranges = map[string]passes.Range{}
		for name, r := range learned {
			calib.Ranges[name] = passes.Range{Lo: r[0], Hi: r[1]}
		}
		if spec == "" {
			for _, name := range []string{"eval", "report"} {
				if on, _ := fs.GetBool(name); on {
					return nil, usagef("--%s needs data: give --calibrate SET or a compile block's calibrate setting", name)
				}
			}
		}
	}
	if spec != "" {
		if split, err = data.Open(spec, dir); err != nil {
			return nil, err
		}
		if calib.Data, err = train.NewFeed(prog.Graph, split.Train, train.Sample(split.Train.Len(), samples, 1), 64); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	code, _ := fs.GetBool("code") // kiln build's --code; false where a command lacks it
	if s := prog.Compile.Get("code"); s != nil && !fs.Changed("code") && fs.Lookup("code") != nil {
		code = s.Value.Text == "huffman"
	}
	copt := compiler.Options{Until: until, Weights: w, Switches: switches, Calibration: calib, Dump: e.stdout, Code: code}
	if perTensor || prog.Quant != nil {
		copt.Quantization = &passes.Quantization{PerTensorWeights: perTensor, Given: prog.Quant}
	}
	r, err := compiler.Compile(prog.Graph, copt)
	if err != nil {
		var werr *compiler.WeightsError
		if errors.As(err, &werr) {
			return nil, fmt.Errorf("%s does not fit model %s:\n%w", weights, werr.Model, werr.Err)
		}
		return nil, reportUnbuildable(e, path, err)
	}
	switch {
	case fromFile && spec == "":
		fmt.Fprintf(e.stderr, "quantized %s: the scales and zero points %s gives, %.1f s\n", r.Graph.Name, path, time.Since(start).Seconds())
	case fromFile:
		fmt.Fprintf(e.stderr, "quantized %s: the scales and zero points %s gives, the other ranges from %d calibration samples of %s, %.1f s\n", r.Graph.Name, path, min(samples, split.Train.Len()), spec, time.Since(start).Seconds())
	case len(learned) > 0:
		fmt.Fprintf(e.stderr, "quantized %s: ranges learned in quantization-aware training, from %s, %.1f s\n", r.Graph.Name, weights, time.Since(start).Seconds())
	default:
		fmt.Fprintf(e.stderr, "quantized %s: %d calibration samples from %s, %s ranges, %.1f s\n", r.Graph.Name, min(samples, split.Train.Len()), spec, method, time.Since(start).Seconds())
	}
	return &quantized{result: r, split: split, calib: calib}, nil
}

// compileCalibrated compiles a float graph whose weights are bound, up to
// until, calibrating with min/max ranges on samples examples of set, the
// seeded subset quantize and build take.
func compileCalibrated(g *ir.Graph, set *data.Dataset, samples int, until compiler.Stage) (*compiler.Result, error) {
	feed, err := train.NewFeed(g, set, train.Sample(set.Len(), samples, 1), 64)
	if err != nil {
		return nil, err
	}
	return compiler.Compile(g, compiler.Options{Until: until, Calibration: &passes.Calibration{Data: feed, Method: "minmax"}})
}
