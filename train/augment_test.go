package train

import (
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

// TestShiftBatch checks that every shifted example is its original moved
// by one offset in [-shift, shift]² with a zero border, that the offsets
// vary, that a step draws the same offsets every time, and that integer
// and flat inputs are left alone.
func TestShiftBatch(t *testing.T) {
	const n, c, h, w, shift = 4, 2, 5, 6, 2
	orig := tensor.New(tensor.F32, n, c, h, w)
	for i := range orig.F32 {
		orig.F32[i] = float32(i + 1) // no zeros: a zero in the result is border
	}
	ids := tensor.New(tensor.I32, n, 3)
	flat := tensor.New(tensor.F32, n, 7)
	for i := range flat.F32 {
		flat.F32[i] = 1
	}
	seen := map[[2]int]bool{}
	for step := range 40 {
		img := orig.Clone()
		shiftBatch([]*tensor.Tensor{ids, img, flat}, shift, 9, step)
		again := orig.Clone()
		shiftBatch([]*tensor.Tensor{ids, again, flat}, shift, 9, step)
		for i := range img.F32 {
			if img.F32[i] != again.F32[i] {
				t.Fatalf("step %d: two draws differ at %d", step, i)
			}
		}
		for e := range n {
			off, ok := findShift(orig.F32[e*c*h*w:(e+1)*c*h*w], img.F32[e*c*h*w:(e+1)*c*h*w], c, h, w, shift)
			if !ok {
				t.Fatalf("step %d, example %d: not a translation by at most %d", step, e, shift)
			}
			seen[off] = true
		}
	}
	if len(seen) != (2*shift+1)*(2*shift+1) {
		t.Errorf("offsets drawn: %d of %d", len(seen), (2*shift+1)*(2*shift+1))
	}
	for _, v := range flat.F32 {
		if v != 1 {
			t.Fatal("a flat input was changed")
		}
	}
	if err := checkShift(1, []*tensor.Tensor{ids, flat}); err == nil {
		t.Error("shift accepted for a data set without images")
	}
	if err := checkShift(-1, []*tensor.Tensor{orig}); err == nil {
		t.Error("negative shift accepted")
	}
}

// findShift returns the offset (dy, dx) that makes got orig translated,
// zero-filled, on every channel.
func findShift(orig, got []float32, c, h, w, shift int) ([2]int, bool) {
	for dy := -shift; dy <= shift; dy++ {
	next:
		for dx := -shift; dx <= shift; dx++ {
			for p := range c {
				for y := range h {
					for x := range w {
						want := float32(0)
						if sy, sx := y-dy, x-dx; sy >= 0 && sy < h && sx >= 0 && sx < w {
							want = orig[p*h*w+sy*w+sx]
						}
						if got[p*h*w+y*w+x] != want {
							continue next
						}
					}
				}
			}
			return [2]int{dy, dx}, true
		}
	}
	return [2]int{}, false
}
