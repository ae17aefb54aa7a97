package train

import (
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// distill trains a fresh student on blobs with the distillation loss and
// returns its weights.
func distill(t *testing.T, teacher *ir.Graph, set *data.Dataset, student string) map[string]*tensor.Tensor {
	t.Helper()
	g := compile(t, student)
	cfg := Config{Epochs: 2, Batch: 16, LR: 0.01, Optimizer: "adam", Seed: 2, Loss: "distill",
		Teacher: &Teacher{Graph: teacher, Temperature: 3, Hard: 0.3}}
	if _, err := Train(g, &data.Split{Train: set}, cfg); err != nil {
		t.Fatal(err)
	}
	return g.Weights()
}

func sameWeights(t *testing.T, what string, a, b map[string]*tensor.Tensor) {
	t.Helper()
	for name, w := range a {
		if !tensor.Equal(w, b[name]) {
			t.Errorf("%s: %s differs", what, name)
		}
	}
}

// TestDistillTeacherLikeStudent: the teacher's output is read as the
// student's is. A teacher ending in a softmax gives its logits (the
// softmax's operand), and a teacher that declares its inputs in another
// order gets each input by name: both teach exactly what the plain
// teacher does.
func TestDistillTeacherLikeStudent(t *testing.T) {
	const student = `model student {
  input x: f32[1, 4, 4]
  output logits = dense(flatten(x), 3)
}
`
	logits := compile(t, `model teacher {
  input x: f32[1, 4, 4]
  h = relu(dense(flatten(x), 8))
  output logits = dense(h, 3)
}
`)
	Init(logits, 4)
	probs := compile(t, `model teacher {
  input x: f32[1, 4, 4]
  h = relu(dense(flatten(x), 8))
  logits = dense(h, 3)
  output p = softmax(logits)
}
`)
	if err := probs.Bind(logits.Weights()); err != nil {
		t.Fatal(err)
	}
	set := blobs(96, 1)
	sameWeights(t, "a softmax teacher", distill(t, logits, set, student), distill(t, probs, set, student))

	two := blobs(96, 2)
	y := tensor.New(tensor.F32, 96, 2)
	for i := range y.F32 {
		y.F32[i] = float32(i%5) - 2
	}
	two.Inputs = []data.Named{{Name: "x", T: two.Inputs[0].T}, {Name: "y", T: y}}
	const student2 = `model student {
  input x: f32[1, 4, 4]
  input y: f32[2]
  output logits = dense(concat(flatten(x), y), 3)
}
`
	inOrder := compile(t, `model teacher {
  input x: f32[1, 4, 4]
  input y: f32[2]
  z = dense(y, 16)
  output logits = dense(concat(flatten(x), z), 3)
}
`)
	Init(inOrder, 5)
	reversed := compile(t, `model teacher {
  input y: f32[2]
  input x: f32[1, 4, 4]
  z = dense(y, 16)
  output logits = dense(concat(flatten(x), z), 3)
}
`)
	if err := reversed.Bind(inOrder.Weights()); err != nil {
		t.Fatal(err)
	}
	sameWeights(t, "a teacher with its inputs in another order", distill(t, inOrder, two, student2), distill(t, reversed, two, student2))
}
