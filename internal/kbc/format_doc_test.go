package kbc_test

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/bits"
	"os"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// The opcode table of runtime/FORMAT.md is generated from the schemas, so
// that the document cannot drift from what the encoder writes and the
// loader checks.

var update = flag.Bool("update", false, "rewrite the opcode table of runtime/FORMAT.md from the schemas")

const (
	formatDoc   = "../../runtime/FORMAT.md"
	tableBegin  = "<!-- Generated from internal/kbc's schemas by go test ./internal/kbc -run TestFormatDoc -update. Do not edit. -->\n"
	tableEnd    = "<!-- End of the generated table. -->\n"
	staleAdvice = "run go test ./internal/kbc -run TestFormatDoc -update"
)

// TestFormatDoc fails when FORMAT.md's opcode table is not the one the
// schemas give; -update rewrites it.
func TestFormatDoc(t *testing.T) {
	b, err := os.ReadFile(formatDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, tableBegin), strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated opcode table (the lines %q and %q around it)", formatDoc, tableBegin, tableEnd)
	}
	want := opcodeTable(t)
	if doc[i+len(tableBegin):j] == want {
		return
	}
	if *update {
		doc = doc[:i+len(tableBegin)] + want + doc[j:]
		if err := os.WriteFile(formatDoc, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the opcode table is stale: %s", formatDoc, staleAdvice)
}

// opcodeTable writes the table: each opcode's number, name, what it
// computes (its comment in opcodes.go), tensor operands, integer
// parameters with their ranges, and whether it may work in place.
func opcodeTable(t *testing.T) string {
	comments := opcodeComments(t)
	var b strings.Builder
	b.WriteString("| code | opcode | computes | tensors (result first) | integers, in order, with their ranges | in place |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for op := kbc.Opcode(1); op < kbc.NumOpcodes; op++ {
		s := op.Schema()
		tensors := strings.Join(s.Tensors, ", ")
		if s.Variadic {
			tensors += " (one or more)"
		}
		ints := fieldList(s.Ints)
		if s.Variadic {
			ints += "; then, for each " + s.Tensors[len(s.Tensors)-1] + ": " + fieldList(s.PerInput)
		}
		inPlace := ""
		if s.InPlace {
			inPlace = "yes"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", op, s.Name, comments[op], tensors, ints, inPlace)
	}
	return b.String()
}

func fieldList(fs []kbc.Field) string {
	if len(fs) == 0 {
		return "—"
	}
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("`%s` [%s, %s]", f.Name, bound(f.Lo), bound(f.Hi)))
	}
	return strings.Join(parts, ", ")
}

// bound prints a range's end, the large ones as powers of two.
func bound(v int64) string {
	switch {
	case v == math.MaxInt32:
		return "2^31-1"
	case v == math.MinInt32:
		return "-2^31"
	case v >= 1024 && v&(v-1) == 0:
		return fmt.Sprintf("2^%d", bits.TrailingZeros64(uint64(v)))
	}
	return fmt.Sprint(v)
}

// opcodeComments reads the line comment of each opcode's constant in
// opcodes.go, checking that the constants come in the opcodes' order.
func opcodeComments(t *testing.T) map[kbc.Opcode]string {
	f, err := parser.ParseFile(token.NewFileSet(), "opcodes.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	comments := map[kbc.Opcode]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST || len(g.Specs) == 0 || g.Specs[0].(*ast.ValueSpec).Names[0].Name != "OpQuantize" {
			continue
		}
		for i, spec := range g.Specs {
			op := kbc.Opcode(i + 1)
			if op >= kbc.NumOpcodes {
				break
			}
			v := spec.(*ast.ValueSpec)
			name := strings.TrimPrefix(v.Names[0].Name, "Op")
			if !strings.EqualFold(name, strings.ReplaceAll(op.String(), "_", "")) {
				t.Fatalf("opcodes.go: constant %d is %s, but opcode %d is %v", i, v.Names[0].Name, op, op)
			}
			if v.Comment == nil {
				t.Fatalf("opcodes.go: %s has no comment", v.Names[0].Name)
			}
			comments[op] = strings.ReplaceAll(strings.TrimSpace(v.Comment.Text()), "|", `\|`)
		}
	}
	if len(comments) != int(kbc.NumOpcodes)-1 {
		t.Fatalf("opcodes.go: found comments for %d opcodes, want %d", len(comments), kbc.NumOpcodes-1)
	}
	return comments
}
