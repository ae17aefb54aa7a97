// Package plan computes the memory plan of an integer graph, for every
// backend: each value an op computes gets an offset in one arena whose
// size is known at build time. Offsets are per sample (a run over a batch
// of up to B examples scales them by B) and multiples of kbc.Align. A
// value holds its bytes from the op that computes it to the last op that
// reads it (an output: to the end); a dead value's bytes are reused, and
// an op whose kernel works element by element (its opcode's schema says
// InPlace) writes its result over an operand that dies there.
package plan

import (
	"fmt"
	"sort"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/ir"
)

// Plan is a graph's arena layout.
type Plan struct {
	// Offset is the arena offset of every value an op computes (not
	// inputs, parameters, or aliases, which share their root's bytes).
	Offset map[*ir.Value]int
	// Size is the arena's size in bytes per sample.
	Size int
}

// Root returns the value whose bytes v shares: v itself, or for a layout
// op (flatten, reshape) its operand's root.
func Root(v *ir.Value) *ir.Value {
	for v.Op.Alias {
		v = v.Args[0]
	}
	return v
}

// Bytes is a value's size per sample.
func Bytes(v *ir.Value) int { return v.Type.Elems() * v.Type.DType.Size() }

// Arena lays out the values g computes, in graph order.
func Arena(g *ir.Graph) (*Plan, error) {
	var code []*ir.Value // the values ops compute, in order
	for _, v := range g.Values {
		if !v.IsSource() && !v.Op.Alias {
			code = append(code, v)
		}
	}
	index := make(map[*ir.Value]int, len(code))
	for k, v := range code {
		index[v] = k
	}
	// last[v]: the last instruction reading v's bytes.
	last := make(map[*ir.Value]int, len(code))
	for k, v := range code {
		for _, a := range v.Args {
			last[Root(a)] = k
		}
	}
	for _, o := range g.Outputs {
		last[Root(o)] = len(code)
	}
	type block struct {
		off, size int
		v         *ir.Value
	}
	var live []block // sorted by offset
	p := &Plan{Offset: make(map[*ir.Value]int, len(code))}
	for k, v := range code {
		if v.Type.DType.Size() == 0 {
			return nil, fmt.Errorf("%s: no memory layout for %v values", v.Name, v.Type.DType)
		}
		need := kbc.AlignUp(Bytes(v))
		// Blocks whose values died before this op are free.
		kept := live[:0]
		for _, b := range live {
			if last[b.v] >= k {
				kept = append(kept, b)
			}
		}
		live = kept
		off := -1
		if v.Op.InPlace() {
			for i, b := range live {
				if last[b.v] == k && Bytes(b.v) == Bytes(v) && readsRoot(v, b.v) {
					off = b.off
					live = append(live[:i], live[i+1:]...)
					break
				}
			}
		}
		if off < 0 {
			off = firstFit(len(live), need, func(i int) (int, int) { return live[i].off, live[i].size })
		}
		p.Offset[v] = off
		p.Size = max(p.Size, off+need)
		if last[v] > k {
			live = append(live, block{off, need, v})
			sort.Slice(live, func(i, j int) bool { return live[i].off < live[j].off })
		}
	}
	return p, nil
}

// firstFit returns the lowest offset where need bytes fit between the n
// (offset-sorted) live blocks.
func firstFit(n, need int, span func(int) (int, int)) int {
	at := 0
	for i := range n {
		off, size := span(i)
		if off-at >= need {
			return at
		}
		at = max(at, off+size)
	}
	return at
}

// readsRoot reports whether v reads root's bytes.
func readsRoot(v, root *ir.Value) bool {
	for _, a := range v.Args {
		if Root(a) == root {
			return true
		}
	}
	return false
}
