package frontend

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/source"
)

// Settings are a train or compile block: what a build pipeline needs to be
// hermetic. Every CLI flag overrides the block's setting of the same name.
type Settings struct {
	Pos   source.Pos
	Items []*Setting
}

// Setting is one KEY = VALUE of a block.
type Setting struct {
	Name  string
	Pos   source.Pos
	Value *Const
}

// Get returns the setting with the given name, or nil.
func (s *Settings) Get(name string) *Setting {
	if s == nil {
		return nil
	}
	for _, it := range s.Items {
		if it.Name == name {
			return it
		}
	}
	return nil
}

// ConstKind is the kind of a setting's value.
type ConstKind uint8

const (
	ConstNumber ConstKind = iota + 1
	ConstString
	ConstName // a bare identifier: sgd, cosine, true
	ConstList
	ConstCall // name(args): adam(lr=0.001)
)

// Const is a literal setting value.
type Const struct {
	Pos   source.Pos
	Kind  ConstKind
	Num   float64 // ConstNumber
	IsInt bool    // ConstNumber written as an integer
	Text  string  // the number as written, the string, or the name (or the call's function)
	Elems []*Const
	Args  []*Arg // ConstCall
}

// Arg is one argument of a call value; Name is "" for a positional one.
type Arg struct {
	Name  string
	Value *Const
}

// Kwarg returns a call's keyword argument, or nil.
func (c *Const) Kwarg(name string) *Const {
	for _, a := range c.Args {
		if a.Name == name {
			return a.Value
		}
	}
	return nil
}

// String prints the value as it would be written in a file.
func (c *Const) String() string {
	switch c.Kind {
	case ConstString:
		return strconv.Quote(c.Text)
	case ConstList:
		parts := make([]string, len(c.Elems))
		for i, e := range c.Elems {
			parts[i] = e.String()
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ConstCall:
		parts := make([]string, len(c.Args))
		for i, a := range c.Args {
			parts[i] = a.Value.String()
			if a.Name != "" {
				parts[i] = a.Name + "=" + parts[i]
			}
		}
		return c.Text + "(" + strings.Join(parts, ", ") + ")"
	}
	return c.Text
}

// settingSpec says what a key of a block accepts.
type settingSpec struct {
	kinds []ConstKind
	names []string // allowed names or functions, for ConstName and ConstCall
	doc   string
}

var (
	numberSpec = settingSpec{kinds: []ConstKind{ConstNumber}}
	intSpec    = settingSpec{kinds: []ConstKind{ConstNumber}, doc: "int"}
	stringSpec = settingSpec{kinds: []ConstKind{ConstString}}
)

// blockSchemas are the keys each block accepts; SPEC.md documents them.
var blockSchemas = map[string]map[string]settingSpec{
	"train": {
		"data":         stringSpec,
		"loss":         {kinds: []ConstKind{ConstName, ConstCall}, names: []string{"cross_entropy", "bce", "mse", "distill"}},
		"optimizer":    {kinds: []ConstKind{ConstName, ConstCall}, names: []string{"sgd", "adam"}},
		"lr":           numberSpec,
		"momentum":     numberSpec,
		"epochs":       intSpec,
		"batch":        intSpec,
		"seed":         intSpec,
		"weight_decay": numberSpec,
		"l1":           numberSpec,
		"schedule":     {kinds: []ConstKind{ConstName, ConstCall}, names: []string{"constant", "step", "cosine"}},
	},
	"compile": {
		"quantize":  {kinds: []ConstKind{ConstName, ConstCall}, names: []string{"none", "int8"}},
		"calibrate": stringSpec,
		"samples":   intSpec,
		"prune":     {kinds: []ConstKind{ConstName, ConstCall}, names: []string{"none", "magnitude", "sparsity", "structured"}},
		"distill":   {kinds: []ConstKind{ConstName, ConstCall}, names: []string{"none", "student"}},
		"target":    {kinds: []ConstKind{ConstName}, names: []string{"bytecode", "llvm"}},
	},
}

func (c *checker) block(prog *Program, b *lang.Block) {
	dst := &prog.Train
	if b.Kind == "compile" {
		dst = &prog.Compile
	}
	if *dst != nil {
		c.errorf(b.Pos, "a second %s block (the first is at %d:%d)", b.Kind, (*dst).Pos.Line, (*dst).Pos.Col)
		return
	}
	set := &Settings{Pos: c.pos(b.Pos)}
	*dst = set
	schema := blockSchemas[b.Kind]
	for _, line := range b.Body {
		s, ok := line.Stmt.(*lang.Setting)
		if !ok {
			if line.Stmt != nil {
				c.errorf(line.Stmt.Position(), "only settings (KEY = VALUE) may appear in a %s block", b.Kind)
			}
			continue
		}
		spec, known := schema[s.Name.Name]
		if !known {
			keys := make([]string, 0, len(schema))
			for k := range schema {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if hint := didYouMean(s.Name.Name, keys); hint != "" {
				c.errorf(s.Name.Pos, "unknown %s setting %s%s", b.Kind, s.Name.Name, hint)
			} else {
				c.errorf(s.Name.Pos, "unknown %s setting %s (known: %s)", b.Kind, s.Name.Name, strings.Join(keys, ", "))
			}
			continue
		}
		if prev := set.Get(s.Name.Name); prev != nil {
			c.errorf(s.Name.Pos, "setting %s is given twice (first at %d:%d)", s.Name.Name, prev.Pos.Line, prev.Pos.Col)
			continue
		}
		v, err := c.literal(s.Value)
		if err != nil {
			c.errs.AddError(err)
			continue
		}
		if err := spec.check(s.Name.Name, v); err != "" {
			c.errorf(s.Value.Position(), "%s", err)
			continue
		}
		set.Items = append(set.Items, &Setting{Name: s.Name.Name, Pos: c.pos(s.Name.Pos), Value: v})
	}
}

func (s settingSpec) check(key string, v *Const) string {
	kindOK := false
	for _, k := range s.kinds {
		kindOK = kindOK || k == v.Kind
	}
	if !kindOK {
		return fmt.Sprintf("%s must be %s, got %s", key, s.describe(), v)
	}
	if s.doc == "int" && !v.IsInt {
		return fmt.Sprintf("%s must be an integer, got %s", key, v)
	}
	if (v.Kind == ConstName || v.Kind == ConstCall) && len(s.names) > 0 {
		for _, n := range s.names {
			if n == v.Text {
				return ""
			}
		}
		return fmt.Sprintf("%s must be one of %s, got %s%s", key, strings.Join(s.names, ", "), v.Text, didYouMean(v.Text, s.names))
	}
	return ""
}

func (s settingSpec) describe() string {
	var parts []string
	for _, k := range s.kinds {
		switch k {
		case ConstNumber:
			if s.doc == "int" {
				parts = append(parts, "an integer")
			} else {
				parts = append(parts, "a number")
			}
		case ConstString:
			parts = append(parts, "a string")
		case ConstName:
			parts = append(parts, "a name")
		case ConstCall:
			parts = append(parts, "a call such as f(k=v)")
		case ConstList:
			parts = append(parts, "a list")
		}
	}
	return strings.Join(parts, " or ")
}

// literal evaluates a setting's literal value.
func (c *checker) literal(e lang.Expr) (*Const, *source.Error) {
	pos := c.pos(e.Position())
	switch e := e.(type) {
	case *lang.Number:
		f, err := strconv.ParseFloat(e.Text, 64)
		if err != nil {
			return nil, source.Errorf(pos, "number %s is out of range", e.Text)
		}
		return &Const{Pos: pos, Kind: ConstNumber, Num: f, IsInt: e.IsInt, Text: e.Text}, nil
	case *lang.Unary:
		x, err := c.literal(e.X)
		if err != nil {
			return nil, err
		}
		if x.Kind != ConstNumber {
			return nil, source.Errorf(pos, "only a number can be negated here")
		}
		x.Num, x.Text, x.Pos = -x.Num, "-"+x.Text, pos
		return x, nil
	case *lang.String:
		return &Const{Pos: pos, Kind: ConstString, Text: e.Value}, nil
	case *lang.Ident:
		return &Const{Pos: pos, Kind: ConstName, Text: e.Name}, nil
	case *lang.List:
		l := &Const{Pos: pos, Kind: ConstList}
		for _, el := range e.Elems {
			v, err := c.literal(el)
			if err != nil {
				return nil, err
			}
			l.Elems = append(l.Elems, v)
		}
		return l, nil
	case *lang.Call:
		call := &Const{Pos: pos, Kind: ConstCall, Text: e.Func.Name}
		for _, a := range e.Args {
			v, err := c.literal(a.Value)
			if err != nil {
				return nil, err
			}
			arg := &Arg{Value: v}
			if a.Name != nil {
				arg.Name = a.Name.Name
			}
			call.Args = append(call.Args, arg)
		}
		return call, nil
	}
	return nil, source.Errorf(pos, "a setting must be a literal value (a number, string, name, list or call), not an expression")
}
