package data

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// oscillation is three axes of n samples of a motion with the given
// period: a sine on x, a cosine on y and a second harmonic on z (as an
// arc swung back and forth gives), over gravity on z.
func oscillation(n int, period float64) [3][]float32 {
	var xyz [3][]float32
	for i := range n {
		a := 2 * math.Pi * float64(i) / period
		xyz[0] = append(xyz[0], float32(3*math.Sin(a)))
		xyz[1] = append(xyz[1], float32(2*math.Cos(a)))
		xyz[2] = append(xyz[2], float32(9.8+1.5*math.Sin(2*a)))
	}
	return xyz
}

func TestMotionPeriod(t *testing.T) {
	for _, period := range []float64{17.5, 40, 63.2, 101.7, 150} {
		p, ok := motionPeriod(oscillation(GestureTempoContext, period), GestureMinPeriod, GestureTempoContext/2)
		if !ok || math.Abs(p-period) > 0.02*period {
			t.Errorf("period %g: got %g, %v", period, p, ok)
		}
	}
	// A strong second harmonic (an arc whose vertical motion goes up at
	// both ends): the lag of half the period correlates well (0.8), the
	// whole period better (1); the period is the whole one.
	var arc [3][]float32
	for i := range GestureTempoContext {
		a := 2 * math.Pi * float64(i) / 70
		arc[0] = append(arc[0], float32(math.Sin(a)))
		arc[1] = append(arc[1], 0)
		arc[2] = append(arc[2], float32(9.8+3*math.Sin(2*a)))
	}
	if p, ok := motionPeriod(arc, GestureMinPeriod, GestureTempoContext/2); !ok || math.Abs(p-70) > 1.4 {
		t.Errorf("an arc of period 70: got %g, %v", p, ok)
	}
	// A phone held still, or a period past the search range, shows none.
	still := [3][]float32{make([]float32, 300), make([]float32, 300), make([]float32, 300)}
	if p, ok := motionPeriod(still, GestureMinPeriod, 150); ok {
		t.Errorf("still: period %g", p)
	}
	if p, ok := motionPeriod(oscillation(GestureTempoContext, 400), GestureMinPeriod, GestureTempoContext/2); ok {
		t.Errorf("period 400 in %d samples: got %g", GestureTempoContext, p)
	}
}

func TestTempoWindow(t *testing.T) {
	const n, target = 64, 20.0
	for _, period := range []float64{25, 48, 90} {
		xyz := oscillation(GestureTempoContext+100, period)
		w := make([]float32, 3*n)
		if !tempoWindow(w, xyz, n, target) {
			t.Fatalf("period %g: no window", period)
		}
		// The window is the same motion at the target period, ending at
		// the last sample.
		end := len(xyz[0]) - 1
		for j := range n {
			a := 2 * math.Pi * (float64(end)/period - float64(n-1-j)/target)
			want := [3]float64{3 * math.Sin(a), 2 * math.Cos(a), 9.8 + 1.5*math.Sin(2*a)}
			for k := range 3 {
				// Linear interpolation of a sampled sine: within a few
				// percent of its amplitude.
				if got := float64(w[k*n+j]); math.Abs(got-want[k]) > 0.1 {
					t.Fatalf("period %g, axis %d, sample %d: %g, want %g", period, k, j, got, want[k])
				}
			}
		}
		if w[n-1] != xyz[0][end] || w[3*n-1] != xyz[2][end] {
			t.Errorf("period %g: the window ends at %g, %g, not at the last sample %g, %g", period, w[n-1], w[3*n-1], xyz[0][end], xyz[2][end])
		}
	}
	// Too few samples: for the context, and for the resampled span
	// (63 steps of 150/20 samples).
	w := make([]float32, 3*n)
	if tempoWindow(w, oscillation(GestureTempoContext-1, 40), n, target) {
		t.Error("a window from fewer samples than the context")
	}
	if tempoWindow(w, oscillation(GestureTempoContext+100, 150), n, target) {
		t.Error("a window whose span runs past the first sample")
	}
}

func TestGesturesTempo(t *testing.T) {
	// Two recordings of one motion at periods 30 and 60: at tempo=30 the
	// windows of both are the same motion at period 30.
	var b strings.Builder
	b.WriteString("recording,user,take,gesture,t,ax,ay,az\n")
	for r, period := range []float64{30, 60} {
		xyz := oscillation(GestureTempoContext+64, period)
		for i := range xyz[0] {
			fmt.Fprintf(&b, "r%d,%d,a,up,%d,%g,%g,%g\n", r, r+1, i, xyz[0][i], xyz[1][i], xyz[2][i])
		}
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "g.csv"), []byte(b.String()))
	s, err := Open("gestures:g.csv?norm=none&window=32&stride=32&tempo=30&test=2", dir)
	if err != nil {
		t.Fatal(err)
	}
	// Windows end at samples 320, 352 and 384 of each recording.
	if s.Train.Target.Shape[0] != 3 || s.Test.Target.Shape[0] != 3 {
		t.Fatalf("%d and %d windows, want 3 and 3", s.Train.Target.Shape[0], s.Test.Target.Shape[0])
	}
	// The first windows end at sample 319: sample j of the one at period
	// 30 (step 1) is at phase (319-(31-j))/30, of the one at period 60
	// (step 2) at (319-2(31-j))/60.
	a, c := s.Train.Inputs[0].T.F32, s.Test.Inputs[0].T.F32
	for j := range 32 {
		wantA := 3 * math.Sin(2*math.Pi*float64(319-(31-j))/30)
		wantC := 3 * math.Sin(2*math.Pi*float64(319-2*(31-j))/60)
		if math.Abs(float64(a[j])-wantA) > 0.1 || math.Abs(float64(c[j])-wantC) > 0.1 {
			t.Fatalf("sample %d: period 30 %g (want %g), period 60 %g (want %g)", j, a[j], wantA, c[j], wantC)
		}
	}
	for _, bad := range []string{"tempo=x", "tempo=-1", "tempo=2000"} {
		if _, err := Open("gestures:g.csv?"+bad, dir); err == nil || !strings.Contains(err.Error(), "tempo must be a period of 0 (none) to 1000 samples") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestCutGestureWindow(t *testing.T) {
	const n, tempo = 128, 32.0
	h := GestureHistory(n, tempo)
	if want := 1 + int(math.Ceil(127*161/tempo)); h != want {
		t.Fatalf("GestureHistory(128, 32) = %d, want %d", h, want)
	}
	if GestureHistory(n, 0) != n {
		t.Errorf("GestureHistory without tempo = %d, want %d", GestureHistory(n, 0), n)
	}
	// A window reads no more than GestureHistory samples: cut from the
	// latest h samples of a long recording, it is the one cut from all of
	// it, even at the longest period the search finds.
	for _, period := range []float64{30, 100, 158} {
		long := oscillation(h+500, period)
		var latest [3][]float32
		for k := range 3 {
			latest[k] = long[k][len(long[k])-h:]
		}
		a, b := make([]float32, 3*n), make([]float32, 3*n)
		okA, errA := CutGestureWindow(a, long, n, GestureNormBody, tempo)
		okB, errB := CutGestureWindow(b, latest, n, GestureNormBody, tempo)
		if !okA || !okB || errA != nil || errB != nil {
			t.Fatalf("period %g: %v %v %v %v", period, okA, okB, errA, errB)
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("period %g: value %d is %g from the whole recording, %g from its latest %d samples", period, i, a[i], b[i], h)
			}
		}
	}
	// Without tempo the window is the latest n samples, normalised.
	xyz := oscillation(n+7, 40)
	w := make([]float32, 3*n)
	if ok, err := CutGestureWindow(w, xyz, n, GestureNormNone, 0); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if w[0] != xyz[0][7] || w[3*n-1] != xyz[2][n+6] {
		t.Errorf("window from %g to %g, want %g to %g", w[0], w[3*n-1], xyz[0][7], xyz[2][n+6])
	}
	// A sample it does not read may be anything.
	if ok, err := CutGestureWindow(w, [3][]float32{withAt(xyz[0], 6, float32(math.NaN())), xyz[1], xyz[2]}, n, GestureNormNone, 0); !ok || err != nil {
		t.Errorf("a NaN before the window: %v %v, want the window", ok, err)
	}
	if ok, err := CutGestureWindow(w, oscillation(n-1, 40), n, GestureNormNone, 0); ok || err != nil {
		t.Errorf("%d samples: %v %v, want no window and no error", n-1, ok, err)
	}
	for _, c := range []struct {
		w     []float32
		xyz   [3][]float32
		norm  string
		tempo float64
		want  string
	}{
		{w, xyz, "bodyy", 0, `gesture normalisation "bodyy": want none, center, rms, upright or body`},
		{w[1:], xyz, "body", 0, "gesture window of 383 values: want 3 axes of 128"},
		{w, [3][]float32{xyz[0], xyz[1][1:], xyz[2]}, "body", 0, "gesture samples: axes of 135, 134 and 135 samples, want one length"},
		{w, xyz, "body", -1, "gesture tempo -1: want a period of 0 (none) to 1000 samples"},
		{w, xyz, "body", math.NaN(), "gesture tempo NaN: want a period of 0 (none) to 1000 samples"},
		{w, [3][]float32{xyz[0], withAt(xyz[1], 134, float32(math.NaN())), xyz[2]}, "body", 0, "gesture sample 134 of 135, axis y: NaN, want a finite acceleration"},
		{w, [3][]float32{xyz[0], xyz[1], withAt(xyz[2], 7, float32(math.Inf(-1)))}, "none", 0, "gesture sample 7 of 135, axis z: -Inf, want a finite acceleration"},
	} {
		if _, err := CutGestureWindow(c.w, c.xyz, n, c.norm, c.tempo); err == nil || err.Error() != c.want {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// withAt is a copy of s with s[i] = v.
func withAt(s []float32, i int, v float32) []float32 {
	c := slices.Clone(s)
	c[i] = v
	return c
}

func TestParseGestureSpec(t *testing.T) {
	path, o, err := ParseGestureSpec(" gestures:d/g.csv.gz?norm=rms&tempo=32&stride=8")
	if err != nil || path != "d/g.csv.gz" || o.Norm != GestureNormRMS || o.Tempo != 32 || o.Stride != 8 || o.Window != GestureWindow {
		t.Errorf("%q %+v %v", path, o, err)
	}
	if _, o, err = ParseGestureSpec("gestures:g.csv"); err != nil || o.Norm != GestureNormBody || o.Tempo != 0 {
		t.Errorf("defaults: %+v %v", o, err)
	}
	for spec, want := range map[string]string{
		"movielens:g.csv":          `data set "movielens:g.csv": want gestures:FILE`,
		"gestures: ?tempo=3":       `data set "gestures: ?tempo=3": no file after "gestures:"; write gestures:FILE`,
		"gestures:g.csv?tempo=ten": `tempo must be a period of 0 (none) to 1000 samples, got "ten"`,
	} {
		if _, _, err := ParseGestureSpec(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", spec, err, want)
		}
	}
}

// BenchmarkCutGestureWindow: one window of 128 samples, from a motion of
// period 50, as the gesture example cuts it (tempo 32) and without tempo.
func BenchmarkCutGestureWindow(b *testing.B) {
	xyz := oscillation(GestureHistory(128, 32), 50)
	w := make([]float32, 3*128)
	for _, tempo := range []float64{0, 32} {
		b.Run(fmt.Sprintf("tempo=%g", tempo), func(b *testing.B) {
			for b.Loop() {
				if ok, err := CutGestureWindow(w, xyz, 128, GestureNormBody, tempo); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}
