package runtime

import (
	"errors"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// TestAPI keeps the exported surface to what an application that embeds
// the VM needs; the file format's details belong to internal/kbc.
func TestAPI(t *testing.T) {
	want := []string{
		"DType", "DType.String", "DefaultMaxFileSize", "DefaultMaxMemory", "ErrChecksum", "F32", "I32", "I8", "InternalError", "InternalError.Error",
		"Load", "LoadFile",
		"Model", "Model.ArenaSize", "Model.Disassemble", "Model.Inputs", "Model.Name", "Model.NewSession", "Model.Outputs",
		"Options",
		"Session", "Session.Capacity", "Session.Model", "Session.Run", "Session.RunQuantized",
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
