package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/compress"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/train"
)

// kiln compress: Deep Compression end to end. Prune and retrain, share
// the survivors' values and fine-tune them, quantize to int8 and write
// the bytecode with its constants sparse and Huffman-coded, then print
// each stage's size and score.

func init() {
	register(&command{
		name:    "compress",
		args:    "FILE.kiln -w W.safetensors [--sparsity S | --layer NAME=S ... | --plan P | --quality Q] -o MODEL.kbc",
		summary: "Deep Compression end to end: prune and retrain, share weights and fine-tune, quantize to int8, code the weights; ends with each stage's size and accuracy",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("weights", "w", "", "the trained weights (safetensors)")
			fs.StringP("output", "o", "", "the .kbc file to write")
			fs.String("weights-out", "", "also write the pruned, shared float weights here (safetensors)")
			forceFlag(fs)
			pruneFlags(fs)
			fs.String("calibrate", "", "calibration data set (default: the compile block's calibrate, else the retraining data)")
			fs.Int("samples", 512, "calibration examples, a seeded random subset of the training part")
		},
		run: runCompress,
	})
}

func runCompress(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	if _, err := modelKind("compress", path); err != nil {
		return err
	}
	f := flags(fs)
	out, weightsOut, calibrate, samples := f.String("output"), f.String("weights-out"), f.String("calibrate"), f.Int("samples")
	if err := f.Err(); err != nil {
		return err
	}
	if out == "" {
		return usagef("missing -o MODEL.kbc")
	}
	if samples < 1 {
		return usagef("--samples must be at least 1, got %d", samples)
	}
	outputs := []string{out}
	if weightsOut != "" {
		outputs = append(outputs, weightsOut)
	}
	// The float model's size and score come first: pruneModel changes
	// the weights in place.
	run, err := pruneModel(e, fs, path, true, outputs...)
	if err != nil {
		return err
	}
	g, prog := run.prog.Graph, run.prog
	if weightsOut != "" {
		if err := saveWeights(weightsOut, g, map[string]string{"data": run.spec}); err != nil {
			return err
		}
	}

	// Quantize: calibrate on the compile block's set, else the data the
	// model was retrained on.
	split := run.split
	if spec, dir := calibrationSpec(prog); fs.Changed("calibrate") || prog.Compile.Get("calibrate") != nil {
		if fs.Changed("calibrate") {
			spec, dir = calibrate, "."
		}
		if split, err = data.Open(spec, dir); err != nil {
			return err
		}
	}
	if s := prog.Compile.Get("samples"); s != nil && !fs.Changed("samples") {
		samples = int(s.Value.Num)
	}
	r, err := compileCalibrated(g, split.Train, samples, compiler.Quantized)
	if err != nil {
		return reportUnbuildable(e, path, err)
	}
	plain, err := compiler.Encode(r.Graph, compiler.Options{})
	if err != nil {
		return err
	}
	coded, err := compiler.Encode(r.Graph, compiler.Options{Code: true})
	if err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(coded); return err }); err != nil {
		return err
	}

	// Score both files on the VM: the coded one must score the same, its
	// weights decoding to the plain file's.
	scoredSet, _ := scoredPart(run.split)
	var vm [2]train.Metrics
	for i, b := range [][]byte{plain, coded} {
		m, err := runtime.Load(b, nil)
		if err != nil {
			return err
		}
		if vm[i], err = train.EvaluateWith(r.Graph, scoredSet, 256, vmForward(m)); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stderr, "wrote %s: %s bytes\n", out, ir.Thousands(int64(len(coded))))
	writeStages(e.stdout, run, len(plain), len(coded), vm)
	return nil
}

// writeStages prints the compression table: each stage's parameters,
// non-zeros, bytes, score and size ratio to the float32 weights.
func writeStages(w io.Writer, run *pruneRun, plainBytes, codedBytes int, vm [2]train.Metrics) {
	float := 4 * run.params
	// The float stages' bytes are what they would take stored as Han et
	// al. count them: pruned, each non-zero as a float32 and an 8-bit
	// relative index; shared, each as its cluster index of the layer's
	// bits and the same 8-bit index, plus a float32 codebook per layer.
	pruned := 5 * run.nonzeros
	shared := run.sharedBytes
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tparameters\tnon-zeros\tbytes\tscore\tratio\t")
	row := func(stage string, nonzeros, bytes int, m train.Metrics) {
		ratio := float64(float) / math.Max(float64(bytes), 1)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.1fx\t\n", stage, ir.Thousands(int64(run.params)), ir.Thousands(int64(nonzeros)), ir.Thousands(int64(bytes)), metricCell(m), ratio)
	}
	row("float", run.params, float, run.before)
	row("pruned", run.nonzeros, pruned, run.after)
	if run.shared != nil {
		row("shared", run.nonzeros, shared, run.share)
	}
	row("int8 .kbc", run.nonzeros, plainBytes, vm[0])
	row("coded .kbc", run.nonzeros, codedBytes, vm[1])
	tw.Flush()
	fmt.Fprintf(w, "scores on the %s part; int8 and coded run on the VM, and their bytes are the whole file.\n", run.scored)
	fmt.Fprintln(w, "pruned: each non-zero as a float32 and an 8-bit relative index; shared: each as its cluster index and an 8-bit relative index, with a float32 codebook per layer.")
}

// metricCell is a score as the table prints it: the metric alone.
func metricCell(m train.Metrics) string {
	switch m.Task {
	case data.Classification:
		if m.K > 0 { // a retrieval set: recall is what it is judged by
			return fmt.Sprintf("recall@%d %.4f", m.K, m.Recall)
		}
		return fmt.Sprintf("%.2f%%", 100*m.Accuracy)
	case data.Binary:
		return fmt.Sprintf("AUC %.4f", m.AUC)
	case data.Regression:
		return fmt.Sprintf("RMSE %.4f", m.RMSE)
	}
	return "-"
}

// compilePrunePlan reads the compile block's prune and share settings:
// its prune setting is the plan where the command line gives none, and
// every flag given on the command line wins over a setting.
func compilePrunePlan(prog *frontend.Program, fs *pflag.FlagSet, plan *compress.Plan, shareEpochs *int, share *bool, sp *compress.SharePlan) error {
	if s := prog.Compile.Get("prune"); s != nil && count(plan.Sparsity != 0, plan.Quality != 0, plan.Layers != nil) == 0 {
		v := s.Value
		num := func(name string, dst *float64) {
			if a := v.Kwarg(name); a != nil {
				*dst = a.Num
			}
		}
		switch v.Text {
		case "structured":
			return fmt.Errorf("%s: prune = structured narrows layers, writing a new model: kiln shrink does it, and kiln compress then takes the narrower model", s.Pos)
		case "sparsity":
			num("target", &plan.Sparsity)
			if plan.Sparsity == 0 {
				return fmt.Errorf("%s: prune = sparsity needs a target: sparsity(target=0.9)", s.Pos)
			}
		case "magnitude":
			num("quality", &plan.Quality)
			if plan.Quality == 0 {
				return fmt.Errorf("%s: prune = magnitude needs a quality: magnitude(quality=1.0)", s.Pos)
			}
		}
		if a := v.Kwarg("schedule"); a != nil && !fs.Changed("schedule") {
			plan.Schedule = a.Text
		}
		if a := v.Kwarg("epochs"); a != nil && !fs.Changed("epochs") {
			if err := fs.Set("epochs", a.Text); err != nil {
				return fmt.Errorf("%s: epochs: %v", a.Pos, err)
			}
		}
	}
	if s := prog.Compile.Get("share"); s != nil {
		v := s.Value
		if v.Text == "none" {
			*share = false
			return nil
		}
		if a := v.Kwarg("dense"); a != nil && !fs.Changed("dense-bits") {
			sp.DenseBits = int(a.Num)
		}
		if a := v.Kwarg("conv"); a != nil && !fs.Changed("conv-bits") {
			sp.ConvBits = int(a.Num)
		}
		if a := v.Kwarg("epochs"); a != nil && !fs.Changed("share-epochs") {
			*shareEpochs = int(a.Num)
		}
	}
	return nil
}
