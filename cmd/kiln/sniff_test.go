package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/tensor"
)

// TestSniff: files are told apart by their content, whatever their names.
func TestSniff(t *testing.T) {
	var st, npy, npz bytes.Buffer
	if err := data.WriteSafetensors(&st, &data.Safetensors{Tensors: []data.Named{{Name: "w", T: tensor.New(tensor.F32, 2)}}}); err != nil {
		t.Fatal(err)
	}
	if err := data.WriteNPY(&npy, tensor.New(tensor.F32, 2)); err != nil {
		t.Fatal(err)
	}
	if err := data.WriteNPZ(&npz, []data.Named{{Name: "x", T: tensor.New(tensor.F32, 2)}}); err != nil {
		t.Fatal(err)
	}
	kir := "model tiny\n\ninput %x : f32[N,4]  // tiny.kiln:3:9\n"
	for _, tc := range []struct {
		name, content string
		want          fileKind
	}{
		{"m.kbc", kbc.Magic + "\x00\x01", kindKBC},
		{"weights.bin", st.String(), kindSafetensors},
		{"x.safetensors", npy.String(), kindNPY},
		{"x.dat", npz.String(), kindNPZ},
		{"ratings.csv.gz", "\x1f\x8b\x08\x00", kindGzip},
		{"train-images", "\x00\x00\x08\x03\x00\x00\x00\x02", kindIDX},
		{"m.txt", "// LeNet\n\nmodel m {\n  input x: f32[4]\n}\n", kindKiln},
		{"m.kiln", "model m  // no brace: the parser says so\n  input x: f32[4]\n", kindKiln},
		{"m.txt", "model m\n  input x: f32[4]\n", kindText},
		{"m.kiln", "frobnicate\n", kindKiln},
		{"q.kiln", kir, kindKIR},
		{"q.txt", "model empty\n", kindKIR},
		{"list.kir", "model tiny  // bytecode: 9 tensors\n\ninput %x : f32[N,4]\n", kindListing},
		{"data.txt", "f0,f1,label\n1,2,0\n", kindCSV},
		{"notes.md", "# notes\n", kindText},
		{"empty.npy", "", kindEmpty},
		{"blob", "\x01\x02\x03\x00\xff", kindUnknown},
		{"latin1.txt", "caf\xe9\n", kindUnknown},
	} {
		path := filepath.Join(t.TempDir(), tc.name)
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := sniff(path); err != nil || got != tc.want {
			t.Errorf("sniff(%s holding %.20q) = %v, %v; want %v", tc.name, tc.content, got, err, tc.want)
		}
	}
	if got, err := sniff(t.TempDir()); err != nil || got != kindDir {
		t.Errorf("sniff(a directory) = %v, %v", got, err)
	}
	if _, err := sniff(filepath.Join(t.TempDir(), "none.kiln")); err == nil || !strings.HasSuffix(err.Error(), "none.kiln: no such file") {
		t.Errorf("sniff(a missing file): %v", err)
	}
	// A text file longer than what sniff reads, cut inside a character,
	// is still text.
	long := "model m {\n  // " + strings.Repeat("é", sniffBytes) + "\n}\n"
	path := filepath.Join(t.TempDir(), "long.txt")
	os.WriteFile(path, []byte(long), 0o644)
	if got, err := sniff(path); err != nil || got != kindKiln {
		t.Errorf("sniff(a long model) = %v, %v", got, err)
	}
}

// TestNotTaken: every command names what it takes, and the error names
// what the file is.
func TestNotTaken(t *testing.T) {
	for name := range commands {
		if _, ok := takes[name]; !ok {
			t.Errorf("kiln %s: no entry in takes", name)
		}
	}
	err := notTaken("run", "x.safetensors", kindSafetensors)
	if want := "x.safetensors: a safetensors weights file; kiln run takes a .kiln model (with -w), an .onnx, a .kir or a .kbc; weights go with -w, beside their .kiln model"; err.Error() != want {
		t.Errorf("notTaken = %q, want %q", err, want)
	}
}
