package ref

import (
	"math"
	"strings"
	"testing"
)

// TestEmbeddingFloatShadow quantizes random float tables row by row
// (symmetric, scale max|row|/127), looks up random ids, and checks each
// output against the float shadow: within 1 output step of S_v * q (the
// dequantized table), and within 1 output step plus half the row's step of
// the float table value, wherever the output is not clamped.
func TestEmbeddingFloatShadow(t *testing.T) {
	r := oracleRand{21}
	var worstQ, worstF float64
	for range 200 {
		vocab, dim := 1+r.intn(50), 1+r.intn(32)
		table := make([]float32, vocab*dim)
		rowScales := make([]float32, vocab)
		q := make([]int8, vocab*dim)
		var maxAbs float32
		for v := range vocab {
			mag := r.scale(-8, 4) // rows differ in magnitude by up to 2^12
			var rowMax float32
			for d := range dim {
				f := mag * (float32(r.intn(2001))/1000 - 1)
				table[v*dim+d] = f
				rowMax = max(rowMax, float32(math.Abs(float64(f))))
			}
			rowScales[v] = max(rowMax/127, 1e-12)
			for d := range dim {
				q[v*dim+d] = int8(math.Round(float64(table[v*dim+d] / rowScales[v])))
			}
			maxAbs = max(maxAbs, rowMax)
		}
		outScale := max(maxAbs/float32(100+r.intn(28)), 1e-12)
		outZero := int32(r.intn(21) - 10)
		p := EmbeddingParamsFor(rowScales, dim, outScale, outZero)
		ids := make([]int32, 1+r.intn(20))
		for i := range ids {
			ids[i] = int32(r.intn(vocab))
		}
		out := make([]int8, len(ids)*dim)
		if err := Embedding(&p, ids, q, out); err != nil {
			t.Fatal(err)
		}
		for k, id := range ids {
			for d := range dim {
				got := float64(outScale) * float64(int32(out[k*dim+d])-outZero)
				if o := out[k*dim+d]; o == -128 || o == 127 {
					continue
				}
				step := float64(outScale)
				eq := math.Abs(got-float64(rowScales[id])*float64(q[int(id)*dim+d])) / step
				ef := math.Abs(got-float64(table[int(id)*dim+d])) / step
				worstQ, worstF = max(worstQ, eq), max(worstF, ef)
				if eq > 1 || ef > 1+0.5*float64(rowScales[id])/step {
					t.Fatalf("id %d col %d: out %g, dequantized table %g, float %g (step %g)",
						id, d, got, float64(rowScales[id])*float64(q[int(id)*dim+d]), table[int(id)*dim+d], step)
				}
			}
		}
	}
	t.Logf("worst error %.3f output steps against the dequantized table, %.3f against the float table", worstQ, worstF)
}

// TestEmbeddingExact: a row whose scale equals the output's is copied, plus
// the output zero point; a row at twice the scale doubles, saturating.
func TestEmbeddingExact(t *testing.T) {
	p := EmbeddingParamsFor([]float32{0.5, 1}, 3, 0.5, -3)
	table := []int8{-127, 0, 90, 1, -2, 100}
	out := make([]int8, 9)
	if err := Embedding(&p, []int32{0, 1, 0}, table, out); err != nil {
		t.Fatal(err)
	}
	expectExact(t, "lookup", out, []int8{-128, -3, 87, -1, -7, 127, -128, -3, 87})
}

// TestEmbeddingBadIDs: ids out of range are reported, never a panic, and
// nothing is written.
func TestEmbeddingBadIDs(t *testing.T) {
	p := EmbeddingParamsFor([]float32{1, 1}, 2, 1, 0)
	table := []int8{1, 2, 3, 4}
	for _, ids := range [][]int32{{0, 2}, {-1}, {1, 0, math.MaxInt32}, {math.MinInt32}} {
		out := []int8{9, 9, 9, 9, 9, 9}[:2*len(ids)]
		err := Embedding(&p, ids, table, out)
		if err == nil || !strings.Contains(err.Error(), "outside [0, 2)") {
			t.Errorf("ids %v: error %v", ids, err)
		}
		for _, v := range out {
			if v != 9 {
				t.Errorf("ids %v: output written before the error: %v", ids, out)
				break
			}
		}
	}
	if err := Embedding(&p, nil, table, nil); err != nil {
		t.Errorf("no ids: %v", err)
	}
}
