// The AVX2 sparse product: for each non-zero weight, 64 lanes of a batch
// at once (see sparse.go).

#include "textflag.h"

// func sparseRows64(n int, start *int32, cols *int32, vals *int32, xt *int32, acc *int32)
//
// For j < n: acc[64*j : 64*j+64] = sum over t in [start[j], start[j+1]) of
// vals[t] * xt[64*cols[t] : 64*cols[t]+64], int32, wrapping. The 64 sums
// stay in Y0-Y7; each non-zero costs a broadcast, eight VPMULLD that read
// the transposed activations from memory and eight VPADDD.
TEXT ·sparseRows64(SB), NOSPLIT, $0-48
	MOVQ         n+0(FP), CX
	MOVQ         start+8(FP), SI
	MOVQ         cols+16(FP), R8
	MOVQ         vals+24(FP), R9
	MOVQ         xt+32(FP), R10
	MOVQ         acc+40(FP), DI
	TESTQ        CX, CX
	JLE          sdone
	MOVLQSX      (SI), AX

srow:
	MOVLQSX      4(SI), BX
	VPXOR        Y0, Y0, Y0
	VPXOR        Y1, Y1, Y1
	VPXOR        Y2, Y2, Y2
	VPXOR        Y3, Y3, Y3
	VPXOR        Y4, Y4, Y4
	VPXOR        Y5, Y5, Y5
	VPXOR        Y6, Y6, Y6
	VPXOR        Y7, Y7, Y7
	CMPQ         AX, BX
	JGE          sstore

snz:
	MOVLQSX      (R8)(AX*4), DX
	SHLQ         $8, DX
	ADDQ         R10, DX
	VPBROADCASTD (R9)(AX*4), Y8
	VPMULLD      (DX), Y8, Y9
	VPMULLD      32(DX), Y8, Y10
	VPMULLD      64(DX), Y8, Y11
	VPMULLD      96(DX), Y8, Y12
	VPADDD       Y9, Y0, Y0
	VPADDD       Y10, Y1, Y1
	VPADDD       Y11, Y2, Y2
	VPADDD       Y12, Y3, Y3
	VPMULLD      128(DX), Y8, Y9
	VPMULLD      160(DX), Y8, Y10
	VPMULLD      192(DX), Y8, Y11
	VPMULLD      224(DX), Y8, Y12
	VPADDD       Y9, Y4, Y4
	VPADDD       Y10, Y5, Y5
	VPADDD       Y11, Y6, Y6
	VPADDD       Y12, Y7, Y7
	INCQ         AX
	CMPQ         AX, BX
	JLT          snz

sstore:
	MOVQ         BX, AX
	VMOVDQU      Y0, (DI)
	VMOVDQU      Y1, 32(DI)
	VMOVDQU      Y2, 64(DI)
	VMOVDQU      Y3, 96(DI)
	VMOVDQU      Y4, 128(DI)
	VMOVDQU      Y5, 160(DI)
	VMOVDQU      Y6, 192(DI)
	VMOVDQU      Y7, 224(DI)
	ADDQ         $256, DI
	ADDQ         $4, SI
	DECQ         CX
	JNZ          srow

sdone:
	VZEROUPPER
	RET

// func transpose64(quads int, x *int8, idx *int32, xt *int32)
//
// For q < quads, t < 4 and l < 64: xt[(4q+t)*64 + l] = x[idx[l] + 4q + t],
// sign-extended. Each VPGATHERDD reads four consecutive bytes of eight
// rows, which become four rows of the transpose; idx holds byte offsets
// of the rows (a block's missing rows repeat its last, so nothing past
// the activations is read).
TEXT ·transpose64(SB), NOSPLIT, $0-32
	MOVQ         quads+0(FP), CX
	MOVQ         x+8(FP), SI
	MOVQ         idx+16(FP), R8
	MOVQ         xt+24(FP), DI
	TESTQ        CX, CX
	JLE          tdone

tquad:
	XORQ         AX, AX

tgroup:
	VMOVDQU      (R8)(AX*1), Y1
	VPCMPEQD     Y2, Y2, Y2
	VPXOR        Y0, Y0, Y0
	VPGATHERDD   Y2, (SI)(Y1*1), Y0
	VPSLLD       $24, Y0, Y3
	VPSRAD       $24, Y3, Y3
	VPSLLD       $16, Y0, Y4
	VPSRAD       $24, Y4, Y4
	VPSLLD       $8, Y0, Y5
	VPSRAD       $24, Y5, Y5
	VPSRAD       $24, Y0, Y0
	VMOVDQU      Y3, (DI)(AX*1)
	VMOVDQU      Y4, 256(DI)(AX*1)
	VMOVDQU      Y5, 512(DI)(AX*1)
	VMOVDQU      Y0, 768(DI)(AX*1)
	ADDQ         $32, AX
	CMPQ         AX, $256
	JLT          tgroup

	ADDQ         $4, SI
	ADDQ         $1024, DI
	DECQ         CX
	JNZ          tquad

tdone:
	VZEROUPPER
	RET
