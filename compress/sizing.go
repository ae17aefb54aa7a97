package compress

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/train"
)

// Sizing a student for distillation: from a trained teacher and a budget
// (parameters, MACC or measured latency), choose how wide each narrowable layer of the
// student is. The layers that matter keep more: each layer's structured
// sensitivity (the teacher's score with that layer alone narrowed by L1
// norm, no retraining) prices its narrowing, and a greedy allocation
// narrows, step by step, the layer that loses the least score per unit
// of budget saved until the budget holds. The student is the teacher's
// source with the new widths, and its initial weights can be the
// teacher's surviving neurons (Shrink).

// Budget is what a student may cost.
type Budget struct {
	Measure string  // "params", "macc" or "latency"
	Value   float64 // a fraction of the teacher's in (0, 1], or a count above 1
	// Latency is a latency budget's absolute form (Value is then 0):
	// the student's measured time at batch 1 (SizingConfig.Latency).
	Latency time.Duration
}

// ParseBudget reads a budget's text form: "params=0.25" (a quarter of the
// teacher's parameters), "macc=0.5" or "params=100000" (a count), and
// "latency=0.3" (of the teacher's latency measured on the VM at batch 1)
// or "latency=40us" (a duration).
func ParseBudget(s string) (Budget, error) {
	measure, val, ok := strings.Cut(strings.TrimSpace(s), "=")
	if ok && measure == "latency" {
		if d, err := time.ParseDuration(val); err == nil {
			if d <= 0 {
				return Budget{}, fmt.Errorf("budget %q: the latency must be positive", s)
			}
			return Budget{Measure: measure, Latency: d}, nil
		}
	}
	v, err := strconv.ParseFloat(val, 64)
	switch {
	case !ok || (measure != "params" && measure != "macc" && measure != "latency"):
		return Budget{}, fmt.Errorf("budget %q: want params=F, macc=F or latency=F, F a fraction of the teacher's or a count (for latency, a duration such as 40us)", s)
	case measure == "latency" && (err != nil || !(v > 0 && v <= 1)):
		return Budget{}, fmt.Errorf("budget %q: latency must be a fraction in (0, 1] of the teacher's or a duration such as 40us", s)
	case err != nil || !(v > 0) || math.IsInf(v, 0) || (v > 1 && v != math.Trunc(v)):
		return Budget{}, fmt.Errorf("budget %q: %s must be a fraction in (0, 1] or a whole count above 1", s, measure)
	}
	return Budget{Measure: measure, Value: v}, nil
}

func (b Budget) String() string {
	if b.Latency > 0 {
		return b.Measure + "=" + b.Latency.String()
	}
	return b.Measure + "=" + strconv.FormatFloat(b.Value, 'f', -1, 64)
}

// Limit is the budget in its measure's units for a teacher of these
// totals; for latency, in nanoseconds, for a teacher that took
// teacherLatency.
func (b Budget) Limit(teacher ir.OpStats, teacherLatency time.Duration) int64 {
	switch {
	case b.Latency > 0:
		return int64(b.Latency)
	case b.Measure == "latency":
		return int64(math.Floor(b.Value * float64(teacherLatency)))
	case b.Value > 1:
		return int64(b.Value)
	}
	return int64(math.Floor(b.Value * float64(b.cost(teacher))))
}

// cost reads the budget's measure off a model's totals. Latency is
// measured, not read; its steps are priced by MACC, which the time of a
// dense or convolution layer follows.
func (b Budget) cost(s ir.OpStats) int64 {
	if b.Measure == "params" {
		return s.Params
	}
	return s.MACC
}

// DefaultSizingKeeps are the fractions of each layer at which its
// structured sensitivity is measured.
var DefaultSizingKeeps = []float64{0.25, 0.5, 0.75}

// SizingConfig says how to size a student.
type SizingConfig struct {
	Keeps   []float64 // rising fractions in (0, 1); nil means DefaultSizingKeeps
	Steps   int       // a layer's width moves in steps of 1/Steps of the teacher's; 0 means 16
	Batch   int       // examples per evaluation batch; 0 means 256
	Workers int       // goroutines per kernel; 0 means all cores
	// Latency measures a model (the teacher or a candidate student, its
	// weights bound) for a latency budget, e.g. its int8 build's median
	// time at batch 1 on the VM.
	Latency func(*ir.Graph) (time.Duration, error)
	// Progress, if set, is called before each layer's sensitivity is
	// measured, with its place among the n layers.
	Progress func(layer string, i, n int)
}

// Sizing is a student's widths and how they were chosen.
type Sizing struct {
	Teacher  string // the teacher model's name
	Budget   Budget
	Limit    int64 // the budget in its measure's units
	Uniform  bool  // every layer scaled by one factor, Factor
	Factor   float64
	Metric   Metric
	Baseline float64   // the teacher's score on the validation set
	Keeps    []float64 // the fractions at which sensitivity was measured
	Steps    int       // a width's step: 1/Steps of the teacher's
	Layers   []SizedLayer
	// The student's totals, and the teacher's.
	Student, Full ir.OpStats
	// Filled counts the units added back after the last whole step to
	// spend what it left of the budget.
	Filled int
	// For a latency budget: the teacher's and the student's measured
	// latency (Limit is then in nanoseconds).
	TeacherLatency, StudentLatency time.Duration
	// NoDropout, set before Build, leaves the teacher's dropout out of the
	// student (RemoveDropout).
	NoDropout bool
}

// SizedLayer is one narrowable layer of a sizing.
type SizedLayer struct {
	Name             string
	Teacher, Student int       // units or filters
	Scores           []float64 // the teacher's score with this layer alone narrowed to each keep
	OneUnit          float64   // and to a single unit or filter
	Drop             float64   // the estimated score drop at the student's width (from Scores)
}

// Keep is the Shrink argument that gives each layer its student width.
func (s *Sizing) Keep() map[string]float64 {
	keep := map[string]float64{}
	for _, l := range s.Layers {
		if l.Student < l.Teacher {
			keep[l.Name] = keepFraction(l.Student, l.Teacher)
		}
	}
	return keep
}

// keepFraction is the fraction that KeepCount turns into exactly w of n.
func keepFraction(w, n int) float64 { return float64(w) / float64(n) }

// sizer holds what sizing needs: the teacher's source, graph and totals.
type sizer struct {
	filename string
	src      []byte
	g        *ir.Graph
	budget   Budget
	layers   []string
	widths   map[string]int // the teacher's
	costs    map[string]ir.OpStats
}

func newSizer(filename string, src []byte, g *ir.Graph, budget Budget) (*sizer, error) {
	if budget.Measure != "params" && budget.Measure != "macc" && budget.Measure != "latency" {
		return nil, fmt.Errorf("budget %s: the measure must be params, macc or latency", budget)
	}
	z := &sizer{filename: filename, src: src, g: g, budget: budget, widths: map[string]int{}, costs: map[string]ir.OpStats{}}
	z.layers = ShrinkLayers(g)
	if len(z.layers) == 0 {
		return nil, fmt.Errorf("model %s has no layer that can be narrowed (a dense layer or convolution whose values do not reach an output)", g.Name)
	}
	for _, v := range g.Values {
		if isWeighted(v.Op) {
			z.widths[layerName(v)] = v.Args[1].Type.Dims[0]
		}
	}
	return z, nil
}

// shrink narrows the teacher to widths (by layer; missing ones keep the
// teacher's).
func (z *sizer) shrink(widths map[string]int) (*Shrunk, error) {
	f, err := lang.Parse(z.filename, z.src)
	if err != nil {
		return nil, err
	}
	keep := map[string]float64{}
	for name, w := range widths {
		if w < z.widths[name] {
			keep[name] = keepFraction(w, z.widths[name])
		}
	}
	return Shrink(f, z.g, keep)
}

// totals are the parameters and MACC of the teacher narrowed to widths,
// remembered by widths.
func (z *sizer) totals(widths map[string]int) (ir.OpStats, error) {
	var key strings.Builder
	for _, name := range z.layers {
		fmt.Fprintf(&key, "%d,", widths[name])
	}
	if s, ok := z.costs[key.String()]; ok {
		return s, nil
	}
	small, err := z.shrink(widths)
	if err != nil {
		return ir.OpStats{}, err
	}
	s := small.Program.Graph.Stats().Total
	z.costs[key.String()] = s
	return s, nil
}

// SizeStudent chooses the widths of a student of the teacher g (checked
// from src, its weights bound) under budget. Each narrowable layer's
// sensitivity is the teacher's score on val with that layer alone
// narrowed by Shrink to each of cfg.Keeps and to one unit; a layer's
// score drop at any width is read off that curve by linear interpolation
// (0 at the full width).
// Then, from the teacher's widths, the layer whose next step down (1/Steps
// of its width) costs the least estimated drop per unit of budget saved
// is narrowed, until the student's cost is within the budget. Drops are
// taken as adding up across layers, which they roughly do while each is
// small. g's weights are not changed.
func SizeStudent(filename string, src []byte, g *ir.Graph, val *data.Dataset, budget Budget, cfg SizingConfig) (*Sizing, error) {
	z, err := newSizer(filename, src, g, budget)
	if err != nil {
		return nil, err
	}
	keeps := cfg.Keeps
	if keeps == nil {
		keeps = DefaultSizingKeeps
	}
	for i, k := range keeps {
		if !(k > 0 && k < 1) || (i > 0 && k <= keeps[i-1]) {
			return nil, fmt.Errorf("sizing keeps must be rising fractions in (0, 1), got %v", keeps)
		}
	}
	steps := cfg.Steps
	if steps <= 0 {
		steps = 16
	}
	batch := cfg.Batch
	if batch <= 0 {
		batch = 256
	}
	if val.Len() == 0 {
		return nil, errors.New("no examples to score the teacher on")
	}
	base, err := train.Evaluate(g, val, batch, cfg.Workers)
	if err != nil {
		return nil, err
	}
	full := g.Stats().Total
	metric := MetricFor(base.Task)
	s := &Sizing{Teacher: g.Name, Budget: budget, Metric: metric, Baseline: metric.Value(base),
		Keeps: append([]float64(nil), keeps...), Steps: steps, Full: full}
	if err := s.setLimit(g, cfg.Latency); err != nil {
		return nil, err
	}

	// Each layer's sensitivity to narrowing, alone.
	for i, name := range z.layers {
		if cfg.Progress != nil {
			cfg.Progress(name, i, len(z.layers))
		}
		l := SizedLayer{Name: name, Teacher: z.widths[name], Student: z.widths[name]}
		for _, k := range keeps {
			w, _ := KeepCount(k, l.Teacher)
			small, err := z.shrink(map[string]int{name: w})
			if err != nil {
				return nil, err
			}
			m, err := train.Evaluate(small.Program.Graph, val, batch, cfg.Workers)
			if err != nil {
				return nil, fmt.Errorf("%s at keep %g: %w", name, k, err)
			}
			l.Scores = append(l.Scores, metric.Value(m))
		}
		small, err := z.shrink(map[string]int{name: 1})
		if err != nil {
			return nil, err
		}
		m, err := train.Evaluate(small.Program.Graph, val, batch, cfg.Workers)
		if err != nil {
			return nil, fmt.Errorf("%s at one unit: %w", name, err)
		}
		l.OneUnit = metric.Value(m)
		s.Layers = append(s.Layers, l)
	}

	// Greedy: narrow the cheapest layer a step at a time.
	widths := map[string]int{}
	for _, l := range s.Layers {
		widths[l.Name] = l.Teacher
	}
	cur, err := z.totals(widths)
	if err != nil {
		return nil, err
	}
	for {
		if over, err := s.over(z, widths, cur, cfg.Latency); err != nil {
			return nil, err
		} else if !over {
			break
		}
		best, bestRatio, bestSaved := -1, 0.0, int64(0)
		var bestTotals ir.OpStats
		for i := range s.Layers {
			l := &s.Layers[i]
			next := nextWidth(widths[l.Name], l.Teacher, steps)
			if next == widths[l.Name] {
				continue
			}
			was := widths[l.Name]
			widths[l.Name] = next
			t, err := z.totals(widths)
			widths[l.Name] = was
			if err != nil {
				return nil, err
			}
			saved := budget.cost(cur) - budget.cost(t)
			if saved <= 0 {
				continue
			}
			loss := max(0, s.drop(l, next)-s.drop(l, was))
			ratio := loss / float64(saved)
			// Ties (flat curves) go to the step that saves the most, then
			// to the earlier layer.
			if best < 0 || ratio < bestRatio || ratio == bestRatio && saved > bestSaved {
				best, bestRatio, bestSaved, bestTotals = i, ratio, saved, t
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("budget %s (%s) is below the narrowest student, %s with every narrowable layer at 1/%d of its width",
				budget, s.amount(s.Limit), s.amount(s.cost(cur)), steps)
		}
		l := &s.Layers[best]
		widths[l.Name] = nextWidth(widths[l.Name], l.Teacher, steps)
		cur = bestTotals
	}
	if budget.Measure != "latency" {
		if cur, err = s.fill(z, widths, cur); err != nil {
			return nil, err
		}
	}
	for i := range s.Layers {
		l := &s.Layers[i]
		l.Student = widths[l.Name]
		l.Drop = s.drop(l, l.Student)
	}
	s.Student = cur
	return s, nil
}

// fill spends what the last whole step left of the budget: it widens,
// a unit at a time, the layer whose next unit buys back the most
// estimated score per unit of budget, while the student stays within it.
// (A latency budget is not filled: a unit's time is below the clock's
// noise.)
func (s *Sizing) fill(z *sizer, widths map[string]int, cur ir.OpStats) (ir.OpStats, error) {
	for {
		best, bestGain := -1, 0.0
		var bestTotals ir.OpStats
		for i := range s.Layers {
			l := &s.Layers[i]
			w := widths[l.Name]
			if w >= l.Teacher {
				continue
			}
			widths[l.Name] = w + 1
			t, err := z.totals(widths)
			widths[l.Name] = w
			if err != nil {
				return cur, err
			}
			added := s.Budget.cost(t) - s.Budget.cost(cur)
			if s.Budget.cost(t) > s.Limit || added <= 0 {
				continue
			}
			gain := max(0, s.drop(l, w)-s.drop(l, w+1)) / float64(added)
			if best < 0 || gain > bestGain {
				best, bestGain, bestTotals = i, gain, t
			}
		}
		if best < 0 {
			return cur, nil
		}
		widths[s.Layers[best].Name]++
		s.Filled++
		cur = bestTotals
	}
}

// setLimit sets the budget in its units; a latency budget first times
// the teacher.
func (s *Sizing) setLimit(g *ir.Graph, latency func(*ir.Graph) (time.Duration, error)) error {
	if s.Budget.Measure == "latency" {
		if latency == nil {
			return errors.New("a latency budget needs a way to time a model (SizingConfig.Latency)")
		}
		d, err := latency(g)
		if err != nil {
			return fmt.Errorf("timing the teacher: %w", err)
		}
		s.TeacherLatency = d
	}
	s.Limit = s.Budget.Limit(s.Full, s.TeacherLatency)
	return nil
}

// over says whether the student of these widths and totals is over the
// budget; for latency it times the student and records the time.
func (s *Sizing) over(z *sizer, widths map[string]int, t ir.OpStats, latency func(*ir.Graph) (time.Duration, error)) (bool, error) {
	if s.Budget.Measure != "latency" {
		return s.Budget.cost(t) > s.Limit, nil
	}
	small, err := z.shrink(widths)
	if err != nil {
		return false, err
	}
	d, err := latency(small.Program.Graph)
	if err != nil {
		return false, fmt.Errorf("timing a student: %w", err)
	}
	s.StudentLatency = d
	return int64(d) > s.Limit, nil
}

// cost is what the budget counts of a student of these totals: for
// latency, the last time measured.
func (s *Sizing) cost(t ir.OpStats) int64 {
	if s.Budget.Measure == "latency" {
		return int64(s.StudentLatency)
	}
	return s.Budget.cost(t)
}

// amount writes an amount of the budget's measure.
func (s *Sizing) amount(v int64) string {
	if s.Budget.Measure == "latency" {
		d, unit := time.Duration(v), time.Nanosecond
		for d/unit >= 10000 {
			unit *= 10 // four significant digits
		}
		return d.Round(unit).String()
	}
	return ir.Thousands(v) + " " + s.Budget.Measure
}

// nextWidth is the widest step below w of a layer of n units, the steps
// being multiples of n/steps (at least 1 unit); w itself if there is none.
func nextWidth(w, n, steps int) int {
	for k := steps; k >= 1; k-- {
		v := max(1, int(math.Round(float64(k)*float64(n)/float64(steps))))
		if v < w {
			return v
		}
	}
	return w
}

// drop is the estimated score drop of layer l narrowed to w units: the
// curve through (full width, 0), each keep's measured drop and one unit's,
// linearly interpolated.
func (s *Sizing) drop(l *SizedLayer, w int) float64 {
	x := keepFraction(w, l.Teacher)
	xs := []float64{1}
	ys := []float64{0}
	for i := len(s.Keeps) - 1; i >= 0; i-- {
		xs = append(xs, s.Keeps[i])
		ys = append(ys, s.Metric.Drop(s.Baseline, l.Scores[i]))
	}
	xs = append(xs, keepFraction(1, l.Teacher))
	ys = append(ys, s.Metric.Drop(s.Baseline, l.OneUnit))
	for i := 1; i < len(xs); i++ {
		if x >= xs[i] && xs[i-1] > xs[i] {
			t := (xs[i-1] - x) / (xs[i-1] - xs[i])
			return ys[i-1] + t*(ys[i]-ys[i-1])
		}
	}
	return ys[len(ys)-1]
}

// UniformStudent sizes the student that narrows every narrowable layer by
// one factor, the largest (to within 1/4096) whose student is within
// budget: the baseline that SizeStudent's allocation is compared with.
func UniformStudent(filename string, src []byte, g *ir.Graph, budget Budget, cfg SizingConfig) (*Sizing, error) {
	z, err := newSizer(filename, src, g, budget)
	if err != nil {
		return nil, err
	}
	full := g.Stats().Total
	s := &Sizing{Teacher: g.Name, Budget: budget, Uniform: true, Full: full}
	if err := s.setLimit(g, cfg.Latency); err != nil {
		return nil, err
	}
	scaled := func(f float64) map[string]int {
		widths := map[string]int{}
		for _, name := range z.layers {
			widths[name] = max(1, int(math.Round(f*float64(z.widths[name]))))
		}
		return widths
	}
	fits := func(f float64) (ir.OpStats, bool, error) {
		t, err := z.totals(scaled(f))
		if err != nil {
			return t, false, err
		}
		over, err := s.over(z, scaled(f), t, cfg.Latency)
		return t, !over, err
	}
	// lo fits (or is 0, where every layer has one unit); hi does not.
	lo, hi := 0.0, 1.0
	if _, ok, err := fits(1); err != nil {
		return nil, err
	} else if ok {
		lo = 1
	}
	for i := 0; i < 12 && lo < 1; i++ {
		mid := (lo + hi) / 2
		_, ok, err := fits(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	t, ok, err := fits(lo)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("budget %s (%s) is below the narrowest uniform student, %s with every narrowable layer at 1 unit",
			budget, s.amount(s.Limit), s.amount(s.cost(t)))
	}
	s.Factor, s.Student = lo, t
	widths := scaled(lo)
	for _, name := range z.layers {
		s.Layers = append(s.Layers, SizedLayer{Name: name, Teacher: z.widths[name], Student: widths[name]})
	}
	return s, nil
}

// Build narrows the teacher g (checked from src, its weights bound) to the
// sizing's widths. The result's source starts with a comment that names
// the teacher and the budget and says how each width was chosen; its
// weights are the teacher's surviving neurons and filters.
func (s *Sizing) Build(filename string, src []byte, g *ir.Graph) (*Shrunk, error) {
	f, err := lang.Parse(filename, src)
	if err != nil {
		return nil, err
	}
	leading := len(f.Leading)
	small, err := Shrink(f, g, s.Keep())
	if err != nil {
		return nil, err
	}
	comment := s.comment()
	dropped := s.NoDropout && RemoveDropout(f) > 0
	if dropped {
		note := &lang.Line{Comment: "// The teacher's dropout is left out: the soft targets regularize the student."}
		comment = append(comment[:len(comment)-1], note, comment[len(comment)-1])
	}
	// The sizing's comment, in place of Shrink's.
	f.Leading = append(comment, f.Leading[:leading]...)
	small.Source = lang.Format(f)
	if dropped {
		prog, err := frontend.Compile(f.Filename, small.Source)
		if err != nil {
			return nil, fmt.Errorf("internal error: the student without dropout does not check: %w", err)
		}
		if err := prog.Graph.Bind(small.Weights); err != nil {
			return nil, fmt.Errorf("internal error: the weights do not fit the student without dropout: %w", err)
		}
		small.Program = prog
	}
	return small, nil
}

// comment is the student's leading comment.
func (s *Sizing) comment() []*lang.Line {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, "// "+fmt.Sprintf(format, args...)) }
	if s.Budget.Measure == "latency" {
		add("Student of %s, sized for the budget %s (%s of the teacher's %s, measured).",
			s.Teacher, s.Budget, s.amount(s.Limit), s.amount(int64(s.TeacherLatency)))
		add("It has %s parameters and %s MACC, and took %s.", ir.Thousands(s.Student.Params), ir.Thousands(s.Student.MACC), s.amount(int64(s.StudentLatency)))
	} else {
		add("Student of %s, sized for the budget %s (%s of the teacher's %s).",
			s.Teacher, s.Budget, s.amount(s.Limit), ir.Thousands(s.Budget.cost(s.Full)))
		add("It has %s parameters and %s MACC.", ir.Thousands(s.Student.Params), ir.Thousands(s.Student.MACC))
	}
	if s.Uniform {
		add("Uniform: every narrowable layer keeps the same fraction of its width, %.3f.", s.Factor)
		for _, l := range s.Layers {
			add("  %s: %d -> %d", l.Name, l.Teacher, l.Student)
		}
	} else {
		var keeps []string
		for _, k := range s.Keeps {
			keeps = append(keeps, percent(k))
		}
		add("Each width: the teacher's %s on validation data with that layer alone narrowed", s.Metric.Name)
		add("by L1 norm to %s and to one unit (no retraining; %.2f unnarrowed) priced its", strings.Join(keeps, ", "), s.Baseline)
		if s.Budget.Measure == "latency" {
			add("narrowing, and the layer losing the least per MACC saved (which latency follows) was")
			add("narrowed, a step (1/%d of its width) at a time, until the measured latency held.", s.Steps)
		} else {
			add("narrowing, and the layer losing the least per %s saved was narrowed, a step", s.Budget.Measure)
			add("(1/%d of its width) at a time, until the budget held; then what the last step", s.Steps)
			add("left was spent a unit at a time where a unit buys back the most (%d units).", s.Filled)
		}
		for _, l := range s.Layers {
			scores := make([]string, len(l.Scores))
			for i, v := range l.Scores {
				scores[i] = strconv.FormatFloat(v, 'f', 2, 64)
			}
			add("  %s: %d -> %d (scores %s, %.2f at one unit; estimated drop %.2f)",
				l.Name, l.Teacher, l.Student, strings.Join(scores, ", "), l.OneUnit, l.Drop)
		}
	}
	out := make([]*lang.Line, 0, len(lines)+1)
	for _, text := range lines {
		out = append(out, &lang.Line{Comment: text})
	}
	return append(out, &lang.Line{})
}
