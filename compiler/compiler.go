// Package compiler is kiln's one entry point: it takes a program (source
// or graph), its weights, calibration data and options, runs the pass
// pipeline (passes) and the backend, and returns the artifacts and what
// the passes found. The CLI, the benchmark harness, the tests and the
// examples all build through Compile; no other package composes passes.
//
//	source --frontend--> float graph --float passes--> float shadow
//	       --calibrate, quantize--> int8 graph --backend/bytecode--> .kbc
package compiler

import (
	"fmt"
	"io"

	"github.com/kiln-nn/kiln/backend/bytecode"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/tensor"
)

// Stage is how far Compile goes.
type Stage uint8

const (
	// Float runs the float passes: the result still computes in float32
	// and keeps the program's meaning.
	Float Stage = iota
	// Quantized calibrates and rewrites the graph in int8.
	Quantized
	// Bytecode also encodes the int8 graph as a .kbc file.
	Bytecode
)

func (s Stage) String() string {
	return [...]string{Float: "float", Quantized: "quantized", Bytecode: "bytecode"}[s]
}

// Options configure Compile.
type Options struct {
	// Until is the last stage to run.
	Until Stage
	// Weights, if set, are bound to the graph's parameters by name first.
	Weights map[string]*tensor.Tensor
	// Passes, if set, runs exactly these passes instead of the pipeline's
	// (kiln ir --passes); they must belong to the stages run.
	Passes []string
	// Switches turn passes off, dump the IR after them or time them.
	Switches passes.Switches
	// Calibration is the calibrate pass's options: needed from Quantized
	// on.
	Calibration *passes.Calibration
	// Dump receives what the switches ask to print.
	Dump io.Writer
	// Code stores constants sparse and Huffman-coded where that is
	// smaller (kiln build --code); the VM decodes them at load.
	Code bool
	// Quantization is the quantize pass's options (nil: the defaults,
	// weights per output channel).
	Quantization *passes.Quantization
}

// Result is what Compile made.
type Result struct {
	// Float is the graph after the float passes: the float shadow the
	// int8 graph is measured against (a copy, once the pipeline goes on).
	Float *ir.Graph
	// Graph is the graph after the last stage run (Float itself when that
	// stage is Float).
	Graph *ir.Graph
	// Context holds what the passes found: calibrated ranges, the ops
	// left in float.
	Context *passes.Context
	// Bytecode is the .kbc file, from the Bytecode stage on.
	Bytecode []byte
}

// WeightsError reports weights that do not fit the model's parameters.
type WeightsError struct {
	Model string
	Err   error // every mismatch, one per line
}

func (e *WeightsError) Error() string {
	return fmt.Sprintf("the weights do not fit model %s:\n%v", e.Model, e.Err)
}

func (e *WeightsError) Unwrap() error { return e.Err }

// Source parses and checks a program and compiles its graph. name is the
// file name positions carry.
func Source(name string, src []byte, opt Options) (*frontend.Program, *Result, error) {
	prog, err := frontend.Compile(name, src)
	if err != nil {
		return nil, nil, err
	}
	r, err := Compile(prog.Graph, opt)
	return prog, r, err
}

// Compile runs the pipeline over g, changing it in place, up to
// opt.Until. From the Quantized stage on, a graph with a value that has
// no int8 form (which no build could run) is an *UnbuildableError,
// found before calibration where the source alone says so (Unbuildable).
func Compile(g *ir.Graph, opt Options) (*Result, error) {
	if opt.Weights != nil {
		if err := g.Bind(opt.Weights); err != nil {
			return nil, &WeightsError{Model: g.Name, Err: err}
		}
	}
	stages := []passes.Stage{passes.StageFloat}
	if opt.Until >= Quantized {
		stages = append(stages, passes.StageQuantize)
	}
	names := passes.Names(stages...)
	if opt.Passes != nil {
		for _, n := range opt.Passes {
			p := passes.Lookup(n)
			if p == nil || (p.Stage == passes.StageQuantize && opt.Until < Quantized) {
				return nil, fmt.Errorf("pass %s does not run when compiling to the %v stage", n, opt.Until)
			}
		}
		names = opt.Passes
	}
	cfg := passes.Config{Switches: opt.Switches, Verify: true, Dump: opt.Dump}
	if opt.Calibration != nil || opt.Quantization != nil {
		cfg.Options = map[string]any{}
	}
	if opt.Quantization != nil {
		cfg.Options["quantize"] = opt.Quantization
	}
	if opt.Calibration != nil {
		cfg.Options["calibrate"] = opt.Calibration
	}
	if err := cfg.Check(names); err != nil {
		return nil, err
	}
	r := &Result{Context: &passes.Context{}}
	if err := passes.Run(g, r.Context, stageNames(names, passes.StageFloat), cfg); err != nil {
		return nil, err
	}
	r.Float, r.Graph = g, g
	if opt.Until == Float {
		return r, nil
	}
	if l := unbuildable(g); l != nil {
		return nil, &UnbuildableError{Model: g.Name, List: l}
	}
	r.Float = g.Clone()
	if opt.Calibration == nil {
		return nil, fmt.Errorf("no calibration data: quantizing %s needs a calibration set", g.Name)
	}
	if err := passes.Run(g, r.Context, stageNames(names, passes.StageQuantize), cfg); err != nil {
		return nil, err
	}
	if l := leftFloat(r.Context.Float); l != nil {
		return nil, &UnbuildableError{Model: g.Name, List: l}
	}
	if opt.Until == Quantized {
		return r, nil
	}
	b, err := bytecode.EncodeWith(g, bytecode.Options{Code: opt.Code})
	if err != nil {
		return nil, err
	}
	r.Bytecode = b
	return r, nil
}

// Encode writes an int8 graph as a .kbc file, running no pass: the graph
// Compile's Quantized stage made, or one read back from its text form (a
// .kir file, through ir.Parse) with its parameters' data whole. Of opt,
// only Code applies.
func Encode(g *ir.Graph, opt Options) ([]byte, error) {
	for _, p := range g.Params() {
		if p.Data == nil {
			return nil, fmt.Errorf("parameter %s has no data (the IR text gave only its summary)", p.Name)
		}
	}
	return bytecode.EncodeWith(g, bytecode.Options{Code: opt.Code})
}

// stageNames keeps the names of one stage's passes.
func stageNames(names []string, s passes.Stage) []string {
	var out []string
	for _, n := range names {
		if passes.Lookup(n).Stage == s {
			out = append(out, n)
		}
	}
	return out
}
