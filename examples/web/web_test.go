package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/testbuild"
	"github.com/kiln-nn/kiln/runtime"
)

// gesturesFile is the shared gestures data set, when this machine has it.
const gesturesFile = "../../../shared/data/gestures/handwaving_multiuser.csv.gz"

// TestBrowserReplay loads the page in headless Chromium in fast replay
// mode and checks that the VM compiled to WebAssembly gives, for each
// window, the native VM's output bit for bit. The windows are those of
// the gestures data set's test users where this machine has it (else
// synthetic recordings); the model is the gesture example with seeded
// random weights, or KILN_WEB_MODEL's .kbc. KILN_WEB_WINDOWS sets how
// many windows (default 200; 0: all, and then the page's accuracy must
// equal the native one). A screenshot of the page is left in
// bin/web-replay.png.
func TestBrowserReplay(t *testing.T) {
	chrome := needBrowser(t)
	kbc := testModel(t)
	recs, labels, o, source := testRecordings(t)
	if o.Tempo > 0 {
		// First a phone held still: with tempo, no period shows and
		// there are no windows, for the page as for the data form.
		still := data.GestureRecording{Name: "still", User: 7, Gesture: labels[0]}
		for k := range 3 {
			still.XYZ[k] = make([]float32, data.GestureFirstEnd(o.Window, o.Tempo)+100)
		}
		recs = append([]data.GestureRecording{still}, recs...)
	}
	limit := 200
	if v := os.Getenv("KILN_WEB_WINDOWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("KILN_WEB_WINDOWS=%q: want a count", v)
		}
		limit = n
	}

	// The native VM's outputs for the same windows, cut as the data form
	// cuts them: one ends every data.GestureStride samples.
	m, err := runtime.Load(kbc, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewSession(1)
	if err != nil {
		t.Fatal(err)
	}
	n := m.Inputs()[0].Shape[1]
	type window struct {
		rec, end, label int
		logits          []float32
	}
	var want []window
	correct := 0
	var native []time.Duration
	for r, rec := range recs {
		for end := data.GestureFirstEnd(n, o.Tempo); end <= len(rec.XYZ[0]) && (limit == 0 || len(want) < limit); end += data.GestureStride {
			x := make([]float32, 3*n)
			y := make([]float32, m.Outputs()[0].Shape[0])
			t0 := time.Now()
			ok, err := data.CutGestureWindow(x, [3][]float32{rec.XYZ[0][:end], rec.XYZ[1][:end], rec.XYZ[2][:end]}, n, o.Norm, o.Tempo)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				continue
			}
			if err := s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: y}}); err != nil {
				t.Fatal(err)
			}
			native = append(native, time.Since(t0))
			label := slices.Index(labels, rec.Gesture)
			if argmax(y) == label {
				correct++
			}
			want = append(want, window{r, end, label, y})
		}
	}

	dir := t.TempDir()
	if err := Assemble(dir, kbc, labels, o, recs); err != nil {
		t.Fatal(err)
	}
	if wasm, err := os.ReadFile(filepath.Join(dir, "kiln.wasm")); err == nil {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(wasm)
		zw.Close()
		t.Logf("kiln.wasm: %d bytes, %d gzipped; model.kbc %d bytes", len(wasm), gz.Len(), len(kbc))
	}
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	ctx := browser(t, chrome)
	url := srv.URL + "/?replay=fast&limit=" + strconv.Itoa(len(want))
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("Chromium on %s: %v", url, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.kilnResults !== undefined`, chromedp.WithPollingTimeout(2*time.Minute))); err != nil {
		t.Fatalf("Chromium on %s: the page gave no results: %v", url, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.kilnResults)`))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the plot's last frame
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Error   string
		Windows []struct {
			Recording, End, Label int
			Logits                string
		}
		Accuracy, MedianMs, MeanMs float64
		Violations                 []string
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	if got.Error != "" {
		t.Fatalf("the page: %s", got.Error)
	}
	if len(got.Violations) > 0 {
		t.Errorf("the page reached beyond its server: %q", got.Violations)
	}
	if len(got.Windows) != len(want) {
		t.Fatalf("the page classified %d windows, the native VM %d", len(got.Windows), len(want))
	}
	for i, g := range got.Windows {
		w := want[i]
		if g.Recording != w.rec || g.End != w.end || g.Label != w.label {
			t.Fatalf("window %d: the page's is recording %d to %d (label %d), the native one recording %d to %d (label %d)",
				i, g.Recording, g.End, g.Label, w.rec, w.end, w.label)
		}
		if len(g.Logits) != 8*len(w.logits) {
			t.Fatalf("window %d: logits %q: want %d floats", i, g.Logits, len(w.logits))
		}
		for j, v := range w.logits {
			bits, err := strconv.ParseUint(g.Logits[8*j:8*j+8], 16, 32)
			if err != nil {
				t.Fatalf("window %d: logits %q: %v", i, g.Logits, err)
			}
			if uint32(bits) != math.Float32bits(v) {
				t.Fatalf("window %d (recording %d to %d), output %d: the page %v (%08x), the native VM %v (%08x)",
					i, w.rec, w.end, j, math.Float32frombits(uint32(bits)), bits, v, math.Float32bits(v))
			}
		}
	}
	nativeAcc := float64(correct) / float64(len(want))
	if got.Accuracy != nativeAcc {
		t.Errorf("accuracy: the page %.6f, the native VM %.6f", got.Accuracy, nativeAcc)
	}
	t.Logf("%d windows of %s, equal bit for bit; accuracy %.2f%% in both", len(want), source, 100*nativeAcc)
	t.Logf("a window, normalised and run: %.0f µs in Chromium's wasm (mean; median %.0f at the browser's timer resolution), %.1f µs native (%s kernels), %.1f µs native on the portable kernels (means)",
		1000*got.MeanMs, 1000*got.MedianMs, meanMicros(native), m.Kernels(), nativeMicros(t, kbc, want[0].rec, recs, n, o))
	if path := os.Getenv("KILN_WEB_SCREENSHOT"); path != "" {
		screenshot(t, ctx, srv.URL, path)
	}
	if err := os.MkdirAll("../../bin", 0o755); err == nil {
		if err := os.WriteFile("../../bin/web-replay.png", shot, 0o644); err == nil {
			t.Log("screenshot: bin/web-replay.png")
		}
	}
}

// browser starts headless Chromium for the test and returns its context.
func browser(t *testing.T, chrome string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.WindowSize(800, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel)
	// Start it: a Chromium that cannot run here (a missing library, no
	// sandbox support) is a Chromium that is not available.
	if err := chromedp.Do(ctx); err != nil {
		t.Skipf("Chromium (%s) does not start here: %v", chrome, err)
	}
	return ctx
}

// TestBrowserLive drives the live path: it presses the page's live
// button and sends it a recording's samples as devicemotion events at
// 60 Hz, and the page must resample them, cut windows and classify them
// (the outputs depend on the events' timing, so they are not compared).
func TestBrowserLive(t *testing.T) {
	chrome := needBrowser(t)
	kbc := testModel(t)
	recs, labels, o, _ := testRecordings(t)
	dir := t.TempDir()
	if err := Assemble(dir, kbc, labels, o, recs[:1]); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	ctx := browser(t, chrome)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?live")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById('live').disabled`, chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Fatalf("the live button never came on: %v", err)
	}
	// Enough samples for two windows, and some. They are sent at 60 Hz of
	// the page's clock, a timer tick sending all that are due: a page
	// starved of CPU gets them in bursts, but at the pace they were
	// recorded, so that the motion keeps its period (with tempo, a motion
	// slowed past the period search's range makes no window).
	n := min(len(recs[0].XYZ[0]), data.GestureHistory(o.Window, o.Tempo)+3*data.GestureStride)
	samples, _ := json.Marshal([3][]float32{recs[0].XYZ[0][:n], recs[0].XYZ[1][:n], recs[0].XYZ[2][:n]})
	feed := `(() => {
		document.getElementById('live').click();
		const [x, y, z] = ` + string(samples) + `;
		const t0 = performance.now();
		let i = 0;
		const feed = setInterval(() => {
			const due = Math.min(x.length, 1 + Math.floor((performance.now() - t0) * 60 / 1000));
			for (; i < due; i++) {
				window.dispatchEvent(new DeviceMotionEvent('devicemotion', {accelerationIncludingGravity: {x: x[i], y: y[i], z: z[i]}, interval: 1000 / 60}));
			}
			if (i >= x.length) clearInterval(feed);
		}, 1000 / 60);
		return true;
	})()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](feed)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(window.kilnLiveWindows || 0) >= 2 || window.kilnResults !== undefined`, chromedp.WithPollingTimeout(2*time.Minute))); err != nil {
		t.Fatalf("no windows classified from motion events: %v", err)
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.getElementById('gesture').textContent, document.getElementById('status').textContent, JSON.stringify(window.kilnResults || null)]`))
	if err != nil {
		t.Fatal(err)
	}
	if state[2] != "null" {
		t.Fatalf("the page: %s", state[2])
	}
	if !slices.Contains(labels, state[0]) || !strings.Contains(state[1], "reading this phone's motion") {
		t.Errorf("after motion events the page shows %q, status %q", state[0], state[1])
	}
}

func argmax(y []float32) int {
	best := 0
	for i, v := range y {
		if v > y[best] {
			best = i
		}
	}
	return best
}

// needBrowser returns the Chromium the browser tests drive, skipping the
// test (with the reason) where there is none or no go command to build
// the wasm VM.
func needBrowser(t *testing.T) string {
	chrome := findChromium()
	if chrome == "" {
		t.Skip("no Chromium here (make chromium installs Debian's)")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build the wasm VM")
	}
	return chrome
}

// findChromium returns the path of a Chromium or Chrome, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// testModel is KILN_WEB_MODEL's bytecode, or the gesture example built
// with seeded random weights.
func testModel(t *testing.T) []byte {
	if p := os.Getenv("KILN_WEB_MODEL"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	file := filepath.Join("..", "gesture_cnn.kiln")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r, err := testbuild.Compile(file, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r.Bytecode
}

// exampleOptions are the options of the gesture example's data spec
// (its train block's data = "gestures:FILE?OPTIONS"), with which the
// page must cut windows.
func exampleOptions(t *testing.T) data.GestureOptions {
	src, err := os.ReadFile(filepath.Join("..", "gesture_cnn.kiln"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`data = "(gestures:[^"]*)"`).FindSubmatch(src)
	if m == nil {
		t.Fatal("examples/gesture_cnn.kiln has no gestures data spec")
	}
	_, o, err := data.ParseGestureSpec(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// testRecordings are the test users' recordings of the gestures data set
// where this machine has it, else synthetic ones: seven oscillations of
// a phone held upright, in shapes and rates that differ by gesture, with
// noise; and the options to cut them with, the example's.
func testRecordings(t *testing.T) ([]data.GestureRecording, []string, data.GestureOptions, string) {
	o := exampleOptions(t)
	if _, err := os.Stat(gesturesFile); err == nil {
		recs, labels, err := replayRecordings("gestures:"+gesturesFile, "")
		if err != nil {
			t.Fatal(err)
		}
		return recs, labels, o, "users 7-9 of the gestures data set"
	}
	var recs []data.GestureRecording
	labels := []string{"circles", "concave", "convex", "forward_backwards", "left_right", "tilt", "up_down"}
	rng := rand.New(rand.NewPCG(7, 8))
	for user := int64(7); user <= 9; user++ {
		for g, name := range labels {
			n := 400 + rng.IntN(200)
			var r data.GestureRecording
			r.Name, r.User, r.Gesture = name+strconv.Itoa(int(user)), user, name
			freq := 0.5 + 0.25*float64(g%4) + 0.1*rng.Float64()
			for i := range n {
				ph := 2 * math.Pi * freq * float64(i) / 60
				a := [3]float64{3 * math.Sin(ph+float64(g)), 3 * math.Cos(ph*float64(1+g%2)), 9.8 + 2*math.Sin(ph*float64(g%3))}
				for k := range 3 {
					r.XYZ[k] = append(r.XYZ[k], float32(a[k]+0.3*rng.NormFloat64()))
				}
			}
			recs = append(recs, r)
		}
	}
	return recs, labels, o, "synthetic recordings (the gestures data set is not on this machine)"
}

func meanMicros(ds []time.Duration) float64 {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return float64(sum.Nanoseconds()) / float64(len(ds)) / 1e3
}

// nativeMicros times windows of recording r, normalised and run on the
// portable kernels (what the wasm VM runs), and returns the mean.
func nativeMicros(t *testing.T, kbc []byte, r int, recs []data.GestureRecording, n int, o data.GestureOptions) float64 {
	m, err := runtime.Load(kbc, &runtime.Options{Portable: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewSession(1)
	if err != nil {
		t.Fatal(err)
	}
	x, y := make([]float32, 3*n), make([]float32, m.Outputs()[0].Shape[0])
	xyz := recs[r].XYZ
	var times []time.Duration
	for range 20 {
		for end := data.GestureFirstEnd(n, o.Tempo); end <= len(xyz[0]); end += data.GestureStride {
			t0 := time.Now()
			ok, err := data.CutGestureWindow(x, [3][]float32{xyz[0][:end], xyz[1][:end], xyz[2][:end]}, n, o.Norm, o.Tempo)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				continue
			}
			if err := s.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: y}}); err != nil {
				t.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
	}
	return meanMicros(times)
}

// screenshot replays the recordings in real time and saves a screenshot
// of the page once it shows a window recognised as its recording's
// gesture (or after a minute without one).
func screenshot(t *testing.T, ctx context.Context, url, path string) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/?replay=1")); err != nil {
		t.Fatal(err)
	}
	const recognised = `(() => { const g = document.getElementById('gesture').textContent; return g !== '…' && document.getElementById('prob').textContent.includes('(recorded: ' + g + ')'); })()`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](recognised, chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Logf("no window recognised within a minute of replay: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the real-time replay: %s", path)
}

// TestRunErrors: the command refuses what it cannot serve, saying what.
func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	notKBC := filepath.Join(dir, "x.kbc")
	if err := os.WriteFile(notKBC, []byte("not bytecode"), 0o644); err != nil {
		t.Fatal(err)
	}
	mlp := filepath.Join(dir, "mlp.kbc")
	r, err := testbuild.Compile("mlp.kiln", []byte("model mlp {\n  input x: f32[8]\n  output y = dense(x, 2)\n}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mlp, r.Bytecode, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ model, spec, want string }{
		{"", "gestures:x", "-model and -data are required"},
		{filepath.Join(dir, "none.kbc"), "gestures:x", "no such file"},
		{notKBC, "gestures:x", "x.kbc: "},
		{mlp, "gestures:x", "want one f32 input of three axes"},
		{testModelFile(t), "movielens:x", `want gestures:FILE`},
		{testModelFile(t), "gestures:" + filepath.Join(dir, "none.csv"), "no such file"},
		{testModelFile(t), "gestures:x?tempo=-3", "tempo must be a period of 0 (none) to 1000 samples"},
		{testModelFile(t), "gestures:x?window=64", "input [3, 128], but -data cuts windows of 64 samples"},
	} {
		err := run(c.model, c.spec, "", "", "127.0.0.1:0", false, true)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("-model %s -data %s: %v, want %q", c.model, c.spec, err, c.want)
		}
	}
}

// testModelFile writes testModel's bytecode to a file.
func testModelFile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "gesture.kbc")
	if err := os.WriteFile(p, testModel(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
