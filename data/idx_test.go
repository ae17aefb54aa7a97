package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

// idxFile encodes an IDX file: type byte, dimensions, then elems (a slice
// of a fixed-size type) big-endian.
func idxFile(typ byte, dims []int, elems any) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, typ, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	if elems != nil {
		if err := binary.Write(&b, binary.BigEndian, elems); err != nil {
			panic(err)
		}
	}
	return b.Bytes()
}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func writeFile(t testing.TB, path string, b []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadIDXTypes(t *testing.T) {
	cases := []struct {
		name string
		file []byte
		want *tensor.Tensor
	}{
		{"u8", idxFile(0x08, []int{2, 3}, []uint8{0, 1, 2, 253, 254, 255}),
			&tensor.Tensor{DType: tensor.U8, Shape: []int{2, 3}, U8: []uint8{0, 1, 2, 253, 254, 255}}},
		{"i8", idxFile(0x09, []int{3}, []int8{-128, 0, 127}),
			&tensor.Tensor{DType: tensor.I8, Shape: []int{3}, I8: []int8{-128, 0, 127}}},
		{"i16", idxFile(0x0B, []int{2}, []int16{-32768, 32767}),
			tensor.FromI32([]int32{-32768, 32767}, 2)},
		{"i32", idxFile(0x0C, []int{1, 2, 1}, []int32{math.MinInt32, 7}),
			tensor.FromI32([]int32{math.MinInt32, 7}, 1, 2, 1)},
		{"f32", idxFile(0x0D, []int{2}, []float32{-1.5, float32(math.Inf(1))}),
			tensor.FromF32([]float32{-1.5, float32(math.Inf(1))}, 2)},
		{"f64", idxFile(0x0E, []int{2}, []float64{0.1, 1e300}),
			tensor.FromF32([]float32{0.1, float32(math.Inf(1))}, 2)},
		{"scalar", idxFile(0x08, nil, []uint8{42}),
			&tensor.Tensor{DType: tensor.U8, Shape: []int{}, U8: []uint8{42}}},
		{"empty", idxFile(0x0C, []int{0, 5}, nil),
			&tensor.Tensor{DType: tensor.I32, Shape: []int{0, 5}, I32: []int32{}}},
	}
	for _, c := range cases {
		for _, z := range []bool{false, true} {
			file := c.file
			if z {
				file = gzipBytes(file)
			}
			got, err := ReadIDX(bytes.NewReader(file))
			if err != nil {
				t.Errorf("%s (gzip %v): %v", c.name, z, err)
				continue
			}
			if got.U8 == nil && c.want.U8 != nil {
				got.U8 = []uint8{}
			}
			if !tensor.Equal(got, c.want) || got.Check() != nil {
				t.Errorf("%s (gzip %v): got %v %v, want %v", c.name, z, got, got, c.want)
			}
		}
	}
}

// TestLoadIDXFiles covers the file paths: the size confirmed by the file
// (plain and gzip) or not (trailing bytes, multi-member gzip), and the
// direct u8-to-f32 conversion against the plain one.
func TestLoadIDXFiles(t *testing.T) {
	dir := t.TempDir()
	pix := make([]uint8, 5*7*3)
	for i := range pix {
		pix[i] = uint8(i * 37)
	}
	raw := idxFile(0x08, []int{5, 7, 3}, pix)
	want := &tensor.Tensor{DType: tensor.U8, Shape: []int{5, 7, 3}, U8: pix}
	wantF := tensor.New(tensor.F32, 5, 7, 3)
	for i, v := range pix {
		wantF.F32[i] = float32(v) / 255
	}
	multi := append(gzipBytes(raw[:50]), gzipBytes(raw[50:])...)
	for name, b := range map[string][]byte{"plain": raw, "gz": gzipBytes(raw), "multi.gz": multi} {
		p := writeFile(t, filepath.Join(dir, name), b)
		got, err := LoadIDX(p)
		if err != nil || !tensor.Equal(got, want) {
			t.Errorf("%s: got %v, %v", name, got, err)
		}
		got, err = loadIDX(p, true)
		if err != nil || !tensor.Equal(got, wantF) {
			t.Errorf("%s scaled: got %v, %v", name, got, err)
		}
	}
	// Truncated and trailing data, through the file paths.
	for name, b := range map[string][]byte{
		"short":       raw[:len(raw)-1],
		"short.gz":    gzipBytes(raw[:len(raw)-1]),
		"trailing":    append(append([]byte(nil), raw...), 0),
		"trailing.gz": gzipBytes(append(append([]byte(nil), raw...), 0)),
	} {
		p := writeFile(t, filepath.Join(dir, name), b)
		for _, scale := range []bool{false, true} {
			_, err := loadIDX(p, scale)
			wantMsg := "truncated: dimensions [5,7,3] of unsigned byte need 105 bytes of data, the file holds 104"
			if strings.HasPrefix(name, "trailing") {
				wantMsg = "trailing bytes after the 105 bytes of data"
			}
			if err == nil || !strings.Contains(err.Error(), wantMsg) || !strings.HasPrefix(err.Error(), p+": ") {
				t.Errorf("%s (scale %v): got %v, want %q", name, scale, err, wantMsg)
			}
		}
	}
	if _, err := LoadIDX(filepath.Join(dir, "nope")); err == nil || !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := idxFile(0x08, []int{2, 2}, []uint8{1, 2, 3, 4})
	corrupt := gzipBytes(good)
	corrupt[len(corrupt)-6] ^= 0xff // CRC-32
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "empty file, not an IDX file"},
		{"one byte", []byte{0}, "truncated: the file ends after 1 bytes, inside the magic number"},
		{"bad magic", []byte("PK\x03\x04rest"), "not an IDX file: starts with 50 4b 03 04"},
		{"short bad magic", []byte{1, 2}, "not an IDX file: starts with 01 02"},
		{"npy", []byte("\x93NUMPY\x01\x00"), "not an IDX file"},
		{"type", []byte{0, 0, 0x0A, 1, 0, 0, 0, 1, 0}, "IDX type byte 0x0A is not one of 0x08 u8"},
		{"dims", []byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0}, "truncated: the header announces 3 dimensions (12 bytes), the file ends after 6 of them"},
		{"data", good[:len(good)-1], "truncated: dimensions [2,2] of unsigned byte need 4 bytes of data, the file holds 3"},
		{"trailing", append(append([]byte(nil), good...), 9), "trailing bytes after the 4 bytes of data that dimensions [2,2] of unsigned byte hold"},
		{"huge", idxFile(0x08, []int{60000, 1 << 20, 1 << 20}, nil), "dimensions [60000,1048576,1048576] of unsigned byte claim more than the limit of 1073741824 bytes"},
		{"overflow", idxFile(0x0E, []int{1<<32 - 1, 1<<32 - 1, 1<<32 - 1, 0}, nil), "claim more than the limit"},
		{"past limit", idxFile(0x0D, []int{1<<28 + 1, 1}, nil), "claim more than the limit"},
		{"big claim", idxFile(0x0C, []int{1 << 27}, []int32{1, 2}), "need 536870912 bytes of data, the file holds 8"},
		{"gz truncated", gzipBytes(good)[:20], "truncated"},
		{"gz crc", corrupt, "gzip: gzip: invalid checksum"},
		{"gz header", []byte{0x1f, 0x8b, 0}, "gzip:"},
	}
	for _, c := range cases {
		got, err := ReadIDX(bytes.NewReader(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, %v; want error containing %q", c.name, got, err, c.want)
		}
	}
}

// TestReadIDXHugeClaimCheap makes sure a header claiming hundreds of
// megabytes followed by little data fails without allocating them.
func TestReadIDXHugeClaimCheap(t *testing.T) {
	file := idxFile(0x08, []int{1 << 14, 1 << 15}, []uint8{1, 2, 3}) // claims 512 MiB
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadIDX(bytes.NewReader(file))
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("no error")
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 4<<20 {
		t.Errorf("allocated %d bytes for a %d-byte file", d, len(file))
	}
}

// encodeIDX encodes a tensor as an IDX file of the given type byte, for
// round trips.
func encodeIDX(typ byte, t *tensor.Tensor) []byte {
	var elems any
	switch typ {
	case 0x08:
		elems = t.U8
	case 0x09:
		elems = t.I8
	case 0x0B:
		s := make([]int16, len(t.I32))
		for i, v := range t.I32 {
			s[i] = int16(v)
		}
		elems = s
	case 0x0C:
		elems = t.I32
	case 0x0D:
		elems = t.F32
	}
	return idxFile(typ, t.Shape, elems)
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxFile(0x08, []int{2, 2}, []uint8{1, 2, 3, 4}))
	f.Add(gzipBytes(idxFile(0x08, []int{1, 3}, []uint8{1, 2, 3})))
	f.Add(idxFile(0x09, []int{2}, []int8{-1, 1}))
	f.Add(idxFile(0x0B, []int{2}, []int16{-1, 300}))
	f.Add(idxFile(0x0C, []int{1, 1}, []int32{5}))
	f.Add(idxFile(0x0D, []int{2}, []float32{1, float32(math.NaN())}))
	f.Add(idxFile(0x0E, []int{1}, []float64{2.5}))
	f.Add(idxFile(0x08, []int{1 << 20, 1 << 20}, nil))
	f.Add([]byte{0, 0, 8})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		if err := got.Check(); err != nil {
			t.Fatalf("ReadIDX returned a malformed tensor: %v", err)
		}
		if len(b) < 4 || b[0] == 0x1f || b[2] == 0x0E {
			return // gzipped, or f64 (converted): no byte-exact round trip
		}
		if again := encodeIDX(b[2], got); !bytes.Equal(again, b) {
			t.Fatalf("round trip: read %v from %x, which encodes as %x", got, b, again)
		}
	})
}
