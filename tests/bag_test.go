package tests

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/runtime/kernels"
	"github.com/kiln-nn/kiln/tensor"
)

// TestVMEmbeddingBag builds embedding bags of every list length from 1 to
// 8, mean and sum, padded with an id inside the vocabulary (0) or outside
// it (-1), and runs them on the VM (every kernel set this machine runs)
// against the integer reference executor on lists drawn to hold every
// count of ids from none (pad alone) to the whole list, a single id, and
// repeated ids (a vocabulary of 6): every output bit must agree.
func TestVMEmbeddingBag(t *testing.T) {
	for l := 1; l <= 8; l++ {
		for _, c := range []struct {
			mode string
			pad  int32
		}{{"mean", 0}, {"sum", 0}, {"mean", -1}, {"sum", 5}} {
			name := fmt.Sprintf("L%d-%s-pad%d", l, c.mode, c.pad)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				src := fmt.Sprintf("model bag {\n  input ids: i32[2, %d]\n  output y = embedding_bag(ids, vocab=6, dim=5, pad=%d, mode=%q)\n}\n", l, c.pad, c.mode)
				b, err := buildSource(name+".kiln", []byte(src))
				if err != nil {
					t.Fatal(err)
				}
				sets := kernels.Runnable()
				var sessions []*runtime.Session
				for _, set := range sets {
					m, err := runtime.Load(b.kbc, &runtime.Options{Kernels: set})
					if err != nil {
						t.Fatal(err)
					}
					sessions = append(sessions, newSession(t, m, 64))
				}
				r := rand.New(rand.NewPCG(uint64(l), uint64(c.pad+2)))
				counts := map[int]bool{}
				for range 4 {
					ids := bagIDs(r, 64*2, l, 6, c.pad, counts)
					bt := batch{n: 64, values: []runtime.Value{{I32: ids.I32}}, feeds: map[string]*tensor.Tensor{"ids": ids}}
					want, want8 := reference(t, b.quant, bt)
					for si, s := range sessions {
						got := outputsFor(s.Model(), bt.n, false)
						if err := s.Run(bt.values, got); err != nil {
							t.Fatal(err)
						}
						got8 := outputsFor(s.Model(), bt.n, true)
						if err := s.RunQuantized(bt.values, got8); err != nil {
							t.Fatal(err)
						}
						for j, x := range want[0].F32 {
							if x != got[0].F32[j] || want8[0][j] != got8[0].I8[j] {
								t.Fatalf("%s kernels: element %d: VM %v (%d), reference %v (%d)", sets[si], j, got[0].F32[j], got8[0].I8[j], x, want8[0][j])
							}
						}
					}
				}
				for k := 0; k <= l; k++ {
					if !counts[k] {
						t.Errorf("no list of %d ids was drawn", k)
					}
				}
			})
		}
	}
}

// bagIDs draws n lists of l ids below vocab: each list's count uniform in
// [0, l], the rest pad, at random places. counts records the counts drawn.
func bagIDs(r *rand.Rand, n, l, vocab int, pad int32, counts map[int]bool) *tensor.Tensor {
	ids := tensor.New(tensor.I32, n/2, 2, l)
	for b := range n {
		list := ids.I32[b*l : (b+1)*l]
		c := r.IntN(l + 1)
		counts[c] = true
		for i := range list {
			list[i] = pad
		}
		for _, i := range r.Perm(l)[:c] {
			for list[i] = int32(r.IntN(vocab)); list[i] == pad; list[i] = int32(r.IntN(vocab)) {
			}
		}
	}
	return ids
}

// TestVMEmbeddingBagBadID: an id outside the vocabulary that is not the
// pad id makes Run fail, naming it, and the session runs on afterwards; the
// pad id outside the vocabulary is no error.
func TestVMEmbeddingBagBadID(t *testing.T) {
	b, err := buildSource("bag.kiln", []byte("model bag {\n  input ids: i32[3]\n  output y = embedding_bag(ids, vocab=4, dim=2, pad=-1)\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.Load(b.kbc, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := newSession(t, m, 2)
	for _, ids := range [][]int32{{0, 1, 4}, {-2, 0, 0}, {0, 0, 0, 3, -1, 1 << 30}} {
		out := []runtime.Value{{F32: make([]float32, len(ids)/3*2)}}
		err := s.Run([]runtime.Value{{I32: ids}}, out)
		if err == nil || !strings.Contains(err.Error(), "outside [0, 4)") {
			t.Errorf("ids %v: got %v, want an id outside [0, 4)", ids, err)
		}
	}
	out := []runtime.Value{{F32: make([]float32, 4)}}
	if err := s.Run([]runtime.Value{{I32: []int32{-1, -1, -1, 3, -1, 3}}}, out); err != nil {
		t.Fatal(err)
	}
	if o := out[0].F32; o[0] != 0 || o[1] != 0 {
		t.Errorf("a list of pad alone gave %v, want zeros", o[:2])
	}
}

// retrievalSrc is a candidate generator in YouTube's style: the mean of
// the watched items' embeddings through a layer, scored against every
// item (score_items, which runs as qdense with one scale per item row).
const retrievalSrc = `model retrieval {
  input watched: i32[6]
  history = embedding_bag(watched, vocab=30, dim=8)
  u = relu(dense(history, 8))
  output scores = score_items(u, vocab=30)
}
`

// TestVMRetrieval runs retrievalSrc on the VM against the integer
// reference executor, every kernel set, 1,000 random examples.
func TestVMRetrieval(t *testing.T) {
	b, err := buildSource("retrieval.kiln", []byte(retrievalSrc))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.quant.Format(ir.PrintOptions{}), "= qdense %u.q, %scores.weight.q") {
		t.Fatalf("score_items did not lower to qdense:\n%s", b.quant.Format(ir.PrintOptions{}))
	}
	checkBitExact(t, b, 10, 100)
}
