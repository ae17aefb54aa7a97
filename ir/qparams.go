package ir

import (
	"fmt"

	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// The kernel parameters of the quantized ops, computed from the
// quantization parameters as TFLite's Prepare computes them. They are
// computed here and only here: the reference executor and the bytecode
// encoder both take them from KernelParams, so the VM runs the very
// multipliers the oracle does.

// RequantizeClamp is qrequantize's parameters: TFLite's Requantize, then
// the clamp.
type RequantizeClamp struct {
	R      ref.RequantizeParams
	Lo, Hi int32
}

// ConcatInputs is qconcat's parameters: for each input, whether it is
// copied as it is (its parameters are the result's) or requantized.
type ConcatInputs struct {
	Copy []bool
	R    []ref.RequantizeParams
}

// KernelParams returns a quantized value's kernel parameters, with every
// per-batch count (rows, N, outer) given for a batch of one:
// RequantizeClamp, ref.DenseParams, ref.ConvParams, ref.PoolParams,
// ref.MeanParams, ref.SumParams, ref.AddParams, ref.MulParams,
// ConcatInputs, ref.SoftmaxParams, ref.LogisticParams, ref.TanhParams,
// ref.EmbeddingParams or ref.InteractionParams. It panics for other ops.
func KernelParams(v *Value) any {
	switch v.Op.Name { // by name: the op rows call this from their Eval
	case "qrequantize":
		sx, zx := scaleZero(v.Args[0])
		so, zo := scaleZero(v)
		p := RequantizeClamp{R: ref.RequantizeParams{InputOffset: -zx, OutputOffset: zo, R: requant(float64(sx) / float64(so))}}
		p.Lo, p.Hi = clampOf(v)
		return p
	case "qdense":
		x, w := v.Args[0], v.Args[1]
		sx, zx := scaleZero(x)
		so, zo := scaleZero(v)
		units, k := w.Type.Dims[0], w.Type.Dims[1]
		p := ref.DenseParams{Rows: x.Type.Elems() / k, In: k, Units: units, InputOffset: -zx, OutputOffset: zo}
		if len(w.Quant.Scale) == 1 {
			p.Out = []ref.Requant{requant(fixedpoint.DenseMultiplierPerTensor(sx, w.Quant.Scale[0], so))}
		} else {
			for _, sw := range w.Quant.Scale {
				p.Out = append(p.Out, requant(fixedpoint.ConvMultiplier(sx, sw, so)))
			}
		}
		p.ActMin, p.ActMax = clampOf(v)
		return p
	case "qconv1d", "qconv2d":
		x, w := v.Args[0], v.Args[1]
		g := geometry(x.Type, w.Type, v.Attrs)
		sx, zx := scaleZero(x)
		so, zo := scaleZero(v)
		p := ref.ConvParams{N: 1, C: g.C, H: g.H, W: g.W, F: g.F, KH: g.KH, KW: g.KW, OH: g.OH, OW: g.OW,
			StrideH: g.SH, StrideW: g.SW, PadH: g.PH, PadW: g.PW, DilationH: g.DH, DilationW: g.DW, Groups: g.G,
			InputOffset: -zx, OutputOffset: zo}
		for _, sw := range w.Quant.Scale {
			p.Out = append(p.Out, requant(fixedpoint.ConvMultiplier(sx, sw, so)))
		}
		p.ActMin, p.ActMax = clampOf(v)
		return p
	case "qmaxpool", "qavgpool":
		g := poolGeometry(v.Args[0].Type, v.Attrs)
		p := ref.PoolParams{N: 1, C: g.C, H: g.H, W: g.W, KH: g.KH, KW: g.KW, StrideH: g.SH, StrideW: g.SW,
			PadH: g.PH, PadW: g.PW, OH: g.OH, OW: g.OW}
		p.ActMin, p.ActMax = clampOf(v)
		return p
	case "qglobal_avgpool":
		sx, zx := scaleZero(v.Args[0])
		so, zo := scaleZero(v)
		return ref.MeanParamsFor(sx, zx, so, zo, v.Type.Elems(), prod(v.Args[0].Type.Dims[1:]), 1)
	case "qmean", "qsum":
		sx, zx := scaleZero(v.Args[0])
		so, zo := scaleZero(v)
		outer, reduce, inner, _ := reduceView(v.Args[0].Type, v.Attrs, 1)
		if v.Op.Name == "qmean" {
			return ref.MeanParamsFor(sx, zx, so, zo, outer, reduce, inner)
		}
		return ref.SumParamsFor(sx, zx, so, zo, outer, reduce, inner)
	case "qadd", "qsub":
		s1, z1 := scaleZero(v.Args[0])
		s2, z2 := scaleZero(v.Args[1])
		so, zo := scaleZero(v)
		left, m1, sh1, m2, sh2, mo, sho := fixedpoint.AddParams(s1, s2, so)
		if v.Op.Name == "qsub" {
			m2 = -m2 // TFLite's Sub: the second input's multiplier negated
		}
		p := ref.AddParams{Input1Offset: -z1, Input2Offset: -z2, OutputOffset: zo, LeftShift: left,
			Input1: ref.Requant{Mult: m1, Shift: sh1}, Input2: ref.Requant{Mult: m2, Shift: sh2}, Output: ref.Requant{Mult: mo, Shift: sho}}
		p.ActMin, p.ActMax = clampOf(v)
		return p
	case "qmul":
		s1, z1 := scaleZero(v.Args[0])
		s2, z2 := scaleZero(v.Args[1])
		so, zo := scaleZero(v)
		p := ref.MulParams{Input1Offset: -z1, Input2Offset: -z2, OutputOffset: zo, Output: requant(fixedpoint.MulMultiplier(s1, s2, so))}
		p.ActMin, p.ActMax = clampOf(v)
		return p
	case "qconcat":
		so, zo := scaleZero(v)
		var p ConcatInputs
		for _, a := range v.Args {
			sx, zx := scaleZero(a)
			same := sx == so && zx == zo
			p.Copy = append(p.Copy, same)
			r := ref.RequantizeParams{InputOffset: -zx, OutputOffset: zo}
			if !same {
				r.R = requant(float64(sx) / float64(so))
			}
			p.R = append(p.R, r)
		}
		return p
	case "qsoftmax":
		sx, _ := scaleZero(v.Args[0])
		return ref.SoftmaxParamsFor(sx, 1)
	case "qlogistic":
		return ref.LogisticParamsFor(scaleZero(v.Args[0]))
	case "qtanh":
		return ref.TanhParamsFor(scaleZero(v.Args[0]))
	case "qembedding":
		so, zo := scaleZero(v)
		w := v.Args[1]
		return ref.EmbeddingParamsFor(w.Quant.Scale, w.Type.Dims[1], so, zo)
	case "qfm", "qbi_interaction":
		sx, zx := scaleZero(v.Args[0])
		so, zo := scaleZero(v)
		t := v.Args[0].Type
		return ref.InteractionParamsFor(sx, zx, so, zo, 1, t.Dims[0], t.Dims[1])
	}
	panic(fmt.Sprintf("ir: %s has no kernel parameters", v.Op.Name))
}
