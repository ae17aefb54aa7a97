// Package testbuild compiles a model for tests the one way they share:
// seeded random weights, min/max calibration on seeded synthetic inputs,
// then the whole pipeline to bytecode.
package testbuild

import (
	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/passes"
)

// Compile compiles the model in src (named file in errors), gives it
// random weights (seed 1), calibrates it on 32 of 96 synthetic examples
// (seed 2) and builds it to bytecode, with the quantize pass's options q
// (nil for the defaults). The same source gives the same result.
func Compile(file string, src []byte, q *passes.Quantization) (*compiler.Result, error) {
	p, err := frontend.Compile(file, src)
	if err != nil {
		return nil, err
	}
	g := p.Graph
	testmodels.Randomize(g, 1)
	set := testmodels.Synthetic(g, 96, 2)
	return compiler.Compile(g, compiler.Options{Until: compiler.Bytecode, Quantization: q,
		Calibration: &passes.Calibration{Data: testmodels.Feed(g, set, 32), Method: "minmax"}})
}
