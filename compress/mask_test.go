package compress

import (
	"math"
	"testing"
)

func TestMagnitudeMask(t *testing.T) {
	w := []float32{0.5, -0.1, 0.3, -0.7, 0.1, 0, 0.2, -0.3}
	for _, c := range []struct {
		sparsity float64
		want     []bool
	}{
		{0, []bool{true, true, true, true, true, true, true, true}},
		{0.25, []bool{true, false, true, true, true, false, true, true}}, // 0 and the first |0.1|
		{0.5, []bool{true, false, true, true, false, false, false, true}},
		{0.75, []bool{true, false, false, true, false, false, false, false}}, // 0.3 at index 2 goes before index 7
		{1, []bool{false, false, false, false, false, false, false, false}},
	} {
		got := MagnitudeMask(w, c.sparsity)
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("sparsity %v: mask %v, want %v", c.sparsity, got, c.want)
				break
			}
		}
		if s := Sparsity(got); math.Abs(s-c.sparsity) > 1e-9 {
			t.Errorf("sparsity %v: Sparsity says %v", c.sparsity, s)
		}
	}
}

func TestThresholdMask(t *testing.T) {
	w := []float32{1, -1, 1, -1, 0.5, -0.25}
	std := StdDev(w)
	keep := ThresholdMask(w, 0.9/std) // keep |w| >= 0.9
	want := []bool{true, true, true, true, false, false}
	for i := range want {
		if keep[i] != want[i] {
			t.Fatalf("mask %v, want %v", keep, want)
		}
	}
	Apply(w, keep)
	if w[4] != 0 || w[5] != 0 || w[0] != 1 {
		t.Fatalf("Apply: %v", w)
	}
}

func TestCubicSparsity(t *testing.T) {
	if s := CubicSparsity(0, 100, 0, 0.9); s != 0 {
		t.Errorf("start: %v", s)
	}
	if s := CubicSparsity(100, 100, 0, 0.9); s != 0.9 {
		t.Errorf("end: %v", s)
	}
	if s := CubicSparsity(50, 100, 0, 0.8); math.Abs(s-0.7) > 1e-12 { // 0.8 - 0.8/8
		t.Errorf("middle: %v", s)
	}
	prev := -1.0
	for step := 0; step <= 100; step++ {
		s := CubicSparsity(step, 100, 0.1, 0.95)
		if s < prev {
			t.Fatalf("step %d: %v after %v", step, s, prev)
		}
		prev = s
	}
}
