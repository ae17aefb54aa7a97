package data

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

// The watches form of ratingsCSV (see movielens_test.go): users 3, 7, 10
// are 0-2, movies 5, 20, 50, 300, 1000 are classes 0-4 and history ids
// 1-5. User 10 trains on 5, 20, 50 (in time order) and holds out 300;
// user 3 trains on 20 and holds out 50; user 7 trains on 5 and holds out
// 1000.
func TestOpenWatches(t *testing.T) {
	p := writeFile(t, filepath.Join(t.TempDir(), "r.csv"), []byte(ratingsCSV))
	s, err := Open("watches:"+p, "/ignored")
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	if tr.Task != Classification || tr.Classes != 5 || tr.Vocab != 6 || tr.Rank != 10 || tr.Inputs[0].Name != "history" {
		t.Errorf("train: task %v, classes %d, vocab %d, rank %d, input %q", tr.Task, tr.Classes, tr.Vocab, tr.Rank, tr.Inputs[0].Name)
	}
	hist := func(ids ...int32) []int32 {
		h := make([]int32, WatchHistory)
		copy(h, ids)
		return h
	}
	// User 10's second and third watches, after one and two watches, the
	// most recent first.
	wantTensor(t, "train history", tr.Inputs[0].T, tensor.FromI32(slices.Concat(hist(1), hist(2, 1)), 2, WatchHistory))
	wantTensor(t, "train targets", tr.Target, tensor.FromI32([]int32{1, 2}, 2))
	// One test example per held-out watch, in user order, after the user's
	// whole training history.
	wantTensor(t, "test history", te.Inputs[0].T, tensor.FromI32(slices.Concat(hist(2), hist(1), hist(3, 2, 1)), 3, WatchHistory))
	wantTensor(t, "test targets", te.Target, tensor.FromI32([]int32{2, 4, 3}, 3))
	wantExclude := [][]int32{{1}, {0}, {0, 1, 2}}
	for i, l := range te.Exclude {
		if !slices.Equal(l, wantExclude[i]) {
			t.Errorf("test example %d excludes %v, want %v", i, l, wantExclude[i])
		}
	}
	if !slices.Equal(te.Prior, []float32{2, 2, 1, 0, 0}) {
		t.Errorf("popularity %v, want [2 2 1 0 0]", te.Prior)
	}
	// Training examples exclude their history and say their user and
	// place in time.
	if len(tr.Exclude) != 2 || !slices.Equal(tr.Exclude[0], []int32{0}) || !slices.Equal(tr.Exclude[1], []int32{0, 1}) || !slices.Equal(tr.Prior, te.Prior) {
		t.Errorf("training exclusions %v, prior %v", tr.Exclude, tr.Prior)
	}
	if !slices.Equal(tr.Group, []int32{2, 2}) || !slices.Equal(tr.Seq, []int32{0, 1}) {
		t.Errorf("groups %v, places %v", tr.Group, tr.Seq)
	}
}

func TestCheckRanking(t *testing.T) {
	base := func() *Dataset {
		return &Dataset{
			Name:    "r",
			Inputs:  []Named{{T: tensor.FromI32([]int32{0, 1}, 2, 1)}},
			Target:  tensor.FromI32([]int32{0, 2}, 2),
			Task:    Classification,
			Classes: 3,
			Rank:    2,
			Exclude: [][]int32{{1, 2}, nil},
			Prior:   []float32{1, 2, 3},
		}
	}
	if err := base().Check(); err != nil {
		t.Fatal(err)
	}
	grouped := base()
	grouped.Task, grouped.Target, grouped.Exclude, grouped.Prior, grouped.Group = Binary, tensor.FromF32([]float32{0, 1}, 2), nil, nil, []int32{4, 4}
	if err := grouped.Check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		edit func(d *Dataset)
		want string
	}{
		{"rank", func(d *Dataset) { d.Rank = 0 }, "rank above 0"},
		{"task", func(d *Dataset) { d.Task, d.Target = Regression, tensor.FromF32([]float32{0, 1}, 2) }, "classification set"},
		{"binary prior", func(d *Dataset) { d.Task, d.Target = Binary, tensor.FromF32([]float32{0, 1}, 2) }, "classification set, or a binary set with groups"},
		{"binary groups", func(d *Dataset) {
			d.Task, d.Target, d.Exclude, d.Prior, d.Group = Binary, tensor.FromF32([]float32{0, 1}, 2), nil, nil, []int32{0}
		}, "a group per example (1 for 2 examples)"},
		{"lists", func(d *Dataset) { d.Exclude = d.Exclude[:1] }, "1 exclusion lists for 2 examples"},
		{"order", func(d *Dataset) { d.Exclude[0] = []int32{2, 1} }, "out of order"},
		{"range", func(d *Dataset) { d.Exclude[1] = []int32{3} }, "out of [0, 3)"},
		{"prior", func(d *Dataset) { d.Prior = d.Prior[:2] }, "a prior of 2 scores for 3 classes"},
	} {
		d := base()
		c.edit(d)
		err := d.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
	}
}
