package train

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/tensor"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step applies one update with learning rate lr.
	Step(params, grads []*tensor.Tensor, lr float64)
}

// Regularization adds to each gradient before the update: weight decay
// (L2, decay * p) and L1 (l1 * sign(p), which drives small weights to
// zero before pruning).
type Regularization struct {
	WeightDecay, L1 float64
}

func (r Regularization) grad(p, g float32) float32 {
	if r.WeightDecay != 0 {
		g += float32(r.WeightDecay) * p
	}
	if r.L1 != 0 && p != 0 {
		if p > 0 {
			g += float32(r.L1)
		} else {
			g -= float32(r.L1)
		}
	}
	return g
}

// SGD is stochastic gradient descent with momentum, as PyTorch defines it:
// v = momentum*v + g; p -= lr*v.
type SGD struct {
	Momentum float64
	Reg      Regularization
	vel      [][]float32
}

func (o *SGD) Step(params, grads []*tensor.Tensor, lr float64) {
	if o.vel == nil {
		o.vel = make([][]float32, len(params))
		for i, p := range params {
			o.vel[i] = make([]float32, len(p.F32))
		}
	}
	mom, rate := float32(o.Momentum), float32(lr)
	for i, p := range params {
		v := o.vel[i]
		for j, g := range grads[i].F32 {
			g = o.Reg.grad(p.F32[j], g)
			v[j] = mom*v[j] + g
			p.F32[j] -= rate * v[j]
		}
	}
}

// Adam is Kingma and Ba's optimizer with bias correction, as PyTorch's
// Adam (weight decay added to the gradient).
type Adam struct {
	Beta1, Beta2, Eps float64
	Reg               Regularization
	m, v              [][]float32
	t                 int
}

// NewAdam returns Adam with the usual constants (0.9, 0.999, 1e-8).
func NewAdam(reg Regularization) *Adam { return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Reg: reg} }

func (o *Adam) Step(params, grads []*tensor.Tensor, lr float64) {
	if o.m == nil {
		o.m, o.v = make([][]float32, len(params)), make([][]float32, len(params))
		for i, p := range params {
			o.m[i], o.v[i] = make([]float32, len(p.F32)), make([]float32, len(p.F32))
		}
	}
	o.t++
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	c1 := 1 - math.Pow(o.Beta1, float64(o.t))
	c2 := 1 - math.Pow(o.Beta2, float64(o.t))
	step := float32(lr / c1)
	root := float32(1 / math.Sqrt(c2))
	eps := float32(o.Eps)
	for i, p := range params {
		m, v := o.m[i], o.v[i]
		for j, g := range grads[i].F32 {
			g = o.Reg.grad(p.F32[j], g)
			m[j] = b1*m[j] + (1-b1)*g
			v[j] = b2*v[j] + (1-b2)*g*g
			p.F32[j] -= step * m[j] / (float32(math.Sqrt(float64(v[j])))*root + eps)
		}
	}
}

// Schedule sets the learning rate over training.
type Schedule struct {
	Kind  string  // "constant", "step" or "cosine"
	Every int     // step: epochs between decays (0: unset, see Resolve)
	Gamma float64 // step: the decay factor (0: unset, see Resolve)
}

// LR is the learning rate at a step (counted from 0 over all epochs) of
// the given epoch (from 0), of total steps.
func (s Schedule) LR(base float64, step, total, epoch int) float64 {
	switch s.Kind {
	case "step":
		return base * math.Pow(s.Gamma, float64(epoch/max(s.Every, 1)))
	case "cosine":
		return base * 0.5 * (1 + math.Cos(math.Pi*float64(step)/float64(max(total, 1))))
	}
	return base
}

func (s Schedule) String() string {
	if s.Kind == "step" {
		return fmt.Sprintf("step(every=%d, gamma=%g)", s.Every, s.Gamma)
	}
	return s.Kind
}
