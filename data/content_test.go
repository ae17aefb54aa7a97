package data

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

func TestTitleWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Deer Hunter, The", []string{"deer", "hunter", "the"}},
		{"Toy Story (1995)", []string{"toy", "story"}},
		{"Seven (a.k.a. Se7en)", []string{"seven", "a", "k", "a", "se7en"}},
		{"2001: A Space Odyssey (1968) ", []string{"2001", "a", "space", "odyssey"}},
		{"(1995)", nil},
		{"Amélie (Fabuleux destin d'Amélie Poulain, Le)", []string{"amélie", "fabuleux", "destin", "d", "amélie", "poulain", "le"}},
		{"  ", nil},
	} {
		if got := titleWords(c.in); !slices.Equal(got, c.want) {
			t.Errorf("titleWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// pad pads ids with 0 to n.
func pad(n int, ids ...int32) []int32 {
	return append(ids, make([]int32, n-len(ids))...)
}

// TestOpenContent reads ratingsCSV (movielens_test.go). Words: deer 1,
// fifty 2, five 3, heat 4, hunter 5, the 6, twenty 7, then the genres
// "(no genres listed)" 8, Action 9, Animation 10, Comedy 11, Crime 12,
// Drama 13, Romance 14, Thriller 15. Movies 5, 20, 50, 300, 1000 (0-4)
// have the words [3 13 11], [7 11 14], [2 8], [4 9 12 15], [1 5 6 10].
func TestOpenContent(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "r.csv"), []byte(ratingsCSV))
	s, err := Open("content:r.csv", dir)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Open("ratings:r.csv", dir)
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	for _, c := range []struct{ d, r *Dataset }{{tr, rs.Train}, {te, rs.Test}} {
		if c.d.Task != Regression || c.d.Vocab != 16 {
			t.Errorf("%s: task %v vocab %d, want regression, 16", c.d.Name, c.d.Task, c.d.Vocab)
		}
		var names []string
		for _, in := range c.d.Inputs {
			names = append(names, in.Name)
		}
		if !slices.Equal(names, []string{"user", "movie", "words", "user_words"}) {
			t.Fatalf("%s: inputs %q", c.d.Name, names)
		}
		// The ratings form's examples, as they are.
		wantTensor(t, c.d.Name+" users", c.d.Inputs[0].T, c.r.Inputs[0].T)
		wantTensor(t, c.d.Name+" movies", c.d.Inputs[1].T, c.r.Inputs[1].T)
		wantTensor(t, c.d.Name+" ratings", c.d.Target, c.r.Target)
	}
	const L, U = ContentItemLen, ContentUserLen
	item := map[int32][]int32{0: {3, 13, 11}, 1: {7, 11, 14}, 2: {2, 8}, 3: {4, 9, 12, 15}, 4: {1, 5, 6, 10}}
	wantItems := func(d *Dataset) {
		var want []int32
		for _, m := range d.Inputs[1].T.I32 {
			want = append(want, pad(L, item[m]...)...)
		}
		wantTensor(t, d.Name+" words", d.Inputs[2].T, tensor.FromI32(want, d.Len(), L))
	}
	wantItems(tr)
	wantItems(te)
	// Training lines 3, 4, 5, 6, 8: user 10 rates movies 5, 20, 50 in time
	// (lines 3, 5, 4); users 3 and 7 have one training rating each.
	var want []int32
	for _, ids := range [][]int32{{}, {7, 11, 14, 3, 13, 11}, {3, 13, 11}, {}, {}} {
		want = append(want, pad(U, ids...)...)
	}
	wantTensor(t, "train user words", tr.Inputs[3].T, tensor.FromI32(want, 5, U))
	// Test lines 2, 7, 9: every training rating of the user, latest first.
	want = nil
	for _, ids := range [][]int32{{2, 8, 7, 11, 14, 3, 13, 11}, {3, 13, 11}, {7, 11, 14}} {
		want = append(want, pad(U, ids...)...)
	}
	wantTensor(t, "test user words", te.Inputs[3].T, tensor.FromI32(want, 3, U))
	if !slices.Equal(tr.Group, []int32{2, 2, 2, 0, 1}) || !slices.Equal(tr.Seq, []int32{0, 2, 1, 0, 0}) {
		t.Errorf("train group %v seq %v", tr.Group, tr.Seq)
	}
	if te.Group != nil || te.Seq != nil {
		t.Errorf("test group %v seq %v, want none", te.Group, te.Seq)
	}
}

// TestContentLimits: a long title is cut so that the genres fit, and a
// user's words hold whole movies only, latest first, never a test movie.
func TestContentLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("movieId,title,genres,userId,rating,timestamp\n")
	// Movie 1: 20 title words and 2 genres.
	long := strings.Repeat("w ", 19) + "last"
	fmt.Fprintf(&b, "1,%q,Comedy|Drama,1,4,1\n", long)
	// User 2 rates movies 100..149 (titles "tNNN x y", one genre: four
	// words each) at times 100..149: the last 10 are held out.
	for m := 100; m < 150; m++ {
		fmt.Fprintf(&b, "%d,t%d x y,Drama,2,3,%d\n", m, m, m)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "c.csv"), []byte(b.String()))
	s, err := Open("content:c.csv", dir)
	if err != nil {
		t.Fatal(err)
	}
	// Words, bytewise: last 1, t100..t149 2-51, w 52, x 53, y 54; Comedy
	// 55, Drama 56.
	words := s.Train.Inputs[2].T
	want := pad(ContentItemLen, 52, 52, 52, 52, 52, 52, 52, 52, 52, 52, 52, 52, 52, 52, 55, 56)
	if got := words.I32[:ContentItemLen]; !slices.Equal(got, want) {
		t.Errorf("movie 1's words %v, want %v", got, want)
	}
	// Every test example of user 2 sees movies 139 down to 124: 16 movies
	// of four words fill the 64.
	var h []int32
	for m := int32(139); m >= 124; m-- {
		h = append(h, m-98, 53, 54, 56)
	}
	te := s.Test.Inputs[3].T
	if s.Test.Len() != 10 {
		t.Fatalf("%d test examples, want 10", s.Test.Len())
	}
	for i := range s.Test.Len() {
		if got := te.I32[i*ContentUserLen : (i+1)*ContentUserLen]; !slices.Equal(got, h) {
			t.Fatalf("test example %d: user words %v, want %v", i, got, h)
		}
	}
	// Training example of movie 110 (user 2's 11th rating): movies 109
	// down to 100, then pad.
	h = nil
	for m := int32(109); m >= 100; m-- {
		h = append(h, m-98, 53, 54, 56)
	}
	row := 1 + 10 // movie 1 first, then 100..
	if got := s.Train.Inputs[3].T.I32[row*ContentUserLen : (row+1)*ContentUserLen]; !slices.Equal(got, pad(ContentUserLen, h...)) {
		t.Errorf("movie 110's user words %v", got)
	}
}

func TestContentNoTitle(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "c.csv"), []byte("movieId,genres,userId,rating,timestamp\n1,Drama,1,4,1\n2,Drama,1,3,2\n"))
	_, err := Open("content:c.csv", dir)
	if err == nil || !strings.Contains(err.Error(), "no title column") {
		t.Errorf("got %v, want an error about the title column", err)
	}
	if _, err := Open("contnt:c.csv", dir); err == nil || !strings.Contains(err.Error(), "did you mean content:c.csv") {
		t.Errorf("got %v, want a suggestion", err)
	}
}
