package data

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-nn/kiln/tensor"
)

// stFile builds a safetensors file by hand: the header size, the header as
// given, then the data.
func stFile(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func writeST(t *testing.T, s *Safetensors) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSafetensors(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWriteSafetensorsExactBytes checks files byte by byte. The first four
// are the expected outputs of the reference implementation's own tests
// (test_serialization, test_serialization_forced_alignement and test_empty
// in safetensors/src/tensor.rs).
func TestWriteSafetensorsExactBytes(t *testing.T) {
	data := f32le(0, 1, 2, 3, 4, 5)
	tests := []struct {
		name string
		s    *Safetensors
		want []byte
	}{
		{
			// A 64-byte header is already a multiple of 8: no padding.
			name: "one tensor",
			s:    &Safetensors{Tensors: []Named{{"attn.0", tensor.FromF32([]float32{0, 1, 2, 3, 4, 5}, 1, 2, 3)}}},
			want: append([]byte("\x40\x00\x00\x00\x00\x00\x00\x00"+
				`{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}`), data...),
		},
		{
			// 65 bytes of JSON, padded with 7 spaces to 72.
			name: "padded",
			s:    &Safetensors{Tensors: []Named{{"attn0", tensor.FromF32([]float32{0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)}}},
			want: append([]byte("\x48\x00\x00\x00\x00\x00\x00\x00"+
				`{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}`+"       "), data...),
		},
		{
			name: "empty",
			s:    &Safetensors{},
			want: []byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "),
		},
		{
			name: "empty with metadata",
			s:    &Safetensors{Metadata: map[string]string{"framework": "pt"}},
			want: []byte("\x28\x00\x00\x00\x00\x00\x00\x00" + `{"__metadata__":{"framework":"pt"}}` + "     "),
		},
		{
			// Sorted by dtype (F32, I32, I8, U8), then by name; metadata
			// keys sorted; names escaped as serde_json escapes them.
			name: "order and escapes",
			s: &Safetensors{
				Tensors: []Named{
					{"b", &tensor.Tensor{DType: tensor.U8, Shape: []int{2}, U8: []uint8{0xb0, 0xb1}}},
					{"a", tensor.FromI32([]int32{-1}, 1)},
					{"z", tensor.FromF32([]float32{1}, []int{}...)},
					{"m\"\\\n\x01<é", &tensor.Tensor{DType: tensor.I8, Shape: []int{1, 1}, I8: []int8{-2}}},
					{"c", tensor.FromF32([]float32{2, 3}, 2)},
					{"e", &tensor.Tensor{DType: tensor.F32, Shape: []int{0, 3}}},
				},
				Metadata: map[string]string{"z": "last", "format": "pt", "\t": "<&>"},
			},
			want: func() []byte {
				h := `{"__metadata__":{"\t":"<&>","format":"pt","z":"last"},` +
					`"c":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
					`"e":{"dtype":"F32","shape":[0,3],"data_offsets":[8,8]},` +
					`"z":{"dtype":"F32","shape":[],"data_offsets":[8,12]},` +
					`"a":{"dtype":"I32","shape":[1],"data_offsets":[12,16]},` +
					`"m\"\\\n\u0001<é":{"dtype":"I8","shape":[1,1],"data_offsets":[16,17]},` +
					`"b":{"dtype":"U8","shape":[2],"data_offsets":[17,19]}}`
				if len(h) != 395 { // é is 2 bytes
					t.Fatalf("test is wrong: header is %d bytes", len(h))
				}
				h += "     " // to 400
				b := stFile(h, nil)
				b = append(b, f32le(2, 3, 1)...)
				b = append(b, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xb0, 0xb1)
				return b
			}(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := writeST(t, tc.s)
			if !bytes.Equal(got, tc.want) {
				t.Errorf("bytes:\n got %q\nwant %q", got, tc.want)
			}
			// And it reads back.
			if _, err := ReadSafetensors(got); err != nil {
				t.Errorf("ReadSafetensors: %v", err)
			}
		})
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	// In the order WriteSafetensors sorts them, so reading gives back
	// exactly the same value.
	s := &Safetensors{
		Tensors: []Named{
			{"fc1.bias", tensor.FromF32([]float32{0.5, -0.25}, 2)},
			{"fc1.weight", tensor.FromF32([]float32{1, 2, 3, 4, 5, 6}, 2, 3)},
			{"scalar", tensor.FromF32([]float32{float32(math.Inf(-1))})},
			{"emb.ids", tensor.FromI32([]int32{math.MinInt32, math.MaxInt32, 0}, 3)},
			{"q.weight", &tensor.Tensor{DType: tensor.I8, Shape: []int{2, 2}, I8: []int8{-127, 127, 0, 1}}},
			{"empty", &tensor.Tensor{DType: tensor.U8, Shape: []int{0}, U8: []uint8{}}},
			{"mask", &tensor.Tensor{DType: tensor.U8, Shape: []int{1, 1, 1, 3}, U8: []uint8{0, 1, 255}}},
		},
		Metadata: map[string]string{"format": "pt", "kiln": "1"},
	}
	b := writeST(t, s)
	got, err := ReadSafetensors(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, got, cmp.Comparer(tensor.Equal)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if again := writeST(t, got); !bytes.Equal(again, b) {
		t.Error("writing what was read gives different bytes")
	}

	// Unsorted input is written sorted, and reads back in that order.
	rev := &Safetensors{Tensors: append([]Named(nil), s.Tensors...)}
	for i, j := 0, len(rev.Tensors)-1; i < j; i, j = i+1, j-1 {
		rev.Tensors[i], rev.Tensors[j] = rev.Tensors[j], rev.Tensors[i]
	}
	rb := writeST(t, rev)
	got, err = ReadSafetensors(rb)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.Tensors, got.Tensors, cmp.Comparer(tensor.Equal)); diff != "" {
		t.Errorf("sorted order (-want +got):\n%s", diff)
	}
	if got.Metadata != nil {
		t.Errorf("no metadata written, got %v", got.Metadata)
	}
}

func TestSaveLoadSafetensors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.safetensors")
	s := &Safetensors{Tensors: []Named{{"w", tensor.FromF32([]float32{1, 2}, 2)}}}
	if err := SaveSafetensors(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, got, cmp.Comparer(tensor.Equal)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	bad := &Safetensors{Tensors: []Named{{"w", nil}}}
	if err := SaveSafetensors(path, bad); err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("SaveSafetensors(bad) = %v", err)
	}
	if _, err := LoadSafetensors(path); err != nil {
		t.Errorf("the failed save disturbed the file: %v", err)
	}
	if err := os.WriteFile(path, []byte("short"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSafetensors(path); err == nil || !strings.HasPrefix(err.Error(), path+": truncated") {
		t.Errorf("LoadSafetensors(short) = %v", err)
	}
}

func TestReadSafetensorsConversions(t *testing.T) {
	u16 := func(vs ...uint16) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint16(b, v)
		}
		return b
	}
	u64 := func(vs ...uint64) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint64(b, v)
		}
		return b
	}
	entry := func(dtype, shape string, end int) string {
		return `{"t":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":[0,` + strconv.Itoa(end) + `]}}`
	}
	nan16 := halfToFloat32(0x7e01)
	tests := []struct {
		name string
		file []byte
		want *tensor.Tensor
	}{
		{"F16", stFile(entry("F16", "[6]", 12), u16(0x3c00, 0xc000, 0x0001, 0x8000, 0x7c00, 0x7bff)),
			tensor.FromF32([]float32{1, -2, 0x1p-24, float32(math.Copysign(0, -1)), float32(math.Inf(1)), 65504}, 6)},
		{"F16 NaN", stFile(entry("F16", "[1]", 2), u16(0x7e01)), tensor.FromF32([]float32{nan16}, 1)},
		{"BF16", stFile(entry("BF16", "[2,1]", 4), u16(0x3f80, 0xc0a0)), tensor.FromF32([]float32{1, -5}, 2, 1)},
		{"F64", stFile(entry("F64", "[2]", 16), u64(math.Float64bits(0.1), math.Float64bits(-1e40))),
			tensor.FromF32([]float32{0.1, float32(math.Inf(-1))}, 2)},
		{"I64", stFile(entry("I64", "[2]", 16), u64(uint64(1<<64-(1<<31)), math.MaxInt32)),
			tensor.FromI32([]int32{math.MinInt32, math.MaxInt32}, 2)},
		{"I16", stFile(entry("I16", "[2]", 4), u16(0x8000, 0x7fff)), tensor.FromI32([]int32{-32768, 32767}, 2)},
		{"U16", stFile(entry("U16", "[1]", 2), u16(0xffff)), tensor.FromI32([]int32{65535}, 1)},
		{"U32", stFile(entry("U32", "[1]", 4), le32(7)), tensor.FromI32([]int32{7}, 1)},
		{"U64", stFile(entry("U64", "[1]", 8), u64(9)), tensor.FromI32([]int32{9}, 1)},
		{"BOOL", stFile(entry("BOOL", "[3]", 3), []byte{0, 1, 0x20}),
			&tensor.Tensor{DType: tensor.U8, Shape: []int{3}, U8: []uint8{0, 1, 1}}},
		{"I8", stFile(entry("I8", "[1]", 1), []byte{0xff}), &tensor.Tensor{DType: tensor.I8, Shape: []int{1}, I8: []int8{-1}}},
		{"scalar", stFile(entry("I32", "[]", 4), le32(5)), tensor.FromI32([]int32{5})},
		{"padding, spacing and unknown fields", stFile(
			"{ \"t\" : {\"extra\": {\"nested\": [1, {\"x\": null}]}, \"data_offsets\" : [0, 4], \"shape\":[1], \"dtype\":\"F32\"},\n\"__metadata__\": null }   ",
			f32le(3)), tensor.FromF32([]float32{3}, 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadSafetensors(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Tensors) != 1 || s.Tensors[0].Name != "t" || !tensor.Equal(s.Tensors[0].T, tc.want) {
				t.Errorf("got %+v, want %v %v %v", s.Tensors, tc.want, tc.want.F32, tc.want.I32)
			}
		})
	}
}

func TestReadSafetensorsErrors(t *testing.T) {
	tensorA := `"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}`
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "truncated: 0 bytes, too short for the 8-byte header size"},
		{"short", []byte{1, 0, 0}, "truncated: 3 bytes"},
		{"header too large", binary.LittleEndian.AppendUint64(nil, 100_000_001), "header size 100000001 is larger than the limit of 100000000 bytes"},
		{"header size huge", binary.LittleEndian.AppendUint64(nil, math.MaxUint64), "header size 18446744073709551615 is larger than the limit"},
		{"header past end", append(binary.LittleEndian.AppendUint64(nil, 100), "{}"...), "header size 100 runs past the end of the file (2 bytes after the size)"},
		{"zero header", binary.LittleEndian.AppendUint64(nil, 0), "header: does not start with '{'"},
		{"an NPY file", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", f32le(1)),
			"not a safetensors file (one starts with the 8-byte size of its JSON header, then '{'); this one is an NPY array file"},
		{"a zip file", []byte("PK\x03\x04\x14\x00\x00\x00\x00\x00"), "not a safetensors file (one starts with the 8-byte size of its JSON header, then '{'); this one is a zip archive (an NPZ file?)"},
		{"text", []byte("f0,f1,label\n1,2,0\n"), `not a safetensors file (one starts with the 8-byte size of its JSON header, then '{'); this one starts with "f0,f1,label\n1,2,"`},
		{"not utf-8", stFile("{\"\xff\":1}", nil), "header: not valid UTF-8"},
		{"leading space", stFile(" {}", nil), "header: does not start with '{'"},
		{"array", stFile("[]", nil), "header: does not start with '{'"},
		{"invalid json", stFile("{\"a\":}", nil), `header: tensor "a": invalid JSON: invalid character '}'`},
		{"truncated json", stFile("{\"a\":{", nil), "header: tensor \"a\": invalid JSON: unexpected end of header"},
		{"trailing json", stFile("{} {}", nil), "header: unexpected data after the JSON object"},
		{"trailing garbage", stFile("{}x", nil), "header: unexpected data after the JSON object"},
		{"nul padding", stFile("{}\x00\x00", nil), "header: unexpected data after the JSON object"},
		{"duplicate tensor", stFile("{"+tensorA+","+tensorA+"}", f32le(1, 2)), `header: name "a" appears twice`},
		{"duplicate metadata", stFile(`{"__metadata__":{},"__metadata__":{}}`, nil), `header: name "__metadata__" appears twice`},
		{"duplicate metadata key", stFile(`{"__metadata__":{"k":"1","k":"2"}}`, nil), `header: __metadata__: key "k" appears twice`},
		{"metadata value", stFile(`{"__metadata__":{"k":1}}`, nil), `header: __metadata__: value of "k" must be a string, found number 1`},
		{"metadata not object", stFile(`{"__metadata__":"x"}`, nil), `header: __metadata__: must be an object of strings, found string "x"`},
		{"duplicate field", stFile(`{"a":{"dtype":"F32","dtype":"F32","shape":[],"data_offsets":[0,4]}}`, f32le(1)), `header: tensor "a": field "dtype" appears twice`},
		{"entry not object", stFile(`{"a":[1]}`, nil), `header: tensor "a": must be an object with dtype, shape and data_offsets, found '['`},
		{"missing dtype", stFile(`{"a":{"shape":[],"data_offsets":[0,4]}}`, f32le(1)), `header: tensor "a": missing "dtype"`},
		{"missing shape", stFile(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, f32le(1)), `header: tensor "a": missing "shape"`},
		{"missing offsets", stFile(`{"a":{"dtype":"F32","shape":[]}}`, f32le(1)), `header: tensor "a": missing "data_offsets"`},
		{"dtype not string", stFile(`{"a":{"dtype":4,"shape":[],"data_offsets":[0,4]}}`, nil), `header: tensor "a": dtype must be a string, found number 4`},
		{"unknown dtype", stFile(`{"a":{"dtype":"F31","shape":[],"data_offsets":[0,4]}}`, nil), `header: tensor "a": unknown dtype "F31"`},
		{"lowercase dtype", stFile(`{"a":{"dtype":"f32","shape":[],"data_offsets":[0,4]}}`, nil), `unknown dtype "f32"`},
		{"unsupported dtype", stFile(`{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}`, []byte{0}), `header: tensor "a": dtype F8_E4M3 is not supported`},
		{"complex", stFile(`{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)), `dtype C64 is not supported`},
		{"negative dim", stFile(`{"a":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,4]}}`, nil), `header: tensor "a": shape has a negative value -1`},
		{"float dim", stFile(`{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}`, nil), `header: tensor "a": shape has a non-integer value 2.0`},
		{"exponent dim", stFile(`{"a":{"dtype":"F32","shape":[1e1],"data_offsets":[0,8]}}`, nil), `shape has a non-integer value 1e1`},
		{"huge dim", stFile(`{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}`, nil), `shape value 99999999999999999999 does not fit in 64 bits`},
		{"dim over int", stFile(`{"a":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,8]}}`, nil), `shape dimension 18446744073709551615 is too large`},
		{"shape not array", stFile(`{"a":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}`, nil), `shape must be an array of integers, found number 2`},
		{"shape with string", stFile(`{"a":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}`, nil), `shape must be an array of integers, found string "2"`},
		{"three offsets", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}`, nil), `data_offsets must hold 2 numbers [begin, end], found 3`},
		{"negative offset", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}`, nil), `data_offsets has a negative value -8`},
		{"size mismatch", stFile(`{"fc1.weight":{"dtype":"F32","shape":[10,5],"data_offsets":[0,100]}}`, make([]byte, 100)),
			`tensor "fc1.weight": data_offsets [0, 100] hold 100 bytes, shape [10, 5] of F32 needs 200`},
		{"end before begin", stFile(`{"a":{"dtype":"F32","shape":[],"data_offsets":[4,0]}}`, f32le(1)), `tensor "a": data_offsets [4, 0] end before they begin`},
		{"hole at start", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32le(1, 2)), `tensor "a": data_offsets [4, 8] leave bytes [0, 4) of the data buffer unused`},
		{"hole between", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, f32le(1, 2, 3)),
			`tensor "b": data_offsets [8, 12] leave bytes [4, 8) of the data buffer unused`},
		{"overlap", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32le(1, 2)),
			`tensor "b": data_offsets [4, 8] overlap tensor "a" at [0, 8]`},
		{"same offsets", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}`, f32le(1)),
			`overlap tensor "a" at [0, 4]`},
		{"trailing bytes", stFile("{"+tensorA+"}", f32le(1, 2, 3)), "data buffer holds 12 bytes, but the tensors cover only 8: trailing bytes"},
		{"no tensors, trailing bytes", stFile("{}", []byte{0}), "data buffer holds 1 bytes, but the tensors cover only 0"},
		{"past end", stFile("{"+tensorA+"}", f32le(1)), `tensor "a": data_offsets [0, 8] run past the end of the data buffer (4 bytes)`},
		{"huge claim", stFile(`{"a":{"dtype":"F32","shape":[1000000000000],"data_offsets":[0,4000000000000]}}`, f32le(1)),
			`tensor "a": data_offsets [0, 4000000000000] run past the end of the data buffer (4 bytes)`},
		{"overflowing shape", stFile(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, f32le(1, 2)),
			`tensor "a": shape [4294967296, 4294967296] of F32 is too large`},
		{"I64 out of range", stFile(`{"a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}`, binary.LittleEndian.AppendUint64(make([]byte, 8), 1<<40)),
			`tensor "a": I64 data: element 1 is 1099511627776, outside the int32 range`},
		{"U32 out of range", stFile(`{"a":{"dtype":"U32","shape":[1],"data_offsets":[0,4]}}`, le32(1<<31)),
			`tensor "a": U32 data: element 0 is 2147483648, outside the int32 range`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadSafetensors(tc.file)
			if err == nil {
				t.Fatalf("ReadSafetensors succeeded with %+v, want error %q", s, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n got %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestWriteSafetensorsErrors(t *testing.T) {
	one := tensor.FromF32([]float32{1}, 1)
	for _, tc := range []struct {
		s    *Safetensors
		want string
	}{
		{nil, "nil Safetensors"},
		{&Safetensors{Tensors: []Named{{"__metadata__", one}}}, `tensor name "__metadata__" is reserved`},
		{&Safetensors{Tensors: []Named{{"a", one}, {"a", one}}}, `tensor "a" appears twice`},
		{&Safetensors{Tensors: []Named{{"\xff", one}}}, `is not valid UTF-8`},
		{&Safetensors{Tensors: []Named{{"a", &tensor.Tensor{DType: tensor.I32, Shape: []int{2}}}}}, `tensor "a": invalid tensor`},
		{&Safetensors{Metadata: map[string]string{"k": "\xfe"}}, `metadata "k"`},
	} {
		var b bytes.Buffer
		err := WriteSafetensors(&b, tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WriteSafetensors = %v, want %q", err, tc.want)
		}
		if b.Len() != 0 {
			t.Errorf("failed write wrote %d bytes", b.Len())
		}
	}
}

func FuzzReadSafetensors(f *testing.F) {
	var b bytes.Buffer
	WriteSafetensors(&b, &Safetensors{
		Tensors: []Named{
			{"w", tensor.FromF32([]float32{1, 2, 3, 4}, 2, 2)},
			{"b", tensor.FromI32([]int32{5}, 1)},
			{"q", &tensor.Tensor{DType: tensor.I8, Shape: []int{1}, I8: []int8{-1}}},
		},
		Metadata: map[string]string{"format": "pt"},
	})
	f.Add(b.Bytes())
	f.Add(stFile(`{"t":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"u":{"dtype":"BF16","shape":[],"data_offsets":[4,6]}}`, make([]byte, 6)))
	f.Add(stFile(`{"t":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"__metadata__":null}`, make([]byte, 8)))
	f.Add(stFile(`{"t":{"dtype":"BOOL","shape":[0,1000000],"data_offsets":[0,0]}}`, nil))
	f.Add(stFile(`{"a":{"dtype":"F32","shape":[10,5],"data_offsets":[0,100]}}`, make([]byte, 100)))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadSafetensors(b)
		if err != nil {
			return
		}
		total := 0
		for _, nt := range s.Tensors {
			if err := nt.T.Check(); err != nil {
				t.Fatalf("tensor %q is malformed: %v", nt.Name, err)
			}
			total += nt.T.Bytes()
		}
		// F16, BF16, I16, U16 widen to 4 bytes; nothing widens more.
		if total > 2*len(b) {
			t.Fatalf("%d bytes of tensors from a %d-byte file", total, len(b))
		}
		var out bytes.Buffer
		if err := WriteSafetensors(&out, s); err != nil {
			t.Fatalf("WriteSafetensors: %v", err)
		}
		again, err := ReadSafetensors(out.Bytes())
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if len(again.Tensors) != len(s.Tensors) {
			t.Fatalf("read back %d tensors, want %d", len(again.Tensors), len(s.Tensors))
		}
	})
}
