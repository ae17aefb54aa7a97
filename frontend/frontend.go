// Package frontend turns a parsed .kiln file into an IR graph: it resolves
// names, creates and names the layers' parameters (PyTorch's names and
// layouts, so that a PyTorch state_dict binds by name), infers and checks
// shapes through the op table's rules, and reads the training and compile
// settings. Every problem of a file is reported at once, each as
// file:line:col: message.
package frontend

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/internal/suggest"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// Program is a checked .kiln file.
type Program struct {
	Graph   *ir.Graph
	Train   *Settings // the train block, or nil
	Compile *Settings // the compile block, or nil
	Dir     string    // the file's directory: paths in settings are relative to it
	// Quant holds int8 parameters the source fixed, by value name (an
	// ONNX QDQ model's scales and zero points), for the quantize pass
	// (passes.Quantization.Given); nil for a .kiln file.
	Quant map[string]*ir.QuantParams
}

// Load reads, parses and checks a .kiln file. On failure it returns the
// file's contents too (nil if unreadable), so that errors can be shown with
// their source lines (source.Render).
func Load(path string) (*Program, []byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	p, err := Compile(path, src)
	return p, src, err
}

// Compile parses and checks source text.
func Compile(filename string, src []byte) (*Program, error) {
	f, err := lang.Parse(filename, src)
	if err != nil {
		return nil, err
	}
	return Check(f)
}

// Check lowers a parsed file to IR. The error, if any, is a *source.List.
func Check(f *lang.File) (*Program, error) {
	c := &checker{
		file:   f.Filename,
		scope:  map[string]*binding{},
		names:  map[string]bool{},
		layers: map[string]source.Pos{},
	}
	prog := c.model(f.Model)
	prog.Dir = filepath.Dir(f.Filename)
	c.errs.Sort()
	if err := c.errs.Err(); err != nil {
		return nil, err
	}
	if err := ir.Verify(prog.Graph); err != nil {
		// The frontend only builds graphs the op table accepts; a
		// verifier failure here is a bug in kiln, not in the file.
		return nil, fmt.Errorf("internal error: the checked graph does not verify: %w", err)
	}
	return prog, nil
}

// binding is a name in scope: an input or a binding's value.
type binding struct {
	v    *ir.Value // nil if the binding's expression had errors
	pos  source.Pos
	used bool
	kind string // "input" or "binding"
}

type checker struct {
	file   string
	g      *ir.Graph
	errs   source.List
	scope  map[string]*binding
	order  []string
	names  map[string]bool // IR value names taken
	layers map[string]source.Pos

	cur     string     // the binding being lowered
	curPos  source.Pos // its position
	layerAt source.Pos // the parameterised layer it holds, if any
}

func (c *checker) pos(p source.Pos) source.Pos {
	p.File = c.file
	return p
}

func (c *checker) errorf(p source.Pos, format string, args ...any) {
	c.errs.Add(c.pos(p), format, args...)
}

func (c *checker) model(m *lang.Model) *Program {
	c.g = ir.NewGraph(m.Name.Name)
	prog := &Program{Graph: c.g}
	var outputs []*lang.Ident
	for _, line := range m.Body {
		switch s := line.Stmt.(type) {
		case nil:
		case *lang.Input:
			c.input(s)
		case *lang.Binding:
			c.binding(s)
			if s.Output {
				outputs = append(outputs, s.Name)
			}
		case *lang.OutputRef:
			outputs = append(outputs, s.Name)
			if b := c.scope[s.Name.Name]; b != nil {
				b.used = true
			} else {
				c.undefined(s.Name)
			}
		case *lang.Block:
			c.block(prog, s)
		case *lang.Setting:
			c.errorf(s.Pos, "a setting (%s = ...) belongs in a train or compile block", s.Name.Name)
		}
	}
	seen := map[string]source.Pos{}
	for _, o := range outputs {
		if p, dup := seen[o.Name]; dup {
			c.errorf(o.Pos, "%s is already an output (at %d:%d)", o.Name, p.Line, p.Col)
			continue
		}
		seen[o.Name] = o.Pos
		if b := c.scope[o.Name]; b != nil && b.v != nil {
			c.g.Outputs = append(c.g.Outputs, b.v)
		}
	}
	if len(outputs) == 0 {
		c.errorf(m.Pos, "model %s has no output: mark a value with \"output\"", m.Name.Name)
		return prog // every binding is unused then; saying so adds nothing
	}
	for _, name := range c.order {
		b := c.scope[name]
		if !b.used {
			if b.kind == "input" {
				c.errorf(b.pos, "input %s is never used", name)
			} else {
				c.errorf(b.pos, "%s is defined but never used", name)
			}
		}
	}
	return prog
}

func (c *checker) declare(name *lang.Ident, kind string, v *ir.Value) bool {
	if prev := c.scope[name.Name]; prev != nil {
		c.errorf(name.Pos, "%s is already defined (at %d:%d)", name.Name, prev.pos.Line, prev.pos.Col)
		return false
	}
	c.scope[name.Name] = &binding{v: v, pos: name.Pos, kind: kind}
	c.order = append(c.order, name.Name)
	return true
}

func (c *checker) input(s *lang.Input) {
	dt := tensor.ParseDType(s.Type.DType.Name)
	ok := true
	if dt == tensor.Invalid {
		c.errorf(s.Type.DType.Pos, "unknown dtype %q (want f32, i32, i8 or u8)", s.Type.DType.Name)
		ok = false
	}
	dims := []int{}
	for _, d := range s.Type.Dims {
		n, err := strconv.Atoi(d.Text)
		if err != nil || n < 1 || n > 1<<30 {
			c.errorf(d.Pos, "dimension %s must be a positive integer", d.Text)
			ok = false
			continue
		}
		dims = append(dims, n)
	}
	if ok && tensor.NumElems(dims) > 1<<30 {
		c.errorf(s.Type.Pos, "input %s is too large (more than 2^30 elements per sample)", s.Name.Name)
		ok = false
	}
	var v *ir.Value
	if ok && c.claim(s.Name.Name) {
		v = c.g.AddInput(s.Name.Name, ir.Batched(dt, dims...), c.pos(s.Name.Pos))
	}
	c.declare(s.Name, "input", v)
}

// claim reserves an IR value name.
func (c *checker) claim(name string) bool {
	if c.names[name] {
		return false
	}
	c.names[name] = true
	return true
}

// fresh returns an unused IR value name derived from base.
func (c *checker) fresh(base string) string {
	name := base
	for i := 2; c.names[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	c.names[name] = true
	return name
}

func (c *checker) binding(s *lang.Binding) {
	name := s.Name.Name
	if prev := c.scope[name]; prev != nil {
		c.errorf(s.Name.Pos, "%s is already defined (at %d:%d)", name, prev.pos.Line, prev.pos.Col)
		return
	}
	c.cur, c.curPos, c.layerAt = name, s.Name.Pos, source.Pos{}
	c.markUsed(s.Value)
	v := c.expr(s.Value, name)
	c.declare(s.Name, "binding", v)
	if s.Output || v == nil {
		// A binding whose expression failed was reported already: calling
		// it unused as well would only repeat the error.
		c.scope[name].used = true
	}
}

// markUsed marks every name an expression mentions as used, whether or
// not lowering it succeeds, so that one error does not make the names in
// the rest of the expression look unused.
func (c *checker) markUsed(e lang.Expr) {
	switch e := e.(type) {
	case *lang.Ident:
		if b := c.scope[e.Name]; b != nil {
			b.used = true
		}
	case *lang.Unary:
		c.markUsed(e.X)
	case *lang.Binary:
		c.markUsed(e.X)
		c.markUsed(e.Y)
	case *lang.Call:
		for _, a := range e.Args {
			if a.Name == nil {
				c.markUsed(a.Value)
			}
		}
	}
}

// expr lowers an expression; want is the IR name for its result ("" for
// a name derived from the binding). It returns nil after reporting an
// error.
func (c *checker) expr(e lang.Expr, want string) *ir.Value {
	switch e := e.(type) {
	case *lang.Ident:
		b := c.scope[e.Name]
		if b == nil {
			c.undefined(e)
			return nil
		}
		b.used = true
		return b.v
	case *lang.Number:
		f, err := strconv.ParseFloat(e.Text, 32)
		if err != nil {
			c.errorf(e.Pos, "number %s is out of range for f32", e.Text)
			return nil
		}
		return c.constant(float32(f), e.Pos, want)
	case *lang.Unary:
		if n, ok := e.X.(*lang.Number); ok {
			f, err := strconv.ParseFloat(n.Text, 32)
			if err != nil {
				c.errorf(n.Pos, "number %s is out of range for f32", n.Text)
				return nil
			}
			return c.constant(-float32(f), e.Pos, want)
		}
		x := c.expr(e.X, "")
		if x == nil {
			return nil
		}
		minus := c.constant(-1, e.Pos, "")
		return c.op(ir.OpMul, []*ir.Value{x, minus}, ir.Attrs{}, e.Pos, want, "-")
	case *lang.Binary:
		x, y := c.expr(e.X, ""), c.expr(e.Y, "")
		if x == nil || y == nil {
			return nil
		}
		op := map[string]*ir.Op{"+": ir.OpAdd, "-": ir.OpSub, "*": ir.OpMul}[e.Op]
		return c.op(op, []*ir.Value{x, y}, ir.Attrs{}, e.OpPos, want, e.Op)
	case *lang.Call:
		return c.call(e, want)
	case *lang.String:
		c.errorf(e.Pos, "a string is not a value; strings may only be attribute values")
	case *lang.List:
		c.errorf(e.Pos, "a list is not a value; lists may only be attribute values")
	}
	return nil
}

func (c *checker) undefined(id *lang.Ident) {
	var names []string
	for name := range c.scope {
		names = append(names, name)
	}
	c.errorf(id.Pos, "undefined: %s%s", id.Name, suggest.DidYouMean(id.Name, names))
}

func (c *checker) constant(f float32, pos source.Pos, want string) *ir.Value {
	name := want
	if name == "" || !c.claim(name) {
		name = c.fresh(c.cur + ".const")
	}
	return c.g.AddConst(name, tensor.FromF32([]float32{f}), c.pos(pos))
}

// op appends an op node, reporting shape errors at pos.
func (c *checker) op(op *ir.Op, args []*ir.Value, attrs ir.Attrs, pos source.Pos, want, what string) *ir.Value {
	name := want
	if name == "" || !c.claim(name) {
		name = c.fresh(c.cur + "." + op.Name)
	}
	v, err := c.g.AddOp(name, op, args, attrs, c.pos(pos))
	if err != nil {
		msg := err.Error()
		if what != op.Name {
			msg = strings.Replace(msg, op.Name+": ", fmt.Sprintf("%s (%s): ", what, op.Name), 1)
		}
		c.errorf(pos, "%s", msg)
		return nil
	}
	return v
}

func (c *checker) call(e *lang.Call, want string) *ir.Value {
	op := ir.LookupOp(e.Func.Name)
	if op == nil || op.Kind != ir.Compute || op.Integer {
		var names []string
		for _, o := range ir.Ops() {
			if o.Kind == ir.Compute && !o.Integer {
				names = append(names, o.Name)
			}
		}
		c.errorf(e.Func.Pos, "unknown op %s%s", e.Func.Name, suggest.DidYouMean(e.Func.Name, names))
		// Still check the arguments, so their errors are reported too.
		for _, a := range e.Args {
			if a.Name == nil {
				c.expr(a.Value, "")
			}
		}
		return nil
	}

	// Split the arguments: leading positional ones are data operands,
	// further positional ones fill op.Positional, keywords are attributes.
	nData := op.DataOperands()
	var data []*ir.Value
	attrs := ir.Attrs{}
	attrPos := map[string]source.Pos{}
	ok := true
	positional := 0
	for _, a := range e.Args {
		if a.Name != nil {
			continue
		}
		if nData < 0 || positional < nData {
			v := c.expr(a.Value, "")
			if v == nil {
				ok = false
			}
			data = append(data, v)
		} else {
			k := positional - nData
			if k >= len(op.Positional) {
				if k == len(op.Positional) { // report the first extra argument only
					n := nData + len(op.Positional)
					c.errorf(a.Value.Position(), "%s takes %d positional %s (%s), got %d", op.Name, n, plural(n, "argument"), positionalNames(op), countPositional(e))
				}
				ok = false
			} else {
				ok = c.setAttr(op, attrs, attrPos, op.Positional[k], a.Value, a.Value.Position()) && ok
			}
		}
		positional++
	}
	for _, a := range e.Args {
		if a.Name != nil {
			ok = c.setAttr(op, attrs, attrPos, a.Name.Name, a.Value, a.Name.Pos) && ok
		}
	}
	if nData >= 0 && positional < nData {
		var names []string
		for _, o := range op.Operands[:nData] {
			names = append(names, o.Name)
		}
		c.errorf(e.Func.Pos, "%s needs %d %s (%s), got %d", op.Name, nData, plural(nData, "operand"), strings.Join(names, ", "), positional)
		return nil
	}
	if nData < 0 && positional == 0 {
		c.errorf(e.Func.Pos, "%s takes at least one operand", op.Name)
		return nil
	}
	if !ok {
		return nil
	}
	dataTypes := make([]ir.Type, len(data))
	for i, d := range data {
		dataTypes[i] = d.Type
	}
	if !c.widenLists(op, attrs, attrPos, dataTypes) {
		return nil
	}
	for _, spec := range layerAttrs(op) {
		if spec.Required && !attrs.Has(spec.Name) {
			c.errorf(e.Func.Pos, "%s needs attribute %s", op.Name, spec.Name)
			ok = false
		}
	}
	for _, spec := range op.Attrs {
		if spec.Required && !attrs.Has(spec.Name) {
			c.errorf(e.Func.Pos, "%s needs attribute %s", op.Name, spec.Name)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	args := data
	if op.Layer != nil {
		params, good := c.params(op, e, data, attrs)
		if !good {
			return nil
		}
		args = append(args, params...)
	}
	irAttrs := ir.Attrs{}
	for name, v := range attrs {
		if op.Attr(name) != nil {
			irAttrs[name] = v
		}
	}
	return c.op(op, args, irAttrs, e.Func.Pos, want, op.Name)
}

func layerAttrs(op *ir.Op) []ir.AttrSpec {
	if op.Layer == nil {
		return nil
	}
	return op.Layer.Attrs
}

// positionalNames lists what a call may pass by position: the data
// operands, then op.Positional.
func positionalNames(op *ir.Op) string {
	var names []string
	for _, o := range op.Operands {
		if o.Param {
			break
		}
		names = append(names, o.Name)
	}
	return strings.Join(append(names, op.Positional...), ", ")
}

func countPositional(e *lang.Call) int {
	n := 0
	for _, a := range e.Args {
		if a.Name == nil {
			n++
		}
	}
	return n
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// params creates a layer's parameters, named after the binding.
func (c *checker) params(op *ir.Op, e *lang.Call, data []*ir.Value, attrs ir.Attrs) ([]*ir.Value, bool) {
	if c.layerAt.IsValid() {
		c.errorf(e.Func.Pos, "%s already holds a layer with parameters (at %d:%d); give this %s its own binding", c.cur, c.layerAt.Line, c.layerAt.Col, op.Name)
		return nil, false
	}
	c.layerAt = e.Func.Pos
	types := make([]ir.Type, len(data))
	for i, d := range data {
		types[i] = d.Type
	}
	all := attrs.Clone()
	ir.FillDefaults(op.Attrs, all, types)
	ir.FillDefaults(op.Layer.Attrs, all, types)
	specs, err := op.Layer.Params(types, all)
	if err != nil {
		c.errorf(e.Func.Pos, "%v", err)
		return nil, false
	}
	var vs []*ir.Value
	for _, s := range specs {
		name := c.cur + "." + s.Suffix
		if !c.claim(name) {
			c.errorf(e.Func.Pos, "parameter name %s is already taken", name)
			return nil, false
		}
		vs = append(vs, c.g.AddParam(name, s.Type, c.pos(e.Func.Pos)))
	}
	return vs, true
}

// widenLists turns a single int given for a list attribute into a list of
// the length the op needs.
func (c *checker) widenLists(op *ir.Op, attrs ir.Attrs, attrPos map[string]source.Pos, data []ir.Type) bool {
	ok := true
	for name, v := range attrs {
		spec := attrSpec(op, name)
		if spec.Kind != ir.AttrInts {
			continue
		}
		n := spec.ListLen(data)
		switch v := v.(type) {
		case int:
			if n == 0 {
				n = 1
			}
			l := make([]int, n)
			for i := range l {
				l[i] = v
			}
			attrs[name] = l
		case []int:
			if n > 0 && len(v) != n {
				c.errorf(attrPos[name], "%s: %s needs %d values here (one per spatial dimension), got %d", op.Name, name, n, len(v))
				ok = false
			}
		}
	}
	return ok
}

func attrSpec(op *ir.Op, name string) *ir.AttrSpec {
	if s := op.Attr(name); s != nil {
		return s
	}
	return op.LayerAttr(name)
}

// setAttr evaluates an attribute's value and stores it.
func (c *checker) setAttr(op *ir.Op, attrs ir.Attrs, attrPos map[string]source.Pos, name string, e lang.Expr, pos source.Pos) bool {
	spec := attrSpec(op, name)
	if spec == nil {
		var names []string
		for _, s := range op.Attrs {
			names = append(names, s.Name)
		}
		for _, s := range layerAttrs(op) {
			names = append(names, s.Name)
		}
		switch hint := suggest.DidYouMean(name, names); {
		case len(names) == 0:
			c.errorf(pos, "%s has no attributes, got %s", op.Name, name)
		case hint != "":
			c.errorf(pos, "%s has no attribute %s%s", op.Name, name, hint)
		default:
			c.errorf(pos, "%s has no attribute %s (it has %s)", op.Name, name, strings.Join(names, ", "))
		}
		return false
	}
	if p, dup := attrPos[name]; dup {
		c.errorf(pos, "attribute %s is given twice (first at %d:%d)", name, p.Line, p.Col)
		return false
	}
	attrPos[name] = pos
	v, err := constValue(e, spec.Kind)
	if err != nil {
		c.errorf(e.Position(), "%s: %s %v", op.Name, name, err)
		return false
	}
	attrs[name] = v
	return true
}

// constValue evaluates a literal attribute value as the given kind.
func constValue(e lang.Expr, kind ir.AttrKind) (any, error) {
	switch kind {
	case ir.AttrInt:
		n, ok := intLit(e)
		if !ok {
			return nil, fmt.Errorf("must be an integer, got %s", exprText(e))
		}
		return n, nil
	case ir.AttrInts:
		if n, ok := intLit(e); ok {
			return n, nil // widened to a list once the operand types are known
		}
		l, ok := e.(*lang.List)
		if !ok {
			return nil, fmt.Errorf("must be an integer or a list of integers, got %s", exprText(e))
		}
		out := []int{}
		for _, el := range l.Elems {
			n, ok := intLit(el)
			if !ok {
				return nil, fmt.Errorf("must be a list of integers, got %s", exprText(e))
			}
			out = append(out, n)
		}
		return out, nil
	case ir.AttrFloat:
		f, ok := floatLit(e)
		if !ok {
			return nil, fmt.Errorf("must be a number, got %s", exprText(e))
		}
		return f, nil
	case ir.AttrString:
		s, ok := e.(*lang.String)
		if !ok {
			return nil, fmt.Errorf("must be a string, got %s", exprText(e))
		}
		return s.Value, nil
	case ir.AttrBool:
		if id, ok := e.(*lang.Ident); ok && (id.Name == "true" || id.Name == "false") {
			return id.Name == "true", nil
		}
		return nil, fmt.Errorf("must be true or false, got %s", exprText(e))
	}
	return nil, fmt.Errorf("has an unsupported kind")
}

// intLit reads an integer literal, possibly negated.
func intLit(e lang.Expr) (int, bool) {
	neg := false
	if u, ok := e.(*lang.Unary); ok && u.Op == "-" {
		neg, e = true, u.X
	}
	n, ok := e.(*lang.Number)
	if !ok || !n.IsInt {
		return 0, false
	}
	v, err := strconv.ParseInt(n.Text, 10, 32)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return int(v), true
}

// floatLit reads a number literal, possibly negated.
func floatLit(e lang.Expr) (float64, bool) {
	neg := false
	if u, ok := e.(*lang.Unary); ok && u.Op == "-" {
		neg, e = true, u.X
	}
	n, ok := e.(*lang.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// exprText describes an expression briefly for messages.
func exprText(e lang.Expr) string {
	switch e := e.(type) {
	case *lang.Number:
		return e.Text
	case *lang.String:
		return strconv.Quote(e.Value)
	case *lang.Ident:
		return e.Name
	case *lang.List:
		return "a list"
	case *lang.Call:
		return "a call of " + e.Func.Name
	case *lang.Unary:
		return "-" + exprText(e.X)
	}
	return "an expression"
}
