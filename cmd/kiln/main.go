// Command kiln is the kiln model compiler's command line: it checks,
// formats, inspects and runs .kiln model descriptions.
//
// Exit status: 0 on success, 1 on failure, 2 on a usage error (and 128 plus
// the signal's number for a second interrupt during kiln train, which exits
// at once). Errors go to standard error; output paths are checked before
// any work and files are written atomically, so a failing command never
// leaves a partial file behind.
package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/internal/suggest"
)

// command is one subcommand.
type command struct {
	name    string
	args    string // synopsis of the positional arguments
	summary string
	flags   func(fs *pflag.FlagSet) // declares the command's flags
	run     func(env *env, fs *pflag.FlagSet) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// env is what a command runs with; tests give it buffers.
type env struct {
	stdout, stderr io.Writer
	cmd            string // the command running, for messages
	// inputShapes fixes the per-sample shapes of an .onnx model's inputs
	// whose dimensions the file leaves symbolic (--input-shape).
	inputShapes map[string][]int
}

// usageError is a mistake in how kiln was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// reported marks an error whose details were already printed.
var errReported = errors.New("failed")

func main() {
	os.Exit(run(os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr}))
}

// run executes a kiln command line and returns the exit status.
func run(args []string, e *env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			if c := commands[args[1]]; c != nil {
				fs := newFlagSet(c, e)
				printCommandHelp(e.stdout, c, fs)
				return 0
			}
		}
		w := e.stdout
		if len(args) == 0 {
			w = e.stderr
		}
		printUsage(w)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c := commands[args[0]]
	if c == nil {
		fmt.Fprintf(e.stderr, "kiln: unknown command %q%s\n\n", args[0], suggest.DidYouMean(args[0], slices.Collect(maps.Keys(commands))))
		printUsage(e.stderr)
		return 2
	}
	fs := newFlagSet(c, e)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printCommandHelp(e.stdout, c, fs)
			return 0
		}
		fmt.Fprintf(e.stderr, "kiln %s: %v%s\n", c.name, err, flagHint(fs, err))
		fmt.Fprintf(e.stderr, "usage: kiln %s %s (see kiln %s --help)\n", c.name, c.args, c.name)
		return 2
	}
	e.cmd = c.name
	err := readInputShapes(e, fs)
	if err == nil {
		err = c.run(e, fs)
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "kiln %s: %v\n", c.name, err)
		fmt.Fprintf(e.stderr, "usage: kiln %s %s (see kiln %s --help)\n", c.name, c.args, c.name)
		return 2
	case errors.Is(err, errReported):
		return 1
	default:
		fmt.Fprintf(e.stderr, "kiln %s: %v\n", c.name, err)
		return 1
	}
}

func newFlagSet(c *command, e *env) *pflag.FlagSet {
	fs := pflag.NewFlagSet("kiln "+c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	if c.flags != nil {
		c.flags(fs)
	}
	if slices.Contains(takes[c.name].kinds, kindONNX) {
		fs.StringArray("input-shape", nil, "for an .onnx model: NAME=D1,D2,... fixes an input's per-sample shape where the file leaves dimensions symbolic (repeatable)")
	}
	return fs
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "kiln compiles small neural networks described in .kiln files.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: kiln COMMAND [ARGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'kiln COMMAND --help' for a command's flags.")
}

func printCommandHelp(w io.Writer, c *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "usage: kiln %s %s\n\n%s\n", c.name, c.args, c.summary)
	if u := fs.FlagUsages(); strings.TrimSpace(u) != "" {
		fmt.Fprintf(w, "\nflags:\n%s", u)
	}
}

// flagHint suggests the flag a user probably meant when pflag rejects an
// unknown one: " (did you mean --format?)".
func flagHint(fs *pflag.FlagSet, err error) string {
	msg := err.Error()
	var names []string
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		if found := suggest.Closest(name, names); len(found) > 0 {
			return " (did you mean --" + strings.Join(found, " or --") + "?)"
		}
		return ""
	}
	// "unknown shorthand flag: 'x' in -xyz": a long flag written with one
	// dash is the likely mistake.
	if _, rest, ok := strings.Cut(msg, "unknown shorthand flag: "); ok {
		if _, arg, ok := strings.Cut(rest, " in -"); ok && len(arg) > 1 {
			name, _, _ := strings.Cut(arg, "=")
			if fs.Lookup(name) != nil {
				return " (did you mean --" + name + "?)"
			}
			fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
			if found := suggest.Closest(name, names); len(found) > 0 {
				return " (did you mean --" + strings.Join(found, " or --") + "?)"
			}
		}
	}
	return ""
}

// oneArg returns the single positional argument.
func oneArg(fs *pflag.FlagSet, what string) (string, error) {
	switch fs.NArg() {
	case 0:
		return "", usagef("missing %s", what)
	case 1:
		return fs.Arg(0), nil
	}
	return "", usagef("expected one %s, got %d arguments", what, fs.NArg())
}
