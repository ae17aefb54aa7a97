package ir

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/tensor"
)

// OpKind separates the ops that introduce values (inputs, parameters,
// constants) from those that compute them.
type OpKind uint8

const (
	Compute OpKind = iota
	Source
)

// Op is one row of the op table: what an op means is here, as data, so
// that adding an op is adding a row (and its kernels, which exec, train
// and the runtime keep in tables of their own).
type Op struct {
	Name string
	Doc  string
	Kind OpKind
	// Integer marks the ops of quantized graphs (the q-ops and the
	// quantize and dequantize boundary), which have integer semantics and
	// no gradient.
	Integer bool

	// Operands is the operand schema, in order. Only the last operand may
	// be Variadic; Optional operands come last.
	Operands []Operand
	// Attrs are the attributes the op keeps in the IR.
	Attrs []AttrSpec
	// Layer is set for ops that own parameters: how the frontend sizes and
	// names them from the language's attributes.
	Layer *Layer
	// Positional names the attributes (IR or layer) that the language lets
	// a call give by position, after the data operands.
	Positional []string

	// Canon, if set, rewrites attributes into canonical form once operand
	// types are known (negative axes made positive, defaults that depend on
	// other attributes filled in), so passes and backends see one form.
	Canon func(in []Type, a Attrs) error
	// Infer is the shape rule: the result type from the operand types.
	// Operand count and attribute kinds are checked before it is called.
	Infer func(in []Type, a Attrs) (Type, error)
	// QuantRule, for quantized ops, checks the quantization parameters of
	// the operands and the result against each other.
	QuantRule func(v *Value) error
	// MACC is the multiply-accumulate count per sample (nil: zero).
	MACC func(in []Type, out Type, a Attrs) int64
	// Eval is the float semantics: it fills out (allocated by the caller
	// with the result's shape) from the operands. Batched operands have
	// their batch dimension first. It is the plain, obviously correct
	// reference (float64 accumulation) that faster kernels are tested
	// against. The float32 kernels (package exec) and the gradient rules
	// (package train) live in tables keyed by op, beside the engines that
	// run them; their tests check that every float op has both.
	Eval func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error

	// The integer side, as data (integer.go). A float op with an int8
	// form says how the quantize pass lowers it (Lower), or why it has
	// none (NoInteger). An int8 op says how its kernel parameters follow
	// from the quantization parameters (Params, as TFLite's Prepare
	// computes them, for a batch of one), which VM opcode runs it (Opcode,
	// whose kbc schema also says whether it may run in place), and how its
	// operands and parameters fill that opcode's schema (Instr).
	Lower     *Lowering
	NoInteger string
	Params    func(v *Value) any
	Opcode    kbc.Opcode
	Instr     func(v *Value, p any) Instr
	// Alias marks ops that only reinterpret their operand's bytes
	// (flatten, reshape): no kernel, the same memory.
	Alias bool
	// WeightView marks ops whose result stands for their parameter
	// operand (fake_quant_weight): an operand that must be a parameter
	// may be one of them, applied to a parameter.
	WeightView bool
}

// Operand describes one operand of an op.
type Operand struct {
	Name     string
	Param    bool // a parameter or constant (weights), not a computed value
	Optional bool
	Variadic bool // one or more
	// For parameters: how a fresh one is initialised, and whether it is
	// state the forward pass updates (batch norm's running statistics)
	// rather than a weight trained by gradient.
	Init  InitKind
	State bool
}

// Layer says how a parameterised op creates its parameters.
type Layer struct {
	// Attrs are language-only attributes that size the parameters (units,
	// filters, kernel, vocab, dim, bias); they do not stay in the IR.
	Attrs []AttrSpec
	// Params returns the parameters to create, given the data operands'
	// types and the attributes (IR and layer ones, defaults filled in).
	Params func(data []Type, a Attrs) ([]ParamSpec, error)
}

// ParamSpec is one parameter a layer creates, named <binding>.<Suffix>;
// Suffix is the name of the operand it fills, whose schema says how it is
// initialised.
type ParamSpec struct {
	Suffix string
	Type   Type
}

// InitKind is how a fresh parameter is initialised, following PyTorch's
// defaults so that a kiln model trains like its PyTorch twin.
type InitKind uint8

const (
	InitZeros InitKind = iota
	InitOnes
	// InitUniformFanIn draws from U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
	// PyTorch's default for Linear and Conv weights and biases; fan_in is
	// the layer weight's size per output (all its dimensions but the
	// first).
	InitUniformFanIn
	// InitNormal draws from N(0, 0.01^2), as recommender libraries
	// initialise embedding tables: PyTorch's N(0, 1) makes the pairwise
	// terms of factorisation machines start out huge.
	InitNormal
)

// The source ops.
var (
	OpInput = &Op{Name: "input", Kind: Source, Doc: "a model input; batched"}
	OpParam = &Op{Name: "param", Kind: Source, Doc: "a named weight tensor, bound by name to a weights file"}
	OpConst = &Op{Name: "const", Kind: Source, Doc: "a constant from the source (a number literal)"}
)

var opTable = map[string]*Op{}

// Register adds an op to the table. It panics on a malformed row: rows are
// program text, checked when the program starts.
func Register(op *Op) *Op {
	if op.Name == "" || opTable[op.Name] != nil {
		panic("ir: duplicate or unnamed op " + op.Name)
	}
	if op.Kind == Compute && op.Infer == nil {
		panic("ir: op " + op.Name + " has no shape rule")
	}
	for i, o := range op.Operands {
		if o.Variadic && i != len(op.Operands)-1 {
			panic("ir: op " + op.Name + ": only the last operand may be variadic")
		}
		if i > 0 && op.Operands[i-1].Optional && !o.Optional {
			panic("ir: op " + op.Name + ": optional operands must come last")
		}
	}
	names := map[string]bool{}
	for _, a := range op.Attrs {
		names[a.Name] = true
		if a.Default != nil && !checkKind(a.Kind, a.Default) {
			panic("ir: op " + op.Name + ": default of " + a.Name + " has the wrong kind")
		}
	}
	if op.Layer != nil {
		for _, a := range op.Layer.Attrs {
			if names[a.Name] {
				panic("ir: op " + op.Name + ": attribute " + a.Name + " is both a layer and an IR attribute")
			}
			names[a.Name] = true
		}
	}
	for _, p := range op.Positional {
		if !names[p] {
			panic("ir: op " + op.Name + ": positional " + p + " is not an attribute")
		}
	}
	opTable[op.Name] = op
	return op
}

func init() {
	for _, op := range []*Op{OpInput, OpParam, OpConst} {
		opTable[op.Name] = op
	}
}

// LookupOp returns the op with the given name, or nil.
func LookupOp(name string) *Op { return opTable[name] }

// Ops returns every op of the table, sorted by name.
func Ops() []*Op {
	ops := make([]*Op, 0, len(opTable))
	for _, op := range opTable {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	return ops
}

// DataOperands is the number of leading non-parameter operands, the ones a
// call in the language passes explicitly (-1 if variadic).
func (op *Op) DataOperands() int {
	n := 0
	for _, o := range op.Operands {
		if o.Param {
			break
		}
		if o.Variadic {
			return -1
		}
		n++
	}
	return n
}

// Attr returns the spec of an IR attribute, or nil.
func (op *Op) Attr(name string) *AttrSpec {
	for i := range op.Attrs {
		if op.Attrs[i].Name == name {
			return &op.Attrs[i]
		}
	}
	return nil
}

// LayerAttr returns the spec of a layer attribute, or nil.
func (op *Op) LayerAttr(name string) *AttrSpec {
	if op.Layer == nil {
		return nil
	}
	for i := range op.Layer.Attrs {
		if op.Layer.Attrs[i].Name == name {
			return &op.Layer.Attrs[i]
		}
	}
	return nil
}

func (op *Op) operand(i int) Operand {
	if i < len(op.Operands) {
		return op.Operands[i]
	}
	return op.Operands[len(op.Operands)-1] // variadic tail
}

// arity returns the operand count bounds (max -1: unbounded).
func (op *Op) arity() (min, max int) {
	for _, o := range op.Operands {
		if !o.Optional {
			min++
		}
		if o.Variadic {
			return min, -1
		}
		max++
	}
	return min, max
}

func (op *Op) checkArity(n int) error {
	min, max := op.arity()
	switch {
	case max < 0 && n < min:
		return fmt.Errorf("%s takes at least %d %s, got %d", op.Name, min, plural(min, "operand"), n)
	case max >= 0 && (n < min || n > max):
		if min == max {
			return fmt.Errorf("%s takes %d %s, got %d", op.Name, min, plural(min, "operand"), n)
		}
		return fmt.Errorf("%s takes %d to %d operands, got %d", op.Name, min, max, n)
	}
	return nil
}

// checkAttrs checks that every attribute is known and of the right kind,
// that required ones are present, and that lists have the right length.
func (op *Op) checkAttrs(a Attrs, in []Type) error {
	for name, v := range a {
		spec := op.Attr(name)
		if spec == nil {
			return fmt.Errorf("%s has no attribute %q", op.Name, name)
		}
		if !checkKind(spec.Kind, v) {
			return fmt.Errorf("%s: attribute %s must be a %v, got %s", op.Name, name, spec.Kind, formatAttr(v))
		}
		if spec.Kind == AttrInts {
			if want := spec.listLen(in); want > 0 && len(v.([]int)) != want {
				return fmt.Errorf("%s: attribute %s must have %d %s, got %s", op.Name, name, want, plural(want, "entry"), formatAttr(v))
			}
		}
		if len(spec.Enum) > 0 && !slices.Contains(spec.Enum, v.(string)) {
			return fmt.Errorf("%s: attribute %s must be one of %s, got %s", op.Name, name, strings.Join(spec.Enum, ", "), formatAttr(v))
		}
	}
	for _, spec := range op.Attrs {
		if spec.Required && !a.Has(spec.Name) {
			return fmt.Errorf("%s: missing attribute %s", op.Name, spec.Name)
		}
	}
	return nil
}

// listLen is the length a list attribute must have for these operands
// (0: any).
func (s *AttrSpec) listLen(in []Type) int {
	if s.Len != PerSpatialDim {
		return s.Len
	}
	if len(in) == 0 || in[0].Rank() < 2 {
		return 0 // the shape rule reports the bad rank
	}
	return in[0].Rank() - 1
}

// ListLen is the length a list attribute must have for operands of these
// types (0: any), so that the frontend can widen a single int to a list.
func (s *AttrSpec) ListLen(in []Type) int { return s.listLen(in) }

// FillDefaults sets the absent attributes of specs that have defaults, for
// operands of types in.
func FillDefaults(specs []AttrSpec, a Attrs, in []Type) {
	for i := range specs {
		s := &specs[i]
		if !a.Has(s.Name) && s.Default != nil {
			a[s.Name] = s.defaultFor(in)
		}
	}
}

// defaultFor is the spec's default for operands of types in: a
// one-element list default of a per-spatial-dimension list applies to
// every spatial dimension.
func (s *AttrSpec) defaultFor(in []Type) any {
	l, ok := s.Default.([]int)
	if !ok {
		return s.Default
	}
	if n := s.listLen(in); n > 0 && len(l) == 1 {
		out := make([]int, n)
		for i := range out {
			out[i] = l[0]
		}
		return out
	}
	return append([]int{}, l...)
}

// IsDefault reports whether v is the attribute's default for operands of
// types in (the printer leaves such attributes out).
func (s *AttrSpec) IsDefault(v any, in []Type) bool {
	return s.Default != nil && attrEqual(v, s.defaultFor(in))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	if strings.HasSuffix(word, "y") {
		return word[:len(word)-1] + "ies"
	}
	return word + "s"
}

// ParamRole describes how the op of consumer uses its operand i, when
// that operand is a parameter: its initialisation, the fan-in that
// initialisation scales with, and whether it is state rather than a
// trained weight.
func ParamRole(consumer *Value, i int) (init InitKind, fanIn int, state bool) {
	spec := consumer.Op.operand(i)
	fanIn = 1
	for j, o := range consumer.Op.Operands {
		if o.Name == "weight" && j < len(consumer.Args) {
			fanIn = max(1, consumer.Args[j].Type.Elems()/max(1, consumer.Args[j].Type.Dims[0]))
		}
	}
	return spec.Init, fanIn, spec.State
}
