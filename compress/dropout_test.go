package compress

import (
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
)

// TestRemoveDropout: every dropout call goes, nested or whole, and the
// model it leaves checks and computes what the teacher computes at
// inference (the same ops but dropout).
func TestRemoveDropout(t *testing.T) {
	const src = `model m {
  input x: f32[6]
  h1 = relu(dense(dropout(x, rate=0.2), 8))  // kept comment
  d = dropout(h1, rate=0.5)
  a = dense(d, 3)
  b = dense(dropout(h1, 0.1), 3)
  output y = a + b
}
`
	f, err := lang.Parse("m.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if n := RemoveDropout(f); n != 3 {
		t.Errorf("removed %d dropouts, want 3", n)
	}
	out := string(lang.Format(f))
	if strings.Contains(out, "dropout") || !strings.Contains(out, "// kept comment") {
		t.Fatalf("after RemoveDropout:\n%s", out)
	}
	before, err := frontend.Compile("m.kiln", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	after, err := frontend.Compile("m.kiln", []byte(out))
	if err != nil {
		t.Fatalf("the model without dropout does not check: %v\n%s", err, out)
	}
	count := func(g *ir.Graph) map[string]int {
		ops := map[string]int{}
		for _, v := range g.Values {
			if !v.IsSource() && v.Op != ir.OpDropout {
				ops[v.Op.Name]++
			}
		}
		return ops
	}
	b, a := count(before.Graph), count(after.Graph)
	if len(a) != len(b) {
		t.Fatalf("ops before %v, after %v", b, a)
	}
	for op, n := range b {
		if a[op] != n {
			t.Errorf("%s: %d before, %d after", op, n, a[op])
		}
	}
}
