package passes

import (
	"fmt"
	"strings"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The passes that change a graph's structure without changing what it
// computes at inference.

var removeDropout = &Pass{
	Name:     "remove-dropout",
	Doc:      "drop dropout ops: at inference they are the identity",
	Required: "dropout has no integer form (at inference it is the identity)",
	Run: func(c *Context, g *ir.Graph, _ any) (bool, error) {
		changed := false
		for _, v := range g.Values {
			if v.Op == ir.OpDropout {
				g.Replace(v, v.Args[0])
				changed = true
			}
		}
		if changed {
			g.RemoveDead()
		}
		return changed, nil
	},
}

var foldBatchNorm = &Pass{
	Name: "fold-batchnorm",
	Doc:  "fold inference batch norms into the dense or convolution before them, or into the dense layer after them (one that folds into no layer becomes qbatchnorm)",
	Run: func(c *Context, g *ir.Graph, _ any) (bool, error) {
		changed := false
		for _, bn := range g.Values {
			if bn.Op != ir.OpBatchNorm || !paramsBound(bn.Args[1:]) {
				continue
			}
			n := uses(g)
			if p := bn.Args[0]; isLinear(p) && n[p] == 1 && p.Attrs.String("act") == "none" && p.Type.Dims[0] == bn.Type.Dims[0] && paramsBound(p.Args[1:]) {
				if p.Op == ir.OpDense && p.Type.Rank() != 1 {
					continue // the channel axis would not be the dense layer's units
				}
				foldInto(g, p, bn)
				g.Replace(bn, p)
				changed = true
				continue
			}
			if next := soleUser(g, bn); next != nil && next.Op == ir.OpDense && next.Args[0] == bn && bn.Type.Rank() == 1 && paramsBound(next.Args[1:]) {
				foldBefore(g, bn, next)
				changed = true
			}
		}
		if changed {
			g.RemoveDead()
		}
		return changed, nil
	},
}

// isLinear reports whether v is a dense layer or a convolution.
func isLinear(v *ir.Value) bool {
	return v.Op == ir.OpDense || v.Op == ir.OpConv1D || v.Op == ir.OpConv2D
}

func paramsBound(ps []*ir.Value) bool {
	for _, p := range ps {
		if p.Data == nil || p.Data.DType != tensor.F32 {
			return false
		}
	}
	return true
}

// soleUser returns the only value that uses v, if v has exactly one use
// and is not an output.
func soleUser(g *ir.Graph, v *ir.Value) *ir.Value {
	var user *ir.Value
	for _, u := range g.Values {
		for _, a := range u.Args {
			if a == v {
				if user != nil {
					return nil
				}
				user = u
			}
		}
	}
	for _, o := range g.Outputs {
		if o == v {
			return nil
		}
	}
	return user
}

// foldInto folds bn into the layer p before it: each output channel's
// weights scale by a, and its bias becomes a*bias + b.
func foldInto(g *ir.Graph, p, bn *ir.Value) {
	a, b := ir.BatchNormAffine(bn)
	w := p.Args[1]
	nw := w.Data.Clone()
	per := nw.Len() / len(a)
	for c := range a {
		for i := range nw.F32[c*per : (c+1)*per] {
			nw.F32[c*per+i] = float32(float64(nw.F32[c*per+i]) * a[c])
		}
	}
	bias := tensor.New(tensor.F32, len(a))
	if len(p.Args) == 3 {
		copy(bias.F32, p.Args[2].Data.F32)
	}
	for c := range a {
		bias.F32[c] = float32(float64(bias.F32[c])*a[c] + b[c])
	}
	w.Data, w.Summary = nw, nil
	setBias(g, p, bias)
}

// foldBefore folds bn into the dense layer d that consumes it:
// d(a*x + b) = (W diag(a)) x + (W b + bias).
func foldBefore(g *ir.Graph, bn, d *ir.Value) {
	a, b := ir.BatchNormAffine(bn)
	w := d.Args[1]
	units, in := w.Type.Dims[0], w.Type.Dims[1]
	nw := w.Data.Clone()
	bias := tensor.New(tensor.F32, units)
	if len(d.Args) == 3 {
		copy(bias.F32, d.Args[2].Data.F32)
	}
	for u := 0; u < units; u++ {
		shift := float64(bias.F32[u])
		for i := 0; i < in; i++ {
			shift += float64(w.Data.F32[u*in+i]) * b[i]
			nw.F32[u*in+i] = float32(float64(w.Data.F32[u*in+i]) * a[i])
		}
		bias.F32[u] = float32(shift)
	}
	w.Data, w.Summary = nw, nil
	d.Args[0] = bn.Args[0]
	setBias(g, d, bias)
}

// setBias gives a layer a bias with the given data, creating the
// parameter (named after its weight) if the layer had none.
func setBias(g *ir.Graph, p *ir.Value, data *tensor.Tensor) {
	if len(p.Args) == 3 {
		p.Args[2].Data, p.Args[2].Summary = data, nil
		return
	}
	name := strings.TrimSuffix(p.Args[1].Name, ".weight") + ".bias"
	for i := 2; g.Lookup(name) != nil; i++ {
		name = fmt.Sprintf("%s.bias_%d", strings.TrimSuffix(p.Args[1].Name, ".weight"), i)
	}
	b := &ir.Value{Name: name, Op: ir.OpParam, Type: ir.Unbatched(tensor.F32, data.Len()), Data: data, Pos: p.Pos}
	insertBefore(g, p, b)
	p.Args = append(p.Args, b)
}

// insertBefore puts v just before at in the graph's order.
func insertBefore(g *ir.Graph, at, v *ir.Value) {
	for i, x := range g.Values {
		if x == at {
			g.Values = append(g.Values[:i], append([]*ir.Value{v}, g.Values[i:]...)...)
			return
		}
	}
	g.Values = append(g.Values, v)
}

// fusable are the ops an activation fuses into.
var fusable = map[*ir.Op]bool{ir.OpDense: true, ir.OpConv1D: true, ir.OpConv2D: true, ir.OpAdd: true, ir.OpSub: true, ir.OpMul: true}

var fuseActivations = &Pass{
	Name: "fuse-activations",
	Doc:  "fuse a relu or relu6 into the dense, convolution, add, sub or mul before it",
	Run: func(c *Context, g *ir.Graph, _ any) (bool, error) {
		changed := false
		for _, r := range g.Values {
			if r.Op != ir.OpRelu && r.Op != ir.OpRelu6 {
				continue
			}
			p := r.Args[0]
			if !fusable[p.Op] || p.Attrs.String("act") != "none" || soleUser(g, p) != r {
				continue
			}
			p.Attrs["act"] = r.Op.Name
			g.Replace(r, p)
			// The fused op now computes what the activation did, and its
			// users know it by the activation's name.
			p.Name = r.Name
			changed = true
		}
		if changed {
			g.RemoveDead()
		}
		return changed, nil
	},
}
