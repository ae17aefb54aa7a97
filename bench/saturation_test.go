package main

import (
	"math"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/train"
)

// TestFirstLayerSaturation sets a dense layer's weights so that exactly
// the full pairs of its first unit clamp, and checks the counts and the
// output shift against the arithmetic done by hand.
func TestFirstLayerSaturation(t *testing.T) {
	p, err := frontend.Compile("d.kiln", []byte("model d {\n  input x: f32[5]\n  output y = dense(x, 2)\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 1)
	set := testmodels.Synthetic(g, 16, 2)
	feed, err := train.NewFeed(g, set, train.Sample(set.Len(), 0, 0), 16)
	if err != nil {
		t.Fatal(err)
	}
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Quantized, Calibration: &passes.Calibration{Data: feed, Method: "minmax"}})
	if err != nil {
		t.Fatal(err)
	}
	q := r.Graph
	var layer = q.Values[0]
	for _, v := range q.Values {
		if v.Op.Name == "qdense" {
			layer = v
		}
	}
	w := layer.Args[1]
	// Unit 0: 127 everywhere, so with inputs of 127 (255 as uint8) each
	// full pair sums to 64770 and clamps to 32767; the fifth product,
	// alone in its pair, does not. Unit 1: 1 everywhere, never clamps.
	for i := range 5 {
		w.Data.I8[i], w.Data.I8[5+i] = 127, 1
	}
	s, ok := firstLayerSaturation(q, []int8{127, 127, 127, 127, 127}, nil)
	if !ok {
		t.Fatal("no first dense layer found")
	}
	sw := w.Quant.Scale[0]
	want := 2 * float64(64770-32767) * float64(layer.Args[0].Quant.Scale[0]) * float64(sw) / float64(layer.Quant.Scale[0])
	if s.pairs != 6 || s.saturated != 2 || math.Abs(s.worst-want) > 1e-6*want {
		t.Errorf("got %d pairs, %d clamped, worst %g LSB; want 6, 2, %g", s.pairs, s.saturated, s.worst, want)
	}
	// A float sample is quantized first: the largest float the input's
	// parameters map to 127 gives the same result.
	x := layer.Args[0]
	f := float32(127-x.Quant.Zero[0]) * x.Quant.Scale[0]
	if s2, _ := firstLayerSaturation(q, nil, []float32{f, f, f, f, f}); s2 != s {
		t.Errorf("float sample: got %+v, want %+v", s2, s)
	}
}
