// Header: the C declarations of the module's entry points, and what a
// caller needs to fill and read their buffers.

package llvm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/ir"
)

// Header returns the C header for the module Emit writes for g: the
// entry points, every input's and output's shape and quantization
// parameters as macros, and a comment describing the model layer by
// layer. The same graph always gives the same text.
func Header(g *ir.Graph) ([]byte, error) {
	m, err := analyze(g)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	macro := strings.ToUpper(m.prefix)
	guard := macro + "_H"
	fmt.Fprintf(&b, "/* %s.h: the kiln model %s, compiled to native code through LLVM.\n", m.prefix, g.Name)
	b.WriteString(" *\n * Layers (int8 values, per example; positions in the model's source):\n")
	var macc int64
	for _, v := range g.Values {
		if v.IsSource() {
			continue
		}
		macc += ir.MACC(v)
		fmt.Fprintf(&b, " *   %-16s %-11s %-18s %s\n", v.Name, v.Op.Name, v.Type, commentSafe(v.Pos.String()))
	}
	fmt.Fprintf(&b, " *\n * %s multiply-accumulates per example; arena %d bytes per example.\n", thousands(macc), m.arenaSize())
	b.WriteString(` *
 * Both entry points run a batch of n examples, stored one after the other
 * in every buffer, and return 0, or -1 when n < 1. The _run form takes and
 * gives int8 values (inputs quantized with their SCALE and ZERO_POINT,
 * outputs before dequantization); the _run_f32 form takes and gives floats,
 * quantizing and dequantizing as kiln's VM does, and gives the VM's bits.
 * arena is scratch memory of n * ARENA_SIZE bytes owned by the caller; the
 * code allocates nothing and keeps no state, so calls on distinct arenas
 * may run concurrently.
 *
 * real = SCALE * (q - ZERO_POINT). Inputs of ids are int32 in both entry
 * points; an id outside its embedding's vocabulary makes them return -2.
 */
`)
	fmt.Fprintf(&b, "#ifndef %s\n#define %s\n\n#include <stddef.h>\n#include <stdint.h>\n\n", guard, guard)
	b.WriteString("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n")
	fmt.Fprintf(&b, "#define %s_ARENA_SIZE %d /* bytes per example */\n", macro, m.arenaSize())
	fmt.Fprintf(&b, "#define %s_NUM_INPUTS %d\n", macro, len(m.inputs))
	fmt.Fprintf(&b, "#define %s_NUM_OUTPUTS %d\n", macro, len(m.outputs))
	for _, p := range m.inputs {
		portMacros(&b, macro+"_INPUT_"+strings.ToUpper(p.c), "input", p)
	}
	for _, p := range m.outputs {
		portMacros(&b, macro+"_OUTPUT_"+strings.ToUpper(p.c), "output", p)
	}
	b.WriteString("\n")
	for _, float := range []bool{false, true} {
		in, out, name := "const int8_t *", "int8_t *", m.prefix+"_run"
		if float {
			in, out, name = "const float *", "float *", m.prefix+"_run_f32"
		}
		params := []string{"int n"}
		for _, p := range m.inputs {
			if p.ids {
				params = append(params, "const int32_t *"+p.c)
				continue
			}
			params = append(params, in+p.c)
		}
		for _, p := range m.outputs {
			params = append(params, out+p.c)
		}
		params = append(params, "void *arena")
		fmt.Fprintf(&b, "int %s(%s);\n", name, strings.Join(params, ", "))
	}
	fmt.Fprintf(&b, "size_t %s_arena_size(void); /* ARENA_SIZE */\n", m.prefix)
	b.WriteString("\n#ifdef __cplusplus\n}\n#endif\n\n")
	fmt.Fprintf(&b, "#endif /* %s */\n", guard)
	return []byte(b.String()), nil
}

// portMacros writes an input's or output's shape and quantization.
func portMacros(b *strings.Builder, macro, kind string, p port) {
	dims := make([]string, len(p.float.Type.Dims))
	for i, d := range p.float.Type.Dims {
		dims[i] = strconv.Itoa(d)
	}
	fmt.Fprintf(b, "\n/* %s %s: %v[%s] per example (%s) */\n", kind, p.float.Name, p.float.Type.DType, strings.Join(dims, ", "), commentSafe(p.float.Pos.String()))
	fmt.Fprintf(b, "#define %s_RANK %d\n", macro, len(dims))
	fmt.Fprintf(b, "#define %s_SHAPE {%s}\n", macro, strings.Join(dims, ", "))
	fmt.Fprintf(b, "#define %s_SIZE %d /* elements per example */\n", macro, p.elems)
	if p.ids {
		return // ids: int32 in both entry points, no quantization
	}
	fmt.Fprintf(b, "#define %s_SCALE %s\n", macro, cFloat(p.scale))
	fmt.Fprintf(b, "#define %s_ZERO_POINT (%d)\n", macro, p.zero)
}

// commentSafe keeps a file path from ending a C comment.
func commentSafe(s string) string { return strings.ReplaceAll(s, "*/", "*\\/") }

// cFloat writes a float32 as a C float literal that reads back exactly.
func cFloat(x float32) string {
	s := strconv.FormatFloat(float64(x), 'g', -1, 32)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s + "f"
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
