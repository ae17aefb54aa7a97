package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/internal/fsutil"
)

// The output files of the commands: every command that writes files takes
// --force and checks every path it will write with checkOutputs before it
// does any work, so that a missing directory or a read-only file is found
// in a second, not after an hour of training.

// forceFlag registers --force, for the commands that write files.
func forceFlag(fs *pflag.FlagSet) {
	fs.Bool("force", false, "replace output files even when they are read-only")
}

// checkOutputs checks that each non-empty path can be written: its
// directory exists and is writable, and it is not a directory, a device or,
// unless --force is given, a read-only file. The error names every path
// that cannot, as the user gave it.
func checkOutputs(fs *pflag.FlagSet, paths ...string) error {
	f := flags(fs)
	force := f.Bool("force")
	if err := f.Err(); err != nil {
		return err
	}
	var errs []error
	for _, p := range paths {
		if p == "" {
			continue
		}
		if err := fsutil.CheckOutput(p, force); err != nil {
			if errors.Is(err, fsutil.ErrReadOnly) {
				err = fmt.Errorf("%w (--force replaces it)", err)
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
