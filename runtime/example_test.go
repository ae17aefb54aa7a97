package runtime_test

import (
	"fmt"
	"log"
	"math"
	"sync"

	"github.com/kiln-nn/kiln/runtime"
)

// The program of the package comment (TestDocExample keeps the two the
// same).
func Example() {
	// Load and validate the file once. The Model is immutable: share it.
	m, err := runtime.LoadFile("testdata/tiny.kbc", nil)
	if err != nil {
		log.Fatal(err)
	}
	in, out := m.Inputs()[0], m.Outputs()[0]
	fmt.Printf("model %s: input %s %v%v, output %s %v%v\n", m.Name(), in.Name, in.DType, in.Shape, out.Name, out.DType, out.Shape)

	// A Session runs batches of up to its capacity, in one goroutine at
	// a time; make one per goroutine.
	s, err := m.NewSession(2)
	if err != nil {
		log.Fatal(err)
	}
	// A batch's examples lie one after the other in one slice per input,
	// and the outputs likewise.
	x := []float32{
		0.5, -1, 2, 0.25, // example 0
		-1.5, 0, 1, 1, // example 1
	}
	p := make([]float32, 2*3)
	if err := s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: p}}); err != nil {
		log.Fatal(err)
	}
	for i := range 2 {
		fmt.Printf("example %d: %.4f\n", i, p[3*i:3*i+3])
	}

	// Run checks its arguments and says what it wanted and what it got.
	err = s.Run([]runtime.Value{{I32: []int32{1, 2, 3}}}, []runtime.Value{{F32: p}})
	fmt.Println(err)
	err = s.Run([]runtime.Value{{F32: make([]float32, 3*4)}}, []runtime.Value{{F32: make([]float32, 3*3)}})
	fmt.Println(err)
	x[5] = float32(math.NaN())
	err = s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: p}})
	fmt.Println(err)
	// Output:
	// model tiny: input x f32[4], output p f32[3]
	// example 0: [0.3008 0.5039 0.1953]
	// example 1: [0.3320 0.4102 0.2578]
	// input x: want f32 data in Value.F32, 4 values per example (f32[4]), for 1 to 2 examples; got 3 i32 values (Value.I32)
	// batch of 3 examples; this session was made for batches of up to 2
	// input x: value 5 (example 1, element 1) is NaN; float inputs must be finite unless the model is loaded with Options.AllowNonFinite
}

// A model is loaded once, validated, and shared; its inputs and outputs
// say what Run takes and gives.
func ExampleLoadFile() {
	m, err := runtime.LoadFile("testdata/tiny.kbc", nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range m.Inputs() {
		fmt.Printf("input %s %v%v\n", in.Name, in.DType, in.Shape)
	}
	for _, out := range m.Outputs() {
		fmt.Printf("output %s %v%v\n", out.Name, out.DType, out.Shape)
	}
	fmt.Printf("arena: %d bytes per example\n", m.ArenaSize())
	// Output:
	// input x f32[4]
	// output p f32[3]
	// arena: 128 bytes per example
}

// A session runs batches: the inputs one after the other in one slice, and
// room for the outputs likewise. Run allocates nothing.
func ExampleSession_Run() {
	m, err := runtime.LoadFile("testdata/tiny.kbc", nil)
	if err != nil {
		log.Fatal(err)
	}
	s, err := m.NewSession(2) // batches of up to two examples
	if err != nil {
		log.Fatal(err)
	}
	x := []float32{
		0.5, -1, 2, 0.25, // example 0
		-1.5, 0, 1, 1, // example 1
	}
	p := make([]float32, 2*3)
	if err := s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: p}}); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n%.4f\n", p[:3], p[3:])
	// Output:
	// [0.3008 0.5039 0.1953]
	// [0.3320 0.4102 0.2578]
}

// RunQuantized skips the boundary's float conversions: inputs arrive as
// int8 with the parameters Inputs reports, outputs leave as int8.
func ExampleSession_RunQuantized() {
	m, err := runtime.LoadFile("testdata/tiny.kbc", nil)
	if err != nil {
		log.Fatal(err)
	}
	in, out := m.Inputs()[0], m.Outputs()[0]
	q := make([]int8, 4)
	for i, v := range []float32{0.5, -1, 2, 0.25} {
		q[i] = int8(max(-128, min(127, int32(v/in.Scale+0.5*sign(v))+in.ZeroPoint)))
	}
	p := make([]int8, 3)
	s, err := m.NewSession(1)
	if err != nil {
		log.Fatal(err)
	}
	if err := s.RunQuantized([]runtime.Value{{I8: q}}, []runtime.Value{{I8: p}}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(p, "scale", out.Scale, "zero point", out.ZeroPoint)
	// Output:
	// [-51 1 -78] scale 0.00390625 zero point -128
}

func sign(v float32) float32 {
	if v < 0 {
		return -1
	}
	return 1
}

// A Model is safe to share; give each goroutine its own Session.
func ExampleModel_NewSession() {
	m, err := runtime.LoadFile("testdata/tiny.kbc", nil)
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([][]float32, 4)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := m.NewSession(1)
			if err != nil {
				log.Fatal(err)
			}
			results[g] = make([]float32, 3)
			x := []float32{float32(g), 1, -1, 0.5}
			if err := s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: results[g]}}); err != nil {
				log.Fatal(err)
			}
		}()
	}
	wg.Wait()
	for g, r := range results {
		fmt.Printf("x0=%d: %.4f\n", g, r)
	}
	// Output:
	// x0=0: [0.4102 0.3203 0.2695]
	// x0=1: [0.3906 0.3984 0.2109]
	// x0=2: [0.3672 0.4688 0.1680]
	// x0=3: [0.3320 0.5391 0.1289]
}
