package frontend

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/internal/suggest"
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
	Pos   source.Pos // of the name, or of the value if positional
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
	// choices are the names a ConstName or ConstCall value may take; none:
	// any name.
	choices []choice
	doc     string
	// todo marks a setting that no command reads yet: giving it is an
	// error until one does and the entry is flipped.
	todo bool
}

// choice is one name a setting accepts, alone or as a call.
type choice struct {
	name   string
	params []param // the keyword parameters of its call form
	todo   bool    // no command implements this value yet
}

// param is a keyword parameter of a setting's call: sgd(lr=0.1).
type param struct {
	name string
	spec settingSpec
	// key is the block setting the parameter stands for (optimizer =
	// sgd(lr=0.1) sets lr), if any: a block may not give both.
	key string
}

var (
	numberSpec = settingSpec{kinds: []ConstKind{ConstNumber}}
	intSpec    = settingSpec{kinds: []ConstKind{ConstNumber}, doc: "int"}
	stringSpec = settingSpec{kinds: []ConstKind{ConstString}}
	nameOrCall = []ConstKind{ConstName, ConstCall}
	// scheduleSpec is a pruning schedule: how sparsity reaches its target.
	scheduleSpec = settingSpec{kinds: []ConstKind{ConstName}, choices: choices("oneshot", "cubic", "iterative")}
)

// choices makes choices without parameters.
func choices(names ...string) []choice {
	cs := make([]choice, len(names))
	for i, n := range names {
		cs[i] = choice{name: n}
	}
	return cs
}

// blockSchemas are the keys each block accepts, what their values may be,
// and what is implemented; lang/SPEC.md documents them. cmd/kiln's train
// reads the train block, quantize and build read calibrate and samples,
// and build is what quantize = int8 and target = bytecode describe.
var blockSchemas = map[string]map[string]settingSpec{
	"train": {
		"data": stringSpec,
		"loss": {kinds: nameOrCall, choices: []choice{
			{name: "cross_entropy"}, {name: "bce"}, {name: "mse"},
			{name: "sampled_softmax", params: []param{{name: "negatives", spec: intSpec}}},
			{name: "distill", params: []param{
				{name: "teacher", spec: stringSpec},
				{name: "weights", spec: stringSpec},
				{name: "T", spec: numberSpec},
				{name: "hard", spec: numberSpec},
			}},
		}},
		"optimizer": {kinds: nameOrCall, choices: []choice{
			{name: "sgd", params: []param{
				{name: "lr", spec: numberSpec, key: "lr"},
				{name: "momentum", spec: numberSpec, key: "momentum"},
				{name: "weight_decay", spec: numberSpec, key: "weight_decay"},
			}},
			{name: "adam", params: []param{
				{name: "lr", spec: numberSpec, key: "lr"},
				{name: "weight_decay", spec: numberSpec, key: "weight_decay"},
			}},
		}},
		"lr":           numberSpec,
		"momentum":     numberSpec,
		"epochs":       intSpec,
		"batch":        intSpec,
		"seed":         intSpec,
		"weight_decay": numberSpec,
		"l1":           numberSpec,
		"shift":        intSpec,
		// validation carves a validation part from the training part
		// (a fraction), scored after every epoch by metric; the run keeps
		// its best epoch's weights and stops after patience epochs
		// without improvement; refit = true then trains again on the
		// whole training part for the best epoch's count of epochs; ema
		// averages the trained weights (a decay in (0, 1)).
		"validation":    numberSpec,
		"refit":         {kinds: []ConstKind{ConstName}, choices: choices("true", "false")},
		"validation_by": {kinds: []ConstKind{ConstName}, choices: choices("random", "time")},
		"patience":      intSpec,
		"ema":           numberSpec,
		"metric":        {kinds: []ConstKind{ConstName}, choices: choices("auc", "logloss", "accuracy", "recall", "rmse")},
		"jitter":        numberSpec,
		"amplitude":     numberSpec,
		"rotate":        numberSpec,
		"reverse":       {kinds: []ConstKind{ConstName}, choices: choices("true", "false")},
		"schedule": {kinds: nameOrCall, choices: []choice{
			{name: "constant"},
			{name: "step", params: []param{
				{name: "every", spec: intSpec},
				{name: "gamma", spec: numberSpec},
			}},
			{name: "cosine"},
		}},
	},
	"compile": {
		"quantize":  {kinds: nameOrCall, choices: []choice{{name: "none", todo: true}, {name: "int8"}}},
		"calibrate": stringSpec,
		"samples":   intSpec,
		// prune, share and code describe kiln compress's pipeline; code
		// is also read by kiln build.
		"prune": {kinds: nameOrCall, choices: []choice{
			{name: "none"},
			{name: "sparsity", params: []param{{name: "target", spec: numberSpec}, {name: "schedule", spec: scheduleSpec}, {name: "epochs", spec: intSpec}}},
			{name: "magnitude", params: []param{{name: "quality", spec: numberSpec}, {name: "schedule", spec: scheduleSpec}, {name: "epochs", spec: intSpec}}},
			{name: "structured", params: []param{{name: "keep", spec: numberSpec}}},
		}},
		"share": {kinds: nameOrCall, choices: []choice{
			{name: "none"},
			{name: "kmeans", params: []param{{name: "dense", spec: intSpec}, {name: "conv", spec: intSpec}, {name: "epochs", spec: intSpec}}},
		}},
		"code": {kinds: []ConstKind{ConstName}, choices: choices("none", "huffman")},
		// distill is read by kiln distill: the student's budget (params
		// or macc, a fraction of the teacher's or a count) and training.
		"distill": {kinds: nameOrCall, choices: []choice{
			{name: "none"},
			{name: "student", params: []param{
				{name: "params", spec: numberSpec},
				{name: "macc", spec: numberSpec},
				{name: "latency", spec: numberSpec},
				{name: "T", spec: numberSpec},
				{name: "hard", spec: numberSpec},
				{name: "epochs", spec: intSpec},
			}},
		}},
		"target": {kinds: []ConstKind{ConstName}, choices: []choice{{name: "bytecode"}, {name: "llvm", todo: true}}},
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
	given := map[string]givenAt{} // where each key was set, by itself or by a call's parameter
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
			if hint := suggest.DidYouMean(s.Name.Name, keys); hint != "" {
				c.errorf(s.Name.Pos, "unknown %s setting %s%s", b.Kind, s.Name.Name, hint)
			} else {
				c.errorf(s.Name.Pos, "unknown %s setting %s (known: %s)", b.Kind, s.Name.Name, strings.Join(keys, ", "))
			}
			continue
		}
		if prev, dup := given[s.Name.Name]; dup {
			c.errorf(s.Name.Pos, "setting %s is given twice (first at %s)", s.Name.Name, prev)
			continue
		}
		given[s.Name.Name] = givenAt{pos: s.Name.Pos}
		if spec.todo {
			c.errorf(s.Name.Pos, "%s is not implemented yet", s.Name.Name)
			continue
		}
		v, err := c.literal(s.Value)
		if err != nil {
			c.errs.AddError(err)
			continue
		}
		if !c.checkValue(s.Name.Name, spec, v, given) {
			continue
		}
		set.Items = append(set.Items, &Setting{Name: s.Name.Name, Pos: c.pos(s.Name.Pos), Value: v})
	}
}

// givenAt is where a block's key was set: by its own setting, or by a
// parameter of call.
type givenAt struct {
	pos  source.Pos
	call string
}

func (g givenAt) String() string {
	if g.call != "" {
		return fmt.Sprintf("%d:%d, in %s", g.pos.Line, g.pos.Col, g.call)
	}
	return fmt.Sprintf("%d:%d", g.pos.Line, g.pos.Col)
}

// checkValue checks a setting's value against its spec, and a call's
// arguments against the parameters of its choice, reporting every error.
// given records the keys set so far, for the parameters that stand for
// one.
func (c *checker) checkValue(key string, spec settingSpec, v *Const, given map[string]givenAt) bool {
	if err := spec.check(key, v); err != "" {
		c.errorf(v.Pos, "%s", err)
		return false
	}
	if len(spec.choices) == 0 || (v.Kind != ConstName && v.Kind != ConstCall) {
		return true
	}
	ch := spec.choice(v.Text)
	if ch.todo {
		var done []string
		for _, o := range spec.choices {
			if !o.todo {
				done = append(done, o.name)
			}
		}
		c.errorf(v.Pos, "%s %s is not implemented yet (only %s)", key, v.Text, strings.Join(done, ", "))
		return false
	}
	if v.Kind != ConstCall {
		return true
	}
	var names []string
	for _, p := range ch.params {
		names = append(names, p.name)
	}
	ok := true
	seen := map[string]source.Pos{}
	for _, a := range v.Args {
		if a.Name == "" {
			if len(names) == 0 {
				c.errorf(a.Pos, "%s takes no arguments", v.Text)
			} else {
				c.errorf(a.Pos, "%s takes only keyword arguments (%s)", v.Text, strings.Join(names, ", "))
			}
			ok = false
			continue
		}
		i := slices.Index(names, a.Name)
		if i < 0 {
			switch hint := suggest.DidYouMean(a.Name, names); {
			case len(names) == 0:
				c.errorf(a.Pos, "%s has no parameters, got %s", v.Text, a.Name)
			case hint != "":
				c.errorf(a.Pos, "%s has no parameter %s%s", v.Text, a.Name, hint)
			default:
				c.errorf(a.Pos, "%s has no parameter %s (it has %s)", v.Text, a.Name, strings.Join(names, ", "))
			}
			ok = false
			continue
		}
		if prev, dup := seen[a.Name]; dup {
			c.errorf(a.Pos, "%s: %s is given twice (first at %d:%d)", v.Text, a.Name, prev.Line, prev.Col)
			ok = false
			continue
		}
		seen[a.Name] = a.Pos
		p := ch.params[i]
		if err := p.spec.check(p.name, a.Value); err != "" {
			c.errorf(a.Value.Pos, "%s: %s", v.Text, err)
			ok = false
			continue
		}
		if p.key == "" {
			continue
		}
		if prev, dup := given[p.key]; dup {
			c.errorf(a.Pos, "%s: %s is given twice (first at %s)", v.Text, p.key, prev)
			ok = false
			continue
		}
		given[p.key] = givenAt{pos: a.Pos, call: v.Text}
	}
	return ok
}

// choice returns the choice of the given name; check has made sure there
// is one.
func (s settingSpec) choice(name string) choice {
	for _, ch := range s.choices {
		if ch.name == name {
			return ch
		}
	}
	return choice{}
}

// check checks a value's kind, and its name against the choices; it
// returns the error message, or "".
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
	if (v.Kind == ConstName || v.Kind == ConstCall) && len(s.choices) > 0 {
		names := make([]string, len(s.choices))
		for i, ch := range s.choices {
			if ch.name == v.Text {
				return ""
			}
			names[i] = ch.name
		}
		return fmt.Sprintf("%s must be one of %s, got %s%s", key, strings.Join(names, ", "), v.Text, suggest.DidYouMean(v.Text, names))
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
			arg := &Arg{Value: v, Pos: v.Pos}
			if a.Name != nil {
				arg.Name, arg.Pos = a.Name.Name, c.pos(a.Name.Pos)
			}
			call.Args = append(call.Args, arg)
		}
		return call, nil
	}
	return nil, source.Errorf(pos, "a setting must be a literal value (a number, string, name, list or call), not an expression")
}
