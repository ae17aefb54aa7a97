// Package compress shrinks trained float models, after Han et al.:
// magnitude pruning with retraining ("Learning both Weights and
// Connections for Efficient Neural Networks", NIPS 2015), structured
// pruning of neurons and filters, per-layer sensitivity analysis, and
// trained weight sharing ("Deep Compression", ICLR 2016). It works on a
// graph's bound float weights and retrains through package train; the
// integer side (the shared centroids on the int8 grid, the coded storage
// of sparse weights) is the quantizer's and the bytecode writer's.
package compress

import (
	"math"
	"sort"
)

// MagnitudeMask returns the mask that prunes the given fraction of w's
// weights, the smallest in magnitude: keep[i] is false for a pruned
// weight. Ties at the threshold are broken by index (lower indices are
// pruned first), so the count pruned is exactly round(sparsity*len(w))
// and the mask is deterministic.
func MagnitudeMask(w []float32, sparsity float64) []bool {
	n := len(w)
	prune := int(math.Round(min(max(sparsity, 0), 1) * float64(n)))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return math.Abs(float64(w[order[a]])) < math.Abs(float64(w[order[b]]))
	})
	keep := make([]bool, n)
	for _, i := range order[prune:] {
		keep[i] = true
	}
	return keep
}

// ThresholdMask returns Han et al.'s mask: a weight survives when its
// magnitude is at least quality times the standard deviation of w.
func ThresholdMask(w []float32, quality float64) []bool {
	t := quality * StdDev(w)
	keep := make([]bool, len(w))
	for i, x := range w {
		keep[i] = math.Abs(float64(x)) >= t
	}
	return keep
}

// StdDev is the population standard deviation of w (0 for no weights).
func StdDev(w []float32) float64 {
	if len(w) == 0 {
		return 0
	}
	var sum, sq float64
	for _, x := range w {
		sum += float64(x)
	}
	mean := sum / float64(len(w))
	for _, x := range w {
		d := float64(x) - mean
		sq += d * d
	}
	return math.Sqrt(sq / float64(len(w)))
}

// Apply zeroes the pruned weights of w.
func Apply(w []float32, keep []bool) {
	for i, k := range keep {
		if !k {
			w[i] = 0
		}
	}
}

// Sparsity is the fraction of keep that is pruned.
func Sparsity(keep []bool) float64 {
	if len(keep) == 0 {
		return 0
	}
	pruned := 0
	for _, k := range keep {
		if !k {
			pruned++
		}
	}
	return float64(pruned) / float64(len(keep))
}

// CubicSparsity is Zhu and Gupta's gradual schedule ("To prune, or not to
// prune", 2017): the sparsity at step t of a pruning phase of steps
// steps, rising from initial to final as final + (initial - final) *
// (1 - t/steps)^3, fast at first and slowly at the end, when fewer
// weights are left to absorb the loss. Before the phase (t <= 0) it is
// initial; after it (t >= steps), final.
func CubicSparsity(t, steps int, initial, final float64) float64 {
	if steps <= 0 || t >= steps {
		return final
	}
	if t <= 0 {
		return initial
	}
	r := 1 - float64(t)/float64(steps)
	return final + (initial-final)*r*r*r
}
