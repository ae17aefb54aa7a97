// The portable kernels: Go over the lane layout (lanes.go), and where
// 64-bit multiplies are not native, plain Go over the packed layout.

package kernels

// matMulRequantPortable is MatMulRequant in Go.
func matMulRequantPortable(m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	if !useLanes {
		matMulRequantPlain(m, x, lda, p, q, out, ldo, scratch)
		return
	}
	// Panel by panel, so that a panel's steps (72 bytes per k) stay in
	// cache while every row passes through them.
	k, ls := p.k, p.laneWeights()
	var acc [lanePanel]int32
	for pn := range lanePanels(p.n) {
		panel := ls[pn*k : (pn+1)*k]
		j0 := pn * lanePanel
		nj := min(lanePanel, p.n-j0)
		for r := range m {
			dotLanes(x[r*lda:r*lda+k], panel, &acc)
			o := out[r*ldo+j0 : r*ldo+j0+nj]
			for c := range o {
				o[c] = q.apply(acc[c], j0+c)
			}
		}
	}
}

// matMulRequantPlain is MatMulRequant in Go without the lane layout;
// scratch holds one row's sums.
func matMulRequantPlain(m int, x []int8, lda int, p *PackedWeights, q *requant, out []int8, ldo int, scratch []int32) {
	acc := scratch[scratchHead : scratchHead+p.np*8]
	for r := range m {
		dotRowPortable(x[r*lda:r*lda+p.k], p, acc)
		o := out[r*ldo : r*ldo+p.n]
		for j := range o {
			o[j] = q.apply(acc[j], j)
		}
	}
}

// matMulPortable is MatMul in Go.
func matMulPortable(m int, x []int8, lda int, p *PackedWeights, acc []int32, ldacc int) {
	if useLanes {
		k, ls := p.k, p.laneWeights()
		var sums [lanePanel]int32
		for pn := range lanePanels(p.n) {
			panel := ls[pn*k : (pn+1)*k]
			j0 := pn * lanePanel
			nj := min(lanePanel, p.n-j0)
			for r := range m {
				dotLanes(x[r*lda:r*lda+k], panel, &sums)
				copy(acc[r*ldacc+j0:r*ldacc+j0+nj], sums[:nj])
			}
		}
		return
	}
	var row [8]int32
	for r := range m {
		xr := x[r*lda : r*lda+p.k]
		a := acc[r*ldacc : r*ldacc+p.n]
		for pn := range p.np {
			dotPanelPortable(xr, p.w[pn*p.kq*32:(pn+1)*p.kq*32], &row)
			copy(a[pn*8:], row[:])
		}
	}
}

// dotRowPortable sets acc[j] to row x's dot product with every output j
// (acc has p.np*8 elements; those past n get 0).
func dotRowPortable(x []int8, p *PackedWeights, acc []int32) {
	for pn := range p.np {
		dotPanelPortable(x, p.w[pn*p.kq*32:(pn+1)*p.kq*32], (*[8]int32)(acc[pn*8:]))
	}
}

// dotPanelPortable sets acc[c] to the dot product of x (k elements) with
// column c of one panel.
func dotPanelPortable(x []int8, panel []int8, acc *[8]int32) {
	var a0, a1, a2, a3, a4, a5, a6, a7 int32
	full := len(x) / 4
	for q := range full {
		xq := (*[4]int8)(x[4*q:])
		x0, x1, x2, x3 := int32(xq[0]), int32(xq[1]), int32(xq[2]), int32(xq[3])
		w := (*[32]int8)(panel[32*q:])
		a0 += x0*int32(w[0]) + x1*int32(w[1]) + x2*int32(w[2]) + x3*int32(w[3])
		a1 += x0*int32(w[4]) + x1*int32(w[5]) + x2*int32(w[6]) + x3*int32(w[7])
		a2 += x0*int32(w[8]) + x1*int32(w[9]) + x2*int32(w[10]) + x3*int32(w[11])
		a3 += x0*int32(w[12]) + x1*int32(w[13]) + x2*int32(w[14]) + x3*int32(w[15])
		a4 += x0*int32(w[16]) + x1*int32(w[17]) + x2*int32(w[18]) + x3*int32(w[19])
		a5 += x0*int32(w[20]) + x1*int32(w[21]) + x2*int32(w[22]) + x3*int32(w[23])
		a6 += x0*int32(w[24]) + x1*int32(w[25]) + x2*int32(w[26]) + x3*int32(w[27])
		a7 += x0*int32(w[28]) + x1*int32(w[29]) + x2*int32(w[30]) + x3*int32(w[31])
	}
	acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7] = a0, a1, a2, a3, a4, a5, a6, a7
	// The last, partial quad: its missing k have zero weights.
	for i := 4 * full; i < len(x); i++ {
		xi := int32(x[i])
		w := panel[32*full+i%4:]
		for c := range acc {
			acc[c] += xi * int32(w[4*c])
		}
	}
}
