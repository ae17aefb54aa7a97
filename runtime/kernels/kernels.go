// Package kernels holds the VM's int8 matrix products: the kernel behind
// dense layers (MatMulRequant: activations [m][k] times weights [n][k]
// transposed, out [m][n]) and, after im2col, convolutions
// (MatMulRequantRHS: weights [F][K] times patches [K][P], out [F][P], the
// NCHW result). Both requantize as TensorFlow Lite does. Weights are
// packed once per model (Pack); each call takes caller-owned scratch
// (ScratchSize, ScratchSizeRHS) and allocates nothing. Quantize (float
// inputs to int8) and MaxPool are the other kernels a model's hot path
// runs; the VM takes the remaining ops from the reference kernels.
//
// Every kernel gives exactly the bits of the reference kernels in
// runtime/kernels/ref: they sum the same int8 products in int32, where
// wrapping addition gives the same bits in any order, and apply the same
// fixed-point requantization, edge cases included.
//
// There are two implementations, chosen at init: portable Go, and on amd64
// with AVX2 an assembly one. KILN_PORTABLE=1 in the environment, or
// UsePortable, forces the portable one; both read the same PackedWeights.
//
// # The AVX2 product
//
// An int8 x int8 product needs one operand unsigned on x86 (VPMADDUBSW,
// VPDPBUSD). The usual trick of shifting activations to u8 (x XOR 0x80)
// and subtracting 128*rowsum afterwards is exact with VPDPBUSD, which
// accumulates in int32, but not with VPMADDUBSW: it saturates its int16
// pair sums, and 255*127*2 = 64770 does not fit. The AVX2 kernel instead
// sign-extends the weights to int16 as it reads them (VPMOVSXBW, so that
// they stay int8 in memory: a matrix-vector product is bound by reading
// them) and multiplies them by the activations, widened to int16 once per
// call, with VPMADDWD, whose pair sums cannot overflow int32 for any int8
// inputs (-128 included). Each 16 products cost one VPMADDWD and one
// VPADDD.
//
// The exact alternative with VPMADDUBSW moves x's sign onto the weights,
// VPMADDUBSW(|x|, sign(x)*w) (|x| <= 128 and |w| <= 127 bound a pair sum
// by 32512; it breaks for w = -128), and widens the int16 pair sums with a
// VPMADDWD by ones: per 32 products a VPSIGNB, a VPMADDUBSW, a VPMADDWD
// and a VPADDD against two VPMOVSXBW, two VPMADDWD and two VPADDD. Fewer
// instructions, but on the Zen 3 core the kernels were tuned on VPSIGNB
// competes with the multiplies for the same two pipes: three
// multiplier-pipe instructions per 32 products instead of two. Measured,
// it was no faster for matrix-vector products (41-47 against 49 GMAC/s,
// one row times 4-8 panels in L1), and in matrix products, where the
// VPMOVSXBW is shared by six rows, the VPSIGNB is still needed per row.
// Splitting the
// operands so that plain VPMADDUBSW cannot saturate costs a second
// multiply per product vector. Preloading the weights as int16, or
// activations replicated so that VPMADDWD reads them from memory without a
// broadcast, gained under 10% in isolation for twice or four times the
// memory, and was not kept.
//
// The products run in tiles of R rows by 8P outputs (R*P <= 6, or one row
// by up to 4 panels for matrix-vector products), with 2*R*P YMM
// accumulators; gen_amd64.go generates them. Rows are processed in blocks
// whose sums and widened activations stay in L2, and the requantization
// is vectorized too (VPMULDQ for the 64-bit doubling high multiply).
//
// On that core (an AMD EPYC of the Zen 3 generation, 32 KiB L1d and 512
// KiB L2 per core) at most two VPMADDWD issue per cycle: 32 multiply-adds
// per cycle, 93-99 GMAC/s at 2.9-3.1 GHz, is the ceiling of any VPMADDWD
// scheme. Measured there, a loop of nothing but the 6x8 tile's arithmetic
// (12 VPMADDWD and 12 VPADDD on registers) runs at 67-70 GMAC/s, the 6x8
// tile with its operands in L1 at 61-67 (BenchmarkTile), and a whole
// 64x1024x1024 product at about 55 (BenchmarkMatMulRequant).
//
// There is no AVX-512 VNNI kernel yet: VPDPBUSD (u8 x s8 quads into int32,
// no saturation, with the 128*rowsum correction that RowSums provides) is
// the design's fast path, and the packed layout (four k per 32-bit lane)
// is the one it reads, but the machine these kernels are developed and
// tested on has no AVX-512, and a kernel that cannot be run here cannot
// be shown to give the reference's bits.
//
// # The portable product
//
// Go gives portable code no vector instructions, so the portable kernels
// make each scalar multiply do several products. They lay the weights
// out a second time (lanes.go; built by the first portable product, or
// by Pack when the portable kernels are selected): per k, the weights of
// two or three outputs in one 64-bit word, 21 bits apart, so that
// multiplying the word by one activation gives two or three int8
// products in separate lanes. A lane holds the sum of up to 63 products
// exactly (each lies in [-16256, 16384], 63 of them in [-2^20, 2^20));
// after at most 63 k the lanes are separated and added to int32 sums,
// which wrap as the reference's do, so k has no limit. A panel step holds
// six float64 words of two outputs and three int64 words of three (21
// outputs), so that the floating-point multipliers and the integer one
// work at once: every value is an integer below 2^53, on which float64
// arithmetic is exact. A row's dot product streams through one panel,
// the rows of a batch one after another through the same panel; a
// convolution's patch columns are gathered into a contiguous buffer
// first. 32-bit targets, where 64-bit multiplies are not native, keep the
// plain kernel (eight outputs per pass of four k over the packed layout).
//
// On the Zen 3 EPYC above (two cores shared with other work), a dense
// 1024x1024 layer runs at 7.6 GMAC/s at batch 1 and 7.7 at batch 64
// (BenchmarkMatMulRequant/dense1024/*/portable, medians of six), against
// 1.7 for the plain kernel. Lanes of int64 words alone (one multiplier)
// gave about 6; eight float64 words instead of six made the compiler
// spill accumulators and gave 5.5. The lane layout takes 72 bytes per k
// for 21 outputs, 3.4 times the int8 weights, paid only by weights the
// portable kernels run.
package kernels

import (
	"fmt"
	"os"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// useAsm selects the assembly kernels; haveAsm reports that the CPU
// supports them.
var useAsm = haveAsm && os.Getenv("KILN_PORTABLE") != "1"

// UsePortable forces (on) or releases (off) the portable kernels. At init
// the assembly kernels are chosen when the CPU supports them, unless
// KILN_PORTABLE=1 is set. It must not be called while kernels run.
func UsePortable(on bool) { useAsm = haveAsm && !on }

// KernelName reports the active kernels: "portable" or "avx2".
func KernelName() string {
	if useAsm {
		return asmName
	}
	return "portable"
}

// chunkBytes bounds the scratch one block of rows uses (int32 sums and
// widened activations), so that the block stays in a core's L2 cache.
const chunkBytes = 192 << 10

// chunkRows returns how many rows of x one block processes: all m if
// they fit in chunkBytes, else a multiple of 6 (the tile height).
func chunkRows(p *PackedWeights, m int) int {
	per := p.np*8*4 + p.kq*8
	c := max(6, chunkBytes/per/6*6)
	return min(m, c)
}

// scratchHead is the scratch reserved for 8-lane copies of a zero bias,
// per-tensor multipliers and shifts and of the last partial group's
// requantization values.
const scratchHead = 48

// ScratchSize is the number of int32 elements of scratch MatMulRequant and
// MatMul need for m rows of activations with weights p; callers allocate
// it once, so that the products allocate nothing. (The 2 at the end are
// slack for the widened activations' padding.)
func ScratchSize(p *PackedWeights, m int) int {
	if m < 1 {
		return 0
	}
	c := chunkRows(p, m)
	return scratchHead + c*p.np*8 + c*p.kq*2 + 2
}

// MatMulRequant computes, for r < m and j < n = p.N():
//
//	acc = sum over i < k of x[r*lda+i] * w[j][i]     int32, wrapping
//	v   = acc + bias[j]                              (bias nil: 0)
//	v   = fixedpoint.MultiplyByQuantizedMultiplier(v, mult[j], shift[j]) + outOffset
//	out[r*ldo+j] = int8(min(max(v, actMin), actMax))
//
// The bias carries the input offset folded in: bias_j + inOffset*RowSums()[j]
// gives TFLite's (x + inOffset) * w. mult and shift have n elements (per
// channel) or 1 (per tensor), each shift in [-31, 30] as
// MultiplyByQuantizedMultiplier requires; actMin and actMax lie in the int8
// range. scratch has at least ScratchSize(p, m) elements. It allocates
// nothing and starts no goroutines; it panics on inconsistent arguments.
func MatMulRequant(m int, x []int8, lda int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	matMulRequant(useAsm, m, x, lda, p, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

// MatMulRequantPortable is MatMulRequant run by the portable kernels
// whatever the CPU, for callers that choose kernels per model rather than
// per process.
func MatMulRequantPortable(m int, x []int8, lda int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	matMulRequant(false, m, x, lda, p, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

func matMulRequant(asm bool, m int, x []int8, lda int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	checkProduct("MatMulRequant", m, x, lda, p, scratch)
	n := p.n
	if m == 0 {
		return
	}
	checkRequant("MatMulRequant", n, bias, mult, shift, actMin, actMax)
	if ldo < n || len(out) < (m-1)*ldo+n {
		panic(fmt.Sprintf("kernels: MatMulRequant: out of length %d with stride %d cannot hold %dx%d", len(out), ldo, m, n))
	}
	rq := requant{bias: bias, mult: mult, shift: shift, off: outOffset, lo: actMin, hi: actMax}
	if asm {
		matMulRequantAsm(m, x, lda, p, &rq, out, ldo, scratch)
		return
	}
	matMulRequantPortable(m, x, lda, p, &rq, out, ldo, scratch)
}

// MatMul computes the int32 products alone: acc[r*ldacc+j] = sum over i of
// x[r*lda+i] * w[j][i], wrapping, for r < m and j < p.N(). scratch has at
// least ScratchSize(p, m) elements.
func MatMul(m int, x []int8, lda int, p *PackedWeights, acc []int32, ldacc int, scratch []int32) {
	checkProduct("MatMul", m, x, lda, p, scratch)
	if m == 0 {
		return
	}
	if ldacc < p.n || len(acc) < (m-1)*ldacc+p.n {
		panic(fmt.Sprintf("kernels: MatMul: acc of length %d with stride %d cannot hold %dx%d", len(acc), ldacc, m, p.n))
	}
	if useAsm {
		matMulAsm(m, x, lda, p, acc, ldacc, scratch)
		return
	}
	matMulPortable(m, x, lda, p, acc, ldacc)
}

func checkProduct(name string, m int, x []int8, lda int, p *PackedWeights, scratch []int32) {
	if m < 0 {
		panic(fmt.Sprintf("kernels: %s: %d rows", name, m))
	}
	if m == 0 {
		return
	}
	if lda < p.k || len(x) < (m-1)*lda+p.k {
		panic(fmt.Sprintf("kernels: %s: x of length %d with stride %d cannot hold %dx%d", name, len(x), lda, m, p.k))
	}
	if need := ScratchSize(p, m); len(scratch) < need {
		panic(fmt.Sprintf("kernels: %s: scratch of %d int32, need %d", name, len(scratch), need))
	}
}

// requant holds one call's output rescaling.
type requant struct {
	bias, mult, shift []int32
	off, lo, hi       int32
}

// apply rescales output j's sum a, exactly as the reference does.
func (q *requant) apply(a int32, j int) int8 {
	if q.bias != nil {
		a += q.bias[j]
	}
	m, s := q.mult[0], q.shift[0]
	if len(q.mult) != 1 {
		m = q.mult[j]
	}
	if len(q.shift) != 1 {
		s = q.shift[j]
	}
	v := fixedpoint.MultiplyByQuantizedMultiplier(a, m, int(s)) + q.off
	return int8(min(max(v, q.lo), q.hi))
}
