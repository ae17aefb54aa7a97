package kernels

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// TestArm64Choice checks that the arm64 kernels are selected, and which:
// SDOT where the CPU has the dot product, NEON where it does not. With
// KILN_WANT_KERNEL set (make test-arm64 sets it per emulated CPU) the
// kernels selected at init must be the ones named: "portable" under
// KILN_PORTABLE=1.
func TestArm64Choice(t *testing.T) {
	if env := os.Getenv("KILN_WANT_KERNEL"); env != "" && env != KernelName() {
		t.Errorf("KernelName() = %q at init, but KILN_WANT_KERNEL=%s", KernelName(), env)
	}
	if os.Getenv("KILN_PORTABLE") != "" || os.Getenv("KILN_KERNELS") != "" {
		return
	}
	want := "neon"
	if cpu.ARM64.HasASIMDDP {
		want = "sdot"
	}
	if selected.name != want {
		t.Fatalf("selected the %q kernels; want %q (refused: %q)", selected.name, want, Refused())
	}
	defer useSet(portableSet)()
	UsePortable(false)
	if got := KernelName(); got != want {
		t.Errorf("KernelName() = %q after UsePortable(false), want %q", got, want)
	}
}

// TestArm64SelfTest: every set the CPU runs passes the tile self-test
// that guards it, and that rejects a tile with one wrong sum.
func TestArm64SelfTest(t *testing.T) {
	for _, s := range armSets {
		if lacks := s.lacks(); lacks != "" {
			t.Logf("%s: this CPU lacks %s", s.name, lacks)
			continue
		}
		if !tileSelfTest(s.tile, s.row4) {
			t.Errorf("%s: self-test failed", s.name)
		}
		tileOff := func(kq int, x0, x1, x2, x3 *int8, xq int, w *int8, acc *int32, ldacc int, rows int) {
			s.tile(kq, x0, x1, x2, x3, xq, w, acc, ldacc, rows)
			if rows == 1 {
				*acc++
			}
		}
		row4Off := func(kq int, x *int8, xq int, w *int8, ldw int, acc *int32) {
			s.row4(kq, x, xq, w, ldw, acc)
			*(*int32)(unsafe.Add(unsafe.Pointer(acc), 31*4))--
		}
		if tileSelfTest(tileOff, s.row4) || tileSelfTest(s.tile, row4Off) {
			t.Errorf("%s: self-test passed a wrong sum", s.name)
		}
	}
}

// TestArm64Sets runs the differential tests on each arm64 set the CPU
// supports, whichever is selected by default (under an SDOT CPU the NEON
// set is tested too) and even if its self-test failed.
func TestArm64Sets(t *testing.T) {
	defer useSet(portableSet)()
	for _, s := range armSets {
		if lacks := s.lacks(); lacks != "" {
			t.Logf("%s: this CPU lacks %s", s.name, lacks)
			continue
		}
		useSet(s.kernelSet())
		t.Run(s.name, func(t *testing.T) {
			for name, f := range map[string]func(*testing.T){
				"MatMulRequantRandom":    TestMatMulRequantRandom,
				"MatMulRequant1024":      TestMatMulRequant1024,
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

// TestRequantNEON compares requantNEON with requant.apply lane by lane:
// sums at and near the int32 limits and at the rounding ties of every
// shift, random sums, multipliers at MinInt32 and MaxInt32, every shift
// in [-31, 30], per-output and per-tensor values, with and without bias,
// and clamps including lo > hi.
func TestRequantNEON(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	const n = 4 * 2000
	edges := []int32{math.MinInt32, math.MinInt32 + 1, -1 << 30, -3, -2, -1, 0, 1, 2, 3, 1 << 30, math.MaxInt32 - 1, math.MaxInt32}
	acc, bias, mult, shift := make([]int32, n), make([]int32, n), make([]int32, n), make([]int32, n)
	for i := range n {
		switch rng.IntN(4) {
		case 0:
			acc[i] = edges[rng.IntN(len(edges))]
		case 1:
			e := rng.IntN(31) + 1 // a tie of shift -e, or next to it
			acc[i] = int32(rng.IntN(1<<10)-1<<9)<<e + 1<<(e-1) + int32(rng.IntN(3)-1)
		default:
			acc[i] = int32(rng.Uint32())
		}
		bias[i] = int32(rng.IntN(1<<16) - 1<<15)
		if rng.IntN(4) == 0 {
			bias[i] = int32(rng.Uint32())
		}
		switch rng.IntN(6) {
		case 0:
			mult[i] = math.MinInt32
		case 1:
			mult[i] = math.MaxInt32
		default:
			mult[i] = int32(rng.Uint32())
		}
		shift[i] = int32(rng.IntN(62) - 31)
	}
	head := make([]int32, 12)
	for _, lohi := range [][2]int32{{-128, 127}, {-5, 100}, {10, -10}} {
		for _, perTensor := range []bool{false, true} {
			for _, withBias := range []bool{false, true} {
				q := requant{mult: mult, shift: shift, off: int32(rng.IntN(256) - 128), lo: lohi[0], hi: lohi[1]}
				if withBias {
					q.bias = bias
				}
				if perTensor {
					q.mult, q.shift = mult[:1], shift[:1]
				}
				got := make([]int8, n)
				v := denseRequant(&q, head)
				requantNEON(n, &acc[0], v.bias, v.bstep, v.mult, v.mstep, v.shift, v.sstep, int(q.off), int(q.lo), int(q.hi), &got[0])
				for i := range n {
					if want := q.apply(acc[i], i); got[i] != want {
						t.Fatalf("clamp %v per-tensor %v bias %v: sum %d mult %d shift %d: got %d, want %d",
							lohi, perTensor, withBias, acc[i], q.mult[min(i, len(q.mult)-1)], q.shift[min(i, len(q.shift)-1)], got[i], want)
					}
				}
			}
		}
	}
}

// TestPackCols compares packCols, which MatMulRequantRHS uses to lay out
// activation columns, with its definition byte by byte: every k from 1 to
// 13 (whole quads, and partial ones), 1 to 40 columns (whole groups of 8,
// and partial ones) from an offset, row strides past the columns, and a
// destination full of garbage, which must all be overwritten.
func TestPackCols(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for k := 1; k <= 13; k++ {
		kq := (k + 3) / 4
		for cn := 1; cn <= 40; cn++ {
			for _, c0 := range []int{0, 3} {
				ldc := c0 + cn + rng.IntN(9)
				col := activations(rng, (k-1)*ldc+c0+cn)
				groups := (cn + 7) / 8
				dst := activations(rng, groups*kq*32)
				packCols(col, ldc, k, kq, c0, cn, dst)
				for g := range groups {
					for q := range kq {
						for c := range 8 {
							for tt := range 4 {
								var want int8
								if i, cc := 4*q+tt, 8*g+c; i < k && cc < cn {
									want = col[i*ldc+c0+cc]
								}
								if got := dst[g*kq*32+32*q+4*c+tt]; got != want {
									t.Fatalf("k=%d cn=%d c0=%d: group %d quad %d byte %d = %d, want %d", k, cn, c0, g, q, 4*c+tt, got, want)
								}
							}
						}
					}
				}
			}
		}
	}
}
