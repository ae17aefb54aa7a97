package data

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

// TestOpenRatings reads ratingsCSV (movielens_test.go): users 3, 7, 10 are
// 0-2, movies 5, 20, 50, 300, 1000 are 0-4, and lines 2, 7 and 9 are held
// out.
func TestOpenRatings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "r.csv.gz"), gzipBytes([]byte(ratingsCSV)))
	s, err := Open("ratings:r.csv.gz", dir)
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	if tr.Name != "ratings:r.csv.gz (train)" || te.Name != "ratings:r.csv.gz (test)" || tr.Task != Regression || te.Task != Regression {
		t.Errorf("got %q %q %v %v", tr.Name, te.Name, tr.Task, te.Task)
	}
	if tr.Vocab != 5 || te.Vocab != 5 { // max(3 users, 5 movies)
		t.Errorf("vocab %d %d, want 5", tr.Vocab, te.Vocab)
	}
	for _, d := range []*Dataset{tr, te} {
		if len(d.Inputs) != 2 || d.Inputs[0].Name != "user" || d.Inputs[1].Name != "movie" {
			t.Fatalf("%s: inputs %v", d.Name, d.Inputs)
		}
	}
	// Training ratings in file order: lines 3, 4, 5, 6, 8.
	wantTensor(t, "train users", tr.Inputs[0].T, tensor.FromI32([]int32{2, 2, 2, 0, 1}, 5, 1))
	wantTensor(t, "train movies", tr.Inputs[1].T, tensor.FromI32([]int32{0, 2, 1, 1, 0}, 5, 1))
	wantTensor(t, "train ratings", tr.Target, tensor.FromF32([]float32{4, 5, 3.5, 4.5, 4}, 5, 1))
	// Users and places in time: user 10 rates 5, 50, 20 at t100, t300, t200.
	if !slices.Equal(tr.Group, []int32{2, 2, 2, 0, 1}) || !slices.Equal(tr.Seq, []int32{0, 2, 1, 0, 0}) {
		t.Errorf("train groups %v, places in time %v", tr.Group, tr.Seq)
	}
	if !slices.Equal(te.Group, []int32{2, 1, 0}) || !slices.Equal(te.Seq, []int32{3, 1, 1}) {
		t.Errorf("test groups %v, places in time %v", te.Group, te.Seq)
	}
	// Test: lines 2, 7, 9.
	wantTensor(t, "test users", te.Inputs[0].T, tensor.FromI32([]int32{2, 1, 0}, 3, 1))
	wantTensor(t, "test movies", te.Inputs[1].T, tensor.FromI32([]int32{3, 4, 2}, 3, 1))
	wantTensor(t, "test ratings", te.Target, tensor.FromF32([]float32{2, 1, 3}, 3, 1))
}

// TestOpenRatingsSplit: the form holds every rating once, in the part
// movielens:FILE puts it, with the same users and movies; a repeated
// rating and a rating of 0 are ordinary examples here.
func TestOpenRatingsSplit(t *testing.T) {
	dir := t.TempDir()
	body := ratingsCSV + "5,Five,1990,Drama|Comedy,7,0,5\n20,Twenty,NA,Comedy|Romance,3,2,70\n"
	writeFile(t, filepath.Join(dir, "r.csv"), []byte(body))
	r, err := Open("ratings:r.csv", dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open("movielens:r.csv", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ r, m *Dataset }{{r.Train, m.Train}, {r.Test, m.Test}} {
		if c.r.Len() != c.m.Len() {
			t.Fatalf("%s: %d examples, %s %d", c.r.Name, c.r.Len(), c.m.Name, c.m.Len())
		}
		const nu = 3 // movielens: ids are offset by the users
		for i := range c.r.Len() {
			u, mv := c.r.Inputs[0].T.I32[i], c.r.Inputs[1].T.I32[i]
			if ids := c.m.Inputs[0].T.I32[3*i : 3*i+2]; ids[0] != u || ids[1] != nu+mv {
				t.Errorf("%s example %d: user %d movie %d, movielens ids %v", c.r.Name, i, u, mv, ids)
			}
			click := float32(0)
			if c.r.Target.F32[i] >= ClickThreshold {
				click = 1
			}
			if click != c.m.Target.F32[i] {
				t.Errorf("%s example %d: rating %v, click %v", c.r.Name, i, c.r.Target.F32[i], c.m.Target.F32[i])
			}
		}
	}
	// User 3 now has three ratings (t50, t60, t70): the one at t70 is held
	// out, and the one at t60 (movie 50) trains. User 7's rating 0 at t5 is
	// its first.
	wantTensor(t, "test ratings", r.Test.Target, tensor.FromF32([]float32{2, 1, 2}, 3, 1))
	wantTensor(t, "train ratings", r.Train.Target, tensor.FromF32([]float32{4, 5, 3.5, 4.5, 4, 3, 0}, 7, 1))
}

func TestRatingsFormErrors(t *testing.T) {
	dir := t.TempDir()
	head := "movieId,title,year,genres,userId,rating,timestamp\n"
	for _, c := range []struct{ body, want string }{
		{"movieId,genres,userId,rating\n", "bad.csv:1: no column \"timestamp\"; the header names movieId,genres,userId,rating"},
		{head, "bad.csv holds no examples: no ratings after the header"},
		{head + "1,A,1990,Drama,1,nan,10\n", `bad.csv:2: column rating: "nan" is not a finite number`},
		// A single rating trains; the test part is empty.
		{head + "1,A,1990,Drama,1,4,10\n", "ratings:bad.csv (test) holds no examples"},
	} {
		writeFile(t, filepath.Join(dir, "bad.csv"), []byte(c.body))
		_, err := Open("ratings:bad.csv", dir)
		wantErr(t, err, c.want)
	}
}
