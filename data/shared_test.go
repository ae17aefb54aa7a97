package data

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The real data sets of the project's shared data folder (see its
// README.md), beside the repository by default. Tests that need them skip
// when they are absent, as on a fresh checkout, and under -short.
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not loading the shared data sets")
	}
	dir := os.Getenv("KILN_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is absent (set KILN_SHARED_DATA to the shared data folder)", p)
	}
	return p
}

func TestSharedMovieLens(t *testing.T) {
	p := sharedData(t, "movielens/ratings_small.csv.gz")
	start := time.Now()
	s, err := Open("movielens:"+p, "")
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	r, err := readRatings("movielens", p)
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	pos := 0
	for _, v := range tr.Target.F32 {
		pos += int(v)
	}
	t.Logf("movielens: %d ratings (%d train, %d test) in %v; %d users, %d movies, %d genres: vocabulary %d; %.1f%% of training ratings are positive",
		tr.Len()+te.Len(), tr.Len(), te.Len(), elapsed.Round(time.Millisecond), len(r.users), len(r.movies), len(r.genres), tr.Vocab, 100*float64(pos)/float64(tr.Len()))
	// The figures the shared data README gives.
	if tr.Len()+te.Len() != 100004 || len(r.users) != 671 || len(r.movies) != 9066 {
		t.Errorf("want 100,004 ratings by 671 users of 9,066 movies")
	}
	if tr.Vocab > 10000 {
		t.Errorf("vocabulary %d does not fit the example models' 10,000", tr.Vocab)
	}
	// Every user is in both parts (each has at least 20 ratings).
	inTest := make([]bool, len(r.users))
	for i, u := range r.user {
		if r.test[i] {
			inTest[u] = true
		}
	}
	if slices.Contains(inTest, false) {
		t.Error("a user has no test rating")
	}

	start = time.Now()
	a, err := Open("autorec:"+p, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("autorec: %d training movies, %d test movies, input %v, in %v", a.Train.Len(), a.Test.Len(), a.Train.Inputs[0].T, time.Since(start).Round(time.Millisecond))
	if got := a.Train.Inputs[0].T.Shape[1]; got != 671 {
		t.Errorf("autorec input has %d users, the example model 671", got)
	}

	start = time.Now()
	rs, err := Open("ratings:"+p, "")
	if err != nil {
		t.Fatal(err)
	}
	elapsed = time.Since(start)
	// Test ratings of movies with no training rating: the examples' movie
	// embeddings are never trained for them.
	trained := make([]bool, len(r.movies))
	for _, m := range rs.Train.Inputs[1].T.I32 {
		trained[m] = true
	}
	cold := 0
	for _, m := range rs.Test.Inputs[1].T.I32 {
		if !trained[m] {
			cold++
		}
	}
	t.Logf("ratings: %d train, %d test in %v; vocabulary %d; %d test ratings of movies without a training rating", rs.Train.Len(), rs.Test.Len(), elapsed.Round(time.Millisecond), rs.Train.Vocab, cold)
	if rs.Train.Len() != tr.Len() || rs.Test.Len() != te.Len() || rs.Train.Vocab != 9066 {
		t.Errorf("ratings: want the movielens parts' sizes and vocabulary 9,066")
	}
}

func TestSharedGestures(t *testing.T) {
	p := sharedData(t, "gestures/handwaving_multiuser.csv.gz")
	start := time.Now()
	s, err := Open("gestures:"+p, "")
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	count := func(d *Dataset) []int {
		n := make([]int, d.Classes)
		for _, c := range d.Target.I32 {
			n[c]++
		}
		return n
	}
	t.Logf("gestures: %d train and %d test windows of %v in %v; classes %q; per class train %v, test %v",
		tr.Len(), te.Len(), tr.Inputs[0].T.Shape[1:], time.Since(start).Round(time.Millisecond), tr.Labels, count(tr), count(te))
	want := []string{"circles", "concave", "convex", "forward_backwards", "left_right", "tilt", "up_down"}
	if !slices.Equal(tr.Labels, want) {
		t.Errorf("labels %q, want %q", tr.Labels, want)
	}
}
