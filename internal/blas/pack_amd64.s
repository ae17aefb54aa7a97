// AVX2 transposing packers for the 6x16 kernel's panels.
//
// Both read rows of a matrix whose K dimension is contiguous (rows of A when
// op(A) = A, rows of B when op(B) = B^T) eight K columns at a time and write
// them K-major, the layout the micro-kernel reads. Each 8-column block is
// loaded as 128-bit halves so that rows r and r+4 share a YMM register; a
// 4x4 transpose within each 128-bit lane then yields whole columns.

#include "textflag.h"

// TRANSPOSE4 transposes the 4x4 blocks held in the lanes of a, b, c, d
// (rows) into Y12..Y15 (columns). Clobbers Y8..Y11.
#define TRANSPOSE4(a, b, c, d) \
	VUNPCKLPS b, a, Y8;          \
	VUNPCKHPS b, a, Y9;          \
	VUNPCKLPS d, c, Y10;         \
	VUNPCKHPS d, c, Y11;         \
	VSHUFPS   $0x44, Y10, Y8, Y12; \
	VSHUFPS   $0xEE, Y10, Y8, Y13; \
	VSHUFPS   $0x44, Y11, Y9, Y14; \
	VSHUFPS   $0xEE, Y11, Y9, Y15

// func transpose8(dst *float32, ldd int, src *float32, lds int, nblk int)
//
// For t in [0, nblk) and r, c in [0, 8):
//
//	dst[(8t+c)*ldd + r] = src[r*lds + 8t + c]
TEXT ·transpose8(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R9
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R8
	MOVQ nblk+32(FP), CX
	SHLQ $2, R8             // row stride of src in bytes
	SHLQ $2, R9             // row stride of dst in bytes
	LEAQ (R8)(R8*2), R10    // 3*lds
	LEAQ (SI)(R8*4), R11    // row 4 of src
	LEAQ (R9)(R9*2), R12    // 3*ldd
	TESTQ CX, CX
	JZ   done8

loop8:
	VMOVUPS     (SI), X0
	VINSERTF128 $1, (R11), Y0, Y0
	VMOVUPS     (SI)(R8*1), X1
	VINSERTF128 $1, (R11)(R8*1), Y1, Y1
	VMOVUPS     (SI)(R8*2), X2
	VINSERTF128 $1, (R11)(R8*2), Y2, Y2
	VMOVUPS     (SI)(R10*1), X3
	VINSERTF128 $1, (R11)(R10*1), Y3, Y3
	VMOVUPS     16(SI), X4
	VINSERTF128 $1, 16(R11), Y4, Y4
	VMOVUPS     16(SI)(R8*1), X5
	VINSERTF128 $1, 16(R11)(R8*1), Y5, Y5
	VMOVUPS     16(SI)(R8*2), X6
	VINSERTF128 $1, 16(R11)(R8*2), Y6, Y6
	VMOVUPS     16(SI)(R10*1), X7
	VINSERTF128 $1, 16(R11)(R10*1), Y7, Y7

	TRANSPOSE4(Y0, Y1, Y2, Y3)
	VMOVUPS Y12, (DI)
	VMOVUPS Y13, (DI)(R9*1)
	VMOVUPS Y14, (DI)(R9*2)
	VMOVUPS Y15, (DI)(R12*1)
	LEAQ    (DI)(R9*4), DI

	TRANSPOSE4(Y4, Y5, Y6, Y7)
	VMOVUPS Y12, (DI)
	VMOVUPS Y13, (DI)(R9*1)
	VMOVUPS Y14, (DI)(R9*2)
	VMOVUPS Y15, (DI)(R12*1)
	LEAQ    (DI)(R9*4), DI

	ADDQ $32, SI
	ADDQ $32, R11
	DECQ CX
	JNZ  loop8

done8:
	VZEROUPPER
	RET

// STORE6 writes the six meaningful floats of column register ycol (rows
// 0..3 in the low lane, rows 4..5 in the low half of the high lane) to off(DI).
#define STORE6(ycol, xcol, off) \
	VMOVUPS      xcol, off(DI);  \
	VEXTRACTF128 $1, ycol, X8;   \
	VMOVQ        X8, (off+16)(DI)

// func transpose6(dst *float32, src *float32, lds int, nblk int)
//
// For t in [0, nblk), r in [0, 6) and c in [0, 8):
//
//	dst[(8t+c)*6 + r] = src[r*lds + 8t + c]
TEXT ·transpose6(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	MOVQ nblk+24(FP), CX
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R10    // 3*lds
	LEAQ (SI)(R8*4), R11    // row 4 of src
	TESTQ CX, CX
	JZ   done6

loop6:
	// Rows 0..3 in the low lanes, rows 4..5 in the high lanes of Y0, Y1
	// (and Y4, Y5); the 128-bit loads clear the high lanes of Y2, Y3, Y6, Y7.
	VMOVUPS     (SI), X0
	VINSERTF128 $1, (R11), Y0, Y0
	VMOVUPS     (SI)(R8*1), X1
	VINSERTF128 $1, (R11)(R8*1), Y1, Y1
	VMOVUPS     (SI)(R8*2), X2
	VMOVUPS     (SI)(R10*1), X3
	VMOVUPS     16(SI), X4
	VINSERTF128 $1, 16(R11), Y4, Y4
	VMOVUPS     16(SI)(R8*1), X5
	VINSERTF128 $1, 16(R11)(R8*1), Y5, Y5
	VMOVUPS     16(SI)(R8*2), X6
	VMOVUPS     16(SI)(R10*1), X7

	TRANSPOSE4(Y0, Y1, Y2, Y3)
	STORE6(Y12, X12, 0)
	STORE6(Y13, X13, 24)
	STORE6(Y14, X14, 48)
	STORE6(Y15, X15, 72)
	TRANSPOSE4(Y4, Y5, Y6, Y7)
	STORE6(Y12, X12, 96)
	STORE6(Y13, X13, 120)
	STORE6(Y14, X14, 144)
	STORE6(Y15, X15, 168)

	ADDQ $32, SI
	ADDQ $32, R11
	ADDQ $192, DI
	DECQ CX
	JNZ  loop6

done6:
	VZEROUPPER
	RET
