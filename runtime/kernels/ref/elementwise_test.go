// Conformance tests for Add and Mul, ported from TFLite Micro's add and mul
// tests and TFLite's mul tests, and checks of the Broadcast walk.

package ref

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// microAdd runs Add the way TFLite Micro's TestAddQuantized
// (micro/kernels/add_test.cc) sets it up: inputs quantized with
// round(f/S) + Z, parameters from CalculateOpDataAdd (fixedpoint.AddParams),
// the clamp from the activation; it returns the output and the expected
// Quantize(golden, S_out, Z_out), which TFLite compares exactly.
func microAdd(shape1, shape2 []int, in1, in2, golden []float32, scales [3]float32, zeros [3]int32, act string) (got, want []int8) {
	ls, m1, s1, m2, s2, mo, so := fixedpoint.AddParams(scales[0], scales[1], scales[2])
	lo, hi := fixedpoint.ActivationRange(act, scales[2], zeros[2])
	p := &AddParams{
		Input1Offset: -zeros[0], Input2Offset: -zeros[1], OutputOffset: zeros[2], LeftShift: ls,
		Input1: Requant{m1, s1}, Input2: Requant{m2, s2}, Output: Requant{mo, so},
		ActMin: lo, ActMax: hi,
	}
	got = make([]int8, len(golden))
	Add(p, numpyBroadcast(shape1, shape2), microQuantize(in1, scales[0], zeros[0]), microQuantize(in2, scales[1], zeros[1]), got)
	return got, microQuantize(golden, scales[2], zeros[2])
}

func TestAddTFLiteMicro(t *testing.T) {
	shape := []int{1, 2, 2, 1}
	in1 := []float32{-2.01, -1.01, -0.01, 0.98}
	in2 := []float32{1.01, 1.99, 2.99, 4.02}
	scales, zeros := [3]float32{0.25, 0.5, 1.0}, [3]int32{-10, 4, 13}

	// micro/kernels/add_test.cc :: AddTest.QuantizedAddNoActivationInt8
	got, want := microAdd(shape, shape, in1, in2, []float32{-1, 1, 3, 5}, scales, zeros, "none")
	expectExact(t, "QuantizedAddNoActivationInt8", got, want)

	// micro/kernels/add_test.cc :: AddTest.QuantizedAddActivationRelu1Int8
	got, want = microAdd(shape, shape, in1, in2, []float32{-1, 1, 1, 1}, scales, zeros, "relu_n1_to_1")
	expectExact(t, "QuantizedAddActivationRelu1Int8", got, want)

	shapes := [][]int{{6}, {2, 3}, {2, 1, 3}, {1, 3, 1, 2}}
	six1 := []float32{-2.0, 0.2, 0.7, 0.8, 1.1, 2.0}

	// micro/kernels/add_test.cc :: AddTest.QuantizedAddVariousInputShapesInt8
	for _, s := range shapes {
		got, want := microAdd(s, s, six1, []float32{0.1, 0.2, 0.3, 0.5, 1.1, 0.1},
			[]float32{-1.9, 0.4, 1.0, 1.3, 2.2, 2.1}, [3]float32{0.1, 0.05, 0.1}, [3]int32{-9, 5, 14}, "none")
		expectExact(t, fmt.Sprintf("QuantizedAddVariousInputShapesInt8 %v", s), got, want)
	}

	// micro/kernels/add_test.cc :: AddTest.QuantizedAddWithScalarBroadcastInt8
	for _, s := range shapes {
		got, want := microAdd(s, []int{}, six1, []float32{0.1},
			[]float32{-1.9, 0.3, 0.8, 0.9, 1.2, 2.1}, [3]float32{0.1, 0.05, 0.05}, [3]int32{-8, 4, 12}, "none")
		expectExact(t, fmt.Sprintf("QuantizedAddWithScalarBroadcastInt8 %v", s), got, want)
	}

	// micro/kernels/add_test.cc :: AddTest.QuantizedAddWithMixedBroadcastInt8
	input1 := []float32{-0.3, 2.3, 0.9, 0.5, 0.8, -1.1, 1.2, 2.8, -1.6, 0.0, 0.7, -2.2}
	input2 := []float32{0.2, 0.3, -0.4, 0.5, 1.0, 0.9}
	for i, c := range []struct {
		shape2 []int
		golden []float32
	}{
		{[]int{1, 1, 3, 2}, []float32{
			-0.1, 2.6, -0.7, 2.8, 0.7, 3.2, 1.1, 0.8, 0.5, 1.0, 1.9, 1.4,
			1.0, -0.8, 0.4, -0.6, 1.8, -0.2, 1.4, 3.1, 0.8, 3.3, 2.2, 3.7,
			-1.4, 0.3, -2.0, 0.5, -0.6, 0.9, 0.9, -1.9, 0.3, -1.7, 1.7, -1.3}},
		{[]int{1, 3, 1, 2}, []float32{-0.1, 2.6, 0.5, 1.0, 1.8, -0.2, 1.4, 3.1, -2.0, 0.5, 1.7, -1.3}},
		{[]int{2, 1, 3, 1}, []float32{
			-0.1, 2.5, 0.0, 2.6, -0.7, 1.9, 1.1, 0.7, 1.2, 0.8, 0.5, 0.1,
			1.0, -0.9, 1.1, -0.8, 0.4, -1.5, 1.7, 3.3, 2.2, 3.8, 2.1, 3.7,
			-1.1, 0.5, -0.6, 1.0, -0.7, 0.9, 1.2, -1.7, 1.7, -1.2, 1.6, -1.3}},
		{[]int{2, 3, 1, 1}, []float32{-0.1, 2.5, 1.2, 0.8, 0.4, -1.5, 1.7, 3.3, -0.6, 1.0, 1.6, -1.3}},
	} {
		got, want := microAdd([]int{2, 3, 1, 2}, c.shape2, input1, input2, c.golden,
			[3]float32{0.1, 0.05, 0.1}, [3]int32{-10, -5, 7}, "none")
		expectExact(t, fmt.Sprintf("QuantizedAddWithMixedBroadcastInt8 shape %d", i), got, want)
	}
}

// microMul runs Mul as TFLite Micro's TestMulQuantized
// (micro/kernels/mul_test.cc) sets it up: both inputs with the same scale
// and zero point, round(f/S) + Z; the multiplier is kiln's (TFLite's
// float32 expression). TFLite Micro accepts outputs within 1 of
// Quantize(golden).
func microMul(shape1, shape2 []int, in1, in2, golden []float32, sIn, sOut float32) (got, want []int8) {
	p := &MulParams{Output: requant(fixedpoint.MulMultiplier(sIn, sIn, sOut)), ActMin: -128, ActMax: 127}
	got = make([]int8, len(golden))
	Mul(p, numpyBroadcast(shape1, shape2), microQuantize(in1, sIn, 0), microQuantize(in2, sIn, 0), got)
	return got, microQuantize(golden, sOut, 0)
}

func TestMulTFLiteMicro(t *testing.T) {
	// micro/kernels/mul_test.cc :: MulTest.SimpleInt8NoActivationShouldMatchGolden.
	// Every product here is an exact multiple of S_out, so beyond TFLite's
	// tolerance of 1 the output is the quantized golden exactly.
	got, want := microMul([]int{1, 2, 2, 1}, []int{1, 2, 2, 1}, []float32{-0.8, 0.2, 0.9, 0.7},
		[]float32{0.6, 0.4, 0.9, 0.8}, []float32{-0.48, 0.08, 0.81, 0.56}, 0.01, 0.01)
	expectExact(t, "SimpleInt8NoActivationShouldMatchGolden", got, want)

	// micro/kernels/mul_test.cc :: MulTest.BroadcastInt8NoActivationShouldMatchGolden
	got, want = microMul([]int{1, 3, 1, 2}, []int{1}, []float32{-2.0, 0.2, 0.7, 0.8, 1.1, 2.0},
		[]float32{0.1}, []float32{-0.2, 0.02, 0.07, 0.08, 0.11, 0.2}, 0.05, 0.01)
	expectWithin(t, "BroadcastInt8NoActivationShouldMatchGolden", got, want, 1)
}

// tensorflow/lite/kernels/mul_test.cc :: QuantizedMulOpTest.NoActivationInt8
// (NoActivation and NoActivationLargeMultiplier): tensors quantized with
// QuantizationParams<int8_t> of their ranges, the dequantized output
// compared with the float result to within the test's tolerance.
func TestMulTFLite(t *testing.T) {
	const step = 2.0 / 255.0
	for _, c := range []struct {
		name             string
		inMin, inMax     float32
		outMin, outMax   float32
		in1, in2, golden []float32
		tolerance        float32
	}{
		{"NoActivation", -1, 1, -1, 1, []float32{-0.8, 0.2, 0.9, 0.7}, []float32{0.6, 0.4, 0.9, 0.8},
			[]float32{-0.48, 0.08, 0.81, 0.56}, 2*step + step*step},
		{"NoActivationLargeMultiplier", -100, 100, -10, 10, []float32{-4, 2, 3, 1}, []float32{-1, -3, 4, 2},
			[]float32{4, -6, 10, 2}, 1.4},
	} {
		sIn, zIn := tfliteQuantParams(c.inMin, c.inMax, -128, 127)
		sOut, zOut := tfliteQuantParams(c.outMin, c.outMax, -128, 127)
		p := &MulParams{Input1Offset: -zIn, Input2Offset: -zIn, OutputOffset: zOut,
			Output: requant(fixedpoint.MulMultiplier(sIn, sIn, sOut)), ActMin: -128, ActMax: 127}
		out := make([]int8, 4)
		shape := []int{1, 2, 2, 1}
		Mul(p, numpyBroadcast(shape, shape),
			toInt8(tfliteQuantize(c.in1, sIn, zIn, -128, 127)), toInt8(tfliteQuantize(c.in2, sIn, zIn, -128, 127)), out)
		for i, q := range out {
			if d := sOut*float32(int32(q)-zOut) - c.golden[i]; d > c.tolerance || d < -c.tolerance {
				t.Errorf("%s: output %d dequantizes to %v, want %v +- %v", c.name, i, sOut*float32(int32(q)-zOut), c.golden[i], c.tolerance)
			}
		}
	}
}

// Hand-checked: Add of a per-channel NCHW bias [C] broadcast over [N,C,H,W]
// (strides 0 on N, H, W), with scales that make every step exact.
func TestAddChannelBroadcastHandChecked(t *testing.T) {
	// S1 = S2 = S_out = 1, zero points 0: M1 = M2 = 0.5, Mout = 2^-19, so
	// out = round(((x*2^20)/2 + (y*2^20)/2) / 2^19) = x + y.
	ls, m1, s1, m2, s2, mo, so := fixedpoint.AddParams(1, 1, 1)
	p := &AddParams{LeftShift: ls, Input1: Requant{m1, s1}, Input2: Requant{m2, s2}, Output: Requant{mo, so}, ActMin: -128, ActMax: 127}
	b := &Broadcast{Shape: []int{2, 3, 1, 2}, XStrides: []int{6, 2, 2, 1}, YStrides: []int{0, 1, 0, 0}}
	x := ints8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 120)
	y := ints8(10, 20, 30)
	out := make([]int8, 12)
	Add(p, b, x, y, out)
	expectExact(t, "channel bias", out, ints8(10, 11, 22, 23, 34, 35, 16, 17, 28, 29, 40, 127))
}

// Add and Mul through a Broadcast equal Add and Mul on operands tiled to the
// full shape; the operands are also read through permuted strides
// (a transposed view), which the Broadcast walk supports.
func TestBroadcastWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	ls, m1, s1, m2, s2, mo, so := fixedpoint.AddParams(0.02, 0.03, 0.04)
	add := &AddParams{Input1Offset: 3, Input2Offset: -7, OutputOffset: 2, LeftShift: ls,
		Input1: Requant{m1, s1}, Input2: Requant{m2, s2}, Output: Requant{mo, so}, ActMin: -120, ActMax: 120}
	mul := &MulParams{Input1Offset: 3, Input2Offset: -7, OutputOffset: 2,
		Output: requant(fixedpoint.MulMultiplier(0.02, 0.03, 0.04)), ActMin: -120, ActMax: 120}
	for i := range 100 {
		rank := 1 + rng.IntN(4)
		full := make([]int, rank)
		xs, ys := make([]int, rank), make([]int, rank)
		for d := range rank {
			full[d] = 1 + rng.IntN(4)
			xs[d], ys[d] = full[d], full[d]
			if rng.IntN(3) == 0 {
				xs[d] = 1
			} else if rng.IntN(3) == 0 {
				ys[d] = 1
			}
		}
		b := numpyBroadcast(xs, ys)
		x, y := randInt8s(rng, product(xs)), randInt8s(rng, product(ys))
		n := product(full)
		tiledX, tiledY := make([]int8, n), make([]int8, n)
		for o := range n {
			xi, yi := b.offsets(o)
			tiledX[o], tiledY[o] = x[xi], y[yi]
		}
		plain := numpyBroadcast(full, full)
		for _, op := range []struct {
			name string
			run  func(*Broadcast, []int8, []int8, []int8)
		}{
			{"Add", func(b *Broadcast, x, y, out []int8) { Add(add, b, x, y, out) }},
			{"Mul", func(b *Broadcast, x, y, out []int8) { Mul(mul, b, x, y, out) }},
		} {
			got, want := make([]int8, n), make([]int8, n)
			op.run(b, x, y, got)
			op.run(plain, tiledX, tiledY, want)
			expectExact(t, fmt.Sprintf("%s case %d %v x %v", op.name, i, xs, ys), got, want)
		}
	}
	// A transposed view: x holds a 3x4 matrix row-major, read as its 4x3
	// transpose.
	x := randInt8s(rng, 12)
	y := randInt8s(rng, 12)
	b := &Broadcast{Shape: []int{4, 3}, XStrides: []int{1, 4}, YStrides: []int{3, 1}}
	got := make([]int8, 12)
	Mul(mul, b, x, y, got)
	xt := transpose4(x, [4]int{1, 1, 3, 4}, [4]int{0, 1, 3, 2})
	want := make([]int8, 12)
	Mul(mul, numpyBroadcast([]int{4, 3}, []int{4, 3}), xt, y, want)
	expectExact(t, "transposed view", got, want)
}

func product(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func TestElementwiseChecks(t *testing.T) {
	ok := numpyBroadcast([]int{2, 3}, []int{3})
	x, y, out := make([]int8, 6), make([]int8, 3), make([]int8, 6)
	mul := &MulParams{Output: Requant{1 << 30, 0}, ActMin: -128, ActMax: 127}
	for _, c := range []struct {
		name string
		b    *Broadcast
		out  []int8
	}{
		{"strides beyond y", &Broadcast{Shape: []int{2, 3}, XStrides: []int{3, 1}, YStrides: []int{3, 1}}, out},
		{"missing strides", &Broadcast{Shape: []int{2, 3}, XStrides: []int{3}, YStrides: []int{0, 1}}, out},
		{"negative stride", &Broadcast{Shape: []int{2, 3}, XStrides: []int{3, -1}, YStrides: []int{0, 1}}, out},
		{"short output", ok, out[:5]},
	} {
		if !panics(func() { Mul(mul, c.b, x, y, c.out) }) {
			t.Errorf("%s: Mul did not panic", c.name)
		}
	}
	add := &AddParams{LeftShift: 20, Input1: Requant{1 << 30, 1}, ActMin: -128, ActMax: 127}
	if !panics(func() { Add(add, ok, x, y, out) }) {
		t.Error("Add with a positive rescale shift did not panic")
	}
	if panics(func() { Mul(mul, ok, x, y, out) }) {
		t.Error("valid Mul panicked")
	}
}
