#include "textflag.h"

// func byteSumsAVX2(x *int8, n int) int32
//
// The sum of n int8 (n a multiple of 32): each byte flipped to u8
// (x XOR 0x80 = x+128), VPSADBW against zero sums eight of them into a
// 64-bit lane, and 128*n is taken back at the end.
TEXT ·byteSumsAVX2(SB), NOSPLIT, $0-20
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVQ         CX, DX
	VPXOR        Y0, Y0, Y0
	VPXOR        Y1, Y1, Y1
	MOVL         $0x80808080, AX
	MOVD         AX, X2
	VPBROADCASTD X2, Y2

loop:
	VPXOR        (SI), Y2, Y3
	VPSADBW      Y1, Y3, Y3
	VPADDQ       Y3, Y0, Y0
	ADDQ         $32, SI
	SUBQ         $32, CX
	JNZ          loop

	VEXTRACTI128 $1, Y0, X3
	VPADDQ       X3, X0, X0
	VPSHUFD      $0x4E, X0, X3
	VPADDQ       X3, X0, X0
	MOVQ         X0, AX
	SHLQ         $7, DX
	SUBQ         DX, AX
	MOVL         AX, ret+16(FP)
	VZEROUPPER
	RET
