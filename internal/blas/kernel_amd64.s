// AVX2+FMA single-precision GEMM micro-kernel.
//
// kernel6x16 multiplies a 6 x kc panel of op(A) (column p is 6 consecutive
// floats at a + p*sa) by a kc x 16 panel of op(B) (row p is 16 consecutive
// floats at b + p*sb) and updates a 6x16 tile of C as
//
//	C[i][j] = alpha*acc[i][j] + C[i][j]
//
// with one VFMADD231PS per element. The accumulators start at zero and the
// products are added in order p = 0, 1, ..., kc-1, one fused multiply-add per
// product, so the rounding of every element depends only on its own row of A
// and column of B, never on where the tile sits.

#include "textflag.h"

// One k step of the 6x16 kernel: two 8-wide loads of the op(B) row, six
// broadcasts of the op(A) column, twelve FMAs, then advance both pointers
// by their strides (R11, R12 bytes).
#define STEP6x16 \
	VMOVUPS      (BX), Y12;        \
	VMOVUPS      32(BX), Y13;      \
	VBROADCASTSS (AX), Y14;        \
	VFMADD231PS  Y12, Y14, Y0;     \
	VFMADD231PS  Y13, Y14, Y1;     \
	VBROADCASTSS 4(AX), Y15;       \
	VFMADD231PS  Y12, Y15, Y2;     \
	VFMADD231PS  Y13, Y15, Y3;     \
	VBROADCASTSS 8(AX), Y14;       \
	VFMADD231PS  Y12, Y14, Y4;     \
	VFMADD231PS  Y13, Y14, Y5;     \
	VBROADCASTSS 12(AX), Y15;      \
	VFMADD231PS  Y12, Y15, Y6;     \
	VFMADD231PS  Y13, Y15, Y7;     \
	VBROADCASTSS 16(AX), Y14;      \
	VFMADD231PS  Y12, Y14, Y8;     \
	VFMADD231PS  Y13, Y14, Y9;     \
	VBROADCASTSS 20(AX), Y15;      \
	VFMADD231PS  Y12, Y15, Y10;    \
	VFMADD231PS  Y13, Y15, Y11;    \
	ADDQ         R11, AX;          \
	ADDQ         R12, BX

// Update two 8-wide vectors of one C row: C += alpha*acc. Y15 holds alpha.
#define STORE2(r0, r1) \
	VMOVUPS     (DX), Y12;        \
	VMOVUPS     32(DX), Y13;      \
	VFMADD231PS Y15, r0, Y12;     \
	VFMADD231PS Y15, r1, Y13;     \
	VMOVUPS     Y12, (DX);        \
	VMOVUPS     Y13, 32(DX);      \
	ADDQ        R8, DX

// func kernel6x16(k int, a *float32, sa int, b *float32, sb int, c *float32, ldc int, alpha float32)
//
// Column p of the op(A) panel is a[p*sa : p*sa+6] and row p of the op(B)
// panel is b[p*sb : p*sb+16]: packed panels have sa = 6 and sb = 16, and an
// operand already laid out that way in memory is read in place.
TEXT ·kernel6x16(SB), NOSPLIT, $0-60
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ sa+16(FP), R11
	MOVQ b+24(FP), BX
	MOVQ sb+32(FP), R12
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R11
	SHLQ $2, R12
	SHLQ $2, R8

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	MOVQ CX, R9
	SHRQ $2, R9
	JZ   tail

loop4:
	STEP6x16
	STEP6x16
	STEP6x16
	STEP6x16
	DECQ R9
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP6x16
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+56(FP), Y15
	STORE2(Y0, Y1)
	STORE2(Y2, Y3)
	STORE2(Y4, Y5)
	STORE2(Y6, Y7)
	STORE2(Y8, Y9)
	STORE2(Y10, Y11)
	VZEROUPPER
	RET
