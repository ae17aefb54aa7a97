package compiler_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
)

// quantizeExample runs the whole pipeline on an example with random
// weights and synthetic calibration data.
func quantizeExample(t *testing.T, path string) (shadow, q *ir.Graph, c *passes.Context, calib *passes.Calibration) {
	t.Helper()
	p, _, err := frontend.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 3)
	set := testmodels.Synthetic(g, 96, 4)
	calib = &passes.Calibration{Data: testmodels.Feed(g, set, 32), Method: "minmax"}
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Quantized, Calibration: calib})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r.Float, r.Graph, r.Context, calib
}

// TestQuantizedExamples quantizes every example: the result verifies,
// runs on the integer reference executor close to its float shadow,
// quantizes every op, and its text form round-trips.
func TestQuantizedExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.kiln")
	if len(files) < 8 {
		t.Fatalf("examples: %v", files)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			shadow, q, c, calib := quantizeExample(t, path)
			if len(c.Float) > 0 {
				t.Errorf("ops left in float: %v", c.Float)
			}
			for _, opt := range []ir.PrintOptions{{}, {Weights: true}} {
				text := q.Format(opt)
				back, err := ir.Parse("q.ir", []byte(text))
				if err != nil {
					t.Fatalf("the quantized IR does not parse: %v\n%s", err, text)
				}
				if again := back.Format(opt); again != text {
					t.Fatalf("print -> parse -> print differs:\n%s\n---\n%s", text, again)
				}
			}
			r, err := passes.Compare(shadow, q, c, calib.Data)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range r.Layers {
				if !(l.Cosine > 0.98) {
					t.Errorf("%s (%s): cosine %.4f against the float shadow", l.Name, l.Op, l.Cosine)
				}
			}
		})
	}
}

// TestVerifierRejectsBadQuantization edits the text of a quantized graph
// and expects the parser's verification to name each problem.
func TestVerifierRejectsBadQuantization(t *testing.T) {
	_, q, _, _ := quantizeExample(t, "../examples/lenet5.kiln")
	text := q.String()
	line := func(prefix string) string {
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
		t.Fatalf("no line starts with %q:\n%s", prefix, text)
		return ""
	}
	c1, p1, bias, logits := line("%c1.q = "), line("%p1.q = "), line("param %c2.bias.q"), line("%logits.q = ")
	// withQuant replaces a line's quantization parameters ("" drops them).
	withQuant := func(l, q string) string {
		return l[:strings.Index(l, " q(")] + q + l[strings.Index(l, ")  //")+1:]
	}
	cases := []struct {
		name, old, new, want string
	}{
		{"missing parameters", c1, withQuant(c1, ""), "an i8 value needs quantization parameters"},
		{"pool rescales", p1, withQuant(p1, " q(0.5, 3)"), "must equal the operand's"},
		{"bias scale", bias, strings.Replace(bias, "q([", "q([0.125, ", 1), "bias"},
		{"zero point range", logits, withQuant(logits, " q(0.25, 200)"), "zero point 200 is outside the range of i8"},
		{"negative scale", logits, withQuant(logits, " q(-0.25, 0)"), "scale -0.25 is not a positive finite number"},
	}
	for _, c := range cases {
		bad := strings.Replace(text, c.old, c.new, 1)
		if bad == text {
			t.Fatalf("%s: the edit changed nothing", c.name)
		}
		_, err := ir.Parse("q.ir", []byte(bad))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
		t.Logf("%s: %v", c.name, err)
	}
}

const everyOpModel = `model every {
  input x: f32[2, 8, 8]
  input v: f32[6]
  a = avgpool(x, 2, pad=1)
  c = concat(flatten(a), v * 2.5, axis=0)
  p = softmax(dense(c, 5))
  t = tanh(dense(c, 4))
  r = relu(v)
  d = dense(r, 4) - t
  m = d * t
  k = sum(reshape(m, [2, 2]), axis=1)
  hs = hard_swish(dense(c, 4))
  hg = hard_sigmoid(dense(c, 3))
  output p
  output k
  output hs
  output hg
}
`

// TestQuantizeEveryOp covers the int8 ops the examples do not use: average
// pooling with padding, concatenation of differently scaled inputs, a
// multiplication by a constant, softmax, tanh, a standalone relu (a
// requantization with a clamp), subtraction, multiplication, reshape, a
// sum, and MobileNetV3's hard swish and hard sigmoid.
func TestQuantizeEveryOp(t *testing.T) {
	p, err := frontend.Compile("every.kiln", []byte(everyOpModel))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 7)
	set := testmodels.Synthetic(g, 128, 8)
	calib := &passes.Calibration{Data: testmodels.Feed(g, set, 32), Method: "minmax"}
	res, err := compiler.Compile(g, compiler.Options{Until: compiler.Quantized, Calibration: calib})
	if err != nil {
		t.Fatal(err)
	}
	shadow, c := res.Float, res.Context
	if len(c.Float) > 0 {
		t.Errorf("ops left in float: %v", c.Float)
	}
	ops := map[string]bool{}
	for _, v := range g.Values {
		ops[v.Op.Name] = true
	}
	for _, want := range []string{"qavgpool", "qconcat", "qmul", "qsoftmax", "qtanh", "qrequantize", "qsub", "qsum", "reshape", "flatten", "qhard_swish", "qhard_sigmoid"} {
		if !ops[want] {
			t.Errorf("no %s in the quantized graph:\n%s", want, g)
		}
	}
	r, err := passes.Compare(shadow, g, c, calib.Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range r.Layers {
		if !(l.Cosine > 0.99) || !(l.SQNR > 20) {
			t.Errorf("%s (%s): SQNR %.1f dB, cosine %.4f", l.Name, l.Op, l.SQNR, l.Cosine)
		}
	}
	var b strings.Builder
	r.Write(&b)
	t.Log("\n" + b.String())
	text := g.String()
	back, err := ir.Parse("q.ir", []byte(text))
	if err != nil || back.String() != text {
		t.Fatalf("round trip: %v", err)
	}
}
