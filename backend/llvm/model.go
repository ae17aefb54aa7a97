// Package llvm emits a quantized graph as an LLVM module (textual IR for
// LLVM 14, through github.com/llir/llvm) and the C header that goes with
// it. The module computes the integer program the VM runs, bit for bit:
// the same memory plan (backend/plan), the kernel parameters each int8
// op's row computes (ir.ParamsOf), and kernels written as plain IR loops
// that follow the reference kernels (runtime/kernels/ref).
//
// Entry points, for a model named m (its name made a C identifier):
//
//	int    kiln_m_run(int n, const int8_t *in0, ..., int8_t *out0, ..., void *arena);
//	int    kiln_m_run_f32(int n, const float *in0, ..., float *out0, ..., void *arena);
//	size_t kiln_m_arena_size(void);
//
// Both run a batch of n examples, stored one after the other in every
// buffer, and return 0, -1 when n < 1, or -2 when an id (an i32 input,
// passed as int32 to both) is outside its embedding's vocabulary. run takes and gives int8
// values, as the VM's RunQuantized does (inputs already quantized,
// outputs before dequantization); run_f32 quantizes its inputs and
// dequantizes its outputs as the VM's Run does. Both run the ops in graph
// order. arena is scratch memory of n times
// kiln_m_arena_size() bytes, for the caller to own: the module allocates
// nothing and keeps no state, so calls on separate arenas may run
// concurrently.
package llvm

import (
	"fmt"
	goruntime "runtime"
	"sort"
	"strings"

	"github.com/kiln-nn/kiln/backend/plan"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// supported lists the ops this backend compiles, for error messages.
func supported() string {
	var names []string
	for op := range emitters {
		names = append(names, op.Name)
	}
	names = append(names, ir.OpQEmbedding.Name, ir.OpQEmbeddingBag.Name)
	sort.Strings(names)
	return "quantize (of a model input), dequantize (of a model output), the layout ops flatten and reshape, and " + strings.Join(names, ", ")
}

// model is a graph checked for this backend, with its boundary and its
// memory plan.
type model struct {
	g       *ir.Graph
	prefix  string // "kiln_" and the model's name as a C identifier
	plan    *plan.Plan
	inputs  []port
	outputs []port
}

// port is one input or output of the entry points.
type port struct {
	c     string    // its C parameter name
	float *ir.Value // the model's input (f32, or i32 ids), or its f32 output
	q     *ir.Value // the int8 value: the input's quantization, the output before dequantization; nil for ids
	ids   bool      // an i32 input, passed as it is
	elems int       // elements per example
	scale float32
	zero  int32
}

// analyze checks that every op of g has a kernel here and finds the
// model's boundary. Unsupported ops are reported all at once, each at its
// source position.
func analyze(g *ir.Graph) (*model, error) {
	if g == nil {
		return nil, fmt.Errorf("no graph")
	}
	if err := ir.Verify(g); err != nil {
		return nil, err
	}
	var errs source.List
	quantizes := map[*ir.Value][]*ir.Value{} // input -> the quantize ops that read it
	outputRoots := map[*ir.Value]bool{}
	for _, o := range g.Outputs {
		outputRoots[plan.Root(o)] = true
	}
	for _, v := range g.Values {
		switch {
		case v.IsSource():
			if v.Op != ir.OpInput && v.Data == nil {
				errs.Add(v.Pos, "parameter %s has no data", v.Name)
			}
		case v.Op.Alias:
		case v.Op == ir.OpQuantize:
			if v.Args[0].Op != ir.OpInput {
				errs.Add(v.Pos, "%s: quantize of %s, which is not a model input, is not supported by the LLVM backend yet (it supports %s)", v.Name, v.Args[0].Name, supported())
				continue
			}
			quantizes[v.Args[0]] = append(quantizes[v.Args[0]], v)
		case v.Op == ir.OpDequantize:
			if !outputRoots[v] {
				errs.Add(v.Pos, "%s: dequantize of a value that is not a model output is not supported by the LLVM backend yet (it supports %s)", v.Name, supported())
			}
		case emitters[v.Op] != nil || v.Op == ir.OpQEmbedding || v.Op == ir.OpQEmbeddingBag:
			if _, err := ir.ParamsOf(v); err != nil {
				errs.Add(v.Pos, "%s: %v", v.Name, err)
			}
			// Kernels read their data operand from the arena; only
			// add, sub and mul also take a constant.
			arith := v.Op == ir.OpQAdd || v.Op == ir.OpQSub || v.Op == ir.OpQMul
			if r := plan.Root(v.Args[0]); !arith && r.IsSource() && !((v.Op == ir.OpQEmbedding || v.Op == ir.OpQEmbeddingBag) && r.Op == ir.OpInput) {
				errs.Add(v.Pos, "%s: %s of %s, which is not computed from the inputs, is not supported by the LLVM backend yet", v.Name, v.Op.Name, r.Name)
			}
		default:
			errs.Add(v.Pos, "%s: op %s is not supported by the LLVM backend yet (it supports %s)", v.Name, v.Op.Name, supported())
		}
	}
	p, err := plan.Arena(g)
	if err != nil {
		return nil, err
	}
	m := &model{g: g, prefix: "kiln_" + cIdent(g.Name), plan: p}
	names := map[string]bool{"n": true, "arena": true}
	for _, in := range g.Inputs() {
		qs := quantizes[in]
		switch {
		case in.Type.DType == tensor.I32:
			// Ids: read as they are, by the embeddings.
			m.inputs = append(m.inputs, port{c: unique(names, cIdent(in.Name)), float: in, elems: in.Type.Elems(), ids: true})
			continue
		case in.Type.DType != tensor.F32:
			errs.Add(in.Pos, "input %s: %v inputs are not supported by the LLVM backend yet (f32 inputs that the model quantizes, and i32 ids)", in.Name, in.Type.DType)
			continue
		case len(qs) != 1:
			errs.Add(in.Pos, "input %s: quantized %d times; the LLVM backend needs each input quantized exactly once", in.Name, len(qs))
			continue
		}
		s, z := qs[0].Quant.Scale[0], qs[0].Quant.Zero[0]
		m.inputs = append(m.inputs, port{c: unique(names, cIdent(in.Name)), float: in, q: qs[0], elems: in.Type.Elems(), scale: s, zero: z})
	}
	for _, o := range g.Outputs {
		d := plan.Root(o)
		if d.Op != ir.OpDequantize {
			errs.Add(o.Pos, "output %s: the LLVM backend needs every output dequantized from int8 (it is computed by %s)", o.Name, d.Op.Name)
			continue
		}
		q := d.Args[0]
		s, z := q.Quant.Scale[0], q.Quant.Zero[0]
		m.outputs = append(m.outputs, port{c: unique(names, cIdent(o.Name)), float: o, q: q, elems: o.Type.Elems(), scale: s, zero: z})
	}
	if err := errs.Err(); err != nil {
		errs.Sort()
		return nil, err
	}
	return m, nil
}

// cIdent makes name a C identifier: every byte outside [A-Za-z0-9_]
// becomes '_', and a leading digit gets a '_' before it.
func cIdent(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c >= '0' && c <= '9' && i > 0:
			b.WriteByte(c)
		case c >= '0' && c <= '9':
			b.WriteString("_")
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// cKeywords are the C words a parameter name must not be.
var cKeywords = map[string]bool{
	"auto": true, "break": true, "case": true, "char": true, "const": true, "continue": true, "default": true,
	"do": true, "double": true, "else": true, "enum": true, "extern": true, "float": true, "for": true,
	"goto": true, "if": true, "inline": true, "int": true, "long": true, "register": true, "restrict": true,
	"return": true, "short": true, "signed": true, "sizeof": true, "static": true, "struct": true,
	"switch": true, "typedef": true, "union": true, "unsigned": true, "void": true, "volatile": true, "while": true,
}

// unique returns name, with '_' appended until it is neither a C keyword
// nor taken, and takes it.
func unique(taken map[string]bool, name string) string {
	for taken[name] || cKeywords[name] {
		name += "_"
	}
	taken[name] = true
	return name
}

// offset is v's arena offset per example (an alias shares its root's).
func (m *model) offset(v *ir.Value) int { return m.plan.Offset[plan.Root(v)] }

// describe is a value's one-line description for comments: its name, op
// and source position.
func describe(v *ir.Value) string {
	return fmt.Sprintf("%s = %s  %s", v.Name, v.Op.Name, v.Pos)
}

// HostTriple is the LLVM target triple of the machine kiln runs on, or ""
// where it does not know it. The module names no target, so that one
// module serves every 64-bit machine; opt needs one (-mtriple) to know
// the vector registers it may vectorize the kernels' loops for.
func HostTriple() string {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[goruntime.GOARCH]
	os := map[string]string{"linux": "unknown-linux-gnu", "darwin": "apple-macosx", "freebsd": "unknown-freebsd"}[goruntime.GOOS]
	if arch == "" || os == "" {
		return ""
	}
	return arch + "-" + os
}

// panelWidths are the forms' panel widths: the scratch is sized for any
// of them, so that the header's arena size holds for every form.
var panelWidths = []int{8, 16}

// scratch is the scratch per example, after the plan's values: room for
// a dense layer's x as A rows (int16, in quads), or for one group's
// patches, panels and results of a convolution (one example at a time).
func (m *model) scratch() int {
	size := 0
	for _, v := range m.g.Values {
		if v.Op != ir.OpQConv1D && v.Op != ir.OpQConv2D && v.Op != ir.OpQDense {
			continue
		}
		p, err := ir.ParamsOf(v)
		if err != nil {
			continue // analyze reports it
		}
		switch p := p.(type) {
		case ref.ConvParams:
			for _, w := range panelWidths {
				size = max(size, newConvLayout(p, w).scratch(w))
			}
		case ref.DenseParams:
			size = max(size, 2*p.Rows*4*((p.In+3)/4))
		}
	}
	return size
}

// arenaSize is the arena's size per example: the plan's, then the
// scratch.
func (m *model) arenaSize() int { return m.plan.Size + m.scratch() }
