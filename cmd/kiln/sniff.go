package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/kiln-nn/kiln/internal/kbc"
)

// The files kiln reads are recognized by their content, not their names:
// sniff says what a file is, and every command checks its arguments with
// it, so that a file given in the wrong place is named for what it is.

// fileKind is what a file holds.
type fileKind uint8

const (
	kindUnknown     fileKind = iota // binary data of no kind kiln knows
	kindKiln                        // a model description (.kiln)
	kindKIR                         // the IR's text form with the weights whole (.kir)
	kindKBC                         // bytecode (.kbc)
	kindONNX                        // an ONNX model (.onnx)
	kindListing                     // what kiln ir prints of a .kbc
	kindSafetensors                 // weights
	kindNPY                         // one array
	kindNPZ                         // a zip archive of arrays
	kindGzip                        // compressed data (a .csv.gz data set, IDX files)
	kindIDX                         // images or labels in the IDX format
	kindCSV                         // a table
	kindText                        // other text
	kindEmpty                       // no bytes at all
	kindDir                         // a directory
)

// String describes the kind for a message: "a bytecode file (.kbc)".
func (k fileKind) String() string {
	return [...]string{
		kindUnknown:     "binary data of no kind kiln reads",
		kindKiln:        "a .kiln model",
		kindKIR:         "an IR file (.kir)",
		kindKBC:         "a bytecode file (.kbc)",
		kindONNX:        "an ONNX model (.onnx)",
		kindListing:     "a listing of a .kbc's program (kiln ir MODEL.kbc prints it; nothing reads it back)",
		kindSafetensors: "a safetensors weights file",
		kindNPY:         "an NPY array file",
		kindNPZ:         "a zip archive (NPZ arrays)",
		kindGzip:        "gzip-compressed data",
		kindIDX:         "an IDX data file",
		kindCSV:         "a CSV table",
		kindText:        "a text file that is not a .kiln model",
		kindEmpty:       "an empty file",
		kindDir:         "a directory",
	}[k]
}

// sniffBytes is how much of a file sniff reads: the magic numbers and a
// text file's first lines.
const sniffBytes = 4096

// sniff reads the start of a file and says what it holds:
//
//   - a .kbc by its magic (kbc.Magic);
//   - an ONNX model by its name, .onnx, unless its bytes say it is one of
//     the kinds with a magic number (protobuf has none: the importer's
//     errors say what is wrong with a file that only bears the name);
//   - a .kir by its first line, model NAME, as ir's printer writes it (a
//     .kiln model's first line is model NAME {);
//   - a .kiln model by its first line, model NAME {, or, for text that
//     does not parse, by its name, so that the parser's errors are shown;
//   - safetensors by an 8-byte header size the file's length allows,
//     followed by '{';
//   - NPY by its magic, NPZ by the zip signature, gzip by its magic, IDX by
//     its two zero bytes, type code and dimension count;
//   - text as a CSV table when its first line has commas.
func sniff(path string) (fileKind, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("%s: no such file", path)
		}
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if fi.IsDir() {
		return kindDir, nil
	}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	k := sniffHead(head[:n], fi.Size(), filepath.Ext(path) == ".kiln")
	if filepath.Ext(path) == ".onnx" && (k == kindUnknown || k == kindText || k == kindCSV) {
		k = kindONNX
	}
	return k, nil
}

// sniffHead is sniff on a file's first bytes and its size; kilnName says
// the file is named .kiln.
func sniffHead(b []byte, size int64, kilnName bool) fileKind {
	switch {
	case len(b) == 0:
		return kindEmpty
	case bytes.HasPrefix(b, []byte(kbc.Magic)):
		return kindKBC
	case bytes.HasPrefix(b, []byte("\x93NUMPY")):
		return kindNPY
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return kindNPZ
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return kindGzip
	case len(b) >= 4 && b[0] == 0 && b[1] == 0 && bytes.IndexByte([]byte{0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e}, b[2]) >= 0 && b[3] >= 1 && b[3] <= 4:
		return kindIDX
	case len(b) > 8 && b[8] == '{' && binary.LittleEndian.Uint64(b) <= uint64(size-8):
		return kindSafetensors
	case bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(trimPartialRune(b)):
		return kindUnknown
	}
	lines := significantLines(b, 2)
	first := lines[0]
	words := strings.Fields(first)
	switch {
	case len(words) == 2 && words[0] == "model" && strings.Contains(rawFirstLine(b), "// bytecode:"):
		return kindListing
	case len(words) == 2 && words[0] == "model" && (len(lines) == 1 || isIRLine(lines[1])):
		return kindKIR
	case len(words) >= 2 && words[0] == "model" && strings.HasSuffix(first, "{"):
		return kindKiln
	case kilnName:
		return kindKiln
	case strings.Contains(first, ","):
		return kindCSV
	}
	return kindText
}

// significantLines returns up to n lines of text that are neither blank
// nor only a // comment, without their comments; at least one, maybe
// empty.
func significantLines(b []byte, n int) []string {
	var out []string
	for line := range strings.SplitSeq(string(b), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
			if len(out) == n {
				break
			}
		}
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

// rawFirstLine is b's first line, comment included.
func rawFirstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\n")
	return line
}

// isIRLine reports whether a line reads as a line of the IR's text form,
// which names every value with a %: "input %x : f32[N,4]", "%h = relu %x
// : f32[N,8]". A .kiln model missing its { has "input x: f32[4]".
func isIRLine(line string) bool {
	words := strings.Fields(line)
	return strings.HasPrefix(words[0], "%") || len(words) > 1 && strings.HasPrefix(words[1], "%")
}

// trimPartialRune drops an incomplete UTF-8 sequence that a read cut at
// the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// takes is what each command accepts as its model argument, in words for
// the error that names what a file is instead.
var takes = map[string]struct {
	kinds []fileKind
	words string
}{
	"check":    {[]fileKind{kindKiln, kindONNX}, "a .kiln model or an .onnx"},
	"fmt":      {[]fileKind{kindKiln}, "a .kiln model"},
	"ir":       {[]fileKind{kindKiln, kindONNX, kindKIR, kindKBC}, "a .kiln model, an .onnx, a .kir or a .kbc"},
	"stats":    {[]fileKind{kindKiln, kindONNX, kindKIR, kindKBC}, "a .kiln model, an .onnx, a .kir or a .kbc"},
	"run":      {[]fileKind{kindKiln, kindONNX, kindKIR, kindKBC}, "a .kiln model (with -w), an .onnx, a .kir or a .kbc"},
	"eval":     {[]fileKind{kindKiln, kindONNX, kindKIR, kindKBC}, "a .kiln model (with -w), an .onnx, a .kir or a .kbc"},
	"train":    {[]fileKind{kindKiln, kindONNX}, "a .kiln model, or an .onnx (trained on from its weights)"},
	"quantize": {[]fileKind{kindKiln, kindONNX}, "a .kiln model (with -w) or an .onnx"},
	"prune":    {[]fileKind{kindKiln}, "a .kiln model (with -w)"},
	"compress": {[]fileKind{kindKiln}, "a .kiln model (with -w)"},
	"build":    {[]fileKind{kindKiln, kindONNX, kindKIR}, "a .kiln model (with -w), an .onnx or a .kir"},
	"import":   {[]fileKind{kindONNX}, "an .onnx"},
	"inspect":  {[]fileKind{kindKBC}, "a .kbc"},
	"bench":    {[]fileKind{kindKBC}, "a .kbc"},
	// compression
	"sensitivity": {[]fileKind{kindKiln}, "a .kiln model (with -w)"},
	"shrink":      {[]fileKind{kindKiln}, "a .kiln model (with -w)"},
	"distill":     {[]fileKind{kindKiln}, "a .kiln teacher (with -w)"},
	"demo":        {[]fileKind{kindKiln}, "a .kiln model"},
}

// modelKind sniffs a command's model argument and checks that the command
// takes it (notTaken).
func modelKind(cmd, path string) (fileKind, error) {
	k, err := sniff(path)
	if err != nil {
		return 0, err
	}
	for _, ok := range takes[cmd].kinds {
		if k == ok {
			return k, nil
		}
	}
	return 0, notTaken(cmd, path, k)
}

// notTaken is the error for a file of kind k given to a command that does
// not take it:
//
//	x.safetensors: a safetensors weights file; kiln run takes a .kiln model (with -w), a .kir or a .kbc
func notTaken(cmd, path string, k fileKind) error {
	words := "a .kiln model"
	if t, ok := takes[cmd]; ok {
		words = t.words
	}
	hint := ""
	switch k {
	case kindKIR:
		hint = "; kiln build, run, eval, ir and stats read a .kir"
		if cmd == "quantize" {
			hint = "; a .kir is quantized already: kiln build writes its bytecode"
		}
	case kindKBC:
		hint = "; kiln run, eval, inspect, bench, ir and stats read a .kbc"
	case kindSafetensors:
		hint = "; weights go with -w, beside their .kiln model"
	}
	return fmt.Errorf("%s: %v; kiln %s takes %s%s", path, k, cmd, words, hint)
}

// expectKind checks that a file given to a flag is of the kind the flag
// takes: -w digits.npy is "digits.npy: an NPY array file; -w takes a
// safetensors weights file".
func expectKind(path, flag string, want ...fileKind) (fileKind, error) {
	k, err := sniff(path)
	if err != nil {
		return 0, err
	}
	for _, w := range want {
		if k == w {
			return k, nil
		}
	}
	words := make([]string, len(want))
	for i, w := range want {
		words[i] = w.String()
	}
	return 0, fmt.Errorf("%s: %v; %s takes %s", path, k, flag, strings.Join(words, " or "))
}
