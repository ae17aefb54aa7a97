// MovieLens ratings as watch histories, for candidate generation in the
// manner of YouTube's deep candidate generation (Covington, Adams and
// Sargin, RecSys 2016): predict the next movie a user watches from the
// movies watched before (watches:FILE).

package data

import (
	"cmp"
	"slices"

	"github.com/kiln-nn/kiln/tensor"
)

// WatchHistory is the number of past watches an example of the watches
// form carries: a user's most recent ones.
const WatchHistory = 50

// openWatches builds the candidate-generation sets over M movies. Every
// rating counts as a watch, whatever its value. Each user's watches are
// ordered as the per-user time split orders them (by time, then movie).
//
// The training part has an example for every training watch but a user's
// first: input history, i32 [WatchHistory], the WatchHistory watches
// before it as movie ids plus one (most recent first), padded with 0; the
// target, the watched movie's id in [0, M). Its examples are ranked
// against the movies not in their history, and say their user and place
// in time (Group, Seq), so that a validation part can take each user's
// latest (train.Validation's ByTime). The test part has an example
// for every held-out watch: the history is the user's last WatchHistory
// training watches, the target the held-out movie. Test examples are
// ranked against every movie the user did not watch in training
// (Exclude), and popularity, the number of training watches of each
// movie, is scored beside the model (Prior; the training part carries it
// too, for a validation part carved from it).
func openWatches(s, path string) (*Split, error) {
	r, err := readRatings(s, path)
	if err != nil {
		return nil, err
	}
	nm := len(r.movies)
	byUser := make([][]int32, len(r.users)) // rating indices, in split order
	for i, u := range r.user {
		byUser[u] = append(byUser[u], int32(i))
	}
	for _, idx := range byUser {
		slices.SortStableFunc(idx, func(a, b int32) int {
			if c := cmp.Compare(r.time[a], r.time[b]); c != 0 {
				return c
			}
			return cmp.Compare(r.movie[a], r.movie[b])
		})
	}

	// history writes the movies (plus one) of watched[max(0, n-L):n], most
	// recent first, into dst, zero padded.
	history := func(dst []int32, watched []int32, n int) {
		for k := range dst {
			dst[k] = 0
			if j := n - 1 - k; j >= 0 {
				dst[k] = r.movie[watched[j]] + 1
			}
		}
	}
	popularity := make([]float32, nm)
	var trainX, trainY, testX, testY, group, seq []int32
	var trainExclude, exclude [][]int32
	hist := make([]int32, WatchHistory)
	for _, idx := range byUser {
		var watched []int32 // this user's training watches
		for _, i := range idx {
			if !r.test[i] {
				watched = append(watched, i)
			}
		}
		for n := 1; n < len(watched); n++ {
			history(hist, watched, n)
			trainX = append(trainX, hist...)
			trainY = append(trainY, r.movie[watched[n]])
			group = append(group, r.user[watched[n]])
			seq = append(seq, int32(n-1))
			seen := make([]int32, 0, min(n, WatchHistory))
			for _, id := range hist {
				if id > 0 {
					seen = append(seen, id-1)
				}
			}
			slices.Sort(seen)
			trainExclude = append(trainExclude, slices.Compact(seen))
		}
		seen := make([]int32, 0, len(watched))
		for _, i := range watched {
			popularity[r.movie[i]]++
			seen = append(seen, r.movie[i])
		}
		slices.Sort(seen)
		seen = slices.Compact(seen)
		history(hist, watched, len(watched))
		for _, i := range idx {
			if r.test[i] {
				testX = append(testX, hist...)
				testY = append(testY, r.movie[i])
				exclude = append(exclude, seen) // shared by the user's examples
			}
		}
	}
	part := func(x, y []int32, name string) *Dataset {
		return &Dataset{
			Name:    s + " (" + name + ")",
			Inputs:  []Named{{Name: "history", T: tensor.FromI32(x, len(y), WatchHistory)}},
			Target:  tensor.FromI32(y, len(y)),
			Task:    Classification,
			Classes: nm,
			Vocab:   nm + 1,
			Rank:    10,
		}
	}
	train, test := part(trainX, trainY, "train"), part(testX, testY, "test")
	train.Group, train.Seq, train.Exclude, train.Prior = group, seq, trainExclude, popularity
	test.Exclude, test.Prior = exclude, popularity
	return &Split{Train: train, Test: test}, nil
}
