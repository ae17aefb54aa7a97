// The AMX kernel set's tile product (amx_amd64.go). Go's assembler has
// no AMX mnemonics: each instruction is written as its bytes (checked
// with GNU as and objdump), the instruction in a comment.

#include "textflag.h"

// func amxBlock(cfg *[64]byte, chunks int, a *int8, lda int, b *int8, bstride int, c *int32, ldc int, pairs int, blocks int)
//
// The sums of blocks blocks of 32 rows with every panel of the amx
// layout, two panels at a time, each pair of panels with every block
// before the next pair (so that the pair's weights are read from the
// caches blocks times). cfg configures all eight tiles as 16 rows of 64
// bytes. For a pair and a block, tmm0..tmm3 hold C for (rows 0-15, rows
// 16-31) x (panel 2i, panel 2i+1), 16 int32 columns each; per chunk of
// 64 k, tmm4 and tmm5 take A's two row groups (at the block's a + 64*chunk
// and 16 rows further, rows lda bytes apart) and tmm6 and tmm7 the two
// panels' 16 quads (at b + 2i*bstride + 1024*chunk and bstride further,
// quads 64 bytes apart), and four independent TDPBSSD add their
// products. Block j's A starts at a + 32j*lda; pair i's C for block j at
// c + 32j*ldc + 128i (rows ldc bytes apart). TDPBSSD multiplies signed
// by signed bytes, four a lane, into int32: exact, no correction. The
// configuration is loaded and the tiles released in every call, as the
// goroutine may move to another thread between calls.
TEXT ·amxBlock(SB), NOSPLIT, $16-80
	MOVQ cfg+0(FP), AX
	BYTE $0xC4; BYTE $0xE2; BYTE $0x78; BYTE $0x49; BYTE $0x00 // LDTILECFG [AX]
	MOVQ lda+24(FP), R8
	MOVQ ldc+56(FP), R9
	MOVQ b+32(FP), DI
	MOVQ c+48(FP), AX
	MOVQ AX, cpair-8(SP)
	MOVQ pairs+64(FP), R13
	MOVQ $64, CX

pair:
	MOVQ a+16(FP), SI            // SI: the block's A
	MOVQ cpair-8(SP), DX         // DX: the block's C for this pair
	MOVQ blocks+72(FP), AX
	MOVQ AX, left-16(SP)

block:
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xC0 // TILEZERO tmm0
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xC8 // TILEZERO tmm1
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xD0 // TILEZERO tmm2
	BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $0xD8 // TILEZERO tmm3
	MOVQ SI, R10                 // R10: A's rows 0-15
	MOVQ R8, AX
	SHLQ $4, AX
	ADDQ SI, AX                  // AX: A's rows 16-31
	MOVQ DI, R11                 // R11: panel 2i
	MOVQ bstride+40(FP), R12
	ADDQ DI, R12                 // R12: panel 2i+1
	MOVQ chunks+8(FP), BX

chunk:
	BYTE $0xC4; BYTE $0x82; BYTE $0x7B; BYTE $0x4B; BYTE $0x24; BYTE $0x02 // TILELOADD tmm4, [R10+R8*1]
	BYTE $0xC4; BYTE $0xA2; BYTE $0x7B; BYTE $0x4B; BYTE $0x2C; BYTE $0x00 // TILELOADD tmm5, [AX+R8*1]
	BYTE $0xC4; BYTE $0xC2; BYTE $0x7B; BYTE $0x4B; BYTE $0x34; BYTE $0x0B // TILELOADD tmm6, [R11+CX*1]
	BYTE $0xC4; BYTE $0xC2; BYTE $0x7B; BYTE $0x4B; BYTE $0x3C; BYTE $0x0C // TILELOADD tmm7, [R12+CX*1]
	BYTE $0xC4; BYTE $0xE2; BYTE $0x4B; BYTE $0x5E; BYTE $0xC4             // TDPBSSD tmm0, tmm4, tmm6
	BYTE $0xC4; BYTE $0xE2; BYTE $0x43; BYTE $0x5E; BYTE $0xCC             // TDPBSSD tmm1, tmm4, tmm7
	BYTE $0xC4; BYTE $0xE2; BYTE $0x4B; BYTE $0x5E; BYTE $0xD5             // TDPBSSD tmm2, tmm5, tmm6
	BYTE $0xC4; BYTE $0xE2; BYTE $0x43; BYTE $0x5E; BYTE $0xDD             // TDPBSSD tmm3, tmm5, tmm7
	ADDQ $64, R10
	ADDQ $64, AX
	ADDQ $1024, R11
	ADDQ $1024, R12
	DECQ BX
	JNZ  chunk

	BYTE $0xC4; BYTE $0xA2; BYTE $0x7A; BYTE $0x4B; BYTE $0x04; BYTE $0x0A // TILESTORED [DX+R9*1], tmm0
	LEAQ 64(DX), AX
	BYTE $0xC4; BYTE $0xA2; BYTE $0x7A; BYTE $0x4B; BYTE $0x0C; BYTE $0x08 // TILESTORED [AX+R9*1], tmm1
	MOVQ R9, AX
	SHLQ $4, AX
	ADDQ DX, AX
	BYTE $0xC4; BYTE $0xA2; BYTE $0x7A; BYTE $0x4B; BYTE $0x14; BYTE $0x08 // TILESTORED [AX+R9*1], tmm2
	ADDQ $64, AX
	BYTE $0xC4; BYTE $0xA2; BYTE $0x7A; BYTE $0x4B; BYTE $0x1C; BYTE $0x08 // TILESTORED [AX+R9*1], tmm3
	MOVQ R8, AX
	SHLQ $5, AX
	ADDQ AX, SI                  // the next block's A
	MOVQ R9, AX
	SHLQ $5, AX
	ADDQ AX, DX                  // and C
	DECQ left-16(SP)
	JNZ  block

	ADDQ $128, cpair-8(SP)
	MOVQ bstride+40(FP), AX
	SHLQ $1, AX
	ADDQ AX, DI
	DECQ R13
	JNZ  pair

	BYTE $0xC4; BYTE $0xE2; BYTE $0x78; BYTE $0x49; BYTE $0xC0 // TILERELEASE
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
