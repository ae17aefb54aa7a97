package ir

import (
	"fmt"
	"strconv"
	"strings"
)

// Dot draws the graph for Graphviz: one box per input and op (parameters
// are listed inside the op that uses them), edges along the data flow,
// outputs drawn bold.
func (g *Graph) Dot() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", strconv.Quote(g.Name))
	b.WriteString("  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n")
	id := map[*Value]string{}
	isOut := map[*Value]bool{}
	for _, o := range g.Outputs {
		isOut[o] = true
	}
	for i, v := range g.Values {
		if v.Op == OpParam || v.Op == OpConst {
			continue
		}
		id[v] = "v" + strconv.Itoa(i)
		label := []string{v.Name, v.Op.Name}
		for j, a := range v.Args {
			if v.Op.operand(j).Param || a.Op == OpConst {
				label = append(label, a.Name+" "+a.Type.String())
			}
		}
		label = append(label, v.Type.String())
		if m := MACC(v); m > 0 {
			label = append(label, Thousands(m)+" MACC")
		}
		attrs := ""
		switch {
		case v.Op == OpInput:
			attrs = ", shape=ellipse"
		case isOut[v]:
			attrs = ", style=bold"
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", id[v], dotQuote(strings.Join(label, "\n")), attrs)
	}
	for _, v := range g.Values {
		for j, a := range v.Args {
			if from, ok := id[a]; ok && !v.Op.operand(j).Param {
				fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", from, id[v], dotQuote(a.Type.String()))
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// dotQuote quotes a label for the DOT language, lines separated by \n.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
