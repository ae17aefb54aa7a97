package lang

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"github.com/kiln-nn/kiln/source"
)

// sameTree compares ASTs, ignoring positions and blank lines (which the
// formatter drops or collapses).
var sameTree = cmp.Options{
	cmpopts.IgnoreTypes(source.Pos{}),
	cmp.Transformer("nonblank", func(lines []*Line) []*Line {
		var out []*Line
		for _, l := range lines {
			if l.Stmt != nil || l.Comment != "" {
				out = append(out, l)
			}
		}
		return out
	}),
}

var fuzzSeeds = []string{
	"",
	"// only a comment\n",
	lenet5,
	"model m {\n}\n",
	"model m {\r\n  input x: f32[2]\r\n  output y = -x * 2 + 1 // c\r\n}\r\n",
	"model m {\n  x = f(a, k=[1, 2.5, \"s\\n\"], b=-(c - d))\n  output x\n}",
	"model m {\n  train {\n    epochs = 1\n  }\n  compile {\n  }\n}\n// end\n",
	"model m {\n  x = relu(conv2d(a, filters=6)\n  y = $\n  z = [1, 2\n}\n",
	"model m {\n  train {\n    a = 1\n}\n",
	"model m {\n  input model: f32[1.5]\n  x = 1.2.3\n  s = \"\\q\"\n}\n",
	"x = 1\n}\n",
	"model a {\n}\nmodel b {\n}\n",
	"model m {\n  foo {\n    a = 1\n  }\n  train\n  {\n  }\n}\n",
	"model m {\n  x = ((((a))))\n  y = ----b\n}\n",
	"\xef\xbb\xbfmodel m {\n}",
	"model m {\n\x00\n}\n",
	"model m {\n  x = \xff\n}\n",
}

// FuzzParse checks checkInvariants on any input. Plain go test runs it on
// the seeds below, the golden format files and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("testdata/format/*.txtar")
	for _, name := range files {
		if ar, err := txtar.ParseFile(name); err == nil {
			for _, file := range ar.Files {
				f.Add(file.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkInvariants(t, src)
	})
}

// checkInvariants checks what must hold for any input: Parse does not
// panic; a rejected file gets sensible errors from the line-by-line check;
// an accepted file passes that check too, and formats to text that parses
// to the same tree and formats to itself.
func checkInvariants(t *testing.T, src []byte) {
	t.Helper()
	file, p := parse("fuzz.kiln", src)
	if p.errs.Len() > 0 {
		if p.fellBack {
			t.Fatalf("the line-by-line check missed the grammar's error %v in\n%q", &p.errs, src)
		}
		if len(p.errs.Errs) > source.MaxErrors {
			t.Fatalf("%d errors kept", len(p.errs.Errs))
		}
		for _, e := range p.errs.Errs {
			checkPos(t, src, e)
		}
		return
	}
	if file == nil {
		t.Fatalf("no file and no error for %q", src)
	}
	p.diagnose()
	if p.errs.Len() > 0 {
		t.Fatalf("the line-by-line check rejects what the grammar accepts:\n%v\nin %q", &p.errs, src)
	}
	out := Format(file)
	file2, err := Parse("fuzz.kiln", out)
	if err != nil {
		t.Fatalf("formatted output does not parse: %v\n%s\nfrom %q", err, out, src)
	}
	if out2 := Format(file2); string(out2) != string(out) {
		t.Fatalf("Format is not idempotent:\n%s\nthen\n%s\nfrom %q", out, out2, src)
	}
	if d := cmp.Diff(file, file2, sameTree); d != "" {
		t.Fatalf("formatting changed the tree (-source +formatted):\n%s\nfrom %q", d, src)
	}
}

// checkPos checks that an error points into the source: at a character of
// a line, just after its end, or at the end of the file.
func checkPos(t *testing.T, src []byte, e *source.Error) {
	t.Helper()
	lines := strings.Split(string(src), "\n")
	if e.Pos.File != "fuzz.kiln" || e.Pos.Line < 1 || e.Pos.Line > len(lines) || e.Pos.Col < 1 {
		t.Fatalf("error %v is outside the file %q", e, src)
	}
	if strings.Contains(e.Msg, "UTF-8") {
		return // columns are counted in the valid prefix only
	}
	line := strings.TrimPrefix(lines[e.Pos.Line-1], "\uFEFF")
	if n := len([]rune(line)); e.Pos.Col > n+1 {
		t.Fatalf("error %v is past the end of line %q", e, line)
	}
}
