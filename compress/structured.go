package compress

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/tensor"
)

// Structured pruning removes whole neurons of dense layers and whole
// filters of convolutions (Li et al., "Pruning Filters for Efficient
// ConvNets", ICLR 2017: the filters of smallest L1 norm go first). Unlike
// zeroed weights, what is removed costs nothing on any kernel: the result
// is a narrower model, written back as .kiln source with the new widths
// and the weights sliced to fit.
//
// A removed output channel takes with it the matching input of every
// layer its values reach: the columns of a dense layer, the input channels
// of a convolution, the h*w columns per channel of a dense layer after a
// flatten, and the channel's parameters of a batch norm on the way.
// Between the two layers only ops that treat channels apart may stand
// (activations, dropout, pooling, batch norm, flatten); an output of the
// model, an add or a concat there is refused, since slicing them would
// change what the model computes or returns.

// Shrunk is a model after structured pruning.
type Shrunk struct {
	Source  []byte                    // the model's .kiln source with the new widths
	Program *frontend.Program         // that source, checked, with Weights bound
	Weights map[string]*tensor.Tensor // the weights, sliced to the new widths
	Layers  []ShrunkLayer             // the layers narrowed, in graph order
}

// ShrunkLayer is one narrowed layer.
type ShrunkLayer struct {
	Name        string // the binding that holds the layer, e.g. "h1" or "c2"
	Before, Now int    // its units or filters
	Kept        []int  // the indices of the units or filters kept, rising
}

// ShrinkLayers lists the layers Shrink can narrow, by the binding that
// holds them: the dense layers and convolutions (of one group) whose
// outputs reach only layers that can lose the matching inputs.
func ShrinkLayers(g *ir.Graph) []string {
	uses := g.Uses()
	var names []string
	for _, v := range g.Values {
		if isWeighted(v.Op) && canShrink(g, uses, v) == nil {
			names = append(names, layerName(v))
		}
	}
	return names
}

// layerName is the binding a layer's parameters are named after.
func layerName(v *ir.Value) string {
	return strings.TrimSuffix(v.Args[1].Name, ".weight")
}

// KeepCount turns a keep setting into a number of units or filters out of
// n: a fraction in (0, 1] keeps that share of them (rounded, at least 1),
// a whole number above 1 keeps that many.
func KeepCount(keep float64, n int) (int, error) {
	switch {
	case keep > 0 && keep <= 1:
		return max(1, int(math.Round(keep*float64(n)))), nil
	case keep > 1 && keep == math.Trunc(keep) && int(keep) <= n:
		return int(keep), nil
	}
	return 0, fmt.Errorf("keep %g of %d: give a fraction in (0, 1] or a whole number from 2 to %d", keep, n, n)
}

// L1Ranking orders a layer's units or filters by the L1 norm of their
// weights, largest first (ties by index): weight is [units, ...].
func L1Ranking(weight *tensor.Tensor) []int {
	n := weight.Shape[0]
	row := len(weight.F32) / max(n, 1)
	norms := make([]float64, n)
	for i := range n {
		for _, w := range weight.F32[i*row : (i+1)*row] {
			norms[i] += math.Abs(float64(w))
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return norms[order[a]] > norms[order[b]] })
	return order
}

// Shrink narrows the layers of file f's model named in keep (binding name
// to keep setting, as KeepCount reads it), keeping the units or filters
// of largest L1 norm. g is f's checked graph with its weights bound; it
// is not changed.
func Shrink(f *lang.File, g *ir.Graph, keep map[string]float64) (*Shrunk, error) {
	layers := map[string]*ir.Value{}
	for _, v := range g.Values {
		if isWeighted(v.Op) {
			layers[layerName(v)] = v
		}
	}
	var unknown []string
	for name := range keep {
		if layers[name] == nil {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("model %s has no dense or convolution layer %s (it has %s)", g.Name, strings.Join(unknown, ", "), strings.Join(ShrinkLayers(g), ", "))
	}
	weights := map[string]*tensor.Tensor{}
	for _, p := range g.Params() {
		if p.Data == nil {
			return nil, fmt.Errorf("%s holds no weights: bind the trained weights first", p.Name)
		}
		weights[p.Name] = p.Data
	}

	uses := g.Uses()
	out := &Shrunk{Weights: weights}
	for _, v := range g.Values {
		if !isWeighted(v.Op) {
			continue
		}
		k, ok := keep[layerName(v)]
		if !ok {
			continue
		}
		if err := canShrink(g, uses, v); err != nil {
			return nil, err
		}
		w := v.Args[1]
		n := w.Type.Dims[0]
		count, err := KeepCount(k, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", layerName(v), err)
		}
		// Ranked on the weights left after the layers before it lost
		// their outputs: the inputs it no longer has do not count.
		kept := L1Ranking(weights[w.Name])[:count]
		slices.Sort(kept)
		// The layer's own rows: its weight's and its bias's.
		for _, p := range v.Args[1:] {
			weights[p.Name] = sliceAxis(weights[p.Name], 0, kept)
		}
		// The inputs of what its values reach.
		if err := narrowUses(g, uses, v, channelAxis(v), kept, weights); err != nil {
			return nil, err
		}
		out.Layers = append(out.Layers, ShrunkLayer{Name: layerName(v), Before: n, Now: count, Kept: kept})
	}

	if err := setWidths(f, out.Layers); err != nil {
		return nil, err
	}
	out.Source = lang.Format(f)
	prog, err := frontend.Compile(f.Filename, out.Source)
	if err != nil {
		return nil, fmt.Errorf("internal error: the narrowed source does not check: %w", err)
	}
	if err := prog.Graph.Bind(weights); err != nil {
		return nil, fmt.Errorf("internal error: the sliced weights do not fit the narrowed model: %w", err)
	}
	out.Program = prog
	return out, nil
}

// channelAxis is the per-sample axis of a layer's output channels: the
// last for a dense layer, the first for a convolution.
func channelAxis(v *ir.Value) int {
	if v.Op == ir.OpDense {
		return v.Type.Rank() - 1
	}
	return 0
}

// canShrink says why layer v cannot lose outputs, or nil if it can.
func canShrink(g *ir.Graph, uses map[*ir.Value][]*ir.Value, v *ir.Value) error {
	if v.Op != ir.OpDense && v.Attrs.Int("groups") != 1 {
		return fmt.Errorf("%s: a grouped convolution cannot lose filters alone (its groups would change)", layerName(v))
	}
	return narrowUses(g, uses, v, channelAxis(v), nil, nil)
}

// elementwise are the ops that map each value alone, whatever the axis
// of the channels; perChannel treat each channel of the first per-sample
// axis apart. A channel removed from their input is removed from their
// output.
var (
	elementwise = map[*ir.Op]bool{
		ir.OpRelu: true, ir.OpRelu6: true, ir.OpSigmoid: true, ir.OpTanh: true, ir.OpHardSigmoid: true, ir.OpHardSwish: true,
		ir.OpDropout: true,
	}
	perChannel = map[*ir.Op]bool{ir.OpMaxPool: true, ir.OpAvgPool: true, ir.OpGlobalAvgPool: true, ir.OpBatchNorm: true}
)

// narrowUses removes, from everything v's values reach, the inputs of
// v's channels not in kept; v's channels are on per-sample axis axis.
// With weights nil it only checks that this can be done.
func narrowUses(g *ir.Graph, uses map[*ir.Value][]*ir.Value, v *ir.Value, axis int, kept []int, weights map[string]*tensor.Tensor) error {
	if slices.Contains(g.Outputs, v) {
		return fmt.Errorf("%s: its values reach the model's output %s, whose width is the model's interface", origin(v), v.Name)
	}
	for _, u := range uses[v] {
		if u.Args[0] != v || slices.Contains(u.Args[1:], v) {
			return refuse(v, u)
		}
		last := axis == v.Type.Rank()-1
		switch {
		case u.Op == ir.OpDense && last:
			if weights != nil {
				w := u.Args[1].Name
				weights[w] = sliceAxis(weights[w], 1, kept)
			}
		case (u.Op == ir.OpConv1D || u.Op == ir.OpConv2D) && axis == 0 && u.Attrs.Int("groups") == 1:
			if weights != nil {
				w := u.Args[1].Name
				weights[w] = sliceAxis(weights[w], 1, kept)
			}
		case u.Op == ir.OpFlatten:
			// A channel's values are the flattened indices whose
			// coordinate on axis is that channel.
			dims := v.Type.Dims
			inner := tensor.NumElems(dims[axis+1:])
			var flat []int
			if weights != nil {
				in := make(map[int]bool, len(kept))
				for _, c := range kept {
					in[c] = true
				}
				for i := range tensor.NumElems(dims) {
					if in[(i/inner)%dims[axis]] {
						flat = append(flat, i)
					}
				}
			}
			if err := narrowUses(g, uses, u, 0, flat, weights); err != nil {
				return err
			}
		case elementwise[u.Op] || perChannel[u.Op] && axis == 0:
			if u.Op == ir.OpBatchNorm && weights != nil {
				for _, p := range u.Args[1:] {
					weights[p.Name] = sliceAxis(weights[p.Name], 0, kept)
				}
			}
			if err := narrowUses(g, uses, u, axis, kept, weights); err != nil {
				return err
			}
		default:
			return refuse(v, u)
		}
	}
	return nil
}

// origin names the value for messages, with its source position.
func origin(v *ir.Value) string {
	if v.Pos.IsValid() {
		return fmt.Sprintf("%s (%s)", v.Name, v.Pos)
	}
	return v.Name
}

func refuse(v, u *ir.Value) error {
	return fmt.Errorf("%s: its values reach %s %s, which cannot lose the matching inputs", origin(v), u.Op.Name, origin(u))
}

// sliceAxis returns the entries of t at the indices idx of axis.
func sliceAxis(t *tensor.Tensor, axis int, idx []int) *tensor.Tensor {
	shape := slices.Clone(t.Shape)
	outer, dim, inner := tensor.NumElems(shape[:axis]), shape[axis], tensor.NumElems(shape[axis+1:])
	shape[axis] = len(idx)
	s := tensor.New(tensor.F32, shape...)
	k := 0
	for o := range outer {
		for _, i := range idx {
			base := (o*dim + i) * inner
			copy(s.F32[k:k+inner], t.F32[base:base+inner])
			k += inner
		}
	}
	return s
}

// setWidths writes the narrowed layers' widths into the file: the units
// of a dense call, the filters of a convolution, given by position or by
// keyword. It adds a comment before the model saying what was narrowed.
func setWidths(f *lang.File, layers []ShrunkLayer) error {
	if len(layers) == 0 {
		return nil
	}
	byName := map[string]ShrunkLayer{}
	var notes []string
	for _, l := range layers {
		byName[l.Name] = l
		notes = append(notes, fmt.Sprintf("%s %d -> %d", l.Name, l.Before, l.Now))
	}
	done := map[string]bool{}
	for _, line := range f.Model.Body {
		b, ok := line.Stmt.(*lang.Binding)
		if !ok {
			continue
		}
		l, ok := byName[b.Name.Name]
		if !ok {
			continue
		}
		call := findLayerCall(b.Value)
		if call == nil {
			return fmt.Errorf("internal error: binding %s holds no dense or convolution call", b.Name.Name)
		}
		attr := "filters"
		if call.Func.Name == "dense" {
			attr = "units"
		}
		width := &lang.Number{Text: strconv.Itoa(l.Now), IsInt: true}
		positional, set := 0, false
		for _, a := range call.Args {
			switch {
			case a.Name != nil && a.Name.Name == attr:
				a.Value, set = width, true
			case a.Name == nil:
				// The data operand comes first, then the width.
				if positional == 1 {
					a.Value, set = width, true
				}
				positional++
			}
		}
		if !set {
			return fmt.Errorf("internal error: the %s call of %s gives no %s", call.Func.Name, b.Name.Name, attr)
		}
		done[l.Name] = true
	}
	for _, l := range layers {
		if !done[l.Name] {
			return fmt.Errorf("internal error: no binding %s in the source", l.Name)
		}
	}
	f.Leading = append(f.Leading, &lang.Line{Comment: "// Narrowed by structured pruning: " + strings.Join(notes, ", ") + "."})
	return nil
}

// findLayerCall finds the dense or convolution call in an expression (a
// binding holds at most one layer).
func findLayerCall(e lang.Expr) *lang.Call {
	switch e := e.(type) {
	case *lang.Call:
		if e.Func.Name == "dense" || e.Func.Name == "conv1d" || e.Func.Name == "conv2d" {
			return e
		}
		for _, a := range e.Args {
			if c := findLayerCall(a.Value); c != nil {
				return c
			}
		}
	case *lang.Binary:
		if c := findLayerCall(e.X); c != nil {
			return c
		}
		return findLayerCall(e.Y)
	case *lang.Unary:
		return findLayerCall(e.X)
	}
	return nil
}
