package runtime

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/runtime/kernels"
)

// TensorInfo describes one of a model's inputs or outputs.
type TensorInfo struct {
	Name  string
	DType DType // the data Run takes or gives (F32 or I32)
	Shape []int // per example
	// Scale and ZeroPoint are the int8 parameters RunQuantized uses for
	// this tensor (zero when it has none).
	Scale     float32
	ZeroPoint int32
}

// Name is the model's name ("" for a nil Model, as the other accessors
// return zero values for one).
func (m *Model) Name() string {
	if m == nil {
		return ""
	}
	return m.name
}

// Inputs describes the model's inputs, in the order Run takes them.
func (m *Model) Inputs() []TensorInfo {
	if m == nil {
		return nil
	}
	var infos []TensorInfo
	for _, i := range m.inputs {
		info := m.info(i)
		if q := m.quantizedInput(i); q >= 0 {
			info.Scale, info.ZeroPoint = m.tensors[q].quant.scale[0], m.tensors[q].quant.zero[0]
		}
		infos = append(infos, info)
	}
	return infos
}

// Outputs describes the model's outputs, in the order Run fills them.
func (m *Model) Outputs() []TensorInfo {
	if m == nil {
		return nil
	}
	var infos []TensorInfo
	for _, o := range m.outputs {
		info := m.info(o)
		if q := m.quantizedOutput(o); q >= 0 {
			info.Scale, info.ZeroPoint = m.tensors[q].quant.scale[0], m.tensors[q].quant.zero[0]
		}
		infos = append(infos, info)
	}
	return infos
}

func (m *Model) info(i int) TensorInfo {
	t := &m.tensors[i]
	return TensorInfo{Name: t.name, DType: t.dtype, Shape: append([]int{}, t.dims...)}
}

// ArenaSize is the arena's size in bytes per example.
func (m *Model) ArenaSize() int {
	if m == nil {
		return 0
	}
	return m.arena
}

// Disassemble prints the model for people: its interface, the memory
// plan, the constants, and every instruction with its operands, integer
// parameters, multiply-accumulates, bytes touched and source position.
func (m *Model) Disassemble(w io.Writer) {
	kernel := kernels.KernelName() + " kernels"
	if m.portable {
		kernel = "portable Go kernels"
	}
	fmt.Fprintf(w, "model %s: %d tensors, %d instructions, %s\n", m.name, len(m.tensors), len(m.code), kernel)
	fmt.Fprintf(w, "arena: %d bytes per example; constants: %d bytes\n\n", m.arena, len(m.consts))
	for _, info := range m.Inputs() {
		fmt.Fprintf(w, "input  %s %v%v%s\n", info.Name, info.DType, info.Shape, quantNote(info))
	}
	for _, info := range m.Outputs() {
		fmt.Fprintf(w, "output %s %v%v%s\n", info.Name, info.DType, info.Shape, quantNote(info))
	}
	fmt.Fprintln(w, "\nmemory plan (offsets per example; a session for batches of B scales them by B):")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  tensor\ttype\tstorage\toffset\tbytes\tquantization")
	for _, t := range m.tensors {
		store := map[kbc.Storage]string{kbc.StoreArena: "arena", kbc.StoreConst: "const", kbc.StoreAlias: "alias of " + m.tensors[t.root].name, kbc.StoreInput: "input"}[t.store]
		off := fmt.Sprint(t.offset)
		if t.store == kbc.StoreAlias || t.store == kbc.StoreInput {
			off = "-"
		}
		fmt.Fprintf(tw, "  %s\t%v%s\t%s\t%s\t%d\t%s\n", t.name, t.dtype, shapeString(&t), store, off, t.bytes(), t.quant.String())
	}
	tw.Flush()
	fmt.Fprintln(w, "\ncode:")
	tw = tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\top\tresult <- operands\tparameters\tMACC\tbytes\tsource")
	for k, in := range m.code {
		var ops []string
		for _, t := range in.t[1:] {
			ops = append(ops, m.tensors[t].name)
		}
		fmt.Fprintf(tw, "  %d\t%v\t%s <- %s\t%s\t%d\t%d\t%v\n", k, in.op, m.tensors[in.t[0]].name, strings.Join(ops, ", "),
			m.params(&in), m.macc(&in), m.touched(&in), in.pos)
	}
	tw.Flush()
}

func quantNote(info TensorInfo) string {
	if info.Scale == 0 {
		return ""
	}
	return fmt.Sprintf(" (int8 q(%g, %d))", info.Scale, info.ZeroPoint)
}

func shapeString(t *tensor) string {
	s := "["
	if t.batched {
		s += "N"
	}
	for i, d := range t.dims {
		if i > 0 || t.batched {
			s += ","
		}
		s += fmt.Sprint(d)
	}
	return s + "]"
}

func (q quant) String() string {
	switch q.kind {
	case kbc.QuantTensor:
		return fmt.Sprintf("q(%g, %d)", q.scale[0], q.zero[0])
	case kbc.QuantChannel:
		return fmt.Sprintf("q(%d scales along axis %d, %d)", len(q.scale), q.axis, q.zero[0])
	}
	return ""
}

// params prints an instruction's integer parameters by name.
func (m *Model) params(in *instr) string {
	sch := in.op.Schema()
	var parts []string
	for i, x := range in.ints {
		parts = append(parts, fmt.Sprintf("%s=%d", paramName(sch, i), x))
	}
	return strings.Join(parts, " ")
}

// macc is an instruction's multiply-accumulates per example.
func (m *Model) macc(in *instr) int {
	out := &m.tensors[in.t[0]]
	switch in.op {
	case kbc.OpDense:
		return out.elems * m.tensors[in.t[1]].dims[len(m.tensors[in.t[1]].dims)-1]
	case kbc.OpConv:
		w := &m.tensors[in.t[2]]
		return out.elems * (w.elems / w.dims[0])
	}
	return 0
}

// touched is the bytes an instruction reads and writes per example
// (constants counted whole).
func (m *Model) touched(in *instr) int {
	n := 0
	for _, t := range in.t {
		n += m.tensors[t].bytes()
	}
	return n
}

// thousands formats n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// dimsString formats a shape as messages and the disassembly do:
// [1,28,28].
func dimsString(dims []int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range dims {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(d))
	}
	b.WriteByte(']')
	return b.String()
}
