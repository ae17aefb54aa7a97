package train

// Checkpoints: a training run's whole state between two steps, as the
// content of a safetensors file, so that a stopped run resumes to the same
// weights, bit for bit, as a run that never stopped.
//
// Besides the graph's parameters (batch norm's running statistics
// included) a checkpoint holds, as tensors under StatePrefix:
//
//	train/order               i32[examples]  the order of the examples in the current (or last) epoch
//	train/sgd.velocity/NAME   f32            SGD's momentum buffer of parameter NAME
//	train/adam.m/NAME         f32            Adam's first moment of NAME
//	train/adam.v/NAME         f32            Adam's second moment of NAME
//	train/best/NAME           any            with validation: parameter NAME after the best epoch so far
//	train/ema/NAME            f32            with ema: the average of trained parameter NAME (the weights are the raw ones)
//
// and in the metadata, under "train.":
//
//	train.epoch, train.step       epochs done, steps done of the next epoch (0 at an epoch's end)
//	train.loss_sum                the next epoch's summed loss so far (when train.step > 0)
//	train.adam.t                  Adam's step count
//	train.rng.shuffle             the shuffling source's state (math/rand/v2 PCG, hex)
//	train.rng.dropout             dropout's source's state (the same)
//	train.epochs, train.batch, …  the settings of the run, which a resumed run must repeat
//	train.masks                   a hash of Config.Masks, when the run prunes: the same weights stay pruned
//	train.best_epoch              with validation: the best epoch so far (from 1; 0 before the first ends)
//	train.best_score              its score, higher is better (logloss and RMSE negated)
//
// The learning rate's schedule needs no state of its own: it is a function
// of the step, which train.epoch and train.step give.

import (
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// StatePrefix starts the names of a checkpoint's tensors that are training
// state, not weights. No parameter of a kiln model can have such a name.
const StatePrefix = "train/"

// ErrStopped is the error Train returns, wrapped with where, when its Stop
// hook asked it to stop.
var ErrStopped = errors.New("training stopped")

// ErrResume is the error Train wraps when Config.Resume does not fit the
// model or the settings.
var ErrResume = errors.New("cannot resume")

// Checkpoint is a training run stopped between two steps: the weights and
// everything else the rest of the run depends on.
type Checkpoint struct {
	Epoch  int     // epochs done
	Step   int     // steps done of epoch Epoch+1; 0 at an epoch's end
	Epochs int     // epochs of the whole run
	Steps  int     // steps per epoch
	Test   Metrics // after epoch Epoch, at an epoch's end, when there is a held-out set (else zero; not kept in the file)
	// Validation is the validation part's scores after epoch Epoch, at an
	// epoch's end of a run with validation (else zero; not kept in the file).
	Validation Metrics

	// Meta is the file's metadata: the "train." entries Train writes and
	// reads, and whatever else the caller adds (Train ignores the rest).
	Meta map[string]string

	weights []data.Named // the parameters
	state   []data.Named // the tensors under StatePrefix
}

// Safetensors returns the checkpoint as the content of a safetensors file.
// Its tensors are the training run's own until the run takes its next
// step: write it before returning from Config.Checkpoint.
func (c *Checkpoint) Safetensors() *data.Safetensors {
	return &data.Safetensors{Tensors: slices.Concat(c.weights, c.state), Metadata: maps.Clone(c.Meta)}
}

// Weights returns the checkpoint's parameters by name.
func (c *Checkpoint) Weights() map[string]*tensor.Tensor {
	w := make(map[string]*tensor.Tensor, len(c.weights))
	for _, n := range c.weights {
		w[n.Name] = n.T
	}
	return w
}

// ReadCheckpoint takes a checkpoint back from a safetensors file's content.
// It checks only that this is a checkpoint; Train checks, when it resumes
// from it, that it fits the model and the settings.
func ReadCheckpoint(st *data.Safetensors) (*Checkpoint, error) {
	c := &Checkpoint{Meta: st.Metadata}
	if _, ok := c.Meta["train.epoch"]; !ok {
		return nil, errors.New("not a training checkpoint (it has no train.epoch metadata); a finished weights file can start a new run with --init")
	}
	for _, n := range st.Tensors {
		if strings.HasPrefix(n.Name, StatePrefix) {
			c.state = append(c.state, n)
		} else {
			c.weights = append(c.weights, n)
		}
	}
	var err error
	for _, f := range []struct {
		key string
		p   *int
	}{{"train.epoch", &c.Epoch}, {"train.step", &c.Step}, {"train.epochs", &c.Epochs}, {"train.steps", &c.Steps}} {
		if *f.p, err = c.int(f.key); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Checkpoint) int(key string) (int, error) {
	v, err := strconv.Atoi(c.Meta[key])
	if err != nil || v < 0 {
		return 0, fmt.Errorf("checkpoint metadata %s is %q, not a count", key, c.Meta[key])
	}
	return v, nil
}

func (c *Checkpoint) tensor(name string) *tensor.Tensor {
	for _, n := range c.state {
		if n.Name == name {
			return n.T
		}
	}
	return nil
}

// runState is what a training run carries from step to step besides the
// parameters: what a checkpoint saves and restores.
type runState struct {
	opt              Optimizer
	params           []*ir.Value // the trained ones, in order
	perm             []int
	shuffle, dropout *rand.PCG
	settings         map[string]string
	best             *best    // with validation
	ema              *average // with ema
}

// settings lists what a run was configured with and a resumed run must
// repeat to continue it: everything that changes the weights it computes.
// (Workers does not.)
func settings(cfg Config, loss string, examples, steps int) map[string]string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	s := map[string]string{
		"train.epochs":       strconv.Itoa(cfg.Epochs),
		"train.batch":        strconv.Itoa(cfg.Batch),
		"train.lr":           f(cfg.LR),
		"train.optimizer":    cfg.Optimizer,
		"train.weight_decay": f(cfg.Reg.WeightDecay),
		"train.l1":           f(cfg.Reg.L1),
		"train.schedule":     cfg.Schedule.String(),
		"train.loss":         loss,
		"train.seed":         strconv.FormatUint(cfg.Seed, 10),
		"train.examples":     strconv.Itoa(examples),
		"train.steps":        strconv.Itoa(steps),
	}
	if s["train.optimizer"] == "" {
		s["train.optimizer"] = "adam"
	}
	if s["train.optimizer"] == "sgd" {
		s["train.momentum"] = f(cfg.Momentum)
	}
	if cfg.Shift > 0 {
		s["train.shift"] = strconv.Itoa(cfg.Shift)
	}
	for name, v := range map[string]float64{"jitter": cfg.Augment.Jitter, "amplitude": cfg.Augment.Amplitude, "rotate": cfg.Augment.Rotate} {
		if v != 0 {
			s["train."+name] = f(v)
		}
	}
	if cfg.Augment.Reverse {
		s["train.reverse"] = "true"
	}
	if cfg.EMA > 0 {
		s["train.ema"] = f(cfg.EMA)
	}
	if len(cfg.Masks) > 0 {
		s["train.masks"] = maskDigest(cfg.Masks)
	}
	if loss == "distill" && cfg.Teacher != nil {
		s["train.temperature"] = f(cfg.Teacher.Temperature)
		s["train.hard"] = f(cfg.Teacher.Hard)
	}
	return s
}

// checkpoint captures the run after epoch epochs and step steps of the
// next, with sum the next epoch's loss so far.
func (r *runState) checkpoint(g *ir.Graph, epoch, step int, sum float64, test Metrics) (*Checkpoint, error) {
	c := &Checkpoint{Epoch: epoch, Step: step, Test: test, Meta: maps.Clone(r.settings)}
	c.Epochs, _ = strconv.Atoi(r.settings["train.epochs"])
	c.Steps, _ = strconv.Atoi(r.settings["train.steps"])
	c.Meta["train.epoch"] = strconv.Itoa(epoch)
	c.Meta["train.step"] = strconv.Itoa(step)
	if step > 0 {
		c.Meta["train.loss_sum"] = strconv.FormatFloat(sum, 'g', -1, 64)
	}
	for name, src := range map[string]*rand.PCG{"train.rng.shuffle": r.shuffle, "train.rng.dropout": r.dropout} {
		b, err := src.MarshalBinary()
		if err != nil {
			return nil, err
		}
		c.Meta[name] = hex.EncodeToString(b)
	}
	for _, p := range g.Params() {
		c.weights = append(c.weights, data.Named{Name: p.Name, T: p.Data})
	}
	order := tensor.New(tensor.I32, len(r.perm))
	for i, k := range r.perm {
		order.I32[i] = int32(k)
	}
	c.state = append(c.state, data.Named{Name: StatePrefix + "order", T: order})
	add := func(kind string, bufs [][]float32) {
		for i, p := range r.params {
			t := tensor.New(tensor.F32, p.Type.Dims...)
			if bufs != nil {
				copy(t.F32, bufs[i])
			}
			c.state = append(c.state, data.Named{Name: StatePrefix + kind + "/" + p.Name, T: t})
		}
	}
	if b := r.best; b != nil {
		c.Meta["train.best_epoch"] = strconv.Itoa(b.epoch)
		if b.epoch > 0 {
			c.Meta["train.best_score"] = strconv.FormatFloat(b.score, 'g', -1, 64)
			for i, p := range g.Params() {
				c.state = append(c.state, data.Named{Name: StatePrefix + "best/" + p.Name, T: b.weights[i]})
			}
		}
	}
	if r.ema != nil {
		add("ema", r.ema.avg)
	}
	switch o := r.opt.(type) {
	case *SGD:
		add("sgd.velocity", o.vel)
	case *Adam:
		add("adam.m", o.m)
		add("adam.v", o.v)
		c.Meta["train.adam.t"] = strconv.Itoa(o.t)
	default:
		return nil, fmt.Errorf("cannot checkpoint optimizer %T", r.opt)
	}
	return c, nil
}

// fits checks that the checkpoint was saved by a run with these settings,
// listing every one that differs, and that its position is inside the run.
func (r *runState) fits(c *Checkpoint) error {
	var problems []string
	keys := slices.Sorted(maps.Keys(r.settings))
	for _, k := range slices.Sorted(maps.Keys(c.Meta)) {
		if _, ok := r.settings[k]; !ok && isSetting(k) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if was, now := c.Meta[k], r.settings[k]; was != now {
			problems = append(problems, fmt.Sprintf("%s: the checkpoint's run has %s, this one %s", strings.TrimPrefix(k, "train."), orNone(was), orNone(now)))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the checkpoint does not fit the settings of this run (give the settings of the run that wrote it):\n%s", strings.Join(problems, "\n"))
	}
	steps, _ := strconv.Atoi(r.settings["train.steps"])
	if c.Epoch > c.Epochs || c.Step >= steps || (c.Epoch == c.Epochs && c.Step > 0) {
		return fmt.Errorf("checkpoint position epoch %d, step %d is outside a run of %d epochs of %d steps", c.Epoch, c.Step, c.Epochs, steps)
	}
	return nil
}

// restore sets the run to the checkpoint's state (all but the weights,
// which Train binds first) and returns where it stands: epochs done, steps
// done of the next epoch and that epoch's loss so far. Every mismatch with
// the model's parameters is an error, all of them listed.
func (r *runState) restore(g *ir.Graph, c *Checkpoint) (epoch, step int, sum float64, err error) {
	var problems []string
	want := map[string]bool{StatePrefix + "order": true}
	get := func(name string, dt tensor.DType, dims []int) *tensor.Tensor {
		want[name] = true
		t := c.tensor(name)
		switch {
		case t == nil:
			problems = append(problems, fmt.Sprintf("missing %s", name))
		case t.DType != dt || !tensor.ShapeEqual(t.Shape, dims):
			problems = append(problems, fmt.Sprintf("%s is %v, want %s%s", name, t, dt, tensor.FormatShape(dims)))
		case t.Check() != nil:
			problems = append(problems, fmt.Sprintf("%s: %v", name, t.Check()))
		default:
			return t
		}
		return nil
	}
	bufs := func(kind string) [][]float32 {
		b := make([][]float32, len(r.params))
		for i, p := range r.params {
			if t := get(StatePrefix+kind+"/"+p.Name, tensor.F32, p.Type.Dims); t != nil {
				b[i] = slices.Clone(t.F32)
			}
		}
		return b
	}
	if r.ema != nil {
		for i, b := range bufs("ema") {
			if b != nil {
				r.ema.avg[i] = b
			}
		}
	}
	switch o := r.opt.(type) {
	case *SGD:
		o.vel = bufs("sgd.velocity")
	case *Adam:
		o.m, o.v = bufs("adam.m"), bufs("adam.v")
		if o.t, err = c.int("train.adam.t"); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if order := get(StatePrefix+"order", tensor.I32, []int{len(r.perm)}); order != nil {
		seen := make([]bool, len(r.perm))
		for i, k := range order.I32 {
			if k < 0 || int(k) >= len(seen) || seen[k] {
				problems = append(problems, fmt.Sprintf("%sorder is not an order of %d examples", StatePrefix, len(seen)))
				break
			}
			seen[k] = true
			r.perm[i] = int(k)
		}
	}
	if b := r.best; b != nil {
		be, err := c.int("train.best_epoch")
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case be > c.Epoch:
			problems = append(problems, fmt.Sprintf("train.best_epoch %d is after the checkpoint's epoch %d", be, c.Epoch))
		case be > 0:
			s, err := strconv.ParseFloat(c.Meta["train.best_score"], 64)
			if err != nil {
				problems = append(problems, fmt.Sprintf("train.best_score: %q is not a number", c.Meta["train.best_score"]))
			}
			var ws []*tensor.Tensor
			for _, p := range g.Params() {
				if t := get(StatePrefix+"best/"+p.Name, p.Data.DType, p.Data.Shape); t != nil {
					ws = append(ws, t.Clone())
				}
			}
			b.epoch, b.score, b.weights = be, s, ws
		}
	}
	for _, n := range c.state {
		if !want[n.Name] {
			problems = append(problems, fmt.Sprintf("%s is not state of this run (a %s checkpoint?)", n.Name, r.settings["train.optimizer"]))
		}
	}
	for name, src := range map[string]*rand.PCG{"train.rng.shuffle": r.shuffle, "train.rng.dropout": r.dropout} {
		b, err := hex.DecodeString(c.Meta[name])
		if err == nil {
			err = src.UnmarshalBinary(b)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %q is not a random source's state", name, c.Meta[name]))
		}
	}
	if c.Step > 0 {
		if sum, err = strconv.ParseFloat(c.Meta["train.loss_sum"], 64); err != nil {
			problems = append(problems, fmt.Sprintf("train.loss_sum: %q is not a number", c.Meta["train.loss_sum"]))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return 0, 0, 0, fmt.Errorf("the checkpoint's training state does not fit this run:\n%s", strings.Join(problems, "\n"))
	}
	return c.Epoch, c.Step, sum, nil
}

// isSetting reports whether a metadata key is one of the settings (as
// opposed to the position and state entries).
func isSetting(k string) bool {
	switch k {
	case "train.epoch", "train.step", "train.loss_sum", "train.adam.t", "train.rng.shuffle", "train.rng.dropout", "train.best_epoch", "train.best_score":
		return false
	}
	return strings.HasPrefix(k, "train.")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
