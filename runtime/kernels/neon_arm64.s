// The arm64 tile kernels of the matrix products, in two sets: SDOT (the
// ARMv8.2 dot product, cpu.ARM64.HasASIMDDP) and plain NEON for arm64
// CPUs without it; then, shared by both sets, the requantization of their
// sums, four at a time (requantNEON), and the repacking of activation
// columns for MatMulRequantRHS (packQuadsNEON). neon_arm64.go says how the
// tiles cover a product.
//
// Both read the packed layout (pack.go): a panel holds 8 outputs, and its
// quad q is 32 bytes, byte 4c+t holding output c's weight for k = 4q+t.
// Loaded into two vector registers, V0 holds outputs 0-3 and V1 outputs
// 4-7, each 32-bit lane one output's four weights. A row of activations is
// read one quad (4 bytes, its k = 4q..4q+3) at a time, replicated into
// every 32-bit lane of a register (LD1R): the lanes of the two registers
// then line up, byte for byte, with the weights they multiply.
//
// The SDOT set: SDOT Vd.4S, Vn.16B, Vm.16B adds to each int32 lane of Vd
// the sum of the four int8 products of that lane's bytes in Vn and Vm. The
// products and the four-term sums are exact (|sum| <= 4*128*128 = 65536);
// the int32 accumulation wraps, as the reference's does. One quad of one
// row against one panel is two SDOTs.
//
// The NEON set: SMULL (low 8 bytes) and SMULL2 (high 8 bytes) multiply
// int8 lanes into int16 lanes, one product per lane, and SADALP adds
// adjacent int16 lanes, widened, into the int32 lanes of an accumulator.
// Every int16 lane holds a single product, in [-128*127, 128*128] =
// [-16256, 16384], which fits int16 for any int8 inputs, -128 included;
// no two products are ever summed in 16 bits (SMLAL would: two products
// of -128*-128 make 32768, which does not fit). Per quad, row and panel:
// four SMULL/SMULL2 and four SADALP into four accumulators, lane i of
// accumulator a holding output 2a + i/2's products of k = 4q + 2(i%2) and
// 4q + 2(i%2) + 1; at the end ADDP adds adjacent lanes, giving outputs
// 0-3 and 4-7 in two registers as in the SDOT set.
//
// Go's assembler has no SDOT, SMULL, SMULL2 or SADALP, nor the
// requantization's SQRDMULH, SSHL, SRSHL, SQADD, SSHR, SMAX, SMIN and XTN,
// so they are written as WORD, the instruction in the Arm manual's syntax
// (destination first) in a comment beside each; the ADD, AND and ADDP
// among them (Go spells them with the operands reversed) are written the
// same way so that all the arithmetic reads in one order. The encodings
// fix their register numbers. Each was checked against GNU as
// (aarch64-linux-gnu-as -march=armv8.2-a+dotprod) and objdump.
//
// Registers of the tile kernels, both sets:
//
//	R0      quads left          R1      weights (the panel), 32 bytes a quad
//	R2-R5   rows 0-3 of x       R6      x's quad stride in bytes
//	R7      acc (row 0)         R8      acc's row stride in bytes
//	R9      rows to store (1-4)
//	V0, V1  one quad of the panel: outputs 0-3, 4-7
//	V2-V5   rows 0-3's quad, replicated into all four lanes
//	V16-V23 SDOT: row r's sums at V(16+2r) (outputs 0-3), V(17+2r) (4-7)
//	V6-V9   NEON: the int16 products of one row
//	V16-V31 NEON: row r's accumulators at V(16+4r)..V(19+4r); after the
//	        ADDPs its sums are at V(16+2r), V(17+2r) as in the SDOT set
//
// With one row the tile kernels run a loop of their own, reading only row
// 0. Matrix-vector products use dotRow4SDOT and dotRow4NEON instead,
// which load the row's quad once for four panels; their registers are
// listed where they are defined.

#include "textflag.h"

// func dotTileSDOT(kq int, x0, x1, x2, x3 *int8, xq int, w *int8, acc *int32, ldacc int, rows int)
//
// For r < rows and c < 8: acc[r*ldacc/4 + c] = sum over q < kq of the dot
// product of quad q of row r (4 bytes at x_r + q*xq) with output c's quad q
// of the panel at w. Rows past rows are read (their pointers must be
// valid) but not stored. kq >= 1.
TEXT ·dotTileSDOT(SB), NOSPLIT, $0-80
	MOVD	kq+0(FP), R0
	MOVD	x0+8(FP), R2
	MOVD	x1+16(FP), R3
	MOVD	x2+24(FP), R4
	MOVD	x3+32(FP), R5
	MOVD	xq+40(FP), R6
	MOVD	w+48(FP), R1
	MOVD	acc+56(FP), R7
	MOVD	ldacc+64(FP), R8
	MOVD	rows+72(FP), R9
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	CMP	$1, R9
	BEQ	srow1

srows4:
	VLD1.P	32(R1), [V0.B16, V1.B16]
	VLD1R	(R2), [V2.S4]
	VLD1R	(R3), [V3.S4]
	VLD1R	(R4), [V4.S4]
	VLD1R	(R5), [V5.S4]
	ADD	R6, R2
	ADD	R6, R3
	ADD	R6, R4
	ADD	R6, R5
	WORD	$0x4E829410 // SDOT V16.4S, V0.16B, V2.16B
	WORD	$0x4E829431 // SDOT V17.4S, V1.16B, V2.16B
	WORD	$0x4E839412 // SDOT V18.4S, V0.16B, V3.16B
	WORD	$0x4E839433 // SDOT V19.4S, V1.16B, V3.16B
	WORD	$0x4E849414 // SDOT V20.4S, V0.16B, V4.16B
	WORD	$0x4E849435 // SDOT V21.4S, V1.16B, V4.16B
	WORD	$0x4E859416 // SDOT V22.4S, V0.16B, V5.16B
	WORD	$0x4E859437 // SDOT V23.4S, V1.16B, V5.16B
	SUBS	$1, R0
	BNE	srows4
	B	sstore

srow1:
	VLD1.P	32(R1), [V0.B16, V1.B16]
	VLD1R	(R2), [V2.S4]
	ADD	R6, R2
	WORD	$0x4E829410 // SDOT V16.4S, V0.16B, V2.16B
	WORD	$0x4E829431 // SDOT V17.4S, V1.16B, V2.16B
	SUBS	$1, R0
	BNE	srow1

sstore:
	VST1	[V16.S4, V17.S4], (R7)
	CMP	$2, R9
	BLT	sdone
	ADD	R8, R7
	VST1	[V18.S4, V19.S4], (R7)
	CMP	$3, R9
	BLT	sdone
	ADD	R8, R7
	VST1	[V20.S4, V21.S4], (R7)
	CMP	$4, R9
	BLT	sdone
	ADD	R8, R7
	VST1	[V22.S4, V23.S4], (R7)

sdone:
	RET

// func dotTileNEON(kq int, x0, x1, x2, x3 *int8, xq int, w *int8, acc *int32, ldacc int, rows int)
//
// For r < rows and c < 8: acc[r*ldacc/4 + c] = sum over q < kq of the dot
// product of quad q of row r (4 bytes at x_r + q*xq) with output c's quad q
// of the panel at w. Rows past rows are read (their pointers must be
// valid) but not stored. kq >= 1.
TEXT ·dotTileNEON(SB), NOSPLIT, $0-80
	MOVD	kq+0(FP), R0
	MOVD	x0+8(FP), R2
	MOVD	x1+16(FP), R3
	MOVD	x2+24(FP), R4
	MOVD	x3+32(FP), R5
	MOVD	xq+40(FP), R6
	MOVD	w+48(FP), R1
	MOVD	acc+56(FP), R7
	MOVD	ldacc+64(FP), R8
	MOVD	rows+72(FP), R9
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	VEOR	V24.B16, V24.B16, V24.B16
	VEOR	V25.B16, V25.B16, V25.B16
	VEOR	V26.B16, V26.B16, V26.B16
	VEOR	V27.B16, V27.B16, V27.B16
	VEOR	V28.B16, V28.B16, V28.B16
	VEOR	V29.B16, V29.B16, V29.B16
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16
	CMP	$1, R9
	BEQ	nrow1

nrows4:
	VLD1.P	32(R1), [V0.B16, V1.B16]
	VLD1R	(R2), [V2.S4]
	VLD1R	(R3), [V3.S4]
	VLD1R	(R4), [V4.S4]
	VLD1R	(R5), [V5.S4]
	ADD	R6, R2
	ADD	R6, R3
	ADD	R6, R4
	ADD	R6, R5
	WORD	$0x0E22C006 // SMULL V6.8H, V0.8B, V2.8B
	WORD	$0x4E22C007 // SMULL2 V7.8H, V0.16B, V2.16B
	WORD	$0x0E22C028 // SMULL V8.8H, V1.8B, V2.8B
	WORD	$0x4E22C029 // SMULL2 V9.8H, V1.16B, V2.16B
	WORD	$0x4E6068D0 // SADALP V16.4S, V6.8H
	WORD	$0x4E6068F1 // SADALP V17.4S, V7.8H
	WORD	$0x4E606912 // SADALP V18.4S, V8.8H
	WORD	$0x4E606933 // SADALP V19.4S, V9.8H
	WORD	$0x0E23C006 // SMULL V6.8H, V0.8B, V3.8B
	WORD	$0x4E23C007 // SMULL2 V7.8H, V0.16B, V3.16B
	WORD	$0x0E23C028 // SMULL V8.8H, V1.8B, V3.8B
	WORD	$0x4E23C029 // SMULL2 V9.8H, V1.16B, V3.16B
	WORD	$0x4E6068D4 // SADALP V20.4S, V6.8H
	WORD	$0x4E6068F5 // SADALP V21.4S, V7.8H
	WORD	$0x4E606916 // SADALP V22.4S, V8.8H
	WORD	$0x4E606937 // SADALP V23.4S, V9.8H
	WORD	$0x0E24C006 // SMULL V6.8H, V0.8B, V4.8B
	WORD	$0x4E24C007 // SMULL2 V7.8H, V0.16B, V4.16B
	WORD	$0x0E24C028 // SMULL V8.8H, V1.8B, V4.8B
	WORD	$0x4E24C029 // SMULL2 V9.8H, V1.16B, V4.16B
	WORD	$0x4E6068D8 // SADALP V24.4S, V6.8H
	WORD	$0x4E6068F9 // SADALP V25.4S, V7.8H
	WORD	$0x4E60691A // SADALP V26.4S, V8.8H
	WORD	$0x4E60693B // SADALP V27.4S, V9.8H
	WORD	$0x0E25C006 // SMULL V6.8H, V0.8B, V5.8B
	WORD	$0x4E25C007 // SMULL2 V7.8H, V0.16B, V5.16B
	WORD	$0x0E25C028 // SMULL V8.8H, V1.8B, V5.8B
	WORD	$0x4E25C029 // SMULL2 V9.8H, V1.16B, V5.16B
	WORD	$0x4E6068DC // SADALP V28.4S, V6.8H
	WORD	$0x4E6068FD // SADALP V29.4S, V7.8H
	WORD	$0x4E60691E // SADALP V30.4S, V8.8H
	WORD	$0x4E60693F // SADALP V31.4S, V9.8H
	SUBS	$1, R0
	BNE	nrows4
	WORD	$0x4EB1BE10 // ADDP V16.4S, V16.4S, V17.4S
	WORD	$0x4EB3BE51 // ADDP V17.4S, V18.4S, V19.4S
	WORD	$0x4EB5BE92 // ADDP V18.4S, V20.4S, V21.4S
	WORD	$0x4EB7BED3 // ADDP V19.4S, V22.4S, V23.4S
	WORD	$0x4EB9BF14 // ADDP V20.4S, V24.4S, V25.4S
	WORD	$0x4EBBBF55 // ADDP V21.4S, V26.4S, V27.4S
	WORD	$0x4EBDBF96 // ADDP V22.4S, V28.4S, V29.4S
	WORD	$0x4EBFBFD7 // ADDP V23.4S, V30.4S, V31.4S
	B	nstore

nrow1:
	VLD1.P	32(R1), [V0.B16, V1.B16]
	VLD1R	(R2), [V2.S4]
	ADD	R6, R2
	WORD	$0x0E22C006 // SMULL V6.8H, V0.8B, V2.8B
	WORD	$0x4E22C007 // SMULL2 V7.8H, V0.16B, V2.16B
	WORD	$0x0E22C028 // SMULL V8.8H, V1.8B, V2.8B
	WORD	$0x4E22C029 // SMULL2 V9.8H, V1.16B, V2.16B
	WORD	$0x4E6068D0 // SADALP V16.4S, V6.8H
	WORD	$0x4E6068F1 // SADALP V17.4S, V7.8H
	WORD	$0x4E606912 // SADALP V18.4S, V8.8H
	WORD	$0x4E606933 // SADALP V19.4S, V9.8H
	SUBS	$1, R0
	BNE	nrow1
	WORD	$0x4EB1BE10 // ADDP V16.4S, V16.4S, V17.4S
	WORD	$0x4EB3BE51 // ADDP V17.4S, V18.4S, V19.4S

nstore:
	VST1	[V16.S4, V17.S4], (R7)
	CMP	$2, R9
	BLT	ndone
	ADD	R8, R7
	VST1	[V18.S4, V19.S4], (R7)
	CMP	$3, R9
	BLT	ndone
	ADD	R8, R7
	VST1	[V20.S4, V21.S4], (R7)
	CMP	$4, R9
	BLT	ndone
	ADD	R8, R7
	VST1	[V22.S4, V23.S4], (R7)

ndone:
	RET

// func dotRow4SDOT(kq int, x *int8, xq int, w *int8, ldw int, acc *int32)
//
// One row against four panels, for matrix-vector products: acc[8p + c]
// for p < 4, c < 8 gets the dot product of the row (kq quads at x + q*xq)
// with output c of the panel at w + p*ldw. The row's quad, in V2, is
// loaded once for the four panels, whose quads are V0-V1, V3-V4, V5-V6
// and V7-V8 (R1, R6, R7, R8 point at them; R0 counts the quads, R2 is
// ldw, R3 the row, R4 xq, R5 acc). Panel p's sums are V(16+2p),
// V(17+2p).
TEXT ·dotRow4SDOT(SB), NOSPLIT, $0-48
	MOVD	kq+0(FP), R0
	MOVD	x+8(FP), R3
	MOVD	xq+16(FP), R4
	MOVD	w+24(FP), R1
	MOVD	ldw+32(FP), R2
	MOVD	acc+40(FP), R5
	ADD	R1, R2, R6
	ADD	R6, R2, R7
	ADD	R7, R2, R8
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16

r4sdotloop:
	VLD1R	(R3), [V2.S4]
	ADD	R4, R3
	VLD1.P	32(R1), [V0.B16, V1.B16]
	VLD1.P	32(R6), [V3.B16, V4.B16]
	VLD1.P	32(R7), [V5.B16, V6.B16]
	VLD1.P	32(R8), [V7.B16, V8.B16]
	WORD	$0x4E829410 // SDOT V16.4S, V0.16B, V2.16B
	WORD	$0x4E829431 // SDOT V17.4S, V1.16B, V2.16B
	WORD	$0x4E829472 // SDOT V18.4S, V3.16B, V2.16B
	WORD	$0x4E829493 // SDOT V19.4S, V4.16B, V2.16B
	WORD	$0x4E8294B4 // SDOT V20.4S, V5.16B, V2.16B
	WORD	$0x4E8294D5 // SDOT V21.4S, V6.16B, V2.16B
	WORD	$0x4E8294F6 // SDOT V22.4S, V7.16B, V2.16B
	WORD	$0x4E829517 // SDOT V23.4S, V8.16B, V2.16B
	SUBS	$1, R0
	BNE	r4sdotloop
	VST1.P	[V16.S4, V17.S4, V18.S4, V19.S4], 64(R5)
	VST1	[V20.S4, V21.S4, V22.S4, V23.S4], (R5)
	RET

// func dotRow4NEON(kq int, x *int8, xq int, w *int8, ldw int, acc *int32)
//
// One row against four panels, for matrix-vector products: acc[8p + c]
// for p < 4, c < 8 gets the dot product of the row (kq quads at x + q*xq)
// with output c of the panel at w + p*ldw. The row's quad, in V2, is
// loaded once for the four panels, whose quads are V0-V1, V3-V4, V5-V6
// and V7-V8 (R1, R6, R7, R8 point at them; R0 counts the quads, R2 is
// ldw, R3 the row, R4 xq, R5 acc). Panel p's accumulators are
// V(16+4p)-V(19+4p), its products V9-V12; the ADDPs leave its sums in
// V(16+2p), V(17+2p).
TEXT ·dotRow4NEON(SB), NOSPLIT, $0-48
	MOVD	kq+0(FP), R0
	MOVD	x+8(FP), R3
	MOVD	xq+16(FP), R4
	MOVD	w+24(FP), R1
	MOVD	ldw+32(FP), R2
	MOVD	acc+40(FP), R5
	ADD	R1, R2, R6
	ADD	R6, R2, R7
	ADD	R7, R2, R8
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	VEOR	V24.B16, V24.B16, V24.B16
	VEOR	V25.B16, V25.B16, V25.B16
	VEOR	V26.B16, V26.B16, V26.B16
	VEOR	V27.B16, V27.B16, V27.B16
	VEOR	V28.B16, V28.B16, V28.B16
	VEOR	V29.B16, V29.B16, V29.B16
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16

r4neonloop:
	VLD1R	(R3), [V2.S4]
	ADD	R4, R3
	VLD1.P	32(R1), [V0.B16, V1.B16]
	VLD1.P	32(R6), [V3.B16, V4.B16]
	VLD1.P	32(R7), [V5.B16, V6.B16]
	VLD1.P	32(R8), [V7.B16, V8.B16]
	WORD	$0x0E22C009 // SMULL V9.8H, V0.8B, V2.8B
	WORD	$0x4E22C00A // SMULL2 V10.8H, V0.16B, V2.16B
	WORD	$0x0E22C02B // SMULL V11.8H, V1.8B, V2.8B
	WORD	$0x4E22C02C // SMULL2 V12.8H, V1.16B, V2.16B
	WORD	$0x4E606930 // SADALP V16.4S, V9.8H
	WORD	$0x4E606951 // SADALP V17.4S, V10.8H
	WORD	$0x4E606972 // SADALP V18.4S, V11.8H
	WORD	$0x4E606993 // SADALP V19.4S, V12.8H
	WORD	$0x0E22C069 // SMULL V9.8H, V3.8B, V2.8B
	WORD	$0x4E22C06A // SMULL2 V10.8H, V3.16B, V2.16B
	WORD	$0x0E22C08B // SMULL V11.8H, V4.8B, V2.8B
	WORD	$0x4E22C08C // SMULL2 V12.8H, V4.16B, V2.16B
	WORD	$0x4E606934 // SADALP V20.4S, V9.8H
	WORD	$0x4E606955 // SADALP V21.4S, V10.8H
	WORD	$0x4E606976 // SADALP V22.4S, V11.8H
	WORD	$0x4E606997 // SADALP V23.4S, V12.8H
	WORD	$0x0E22C0A9 // SMULL V9.8H, V5.8B, V2.8B
	WORD	$0x4E22C0AA // SMULL2 V10.8H, V5.16B, V2.16B
	WORD	$0x0E22C0CB // SMULL V11.8H, V6.8B, V2.8B
	WORD	$0x4E22C0CC // SMULL2 V12.8H, V6.16B, V2.16B
	WORD	$0x4E606938 // SADALP V24.4S, V9.8H
	WORD	$0x4E606959 // SADALP V25.4S, V10.8H
	WORD	$0x4E60697A // SADALP V26.4S, V11.8H
	WORD	$0x4E60699B // SADALP V27.4S, V12.8H
	WORD	$0x0E22C0E9 // SMULL V9.8H, V7.8B, V2.8B
	WORD	$0x4E22C0EA // SMULL2 V10.8H, V7.16B, V2.16B
	WORD	$0x0E22C10B // SMULL V11.8H, V8.8B, V2.8B
	WORD	$0x4E22C10C // SMULL2 V12.8H, V8.16B, V2.16B
	WORD	$0x4E60693C // SADALP V28.4S, V9.8H
	WORD	$0x4E60695D // SADALP V29.4S, V10.8H
	WORD	$0x4E60697E // SADALP V30.4S, V11.8H
	WORD	$0x4E60699F // SADALP V31.4S, V12.8H
	SUBS	$1, R0
	BNE	r4neonloop
	WORD	$0x4EB1BE10 // ADDP V16.4S, V16.4S, V17.4S
	WORD	$0x4EB3BE51 // ADDP V17.4S, V18.4S, V19.4S
	WORD	$0x4EB5BE92 // ADDP V18.4S, V20.4S, V21.4S
	WORD	$0x4EB7BED3 // ADDP V19.4S, V22.4S, V23.4S
	WORD	$0x4EB9BF14 // ADDP V20.4S, V24.4S, V25.4S
	WORD	$0x4EBBBF55 // ADDP V21.4S, V26.4S, V27.4S
	WORD	$0x4EBDBF96 // ADDP V22.4S, V28.4S, V29.4S
	WORD	$0x4EBFBFD7 // ADDP V23.4S, V30.4S, V31.4S
	VST1.P	[V16.S4, V17.S4, V18.S4, V19.S4], 64(R5)
	VST1	[V20.S4, V21.S4, V22.S4, V23.S4], (R5)
	RET

// func requantNEON(n int, acc *int32, bias *int32, bstep int, mult *int32, mstep int, shift *int32, sstep int, off int, lo int, hi int, out *int8)
//
// For i < n (a multiple of 4), four at a time: out[i] = requant.apply's
// value for sum acc[i] with bias b, multiplier m and shift s read 4 at a
// time from bias, mult and shift, which advance by bstep, mstep and sstep
// bytes per 4 (16, or 0 to repeat 4 copies of one value).
//
// MultiplyByQuantizedMultiplier(v, m, s), lane by lane, exactly:
//   - v << max(s, 0) (SSHL: wraps as the int32 product by 2^left does);
//   - SaturatingRoundingDoublingHighMul is SQRDMULH: (2vm + 2^31) >> 32
//     equals the reference's (vm + nudge) / 2^31 truncated, for vm < 0 as
//     well (floor((vm + 2^30) / 2^31) = trunc((vm + 1 - 2^30) / 2^31)), and
//     both saturate only for MinInt32 * MinInt32;
//   - RoundingDivideByPOT by e = -min(s, 0) is SRSHL by -e (round half
//     up, computed without overflow) after adding -1 to negative lanes
//     when e > 0 (the AND of v with -e has the sign bit only then), which
//     turns the ties of negative values away from zero; the add saturates
//     at MinInt32, whose rounding the -1 cannot change.
// Then + off (wrapping), max with lo, min with hi (hi wins when lo > hi,
// as in apply), narrowed to int8 (lo and hi are within int8).
//
// Registers: R0 count, R1 acc, R2/R4/R6 bias, mult, shift and R3/R5/R7
// their steps, R11 out; V16 zero, V17 off, V18 lo, V19 hi in every lane;
// V0 the values, V1-V3 bias, multiplier and shift, V4 left and V5 minus
// the right shift, V6 the fixup.
TEXT ·requantNEON(SB), NOSPLIT, $0-96
	MOVD	n+0(FP), R0
	MOVD	acc+8(FP), R1
	MOVD	bias+16(FP), R2
	MOVD	bstep+24(FP), R3
	MOVD	mult+32(FP), R4
	MOVD	mstep+40(FP), R5
	MOVD	shift+48(FP), R6
	MOVD	sstep+56(FP), R7
	MOVD	off+64(FP), R8
	MOVD	lo+72(FP), R9
	MOVD	hi+80(FP), R10
	MOVD	out+88(FP), R11
	VEOR	V16.B16, V16.B16, V16.B16
	VDUP	R8, V17.S4
	VDUP	R9, V18.S4
	VDUP	R10, V19.S4
	CBZ	R0, rqdone

rqloop:
	VLD1.P	16(R1), [V0.S4]
	VLD1	(R2), [V1.S4]
	VLD1	(R4), [V2.S4]
	VLD1	(R6), [V3.S4]
	ADD	R3, R2
	ADD	R5, R4
	ADD	R7, R6
	WORD	$0x4EA18400 // ADD V0.4S, V0.4S, V1.4S
	WORD	$0x4EB06464 // SMAX V4.4S, V3.4S, V16.4S
	WORD	$0x4EB06C65 // SMIN V5.4S, V3.4S, V16.4S
	WORD	$0x4EA44400 // SSHL V0.4S, V0.4S, V4.4S
	WORD	$0x6EA2B400 // SQRDMULH V0.4S, V0.4S, V2.4S
	WORD	$0x4E251C06 // AND V6.16B, V0.16B, V5.16B
	WORD	$0x4F2104C6 // SSHR V6.4S, V6.4S, #31
	WORD	$0x4EA60C00 // SQADD V0.4S, V0.4S, V6.4S
	WORD	$0x4EA55400 // SRSHL V0.4S, V0.4S, V5.4S
	WORD	$0x4EB18400 // ADD V0.4S, V0.4S, V17.4S
	WORD	$0x4EB26400 // SMAX V0.4S, V0.4S, V18.4S
	WORD	$0x4EB36C00 // SMIN V0.4S, V0.4S, V19.4S
	WORD	$0x0E612800 // XTN V0.4H, V0.4S
	WORD	$0x0E212800 // XTN V0.8B, V0.8H
	VMOV	V0.S[0], R12
	MOVW	R12, (R11)
	ADD	$4, R11
	SUBS	$4, R0
	BNE	rqloop

rqdone:
	RET

// func packQuadsNEON(quads int, groups int, src *int8, ldc int, dst *int8, step int)
//
// Lays out rows of activations in the packed layout, for
// MatMulRequantRHS: for q < quads, g < groups, c < 8 and t < 4,
// dst[g*step + 32q + 4c + t] = src[(4q+t)*ldc + 8g + c]. Every row and
// column it names must exist. Per quad and group, the 8 bytes of each of
// the quad's 4 rows (V0-V3) are interleaved bytewise by pairs of rows
// (ZIP1 .16B: V4 = r0[0] r1[0] r0[1] r1[1] ..., V5 the same of r2 and r3),
// then by halfwords (ZIP1 and ZIP2 .8H of V4 and V5: r0[c] r1[c] r2[c]
// r3[c] for c = 0-3 in V6, 4-7 in V7).
//
// Registers: R0 quads left, R1 groups, R2 the quad's first row, R3 ldc,
// R4 the quad's place in group 0, R5 step, R6-R9 the quad's rows, R10
// the destination, R11 groups left, R12 4*ldc.
TEXT ·packQuadsNEON(SB), NOSPLIT, $0-48
	MOVD	quads+0(FP), R0
	MOVD	groups+8(FP), R1
	MOVD	src+16(FP), R2
	MOVD	ldc+24(FP), R3
	MOVD	dst+32(FP), R4
	MOVD	step+40(FP), R5
	LSL	$2, R3, R12
	CBZ	R0, pqdone
	CBZ	R1, pqdone

pqquad:
	MOVD	R2, R6
	ADD	R3, R6, R7
	ADD	R3, R7, R8
	ADD	R3, R8, R9
	MOVD	R4, R10
	MOVD	R1, R11

pqgroup:
	VLD1.P	8(R6), [V0.B8]
	VLD1.P	8(R7), [V1.B8]
	VLD1.P	8(R8), [V2.B8]
	VLD1.P	8(R9), [V3.B8]
	VZIP1	V1.B16, V0.B16, V4.B16
	VZIP1	V3.B16, V2.B16, V5.B16
	VZIP1	V5.H8, V4.H8, V6.H8
	VZIP2	V5.H8, V4.H8, V7.H8
	VST1	[V6.B16, V7.B16], (R10)
	ADD	R5, R10
	SUBS	$1, R11
	BNE	pqgroup
	ADD	R12, R2
	ADD	$32, R4
	SUBS	$1, R0
	BNE	pqquad

pqdone:
	RET
