// AVX2 helpers of the matrix products: widening activations and weights to
// int16, repacking activation columns, and the vectorized requantization.
// The tile kernels are in dot_amd64.s.
//
// Only VEX-encoded vector instructions are used (VMOVQ, not MOVQ, between
// general and vector registers): on the Zen 3 core these kernels were tuned
// on, one legacy-SSE MOVQ into an XMM register cost about 250 ns per call.

#include "textflag.h"

// func widenRows(m int, src *int8, lda int, k int, dst *int16, ldd int)
//
// For r < m: dst row r (at dst + r*ldd bytes) gets src row r (at src +
// r*lda) sign-extended to int16, then four zeros, which pad the row to a
// multiple of 4 elements and may spill into the next row (written after
// it) or, after the last row, into 8 bytes of slack. Only the k bytes of
// each source row are read: a row of 16 or more ends with its last 16
// bytes, overlapping the previous group; shorter rows go byte by byte.
TEXT ·widenRows(SB), NOSPLIT, $0-48
	MOVQ         m+0(FP), CX
	MOVQ         src+8(FP), SI
	MOVQ         lda+16(FP), R8
	MOVQ         k+24(FP), R9
	MOVQ         dst+32(FP), DI
	MOVQ         ldd+40(FP), R10
	VPXOR        X1, X1, X1
	TESTQ        CX, CX
	JZ           wdone

wrow:
	XORQ         AX, AX
	CMPQ         R9, $16
	JLT          wbyte

w16:
	VPMOVSXBW    (SI)(AX*1), Y0
	VMOVDQU      Y0, (DI)(AX*2)
	ADDQ         $16, AX
	LEAQ         16(AX), DX
	CMPQ         DX, R9
	JLE          w16
	CMPQ         AX, R9
	JGE          wpad
	VPMOVSXBW    -16(SI)(R9*1), Y0
	VMOVDQU      Y0, -32(DI)(R9*2)
	JMP          wpad

wbyte:
	MOVBQSX      (SI)(AX*1), DX
	MOVW         DX, (DI)(AX*2)
	INCQ         AX
	CMPQ         AX, R9
	JLT          wbyte

wpad:
	VMOVQ        X1, (DI)(R9*2)
	ADDQ         R8, SI
	ADDQ         R10, DI
	DECQ         CX
	JNZ          wrow

wdone:
	VZEROUPPER
	RET

// REQUANT leaves in the low 8 bytes of X0 the requantized int8 of the 8
// int32 sums at acc, with 8 biases, multipliers and shifts at bias, mult
// and shift: MultiplyByQuantizedMultiplier(acc + bias, mult, shift) + off,
// clamped to [lo, hi]. It expects Y9 = 0, Y10 = hi, Y11 = lo, Y12 = off,
// Y13 = MinInt32, Y14 = 1 (each per 32-bit lane) and Y15 = 2^30 per 64-bit
// lane, and overwrites Y0-Y8. In order: v = acc + bias; left = max(shift,
// 0), right = max(-shift, 0); v <<= left (wrapping); the doubling high
// multiply; the rounding shift right; the offset, clamp and narrowing.
//
// SaturatingRoundingDoublingHighMul(a, b) equals floor((a*b + 2^30) / 2^31)
// except for a = b = MinInt32, where that gives MinInt32 instead of
// MaxInt32: VPMULDQ forms the exact 64-bit products of the even and the odd
// lanes, bits 31..62 of the nudged products are the results, and the
// saturating lanes are fixed by flipping all their bits. RoundingDivideByPOT
// is gemmlowp's mask, remainder and threshold, per lane.
#define REQUANT(acc, bias, mult, shift) \
	VMOVDQU      acc, Y0                    \
	VPADDD       bias, Y0, Y0               \
	VMOVDQU      shift, Y1                  \
	VPMAXSD      Y9, Y1, Y3                 \
	VPSUBD       Y1, Y9, Y4                 \
	VPMAXSD      Y9, Y4, Y4                 \
	VPSLLVD      Y3, Y0, Y0                 \
	VMOVDQU      mult, Y5                   \
	VPCMPEQD     Y13, Y0, Y6                \
	VPCMPEQD     Y13, Y5, Y7                \
	VPAND        Y7, Y6, Y6                 \
	VPMULDQ      Y5, Y0, Y7                 \
	VPSRLQ       $32, Y0, Y8                \
	VPSRLQ       $32, Y5, Y1                \
	VPMULDQ      Y1, Y8, Y8                 \
	VPADDQ       Y15, Y7, Y7                \
	VPADDQ       Y15, Y8, Y8                \
	VPSRLQ       $31, Y7, Y7                \
	VPSLLQ       $1, Y8, Y8                 \
	VPBLENDD     $0xAA, Y8, Y7, Y0          \
	VPXOR        Y6, Y0, Y0                 \
	VPSLLVD      Y4, Y14, Y5                \
	VPSUBD       Y14, Y5, Y5                \
	VPAND        Y5, Y0, Y6                 \
	VPSRAD       $1, Y5, Y5                 \
	VPSRAD       $31, Y0, Y7                \
	VPSUBD       Y7, Y5, Y5                 \
	VPSRAVD      Y4, Y0, Y0                 \
	VPCMPGTD     Y5, Y6, Y6                 \
	VPSUBD       Y6, Y0, Y0                 \
	VPADDD       Y12, Y0, Y0                \
	VPMAXSD      Y11, Y0, Y0                \
	VPMINSD      Y10, Y0, Y0                \
	VEXTRACTI128 $1, Y0, X1                 \
	VPACKSSDW    X1, X0, X0                 \
	VPACKSSWB    X0, X0, X0

// func requantRows(rows int, n int, acc *int32, ldacc int, bias *int32, bstep int, mult *int32, mstep int, shift *int32, sstep int, tail *int32, off int, lo int, hi int, out *int8, ldo int)
//
// For r < rows and j < n: out[r*ldo + j] = requantized acc[r*ldacc/4 + j]
// (ldacc and ldo in bytes). bias, mult and shift advance by bstep, mstep
// and sstep bytes per 8 outputs: 32 for one value per output, 0 to reuse
// the same 8. When n is not a multiple of 8 the last 8 outputs are
// computed again, overlapping the previous group; with fewer than 8
// outputs the group reads 8 sums (acc rows are padded to a multiple of 8)
// and 8 biases, multipliers and shifts from tail, tail+32 and tail+64, and
// stores n bytes.
TEXT ·requantRows(SB), NOSPLIT, $0-128
	MOVQ         rows+0(FP), CX
	TESTQ        CX, CX
	JZ           rdone
	MOVQ         off+88(FP), AX
	VMOVD        AX, X12
	VPBROADCASTD X12, Y12
	MOVQ         lo+96(FP), AX
	VMOVD        AX, X11
	VPBROADCASTD X11, Y11
	MOVQ         hi+104(FP), AX
	VMOVD        AX, X10
	VPBROADCASTD X10, Y10
	MOVQ         $0x40000000, AX
	VMOVQ        AX, X15
	VPBROADCASTQ X15, Y15               // 2^30 per 64-bit lane
	MOVL         $1, AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14               // 1 per lane
	VPSLLD       $31, Y14, Y13          // MinInt32 per lane
	VPXOR        Y9, Y9, Y9
	MOVQ         bstep+40(FP), R9
	MOVQ         mstep+56(FP), R11
	MOVQ         sstep+72(FP), R13
	MOVQ         acc+16(FP), SI
	MOVQ         out+112(FP), DI

rrow:
	MOVQ         bias+32(FP), R8
	MOVQ         mult+48(FP), R10
	MOVQ         shift+64(FP), R12
	MOVQ         SI, BX                 // this row's sums
	MOVQ         DI, AX                 // this row's outputs
	MOVQ         n+8(FP), DX
	SHRQ         $3, DX
	JZ           rtail

rgroup:
	REQUANT((BX), (R8), (R10), (R12))
	VMOVQ        X0, (AX)
	ADDQ         $32, BX
	ADDQ         R9, R8
	ADDQ         R11, R10
	ADDQ         R13, R12
	ADDQ         $8, AX
	DECQ         DX
	JNZ          rgroup

rtail:
	MOVQ         n+8(FP), DX
	TESTQ        $7, DX
	JZ           rnext
	CMPQ         DX, $8
	JLT          rshort

	// The last 8 outputs again, overlapping the previous group.
	SUBQ         $8, DX
	LEAQ         (SI)(DX*4), BX
	LEAQ         (DI)(DX*1), AX
	SHLQ         $2, DX
	MOVQ         bias+32(FP), R8
	MOVQ         mult+48(FP), R10
	MOVQ         shift+64(FP), R12
	TESTQ        R9, R9
	JZ           rbias
	ADDQ         DX, R8

rbias:
	TESTQ        R11, R11
	JZ           rmult
	ADDQ         DX, R10

rmult:
	TESTQ        R13, R13
	JZ           rshift
	ADDQ         DX, R12

rshift:
	REQUANT((BX), (R8), (R10), (R12))
	VMOVQ        X0, (AX)
	JMP          rnext

	// Fewer than 8 outputs: padded values from tail, byte stores.
rshort:
	MOVQ         tail+80(FP), R8
	REQUANT((BX), (R8), 32(R8), 64(R8))
	VMOVQ        X0, BX

rbyte:
	MOVB         BL, (AX)
	SHRQ         $8, BX
	INCQ         AX
	DECQ         DX
	JNZ          rbyte

rnext:
	ADDQ         ldacc+24(FP), SI
	ADDQ         ldo+120(FP), DI
	DECQ         CX
	JNZ          rrow

rdone:
	VZEROUPPER
	RET

// func widenPanels(np int, kq int, w *int8, dst *int16)
//
// Sign-extends packed weights to int16, quad-major: panel p's quad q (32
// bytes at w + (p*kq + q)*32) becomes 64 bytes at dst + (q*np + p)*64, so
// that output j's quad q sits at dst + q*np*64 + j*8.
TEXT ·widenPanels(SB), NOSPLIT, $0-32
	MOVQ         np+0(FP), CX
	MOVQ         kq+8(FP), R8
	MOVQ         w+16(FP), SI
	MOVQ         dst+24(FP), DI
	MOVQ         CX, R9
	SHLQ         $6, R9                 // np*64: dst bytes per quad
	TESTQ        CX, CX
	JZ           pdone
	TESTQ        R8, R8
	JZ           pdone

ppanel:
	MOVQ         DI, BX
	MOVQ         R8, DX

pquad:
	VPMOVSXBW    (SI), Y0
	VPMOVSXBW    16(SI), Y1
	VMOVDQU      Y0, (BX)
	VMOVDQU      Y1, 32(BX)
	ADDQ         $32, SI
	ADDQ         R9, BX
	DECQ         DX
	JNZ          pquad
	ADDQ         $64, DI
	DECQ         CX
	JNZ          ppanel

pdone:
	VZEROUPPER
	RET

// func repackCols(nq int, k int, groups int, src *int8, ldc int, dst *int8, step int)
//
// Lays out k rows of int8 (row i at src + i*ldc) in the packed layout: for
// quads qd < nq and groups g < groups, the 32 bytes at dst + g*step + qd*32
// get byte 4c + t = row 4qd+t's byte 8g + c, zero for rows >= k.
TEXT ·repackCols(SB), NOSPLIT, $0-56
	MOVQ         nq+0(FP), BX
	MOVQ         k+8(FP), DX
	MOVQ         src+24(FP), R8
	MOVQ         ldc+32(FP), R13
	MOVQ         dst+40(FP), SI
	MOVQ         step+48(FP), R12
	TESTQ        BX, BX
	JZ           cdone

cquad:
	LEAQ         (R8)(R13*1), R9
	LEAQ         (R9)(R13*1), R10
	LEAQ         (R10)(R13*1), R11
	VPXOR        X1, X1, X1
	VPXOR        X2, X2, X2
	VPXOR        X3, X3, X3
	MOVQ         SI, DI
	XORQ         AX, AX
	MOVQ         groups+16(FP), CX
	TESTQ        CX, CX
	JZ           cnext

cgroup:
	VMOVQ        (R8)(AX*8), X0
	CMPQ         DX, $2
	JLT          cmerge
	VMOVQ        (R9)(AX*8), X1
	CMPQ         DX, $3
	JLT          cmerge
	VMOVQ        (R10)(AX*8), X2
	CMPQ         DX, $4
	JLT          cmerge
	VMOVQ        (R11)(AX*8), X3

cmerge:
	VPUNPCKLBW   X1, X0, X4             // rows 0, 1 byte-interleaved
	VPUNPCKLBW   X3, X2, X5             // rows 2, 3
	VPUNPCKLWD   X5, X4, X6             // columns 0-3, 4 rows each
	VPUNPCKHWD   X5, X4, X7             // columns 4-7
	VMOVDQU      X6, (DI)
	VMOVDQU      X7, 16(DI)
	ADDQ         R12, DI
	INCQ         AX
	CMPQ         AX, CX
	JLT          cgroup

cnext:
	LEAQ         (R11)(R13*1), R8       // row 4(qd+1)
	ADDQ         $32, SI
	SUBQ         $4, DX
	DECQ         BX
	JNZ          cquad

cdone:
	VZEROUPPER
	RET

// func repackQuad(groups int, nrows int, r0 *int8, r1 *int8, r2 *int8, r3 *int8, dst *int8, step int)
//
// Interleaves 4 rows of int8 into the packed layout: for g < groups, the
// 32 bytes at dst + g*step get byte 4c + i = row i's byte 8g + c. Rows i
// >= nrows (1 <= nrows <= 4) are zero and their pointers are not read.
TEXT ·repackQuad(SB), NOSPLIT, $0-64
	MOVQ         groups+0(FP), CX
	MOVQ         nrows+8(FP), DX
	MOVQ         r0+16(FP), R8
	MOVQ         r1+24(FP), R9
	MOVQ         r2+32(FP), R10
	MOVQ         r3+40(FP), R11
	MOVQ         dst+48(FP), DI
	MOVQ         step+56(FP), R12
	XORQ         AX, AX
	VPXOR        X1, X1, X1
	VPXOR        X2, X2, X2
	VPXOR        X3, X3, X3
	TESTQ        CX, CX
	JZ           qdone

qgroup:
	VMOVQ        (R8)(AX*8), X0
	CMPQ         DX, $2
	JLT          qmerge
	VMOVQ        (R9)(AX*8), X1
	CMPQ         DX, $3
	JLT          qmerge
	VMOVQ        (R10)(AX*8), X2
	CMPQ         DX, $4
	JLT          qmerge
	VMOVQ        (R11)(AX*8), X3

qmerge:
	VPUNPCKLBW   X1, X0, X4             // rows 0, 1 byte-interleaved
	VPUNPCKLBW   X3, X2, X5             // rows 2, 3
	VPUNPCKLWD   X5, X4, X6             // columns 0-3, 4 rows each
	VPUNPCKHWD   X5, X4, X7             // columns 4-7
	VMOVDQU      X6, (DI)
	VMOVDQU      X7, 16(DI)
	ADDQ         R12, DI
	INCQ         AX
	CMPQ         AX, CX
	JLT          qgroup

qdone:
	VZEROUPPER
	RET
