package lang

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format prints f in canonical form (SPEC.md, "Canonical form"): two-space
// indentation, one space around binary operators and after commas, exactly
// the parentheses that precedence needs, comments kept and trailing comments
// aligned, runs of blank lines collapsed. Format(Parse(Format(f))) equals
// Format(f), and the output parses to f again, positions and dropped blank
// lines aside.
func Format(f *File) []byte {
	var pr printer
	if f != nil {
		pr.file(f)
	}
	return pr.render()
}

// outLine is one line of output before layout.
type outLine struct {
	depth   int
	code    string
	comment string
	blank   bool
}

type printer struct {
	lines []outLine
}

func (pr *printer) emit(depth int, code, comment string) {
	pr.lines = append(pr.lines, outLine{depth: depth, code: code, comment: comment})
}

func (pr *printer) file(f *File) {
	pr.body(f.Leading, 0)
	if m := f.Model; m != nil {
		name := ""
		if m.Name != nil {
			name = m.Name.Name
		}
		pr.emit(0, "model "+name+" {", m.Comment)
		pr.body(m.Body, 1)
		pr.emit(0, "}", m.EndComment)
	}
	pr.body(f.Trailing, 0)
}

func (pr *printer) body(lines []*Line, depth int) {
	for _, l := range lines {
		if l == nil {
			continue
		}
		switch s := l.Stmt.(type) {
		case nil:
			if l.Comment == "" {
				pr.lines = append(pr.lines, outLine{depth: depth, blank: true})
			} else {
				pr.emit(depth, "", l.Comment)
			}
		case *Block:
			pr.emit(depth, s.Kind+" {", s.Comment)
			pr.body(s.Body, depth+1)
			end := s.EndComment
			if l.Comment != "" { // only in a hand-built tree: keep it
				end = strings.TrimSpace(end + " " + l.Comment)
			}
			pr.emit(depth, "}", end)
		default:
			pr.emit(depth, stmtCode(s), l.Comment)
		}
	}
}

// render lays the lines out: it drops blank lines at the start and end of
// the file and of every body and collapses runs of them, aligns trailing
// comments, and indents.
func (pr *printer) render() []byte {
	var lines []outLine
	for i, l := range pr.lines {
		if l.blank {
			if len(lines) == 0 || lines[len(lines)-1].blank || strings.HasSuffix(lines[len(lines)-1].code, "{") {
				continue
			}
			next := i + 1
			for next < len(pr.lines) && pr.lines[next].blank {
				next++
			}
			if next == len(pr.lines) || pr.lines[next].code == "}" {
				continue
			}
		}
		lines = append(lines, l)
	}

	// Trailing comments of a run of consecutive lines at one depth that
	// all have code and a comment start in one column: two spaces after
	// the longest code of the run.
	col := make([]int, len(lines))
	for i := 0; i < len(lines); {
		if lines[i].code == "" || lines[i].comment == "" {
			i++
			continue
		}
		j, width := i, 0
		for ; j < len(lines) && lines[j].depth == lines[i].depth && lines[j].code != "" && lines[j].comment != ""; j++ {
			width = max(width, utf8.RuneCountInString(lines[j].code))
		}
		for k := i; k < j; k++ {
			col[k] = width + 2
		}
		i = j
	}

	var b strings.Builder
	for i, l := range lines {
		if l.blank {
			b.WriteByte('\n')
			continue
		}
		b.WriteString(strings.Repeat("  ", l.depth))
		b.WriteString(l.code)
		if l.comment != "" {
			if l.code != "" {
				b.WriteString(strings.Repeat(" ", col[i]-utf8.RuneCountInString(l.code)))
			}
			b.WriteString(l.comment)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// stmtCode prints a one-line statement.
func stmtCode(s Stmt) string {
	var b strings.Builder
	switch s := s.(type) {
	case *Input:
		b.WriteString("input " + identName(s.Name) + ": ")
		if t := s.Type; t != nil {
			b.WriteString(identName(t.DType) + "[")
			for i, d := range t.Dims {
				if i > 0 {
					b.WriteString(", ")
				}
				if d != nil {
					b.WriteString(d.Text)
				}
			}
			b.WriteString("]")
		}
	case *Binding:
		if s.Output {
			b.WriteString("output ")
		}
		b.WriteString(identName(s.Name) + " = ")
		writeExpr(&b, s.Value)
	case *OutputRef:
		b.WriteString("output " + identName(s.Name))
	case *Setting:
		b.WriteString(identName(s.Name) + " = ")
		writeExpr(&b, s.Value)
	}
	return b.String()
}

func identName(id *Ident) string {
	if id == nil {
		return ""
	}
	return id.Name
}

// Operator precedence: higher binds tighter.
const (
	precSum = 1 + iota
	precProduct
	precUnary
	precOperand
)

func precedence(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		if e.Op == "*" {
			return precProduct
		}
		return precSum
	case *Unary:
		return precUnary
	}
	return precOperand
}

// FormatExpr prints an expression as Format does.
func FormatExpr(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e Expr) {
	switch e := e.(type) {
	case *Binary:
		p := precedence(e)
		// Operators associate to the left: a right operand of the same
		// precedence keeps its parentheses.
		writeOperand(b, e.X, precedence(e.X) < p)
		b.WriteString(" " + e.Op + " ")
		writeOperand(b, e.Y, precedence(e.Y) <= p)
	case *Unary:
		b.WriteString(e.Op)
		writeOperand(b, e.X, precedence(e.X) < precUnary)
	case *Call:
		b.WriteString(identName(e.Func) + "(")
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			if a == nil {
				continue
			}
			if a.Name != nil {
				b.WriteString(a.Name.Name + "=")
			}
			writeExpr(b, a.Value)
		}
		b.WriteString(")")
	case *Ident:
		b.WriteString(e.Name)
	case *Number:
		b.WriteString(e.Text)
	case *String:
		b.WriteString(strconv.Quote(e.Value))
	case *List:
		b.WriteString("[")
		for i, x := range e.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			writeExpr(b, x)
		}
		b.WriteString("]")
	}
}

func writeOperand(b *strings.Builder, e Expr, paren bool) {
	if paren {
		b.WriteString("(")
	}
	writeExpr(b, e)
	if paren {
		b.WriteString(")")
	}
}
