package runtime

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kiln-nn/kiln/internal/testbuild"
	"github.com/kiln-nn/kiln/internal/testmodels"
)

// BenchmarkOpCosts times each instruction of every example and of
// testdata/ops.kbc (every opcode) at batch 64 on one thread, and reports
// per opcode the picoseconds its kernels take per multiply-accumulate of
// work that exampleWork estimates: the costs in threads.go are right for
// an opcode when it reports about 15 (the AVX2 dense kernel's time per
// multiply-accumulate, which minWork assumes).
//
//	go test ./runtime -run '^$' -bench OpCosts
func BenchmarkOpCosts(b *testing.B) {
	const n = 64
	type total struct{ ns, work float64 }
	byOp := map[string]*total{}
	files, _ := filepath.Glob("../examples/*.kiln")
	for _, path := range append(files, "testdata/ops.kbc") {
		m, in := costModel(b, path, n)
		s, err := m.NewSession(n)
		if err != nil {
			b.Fatal(err)
		}
		s.bind(n, in, nil)
		for i, ti := range m.inputs {
			s.views[ti].f32, s.views[ti].i32 = in[i].F32, in[i].I32
		}
		for k := range m.code {
			if err := s.exec(k, n, false); err != nil {
				b.Fatal(err)
			}
		}
		for k := range m.code {
			work, ok := m.exampleWork(&m.code[k])
			if !ok {
				continue
			}
			const reps = 100
			t0 := time.Now()
			for range reps {
				s.exec(k, n, false)
			}
			op := m.code[k].op.String()
			if byOp[op] == nil {
				byOp[op] = &total{}
			}
			byOp[op].ns += float64(time.Since(t0).Nanoseconds()) / reps
			byOp[op].work += float64(work * n)
		}
	}
	ops := make([]string, 0, len(byOp))
	for op := range byOp {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	for _, op := range ops {
		b.Run(op, func(b *testing.B) {
			for b.Loop() {
			}
			b.ReportMetric(1000*byOp[op].ns/byOp[op].work, "ps/mac")
		})
	}
}

// costModel loads an example (with random weights) or a .kbc file and
// makes a batch of n inputs for it: floats in [-1, 1], ids 0 to 2.
func costModel(b *testing.B, path string, n int) (*Model, []Value) {
	var file []byte
	if filepath.Ext(path) == ".kbc" {
		var err error
		if file, err = os.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	} else {
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := testbuild.Compile(filepath.Base(path), src, nil)
		if err != nil {
			b.Fatal(err)
		}
		file = r.Bytecode
		m, err := Load(file, nil)
		if err != nil {
			b.Fatal(err)
		}
		var in []Value
		for _, x := range testmodels.Synthetic(r.Float, n, 1).Inputs {
			in = append(in, Value{F32: x.T.F32, I32: x.T.I32})
		}
		return m, in
	}
	m, err := Load(file, nil)
	if err != nil {
		b.Fatal(err)
	}
	var in []Value
	for _, info := range m.Inputs() {
		size := n
		for _, d := range info.Shape {
			size *= d
		}
		if info.DType == I32 {
			ids := make([]int32, size)
			for j := range ids {
				ids[j] = int32(j % 3)
			}
			in = append(in, Value{I32: ids})
			continue
		}
		f := make([]float32, size)
		for j := range f {
			f[j] = float32(j%17)/8 - 1
		}
		in = append(in, Value{F32: f})
	}
	return m, in
}
