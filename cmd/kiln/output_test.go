package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputChecks: every command that writes a file checks the path
// before it does any work, and its errors name the path as given, never a
// temporary file; a read-only file is replaced only with --force.
func TestOutputChecks(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("tiny.kiln", []byte(tinyModel), 0o644)
	tinyData(t, ".", nil)
	if code, _, stderr := kiln("train", "tiny.kiln", "-o", "w.safetensors"); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := kiln("build", "tiny.kiln", "-w", "w.safetensors", "-o", "m.kbc"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	messy := "model m {\n  input   x : f32[ 4 ]\n  output y=relu(x)\n}\n"
	x1 := filepath.Join(dir, "x.npy")

	// Each command with OUT where its output goes, and what it prints on
	// standard error once it has started working.
	commands := []struct {
		name string
		args []string
		work string
	}{
		{"train", []string{"train", "tiny.kiln", "-o", "OUT"}, "epoch 1/3"},
		{"build", []string{"build", "tiny.kiln", "-w", "w.safetensors", "-o", "OUT"}, "quantized tiny"},
		{"quantize", []string{"quantize", "tiny.kiln", "-w", "w.safetensors", "-o", "OUT"}, "quantized tiny"},
		{"run .kiln", []string{"run", "tiny.kiln", "-w", "w.safetensors", "--input", x1, "-o", "OUT.npy"}, ""},
		{"run .kbc", []string{"run", "m.kbc", "--input", x1, "-o", "OUT.npy"}, ""},
	}
	with := func(args []string, out string, extra ...string) []string {
		var a []string
		for _, s := range args {
			a = append(a, strings.Replace(s, "OUT", out, 1))
		}
		return append(a, extra...)
	}
	for _, c := range commands {
		out := strings.ReplaceAll(c.name, " ", "")
		if strings.HasPrefix(c.name, "run") {
			out += ".npy"
		}

		// A missing directory: found before the work, named as given.
		missing := filepath.Join("nodir", out)
		code, stdout, stderr := kiln(with(c.args, filepath.Join("nodir", strings.TrimSuffix(out, ".npy")))...)
		want := "kiln " + strings.Fields(c.name)[0] + ": " + missing + ": directory nodir does not exist\n"
		if code != 1 || stderr != want || stdout != "" {
			t.Errorf("%s, missing directory: exit %d, stderr %q, want %q", c.name, code, stderr, want)
		}

		// A read-only file: refused before the work, untouched.
		ro := "ro-" + out
		os.WriteFile(ro, []byte("old"), 0o444)
		os.Chmod(ro, 0o444)
		code, _, stderr = kiln(with(c.args, strings.TrimSuffix(ro, ".npy"))...)
		want = ro + ": read-only file (--force replaces it)"
		if code != 1 || !strings.Contains(stderr, want) || (c.work != "" && strings.Contains(stderr, c.work)) {
			t.Errorf("%s, read-only file: exit %d, stderr %q, want %q and no work", c.name, code, stderr, want)
		}
		if b, _ := os.ReadFile(ro); string(b) != "old" {
			t.Errorf("%s: the read-only file was changed", c.name)
		}
		// With --force it is replaced.
		code, _, stderr = kiln(with(c.args, strings.TrimSuffix(ro, ".npy"), "--force")...)
		if b, _ := os.ReadFile(ro); code != 0 || string(b) == "old" {
			t.Errorf("%s --force: exit %d, file %q\n%s", c.name, code, b[:min(len(b), 8)], stderr)
		}
		if leftovers, _ := filepath.Glob(".*tmp-*"); len(leftovers) > 0 {
			t.Errorf("%s: temporary files left behind: %v", c.name, leftovers)
		}
	}

	// fmt -w checks every file it would rewrite before rewriting any.
	os.WriteFile("a.kiln", []byte(messy), 0o644)
	os.WriteFile("b.kiln", []byte(messy), 0o444)
	os.Chmod("b.kiln", 0o444)
	code, _, stderr := kiln("fmt", "-w", "a.kiln", "b.kiln")
	if code != 1 || stderr != "kiln: b.kiln: read-only file (--force replaces it)\n" {
		t.Errorf("fmt -w, a read-only file: exit %d, stderr %q", code, stderr)
	}
	for _, f := range []string{"a.kiln", "b.kiln"} {
		if b, _ := os.ReadFile(f); string(b) != messy {
			t.Errorf("fmt -w rewrote %s although b.kiln was refused", f)
		}
	}
	if code, _, stderr := kiln("fmt", "-w", "--force", "a.kiln", "b.kiln"); code != 0 {
		t.Errorf("fmt -w --force: exit %d, stderr %q", code, stderr)
	}
	for _, f := range []string{"a.kiln", "b.kiln"} {
		if b, _ := os.ReadFile(f); string(b) == messy {
			t.Errorf("fmt -w --force left %s as it was", f)
		}
	}

	// An output that is a directory, or a device.
	os.Mkdir("adir", 0o755)
	if code, _, stderr := kiln("build", "tiny.kiln", "-w", "w.safetensors", "-o", "adir"); code != 1 || stderr != "kiln build: adir: is a directory\n" {
		t.Errorf("build -o a directory: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(os.DevNull); err == nil && os.DevNull == "/dev/null" {
		if code, _, stderr := kiln("build", "tiny.kiln", "-w", "w.safetensors", "-o", os.DevNull); code != 1 || !strings.Contains(stderr, "/dev/null: is not a regular file") {
			t.Errorf("build -o /dev/null: exit %d, stderr %q", code, stderr)
		}
	}
}
