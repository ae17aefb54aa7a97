// In-memory data sets for training and evaluation: examples along the first
// dimension of every input tensor and of the target tensor.

package data

import (
	"fmt"
	"math"
	"strings"

	"github.com/kiln-nn/kiln/tensor"
)

// Task is what the targets are.
type Task uint8

// The tasks a data set's targets serve.
const (
	// Classification: Target is i32 [N], class ids in [0, Classes).
	Classification Task = iota + 1
	// Binary: Target is f32 [N] or [N,1], values 0 or 1 (click / no click).
	Binary
	// Regression: Target is f32 [N, ...]. NaN marks "no target" for that
	// element (masked out of the loss), e.g. a rating the user never gave.
	Regression
)

// String names the task.
func (t Task) String() string {
	switch t {
	case Classification:
		return "classification"
	case Binary:
		return "binary"
	case Regression:
		return "regression"
	}
	return fmt.Sprintf("task(%d)", uint8(t))
}

// Dataset is a set of examples held in memory.
type Dataset struct {
	// Name is what messages call the set, e.g. "mnist (train)".
	Name string
	// Inputs holds one tensor per model input, examples along dim 0. Name
	// is the model input's name, or "" when the source does not name it (a
	// set with a single input), which binds to a model's only input.
	Inputs []Named
	// Target holds the targets, examples along dim 0; see Task.
	Target *tensor.Tensor
	Task   Task
	// Classes is the number of classes (Classification only).
	Classes int
	// Labels optionally names the classes: Labels[i] is class i's name.
	Labels []string
	// Vocab is, for a set whose i32 inputs are ids into one embedding
	// table, the size of the id space: every id lies in [0, Vocab). It is 0
	// for sets whose inputs are not ids.
	Vocab int
	// Group and Seq, when set (one entry per example), say how the set is
	// ordered in time: Group[i] is example i's group (a MovieLens user)
	// and Seq[i] its place among its group's examples in time, from 0
	// (examples may share a place: a label seen through several
	// histories, which a validation part keeps together). A
	// validation part can then take each group's latest examples, as a
	// test part split by time was taken (train.Validation's ByTime).
	Group, Seq []int32

	// Rank > 0 scores a set as a ranking too. A Classification set is a
	// retrieval task: each example's label is ranked among the classes by
	// the model's scores, and recall@Rank and NDCG@Rank are reported
	// beside accuracy. A Binary set with groups (Group: a user's examples)
	// ranks each group's examples by score, and HR@Rank (the share of
	// groups with a positive in their top Rank) and NDCG@Rank are
	// reported beside AUC.
	Rank int
	// Exclude optionally lists, per example, classes left out of that
	// example's ranking (a user's movies seen in training), in increasing
	// order. Examples may share a list.
	Exclude [][]int32
	// Prior optionally holds one score per class, a baseline ranking (such
	// as popularity in the training part) scored beside the model's.
	Prior []float32
}

// Split is a data set's training part and its held-out part. Test is nil
// when the source has a single part.
type Split struct {
	Train, Test *Dataset
}

// Len is the number of examples.
func (d *Dataset) Len() int {
	switch {
	case d.Target != nil && len(d.Target.Shape) > 0:
		return d.Target.Shape[0]
	case len(d.Inputs) > 0 && d.Inputs[0].T != nil && len(d.Inputs[0].T.Shape) > 0:
		return d.Inputs[0].T.Shape[0]
	}
	return 0
}

// inputName describes input i for messages: "input image", or "input"
// for the unnamed single input.
func (d *Dataset) inputName(i int) string {
	if d.Inputs[i].Name == "" {
		return "input"
	}
	return "input " + d.Inputs[i].Name
}

// Check validates the set: it has at least one example; every input and
// the target are well-formed tensors with the same number of examples;
// input names are distinct (and "" only for a single input); float inputs
// are finite; ids are inside [0, Vocab) when Vocab is set; classification
// targets are i32 class ids inside [0, Classes); binary targets are 0 or 1;
// regression targets are finite or NaN (masked), and not all NaN.
//
// Errors start with the set's name and say what is wrong and where, e.g.
// "mnist (train): input: NaN at example 17, element 203 ([0,7,7])".
func (d *Dataset) Check() error {
	if d == nil {
		return fmt.Errorf("no data set")
	}
	name := d.Name
	if name == "" {
		name = "data set"
	}
	if len(d.Inputs) == 0 {
		return fmt.Errorf("%s has no inputs", name)
	}
	if d.Target == nil {
		return fmt.Errorf("%s has no targets", name)
	}
	if err := d.Target.Check(); err != nil {
		return fmt.Errorf("%s: targets: %w", name, err)
	}
	if len(d.Target.Shape) == 0 {
		return fmt.Errorf("%s: targets are a scalar %v; examples run along the first dimension", name, d.Target)
	}
	n := d.Target.Shape[0]
	if n == 0 {
		return fmt.Errorf("%s holds no examples", name)
	}
	seen := make(map[string]bool, len(d.Inputs))
	for i, in := range d.Inputs {
		what := d.inputName(i)
		if in.Name == "" && len(d.Inputs) > 1 {
			return fmt.Errorf("%s: input %d of %d has no name; a set with several inputs names each after its model input", name, i+1, len(d.Inputs))
		}
		if seen[in.Name] {
			return fmt.Errorf("%s: %s appears twice", name, what)
		}
		seen[in.Name] = true
		t := in.T
		if t == nil {
			return fmt.Errorf("%s: %s has no data", name, what)
		}
		if err := t.Check(); err != nil {
			return fmt.Errorf("%s: %s: %w", name, what, err)
		}
		if len(t.Shape) == 0 {
			return fmt.Errorf("%s: %s is a scalar %v; examples run along the first dimension", name, what, t)
		}
		if t.Shape[0] != n {
			return fmt.Errorf("%s: %s holds %d examples, the targets %d", name, what, t.Shape[0], n)
		}
		row := tensor.NumElems(t.Shape[1:])
		switch t.DType {
		case tensor.F32:
			if j := firstNonFinite(t.F32); j >= 0 {
				return fmt.Errorf("%s: %s: %s at %s", name, what, nonFinite(t.F32[j]), exampleElem(j, row, t.Shape[1:]))
			}
		case tensor.I32:
			if d.Vocab > 0 {
				for j, v := range t.I32 {
					if v < 0 || int(v) >= d.Vocab {
						return fmt.Errorf("%s: %s: id %d at %s is outside the vocabulary [0, %d)", name, what, v, exampleElem(j, row, t.Shape[1:]), d.Vocab)
					}
				}
			}
		}
	}
	if err := d.checkTargets(name); err != nil {
		return err
	}
	return d.checkRanking(name)
}

// checkRanking checks the retrieval fields: a rank, exclusions and a prior
// only on a classification set, lists in range and increasing, one per
// example, a prior score per class.
func (d *Dataset) checkRanking(name string) error {
	if d.Rank == 0 && d.Exclude == nil && d.Prior == nil {
		return nil
	}
	if d.Rank <= 0 {
		return fmt.Errorf("%s: exclusions or a prior need a rank above 0, got %d", name, d.Rank)
	}
	switch {
	case d.Task == Binary && d.Exclude == nil && d.Prior == nil:
		if len(d.Group) != d.Len() {
			return fmt.Errorf("%s: a binary set ranked by group needs a group per example (%d for %d examples)", name, len(d.Group), d.Len())
		}
		return nil
	case d.Task != Classification:
		return fmt.Errorf("%s: a ranking (rank %d, exclusions, a prior) needs a classification set, or a binary set with groups", name, d.Rank)
	}
	if d.Exclude != nil {
		if len(d.Exclude) != d.Len() {
			return fmt.Errorf("%s: %d exclusion lists for %d examples", name, len(d.Exclude), d.Len())
		}
		for i, l := range d.Exclude {
			for j, c := range l {
				if c < 0 || int(c) >= d.Classes || (j > 0 && c <= l[j-1]) {
					return fmt.Errorf("%s: example %d: excluded class %d is out of [0, %d) or out of order", name, i, c, d.Classes)
				}
			}
		}
	}
	if d.Prior != nil && len(d.Prior) != d.Classes {
		return fmt.Errorf("%s: a prior of %d scores for %d classes", name, len(d.Prior), d.Classes)
	}
	return nil
}

func (d *Dataset) checkTargets(name string) error {
	t := d.Target
	row := tensor.NumElems(t.Shape[1:])
	switch d.Task {
	case Classification:
		if t.DType != tensor.I32 || len(t.Shape) != 1 {
			return fmt.Errorf("%s: classification targets are %v, want class ids, i32[N]", name, t)
		}
		if d.Classes < 1 {
			return fmt.Errorf("%s: classification with %d classes", name, d.Classes)
		}
		if d.Labels != nil && len(d.Labels) != d.Classes {
			return fmt.Errorf("%s: %d class labels for %d classes", name, len(d.Labels), d.Classes)
		}
		for j, c := range t.I32 {
			if c < 0 || int(c) >= d.Classes {
				return fmt.Errorf("%s: the target of example %d is class %d, outside [0, %d)", name, j, c, d.Classes)
			}
		}
	case Binary:
		if t.DType != tensor.F32 || !(len(t.Shape) == 1 || len(t.Shape) == 2 && t.Shape[1] == 1) {
			return fmt.Errorf("%s: binary targets are %v, want f32[N] or f32[N,1]", name, t)
		}
		for j, v := range t.F32 {
			if v != 0 && v != 1 {
				return fmt.Errorf("%s: the target of example %d is %v; binary targets are 0 or 1", name, j, v)
			}
		}
	case Regression:
		if t.DType != tensor.F32 {
			return fmt.Errorf("%s: regression targets are %v, want f32", name, t)
		}
		some := false
		for j, v := range t.F32 {
			if math.IsInf(float64(v), 0) {
				return fmt.Errorf("%s: target %s at %s (NaN marks a missing target; infinities are not allowed)", name, nonFinite(v), exampleElem(j, row, t.Shape[1:]))
			}
			some = some || !math.IsNaN(float64(v))
		}
		if !some {
			return fmt.Errorf("%s holds no targets: every one is NaN (missing)", name)
		}
	default:
		return fmt.Errorf("%s: unknown task %d", name, d.Task)
	}
	return nil
}

// firstNonFinite returns the index of the first NaN or infinity in s, or
// -1. It tests eight elements at a time without branches (the exponent
// bits of a NaN or an infinity are all ones), which keeps a scan of a
// 60,000-image set to a few tens of milliseconds.
func firstNonFinite(s []float32) int {
	const e = 0x7f800000
	i := 0
	for ; i+8 <= len(s); i += 8 {
		c := s[i : i+8 : i+8]
		m := max(math.Float32bits(c[0])&e, math.Float32bits(c[1])&e, math.Float32bits(c[2])&e, math.Float32bits(c[3])&e,
			math.Float32bits(c[4])&e, math.Float32bits(c[5])&e, math.Float32bits(c[6])&e, math.Float32bits(c[7])&e)
		if m == e {
			break
		}
	}
	for ; i < len(s); i++ {
		if math.Float32bits(s[i])&e == e {
			return i
		}
	}
	return -1
}

func nonFinite(v float32) string {
	switch {
	case math.IsNaN(float64(v)):
		return "NaN"
	case v > 0:
		return "+Inf"
	}
	return "-Inf"
}

// exampleElem locates flat element j of a tensor whose examples hold row
// elements of shape dims: "example 17, element 203 ([0,7,7])".
func exampleElem(j, row int, dims []int) string {
	if row <= 0 {
		return fmt.Sprintf("example %d", j)
	}
	ex, el := j/row, j%row
	if len(dims) == 0 {
		return fmt.Sprintf("example %d", ex)
	}
	s := fmt.Sprintf("example %d, element %d", ex, el)
	if len(dims) > 1 {
		idx := make([]string, len(dims))
		for k := len(dims) - 1; k >= 0; k-- {
			idx[k] = fmt.Sprint(el % dims[k])
			el /= dims[k]
		}
		s += " ([" + strings.Join(idx, ",") + "])"
	}
	return s
}

// Batch copies the examples idx[0], idx[1], ... into the tensors inputs (one
// per d.Inputs, in the same order) and target, for mini-batch training. Each
// destination has shape [len(idx), ...] with the source's dtype and
// per-example shape; it is reused across calls, so Batch allocates nothing.
// A nil target is skipped (inputs only, for inference).
//
// Batch panics if a destination does not fit or an index is out of range:
// those are programming errors, not data errors.
func (d *Dataset) Batch(idx []int, inputs []*tensor.Tensor, target *tensor.Tensor) {
	if len(inputs) != len(d.Inputs) {
		panic(fmt.Sprintf("data: Batch of %s: %d input tensors for %d inputs", d.Name, len(inputs), len(d.Inputs)))
	}
	for i, in := range d.Inputs {
		copyBatch(d.Name, in.T, inputs[i], idx)
	}
	if target != nil {
		copyBatch(d.Name, d.Target, target, idx)
	}
}

func copyBatch(name string, src, dst *tensor.Tensor, idx []int) {
	if dst == nil || dst.DType != src.DType || len(dst.Shape) != len(src.Shape) || len(dst.Shape) == 0 ||
		dst.Shape[0] != len(idx) || !tensor.ShapeEqual(dst.Shape[1:], src.Shape[1:]) {
		panic(fmt.Sprintf("data: Batch of %s: destination %v does not fit %d examples of %v", name, dst, len(idx), src))
	}
	row := tensor.NumElems(src.Shape[1:])
	switch src.DType {
	case tensor.F32:
		copyRows(dst.F32, src.F32, idx, row)
	case tensor.I32:
		copyRows(dst.I32, src.I32, idx, row)
	case tensor.I8:
		copyRows(dst.I8, src.I8, idx, row)
	case tensor.U8:
		copyRows(dst.U8, src.U8, idx, row)
	}
}

func copyRows[T any](dst, src []T, idx []int, row int) {
	if row == 1 {
		for k, i := range idx {
			dst[k] = src[i]
		}
		return
	}
	for k, i := range idx {
		copy(dst[k*row:(k+1)*row], src[i*row:(i+1)*row])
	}
}
