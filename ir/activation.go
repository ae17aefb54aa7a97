package ir

// Fused activations. Ops that a following relu or relu6 can be fused into
// (dense, the convolutions, add, sub, mul) carry an act attribute; the
// fuse-activations pass sets it, and quantization turns it into the
// output clamp of the integer op.

// actAttr is the fused-activation attribute.
var actAttr = AttrSpec{Name: "act", Kind: AttrString, Default: "none", Enum: []string{"none", "relu", "relu6"},
	Doc: "activation fused into the op: none, relu or relu6"}

// ApplyAct applies a fused activation to results in place.
func ApplyAct(act string, y []float32) {
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
