// Kernel selection on architectures without an assembly micro-kernel.

//go:build !amd64

package blas

// archKernel reports no assembly kernel: the portable one is used.
func archKernel() *kernel { return nil }
