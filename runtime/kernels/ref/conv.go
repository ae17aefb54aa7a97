// Reference int8 2-D convolution, grouped and depthwise included, in kiln's
// NCHW / OIHW layout.

package ref

import (
	"fmt"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
)

// ConvParams describes an int8 convolution: in [N,C,H,W], filter
// [F, C/Groups, KH, KW], bias [F] int32 or nil, out [N,F,OH,OW].
//
// PadH and PadW are the padding before the first row and column; the
// padding after the last is whatever OH and OW imply (TFLite's SAME padding
// puts the odd row or column there). Taps outside the image contribute
// nothing. Out holds one Requant per output channel (per-channel) or a
// single one for all (per-tensor).
type ConvParams struct {
	N, C, H, W, F, KH, KW, OH, OW int

	StrideH, StrideW, PadH, PadW, DilationH, DilationW, Groups int

	InputOffset, FilterOffset, OutputOffset int32 // -Z_in, -Z_w (0 for per-channel), +Z_out
	Out                                     []Requant
	ActMin, ActMax                          int32
}

// Conv computes an int8 convolution as TFLite's reference kernels do:
// reference_integer_ops::ConvPerChannel (reference/integer_ops/conv.h) for
// per-channel rescaling, and for one per-tensor Requant the same loop with a
// filter offset, as reference_ops::Conv (reference/conv.h) computes it. For
// each output element:
//
//	acc = sum over in-image taps (ky, kx) and the group's input channels ic of
//	      (w + FilterOffset) * (x + InputOffset)          int32, wrapping
//	acc += bias[f]                                        if bias != nil
//	acc = MultiplyByQuantizedMultiplier(acc, Out[f]) + OutputOffset
//	out = clamp(acc, ActMin, ActMax)
//
// with input row oy*StrideH - PadH + ky*DilationH (columns alike). Output
// channel f belongs to group g = f / (F/Groups) and reads input channels
// g*(C/Groups) ... (g+1)*(C/Groups)-1. With Groups == C this is
// reference_integer_ops::DepthwiseConvPerChannel (depthwise_conv.h) with
// depth multiplier F/C: output channel f = c*(F/C) + m reads input channel c.
//
// Per-channel rescaling requires FilterOffset == 0: TFLite's per-channel
// kernels have no filter offset (int8 filters are symmetric).
//
// The rescales are the caller's. TFLite's int8 convolutions take them from
// fixedpoint.ConvMultiplier for every channel, a per-tensor filter scale
// included (PopulateConvolutionQuantizationParams broadcasts it); its uint8
// per-tensor path uses fixedpoint.DenseMultiplierPerTensor.
func Conv(p *ConvParams, in, filter []int8, bias []int32, out []int8) {
	p.check(in, filter, bias, out)
	cPerGroup := p.C / p.Groups
	fPerGroup := p.F / p.Groups
	for n := range p.N {
		for f := range p.F {
			g := f / fPerGroup
			r := requantFor(p.Out, f)
			for oy := range p.OH {
				for ox := range p.OW {
					var acc int32
					for ky := range p.KH {
						iy := oy*p.StrideH - p.PadH + ky*p.DilationH
						if iy < 0 || iy >= p.H {
							continue
						}
						for kx := range p.KW {
							ix := ox*p.StrideW - p.PadW + kx*p.DilationW
							if ix < 0 || ix >= p.W {
								continue
							}
							for ic := range cPerGroup {
								c := g*cPerGroup + ic
								x := int32(in[((n*p.C+c)*p.H+iy)*p.W+ix])
								w := int32(filter[((f*cPerGroup+ic)*p.KH+ky)*p.KW+kx])
								acc += (w + p.FilterOffset) * (x + p.InputOffset)
							}
						}
					}
					if bias != nil {
						acc += bias[f]
					}
					acc = fixedpoint.MultiplyByQuantizedMultiplier(acc, r.Mult, r.Shift) + p.OutputOffset
					out[((n*p.F+f)*p.OH+oy)*p.OW+ox] = activate(acc, p.ActMin, p.ActMax)
				}
			}
		}
	}
}

func (p *ConvParams) check(in, filter []int8, bias []int32, out []int8) {
	const k = "Conv"
	checkDims(k, 0, dim{"N", p.N}, dim{"C", p.C}, dim{"H", p.H}, dim{"W", p.W},
		dim{"F", p.F}, dim{"KH", p.KH}, dim{"KW", p.KW}, dim{"OH", p.OH}, dim{"OW", p.OW},
		dim{"PadH", p.PadH}, dim{"PadW", p.PadW})
	checkDims(k, 1, dim{"StrideH", p.StrideH}, dim{"StrideW", p.StrideW},
		dim{"DilationH", p.DilationH}, dim{"DilationW", p.DilationW}, dim{"Groups", p.Groups})
	if p.C%p.Groups != 0 || p.F%p.Groups != 0 {
		panic(fmt.Sprintf("ref: Conv: %d groups do not divide C = %d and F = %d", p.Groups, p.C, p.F))
	}
	checkLen(k, "in", len(in), p.N*p.C*p.H*p.W)
	checkLen(k, "filter", len(filter), p.F*(p.C/p.Groups)*p.KH*p.KW)
	checkLen(k, "out", len(out), p.N*p.F*p.OH*p.OW)
	if bias != nil {
		checkLen(k, "bias", len(bias), p.F)
	}
	checkRequants(k, p.Out, p.F, p.FilterOffset)
	checkActivation(k, p.ActMin, p.ActMax)
}

// checkRequants panics unless out holds one Requant for all channels or one
// per channel, each with a shift MultiplyByQuantizedMultiplier accepts, and
// a per-channel rescale comes without a filter offset.
func checkRequants(kernel string, out []Requant, channels int, filterOffset int32) {
	for _, r := range out {
		checkShift(kernel, r)
	}
	switch {
	case len(out) == 1:
	case len(out) == channels:
		if filterOffset != 0 {
			panic(fmt.Sprintf("ref: %s: per-channel rescaling with filter offset %d; TFLite's per-channel kernels have none",
				kernel, filterOffset))
		}
	default:
		panic(fmt.Sprintf("ref: %s: %d Requants for %d output channels, want 1 or %d",
			kernel, len(out), channels, channels))
	}
}
