package llvm

import (
	"os"
	"testing"
)

func TestScratchBench(t *testing.T) {
	g, _ := example(t, "lenet_300_100.kiln")
	ll, _ := Emit(g)
	h, _ := Header(g)
	os.WriteFile("/tmp/bench/model.ll", ll, 0o644)
	os.WriteFile("/tmp/bench/model.h", h, 0o644)
}
