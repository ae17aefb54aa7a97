package train

import (
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// bigrams is a text set where only word order tells the classes apart:
// every sentence of ten words (ids 10..49 as filler) holds the words 7
// and 3 once each, side by side; class 1 when 7 comes first.
func bigrams(n int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 11))
	const l = 10
	ids := tensor.New(tensor.I32, n, l)
	y := tensor.New(tensor.I32, n)
	for i := range n {
		s := ids.I32[i*l : (i+1)*l]
		for k := range s {
			s[k] = int32(10 + r.IntN(40))
		}
		at, first := r.IntN(l-1), r.IntN(2)
		s[at], s[at+1] = 3, 7
		if first == 1 {
			s[at], s[at+1] = 7, 3
		}
		y.I32[i] = int32(first)
	}
	return &data.Dataset{Name: "bigrams", Inputs: []data.Named{{Name: "ids", T: ids}}, Target: y, Task: data.Classification, Classes: 2}
}

// TestTransposeTextCNNTrains trains a text CNN whose convolution reads
// the embedded words through a transpose ([L, dim] to conv1d's [dim, L]):
// the classes differ only in the order of two words, which a bag of the
// words cannot tell apart and a window of three over the sentence can.
// The gradient reaches the embedding table only through the transpose.
func TestTransposeTextCNNTrains(t *testing.T) {
	g := compile(t, `model textcnn {
  input ids: i32[10]
  e = embedding(ids, vocab=50, dim=8)
  c = relu(conv1d(transpose(e), 4, kernel=3, pad=1))
  output logits = dense(flatten(maxpool(c, 10)), 2)
}
`)
	through := false
	for _, v := range g.Values {
		if v.Op == ir.OpConv1D && v.Args[0].Op == ir.OpTranspose && v.Args[0].Args[0].Op == ir.OpEmbedding {
			through = true
		}
	}
	if !through {
		t.Fatal("the model has no embedding feeding conv1d through a transpose")
	}
	split := &data.Split{Train: bigrams(400, 1), Test: bigrams(200, 2)}
	res, err := Train(g, split, Config{Epochs: 15, Batch: 20, LR: 0.02, Optimizer: "adam", Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if acc := res.Test.Accuracy; acc < 0.95 {
		t.Errorf("test accuracy %.3f on word order, want >= 0.95", acc)
	}
	if first, last := res.Epochs[0].Loss, res.Epochs[len(res.Epochs)-1].Loss; !(last < first/2) {
		t.Errorf("loss %v -> %v: did not halve", first, last)
	}
}
