// MovieLens ratings as two data sets: click prediction over user, movie and
// genre ids (movielens:FILE), and I-AutoRec rating reconstruction
// (autorec:FILE). Both split each user's ratings by time.

package data

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/tensor"
)

// MovieLens constants.
const (
	// ClickThreshold: a rating at or above it is a positive (a click).
	ClickThreshold = 4
	// noGenre is the genre of a movie whose genres field is empty; it is
	// what MovieLens itself writes for such movies.
	noGenre = "(no genres listed)"
	// YearBuckets is the size of the year input's id space: 0 for a movie
	// of unknown year, 1 for one before 1930, then one id per five years
	// (2 for 1930-1934, ...), 19 for 2015 and later.
	YearBuckets = 20
)

// YearBucket is a release year's id in the year input (see YearBuckets).
func YearBucket(year int64, known bool) int32 {
	if !known {
		return 0
	}
	return 1 + int32(min(max((year-1925)/5, 0), YearBuckets-2))
}

// ratings is a MovieLens ratings file with its ids mapped to dense indices
// and its per-user time split decided.
type ratings struct {
	users  []int64  // raw user ids, sorted; user i is users[i]
	movies []int64  // raw movie ids, sorted
	genres []string // primary genres, sorted

	// Every genre and every movie's genres and year, for the inputs
	// beside the ids.
	genreNames  []string  // all the genres any movie has, sorted; genre k has id k+1
	movieGenres [][]int32 // by dense movie index: its genres' ids, in the file's order
	movieYear   []int32   // by dense movie index: its year's bucket (YearBucket)
	hasYear     bool      // the file has a year column
	movieTitle  []string  // by dense movie index: its title, as in its first row
	hasTitle    bool      // the file has a title column

	// One entry per rating, in file order.
	user, movie []int32 // dense indices
	movieGenre  []int32 // by dense movie index: the movie's primary genre
	rating      []float32
	time        []int64
	line        []int32 // the rating's line in the file, for messages
	test        []bool  // in the held-out part
	seq         []int32 // the rating's place among its user's ratings in time, from 0
}

// readRatings reads a MovieLens ratings CSV (gzipped or not) with at least
// the columns movieId, genres, userId, rating and timestamp, in any order,
// and optionally year and title.
func readRatings(s, path string) (*ratings, error) {
	t, err := openCSVTable(path, "data set "+s)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	col, err := t.columns("movieId", "genres", "userId", "rating", "timestamp")
	if err != nil {
		return nil, err
	}
	cMovie, cGenres, cUser, cRating, cTime := col[0], col[1], col[2], col[3], col[4]
	cYear := slices.Index(t.header, "year")   // optional
	cTitle := slices.Index(t.header, "title") // optional

	r := &ratings{hasYear: cYear >= 0, hasTitle: cTitle >= 0}
	var rawUser, rawMovie []int64
	genreOf := map[int64]string{}       // raw movie id -> primary genre
	allGenresOf := map[int64][]string{} // raw movie id -> its genres
	yearOf := map[int64]int32{}         // raw movie id -> its year's bucket
	titleOf := map[int64]string{}       // raw movie id -> its title
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		m, err := t.int(cMovie)
		if err != nil {
			return nil, err
		}
		u, err := t.int(cUser)
		if err != nil {
			return nil, err
		}
		v, err := t.float(cRating)
		if err != nil {
			return nil, err
		}
		ts, err := t.int(cTime)
		if err != nil {
			return nil, err
		}
		if _, ok := genreOf[m]; !ok {
			g, _, _ := strings.Cut(t.field(cGenres), "|")
			if g = strings.TrimSpace(g); g == "" {
				g = noGenre
			}
			genreOf[m] = g
			for _, g := range strings.Split(t.field(cGenres), "|") {
				if g = strings.TrimSpace(g); g == "" {
					g = noGenre
				}
				if !slices.Contains(allGenresOf[m], g) {
					allGenresOf[m] = append(allGenresOf[m], g)
				}
			}
			if cYear >= 0 {
				// A year that is not an integer (NA, empty) is unknown.
				y, err := strconv.ParseInt(t.field(cYear), 10, 64)
				yearOf[m] = YearBucket(y, err == nil)
			}
			if cTitle >= 0 {
				titleOf[m] = t.field(cTitle)
			}
		}
		rawUser = append(rawUser, u)
		rawMovie = append(rawMovie, m)
		r.rating = append(r.rating, float32(v))
		r.time = append(r.time, ts)
		r.line = append(r.line, int32(t.line(0)))
	}
	if len(r.rating) == 0 {
		return nil, fmt.Errorf("%s holds no examples: no ratings after the header", path)
	}

	// Dense indices, in sorted order of the raw ids and names, so that the
	// same file always gives the same ids.
	var userIdx, movieIdx map[int64]int32
	r.users, userIdx = denseIDs(rawUser)
	r.movies, movieIdx = denseIDs(rawMovie)
	genreIdx := map[string]int32{}
	for _, g := range genreOf {
		if _, ok := genreIdx[g]; !ok {
			genreIdx[g] = 0
			r.genres = append(r.genres, g)
		}
	}
	slices.Sort(r.genres)
	for i, g := range r.genres {
		genreIdx[g] = int32(i)
	}
	r.movieGenre = make([]int32, len(r.movies))
	for i, m := range r.movies {
		r.movieGenre[i] = genreIdx[genreOf[m]]
	}
	nameIdx := map[string]int32{}
	for _, gs := range allGenresOf {
		for _, g := range gs {
			if _, ok := nameIdx[g]; !ok {
				nameIdx[g] = 0
				r.genreNames = append(r.genreNames, g)
			}
		}
	}
	slices.Sort(r.genreNames)
	for i, g := range r.genreNames {
		nameIdx[g] = int32(i + 1)
	}
	r.movieGenres = make([][]int32, len(r.movies))
	r.movieYear = make([]int32, len(r.movies))
	r.movieTitle = make([]string, len(r.movies))
	for i, m := range r.movies {
		for _, g := range allGenresOf[m] {
			r.movieGenres[i] = append(r.movieGenres[i], nameIdx[g])
		}
		r.movieYear[i] = yearOf[m]
		r.movieTitle[i] = titleOf[m]
	}
	r.user = make([]int32, len(rawUser))
	r.movie = make([]int32, len(rawMovie))
	for i := range rawUser {
		r.user[i] = userIdx[rawUser[i]]
		r.movie[i] = movieIdx[rawMovie[i]]
	}
	r.splitByTime()
	return r, nil
}

// denseIDs returns the distinct raw ids in increasing order and the map
// from raw id to its position.
func denseIDs(raw []int64) ([]int64, map[int64]int32) {
	idx := map[int64]int32{}
	var ids []int64
	for _, v := range raw {
		if _, ok := idx[v]; !ok {
			idx[v] = 0
			ids = append(ids, v)
		}
	}
	slices.Sort(ids)
	for i, v := range ids {
		idx[v] = int32(i)
	}
	return ids, idx
}

// heldOut is the number of a user's n ratings that go to the test part:
// 20%, rounded to nearest, but at least one and at most n-1 for a user with
// two or more ratings, so that such a user is in both parts. A user with a
// single rating keeps it for training.
func heldOut(n int) int {
	if n < 2 {
		return 0
	}
	return min(max((2*n+5)/10, 1), n-1) // (2n+5)/10 is n/5 rounded half up
}

// splitByTime marks the last 20% of each user's ratings, ordered by
// timestamp, then by movie id, then by line, as test ratings.
func (r *ratings) splitByTime() {
	byUser := make([][]int32, len(r.users))
	for i, u := range r.user {
		byUser[u] = append(byUser[u], int32(i))
	}
	r.test = make([]bool, len(r.user))
	r.seq = make([]int32, len(r.user))
	for _, idx := range byUser {
		slices.SortStableFunc(idx, func(a, b int32) int {
			if c := cmp.Compare(r.time[a], r.time[b]); c != 0 {
				return c
			}
			return cmp.Compare(r.movie[a], r.movie[b])
		})
		for k, i := range idx {
			r.seq[i] = int32(k)
		}
		for _, i := range idx[len(idx)-heldOut(len(idx)):] {
			r.test[i] = true
		}
	}
}

// nest drops the held-out ratings and splits the rest by time again, by
// the same rule: the test part becomes the latest 20% of each user's
// training ratings, for choosing settings with the real test part set
// aside, the same way the test part is built from the training part. Ids
// stay those of the whole file.
func (r *ratings) nest() {
	keep := 0
	for i, t := range r.test {
		if !t {
			r.user[keep], r.movie[keep], r.rating[keep], r.time[keep], r.line[keep] = r.user[i], r.movie[i], r.rating[i], r.time[i], r.line[i]
			keep++
		}
	}
	r.user, r.movie, r.rating, r.time, r.line = r.user[:keep], r.movie[:keep], r.rating[:keep], r.time[:keep], r.line[:keep]
	r.splitByTime()
}

// openMovieLens builds the click-prediction sets: every rating is an
// example with an f32 [N,1] target, 1 for a rating >= 4, and the i32
// inputs fields, three ids [user, U+movie, U+M+genre]; genres, the ids
// 1..NG of all the movie's genres, padded with 0 to the most any movie
// has; and year, the bucket of its release year (YearBucket), when the
// file has a year column. A model takes those of them it declares.
func openMovieLens(s, path string) (*Split, error) {
	r, err := readRatings(s, path)
	if err != nil {
		return nil, err
	}
	nu, nm := int32(len(r.users)), int32(len(r.movies))
	vocab := len(r.users) + len(r.movies) + len(r.genres)
	ng := 0 // the most genres of a movie
	for _, gs := range r.movieGenres {
		ng = max(ng, len(gs))
	}
	// Every id of every input lies in [0, vocab): the genres' and the
	// years' id spaces are far smaller than the fields' but in a tiny file.
	vocab = max(vocab, len(r.genreNames)+1)
	if r.hasYear {
		vocab = max(vocab, YearBuckets)
	}
	build := func(test bool, part string) *Dataset {
		var ids, group, seq, genres, years []int32
		var y []float32
		for i := range r.user {
			if r.test[i] != test {
				continue
			}
			m := r.movie[i]
			ids = append(ids, r.user[i], nu+m, nu+nm+r.movieGenre[m])
			group, seq = append(group, r.user[i]), append(seq, r.seq[i])
			k := len(genres)
			genres = append(genres, make([]int32, ng)...)
			copy(genres[k:], r.movieGenres[m])
			years = append(years, r.movieYear[m])
			click := float32(0)
			if r.rating[i] >= ClickThreshold {
				click = 1
			}
			y = append(y, click)
		}
		inputs := []Named{{Name: "fields", T: tensor.FromI32(ids, len(y), 3)}, {Name: "genres", T: tensor.FromI32(genres, len(y), ng)}}
		if r.hasYear {
			inputs = append(inputs, Named{Name: "year", T: tensor.FromI32(years, len(y), 1)})
		}
		return &Dataset{
			Name:   s + " (" + part + ")",
			Inputs: inputs,
			Target: tensor.FromF32(y, len(y), 1),
			Task:   Binary,
			Vocab:  vocab,
			Group:  group,
			Seq:    seq,
			Rank:   10, // each user's examples ranked: HR@10, NDCG@10
		}
	}
	return &Split{Train: build(false, "train"), Test: build(true, "test")}, nil
}

// openAutoRec builds the I-AutoRec sets over U users: one example per
// movie. The training part holds the movies with a training rating: input
// f32 [U], the movie's training ratings by each user (0 for none), and the
// same ratings as the target with NaN for none. The test part holds the
// movies with a test rating: the same input (training ratings), and the
// test ratings as the target, NaN elsewhere. Examples are in movie id order.
func openAutoRec(s, path string) (*Split, error) {
	r, err := readRatings(s, path)
	if err != nil {
		return nil, err
	}
	nu, nm := len(r.users), len(r.movies)
	// Each (user, movie) pair may be rated once: a second rating would
	// overwrite the first in the rating vectors.
	seen := make(map[int64]int32, len(r.user))
	for i := range r.user {
		if r.rating[i] <= 0 {
			return nil, fmt.Errorf("%s:%d: rating %v; AutoRec's inputs use 0 for no rating, so ratings must be positive", path, r.line[i], r.rating[i])
		}
		key := int64(r.user[i])*int64(nm) + int64(r.movie[i])
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("%s:%d: user %d rates movie %d a second time (first on line %d)", path, r.line[i], r.users[r.user[i]], r.movies[r.movie[i]], prev)
		}
		seen[key] = r.line[i]
	}
	// Which movies each part holds, and each movie's example (row) there.
	inTrain := make([]bool, nm)
	inTest := make([]bool, nm)
	for i := range r.user {
		if r.test[i] {
			inTest[r.movie[i]] = true
		} else {
			inTrain[r.movie[i]] = true
		}
	}
	rowOf := func(in []bool) ([]int32, int) {
		row := make([]int32, nm)
		n := 0
		for m := range in {
			row[m] = -1
			if in[m] {
				row[m] = int32(n)
				n++
			}
		}
		return row, n
	}
	trainRow, ntrain := rowOf(inTrain)
	testRow, ntest := rowOf(inTest)
	nan := float32(math.NaN())
	xTrain := make([]float32, ntrain*nu)
	yTrain := make([]float32, ntrain*nu)
	xTest := make([]float32, ntest*nu)
	yTest := make([]float32, ntest*nu)
	for i := range yTrain {
		yTrain[i] = nan
	}
	for i := range yTest {
		yTest[i] = nan
	}
	for i := range r.user {
		u, m := int(r.user[i]), r.movie[i]
		if r.test[i] {
			yTest[int(testRow[m])*nu+u] = r.rating[i]
			continue
		}
		k := int(trainRow[m])*nu + u
		xTrain[k], yTrain[k] = r.rating[i], r.rating[i]
		if j := testRow[m]; j >= 0 {
			xTest[int(j)*nu+u] = r.rating[i]
		}
	}
	part := func(x, y []float32, n int, name string) *Dataset {
		return &Dataset{
			Name:   s + " (" + name + ")",
			Inputs: []Named{{Name: "", T: tensor.FromF32(x, n, nu)}},
			Target: tensor.FromF32(y, n, nu),
			Task:   Regression,
		}
	}
	return &Split{Train: part(xTrain, yTrain, ntrain, "train"), Test: part(xTest, yTest, ntest, "test")}, nil
}
