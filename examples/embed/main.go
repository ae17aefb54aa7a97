// Command embed is a small program that embeds kiln's VM: it loads a .kbc
// classifier and prints the class of each example in an NPY file.
//
//	go run ./examples/embed model.kbc images.npy
//
// It imports only the runtime (and the NPY reader of package data, for its
// input file): no compiler, no training code.
package main

import (
	"fmt"
	"os"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/runtime"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: embed MODEL.kbc INPUTS.npy")
		os.Exit(2)
	}
	classes, err := classify(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
	for i, c := range classes {
		fmt.Printf("%d\t%d\n", i, c)
	}
}

// classify runs a one-input, one-output classifier on every example of an
// NPY file and returns the index of each example's largest output.
func classify(modelPath, inputPath string) ([]int, error) {
	m, err := runtime.LoadFile(modelPath, nil)
	if err != nil {
		return nil, err
	}
	if len(m.Inputs()) != 1 || len(m.Outputs()) != 1 || m.Inputs()[0].DType != runtime.F32 {
		return nil, fmt.Errorf("%s: want one float input and one output", modelPath)
	}
	x, err := data.LoadNPY(inputPath)
	if err != nil {
		return nil, err
	}
	per := 1
	for _, d := range m.Inputs()[0].Shape {
		per *= d
	}
	classesN := 1
	for _, d := range m.Outputs()[0].Shape {
		classesN *= d
	}
	if x.F32 == nil || len(x.F32)%per != 0 {
		return nil, fmt.Errorf("%s: %v does not hold whole examples of %v floats", inputPath, x, m.Inputs()[0].Shape)
	}
	n := len(x.F32) / per
	const batch = 64
	s, err := m.NewSession(batch)
	if err != nil {
		return nil, err
	}
	out := make([]float32, batch*classesN)
	classes := make([]int, 0, n)
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		o := out[:(hi-lo)*classesN]
		if err := s.Run([]runtime.Value{{F32: x.F32[lo*per : hi*per]}}, []runtime.Value{{F32: o}}); err != nil {
			return nil, err
		}
		for r := 0; r < hi-lo; r++ {
			row := o[r*classesN : (r+1)*classesN]
			best := 0
			for j := range row {
				if row[j] > row[best] {
					best = j
				}
			}
			classes = append(classes, best)
		}
	}
	return classes, nil
}
