package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

func init() {
	register(&command{
		name:    "train",
		args:    "FILE.kiln [--data SET] -o W.safetensors [--resume CHECKPOINT]",
		summary: "train a model in float32 on the CPU; settings come from the file's train block, flags override them",
		flags: func(fs *pflag.FlagSet) {
			d := train.Defaults()
			fs.String("data", "", "data set: mnist, fashion-mnist, a path (see data/DATASETS.md)")
			fs.StringP("output", "o", "", "write the trained weights here (safetensors) when training ends; until then the run is checkpointed beside it, as W.epochN.safetensors at each epoch's end")
			fs.String("resume", "", "continue the run that wrote this checkpoint (give the same settings): the result is the one it would have had")
			fs.Bool("force", false, "replace a read-only output file; start over although checkpoints of an earlier run of this output exist (they are removed)")
			fs.Int("epochs", d.Epochs, "passes over the training set")
			fs.Int("batch", d.Batch, "examples per step")
			fs.Float64("lr", d.LR, fmt.Sprintf("learning rate (adam's; sgd's is %g unless given)", train.SGDLR))
			fs.String("optimizer", d.Optimizer, "sgd or adam")
			fs.Float64("momentum", d.Momentum, "SGD momentum")
			fs.Float64("weight-decay", 0, "L2 penalty added to the gradients")
			fs.Float64("l1", 0, "L1 penalty added to the gradients (drives weights to zero before pruning)")
			fs.Int("shift", 0, "translate each training image by up to this many pixels in each direction, at random (0: none)")
			fs.Float64("validation", 0, "hold out this fraction of the training part for validation, scored after every epoch: the output holds the best epoch's weights, and the test part is left for kiln eval (0: none)")
			fs.String("validation-by", "random", "how to carve the validation part: random (seeded) or time (each user's latest training examples, for data split by time)")
			fs.Int("patience", 0, "with --validation: stop after this many epochs without a better validation score (0: run every epoch)")
			fs.Float64("tuning", 0, "set the test part aside and score, in its place, this fraction of the training part (each user's latest, for data split by time; else drawn with seed 1), training on the rest: for choosing settings without looking at the test part (give kiln eval the same)")
			fs.Float64("ema", 0, "keep an exponential moving average of the trained weights with this decay, below 1 (0.998 averages over about the last 500 steps): it is what each epoch scores, validation keeps and the output holds (0: none)")
			fs.Bool("refit", false, "with --validation: once the best epoch is known, train again from the start on the whole training part (validation part included) for that many epochs; the output holds that run's weights")
			fs.String("metric", "", "with --validation: what is better: auc or logloss (binary), accuracy (classes), rmse (real values); default the first")
			fs.Float64("jitter", 0, "add Gaussian noise of this standard deviation to every float input of each training example (0: none)")
			fs.Float64("amplitude", 0, "scale each training example by a random factor in [1-a, 1+a] (0: none)")
			fs.Float64("rotate", 0, "turn each training example of a three-axis input ([N,3,...], such as x, y, z acceleration) by a random rotation of up to this many degrees about a random axis (0: none)")
			fs.Bool("reverse", false, "run each training example of a sequence input ([N,C,T]) backwards in time with probability one half")
			fs.String("schedule", d.Schedule.Kind, fmt.Sprintf("learning-rate schedule: constant, step (by %g, %d times over the run) or cosine", train.StepGamma, train.StepDecays))
			fs.Uint64("seed", d.Seed, "seed for initialisation, shuffling and dropout")
			fs.Int("workers", 0, "goroutines per kernel (0: all cores); results do not depend on it")
			fs.String("init", "", "start from these weights (safetensors) instead of a fresh initialisation")
			fs.String("teacher", "", "teacher model (.kiln) for the distill loss")
			fs.String("teacher-weights", "", "the teacher's weights (safetensors)")
			fs.Float64("temperature", d.Teacher.Temperature, "distillation temperature T")
			fs.Float64("hard", d.Teacher.Hard, "weight of the hard-label loss in distillation (the soft loss gets 1 - hard)")
			fs.Bool("qat", false, "quantization-aware training: fine-tune the --init weights through int8 rounding; the output holds the weights and the learned activation ranges, which kiln build and kiln quantize use in place of calibration")
			fs.Int("qat-bits", 8, "with --qat: bits of the weights' grid, 2 to 8 (fewer levels on the int8 grid)")
			fs.Bool("qat-per-tensor", false, "with --qat: round each weight with one scale, for a build with --per-tensor weights (8-bit weights so rounded get one scale in any build)")
			fs.Int("qat-freeze", -1, "with --qat: training steps after which the activation ranges stop moving (0: never; default: half the run's steps)")
			fs.Int("qat-bn-freeze", -1, "with --qat: training steps after which a batch norm folded into its layer uses its running statistics, which stop moving, as the int8 build does (0: never: the batch's statistics throughout; default: half the run's steps)")
		},
		run: runTrain,
	})
	register(&command{
		name:    "eval",
		args:    "FILE.kiln -w W.safetensors [--data SET] | Q.kir --data SET | MODEL.kbc --data SET",
		summary: "score a trained model, a .kir on the integer reference executor or a .kbc on the VM, on the held-out part of a data set: accuracy, AUC and logloss, or RMSE",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("weights", "w", "", "the weights of a .kiln model (safetensors)")
			fs.String("data", "", "data set (default: a .kiln model's train block's data)")
			fs.Float64("tuning", 0, "set the test part aside and score, in its place, this fraction of the training part (each user's latest, for data split by time; else drawn with seed 1): for choosing settings without looking at the test part (as kiln train --tuning)")
			fs.Bool("confusion", false, "for a classifier, also print the confusion table: each label's examples by the class chosen, and each label's recall")
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
	// Validation and ema are kiln train's (and kiln demo --models',
	// which trains as kiln train does): the retraining of the other
	// commands that read the train block (prune, compress, shrink,
	// distill, the demo pipeline's stages) prunes, shares or distils,
	// and keeps the last epoch's raw weights.
	validates := fs.Lookup("validation") != nil
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
		case "shift":
			cfg.Shift = int(v.Num)
		case "validation", "validation_by", "patience", "metric", "refit", "ema":
			if !validates {
				continue
			}
			switch s.Name {
			case "ema":
				if !(v.Num >= 0 && v.Num < 1) {
					return cfg, "", "", fmt.Errorf("%s: ema must be at least 0 and below 1, got %s", v.Pos, v)
				}
				cfg.EMA = v.Num
			case "validation":
				cfg.Validation.Fraction = v.Num
			case "validation_by":
				cfg.Validation.ByTime = v.Text == "time"
			case "patience":
				cfg.Validation.Patience = int(v.Num)
			case "metric":
				cfg.Validation.Metric = v.Text
			case "refit":
				cfg.Validation.Refit = v.Text == "true"
			}
		case "jitter":
			if !(v.Num >= 0) {
				return cfg, "", "", fmt.Errorf("%s: jitter must be 0 or more, got %s", v.Pos, v)
			}
			cfg.Augment.Jitter = v.Num
		case "amplitude":
			if !(v.Num >= 0 && v.Num < 1) {
				return cfg, "", "", fmt.Errorf("%s: amplitude must be at least 0 and below 1, got %s", v.Pos, v)
			}
			cfg.Augment.Amplitude = v.Num
		case "rotate":
			if !(v.Num >= 0 && v.Num <= 180) {
				return cfg, "", "", fmt.Errorf("%s: rotate must be 0 to 180 degrees, got %s", v.Pos, v)
			}
			cfg.Augment.Rotate = v.Num
		case "reverse":
			cfg.Augment.Reverse = v.Text == "true"
		case "loss":
			cfg.Loss = v.Text
			if k := v.Kwarg("negatives"); k != nil {
				if k.Num < 1 {
					return cfg, "", "", fmt.Errorf("%s: sampled_softmax: negatives must be a positive integer, got %s", k.Pos, k)
				}
				cfg.Negatives = int(k.Num)
			}
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
	ints := map[string]*int{"epochs": &cfg.Epochs, "batch": &cfg.Batch, "workers": &cfg.Workers, "shift": &cfg.Shift, "patience": &cfg.Validation.Patience}
	for name, p := range ints {
		if fs.Changed(name) {
			*p = f.Int(name)
		}
	}
	floats := map[string]*float64{"lr": &cfg.LR, "momentum": &cfg.Momentum, "weight-decay": &cfg.Reg.WeightDecay, "l1": &cfg.Reg.L1,
		"temperature": &cfg.Teacher.Temperature, "hard": &cfg.Teacher.Hard, "validation": &cfg.Validation.Fraction, "ema": &cfg.EMA,
		"jitter": &cfg.Augment.Jitter, "amplitude": &cfg.Augment.Amplitude, "rotate": &cfg.Augment.Rotate}
	for name, p := range floats {
		if fs.Changed(name) {
			*p = f.Float64(name)
		}
	}
	if fs.Changed("lr") {
		lrSet = true
	}
	if fs.Changed("reverse") {
		cfg.Augment.Reverse = f.Bool("reverse")
	}
	if fs.Changed("optimizer") {
		cfg.Optimizer = f.String("optimizer")
	}
	if fs.Changed("validation-by") {
		switch by := f.String("validation-by"); by {
		case "random", "time":
			cfg.Validation.ByTime = by == "time"
		default:
			return cfg, "", "", usagef("--validation-by must be random or time, got %q", by)
		}
	}
	if fs.Changed("metric") {
		cfg.Validation.Metric = f.String("metric")
	}
	if fs.Changed("refit") {
		cfg.Validation.Refit = f.Bool("refit")
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
	case cfg.Validation.Fraction != 0 && !(cfg.Validation.Fraction > 0 && cfg.Validation.Fraction < 1):
		return cfg, "", "", usagef("validation must be a fraction between 0 and 1 (0: none), got %g", cfg.Validation.Fraction)
	case cfg.Validation.Fraction == 0 && (cfg.Validation.Patience != 0 || cfg.Validation.Metric != "" || cfg.Validation.ByTime || cfg.Validation.Refit):
		return cfg, "", "", usagef("patience, metric, validation_by and refit go with a validation fraction (--validation or the train block's validation)")
	case !(cfg.EMA >= 0 && cfg.EMA < 1):
		return cfg, "", "", usagef("ema must be at least 0 and below 1 (0: none), got %g", cfg.EMA)
	case cfg.Validation.Patience < 0:
		return cfg, "", "", usagef("patience must not be negative, got %d", cfg.Validation.Patience)
	case dataSpec == "":
		return cfg, "", "", usagef("no data: give --data or a train block's data setting")
	}
	if cfg.Loss == "distill" {
		if teacher.model == "" || teacher.weights == "" {
			return cfg, "", "", usagef("the distill loss needs --teacher T.kiln and --teacher-weights W.safetensors")
		}
		if _, err := expectKind(teacher.model, "--teacher", kindKiln); err != nil {
			return cfg, "", "", err
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
	out, init, resume, force := f.String("output"), f.String("init"), f.String("resume"), f.Bool("force")
	qat, qatBits, qatFreeze, qatBNFreeze := f.Bool("qat"), f.Int("qat-bits"), f.Int("qat-freeze"), f.Int("qat-bn-freeze")
	qatPerTensor := f.Bool("qat-per-tensor")
	if err := f.Err(); err != nil {
		return err
	}
	switch {
	case out == "":
		return usagef("missing -o W.safetensors")
	case init != "" && resume != "":
		return usagef("--init and --resume cannot be used together: a checkpoint holds the weights to start from")
	case !qat && (fs.Changed("qat-bits") || fs.Changed("qat-freeze") || fs.Changed("qat-bn-freeze") || fs.Changed("qat-per-tensor")):
		return usagef("--qat-bits, --qat-freeze, --qat-bn-freeze and --qat-per-tensor go with --qat")
	case qat && init == "":
		return usagef("--qat fine-tunes a trained model: give its weights with --init W.safetensors")
	case qat && resume != "":
		return usagef("--qat runs cannot be resumed: start the fine-tuning again from --init")
	case qat && (qatBits < 2 || qatBits > 8):
		return usagef("--qat-bits must be 2 to 8, got %d", qatBits)
	case qat && fs.Changed("qat-freeze") && qatFreeze < 0:
		return usagef("--qat-freeze must not be negative, got %d", qatFreeze)
	case qat && fs.Changed("qat-bn-freeze") && qatBNFreeze < 0:
		return usagef("--qat-bn-freeze must not be negative, got %d", qatBNFreeze)
	}
	if err := checkOutputs(fs, out); err != nil {
		return err
	}
	// Checkpoints of an earlier run of this output would be replaced one
	// by one as this run reaches their epochs: keep them unless told.
	stale, resumed := checkpointsOf(out), ""
	for i, c := range stale {
		if sameFile(c, resume) {
			resumed = c
			stale = append(stale[:i], stale[i+1:]...)
			break
		}
	}
	if len(stale) > 0 && !force {
		newest := newestFile(stale)
		return fmt.Errorf("%s: a checkpoint of an earlier run of %s exists: resume that run with --resume %s, or start over with --force (which removes it)", newest, out, newest)
	}

	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	cfg, spec, dir, err := trainConfig(prog, fs)
	if err != nil {
		return err
	}
	if cfg.Validation.Refit && (init != "" || qat) {
		// A resumed first run could not go back to those weights.
		return usagef("refit trains again from a fresh start, and a run from --init weights has none: train it without refit (--refit=false)")
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return err
	}
	if fs.Changed("tuning") {
		if split, err = tuningSplit(split, f.Float64("tuning")); err != nil {
			return err
		}
	}
	g := prog.Graph
	switch {
	case qat:
		// Unless told, ranges and batch-norm statistics move for the
		// first half of the run and stay for the second, which trains
		// the weights through exactly what the int8 build will fix.
		batch := max(cfg.Batch, 1) // Train refuses a batch below 1
		half := max((split.Train.Len()+batch-1)/batch*cfg.Epochs/2, 1)
		if !fs.Changed("qat-freeze") {
			qatFreeze = half
		}
		if !fs.Changed("qat-bn-freeze") {
			qatBNFreeze = half
		}
		if err := qatGraph(g, init, train.QATOptions{Bits: qatBits, Freeze: qatFreeze, BNFreeze: qatBNFreeze, PerTensorWeights: qatPerTensor}); err != nil {
			return err
		}
	case init != "":
		if err := bindWeights(g, init); err != nil {
			return err
		}
	}
	if resume != "" {
		if cfg.Resume, err = readCheckpoint(resume, g.Name, spec); err != nil {
			return err
		}
	}
	cfg.Log = e.stderr
	cfg.Terminal = isTerminal(e.stderr)

	stop := stopOnSignal(e)
	defer stop.release()
	cfg.Stop = stop.requested

	// The newest checkpoint on disk, which each new one replaces: the
	// resumed one, if it is this output's.
	last := resumed
	cfg.Checkpoint = func(c *train.Checkpoint) error {
		p := checkpointPath(out, c.Epoch, c.Step)
		st := c.Safetensors()
		st.Metadata["model"], st.Metadata["data"], st.Metadata["epoch"] = g.Name, spec, strconv.Itoa(c.Epoch)
		if err := data.SaveSafetensors(p, st); err != nil {
			return err
		}
		for _, old := range append(stale, last) {
			if old != "" && old != p {
				os.Remove(old)
			}
		}
		stale, last = nil, p
		if testHookCheckpoint != nil {
			testHookCheckpoint(p, stop.requested)
		}
		return nil
	}

	trained := fmt.Sprintf("trained %d epochs", cfg.Epochs)
	if c := cfg.Resume; c != nil {
		where := fmt.Sprintf("epoch %d of %d", c.Epoch, c.Epochs)
		if c.Step > 0 {
			where = fmt.Sprintf("step %d of %d of epoch %d", c.Step, c.Steps, c.Epoch+1)
		}
		fmt.Fprintf(e.stderr, "resuming from %s, after %s\n", resume, where)
		trained += " (resumed after " + where + ")"
	}
	augment := ""
	if a := cfg.Augment; a.On() {
		reversed := ""
		if a.Reverse {
			reversed = ", half reversed"
		}
		augment = fmt.Sprintf(", augmented (jitter %g, amplitude %g, rotate %g°%s)", a.Jitter, a.Amplitude, a.Rotate, reversed)
	}
	if cfg.EMA > 0 {
		augment += fmt.Sprintf(", weights averaged (ema %g)", cfg.EMA)
	}
	fmt.Fprintf(e.stderr, "training %s on %s: %d examples, %d epochs of batch %d, %s lr %g, schedule %v, seed %d%s\n",
		g.Name, spec, split.Train.Len(), cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR, cfg.Schedule, cfg.Seed, augment)
	if v := cfg.Validation; v.Fraction > 0 {
		by := "at random"
		if v.ByTime {
			by = "each group's latest"
		}
		fmt.Fprintf(e.stderr, "validation: %g of the training examples, %s; keeping the best epoch", v.Fraction, by)
		if v.Patience > 0 {
			fmt.Fprintf(e.stderr, ", stopping after %d without improvement", v.Patience)
		}
		fmt.Fprintln(e.stderr)
	}
	res, err := train.Train(g, split, cfg)
	if err != nil {
		switch {
		case errors.Is(err, train.ErrResume):
			return fmt.Errorf("%s: %w", resume, err)
		case last == "":
			return err
		}
		// Whatever stopped the run, the last checkpoint holds it so far.
		how := resumeCommand(fs, path, last)
		if errors.Is(err, train.ErrStopped) {
			fmt.Fprintf(e.stderr, "%v (%s)\nthe run so far is in %s; to resume it:\n  %s\n", err, stop.signal(), last, how)
			return errReported
		}
		return fmt.Errorf("%w\nthe run so far, up to its last checkpoint, is in %s; to resume it:\n  %s", err, last, how)
	}
	meta := map[string]string{"epoch": strconv.Itoa(cfg.Epochs), "data": spec}
	if res.Best > 0 {
		meta["epoch"] = strconv.Itoa(res.Best)
		trained = fmt.Sprintf("trained %d of %d epochs", len(res.Epochs), cfg.Epochs)
		if c := cfg.Resume; c != nil {
			trained = fmt.Sprintf("trained to epoch %d of %d (resumed after epoch %d)", c.Epoch+len(res.Epochs), cfg.Epochs, c.Epoch)
		}
		if res.Early {
			trained += fmt.Sprintf(", stopped early (%d without improvement)", cfg.Validation.Patience)
		}
		trained += fmt.Sprintf(", kept epoch %d (best validation %s)", res.Best, res.Metric)
		if res.Refit != nil {
			trained += fmt.Sprintf(", then trained %d epochs on the whole training part", len(res.Refit))
		}
		if res.Refit != nil && res.Epochs == nil { // resumed in the second run
			trained = fmt.Sprintf("trained %d epochs of the refit on the whole training part (resumed)", len(res.Refit))
		}
	}
	if qat {
		meta["qat_bits"] = strconv.Itoa(qatBits)
		err = saveNamed(out, g.Name, train.QATWeights(g), meta)
	} else {
		err = saveWeights(out, g, meta)
	}
	if err != nil {
		if last != "" {
			return fmt.Errorf("%w\nthe trained weights are in the checkpoint %s; to write %s from it:\n  %s", err, last, out, resumeCommand(fs, path, last))
		}
		return err
	}
	for _, c := range checkpointsOf(out) {
		os.Remove(c) // the run is in out now
	}
	st := g.Stats()
	fmt.Fprintf(e.stdout, "model %s: %s parameters, %s bytes of f32 weights\n", g.Name, ir.Thousands(st.Total.Params), ir.Thousands(st.Total.WeightBytes))
	if res.Test.N > 0 {
		fmt.Fprintf(e.stdout, "test %s\n", res.Test)
	}
	switch {
	case res.Refit != nil && res.Validation.N > 0:
		fmt.Fprintf(e.stdout, "validation %s at epoch %d, before the refit on the whole training part; the test part is left for kiln eval\n", res.Validation, res.Best)
	case res.Best > 0 && res.Refit == nil:
		fmt.Fprintf(e.stdout, "validation %s at epoch %d; the test part is left for kiln eval\n", res.Validation, res.Best)
	}
	fmt.Fprintf(e.stdout, "%s in %.1f s; weights in %s\n", trained, res.Elapsed.Seconds(), out)
	return nil
}

// testHookCheckpoint, if set, is called after each checkpoint is written,
// with what tells whether a signal asked training to stop.
var testHookCheckpoint func(path string, stopping func() bool)

// readCheckpoint reads a checkpoint to resume from and checks that it is
// one of model's, trained on spec. (train.Train checks the rest.)
func readCheckpoint(path, model, spec string) (*train.Checkpoint, error) {
	st, err := data.LoadSafetensors(path)
	if err != nil {
		return nil, err
	}
	c, err := train.ReadCheckpoint(st)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m := c.Meta["model"]; m != model {
		return nil, fmt.Errorf("%s: %w: the checkpoint is of model %s, not %s", path, train.ErrResume, orNone(m), model)
	}
	if d := c.Meta["data"]; d != spec {
		return nil, fmt.Errorf("%s: %w: the checkpoint's run trained on %s, this one on %s", path, train.ErrResume, orNone(d), spec)
	}
	return c, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// checkpointPath names the checkpoint of output out after epoch epochs and
// step steps of the next: W.epochE.EXT at the end of epoch E, and
// W.epochE-stepS.EXT after step S of epoch E.
func checkpointPath(out string, epoch, step int) string {
	ext := filepath.Ext(out)
	stem := strings.TrimSuffix(out, ext)
	if step == 0 {
		return fmt.Sprintf("%s.epoch%d%s", stem, epoch, ext)
	}
	return fmt.Sprintf("%s.epoch%d-step%d%s", stem, epoch+1, step, ext)
}

// checkpointsOf lists the checkpoints of output out that exist, named as
// checkpointPath names them, in the directory's order.
func checkpointsOf(out string) []string {
	dir, base := filepath.Split(out)
	ext := filepath.Ext(base)
	prefix := strings.TrimSuffix(base, ext) + ".epoch"
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		return nil
	}
	var found []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if rest, ok = strings.CutSuffix(rest, ext); !ok {
			continue
		}
		epoch, step, mid := strings.Cut(rest, "-step")
		if allDigits(epoch) && (!mid || allDigits(step)) {
			found = append(found, dir+e.Name())
		}
	}
	return found
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// newestFile returns the path of the most recently modified of the files.
func newestFile(paths []string) string {
	newest, when := paths[0], time.Time{}
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.ModTime().After(when) {
			newest, when = p, fi.ModTime()
		}
	}
	return newest
}

// sameFile reports whether paths a and b name the same existing file.
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// resumeCommand is the command line that resumes a run from checkpoint:
// this one's, with --resume.
func resumeCommand(fs *pflag.FlagSet, model, checkpoint string) string {
	args := []string{"kiln", "train", model}
	fs.Visit(func(fl *pflag.Flag) {
		if fl.Name == "resume" {
			return
		}
		name := "--" + fl.Name
		if fl.Shorthand != "" {
			name = "-" + fl.Shorthand
		}
		if fl.Value.Type() == "bool" {
			args = append(args, name+"="+fl.Value.String())
			return
		}
		args = append(args, name, fl.Value.String())
	})
	args = append(args, "--resume", checkpoint)
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell where it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./,:@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// stopper turns the first SIGINT or SIGTERM during training into a request
// to stop, which train.Train sees after the step it is taking, and the
// second into an exit at once (with status 128 + the signal's number).
type stopper struct {
	sig  chan os.Signal
	done chan struct{}
	got  atomic.Value // the first signal
}

func stopOnSignal(e *env) *stopper {
	s := &stopper{sig: make(chan os.Signal, 2), done: make(chan struct{})}
	signal.Notify(s.sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-s.sig:
			s.got.Store(sig)
		case <-s.done:
			return
		}
		select {
		case sig := <-s.sig:
			fmt.Fprintf(e.stderr, "\n%v again: exiting at once; the last checkpoint is as it was\n", sig)
			code := 1
			if n, ok := sig.(syscall.Signal); ok {
				code = 128 + int(n)
			}
			os.Exit(code)
		case <-s.done:
		}
	}()
	return s
}

// requested reports whether a signal asked training to stop.
func (s *stopper) requested() bool { return s.got.Load() != nil }

// signal names the signal that stopped training.
func (s *stopper) signal() string {
	if sig, ok := s.got.Load().(os.Signal); ok {
		return sig.String()
	}
	return "stopped"
}

// release stops listening for the signals.
func (s *stopper) release() {
	signal.Stop(s.sig)
	close(s.done)
}

// saveWeights writes the graph's parameters as safetensors, atomically.
// qatGraph binds a trained model's weights (and any ranges an earlier
// quantization-aware run learned) and rewrites the graph for
// quantization-aware training, after the one float pass that changes
// which values the int8 graph quantizes (fuse-activations).
func qatGraph(g *ir.Graph, init string, opt train.QATOptions) error {
	w, ranges, err := loadWeightsRanges(init)
	if err != nil {
		return err
	}
	if err := g.Bind(w); err != nil {
		return fmt.Errorf("%s does not fit model %s:\n%w", init, g.Name, err)
	}
	if _, err := compiler.Compile(g, compiler.Options{Until: compiler.Float, Passes: []string{"fuse-activations"}}); err != nil {
		return err
	}
	opt.Ranges = ranges
	if err := train.QAT(g, opt); err != nil {
		return fmt.Errorf("--qat: %w", err)
	}
	return nil
}

// saveNamed writes tensors by name, in name order, as safetensors.
func saveNamed(path, model string, tensors map[string]*tensor.Tensor, meta map[string]string) error {
	st := &data.Safetensors{Metadata: map[string]string{"model": model}}
	for k, v := range meta {
		st.Metadata[k] = v
	}
	names := make([]string, 0, len(tensors))
	for n := range tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		st.Tensors = append(st.Tensors, data.Named{Name: n, T: tensors[n]})
	}
	return data.SaveSafetensors(path, st)
}

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
	path, err := oneArg(fs, "FILE.kiln, Q.kir or MODEL.kbc")
	if err != nil {
		return err
	}
	f := flags(fs)
	weights, dataFlag, confusion := f.String("weights"), f.String("data"), f.Bool("confusion")
	if err := f.Err(); err != nil {
		return err
	}
	if kind, err := modelKind("eval", path); err != nil {
		return err
	} else if kind == kindKBC || kind == kindKIR {
		switch {
		case fs.Changed("weights"):
			return usagef("-w is for a .kiln model: %s holds its weights", path)
		case dataFlag == "":
			return usagef("missing --data SET: %s names no data set", path)
		case kind == kindKIR:
			return evalKIR(e, path, dataFlag, confusion)
		}
		return evalKBC(e, path, dataFlag, confusion)
	}
	if err := weightsGiven(path, weights); err != nil {
		return err
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
	if weights != "" {
		if err := bindWeights(prog.Graph, weights); err != nil {
			return err
		}
	}
	split, err := data.Open(spec, dir)
	if err != nil {
		return err
	}
	if fs.Changed("tuning") {
		if split, err = tuningSplit(split, f.Float64("tuning")); err != nil {
			return err
		}
	}
	set, part := scoredPart(split)
	if fs.Changed("tuning") {
		part = set.Name
	}
	m, err := train.Evaluate(prog.Graph, set, 256, 0)
	if err != nil {
		return err
	}
	printScore(e, prog.Graph.Name, spec, part, m, set, confusion)
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
