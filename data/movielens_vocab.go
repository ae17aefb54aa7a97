// The id vocabulary of the movielens: form, for a program that serves a
// model trained on it: which raw user and movie ids became which model ids.

package data

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// MovieLensVocabFormat and MovieLensVocabVersion are the "format" and
// "version" fields of a vocabulary's JSON form.
const (
	MovieLensVocabFormat  = "kiln movielens vocabulary"
	MovieLensVocabVersion = 2
)

// MovieLensVocab is the mapping from raw MovieLens ids to the ids the
// movielens: form gives a model: user Users[i] is model id i, movie
// Movies[j] is U+j and genre Genres[g] is U+M+g, for U users and M movies.
// A rating of movie Movies[j] by user Users[i] is the example
// fields [i, U+j, U+M+MovieGenre[j]], genres MovieGenres[j] padded with 0
// (to the most genres of a movie), and year MovieYears[j] when the file
// has a year column. Its JSON form (WriteJSON) is the sidecar file a
// serving program reads beside the .kbc.
type MovieLensVocab struct {
	Format  string `json:"format"`  // MovieLensVocabFormat
	Version int    `json:"version"` // MovieLensVocabVersion
	Source  string `json:"source"`  // the data set spec it was read from
	// Users and Movies are the raw ids, strictly increasing; Genres the
	// primary genre names, in increasing byte order.
	Users  []int64  `json:"users"`
	Movies []int64  `json:"movies"`
	Genres []string `json:"genres"`
	// MovieGenre is each movie's primary genre, an index into Genres.
	MovieGenre []int32 `json:"movie_genres"`
	// GenreNames is every genre any movie has, in increasing byte order:
	// GenreNames[k] is id k+1 of the genres input (0 pads it).
	GenreNames []string `json:"genre_names"`
	// MovieGenres is each movie's genres as ids of the genres input (1 to
	// len(GenreNames)), in the order the file lists them, each once.
	MovieGenres [][]int32 `json:"movie_genre_ids"`
	// MovieYears is each movie's year input, its release year's bucket
	// (YearBucket); nil, and absent from the JSON, when the file has no
	// year column (the form then gives no year input).
	MovieYears []int32 `json:"movie_years,omitempty"`
}

// OpenMovieLensVocab reads the ratings file of a movielens:FILE spec (FILE
// relative to baseDir, as Open takes it) and returns the ids that form
// assigns. The same file gives the same vocabulary as the data set that
// Open builds from it, whose Vocab is the vocabulary's Size.
func OpenMovieLensVocab(spec, baseDir string) (*MovieLensVocab, error) {
	s := strings.TrimSpace(spec)
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || kind != "movielens" {
		return nil, fmt.Errorf("data set %q: a vocabulary is read from a movielens:FILE spec", spec)
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return nil, fmt.Errorf("data set %q: no file after \"movielens:\"; write movielens:FILE", spec)
	}
	r, err := readRatings(s, resolve(rest, baseDir))
	if err != nil {
		return nil, err
	}
	v := &MovieLensVocab{
		Format: MovieLensVocabFormat, Version: MovieLensVocabVersion, Source: s,
		Users: r.users, Movies: r.movies, Genres: r.genres, MovieGenre: r.movieGenre,
	}
	v.GenreNames, v.MovieGenres = r.genreNames, r.movieGenres
	if r.hasYear {
		v.MovieYears = r.movieYear
	}
	return v, nil
}

// Size is the number of ids the vocabulary assigns: users, movies and
// genres.
func (v *MovieLensVocab) Size() int { return len(v.Users) + len(v.Movies) + len(v.Genres) }

// WriteJSON writes the vocabulary as one JSON object, the fields named by
// the struct's tags.
func (v *MovieLensVocab) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
