package train

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Quantization-aware training (Jacob et al., 2018): the float graph is
// rewritten so that training sees the int8 build's rounding — every dense
// and convolution weight through fake_quant_weight, every value the int8
// graph quantizes with a range of its own (the float inputs, the results
// of the ops whose int8 result is calibrated) through fake_quant — and
// fine-tuned. The ranges are tracked in training and saved with the
// weights as VALUE.qat_min and VALUE.qat_max; the int8 build of the
// float model then uses them in place of calibration.

// The suffixes of a learned range's tensors in a weights file.
const (
	QATMinSuffix = ".qat_min"
	QATMaxSuffix = ".qat_max"
)

// QATOptions configure the rewrite.
type QATOptions struct {
	// Bits of the weights' grid, 2 to 8 (0: 8).
	Bits int
	// Decay of the ranges' moving average (0: 0.99).
	Decay float64
	// Freeze: training steps after which the ranges stay (0: never).
	Freeze int
	// BNFreeze: training steps after which a batch norm folded into its
	// layer uses its running statistics, as the int8 build does, in
	// place of the batch's, and they stop moving (0: never; then the
	// last steps train with statistics the int8 build does not fold).
	BNFreeze int
	// PerTensorWeights rounds each weight with one scale, for a build
	// with per-tensor weights (passes.Quantization.PerTensorWeights).
	PerTensorWeights bool
	// Ranges start the tracked ranges, by value name (a run that goes on
	// from learned ones); the others start from the first batch.
	Ranges map[string][2]float64
}

// QAT rewrites g, a bound float graph after the fuse-activations pass
// (the graph whose values the int8 build quantizes), for
// quantization-aware training. A fake-quantized value keeps its name (its
// users and the outputs see the rounded value); the value it rounds is
// renamed NAME.float (an input keeps its name; its rounding is NAME.fq).
// A batch norm that the int8 build folds into the dense or convolution
// before it is folded in training too (qat_bnfold.go); any other runs
// frozen, from its running statistics, as the int8 build computes it.
func QAT(g *ir.Graph, opt QATOptions) error {
	if opt.Bits == 0 {
		opt.Bits = 8
	}
	if opt.Decay == 0 {
		opt.Decay = 0.99
	}
	if opt.Bits < 2 || opt.Bits > 8 {
		return fmt.Errorf("quantization-aware training: weight bits must be 2 to 8, got %d", opt.Bits)
	}
	if !(opt.Decay > 0 && opt.Decay < 1) || opt.Freeze < 0 || opt.BNFreeze < 0 {
		return fmt.Errorf("quantization-aware training: decay must be in (0, 1) and freeze and batch-norm freeze not negative, got %g, %d and %d", opt.Decay, opt.Freeze, opt.BNFreeze)
	}
	for _, v := range g.Values {
		switch {
		case v.Op == ir.OpFakeQuant || v.Op == ir.OpFakeQuantWeight || v.Op == ir.OpBNFoldWeight || v.Op == ir.OpBNFoldShift:
			return fmt.Errorf("%s: the graph is already rewritten for quantization-aware training", v.Name)
		case v.Op == ir.OpParam && v.Data == nil:
			return fmt.Errorf("parameter %s has no data: quantization-aware training fine-tunes trained weights", v.Name)
		}
	}
	folds, frozen := findBNFolds(g)
	internal, err := rewriteBNFolds(g, folds, opt.BNFreeze)
	if err != nil {
		return err
	}
	for _, bn := range frozen {
		bn.Attrs["frozen"] = true
		if foldsForward(g, bn) {
			internal[bn] = true
		}
	}
	values := g.Values
	g.Values = nil
	weights := map[*ir.Value]*ir.Value{}
	for _, v := range values {
		g.Append(v)
		if l := v.Op.Lower; l != nil && !v.IsSource() && !internal[v] {
			for i, how := range l.Operands {
				if how != ir.LowerWeight || i >= len(v.Args) {
					continue
				}
				w := v.Args[i]
				fq := weights[w]
				if fq == nil {
					var err error
					fq, err = g.AddOp(w.Name+".fq", ir.OpFakeQuantWeight, []*ir.Value{w}, ir.Attrs{"bits": opt.Bits, "per_tensor": opt.PerTensorWeights}, w.Pos)
					if err != nil {
						return err
					}
					// AddOp appended fq after v: move it before.
					g.Values[len(g.Values)-2], g.Values[len(g.Values)-1] = fq, v
					weights[w] = fq
				}
				v.Args[i] = fq
			}
		}
		if l := v.Op.Lower; l != nil && l.Result == ir.ResultFixed && !v.IsSource() && !internal[v] && ir.NoIntegerForm(v) == "" {
			if err := fakeQuantFixed(g, values, v, l.Fixed); err != nil {
				return err
			}
			continue
		}
		if internal[v] || !(quantizedWithOwnRange(v) || v.Op == ir.OpBNFoldShift) {
			continue // a folded layer's result is fake-quantized after its shift
		}
		name, fqName := v.Name, v.Name
		if v.Op == ir.OpInput {
			fqName = name + ".fq" // an input keeps its name: feeds find it by it
		} else {
			v.Name = name + ".float"
		}
		lo, hi := g.AddParam(name+QATMinSuffix, ir.Unbatched(tensor.F32, 1), v.Pos), g.AddParam(name+QATMaxSuffix, ir.Unbatched(tensor.F32, 1), v.Pos)
		lo.Data, hi.Data = tensor.New(tensor.F32, 1), tensor.New(tensor.F32, 1)
		if r, ok := opt.Ranges[name]; ok {
			lo.Data.F32[0], hi.Data.F32[0] = float32(r[0]), float32(r[1])
		}
		fq, err := g.AddOp(fqName, ir.OpFakeQuant, []*ir.Value{v, lo, hi}, ir.Attrs{"decay": opt.Decay, "freeze": opt.Freeze}, v.Pos)
		if err != nil {
			return err
		}
		redirect(g, values, v, fq)
	}
	return ir.Verify(g)
}

// redirect makes the values of the original graph (values: g.Values is
// being rebuilt, and fq, which reads v, is already in it) and g's outputs
// read to in place of from.
func redirect(g *ir.Graph, values []*ir.Value, from, to *ir.Value) {
	for _, u := range values {
		for j, a := range u.Args {
			if a == from {
				u.Args[j] = to
			}
		}
	}
	for j, o := range g.Outputs {
		if o == from {
			g.Outputs[j] = to
		}
	}
}

// quantizedWithOwnRange says whether the int8 build quantizes v with
// parameters from a range of its own: a float input, or the result of an
// op whose int8 result is calibrated (not an alias, not a pooling that
// keeps its operand's parameters, not a fixed output such as a softmax's).
func quantizedWithOwnRange(v *ir.Value) bool {
	if v.Type.DType != tensor.F32 {
		return false
	}
	if v.Op == ir.OpInput {
		return true
	}
	l := v.Op.Lower
	return !v.IsSource() && l != nil && !v.Op.Alias && l.Result == ir.ResultCalibrated
}

// fakeQuantFixed rounds v, whose int8 parameters the kernel fixes (a
// sigmoid's 1/256 and -128), to that grid: a fake_quant over the fixed
// range, which training does not move (track=false) and the run does not
// save. A grid no range reproduces is left unsimulated.
func fakeQuantFixed(g *ir.Graph, values []*ir.Value, v *ir.Value, p *ir.QuantParams) error {
	lo, hi, ok := ir.FixedRange(p)
	if !ok {
		return nil
	}
	name := v.Name
	v.Name = name + ".float"
	minP, maxP := g.AddParam(name+".fixed_min", ir.Unbatched(tensor.F32, 1), v.Pos), g.AddParam(name+".fixed_max", ir.Unbatched(tensor.F32, 1), v.Pos)
	minP.Data, maxP.Data = tensor.FromF32([]float32{lo}, 1), tensor.FromF32([]float32{hi}, 1)
	fq, err := g.AddOp(name, ir.OpFakeQuant, []*ir.Value{v, minP, maxP}, ir.Attrs{"track": false}, v.Pos)
	if err != nil {
		return err
	}
	redirect(g, values, v, fq)
	return nil
}

// QATWeights returns what a quantization-aware run saves: every
// parameter's data by name, the weights under fake_quant_weight rounded
// to their grid (the values training saw, which the int8 build keeps), and
// the learned ranges.
func QATWeights(g *ir.Graph) map[string]*tensor.Tensor {
	w := g.Weights()
	for _, v := range g.Values {
		if v.Op == ir.OpFakeQuant && !v.Attrs.Bool("track") {
			delete(w, v.Args[1].Name) // a fixed range: the int8 kernel's, not learned
			delete(w, v.Args[2].Name)
		}
		if v.Op == ir.OpFakeQuantWeight {
			p := v.Args[0]
			if p.Op != ir.OpParam {
				continue // a batch norm's fold: the int8 build folds and rounds the weight saved as it is
			}
			t := tensor.New(tensor.F32, p.Type.Dims...)
			dims, axis := ir.FakeQuantWeightGrid(p.Type.Dims, v.Attrs)
			ir.FakeQuantWeight(p.Data.F32, dims, axis, v.Attrs.Int("bits"), t.F32)
			w[p.Name] = t
		}
	}
	return w
}

// SplitQATRanges takes the learned ranges (VALUE.qat_min and
// VALUE.qat_max) out of a weights file's tensors: it returns the weights
// without them and the ranges by value name. A range needs both ends,
// each one finite number, min <= max.
func SplitQATRanges(weights map[string]*tensor.Tensor) (map[string]*tensor.Tensor, map[string][2]float64, error) {
	rest := map[string]*tensor.Tensor{}
	ends := map[string]*[2]*tensor.Tensor{}
	for name, t := range weights {
		end := -1
		base, ok := strings.CutSuffix(name, QATMinSuffix)
		if ok {
			end = 0
		} else if base, ok = strings.CutSuffix(name, QATMaxSuffix); ok {
			end = 1
		}
		if end < 0 {
			rest[name] = t
			continue
		}
		if ends[base] == nil {
			ends[base] = &[2]*tensor.Tensor{}
		}
		ends[base][end] = t
	}
	var names []string
	for n := range ends {
		names = append(names, n)
	}
	sort.Strings(names)
	ranges := map[string][2]float64{}
	for _, n := range names {
		e := ends[n]
		if e[0] == nil || e[1] == nil {
			return nil, nil, fmt.Errorf("learned range of %s: the weights hold only one of %s%s and %s%s", n, n, QATMinSuffix, n, QATMaxSuffix)
		}
		var r [2]float64
		for i, t := range e {
			if t.DType != tensor.F32 || t.Len() != 1 || math.IsNaN(float64(t.F32[0])) || math.IsInf(float64(t.F32[0]), 0) {
				return nil, nil, fmt.Errorf("learned range of %s: %s must be one finite float32 number, got %v", n, n+[]string{QATMinSuffix, QATMaxSuffix}[i], t)
			}
			r[i] = float64(t.F32[0])
		}
		if r[0] > r[1] {
			return nil, nil, fmt.Errorf("learned range of %s: min %g is above max %g", n, r[0], r[1])
		}
		ranges[n] = r
	}
	return rest, ranges, nil
}
