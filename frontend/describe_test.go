package frontend

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// TestDescribeRoundTrip: every example, with weights bound, written back
// as .kiln text and checked again, is the same graph with the same
// weights (the IR text, data hashes included, is identical).
func TestDescribeRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../examples/*.kiln")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			prog, _, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			g := prog.Graph
			rng := rand.New(rand.NewPCG(1, 2))
			for _, p := range g.Params() {
				d := tensor.New(p.Type.DType, p.Type.Dims...)
				for k := range d.F32 {
					d.F32[k] = rng.Float32() - 0.5
				}
				p.Data = d
			}
			src, weights, err := Describe(g)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Compile("described.kiln", src)
			if err != nil {
				t.Fatalf("%v\n%s", err, src)
			}
			if err := again.Graph.Bind(weights); err != nil {
				t.Fatalf("%v\n%s", err, src)
			}
			if want, got := canonical(g), canonical(again.Graph); want != got {
				t.Errorf("round trip changed the graph:\n--- before\n%s\n--- after\n%s\n--- text\n%s", want, got, src)
			}
		})
	}
}

// canonical prints a graph without its names and positions: each value
// as its op, its operands by index, its attributes, its type and, for
// parameters, a hash of its data.
func canonical(g *ir.Graph) string {
	index := map[*ir.Value]int{}
	var b strings.Builder
	for k, v := range g.Values {
		index[v] = k
		fmt.Fprintf(&b, "%d = %s", k, v.Op.Name)
		for _, a := range v.Args {
			fmt.Fprintf(&b, " %d", index[a])
		}
		keys := slices.Sorted(maps.Keys(v.Attrs))
		for _, key := range keys {
			fmt.Fprintf(&b, " %s=%v", key, v.Attrs[key])
		}
		fmt.Fprintf(&b, " : %v", v.Type)
		if v.Data != nil {
			fmt.Fprintf(&b, " data %x", sha256.Sum256(fmt.Append(nil, v.Data.F32, v.Data.I32)))
		}
		b.WriteByte('\n')
	}
	for _, o := range g.Outputs {
		fmt.Fprintf(&b, "output %d\n", index[o])
	}
	return b.String()
}
