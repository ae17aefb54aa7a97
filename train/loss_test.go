package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

func randomTensor(r *rand.Rand, scale float64, shape ...int) *tensor.Tensor {
	t := tensor.New(tensor.F32, shape...)
	for i := range t.F32 {
		t.F32[i] = float32(r.NormFloat64() * scale)
	}
	return t
}

// checkLossGradient compares a loss's analytic gradient with central
// finite differences of the loss itself (float64 throughout).
func checkLossGradient(t *testing.T, name string, x *tensor.Tensor, loss func(x, grad *tensor.Tensor) float64) {
	t.Helper()
	grad := tensor.New(tensor.F32, x.Shape...)
	loss(x, grad)
	scratch := tensor.New(tensor.F32, x.Shape...)
	worst := 0.0
	for i := range x.F32 {
		orig := x.F32[i]
		h := float32(1.0 / 256)
		x.F32[i] = orig + h
		lp := loss(x, scratch)
		x.F32[i] = orig - h
		lm := loss(x, scratch)
		x.F32[i] = orig
		num := (lp - lm) / (2 * float64(h))
		ana := float64(grad.F32[i])
		rel := math.Abs(ana-num) / math.Max(math.Max(math.Abs(ana), math.Abs(num)), 1e-3)
		worst = math.Max(worst, rel)
		if rel > 1e-3 {
			t.Errorf("%s: element %d: analytic %.6g, numeric %.6g", name, i, ana, num)
		}
	}
	t.Logf("%s: largest relative error %.2g", name, worst)
}

func TestLossGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	labels := []int32{2, 0, 4}
	checkLossGradient(t, "cross-entropy", randomTensor(r, 2, 3, 5), func(x, g *tensor.Tensor) float64 {
		return SoftmaxCrossEntropy(x, labels, g)
	})
	targets := tensor.FromF32([]float32{1, 0, 1, 0}, 4, 1)
	checkLossGradient(t, "bce", randomTensor(r, 3, 4, 1), func(x, g *tensor.Tensor) float64 {
		return BCEWithLogits(x, targets, g)
	})
	nan := float32(math.NaN())
	reg := tensor.FromF32([]float32{1, nan, -2, 0.5, nan, 3}, 2, 3)
	checkLossGradient(t, "mse", randomTensor(r, 1, 2, 3), func(x, g *tensor.Tensor) float64 {
		return MSE(x, reg, g)
	})
	teacher := randomTensor(r, 3, 3, 5)
	for _, hard := range []float64{0, 0.3, 1} {
		checkLossGradient(t, "distillation T=4", randomTensor(r, 2, 3, 5), func(x, g *tensor.Tensor) float64 {
			return Distillation(x, teacher, labels, 4, hard, g)
		})
	}
}

// TestDistillationIsCrossEntropy: at T = 1 with the hard-label weight 1
// the distillation loss is plain cross-entropy, loss and gradient alike.
func TestDistillationIsCrossEntropy(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	s, teacher := randomTensor(r, 2, 8, 10), randomTensor(r, 2, 8, 10)
	labels := []int32{0, 1, 2, 3, 4, 5, 6, 9}
	g1, g2 := tensor.New(tensor.F32, 8, 10), tensor.New(tensor.F32, 8, 10)
	ce := SoftmaxCrossEntropy(s, labels, g1)
	d := Distillation(s, teacher, labels, 1, 1, g2)
	if ce != d || !tensor.Equal(g1, g2) {
		t.Errorf("distillation at T=1, hard=1: loss %v, cross-entropy %v (gradients equal: %v)", d, ce, tensor.Equal(g1, g2))
	}
	// With identical teacher and student the soft term vanishes.
	g3 := tensor.New(tensor.F32, 8, 10)
	if soft := Distillation(s, s, labels, 4, 0, g3); math.Abs(soft) > 1e-12 {
		t.Errorf("KL of a distribution with itself: %v", soft)
	}
}

func TestLossValues(t *testing.T) {
	g := tensor.New(tensor.F32, 1, 2)
	// Two equal logits: -log(1/2).
	if l := SoftmaxCrossEntropy(tensor.FromF32([]float32{3, 3}, 1, 2), []int32{1}, g); math.Abs(l-math.Log(2)) > 1e-12 {
		t.Errorf("cross-entropy of a tie = %v, want log 2", l)
	}
	// BCE stays finite for huge logits.
	gb := tensor.New(tensor.F32, 2, 1)
	if l := BCEWithLogits(tensor.FromF32([]float32{1000, -1000}, 2, 1), tensor.FromF32([]float32{0, 1}, 2, 1), gb); math.Abs(l-1000) > 1e-9 {
		t.Errorf("BCE of confident mistakes = %v, want 1000", l)
	}
	// MSE ignores NaN targets.
	gm := tensor.New(tensor.F32, 3)
	if l := MSE(tensor.FromF32([]float32{1, 2, 3}, 3), tensor.FromF32([]float32{0, float32(math.NaN()), 5}, 3), gm); l != 2.5 {
		t.Errorf("masked MSE = %v, want 2.5", l)
	}
}

func TestAUC(t *testing.T) {
	cases := []struct {
		scores []float64
		pos    []bool
		want   float64
	}{
		{[]float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}, 0.75},
		{[]float64{1, 2, 3}, []bool{false, true, true}, 1},
		{[]float64{0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false}, 0.5},
		{[]float64{3, 2, 1}, []bool{false, true, true}, 0},
	}
	for _, c := range cases {
		if got := AUC(c.scores, c.pos); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("AUC(%v, %v) = %v, want %v", c.scores, c.pos, got, c.want)
		}
	}
	if got := AUC([]float64{1, 2}, []bool{true, true}); !math.IsNaN(got) {
		t.Errorf("AUC without negatives = %v, want NaN", got)
	}
}

func TestOptimizers(t *testing.T) {
	p := tensor.FromF32([]float32{1, -2}, 2)
	g := tensor.FromF32([]float32{0.5, 0.5}, 2)
	sgd := &SGD{Momentum: 0.9}
	sgd.Step([]*tensor.Tensor{p}, []*tensor.Tensor{g}, 0.1)
	sgd.Step([]*tensor.Tensor{p}, []*tensor.Tensor{g}, 0.1)
	// v1 = 0.5, p = 1 - 0.05; v2 = 0.95, p = 0.95 - 0.095.
	if math.Abs(float64(p.F32[0])-0.855) > 1e-6 || math.Abs(float64(p.F32[1])+2.145) > 1e-6 {
		t.Errorf("SGD with momentum: %v", p.F32)
	}
	// Adam's first step moves each weight by lr (times the sign of its
	// gradient), whatever the gradient's size.
	q := tensor.FromF32([]float32{1, 1}, 2)
	adam := NewAdam(Regularization{})
	adam.Step([]*tensor.Tensor{q}, []*tensor.Tensor{tensor.FromF32([]float32{100, -0.01}, 2)}, 0.01)
	if math.Abs(float64(q.F32[0])-0.99) > 1e-6 || math.Abs(float64(q.F32[1])-1.01) > 1e-5 {
		t.Errorf("Adam first step: %v", q.F32)
	}
	// L1 pulls towards zero from either side.
	l1 := &SGD{Reg: Regularization{L1: 0.1}}
	w := tensor.FromF32([]float32{1, -1}, 2)
	l1.Step([]*tensor.Tensor{w}, []*tensor.Tensor{tensor.New(tensor.F32, 2)}, 1)
	if w.F32[0] != 0.9 || w.F32[1] != -0.9 {
		t.Errorf("L1 step: %v", w.F32)
	}
}

func TestSchedules(t *testing.T) {
	cos := Schedule{Kind: "cosine"}
	if lr := cos.LR(0.1, 0, 100, 0); lr != 0.1 {
		t.Errorf("cosine start %v", lr)
	}
	if lr := cos.LR(0.1, 50, 100, 0); math.Abs(lr-0.05) > 1e-12 {
		t.Errorf("cosine middle %v", lr)
	}
	step := Schedule{Kind: "step", Every: 3, Gamma: 0.1}
	if lr := step.LR(1, 0, 0, 5); math.Abs(lr-0.1) > 1e-12 {
		t.Errorf("step after 5 epochs %v", lr)
	}
}
