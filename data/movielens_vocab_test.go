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
	if v.Size() != 13 || v.Format != MovieLensVocabFormat || v.Version != 1 || v.Source != "movielens: r.csv" {
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
	csv.WriteString("userId,rating,genres,timestamp,movieId\n")
	type row struct {
		user, movie int64
		click       float32
	}
	var rows []row
	movieGenre := map[int64]string{}
	for range 400 {
		u := int64(1 + rng.IntN(40)*37)      // sparse raw user ids
		m := int64(rng.IntN(60)*1013 + 1)    // sparse raw movie ids
		stars := float64(1+rng.IntN(10)) / 2 // 0.5 to 5
		g, ok := movieGenre[m]
		if !ok {
			g = genres[rng.IntN(len(genres))]
			movieGenre[m] = g
		}
		fmt.Fprintf(&csv, "%d,%g,%s,%d,%d\n", u, stars, g, 1000+rng.IntN(50), m)
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
	if len(v.MovieGenre) != len(v.Movies) {
		t.Fatalf("%d movie genres for %d movies", len(v.MovieGenre), len(v.Movies))
	}

	// The form's examples as "ids click" strings, and the rows' through
	// the vocabulary; the two must be the same multiset.
	var form []string
	for _, d := range []*Dataset{split.Train, split.Test} {
		ids := d.Inputs[0].T.I32
		for i := range d.Len() {
			form = append(form, fmt.Sprint(ids[3*i:3*i+3], d.Target.F32[i]))
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
		mapped = append(mapped, fmt.Sprint([]int32{int32(u), nu + int32(m), nu + nm + g}, r.click))
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
		!slices.Equal(back.MovieGenre, v.MovieGenre) || back.Format != v.Format || back.Version != v.Version || back.Source != v.Source {
		t.Errorf("JSON round trip: %+v, want %+v", back, v)
	}
	for _, key := range []string{`"format":`, `"version":1`, `"users":[`, `"movies":[`, `"genres":[`, `"movie_genres":[`} {
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
