package frontend

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const src = `model m {
  input image: f32[1, 8, 8]
  input ids: i32[2]
  c1 = relu(conv2d(image, 4, kernel=3, pad=1, bias=false))
  e = embedding(ids, vocab=50, dim=8)
  bn = batchnorm(c1, eps=0.001)
  h = dense(flatten(bn), 8) + sum(e, axis=0) * 0.5
  output y = softmax(h)

  train {
    data = "digits/train.npz"
    optimizer = sgd(momentum=0.9)
    epochs = 3
    lr = -1e-3
  }
}
`

// TestParameters checks parameter names, PyTorch layouts and the names of
// intermediate values.
func TestParameters(t *testing.T) {
	prog, err := Compile("dir/m.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range prog.Graph.Values {
		got = append(got, v.Op.Name+" "+v.Name+" "+v.Type.String())
	}
	want := []string{
		"input image f32[N,1,8,8]",
		"input ids i32[N,2]",
		"param c1.weight f32[4,1,3,3]",
		"conv2d c1.conv2d f32[N,4,8,8]",
		"relu c1 f32[N,4,8,8]",
		"param e.weight f32[50,8]",
		"embedding e f32[N,2,8]",
		"param bn.weight f32[4]",
		"param bn.bias f32[4]",
		"param bn.running_mean f32[4]",
		"param bn.running_var f32[4]",
		"batchnorm bn f32[N,4,8,8]",
		"flatten h.flatten f32[N,256]",
		"param h.weight f32[8,256]",
		"param h.bias f32[8]",
		"dense h.dense f32[N,8]",
		"sum h.sum f32[N,8]",
		"const h.const f32[]",
		"mul h.mul f32[N,8]",
		"add h f32[N,8]",
		"softmax y f32[N,8]",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("values (-want +got):\n%s", d)
	}
	if prog.Dir != "dir" {
		t.Errorf("Dir = %q", prog.Dir)
	}
	if a := prog.Graph.Lookup("bn").Attrs.Float("eps"); a != 0.001 {
		t.Errorf("eps = %v", a)
	}
	if c := prog.Graph.Lookup("h.const"); c.Data.F32[0] != 0.5 {
		t.Errorf("constant = %v", c.Data.F32)
	}
}

func TestSettings(t *testing.T) {
	prog, err := Compile("m.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if prog.Compile != nil {
		t.Error("a compile block appeared from nowhere")
	}
	opt := prog.Train.Get("optimizer").Value
	if opt.Kind != ConstCall || opt.Text != "sgd" || opt.Kwarg("momentum").Num != 0.9 || opt.String() != "sgd(momentum=0.9)" || opt.Args[0].Pos.String() != "m.kiln:12:21" {
		t.Errorf("optimizer = %v", opt)
	}
	if e := prog.Train.Get("epochs").Value; !e.IsInt || e.Num != 3 {
		t.Errorf("epochs = %v", e)
	}
	if lr := prog.Train.Get("lr").Value; lr.Num != -1e-3 || lr.String() != "-1e-3" {
		t.Errorf("lr = %v", lr)
	}
	if d := prog.Train.Get("data"); d.Value.Text != "digits/train.npz" || d.Pos.String() != "m.kiln:11:5" {
		t.Errorf("data = %v at %v", d.Value, d.Pos)
	}
}

// TestEverySetting: every setting, value and parameter the schema
// implements is accepted.
func TestEverySetting(t *testing.T) {
	for _, block := range []string{
		`data = "x.npy,y.npy"
    loss = distill(teacher="t.kiln", weights="t.safetensors", T=4, hard=0.5)
    optimizer = sgd(lr=0.1, momentum=0.9, weight_decay=0.001)
    schedule = step(every=2, gamma=0.5)
    epochs = 3
    batch = 8
    seed = 1
    l1 = 0.0001`,
		`loss = bce
    optimizer = adam(lr=0.001)
    weight_decay = 0.01
    schedule = cosine()`,
		`loss = mse
    optimizer = adam
    lr = 0.01
    momentum = 0.9
    schedule = constant`,
	} {
		file := "model m {\n  input x: f32[4]\n  output y = dense(x, 1)\n  train {\n    " + block + "\n  }\n" +
			"  compile {\n    quantize = int8\n    calibrate = \"x.npy,y.npy\"\n    samples = 64\n    target = bytecode\n  }\n}\n"
		if _, err := Compile("m.kiln", []byte(file)); err != nil {
			t.Errorf("%v\n%s", err, file)
		}
	}
}

// TestAllErrorsAtOnce checks that independent errors are all reported, in
// order, and that values built on a failed binding (h, y on e) add none.
func TestAllErrorsAtOnce(t *testing.T) {
	bad := strings.NewReplacer("kernel=3", "kernel=30", "vocab=50", "vocab=-1", "epochs = 3", "epochs = 3.5").Replace(src)
	_, err := Compile("m.kiln", []byte(bad))
	want := "m.kiln:4:13: conv2d: input f32[N,1,8,8] is smaller than the kernel [30,30] (padding [1,1], dilation [1,1])\n" +
		"m.kiln:5:7: embedding: vocab and dim must be positive, got vocab=-1 dim=8\n" +
		"m.kiln:13:14: epochs must be an integer, got 3.5"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestEmbeddingBag checks the call's attributes (pad and mode kept in the
// IR, vocab and dim sizing the table) and its errors at their positions.
func TestEmbeddingBag(t *testing.T) {
	prog, err := Compile("m.kiln", []byte("model m {\n  input ids: i32[3, 6]\n  g = embedding_bag(ids, vocab=20, dim=4, mode=\"sum\", pad=-1)\n  output y = embedding_bag(ids, vocab=9, dim=2) + 0 * sum(g, axis=[0, 1])\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	g, y := prog.Graph.Lookup("g"), prog.Graph.Lookup("y.embedding_bag")
	if g == nil || y == nil {
		t.Fatal("no embedding bags g and y.embedding_bag in the graph")
	}
	if got := g.Type.String() + " " + g.Args[1].Name + " " + g.Args[1].Type.String(); got != "f32[N,3,4] g.weight f32[20,4]" {
		t.Errorf("g: %s", got)
	}
	if g.Attrs.Int("pad") != -1 || g.Attrs.String("mode") != "sum" || y.Attrs.Int("pad") != 0 || y.Attrs.String("mode") != "mean" {
		t.Errorf("attributes: g %v, y %v", g.Attrs, y.Attrs)
	}
	for body, want := range map[string]string{
		"input ids: i32[4]\n  output y = embedding_bag(ids, vocab=10, dim=3, mode=\"max\")": "m.kiln:3:14: embedding_bag: attribute mode must be one of mean, sum, got \"max\"",
		"input ids: f32[4]\n  output y = embedding_bag(ids, vocab=10, dim=3)":               "m.kiln:3:14: embedding_bag: ids must be i32 [..., L] with the lists along the last axis, got f32[N,4]",
		"input ids: i32[4]\n  output y = embedding_bag(ids, vocab=0, dim=3)":                "m.kiln:3:14: embedding_bag: vocab and dim must be positive, got vocab=0 dim=3",
	} {
		_, err := Compile("m.kiln", []byte("model m {\n  "+body+"\n}\n"))
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}

// TestScoreItems checks the item table score_items creates and its
// errors at their positions.
func TestScoreItems(t *testing.T) {
	prog, err := Compile("m.kiln", []byte("model m {\n  input u: f32[2, 4]\n  output s = score_items(u, vocab=7, dim=4)\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := prog.Graph.Lookup("s")
	if got := s.Op.Name + " " + s.Type.String() + " " + s.Args[1].Name + " " + s.Args[1].Type.String(); got != "score_items f32[N,2,7] s.weight f32[7,4]" {
		t.Errorf("s: %s", got)
	}
	for body, want := range map[string]string{
		"input u: f32[4]\n  output y = score_items(u, vocab=10, dim=3)": "m.kiln:3:14: score_items: dim=3, but u f32[N,4] has 4 features",
		"input u: f32[4]\n  output y = score_items(u, vocab=0)":         "m.kiln:3:14: score_items: vocab must be positive, got 0",
		"input u: i32[4]\n  output y = score_items(u, vocab=2)":         "m.kiln:3:14: score_items: input must be f32, got i32[N,4]",
	} {
		_, err := Compile("m.kiln", []byte("model m {\n  "+body+"\n}\n"))
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}
