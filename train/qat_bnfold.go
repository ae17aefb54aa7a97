package train

import (
	"strings"

	"github.com/kiln-nn/kiln/ir"
)

// A batch norm in quantization-aware training. The int8 build folds a
// batch norm into the dense or convolution before it (fold-batchnorm),
// so the weight it rounds is the folded one; training simulates the fold
// as Jacob et al. (2018, figure C.8) do, by running the layer twice:
//
//	y = layer(x, w, b)                          (NAME.unfolded, float)
//	w' = bn_fold_weight(w, y, gamma, mean, var) (W.folded)
//	z = layer(x, fake_quant_weight(w'))         (NAME.folded, no bias)
//	out = bn_fold_shift(z, y, gamma, beta, mean, var, b) (NAME)
//
// and fake-quantizes out under the name the int8 build gives the folded
// layer (the activation's, where one follows and fuses). The statistics
// are the batch's of y until BNFreeze steps, then the running ones, which
// bn_fold_weight moves until then; from then on training folds exactly
// what the int8 build will. Running the layer twice (rather than
// rounding w scaled by the running statistics and correcting the result
// by sigma_B / sigma, Jacob et al.'s other form) keeps the rounded weight
// the one the text describes in both phases and needs no correction op;
// it costs one more float layer in training.

// bnFold is one batch norm that folds into the layer before it, and the
// relu or relu6 that the int8 build would fuse after the fold (nil if
// none).
type bnFold struct {
	layer, bn, act *ir.Value
}

// findBNFolds returns, by batch norm, the folds the int8 build would do
// into the layer before (fold-batchnorm's conditions, in
// passes/structural.go), and the other batch norms: those the build folds
// into the dense layer after them or runs as qbatchnorm, both from the
// running statistics. QAT freezes them (batchnorm frozen=true), so that
// training sees the fixed affine op the int8 graph computes.
func findBNFolds(g *ir.Graph) (map[*ir.Value]bnFold, []*ir.Value) {
	uses := map[*ir.Value]int{}
	for _, v := range g.Values {
		for _, a := range v.Args {
			uses[a]++
		}
	}
	for _, o := range g.Outputs {
		uses[o]++
	}
	users := g.Uses()
	folds := map[*ir.Value]bnFold{}
	var frozen []*ir.Value
	for _, bn := range g.Values {
		if bn.Op != ir.OpBatchNorm {
			continue
		}
		p := bn.Args[0]
		linear := p.Op == ir.OpDense || p.Op == ir.OpConv1D || p.Op == ir.OpConv2D
		if !linear || uses[p] != 1 || p.Attrs.String("act") != "none" || p.Type.Dims[0] != bn.Type.Dims[0] || (p.Op == ir.OpDense && p.Type.Rank() != 1) {
			frozen = append(frozen, bn)
			continue
		}
		f := bnFold{layer: p, bn: bn}
		if u := users[bn]; uses[bn] == 1 && len(u) == 1 && (u[0].Op == ir.OpRelu || u[0].Op == ir.OpRelu6) {
			f.act = u[0]
		}
		folds[bn] = f
	}
	return folds, frozen
}

// foldsForward says whether the int8 build folds the batch norm bn into
// the dense layer after it (its one user, once dropout is removed): then
// the int8 graph has no value for bn's result, and training rounds none.
func foldsForward(g *ir.Graph, bn *ir.Value) bool {
	users := g.Uses()
	for _, o := range g.Outputs {
		if o == bn {
			return false
		}
	}
	v := bn
	for {
		u := users[v]
		if len(u) != 1 || u[0].Args[0] != v {
			return false
		}
		if u[0].Op != ir.OpDropout {
			return u[0].Op == ir.OpDense && bn.Type.Rank() == 1
		}
		v = u[0]
		for _, o := range g.Outputs {
			if o == v {
				return false
			}
		}
	}
}

// rewriteBNFolds replaces each fold's batch norm (and activation) by the
// folded layer above, in place in the graph's order. It returns the
// values that stand for no value of the int8 graph (the unfolded and the
// folded layer before its shift): they take no range, and the unfolded
// layer's weight no rounding.
func rewriteBNFolds(g *ir.Graph, folds map[*ir.Value]bnFold, freeze int) (map[*ir.Value]bool, error) {
	internal := map[*ir.Value]bool{}
	if len(folds) == 0 {
		return internal, nil
	}
	replaced := map[*ir.Value]*ir.Value{}
	values := g.Values
	g.Values = nil
	for _, v := range values {
		f, ok := folds[v]
		if !ok {
			if _, dead := replaced[v]; !dead {
				g.Append(v)
			}
			continue
		}
		p, bn := f.layer, f.bn
		name := p.Name
		act := "none"
		if f.act != nil {
			name, act = f.act.Name, f.act.Op.Name
		}
		p.Name += ".unfolded"
		eps := bn.Attrs.Float("eps")
		gamma, beta, mean, variance := bn.Args[1], bn.Args[2], bn.Args[3], bn.Args[4]
		w := p.Args[1]
		wf, err := g.AddOp(w.Name+".folded", ir.OpBNFoldWeight, []*ir.Value{w, p, gamma, mean, variance},
			ir.Attrs{"eps": eps, "momentum": bn.Attrs.Float("momentum"), "freeze": freeze}, bn.Pos)
		if err != nil {
			return nil, err
		}
		attrs := p.Attrs.Clone()
		z, err := g.AddOp(strings.TrimSuffix(p.Name, ".unfolded")+".folded", p.Op, []*ir.Value{p.Args[0], wf}, attrs, p.Pos)
		if err != nil {
			return nil, err
		}
		args := []*ir.Value{z, p, gamma, beta, mean, variance}
		if len(p.Args) == 3 {
			args = append(args, p.Args[2])
		}
		out, err := g.AddOp(name, ir.OpBNFoldShift, args, ir.Attrs{"eps": eps, "freeze": freeze, "act": act}, bn.Pos)
		if err != nil {
			return nil, err
		}
		replaced[bn] = out
		if f.act != nil {
			replaced[f.act] = out
		}
		internal[p], internal[z] = true, true
	}
	for _, v := range g.Values {
		for i, a := range v.Args {
			if r, ok := replaced[a]; ok {
				v.Args[i] = r
			}
		}
	}
	for i, o := range g.Outputs {
		if r, ok := replaced[o]; ok {
			g.Outputs[i] = r
		}
	}
	return internal, nil
}
