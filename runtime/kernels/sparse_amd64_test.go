package kernels

import "testing"

// TestSparseSelfTest: on a CPU with AVX2 the assembly sparse kernel
// passes the self-test that guards it.
func TestSparseSelfTest(t *testing.T) {
	if haveAsm && !sparseAsm {
		t.Fatal("the AVX2 sparse kernel failed its self-test")
	}
}
