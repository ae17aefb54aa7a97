package ir

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestReference keeps OPS.md, the op reference, in step with the table.
func TestReference(t *testing.T) {
	got := Reference()
	if *update {
		if err := os.WriteFile("OPS.md", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("OPS.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("OPS.md is out of date: run go test ./ir -update")
	}
}
