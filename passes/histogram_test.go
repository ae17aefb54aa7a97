package passes

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/train"
)

func TestHistogramPercentiles(t *testing.T) {
	// Uniform values on [0, 10), fed in batches whose range keeps growing,
	// so the histogram rebins many times.
	r := rand.New(rand.NewPCG(1, 1))
	var h Histogram
	for b := 1; b <= 100; b++ {
		xs := make([]float32, 1000)
		for i := range xs {
			xs[i] = float32(r.Float64() * 10 * float64(b) / 100)
		}
		h.Add(xs)
	}
	if h.N != 100000 {
		t.Errorf("N = %v", h.N)
	}
	var all float64
	for _, c := range h.bins {
		all += c
	}
	if math.Abs(all-h.N) > 1e-6 {
		t.Errorf("rebinning lost counts: %v of %v", all, h.N)
	}
	// Batch b is uniform on [0, b/10), so P(x < m) is the mean over b of
	// min(1, 10m/b).
	for _, m := range []float64{0.5, 3.5, 8} {
		p := 0.0
		for b := 1; b <= 100; b++ {
			p += math.Min(1, 10*m/float64(b)) / 100
		}
		if got := h.Percentile(p); math.Abs(got-m) > 0.05 {
			t.Errorf("percentile %.4f = %v, want %v", p, got, m)
		}
	}
	if h.Min < 0 || h.Max > 10 || h.Percentile(1) != h.Max {
		t.Errorf("min %v max %v p100 %v", h.Min, h.Max, h.Percentile(1))
	}
}

func TestHistogramRanges(t *testing.T) {
	// Mostly N(0, 1) with a few huge outliers: min/max keeps them, the
	// percentile and MSE choices clip them.
	r := rand.New(rand.NewPCG(2, 2))
	xs := make([]float32, 100000)
	for i := range xs {
		xs[i] = float32(r.NormFloat64())
	}
	xs[7], xs[8] = 100, -80
	var h Histogram
	h.Add(xs)
	mm := h.Choose("minmax", 0)
	if mm.Lo != -80 || mm.Hi != 100 {
		t.Errorf("minmax range %v", mm)
	}
	p := h.Choose("percentile", 0.9999)
	if p.Hi > 6 || p.Lo < -6 || p.Hi < 3 || p.Lo > -3 {
		t.Errorf("percentile range %v, want about [-4, 4]", p)
	}
	// The MSE choice never does worse than min/max; on a heavy-tailed
	// Laplace distribution it clips the tails.
	lap := make([]float32, 200000)
	for i := range lap {
		lap[i] = float32(r.ExpFloat64())
		if i%2 == 0 {
			lap[i] = -lap[i]
		}
	}
	var hl Histogram
	hl.Add(lap)
	m, full := hl.Choose("mse", 0), hl.Choose("minmax", 0)
	if !(m.Hi < full.Hi || m.Lo > full.Lo) || m.Hi > full.Hi || m.Lo < full.Lo {
		t.Errorf("mse range %v should lie within %v and clip", m, full)
	}
	if e1, e2 := hl.quantError(m), hl.quantError(full); !(e1 < e2) {
		t.Errorf("mse range error %g not below min/max's %g", e1, e2)
	}
	// A one-signed tensor still gets a range containing zero.
	var pos Histogram
	pos.Add([]float32{2, 3, 4})
	if r := pos.Choose("minmax", 0); r.Lo != 0 || r.Hi != 4 {
		t.Errorf("positive range %v", r)
	}
}

// BenchmarkCalibrationMemoryMNIST measures the peak heap growth of
// calibrating LeNet-5 (random weights) on 6,000 and 60,000 MNIST images:
//
//	go test ./passes -run '^$' -bench CalibrationMemory -benchtime 1x
func BenchmarkCalibrationMemoryMNIST(b *testing.B) {
	split, err := data.Open("mnist", ".")
	if err != nil {
		b.Skipf("MNIST is not available: %v", err)
	}
	prog, _, err := frontend.Load("../examples/lenet5.kiln")
	if err != nil {
		b.Fatal(err)
	}
	g := prog.Graph
	randomize(g, 1)
	for _, n := range []int{6000, 60000} {
		b.Run(map[int]string{6000: "6000", 60000: "60000"}[n], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				idx := make([]int, n)
				for i := range idx {
					idx[i] = i
				}
				feed, err := train.NewFeed(g, split.Train, idx, 64)
				if err != nil {
					b.Fatal(err)
				}
				peak := peakLiveHeap(func() {
					if _, err := Observe(g, feed); err != nil {
						b.Fatal(err)
					}
				})
				b.ReportMetric(float64(peak)/1024, "peak-live-KiB")
			}
		})
	}
}
