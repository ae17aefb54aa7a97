package tests

import (
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/source"
)

// TestErrors checks the diagnostics for malformed programs: each archive
// in testdata/errors holds a program and every error it must produce, as
// file:line:col: message with the source line and a caret.
func TestErrors(t *testing.T) {
	golden(t, "testdata/errors/*.txtar", func(t *testing.T, ar *txtar.Archive) map[string]string {
		name, src := kilnSource(t, ar)
		_, err := frontend.Compile(name, src)
		if err == nil {
			t.Fatalf("%s compiled without errors", name)
		}
		return map[string]string{"error": source.Render(err, src)}
	})
}
