package kernels

import (
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
	if _, err := Peak("amx", time.Millisecond); err == nil {
		t.Error("Peak(amx) on a machine without it gave no error")
	}
}
