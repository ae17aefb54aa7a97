package tests

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
)

// FuzzCheck feeds arbitrary text through the whole front end (parser,
// name resolution, shape checking): it must never panic, and a program it
// accepts must give IR that prints, parses back and prints the same.
func FuzzCheck(f *testing.F) {
	examples, _ := filepath.Glob("../examples/*.kiln")
	for _, path := range examples {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	cases, _ := filepath.Glob("testdata/errors/*.txtar")
	for _, path := range cases {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if filepath.Ext(file.Name) == ".kiln" {
				f.Add(file.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		prog, err := frontend.Compile("fuzz.kiln", src)
		if err != nil {
			return
		}
		text := prog.Graph.String()
		g, err := ir.Parse("fuzz.ir", []byte(text))
		if err != nil {
			t.Fatalf("IR of an accepted program does not parse: %v\n%s", err, text)
		}
		if again := g.String(); again != text {
			t.Fatalf("IR round trip differs:\n%s\n---\n%s", text, again)
		}
	})
}
