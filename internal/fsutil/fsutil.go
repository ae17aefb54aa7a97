// Package fsutil holds file-system helpers shared by the commands and the
// packages that write output files: the atomic write, and the check that
// an output can be written, made before any work.
package fsutil

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrReadOnly is the error CheckOutput wraps for an existing file that is
// read-only.
var ErrReadOnly = errors.New("read-only file")

// pathError is an error about an output file, named by the path its
// writer gave, never by the temporary file used to write it.
type pathError struct {
	path, msg string
	err       error
}

func (e *pathError) Error() string { return e.path + ": " + e.msg }
func (e *pathError) Unwrap() error { return e.err }

// CheckOutput reports whether WriteFileAtomic can write path, so that a
// command finds out before its work rather than after it: path's
// directory must exist and take new files, and an existing path must be
// a regular file (or a symbolic link, which is replaced, not followed).
// An existing read-only file (no write permission bit, or one this process
// may not open for writing) is an error wrapping ErrReadOnly unless
// replaceReadOnly is set. Errors start with path.
//
// The directory is tried by creating a temporary file in it and removing
// it again: permission bits, read-only mounts and access lists all answer
// that the way they will answer the real write.
func CheckOutput(path string, replaceReadOnly bool) error {
	dir, err := target(path)
	if err != nil {
		return err
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() && !replaceReadOnly && readOnly(path, fi) {
		return &pathError{path: path, msg: ErrReadOnly.Error(), err: ErrReadOnly}
	}
	f, err := createTemp(dir, filepath.Base(path))
	if err != nil {
		return dirError(path, dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// target checks what is at path before a write and returns the directory
// the file goes in: path must not name a directory nor an existing file
// that is not a regular one (a device, a pipe, a link to either), since an
// atomic write would replace it rather than write into it.
func target(path string) (dir string, err error) {
	if _, base := filepath.Split(path); base == "" {
		return "", &pathError{path: path, msg: "names a directory, not a file"}
	}
	dir = filepath.Dir(path)
	fi, err := os.Lstat(path)
	if err != nil {
		return dir, nil // missing, or a path whose directory the write reports on
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if fi, err = os.Stat(path); err != nil {
			return dir, nil // a dangling link: replaced like a file
		}
	}
	switch {
	case fi.IsDir():
		return "", &pathError{path: path, msg: "is a directory", err: fs.ErrExist}
	case !fi.Mode().IsRegular():
		return "", &pathError{path: path, msg: "is not a regular file (an output file is replaced whole)", err: fs.ErrExist}
	}
	return dir, nil
}

// readOnly reports whether the regular file at path is read-only: no
// write permission bit is set (which root, who may open it anyway, is
// held to as well), or this process may not open it for writing.
func readOnly(path string, fi fs.FileInfo) bool {
	if fi.Mode().Perm()&0o222 == 0 {
		return true
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return errors.Is(err, fs.ErrPermission)
	}
	f.Close()
	return false
}

// dirError explains why a file could not be created in dir, for path.
func dirError(path, dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the temporary file's name means nothing to the user
	}
	fi, statErr := os.Stat(dir)
	switch {
	case errors.Is(statErr, fs.ErrNotExist):
		return &pathError{path: path, msg: fmt.Sprintf("directory %s does not exist", dir), err: fs.ErrNotExist}
	case statErr == nil && !fi.IsDir():
		return &pathError{path: path, msg: fmt.Sprintf("%s is not a directory", dir), err: err}
	case errors.Is(err, fs.ErrPermission):
		return &pathError{path: path, msg: fmt.Sprintf("directory %s is not writable", dir), err: err}
	}
	return &pathError{path: path, msg: fmt.Sprintf("cannot create a file in directory %s: %v", dir, err), err: err}
}

// fileError names path, not the temporary file, in an error of an
// operation on the temporary file.
func fileError(path, op string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return &pathError{path: path, msg: op + ": " + err.Error(), err: err}
}

// tempWriter is the temporary file as write sees it: its errors name the
// final path.
type tempWriter struct {
	f    *os.File
	path string
}

func (w tempWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	if err != nil {
		err = fileError(w.path, "write", err)
	}
	return n, err
}

// WriteFileAtomic writes a file at path so that readers, and the file system
// after a crash, see either the old file or the complete new one, never a
// partial one.
//
// write receives a buffered writer for a temporary file created in path's
// directory. When write returns nil, the temporary file is flushed, fsynced,
// closed and renamed over path, and the directory is synced (best effort).
// When anything fails, including write itself or a panic in write, the
// temporary file is removed and an existing file at path is left untouched.
// Errors name path, never the temporary file; write's own errors are
// returned as they are.
//
// A new file gets mode 0666 less the umask, as os.Create gives; a file that
// replaces an existing one keeps the old file's permission bits. A symbolic
// link at path is replaced by the file, not followed; a directory, or any
// other file that is not a regular one (a device, a pipe, a link to
// either), is an error. WriteFileAtomic does not refuse a read-only file:
// CheckOutput, called before the work, does.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	dir, err := target(path)
	if err != nil {
		return err
	}
	base := filepath.Base(path)
	f, err := createTemp(dir, base)
	if err != nil {
		return dirError(path, dir, err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close() // a second Close after a failed one is harmless
			os.Remove(tmp)
		}
	}()

	if fi, statErr := os.Lstat(path); statErr == nil && fi.Mode().IsRegular() {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			return fileError(path, "set mode", err)
		}
	}

	bw := bufio.NewWriterSize(tempWriter{f, path}, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err // tempWriter named path
	}
	if err := f.Sync(); err != nil {
		return fileError(path, "sync", err)
	}
	if err := f.Close(); err != nil {
		return fileError(path, "close", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fileError(path, "replace", err)
	}
	done = true
	syncDir(dir)
	return nil
}

// createTemp creates a new file next to the target, named .BASE.tmp-RANDOM.
// Unlike os.CreateTemp it opens the file with mode 0666, so the process's
// umask applies as it does for a plain os.Create.
func createTemp(dir, base string) (*os.File, error) {
	var b [8]byte
	for range 100 {
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("create temporary file in %s: too many name collisions", dir)
}

// syncDir flushes a directory entry change to disk. Not every platform can
// open or sync a directory (Windows cannot), so failures are ignored: the
// rename has already happened and the data itself was synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
