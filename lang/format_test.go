package lang

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// TestFormat runs the golden tests in testdata/format: each archive holds
// in.kiln and its canonical form, out.kiln (rewritten by -update).
func TestFormat(t *testing.T) {
	names, err := filepath.Glob("testdata/format/*.txtar")
	if err != nil || len(names) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			ar, err := txtar.ParseFile(name)
			if err != nil {
				t.Fatal(err)
			}
			in := section(ar, "in.kiln")
			if in == nil {
				t.Fatal("no in.kiln section")
			}
			f, err := Parse("in.kiln", in.Data)
			if err != nil {
				t.Fatal(err)
			}
			got := Format(f)
			if *update {
				if out := section(ar, "out.kiln"); out != nil {
					out.Data = got
				} else {
					ar.Files = append(ar.Files, txtar.File{Name: "out.kiln", Data: got})
				}
				if err := os.WriteFile(name, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			out := section(ar, "out.kiln")
			if out == nil {
				t.Fatal("no out.kiln section; run go test ./lang -update")
			}
			if d := cmp.Diff(string(out.Data), string(got)); d != "" {
				t.Errorf("Format (-out.kiln +got):\n%s", d)
			}
			// Both sides satisfy the invariants: idempotence, and the same
			// tree before and after formatting.
			checkInvariants(t, in.Data)
			checkInvariants(t, out.Data)
		})
	}
}

func section(ar *txtar.Archive, name string) *txtar.File {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			return &ar.Files[i]
		}
	}
	return nil
}

// TestFormatExpr checks the parentheses the printer puts back, on trees
// built by code as well as parsed ones.
func TestFormatExpr(t *testing.T) {
	a, b, c := &Ident{Name: "a"}, &Ident{Name: "b"}, &Ident{Name: "c"}
	bin := func(x Expr, op string, y Expr) Expr { return &Binary{Op: op, X: x, Y: y} }
	neg := func(x Expr) Expr { return &Unary{Op: "-", X: x} }
	tests := []struct {
		e    Expr
		want string
	}{
		{bin(bin(a, "-", b), "-", c), "a - b - c"},
		{bin(a, "-", bin(b, "-", c)), "a - (b - c)"},
		{bin(a, "+", bin(b, "+", c)), "a + (b + c)"},
		{bin(bin(a, "*", b), "+", c), "a * b + c"},
		{bin(a, "+", bin(b, "*", c)), "a + b * c"},
		{bin(bin(a, "+", b), "*", c), "(a + b) * c"},
		{bin(a, "*", bin(b, "+", c)), "a * (b + c)"},
		{bin(a, "*", bin(b, "*", c)), "a * (b * c)"},
		{neg(a), "-a"},
		{neg(neg(a)), "--a"},
		{neg(bin(a, "*", b)), "-(a * b)"},
		{bin(neg(a), "*", b), "-a * b"},
		{bin(a, "-", neg(b)), "a - -b"},
		{neg(&Number{Text: "1.5"}), "-1.5"},
		{&Call{Func: &Ident{Name: "f"}}, "f()"},
		{&Call{Func: &Ident{Name: "f"}, Args: []*Arg{{Value: a}, {Name: &Ident{Name: "k"}, Value: bin(b, "+", c)}}}, "f(a, k=b + c)"},
		{&List{}, "[]"},
		{&List{Elems: []Expr{&Number{Text: "1", IsInt: true}, &List{Elems: []Expr{&String{Value: "a\"b\n"}}}}}, `[1, ["a\"b\n"]]`},
	}
	for _, tt := range tests {
		got := FormatExpr(tt.e)
		if got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
			continue
		}
		// What the printer prints parses back to the same tree.
		if back := parseExpr(t, got); sexpr(back) != sexpr(tt.e) {
			t.Errorf("%s parses as %s, want %s", got, sexpr(back), sexpr(tt.e))
		}
	}
}

// TestFormatBuiltFile formats a file built by code, as a pass that emits
// source does.
func TestFormatBuiltFile(t *testing.T) {
	id := func(s string) *Ident { return &Ident{Name: s} }
	num := func(s string) *Number { return &Number{Text: s, IsInt: true} }
	f := &File{
		Leading: []*Line{{Comment: "// student of lenet5"}},
		Model: &Model{
			Name: id("student"),
			Body: []*Line{
				{Stmt: &Input{Name: id("image"), Type: &Type{DType: id("f32"), Dims: []*Number{num("1"), num("28"), num("28")}}}},
				{Stmt: &Binding{Name: id("h"), Value: &Call{Func: id("dense"), Args: []*Arg{{Value: id("image")}, {Value: num("32")}}}}, Comment: "// was 120"},
				{Stmt: &Binding{Output: true, Name: id("logits"), Value: &Call{Func: id("dense"), Args: []*Arg{{Value: id("h")}, {Value: num("10")}}}}},
				{},
				{Stmt: &Block{Kind: "train", Body: []*Line{
					{Stmt: &Setting{Name: id("epochs"), Value: num("5")}},
				}}},
			},
		},
	}
	want := `// student of lenet5
model student {
  input image: f32[1, 28, 28]
  h = dense(image, 32)  // was 120
  output logits = dense(h, 10)

  train {
    epochs = 5
  }
}
`
	got := Format(f)
	if d := cmp.Diff(want, string(got)); d != "" {
		t.Errorf("Format (-want +got):\n%s", d)
	}
	checkInvariants(t, got)
}

func TestFormatLenet5(t *testing.T) {
	// The spec's example is in canonical form already.
	f, err := Parse("lenet5.kiln", []byte(lenet5))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(lenet5, string(Format(f))); d != "" {
		t.Errorf("Format (-source +formatted):\n%s", d)
	}
}
