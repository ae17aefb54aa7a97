// Package fsutil holds file-system helpers shared by the commands and the
// packages that write output files.
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

// WriteFileAtomic writes a file at path so that readers, and the file system
// after a crash, see either the old file or the complete new one, never a
// partial one.
//
// write receives a buffered writer for a temporary file created in path's
// directory. When write returns nil, the temporary file is flushed, fsynced,
// closed and renamed over path, and the directory is synced (best effort).
// When anything fails, including write itself or a panic in write, the
// temporary file is removed and an existing file at path is left untouched.
//
// A new file gets mode 0666 less the umask, as os.Create gives; a file that
// replaces an existing one keeps the old file's permission bits. A symbolic
// link at path is replaced by the file, not followed.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if base == "" {
		return fmt.Errorf("write %s: path names a directory", path)
	}
	if dir == "" {
		dir = "."
	}
	f, err := createTemp(dir, base)
	if err != nil {
		return err
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
			return err
		}
	}

	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
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
