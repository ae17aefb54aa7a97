package lang

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-nn/kiln/source"
)

// sexpr prints an expression as an s-expression, so that tests show the
// tree's shape: (+ a (* b c)), (neg x), (call f a k=1), [1 2].
func sexpr(e Expr) string {
	switch e := e.(type) {
	case *Binary:
		return "(" + e.Op + " " + sexpr(e.X) + " " + sexpr(e.Y) + ")"
	case *Unary:
		return "(neg " + sexpr(e.X) + ")"
	case *Call:
		s := "(call " + e.Func.Name
		for _, a := range e.Args {
			s += " "
			if a.Name != nil {
				s += a.Name.Name + "="
			}
			s += sexpr(a.Value)
		}
		return s + ")"
	case *Ident:
		return e.Name
	case *Number:
		if e.IsInt {
			return e.Text
		}
		return e.Text + "f"
	case *String:
		return strconv.Quote(e.Value)
	case *List:
		var elems []string
		for _, x := range e.Elems {
			elems = append(elems, sexpr(x))
		}
		return "[" + strings.Join(elems, " ") + "]"
	}
	return fmt.Sprintf("?%T", e)
}

// parseExpr parses src as the value of a binding.
func parseExpr(t *testing.T, src string) Expr {
	t.Helper()
	f, err := Parse("x.kiln", []byte("model m {\n  x = "+src+"\n}\n"))
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return f.Model.Body[0].Stmt.(*Binding).Value
}

func TestExpressions(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a", "a"},
		{"true", "true"},
		{"a + b * c", "(+ a (* b c))"},
		{"a * b + c", "(+ (* a b) c)"},
		{"a - b - c", "(- (- a b) c)"},
		{"a - (b - c)", "(- a (- b c))"},
		{"a + b - c + d", "(+ (- (+ a b) c) d)"},
		{"(a + b) * c", "(* (+ a b) c)"},
		{"a * b * c", "(* (* a b) c)"},
		{"a * (b * c)", "(* a (* b c))"},
		{"((a))", "a"},
		{"-a", "(neg a)"},
		{"-a * b", "(* (neg a) b)"},
		{"-(a * b)", "(neg (* a b))"},
		{"a - -b", "(- a (neg b))"},
		{"a--b", "(- a (neg b))"},
		{"--a", "(neg (neg a))"},
		{"-2", "(neg 2)"},
		{"0", "0"},
		{"007", "007"},
		{"1.5", "1.5f"},
		{"0.001", "0.001f"},
		{"1e-3", "1e-3f"},
		{"2.5E+4", "2.5E+4f"},
		{"1e3", "1e3f"},
		{"f()", "(call f)"},
		{"f(a)", "(call f a)"},
		{"f(a, b)", "(call f a b)"},
		{"f(k=1)", "(call f k=1)"},
		{"f(a, k=1, b)", "(call f a k=1 b)"},
		{"f(k = a + b, j=-1)", "(call f k=(+ a b) j=(neg 1))"},
		{"f(g(x), k=[1, 2])", "(call f (call g x) k=[1 2])"},
		{"f(a)(b)", ""}, // not an expression: see TestExpressionErrors
		{"relu(dense(flatten(p1), 120))", "(call relu (call dense (call flatten p1) 120))"},
		{"[]", "[]"},
		{"[1]", "[1]"},
		{"[1, [2, 3], a + b]", "[1 [2 3] (+ a b)]"},
		{`""`, `""`},
		{`"mnist"`, `"mnist"`},
		{`"a\tb\"c\\d"`, `"a\tb\"c\\d"`},
		{`"\u00e9\x41\101"`, `"éAA"`},
		{`"é // not a comment"`, `"é // not a comment"`},
		{"a+b*c-d", "(- (+ a (* b c)) d)"},
		{"\ta\t+\tb", "(+ a b)"},
	}
	for _, tt := range tests {
		if tt.want == "" {
			continue
		}
		if got := sexpr(parseExpr(t, tt.src)); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestExpressionErrors(t *testing.T) {
	for _, src := range []string{"f(a)(b)", "a b", "a +", "*a", "f(,)", "[1,]", "a = b", "f(a)[0]"} {
		if _, err := Parse("x.kiln", []byte("model m {\n  x = "+src+"\n}\n")); err == nil {
			t.Errorf("%s: parsed", src)
		}
	}
}

// dump prints a file's tree, one line a Line, for tests.
func dump(f *File) string {
	var b strings.Builder
	for _, l := range f.Leading {
		fmt.Fprintf(&b, "leading %q\n", l.Comment)
	}
	m := f.Model
	fmt.Fprintf(&b, "model %s %q\n", m.Name.Name, m.Comment)
	dumpLines(&b, m.Body, "  ")
	fmt.Fprintf(&b, "end %q\n", m.EndComment)
	for _, l := range f.Trailing {
		fmt.Fprintf(&b, "trailing %q\n", l.Comment)
	}
	return b.String()
}

func dumpLines(b *strings.Builder, lines []*Line, indent string) {
	for _, l := range lines {
		b.WriteString(indent)
		switch s := l.Stmt.(type) {
		case nil:
			if l.Comment == "" {
				b.WriteString("blank")
			} else {
				b.WriteString("comment")
			}
		case *Input:
			var dims []string
			for _, d := range s.Type.Dims {
				dims = append(dims, d.Text)
			}
			fmt.Fprintf(b, "input %s %s%v", s.Name.Name, s.Type.DType.Name, dims)
		case *Binding:
			if s.Output {
				b.WriteString("output ")
			}
			fmt.Fprintf(b, "%s = %s", s.Name.Name, sexpr(s.Value))
		case *OutputRef:
			fmt.Fprintf(b, "output %s", s.Name.Name)
		case *Setting:
			fmt.Fprintf(b, "set %s = %s", s.Name.Name, sexpr(s.Value))
		case *Block:
			fmt.Fprintf(b, "%s %q\n", s.Kind, s.Comment)
			dumpLines(b, s.Body, indent+"  ")
			fmt.Fprintf(b, "%send %q", indent, s.EndComment)
		}
		if l.Comment != "" {
			fmt.Fprintf(b, " %q", l.Comment)
		}
		b.WriteString("\n")
	}
}

func TestFile(t *testing.T) {
	src := "\n// LeNet-5 for 28x28 grey digits\n\n" + strings.Replace(lenet5, "output h1\n", "output h1   // again \t\n", 1) +
		"// after\n\n"
	f, err := Parse("lenet5.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `leading ""
leading "// LeNet-5 for 28x28 grey digits"
leading ""
leading "// LeNet-5 for 28x28 grey digits"
model lenet5 ""
  input image f32[1 28 28] "// per-sample shape; the batch dimension is implicit"
  c1 = (call relu (call conv2d image filters=6 kernel=5 pad=2))
  p1 = (call maxpool c1 size=2)
  h1 = (call relu (call dense (call flatten p1) 120))
  output logits = (call dense h1 10)
  output h1 "// again"
  blank
  train ""
    set data = "mnist"
    set loss = cross_entropy
    set optimizer = (call adam lr=0.001f)
    set epochs = 10
  end ""
  compile ""
    set quantize = (call int8 calibrate="mnist" samples=512)
    set kernel = [3 3]
  end ""
end ""
trailing "// after"
trailing ""
`
	if d := cmp.Diff(want, dump(f)); d != "" {
		t.Errorf("tree (-want +got):\n%s", d)
	}
	if f.Filename != "lenet5.kiln" {
		t.Errorf("Filename = %q", f.Filename)
	}
}

func TestComments(t *testing.T) {
	src := `// head
model m {  // header
  // first
  x = 1  // one
  train {  // opening
    // inside
    epochs = 1  // setting
  }  // closing
}  // end
// tail`
	f, err := Parse("c.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `leading "// head"
model m "// header"
  comment "// first"
  x = 1 "// one"
  train "// opening"
    comment "// inside"
    set epochs = 1 "// setting"
  end "// closing"
end "// end"
trailing "// tail"
`
	if d := cmp.Diff(want, dump(f)); d != "" {
		t.Errorf("tree (-want +got):\n%s", d)
	}
}

func TestCRLF(t *testing.T) {
	lf, err := Parse("a.kiln", []byte(lenet5))
	if err != nil {
		t.Fatal(err)
	}
	crlf, err := Parse("a.kiln", []byte(strings.ReplaceAll(lenet5, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	// Positions too: a line ending is not part of any column.
	if d := cmp.Diff(lf, crlf); d != "" {
		t.Errorf("CRLF tree differs (-LF +CRLF):\n%s", d)
	}
}

func TestNoFinalNewline(t *testing.T) {
	a, err := Parse("a.kiln", []byte("model m {\n  x = 1\n}  // end"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("a.kiln", []byte("model m {\n  x = 1\n}  // end\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("(-without +with final newline):\n%s", d)
	}
}

func TestBOM(t *testing.T) {
	f, err := Parse("b.kiln", []byte("\uFEFFmodel m {\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (source.Pos{File: "b.kiln", Line: 1, Col: 1}); f.Model.Pos != want {
		t.Errorf("model at %v, want %v", f.Model.Pos, want)
	}
}

func TestPositions(t *testing.T) {
	src := "model m {\n" +
		"  input x: f32[2, 3]\n" +
		"  s = \"é\" + f(x, k=[1])  // é\n" +
		"  output y = -s\n" +
		"  output s\n" +
		"  train {\n" +
		"\tepochs = 1\n" +
		"  }\n" +
		"}\n"
	f, err := Parse("p.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	body := f.Model.Body
	in := body[0].Stmt.(*Input)
	s := body[1].Stmt.(*Binding)
	sum := s.Value.(*Binary)
	call := sum.Y.(*Call)
	list := call.Args[1].Value.(*List)
	y := body[2].Stmt.(*Binding)
	ref := body[3].Stmt.(*OutputRef)
	blk := body[4].Stmt.(*Block)
	set := blk.Body[0].Stmt.(*Setting)
	got := map[string]source.Pos{
		"model":       f.Model.Pos,
		"model name":  f.Model.Name.Pos,
		"model end":   f.Model.End,
		"input":       in.Pos,
		"input name":  in.Name.Pos,
		"type":        in.Type.Pos,
		"dim 3":       in.Type.Dims[1].Pos,
		"line 3":      body[1].Pos,
		"binding":     s.Pos,
		"string":      sum.X.Position(),
		"plus":        sum.OpPos,
		"sum":         sum.Position(),
		"call":        call.Position(),
		"rparen":      call.Rparen,
		"keyword arg": call.Args[1].Position(),
		"list":        list.Pos,
		"output":      y.Pos,
		"minus":       y.Value.Position(),
		"output ref":  ref.Pos,
		"block":       blk.Pos,
		"block end":   blk.End,
		"setting":     set.Pos,
	}
	want := map[string][2]int{
		"model":       {1, 1},
		"model name":  {1, 7},
		"model end":   {9, 1},
		"input":       {2, 3},
		"input name":  {2, 9},
		"type":        {2, 12},
		"dim 3":       {2, 19},
		"line 3":      {3, 3},
		"binding":     {3, 3},
		"string":      {3, 7},
		"plus":        {3, 11},
		"sum":         {3, 7},
		"call":        {3, 13},
		"rparen":      {3, 23},
		"keyword arg": {3, 18},
		"list":        {3, 20},
		"output":      {4, 3},
		"minus":       {4, 14},
		"output ref":  {5, 3},
		"block":       {6, 3},
		"block end":   {8, 3},
		"setting":     {7, 2},
	}
	for name, w := range want {
		if p := got[name]; p != (source.Pos{File: "p.kiln", Line: w[0], Col: w[1]}) {
			t.Errorf("%s at %v, want %d:%d", name, p, w[0], w[1])
		}
	}
}

func TestGrammarIsLL1(t *testing.T) {
	// Keyword and positional arguments, calls and names: the cases that
	// would need lookahead in a grammar written differently.
	got := sexpr(parseExpr(t, "f(a, a(b), k=c, k=d(e), (a), -a, a * b)"))
	want := "(call f a (call a b) k=c k=(call d e) a (neg a) (* a b))"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
