package compress

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// A teacher whose first hidden layer has only 4 live neurons of 16: its
// sensitivity is flat down to a quarter, while the second's is steep.
const deadTeacher = `// a teacher with dead neurons
model teacher {
  input x: f32[6]
  h1 = relu(dense(x, 16))
  h2 = relu(dense(h1, units=16))
  output logits = dense(h2, 4)
}
`

// deadModel returns deadTeacher with random weights, 12 of h1's neurons
// dead, and 128 examples labelled by the model itself.
func deadModel(t *testing.T) (*ir.Graph, *data.Dataset) {
	t.Helper()
	prog, err := frontend.Compile("teacher.kiln", []byte(deadTeacher))
	if err != nil {
		t.Fatal(err)
	}
	g := prog.Graph
	train.Init(g, 11)
	kill(g, "h1", 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14)
	in := g.Inputs()[0]
	n := 128
	x := tensor.New(tensor.F32, n, 6)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range x.F32 {
		x.F32[i] = float32(r.NormFloat64())
	}
	outs, err := ir.Run(g, map[string]*tensor.Tensor{in.Name: x})
	if err != nil {
		t.Fatal(err)
	}
	y := tensor.New(tensor.I32, n)
	for i := range n {
		row := outs[0].F32[i*4 : (i+1)*4]
		y.I32[i] = int32(slices.Index(row, slices.Max(row)))
	}
	return g, &data.Dataset{Name: "dead", Inputs: []data.Named{{Name: in.Name, T: x}}, Target: y, Task: data.Classification, Classes: 4}
}

func TestSizeStudentNarrowsFlatLayerFirst(t *testing.T) {
	g, val := deadModel(t)
	budget := Budget{Measure: "params", Value: 0.5}
	s, err := SizeStudent("teacher.kiln", []byte(deadTeacher), g, val, budget, SizingConfig{})
	if err != nil {
		t.Fatal(err)
	}
	full := g.Stats().Total.Params
	if s.Limit != full/2 || s.Student.Params > s.Limit {
		t.Fatalf("limit %d of %d parameters, student %d: not within half", s.Limit, full, s.Student.Params)
	}
	h1, h2 := s.Layers[0], s.Layers[1]
	if h1.Name != "h1" || h2.Name != "h2" || len(s.Layers) != 2 {
		t.Fatalf("layers %+v, want h1 and h2", s.Layers)
	}
	// h1 at a quarter is the same function: its curve is flat there.
	if h1.Scores[0] != 100 {
		t.Errorf("h1 at 25%% scores %v, want 100 (its dead neurons go first)", h1.Scores[0])
	}
	if h2.Scores[0] >= 100 {
		t.Errorf("h2 at 25%% scores %v, want below 100", h2.Scores[0])
	}
	if h2.Student != 16 || h1.Student >= 16 {
		t.Errorf("widths h1 %d, h2 %d: want h1 narrowed and h2 whole", h1.Student, h2.Student)
	}

	small, err := s.Build("teacher.kiln", []byte(deadTeacher), g)
	if err != nil {
		t.Fatal(err)
	}
	if got := small.Program.Graph.Stats().Total; got != s.Student {
		t.Errorf("built student has %+v, the sizing says %+v", got, s.Student)
	}
	src := string(small.Source)
	for _, want := range []string{
		"// Student of teacher, sized for the budget params=0.5",
		"h1 = relu(dense(x, " + itoa(h1.Student) + "))",
		"h2 = relu(dense(h1, units=16))",
		"// a teacher with dead neurons",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("student source lacks %q:\n%s", want, src)
		}
	}
	if _, err := frontend.Compile("student.kiln", small.Source); err != nil {
		t.Errorf("student source does not check: %v\n%s", err, src)
	}
	// The student, from the teacher's surviving neurons, is still right.
	m, err := train.Evaluate(small.Program.Graph, val, 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Accuracy < 0.9 {
		t.Errorf("student from the teacher's weights scores %v", m.Accuracy)
	}

	// The same inputs give the same student.
	again, err := SizeStudent("teacher.kiln", []byte(deadTeacher), g, val, budget, SizingConfig{})
	if err != nil {
		t.Fatal(err)
	}
	small2, err := again.Build("teacher.kiln", []byte(deadTeacher), g)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(small.Source, small2.Source) {
		t.Errorf("sizing twice gives\n%s\nand\n%s", small.Source, small2.Source)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestUniformStudent(t *testing.T) {
	g, val := deadModel(t)
	src := []byte(deadTeacher)
	for _, budget := range []Budget{{Measure: "params", Value: 0.5}, {Measure: "params", Value: 0.25}, {Measure: "macc", Value: 0.3}, {Measure: "params", Value: 200}} {
		u, err := UniformStudent("teacher.kiln", src, g, budget, SizingConfig{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := SizeStudent("teacher.kiln", src, g, val, budget, SizingConfig{})
		if err != nil {
			t.Fatal(err)
		}
		cost := func(st ir.OpStats) int64 { return budget.cost(st) }
		if cost(u.Student) > u.Limit || cost(s.Student) > s.Limit {
			t.Errorf("%s: uniform %d, sized %d, over the limit %d", budget, cost(u.Student), cost(s.Student), u.Limit)
		}
		// One unit more of both layers (the uniform factor's next step
		// is at most that) costs at most this.
		step := int64(6 + 1 + 16 + 16 + 1 + 4)
		if budget.Measure == "macc" {
			step = 6 + 16 + 16 + 4
		}
		if d := cost(s.Student) - cost(u.Student); d > step || d < -step {
			t.Errorf("%s: uniform %d and sized %d differ by more than one step, %d", budget, cost(u.Student), cost(s.Student), step)
		}
		if u.Layers[0].Student != u.Layers[1].Student {
			t.Errorf("%s: uniform widths %d and %d differ", budget, u.Layers[0].Student, u.Layers[1].Student)
		}
		small, err := u.Build("teacher.kiln", src, g)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(small.Source), "Uniform: every narrowable layer keeps") {
			t.Errorf("uniform student source:\n%s", small.Source)
		}
	}
}

func TestSizingErrors(t *testing.T) {
	g, val := deadModel(t)
	src := []byte(deadTeacher)
	if _, err := SizeStudent("teacher.kiln", src, g, val, Budget{Measure: "params", Value: 10}, SizingConfig{}); err == nil || !strings.Contains(err.Error(), "below the narrowest student") {
		t.Errorf("a budget below the narrowest student: %v", err)
	}
	if _, err := UniformStudent("teacher.kiln", src, g, Budget{Measure: "params", Value: 10}, SizingConfig{}); err == nil || !strings.Contains(err.Error(), "below the narrowest uniform student") {
		t.Errorf("a budget below the narrowest uniform student: %v", err)
	}
	if _, err := SizeStudent("teacher.kiln", src, g, val, Budget{Measure: "params", Value: 0.5}, SizingConfig{Keeps: []float64{0.5, 0.25}}); err == nil {
		t.Error("falling keeps accepted")
	}
	for _, bad := range []string{"params", "size=0.5", "params=0", "params=-1", "params=1.5", "macc=x", "params=NaN", "latency=2", "latency=0", "latency=-3us", "latency=0us", "latency=fast"} {
		if _, err := ParseBudget(bad); err == nil {
			t.Errorf("ParseBudget(%q) accepted", bad)
		}
	}
	for text, want := range map[string]Budget{"params=0.25": {Measure: "params", Value: 0.25}, "macc=1": {Measure: "macc", Value: 1}, "params=100000": {Measure: "params", Value: 100000},
		"latency=0.3": {Measure: "latency", Value: 0.3}, "latency=40µs": {Measure: "latency", Latency: 40 * time.Microsecond}} {
		if b, err := ParseBudget(text); err != nil || b != want || b.String() != text {
			t.Errorf("ParseBudget(%q) = %v, %v", text, b, err)
		}
	}
}

func TestNextWidth(t *testing.T) {
	for _, c := range []struct{ w, n, steps, want int }{
		{16, 16, 16, 15}, {1, 16, 16, 1}, {800, 800, 16, 750}, {50, 800, 16, 50}, {3, 800, 16, 3}, {4, 4, 16, 3}, {2, 2, 16, 1},
	} {
		if got := nextWidth(c.w, c.n, c.steps); got != c.want {
			t.Errorf("nextWidth(%d, %d, %d) = %d, want %d", c.w, c.n, c.steps, got, c.want)
		}
	}
}

// TestLatencyBudget: with a clock that reads a model's MACC as its
// nanoseconds, a latency budget sizes exactly the student of the same
// MACC budget (the steps are priced by MACC; the clock only says when to
// stop), uniform or not; the comment names the times; without a clock a
// latency budget is an error.
func TestLatencyBudget(t *testing.T) {
	g, val := deadModel(t)
	src := []byte(deadTeacher)
	timed := 0
	clock := SizingConfig{Latency: func(m *ir.Graph) (time.Duration, error) {
		timed++
		return time.Duration(m.Stats().Total.MACC), nil
	}}
	for _, frac := range []float64{0.5, 0.3} {
		byMACC, err := SizeStudent("teacher.kiln", src, g, val, Budget{Measure: "macc", Value: frac}, SizingConfig{})
		if err != nil {
			t.Fatal(err)
		}
		byTime, err := SizeStudent("teacher.kiln", src, g, val, Budget{Measure: "latency", Value: frac}, clock)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(byTime.Layers, byMACC.Layers, func(a, b SizedLayer) bool { return a.Name == b.Name && a.Student == b.Student }) {
			t.Errorf("latency=%g: widths %v, macc=%g: %v", frac, byTime.Layers, frac, byMACC.Layers)
		}
		full := g.Stats().Total.MACC
		if byTime.TeacherLatency != time.Duration(full) || byTime.StudentLatency != time.Duration(byTime.Student.MACC) || int64(byTime.StudentLatency) > byTime.Limit {
			t.Errorf("latency=%g: teacher %v, student %v, limit %d ns", frac, byTime.TeacherLatency, byTime.StudentLatency, byTime.Limit)
		}
		uMACC, err := UniformStudent("teacher.kiln", src, g, Budget{Measure: "macc", Value: frac}, SizingConfig{})
		if err != nil {
			t.Fatal(err)
		}
		uTime, err := UniformStudent("teacher.kiln", src, g, Budget{Measure: "latency", Value: frac}, clock)
		if err != nil {
			t.Fatal(err)
		}
		if uTime.Factor != uMACC.Factor {
			t.Errorf("latency=%g: uniform factor %g, by MACC %g", frac, uTime.Factor, uMACC.Factor)
		}
		small, err := byTime.Build("teacher.kiln", src, g)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(small.Source), "measured latency held") || !strings.Contains(string(small.Source), "took ") {
			t.Errorf("the student's comment does not tell the latency:\n%s", small.Source)
		}
	}
	if timed == 0 {
		t.Error("the clock was never read")
	}
	if _, err := SizeStudent("teacher.kiln", src, g, val, Budget{Measure: "latency", Value: 0.5}, SizingConfig{}); err == nil {
		t.Error("a latency budget without a clock was accepted")
	}
	if _, err := SizeStudent("teacher.kiln", src, g, val, Budget{Measure: "latency", Latency: time.Nanosecond}, clock); err == nil || !strings.Contains(err.Error(), "below the narrowest student") {
		t.Errorf("a 1ns budget: %v", err)
	}
}

// TestSizeStudentFillsBudget: after the whole steps, the student spends
// the budget: within it, and no layer can gain one more unit without
// going over.
func TestSizeStudentFillsBudget(t *testing.T) {
	g, val := deadModel(t)
	src := []byte(deadTeacher)
	for _, budget := range []Budget{{Measure: "params", Value: 0.5}, {Measure: "params", Value: 0.3}, {Measure: "macc", Value: 0.4}} {
		s, err := SizeStudent("teacher.kiln", src, g, val, budget, SizingConfig{Steps: 4}) // steps of 4 units
		if err != nil {
			t.Fatal(err)
		}
		z, err := newSizer("teacher.kiln", src, g, budget)
		if err != nil {
			t.Fatal(err)
		}
		widths := map[string]int{}
		for _, l := range s.Layers {
			widths[l.Name] = l.Student
		}
		if cur, err := z.totals(widths); err != nil || budget.cost(cur) > s.Limit || cur != s.Student {
			t.Fatalf("%s: the student costs %v (%v), limit %d", budget, cur, err, s.Limit)
		}
		for _, l := range s.Layers {
			if l.Student == l.Teacher {
				continue
			}
			widths[l.Name]++
			wider, err := z.totals(widths)
			widths[l.Name]--
			if err != nil {
				t.Fatal(err)
			}
			if budget.cost(wider) <= s.Limit {
				t.Errorf("%s: %s could have %d units within the budget (%d <= %d)", budget, l.Name, l.Student+1, budget.cost(wider), s.Limit)
			}
		}
	}
}
