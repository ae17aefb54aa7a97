package data

import (
	"math"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

func smallSet() *Dataset {
	return &Dataset{
		Name: "toy (train)",
		Inputs: []Named{
			{Name: "img", T: tensor.FromF32([]float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 2, 2)},
			{Name: "ids", T: tensor.FromI32([]int32{1, 2, 3, 4, 5, 6}, 3, 2)},
		},
		Target:  tensor.FromI32([]int32{2, 0, 1}, 3),
		Task:    Classification,
		Classes: 3,
	}
}

func TestCheck(t *testing.T) {
	if err := smallSet().Check(); err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	cases := []struct {
		name string
		edit func(d *Dataset)
		want string
	}{
		{"no examples", func(d *Dataset) {
			d.Inputs = d.Inputs[:1]
			d.Inputs[0].T = tensor.New(tensor.F32, 0, 2, 2)
			d.Target = tensor.New(tensor.I32, 0)
		}, "toy (train) holds no examples"},
		{"no inputs", func(d *Dataset) { d.Inputs = nil }, "toy (train) has no inputs"},
		{"no target", func(d *Dataset) { d.Target = nil }, "toy (train) has no targets"},
		{"count", func(d *Dataset) { d.Target = tensor.FromI32([]int32{0, 1}, 2) }, "toy (train): input img holds 3 examples, the targets 2"},
		{"NaN", func(d *Dataset) { d.Inputs[0].T.F32[7] = nan }, "toy (train): input img: NaN at example 1, element 3 ([1,1])"},
		{"Inf", func(d *Dataset) { d.Inputs[0].T.F32[0] = -inf }, "toy (train): input img: -Inf at example 0, element 0 ([0,0])"},
		{"NaN unnamed", func(d *Dataset) {
			d.Inputs = []Named{{Name: "", T: tensor.FromF32([]float32{1, 2, 3, 4, 5, inf}, 3, 2)}}
		}, "toy (train): input: +Inf at example 2, element 1"},
		{"NaN per-example scalar", func(d *Dataset) {
			d.Inputs = []Named{{Name: "", T: tensor.FromF32([]float32{1, nan, 3}, 3)}}
		}, "toy (train): input: NaN at example 1"},
		{"class range", func(d *Dataset) { d.Target.I32[1] = 3 }, "toy (train): the target of example 1 is class 3, outside [0, 3)"},
		{"negative class", func(d *Dataset) { d.Target.I32[2] = -1 }, "the target of example 2 is class -1"},
		{"classes", func(d *Dataset) { d.Classes = 0 }, "classification with 0 classes"},
		{"labels", func(d *Dataset) { d.Labels = []string{"a"} }, "1 class labels for 3 classes"},
		{"class dtype", func(d *Dataset) { d.Target = tensor.FromF32([]float32{0, 1, 2}, 3) }, "classification targets are f32[3], want class ids, i32[N]"},
		{"unnamed of two", func(d *Dataset) { d.Inputs[1].Name = "" }, "input 2 of 2 has no name"},
		{"duplicate", func(d *Dataset) { d.Inputs[1].Name = "img" }, "input img appears twice"},
		{"nil input", func(d *Dataset) { d.Inputs[1].T = nil }, "input ids has no data"},
		{"malformed", func(d *Dataset) { d.Inputs[0].T.F32 = d.Inputs[0].T.F32[:5] }, "input img: f32[3,2,2] tensor holds 5 elements, want 12"},
		{"scalar input", func(d *Dataset) { d.Inputs[1].T = tensor.FromI32([]int32{1}) }, "input ids is a scalar"},
		{"vocab", func(d *Dataset) { d.Vocab = 6 }, "toy (train): input ids: id 6 at example 2, element 1 is outside the vocabulary [0, 6)"},
		{"binary values", func(d *Dataset) {
			d.Task, d.Target = Binary, tensor.FromF32([]float32{0, 1, 0.5}, 3, 1)
		}, "toy (train): the target of example 2 is 0.5; binary targets are 0 or 1"},
		{"binary shape", func(d *Dataset) {
			d.Task, d.Target = Binary, tensor.FromF32([]float32{0, 1, 0, 1, 1, 1}, 3, 2)
		}, "binary targets are f32[3,2], want f32[N] or f32[N,1]"},
		{"regression inf", func(d *Dataset) {
			d.Task, d.Target = Regression, tensor.FromF32([]float32{nan, 1, 0, 1, inf, 1}, 3, 2)
		}, "target +Inf at example 2, element 0 (NaN marks a missing target"},
		{"regression all NaN", func(d *Dataset) {
			d.Task, d.Target = Regression, tensor.FromF32([]float32{nan, nan, nan}, 3)
		}, "toy (train) holds no targets: every one is NaN"},
		{"regression dtype", func(d *Dataset) { d.Task = Regression }, "regression targets are i32[3], want f32"},
		{"task", func(d *Dataset) { d.Task = 0 }, "unknown task 0"},
	}
	for _, c := range cases {
		d := smallSet()
		c.edit(d)
		err := d.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	// Valid variants.
	for name, edit := range map[string]func(d *Dataset){
		"binary [N]":   func(d *Dataset) { d.Task, d.Target = Binary, tensor.FromF32([]float32{0, 1, 1}, 3) },
		"binary [N,1]": func(d *Dataset) { d.Task, d.Target = Binary, tensor.FromF32([]float32{0, 1, 1}, 3, 1) },
		"masked":       func(d *Dataset) { d.Task, d.Target = Regression, tensor.FromF32([]float32{nan, 1, nan}, 3) },
		"vocab":        func(d *Dataset) { d.Vocab = 7 },
		"labels":       func(d *Dataset) { d.Labels = []string{"a", "b", "c"} },
	} {
		d := smallSet()
		edit(d)
		if err := d.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFirstNonFinite(t *testing.T) {
	for n := range 20 {
		for at := -1; at < n; at++ {
			s := make([]float32, n)
			for i := range s {
				s[i] = float32(i) - 3.5
			}
			if at >= 0 {
				s[at] = float32(math.NaN())
				if at+1 < n {
					s[at+1] = float32(math.Inf(-1))
				}
			}
			if got := firstNonFinite(s); got != at {
				t.Errorf("n=%d, NaN at %d: got %d", n, at, got)
			}
		}
	}
	if got := firstNonFinite([]float32{math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32}); got != -1 {
		t.Errorf("finite extremes: got %d", got)
	}
}

func TestBatch(t *testing.T) {
	d := smallSet()
	in := []*tensor.Tensor{tensor.New(tensor.F32, 2, 2, 2), tensor.New(tensor.I32, 2, 2)}
	y := tensor.New(tensor.I32, 2)
	d.Batch([]int{2, 0}, in, y)
	if want := tensor.FromF32([]float32{8, 9, 10, 11, 0, 1, 2, 3}, 2, 2, 2); !tensor.Equal(in[0], want) {
		t.Errorf("img: got %v", in[0].F32)
	}
	if want := tensor.FromI32([]int32{5, 6, 1, 2}, 2, 2); !tensor.Equal(in[1], want) {
		t.Errorf("ids: got %v", in[1].I32)
	}
	if want := tensor.FromI32([]int32{1, 2}, 2); !tensor.Equal(y, want) {
		t.Errorf("target: got %v", y.I32)
	}
	// Reused destinations, a repeated index, and no target.
	d.Batch([]int{1, 1}, in, nil)
	if want := tensor.FromI32([]int32{3, 4, 3, 4}, 2, 2); !tensor.Equal(in[1], want) {
		t.Errorf("ids: got %v", in[1].I32)
	}
	if allocs := testing.AllocsPerRun(100, func() { d.Batch([]int{0, 2}, in, y) }); allocs != 0 {
		t.Errorf("Batch allocates %v times", allocs)
	}

	u8 := &Dataset{Name: "u8", Inputs: []Named{{T: &tensor.Tensor{DType: tensor.U8, Shape: []int{3}, U8: []uint8{7, 8, 9}}}},
		Target: tensor.FromF32([]float32{0.5, 1.5, 2.5}, 3, 1), Task: Regression}
	bu := &tensor.Tensor{DType: tensor.U8, Shape: []int{1}, U8: make([]uint8, 1)}
	by := tensor.New(tensor.F32, 1, 1)
	u8.Batch([]int{2}, []*tensor.Tensor{bu}, by)
	if bu.U8[0] != 9 || by.F32[0] != 2.5 {
		t.Errorf("u8 batch: %v %v", bu.U8, by.F32)
	}

	for name, f := range map[string]func(){
		"count": func() { d.Batch([]int{0}, in[:1], y) },
		"shape": func() { d.Batch([]int{0}, in, y) },
		"dtype": func() { d.Batch([]int{0, 1}, []*tensor.Tensor{in[1], in[1]}, y) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "data: Batch of toy (train)") {
					t.Errorf("%s: recovered %v", name, r)
				}
			}()
			f()
		}()
	}
}

func TestTaskString(t *testing.T) {
	for task, want := range map[Task]string{Classification: "classification", Binary: "binary", Regression: "regression", 9: "task(9)"} {
		if got := task.String(); got != want {
			t.Errorf("%d: %q", task, got)
		}
	}
}
