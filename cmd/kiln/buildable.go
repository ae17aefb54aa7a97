package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/source"
)

// What no build can run, told in the source's terms: kiln check warns of
// it, kiln quantize and kiln build fail on it, each value at its source
// line with what to change.

// warnUnbuildable prints, as warnings, what no build of a checked
// program can run. The file stays valid: check's exit status is 0.
func warnUnbuildable(e *env, path string, prog *frontend.Program) error {
	l, err := compiler.Unbuildable(prog.Graph)
	if err != nil || l == nil {
		return err
	}
	warn := &source.List{Dropped: l.Dropped}
	for _, x := range l.Errs {
		warn.Errs = append(warn.Errs, &source.Error{Pos: x.Pos, Msg: "warning: " + x.Msg})
	}
	src, _ := os.ReadFile(path) // without it, the warnings print without their lines
	fmt.Fprint(e.stderr, source.Render(warn, src))
	return nil
}

// reportUnbuildable prints a compile error that lists values no build can
// run with their source lines; other errors it returns as they are.
func reportUnbuildable(e *env, path string, err error) error {
	var ue *compiler.UnbuildableError
	if !errors.As(err, &ue) {
		return err
	}
	src, _ := os.ReadFile(path)
	fmt.Fprintf(e.stderr, "kiln: model %s cannot be built for the VM:\n%s", ue.Model, source.Render(ue.List, src))
	return errReported
}
