package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/train"
)

func init() {
	register(&command{
		name:    "train",
		args:    "FILE.kiln [--data SET] -o W.safetensors",
		summary: "train a model in float32 on the CPU; settings come from the file's train block, flags override them",
		flags: func(fs *pflag.FlagSet) {
			d := train.Defaults()
			fs.String("data", "", "data set: mnist, fashion-mnist, a path (see data/DATASETS.md)")
			fs.StringP("output", "o", "", "write the trained weights here (safetensors), after every epoch")
			forceFlag(fs)
			fs.Int("epochs", d.Epochs, "passes over the training set")
			fs.Int("batch", d.Batch, "examples per step")
			fs.Float64("lr", d.LR, fmt.Sprintf("learning rate (adam's; sgd's is %g unless given)", train.SGDLR))
			fs.String("optimizer", d.Optimizer, "sgd or adam")
			fs.Float64("momentum", d.Momentum, "SGD momentum")
			fs.Float64("weight-decay", 0, "L2 penalty added to the gradients")
			fs.Float64("l1", 0, "L1 penalty added to the gradients (drives weights to zero before pruning)")
			fs.String("schedule", d.Schedule.Kind, fmt.Sprintf("learning-rate schedule: constant, step (by %g, %d times over the run) or cosine", train.StepGamma, train.StepDecays))
			fs.Uint64("seed", d.Seed, "seed for initialisation, shuffling and dropout")
			fs.Int("workers", 0, "goroutines per kernel (0: all cores); results do not depend on it")
			fs.String("init", "", "start from these weights (safetensors) instead of a fresh initialisation")
			fs.String("teacher", "", "teacher model (.kiln) for the distill loss")
			fs.String("teacher-weights", "", "the teacher's weights (safetensors)")
			fs.Float64("temperature", d.Teacher.Temperature, "distillation temperature T")
			fs.Float64("hard", d.Teacher.Hard, "weight of the hard-label loss in distillation (the soft loss gets 1 - hard)")
		},
		run: runTrain,
	})
	register(&command{
		name:    "eval",
		args:    "FILE.kiln -w W.safetensors [--data SET] | MODEL.kbc --data SET",
		summary: "score a trained model, or a bytecode model on the VM, on the held-out part of a data set: accuracy, AUC and logloss, or RMSE",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("weights", "w", "", "the weights of a .kiln model (safetensors)")
			fs.String("data", "", "data set (default: a .kiln model's train block's data)")
		},
		run: runEval,
	})
}

// trainConfig reads the train block and applies the flags given on the
// command line over it; what neither sets keeps train's defaults.
func trainConfig(prog *frontend.Program, fs *pflag.FlagSet) (train.Config, string, string, error) {
	cfg := train.Defaults()
	lrSet := false
	var dataSpec, dataDir string
	var teacher struct{ model, weights string }
	for _, s := range settings(prog.Train) {
		v := s.Value
		switch s.Name {
		case "data":
			dataSpec, dataDir = v.Text, prog.Dir
		case "epochs":
			cfg.Epochs = int(v.Num)
		case "batch":
			cfg.Batch = int(v.Num)
		case "seed":
			cfg.Seed = uint64(v.Num)
		case "lr":
			cfg.LR, lrSet = v.Num, true
		case "momentum":
			cfg.Momentum = v.Num
		case "weight_decay":
			cfg.Reg.WeightDecay = v.Num
		case "l1":
			cfg.Reg.L1 = v.Num
		case "loss":
			cfg.Loss = v.Text
			if v.Text == "distill" {
				if t := v.Kwarg("teacher"); t != nil {
					teacher.model = filepath.Join(prog.Dir, t.Text)
				}
				if w := v.Kwarg("weights"); w != nil {
					teacher.weights = filepath.Join(prog.Dir, w.Text)
				}
				if t := v.Kwarg("T"); t != nil {
					cfg.Teacher.Temperature = t.Num
				}
				if h := v.Kwarg("hard"); h != nil {
					cfg.Teacher.Hard = h.Num
				}
			}
		case "optimizer":
			cfg.Optimizer = v.Text
			if lr := v.Kwarg("lr"); lr != nil {
				cfg.LR, lrSet = lr.Num, true
			}
			if m := v.Kwarg("momentum"); m != nil {
				cfg.Momentum = m.Num
			}
			if wd := v.Kwarg("weight_decay"); wd != nil {
				cfg.Reg.WeightDecay = wd.Num
			}
		case "schedule":
			cfg.Schedule = train.Schedule{Kind: v.Text}
			if e := v.Kwarg("every"); e != nil {
				if e.Num < 1 {
					return cfg, "", "", fmt.Errorf("%s: schedule: every must be a positive integer, got %s", e.Pos, e)
				}
				cfg.Schedule.Every = int(e.Num)
			}
			if g := v.Kwarg("gamma"); g != nil {
				if !(g.Num > 0) {
					return cfg, "", "", fmt.Errorf("%s: schedule: gamma must be positive, got %s", g.Pos, g)
				}
				cfg.Schedule.Gamma = g.Num
			}
		}
	}
	f := flags(fs)
	if fs.Changed("data") {
		dataSpec = f.String("data")
		dataDir = "."
	}
	ints := map[string]*int{"epochs": &cfg.Epochs, "batch": &cfg.Batch, "workers": &cfg.Workers}
	for name, p := range ints {
		if fs.Changed(name) {
			*p = f.Int(name)
		}
	}
	floats := map[string]*float64{"lr": &cfg.LR, "momentum": &cfg.Momentum, "weight-decay": &cfg.Reg.WeightDecay, "l1": &cfg.Reg.L1,
		"temperature": &cfg.Teacher.Temperature, "hard": &cfg.Teacher.Hard}
	for name, p := range floats {
		if fs.Changed(name) {
			*p = f.Float64(name)
		}
	}
	if fs.Changed("lr") {
		lrSet = true
	}
	if fs.Changed("optimizer") {
		cfg.Optimizer = f.String("optimizer")
	}
	if fs.Changed("schedule") {
		cfg.Schedule = train.Schedule{Kind: f.String("schedule")}
	}
	cfg.Schedule = cfg.Schedule.Resolve(cfg.Epochs)
	if fs.Changed("seed") {
		cfg.Seed = f.Uint64("seed")
	}
	if fs.Changed("teacher") {
		teacher.model = f.String("teacher")
		cfg.Loss = "distill"
	}
	if fs.Changed("teacher-weights") {
		teacher.weights = f.String("teacher-weights")
	}
	if err := f.Err(); err != nil {
		return cfg, "", "", err
	}
	if cfg.Optimizer == "sgd" && !lrSet {
		cfg.LR = train.SGDLR
	}
	switch {
	case cfg.Optimizer != "sgd" && cfg.Optimizer != "adam":
		return cfg, "", "", usagef("--optimizer must be sgd or adam, got %q", cfg.Optimizer)
	case cfg.Schedule.Kind != "constant" && cfg.Schedule.Kind != "step" && cfg.Schedule.Kind != "cosine":
		return cfg, "", "", usagef("--schedule must be constant, step or cosine, got %q", cfg.Schedule.Kind)
	case cfg.Epochs < 1 || cfg.Batch < 1 || !(cfg.LR > 0):
		return cfg, "", "", usagef("epochs, batch and lr must be positive")
	case dataSpec == "":
		return cfg, "", "", usagef("no data: give --data or a train block's data setting")
	}
	if cfg.Loss == "distill" {
		if teacher.model == "" || teacher.weights == "" {
			return cfg, "", "", usagef("the distill loss needs --teacher T.kiln and --teacher-weights W.safetensors")
		}
		tp, src, err := frontend.Load(teacher.model)
		if err != nil {
			if src != nil {
				err = fmt.Errorf("%s", strings.TrimSpace(source.Render(err, src)))
			}
			return cfg, "", "", fmt.Errorf("teacher: %w", err)
		}
		if err := bindWeights(tp.Graph, teacher.weights); err != nil {
			return cfg, "", "", err
		}
		cfg.Teacher.Graph = tp.Graph
	} else {
		cfg.Teacher = nil
	}
	return cfg, dataSpec, dataDir, nil
}

func settings(s *frontend.Settings) []*frontend.Setting {
	if s == nil {
		return nil
	}
	return s.Items
}

func runTrain(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln")
	if err != nil {
		return err
	}
	f := flags(fs)
	out, init := f.String("output"), f.String("init")
	if err := f.Err(); err != nil {
		return err
	}
	if out == "" {
		return usagef("missing -o W.safetensors")
	}
	if err := checkOutputs(fs, out); err != nil {
		return err
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	cfg, spec, dir, err := trainConfig(prog, fs)
	if err != nil {
		return err
	}
	g := prog.Graph
	if init != "" {
		if err := bindWeights(g, init); err != nil {
			return err
		}
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return err
	}
	cfg.Log = e.stderr
	cfg.Terminal = isTerminal(e.stderr)
	cfg.Checkpoint = func(c *train.Checkpoint) error {
		return saveWeights(out, g, map[string]string{"epoch": strconv.Itoa(c.Epoch), "data": spec})
	}
	fmt.Fprintf(e.stderr, "training %s on %s: %d examples, %d epochs of batch %d, %s lr %g, schedule %v, seed %d\n",
		g.Name, spec, split.Train.Len(), cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR, cfg.Schedule, cfg.Seed)
	res, err := train.Train(g, split, cfg)
	if err != nil {
		return err
	}
	st := g.Stats()
	fmt.Fprintf(e.stdout, "model %s: %s parameters, %s bytes of f32 weights\n", g.Name, ir.Thousands(st.Total.Params), ir.Thousands(st.Total.WeightBytes))
	if res.Test.N > 0 {
		fmt.Fprintf(e.stdout, "test %s\n", res.Test)
	}
	fmt.Fprintf(e.stdout, "trained %d epochs in %.1f s; weights in %s\n", len(res.Epochs), res.Elapsed.Seconds(), out)
	return nil
}

// saveWeights writes the graph's parameters as safetensors, atomically.
func saveWeights(path string, g *ir.Graph, meta map[string]string) error {
	st := &data.Safetensors{Metadata: map[string]string{"model": g.Name}}
	for k, v := range meta {
		st.Metadata[k] = v
	}
	for _, p := range g.Params() {
		st.Tensors = append(st.Tensors, data.Named{Name: p.Name, T: p.Data})
	}
	return data.SaveSafetensors(path, st)
}

func runEval(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln or MODEL.kbc")
	if err != nil {
		return err
	}
	f := flags(fs)
	weights, dataFlag := f.String("weights"), f.String("data")
	if err := f.Err(); err != nil {
		return err
	}
	if strings.HasSuffix(path, ".kbc") {
		switch {
		case fs.Changed("weights"):
			return usagef("-w is for a .kiln model: a .kbc file holds its weights")
		case dataFlag == "":
			return usagef("missing --data SET: a .kbc file names no data set")
		}
		return evalKBC(e, path, dataFlag)
	}
	if weights == "" {
		return usagef("missing -w W.safetensors")
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	spec, dir := "", prog.Dir
	if s := prog.Train.Get("data"); s != nil {
		spec = s.Value.Text
	}
	if fs.Changed("data") {
		spec = dataFlag
		dir = "."
	}
	if spec == "" {
		return usagef("no data: give --data or a train block's data setting")
	}
	if err := bindWeights(prog.Graph, weights); err != nil {
		return err
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return err
	}
	set, part := split.Test, "held-out part"
	if set == nil {
		set, part = split.Train, "whole set (it has no held-out part)"
	}
	m, err := train.Evaluate(prog.Graph, set, 256, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s on %s, %s: %s\n", prog.Graph.Name, spec, part, m)
	return nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
