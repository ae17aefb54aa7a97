package runtime

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// encodeCode writes instructions as the CODE section holds them.
func encodeCode(code []instr) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(code)))
	for _, in := range code {
		b = append(b, byte(in.op))
		b = binary.AppendUvarint(b, uint64(len(in.t)))
		for _, t := range in.t {
			b = binary.AppendUvarint(b, uint64(t))
		}
		b = binary.AppendUvarint(b, uint64(len(in.ints)))
		for _, v := range in.ints {
			b = binary.AppendVarint(b, v)
		}
	}
	return b
}

// hostileInts are integer parameters a hostile file could hold: zeros,
// signs, the edges of every range the loader checks, and overflows.
var hostileInts = []int64{0, -1, 1, 2, 3, 31, 32, -31, -32, 48, 127, 128, -128, -129, 255, 1 << 20, 1 << 30,
	math.MaxInt32, math.MinInt32, 1 << 31, 1 << 40, math.MaxInt64, math.MinInt64}

// hostile runs variants of the files that hold every opcode: for each
// file, mutate gets its sections, strings and decoded model, and calls try
// with a description and one section replaced. Each variant must load with
// an error, or load (the loader runs the model once, on zeros) and then
// run a batch of two to an error or a result — never panic, nor make a
// kernel panic (an *InternalError from loading or running); and some must
// load and some not, or the mutations are not reaching the checks.
func hostile(t *testing.T, mutate func(secs [][]byte, strs []string, m *Model, try func(what string, id uint32, section []byte))) {
	t.Helper()
	for _, name := range []string{"testdata/tiny.kbc", "testdata/ops.kbc", "testdata/coded.kbc"} {
		file, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		secs, err := splitSections(file, nil)
		if err != nil {
			t.Fatal(err)
		}
		strs, err := kbc.ReadStrings(secs[kbc.SecStrings])
		if err != nil {
			t.Fatal(err)
		}
		m, err := decode(secs, nil)
		if err != nil {
			t.Fatal(err)
		}
		variants, loaded := 0, 0
		try := func(what string, id uint32, section []byte) {
			variants++
			s := slices.Clone(secs)
			s[id] = section
			stage := "loading"
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s: %s: panic while %s: %v", name, what, stage, r)
				}
			}()
			m, err := decode(s, nil)
			if err == nil {
				loaded++
				stage = "running"
				err = runOnce(m, 2)
			}
			var ie *InternalError
			if errors.As(err, &ie) {
				t.Fatalf("%s: %s: %s: %v", name, what, stage, err)
			}
		}
		mutate(secs, strs, m, try)
		t.Logf("%s: %d variants, %d of them load", name, variants, loaded)
		if loaded == 0 || loaded == variants {
			t.Errorf("%s: %d of %d variants load: the mutations are not reaching the checks", name, loaded, variants)
		}
	}
}

// runOnce runs m on a batch of n: float inputs hold 0.5, 1.5, 2.5, ... (so
// that the run sees other data than the loader's run on zeros), ids 0.
func runOnce(m *Model, n int) error {
	var in, out []Value
	for _, i := range m.inputs {
		t := &m.tensors[i]
		if t.dtype == I32 {
			in = append(in, Value{I32: make([]int32, n*t.elems)})
			continue
		}
		x := make([]float32, n*t.elems)
		for j := range x {
			x[j] = float32(j%8) + 0.5
		}
		in = append(in, Value{F32: x})
	}
	for _, o := range m.outputs {
		out = append(out, Value{F32: make([]float32, n*m.tensors[o].elems)})
	}
	s, err := m.NewSession(n)
	if err != nil {
		return err
	}
	return s.Run(in, out)
}

// TestHostileInstructions rewrites the code of files that hold every
// opcode: each integer parameter of each instruction set to each of
// hostileInts, each tensor operand replaced by each tensor of the model,
// an operand dropped or repeated, each opcode swapped for every other.
// Every variant must load with an error, or load and run (the loader runs
// the model once) — never panic.
func TestHostileInstructions(t *testing.T) {
	hostile(t, func(_ [][]byte, _ []string, m *Model, try func(string, uint32, []byte)) {
		clone := func() []instr {
			c := make([]instr, len(m.code))
			for k, in := range m.code {
				c[k] = instr{op: in.op, t: slices.Clone(in.t), ints: slices.Clone(in.ints)}
			}
			return c
		}
		variant := func(what string, c []instr) { try(what, kbc.SecCode, encodeCode(c)) }
		for k, in := range m.code {
			for i := range in.ints {
				for _, v := range hostileInts {
					c := clone()
					c[k].ints[i] = v
					variant(fmt.Sprintf("instruction %d (%v) integer %d = %d", k, in.op, i, v), c)
				}
			}
			for j := range in.t {
				for ti := range m.tensors {
					c := clone()
					c[k].t[j] = ti
					variant(fmt.Sprintf("instruction %d (%v) operand %d = tensor %d", k, in.op, j, ti), c)
				}
				c := clone()
				c[k].t = slices.Delete(c[k].t, j, j+1)
				variant(fmt.Sprintf("instruction %d (%v) without operand %d", k, in.op, j), c)
				c = clone()
				c[k].t = slices.Insert(c[k].t, j, c[k].t[j])
				variant(fmt.Sprintf("instruction %d (%v) with operand %d twice", k, in.op, j), c)
			}
			for op := kbc.Opcode(1); op < kbc.NumOpcodes; op++ {
				c := clone()
				c[k].op = op
				variant(fmt.Sprintf("instruction %d (%v) as %v", k, in.op, op), c)
			}
		}
	})
}

// encodeTensors writes tensor descriptors as the TENSORS section holds
// them; names are indices into strs.
func encodeTensors(ts []tensor, strs []string) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(ts)))
	for _, t := range ts {
		b = binary.AppendUvarint(b, uint64(slices.Index(strs, t.name)))
		batched := byte(0)
		if t.batched {
			batched = 1
		}
		b = append(b, byte(t.dtype), batched)
		b = binary.AppendUvarint(b, uint64(len(t.dims)))
		for _, d := range t.dims {
			b = binary.AppendUvarint(b, uint64(d))
		}
		b = append(b, byte(t.quant.kind))
		switch t.quant.kind {
		case kbc.QuantTensor:
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(t.quant.scale[0]))
			b = binary.AppendVarint(b, int64(t.quant.zero[0]))
		case kbc.QuantChannel:
			b = binary.AppendUvarint(b, uint64(t.quant.axis))
			b = binary.AppendUvarint(b, uint64(len(t.quant.scale)))
			for _, s := range t.quant.scale {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(s))
			}
			b = binary.AppendVarint(b, int64(t.quant.zero[0]))
		}
		b = append(b, byte(t.store))
		switch t.store {
		case kbc.StoreArena, kbc.StoreConst:
			b = binary.AppendUvarint(b, uint64(t.offset))
		case kbc.StoreAlias:
			b = binary.AppendUvarint(b, uint64(t.root))
		case kbc.StoreCoded:
			b = binary.AppendUvarint(b, uint64(t.coded.offset))
			b = binary.AppendUvarint(b, uint64(t.coded.size))
		}
	}
	return b
}

// TestHostileTensors rewrites each tensor descriptor of the same files:
// dtype, batching, every dimension, rank, quantization (kind, scale,
// zero point, axis) and storage (kind, offset, alias target) set to values
// a hostile file could hold. Every variant must load with an error, or
// load and run — never panic.
func TestHostileTensors(t *testing.T) {
	hostile(t, func(secs [][]byte, strs []string, _ *Model, try func(string, uint32, []byte)) {
		kt, err := kbc.ReadTensors(secs[kbc.SecTensors], strs)
		if err != nil {
			t.Fatal(err)
		}
		raw := &Model{tensors: tensorsOf(kt)} // the descriptors as the file holds them, before validation
		if got := encodeTensors(raw.tensors, strs); !slices.Equal(got, secs[kbc.SecTensors]) {
			t.Fatal("re-encoding the tensors does not give the section back")
		}
		clone := func() []tensor {
			c := slices.Clone(raw.tensors)
			for i := range c {
				c[i].dims = slices.Clone(c[i].dims)
				c[i].quant.scale = slices.Clone(c[i].quant.scale)
				c[i].quant.zero = slices.Clone(c[i].quant.zero)
			}
			return c
		}
		dims := []int{1, 2, 3, 7, 64, 1 << 20, kbc.MaxElems}
		scales := []float32{0, -1, float32(math.NaN()), float32(math.Inf(1)), math.SmallestNonzeroFloat32, math.MaxFloat32, 1e-3}
		zeros := []int32{-129, -128, 0, 1, 127, 128, math.MaxInt32}
		offsets := []int{0, 1, 63, 64, 128, 1 << 20, math.MaxInt32}
		for i, tn := range raw.tensors {
			mutate := func(what string, f func(*tensor)) {
				c := clone()
				f(&c[i])
				try(fmt.Sprintf("tensor %d (%s) %s", i, tn.name, what), kbc.SecTensors, encodeTensors(c, strs))
			}
			for _, dt := range []DType{F32, I32, I8} {
				mutate(fmt.Sprintf("dtype %v", dt), func(t *tensor) { t.dtype = dt })
			}
			mutate("batched flipped", func(t *tensor) { t.batched = !t.batched })
			for d := range tn.dims {
				for _, v := range dims {
					mutate(fmt.Sprintf("dim %d = %d", d, v), func(t *tensor) { t.dims[d] = v })
				}
			}
			mutate("one more dimension", func(t *tensor) { t.dims = append(t.dims, 2) })
			if len(tn.dims) > 0 {
				mutate("one dimension fewer", func(t *tensor) { t.dims = t.dims[:len(t.dims)-1] })
			}
			mutate("no quantization", func(t *tensor) { t.quant = quant{} })
			mutate("per-tensor quantization", func(t *tensor) {
				t.quant = quant{kind: kbc.QuantTensor, scale: []float32{0.5}, zero: []int32{0}}
			})
			if len(tn.dims) > 0 {
				mutate("per-channel quantization", func(t *tensor) {
					t.quant = quant{kind: kbc.QuantChannel, scale: slices.Repeat([]float32{0.5}, t.dims[0]), zero: []int32{0}}
				})
			}
			if tn.quant.kind != kbc.QuantNone {
				for _, s := range scales {
					mutate(fmt.Sprintf("scale %g", s), func(t *tensor) { t.quant.scale[0] = s })
				}
				for _, z := range zeros {
					mutate(fmt.Sprintf("zero point %d", z), func(t *tensor) { t.quant.zero[0] = z })
				}
			}
			for st := kbc.StoreArena; st <= kbc.StoreCoded; st++ {
				for _, off := range offsets {
					mutate(fmt.Sprintf("storage %d offset %d", st, off), func(t *tensor) {
						t.store = st
						t.offset = off
						t.root = min(off, max(i-1, 0))
						if st == kbc.StoreCoded {
							t.coded = &codedConst{offset: off, size: 64}
						}
					})
				}
			}
			if tn.coded != nil {
				for _, size := range []int{0, 1, tn.coded.size - 1, tn.coded.size + 1, 1 << 20, math.MaxInt32} {
					mutate(fmt.Sprintf("coded size %d", size), func(t *tensor) { t.coded = &codedConst{offset: t.coded.offset, size: size} })
				}
			}
			for target := range i {
				mutate(fmt.Sprintf("alias of %d", target), func(t *tensor) { t.store, t.root = kbc.StoreAlias, target })
			}
		}
	})
}

// encodeModel writes the MODEL section.
func encodeModel(name string, strs []string, arena int, inputs, outputs []int) []byte {
	b := binary.AppendUvarint(nil, uint64(slices.Index(strs, name)))
	b = binary.AppendUvarint(b, uint64(arena))
	for _, list := range [][]int{inputs, outputs} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, i := range list {
			b = binary.AppendUvarint(b, uint64(i))
		}
	}
	return b
}

// TestHostileModelSection rewrites the MODEL section: arena sizes too
// small, misaligned or huge, and input and output lists with entries
// dropped, repeated or pointing at any tensor. Every variant must load
// with an error, or load and run — never panic.
func TestHostileModelSection(t *testing.T) {
	hostile(t, func(secs [][]byte, strs []string, m *Model, try func(string, uint32, []byte)) {
		if got := encodeModel(m.name, strs, m.arena, m.inputs, m.outputs); !slices.Equal(got, secs[kbc.SecModel]) {
			t.Fatal("re-encoding the MODEL section does not give it back")
		}
		variant := func(what string, arena int, inputs, outputs []int) {
			try(what, kbc.SecModel, encodeModel(m.name, strs, arena, inputs, outputs))
		}
		for _, arena := range []int{0, 1, 64, m.arena - 64, m.arena + 1, m.arena + 64, 1 << 30, math.MaxInt32} {
			variant(fmt.Sprintf("arena %d", arena), max(arena, 0), m.inputs, m.outputs)
		}
		lists := func(list []int) map[string][]int {
			v := map[string][]int{"empty": nil}
			for i := range list {
				v[fmt.Sprintf("without %d", i)] = slices.Delete(slices.Clone(list), i, i+1)
				v[fmt.Sprintf("%d twice", i)] = slices.Insert(slices.Clone(list), i, list[i])
				for ti := range m.tensors {
					l := slices.Clone(list)
					l[i] = ti
					v[fmt.Sprintf("entry %d = tensor %d", i, ti)] = l
				}
			}
			return v
		}
		for what, in := range lists(m.inputs) {
			variant("inputs "+what, m.arena, in, m.outputs)
		}
		for what, out := range lists(m.outputs) {
			variant("outputs "+what, m.arena, m.inputs, out)
		}
	})
}

// TestInternalError breaks one instruction of a loaded model the way a
// kernel bug would (its prepared parameters go missing, so running it
// panics): Run and the loader's run on zeros must both report an
// *InternalError that names the instruction, its opcode and its source
// position.
func TestInternalError(t *testing.T) {
	file, err := os.ReadFile("testdata/tiny.kbc")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := slices.IndexFunc(m.code, func(in instr) bool { return in.op.String() == "DENSE" })
	if k < 0 {
		t.Fatal("tiny.kbc has no DENSE instruction")
	}
	m.code[k].prep = nil
	want := fmt.Sprintf("internal error: instruction %d (DENSE at %v): ", k, m.code[k].pos)
	for stage, err := range map[string]error{"Run": runOnce(m, 2), "the loader's run": m.dryRun()} {
		var ie *InternalError
		if !errors.As(err, &ie) {
			t.Errorf("%s: got %v, want an *InternalError", stage, err)
			continue
		}
		if ie.Instr != k || ie.Op != "DENSE" || ie.Pos != m.code[k].pos.String() || ie.Pos == "-" || ie.Panic == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: got %+v (%q), want instruction %d, DENSE, %v and the panic", stage, *ie, err, k, m.code[k].pos)
		}
	}
}
