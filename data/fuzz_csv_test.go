package data

import (
	"os"
	"path/filepath"
	"testing"
)

// gestureFuzzOptions are the gestures: options FuzzOpenCSV tries, by a
// fuzzed index: small windows, so that short inputs make windows.
var gestureFuzzOptions = []string{"", "?window=8&stride=1&norm=none", "?window=16&stride=4&tempo=8", "?window=4&stride=2&norm=upright&test=1-3"}

// FuzzOpenCSV: no CSV file, however malformed, makes a text data form
// panic, and what one returns passes its own check.
func FuzzOpenCSV(f *testing.F) {
	ml := "movieId,title,year,genres,userId,rating,timestamp\n" +
		"1,A,1990,Drama|Comedy,1,4,10\n2,\"B, the\",NA,Drama,1,2.5,11\n1,A,1990,Drama|Comedy,2,5,12\n" +
		"2,\"B, the\",NA,Drama,2,3,13\n3,C,2001,(no genres listed),2,4,14\n3,C,2001,,1,1,15\n"
	f.Add([]byte(ml), uint8(0))
	f.Add([]byte(gestureCSV([]struct {
		name, gesture string
		user, n       int
	}{{"circles/1a", "circles", 1, 40}, {"tilt/7a", "tilt", 7, 30}})), uint8(1))
	f.Add([]byte("a,b,label\n1,2,0\n3,4,1\n"), uint8(0))
	f.Add([]byte("target,x\n1.5,2\n,3\nNaN,4\n"), uint8(0))
	f.Add([]byte("recording,user,take,gesture,t,ax,ay,az\nr,1,a,up,0,1,2,3\nr,1,a,up,1,1e38,2,-3e38\n"), uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, opt uint8) {
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, spec := range []string{
			p, "movielens:" + p, "ratings:" + p, "content:" + p, "autorec:" + p, "watches:" + p,
			"gestures:" + p + gestureFuzzOptions[int(opt)%len(gestureFuzzOptions)],
		} {
			s, err := Open(spec, "")
			if err != nil {
				continue
			}
			for _, d := range []*Dataset{s.Train, s.Test} {
				if d == nil {
					continue
				}
				if err := d.Check(); err != nil {
					t.Fatalf("%s: Open returned a set that fails its check: %v", spec, err)
				}
			}
		}
	})
}
