// Command bench runs kiln's int8 workloads on the kiln VM and on ONNX
// Runtime in one run and prints the ratios.
//
//	make bench                      (installs the npm packages, then runs this)
//	go run ./bench [-time 2s] [-rounds 3] [-threads 1] [-only NAME] [-json FILE] [-cpuprofile FILE] [-ort node|python]
//
// It also times the bare loop of each kernel set the machine runs (its
// multiply-add instructions on registers alone, kernels.Peak) and gives
// kiln's GMAC/s as a fraction of the running set's.
// The workloads: an int8 dense layer 1024x1024 (uint8/int8 in and out,
// nothing but the matrix product and its requantization), and LeNet-300-100
// and LeNet-5 quantized from float inputs to float outputs. Each is
// compiled from kiln source, given seeded random weights, calibrated on
// seeded random inputs and quantized; the same quantized graph is encoded
// as bytecode for the VM and exported as an ONNX graph (onnx.go) that
// ort.js builds and times in ONNX Runtime, on as many threads as the VM
// (-threads: runtime.Options.Threads and ONNX Runtime's intra-op threads,
// 1 unless set; make bench BENCHFLAGS=-threads=2). Latency is the
// median (and 99th percentile) of single runs; throughput is the batch
// size over the median run time. The engines take turns for a few rounds
// and each figure is the median over them. ONNX Runtime's times include
// the Node binding's cost of a session.run call. With -ort python, ort.py
// does the same through ONNX Runtime's Python binding (the onnxruntime
// package), for machines with that package and no Node.js.
package main

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/proto"

	onnxout "github.com/kiln-nn/kiln/backend/onnx"
	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/runtime/kernels"
	"github.com/kiln-nn/kiln/train"
)

// workload is one model, quantized, in both forms.
type workload struct {
	Name    string      `json:"name"`
	Model   string      `json:"model"` // the ONNX model (kiln build --emit onnx), base64
	Inputs  []valueSpec `json:"inputs"`
	Outputs []valueSpec `json:"outputs"`
	Batches []int       `json:"batches"`
	Sample  []string    `json:"sample"` // one sample's inputs, raw little-endian, base64

	rawIO bool
	macs  int64       // multiply-adds per sample
	sat   *saturation // nil unless the first layer is a dense one
	kbc   []byte
	in    []runtime.Value // one sample, as the VM takes it
}

// result is one timing from either engine.
type result struct {
	Name      string      `json:"name"`
	Batch     int         `json:"batch"`
	P50       float64     `json:"p50_us"`
	P99       float64     `json:"p99_us"`
	Runs      int         `json:"runs"`
	PerSecond float64     `json:"per_second"`
	Outputs   [][]float64 `json:"outputs,omitempty"`
}

var (
	cpuProfile, only string
	ortRunner        = "node"
	rounds           = 3
	threads          = 1
)

var sources = []struct {
	name, file, src string
	rawIO           bool
}{
	{name: "dense 1024x1024", src: "model dense {\n  input x: f32[1024]\n  output y = dense(x, 1024)\n}\n", rawIO: true},
	{name: "LeNet-300-100", file: "examples/lenet_300_100.kiln"},
	{name: "LeNet-5", file: "examples/lenet5.kiln"},
}

func main() {
	seconds := flag.Duration("time", 2*time.Second, "how long to time each workload at each batch size")
	jsonOut := flag.String("json", "", "also write the results as JSON to this file")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the kiln timings to this file")
	flag.StringVar(&only, "only", "", "run only the workload with this name")
	flag.IntVar(&rounds, "rounds", rounds, "how many times each engine is timed, taking turns; figures are the medians")
	flag.IntVar(&threads, "threads", threads, "threads per run, for both engines (kiln's Options.Threads, ONNX Runtime's intra-op threads)")
	flag.StringVar(&ortRunner, "ort", ortRunner, "how to run ONNX Runtime: node (bench/ort.js, onnxruntime-node) or python (bench/ort.py, the onnxruntime package)")
	flag.Parse()
	if err := run(*seconds, *jsonOut); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(d time.Duration, jsonOut string) error {
	if rounds < 1 || d <= 0 || threads < 1 {
		return fmt.Errorf("-rounds, -threads and -time must be positive")
	}
	runners := map[string][]string{"node": {"node", "ort.js"}, "python": {"python3", "ort.py"}}
	runner, ok := runners[ortRunner]
	if !ok {
		return fmt.Errorf("-ort %q: want node or python", ortRunner)
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	var ws []*workload
	for _, s := range sources {
		if only != "" && s.name != only {
			continue
		}
		src := []byte(s.src)
		name := s.name + ".kiln"
		if s.file != "" {
			name = filepath.Join(root, s.file)
			if src, err = os.ReadFile(name); err != nil {
				return err
			}
		}
		w, err := prepare(s.name, name, src, s.rawIO)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		ws = append(ws, w)
	}

	spec, err := json.Marshal(map[string]any{"workloads": ws, "seconds": d.Seconds(), "threads": threads})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "kiln-bench-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(spec); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
	}
	// The engines take turns, rounds times, and each figure is the median
	// of its rounds: on a shared machine the load changes from one minute
	// to the next, and alternating spreads it over both.
	var kilnRounds, ortRounds [][]result
	for r := range rounds {
		fmt.Fprintf(os.Stderr, "round %d of %d: ONNX Runtime...", r+1, rounds)
		cmd := exec.Command(runner[0], filepath.Join(root, "bench", runner[1]), tmp.Name())
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			if ortRunner == "node" {
				return fmt.Errorf("node bench/ort.js: %w (run `make bench`, which installs its npm packages)", err)
			}
			return fmt.Errorf("python3 bench/ort.py: %w (it needs the onnxruntime and numpy packages)", err)
		}
		var ortResults []result
		if err := json.Unmarshal(out, &ortResults); err != nil {
			return fmt.Errorf("reading bench/%s output: %w", runner[1], err)
		}
		ortRounds = append(ortRounds, ortResults)

		plural := "s"
		if threads == 1 {
			plural = ""
		}
		fmt.Fprintf(os.Stderr, " kiln (%s kernels, up to %d thread%s)\n", kernels.KernelName(), threads, plural)
		if cpuProfile != "" {
			f, _ := os.OpenFile(cpuProfile, os.O_WRONLY|os.O_TRUNC, 0)
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
		}
		var kilnResults []result
		for _, w := range ws {
			rs, err := timeKiln(w, d)
			if err != nil {
				return fmt.Errorf("%s: %w", w.Name, err)
			}
			kilnResults = append(kilnResults, rs...)
		}
		if cpuProfile != "" {
			pprof.StopCPUProfile()
		}
		kilnRounds = append(kilnRounds, kilnResults)
	}
	kilnResults, ortResults := medians(kilnRounds), medians(ortRounds)
	// The bare-loop peak of each kernel set this machine runs, timed in
	// the same run.
	peaks := map[string]float64{}
	for _, name := range kernels.PeakSets() {
		g, err := kernels.Peak(name, time.Second)
		if err != nil {
			return err
		}
		peaks[name] = g
	}
	report(ws, kilnResults, ortResults, peaks)
	if jsonOut != "" {
		b, _ := json.MarshalIndent(map[string]any{"kiln": kilnResults, "onnxruntime": ortResults, "kernels": kernels.KernelName(), "peak_gmacs": peaks, "threads": threads}, "", "  ")
		return os.WriteFile(jsonOut, b, 0o644)
	}
	return nil
}

// prepare compiles, quantizes and encodes one workload and exports it.
func prepare(name, file string, src []byte, rawIO bool) (*workload, error) {
	p, err := frontend.Compile(file, src)
	if err != nil {
		return nil, err
	}
	g := p.Graph
	testmodels.Randomize(g, 1)
	set := testmodels.Synthetic(g, 256, 2)
	feed, err := train.NewFeed(g, set, train.Sample(set.Len(), 0, 0), 64)
	if err != nil {
		return nil, err
	}
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode,
		Calibration: &passes.Calibration{Data: feed, Method: "minmax"}})
	if err != nil {
		return nil, err
	}
	w := &workload{Name: name, Batches: []int{1, 64}, rawIO: rawIO, macs: r.Float.Stats().Total.MACC, kbc: r.Bytecode}
	// ONNX Runtime's fast int8 kernels take uint8 activations and int8
	// weights: the export writes kiln's int8 activations as uint8 (the
	// same numbers, 128 up). With raw I/O the model starts after the
	// inputs' quantization and ends before the outputs' dequantization.
	model, err := onnxout.EmitWith(g, onnxout.Options{Unsigned: true, RawIO: rawIO})
	if err != nil {
		return nil, err
	}
	w.Model = base64.StdEncoding.EncodeToString(model)
	if w.Inputs, w.Outputs, err = interfaceOf(model); err != nil {
		return nil, err
	}
	// One sample: the first calibration example (quantized for raw I/O).
	sample := testmodels.Synthetic(g, 1, 3)
	for i, in := range g.Inputs() {
		x := sample.Inputs[i].T.F32
		var raw bytes.Buffer
		if rawIO {
			q := in.Quant
			if q == nil {
				q = quantizeOf(g, in)
			}
			i8 := quantizeSample(x, q)
			u8 := make([]byte, len(x))
			for j, v := range i8 {
				u8[j] = byte(int(v) + 128)
			}
			raw.Write(u8)
			w.in = append(w.in, runtime.Value{I8: i8})
		} else {
			binary.Write(&raw, binary.LittleEndian, x)
			w.in = append(w.in, runtime.Value{F32: x})
		}
		w.Sample = append(w.Sample, base64.StdEncoding.EncodeToString(raw.Bytes()))
	}
	if len(w.in) == 1 {
		if s, ok := firstLayerSaturation(r.Graph, w.in[0].I8, w.in[0].F32); ok {
			w.sat = &s
		}
	}
	return w, nil
}

// quantizeSample quantizes x with q's per-tensor parameters, as the VM's
// quantize does.
func quantizeSample(x []float32, q *ir.QuantParams) []int8 {
	i8 := make([]int8, len(x))
	for j, f := range x {
		v := math.RoundToEven(float64(f/q.Scale[0])) + float64(q.Zero[0])
		i8[j] = int8(min(max(v, -128), 127))
	}
	return i8
}

// quantizeOf returns the quantization parameters of input in's quantize.
func quantizeOf(g *ir.Graph, in *ir.Value) *ir.QuantParams {
	for _, v := range g.Values {
		if v.Op.Name == "quantize" && v.Args[0] == in {
			return v.Quant
		}
	}
	return ir.PerTensor(1, 0)
}

// timeKiln times w on the VM at each batch size and records its outputs
// for the first sample.
func timeKiln(w *workload, d time.Duration) ([]result, error) {
	m, err := runtime.Load(w.kbc, &runtime.Options{Threads: threads})
	if err != nil {
		return nil, err
	}
	var rs []result
	for _, batch := range w.Batches {
		s, err := m.NewSession(batch)
		if err != nil {
			return nil, err
		}
		in := make([]runtime.Value, len(w.in))
		for i, v := range w.in {
			in[i] = runtime.Value{I8: repeat(v.I8, batch), F32: repeat(v.F32, batch)}
		}
		var out []runtime.Value
		for _, o := range m.Outputs() {
			n := batch
			for _, dim := range o.Shape {
				n *= dim
			}
			if w.rawIO {
				out = append(out, runtime.Value{I8: make([]int8, n)})
			} else {
				out = append(out, runtime.Value{F32: make([]float32, n)})
			}
		}
		runOnce := func() error { return s.Run(in, out) }
		if w.rawIO {
			runOnce = func() error { return s.RunQuantized(in, out) }
		}
		for range 20 {
			if err := runOnce(); err != nil {
				return nil, err
			}
		}
		var times []float64
		end := time.Now().Add(d)
		for {
			t0 := time.Now()
			runOnce()
			t1 := time.Now()
			times = append(times, float64(t1.Sub(t0).Nanoseconds())/1e3)
			if t1.After(end) && len(times) >= 20 {
				break
			}
		}
		s.Close()
		slices.Sort(times)
		p50 := times[len(times)/2]
		rs = append(rs, result{Name: w.Name, Batch: batch, P50: p50, P99: times[min(len(times)-1, len(times)*99/100)],
			Runs: len(times), PerSecond: float64(batch) * 1e6 / p50})
		if batch == 1 {
			r := result{Name: w.Name}
			for _, o := range out {
				r.Outputs = append(r.Outputs, outputFloats(o, w.rawIO))
			}
			rs = append(rs, r)
		}
	}
	return rs, nil
}

func repeat[T any](x []T, n int) []T {
	if x == nil {
		return nil
	}
	out := make([]T, 0, len(x)*n)
	for range n {
		out = append(out, x...)
	}
	return out
}

// outputFloats returns an output as ort.js reports it: float, or for raw
// I/O the uint8 value.
func outputFloats(v runtime.Value, rawIO bool) []float64 {
	var f []float64
	if rawIO {
		for _, x := range v.I8 {
			f = append(f, float64(int(x)+128))
		}
		return f
	}
	for _, x := range v.F32 {
		f = append(f, float64(x))
	}
	return f
}

// medians returns, for each result of the first round, the one with the
// median p50 among the rounds.
func medians(rounds [][]result) []result {
	var out []result
	for _, r := range rounds[0] {
		var same []result
		for _, round := range rounds {
			if x := find(round, r.Name, r.Batch); x != nil {
				same = append(same, *x)
			}
		}
		slices.SortFunc(same, func(a, b result) int { return cmp.Compare(a.P50, b.P50) })
		out = append(out, same[len(same)/2])
	}
	return out
}

func find(rs []result, name string, batch int) *result {
	for i := range rs {
		if rs[i].Name == name && rs[i].Batch == batch {
			return &rs[i]
		}
	}
	return nil
}

// report prints latency and throughput side by side, the speed ratio
// (ONNX Runtime's time over kiln's: above 1, kiln is faster) and how far
// the two engines' outputs for the first sample are apart.
func report(ws []*workload, kiln, onnx []result, peaks map[string]float64) {
	set := kernels.KernelName()
	tw := tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tbatch\tkiln p50 µs\tORT p50 µs\tkiln p99 µs\tORT p99 µs\tkiln/s\tORT/s\tkiln GMAC/s\tof peak\tspeed-up\t")
	for _, w := range ws {
		for _, b := range w.Batches {
			k, o := find(kiln, w.Name, b), find(onnx, w.Name, b)
			if k == nil || o == nil {
				continue
			}
			gmacs := float64(w.macs) * k.PerSecond / 1e9
			fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.0f\t%.0f\t%.1f\t%.0f%%\t%.2fx\t\n",
				w.Name, b, k.P50, o.P50, k.P99, o.P99, k.PerSecond, o.PerSecond, gmacs, 100*gmacs/peaks[set], o.P50/k.P50)
		}
	}
	tw.Flush()
	fmt.Println()
	fmt.Printf("kiln ran the %s kernels; \"of peak\" is kiln's GMAC/s over that set's bare loop.\n", set)
	for _, name := range kernels.PeakSets() {
		fmt.Printf("bare-loop peak, %s kernels: %.1f GMAC/s\n", name, peaks[name])
	}
	fmt.Println()
	for _, w := range ws {
		k, o := find(kiln, w.Name, 0), find(onnx, w.Name, 0)
		if k == nil || o == nil || len(k.Outputs) != len(o.Outputs) {
			fmt.Printf("%s: no outputs to compare\n", w.Name)
			continue
		}
		worst, unit := 0.0, "LSB"
		for i := range k.Outputs {
			for j := range k.Outputs[i] {
				if j < len(o.Outputs[i]) {
					worst = max(worst, math.Abs(k.Outputs[i][j]-o.Outputs[i][j]))
				}
			}
		}
		if !w.rawIO {
			unit = "(float)"
		}
		fmt.Printf("%s: outputs for one sample differ by at most %.4g %s\n", w.Name, worst, unit)
		if w.sat != nil {
			fmt.Printf("  adding adjacent products in int16 with saturation (VPMADDUBSW, u8 x s8 kernels without VNNI)\n  would move its first layer's outputs by up to %.3g LSB (%d of %d pairs clamp)\n",
				w.sat.worst, w.sat.saturated, w.sat.pairs)
		}
	}
}

// moduleRoot finds the directory of go.mod, so that the harness runs from
// anywhere in the repository.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// valueSpec is an ONNX model's input or output as ort.js feeds and reads
// it: its first dimension is the batch ("N").
type valueSpec struct {
	Name     string `json:"name"`
	ElemType string `json:"elemType"` // float, uint8, int8, int32
	Dims     []int  `json:"dims"`     // per sample
}

// interfaceOf reads an ONNX model's inputs and outputs.
func interfaceOf(model []byte) (in, out []valueSpec, err error) {
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil {
		return nil, nil, err
	}
	types := map[onnxpb.TensorProto_DataType]string{onnxpb.TensorProto_FLOAT: "float", onnxpb.TensorProto_UINT8: "uint8", onnxpb.TensorProto_INT8: "int8", onnxpb.TensorProto_INT32: "int32"}
	spec := func(vi *onnxpb.ValueInfoProto) valueSpec {
		t := vi.GetType().GetTensorType()
		v := valueSpec{Name: vi.GetName(), ElemType: types[onnxpb.TensorProto_DataType(t.GetElemType())]}
		for _, d := range t.GetShape().GetDim()[1:] {
			v.Dims = append(v.Dims, int(d.GetDimValue()))
		}
		return v
	}
	for _, vi := range m.GetGraph().GetInput() {
		in = append(in, spec(vi))
	}
	for _, vi := range m.GetGraph().GetOutput() {
		out = append(out, spec(vi))
	}
	return in, out, nil
}
