package runtime_test

import (
	"slices"
	"testing"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/runtime"
)

// TestOutputsInPlace: Run computes an output in the caller's slice only
// where that changes nothing the caller can see. Where an output's slice
// is also an input's, or another output's, Run gives what computing into
// a slice of its own and copying afterwards gives: the inputs are read as
// they were passed, and of two outputs in one slice the later one stays
// (y). kiln's compiler quantizes each input just before its first use
// and dequantizes the outputs last, in order, which hides most mistakes
// here; so the test runs the file also with y's DEQUANTIZE moved up to
// where h is computed, before b is read and before z is written.
func TestOutputsInPlace(t *testing.T) {
	e, err := compileExample("twin.kiln", []byte(`model twin {
  input a: f32[16]
  input b: f32[16]
  h = dense(a, 16)
  output z = dense(b + h, 16)
  output y = h
}
`))
	if err != nil {
		t.Fatal(err)
	}
	f, err := kbc.Decode(e.kbc, false)
	if err != nil {
		t.Fatal(err)
	}
	last := len(f.Code) - 1
	if f.Code[1].Op != kbc.OpDense || f.Code[last].Op != kbc.OpDequantize || f.Code[last].Tensors[1] != f.Code[1].Tensors[0] {
		t.Fatalf("the file's code is not DENSE h at 1 and DEQUANTIZE h last: %v", f.Code)
	}
	early := *f
	early.Code = slices.Insert(slices.Clone(f.Code[:last]), 2, f.Code[last])
	// h now lives from instruction 2 to the end: it gets bytes of its own.
	early.Tensors = slices.Clone(f.Tensors)
	h := &early.Tensors[f.Code[last].Tensors[0]]
	h.Offset = early.Arena
	early.Arena += 64
	files := map[string][]byte{"as compiled": e.kbc, "y dequantized early": kbc.Encode(&early)}
	for _, threads := range []int{1, 2} {
		for name, file := range files {
			t.Run(name, func(t *testing.T) { inPlace(t, e, file, threads) })
		}
	}

	// A file whose two outputs are one tensor: both slices get it.
	twice := *f
	twice.Outputs = []int{f.Outputs[1], f.Outputs[1]}
	m := load(t, kbc.Encode(&twice), nil)
	const n = 3
	s := session(t, m, n)
	got := outputs(m, n)
	if err := s.Run(e.inputs(n), got); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(got[0].F32, make([]float32, len(got[0].F32))) || !slices.Equal(got[0].F32, got[1].F32) {
		t.Errorf("one tensor as two outputs: %v and %v", got[0].F32[:4], got[1].F32[:4])
	}
}

func inPlace(t *testing.T, e example, file []byte, threads int) {
	{
		m := load(t, file, &runtime.Options{Threads: threads})
		const n = 4
		in := e.inputs(n)
		s := session(t, m, n)
		want := outputs(m, n)
		if err := s.Run(in, want); err != nil {
			t.Fatal(err)
		}
		a, b := in[0].F32, in[1].F32

		// y in b's slice: b must be read before y is written.
		bb := slices.Clone(b)
		z := make([]float32, len(b))
		if err := s.Run([]runtime.Value{{F32: a}, {F32: bb}}, []runtime.Value{{F32: z}, {F32: bb}}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(z, want[0].F32) || !slices.Equal(bb, want[1].F32) {
			t.Errorf("threads %d: y written over input b: z %v, y %v; want %v, %v", threads, z[:4], bb[:4], want[0].F32[:4], want[1].F32[:4])
		}

		// z and y in one slice: y, the later output, stays.
		zy := make([]float32, len(b))
		if err := s.Run(in, []runtime.Value{{F32: zy}, {F32: zy}}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(zy, want[1].F32) {
			t.Errorf("threads %d: z and y in one slice hold %v, want y %v", threads, zy[:4], want[1].F32[:4])
		}

		// Apart, each in place, and the same again on the next Run.
		for range 2 {
			got := outputs(m, n)
			if err := s.Run(in, got); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if !slices.Equal(got[i].F32, want[i].F32) {
					t.Errorf("threads %d: output %d = %v, want %v", threads, i, got[i].F32[:4], want[i].F32[:4])
				}
			}
		}
	}
}
