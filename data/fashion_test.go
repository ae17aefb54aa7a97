package data

import (
	"fmt"
	"os"
	"slices"
	"testing"
)

// TestOpenFashionMNIST loads the Fashion-MNIST files the Debian package
// installs and checks what Zalando's README documents: 60,000 training and
// 10,000 test images of 28x28, ten balanced classes, and the first labels
// of each part. `make fashion-mnist` installs the package; without it the
// test skips, so `make test` does not need it.
func TestOpenFashionMNIST(t *testing.T) {
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		t.Skipf("%s is absent (the Debian package dataset-fashion-mnist; make fashion-mnist installs it)", FashionMNISTDir)
	}
	s, err := Open("fashion-mnist", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []struct {
		d          *Dataset
		name       string
		n          int
		firstLabel []int32
	}{
		{s.Train, "fashion-mnist (train)", 60000, []int32{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}},
		{s.Test, "fashion-mnist (test)", 10000, []int32{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}},
	} {
		d := part.d
		if d == nil {
			t.Fatalf("%s is missing", part.name)
		}
		if d.Name != part.name || d.Task != Classification || d.Classes != 10 || !slices.Equal(d.Labels, fashionLabels) {
			t.Fatalf("got %q, task %v, %d classes, labels %q", d.Name, d.Task, d.Classes, d.Labels)
		}
		if x, want := d.Inputs[0].T, fmt.Sprintf("f32[%d,1,28,28]", part.n); x.String() != want {
			t.Fatalf("%s: images are %v, want %s", d.Name, x, want)
		}
		if got := d.Target.I32[:len(part.firstLabel)]; !slices.Equal(got, part.firstLabel) {
			t.Errorf("%s: first labels %v, want %v", d.Name, got, part.firstLabel)
		}
		// The classes are balanced: a tenth of each part apiece.
		counts := make([]int, 10)
		for _, c := range d.Target.I32 {
			counts[c]++
		}
		for c, n := range counts {
			if n != part.n/10 {
				t.Errorf("%s: class %d (%s) has %d examples, want %d", d.Name, c, fashionLabels[c], n, part.n/10)
			}
		}
		// Pixels are byte/255: in [0, 1], and both ends occur.
		lo, hi := float32(1), float32(0)
		for _, v := range d.Inputs[0].T.F32 {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("%s: pixels span [%g, %g], want [0, 1]", d.Name, lo, hi)
		}
	}
}
