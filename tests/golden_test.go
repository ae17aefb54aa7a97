// Package tests holds kiln's end-to-end and cross-package tests: golden
// txtar cases, round trips of every example, conformance vectors.
package tests

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected sections of golden files")

// golden runs check on every txtar archive matching pattern. check gets
// the archive and returns the actual contents of the named sections; they
// are compared with the archive's (or written into it with -update).
func golden(t *testing.T, pattern string, check func(t *testing.T, ar *txtar.Archive) map[string]string) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files match %s", pattern)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := check(t, ar)
			changed := false
			for name, content := range got {
				f := section(ar, name)
				if f == nil {
					ar.Files = append(ar.Files, txtar.File{Name: name})
					f = &ar.Files[len(ar.Files)-1]
				}
				if string(f.Data) == content {
					continue
				}
				if *update {
					f.Data = []byte(content)
					changed = true
					continue
				}
				t.Errorf("%s: section %q differs\n--- got\n%s--- want\n%s", file, name, content, f.Data)
			}
			if changed {
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func section(ar *txtar.Archive, name string) *txtar.File {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			return &ar.Files[i]
		}
	}
	return nil
}

// kilnSource returns the archive's .kiln section.
func kilnSource(t *testing.T, ar *txtar.Archive) (string, []byte) {
	t.Helper()
	for _, f := range ar.Files {
		if strings.HasSuffix(f.Name, ".kiln") {
			return f.Name, bytes.Clone(f.Data)
		}
	}
	t.Fatal("archive has no .kiln section")
	return "", nil
}
