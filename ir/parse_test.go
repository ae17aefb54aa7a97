package ir

import (
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// sampleGraph builds a small graph that touches every part of the text
// form: inputs, summarised and whole data, attributes, quantization
// parameters, positions (one with a file name that needs quoting).
func sampleGraph() *Graph {
	g := NewGraph("sample")
	pos := func(l, c int) source.Pos { return source.Pos{File: "sample.kiln", Line: l, Col: c} }
	x := g.AddInput("image", Batched(tensor.F32, 1, 6, 6), pos(2, 9))
	w := g.AddParam("c1.weight", Unbatched(tensor.F32, 2, 1, 3, 3), pos(3, 8))
	w.Data = tensor.New(tensor.F32, 2, 1, 3, 3)
	for i := range w.Data.F32 {
		w.Data.F32[i] = float32(i)/7 - 1
	}
	b := g.AddParam("c1.bias", Unbatched(tensor.F32, 2), pos(3, 8))
	c1, _ := g.AddOp("c1.conv2d", OpConv2D, []*Value{x, w, b}, Attrs{"pad": []int{1, 1}}, pos(3, 8))
	r, _ := g.AddOp("c1", OpRelu, []*Value{c1}, nil, pos(3, 3))
	p, _ := g.AddOp("p1", OpMaxPool, []*Value{r}, Attrs{"size": []int{2, 2}}, source.Pos{File: "my models/x.kiln", Line: 4, Col: 3})
	half := g.AddConst("p1.const", tensor.FromF32([]float32{0.5}), pos(5, 12))
	m, _ := g.AddOp("scaled", OpMul, []*Value{p, half}, nil, pos(5, 10))
	f, _ := g.AddOp("flat", OpFlatten, []*Value{m}, nil, source.Pos{})
	q := g.AddParam("q.weight", Unbatched(tensor.I8, 2, 3), source.Pos{})
	q.Quant = &QuantParams{Scale: []float32{0.25, 0.125}, Zero: []int32{0}, Axis: 0}
	q.Data = &tensor.Tensor{DType: tensor.I8, Shape: []int{2, 3}, I8: []int8{-127, 0, 127, 1, 2, 3}}
	s, _ := g.AddOp("sm", OpSoftmax, []*Value{f}, nil, pos(7, 3))
	g.Outputs = []*Value{s, f}
	return g
}

func TestTextRoundTrip(t *testing.T) {
	g := sampleGraph()
	if err := Verify(g); err != nil {
		t.Fatal(err)
	}
	for _, opt := range []PrintOptions{{}, {Weights: true}} {
		text := g.Format(opt)
		h, err := Parse("sample.ir", []byte(text))
		if err != nil {
			t.Fatalf("parse (weights=%v): %v\n%s", opt.Weights, err, text)
		}
		if again := h.Format(opt); again != text {
			t.Errorf("print -> parse -> print differs (weights=%v):\n--- first\n%s--- second\n%s", opt.Weights, text, again)
		}
		if opt.Weights {
			hw := h.Lookup("c1.weight")
			if hw.Data == nil || !tensor.Equal(hw.Data, g.Lookup("c1.weight").Data) {
				t.Errorf("whole weights did not read back bit for bit")
			}
		}
	}
	text := g.String()
	for _, want := range []string{
		"input %image : f32[N,1,6,6]  // sample.kiln:2:9",
		"%c1.conv2d = conv2d %image, %c1.weight, %c1.bias {pad=[1,1]} : f32[N,2,6,6]  // 648 MACC  sample.kiln:3:8",
		"%p1 = maxpool %c1 {size=[2,2], stride=[2,2]} : f32[N,2,3,3]  // \"my models/x.kiln\":4:3",
		"const %p1.const : f32[] = [0.5]",
		"param %q.weight : i8[2,3] q([0.25, 0.125], 0, axis=0) = data(sha256=",
		"param %c1.bias : f32[2]  // sample.kiln:3:8",
		"output %sm\noutput %flat\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text form lacks %q:\n%s", want, text)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"", "x.ir:1:1: empty IR: expected \"model NAME\""},
		{"input %x : f32[N,2]", "x.ir:1:1: expected \"model NAME\" before \"input\""},
		{"model m\ninput %x : f32[N,2]\n%y = frob %x : f32[N,2]\noutput %y", "x.ir:3:6: unknown op \"frob\""},
		{"model m\ninput %x : f32[N,2]\n%y = relu %z : f32[N,2]\noutput %y", "x.ir:3:11: %z is not defined"},
		{"model m\ninput %x : f32[N,2]\n%y = relu %x : f32[N,3]\noutput %y", "x.ir:3:1: %y: declared type f32[N,3], but relu gives f32[N,2]"},
		{"model m\ninput %x : f32[N,2]\n%x = relu %x : f32[N,2]\noutput %x", "x.ir:3:1: %x is already defined"},
		{"model m\ninput %x : f32[N,2]\n%y = relu %x {alpha=1} : f32[N,2]\noutput %y", "x.ir:3:15: relu has no attribute \"alpha\""},
		{"model m\ninput %x : f32[2]\noutput %x", "x.ir:2:7: input %x must be batched (its shape starts with N)"},
		{"model m\ninput %x : f64[N,2]\noutput %x", "x.ir:2:12: unknown dtype \"f64\" (want f32, i32, i8 or u8)"},
		{"model m\nparam %w : f32[3] = [1, 2]\ninput %x : f32[N,2]\noutput %x", "x.ir:2:26: data has 2 elements, f32[3] needs 3"},
		{"model m\ninput %x : i8[N,2] q(0, 300)\noutput %x", "x.ir:2:7: %x: scale 0 is not a positive finite number"},
		{"model m\ninput %x : f32[N,2]\n", "graph m has no output"},
		{"model m\ninput %x : f32[N,2] $\noutput %x", "x.ir:2:21: unexpected character '$'"},
		{"model m\ninput %x : f32[N,2]\n%y = relu %x : f32[N,2\noutput %y", "x.ir:3:23: expected \",\" or \"]\", found end of line"},
		{"model m\ninput \xff", "x.ir:2:7: invalid UTF-8 encoding"},
	}
	for _, c := range cases {
		_, err := Parse("x.ir", []byte(c.src))
		got := "<nil>"
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func FuzzParseIR(f *testing.F) {
	g := sampleGraph()
	f.Add(g.String())
	f.Add(g.Format(PrintOptions{Weights: true}))
	f.Add("model m\ninput %x : f32[N,2,3]\n%y = sum %x {axis=[0], keepdims=true} : f32[N,1,3]\noutput %y\n")
	f.Add("model m\ninput %x : i32[N,3]\nparam %e : f32[10,4] = data(sha256=0123456789abcdef, min=-1, max=1)\n%y = embedding %x, %e : f32[N,3,4]\n%z = fm %y : f32[N,1]\noutput %z\n")
	f.Add("model m\ninput %a : f32[N,2]\ninput %b : f32[N,3]\n%c = concat %a, %b {axis=0} : f32[N,5]\n%d = reshape %c {shape=[5,1]} : f32[N,5,1]\noutput %d\n")
	f.Fuzz(func(t *testing.T, src string) {
		g, err := Parse("f.ir", []byte(src))
		if err != nil {
			return
		}
		for _, opt := range []PrintOptions{{}, {Weights: true}} {
			text := g.Format(opt)
			h, err := Parse("f.ir", []byte(text))
			if err != nil {
				t.Fatalf("printed graph does not parse: %v\n%s", err, text)
			}
			if again := h.Format(opt); again != text {
				t.Fatalf("print -> parse -> print differs:\n%s\n---\n%s", text, again)
			}
		}
	})
}
