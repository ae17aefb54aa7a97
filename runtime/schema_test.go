package runtime

import (
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// TestParameterRanges: every integer of every instruction of a file that
// holds every opcode, set just outside its schema field's range, is
// refused with an error that names the parameter and the range; set to
// either end of the range, it is refused for another reason or loads.
func TestParameterRanges(t *testing.T) {
	file, err := os.ReadFile("testdata/ops.kbc")
	if err != nil {
		t.Fatal(err)
	}
	secs, err := splitSections(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := kbc.DecodeSections(secs)
	if err != nil {
		t.Fatal(err)
	}
	load := func(k, i int, v int64) error {
		code := binary.AppendUvarint(nil, uint64(len(f.Code)))
		for j := range f.Code {
			in := f.Code[j]
			if j == k {
				in.Ints = slices.Clone(in.Ints)
				in.Ints[i] = v
			}
			code = kbc.AppendInstr(code, &in)
		}
		s := slices.Clone(secs)
		s[kbc.SecCode] = code
		_, err := decode(s, nil)
		return err
	}
	for k, in := range f.Code {
		sch := in.Op.Schema()
		for i := range in.Ints {
			fd, _ := sch.Field(i)
			name := paramName(sch, i)
			for _, v := range []int64{fd.Lo - 1, fd.Hi + 1} {
				want := fmt.Sprintf("instruction %d (%v at %v): %s = %d is outside [%d, %d]", k, in.Op, in.Pos, name, v, fd.Lo, fd.Hi)
				if err := load(k, i, v); err == nil || !strings.HasSuffix(err.Error(), want) {
					t.Errorf("got %v, want ...%s", err, want)
				}
			}
			for _, v := range []int64{fd.Lo, fd.Hi} {
				generic := fmt.Sprintf(": %s = %d is outside [%d, %d]", name, v, fd.Lo, fd.Hi)
				if err := load(k, i, v); err != nil && strings.HasSuffix(err.Error(), generic) {
					t.Errorf("instruction %d (%v): %s = %d, within its range: %v", k, in.Op, name, v, err)
				}
			}
		}
	}
}
