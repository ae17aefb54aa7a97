package kernels

// nonFiniteAVX2 returns the offset of the first block of 32 of the n
// floats at x (n a multiple of 32) that holds a NaN or an infinity, or n;
// see nonfinite_amd64.s.
//
//go:noescape
func nonFiniteAVX2(x *float32, n int) int

// nonFiniteBlocks returns how many leading values of x the AVX2 scan
// found finite, in whole blocks of 32.
func nonFiniteBlocks(x []float32) int {
	n := len(x) &^ 31
	if !haveAsm || n == 0 {
		return 0
	}
	return nonFiniteAVX2(&x[0], n)
}
