// AVX2 quantization of float32 inputs to int8 (Quantize in quantize.go).

#include "textflag.h"

// VPERMD indices that put the dwords of a VPACKSSDW+VPACKSSWB result back
// in order: the packs interleave the two 128-bit lanes.
DATA quantPerm<>+0(SB)/4, $0
DATA quantPerm<>+4(SB)/4, $4
DATA quantPerm<>+8(SB)/4, $1
DATA quantPerm<>+12(SB)/4, $5
DATA quantPerm<>+16(SB)/4, $2
DATA quantPerm<>+20(SB)/4, $6
DATA quantPerm<>+24(SB)/4, $3
DATA quantPerm<>+28(SB)/4, $7
GLOBL quantPerm<>(SB), RODATA|NOPTR, $32

// QUANT8 quantizes the 8 floats at off(SI) into 8 int32 in dst:
// q = x/scale (the same float32 division as Go's), clamped to
// [-1024, 1024]; t = trunc(q), and t±1 when the exact fraction q-t is at
// least one half in magnitude (round half away from zero); NaN gives 0;
// then zero is added. Uses Y0-Y3 and Y5.
#define QUANT8(off, dst) \
	VMOVUPS      off(SI), Y0 \
	VDIVPS       Y15, Y0, Y0 \
	VCMPPS       $3, Y0, Y0, Y5 \
	VMINPS       Y13, Y0, Y0 \
	VMAXPS       Y12, Y0, Y0 \
	VROUNDPS     $3, Y0, Y1 \
	VSUBPS       Y1, Y0, Y2 \
	VCMPPS       $0x0d, Y11, Y2, Y3 \
	VCMPPS       $0x02, Y10, Y2, Y2 \
	VANDPS       Y9, Y3, Y3 \
	VANDPS       Y9, Y2, Y2 \
	VADDPS       Y3, Y1, Y1 \
	VSUBPS       Y2, Y1, Y1 \
	VCVTTPS2DQ   Y1, Y1 \
	VPANDN       Y1, Y5, Y1 \
	VPADDD       Y14, Y1, dst

// func quantizeAVX2(n int, in *float32, scale float32, zero int32, out *int8)
//
// Quantizes n floats (n a multiple of 32, zero in [-256, 256], so that the
// clamp of q to ±1024 saturates to the same int8 as the reference does).
// The int32 results are packed to int8 with signed saturation, which is
// the clamp to [-128, 127].
TEXT ·quantizeAVX2(SB), NOSPLIT, $0-32
	MOVQ         n+0(FP), CX
	MOVQ         in+8(FP), SI
	VBROADCASTSS scale+16(FP), Y15
	MOVL         zero+20(FP), AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14
	MOVQ         out+24(FP), DI
	MOVL         $0x44800000, AX // 1024.0
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13
	MOVL         $0xc4800000, AX // -1024.0
	VMOVD        AX, X12
	VPBROADCASTD X12, Y12
	MOVL         $0x3f000000, AX // 0.5
	VMOVD        AX, X11
	VPBROADCASTD X11, Y11
	MOVL         $0xbf000000, AX // -0.5
	VMOVD        AX, X10
	VPBROADCASTD X10, Y10
	MOVL         $0x3f800000, AX // 1.0
	VMOVD        AX, X9
	VPBROADCASTD X9, Y9
	VMOVDQU      quantPerm<>(SB), Y8
	TESTQ        CX, CX
	JZ           qdone

qloop:
	QUANT8(0, Y6)
	QUANT8(32, Y7)
	VPACKSSDW    Y7, Y6, Y6
	QUANT8(64, Y7)
	QUANT8(96, Y4)
	VPACKSSDW    Y4, Y7, Y7
	VPACKSSWB    Y7, Y6, Y6
	VPERMD       Y6, Y8, Y6
	VMOVDQU      Y6, (DI)
	ADDQ         $128, SI
	ADDQ         $32, DI
	SUBQ         $32, CX
	JNZ          qloop

qdone:
	VZEROUPPER
	RET

// QUANT16 is QUANT8 on zmm (see above), its masks in K registers:
// quantizes the 16 floats at off(SI) into 16 int32 in dst. Expects Z15 =
// scale, Z14 = zero, Z13 = 1024.0, Z12 = -1024.0, Z11 = 0.5, Z10 = -0.5,
// Z9 = 1.0; uses Z0-Z2 and K1-K3.
#define QUANT16(off, dst) \
	VMOVUPS      off(SI), Z0 \
	VDIVPS       Z15, Z0, Z0 \
	VCMPPS       $7, Z0, Z0, K1 \
	VMINPS       Z13, Z0, Z0 \
	VMAXPS       Z12, Z0, Z0 \
	VRNDSCALEPS  $3, Z0, Z1 \
	VSUBPS       Z1, Z0, Z2 \
	VCMPPS       $0x0d, Z11, Z2, K2 \
	VCMPPS       $0x02, Z10, Z2, K3 \
	VADDPS       Z9, Z1, K2, Z1 \
	VSUBPS       Z9, Z1, K3, Z1 \
	VCVTTPS2DQ   Z1, Z1 \
	VMOVDQA32    Z14, dst \
	VPADDD       Z14, Z1, K1, dst

// func quantizeAVX512(n int, in *float32, scale float32, zero int32, out *int8)
//
// quantizeAVX2 on zmm, 64 floats a step (n a multiple of 64, zero in
// [-256, 256]): the lanes ordered with themselves (not NaN) get q plus
// zero, NaN lanes zero alone, and VPMOVSDB narrows with signed
// saturation, the clamp to [-128, 127].
TEXT ·quantizeAVX512(SB), NOSPLIT, $0-32
	MOVQ         n+0(FP), CX
	MOVQ         in+8(FP), SI
	VBROADCASTSS scale+16(FP), Z15
	MOVL         zero+20(FP), AX
	VPBROADCASTD AX, Z14
	MOVQ         out+24(FP), DI
	MOVL         $0x44800000, AX // 1024.0
	VPBROADCASTD AX, Z13
	MOVL         $0xc4800000, AX // -1024.0
	VPBROADCASTD AX, Z12
	MOVL         $0x3f000000, AX // 0.5
	VPBROADCASTD AX, Z11
	MOVL         $0xbf000000, AX // -0.5
	VPBROADCASTD AX, Z10
	MOVL         $0x3f800000, AX // 1.0
	VPBROADCASTD AX, Z9
	TESTQ        CX, CX
	JZ           zqdone

zqloop:
	QUANT16(0, Z4)
	QUANT16(64, Z5)
	QUANT16(128, Z6)
	QUANT16(192, Z7)
	VPMOVSDB     Z4, X4
	VPMOVSDB     Z5, X5
	VPMOVSDB     Z6, X6
	VPMOVSDB     Z7, X7
	VMOVDQU      X4, (DI)
	VMOVDQU      X5, 16(DI)
	VMOVDQU      X6, 32(DI)
	VMOVDQU      X7, 48(DI)
	ADDQ         $256, SI
	ADDQ         $64, DI
	SUBQ         $64, CX
	JNZ          zqloop

zqdone:
	VZEROUPPER
	RET

// func dequantizeAVX2(n int, in *int8, scale float32, zero int32, out *float32)
//
// Dequantizes n int8 (n a multiple of 32): out = scale * float32(q -
// zero), eight a step: sign-extended to int32 (VPMOVSXBD), the zero point
// taken off, converted (exact: |q - zero| < 2^24 for the zero points the
// caller passes) and multiplied once, rounded to nearest even, as the
// reference's float64 product (exact) rounded to float32 is.
TEXT ·dequantizeAVX2(SB), NOSPLIT, $0-32
	MOVQ         n+0(FP), CX
	MOVQ         in+8(FP), SI
	VBROADCASTSS scale+16(FP), Y15
	MOVL         zero+20(FP), AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14
	MOVQ         out+24(FP), DI
	TESTQ        CX, CX
	JZ           ddone

dloop:
	VPMOVSXBD    (SI), Y0
	VPMOVSXBD    8(SI), Y1
	VPMOVSXBD    16(SI), Y2
	VPMOVSXBD    24(SI), Y3
	VPSUBD       Y14, Y0, Y0
	VPSUBD       Y14, Y1, Y1
	VPSUBD       Y14, Y2, Y2
	VPSUBD       Y14, Y3, Y3
	VCVTDQ2PS    Y0, Y0
	VCVTDQ2PS    Y1, Y1
	VCVTDQ2PS    Y2, Y2
	VCVTDQ2PS    Y3, Y3
	VMULPS       Y15, Y0, Y0
	VMULPS       Y15, Y1, Y1
	VMULPS       Y15, Y2, Y2
	VMULPS       Y15, Y3, Y3
	VMOVUPS      Y0, (DI)
	VMOVUPS      Y1, 32(DI)
	VMOVUPS      Y2, 64(DI)
	VMOVUPS      Y3, 96(DI)
	ADDQ         $32, SI
	ADDQ         $128, DI
	SUBQ         $32, CX
	JNZ          dloop

ddone:
	VZEROUPPER
	RET
