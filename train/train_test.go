package train

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// blobs is a small classification set: three Gaussian blobs in 2-D laid
// out as [1, 4, 4] images (the blob's centre repeated), so that conv,
// pool and dense layers all take part.
func blobs(n int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 9))
	x := tensor.New(tensor.F32, n, 1, 4, 4)
	y := tensor.New(tensor.I32, n)
	centres := [][2]float64{{-2, 0}, {2, 0}, {0, 2.5}}
	for i := 0; i < n; i++ {
		c := r.IntN(3)
		y.I32[i] = int32(c)
		for j := 0; j < 16; j++ {
			x.F32[i*16+j] = float32(centres[c][j%2] + r.NormFloat64()*0.7)
		}
	}
	return &data.Dataset{Name: "blobs", Inputs: []data.Named{{T: x}}, Target: y, Task: data.Classification, Classes: 3}
}

const blobModel = `model blobs {
  input x: f32[1, 4, 4]
  c = relu(conv2d(x, 4, kernel=3, pad=1))
  b = batchnorm(c)
  p = maxpool(b, 2)
  h = relu(dense(flatten(p), 16))
  output logits = dense(dropout(h, 0.2), 3)
}
`

func compile(t *testing.T, src string) *ir.Graph {
	t.Helper()
	p, err := frontend.Compile("m.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p.Graph
}

func TestTrainLearns(t *testing.T) {
	g := compile(t, blobModel)
	split := &data.Split{Train: blobs(600, 1), Test: blobs(300, 2)}
	res, err := Train(g, split, Config{Epochs: 8, Batch: 32, LR: 0.01, Optimizer: "adam", Seed: 3, Schedule: Schedule{Kind: "cosine"}})
	if err != nil {
		t.Fatal(err)
	}
	if acc := res.Test.Accuracy; acc < 0.9 {
		t.Errorf("test accuracy %.3f after training on separable blobs, want >= 0.9", acc)
	}
	if first, last := res.Epochs[0].Loss, res.Epochs[len(res.Epochs)-1].Loss; !(last < first) {
		t.Errorf("loss did not fall: %v -> %v", first, last)
	}
}

// TestTrainDeterministic: the same seed gives the same weights, bit for
// bit, whether the kernels use one goroutine or several.
func TestTrainDeterministic(t *testing.T) {
	var weights []map[string]*tensor.Tensor
	for _, workers := range []int{1, 2, 3} {
		g := compile(t, blobModel)
		split := &data.Split{Train: blobs(200, 1)}
		if _, err := Train(g, split, Config{Epochs: 2, Batch: 16, LR: 0.01, Optimizer: "sgd", Momentum: 0.9, Seed: 5, Workers: workers}); err != nil {
			t.Fatal(err)
		}
		weights = append(weights, g.Weights())
	}
	for name, w := range weights[0] {
		for k := 1; k < len(weights); k++ {
			if !tensor.Equal(w, weights[k][name]) {
				t.Errorf("%s differs between runs with 1 and %d workers", name, k+1)
			}
		}
	}
}

func TestTrainErrors(t *testing.T) {
	good := blobs(20, 1)
	wrongShape := &data.Dataset{Name: "flat", Inputs: []data.Named{{T: tensor.New(tensor.F32, 20, 16)}}, Target: good.Target, Task: data.Classification, Classes: 3}
	nan := blobs(20, 1)
	nan.Inputs[0].T.F32[37] = float32(math.NaN())
	empty := &data.Dataset{Name: "empty", Inputs: []data.Named{{T: tensor.New(tensor.F32, 0, 1, 4, 4)}}, Target: tensor.New(tensor.I32, 0), Task: data.Classification, Classes: 3}
	fourClasses := blobs(20, 1)
	fourClasses.Classes = 4
	binary := &data.Dataset{Name: "clicks", Inputs: good.Inputs, Target: tensor.New(tensor.F32, 20, 1), Task: data.Binary}
	cases := []struct {
		set  *data.Dataset
		want string
	}{
		{wrongShape, "flat: input x is f32[20,16], model blobs wants f32[N,1,4,4]"},
		{nan, "NaN"},
		{empty, "no examples"},
		{fourClasses, "blobs has 4 classes, but output logits of model blobs is f32[N,3]"},
		{binary, "clicks holds binary targets, but output logits of model blobs is f32[N,3]"},
	}
	for _, c := range cases {
		g := compile(t, blobModel)
		_, err := Train(g, &data.Split{Train: c.set}, Config{Epochs: 1, Batch: 4, LR: 0.1})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.set.Name, err, c.want)
		}
	}
}

// TestTrainBinaryAndRegression runs the other two tasks end to end: a
// click model whose sigmoid output is trained through its logits, and a
// masked regression.
func TestTrainBinaryAndRegression(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	n := 400
	ids := tensor.New(tensor.I32, n, 2)
	clicks := tensor.New(tensor.F32, n, 1)
	for i := 0; i < n; i++ {
		u, m := r.IntN(10), 10+r.IntN(10)
		ids.I32[2*i], ids.I32[2*i+1] = int32(u), int32(m)
		if (u+m)%2 == 0 {
			clicks.F32[i] = 1
		}
	}
	set := &data.Dataset{Name: "clicks", Inputs: []data.Named{{Name: "fields", T: ids}}, Target: clicks, Task: data.Binary}
	g := compile(t, `model fm {
  input fields: i32[2]
  e = embedding(fields, vocab=20, dim=4)
  lin = sum(embedding(fields, vocab=20, dim=1))
  output click = sigmoid(fm(e) + lin)
}
`)
	res, err := Train(g, &data.Split{Train: set, Test: set}, Config{Epochs: 30, Batch: 20, LR: 0.05, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Test.AUC < 0.9 {
		t.Errorf("FM on a parity pattern: AUC %.3f, want >= 0.9", res.Test.AUC)
	}

	x := tensor.New(tensor.F32, n, 3)
	y := tensor.New(tensor.F32, n, 2)
	for i := 0; i < n; i++ {
		a, b, c := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		x.F32[3*i], x.F32[3*i+1], x.F32[3*i+2] = float32(a), float32(b), float32(c)
		y.F32[2*i] = float32(2*a - b)
		y.F32[2*i+1] = float32(math.NaN()) // never observed: must not matter
		if i%2 == 0 {
			y.F32[2*i+1] = float32(c + 1)
		}
	}
	reg := &data.Dataset{Name: "linear", Inputs: []data.Named{{T: x}}, Target: y, Task: data.Regression}
	g = compile(t, "model lin {\n  input x: f32[3]\n  output y = dense(x, 2)\n}\n")
	res, err = Train(g, &data.Split{Train: reg, Test: reg}, Config{Epochs: 40, Batch: 16, LR: 0.05, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Test.RMSE > 0.05 {
		t.Errorf("linear regression with masked targets: RMSE %.4f, want < 0.05", res.Test.RMSE)
	}
}

// TestEmbeddingBagTrains: a click that depends on the share of "good" ids
// (below 6) in a list of up to four, padded with -1, is learned through
// an embedding bag's mean; a data set with an id outside the vocabulary
// that is not the pad id is refused up front.
func TestEmbeddingBagTrains(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	n := 400
	ids := tensor.New(tensor.I32, n, 4)
	clicks := tensor.New(tensor.F32, n, 1)
	for i := 0; i < n; i++ {
		c, good := 1+r.IntN(4), 0
		for l := range 4 {
			ids.I32[4*i+l] = -1
			if l < c {
				id := r.IntN(12)
				ids.I32[4*i+l] = int32(id)
				if id < 6 {
					good++
				}
			}
		}
		if 2*good > c {
			clicks.F32[i] = 1
		}
	}
	set := &data.Dataset{Name: "bags", Inputs: []data.Named{{Name: "items", T: ids}}, Target: clicks, Task: data.Binary}
	g := compile(t, `model bag {
  input items: i32[4]
  h = embedding_bag(items, vocab=12, dim=4, pad=-1)
  output click = sigmoid(dense(h, 1))
}
`)
	res, err := Train(g, &data.Split{Train: set, Test: set}, Config{Epochs: 30, Batch: 20, LR: 0.05, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Test.AUC < 0.9 {
		t.Errorf("share of good ids through a bag: AUC %.3f, want >= 0.9", res.Test.AUC)
	}
	ids.I32[4*7+3] = 12
	_, err = Train(g, &data.Split{Train: set, Test: set}, Config{Epochs: 1, Batch: 20, LR: 0.05, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "input items holds id 12 (example 7), outside embedding h's vocabulary [0, 12)") {
		t.Errorf("id 12: got %v", err)
	}
}
