#include "textflag.h"

// func nonFiniteAVX2(x *float32, n int) int
//
// 32 floats a block: each masked to its exponent bits (VPAND) and
// compared with all ones (VPCMPEQD); the four results ORed and tested.
TEXT ·nonFiniteAVX2(SB), NOSPLIT, $0-24
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	XORQ         AX, AX
	MOVL         $0x7f800000, DX
	MOVD         DX, X15
	VPBROADCASTD X15, Y15

loop:
	VPAND        (SI), Y15, Y0
	VPAND        32(SI), Y15, Y1
	VPAND        64(SI), Y15, Y2
	VPAND        96(SI), Y15, Y3
	VPCMPEQD     Y15, Y0, Y0
	VPCMPEQD     Y15, Y1, Y1
	VPCMPEQD     Y15, Y2, Y2
	VPCMPEQD     Y15, Y3, Y3
	VPOR         Y1, Y0, Y0
	VPOR         Y3, Y2, Y2
	VPOR         Y2, Y0, Y0
	VPTEST       Y0, Y0
	JNZ          done
	ADDQ         $128, SI
	ADDQ         $32, AX
	CMPQ         AX, CX
	JLT          loop

done:
	MOVQ         AX, ret+16(FP)
	VZEROUPPER
	RET
