package kbc

import (
	"math"
	"math/rand"
	"strings"
	"testing"
)

// kraft returns the Kraft sum of lengths in units of 2^-MaxCodeLen.
func kraft(lengths []uint8) uint64 {
	var k uint64
	for _, l := range lengths {
		if l > 0 {
			k += 1 << (MaxCodeLen - l)
		}
	}
	return k
}

// roundTrip codes syms with lengths made from their frequencies and
// decodes them back.
func roundTrip(t *testing.T, alphabet int, syms []int) []uint8 {
	t.Helper()
	freq := make([]uint64, alphabet)
	for _, s := range syms {
		freq[s]++
	}
	lengths := codeLengths(freq, MaxCodeLen)
	if _, err := checkLengths(lengths); err != nil {
		t.Fatalf("codeLengths gave an invalid table: %v (%v)", err, lengths)
	}
	for s, l := range lengths {
		if (l > 0) != (freq[s] > 0) {
			t.Fatalf("symbol %d: frequency %d, length %d", s, freq[s], l)
		}
	}
	codes, bits := canonicalCodes(lengths), bitsPer(lengths)
	w := &bitWriter{}
	for _, s := range syms {
		w.write(codes[s], bits[s])
	}
	stream := w.flush()
	d, err := newDecoder(lengths)
	if err != nil {
		t.Fatal(err)
	}
	r := &bitReader{b: stream}
	for i, want := range syms {
		got, err := d.decode(r)
		if err != nil || got != want {
			t.Fatalf("symbol %d: got %d (%v), want %d", i, got, err, want)
		}
	}
	if err := r.finish(); err != nil {
		t.Fatalf("after the last symbol: %v", err)
	}
	return lengths
}

func TestHuffmanRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 300; trial++ {
		alphabet := 1 + rng.Intn(300)
		if trial%10 == 0 {
			alphabet = 1 + rng.Intn(5000)
		}
		// Skewed frequencies: symbol s drawn with weight ~ 1/(s+1)^a.
		a := rng.Float64() * 3
		weights := make([]float64, alphabet)
		total := 0.0
		for s := range weights {
			weights[s] = 1 / math.Pow(float64(s+1), a)
			total += weights[s]
		}
		n := 1 + rng.Intn(5000)
		syms := make([]int, n)
		for i := range syms {
			x := rng.Float64() * total
			s := 0
			for s < alphabet-1 && x > weights[s] {
				x -= weights[s]
				s++
			}
			syms[i] = s
		}
		lengths := roundTrip(t, alphabet, syms)
		used := 0
		for _, l := range lengths {
			if l > 0 {
				used++
			}
		}
		if used > 1 && kraft(lengths) != 1<<MaxCodeLen {
			t.Fatalf("trial %d: Kraft sum %d/2^15, want exactly 1 (a complete code)", trial, kraft(lengths))
		}
	}
}

// TestHuffmanSingleSymbol: one symbol has length 1 in the table and
// costs no bits in the stream.
func TestHuffmanSingleSymbol(t *testing.T) {
	syms := make([]int, 1000)
	for i := range syms {
		syms[i] = 3
	}
	lengths := roundTrip(t, 5, syms)
	if want := []uint8{0, 0, 0, 1, 0}; string(lengths) != string(want) {
		t.Fatalf("lengths %v, want %v", lengths, want)
	}
	w := &bitWriter{}
	codes, bits := canonicalCodes(lengths), bitsPer(lengths)
	for range 1000 {
		w.write(codes[3], bits[3])
	}
	if n := len(w.flush()); n != 0 {
		t.Fatalf("1000 symbols of a one-symbol code took %d bytes, want 0", n)
	}
}

// TestHuffmanMaxLength: Fibonacci frequencies make an unlimited Huffman
// code as deep as there are symbols; the limit must hold and the code
// stay complete and optimal enough to round-trip.
func TestHuffmanMaxLength(t *testing.T) {
	freq := make([]uint64, 40)
	a, b := uint64(1), uint64(1)
	for i := range freq {
		freq[i] = a
		a, b = b, a+b
	}
	for _, maxLen := range []int{MaxCodeLen, 8, 6} {
		lengths := codeLengths(freq, maxLen)
		var k uint64
		for s, l := range lengths {
			if l == 0 || int(l) > maxLen {
				t.Fatalf("limit %d: symbol %d has length %d", maxLen, s, l)
			}
			k += 1 << (MaxCodeLen - l)
		}
		if k != 1<<MaxCodeLen {
			t.Fatalf("limit %d: Kraft sum %d/2^15, want 1", maxLen, k)
		}
		// Lengths never grow with frequency.
		for s := 1; s < len(freq); s++ {
			if lengths[s] > lengths[s-1] {
				t.Fatalf("limit %d: symbol %d (freq %d) has a longer code than symbol %d (freq %d)", maxLen, s, freq[s], s-1, freq[s-1])
			}
		}
	}
	// Round-trip with codes of the full 15 bits.
	var syms []int
	for s, f := range freq[:25] {
		for range min(f, 3000) {
			syms = append(syms, s)
		}
	}
	lengths := roundTrip(t, 25, syms)
	longest := uint8(0)
	for _, l := range lengths {
		longest = max(longest, l)
	}
	if longest != MaxCodeLen {
		t.Fatalf("longest code %d bits, want %d (the test should reach the limit)", longest, MaxCodeLen)
	}
	// Package-merge is optimal: two symbols of any frequencies get 1 bit.
	if l := codeLengths([]uint64{1, 1 << 40}, MaxCodeLen); l[0] != 1 || l[1] != 1 {
		t.Fatalf("two symbols: lengths %v", l)
	}
}

// TestCanonicalCodes: codes are prefix-free, and ordered by (length,
// symbol): a shorter code, read as a number padded to 15 bits, comes
// first.
func TestCanonicalCodes(t *testing.T) {
	lengths := []uint8{3, 3, 3, 3, 3, 2, 4, 4}
	codes := canonicalCodes(lengths)
	want := []uint16{0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111}
	for s := range codes {
		if codes[s] != want[s] {
			t.Errorf("symbol %d: code %b, want %b (RFC 1951's example)", s, codes[s], want[s])
		}
	}
	rng := rand.New(rand.NewSource(2))
	for trial := 0; trial < 50; trial++ {
		freq := make([]uint64, 2+rng.Intn(200))
		for i := range freq {
			freq[i] = uint64(rng.Intn(1000))
		}
		freq[0], freq[1] = 1, 1
		lengths := codeLengths(freq, MaxCodeLen)
		codes := canonicalCodes(lengths)
		for i := range codes {
			for j := range codes {
				if i == j || lengths[i] == 0 || lengths[j] == 0 || lengths[i] > lengths[j] {
					continue
				}
				if codes[j]>>(lengths[j]-lengths[i]) == codes[i] {
					t.Fatalf("code of %d (%0*b) is a prefix of that of %d (%0*b)", i, lengths[i], codes[i], j, lengths[j], codes[j])
				}
			}
		}
	}
}

func TestHuffmanHostileTables(t *testing.T) {
	for _, c := range []struct {
		lengths []uint8
		err     string
	}{
		{[]uint8{1, 1, 1}, "over-subscribed"},
		{[]uint8{1, 2}, "incomplete"},
		{[]uint8{2, 2, 2}, "incomplete"},
		{[]uint8{0, 3}, "one-symbol code must have length 1"},
		{[]uint8{1, 16}, "longer than 15"},
		{[]uint8{1, 255}, "longer than 15"},
		{make([]uint8, MaxAlphabet+1), "more than"},
	} {
		_, err := newDecoder(c.lengths)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("lengths %v: error %v, want one saying %q", c.lengths[:min(len(c.lengths), 4)], err, c.err)
		}
	}
	// An empty code decodes nothing.
	d, err := newDecoder([]uint8{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.decode(&bitReader{b: []byte{0}}); err == nil {
		t.Error("an empty code decoded a symbol")
	}
}

// TestHuffmanTruncated: every truncation of a stream is an error at a
// symbol or at the end, never a wrong complete decode.
func TestHuffmanTruncated(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	freq := make([]uint64, 40)
	syms := make([]int, 300)
	for i := range syms {
		syms[i] = rng.Intn(40)
		freq[syms[i]]++
	}
	lengths := codeLengths(freq, MaxCodeLen)
	codes := canonicalCodes(lengths)
	w := &bitWriter{}
	for _, s := range syms {
		w.write(codes[s], lengths[s])
	}
	stream := w.flush()
	d, _ := newDecoder(lengths)
	for cut := 0; cut < len(stream); cut++ {
		r := &bitReader{b: stream[:cut]}
		var err error
		for range syms {
			if _, err = d.decode(r); err != nil {
				break
			}
		}
		if err == nil {
			err = r.finish()
		}
		if err == nil {
			t.Fatalf("a stream cut to %d of %d bytes decoded whole", cut, len(stream))
		}
	}
	// And a byte too many is left over.
	r := &bitReader{b: append(append([]byte(nil), stream...), 0)}
	for range syms {
		if _, err := d.decode(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.finish(); err == nil {
		t.Fatal("a stream with a byte too many finished cleanly")
	}
}
