package runtime

import (
	"fmt"

	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/runtime/kernels"
)

func loadTestdata(t testing.TB, name string, opt *Options) *Model {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(b, opt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func f32s(n int) []float32 { return make([]float32, n) }

// TestNewSessionArguments: every capacity, and a nil Model, gives a
// session or an error, never a panic or an allocation the size of a
// mistaken capacity.
func TestNewSessionArguments(t *testing.T) {
	m := loadTestdata(t, "tiny.kbc", nil)
	for _, c := range []struct {
		capacity int
		want     string
	}{
		{0, "session capacity 0: a session runs batches of at least 1 example"},
		{-1, "session capacity -1"},
		{math.MinInt, "session capacity"},
		{1 << 40, "a session for batches of up to 1,099,511,627,776 examples needs 140,737,488,355,328 or more bytes of arena and scratch (128 of arena per example); the limit is 1,073,741,824 bytes (Options.MaxSessionMemory)"},
		{math.MaxInt, "Options.MaxSessionMemory"},
		{DefaultMaxSessionMemory/m.arena + 1, "Options.MaxSessionMemory"},
		{1, ""},
		{1000, ""},
	} {
		s, err := m.NewSession(c.capacity)
		if c.want == "" {
			if err != nil || s == nil || s.Capacity() != c.capacity {
				t.Errorf("NewSession(%d): %v", c.capacity, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || s != nil {
			t.Errorf("NewSession(%d): got %v, want an error containing %q", c.capacity, err, c.want)
		}
	}
	var nilModel *Model
	if _, err := nilModel.NewSession(1); err == nil || !strings.Contains(err.Error(), "nil *Model") {
		t.Errorf("nil Model: %v", err)
	}
	if nilModel.Name() != "" || nilModel.Inputs() != nil || nilModel.Outputs() != nil || nilModel.ArenaSize() != 0 {
		t.Errorf("a nil Model's accessors return more than zero values")
	}
	var nilSession *Session
	if nilSession.Model() != nil || nilSession.Capacity() != 0 {
		t.Errorf("a nil Session's accessors return more than zero values")
	}
}

// TestSessionMemoryLimit: Options.MaxSessionMemory bounds a session's
// arena and scratch; a session just within it is made, one example more
// is refused.
func TestSessionMemoryLimit(t *testing.T) {
	const limit = 64 << 10
	m := loadTestdata(t, "tiny.kbc", &Options{MaxSessionMemory: limit})
	largest := 0
	for c := 1; c < limit; c++ {
		if _, _, ok := m.sessionMemory(c, m.threads); !ok {
			break
		}
		largest = c
	}
	if largest < 2 || largest >= limit/m.arena+1 {
		t.Fatalf("largest capacity within %d bytes: %d", limit, largest)
	}
	if _, err := m.NewSession(largest); err != nil {
		t.Errorf("capacity %d: %v", largest, err)
	}
	if _, err := m.NewSession(largest + 1); err == nil || !strings.Contains(err.Error(), "the limit is 65,536 bytes") {
		t.Errorf("capacity %d: %v", largest+1, err)
	}
	// A limit below one example's needs refuses the model at load, which
	// runs it once.
	b, err := os.ReadFile("testdata/tiny.kbc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(b, &Options{MaxSessionMemory: 64}); err == nil || !strings.Contains(err.Error(), "the limit is 64 bytes") {
		t.Errorf("a 64-byte session limit: %v", err)
	}
}

// TestRunArguments: each mistaken call of Run and RunQuantized returns an
// error that says what was wanted and what was given.
func TestRunArguments(t *testing.T) {
	tiny := loadTestdata(t, "tiny.kbc", nil)
	ops := loadTestdata(t, "ops.kbc", nil) // x f32[2,8,8], ids i32[3] -> y f32[3]
	s2, err := tiny.NewSession(2)
	if err != nil {
		t.Fatal(err)
	}
	s1, err := tiny.NewSession(1)
	if err != nil {
		t.Fatal(err)
	}
	so, err := ops.NewSession(4)
	if err != nil {
		t.Fatal(err)
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	withAt := func(n, i int, v float32) []float32 { x := f32s(n); x[i] = v; return x }
	out := []Value{{F32: f32s(3)}}
	for _, c := range []struct {
		name      string
		s         *Session
		quantized bool
		in, out   []Value
		want      string
	}{
		{"no inputs", s2, false, nil, out, "model tiny takes 1 input (x) and gives 1 output (p); got 0 input values and 1 output values"},
		{"too many outputs", s2, false, []Value{{F32: f32s(4)}}, []Value{{F32: f32s(3)}, {F32: f32s(3)}}, "got 1 input values and 2 output values"},
		{"an empty Value", s2, false, []Value{{}}, out, "input x: want f32 data in Value.F32, 4 values per example (f32[4]), for 1 to 2 examples; got none"},
		{"an empty slice", s2, false, []Value{{F32: []float32{}}}, out, "input x: want f32 data in Value.F32, 4 values per example (f32[4]), for 1 to 2 examples; got none"},
		{"int32 data", s2, false, []Value{{I32: make([]int32, 100)}}, out, "input x: want f32 data in Value.F32, 4 values per example (f32[4]), for 1 to 2 examples; got 100 i32 values (Value.I32)"},
		{"int8 data to Run", s2, false, []Value{{I8: make([]int8, 4)}}, out, "got 4 i8 values (Value.I8); Run takes f32 data (RunQuantized takes int8)"},
		{"float data to RunQuantized", s2, true, []Value{{F32: f32s(4)}}, []Value{{I8: make([]int8, 3)}}, "input x: want i8 data in Value.I8, 4 values per example (i8[4]), for 1 to 2 examples; got 4 f32 values (Value.F32); RunQuantized takes float inputs already quantized"},
		{"two slices", s2, false, []Value{{F32: f32s(4), I32: make([]int32, 2)}}, out, "got those (4 values) and 2 more in another of Value's slices; set only Value.F32"},
		{"part of an example", s2, false, []Value{{F32: f32s(5)}}, out, "input x: 5 f32 values are not a whole number of examples of 4 values (f32[4])"},
		{"over capacity", s1, false, []Value{{F32: f32s(12)}}, []Value{{F32: f32s(9)}}, "batch of 3 examples; this session was made for batches of up to 1"},
		{"output nil", s2, false, []Value{{F32: f32s(8)}}, []Value{{}}, "output p: want room in Value.F32 for 6 f32 values, 2 examples of f32[3]; got none"},
		{"output short", s2, false, []Value{{F32: f32s(8)}}, []Value{{F32: f32s(5)}}, "output p: want room in Value.F32 for 6 f32 values, 2 examples of f32[3]; got room for 5"},
		{"output long", s2, false, []Value{{F32: f32s(4)}}, []Value{{F32: f32s(6)}}, "output p: want room in Value.F32 for 3 f32 values, 1 example of f32[3]; got room for 6"},
		{"output dtype", s2, false, []Value{{F32: f32s(4)}}, []Value{{I8: make([]int8, 3)}}, "output p: want room in Value.F32 for 3 f32 values, 1 example of f32[3]; got 3 i8 values (Value.I8)"},
		{"NaN", s2, false, []Value{{F32: withAt(8, 6, nan)}}, []Value{{F32: f32s(6)}}, "input x: value 6 (example 1, element 2) is NaN; float inputs must be finite unless the model is loaded with Options.AllowNonFinite"},
		{"+Inf", s2, false, []Value{{F32: withAt(4, 0, inf)}}, out, "input x: value 0 (example 0, element 0) is +Inf"},
		{"-Inf", s2, false, []Value{{F32: withAt(4, 3, -inf)}}, out, "input x: value 3 (example 0, element 3) is -Inf"},
		{"batch sizes differ", so, false, []Value{{F32: f32s(2 * 128)}, {I32: make([]int32, 3)}}, []Value{{F32: f32s(6)}}, "input ids holds 1 example and input x 2 examples: the inputs' batch sizes differ"},
		{"ids as floats", so, false, []Value{{F32: f32s(128)}, {F32: f32s(3)}}, []Value{{F32: f32s(3)}}, "input ids: want i32 data in Value.I32, 3 values per example (i32[3]), for 1 to 4 examples; got 3 f32 values (Value.F32)"},
		{"nil Session", nil, false, []Value{{F32: f32s(4)}}, out, "Run on a Session not made by Model.NewSession"},
		{"zero Session", &Session{}, false, []Value{{F32: f32s(4)}}, out, "Run on a Session not made by Model.NewSession"},
	} {
		run := c.s.Run
		if c.quantized {
			run = c.s.RunQuantized
		}
		err := run(c.in, c.out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v\nwant an error containing %q", c.name, err, c.want)
		}
	}
}

// TestNonFiniteAllowed: with Options.AllowNonFinite, Run takes NaN and
// infinities and computes what Options documents: NaN as 0 (the input's
// zero point), +Inf as the largest float, -Inf as the most negative one;
// on both kernel sets, the vector path (ops.kbc's 128 floats) and the
// scalar one (tiny.kbc's 4).
func TestNonFiniteAllowed(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, file := range []string{"tiny.kbc", "ops.kbc"} {
		for _, portable := range []bool{false, true} {
			m := loadTestdata(t, file, &Options{AllowNonFinite: true, Portable: portable})
			s, err := m.NewSession(1)
			if err != nil {
				t.Fatal(err)
			}
			run := func(x []float32) []float32 {
				in := []Value{{F32: x}}
				if len(m.inputs) == 2 {
					in = append(in, Value{I32: make([]int32, 3)})
				}
				out := []Value{{F32: f32s(3)}}
				if err := s.Run(in, out); err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				return out[0].F32
			}
			size := m.tensors[m.inputs[0]].elems
			for _, c := range []struct {
				odd, same float32
			}{{nan, 0}, {inf, math.MaxFloat32}, {-inf, -math.MaxFloat32}, {inf, 1e30}} {
				x, y := f32s(size), f32s(size)
				for i := range x {
					x[i] = float32(i%7)/3 - 1
					y[i] = x[i]
					if i%3 == 0 {
						x[i], y[i] = c.odd, c.same
					}
				}
				if got, want := run(x), run(y); !slices.Equal(got, want) {
					t.Errorf("%s (portable %v): %v as input gives %v, %v gives %v", file, portable, c.odd, got, c.same, want)
				}
			}
		}
	}
}

// TestNonFinite checks the scan for NaN and infinities at every position
// of the AVX2 scan's 32-value blocks, the head before a uint64 boundary,
// the sixteen-value blocks and the tail, on slices starting at either
// alignment.
func TestNonFinite(t *testing.T) {
	odd := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), math.Float32frombits(0x7fc00001), math.Float32frombits(0xff800001)}
	fine := []float32{0, -0, 1, -1, math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-40}
	for n := 0; n < 100; n++ {
		for off := range 2 {
			testNonFinite(t, f32s(n + off)[off:], odd, fine)
		}
	}
}

func testNonFinite(t *testing.T, x, odd, fine []float32) {
	n := len(x)
	for i := range x {
		x[i] = fine[i%len(fine)]
	}
	if got := kernels.NonFinite(x); got != -1 {
		t.Errorf("n=%d, all finite: got %d", n, got)
	}
	for i := 0; i < n; i++ {
		for _, v := range odd {
			was, last := x[i], x[n-1]
			x[i] = v
			if i+1 < n {
				x[n-1] = v // a later one too: the first is reported
			}
			if got := kernels.NonFinite(x); got != i {
				t.Errorf("n=%d at %p, %v at %d: got %d", n, x, v, i, got)
			}
			x[i], x[n-1] = was, last
		}
	}
}

// BenchmarkNonFinite times Run's scan of float inputs for NaN and
// infinities on LeNet's input, one 28x28 image and a batch of 64.
func BenchmarkNonFinite(b *testing.B) {
	for _, n := range []int{784, 64 * 784} {
		x := f32s(n)
		for i := range x {
			x[i] = float32(i%256) / 255
		}
		b.Run(fmt.Sprintf("values=%d", n), func(b *testing.B) {
			b.SetBytes(int64(4 * n))
			for b.Loop() {
				if kernels.NonFinite(x) >= 0 {
					b.Fatal("found one")
				}
			}
		})
	}
}

// TestOptionsKernels: a model runs the kernel set Options.Kernels names
// when it can run here, and Load says why when it cannot.
func TestOptionsKernels(t *testing.T) {
	b, err := os.ReadFile("testdata/tiny.kbc")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(b, &Options{Kernels: "portable"})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	m.Disassemble(&text, 100)
	if !strings.Contains(text.String(), "portable Go kernels") {
		t.Errorf("Kernels: portable: the listing says %q", strings.SplitN(text.String(), "\n", 2)[0])
	}
	for _, name := range kernels.Runnable() {
		m, err := Load(b, &Options{Kernels: name})
		if err != nil {
			t.Fatalf("Kernels: %s (runnable here): %v", name, err)
		}
		if m.Kernels() != name {
			t.Errorf("Kernels: %s: the model runs %s", name, m.Kernels())
		}
		text.Reset()
		m.Disassemble(&text, 100)
		if want := name + " kernels"; name != "portable" && !strings.Contains(text.String(), want) {
			t.Errorf("Kernels: %s: the listing says %q", name, strings.SplitN(text.String(), "\n", 2)[0])
		}
	}
	if m, err := Load(b, nil); err != nil || m.Kernels() != kernels.KernelName() {
		t.Errorf("default: the model runs %q, the process %q (%v)", m.Kernels(), kernels.KernelName(), err)
	}
	// A set this machine does not run (on amd64 sdot, on arm64 amx).
	var absent string
	for _, name := range kernels.SetNames {
		if !slices.Contains(kernels.Runnable(), name) {
			absent = name
			break
		}
	}
	for _, c := range []struct{ set, want string }{
		{"fast", `kernel set "fast" is not one of portable, avx2, avxvnni, avx512vnni, amx, sdot, neon`},
		{absent, "kernel set " + absent},
	} {
		if _, err := Load(b, &Options{Kernels: c.set}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Kernels: %s: Load error %v, want %q", c.set, err, c.want)
		}
	}
}
