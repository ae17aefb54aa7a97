package data

import (
	"fmt"
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
	s, err := Open("gestures:"+p, "")
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
