package kbc

// Canonical Huffman coding for coded constants (coded.go). A code is
// given by its code lengths alone, one per symbol (0 for a symbol that
// does not occur): codes are assigned in order of (length, symbol), so
// writer and reader derive the same codes from the same lengths. Codes
// are at most MaxCodeLen bits and are written most significant bit
// first.
//
// A code with two or more symbols must be complete (the Kraft sum of its
// lengths is exactly 1, as every Huffman code is), so that every bit
// pattern decodes. A code with exactly one symbol gives it length 1 in the
// table but spends no bits on it: a stream of one repeated symbol costs
// nothing beyond its count.

import (
	"errors"
	"fmt"
	"sort"
)

// MaxCodeLen is the longest code, in bits; it fits a nibble.
const MaxCodeLen = 15

// MaxAlphabet is the most symbols a code may have: 2^MaxCodeLen, the most
// a complete code of that depth can tell apart.
const MaxAlphabet = 1 << MaxCodeLen

// codeLengths returns length-limited Huffman code lengths for the
// frequencies (at most maxLen bits; 0 for a symbol of frequency 0),
// computed by package-merge (Larmore and Hirschberg), which gives the
// optimal lengths under the limit. One used symbol gets length 1. Ties
// are broken by symbol, so the same frequencies give the same lengths.
func codeLengths(freq []uint64, maxLen int) []uint8 {
	lengths := make([]uint8, len(freq))
	type leaf struct {
		w   uint64
		sym int
	}
	var leaves []leaf
	for s, f := range freq {
		if f > 0 {
			leaves = append(leaves, leaf{f, s})
		}
	}
	switch n := len(leaves); {
	case n == 0:
		return lengths
	case n == 1:
		lengths[leaves[0].sym] = 1
		return lengths
	case n > 1<<maxLen:
		panic(fmt.Sprintf("kbc: %d symbols cannot have codes of at most %d bits", n, maxLen))
	}
	sort.Slice(leaves, func(i, j int) bool {
		if leaves[i].w != leaves[j].w {
			return leaves[i].w < leaves[j].w
		}
		return leaves[i].sym < leaves[j].sym
	})
	// An item is a leaf (sym >= 0) or a package of items 2*pkg and
	// 2*pkg+1 of the previous level's list.
	type item struct {
		w        uint64
		sym, pkg int
	}
	levels := make([][]item, maxLen)
	level := make([]item, len(leaves))
	for i, l := range leaves {
		level[i] = item{l.w, l.sym, -1}
	}
	levels[0] = level
	for d := 1; d < maxLen; d++ {
		prev := levels[d-1]
		merged := make([]item, 0, len(leaves)+len(prev)/2)
		li := 0
		for p := 0; p+1 < len(prev); p += 2 {
			w := prev[p].w + prev[p+1].w
			for li < len(leaves) && leaves[li].w <= w {
				merged = append(merged, item{leaves[li].w, leaves[li].sym, -1})
				li++
			}
			merged = append(merged, item{w, -1, p / 2})
		}
		for ; li < len(leaves); li++ {
			merged = append(merged, item{leaves[li].w, leaves[li].sym, -1})
		}
		levels[d] = merged
	}
	// Each appearance of a leaf among the 2n-2 cheapest items of the last
	// list, packages opened down to their leaves, adds one to its length.
	var count func(d, i int)
	count = func(d, i int) {
		it := levels[d][i]
		if it.sym >= 0 {
			lengths[it.sym]++
			return
		}
		count(d-1, 2*it.pkg)
		count(d-1, 2*it.pkg+1)
	}
	for i := 0; i < 2*len(leaves)-2; i++ {
		count(maxLen-1, i)
	}
	return lengths
}

// checkLengths checks a code length table: lengths at most MaxCodeLen,
// and either exactly one used symbol, of length 1, or a complete code.
// It returns the number of used symbols.
func checkLengths(lengths []uint8) (int, error) {
	if len(lengths) > MaxAlphabet {
		return 0, fmt.Errorf("%d symbols, more than %d", len(lengths), MaxAlphabet)
	}
	used := 0
	var kraft uint64 // in units of 2^-MaxCodeLen
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		if l > MaxCodeLen {
			return 0, fmt.Errorf("symbol %d has a %d-bit code, longer than %d", s, l, MaxCodeLen)
		}
		used++
		kraft += 1 << (MaxCodeLen - l)
	}
	switch {
	case used == 1:
		if kraft != 1<<(MaxCodeLen-1) {
			return 0, errors.New("the one symbol of a one-symbol code must have length 1")
		}
	case used > 1 && kraft > 1<<MaxCodeLen:
		return 0, errors.New("the code lengths are over-subscribed (Kraft sum above 1)")
	case used > 1 && kraft < 1<<MaxCodeLen:
		return 0, errors.New("the code lengths are incomplete (Kraft sum below 1)")
	}
	return used, nil
}

// canonicalCodes returns each symbol's code for valid lengths (the code
// sits in the low bits, read most significant bit first).
func canonicalCodes(lengths []uint8) []uint16 {
	var count [MaxCodeLen + 1]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	var next [MaxCodeLen + 2]int
	code := 0
	for l := 1; l <= MaxCodeLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	codes := make([]uint16, len(lengths))
	for s, l := range lengths {
		if l > 0 {
			codes[s] = uint16(next[l])
			next[l]++
		}
	}
	return codes
}

// fastBits is how many bits the decoder's lookup table resolves at once;
// longer codes take the canonical slow path.
const fastBits = 10

// decoder decodes one canonical code. Build it with newDecoder.
type decoder struct {
	// one is set for a one-symbol code: that symbol, in no bits.
	one bool
	sym int
	// fast[next fastBits bits] = symbol<<4 | length, or 0 when the code is
	// longer than fastBits (or the table is empty).
	fast []uint32
	// For the slow path: count[l] codes of length l, and the symbols in
	// canonical order.
	count  [MaxCodeLen + 1]uint16
	sorted []uint16
	empty  bool
}

// newDecoder checks lengths (checkLengths) and builds their decoder.
func newDecoder(lengths []uint8) (*decoder, error) {
	used, err := checkLengths(lengths)
	if err != nil {
		return nil, err
	}
	d := &decoder{}
	switch used {
	case 0:
		d.empty = true
		return d, nil
	case 1:
		for s, l := range lengths {
			if l > 0 {
				d.one, d.sym = true, s
			}
		}
		return d, nil
	}
	for _, l := range lengths {
		d.count[l]++
	}
	d.count[0] = 0
	var offs [MaxCodeLen + 2]int
	for l := 1; l <= MaxCodeLen; l++ {
		offs[l+1] = offs[l] + int(d.count[l])
	}
	d.sorted = make([]uint16, used)
	for s, l := range lengths {
		if l > 0 {
			d.sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	d.fast = make([]uint32, 1<<fastBits)
	codes := canonicalCodes(lengths)
	for s, l := range lengths {
		if l == 0 || l > fastBits {
			continue
		}
		lo := int(codes[s]) << (fastBits - l)
		for i := lo; i < lo+1<<(fastBits-l); i++ {
			d.fast[i] = uint32(s)<<4 | uint32(l)
		}
	}
	return d, nil
}

// errNoCode reports a stream that needs a symbol of an empty code.
var errNoCode = errors.New("a symbol of an empty code")

// decode reads one symbol.
func (d *decoder) decode(r *bitReader) (int, error) {
	if d.one {
		return d.sym, nil
	}
	if d.empty {
		return 0, errNoCode
	}
	r.refill()
	if e := d.fast[r.peek(fastBits)]; e != 0 {
		return int(e >> 4), r.skip(int(e & 15))
	}
	// Canonical decoding a bit at a time (as zlib's puff does): the codes
	// of each length are consecutive integers following those of the
	// shorter lengths.
	bits := r.peek(MaxCodeLen)
	code, first, index := 0, 0, 0
	for l := 1; l <= MaxCodeLen; l++ {
		code |= int(bits>>(MaxCodeLen-l)) & 1
		n := int(d.count[l])
		if code-first < n {
			return int(d.sorted[index+code-first]), r.skip(l)
		}
		index += n
		first = (first + n) << 1
		code <<= 1
	}
	// Unreachable for a complete code.
	return 0, errors.New("an invalid code")
}

// bitReader reads bits most significant first.
type bitReader struct {
	b     []byte
	pos   int    // next byte of b to load
	acc   uint64 // loaded bits, left-aligned
	nbits int    // how many bits of acc are loaded
}

// errTruncated reports a stream that ends inside a code.
var errTruncated = errors.New("the bit stream ends inside a code")

func (r *bitReader) refill() {
	for r.nbits <= 56 && r.pos < len(r.b) {
		r.acc |= uint64(r.b[r.pos]) << (56 - r.nbits)
		r.nbits += 8
		r.pos++
	}
}

// peek returns the next n bits (zeros past the end of the stream).
func (r *bitReader) peek(n int) uint64 { return r.acc >> (64 - n) }

// skip consumes n bits, failing when fewer are left.
func (r *bitReader) skip(n int) error {
	if n > r.nbits {
		return errTruncated
	}
	r.acc <<= n
	r.nbits -= n
	return nil
}

// finish checks that the stream ends here: only the zero padding of its
// last byte is left.
func (r *bitReader) finish() error {
	r.refill()
	if r.pos != len(r.b) || r.nbits >= 8 {
		return fmt.Errorf("%d bytes left over after the last code", len(r.b)-r.pos+r.nbits/8)
	}
	if r.acc != 0 {
		return errors.New("the padding after the last code is not zero")
	}
	return nil
}

// bitWriter writes bits most significant first.
type bitWriter struct {
	b     []byte
	acc   uint64 // pending bits, in the low nbits
	nbits int
}

func (w *bitWriter) write(code uint16, n uint8) {
	w.acc = w.acc<<n | uint64(code)
	w.nbits += int(n)
	for w.nbits >= 8 {
		w.nbits -= 8
		w.b = append(w.b, byte(w.acc>>w.nbits))
	}
}

// flush pads the last byte with zeros.
func (w *bitWriter) flush() []byte {
	if w.nbits > 0 {
		w.b = append(w.b, byte(w.acc<<(8-w.nbits)))
		w.nbits = 0
	}
	return w.b
}
