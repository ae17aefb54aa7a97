package main

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// The quantized IR file (.kir): the int8 graph that kiln quantize -o
// writes, in the IR's text form with the weights whole. ir.Parse reads it
// back, so the other commands take it where they take a model: ir and
// stats show it, build encodes it as it is (no weights to bind, no
// calibration), run and eval execute it on the integer reference executor
// (ir.Run), the oracle the VM matches bit for bit.

// loadKIR reads and verifies a .kir file, printing its errors with their
// lines. With weights set, every parameter must hold its data, not only
// the summary kiln ir prints.
func loadKIR(e *env, path string, weights bool) (*ir.Graph, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	g, err := ir.Parse(path, src)
	if err != nil {
		fmt.Fprint(e.stderr, source.Render(err, src))
		return nil, errReported
	}
	if weights {
		for _, p := range g.Params() {
			if p.Data == nil {
				return nil, fmt.Errorf("%s: parameter %s holds only a summary of its data, %s; write the file with kiln quantize -o, which keeps the weights whole", path, p.Name, p.Summary)
			}
		}
	}
	return g, nil
}

// refuseFlags is a usage error for the first of the named flags given on
// the command line, which a .kir (compiled already) has no use for.
func refuseFlags(fs *pflag.FlagSet, path, why string, names ...string) error {
	for _, n := range names {
		if f := fs.Lookup(n); f != nil && f.Changed {
			name := "--" + n
			if f.Shorthand != "" {
				name = "-" + f.Shorthand
			}
			return usagef("%s is for a .kiln model: %s %s", name, path, why)
		}
	}
	return nil
}

// buildKIR encodes a .kir file's graph as bytecode (kiln build Q.kir -o
// out), checking out before the work.
func buildKIR(e *env, fs *pflag.FlagSet, path, out string) (*ir.Graph, []byte, error) {
	if err := refuseFlags(fs, path, "is quantized already", "weights", "calibrate", "samples", "method", "percentile", "per-tensor", "report", "eval", "pass", "dump-after"); err != nil {
		return nil, nil, err
	}
	if err := checkOutputs(fs, out); err != nil {
		return nil, nil, err
	}
	g, err := loadKIR(e, path, true)
	if err != nil {
		return nil, nil, err
	}
	code, _ := fs.GetBool("code")
	b, err := compiler.Encode(g, compiler.Options{Code: code})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, b, nil
}

// evalKIR scores a .kir file's graph, run by the integer reference
// executor, on the held-out part of a data set.
func evalKIR(e *env, path, spec string, confusion bool) error {
	g, err := loadKIR(e, path, true)
	if err != nil {
		return err
	}
	set, part, err := heldOut(spec)
	if err != nil {
		return err
	}
	metrics, err := train.EvaluateWith(g, set, 256, refForward(g))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	printScore(e, g.Name, spec, part, metrics, set, confusion)
	return nil
}

// refForward runs batches on the reference executor for
// train.EvaluateWith: inputs in the graph's order.
func refForward(g *ir.Graph) func([]*tensor.Tensor) ([]*tensor.Tensor, error) {
	inputs := g.Inputs()
	return func(in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		feeds := map[string]*tensor.Tensor{}
		for i, x := range in {
			feeds[inputs[i].Name] = x
		}
		return ir.Run(g, feeds)
	}
}
