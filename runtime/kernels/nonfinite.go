// The scan of float inputs for NaN and infinities, which Run refuses.

package kernels

import (
	"math"
	"unsafe"
)

// NonFinite returns the index of x's first NaN or infinity, or -1.
//
// A float32 is not finite when its exponent bits are all ones. On amd64
// the scan compares 32 values at a time with AVX2 (nonFiniteBlocks). The
// portable scan masks pairs of values as uint64 to those bits and adds
// each one's lowest, which carries into its sign bit exactly when they
// are all ones (a pair's low half cannot carry into the high one),
// sixteen values a block with no branch per value. A block that holds one
// is searched again value by value.
func NonFinite(x []float32) int {
	i := nonFiniteBlocks(x)
	const exp, carry = 0x7f800000, 0x00800000
	const mask, carries, signs = exp<<32 | exp, carry<<32 | carry, 1<<63 | 1<<31
	for ; i < len(x) && uintptr(unsafe.Pointer(&x[i]))%8 != 0; i++ { // to a uint64 boundary
		if math.Float32bits(x[i])&exp == exp {
			return i
		}
	}
	if len(x)-i >= 16 {
		words := unsafe.Slice((*uint64)(unsafe.Pointer(&x[i])), (len(x)-i)/2)
		j := 0
		for ; j+8 <= len(words); j += 8 {
			w := words[j : j+8 : j+8]
			a := (w[0]&mask + carries) | (w[1]&mask + carries) | (w[2]&mask + carries) | (w[3]&mask + carries)
			b := (w[4]&mask + carries) | (w[5]&mask + carries) | (w[6]&mask + carries) | (w[7]&mask + carries)
			if (a|b)&signs != 0 {
				break
			}
		}
		i += 2 * j
	}
	for ; i < len(x); i++ {
		if math.Float32bits(x[i])&exp == exp {
			return i
		}
	}
	return -1
}
