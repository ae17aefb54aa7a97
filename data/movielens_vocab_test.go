package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMovieLensVocabHand checks the vocabulary of the hand-written file,
// whose ids TestOpenMovieLens spells out.
func TestMovieLensVocabHand(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "r.csv"), []byte(ratingsCSV))
	v, err := OpenMovieLensVocab(" movielens: r.csv ", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Users, []int64{3, 7, 10}) || !slices.Equal(v.Movies, []int64{5, 20, 50, 300, 1000}) ||
		!slices.Equal(v.Genres, []string{"(no genres listed)", "Action", "Animation", "Comedy", "Drama"}) ||
		!slices.Equal(v.MovieGenre, []int32{4, 3, 0, 1, 2}) {
		t.Errorf("vocabulary %+v", v)
	}
	if !slices.Equal(v.GenreNames, []string{"(no genres listed)", "Action", "Animation", "Comedy", "Crime", "Drama", "Romance", "Thriller"}) ||
		!slices.EqualFunc(v.MovieGenres, [][]int32{{6, 4}, {4, 7}, {1}, {2, 5, 8}, {3}}, slices.Equal) ||
		!slices.Equal(v.MovieYears, []int32{14, 0, 16, 15, 11}) { // 1990, NA, 2000, 1995, 1978
		t.Errorf("genre names %q, movie genres %v, years %v", v.GenreNames, v.MovieGenres, v.MovieYears)
	}
	if v.Size() != 13 || v.Format != MovieLensVocabFormat || v.Version != 2 || v.Source != "movielens: r.csv" {
		t.Errorf("size %d, format %q, version %d, source %q", v.Size(), v.Format, v.Version, v.Source)
	}
}

// TestMovieLensVocabMatchesForm generates a ratings file, maps each of its
// rows through the vocabulary, and checks that the examples so made, with
// their clicks, are the examples (train and test together) that the
// movielens: form makes of the same file.
func TestMovieLensVocabMatchesForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	genres := []string{"Drama|Comedy", "Action", "", "Comedy|Drama", "Animation|Children", "(no genres listed)", "Western"}
	var csv strings.Builder
	csv.WriteString("userId,rating,genres,timestamp,movieId,year\n")
	type row struct {
		user, movie int64
		click       float32
	}
	var rows []row
	movieGenre := map[int64]string{}
	movieYear := map[int64]string{}
	for range 400 {
		u := int64(1 + rng.IntN(40)*37)      // sparse raw user ids
		m := int64(rng.IntN(60)*1013 + 1)    // sparse raw movie ids
		stars := float64(1+rng.IntN(10)) / 2 // 0.5 to 5
		g, ok := movieGenre[m]
		if !ok {
			g = genres[rng.IntN(len(genres))]
			movieGenre[m] = g
			movieYear[m] = fmt.Sprint(1900 + rng.IntN(130)) // 1900 to 2029
			if rng.IntN(8) == 0 {
				movieYear[m] = "NA"
			}
		}
		fmt.Fprintf(&csv, "%d,%g,%s,%d,%d,%s\n", u, stars, g, 1000+rng.IntN(50), m, movieYear[m])
		click := float32(0)
		if stars >= ClickThreshold {
			click = 1
		}
		rows = append(rows, row{u, m, click})
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "r.csv.gz"), gzipBytes([]byte(csv.String())))
	split, err := Open("movielens:r.csv.gz", dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := OpenMovieLensVocab("movielens:r.csv.gz", dir)
	if err != nil {
		t.Fatal(err)
	}
	if v.Size() != split.Train.Vocab {
		t.Errorf("vocabulary of %d ids, the data set's Vocab is %d", v.Size(), split.Train.Vocab)
	}
	for _, ids := range [][]int64{v.Users, v.Movies} {
		if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Errorf("raw ids not strictly increasing: %v", ids)
		}
	}
	if len(v.MovieGenre) != len(v.Movies) || len(v.MovieGenres) != len(v.Movies) || len(v.MovieYears) != len(v.Movies) {
		t.Fatalf("%d movie genres, %d genre lists and %d years for %d movies", len(v.MovieGenre), len(v.MovieGenres), len(v.MovieYears), len(v.Movies))
	}

	// The form's examples as "fields genres year click" strings, and the
	// rows' through the vocabulary (genres padded with 0 to the form's
	// width); the two must be the same multiset.
	var form []string
	width := 0
	for _, d := range []*Dataset{split.Train, split.Test} {
		if len(d.Inputs) != 3 || d.Inputs[0].Name != "fields" || d.Inputs[1].Name != "genres" || d.Inputs[2].Name != "year" {
			t.Fatalf("the form's inputs: %v", d.Inputs)
		}
		ids, gs, ys := d.Inputs[0].T.I32, d.Inputs[1].T.I32, d.Inputs[2].T.I32
		width = d.Inputs[1].T.Shape[1]
		for i := range d.Len() {
			form = append(form, fmt.Sprint(ids[3*i:3*i+3], gs[width*i:width*i+width], ys[i], d.Target.F32[i]))
		}
	}
	nu, nm := int32(len(v.Users)), int32(len(v.Movies))
	var mapped []string
	for _, r := range rows {
		u, ok1 := slices.BinarySearch(v.Users, r.user)
		m, ok2 := slices.BinarySearch(v.Movies, r.movie)
		if !ok1 || !ok2 {
			t.Fatalf("user %d or movie %d missing from the vocabulary", r.user, r.movie)
		}
		g := v.MovieGenre[m]
		name, _, _ := strings.Cut(movieGenre[r.movie], "|")
		if name == "" {
			name = "(no genres listed)"
		}
		if v.Genres[g] != name {
			t.Errorf("movie %d: genre %q, its first listed genre is %q", r.movie, v.Genres[g], name)
		}
		// Its genres, named in the file's order, and its year's bucket.
		gs := make([]int32, width)
		copy(gs, v.MovieGenres[m])
		var names []string
		for _, id := range v.MovieGenres[m] {
			names = append(names, v.GenreNames[id-1])
		}
		want := movieGenre[r.movie]
		if want == "" {
			want = "(no genres listed)"
		}
		if strings.Join(names, "|") != want {
			t.Errorf("movie %d: genres %q, the file lists %q", r.movie, names, movieGenre[r.movie])
		}
		mapped = append(mapped, fmt.Sprint([]int32{int32(u), nu + int32(m), nu + nm + g}, gs, v.MovieYears[m], r.click))
	}
	slices.Sort(form)
	slices.Sort(mapped)
	if !slices.Equal(form, mapped) {
		t.Errorf("the vocabulary's examples differ from the form's:\nform   %v\nmapped %v", form, mapped)
	}

	// The JSON form reads back to the same vocabulary.
	var b bytes.Buffer
	if err := v.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back MovieLensVocab
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Users, v.Users) || !slices.Equal(back.Movies, v.Movies) || !slices.Equal(back.Genres, v.Genres) ||
		!slices.Equal(back.MovieGenre, v.MovieGenre) || !slices.Equal(back.GenreNames, v.GenreNames) ||
		!slices.EqualFunc(back.MovieGenres, v.MovieGenres, slices.Equal) || !slices.Equal(back.MovieYears, v.MovieYears) || back.Format != v.Format || back.Version != v.Version || back.Source != v.Source {
		t.Errorf("JSON round trip: %+v, want %+v", back, v)
	}
	for _, key := range []string{`"format":`, `"version":2`, `"users":[`, `"movies":[`, `"genres":[`, `"movie_genres":[`, `"genre_names":[`, `"movie_genre_ids":[[`, `"movie_years":[`} {
		if !bytes.Contains(b.Bytes(), []byte(key)) {
			t.Errorf("JSON lacks %s: %.200s", key, b.String())
		}
	}
}

func TestMovieLensVocabErrors(t *testing.T) {
	dir := t.TempDir()
	for spec, want := range map[string]string{
		"autorec:r.csv":    "a vocabulary is read from a movielens:FILE spec",
		"r.csv":            "a vocabulary is read from a movielens:FILE spec",
		"movielens:  ":     `no file after "movielens:"`,
		"movielens:no.csv": "no.csv",
	} {
		_, err := OpenMovieLensVocab(spec, dir)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one saying %q", spec, err, want)
		}
	}
}
