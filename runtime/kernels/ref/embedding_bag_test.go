package ref

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// bagByHand: table [3, 2] with row scales [0.5, 1, 0.25], so S_t = 1:
//
//	row 0 [3, -3]  * 0.5:  QuantizeMultiplier -> (2^30, 0):  1.5 -> 2, -1.5 -> -1   r = [2, -1]
//	row 1 [60, -7] * 1:    (2^30, 1), exact                                         r = [60, -7]
//	row 2 [5, 2]   * 0.25: (2^30, -1): SRDHM 2.5 -> 3, RDBPOT 1.5 -> 2;
//	                       SRDHM 1 -> 1 (1.5 truncated after the nudge), RDBPOT 0.5 -> 1   r = [2, 1]
//
// and the result q(0.5, -3), pad -1, lists of 3. Mean: S_t / (S_out c) =
// 2/c: c=1 (2^30, 2), c=2 (2^30, 1), c=3 QuantizeMultiplier(2/3) =
// (round(2^31 * 2/3) = 1431655765, 0). Sum: 2 for every count.
var bagByHand = struct {
	scales []float32
	table  []int8
}{[]float32{0.5, 1, 0.25}, []int8{3, -3, 60, -7, 5, 2}}

func TestEmbeddingBagByHand(t *testing.T) {
	for _, c := range []struct {
		sum  bool
		ids  []int32
		want []int8
	}{
		// [1]: acc [60, -7], x2 = [120, -14], -3.
		// [0, 2]: acc [4, 0], x1, -3.
		// pad alone: Z_out.
		// [2, 2, 1]: acc [64, -5]; 64 * 2/3 = 42.67: SRDHM (64 M + 2^30) / 2^31 = 43.17 -> 43;
		//   -5 * 2/3 = -3.33: (-5 M + 1 - 2^30) / 2^31 = -3.83, truncated -> -3. Then -3.
		{false, []int32{1, -1, -1, 0, 2, -1, -1, -1, -1, 2, 2, 1}, []int8{117, -17, 1, -3, -3, -3, 40, -6}},
		// Sum, x2: [1, 1, 1]: acc [180, -21] -> [360, -42] - 3 -> [127 (clamped), -45];
		// [0]: [4, -2] - 3; [-1, ...]: Z_out; [2, -1, 2] (pad between ids): acc [4, 2] -> [8, 4] - 3.
		{true, []int32{1, 1, 1, -1, 0, -1, -1, -1, -1, 2, -1, 2}, []int8{127, -45, 1, -5, -3, -3, 5, 1}},
	} {
		p := EmbeddingBagParamsFor(bagByHand.scales, 2, 3, -1, c.sum, 0.5, -3)
		out := make([]int8, len(c.ids)/3*2)
		if err := EmbeddingBag(&p, c.ids, bagByHand.table, out); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(out, c.want) {
			t.Errorf("sum=%v: got %v, want %v", c.sum, out, c.want)
		}
		rows := make([]int8, 6)
		EmbeddingBagRows(&p, bagByHand.table, rows)
		if want := []int8{2, -1, 60, -7, 2, 1}; !slices.Equal(rows, want) {
			t.Errorf("rows at the common scale: got %v, want %v", rows, want)
		}
	}
	if p := EmbeddingBagParamsFor(bagByHand.scales, 2, 3, -1, false, 0.5, -3); p.Counts[2] != (Requant{Mult: 1431655765, Shift: 0}) {
		t.Errorf("count 3's rescale %+v, want {1431655765 0}", p.Counts[2])
	}
}

// TestEmbeddingBagPrescaled: the rows rescaled once (EmbeddingBagRows) with
// the identity rescale for every row give the kernel's bits, which is how
// the compiler writes the table.
func TestEmbeddingBagPrescaled(t *testing.T) {
	r := oracleRand{5}
	for range 200 {
		vocab, dim, l := 1+r.intn(30), 1+r.intn(9), 1+r.intn(8)
		scales := make([]float32, vocab)
		table := make([]int8, vocab*dim)
		for v := range scales {
			scales[v] = r.scale(-10, 2)
		}
		for i := range table {
			table[i] = int8(r.intn(255) - 127)
		}
		pad := int32(r.intn(vocab+2) - 1)
		p := EmbeddingBagParamsFor(scales, dim, l, pad, r.intn(2) == 0, r.scale(-8, 2), int32(r.intn(256)-128))
		ids := make([]int32, l*(1+r.intn(6)))
		for i := range ids {
			ids[i] = int32(r.intn(vocab))
			if r.intn(3) == 0 {
				ids[i] = pad
			}
		}
		want := make([]int8, len(ids)/l*dim)
		if err := EmbeddingBag(&p, ids, table, want); err != nil {
			t.Fatal(err)
		}
		rows := make([]int8, len(table))
		EmbeddingBagRows(&p, table, rows)
		q := p
		q.Rows = slices.Repeat([]Requant{{Mult: 1 << 30, Shift: 1}}, vocab)
		got := make([]int8, len(want))
		if err := EmbeddingBag(&q, ids, rows, got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("prescaled rows give %v, the kernel %v", got, want)
		}
	}
}

// TestEmbeddingBagFloatShadow checks each output against the float mean
// (or sum) of the dequantized rows: within one output step plus half a
// step of S_t per row summed (S_t / 2 for the mean), wherever the output
// is not clamped.
func TestEmbeddingBagFloatShadow(t *testing.T) {
	r := oracleRand{33}
	worst := 0.0
	for range 300 {
		vocab, dim, l := 1+r.intn(40), 1+r.intn(16), 1+r.intn(12)
		scales := make([]float32, vocab)
		table := make([]int8, vocab*dim)
		for v := range scales {
			scales[v] = r.scale(-9, -3)
		}
		for i := range table {
			table[i] = int8(r.intn(255) - 127)
		}
		sum := r.intn(2) == 0
		st := slices.Max(scales)
		outScale := st * 127 / float32(60+r.intn(68)) // the output's range near a row's
		if sum {
			outScale *= float32(1 + r.intn(l))
		}
		outZero := int32(r.intn(41) - 20)
		p := EmbeddingBagParamsFor(scales, dim, l, 0, sum, outScale, outZero)
		ids := make([]int32, l*(1+r.intn(5)))
		for i := range ids {
			ids[i] = int32(r.intn(vocab))
		}
		out := make([]int8, len(ids)/l*dim)
		if err := EmbeddingBag(&p, ids, table, out); err != nil {
			t.Fatal(err)
		}
		for b := range len(ids) / l {
			for d := range dim {
				o := out[b*dim+d]
				if o == -128 || o == 127 {
					continue
				}
				exact, c := 0.0, 0
				for _, id := range ids[b*l : (b+1)*l] {
					if id != 0 {
						exact += float64(scales[id]) * float64(table[int(id)*dim+d])
						c++
					}
				}
				slack := 0.5 * float64(st) * float64(c)
				if !sum && c > 0 {
					exact /= float64(c)
					slack = 0.5 * float64(st)
				}
				got := float64(outScale) * float64(int32(o)-outZero)
				e := math.Abs(got-exact) / (float64(outScale) + slack)
				worst = max(worst, e)
				if e > 1 || (c == 0 && int32(o) != outZero) {
					t.Fatalf("list %v col %d: out %g, float %g (step %g, S_t %g)", ids[b*l:(b+1)*l], d, got, exact, outScale, st)
				}
			}
		}
	}
	t.Logf("worst error %.3f of (one output step + the rows' rounding to S_t)", worst)
}

// TestEmbeddingBagBadIDs: an id outside [0, vocab) that is not the pad id
// is reported, never a panic, and nothing is written; a pad id outside the
// vocabulary is no error.
func TestEmbeddingBagBadIDs(t *testing.T) {
	p := EmbeddingBagParamsFor([]float32{1, 1}, 2, 2, -5, false, 1, 0)
	table := []int8{1, 2, 3, 4}
	for _, ids := range [][]int32{{0, 2}, {-1, 0}, {0, 1, 1, 1 << 30}} {
		out := []int8{9, 9, 9, 9}[:len(ids)]
		err := EmbeddingBag(&p, ids, table, out)
		if err == nil || !strings.Contains(err.Error(), "outside [0, 2)") {
			t.Errorf("ids %v: got %v", ids, err)
		}
		if !slices.Equal(out, []int8{9, 9, 9, 9}[:len(ids)]) {
			t.Errorf("ids %v: wrote %v before refusing", ids, out)
		}
	}
	out := make([]int8, 4)
	if err := EmbeddingBag(&p, []int32{-5, -5, 1, -5}, table, out); err != nil || !slices.Equal(out, []int8{0, 0, 3, 4}) {
		t.Errorf("pad -5: got %v, %v", out, err)
	}
}
