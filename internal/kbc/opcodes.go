package kbc

import "math"

// Opcode is one tensor-level instruction: each computes one whole tensor,
// so dispatch costs nothing next to the kernel it calls.
type Opcode uint8

// The opcodes. Each instruction's first tensor operand is its result;
// its Schema lists the rest and the integer parameters.
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
	OpEmbedding                       // int8 rows with a rescale per row, or one for all
	OpFM                              // factorisation-machine pairwise term
	OpBiInteraction                   // NFM bi-interaction pooling
	OpHardSwish                       // x * relu6(x + 3) / 6, TFLite's int16 fixed point
	OpAffine                          // per channel: w[c] * (q + inOff) + bias[c], per-channel requant (a depthwise 1x1 convolution)
	OpEmbeddingBag                    // mean or sum of the int8 rows of a padded id list, a rescale per count
	NumOpcodes
)

// Field is one integer parameter of an opcode and the range a valid file
// keeps it in (the loader rejects anything outside).
type Field struct {
	Name   string
	Lo, Hi int64
}

// Schema is an opcode's operands: what the encoder writes and the loader
// reads, in this order.
type Schema struct {
	Name string
	// Tensors are the tensor operands' roles, the result first. When
	// Variadic, the last role repeats one or more times, and each
	// repetition has the PerInput integers after Ints.
	Tensors  []string
	Ints     []Field
	Variadic bool
	PerInput []Field
	// InPlace: each result element depends only on the operand elements
	// at the same position, so the result may be written over an operand
	// of the same size that dies with the instruction.
	InPlace bool
}

// Ranges shared by many parameters.
const (
	MaxGeometry = 1 << 16
	int32Min    = math.MinInt32
	int32Max    = math.MaxInt32
)

func offset(name string) Field { return Field{name, -255, 255} }
func mult(name string) Field   { return Field{name, 0, int32Max} }
func shift(name string) Field  { return Field{name, -31, 30} }

var clamp = []Field{{"act_min", -128, 127}, {"act_max", -128, 127}}

func fields(groups ...[]Field) []Field {
	var out []Field
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var (
	poolInts = fields([]Field{{"kernel_h", 1, MaxGeometry}, {"kernel_w", 1, MaxGeometry},
		{"stride_h", 1, MaxGeometry}, {"stride_w", 1, MaxGeometry}, {"pad_h", 0, MaxGeometry}, {"pad_w", 0, MaxGeometry}}, clamp)
	reduceInts = fields([]Field{{"outer", 1, MaxElems}, {"reduce", 1, MaxElems}, {"inner", 1, MaxElems},
		offset("in_offset"), offset("out_offset"), mult("mult"), shift("shift")}, clamp)
	addInts = fields([]Field{offset("x_offset"), offset("y_offset"), offset("out_offset"), {"left_shift", 0, 30},
		{"x_mult", int32Min, int32Max}, {"x_shift", -31, 0}, {"y_mult", int32Min, int32Max}, {"y_shift", -31, 0},
		{"out_mult", int32Min, int32Max}, {"out_shift", -31, 0}}, clamp)
	fixedPointInts  = []Field{{"in_zero", -128, 127}, {"range_radius", 0, int32Max}, mult("mult"), {"left_shift", -31, 31}}
	interactionInts = fields([]Field{offset("in_offset"), offset("out_offset"), mult("mult"), {"shift", -31, 48}}, clamp)
	layerTensors    = []string{"out", "in", "weight", "bias", "mult", "shift"}
)

var schemas = [NumOpcodes]Schema{
	OpQuantize:   {Name: "QUANTIZE", Tensors: []string{"out", "in"}},
	OpDequantize: {Name: "DEQUANTIZE", Tensors: []string{"out", "in"}},
	OpRequantize: {Name: "REQUANTIZE", Tensors: []string{"out", "in"}, InPlace: true,
		Ints: fields([]Field{offset("in_offset"), offset("out_offset"), mult("mult"), shift("shift")}, clamp)},
	OpDense: {Name: "DENSE", Tensors: layerTensors,
		Ints: fields([]Field{offset("in_offset"), offset("out_offset")}, clamp)},
	OpConv: {Name: "CONV", Tensors: layerTensors,
		Ints: fields([]Field{{"stride_h", 1, MaxGeometry}, {"stride_w", 1, MaxGeometry}, {"pad_h", 0, MaxGeometry}, {"pad_w", 0, MaxGeometry},
			{"dilation_h", 1, MaxGeometry}, {"dilation_w", 1, MaxGeometry}, {"groups", 1, MaxGeometry},
			offset("in_offset"), offset("out_offset")}, clamp)},
	OpMaxPool: {Name: "MAXPOOL", Tensors: []string{"out", "in"}, Ints: poolInts},
	OpAvgPool: {Name: "AVGPOOL", Tensors: []string{"out", "in"}, Ints: poolInts},
	OpMean:    {Name: "MEAN", Tensors: []string{"out", "in"}, Ints: reduceInts},
	OpSum:     {Name: "SUM", Tensors: []string{"out", "in"}, Ints: reduceInts},
	OpAdd:     {Name: "ADD", Tensors: []string{"out", "x", "y"}, Ints: addInts, InPlace: true},
	OpSub:     {Name: "SUB", Tensors: []string{"out", "x", "y"}, Ints: addInts, InPlace: true},
	OpMul: {Name: "MUL", Tensors: []string{"out", "x", "y"}, InPlace: true,
		Ints: fields([]Field{offset("x_offset"), offset("y_offset"), offset("out_offset"), mult("mult"), shift("shift")}, clamp)},
	OpConcat: {Name: "CONCAT", Tensors: []string{"out", "in"}, Variadic: true,
		Ints:     []Field{{"axis", 0, MaxRank - 1}},
		PerInput: []Field{{"copy", 0, 1}, offset("in_offset"), offset("out_offset"), mult("mult"), shift("shift")}},
	OpSoftmax: {Name: "SOFTMAX", Tensors: []string{"out", "in"},
		Ints: []Field{mult("beta_mult"), {"beta_left_shift", -31, 31}, {"diff_min", int32Min, 0}}},
	OpLogistic:      {Name: "LOGISTIC", Tensors: []string{"out", "in"}, Ints: fixedPointInts, InPlace: true},
	OpTanh:          {Name: "TANH", Tensors: []string{"out", "in"}, Ints: fixedPointInts, InPlace: true},
	OpEmbedding:     {Name: "EMBEDDING", Tensors: []string{"out", "ids", "table", "row_mult", "row_shift"}, Ints: []Field{{"out_offset", -128, 127}}},
	OpFM:            {Name: "FM", Tensors: []string{"out", "in"}, Ints: interactionInts},
	OpBiInteraction: {Name: "BI_INTERACTION", Tensors: []string{"out", "in"}, Ints: interactionInts},
	OpHardSwish: {Name: "HARD_SWISH", Tensors: []string{"out", "in"}, InPlace: true,
		Ints: []Field{{"in_zero", -128, 127}, {"out_zero", -128, 127}, {"reluish_mult", 0, math.MaxInt16}, {"reluish_exponent", -31, 31},
			{"out_mult", 0, math.MaxInt16}, {"out_exponent", -31, 0}}},
	OpAffine: {Name: "AFFINE", Tensors: layerTensors, InPlace: true,
		Ints: fields([]Field{offset("in_offset"), offset("out_offset")}, clamp)},
	OpEmbeddingBag: {Name: "EMBEDDING_BAG", Tensors: []string{"out", "ids", "table", "row_mult", "row_shift", "count_mult", "count_shift"},
		Ints: []Field{{"out_offset", -128, 127}, {"pad", int32Min, int32Max}}},
}

// Schema returns the opcode's schema, or nil for an unknown opcode.
func (op Opcode) Schema() *Schema {
	if op > 0 && op < NumOpcodes {
		return &schemas[op]
	}
	return nil
}

// String returns the opcode's name.
func (op Opcode) String() string {
	if s := op.Schema(); s != nil {
		return s.Name
	}
	return "OPCODE?"
}

// OpcodeByName returns the opcode with the given name, or 0.
func OpcodeByName(name string) Opcode {
	for op := Opcode(1); op < NumOpcodes; op++ {
		if schemas[op].Name == name {
			return op
		}
	}
	return 0
}

// Index returns the position of integer parameter name among the
// schema's Ints (for the variadic tail, among PerInput, relative to the
// repetition). It panics on a name the schema lacks: callers name
// parameters in program text.
func (s *Schema) Index(name string) int {
	for i, f := range s.Ints {
		if f.Name == name {
			return i
		}
	}
	for i, f := range s.PerInput {
		if f.Name == name {
			return i
		}
	}
	panic("kbc: " + s.Name + " has no parameter " + name)
}

// Arity reports whether ntensors tensor operands and nints integers fit
// the schema.
func (s *Schema) Arity(ntensors, nints int) bool {
	if s.Variadic {
		reps := ntensors - len(s.Tensors) + 1
		return reps >= 1 && nints == len(s.Ints)+len(s.PerInput)*reps
	}
	return ntensors == len(s.Tensors) && nints == len(s.Ints)
}

// Field returns the field of integer i of an instruction with this
// schema, and whether there is one.
func (s *Schema) Field(i int) (Field, bool) {
	if i < len(s.Ints) {
		return s.Ints[i], true
	}
	if len(s.PerInput) > 0 && i >= len(s.Ints) {
		return s.PerInput[(i-len(s.Ints))%len(s.PerInput)], true
	}
	return Field{}, false
}

// Order orders named integer parameters as the schema writes them: the
// fixed ones from fixed, then, for a variadic opcode, each repetition's
// from perInput. A name missing or left over is an error in the caller's
// table, so it panics.
func (s *Schema) Order(fixed map[string]int64, perInput []map[string]int64) []int64 {
	out := make([]int64, 0, len(s.Ints)+len(s.PerInput)*len(perInput))
	take := func(fs []Field, m map[string]int64) {
		if len(m) != len(fs) {
			panic("kbc: " + s.Name + ": parameters do not match the schema")
		}
		for _, f := range fs {
			v, ok := m[f.Name]
			if !ok {
				panic("kbc: " + s.Name + ": missing parameter " + f.Name)
			}
			out = append(out, v)
		}
	}
	take(s.Ints, fixed)
	for _, m := range perInput {
		take(s.PerInput, m)
	}
	return out
}
