package compiler_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
)

// A model with two values no build can run (a softmax over the first
// axis, a sum over axes that are not adjacent) and some that look alike
// but can: a batch norm after a pooling (qbatchnorm), a dropout (removed),
// a softmax and a sum that the int8 kernels take.
const unbuildableModel = `model u {
  input x: f32[2, 4, 6]
  s = softmax(x, axis=0)
  r = sum(x, axis=[0, 2])
  b = batchnorm(maxpool(dropout(x), size=2))
  output y = concat(flatten(s), r, flatten(b), sum(softmax(x), axis=[1, 2]))
}
`

var wantUnbuildable = []string{
	"u.kiln:3:7: s (softmax) has no int8 form, so no build can run it: the int8 softmax (TFLite's) normalizes over the last axis only, " +
		"not over axis 0 of [2, 4, 6]: lay the values out so that the axis to normalize comes last and use axis=-1, " +
		"or leave the softmax out of the model and apply it to the float output",
	"u.kiln:4:7: r (sum) has no int8 form, so no build can run it: the int8 sum (TFLite's) reduces one run of adjacent axes, " +
		"not axes [0, 2] of [2, 4, 6]: reduce one run at a time, e.g. sum(sum(x, axis=[2]), axis=[0])",
}

func TestUnbuildable(t *testing.T) {
	p, err := frontend.Compile("u.kiln", []byte(unbuildableModel))
	if err != nil {
		t.Fatal(err)
	}
	before := p.Graph.String()
	l, err := compiler.Unbuildable(p.Graph)
	if err != nil {
		t.Fatal(err)
	}
	if l == nil {
		t.Fatal("nothing reported")
	}
	if got, want := l.Error(), strings.Join(wantUnbuildable, "\n"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if p.Graph.String() != before {
		t.Error("Unbuildable changed the graph")
	}

	// Quantizing fails with the same list, before calibration.
	testmodels.Randomize(p.Graph, 1)
	_, err = compiler.Compile(p.Graph, compiler.Options{Until: compiler.Bytecode})
	var ue *compiler.UnbuildableError
	if !errors.As(err, &ue) || ue.List.Error() != l.Error() {
		t.Fatalf("Compile: %v, want the unbuildable values", err)
	}

	// Fixed, it builds, and there is nothing to report.
	for _, src := range []string{mlp, strings.Replace(unbuildableModel, "axis=[0, 2]", "axis=[1, 2]", 1)} {
		p, err := frontend.Compile("m.kiln", []byte(strings.Replace(src, "softmax(x, axis=0)", "softmax(x, axis=-1)", 1)))
		if err != nil {
			t.Fatal(err)
		}
		if l, err := compiler.Unbuildable(p.Graph); err != nil || l != nil {
			t.Errorf("a buildable model: %v, %v", l, err)
		}
		g := p.Graph
		testmodels.Randomize(g, 1)
		if r, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode, Calibration: calibration(g)}); err != nil || len(r.Bytecode) == 0 {
			t.Errorf("building a buildable model: %v", err)
		}
	}
}

// TestFoldBatchNormOptional: a build does without fold-batchnorm, since a
// batch norm that is not folded runs as qbatchnorm.
func TestFoldBatchNormOptional(t *testing.T) {
	const src = "model bn {\n  input x: f32[2, 6, 6]\n  c = conv2d(x, 3, kernel=3)\n  output y = relu(batchnorm(c))\n}\n"
	for _, off := range []bool{false, true} {
		p, err := frontend.Compile("bn.kiln", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		g := p.Graph
		testmodels.Randomize(g, 3)
		opt := compiler.Options{Until: compiler.Bytecode, Calibration: calibration(g)}
		if off {
			opt.Switches = switches(t, "fold-batchnorm/off")
		}
		r, err := compiler.Compile(g, opt)
		if err != nil {
			t.Fatalf("fold-batchnorm off %v: %v", off, err)
		}
		if got := strings.Contains(r.Graph.String(), "qbatchnorm"); got != off || len(r.Bytecode) == 0 {
			t.Errorf("fold-batchnorm off %v: qbatchnorm in the graph %v:\n%s", off, got, r.Graph)
		}
	}
}
