package main

import (
	"math"

	"github.com/kiln-nn/kiln/ir"
)

// saturation is what summing adjacent products in int16 with saturation
// would do to one sample's first layer: the instruction pairing of u8 x s8
// kernels on CPUs without VNNI (VPMADDUBSW: uint8 activations, here
// kiln's int8 ones 128 up, times int8 weights, each pair of products added
// and clamped to int16), which ONNX Runtime's AVX2 kernels use. kiln adds
// the products exactly, so the bench's output comparison shows the
// difference.
type saturation struct {
	pairs, saturated int     // adjacent-product pairs, and how many clamp
	worst            float64 // the largest output change, in output LSB
}

// firstLayerSaturation computes saturation for a graph (after the
// quantize passes) whose first layer is a qdense on a quantized input, for
// one sample given as int8 (raw I/O, in) or else as floats (f); ok is
// false for any other graph.
func firstLayerSaturation(g *ir.Graph, in []int8, f []float32) (s saturation, ok bool) {
	var layer *ir.Value
	for _, v := range g.Values {
		if v.Op.Name == "qdense" {
			layer = v
			break
		}
	}
	if layer == nil {
		return s, false
	}
	x, w := layer.Args[0], layer.Args[1]
	for x.Op.Name == "flatten" || x.Op.Name == "reshape" { // the same bytes
		x = x.Args[0]
	}
	if x.Op.Name != "quantize" || x.Args[0].Op.Kind != ir.Source {
		return s, false
	}
	if in == nil {
		in = quantizeSample(f, x.Quant)
	}
	if w.Data == nil || len(w.Data.I8) == 0 || layer.Quant == nil {
		return s, false
	}
	units, k := w.Type.Dims[0], w.Type.Dims[1]
	if len(in) != k {
		return s, false
	}
	sx, sy := x.Quant.Scale[0], layer.Quant.Scale[0]
	for j := range units {
		sw := w.Quant.Scale[0]
		if len(w.Quant.Scale) > 1 {
			sw = w.Quant.Scale[j]
		}
		row := w.Data.I8[j*k : (j+1)*k]
		shift := int64(0)
		for i := 0; i < k; i += 2 {
			p := (int64(in[i]) + 128) * int64(row[i])
			if i+1 < k {
				p += (int64(in[i+1]) + 128) * int64(row[i+1])
			}
			c := min(max(p, math.MinInt16), math.MaxInt16)
			if c != p {
				s.saturated++
			}
			s.pairs++
			shift += c - p
		}
		s.worst = max(s.worst, math.Abs(float64(shift)*float64(sx)*float64(sw)/float64(sy)))
	}
	return s, true
}
