// The vocabulary sidecar: raw MovieLens user and movie ids to the model
// ids the movielens: data form gave them, and each movie's genres and year
// for the model's other inputs (README.md describes the file).

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// vocabFormat and vocabVersion are the sidecar's "format" and "version"
// (data.MovieLensVocabFormat and data.MovieLensVocabVersion; the service
// reads the file with encoding/json alone).
const (
	vocabFormat  = "kiln movielens vocabulary"
	vocabVersion = 2
)

// vocabFile is the sidecar's JSON object.
type vocabFile struct {
	Format     string   `json:"format"`
	Version    int      `json:"version"`
	Source     string   `json:"source"`
	Users      []int64  `json:"users"`
	Movies     []int64  `json:"movies"`
	Genres     []string `json:"genres"`
	MovieGenre []int32  `json:"movie_genres"`
	GenreNames []string `json:"genre_names"`
	// MovieGenres holds each movie's genre ids (1 to len(GenreNames)),
	// MovieYears its year bucket (absent when the data had no years).
	MovieGenres [][]int32 `json:"movie_genre_ids"`
	MovieYears  []int32   `json:"movie_years"`
}

// ids maps raw ids to model ids: user Users[i] is i, movie Movies[j] is
// U+j, its genre U+M+MovieGenre[j]; and holds each movie's genres and year
// inputs.
type ids struct {
	source string
	users  map[int64]int32 // raw user id -> i
	user   []int64         // i -> raw user id
	movies map[int64]int32 // raw movie id -> j
	movie  []int64         // j -> raw movie id
	genre  []int32         // j -> model id of its genre, U+M+g
	nu, ng int32
	// Movie j's genre ids are genreIDs[genreAt[j]:genreAt[j+1]].
	genreIDs, genreAt []int32
	maxGenres         int     // the most genres of a movie
	genreNames        int32   // the largest genre id
	year              []int32 // j -> its year bucket; nil when the vocabulary has none
}

// readIDs reads and checks a vocabulary sidecar.
func readIDs(path string) (*ids, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f vocabFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: not a vocabulary file: %v", path, err)
	}
	v, err := newIDs(&f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return v, nil
}

// newIDs checks a vocabulary and builds its maps.
func newIDs(f *vocabFile) (*ids, error) {
	if f.Format != vocabFormat || f.Version != vocabVersion {
		return nil, fmt.Errorf("format %q version %d, want %q version %d (go run ./examples/serve/vocab writes it)", f.Format, f.Version, vocabFormat, vocabVersion)
	}
	if len(f.Users) == 0 || len(f.Movies) == 0 || len(f.Genres) == 0 {
		return nil, fmt.Errorf("%d users, %d movies and %d genres; a vocabulary needs at least one of each", len(f.Users), len(f.Movies), len(f.Genres))
	}
	if len(f.MovieGenre) != len(f.Movies) {
		return nil, fmt.Errorf("%d movie_genres for %d movies", len(f.MovieGenre), len(f.Movies))
	}
	if len(f.MovieGenres) != len(f.Movies) {
		return nil, fmt.Errorf("%d movie_genre_ids for %d movies", len(f.MovieGenres), len(f.Movies))
	}
	if f.MovieYears != nil && len(f.MovieYears) != len(f.Movies) {
		return nil, fmt.Errorf("%d movie_years for %d movies", len(f.MovieYears), len(f.Movies))
	}
	const maxIDs = 1 << 30
	if len(f.Users)+len(f.Movies)+len(f.Genres) > maxIDs {
		return nil, fmt.Errorf("%d ids, more than the %d an i32 model id allows here", len(f.Users)+len(f.Movies)+len(f.Genres), maxIDs)
	}
	v := &ids{source: f.Source, users: make(map[int64]int32, len(f.Users)), movies: make(map[int64]int32, len(f.Movies)),
		user: f.Users, movie: f.Movies, genre: make([]int32, len(f.Movies)), nu: int32(len(f.Users)), ng: int32(len(f.Genres)),
		genreAt: make([]int32, 1, len(f.Movies)+1), genreNames: int32(len(f.GenreNames)), year: f.MovieYears}
	for i, u := range f.Users {
		if i > 0 && u <= f.Users[i-1] {
			return nil, fmt.Errorf("users[%d] = %d after %d: raw user ids must be strictly increasing (their order is the model's)", i, u, f.Users[i-1])
		}
		v.users[u] = int32(i)
	}
	nm := int32(len(f.Movies))
	for j, m := range f.Movies {
		if j > 0 && m <= f.Movies[j-1] {
			return nil, fmt.Errorf("movies[%d] = %d after %d: raw movie ids must be strictly increasing (their order is the model's)", j, m, f.Movies[j-1])
		}
		g := f.MovieGenre[j]
		if g < 0 || g >= v.ng {
			return nil, fmt.Errorf("movie_genres[%d] (movie %d) = %d, outside the %d genres", j, m, g, v.ng)
		}
		v.movies[m] = int32(j)
		v.genre[j] = v.nu + nm + g
		gs := f.MovieGenres[j]
		if len(gs) == 0 {
			return nil, fmt.Errorf("movie_genre_ids[%d] (movie %d) is empty; every movie has a genre", j, m)
		}
		for _, id := range gs {
			if id < 1 || id > v.genreNames {
				return nil, fmt.Errorf("movie_genre_ids[%d] (movie %d) holds %d, outside the ids 1 to %d of the %d genre_names", j, m, id, v.genreNames, v.genreNames)
			}
		}
		v.genreIDs = append(v.genreIDs, gs...)
		v.genreAt = append(v.genreAt, int32(len(v.genreIDs)))
		v.maxGenres = max(v.maxGenres, len(gs))
		if v.year != nil && v.year[j] < 0 {
			return nil, fmt.Errorf("movie_years[%d] (movie %d) = %d; a year bucket is at least 0", j, m, v.year[j])
		}
	}
	return v, nil
}

// size is the number of model ids: users, movies and genres.
func (v *ids) size() int32 { return v.nu + int32(len(v.movie)) + v.ng }

// fields writes the model's fields input for user index u and movie
// index j.
func (v *ids) fields(dst []int32, u, j int32) {
	dst[0], dst[1], dst[2] = u, v.nu+j, v.genre[j]
}

// genres writes movie j's genre ids into dst, padded with 0 to its length
// (at least maxGenres).
func (v *ids) genres(dst []int32, j int32) {
	n := copy(dst, v.genreIDs[v.genreAt[j]:v.genreAt[j+1]])
	clear(dst[n:])
}

// maxYear is the largest year bucket, -1 without years.
func (v *ids) maxYear() int32 {
	y := int32(-1)
	for _, b := range v.year {
		y = max(y, b)
	}
	return y
}
