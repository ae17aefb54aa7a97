package fixedpoint

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// gemmlowpTestVals is the input set of gemmlowp's test/test_fixedpoint.cc
// (TestFixedPoint::MakeTestVals, int32): every power of two and its
// neighbours, both signs, the int32 extremes, and 1000 uniform random values.
// gemmlowp draws the random ones from std::mt19937; these come from a seeded
// PCG, so the set is the same in kind, not in the random members.
func gemmlowpTestVals() []int32 {
	var vals []int32
	for i := range 31 {
		p := int32(1) << i
		vals = append(vals, p-2, p-1, p, p+1, p+2, -p-2, -p-1, -p, -p+1, -p+2)
	}
	vals = append(vals, math.MinInt32, math.MinInt32+1, math.MinInt32+2,
		math.MaxInt32-2, math.MaxInt32-1, math.MaxInt32)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		vals = append(vals, int32(rng.Uint32()))
	}
	slices.Sort(vals)
	return vals
}

// gemmlowpUnaryOp mirrors gemmlowp's UnaryOpBase: inputs are clamped to
// [minInput, maxInput], the op must be within tolerance raw units of the
// reference computed in float64.
type gemmlowpUnaryOp struct {
	name               string
	minInput, maxInput int32
	tolerance          int64
	op                 func(int32) int32
	reference          func(int32) int32
}

func testGemmlowpUnaryOp(t *testing.T, u gemmlowpUnaryOp, vals []int32) {
	t.Helper()
	for _, v := range vals {
		x := min(u.maxInput, max(u.minInput, v))
		got, want := u.op(x), u.reference(x)
		if d := int64(got) - int64(want); d > u.tolerance || d < -u.tolerance {
			t.Errorf("%s(%d) = %d, reference %d: |diff| %d > tolerance %d",
				u.name, x, got, want, d, u.tolerance)
		}
	}
}

func gemmlowpFullRange(name string, tol int64, op, ref func(int32) int32) gemmlowpUnaryOp {
	return gemmlowpUnaryOp{name, math.MinInt32, math.MaxInt32, tol, op, ref}
}

// TestGemmlowpFixedPoint ports gemmlowp test/test_fixedpoint.cc
// (TestFixedPoint<std::int32_t>::RunTests, "Scalar int32") op by op, with the
// same input ranges and the same int32 tolerances.
func TestGemmlowpFixedPoint(t *testing.T) {
	vals := gemmlowpTestVals()

	// RoundingDivideByPOTOp: exact against round(x / 2^s).
	for s := range 32 {
		testGemmlowpUnaryOp(t, gemmlowpFullRange("RoundingDivideByPOT", 0,
			func(x int32) int32 { return RoundingDivideByPOT(x, s) },
			func(x int32) int32 { return int32(math.Round(float64(x) / math.Ldexp(1, s))) }), vals)
	}

	// SaturatingRoundingMultiplyByPOTOp: exact against round(clamp(x * 2^e)).
	for _, e := range []int{-31, -30, -29, -18, -17, -15, -4, -3, -2, -1, 0,
		1, 2, 3, 4, 15, 17, 18, 29, 30, 31} {
		testGemmlowpUnaryOp(t, gemmlowpFullRange("SaturatingRoundingMultiplyByPOT", 0,
			func(x int32) int32 { return SaturatingRoundingMultiplyByPOT(x, e) },
			func(x int32) int32 {
				d := math.Min(math.MaxInt32, math.Max(math.MinInt32, math.Ldexp(float64(x), e)))
				return int32(math.Round(d))
			}), vals)
	}

	// ExpOnIntervalBetweenNegativeOneQuarterAnd0ExclOp.
	testGemmlowpUnaryOp(t, gemmlowpUnaryOp{"ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl",
		-(1 << 29), 0, 500, ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl,
		func(x int32) int32 { return FromFloat64(math.Exp(ToFloat64(x, 0)), 0) }}, vals)

	// ExpOnNegativeValuesOp<0..6>.
	for ib := range 7 {
		testGemmlowpUnaryOp(t, gemmlowpUnaryOp{"ExpOnNegativeValues", math.MinInt32, 0, 500,
			func(x int32) int32 { return ExpOnNegativeValues(x, ib) },
			func(x int32) int32 { return FromFloat64(math.Exp(ToFloat64(x, ib)), 0) }}, vals)
	}

	// OneMinusXOverOnePlusXForXIn01Op.
	testGemmlowpUnaryOp(t, gemmlowpUnaryOp{"OneMinusXOverOnePlusX", 0, math.MaxInt32, 12,
		OneMinusXOverOnePlusX,
		func(x int32) int32 {
			d := ToFloat64(x, 0)
			return FromFloat64((1-d)/(1+d), 0)
		}}, vals)

	// TanhOp<0..6>.
	for ib := range 7 {
		testGemmlowpUnaryOp(t, gemmlowpFullRange("Tanh", 310,
			func(x int32) int32 { return Tanh(x, ib) },
			func(x int32) int32 { return FromFloat64(math.Tanh(ToFloat64(x, ib)), 0) }), vals)
	}

	// OneOverOnePlusXForXIn01Op.
	testGemmlowpUnaryOp(t, gemmlowpUnaryOp{"OneOverOnePlusX", 0, math.MaxInt32, 6,
		OneOverOnePlusX,
		func(x int32) int32 { return FromFloat64(1/(1+ToFloat64(x, 0)), 0) }}, vals)

	// LogisticOp<0..6>.
	for ib := range 7 {
		testGemmlowpUnaryOp(t, gemmlowpFullRange("Logistic", 155,
			func(x int32) int32 { return Logistic(x, ib) },
			func(x int32) int32 { return FromFloat64(1/(1+math.Exp(-ToFloat64(x, ib))), 0) }), vals)
	}

	// test_convert<4>: FromDouble(ToDouble(x)) round-trips.
	for _, v := range vals {
		if got := FromFloat64(ToFloat64(v, 4), 4); got != v {
			t.Errorf("FromFloat64(ToFloat64(%d, 4), 4) = %d", v, got)
		}
	}

	// test_mul<a, b>: the product is within 1 raw unit of the exact product
	// rounded into the format with a+b integer bits.
	for _, p := range [][2]int{{0, 0}, {0, 1}, {2, 0}, {1, 1}, {4, 4}, {3, 5}, {7, 2}, {15, 14}} {
		for _, a := range vals {
			ad := ToFloat64(a, p[0])
			for _, b := range vals {
				got := SaturatingRoundingDoublingHighMul(a, b)
				want := FromFloat64(ad*ToFloat64(b, p[1]), p[0]+p[1])
				if d := int64(got) - int64(want); d > 1 || d < -1 {
					t.Fatalf("mul<%d,%d>(%d, %d) = %d, want %d±1", p[0], p[1], a, b, got, want)
				}
			}
		}
	}

	// test_Rescale<a, b>: exact against FromDouble(ToDouble(a)).
	for _, p := range [][2]int{{0, 0}, {0, 1}, {2, 0}, {4, 4}, {4, 5}, {6, 3}, {13, 9}} {
		for _, v := range vals {
			got := Rescale(v, p[0], p[1])
			if want := FromFloat64(ToFloat64(v, p[0]), p[1]); got != want {
				t.Errorf("Rescale<%d->%d>(%d) = %d, want %d", p[0], p[1], v, got, want)
			}
		}
	}

	// test_ExactMulByPot<e, a>: the same raw value read with a+e integer bits
	// is exactly the value times 2^e.
	for _, p := range [][2]int{{0, 0}, {0, 4}, {1, 4}, {3, 2}, {-4, 5}, {-2, 6}} {
		for _, v := range vals {
			if ToFloat64(v, p[1])*math.Ldexp(1, p[0]) != ToFloat64(v, p[1]+p[0]) {
				t.Errorf("ExactMulByPot<%d>(Q%d raw %d) is not exact", p[0], p[1], v)
			}
		}
	}
}

// TestGemmlowpConstants checks every raw constant against the real number
// gemmlowp's GEMMLOWP_CHECKED_FIXEDPOINT_CONSTANT asserts it encodes.
func TestGemmlowpConstants(t *testing.T) {
	for _, c := range []struct {
		name        string
		raw         int32
		integerBits int
		value       float64
	}{
		{"exp(-1/8)", rawExpMinusOneEighth, 0, math.Exp(-1.0 / 8)},
		{"1/3", rawOneThird, 0, 1.0 / 3},
		{"exp(-1/4)", rawExpMinusQuarter, 0, math.Exp(-0.25)},
		{"exp(-1/2)", rawExpMinusHalf, 0, math.Exp(-0.5)},
		{"exp(-1)", rawExpMinusOne, 0, math.Exp(-1)},
		{"exp(-2)", rawExpMinusTwo, 0, math.Exp(-2)},
		{"exp(-4)", rawExpMinusFour, 0, math.Exp(-4)},
		{"exp(-8)", rawExpMinusEight, 0, math.Exp(-8)},
		{"exp(-16)", rawExpMinusSixteen, 0, math.Exp(-16)},
		{"48/17", raw48Over17, 2, 48.0 / 17},
		{"-32/17", rawNeg32Over17, 2, -32.0 / 17},
		{"1/2", rawOneHalf, 0, 0.5},
		{"-32 in Q6.25", -(1 << (36 - 6)), 6, -32},
	} {
		if got := FromFloat64(c.value, c.integerBits); got != c.raw {
			t.Errorf("%s: raw %d, FromFloat64 gives %d", c.name, c.raw, got)
		}
	}
	if One(0) != math.MaxInt32 || One(4) != 1<<27 || One(5) != 1<<26 || One(12) != 1<<19 {
		t.Errorf("One: %d %d %d %d", One(0), One(4), One(5), One(12))
	}
	if ConstantPOT(0, -3) != 1<<28 || ConstantPOT(5, -2) != 1<<24 {
		t.Errorf("ConstantPOT: %d %d", ConstantPOT(0, -3), ConstantPOT(5, -2))
	}
}

// TestGemmlowpSpecialPoints pins the values the functions define exactly.
func TestGemmlowpSpecialPoints(t *testing.T) {
	for ib := range 30 {
		if got := ExpOnNegativeValues(0, ib); got != math.MaxInt32 {
			t.Errorf("exp(0) with %d integer bits = %d, want saturated 1 (MaxInt32)", ib, got)
		}
		if got := Logistic(0, ib); got != 1<<30 {
			t.Errorf("logistic(0) with %d integer bits = %d, want 1<<30", ib, got)
		}
		if ib < 29 {
			if got := Tanh(0, ib); got != 0 {
				t.Errorf("tanh(0) with %d integer bits = %d, want 0", ib, got)
			}
		}
	}
	// Below -32 exp flushes to exactly 0 once the format can hold -32.
	if got := ExpOnNegativeValues(-(32<<25)-1, 6); got != 0 {
		t.Errorf("exp(-32-2^-25) in Q6.25 = %d, want 0", got)
	}
	// exp(-1/4) through the barrel shifter (Q5.26 input, the softmax format)
	// and straight through the polynomial (Q0.31) agree.
	if a, b := ExpOnNegativeValues(-(1<<24), 5), ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(-(1 << 29)); a != b {
		t.Errorf("exp(-1/4): %d via Q5.26, %d via the interval polynomial", a, b)
	}
	// GetReciprocal of exactly 1.0 (Q12.19) is saturated 1 with no extra bits.
	if r, n := GetReciprocal(One(12), 12); r != math.MaxInt32 || n != 0 {
		t.Errorf("GetReciprocal(1.0) = (%d, %d), want (MaxInt32, 0)", r, n)
	}
	// 1/2 in Q12.19 has reciprocal 2: 1 - 2^-31 with one bit over unit.
	if r, n := GetReciprocal(1<<18, 12); r != math.MaxInt32 || n != -1 {
		t.Errorf("GetReciprocal(0.5) = (%d, %d), want (MaxInt32, -1)", r, n)
	}
}

// TestGemmlowpSymmetry checks the exact identities gemmlowp's selection logic gives:
// logistic(-a) = 1 - logistic(a) and tanh(-a) = -tanh(a).
func TestGemmlowpSymmetry(t *testing.T) {
	for _, v := range gemmlowpTestVals() {
		if v == math.MinInt32 || v == 0 {
			continue
		}
		for _, ib := range []int{0, 4, 5, 12} {
			if Logistic(-v, ib) != One(0)-Logistic(v, ib) {
				t.Errorf("logistic(-%d) != 1 - logistic(%d) in Q%d", v, v, ib)
			}
			if Tanh(-v, ib) != -Tanh(v, ib) {
				t.Errorf("tanh(-%d) != -tanh(%d) in Q%d", v, v, ib)
			}
		}
	}
}

// TestGemmlowpAccuracyAndMonotonicity sweeps the formats the int8 kernels use (Q5.26
// into exp for softmax, Q4.27 into logistic and tanh) densely, checks the
// error against float64 math in Q0.31 raw units, and checks the outputs never
// decrease as the input grows.
func TestGemmlowpAccuracyAndMonotonicity(t *testing.T) {
	const step = 1 << 12
	check := func(name string, ib int, lo, hi int64, tol int64,
		f func(int32, int) int32, ref func(float64) float64) {
		t.Helper()
		prev := int32(math.MinInt32)
		var worst int64
		for x := lo; x <= hi; x += step {
			got := f(int32(x), ib)
			want := FromFloat64(ref(ToFloat64(int32(x), ib)), 0)
			d := int64(got) - int64(want)
			worst = max(worst, d, -d)
			if got < prev {
				t.Errorf("%s not monotone at raw %d: %d after %d", name, x, got, prev)
			}
			prev = got
		}
		if worst > tol {
			t.Errorf("%s in Q%d: worst error %d raw units, tolerance %d", name, ib, worst, tol)
		}
	}
	check("exp", 5, math.MinInt32, 0, 500, ExpOnNegativeValues, math.Exp)
	check("logistic", 4, math.MinInt32, math.MaxInt32, 155, Logistic,
		func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })
	check("tanh", 4, math.MinInt32, math.MaxInt32, 310, Tanh, math.Tanh)
}

func TestGetReciprocal(t *testing.T) {
	// Every softmax denominator is a Q12.19 sum in [1, depth]; the reciprocal
	// must be right to well within the 2^-8 an int8 output resolves.
	for x := int32(1 << 19); x > 0 && x < math.MaxInt32-997; x += 997 + x/64 {
		r, n := GetReciprocal(x, 12)
		got := math.Ldexp(float64(r), -31-n)
		want := 1 / ToFloat64(x, 12)
		if math.Abs(got-want) > want*1e-8 {
			t.Fatalf("GetReciprocal(%d) = %g, want %g", x, got, want)
		}
	}
}

func TestCalculateInputRadius(t *testing.T) {
	for _, c := range []struct {
		integerBits, leftShift, totalBits int
		want                              int32
	}{
		{4, 24, 31, 120},           // logistic/tanh, input scale 0.1 (shift 24)
		{4, 28, 31, 7},             // input scale 1.0
		{4, 23, 31, 240},           // input scale 1/16
		{5, 27, 31, 15},            // softmax, beta*scale = 2 (shift 27)
		{5, 31, 31, 0},             // the capped multiplier 2^31-1
		{5, 23, 31, 248},           // softmax, scale 0.1
		{4, 0, 15, 15 << 11},       // the int16 form
		{4, 0, 31, 2013265920},     // no shift: 15 * 2^27
		{5, -1, 31, math.MaxInt32}, // beyond TFLite's domain: saturates
		{4, -2, 31, math.MaxInt32},
	} {
		if got := CalculateInputRadius(c.integerBits, c.leftShift, c.totalBits); got != c.want {
			t.Errorf("CalculateInputRadius(%d, %d, %d) = %d, want %d",
				c.integerBits, c.leftShift, c.totalBits, got, c.want)
		}
	}
}

func TestRoundingHalfSumAndShiftLeft(t *testing.T) {
	for _, c := range [][3]int32{
		{1, 2, 2}, {-1, -2, -2}, {1, 0, 1}, {-1, 0, -1}, {0, 0, 0},
		{math.MaxInt32, math.MaxInt32, math.MaxInt32},
		{math.MinInt32, math.MinInt32, math.MinInt32},
		{math.MaxInt32, 0, 1 << 30}, {math.MinInt32, 1, -(1 << 30)},
	} {
		if got := RoundingHalfSum(c[0], c[1]); got != c[2] {
			t.Errorf("RoundingHalfSum(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
	for _, c := range []struct {
		a, want int32
		offset  int
	}{
		{1, 1 << 30, 30}, {3, math.MaxInt32, 30}, {-3, math.MinInt32, 30},
		{-1, math.MinInt32, 31}, {1, math.MaxInt32, 31}, {-5, -20, 2},
	} {
		if got := ShiftLeft(c.a, c.offset); got != c.want {
			t.Errorf("ShiftLeft(%d, %d) = %d, want %d", c.a, c.offset, got, c.want)
		}
	}
}

// gemmlowpRand (splitmix64) is the generator the oracle hashes below were
// computed with.
type gemmlowpRand struct{ s uint64 }

func (r *gemmlowpRand) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *gemmlowpRand) u32() uint32 { return uint32(r.next() >> 32) }

// gemmlowpOracleCase is one hashed function: f returns the values hashed
// for input i (x = xs[i]).
type gemmlowpOracleCase struct {
	name string
	want uint64
	f    func(i int, x int32) []int32
}

// TestGemmlowpOracleHashes compares, function by function, the FNV-1a-64
// hash of the results on 2^16 inputs with the hash of gemmlowp's own results
// on the same inputs. The reference hashes come from a C++ program compiled against
// gemmlowp fixedpoint/fixedpoint.h (commit 16e8662c) and TFLite Micro's
// kernels/internal/common.h (commit 90b983c2, for GetReciprocal): inputs
// x_i, y_i are the high 32 bits of consecutive draws of gemmlowpRand seeded
// with 1 (x_0, y_0, x_1, ...); each result is hashed as 4 little-endian
// bytes; exp takes -|x| (x itself if negative), one_over/one_minus take
// x & 0x7fffffff, the interval exp takes -(x mod 2^29) - 1, GetReciprocal
// takes (x & 0x7fffffff) | 1 with 12 integer bits and hashes the reciprocal
// then the bit count, srmpot hashes the int32 expression below.
func TestGemmlowpOracleHashes(t *testing.T) {
	const n = 1 << 16
	r := gemmlowpRand{1}
	xs, ys := make([]int32, n), make([]int32, n)
	for i := range n {
		xs[i], ys[i] = int32(r.u32()), int32(r.u32())
	}
	neg := func(x int32) int32 {
		if x > 0 {
			return -x
		}
		return x
	}
	srm := SaturatingRoundingMultiplyByPOT
	cases := []gemmlowpOracleCase{
		{"oneover", 0xcd0290d0f43f96ad, func(_ int, x int32) []int32 { return []int32{OneOverOnePlusX(x & 0x7fffffff)} }},
		{"oneminus", 0x67cbd4f39110bcfc, func(_ int, x int32) []int32 { return []int32{OneMinusXOverOnePlusX(x & 0x7fffffff)} }},
		{"expinterval", 0x782cf869461dee86, func(_ int, x int32) []int32 {
			return []int32{ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(-int32(uint32(x)%(1<<29)) - 1)}
		}},
		{"srmpot", 0xf8319774456c6b1c, func(_ int, x int32) []int32 {
			return []int32{srm(x, -31) ^ srm(x, -17)*3 ^ srm(x, -5)*5 ^ srm(x, -1)*7 ^ srm(x, 1)*11 ^
				srm(x, 2)*13 ^ srm(x, 5)*17 ^ srm(x, 17)*19 ^ srm(x, 30)*23 ^ srm(x, 31)*29}
		}},
		{"halfsum", 0xc96c2f056e0cc5a7, func(i int, x int32) []int32 { return []int32{RoundingHalfSum(x, ys[i])} }},
		{"reciprocal", 0xb49fa561f53ac739, func(_ int, x int32) []int32 {
			rec, bits := GetReciprocal(x&0x7fffffff|1, 12)
			return []int32{rec, int32(bits)}
		}},
	}
	perBits := []struct {
		ib                 int
		exp, logistic, tnh uint64
	}{
		{0, 0x281906de98fc6eea, 0xbd56188bea6081e0, 0xda3d9204a4d22da6},
		{1, 0xac716888cc026cd6, 0x05ace98ea28a239b, 0x7f6aaf41031c0a12},
		{2, 0x7278f32c3037db0f, 0xb74821845e3d68a5, 0xa7f607ac0b5690f6},
		{3, 0x88d359277e3c20e0, 0xff3e4c251d5a1e39, 0x5f55a71661304848},
		{4, 0xb1f36362af881064, 0xd4557f93583c2f9f, 0x003cae9fd37d3784},
		{5, 0x17d4cefd79156852, 0x898e2771f3efbc2c, 0x722026ef289a8837},
		{6, 0x955863de5fe140c6, 0xcfa5987d2e30a3fd, 0x083a35728dc65c07},
		{12, 0xf940c428bdd5cf1a, 0x242e00965d7ef11e, 0xe0694b0aa3ae84e1},
	}
	for _, p := range perBits {
		ib := p.ib
		cases = append(cases,
			gemmlowpOracleCase{fmt.Sprint("exp", ib), p.exp, func(_ int, x int32) []int32 { return []int32{ExpOnNegativeValues(neg(x), ib)} }},
			gemmlowpOracleCase{fmt.Sprint("logistic", ib), p.logistic, func(_ int, x int32) []int32 { return []int32{Logistic(x, ib)} }},
			gemmlowpOracleCase{fmt.Sprint("tanh", ib), p.tnh, func(_ int, x int32) []int32 { return []int32{Tanh(x, ib)} }})
	}
	for _, c := range cases {
		h := fnv.New64a()
		var b [4]byte
		for i, x := range xs {
			for _, v := range c.f(i, x) {
				binary.LittleEndian.PutUint32(b[:], uint32(v))
				h.Write(b[:])
			}
		}
		if got := h.Sum64(); got != c.want {
			t.Errorf("%s: hash %016x, gemmlowp's %016x", c.name, got, c.want)
		}
	}
}
