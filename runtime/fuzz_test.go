package runtime

import (
	"errors"
	"math"
	"os"
	"testing"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// FuzzAPI calls the public API with random arguments: capacities of any
// size or sign, wrong numbers of values, slices of the wrong dtype, nil,
// short or long, several slices in one Value, batch sizes that differ,
// NaN and infinities, out-of-range ids, both Run and RunQuantized, both
// kernel sets, one thread and two (splitting everything it can). Nothing may panic or return an *InternalError, and the
// fuzz test knows, from the documented rules alone, which calls must
// succeed: those must, and their outputs must equal the examples' run one
// at a time; the others must fail.
//
//	go test ./runtime -run '^$' -fuzz FuzzAPI -fuzztime 5m -fuzzminimizetime 10s
func FuzzAPI(f *testing.F) {
	var files [2][]byte
	for i, name := range []string{"tiny.kbc", "ops.kbc"} { // ops: two inputs, f32 and i32 ids
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		files[i] = b
	}
	f.Add(uint8(0), int64(4), []byte{})
	f.Add(uint8(1), int64(4), []byte{2})
	f.Add(uint8(2), int64(1), []byte{0, 0, 1, 3, 7})
	f.Add(uint8(3), int64(1<<40), []byte{1})
	f.Add(uint8(5), int64(-1), []byte{})
	f.Add(uint8(1), int64(3), []byte{4, 0, 0, 0, 9, 1})
	f.Add(uint8(0), int64(2), []byte{1, 0, 1, 4, 0})
	f.Add(uint8(9), int64(8), []byte{7, 3, 2, 250, 0, 1})
	f.Add(uint8(16), int64(8), []byte{5})
	f.Add(uint8(25), int64(8), []byte{7})
	f.Fuzz(func(t *testing.T, how uint8, capacity int64, spec []byte) {
		const sessionLimit = 64 << 10 // so that a fuzzed capacity allocates little
		opt := &Options{Portable: how&2 != 0, AllowNonFinite: how&4 != 0, MaxSessionMemory: sessionLimit}
		if how&16 != 0 {
			opt.Threads = 2
		}
		m, err := Load(files[how&1], opt)
		if err != nil {
			t.Fatal(err)
		}
		m.minWork = 1 // on two threads, split all that can be
		fuzzAPI(t, m, how&8 != 0, int(capacity), &specReader{b: spec})
	})
}

// specReader hands out the fuzzer's bytes, then zeros; zeros describe a
// valid call.
type specReader struct {
	b []byte
	i int
}

func (r *specReader) next() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func fuzzAPI(t *testing.T, m *Model, quantized bool, capacity int, r *specReader) {
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("panic: %v", p)
		}
	}()
	s, err := m.NewSession(capacity)
	if capacity < 1 {
		if err == nil {
			t.Fatalf("NewSession(%d) made a session", capacity)
		}
		return
	}
	if err != nil {
		// Only a session over the limit may be refused: one example more
		// than the largest that fits.
		if need, _, ok := m.sessionMemory(capacity, m.threads); ok || capacity <= 1 {
			t.Fatalf("NewSession(%d) (%s bytes): %v", capacity, need, err)
		}
		if capacity > 64 {
			return
		}
		// Go on with a session that fits, so that the run is fuzzed.
		capacity = 1
		if s, err = m.NewSession(capacity); err != nil {
			t.Fatal(err)
		}
	}
	n := int(r.next()%8) + 1 // the batch the arguments are meant for
	flags := r.next()
	vocab := idRange(m)
	value := func(t *tensor, want DType) Value {
		kind, delta, odd := r.next(), int(int8(r.next())), r.next()
		size := n * t.elems
		if kind&4 != 0 {
			size = max(size+delta, 0)
		}
		dt := want
		switch kind & 3 {
		case 1: // another dtype
			dt = []DType{F32, I32, I8}[(int(want)+int(kind>>3)%2)%3]
		case 2: // nil
			size = 0
		}
		var v Value
		switch dt {
		case F32:
			v.F32 = make([]float32, size)
			for i := range v.F32 {
				v.F32[i] = float32(i%7)/3 - 1
			}
			if odd != 0 && size > 0 {
				v.F32[int(odd)%size] = []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e30}[odd%4]
			}
		case I32:
			v.I32 = make([]int32, size)
			for i := range v.I32 {
				v.I32[i] = int32(r.next()) % (vocab + 2)
			}
		case I8:
			v.I8 = make([]int8, size)
			for i := range v.I8 {
				v.I8[i] = int8(r.next())
			}
		}
		if kind&3 == 3 { // a second slice
			if dt == I8 {
				v.F32 = make([]float32, 1)
			} else {
				v.I8 = make([]int8, 1)
			}
		}
		return v
	}
	var in, out []Value
	for _, i := range m.inputs {
		in = append(in, value(&m.tensors[i], argDType(&m.tensors[i], quantized)))
	}
	for _, o := range m.outputs {
		out = append(out, value(&m.tensors[o], outDType(&m.tensors[o], quantized)))
	}
	if flags&1 != 0 {
		in = in[:len(in)-1]
	}
	if flags&2 != 0 {
		out = append(out, Value{})
	}
	if flags&4 != 0 {
		in = nil
	}
	run := s.Run
	if quantized {
		run = s.RunQuantized
	}
	batch, why := wantRun(m, capacity, quantized, in, out)
	err = run(in, out)
	var ie *InternalError
	switch {
	case errors.As(err, &ie):
		t.Fatalf("internal error: %v", err)
	case why == "" && err != nil:
		t.Fatalf("a valid call (batch %d, capacity %d, quantized %v) failed: %v", batch, capacity, quantized, err)
	case why != "" && err == nil:
		t.Fatalf("a call that should fail (%s; capacity %d, quantized %v) succeeded: inputs %v outputs %v", why, capacity, quantized, describeAll(in), describeAll(out))
	case why == "":
		checkOneByOne(t, m, quantized, batch, in, out)
	}
}

// argDType is the dtype Run (or RunQuantized) takes for input t.
func argDType(t *tensor, quantized bool) DType {
	if quantized && t.dtype == F32 {
		return I8
	}
	return t.dtype
}

// idRange is the number of rows of the model's smallest embedding (or
// embedding bag) table: ids in [0, idRange) are valid (ops.kbc's bag pads
// with 0, inside the range).
func idRange(m *Model) int32 {
	var vocab int32 = math.MaxInt32
	for _, in := range m.code {
		if in.op == kbc.OpEmbedding || in.op == kbc.OpEmbeddingBag {
			vocab = min(vocab, int32(m.tensors[in.t[2]].dims[0]))
		}
	}
	return vocab
}

// wantRun says, from the rules Run documents, whether a call must
// succeed: it returns the batch size and "", or why the call must fail.
func wantRun(m *Model, capacity int, quantized bool, in, out []Value) (int, string) {
	if len(in) != len(m.inputs) || len(out) != len(m.outputs) {
		return 0, "the number of values"
	}
	// only returns the length of v's one non-empty slice, if it is of
	// dtype d.
	only := func(v Value, d DType) (int, bool) {
		lens := map[DType]int{F32: len(v.F32), I32: len(v.I32), I8: len(v.I8)}
		for dt, l := range lens {
			if dt != d && l > 0 {
				return 0, false
			}
		}
		return lens[d], lens[d] > 0
	}
	n := -1
	for i, ti := range m.inputs {
		t := &m.tensors[ti]
		l, ok := only(in[i], argDType(t, quantized))
		if !ok || l%t.elems != 0 || (n >= 0 && l/t.elems != n) {
			return 0, "input " + t.name + "'s data"
		}
		n = l / t.elems
		if quantized && t.dtype == F32 && m.quantizedInput(ti) < 0 {
			return 0, "an input the model does not quantize"
		}
		for _, x := range in[i].F32 {
			if !quantized && !m.allowNonFinite && (math.IsNaN(float64(x)) || math.IsInf(float64(x), 0)) {
				return 0, "a non-finite input"
			}
		}
		for _, id := range in[i].I32 {
			if id < 0 || id >= idRange(m) {
				return 0, "an id out of range"
			}
		}
	}
	if n < 1 || n > capacity {
		return 0, "the batch size"
	}
	for i, ti := range m.outputs {
		t := &m.tensors[ti]
		if l, ok := only(out[i], outDType(t, quantized)); !ok || l != n*t.elems {
			return 0, "output " + t.name + "'s room"
		}
		if quantized && m.quantizedOutput(ti) < 0 {
			return 0, "an output the model does not dequantize"
		}
	}
	return n, ""
}

// checkOneByOne runs each example of a batch alone and compares with the
// batch's outputs.
func checkOneByOne(t *testing.T, m *Model, quantized bool, n int, in, out []Value) {
	s, err := m.NewSession(1)
	if err != nil {
		t.Fatal(err)
	}
	run := s.Run
	if quantized {
		run = s.RunQuantized
	}
	for e := range n {
		one := func(v Value, elems int) Value {
			lo, hi := e*elems, (e+1)*elems
			return Value{F32: part(v.F32, lo, hi), I32: part(v.I32, lo, hi), I8: part(v.I8, lo, hi)}
		}
		var in1, out1 []Value
		for i, ti := range m.inputs {
			in1 = append(in1, one(in[i], m.tensors[ti].elems))
		}
		for i, ti := range m.outputs {
			o := one(out[i], m.tensors[ti].elems)
			out1 = append(out1, Value{F32: make([]float32, len(o.F32)), I8: make([]int8, len(o.I8))})
			if len(o.F32) == 0 {
				out1[i].F32 = nil
			} else {
				out1[i].I8 = nil
			}
		}
		if err := run(in1, out1); err != nil {
			t.Fatalf("example %d alone: %v", e, err)
		}
		for i, ti := range m.outputs {
			o := one(out[i], m.tensors[ti].elems)
			for j := range o.F32 {
				if math.Float32bits(o.F32[j]) != math.Float32bits(out1[i].F32[j]) {
					t.Fatalf("output %d of example %d: %v in the batch, %v alone", i, e, o.F32, out1[i].F32)
				}
			}
			for j := range o.I8 {
				if o.I8[j] != out1[i].I8[j] {
					t.Fatalf("output %d of example %d: %v in the batch, %v alone", i, e, o.I8, out1[i].I8)
				}
			}
		}
	}
}

func part[T any](x []T, lo, hi int) []T {
	if len(x) == 0 {
		return nil
	}
	return x[lo:hi]
}

func describeAll(vs []Value) []string {
	var d []string
	for i := range vs {
		d = append(d, vs[i].describe())
	}
	return d
}
