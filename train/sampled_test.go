package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/tensor"
)

func randomLogits(rng *rand.Rand, n, c int) *tensor.Tensor {
	t := tensor.New(tensor.F32, n, c)
	for i := range t.F32 {
		t.F32[i] = float32(rng.NormFloat64() * 2)
	}
	return t
}

// With every class drawn once and a uniform q, the candidates are every
// class once (the label's own draw is an accidental hit), and the
// correction log(S q) is 0: the sampled loss is the full softmax's.
func TestSampledSoftmaxEveryClassIsFullSoftmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, c = 5, 7
	logits := randomLogits(rng, n, c)
	labels := []int32{0, 3, 6, 3, 1}
	sampled := []int32{6, 5, 4, 3, 2, 1, 0}
	q := make([]float64, c)
	for i := range q {
		q[i] = 1.0 / c
	}
	gs, gf := tensor.New(tensor.F32, n, c), tensor.New(tensor.F32, n, c)
	ls := SampledSoftmax(logits, labels, sampled, q, gs)
	lf := SoftmaxCrossEntropy(logits, labels, gf)
	if math.Abs(ls-lf) > 1e-9 {
		t.Errorf("loss %v, full softmax %v", ls, lf)
	}
	for i := range gs.F32 {
		if math.Abs(float64(gs.F32[i]-gf.F32[i])) > 1e-6 {
			t.Fatalf("gradient %d: %v, full softmax %v", i, gs.F32[i], gf.F32[i])
		}
	}
}

// The gradient matches central differences of the loss, with repeated
// samples, an accidental hit and a non-uniform q.
func TestSampledSoftmaxGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, c = 4, 9
	logits := randomLogits(rng, n, c)
	labels := []int32{2, 2, 8, 0}
	sampled := []int32{1, 2, 5, 5, 8, 0}
	q := make([]float64, c)
	sum := 0.0
	for i := range q {
		q[i] = float64(i + 1)
		sum += q[i]
	}
	for i := range q {
		q[i] /= sum
	}
	g := tensor.New(tensor.F32, n, c)
	SampledSoftmax(logits, labels, sampled, q, g)
	scratch := tensor.New(tensor.F32, n, c)
	const h = 1e-3
	for i := range logits.F32 {
		x := logits.F32[i]
		logits.F32[i] = x + h
		up := SampledSoftmax(logits, labels, sampled, q, scratch)
		logits.F32[i] = x - h
		down := SampledSoftmax(logits, labels, sampled, q, scratch)
		logits.F32[i] = x
		num := (up - down) / (2 * h)
		if math.Abs(num-float64(g.F32[i])) > 1e-4 {
			t.Errorf("logit %d: gradient %v, numerically %v", i, g.F32[i], num)
		}
	}
	// Classes neither a label nor drawn get no gradient.
	for b := range n {
		for _, j := range []int{3, 4, 6, 7} {
			if g.F32[b*c+j] != 0 {
				t.Errorf("example %d, class %d: gradient %v, want 0", b, j, g.F32[b*c+j])
			}
		}
	}
	// Only accidental hits: the label is the only candidate, the loss 0.
	if l := SampledSoftmax(logits, []int32{5, 5, 5, 5}, []int32{5, 5}, q, g); l != 0 {
		t.Errorf("loss %v with every sample a hit, want 0", l)
	}
}

// The alias sampler draws each class with its probability q, which is
// proportional to (count+1)^0.75.
func TestClassSampler(t *testing.T) {
	count := []float64{0, 100, 3, 0, 40, 7, 1000, 2}
	s := newClassSampler(count)
	total := 0.0
	for _, x := range count {
		total += math.Pow(x+1, 0.75)
	}
	for j, x := range count {
		if want := math.Pow(x+1, 0.75) / total; math.Abs(s.q[j]-want) > 1e-12 {
			t.Errorf("q[%d] = %v, want %v", j, s.q[j], want)
		}
	}
	const draws = 400000
	got := make([]float64, len(count))
	dst := make([]int32, 1000)
	rng := rand.New(rand.NewPCG(5, 6))
	for range draws / len(dst) {
		s.draw(rng, dst)
		for _, j := range dst {
			got[j]++
		}
	}
	for j := range got {
		p := got[j] / draws
		sd := math.Sqrt(s.q[j] * (1 - s.q[j]) / draws)
		if math.Abs(p-s.q[j]) > 5*sd {
			t.Errorf("class %d drawn %.5f of the time, want %.5f (sd %.5f)", j, p, s.q[j], sd)
		}
	}
}

func TestRankOf(t *testing.T) {
	score := []float32{0.5, 0.9, 0.5, 0.1, 0.7}
	for _, c := range []struct {
		label   int32
		exclude []int32
		want    int
	}{
		{1, nil, 0},
		{4, nil, 1},
		{0, nil, 2},        // ties with class 2, which comes after it
		{2, nil, 3},        // ties with class 0, which comes first
		{2, []int32{0}, 2}, // the tie excluded
		{3, []int32{1, 4}, 2},
		{4, []int32{4}, 1}, // an excluded label keeps its rank
	} {
		if got := rankOf(score, c.label, c.exclude); got != c.want {
			t.Errorf("rank of %d excluding %v: %d, want %d", c.label, c.exclude, got, c.want)
		}
	}
}

// Recall and NDCG at K from a whole evaluation's scorer, model and prior.
func TestRankedScorer(t *testing.T) {
	set := &data.Dataset{Classes: 4, Rank: 2, Exclude: [][]int32{{0}, nil, {1, 2}}, Prior: []float32{4, 3, 2, 1}}
	sc := &scorer{task: data.Classification, set: set}
	out := []float32{
		9, 1, 5, 3, // label 3: rank 1 once class 0 is excluded
		1, 2, 3, 4, // label 0: rank 3, a miss
		0, 9, 9, 1, // label 0: rank 1 once 1 and 2 are excluded
	}
	labels := []int32{3, 0, 0}
	sc.add(out, nil, labels, 4)
	sc.addRanked(out, labels, []int{0, 1, 2}, 4)
	m := sc.metrics()
	if m.K != 2 || math.Abs(m.Recall-2.0/3) > 1e-12 || math.Abs(m.NDCG-(2/math.Log2(3))/3) > 1e-12 {
		t.Errorf("recall@%d %v, NDCG %v", m.K, m.Recall, m.NDCG)
	}
	// The prior ranks the first label at 2 (after classes 1 and 2), a
	// miss; the other two labels first.
	if !m.Prior || math.Abs(m.PriorRecall-2.0/3) > 1e-12 || math.Abs(m.PriorNDCG-2.0/3) > 1e-12 {
		t.Errorf("prior: recall %v, NDCG %v", m.PriorRecall, m.PriorNDCG)
	}
}

// The sparse step (the dense layer's candidate rows only) gives the
// gradients of every parameter that the sampled loss on the whole layer's
// logits gives.
func TestSampledDenseMatchesFullLogits(t *testing.T) {
	const src = `model m {
  input x: f32[5]
  h = relu(dense(x, 8))
  output logits = dense(h, 30)
}
`
	grads := func(sparse bool) ([]*tensor.Tensor, float64) {
		g := compile(t, src)
		Init(g, 7)
		net, err := NewNet(g, newCtx(true, 1), nil)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(8, 9))
		x := tensor.New(tensor.F32, 6, 5)
		for i := range x.F32 {
			x.F32[i] = float32(rng.NormFloat64())
		}
		labels := []int32{0, 29, 4, 4, 17, 3}
		sampled := []int32{4, 11, 11, 2, 29, 0, 8}
		q := make([]float64, 30)
		for j := range q {
			q[j] = float64(j+1) / (30 * 31 / 2)
		}
		logits := g.Outputs[0]
		var sd *sampledDense
		if sparse {
			if sd = newSampledDense(net, logits); sd == nil {
				t.Fatal("no sparse step for a dense layer's logits")
			}
		}
		if _, err := net.Forward([]*tensor.Tensor{x}); err != nil {
			t.Fatal(err)
		}
		var l float64
		if sparse {
			l = sd.loss(net, labels, sampled, q)
			net.ZeroGrads()
			sd.backward(net, labels, sampled)
		} else {
			gl := tensor.New(tensor.F32, 6, 30)
			l = SampledSoftmax(net.Act(logits), labels, sampled, q, gl)
			net.ZeroGrads()
			net.Backward(logits, gl)
		}
		return net.Grads, l
	}
	full, lf := grads(false)
	part, ls := grads(true)
	if math.Abs(lf-ls) > 1e-6 {
		t.Errorf("loss %v sparse, %v on the whole layer", ls, lf)
	}
	for k := range full {
		for i := range full[k].F32 {
			if d := math.Abs(float64(full[k].F32[i] - part[k].F32[i])); d > 1e-5 {
				t.Fatalf("parameter %d, element %d: gradient %v sparse, %v on the whole layer", k, i, part[k].F32[i], full[k].F32[i])
			}
		}
	}
}

// HR@K and NDCG@K of a binary set ranked by group.
func TestGroupRanking(t *testing.T) {
	scores := []float64{0.9, 0.1, 0.5, 0.5, 0.2, 0.8, 0.3, 0.7}
	positive := []bool{false, true, true, false, false, false, false, true}
	group := []int32{1, 1, 1, 2, 2, 3, 3, 3}
	// Group 1: 0.9 (no), 0.5 (yes), 0.1 (yes): a hit at rank 1.
	// Group 2 has no positive: left out.
	// Group 3: 0.8 (no), 0.7 (yes), 0.3: a hit at rank 1.
	hr, ndcg := groupRanking(scores, positive, group, 2)
	want1 := (1 / math.Log2(3)) / (1 + 1/math.Log2(3))
	want3 := (1 / math.Log2(3)) / 1
	if hr != 1 || math.Abs(ndcg-(want1+want3)/2) > 1e-12 {
		t.Errorf("HR@2 %v, NDCG@2 %v; want 1, %v", hr, ndcg, (want1+want3)/2)
	}
	// At K=1 no group has a positive first.
	if hr, ndcg := groupRanking(scores, positive, group, 1); hr != 0 || ndcg != 0 {
		t.Errorf("HR@1 %v, NDCG@1 %v; want 0, 0", hr, ndcg)
	}
	// Ties go to the earlier example: group 2's second example made a
	// positive that ties with its first, a negative, which ranks first.
	positive[4] = true
	scores[4] = 0.5
	scores[3] = 0.5
	if hr, _ := groupRanking(scores, positive, group, 1); hr != 0 {
		t.Errorf("HR@1 %v with a tie won by the earlier, negative example; want 0", hr)
	}
}
