package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRunTop: kiln run --top K prints each example's K most probable
// classes, for a .kiln and a .kbc model alike, with class names from
// --labels, and refuses what it cannot do.
func TestRunTop(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	tinyData(t, dir, nil)
	w, kbc := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "tiny.kbc")
	if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := kiln("build", model, "-w", w, "-o", kbc); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	x := filepath.Join(dir, "x.npy")
	// Three gestures, named in sorted order: circle, shake, wave.
	var csv strings.Builder
	csv.WriteString("recording,user,gesture,t,ax,ay,az\n")
	for r, g := range []string{"wave", "circle", "shake", "wave"} {
		for i := range 128 {
			fmt.Fprintf(&csv, "r%d,%d,%s,%d,0,0,0\n", r, 1+6*(r/3), g, i) // the last by user 7: the test part
		}
	}
	gestures := filepath.Join(dir, "g.csv")
	os.WriteFile(gestures, []byte(csv.String()), 0o644)

	line := regexp.MustCompile(`^  \[\d+\] [0-2] \d+\.\d\d%, [0-2] \d+\.\d\d%$`)
	named := regexp.MustCompile(`^  \[\d+\] [0-2] (circle|shake|wave) [<>]?\d+\.\d\d%, [0-2] (circle|shake|wave) [<>]?\d+\.\d\d%$`)
	for _, c := range []struct {
		args []string
		head string
		re   *regexp.Regexp
	}{
		{[]string{model, "-w", w}, "logits: top 2 of 3 classes by probability (its softmax)", line},
		{[]string{kbc}, "logits: top 2 of 3 classes by probability (its softmax)", line},
		{[]string{kbc, "--labels", "gestures:" + gestures}, "logits: top 2 of 3 classes by probability (its softmax), classes named as in gestures:" + gestures, named},
	} {
		args := append([]string{"run"}, c.args...)
		args = append(args, "--input", x, "--top", "2")
		code, stdout, stderr := kiln(args...)
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if code != 0 || lines[0] != c.head || len(lines) != 49 {
			t.Errorf("%v: exit %d, %d lines\n%s%s", args, code, len(lines), stdout, stderr)
			continue
		}
		for _, l := range lines[1:] {
			if !c.re.MatchString(l) {
				t.Errorf("%v: line %q", args, l)
				break
			}
		}
	}
	// The .kiln and the .kbc rank the classes alike on this easy data.
	_, fromKiln, _ := kiln("run", model, "-w", w, "--input", x, "--top", "1")
	_, fromKBC, _ := kiln("run", kbc, "--input", x, "--top", "1")
	if classes := func(s string) string { return regexp.MustCompile(` \d+\.\d\d%`).ReplaceAllString(s, "") }; classes(fromKiln) != classes(fromKBC) {
		t.Errorf("--top 1 differs:\n%s\n%s", fromKiln, fromKBC)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", kbc, "--input", x, "--top", "0"}, "--top must be at least 1, got 0"},
		{[]string{"run", kbc, "--input", x, "--labels", "mnist"}, "--labels names the classes --top prints"},
		{[]string{"run", kbc, "--input", x, "--top", "1", "--labels", "x.npy,y.npy"}, "--labels"},
		{[]string{"run", kbc, "--input", x, "--top", "1", "--labels", filepath.Join(dir, "x.npy") + "," + filepath.Join(dir, "y.npy")}, "does not name its classes"},
	} {
		if code, _, stderr := kiln(c.args...); code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want an error containing %q:\n%s", c.args, code, c.want, stderr)
		}
	}
}

func TestPercent(t *testing.T) {
	for p, want := range map[float64]string{1: "100.00%", 0: "0.00%", 0.5: "50.00%", 0.99999: ">99.99%", 0.99994: "99.99%", 1e-9: "<0.01%", 0.00005: "0.01%"} {
		if got := percent(p); got != want {
			t.Errorf("percent(%g) = %q, want %q", p, got, want)
		}
	}
}

func TestProbabilities(t *testing.T) {
	near := func(a, b []float64) bool {
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-12 {
				return false
			}
		}
		return true
	}
	for _, c := range []struct {
		row    []float32
		isProb bool
		want   []float64
	}{
		{[]float32{0, 0}, false, []float64{0.5, 0.5}},
		{[]float32{1000, 0, 1000}, false, []float64{0.5, 0, 0.5}}, // no overflow
		{[]float32{0.25, 0.75}, true, []float64{0.25, 0.75}},
		{[]float32{0}, false, []float64{0.5, 0.5}}, // a single logit: sigmoid, classes 0 and 1
		{[]float32{0.75}, true, []float64{0.25, 0.75}},
	} {
		p := make([]float64, max(len(c.row), 2))
		probabilities(c.row, c.isProb, p)
		if !near(p, c.want) {
			t.Errorf("probabilities(%v, %v) = %v, want %v", c.row, c.isProb, p, c.want)
		}
	}
}
