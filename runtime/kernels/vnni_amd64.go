// The VPDPBUSD kernel sets: avx512vnni, whose dense product runs on zmm
// (dot_zmm_amd64.s), and avxvnni (VEX, ymm: dot_vnni_amd64.s), both over
// the zmm layout (zmm_amd64.go); their convolution products run on
// dot_rhs_amd64.s's tiles (EVEX and VEX). Both need AVX2 beside, which
// every CPU with either has.

package kernels

import "golang.org/x/sys/cpu"

// peakVNNIZMM and peakVNNIVEX run the sets' bare loops; see
// peak_amd64.s.
//
//go:noescape
func peakVNNIZMM(iters int)

//go:noescape
func peakVNNIVEX(iters int)

var avx512vnniSet = &kernelSet{
	name: "avx512vnni",
	lacks: func() string {
		if !haveAsm || !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512VNNI {
			return "AVX-512 VNNI (and AVX2)"
		}
		return ""
	},
	matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
		matMulRequantZMM(m, x, lda, p, &q, out, ldo, scratch)
	},
	matMulRequantRHS: rhsZMM,
	quantize:         quantizeZMM,
	depthwise:        depthwiseAVX2,
	peak:             peakVNNIZMM, peakMACs: 24 * 64,
}

var avxvnniSet = &kernelSet{
	name: "avxvnni",
	lacks: func() string {
		if !haveAsm || !cpu.X86.HasAVXVNNI {
			return "AVX-VNNI (and AVX2)"
		}
		return ""
	},
	matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
		matMulRequantU8(&vnniTiles, &vnniTilePanels, false, m, x, lda, p, &q, out, ldo, scratch)
	},
	matMulRequantRHS: rhsVEX,
	depthwise:        depthwiseAVX2,
	peak:             peakVNNIVEX, peakMACs: 12 * 32,
}
