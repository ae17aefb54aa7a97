package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/internal/opcases"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Gradient checks: every op's gradient rule against central finite
// differences. The harness is float64: the loss L = sum(r * f(x)) with a
// random r is accumulated in float64, and the numeric derivative
// (L(x+h) - L(x-h)) / 2h is taken from the reference semantics (Eval) —
// or, for ops whose training behaviour differs (dropout, batch norm), from
// the training kernel with the same random draws.

// newCtx is the context of one check: seeded alike every time, so that
// dropout draws the same mask.
func newCtx(training bool, workers int) *exec.Ctx {
	c := exec.NewCtx(training, 0)
	c.Workers, c.Rand = workers, rand.New(rand.NewPCG(7, 7))
	return c
}

// loss evaluates sum(r * f(x)) in float64, with fixed operands (running
// statistics) restored so that no call sees another's updates.
func loss(c opcases.Case, v *ir.Value, data []*tensor.Tensor, r *tensor.Tensor) float64 {
	ins := make([]*tensor.Tensor, len(data))
	for i, d := range data {
		ins[i] = d
		if c.Operands[i].Fixed {
			ins[i] = d.Clone()
		}
	}
	out := tensor.New(v.Type.DType, v.Type.Shape(c.Batch)...)
	if c.Training {
		if err := exec.KernelOf(v.Op)(newCtx(true, 1), v, ins, out); err != nil {
			panic(err)
		}
	} else if err := v.Op.Eval(v, ins, out); err != nil {
		panic(err)
	}
	s := 0.0
	for i, y := range out.F32 {
		s += float64(r.F32[i]) * float64(y)
	}
	return s
}

func TestGradients(t *testing.T) {
	for _, c := range opcases.All() {
		if c.StraightThrough {
			continue // TestStraightThrough
		}
		t.Run(c.Name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			v, data, err := c.Build(rng)
			if err != nil {
				t.Fatal(err)
			}
			out := tensor.New(tensor.F32, v.Type.Shape(c.Batch)...)
			dout := tensor.New(tensor.F32, v.Type.Shape(c.Batch)...)
			for i := range dout.F32 {
				dout.F32[i] = float32(rng.NormFloat64())
			}
			ctx := newCtx(c.Training, 2)
			ins := make([]*tensor.Tensor, len(data))
			for i, d := range data {
				ins[i] = d.Clone()
			}
			if err := exec.KernelOf(v.Op)(ctx, v, ins, out); err != nil {
				t.Fatal(err)
			}
			din := make([]*tensor.Tensor, len(data))
			for i, o := range c.Operands {
				if o.Type.DType == tensor.F32 && !o.Fixed {
					din[i] = tensor.New(tensor.F32, data[i].Shape...)
				}
			}
			GradientOf(v.Op)(ctx, v, ins, out, dout, din)

			worst := 0.0
			for k, d := range din {
				if d == nil {
					continue
				}
				x := data[k].F32
				for j := range x {
					orig := x[j]
					h := float32(0.5) // powers of two: x +- h is exact in float32
					if c.SmallStep {
						h = 1.0 / 128
					}
					x[j] = orig + h
					lp := loss(c, v, data, dout)
					x[j] = orig - h
					lm := loss(c, v, data, dout)
					x[j] = orig
					num := (lp - lm) / (2 * float64(h))
					ana := float64(d.F32[j])
					rel := math.Abs(ana-num) / math.Max(math.Max(math.Abs(ana), math.Abs(num)), 1e-2)
					worst = math.Max(worst, rel)
					if rel > 1e-3 {
						t.Errorf("operand %d element %d: analytic %.6g, numeric %.6g (relative error %.2g)", k, j, ana, num, rel)
					}
				}
			}
			t.Logf("largest relative error %.2g", worst)
		})
	}
}

// TestEveryKernelHasGradient holds the gradient table and exec's kernel
// table together: an op trains exactly when it runs on the kernels, and
// every such op has a gradient check.
func TestEveryKernelHasGradient(t *testing.T) {
	checked := map[*ir.Op]bool{}
	for _, c := range opcases.All() {
		checked[c.Op] = true
	}
	for _, op := range ir.Ops() {
		kernel, grad := exec.KernelOf(op) != nil, GradientOf(op) != nil
		if kernel != grad {
			t.Errorf("op %s: has a kernel: %v, has a gradient rule: %v", op.Name, kernel, grad)
		}
		if grad && !checked[op] {
			t.Errorf("op %s has no gradient check", op.Name)
		}
	}
}
