// Package passes holds kiln's graph passes and the manager that runs them:
// an ordered table of named passes whose ordering constraints are checked
// when the program starts, run in table order, with the verifier after
// each pass when asked, and the IR dumped after the passes that changed
// it.
package passes

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kiln-nn/kiln/ir"
)

// Pass is one named graph transformation.
type Pass struct {
	Name string
	Doc  string
	// Run transforms g in place and reports whether it changed anything.
	Run func(c *Context, g *ir.Graph) (changed bool, err error)
}

// table is every pass, in the order they run.
var table = []*Pass{
	removeDropout,
	foldBatchNorm,
	fuseActivations,
	calibratePass,
	quantizePass,
}

// order lists the pairs {before, after} of passes whose order matters,
// and why; init checks that the table honours them.
var order = []struct{ before, after, why string }{
	{"remove-dropout", "fold-batchnorm", "a batch norm folds into a dense layer across a dropout only once the dropout is gone"},
	{"fold-batchnorm", "fuse-activations", "conv -> batchnorm -> relu fuses only after the batch norm is folded"},
	{"fuse-activations", "calibrate", "calibration observes the fused ops' outputs, the tensors that get quantized"},
	{"calibrate", "quantize", "quantization needs the calibrated ranges"},
}

func init() {
	for _, o := range order {
		b, a := Lookup(o.before), Lookup(o.after)
		if b == nil || a == nil || slices.Index(table, b) > slices.Index(table, a) {
			panic(fmt.Sprintf("passes: %s must run before %s (%s)", o.before, o.after, o.why))
		}
	}
}

// Lookup returns the pass with the given name, or nil.
func Lookup(name string) *Pass {
	for _, p := range table {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// All returns every pass in table order.
func All() []*Pass { return slices.Clone(table) }

// Structural are the passes that need no data: they run on any float
// graph and keep its meaning.
var Structural = []string{"remove-dropout", "fold-batchnorm", "fuse-activations"}

// Options say which passes to run and what to show.
type Options struct {
	Passes    []string  // pass names; they run in table order whatever the order given
	DumpAfter string    // "", a pass name, or "all": print the IR after it if it changed
	Dump      io.Writer // where dumps go
	Verify    bool      // run the verifier after every pass
}

// ParseList splits a comma-separated list of pass names and checks them.
func ParseList(s string) ([]string, error) {
	var names []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if Lookup(n) == nil {
			return nil, fmt.Errorf("unknown pass %q (passes: %s)", n, strings.Join(names0(), ", "))
		}
		names = append(names, n)
	}
	return names, nil
}

func names0() []string {
	var s []string
	for _, p := range table {
		s = append(s, p.Name)
	}
	return s
}

// Run runs the selected passes over g in table order.
func Run(g *ir.Graph, c *Context, opt Options) error {
	if opt.DumpAfter != "" && opt.DumpAfter != "all" && Lookup(opt.DumpAfter) == nil {
		return fmt.Errorf("--dump-after: unknown pass %q", opt.DumpAfter)
	}
	if c == nil {
		c = &Context{}
	}
	for _, p := range table {
		if !slices.Contains(opt.Passes, p.Name) {
			continue
		}
		changed, err := runOne(p, c, g)
		if err != nil {
			return err
		}
		if opt.Verify {
			if err := ir.Verify(g); err != nil {
				return fmt.Errorf("the graph does not verify after pass %s: %w", p.Name, err)
			}
		}
		if changed && opt.Dump != nil && (opt.DumpAfter == "all" || opt.DumpAfter == p.Name) {
			fmt.Fprintf(opt.Dump, "// after %s\n%s\n", p.Name, g)
		}
	}
	return nil
}

// runOne runs a pass, turning a panic into an error that names the pass.
func runOne(p *Pass, c *Context, g *ir.Graph) (changed bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error during pass %s on model %s: %v", p.Name, g.Name, r)
		}
	}()
	changed, err = p.Run(c, g)
	if err != nil {
		err = fmt.Errorf("%s: %w", p.Name, err)
	}
	return changed, err
}

// uses counts, for every value, how many times it is used as an argument
// or an output.
func uses(g *ir.Graph) map[*ir.Value]int {
	n := map[*ir.Value]int{}
	for _, v := range g.Values {
		for _, a := range v.Args {
			n[a]++
		}
	}
	for _, o := range g.Outputs {
		n[o]++
	}
	return n
}
