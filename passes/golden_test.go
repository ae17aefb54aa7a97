package passes

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

var update = flag.Bool("update", false, "rewrite the out sections of the pass goldens")

// TestPassGoldens runs each pass alone on IR text and compares the IR
// text it leaves with the golden: testdata/PASS.CASE.txtar holds an in
// section (the graph, weights written out) and an out section (the graph
// after PASS; go test ./passes -update rewrites it, for review in the
// diff). A quantize case gives the calibrated ranges in a ranges section
// (one "value lo hi" a line) and adds the ops left in float to out.
// Every pass in the table must have at least one case.
func TestPassGoldens(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		pass, _, _ := strings.Cut(name, ".")
		covered[pass] = true
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string]string{}
			for _, f := range ar.Files {
				sections[f.Name] = string(f.Data)
			}
			got := runGolden(t, pass, name, sections)
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "out" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := sections["out"]; got != want {
				t.Errorf("after %s:\n%s\nwant:\n%s", pass, got, want)
			}
		})
	}
	for _, p := range All() {
		if !covered[p.Name] {
			t.Errorf("pass %s has no golden in testdata", p.Name)
		}
	}
}

// runGolden runs one case and returns the text to compare with out.
func runGolden(t *testing.T, pass, name string, sections map[string]string) string {
	t.Helper()
	if Lookup(pass) == nil {
		t.Fatalf("%s names no pass", name)
	}
	g, err := ir.Parse(name+".in", []byte(sections["in"]))
	if err != nil {
		t.Fatalf("in: %v", err)
	}
	c := &Context{}
	if r, ok := sections["ranges"]; ok {
		c.Ranges = parseRanges(t, r)
	}
	cfg := Config{Verify: true, Options: goldenOptions(t, pass, g, sections)}
	if err := Run(g, c, []string{pass}, cfg); err != nil {
		t.Fatal(err)
	}
	out := g.Format(ir.PrintOptions{Weights: true})
	if pass == "calibrate" {
		out += formatRanges(c.Ranges)
	}
	for _, f := range c.Float {
		out += fmt.Sprintf("// float: %s (%s) at %v: %s\n", f.Value, f.Op, f.Pos, f.Reason)
	}
	return out
}

func parseRanges(t *testing.T, text string) map[string]Range {
	t.Helper()
	ranges := map[string]Range{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("ranges: %q is not \"value lo hi\"", line)
		}
		lo, err1 := strconv.ParseFloat(f[1], 64)
		hi, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("ranges: %q: bad numbers", line)
		}
		ranges[f[0]] = Range{Lo: lo, Hi: hi}
	}
	return ranges
}

func formatRanges(r map[string]Range) string {
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "// range %s [%g, %g]\n", n, r[n].Lo, r[n].Hi)
	}
	return b.String()
}

// goldenOptions gives the calibrate pass its data: the data section holds
// one example of the graph's only input a line. A quantize case with a
// per-tensor section quantizes weights with one scale each.
func goldenOptions(t *testing.T, pass string, g *ir.Graph, sections map[string]string) map[string]any {
	t.Helper()
	if pass == "quantize" {
		if _, ok := sections["per-tensor"]; ok {
			return map[string]any{"quantize": &Quantization{PerTensorWeights: true}}
		}
		return nil
	}
	if pass != "calibrate" {
		return nil
	}
	var values []float32
	lines := strings.Split(strings.TrimSpace(sections["data"]), "\n")
	for _, line := range lines {
		for _, f := range strings.Fields(line) {
			x, err := strconv.ParseFloat(f, 32)
			if err != nil {
				t.Fatalf("data: %v", err)
			}
			values = append(values, float32(x))
		}
	}
	in := g.Inputs()[0]
	x := tensor.New(tensor.F32, append([]int{len(lines)}, in.Type.Dims...)...)
	if len(values) != len(x.F32) {
		t.Fatalf("data: %d values for %d examples of %v", len(values), len(lines), in.Type)
	}
	copy(x.F32, values)
	set := &data.Dataset{Name: "golden", Inputs: []data.Named{{Name: in.Name, T: x}}}
	return map[string]any{"calibrate": &Calibration{Data: testmodels.Feed(g, set, 2), Method: sections["method"][:len(sections["method"])-1]}}
}
