package data

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

// npyFile builds a .npy file by hand: magic, version, header length (2 bytes
// for 1.0, 4 otherwise), the header text as given, then data.
func npyFile(major byte, header string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	}
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func le32(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

func f32le(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func writeNPY(t *testing.T, tt *tensor.Tensor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteNPY(&b, tt); err != nil {
		t.Fatalf("WriteNPY(%v): %v", tt, err)
	}
	return b.Bytes()
}

// TestWriteNPYExactBytes checks the whole file np.save writes for
// np.arange(6, dtype=np.float32).reshape(2, 3), derived from the format:
//
//	dict    {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }  59 bytes
//	growth  21 - len('2') = 20 spaces                                    79
//	newline                                                              80 = hlen
//	pad     64 - (8 magic+version + 2 length + 80) % 64 = 64 - 26 = 38  118 = 0x76
//
// so the preamble is 10 + 118 = 128 bytes: the dictionary, 58 spaces and a
// newline, then 24 bytes of little-endian float32 data.
func TestWriteNPYExactBytes(t *testing.T) {
	got := writeNPY(t, tensor.FromF32([]float32{0, 1, 2, 3, 4, 5}, 2, 3))
	want := "\x93NUMPY\x01\x00\x76\x00" +
		"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" +
		strings.Repeat(" ", 58) + "\n" +
		"\x00\x00\x00\x00" + "\x00\x00\x80\x3f" + "\x00\x00\x00\x40" +
		"\x00\x00\x40\x40" + "\x00\x00\x80\x40" + "\x00\x00\xa0\x40"
	if string(got) != want {
		t.Errorf("WriteNPY bytes:\n got %q\nwant %q", got, want)
	}
	if len(want) != 128+24 {
		t.Fatalf("test is wrong: want is %d bytes", len(want))
	}
}

// TestWriteNPYHeaders checks headers of other shapes and dtypes, each
// derived by hand as above.
func TestWriteNPYHeaders(t *testing.T) {
	ones16 := make([]int, 16)
	for i := range ones16 {
		ones16[i] = 1
	}
	tests := []struct {
		name string
		t    *tensor.Tensor
		dict string
		pad  int // spaces after the dictionary, growth padding included
		hlen int // the header length field
	}{
		{
			// Scalar: no growth padding. dict 55, hlen 56, pad 64-(66%64) = 62.
			name: "scalar",
			t:    tensor.FromF32([]float32{7}),
			dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
			pad:  62, hlen: 118,
		},
		{
			// dict 57, growth 20, hlen 78, pad 64-(88%64) = 40; 57+20+40+1 = 118.
			name: "1-D i8",
			t:    &tensor.Tensor{DType: tensor.I8, Shape: []int{3}, I8: []int8{-1, 0, 1}},
			dict: "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }",
			pad:  60, hlen: 118,
		},
		{
			// A 0-length array: repr(0) has 1 digit, so the same as (3,).
			name: "0-length u8",
			t:    &tensor.Tensor{DType: tensor.U8, Shape: []int{0}},
			dict: "{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }",
			pad:  60, hlen: 118,
		},
		{
			// dict 68, growth 21-4 = 17, hlen 86, pad 64-(96%64) = 32; 68+49+1 = 118.
			name: "4-D i32",
			t:    tensor.FromI32(make([]int32, 1000*2*1*3), 1000, 2, 1, 3),
			dict: "{'descr': '<i4', 'fortran_order': False, 'shape': (1000, 2, 1, 3), }",
			pad:  49, hlen: 118,
		},
		{
			// The growth padding pushes this header into a second 64-byte
			// block: dict 101, growth 20, hlen 122, pad 64-(132%64) = 60,
			// header 182, preamble 192. Without the growth padding (NumPy
			// before 1.24) the header would be 118 bytes.
			name: "16-D",
			t:    tensor.FromF32([]float32{1}, ones16...),
			dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), }",
			pad:  80, hlen: 182,
		},
		{
			// dict 96, growth 20, hlen 117, 10+117 = 127: a pad of 1.
			name: "pad of one",
			t:    &tensor.Tensor{DType: tensor.F32, Shape: []int{0, 1000000000000000000, 10000000000000000}},
			dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1000000000000000000, 10000000000000000), }",
			pad:  21, hlen: 118,
		},
		{
			// dict 97, growth 20, hlen 118, 10+118 = 128 is already a
			// multiple of 64, and _wrap_header still pads by a full 64.
			name: "full pad when aligned",
			t:    &tensor.Tensor{DType: tensor.F32, Shape: []int{0, 1000000000000000000, 100000000000000000}},
			dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1000000000000000000, 100000000000000000), }",
			pad:  84, hlen: 182,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := writeNPY(t, tc.t)
			var lenField [2]byte
			binary.LittleEndian.PutUint16(lenField[:], uint16(tc.hlen))
			want := "\x93NUMPY\x01\x00" + string(lenField[:]) + tc.dict + strings.Repeat(" ", tc.pad) + "\n"
			if len(want) != 10+tc.hlen || len(want)%64 != 0 {
				t.Fatalf("test is wrong: preamble of %d bytes, hlen %d", len(want), tc.hlen)
			}
			if !bytes.HasPrefix(got, []byte(want)) {
				t.Errorf("header:\n got %q\nwant %q", got[:min(len(got), len(want)+8)], want)
			}
			if len(got) != len(want)+tc.t.Bytes() {
				t.Errorf("file is %d bytes, want %d", len(got), len(want)+tc.t.Bytes())
			}
		})
	}
}

func TestNPYRoundTrip(t *testing.T) {
	shapes := [][]int{{}, {5}, {0}, {2, 3}, {2, 3, 1, 4}, {3, 0, 2}}
	for _, dt := range []tensor.DType{tensor.F32, tensor.I32, tensor.I8, tensor.U8} {
		for _, shape := range shapes {
			orig := tensor.New(dt, shape...)
			for i := 0; i < orig.Len(); i++ {
				switch dt {
				case tensor.F32:
					orig.F32[i] = float32(i)*1.5 - 7
				case tensor.I32:
					orig.I32[i] = int32(i*100000 - 3)
				case tensor.I8:
					orig.I8[i] = int8(i - 10)
				case tensor.U8:
					orig.U8[i] = uint8(250 + i)
				}
			}
			b := writeNPY(t, orig)
			got, err := ReadNPY(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%v: ReadNPY: %v", orig, err)
			}
			if !tensor.Equal(got, orig) {
				t.Errorf("%v: round trip gave %v %v", orig, got, got)
			}
			if err := got.Check(); err != nil {
				t.Errorf("%v: %v", orig, err)
			}
		}
	}
	// Special float values survive bit for bit.
	special := tensor.FromF32([]float32{float32(math.Inf(1)), float32(math.Inf(-1)), math.Float32frombits(0x7fc00001), float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32}, 5)
	got, err := ReadNPY(bytes.NewReader(writeNPY(t, special)))
	if err != nil || !tensor.Equal(got, special) {
		t.Errorf("special floats: got %v, %v", got.F32, err)
	}
}

func TestSaveLoadNPY(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	orig := tensor.FromI32([]int32{1, -2, 3}, 3)
	if err := SaveNPY(path, orig); err != nil {
		t.Fatal(err)
	}
	got, err := LoadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(got, orig) {
		t.Errorf("got %v", got.I32)
	}

	// A failing save leaves the existing file alone.
	bad := &tensor.Tensor{DType: tensor.F32, Shape: []int{4}, F32: []float32{1}}
	err = SaveNPY(path, bad)
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("SaveNPY(invalid tensor) = %v, want an error starting with the path", err)
	}
	if got, err := LoadNPY(path); err != nil || !tensor.Equal(got, orig) {
		t.Errorf("after the failed save: %v, %v", got, err)
	}

	// Load errors start with the path.
	if err := os.WriteFile(path, []byte("\x93NUMPY\x01\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadNPY(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("LoadNPY(truncated) = %v, want an error starting with the path", err)
	}
}

func TestReadNPYVariants(t *testing.T) {
	const std = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
	two := f32le(1.5, -2)
	tests := []struct {
		name   string
		file   []byte
		want   *tensor.Tensor
		wantEq func(*tensor.Tensor) bool
	}{
		{"v1", npyFile(1, std+"\n", two), tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"v2", npyFile(2, std+"   \n", two), tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"v3", npyFile(3, std+"\n", two), tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"no padding or newline", npyFile(1, std, two), tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"key order, spacing, double quotes, no trailing comma",
			npyFile(1, "{ \"shape\":(2 , ),'fortran_order' :False,\n\t'descr':\"<f4\"}\n", two),
			tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"python 2 long", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }\n", two),
			tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"native order mark", npyFile(1, "{'descr': '=f4', 'fortran_order': False, 'shape': (2,), }\n", two),
			tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"no order mark", npyFile(1, "{'descr': 'f4', 'fortran_order': False, 'shape': (2,), }\n", two),
			tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"big-endian f4", npyFile(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n",
			[]byte{0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0}),
			tensor.FromF32([]float32{1.5, -2}, 2), nil},
		{"f8 held exactly", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }\n",
			f64le(0.5, math.Inf(1), -3, 0x1p-149)),
			tensor.FromF32([]float32{0.5, float32(math.Inf(1)), -3, 0x1p-149}, 4), nil},
		{"big-endian f8", npyFile(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }\n",
			binary.BigEndian.AppendUint64(nil, math.Float64bits(2.5))),
			tensor.FromF32([]float32{2.5}, 1), nil},
		{"f2", npyFile(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }\n",
			[]byte{0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00}),
			tensor.FromF32([]float32{1, -2, 0x1p-24}, 3), nil},
		{"i8", npyFile(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n",
			binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, uint64(math.MaxInt32)), 1<<64-5)),
			tensor.FromI32([]int32{math.MaxInt32, -5}, 2), nil},
		{"big-endian i8", npyFile(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }\n",
			binary.BigEndian.AppendUint64(nil, uint64(1<<64-70000))),
			tensor.FromI32([]int32{-70000}, 1), nil},
		{"i2", npyFile(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }\n", []byte{0xff, 0xff, 0x00, 0x80}),
			tensor.FromI32([]int32{-1, -32768}, 2), nil},
		{"big-endian i2", npyFile(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (1,), }\n", []byte{0x01, 0x02}),
			tensor.FromI32([]int32{258}, 1), nil},
		{"u2", npyFile(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }\n", []byte{0xff, 0xff, 0x01, 0x00}),
			tensor.FromI32([]int32{65535, 1}, 2), nil},
		{"u4", npyFile(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }\n", le32(math.MaxInt32)),
			tensor.FromI32([]int32{math.MaxInt32}, 1), nil},
		{"i4 big-endian", npyFile(1, "{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }\n", []byte{0xff, 0xff, 0xff, 0xfe}),
			tensor.FromI32([]int32{-2}, 1), nil},
		{"i1", npyFile(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }\n", []byte{0x80, 0x7f}),
			&tensor.Tensor{DType: tensor.I8, Shape: []int{2}, I8: []int8{-128, 127}}, nil},
		{"u1 with < mark", npyFile(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (2,), }\n", []byte{0, 255}),
			&tensor.Tensor{DType: tensor.U8, Shape: []int{2}, U8: []uint8{0, 255}}, nil},
		{"b1", npyFile(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", []byte{0, 1, 7}),
			&tensor.Tensor{DType: tensor.U8, Shape: []int{3}, U8: []uint8{0, 1, 1}}, nil},
		{"scalar", npyFile(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (), }\n", le32(42)),
			tensor.FromI32([]int32{42}, []int{}...), nil},
		{"fortran 1-D", npyFile(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (3,), }\n", le32(1, 2, 3)),
			tensor.FromI32([]int32{1, 2, 3}, 3), nil},
		// np.asfortranarray([[1, 2, 3], [4, 5, 6]]) stores the columns.
		{"fortran 2-D", npyFile(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }\n", le32(1, 4, 2, 5, 3, 6)),
			tensor.FromI32([]int32{1, 2, 3, 4, 5, 6}, 2, 3), nil},
		// Element (i, j, k) of a (2, 3, 2) array is stored at i + 2j + 6k;
		// value 100i + 10j + k.
		{"fortran 3-D", npyFile(1, "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3, 2), }\n", func() []byte {
			var b []byte
			for k := range 2 {
				for j := range 3 {
					for i := range 2 {
						b = binary.BigEndian.AppendUint32(b, uint32(100*i+10*j+k))
					}
				}
			}
			return b
		}()), tensor.FromI32([]int32{0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121}, 2, 3, 2), nil},
		{"fortran f4", npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", f32le(1, 3, 2, 4)),
			tensor.FromF32([]float32{1, 2, 3, 4}, 2, 2), nil},
		{"fortran u1 with zero dim", npyFile(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 0), }\n", nil),
			&tensor.Tensor{DType: tensor.U8, Shape: []int{2, 0}, U8: []uint8{}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadNPY(bytes.NewReader(tc.file))
			if err != nil {
				t.Fatalf("ReadNPY: %v", err)
			}
			if !tensor.Equal(got, tc.want) {
				t.Errorf("got %v %v %v %v %v, want %v", got, got.F32, got.I32, got.I8, got.U8, tc.want)
			}
		})
	}
}

func f64le(vs ...float64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func TestReadNPYErrors(t *testing.T) {
	hdr := func(descr, fortran, shape string) string {
		return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }\n"
	}
	good := npyFile(1, hdr("'<f4'", "False", "(2,)"), f32le(1, 2))
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "empty file, not an NPY file"},
		{"truncated magic", []byte("\x93NUM"), "truncated: the file ends after 4 bytes, inside the magic string"},
		{"truncated version", []byte("\x93NUMPY\x01"), "truncated"},
		{"bad magic", []byte("PK\x03\x04 this is a zip"), `not an NPY file: starts with "PK\x03\x04 t"`},
		{"short bad magic", []byte("hi"), "not an NPY file"},
		{"bad version", []byte("\x93NUMPY\x04\x00\x10\x00"), "unsupported NPY format version 4.0"},
		{"version 1.1", []byte("\x93NUMPY\x01\x01\x10\x00"), "unsupported NPY format version 1.1"},
		{"truncated length", []byte("\x93NUMPY\x02\x00\x10\x00"), "truncated: the file ends inside the header length (2 of 4 bytes)"},
		{"header past EOF", good[:30], "truncated: the header length says 58 bytes, the file holds 20"},
		{"huge header length", []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{}"), "header: 4294967295 bytes long; the limit (NumPy's own default) is 10000"},
		{"v3 not utf-8", npyFile(3, "{'descr': '\xff'}", nil), "header: not valid UTF-8"},
		{"empty header", npyFile(1, "   \n", nil), "header: empty header"},
		{"garbage", npyFile(1, "hello world\n", nil), `header: invalid Python literal at byte 0: name "hello" is not a literal`},
		{"not a dict", npyFile(1, "[1, 2]\n", nil), "header: [1, 2] is not a dictionary"},
		{"unterminated dict", npyFile(1, "{'descr': '<f4'\n", nil), "header: invalid Python literal at byte 16: expected ',' or '}', found end of header"},
		{"missing colon", npyFile(1, "{'descr' '<f4'}\n", nil), "expected ':' after key 'descr'"},
		{"missing comma", npyFile(1, "{'descr': '<f4' 'shape': ()}\n", nil), "expected ',' or '}'"},
		{"trailing garbage in header", npyFile(1, hdr("'<f4'", "False", "(2,)")+"x", f32le(1, 2)), "unexpected 'x' after the dictionary"},
		{"expression", npyFile(1, hdr("'<f4'", "False", "(1+1,)"), nil), "expected ',' or ')', found '+'"},
		{"float dim", npyFile(1, hdr("'<f4'", "False", "(2.0,)"), nil), "only plain decimal integers are supported, found '.'"},
		{"leading zero", npyFile(1, hdr("'<f4'", "False", "(02,)"), nil), "integer 02 has a leading zero"},
		{"long suffix in v3", npyFile(3, hdr("'<f4'", "False", "(2L,)"), nil), "only plain decimal integers are supported, found 'L'"},
		{"deep nesting", npyFile(1, strings.Repeat("[", 100)+strings.Repeat("]", 100), nil), "nested more than 32 deep"},
		{"unterminated string", npyFile(1, "{'descr: 1}\n", nil), "unterminated string"},
		{"duplicate key", npyFile(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}", nil), "duplicate key 'descr'"},
		{"missing key", npyFile(1, "{'descr': '<f4', 'shape': (2,)}\n", nil), "header: keys are ['descr', 'shape'], want exactly 'descr', 'fortran_order' and 'shape'"},
		{"extra key", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", nil), "keys are ['descr', 'fortran_order', 'shape', 'x']"},
		{"fortran not bool", npyFile(1, hdr("'<f4'", "0", "(2,)"), nil), "header: fortran_order 0 is not True or False"},
		{"shape not tuple", npyFile(1, hdr("'<f4'", "False", "[2]"), nil), "header: shape [2] is not a tuple"},
		{"parenthesized int is not a tuple", npyFile(1, hdr("'<f4'", "False", "(2)"), nil), "header: shape 2 is not a tuple"},
		{"shape with a string", npyFile(1, hdr("'<f4'", "False", "(2, 'a')"), nil), "header: shape (2, 'a') has a dimension that is not an integer: 'a'"},
		{"negative dim", npyFile(1, hdr("'<f4'", "False", "(3, -1)"), nil), "header: shape (3, -1) has a negative dimension"},
		{"huge dim", npyFile(1, hdr("'<f4'", "False", "(99999999999999999999,)"), nil), "header: shape (99999999999999999999,) has a dimension too large"},
		{"overflowing shape", npyFile(1, hdr("'<f4'", "False", "(4294967296, 4294967296)"), nil), "header: shape (4294967296, 4294967296) of '<f4' is too large"},
		{"bytes overflow", npyFile(1, hdr("'<f8'", "False", "(2305843009213693952,)"), nil), "header: shape (2305843009213693952,) of '<f8' is too large"},
		{"too many dims", npyFile(1, hdr("'<f4'", "False", "("+strings.Repeat("1, ", 65)+")"), nil), "header: shape has 65 dimensions; NumPy allows at most 64"},
		{"complex", npyFile(1, hdr("'<c8'", "False", "(2,)"), nil), "header: descr '<c8' (complex numbers) is not supported"},
		{"object", npyFile(1, hdr("'|O'", "False", "(2,)"), nil), "header: descr '|O' (Python objects) is not supported"},
		{"unicode", npyFile(1, hdr("'<U5'", "False", "(2,)"), nil), "header: descr '<U5' (Unicode strings) is not supported"},
		{"bytes", npyFile(1, hdr("'|S3'", "False", "(2,)"), nil), "(byte strings)"},
		{"datetime", npyFile(1, hdr("'<M8[ns]'", "False", "(2,)"), nil), "(datetimes)"},
		{"float128", npyFile(1, hdr("'<f16'", "False", "(2,)"), nil), "header: descr '<f16' (a float size kiln does not read) is not supported"},
		{"structured", npyFile(1, hdr("[('a', '<f4'), ('b', '<i4')]", "False", "(2,)"), nil), "header: descr [('a', '<f4'), ('b', '<i4')] is a structured dtype, which kiln does not read"},
		{"subarray", npyFile(1, hdr("('<f4', (2,))", "False", "(2,)"), nil), "header: descr ('<f4', (2,)) is a subarray dtype"},
		{"descr not a string", npyFile(1, hdr("4", "False", "(2,)"), nil), "header: descr 4 is not a dtype string"},
		{"short data", npyFile(1, hdr("'<f4'", "False", "(2, 3)"), f32le(1, 2)), "data: 8 bytes, but shape (2, 3) of '<f4' needs 24"},
		{"no data", npyFile(1, hdr("'<f4'", "False", "(2, 3)"), nil), "data: 0 bytes, but shape (2, 3) of '<f4' needs 24"},
		{"partial element", npyFile(1, hdr("'<f4'", "False", "(1,)"), []byte{1, 2}), "data: 2 bytes, but shape (1,) of '<f4' needs 4"},
		{"trailing garbage", append(bytes.Clone(good), 0), "data: trailing bytes after the 8 bytes that shape (2,) of '<f4' holds"},
		{"i8 out of range", npyFile(1, hdr("'<i8'", "False", "(2,)"), binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 1), 1<<31)),
			"int64 ('<i8') array: element [1] is 2147483648, which int32 cannot hold (kiln reads integer arrays as int32)"},
		{"i8 below range", npyFile(1, hdr("'>i8'", "False", "(1,)"), binary.BigEndian.AppendUint64(nil, uint64(1<<64-(1<<31)-1))),
			"int64 ('>i8') array: element [0] is -2147483649, which int32 cannot hold"},
		{"u8 out of range", npyFile(1, hdr("'<u8'", "False", "(1,)"), binary.LittleEndian.AppendUint64(nil, 1<<63)),
			"uint64 ('<u8') array: element [0] is 9223372036854775808, which int32 cannot hold"},
		{"u4 out of range", npyFile(1, hdr("'<u4'", "False", "(1,)"), le32(1<<31)),
			"uint32 ('<u4') array: element [0] is 2147483648, which int32 cannot hold"},
		{"f8 not a float32", npyFile(1, hdr("'<f8'", "False", "(2, 3)"), f64le(0.5, 1, 2, 0.1, 3, 4)),
			"float64 ('<f8') array: element [1,0] is 0.1, which float32 cannot hold exactly (the nearest is 0.10000000149011612); kiln computes in float32: save the array as float32 (x.astype(np.float32))"},
		{"f8 past float32's range", npyFile(1, hdr("'<f8'", "False", "(1,)"), f64le(1e300)),
			"element [0] is 1e+300, which float32 cannot hold exactly (the nearest is +Inf)"},
		{"f8 Fortran order", npyFile(1, hdr("'<f8'", "True", "(2, 3)"), f64le(0, 0, 0.1, 0, 0, 0)),
			"element [0,1] is 0.1"},
		{"i8 Fortran order", npyFile(1, hdr("'<i8'", "True", "(2, 2)"), append(binary.LittleEndian.AppendUint64(make([]byte, 8), 1<<40), make([]byte, 16)...)),
			"element [1,0] is 1099511627776"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadNPY(bytes.NewReader(tc.file))
			if err == nil {
				t.Fatalf("ReadNPY succeeded with %v, want error %q", got, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n got %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestReadNPYHugeClaimCheap checks that a header claiming far more data than
// the file holds costs little memory before the error.
func TestReadNPYHugeClaimCheap(t *testing.T) {
	file := npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }\n", make([]byte, 100))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadNPY(bytes.NewReader(file))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "data: 100 bytes, but shape (1000000000000,) of '<f8' needs 8000000000000") {
		t.Fatalf("err = %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("ReadNPY allocated %d bytes for a 200-byte file", alloc)
	}
}

// TestReadNPYLargeStream reads data larger than the reader's first chunk
// from a reader that returns a few bytes at a time.
func TestReadNPYLargeStream(t *testing.T) {
	orig := tensor.New(tensor.U8, 3, 100001)
	for i := range orig.U8 {
		orig.U8[i] = uint8(i * 7)
	}
	r := &trickleReader{b: writeNPY(t, orig), n: 4093}
	got, err := ReadNPY(r)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(got, orig) {
		t.Error("large round trip differs")
	}
}

type trickleReader struct {
	b []byte
	n int
}

func (r *trickleReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.n)], r.b)
	r.b = r.b[n:]
	return n, nil
}

func TestWriteNPYErrors(t *testing.T) {
	var b bytes.Buffer
	if err := WriteNPY(&b, nil); err == nil {
		t.Error("WriteNPY(nil) succeeded")
	}
	if err := WriteNPY(&b, &tensor.Tensor{DType: tensor.F32, Shape: []int{2}, F32: []float32{1}}); err == nil || !strings.Contains(err.Error(), "invalid tensor") {
		t.Errorf("WriteNPY(short data) = %v", err)
	}
	if err := WriteNPY(&b, &tensor.Tensor{DType: tensor.Invalid}); err == nil {
		t.Error("WriteNPY(invalid dtype) succeeded")
	}
	shape := make([]int, 65)
	for i := range shape {
		shape[i] = 1
	}
	if err := WriteNPY(&b, tensor.FromF32([]float32{1}, shape...)); err == nil || !strings.Contains(err.Error(), "65 dimensions") {
		t.Errorf("WriteNPY(65-D) = %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("failed writes wrote %d bytes", b.Len())
	}
}

func TestHalfToFloat32(t *testing.T) {
	// Every binary16 value against an independent computation in float64.
	for h := range 1 << 16 {
		got := halfToFloat32(uint16(h))
		sign := 1.0
		if h&0x8000 != 0 {
			sign = -1
		}
		exp, mant := (h>>10)&0x1f, h&0x3ff
		switch {
		case exp == 0x1f && mant == 0:
			if !math.IsInf(float64(got), int(sign)) {
				t.Fatalf("half %#04x: got %v, want %v infinity", h, got, sign)
			}
		case exp == 0x1f:
			bits := math.Float32bits(got)
			if !math.IsNaN(float64(got)) || bits>>31 != uint32(h>>15) || bits&0x7fffff != uint32(mant)<<13 {
				t.Fatalf("half %#04x: got %#08x, want a NaN with its sign and payload", h, bits)
			}
		default:
			var want float64
			if exp == 0 {
				want = sign * math.Ldexp(float64(mant), -24)
			} else {
				want = sign * math.Ldexp(float64(mant|0x400), exp-25)
			}
			if math.Float32bits(got) != math.Float32bits(float32(want)) {
				t.Fatalf("half %#04x: got %v (%#08x), want %v", h, got, math.Float32bits(got), want)
			}
		}
	}
}

func TestBfloat16ToFloat32(t *testing.T) {
	for _, tc := range []struct {
		b    uint16
		want float32
	}{{0x3f80, 1}, {0xc000, -2}, {0x0001, math.Float32frombits(0x10000)}, {0x7f80, float32(math.Inf(1))}} {
		if got := bfloat16ToFloat32(tc.b); math.Float32bits(got) != math.Float32bits(tc.want) {
			t.Errorf("bfloat16 %#04x = %v, want %v", tc.b, got, tc.want)
		}
	}
	if got := bfloat16ToFloat32(0xffc1); !math.IsNaN(float64(got)) || math.Float32bits(got) != 0xffc10000 {
		t.Errorf("NaN bfloat16 = %#08x", math.Float32bits(got))
	}
}

func FuzzReadNPY(f *testing.F) {
	for _, tt := range []*tensor.Tensor{
		tensor.FromF32([]float32{0, 1, 2, 3, 4, 5}, 2, 3),
		tensor.FromI32([]int32{7}),
		{DType: tensor.I8, Shape: []int{0}},
		{DType: tensor.U8, Shape: []int{2, 1, 2, 1}, U8: []uint8{1, 2, 3, 4}},
	} {
		var b bytes.Buffer
		if err := WriteNPY(&b, tt); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add(npyFile(1, "{'descr': '>i8', 'fortran_order': True, 'shape': (2, 2), }\n", make([]byte, 32)))
	f.Add(npyFile(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", make([]byte, 8)))
	f.Add(npyFile(3, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", []byte{0, 1, 2}))
	f.Add(npyFile(1, "{'descr': '<f2', 'fortran_order': True, 'shape': (2, 1, 2), }\n", make([]byte, 8)))
	f.Add(npyFile(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (99999999999,), }\n", nil))
	f.Add([]byte("\x93NUMPY\x01\x00\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ReadNPY(bytes.NewReader(b))
		if err != nil {
			return
		}
		if err := got.Check(); err != nil {
			t.Fatalf("ReadNPY returned a malformed tensor: %v", err)
		}
		// i2, u2 and f2 widen to 4 bytes; nothing widens more.
		if got.Bytes() > 2*len(b) {
			t.Fatalf("tensor of %d bytes from a %d-byte file", got.Bytes(), len(b))
		}
		// Whatever was read writes and reads back unchanged.
		var out bytes.Buffer
		if err := WriteNPY(&out, got); err != nil {
			t.Fatalf("WriteNPY: %v", err)
		}
		again, err := ReadNPY(&out)
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if !tensor.Equal(again, got) {
			t.Fatalf("round trip changed the tensor")
		}
	})
}
