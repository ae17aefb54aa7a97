package tests

import (
	"os"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/compress"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/passes"
)

// TestVMSharedWeights builds a model whose layer weights are shared and
// snapped to their int8 grid as compress.Share leaves them (pruned to
// half, 4 bits for the convolutions, 3 for the dense layers): the
// quantizer must give each one scale, int8 values that dequantize to the
// centroids exactly and at most 2^bits of them, and the VM must match
// the reference executor bit for bit on both kernel sets.
func TestVMSharedWeights(t *testing.T) {
	const src = `model shared {
  input x: f32[3, 10, 10]
  c = relu(conv2d(x, 8, kernel=3, pad=1))
  d = conv2d(c, 8, kernel=3, groups=8, stride=2)
  h = relu(dense(flatten(d), 24))
  output y = dense(h, 5)
}
`
	p, err := frontend.Compile("shared.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 1)
	bits := map[string]int{}
	centroids := map[string][]float32{}
	for _, w := range compress.LayerWeights(g) {
		compress.Apply(w.Data.F32, compress.MagnitudeMask(w.Data.F32, 0.5))
		bits[w.Name] = 3
		if w.Type.Rank() > 2 {
			bits[w.Name] = 4
		}
		c, a := compress.KMeans(w.Data.F32, 1<<bits[w.Name], 30)
		compress.Snap(c)
		for i, k := range a {
			if k >= 0 {
				w.Data.F32[i] = c[k]
			}
		}
		centroids[w.Name] = c
	}
	set := testmodels.Synthetic(g, 96, 2)
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode,
		Calibration: &passes.Calibration{Data: testmodels.Feed(g, set, 32), Method: "minmax"}})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range centroids {
		q := r.Graph.Lookup(name + ".q")
		if q == nil || len(q.Quant.Scale) != 1 {
			t.Fatalf("%s: quantized as %v, want one scale", name, q)
		}
		s := q.Quant.Scale[0]
		codes := map[int8]bool{}
		for _, k := range q.Data.I8 {
			codes[k] = true
			if x := float32(k) * s; k != 0 && !contains(c, x) {
				t.Errorf("%s: int8 %d times %g is %g, no centroid of %v", name, k, s, x, c)
			}
		}
		if len(codes) > 1<<bits[name]+1 { // the centroids and the pruned zero
			t.Errorf("%s: %d int8 values for %d bits", name, len(codes), bits[name])
		}
	}
	checkBitExact(t, built{name: "shared", float: r.Float, quant: r.Graph, kbc: r.Bytecode}, 5, 16)
}

func contains(c []float32, x float32) bool {
	for _, y := range c {
		if y == x {
			return true
		}
	}
	return false
}

// TestVMPerTensorWeights quantizes LeNet-5 (random weights) with one
// scale a weight (passes.Quantization.PerTensorWeights, kiln quantize
// --per-tensor): every weight gets one scale, and the VM matches the
// reference executor bit for bit on both kernel sets.
func TestVMPerTensorWeights(t *testing.T) {
	src, err := os.ReadFile("../examples/lenet5.kiln")
	if err != nil {
		t.Fatal(err)
	}
	p, err := frontend.Compile("lenet5.kiln", src)
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 3)
	set := testmodels.Synthetic(g, 64, 4)
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode,
		Calibration:  &passes.Calibration{Data: testmodels.Feed(g, set, 32), Method: "minmax"},
		Quantization: &passes.Quantization{PerTensorWeights: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range compress.LayerWeights(g) {
		if q := r.Graph.Lookup(w.Name + ".q"); q == nil || len(q.Quant.Scale) != 1 {
			t.Fatalf("%s: quantized as %v, want one scale", w.Name, q)
		}
	}
	checkBitExact(t, built{name: "lenet5 per-tensor", float: r.Float, quant: r.Graph, kbc: r.Bytecode}, 5, 16)
}
