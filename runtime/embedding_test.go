package runtime_test

import (
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/kiln-nn/kiln/internal/testbuild"
	"github.com/kiln-nn/kiln/runtime"
)

// TestEmbeddingCopy checks that a compiled model's embeddings copy their
// rows (the compiler writes one identity rescale), that the copy gives the
// reference kernel's bits, that an id out of range is still refused, and
// that a version 1 file's per-row rescales go through the kernel.
func TestEmbeddingCopy(t *testing.T) {
	const src = `model emb {
  input ids: i32[3]
  e = embedding(ids, vocab=50, dim=8)
  w = sum(embedding(ids, vocab=50, dim=1))
  output y = dense(flatten(e), 4) + w
}
`
	r, err := testbuild.Compile("emb.kiln", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	load := func(copyRows bool) *runtime.Model {
		m, err := runtime.Load(r.Bytecode, nil)
		if err != nil {
			t.Fatal(err)
		}
		runtime.SetCopyEmbeddings(m, copyRows)
		return m
	}
	fast, slow := load(true), load(false)
	if c, n := runtime.CopiedEmbeddings(fast); c != 2 || n != 2 {
		t.Fatalf("%d of %d embeddings copy their rows, want 2 of 2", c, n)
	}
	if c, _ := runtime.CopiedEmbeddings(slow); c != 0 {
		t.Fatalf("%d embeddings copy after SetCopyEmbeddings(false)", c)
	}
	const n = 64
	ids := make([]int32, 3*n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range ids {
		ids[i] = int32(rng.IntN(50))
	}
	run := func(m *runtime.Model, ids []int32) ([]float32, error) {
		s, err := m.NewSession(n)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		y := make([]float32, 4*(len(ids)/3))
		return y, s.Run([]runtime.Value{{I32: ids}}, []runtime.Value{{F32: y}})
	}
	a, err := run(fast, ids)
	if err != nil {
		t.Fatal(err)
	}
	b, err := run(slow, ids)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Errorf("copied rows give %v, the reference kernel %v", a, b)
	}
	ids[7] = 50
	_, errFast := run(fast, ids)
	_, errSlow := run(slow, ids)
	if errFast == nil || errSlow == nil || errFast.Error() != errSlow.Error() {
		t.Errorf("id 50 of 50: errors %v and %v, want the same error", errFast, errSlow)
	}

	// runtime/testdata/ops_v1.kbc is a version 1 file (ops.kbc as the
	// version 1 encoder wrote it): one rescale per row.
	b1, err := os.ReadFile("testdata/ops_v1.kbc")
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.Load(b1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, n := runtime.CopiedEmbeddings(m); c != 0 || n == 0 {
		t.Errorf("ops_v1.kbc: %d of %d embeddings copy their rows, want 0 of at least 1", c, n)
	}
}
