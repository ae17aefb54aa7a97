package compiler_test

import (
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
)

const mlp = `model m {
  input x: f32[8]
  h = relu(dense(dropout(x, 0.5), 6))
  output y = dense(h, 3)
}
`

func graph(t *testing.T) *ir.Graph {
	t.Helper()
	p, err := frontend.Compile("m.kiln", []byte(mlp))
	if err != nil {
		t.Fatal(err)
	}
	testmodels.Randomize(p.Graph, 1)
	return p.Graph
}

func calibration(g *ir.Graph) *passes.Calibration {
	return &passes.Calibration{Data: testmodels.Feed(g, testmodels.Synthetic(g, 32, 2), 16), Method: "minmax"}
}

func switches(t *testing.T, specs ...string) passes.Switches {
	t.Helper()
	sw, err := passes.ParseSwitches(specs...)
	if err != nil {
		t.Fatal(err)
	}
	return sw
}

// TestStages: each stage stops where it says, and the float shadow is a
// copy once the pipeline goes on.
func TestStages(t *testing.T) {
	g := graph(t)
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Float})
	if err != nil {
		t.Fatal(err)
	}
	if r.Graph != r.Float || r.Bytecode != nil || strings.Contains(r.Graph.String(), "dropout") {
		t.Errorf("float stage: %s", r.Graph)
	}
	g = graph(t)
	r, err = compiler.Compile(g, compiler.Options{Until: compiler.Bytecode, Calibration: calibration(g)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Float == r.Graph || len(r.Bytecode) == 0 || !strings.Contains(r.Graph.String(), "qdense") || strings.Contains(r.Float.String(), "qdense") {
		t.Errorf("bytecode stage: float %s\nint8 %s", r.Float, r.Graph)
	}
	if _, err := compiler.Compile(graph(t), compiler.Options{Until: compiler.Quantized}); err == nil || !strings.Contains(err.Error(), "calibration") {
		t.Errorf("quantizing without data: %v", err)
	}
}

// TestSwitches: an optional pass turns off, a required one refuses, and
// dump and time print what they say.
func TestSwitches(t *testing.T) {
	g := graph(t)
	var out strings.Builder
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode, Calibration: calibration(g),
		Switches: switches(t, "fuse-activations/off,all/time", "quantize/dump"), Dump: &out})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Graph.String(), "qrequantize") {
		t.Errorf("with fuse-activations off the relu should stay a requantization:\n%s", r.Graph)
	}
	for _, want := range []string{"// pass remove-dropout:", "// pass quantize:", "// after quantize\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "// pass fuse-activations:") {
		t.Errorf("a pass that is off ran:\n%s", out.String())
	}
	for _, name := range []string{"remove-dropout", "calibrate", "quantize"} {
		g := graph(t)
		_, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode, Calibration: calibration(g), Switches: switches(t, name+"/off")})
		if err == nil || !strings.Contains(err.Error(), "pass "+name+" cannot be turned off") {
			t.Errorf("%s/off: %v", name, err)
		}
	}
	for _, bad := range []string{"frobnicate/off", "quantize/explode", "quantize"} {
		if _, err := passes.ParseSwitches(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	err = (&passes.Config{Options: map[string]any{"remove-dropout": 1}}).Check(nil)
	if err == nil || !strings.Contains(err.Error(), "takes no options") {
		t.Errorf("options for remove-dropout: %v", err)
	}
}

// TestExplicitPasses: kiln ir's --passes runs exactly the passes named,
// and none of a later stage.
func TestExplicitPasses(t *testing.T) {
	g := graph(t)
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Float, Passes: []string{"remove-dropout"}})
	if err != nil {
		t.Fatal(err)
	}
	ops := map[*ir.Op]bool{}
	for _, v := range r.Graph.Values {
		ops[v.Op] = true
	}
	if ops[ir.OpDropout] || !ops[ir.OpRelu] {
		t.Errorf("only remove-dropout should have run:\n%s", r.Graph)
	}
	if _, err := compiler.Compile(graph(t), compiler.Options{Until: compiler.Float, Passes: []string{"quantize"}}); err == nil {
		t.Error("quantize ran at the float stage")
	}
}

// TestSource compiles from source text: a checked program and its graph,
// or the frontend's positioned errors.
func TestSource(t *testing.T) {
	prog, r, err := compiler.Source("m.kiln", []byte(mlp), compiler.Options{Until: compiler.Float})
	if err != nil {
		t.Fatal(err)
	}
	if prog.Graph != r.Graph || r.Graph.Name != "m" {
		t.Errorf("program %v, result %v", prog.Graph.Name, r.Graph.Name)
	}
	_, _, err = compiler.Source("bad.kiln", []byte("model m {\n  input x: f32[8]\n  output y = dense(z, 3)\n}\n"), compiler.Options{})
	if err == nil || !strings.Contains(err.Error(), "bad.kiln:3:") {
		t.Errorf("an undefined name: %v", err)
	}
}

// TestEncodeText: the int8 graph's text form, with the weights whole, reads
// back (ir.Parse) and encodes to the same bytes as the build that made it;
// with the weights summarized it is refused.
func TestEncodeText(t *testing.T) {
	g := graph(t)
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Bytecode, Calibration: calibration(g)})
	if err != nil {
		t.Fatal(err)
	}
	back, err := ir.Parse("m.kir", []byte(r.Graph.Format(ir.PrintOptions{Weights: true})))
	if err != nil {
		t.Fatal(err)
	}
	b, err := compiler.Encode(back, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(r.Bytecode) {
		t.Errorf("Encode of the parsed text: %d bytes, differing from the build's %d", len(b), len(r.Bytecode))
	}
	summarized, err := ir.Parse("m.kir", []byte(r.Graph.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compiler.Encode(summarized, compiler.Options{}); err == nil || !strings.Contains(err.Error(), "has no data (the IR text gave only its summary)") {
		t.Errorf("Encode with summarized weights: %v", err)
	}
}
