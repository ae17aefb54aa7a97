package ir

import (
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// Kernel parameter types of the quantized ops that have no type in ref.
// Each int8 op's row computes its parameters (Op.Params) from the
// quantization parameters as TFLite's Prepare computes them, once: the
// reference executor and the bytecode encoder both take them from there,
// so the VM runs the very multipliers the oracle does.

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
