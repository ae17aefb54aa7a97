package train

import (
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
)

// TestConfusion: each example is counted at its label's row and the
// column of its largest logit; the diagonal is the accuracy; the table
// names the classes and gives each row's recall.
func TestConfusion(t *testing.T) {
	sc := &scorer{task: data.Classification}
	// Logits of 3 classes for 5 examples: chosen 0, 2, 2, 1, 0.
	out := []float32{
		3, 1, 0,
		0, 1, 2,
		-1, -2, 5,
		0, 4, 1,
		2, 1, 1,
	}
	sc.add(out, nil, []int32{0, 2, 1, 1, 2}, 3)
	m := sc.metrics()
	want := [][]int{{1, 0, 0}, {0, 1, 1}, {1, 0, 1}}
	for i := range want {
		for j := range want[i] {
			if m.Confusion[i][j] != want[i][j] {
				t.Fatalf("confusion %v, want %v", m.Confusion, want)
			}
		}
	}
	if m.Accuracy != 3.0/5 {
		t.Errorf("accuracy %g, want 0.6", m.Accuracy)
	}
	table := m.ConfusionTable([]string{"circle", "line", "tilt"})
	rows := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if len(rows) != 4 {
		t.Fatalf("table of %d lines, want a head and 3 rows:\n%s", len(rows), table)
	}
	for i, w := range [][]string{
		{"label", "\\", "chosen", "0", "1", "2", "recall"},
		{"0", "circle", "1", "0", "0", "100.00%"},
		{"1", "line", "0", "1", "1", "50.00%"},
		{"2", "tilt", "1", "0", "1", "50.00%"},
	} {
		if got := strings.Fields(rows[i]); strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("row %d: %q, want %q", i, got, w)
		}
	}
	if unnamed := m.ConfusionTable(nil); !strings.Contains(unnamed, "\n1 ") || strings.Fields(strings.Split(unnamed, "\n")[2])[1] != "0" {
		t.Errorf("without labels the rows are numbered alone:\n%s", unnamed)
	}
	if (Metrics{Task: data.Binary}).Confusion != nil {
		t.Error("a binary score has a confusion table")
	}
}
