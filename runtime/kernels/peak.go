// Bare-loop peaks: what each kernel set's multiply-add instructions
// reach on this machine with nothing but registers, the ceiling the
// kernels' GMAC/s are measured against.

package kernels

import (
	"fmt"
	"slices"
	"time"
)

// PeakSets lists the kernel sets whose bare loop runs on this machine:
// the portable kernels and each assembly set the CPU has, best first.
func PeakSets() []string {
	var names []string
	for _, s := range asmSets {
		if s.peak != nil && s.lacks() == "" {
			names = append(names, s.name)
		}
	}
	return append(names, "portable")
}

// Peak times the bare loop of the named kernel set for about d and
// returns its rate in GMAC/s (10^9 multiply-adds a second): the best of
// a few timed runs, as a peak is a ceiling.
func Peak(name string, d time.Duration) (float64, error) {
	if !slices.Contains(PeakSets(), name) {
		return 0, fmt.Errorf("kernel set %s has no bare loop on this machine (it has %v)", name, PeakSets())
	}
	loop := portableSet
	for _, s := range asmSets {
		if s.name == name {
			loop = s
		}
	}
	iters := 1
	for {
		t0 := time.Now()
		loop.peak(iters)
		if el := time.Since(t0); el > d/20 || iters > 1<<30 {
			break
		}
		iters *= 2
	}
	best := 0.0
	for end := time.Now().Add(d); time.Now().Before(end); {
		t0 := time.Now()
		loop.peak(iters)
		best = max(best, float64(iters)*float64(loop.peakMACs)/time.Since(t0).Seconds()/1e9)
	}
	return best, nil
}

// portablePeakMACs is peakPortable's multiply-adds per iteration: one
// lane step (lanes.go), 21 outputs.
const portablePeakMACs = 2*laneFloats + 3*3

// peakSink keeps the portable loop's sums alive.
var peakSink float64

// peakPortable is the portable kernel's arithmetic on registers: a lane
// step's six float64 and three int64 multiply-adds of one activation, the
// words held in registers.
func peakPortable(iters int) {
	var f0, f1, f2, f3, f4, f5 float64
	var i0, i1, i2 int64
	w := 1 + peakSink
	w0, w1, w2 := int64(w)+2, int64(w)+4, int64(w)+6 // not constants: real multiplies
	for i := range iters {
		v, iv := float64(i&127), int64(i&127)
		f0 += w * v
		f1 += (w + 1) * v
		f2 += (w + 2) * v
		f3 += (w + 3) * v
		f4 += (w + 4) * v
		f5 += (w + 5) * v
		i0 += w0 * iv
		i1 += w1 * iv
		i2 += w2 * iv
	}
	peakSink = f0 + f1 + f2 + f3 + f4 + f5 + float64(i0^i1^i2)
}
