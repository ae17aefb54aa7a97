package data

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

// gestureSample is the synthetic signal of recording rec at time t.
func gestureSample(rec, t int) (ax, ay, az float32) {
	return float32(rec*1000 + t), -float32(t), float32(t) / 2
}

// gestureCSV writes recordings of the given lengths: name, user, gesture.
func gestureCSV(recs []struct {
	name, gesture string
	user, n       int
}) string {
	var b strings.Builder
	b.WriteString("recording,user,take,gesture,t,ax,ay,az\n")
	for i, r := range recs {
		for t := range r.n {
			ax, ay, az := gestureSample(i, t)
			fmt.Fprintf(&b, "%s,%d,a,%s,%d,%g,%g,%g\n", r.name, r.user, r.gesture, t, ax, ay, az)
		}
	}
	return b.String()
}

func TestOpenGestures(t *testing.T) {
	recs := []struct {
		name, gesture string
		user, n       int
	}{
		{"circles/1a", "circles", 1, 200}, // windows at 0, 32, 64
		{"tilt/7a", "tilt", 7, 160},       // 0, 32
		{"alpha/2b", "alpha", 2, 100},     // too short: none
		{"circles/8b", "circles", 8, 128}, // 0
		{"tilt/6c", "tilt", 6, 159},       // 0
	}
	p := writeFile(t, filepath.Join(t.TempDir(), "g.csv.gz"), gzipBytes([]byte(gestureCSV(recs))))
	s, err := Open("gestures:"+p+"?norm=none", "")
	if err != nil {
		t.Fatal(err)
	}
	tr, te := s.Train, s.Test
	labels := []string{"alpha", "circles", "tilt"}
	for _, d := range []*Dataset{tr, te} {
		if d.Task != Classification || d.Classes != 3 || !slices.Equal(d.Labels, labels) {
			t.Errorf("%s: %v %d %q", d.Name, d.Task, d.Classes, d.Labels)
		}
	}
	wantTensor(t, "train labels", tr.Target, tensor.FromI32([]int32{1, 1, 1, 2}, 4))
	wantTensor(t, "test labels", te.Target, tensor.FromI32([]int32{2, 2, 1}, 3))

	window := func(rec, start int) []float32 {
		var w []float32
		for ch := range 3 {
			for t := start; t < start+GestureWindow; t++ {
				ax, ay, az := gestureSample(rec, t)
				w = append(w, []float32{ax, ay, az}[ch])
			}
		}
		return w
	}
	var want []float32
	for _, w := range [][2]int{{0, 0}, {0, 32}, {0, 64}, {4, 0}} {
		want = append(want, window(w[0], w[1])...)
	}
	wantTensor(t, "train windows", tr.Inputs[0].T, tensor.FromF32(want, 4, 3, GestureWindow))
	want = nil
	for _, w := range [][2]int{{1, 0}, {1, 32}, {3, 0}} {
		want = append(want, window(w[0], w[1])...)
	}
	wantTensor(t, "test windows", te.Inputs[0].T, tensor.FromF32(want, 3, 3, GestureWindow))
}

func TestGesturesErrors(t *testing.T) {
	dir := t.TempDir()
	head := "recording,user,take,gesture,t,ax,ay,az\n"
	for _, c := range []struct{ body, want string }{
		{"recording,user,gesture,t,ax,ay\n", `g.csv:1: no column "az"`},
		{head, "g.csv holds no examples: no samples after the header"},
		{head + "r,1,a,up,0,1,2,3\nr,2,a,up,1,1,2,3\n", `g.csv:3: recording "r" is by user 2, and by user 1 from line 2`},
		{head + "r,1,a,up,0,1,2,3\nr,1,a,down,1,1,2,3\n", `g.csv:3: recording "r" is of gesture "down", and of "up" from line 2`},
		{head + "r,1,a,up,0,1,2,3\nr,1,a,up,0,1,2,3\n", `g.csv:3: recording "r": t 0 does not follow 0`},
		{head + "r,1,a,up,0,1,2,x\n", `g.csv:2: column az: "x" is not a finite number`},
		{head + "r,1,a,up,0,1,2,3\nr,1,a,up,1,1e300,2,3\n", `g.csv:3: column ax: 1e300 is beyond float32's range (3.403e+38)`},
		{head + "r,one,a,up,0,1,2,3\n", `g.csv:2: column user: "one" is not an integer`},
		{head + "r,1,a,,0,1,2,3\n", "g.csv:2: column gesture is empty"},
		// Too short for a single window.
		{head + "r,1,a,up,0,1,2,3\n", "gestures:g.csv (train) holds no examples"},
	} {
		writeFile(t, filepath.Join(dir, "g.csv"), []byte(c.body))
		_, err := Open("gestures:g.csv", dir)
		wantErr(t, err, c.want)
	}
	// Only training users: the test part is empty.
	recs := []struct {
		name, gesture string
		user, n       int
	}{{"a", "up", 1, 128}}
	writeFile(t, filepath.Join(dir, "g.csv"), []byte(gestureCSV(recs)))
	_, err := Open("gestures:g.csv", dir)
	wantErr(t, err, "gestures:g.csv (test) holds no examples")
}

// TestGestureOptions: window, stride, test and users choose the windows
// and the split; the default norm is body.
func TestGestureOptions(t *testing.T) {
	recs := []struct {
		name, gesture string
		user, n       int
	}{
		{"up/1a", "up", 1, 100},    // window 40 stride 20: 0, 20, 40, 60
		{"down/2a", "down", 2, 60}, // 0, 20
		{"up/3a", "up", 3, 45},     // 0
		{"down/7a", "down", 7, 39}, // none
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "g.csv"), []byte(gestureCSV(recs)))
	for _, c := range []struct {
		opts        string
		train, test []int32 // labels: down 0, up 1
		window      int
	}{
		{"?window=40&stride=20&test=2", []int32{1, 1, 1, 1, 1}, []int32{0, 0}, 40},
		{"?window=40&stride=20&test=1,3", []int32{0, 0}, []int32{1, 1, 1, 1, 1}, 40},
		{"?stride=20&window=40&users=1-2&test=2", []int32{1, 1, 1, 1}, []int32{0, 0}, 40},
		{"? window = 45 & test = 3 ", []int32{1, 1, 0}, []int32{1}, 45},
		{"?window=30&stride=50&test=3,7", []int32{1, 1, 0}, []int32{1, 0}, 30},
	} {
		s, err := Open("gestures:g.csv"+c.opts, dir)
		if err != nil {
			t.Errorf("%s: %v", c.opts, err)
			continue
		}
		if !slices.Equal(s.Train.Target.I32, c.train) || !slices.Equal(s.Test.Target.I32, c.test) {
			t.Errorf("%s: train %v, test %v; want %v, %v", c.opts, s.Train.Target.I32, s.Test.Target.I32, c.train, c.test)
		}
		if got := s.Train.Inputs[0].T.Shape; !slices.Equal(got, []int{len(c.train), 3, c.window}) {
			t.Errorf("%s: train input %v", c.opts, got)
		}
		// The default normalisation (body): every axis centred, RMS 1 over the three.
		x := s.Train.Inputs[0].T.F32
		w := 3 * c.window
		for e := range len(c.train) {
			var ss float64
			for k := range 3 {
				var sum float64
				for _, v := range x[e*w+k*c.window : e*w+(k+1)*c.window] {
					sum += float64(v)
					ss += float64(v) * float64(v)
				}
				if math.Abs(sum/float64(c.window)) > 1e-4 {
					t.Errorf("%s: example %d, axis %d: mean %g", c.opts, e, k, sum/float64(c.window))
				}
			}
			if rms := math.Sqrt(ss / float64(w)); math.Abs(rms-1) > 1e-4 {
				t.Errorf("%s: example %d: RMS %g", c.opts, e, rms)
			}
		}
	}
	for _, c := range []struct{ opts, want string }{
		{"?window=0", `window must be a positive number of samples, got "0"`},
		{"?stride=x", `stride must be a positive number of samples, got "x"`},
		{"?norm=rsm", `norm must be none, center, rms, upright, body, got "rsm" (did you mean rms?)`},
		{"?windw=3", "unknown option windw (did you mean window?) (keys: window, stride, norm, test, users, tempo)"},
		{"?window", `option "window" is not KEY=VALUE`},
		{"?test=3&test=2", "option test is given twice"},
		{"?test=3-1", `test: "3-1" is not a user or a range of users such as 1-3`},
		{"?test=x", `test: "x" is not a user or a range of users such as 1-3`},
		{"?test=5", "g.csv has no recording by user 5"},
		{"?users=1,2&test=3", "test user 3 is not among the users read"},
		{"?test=1,2,3,7", "gestures:g.csv?test=1,2,3,7 (train) holds no examples"},
		{"?window=200", "(train) holds no examples"},
	} {
		_, err := Open("gestures:g.csv"+c.opts, dir)
		wantErr(t, err, c.want)
	}
}

// TestNormalizeWindow checks each normalisation on a window whose axes
// have known means and spreads, and that a still window is not blown up.
func TestNormalizeWindow(t *testing.T) {
	const n = 8
	raw := make([]float32, 3*n)
	for i := range n {
		s := float32(1 - 2*(i%2)) // +1, -1, ...
		raw[i], raw[n+i], raw[2*n+i] = 9.8+3*s, 2+4*s, -1
	}
	for _, c := range []struct {
		norm string
		want [3]float32 // the first sample's x, y, z
	}{
		{GestureNormNone, [3]float32{12.8, 6, -1}},
		{GestureNormCenter, [3]float32{3, 4, 0}},
		// RMS over the three axes: sqrt((9 + 16 + 0) / 3).
		{GestureNormRMS, [3]float32{3 / 2.886751, 4 / 2.886751, 0}},
	} {
		w := slices.Clone(raw)
		normalizeWindow(w, n, c.norm)
		for k := range 3 {
			if got := w[k*n]; math.Abs(float64(got-c.want[k])) > 1e-5 {
				t.Errorf("%s: axis %d: %g, want %g", c.norm, k, got, c.want[k])
			}
		}
	}
	still := make([]float32, 3*n)
	for i := range still {
		still[i] = 9.8 + 0.01*float32(i%2)
	}
	normalizeWindow(still, n, GestureNormRMS)
	for _, v := range still {
		if math.Abs(float64(v)) > 0.011/GestureRMSFloor {
			t.Fatalf("a still window became %v", still)
		}
	}
}

// TestUpright: the upright normalisation turns the window (norms kept)
// so that its mean points along +z, then centres and scales it as rms;
// for every direction of the mean, including straight down.
func TestUpright(t *testing.T) {
	const n = 16
	for _, g := range [][3]float64{{0, 0, 9.8}, {0, 0, -9.8}, {9.8, 0, 0}, {-3, 5, -7}, {1e-12, 0, -9.8}, {0.2, -0.1, 9.7}} {
		w := make([]float32, 3*n)
		for i := range n {
			a := 2 * math.Pi * float64(i) / n
			w[i] = float32(g[0] + 2*math.Sin(a))
			w[n+i] = float32(g[1] + math.Cos(a))
			w[2*n+i] = float32(g[2])
		}
		before := slices.Clone(w)
		upright(w, n)
		var m [3]float64
		for i := range n {
			x, y, z := float64(w[i]), float64(w[n+i]), float64(w[2*n+i])
			bx, by, bz := float64(before[i]), float64(before[n+i]), float64(before[2*n+i])
			if d := math.Sqrt(x*x+y*y+z*z) - math.Sqrt(bx*bx+by*by+bz*bz); math.Abs(d) > 1e-4 {
				t.Fatalf("mean %v: sample %d's norm changed by %g", g, i, d)
			}
			m[0], m[1], m[2] = m[0]+x, m[1]+y, m[2]+z
		}
		gn := math.Sqrt(g[0]*g[0] + g[1]*g[1] + g[2]*g[2])
		if math.Abs(m[0]/n) > 1e-4 || math.Abs(m[1]/n) > 1e-4 || math.Abs(m[2]/n-gn) > 1e-4 {
			t.Errorf("mean %v: turned to %v, want (0, 0, %g)", g, [3]float64{m[0] / n, m[1] / n, m[2] / n}, gn)
		}
	}
}

// TestNormalizeUpright: motion along gravity becomes motion along z, with
// the RMS of rms, whichever phone axis gravity was on.
func TestNormalizeUpright(t *testing.T) {
	const n = 16
	for axis := range 3 {
		for _, sign := range []float32{1, -1} {
			w := make([]float32, 3*n)
			for i := range n {
				w[axis*n+i] = sign * (9.8 + 3*float32(math.Sin(2*math.Pi*float64(i)/n)))
			}
			normalizeWindow(w, n, GestureNormUpright)
			var ss float64
			for i, v := range w {
				if i < 2*n && math.Abs(float64(v)) > 1e-5 {
					t.Fatalf("gravity on axis %d, sign %g: horizontal sample %d is %g", axis, sign, i, v)
				}
				ss += float64(v) * float64(v)
			}
			if rms := math.Sqrt(ss / (3 * n)); math.Abs(rms-1) > 1e-5 {
				t.Errorf("gravity on axis %d, sign %g: RMS %g", axis, sign, rms)
			}
			if w[2*n+n/4] <= 0 {
				t.Errorf("gravity on axis %d, sign %g: the upward swing points down: %g", axis, sign, w[2*n+n/4])
			}
		}
	}
}

// TestBodyFrame: gravity becomes +z, a swing along the direction the
// phone faces becomes y and a sideways swing x, for a phone standing
// (portrait or landscape, screen to the user) or lying flat (top forward).
func TestBodyFrame(t *testing.T) {
	const n = 16
	for _, c := range []struct {
		name               string
		up, forward, right [3]float32 // in the phone's axes
	}{
		{"portrait", [3]float32{0, 1, 0}, [3]float32{0, 0, -1}, [3]float32{1, 0, 0}},
		{"landscape", [3]float32{-1, 0, 0}, [3]float32{0, 0, -1}, [3]float32{0, 1, 0}},
		{"flat", [3]float32{0, 0, 1}, [3]float32{0, 1, 0}, [3]float32{1, 0, 0}},
		// The same phones reporting with the other sign: every reading
		// negated, and the same frame found.
		{"flat, negated", [3]float32{0, 0, -1}, [3]float32{0, -1, 0}, [3]float32{-1, 0, 0}},
		{"portrait, negated", [3]float32{0, -1, 0}, [3]float32{0, 0, 1}, [3]float32{-1, 0, 0}},
	} {
		for axis, dir := range [][3]float32{c.right, c.forward, c.up} {
			w := make([]float32, 3*n)
			for i := range n {
				s := 3 * float32(math.Sin(2*math.Pi*float64(i)/n))
				for k := range 3 {
					w[k*n+i] = 9.8*c.up[k] + s*dir[k]
				}
			}
			bodyFrame(w, n)
			for k := range 3 {
				for i := range n {
					want := float32(0)
					if k == 2 {
						want = 9.8
					}
					if k == axis {
						want += 3 * float32(math.Sin(2*math.Pi*float64(i)/n))
					}
					if math.Abs(float64(w[k*n+i]-want)) > 1e-4 {
						t.Fatalf("%s, swing along body axis %d: axis %d, sample %d is %g, want %g", c.name, axis, k, i, w[k*n+i], want)
					}
				}
			}
		}
	}
}
