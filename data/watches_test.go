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
	// The year of the history's last watch: every time in the file is in
	// 1970, before 1996.
	wantTensor(t, "train when", tr.Inputs[1].T, tensor.FromI32([]int32{0, 0}, 2, 1))
	wantTensor(t, "test when", te.Inputs[1].T, tensor.FromI32([]int32{0, 0, 0}, 3, 1))
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

// A training example's history ends within a quarter of the label's
// place before it, at more than one place for a long history, and keeps
// at least one watch.
func TestHorizonCut(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 7, 8, 40, 200} {
		cuts := map[int]bool{}
		for u := range int32(50) {
			c := horizonCut(u, n, 0)
			if c < max(1, n-n/4) || c > n {
				t.Fatalf("user %d, watch %d: cut at %d, outside [%d, %d]", u, n, c, max(1, n-n/4), n)
			}
			cuts[c] = true
		}
		if n >= 8 && len(cuts) < 2 {
			t.Errorf("watch %d: every user's history cut at the same place", n)
		}
		// A label's further cuts are drawn on their own.
		own := map[int]bool{}
		for c := range maxWatchCuts {
			own[horizonCut(7, n, c)] = true
		}
		if n >= 8 && len(own) < 2 {
			t.Errorf("watch %d: every cut of user 7's label at the same place", n)
		}
		if n < 4 && (len(cuts) != 1 || !cuts[n]) {
			t.Errorf("watch %d: cuts %v, want the watch itself", n, cuts)
		}
	}
}

func TestWatchYear(t *testing.T) {
	for _, c := range []struct {
		unix int64
		want int32
	}{
		{0, 0},                       // 1970
		{820454399, 0},               // 1995-12-31 23:59:59 UTC
		{820454400, 1},               // 1996-01-01
		{1451606400, 21},             // 2016-01-01
		{1577836800, WatchYears - 1}, // 2020
		{4102444800, WatchYears - 1}, // 2100
	} {
		if got := WatchYear(c.unix); got != c.want {
			t.Errorf("WatchYear(%d) = %d, want %d", c.unix, got, c.want)
		}
	}
}

// split=nested drops the held-out watches and splits the rest again by
// the same rule: user 10 (5, 20, 50 for training) now trains on 5 and 20
// and holds out 50; users 3 and 7, down to one watch each, only train.
// Classes and ids stay those of the whole file.
func TestOpenWatchesNested(t *testing.T) {
	p := writeFile(t, filepath.Join(t.TempDir(), "r.csv"), []byte(ratingsCSV))
	s, err := Open("watches:"+p+"?split=nested", "/ignored")
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	if tr.Classes != 5 || tr.Vocab != 6 {
		t.Errorf("classes %d, vocab %d, want the whole file's 5 and 6", tr.Classes, tr.Vocab)
	}
	hist := func(ids ...int32) []int32 {
		h := make([]int32, WatchHistory)
		copy(h, ids)
		return h
	}
	wantTensor(t, "train history", tr.Inputs[0].T, tensor.FromI32(hist(1), 1, WatchHistory))
	wantTensor(t, "train targets", tr.Target, tensor.FromI32([]int32{1}, 1))
	wantTensor(t, "test history", te.Inputs[0].T, tensor.FromI32(hist(2, 1), 1, WatchHistory))
	wantTensor(t, "test targets", te.Target, tensor.FromI32([]int32{2}, 1))
	if len(te.Exclude) != 1 || !slices.Equal(te.Exclude[0], []int32{0, 1}) {
		t.Errorf("test exclusions %v, want [[0 1]]", te.Exclude)
	}
	if !slices.Equal(te.Prior, []float32{2, 2, 0, 0, 0}) {
		t.Errorf("popularity %v, want [2 2 0 0 0]: the held-out watches are not counted", te.Prior)
	}
	// The default, and split=time, are the ordinary split.
	for _, spec := range []string{"watches:" + p, "watches:" + p + "?split=time"} {
		s, err := Open(spec, "/ignored")
		if err != nil {
			t.Fatal(err)
		}
		if n := s.Test.Len(); n != 3 {
			t.Errorf("%s: %d test examples, want 3", spec, n)
		}
	}
}

func TestWatchesOptionErrors(t *testing.T) {
	p := writeFile(t, filepath.Join(t.TempDir(), "r.csv"), []byte(ratingsCSV))
	for opts, want := range map[string]string{
		"split=nestd":        `split must be time or nested, got "nestd" (did you mean nested?)`,
		"split":              `option "split" is not KEY=VALUE (keys: split, cuts)`,
		"split=":             `option "split=" is not KEY=VALUE`,
		"window=128":         `unknown option window (keys: split, cuts)`,
		"cut=2":              `unknown option cut (did you mean cuts?)`,
		"split=time&x":       `option "x" is not KEY=VALUE`,
		"cuts=2&cuts=3":      `option cuts is given twice`,
		"cuts=0":             `cuts must be a number of examples a watch gives, 1 to 64, got "0"`,
		"cuts=65":            `got "65"`,
		"cuts=two":           `got "two"`,
		"split=nested&cuts=": `option "cuts=" is not KEY=VALUE`,
	} {
		_, err := Open("watches:"+p+"?"+opts, "/ignored")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("?%s: error %v, want one containing %q", opts, err, want)
		}
	}
}

// cuts=3 gives each training label three examples at one place in time;
// user 10's first two labels follow one and two watches, too few to cut
// anywhere but right before them, so the three are alike. The test part
// is the same.
func TestOpenWatchesCuts(t *testing.T) {
	p := writeFile(t, filepath.Join(t.TempDir(), "r.csv"), []byte(ratingsCSV))
	s, err := Open("watches:"+p+"?cuts=3&split=time", "/ignored")
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Train
	wantTensor(t, "train targets", tr.Target, tensor.FromI32([]int32{1, 1, 1, 2, 2, 2}, 6))
	if !slices.Equal(tr.Seq, []int32{0, 0, 0, 1, 1, 1}) || !slices.Equal(tr.Group, []int32{2, 2, 2, 2, 2, 2}) {
		t.Errorf("groups %v, places %v", tr.Group, tr.Seq)
	}
	if len(tr.Exclude) != 6 || !slices.Equal(tr.Exclude[5], []int32{0, 1}) {
		t.Errorf("training exclusions %v", tr.Exclude)
	}
	if n := s.Test.Len(); n != 3 {
		t.Errorf("%d test examples, want 3", n)
	}
}
