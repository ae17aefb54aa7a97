package kbc

// Coded constants (storage kind StoreCoded): a pruned, weight-shared
// tensor stored as Deep Compression stores it, as the gaps between its
// non-zero elements and their indices into a codebook of its distinct
// non-zero values, both Huffman-coded (huffman.go). The blob's grammar is
// in the package comment (kbc.go).
//
// Gap symbol g < GapCap stands for g zeros followed by a non-zero
// element, whose codebook index follows; the filler, symbol GapCap,
// stands for GapCap zeros and no element. A code with one symbol spends
// no bits on it, so a tensor with no zeros and one value (per-channel
// multipliers that are all equal) codes to a few bytes. A blob may not
// claim more than MaxCodedRatio elements per byte, which bounds what a
// hostile file makes the loader allocate per byte it holds; the loader
// bounds the model's decoded constants as a whole.

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// GapCap is the longest run of zeros one gap symbol covers.
const GapCap = 255

// MaxCodedRatio bounds the elements a coded blob may decode to, per byte
// of blob: GapCap+1 elements per bit (a run covers at most that many),
// over 8 bits a byte. Only one-symbol codes, which spend no bits, come
// near it; the writer keeps such a tensor raw when it would exceed it.
const MaxCodedRatio = 8 * (GapCap + 1)

// CodedStats describes a coded blob.
type CodedStats struct {
	Codebook int // distinct non-zero values
	NonZeros int // non-zero elements
}

// CodedFits reports whether a blob of n bytes may decode to elems
// elements.
func CodedFits(elems, n int) bool { return elems <= MaxCodedRatio*n }

// EncodeCoded codes a tensor's bytes, elements of size bytes as CONST
// holds them, in the coded form. It fails when the tensor has more
// distinct non-zero values than a code can tell apart (MaxAlphabet).
// Whether the result is worth using (shorter than raw, CodedFits) is the
// caller's choice.
func EncodeCoded(raw []byte, size int) ([]byte, error) {
	if size < 1 || size > 8 || len(raw)%size != 0 {
		return nil, fmt.Errorf("coded constants: %d bytes are not whole %d-byte elements", len(raw), size)
	}
	elems := len(raw) / size
	// The codebook: distinct non-zero values, ascending.
	seen := map[uint64]bool{}
	var book []uint64
	for i := 0; i < elems; i++ {
		if v := element(raw, i, size); v != 0 && !seen[v] {
			seen[v] = true
			book = append(book, v)
		}
	}
	if len(book) > MaxAlphabet {
		return nil, fmt.Errorf("coded constants: %d distinct values, more than %d", len(book), MaxAlphabet)
	}
	sort.Slice(book, func(i, j int) bool { return book[i] < book[j] })
	index := make(map[uint64]int, len(book))
	for i, v := range book {
		index[v] = i
	}
	// The runs, as (gap symbol, index) pairs; -1 for a filler.
	type run struct{ gap, idx int }
	var runs []run
	gapFreq := make([]uint64, GapCap+1)
	idxFreq := make([]uint64, len(book))
	zeros := 0
	for i := 0; i < elems; i++ {
		v := element(raw, i, size)
		if v == 0 {
			zeros++
			continue
		}
		for ; zeros >= GapCap; zeros -= GapCap {
			runs = append(runs, run{GapCap, -1})
			gapFreq[GapCap]++
		}
		k := index[v]
		runs = append(runs, run{zeros, k})
		gapFreq[zeros]++
		idxFreq[k]++
		zeros = 0
	}
	gapLens := codeLengths(trimZeros(gapFreq), MaxCodeLen)
	idxLens := codeLengths(idxFreq, MaxCodeLen)
	gapCodes, idxCodes := canonicalCodes(gapLens), canonicalCodes(idxLens)
	gapBits, idxBits := bitsPer(gapLens), bitsPer(idxLens)

	out := binary.AppendUvarint(nil, uint64(len(book)))
	for _, v := range book {
		for b := 0; b < size; b++ {
			out = append(out, byte(v>>(8*b)))
		}
	}
	out = binary.AppendUvarint(out, uint64(len(runs)-int(gapFreq[GapCap])))
	out = appendTable(out, gapLens)
	out = appendTable(out, idxLens)
	w := &bitWriter{b: out}
	for _, r := range runs {
		w.write(gapCodes[r.gap], gapBits[r.gap])
		if r.idx >= 0 {
			w.write(idxCodes[r.idx], idxBits[r.idx])
		}
	}
	return w.flush(), nil
}

// element reads element i as an unsigned integer.
func element(raw []byte, i, size int) uint64 {
	var v uint64
	for b := size - 1; b >= 0; b-- {
		v = v<<8 | uint64(raw[i*size+b])
	}
	return v
}

// trimZeros drops the unused symbols at the end of an alphabet, so the
// table holds only up to the last symbol used.
func trimZeros(freq []uint64) []uint64 {
	n := len(freq)
	for n > 0 && freq[n-1] == 0 {
		n--
	}
	return freq[:n]
}

// bitsPer is how many bits each symbol's code takes in the stream: its
// length, except in a one-symbol code, which takes none.
func bitsPer(lengths []uint8) []uint8 {
	used := 0
	for _, l := range lengths {
		if l > 0 {
			used++
		}
	}
	bits := append([]uint8(nil), lengths...)
	if used == 1 {
		clear(bits)
	}
	return bits
}

func appendTable(b []byte, lengths []uint8) []byte {
	b = binary.AppendUvarint(b, uint64(len(lengths)))
	for i := 0; i < len(lengths); i += 2 {
		x := lengths[i]
		if i+1 < len(lengths) {
			x |= lengths[i+1] << 4
		}
		b = append(b, x)
	}
	return b
}

// ReadCodedStats reads a blob's codebook size and non-zero count without
// decoding it (for kiln inspect); DecodeCoded checks the rest.
func ReadCodedStats(blob []byte, size int) (CodedStats, error) {
	c := &codedReader{b: blob}
	n := c.count("codebook size", size)
	c.off += n * size
	nz := c.uvarint("non-zero count")
	if c.err != nil {
		return CodedStats{}, c.err
	}
	return CodedStats{Codebook: n, NonZeros: int(nz)}, nil
}

// DecodeCoded decodes a blob into dst, len(dst)/size elements of size
// bytes, checking everything: the codebook (distinct, non-zero,
// ascending), both code tables (checkLengths), every symbol in range, the
// elements placed within dst, the bit stream read exactly to its end,
// and the blob's claim against MaxCodedRatio. dst is overwritten whole.
func DecodeCoded(dst, blob []byte, size int) (CodedStats, error) {
	if size < 1 || size > 8 || len(dst)%size != 0 {
		return CodedStats{}, fmt.Errorf("%d bytes are not whole %d-byte elements", len(dst), size)
	}
	elems := len(dst) / size
	if !CodedFits(elems, len(blob)) {
		return CodedStats{}, fmt.Errorf("%d elements from %d coded bytes is more than %d per byte", elems, len(blob), MaxCodedRatio)
	}
	c := &codedReader{b: blob}
	n := c.count("codebook size", size)
	if c.err == nil && n > MaxAlphabet {
		c.fail("codebook of %d values, more than %d", n, MaxAlphabet)
	}
	if c.err != nil {
		return CodedStats{}, c.err
	}
	book := blob[c.off : c.off+n*size]
	c.off += n * size
	for i := 0; i < n; i++ {
		v := element(book, i, size)
		if v == 0 || i > 0 && v <= element(book, i-1, size) {
			return CodedStats{}, fmt.Errorf("codebook value %d is zero or not above the one before it", i)
		}
	}
	nz := c.uvarint("non-zero count")
	if c.err == nil && (nz > uint64(elems) || uint64(n) > nz || nz > 0 && n == 0) {
		c.fail("%d non-zero elements of %d, with %d distinct values", nz, elems, n)
	}
	gaps := c.table("gap", GapCap+1)
	idx := c.table("index", n)
	if c.err == nil && len(idx) != n {
		c.fail("index code of %d symbols for a codebook of %d", len(idx), n)
	}
	if c.err != nil {
		return CodedStats{}, c.err
	}
	gapDec, err := newDecoder(gaps)
	if err != nil {
		return CodedStats{}, fmt.Errorf("gap code: %w", err)
	}
	idxDec, err := newDecoder(idx)
	if err != nil {
		return CodedStats{}, fmt.Errorf("index code: %w", err)
	}
	clear(dst)
	r := &bitReader{b: blob[c.off:]}
	pos := 0 // next element
	for placed := uint64(0); placed < nz; {
		g, err := gapDec.decode(r)
		if err != nil {
			return CodedStats{}, fmt.Errorf("element %d: gap: %w", pos, err)
		}
		if g == GapCap {
			if pos += GapCap; pos >= elems {
				return CodedStats{}, fmt.Errorf("the zeros run past the %d elements", elems)
			}
			continue
		}
		if pos += g; pos >= elems {
			return CodedStats{}, fmt.Errorf("the elements run past the %d elements", elems)
		}
		k, err := idxDec.decode(r)
		if err != nil {
			return CodedStats{}, fmt.Errorf("element %d: index: %w", pos, err)
		}
		// k < n: the index code has exactly n symbols.
		copy(dst[pos*size:(pos+1)*size], book[k*size:(k+1)*size])
		pos++
		placed++
	}
	if err := r.finish(); err != nil {
		return CodedStats{}, err
	}
	return CodedStats{Codebook: n, NonZeros: int(nz)}, nil
}

// codedReader reads a blob's header.
type codedReader struct {
	b   []byte
	off int
	err error
}

func (c *codedReader) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("offset %d: %s", c.off, fmt.Sprintf(format, args...))
	}
}

func (c *codedReader) uvarint(what string) uint64 {
	if c.err != nil {
		return 0
	}
	v, n := binary.Uvarint(c.b[c.off:])
	if n <= 0 {
		c.fail("bad varint for %s", what)
		return 0
	}
	c.off += n
	return v
}

// count reads the number of items of size bytes that follow, failing
// unless they are there.
func (c *codedReader) count(what string, size int) int {
	v := c.uvarint(what)
	if c.err == nil && v > uint64(len(c.b)-c.off)/uint64(size) {
		c.fail("%s %d runs past the end", what, v)
		return 0
	}
	return int(v)
}

// table reads a code length table of at most maxSyms symbols.
func (c *codedReader) table(what string, maxSyms int) []uint8 {
	v := c.uvarint(what + " code size")
	if c.err == nil && v > uint64(maxSyms) {
		c.fail("%s code of %d symbols, more than %d", what, v, maxSyms)
	}
	n := int(v)
	nb := (n + 1) / 2
	if c.err == nil && nb > len(c.b)-c.off {
		c.fail("%s code table runs past the end", what)
	}
	if c.err != nil {
		return nil
	}
	lengths := make([]uint8, n)
	for i := range lengths {
		lengths[i] = c.b[c.off+i/2] >> (4 * (i % 2)) & 15
	}
	if n%2 == 1 && c.b[c.off+nb-1]>>4 != 0 {
		c.fail("%s code table: the padding nibble is not zero", what)
	}
	c.off += nb
	return lengths
}
