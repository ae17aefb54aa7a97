package train

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/tensor"
)

// TestFeed feeds a two-input model from a data set that holds its inputs
// in the other order: batches come in graph order, of the examples asked
// for, the last one short.
func TestFeed(t *testing.T) {
	g := compile(t, `model two {
  input a: f32[2]
  input b: f32[1]
  output y = dense(a, 1) + b
}
`)
	n := 7
	a, b := tensor.New(tensor.F32, n, 2), tensor.New(tensor.F32, n, 1)
	for i := 0; i < n; i++ {
		a.F32[2*i], a.F32[2*i+1], b.F32[i] = float32(10*i), float32(10*i+1), float32(-i)
	}
	set := &data.Dataset{Name: "pairs", Inputs: []data.Named{{Name: "b", T: b}, {Name: "a", T: a}}}
	idx := []int{6, 0, 3, 5, 1}
	f, err := NewFeed(g, set, idx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 5 {
		t.Errorf("Len() = %d, want 5", f.Len())
	}
	var got []int
	var sizes []int
	err = f.Each(func(in []*tensor.Tensor) error {
		if len(in) != 2 || in[0].Shape[1] != 2 || in[1].Shape[1] != 1 {
			t.Fatalf("inputs %v are not in graph order", in)
		}
		sizes = append(sizes, in[0].Shape[0])
		for i := 0; i < in[0].Shape[0]; i++ {
			ex := int(in[0].F32[2*i]) / 10
			if in[1].F32[i] != float32(-ex) {
				t.Errorf("example %d: input b holds %g", ex, in[1].F32[i])
			}
			got = append(got, ex)
		}
		return nil
	})
	if err != nil || !slices.Equal(got, idx) || !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Errorf("examples %v in batches %v (error %v), want %v in batches of 2, 2, 1", got, sizes, err, idx)
	}
	// A model that takes fewer inputs than the set holds takes its own.
	one := compile(t, "model one {\n  input b: f32[1]\n  output y = dense(b, 1)\n}\n")
	fb, err := NewFeed(one, set, []int{4}, 2)
	if err != nil {
		t.Fatal(err)
	}
	fb.Each(func(in []*tensor.Tensor) error {
		if len(in) != 1 || in[0].F32[0] != -4 {
			t.Errorf("a one-input model of a two-input set is fed %v", in)
		}
		return nil
	})

	stop := errors.New("stop")
	calls := 0
	if err := f.Each(func([]*tensor.Tensor) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("Each went on after an error: %v after %d calls", err, calls)
	}

	for _, c := range []struct {
		set   *data.Dataset
		idx   []int
		batch int
		want  string
	}{
		{set, idx, 0, "the batch size must be positive"},
		{set, []int{1, 7}, 4, "pairs has 7 examples, there is no example 7"},
		{set, []int{-1}, 4, "there is no example -1"},
		{&data.Dataset{Name: "one", Inputs: []data.Named{{Name: "a", T: a}}}, idx, 4, "one holds 1 input, model two takes 2"},
		{&data.Dataset{Name: "three", Inputs: []data.Named{{Name: "a", T: a}, {Name: "c", T: a}, {Name: "d", T: a}}}, idx, 4, "three has no data for input b (it holds a, c, d)"},
	} {
		if _, err := NewFeed(g, c.set, c.idx, c.batch); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
}

// TestSample: all examples in order when asked for none or too many, else
// a reproducible subset of distinct examples.
func TestSample(t *testing.T) {
	if got := Sample(4, 0, 1); !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("Sample(4, 0) = %v", got)
	}
	if got := Sample(4, 9, 1); !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("Sample(4, 9) = %v", got)
	}
	s := Sample(100, 10, 1)
	if len(s) != 10 || !slices.Equal(s, Sample(100, 10, 1)) || slices.Equal(s, Sample(100, 10, 2)) {
		t.Errorf("Sample(100, 10) = %v: not 10 examples, or not reproducible, or the same for another seed", s)
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != 10 || sorted[0] < 0 || sorted[9] >= 100 {
		t.Errorf("Sample(100, 10) = %v: not distinct examples of the set", s)
	}
}
