// Architectures without assembly kernels use the portable ones.

//go:build !amd64 && !arm64

package kernels

const asmName = ""

const haveAsm = false

// asmSets: none.
var asmSets []*kernelSet

func matMulRequantAsm(m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	matMulRequantPortable(m, x, lda, p, q, out, ldo, scratch)
}

func matMulAsm(m int, x []int8, lda int, p *PackedWeights, acc []int32, ldacc int, scratch []int32) {
	matMulPortable(m, x, lda, p, acc, ldacc)
}

func matMulRequantRHSAsm(cols int, col []int8, ldc int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	matMulRequantRHSPortable(cols, col, ldc, p, q, out, ldo, scratch)
}

func quantizeAsm(n int, in *float32, scale float32, zero int32, out *int8) {
	panic("kernels: no assembly quantization")
}

func maxPool2x2Asm(rows int, w int, in *int8, out *int8, lo int, hi int) {
	panic("kernels: no assembly pooling")
}

func sparseBatchAsm(m int, x []int8, lda int, s *SparseWeights, q *requant, out []int8, ldo int, scratch []int32) {
	sparseBatchPortable(m, x, lda, s, q, out, ldo, scratch)
}

const sparseAsm = false

// maxPool1x2Vec: no vector 1-D pooling here; the loop does it all.
func maxPool1x2Vec(in, out []int8, lo, hi int32) int { return 0 }
