package kernels

import (
	"slices"
	"testing"
	"time"
)

// TestPeak times every bare loop this machine runs briefly: each gives a
// positive rate, and a set without one is refused.
func TestPeak(t *testing.T) {
	for _, name := range PeakSets() {
		g, err := Peak(name, 20*time.Millisecond)
		if err != nil || g <= 0 {
			t.Errorf("Peak(%s) = %v, %v", name, g, err)
		}
		t.Logf("%s: %.1f GMAC/s", name, g)
	}
	for _, name := range SetNames {
		if !slices.Contains(PeakSets(), name) {
			if _, err := Peak(name, time.Millisecond); err == nil {
				t.Errorf("Peak(%s) on a machine without it gave no error", name)
			}
			break
		}
	}
}
