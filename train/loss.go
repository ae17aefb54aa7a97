package train

import (
	"math"
	"math/rand/v2"

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

// SampledSoftmax is the sampled softmax loss (Jean et al. 2015, as
// YouTube's candidate generation trains it): for each example the true
// class competes with the classes in sampled, drawn with replacement from
// the distribution q and shared by the batch, instead of with every class.
// Each candidate's logit is corrected by -log(S q(j)) for S samples so
// that the loss estimates the full softmax's; a sample equal to the
// example's label (an accidental hit) is left out of that example's
// candidates. The gradient reaches the label's and the samples' logits
// only. logits are [N, C].
func SampledSoftmax(logits *tensor.Tensor, labels []int32, sampled []int32, q []float64, grad *tensor.Tensor) float64 {
	n, k := len(labels), len(sampled)+1
	c := len(logits.F32) / n
	z, gz := make([]float32, n*k), make([]float32, n*k)
	for b, l := range labels {
		row := logits.F32[b*c : (b+1)*c]
		z[b*k] = row[l]
		for i, j := range sampled {
			z[b*k+1+i] = row[j]
		}
	}
	loss := sampledLoss(z, labels, sampled, q, gz)
	clear(grad.F32)
	for b, l := range labels {
		g := grad.F32[b*c : (b+1)*c]
		g[l] += gz[b*k]
		for i, j := range sampled {
			g[j] += gz[b*k+1+i]
		}
	}
	return loss
}

// sampledLoss is SampledSoftmax on the candidates' logits alone: z holds,
// for each example, its label's logit and then the samples' (N rows of
// S+1); the gradient with respect to them goes to gz, of z's shape.
func sampledLoss(z []float32, labels []int32, sampled []int32, q []float64, gz []float32) float64 {
	n, k := len(labels), len(sampled)+1
	s := float64(len(sampled))
	total := 0.0
	adj := make([]float64, k)
	for b, l := range labels {
		zb := z[b*k : (b+1)*k]
		adj[0] = float64(zb[0]) - math.Log(s*q[l])
		m := adj[0]
		for i, j := range sampled {
			adj[i+1] = math.Inf(-1)
			if j != l {
				adj[i+1] = float64(zb[i+1]) - math.Log(s*q[j])
				m = math.Max(m, adj[i+1])
			}
		}
		t0 := adj[0]
		sum := 0.0
		for i := range adj {
			adj[i] = math.Exp(adj[i] - m) // exp(-inf) = 0 for the hits
			sum += adj[i]
		}
		total += m + math.Log(sum) - t0
		g := gz[b*k : (b+1)*k]
		for i := range adj {
			g[i] = float32(adj[i] / sum / float64(n))
		}
		g[0] -= float32(1 / float64(n))
	}
	return total / float64(n)
}

// classSampler draws classes from a fixed distribution (Walker's alias
// method: two random numbers a draw).
type classSampler struct {
	q     []float64 // the distribution
	prob  []float64
	alias []int32
}

// newClassSampler samples class j with probability proportional to
// (count[j]+1)^0.75: the unigram distribution flattened as word2vec's
// negative sampling does, so that rare classes are drawn too.
func newClassSampler(count []float64) *classSampler {
	c := len(count)
	s := &classSampler{q: make([]float64, c), prob: make([]float64, c), alias: make([]int32, c)}
	total := 0.0
	for j, x := range count {
		s.q[j] = math.Pow(x+1, 0.75)
		total += s.q[j]
	}
	var small, large []int32
	for j := range s.q {
		s.q[j] /= total
		s.prob[j] = s.q[j] * float64(c)
		if s.prob[j] < 1 {
			small = append(small, int32(j))
		} else {
			large = append(large, int32(j))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		a, b := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		s.alias[a] = b
		s.prob[b] -= 1 - s.prob[a]
		if s.prob[b] < 1 {
			large = large[:len(large)-1]
			small = append(small, b)
		}
	}
	for _, j := range append(small, large...) {
		s.prob[j], s.alias[j] = 1, j // left over by rounding: keep themselves
	}
	return s
}

// draw fills dst with classes drawn independently.
func (s *classSampler) draw(rng *rand.Rand, dst []int32) {
	for i := range dst {
		j := rng.IntN(len(s.q))
		if rng.Float64() < s.prob[j] {
			dst[i] = int32(j)
		} else {
			dst[i] = s.alias[j]
		}
	}
}
