package runtime_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/internal/testbuild"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/tensor"
)

// transposeModel is a model of one transpose of an input of dims by perm.
func transposeModel(dims, perm []int) string {
	list := func(l []int) string { return strings.Trim(strings.Join(strings.Fields(fmt.Sprint(l)), ", "), "[]") }
	return fmt.Sprintf("model t {\n  input x: f32[%s]\n  output y = transpose(x, perm=[%s])\n}\n", list(dims), list(perm))
}

// TestTransposeVMBitExact builds a transpose of random shapes of rank 1
// to 4 (random permutations) and of every permutation of rank 3, and runs
// each on the VM against the integer reference executor: batches of 1
// and 7, every output bit equal.
func TestTransposeVMBitExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type shape struct{ dims, perm []int }
	var shapes []shape
	for rank := 1; rank <= 4; rank++ {
		for range 3 {
			dims := make([]int, rank)
			for i := range dims {
				dims[i] = 1 + r.IntN(6)
			}
			shapes = append(shapes, shape{dims, r.Perm(rank)})
		}
	}
	for _, perm := range [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		shapes = append(shapes, shape{[]int{3, 4, 5}, perm})
	}
	for _, s := range shapes {
		src := transposeModel(s.dims, s.perm)
		res, err := testbuild.Compile("t.kiln", []byte(src), nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		m, err := runtime.Load(res.Bytecode, nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		for _, n := range []int{1, 7} {
			set := testmodels.Synthetic(res.Float, n, uint64(n))
			x := set.Inputs[0].T
			want, err := ir.Run(res.Graph, map[string]*tensor.Tensor{res.Graph.Inputs()[0].Name: x})
			if err != nil {
				t.Fatal(err)
			}
			got := []runtime.Value{{F32: make([]float32, len(x.F32))}}
			sess, err := m.NewSession(n)
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.Run([]runtime.Value{{F32: x.F32}}, got); err != nil {
				t.Fatal(err)
			}
			sess.Close()
			for i, w := range want[0].F32 {
				if math.Float32bits(w) != math.Float32bits(got[0].F32[i]) {
					t.Fatalf("dims %v perm %v, batch %d: element %d: VM %v, reference %v", s.dims, s.perm, n, i, got[0].F32[i], w)
				}
			}
		}
	}
}

// TestTransposeBadPerm: a .kbc whose TRANSPOSE holds a perm that is not a
// permutation of its input's axes (an axis twice, one out of range, a
// negative one) is a load error that names it, not a panic.
func TestTransposeBadPerm(t *testing.T) {
	res, err := testbuild.Compile("t.kiln", []byte(transposeModel([]int{2, 3, 4}, []int{2, 0, 1})), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := kbc.Decode(res.Bytecode, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.Load(res.Bytecode, nil); err != nil {
		t.Fatal(err)
	}
	var perm *kbc.Tensor
	for _, in := range f.Code {
		if in.Op == kbc.OpTranspose {
			perm = &f.Tensors[in.Tensors[2]]
		}
	}
	if perm == nil || perm.Store != kbc.StoreConst {
		t.Fatal("no TRANSPOSE with a constant perm in the file")
	}
	for _, c := range []struct {
		perm []int32
		want string
	}{
		{[]int32{2, 0, 2}, "names axis 2 twice"},
		{[]int32{0, 1, 3}, "names axis 3, outside [0, 3)"},
		{[]int32{-1, 0, 1}, "names axis -1"},
		{[]int32{1 << 30, 0, 1}, "outside [0, 3)"},
	} {
		g := *f
		g.Const = append([]byte{}, f.Const...)
		for k, a := range c.perm {
			binary.LittleEndian.PutUint32(g.Const[perm.Offset+4*k:], uint32(a))
		}
		_, err = runtime.Load(kbc.Encode(&g), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("perm %v: Load says %v, want an error with %q", c.perm, err, c.want)
		}
	}
}
