//go:build !amd64

package kernels

// nonFiniteBlocks: no assembly scan; the portable one does it all.
func nonFiniteBlocks(x []float32) int { return 0 }
