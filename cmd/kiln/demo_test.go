package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/tensor"
)

// demoModel is a small MLP on 8x8 images of four classes, with a compile
// block's pruning plan, for kiln demo's tests.
const demoToyModel = `model toy {
  input image: f32[1, 8, 8]
  h1 = relu(dense(flatten(image), 32))
  h2 = relu(dense(h1, 16))
  output logits = dense(h2, 4)

  train {
    data = "toy.npz"
    optimizer = adam(lr=0.01)
    epochs = 4
    batch = 16
    seed = 1
  }

  compile {
    prune = sparsity(target=0.75, epochs=2)
  }
}
`

// toyParams is the toy model's parameter count: its weights and biases.
const toyWeights, toyParams = 64*32 + 32*16 + 16*4, 64*32 + 32 + 32*16 + 16 + 16*4 + 4

// demoToy writes the toy model and its data beside it: images whose
// quadrant k is bright for class k, over noise; 400 training and 200 test
// examples.
func demoToy(t *testing.T) (dir, model string) {
	t.Helper()
	dir = t.TempDir()
	model = filepath.Join(dir, "toy.kiln")
	if err := os.WriteFile(model, []byte(demoToyModel), 0o644); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	images := func(n int) (*tensor.Tensor, *tensor.Tensor) {
		x, y := tensor.New(tensor.F32, n, 1, 8, 8), tensor.New(tensor.I32, n)
		for i := range n {
			k := i % 4
			y.I32[i] = int32(k)
			for p := range 64 {
				row, col := p/8, p%8
				v := 0.3 * r.Float32()
				if row/4 == k/2 && col/4 == k%2 {
					v += 0.5 + 0.5*r.Float32()
				}
				x.F32[i*64+p] = v
			}
		}
		return x, y
	}
	x, y := images(400)
	xt, yt := images(200)
	if err := data.SaveNPZ(filepath.Join(dir, "toy.npz"), []data.Named{{Name: "x", T: x}, {Name: "y", T: y}, {Name: "x_test", T: xt}, {Name: "y_test", T: yt}}); err != nil {
		t.Fatal(err)
	}
	return dir, model
}

// demoTableRow is one row of kiln demo's table, its cells as printed.
type demoTableRow struct {
	stage                                  string
	accuracy                               float64 // percent
	params, bytes                          int
	latencyUS, seconds                     float64
	notBuilt                               bool
	accuracyCell, latencyCell, secondsCell string
}

var cellSep = regexp.MustCompile(`\s{2,}`)

// parseDemoTable finds the table in kiln demo's output: the header, then
// a row per stage.
func parseDemoTable(t *testing.T, out string) []demoTableRow {
	t.Helper()
	lines := strings.Split(out, "\n")
	at := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "stage  ") {
			at = i
			break
		}
	}
	if at < 0 {
		t.Fatalf("no table in the output:\n%s", out)
	}
	if got := cellSep.Split(strings.TrimSpace(lines[at]), -1); strings.Join(got, "|") != "stage|accuracy|parameters|bytes|batch 1|time" {
		t.Fatalf("header %q", lines[at])
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(strings.NewReplacer(",", "", "%", "", " us", "", " s", "").Replace(s), 64)
		if err != nil {
			t.Fatalf("cell %q is not a number", s)
		}
		return v
	}
	var rows []demoTableRow
	for _, l := range lines[at+1:] {
		cells := cellSep.Split(strings.TrimSpace(l), -1)
		if len(cells) < 6 {
			break
		}
		r := demoTableRow{stage: cells[0]}
		if cells[1] == "-" {
			r.notBuilt = strings.Contains(l, "(not built: see below)")
			rows = append(rows, r)
			continue
		}
		r.accuracyCell, r.latencyCell, r.secondsCell = cells[1], cells[4], cells[5]
		r.accuracy, r.params, r.bytes = num(cells[1]), int(num(cells[2])), int(num(cells[3]))
		r.latencyUS, r.seconds = num(cells[4]), num(cells[5])
		rows = append(rows, r)
	}
	return rows
}

// TestDemo runs the whole pipeline on the toy model and checks every
// row of the table against what it must say: the stages in order, the
// scores of a model that learned, the parameter counts the model and its
// pruning give, the bytes of what was written, and native code that
// scores as the VM does (its outputs the VM's, bit for bit).
func TestDemo(t *testing.T) {
	dir, model := demoToy(t)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := kiln("demo", model, "--time", "20ms", "--distill-epochs", "3", "-o", out)
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"demo 1/6: training toy on toy.npz: 400 examples, 4 epochs", "epoch 4/4", "demo 2/6: pruning 75% of the weights (oneshot schedule), retraining 2 epochs",
		"epoch 2/2", "demo 3/6: sizing a student of toy for params=0.25", "layer 1/2: h1", "student: h1 32 -> ", "epoch 3/3", "demo 6/6: done"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the progress lacks %q:\n%s", want, stderr)
		}
	}
	rows := parseDemoTable(t, stdout)
	stages := []string{"float32, trained", "pruned 75%, retrained", "int8 .kbc on the VM", "int8 native code", "student, distilled", "int8 .kbc on the VM", "int8 native code"}
	if len(rows) != len(stages) {
		t.Fatalf("%d rows, expected %d:\n%s", len(rows), len(stages), stdout)
	}
	for i, r := range rows {
		if r.stage != stages[i] {
			t.Errorf("row %d is %q, expected %q", i, r.stage, stages[i])
		}
	}
	native := missingNativeTool() == ""
	for i, r := range rows {
		if r.notBuilt {
			if native || !strings.Contains(r.stage, "native") {
				t.Errorf("row %q was not built:\n%s", r.stage, stdout)
			}
			continue
		}
		if r.accuracy < 90 || r.accuracy > 100 || r.latencyUS <= 0 || r.seconds < 0 || r.params <= 0 || r.bytes <= 0 {
			t.Errorf("row %d (%s): accuracy %s, latency %s, time %s, %d parameters, %d bytes\n%s", i, r.stage, r.accuracyCell, r.latencyCell, r.secondsCell, r.params, r.bytes, stdout)
		}
	}
	float, pruned, kbc, nat, student, skbc, snat := rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6]
	if float.params != toyParams || float.bytes != 4*toyParams {
		t.Errorf("float: %d parameters, %d bytes; expected %d and %d", float.params, float.bytes, toyParams, 4*toyParams)
	}
	// A quarter of the weights survive, and (nearly all) the biases.
	if keep := toyWeights / 4; pruned.params < keep || pruned.params > keep+(toyParams-toyWeights) || pruned.bytes != 5*pruned.params {
		t.Errorf("pruned: %d non-zeros, %d bytes; expected %d weights and up to %d biases, 5 bytes each", pruned.params, pruned.bytes, keep, toyParams-toyWeights)
	}
	if student.params >= float.params/3 || student.bytes != 4*student.params {
		t.Errorf("student: %d parameters and %d bytes for a budget of a quarter of %d", student.params, student.bytes, float.params)
	}
	for _, f := range []struct {
		row  demoTableRow
		file string
		of   demoTableRow
	}{{kbc, "toy.pruned.kbc", pruned}, {nat, "toy.pruned.o", pruned}, {skbc, "toy.student.kbc", student}, {snat, "toy.student.o", student}} {
		if f.row.notBuilt {
			continue
		}
		st, err := os.Stat(filepath.Join(out, f.file))
		if err != nil || int(st.Size()) != f.row.bytes {
			t.Errorf("%s: the row says %d bytes, the file: %v", f.file, f.row.bytes, err)
		} else if f.row.params != f.of.params {
			t.Errorf("%s: %d parameters, the float model it was built from %d", f.file, f.row.params, f.of.params)
		}
	}
	if native {
		if nat.accuracyCell != kbc.accuracyCell || snat.accuracyCell != skbc.accuracyCell {
			t.Errorf("native code scores %s and %s, the VM %s and %s", nat.accuracyCell, snat.accuracyCell, kbc.accuracyCell, skbc.accuracyCell)
		}
		if !strings.Contains(stdout, "the native code's outputs equal the VM's bit for bit on all 400 test examples of both models.") {
			t.Errorf("no bit-exact agreement with the VM:\n%s", stdout)
		}
	}
	for _, f := range []string{"toy.safetensors", "toy.pruned.safetensors", "toy.student.kiln", "toy.student.safetensors"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the demo did not keep %s: %v", f, err)
		}
	}
}

// TestDemoWithoutNativeTools checks that the native rows say what is
// missing instead of failing, on a subset of the examples, with a student
// sized for --budget's parameter budget. (A latency budget would make the
// student depend on the machine's timings, which a test must not.)
func TestDemoWithoutNativeTools(t *testing.T) {
	_, model := demoToy(t)
	t.Setenv("PATH", t.TempDir())
	code, stdout, stderr := kiln("demo", model, "--time", "5ms", "--epochs", "2", "--prune-epochs", "1", "--distill-epochs", "1",
		"--train-examples", "200", "--test-examples", "100", "--budget", "params=0.5")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "sizing a student of toy for params=0.5") {
		t.Errorf("the budget was not --budget's:\n%s", stderr)
	}
	if !strings.Contains(stderr, "200 examples, 2 epochs") || !strings.Contains(stdout, "accuracy on toy.npz (test), 100 of 200 (100 examples)") {
		t.Errorf("the subsets were not taken:\n%s\n%s", stdout, stderr)
	}
	rows := parseDemoTable(t, stdout)
	if len(rows) != 7 {
		t.Fatalf("%d rows:\n%s", len(rows), stdout)
	}
	for i, r := range rows {
		if r.notBuilt != (i == 3 || i == 6) {
			t.Errorf("row %d (%s): not built %v", i, r.stage, r.notBuilt)
		}
	}
	if !strings.Contains(stdout, "native code not built: opt is not on PATH (LLVM 14's optimizer") {
		t.Errorf("the output does not say why:\n%s", stdout)
	}
}

// TestDemoModels checks kiln demo --models' row per model, and a model
// that fails: its row says so, the others still run, and the command
// fails.
func TestDemoModels(t *testing.T) {
	dir, model := demoToy(t)
	bad := filepath.Join(dir, "bad.kiln")
	os.WriteFile(bad, []byte("model bad {\n  input x: f32[4]\n  output y = dense(x, 2)\n  train {\n    data = \"none.npz\"\n  }\n}\n"), 0o644)
	code, stdout, stderr := kiln("demo", "--models", model, bad, "--time", "5ms", "--epochs", "2")
	if code != 1 {
		t.Fatalf("demo --models: exit %d, expected 1 for the failing model\n%s\n%s", code, stdout, stderr)
	}
	lines := strings.Split(stdout, "\n")
	if len(lines) < 3 || cellSep.ReplaceAllString(strings.TrimSpace(lines[0]), "|") != "model|data|parameters|float|int8 (VM)|.kbc bytes|batch 1|training" {
		t.Fatalf("output:\n%s", stdout)
	}
	cells := cellSep.Split(strings.TrimSpace(lines[1]), -1)
	if len(cells) != 8 || cells[0] != "toy" || cells[1] != "toy.npz" || cells[2] != "2,676" {
		t.Fatalf("the toy's row: %q", lines[1])
	}
	for _, c := range cells[3:5] {
		if acc, err := strconv.ParseFloat(strings.TrimSuffix(c, "%"), 64); err != nil || acc < 90 || acc > 100 {
			t.Errorf("the toy's row: score %q\n%s", c, stdout)
		}
	}
	if n, err := strconv.Atoi(strings.ReplaceAll(cells[5], ",", "")); err != nil || n < toyParams {
		t.Errorf("the toy's row: .kbc bytes %q for %d int8 weights", cells[5], toyParams)
	}
	if !strings.HasPrefix(lines[2], "bad ") || !strings.Contains(lines[2], "(failed: see below)") || !strings.Contains(stdout, "bad: failed: ") || !strings.Contains(stdout, "none.npz") {
		t.Errorf("the failing model:\n%s", stdout)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--models", model, "--sparsity", "0.5"}, "--sparsity is a setting of the pipeline on one model"},
		{[]string{"demo", "--models"}, "missing the models"},
		{[]string{"demo", model, "--epochs", "0"}, "--epochs must be at least 1"},
		{[]string{"demo", model, "--budget", "params=2x"}, "--budget"},
		{[]string{"demo", model, "--sparsity", "1.5"}, "--sparsity must be between 0 and 1"},
	} {
		if code, _, stderr := kiln(c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, expected 2 and %q\n%s", strings.Join(c.args, " "), code, c.want, stderr)
		}
	}
	two := filepath.Join(dir, "two.kiln")
	os.WriteFile(two, []byte("model two {\n  input a: f32[4]\n  input b: f32[4]\n  p = dense(a, 2)\n  q = dense(b, 2)\n  output y = p + q\n}\n"), 0o644)
	if code, _, stderr := kiln("demo", two); code != 1 || !strings.Contains(stderr, "kiln demo runs a model of one float input and one output") {
		t.Errorf("a model of two inputs: exit %d\n%s", code, stderr)
	}
}
