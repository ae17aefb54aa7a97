// Package runtime is kiln's virtual machine: it loads a .kbc file, checks
// every part of it once, and runs it with int8 kernels and no allocation.
//
// An application loads a model once (Load or LoadFile), shares the Model
// between goroutines, and runs batches through Sessions, one per
// goroutine. Loading refuses a malformed or hostile file with an error
// that names what is wrong; a model that loads runs without checks and
// cannot fault.
//
// This program classifies two examples with the model of the package's
// testdata (four floats in, three class probabilities out; kiln build
// writes such files) and shows what a mistaken call returns. It is the
// package's Example, run by go test with its output checked:
//
//	package main
//
//	import (
//		"fmt"
//		"log"
//		"math"
//
//		"github.com/kiln-nn/kiln/runtime"
//	)
//
//	func main() {
//		// Load and validate the file once. The Model is immutable: share it.
//		m, err := runtime.LoadFile("testdata/tiny.kbc", nil)
//		if err != nil {
//			log.Fatal(err)
//		}
//		in, out := m.Inputs()[0], m.Outputs()[0]
//		fmt.Printf("model %s: input %s %v%v, output %s %v%v\n", m.Name(), in.Name, in.DType, in.Shape, out.Name, out.DType, out.Shape)
//
//		// A Session runs batches of up to its capacity, in one goroutine at
//		// a time; make one per goroutine.
//		s, err := m.NewSession(2)
//		if err != nil {
//			log.Fatal(err)
//		}
//		// A batch's examples lie one after the other in one slice per input,
//		// and the outputs likewise.
//		x := []float32{
//			0.5, -1, 2, 0.25, // example 0
//			-1.5, 0, 1, 1, // example 1
//		}
//		p := make([]float32, 2*3)
//		if err := s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: p}}); err != nil {
//			log.Fatal(err)
//		}
//		for i := range 2 {
//			fmt.Printf("example %d: %.4f\n", i, p[3*i:3*i+3])
//		}
//
//		// Run checks its arguments and says what it wanted and what it got.
//		err = s.Run([]runtime.Value{{I32: []int32{1, 2, 3}}}, []runtime.Value{{F32: p}})
//		fmt.Println(err)
//		err = s.Run([]runtime.Value{{F32: make([]float32, 3*4)}}, []runtime.Value{{F32: make([]float32, 3*3)}})
//		fmt.Println(err)
//		x[5] = float32(math.NaN())
//		err = s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: p}})
//		fmt.Println(err)
//	}
//
// It prints:
//
//	model tiny: input x f32[4], output p f32[3]
//	example 0: [0.3008 0.5039 0.1953]
//	example 1: [0.3320 0.4102 0.2578]
//	input x: want f32 data in Value.F32, 4 values per example (f32[4]), for 1 to 2 examples; got 3 i32 values (Value.I32)
//	batch of 3 examples; this session was made for batches of up to 2
//	input x: value 5 (example 1, element 1) is NaN; float inputs must be finite unless the model is loaded with Options.AllowNonFinite
//
// # Errors, not panics
//
// No argument makes a function of this package panic. Load and LoadFile
// refuse bad files; NewSession refuses a capacity below 1 or one whose
// memory exceeds Options.MaxSessionMemory; Run and RunQuantized refuse a
// wrong number of values, the wrong slice of a Value (its dtype), lengths
// that are not whole examples, inputs whose batch sizes differ, a batch
// larger than the session's capacity, outputs without room for exactly
// the batch, a closed Session, and a nil or zero Session. A panic inside
// a kernel, which loading is meant to rule out, is recovered and returned
// as an *InternalError, whichever goroutine ran it.
//
// # Threads
//
// A Session runs on the goroutine that calls Run unless the Model was
// loaded with Options.Threads above 1. Then it splits a large dense
// layer's output channels, and the examples of each run of instructions
// that work example by example (all but the embeddings: each thread
// takes its examples through the whole run), across up to that many
// goroutines of its own, started on the first Run that needs them and
// reused by every Run after it without allocating; the results are the
// same bits as on one thread. Close stops them. Batch 1 and small models
// stay on the calling goroutine.
//
// # NaN and infinite inputs
//
// Run refuses a float input that holds a NaN or an infinity, with an
// error naming the input and the value's index: a model quantizes its
// inputs to int8, which has no code for them, so such a value would turn
// silently into an ordinary one. Options.AllowNonFinite lets them through
// and says what each becomes. Checking costs one pass over the input
// values per Run.
//
// # Format
//
// The file format is kiln's internal/kbc package (its grammar, its
// decoder and every opcode's operand schema, shared with the compiler's
// encoder); FORMAT.md describes it for people. This package reads the
// file through it and checks what the contents mean: shapes against
// opcodes, the memory plan, the limits the caller sets.
//
// The package imports only the standard library, golang.org/x/sys/cpu and
// kiln's own runtime and format packages: an application that embeds it
// pulls in no parser, no compiler and no training code.
package runtime
