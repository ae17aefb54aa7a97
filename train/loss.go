package train

import (
	"math"

	"github.com/kiln-nn/kiln/tensor"
)

// Losses: each returns the mean loss over the batch (in float64) and
// writes its gradient with respect to the network's output into grad (a
// tensor of the output's shape), already divided by the batch size.

// SoftmaxCrossEntropy is the cross-entropy of softmax(logits) against
// class labels; logits are [N, C].
func SoftmaxCrossEntropy(logits *tensor.Tensor, labels []int32, grad *tensor.Tensor) float64 {
	n := len(labels)
	c := len(logits.F32) / n
	total := 0.0
	p := make([]float64, c)
	for b := 0; b < n; b++ {
		row := logits.F32[b*c : (b+1)*c]
		lse := softmax64(row, 1, p)
		total += lse - float64(row[labels[b]])
		for j := range p {
			g := p[j]
			if j == int(labels[b]) {
				g--
			}
			grad.F32[b*c+j] = float32(g / float64(n))
		}
	}
	return total / float64(n)
}

// softmax64 writes softmax(row / T) into p and returns log(sum(exp(row/T))),
// computed stably in float64.
func softmax64(row []float32, T float64, p []float64) float64 {
	m := math.Inf(-1)
	for _, x := range row {
		m = math.Max(m, float64(x)/T)
	}
	s := 0.0
	for j, x := range row {
		p[j] = math.Exp(float64(x)/T - m)
		s += p[j]
	}
	for j := range p {
		p[j] /= s
	}
	return m + math.Log(s)
}

// BCEWithLogits is the binary cross-entropy of sigmoid(logits) against 0/1
// targets, computed from the logits so that it stays finite for any
// logit: max(z, 0) - z*t + log(1 + exp(-|z|)).
func BCEWithLogits(logits, targets, grad *tensor.Tensor) float64 {
	n := len(logits.F32)
	total := 0.0
	for i, zf := range logits.F32 {
		z, t := float64(zf), float64(targets.F32[i])
		total += math.Max(z, 0) - z*t + math.Log1p(math.Exp(-math.Abs(z)))
		grad.F32[i] = float32((sigmoid(z) - t) / float64(n))
	}
	return total / float64(n)
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// MSE is the mean squared error over the target elements that are not NaN
// (a NaN target marks an element with nothing to predict, such as an
// unobserved rating).
func MSE(pred, targets, grad *tensor.Tensor) float64 {
	count := 0
	for _, t := range targets.F32 {
		if t == t {
			count++
		}
	}
	total := 0.0
	for i, y := range pred.F32 {
		t := targets.F32[i]
		if t != t {
			grad.F32[i] = 0
			continue
		}
		d := float64(y) - float64(t)
		total += d * d
		grad.F32[i] = float32(2 * d / float64(max(count, 1)))
	}
	return total / float64(max(count, 1))
}

// Distillation is Hinton et al.'s knowledge-distillation loss for a
// student's logits [N, C] given its teacher's logits for the same batch:
//
//	hard * CE(softmax(s), labels) + (1 - hard) * T^2 * KL(softmax(t/T) || softmax(s/T))
//
// The T^2 factor keeps the soft term's gradient scale independent of the
// temperature. With hard = 1 it is exactly SoftmaxCrossEntropy.
func Distillation(student, teacher *tensor.Tensor, labels []int32, T, hard float64, grad *tensor.Tensor) float64 {
	n := len(labels)
	c := len(student.F32) / n
	ps, pst, pt := make([]float64, c), make([]float64, c), make([]float64, c)
	total := 0.0
	for b := 0; b < n; b++ {
		s, t := student.F32[b*c:(b+1)*c], teacher.F32[b*c:(b+1)*c]
		lse := softmax64(s, 1, ps)
		ce := lse - float64(s[labels[b]])
		lseT := softmax64(s, T, pst)
		softmax64(t, T, pt)
		kl := 0.0
		for j := range pt {
			if pt[j] > 0 {
				// log pst[j] = s[j]/T - lseT
				kl += pt[j] * (math.Log(pt[j]) - (float64(s[j])/T - lseT))
			}
		}
		total += hard*ce + (1-hard)*T*T*kl
		for j := 0; j < c; j++ {
			g := ps[j]
			if j == int(labels[b]) {
				g--
			}
			// d(T^2 KL)/ds_j = T (pst_j - pt_j)
			grad.F32[b*c+j] = float32((hard*g + (1-hard)*T*(pst[j]-pt[j])) / float64(n))
		}
	}
	return total / float64(n)
}
