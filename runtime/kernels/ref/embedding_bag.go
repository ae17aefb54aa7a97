// Int8 embedding bag: the mean (or sum) of the rows of a padded list of
// ids, kiln's own op (TFLite has no pooled lookup; PyTorch's EmbeddingBag
// with padding_idx is the float op). The table keeps Embedding's one scale
// per row; the rows are brought to one common scale, summed in int32, and
// the sum divided by the count in one requantization whose multiplier is
// computed for that count.
//
// Semantics (this text is the specification):
//
//	table [Vocab, Dim] int8, symmetric: row v has scale S_v > 0, zero point 0
//	ids   [n, L] int32: each list's ids are Pad or in [0, Vocab)
//	out   [n, Dim] int8 with (S_out, Z_out)
//
//	S_t        = max_v S_v                               the common scale
//	(M_v, s_v) = QuantizeMultiplier(float64(S_v) / float64(S_t))
//	r[v, d]    = clamp(MBQM(table[v, d], M_v, s_v), -128, 127)
//	c_k        = the number of ids of list k that are not Pad  (0..L)
//	acc[k, d]  = sum of r[ids[k, l], d] over the l with ids[k, l] != Pad,
//	             in int32 (|acc| <= 128 L: no overflow for L < 2^24)
//	(M_c, s_c) = QuantizeMultiplier(float64(S_t) / (float64(S_out) * c))  mean, c = 1..L
//	           = QuantizeMultiplier(float64(S_t) / float64(S_out))        sum, every c
//	out[k, d]  = clamp(MBQM(acc[k, d], M_c, s_c) + Z_out, -128, 127),  c = c_k >= 1
//	out[k, d]  = Z_out                                                  c_k = 0
//
// with TFLite's 32-bit double-rounding MultiplyByQuantizedMultiplier (MBQM)
// and float64 quotients and products exactly as written. S_v / S_t <= 1, so
// |r| <= |table| and the row clamp changes nothing for a table in
// [-127, 127]; it matters only to hostile parameters. The division by the
// count is the rescale itself: one rounding (MBQM's), not a truncating
// integer division, so a mean of equal rows is that row and the mean's
// error is that of one rescale, within 3/4 of an output step plus the
// rows' own rounding to S_t (half a step of S_t each, at most). A list of
// pad alone is zero, Z_out exactly. An id that is neither Pad nor in
// [0, Vocab) is an error, reported before anything is written.
//
// The compiler applies the first stage (r) at build time, as it does
// Embedding's rescale: the bytecode holds the int8 table r with one
// identity rescale, MBQM(x, 2^30, 1) = x, for all rows, so the VM's and
// the native code's sums read r directly and give the same bits.

package ref

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// EmbeddingBagParams are the precomputed parameters of EmbeddingBag.
type EmbeddingBagParams struct {
	Vocab, Dim, Len int
	Pad             int32
	// Rows holds each row's S_v/S_t; len(Rows) == Vocab.
	Rows []Requant
	// Counts holds the rescale of a list with c ids at Counts[c-1];
	// len(Counts) == Len.
	Counts       []Requant
	OutputOffset int32 // Z_out
}

// EmbeddingBagParamsFor computes EmbeddingBag's parameters from the row
// scales (len(rowScales) is the vocabulary size), the list length, the
// pad id, the mode and the output quantization. A scale that is not
// positive and finite, or a zero output scale, panics in
// QuantizeMultiplier or here.
func EmbeddingBagParamsFor(rowScales []float32, dim, length int, pad int32, sum bool, outScale float32, outZero int32) EmbeddingBagParams {
	st := float32(0)
	for _, s := range rowScales {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			panic(fmt.Sprintf("ref: EmbeddingBagParamsFor: row scale %v is not positive and finite", s))
		}
		st = max(st, s)
	}
	rows := make([]Requant, len(rowScales))
	for v, s := range rowScales {
		m, shift := fixedpoint.QuantizeMultiplier(float64(s) / float64(st))
		rows[v] = Requant{Mult: m, Shift: shift}
	}
	counts := make([]Requant, length)
	for c := 1; c <= length; c++ {
		d := float64(st) / float64(outScale)
		if !sum {
			d = float64(st) / (float64(outScale) * float64(c))
		}
		m, shift := fixedpoint.QuantizeMultiplier(d)
		counts[c-1] = Requant{Mult: m, Shift: shift}
	}
	return EmbeddingBagParams{Vocab: len(rowScales), Dim: dim, Len: length, Pad: pad, Rows: rows, Counts: counts, OutputOffset: outZero}
}

// EmbeddingBagRows writes r, table's rows rescaled to the common scale
// (the semantics' first stage), to rows [Vocab, Dim].
func EmbeddingBagRows(p *EmbeddingBagParams, table []int8, rows []int8) {
	const k = "EmbeddingBagRows"
	checkDims(k, 1, dim{"Vocab", p.Vocab}, dim{"Dim", p.Dim})
	checkLen(k, "Rows", len(p.Rows), p.Vocab)
	checkLen(k, "table", len(table), p.Vocab*p.Dim)
	checkLen(k, "rows", len(rows), p.Vocab*p.Dim)
	for v, r := range p.Rows {
		for d := range p.Dim {
			i := v*p.Dim + d
			rows[i] = activate(fixedpoint.MultiplyByQuantizedMultiplier(int32(table[i]), r.Mult, r.Shift), math.MinInt8, math.MaxInt8)
		}
	}
}

// EmbeddingBag pools each list of Len ids of ids [n, Len] into one row of
// out [n, Dim]. An id out of range is data, not a caller error:
// EmbeddingBag returns an error naming it and writes nothing. Shapes that
// disagree with the slices panic, as in every kernel of this package. It
// allocates nothing.
func EmbeddingBag(p *EmbeddingBagParams, ids []int32, table []int8, out []int8) error {
	const k = "EmbeddingBag"
	checkDims(k, 1, dim{"Vocab", p.Vocab}, dim{"Dim", p.Dim}, dim{"Len", p.Len})
	checkLen(k, "Rows", len(p.Rows), p.Vocab)
	checkLen(k, "Counts", len(p.Counts), p.Len)
	checkLen(k, "table", len(table), p.Vocab*p.Dim)
	if len(ids)%p.Len != 0 {
		panic(fmt.Sprintf("ref: %s: %d ids are not lists of %d", k, len(ids), p.Len))
	}
	n := len(ids) / p.Len
	checkLen(k, "out", len(out), n*p.Dim)
	if err := CheckBagIDs(p, ids); err != nil {
		return err
	}
	for b := range n {
		list := ids[b*p.Len : (b+1)*p.Len]
		dst := out[b*p.Dim : (b+1)*p.Dim]
		c := 0
		for _, id := range list {
			if id != p.Pad {
				c++
			}
		}
		if c == 0 {
			for d := range dst {
				dst[d] = int8(min(max(p.OutputOffset, math.MinInt8), math.MaxInt8))
			}
			continue
		}
		rc := p.Counts[c-1]
		for d := range dst {
			var acc int32
			for _, id := range list {
				if id == p.Pad {
					continue
				}
				r := p.Rows[id]
				acc += int32(activate(fixedpoint.MultiplyByQuantizedMultiplier(int32(table[int(id)*p.Dim+d]), r.Mult, r.Shift), math.MinInt8, math.MaxInt8))
			}
			v := fixedpoint.MultiplyByQuantizedMultiplier(acc, rc.Mult, rc.Shift) + p.OutputOffset
			dst[d] = activate(v, math.MinInt8, math.MaxInt8)
		}
	}
	return nil
}

// CheckBagIDs reports the first id that is neither the pad id nor inside
// the table: a bag writes nothing when one is.
func CheckBagIDs(p *EmbeddingBagParams, ids []int32) error {
	for i, id := range ids {
		if id != p.Pad && (id < 0 || int64(id) >= int64(p.Vocab)) {
			return fmt.Errorf("embedding_bag: id %d at position %d is outside [0, %d) and is not the pad id %d", id, i, p.Vocab, p.Pad)
		}
	}
	return nil
}
