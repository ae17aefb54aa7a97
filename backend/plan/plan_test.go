package plan_test

import (
	"testing"

	"github.com/kiln-nn/kiln/backend/plan"
	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
)

// model has values that die early (their bytes are reused), element-wise
// ops whose operand dies with them (in place), an alias (flatten) and
// outputs, one of them computed early, and a value read again after an
// element-wise op that could have taken its bytes.
const model = `model m {
  input x: f32[2, 6, 6]
  c = relu(conv2d(x, 4, kernel=3, pad=1))
  p = maxpool(c, size=2)
  f = flatten(p)
  h = dense(f, 16)
  s = sigmoid(h + h)
  output z = tanh(h)
  output e = dense(f, 3)
  a = dense(s, 5)
  b = dense(s, 5)
  output y = a * b
}
`

func quantized(t *testing.T) *ir.Graph {
	t.Helper()
	p, err := frontend.Compile("m.kiln", []byte(model))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 1)
	calib := &passes.Calibration{Data: testmodels.Feed(g, testmodels.Synthetic(g, 16, 2), 8), Method: "minmax"}
	if _, err := compiler.Compile(g, compiler.Options{Until: compiler.Quantized, Calibration: calib}); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestArena checks the plan against its contract: offsets aligned and
// inside the arena; no two values live at once share bytes, except a
// result written over an operand that dies with an op that may run in
// place; the arena is smaller than the sum of all values (reuse happens);
// and at least one op runs in place.
func TestArena(t *testing.T) {
	g := quantized(t)
	p, err := plan.Arena(g)
	if err != nil {
		t.Fatal(err)
	}
	var code []*ir.Value
	for _, v := range g.Values {
		if !v.IsSource() && !v.Op.Alias {
			code = append(code, v)
		}
	}
	last := map[*ir.Value]int{}
	for k, v := range code {
		for _, a := range v.Args {
			last[plan.Root(a)] = k
		}
	}
	for _, o := range g.Outputs {
		last[plan.Root(o)] = len(code)
	}
	total, inPlace := 0, 0
	for k, v := range code {
		off, ok := p.Offset[v]
		if !ok || off%kbc.Align != 0 || off+plan.Bytes(v) > p.Size {
			t.Fatalf("%s: offset %d (planned %v) for %d bytes in a %d-byte arena", v.Name, off, ok, plan.Bytes(v), p.Size)
		}
		total += kbc.AlignUp(plan.Bytes(v))
		for _, w := range code[:k] {
			if last[w] < k {
				continue // dead before v is written
			}
			lo, hi := p.Offset[w], p.Offset[w]+plan.Bytes(w)
			if off >= hi || lo >= off+plan.Bytes(v) {
				continue
			}
			if last[w] == k && v.Op.InPlace() && off == lo && plan.Bytes(v) == plan.Bytes(w) {
				inPlace++
				continue
			}
			t.Errorf("%s is written over %s, which is still needed", v.Name, w.Name)
		}
	}
	if p.Size >= total {
		t.Errorf("arena %d bytes: no reuse (the values take %d)", p.Size, total)
	}
	if inPlace == 0 {
		t.Errorf("no op ran in place:\n%s", g)
	}
	t.Logf("%d values, %d bytes apart, arena %d bytes, %d in place", len(code), total, p.Size, inPlace)
}
