package passes

import (
	"math"
)

// Histogram is a streaming histogram of a tensor's values: a fixed number
// of bins over a range that grows to cover whatever it is fed, so that its
// memory stays the same however much data passes through it. When new
// values fall outside the range, the range grows and the old counts are
// spread over the new bins in proportion to their overlap (values are
// taken as uniform within a bin).
type Histogram struct {
	Min, Max float64 // the exact smallest and largest values seen
	N        float64 // values seen
	lo, hi   float64 // the range the bins cover
	bins     []float64
}

// HistogramBins is the resolution of calibration histograms.
const HistogramBins = 2048

// Add records values (NaNs are ignored).
func (h *Histogram) Add(xs []float32) {
	if len(xs) == 0 {
		return
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if x == x {
			lo, hi = math.Min(lo, float64(x)), math.Max(hi, float64(x))
		}
	}
	if lo > hi {
		return
	}
	if h.bins == nil {
		h.bins = make([]float64, HistogramBins)
		h.Min, h.Max = lo, hi
		h.lo, h.hi = lo, hi
		if h.hi == h.lo {
			h.hi = h.lo + 1e-12
		}
	}
	h.Min, h.Max = math.Min(h.Min, lo), math.Max(h.Max, hi)
	if lo < h.lo || hi > h.hi {
		h.grow(math.Min(lo, h.lo), math.Max(hi, h.hi))
	}
	w := (h.hi - h.lo) / float64(len(h.bins))
	last := len(h.bins) - 1
	for _, x := range xs {
		if x != x {
			continue
		}
		b := int((float64(x) - h.lo) / w)
		h.bins[min(max(b, 0), last)]++
		h.N++
	}
}

// grow widens the range to [lo, hi], redistributing the counts.
func (h *Histogram) grow(lo, hi float64) {
	// Widen a little beyond what is needed, so that slowly growing ranges
	// do not rebin on every batch.
	span := hi - lo
	if lo < h.lo {
		lo -= span / 8
	}
	if hi > h.hi {
		hi += span / 8
	}
	old, ow := h.bins, (h.hi-h.lo)/float64(len(h.bins))
	nw := (hi - lo) / float64(len(old))
	bins := make([]float64, len(old))
	for i, c := range old {
		if c == 0 {
			continue
		}
		a := h.lo + float64(i)*ow
		b := a + ow
		for j := int((a - lo) / nw); j < len(bins) && lo+float64(j)*nw < b; j++ {
			s, e := math.Max(a, lo+float64(j)*nw), math.Min(b, lo+float64(j+1)*nw)
			if e > s {
				bins[max(j, 0)] += c * (e - s) / ow
			}
		}
	}
	h.bins, h.lo, h.hi = bins, lo, hi
}

// Percentile returns the value below which a fraction p of the values lie
// (interpolated within a bin, and within the exact [Min, Max]).
func (h *Histogram) Percentile(p float64) float64 {
	if h.N == 0 {
		return 0
	}
	target := p * h.N
	w := (h.hi - h.lo) / float64(len(h.bins))
	acc := 0.0
	for i, c := range h.bins {
		if acc+c >= target && c > 0 {
			x := h.lo + (float64(i)+(target-acc)/c)*w
			return math.Min(math.Max(x, h.Min), h.Max)
		}
		acc += c
	}
	return h.Max
}

// Range is a quantization range, always containing 0.
type Range struct{ Lo, Hi float64 }

// withZero widens r to contain 0 (an exactly representable zero is what
// padding and ReLU need).
func (r Range) withZero() Range {
	return Range{math.Min(r.Lo, 0), math.Max(r.Hi, 0)}
}

// Choose picks a range by method: "minmax" (the values seen), "percentile"
// (clip the outer 1 - p of each tail), "mse" (the clipping that
// minimises the expected squared quantization error of the histogram), or
// "entropy" (the clipping whose quantized histogram diverges least from
// the histogram, TensorRT's KL-divergence calibration; entropy.go).
func (h *Histogram) Choose(method string, percentile float64) Range {
	switch method {
	case "percentile":
		return Range{h.Percentile(1 - percentile), h.Percentile(percentile)}.withZero()
	case "mse":
		return h.mseRange()
	case "entropy":
		return h.entropyRange()
	}
	return Range{h.Min, h.Max}.withZero()
}

// mseRange searches clipping ranges at tail fractions from 0 to 5% on
// each side for the one whose int8 quantization error, estimated from the
// histogram, is least.
func (h *Histogram) mseRange() Range {
	tails := []float64{0, 1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 2e-2, 5e-2}
	los := make([]float64, len(tails))
	his := make([]float64, len(tails))
	for i, t := range tails {
		los[i], his[i] = h.Min, h.Max
		if t > 0 {
			los[i], his[i] = h.Percentile(t), h.Percentile(1-t)
		}
	}
	best, bestErr := Range{h.Min, h.Max}.withZero(), math.Inf(1)
	for _, lo := range los {
		for _, hi := range his {
			r := Range{lo, hi}.withZero()
			if e := h.quantError(r); e < bestErr {
				best, bestErr = r, e
			}
		}
	}
	return best
}

// quantError estimates the mean squared error of quantizing the
// histogram's values to 256 levels over r: values inside the range lose a
// uniform rounding error of step^2/12, values outside are clipped.
func (h *Histogram) quantError(r Range) float64 {
	step := (r.Hi - r.Lo) / 255
	w := (h.hi - h.lo) / float64(len(h.bins))
	e := 0.0
	for i, c := range h.bins {
		if c == 0 {
			continue
		}
		x := h.lo + (float64(i)+0.5)*w
		switch {
		case x < r.Lo:
			e += c * (x - r.Lo) * (x - r.Lo)
		case x > r.Hi:
			e += c * (x - r.Hi) * (x - r.Hi)
		default:
			e += c * step * step / 12
		}
	}
	return e / h.N
}
