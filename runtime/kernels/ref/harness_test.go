// Test helpers: reproductions of the functions TFLite's and TFLite Micro's
// kernel tests use to turn their float test data into quantized tensors, so
// that a ported case feeds the kernels exactly the integers the original
// test does; TFLite's SAME/VALID geometry; NHWC -> NCHW transposes; and
// small constructors.

package ref

import (
	"math"
	"testing"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// tfliteQuantParams is SingleOpModel::QuantizationParams<T>(f_min, f_max)
// from tensorflow/lite/kernels/test_util.h, for the integer range [qmin,
// qmax] (int8: -128, 127; uint8: 0, 255), in float32 as the original:
// scale = (max - min) / (qmax - qmin); the zero point from whichever of
// (min, qmin) and (max, qmax) adds the smaller terms, nudged into range and
// rounded half away from zero.
func tfliteQuantParams(fmin, fmax, qmin, qmax float32) (scale float32, zero int32) {
	if fmin == fmax {
		return 0, 0
	}
	scale = (fmax - fmin) / (qmax - qmin)
	zeroFromMin := qmin - fmin/scale
	zeroFromMax := qmax - fmax/scale
	errMin := abs32(qmin) + abs32(fmin/scale)
	errMax := abs32(qmax) + abs32(fmax/scale)
	zp := zeroFromMax
	if errMin < errMax {
		zp = zeroFromMin
	}
	switch {
	case zp < qmin:
		return scale, int32(qmin)
	case zp > qmax:
		return scale, int32(qmax)
	}
	return scale, int32(math.Round(float64(zp)))
}

func abs32(x float32) float32 { return float32(math.Abs(float64(x))) }

// tfliteQuantize is Quantize<T>(data, scale, zero_point) from
// tensorflow/lite/kernels/test_util.h (QuantizeAndPopulate): round(zero +
// f / scale), the sum taken in float32, clamped to [qmin, qmax].
func tfliteQuantize(data []float32, scale float32, zero int32, qmin, qmax float32) []int32 {
	q := make([]int32, len(data))
	for i, f := range data {
		r := float32(math.Round(float64(float32(zero) + f/scale)))
		q[i] = int32(max(qmin, min(qmax, r)))
	}
	return q
}

// tflitePerChannelSymmetric is SingleOpModel::
// PerChannelSymmetricQuantizeAndPopulate (test_util.h, through
// optimize::utils::SymmetricPerChannelQuantizeValues): round(f * (1/scale))
// with the inverse taken in float32, clamped to [-127, 127]. channel(i)
// gives the channel of element i; scales of length 1 apply to every channel.
func tflitePerChannelSymmetric(data, scales []float32, channel func(i int) int) []int8 {
	q := make([]int8, len(data))
	for i, f := range data {
		s := scales[0]
		if len(scales) > 1 {
			s = scales[channel(i)]
		}
		inv := 1 / s
		r := math.Round(float64(f * inv))
		q[i] = int8(max(-127, min(127, r)))
	}
	return q
}

// tflitePerChannelBias is SingleOpModel::PerChannelQuantizeBias
// (test_util.h): f / scale in float32, truncated toward zero (it assigns the
// float quotient to an int32). scales of length 1 apply to every element.
func tflitePerChannelBias(data, scales []float32) []int32 {
	q := make([]int32, len(data))
	for i, f := range data {
		s := scales[0]
		if len(scales) > 1 {
			s = scales[i]
		}
		q[i] = int32(f / s)
	}
	return q
}

// microQuantize is tflite::Quantize / FloatToQuantizedType<int8_t> from
// tensorflow/lite/micro/micro_utils.h (CreateQuantizedTensor):
// round(f / scale) + zero_point, clamped to [-128, 127].
func microQuantize(data []float32, scale float32, zero int32) []int8 {
	q := make([]int8, len(data))
	for i, f := range data {
		r := math.Round(float64(f/scale)) + float64(zero)
		q[i] = int8(max(-128, min(127, r)))
	}
	return q
}

// microSymmetricQuantize is FloatToSymmetricQuantizedType<T> (micro_utils.h)
// for each element: round(f / scale) clamped to [qmin+1, qmax], with
// scale(i) the element's scale. Used for int8 weights (SymmetricQuantize,
// SymmetricPerChannelQuantize) and int32 biases.
func microSymmetricQuantize(data []float32, scale func(i int) float32, qmin, qmax float64) []int32 {
	q := make([]int32, len(data))
	for i, f := range data {
		r := math.Round(float64(f / scale(i)))
		q[i] = int32(max(qmin+1, min(qmax, r)))
	}
	return q
}

// microSignedSymmetricPerChannel is SignedSymmetricPerChannelQuantize
// (micro_utils.cc) for quantized dimension 0: per channel, scale =
// max(|min|, |max|) / 127 over the channel's values (min and max start at
// 0), values roundf(f / scale) clamped to [-127, 127]. It returns the values
// and the scales.
func microSignedSymmetricPerChannel(data []float32, channels int) ([]int8, []float32) {
	per := len(data) / channels
	q := make([]int8, len(data))
	scales := make([]float32, channels)
	for c := range channels {
		var lo, hi float32
		for _, f := range data[c*per : (c+1)*per] {
			lo, hi = min(lo, f), max(hi, f)
		}
		scales[c] = max(abs32(lo), abs32(hi)) / 127
		for i := c * per; i < (c+1)*per; i++ {
			r := math.Round(float64(data[i] / scales[c]))
			q[i] = int8(max(-127, min(127, r)))
		}
	}
	return q, scales
}

// tflitePaddingSame and tflitePaddingValid are TFLite's output size and
// leading padding for one spatial dimension (kernels/padding.h,
// ComputeOutSize and ComputePaddingHeightWidth).
func tflitePaddingSame(in, k, stride, dilation int) (out, pad int) {
	eff := (k-1)*dilation + 1
	out = (in + stride - 1) / stride
	return out, max(0, ((out-1)*stride+eff-in)/2)
}

func tflitePaddingValid(in, k, stride, dilation int) (out, pad int) {
	eff := (k-1)*dilation + 1
	return (in + stride - eff) / stride, 0
}

// transpose4 reorders a 4-D row-major array: output dimension k is input
// dimension perm[k].
func transpose4[T any](src []T, dims, perm [4]int) []T {
	var stride [4]int
	stride[3] = 1
	for k := 2; k >= 0; k-- {
		stride[k] = stride[k+1] * dims[k+1]
	}
	dst := make([]T, 0, len(src))
	for a := range dims[perm[0]] {
		for b := range dims[perm[1]] {
			for c := range dims[perm[2]] {
				for d := range dims[perm[3]] {
					dst = append(dst, src[a*stride[perm[0]]+b*stride[perm[1]]+c*stride[perm[2]]+d*stride[perm[3]]])
				}
			}
		}
	}
	return dst
}

// nhwcToNCHW converts an activation tensor, ohwiToOIHW a TFLite convolution
// filter, depthwiseToOIHW a TFLite depthwise filter [1, KH, KW, F] into
// kiln's [F, 1, KH, KW].
func nhwcToNCHW[T any](src []T, n, h, w, c int) []T {
	return transpose4(src, [4]int{n, h, w, c}, [4]int{0, 3, 1, 2})
}

func ohwiToOIHW[T any](src []T, o, h, w, i int) []T {
	return transpose4(src, [4]int{o, h, w, i}, [4]int{0, 3, 1, 2})
}

func depthwiseToOIHW[T any](src []T, kh, kw, f int) []T {
	return transpose4(src, [4]int{1, kh, kw, f}, [4]int{3, 0, 1, 2})
}

// numpyBroadcast returns the Broadcast of two row-major shapes under
// NumPy's (and TFLite's) rules: dimensions aligned at the end, size-1 and
// missing dimensions stretched.
func numpyBroadcast(x, y []int) *Broadcast {
	rank := max(len(x), len(y))
	b := &Broadcast{Shape: make([]int, rank), XStrides: make([]int, rank), YStrides: make([]int, rank)}
	dimOf := func(s []int, d int) int {
		if i := d - (rank - len(s)); i >= 0 {
			return s[i]
		}
		return 1
	}
	sx, sy := 1, 1
	for d := rank - 1; d >= 0; d-- {
		dx, dy := dimOf(x, d), dimOf(y, d)
		b.Shape[d] = max(dx, dy)
		if dx == b.Shape[d] && dx > 1 {
			b.XStrides[d] = sx
		}
		if dy == b.Shape[d] && dy > 1 {
			b.YStrides[d] = sy
		}
		sx *= dx
		sy *= dy
	}
	return b
}

// requant quantizes an effective scale into a Requant.
func requant(d float64) Requant {
	m, s := fixedpoint.QuantizeMultiplier(d)
	return Requant{m, s}
}

func toInt8(v []int32) []int8 {
	q := make([]int8, len(v))
	for i, x := range v {
		q[i] = int8(x)
	}
	return q
}

// uint8ToInt8 maps TFLite uint8 test data onto int8: q - 128, the zero
// point shifted alike. TFLite's uint8 and int8 kernels compute the same
// offset arithmetic, so the outputs shift by exactly 128.
func uint8ToInt8(v []int32) []int8 {
	q := make([]int8, len(v))
	for i, x := range v {
		q[i] = int8(x - 128)
	}
	return q
}

func sub128(v []int32) []int32 {
	out := make([]int32, len(v))
	for i, x := range v {
		out[i] = x - 128
	}
	return out
}

func ints8(v ...int) []int8 {
	q := make([]int8, len(v))
	for i, x := range v {
		q[i] = int8(x)
	}
	return q
}

// expectExact fails unless got equals want element for element.
func expectExact(t *testing.T, name string, got, want []int8) {
	t.Helper()
	expectWithin(t, name, got, want, 0)
}

// expectWithin fails unless every element of got is within tol of want.
func expectWithin(t *testing.T, name string, got, want []int8, tol int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d outputs, want %d", name, len(got), len(want))
	}
	for i := range got {
		if d := int(got[i]) - int(want[i]); d > tol || d < -tol {
			t.Errorf("%s: output %d = %d, want %d (tolerance %d)\n got  %v\n want %v", name, i, got[i], want[i], tol, got, want)
			return
		}
	}
}
