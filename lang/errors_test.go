package lang

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-nn/kiln/source"
)

// TestErrors pins the parser's messages and positions: file:line:col with
// columns counted in runes, every error of the file, one a line.
func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"empty file", "", []string{
			`e.kiln:1:1: empty file: expected "model NAME { ... }"`,
		}},
		{"comments only", "// a comment\n\n// another\n", []string{
			`e.kiln:4:1: empty file: expected "model NAME { ... }"`,
		}},
		{"invalid UTF-8", "model m {\n  x = \"\xff\"\n}\n", []string{
			`e.kiln:2:8: invalid UTF-8 encoding`,
		}},
		{"invalid UTF-8 after multibyte", "model m {\n  // é\xe9\n}\n", []string{
			`e.kiln:2:7: invalid UTF-8 encoding`,
		}},
		{"NUL byte", "model m {\n  x\x00 = 1\n}\n", []string{
			`e.kiln:2:4: invalid NUL character`,
		}},
		{"unknown character", "model m {\n  y = a $ b\n}\n", []string{
			`e.kiln:2:9: unexpected character "$"`,
		}},
		{"unknown character after multibyte", "model m {\n  s = \"é\" @ 1\n}\n", []string{
			`e.kiln:2:11: unexpected character "@"`,
		}},
		{"missing paren", "model lenet5 {\n  input image: f32[1, 28, 28]\n  c1 = relu(conv2d(image, filters=6, kernel=5, pad=2)\n  output c1\n}\n", []string{
			`e.kiln:3:54: expected ")" to close the call of relu (opened at 3:12), found end of line`,
		}},
		{"missing paren before comment", "model m {\n  x = (a  // sum\n}\n", []string{
			`e.kiln:2:9: expected ")" to close the parenthesis (opened at 2:7), found end of line`,
		}},
		{"extra paren", "model m {\n  p1 = maxpool(c1, size=2))\n}\n", []string{
			`e.kiln:2:27: unexpected ")" with no matching "("`,
		}},
		{"missing bracket", "model m {\n  compile {\n    kernel = [3, 3\n  }\n}\n", []string{
			`e.kiln:3:19: expected "]" to close the list (opened at 3:14), found end of line`,
		}},
		{"unterminated model", "model lenet5 {\n  input image: f32[1, 28, 28]\n", []string{
			`e.kiln:1:14: unterminated block: "model lenet5 {" has no closing "}"`,
		}},
		{"unterminated train block", "model m {\n  train {\n    epochs = 10\n}\n", []string{
			`e.kiln:2:9: unterminated block: "train {" has no closing "}"`,
		}},
		{"unterminated train block at the end", "model m {\n  train {\n    epochs = 10\n  }\n", []string{
			`e.kiln:1:9: unterminated block: "model m {" has no closing "}"`,
		}},
		{"nested block", "model m {\n  train {\n    compile {\n    }\n  }\n}\n", []string{
			`e.kiln:3:5: blocks do not nest: "compile {" inside "train {" (opened at 2:9)`,
		}},
		{"nested model", "model m {\n  model n {\n  }\n}\n", []string{
			`e.kiln:2:3: models do not nest: "model n {" inside "model m {" (opened at 1:9)`,
		}},
		{"statement after the model", "model m {\n}\nx = 1\ny = 2\n", []string{
			`e.kiln:3:1: unexpected "x" after the model's closing "}"`,
		}},
		{"text after the closing brace", "model m {\n  x = 1\n} junk\n", []string{
			`e.kiln:3:3: unexpected "junk" after "}"`,
		}},
		{"two models", "model a {\n}\nmodel b {\n}\n", []string{
			`e.kiln:3:1: unexpected "model" after the model's closing "}" (one model a file)`,
		}},
		{"missing header", "x = 1\ny = 2\n", []string{
			`e.kiln:1:1: expected "model NAME {", found "x"`,
		}},
		{"header without brace", "model m\n  x = 1\n}\n", []string{
			`e.kiln:1:8: expected "{" after "model m", found end of line`,
		}},
		{"header with a statement", "model m { x = 1\n}\n", []string{
			`e.kiln:1:11: unexpected "x" after "{": the model's body starts on the next line`,
		}},
		{"missing equals", "model m {\n  c1 relu(x)\n}\n", []string{
			`e.kiln:2:6: unexpected "relu", expected "="`,
		}},
		{"bad number", "model m {\n  lr = 1.2.3\n}\n", []string{
			`e.kiln:2:8: malformed number "1.2.3"`,
		}},
		{"number with letters", "model m {\n  lr = 3x + .5\n}\n", []string{
			`e.kiln:2:8: malformed number "3x"`,
			`e.kiln:2:13: malformed number ".5"`,
		}},
		{"unterminated string", "model m {\n  train {\n    data = \"mnist\n  }\n}\n", []string{
			`e.kiln:3:12: unterminated string`,
		}},
		{"bad escape", "model m {\n  s = \"a\\qb\"\n}\n", []string{
			`e.kiln:2:9: invalid escape sequence \q in string`,
		}},
		{"keywords as names", "model m {\n  output = 1\n  input train: f32[1]\n  x = model\n  compile = 2\n}\n", []string{
			`e.kiln:2:3: reserved word "output" cannot be used as a name`,
			`e.kiln:3:9: reserved word "train" cannot be used as a name`,
			`e.kiln:4:7: reserved word "model" cannot be used as a name`,
			`e.kiln:5:3: reserved word "compile" cannot be used as a name`,
		}},
		{"keyword as model name", "model input {\n}\n", []string{
			`e.kiln:1:7: reserved word "input" cannot be used as a name`,
		}},
		{"two statements on one line", "model m {\n  a = x b = y\n}\n", []string{
			`e.kiln:2:9: unexpected "b", expected end of line (one statement a line)`,
		}},
		{"three bad lines", "model m {\n  a = relu(\n  b = [1, 2,\n  c = a +\n  d = 2\n}\n", []string{
			`e.kiln:2:12: expected ")" to close the call of relu (opened at 2:11), found end of line`,
			`e.kiln:3:13: unexpected end of line, expected an expression`,
			`e.kiln:4:10: unexpected end of line, expected an expression`,
		}},
		{"missing separators", "model m {\n  x = f(a b)\n  y = [1 2]\n  input z: f32[1 2]\n  w = (a b)\n}\n", []string{
			`e.kiln:2:11: unexpected "b" in the call of f (opened at 2:8): expected "," or ")"`,
			`e.kiln:3:10: unexpected "2" in the list (opened at 3:7): expected "," or "]"`,
			`e.kiln:4:18: unexpected "2" in the shape (opened at 4:15): expected "," or "]"`,
			`e.kiln:5:10: unexpected "b" in the parenthesis (opened at 5:7): expected ")"`,
		}},
		{"missing argument", "model m {\n  x = f(a, )\n  y = (]\n  z = f(]\n}\n", []string{
			`e.kiln:2:12: unexpected ")", expected an expression`,
			`e.kiln:3:8: unexpected "]", expected an expression`,
			`e.kiln:4:9: unexpected "]" in the call of f (opened at 4:8): expected an argument or ")"`,
		}},
		{"float dimension", "model m {\n  input x: f32[2.5, 3]\n}\n", []string{
			`e.kiln:2:16: shape dimensions must be integers, found "2.5"`,
		}},
		{"missing shape", "model m {\n  input x: f32\n}\n", []string{
			`e.kiln:2:15: unexpected end of line, expected "["`,
		}},
		{"bad keyword arguments", "model m {\n  y = f(1=2, (k)=3)\n}\n", []string{
			`e.kiln:2:9: keyword argument name must be an identifier, found "1"`,
			`e.kiln:2:14: keyword argument name must be an identifier, found "(k)"`,
		}},
		{"unknown block", "model m {\n  foo {\n    a = 1\n  }\n  x =\n}\n", []string{
			`e.kiln:2:3: unknown block "foo": expected "train" or "compile"`,
			`e.kiln:5:6: unexpected end of line, expected an expression`,
		}},
		{"statement in a block", "model m {\n  train {\n    output y\n    1 = 2\n  }\n}\n", []string{
			`e.kiln:3:5: unexpected "output" in "train {": a block holds only settings (NAME = VALUE)`,
			`e.kiln:4:5: unexpected "1", expected a setting (NAME = VALUE)`,
		}},
		{"not a statement", "model m {\n  1 = 2\n}\n", []string{
			`e.kiln:2:3: unexpected "1", expected a statement`,
		}},
		{"block brace on the next line", "model m {\n  train\n  {\n    epochs = 1\n  }\n}\n", []string{
			`e.kiln:2:8: expected "{" after "train", found end of line`,
		}},
		{"closing brace after a statement", "model m {\n  x = 1 }\n}\n", []string{
			`e.kiln:2:9: unexpected "}": a closing brace goes on a line of its own`,
		}},
		{"CRLF", "model m {\r\n  x = (a\r\n}\r\n", []string{
			`e.kiln:2:9: expected ")" to close the parenthesis (opened at 2:7), found end of line`,
		}},
		{"no final newline", "model m {\n  x = 1", []string{
			`e.kiln:1:9: unterminated block: "model m {" has no closing "}"`,
		}},
		{"nested too deeply", "model m {\n  x = " + strings.Repeat("(", 101) + "a" + strings.Repeat(")", 101) + "\n}\n", []string{
			`e.kiln:2:107: expression nested too deeply (more than 100 levels)`,
		}},
		{"errors everywhere", "model m {\n  x = $\n  train {\n    y = [\n    output z\n  }\n  w = f(a,,)\n", []string{
			`e.kiln:1:9: unterminated block: "model m {" has no closing "}"`,
			`e.kiln:2:7: unexpected character "$"`,
			`e.kiln:4:10: expected "]" to close the list (opened at 4:9), found end of line`,
			`e.kiln:5:5: unexpected "output" in "train {": a block holds only settings (NAME = VALUE)`,
			`e.kiln:7:11: unexpected ",", expected an expression`,
		}},
		{"closing brace before the model", "}\nmodel m {\n}\n", []string{
			`e.kiln:1:1: unexpected "}" with no matching "{"`,
		}},
		{"extra closing brace", "model m {\n  x = a\n  }\n}\n", []string{
			`e.kiln:3:3: unexpected "}" with no matching "{"`,
		}},
		{"extra closing brace in a block", "model m {\n  train {\n    epochs = 1\n    }\n  }\n}\n", []string{
			`e.kiln:4:5: unexpected "}" with no matching "{"`,
		}},
		{"model inside a headerless file", "x = 1\ntrain {\n  model n {\n  }\n}\n", []string{
			`e.kiln:1:1: expected "model NAME {", found "x"`,
			`e.kiln:3:3: models do not nest: "model n {" inside the model`,
		}},
		{"block keyword without a block", "model m {\n  train }\n  x = 1\n}\n", []string{
			`e.kiln:2:9: expected "{" after "train", found "}"`,
		}},
		{"negative dimension", "model m {\n  input x: f32[-1]\n}\n", []string{
			`e.kiln:2:16: unexpected "-" in the shape (opened at 2:15): expected an integer or "]"`,
		}},
		{"two strings", "model m {\n  x = \"a\" \"b\"\n}\n", []string{
			`e.kiln:2:11: unexpected string "b", expected end of line`,
		}},
		{"long operator chain", "model m {\n  x = a" + strings.Repeat(" + a", 101) + "\n}\n", []string{
			`e.kiln:2:409: expression nested too deeply (more than 100 levels)`,
		}},
		{"too many errors", "model m {\n" + strings.Repeat("  x =\n", 25) + "}\n", append(repeatErr(2, 21),
			"(and 5 more errors)")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("e.kiln", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; parsed %+v", f)
			}
			var list *source.List
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, not a *source.List", err)
			}
			if f != nil {
				t.Errorf("a file came with the errors")
			}
			got := strings.Split(err.Error(), "\n")
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
			checkInvariants(t, []byte(tt.src))
		})
	}
}

// repeatErr is the error of the line `  x =` for lines from to to.
func repeatErr(from, to int) []string {
	var out []string
	for l := from; l <= to; l++ {
		out = append(out, "e.kiln:"+strconv.Itoa(l)+":6: unexpected end of line, expected an expression")
	}
	return out
}

// TestErrorRender checks that errors print with their source line and a
// caret under the right character.
func TestErrorRender(t *testing.T) {
	src := "model m {\n\tx = \"é\" $ 1\n}\n"
	_, err := Parse("r.kiln", []byte(src))
	want := "r.kiln:2:10: unexpected character \"$\"\n    \tx = \"é\" $ 1\n    \t        ^\n"
	if got := source.Render(err, []byte(src)); got != want {
		t.Errorf("Render:\n%s\nwant:\n%s", got, want)
	}
}
