// MovieLens ratings as watch histories, for candidate generation in the
// manner of YouTube's deep candidate generation (Covington, Adams and
// Sargin, RecSys 2016): predict the next movie a user watches from the
// movies watched before (watches:FILE).

package data

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/kiln-nn/kiln/internal/suggest"
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
// before a cut at most a quarter of the user's earlier watches before it
// (horizonCut) as movie ids plus one (most recent first), padded with 0;
// input when, i32 [1], the calendar year of the history's last watch
// (WatchYear); the target, the watched movie's id in [0, M). Its examples are ranked
// against the movies not in their history, and say their user and place
// in time (Group, Seq), so that a validation part can take each user's
// latest (train.Validation's ByTime). The test part has an example
// for every held-out watch: the history is the user's last WatchHistory
// training watches, when the year of the last of them, the target the
// held-out movie. Test examples are
// ranked against every movie the user did not watch in training
// (Exclude), and popularity, the number of training watches of each
// movie, is scored beside the model (Prior; the training part carries it
// too, for a validation part carved from it).
// o.Nested and o.Cuts change both, as watchOptions says.
func openWatches(s, path string, o watchOptions) (*Split, error) {
	r, err := readRatings(s, path)
	if err != nil {
		return nil, err
	}
	if o.Nested {
		r.nest()
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
	var trainX, trainY, testX, testY, group, seq, trainWhen, testWhen []int32
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
			for c := range o.Cuts {
				cut := horizonCut(r.user[watched[n]], n, c)
				history(hist, watched, cut)
				trainX = append(trainX, hist...)
				trainY = append(trainY, r.movie[watched[n]])
				trainWhen = append(trainWhen, WatchYear(r.time[watched[cut-1]]))
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
				testWhen = append(testWhen, WatchYear(r.time[watched[len(watched)-1]]))
				testY = append(testY, r.movie[i])
				exclude = append(exclude, seen) // shared by the user's examples
			}
		}
	}
	part := func(x, y, when []int32, name string) *Dataset {
		return &Dataset{
			Name: s + " (" + name + ")",
			Inputs: []Named{
				{Name: "history", T: tensor.FromI32(x, len(y), WatchHistory)},
				{Name: "when", T: tensor.FromI32(when, len(y), 1)},
			},
			Target:  tensor.FromI32(y, len(y)),
			Task:    Classification,
			Classes: nm,
			Vocab:   nm + 1,
			Rank:    10,
		}
	}
	train, test := part(trainX, trainY, trainWhen, "train"), part(testX, testY, testWhen, "test")
	train.Group, train.Seq, train.Exclude, train.Prior = group, seq, trainExclude, popularity
	test.Exclude, test.Prior = exclude, popularity
	return &Split{Train: train, Test: test}, nil
}

// watchOptions are the options after a watches form's "?", KEY=VALUE
// separated by "&".
type watchOptions struct {
	// Nested (split=nested; split=time is the default) sets the real
	// test part aside: the held-out ratings are dropped and the training
	// ratings split again by time, so that the test part is built from the
	// rest exactly as the real one is built from the training part.
	Nested bool
	// Cuts (cuts=N, default 1) is the number of training examples each
	// training watch gives: the same label after N histories, each cut at
	// a place drawn on its own (horizonCut), so that the model sees a label
	// from several distances while every label weighs the same.
	Cuts int
}

// maxWatchCuts bounds the cuts option.
const maxWatchCuts = 64

// parseWatchesOptions reads a watches form's options (watchOptions).
func parseWatchesOptions(spec, opts string) (watchOptions, error) {
	o := watchOptions{Cuts: 1}
	splits := []string{"time", "nested"}
	err := parseOptions(spec, opts, []string{"split", "cuts"}, func(k, v string) error {
		if k == "split" {
			if !slices.Contains(splits, v) {
				return fmt.Errorf("split must be time or nested, got %q%s", v, suggest.DidYouMean(v, splits))
			}
			o.Nested = v == "nested"
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxWatchCuts {
			return fmt.Errorf("cuts must be a number of examples a watch gives, 1 to %d, got %q", maxWatchCuts, v)
		}
		o.Cuts = n
		return nil
	})
	return o, err
}

// horizonCut is where the history of a training example whose label is a
// user's watch n ends: up to a quarter of the n watches before it, drawn
// from a hash of the user, n and c (the example's number among the
// label's cuts), so that the label lies within a horizon after the
// history as a held-out watch lies after the user's training watches (the test part holds a quarter as many watches as the training
// part), not always right after it. The cut keeps at least one watch.
func horizonCut(user int32, n, c int) int {
	h := uint64(user)<<32 | uint64(n)
	h ^= uint64(c) << 56 // c = 0 keeps the cut of a label seen once
	h ^= h >> 33         // a splitmix64 finaliser
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return max(1, n-int(h%uint64(n/4+1)))
}

// WatchYears is the size of the when input's id space: 0 for before 1996,
// then one id per calendar year, the last for 2020 and later.
const WatchYears = 26

// WatchYear is the id of the calendar year (UTC) of a Unix time, the when
// input of the watches form: the year of the history's last watch, which a
// service knows when it asks for candidates, as YouTube's model is told
// the age of its training examples so that it learns what is watched when.
func WatchYear(unix int64) int32 {
	return int32(min(max(time.Unix(unix, 0).UTC().Year()-1995, 0), WatchYears-1))
}
