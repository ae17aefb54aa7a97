package tests

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/backend/bytecode"
	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
)

// tinyKBC is the file the runtime's examples load; it is also a golden
// file for the format: a change to the encoder that changes its bytes
// shows here (go test ./tests -update rewrites it). It is encoded from
// tinyKIR, the quantized graph in text form with its weights whole, so
// that the check does not depend on the float kernels calibration ran on
// (the AVX2 and the portable SGEMM round differently).
const (
	tinyKBC = "../runtime/testdata/tiny.kbc"
	tinyKIR = "../runtime/testdata/tiny.kir"
)

const tinyModel = `// A tiny classifier: 4 features, 3 classes.
model tiny {
  input x: f32[4]
  h = relu(dense(x, 8))
  output p = softmax(dense(h, 3))
}
`

// opsModel runs every opcode of the VM; its .kbc (written by -update) is
// the runtime package's test data for hostile instructions.
const (
	opsModel = `// Every VM opcode at least once, small: test data for the loader.
model ops {
  input x: f32[2, 8, 8]
  input ids: i32[3]
  c = relu(conv2d(x, 4, kernel=3, pad=1))
  m = batchnorm(maxpool(c, size=2))
  a = avgpool(c, size=2)
  s = m + a
  d = m - a
  p = s * d
  g = global_avgpool(p)
  e = embedding(ids, vocab=20, dim=4)
  f = fm(e)
  b = bi_interaction(e)
  w = sum(embedding(ids, vocab=20, dim=1), axis=[0])
  o = embedding_bag(ids, vocab=20, dim=4, mode="sum")
  h = tanh(dense(relu(flatten(p)), 8))
  l = sigmoid(dense(h, 4))
  q = hard_swish(dense(h, 4))
  k = concat(g, l, b, hard_sigmoid(q))
  r = mean(reshape(k, [4, 4]), axis=[0])
  output y = softmax(dense(concat(k, r, f, w, o), 3))
}
`
	opsKBC = "../runtime/testdata/ops.kbc"
)

// TestOpsKBC checks that runtime/testdata/ops.kbc loads, runs and holds
// every opcode; -update rewrites it.
func TestOpsKBC(t *testing.T) {
	if *update {
		b, err := buildSource("ops.kiln", []byte(opsModel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(opsKBC, b.kbc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file, err := os.ReadFile(opsKBC)
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.Load(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	var dis strings.Builder
	m.Disassemble(&dis, 0)
	for op := kbc.Opcode(1); op < kbc.NumOpcodes; op++ {
		if !strings.Contains(dis.String(), " "+op.String()+" ") {
			t.Errorf("ops.kbc has no %v instruction", op)
		}
	}
}

func TestTinyKBCGolden(t *testing.T) {
	if *update {
		prog, err := frontend.Compile("tiny.kiln", []byte(tinyModel))
		if err != nil {
			t.Fatal(err)
		}
		g := prog.Graph
		testmodels.Randomize(g, 7)
		set := testmodels.Synthetic(g, 256, 8)
		if _, err := compiler.Compile(g, compiler.Options{Until: compiler.Quantized,
			Calibration: &passes.Calibration{Data: testmodels.Feed(g, set, 64), Method: "minmax"}}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tinyKIR, []byte(g.Format(ir.PrintOptions{Weights: true})), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(tinyKIR)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ir.Parse(tinyKIR, src)
	if err != nil {
		t.Fatal(err)
	}
	kbc, err := bytecode.Encode(g)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(tinyKBC, kbc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(tinyKBC)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(kbc, want) {
		t.Errorf("the encoder's output for the tiny model changed (%d bytes, was %d): if the format changed on purpose, bump kbc.Version and run go test ./tests -update", len(kbc), len(want))
	}
}
