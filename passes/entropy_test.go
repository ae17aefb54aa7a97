package passes

import (
	"math"
	"math/rand/v2"
	"testing"
)

// histogramOf feeds xs to a new histogram in batches of 1000, so that its
// range grows and rebins as in calibration.
func histogramOf(xs []float32) *Histogram {
	h := &Histogram{}
	for i := 0; i < len(xs); i += 1000 {
		h.Add(xs[i:min(i+1000, len(xs))])
	}
	return h
}

func gaussianWithOutliers(seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, seed))
	xs := make([]float32, 100000)
	for i := range xs {
		xs[i] = float32(r.NormFloat64())
	}
	xs[70000], xs[80000], xs[90000] = 40, -35, 50
	return xs
}

func TestEntropyClipsOutliers(t *testing.T) {
	// N(0, 1) with three outliers near 40: min/max keeps them, so one
	// int8 step is ~0.35 and the bulk gets ~20 levels; the KL search
	// clips well inside them, yet keeps the bulk of the Gaussian.
	h := histogramOf(gaussianWithOutliers(3))
	mm, ent := h.Choose("minmax", 0), h.Choose("entropy", 0)
	if mm.Lo > -35 || mm.Hi < 50 {
		t.Fatalf("minmax %v does not hold the outliers", mm)
	}
	if ent.Lo < -10 || ent.Hi > 10 || ent.Lo > -2.5 || ent.Hi < 2.5 {
		t.Errorf("entropy range %v, want clipping between 2.5 and 10 standard deviations", ent)
	}
	t.Logf("minmax %v, entropy %v", mm, ent)
}

func TestEntropyKeepsUniform(t *testing.T) {
	// A uniform distribution has no tail worth clipping: the search keeps
	// nearly its whole range, signed (128 levels a side on |x|) or not
	// (256 levels on [0, max]).
	r := rand.New(rand.NewPCG(4, 4))
	for _, c := range []struct {
		name   string
		lo, hi float64
	}{{"signed", -1, 1}, {"non-negative", 0, 3}, {"non-positive", -2, 0}} {
		xs := make([]float32, 100000)
		for i := range xs {
			xs[i] = float32(c.lo + (c.hi-c.lo)*r.Float64())
		}
		got := histogramOf(xs).Choose("entropy", 0)
		if got.Lo > 0.95*c.lo || got.Hi < 0.95*c.hi || got.Lo < c.lo || got.Hi > c.hi {
			t.Errorf("%s uniform on [%g, %g]: entropy range %v, want at least 95%% of it", c.name, c.lo, c.hi, got)
		}
	}
}

func TestEntropyPostReLU(t *testing.T) {
	// A ReLU's output: half its values exactly 0, the rest half-normal,
	// and one outlier. The range starts at 0 (the value has one sign, so
	// all 256 levels go to [0, T]) and clips the outlier.
	r := rand.New(rand.NewPCG(5, 5))
	xs := make([]float32, 100000)
	for i := range xs {
		xs[i] = float32(max(0, r.NormFloat64()))
	}
	xs[500] = 30
	got := histogramOf(xs).Choose("entropy", 0)
	if got.Lo != 0 || got.Hi < 2 || got.Hi > 10 {
		t.Errorf("post-ReLU entropy range %v, want [0, T] with 2 < T < 10", got)
	}
}

func TestEntropyDeterministic(t *testing.T) {
	// The same data gives the same range bit for bit, however often it
	// is computed.
	xs := gaussianWithOutliers(6)
	want := histogramOf(xs).Choose("entropy", 0)
	for range 3 {
		got := histogramOf(xs).Choose("entropy", 0)
		if math.Float64bits(got.Lo) != math.Float64bits(want.Lo) || math.Float64bits(got.Hi) != math.Float64bits(want.Hi) {
			t.Fatalf("entropy range %v, then %v", want, got)
		}
	}
}

func TestEntropyDegenerate(t *testing.T) {
	// No values, all zeros, one constant: the range is the values seen,
	// with 0 in it.
	var empty Histogram
	if got := empty.Choose("entropy", 0); got != (Range{}) {
		t.Errorf("empty histogram: %v", got)
	}
	for _, c := range []struct {
		x    float32
		want Range
	}{{0, Range{0, 0}}, {2, Range{0, 2}}, {-3, Range{-3, 0}}} {
		h := histogramOf([]float32{c.x, c.x, c.x})
		got := h.Choose("entropy", 0)
		if math.Abs(got.Lo-c.want.Lo) > 1e-9 || math.Abs(got.Hi-c.want.Hi) > 0.02*math.Abs(float64(c.x)) {
			t.Errorf("constant %v: entropy range %v, want %v", c.x, got, c.want)
		}
	}
}
