package tests

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kiln-nn/kiln/runtime"
)

// TestInspectFits: kiln inspect's disassembly of every example fits 100
// columns.
func TestInspectFits(t *testing.T) {
	for _, b := range buildExamples(t) {
		m, err := runtime.Load(b.kbc, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		m.Disassemble(&out, 100)
		for _, line := range strings.Split(out.String(), "\n") {
			if n := utf8.RuneCountInString(line); n > 100 {
				t.Errorf("%s: a line of %d columns:\n%s", b.name, n, line)
			}
		}
	}
}
