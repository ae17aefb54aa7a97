package runtime

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"unsafe"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// TestCodedConstants: each coded constant of coded.kbc is decoded at
// load into aligned memory the model owns, holds what the blob codes,
// and is a plain constant from then on; the disassembly lists it.
func TestCodedConstants(t *testing.T) {
	file, err := os.ReadFile("testdata/coded.kbc")
	if err != nil {
		t.Fatal(err)
	}
	f, err := kbc.Decode(file, false)
	if err != nil {
		t.Fatal(err)
	}
	m := loadTestdata(t, "coded.kbc", nil)
	n := 0
	for i, kt := range f.Tensors {
		if kt.Store != kbc.StoreCoded {
			continue
		}
		n++
		tn := &m.tensors[i]
		if tn.store != kbc.StoreConst || tn.coded == nil || tn.coded.offset != kt.Offset || tn.coded.size != kt.Size {
			t.Fatalf("tensor %s: store %d, coded %+v after loading", tn.name, tn.store, tn.coded)
		}
		want := make([]byte, kt.Bytes())
		if _, err := kbc.DecodeCoded(want, f.Const[kt.Offset:kt.Offset+kt.Size], kt.DType.Size()); err != nil {
			t.Fatal(err)
		}
		var got []byte
		switch tn.dtype {
		case I8:
			got = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(tn.i8))), len(tn.i8))
		case I32:
			got = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(tn.i32))), 4*len(tn.i32))
		}
		if !bytes.Equal(got, want) {
			t.Errorf("tensor %s: the loaded constant is not what its blob codes", tn.name)
		}
		if addrOf(got)%kbc.Align != 0 {
			t.Errorf("tensor %s: decoded at an address that is not a multiple of %d", tn.name, kbc.Align)
		}
		if tn.offset < kbc.AlignUp(len(f.Const)) {
			t.Errorf("tensor %s: decoded at %d, inside CONST", tn.name, tn.offset)
		}
	}
	if n < 2 {
		t.Fatalf("coded.kbc holds %d coded constants; want several", n)
	}
	var b strings.Builder
	m.Disassemble(&b, 100)
	for _, want := range []string{`constants: [\d,]+ bytes, coded ones decoded to [\d,]+`, `\n  \S+ +i8\[\d+,\d+\] +coded `,
		`coded constants:\n +tensor +zeros +codebook +raw bytes +coded bytes\n`, `\d+\.\d% +\d+ \(\d bits?\) +[\d,]+ +[\d,]+\n`} {
		if !regexp.MustCompile(want).MatchString(b.String()) {
			t.Errorf("no %q in the disassembly:\n%s", want, b.String())
		}
	}
}
