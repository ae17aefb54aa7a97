package runtime

import (
	"os"
	"strings"
	"testing"
)

// TestMemoryLimitCountsTheSum: the memory limit bounds the arena, the
// inputs and the kernels' scratch together, not each alone — a file with
// many inputs, each within the limit, is refused.
func TestMemoryLimitCountsTheSum(t *testing.T) {
	b, err := os.ReadFile("testdata/tiny.kbc")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	parts := []int{m.arena, m.scratch.col, m.scratch.padded, m.scratch.colOut, 4 * m.scratch.acc}
	for _, i := range m.inputs {
		parts = append(parts, m.tensors[i].bytes())
	}
	sum, largest := 0, 0
	for _, p := range parts {
		sum += p
		largest = max(largest, p)
	}
	if sum <= largest+1 {
		t.Fatalf("tiny.kbc's memory is all one part (%v): the test needs several", parts)
	}
	if _, err := Load(b, &Options{MaxMemory: sum}); err != nil {
		t.Errorf("limit %d, the model's whole need: %v", sum, err)
	}
	_, err = Load(b, &Options{MaxMemory: sum - 1})
	if err == nil || !strings.Contains(err.Error(), "arena, inputs and kernel scratch") {
		t.Errorf("limit %d, one byte short: got %v", sum-1, err)
	}
}
