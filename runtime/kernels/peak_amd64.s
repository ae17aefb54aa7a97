// The AVX2 kernel set's bare loop, for Peak.

#include "textflag.h"

// func peakAVX2(iters int)
//
// iters times the arithmetic of the 6-row tile's quad on registers alone:
// 12 VPMADDWD (16 int16 products each, added in pairs) and 12 VPADDD
// into 12 accumulators, 192 multiply-adds, with nothing loaded.
TEXT ·peakAVX2(SB), NOSPLIT, $0-8
	MOVQ         iters+0(FP), CX
	VPCMPEQW     Y12, Y12, Y12
	VPSRLW       $15, Y12, Y13
	VPXOR        Y0, Y0, Y0
	VPXOR        Y1, Y1, Y1
	VPXOR        Y2, Y2, Y2
	VPXOR        Y3, Y3, Y3
	VPXOR        Y4, Y4, Y4
	VPXOR        Y5, Y5, Y5
	VPXOR        Y6, Y6, Y6
	VPXOR        Y7, Y7, Y7
	VPXOR        Y8, Y8, Y8
	VPXOR        Y9, Y9, Y9
	VPXOR        Y10, Y10, Y10
	VPXOR        Y11, Y11, Y11
	TESTQ        CX, CX
	JZ           done

loop:
	VPMADDWD     Y12, Y13, Y14
	VPADDD       Y14, Y0, Y0
	VPMADDWD     Y12, Y13, Y15
	VPADDD       Y15, Y1, Y1
	VPMADDWD     Y12, Y13, Y14
	VPADDD       Y14, Y2, Y2
	VPMADDWD     Y12, Y13, Y15
	VPADDD       Y15, Y3, Y3
	VPMADDWD     Y12, Y13, Y14
	VPADDD       Y14, Y4, Y4
	VPMADDWD     Y12, Y13, Y15
	VPADDD       Y15, Y5, Y5
	VPMADDWD     Y12, Y13, Y14
	VPADDD       Y14, Y6, Y6
	VPMADDWD     Y12, Y13, Y15
	VPADDD       Y15, Y7, Y7
	VPMADDWD     Y12, Y13, Y14
	VPADDD       Y14, Y8, Y8
	VPMADDWD     Y12, Y13, Y15
	VPADDD       Y15, Y9, Y9
	VPMADDWD     Y12, Y13, Y14
	VPADDD       Y14, Y10, Y10
	VPMADDWD     Y12, Y13, Y15
	VPADDD       Y15, Y11, Y11
	DECQ         CX
	JNZ          loop

done:
	VZEROUPPER
	RET
