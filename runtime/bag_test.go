package runtime

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// bagCase is a prescaled EMBEDDING_BAG's parameters and a batch of lists.
func bagCase(r *rand.Rand, vocab, dim, l, n int, sum bool) (ref.EmbeddingBagParams, []int32, []int8) {
	scales := make([]float32, vocab)
	for i := range scales {
		scales[i] = 1 // prescaled: every row rescale is the identity
	}
	p := ref.EmbeddingBagParamsFor(scales, dim, l, int32(r.IntN(vocab+1)-1), sum, 0.5+r.Float32()*float32(l)*0.2, int32(r.IntN(256)-128))
	table := make([]int8, vocab*dim)
	for i := range table {
		table[i] = int8(r.IntN(256) - 128)
	}
	ids := make([]int32, n*l)
	for i := range ids {
		ids[i] = int32(r.IntN(vocab))
		if r.IntN(3) == 0 {
			ids[i] = p.Pad
		}
	}
	return p, ids, table
}

// TestEmbeddingBagRows: the VM's kernel for prescaled tables gives the
// reference kernel's bits, with more columns than it sums at a time, and
// refuses the same ids without writing.
func TestEmbeddingBagRows(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	for range 300 {
		vocab, dim, l, n := 1+r.IntN(20), 1+r.IntN(3*bagBlock), 1+r.IntN(9), 1+r.IntN(5)
		p, ids, table := bagCase(r, vocab, dim, l, n, r.IntN(2) == 0)
		if p.Rows[0] != identityRescale {
			t.Fatalf("row rescale %+v is not the identity", p.Rows[0])
		}
		if r.IntN(4) == 0 {
			ids[r.IntN(len(ids))] = int32(vocab + r.IntN(3))
		}
		want, got := make([]int8, n*dim), make([]int8, n*dim)
		errWant := ref.EmbeddingBag(&p, ids, table, want)
		errGot := embeddingBagRows(&p, ids, table, got)
		if (errWant == nil) != (errGot == nil) || (errWant != nil && errWant.Error() != errGot.Error()) {
			t.Fatalf("errors: reference %v, VM %v", errWant, errGot)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("vocab %d dim %d len %d: VM %v, reference %v", vocab, dim, l, got, want)
		}
	}
}

// BenchmarkEmbeddingBag times the reference kernel and the VM's on 64
// lists of 20 ids, 16 columns, a table of 1,000 rows.
func BenchmarkEmbeddingBag(b *testing.B) {
	p, ids, table := bagCase(rand.New(rand.NewPCG(1, 1)), 1000, 16, 20, 64, false)
	out := make([]int8, 64*16)
	for _, k := range []struct {
		name string
		f    func(*ref.EmbeddingBagParams, []int32, []int8, []int8) error
	}{{"reference", ref.EmbeddingBag}, {"vm", embeddingBagRows}} {
		b.Run(k.name, func(b *testing.B) {
			for range b.N {
				if err := k.f(&p, ids, table, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
