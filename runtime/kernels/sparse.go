// The sparse matrix product, for dense layers whose weights are mostly
// zero (pruned networks).

package kernels

import "fmt"

// SparseWeights is an int8 weight matrix [n][k] stored by its non-zero
// weights, row by row (compressed sparse rows): row j's non-zeros are
// cols[start[j]:start[j+1]] and vals[start[j]:start[j+1]], in increasing
// column order. Like PackedWeights it is built once per model and then
// read-only.
//
// A zero weight adds nothing to an int32 sum, so visiting only the
// non-zeros gives exactly the sums of the dense kernels; the input offset
// stays in the bias, folded in with the row sums, which are the same
// whether the zeros are stored or not.
type SparseWeights struct {
	n, k  int
	start []int32 // n+1 offsets into cols and vals
	cols  []int32
	vals  []int32 // the weights widened once, so the loops load no bytes
	sums  []int32
}

// Sparsify stores w ([n][k], row-major) by its non-zeros. It panics
// unless n, k >= 1 and len(w) == n*k, and where the non-zeros cannot be
// indexed by an int32.
func Sparsify(w []int8, n, k int) *SparseWeights {
	if n < 1 || k < 1 || len(w) != n*k || int64(len(w)) > 1<<31-1 {
		panic(fmt.Sprintf("kernels: Sparsify: %d weights for an %dx%d matrix", len(w), n, k))
	}
	nz := 0
	for _, v := range w {
		if v != 0 {
			nz++
		}
	}
	s := &SparseWeights{n: n, k: k, start: make([]int32, n+1), cols: make([]int32, 0, nz), vals: make([]int32, 0, nz), sums: make([]int32, n)}
	for j := range n {
		var sum int32
		for i, v := range w[j*k : (j+1)*k] {
			if v != 0 {
				s.cols = append(s.cols, int32(i))
				s.vals = append(s.vals, int32(v))
				sum += int32(v)
			}
		}
		s.start[j+1] = int32(len(s.cols))
		s.sums[j] = sum
	}
	return s
}

// Density returns the fraction of the weights that are not zero.
func Density(w []int8) float64 {
	if len(w) == 0 {
		return 0
	}
	nz := 0
	for _, v := range w {
		if v != 0 {
			nz++
		}
	}
	return float64(nz) / float64(len(w))
}

// N returns the number of outputs (rows of the weight matrix).
func (s *SparseWeights) N() int { return s.n }

// K returns the length of each output's dot product.
func (s *SparseWeights) K() int { return s.k }

// NonZeros returns the number of non-zero weights.
func (s *SparseWeights) NonZeros() int { return len(s.cols) }

// RowSums returns sum over k of w[j][k] for each output j, as
// PackedWeights.RowSums does. The slice must not be modified.
func (s *SparseWeights) RowSums() []int32 { return s.sums }

// SparseFaster reports whether m rows of activations times a weight
// matrix with the given fraction of non-zero weights run faster on the
// sparse kernels than on the dense ones: the VM's choice per layer and
// batch. portable says which kernel set runs.
//
// The rule comes from BenchmarkSparse: LeNet-300-100's layers (784x300,
// 300x100, 100x10) with random weights at 2-50% density, medians of 6 on
// an AMD EPYC of the Zen 3 generation (AVX2, no AVX-512), dense / sparse
// in microseconds:
//
//	                       2%          5%          10%         20%         50%
//	avx2     784x300 b1    6.3/17      6.5/31      5.5/44      6.9/92      8.4/339
//	avx2     300x100 b1    0.72/2.2    0.98/6.6    1.6/8.4     1.4/17      1.7/38
//	avx2     100x10  b1    0.14/0.29   0.15/0.25   0.17/0.36   0.15/0.66   0.13/1.3
//	avx2     784x300 b64   244/69      240/75      419/171     277/274     245/588
//	avx2     300x100 b64   42/16       38/25       40/27       43/41       122/232
//	avx2     100x10  b64   6.8/4.7     5.2/3.3     2.8/2.7     3.8/3.2     2.7/3.5
//	portable 784x300 b1    212/12      188/28      220/56      172/74      278/333
//	portable 300x100 b1    39/4.5      25/3.9      36/23       47/13       41/41
//	portable 100x10  b1    2.5/0.23    1.4/0.25    2.6/0.39    1.5/0.64    1.3/0.85
//	portable 784x300 b64   14.6k/415   14.9k/908   9.7k/929    9.5k/1.9k   14.0k/4.4k
//	portable 300x100 b64   1.9k/122    1.8k/181    2.6k/526    1.6k/269    2.7k/1.2k
//	portable 100x10  b64   170/44      147/39      79/18       72/23       130/82
//
// The machine was shared with other work, so runs spread by up to 2x;
// the ratios that decide are larger. Under AVX2 the dense matrix-vector
// product reads the weights at about 40 GMAC/s, which a row's gather of
// its non-zeros never approaches: batch 1 stays dense. A batch of 64 runs
// one vector of 64 lanes per non-zero: 3x faster at 2-5% density, ahead
// at 10%, even at 20%, behind at 50%, so the limit is 15%; fewer rows
// fill fewer lanes for the same work, and the limit shrinks with the
// share of lanes used. The portable dense kernels are scalar, so the
// sparse ones win below 20-50% at batch 1 (limit 30%) and at every
// measured density at batch 64 (limit 50%).
func SparseFaster(density float64, m int, portable bool) bool {
	if m < 1 || density >= 1 {
		return false
	}
	if portable || !useAsm {
		if m == 1 {
			return density < 0.3
		}
		return density < 0.5
	}
	if m == 1 || !sparseAsm {
		return false
	}
	lanes := (m + SparseBlock - 1) / SparseBlock * SparseBlock
	return density < 0.15*float64(m)/float64(lanes)
}

// SparseMayWin reports whether SparseFaster holds for some number of
// rows: whether a layer's sparse form is worth building.
func SparseMayWin(density float64, portable bool) bool {
	return SparseFaster(density, 1, portable) || SparseFaster(density, SparseBlock, portable)
}

// SparseBlock is the number of rows the batched sparse product computes
// at once.
const SparseBlock = sparseLanes

// sparseLanes is the number of rows of x one block of the batched product
// computes: each non-zero weight updates that many sums in one loop.
const sparseLanes = 64

// SparseScratchSize is the number of int32 elements of scratch
// SparseMatMulRequant needs for m rows of activations with weights s.
func SparseScratchSize(s *SparseWeights, m int) int {
	if m < 1 {
		return 0
	}
	if m == 1 {
		return scratchHead
	}
	// Blocks of sparseLanes rows: the transposed activations, the sums
	// and (for the assembly kernel's requantization) the sums transposed
	// back, their rows padded to a multiple of 8, and the rows' offsets.
	return scratchHead + sparseLanes*(s.k+s.n+(s.n+7)/8*8+1)
}

// SparseMatMulRequant is MatMulRequant with sparse weights: the same
// arguments, the same bits. scratch has at least SparseScratchSize(s, m)
// elements. It allocates nothing and panics on inconsistent arguments.
func SparseMatMulRequant(m int, x []int8, lda int, s *SparseWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	sparseMatMulRequant(useAsm, m, x, lda, s, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

// SparseMatMulRequantPortable is SparseMatMulRequant run by the portable
// kernels whatever the CPU.
func SparseMatMulRequantPortable(m int, x []int8, lda int, s *SparseWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	sparseMatMulRequant(false, m, x, lda, s, bias, mult, shift, outOffset, actMin, actMax, out, ldo, scratch)
}

func sparseMatMulRequant(asm bool, m int, x []int8, lda int, s *SparseWeights, bias []int32, mult []int32, shift []int32,
	outOffset, actMin, actMax int32, out []int8, ldo int, scratch []int32) {
	const name = "SparseMatMulRequant"
	n, k := s.n, s.k
	if m < 0 {
		panic(fmt.Sprintf("kernels: %s: %d rows", name, m))
	}
	if m == 0 {
		return
	}
	if lda < k || len(x) < (m-1)*lda+k {
		panic(fmt.Sprintf("kernels: %s: x of length %d with stride %d cannot hold %dx%d", name, len(x), lda, m, k))
	}
	if need := SparseScratchSize(s, m); len(scratch) < need {
		panic(fmt.Sprintf("kernels: %s: scratch of %d int32, need %d", name, len(scratch), need))
	}
	checkRequant(name, n, bias, mult, shift, actMin, actMax)
	if ldo < n || len(out) < (m-1)*ldo+n {
		panic(fmt.Sprintf("kernels: %s: out of length %d with stride %d cannot hold %dx%d", name, len(out), ldo, m, n))
	}
	rq := requant{bias: bias, mult: mult, shift: shift, off: outOffset, lo: actMin, hi: actMax}
	if m == 1 {
		sparseRowPortable(x[:k], s, &rq, out[:n])
		return
	}
	if asm {
		sparseBatchAsm(m, x, lda, s, &rq, out, ldo, scratch)
		return
	}
	sparseBatchPortable(m, x, lda, s, &rq, out, ldo, scratch)
}

// sparseRowPortable computes one row: per output, the sum over its
// non-zeros, four at a time.
func sparseRowPortable(x []int8, s *SparseWeights, q *requant, out []int8) {
	for j := range out {
		cols, vals := s.cols[s.start[j]:s.start[j+1]], s.vals[s.start[j]:s.start[j+1]]
		vals = vals[:len(cols)]
		var a0, a1, a2, a3 int32
		t := 0
		for ; t+4 <= len(cols); t += 4 {
			c, v := (*[4]int32)(cols[t:]), (*[4]int32)(vals[t:])
			a0 += v[0] * int32(x[c[0]])
			a1 += v[1] * int32(x[c[1]])
			a2 += v[2] * int32(x[c[2]])
			a3 += v[3] * int32(x[c[3]])
		}
		for ; t < len(cols); t++ {
			a0 += vals[t] * int32(x[cols[t]])
		}
		out[j] = q.apply(a0+a1+a2+a3, j)
	}
}

// sparseBatchPortable computes blocks of up to sparseLanes rows of x: the
// block is transposed to [k][b] int32 in scratch, so that each non-zero
// weight w[j][i] adds w times row i of the transpose to output j's b sums,
// a loop over the batch that touches no index but the lane's.
func sparseBatchPortable(m int, x []int8, lda int, s *SparseWeights, q *requant, out []int8, ldo int, scratch []int32) {
	n, k := s.n, s.k
	bw := min(m, sparseLanes)
	xt := scratch[scratchHead : scratchHead+bw*k]
	acc := scratch[scratchHead+bw*k : scratchHead+bw*k+bw*n]
	for r0 := 0; r0 < m; r0 += bw {
		b := min(bw, m-r0)
		xb := x[r0*lda : (r0+b-1)*lda+k]
		for i := range k {
			t := xt[i*b : (i+1)*b]
			for r := range t {
				t[r] = int32(xb[r*lda+i])
			}
		}
		for j := range n {
			a := acc[j*b : (j+1)*b]
			clear(a)
			cols, vals := s.cols[s.start[j]:s.start[j+1]], s.vals[s.start[j]:s.start[j+1]]
			vals = vals[:len(cols)]
			t := 0
			for ; t+4 <= len(cols); t += 4 {
				c, v := (*[4]int32)(cols[t:]), (*[4]int32)(vals[t:])
				x0 := xt[int(c[0])*b:][:len(a)]
				x1 := xt[int(c[1])*b:][:len(a)]
				x2 := xt[int(c[2])*b:][:len(a)]
				x3 := xt[int(c[3])*b:][:len(a)]
				w0, w1, w2, w3 := v[0], v[1], v[2], v[3]
				for l := range a {
					a[l] += w0*x0[l] + w1*x1[l] + w2*x2[l] + w3*x3[l]
				}
			}
			for ; t < len(cols); t++ {
				xi := xt[int(cols[t])*b:][:len(a)]
				w := vals[t]
				for l := range a {
					a[l] += w * xi[l]
				}
			}
		}
		for r := range b {
			o := out[(r0+r)*ldo : (r0+r)*ldo+n]
			for j := range o {
				o[j] = q.apply(acc[j*b+r], j)
			}
		}
	}
}
