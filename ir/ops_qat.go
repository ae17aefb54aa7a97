package ir

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/tensor"
)

// Fake quantization for quantization-aware training (Jacob et al., 2018):
// float ops that round their operand to the values the int8 build will
// give it, with the same arithmetic (fixedpoint.QuantizeValue and
// QuantizeParams for activations, the quantize pass's per-channel
// symmetric rule for weights), so that training sees the int8 model's
// rounding. Their gradient is straight-through (package train). They have
// no integer form: a model trained with them is built from its float
// form, with the learned ranges in place of calibration.

// OpFakeQuantWeight rounds a weight to symmetric int8 per output channel.
var OpFakeQuantWeight = Register(&Op{
	Name:     "fake_quant_weight",
	Doc:      "a weight rounded to its symmetric per-channel int8 grid (scale max|w_c| / (2^(bits-1) - 1)) and back, for quantization-aware training",
	Operands: []Operand{{Name: "w", Param: true}},
	Attrs: []AttrSpec{
		{Name: "axis", Kind: AttrInt, Default: 0, Doc: "the channel axis, one scale per index along it"},
		{Name: "bits", Kind: AttrInt, Default: 8, Doc: "2 to 8: the grid has 2^(bits-1) - 1 levels each side of 0"},
		{Name: "per_tensor", Kind: AttrBool, Default: false, Doc: "one scale for the whole weight (max|w| / levels), as a build with per-tensor weights uses, in place of one per channel"},
	},
	Canon: func(in []Type, a Attrs) error {
		ax, err := normAxis("fake_quant_weight", a.Int("axis"), in[0].Rank())
		a["axis"] = ax
		return err
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		if err := needF32("fake_quant_weight", "weight", in[0]); err != nil {
			return Type{}, err
		}
		if in[0].Batched {
			return Type{}, fmt.Errorf("fake_quant_weight: the weight must be a parameter, not a batched value")
		}
		if _, err := normAxis("fake_quant_weight", a.Int("axis"), in[0].Rank()); err != nil {
			return Type{}, err
		}
		if b := a.Int("bits"); b < 2 || b > 8 {
			return Type{}, fmt.Errorf("fake_quant_weight: bits=%d is outside [2, 8]", b)
		}
		return in[0], nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		dims, axis := FakeQuantWeightGrid(v.Type.Dims, v.Attrs)
		FakeQuantWeight(in[0].F32, dims, axis, v.Attrs.Int("bits"), out.F32)
		return nil
	},
	WeightView: true,
	NoInteger:  "fake quantization only simulates int8 in training; build the model's float form with the learned ranges",
})

// OpFakeQuant rounds an activation to asymmetric int8 over a range
// [min, max] that training tracks (a moving average of the batches'
// extremes, in the exec kernel) and inference reads.
var OpFakeQuant = Register(&Op{
	Name: "fake_quant",
	Doc:  "an activation rounded to the asymmetric int8 grid the quantize pass chooses for the range [min, max] and back, for quantization-aware training; training moves the range towards the batches' extremes",
	Operands: []Operand{{Name: "x"},
		{Name: "min", Param: true, State: true, Init: InitZeros},
		{Name: "max", Param: true, State: true, Init: InitZeros}},
	Attrs: []AttrSpec{
		{Name: "decay", Kind: AttrFloat, Default: 0.99, Doc: "in training, range = decay * range + (1 - decay) * the batch's extremes"},
		{Name: "freeze", Kind: AttrInt, Default: 0, Doc: "training steps after which the range stays as it is (0: never)"},
		{Name: "track", Kind: AttrBool, Default: true, Doc: "false: the range given stays as it is (a value whose int8 parameters the kernel fixes, such as a sigmoid's)"},
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		if err := needF32("fake_quant", "input", in[0]); err != nil {
			return Type{}, err
		}
		for i, role := range []string{"min", "max"} {
			if t := in[1+i]; t.DType != tensor.F32 || t.Batched || t.Elems() != 1 {
				return Type{}, fmt.Errorf("fake_quant: %s must be one float32 number, got %v", role, t)
			}
		}
		if d := a.Float("decay"); !(d >= 0 && d < 1) {
			return Type{}, fmt.Errorf("fake_quant: decay=%g is outside [0, 1)", d)
		}
		if a.Int("freeze") < 0 {
			return Type{}, fmt.Errorf("fake_quant: freeze=%d is negative", a.Int("freeze"))
		}
		return in[0], nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		FakeQuant(in[0].F32, in[1].F32[0], in[2].F32[0], out.F32)
		return nil
	},
	NoInteger: "fake quantization only simulates int8 in training; build the model's float form with the learned ranges",
})

// WeightLevels is the largest integer of a symmetric weight grid of the
// given bits: 2^(bits-1) - 1 (127 for 8 bits, 7 for 4).
func WeightLevels(bits int) int { return 1<<(bits-1) - 1 }

// weightScales returns, per channel along axis, max|w_c| / levels in
// float32 as the quantize pass computes it (1 for a channel of zeros).
func weightScales(w []float32, dims []int, axis, levels int) []float32 {
	ch, inner := dims[axis], prod(dims[axis+1:])
	m := make([]float64, ch)
	for i, x := range w {
		c := (i / inner) % ch
		m[c] = math.Max(m[c], math.Abs(float64(x)))
	}
	s := make([]float32, ch)
	for c := range s {
		s[c] = float32(m[c] / float64(levels))
		if !(s[c] > 0) || math.IsInf(float64(s[c]), 0) {
			s[c] = 1
		}
	}
	return s
}

// FakeQuantWeightGrid returns the shape and channel axis a
// fake_quant_weight with attributes a rounds a weight of shape dims by:
// dims and its axis, or for per_tensor one channel, [1, elements].
func FakeQuantWeightGrid(dims []int, a Attrs) ([]int, int) {
	if a.Bool("per_tensor") {
		return []int{1, prod(dims)}, 0
	}
	return dims, a.Int("axis")
}

// FakeQuantWeight writes into out the weight w (of shape dims) rounded to
// its symmetric grid per channel along axis: s_c = max|w_c| / L with
// L = WeightLevels(bits), out = clamp(round(w / s_c), -L, L) * s_c, the
// rounding the quantize pass applies to an 8-bit weight.
func FakeQuantWeight(w []float32, dims []int, axis, bits int, out []float32) {
	levels := WeightLevels(bits)
	s := weightScales(w, dims, axis, levels)
	ch, inner := dims[axis], prod(dims[axis+1:])
	for i, x := range w {
		sc := float64(s[(i/inner)%ch])
		k := min(max(math.Round(float64(x)/sc), -float64(levels)), float64(levels))
		out[i] = float32(k * sc)
	}
}

// FakeQuantWeightPasses reports, per element, whether a weight's rounding
// is not clamped: where the straight-through gradient passes. With scales
// from the weight's own extremes every element is inside; the test is
// kept so that the rule reads as the activation's.
func FakeQuantWeightPasses(w []float32, dims []int, axis, bits int, pass []bool) {
	levels := WeightLevels(bits)
	s := weightScales(w, dims, axis, levels)
	ch, inner := dims[axis], prod(dims[axis+1:])
	for i, x := range w {
		pass[i] = math.Abs(float64(x)/float64(s[(i/inner)%ch])) <= float64(levels)+0.5
	}
}

// FakeQuant writes into y the activation x quantized to int8 with the
// parameters QuantizeParams chooses for [lo, hi] and dequantized: exactly
// what a quantize then a dequantize op give.
func FakeQuant(x []float32, lo, hi float32, y []float32) {
	p := QuantizeParams(float64(lo), float64(hi))
	s, z := p.Scale[0], p.Zero[0]
	for i, v := range x {
		q := min(max(fixedpoint.QuantizeValue(float64(v), s, z), math.MinInt8), math.MaxInt8)
		y[i] = float32(float64(s) * float64(q-z))
	}
}

// FixedRange is the range [lo, hi] whose QuantizeParams are p (one
// scale), for fake-quantizing a value whose int8 parameters an integer
// kernel fixes: the grid's interval [S(-128 - Z), S(127 - Z)], widened
// to hold 0. ok is false where no range gives back p exactly.
func FixedRange(p *QuantParams) (lo, hi float32, ok bool) {
	if p == nil || len(p.Scale) != 1 {
		return 0, 0, false
	}
	s, z := float64(p.Scale[0]), float64(p.Zero[0])
	lo, hi = float32(min(s*(-128-z), 0)), float32(max(s*(127-z), 0))
	q := QuantizeParams(float64(lo), float64(hi))
	return lo, hi, q.Scale[0] == p.Scale[0] && q.Zero[0] == p.Zero[0]
}

// FakeQuantBounds is the real interval the int8 grid of [lo, hi] covers,
// [S(-128 - Z), S(127 - Z)]: the straight-through gradient passes inside
// it and is zero outside, where the rounding clamps.
func FakeQuantBounds(lo, hi float32) (float32, float32) {
	p := QuantizeParams(float64(lo), float64(hi))
	s, z := float64(p.Scale[0]), float64(p.Zero[0])
	return float32(s * (-128 - z)), float32(s * (127 - z))
}
