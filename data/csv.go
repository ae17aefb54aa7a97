// Numeric CSV tables as data sets, and the CSV helpers the MovieLens and
// gesture loaders share.

package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/tensor"
)

// csvTable reads a CSV file with a header row, one record at a time, and
// makes errors that point at the file and line.
type csvTable struct {
	path   string
	r      *csv.Reader
	close  func() error
	header []string
	rec    []string
}

// openCSVTable opens path (gzipped or not) and reads its header row.
func openCSVTable(path, role string) (*csvTable, error) {
	r, closer, err := openText(path)
	if err != nil {
		return nil, missingFile(err, path, role)
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	t := &csvTable{path: path, r: cr, close: closer}
	h, err := cr.Read()
	if err == io.EOF {
		closer()
		return nil, fmt.Errorf("%s: empty file, no header row", path)
	}
	if err != nil {
		closer()
		return nil, t.wrap(err)
	}
	t.header = make([]string, len(h))
	for i, name := range h {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff") // a byte-order mark
		}
		t.header[i] = strings.TrimSpace(name)
	}
	return t, nil
}

func (t *csvTable) Close() error { return t.close() }

// next reads the next record; it returns false at the end of the file.
func (t *csvTable) next() (bool, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, t.wrap(err)
	}
	t.rec = rec
	return true, nil
}

// wrap turns a csv.Reader error into one with the file and line in front.
func (t *csvTable) wrap(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("%s:%d: the row's number of fields differs from the header's %d", t.path, pe.StartLine, len(t.header))
		}
		return fmt.Errorf("%s:%d: %v", t.path, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", t.path, err)
}

// line is the line of field col of the current record.
func (t *csvTable) line(col int) int {
	line, _ := t.r.FieldPos(col)
	return line
}

// errorf makes an error at the line of field col of the current record.
func (t *csvTable) errorf(col int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", t.path, t.line(col), fmt.Sprintf(format, args...))
}

// columns finds the named columns in the header; a missing one is an error
// that lists the header.
func (t *csvTable) columns(names ...string) ([]int, error) {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = -1
		for j, h := range t.header {
			if h == n {
				idx[i] = j
				break
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("%s:1: no column %q; the header names %s (want %s)", t.path, n, strings.Join(t.header, ","), strings.Join(names, ","))
		}
	}
	return idx, nil
}

// field returns field col of the current record, trimmed of spaces.
func (t *csvTable) field(col int) string { return strings.TrimSpace(t.rec[col]) }

// float parses field col as a finite number that float32, in which every
// caller keeps it, can hold: a larger one would become infinite there and
// poison training far from this line.
func (t *csvTable) float(col int) (float64, error) {
	s := t.field(col)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		if s == "" {
			return 0, t.errorf(col, "column %s is empty", t.header[col])
		}
		return 0, t.errorf(col, "column %s: %q is not a finite number", t.header[col], s)
	}
	if math.Abs(v) > math.MaxFloat32 {
		return 0, t.errorf(col, "column %s: %s is beyond float32's range (%.4g)", t.header[col], s, math.MaxFloat32)
	}
	return v, nil
}

// int parses field col as an integer.
func (t *csvTable) int(col int) (int64, error) {
	s := t.field(col)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if s == "" {
			return 0, t.errorf(col, "column %s is empty", t.header[col])
		}
		return 0, t.errorf(col, "column %s: %q is not an integer", t.header[col], s)
	}
	return v, nil
}

// prefixHint recognizes, by its columns, a CSV file that one of the
// prefixed forms reads (MovieLens ratings, accelerometer gestures) given
// as a plain table, and suggests the spec that reads it.
func prefixHint(spec string, header []string) string {
	has := func(names ...string) bool {
		for _, n := range names {
			if !slices.Contains(header, n) {
				return false
			}
		}
		return true
	}
	switch {
	case has("userId", "movieId"):
		return fmt.Sprintf("MovieLens ratings (columns userId, movieId, ...), not a table with a label or target column: did you mean movielens:%s? (or ratings:%s, for rating prediction, or autorec:%s, for I-AutoRec)", spec, spec, spec)
	case has("recording", "user", "gesture", "ax", "ay", "az"):
		return fmt.Sprintf("accelerometer gestures (columns recording, user, gesture, ax, ay, az, ...), not a table with a label or target column: did you mean gestures:%s?", spec)
	}
	return ""
}

// openCSV loads a numeric table: every column but the target forms one f32
// input [N, C] (columns in file order); the target is the column "label"
// (class ids: i32 [N], Classification) or "target" (f32 [N,1],
// Regression; an empty cell or NaN is a missing target).
func openCSV(s, path string) (*Split, error) {
	t, err := openCSVTable(path, "data set "+s)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	target := -1
	task := Task(0)
	for j, h := range t.header {
		var tk Task
		switch h {
		case "label":
			tk = Classification
		case "target":
			tk = Regression
		default:
			continue
		}
		if target >= 0 {
			return nil, fmt.Errorf("%s:1: both a label and a target column; keep one", path)
		}
		target, task = j, tk
	}
	if target < 0 {
		if hint := prefixHint(s, t.header); hint != "" {
			return nil, fmt.Errorf("%s:1: %s", path, hint)
		}
		return nil, fmt.Errorf("%s:1: no target column: name it label (class ids) or target (real values); the header names %s", path, strings.Join(t.header, ","))
	}
	seen := map[string]bool{}
	for _, h := range t.header {
		if seen[h] {
			return nil, fmt.Errorf("%s:1: column %q appears twice", path, h)
		}
		seen[h] = true
	}
	nin := len(t.header) - 1
	if nin == 0 {
		return nil, fmt.Errorf("%s:1: no input columns besides %s", path, t.header[target])
	}
	var x []float32
	var ids []int32
	var reals []float32
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		for j := range t.rec {
			if j == target {
				continue
			}
			v, err := t.float(j)
			if err != nil {
				return nil, err
			}
			x = append(x, float32(v))
		}
		if task == Classification {
			v, err := t.int(target)
			if err != nil {
				return nil, err
			}
			if v < 0 || v > math.MaxInt32 {
				return nil, t.errorf(target, "label %d is not a class id (0, 1, 2, ...)", v)
			}
			ids = append(ids, int32(v))
		} else {
			f := t.field(target)
			v := math.NaN()
			if f != "" {
				v, err = strconv.ParseFloat(f, 64)
				if err != nil || math.IsInf(v, 0) {
					return nil, t.errorf(target, "target %q is not a number (leave it empty, or write NaN, for a missing target)", f)
				}
				if math.Abs(v) > math.MaxFloat32 {
					return nil, t.errorf(target, "target %s is beyond float32's range (%.4g)", f, math.MaxFloat32)
				}
			}
			reals = append(reals, float32(v))
		}
	}
	n := len(x) / nin
	if n == 0 {
		return nil, fmt.Errorf("%s holds no examples: no rows after the header", path)
	}
	d := &Dataset{Name: s, Inputs: []Named{{Name: "", T: tensor.FromF32(x, n, nin)}}, Task: task}
	if task == Classification {
		d.Target = tensor.FromI32(ids, n)
		finishClasses(d)
	} else {
		d.Target = tensor.FromF32(reals, n, 1)
	}
	return &Split{Train: d}, nil
}
