package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/internal/opcases"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// TestStraightThrough checks the fake-quantization ops' gradients against
// the straight-through rule, worked out here from the int8 grid and not
// from ir's helpers: dout where the operand lies inside the grid's real
// interval [S(-128 - Z), S(127 - Z)] (a weight's grid always holds it), 0
// outside. Every activation case has elements on both sides.
func TestStraightThrough(t *testing.T) {
	for _, c := range opcases.All() {
		if !c.StraightThrough {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			v, data, err := c.Build(rng)
			if err != nil {
				t.Fatal(err)
			}
			out := tensor.New(tensor.F32, v.Type.Shape(c.Batch)...)
			dout := tensor.New(tensor.F32, v.Type.Shape(c.Batch)...)
			for i := range dout.F32 {
				dout.F32[i] = float32(rng.NormFloat64())
			}
			ctx := newCtx(c.Training, 2)
			if err := exec.KernelOf(v.Op)(ctx, v, data, out); err != nil {
				t.Fatal(err)
			}
			din := make([]*tensor.Tensor, len(data))
			din[0] = tensor.New(tensor.F32, data[0].Shape...)
			GradientOf(v.Op)(ctx, v, data, out, dout, din)

			lo, hi := math.Inf(-1), math.Inf(1)
			if v.Op == ir.OpFakeQuant {
				// The range after the forward pass's update.
				rlo, rhi := math.Min(float64(data[1].F32[0]), 0), math.Max(float64(data[2].F32[0]), 0)
				s := float64(float32((rhi - rlo) / 255))
				z := math.Max(-128, math.Min(127, math.Round(-128-rlo/s)))
				lo, hi = s*(-128-z), s*(127-z)
			}
			inside, outside := 0, 0
			for i, x := range data[0].F32 {
				want := float32(0)
				if float64(x) >= lo-1e-6 && float64(x) <= hi+1e-6 {
					want = dout.F32[i]
					inside++
				} else {
					outside++
				}
				if din[0].F32[i] != want {
					t.Errorf("element %d (x = %g, grid [%g, %g]): gradient %g, want %g", i, x, lo, hi, din[0].F32[i], want)
				}
			}
			if inside == 0 || (v.Op == ir.OpFakeQuant && outside == 0) {
				t.Errorf("%d elements inside the grid, %d outside: the case checks too little", inside, outside)
			}
		})
	}
}

// TestFakeQuantByHand: the range [-1, 2] gives S = 3/255 and Z = -43, a
// grid exactly over [-1, 2]; values round to multiples of S and clamp.
func TestFakeQuantByHand(t *testing.T) {
	x := []float32{-1.5, -1, 0, 0.005, 0.01, 1.999, 2.5}
	y := make([]float32, len(x))
	ir.FakeQuant(x, -1, 2, y)
	s := float32(3.0 / 255)
	want := []float32{-85 * s, -85 * s, 0, 0, s, 170 * s, 170 * s}
	for i := range x {
		if math.Abs(float64(y[i]-want[i])) > 1e-6 {
			t.Errorf("fake_quant(%g) over [-1, 2] = %g, want %g", x[i], y[i], want[i])
		}
	}
	// 4-bit weights: 7 levels each side, per row.
	w := []float32{0.7, -0.36, 0.1, 0, 1.4, 0.33}
	q := make([]float32, len(w))
	ir.FakeQuantWeight(w, []int{2, 3}, 0, 4, q)
	wantW := []float32{0.7, -0.4, 0.1, 0, 1.4, 0.4}
	for i := range w {
		if math.Abs(float64(q[i]-wantW[i])) > 1e-6 {
			t.Errorf("fake_quant_weight bits=4 element %d: %g, want %g", i, q[i], wantW[i])
		}
	}
}

// TestFakeQuantRangeTracking: in training the range starts at the first
// batch's extremes, then moves by decay towards each batch's, and stays
// once freeze steps have run.
func TestFakeQuantRangeTracking(t *testing.T) {
	g := ir.NewGraph("t")
	x := g.AddInput("x", ir.Batched(tensor.F32, 2), source.Pos{})
	lo := g.AddParam("x.qat_min", ir.Unbatched(tensor.F32, 1), source.Pos{})
	hi := g.AddParam("x.qat_max", ir.Unbatched(tensor.F32, 1), source.Pos{})
	v, err := g.AddOp("y", ir.OpFakeQuant, []*ir.Value{x, lo, hi}, ir.Attrs{"decay": 0.5, "freeze": 2}, source.Pos{})
	if err != nil {
		t.Fatal(err)
	}
	r := []*tensor.Tensor{nil, tensor.New(tensor.F32, 1), tensor.New(tensor.F32, 1)}
	out := tensor.New(tensor.F32, 1, 2)
	ctx := exec.NewCtx(true, 0)
	for step, want := range [][2]float32{{-1, 4}, {-2, 3}, {-2, 3}} {
		r[0] = &tensor.Tensor{DType: tensor.F32, Shape: []int{1, 2}, F32: []float32{-1 - 2*float32(step), 4 - 2*float32(step)}}
		if err := exec.KernelOf(ir.OpFakeQuant)(ctx, v, r, out); err != nil {
			t.Fatal(err)
		}
		if got := [2]float32{r[1].F32[0], r[2].F32[0]}; got != want {
			t.Errorf("after step %d: range %v, want %v", step+1, got, want)
		}
	}
}
