// AVX2 depthwise convolution sums (DepthwiseGrid in depthwise.go).

#include "textflag.h"

// func depthwiseSums(blocks int, x *int8, pairs *int32, npairs int, acc *int32)
//
// For each of blocks blocks of 16 columns (block b at x + 16*b), the
// int32 sums of its taps into acc (16 int32 a block, in column order).
// pairs holds npairs entries of four int32: two taps' offsets into x and
// their weights as int16 (the first tap's in the low half), then unused.
// Each tap's 16 bytes are sign-extended to int16, the two taps' words
// interleaved (per 128-bit lane: columns 0-3 and 8-11 from the low
// halves, 4-7 and 12-15 from the high ones) and multiplied by the weight
// pair with VPMADDWD, which adds each column's two products into one
// int32: products of int8 are at most 2^14, so nothing saturates.
TEXT ·depthwiseSums(SB), NOSPLIT, $0-40
	MOVQ         blocks+0(FP), CX
	MOVQ         x+8(FP), SI
	MOVQ         pairs+16(FP), R8
	MOVQ         npairs+24(FP), R9
	MOVQ         acc+32(FP), DI
	TESTQ        CX, CX
	JZ           ddone

dblock:
	VPXOR        Y5, Y5, Y5             // columns 0-3 and 8-11
	VPXOR        Y6, Y6, Y6             // columns 4-7 and 12-15
	MOVQ         R8, R10
	MOVQ         R9, DX

dpair:
	MOVLQSX      0(R10), AX
	MOVLQSX      4(R10), BX
	VPMOVSXBW    (SI)(AX*1), Y0
	VPMOVSXBW    (SI)(BX*1), Y1
	VPBROADCASTD 8(R10), Y4
	VPUNPCKLWD   Y1, Y0, Y2
	VPUNPCKHWD   Y1, Y0, Y3
	VPMADDWD     Y4, Y2, Y2
	VPMADDWD     Y4, Y3, Y3
	VPADDD       Y2, Y5, Y5
	VPADDD       Y3, Y6, Y6
	ADDQ         $16, R10
	DECQ         DX
	JNZ          dpair

	VPERM2I128   $0x20, Y6, Y5, Y7      // columns 0-7
	VPERM2I128   $0x31, Y6, Y5, Y8      // columns 8-15
	VMOVDQU      Y7, (DI)
	VMOVDQU      Y8, 32(DI)
	ADDQ         $16, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          dblock

ddone:
	VZEROUPPER
	RET
