//go:build amd64

package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkTile runs each tile kernel alone over 1024 k with its operands
// in L1: the kernels' own speed, without widening, requantization or
// cache misses.
func BenchmarkTile(b *testing.B) {
	if !haveAsm {
		b.Skip("no AVX2")
	}
	const kq, pad = 256, 64
	xw := make([]int16, 6*(kq*4+pad/2))
	w := make([]int8, 6*kq*32)
	acc := make([]int32, 6*48)
	// Nonzero data: untouched pages all map the same zero page, which
	// distorts the timing.
	for i := range xw {
		xw[i] = int16(i*7%255 - 127)
	}
	for i := range w {
		w[i] = int8(i * 13)
	}
	for r := 1; r <= 6; r++ {
		for p := 1; p <= 6; p++ {
			f := tiles[r-1][p-1]
			if f == nil {
				continue
			}
			b.Run(fmt.Sprintf("%dx%d", r, p), func(b *testing.B) {
				for b.Loop() {
					f(kq, &xw[0], kq*8+pad, 8, &w[0], kq*32, &acc[0], 48*4)
				}
				b.ReportMetric(float64(r*p*8*kq*4)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
	}
}
