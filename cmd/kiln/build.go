package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/tensor"
)

// The bytecode commands: build, inspect, bench, and run on a .kbc file.

func init() {
	register(&command{
		name:    "build",
		args:    "FILE.kiln -w W.safetensors [--calibrate SET] [--emit KIND [--cpu NAME] [--target-features F]] -o OUT | Q.kir [--emit KIND ...] -o OUT",
		summary: "quantize a trained model and write it as bytecode for kiln's VM, or as native code through LLVM (a .kir, quantized already, is compiled as it is)",
		flags: func(fs *pflag.FlagSet) {
			calibrationFlags(fs)
			fs.Bool("report", false, "print the quantization report (SQNR and cosine per layer, ranges, ops left in float)")
			fs.Bool("eval", false, "score the float model and the .kbc, run by the VM, on the held-out part of the calibration set")
			fs.StringP("output", "o", "", "the file to write (.kbc, .ll, .h, .o or .onnx, as --emit says)")
			fs.String("emit", "kbc", "what to write: kbc (bytecode for the VM), llvm (an LLVM 14 module), header (its C header), obj (the module compiled by opt and llc from PATH), onnx (the int8 model as a QDQ ONNX graph, for other runtimes), onnx-integer (as ONNX integer ops that give the VM's bits exactly)")
			fs.String("cpu", "", "with --emit llvm or obj: the LLVM CPU to compile for (znver3, sapphirerapids, native for this machine's; obj only); default the baseline of the host's architecture")
			fs.String("target-features", "", "with --emit llvm or obj: LLVM target features (+avx2,+fma); they choose the dot-product kernels: +avx2 (VPMADDWD), +avxvnni, or +avx512bw,+avx512vnni (VPDPBUSD); default portable vectors")
			fs.Bool("code", false, "store constants sparse and Huffman-coded where that is smaller (pruned, weight-shared layers); the VM decodes them at load")
			forceFlag(fs)
			passFlags(fs)
		},
		run: runBuild,
	})
	register(&command{
		name:    "inspect",
		args:    "MODEL.kbc [--wide]",
		summary: "print a bytecode file: interface, memory plan, constants, disassembly with MACC and bytes, and a legend",
		flags: func(fs *pflag.FlagSet) {
			fs.Bool("wide", false, "print every column of a row on one line (parameters, full source positions, per-channel scale ranges) instead of fitting 100 columns")
		},
		run: func(e *env, fs *pflag.FlagSet) error {
			path, err := oneArg(fs, "MODEL.kbc")
			if err != nil {
				return err
			}
			if _, err := modelKind("inspect", path); err != nil {
				return err
			}
			f := flags(fs)
			wide := f.Bool("wide")
			if err := f.Err(); err != nil {
				return err
			}
			m, err := runtime.LoadFile(path, nil)
			if err != nil {
				return err
			}
			width := inspectWidth
			if wide {
				width = 0
			}
			m.Disassemble(e.stdout, width)
			return nil
		},
	})
	register(&command{
		name:    "bench",
		args:    "MODEL.kbc",
		summary: "time a bytecode model: latency percentiles at batch 1, throughput at batch 64, allocations per run",
		flags: func(fs *pflag.FlagSet) {
			fs.Duration("time", 2*time.Second, "how long to run each measurement")
			fs.Int("batch", 64, "batch size for the throughput measurement")
			fs.Bool("portable", false, "use the portable Go kernels")
			fs.String("kernels", "", "the kernel set to run: portable, avx2, avxvnni, avx512vnni or amx (amd64), sdot or neon (arm64); default the best this CPU runs")
			fs.Bool("dense", false, "run every dense layer on the dense kernels, even where the sparse ones would be faster (to compare)")
			fs.Int("threads", 1, "split the work (a large dense layer's output channels, the examples of the other ops) across up to N goroutines")
			fs.Bool("json", false, "print the results as JSON")
		},
		run: runBench,
	})
}

// inspectWidth is the line width kiln inspect fits without --wide.
const inspectWidth = 100

func runBuild(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln or Q.kir")
	if err != nil {
		return err
	}
	f := flags(fs)
	out, report, eval := f.String("output"), f.Bool("report"), f.Bool("eval")
	if err := f.Err(); err != nil {
		return err
	}
	if out == "" {
		return usagef("missing -o MODEL.kbc")
	}
	emit, target, err := checkEmit(fs)
	if err != nil {
		return err
	}
	kind, err := modelKind("build", path)
	if err != nil {
		return err
	}
	var (
		g *ir.Graph
		b []byte
		q *quantized
	)
	if kind == kindKIR {
		if g, b, err = buildKIR(e, fs, path, out); err != nil {
			return err
		}
	} else {
		if q, err = quantizeFromFlags(e, path, fs, compiler.Bytecode, out); err != nil {
			return err
		}
		r := q.result
		if report {
			rep, err := passes.Compare(r.Float, r.Graph, r.Context, q.calib.Data)
			if err != nil {
				return err
			}
			writeReport(e.stdout, rep)
		}
		g, b = r.Graph, r.Bytecode
	}
	if emit != "kbc" {
		if b, err = emitNative(emit, target, g); err != nil {
			return err
		}
	}
	if err := fsutil.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return err
	}
	st := g.Stats()
	fmt.Fprintf(e.stderr, "wrote %s: %s bytes (%s bytes of weights), %s MACC per example\n", out, ir.Thousands(int64(len(b))), ir.Thousands(st.Total.WeightBytes), ir.Thousands(st.Total.MACC))
	if eval {
		return evalInt8(e.stdout, q.result, q.split)
	}
	return nil
}

// vmForward runs batches on the VM for train.EvaluateWith: inputs in the
// model's order, float outputs.
func vmForward(m *runtime.Model) func([]*tensor.Tensor) ([]*tensor.Tensor, error) {
	var s *runtime.Session
	return func(in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if len(in) != len(m.Inputs()) || len(in) == 0 {
			return nil, fmt.Errorf("model %s takes %d inputs, got %d", m.Name(), len(m.Inputs()), len(in))
		}
		n := in[0].Shape[0]
		if s == nil || s.Capacity() < n {
			var err error
			if s, err = m.NewSession(n); err != nil {
				return nil, err
			}
		}
		values := make([]runtime.Value, len(in))
		for i, x := range in {
			values[i] = runtime.Value{F32: x.F32, I32: x.I32}
		}
		outs, outValues := floatOutputs(m, n)
		return outs, s.Run(values, outValues)
	}
}

// benchResult is one measurement of kiln bench.
type benchResult struct {
	Batch      int     `json:"batch"`
	Runs       int     `json:"runs"`
	P50us      float64 `json:"p50_us"`
	P99us      float64 `json:"p99_us"`
	Throughput float64 `json:"examples_per_s"`
	Allocs     float64 `json:"allocs_per_run"`
}

func runBench(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "MODEL.kbc")
	if err != nil {
		return err
	}
	f := flags(fs)
	d, big, portable, dense, asJSON := f.Duration("time"), f.Int("batch"), f.Bool("portable"), f.Bool("dense"), f.Bool("json")
	threads, set := f.Int("threads"), f.String("kernels")
	if err := f.Err(); err != nil {
		return err
	}
	if big < 1 || d <= 0 || threads < 1 {
		return usagef("--batch, --time and --threads must be positive")
	}
	if _, err := modelKind("bench", path); err != nil {
		return err
	}
	m, err := runtime.LoadFile(path, &runtime.Options{Portable: portable, Kernels: set, ForceDense: dense, Threads: threads})
	if err != nil {
		return err
	}
	var results []benchResult
	for _, n := range []int{1, big} {
		r, err := measure(m, n, d)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if asJSON {
		var parts []string
		for _, r := range results {
			parts = append(parts, fmt.Sprintf(`{"batch": %d, "runs": %d, "p50_us": %.2f, "p99_us": %.2f, "examples_per_s": %.0f, "allocs_per_run": %g}`,
				r.Batch, r.Runs, r.P50us, r.P99us, r.Throughput, r.Allocs))
		}
		fmt.Fprintf(e.stdout, `{"model": %q, "kernels": %q, "threads": %d, "results": [%s]}`+"\n", m.Name(), m.Kernels(), threads, strings.Join(parts, ", "))
		return nil
	}
	plural := "s"
	if threads == 1 {
		plural = ""
	}
	fmt.Fprintf(e.stdout, "model %s (%s), %s kernels, up to %d thread%s\n", m.Name(), filepath.Base(path), m.Kernels(), threads, plural)
	for _, r := range results {
		fmt.Fprintf(e.stdout, "batch %3d: p50 %8.1f us  p99 %8.1f us  %10s examples/s  %g allocations per run  (%d runs)\n",
			r.Batch, r.P50us, r.P99us, ir.Thousands(int64(r.Throughput)), r.Allocs, r.Runs)
	}
	return nil
}

// measure runs batches of n random inputs for about d.
func measure(m *runtime.Model, n int, d time.Duration) (benchResult, error) {
	s, err := m.NewSession(n)
	if err != nil {
		return benchResult{}, err
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(1, 2))
	var inputs []runtime.Value
	for _, in := range m.Inputs() {
		size := n
		for _, x := range in.Shape {
			size *= x
		}
		switch in.DType {
		case runtime.F32:
			v := make([]float32, size)
			for i := range v {
				v[i] = float32(r.NormFloat64())
			}
			inputs = append(inputs, runtime.Value{F32: v})
		default:
			inputs = append(inputs, runtime.Value{I32: make([]int32, size)}) // id 0 is always in range
		}
	}
	var outputs []runtime.Value
	for _, o := range m.Outputs() {
		size := n
		for _, x := range o.Shape {
			size *= x
		}
		outputs = append(outputs, runtime.Value{F32: make([]float32, size)})
	}
	if err := s.Run(inputs, outputs); err != nil { // warm up
		return benchResult{}, err
	}
	var times []time.Duration
	start := time.Now()
	for time.Since(start) < d || len(times) < 10 {
		t0 := time.Now()
		if err := s.Run(inputs, outputs); err != nil {
			return benchResult{}, err
		}
		times = append(times, time.Since(t0))
	}
	total := time.Since(start)
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	us := func(p float64) float64 { return float64(times[int(p*float64(len(times)-1))].Nanoseconds()) / 1e3 }
	allocs := allocsPerRun(func() { s.Run(inputs, outputs) })
	return benchResult{Batch: n, Runs: len(times), P50us: us(0.5), P99us: us(0.99),
		Throughput: float64(n*len(times)) / total.Seconds(), Allocs: allocs}, nil
}

// runKBC runs a bytecode model on NPY/NPZ inputs (kiln run MODEL.kbc).
func runKBC(e *env, path string, inputs []string, out string, top topOptions) error {
	m, err := runtime.LoadFile(path, nil)
	if err != nil {
		return err
	}
	feeds, err := readFeeds(kbcInterface(m), inputs)
	if err != nil {
		return err
	}
	var values []runtime.Value
	for _, in := range m.Inputs() {
		t := feeds[in.Name]
		values = append(values, runtime.Value{F32: t.F32, I32: t.I32})
	}
	n := feeds[m.Inputs()[0].Name].Shape[0]
	outs, outValues := floatOutputs(m, n)
	if err := runChunked(m, n, values, outValues); err != nil {
		return err
	}
	infosOut := m.Outputs()
	if top.k > 0 {
		var names []string
		var probs []bool
		for _, o := range infosOut {
			names = append(names, o.Name)
			// Dequantized from logistic's or softmax's fixed grid: see
			// kbcInterface.
			probs = append(probs, o.Scale == logisticScale && o.ZeroPoint == logisticZero)
		}
		if err := printTop(e, names, outs, probs, top); err != nil {
			return err
		}
	}
	switch {
	case out == "" && top.k > 0:
		return nil
	case out == "":
		for i, o := range infosOut {
			printTensor(e.stdout, o.Name, outs[i])
		}
		return nil
	case strings.HasSuffix(out, ".npy"):
		if len(outs) > 1 {
			return usagef("model %s has %d outputs: write them to a .npz file", m.Name(), len(outs))
		}
		return data.SaveNPY(out, outs[0])
	}
	named := make([]data.Named, len(outs))
	for i, o := range infosOut {
		named[i] = data.Named{Name: o.Name, T: outs[i]}
	}
	return data.SaveNPZ(out, named)
}

// runChunked runs n examples through one session in batches of at most
// runBatch, so that a large input file does not need an arena for all of
// it at once.
func runChunked(m *runtime.Model, n int, in, out []runtime.Value) error {
	const runBatch = 256
	s, err := m.NewSession(min(n, runBatch))
	if err != nil {
		return err
	}
	ins, outs := m.Inputs(), m.Outputs()
	inPart, outPart := make([]runtime.Value, len(in)), make([]runtime.Value, len(out))
	for lo := 0; lo < n; lo += runBatch {
		hi := min(lo+runBatch, n)
		for i, v := range in {
			e := elems(ins[i].Shape)
			inPart[i] = runtime.Value{F32: part(v.F32, lo*e, hi*e), I32: part(v.I32, lo*e, hi*e)}
		}
		for i, v := range out {
			e := elems(outs[i].Shape)
			outPart[i] = runtime.Value{F32: part(v.F32, lo*e, hi*e)}
		}
		if err := s.Run(inPart, outPart); err != nil {
			return fmt.Errorf("examples %d to %d: %w", lo, hi-1, err)
		}
	}
	return nil
}

func elems(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// part returns x[lo:hi], or nil for a nil x.
func part[T any](x []T, lo, hi int) []T {
	if x == nil {
		return nil
	}
	return x[lo:hi]
}

// floatOutputs allocates a batch of n of the model's outputs, as tensors
// and as the VM's values over the same memory.
func floatOutputs(m *runtime.Model, n int) ([]*tensor.Tensor, []runtime.Value) {
	var outs []*tensor.Tensor
	var values []runtime.Value
	for _, o := range m.Outputs() {
		t := tensor.New(tensor.F32, append([]int{n}, o.Shape...)...)
		outs = append(outs, t)
		values = append(values, runtime.Value{F32: t.F32})
	}
	return outs, values
}

// allocsPerRun counts the heap allocations of one call of fn, averaged over
// a few calls, as testing.AllocsPerRun does (on one P, so that no other
// goroutine's allocations are counted).
func allocsPerRun(fn func()) float64 {
	defer goruntime.GOMAXPROCS(goruntime.GOMAXPROCS(1))
	var before, after goruntime.MemStats
	fn()
	goruntime.ReadMemStats(&before)
	const runs = 20
	for i := 0; i < runs; i++ {
		fn()
	}
	goruntime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / runs
}
