package data

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

// A hand-written ratings file. Users 3, 7, 10 map to 0, 1, 2; movies 5,
// 20, 50, 300, 1000 to 0..4; primary genres "(no genres listed)", Action,
// Animation, Comedy, Drama to 0..4. So user ids are 0-2, movie ids 3-7 and
// genre ids 8-12: vocabulary 13.
//
// User 10 has four ratings: by time 5 (t100), 20 (t200), then 50 and 300
// tied at t300, ordered by movie id, so 300 (line 2) is the one held out.
// User 3 has two: 20 (t50) trains, 50 (t60, line 9) is held out. User 7 has
// two tied at t10: 5 trains, 1000 (line 7) is held out.
const ratingsCSV = `movieId,title,year,genres,userId,rating,timestamp
300,Heat,1995,Action|Crime|Thriller,10,2,300
5,Five,1990,Drama|Comedy,10,4.0,100
50,Fifty,2000,(no genres listed),10,5,300
20,Twenty,NA,Comedy|Romance,10,3.5,200
20,Twenty,NA,Comedy|Romance,3,4.5,50
1000,"Deer Hunter, The",1978,Animation,7,1,10
5,Five,1990,Drama|Comedy,7,4,10
50,Fifty,2000,(no genres listed),3,3,60
`

func TestReadRatings(t *testing.T) {
	p := writeFile(t, filepath.Join(t.TempDir(), "r.csv"), []byte(ratingsCSV))
	r, err := readRatings("x", p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.users, []int64{3, 7, 10}) || !slices.Equal(r.movies, []int64{5, 20, 50, 300, 1000}) ||
		!slices.Equal(r.genres, []string{"(no genres listed)", "Action", "Animation", "Comedy", "Drama"}) {
		t.Errorf("ids: %v %v %q", r.users, r.movies, r.genres)
	}
	if !slices.Equal(r.movieGenre, []int32{4, 3, 0, 1, 2}) {
		t.Errorf("movie genres %v", r.movieGenre)
	}
	if !slices.Equal(r.test, []bool{true, false, false, false, false, true, false, true}) {
		t.Errorf("test marks %v", r.test)
	}
	if !slices.Equal(r.line, []int32{2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("lines %v", r.line)
	}
}

func TestOpenMovieLens(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "r.csv.gz"), gzipBytes([]byte(ratingsCSV)))
	s, err := Open("movielens:r.csv.gz", dir)
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	if tr.Name != "movielens:r.csv.gz (train)" || te.Name != "movielens:r.csv.gz (test)" || tr.Task != Binary || tr.Vocab != YearBuckets || te.Vocab != YearBuckets {
		t.Errorf("got %q %q %v vocab %d", tr.Name, te.Name, tr.Task, tr.Vocab)
	}
	// Training ratings in file order: lines 3, 4, 5, 6, 8.
	wantTensor(t, "train ids", tr.Inputs[0].T, tensor.FromI32([]int32{
		2, 3, 12, // user 10, movie 5, Drama
		2, 5, 8, // user 10, movie 50, no genre
		2, 4, 11, // user 10, movie 20, Comedy
		0, 4, 11, // user 3, movie 20, Comedy
		1, 3, 12, // user 7, movie 5, Drama
	}, 5, 3))
	wantTensor(t, "train clicks", tr.Target, tensor.FromF32([]float32{1, 1, 0, 1, 1}, 5, 1))
	// Each training rating's user and its place among the user's ratings
	// in time, for a validation part carved by time.
	if !slices.Equal(tr.Group, []int32{2, 2, 2, 0, 1}) || !slices.Equal(tr.Seq, []int32{0, 2, 1, 0, 0}) {
		t.Errorf("train groups %v, places in time %v", tr.Group, tr.Seq)
	}
	// Test: lines 2, 7, 9.
	wantTensor(t, "test ids", te.Inputs[0].T, tensor.FromI32([]int32{
		2, 6, 9, // user 10, movie 300, Action
		1, 7, 10, // user 7, movie 1000, Animation
		0, 5, 8, // user 3, movie 50, no genre
	}, 3, 3))
	wantTensor(t, "test clicks", te.Target, tensor.FromF32([]float32{0, 0, 0}, 3, 1))

	// The inputs beside the ids: all of a movie's genres as ids 1..8 in
	// sorted order of the names ((no genres listed), Action, Animation,
	// Comedy, Crime, Drama, Romance, Thriller), padded with 0 to the 3 of
	// Heat; the year's bucket, 0 for NA.
	names := func(d *Dataset) []string {
		var n []string
		for _, in := range d.Inputs {
			n = append(n, in.Name)
		}
		return n
	}
	if !slices.Equal(names(tr), []string{"fields", "genres", "year"}) || !slices.Equal(names(te), names(tr)) {
		t.Fatalf("inputs %q and %q, want fields, genres, year", names(tr), names(te))
	}
	wantTensor(t, "train genres", tr.Inputs[1].T, tensor.FromI32([]int32{6, 4, 0, 1, 0, 0, 4, 7, 0, 4, 7, 0, 6, 4, 0}, 5, 3))
	wantTensor(t, "train years", tr.Inputs[2].T, tensor.FromI32([]int32{14, 16, 0, 0, 14}, 5, 1))
	wantTensor(t, "test genres", te.Inputs[1].T, tensor.FromI32([]int32{2, 5, 8, 3, 0, 0, 1, 0, 0}, 3, 3))
	wantTensor(t, "test years", te.Inputs[2].T, tensor.FromI32([]int32{15, 11, 16}, 3, 1))

	// Without a year column there is no year input.
	writeFile(t, filepath.Join(dir, "noyear.csv"), []byte("movieId,genres,userId,rating,timestamp\n1,Drama,1,4,1\n2,Comedy,1,3,2\n"))
	s, err = Open("movielens:noyear.csv", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(s.Train), []string{"fields", "genres"}) {
		t.Errorf("without a year column: inputs %q", names(s.Train))
	}
}

func TestYearBucket(t *testing.T) {
	for _, c := range []struct {
		year  int64
		known bool
		want  int32
	}{{1995, false, 0}, {1800, true, 1}, {1929, true, 1}, {1930, true, 2}, {1934, true, 2}, {1990, true, 14}, {2014, true, 18}, {2015, true, 19}, {2030, true, 19}} {
		if got := YearBucket(c.year, c.known); got != c.want {
			t.Errorf("YearBucket(%d, %v) = %d, want %d", c.year, c.known, got, c.want)
		}
	}
}

func TestHeldOut(t *testing.T) {
	// 20% rounded to nearest; at least one and at most n-1 from n >= 2.
	want := map[int]int{0: 0, 1: 0, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 2, 10: 2, 12: 2, 13: 3, 20: 4, 22: 4, 23: 5, 100: 20, 2391: 478}
	for n, w := range want {
		if got := heldOut(n); got != w {
			t.Errorf("heldOut(%d) = %d, want %d", n, got, w)
		}
	}
	for n := 2; n < 1000; n++ {
		h := heldOut(n)
		if exact := float64(n) / 5; math.Abs(float64(h)-exact) > 0.5 && h != 1 {
			t.Errorf("heldOut(%d) = %d, 20%% is %.1f", n, h, exact)
		}
	}
}

// TestSplitByTimeTies: a user with 13 ratings, several at the same time,
// holds out the 3 latest by (timestamp, movie id), and ties on both keep
// file order.
func TestSplitByTimeTies(t *testing.T) {
	r := &ratings{users: []int64{1}}
	add := func(movie int32, ts int64) {
		r.user = append(r.user, 0)
		r.movie = append(r.movie, movie)
		r.time = append(r.time, ts)
	}
	for m := range int32(10) {
		add(m, int64(m)) // times 0-9
	}
	add(7, 100) // latest
	add(9, 50)  // tied at 50 with movie 3: movie 3 first
	add(3, 50)
	r.splitByTime()
	want := make([]bool, 13)
	want[10], want[11], want[12] = true, true, true
	if !slices.Equal(r.test, want) {
		t.Errorf("test marks %v", r.test)
	}
	// A later rating splits the tie: the last 3 are now t200, t100 and
	// (t50, movie 9), and movie 3, first in the tie, goes back to training.
	add(1, 200)
	r.splitByTime() // 14 ratings: 3 held out
	want = append(make([]bool, 10), true, true, false, true)
	if !slices.Equal(r.test, want) {
		t.Errorf("test marks %v, want %v", r.test, want)
	}
}

func TestOpenAutoRec(t *testing.T) {
	p := writeFile(t, filepath.Join(t.TempDir(), "r.csv"), []byte(ratingsCSV))
	s, err := Open("autorec:"+p, "/ignored")
	if err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	tr, te := s.Train, s.Test
	if tr.Task != Regression || tr.Vocab != 0 || tr.Name != "autorec:"+p+" (train)" {
		t.Errorf("got %v vocab %d %q", tr.Task, tr.Vocab, tr.Name)
	}
	// Movies with training ratings: 5, 20, 50. Users 3, 7, 10.
	wantTensor(t, "train inputs", tr.Inputs[0].T, tensor.FromF32([]float32{
		0, 4, 4, // movie 5
		4.5, 0, 3.5, // movie 20
		0, 0, 5, // movie 50
	}, 3, 3))
	wantTensor(t, "train targets", tr.Target, tensor.FromF32([]float32{
		nan, 4, 4,
		4.5, nan, 3.5,
		nan, nan, 5,
	}, 3, 3))
	// Movies with test ratings: 50, 300, 1000; inputs are their training
	// ratings.
	wantTensor(t, "test inputs", te.Inputs[0].T, tensor.FromF32([]float32{
		0, 0, 5,
		0, 0, 0,
		0, 0, 0,
	}, 3, 3))
	wantTensor(t, "test targets", te.Target, tensor.FromF32([]float32{
		3, nan, nan,
		nan, nan, 2,
		nan, 1, nan,
	}, 3, 3))
}

func TestRatingsErrors(t *testing.T) {
	dir := t.TempDir()
	head := "movieId,title,year,genres,userId,rating,timestamp\n"
	for _, c := range []struct{ spec, body, want string }{
		{"movielens", "movieId,genres,userId,rating\n", "bad.csv:1: no column \"timestamp\"; the header names movieId,genres,userId,rating"},
		{"movielens", head, "bad.csv holds no examples: no ratings after the header"},
		{"movielens", head + "1,A,1990,Drama,u1,4,10\n", `bad.csv:2: column userId: "u1" is not an integer`},
		{"movielens", head + "1,A,1990,Drama,1,4,10\n1,A,1990,Drama,1,four,10\n", `bad.csv:3: column rating: "four" is not a finite number`},
		{"movielens", head + "1,A,1990,Drama,1,4\n", "bad.csv:2: the row's number of fields differs"},
		// A single rating trains; the test part is empty.
		{"movielens", head + "1,A,1990,Drama,1,4,10\n", "movielens:bad.csv (test) holds no examples"},
		{"autorec", head + "1,A,1990,Drama,1,4,10\n2,B,1990,Drama,1,3,11\n1,A,1990,Drama,1,5,12\n", "bad.csv:4: user 1 rates movie 1 a second time (first on line 2)"},
		{"autorec", head + "1,A,1990,Drama,1,0,10\n", "bad.csv:2: rating 0; AutoRec's inputs use 0 for no rating"},
	} {
		writeFile(t, filepath.Join(dir, "bad.csv"), []byte(c.body))
		_, err := Open(c.spec+":bad.csv", dir)
		wantErr(t, err, c.want)
	}
}
