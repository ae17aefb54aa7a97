package runtime

import (
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// identityRescale is MultiplyByQuantizedMultiplier's identity, (2^30, 1):
// the row rescale the compiler writes for an EMBEDDING_BAG whose rows it
// brought to the common scale at build time.
var identityRescale = ref.Requant{Mult: 1 << 30, Shift: 1}

// bagBlock is how many columns embeddingBagRows sums at a time, in an
// array on the stack.
const bagBlock = 64

// embeddingBagRows is ref.EmbeddingBag for a table whose row rescales are
// all the identity (p.Rows is then unused): MBQM(x, 2^30, 1) = x and the
// clamp to int8 keeps an int8 x, so each row adds its int8 values as they
// are. It sums a list's rows one after the other, each read contiguously,
// into bagBlock int32 accumulators, instead of the reference's column by
// column walk over the list; the sums, and so the bits, are the same
// (tests/bag_test.go compares it with the reference executor). It checks
// every id first and writes nothing when one is out of range.
func embeddingBagRows(p *ref.EmbeddingBagParams, ids []int32, table []int8, out []int8) error {
	if err := ref.CheckBagIDs(p, ids); err != nil {
		return err
	}
	var acc [bagBlock]int32
	for b := range len(ids) / p.Len {
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
		for lo := 0; lo < p.Dim; lo += bagBlock {
			w := min(bagBlock, p.Dim-lo)
			a := acc[:w]
			clear(a)
			for _, id := range list {
				if id == p.Pad {
					continue
				}
				row := table[int(id)*p.Dim+lo : int(id)*p.Dim+lo+w]
				for j, q := range row {
					a[j] += int32(q)
				}
			}
			for j, s := range a {
				v := fixedpoint.MultiplyByQuantizedMultiplier(s, rc.Mult, rc.Shift) + p.OutputOffset
				dst[lo+j] = int8(min(max(v, math.MinInt8), math.MaxInt8))
			}
		}
	}
	return nil
}
