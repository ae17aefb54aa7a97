package kbc

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"strings"
	"testing"
)

// sparseI8 returns n int8 elements, a fraction zero of them 0 and the
// rest drawn from values distinct non-zero values.
func sparseI8(rng *rand.Rand, n int, zero float64, values int) []byte {
	book := rng.Perm(255)[:values]
	b := make([]byte, n)
	for i := range b {
		if rng.Float64() >= zero {
			b[i] = byte(book[rng.Intn(values)] + 1)
		}
	}
	return b
}

func sparseI32(rng *rand.Rand, n int, zero float64, values int) []byte {
	book := make([]uint32, values)
	for i := range book {
		book[i] = rng.Uint32() | 1
	}
	b := make([]byte, 4*n)
	for i := 0; i < n; i++ {
		if rng.Float64() >= zero {
			binary.LittleEndian.PutUint32(b[4*i:], book[rng.Intn(values)])
		}
	}
	return b
}

func codedRoundTrip(t *testing.T, raw []byte, size int) []byte {
	t.Helper()
	blob, err := EncodeCoded(raw, size)
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]byte, len(raw))
	if !CodedFits(len(raw)/size, len(blob)) {
		// All zeros, or one value and no zeros: the writer keeps these raw,
		// and the reader refuses them.
		if _, err := DecodeCoded(dst, blob, size); err == nil || !strings.Contains(err.Error(), "per byte") {
			t.Fatalf("%d elements from %d bytes: error %v, want the ratio refused", len(raw)/size, len(blob), err)
		}
		return blob
	}
	for i := range dst {
		dst[i] = 0xAA // DecodeCoded must overwrite all of it
	}
	st, err := DecodeCoded(dst, blob, size)
	if err != nil {
		t.Fatalf("%d elements of %d bytes: %v", len(raw)/size, size, err)
	}
	if !bytes.Equal(dst, raw) {
		t.Fatalf("%d elements of %d bytes: decoded data differ", len(raw)/size, size)
	}
	nz := 0
	distinct := map[uint64]bool{}
	for i := 0; i < len(raw)/size; i++ {
		if v := element(raw, i, size); v != 0 {
			nz++
			distinct[v] = true
		}
	}
	if st.NonZeros != nz || st.Codebook != len(distinct) {
		t.Fatalf("stats %+v, want %d non-zeros and %d values", st, nz, len(distinct))
	}
	if rs, err := ReadCodedStats(blob, size); err != nil || rs != st {
		t.Fatalf("ReadCodedStats: %+v, %v; want %+v", rs, err, st)
	}
	return blob
}

func TestCodedRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.Intn(20000)
		zero := []float64{0, 0.5, 0.9, 0.99, 0.999, 1}[rng.Intn(6)]
		values := 1 + rng.Intn(64)
		codedRoundTrip(t, sparseI8(rng, n, zero, values), 1)
		codedRoundTrip(t, sparseI32(rng, 1+rng.Intn(3000), zero, 1+rng.Intn(300)), 4)
	}
	// Long runs of zeros need fillers, and a run may end exactly at the
	// cap, or at the end of the tensor.
	for _, gap := range []int{GapCap - 1, GapCap, GapCap + 1, 2 * GapCap, 2*GapCap + 1, 10000} {
		raw := make([]byte, 3*gap+3)
		raw[gap], raw[2*gap+1] = 7, 9
		codedRoundTrip(t, raw, 1)
		raw[len(raw)-1] = 7
		codedRoundTrip(t, raw, 1)
	}
	codedRoundTrip(t, []byte{}, 1)
	codedRoundTrip(t, []byte{0}, 1)
	codedRoundTrip(t, []byte{5}, 1)
	codedRoundTrip(t, make([]byte, 4000), 4)
}

// TestCodedSize: 90% zeros and 32 values take about an eighth of the
// raw bytes.
func TestCodedSize(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	raw := sparseI8(rng, 266200, 0.9, 32)
	blob := codedRoundTrip(t, raw, 1)
	// The entropy: per non-zero, ~4.7 bits of geometric gap and 5 bits of
	// index, so ~0.121 bytes per element; Huffman codes stay within a few
	// percent of it.
	if ratio := float64(len(blob)) / float64(len(raw)); ratio > 0.125 {
		t.Errorf("90%% zeros, 32 values: %d coded bytes of %d raw (%.3f), want at most 0.125", len(blob), len(raw), ratio)
	}
	t.Logf("90%% zeros, 32 values: %d raw bytes, %d coded", len(raw), len(blob))
	// A tensor with no zeros and one value (per-channel multipliers that
	// are all equal) codes to a few bytes.
	same := make([]byte, 4*300)
	for i := 0; i < 300; i++ {
		binary.LittleEndian.PutUint32(same[4*i:], 1<<30+12345)
	}
	if blob := codedRoundTrip(t, same, 4); len(blob) > 12 {
		t.Errorf("300 equal i32 values coded to %d bytes, want at most 12", len(blob))
	}
}

// TestCodedHostile: malformed blobs are errors, never panics or wrong
// sizes.
func TestCodedHostile(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	raw := sparseI8(rng, 3000, 0.8, 12)
	blob, _ := EncodeCoded(raw, 1)
	dst := make([]byte, len(raw))
	// Every truncation.
	for cut := 0; cut < len(blob); cut++ {
		if _, err := DecodeCoded(dst, blob[:cut], 1); err == nil {
			t.Fatalf("blob cut to %d of %d bytes decoded", cut, len(blob))
		}
	}
	// A byte too many.
	if _, err := DecodeCoded(dst, append(append([]byte(nil), blob...), 0), 1); err == nil {
		t.Fatal("blob with a byte too many decoded")
	}
	// The wrong element count, either way.
	if _, err := DecodeCoded(make([]byte, len(raw)-1), blob, 1); err == nil {
		t.Fatal("decoded into one element fewer")
	}
	// Random corruptions: errors or some tensor, never a panic.
	for i := 0; i < 20000; i++ {
		b := append([]byte(nil), blob...)
		for k := 0; k <= rng.Intn(3); k++ {
			b[rng.Intn(len(b))] ^= byte(1 + rng.Intn(255))
		}
		DecodeCoded(dst, b, 1) //nolint:errcheck // only a panic would fail
	}
	// Hand-made headers. fillerOnly's gap code holds the filler alone
	// (256 symbols, one of length 1): it places no element.
	fillerOnly := append([]byte{1, 5, 1, 0x80, 0x02}, make([]byte, 128)...)
	fillerOnly[len(fillerOnly)-1] = 0x10
	fillerOnly = append(fillerOnly, 1, 1)
	for _, c := range []struct {
		name string
		blob []byte
		err  string
	}{
		{"codebook past the end", []byte{100}, "runs past the end"},
		{"zero in the codebook", []byte{2, 0, 5, 2, 1, 0x11, 2, 0x11}, "zero or not above"},
		{"unsorted codebook", []byte{2, 5, 3, 2, 1, 0x11, 2, 0x11}, "zero or not above"},
		{"more non-zeros than elements", []byte{1, 5, 100, 1, 1, 1, 1}, "non-zero elements"},
		{"codebook larger than the non-zeros", []byte{2, 3, 5, 1, 1, 1, 2, 0x11}, "non-zero elements"},
		{"index code size differs from the codebook", []byte{2, 3, 5, 2, 1, 1, 1, 1}, "index code of 1 symbols"},
		{"gap code too large", append([]byte{1, 5, 1, 0x81, 0x02}, make([]byte, 200)...), "more than 256"},
		{"over-subscribed gaps", []byte{1, 5, 1, 3, 0x11, 0x01, 1, 1}, "over-subscribed"},
		{"bad padding nibble", []byte{1, 5, 1, 1, 0x21, 1, 1}, "padding nibble"},
		{"stream missing", []byte{1, 5, 2, 2, 0x11, 1, 1}, "ends inside a code"},
		{"filler past the end", fillerOnly, "run past"},
	} {
		_, err := DecodeCoded(make([]byte, 10), c.blob, 1)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.err)
		}
	}
	// A decompression bomb: one value repeated, claimed for more elements
	// than the ratio allows.
	bomb, _ := EncodeCoded([]byte{5}, 1)
	if _, err := DecodeCoded(make([]byte, MaxCodedRatio*len(bomb)+1), bomb, 1); err == nil || !strings.Contains(err.Error(), "per byte") {
		t.Errorf("bomb: error %v, want the ratio refused", err)
	}
}

func BenchmarkDecodeCoded(b *testing.B) {
	rng := rand.New(rand.NewSource(5))
	raw := sparseI8(rng, 784*300+300*100+100*10, 0.9, 32)
	blob, _ := EncodeCoded(raw, 1)
	dst := make([]byte, len(raw))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := DecodeCoded(dst, blob, 1); err != nil {
			b.Fatal(err)
		}
	}
}
