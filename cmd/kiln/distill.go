package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/compress"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// kiln distill: size a student from a trained teacher and a budget
// (compress.SizeStudent), write its source, train it on the teacher's
// soft targets, and compare it with the same student trained on hard
// labels alone: size, float and int8 accuracy, and VM latency.

func init() {
	register(&command{
		name:    "distill",
		args:    "TEACHER.kiln -w T.safetensors --budget params=0.25 -o STUDENT.kiln [--weights-out S.safetensors]",
		summary: "size a student from a trained teacher under a budget (layers that matter keep more), train it by distillation, and compare it with the same student trained on hard labels",
		flags: func(fs *pflag.FlagSet) {
			d := train.Defaults()
			fs.StringP("weights", "w", "", "the teacher's trained weights (safetensors)")
			fs.String("budget", "", "the student's budget: params=F or macc=F, F a fraction of the teacher's or a count, or latency=F (of the teacher's int8 time at batch 1 on the VM) or latency=40us (default: the compile block's distill setting)")
			fs.StringP("output", "o", "", "write the student's .kiln source here")
			fs.String("weights-out", "", "write the distilled student's weights here (safetensors)")
			fs.Bool("uniform", false, "narrow every layer by one factor instead of by sensitivity")
			fs.String("init", "teacher", "the students' initial weights: teacher (its surviving neurons and filters) or random")
			fs.Bool("no-baseline", false, "skip the student trained on hard labels alone")
			fs.String("data", "", "data set (default: the train block's data)")
			fs.Int("samples", 1000, "validation examples for sizing, a seeded random subset of the training part")
			fs.Int("epochs", d.Epochs, "epochs of training for each student (default: the distill setting's, else the train block's)")
			fs.Bool("no-dropout", false, "leave the teacher's dropout out of the student (the soft targets regularize it, as in Hinton et al.'s MNIST student)")
			fs.Int("shift", 0, "translate each training image of the students by up to this many pixels (default: the train block's shift)")
			fs.Int("batch", d.Batch, "examples per step")
			fs.Float64("lr", d.LR, "learning rate")
			fs.String("optimizer", d.Optimizer, "sgd or adam")
			fs.Uint64("seed", d.Seed, "seed for initialisation, shuffling, dropout and the validation subset")
			fs.Float64("temperature", d.Teacher.Temperature, "distillation temperature T")
			fs.Float64("hard", d.Teacher.Hard, "weight of the hard-label loss in distillation (the soft loss gets 1 - hard)")
			fs.Duration("time", 300*time.Millisecond, "how long to time each model on the VM at batch 1")
			fs.Int("workers", 0, "goroutines per kernel (0: all cores)")
			forceFlag(fs)
		},
		run: runDistill,
	})
}

func runDistill(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "TEACHER.kiln")
	if err != nil {
		return err
	}
	if _, err := modelKind("distill", path); err != nil {
		return err
	}
	f := flags(fs)
	weights, budgetText, out, wout := f.String("weights"), f.String("budget"), f.String("output"), f.String("weights-out")
	uniform, init, noBaseline, samples, benchTime := f.Bool("uniform"), f.String("init"), f.Bool("no-baseline"), f.Int("samples"), f.Duration("time")
	if err := f.Err(); err != nil {
		return err
	}
	switch {
	case weights == "":
		return usagef("missing -w T.safetensors: the teacher's weights")
	case out == "":
		return usagef("missing -o STUDENT.kiln")
	case init != "teacher" && init != "random":
		return usagef("--init must be teacher or random, got %q", init)
	case samples < 1:
		return usagef("--samples must be at least 1, got %d", samples)
	case benchTime <= 0:
		return usagef("--time must be positive")
	}
	var budget compress.Budget
	if budgetText != "" {
		if budget, err = compress.ParseBudget(budgetText); err != nil {
			return usagef("--budget: %v", err)
		}
	}
	if err := checkOutputs(fs, out, wout); err != nil {
		return err
	}

	teacher, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	if err := distillSettings(teacher, fs, &budget); err != nil {
		return err
	}
	if budget.Measure == "" {
		return usagef("missing --budget params=F, macc=F or latency=F, or a compile block's distill = student(params=F)")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := bindWeights(teacher.Graph, weights); err != nil {
		return err
	}
	cfg, spec, dir, err := trainConfig(teacher, fs)
	if err != nil {
		return err
	}
	temperature, hardWeight := f.Float64("temperature"), f.Float64("hard")
	if err := f.Err(); err != nil {
		return err
	}
	if !(temperature > 0) || !(hardWeight >= 0 && hardWeight <= 1) {
		return usagef("the temperature must be positive and hard between 0 and 1, got %g and %g", temperature, hardWeight)
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return err
	}

	// Size the student, scoring the teacher on a validation part carved
	// from the training data so that the test part stays unseen; a
	// latency budget times each candidate's int8 build on the VM.
	var clock func(*ir.Graph) (time.Duration, error)
	if budget.Measure == "latency" {
		clock = func(g *ir.Graph) (time.Duration, error) { return vmLatency(g, split.Train, benchTime) }
	}
	var sizing *compress.Sizing
	if uniform {
		sizing, err = compress.UniformStudent(path, src, teacher.Graph, budget, compress.SizingConfig{Latency: clock})
	} else {
		val, verr := compress.Holdout(split.Train, train.Sample(split.Train.Len(), samples, cfg.Seed), split.Train.Name+" validation")
		if verr != nil {
			return verr
		}
		fmt.Fprintf(e.stderr, "sizing a student of %s for %s: scoring each layer narrowed on %d examples of %s's training part\n", teacher.Graph.Name, budget, val.Len(), spec)
		sizing, err = compress.SizeStudent(path, src, teacher.Graph, val, budget, compress.SizingConfig{
			Workers:  cfg.Workers,
			Latency:  clock,
			Progress: func(layer string, i, n int) { fmt.Fprintf(e.stderr, "layer %d/%d: %s\n", i+1, n, layer) },
		})
	}
	if err != nil {
		return err
	}
	sizing.NoDropout = f.Bool("no-dropout")
	small, err := sizing.Build(path, src, teacher.Graph)
	if err != nil {
		return err
	}
	for _, l := range sizing.Layers {
		fmt.Fprintf(e.stdout, "%s: %d -> %d\n", l.Name, l.Teacher, l.Student)
	}
	if err := fsutil.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(small.Source); return err }); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "student in %s\n", out)

	// Each student starts from the same weights: the teacher's
	// survivors, or a fresh initialisation of the same seed (Train's).
	student := func() (*ir.Graph, error) {
		prog, err := frontend.Compile(out, small.Source)
		if err != nil {
			return nil, fmt.Errorf("internal error: the student does not check: %w", err)
		}
		if init == "teacher" {
			copied := map[string]*tensor.Tensor{}
			for name, t := range small.Weights {
				copied[name] = t.Clone()
			}
			if err := prog.Graph.Bind(copied); err != nil {
				return nil, err
			}
		}
		return prog.Graph, nil
	}
	cfg.Log = e.stderr
	cfg.Terminal = isTerminal(e.stderr)
	rows := []distillRow{{name: "teacher", g: teacher.Graph}}
	if !noBaseline {
		g, err := student()
		if err != nil {
			return err
		}
		hard := cfg
		hard.Loss, hard.Teacher = "", nil
		fmt.Fprintf(e.stderr, "training the student on hard labels: %d epochs of batch %d, %s lr %g\n", hard.Epochs, hard.Batch, hard.Optimizer, hard.LR)
		if _, err := train.Train(g, split, hard); err != nil {
			return err
		}
		rows = append(rows, distillRow{name: "student, hard labels", g: g})
	}
	g, err := student()
	if err != nil {
		return err
	}
	soft := cfg
	soft.Loss = "distill"
	soft.Teacher = &train.Teacher{Graph: teacher.Graph, Temperature: temperature, Hard: hardWeight}
	fmt.Fprintf(e.stderr, "distilling the student: %d epochs of batch %d, %s lr %g, T %g, hard %g\n", soft.Epochs, soft.Batch, soft.Optimizer, soft.LR, soft.Teacher.Temperature, soft.Teacher.Hard)
	if _, err := train.Train(g, split, soft); err != nil {
		return err
	}
	rows = append(rows, distillRow{name: "student, distilled", g: g})
	if wout != "" {
		if err := saveWeights(wout, g, map[string]string{"distilled-from": path, "data": spec}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "distilled weights in %s\n", wout)
	}

	for i := range rows {
		if err := rows[i].measure(split, cfg.Workers, benchTime); err != nil {
			return fmt.Errorf("%s: %w", rows[i].name, err)
		}
	}
	writeDistillTable(e.stdout, rows, split)
	return nil
}

// distillSettings applies the compile block's distill = student(...)
// setting: its budget where --budget is not given, and its T, hard and
// epochs where their flags are not.
func distillSettings(prog *frontend.Program, fs *pflag.FlagSet, budget *compress.Budget) error {
	s := prog.Compile.Get("distill")
	if s == nil || s.Value.Text != "student" {
		return nil
	}
	v := s.Value
	if budget.Measure == "" {
		given := 0
		for _, measure := range []string{"params", "macc", "latency"} {
			if a := v.Kwarg(measure); a != nil {
				*budget = compress.Budget{Measure: measure, Value: a.Num}
				given++
			}
		}
		if given > 1 {
			return fmt.Errorf("%s: student: give one of params, macc and latency", s.Pos)
		}
		if budget.Measure != "" {
			if _, err := compress.ParseBudget(budget.String()); err != nil {
				return fmt.Errorf("%s: %v", s.Pos, err)
			}
		}
	}
	for kw, flag := range map[string]string{"T": "temperature", "hard": "hard", "epochs": "epochs"} {
		if a := v.Kwarg(kw); a != nil && !fs.Changed(flag) {
			if err := fs.Set(flag, a.Text); err != nil {
				return fmt.Errorf("%s: %s: %v", a.Pos, kw, err)
			}
		}
	}
	return nil
}

// distillRow is one model of kiln distill's table.
type distillRow struct {
	name        string
	g           *ir.Graph
	stats       ir.OpStats
	float, int8 train.Metrics
	latency     time.Duration // p50 at batch 1 on the VM
	int8Error   string        // why the model has no int8 score
}

// measure scores the model in float and, quantized and run by the VM, in
// int8, and times it on the VM at batch 1.
func (r *distillRow) measure(split *data.Split, workers int, d time.Duration) error {
	r.stats = r.g.Stats().Total
	set, _ := scoredPart(split)
	var err error
	if r.float, err = train.Evaluate(r.g, set, 256, workers); err != nil {
		return err
	}
	q, err := compileCalibrated(r.g, split.Train, 512, compiler.Bytecode)
	if err != nil {
		r.int8Error = err.Error()
		return nil
	}
	m, err := runtime.Load(q.Bytecode, nil)
	if err != nil {
		return err
	}
	if r.int8, err = train.EvaluateWith(q.Graph, set, 256, vmForward(m)); err != nil {
		return err
	}
	r.latency, err = medianAtBatch1(m, d)
	return err
}

// medianAtBatch1 is m's median time at batch 1, timed for d.
func medianAtBatch1(m *runtime.Model, d time.Duration) (time.Duration, error) {
	b, err := measure(m, 1, d)
	if err != nil {
		return 0, err
	}
	return time.Duration(b.P50us * float64(time.Microsecond)), nil
}

// vmLatency is g's median time at batch 1 on the VM, built to int8 with
// min/max ranges from 512 examples of set, timed for d. g itself is left
// as it is (the compiler's passes rewrite the graph they are given).
func vmLatency(g *ir.Graph, set *data.Dataset, d time.Duration) (time.Duration, error) {
	q, err := compileCalibrated(g.Clone(), set, 512, compiler.Bytecode)
	if err != nil {
		return 0, err
	}
	m, err := runtime.Load(q.Bytecode, nil)
	if err != nil {
		return 0, err
	}
	return medianAtBatch1(m, d)
}

// writeDistillTable prints the comparison.
func writeDistillTable(w io.Writer, rows []distillRow, split *data.Split) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tparameters\tMACC\tfloat\tint8\tVM batch 1\t")
	for _, r := range rows {
		int8, lat := metricCell(r.int8), fmt.Sprintf("%.1f us", float64(r.latency)/float64(time.Microsecond))
		if r.int8Error != "" {
			int8, lat = "-", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, ir.Thousands(r.stats.Params), ir.Thousands(r.stats.MACC), metricCell(r.float), int8, lat)
	}
	tw.Flush()
	part := "the held-out part of " + split.Train.Name
	if split.Test == nil {
		part = "the whole of " + split.Train.Name + " (it has no held-out part)"
	}
	fmt.Fprintf(w, "scores on %s; int8 runs on the VM (minmax calibration, 512 samples); latency is the median at batch 1.\n", part)
	for _, r := range rows {
		if r.int8Error != "" {
			fmt.Fprintf(w, "%s: no int8 model: %s\n", r.name, r.int8Error)
		}
	}
}
