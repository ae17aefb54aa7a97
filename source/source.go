// Package source holds the one position type that kiln carries from the
// parser through the IR into the bytecode's debug table, and the positioned
// error lists that every stage reports with.
package source

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// characters (runes), as editors do. The zero Pos is "no position".
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether p names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as file:line:col (or file:line, or file when the
// column or line is unknown).
func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += strconv.Itoa(p.Line)
		if p.Col > 0 {
			s += ":" + strconv.Itoa(p.Col)
		}
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Before orders positions by file, line and column.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Error is a message about a position.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if !e.Pos.IsValid() && e.Pos.File == "" {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// MaxErrors is how many errors a List keeps; later ones are counted, not kept.
const MaxErrors = 20

// List collects the errors of one file, so that a user sees all of them at
// once rather than only the first.
type List struct {
	Errs    []*Error
	Dropped int // errors beyond MaxErrors
}

// Add appends an error, keeping at most MaxErrors.
func (l *List) Add(pos Pos, format string, args ...any) {
	l.AddError(Errorf(pos, format, args...))
}

// AddError appends e, keeping at most MaxErrors.
func (l *List) AddError(e *Error) {
	if len(l.Errs) >= MaxErrors {
		l.Dropped++
		return
	}
	l.Errs = append(l.Errs, e)
}

// Len is the number of errors seen, kept or not.
func (l *List) Len() int { return len(l.Errs) + l.Dropped }

// Sort orders the errors by position and drops exact duplicates.
func (l *List) Sort() {
	sort.SliceStable(l.Errs, func(i, j int) bool { return l.Errs[i].Pos.Before(l.Errs[j].Pos) })
	out := l.Errs[:0]
	for i, e := range l.Errs {
		if i > 0 && *e == *l.Errs[i-1] {
			continue
		}
		out = append(out, e)
	}
	l.Errs = out
}

// Err returns the list as an error, or nil if it is empty.
func (l *List) Err() error {
	if l.Len() == 0 {
		return nil
	}
	return l
}

func (l *List) Error() string {
	var b strings.Builder
	for i, e := range l.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	if l.Dropped > 0 {
		fmt.Fprintf(&b, "\n(and %d more errors)", l.Dropped)
	}
	return b.String()
}

// Unwrap lets errors.As find the individual errors.
func (l *List) Unwrap() []error {
	errs := make([]error, len(l.Errs))
	for i, e := range l.Errs {
		errs[i] = e
	}
	return errs
}

// Render formats err for a terminal: each positioned error as
// file:line:col: message, followed by its source line and a caret under the
// column, when src (the file's contents) has that line. Other errors print
// as they are.
func Render(err error, src []byte) string {
	var errs []*Error
	dropped := 0
	switch e := err.(type) {
	case *List:
		errs, dropped = e.Errs, e.Dropped
	case *Error:
		errs = []*Error{e}
	default:
		return err.Error()
	}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error())
		b.WriteByte('\n')
		if line, ok := Line(src, e.Pos.Line); ok && e.Pos.Col > 0 {
			b.WriteString("    ")
			b.WriteString(line)
			b.WriteString("\n    ")
			b.WriteString(caretPad(line, e.Pos.Col))
			b.WriteString("^\n")
		}
	}
	if dropped > 0 {
		fmt.Fprintf(&b, "(and %d more errors)\n", dropped)
	}
	return b.String()
}

// Line returns the n-th line (1-based) of src without its line ending,
// with invalid UTF-8 replaced so that it prints safely.
func Line(src []byte, n int) (string, bool) {
	if n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	s := strings.TrimSuffix(string(src), "\r")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// Control characters (a NUL, an escape) would garble the terminal.
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return '\uFFFD'
		}
		return r
	}, s)
	return s, true
}

// caretPad returns the blank prefix that puts a caret under column col of
// line, keeping tabs so that the caret lines up however tabs are shown.
func caretPad(line string, col int) string {
	var b strings.Builder
	c := 1
	for _, r := range line {
		if c >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		c++
	}
	for ; c < col; c++ {
		b.WriteByte(' ')
	}
	return b.String()
}
