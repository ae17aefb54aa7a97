// MovieLens ratings as explicit rating prediction (ratings:FILE): every
// rating is an example, the user and the movie its inputs, the rating its
// target. The per-user time split is movielens:FILE's.

package data

import (
	"github.com/kiln-nn/kiln/tensor"
)

// Input names of the ratings:FILE sets, which a model's inputs take.
const (
	RatingsUser  = "user"
	RatingsMovie = "movie"
)

// openRatings builds the rating-prediction sets: every rating is an example
// with two named i32 [N,1] inputs, user and movie (the dense indices
// readRatings assigns: users [0,U), movies [0,M), each in sorted order of
// the raw id), and an f32 [N,1] target, the rating. Examples are in file
// order; Group and Seq are each example's user and its place among the
// user's ratings in time, for a validation part split by time. Vocab is
// max(U, M), a bound on both kinds of id; a model's two embedding tables
// need U and M rows.
func openRatings(s, path string) (*Split, error) {
	r, err := readRatings(s, path)
	if err != nil {
		return nil, err
	}
	vocab := max(len(r.users), len(r.movies))
	build := func(test bool, part string) *Dataset {
		var users, movies, seq []int32
		var y []float32
		for i := range r.user {
			if r.test[i] != test {
				continue
			}
			users = append(users, r.user[i])
			movies = append(movies, r.movie[i])
			seq = append(seq, r.seq[i])
			y = append(y, r.rating[i])
		}
		n := len(y)
		return &Dataset{
			Name: s + " (" + part + ")",
			Inputs: []Named{
				{Name: RatingsUser, T: tensor.FromI32(users, n, 1)},
				{Name: RatingsMovie, T: tensor.FromI32(movies, n, 1)},
			},
			Target: tensor.FromF32(y, n, 1),
			Task:   Regression,
			Vocab:  vocab,
			Group:  users,
			Seq:    seq,
		}
	}
	return &Split{Train: build(false, "train"), Test: build(true, "test")}, nil
}
