package runtime

// Opcode is one tensor-level instruction: each computes one whole tensor,
// so dispatch costs nothing next to the kernel it calls.
type Opcode uint8

// The opcodes. Each instruction's first tensor operand is its result; the
// table below lists the operands and integer parameters of each, which the
// loader checks and the disassembler prints.
const (
	OpQuantize      Opcode = iota + 1 // out i8 <- in f32: Z + round(x / S), clamped
	OpDequantize                      // out f32 <- in i8: S * (q - Z)
	OpRequantize                      // out i8 <- in i8: clamp(MBQM(q + inOff, M, s) + outOff)
	OpDense                           // out <- in x weight^T + bias, per-channel requant
	OpConv                            // 1-D or 2-D convolution, groups, per-channel requant
	OpMaxPool                         // windows clipped to the image
	OpAvgPool                         // TFLite's rounding, in-image taps only
	OpMean                            // in as [outer, reduce, inner] -> [outer, inner]
	OpSum                             // likewise, summing
	OpAdd                             // TFLite's left-shift-20 scheme, broadcasting
	OpSub                             // Add with the second multiplier negated
	OpMul                             // broadcasting
	OpConcat                          // inputs requantized to the result's parameters where they differ
	OpSoftmax                         // over the last axis, fixed point
	OpLogistic                        // fixed point
	OpTanh                            // fixed point
	OpEmbedding                       // int8 rows with per-row rescale
	OpFM                              // factorisation-machine pairwise term
	OpBiInteraction                   // NFM bi-interaction pooling
	numOpcodes
)

// opInfo describes an opcode's operands.
type opInfo struct {
	name    string
	tensors []string // operand roles, result first
	ints    []string // integer parameters
	// variadic: the last tensor role repeats (one or more times), each
	// with concatInputInts integers after ints
	variadic bool
}

var opTable = [numOpcodes]opInfo{
	OpQuantize:      {name: "QUANTIZE", tensors: []string{"out", "in"}},
	OpDequantize:    {name: "DEQUANTIZE", tensors: []string{"out", "in"}},
	OpRequantize:    {name: "REQUANTIZE", tensors: []string{"out", "in"}, ints: []string{"in_offset", "out_offset", "mult", "shift", "act_min", "act_max"}},
	OpDense:         {name: "DENSE", tensors: []string{"out", "in", "weight", "bias", "mult", "shift"}, ints: []string{"in_offset", "out_offset", "act_min", "act_max"}},
	OpConv:          {name: "CONV", tensors: []string{"out", "in", "weight", "bias", "mult", "shift"}, ints: []string{"stride_h", "stride_w", "pad_h", "pad_w", "dilation_h", "dilation_w", "groups", "in_offset", "out_offset", "act_min", "act_max"}},
	OpMaxPool:       {name: "MAXPOOL", tensors: []string{"out", "in"}, ints: []string{"kernel_h", "kernel_w", "stride_h", "stride_w", "pad_h", "pad_w", "act_min", "act_max"}},
	OpAvgPool:       {name: "AVGPOOL", tensors: []string{"out", "in"}, ints: []string{"kernel_h", "kernel_w", "stride_h", "stride_w", "pad_h", "pad_w", "act_min", "act_max"}},
	OpMean:          {name: "MEAN", tensors: []string{"out", "in"}, ints: []string{"outer", "reduce", "inner", "in_offset", "out_offset", "mult", "shift", "act_min", "act_max"}},
	OpSum:           {name: "SUM", tensors: []string{"out", "in"}, ints: []string{"outer", "reduce", "inner", "in_offset", "out_offset", "mult", "shift", "act_min", "act_max"}},
	OpAdd:           {name: "ADD", tensors: []string{"out", "x", "y"}, ints: []string{"x_offset", "y_offset", "out_offset", "left_shift", "x_mult", "x_shift", "y_mult", "y_shift", "out_mult", "out_shift", "act_min", "act_max"}},
	OpSub:           {name: "SUB", tensors: []string{"out", "x", "y"}, ints: []string{"x_offset", "y_offset", "out_offset", "left_shift", "x_mult", "x_shift", "y_mult", "y_shift", "out_mult", "out_shift", "act_min", "act_max"}},
	OpMul:           {name: "MUL", tensors: []string{"out", "x", "y"}, ints: []string{"x_offset", "y_offset", "out_offset", "mult", "shift", "act_min", "act_max"}},
	OpConcat:        {name: "CONCAT", tensors: []string{"out", "in"}, ints: []string{"axis"}, variadic: true},
	OpSoftmax:       {name: "SOFTMAX", tensors: []string{"out", "in"}, ints: []string{"beta_mult", "beta_left_shift", "diff_min"}},
	OpLogistic:      {name: "LOGISTIC", tensors: []string{"out", "in"}, ints: []string{"in_zero", "range_radius", "mult", "left_shift"}},
	OpTanh:          {name: "TANH", tensors: []string{"out", "in"}, ints: []string{"in_zero", "range_radius", "mult", "left_shift"}},
	OpEmbedding:     {name: "EMBEDDING", tensors: []string{"out", "ids", "table", "row_mult", "row_shift"}, ints: []string{"out_offset"}},
	OpFM:            {name: "FM", tensors: []string{"out", "in"}, ints: []string{"in_offset", "out_offset", "mult", "shift", "act_min", "act_max"}},
	OpBiInteraction: {name: "BI_INTERACTION", tensors: []string{"out", "in"}, ints: []string{"in_offset", "out_offset", "mult", "shift", "act_min", "act_max"}},
}

// concatInputInts is the number of integers CONCAT has per input, after
// its axis: copy (1 when the input already has the result's parameters),
// in_offset, out_offset, mult, shift.
const concatInputInts = 5

// String returns the opcode's name.
func (op Opcode) String() string {
	if op > 0 && op < numOpcodes {
		return opTable[op].name
	}
	return "OPCODE?"
}

// OpcodeByName returns the opcode with the given name, or 0.
func OpcodeByName(name string) Opcode {
	for op := Opcode(1); op < numOpcodes; op++ {
		if opTable[op].name == name {
			return op
		}
	}
	return 0
}

// Operands returns the names of an opcode's tensor operands and integer
// parameters, for encoders and disassemblers.
func (op Opcode) Operands() (tensors, ints []string) {
	if op > 0 && op < numOpcodes {
		return opTable[op].tensors, opTable[op].ints
	}
	return nil, nil
}
