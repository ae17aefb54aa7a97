// Accelerometer gesture recordings cut into fixed windows.

package data

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/internal/suggest"
	"github.com/kiln-nn/kiln/tensor"
)

// The gesture windows' defaults: GestureWindow consecutive samples, a new
// window every GestureStride samples, within one recording; the spec's
// window= and stride= options change them.
const (
	GestureWindow = 128
	GestureStride = 32
	// GestureLastTrainUser is the last user of the training part: users
	// 1 to 6 train, users 7 and above (7 to 9 in the shipped file) test,
	// unless the spec's test= option names the held-out users.
	GestureLastTrainUser = 6
	// GestureRMSFloor (m/s²) bounds the RMS divisor of norm=rms, upright
	// and body from below, so that a phone held still is not blown up to
	// full-scale noise.
	GestureRMSFloor = 0.5
)

// Gesture window normalisations (the norm= option).
const (
	GestureNormNone    = "none"    // raw m/s²
	GestureNormCenter  = "center"  // each axis minus its mean over the window
	GestureNormRMS     = "rms"     // centred, then divided by the window's RMS over all three axes
	GestureNormUpright = "upright" // turned so that the mean points along +z, then as rms
	GestureNormBody    = "body"    // turned into up, forward, right, then as rms
)

// gestureNorms are the norm= values, in the order messages list them.
var gestureNorms = []string{GestureNormNone, GestureNormCenter, GestureNormRMS, GestureNormUpright, GestureNormBody}

// GestureMaxTempo is the largest period, in samples, tempo= takes.
const GestureMaxTempo = 1000

// GestureOptions are the options of a gestures:FILE?OPTIONS spec.
type GestureOptions struct {
	Window, Stride int
	Norm           string
	Test           []int64 // held-out users; nil: those above GestureLastTrainUser
	Users          []int64 // users read at all; nil: every user
	// Tempo, when above 0, resamples each window so that the motion's
	// period spans Tempo samples (see tempoWindow); windows whose period
	// does not show, or that would run past the recording, are left out.
	Tempo float64
}

// DefaultGestureOptions are the options a bare gestures:FILE spec has.
func DefaultGestureOptions() GestureOptions {
	return GestureOptions{Window: GestureWindow, Stride: GestureStride, Norm: GestureNormBody}
}

// ParseGestureSpec reads a gestures:FILE?OPTIONS spec (its file is not
// opened): the file's path as written and the options, for an
// application that must cut live windows as a model's training did.
func ParseGestureSpec(spec string) (string, GestureOptions, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(spec), "gestures:")
	if !ok {
		return "", GestureOptions{}, fmt.Errorf("data set %q: want gestures:FILE", spec)
	}
	path, opts, _ := strings.Cut(rest, "?")
	path = strings.TrimSpace(path)
	if path == "" {
		return "", GestureOptions{}, fmt.Errorf("data set %q: no file after \"gestures:\"; write gestures:FILE", spec)
	}
	o, err := parseGestureOptions(spec, opts)
	return path, o, err
}

// parseGestureOptions reads the options after a gestures spec's "?":
// KEY=VALUE pairs separated by "&".
func parseGestureOptions(spec, opts string) (GestureOptions, error) {
	o := DefaultGestureOptions()
	err := parseOptions(spec, opts, []string{"window", "stride", "norm", "test", "users", "tempo"}, func(k, v string) error {
		var err error
		switch k {
		case "window", "stride":
			n, perr := strconv.Atoi(v)
			if perr != nil || n < 1 {
				return fmt.Errorf("%s must be a positive number of samples, got %q", k, v)
			}
			if k == "window" {
				o.Window = n
			} else {
				o.Stride = n
			}
		case "norm":
			if !slices.Contains(gestureNorms, v) {
				return fmt.Errorf("norm must be %s, got %q%s", strings.Join(gestureNorms, ", "), v, suggest.DidYouMean(v, gestureNorms))
			}
			o.Norm = v
		case "tempo":
			p, perr := strconv.ParseFloat(v, 64)
			if perr != nil || !(p >= 0 && p <= GestureMaxTempo) {
				return fmt.Errorf("tempo must be a period of 0 (none) to %d samples, got %q", GestureMaxTempo, v)
			}
			o.Tempo = p
		case "test":
			o.Test, err = parseUsers(v)
		case "users":
			o.Users, err = parseUsers(v)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		return nil
	})
	return o, err
}

// parseUsers reads a list of users: numbers and ranges separated by
// commas, "1-3,5".
func parseUsers(v string) ([]int64, error) {
	var users []int64
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		}
		if err1 != nil || err2 != nil || b < a || b-a > 1<<16 {
			return nil, fmt.Errorf("%q is not a user or a range of users such as 1-3", part)
		}
		for u := a; u <= b; u++ {
			if !slices.Contains(users, u) {
				users = append(users, u)
			}
		}
	}
	return users, nil
}

type recording struct {
	name    string
	user    int64
	gesture string
	line    int // first line, for messages
	lastT   int64
	xyz     [3][]float32
}

// GestureRecording is one recording of a gestures file: its user, its
// gesture and its samples (m/s², in time order), axis by axis.
type GestureRecording struct {
	Name    string
	User    int64
	Gesture string
	XYZ     [3][]float32
}

// ReadGestureRecordings reads a gestures file (the CSV of openGestures)
// into its recordings, in the order they first appear; s names the data
// set in messages.
func ReadGestureRecordings(s, path string) ([]GestureRecording, error) {
	recs, err := readRecordings(s, path)
	if err != nil {
		return nil, err
	}
	out := make([]GestureRecording, len(recs))
	for i, r := range recs {
		out[i] = GestureRecording{Name: r.name, User: r.user, Gesture: r.gesture, XYZ: r.xyz}
	}
	return out, nil
}

// GestureHistory is how many of a recording's latest samples
// CutGestureWindow reads, at most, to cut a window of n samples: n without
// tempo; with it, the period search's context or the span of n samples
// at the longest period it finds, whichever is longer.
func GestureHistory(n int, tempo float64) int {
	if tempo <= 0 {
		return n
	}
	return max(GestureTempoContext, int(math.Ceil(float64(n-1)*float64(GestureTempoContext/2+1)/tempo))+1)
}

// GestureFirstEnd is the sample at which a recording's first window of
// n samples ends: where there are n samples without tempo, and with it,
// where the period search has its context.
func GestureFirstEnd(n int, tempo float64) int {
	if tempo > 0 {
		return GestureTempoContext
	}
	return n
}

// CutGestureWindow cuts the window of n samples that ends at the last of
// xyz's samples (three axes of the same length, oldest first),
// resampled to tempo (when above 0, see tempoWindow) and normalised as
// norm says (one of the GestureNorm constants), into w (3n values, axis
// after axis), as the gestures data form cuts its windows: what an
// application must do to live samples before the model sees them. It
// reports false, and no error, where there is no window: too few
// samples, or with tempo, no period showing; a sample it would read that
// is not a finite number is an error.
func CutGestureWindow(w []float32, xyz [3][]float32, n int, norm string, tempo float64) (bool, error) {
	if !slices.Contains(gestureNorms, norm) {
		last := len(gestureNorms) - 1
		return false, fmt.Errorf("gesture normalisation %q: want %s or %s", norm, strings.Join(gestureNorms[:last], ", "), gestureNorms[last])
	}
	if n < 1 || len(w) != 3*n {
		return false, fmt.Errorf("gesture window of %d values: want 3 axes of %d", len(w), n)
	}
	if len(xyz[1]) != len(xyz[0]) || len(xyz[2]) != len(xyz[0]) {
		return false, fmt.Errorf("gesture samples: axes of %d, %d and %d samples, want one length", len(xyz[0]), len(xyz[1]), len(xyz[2]))
	}
	if !(tempo >= 0 && tempo <= GestureMaxTempo) {
		return false, fmt.Errorf("gesture tempo %g: want a period of 0 (none) to %d samples", tempo, GestureMaxTempo)
	}
	// A sensor that reports no value must not become a NaN window: the
	// network would answer it with a class all the same.
	all := len(xyz[0])
	from := all - min(GestureHistory(n, tempo), all)
	for k := range 3 {
		for i, v := range xyz[k][from:] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false, fmt.Errorf("gesture sample %d of %d, axis %c: %g, want a finite acceleration", from+i, all, "xyz"[k], v)
			}
		}
	}
	return gestureWindow(w, xyz, n, norm, tempo), nil
}

// gestureWindow is CutGestureWindow with its arguments known to be valid.
func gestureWindow(w []float32, xyz [3][]float32, n int, norm string, tempo float64) bool {
	if tempo > 0 {
		if !tempoWindow(w, xyz, n, tempo) {
			return false
		}
	} else {
		end := len(xyz[0])
		if end < n {
			return false
		}
		for k := range 3 {
			copy(w[k*n:(k+1)*n], xyz[k][end-n:])
		}
	}
	normalizeWindow(w, n, norm)
	return true
}

// readRecordings reads the recordings of a gestures file.
func readRecordings(s, path string) ([]*recording, error) {
	t, err := openCSVTable(path, "data set "+s)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	col, err := t.columns("recording", "user", "gesture", "t", "ax", "ay", "az")
	if err != nil {
		return nil, err
	}
	cRec, cUser, cGesture, cT := col[0], col[1], col[2], col[3]
	axes := col[4:7]

	var recs []*recording
	byName := map[string]*recording{}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		name := t.field(cRec)
		u, err := t.int(cUser)
		if err != nil {
			return nil, err
		}
		g := t.field(cGesture)
		if g == "" {
			return nil, t.errorf(cGesture, "column gesture is empty")
		}
		ts, err := t.int(cT)
		if err != nil {
			return nil, err
		}
		rec := byName[name]
		if rec == nil {
			rec = &recording{name: name, user: u, gesture: g, line: t.line(0)}
			byName[name] = rec
			recs = append(recs, rec)
		}
		switch {
		case u != rec.user:
			return nil, t.errorf(cUser, "recording %q is by user %d, and by user %d from line %d", name, u, rec.user, rec.line)
		case g != rec.gesture:
			return nil, t.errorf(cGesture, "recording %q is of gesture %q, and of %q from line %d", name, g, rec.gesture, rec.line)
		case len(rec.xyz[0]) > 0 && ts <= rec.lastT:
			return nil, t.errorf(cT, "recording %q: t %d does not follow %d; samples must be in time order", name, ts, rec.lastT)
		}
		rec.lastT = ts
		for k, c := range axes {
			v, err := t.float(c)
			if err != nil {
				return nil, err
			}
			rec.xyz[k] = append(rec.xyz[k], float32(v))
		}
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s holds no examples: no samples after the header", path)
	}
	return recs, nil
}

// openGestures reads a CSV with the columns recording, user, gesture, t, ax,
// ay and az (others, such as take, are ignored), gzipped or not, and cuts
// each recording into windows of o.Window samples every o.Stride samples,
// normalised as o.Norm says: input f32 [N,3,Window] (channels ax, ay, az,
// channels first), label the gesture's index among the sorted gesture
// names. The users o.Test name (by default those above
// GestureLastTrainUser) form the test part, the others the training part;
// users outside o.Users, when given, are left out.
func openGestures(s, path string, o GestureOptions) (*Split, error) {
	recs, err := readRecordings(s, path)
	if err != nil {
		return nil, err
	}

	var names []string
	for _, r := range recs {
		if !slices.Contains(names, r.gesture) {
			names = append(names, r.gesture)
		}
	}
	slices.Sort(names)

	inFile := map[int64]bool{}
	for _, r := range recs {
		inFile[r.user] = true
	}
	for _, list := range [][]int64{o.Users, o.Test} {
		for _, u := range list {
			if !inFile[u] {
				return nil, fmt.Errorf("data set %q: %s has no recording by user %d", s, path, u)
			}
		}
	}
	for _, u := range o.Test {
		if o.Users != nil && !slices.Contains(o.Users, u) {
			return nil, fmt.Errorf("data set %q: test user %d is not among the users read", s, u)
		}
	}
	isTest := func(u int64) bool {
		if o.Test == nil {
			return u > GestureLastTrainUser
		}
		return slices.Contains(o.Test, u)
	}

	build := func(test bool, part string) *Dataset {
		var x []float32
		var y []int32
		for _, r := range recs {
			if o.Users != nil && !slices.Contains(o.Users, r.user) || isTest(r.user) != test {
				continue
			}
			label := int32(slices.Index(names, r.gesture))
			// Windows end every o.Stride samples from the first sample
			// that ends one.
			for end := GestureFirstEnd(o.Window, o.Tempo); end <= len(r.xyz[0]); end += o.Stride {
				w := len(x)
				x = append(x, make([]float32, 3*o.Window)...)
				if !gestureWindow(x[w:], [3][]float32{r.xyz[0][:end], r.xyz[1][:end], r.xyz[2][:end]}, o.Window, o.Norm, o.Tempo) {
					x = x[:w]
					continue
				}
				y = append(y, label)
			}
		}
		return &Dataset{
			Name:    s + " (" + part + ")",
			Inputs:  []Named{{Name: "", T: tensor.FromF32(x, len(y), 3, o.Window)}},
			Target:  tensor.FromI32(y, len(y)),
			Task:    Classification,
			Classes: len(names),
			Labels:  names,
		}
	}
	return &Split{Train: build(false, "train"), Test: build(true, "test")}, nil
}

// normalizeWindow normalises one window, three axes of n samples each, in
// place. center removes each axis' mean: the gravity vector, which says
// how the phone is held rather than how it moves. rms then divides all
// three axes by one number, the centred window's root mean square over
// the axes (at least GestureRMSFloor), so that a user's vigour does not
// matter and a rotation of the phone stays a rotation of the input.
func normalizeWindow(w []float32, n int, norm string) {
	if norm == GestureNormNone {
		return
	}
	if norm == GestureNormUpright {
		upright(w, n)
	}
	if norm == GestureNormBody {
		bodyFrame(w, n)
	}
	var ss float64
	for k := range 3 {
		axis := w[k*n : (k+1)*n]
		var sum float64
		for _, v := range axis {
			sum += float64(v)
		}
		mean := sum / float64(n)
		for i, v := range axis {
			d := float64(v) - mean
			axis[i] = float32(d)
			ss += d * d
		}
	}
	if norm == GestureNormCenter {
		return
	}
	scale := 1 / max(math.Sqrt(ss/float64(3*n)), GestureRMSFloor)
	for i, v := range w {
		w[i] = float32(float64(v) * scale)
	}
}

// upright turns a window so that its mean vector points along +z, by the
// smallest rotation that does.
func upright(w []float32, n int) {
	var m [3]float64
	for k := range 3 {
		for _, v := range w[k*n : (k+1)*n] {
			m[k] += float64(v)
		}
	}
	norm := math.Sqrt(m[0]*m[0] + m[1]*m[1] + m[2]*m[2])
	if norm == 0 {
		return
	}
	g := [3]float64{m[0] / norm, m[1] / norm, m[2] / norm}
	// axis g x z = (g1, -g0, 0), sin = |axis|, cos = g2.
	ax, ay := g[1], -g[0]
	s := math.Hypot(ax, ay)
	c := g[2]
	var r [3][3]float64
	if s < 1e-9 {
		if c > 0 {
			return
		}
		r = [3][3]float64{{1, 0, 0}, {0, -1, 0}, {0, 0, -1}}
	} else {
		ux, uy := ax/s, ay/s
		// Rodrigues with u = (ux, uy, 0).
		r = [3][3]float64{
			{c + ux*ux*(1-c), ux * uy * (1 - c), uy * s},
			{uy * ux * (1 - c), c + uy*uy*(1-c), -ux * s},
			{-uy * s, ux * s, c},
		}
	}
	cx, cy, cz := w[:n], w[n:2*n], w[2*n:3*n]
	for i := range n {
		v0, v1, v2 := float64(cx[i]), float64(cy[i]), float64(cz[i])
		cx[i] = float32(r[0][0]*v0 + r[0][1]*v1 + r[0][2]*v2)
		cy[i] = float32(r[1][0]*v0 + r[1][1]*v1 + r[1][2]*v2)
		cz[i] = float32(r[2][0]*v0 + r[2][1]*v1 + r[2][2]*v2)
	}
}

// bodyFrame turns a window into the frame of the user holding the phone:
// z up (the window's mean, gravity), y forward, x to the right. Forward is
// where the phone's back faces (away from its screen, which faces the
// user) when the phone stands, and where its top points when it lies
// flat; in between, the two horizontal directions are blended by how far
// the phone stands. Phones (or their browsers) report acceleration with
// one of two signs (lying face up, +9.8 m/s² along z or -9.8): a window
// whose mean points out of the phone's back and bottom (y + z < 0), as a
// phone held screen up or to the user would give with the second
// convention, is negated first.
func bodyFrame(w []float32, n int) {
	var m [3]float64
	for k := range 3 {
		for _, v := range w[k*n : (k+1)*n] {
			m[k] += float64(v)
		}
	}
	if m[1]+m[2] < 0 {
		for i := range w {
			w[i] = -w[i]
		}
		m = [3]float64{-m[0], -m[1], -m[2]}
	}
	norm := math.Sqrt(m[0]*m[0] + m[1]*m[1] + m[2]*m[2])
	if norm == 0 {
		return
	}
	up := [3]float64{m[0] / norm, m[1] / norm, m[2] / norm}
	// horiz is v's part across up, made unit length (zero if none).
	horiz := func(v [3]float64) [3]float64 {
		d := v[0]*up[0] + v[1]*up[1] + v[2]*up[2]
		h := [3]float64{v[0] - d*up[0], v[1] - d*up[1], v[2] - d*up[2]}
		l := math.Sqrt(h[0]*h[0] + h[1]*h[1] + h[2]*h[2])
		if l < 1e-9 {
			return [3]float64{}
		}
		return [3]float64{h[0] / l, h[1] / l, h[2] / l}
	}
	back, top := horiz([3]float64{0, 0, -1}), horiz([3]float64{0, 1, 0})
	stand := 1 - up[2]*up[2] // 0 lying flat, 1 standing
	var fwd [3]float64
	for k := range 3 {
		fwd[k] = stand*back[k] + (1-stand)*top[k]
	}
	l := math.Sqrt(fwd[0]*fwd[0] + fwd[1]*fwd[1] + fwd[2]*fwd[2])
	if l < 1e-6 {
		fwd = horiz([3]float64{1, 0, 0})
		l = 1
	}
	fwd = [3]float64{fwd[0] / l, fwd[1] / l, fwd[2] / l}
	right := [3]float64{fwd[1]*up[2] - fwd[2]*up[1], fwd[2]*up[0] - fwd[0]*up[2], fwd[0]*up[1] - fwd[1]*up[0]}
	r := [3][3]float64{right, fwd, up}
	cx, cy, cz := w[:n], w[n:2*n], w[2*n:3*n]
	for i := range n {
		v0, v1, v2 := float64(cx[i]), float64(cy[i]), float64(cz[i])
		cx[i] = float32(r[0][0]*v0 + r[0][1]*v1 + r[0][2]*v2)
		cy[i] = float32(r[1][0]*v0 + r[1][1]*v1 + r[1][2]*v2)
		cz[i] = float32(r[2][0]*v0 + r[2][1]*v1 + r[2][2]*v2)
	}
}
