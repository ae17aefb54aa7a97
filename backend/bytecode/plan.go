package bytecode

import (
	"sort"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// The memory plan: every tensor an instruction computes gets an offset in
// one arena, sized at build time. Offsets are per sample (a session for
// batches of up to B examples scales them by B), multiples of
// kbc.Align. A tensor holds its bytes from the instruction that
// computes it to the last that reads it (outputs: to the end); a dead
// tensor's bytes are reused, and an opcode that works element by element
// writes its result over an operand that dies there (in place).

// alignUp rounds n up to a multiple of kbc.Align.
func alignUp(n int) int { return (n + kbc.Align - 1) / kbc.Align * kbc.Align }

// plan lays out the arena tensors and records their offsets in the
// tensor table; it returns the arena's size per sample.
func (e *encoder) plan() int {
	root := make([]int, len(e.tensors))
	for i, t := range e.tensors {
		root[i] = i
		if t.store == kbc.StoreAlias {
			root[i] = root[t.offset]
		}
	}
	last := make([]int, len(e.tensors))
	for i := range last {
		last[i] = -1
	}
	for k, in := range e.code {
		for _, t := range in.tensors[1:] {
			last[root[t]] = k
		}
	}
	for _, o := range e.g.Outputs {
		last[root[e.index[o]]] = len(e.code)
	}
	type block struct{ off, size, tensor int }
	var live []block // sorted by offset
	size := 0
	for k, in := range e.code {
		out := in.tensors[0]
		need := alignUp(e.bytes(out))
		// Blocks whose tensors died before this instruction are free.
		kept := live[:0]
		for _, b := range live {
			if last[b.tensor] >= k {
				kept = append(kept, b)
			}
		}
		live = kept
		off := -1
		if inPlace(in.op) {
			for i, b := range live {
				if last[b.tensor] == k && e.bytes(b.tensor) == e.bytes(out) && operand(in, root, b.tensor) {
					off = b.off
					live = append(live[:i], live[i+1:]...)
					break
				}
			}
		}
		if off < 0 {
			off = firstFit(live, need, func(b block) (int, int) { return b.off, b.size })
		}
		e.tensors[out].offset = off
		size = max(size, off+need)
		if last[out] > k {
			live = append(live, block{off, need, out})
			sort.Slice(live, func(i, j int) bool { return live[i].off < live[j].off })
		}
	}
	return size
}

// firstFit returns the lowest offset where need bytes fit between the
// (offset-sorted) live blocks.
func firstFit[B any](live []B, need int, span func(B) (int, int)) int {
	at := 0
	for _, b := range live {
		off, size := span(b)
		if off-at >= need {
			return at
		}
		at = max(at, off+size)
	}
	return at
}

func operand(in instruction, root []int, t int) bool {
	for _, a := range in.tensors[1:] {
		if root[a] == t {
			return true
		}
	}
	return false
}

// inPlace mirrors the runtime's list of opcodes that may overwrite an
// operand that dies with them.
func inPlace(op kbc.Opcode) bool {
	switch op {
	case kbc.OpRequantize, kbc.OpLogistic, kbc.OpTanh, kbc.OpAdd, kbc.OpSub, kbc.OpMul:
		return true
	}
	return false
}

// bytes is a tensor's size (per sample when batched).
func (e *encoder) bytes(i int) int {
	t := e.tensors[i]
	n := 1
	for _, d := range t.dims {
		n *= d
	}
	return n * t.dtype.Size()
}
