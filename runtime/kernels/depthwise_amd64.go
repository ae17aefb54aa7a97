package kernels

// depthwiseSums computes blocks of 16 columns' depthwise sums; see
// depthwise_amd64.s.
//
//go:noescape
func depthwiseSums(blocks int, x *int8, pairs *int32, npairs int, acc *int32)

// depthwiseAVX2 is DepthwiseGrid on the sets with AVX2: channel by
// channel, the sums 16 grid positions at a time (depthwiseSums), then
// the AVX2 requantization.
func depthwiseAVX2(n, rows, width, valid int, x []int8, plane int, offs []int, w []int8, q requant, out []int8, scratch []int32) {
	taps, cols := len(offs), rows*width
	blocks, sums := (cols+15)/16, depthwiseSumsLen(cols)
	acc := scratch[:sums]
	pairs := scratch[sums : sums+4*(DepthwiseTaps/2)]
	v := scratch[sums+4*(DepthwiseTaps/2) : sums+4*(DepthwiseTaps/2)+24]
	// Each pair's offsets; an odd tap out pairs with itself, weighted 0.
	np := (taps + 1) / 2
	for i := range np {
		pairs[4*i], pairs[4*i+1] = int32(offs[2*i]), int32(offs[min(2*i+1, taps-1)])
	}
	span := DepthwiseLen(cols, offs)
	_ = x[(n-1)*plane+span-1]
	_ = out[n*rows*valid-1]
	for ch := range n {
		wc := w[ch*taps : (ch+1)*taps]
		for i := range np {
			var w1 int32
			if 2*i+1 < taps {
				w1 = int32(wc[2*i+1])
			}
			pairs[4*i+2] = int32(uint16(int16(wc[2*i]))) | w1<<16
		}
		depthwiseSums(blocks, &x[ch*plane], &pairs[0], np, &acc[0])
		fill(v[0:8], q.bias[ch])
		fill(v[8:16], q.mult[min(ch, len(q.mult)-1)])
		fill(v[16:24], q.shift[min(ch, len(q.shift)-1)])
		// Row by row, the valid positions only, straight into out.
		requantRows(rows, valid, &acc[0], 4*width, &v[0], 0, &v[8], 0, &v[16], 0, &v[0],
			int(q.off), int(q.lo), int(q.hi), &out[ch*rows*valid], valid)
	}
}
