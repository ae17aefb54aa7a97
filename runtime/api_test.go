package runtime

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// TestAPI keeps the exported surface to what an application that embeds
// the VM needs; the file format's details belong to internal/kbc.
func TestAPI(t *testing.T) {
	want := []string{
		"DType", "DType.String", "DefaultMaxFileSize", "DefaultMaxMemory", "DefaultMaxSessionMemory", "ErrChecksum", "F32", "I32", "I8", "InternalError", "InternalError.Error",
		"Load", "LoadFile",
		"Model", "Model.ArenaSize", "Model.Disassemble", "Model.Inputs", "Model.Kernels", "Model.Name", "Model.NewSession", "Model.Outputs",
		"Options",
		"Session", "Session.Capacity", "Session.Close", "Session.Model", "Session.Run", "Session.RunQuantized",
		"TensorInfo", "Value",
	}
	bp, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, bp.ImportPath)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			got = append(got, v.Names...)
		}
	}
	values(p.Consts)
	values(p.Vars)
	for _, f := range p.Funcs {
		got = append(got, f.Name)
	}
	for _, ty := range p.Types {
		got = append(got, ty.Name)
		values(ty.Consts)
		values(ty.Vars)
		for _, f := range ty.Funcs {
			got = append(got, f.Name)
		}
		for _, m := range ty.Methods {
			got = append(got, ty.Name+"."+m.Name)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("exported: %v\nwant:     %v", got, want)
	}
}

// TestDTypeMatchesFormat: the VM's element types convert from the file's
// and keep their numbers, names and sizes.
func TestDTypeMatchesFormat(t *testing.T) {
	for _, d := range []kbc.DType{kbc.F32, kbc.I32, kbc.I8} {
		r := dtypeOf(d)
		if uint8(r) != uint8(d) || r.String() != d.String() || r.size() != d.Size() {
			t.Errorf("kbc %v (%d, %d bytes) converts to %v (%d, %d bytes)", d, d, d.Size(), r, r, r.size())
		}
	}
}

// TestErrChecksum: a file whose checksum does not match is refused with
// ErrChecksum, which callers can test for.
func TestErrChecksum(t *testing.T) {
	b, err := os.ReadFile("testdata/tiny.kbc")
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if _, err := Load(b, nil); !errors.Is(err, ErrChecksum) {
		t.Errorf("got %v, want ErrChecksum", err)
	}
}

// TestDocExample: the program in the package comment is the package's
// Example, which go test runs: the same statements and the same output.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	// The comment's code blocks, without the comment's "//\t".
	var code []string
	for _, line := range strings.Split(string(doc), "\n") {
		if l, ok := strings.CutPrefix(line, "//\t"); ok {
			code = append(code, l)
		} else if line == "//" {
			code = append(code, "")
		}
	}
	body := between(code, "func main() {", "}")
	for i, l := range body {
		body[i] = strings.TrimPrefix(l, "\t")
	}
	printed := between(code, "model tiny: input x f32[4], output p f32[3]", "")
	printed = append([]string{"model tiny: input x f32[4], output p f32[3]"}, printed...)
	lines := strings.Split(string(ex), "\n")
	exBody := between(lines, "func Example() {", "\t// Output:")
	var want []string
	for _, l := range between(lines, "func Example() {", "}")[len(exBody)+1:] {
		want = append(want, strings.TrimPrefix(l, "\t// "))
	}
	for i, l := range exBody {
		exBody[i] = strings.TrimPrefix(l, "\t")
	}
	if fmt.Sprintf("%q", body) != fmt.Sprintf("%q", exBody) {
		t.Errorf("doc.go's program:\n%s\nexample_test.go's Example:\n%s", strings.Join(body, "\n"), strings.Join(exBody, "\n"))
	}
	if fmt.Sprintf("%q", printed) != fmt.Sprintf("%q", want) {
		t.Errorf("doc.go says the program prints:\n%s\nthe Example's output:\n%s", strings.Join(printed, "\n"), strings.Join(want, "\n"))
	}
}

// between returns the lines after the first one equal to from, up to the
// first one equal to to (or the end).
func between(lines []string, from, to string) []string {
	i := slices.Index(lines, from)
	if i < 0 {
		return nil
	}
	rest := lines[i+1:]
	if j := slices.Index(rest, to); j >= 0 {
		return rest[:j]
	}
	return rest
}

// TestCopiesRows checks which rescales an embedding's rows may be
// copied under: only one that gives every int8 value back.
func TestCopiesRows(t *testing.T) {
	for _, c := range []struct {
		r      ref.Requant
		offset int32
		want   bool
	}{
		{ref.Requant{Mult: 1 << 30, Shift: 1}, 0, true}, // the compiler's
		{ref.Requant{Mult: 1 << 30, Shift: 1}, 1, false},
		{ref.Requant{Mult: 1 << 30, Shift: 0}, 0, false},       // halves
		{ref.Requant{Mult: 1 << 30, Shift: 2}, 0, false},       // doubles, saturating
		{ref.Requant{Mult: 1<<31 - 1, Shift: 0}, 0, true},      // within rounding of 1
		{ref.Requant{Mult: 1<<30 + 1<<25, Shift: 1}, 0, false}, // 1 + 1/32: 100 -> 103
	} {
		if got := copiesRows(c.r, c.offset); got != c.want {
			t.Errorf("rescale %+v, offset %d: identity %v, want %v", c.r, c.offset, got, c.want)
		}
	}
}
