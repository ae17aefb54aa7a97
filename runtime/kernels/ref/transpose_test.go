package ref

import (
	"slices"
	"strings"
	"testing"
)

// TestTransposeHandChecked checks Transpose on values worked out by hand.
func TestTransposeHandChecked(t *testing.T) {
	for _, c := range []struct {
		name    string
		p       TransposeParams
		x, want []int8
	}{
		{"rank 1", TransposeParams{N: 2, Dims: []int{3}, Perm: []int{0}},
			[]int8{1, 2, 3, -4, -5, -6}, []int8{1, 2, 3, -4, -5, -6}},
		// [[1 2 3] [4 5 6]] -> [[1 4] [2 5] [3 6]], and the second example.
		{"rank 2", TransposeParams{N: 2, Dims: []int{2, 3}, Perm: []int{1, 0}},
			[]int8{1, 2, 3, 4, 5, 6, -128, 127, 0, -1, 10, 20},
			[]int8{1, 4, 2, 5, 3, 6, -128, -1, 127, 10, 0, 20}},
		// x[a][b][c] = 10b + c with dims [1, 2, 3]; perm [2, 0, 1]:
		// out[c][a][b] = x[a][b][c].
		{"rank 3", TransposeParams{N: 1, Dims: []int{1, 2, 3}, Perm: []int{2, 0, 1}},
			[]int8{0, 1, 2, 10, 11, 12}, []int8{0, 10, 1, 11, 2, 12}},
		{"rank 3 swap last two", TransposeParams{N: 1, Dims: []int{2, 2, 2}, Perm: []int{0, 2, 1}},
			[]int8{0, 1, 10, 11, 100, 101, 110, 111}, []int8{0, 10, 1, 11, 100, 110, 101, 111}},
	} {
		out := make([]int8, len(c.x))
		Transpose(&c.p, c.x, out)
		if !slices.Equal(out, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, out, c.want)
		}
	}
}

// TestTransposeInverse checks that the inverse permutation undoes every
// permutation of rank 1 to 4, on values that are all distinct.
func TestTransposeInverse(t *testing.T) {
	r := oracleRand{7}
	for rank := 1; rank <= 4; rank++ {
		for _, perm := range permutations(rank) {
			dims := make([]int, rank)
			elems := 1
			for i := range dims {
				dims[i] = 1 + r.intn(4)
				elems *= dims[i]
			}
			n := 1 + r.intn(3)
			x := make([]int8, n*elems)
			for i := range x {
				x[i] = int8(r.intn(256) - 128)
			}
			inv := make([]int, rank)
			out := make([]int, rank)
			for k, a := range perm {
				inv[a] = k
				out[k] = dims[a]
			}
			y, back := make([]int8, len(x)), make([]int8, len(x))
			Transpose(&TransposeParams{N: n, Dims: dims, Perm: perm}, x, y)
			Transpose(&TransposeParams{N: n, Dims: out, Perm: inv}, y, back)
			if !slices.Equal(back, x) {
				t.Fatalf("dims %v perm %v: the inverse gives %v, want %v", dims, perm, back, x)
			}
		}
	}
}

func TestCheckPerm(t *testing.T) {
	for _, c := range []struct {
		perm []int
		rank int
		want string
	}{
		{[]int{1, 0}, 2, ""},
		{[]int{0}, 2, "perm [0] has 1 entry for 2 axes"},
		{[]int{0, 0}, 2, "names axis 0 twice"},
		{[]int{0, 2}, 2, "names axis 2, outside [0, 2)"},
		{[]int{-1, 0}, 2, "names axis -1"},
	} {
		err := CheckPerm(c.perm, c.rank)
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckPerm(%v, %d) = %v, want %q", c.perm, c.rank, err, c.want)
		}
	}
}

// permutations lists every permutation of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}
