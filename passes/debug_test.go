package passes_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/tensor"
)

// traceModel quantizes a small convolutional model with random weights,
// calibrated on synthetic data, and returns it with one of its
// calibration examples.
func traceModel(t *testing.T) (*compiler.Result, *tensor.Tensor) {
	t.Helper()
	src := `model m {
  input x: f32[1, 6, 6]
  c = relu(conv2d(x, filters=2, kernel=3))
  h = relu(dense(flatten(c), 5))
  output y = dense(h, 3)
}
`
	p, err := frontend.Compile("m.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 7)
	set := testmodels.Synthetic(g, 64, 8)
	calib := &passes.Calibration{Data: testmodels.Feed(g, set, 16), Method: "minmax"}
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Quantized, Calibration: calib})
	if err != nil {
		t.Fatal(err)
	}
	x := set.Inputs[0].T
	one := tensor.New(tensor.F32, append([]int{1}, x.Shape[1:]...)...)
	copy(one.F32, x.F32)
	return r, one
}

func TestTraceListsEveryValue(t *testing.T) {
	r, x := traceModel(t)
	rows, err := passes.Trace(r.Float, r.Graph, map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	// One row per input and computed value of the int8 graph, in order.
	var want []string
	for _, v := range r.Graph.Values {
		if v.Op != ir.OpParam && v.Op != ir.OpConst {
			want = append(want, v.Name)
		}
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows for %d values %v", len(rows), len(want), want)
	}
	quantized := 0
	for i, row := range rows {
		if row.Name != want[i] {
			t.Errorf("row %d is %s, want %s", i, row.Name, want[i])
		}
		if !row.Twin || !row.Compared {
			t.Errorf("%s (%s) not compared with a float value", row.Name, row.Op)
		}
		if strings.HasSuffix(row.Name, ".q") {
			quantized++
			if row.Step <= 0 || row.Steps != row.MaxErr/row.Step {
				t.Errorf("%s: step %g, %g steps for error %g", row.Name, row.Step, row.Steps, row.MaxErr)
			}
		}
		// Every value of this model keeps its signal: more than 20 dB.
		if row.SQNR < 20 {
			t.Errorf("%s: SQNR %.1f dB", row.Name, row.SQNR)
		}
	}
	if quantized < 5 {
		t.Errorf("%d quantized values", quantized)
	}
	// The input is the input: no error. Its quantization, of an example
	// the ranges were calibrated on, rounds by at most half a step.
	in, q := rows[0], rows[1]
	if in.Name != "x" || in.MaxErr != 0 || in.Float != in.Quant {
		t.Errorf("input row %+v", in)
	}
	if q.Name != "x.q" || q.Op != "quantize" || q.Steps > 0.5+1e-6 {
		t.Errorf("quantized input %s (%s): %g steps, want at most half a step", q.Name, q.Op, q.Steps)
	}
}

func TestTraceShowsClipping(t *testing.T) {
	// An example ten times larger than any calibrated is clipped where it
	// is quantized: many steps of error there.
	r, x := traceModel(t)
	for i := range x.F32 {
		x.F32[i] *= 10
	}
	rows, err := passes.Trace(r.Float, r.Graph, map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	if q := rows[1]; q.Name != "x.q" || q.Steps < 10 {
		t.Errorf("clipped input %s: %g steps, want many", q.Name, q.Steps)
	}
}

func TestWriteTrace(t *testing.T) {
	r, x := traceModel(t)
	rows, err := passes.Trace(r.Float, r.Graph, map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	passes.WriteTrace(&b, rows)
	out := b.String()
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 100 {
			t.Errorf("a line of %d columns: %q", len(line), line)
		}
	}
	for _, row := range rows {
		if !strings.Contains(out, "\n"+row.Name+" ") {
			t.Errorf("no line for %s:\n%s", row.Name, out)
		}
	}
	for _, want := range []string{"lowest SQNR: ", "legend:", "steps "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestTraceRefusesBadFeeds(t *testing.T) {
	r, x := traceModel(t)
	if _, err := passes.Trace(r.Float, r.Graph, map[string]*tensor.Tensor{"z": x}); err == nil {
		t.Error("a feed for no input: no error")
	}
	wrong := tensor.New(tensor.F32, 1, 5)
	if _, err := passes.Trace(r.Float, r.Graph, map[string]*tensor.Tensor{"x": wrong}); err == nil {
		t.Error("a feed of the wrong shape: no error")
	}
}
