// Package exec runs float graphs in float32 with fast kernels: matrix
// products over internal/blas, convolutions by im2col, kernels split
// across goroutines without changing a bit of the result. In inference
// mode a kernel computes what the op's reference semantics (ir's Eval)
// compute, up to float32 rounding; in training mode it does what training
// needs (dropout draws a mask, batch norm normalises with the batch's
// statistics and updates the running ones) and saves in the Ctx what the
// training engine's backward pass (package train) reads.
//
// The kernel table maps each op of ir's table that has a float form to
// its kernel; Runner runs a whole graph with it.
package exec

import (
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Kernel is an op's float32 forward kernel: it fills out (allocated with
// the result's shape) from the operands in. Batched operands have their
// batch dimension first.
type Kernel func(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error

// KernelOf returns op's kernel, or nil if op has none (source ops and the
// ops of quantized graphs).
func KernelOf(op *ir.Op) Kernel { return kernels[op] }

// kernels is the kernel table: one row per float compute op.
var kernels = map[*ir.Op]Kernel{
	ir.OpDense:        denseForward,
	ir.OpConv1D:       convForward,
	ir.OpConv2D:       convForward,
	ir.OpEmbedding:    evalForward, // a lookup is already as fast as it gets
	ir.OpEmbeddingBag: embeddingBagForward,
	ir.OpScoreItems:   denseForward, // a dense layer without bias
	ir.OpBatchNorm:    batchNormForward,

	ir.OpAdd:     binary(func(a, b float32) float32 { return a + b }),
	ir.OpSub:     binary(func(a, b float32) float32 { return a - b }),
	ir.OpMul:     binary(func(a, b float32) float32 { return a * b }),
	ir.OpRelu:    unary(relu),
	ir.OpRelu6:   unary(relu6),
	ir.OpSigmoid: unary(sigmoid),
	ir.OpTanh:    unary(tanh),
	ir.OpHardSigmoid: unary(func(x, y []float32) {
		for i, v := range x {
			y[i] = float32(ir.HardSigmoid(float64(v)))
		}
	}),
	ir.OpHardSwish: unary(func(x, y []float32) {
		for i, v := range x {
			y[i] = float32(float64(v) * ir.HardSigmoid(float64(v)))
		}
	}),
	ir.OpSoftmax:    evalForward,
	ir.OpLogSoftmax: evalForward,

	ir.OpMaxPool:       poolKernel(true),
	ir.OpAvgPool:       poolKernel(false),
	ir.OpGlobalAvgPool: globalAvgPoolForward,

	ir.OpSum:           evalForward,
	ir.OpMean:          evalForward,
	ir.OpFM:            evalForward,
	ir.OpBiInteraction: evalForward,

	ir.OpFlatten:   copyForward,
	ir.OpReshape:   copyForward,
	ir.OpConcat:    evalForward, // copying is all there is to it
	ir.OpTranspose: transposeForward,
	ir.OpDropout:   dropoutForward,

	ir.OpFakeQuantWeight: fakeQuantWeightForward,
	ir.OpFakeQuant:       fakeQuantForward,
	ir.OpBNFoldWeight:    bnFoldWeightForward,
	ir.OpBNFoldShift:     bnFoldShiftForward,
}

// evalForward is the kernel of ops whose reference semantics are already
// as fast as float32 execution needs.
func evalForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	return v.Op.Eval(v, in, out)
}
