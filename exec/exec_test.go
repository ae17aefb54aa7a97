package exec_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/internal/opcases"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// TestEveryFloatOpHasKernel holds the kernel table and the op table
// together: every compute op with a float form has a kernel and a case in
// internal/opcases (which the kernel and gradient checks run), and no
// other op has a kernel.
func TestEveryFloatOpHasKernel(t *testing.T) {
	cased := map[*ir.Op]bool{}
	for _, c := range opcases.All() {
		cased[c.Op] = true
	}
	for _, op := range ir.Ops() {
		float := op.Kind == ir.Compute && !op.Integer
		if has := exec.KernelOf(op) != nil; has != float {
			t.Errorf("op %s: has a kernel: %v, is a float compute op: %v", op.Name, has, float)
		}
		if float && !cased[op] {
			t.Errorf("op %s has no case in internal/opcases", op.Name)
		}
	}
}

// TestKernelsMatchEval checks every op's kernel at inference against its
// reference semantics, with 1 and 3 workers giving identical bits.
func TestKernelsMatchEval(t *testing.T) {
	for _, c := range opcases.All() {
		if c.Training {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			c.Batch = 5
			v, data, err := c.Build(rng)
			if err != nil {
				t.Fatal(err)
			}
			want := tensor.New(v.Type.DType, v.Type.Shape(c.Batch)...)
			if err := v.Op.Eval(v, data, want); err != nil {
				t.Fatal(err)
			}
			var first *tensor.Tensor
			for _, workers := range []int{1, 3} {
				got := tensor.New(v.Type.DType, v.Type.Shape(c.Batch)...)
				ctx := exec.NewCtx(false, 0)
				ctx.Workers, ctx.Rand = workers, rand.New(rand.NewPCG(1, 1))
				if err := exec.KernelOf(v.Op)(ctx, v, data, got); err != nil {
					t.Fatal(err)
				}
				for i := range want.F32 {
					if d := math.Abs(float64(got.F32[i] - want.F32[i])); d > 1e-5*math.Max(1, math.Abs(float64(want.F32[i]))) {
						t.Fatalf("element %d: kernel %g, eval %g", i, got.F32[i], want.F32[i])
					}
				}
				if first == nil {
					first = got
				} else if !tensor.Equal(first, got) {
					t.Errorf("results differ between 1 and %d workers", workers)
				}
			}
		})
	}
}

// TestTrainingKernelsDeterministic runs the training-mode cases with 1
// and 3 workers and the same seed: the same bits, and what the training
// engine reads back (dropout's mask, batch norm's statistics) the same.
func TestTrainingKernelsDeterministic(t *testing.T) {
	for _, c := range opcases.All() {
		if !c.Training {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			v, data, err := c.Build(rand.New(rand.NewPCG(5, 6)))
			if err != nil {
				t.Fatal(err)
			}
			var first *tensor.Tensor
			for _, workers := range []int{1, 3} {
				ins := make([]*tensor.Tensor, len(data))
				for i, d := range data {
					ins[i] = d.Clone() // batch norm updates its running statistics
				}
				ctx := exec.NewCtx(true, 9)
				ctx.Workers = workers
				got := tensor.New(v.Type.DType, v.Type.Shape(c.Batch)...)
				if err := exec.KernelOf(v.Op)(ctx, v, ins, got); err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = got
				} else if !tensor.Equal(first, got) {
					t.Errorf("results differ between 1 and %d workers", workers)
				}
			}
		})
	}
}
