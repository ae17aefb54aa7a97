package fsutil

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// dirEntries lists the names in dir, to check that no temporary file is left.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileAtomicCreates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "hello")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "hello" {
		t.Errorf("content = %q, want %q", got, "hello")
	}
	if names := dirEntries(t, dir); len(names) != 1 || names[0] != "out.bin" {
		t.Errorf("directory holds %v, want only out.bin", names)
	}
}

func TestWriteFileAtomicReplacesAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	if err := os.WriteFile(path, []byte("old content, longer than the new"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "new" {
		t.Errorf("content = %q, want %q", got, "new")
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o640 {
			t.Errorf("mode = %v, want %v", fi.Mode().Perm(), os.FileMode(0o640))
		}
	}
}

func TestWriteFileAtomicFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		// Write more than the buffer holds, so that part of it reaches the
		// temporary file before the failure.
		if _, err := w.Write(make([]byte, 1<<18)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "old" {
		t.Errorf("content = %q, want the old file untouched", got)
	}
	if names := dirEntries(t, dir); len(names) != 1 || names[0] != "out.bin" {
		t.Errorf("directory holds %v, want only out.bin (temporary file removed)", names)
	}
}

func TestWriteFileAtomicFailureCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return errors.New("encode failed")
	})
	if err == nil || !strings.Contains(err.Error(), "encode failed") {
		t.Fatalf("err = %v, want the write error", err)
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("directory holds %v, want nothing", names)
	}
}

func TestWriteFileAtomicPanicRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic in write was not propagated")
			}
		}()
		WriteFileAtomic(path, func(w io.Writer) error { panic("bug") })
	}()
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("directory holds %v, want nothing", names)
	}
}

func TestWriteFileAtomicMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "out.bin")
	called := false
	err := WriteFileAtomic(path, func(w io.Writer) error {
		called = true
		return nil
	})
	if err == nil {
		t.Fatal("no error for a missing directory")
	}
	// The error names the path asked for and its missing directory, not
	// the temporary file.
	if want := path + ": directory " + filepath.Dir(path) + " does not exist"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want one that is fs.ErrNotExist", err)
	}
	if called {
		t.Error("write was called although the temporary file could not be created")
	}
}

func TestWriteFileAtomicRenameFails(t *testing.T) {
	// A directory at path makes the final rename fail; the temporary file
	// must still be removed and the directory left alone.
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "x")
		return err
	})
	if err == nil {
		t.Fatal("no error when path is a non-empty directory")
	}
	if names := dirEntries(t, dir); len(names) != 1 || names[0] != "out" {
		t.Errorf("directory holds %v, want only out", names)
	}
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		t.Errorf("directory at path was disturbed: %v", err)
	}
}

func TestWriteFileAtomicRelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	err := WriteFileAtomic("rel.txt", func(w io.Writer) error {
		_, err := io.WriteString(w, "ok")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "rel.txt")); err != nil || string(got) != "ok" {
		t.Errorf("ReadFile = %q, %v", got, err)
	}
}

func TestWriteFileAtomicRefusesNonRegular(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	// A link to a device would be replaced by a regular file, the device
	// left alone but the link lost: an error instead.
	dir := t.TempDir()
	link := filepath.Join(dir, "null")
	if err := os.Symlink(os.DevNull, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{os.DevNull, link} {
		err := WriteFileAtomic(path, func(w io.Writer) error { return nil })
		if err == nil || err.Error() != path+": is not a regular file (an output file is replaced whole)" {
			t.Errorf("%s: err = %v", path, err)
		}
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was disturbed: %v", err)
	}
}

// TestFileErrorNamesPath: an error of an operation on the temporary file
// names the final path instead.
func TestFileErrorNamesPath(t *testing.T) {
	tmp := "dir/.out.bin.tmp-0123456789abcdef"
	for _, err := range []error{
		&fs.PathError{Op: "write", Path: tmp, Err: errors.New("no space left on device")},
		&os.LinkError{Op: "rename", Old: tmp, New: "dir/out.bin", Err: errors.New("no space left on device")},
	} {
		got := fileError("dir/out.bin", "write", err).Error()
		if got != "dir/out.bin: write: no space left on device" {
			t.Errorf("fileError(%v) = %q", err, got)
		}
	}
}

func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nodir", "x.safetensors")
	if err := CheckOutput(missing, false); err == nil || err.Error() != missing+": directory "+filepath.Join(dir, "nodir")+" does not exist" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing directory: %v", err)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	if err := CheckOutput(filepath.Join(file, "x.kbc"), false); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(file, "x.kbc")+": ") {
		t.Errorf("a file as the directory: %v", err)
	}
	if err := CheckOutput(dir, false); err == nil || err.Error() != dir+": is a directory" {
		t.Errorf("a directory: %v", err)
	}
	if err := CheckOutput(dir+string(filepath.Separator), false); err == nil || !strings.HasSuffix(err.Error(), ": names a directory, not a file") {
		t.Errorf("a path ending in a separator: %v", err)
	}
	if err := CheckOutput(filepath.Join(dir, "new.kbc"), false); err != nil {
		t.Errorf("a new file: %v", err)
	}
	if err := CheckOutput(file, false); err != nil {
		t.Errorf("a writable file: %v", err)
	}

	ro := filepath.Join(dir, "ro.kbc")
	if err := os.WriteFile(ro, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	os.Chmod(ro, 0o444)
	if err := CheckOutput(ro, false); err == nil || err.Error() != ro+": read-only file" || !errors.Is(err, ErrReadOnly) {
		t.Errorf("a read-only file: %v", err)
	}
	if err := CheckOutput(ro, true); err != nil {
		t.Errorf("a read-only file, replace allowed: %v", err)
	}
	if b, _ := os.ReadFile(ro); string(b) != "old" {
		t.Errorf("the check changed the file: %q", b)
	}
	if names := dirEntries(t, dir); len(names) != 2 {
		t.Errorf("the check left files behind: %v", names)
	}
}

func TestCheckOutputUnwritableDirectory(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs a directory this process cannot write (root can write any)")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(dir, 0o555)
	path := filepath.Join(dir, "x.kbc")
	if err := CheckOutput(path, true); err == nil || err.Error() != path+": directory "+dir+" is not writable" {
		t.Errorf("err = %v", err)
	}
}
