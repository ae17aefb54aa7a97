package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
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

// TestHostileInstructions rewrites the code of files that hold every
// opcode: each integer parameter of each instruction set to each of
// hostileInts, each tensor operand replaced by each tensor of the model,
// an operand dropped or repeated, each opcode swapped for every other.
// Every variant must load with an error, or load and run (the loader runs
// the model once) — never panic.
func TestHostileInstructions(t *testing.T) {
	for _, name := range []string{"testdata/tiny.kbc", "testdata/ops.kbc"} {
		file, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		secs, err := splitSections(file, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decode(secs, nil)
		if err != nil {
			t.Fatal(err)
		}
		variants, loaded := 0, 0
		try := func(what string, code []instr) {
			t.Helper()
			variants++
			s := slices.Clone(secs)
			s[SecCode] = encodeCode(code)
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s: %s: panic: %v", name, what, r)
				}
			}()
			if _, err := decode(s, nil); err == nil {
				loaded++
			}
		}
		clone := func() []instr {
			c := make([]instr, len(m.code))
			for k, in := range m.code {
				c[k] = instr{op: in.op, t: slices.Clone(in.t), ints: slices.Clone(in.ints)}
			}
			return c
		}
		for k, in := range m.code {
			for i := range in.ints {
				for _, v := range hostileInts {
					c := clone()
					c[k].ints[i] = v
					try(fmt.Sprintf("instruction %d (%v) integer %d = %d", k, in.op, i, v), c)
				}
			}
			for j := range in.t {
				for ti := range m.tensors {
					c := clone()
					c[k].t[j] = ti
					try(fmt.Sprintf("instruction %d (%v) operand %d = tensor %d", k, in.op, j, ti), c)
				}
				c := clone()
				c[k].t = slices.Delete(c[k].t, j, j+1)
				try(fmt.Sprintf("instruction %d (%v) without operand %d", k, in.op, j), c)
				c = clone()
				c[k].t = slices.Insert(c[k].t, j, c[k].t[j])
				try(fmt.Sprintf("instruction %d (%v) with operand %d twice", k, in.op, j), c)
			}
			for op := Opcode(1); op < numOpcodes; op++ {
				c := clone()
				c[k].op = op
				try(fmt.Sprintf("instruction %d (%v) as %v", k, in.op, op), c)
			}
		}
		t.Logf("%s: %d variants, %d of them load", name, variants, loaded)
		if loaded == 0 || loaded == variants {
			t.Errorf("%s: %d of %d variants load: the mutations are not reaching the checks", name, loaded, variants)
		}
	}
}
