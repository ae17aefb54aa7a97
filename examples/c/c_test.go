// Package c tests the C example classify.c: it builds the program against
// a model compiled to native code and checks what it prints against the VM.
package c

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/backend/llvm"
	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
)

// TestClassify compiles the MNIST MLP example (random weights, calibrated
// on random data) to an object file and header as kiln build --emit obj
// and --emit header do, builds classify.c against them as the Makefile
// does, and checks every class and score it prints, for an IDX file with
// labels, raw float32 images and the drawn digits, against the VM's
// Session.Run on the same floats, bit for bit. Then it checks that bad
// input is an error.
func TestClassify(t *testing.T) {
	for _, tool := range []string{"gcc", "opt", "llc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: this test needs gcc, and LLVM 14's opt and llc", tool)
		}
	}
	dir := t.TempDir()
	vm := build(t, dir)

	// 100 images of random bytes, more than one batch of the program's 64,
	// as IDX files; kiln's own IDX reader gives the floats the VM runs.
	r := rand.New(rand.NewPCG(3, 4))
	const n = 100
	pixels, labels := make([]byte, n*784), make([]byte, n)
	for i := range pixels {
		if r.IntN(4) == 0 { // mostly background, as in a digit
			pixels[i] = byte(r.IntN(256))
		}
	}
	for i := range labels {
		labels[i] = byte(r.IntN(10))
	}
	writeFile(t, dir, "train-images-idx3-ubyte", idx([]int{n, 28, 28}, pixels))
	writeFile(t, dir, "train-labels-idx1-ubyte", idx([]int{n}, labels))
	set, err := data.Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	x := set.Train.Inputs[0].T.F32
	want := vm(x)
	got := classify(t, dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
	compare(t, "IDX images", got, want, labels)

	// -n takes the first images only.
	got = classify(t, dir, "-n", "5", "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
	compare(t, "-n 5", got, want[:5], labels[:5])

	// Raw float32 images: normal values, the model's calibration data's
	// distribution.
	raw := make([]float32, 10*784)
	for i := range raw {
		raw[i] = float32(r.NormFloat64())
	}
	b := make([]byte, 4*len(raw))
	for i, v := range raw {
		binary.NativeEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	writeFile(t, dir, "raw.f32", b)
	compare(t, "raw float32 images", classify(t, dir, "raw.f32"), vm(raw), nil)

	// The drawn digits, read from the source as classify.c reads them.
	compare(t, "drawn digits", classify(t, dir), vm(drawn(t)), nil)

	writeFile(t, dir, "short.f32", b[:4*784+8])
	writeFile(t, dir, "small-idx", idx([]int{2, 10, 10}, make([]byte, 200)))
	writeFile(t, dir, "cut-idx", idx([]int{2, 28, 28}, make([]byte, 784)))
	writeFile(t, dir, "long-idx", idx([]int{1, 28, 28}, make([]byte, 785)))
	nan := append([]byte(nil), b[:2*784*4]...)
	binary.NativeEndian.PutUint32(nan[(784+5)*4:], math.Float32bits(float32(math.NaN())))
	writeFile(t, dir, "nan.f32", nan)
	writeFile(t, dir, "images.gz", []byte{0x1f, 0x8b, 8, 0})
	writeFile(t, dir, "empty", nil)
	writeFile(t, dir, "few-labels", idx([]int{5}, labels[:5]))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"missing"}, "classify: missing: No such file or directory"},
		{[]string{"short.f32"}, "classify: short.f32: 3144 bytes: neither an IDX file of unsigned bytes nor raw float32 images of 784 values (3136 bytes each)"},
		{[]string{"empty"}, "classify: empty: 0 bytes: neither"},
		{[]string{"small-idx"}, "classify: small-idx: 2 images of 100 pixels; the model takes 784 values an image"},
		{[]string{"cut-idx"}, "classify: cut-idx: an IDX file whose dimensions exceed its size"},
		{[]string{"long-idx"}, "classify: long-idx: an IDX file of 801 bytes whose dimensions say 784 elements"},
		{[]string{"nan.f32"}, "classify: nan.f32: image 1, value 5 is nan"},
		{[]string{"."}, "classify: .: Is a directory"},
		{[]string{"images.gz"}, "classify: images.gz: a gzip file; unzip it first"},
		{[]string{"train-images-idx3-ubyte", "raw.f32"}, "classify: raw.f32: not an IDX file of byte labels"},
		{[]string{"train-images-idx3-ubyte", "train-images-idx3-ubyte"}, "classify: train-images-idx3-ubyte: not an IDX file of byte labels"},
		{[]string{"train-images-idx3-ubyte", "few-labels"}, "classify: few-labels: 5 labels for 100 images"},
		{[]string{"-n", "0"}, "classify: -n takes a count of images, not 0"},
		{[]string{"a", "b", "c"}, "usage: classify [-n COUNT] [IMAGES [LABELS]]"},
	} {
		cmd := exec.Command("./classify", c.args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		code := 1 // bad input; a wrong command line: 2
		if strings.HasPrefix(c.want, "usage: ") {
			code = 2
		}
		if err == nil || cmd.ProcessState.ExitCode() != code || len(out) != 0 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("classify %s: %v, stdout %q, stderr %q; want exit status %d saying %q", strings.Join(c.args, " "), err, out, stderr.String(), code, c.want)
		}
	}
}

// result is one image's class and score.
type result struct {
	class int
	score float32
}

// build compiles the MNIST MLP example and classify.c into dir, and returns
// a function that runs the same model on the VM.
func build(t *testing.T, dir string) func(x []float32) []result {
	p, _, err := frontend.Load("../mnist_mlp.kiln")
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 1)
	set := testmodels.Synthetic(g, 64, 2)
	res, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode,
		Calibration: &passes.Calibration{Data: testmodels.Feed(g, set, 64), Method: "minmax"}})
	if err != nil {
		t.Fatal(err)
	}
	header, err := llvm.Header(res.Graph)
	if err != nil {
		t.Fatal(err)
	}
	ll, err := llvm.Emit(res.Graph)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "model.h", header)
	writeFile(t, dir, "model.ll", ll)
	src, err := filepath.Abs("classify.c")
	if err != nil {
		t.Fatal(err)
	}
	// As kiln build --emit obj compiles it, and the Makefile links it.
	opt := []string{"-O3", "model.ll", "-o", "model.bc"}
	if triple := llvm.HostTriple(); triple != "" {
		opt = append(opt, "-mtriple="+triple)
	}
	run(t, dir, "opt", opt...)
	run(t, dir, "llc", "-O3", "-relocation-model=pic", "-filetype=obj", "model.bc", "-o", "model.o")
	run(t, dir, "gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-O2", "-I.",
		"-DMODEL=mnist_mlp", "-DMODEL_UPPER=MNIST_MLP", src, "model.o", "-o", "classify", "-lm")

	m, err := runtime.Load(res.Bytecode, nil)
	if err != nil {
		t.Fatal(err)
	}
	return func(x []float32) []result {
		n := len(x) / 784
		s, err := m.NewSession(n)
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float32, n*10)
		if err := s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: y}}); err != nil {
			t.Fatal(err)
		}
		out := make([]result, n)
		for i := range out {
			row := y[i*10 : (i+1)*10]
			best := 0
			for j := range row {
				if row[j] > row[best] {
					best = j
				}
			}
			out[i] = result{best, row[best]}
		}
		return out
	}
}

var line = regexp.MustCompile(`^image (\d+): (\d+) \(score (\S+)\)(?: label (\d+)( wrong)?)?$`)

// classify runs the program and returns each image's line, parsed, and the
// labels it printed.
func classify(t *testing.T, dir string, args ...string) []parsed {
	t.Helper()
	out := run(t, dir, "./classify", args...)
	var got []parsed
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if strings.HasPrefix(l, "accuracy: ") {
			got = append(got, parsed{accuracy: l})
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("classify %s: line %q", strings.Join(args, " "), l)
		}
		i, _ := strconv.Atoi(m[1])
		class, _ := strconv.Atoi(m[2])
		score, err := strconv.ParseFloat(m[3], 32)
		if err != nil || i != len(got) {
			t.Fatalf("classify %s: line %q", strings.Join(args, " "), l)
		}
		label := -1
		if m[4] != "" {
			label, _ = strconv.Atoi(m[4])
		}
		got = append(got, parsed{result: result{class, float32(score)}, label: label, wrong: m[5] != ""})
	}
	return got
}

// parsed is a line of the program's output.
type parsed struct {
	result
	label    int    // -1: none printed
	wrong    bool   // printed " wrong"
	accuracy string // the accuracy line
}

// compare checks the program's lines against the VM's results, the labels
// each line shows and the accuracy line when labels were given.
func compare(t *testing.T, what string, got []parsed, want []result, labels []byte) {
	t.Helper()
	lines := len(want)
	if labels != nil {
		lines++
	}
	if len(got) != lines {
		t.Fatalf("%s: %d lines, want %d", what, len(got), lines)
	}
	right := 0
	for i, w := range want {
		g := got[i]
		if g.class != w.class || math.Float32bits(g.score) != math.Float32bits(w.score) {
			t.Errorf("%s, image %d: class %d score %v, the VM's %d %v", what, i, g.class, g.score, w.class, w.score)
		}
		if labels == nil {
			if g.label != -1 {
				t.Errorf("%s, image %d: a label without a labels file", what, i)
			}
			continue
		}
		if g.label != int(labels[i]) || g.wrong != (g.class != g.label) {
			t.Errorf("%s, image %d: label %d (wrong %v), want %d", what, i, g.label, g.wrong, labels[i])
		}
		if g.class == int(labels[i]) {
			right++
		}
	}
	if labels != nil {
		acc := fmt.Sprintf("accuracy: %d of %d (%.2f%%)", right, len(want), 100*float64(right)/float64(len(want)))
		if got[len(want)].accuracy != acc {
			t.Errorf("%s: last line %q, want %q", what, got[len(want)].accuracy, acc)
		}
	}
	classes := map[int]bool{}
	for _, w := range want {
		classes[w.class] = true
	}
	t.Logf("%s: %d images, %d distinct classes, all as the VM", what, len(want), len(classes))
}

// drawn returns the digits drawn in classify.c as its drawn() reads them:
// rows of 28 characters from " .:#", k of them k/3.
func drawn(t *testing.T) []float32 {
	src, err := os.ReadFile("classify.c")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`(?m)^\s*"([ .:#]{28})",$`).FindAllSubmatch(src, -1)
	if len(rows) == 0 || len(rows)%28 != 0 {
		t.Fatalf("classify.c: %d rows of drawn digits", len(rows))
	}
	var x []float32
	for _, r := range rows {
		for _, c := range r[1] {
			x = append(x, float32(strings.IndexByte(" .:#", c))/3)
		}
	}
	return x
}

// idx returns an IDX file of unsigned bytes.
func idx(dims []int, b []byte) []byte {
	out := []byte{0, 0, 8, byte(len(dims))}
	for _, d := range dims {
		out = binary.BigEndian.AppendUint32(out, uint32(d))
	}
	return append(out, b...)
}

func writeFile(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// run runs a command in dir and returns its standard output.
func run(t *testing.T, dir, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}
