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
		if el := time.Since(t0); el > d/20 || iters > 1<<40 {
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

// portablePeakMACs is peakPortable's multiply-adds per iteration.
const portablePeakMACs = 16

// peakSink keeps the portable loop's sums alive.
var peakSink int32

// peakPortable is the portable kernel's arithmetic on registers: int32
// multiply-adds of sign-extended int8 into eight sums (the panel's
// columns), two quad values each an iteration.
func peakPortable(iters int) {
	var a0, a1, a2, a3, a4, a5, a6, a7 int32
	x0, x1 := int32(peakSink|3), int32(peakSink|5)
	for i := range iters {
		w := int32(i)
		a0 += x0*w + x1*(w+1)
		a1 += x0*(w+2) + x1*(w+3)
		a2 += x0*(w+4) + x1*(w+5)
		a3 += x0*(w+6) + x1*(w+7)
		a4 += x0*(w+8) + x1*(w+9)
		a5 += x0*(w+10) + x1*(w+11)
		a6 += x0*(w+12) + x1*(w+13)
		a7 += x0*(w+14) + x1*(w+15)
	}
	peakSink = a0 ^ a1 ^ a2 ^ a3 ^ a4 ^ a5 ^ a6 ^ a7
}
