// Package train trains kiln models on the CPU in float32: reverse-mode
// passes over the IR (the gradient table, on top of exec's forward
// kernels), losses, optimizers, the training loop and its checkpoints,
// evaluation metrics, and the feeds that give a graph a data set's
// examples batch by batch.
package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Net runs a graph forward (exec's Runner, with the kernel table) and
// backward (the gradient table), keeping the activations of the last
// forward pass and the gradients of the last backward pass. Buffers are
// reused from step to step while the batch size stays the same.
type Net struct {
	*exec.Runner

	index map[*ir.Value]int
	grads []*tensor.Tensor // per value that takes a gradient
	needs []bool           // whether a value's gradient is wanted
	batch int

	// Trainable are the parameters trained by gradient, in graph order;
	// Grads[i] is the gradient of Trainable[i] after Backward.
	Trainable []*ir.Value
	Grads     []*tensor.Tensor
}

// NewNet prepares g for training in ctx. Every parameter must have data
// (bound weights, or Init's). frozen parameters get no gradient.
func NewNet(g *ir.Graph, ctx *exec.Ctx, frozen func(*ir.Value) bool) (*Net, error) {
	r, err := exec.NewRunner(g, ctx)
	if err != nil {
		return nil, err
	}
	n := &Net{Runner: r, index: map[*ir.Value]int{}}
	state := stateParams(g)
	for i, v := range g.Values {
		n.index[v] = i
		if !v.IsSource() && gradients[v.Op] == nil {
			return nil, fmt.Errorf("%s: op %s cannot be trained", v.Name, v.Op.Name)
		}
	}
	n.needs = make([]bool, len(g.Values))
	for i, v := range g.Values {
		switch {
		case v.Op == ir.OpParam:
			n.needs[i] = v.Type.DType == tensor.F32 && !state[v] && (frozen == nil || !frozen(v))
			if n.needs[i] {
				n.Trainable = append(n.Trainable, v)
				n.Grads = append(n.Grads, tensor.New(tensor.F32, v.Type.Dims...))
			}
		case !v.IsSource():
			for _, a := range v.Args {
				n.needs[i] = n.needs[i] || n.needs[n.index[a]]
			}
		}
	}
	n.grads = make([]*tensor.Tensor, len(g.Values))
	for k, p := range n.Trainable {
		n.grads[n.index[p]] = n.Grads[k]
	}
	return n, nil
}

// stateParams returns the parameters some op uses as state (batch norm's
// running statistics), which the forward pass updates and no gradient
// trains.
func stateParams(g *ir.Graph) map[*ir.Value]bool {
	state := map[*ir.Value]bool{}
	for _, v := range g.Values {
		for i, a := range v.Args {
			if a.Op == ir.OpParam {
				if _, _, s := ir.ParamRole(v, i); s {
					state[a] = true
				}
			}
		}
	}
	return state
}

// Forward runs the graph on one batch (exec.Runner.Forward), making room
// for the gradients of a new batch size.
func (n *Net) Forward(inputs []*tensor.Tensor) ([]*tensor.Tensor, error) {
	outs, err := n.Runner.Forward(inputs)
	if err != nil {
		return nil, err
	}
	if batch := n.Runner.Batch(); batch != n.batch {
		n.batch = batch
		for i, v := range n.G.Values {
			if !v.IsSource() && n.needs[i] {
				n.grads[i] = tensor.New(tensor.F32, v.Type.Shape(batch)...)
			}
		}
	}
	return outs, nil
}

// ZeroGrads clears the parameter gradients.
func (n *Net) ZeroGrads() {
	for _, g := range n.Grads {
		clear(g.F32)
	}
}

// Backward propagates dloss, the gradient of the loss with respect to the
// activation of from, back through the graph, adding into the parameter
// gradients (Grads). Call ZeroGrads first unless gradients should
// accumulate.
func (n *Net) Backward(from *ir.Value, dloss *tensor.Tensor) {
	reached := make([]bool, len(n.G.Values))
	for i, v := range n.G.Values {
		if n.needs[i] && !v.IsSource() {
			clear(n.grads[i].F32)
		}
	}
	start := n.index[from]
	copy(n.grads[start].F32, dloss.F32)
	reached[start] = true
	for i := start; i >= 0; i-- {
		v := n.G.Values[i]
		if !reached[i] || v.IsSource() {
			continue
		}
		args := make([]*tensor.Tensor, len(v.Args))
		din := make([]*tensor.Tensor, len(v.Args))
		for j, a := range v.Args {
			k := n.index[a]
			args[j] = n.Act(a)
			if n.needs[k] {
				din[j] = n.grads[k]
				reached[k] = true
			}
		}
		gradients[v.Op](n.Ctx, v, args, n.Act(v), n.grads[i], din)
	}
}

// normalStd is the standard deviation of InitNormal.
const normalStd = 0.01

// Init gives every parameter without data a fresh value drawn as PyTorch
// initialises the same layer, from a generator seeded with seed.
func Init(g *ir.Graph, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x696e6974))
	roles := map[*ir.Value]struct {
		kind  ir.InitKind
		fanIn int
	}{}
	for _, v := range g.Values {
		for i, a := range v.Args {
			if _, seen := roles[a]; !seen && a.Op == ir.OpParam {
				kind, fanIn, _ := ir.ParamRole(v, i)
				roles[a] = struct {
					kind  ir.InitKind
					fanIn int
				}{kind, fanIn}
			}
		}
	}
	for _, p := range g.Params() {
		if p.Data != nil {
			continue
		}
		t := tensor.New(p.Type.DType, p.Type.Dims...)
		role := roles[p]
		bound := 1 / math.Sqrt(float64(role.fanIn))
		for i := range t.F32 {
			switch role.kind {
			case ir.InitOnes:
				t.F32[i] = 1
			case ir.InitUniformFanIn:
				t.F32[i] = float32((2*r.Float64() - 1) * bound)
			case ir.InitNormal:
				t.F32[i] = float32(r.NormFloat64() * normalStd)
			}
		}
		p.Data = t
	}
}
