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

// func peakVNNIVEX(iters int)
//
// iters times 12 independent VPDPBUSD ymm (VEX: AVX-VNNI) on registers,
// 384 multiply-adds, as bytes (see dot_vnni_amd64.s).
TEXT ·peakVNNIVEX(SB), NOSPLIT, $0-8
	MOVQ         iters+0(FP), CX
	VPCMPEQW     Y12, Y12, Y12
	VPSRLW       $15, Y12, Y13
	TESTQ        CX, CX
	JZ           xdone

xloop:
	BYTE $0xC4; BYTE $0xC2; BYTE $0x1D; BYTE $0x50; BYTE $0xC5 // VPDPBUSD Y0, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0xC2; BYTE $0x1D; BYTE $0x50; BYTE $0xCD // VPDPBUSD Y1, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0xC2; BYTE $0x1D; BYTE $0x50; BYTE $0xD5 // VPDPBUSD Y2, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0xC2; BYTE $0x1D; BYTE $0x50; BYTE $0xDD // VPDPBUSD Y3, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0xC2; BYTE $0x1D; BYTE $0x50; BYTE $0xE5 // VPDPBUSD Y4, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0xC2; BYTE $0x1D; BYTE $0x50; BYTE $0xED // VPDPBUSD Y5, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0xC2; BYTE $0x1D; BYTE $0x50; BYTE $0xF5 // VPDPBUSD Y6, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0xC2; BYTE $0x1D; BYTE $0x50; BYTE $0xFD // VPDPBUSD Y7, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0x42; BYTE $0x1D; BYTE $0x50; BYTE $0xC5 // VPDPBUSD Y8, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0x42; BYTE $0x1D; BYTE $0x50; BYTE $0xCD // VPDPBUSD Y9, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0x42; BYTE $0x1D; BYTE $0x50; BYTE $0xD5 // VPDPBUSD Y10, Y12, Y13 (VEX)
	BYTE $0xC4; BYTE $0x42; BYTE $0x1D; BYTE $0x50; BYTE $0xDD // VPDPBUSD Y11, Y12, Y13 (VEX)
	DECQ         CX
	JNZ          xloop

xdone:
	VZEROUPPER
	RET

// func peakVNNIZMM(iters int)
//
// iters times 24 independent VPDPBUSD zmm on registers, as in the
// avx512vnni set's 6-row, 4-panel tile: 1536 multiply-adds.
TEXT ·peakVNNIZMM(SB), NOSPLIT, $0-8
	MOVQ         iters+0(FP), CX
	VPTERNLOGD   $0xFF, Z30, Z30, Z30
	VPSRLW       $15, Z30, Z31
	TESTQ        CX, CX
	JZ           zdone

zloop:
	VPDPBUSD     Z31, Z30, Z0
	VPDPBUSD     Z31, Z30, Z1
	VPDPBUSD     Z31, Z30, Z2
	VPDPBUSD     Z31, Z30, Z3
	VPDPBUSD     Z31, Z30, Z4
	VPDPBUSD     Z31, Z30, Z5
	VPDPBUSD     Z31, Z30, Z6
	VPDPBUSD     Z31, Z30, Z7
	VPDPBUSD     Z31, Z30, Z8
	VPDPBUSD     Z31, Z30, Z9
	VPDPBUSD     Z31, Z30, Z10
	VPDPBUSD     Z31, Z30, Z11
	VPDPBUSD     Z31, Z30, Z12
	VPDPBUSD     Z31, Z30, Z13
	VPDPBUSD     Z31, Z30, Z14
	VPDPBUSD     Z31, Z30, Z15
	VPDPBUSD     Z31, Z30, Z16
	VPDPBUSD     Z31, Z30, Z17
	VPDPBUSD     Z31, Z30, Z18
	VPDPBUSD     Z31, Z30, Z19
	VPDPBUSD     Z31, Z30, Z20
	VPDPBUSD     Z31, Z30, Z21
	VPDPBUSD     Z31, Z30, Z22
	VPDPBUSD     Z31, Z30, Z23
	DECQ         CX
	JNZ          zloop

zdone:
	VZEROUPPER
	RET
