package ir

import "github.com/kiln-nn/kiln/tensor"

// Fused activations. Ops that a following relu or relu6 can be fused into
// (dense, the convolutions, add, sub, mul) carry an act attribute; the
// fuse-activations pass sets it, and quantization turns it into the
// output clamp of the integer op.

// actAttr is the fused-activation attribute.
var actAttr = AttrSpec{Name: "act", Kind: AttrString, Default: "none", Enum: []string{"none", "relu", "relu6"},
	Doc: "activation fused into the op: none, relu or relu6"}

// applyAct applies a fused activation to results in place.
func applyAct(act string, y []float32) {
	switch act {
	case "relu":
		for i, v := range y {
			if v < 0 {
				y[i] = 0
			}
		}
	case "relu6":
		for i, v := range y {
			y[i] = min(max(v, 0), 6)
		}
	}
}

// actGrad returns dout masked by the derivative of the fused activation,
// read from the results (a copy; dout itself is left alone).
func actGrad(act string, out, dout *tensor.Tensor) *tensor.Tensor {
	if act == "" || act == "none" {
		return dout
	}
	g := tensor.New(tensor.F32, dout.Shape...)
	for i, y := range out.F32 {
		if y > 0 && (act == "relu" || y < 6) {
			g.F32[i] = dout.F32[i]
		}
	}
	return g
}
