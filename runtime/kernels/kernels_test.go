package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"unsafe"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// eachKernel runs f once per kernel set this machine runs: the portable
// kernels with and without the lane layout, and every assembly set the
// CPU has (the others are skipped, saying what the CPU lacks).
func eachKernel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer useSet(portableSet)()
	savedLanes := useLanes
	defer func() { useLanes = savedLanes }()
	useLanes = true
	t.Run("portable", f)
	useLanes = false
	t.Run("portable-plain", f)
	useLanes = savedLanes
	for _, s := range asmSets {
		if lacks := s.lacks(); lacks != "" {
			t.Run(s.name, func(t *testing.T) { t.Skipf("this CPU lacks %s", lacks) })
			continue
		}
		useSet(s)
		t.Run(s.name, f)
	}
	if len(asmSets) == 0 {
		t.Logf("no assembly kernels on this architecture")
	}
}

// useSet makes s the running kernel set; the function it returns puts
// back the selection it found.
func useSet(s *kernelSet) (restore func()) {
	oldSelected, oldAsm := selected, useAsm
	if s != portableSet {
		selected = s
	}
	useAsm = s != portableSet
	return func() { selected, useAsm = oldSelected, oldAsm }
}

// denseCase is one MatMulRequant problem with its reference answer.
type denseCase struct {
	m, n, k, lda, ldo int
	x, w              []int8
	bias              []int32 // the reference's bias, without the input offset
	inOff, outOff     int32
	mult, shift       []int32
	lo, hi            int32
	want              []int8 // [m][n], from ref.Dense
}

// weights returns n int8 weights: mostly the extremes 127 and -127,
// which give the largest pair sums, with random values between and, now
// and then, -128 (outside kiln's symmetric range, but exact all the same).
func weights(rng *rand.Rand, n int) []int8 {
	w := make([]int8, n)
	for i := range w {
		switch rng.IntN(7) {
		case 0, 1:
			w[i] = 127
		case 2, 3:
			w[i] = -127
		case 4:
			w[i] = -128
		default:
			w[i] = int8(rng.IntN(255) - 127)
		}
	}
	return w
}

// activations returns n int8 activations, -128 and 127 often.
func activations(rng *rand.Rand, n int) []int8 {
	x := make([]int8, n)
	for i := range x {
		switch rng.IntN(4) {
		case 0:
			x[i] = -128
		case 1:
			x[i] = 127
		default:
			x[i] = int8(rng.IntN(256) - 128)
		}
	}
	return x
}

// newCase builds a random problem. Multipliers are what QuantizeMultiplier
// returns for scales on either side of 1, negative ones and MinInt32
// included; biases span the int32 range so that the requantization sees
// every kind of input.
func newCase(rng *rand.Rand, m, n, k int, perChannel bool) *denseCase {
	c := &denseCase{m: m, n: n, k: k, lda: k + rng.IntN(3), ldo: n + rng.IntN(3)}
	c.x = activations(rng, (m-1)*c.lda+k)
	c.w = weights(rng, n*k)
	c.bias = make([]int32, n)
	for j := range c.bias {
		switch rng.IntN(3) {
		case 0:
			c.bias[j] = int32(rng.Uint32())
		default:
			c.bias[j] = int32(rng.IntN(1<<16) - 1<<15)
		}
	}
	c.inOff = int32(rng.IntN(256) - 127)
	if rng.IntN(8) == 0 {
		// No bias and no input offset: the kernels get a nil bias.
		clear(c.bias)
		c.inOff = 0
	}
	c.outOff = int32(rng.IntN(256) - 128)
	nq := 1
	if perChannel {
		nq = n
	}
	c.mult, c.shift = make([]int32, nq), make([]int32, nq)
	for j := range nq {
		switch rng.IntN(8) {
		case 0:
			c.mult[j] = math.MinInt32
		case 1:
			c.mult[j] = -int32(1<<30 + rng.IntN(1<<30))
		default:
			c.mult[j] = int32(1<<30 + rng.IntN(1<<30))
		}
		switch rng.IntN(4) {
		case 0:
			c.shift[j] = int32(rng.IntN(62) - 31) // [-31, 30]
		default:
			c.shift[j] = int32(-rng.IntN(16)) // typical: scales below 1
		}
	}
	c.lo, c.hi = -128, 127
	switch rng.IntN(4) {
	case 0:
		c.lo = int32(rng.IntN(256) - 128)
	case 1:
		c.lo, c.hi = int32(rng.IntN(256)-128), int32(rng.IntN(256)-128) // lo > hi allowed
	}
	c.reference()
	return c
}

// reference fills want with ref.Dense's answer.
func (c *denseCase) reference() {
	p := ref.DenseParams{Rows: c.m, In: c.k, Units: c.n, InputOffset: c.inOff, OutputOffset: c.outOff, ActMin: c.lo, ActMax: c.hi}
	for j := range c.mult {
		p.Out = append(p.Out, ref.Requant{Mult: c.mult[j], Shift: int(c.shift[j])})
	}
	in := make([]int8, c.m*c.k)
	for r := range c.m {
		copy(in[r*c.k:], c.x[r*c.lda:r*c.lda+c.k])
	}
	c.want = make([]int8, c.m*c.n)
	ref.Dense(&p, in, c.w, c.bias, c.want)
}

// kernelBias returns the bias MatMulRequant takes: the input offset times
// the row sums folded in, or nil if that is zero.
func (c *denseCase) kernelBias(p *PackedWeights) []int32 {
	bias := make([]int32, c.n)
	zero := true
	for j, s := range p.RowSums() {
		bias[j] = c.bias[j] + c.inOff*s
		zero = zero && bias[j] == 0
	}
	if zero {
		return nil
	}
	return bias
}

// run computes the case with MatMulRequant and compares bits; the padding
// between output rows must be left alone.
func (c *denseCase) run(t *testing.T, p *PackedWeights) {
	t.Helper()
	bias := c.kernelBias(p)
	const guard = 0x5a
	out := make([]int8, (c.m-1)*c.ldo+c.n)
	for i := range out {
		out[i] = guard
	}
	scratch := make([]int32, ScratchSize(p, c.m))
	for i := range scratch {
		scratch[i] = -1
	}
	MatMulRequant(c.m, c.x, c.lda, p, bias, c.mult, c.shift, c.outOff, c.lo, c.hi, out, c.ldo, scratch)
	for r := range c.m {
		for j := range c.n {
			if got, want := out[r*c.ldo+j], c.want[r*c.n+j]; got != want {
				t.Fatalf("m=%d n=%d k=%d per-channel=%v: out[%d][%d] = %d, want %d", c.m, c.n, c.k, len(c.mult) > 1, r, j, got, want)
			}
		}
		for j := c.n; j < c.ldo && r < c.m-1; j++ {
			if out[r*c.ldo+j] != guard {
				t.Fatalf("m=%d n=%d k=%d: wrote out[%d][%d] past the row", c.m, c.n, c.k, r, j)
			}
		}
	}
}

func TestMatMulRequantRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var cases []*denseCase
	for i := range 300 {
		cases = append(cases, newCase(rng, 1+rng.IntN(70), 1+rng.IntN(70), 1+rng.IntN(70), i%2 == 0))
	}
	eachKernel(t, func(t *testing.T) {
		for _, c := range cases {
			c.run(t, Pack(c.w, c.n, c.k))
		}
	})
}

func TestMatMulRequant1024(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, m := range []int{1, 64} {
		c := newCase(rng, m, 1024, 1024, m == 1)
		p := Pack(c.w, c.n, c.k)
		eachKernel(t, func(t *testing.T) { c.run(t, p) })
	}
}

// TestExtremeSums feeds the largest products: every weight ±127 and every
// activation -128 or 127, signs aligned so that each output's terms add up
// (the pair sums a saturating int16 kernel would clip).
func TestExtremeSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{1, 2, 3, 4, 5, 31, 64, 257} {
		c := newCase(rng, 7, 19, k, true)
		for i := range c.x {
			c.x[i] = []int8{-128, 127}[rng.IntN(2)]
		}
		for j := range c.n {
			for i := range k {
				// Same sign as x in row j%7 (all rows agree for even j).
				sign := int8(1)
				if c.x[(j%c.m)*c.lda+i] < 0 {
					sign = -1
				}
				if j%2 == 0 {
					sign = -1
				}
				c.w[j*k+i] = 127 * sign
			}
		}
		c.reference()
		p := Pack(c.w, c.n, c.k)
		eachKernel(t, func(t *testing.T) { c.run(t, p) })
	}
}

// TestRequantEdges checks the vector requantization against fixedpoint for
// sums at the int32 extremes, every shift and the saturating multiplier.
func TestRequantEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	vals := []int32{math.MinInt32, math.MinInt32 + 1, -1 << 30, -3, -2, -1, 0, 1, 2, 3, 1 << 30, math.MaxInt32 - 1, math.MaxInt32}
	// One output per (value, shift) pair; k = 1, x = 0, so the bias is the sum.
	var bias, mult, shift []int32
	for _, v := range vals {
		for s := -31; s <= 30; s++ {
			bias = append(bias, v)
			shift = append(shift, int32(s))
			switch rng.IntN(3) {
			case 0:
				mult = append(mult, math.MinInt32)
			case 1:
				mult = append(mult, math.MaxInt32)
			default:
				mult = append(mult, int32(rng.Uint32()))
			}
		}
	}
	// RoundingDivideByPOT's ties and their neighbours, small and near the
	// int32 limits: with multiplier MaxInt32 the high multiply moves its
	// input by at most 1, so a nearby sum reaches each target.
	for e := 1; e <= 31; e++ {
		half := int64(1) << (e - 1)
		for _, base := range []int64{0, 1 << e, -1 << e, (math.MaxInt32 >> e) << e, (math.MinInt32 >> e) << e, ((math.MaxInt32 >> e) - 1) << e} {
			for _, d := range []int64{-1, 0, 1} {
				for _, sign := range []int64{1, -1} {
					y := base + sign*half + d
					if y < math.MinInt32 || y > math.MaxInt32 {
						continue
					}
					for v := y - 2; v <= y+2; v++ {
						if v >= math.MinInt32 && v <= math.MaxInt32 && int64(fixedpoint.SaturatingRoundingDoublingHighMul(int32(v), math.MaxInt32)) == y {
							bias = append(bias, int32(v))
							shift = append(shift, int32(-e))
							mult = append(mult, math.MaxInt32)
							break
						}
					}
				}
			}
		}
	}
	// v << left reaches MinInt32 with the MinInt32 multiplier: the one
	// saturating product.
	for s := 0; s <= 30; s++ {
		bias = append(bias, math.MinInt32>>s)
		shift = append(shift, int32(s))
		mult = append(mult, math.MinInt32)
	}
	n := len(bias)
	p := Pack(make([]int8, n), n, 1)
	x := []int8{0}
	for _, lohi := range [][2]int32{{-128, 127}, {-5, 100}, {10, -10}} {
		want := make([]int8, n)
		for j := range n {
			v := fixedpoint.MultiplyByQuantizedMultiplier(bias[j], mult[j], int(shift[j])) + 3
			want[j] = int8(min(max(v, lohi[0]), lohi[1]))
		}
		eachKernel(t, func(t *testing.T) {
			out := make([]int8, n)
			MatMulRequant(1, x, 1, p, bias, mult, shift, 3, lohi[0], lohi[1], out, n, make([]int32, ScratchSize(p, 1)))
			for j := range n {
				if out[j] != want[j] {
					t.Fatalf("clamp %v: v=%d mult=%d shift=%d: got %d, want %d", lohi, bias[j], mult[j], shift[j], out[j], want[j])
				}
			}
		})
	}
}

func TestMatMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 50 {
		m, n, k := 1+rng.IntN(40), 1+rng.IntN(40), 1+rng.IntN(90)
		x, w := activations(rng, m*k), weights(rng, n*k)
		want := make([]int32, m*n)
		for r := range m {
			for j := range n {
				var s int32
				for i := range k {
					s += int32(x[r*k+i]) * int32(w[j*k+i])
				}
				want[r*n+j] = s
			}
		}
		p := Pack(w, n, k)
		eachKernel(t, func(t *testing.T) {
			got := make([]int32, m*n)
			MatMul(m, x, k, p, got, n, make([]int32, ScratchSize(p, m)))
			if !slices.Equal(got, want) {
				t.Fatalf("m=%d n=%d k=%d: sums differ", m, n, k)
			}
		})
	}
}

func TestPack(t *testing.T) {
	w := []int8{1, -2, 3, 127, -127, 5, 0, 7, 9, -9} // 2 x 5
	p := Pack(w, 2, 5)
	if p.N() != 2 || p.K() != 5 || !slices.Equal(p.RowSums(), []int32{1 - 2 + 3 + 127 - 127, 5 + 7 + 9 - 9}) {
		t.Fatalf("N, K, RowSums = %d, %d, %v", p.N(), p.K(), p.RowSums())
	}
	if len(p.w) != 2*32 || p.w[0] != 1 || p.w[3] != 127 || p.w[4] != 5 || p.w[32] != -127 || p.w[36] != -9 || p.w[33] != 0 {
		t.Fatalf("layout %v", p.w)
	}
}

func TestNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sh := range [][3]int{{1, 300, 784}, {64, 100, 300}, {784, 6, 25}, {5, 13, 70}} {
		m, n, k := sh[0], sh[1], sh[2]
		x, w := activations(rng, m*k), weights(rng, n*k)
		p := Pack(w, n, k)
		bias, mult, shift := make([]int32, n), []int32{1 << 30}, []int32{-7}
		out, acc, scratch := make([]int8, m*n), make([]int32, m*n), make([]int32, ScratchSize(p, m))
		rhsScratch := make([]int32, ScratchSizeRHS(p, m))
		eachKernel(t, func(t *testing.T) {
			a := testing.AllocsPerRun(10, func() {
				MatMulRequant(m, x, k, p, bias, mult, shift, 0, -128, 127, out, n, scratch)
				MatMulRequant(m, x, k, p, nil, mult, shift, 0, -128, 127, out, n, scratch)
				MatMul(m, x, k, p, acc, n, scratch)
				MatMulRequantRHS(m, x, m, p, bias, mult, shift, 0, -128, 127, out, m, rhsScratch)
			})
			if a != 0 {
				t.Errorf("%dx%dx%d: %v allocations per run", m, n, k, a)
			}
		})
	}
}

func TestPanics(t *testing.T) {
	p := Pack(make([]int8, 12), 3, 4)
	s := make([]int32, ScratchSize(p, 2))
	for name, f := range map[string]func(){
		"short x":       func() { MatMul(2, make([]int8, 7), 4, p, make([]int32, 6), 3, s) },
		"short scratch": func() { MatMul(2, make([]int8, 8), 4, p, make([]int32, 6), 3, s[:1]) },
		"short acc":     func() { MatMul(2, make([]int8, 8), 4, p, make([]int32, 5), 3, s) },
		"short mult": func() {
			MatMulRequant(2, make([]int8, 8), 4, p, nil, []int32{1, 2}, []int32{0}, 0, -128, 127, make([]int8, 6), 3, s)
		},
		"wide clamp": func() {
			MatMulRequant(2, make([]int8, 8), 4, p, nil, []int32{1}, []int32{0}, 0, -129, 127, make([]int8, 6), 3, s)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func ExampleMatMulRequant() {
	w := []int8{1, 2, 3, -1, -2, -3} // 2 outputs x 3 inputs
	p := Pack(w, 2, 3)
	x := []int8{10, 20, 30}
	out := make([]int8, 2)
	scratch := make([]int32, ScratchSize(p, 1))
	// Multiplier 2^30 with shift -3: 0.5 * 2^-3 = 1/16.
	MatMulRequant(1, x, 3, p, nil, []int32{1 << 30}, []int32{-3}, 0, -128, 127, out, 2, scratch)
	fmt.Println(out)
	// Output: [9 -9]
}

// runRHS computes the case with MatMulRequantRHS on the transposed
// activations (col[i][r] = x[r][i]) and compares with want transposed.
func (c *denseCase) runRHS(t *testing.T, p *PackedWeights) {
	t.Helper()
	ldc := c.m + c.lda - c.k // some slack, as in the row-major case
	col := activations(rand.New(rand.NewPCG(uint64(c.m), uint64(c.k))), (c.k-1)*ldc+c.m)
	for r := range c.m {
		for i := range c.k {
			col[i*ldc+r] = c.x[r*c.lda+i]
		}
	}
	bias := c.kernelBias(p)
	ldo := c.m + c.ldo - c.n
	const guard = 0x5a
	out := make([]int8, (c.n-1)*ldo+c.m)
	for i := range out {
		out[i] = guard
	}
	scratch := make([]int32, ScratchSizeRHS(p, c.m))
	for i := range scratch {
		scratch[i] = -1
	}
	MatMulRequantRHS(c.m, col, ldc, p, bias, c.mult, c.shift, c.outOff, c.lo, c.hi, out, ldo, scratch)
	for j := range c.n {
		for r := range c.m {
			if got, want := out[j*ldo+r], c.want[r*c.n+j]; got != want {
				t.Fatalf("cols=%d n=%d k=%d per-channel=%v: out[%d][%d] = %d, want %d", c.m, c.n, c.k, len(c.mult) > 1, j, r, got, want)
			}
		}
		for r := c.m; r < ldo && j < c.n-1; r++ {
			if out[j*ldo+r] != guard {
				t.Fatalf("cols=%d n=%d k=%d: wrote out[%d][%d] past the row", c.m, c.n, c.k, j, r)
			}
		}
	}
}

func TestMatMulRequantRHSRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	var cases []*denseCase
	for i := range 300 {
		cases = append(cases, newCase(rng, 1+rng.IntN(70), 1+rng.IntN(70), 1+rng.IntN(70), i%2 == 0))
	}
	// Column counts that need several blocks.
	cases = append(cases, newCase(rng, 2000, 13, 150, true), newCase(rng, 1999, 3, 1000, false))
	eachKernel(t, func(t *testing.T) {
		for _, c := range cases {
			c.runRHS(t, Pack(c.w, c.n, c.k))
		}
	})
}

// im2col builds the [C*KH*KW][OH*OW] patch matrix of one NCHW sample for a
// convolution with one group, the zero point in the padding.
func im2col(p *ref.ConvParams, x []int8, zero int8) []int8 {
	k, pp := p.C*p.KH*p.KW, p.OH*p.OW
	col := make([]int8, k*pp)
	for c := range p.C {
		for ky := range p.KH {
			for kx := range p.KW {
				row := col[((c*p.KH+ky)*p.KW+kx)*pp:]
				for oy := range p.OH {
					iy := oy*p.StrideH - p.PadH + ky*p.DilationH
					for ox := range p.OW {
						ix := ox*p.StrideW - p.PadW + kx*p.DilationW
						v := zero
						if iy >= 0 && iy < p.H && ix >= 0 && ix < p.W {
							v = x[(c*p.H+iy)*p.W+ix]
						}
						row[oy*p.OW+ox] = v
					}
				}
			}
		}
	}
	return col
}

// TestConvRHS runs LeNet-5's convolutions (and a strided, dilated one)
// through im2col and MatMulRequantRHS and compares with ref.Conv.
func TestConvRHS(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, p := range []ref.ConvParams{
		{N: 1, C: 1, H: 28, W: 28, F: 6, KH: 5, KW: 5, OH: 28, OW: 28, StrideH: 1, StrideW: 1, PadH: 2, PadW: 2, DilationH: 1, DilationW: 1, Groups: 1},
		{N: 1, C: 6, H: 14, W: 14, F: 16, KH: 5, KW: 5, OH: 10, OW: 10, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1},
		{N: 1, C: 3, H: 11, W: 9, F: 10, KH: 3, KW: 2, OH: 5, OW: 5, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilationH: 2, DilationW: 1, Groups: 1},
	} {
		p.InputOffset, p.OutputOffset = int32(rng.IntN(256)-127), int32(rng.IntN(256)-128)
		p.ActMin, p.ActMax = -128, 127
		k := p.C * p.KH * p.KW
		for range p.F {
			m, s := fixedpoint.QuantizeMultiplier(0.0001 + rng.Float64()*0.01)
			p.Out = append(p.Out, ref.Requant{Mult: m, Shift: s})
		}
		x, w := activations(rng, p.C*p.H*p.W), weights(rng, p.F*k)
		bias := make([]int32, p.F)
		for f := range bias {
			bias[f] = int32(rng.IntN(1<<14) - 1<<13)
		}
		want := make([]int8, p.F*p.OH*p.OW)
		ref.Conv(&p, x, w, bias, want)

		pw := Pack(w, p.F, k)
		col := im2col(&p, x, int8(-p.InputOffset))
		fbias := make([]int32, p.F)
		mult, shift := make([]int32, p.F), make([]int32, p.F)
		for f, s := range pw.RowSums() {
			fbias[f] = bias[f] + p.InputOffset*s
			mult[f], shift[f] = p.Out[f].Mult, int32(p.Out[f].Shift)
		}
		eachKernel(t, func(t *testing.T) {
			pp := p.OH * p.OW
			got := make([]int8, p.F*pp)
			MatMulRequantRHS(pp, col, pp, pw, fbias, mult, shift, p.OutputOffset, p.ActMin, p.ActMax, got, pp, make([]int32, ScratchSizeRHS(pw, pp)))
			if !slices.Equal(got, want) {
				t.Fatalf("%+v: result differs from ref.Conv", p)
			}
		})
	}
}

func TestKernelName(t *testing.T) {
	defer useSet(portableSet)()
	UsePortable(true)
	if got := KernelName(); got != "portable" {
		t.Errorf("KernelName() = %q after UsePortable(true)", got)
	}
	UsePortable(false)
	if got := KernelName(); got != selected.name {
		t.Errorf("KernelName() = %q after UsePortable(false), want %q", got, selected.name)
	}
}

// TestQuantizeMatchesReference compares Quantize with ref.Quantize on
// random values at many scales and on the edge cases: halves, the largest
// float32 below a half, infinities, NaN, huge quotients and zero points
// at the int32 bounds.
func TestQuantizeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	in := []float32{0, float32(math.Copysign(0, -1)), 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 126.5, -127.5, -128.5, 127.49999,
		math.Nextafter32(0.5, 0), -math.Nextafter32(0.5, 0), 1e-30, -1e-30, math.MaxFloat32, -math.MaxFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1 << 24, -(1 << 24), 1<<24 + 2, 3e9, -3e9}
	for range 20000 {
		in = append(in, float32(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(12)-6))))
		in = append(in, float32(rng.IntN(600)-300)+0.5)
	}
	scales := []float32{1, 0.5, 0.1, 0.0039215689, 3.3e-5, 7, 1e-38, 1e30, float32(math.SmallestNonzeroFloat32)}
	zeros := []int32{0, -128, 127, 5, math.MaxInt32, math.MinInt32, 1000, -1000}
	got, want := make([]int8, len(in)), make([]int8, len(in))
	eachKernel(t, func(t *testing.T) {
		for _, s := range scales {
			for _, z := range zeros {
				// Offsets 0-31 shift values between the vector body and
				// the scalar tail.
				for _, off := range []int{0, 5, 31} {
					Quantize(s, z, in[off:], got[off:])
					ref.Quantize(s, z, in[off:], want[off:])
					for i := off; i < len(in); i++ {
						if got[i] != want[i] {
							t.Fatalf("Quantize(%g / %g + %d) = %d, reference %d", in[i], s, z, got[i], want[i])
						}
					}
				}
			}
		}
	})
}

// TestDequantizeMatchesReference compares Dequantize (on every kernel
// set, the vector kernel where there is one) and DequantizePortable with
// ref.Dequantize, bit for bit: every int8, lengths and offsets across the
// vector body and its tail, zero points in and beyond the kernel's range,
// scales from subnormal to the largest float.
func TestDequantizeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	in := make([]int8, 1000)
	for i := range in {
		in[i] = int8(rng.IntN(256) - 128)
	}
	for i := range 256 {
		in[i] = int8(i - 128)
	}
	scales := []float32{1, 0.5, 0.0039215689, 3.3e-5, 7.25, 1e-38, float32(math.SmallestNonzeroFloat32), 1e35, math.MaxFloat32}
	zeros := []int32{0, -128, 127, 5, 1 << 16, -1 << 16, 1<<16 + 1, 1 << 30, math.MinInt32}
	got, want := make([]float32, len(in)), make([]float32, len(in))
	check := func(t *testing.T, name string, f func(float32, int32, []int8, []float32)) {
		for _, s := range scales {
			for _, z := range zeros {
				for _, off := range []int{0, 5, 31, 990} {
					f(s, z, in[off:], got[off:])
					ref.Dequantize(s, z, in[off:], want[off:])
					for i := off; i < len(in); i++ {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s(%d, scale %g, zero %d) = %g, reference %g", name, in[i], s, z, got[i], want[i])
						}
					}
				}
			}
		}
	}
	eachKernel(t, func(t *testing.T) { check(t, "Dequantize", Dequantize) })
	check(t, "DequantizePortable", DequantizePortable)
}

// TestDequantizeCheck: a vector kernel that is off by one bit anywhere is
// refused at init (checkDequantize), and the one this machine runs, if
// any, passed.
func TestDequantizeCheck(t *testing.T) {
	broken := func(n int, in *int8, scale float32, zero int32, out *float32) {
		xs, ys := unsafe.Slice(in, n), unsafe.Slice(out, n)
		for i, q := range xs {
			ys[i] = float32(float64(scale) * float64(int32(q)-zero))
			if q == 77 && scale > 1e30 {
				ys[i] = math.Nextafter32(ys[i], 0)
			}
		}
	}
	if checkDequantize(broken) != nil {
		t.Error("a kernel off by one bit passed the check")
	}
	if checkDequantize(func(n int, in *int8, scale float32, zero int32, out *float32) {
		DequantizePortable(scale, zero, unsafe.Slice(in, n), unsafe.Slice(out, n))
	}) == nil {
		t.Error("the portable computation failed the check")
	}
	if haveAsm && runtime.GOARCH == "amd64" && dequantizeSIMD == nil {
		t.Error("the AVX2 kernel failed its check on this machine")
	}
}

// TestMaxPool compares MaxPool with ref.MaxPool on the 2x2 fast path (odd
// sizes included, whose last row and column no window reads), with
// clamps, and on geometries that take the reference path.
func TestMaxPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	eachKernel(t, func(t *testing.T) { testMaxPool(t, rng) })
}

func testMaxPool(t *testing.T, rng *rand.Rand) {
	type geo struct{ c, h, w, k, s, pad int }
	for _, g := range []geo{{1, 2, 2, 2, 2, 0}, {6, 28, 28, 2, 2, 0}, {16, 10, 10, 2, 2, 0}, {3, 7, 9, 2, 2, 0},
		{2, 1, 8, 2, 2, 0}, {4, 9, 9, 3, 2, 1}, {2, 6, 6, 2, 1, 0},
		// The vector path: widths of one block of 16 or 8, overlapping
		// blocks, many blocks; odd heights (a row left over per plane).
		{3, 4, 16, 2, 2, 0}, {2, 6, 18, 2, 2, 0}, {2, 4, 8, 2, 2, 0}, {3, 5, 12, 2, 2, 0}, {2, 2, 14, 2, 2, 0}, {5, 7, 30, 2, 2, 0}, {2, 8, 64, 2, 2, 0}, {1, 3, 100, 2, 2, 0}} {
		oh, ow := (g.h+2*g.pad-g.k)/g.s+1, (g.w+2*g.pad-g.k)/g.s+1
		if oh < 1 || ow < 1 {
			continue
		}
		for _, clamp := range [][2]int32{{-128, 127}, {-20, 127}, {-128, 30}, {5, 6}} {
			p := ref.PoolParams{N: 3, C: g.c, H: g.h, W: g.w, KH: g.k, KW: g.k, StrideH: g.s, StrideW: g.s,
				PadH: g.pad, PadW: g.pad, OH: oh, OW: ow, ActMin: clamp[0], ActMax: clamp[1]}
			in := activations(rng, p.N*p.C*p.H*p.W)
			got, want := make([]int8, p.N*p.C*oh*ow), make([]int8, p.N*p.C*oh*ow)
			MaxPool(&p, in, got)
			ref.MaxPool(&p, in, want)
			if !slices.Equal(got, want) {
				t.Errorf("%+v: MaxPool differs from the reference", p)
			}
		}
	}
	// 1-D pooling: 1x2 windows with stride 2 along rows (odd widths leave
	// a column), and 1x2 windows with stride 1, which take the reference.
	for _, g := range [][4]int{{4, 1, 64, 2}, {3, 1, 7, 2}, {2, 3, 10, 2}, {1, 1, 2, 2}, {5, 1, 33, 2}, {2, 2, 9, 1}} {
		c, h, w, s := g[0], g[1], g[2], g[3]
		ow := (w-2)/s + 1
		for _, clamp := range [][2]int32{{-128, 127}, {-20, 127}, {-128, 30}, {5, 6}} {
			p := ref.PoolParams{N: 3, C: c, H: h, W: w, KH: 1, KW: 2, StrideH: 1, StrideW: s,
				OH: h, OW: ow, ActMin: clamp[0], ActMax: clamp[1]}
			in := activations(rng, p.N*p.C*p.H*p.W)
			got, want := make([]int8, p.N*p.C*h*ow), make([]int8, p.N*p.C*h*ow)
			MaxPool(&p, in, got)
			ref.MaxPool(&p, in, want)
			if !slices.Equal(got, want) {
				t.Errorf("%+v: MaxPool differs from the reference", p)
			}
		}
	}
}
