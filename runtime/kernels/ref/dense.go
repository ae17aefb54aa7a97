// Reference int8 fully-connected (dense) layer, weights [units, in].

package ref

import "github.com/kiln-nn/kiln/runtime/fixedpoint"

// DenseParams describes an int8 fully-connected layer: in [Rows, In],
// weight [Units, In], bias [Units] int32 or nil, out [Rows, Units]. Out
// holds one Requant per unit (per-channel) or a single one (per-tensor).
type DenseParams struct {
	Rows, In, Units int

	InputOffset, FilterOffset, OutputOffset int32 // -Z_in, -Z_w (0 for per-channel), +Z_out
	Out                                     []Requant
	ActMin, ActMax                          int32
}

// Dense computes an int8 fully-connected layer as TFLite's
// reference_integer_ops::FullyConnected (per-tensor, with the weights
// offset) and FullyConnectedPerChannel (per-channel, no weights offset)
// compute it (reference/integer_ops/fully_connected.h):
//
//	acc = sum over i of (w[u][i] + FilterOffset) * (x[r][i] + InputOffset)   int32, wrapping
//	acc += bias[u]                                                          if bias != nil
//	out[r][u] = clamp(MultiplyByQuantizedMultiplier(acc, Out[u]) + OutputOffset, ActMin, ActMax)
//
// Per-channel rescaling requires FilterOffset == 0. TFLite computes the
// rescale with fixedpoint.DenseMultiplierPerTensor for a per-tensor weight
// scale and fixedpoint.ConvMultiplier per unit for per-channel scales.
func Dense(p *DenseParams, in, weight []int8, bias []int32, out []int8) {
	p.check(in, weight, bias, out)
	for r := range p.Rows {
		for u := range p.Units {
			var acc int32
			for i := range p.In {
				x := int32(in[r*p.In+i])
				w := int32(weight[u*p.In+i])
				acc += (w + p.FilterOffset) * (x + p.InputOffset)
			}
			if bias != nil {
				acc += bias[u]
			}
			q := requantFor(p.Out, u)
			acc = fixedpoint.MultiplyByQuantizedMultiplier(acc, q.Mult, q.Shift) + p.OutputOffset
			out[r*p.Units+u] = activate(acc, p.ActMin, p.ActMax)
		}
	}
}

func (p *DenseParams) check(in, weight []int8, bias []int32, out []int8) {
	const k = "Dense"
	checkDims(k, 0, dim{"Rows", p.Rows}, dim{"In", p.In}, dim{"Units", p.Units})
	checkLen(k, "in", len(in), p.Rows*p.In)
	checkLen(k, "weight", len(weight), p.Units*p.In)
	checkLen(k, "out", len(out), p.Rows*p.Units)
	if bias != nil {
		checkLen(k, "bias", len(bias), p.Units)
	}
	checkRequants(k, p.Out, p.Units, p.FilterOffset)
	checkActivation(k, p.ActMin, p.ActMax)
}
