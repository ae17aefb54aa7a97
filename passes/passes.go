// Package passes holds kiln's graph passes and the manager that runs them:
// an ordered table of named passes whose ordering constraints are checked
// when the program starts, run in table order, each with its own options,
// the verifier after each pass when asked, and per-pass switches in the
// style of Go's -d=ssa/<pass>/{off,dump,time}: a pass can be turned off
// (unless the pipeline requires it), its output dumped, its time printed.
// The compiler package chooses which passes a build runs; nothing else
// composes them.
package passes

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/kiln-nn/kiln/ir"
)

// Stage groups passes by what they need.
type Stage uint8

const (
	// StageFloat passes need no data: they run on any float graph and
	// keep its meaning.
	StageFloat Stage = iota
	// StageQuantize passes calibrate on data and rewrite the graph in
	// int8.
	StageQuantize
)

// Pass is one named graph transformation.
type Pass struct {
	Name  string
	Doc   string
	Stage Stage
	// Required, if set, says why a build cannot do without the pass:
	// turning it off is an error.
	Required string
	// TakesOptions: the pass reads Config.Options[Name].
	TakesOptions bool
	// Run transforms g in place and reports whether it changed anything;
	// opt is the pass's options (nil when none were given).
	Run func(c *Context, g *ir.Graph, opt any) (changed bool, err error)
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
	for i := 1; i < len(table); i++ {
		if table[i].Stage < table[i-1].Stage {
			panic(fmt.Sprintf("passes: %s runs after %s but belongs to an earlier stage", table[i].Name, table[i-1].Name))
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

// Names returns the names of the passes of the given stages, in table
// order.
func Names(stages ...Stage) []string {
	var names []string
	for _, p := range table {
		if slices.Contains(stages, p.Stage) {
			names = append(names, p.Name)
		}
	}
	return names
}

func allNames() string { return strings.Join(Names(StageFloat, StageQuantize), ", ") }

func unknown(name string) error {
	return fmt.Errorf("unknown pass %q (passes: %s)", name, allNames())
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
			return nil, unknown(n)
		}
		names = append(names, n)
	}
	return names, nil
}

// Switch is what a user asked of one pass.
type Switch struct {
	Off  bool // skip it (an error for a required pass)
	Dump bool // print the IR after it
	Time bool // print how long it took
}

// Switches are the per-pass switches, by pass name; the name "all"
// applies to every pass.
type Switches map[string]Switch

// ParseSwitches reads switches written PASS/ACTION, where PASS is a pass
// name or "all" and ACTION is off, dump or time; each spec may list
// several, separated by commas (fold-batchnorm/off,all/time).
func ParseSwitches(specs ...string) (Switches, error) {
	sw := Switches{}
	for _, spec := range specs {
		for _, s := range strings.Split(spec, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			name, action, ok := strings.Cut(s, "/")
			if !ok {
				return nil, fmt.Errorf("pass switch %q: want PASS/ACTION, ACTION one of off, dump, time", s)
			}
			if name != "all" && Lookup(name) == nil {
				return nil, fmt.Errorf("pass switch %q: %w", s, unknown(name))
			}
			w := sw[name]
			switch action {
			case "off":
				w.Off = true
			case "dump":
				w.Dump = true
			case "time":
				w.Time = true
			default:
				return nil, fmt.Errorf("pass switch %q: unknown action %q (want off, dump or time)", s, action)
			}
			sw[name] = w
		}
	}
	return sw, nil
}

// For returns the switches that apply to a pass: its own and all's.
func (sw Switches) For(name string) Switch {
	a, p := sw["all"], sw[name]
	return Switch{Off: a.Off || p.Off, Dump: a.Dump || p.Dump, Time: a.Time || p.Time}
}

// Config says how to run passes.
type Config struct {
	// Options holds each pass's options, by pass name.
	Options  map[string]any
	Switches Switches
	// Verify runs the verifier after every pass.
	Verify bool
	// Dump receives the dumps and timings the switches ask for.
	Dump io.Writer
}

// Check reports switches and options that do not fit the passes named:
// a required pass turned off, options for a pass that takes none.
func (cfg *Config) Check(names []string) error {
	for name := range cfg.Options {
		p := Lookup(name)
		if p == nil {
			return fmt.Errorf("options for %w", unknown(name))
		}
		if !p.TakesOptions {
			return fmt.Errorf("pass %s takes no options", name)
		}
	}
	for _, name := range names {
		p := Lookup(name)
		if p == nil {
			return unknown(name)
		}
		if p.Required != "" && cfg.Switches.For(name).Off {
			return fmt.Errorf("pass %s cannot be turned off: %s", name, p.Required)
		}
	}
	return nil
}

// Run runs the named passes over g in table order, whatever the order
// given. Optional passes that a switch turns off are skipped.
func Run(g *ir.Graph, c *Context, names []string, cfg Config) error {
	if err := cfg.Check(names); err != nil {
		return err
	}
	if c == nil {
		c = &Context{}
	}
	for _, p := range table {
		if !slices.Contains(names, p.Name) {
			continue
		}
		sw := cfg.Switches.For(p.Name)
		if sw.Off {
			if sw.Dump && cfg.Dump != nil {
				fmt.Fprintf(cfg.Dump, "// %s is off\n", p.Name)
			}
			continue
		}
		start := time.Now()
		changed, err := runOne(p, c, g, cfg.Options[p.Name])
		if err != nil {
			return err
		}
		if sw.Time && cfg.Dump != nil {
			fmt.Fprintf(cfg.Dump, "// pass %s: %.3f ms\n", p.Name, float64(time.Since(start).Microseconds())/1e3)
		}
		if cfg.Verify {
			if err := ir.Verify(g); err != nil {
				return fmt.Errorf("the graph does not verify after pass %s: %w", p.Name, err)
			}
		}
		if sw.Dump && cfg.Dump != nil {
			if changed {
				fmt.Fprintf(cfg.Dump, "// after %s\n%s\n", p.Name, g)
			} else {
				fmt.Fprintf(cfg.Dump, "// after %s: unchanged\n", p.Name)
			}
		}
	}
	return nil
}

// runOne runs a pass, turning a panic into an error that names the pass.
func runOne(p *Pass, c *Context, g *ir.Graph, opt any) (changed bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error during pass %s on model %s: %v", p.Name, g.Name, r)
		}
	}()
	changed, err = p.Run(c, g, opt)
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
