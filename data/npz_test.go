package data

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiln-nn/kiln/tensor"
)

func sampleNamed() []Named {
	return []Named{
		{"w", tensor.FromF32([]float32{1, 2, 3, 4, 5, 6}, 2, 3)},
		{"b", tensor.FromI32([]int32{-1, 7}, 2)},
		{"scalar", tensor.FromF32([]float32{3.5})},
		{"empty", &tensor.Tensor{DType: tensor.I8, Shape: []int{0, 4}}},
		{"labels", &tensor.Tensor{DType: tensor.U8, Shape: []int{1, 1, 2, 2}, U8: []uint8{0, 9, 255, 1}}},
		{"a/nested", tensor.FromI32([]int32{1}, 1, 1)},
	}
}

func equalNamed(t *testing.T, got, want []Named) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d tensors, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !tensor.Equal(got[i].T, want[i].T) {
			t.Errorf("tensor %d: got %q %v, want %q %v", i, got[i].Name, got[i].T, want[i].Name, want[i].T)
		}
	}
}

func writeNPZ(t *testing.T, ts []Named) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteNPZ(&b, ts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestNPZRoundTrip(t *testing.T) {
	ts := sampleNamed()
	b := writeNPZ(t, ts)
	got, err := ReadNPZ(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	equalNamed(t, got, ts)

	// The same tensors give the same bytes.
	if again := writeNPZ(t, sampleNamed()); !bytes.Equal(again, b) {
		t.Error("WriteNPZ is not deterministic")
	}
}

// TestWriteNPZLayout checks what np.load relies on: stored members named
// NAME.npy, in order, each holding exactly the WriteNPY bytes, with a fixed
// time and no data descriptor (sizes and CRC in the local header).
func TestWriteNPZLayout(t *testing.T) {
	ts := sampleNamed()
	b := writeNPZ(t, ts)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(ts) {
		t.Fatalf("%d members, want %d", len(zr.File), len(ts))
	}
	for i, f := range zr.File {
		if f.Name != ts[i].Name+".npy" {
			t.Errorf("member %d is %q, want %q", i, f.Name, ts[i].Name+".npy")
		}
		if f.Method != zip.Store {
			t.Errorf("member %q: method %d, want stored", f.Name, f.Method)
		}
		if f.Flags&0x8 != 0 {
			t.Errorf("member %q uses a data descriptor", f.Name)
		}
		if !f.Modified.Equal(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("member %q: modified %v", f.Name, f.Modified)
		}
		var want bytes.Buffer
		if err := WriteNPY(&want, ts[i].T); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if _, err := got.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("member %q differs from WriteNPY's bytes", f.Name)
		}
	}
	// The local file header of the first member starts the file, with the
	// CRC and sizes filled in.
	if string(b[:4]) != "PK\x03\x04" {
		t.Fatalf("file starts with %q", b[:4])
	}
	var first bytes.Buffer
	WriteNPY(&first, ts[0].T)
	crc := crc32.ChecksumIEEE(first.Bytes())
	if got := uint32(b[14]) | uint32(b[15])<<8 | uint32(b[16])<<16 | uint32(b[17])<<24; got != crc {
		t.Errorf("local header CRC %#x, want %#x", got, crc)
	}
}

// zipOf builds an archive by hand, as np.savez_compressed would (deflate)
// or with any other member layout.
type zipMember struct {
	name   string
	data   []byte
	method uint16
}

func zipOf(t *testing.T, ms ...zipMember) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range ms {
		var w io.Writer
		var err error
		if m.method == zip.Store || m.method == zip.Deflate {
			w, err = zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: m.method})
		} else {
			// A method the writer cannot compress with: store the bytes
			// raw under that method's number.
			w, err = zw.CreateRaw(&zip.FileHeader{Name: m.name, Method: m.method,
				CRC32: crc32.ChecksumIEEE(m.data), CompressedSize64: uint64(len(m.data)), UncompressedSize64: uint64(len(m.data))})
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func npyBytes(t *testing.T, tt *tensor.Tensor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteNPY(&b, tt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadNPZCompressed(t *testing.T) {
	ts := sampleNamed()
	var ms []zipMember
	for _, nt := range ts {
		ms = append(ms, zipMember{nt.Name + ".npy", npyBytes(t, nt.T), zip.Deflate})
	}
	b := zipOf(t, ms...)
	got, err := ReadNPZ(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	equalNamed(t, got, ts)
}

func TestSaveLoadNPZ(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.npz")
	ts := sampleNamed()
	if err := SaveNPZ(path, ts); err != nil {
		t.Fatal(err)
	}
	got, err := LoadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	equalNamed(t, got, ts)

	err = SaveNPZ(path, []Named{{"x", &tensor.Tensor{DType: tensor.F32, Shape: []int{3}}}})
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("SaveNPZ(invalid) = %v", err)
	}
	if got, err := LoadNPZ(path); err != nil || len(got) != len(ts) {
		t.Errorf("the failed save disturbed the file: %v", err)
	}

	if err := os.WriteFile(path, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadNPZ(path); err == nil || !strings.HasPrefix(err.Error(), path+": not a valid NPZ") {
		t.Errorf("LoadNPZ(garbage) = %v", err)
	}
}

func TestWriteNPZErrors(t *testing.T) {
	one := tensor.FromF32([]float32{1}, 1)
	for _, tc := range []struct {
		ts   []Named
		want string
	}{
		{[]Named{{"", one}}, "empty name"},
		{[]Named{{"a", one}, {"a", one}}, `tensor "a" appears twice`},
		{[]Named{{"a", nil}}, `tensor "a": nil tensor`},
		{[]Named{{"a", &tensor.Tensor{DType: tensor.F32, Shape: []int{-1}}}}, `tensor "a": invalid tensor`},
	} {
		var b bytes.Buffer
		err := WriteNPZ(&b, tc.ts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WriteNPZ = %v, want %q", err, tc.want)
		}
		if b.Len() != 0 {
			t.Errorf("failed WriteNPZ wrote %d bytes", b.Len())
		}
	}
}

func TestReadNPZErrors(t *testing.T) {
	good := npyBytes(t, tensor.FromF32([]float32{1, 2}, 2))
	corrupt := zipOf(t, zipMember{"a.npy", good, zip.Store})
	// Flip a data byte: the CRC check fails.
	corrupt[30+len("a.npy")+len(good)-1] ^= 0xff

	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"not a zip", []byte("hello"), "not a valid NPZ (zip) archive"},
		{"not npy member", zipOf(t, zipMember{"readme.txt", []byte("hi"), zip.Store}), `member "readme.txt": not a .npy file`},
		{"duplicate", zipOf(t, zipMember{"a.npy", good, zip.Store}, zipMember{"a.npy", good, zip.Deflate}), `member "a.npy": appears twice`},
		{"bad member", zipOf(t, zipMember{"a.npy", good[:128+6], zip.Deflate}), `member "a.npy": data: 6 bytes, but shape (2,) of '<f4' needs 8`},
		{"trailing in member", zipOf(t, zipMember{"a.npy", append(bytes.Clone(good), 1), zip.Store}), `member "a.npy": data: trailing bytes`},
		{"checksum", corrupt, `member "a.npy": corrupt data: CRC-32 mismatch`},
		{"unsupported method", zipOf(t, zipMember{"a.npy", good, 12}), `member "a.npy": compression method 12 is not supported`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadNPZ(bytes.NewReader(tc.file), int64(len(tc.file)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadNPZ = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestReadNPZLimit checks the zip-bomb guard, both against declared sizes
// and against what the decompressor really produces.
func TestReadNPZLimit(t *testing.T) {
	big := npyBytes(t, tensor.New(tensor.U8, 1<<20))
	bomb := zipOf(t, zipMember{"a.npy", big, zip.Deflate})
	if len(bomb) > 4<<10 {
		t.Fatalf("test archive is %d bytes; zeros should compress better", len(bomb))
	}

	// Declared size past the limit.
	_, err := readNPZ(bytes.NewReader(bomb), int64(len(bomb)), 1<<19)
	if err == nil || !strings.Contains(err.Error(), "past the archive limit of 524288 bytes") {
		t.Errorf("declared size over the limit: %v", err)
	}

	// Under the limit it reads.
	if _, err := readNPZ(bytes.NewReader(bomb), int64(len(bomb)), 2<<20); err != nil {
		t.Errorf("under the limit: %v", err)
	}

	// The limit is a total over members.
	two := zipOf(t, zipMember{"a.npy", big, zip.Deflate}, zipMember{"b.npy", big, zip.Deflate})
	_, err = readNPZ(bytes.NewReader(two), int64(len(two)), 3<<19)
	if err == nil || !strings.Contains(err.Error(), `member "b.npy"`) {
		t.Errorf("two members over the total: %v", err)
	}

	// A member that lies about its size: declared 100 bytes, but the
	// deflate stream holds a megabyte.
	var comp bytes.Buffer
	{
		zw := zip.NewWriter(&comp)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x", Method: zip.Deflate})
		w.Write(big)
		zw.Close()
	}
	zr, err := zip.NewReader(bytes.NewReader(comp.Bytes()), int64(comp.Len()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := zr.File[0].OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	var deflated bytes.Buffer
	deflated.ReadFrom(raw)
	var liar bytes.Buffer
	zw := zip.NewWriter(&liar)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "a.npy", Method: zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(big),
		CompressedSize64:   uint64(deflated.Len()),
		UncompressedSize64: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated.Bytes())
	zw.Close()
	_, err = readNPZ(bytes.NewReader(liar.Bytes()), int64(liar.Len()), 1000)
	if err == nil {
		t.Error("a member that decompresses past its declared size was accepted")
	}
}

func TestBudgetReader(t *testing.T) {
	// Exactly at the budget is fine; one byte more is not.
	br := &budgetReader{r: bytes.NewReader(make([]byte, 10)), left: 10}
	if _, err := readExactly(br, 10); err != nil || br.over {
		t.Errorf("at budget: %v, over=%v", err, br.over)
	}
	var one [1]byte
	if n, _ := br.Read(one[:]); n != 0 || br.over {
		t.Errorf("after the data: n=%d over=%v", n, br.over)
	}
	br = &budgetReader{r: bytes.NewReader(make([]byte, 11)), left: 10}
	if _, err := readExactly(br, 11); err == nil || !br.over {
		t.Errorf("past budget: %v, over=%v", err, br.over)
	}
}

func FuzzReadNPZ(f *testing.F) {
	// Small seeds: the fuzzer's minimizer is quadratic in the input's length.
	for _, ts := range [][]Named{
		{{"x", tensor.FromF32([]float32{1, 2}, 2)}},
		{{"a", &tensor.Tensor{DType: tensor.I8, Shape: []int{}, I8: []int8{-1}}}, {"b", &tensor.Tensor{DType: tensor.U8, Shape: []int{0}}}},
		{},
	} {
		var b bytes.Buffer
		if err := WriteNPZ(&b, ts); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	var c bytes.Buffer
	zw := zip.NewWriter(&c)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x.npy", Method: zip.Deflate})
	var n bytes.Buffer
	WriteNPY(&n, tensor.FromI32([]int32{1, 2, 3, 4}, 2, 2))
	w.Write(n.Bytes())
	zw.Close()
	f.Add(c.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		// archive/zip scans up to 64 KiB from the end of a file for the end
		// of the central directory, and the minimizer is quadratic, so big
		// inputs cost much and find nothing new: every branch is reachable
		// in far less than the cap.
		if len(b) > 1<<10 {
			return
		}
		ts, err := ReadNPZ(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, nt := range ts {
			if err := nt.T.Check(); err != nil {
				t.Fatalf("tensor %q is malformed: %v", nt.Name, err)
			}
		}
	})
}

// TestArraysStored: LoadNPYArray and LoadNPZArrays say what element type
// the file stores, by NumPy's name, beside the dtype kiln loaded it as.
func TestArraysStored(t *testing.T) {
	dir := t.TempDir()
	i64 := npyFile(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 7), 1<<64-1))
	f4 := npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", f32le(2))
	npy := filepath.Join(dir, "x.npy")
	os.WriteFile(npy, i64, 0o644)
	a, err := LoadNPYArray(npy)
	if err != nil || a.Stored != "int64" || a.Descr != "'<i8'" || !tensor.Equal(a.T, tensor.FromI32([]int32{7, -1}, 2)) {
		t.Errorf("LoadNPYArray = %+v, %v; want int64 '<i8' loaded as i32[2]", a, err)
	}
	npz := filepath.Join(dir, "x.npz")
	os.WriteFile(npz, zipOf(t, zipMember{name: "ids.npy", data: i64}, zipMember{name: "x.npy", data: f4}), 0o644)
	as, err := LoadNPZArrays(npz)
	if err != nil || len(as) != 2 || as[0].Name != "ids" || as[0].Stored != "int64" || as[1].Name != "x" || as[1].Stored != "float32" {
		t.Errorf("LoadNPZArrays = %+v, %v", as, err)
	}
}
