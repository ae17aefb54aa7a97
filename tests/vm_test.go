package tests

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiln-nn/kiln/internal/testbuild"

	"github.com/kiln-nn/kiln/backend/plan"
	"github.com/kiln-nn/kiln/runtime/kernels"

	"github.com/kiln-nn/kiln/backend/bytecode"
	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/tensor"
)

var concurrencyTime = flag.Duration("vm.concurrency", time.Second, "how long TestConcurrentSessions runs its 64 goroutines")

// built is an example compiled to bytecode, with what the tests need
// around it.
type built struct {
	name  string
	float *ir.Graph // after the structural passes
	quant *ir.Graph
	kbc   []byte
}

var (
	builtOnce sync.Once
	builtAll  []built
	builtErr  error
)

// buildExamples quantizes every example (random weights, random
// calibration data) and encodes it, once per test binary.
func buildExamples(t testing.TB) []built {
	t.Helper()
	builtOnce.Do(func() {
		files, _ := filepath.Glob("../examples/*.kiln")
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				builtErr = err
				return
			}
			b, err := buildSource(filepath.Base(path), src)
			if err != nil {
				builtErr = err
				return
			}
			builtAll = append(builtAll, b)
		}
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	if len(builtAll) < 9 {
		t.Fatalf("built %d examples", len(builtAll))
	}
	return builtAll
}

// buildSource compiles a model, gives it random weights, quantizes it on
// random calibration data and encodes it.
func buildSource(name string, src []byte) (built, error) {
	r, err := testbuild.Compile(name, src, nil)
	if err != nil {
		return built{}, err
	}
	return built{name: name, float: r.Float, quant: r.Graph, kbc: r.Bytecode}, nil
}

// batch holds inputs for n examples, as the VM and the reference
// executor each take them.
type batch struct {
	n      int
	values []runtime.Value
	feeds  map[string]*tensor.Tensor
}

func makeBatch(b built, n int, seed uint64) batch {
	set := testmodels.Synthetic(b.float, n, seed)
	bt := batch{n: n, feeds: map[string]*tensor.Tensor{}}
	for i, in := range b.quant.Inputs() {
		x := set.Inputs[i].T
		bt.feeds[in.Name] = x
		bt.values = append(bt.values, runtime.Value{F32: x.F32, I32: x.I32})
	}
	return bt
}

// reference runs the quantized graph on the integer reference executor
// and returns its outputs and the int8 values behind them.
func reference(t *testing.T, g *ir.Graph, bt batch) (outs []*tensor.Tensor, int8s [][]int8) {
	t.Helper()
	want := map[*ir.Value]int{}
	for i, o := range g.Outputs {
		want[o.Args[0]] = i
	}
	int8s = make([][]int8, len(g.Outputs))
	err := ir.RunEach(g, bt.feeds, func(v *ir.Value, x *tensor.Tensor) {
		if i, ok := want[v]; ok {
			int8s[i] = x.I8
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err = ir.Run(g, bt.feeds)
	if err != nil {
		t.Fatal(err)
	}
	return outs, int8s
}

func outputsFor(m *runtime.Model, n int, quantized bool) []runtime.Value {
	var outs []runtime.Value
	for _, o := range m.Outputs() {
		size := n
		for _, d := range o.Shape {
			size *= d
		}
		if quantized {
			outs = append(outs, runtime.Value{I8: make([]int8, size)})
		} else {
			outs = append(outs, runtime.Value{F32: make([]float32, size)})
		}
	}
	return outs
}

// TestVMBitExact runs every example on the VM — on every kernel set this
// machine runs (kernels.Runnable: the portable kernels and each assembly
// set the CPU has) — on 1,000 random inputs and compares every output bit
// with the integer reference executor's.
func TestVMBitExact(t *testing.T) {
	for _, b := range buildExamples(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			checkBitExact(t, b, 10, 100)
		})
	}
}

// TestVMLateInput: a model whose second input is quantized after layers
// that the memory plan lets reuse its bytes. RunQuantized must write that
// int8 input when its quantize would run, not before the first
// instruction (where those layers would overwrite it).
func TestVMLateInput(t *testing.T) {
	const src = `model late_input {
  input x: f32[64]
  input z: f32[64]
  a = relu(dense(x, 64))
  b = relu(dense(a, 64))
  c = relu(dense(b, 64))
  output y = dense(c, 4)
  output w = dense(z, 4)
}
`
	b, err := buildSource("late_input.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Arena(b.quant)
	if err != nil {
		t.Fatal(err)
	}
	if zq, a := b.quant.Lookup("z.q"), b.quant.Lookup("a.q"); zq == nil || a == nil || p.Offset[zq] != p.Offset[a] {
		t.Fatal("the plan no longer gives z.q's bytes to a.q: the test needs another model")
	}
	checkBitExact(t, b, 2, 100)
}

// checkBitExact runs batches of random inputs through b on every kernel
// set this machine runs, with float and with int8 boundaries, and
// compares every output with the reference executor's.
func checkBitExact(t *testing.T, b built, batches, size int) {
	t.Helper()
	var sessions []*runtime.Session
	sets := kernels.Runnable()
	for _, set := range sets {
		m, err := runtime.Load(b.kbc, &runtime.Options{Kernels: set})
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, newSession(t, m, size))
	}
	for k := 0; k < batches; k++ {
		bt := makeBatch(b, size, uint64(100+k))
		want, want8 := reference(t, b.quant, bt)
		for si, s := range sessions {
			m := s.Model()
			got := outputsFor(m, bt.n, false)
			if err := s.Run(bt.values, got); err != nil {
				t.Fatal(err)
			}
			got8 := outputsFor(m, bt.n, true)
			if err := s.RunQuantized(quantizeInputs(m, bt), got8); err != nil {
				t.Fatal(err)
			}
			for i := range want {
				for j, x := range want[i].F32 {
					if math.Float32bits(x) != math.Float32bits(got[i].F32[j]) {
						t.Fatalf("%s kernels: output %d element %d: VM %v, reference %v", sets[si], i, j, got[i].F32[j], x)
					}
				}
				if !bytes.Equal(int8Bytes(want8[i]), int8Bytes(got8[i].I8)) {
					t.Fatalf("%s kernels: output %d: the int8 values differ", sets[si], i)
				}
			}
		}
	}
}

// TestVMConvGeometry covers the convolution geometries the examples do
// not: strides, padding, dilation, groups (depthwise included) and the
// 1x1 convolutions that read their input as the patch matrix.
func TestVMConvGeometry(t *testing.T) {
	cases := map[string]string{
		"stride2-pad1":     "input x: f32[3, 11, 9]\n  output y = conv2d(x, 5, kernel=3, stride=2, pad=1)",
		"dilation2":        "input x: f32[2, 12, 10]\n  output y = conv2d(x, 9, kernel=3, dilation=2, pad=2)",
		"groups":           "input x: f32[4, 7, 7]\n  output y = relu(conv2d(x, 6, kernel=3, groups=2, pad=1))",
		"depthwise":        "input x: f32[8, 6, 6]\n  output y = conv2d(x, 8, kernel=3, groups=8, stride=2)",
		"depthwise-pad":    "input x: f32[6, 7, 7]\n  output y = relu(conv2d(x, 6, kernel=3, groups=6, pad=1))",
		"depthwise-x2":     "input x: f32[4, 8, 8]\n  output y = conv2d(x, 8, kernel=3, groups=4, pad=1, stride=2)",
		"depthwise-dil":    "input x: f32[5, 10, 9]\n  output y = conv2d(x, 5, kernel=3, groups=5, dilation=2, pad=2)",
		"depthwise-1d":     "input x: f32[6, 31]\n  output y = conv1d(x, 6, kernel=5, groups=6, stride=3, pad=2)",
		"depthwise-wide":   "input x: f32[3, 3, 4]\n  output y = conv2d(x, 3, kernel=5, groups=3, pad=2)",
		"depthwise-side":   "input x: f32[4, 5, 12]\n  output y = conv2d(x, 4, kernel=[1, 3], pad=[0, 1], groups=4, stride=2)",
		"depthwise-dil-x2": "input x: f32[3, 11, 10]\n  output y = conv2d(x, 3, kernel=3, groups=3, dilation=2, stride=2, pad=1)",
		"1x1":              "input x: f32[16, 5, 5]\n  output y = conv2d(x, 12, kernel=1)",
		"1x1-stride2":      "input x: f32[6, 9, 9]\n  output y = conv2d(x, 4, kernel=1, stride=2)",
		"wide-kernel":      "input x: f32[1, 6, 5]\n  output y = conv2d(x, 3, kernel=7, pad=3)",
		"conv1d-stride3":   "input x: f32[5, 40]\n  output y = conv1d(x, 7, kernel=4, stride=3, pad=2)",
		"conv1d-dil":       "input x: f32[3, 33]\n  output y = conv1d(x, 17, kernel=3, dilation=3)",
		"unpadded-dil":     "input x: f32[4, 9, 8]\n  output y = conv2d(x, 6, kernel=3, dilation=2, groups=2)",
		"pad-one-side":     "input x: f32[2, 5, 12]\n  output y = conv2d(x, 3, kernel=[1, 3], pad=[0, 1])",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := buildSource(name+".kiln", []byte("model m {\n  "+body+"\n}\n"))
			if err != nil {
				t.Fatal(err)
			}
			checkBitExact(t, b, 3, 7)
		})
	}
}

// quantizeInputs quantizes a batch's float inputs with the model's input
// parameters, for RunQuantized.
// TestVMEveryOpcode runs the model that holds every opcode (opsModel) on
// the VM, both kernel sets, against the integer reference executor: 1,000
// random examples, every output and int8 value bit-identical.
func TestVMEveryOpcode(t *testing.T) {
	b, err := buildSource("ops.kiln", []byte(opsModel))
	if err != nil {
		t.Fatal(err)
	}
	checkBitExact(t, b, 10, 100)
}

func quantizeInputs(m *runtime.Model, bt batch) []runtime.Value {
	var vs []runtime.Value
	for i, info := range m.Inputs() {
		v := bt.values[i]
		if info.DType == runtime.F32 {
			q := make([]int8, len(v.F32))
			for j, x := range v.F32 {
				r := math.Round(float64(x/info.Scale)) + float64(info.ZeroPoint)
				q[j] = int8(min(max(r, -128), 127))
			}
			v = runtime.Value{I8: q}
		}
		vs = append(vs, v)
	}
	return vs
}

func int8Bytes(x []int8) []byte {
	b := make([]byte, len(x))
	for i, v := range x {
		b[i] = byte(v)
	}
	return b
}

// TestBuildDeterministic: the same model gives the same bytes.
func TestBuildDeterministic(t *testing.T) {
	for _, b := range buildExamples(t) {
		again, err := bytecode.Encode(b.quant)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, b.kbc) {
			t.Errorf("%s: two builds differ", b.name)
		}
	}
}

// TestRunAllocs: Session.Run allocates nothing, on every example and
// kernel set.
func TestRunAllocs(t *testing.T) {
	for _, b := range buildExamples(t) {
		for _, set := range kernels.Runnable() {
			m, err := runtime.Load(b.kbc, &runtime.Options{Kernels: set})
			if err != nil {
				t.Fatal(err)
			}
			s := newSession(t, m, 8)
			bt := makeBatch(b, 8, 7)
			out := outputsFor(m, 8, false)
			allocs := testing.AllocsPerRun(20, func() {
				if err := s.Run(bt.values, out); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%s (%s kernels): %v allocations per Run", b.name, set, allocs)
			}
		}
	}
}

// TestConcurrentSessions runs 64 goroutines with a Session each on one
// Model and checks every result against a single session's. Run it under
// the race detector: go test ./tests -race -run Concurrent -vm.concurrency 10s
func TestConcurrentSessions(t *testing.T) {
	b := buildExamples(t)[0]
	for _, e := range buildExamples(t) {
		if e.name == "lenet5.kiln" {
			b = e
		}
	}
	m, err := runtime.Load(b.kbc, nil)
	if err != nil {
		t.Fatal(err)
	}
	const batches = 8
	inputs := make([]batch, batches)
	want := make([][]runtime.Value, batches)
	single := newSession(t, m, 4)
	for i := range inputs {
		inputs[i] = makeBatch(b, 4, uint64(i))
		want[i] = outputsFor(m, 4, false)
		if err := single.Run(inputs[i].values, want[i]); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(*concurrencyTime)
	var wg sync.WaitGroup
	var mu sync.Mutex
	runs := 0
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			s, err := m.NewSession(4)
			if err != nil {
				t.Error(err)
				return
			}
			out := outputsFor(m, 4, false)
			for k := g; time.Now().Before(deadline); k++ {
				i := k % batches
				if err := s.Run(inputs[i].values, out); err != nil {
					t.Error(err)
					return
				}
				for j := range out {
					for e, x := range out[j].F32 {
						if math.Float32bits(x) != math.Float32bits(want[i][j].F32[e]) {
							t.Errorf("goroutine %d: batch %d output differs", g, i)
							return
						}
					}
				}
				mu.Lock()
				runs++
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	t.Logf("%d runs by 64 goroutines in %v", runs, *concurrencyTime)
}

// TestLoadTruncated feeds every truncation of the smallest example's file
// to the loader: each must be an error, never a panic or an internal
// error.
func TestLoadTruncated(t *testing.T) {
	all := buildExamples(t)
	small := all[0]
	for _, b := range all {
		if len(b.kbc) < len(small.kbc) {
			small = b
		}
	}
	for n := 0; n < len(small.kbc); n++ {
		if loadHostile(t, fmt.Sprintf("%s cut to %d bytes", small.name, n), small.kbc[:n], nil, 1, nil) {
			t.Fatalf("%s cut to %d bytes loaded", small.name, n)
		}
	}
	t.Logf("%s: %d truncations rejected", small.name, len(small.kbc))
}

// loadHostile loads a file that may be hostile and, when it loads, runs it
// once on a batch of n: the given inputs where they fit the model, zeros
// elsewhere. Errors are fine; a panic escaping Load or Run fails t, and so
// does an *runtime.InternalError from either (a kernel that panicked, its
// panic recovered). It reports whether the file loaded.
func loadHostile(t testing.TB, what string, file []byte, opt *runtime.Options, n int, inputs []runtime.Value) (loaded bool) {
	t.Helper()
	stage := "Load"
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic escaping %s: %v", what, stage, r)
		}
	}()
	m, err := runtime.Load(file, opt)
	if err == nil {
		stage = "NewSession"
		var s *runtime.Session
		if s, err = m.NewSession(n); err == nil {
			stage = "Run"
			err = s.Run(inputsFor(m, n, inputs), outputsFor(m, n, false))
		}
	}
	var ie *runtime.InternalError
	if errors.As(err, &ie) {
		t.Fatalf("%s: %s: %v", what, stage, err)
	}
	return m != nil
}

// newSession makes a session of m for batches of up to n, failing t if
// it cannot.
func newSession(t testing.TB, m *runtime.Model, n int) *runtime.Session {
	t.Helper()
	s, err := m.NewSession(n)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// inputsFor returns a batch of n for m's inputs: given[i] where it has
// the data input i takes, zeros otherwise.
func inputsFor(m *runtime.Model, n int, given []runtime.Value) []runtime.Value {
	var in []runtime.Value
	for i, info := range m.Inputs() {
		size := n * tensor.NumElems(info.Shape)
		var v runtime.Value
		if i < len(given) {
			v = given[i]
		}
		switch {
		case info.DType == runtime.I32 && len(v.I32) == size:
			v = runtime.Value{I32: v.I32}
		case info.DType == runtime.I32:
			v = runtime.Value{I32: make([]int32, size)}
		case len(v.F32) == size:
			v = runtime.Value{F32: v.F32}
		default:
			v = runtime.Value{F32: make([]float32, size)}
		}
		in = append(in, v)
	}
	return in
}

// TestLoadCorrupted changes single bytes of each example's file, 10,000
// times each, recomputing the checksum so that the structural checks are
// what is tested: every file must load with an error or run to an error
// or a result — never panic, read out of bounds or make a kernel panic
// (which Run would report as an internal error).
func TestLoadCorrupted(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 500
	}
	for _, b := range buildExamples(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(uint64(len(b.kbc)), 3))
			bt := makeBatch(b, 2, 1)
			buf := make([]byte, len(b.kbc))
			loaded, rejected := 0, 0
			for i := 0; i < n; i++ {
				copy(buf, b.kbc)
				at := r.IntN(len(buf) - 4)
				buf[at] ^= byte(1 + r.IntN(255))
				binary.LittleEndian.PutUint32(buf[len(buf)-4:], kbc.Checksum(buf))
				if loadHostile(t, fmt.Sprintf("byte %d of %s xor %#x", at, b.name, buf[at]^b.kbc[at]), buf, nil, 2, bt.values) {
					loaded++
				} else {
					rejected++
				}
			}
			t.Logf("%d corruptions: %d rejected, %d loaded and ran", n, rejected, loaded)
		})
	}
}

// TestLoadErrors checks that the loader names what is wrong.
func TestLoadErrors(t *testing.T) {
	b := buildExamples(t)[0]
	flip := func(at int) []byte {
		c := bytes.Clone(b.kbc)
		c[at] ^= 0xff
		return c
	}
	cases := []struct {
		name string
		file []byte
		opt  *runtime.Options
		want string
	}{
		{"empty", nil, nil, "not a .kbc file"},
		{"bad magic", flip(0), nil, "not a .kbc file"},
		{"checksum", flip(len(b.kbc) / 2), nil, "checksum mismatch"},
		{"version", func() []byte { c := bytes.Clone(b.kbc); c[8] = 9; return c }(), nil, "format version 9"},
		{"size limit", b.kbc, &runtime.Options{MaxFileSize: 100}, "more than the 100-byte limit"},
		{"memory limit", b.kbc, &runtime.Options{MaxMemory: 64}, "-byte limit"},
	}
	for _, c := range cases {
		_, err := runtime.Load(c.file, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
