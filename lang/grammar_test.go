package lang

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files: grammar.ebnf and the out.kiln sections of testdata/format/*.txtar")

// TestGrammar keeps grammar.ebnf equal to what the parser is built from:
// after changing the grammar, run go test ./lang -update and review the diff.
func TestGrammar(t *testing.T) {
	got := Grammar()
	if *update {
		if err := os.WriteFile("grammar.ebnf", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("grammar.ebnf")
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("grammar.ebnf is stale; run go test ./lang -update. The parser's grammar:\n%s", got)
	}
}
