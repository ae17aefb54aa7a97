package passes

import "math"

// Entropy calibration: TensorRT's KL-divergence threshold search (Migacz,
// "8-bit Inference with TensorRT", GTC 2017), on the streaming histogram.
//
// TensorRT quantizes symmetrically: it histograms |x|, and for each
// candidate threshold T (a bin edge from 128 bins up) compares the
// reference distribution P (the bins below T, the clipped tail added to
// the last one) with Q, the same bins merged into 128 levels and spread
// back over the bins that were not empty. The T with the least KL(P||Q)
// is the clipping threshold.
//
// kiln's activations are asymmetric int8: 256 levels over [lo, hi]. The
// adaptation:
//   - a value of one sign (post-ReLU, or all non-positive) has all 256
//     levels on that side, so the search runs on its histogram with 256
//     levels, and the range is [0, T] (or [-T, 0]);
//   - a value of both signs runs TensorRT's search unchanged, on |x| with
//     128 levels a side, and the range is [-T, T] cut to the values seen.
//
// Searching the two tails of a signed value separately would need a
// model of how many levels each side gets, which depends on the other
// side's threshold; folding to |x| keeps the search one-dimensional and
// is exactly TensorRT's, and where one side is shorter than T the range
// ends at the data and its step is finer than the search assumed, never
// coarser. Everything is plain float64 arithmetic in a fixed order, so the
// same histogram gives the same range bit for bit.

// entropyRange returns the range the KL-divergence search chooses.
func (h *Histogram) entropyRange() Range {
	minmax := Range{h.Min, h.Max}.withZero()
	top := math.Max(math.Abs(h.Min), math.Abs(h.Max))
	if h.N == 0 || top == 0 {
		return minmax
	}
	levels := 128
	if h.Min >= 0 || h.Max <= 0 {
		levels = 256
	}
	bins := h.folded(top)
	// The first bin holds every exact zero (a ReLU's negative half,
	// padding), a spike that says nothing about where to clip but that,
	// spread over the first level's bins in Q, makes wide levels look
	// costly and drives the search to clip hard. NVIDIA's
	// pytorch-quantization entropy calibrator sets it to its neighbour's
	// count; so does this.
	bins[0] = bins[1]
	t := klThreshold(bins, levels) * top
	switch {
	case h.Min >= 0:
		return Range{0, math.Min(t, h.Max)}
	case h.Max <= 0:
		return Range{math.Max(-t, h.Min), 0}
	}
	return Range{math.Max(-t, h.Min), math.Min(t, h.Max)}.withZero()
}

// folded returns the histogram of |x| in HistogramBins bins over
// [0, top], spreading each bin's count over the bins it overlaps (values
// taken as uniform within a bin, as grow does).
func (h *Histogram) folded(top float64) []float64 {
	out := make([]float64, HistogramBins)
	w := (h.hi - h.lo) / float64(len(h.bins))
	nw := top / float64(len(out))
	spread := func(a, b, c float64) { // c values uniform on [a, b], 0 <= a < b
		for j := int(a / nw); j < len(out) && float64(j)*nw < b; j++ {
			s, e := math.Max(a, float64(j)*nw), math.Min(b, float64(j+1)*nw)
			if e > s {
				out[j] += c * (e - s) / (b - a)
			}
		}
	}
	for i, c := range h.bins {
		if c == 0 {
			continue
		}
		// The bin's interval, cut to the values seen: the streaming
		// range may reach beyond them.
		a := math.Max(h.lo+float64(i)*w, h.Min)
		b := math.Min(h.lo+float64(i+1)*w, h.Max)
		switch {
		case b <= a: // a bin narrower than rounding: all its values at a
			x := math.Min(math.Abs(a), top)
			out[min(int(x/nw), len(out)-1)] += c
		case a >= 0:
			spread(a, b, c)
		case b <= 0:
			spread(-b, -a, c)
		default:
			spread(0, -a, c*-a/(b-a))
			spread(0, b, c*b/(b-a))
		}
	}
	return out
}

// klThreshold returns, as a fraction of the histogram's range, the
// clipping threshold whose quantization to levels levels loses the least
// information: the bin edge i (from levels bins up) minimizing KL(P||Q).
func klThreshold(bins []float64, levels int) float64 {
	n := len(bins)
	// The total beyond each candidate edge, for P's clipped tail.
	tail := make([]float64, n+1)
	for i := n - 1; i >= 0; i-- {
		tail[i] = tail[i+1] + bins[i]
	}
	best, bestKL := n, math.Inf(1)
	p := make([]float64, n)
	q := make([]float64, n)
	for i := levels; i <= n; i++ {
		copy(p, bins[:i])
		p[i-1] += tail[i]
		quantizeBins(bins[:i], p[:i], q[:i], levels)
		if kl := divergence(p[:i], q[:i]); kl < bestKL {
			best, bestKL = i, kl
		}
	}
	return float64(best) / float64(n)
}

// quantizeBins fills q with bins merged into levels groups and spread
// evenly back over each group's bins where the reference p is not zero.
// Group l holds bins [l*i/levels, (l+1)*i/levels): the remainder of i bins
// over the levels is spread, one bin here and there, rather than given to
// the last group as the published pseudocode does, which makes every
// candidate but the multiples of levels look worse than it is (its last
// level up to twice as wide) and so searches only 2048/levels thresholds.
func quantizeBins(bins, p, q []float64, levels int) {
	for l := 0; l < levels; l++ {
		start, stop := l*len(bins)/levels, (l+1)*len(bins)/levels
		sum, nonzero := 0.0, 0
		for j := start; j < stop; j++ {
			sum += bins[j]
			if p[j] != 0 {
				nonzero++
			}
		}
		for j := start; j < stop; j++ {
			q[j] = 0
			if p[j] != 0 {
				q[j] = sum / float64(nonzero)
			}
		}
	}
}

// divergence returns KL(p||q) of two unnormalized histograms, summed
// where p has mass. A bin where p has mass and q has none (the clipped
// tail's bin, when the bins merged with it were empty) counts as holding
// a small mass eps, as in MXNet's and TVM's versions of the search, so
// that the divergence stays finite and the candidates comparable. (They
// also take eps back from the other bins; a shift of that order does not
// change which candidate wins, and without it no bin can go negative.)
func divergence(p, q []float64) float64 {
	const eps = 1e-4
	ps, qs := sum(p), sum(q)
	if ps == 0 || qs == 0 {
		return math.Inf(1)
	}
	kl := 0.0
	for j, pv := range p {
		if pv == 0 {
			continue
		}
		qj := q[j] / qs
		if q[j] == 0 {
			qj = eps
		}
		pj := pv / ps
		kl += pj * math.Log(pj/qj)
	}
	return kl
}

func sum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}
