// Int8 embedding lookup with one scale per table row: kiln's own op (TFLite's
// EMBEDDING_LOOKUP copies int8 rows of a per-tensor-quantized table and has
// nothing to rescale). Embedding tables are most of a recommender's bytes;
// a scale per row keeps rare and frequent rows equally precise.
//
// Semantics (this text is the specification):
//
//	table [Vocab, Dim] int8, symmetric: row v has scale S_v, zero point 0,
//	    values in [-127, 127]
//	ids   [n] int32, each in [0, Vocab)
//	out   [n, Dim] int8 with (S_out, Z_out)
//	(M_v, s_v) = QuantizeMultiplier(float64(S_v) / float64(S_out))
//	out[k, d]  = clamp(MultiplyByQuantizedMultiplier(table[ids[k], d], M_v, s_v) + Z_out,
//	                   -128, 127),  v = ids[k]
//
// with TFLite's 32-bit double-rounding MultiplyByQuantizedMultiplier: one
// fixed-point rescale per output element, so dequant(out) is within one output
// step of S_v * table[v, d] wherever it is not clamped (the two roundings
// give at most 3/4 of a step, the Q31 multiplier's own error is below 2^-30
// relative). An id outside [0, Vocab) is an error, reported before anything
// is written.

package ref

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// EmbeddingParams are the precomputed parameters of Embedding.
type EmbeddingParams struct {
	Vocab, Dim int
	// Rows holds each row's S_v/S_out; len(Rows) == Vocab.
	Rows         []Requant
	OutputOffset int32 // Z_out
}

// EmbeddingParamsFor computes Embedding's parameters from the row scales
// (len(rowScales) is the vocabulary size) and the output quantization. A
// ratio that is not finite (a zero output scale) panics in
// QuantizeMultiplier.
func EmbeddingParamsFor(rowScales []float32, dim int, outScale float32, outZero int32) EmbeddingParams {
	rows := make([]Requant, len(rowScales))
	for v, s := range rowScales {
		m, shift := fixedpoint.QuantizeMultiplier(float64(s) / float64(outScale))
		rows[v] = Requant{Mult: m, Shift: shift}
	}
	return EmbeddingParams{Vocab: len(rowScales), Dim: dim, Rows: rows, OutputOffset: outZero}
}

// Embedding looks up each id's row of table [Vocab, Dim] and writes it,
// rescaled to the output's quantization, to out [len(ids), Dim]. An id out of
// range is data, not a caller error: Embedding returns an error naming it
// and writes nothing. Shapes that disagree with the slices panic, as in
// every kernel of this package.
func Embedding(p *EmbeddingParams, ids []int32, table []int8, out []int8) error {
	const k = "Embedding"
	checkDims(k, 0, dim{"Vocab", p.Vocab}, dim{"Dim", p.Dim})
	checkLen(k, "Rows", len(p.Rows), p.Vocab)
	checkLen(k, "table", len(table), p.Vocab*p.Dim)
	checkLen(k, "out", len(out), len(ids)*p.Dim)
	for i, id := range ids {
		if id < 0 || int64(id) >= int64(p.Vocab) {
			return fmt.Errorf("embedding: id %d at position %d is outside [0, %d)", id, i, p.Vocab)
		}
	}
	for k, id := range ids {
		r := p.Rows[id]
		row := table[int(id)*p.Dim : (int(id)+1)*p.Dim]
		dst := out[k*p.Dim : (k+1)*p.Dim]
		for d, q := range row {
			v := fixedpoint.MultiplyByQuantizedMultiplier(int32(q), r.Mult, r.Shift) + p.OutputOffset
			dst[d] = activate(v, math.MinInt8, math.MaxInt8)
		}
	}
	return nil
}
