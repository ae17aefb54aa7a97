// Package ir is kiln's graph IR: typed values in SSA form, the op table,
// the text form (printer and parser, which round-trip), the verifier,
// per-op statistics, Graphviz output, and the float reference executor.
package ir

import (
	"fmt"

	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// Value is one SSA value: the single result of an op applied to earlier
// values. Inputs, parameters and constants are values too (ops "input",
// "param" and "const", with no arguments).
type Value struct {
	Name  string
	Op    *Op
	Args  []*Value
	Attrs Attrs
	Type  Type
	Quant *QuantParams // nil unless quantized

	// Data holds a parameter's or constant's contents; nil for a parameter
	// not yet bound to weights. Summary is what the text form recorded of
	// data it did not print whole (a parsed graph has Summary, not Data).
	Data    *tensor.Tensor
	Summary *DataSummary

	Pos source.Pos // where in the source the value came from
}

// IsSource reports whether v is an input, parameter or constant.
func (v *Value) IsSource() bool { return v.Op.Kind != Compute }

// Graph is a model: values in definition order (every value's arguments
// come before it) and the values the model outputs.
type Graph struct {
	Name    string
	Values  []*Value
	Outputs []*Value
}

// NewGraph returns an empty graph.
func NewGraph(name string) *Graph { return &Graph{Name: name} }

// Inputs returns the input values in order.
func (g *Graph) Inputs() []*Value { return g.filter(OpInput) }

// Params returns the parameter values in order.
func (g *Graph) Params() []*Value { return g.filter(OpParam) }

func (g *Graph) filter(op *Op) []*Value {
	var vs []*Value
	for _, v := range g.Values {
		if v.Op == op {
			vs = append(vs, v)
		}
	}
	return vs
}

// Lookup returns the value with the given name, or nil.
func (g *Graph) Lookup(name string) *Value {
	for _, v := range g.Values {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// AddInput appends a batched input value.
func (g *Graph) AddInput(name string, t Type, pos source.Pos) *Value {
	t.Batched = true
	v := &Value{Name: name, Op: OpInput, Type: t, Pos: pos}
	g.Values = append(g.Values, v)
	return v
}

// AddParam appends a parameter (a named, unbatched weight tensor, bound
// to data later).
func (g *Graph) AddParam(name string, t Type, pos source.Pos) *Value {
	t.Batched = false
	v := &Value{Name: name, Op: OpParam, Type: t, Pos: pos}
	g.Values = append(g.Values, v)
	return v
}

// AddConst appends a constant holding data.
func (g *Graph) AddConst(name string, data *tensor.Tensor, pos source.Pos) *Value {
	v := &Value{Name: name, Op: OpConst, Type: Unbatched(data.DType, data.Shape...), Data: data, Pos: pos}
	g.Values = append(g.Values, v)
	return v
}

// AddOp appends op applied to args, inferring the result type. The error,
// if any, comes from the op's operand and shape rules and has no position.
func (g *Graph) AddOp(name string, op *Op, args []*Value, attrs Attrs, pos source.Pos) (*Value, error) {
	if attrs == nil {
		attrs = Attrs{}
	}
	in := argTypes(args)
	FillDefaults(op.Attrs, attrs, in)
	v := &Value{Name: name, Op: op, Args: args, Attrs: attrs, Pos: pos}
	if op.Canon != nil {
		if err := checkOperands(v); err != nil {
			return nil, err
		}
		if err := op.Canon(in, attrs); err != nil {
			return nil, err
		}
	}
	t, err := InferType(v)
	if err != nil {
		return nil, err
	}
	v.Type = t
	g.Values = append(g.Values, v)
	return v, nil
}

// InferType checks v's operands and attributes against its op's schema and
// returns the type its shape rule gives.
func InferType(v *Value) (Type, error) {
	if v.Op.Kind != Compute {
		return Type{}, fmt.Errorf("%s has no shape rule", v.Op.Name)
	}
	if err := checkOperands(v); err != nil {
		return Type{}, err
	}
	return v.Op.Infer(argTypes(v.Args), v.Attrs)
}

// StandsForParam reports whether v is a parameter or constant, or a
// chain of weight views (fake_quant_weight, bn_fold_weight) over one.
func StandsForParam(v *Value) bool {
	for v.Op.WeightView {
		v = v.Args[0]
	}
	return v.IsSource()
}

// checkOperands checks v's operand count and kinds and its attributes
// against its op's schema.
func checkOperands(v *Value) error {
	op := v.Op
	if err := op.checkArity(len(v.Args)); err != nil {
		return err
	}
	for i, a := range v.Args {
		if spec := op.operand(i); spec.Param && !StandsForParam(a) {
			return fmt.Errorf("%s: operand %s must be a parameter or constant, got %%%s (%s)", op.Name, spec.Name, a.Name, a.Op.Name)
		}
	}
	return op.checkAttrs(v.Attrs, argTypes(v.Args))
}

func argTypes(args []*Value) []Type {
	ts := make([]Type, len(args))
	for i, a := range args {
		ts[i] = a.Type
	}
	return ts
}

// Uses returns, for every value, the values that take it as an argument.
func (g *Graph) Uses() map[*Value][]*Value {
	uses := make(map[*Value][]*Value)
	for _, v := range g.Values {
		for _, a := range v.Args {
			uses[a] = append(uses[a], v)
		}
	}
	return uses
}

// Replace makes every use of old (as an argument or an output) a use of
// new instead.
func (g *Graph) Replace(old, new *Value) {
	for _, v := range g.Values {
		for i, a := range v.Args {
			if a == old {
				v.Args[i] = new
			}
		}
	}
	for i, o := range g.Outputs {
		if o == old {
			g.Outputs[i] = new
		}
	}
}

// RemoveDead deletes the values no output depends on, inputs excepted
// (an input is part of the model's interface even when unused).
func (g *Graph) RemoveDead() {
	live := map[*Value]bool{}
	var mark func(v *Value)
	mark = func(v *Value) {
		if live[v] {
			return
		}
		live[v] = true
		for _, a := range v.Args {
			mark(a)
		}
	}
	for _, o := range g.Outputs {
		mark(o)
	}
	kept := g.Values[:0]
	for _, v := range g.Values {
		if live[v] || v.Op == OpInput {
			kept = append(kept, v)
		}
	}
	clear(g.Values[len(kept):])
	g.Values = kept
}

// Append adds a value at the end of the graph (its arguments must come
// before it).
func (g *Graph) Append(v *Value) { g.Values = append(g.Values, v) }

// Clone returns a copy of the graph whose values can be changed without
// touching g's. Tensor data is shared: passes replace data, never write
// into it.
func (g *Graph) Clone() *Graph {
	c := &Graph{Name: g.Name}
	m := make(map[*Value]*Value, len(g.Values))
	for _, v := range g.Values {
		n := *v
		n.Attrs = v.Attrs.Clone()
		n.Args = make([]*Value, len(v.Args))
		for i, a := range v.Args {
			n.Args[i] = m[a]
		}
		if v.Quant != nil {
			q := *v.Quant
			n.Quant = &q
		}
		m[v] = &n
		c.Values = append(c.Values, &n)
	}
	for _, o := range g.Outputs {
		c.Outputs = append(c.Outputs, m[o])
	}
	return c
}
