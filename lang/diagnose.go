package lang

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/kiln-nn/kiln/lang/internal/grammar"
	"github.com/kiln-nn/kiln/source"
)

// Error recovery.
//
// When the grammar rejects a file, diagnose walks it again line by line to
// report every error, not only the first. Statements are one a line, so a
// line is the unit of recovery: the structure of the file (the model, its
// blocks and their braces) is followed by a small state machine over the
// lines, each statement line is parsed on its own with the grammar's
// Statement or Setting production, and each line reports at most one
// syntax error. A line that is wrong but opens or closes a brace still
// opens or closes it, so that one bad line does not make the rest of the
// file look wrong.

// frame is an open brace.
type frame struct {
	settings bool       // its lines are settings (NAME = VALUE)
	header   string     // the code of its opening line, for messages
	open     source.Pos // its "{", or the line's first token if it has none
	implied  bool       // stands in for a missing model header
	indent   int        // the column where its opening line's code starts
	parent   *frame
	closeCol int // the column of the "}" that closed it, once closed
}

type diag struct {
	p      *parser
	stack  []*frame
	closed []*frame // frames closed so far, in the order they were closed

	reported bool // the current line has its error

	sawModel      bool   // a model header (or a line in its place) was seen
	sawCode       bool   // the file has something other than blanks and comments
	done          bool   // the model's closing brace was seen
	afterReported bool   // text after the model was reported
	guessed       bool   // a brace of an erroneous line was taken to open a frame
	awaitBrace    *frame // opened by a line that lacked its "{"
	surplus       int    // closing-brace lines not yet matched by opening ones
}

// diagnose reports the errors of a file that the grammar rejected.
func (p *parser) diagnose() {
	d := &diag{p: p}
	// Count closing-brace lines against opening ones, for extraBrace.
	for _, l := range p.lines {
		switch {
		case len(l.toks) == 0:
		case isPunct(l.toks[0], "}"):
			d.surplus++
		case !isPunct(l.toks[len(l.toks)-1], "}"):
			for _, t := range l.toks {
				if isPunct(t, "{") {
					d.surplus--
					break
				}
			}
		}
	}
	for _, l := range p.lines {
		d.check(l)
	}
	d.finish()
}

// report records the current line's error, unless it has one.
func (d *diag) report(pos lexer.Position, format string, args ...any) {
	if d.reported {
		return
	}
	d.reported = true
	d.p.errs.Add(d.p.pos(pos), format, args...)
}

// check checks line l, in the context of the lines before it.
func (d *diag) check(l *srcLine) {
	d.reported = l.err != nil
	sig := l.toks
	if len(sig) == 0 {
		d.sawCode = d.sawCode || l.err != nil
		return
	}
	d.sawCode = true
	await := d.awaitBrace
	d.awaitBrace = nil
	if await != nil && len(sig) == 1 && isPunct(sig[0], "{") {
		// The brace of the previous line, put on a line of its own; that
		// line was reported already.
		await.open = d.p.pos(sig[0].Pos)
		return
	}
	if d.done {
		if !d.afterReported {
			hint := ""
			if isKeyword(sig[0], "model") {
				hint = " (one model a file)"
			}
			d.report(sig[0].Pos, "unexpected %s after the model's closing \"}\"%s", describe(sig[0]), hint)
			d.afterReported = true
		}
		return
	}
	if len(d.stack) == 0 {
		switch {
		case isKeyword(sig[0], "model"):
			d.header(l)
			return
		case isPunct(sig[0], "}"):
			d.report(sig[0].Pos, `unexpected "}" with no matching "{"`)
			return
		}
		d.report(sig[0].Pos, `expected "model NAME {", found %s`, describe(sig[0]))
		d.reported = true // the rest of the line counts only for its braces
		d.sawModel = true
		d.stack = append(d.stack, &frame{implied: true, indent: sig[0].Pos.Column})
	}
	top := d.stack[len(d.stack)-1]
	last := sig[len(sig)-1]
	switch {
	case isPunct(sig[0], "}"):
		if d.extraBrace(l, top) {
			d.report(sig[0].Pos, `unexpected "}" with no matching "{"`)
			break
		}
		if len(sig) > 1 {
			d.report(sig[1].Pos, `unexpected %s after "}"`, describe(sig[1]))
		}
		d.pop(sig[0])

	case isKeyword(sig[0], "model") && !assigns(sig):
		if len(d.stack) == 1 && top.implied {
			d.stack = d.stack[:0]
			d.header(l)
			return
		}
		if outer := d.stack[0]; outer.implied {
			d.report(sig[0].Pos, "models do not nest: %q inside the model", d.code(sig))
		} else {
			d.report(sig[0].Pos, "models do not nest: %q inside %q (opened at %s)", d.code(sig), outer.header, lineCol(outer.open))
		}
		d.open(l, &frame{})

	case (isKeyword(sig[0], "train") || isKeyword(sig[0], "compile")) && !assigns(sig):
		kw := sig[0].Value
		switch {
		case top.settings:
			d.report(sig[0].Pos, "blocks do not nest: %q inside %q (opened at %s)", d.code(sig), top.header, lineCol(top.open))
		case len(sig) < 2:
			d.report(l.end(), "expected \"{\" after %q, found end of line", kw)
		case !isPunct(sig[1], "{"):
			d.report(sig[1].Pos, "expected \"{\" after %q, found %s", kw, describe(sig[1]))
		case len(sig) > 2:
			d.report(sig[2].Pos, "unexpected %s after \"{\": the block's settings start on the next line", describe(sig[2]))
		}
		d.open(l, &frame{settings: true})

	case isPunct(last, "{"):
		// Some other line that opens a brace: report it, and let its "}"
		// close it.
		f := &frame{settings: top.settings}
		if !top.settings && len(sig) == 2 && sig[0].Type == tokIdent {
			d.report(sig[0].Pos, "unknown block %q: expected \"train\" or \"compile\"", sig[0].Value)
			f.settings = true
		} else {
			d.statement(l, top)
		}
		d.open(l, f)
		d.guessed = true

	default:
		d.statement(l, top)
	}
}

// header checks a model's header line, `model NAME {`, and opens it.
func (d *diag) header(l *srcLine) {
	sig := l.toks
	d.sawModel = true
	switch {
	case len(sig) < 2:
		d.report(l.end(), `expected a model name after "model", found end of line`)
	case sig[1].Type == tokKeyword:
		d.report(sig[1].Pos, "reserved word %q cannot be used as a name", sig[1].Value)
	case sig[1].Type != tokIdent:
		d.report(sig[1].Pos, `expected a model name after "model", found %s`, describe(sig[1]))
	case len(sig) < 3:
		d.report(l.end(), `expected "{" after "model %s", found end of line`, sig[1].Value)
	case !isPunct(sig[2], "{"):
		d.report(sig[2].Pos, `expected "{" after "model %s", found %s`, sig[1].Value, describe(sig[2]))
	case len(sig) > 3:
		d.report(sig[3].Pos, `unexpected %s after "{": the model's body starts on the next line`, describe(sig[3]))
	}
	d.open(l, &frame{})
}

// open pushes f, opened by line l; a line that opens and closes its brace
// (`train { }`) opens nothing.
func (d *diag) open(l *srcLine, f *frame) {
	sig := l.toks
	f.header = d.code(sig)
	f.open = d.p.pos(sig[0].Pos)
	f.indent = sig[0].Pos.Column
	if n := len(d.stack); n > 0 {
		f.parent = d.stack[n-1]
	}
	brace := -1
	for i, t := range sig {
		if isPunct(t, "{") {
			brace = i
			f.open = d.p.pos(t.Pos)
			break
		}
	}
	switch {
	case brace < 0 && isPunct(sig[len(sig)-1], "}"):
		return // `train }`: nothing to open
	case brace < 0:
		d.awaitBrace = f
	case isPunct(sig[len(sig)-1], "}"):
		if len(d.stack) == 0 {
			d.done = true
		}
		return
	}
	d.stack = append(d.stack, f)
}

// pop closes the innermost frame with the brace rbrace.
func (d *diag) pop(rbrace lexer.Token) {
	n := len(d.stack)
	if n == 0 {
		return
	}
	f := d.stack[n-1]
	f.closeCol = rbrace.Pos.Column
	d.closed = append(d.closed, f)
	d.stack = d.stack[:n-1]
	d.done = n == 1
}

// extraBrace reports whether the "}" that starts line l is one too many:
// the file has more closing braces than opening ones, and indentation
// points at this one: it is not aligned with the opening line of f, the
// frame it would close, but a later "}" is, and every line up to that one
// is indented deeper, as lines inside f are.
//
//	model m {
//	  x = a
//	  }      <- extra
//	}
func (d *diag) extraBrace(l *srcLine, f *frame) bool {
	const maxLookahead = 1000 // lines
	if d.surplus <= 0 || f.implied || l.toks[0].Pos.Column == f.indent {
		return false
	}
	next := l.eol.Pos.Line // the index of the next line
	for i := next; i < len(d.p.lines) && i < next+maxLookahead; i++ {
		toks := d.p.lines[i].toks
		if len(toks) == 0 {
			continue
		}
		switch col := toks[0].Pos.Column; {
		case col == f.indent && len(toks) == 1 && isPunct(toks[0], "}"):
			d.surplus--
			return true
		case col <= f.indent:
			return false
		}
	}
	return false
}

// finish reports what is missing at the end of the file.
func (d *diag) finish() {
	switch {
	case !d.sawModel && !d.sawCode:
		d.p.errs.Add(d.p.eof, `empty file: expected "model NAME { ... }"`)
	case len(d.stack) > 0 && !d.guessed:
		if f := d.unterminated(); f != nil {
			d.p.errs.Add(f.open, `unterminated block: %q has no closing "}"`, f.header)
		}
	}
}

// unterminated picks the frame whose "}" is missing when the file ends
// with frames open: braces pair up innermost first, so the innermost open
// frame is short of a brace, unless indentation says otherwise. A frame
// inside it that was closed by a brace indented like the open frame's
// opening line, not like its own, most likely took that frame's brace:
//
//	model m {
//	  train {
//	    epochs = 1
//	}            <- the model's brace; train's is missing
//
// Only one frame is reported: the others are open because of it.
func (d *diag) unterminated() *frame {
	open := d.stack[len(d.stack)-1]
	if open.implied {
		return nil
	}
	for _, f := range d.closed {
		if f.closeCol != open.indent || f.indent == open.indent {
			continue
		}
		for a := f.parent; a != nil; a = a.parent {
			if a == open {
				return f
			}
		}
	}
	return open
}

// statement checks a statement line (a setting line if top holds settings).
func (d *diag) statement(l *srcLine, top *frame) {
	if d.reported {
		return // a line with a lexical error is not parsed
	}
	sig := l.toks
	switch {
	case sig[0].Type == tokKeyword && len(sig) > 1 && isPunct(sig[1], "="):
		d.report(sig[0].Pos, "reserved word %q cannot be used as a name", sig[0].Value)
		return
	case top.settings && (isKeyword(sig[0], "input") || isKeyword(sig[0], "output")):
		d.report(sig[0].Pos, "unexpected %q in %q: a block holds only settings (NAME = VALUE)", sig[0].Value, top.header)
		return
	}
	toks := append(sig[:len(sig):len(sig)], lexer.EOFToken(l.end()))
	if top.settings {
		g, err := grammar.SettingParser.ParseFromLexer(stream(toks))
		if err != nil {
			d.explain(l, err, true)
			return
		}
		d.p.setting(g)
		return
	}
	g, err := grammar.StatementParser.ParseFromLexer(stream(toks))
	if err != nil {
		d.explain(l, err, false)
		return
	}
	d.p.statement(g)
}

// stream makes a participle token stream of toks, which end with EOF.
func stream(toks []lexer.Token) *lexer.PeekingLexer {
	pl, _ := lexer.Upgrade(&tokenStream{toks: toks})
	return pl
}

// explain turns the parser's error for line l into a message.
func (d *diag) explain(l *srcLine, err error, settings bool) {
	sig := l.toks
	var ute *participle.UnexpectedTokenError
	if !errors.As(err, &ute) {
		pos := l.end()
		var pe participle.Error
		if errors.As(err, &pe) && pe.Position().Line > 0 {
			pos = pe.Position()
		}
		d.report(pos, "syntax error")
		return
	}
	tok := ute.Unexpected
	i := len(sig) // the index of tok in sig; len(sig) for the end of line
	if !tok.EOF() {
		for j, t := range sig {
			if t.Pos.Offset == tok.Pos.Offset {
				i = j
				break
			}
		}
	}
	if i == len(sig) {
		tok = lexer.EOFToken(l.end())
	}
	want := expectation(ute)
	in := innermost(sig[:i])

	switch {
	case tok.Type == tokKeyword && i > 0 && (want == "<ident>" || wantsExpr(want) || needsOperand(sig[i-1])):
		d.report(tok.Pos, "reserved word %q cannot be used as a name", tok.Value)

	case i == 0 && settings:
		d.report(tok.Pos, "unexpected %s, expected a setting (NAME = VALUE)", describe(tok))

	case i == 0:
		d.report(tok.Pos, "unexpected %s, expected a statement", describe(tok))

	case isCloser(want) && in != nil && strconv.Quote(in.closer()) == want:
		switch {
		case tok.EOF():
			d.report(tok.Pos, "expected %q to close %s (opened at %s), found end of line", in.closer(), in.what(), lineColOf(in.tok.Pos))
		case in.kind == parenBracket:
			d.report(tok.Pos, "unexpected %s in %s (opened at %s): expected %q", describe(tok), in.what(), lineColOf(in.tok.Pos), in.closer())
		case sig[i-1].Pos == in.tok.Pos:
			d.report(tok.Pos, "unexpected %s in %s (opened at %s): expected %s or %q", describe(tok), in.what(), lineColOf(in.tok.Pos), in.operand(), in.closer())
		default:
			d.report(tok.Pos, "unexpected %s in %s (opened at %s): expected \",\" or %q", describe(tok), in.what(), lineColOf(in.tok.Pos), in.closer())
		}

	case want == "" && isPunct(tok, "}"):
		d.report(tok.Pos, `unexpected "}": a closing brace goes on a line of its own`)

	case want == "" && isPunct(tok, ")", "]"):
		open := "("
		if tok.Value == "]" {
			open = "["
		}
		d.report(tok.Pos, "unexpected %q with no matching %q", tok.Value, open)

	case want == "":
		hint := ""
		if startsStatement(sig[i:]) {
			hint = " (one statement a line)"
		}
		d.report(tok.Pos, "unexpected %s, expected end of line%s", describe(tok), hint)

	default:
		if w := describeWant(want); w != "" {
			d.report(tok.Pos, "unexpected %s, expected %s", describe(tok), w)
		} else {
			d.report(tok.Pos, "unexpected %s", describe(tok))
		}
	}
}

// expectation returns the first item of what the parser expected: a
// quoted literal, a <token> name, a production name, or "".
func expectation(e *participle.UnexpectedTokenError) string {
	msg := e.Message()
	prefix := "unexpected token " + strconv.Quote(e.Unexpected.String()) + " (expected "
	if !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, ")") {
		return ""
	}
	y := msg[len(prefix) : len(msg)-1]
	switch {
	case y == "":
		return ""
	case y[0] == '"':
		if j := strings.IndexByte(y[1:], '"'); j >= 0 {
			return y[:j+2]
		}
	case y[0] == '<':
		if j := strings.IndexByte(y, '>'); j >= 0 {
			return y[:j+1]
		}
	default:
		j := strings.IndexFunc(y, func(r rune) bool {
			return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
		})
		if j < 0 {
			return y
		}
		return y[:j]
	}
	return ""
}

func wantsExpr(want string) bool {
	switch want {
	case "Expr", "AddTerm", "Term", "MulTerm", "Unary", "Primary", "Name", "Arg", "List":
		return true
	}
	return false
}

func isCloser(want string) bool { return want == `")"` || want == `"]"` }

func describeWant(want string) string {
	switch {
	case wantsExpr(want):
		return "an expression"
	case want == "<ident>":
		return "a name"
	case want == "Type":
		return "a type such as f32[1, 28, 28]"
	case want == "Dim" || want == "<number>":
		return "an integer"
	case want == "<eol>" || want == "<comment>":
		return "end of line"
	case strings.HasPrefix(want, `"`):
		return want
	}
	return ""
}

// bracket is an open bracket in a line.
type bracket struct {
	tok  lexer.Token
	kind int
	fn   string // the function of a call
}

const (
	parenBracket = iota
	callBracket
	listBracket
	shapeBracket
)

// innermost returns the innermost bracket that toks leave open, or nil.
func innermost(toks []lexer.Token) *bracket {
	var stack []bracket
	input := len(toks) > 0 && isKeyword(toks[0], "input")
	for j, t := range toks {
		if t.Type != tokPunct {
			continue
		}
		prevIdent := j > 0 && toks[j-1].Type == tokIdent
		switch t.Value {
		case "(":
			if prevIdent {
				stack = append(stack, bracket{tok: t, kind: callBracket, fn: toks[j-1].Value})
			} else {
				stack = append(stack, bracket{tok: t, kind: parenBracket})
			}
		case "[":
			if input && prevIdent {
				stack = append(stack, bracket{tok: t, kind: shapeBracket})
			} else {
				stack = append(stack, bracket{tok: t, kind: listBracket})
			}
		case ")", "]":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return nil
	}
	return &stack[len(stack)-1]
}

func (b *bracket) closer() string {
	if b.kind == listBracket || b.kind == shapeBracket {
		return "]"
	}
	return ")"
}

func (b *bracket) what() string {
	switch b.kind {
	case callBracket:
		return "the call of " + b.fn
	case listBracket:
		return "the list"
	case shapeBracket:
		return "the shape"
	}
	return "the parenthesis"
}

// operand names what is missing after an operator or comma inside b.
func (b *bracket) operand() string {
	if b != nil {
		switch b.kind {
		case callBracket:
			return "an argument"
		case shapeBracket:
			return "an integer"
		}
	}
	return "an expression"
}

// needsOperand reports whether an operand or a name must follow t.
func needsOperand(t lexer.Token) bool {
	return isPunct(t, "(", "[", ",", "=", "+", "-", "*", ":")
}

// startsStatement reports whether toks begin like a statement.
func startsStatement(toks []lexer.Token) bool {
	if len(toks) == 0 {
		return false
	}
	if isKeyword(toks[0], "input") || isKeyword(toks[0], "output") {
		return true
	}
	return toks[0].Type == tokIdent && len(toks) > 1 && isPunct(toks[1], "=")
}

// assigns reports whether a line starting with a keyword uses it as a name
// (`train = 1`).
func assigns(sig []lexer.Token) bool { return len(sig) > 1 && isPunct(sig[1], "=") }

func isPunct(t lexer.Token, values ...string) bool {
	if t.Type != tokPunct {
		return false
	}
	for _, v := range values {
		if t.Value == v {
			return true
		}
	}
	return false
}

func isKeyword(t lexer.Token, kw string) bool { return t.Type == tokKeyword && t.Value == kw }

// describe names a token in a message.
func describe(t lexer.Token) string {
	switch t.Type {
	case lexer.EOF, tokEOL, tokComment:
		return "end of line"
	case tokString:
		return "string " + truncate(t.Value)
	}
	return strconv.Quote(truncate(t.Value))
}

func truncate(s string) string {
	const max = 24
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "..."
		}
		n++
	}
	return s
}

// code returns the source text of a line's code, shortened for messages.
func (d *diag) code(sig []lexer.Token) string {
	first, last := sig[0], sig[len(sig)-1]
	end := last.Pos.Offset + len(last.Value)
	if first.Pos.Offset < 0 || end > len(d.p.text) || first.Pos.Offset > end {
		return first.Value
	}
	return truncate(d.p.text[first.Pos.Offset:end])
}

func lineCol(p source.Pos) string       { return fmt.Sprintf("%d:%d", p.Line, p.Col) }
func lineColOf(p lexer.Position) string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// IsReserved reports whether s is a reserved word of the language, which
// cannot name a model, an input or a binding.
func IsReserved(s string) bool { return slices.Contains(grammar.Keywords, s) }
