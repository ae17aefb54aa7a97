package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/frontend/onnx"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// The commands on .kiln files: check, fmt, ir, stats.

func init() {
	register(&command{
		name:    "check",
		args:    "FILE.kiln...",
		summary: "parse, resolve names and check shapes; print every error, and warn of what no build can run",
		run: func(e *env, fs *pflag.FlagSet) error {
			if fs.NArg() == 0 {
				return usagef("missing FILE.kiln")
			}
			failed := false
			for _, path := range fs.Args() {
				prog, err := loadProgram(e, path)
				if err != nil {
					if !errors.Is(err, errReported) {
						fmt.Fprintf(e.stderr, "kiln check: %v\n", err)
					}
					failed = true
					continue
				}
				if err := warnUnbuildable(e, path, prog); err != nil {
					return err
				}
			}
			if failed {
				return errReported
			}
			return nil
		},
	})
	register(&command{
		name:    "fmt",
		args:    "[-w | -l] FILE.kiln...",
		summary: "print files in canonical form (-w rewrites them in place)",
		flags: func(fs *pflag.FlagSet) {
			fs.BoolP("write", "w", false, "write the result to the file instead of standard output")
			fs.BoolP("list", "l", false, "list the files whose formatting differs, print nothing else")
			forceFlag(fs)
		},
		run: runFmt,
	})
	register(&command{
		name:    "ir",
		args:    "FILE.kiln [-w W.safetensors] | Q.kir | MODEL.kbc",
		summary: "print the model's graph IR (text, or Graphviz dot): a .kiln model's, a .kir file's, or the program a .kbc holds",
		flags: func(fs *pflag.FlagSet) {
			fs.String("format", "text", "output format: text or dot")
			fs.StringP("weights", "w", "", "bind weights from a safetensors file")
			fs.Bool("print-weights", false, "print parameter data whole instead of a hash and range")
			fs.String("passes", "", "run these passes first (comma-separated: remove-dropout, fold-batchnorm, fuse-activations)")
			passFlags(fs)
		},
		run: runIR,
	})
	register(&command{
		name:    "stats",
		args:    "FILE.kiln | Q.kir | MODEL.kbc",
		summary: "per-op table (per instruction for a .kbc): shape, parameters, MACC, weight and activation bytes",
		flags: func(fs *pflag.FlagSet) {
			fs.String("format", "table", "output format: table or csv")
		},
		run: runStats,
	})
}

// loadProgram reads and checks a .kiln file, printing its errors with
// their source lines, or imports an .onnx (its weights bound). A file of
// another kind (sniff) is an error that says what it is.
func loadProgram(e *env, path string) (*frontend.Program, error) {
	k, err := sniff(path)
	if err == nil && k == kindONNX {
		prog, err := onnx.LoadWith(path, onnx.Options{InputShapes: e.inputShapes})
		if err != nil {
			fmt.Fprintf(e.stderr, "kiln: %v\n", err)
			return nil, errReported
		}
		return prog, nil
	}
	if err == nil && k != kindKiln {
		return nil, notTaken(e.cmd, path, k)
	}
	prog, src, err := frontend.Load(path)
	if err != nil {
		if src == nil {
			fmt.Fprintf(e.stderr, "kiln: %v\n", err)
		} else {
			fmt.Fprint(e.stderr, source.Render(err, src))
		}
		return nil, errReported
	}
	return prog, nil
}

func runFmt(e *env, fs *pflag.FlagSet) error {
	f := flags(fs)
	write, list := f.Bool("write"), f.Bool("list")
	if err := f.Err(); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("missing FILE.kiln")
	}
	if write && list {
		return usagef("-w and -l cannot be used together")
	}
	failed := false
	type rewrite struct {
		path string
		out  []byte
	}
	var rewrites []rewrite // with -w: the files to write, once all are checked
	for _, path := range fs.Args() {
		if k, err := sniff(path); err == nil && k != kindKiln {
			fmt.Fprintf(e.stderr, "kiln fmt: %v\n", notTaken("fmt", path, k))
			failed = true
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(e.stderr, "kiln: %v\n", err)
			failed = true
			continue
		}
		f, err := lang.Parse(path, src)
		if err != nil {
			fmt.Fprint(e.stderr, source.Render(err, src))
			failed = true
			continue
		}
		out := lang.Format(f)
		switch {
		case list:
			if !bytes.Equal(out, src) {
				fmt.Fprintln(e.stdout, path)
			}
		case write:
			if !bytes.Equal(out, src) {
				rewrites = append(rewrites, rewrite{path, out})
			}
		default:
			e.stdout.Write(out)
		}
	}
	var paths []string
	for _, r := range rewrites {
		paths = append(paths, r.path)
	}
	if err := checkOutputs(fs, paths...); err != nil {
		fmt.Fprintf(e.stderr, "kiln: %v\n", err)
		return errReported // no file rewritten
	}
	for _, r := range rewrites {
		if err := fsutil.WriteFileAtomic(r.path, func(w io.Writer) error { _, err := w.Write(r.out); return err }); err != nil {
			fmt.Fprintf(e.stderr, "kiln: %v\n", err)
			failed = true
		}
	}
	if failed {
		return errReported
	}
	return nil
}

func runIR(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln, Q.kir or MODEL.kbc")
	if err != nil {
		return err
	}
	f := flags(fs)
	format, weights, list, whole := f.String("format"), f.String("weights"), f.String("passes"), f.Bool("print-weights")
	if err := f.Err(); err != nil {
		return err
	}
	if format != "text" && format != "dot" {
		return usagef("--format must be text or dot, got %q", format)
	}
	kind, err := modelKind("ir", path)
	if err != nil {
		return err
	}
	switch kind {
	case kindKBC:
		file, err := readKBC(path)
		if err != nil {
			return err
		}
		var b strings.Builder
		printKBC(&b, file)
		fmt.Fprint(e.stdout, b.String())
		return nil
	case kindKIR:
		if err := refuseFlags(fs, path, "holds its weights and is compiled already", "weights", "passes", "pass", "dump-after"); err != nil {
			return err
		}
		g, err := loadKIR(e, path, false)
		if err != nil {
			return err
		}
		if format == "dot" {
			fmt.Fprint(e.stdout, g.Dot())
		} else {
			fmt.Fprint(e.stdout, g.Format(ir.PrintOptions{Weights: whole}))
		}
		return nil
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	if weights != "" {
		if err := bindWeights(prog.Graph, weights); err != nil {
			return err
		}
	}
	names, err := passes.ParseList(list)
	if err != nil {
		return usagef("%v", err)
	}
	for _, n := range names {
		if passes.Lookup(n).Stage != passes.StageFloat {
			return usagef("pass %s needs calibration data: use kiln quantize", n)
		}
	}
	if slices.Contains(names, "fold-batchnorm") && weights == "" {
		// The pass folds parameter values; without them it would do
		// nothing and say nothing.
		for _, v := range prog.Graph.Values {
			if v.Op == ir.OpBatchNorm {
				return usagef("pass fold-batchnorm needs the weights to fold batch norm %s (%s) into the layer beside it: give -w W.safetensors", v.Name, v.Pos)
			}
		}
	}
	switches, err := switchesFromFlags(fs)
	if err != nil {
		return err
	}
	if names == nil {
		names = []string{} // no --passes: run none, show the graph as written
	}
	if _, err := compiler.Compile(prog.Graph, compiler.Options{Until: compiler.Float, Passes: names, Switches: switches, Dump: e.stdout}); err != nil {
		return err
	}
	if format == "dot" {
		fmt.Fprint(e.stdout, prog.Graph.Dot())
		return nil
	}
	fmt.Fprint(e.stdout, prog.Graph.Format(ir.PrintOptions{Weights: whole}))
	return nil
}

// loadWeights loads a safetensors file as weights by name; a file of
// another kind is an error that says what it is. A training checkpoint's
// state tensors (train.StatePrefix) are not weights: they are left out, so
// that a checkpoint serves as weights too; so are the ranges
// quantization-aware training learned (loadWeightsRanges reads them).
func loadWeights(path string) (map[string]*tensor.Tensor, error) {
	w, _, err := loadWeightsRanges(path)
	return w, err
}

// loadWeightsRanges loads weights as loadWeights does, and the ranges
// quantization-aware training learned, by value name.
func loadWeightsRanges(path string) (map[string]*tensor.Tensor, map[string][2]float64, error) {
	w, err := loadAllWeights(path)
	if err != nil {
		return nil, nil, err
	}
	w, ranges, err := train.SplitQATRanges(w)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, ranges, nil
}

// readInputShapes reads --input-shape NAME=D1,D2,... into e.
func readInputShapes(e *env, fs *pflag.FlagSet) error {
	if fs.Lookup("input-shape") == nil {
		return nil
	}
	specs, err := fs.GetStringArray("input-shape")
	if err != nil {
		return err
	}
	for _, s := range specs {
		name, dims, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return usagef("--input-shape %q: want NAME=D1,D2,...", s)
		}
		var shape []int
		for _, d := range strings.Split(dims, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(d))
			if err != nil || n < 1 {
				return usagef("--input-shape %q: dimension %q is not a positive integer", s, d)
			}
			shape = append(shape, n)
		}
		if e.inputShapes == nil {
			e.inputShapes = map[string][]int{}
		}
		e.inputShapes[name] = shape
	}
	return nil
}

// weightsGiven checks -w against the model: a .kiln model needs it, an
// .onnx holds its weights (-w, if given, replaces them by name).
func weightsGiven(path, weights string) error {
	if k, err := sniff(path); err == nil && k == kindONNX || weights != "" {
		return nil
	}
	return usagef("missing -w W.safetensors")
}

func loadAllWeights(path string) (map[string]*tensor.Tensor, error) {
	k, err := sniff(path)
	if err != nil {
		return nil, err
	}
	if k != kindSafetensors {
		return nil, fmt.Errorf("%s: %v, not weights; kiln reads weights from a safetensors file (as kiln train -o writes)", path, k)
	}
	st, err := data.LoadSafetensors(path)
	if err != nil {
		return nil, err
	}
	weights := make(map[string]*tensor.Tensor, len(st.Tensors))
	for _, t := range st.Tensors {
		if !strings.HasPrefix(t.Name, train.StatePrefix) {
			weights[t.Name] = t.T
		}
	}
	return weights, nil
}

// bindWeights loads a safetensors file and binds it to the graph's
// parameters by name.
func bindWeights(g *ir.Graph, path string) error {
	weights, err := loadWeights(path)
	if err != nil {
		return err
	}
	if err := g.Bind(weights); err != nil {
		return fmt.Errorf("%s does not fit model %s:\n%w", path, g.Name, err)
	}
	return nil
}
