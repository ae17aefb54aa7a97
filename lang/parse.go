package lang

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/kiln-nn/kiln/lang/internal/grammar"
	"github.com/kiln-nn/kiln/source"
)

// Grammar returns the grammar as the parser sees it, in participle's EBNF
// notation. lang/grammar.ebnf holds the same text; SPEC.md explains it.
func Grammar() string { return grammar.Parser.String() }

// maxNesting bounds the depth of the expression trees of a line (see
// checkNesting). Real models stay far below it.
const maxNesting = 100

// Parse parses a .kiln file. On failure the error is a *source.List holding
// every syntax error of the file (up to source.MaxErrors), sorted by
// position, each as file:line:col: message with a column that counts runes
// (SPEC.md lists the messages). Parse never panics, whatever src holds, and
// is safe to call from many goroutines at once.
func Parse(filename string, src []byte) (*File, error) {
	f, p := parse(filename, src)
	if p.errs.Len() > 0 {
		return nil, &p.errs
	}
	return f, nil
}

// parse does the work of Parse, and returns its state for tests to inspect.
func parse(filename string, src []byte) (*File, *parser) {
	p := &parser{filename: filename}
	if e := checkEncoding(filename, src); e != nil {
		p.errs.AddError(e)
		return nil, p
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	text := string(src)
	p.eof = p.endOfFile(text)
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n" // every line ends with an EOL token
	}
	p.text = text
	p.lex(text)
	p.splitLines()

	var f *File
	if p.errs.Len() == 0 {
		pl, err := lexer.Upgrade(&tokenStream{toks: p.toks})
		if err == nil {
			var tree *grammar.File
			if tree, err = grammar.Parser.ParseFromLexer(pl); err == nil {
				f = p.file(tree)
			}
		}
		if err != nil {
			p.diagnose()
			if p.errs.Len() == 0 {
				// The line-by-line check found nothing the grammar rejects:
				// report the grammar's own error rather than none.
				p.fellBack = true
				p.errs.AddError(p.fallback(err))
			}
		}
	} else {
		p.diagnose()
	}
	p.errs.Sort()
	return f, p
}

// checkEncoding reports the first byte that is not valid UTF-8, or the
// first NUL, before any of the file reaches the lexer.
func checkEncoding(filename string, src []byte) *source.Error {
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return source.Errorf(source.Pos{File: filename, Line: line, Col: col}, "invalid UTF-8 encoding")
		case r == 0:
			return source.Errorf(source.Pos{File: filename, Line: line, Col: col}, "invalid NUL character")
		case r == '\n':
			line, col = line+1, 1
		default:
			col++
		}
		i += size
	}
	return nil
}

// parser holds the state of one Parse.
type parser struct {
	filename string
	text     string          // the source, BOM removed, ending with a newline
	toks     []lexer.Token   // every token of the file, ending with EOF
	lines    []*srcLine      // lines[i] is line i+1
	pending  []*source.Error // lexical errors, until splitLines files them by line
	errs     source.List
	eof      source.Pos // where the file ends, for errors about its end
	fellBack bool       // the errors are not diagnose's (a bug if ever true)
}

// srcLine is one line's tokens.
type srcLine struct {
	toks    []lexer.Token // the code: no comment, no end of line
	comment *lexer.Token
	eol     lexer.Token
	err     *source.Error // the line's lexical or nesting error
}

// end returns the position just after the line's code, where an error
// about a missing token at the end of the line points.
func (l *srcLine) end() lexer.Position {
	if n := len(l.toks); n > 0 {
		t := l.toks[n-1]
		pos := t.Pos
		pos.Advance(t.Value)
		return pos
	}
	if l.comment != nil {
		return l.comment.Pos
	}
	return l.eol.Pos
}

// Token types of the lexer.
var (
	symbols     = grammar.Lexer.Symbols()
	tokComment  = symbols[grammar.TokComment]
	tokEOL      = symbols[grammar.TokEOL]
	tokKeyword  = symbols[grammar.TokKeyword]
	tokIdent    = symbols[grammar.TokIdent]
	tokString   = symbols[grammar.TokString]
	tokPunct    = symbols[grammar.TokPunct]
	errNoTokens = errors.New("no tokens")
)

// tokenStream feeds already lexed tokens to participle. Its last token is
// EOF, which it repeats.
type tokenStream struct {
	toks []lexer.Token
	i    int
}

func (s *tokenStream) Next() (lexer.Token, error) {
	if len(s.toks) == 0 {
		return lexer.Token{}, errNoTokens
	}
	t := s.toks[s.i]
	if s.i < len(s.toks)-1 {
		s.i++
	}
	return t, nil
}

func (p *parser) pos(lp lexer.Position) source.Pos {
	return source.Pos{File: p.filename, Line: lp.Line, Col: lp.Column}
}

// endOfFile is the position after the last character of text.
func (p *parser) endOfFile(text string) source.Pos {
	pos := lexer.Position{Line: 1, Column: 1}
	pos.Advance(text)
	return p.pos(pos)
}

// lex tokenizes text, line by line, into p.toks. A character that no
// token starts with is reported (once a line) and skipped, so that the rest
// of the line still yields tokens for the structural checks of diagnose;
// an unterminated string, or a second bad character, ends the line's tokens.
func (p *parser) lex(text string) {
	pos := lexer.Position{Line: 1, Column: 1}
	for pos.Offset < len(text) {
		end := len(text)
		if i := strings.IndexByte(text[pos.Offset:], '\n'); i >= 0 {
			end = pos.Offset + i + 1
		}
		p.lexLine(text[pos.Offset:end], pos)
		pos = lexer.Position{Offset: end, Line: pos.Line + 1, Column: 1}
	}
	p.toks = append(p.toks, lexer.EOFToken(pos))
}

// lexLine tokenizes one line, which starts at base.
func (p *parser) lexLine(line string, base lexer.Position) {
	start := base.Offset // of line
	bad := 0             // bad characters seen on the line
	for {
		rest := line[base.Offset-start:]
		if rest == "" {
			return
		}
		l, err := grammar.Lexer.LexString("", rest)
		if err != nil { // LexString does not fail
			p.lineError(base, err.Error())
			return
		}
		for {
			t, err := l.Next()
			if err == nil {
				if t.EOF() {
					return
				}
				t.Pos = base.Add(t.Pos)
				p.toks = append(p.toks, t)
				continue
			}
			at := base
			var lerr *lexer.Error
			if errors.As(err, &lerr) {
				at = base.Add(lerr.Pos)
			}
			i := at.Offset - start // in line
			if i < 0 || i >= len(line) {
				return
			}
			r, size := utf8.DecodeRuneInString(line[i:])
			skip := size
			bad++
			if r == '"' || bad > 1 {
				// Give up on the rest of the line, up to its end.
				skip = len(strings.TrimRight(line[i:], "\r\n"))
				if skip == 0 {
					skip = size
				}
			}
			switch {
			case bad > 1:
			case r == '"':
				p.lineError(at, "unterminated string")
			default:
				p.lineError(at, "unexpected character "+strconv.Quote(string(r)))
			}
			base = at
			base.Advance(line[i : i+skip])
			break
		}
	}
}

// lineError records a lexical error; splitLines files it with its line.
func (p *parser) lineError(at lexer.Position, msg string) {
	p.pending = append(p.pending, source.Errorf(p.pos(at), "%s", msg))
}

// splitLines groups p.toks into lines and checks each line's nesting depth.
func (p *parser) splitLines() {
	cur := &srcLine{}
	for _, t := range p.toks {
		switch t.Type {
		case lexer.EOF:
			continue
		case tokEOL:
			cur.eol = t
			p.lines = append(p.lines, cur)
			cur = &srcLine{}
		case tokComment:
			tc := t
			cur.comment = &tc
		default:
			cur.toks = append(cur.toks, t)
		}
	}
	for _, e := range p.pending {
		if i := e.Pos.Line - 1; i >= 0 && i < len(p.lines) && p.lines[i].err == nil {
			p.lines[i].err = e
		}
	}
	p.pending = nil
	for _, l := range p.lines {
		if l.err == nil {
			l.err = p.checkNesting(l)
		}
		if l.err != nil {
			p.errs.AddError(l.err)
		}
	}
}

// checkNesting reports a line whose expression trees could be more than
// maxNesting deep: each open bracket, each unary minus on the way to its
// operand, and each binary operator of a chain (a + b + c is two deep)
// counts one level. Trees are bounded so that the parser and everything
// that walks the AST recursively stay well within the stack, whatever the
// input.
func (p *parser) checkNesting(l *srcLine) *source.Error {
	type level struct{ unary, binary int }
	stack := []level{{}}
	depth := 0       // len(stack)-1, plus the unary and binary counts of every level
	operand := false // the previous token ends an operand
	for _, t := range l.toks {
		top := &stack[len(stack)-1]
		switch {
		case t.Type != tokPunct:
			operand = true
		case t.Value == "(" || t.Value == "[":
			stack = append(stack, level{})
			depth++
			operand = false
		case t.Value == ")" || t.Value == "]":
			depth -= top.unary + top.binary
			*top = level{}
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
				depth--
			}
			operand = true
		case t.Value == "-" && !operand:
			top.unary++
			depth++
		case t.Value == "+" || t.Value == "-" || t.Value == "*":
			depth -= top.unary
			top.unary = 0
			top.binary++
			depth++
			operand = false
		default: // a separator: a new expression starts
			depth -= top.unary + top.binary
			*top = level{}
			operand = false
		}
		if depth > maxNesting {
			return source.Errorf(p.pos(t.Pos), "expression nested too deeply (more than %d levels)", maxNesting)
		}
	}
	return nil
}

// fallback turns an error of the whole-file parse into a positioned error.
func (p *parser) fallback(err error) *source.Error {
	type positioned interface{ Position() lexer.Position }
	var pe positioned
	if errors.As(err, &pe) && pe.Position().Line > 0 {
		return source.Errorf(p.pos(pe.Position()), "syntax error")
	}
	return source.Errorf(p.eof, "syntax error")
}

// The rest of this file turns the parse tree into the AST, checking what
// the grammar leaves loose: numbers, string escapes, shape dimensions.

var (
	intRE   = regexp.MustCompile(`^[0-9]+$`)
	floatRE = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$`)
)

func (p *parser) file(g *grammar.File) *File {
	f := &File{Filename: p.filename}
	for _, b := range g.Leading {
		f.Leading = append(f.Leading, p.blank(b.Pos, b.Comment))
	}
	f.Model = p.model(g.Model)
	for _, b := range g.Trailing {
		f.Trailing = append(f.Trailing, p.blank(b.Pos, b.Comment))
	}
	return f
}

func (p *parser) blank(pos lexer.Position, comment string) *Line {
	l := &Line{Pos: p.pos(pos), Comment: trimComment(comment)}
	if l.Comment == "" {
		l.Pos.Col = 1
	}
	return l
}

func trimComment(c string) string { return strings.TrimRight(c, " \t\r") }

func (p *parser) model(g *grammar.Model) *Model {
	m := &Model{
		Pos:        p.pos(g.Pos),
		Name:       p.ident(g.Name),
		Comment:    trimComment(g.Comment),
		End:        p.pos(g.Close.Pos),
		EndComment: trimComment(g.EndComment),
	}
	for _, gl := range g.Body {
		m.Body = append(m.Body, p.line(gl))
	}
	return m
}

func (p *parser) line(g *grammar.Line) *Line {
	if g.Stmt == nil {
		return p.blank(g.Pos, g.Comment)
	}
	l := &Line{Pos: p.pos(g.Pos), Stmt: p.statement(g.Stmt), Comment: trimComment(g.Comment)}
	if b, ok := l.Stmt.(*Block); ok {
		// The comment after a block's closing brace is the block's.
		b.EndComment, l.Comment = l.Comment, ""
	}
	return l
}

func (p *parser) statement(g *grammar.Statement) Stmt {
	switch {
	case g.Input != nil:
		return &Input{Pos: p.pos(g.Input.Pos), Name: p.ident(g.Input.Name), Type: p.typ(g.Input.Type)}
	case g.Output != nil:
		o := g.Output
		if o.Value == nil {
			return &OutputRef{Pos: p.pos(o.Pos), Name: p.ident(o.Name)}
		}
		return &Binding{Pos: p.pos(o.Pos), Output: true, Name: p.ident(o.Name), Value: p.expr(o.Value)}
	case g.Block != nil:
		return p.block(g.Block)
	case g.Binding != nil:
		b := g.Binding
		return &Binding{Pos: p.pos(b.Pos), Name: p.ident(b.Name), Value: p.expr(b.Value)}
	}
	return nil
}

func (p *parser) block(g *grammar.Block) *Block {
	b := &Block{
		Pos:     p.pos(g.Pos),
		Kind:    g.Kind.Value,
		Comment: trimComment(g.Comment),
		End:     p.pos(g.Close.Pos),
	}
	for _, sl := range g.Body {
		if sl.Setting == nil {
			b.Body = append(b.Body, p.blank(sl.Pos, sl.Comment))
			continue
		}
		b.Body = append(b.Body, &Line{Pos: p.pos(sl.Pos), Stmt: p.setting(sl.Setting), Comment: trimComment(sl.Comment)})
	}
	return b
}

func (p *parser) setting(g *grammar.Setting) *Setting {
	return &Setting{Pos: p.pos(g.Pos), Name: p.ident(g.Name), Value: p.expr(g.Value)}
}

func (p *parser) ident(t lexer.Token) *Ident {
	return &Ident{Pos: p.pos(t.Pos), Name: t.Value}
}

func (p *parser) typ(g *grammar.Type) *Type {
	t := &Type{Pos: p.pos(g.Pos), DType: p.ident(g.DType)}
	for _, d := range g.Dims {
		n := p.number(d.Number)
		if n.IsInt || !floatRE.MatchString(n.Text) {
			t.Dims = append(t.Dims, n)
			continue
		}
		p.errs.Add(n.Pos, "shape dimensions must be integers, found %q", n.Text)
	}
	return t
}

func (p *parser) number(t lexer.Token) *Number {
	n := &Number{Pos: p.pos(t.Pos), Text: t.Value, IsInt: intRE.MatchString(t.Value)}
	if !n.IsInt && !floatRE.MatchString(t.Value) {
		p.errs.Add(n.Pos, "malformed number %q", t.Value)
	}
	return n
}

func (p *parser) str(t lexer.Token) *String {
	s := &String{Pos: p.pos(t.Pos)}
	v, err := strconv.Unquote(t.Value)
	if err == nil {
		s.Value = v
		return s
	}
	// Point at the escape sequence that failed.
	pos := t.Pos
	pos.Advance(`"`)
	body := t.Value[1 : len(t.Value)-1]
	for body != "" {
		_, _, tail, err := strconv.UnquoteChar(body, '"')
		if err != nil {
			_, size := utf8.DecodeRuneInString(body[1:])
			esc := body[:1+size] // the backslash and the character after it
			p.errs.Add(p.pos(pos), "invalid escape sequence %s in string", esc)
			return s
		}
		pos.Advance(body[:len(body)-len(tail)])
		body = tail
	}
	p.errs.Add(s.Pos, "malformed string %s", t.Value)
	return s
}

func (p *parser) expr(g *grammar.Expr) Expr {
	x := p.term(g.Left)
	for _, r := range g.Rest {
		x = &Binary{OpPos: p.pos(r.Op.Pos), Op: r.Op.Value, X: x, Y: p.term(r.Term)}
	}
	return x
}

func (p *parser) term(g *grammar.Term) Expr {
	x := p.unary(g.Left)
	for _, r := range g.Rest {
		x = &Binary{OpPos: p.pos(r.Op.Pos), Op: r.Op.Value, X: x, Y: p.unary(r.Unary)}
	}
	return x
}

func (p *parser) unary(g *grammar.Unary) Expr {
	if g.Minus != nil {
		return &Unary{Pos: p.pos(g.Minus.Pos), Op: "-", X: p.unary(g.Operand)}
	}
	return p.primary(g.Primary)
}

func (p *parser) primary(g *grammar.Primary) Expr {
	switch {
	case g.Name != nil:
		if g.Name.Args == nil {
			return p.ident(g.Name.Name)
		}
		c := &Call{Func: p.ident(g.Name.Name), Rparen: p.pos(g.Name.Args.Rparen.Pos)}
		for _, a := range g.Name.Args.Args {
			c.Args = append(c.Args, p.arg(a))
		}
		return c
	case g.Number != nil:
		return p.number(*g.Number)
	case g.String != nil:
		return p.str(*g.String)
	case g.List != nil:
		l := &List{Pos: p.pos(g.List.Pos)}
		for _, e := range g.List.Elems {
			l.Elems = append(l.Elems, p.expr(e))
		}
		return l
	case g.Paren != nil:
		return p.expr(g.Paren)
	}
	return nil
}

func (p *parser) arg(g *grammar.Arg) *Arg {
	x := p.expr(g.X)
	if g.Value == nil {
		return &Arg{Value: x}
	}
	name, ok := x.(*Ident)
	if !ok || !bareName(g.X) {
		pos := x.Position()
		if len(g.Tokens) > 0 {
			pos = p.pos(g.Tokens[0].Pos)
		}
		p.errs.Add(pos, "keyword argument name must be an identifier, found %q", p.keywordText(g))
		name = &Ident{Pos: x.Position()}
	}
	return &Arg{Name: name, Value: p.expr(g.Value)}
}

// keywordText returns the source text before the "=" of a keyword argument.
func (p *parser) keywordText(g *grammar.Arg) string {
	depth := 0
	for i, t := range g.Tokens {
		if t.Type != tokPunct {
			continue
		}
		switch t.Value {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		case "=":
			if depth == 0 && i > 0 {
				first := g.Tokens[0].Pos.Offset
				if first >= 0 && first <= t.Pos.Offset && t.Pos.Offset <= len(p.text) {
					return truncate(strings.TrimSpace(p.text[first:t.Pos.Offset]))
				}
			}
		}
	}
	return ""
}

// bareName reports whether g is a name alone, without parentheses.
func bareName(g *grammar.Expr) bool {
	if len(g.Rest) > 0 || len(g.Left.Rest) > 0 {
		return false
	}
	u := g.Left.Left
	return u.Primary != nil && u.Primary.Name != nil && u.Primary.Name.Args == nil
}
