package compress

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestKMeansKnownClusters: three well-separated groups and pruned zeros;
// the linear initialization over [min, max] finds the groups' means, and
// zeros are no cluster.
func TestKMeansKnownClusters(t *testing.T) {
	w := []float32{-1.1, -0.9, -1, 0, 0.1, 0.3, 0.2, 0, 2, 2.2, 1.8, 0}
	c, a := KMeans(w, 3, 50)
	want := []float32{-1, 0.2, 2}
	if len(c) != 3 {
		t.Fatalf("centroids %v, want %v", c, want)
	}
	for j := range want {
		if math.Abs(float64(c[j]-want[j])) > 1e-6 {
			t.Errorf("centroids %v, want %v", c, want)
		}
	}
	wantA := []int32{0, 0, 0, -1, 1, 1, 1, -1, 2, 2, 2, -1}
	if !slices.Equal(a, wantA) {
		t.Errorf("assignment %v, want %v", a, wantA)
	}
}

// TestKMeansEmptyClustersDropped: more clusters than distinct values
// leaves no centroid without a weight.
func TestKMeansEmptyClustersDropped(t *testing.T) {
	c, a := KMeans([]float32{1, 1, 3, 3, 0}, 8, 50)
	if !slices.Equal(c, []float32{1, 3}) || !slices.Equal(a, []int32{0, 0, 1, 1, -1}) {
		t.Errorf("got %v %v, want [1 3] [0 0 1 1 -1]", c, a)
	}
	if c, a := KMeans([]float32{0, 0}, 4, 10); len(c) != 0 || !slices.Equal(a, []int32{-1, -1}) {
		t.Errorf("all pruned: got %v %v", c, a)
	}
}

// TestSnap: the centroids land on multiples of max|c|/127, the largest
// on 127 steps, and the step holds still when recomputed.
func TestSnap(t *testing.T) {
	c := []float32{-0.61, -0.013, 0.0071, 0.25, 0.5}
	s := Snap(c)
	if want := float32(0.61 / 127); math.Abs(float64(s-want)) > 1e-6 {
		t.Errorf("step %g, want about %g", s, want)
	}
	for _, x := range c {
		k := float64(x) / float64(s)
		if math.Abs(k-math.Round(k)) > 1e-4 || math.Round(math.Abs(k)) > 127 {
			t.Errorf("%g is %g steps of %g", x, k, s)
		}
	}
	if again := Snap(slices.Clone(c)); again != s {
		t.Errorf("snapping again gives step %g, then %g", s, again)
	}
}

// TestShare clusters and fine-tunes a pruned MLP: every weight ends one
// of its layer's at most 2^bits centroids on the int8 grid, or exactly 0
// where it was pruned, and the model still classifies.
func TestShare(t *testing.T) {
	g, split := trained(t)
	pr, err := Prune(g, split, Plan{Sparsity: 0.7}, retrain(2))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Share(g, split, SharePlan{Bits: map[string]int{"logits.weight": 2}, DenseBits: 3}, retrain(2))
	if err != nil {
		t.Fatal(err)
	}
	if res.Run == nil {
		t.Fatal("no fine-tuning run")
	}
	for _, l := range res.Layers {
		w := g.Lookup(l.Name).Data.F32
		values := map[float32]bool{}
		for i, x := range w {
			if !pr.Masks[l.Name][i] && math.Float32bits(x) != 0 {
				t.Fatalf("%s[%d] was pruned but holds %g", l.Name, i, x)
			}
			if x != 0 {
				values[x] = true
				if !slices.Contains(res.Shared[l.Name].Centroids, x) {
					t.Fatalf("%s[%d] = %g is no centroid of %v", l.Name, i, x, res.Shared[l.Name].Centroids)
				}
				k := float64(x) / float64(l.Scale)
				if math.Abs(k-math.Round(k)) > 1e-4 {
					t.Fatalf("%s[%d] = %g is off the grid of step %g", l.Name, i, x, l.Scale)
				}
			}
		}
		if len(values) > 1<<l.Bits || len(values) != l.Clusters {
			t.Errorf("%s: %d distinct values, %d clusters, %d bits", l.Name, len(values), l.Clusters, l.Bits)
		}
	}
	if res.Layers[2].Bits != 2 || res.Layers[0].Bits != 3 {
		t.Errorf("bits %+v, want 3, 3, 2", res.Layers)
	}
	if res.After.Accuracy < 0.85 {
		t.Errorf("accuracy %.3f after sharing (before %.3f)", res.After.Accuracy, res.Before.Accuracy)
	}
}

func TestShareErrors(t *testing.T) {
	g, split := trained(t)
	for _, c := range []struct {
		plan SharePlan
		want string
	}{
		{SharePlan{Bits: map[string]int{"h9.weight": 4}}, "no dense or convolution weight"},
		{SharePlan{Bits: map[string]int{"h1.weight": 9}}, "want 1 to 8"},
		{SharePlan{DenseBits: -1}, "want 1 to 8"},
	} {
		_, err := Share(g, split, c.plan, retrain(1))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.plan, err, c.want)
		}
	}
}
