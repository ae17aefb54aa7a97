// NumPy .npz archives: a zip file of NAME.npy members, as np.savez (stored)
// and np.savez_compressed (deflated) write them. ReadNPZ reads both, with a
// limit on the decompressed size; WriteNPZ writes as np.savez does, with
// deterministic bytes.

package data

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"

	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/tensor"
)

// Named is a tensor with its name, as the multi-tensor files hold them.
type Named struct {
	Name string
	T    *tensor.Tensor
}

// MaxNPZBytes is the most decompressed data ReadNPZ accepts from one
// archive, summed over its members. It refuses zip bombs: the limit is
// checked against the bytes the decompressor actually produces, not only
// against the sizes the archive declares.
const MaxNPZBytes = 1 << 30

// npzModDate and npzModTime are the MS-DOS date and time WriteNPZ gives
// every member: 1980-01-01 00:00, the earliest a zip file can record, so
// that output bytes do not depend on the clock.
const (
	npzModDate = 0<<9 | 1<<5 | 1 // years since 1980, month, day
	npzModTime = 0
)

// ReadNPZ reads the .npz archive of the given size from r: every member must
// be a .npy file (see ReadNPY), stored or deflated. The tensors come back in
// the archive's order, named without the .npy suffix. Two members with the
// same name are an error, as is more than MaxNPZBytes of decompressed data.
func ReadNPZ(r io.ReaderAt, size int64) ([]Named, error) {
	arrays, err := readNPZ(r, size, MaxNPZBytes)
	if err != nil {
		return nil, err
	}
	out := make([]Named, len(arrays))
	for i, a := range arrays {
		out[i] = Named{Name: a.Name, T: a.T}
	}
	return out, nil
}

func readNPZ(r io.ReaderAt, size int64, limit int64) ([]Array, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Member names are only tensor names here, never paths on disk, so
		// names with ".." or a leading "/" are harmless and accepted.
		return nil, fmt.Errorf("not a valid NPZ (zip) archive: %w", err)
	}
	budget := limit
	seen := make(map[string]bool, len(zr.File))
	out := make([]Array, 0, len(zr.File))
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".npy") {
			return nil, fmt.Errorf("member %q: not a .npy file", f.Name)
		}
		name := strings.TrimSuffix(f.Name, ".npy")
		if seen[name] {
			return nil, fmt.Errorf("member %q: appears twice in the archive", f.Name)
		}
		seen[name] = true
		if f.UncompressedSize64 > uint64(budget) {
			return nil, fmt.Errorf("member %q: declares %d bytes uncompressed, past the archive limit of %d bytes", f.Name, f.UncompressedSize64, limit)
		}
		a, n, err := readNPZMember(f, budget)
		if errors.Is(err, errNPZLimit) {
			return nil, fmt.Errorf("member %q: decompresses to more than the archive limit of %d bytes", f.Name, limit)
		}
		if err != nil {
			return nil, fmt.Errorf("member %q: %w", f.Name, err)
		}
		budget -= n
		a.Name = name
		out = append(out, a)
	}
	return out, nil
}

var errNPZLimit = errors.New("decompressed size limit exceeded")

// readNPZMember decodes one member, reading at most budget decompressed
// bytes. It returns the tensor and the number of bytes read.
func readNPZMember(f *zip.File, budget int64) (Array, int64, error) {
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return Array{}, 0, fmt.Errorf("compression method %d is not supported (np.savez stores, np.savez_compressed deflates)", f.Method)
		}
		return Array{}, 0, err
	}
	defer rc.Close()
	lr := &budgetReader{r: rc, left: budget}
	a, err := readNPY(lr)
	if lr.over {
		return Array{}, 0, errNPZLimit
	}
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return Array{}, 0, errors.New("corrupt data: CRC-32 mismatch")
	case errors.Is(err, zip.ErrFormat):
		return Array{}, 0, fmt.Errorf("corrupt data: %w", err)
	case err != nil:
		return Array{}, 0, err
	}
	return a, budget - lr.left, nil
}

// budgetReader reads from r until left bytes are used up; past that it
// fails and records that the budget was exceeded.
type budgetReader struct {
	r    io.Reader
	left int64
	over bool
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Probe one byte to tell a member that ends exactly at the budget
		// from one that goes past it.
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			b.over = true
			return 0, errNPZLimit
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// LoadNPZ reads the .npz file at path. Errors start with the path.
func LoadNPZ(path string) ([]Named, error) {
	arrays, err := LoadNPZArrays(path)
	if err != nil {
		return nil, err
	}
	out := make([]Named, len(arrays))
	for i, a := range arrays {
		out[i] = Named{Name: a.Name, T: a.T}
	}
	return out, nil
}

// LoadNPZArrays reads the .npz file at path as LoadNPZ does, with the
// element type each member stores.
func LoadNPZArrays(path string) ([]Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	arrays, err := readNPZ(f, fi.Size(), MaxNPZBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return arrays, nil
}

// WriteNPZ writes the tensors as an .npz archive the way np.savez does: one
// stored (uncompressed) member NAME.npy per tensor, written by WriteNPY, in
// the order given. The output is deterministic: every member has the same
// fixed modification time (1980-01-01 00:00 UTC), so the same tensors always
// give the same bytes. Each member's size and CRC are in its local header
// (no data descriptors). Empty or duplicate names are an error.
func WriteNPZ(w io.Writer, ts []Named) error {
	seen := make(map[string]bool, len(ts))
	for _, nt := range ts {
		if nt.Name == "" {
			return errors.New("tensor with an empty name")
		}
		if seen[nt.Name] {
			return fmt.Errorf("tensor %q appears twice", nt.Name)
		}
		seen[nt.Name] = true
		if err := checkTensor(nt.T); err != nil {
			return fmt.Errorf("tensor %q: %w", nt.Name, err)
		}
	}
	zw := zip.NewWriter(w)
	var member bytes.Buffer
	for _, nt := range ts {
		member.Reset()
		if err := WriteNPY(&member, nt.T); err != nil {
			return fmt.Errorf("tensor %q: %w", nt.Name, err)
		}
		hdr := &zip.FileHeader{
			Name:   nt.Name + ".npy",
			Method: zip.Store,
			// CreateRaw writes the MS-DOS fields as given (it ignores
			// Modified), and no extended-timestamp extra field: the
			// deprecated fields are the only way to set its time.
			//lint:ignore SA1019 CreateRaw reads only the MS-DOS fields
			ModifiedDate: npzModDate,
			//lint:ignore SA1019 CreateRaw reads only the MS-DOS fields
			ModifiedTime:       npzModTime,
			CRC32:              crc32.ChecksumIEEE(member.Bytes()),
			CompressedSize64:   uint64(member.Len()),
			UncompressedSize64: uint64(member.Len()),
		}
		hdr.SetMode(0o644)
		mw, err := zw.CreateRaw(hdr)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", nt.Name, err)
		}
		if _, err := mw.Write(member.Bytes()); err != nil {
			return err
		}
	}
	return zw.Close()
}

// SaveNPZ writes the tensors to path as WriteNPZ does. The file is written
// atomically: on any error no partial file is left and an existing file is
// untouched.
func SaveNPZ(path string, ts []Named) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		if err := WriteNPZ(w, ts); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
}
