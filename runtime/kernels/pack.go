// The packed weight layout shared by every kernel.

package kernels

import (
	"fmt"
	"sync"
)

// PackedWeights is an int8 weight matrix [n][k] (row j holds output j's k
// weights) laid out for the kernels, prepared once when a model loads and
// then read-only: any number of goroutines may use it at once.
//
// The layout is the one a 4-byte-lane dot product instruction wants, and
// every kernel reads the same one, so the choice of kernel can change
// after packing. Outputs are grouped in panels of 8 and k in quads of 4;
// panel p is a contiguous block of kq quads of 32 bytes, and in quad q
// byte 4*c + t holds w[8p+c][4q+t]. Outputs beyond n and k beyond the
// row's end are zero, so a padded tail adds nothing to any sum.
type PackedWeights struct {
	n, k   int
	kq, np int    // quads per row (k rounded up to 4, over 4) and panels
	w      []int8 // np panels of kq*32 bytes
	sums   []int32
	corr   []int32 // 128*sums, then zeros to np*8: the VPDPBUSD kernels' correction

	// The portable kernels' lane layout (lanes.go), built by the first
	// portable product that uses it: a model run by the assembly kernels
	// does not pay its memory (72 bytes per 21 weights).
	lanesOnce sync.Once
	lanes     []laneStep

	// The avx512vnni set's layout (zmm_amd64.go), built by its first
	// product: 16 outputs a panel, the weights plus 128 as u8.
	zmmOnce sync.Once
	zmm     []uint8

	// The amx set's layout (amx_amd64.go), built by its first product:
	// 16 outputs a panel, k in whole chunks of 64.
	amxOnce sync.Once
	amx     []int8
}

// Pack lays out w ([n][k], row-major) for the kernels and records each
// row's sum of weights. It panics unless n, k >= 1 and len(w) == n*k.
func Pack(w []int8, n, k int) *PackedWeights {
	if n < 1 || k < 1 || len(w) != n*k {
		panic(fmt.Sprintf("kernels: Pack: %d weights for an %dx%d matrix", len(w), n, k))
	}
	kq, np := (k+3)/4, (n+7)/8
	p := &PackedWeights{n: n, k: k, kq: kq, np: np, w: make([]int8, np*kq*32), sums: make([]int32, n)}
	for j := range n {
		row := w[j*k : (j+1)*k]
		panel := p.w[(j/8)*kq*32:]
		var s int32
		for i, v := range row {
			panel[(i/4)*32+(j%8)*4+i%4] = v
			s += int32(v)
		}
		p.sums[j] = s
	}
	p.corr = make([]int32, np*8)
	for j, s := range p.sums {
		p.corr[j] = 128 * s
	}
	if !useAsm && useLanes {
		// The portable kernels run: lay out their weights now rather
		// than in the first product.
		p.laneWeights()
	}
	packForSelected(p)
	return p
}

// laneWeights returns p's weights in the lane layout, building it on
// first use; any number of goroutines may call it at once.
func (p *PackedWeights) laneWeights() []laneStep {
	p.lanesOnce.Do(func() { p.lanes = packLanes(p) })
	return p.lanes
}

// N returns the number of outputs (rows of the weight matrix).
func (p *PackedWeights) N() int { return p.n }

// K returns the length of each output's dot product.
func (p *PackedWeights) K() int { return p.k }

// RowSums returns sum over k of w[j][k] for each output j, in int32. The
// slice is the PackedWeights' own and must not be modified.
func (p *PackedWeights) RowSums() []int32 { return p.sums }
