package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/compress"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// kiln demo: the whole pipeline on one model, in process and through the
// code the other commands run, ending with one table. Train the float
// model (kiln train), prune it and retrain it (kiln prune, the compile
// block's plan), size a student from it and train that by distillation
// (kiln distill), quantize both to int8 and write their bytecode (kiln
// build, the constants coded as kiln compress codes them) and native code
// (kiln build --emit obj), then run the bytecode on the VM and the native
// code in a small C program over the test part. With --models, a row per
// model instead: train, score in float, build to int8 and score on the VM.

func init() {
	register(&command{
		name:    "demo",
		args:    "FILE.kiln [--epochs N] [-o DIR] | --models FILE.kiln...",
		summary: "run the whole pipeline on a model (train, prune, distil, quantize, build bytecode and native code, run both) and print one table; --models: a row per model (train, score, build int8, score on the VM)",
		flags: func(fs *pflag.FlagSet) {
			fs.String("data", "", "data set (default: the train block's data)")
			fs.Int("epochs", 0, "epochs of the float model's training (default: the train block's)")
			fs.Int("prune-epochs", 0, "epochs of retraining after pruning (default: the compile block's prune setting's, else the train block's)")
			fs.Float64("sparsity", 0, "prune this fraction of the dense and convolution weights (default: the compile block's prune setting, else 0.9)")
			fs.String("budget", "", "the student's budget, as kiln distill takes it (default: the compile block's distill setting, else params=0.25)")
			fs.Int("distill-epochs", 0, "epochs of the student's distillation (default: the compile block's distill setting's, else the train block's)")
			fs.Int("train-examples", 0, "train on a seeded random subset of this many training examples (0: all)")
			fs.Int("test-examples", 0, "score on a seeded random subset of this many test examples (0: all)")
			fs.Int("samples", 512, "calibration examples, a seeded random subset of the training part")
			fs.Duration("time", 500*time.Millisecond, "how long to time each model at batch 1")
			fs.Int("workers", 0, "goroutines per training kernel (0: all cores)")
			fs.StringP("output", "o", "", "keep what the pipeline writes (weights, the student's source, .kbc, native objects) in this directory (default: a temporary one, removed)")
			fs.Bool("models", false, "the arguments are models to train, score in float, build to int8 and score on the VM, a row each")
		},
		run: runDemo,
	})
}

// demoRow is one stage of the demo's table.
type demoRow struct {
	stage   string
	score   train.Metrics
	params  int // non-zero parameters
	bytes   int
	latency time.Duration // median at batch 1
	took    time.Duration
	missing string // why the stage did not run (native code without its tools)
}

func runDemo(e *env, fs *pflag.FlagSet) error {
	f := flags(fs)
	models, out, samples, d := f.Bool("models"), f.String("output"), f.Int("samples"), f.Duration("time")
	trainN, testN := f.Int("train-examples"), f.Int("test-examples")
	if err := f.Err(); err != nil {
		return err
	}
	switch {
	case samples < 1:
		return usagef("--samples must be at least 1, got %d", samples)
	case d <= 0:
		return usagef("--time must be positive")
	case trainN < 0 || testN < 0:
		return usagef("--train-examples and --test-examples must not be negative")
	}
	for _, name := range []string{"epochs", "prune-epochs", "distill-epochs"} {
		if n, _ := fs.GetInt(name); fs.Changed(name) && n < 1 {
			return usagef("--%s must be at least 1, got %d", name, n)
		}
	}
	if models {
		for _, name := range []string{"prune-epochs", "sparsity", "budget", "distill-epochs", "output"} {
			if fs.Changed(name) {
				return usagef("--%s is a setting of the pipeline on one model; --models trains each model as its file says", name)
			}
		}
		if fs.NArg() == 0 {
			return usagef("missing the models: kiln demo --models FILE.kiln...")
		}
		return runDemoModels(e, fs, fs.Args())
	}
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	var budget compress.Budget
	if text, _ := fs.GetString("budget"); text != "" {
		if budget, err = compress.ParseBudget(text); err != nil {
			return usagef("--budget: %v", err)
		}
	}
	if s, _ := fs.GetFloat64("sparsity"); fs.Changed("sparsity") && !(s > 0 && s < 1) {
		return usagef("--sparsity must be between 0 and 1, got %g", s)
	}
	if _, err := modelKind("demo", path); err != nil {
		return err
	}
	dir := out
	if dir == "" {
		if dir, err = os.MkdirTemp("", "kiln-demo-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return demoPipeline(e, fs, path, dir, budget)
}

// demoSplit opens the program's data (or --data's) and takes the seeded
// subsets --train-examples and --test-examples ask for.
func demoSplit(fs *pflag.FlagSet, spec, dir string) (*data.Split, error) {
	split, err := data.Open(spec, dir)
	if err != nil {
		return nil, err
	}
	for _, p := range []struct {
		flag string
		set  **data.Dataset
	}{{"train-examples", &split.Train}, {"test-examples", &split.Test}} {
		n, _ := fs.GetInt(p.flag)
		if n == 0 || *p.set == nil || n >= (*p.set).Len() {
			continue
		}
		all := (*p.set).Len()
		name := fmt.Sprintf("%s, %s of %s", (*p.set).Name, ir.Thousands(int64(n)), ir.Thousands(int64(all)))
		if *p.set, err = compress.Holdout(*p.set, train.Sample(all, n, 1), name); err != nil {
			return nil, err
		}
	}
	return split, nil
}

// epochFlags is a flag set for trainConfig with the demo's data and
// workers flags, and the given epochs when n > 0 (else the train
// block's), as kiln prune and kiln distill pass their own flags on.
func epochFlags(fs *pflag.FlagSet, n int) *pflag.FlagSet {
	s := pflag.NewFlagSet("demo stage", pflag.ContinueOnError)
	s.AddFlag(fs.Lookup("data"))
	s.AddFlag(fs.Lookup("workers"))
	d := train.Defaults()
	s.Int("epochs", d.Epochs, "")
	s.Float64("temperature", d.Teacher.Temperature, "")
	s.Float64("hard", d.Teacher.Hard, "")
	if n > 0 {
		s.Set("epochs", fmt.Sprint(n))
	}
	return s
}

// demoPipeline runs the pipeline on the model in path, writing what it
// builds under dir, and prints the table. budget is --budget's, if given.
func demoPipeline(e *env, fs *pflag.FlagSet, path, dir string, budget compress.Budget) error {
	f := flags(fs)
	samples, d, sparsity := f.Int("samples"), f.Duration("time"), f.Float64("sparsity")
	pruneEpochs, distillEpochs := f.Int("prune-epochs"), f.Int("distill-epochs")
	if err := f.Err(); err != nil {
		return err
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	g := prog.Graph
	if ins, outs := g.Inputs(), g.Outputs; len(ins) != 1 || ins[0].Type.DType != tensor.F32 || len(outs) != 1 {
		return fmt.Errorf("%s: kiln demo runs a model of one float input and one output (its native code runs in a C program that feeds it floats); kiln demo --models takes any model", path)
	}
	cfg, spec, dataDir, err := trainConfig(prog, fs)
	if err != nil {
		return err
	}
	split, err := demoSplit(fs, spec, dataDir)
	if err != nil {
		return err
	}
	if split.Test == nil {
		return fmt.Errorf("%s has no test part: the demo scores every stage on one", spec)
	}
	if split.Train.Task != data.Classification {
		return fmt.Errorf("%s: kiln demo scores a classifier's accuracy; %s is not a classification set (kiln demo --models scores any model)", path, spec)
	}
	test := split.Test
	begin := time.Now()
	cfg.Log, cfg.Terminal = e.stderr, isTerminal(e.stderr)
	step := func(n int, format string, args ...any) {
		fmt.Fprintf(e.stderr, "demo %d/6: %s\n", n, fmt.Sprintf(format, args...))
	}
	var rows []demoRow

	// 1. The float model, as kiln train trains it.
	step(1, "training %s on %s: %d examples, %d epochs of batch %d, %s lr %g, schedule %v",
		g.Name, spec, split.Train.Len(), cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR, cfg.Schedule)
	start := time.Now()
	if _, err := train.Train(g, split, cfg); err != nil {
		return err
	}
	took := time.Since(start)
	if err := saveWeights(filepath.Join(dir, g.Name+".safetensors"), g, map[string]string{"data": spec}); err != nil {
		return err
	}
	teacherWeights := map[string]*tensor.Tensor{}
	for name, t := range g.Weights() {
		teacherWeights[name] = t.Clone()
	}
	float, err := floatRow("float32, trained", g, test, d)
	if err != nil {
		return err
	}
	float.took = took
	float.bytes = 4 * float.params
	rows = append(rows, float)

	// 2. Magnitude pruning and retraining, as kiln prune does it with the
	// compile block's plan.
	plan := compress.Plan{Sparsity: sparsity, Schedule: "oneshot"}
	pf := epochFlags(fs, pruneEpochs)
	share, sp, shareEpochs := false, compress.SharePlan{}, 0
	if err := compilePrunePlan(prog, pf, &plan, &shareEpochs, &share, &sp); err != nil {
		return err
	}
	if plan.Sparsity == 0 && plan.Quality == 0 && plan.Layers == nil {
		plan.Sparsity = 0.9
	}
	rcfg, _, _, err := trainConfig(prog, pf)
	if err != nil {
		return err
	}
	rcfg.Log, rcfg.Terminal = cfg.Log, cfg.Terminal
	what := fmt.Sprintf("%.0f%% of the weights", 100*plan.Sparsity)
	if plan.Quality != 0 {
		what = fmt.Sprintf("each layer below %g standard deviations", plan.Quality)
	} else if plan.Layers != nil {
		what = "the compile block's layers"
	}
	step(2, "pruning %s (%s schedule), retraining %d epochs", what, plan.Schedule, rcfg.Epochs)
	start = time.Now()
	pruned, err := compress.Prune(g, split, plan, rcfg)
	if err != nil {
		return err
	}
	took = time.Since(start)
	if err := saveWeights(filepath.Join(dir, g.Name+".pruned.safetensors"), g, map[string]string{"data": spec}); err != nil {
		return err
	}
	prunedRow, err := floatRow(fmt.Sprintf("pruned %.0f%%, retrained", 100*pruned.Sparsity), g, test, d)
	if err != nil {
		return err
	}
	prunedRow.took = took
	// As kiln compress counts a pruned model: each non-zero as a float32
	// and an 8-bit relative index.
	prunedRow.bytes = 5 * prunedRow.params
	rows = append(rows, prunedRow)

	// 3. A student sized from the float model and trained on its soft
	// targets, as kiln distill does (from the teacher's surviving units).
	teacher, src, err := frontend.Load(path)
	if err != nil {
		return err
	}
	if err := teacher.Graph.Bind(teacherWeights); err != nil {
		return err
	}
	df := epochFlags(fs, distillEpochs)
	if err := distillSettings(prog, df, &budget); err != nil {
		return err
	}
	if budget.Measure == "" {
		budget = compress.Budget{Measure: "params", Value: 0.25}
	}
	dcfg, _, _, err := trainConfig(prog, df)
	if err != nil {
		return err
	}
	temperature, _ := df.GetFloat64("temperature")
	hard, _ := df.GetFloat64("hard")
	dcfg.Loss = "distill"
	dcfg.Teacher = &train.Teacher{Graph: teacher.Graph, Temperature: temperature, Hard: hard}
	dcfg.Log, dcfg.Terminal = cfg.Log, cfg.Terminal
	start = time.Now()
	val, err := compress.Holdout(split.Train, train.Sample(split.Train.Len(), 1000, cfg.Seed), split.Train.Name+" validation")
	if err != nil {
		return err
	}
	step(3, "sizing a student of %s for %s on %d validation examples carved from the training part, then distilling it %d epochs (T %g, hard %g)",
		g.Name, budget, val.Len(), dcfg.Epochs, temperature, hard)
	var clock func(*ir.Graph) (time.Duration, error)
	if budget.Measure == "latency" {
		clock = func(g *ir.Graph) (time.Duration, error) { return vmLatency(g, split.Train, d) }
	}
	sizing, err := compress.SizeStudent(path, src, teacher.Graph, val, budget, compress.SizingConfig{
		Workers:  cfg.Workers,
		Latency:  clock,
		Progress: func(layer string, i, n int) { fmt.Fprintf(e.stderr, "layer %d/%d: %s\n", i+1, n, layer) },
	})
	if err != nil {
		return err
	}
	small, err := sizing.Build(path, src, teacher.Graph)
	if err != nil {
		return err
	}
	var widths []string
	for _, l := range sizing.Layers {
		widths = append(widths, fmt.Sprintf("%s %d -> %d", l.Name, l.Teacher, l.Student))
	}
	fmt.Fprintf(e.stderr, "student: %s\n", strings.Join(widths, ", "))
	studentPath := filepath.Join(dir, g.Name+".student.kiln")
	if err := os.WriteFile(studentPath, small.Source, 0o644); err != nil {
		return err
	}
	student := small.Program.Graph
	if _, err := train.Train(student, split, dcfg); err != nil {
		return err
	}
	took = time.Since(start)
	if err := saveWeights(filepath.Join(dir, g.Name+".student.safetensors"), student, map[string]string{"data": spec, "distilled-from": path}); err != nil {
		return err
	}
	studentRow, err := floatRow("student, distilled", student, test, d)
	if err != nil {
		return err
	}
	studentRow.took = took
	studentRow.bytes = 4 * studentRow.params

	// 4 to 6. Both models to int8: bytecode on the VM, native code in C.
	target := nativeTarget()
	var vmKernels string
	agree, compared := 0, 0
	for i, m := range []struct {
		g    *ir.Graph
		base string
		what string
	}{{g, g.Name + ".pruned", "the pruned model"}, {student, g.Name + ".student", "the student"}} {
		if i == 1 {
			rows = append(rows, studentRow)
		}
		step(4+i, "quantizing %s to int8 (min/max ranges from %d training examples), writing its bytecode and native code, scoring both", m.what, min(samples, split.Train.Len()))
		kbc, err := demoBytecode(m.g, split, samples, d, filepath.Join(dir, m.base+".kbc"))
		if err != nil {
			return fmt.Errorf("%s: %w", m.what, err)
		}
		kbc.row.stage = "  int8 .kbc on the VM"
		vmKernels = kbc.kernels
		rows = append(rows, kbc.row)
		fmt.Fprintf(e.stderr, "compiling %s to native code (LLVM's opt and llc, %s kernels) and running it in C\n", m.what, targetForm(target))
		nat, err := demoNative(kbc.graph, kbc.row.params, test, kbc.outputs, target, d, dir, m.base)
		if err != nil {
			return fmt.Errorf("%s: native code: %w", m.what, err)
		}
		nat.row.stage = "  int8 native code"
		rows = append(rows, nat.row)
		agree += nat.agree
		compared += nat.compared
	}
	step(6, "done")
	writeDemoTable(e.stdout, rows)
	fmt.Fprintf(e.stdout, "accuracy on %s (%s examples); parameters: the non-zero ones (int8 rows: of the float model quantized).\n", test.Name, ir.Thousands(int64(test.Len())))
	fmt.Fprintln(e.stdout, "bytes: float rows, the weights as float32; pruned, each non-zero as a float32 and an 8-bit index; .kbc, the file (constants coded where smaller); native, the object file.")
	fmt.Fprintf(e.stdout, "batch 1: median per example on one thread: float on kiln's float32 kernels, .kbc on the VM (%s kernels), native code for this CPU (%s kernels).\n", vmKernels, targetForm(target))
	if compared > 0 {
		if agree == compared {
			fmt.Fprintf(e.stdout, "the native code's outputs equal the VM's bit for bit on all %s test examples of both models.\n", ir.Thousands(int64(compared)))
		} else {
			fmt.Fprintf(e.stdout, "the native code's outputs differ from the VM's on %s of %s test examples.\n", ir.Thousands(int64(compared-agree)), ir.Thousands(int64(compared)))
		}
	}
	for _, r := range rows {
		if r.missing != "" {
			fmt.Fprintf(e.stdout, "native code not built: %s\n", r.missing)
			break
		}
	}
	fmt.Fprintf(e.stdout, "the pipeline took %s, its data loaded.\n", seconds(time.Since(begin)))
	if out, _ := fs.GetString("output"); out != "" {
		fmt.Fprintf(e.stdout, "weights, the student's source, .kbc and native files in %s\n", out)
	}
	return nil
}

// floatRow scores a float model on set and times it at batch 1.
func floatRow(stage string, g *ir.Graph, set *data.Dataset, d time.Duration) (demoRow, error) {
	r := demoRow{stage: stage}
	_, r.params = countWeights(g)
	var err error
	if r.score, err = train.Evaluate(g, set, 256, 0); err != nil {
		return r, err
	}
	r.latency, err = floatLatency(g, set, d)
	return r, err
}

// floatLatency is the median time of g at batch 1 on the float32 kernels,
// on one thread, over the first example of set, timed for about d.
func floatLatency(g *ir.Graph, set *data.Dataset, d time.Duration) (time.Duration, error) {
	ctx := exec.NewCtx(false, 0)
	ctx.Workers = 1
	run, err := exec.NewRunner(g, ctx)
	if err != nil {
		return 0, err
	}
	one, err := compress.Holdout(set, []int{0}, set.Name)
	if err != nil {
		return 0, err
	}
	in := []*tensor.Tensor{one.Inputs[0].T}
	if _, err := run.Forward(in); err != nil { // warm up
		return 0, err
	}
	var times []time.Duration
	for start := time.Now(); time.Since(start) < d || len(times) < 10; {
		t0 := time.Now()
		if _, err := run.Forward(in); err != nil {
			return 0, err
		}
		times = append(times, time.Since(t0))
	}
	return median(times), nil
}

// median is the middle of times as kiln bench takes it (the lower one of
// an even count), sorting times.
func median(times []time.Duration) time.Duration {
	sortDurations(times)
	return times[(len(times)-1)/2]
}

func sortDurations(t []time.Duration) {
	for i := 1; i < len(t); i++ {
		for j := i; j > 0 && t[j] < t[j-1]; j-- {
			t[j], t[j-1] = t[j-1], t[j]
		}
	}
}

// bytecodeResult is what demoBytecode built and measured.
type bytecodeResult struct {
	row     demoRow
	kernels string    // the VM's kernel set
	graph   *ir.Graph // the int8 graph
	outputs []float32 // the VM's outputs on the test part, in order
}

// demoBytecode quantizes a copy of g with min/max ranges from samples
// training examples, writes its bytecode (coded where smaller, as kiln
// compress writes it) to path, scores it on the VM over the test part and
// times it at batch 1.
func demoBytecode(g *ir.Graph, split *data.Split, samples int, d time.Duration, path string) (*bytecodeResult, error) {
	res := &bytecodeResult{}
	r := &res.row
	_, r.params = countWeights(g)
	start := time.Now()
	q, err := compileCalibrated(g.Clone(), split.Train, samples, compiler.Quantized)
	if err != nil {
		return nil, err
	}
	b, err := compiler.Encode(q.Graph, compiler.Options{Code: true})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return nil, err
	}
	r.took, r.bytes = time.Since(start), len(b)
	m, err := runtime.Load(b, nil)
	if err != nil {
		return nil, err
	}
	forward := vmForward(m)
	r.score, err = train.EvaluateWith(q.Graph, split.Test, 256, func(in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		o, err := forward(in)
		if err == nil {
			res.outputs = append(res.outputs, o[0].F32...)
		}
		return o, err
	})
	if err != nil {
		return nil, err
	}
	if r.latency, err = medianAtBatch1(m, d); err != nil {
		return nil, err
	}
	res.kernels, res.graph = m.Kernels(), q.Graph
	return res, nil
}

// writeDemoTable prints the demo's table.
func writeDemoTable(w io.Writer, rows []demoRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "stage\taccuracy\tparameters\tbytes\tbatch 1\ttime\t")
	for _, r := range rows {
		if r.missing != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t(not built: see below)\n", r.stage)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.stage, metricCell(r.score), ir.Thousands(int64(r.params)), ir.Thousands(int64(r.bytes)),
			microseconds(r.latency), seconds(r.took))
	}
	tw.Flush()
}

func microseconds(t time.Duration) string {
	return fmt.Sprintf("%.1f us", float64(t)/float64(time.Microsecond))
}

func seconds(t time.Duration) string { return fmt.Sprintf("%.1f s", t.Seconds()) }

// modelRow is one model of kiln demo --models' table.
type modelRow struct {
	name, spec  string
	params      int64
	float, int8 train.Metrics
	kbcBytes    int
	latency     time.Duration // the .kbc's median at batch 1 on the VM
	took        time.Duration // training
	failed      string        // why the model has no row, or no int8 score
	noInt8      bool
}

// runDemoModels trains each model as its file says, scores it in float,
// builds it to int8 bytecode and scores that on the VM, and prints a row
// per model. A model that fails gets a row saying so, the others still
// run, and the command then fails.
func runDemoModels(e *env, fs *pflag.FlagSet, paths []string) error {
	f := flags(fs)
	samples, d := f.Int("samples"), f.Duration("time")
	if err := f.Err(); err != nil {
		return err
	}
	if fs.Changed("data") {
		return usagef("--data: with --models each model trains on its own train block's data")
	}
	var rows []modelRow
	failed := false
	for i, path := range paths {
		fmt.Fprintf(e.stderr, "demo model %d/%d: %s\n", i+1, len(paths), path)
		r := demoModel(e, fs, path, samples, d)
		if r.failed != "" && !r.noInt8 {
			fmt.Fprintf(e.stderr, "%s: %s\n", path, r.failed)
			failed = true
		}
		rows = append(rows, r)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tdata\tparameters\tfloat\tint8 (VM)\t.kbc bytes\tbatch 1\ttraining\t")
	for _, r := range rows {
		switch {
		case r.failed != "" && !r.noInt8:
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\t(failed: see below)\n", r.name, r.spec)
		case r.noInt8:
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t-\t-\t-\t%s\t\n", r.name, r.spec, ir.Thousands(r.params), metricCell(r.float), seconds(r.took))
		default:
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, r.spec, ir.Thousands(r.params), metricCell(r.float), metricCell(r.int8),
				ir.Thousands(int64(r.kbcBytes)), microseconds(r.latency), seconds(r.took))
		}
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "each model trained as its file's train block says, scored on its set's held-out part (the whole set where it has none); int8: min/max ranges from %d training examples, run on the VM; batch 1: the .kbc's median on one thread.\n", samples)
	for _, r := range rows {
		switch {
		case r.noInt8:
			fmt.Fprintf(e.stdout, "%s: no int8 model: %s\n", r.name, r.failed)
		case r.failed != "":
			fmt.Fprintf(e.stdout, "%s: failed: %s\n", r.name, r.failed)
		}
	}
	if failed {
		return errReported
	}
	return nil
}

// demoModel trains, scores and builds one model of kiln demo --models.
func demoModel(e *env, fs *pflag.FlagSet, path string, samples int, d time.Duration) modelRow {
	r := modelRow{name: path, spec: "-"}
	fail := func(err error) modelRow {
		r.failed = strings.TrimSpace(err.Error())
		return r
	}
	if _, err := modelKind("demo", path); err != nil {
		return fail(err)
	}
	prog, src, err := frontend.Load(path)
	if err != nil {
		if src == nil {
			return fail(err)
		}
		return fail(errors.New(source.Render(err, src)))
	}
	g := prog.Graph
	r.name = g.Name
	epochs, _ := fs.GetInt("epochs")
	// Trained as kiln train would, the train block's validation included.
	tf := epochFlags(fs, epochs)
	tf.Float64("validation", 0, "")
	cfg, spec, dataDir, err := trainConfig(prog, tf)
	if err != nil {
		return fail(err)
	}
	r.spec = shortSpec(spec)
	split, err := demoSplit(fs, spec, dataDir)
	if err != nil {
		return fail(err)
	}
	cfg.Log, cfg.Terminal = e.stderr, isTerminal(e.stderr)
	fmt.Fprintf(e.stderr, "training %s on %s: %d examples, %d epochs of batch %d, %s lr %g\n", g.Name, spec, split.Train.Len(), cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR)
	start := time.Now()
	if _, err := train.Train(g, split, cfg); err != nil {
		return fail(err)
	}
	r.took = time.Since(start)
	r.params = g.Stats().Total.Params
	set, _ := scoredPart(split)
	if r.float, err = train.Evaluate(g, set, 256, cfg.Workers); err != nil {
		return fail(err)
	}
	q, err := compileCalibrated(g.Clone(), split.Train, samples, compiler.Bytecode)
	if err != nil {
		r.noInt8 = true
		return fail(err)
	}
	r.kbcBytes = len(q.Bytecode)
	m, err := runtime.Load(q.Bytecode, nil)
	if err != nil {
		return fail(err)
	}
	if r.int8, err = train.EvaluateWith(q.Graph, set, 256, vmForward(m)); err != nil {
		return fail(err)
	}
	if r.latency, err = medianAtBatch1(m, d); err != nil {
		return fail(err)
	}
	return r
}

// shortSpec is a data set spec as the table shows it: a file's name
// without its directory (movielens:ratings_small.csv.gz).
func shortSpec(spec string) string {
	if strings.Contains(spec, ",") {
		return spec
	}
	if kind, rest, ok := strings.Cut(spec, ":"); ok {
		return kind + ":" + filepath.Base(rest)
	}
	return filepath.Base(spec)
}
