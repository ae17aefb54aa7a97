package main

import (
	"fmt"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// evalKBC scores a bytecode model, run by the VM, on the held-out part of
// a data set (kiln eval MODEL.kbc --data SET), with the scoring and output
// of kiln eval on a .kiln model and of kiln build --eval.
//
// A .kbc file does not record the model's task; the data set does, as it
// does for a .kiln model: class ids give accuracy, binary targets AUC and
// logloss, real targets RMSE. What the file cannot say directly is whether
// a binary model's output is a probability or a logit; see kbcInterface.
func evalKBC(e *env, path, spec string, confusion bool) error {
	m, err := runtime.LoadFile(path, nil)
	if err != nil {
		return err
	}
	set, part, err := heldOut(spec)
	if err != nil {
		return err
	}
	metrics, err := train.EvaluateWith(kbcInterface(m), set, 256, vmForward(m))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	printScore(e, m.Name(), spec, part, metrics, set, confusion)
	return nil
}

// printScore writes a model's score on a data set's part, and, if asked
// and the set is classified, the confusion table under it.
func printScore(e *env, model, spec, part string, m train.Metrics, set *data.Dataset, confusion bool) {
	fmt.Fprintf(e.stdout, "%s on %s, %s: %s\n", model, spec, part, m)
	if confusion && m.Confusion != nil {
		fmt.Fprint(e.stdout, m.ConfusionTable(set.Labels))
	}
}

// logisticScale and logisticZero are the int8 grid of TFLite's logistic
// (and softmax) result: [0, 255/256], fixed by the kernel, not calibrated.
const (
	logisticScale = 1.0 / 256
	logisticZero  = -128
)

// kbcInterface describes a bytecode model's inputs and outputs as an IR
// graph, which is what the scorer takes to match a data set to a model and
// check their shapes. The graph computes nothing: an output is a source
// value (the VM computes it), kept out of the graph's values so that it
// does not count as an input.
//
// The scorer reads a binary model's output as a probability when the
// output is a sigmoid, else as a logit. A .kbc output holds probabilities
// when it is dequantized from logistic's fixed grid (scale 1/256, zero
// point -128), which a calibrated logit range never lands on exactly; such
// an output is described as the sigmoid of a source.
func kbcInterface(m *runtime.Model) *ir.Graph {
	g := ir.NewGraph(m.Name())
	typeOf := func(info runtime.TensorInfo) ir.Type {
		dt := tensor.F32
		if info.DType == runtime.I32 {
			dt = tensor.I32
		}
		return ir.Batched(dt, info.Shape...)
	}
	for _, in := range m.Inputs() {
		g.AddInput(in.Name, typeOf(in), source.Pos{})
	}
	for _, o := range m.Outputs() {
		v := &ir.Value{Name: o.Name, Op: ir.OpInput, Type: typeOf(o)}
		if o.Scale == logisticScale && o.ZeroPoint == logisticZero {
			logit := &ir.Value{Name: o.Name + ".logit", Op: ir.OpInput, Type: v.Type}
			v.Op, v.Args = ir.OpSigmoid, []*ir.Value{logit}
		}
		g.Outputs = append(g.Outputs, v)
	}
	return g
}

// heldOut opens a data set for kiln eval on a built model: its held-out
// part, or the whole set when it has none, and how to call it.
func heldOut(spec string) (*data.Dataset, string, error) {
	split, err := data.Open(spec, ".")
	if err != nil {
		return nil, "", err
	}
	set, part := scoredPart(split)
	return set, part, nil
}

// tuningSplit is kiln train's and kiln eval's --tuning F: a split whose
// test part is the fraction F of split's training part, carved as a
// validation part would be (each group's latest F where the set says how
// its examples fall in time, else drawn with seed 1), and whose training
// part is the rest. The real test part is set aside, so settings can be
// chosen, one level down, by the procedure the final model follows.
func tuningSplit(split *data.Split, f float64) (*data.Split, error) {
	if !(f > 0 && f < 1) {
		return nil, usagef("--tuning must be a fraction between 0 and 1, got %g", f)
	}
	set := split.Train
	byTime := len(set.Group) == set.Len() && len(set.Seq) == set.Len()
	rest, part, err := train.Carve(set, train.Validation{Fraction: f, ByTime: byTime}, 1)
	if err != nil {
		return nil, err
	}
	how := fmt.Sprintf("a random %g", f)
	if byTime {
		how = fmt.Sprintf("each group's latest %g", f)
	}
	part.Name = "tuning part: " + how + " of the training part"
	return &data.Split{Train: rest, Test: part}, nil
}

// scoredPart is the part of a data set a model is scored on: its
// held-out part, or the whole set when it has none; and its name.
func scoredPart(split *data.Split) (*data.Dataset, string) {
	if split.Test == nil {
		return split.Train, "whole set (it has no held-out part)"
	}
	return split.Test, "held-out part"
}
