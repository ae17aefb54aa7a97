package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestFlagReader: reading a flag a command does not declare, or under
// another type, is an error that names the flag, not a zero value.
func TestFlagReader(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.Int("samples", 7, "")
	fs.String("data", "mnist", "")
	f := flags(fs)
	if n, s := f.Int("samples"), f.String("data"); n != 7 || s != "mnist" || f.Err() != nil {
		t.Fatalf("declared flags: %d %q %v", n, s, f.Err())
	}
	f.Bool("samples")
	f.String("missing")
	var ue usageError
	if err := f.Err(); !errors.As(err, &ue) || !strings.Contains(err.Error(), "--samples") {
		t.Errorf("reading an int flag as a bool: %v, want a usage error naming --samples (the first error)", err)
	}
}

// TestBuildDumpAfter: build reads --dump-after, as quantize does (the
// flag used to be read without being declared, and so did nothing).
func TestBuildDumpAfter(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	tinyData(t, dir, nil)
	w := filepath.Join(dir, "w.safetensors")
	if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := kiln("build", model, "-w", w, "-o", filepath.Join(dir, "m.kbc"), "--dump-after", "quantize")
	if code != 0 || !strings.Contains(stdout, "after quantize") {
		t.Errorf("build --dump-after quantize: exit %d\n%s%s", code, stdout, stderr)
	}
}
