package kernels

import (
	"os"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestArm64Choice checks that the arm64 kernels are chosen, and which:
// SDOT where the CPU has the dot product, NEON where it does not. With
// KILN_WANT_KERNEL set (make test-arm64 sets it per emulated CPU) the
// active kernels must be the ones named.
func TestArm64Choice(t *testing.T) {
	want := "neon"
	if cpu.ARM64.HasASIMDDP {
		want = "sdot"
	}
	if !haveAsm || asmName != want {
		t.Fatalf("haveAsm = %v, asmName = %q; want the %q kernels", haveAsm, asmName, want)
	}
	saved := useAsm
	defer func() { useAsm = saved }()
	UsePortable(false)
	if got := KernelName(); got != want {
		t.Errorf("KernelName() = %q, want %q", got, want)
	}
	if env := os.Getenv("KILN_WANT_KERNEL"); env != "" && env != KernelName() {
		t.Errorf("KernelName() = %q, but KILN_WANT_KERNEL=%s", KernelName(), env)
	}
}

// TestArm64SelfTest: every set the CPU runs passes the self-test that
// guards it, and the self-test rejects a tile with one wrong sum.
func TestArm64SelfTest(t *testing.T) {
	for _, s := range armSets {
		if !s.ok {
			t.Logf("%s: not supported by this CPU", s.name)
			continue
		}
		if !tileSelfTest(s.tile) {
			t.Errorf("%s: self-test failed", s.name)
		}
		off := func(kq int, x0, x1, x2, x3 *int8, xq int, w *int8, acc *int32, ldacc int, rows int) {
			s.tile(kq, x0, x1, x2, x3, xq, w, acc, ldacc, rows)
			*acc++
		}
		if tileSelfTest(off) {
			t.Errorf("%s: self-test passed a wrong sum", s.name)
		}
	}
}

// TestArm64Sets runs the differential tests on each arm64 set the CPU
// supports, whichever is chosen by default (under an SDOT CPU the NEON
// set is tested too) and even if its self-test failed.
func TestArm64Sets(t *testing.T) {
	savedTile, savedName, savedHave := dotTile, asmName, haveAsm
	defer func() { dotTile, asmName, haveAsm = savedTile, savedName, savedHave }()
	for _, s := range armSets {
		if !s.ok {
			t.Logf("%s: not supported by this CPU", s.name)
			continue
		}
		dotTile, asmName, haveAsm = s.tile, s.name, true
		t.Run(s.name, func(t *testing.T) {
			for name, f := range map[string]func(*testing.T){
				"MatMulRequantRandom":    TestMatMulRequantRandom,
				"MatMul":                 TestMatMul,
				"ExtremeSums":            TestExtremeSums,
				"RequantEdges":           TestRequantEdges,
				"MatMulRequantRHSRandom": TestMatMulRequantRHSRandom,
				"ConvRHS":                TestConvRHS,
				"TileShapes":             TestTileShapes,
				"NoAllocs":               TestNoAllocs,
			} {
				t.Run(name, f)
			}
		})
	}
}
