// Package kernels holds the VM's int8 matrix products: the kernel behind
// dense layers (MatMulRequant: activations [m][k] times weights [n][k]
// transposed, out [m][n]) and, after im2col, convolutions
// (MatMulRequantRHS: weights [F][K] times patches [K][P], out [F][P], the
// NCHW result). Both requantize as TensorFlow Lite does. Weights are
// packed once per model (Pack); each call takes caller-owned scratch
// (ScratchSize, ScratchSizeRHS) and allocates nothing. Quantize (float
// inputs to int8), MaxPool, DepthwiseGrid (a depthwise convolution
// without the patch matrix: on the sets with AVX2, 16 columns of a
// channel's padded plane at each tap's offset, taps multiplied in pairs
// with VPMADDWD) and SumInt8 are the other kernels a model's hot path
// runs; the VM takes the remaining ops from the reference kernels.
//
// Every kernel gives exactly the bits of the reference kernels in
// runtime/kernels/ref: they sum the same int8 products in int32, where
// wrapping addition gives the same bits in any order, and apply the same
// fixed-point requantization, edge cases included.
//
// There are kernel sets: portable Go, and on amd64 assembly ones (amx,
// avx512vnni, avxvnni, avx2, best first). At init the best set the CPU runs is selected, and only if it
// reproduces the portable kernels' bits on a built-in problem (a kernel
// that miscomputes on an unseen CPU must never give wrong numbers; see
// select.go). KILN_KERNELS=portable|avx2|... in the environment, or
// UsePortable, forces one; all read the same PackedWeights.
//
// On arm64 the assembly kernels are one of two sets (neon_arm64.s), chosen
// at init by the CPU: "sdot" where it has the ARMv8.2 dot product (SDOT
// sums four int8 products into each int32 lane, exactly), "neon" elsewhere
// (SMULL puts one product in each int16 lane, at most 128*128 = 16384 in
// magnitude, and SADALP widens pairs of lanes into int32: no two products
// are summed in 16 bits, where -128*-128 twice would overflow). Both run
// tiles of up to 4 rows by one panel (one row by four panels for
// matrix-vector products) over the packed layout as it is, each row's
// quad replicated into every lane; convolutions take the filters, in
// place, as the tiles' rows and repack the activation columns into panels.
// The requantization is vectorized too (SQRDMULH and SRSHL, which give the
// reference's roundings). A self-test at init keeps a set the CPU
// misexecutes from being used. The tests run them under qemu-user (make
// test-arm64); their speed on arm64 hardware has not been measured.
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
// # The VPDPBUSD sets
//
// VPDPBUSD adds, into each 32-bit lane, the four products of u8 bytes of
// one operand and s8 bytes of the other, without saturation: exact. One
// int8 operand is shifted to u8 by adding 128 (XOR 0x80) and 128 times
// the other's sum taken back at the end, which is exact in wrapping
// int32.
//
// avx512vnni runs on zmm (zmm_amd64.go, dot_zmm_amd64.s): 16 outputs a
// register. Its weights get their own layout, built by the first product
// that uses them (or by Pack when the set is selected): panels of 16
// outputs, four k a lane, each weight plus 128 as a u8, zero past the
// matrix. The activations are then the signed operand and are read in
// place, a row's quad broadcast from memory (a copy, zero-padded, only
// when k is not a multiple of 4); each row's 128*sum(x) (VPSADBW, once a
// call) is taken back when a tile ends. Tiles go up to 6 rows by 4
// panels (24 accumulators, 4 weight registers and the broadcast of the
// 32 zmm registers) or one row by 8, and the requantization runs 16
// outputs at a time, the last group under a lane mask. On a Zen 5 core
// (AMD EPYC, "Turin-like" virtual CPU) its bare loop of 24 VPDPBUSD zmm
// reaches 410-465 GMAC/s and a 64x1024x1024 product about 375
// (BenchmarkMatMulRequant), 80-90% of it.
//
// avxvnni (the VEX form, ymm only, which Go's assembler does not know:
// written as bytes, each with its instruction in a comment, checked with
// objdump) runs the same scheme over the same layout with ymm tiles, a
// zmm panel's two halves in two accumulators: up to 6 rows by one panel
// or one row by 6 (12 accumulators of the 16 YMM registers), then the
// AVX2 requantization; on the Zen 5 core it reaches about 195 GMAC/s on
// the 64x1024x1024 product against 210-230 for its bare loop of 12
// VPDPBUSD ymm. The Go side of both (the layout, the padded copy, the
// correction, the tiling) is tested everywhere with the tiles emulated
// in Go (TestVNNIGoSide); the tiles themselves and the zmm
// requantization only on a CPU with the instructions. Their convolution
// products run the AVX2 set's column repacking (8 columns by 4 k per
// 32-byte quad, the packed layout) with the weights, as they are packed,
// as the broadcast signed operand and the columns flipped to u8 as they
// are loaded, 128 times each filter's weight sum taken back (corr):
// tiles of up to 8 filters (one weight panel) by 3 column panels on
// EVEX ymm for avx512vnni, by one panel on VEX for avxvnni
// (dot_rhs_amd64.s). The self-test at init keeps a set that miscomputes
// from running.
//
// # The AMX set
//
// amx runs dense products of 16 rows or more as TDPBSSD tile products
// (signed by signed bytes, four a lane, into int32: exact with no
// correction), one panel of 8 columns for up to 16 rows per call: A is x
// copied into rows of whole 64-byte chunks (zeros past k), B a panel's
// quads as they are packed (16 quads a chunk; the last chunk reads past
// the panel into the next one or Pack's slack, meeting A's zeros). Each
// call loads the tile configuration and releases the tiles, since a
// goroutine can change threads between calls; Linux's permission for
// the tile data is asked once, when the set is considered. Go's assembler
// has no AMX mnemonics, so the instructions are bytes (checked with GNU
// as and objdump). Fewer rows run the avx512vnni set's product, and
// convolutions AVX2's. Like the VPDPBUSD sets, its Go side is tested with
// the tiles emulated (TestAMXGoSide) and the tiles only on a CPU with AMX.
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

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// useAsm runs the selected assembly set (see select.go) rather than the
// portable kernels.
var useAsm bool

// UsePortable forces (on) or releases (off) the portable kernels. At init
// the best kernel set the CPU runs is selected, one that passes its
// self-test, unless KILN_KERNELS names one (KILN_PORTABLE=1 is
// KILN_KERNELS=portable). It must not be called while kernels run.
func UsePortable(on bool) { useAsm = selected != portableSet && !on }

// KernelName reports the active kernel set: "portable", or the
// selected assembly set ("avx2").
func KernelName() string {
	if useAsm {
		return selected.name
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
	// The sums, in rows of 8-output panels (16 for the zmm tiles); a
	// correction a row (zmm); x widened (int16 quads) or copied in rows
	// of whole quads (zmm); or the amx set's blocks.
	return max(scratchHead+c*(p.np*8+8)+c+max(c*p.kq*2+2, c*p.kq), amxScratchSize(p, m))
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
// nothing (but for the portable kernels' lane layout, once per weights
// packed while an assembly set ran: see lanes.go) and starts no
// goroutines; it panics on inconsistent arguments.
func MatMulRequant(m int, x []int8, lda int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	matMulRequant(active(), m, x, lda, p, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

// MatMulRequantPortable is MatMulRequant run by the portable kernels
// whatever the CPU, for callers that choose kernels per model rather than
// per process.
func MatMulRequantPortable(m int, x []int8, lda int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	matMulRequant(portableSet, m, x, lda, p, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

func matMulRequant(set *kernelSet, m int, x []int8, lda int, p *PackedWeights, bias []int32, mult []int32, shift []int32,
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
	set.matMulRequant(m, x, lda, p, requant{bias: bias, mult: mult, shift: shift, off: outOffset, lo: actMin, hi: actMax}, out, ldo, scratch)
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
