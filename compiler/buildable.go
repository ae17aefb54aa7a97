package compiler

import (
	"fmt"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// What no build can run: the values the quantize pass would leave in
// float, which the VM has no kernel for. kiln check warns of them from
// the source alone; quantizing or building such a model fails with the
// same positioned messages, before calibration, instead of leaving a
// float op for the bytecode encoder to refuse.

// UnbuildableError is a model that cannot be built for the VM: each
// error of List is a value with no int8 form, at its source position,
// with what to change.
type UnbuildableError struct {
	Model string
	List  *source.List
}

func (e *UnbuildableError) Error() string {
	return fmt.Sprintf("model %s cannot be built for the VM:\n%v", e.Model, e.List)
}

func (e *UnbuildableError) Unwrap() error { return e.List }

// Unbuildable returns what no build of g can run, each at its source
// position with what to change, or nil. g is a checked graph (fresh from
// the frontend: no weights or data are needed); it is not changed. The
// float passes run on a copy first, so that what they remove (dropout)
// or fold is not reported.
func Unbuildable(g *ir.Graph) (*source.List, error) {
	c := g.Clone()
	if err := passes.Run(c, &passes.Context{}, passes.Names(passes.StageFloat), passes.Config{Verify: true}); err != nil {
		return nil, err
	}
	return unbuildable(c), nil
}

// unbuildable lists the values of a graph after the float passes that
// have no int8 form.
func unbuildable(g *ir.Graph) *source.List {
	var l source.List
	for _, v := range g.Values {
		if v.IsSource() || v.Type.DType != tensor.F32 {
			continue
		}
		if why := ir.NoIntegerForm(v); why != "" {
			l.AddError(floatError(v.Name, v.Op.Name, why, v.Pos))
		}
	}
	return listOrNil(&l)
}

// leftFloat lists the ops the quantize pass left in float (those that
// depend on the weights or the calibration, which the check before it
// cannot see).
func leftFloat(ops []passes.FloatOp) *source.List {
	var l source.List
	for _, f := range ops {
		l.AddError(floatError(f.Value, f.Op, f.Reason, f.Pos))
	}
	return listOrNil(&l)
}

func floatError(value, op, why string, pos source.Pos) *source.Error {
	return source.Errorf(pos, "%s (%s) has no int8 form, so no build can run it: %s", value, op, why)
}

func listOrNil(l *source.List) *source.List {
	if l.Len() == 0 {
		return nil
	}
	l.Sort()
	return l
}
