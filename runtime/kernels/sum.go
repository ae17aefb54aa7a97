// The sum of a run of int8, for MEAN and SUM over contiguous values.

package kernels

import (
	"encoding/binary"
	"unsafe"
)

// SumInt8 returns the sum of x, wrapping in int32 as a plain int32 loop
// does. Eight values a step in Go on every architecture: each byte is
// flipped to x+128 (an unsigned byte), adjacent bytes are added into
// four 16-bit lanes, which hold up to 128 steps (128*2*255 < 2^16)
// before they are added up; 128*len(x) is taken back at the end.
func SumInt8(x []int8) int32 {
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
	const flip, low = 0x8080808080808080, 0x00ff00ff00ff00ff
	var total uint64
	for len(b) >= 8 {
		var lanes uint64
		steps := min(len(b)/8, 128)
		for i := range steps {
			w := binary.LittleEndian.Uint64(b[8*i:]) ^ flip
			lanes += w&low + w>>8&low
		}
		total += lanes&0xffff + lanes>>16&0xffff + lanes>>32&0xffff + lanes>>48
		b = b[8*steps:]
	}
	s := int64(total) - 128*int64(len(x)-len(b))
	for _, v := range b {
		s += int64(int8(v))
	}
	return int32(s)
}
