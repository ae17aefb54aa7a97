package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
)

// kiln ir and kiln stats on a .kbc file: the program a built file holds,
// read back through the format's schema.

// readKBC loads a .kbc file through the VM's validation (so that what is
// printed is a file the VM would run) and decodes its contents.
func readKBC(path string) (*kbc.File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, err := runtime.Load(b, nil); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return kbc.Decode(b, false)
}

// kbcType prints a tensor's type as the IR does: i8[N,6,28,28] q(...).
func kbcType(t *kbc.Tensor) string {
	var b strings.Builder
	b.WriteString(t.DType.String() + "[")
	var dims []string
	if t.Batched {
		dims = append(dims, "N")
	}
	for _, d := range t.Dims {
		dims = append(dims, fmt.Sprint(d))
	}
	b.WriteString(strings.Join(dims, ",") + "]")
	switch q := t.Quant; q.Kind {
	case kbc.QuantTensor:
		fmt.Fprintf(&b, " q(%g, %d)", q.Scale[0], q.Zero)
	case kbc.QuantChannel:
		fmt.Fprintf(&b, " q(%d scales, %d, axis=%d)", len(q.Scale), q.Zero, q.Axis)
	}
	return b.String()
}

// printKBC writes the file's program in the IR's text style: inputs and
// constants, then one line per instruction with its opcode, operands,
// named parameters, result type, arena offset and source position.
func printKBC(w *strings.Builder, f *kbc.File) {
	name := func(i int) string { return "%" + f.Tensors[i].Name }
	fmt.Fprintf(w, "model %s  // bytecode: %d tensors, %d instructions, arena %s bytes per example\n\n",
		f.Name, len(f.Tensors), len(f.Code), ir.Thousands(int64(f.Arena)))
	for _, i := range f.Inputs {
		fmt.Fprintf(w, "input %s : %s\n", name(i), kbcType(&f.Tensors[i]))
	}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		switch t.Store {
		case kbc.StoreConst:
			fmt.Fprintf(w, "const %s : %s  // at %d in CONST, %s bytes\n", name(i), kbcType(t), t.Offset, ir.Thousands(int64(t.Bytes())))
		case kbc.StoreCoded:
			fmt.Fprintf(w, "const %s : %s  // coded at %d in CONST, %s bytes of %s\n", name(i), kbcType(t), t.Offset, ir.Thousands(int64(t.Size)), ir.Thousands(int64(t.Bytes())))
		case kbc.StoreAlias:
			fmt.Fprintf(w, "%s = alias %s : %s\n", name(i), name(t.Offset), kbcType(t))
		}
	}
	for _, in := range f.Code {
		s := in.Op.Schema()
		var ops []string
		for _, t := range in.Tensors[1:] {
			ops = append(ops, name(t))
		}
		var params []string
		for j, x := range in.Ints {
			fd, _ := s.Field(j)
			params = append(params, fmt.Sprintf("%s=%d", fd.Name, x))
		}
		attrs := ""
		if len(params) > 0 {
			attrs = " {" + strings.Join(params, ", ") + "}"
		}
		out := &f.Tensors[in.Tensors[0]]
		fmt.Fprintf(w, "%s = %s %s%s : %s  // arena %d  %s\n", name(in.Tensors[0]), strings.ToLower(s.Name),
			strings.Join(ops, ", "), attrs, kbcType(out), out.Offset, in.Pos)
	}
	w.WriteString("\n")
	for _, o := range f.Outputs {
		fmt.Fprintf(w, "output %s\n", name(o))
	}
}

// kbcStats is one instruction's row of kiln stats.
type kbcStats struct {
	value, op, shape          string
	params, macc, wbytes, act int64
}

// statsKBC computes the per-instruction table: constant elements and
// bytes it reads, multiply-accumulates and result bytes per example.
func statsKBC(f *kbc.File) []kbcStats {
	var rows []kbcStats
	for _, in := range f.Code {
		out := &f.Tensors[in.Tensors[0]]
		r := kbcStats{value: out.Name, op: in.Op.String(), shape: kbcType(out), act: int64(out.Bytes())}
		for _, t := range in.Tensors[1:] {
			if c := &f.Tensors[t]; c.Store == kbc.StoreConst || c.Store == kbc.StoreCoded {
				r.params += int64(c.Elems())
				r.wbytes += int64(c.Bytes())
			}
		}
		switch in.Op {
		case kbc.OpDense:
			x := &f.Tensors[in.Tensors[1]]
			r.macc = int64(out.Elems()) * int64(x.Dims[len(x.Dims)-1])
		case kbc.OpConv:
			w := &f.Tensors[in.Tensors[2]]
			r.macc = int64(out.Elems()) * int64(w.Elems()/w.Dims[0])
		}
		rows = append(rows, r)
	}
	return rows
}
