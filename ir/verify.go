package ir

import (
	"fmt"
	"math"

	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// Verify checks a graph's invariants: unique names; arguments defined
// before use; every op's operands and attributes fit its schema and its
// declared type is the one its shape rule gives; parameter data fits its
// type; quantization parameters are well formed; outputs are defined. It
// reports every problem, each at the value's source position.
func Verify(g *Graph) error {
	var errs source.List
	if g.Name == "" {
		errs.Add(source.Pos{}, "graph has no name")
	}
	defined := map[*Value]bool{}
	names := map[string]bool{}
	for _, v := range g.Values {
		if v.Name == "" {
			errs.Add(v.Pos, "a %s value has no name", v.Op.Name)
		} else if names[v.Name] {
			errs.Add(v.Pos, "%s: defined twice", valueRef(v.Name))
		}
		names[v.Name] = true
		for _, msg := range checkValue(v, defined) {
			errs.Add(v.Pos, "%s: %s", valueRef(v.Name), msg)
		}
		defined[v] = true
	}
	if len(g.Outputs) == 0 {
		errs.Add(source.Pos{}, "graph %s has no output", g.Name)
	}
	for _, o := range g.Outputs {
		if !defined[o] {
			errs.Add(o.Pos, "output %s is not a value of the graph", valueRef(o.Name))
		}
	}
	errs.Sort()
	return errs.Err()
}

// checkValue returns the problems of one value; defined holds the values
// before it.
func checkValue(v *Value, defined map[*Value]bool) []string {
	var problems []string
	bad := func(_ *Value, format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	if v.Op == nil || LookupOp(v.Op.Name) != v.Op {
		bad(v, "op is not in the op table")
		return problems
	}
	if v.Type.DType.Size() == 0 {
		bad(v, "invalid dtype")
		return problems
	}
	if v.Type.Elems() < 0 {
		bad(v, "invalid shape %v", v.Type)
		return problems
	}
	switch v.Op {
	case OpInput:
		if !v.Type.Batched {
			bad(v, "an input must be batched")
		}
	case OpParam, OpConst:
		if v.Type.Batched {
			bad(v, "a %s cannot be batched", v.Op.Name)
		}
		if v.Op == OpConst && v.Data == nil {
			bad(v, "a const has no data")
		}
		if v.Data != nil {
			if err := v.Data.Check(); err != nil {
				bad(v, "data: %v", err)
			} else if v.Data.DType != v.Type.DType || !tensor.ShapeEqual(v.Data.Shape, v.Type.Dims) {
				bad(v, "data %v does not match its type %v", v.Data, v.Type)
			}
		}
	}
	if v.IsSource() {
		if len(v.Args) > 0 || len(v.Attrs) > 0 {
			bad(v, "a %s takes no operands or attributes", v.Op.Name)
		}
	} else {
		ok := true
		for _, a := range v.Args {
			if !defined[a] {
				bad(v, "operand %s is used before it is defined", valueRef(a.Name))
				ok = false
			}
		}
		if ok {
			t, err := InferType(v)
			switch {
			case err != nil:
				bad(v, "%v", err)
			case !t.Equal(v.Type):
				bad(v, "declared type %v, but %s gives %v", v.Type, v.Op.Name, t)
			}
		}
	}
	if v.Quant != nil {
		verifyQuant(v, bad)
	} else if (v.Type.DType == tensor.I8 || v.Type.DType == tensor.U8) && len(problems) == 0 {
		bad(v, "an %v value needs quantization parameters", v.Type.DType)
	}
	if len(problems) == 0 && v.Op.QuantRule != nil {
		if err := v.Op.QuantRule(v); err != nil {
			bad(v, "%v", err)
		}
	}
	return problems
}

func verifyQuant(v *Value, bad func(*Value, string, ...any)) {
	q := v.Quant
	if v.Type.DType != tensor.I8 && v.Type.DType != tensor.U8 && v.Type.DType != tensor.I32 {
		bad(v, "quantization parameters on a %v value", v.Type.DType)
		return
	}
	if len(q.Scale) == 0 {
		bad(v, "quantization parameters have no scale")
		return
	}
	for _, s := range q.Scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			bad(v, "scale %s is not a positive finite number", formatF32(s))
			return
		}
	}
	if len(q.Zero) != 1 && len(q.Zero) != len(q.Scale) {
		bad(v, "%d zero points for %d scales", len(q.Zero), len(q.Scale))
		return
	}
	lo, hi := dtypeRange(v.Type.DType)
	for _, z := range q.Zero {
		if int64(z) < lo || int64(z) > hi {
			bad(v, "zero point %d is outside the range of %v", z, v.Type.DType)
			return
		}
	}
	if q.PerChannel() {
		if q.Axis < 0 || q.Axis >= v.Type.Rank() {
			bad(v, "quantization axis %d is out of range for %v", q.Axis, v.Type)
		} else if v.Type.Dims[q.Axis] != len(q.Scale) {
			bad(v, "%d scales for %d channels along axis %d", len(q.Scale), v.Type.Dims[q.Axis], q.Axis)
		}
	}
}
