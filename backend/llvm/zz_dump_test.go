package llvm

import (
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	dir := "/tmp/asm/l5"
	os.MkdirAll(dir, 0o755)
	g, _ := example(t, "lenet5.kiln")
	tg := hostTarget()
	b := &testing.B{}
	_ = b
	ll, _ := EmitFor(g, tg.opts)
	os.WriteFile(dir+"/model.ll", ll, 0o644)
	h, _ := Header(g)
	os.WriteFile(dir+"/model.h", h, 0o644)
}
