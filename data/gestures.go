// Accelerometer gesture recordings cut into fixed windows.

package data

import (
	"fmt"
	"slices"

	"github.com/kiln-nn/kiln/tensor"
)

// The gesture windows: GestureWindow consecutive samples, a new window
// every GestureStride samples, within one recording.
const (
	GestureWindow = 128
	GestureStride = 32
	// GestureLastTrainUser is the last user of the training part: users
	// 1 to 6 train, users 7 and above (7 to 9 in the shipped file) test.
	GestureLastTrainUser = 6
)

type recording struct {
	name    string
	user    int64
	gesture string
	line    int // first line, for messages
	lastT   int64
	xyz     [3][]float32
}

// openGestures reads a CSV with the columns recording, user, gesture, t, ax,
// ay and az (others, such as take, are ignored), gzipped or not, and cuts
// each recording into windows: input f32 [N,3,128] (channels ax, ay, az,
// channels first), label the gesture's index among the sorted gesture
// names. Users 1-6 form the training part, users 7 and above the test part.
func openGestures(s, path string) (*Split, error) {
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

	var names []string
	for _, r := range recs {
		if !slices.Contains(names, r.gesture) {
			names = append(names, r.gesture)
		}
	}
	slices.Sort(names)

	build := func(test bool, part string) *Dataset {
		var x []float32
		var y []int32
		for _, r := range recs {
			if (r.user > GestureLastTrainUser) != test {
				continue
			}
			label := int32(slices.Index(names, r.gesture))
			n := len(r.xyz[0])
			for start := 0; start+GestureWindow <= n; start += GestureStride {
				for k := range 3 {
					x = append(x, r.xyz[k][start:start+GestureWindow]...)
				}
				y = append(y, label)
			}
		}
		return &Dataset{
			Name:    s + " (" + part + ")",
			Inputs:  []Named{{Name: "", T: tensor.FromF32(x, len(y), 3, GestureWindow)}},
			Target:  tensor.FromI32(y, len(y)),
			Task:    Classification,
			Classes: len(names),
			Labels:  names,
		}
	}
	return &Split{Train: build(false, "train"), Test: build(true, "test")}, nil
}
