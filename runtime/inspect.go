package runtime

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiln-nn/kiln/internal/kbc"
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

// Kernels names the kernel set the model runs (Options.Kernels): portable,
// or an assembly set such as avx2. It is "" for a nil Model.
func (m *Model) Kernels() string {
	if m == nil {
		return ""
	}
	return m.kernels.Name()
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
// plan, every instruction with its operands, integer parameters,
// multiply-accumulates, bytes touched and source position, and a legend.
//
// width is the line width to fit: operands wrap, each instruction's
// parameters go on the line below it, per-channel quantization is
// summarized, and the source file is named once; a line runs over only
// where one name is longer than the width. kiln inspect uses 100. A width
// of 0 or less prints every column of a row on one line, whatever its
// length, with each per-channel quantization's range of scales.
func (m *Model) Disassemble(w io.Writer, width int) {
	if m == nil {
		return
	}
	wide := width <= 0
	kernel := m.kernels.Name() + " kernels"
	if m.kernels.Portable() {
		kernel = "portable Go kernels"
	}
	fmt.Fprintf(w, "model %s: %d tensors, %d instructions, %s\n", m.name, len(m.tensors), len(m.code), kernel)
	consts := thousands(int64(m.constFile)) + " bytes"
	if decoded := len(m.consts) - kbc.AlignUp(m.constFile); decoded > 0 {
		consts += ", coded ones decoded to " + thousands(int64(decoded))
	}
	fmt.Fprintf(w, "arena: %s bytes per example; constants: %s\n", thousands(int64(m.arena)), consts)
	if m.fileSize > 0 {
		// Every byte of the file: its sections and their framing.
		sizes := m.sectionSizes[1:]
		header, table, padding, checksum := kbc.Framing(m.fileSize, sizes)
		parts := []string{fmt.Sprintf("header %d", header), fmt.Sprintf("section table %d", table)}
		for id, n := range sizes {
			parts = append(parts, fmt.Sprintf("%s %s", kbc.SectionNames[id+1], thousands(int64(n))))
		}
		parts = append(parts, "alignment "+thousands(int64(padding)), fmt.Sprintf("checksum %d", checksum))
		line := fmt.Sprintf("file: %s bytes =", thousands(int64(m.fileSize)))
		for k, part := range parts {
			if k > 0 {
				part = "+ " + part
			}
			if !wide && len(line)+1+len(part) > width {
				fmt.Fprintln(w, line)
				line = "     "
			}
			line += " " + part
		}
		fmt.Fprintln(w, line)
	}
	if note := m.sparseNote(); note != "" {
		fmt.Fprintln(w, note)
	}
	fmt.Fprintln(w)
	iface := &table{head: []string{"", "", "", ""}, caps: []int{1: 24}}
	for _, info := range m.Inputs() {
		iface.rows = append(iface.rows, row{cells: []string{"input", info.Name, info.DType.String() + dimsString(info.Shape), quantNote(info, "quantized to int8")}})
	}
	for _, info := range m.Outputs() {
		iface.rows = append(iface.rows, row{cells: []string{"output", info.Name, info.DType.String() + dimsString(info.Shape), quantNote(info, "dequantized from int8")}})
	}
	iface.noHead = true
	iface.write(w, "", width)

	fmt.Fprintln(w, "\nmemory plan:")
	plan := &table{head: []string{"tensor", "type", "storage", "offset", "bytes", "quantization"}, right: []bool{3: true, 4: true}, caps: []int{0: 24, 2: 24}}
	for _, t := range m.tensors {
		store := map[kbc.Storage]string{kbc.StoreArena: "arena", kbc.StoreConst: "const", kbc.StoreAlias: "alias of " + m.tensors[t.root].name, kbc.StoreInput: "input"}[t.store]
		off := thousands(int64(t.offset))
		switch {
		case t.store == kbc.StoreAlias || t.store == kbc.StoreInput:
			off = "-"
		case t.coded != nil:
			store, off = "coded", thousands(int64(t.coded.offset))
		}
		plan.rows = append(plan.rows, row{cells: []string{t.name, t.dtype.String() + shapeString(&t), store, off, thousands(int64(t.bytes())), t.quant.format(wide)}})
	}
	plan.write(w, "  ", width)
	m.codedTable(w, width)

	// Positions name their file once when they share it.
	file, oneFile := "", true
	for _, in := range m.code {
		if in.pos.Line != 0 && file == "" {
			file = in.pos.File
		}
		oneFile = oneFile && (in.pos.Line == 0 || in.pos.File == file)
	}
	source := func(p kbc.Pos) string { return p.String() }
	if oneFile && file != "" && !wide {
		fmt.Fprintf(w, "\ncode (source positions in %s):\n", file)
		source = func(p kbc.Pos) string {
			if p.Line == 0 {
				return "-"
			}
			return fmt.Sprintf("%d:%d", p.Line, p.Col)
		}
	} else {
		fmt.Fprintln(w, "\ncode:")
	}
	code := &table{head: []string{"#", "op", "result <- operands", "MACC", "bytes", "source"}, right: []bool{0: true, 3: true, 4: true}}
	if wide {
		code.head = []string{"#", "op", "result <- operands", "parameters", "MACC", "bytes", "source"}
		code.right = []bool{0: true, 4: true, 5: true}
	}
	for k, in := range m.code {
		var ops []string
		for _, t := range in.t[1:] {
			ops = append(ops, m.tensors[t].name)
		}
		operands := m.tensors[in.t[0]].name + " <- " + strings.Join(ops, ", ")
		r := row{cells: []string{fmt.Sprint(k), in.op.String(), operands, thousands(int64(m.macc(&in))), thousands(int64(m.touched(&in))), source(in.pos)}}
		if wide {
			r.cells = slices.Insert(r.cells, 3, m.params(&in))
		} else {
			r.notes = []string{m.params(&in)}
		}
		code.rows = append(code.rows, r)
	}
	if !wide {
		// The operands take the width the other columns leave.
		code.wrap = 2
		code.noteCol = 1
		code.noteHead = "parameters"
	}
	code.write(w, "  ", width)

	fmt.Fprintln(w, "\nlegend:")
	legend := [][2]string{
		{"N", "the batch dimension: a session for batches of up to B holds B examples of each N tensor"},
		{"q(s, z)", "int8 quantization with scale s and zero point z: real value = s * (int8 value - z)"},
		{"q(C scales, axis a, z)", "per-channel quantization: C scales, one for each index along axis a, and zero point z"},
		{"storage", "input: the caller's data; arena: the session's memory; const: the file's constants; coded: a constant the file holds coded, decoded at load; alias of T: T's bytes under another shape"},
		{"offset", "where the tensor starts: in the arena, per example (a session for batches of B multiplies it by B), or in the constants"},
		{"bytes", "a tensor's size (per example when batched); for an instruction, the bytes it reads and writes per example, constants counted whole"},
		{"coded", "constants stored sparse and Huffman-coded (kiln build --code): zeros, the share of zero elements; codebook, the distinct non-zero values and the bits of an index into them; raw and coded bytes"},
		{"MACC", "multiply-accumulates per example (dense and convolution layers)"},
		{"parameters", "the opcode's integer parameters (runtime/FORMAT.md): *_offset and *_zero are added to int8 values (the negated or the plain zero point), *mult and *shift are a fixed-point multiplier and its power of two, act_min and act_max the result's clamp"},
		{"source", "the position in the model's source that the instruction comes from"},
	}
	if !wide {
		legend[2][1] += " (kiln inspect --wide shows their range)"
	}
	term := 0
	for _, l := range legend {
		term = max(term, len(l[0]))
	}
	room := math.MaxInt
	if !wide {
		room = max(width-2-term-gap, 40)
	}
	for _, l := range legend {
		for i, text := range wrapWords(l[1], room) {
			if i > 0 {
				l[0] = ""
			}
			fmt.Fprintf(w, "  %-*s%s%s\n", term, l[0], strings.Repeat(" ", gap), text)
		}
	}
}

// codedTable lists the coded constants: sparsity, codebook, and bytes
// raw and coded.
func (m *Model) codedTable(w io.Writer, width int) {
	tb := &table{head: []string{"tensor", "zeros", "codebook", "raw bytes", "coded bytes"}, right: []bool{1: true, 3: true, 4: true}, caps: []int{0: 40}}
	for _, t := range m.tensors {
		if t.coded == nil {
			continue
		}
		st := t.coded.stats
		bits := 0
		for 1<<bits < st.Codebook {
			bits++
		}
		zeros := fmt.Sprintf("%.1f%%", 100*float64(t.elems-st.NonZeros)/float64(max(t.elems, 1)))
		book := fmt.Sprintf("%d (%d bits)", st.Codebook, bits)
		if bits == 1 {
			book = fmt.Sprintf("%d (1 bit)", st.Codebook)
		}
		tb.rows = append(tb.rows, row{cells: []string{t.name, zeros, book, thousands(int64(t.bytes())), thousands(int64(t.coded.size))}})
	}
	if len(tb.rows) == 0 {
		return
	}
	fmt.Fprintln(w, "\ncoded constants:")
	tb.write(w, "  ", width)
}

// row is one row of a table: its cells, and text that follows it on
// lines of its own (wrapped to the width), starting under column noteCol.
type row struct {
	cells []string
	notes []string
}

// table lays out rows in aligned columns within a width.
type table struct {
	head   []string
	noHead bool
	right  []bool // right-aligned columns
	// caps bound the width of a column in a fitted table: a longer cell
	// goes alone on its line, and the rest of its row on the next.
	caps []int
	// wrap is the column that wraps, at ", ", to the width the others
	// leave (0: none; column 0 never wraps).
	wrap int
	// noteCol is the column notes start under, noteHead their heading.
	noteCol  int
	noteHead string
	rows     []row
}

const gap = 2 // spaces between columns

func (tb *table) write(w io.Writer, indent string, width int) {
	cols := len(tb.head)
	limit := func(c int) int {
		if width <= 0 || c >= len(tb.caps) || tb.caps[c] == 0 {
			return math.MaxInt
		}
		return tb.caps[c]
	}
	widths := make([]int, cols)
	for c := range cols {
		if !tb.noHead {
			widths[c] = utf8.RuneCountInString(tb.head[c])
		}
		for _, r := range tb.rows {
			if n := utf8.RuneCountInString(r.cells[c]); n <= limit(c) && (tb.wrap == 0 || c != tb.wrap || width <= 0) {
				widths[c] = max(widths[c], n)
			}
		}
	}
	if tb.wrap > 0 && width > 0 {
		rest := utf8.RuneCountInString(indent) + gap*(cols-1)
		for c := range cols {
			if c != tb.wrap {
				rest += widths[c]
			}
		}
		// A line longer than that (one long name) runs into the next
		// columns, which go on below.
		widths[tb.wrap] = max(width-rest, 24)
		for i := range tb.rows {
			tb.rows[i].cells[tb.wrap] = strings.Join(wrapList(tb.rows[i].cells[tb.wrap], widths[tb.wrap]), "\n")
		}
	}
	// start[c] is where column c begins, after the indent.
	start := make([]int, cols+1)
	for c := range cols {
		start[c+1] = start[c] + widths[c] + gap
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString(indent)
		pos := 0 // runes written after the indent
		for c, cell := range cells {
			n := utf8.RuneCountInString(cell)
			if c > 0 && pos > start[c]-gap { // an overlong cell before (no gap left): go on below
				fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
				b.Reset()
				b.WriteString(indent)
				pos = 0
			}
			if cell == "" {
				continue
			}
			pad := start[c] - pos
			if c < len(tb.right) && tb.right[c] {
				pad += widths[c] - n
			}
			b.WriteString(strings.Repeat(" ", max(pad, 0)))
			b.WriteString(cell)
			pos += max(pad, 0) + n
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	if !tb.noHead {
		line(tb.head)
		if tb.noteHead != "" {
			fmt.Fprintln(w, indent+strings.Repeat(" ", start[tb.noteCol])+tb.noteHead)
		}
	}
	for _, r := range tb.rows {
		// Cells of several lines (a wrapped column) print line by line.
		parts := make([][]string, cols)
		height := 1
		for c, cell := range r.cells {
			parts[c] = strings.Split(cell, "\n")
			height = max(height, len(parts[c]))
		}
		for i := range height {
			cells := make([]string, cols)
			for c := range cols {
				if i < len(parts[c]) {
					cells[c] = parts[c][i]
					if i > 0 {
						cells[c] = "  " + cells[c]
					}
				}
			}
			line(cells)
		}
		at := start[tb.noteCol]
		for _, note := range r.notes {
			if note == "" {
				continue
			}
			room := width - utf8.RuneCountInString(indent) - at
			if width <= 0 {
				room = math.MaxInt
			}
			for _, l := range wrapWords(note, max(room, 40)) {
				fmt.Fprintln(w, indent+strings.Repeat(" ", at)+l)
			}
		}
	}
}

// wrapList breaks "result <- a, b, c" into lines of at most width runes,
// after the arrow and the commas (a single longer item keeps its line).
func wrapList(s string, width int) []string {
	var lines []string
	cur := ""
	result, list, _ := strings.Cut(s, " <- ")
	for _, item := range append([]string{result + " <- "}, strings.SplitAfter(list, ", ")...) {
		if cur != "" && utf8.RuneCountInString(strings.TrimRight(cur+item, " ")) > width {
			lines = append(lines, strings.TrimRight(cur, " "))
			cur = ""
		}
		cur += item
	}
	return append(lines, strings.TrimRight(cur, " "))
}

// wrapWords breaks text into lines of at most width runes, between words.
func wrapWords(s string, width int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		if cur != "" && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += word
	}
	return append(lines, cur)
}

func quantNote(info TensorInfo, how string) string {
	if info.Scale == 0 {
		return ""
	}
	return fmt.Sprintf("%s q(%g, %d)", how, info.Scale, info.ZeroPoint)
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

// format prints quantization parameters: q(scale, zero point), or for
// per-channel ones the number of scales and their axis, and, wide, their
// range.
func (q quant) format(wide bool) string {
	switch q.kind {
	case kbc.QuantTensor:
		return fmt.Sprintf("q(%g, %d)", q.scale[0], q.zero[0])
	case kbc.QuantChannel:
		if !wide {
			return fmt.Sprintf("q(%d scales, axis %d, %d)", len(q.scale), q.axis, q.zero[0])
		}
		lo, hi := slices.Min(q.scale), slices.Max(q.scale)
		return fmt.Sprintf("q(%d scales in [%.3g, %.3g], axis %d, %d)", len(q.scale), lo, hi, q.axis, q.zero[0])
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

// sparseNote names the dense layers stored by their non-zero weights as
// well, with their density, or returns "" when there are none.
func (m *Model) sparseNote() string {
	var parts []string
	for _, in := range m.code {
		if p, ok := in.prep.(denseOp); ok && p.sparse != nil {
			parts = append(parts, fmt.Sprintf("  %s (%.1f%% non-zero)", m.tensors[in.t[2]].name, 100*p.density))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "sparse kernels, where they are faster, for:\n" + strings.Join(parts, "\n")
}
