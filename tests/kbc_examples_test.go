package tests

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestExamplesKBC pins the bytes of every example's .kbc (random weights
// and calibration data, seeded): a change to the compiler that changes
// any file shows here. If the format or the arithmetic changed on
// purpose, run go test ./tests -update and say why in the commit.
func TestExamplesKBC(t *testing.T) {
	var b strings.Builder
	for _, e := range buildExamples(t) {
		fmt.Fprintf(&b, "%s %d %x\n", e.name, len(e.kbc), sha256.Sum256(e.kbc))
	}
	const golden = "testdata/examples_kbc.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("the examples' .kbc files changed:\n got:\n%s\nwant:\n%s", got, want)
	}
}
