package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
)

// TestWrite writes the vocabulary of a small ratings file and reads it
// back: it must be the data package's for the same spec.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	csv := "userId,movieId,rating,timestamp,genres\n7,300,4,10,Drama|War\n3,300,2,11,Drama|War\n7,12,5,12,\n"
	if err := os.WriteFile(filepath.Join(dir, "r.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := "movielens:" + filepath.Join(dir, "r.csv")
	out := filepath.Join(dir, "v.json")
	if err := write(spec, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got data.MovieLensVocab
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want, err := data.OpenMovieLensVocab(spec, ".")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("wrote %+v, want %+v", got, want)
	}
	if got.Users[0] != 3 || got.Movies[0] != 12 || got.Genres[0] != "(no genres listed)" || got.MovieGenre[1] != 1 ||
		!reflect.DeepEqual(got.GenreNames, []string{"(no genres listed)", "Drama", "War"}) || !reflect.DeepEqual(got.MovieGenres, [][]int32{{1}, {2, 3}}) || got.MovieYears != nil {
		t.Errorf("vocabulary %+v", got)
	}
	if err := write("autorec:"+filepath.Join(dir, "r.csv"), out); err == nil || !strings.Contains(err.Error(), "movielens:FILE") {
		t.Errorf("an autorec spec: %v", err)
	}
}
