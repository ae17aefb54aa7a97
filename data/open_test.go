package data

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

func wantTensor(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	if !tensor.Equal(got, want) {
		t.Errorf("%s: got %v %v%v%v, want %v %v%v%v", what, got, got.F32, got.I32, got.U8, want, want.F32, want.I32, want.U8)
	}
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, want one containing %q", parts)
		return
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

// idxDir writes a small IDX data set: 3 training and 2 test images of 2x2
// pixels, labels as given.
func idxDir(t *testing.T, trainLabels, testLabels []uint8) string {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "train-images-idx3-ubyte.gz"), gzipBytes(idxFile(0x08, []int{3, 2, 2}, []uint8{0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8})))
	writeFile(t, filepath.Join(dir, "train-labels-idx1-ubyte"), idxFile(0x08, []int{len(trainLabels)}, trainLabels))
	if testLabels != nil {
		writeFile(t, filepath.Join(dir, "t10k-images-idx3-ubyte"), idxFile(0x08, []int{2, 2, 2}, []uint8{10, 20, 30, 40, 50, 60, 70, 80}))
		writeFile(t, filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), gzipBytes(idxFile(0x08, []int{len(testLabels)}, testLabels)))
	}
	return dir
}

func scaled(v ...uint8) []float32 {
	out := make([]float32, len(v))
	for i, b := range v {
		out[i] = float32(b) / 255
	}
	return out
}

func TestOpenIDXDir(t *testing.T) {
	dir := idxDir(t, []uint8{1, 0, 4}, []uint8{2, 6})
	s, err := Open(filepath.Base(dir), filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	if te == nil {
		t.Fatal("no test part")
	}
	if tr.Name != filepath.Base(dir)+" (train)" || tr.Task != Classification || tr.Classes != 7 || te.Classes != 7 || tr.Labels != nil {
		t.Errorf("train: %q %v classes %d/%d labels %v", tr.Name, tr.Task, tr.Classes, te.Classes, tr.Labels)
	}
	if len(tr.Inputs) != 1 || tr.Inputs[0].Name != "" {
		t.Fatalf("inputs %v", tr.Inputs)
	}
	wantTensor(t, "train images", tr.Inputs[0].T, tensor.FromF32(scaled(0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8), 3, 1, 2, 2))
	wantTensor(t, "train labels", tr.Target, tensor.FromI32([]int32{1, 0, 4}, 3))
	wantTensor(t, "test images", te.Inputs[0].T, tensor.FromF32(scaled(10, 20, 30, 40, 50, 60, 70, 80), 2, 1, 2, 2))
	wantTensor(t, "test labels", te.Target, tensor.FromI32([]int32{2, 6}, 2))
	if tr.Inputs[0].T.F32[1] != 1 || tr.Inputs[0].T.F32[2] != 0.2 {
		t.Errorf("scaling: %v", tr.Inputs[0].T.F32[:3])
	}

	// Without a test pair: one part.
	s, err = Open(idxDir(t, []uint8{1, 0, 4}, nil), "/elsewhere")
	if err != nil || s.Test != nil || s.Train.Classes != 5 {
		t.Errorf("train only: %v %v", s, err)
	}
}

func TestOpenIDXDirErrors(t *testing.T) {
	// Labels missing.
	dir := idxDir(t, []uint8{1, 0, 4}, nil)
	os.Remove(filepath.Join(dir, "train-labels-idx1-ubyte"))
	_, err := Open(dir, "")
	wantErr(t, err, "holds train-images-idx3-ubyte.gz but not its labels, train-labels-idx1-ubyte[.gz]")

	// Test images without labels.
	dir = idxDir(t, []uint8{1, 0, 4}, []uint8{1, 1})
	os.Remove(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	_, err = Open(dir, "")
	wantErr(t, err, "t10k-images-idx3-ubyte but not its labels")

	// Labels without images.
	dir = idxDir(t, []uint8{1, 0, 4}, []uint8{1, 1})
	os.Remove(filepath.Join(dir, "t10k-images-idx3-ubyte"))
	_, err = Open(dir, "")
	wantErr(t, err, "holds t10k-labels-idx1-ubyte.gz but not its images")

	// An empty directory.
	_, err = Open(t.TempDir(), "")
	wantErr(t, err, "holds no IDX files train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]")

	// Counts differ.
	dir = idxDir(t, []uint8{1, 0}, nil)
	_, err = Open(dir, "")
	wantErr(t, err, "train-images-idx3-ubyte.gz holds 3 images, but", "train-labels-idx1-ubyte holds 2 labels")

	// Zero-length.
	dir = t.TempDir()
	writeFile(t, filepath.Join(dir, "train-images-idx3-ubyte"), idxFile(0x08, []int{0, 28, 28}, nil))
	writeFile(t, filepath.Join(dir, "train-labels-idx1-ubyte"), idxFile(0x08, []int{0}, nil))
	_, err = Open(dir, "")
	wantErr(t, err, dir+" (train) holds no examples")

	// Labels that are not a vector; a corrupt images file.
	dir = idxDir(t, []uint8{1, 0, 4}, nil)
	writeFile(t, filepath.Join(dir, "train-labels-idx1-ubyte"), idxFile(0x08, []int{3, 1}, []uint8{1, 2, 3}))
	_, err = Open(dir, "")
	wantErr(t, err, "labels have shape [3,1], want one dimension")
	writeFile(t, filepath.Join(dir, "train-images-idx3-ubyte.gz"), []byte("not gzip, not IDX"))
	_, err = Open(dir, "")
	wantErr(t, err, filepath.Join(dir, "train-images-idx3-ubyte.gz")+": not an IDX file")
}

func TestOpenMNISTFromEnv(t *testing.T) {
	dir := idxDir(t, []uint8{1, 0, 9}, []uint8{2, 3})
	t.Setenv(MNISTDirEnv, dir)
	s, err := Open("mnist", "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Name != "mnist (train)" || s.Test.Name != "mnist (test)" || s.Train.Classes != 10 || len(s.Test.Labels) != 10 || s.Test.Labels[9] != "9" {
		t.Errorf("got %q %q classes %d labels %v", s.Train.Name, s.Test.Name, s.Train.Classes, s.Test.Labels)
	}
	wantTensor(t, "test images", s.Test.Inputs[0].T, tensor.FromF32(scaled(10, 20, 30, 40, 50, 60, 70, 80), 2, 1, 2, 2))

	// A label past 9 is out of MNIST's range.
	t.Setenv(MNISTDirEnv, idxDir(t, []uint8{1, 10, 9}, nil))
	_, err = Open("mnist", "")
	wantErr(t, err, "mnist (train): the target of example 1 is class 10, outside [0, 10)")

	t.Setenv(MNISTDirEnv, t.TempDir())
	_, err = Open("mnist", "")
	wantErr(t, err, "mnist: "+os.Getenv(MNISTDirEnv)+" (from $KILN_MNIST_DIR) holds no IDX files train-images-idx3-ubyte[.gz]")
}

func TestOpenFashionMNISTMissing(t *testing.T) {
	if _, err := os.Stat(FashionMNISTDir); err == nil {
		t.Skip(FashionMNISTDir, " exists")
	}
	_, err := Open("fashion-mnist", "")
	wantErr(t, err, "fashion-mnist: "+FashionMNISTDir+" does not exist", "Debian package dataset-fashion-mnist")
}

func TestOpenNPYPair(t *testing.T) {
	dir := t.TempDir()
	x := tensor.FromF32([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
	save := func(name string, tt *tensor.Tensor) {
		if err := SaveNPY(filepath.Join(dir, name), tt); err != nil {
			t.Fatal(err)
		}
	}
	save("x.npy", x)
	save("ids.npy", tensor.FromI32([]int32{0, 4, 2}, 3))
	save("u8.npy", &tensor.Tensor{DType: tensor.U8, Shape: []int{3}, U8: []uint8{1, 1, 0}})
	save("reg.npy", tensor.FromF32([]float32{0.5, float32(math.NaN()), 2, 3, 4, 5}, 3, 2))
	save("ids2.npy", tensor.FromI32([]int32{0, 1, 2, 3, 4, 5}, 3, 2))
	save("short.npy", tensor.FromI32([]int32{0, 1}, 2))
	bad := x.Clone()
	bad.F32[3] = float32(math.Inf(-1))
	save("bad.npy", bad)

	s, err := Open("x.npy, ids.npy", dir)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Train
	if s.Test != nil || d.Name != "x.npy, ids.npy" || d.Task != Classification || d.Classes != 5 || d.Inputs[0].Name != "" {
		t.Errorf("classification: %+v", d)
	}
	wantTensor(t, "inputs", d.Inputs[0].T, x)
	wantTensor(t, "targets", d.Target, tensor.FromI32([]int32{0, 4, 2}, 3))

	s, err = Open(filepath.Join(dir, "x.npy")+","+filepath.Join(dir, "u8.npy"), "/nowhere")
	if err != nil || s.Train.Task != Classification || s.Train.Classes != 2 {
		t.Errorf("u8 ids: %v %v", s, err)
	} else {
		wantTensor(t, "u8 targets", s.Train.Target, tensor.FromI32([]int32{1, 1, 0}, 3))
	}

	s, err = Open("x.npy,reg.npy", dir)
	if err != nil || s.Train.Task != Regression {
		t.Errorf("regression: %v %v", s, err)
	}

	_, err = Open("x.npy,", dir)
	wantErr(t, err, `data set "x.npy,": the targets file is missing after the comma`)
	_, err = Open(",x.npy", dir)
	wantErr(t, err, "the inputs file is missing before the comma")
	_, err = Open("x.npy,y.npy,z.npy", dir)
	wantErr(t, err, "a comma separates exactly two files")
	_, err = Open("x.npy,y.csv", dir)
	wantErr(t, err, "y.csv is not an .npy file")
	_, err = Open("x.npy,nope.npy", dir)
	wantErr(t, err, filepath.Join(dir, "nope.npy")+": no such file (the targets of x.npy,nope.npy)")
	_, err = Open("nope.npy,x.npy", dir)
	wantErr(t, err, filepath.Join(dir, "nope.npy")+": no such file (the inputs of nope.npy,x.npy)")
	save("empty.npy", tensor.New(tensor.F32, 0, 2))
	_, err = Open("empty.npy,short.npy", dir)
	wantErr(t, err, filepath.Join(dir, "empty.npy")+" holds no samples (float32[0,2])")
	_, err = Open("x.npy,short.npy", dir)
	wantErr(t, err, "x.npy,short.npy: input holds 3 examples, the targets 2")
	_, err = Open("bad.npy,ids.npy", dir)
	wantErr(t, err, "bad.npy,ids.npy: input: -Inf at example 1, element 1")
	_, err = Open("x.npy,ids2.npy", dir)
	wantErr(t, err, "integer targets i32[3,2]; class ids are i32[N]")
	writeFile(t, filepath.Join(dir, "junk.npy"), []byte("junk"))
	_, err = Open("x.npy,junk.npy", dir)
	wantErr(t, err, filepath.Join(dir, "junk.npy")+": ")
}

func TestOpenNPZ(t *testing.T) {
	dir := t.TempDir()
	x := tensor.FromF32([]float32{1, 2, 3, 4}, 2, 2)
	xt := tensor.FromF32([]float32{5, 6}, 1, 2)
	y := tensor.FromI32([]int32{1, 0}, 2)
	yt := tensor.FromI32([]int32{3}, 1)
	save := func(name string, ts ...Named) {
		if err := SaveNPZ(filepath.Join(dir, name), ts); err != nil {
			t.Fatal(err)
		}
	}
	save("xy.npz", Named{"x", x}, Named{"y", y}, Named{"x_test", xt}, Named{"y_test", yt})
	s, err := Open("xy.npz", dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Test == nil || s.Train.Name != "xy.npz (train)" || s.Train.Inputs[0].Name != "" || s.Test.Inputs[0].Name != "" || s.Train.Classes != 4 || s.Test.Classes != 4 {
		t.Fatalf("got %+v / %+v", s.Train, s.Test)
	}
	wantTensor(t, "x", s.Train.Inputs[0].T, x)
	wantTensor(t, "x_test", s.Test.Inputs[0].T, xt)
	wantTensor(t, "y_test", s.Test.Target, yt)

	// Named inputs, float targets, no test part.
	ids := tensor.FromI32([]int32{1, 2, 3, 4, 5, 6}, 2, 3)
	reg := tensor.FromF32([]float32{0.5, 1.5}, 2, 1)
	save("named.npz", Named{"dense", x}, Named{"y", reg}, Named{"fields", ids})
	s, err = Open("named.npz", dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Test != nil || s.Train.Name != "named.npz" || s.Train.Task != Regression || len(s.Train.Inputs) != 2 ||
		s.Train.Inputs[0].Name != "dense" || s.Train.Inputs[1].Name != "fields" {
		t.Errorf("named: %+v", s.Train)
	}
	wantTensor(t, "fields", s.Train.Inputs[1].T, ids)

	save("noy.npz", Named{"x", x})
	save("notest.npz", Named{"x", x}, Named{"y", y}, Named{"y_test", yt})
	save("noytest.npz", Named{"x", x}, Named{"y", y}, Named{"x_test", xt})
	save("orphan.npz", Named{"x", x}, Named{"y", y}, Named{"z_test", xt}, Named{"x_test", xt}, Named{"y_test", yt})
	save("noinputs.npz", Named{"y", y})
	save("mixed.npz", Named{"x", x}, Named{"y", y}, Named{"x_test", xt}, Named{"y_test", tensor.FromF32([]float32{1}, 1)})
	save("count.npz", Named{"x", x}, Named{"y", y}, Named{"x_test", xt}, Named{"y_test", y})
	save("empty.npz", Named{"x", tensor.New(tensor.F32, 0, 2)}, Named{"y", tensor.New(tensor.I32, 0)})
	for name, want := range map[string]string{
		"noy.npz":      "noy.npz: no array y (the targets); the archive holds x",
		"notest.npz":   "holds y_test but no x_test",
		"noytest.npz":  "holds x_test but no y_test",
		"orphan.npz":   "holds z_test but no z for the training part",
		"noinputs.npz": "no input arrays",
		"mixed.npz":    "y is i32[2] but y_test is f32[1]",
		"count.npz":    "count.npz (test): input holds 1 examples, the targets 2",
		"empty.npz":    "empty.npz: member x holds no samples (float32[0,2])",
		"missing.npz":  filepath.Join(dir, "missing.npz") + ": no such file (data set missing.npz)",
	} {
		_, err := Open(name, dir)
		wantErr(t, err, want)
	}
}

func TestOpenCSV(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "cls.csv"), []byte("\ufeffa, b ,label\n1,2,0\n3.5,-1e1,2\n"))
	s, err := Open("cls.csv", dir)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Train
	if s.Test != nil || d.Task != Classification || d.Classes != 3 || d.Name != "cls.csv" {
		t.Errorf("got %+v", d)
	}
	wantTensor(t, "x", d.Inputs[0].T, tensor.FromF32([]float32{1, 2, 3.5, -10}, 2, 2))
	wantTensor(t, "y", d.Target, tensor.FromI32([]int32{0, 2}, 2))

	writeFile(t, filepath.Join(dir, "reg.csv.gz"), gzipBytes([]byte("target,x1\n1.5,2\n,3\nNaN,4\n")))
	s, err = Open("reg.csv.gz", dir)
	if err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	wantTensor(t, "x", s.Train.Inputs[0].T, tensor.FromF32([]float32{2, 3, 4}, 3, 1))
	wantTensor(t, "y", s.Train.Target, tensor.FromF32([]float32{1.5, nan, nan}, 3, 1))

	for body, want := range map[string]string{
		"a,b\n1,2\n":              "bad.csv:1: no target column: name it label (class ids) or target (real values); the header names a,b",
		"label,target,a\n1,2,3\n": "bad.csv:1: both a label and a target column",
		"label\n1\n":              "bad.csv:1: no input columns besides label",
		"a,a,label\n1,2,3\n":      `bad.csv:1: column "a" appears twice`,
		"a,label\n1,0\nx,1\n":     `bad.csv:3: column a: "x" is not a finite number`,
		"a,label\n1,0\n,1\n":      "bad.csv:3: column a is empty",
		"a,label\n1,0\nNaN,1\n":   `bad.csv:3: column a: "NaN" is not a finite number`,
		"a,label\n1,0.5\n":        `bad.csv:2: column label: "0.5" is not an integer`,
		"a,label\n1,-1\n":         "bad.csv:2: label -1 is not a class id",
		"a,target\n1,inf\n":       `bad.csv:2: target "inf" is not a number`,
		"a,target\n1,-4e38\n":     "bad.csv:2: target -4e38 is beyond float32's range (3.403e+38)",
		"a,label\n1,0\n1e39,1\n":  "bad.csv:3: column a: 1e39 is beyond float32's range (3.403e+38)",
		"a,label\n1,0\n2\n":       "bad.csv:3: the row's number of fields differs from the header's 2",
		"a,label\n1,\"0\n":        "bad.csv:2: extraneous or missing \" in quoted-field",
		"a,label\n":               "bad.csv holds no examples",
		"":                        "bad.csv: empty file, no header row",
		"userId,movieId,rating,timestamp\n1,2,4,5\n":                 "bad.csv:1: MovieLens ratings (columns userId, movieId, ...), not a table with a label or target column: did you mean movielens:" + filepath.Join(dir, "bad.csv") + "? (or ratings:" + filepath.Join(dir, "bad.csv") + ", for rating prediction, or autorec:",
		"recording,user,take,gesture,t,ax,ay,az\n1,1,1,up,0,1,2,3\n": "bad.csv:1: accelerometer gestures (columns recording, user, gesture, ax, ay, az, ...), not a table with a label or target column: did you mean gestures:" + filepath.Join(dir, "bad.csv") + "?",
	} {
		p := writeFile(t, filepath.Join(dir, "bad.csv"), []byte(body))
		_, err := Open(p, "")
		wantErr(t, err, want)
	}
	_, err = Open("nope.csv", dir)
	wantErr(t, err, filepath.Join(dir, "nope.csv")+": no such file (data set nope.csv)")
}

func TestOpenSpecErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte("hi"))
	for spec, want := range map[string]string{
		"":                 "no data set given; accepted forms: mnist, fashion-mnist, DIR (IDX files), X.npy,Y.npy, FILE.npz, FILE.csv, movielens:FILE, ratings:FILE, content:FILE, autorec:FILE, watches:FILE or gestures:FILE",
		"  ":               "no data set given",
		"cifar10":          `data set "cifar10": not a known data set name, and ` + filepath.Join(dir, "cifar10") + " does not exist; accepted forms: mnist,",
		"notes.txt":        "is not a directory of IDX files and its name does not say its format",
		"x.npy":            "an .npy file holds one array; give the inputs and the targets as X.npy,Y.npy",
		"movielens:":       `data set "movielens:": no file after "movielens:"; write movielens:FILE`,
		"autorec: ":        "write autorec:FILE",
		"ratings:":         "write ratings:FILE",
		"ratings:x":        filepath.Join(dir, "x") + ": no such file (data set ratings:x)",
		"rating:r.csv":     `data set "rating:r.csv": rating: is not a form kiln knows (did you mean ratings:r.csv?); accepted forms:`,
		"gestures:":        "write gestures:FILE",
		"movielens:x":      filepath.Join(dir, "x") + ": no such file (data set movielens:x)",
		"autorec:x":        filepath.Join(dir, "x") + ": no such file (data set autorec:x)",
		"gestures:x":       filepath.Join(dir, "x") + ": no such file (data set gestures:x)",
		"mnistt":           `data set "mnistt": not a known data set name, and ` + filepath.Join(dir, "mnistt") + " does not exist (did you mean mnist?); accepted forms:",
		"fashion_mnist":    "does not exist (did you mean fashion-mnist?)",
		"movielense:r.csv": `data set "movielense:r.csv": movielense: is not a form kiln knows (did you mean movielens:r.csv?); accepted forms:`,
	} {
		_, err := Open(spec, dir)
		wantErr(t, err, want)
	}
}

func TestSpecFormsDocumented(t *testing.T) {
	doc, err := os.ReadFile("DATASETS.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{"`mnist`", "`fashion-mnist`", "`DIR`", "`X.npy,Y.npy`", "`FILE.npz`", "`FILE.csv`", "`movielens:FILE`", "`ratings:FILE`", "`autorec:FILE`", "`gestures:FILE`", MNISTDirEnv} {
		if !strings.Contains(string(doc), form) {
			t.Errorf("DATASETS.md does not mention %s", form)
		}
	}
	if !slices.Contains(strings.Fields(specForms), "mnist,") {
		t.Errorf("specForms: %q", specForms)
	}
}
