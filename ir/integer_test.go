package ir

import "testing"

// TestIntegerRows checks the integer side of every row: a float op says
// how it lowers, that it is an alias, or why it stays float; an int8 op
// has an opcode, a way to fill its schema and (past the float boundary)
// its kernel parameters; a lowering targets an int8 op (or the op itself,
// for an alias).
func TestIntegerRows(t *testing.T) {
	for _, op := range Ops() {
		if op.Kind != Compute {
			continue
		}
		if !op.Integer {
			n := 0
			for _, set := range []bool{op.Lower != nil, op.NoInteger != ""} {
				if set {
					n++
				}
			}
			if n != 1 && !op.Alias {
				t.Errorf("float op %s: set exactly one of Lower and NoInteger", op.Name)
			}
			if l := op.Lower; l != nil && !l.To.Integer && l.To != op {
				t.Errorf("float op %s lowers to %s, not an int8 op", op.Name, l.To.Name)
			}
			if l := op.Lower; l != nil && len(l.Operands) == 0 {
				t.Errorf("float op %s: its lowering names no operand rules", op.Name)
			}
			if l := op.Lower; l != nil && (l.Result == ResultFixed) != (l.Fixed != nil) {
				t.Errorf("float op %s: Fixed goes with ResultFixed", op.Name)
			}
			continue
		}
		if op.Opcode == 0 || op.Opcode.Schema() == nil || op.Instr == nil {
			t.Errorf("int8 op %s has no opcode or no Instr", op.Name)
		}
		if op.Params == nil && op != OpQuantize && op != OpDequantize {
			t.Errorf("int8 op %s has no Params", op.Name)
		}
	}
}
