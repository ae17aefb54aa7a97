package ref

import (
	"math"
	"testing"
)

func runTanh(scale float32, zero int32, in []int8) []int8 {
	p := TanhParamsFor(scale, zero)
	out := make([]int8, len(in))
	Tanh(&p, in, out)
	return out
}

// tanhGolden89 is tanh of lite89(-8, 8), as TFLite's and TFLite Micro's
// tests list it.
var tanhGolden89 = []float32{
	-0.9999997749, -0.9999996762, -0.9999995342, -0.9999993300, -0.9999990361,
	-0.9999986134, -0.9999980053, -0.9999971306, -0.9999958722, -0.9999940619,
	-0.9999914578, -0.9999877117, -0.9999823226, -0.9999745703, -0.9999634183,
	-0.9999473758, -0.9999242982, -0.9998911009, -0.9998433469, -0.9997746542,
	-0.9996758446, -0.9995337191, -0.9993292997, -0.9990353053, -0.9986125310,
	-0.9980046622, -0.9971308601, -0.9958751909, -0.9940716137, -0.9914827859,
	-0.9877703933, -0.9824541388, -0.9748561217, -0.9640275801, -0.9486568273,
	-0.9269625051, -0.8965880154, -0.8545351057, -0.7972097087, -0.7206956332,
	-0.6213939966, -0.4971057414, -0.3484130125, -0.1798408185, 0.0000000000,
	0.1798408185, 0.3484130125, 0.4971057414, 0.6213939966, 0.7206956332,
	0.7972097087, 0.8545351057, 0.8965880154, 0.9269625051, 0.9486568273,
	0.9640275801, 0.9748561217, 0.9824541388, 0.9877703933, 0.9914827859,
	0.9940716137, 0.9958751909, 0.9971308601, 0.9980046622, 0.9986125310,
	0.9990353053, 0.9993292997, 0.9995337191, 0.9996758446, 0.9997746542,
	0.9998433469, 0.9998911009, 0.9999242982, 0.9999473758, 0.9999634183,
	0.9999745703, 0.9999823226, 0.9999877117, 0.9999914578, 0.9999940619,
	0.9999958722, 0.9999971306, 0.9999980053, 0.9999986134, 0.9999990361,
	0.9999993300, 0.9999995342, 0.9999996762, 0.9999997749,
}

// tanhWant89 is TFLite Micro's output (reference_integer_ops::Tanh) for
// lite89(-8, 8) quantized with scale 1/16, zero point 0.
var tanhWant89 = []int8{
	-128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
	-128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
	-128, -128, -128, -128, -128, -128, -128, -127, -127, -127,
	-126, -126, -125, -123, -121, -118, -114, -109, -101, -94,
	-81, -65, -46, -24, 0, 24, 46, 65, 81, 94,
	101, 109, 114, 118, 121, 123, 125, 126, 126, 127,
	127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
	127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
	127, 127, 127, 127, 127, 127, 127, 127, 127,
}

// TestTanhMicroGoldens ports TFLite Micro's micro/kernels/tanh_test.cc ::
// TanhTest.SimpleTestTanhInt8: input scale 16/256, zero point 0; goldens
// quantized with scale 1.99999955/256, zero point 0; tolerance 2. The test
// declares 90 elements and initializes 89, so the last input and golden are
// 0. The exact outputs, TFLite Micro's on the same inputs, are pinned too.
func TestTanhMicroGoldens(t *testing.T) {
	in := append(lite89(-8, 8), 0)
	golden := append(append([]float32{}, tanhGolden89...), 0)
	out := runTanh(16.0/256, 0, microQuantize(in, 16.0/256, 0))
	expectWithin(t, "SimpleTestTanhInt8", out, microQuantize(golden, 1.99999955/256, 0), 2)
	expectExact(t, "SimpleTestTanhInt8", out, append(append([]int8{}, tanhWant89...), 0))
}

// TestTanhLiteGoldens ports TFLite's kernels/activations_test.cc ::
// TanhOpTest.TanhInt8: input range [-8, 8*127/128] (scale 1/16, zero point
// 0), output range [-1, 127/128] (scale 1/128, zero point 0), dequantized
// outputs within kTanhTolerance = 0.014. TFLite's interpreter runs a float
// lookup table here, so only the tolerance is TFLite's; the pinned outputs
// are TFLite Micro's.
func TestTanhLiteGoldens(t *testing.T) {
	in, scale, zero := tfliteInt8(lite89(-8, 8), -8, 8*127.0/128)
	outScale, outZero := tfliteQuantParams(-1, 127.0/128, -128, 127)
	if scale != 1.0/16 || zero != 0 || outScale != 1.0/128 || outZero != 0 {
		t.Fatalf("quantization: in (%g, %d), out (%g, %d)", scale, zero, outScale, outZero)
	}
	out := runTanh(scale, zero, in)
	expectExact(t, "TanhInt8", out, tanhWant89)
	expectWithinFloat(t, "TanhInt8", dequantized(out, outScale, outZero), tanhGolden89, 0.014)
}

// TestTanhOracle runs all 256 inputs through 400 random (scale, zero point)
// pairs, scales in [2^-12, 2^3), and compares the hash of parameters and
// outputs with TFLite Micro's (see oracleRand).
func TestTanhOracle(t *testing.T) {
	testQ4Oracle(t, 3, 0x2fb46f0a4d91c6d8, runTanh, func(scale float32, zero int32) [3]int32 {
		p := TanhParamsFor(scale, zero)
		return [3]int32{p.InputMultiplier, int32(p.InputLeftShift), p.InputRangeRadius}
	})
}

// TestTanhFloatShadow checks every input of random (scale, zero point) pairs
// against float64 tanh of the dequantized input: within one output step,
// and never decreasing in the input.
func TestTanhFloatShadow(t *testing.T) {
	testQ4FloatShadow(t, runTanh, func(x float64) float64 { return 128 * math.Tanh(x) })
}
