package runtime

import (
	"fmt"
	"slices"

	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// Hooks for the tests of package runtime_test.

// SplitEverything makes every op of m that can be split use all the
// threads it may, however small, so that tests exercise every partition.
// Call it before making sessions.
func SplitEverything(m *Model) { m.minWork = 1 }

// Workers is the number of worker goroutines s has started.
func Workers(s *Session) int {
	if s.pool == nil || !s.pool.started {
		return 0
	}
	return len(s.pool.workers)
}

// MissWakeups makes s's pool skip the wake-ups it sends as a job and a
// Run start, as if each were lost.
func MissWakeups(s *Session) { s.pool.missWakeups = true }

// SetMinWork sets the least work worth a thread of m's sessions.
func SetMinWork(m *Model, w int) { m.minWork = w }

// CopiedEmbeddings counts m's EMBEDDING instructions and those that copy
// their rows (one identity rescale for every row).
func CopiedEmbeddings(m *Model) (copied, all int) {
	for _, in := range m.code {
		if e, ok := in.prep.(embeddingOp); ok {
			all++
			if e.copyRows {
				copied++
			}
		}
	}
	return copied, all
}

// SetCopyEmbeddings turns the row copy of m's embeddings off (or back on
// where it applies), to compare with the reference kernel. Call it before
// making sessions.
func SetCopyEmbeddings(m *Model, on bool) {
	for i, in := range m.code {
		if e, ok := in.prep.(embeddingOp); ok {
			e.copyRows = on && len(e.p.Rows) > 0 && copiesRows(e.p.Rows[0], e.p.OutputOffset) && sameRescale(e.p.Rows)
			m.code[i].prep = e
		}
	}
}

func sameRescale(rows []ref.Requant) bool {
	for _, r := range rows {
		if r != rows[0] {
			return false
		}
	}
	return true
}

// ColumnParts lists, for each dense layer of m, where its output parts
// start (nil for a layer not split by output channels).
func ColumnParts(m *Model) [][]int {
	var parts [][]int
	for _, in := range m.code {
		if d, ok := in.prep.(denseOp); ok {
			var starts []int
			for _, c := range d.cols {
				starts = append(starts, c.j0)
			}
			parts = append(parts, starts)
		}
	}
	return parts
}

// ColBounds is colBounds.
var ColBounds = colBounds

// Jobs is the number of jobs s has handed to its workers.
func Jobs(s *Session) uint64 {
	if s.pool == nil {
		return 0
	}
	return s.pool.next
}

// Regions lists m's regions as [from, to) instruction ranges.
func Regions(m *Model) [][2]int {
	var rs [][2]int
	for _, r := range m.regions {
		rs = append(rs, [2]int{r.from, r.to})
	}
	return rs
}

// RegionOverlaps names each pair of tensors that one region of m uses,
// one of them written there, and that share arena bytes: where one thread
// could overwrite what another still reads.
func RegionOverlaps(m *Model) []string {
	var bad []string
	for _, r := range m.regions {
		var used []int
		written := map[int]bool{}
		for k := r.from; k < r.to; k++ {
			for i, t := range m.code[k].t {
				root := m.tensors[t].root
				if m.tensors[root].store != kbc.StoreArena {
					continue
				}
				if !slices.Contains(used, root) {
					used = append(used, root)
				}
				written[root] = written[root] || i == 0
			}
		}
		for i, a := range used {
			for _, b := range used[i+1:] {
				ta, tb := &m.tensors[a], &m.tensors[b]
				if (written[a] || written[b]) && ta.offset < tb.offset+tb.bytes() && tb.offset < ta.offset+ta.bytes() {
					bad = append(bad, fmt.Sprintf("instructions %d-%d: %s and %s", r.from, r.to-1, ta.name, tb.name))
				}
			}
		}
	}
	return bad
}

// DepthwiseConvs is the number of m's convolutions that run on the
// depthwise kernel (convOp.depthwise).
func DepthwiseConvs(m *Model) int {
	n := 0
	for _, in := range m.code {
		if p, ok := in.prep.(convOp); ok && p.depthwise {
			n++
		}
	}
	return n
}
