package train

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Config is how to train: the train block of a .kiln file, with flags
// overriding it.
type Config struct {
	Epochs    int
	Batch     int
	LR        float64
	Optimizer string // "sgd" or "adam"
	Momentum  float64
	Reg       Regularization
	Schedule  Schedule
	Loss      string // "cross_entropy", "bce", "mse", "distill" or "sampled_softmax"; "" chooses by task
	// Negatives is the number of classes the sampled softmax loss draws a
	// step (the batch shares them); 0 means 500.
	Negatives int
	Seed      uint64
	Workers   int // goroutines a kernel may use; 0 means all cores

	// Shift, if positive, translates each training image by up to this
	// many pixels in each direction at random (shiftBatch); evaluation
	// sees the images as they are.
	Shift int

	// Validation, if its Fraction is set, carves a validation part from
	// the training part, scores it after every epoch, keeps the weights of
	// the best epoch and may stop early (see Validation).
	Validation Validation

	// EMA, if positive, is the decay d of an exponential moving average
	// of the trained weights (Polyak averaging, in (0, 1)): after every
	// step each weight's average becomes d·average + (1-d)·weight,
	// starting from the initial weights. Training steps the raw weights;
	// the epochs' scores, the best epoch's copy and the weights the run
	// ends with are the average's (batch norm's running statistics are
	// the last step's). It smooths over roughly the last 1/(1-d) steps.
	EMA float64

	// Augment, if on, rotates, scales and adds noise to each training
	// example at random (augmentBatch); evaluation sees the examples as
	// they are.
	Augment Augment

	// Teacher, for the distillation loss: a trained model of the same
	// inputs whose logits are the soft targets (taken, like the student's,
	// before a softmax output).
	Teacher *Teacher

	Log      io.Writer // progress and one line per epoch; nil for none
	Terminal bool      // Log is a terminal: draw a progress bar

	// Checkpoint, if set, is called with the run's state at the end of
	// every epoch, and where Stop stops the run in the middle of one (the
	// graph's parameters hold the weights trained so far).
	Checkpoint func(*Checkpoint) error

	// Stop, if set, is asked after every step whether to stop there. In
	// the middle of an epoch, Train then passes the run's state to
	// Checkpoint; at an epoch's end, the checkpoint of that epoch holds it.
	// Train returns an error that wraps ErrStopped and says where. After
	// the last step of the run there is nothing left to stop: it finishes.
	Stop func() bool

	// Masks, if set, prunes parameters: for each one named, keep[i] false
	// holds its weight i at exactly 0 through training (its gradient and
	// its optimizer state there are cleared before every step, the weight
	// set to 0 after it, so weight decay and L1 cannot move it either).
	Masks map[string][]bool

	// Shared, if set, trains the named parameters as shared weights (see
	// Sharing): the optimizer updates the centroids, which Train changes
	// in place. A run with sharing takes no checkpoints and resumes none
	// (the optimizer's state is per centroid, not per weight).
	Shared map[string]*Sharing

	// AfterStep, if set, is called after every step with the steps done
	// in the run so far (from 1). It may prune more weights, by setting
	// entries of Masks' slices to false: Train zeroes them at once, and a
	// weight once pruned stays so.
	AfterStep func(step int)

	// Resume, if set, continues the run that saved this checkpoint: its
	// weights, optimizer state, position, learning rate and random
	// sources, so that the weights come out as those of the run had it not
	// stopped, bit for bit. The settings must be that run's; Train returns
	// an error listing every one that differs.
	Resume *Checkpoint
}

// Teacher is a trained model for distillation.
type Teacher struct {
	Graph       *ir.Graph
	Temperature float64 // T, softening both distributions
	Hard        float64 // the hard-label loss's weight; the soft term gets 1 - Hard
}

// Result is what training achieved.
type Result struct {
	Epochs  []Epoch
	Test    Metrics // on the held-out part after the last epoch (zero if none, or with validation)
	Elapsed time.Duration

	// With validation: the epoch whose weights the graph holds (from 1),
	// its validation scores, the metric that chose it, and whether the
	// run stopped early (out of patience).
	Best       int
	Validation Metrics
	Metric     string
	Early      bool

	// With Validation.Refit: the second run's epochs, on the whole
	// training part; the graph holds its weights.
	Refit []Epoch
}

// Epoch is one epoch's record.
type Epoch struct {
	Loss       float64 // mean training loss
	Test       Metrics
	Validation Metrics // with validation
	Best       bool    // with validation: the best epoch so far
	Elapsed    time.Duration
}

// task is how a model's output meets a data set's targets.
type task struct {
	kind      data.Task
	out       *ir.Value // the output scored
	lossAt    *ir.Value // the value the loss is computed on (logits)
	loss      string
	classes   int
	probOut   bool // a binary output is a probability (a sigmoid)
	inputIdx  []int
	targetDim []int
}

// bind checks a data set against a model and decides the loss.
func bind(g *ir.Graph, set *data.Dataset, loss string) (*task, error) {
	if err := set.Check(); err != nil {
		return nil, err
	}
	tk := &task{kind: set.Task, classes: set.Classes, out: g.Outputs[0]}
	var err error
	if tk.inputIdx, err = bindInputs(g, set); err != nil {
		return nil, err
	}
	if err := checkIDs(g, set, tk.inputIdx); err != nil {
		return nil, err
	}
	out := tk.out.Type
	switch set.Task {
	case data.Classification:
		if out.Rank() != 1 || out.Dims[0] != set.Classes {
			return nil, fmt.Errorf("%s has %d classes, but output %s of model %s is %v (want f32[N,%d] logits)", set.Name, set.Classes, tk.out.Name, g.Name, out, set.Classes)
		}
		if loss == "" {
			loss = "cross_entropy"
		}
		tk.lossAt = tk.out
		if tk.out.Op == ir.OpSoftmax {
			tk.lossAt = tk.out.Args[0] // cross-entropy from the logits, stably
		}
	case data.Binary:
		if out.Elems() != 1 {
			return nil, fmt.Errorf("%s holds binary targets, but output %s of model %s is %v (want one value per example)", set.Name, tk.out.Name, g.Name, out)
		}
		if loss == "" {
			loss = "bce"
		}
		tk.lossAt = tk.out
		switch {
		case tk.out.Op == ir.OpSigmoid:
			tk.lossAt, tk.probOut = tk.out.Args[0], true
		case tk.out.Op == ir.OpDequantize && tk.out.Args[0].Op == ir.OpQLogistic:
			tk.probOut = true // a quantized model's probabilities
		}
	case data.Regression:
		tk.targetDim = set.Target.Shape[1:]
		if out.Elems() != tensor.NumElems(tk.targetDim) {
			return nil, fmt.Errorf("%s holds targets %v per example, but output %s of model %s is %v", set.Name, ir.Unbatched(set.Target.DType, tk.targetDim...), tk.out.Name, g.Name, out)
		}
		if loss == "" {
			loss = "mse"
		}
		tk.lossAt = tk.out
	}
	want := map[string]data.Task{"cross_entropy": data.Classification, "distill": data.Classification, "sampled_softmax": data.Classification, "bce": data.Binary, "mse": data.Regression}
	if t, ok := want[loss]; !ok || t != set.Task {
		return nil, fmt.Errorf("loss %s does not fit %s's targets (%s)", loss, set.Name, taskName(set.Task))
	}
	tk.loss = loss
	return tk, nil
}

// bindInputs matches a data set's inputs to a model's (by name, or the
// only one to the only one) and checks their types; it returns, for each
// model input, the index of its data. A set may hold inputs that the
// model does not take (the MovieLens genres and year beside the ids):
// they are left out.
func bindInputs(g *ir.Graph, set *data.Dataset) ([]int, error) {
	inputs := g.Inputs()
	if len(set.Inputs) < len(inputs) {
		return nil, fmt.Errorf("%s holds %d %s, model %s takes %d", set.Name, len(set.Inputs), plural(len(set.Inputs), "input"), g.Name, len(inputs))
	}
	var idx []int
	for _, in := range inputs {
		k := -1
		for j, d := range set.Inputs {
			if d.Name == in.Name || (len(inputs) == 1 && d.Name == "") {
				k = j
			}
		}
		if k < 0 {
			return nil, fmt.Errorf("%s has no data for input %s (it holds %s)", set.Name, in.Name, namesOf(set.Inputs))
		}
		t := set.Inputs[k].T
		if t.DType != in.Type.DType || !tensor.ShapeEqual(t.Shape[1:], in.Type.Dims) {
			return nil, fmt.Errorf("%s: input %s is %v, model %s wants %v", set.Name, in.Name, t, g.Name, in.Type)
		}
		idx = append(idx, k)
	}
	return idx, nil
}

// checkIDs makes sure the ids fed straight into an embedding (or an
// embedding bag, whose pad id may lie outside) fit its table, so that a
// data set built for a larger vocabulary fails up front.
func checkIDs(g *ir.Graph, set *data.Dataset, inputIdx []int) error {
	for i, in := range g.Inputs() {
		ids := set.Inputs[inputIdx[i]].T
		if ids.DType != tensor.I32 {
			continue
		}
		for _, v := range g.Values {
			if (v.Op != ir.OpEmbedding && v.Op != ir.OpEmbeddingBag) || v.Args[0] != in {
				continue
			}
			vocab := v.Args[1].Type.Dims[0]
			pad, bag := int32(v.Attrs.Int("pad")), v.Op == ir.OpEmbeddingBag
			for j, id := range ids.I32 {
				if (!bag || id != pad) && (id < 0 || int(id) >= vocab) {
					return fmt.Errorf("%s: input %s holds id %d (example %d), outside embedding %s's vocabulary [0, %d)", set.Name, in.Name, id, j/max(1, in.Type.Elems()), v.Name, vocab)
				}
			}
		}
	}
	return nil
}

func taskName(t data.Task) string {
	switch t {
	case data.Classification:
		return "class labels"
	case data.Binary:
		return "binary targets"
	case data.Regression:
		return "real-valued targets"
	}
	return "unknown targets"
}

func namesOf(ns []data.Named) string {
	var s []string
	for _, n := range ns {
		if n.Name == "" {
			s = append(s, "one unnamed input")
		} else {
			s = append(s, n.Name)
		}
	}
	return strings.Join(s, ", ")
}

func plural(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// batcher fills reusable batch tensors from a data set.
type batcher struct {
	set    *data.Dataset
	inputs map[int][]*tensor.Tensor // by batch size
	target map[int]*tensor.Tensor
}

func newBatcher(set *data.Dataset) *batcher {
	return &batcher{set: set, inputs: map[int][]*tensor.Tensor{}, target: map[int]*tensor.Tensor{}}
}

// batch returns the inputs (in the data set's order) and targets of the
// examples idx; inputs orders them for a model.
func (b *batcher) batch(idx []int) ([]*tensor.Tensor, *tensor.Tensor) {
	n := len(idx)
	in, ok := b.inputs[n]
	if !ok {
		in = make([]*tensor.Tensor, len(b.set.Inputs))
		for i, d := range b.set.Inputs {
			in[i] = tensor.New(d.T.DType, append([]int{n}, d.T.Shape[1:]...)...)
		}
		b.inputs[n] = in
		if b.set.Target != nil {
			b.target[n] = tensor.New(b.set.Target.DType, append([]int{n}, b.set.Target.Shape[1:]...)...)
		}
	}
	t := b.target[n]
	b.set.Batch(idx, in, t)
	return in, t
}

// inputs orders a batch's inputs (in the data set's order) as the graph
// takes them, by the input indices bindInputs returned.
func inputs(batch []*tensor.Tensor, inputIdx []int) []*tensor.Tensor {
	ordered := make([]*tensor.Tensor, len(inputIdx))
	for i, k := range inputIdx {
		ordered[i] = batch[k]
	}
	return ordered
}

// Train trains g's parameters on split.Train, evaluating on split.Test
// after every epoch. Parameters without data are initialised first, as
// PyTorch would (Init); parameters with data are trained from there.
func Train(g *ir.Graph, split *data.Split, cfg Config) (*Result, error) {
	if cfg.Validation.Refit {
		return trainRefit(g, split, cfg)
	}
	return trainRun(g, split, cfg, false)
}

// trainRun is one training run (Train without Refit); refitting says it
// is the second run of a Validation.Refit run.
func trainRun(g *ir.Graph, split *data.Split, cfg Config, refitting bool) (*Result, error) {
	if cfg.Epochs < 1 || cfg.Batch < 1 || !(cfg.LR > 0) {
		return nil, fmt.Errorf("epochs, batch and lr must be positive (got %d, %d, %g)", cfg.Epochs, cfg.Batch, cfg.LR)
	}
	tk, err := bind(g, split.Train, cfg.Loss)
	if err != nil {
		return nil, err
	}
	set, test := split.Train, split.Test
	var val *data.Dataset
	var metric string
	if cfg.Validation.Fraction != 0 {
		if metric, err = cfg.Validation.check(set.Task); err != nil {
			return nil, err
		}
		if metric == "recall" && set.Rank == 0 {
			return nil, fmt.Errorf("metric recall needs a set scored as a ranking, and %s is not", set.Name)
		}
		if len(cfg.Shared) > 0 || cfg.Masks != nil || cfg.AfterStep != nil {
			return nil, errors.New("training that prunes or shares weights keeps no best epoch (an earlier epoch's weights would not hold the final masks or centroids): train it without validation")
		}
		if set, val, err = Carve(set, cfg.Validation, cfg.Seed); err != nil {
			return nil, err
		}
		if metric == "auc" {
			if err := bothClasses(val); err != nil {
				return nil, err
			}
		}
		test = nil // the test part stays unseen: kiln eval scores it once
	}
	if test != nil {
		if _, err := bind(g, test, tk.loss); err != nil {
			return nil, err
		}
	}
	// The teacher's logits are found as the student's are: its task says
	// where (before a softmax output) and in what order it takes the
	// inputs.
	var teacher *exec.Runner
	var ttk *task
	if tk.loss == "distill" {
		if cfg.Teacher == nil {
			return nil, errors.New("the distill loss needs a teacher model")
		}
		if ttk, err = bind(cfg.Teacher.Graph, split.Train, "cross_entropy"); err != nil {
			return nil, fmt.Errorf("teacher: %w", err)
		}
		if teacher, err = exec.NewRunner(cfg.Teacher.Graph, exec.NewCtx(false, cfg.Seed)); err != nil {
			return nil, fmt.Errorf("teacher: %w", err)
		}
	}
	if !(cfg.EMA >= 0 && cfg.EMA < 1) {
		return nil, fmt.Errorf("ema must be at least 0 and below 1, got %g", cfg.EMA)
	}
	if cfg.EMA > 0 && (len(cfg.Shared) > 0 || cfg.Masks != nil || cfg.AfterStep != nil) {
		return nil, errors.New("training that prunes or shares weights keeps no average of them (the average would not hold the masks or centroids): train it without ema")
	}
	n := set.Len()
	steps := (n + cfg.Batch - 1) / cfg.Batch
	total := steps * cfg.Epochs
	rs := &runState{
		perm:     make([]int, n),
		shuffle:  rand.NewPCG(cfg.Seed, 0x73687566),
		dropout:  exec.DropoutSource(cfg.Seed),
		settings: settings(cfg, tk.loss, n, steps),
	}
	if val != nil {
		rs.best = &best{}
		rs.settings["train.validation"] = strconv.FormatFloat(cfg.Validation.Fraction, 'g', -1, 64)
		rs.settings["train.validation_by"] = "random"
		if cfg.Validation.ByTime {
			rs.settings["train.validation_by"] = "time"
		}
		rs.settings["train.patience"] = strconv.Itoa(cfg.Validation.Patience)
		rs.settings["train.metric"] = metric
		if cfg.Validation.Refit {
			rs.settings["train.refit"] = refitChoosing
		}
	}
	if refitting {
		rs.settings["train.refit"] = refitWhole
	}
	for i := range rs.perm {
		rs.perm[i] = i
	}
	if cfg.Resume != nil {
		// Bind the checkpoint's weights before Init, which then has
		// nothing to do; the rest of the state is checked and restored
		// once the optimizer exists.
		if err := rs.fits(cfg.Resume); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrResume, err)
		}
		if err := g.Bind(cfg.Resume.Weights()); err != nil {
			return nil, fmt.Errorf("%w: the checkpoint does not fit model %s:\n%w", ErrResume, g.Name, err)
		}
	}
	Init(g, cfg.Seed)
	ctx := exec.NewCtx(true, cfg.Seed)
	ctx.Rand = rand.New(rs.dropout) // the same stream, through a source the checkpoints save
	if cfg.Workers > 0 {
		ctx.Workers = cfg.Workers
	}
	if teacher != nil {
		teacher.Ctx.Workers = ctx.Workers
	}
	net, err := NewNet(g, ctx, nil)
	if err != nil {
		return nil, err
	}
	var opt Optimizer
	switch cfg.Optimizer {
	case "sgd":
		opt = &SGD{Momentum: cfg.Momentum, Reg: cfg.Reg}
	case "adam", "":
		opt = NewAdam(cfg.Reg)
	default:
		return nil, fmt.Errorf("unknown optimizer %q (want sgd or adam)", cfg.Optimizer)
	}
	params := make([]*tensor.Tensor, len(net.Trainable))
	for i, p := range net.Trainable {
		params[i] = p.Data
	}
	rs.opt, rs.params = opt, net.Trainable
	cons, err := newConstraints(cfg, net.Trainable)
	if err != nil {
		return nil, err
	}
	if len(cons.shared) > 0 && (cfg.Resume != nil || cfg.Checkpoint != nil) {
		return nil, errors.New("training with shared weights takes no checkpoints and resumes none")
	}
	optParams, optGrads := cons.optimized(params, net.Grads)
	if cfg.EMA > 0 {
		if rs.ema, err = newAverage(cfg.EMA, params); err != nil {
			return nil, err
		}
	}
	firstEpoch, firstStep, firstSum := 0, 0, 0.0
	if cfg.Resume != nil {
		if firstEpoch, firstStep, firstSum, err = rs.restore(g, cfg.Resume); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrResume, err)
		}
	}
	cons.apply(params) // the weights start where the constraints hold them
	checkpoint := func(epoch, step int, sum float64, ep Epoch) error {
		if cfg.Checkpoint == nil {
			return nil
		}
		c, err := rs.checkpoint(g, epoch, step, sum, ep.Test)
		if err != nil {
			return err
		}
		c.Validation = ep.Validation
		return cfg.Checkpoint(c)
	}
	var weights []*tensor.Tensor // every parameter, for the best epoch's copy
	for _, p := range g.Params() {
		weights = append(weights, p.Data)
	}
	// outOfPatience: the run has gone Patience epochs without a better
	// validation score (after a resumed epoch's end too).
	outOfPatience := func(epoch int) bool {
		return rs.best != nil && cfg.Validation.Patience > 0 && rs.best.epoch > 0 && epoch-rs.best.epoch >= cfg.Validation.Patience
	}

	rng := rand.New(rs.shuffle)
	perm := rs.perm
	var sampler *classSampler // the sampled softmax's negatives
	var sampled []int32
	var sparse *sampledDense // the sampled softmax on a dense layer's rows
	if tk.loss == "sampled_softmax" {
		count := make([]float64, tk.classes)
		for _, l := range set.Target.I32 {
			count[l]++
		}
		sampler = newClassSampler(count)
		negatives := cfg.Negatives
		if negatives <= 0 {
			negatives = 500
		}
		sampled = make([]int32, negatives)
		sparse = newSampledDense(net, tk.lossAt)
	}
	bt := newBatcher(set)
	grad := map[int]*tensor.Tensor{}
	res := &Result{}
	start := time.Now()
	for epoch := firstEpoch; epoch < cfg.Epochs; epoch++ {
		if outOfPatience(epoch) {
			res.Early = true
			break
		}
		s0, sum := 0, 0.0
		if epoch == firstEpoch && firstStep > 0 {
			s0, sum = firstStep, firstSum // resumed inside the epoch: its order is drawn already
		} else {
			rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		}
		ctx.Training = true
		epochStart := time.Now()
		bar := newProgress(cfg, epoch, n)
		for s := s0; s < steps; s++ {
			idx := perm[s*cfg.Batch : min((s+1)*cfg.Batch, n)]
			raw, target := bt.batch(idx)
			if epoch == firstEpoch && s == s0 {
				if err := checkShift(cfg.Shift, raw); err != nil {
					return nil, err
				}
				if err := checkAugment(cfg.Augment, raw); err != nil {
					return nil, err
				}
			}
			shiftBatch(raw, cfg.Shift, cfg.Seed, epoch*steps+s)
			augmentBatch(raw, cfg.Augment, cfg.Seed, epoch*steps+s)
			if _, err := net.Forward(inputs(raw, tk.inputIdx)); err != nil {
				return nil, err
			}
			lossAct := net.Act(tk.lossAt)
			g, ok := grad[len(idx)]
			if sparse != nil {
				g, ok = nil, true // the logits are not computed
			}
			if !ok {
				g = tensor.New(tensor.F32, lossAct.Shape...)
				grad[len(idx)] = g
			}
			var l float64
			switch tk.loss {
			case "cross_entropy":
				l = SoftmaxCrossEntropy(lossAct, target.I32, g)
			case "sampled_softmax":
				// Drawn from the seed and the step, so a resumed run draws the same.
				sampler.draw(rand.New(rand.NewPCG(cfg.Seed, uint64(epoch*steps+s))), sampled)
				if sparse != nil {
					l = sparse.loss(net, target.I32, sampled, sampler.q)
				} else {
					l = SampledSoftmax(lossAct, target.I32, sampled, sampler.q, g)
				}
			case "bce":
				l = BCEWithLogits(lossAct, target, g)
			case "mse":
				l = MSE(lossAct, target, g)
			case "distill":
				if _, err := teacher.Forward(inputs(raw, ttk.inputIdx)); err != nil {
					return nil, fmt.Errorf("teacher: %w", err)
				}
				l = Distillation(lossAct, teacher.Act(ttk.lossAt), target.I32, cfg.Teacher.Temperature, cfg.Teacher.Hard, g)
			}
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return nil, fmt.Errorf("training diverged in epoch %d, step %d: the loss is %v (try a smaller learning rate)", epoch+1, s+1, l)
			}
			sum += l * float64(len(idx))
			net.ZeroGrads()
			if sparse != nil {
				sparse.backward(net, target.I32, sampled)
			} else {
				net.Backward(tk.lossAt, g)
			}
			if cons.empty() {
				opt.Step(params, net.Grads, cfg.Schedule.LR(cfg.LR, epoch*steps+s, total, epoch))
			} else {
				cons.beforeStep(opt, net.Grads)
				opt.Step(optParams, optGrads, cfg.Schedule.LR(cfg.LR, epoch*steps+s, total, epoch))
			}
			if cfg.AfterStep != nil {
				cfg.AfterStep(epoch*steps + s + 1)
			}
			if !cons.empty() {
				cons.apply(params)
			}
			if rs.ema != nil {
				rs.ema.update(params)
			}
			bar.update(s*cfg.Batch+len(idx), sum/float64(s*cfg.Batch+len(idx)))
			if s+1 < steps && cfg.Stop != nil && cfg.Stop() {
				bar.clear()
				if err := checkpoint(epoch, s+1, sum, Epoch{}); err != nil {
					return nil, err
				}
				return nil, fmt.Errorf("%w in epoch %d of %d, after step %d of %d", ErrStopped, epoch+1, cfg.Epochs, s+1, steps)
			}
		}
		ep := Epoch{Loss: sum / float64(n)}
		if rs.ema != nil {
			rs.ema.swapIn(params) // scored, and kept as the best, is the average
		}
		if test != nil {
			m, err := Evaluate(g, test, cfg.Batch, ctx.Workers)
			if err != nil {
				return nil, err
			}
			ep.Test = m
			res.Test = m
		}
		if val != nil {
			m, err := Evaluate(g, val, cfg.Batch, ctx.Workers)
			if err != nil {
				return nil, err
			}
			ep.Validation = m
			if s := score(m, metric); rs.best.improves(s) {
				rs.best.keep(epoch+1, s, weights)
				ep.Best = true
			}
		}
		if rs.ema != nil {
			rs.ema.swapOut(params) // training and its checkpoint go on from the raw weights
		}
		ep.Elapsed = time.Since(epochStart)
		res.Epochs = append(res.Epochs, ep)
		bar.done(ep, cfg.Schedule.LR(cfg.LR, (epoch+1)*steps-1, total, epoch))
		if err := checkpoint(epoch+1, 0, 0, ep); err != nil {
			return nil, err
		}
		if epoch+1 < cfg.Epochs && !outOfPatience(epoch+1) && cfg.Stop != nil && cfg.Stop() {
			return nil, fmt.Errorf("%w after epoch %d of %d", ErrStopped, epoch+1, cfg.Epochs)
		}
	}
	if b := rs.best; b != nil && b.epoch > 0 {
		// The graph takes the best epoch's weights back: they are the run's.
		for i, w := range weights {
			copyData(w, b.weights[i])
		}
		res.Best, res.Metric = b.epoch, metric
		m, err := Evaluate(g, val, cfg.Batch, ctx.Workers)
		if err != nil {
			return nil, err
		}
		res.Validation = m
	} else if rs.ema != nil {
		rs.ema.swapIn(params)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// Evaluate scores a model on a data set in inference mode.
func Evaluate(g *ir.Graph, set *data.Dataset, batch, workers int) (Metrics, error) {
	ctx := exec.NewCtx(false, 0)
	if workers > 0 {
		ctx.Workers = workers
	}
	r, err := exec.NewRunner(g, ctx)
	if err != nil {
		return Metrics{}, err
	}
	return EvaluateWith(g, set, batch, r.Forward)
}

// EvaluateWith scores a model on a data set, running it with forward
// (which returns the model's outputs for a batch of inputs): so the same
// scoring serves the float kernels, the integer reference executor and
// the VM.
func EvaluateWith(g *ir.Graph, set *data.Dataset, batch int, forward func(inputs []*tensor.Tensor) ([]*tensor.Tensor, error)) (Metrics, error) {
	tk, err := bind(g, set, "")
	if err != nil {
		return Metrics{}, err
	}
	batch = max(batch, 256) // inference batches can be large
	sc := &scorer{task: tk.kind, probability: tk.probOut}
	if set.Rank > 0 {
		sc.set = set
	}
	bt := newBatcher(set)
	n := set.Len()
	idx := make([]int, 0, batch)
	for lo := 0; lo < n; lo += batch {
		idx = idx[:0]
		for i := lo; i < min(lo+batch, n); i++ {
			idx = append(idx, i)
		}
		raw, target := bt.batch(idx)
		outs, err := forward(inputs(raw, tk.inputIdx))
		if err != nil {
			return Metrics{}, err
		}
		sc.add(outs[0].F32, target.F32, target.I32, tk.classes)
		if sc.set != nil && tk.kind == data.Classification {
			sc.addRanked(outs[0].F32, target.I32, idx, tk.classes)
		}
	}
	return sc.metrics(), nil
}

// progress reports training as it goes: a redrawn bar on a terminal, one
// line per epoch otherwise.
type progress struct {
	cfg   Config
	epoch int
	n     int
	start time.Time
	last  time.Time
}

func newProgress(cfg Config, epoch, n int) *progress {
	return &progress{cfg: cfg, epoch: epoch, n: n, start: time.Now()}
}

func (p *progress) update(done int, loss float64) {
	if p.cfg.Log == nil || !p.cfg.Terminal || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := done * width / p.n
	rate := float64(done) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.cfg.Log, "\repoch %d/%d [%s%s] %3d%%  loss %.4f  %s samples/s ", p.epoch+1, p.cfg.Epochs,
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done*100/p.n, loss, ir.Thousands(int64(rate)))
}

// clear erases the bar, for a run that stops in the middle of an epoch.
func (p *progress) clear() {
	if p.cfg.Log != nil && p.cfg.Terminal {
		fmt.Fprint(p.cfg.Log, "\r\033[K")
	}
}

func (p *progress) done(ep Epoch, lr float64) {
	if p.cfg.Log == nil {
		return
	}
	if p.cfg.Terminal {
		fmt.Fprint(p.cfg.Log, "\r\033[K")
	}
	line := fmt.Sprintf("epoch %d/%d  loss %.4f  lr %.3g", p.epoch+1, p.cfg.Epochs, ep.Loss, lr)
	if ep.Test.N > 0 {
		line += "  test " + ep.Test.String()
	}
	if ep.Validation.N > 0 {
		line += "  validation " + ep.Validation.String()
		if ep.Best {
			line += " (best)"
		}
	}
	rate := float64(p.n) / ep.Elapsed.Seconds()
	line += fmt.Sprintf("  %.1f s  %s samples/s", ep.Elapsed.Seconds(), ir.Thousands(int64(rate)))
	fmt.Fprintln(p.cfg.Log, line)
}

// DefaultWorkers is the number of goroutines kernels use by default.
func DefaultWorkers() int { return runtime.GOMAXPROCS(0) }
