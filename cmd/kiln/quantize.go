package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

func init() {
	register(&command{
		name:    "quantize",
		args:    "FILE.kiln -w W.safetensors [--calibrate SET] [--method M] [--report] [--eval] [--debug X.npy] [-o Q.kir]",
		summary: "quantize a trained model to int8 (TFLite's integer arithmetic) and report what each layer lost",
		flags: func(fs *pflag.FlagSet) {
			calibrationFlags(fs)
			fs.Bool("report", false, "print, per layer, SQNR and cosine against the float model, the ranges, and the ops left in float")
			fs.Bool("eval", false, "score the float model and the int8 one, run by the VM, on the held-out part of the calibration set")
			fs.String("debug", "", "run the float and the int8 model on the first example of X.npy (or of an .npz's\n"+
				"inputs) and print every int8 value's range and error against the float one, in graph order")
			fs.StringP("output", "o", "", "write the quantized IR, weights whole, here (a .kir: kiln build, run, eval, ir and stats read it)")
			forceFlag(fs)
			passFlags(fs)
		},
		run: runQuantize,
	})
}

func runQuantize(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	f := flags(fs)
	report, eval, out, debug := f.Bool("report"), f.Bool("eval"), f.String("output"), f.String("debug")
	if err := f.Err(); err != nil {
		return err
	}
	if _, err := modelKind("quantize", path); err != nil {
		return err
	}
	if debug != "" { // a missing or foreign file fails before calibration
		if _, err := expectKind(debug, "--debug", kindNPY, kindNPZ); err != nil {
			return err
		}
	}
	until := compiler.Quantized
	if eval {
		until = compiler.Bytecode // --eval scores the int8 model on the VM
	}
	q, err := quantizeFromFlags(e, path, fs, until, out)
	if err != nil {
		return err
	}
	r := q.result
	if report {
		rep, err := passes.Compare(r.Float, r.Graph, r.Context, q.calib.Data)
		if err != nil {
			return err
		}
		writeReport(e.stdout, rep)
	}
	if eval {
		if err := evalInt8(e.stdout, r, q.split); err != nil {
			return err
		}
	}
	if debug != "" {
		if err := debugTrace(e.stdout, r, debug); err != nil {
			return err
		}
	}
	if out != "" {
		text := r.Graph.Format(ir.PrintOptions{Weights: true})
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

// calibrationFlags registers the weights and calibration flags that
// quantize and build share (quantizeFromFlags reads them).
func calibrationFlags(fs *pflag.FlagSet) {
	fs.StringP("weights", "w", "", "the trained weights (safetensors)")
	fs.String("calibrate", "", "calibration data set (default: the compile block's calibrate, else the train block's data)")
	fs.Int("samples", 512, "calibration examples, a seeded random subset of the training part")
	fs.String("method", "minmax", "how ranges are chosen: minmax (the values seen), percentile (clip each tail),\n"+
		"mse (least squared error) or entropy (least KL divergence, TensorRT's calibration)")
	fs.Bool("per-tensor", false, "quantize each layer's weight with one scale instead of one per output channel")
	fs.Float64("percentile", 99.99, "for --method percentile: the percentage of values kept in range")
}

// writeReport prints the quantization report and a legend of its
// columns.
func writeReport(w io.Writer, rep *passes.Report) {
	rep.Write(w)
	fmt.Fprint(w, `
legend:
  range        the value's float range, as calibrated (min and max, or what --method keeps)
  scale, zero  its int8 quantization: real value = scale * (int8 value - zero)
  SQNR dB      signal-to-quantization-noise ratio on the calibration samples, float x against int8
               dequantized x': 10 log10(sum x^2 / sum (x - x')^2); higher is better, 6 dB is one bit
  cosine       cosine similarity of the float and the dequantized int8 values (1: same direction)
  weights dB   the same SQNR for the layer's int8 weights against the float ones (-: no weights)
`)
}

// evalInt8 scores the float model and the int8 one, for quantize --eval
// and build --eval alike: the int8 model runs on the VM from its bytecode
// (the Bytecode stage's result), whose outputs equal the integer
// reference executor's bit for bit at a fraction of its time.
func evalInt8(w io.Writer, r *compiler.Result, split *data.Split) error {
	m, err := runtime.Load(r.Bytecode, nil)
	if err != nil {
		return err
	}
	return evalAgainst(w, r.Float, r.Graph, split, "int8 ", vmForward(m))
}

// evalAgainst scores the float model and, under label, quant run by
// forward, on the held-out part of split.
func evalAgainst(w io.Writer, float, quant *ir.Graph, split *data.Split, label string, forward func([]*tensor.Tensor) ([]*tensor.Tensor, error)) error {
	set, part := split.Test, "held-out part"
	if set == nil {
		set, part = split.Train, "whole set"
	}
	fm, err := train.Evaluate(float, set, 256, 0)
	if err != nil {
		return err
	}
	qm, err := train.EvaluateWith(quant, set, 256, forward)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s, %s:\n  float %s\n  %s %s\n", set.Name, part, fm, label, qm)
	return nil
}

// debugTrace prints, for quantize --debug, every value of the int8 graph
// against the float model on the first example of file.
func debugTrace(w io.Writer, r *compiler.Result, file string) error {
	feeds, err := readFeeds(r.Graph, []string{file})
	if err != nil {
		return err
	}
	for name, t := range feeds {
		feeds[name] = firstExample(t)
	}
	rows, err := passes.Trace(r.Float, r.Graph, feeds)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s on the first example of %s, float against int8:\n\n", r.Graph.Name, file)
	passes.WriteTrace(w, rows)
	return nil
}

// firstExample returns a batch's first example, as a batch of one.
func firstExample(t *tensor.Tensor) *tensor.Tensor {
	one := tensor.New(t.DType, append([]int{1}, t.Shape[1:]...)...)
	n := one.Len()
	switch t.DType {
	case tensor.F32:
		copy(one.F32, t.F32[:n])
	case tensor.I8:
		copy(one.I8, t.I8[:n])
	case tensor.I32:
		copy(one.I32, t.I32[:n])
	case tensor.U8:
		copy(one.U8, t.U8[:n])
	}
	return one
}
