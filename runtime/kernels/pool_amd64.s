// AVX2 2x2 max pooling with stride 2 (MaxPool in pool.go).

#include "textflag.h"

// func maxPool2x2AVX2(rows int, w int, in *int8, out *int8, lo int, hi int)
//
// For each of rows output rows: the input row pair at in (2*w bytes, w
// even and at least 8) gives w/2 outputs at out, each the maximum of a
// 2x2 window, clamped to [lo, hi]; then in advances 2*w bytes and out w/2.
// A row is taken 16 bytes (8 outputs) at a time, or 8 bytes when w < 16;
// the last block of the row ends with it, overlapping what came before
// (max is idempotent, and the outputs written twice get the same value).
TEXT ·maxPool2x2AVX2(SB), NOSPLIT, $0-48
	MOVQ         rows+0(FP), CX
	MOVQ         w+8(FP), R8
	MOVQ         in+16(FP), SI
	MOVQ         out+24(FP), DI
	MOVQ         lo+32(FP), AX
	VMOVD        AX, X13
	VPBROADCASTB X13, X13
	MOVQ         hi+40(FP), AX
	VMOVD        AX, X14
	VPBROADCASTB X14, X14
	VPCMPEQW     X15, X15, X15
	VPSRLW       $8, X15, X15             // 0x00ff in every word
	TESTQ        CX, CX
	JZ           pdone
	CMPQ         R8, $16
	JLT          small
	LEAQ         -16(R8), R9              // the last 16-byte block's offset

prow:
	XORQ         AX, AX

pblock:
	CMPQ         AX, R9
	JLE          pload
	MOVQ         R9, AX                   // the closing block

pload:
	VMOVDQU      (SI)(AX*1), X0
	LEAQ         (SI)(R8*1), DX
	VMOVDQU      (DX)(AX*1), X1
	VPMAXSB      X1, X0, X0               // the vertical maxima
	VPSRLW       $8, X0, X1               // each odd byte under its even one
	VPMAXSB      X1, X0, X0               // low byte of each word: the window's max
	VPAND        X15, X0, X0
	VPACKUSWB    X0, X0, X0               // 8 outputs in the low quadword
	VPMAXSB      X13, X0, X0
	VPMINSB      X14, X0, X0
	MOVQ         AX, DX
	SHRQ         $1, DX
	VMOVQ        X0, (DI)(DX*1)
	ADDQ         $16, AX
	CMPQ         AX, R8
	JL           pblock

	LEAQ         (SI)(R8*2), SI
	MOVQ         R8, DX
	SHRQ         $1, DX
	ADDQ         DX, DI
	DECQ         CX
	JNZ          prow

pdone:
	RET

// Rows of 8 to 15 bytes: two 8-byte blocks, the second ending the row.
small:
	LEAQ         -8(R8), R9
	LEAQ         (SI)(R8*1), DX

srow:
	XORQ         AX, AX

sblock:
	VMOVQ        (SI)(AX*1), X0
	VMOVQ        (DX)(AX*1), X1
	VPMAXSB      X1, X0, X0
	VPSRLW       $8, X0, X1
	VPMAXSB      X1, X0, X0
	VPAND        X15, X0, X0
	VPACKUSWB    X0, X0, X0               // 4 outputs in the low doubleword
	VPMAXSB      X13, X0, X0
	VPMINSB      X14, X0, X0
	MOVQ         AX, R10
	SHRQ         $1, R10
	VMOVD        X0, (DI)(R10*1)
	CMPQ         AX, R9
	JGE          snext
	MOVQ         R9, AX
	JMP          sblock

snext:
	LEAQ         (SI)(R8*2), SI
	LEAQ         (SI)(R8*1), DX
	MOVQ         R8, R10
	SHRQ         $1, R10
	ADDQ         R10, DI
	DECQ         CX
	JNZ          srow
	RET

// func maxPool1x2AVX2(n int, in *int8, out *int8, lo int, hi int)
//
// 1-D max pooling: n outputs (a multiple of 16), out[i] the larger of
// in[2i] and in[2i+1], clamped to [lo, hi]. Per 16 outputs: the 32 input
// bytes as words, each word's high byte shifted onto its low one
// (VPSRLW), VPMAXSB leaves the pair's maximum in the low byte, the low
// bytes masked and packed (VPACKUSWB of the two 128-bit halves, in
// order), then clamped.
TEXT ·maxPool1x2AVX2(SB), NOSPLIT, $0-40
	MOVQ         n+0(FP), CX
	MOVQ         in+8(FP), SI
	MOVQ         out+16(FP), DI
	MOVQ         lo+24(FP), AX
	VMOVD        AX, X13
	VPBROADCASTB X13, X13
	MOVQ         hi+32(FP), AX
	VMOVD        AX, X14
	VPBROADCASTB X14, X14
	VPCMPEQW     Y15, Y15, Y15
	VPSRLW       $8, Y15, Y15             // 0x00ff in every word
	TESTQ        CX, CX
	JZ           ldone

lloop:
	VMOVDQU      (SI), Y0
	VPSRLW       $8, Y0, Y1
	VPMAXSB      Y1, Y0, Y0
	VPAND        Y15, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPACKUSWB    X1, X0, X0
	VPMAXSB      X13, X0, X0
	VPMINSB      X14, X0, X0
	VMOVDQU      X0, (DI)
	ADDQ         $32, SI
	ADDQ         $16, DI
	SUBQ         $16, CX
	JNZ          lloop

ldone:
	VZEROUPPER
	RET
