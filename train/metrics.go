package train

import (
	"fmt"
	"math"
	"sort"

	"github.com/kiln-nn/kiln/data"
)

// Metrics are a model's scores on a data set.
type Metrics struct {
	Task     data.Task
	N        int     // examples (regression: target elements) scored
	Accuracy float64 // classification: fraction of examples whose largest logit is the label
	AUC      float64 // binary: area under the ROC curve
	LogLoss  float64 // binary: mean negative log-likelihood
	RMSE     float64 // regression: root mean squared error over the targets that are not NaN
}

func (m Metrics) String() string {
	switch m.Task {
	case data.Classification:
		return fmt.Sprintf("accuracy %.2f%% (%d examples)", 100*m.Accuracy, m.N)
	case data.Binary:
		return fmt.Sprintf("AUC %.4f, logloss %.4f (%d examples)", m.AUC, m.LogLoss, m.N)
	case data.Regression:
		return fmt.Sprintf("RMSE %.4f (%d targets)", m.RMSE, m.N)
	}
	return "no metrics"
}

// scorer accumulates metrics batch by batch.
type scorer struct {
	task        data.Task
	n, correct  int
	sq          float64
	logloss     float64
	scores      []float64
	labels      []bool
	probability bool // binary outputs are probabilities (a sigmoid), not logits
}

func (s *scorer) add(out []float32, target []float32, labels []int32, classes int) {
	switch s.task {
	case data.Classification:
		for b, l := range labels {
			row := out[b*classes : (b+1)*classes]
			best := 0
			for j, x := range row {
				if x > row[best] {
					best = j
				}
			}
			if best == int(l) {
				s.correct++
			}
			s.n++
		}
	case data.Binary:
		for i, t := range target {
			p := float64(out[i])
			if !s.probability {
				p = sigmoid(p)
			}
			q := math.Min(math.Max(p, 1e-7), 1-1e-7)
			if t > 0.5 {
				s.logloss -= math.Log(q)
			} else {
				s.logloss -= math.Log(1 - q)
			}
			s.scores = append(s.scores, p)
			s.labels = append(s.labels, t > 0.5)
			s.n++
		}
	case data.Regression:
		for i, t := range target {
			if t == t {
				d := float64(out[i]) - float64(t)
				s.sq += d * d
				s.n++
			}
		}
	}
}

func (s *scorer) metrics() Metrics {
	m := Metrics{Task: s.task, N: s.n}
	if s.n == 0 {
		return m
	}
	switch s.task {
	case data.Classification:
		m.Accuracy = float64(s.correct) / float64(s.n)
	case data.Binary:
		m.LogLoss = s.logloss / float64(s.n)
		m.AUC = AUC(s.scores, s.labels)
	case data.Regression:
		m.RMSE = math.Sqrt(s.sq / float64(s.n))
	}
	return m
}

// AUC is the area under the ROC curve: the probability that a random
// positive scores above a random negative, ties counting half (the
// Mann-Whitney statistic, with tied scores given their average rank). It
// is NaN when either class is absent.
func AUC(scores []float64, positive []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var rankSum float64
	pos := 0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1 .. j
		for k := i; k < j; k++ {
			if positive[idx[k]] {
				rankSum += avg
				pos++
			}
		}
		i = j
	}
	neg := len(scores) - pos
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
}
