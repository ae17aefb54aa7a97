package train

import (
	"fmt"
	"math"
	"sort"
	"strings"

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

	// A set with a rank K (data.Dataset.Rank) is scored as retrieval too:
	// each label is ranked among the classes not excluded for its example,
	// ties broken towards the lower class id (as a served top-K would).
	K      int
	Recall float64 // fraction of examples whose label ranks in the top K
	NDCG   float64 // mean of 1/log2(rank+2) over labels in the top K (rank from 0); binary: per group, DCG@K over the ideal DCG@K
	// HR is, for a binary set ranked by group, the share of groups (with a
	// positive) that have a positive among their K best-scored examples.
	HR float64
	// PriorRecall and PriorNDCG score the set's baseline ranking
	// (data.Dataset.Prior) in the same way.
	PriorRecall, PriorNDCG float64
	Prior                  bool // the set has a prior

	// Confusion counts, for classification, the examples of each label
	// (row) by the class the model chose (column): where accuracy goes.
	Confusion [][]int
}

// ConfusionTable formats m.Confusion with labels (the classes' names, or
// their numbers where labels is nil) heading the rows and columns, and
// each row's recall (its diagonal over its count) at its end.
func (m Metrics) ConfusionTable(labels []string) string {
	n := len(m.Confusion)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprint(i)
		if i < len(labels) {
			names[i] += " " + labels[i]
		}
	}
	w := len("label \\ chosen")
	for _, l := range names {
		w = max(w, len(l))
	}
	col := 6
	for _, row := range m.Confusion {
		for _, c := range row {
			col = max(col, len(fmt.Sprint(c))+1)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s", w, "label \\ chosen")
	for j := range n {
		fmt.Fprintf(&b, " %*d", col, j)
	}
	fmt.Fprintf(&b, " %8s\n", "recall")
	for i, row := range m.Confusion {
		fmt.Fprintf(&b, "%-*s", w, names[i])
		total := 0
		for _, c := range row {
			fmt.Fprintf(&b, " %*d", col, c)
			total += c
		}
		if total > 0 {
			fmt.Fprintf(&b, " %7.2f%%\n", 100*float64(row[i])/float64(total))
		} else {
			fmt.Fprintf(&b, " %8s\n", "-")
		}
	}
	return b.String()
}

func (m Metrics) String() string {
	switch m.Task {
	case data.Classification:
		s := fmt.Sprintf("accuracy %.2f%% (%d examples)", 100*m.Accuracy, m.N)
		if m.K > 0 {
			s += fmt.Sprintf(", recall@%d %.4f, NDCG@%d %.4f", m.K, m.Recall, m.K, m.NDCG)
			if m.Prior {
				s += fmt.Sprintf("; prior's recall@%d %.4f, NDCG@%d %.4f", m.K, m.PriorRecall, m.K, m.PriorNDCG)
			}
		}
		return s
	case data.Binary:
		s := fmt.Sprintf("AUC %.4f, logloss %.4f (%d examples)", m.AUC, m.LogLoss, m.N)
		if m.K > 0 {
			s += fmt.Sprintf(", HR@%d %.4f, NDCG@%d %.4f", m.K, m.HR, m.K, m.NDCG)
		}
		return s
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

	confusion              [][]int
	set                    *data.Dataset // a set scored as retrieval (Rank > 0), else nil
	recall, ndcg           float64
	priorRecall, priorNDCG float64
}

// addRanked scores the examples idx of a retrieval set: out holds their
// scores, one row of classes per example.
func (s *scorer) addRanked(out []float32, labels []int32, idx []int, classes int) {
	d := s.set
	for b, l := range labels {
		var excl []int32
		if d.Exclude != nil {
			excl = d.Exclude[idx[b]]
		}
		if r := rankOf(out[b*classes:(b+1)*classes], l, excl); r < d.Rank {
			s.recall++
			s.ndcg += 1 / math.Log2(float64(r)+2)
		}
		if d.Prior != nil {
			if r := rankOf(d.Prior, l, excl); r < d.Rank {
				s.priorRecall++
				s.priorNDCG += 1 / math.Log2(float64(r)+2)
			}
		}
	}
}

// rankOf is label's rank (0 for the first) among the classes not in
// exclude (increasing) when ranked by score, highest first, ties broken
// towards the lower class id. An excluded label is ranked as if it were
// not excluded.
func rankOf(score []float32, label int32, exclude []int32) int {
	sl := score[label]
	r := 0
	for j, x := range score {
		if x > sl || (x == sl && int32(j) < label) {
			r++
		}
	}
	for _, j := range exclude {
		if x := score[j]; j != label && (x > sl || (x == sl && j < label)) {
			r--
		}
	}
	return r
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
			if s.confusion == nil {
				s.confusion = make([][]int, classes)
				for i := range s.confusion {
					s.confusion[i] = make([]int, classes)
				}
			}
			s.confusion[l][best]++
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
		m.Confusion = s.confusion
		if s.set != nil {
			n := float64(s.n)
			m.K, m.Recall, m.NDCG = s.set.Rank, s.recall/n, s.ndcg/n
			if s.set.Prior != nil {
				m.Prior, m.PriorRecall, m.PriorNDCG = true, s.priorRecall/n, s.priorNDCG/n
			}
		}
	case data.Binary:
		m.LogLoss = s.logloss / float64(s.n)
		m.AUC = AUC(s.scores, s.labels)
		if s.set != nil && len(s.scores) == len(s.set.Group) {
			m.K = s.set.Rank
			m.HR, m.NDCG = groupRanking(s.scores, s.labels, s.set.Group, m.K)
		}
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

// groupRanking ranks each group's examples by score, highest first (ties
// towards the earlier example, as a stable sort of a served list would),
// and returns over the groups with a positive the share with a positive in
// their top k (HR@k) and the mean NDCG@k (binary relevance: DCG of the
// top k over the DCG of the positives ranked first).
func groupRanking(scores []float64, positive []bool, group []int32, k int) (hr, ndcg float64) {
	byGroup := map[int32][]int{}
	var order []int32
	for i, g := range group {
		if _, ok := byGroup[g]; !ok {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], i)
	}
	n := 0
	for _, g := range order {
		idx := byGroup[g]
		pos := 0
		for _, i := range idx {
			if positive[i] {
				pos++
			}
		}
		if pos == 0 {
			continue
		}
		n++
		sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
		dcg, ideal, hit := 0.0, 0.0, false
		for r := 0; r < min(k, len(idx)); r++ {
			if positive[idx[r]] {
				dcg += 1 / math.Log2(float64(r)+2)
				hit = true
			}
			if r < pos {
				ideal += 1 / math.Log2(float64(r)+2)
			}
		}
		if hit {
			hr++
		}
		ndcg += dcg / ideal
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	return hr / float64(n), ndcg / float64(n)
}
