// The portable Go micro-kernel, used where no assembly kernel applies.

package blas

// portableKernel is a 2x4 register tile. It was chosen by measurement with
// the Go compiler's amd64 register allocation, where 3x4 and 4x4 scalar
// tiles spill accumulators to the stack; it sustains about 4.5 GFLOP/s
// there. With a kernel this slow, packing only pays for itself from about
// 8k multiply-adds on.
var portableKernel = kernel{
	name: "portable-2x4",
	mr:   2, nr: 4,
	run: kernel2x4,
	kc:  256, mc: 128, nc: 2048,
	small: 8192,
}

// kernel2x4 computes C[i][j] += alpha * sum_p a[p*sa+i]*b[p*sb+j] for the
// 2x4 tile at c with row stride ldc, adding the products in order of p.
func kernel2x4(k int, a []float32, sa int, b []float32, sb int, c []float32, ldc int, alpha float32) {
	if k <= 0 {
		return
	}
	a = a[:(k-1)*sa+2]
	b = b[:(k-1)*sb+4]
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	for p := range k {
		ap := (*[2]float32)(a[p*sa:])
		bp := (*[4]float32)(b[p*sb:])
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0 := ap[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := ap[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
	}
	r := (*[4]float32)(c[:4])
	r[0] += alpha * c00
	r[1] += alpha * c01
	r[2] += alpha * c02
	r[3] += alpha * c03
	r = (*[4]float32)(c[ldc : ldc+4])
	r[0] += alpha * c10
	r[1] += alpha * c11
	r[2] += alpha * c12
	r[3] += alpha * c13
}
