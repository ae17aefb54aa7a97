package compress

// Trained weight sharing (Han et al., "Deep Compression", 2016): each
// layer's surviving weights are clustered with k-means into 2^bits
// shared values, the centroids are fine-tuned by gradient (a centroid's
// gradient is the sum of its weights'), and at the end placed on the
// layer's int8 grid so that quantization keeps them exactly.

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/train"
)

// SharePlan says how many bits of shared values each layer gets.
type SharePlan struct {
	Bits      map[string]int // per layer weight, by parameter name; the rest get DenseBits or ConvBits
	DenseBits int            // 0: 5, as Deep Compression's dense layers
	ConvBits  int            // 0: 8, as its convolutions
	Iters     int            // k-means iterations at most (0: 50)
}

// ShareResult is what sharing did.
type ShareResult struct {
	Layers []SharedLayer
	Before train.Metrics // on the held-out part before sharing (zero if none)
	After  train.Metrics // after sharing, fine-tuning and snapping to the grid
	Run    *train.Result // the fine-tuning run (nil when cfg.Epochs is 0)
	Shared map[string]*train.Sharing
}

// SharedLayer is one layer's codebook.
type SharedLayer struct {
	Name     string
	Bits     int
	Clusters int     // distinct non-zero values at the end (at most 2^Bits)
	Scale    float32 // the int8 grid's step: every weight is an integer multiple of it
}

// Share clusters the layer weights of g (LayerWeights), fine-tunes the
// centroids on set.Train with cfg when cfg.Epochs > 0 (its Shared and
// AfterStep are Share's), and snaps them to each layer's int8 grid,
// changing g's weights in place: each weight ends a centroid or, where
// it was 0 (pruned), exactly 0.
func Share(g *ir.Graph, set *data.Split, plan SharePlan, cfg train.Config) (*ShareResult, error) {
	if cfg.Shared != nil || cfg.AfterStep != nil {
		return nil, errors.New("share: the training configuration's sharing and step hook are Share's own")
	}
	dense, conv, iters := cmp(plan.DenseBits, 5), cmp(plan.ConvBits, 8), cmp(plan.Iters, 50)
	layers := LayerWeights(g)
	if len(layers) == 0 {
		return nil, fmt.Errorf("share: model %s has no dense or convolution layer", g.Name)
	}
	for name := range plan.Bits {
		if !slices.ContainsFunc(layers, func(w *ir.Value) bool { return w.Name == name }) {
			return nil, fmt.Errorf("share: %s is no dense or convolution weight of model %s", name, g.Name)
		}
	}
	res := &ShareResult{Shared: map[string]*train.Sharing{}}
	var err error
	if set.Test != nil {
		if res.Before, err = train.Evaluate(g, set.Test, cfg.Batch, cfg.Workers); err != nil {
			return nil, err
		}
	}
	bits := map[string]int{}
	for _, w := range layers {
		if w.Data == nil || w.Data.F32 == nil {
			return nil, fmt.Errorf("share: weight %s has no float data (bind trained weights first)", w.Name)
		}
		b, ok := plan.Bits[w.Name]
		if !ok {
			b = dense
			if w.Type.Rank() > 2 {
				b = conv
			}
		}
		if b < 1 || b > 8 {
			return nil, fmt.Errorf("share: %d bits for %s: want 1 to 8 (the centroids live on an int8 grid)", b, w.Name)
		}
		bits[w.Name] = b
		c, a := KMeans(w.Data.F32, 1<<b, iters)
		res.Shared[w.Name] = &train.Sharing{Assign: a, Centroids: c}
		setShared(w.Data.F32, res.Shared[w.Name])
	}
	if cfg.Epochs > 0 {
		cfg.Shared = res.Shared
		if res.Run, err = train.Train(g, set, cfg); err != nil {
			return nil, err
		}
	}
	for _, w := range layers {
		s := res.Shared[w.Name]
		s.Centroids, s.Assign = compact(s.Centroids, s.Assign)
		scale := Snap(s.Centroids)
		setShared(w.Data.F32, s)
		res.Layers = append(res.Layers, SharedLayer{Name: w.Name, Bits: bits[w.Name], Clusters: distinctNonZero(s.Centroids), Scale: scale})
	}
	if set.Test != nil {
		if res.After, err = train.Evaluate(g, set.Test, cfg.Batch, cfg.Workers); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func cmp(x, unset int) int {
	if x == 0 {
		return unset
	}
	return x
}

// setShared writes the shared values into the weights.
func setShared(w []float32, s *train.Sharing) {
	for i, a := range s.Assign {
		if a < 0 {
			w[i] = 0
		} else {
			w[i] = s.Centroids[a]
		}
	}
}

// KMeans clusters the non-zero values of w into at most k centroids, from
// a linear initialization over [min, max] (which Deep Compression found
// best: it keeps centroids among the rare large weights, which matter
// most), for at most iters rounds of Lloyd's algorithm. assign[i] is the
// cluster of w[i], or -1 for a zero (pruned) weight, which is no cluster.
// Clusters that end empty are dropped, so every centroid has a weight.
func KMeans(w []float32, k, iters int) (centroids []float32, assign []int32) {
	assign = make([]int32, len(w))
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, x := range w {
		if x != 0 {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if lo > hi { // all pruned
		for i := range assign {
			assign[i] = -1
		}
		return nil, assign
	}
	c := make([]float64, k)
	for j := range c {
		if k == 1 {
			c[j] = (float64(lo) + float64(hi)) / 2
		} else {
			c[j] = float64(lo) + (float64(hi)-float64(lo))*float64(j)/float64(k-1)
		}
	}
	sum, count := make([]float64, k), make([]int, k)
	for it := 0; it < max(iters, 1); it++ {
		changed := false
		clear(sum)
		clear(count)
		for i, x := range w {
			if x == 0 {
				if it == 0 {
					assign[i] = -1
				}
				continue
			}
			j := int32(nearest(c, float64(x)))
			if it == 0 || assign[i] != j {
				assign[i], changed = j, true
			}
			sum[j] += float64(x)
			count[j]++
		}
		if !changed {
			break
		}
		// c stays sorted: each mean lies within its cluster's interval
		// of the line, and those intervals are ordered.
		for j := range c {
			if count[j] > 0 {
				c[j] = sum[j] / float64(count[j])
			}
		}
	}
	centroids = make([]float32, k)
	for j := range c {
		centroids[j] = float32(c[j])
	}
	return compact(centroids, assign)
}

// nearest returns the index of the value of sorted c nearest to x (the
// lower one on a tie).
func nearest(c []float64, x float64) int {
	j, _ := slices.BinarySearch(c, x)
	switch {
	case j == 0:
		return 0
	case j == len(c):
		return len(c) - 1
	case x-c[j-1] <= c[j]-x:
		return j - 1
	}
	return j
}

// compact drops the centroids no weight is assigned to, renumbering the
// assignment.
func compact(c []float32, assign []int32) ([]float32, []int32) {
	used := make([]bool, len(c))
	for _, a := range assign {
		if a >= 0 {
			used[a] = true
		}
	}
	renum := make([]int32, len(c))
	var kept []float32
	for j, u := range used {
		if u {
			renum[j] = int32(len(kept))
			kept = append(kept, c[j])
		}
	}
	for i, a := range assign {
		if a >= 0 {
			assign[i] = renum[a]
		}
	}
	return kept, assign
}

// Snap places the centroids on one int8 grid in place and returns its
// step s = max|c| / 127: each c becomes round(c/s)*s, as symmetric
// per-tensor int8 quantization with that scale reproduces it (it is what
// the quantizer computes for a weight tensor whose values lie on such a
// grid, and it keeps them exactly). Snapping moves the largest centroid by
// rounding only, so s is recomputed until it holds still.
func Snap(c []float32) float32 {
	var s float32
	for range 4 {
		m := 0.0
		for _, x := range c {
			m = math.Max(m, math.Abs(float64(x)))
		}
		next := float32(m / 127)
		if !(next > 0) {
			return 1 // all zero: any grid holds them
		}
		if next == s {
			break
		}
		s = next
		for j, x := range c {
			c[j] = float32(math.Round(float64(x)/float64(s)) * float64(s))
		}
	}
	return s
}

func distinctNonZero(c []float32) int {
	seen := map[float32]bool{}
	for _, x := range c {
		if x != 0 {
			seen[x] = true
		}
	}
	return len(seen)
}
