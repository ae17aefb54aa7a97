package runtime_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiln-nn/kiln/internal/testbuild"

	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/runtime"
)

// example is an example model compiled to bytecode with random weights,
// and random inputs for it.
type example struct {
	name string
	kbc  []byte
	// inputs returns a batch of n random examples, in the model's input
	// order.
	inputs func(n int) []runtime.Value
}

var (
	examplesOnce sync.Once
	examplesAll  []example
	examplesErr  error
)

// examples compiles every examples/*.kiln once per test binary.
func examples(t testing.TB) []example {
	t.Helper()
	examplesOnce.Do(func() {
		files, _ := filepath.Glob("../examples/*.kiln")
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				examplesErr = err
				return
			}
			e, err := compileExample(filepath.Base(path), src)
			if err != nil {
				examplesErr = fmt.Errorf("%s: %w", path, err)
				return
			}
			examplesAll = append(examplesAll, e)
		}
	})
	if examplesErr != nil {
		t.Fatal(examplesErr)
	}
	if len(examplesAll) < 9 {
		t.Fatalf("compiled %d examples", len(examplesAll))
	}
	return examplesAll
}

// compileExample gives a model random weights, quantizes it on random
// calibration data and encodes it.
func compileExample(name string, src []byte) (example, error) {
	r, err := testbuild.Compile(name, src, nil)
	if err != nil {
		return example{}, err
	}
	inputs := func(n int) []runtime.Value {
		set := testmodels.Synthetic(r.Float, n, uint64(n))
		var vs []runtime.Value
		for _, in := range set.Inputs {
			vs = append(vs, runtime.Value{F32: in.T.F32, I32: in.T.I32})
		}
		return vs
	}
	return example{name: strings.TrimSuffix(name, ".kiln"), kbc: r.Bytecode, inputs: inputs}, nil
}

func outputs(m *runtime.Model, n int) []runtime.Value {
	var outs []runtime.Value
	for _, o := range m.Outputs() {
		size := n
		for _, d := range o.Shape {
			size *= d
		}
		outs = append(outs, runtime.Value{F32: make([]float32, size)})
	}
	return outs
}

func load(t testing.TB, b []byte, opt *runtime.Options) *runtime.Model {
	t.Helper()
	m, err := runtime.Load(b, opt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func session(t testing.TB, m *runtime.Model, capacity int) *runtime.Session {
	t.Helper()
	s, err := m.NewSession(capacity)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// wideDense is a model whose first layer is split by output channels
// (denseOp.cols) on more than one thread: 600 outputs, not a multiple of
// the 16-output panels, so parts end inside no panel but the last.
func wideDense(t testing.TB) example {
	t.Helper()
	e, err := compileExample("wide.kiln", []byte("model wide {\n  input x: f32[520]\n  h = relu(dense(x, 600))\n  output y = dense(h, 10)\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestThreadsBitExact runs every example, and a model with a layer split
// by output channels, at batches 1, 7 and 64 on 1, 2, 3 and 4 threads, on both kernel sets, with the threshold as it is and
// with every op split as finely as it can be, and requires the outputs
// of one thread, bit for bit.
func TestThreadsBitExact(t *testing.T) {
	for _, e := range append(examples(t), wideDense(t)) {
		t.Run(e.name, func(t *testing.T) {
			for _, portable := range []bool{false, true} {
				one := session(t, load(t, e.kbc, &runtime.Options{Portable: portable}), 64)
				for _, n := range []int{1, 7, 64} {
					in := e.inputs(n)
					want := outputs(one.Model(), n)
					if err := one.Run(in, want); err != nil {
						t.Fatal(err)
					}
					for _, threads := range []int{2, 3, 4} {
						for _, everything := range []bool{false, true} {
							m := load(t, e.kbc, &runtime.Options{Portable: portable, Threads: threads})
							if everything {
								runtime.SplitEverything(m)
							}
							s := session(t, m, 64)
							got := outputs(m, n)
							if err := s.Run(in, got); err != nil {
								t.Fatal(err)
							}
							what := fmt.Sprintf("portable=%v batch %d, %d threads, split everything=%v", portable, n, threads, everything)
							if everything && n >= threads && runtime.Workers(s) != threads-1 {
								t.Errorf("%s: %d workers started, want %d", what, runtime.Workers(s), threads-1)
							}
							sameBits(t, what, want, got)
						}
					}
				}
			}
		})
	}
}

func sameBits(t *testing.T, what string, want, got []runtime.Value) {
	t.Helper()
	for i := range want {
		for j, x := range want[i].F32 {
			if math.Float32bits(x) != math.Float32bits(got[i].F32[j]) {
				t.Fatalf("%s: output %d element %d: %v, one thread gives %v", what, i, j, got[i].F32[j], x)
			}
		}
	}
}

// TestThreadsAllocs: Run allocates nothing on 2 and 4
// threads once the workers have started (a CNN, an MLP, a layer split by
// output channels, a network with ADD and HARD_SWISH, a recommender).
func TestThreadsAllocs(t *testing.T) {
	for _, e := range append(examples(t), wideDense(t)) {
		switch e.name {
		case "lenet5", "lenet_300_100", "wide", "mobilenet_tiny", "deepfm":
		default:
			continue
		}
		for _, threads := range []int{2, 4} {
			for _, everything := range []bool{false, true} {
				m := load(t, e.kbc, &runtime.Options{Threads: threads})
				if everything {
					runtime.SplitEverything(m)
				}
				s := session(t, m, 64)
				in, out := e.inputs(64), outputs(m, 64)
				run := func() {
					if err := s.Run(in, out); err != nil {
						t.Fatal(err)
					}
				}
				run()
				if runtime.Workers(s) != threads-1 {
					t.Fatalf("%s, %d threads: %d workers started, want %d", e.name, threads, runtime.Workers(s), threads-1)
				}
				if a := testing.AllocsPerRun(20, run); a != 0 {
					t.Errorf("%s, %d threads, split everything=%v: %v allocations per Run", e.name, threads, everything, a)
				}
			}
		}
	}
}

// TestThreadsClose: Close ends every worker goroutine, refuses Runs after
// it and may be called twice; a session dropped without Close has its
// workers ended once it is collected.
func TestThreadsClose(t *testing.T) {
	var e example
	for _, x := range examples(t) {
		if x.name == "lenet5" {
			e = x
		}
	}
	m := load(t, e.kbc, &runtime.Options{Threads: 4})
	runtime.SplitEverything(m)
	before := settledGoroutines()
	start := func() *runtime.Session {
		s, err := m.NewSession(8)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(e.inputs(8), outputs(m, 8)); err != nil {
			t.Fatal(err)
		}
		if runtime.Workers(s) != 3 {
			t.Fatalf("%d workers started, want 3", runtime.Workers(s))
		}
		return s
	}
	s := start()
	if got := goruntime.NumGoroutine(); got < before+3 {
		t.Fatalf("%d goroutines with a session's workers running, %d before", got, before)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, before, "after Close")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Run(e.inputs(8), outputs(m, 8)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("Run after Close: %v", err)
	}

	start() // dropped: its cleanup stops the workers
	waitGoroutines(t, before, "after the session was dropped")
}

// settledGoroutines returns the number of goroutines once it holds
// still: a cleanup left by an earlier test (a dropped Session's, which
// stops its workers) counts as a goroutine while it runs.
func settledGoroutines() int {
	n := goruntime.NumGoroutine()
	for range 100 {
		goruntime.GC()
		time.Sleep(10 * time.Millisecond)
		m := goruntime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}

// waitGoroutines waits up to 5 s, collecting garbage, for the number of
// goroutines to fall back to want.
func waitGoroutines(t *testing.T, want int, when string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for goruntime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d goroutines, %d before the session", when, goruntime.NumGoroutine(), want)
		}
		goruntime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// TestThreadsOption: a negative Threads is refused; a model whose ops are
// all too small to split starts no workers.
func TestThreadsOption(t *testing.T) {
	var e example
	for _, x := range examples(t) {
		if x.name == "lenet5" {
			e = x
		}
	}
	if _, err := runtime.Load(e.kbc, &runtime.Options{Threads: -1}); err == nil || !strings.Contains(err.Error(), "Options.Threads -1") {
		t.Errorf("Threads -1: %v", err)
	}
	m := load(t, e.kbc, &runtime.Options{Threads: 4})
	s := session(t, m, 1)
	if err := s.Run(e.inputs(1), outputs(m, 1)); err != nil {
		t.Fatal(err)
	}
	if runtime.Workers(s) != 0 {
		t.Errorf("batch 1 of LeNet-5 started %d workers", runtime.Workers(s))
	}
}

// BenchmarkThreads times Run at batch 1 and 64 on one and on two
// threads, for LeNet-5 and a 1024x1024 dense layer. The two sessions take
// turns, run by run, so that both see the same machine (other work on a
// shared one moves both alike); each reports its median time per run
// (t1-us, t2-us) and the ratio of the medians (speed-up):
//
//	go test ./runtime -run '^$' -bench 'Threads$' -count 5
func BenchmarkThreads(b *testing.B) {
	models := map[string]example{}
	for _, e := range examples(b) {
		models[e.name] = e
	}
	dense, err := compileExample("dense1024.kiln", []byte(dense1024))
	if err != nil {
		b.Fatal(err)
	}
	models["dense1024"] = dense
	for _, name := range []string{"lenet5", "dense1024"} {
		e := models[name]
		for _, n := range []int{1, 64, 512} {
			b.Run(fmt.Sprintf("%s/batch=%d", name, n), func(b *testing.B) {
				turns(b, e, n, load(b, e.kbc, &runtime.Options{Threads: 1}), load(b, e.kbc, &runtime.Options{Threads: 2}))
			})
		}
	}
}

// BenchmarkThreadsExamples times every example at batch 64 on one and on
// two threads, taking turns as BenchmarkThreads:
//
//	go test ./runtime -run '^$' -bench ThreadsExamples -count 3
func BenchmarkThreadsExamples(b *testing.B) {
	for _, e := range examples(b) {
		b.Run(e.name+"/batch=64", func(b *testing.B) {
			turns(b, e, 64, load(b, e.kbc, &runtime.Options{Threads: 1}), load(b, e.kbc, &runtime.Options{Threads: 2}))
		})
	}
}

// turns runs a batch of n on m1 and m2 by turns and reports each one's
// median time per run and the ratio of the medians. A turn runs each
// session a few times in a row, as a busy service would, so that the
// workers of m2 find the next job while they still wait for it (spinWait);
// the first run of each turn is timed too. Each turn also times a loop of
// plain integer arithmetic on one goroutine and split across two: the
// ratio of their medians (alu-speed-up) is what the machine gave two
// threads meanwhile, near 2 on two idle cores and near 1 when other work
// holds one of them.
func turns(b *testing.B, e example, n int, m1, m2 *runtime.Model) {
	in := e.inputs(n)
	var runs [4]func()
	var times [4][]time.Duration
	for i, m := range []*runtime.Model{m1, m2} {
		s, out := session(b, m, n), outputs(m, n)
		runs[i] = func() {
			if err := s.Run(in, out); err != nil {
				b.Fatal(err)
			}
		}
		runs[i]() // start the workers
	}
	const spins = 1_000_000
	runs[2] = func() { spinSink += spin(2 * spins) }
	var wg sync.WaitGroup
	runs[3] = func() {
		wg.Add(1)
		go func() { spinSink += spin(spins); wg.Done() }()
		x := spin(spins)
		wg.Wait()
		spinSink += x
	}
	// Every other turn runs them in the other order, so that neither
	// always follows the same one.
	const inRow = 8
	orders := [2][4]int{{0, 1, 2, 3}, {3, 2, 1, 0}}
	for turn := 0; b.Loop(); turn++ {
		for _, i := range orders[turn%2] {
			for range inRow {
				t0 := time.Now()
				runs[i]()
				times[i] = append(times[i], time.Since(t0))
			}
		}
	}
	t1, t2 := median(times[0]), median(times[1])
	b.ReportMetric(t1, "t1-us")
	b.ReportMetric(t2, "t2-us")
	b.ReportMetric(t1/t2, "speed-up")
	b.ReportMetric(median(times[2])/median(times[3]), "alu-speed-up")
}

// spin is n steps of integer arithmetic that the compiler cannot skip.
func spin(n int) int {
	x := 0
	for i := range n {
		x += i*i ^ x
	}
	return x
}

var spinSink int

// median returns the median of ds in microseconds.
func median(ds []time.Duration) float64 {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return float64(ds[len(ds)/2].Nanoseconds()) / 1e3
}

// BenchmarkThreadsThreshold times dense layers and a convolution whose
// work per run spans the threshold, on one thread and split in two
// whatever their size (taking turns, as BenchmarkThreads): where two
// threads start to win is where minWork lies.
//
//	go test ./runtime -run '^$' -bench ThreadsThreshold -count 5
func BenchmarkThreadsThreshold(b *testing.B) {
	cases := []struct {
		name, body string
		batches    []int
	}{
		{"dense64x64", "input x: f32[64]\n  output y = dense(x, 64)", []int{16, 64, 256}},
		{"dense256x256", "input x: f32[256]\n  output y = dense(x, 256)", []int{4, 16, 64, 256}},
		{"conv3x3", "input x: f32[4, 8, 8]\n  output y = conv2d(x, 8, kernel=3, pad=1)", []int{8, 64, 512}},
	}
	for _, c := range cases {
		e, err := compileExample(c.name+".kiln", []byte("model m {\n  "+c.body+"\n}\n"))
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range c.batches {
			b.Run(fmt.Sprintf("%s/batch=%d", c.name, n), func(b *testing.B) {
				two := load(b, e.kbc, &runtime.Options{Threads: 2})
				runtime.SplitEverything(two)
				turns(b, e, n, load(b, e.kbc, &runtime.Options{Threads: 1}), two)
			})
		}
	}
}

// BenchmarkThreadsMinWork times LeNet-5 and the 1024x1024 dense layer at
// batch 64 on one thread and on two with the threshold (minWork) at 2^17,
// 2^20 and 2^22 multiply-accumulates, taking turns as BenchmarkThreads:
//
//	go test ./runtime -run '^$' -bench ThreadsMinWork -count 3
func BenchmarkThreadsMinWork(b *testing.B) {
	models := map[string]example{}
	for _, e := range examples(b) {
		models[e.name] = e
	}
	dense, err := compileExample("dense1024.kiln", []byte(dense1024))
	if err != nil {
		b.Fatal(err)
	}
	models["dense1024"] = dense
	for _, name := range []string{"lenet5", "dense1024"} {
		e := models[name]
		for _, w := range []int{1 << 17, 1 << 20, 1 << 22} {
			b.Run(fmt.Sprintf("%s/minwork=%d", name, w), func(b *testing.B) {
				two := load(b, e.kbc, &runtime.Options{Threads: 2})
				runtime.SetMinWork(two, w)
				turns(b, e, 64, load(b, e.kbc, &runtime.Options{Threads: 1}), two)
			})
		}
	}
}

// TestColumnParts: a layer of at least colSplitBytes weights is split by
// output channels into a part per thread, each starting on a 16-output
// panel; a small layer, and any layer on one thread, is not.
func TestColumnParts(t *testing.T) {
	e := wideDense(t)
	for threads, want := range map[int][]int{1: nil, 2: {0, 304}, 3: {0, 208, 400}, 4: {0, 144, 304, 448}} {
		parts := runtime.ColumnParts(load(t, e.kbc, &runtime.Options{Threads: threads}))
		if len(parts) != 2 || !slices.Equal(parts[0], want) || parts[1] != nil {
			t.Errorf("%d threads: parts start at %v, want %v for the 520x600 layer and none for the 600x10", threads, parts, want)
		}
	}
	for _, c := range []struct {
		n, parts int
		want     []int
	}{
		{600, 2, []int{0, 304, 600}},
		{1024, 4, []int{0, 256, 512, 768, 1024}},
		{20, 4, []int{0, 16, 20}}, // too narrow for four parts
		{10, 3, []int{0, 10}},
	} {
		if got := runtime.ColBounds(c.n, c.parts); !slices.Equal(got, c.want) {
			t.Errorf("colBounds(%d, %d) = %v, want %v", c.n, c.parts, got, c.want)
		}
	}
}

// TestThreadsLostWakeups: with every wake-up a job or a Run's start sends
// lost, and the workers parked between Runs, a Run still ends, with the
// outputs one thread gives: the caller, once it has waited spinWait,
// wakes its job's sleeping workers again.
func TestThreadsLostWakeups(t *testing.T) {
	e, err := compileExample("dense1024.kiln", []byte(dense1024))
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	in := e.inputs(n)
	want := outputs(load(t, e.kbc, nil), n)
	if err := session(t, load(t, e.kbc, nil), n).Run(in, want); err != nil {
		t.Fatal(err)
	}
	m := load(t, e.kbc, &runtime.Options{Threads: 3})
	s := session(t, m, n)
	runtime.MissWakeups(s)
	for i := range 4 {
		got := outputs(m, n)
		done := make(chan error, 1)
		go func() { done <- s.Run(in, got) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("Run %d has not ended after 20 s", i)
		}
		if !slices.Equal(got[0].F32, want[0].F32) {
			t.Fatalf("Run %d: outputs differ from one thread's", i)
		}
		if runtime.Workers(s) != 2 {
			t.Fatalf("%d workers, want 2", runtime.Workers(s))
		}
		time.Sleep(5 * time.Millisecond) // the workers park
	}
}

// dense1024 is one 1024x1024 dense layer: the large-layer workload of
// the thread tests and benchmarks.
const dense1024 = `model dense1024 {
  input x: f32[1024]
  output y = dense(x, 1024)
}
`

// TestRegions: a model loaded for several threads runs each run of
// example-by-example instructions as one job (LeNet-5, all of whose
// instructions are, as one job a Run), with an arena where no instruction
// of a region writes over bytes another of it uses; RunQuantized on
// several threads gives the int8 outputs of one thread; an id out of
// range in a region fails the Run as on one thread.
func TestRegions(t *testing.T) {
	for _, e := range append(examples(t), wideDense(t)) {
		t.Run(e.name, func(t *testing.T) {
			one := session(t, load(t, e.kbc, nil), 64)
			if got := runtime.Regions(one.Model()); got != nil {
				t.Errorf("regions on one thread: %v", got)
			}
			in, want := quantizedArgs(one.Model(), e.inputs(64), 64)
			if err := one.RunQuantized(in, want); err != nil {
				t.Fatal(err)
			}
			for _, threads := range []int{2, 3} {
				m := load(t, e.kbc, &runtime.Options{Threads: threads})
				if bad := runtime.RegionOverlaps(m); bad != nil {
					t.Errorf("%d threads: tensors of one region share bytes: %v", threads, bad)
				}
				runtime.SplitEverything(m)
				s := session(t, m, 64)
				_, got := quantizedArgs(m, nil, 64)
				if err := s.RunQuantized(in, got); err != nil {
					t.Fatal(err)
				}
				for i := range want {
					if !slices.Equal(want[i].I8, got[i].I8) || !slices.Equal(want[i].F32, got[i].F32) {
						t.Errorf("RunQuantized on %d threads: output %d differs from one thread's", threads, i)
					}
				}
			}
			if e.name == "deepfm" {
				badIDs(t, e)
			}
			if e.name != "lenet5" {
				return
			}
			m := load(t, e.kbc, &runtime.Options{Threads: 2})
			if got, want := runtime.Regions(m), [][2]int{{0, 9}}; !slices.Equal(got, want) {
				t.Fatalf("LeNet-5's regions: %v, want %v", got, want)
			}
			s := session(t, m, 64)
			for range 2 {
				before := runtime.Jobs(s)
				if err := s.Run(e.inputs(64), outputs(m, 64)); err != nil {
					t.Fatal(err)
				}
				if jobs := runtime.Jobs(s) - before; jobs != 1 {
					t.Errorf("a Run of LeNet-5 at batch 64 on 2 threads handed over %d jobs, want 1", jobs)
				}
			}
		})
	}
}

// TestRegionsEveryOpcode runs testdata/ops.kbc, which holds every
// opcode, at batches 1, 3 and 8 on 2 and 3 threads with every region
// split, and requires the outputs of one thread, bit for bit.
func TestRegionsEveryOpcode(t *testing.T) {
	file, err := os.ReadFile("testdata/ops.kbc")
	if err != nil {
		t.Fatal(err)
	}
	one := session(t, load(t, file, nil), 8)
	for _, n := range []int{1, 3, 8} {
		// Floats in [-1, 1], and ids 0 to 2, which every table has.
		var in []runtime.Value
		for i, info := range one.Model().Inputs() {
			size := n
			for _, d := range info.Shape {
				size *= d
			}
			if info.DType == runtime.I32 {
				ids := make([]int32, size)
				for j := range ids {
					ids[j] = int32((i + j) % 3)
				}
				in = append(in, runtime.Value{I32: ids})
				continue
			}
			f := make([]float32, size)
			for j := range f {
				f[j] = float32((i*7+j*13)%41)/20 - 1
			}
			in = append(in, runtime.Value{F32: f})
		}
		want := outputs(one.Model(), n)
		if err := one.Run(in, want); err != nil {
			t.Fatal(err)
		}
		for _, threads := range []int{2, 3} {
			m := load(t, file, &runtime.Options{Threads: threads})
			if len(runtime.Regions(m)) == 0 {
				t.Fatalf("ops.kbc has no regions on %d threads", threads)
			}
			runtime.SplitEverything(m)
			s := session(t, m, 8)
			got := outputs(m, n)
			if err := s.Run(in, got); err != nil {
				t.Fatal(err)
			}
			sameBits(t, fmt.Sprintf("ops.kbc, batch %d, %d threads", n, threads), want, got)
			if n >= threads && runtime.Workers(s) != threads-1 {
				t.Errorf("batch %d, %d threads: %d workers started", n, threads, runtime.Workers(s))
			}
		}
	}
}

// badIDs runs a model whose embeddings take its id inputs, as one region
// on two threads, with an id out of range in the last example of a batch
// of 64: the Run must fail with one thread's error, naming the id and
// where it is.
func badIDs(t *testing.T, e example) {
	m := load(t, e.kbc, &runtime.Options{Threads: 2})
	if rs := runtime.Regions(m); len(rs) != 1 || rs[0][0] != 0 {
		t.Fatalf("%s's regions: %v, want one from the first instruction", e.name, rs)
	}
	runtime.SplitEverything(m)
	in := e.inputs(64)
	for i := range in {
		if ids := slices.Clone(in[i].I32); ids != nil {
			ids[len(ids)-1] = 1 << 30
			in[i].I32 = ids
			break
		}
	}
	one := session(t, load(t, e.kbc, nil), 64)
	want := one.Run(in, outputs(one.Model(), 64))
	got := session(t, m, 64).Run(in, outputs(m, 64))
	if want == nil || got == nil || got.Error() != want.Error() {
		t.Errorf("%s with an id out of range: %v on two threads, %v on one", e.name, got, want)
	}
}

// quantizedArgs returns RunQuantized's arguments for a batch of n: the
// float inputs among in quantized with their parameters,
// and outputs, int8 where the model gives int8.
func quantizedArgs(m *runtime.Model, in []runtime.Value, n int) (qin, qout []runtime.Value) {
	for i, v := range in {
		info := m.Inputs()[i]
		if info.Scale != 0 && v.F32 != nil {
			q := make([]int8, len(v.F32))
			for j, x := range v.F32 {
				q[j] = int8(max(-128, min(127, int32(math.Round(float64(x/info.Scale)))+info.ZeroPoint)))
			}
			v = runtime.Value{I8: q}
		}
		qin = append(qin, v)
	}
	for _, info := range m.Outputs() {
		size := n
		for _, d := range info.Shape {
			size *= d
		}
		if info.Scale != 0 {
			qout = append(qout, runtime.Value{I8: make([]int8, size)})
		} else {
			qout = append(qout, runtime.Value{F32: make([]float32, size)})
		}
	}
	return qin, qout
}

// TestThreadsNonFinite: on several threads, a region that starts the
// program scans the float inputs, each thread its own examples; a NaN or
// an infinity in any thread's share fails the Run with the error of one
// thread, and the next Run, with finite inputs, succeeds.
func TestThreadsNonFinite(t *testing.T) {
	odd := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	for _, e := range examples(t) {
		one := session(t, load(t, e.kbc, nil), 64)
		m := load(t, e.kbc, &runtime.Options{Threads: 3})
		runtime.SplitEverything(m)
		three := session(t, m, 64)
		for i, info := range m.Inputs() {
			if info.DType != runtime.F32 {
				continue
			}
			elems := len(e.inputs(1)[i].F32)
			for k, at := range []int{0, 21*elems + elems/2, 64*elems - 1} {
				in := e.inputs(64)
				clean := in[i].F32[at]
				in[i].F32[at] = odd[k]
				want := one.Run(in, outputs(one.Model(), 64))
				got := three.Run(in, outputs(m, 64))
				if want == nil || got == nil || got.Error() != want.Error() {
					t.Errorf("%s, input %s, %v at %d: %v on three threads, %v on one", e.name, info.Name, odd[k], at, got, want)
				}
				in[i].F32[at] = clean
				if err := three.Run(in, outputs(m, 64)); err != nil {
					t.Errorf("%s: the Run after a failed one: %v", e.name, err)
				}
			}
		}
	}
}

// TestDepthwiseScratchBound: a model whose depthwise convolution's
// padded planes, all at once, would take it past Options.MaxMemory runs
// that convolution as the general product (one plane at a time), with
// the same results, rather than failing to load; within the bound it
// runs the depthwise kernel.
func TestDepthwiseScratchBound(t *testing.T) {
	// 64 planes of 2x2, padded to 6x6: 64 x 44 bytes with what the
	// kernel reads past each, far more than the activations.
	e, err := compileExample("dw.kiln", []byte("model dw {\n  input x: f32[64, 2, 2]\n  output y = conv2d(x, 64, kernel=5, groups=64, pad=2)\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	// The portable set runs depthwise convolutions on DepthwiseGrid on
	// every architecture.
	wide := load(t, e.kbc, &runtime.Options{Kernels: "portable"})
	narrow := load(t, e.kbc, &runtime.Options{Kernels: "portable", MaxMemory: 5000})
	if got := runtime.DepthwiseConvs(wide); got != 1 {
		t.Errorf("default memory bound: %d depthwise convolutions, want 1", got)
	}
	if got := runtime.DepthwiseConvs(narrow); got != 0 {
		t.Errorf("MaxMemory 5000: %d depthwise convolutions, want 0 (the planes take 2,816 bytes)", got)
	}
	in := e.inputs(5)
	want, got := outputs(wide, 5), outputs(narrow, 5)
	if err := session(t, wide, 5).Run(in, want); err != nil {
		t.Fatal(err)
	}
	if err := session(t, narrow, 5).Run(in, got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(want[0].F32, got[0].F32) {
		t.Error("the general product and the depthwise kernel differ")
	}
}
