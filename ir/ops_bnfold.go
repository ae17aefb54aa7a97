package ir

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/tensor"
)

// Batch norm folded into the layer before it during quantization-aware
// training (Jacob et al., 2018, section 3.2 and figure C.8). The int8
// build folds a batch norm into the dense or convolution before it
// (fold-batchnorm): w' = w * a and b' = beta + (b - mean) * a per output
// channel, a = gamma / sqrt(var + eps). Training simulates that fold so
// that fake_quant_weight rounds w', not w: the layer runs twice, once as
// it is (y, whose batch statistics it needs) and once with w' rounded
// (z), and bn_fold_shift adds the folded bias to z. In training the
// statistics are the batch's until a freeze step, then the running ones,
// which are what the int8 build folds; at inference they are the running
// ones. Only bn_fold_weight's training kernel moves the running
// statistics (package exec), as batchnorm's does.

// OpBNFoldWeight is a layer's weight with a batch norm's scale folded in.
var OpBNFoldWeight = Register(&Op{
	Name: "bn_fold_weight",
	Doc:  "a layer's weight times the scale gamma / sqrt(var + eps) of the batch norm after it, per output channel (the first axis), for quantization-aware training; var is the batch's variance of y (the layer's unfolded result) in training until freeze steps, the running variance otherwise",
	Operands: []Operand{{Name: "w", Param: true}, {Name: "y"}, {Name: "gamma", Param: true, Init: InitOnes},
		{Name: "running_mean", Param: true, State: true, Init: InitZeros}, {Name: "running_var", Param: true, State: true, Init: InitOnes}},
	Attrs: []AttrSpec{
		{Name: "eps", Kind: AttrFloat, Default: 1e-5},
		{Name: "momentum", Kind: AttrFloat, Default: 0.1, Doc: "running statistics update in training, while the batch's statistics are used"},
		{Name: "freeze", Kind: AttrInt, Default: 0, Doc: "training steps after which the running statistics replace the batch's and stop moving (0: never)"},
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		w, y := in[0], in[1]
		if err := needF32("bn_fold_weight", "weight", w); err != nil {
			return Type{}, err
		}
		if w.Batched || w.Rank() < 1 {
			return Type{}, fmt.Errorf("bn_fold_weight: the weight must be a parameter with an output-channel axis, got %v", w)
		}
		if err := checkBNFold("bn_fold_weight", y, w.Dims[0], in[2:], a); err != nil {
			return Type{}, err
		}
		return w, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		a := BNFoldScale(in[2].F32, float64s(in[4].F32), v.Attrs.Float("eps"))
		BNFoldWeight(in[0].F32, a, out.F32)
		return nil
	},
	WeightView: true,
	NoInteger:  "training only: the int8 build folds the batch norm into the layer's weight (fold-batchnorm)",
})

// OpBNFoldShift adds the folded bias to the result of the folded layer.
var OpBNFoldShift = Register(&Op{
	Name: "bn_fold_shift",
	Doc:  "z (a layer's result with bn_fold_weight's weight and no bias) plus the folded bias beta + (b - mean) * gamma / sqrt(var + eps) per channel, then the fused activation, for quantization-aware training; mean and var are the batch's statistics of y (the layer's unfolded result) in training until freeze steps, the running ones otherwise",
	Operands: []Operand{{Name: "z"}, {Name: "y"}, {Name: "gamma", Param: true, Init: InitOnes}, {Name: "beta", Param: true, Init: InitZeros},
		{Name: "running_mean", Param: true, State: true, Init: InitZeros}, {Name: "running_var", Param: true, State: true, Init: InitOnes},
		{Name: "b", Param: true, Optional: true}},
	Attrs: []AttrSpec{
		{Name: "eps", Kind: AttrFloat, Default: 1e-5},
		{Name: "freeze", Kind: AttrInt, Default: 0, Doc: "training steps after which the running statistics replace the batch's (0: never)"},
		{Name: "act", Kind: AttrString, Default: "none", Doc: "none, relu or relu6: the activation fused after the shift"},
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		z, y := in[0], in[1]
		if err := needF32("bn_fold_shift", "z", z); err != nil {
			return Type{}, err
		}
		if !z.Batched || !y.Batched || !sameDims(z.Dims, y.Dims) {
			return Type{}, fmt.Errorf("bn_fold_shift: z and y must be batched values of one shape, got %v and %v", z, y)
		}
		if err := checkBNFold("bn_fold_shift", y, z.Dims[0], in[2:], a); err != nil {
			return Type{}, err
		}
		switch act := a.String("act"); act {
		case "none", "relu", "relu6":
		default:
			return Type{}, fmt.Errorf("bn_fold_shift: act=%q is not none, relu or relu6", act)
		}
		return z, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		a := BNFoldScale(in[2].F32, float64s(in[5].F32), v.Attrs.Float("eps"))
		var bias []float32
		if len(in) == 7 {
			bias = in[6].F32
		}
		shift := BNFoldBias(bias, in[3].F32, float64s(in[4].F32), a)
		BNFoldShift(in[0].F32, shift, v.Type.Elems()/v.Type.Dims[0], v.Attrs.String("act"), out.F32)
		return nil
	},
	NoInteger: "training only: the int8 build folds the batch norm into the layer's bias (fold-batchnorm)",
})

// checkBNFold checks the batch-statistics operand y (batched, ch channels
// on its first axis), the per-channel parameters and the attributes.
func checkBNFold(op string, y Type, ch int, params []Type, a Attrs) error {
	if err := needF32(op, "y", y); err != nil {
		return err
	}
	if !y.Batched || y.Rank() < 1 || y.Dims[0] != ch {
		return fmt.Errorf("%s: y must be a batched value with %d channels on its first axis, got %v", op, ch, y)
	}
	for _, p := range params {
		if p.DType != tensor.F32 || p.Batched || p.Rank() != 1 || p.Dims[0] != ch {
			return fmt.Errorf("%s: the batch norm's parameters must be f32[%d], got %v", op, ch, p)
		}
	}
	if eps := a.Float("eps"); !(eps > 0) {
		return fmt.Errorf("%s: eps must be positive, got %s", op, formatF64(eps))
	}
	if a.Int("freeze") < 0 {
		return fmt.Errorf("%s: freeze=%d is negative", op, a.Int("freeze"))
	}
	return nil
}

func sameDims(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func float64s(x []float32) []float64 {
	d := make([]float64, len(x))
	for i, v := range x {
		d[i] = float64(v)
	}
	return d
}

// BNFoldScale is a batch norm's per-channel scale gamma / sqrt(var + eps),
// in float64 as BatchNormAffine computes it.
func BNFoldScale(gamma []float32, variance []float64, eps float64) []float64 {
	a := make([]float64, len(gamma))
	for c := range a {
		a[c] = float64(gamma[c]) / math.Sqrt(variance[c]+eps)
	}
	return a
}

// BNFoldWeight writes w with output channel c (its first axis) scaled by
// a[c], rounded to float32 as the fold-batchnorm pass does.
func BNFoldWeight(w []float32, a []float64, out []float32) {
	per := len(w) / len(a)
	for i, x := range w {
		out[i] = float32(float64(x) * a[i/per])
	}
}

// BNFoldBias is the folded bias b*a + (beta - mean*a) per channel (b nil:
// no bias), rounded to float32 as the fold-batchnorm pass does.
func BNFoldBias(b, beta []float32, mean, a []float64) []float32 {
	s := make([]float32, len(a))
	for c := range s {
		bc := 0.0
		if b != nil {
			bc = float64(b[c])
		}
		s[c] = float32(bc*a[c] + (float64(beta[c]) - mean[c]*a[c]))
	}
	return s
}

// BNFoldShift writes act(z + shift[c]), c the channel of each element of
// the batched z: samples of len(shift) channels of inner elements each.
func BNFoldShift(z, shift []float32, inner int, act string, out []float32) {
	ch := len(shift)
	for i, x := range z {
		y := x + shift[(i/inner)%ch]
		switch act {
		case "relu":
			y = max(y, 0)
		case "relu6":
			y = min(max(y, 0), 6)
		}
		out[i] = y
	}
}

// BatchStats returns the per-channel mean and (biased) variance of y, a
// batch of samples of ch channels (the first per-sample axis) of inner
// elements each, in float64.
func BatchStats(y []float32, ch, inner int) (mean, variance []float64) {
	n := len(y) / (ch * inner)
	mean, variance = make([]float64, ch), make([]float64, ch)
	for k := 0; k < ch; k++ {
		sum, sq := 0.0, 0.0
		for b := 0; b < n; b++ {
			for _, x := range y[(b*ch+k)*inner : (b*ch+k+1)*inner] {
				sum += float64(x)
				sq += float64(x) * float64(x)
			}
		}
		cnt := float64(n * inner)
		mean[k] = sum / cnt
		variance[k] = max(sq/cnt-mean[k]*mean[k], 0)
	}
	return mean, variance
}
