package main

import (
	"time"

	"github.com/spf13/pflag"
)

// flagReader reads a command's flags and keeps the first error, so that a
// command reads the flags it needs and then checks once:
//
//	f := flags(fs)
//	out, eval := f.String("output"), f.Bool("eval")
//	if err := f.Err(); err != nil {
//		return err
//	}
//
// A read fails only when a command asks for a flag it does not declare, or
// under another type. That is a mistake in kiln, but a silent zero value
// would hide it (a flag that does nothing), so it is returned as a usage
// error that names the flag.
type flagReader struct {
	fs  *pflag.FlagSet
	err error
}

func flags(fs *pflag.FlagSet) *flagReader { return &flagReader{fs: fs} }

// Err returns the first error of the reads so far.
func (r *flagReader) Err() error { return r.err }

func flagValue[T any](r *flagReader, name string, get func(string) (T, error)) T {
	v, err := get(name)
	if err != nil && r.err == nil {
		r.err = usagef("flag --%s: %v", name, err)
	}
	return v
}

func (r *flagReader) String(name string) string   { return flagValue(r, name, r.fs.GetString) }
func (r *flagReader) Bool(name string) bool       { return flagValue(r, name, r.fs.GetBool) }
func (r *flagReader) Int(name string) int         { return flagValue(r, name, r.fs.GetInt) }
func (r *flagReader) Uint64(name string) uint64   { return flagValue(r, name, r.fs.GetUint64) }
func (r *flagReader) Float64(name string) float64 { return flagValue(r, name, r.fs.GetFloat64) }
func (r *flagReader) Duration(name string) time.Duration {
	return flagValue(r, name, r.fs.GetDuration)
}
func (r *flagReader) StringArray(name string) []string {
	return flagValue(r, name, r.fs.GetStringArray)
}
