// MovieLens ratings with the movies' content (content:FILE): the ratings
// form's examples, plus each movie's title words and genres and each user's
// words, the titles and genres of the movies the user rated before, as ids
// into one word vocabulary, for content-aware rating models.

package data

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/kiln-nn/kiln/tensor"
)

// Input names and lengths of the content:FILE sets.
const (
	// ContentWords is the movie's words: its title words, then its genres.
	ContentWords = "words"
	// ContentUserWords is the user's words: the words of the user's
	// latest training movies before the rating.
	ContentUserWords = "user_words"
	// ContentItemLen is the length of a movie's word list: title words
	// are cut so that all the genres fit, then the list is padded with 0.
	ContentItemLen = 16
	// ContentUserLen is the length of a user's word list.
	ContentUserLen = 64
)

// titleWords splits a title into lower-cased words: runs of letters and
// digits. A trailing "(YYYY)", the year MovieLens's own files append, is
// dropped first.
func titleWords(title string) []string {
	t := strings.TrimSpace(title)
	if n := len(t); n >= 6 && t[n-1] == ')' && t[n-6] == '(' && strings.Trim(t[n-5:n-1], "0123456789") == "" {
		t = t[:n-6]
	}
	return strings.FieldsFunc(strings.ToLower(t), func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c)
	})
}

// openContent builds the content-aware rating sets. Every rating is an
// example, as in ratings:FILE (the same parts, order, inputs user and movie,
// and target), with two more i32 inputs over one word vocabulary (id 0 is
// pad; title words 1..T in sorted order, then the genres T+1..T+G in the
// order of their names):
//
//   - words [N, ContentItemLen]: the movie's title words, then its genres;
//   - user_words [N, ContentUserLen]: the words of the user's training
//     ratings before this one in time (the user's order of splitByTime),
//     latest movie first, each movie's list whole, as many movies as fit.
//
// A test example's user words come from the user's training ratings only;
// a training example's from the ratings before it, so that no example sees
// its own movie among its user's words. The training part has Group (the
// user) and Seq (its place in time) for a validation part carved by time.
func openContent(s, path string) (*Split, error) {
	r, err := readRatings(s, path)
	if err != nil {
		return nil, err
	}
	if !r.hasTitle {
		return nil, fmt.Errorf("%s: no title column: content:FILE needs the movies' titles", path)
	}
	// The word vocabulary: every title word of every movie in the file
	// (titles are the movies' metadata, known before any rating), then
	// the genres.
	seen := map[string]bool{}
	var vocab []string
	for _, t := range r.movieTitle {
		for _, w := range titleWords(t) {
			if !seen[w] {
				seen[w] = true
				vocab = append(vocab, w)
			}
		}
	}
	slices.Sort(vocab)
	wordID := make(map[string]int32, len(vocab))
	for i, w := range vocab {
		wordID[w] = int32(i + 1)
	}
	nt := int32(len(vocab))
	items := make([][]int32, len(r.movies)) // each movie's words, unpadded
	for m, t := range r.movieTitle {
		gs := r.movieGenres[m]
		if len(gs) > ContentItemLen {
			gs = gs[:ContentItemLen]
		}
		ws := titleWords(t)
		ws = ws[:min(len(ws), ContentItemLen-len(gs))]
		for _, w := range ws {
			items[m] = append(items[m], wordID[w])
		}
		for _, g := range gs {
			items[m] = append(items[m], nt+g) // genre ids are 1..G
		}
	}
	words := int(nt) + len(r.genreNames) + 1
	vocabSize := max(len(r.users), len(r.movies), words)

	// Each user's training ratings in time order.
	history := make([][]int32, len(r.users))
	for i := range r.user {
		if !r.test[i] {
			history[r.user[i]] = append(history[r.user[i]], int32(i))
		}
	}
	for _, h := range history {
		slices.SortFunc(h, func(a, b int32) int { return int(r.seq[a] - r.seq[b]) })
	}
	// userWords fills dst with the words of the movies of h, latest first.
	userWords := func(dst []int32, h []int32) {
		k := 0
		for j := len(h) - 1; j >= 0; j-- {
			ws := items[r.movie[h[j]]]
			if k+len(ws) > len(dst) {
				break
			}
			k += copy(dst[k:], ws)
		}
	}

	build := func(test bool, part string) *Dataset {
		var users, movies, group, seq []int32
		var item, user []int32
		var y []float32
		for i := range r.user {
			if r.test[i] != test {
				continue
			}
			u, m := r.user[i], r.movie[i]
			users, movies = append(users, u), append(movies, m)
			y = append(y, r.rating[i])
			k := len(item)
			item = append(item, make([]int32, ContentItemLen)...)
			copy(item[k:], items[m])
			k = len(user)
			user = append(user, make([]int32, ContentUserLen)...)
			h := history[u]
			if !test {
				// The user's training ratings before this one: the first
				// seq of them, as splitByTime numbered them.
				h = h[:r.seq[i]]
				group, seq = append(group, u), append(seq, r.seq[i])
			}
			userWords(user[k:], h)
		}
		n := len(y)
		return &Dataset{
			Name: s + " (" + part + ")",
			Inputs: []Named{
				{Name: RatingsUser, T: tensor.FromI32(users, n, 1)},
				{Name: RatingsMovie, T: tensor.FromI32(movies, n, 1)},
				{Name: ContentWords, T: tensor.FromI32(item, n, ContentItemLen)},
				{Name: ContentUserWords, T: tensor.FromI32(user, n, ContentUserLen)},
			},
			Target: tensor.FromF32(y, n, 1),
			Task:   Regression,
			Vocab:  vocabSize,
			Group:  group,
			Seq:    seq,
		}
	}
	return &Split{Train: build(false, "train"), Test: build(true, "test")}, nil
}
