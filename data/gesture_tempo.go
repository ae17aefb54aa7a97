// Tempo normalisation of gesture windows: the tempo= option.

package data

import "math"

// The period search of tempo=: the motion's period is looked for among
// lags of GestureMinPeriod to GestureTempoContext/2 samples (at about
// 60 Hz, 5 to 0.375 cycles a second), in the last GestureTempoContext
// samples up to a window's end, so that the longest period still shows
// twice.
const (
	GestureTempoContext = 320
	GestureMinPeriod    = 12
)

// motionPeriod estimates the period, in samples, of the motion in three
// axes of samples (each the same length): the shortest lag whose
// autocorrelation (of the axes less their means, summed over the axes,
// normalised by the energy of the two overlapping parts) is a local
// maximum within 0.9 of the largest, refined by a parabola through it
// and its neighbours. It reports false where no lag in range
// correlates positively, as for a phone held still.
func motionPeriod(xyz [3][]float32, lo, hi int) (float64, bool) {
	n := len(xyz[0])
	hi = min(hi, n-2)
	if lo < 1 || hi <= lo {
		return 0, false
	}
	var c [3][]float64
	// energy[i] is the sum of the centred samples' squares, over the
	// three axes, before sample i: the energy of any run of samples is a
	// difference of two.
	energy := make([]float64, n+1)
	for k := range 3 {
		c[k] = make([]float64, n)
		var mean float64
		for _, v := range xyz[k] {
			mean += float64(v)
		}
		mean /= float64(n)
		for i, v := range xyz[k] {
			c[k][i] = float64(v) - mean
		}
	}
	for i := range n {
		energy[i+1] = energy[i] + c[0][i]*c[0][i] + c[1][i]*c[1][i] + c[2][i]*c[2][i]
	}
	r := make([]float64, hi+2) // r[lag], lags lo-1..hi+1
	for lag := lo - 1; lag <= hi+1; lag++ {
		var dot float64
		for k := range 3 {
			a, b := c[k][:n-lag], c[k][lag:]
			for i := range a {
				dot += a[i] * b[i]
			}
		}
		e0, e1 := energy[n-lag], energy[n]-energy[lag]
		if e0 > 0 && e1 > 0 {
			r[lag] = dot / math.Sqrt(e0*e1)
		}
	}
	best := 0.0
	for lag := lo; lag <= hi; lag++ {
		if r[lag] > r[lag-1] && r[lag] >= r[lag+1] {
			best = max(best, r[lag])
		}
	}
	if best <= 0 {
		return 0, false
	}
	for lag := lo; lag <= hi; lag++ {
		if r[lag] > r[lag-1] && r[lag] >= r[lag+1] && r[lag] >= 0.9*best {
			// Vertex of the parabola through lag-1, lag, lag+1.
			d := r[lag-1] - 2*r[lag] + r[lag+1]
			off := 0.0
			if d < 0 {
				off = 0.5 * (r[lag-1] - r[lag+1]) / d
			}
			return float64(lag) + off, true
		}
	}
	return 0, false
}

// tempoWindow resamples the latest samples of xyz (three axes of the
// same length, oldest first) so that the motion's period, estimated over
// the last GestureTempoContext samples, spans period output samples: it
// writes n of them per axis to w (axis after axis), by linear
// interpolation, the last of them the last sample. It reports false
// where xyz is shorter than the context or than the resampled span, or
// where no period shows.
func tempoWindow(w []float32, xyz [3][]float32, n int, period float64) bool {
	end := len(xyz[0])
	if end < GestureTempoContext {
		return false
	}
	start := end - GestureTempoContext
	p, ok := motionPeriod([3][]float32{xyz[0][start:], xyz[1][start:], xyz[2][start:]}, GestureMinPeriod, GestureTempoContext/2)
	if !ok {
		return false
	}
	step := p / period
	first := float64(end-1) - float64(n-1)*step
	if first < 0 {
		return false
	}
	for k := range 3 {
		src, dst := xyz[k], w[k*n:(k+1)*n]
		for j := range n {
			pos := first + float64(j)*step
			i := min(int(pos), end-1)
			f := pos - float64(i)
			v := float64(src[i])
			if f > 0 && i+1 < end {
				v += f * (float64(src[i+1]) - v)
			}
			dst[j] = float32(v)
		}
	}
	return true
}
