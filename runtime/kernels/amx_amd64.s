// The AMX kernel set's tile product (amx_amd64.go). Go's assembler has
// no AMX mnemonics: each instruction is written as its bytes (checked
// with GNU as and objdump), the instruction in a comment.

#include "textflag.h"

// func amxPanel(cfg *[64]byte, chunks int, a *int8, lda int, b *int8, c *int32, ldc int)
//
// One panel's sums for up to 16 rows: with cfg's tiles (tmm0: C, rows x
// 8 int32; tmm1: A, rows x 64 int8; tmm2: B, 16 quads x 32 bytes, a
// panel's 8 columns of 4 k each), C = sum over chunks of A B, where chunk
// i's A is at a + 64i (rows lda bytes apart) and its B at b + 512i (the
// panel's quads, 32 bytes apart); then C is stored at c (rows ldc bytes
// apart). TDPBSSD multiplies signed by signed bytes, four a lane, into
// int32: exact, no correction. The configuration is loaded and the tiles
// released in every call, as the goroutine may move to another thread
// between calls.
TEXT ·amxPanel(SB), NOSPLIT, $0-56
	MOVQ cfg+0(FP), AX
	MOVQ chunks+8(FP), BX
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), R8
	MOVQ b+32(FP), DI
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R9
	BYTE $0xC4; BYTE $0xE2; BYTE $0x78; BYTE $0x49; BYTE $0x00 // LDTILECFG [AX]
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xC0 // TILEZERO tmm0

loop:
	MOVQ R8, CX
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x4B; BYTE $0x0C; BYTE $0x0E // TILELOADD tmm1, [SI+CX*1]
	MOVQ $32, CX
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x4B; BYTE $0x14; BYTE $0x0F // TILELOADD tmm2, [DI+CX*1]
	BYTE $0xC4; BYTE $0xE2; BYTE $0x6B; BYTE $0x5E; BYTE $0xC1             // TDPBSSD tmm0, tmm1, tmm2
	ADDQ $64, SI
	ADDQ $512, DI
	DECQ BX
	JNZ  loop

	MOVQ R9, CX
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7A; BYTE $0x4B; BYTE $0x04; BYTE $0x0A // TILESTORED [DX+CX*1], tmm0
	BYTE $0xC4; BYTE $0xE2; BYTE $0x78; BYTE $0x49; BYTE $0xC0             // TILERELEASE
	RET

// func peakAMX(cfg *[64]byte, iters int)
//
// The bare loop: iters times four independent TDPBSSD (tmm0, tmm3, tmm4,
// tmm5 += tmm1 tmm2, each 16 x 16 x 64: 16,384 multiply-adds) on tiles
// configured by cfg, nothing loaded.
TEXT ·peakAMX(SB), NOSPLIT, $0-16
	MOVQ cfg+0(FP), AX
	MOVQ iters+8(FP), BX
	BYTE $0xC4; BYTE $0xE2; BYTE $0x78; BYTE $0x49; BYTE $0x00 // LDTILECFG [AX]
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xC0 // TILEZERO tmm0
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xC8 // TILEZERO tmm1
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xD0 // TILEZERO tmm2
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xD8 // TILEZERO tmm3
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xE0 // TILEZERO tmm4
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xE8 // TILEZERO tmm5
	TESTQ BX, BX
	JZ    pdone

ploop:
	BYTE $0xC4; BYTE $0xE2; BYTE $0x6B; BYTE $0x5E; BYTE $0xC1 // TDPBSSD tmm0, tmm1, tmm2
	BYTE $0xC4; BYTE $0xE2; BYTE $0x6B; BYTE $0x5E; BYTE $0xD9 // TDPBSSD tmm3, tmm1, tmm2
	BYTE $0xC4; BYTE $0xE2; BYTE $0x6B; BYTE $0x5E; BYTE $0xE1 // TDPBSSD tmm4, tmm1, tmm2
	BYTE $0xC4; BYTE $0xE2; BYTE $0x6B; BYTE $0x5E; BYTE $0xE9 // TDPBSSD tmm5, tmm1, tmm2
	DECQ  BX
	JNZ   ploop

pdone:
	BYTE $0xC4; BYTE $0xE2; BYTE $0x78; BYTE $0x49; BYTE $0xC0 // TILERELEASE
	RET
