package ir

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// Parse reads a graph from its text form (see print.go) and verifies it.
// Errors carry the file name given and the line and column of the problem;
// all problems of the file are reported, up to source.MaxErrors.
func Parse(filename string, src []byte) (*Graph, error) {
	p := &parser{file: filename, byName: map[string]*Value{}, failed: map[string]bool{}}
	if !utf8.Valid(src) {
		line, col := 1, 1
		for i := 0; i < len(src); {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i += n
		}
		p.errs.Add(source.Pos{File: filename, Line: line, Col: col}, "invalid UTF-8 encoding")
		return nil, p.errs.Err()
	}
	lines := strings.Split(string(src), "\n")
	for i, line := range lines {
		p.line(i+1, strings.TrimSuffix(line, "\r"))
		if p.errs.Dropped > 0 {
			break
		}
	}
	if p.g == nil && p.errs.Len() == 0 {
		p.errs.Add(source.Pos{File: filename, Line: 1, Col: 1}, "empty IR: expected \"model NAME\"")
	}
	if p.errs.Len() > 0 {
		return nil, p.errs.Err()
	}
	if err := Verify(p.g); err != nil {
		return nil, err
	}
	return p.g, nil
}

type parser struct {
	file   string
	failed map[string]bool // values whose definition had an error
	g      *Graph
	byName map[string]*Value
	errs   source.List

	// the current line
	lineNo int
	toks   []token
	i      int
	pos    source.Pos // of the value the line defines, from its comment
}

type tokKind uint8

const (
	tWord   tokKind = iota + 1 // identifiers, numbers, nan/inf
	tValue                     // %name
	tString                    // "..."
	tPunct                     // = , : { } [ ] ( )
)

type token struct {
	kind tokKind
	text string // unquoted for tValue and tString
	col  int
}

// bail is panicked (and recovered in line) to abandon a line after its
// first error: one error a line. A line that uses a value whose own line
// failed is dropped without a message, so errors never cascade.
type bail struct{}

func (p *parser) errorf(col int, format string, args ...any) {
	p.errs.Add(source.Pos{File: p.file, Line: p.lineNo, Col: col}, format, args...)
	panic(bail{})
}

func (p *parser) line(n int, text string) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bail); !ok {
				panic(r)
			}
			if name, ok := p.defines(); ok {
				p.failed[name] = true
			}
		}
	}()
	p.lineNo = n
	code, comment, commentCol := p.split(text)
	p.toks, p.i = p.toks[:0], 0
	p.lex(code)
	if len(p.toks) == 0 {
		return
	}
	p.pos = p.commentPos(comment, commentCol)
	first := p.toks[0]
	if p.g == nil {
		if first.kind != tWord || first.text != "model" {
			p.errorf(first.col, "expected \"model NAME\" before %s", describe(first))
		}
		p.i++
		name := p.expect(tWord, "a model name")
		p.end()
		p.g = NewGraph(name.text)
		return
	}
	switch {
	case first.kind == tWord && first.text == "model":
		p.errorf(first.col, "a second \"model\" line")
	case first.kind == tWord && first.text == "output":
		p.i++
		v := p.ref()
		p.end()
		p.g.Outputs = append(p.g.Outputs, v)
	case first.kind == tWord && (first.text == "input" || first.text == "param" || first.text == "const"):
		p.i++
		p.sourceValue(first.text)
	case first.kind == tValue:
		p.computed()
	default:
		p.errorf(first.col, "expected a value definition, got %s", describe(first))
	}
}

// defines returns the name of the value the current line defines.
func (p *parser) defines() (string, bool) {
	t := p.toks
	switch {
	case len(t) >= 2 && t[0].kind == tValue && t[1].kind == tPunct && t[1].text == "=":
		return t[0].text, true
	case len(t) >= 2 && t[0].kind == tWord && (t[0].text == "input" || t[0].text == "param" || t[0].text == "const") && t[1].kind == tValue:
		return t[1].text, true
	}
	return "", false
}

// split separates the code from a trailing // comment (outside strings)
// and returns the comment's column.
func (p *parser) split(text string) (code, comment string, col int) {
	inString := false
	for i := 0; i < len(text); i++ {
		switch ch := text[i]; {
		case inString && ch == '\\':
			i++ // skip the escaped character
		case ch == '"':
			inString = !inString
		case !inString && strings.HasPrefix(text[i:], "//"):
			return text[:i], text[i+2:], utf8.RuneCountInString(text[:i]) + 1
		}
	}
	return text, "", 0
}

// posRe matches the source position that ends a line's comment: an
// optional file part (quoted when it has spaces or quotes), a line and a
// column.
var posRe = regexp.MustCompile(`(?:^|\s)(?:("(?:[^"\\]|\\.)*"|[^\s"]+):)?(\d+):(\d+)$`)

// commentPos reads the source position at the end of a line's comment.
func (p *parser) commentPos(comment string, col int) source.Pos {
	m := posRe.FindStringSubmatch(strings.TrimRight(comment, " \t"))
	if m == nil {
		return source.Pos{}
	}
	file := m[1]
	if strings.HasPrefix(file, "\"") {
		var err error
		if file, err = strconv.Unquote(file); err != nil {
			p.errorf(col, "bad file name %s in source position", m[1])
		}
	}
	line, err1 := strconv.Atoi(m[2])
	c, err2 := strconv.Atoi(m[3])
	if err1 != nil || err2 != nil || line < 1 || c < 1 {
		p.errorf(col, "bad source position %q", m[0])
	}
	return source.Pos{File: file, Line: line, Col: c}
}

// lex appends the line's tokens to p.toks (so that the name a line
// defines is known even when a later character is bad).
func (p *parser) lex(code string) {
	col := 1
	for i := 0; i < len(code); {
		r, size := utf8.DecodeRuneInString(code[i:])
		switch {
		case r == ' ' || r == '\t':
			i += size
			col++
		case strings.ContainsRune("=,:{}[]()", r):
			p.toks = append(p.toks, token{tPunct, string(r), col})
			i++
			col++
		case r == '"':
			s, err := strconv.QuotedPrefix(code[i:])
			if err != nil {
				p.errorf(col, "unterminated string")
			}
			u, _ := strconv.Unquote(s)
			p.toks = append(p.toks, token{tString, u, col})
			i += len(s)
			col += utf8.RuneCountInString(s)
		case r == '%':
			start := col
			i++
			col++
			if i < len(code) && code[i] == '"' {
				s, err := strconv.QuotedPrefix(code[i:])
				if err != nil {
					p.errorf(col, "unterminated quoted value name")
				}
				u, _ := strconv.Unquote(s)
				p.toks = append(p.toks, token{tValue, u, start})
				i += len(s)
				col += utf8.RuneCountInString(s)
				continue
			}
			j := i
			for j < len(code) && isNameRune(rune(code[j])) {
				j++
			}
			if j == i {
				p.errorf(start, "expected a value name after %%")
			}
			p.toks = append(p.toks, token{tValue, code[i:j], start})
			col += j - i
			i = j
		case isNameRune(r) || r == '-' || r == '+':
			j := i
			for j < len(code) && (isNameRune(rune(code[j])) || code[j] == '-' || code[j] == '+') {
				j++
			}
			p.toks = append(p.toks, token{tWord, code[i:j], col})
			col += j - i
			i = j
		default:
			p.errorf(col, "unexpected character %q", r)
		}
	}
}

func describe(t token) string {
	switch t.kind {
	case tValue:
		return valueRef(t.text)
	case tString:
		return strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}

func (p *parser) peek() (token, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return token{}, false
}

// endCol is the column just past the line's last token, for errors at the
// end of a line.
func (p *parser) endCol() int {
	if len(p.toks) == 0 {
		return 1
	}
	t := p.toks[len(p.toks)-1]
	return t.col + utf8.RuneCountInString(t.text)
}

func (p *parser) next(what string) token {
	t, ok := p.peek()
	if !ok {
		p.errorf(p.endCol(), "expected %s, found end of line", what)
	}
	p.i++
	return t
}

func (p *parser) expect(kind tokKind, what string) token {
	t := p.next(what)
	if t.kind != kind {
		p.errorf(t.col, "expected %s, got %s", what, describe(t))
	}
	return t
}

func (p *parser) punct(s string) token {
	t := p.next(strconv.Quote(s))
	if t.kind != tPunct || t.text != s {
		p.errorf(t.col, "expected %q, got %s", s, describe(t))
	}
	return t
}

// listSep reads the comma between list elements.
func (p *parser) listSep() {
	t, ok := p.peek()
	if !ok {
		p.errorf(p.endCol(), "expected \",\" or \"]\", found end of line")
	}
	if t.kind != tPunct || t.text != "," {
		p.errorf(t.col, "expected \",\" or \"]\", got %s", describe(t))
	}
	p.i++
}

func (p *parser) isPunct(s string) bool {
	t, ok := p.peek()
	return ok && t.kind == tPunct && t.text == s
}

func (p *parser) end() {
	if t, ok := p.peek(); ok {
		p.errorf(t.col, "unexpected %s at end of line", describe(t))
	}
}

// ref reads a reference to an already defined value.
func (p *parser) ref() *Value {
	t := p.expect(tValue, "a value (%name)")
	v := p.byName[t.text]
	if v == nil && p.failed[t.text] {
		panic(bail{})
	}
	if v == nil {
		p.errorf(t.col, "%s is not defined", valueRef(t.text))
	}
	return v
}

// define reads the name of a new value.
func (p *parser) define() token {
	t := p.expect(tValue, "a value name (%name)")
	if p.byName[t.text] != nil {
		p.errorf(t.col, "%s is already defined", valueRef(t.text))
	}
	return t
}

// add verifies a value read from the current line and appends it.
func (p *parser) add(v *Value, col int) {
	defined := make(map[*Value]bool, len(v.Args))
	for _, a := range v.Args {
		defined[a] = true
	}
	if problems := checkValue(v, defined); len(problems) > 0 {
		p.errorf(col, "%s: %s", valueRef(v.Name), problems[0])
	}
	p.g.Values = append(p.g.Values, v)
	p.byName[v.Name] = v
}

// sourceValue parses the rest of an input, param or const line.
func (p *parser) sourceValue(kind string) {
	name := p.define()
	p.punct(":")
	typ := p.typ()
	v := &Value{Name: name.text, Op: LookupOp(kind), Type: typ, Pos: p.pos}
	if kind == "input" && !typ.Batched {
		p.errorf(name.col, "input %s must be batched (its shape starts with N)", valueRef(name.text))
	}
	if kind != "input" && typ.Batched {
		p.errorf(name.col, "%s %s cannot be batched", kind, valueRef(name.text))
	}
	v.Quant = p.quant()
	if kind != "input" && p.isPunct("=") {
		p.next("=")
		if t, ok := p.peek(); ok && t.kind == tWord && t.text == "data" {
			s := p.summary()
			v.Summary = &s
		} else {
			v.Data = p.data(typ)
		}
	} else if kind == "const" {
		p.errorf(p.endCol(), "const %s needs its data: = [...]", valueRef(name.text))
	}
	p.end()
	p.add(v, name.col)
}

// computed parses `%name = op %a, %b {attrs} : type [quant]`.
func (p *parser) computed() {
	name := p.define()
	p.punct("=")
	opTok := p.expect(tWord, "an op name")
	op := LookupOp(opTok.text)
	if op == nil || op.Kind != Compute {
		p.errorf(opTok.col, "unknown op %q", opTok.text)
	}
	var args []*Value
	if t, ok := p.peek(); ok && t.kind == tValue {
		args = append(args, p.ref())
		for p.isPunct(",") {
			p.next(",")
			args = append(args, p.ref())
		}
	}
	attrs := Attrs{}
	if p.isPunct("{") {
		p.attrs(op, attrs)
	}
	p.punct(":")
	typ := p.typ()
	v := &Value{Name: name.text, Op: op, Args: args, Attrs: attrs, Type: typ, Pos: p.pos}
	v.Quant = p.quant()
	p.end()
	if err := checkOperands(v); err != nil {
		p.errorf(opTok.col, "%v", err)
	}
	FillDefaults(op.Attrs, attrs, argTypes(args))
	p.add(v, name.col)
}

func (p *parser) attrs(op *Op, attrs Attrs) {
	p.punct("{")
	for {
		key := p.expect(tWord, "an attribute name")
		spec := op.Attr(key.text)
		if spec == nil {
			p.errorf(key.col, "%s has no attribute %q", op.Name, key.text)
		}
		if attrs.Has(key.text) {
			p.errorf(key.col, "attribute %s given twice", key.text)
		}
		p.punct("=")
		attrs[key.text] = p.attrValue(spec)
		if p.isPunct("}") {
			p.next("}")
			return
		}
		p.punct(",")
	}
}

func (p *parser) attrValue(spec *AttrSpec) any {
	switch spec.Kind {
	case AttrInts:
		p.punct("[")
		l := []int{}
		for !p.isPunct("]") {
			if len(l) > 0 {
				p.listSep()
			}
			l = append(l, p.int("an integer"))
		}
		p.next("]")
		return l
	case AttrInt:
		return p.int("an integer")
	case AttrFloat:
		t := p.expect(tWord, "a number")
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			p.errorf(t.col, "bad number %q", t.text)
		}
		return f
	case AttrString:
		return p.expect(tString, "a string").text
	case AttrBool:
		t := p.expect(tWord, "true or false")
		b, err := strconv.ParseBool(t.text)
		if err != nil || (t.text != "true" && t.text != "false") {
			p.errorf(t.col, "expected true or false, got %q", t.text)
		}
		return b
	}
	panic("unreachable")
}

func (p *parser) int(what string) int {
	t := p.expect(tWord, what)
	n, err := strconv.ParseInt(t.text, 10, 32)
	if err != nil {
		p.errorf(t.col, "expected %s, got %q", what, t.text)
	}
	return int(n)
}

// typ parses f32[N,6,28,28].
func (p *parser) typ() Type {
	t := p.expect(tWord, "a type such as f32[N,10]")
	dt := tensor.ParseDType(t.text)
	if dt == tensor.Invalid {
		p.errorf(t.col, "unknown dtype %q (want f32, i32, i8 or u8)", t.text)
	}
	typ := Type{DType: dt, Dims: []int{}}
	p.punct("[")
	for !p.isPunct("]") {
		if len(typ.Dims) > 0 || typ.Batched {
			p.listSep()
		}
		if d, ok := p.peek(); ok && d.kind == tWord && d.text == "N" && !typ.Batched && len(typ.Dims) == 0 {
			p.next("N")
			typ.Batched = true
			continue
		}
		d := p.int("a dimension")
		if d < 0 {
			p.errorf(p.toks[p.i-1].col, "negative dimension %d", d)
		}
		typ.Dims = append(typ.Dims, d)
	}
	p.next("]")
	if typ.Elems() < 0 {
		p.errorf(t.col, "shape %v is too large", typ)
	}
	return typ
}

// quant parses an optional q(scale, zero) or q([scales], zero|[zeros], axis=A).
func (p *parser) quant() *QuantParams {
	t, ok := p.peek()
	if !ok || t.kind != tWord || t.text != "q" {
		return nil
	}
	p.next("q")
	p.punct("(")
	q := &QuantParams{}
	if p.isPunct("[") {
		q.Scale = p.floatList()
		p.punct(",")
		if p.isPunct("[") {
			p.next("[")
			for !p.isPunct("]") {
				if len(q.Zero) > 0 {
					p.listSep()
				}
				q.Zero = append(q.Zero, int32(p.int("a zero point")))
			}
			p.next("]")
		} else {
			q.Zero = []int32{int32(p.int("a zero point"))}
		}
		p.punct(",")
		if k := p.expect(tWord, "axis="); k.text != "axis" {
			p.errorf(k.col, "expected axis=, got %q", k.text)
		}
		p.punct("=")
		q.Axis = p.int("an axis")
	} else {
		q.Scale = []float32{p.float32()}
		p.punct(",")
		q.Zero = []int32{int32(p.int("a zero point"))}
	}
	p.punct(")")
	return q
}

func (p *parser) float32() float32 {
	t := p.expect(tWord, "a number")
	f, err := strconv.ParseFloat(t.text, 32)
	if err != nil && !isRangeErr(err) {
		p.errorf(t.col, "bad number %q", t.text)
	}
	return float32(f)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func (p *parser) floatList() []float32 {
	p.punct("[")
	var l []float32
	for !p.isPunct("]") {
		if len(l) > 0 {
			p.listSep()
		}
		l = append(l, p.float32())
	}
	p.next("]")
	return l
}

// summary parses data(sha256=HEX, min=X, max=Y).
func (p *parser) summary() DataSummary {
	p.next("data")
	p.punct("(")
	var s DataSummary
	for i, key := range []string{"sha256", "min", "max"} {
		if i > 0 {
			p.punct(",")
		}
		k := p.expect(tWord, key+"=")
		if k.text != key {
			p.errorf(k.col, "expected %s=, got %q", key, k.text)
		}
		p.punct("=")
		t := p.expect(tWord, "a value")
		switch key {
		case "sha256":
			if len(t.text) != 16 || strings.Trim(t.text, "0123456789abcdef") != "" {
				p.errorf(t.col, "expected 16 lower-case hex digits, got %q", t.text)
			}
			s.Hash = t.text
		default:
			f, err := strconv.ParseFloat(t.text, 32)
			if err != nil && !isRangeErr(err) {
				p.errorf(t.col, "bad number %q", t.text)
			}
			if key == "min" {
				s.Min = float64(float32(f))
			} else {
				s.Max = float64(float32(f))
			}
		}
	}
	p.punct(")")
	return s
}

// data parses a whole tensor: [x, y, ...], row-major.
func (p *parser) data(typ Type) *tensor.Tensor {
	n := typ.Elems()
	open := p.punct("[")
	// Every element takes at least a token, so the line bounds the size
	// before anything is allocated.
	if n > len(p.toks) {
		p.errorf(open.col, "data has fewer elements than %v needs (%d)", typ, n)
	}
	t := tensor.New(typ.DType, typ.Dims...)
	for i := 0; !p.isPunct("]"); i++ {
		if i > 0 {
			p.listSep()
		}
		tok := p.expect(tWord, "a number")
		if i >= n {
			p.errorf(tok.col, "data has more elements than %v holds (%d)", typ, n)
		}
		switch typ.DType {
		case tensor.F32:
			f, err := strconv.ParseFloat(tok.text, 32)
			if err != nil && !isRangeErr(err) {
				p.errorf(tok.col, "bad number %q", tok.text)
			}
			t.F32[i] = float32(f)
		default:
			lo, hi := dtypeRange(typ.DType)
			v, err := strconv.ParseInt(tok.text, 10, 64)
			if err != nil || v < lo || v > hi {
				p.errorf(tok.col, "%q is not a valid %v", tok.text, typ.DType)
			}
			switch typ.DType {
			case tensor.I32:
				t.I32[i] = int32(v)
			case tensor.I8:
				t.I8[i] = int8(v)
			case tensor.U8:
				t.U8[i] = uint8(v)
			}
		}
		if p.isPunct("]") && i+1 != n {
			p.errorf(p.toks[p.i].col, "data has %d elements, %v needs %d", i+1, typ, n)
		}
	}
	p.next("]")
	return t
}

func dtypeRange(dt tensor.DType) (int64, int64) {
	switch dt {
	case tensor.I32:
		return math.MinInt32, math.MaxInt32
	case tensor.I8:
		return math.MinInt8, math.MaxInt8
	case tensor.U8:
		return 0, math.MaxUint8
	}
	return 0, 0
}
