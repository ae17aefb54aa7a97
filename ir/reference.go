package ir

import (
	"fmt"
	"strings"
)

// Reference prints the op table as Markdown: every compute op with its
// operands, attributes and what the language lets a call pass by position.
// OPS.md holds its output, kept current by a golden test.
func Reference() string {
	var b strings.Builder
	b.WriteString("# kiln ops\n\n")
	b.WriteString("Generated from the op table (`go test ./ir -update` rewrites it). ")
	b.WriteString("Shapes are per sample: the batch dimension is implicit. ")
	b.WriteString("Operands marked *parameter* are created by the layer, named `<binding>.<operand>`, ")
	b.WriteString("and bound to weights by name; the others are passed in the call, by position. ")
	b.WriteString("Layer attributes size the parameters and do not stay in the IR.\n")
	for _, integer := range []bool{false, true} {
		if integer {
			b.WriteString("\n# Quantized ops\n\n")
			b.WriteString("The ops of quantized graphs, which the quantize pass writes: int8 versions of the ops above with ")
			b.WriteString("TFLite's reference integer semantics (or kiln's own, where TFLite has none), and the boundary ")
			b.WriteString("between float and int8. They do not appear in .kiln files. Their fixed-point multipliers follow ")
			b.WriteString("from the quantization parameters of their operands and results.\n")
		}
		for _, op := range Ops() {
			if op.Kind == Compute && op.Integer == integer {
				writeOp(&b, op)
			}
		}
	}
	return b.String()
}

func writeOp(b *strings.Builder, op *Op) {
	{
		fmt.Fprintf(b, "\n## %s\n\n%s.\n\n", op.Name, upperFirst(op.Doc))
		var call []string
		for _, o := range op.Operands {
			if o.Param {
				continue
			}
			if o.Variadic {
				call = append(call, o.Name+"...")
			} else {
				call = append(call, o.Name)
			}
		}
		call = append(call, op.Positional...)
		if !op.Integer {
			fmt.Fprintf(b, "Call: `%s(%s", op.Name, strings.Join(call, ", "))
			for _, specs := range [][]AttrSpec{op.Attrs, layerAttrs(op)} {
				for _, a := range specs {
					if !contains(op.Positional, a.Name) {
						fmt.Fprintf(b, ", %s=", a.Name)
					}
				}
			}
			b.WriteString(")`\n\n")
		}
		b.WriteString("| operand | |\n|---|---|\n")
		for _, o := range op.Operands {
			var notes []string
			if o.Param {
				notes = append(notes, "parameter")
			}
			if o.Optional {
				notes = append(notes, "optional")
			}
			if o.Variadic {
				notes = append(notes, "one or more")
			}
			fmt.Fprintf(b, "| %s | %s |\n", o.Name, strings.Join(notes, ", "))
		}
		if len(op.Attrs)+len(layerAttrs(op)) > 0 {
			b.WriteString("\n| attribute | kind | default | |\n|---|---|---|---|\n")
			for _, a := range op.Attrs {
				fmt.Fprintf(b, "| %s | %s | %s | %s |\n", a.Name, attrKindDoc(a), attrDefaultDoc(a), a.Doc)
			}
			for _, a := range layerAttrs(op) {
				doc := "layer attribute"
				if a.Doc != "" {
					doc += ": " + a.Doc
				}
				fmt.Fprintf(b, "| %s | %s | %s | %s |\n", a.Name, attrKindDoc(a), attrDefaultDoc(a), doc)
			}
		}
		writeInteger(b, op)
	}
}

// writeInteger says what the op becomes in int8, or which VM opcode runs
// it.
func writeInteger(b *strings.Builder, op *Op) {
	switch {
	case op.Alias:
		b.WriteString("\nIn int8 graphs: kept as it is, an alias of its operand's bytes (no kernel).\n")
	case op.Lower != nil:
		fmt.Fprintf(b, "\nIn int8 graphs: `%s`.\n", op.Lower.To.Name)
	case op.NoInteger != "":
		fmt.Fprintf(b, "\nIn int8 graphs: stays float: %s.\n", op.NoInteger)
	case !op.Integer:
		b.WriteString("\nIn int8 graphs: stays float (no integer form).\n")
	case op.Opcode != 0:
		inPlace := ""
		if op.InPlace() {
			inPlace = ", which may write its result over an operand that dies with it"
		}
		fmt.Fprintf(b, "\nVM opcode: `%v`%s.\n", op.Opcode, inPlace)
	}
}

func layerAttrs(op *Op) []AttrSpec {
	if op.Layer == nil {
		return nil
	}
	return op.Layer.Attrs
}

func attrKindDoc(a AttrSpec) string {
	switch {
	case a.Kind == AttrInts && a.Len == PerSpatialDim:
		return "int or list, one per spatial dimension"
	case a.Kind == AttrInts && a.Len > 0:
		return fmt.Sprintf("list of %d ints", a.Len)
	}
	return a.Kind.String()
}

func attrDefaultDoc(a AttrSpec) string {
	switch {
	case a.Required:
		return "required"
	case a.Default == nil:
		return "see description"
	}
	if l, ok := a.Default.([]int); ok && len(l) == 1 && a.Len == PerSpatialDim {
		return fmt.Sprint(l[0])
	}
	return formatAttr(a.Default)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
