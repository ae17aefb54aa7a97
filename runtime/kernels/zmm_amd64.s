// Helpers of the VPDPBUSD sets (zmm_amd64.go): activation row sums
// (AVX2) and the requantization of 16 outputs at a time (AVX-512).

#include "textflag.h"

// REQUANT16CONSTS loads what REQUANT16 expects (Z9-Z16, K3) from the
// arguments off, lo and hi of requantRows16 and requantFilters16, which
// share their frame layout, and 0xFFFF (every lane) into R15.
#define REQUANT16CONSTS \
	VPBROADCASTD off+88(FP), Z12 \
	VPBROADCASTD lo+96(FP), Z11 \
	VPBROADCASTD hi+104(FP), Z10 \
	MOVQ         $0x40000000, AX \
	VPBROADCASTQ AX, Z15 \
	MOVL         $1, AX \
	VPBROADCASTD AX, Z14 \
	VPSLLD       $31, Z14, Z13 \
	VPXORD       Z9, Z9, Z9 \
	VPTERNLOGD   $0xFF, Z16, Z16, Z16 \
	MOVL         $0xAAAA, AX \
	KMOVW        AX, K3 \
	MOVL         $0xFFFF, R15

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

// REQUANT16 leaves in X0 the requantized int8 of the 16 int32 sums at
// acc, with 16 biases, multipliers and shifts at bias, mult and shift,
// loading only the lanes K5 selects (the others read as zero, and a
// masked-off lane's memory is never touched): the AVX2 set's REQUANT on
// zmm (see avx2_amd64.s), with mask registers in place of its vector
// masks. It expects Z9 = 0, Z10 = hi, Z11 = lo, Z12 = off, Z13 =
// MinInt32, Z14 = 1 (each per 32-bit lane), Z15 = 2^30 per 64-bit lane,
// Z16 = all ones and K3 = the odd lanes, and overwrites Z0-Z8, K1, K2
// and K4.
#define REQUANT16(acc, bias, mult, shift) \
	VMOVDQU32.Z  acc, K5, Z0           \
	VMOVDQU32.Z  bias, K5, Z1          \
	VPADDD       Z1, Z0, Z0            \
	VMOVDQU32.Z  shift, K5, Z1         \
	VMOVDQU32.Z  mult, K5, Z5          \
	REQUANT16CORE

// REQUANT16CORE is REQUANT16 after its loads: Z0 = the sums plus the
// biases, Z1 = the shifts, Z5 = the multipliers.
#define REQUANT16CORE \
	VPMAXSD      Z9, Z1, Z3            \
	VPSUBD       Z1, Z9, Z4            \
	VPMAXSD      Z9, Z4, Z4            \
	VPSLLVD      Z3, Z0, Z0            \
	VPCMPEQD     Z13, Z0, K1           \
	VPCMPEQD     Z13, Z5, K2           \
	KANDW        K2, K1, K1            \
	VPMULDQ      Z5, Z0, Z7            \
	VPSRLQ       $32, Z0, Z8           \
	VPSRLQ       $32, Z5, Z1           \
	VPMULDQ      Z1, Z8, Z8            \
	VPADDQ       Z15, Z7, Z7           \
	VPADDQ       Z15, Z8, Z8           \
	VPSRLQ       $31, Z7, Z7           \
	VPSLLQ       $1, Z8, Z8            \
	VPBLENDMD    Z8, Z7, K3, Z0        \
	VPXORD       Z16, Z0, K1, Z0       \
	VPSLLVD      Z4, Z14, Z5           \
	VPSUBD       Z14, Z5, Z5           \
	VPANDD       Z5, Z0, Z6            \
	VPSRAD       $1, Z5, Z5            \
	VPSRAD       $31, Z0, Z7           \
	VPSUBD       Z7, Z5, Z5            \
	VPSRAVD      Z4, Z0, Z0            \
	VPCMPGTD     Z5, Z6, K4            \
	VPADDD       Z14, Z0, K4, Z0       \
	VPADDD       Z12, Z0, Z0           \
	VPMAXSD      Z11, Z0, Z0           \
	VPMINSD      Z10, Z0, Z0           \
	VPMOVSDB     Z0, X0

// func requantRows16(rows int, groups int, tail int, acc *int32, ldacc int, bias *int32, bstep int, mult *int32, mstep int, shift *int32, sstep int, off int, lo int, hi int, out *int8, ldo int)
//
// For r < rows and j < n = 16*groups + bits(tail): out[r*ldo + j] =
// requantized acc[r*ldacc/4 + j] (ldacc and ldo in bytes), 16 outputs a
// group, then the tail's (a mask of the last outputs, 0 for none). bias,
// mult and shift advance by bstep, mstep and sstep bytes a group: 64 for
// one value per output, 0 to reuse the same 16.
TEXT ·requantRows16(SB), NOSPLIT, $0-128
	MOVQ         rows+0(FP), CX
	TESTQ        CX, CX
	JZ           qdone
	REQUANT16CONSTS
	MOVQ         bstep+48(FP), R9
	MOVQ         mstep+64(FP), R11
	MOVQ         sstep+80(FP), R13
	MOVQ         acc+24(FP), SI
	MOVQ         out+112(FP), DI

qrow:
	MOVQ         bias+40(FP), R8
	MOVQ         mult+56(FP), R10
	MOVQ         shift+72(FP), R12
	MOVQ         SI, BX                 // this row's sums
	MOVQ         DI, AX                 // this row's outputs
	KMOVW        R15, K5
	MOVQ         groups+8(FP), DX
	TESTQ        DX, DX
	JZ           qtail

qgroup:
	REQUANT16((BX), (R8), (R10), (R12))
	VMOVDQU      X0, (AX)
	ADDQ         $64, BX
	ADDQ         R9, R8
	ADDQ         R11, R10
	ADDQ         R13, R12
	ADDQ         $16, AX
	DECQ         DX
	JNZ          qgroup

qtail:
	MOVQ         tail+16(FP), DX
	TESTQ        DX, DX
	JZ           qnext
	KMOVW        DX, K5
	REQUANT16((BX), (R8), (R10), (R12))
	VMOVDQU8     X0, K5, (AX)

qnext:
	ADDQ         ldacc+32(FP), SI
	ADDQ         ldo+120(FP), DI
	DECQ         CX
	JNZ          qrow

qdone:
	VZEROUPPER
	RET

// func requantFilters16(rows int, groups int, tail int, acc *int32, ldacc int, bias *int32, bstep int, mult *int32, mstep int, shift *int32, sstep int, off int, lo int, hi int, out *int8, ldo int)
//
// requantRows16 with one bias, multiplier and shift a row (a
// convolution's filter), broadcast when the row starts: they advance by
// bstep, mstep and sstep bytes a row (4, or 0 to reuse one value; bias
// points at a zero when there is none).
TEXT ·requantFilters16(SB), NOSPLIT, $0-128
	MOVQ         rows+0(FP), CX
	TESTQ        CX, CX
	JZ           fdone
	REQUANT16CONSTS
	MOVQ         acc+24(FP), SI
	MOVQ         out+112(FP), DI
	MOVQ         bias+40(FP), R8
	MOVQ         mult+56(FP), R10
	MOVQ         shift+72(FP), R12

frow:
	VPBROADCASTD (R8), Z20
	VPBROADCASTD (R10), Z21
	VPBROADCASTD (R12), Z22
	MOVQ         SI, BX                 // this row's sums
	MOVQ         DI, AX                 // this row's outputs
	KMOVW        R15, K5
	MOVQ         groups+8(FP), DX
	TESTQ        DX, DX
	JZ           ftail

fgroup:
	VMOVDQU32    (BX), Z0
	VPADDD       Z20, Z0, Z0
	VMOVDQA32    Z22, Z1
	VMOVDQA32    Z21, Z5
	REQUANT16CORE
	VMOVDQU      X0, (AX)
	ADDQ         $64, BX
	ADDQ         $16, AX
	DECQ         DX
	JNZ          fgroup

ftail:
	MOVQ         tail+16(FP), DX
	TESTQ        DX, DX
	JZ           fnext
	KMOVW        DX, K5
	VMOVDQU32.Z  (BX), K5, Z0
	VPADDD       Z20, Z0, Z0
	VMOVDQA32    Z22, Z1
	VMOVDQA32    Z21, Z5
	REQUANT16CORE
	VMOVDQU8     X0, K5, (AX)

fnext:
	ADDQ         ldacc+32(FP), SI
	ADDQ         ldo+120(FP), DI
	ADDQ         bstep+48(FP), R8
	ADDQ         mstep+64(FP), R10
	ADDQ         sstep+80(FP), R12
	DECQ         CX
	JNZ          frow

fdone:
	VZEROUPPER
	RET
