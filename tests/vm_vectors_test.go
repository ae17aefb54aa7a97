package tests

import (
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/kiln-nn/kiln/backend/bytecode"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
	"github.com/kiln-nn/kiln/runtime/kernels"
	"github.com/kiln-nn/kiln/tensor"
)

// The VM's golden vectors: testdata/vm/OPCODE-CASE.txtar, each a tiny
// quantized graph with inputs and the outputs worked out by hand. They are
// the truth both engines answer to, so unlike the other golden files they
// are never rewritten by -update: a vector that disagrees with a kernel is
// a question about the kernel.
//
// An archive's comment (the text before its first section) shows the
// arithmetic: the fixed-point multipliers and shifts, each rounding and
// each clamp, so that a reader can check every expected value without
// running a kernel. Its sections:
//
//	-- graph.kir --        the graph in kiln's IR text form, weights whole
//	-- input NAME --       one graph input: for a float input, the int8
//	                       values of its quantization; for ids, the ids
//	-- output NAME --      the int8 values behind a dequantized output
//	-- input NAME f32 --   for the boundary ops: float data, run through
//	-- output NAME f32 --  Session.Run instead of Session.RunQuantized
//
// Values are separated by white space; a line may end in a // comment. A
// section may hold several examples: the batch size follows from the
// lengths.
const vectorGlob = "testdata/vm/*.txtar"

// vector is one parsed golden vector.
type vector struct {
	name  string
	g     *ir.Graph
	float bool // boundary vector: float inputs and outputs
	n     int  // batch size
	// Section contents by graph value name; ints hold int8 or int32 data.
	inInts, outInts map[string][]int64
	inF32, outF32   map[string][]float32
}

func readVector(t *testing.T, file string) *vector {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(ar.Comment)) == "" {
		t.Fatalf("%s: no hand computation in the archive's comment", file)
	}
	v := &vector{name: filepath.Base(file), inInts: map[string][]int64{}, outInts: map[string][]int64{},
		inF32: map[string][]float32{}, outF32: map[string][]float32{}}
	var src []byte
	for _, f := range ar.Files {
		words := strings.Fields(f.Name)
		switch {
		case f.Name == "graph.kir":
			src = f.Data
		case len(words) == 2 && (words[0] == "input" || words[0] == "output"):
			ints, err := parseInts(f.Data)
			if err != nil {
				t.Fatalf("%s: section %q: %v", file, f.Name, err)
			}
			map[bool]map[string][]int64{true: v.inInts, false: v.outInts}[words[0] == "input"][words[1]] = ints
		case len(words) == 3 && (words[0] == "input" || words[0] == "output") && words[2] == "f32":
			fs, err := parseF32s(f.Data)
			if err != nil {
				t.Fatalf("%s: section %q: %v", file, f.Name, err)
			}
			map[bool]map[string][]float32{true: v.inF32, false: v.outF32}[words[0] == "input"][words[1]] = fs
			v.float = true
		default:
			t.Fatalf("%s: unknown section %q", file, f.Name)
		}
	}
	if src == nil {
		t.Fatalf("%s: no graph.kir section", file)
	}
	if v.g, err = ir.Parse(v.name+":graph.kir", src); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	// Every input and output has its data, of the kind the vector's mode
	// takes, and all agree on the batch size.
	v.n = -1
	batch := func(what string, got int, typ ir.Type) {
		per := typ.Elems()
		if got == 0 || got%per != 0 || (v.n >= 0 && got/per != v.n) {
			t.Fatalf("%s: %s: %d values are not a whole batch of %v, or the batch sizes differ", file, what, got, typ)
		}
		v.n = got / per
	}
	for _, in := range v.g.Inputs() {
		ints, isInt := v.inInts[in.Name]
		fs, isF32 := v.inF32[in.Name]
		switch {
		case in.Type.DType == tensor.I32 && isInt:
			checkRange(t, file, in.Name, ints, math.MinInt32, math.MaxInt32)
			batch("input "+in.Name, len(ints), in.Type)
		case in.Type.DType == tensor.F32 && isF32:
			batch("input "+in.Name, len(fs), in.Type)
		case in.Type.DType == tensor.F32 && isInt && !v.float:
			if quantizeOf(v.g, in) == nil {
				t.Fatalf("%s: input %s is not quantized, so it cannot be given as int8", file, in.Name)
			}
			checkRange(t, file, in.Name, ints, math.MinInt8, math.MaxInt8)
			batch("input "+in.Name, len(ints), in.Type)
		default:
			t.Fatalf("%s: no fitting section for input %s (%v)", file, in.Name, in.Type)
		}
	}
	for _, out := range v.g.Outputs {
		ints, isInt := v.outInts[out.Name]
		fs, isF32 := v.outF32[out.Name]
		switch {
		case v.float && isF32:
			batch("output "+out.Name, len(fs), out.Type)
		case !v.float && isInt && out.Op == ir.OpDequantize:
			checkRange(t, file, out.Name, ints, math.MinInt8, math.MaxInt8)
			batch("output "+out.Name, len(ints), out.Type)
		default:
			t.Fatalf("%s: no fitting section for output %s (a dequantized value)", file, out.Name)
		}
	}
	if len(v.inInts)+len(v.inF32) != len(v.g.Inputs()) || len(v.outInts)+len(v.outF32) != len(v.g.Outputs) {
		t.Fatalf("%s: a section names no input or output of the graph", file)
	}
	return v
}

func parseInts(b []byte) ([]int64, error) {
	var out []int64
	for _, w := range words(b) {
		x, err := strconv.ParseInt(w, 10, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

func parseF32s(b []byte) ([]float32, error) {
	var out []float32
	for _, w := range words(b) {
		x, err := strconv.ParseFloat(w, 32)
		if err != nil {
			return nil, err
		}
		out = append(out, float32(x))
	}
	return out, nil
}

// words splits a section into its values, dropping // comments.
func words(b []byte) []string {
	var w []string
	for _, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "//")
		w = append(w, strings.Fields(line)...)
	}
	return w
}

func checkRange(t *testing.T, file, name string, xs []int64, lo, hi int64) {
	t.Helper()
	for _, x := range xs {
		if x < lo || x > hi {
			t.Fatalf("%s: %s holds %d, outside [%d, %d]", file, name, x, lo, hi)
		}
	}
}

// quantizeOf returns the quantize op that reads input in, or nil.
func quantizeOf(g *ir.Graph, in *ir.Value) *ir.Value {
	for _, v := range g.Values {
		if v.Op == ir.OpQuantize && v.Args[0] == in {
			return v
		}
	}
	return nil
}

// TestVMVectors runs every golden vector through the VM — bytecode.Encode,
// runtime.Load and a Session, on every kernel set this machine runs — and through the integer reference executor ir.Run: each must give
// the expected values exactly.
func TestVMVectors(t *testing.T) {
	files, err := filepath.Glob(vectorGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors match %s", vectorGlob)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			v := readVector(t, file)
			kbc, err := bytecode.Encode(v.g)
			if err != nil {
				t.Fatal(err)
			}
			for _, set := range kernels.Runnable() {
				m, err := runtime.Load(kbc, &runtime.Options{Kernels: set})
				if err != nil {
					t.Fatal(err)
				}
				v.checkVM(t, m, fmt.Sprintf("VM (%s kernels)", set))
			}
			v.checkIR(t)
		})
	}
}

// checkVM runs the vector on a model's session.
func (v *vector) checkVM(t *testing.T, m *runtime.Model, engine string) {
	t.Helper()
	dtype := map[string]tensor.DType{}
	for _, in := range v.g.Inputs() {
		dtype[in.Name] = in.Type.DType
	}
	var ins, outs []runtime.Value
	for _, info := range m.Inputs() {
		var in runtime.Value
		switch {
		case dtype[info.Name] == tensor.I32:
			in.I32 = toI32(v.inInts[info.Name])
		case v.float:
			in.F32 = v.inF32[info.Name]
		default:
			in.I8 = toI8(v.inInts[info.Name])
		}
		ins = append(ins, in)
	}
	for _, info := range m.Outputs() {
		size := v.n * tensor.NumElems(info.Shape)
		if v.float {
			outs = append(outs, runtime.Value{F32: make([]float32, size)})
		} else {
			outs = append(outs, runtime.Value{I8: make([]int8, size)})
		}
	}
	s := newSession(t, m, v.n)
	run := s.RunQuantized
	if v.float {
		run = s.Run
	}
	if err := run(ins, outs); err != nil {
		t.Fatalf("%s: %v", engine, err)
	}
	for i, info := range m.Outputs() {
		if v.float {
			compareF32(t, engine, info.Name, outs[i].F32, v.outF32[info.Name])
		} else {
			compareInts(t, engine, info.Name, fromI8(outs[i].I8), v.outInts[info.Name])
		}
	}
}

// checkIR runs the vector on the reference executor. An int8 input is fed
// as the float S*(q-Z), and the executor's quantization of it must give q
// back; an int8 output is the operand of the output's dequantize.
func (v *vector) checkIR(t *testing.T) {
	t.Helper()
	const engine = "ir.Run"
	feeds := map[string]*tensor.Tensor{}
	for _, in := range v.g.Inputs() {
		x := tensor.New(in.Type.DType, in.Type.Shape(v.n)...)
		switch {
		case in.Type.DType == tensor.I32:
			copy(x.I32, toI32(v.inInts[in.Name]))
		case v.float:
			copy(x.F32, v.inF32[in.Name])
		default:
			qp := quantizeOf(v.g, in).Quant
			for i, q := range v.inInts[in.Name] {
				x.F32[i] = float32(float64(qp.Scale[0]) * float64(q-int64(qp.Zero[0])))
			}
		}
		feeds[in.Name] = x
	}
	seen := map[*ir.Value]*tensor.Tensor{}
	if err := ir.RunEach(v.g, feeds, func(val *ir.Value, x *tensor.Tensor) { seen[val] = x }); err != nil {
		t.Fatalf("%s: %v", engine, err)
	}
	if !v.float {
		for _, in := range v.g.Inputs() {
			if q := quantizeOf(v.g, in); q != nil && !slices.Equal(fromI8(seen[q].I8), v.inInts[in.Name]) {
				t.Fatalf("the executor quantizes input %s to %v, not to the vector's %v", in.Name, seen[q].I8, v.inInts[in.Name])
			}
		}
	}
	for _, out := range v.g.Outputs {
		if v.float {
			compareF32(t, engine, out.Name, seen[out].F32, v.outF32[out.Name])
		} else {
			compareInts(t, engine, out.Name, fromI8(seen[out.Args[0]].I8), v.outInts[out.Name])
		}
	}
}

func compareInts(t *testing.T, engine, name string, got, want []int64) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: output %s\n got %v\nwant %v%s", engine, name, got, want, firstDiff(len(got), func(i int) bool { return i < len(want) && got[i] == want[i] }))
	}
}

func compareF32(t *testing.T, engine, name string, got, want []float32) {
	t.Helper()
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		same = math.Float32bits(got[i]) == math.Float32bits(want[i])
	}
	if !same {
		t.Errorf("%s: output %s\n got %v\nwant %v%s", engine, name, got, want, firstDiff(len(got), func(i int) bool {
			return i < len(want) && math.Float32bits(got[i]) == math.Float32bits(want[i])
		}))
	}
}

// firstDiff names the first element where two results differ.
func firstDiff(n int, same func(int) bool) string {
	for i := 0; i < n; i++ {
		if !same(i) {
			return fmt.Sprintf("\n(first difference at element %d)", i)
		}
	}
	return ""
}

func toI8(xs []int64) []int8 {
	out := make([]int8, len(xs))
	for i, x := range xs {
		out[i] = int8(x)
	}
	return out
}

func toI32(xs []int64) []int32 {
	out := make([]int32, len(xs))
	for i, x := range xs {
		out[i] = int32(x)
	}
	return out
}

func fromI8(xs []int8) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

// TestVMVectorsCoverage fails when an opcode or an integer op has no
// vector: every opcode of runtime/testdata/ops.kbc (the file that holds
// them all, as TestOpsKBC checks) must appear in some vector's
// disassembly, every integer op of the IR in some vector's graph, and
// the opcode a vector's file is named after in its own disassembly.
// CONCAT needs both kinds of input: copied and rescaled.
func TestVMVectorsCoverage(t *testing.T) {
	files, err := filepath.Glob(vectorGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors match %s", vectorGlob)
	}
	ops, err := os.ReadFile(opsKBC)
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.Load(ops, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := disassembly(m)
	if len(want) < 19 {
		t.Fatalf("%s holds %d opcodes; TestOpsKBC says it holds all of them", opsKBC, len(want))
	}
	have := map[string]bool{}
	irOps := map[string]bool{}
	var params []string
	for _, file := range files {
		v := readVector(t, file)
		for _, val := range v.g.Values {
			irOps[val.Op.Name] = true
		}
		kbc, err := bytecode.Encode(v.g)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		m, err := runtime.Load(kbc, nil)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		names, lines := disassembly(m)
		for name := range names {
			have[name] = true
		}
		params = append(params, lines...)
		named, _, _ := strings.Cut(strings.TrimSuffix(filepath.Base(file), ".txtar"), "-")
		if !names[strings.ToUpper(named)] {
			t.Errorf("%s is named after %s, which its code does not run (it runs %v)", file, strings.ToUpper(named), slices.Sorted(maps.Keys(names)))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if !have[name] {
			t.Errorf("opcode %s has no vector in %s", name, vectorGlob)
		}
	}
	for _, op := range ir.Ops() {
		if op.Integer && !irOps[op.Name] {
			t.Errorf("integer op %s has no vector in %s", op.Name, vectorGlob)
		}
	}
	for _, kind := range []string{"copy=1", "copy=0"} {
		copyParam := regexp.MustCompile(` copy(\[\d+\])?=` + kind[len(kind)-1:] + ` `)
		found := false
		for _, l := range params {
			found = found || strings.Contains(l, " CONCAT ") && copyParam.MatchString(l)
		}
		if !found {
			t.Errorf("no CONCAT vector has an input with %s", kind)
		}
	}
}

// disassembly returns the opcode names of a model's code, as its
// disassembly lists them, and the code lines.
func disassembly(m *runtime.Model) (map[string]bool, []string) {
	var b strings.Builder
	m.Disassemble(&b, 0) // wide: an instruction and its parameters on one line
	_, code, _ := strings.Cut(b.String(), "\ncode:\n")
	code, _, _ = strings.Cut(code, "\n\n") // the legend follows
	names := map[string]bool{}
	var lines []string
	for i, line := range strings.Split(code, "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 2 { // the column headings
			continue
		}
		names[f[1]] = true
		lines = append(lines, line+" ")
	}
	return names, lines
}
