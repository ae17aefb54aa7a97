package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/kiln-nn/kiln/internal/onnxtest"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestScripts runs the command-line scripts in testdata/script, in the
// style of Go's cmd/go script tests: each txtar archive is a script (its
// comment) and the files it starts with, laid out in a fresh directory that
// is also the working directory. Every kiln command must appear in the
// scripts at least once succeeding and once failing.
//
// Script lines (# starts a comment; 'single quotes' group words; $WORK is
// the directory):
//
//	kiln ARGS...          run kiln in-process; it must exit 0
//	! kiln ARGS...        it must fail (exit 1 or 2)
//	status N              the last kiln exited with N
//	[!] stdout REGEXP     the last kiln's standard output matches (or not)
//	[!] stderr REGEXP     likewise, its standard error
//	[!] exists FILE...    the files exist (or none does)
//	cmp FILE1 FILE2       the files are identical
//	chmod MODE FILE       change a file's permissions (octal)
//	mkdir DIR             create a directory
//	cp SRC DST            copy a file
//	npy FILE DTYPE DIMS VALUES...
//	                      write an NPY file: DTYPE a NumPy descriptor such as
//	                      <f4, <f8, <i4, <i8; DIMS comma-separated (or - for a
//	                      scalar); the values, as many as the shape holds
//	onnx FILE MODEL       write an ONNX test model (internal/onnxtest): mlp, lenet or dynamic
//	                      or lenet
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/script")
	}
	seen := map[string][2]bool{} // command -> [succeeded, failed]
	ran := 0                     // scripts run: a -run filter may leave some out
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ran++
			for cmd, how := range runScript(t, file) {
				s := seen[cmd]
				s[0], s[1] = s[0] || how[0], s[1] || how[1]
				seen[cmd] = s
			}
		})
	}
	if t.Failed() || testing.Short() || ran < len(files) {
		return
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range commands {
			if !yield(n) {
				return
			}
		}
	}) {
		if s := seen[name]; !s[0] || !s[1] {
			t.Errorf("kiln %s: the scripts run it succeeding %v, failing %v; they must do both", name, s[0], s[1])
		}
	}
}

// scriptState is a running script.
type scriptState struct {
	t              *testing.T
	dir            string
	stdout, stderr string
	status         int
	ran            bool
	seen           map[string][2]bool
}

// runScript runs one archive and returns, per command, whether it was seen
// succeeding and failing.
func runScript(t *testing.T, file string) map[string][2]bool {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := &scriptState{t: t, dir: t.TempDir(), seen: map[string][2]bool{}}
	for _, f := range ar.Files {
		path := filepath.Join(s.dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(s.dir)
	for i, line := range strings.Split(string(ar.Comment), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		words, err := splitWords(strings.ReplaceAll(line, "$WORK", s.dir))
		if err != nil {
			t.Fatalf("%s:%d: %v", file, i+1, err)
		}
		neg := words[0] == "!"
		if neg {
			words = words[1:]
		}
		if len(words) == 0 {
			t.Fatalf("%s:%d: a lone !", file, i+1)
		}
		if err := s.do(neg, words[0], words[1:]); err != nil {
			t.Fatalf("%s:%d: %s\n%s", file, i+1, line, err)
		}
	}
	return s.seen
}

func (s *scriptState) do(neg bool, cmd string, args []string) error {
	if neg && !slices.Contains([]string{"kiln", "stdout", "stderr", "exists", "cmp"}, cmd) {
		return fmt.Errorf("%s cannot be negated", cmd)
	}
	switch cmd {
	case "kiln":
		var out, errOut bytes.Buffer
		s.status = run(args, &env{stdout: &out, stderr: &errOut})
		s.stdout, s.stderr, s.ran = out.String(), errOut.String(), true
		if len(args) > 0 {
			how := s.seen[args[0]]
			how[0], how[1] = how[0] || s.status == 0, how[1] || s.status != 0
			s.seen[args[0]] = how
		}
		switch {
		case neg && s.status == 0:
			return fmt.Errorf("kiln succeeded, want a failure\nstdout:\n%s\nstderr:\n%s", s.stdout, s.stderr)
		case !neg && s.status != 0:
			return fmt.Errorf("kiln exited %d\nstdout:\n%s\nstderr:\n%s", s.status, s.stdout, s.stderr)
		}
	case "status":
		want, err := strconv.Atoi(one(args))
		if err != nil || !s.ran {
			return fmt.Errorf("status N after a kiln line")
		}
		if s.status != want {
			return fmt.Errorf("exit status %d, want %d\nstderr:\n%s", s.status, want, s.stderr)
		}
	case "stdout", "stderr":
		text := s.stdout
		if cmd == "stderr" {
			text = s.stderr
		}
		re, err := regexp.Compile("(?m)" + one(args))
		if err != nil {
			return err
		}
		if re.MatchString(text) == neg {
			return fmt.Errorf("%s %s %q:\n%s", cmd, map[bool]string{false: "lacks", true: "has"}[neg], one(args), text)
		}
		return nil
	case "exists":
		for _, f := range args {
			_, err := os.Stat(f)
			if (err == nil) == neg {
				return fmt.Errorf("%s: exists %v", f, err == nil)
			}
		}
		return nil
	case "cmp":
		if len(args) != 2 {
			return fmt.Errorf("cmp FILE1 FILE2")
		}
		a, err := os.ReadFile(args[0])
		if err != nil {
			return err
		}
		b, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		if bytes.Equal(a, b) == neg {
			return fmt.Errorf("%s and %s: equal %v", args[0], args[1], bytes.Equal(a, b))
		}
		return nil
	case "chmod":
		mode, err := strconv.ParseUint(args[0], 8, 32)
		if err != nil || len(args) != 2 {
			return fmt.Errorf("chmod MODE FILE")
		}
		return os.Chmod(args[1], os.FileMode(mode))
	case "mkdir":
		return os.MkdirAll(one(args), 0o755)
	case "cp":
		if len(args) != 2 {
			return fmt.Errorf("cp SRC DST")
		}
		b, err := os.ReadFile(args[0])
		if err != nil {
			return err
		}
		return os.WriteFile(args[1], b, 0o644)
	case "npy":
		return writeNPY(args)
	case "onnx":
		return writeONNX(args)
	default:
		return fmt.Errorf("unknown script command %q", cmd)
	}
	return nil
}

func one(args []string) string {
	if len(args) != 1 {
		return ""
	}
	return args[0]
}

// splitWords splits a line at spaces; 'single quotes' group words.
func splitWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	quoted, has := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, has = !quoted, true
		case r == ' ' && !quoted:
			if has {
				words = append(words, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote")
	}
	if has {
		words = append(words, cur.String())
	}
	return words, nil
}

// writeNPY writes an NPY version 1.0 file: npy FILE DTYPE DIMS VALUES...
func writeNPY(args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("npy FILE DTYPE DIMS VALUES...")
	}
	file, dtype, dimSpec, values := args[0], args[1], args[2], args[3:]
	var dims []string
	n := 1
	if dimSpec != "-" {
		for _, d := range strings.Split(dimSpec, ",") {
			k, err := strconv.Atoi(d)
			if err != nil || k < 0 {
				return fmt.Errorf("bad dimension %q", d)
			}
			dims = append(dims, d)
			n *= k
		}
	}
	if len(values) != n {
		return fmt.Errorf("%d values for shape %s", len(values), dimSpec)
	}
	shape := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	shape += ")"
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", dtype, shape)
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	for _, v := range values {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("value %q: %v", v, err)
		}
		switch dtype {
		case "<f4":
			binary.Write(&b, binary.LittleEndian, math.Float32bits(float32(x)))
		case "<f8":
			binary.Write(&b, binary.LittleEndian, math.Float64bits(x))
		case "<i4":
			binary.Write(&b, binary.LittleEndian, int32(x))
		case "<i8":
			binary.Write(&b, binary.LittleEndian, int64(x))
		case "|i1":
			binary.Write(&b, binary.LittleEndian, int8(x))
		default:
			return fmt.Errorf("npy: dtype %s is not one the scripts write", dtype)
		}
	}
	return os.WriteFile(file, b.Bytes(), 0o644)
}

// writeONNX writes one of internal/onnxtest's models.
func writeONNX(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: onnx FILE MODEL")
	}
	models := map[string]func(uint64) []byte{"mlp": onnxtest.MLP, "lenet": onnxtest.LeNet,
		"dynamic": func(uint64) []byte { return onnxtest.DynamicMLP().Model }}
	build, ok := models[args[1]]
	if !ok {
		return fmt.Errorf("onnx: no test model %q (mlp, lenet, dynamic)", args[1])
	}
	return os.WriteFile(args[0], build(1), 0o644)
}
