package train

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/tensor"
)

// TestShiftBatch checks that every shifted example is its original moved
// by one offset in [-shift, shift]² with a zero border, that the offsets
// vary, that a step draws the same offsets every time, and that integer
// and flat inputs are left alone.
func TestShiftBatch(t *testing.T) {
	const n, c, h, w, shift = 4, 2, 5, 6, 2
	orig := tensor.New(tensor.F32, n, c, h, w)
	for i := range orig.F32 {
		orig.F32[i] = float32(i + 1) // no zeros: a zero in the result is border
	}
	ids := tensor.New(tensor.I32, n, 3)
	flat := tensor.New(tensor.F32, n, 7)
	for i := range flat.F32 {
		flat.F32[i] = 1
	}
	seen := map[[2]int]bool{}
	for step := range 40 {
		img := orig.Clone()
		shiftBatch([]*tensor.Tensor{ids, img, flat}, shift, 9, step)
		again := orig.Clone()
		shiftBatch([]*tensor.Tensor{ids, again, flat}, shift, 9, step)
		for i := range img.F32 {
			if img.F32[i] != again.F32[i] {
				t.Fatalf("step %d: two draws differ at %d", step, i)
			}
		}
		for e := range n {
			off, ok := findShift(orig.F32[e*c*h*w:(e+1)*c*h*w], img.F32[e*c*h*w:(e+1)*c*h*w], c, h, w, shift)
			if !ok {
				t.Fatalf("step %d, example %d: not a translation by at most %d", step, e, shift)
			}
			seen[off] = true
		}
	}
	if len(seen) != (2*shift+1)*(2*shift+1) {
		t.Errorf("offsets drawn: %d of %d", len(seen), (2*shift+1)*(2*shift+1))
	}
	for _, v := range flat.F32 {
		if v != 1 {
			t.Fatal("a flat input was changed")
		}
	}
	if err := checkShift(1, []*tensor.Tensor{ids, flat}); err == nil {
		t.Error("shift accepted for a data set without images")
	}
	if err := checkShift(-1, []*tensor.Tensor{orig}); err == nil {
		t.Error("negative shift accepted")
	}
}

// findShift returns the offset (dy, dx) that makes got orig translated,
// zero-filled, on every channel.
func findShift(orig, got []float32, c, h, w, shift int) ([2]int, bool) {
	for dy := -shift; dy <= shift; dy++ {
	next:
		for dx := -shift; dx <= shift; dx++ {
			for p := range c {
				for y := range h {
					for x := range w {
						want := float32(0)
						if sy, sx := y-dy, x-dx; sy >= 0 && sy < h && sx >= 0 && sx < w {
							want = orig[p*h*w+sy*w+sx]
						}
						if got[p*h*w+y*w+x] != want {
							continue next
						}
					}
				}
			}
			return [2]int{dy, dx}, true
		}
	}
	return [2]int{}, false
}

// axes3 makes n examples of a three-axis signal of length l, [n,3,l],
// with no two samples alike.
func axes3(n, l int, seed uint64) *tensor.Tensor {
	r := rand.New(rand.NewPCG(seed, 3))
	x := tensor.New(tensor.F32, n, 3, l)
	for i := range x.F32 {
		x.F32[i] = float32(r.NormFloat64())
	}
	return x
}

// sample returns sample i of example e of a [N,3,L] tensor.
func sample(x *tensor.Tensor, e, i int) [3]float64 {
	l := x.Shape[2]
	b := e * 3 * l
	return [3]float64{float64(x.F32[b+i]), float64(x.F32[b+l+i]), float64(x.F32[b+2*l+i])}
}

func dot(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

// TestRotation checks Rodrigues' matrix: orthogonal with determinant 1,
// the axis fixed, turned by the angle (trace 1 + 2 cos θ), and a quarter
// turn about z taking x to y.
func TestRotation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		u := randomAxis(r)
		angle := (2*r.Float64() - 1) * math.Pi
		m := Rotation(u, angle)
		for i := range 3 {
			for j := range 3 {
				var s float64
				for k := range 3 {
					s += m[i][k] * m[j][k]
				}
				if want := float64(b2i(i == j)); math.Abs(s-want) > 1e-12 {
					t.Fatalf("R Rᵀ[%d][%d] = %g", i, j, s)
				}
			}
		}
		det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
		if math.Abs(det-1) > 1e-12 {
			t.Fatalf("det = %g", det)
		}
		for i := range 3 {
			if got := dot(m[i], u); math.Abs(got-u[i]) > 1e-12 {
				t.Fatalf("the axis moves: (R u)[%d] = %g, want %g", i, got, u[i])
			}
		}
		if tr := m[0][0] + m[1][1] + m[2][2]; math.Abs(tr-(1+2*math.Cos(angle))) > 1e-12 {
			t.Fatalf("trace %g for angle %g", tr, angle)
		}
	}
	q := Rotation([3]float64{0, 0, 1}, math.Pi/2)
	if math.Abs(q[0][0]) > 1e-15 || math.Abs(q[1][0]-1) > 1e-15 || math.Abs(q[2][0]) > 1e-15 {
		t.Errorf("a quarter turn about z takes x to (%g, %g, %g), want (0, 1, 0)", q[0][0], q[1][0], q[2][0])
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestAugmentRotate: a rotated example keeps every sample's norm and every
// angle between two samples (one rotation per example), moves no sample by
// more than the largest angle, and examples are turned differently; an
// input that is not three-axis, and integer inputs, are left alone.
func TestAugmentRotate(t *testing.T) {
	const n, l, maxDeg = 8, 10, 20.0
	orig := axes3(n, l, 1)
	flat := tensor.New(tensor.F32, n, 4, l) // four channels: not turned
	for i := range flat.F32 {
		flat.F32[i] = float32(i)
	}
	ids := tensor.New(tensor.I32, n, 2)
	var largest float64
	for step := range 20 {
		x, f := orig.Clone(), flat.Clone()
		augmentBatch([]*tensor.Tensor{ids, x, f}, Augment{Rotate: maxDeg}, 7, step)
		for e := range n {
			for i := range l {
				a, b := sample(orig, e, i), sample(x, e, i)
				if na, nb := math.Sqrt(dot(a, a)), math.Sqrt(dot(b, b)); math.Abs(na-nb) > 1e-5*na {
					t.Fatalf("step %d, example %d, sample %d: norm %g became %g", step, e, i, na, nb)
				}
				ang := math.Acos(min(1, dot(a, b)/dot(a, a))) * 180 / math.Pi
				if ang > maxDeg+0.01 {
					t.Fatalf("step %d, example %d, sample %d: turned by %.3f°, more than %g°", step, e, i, ang, maxDeg)
				}
				largest = max(largest, ang)
				for j := range i {
					c, d := sample(orig, e, j), sample(x, e, j)
					if math.Abs(dot(a, c)-dot(b, d)) > 1e-5*(1+math.Abs(dot(a, c))) {
						t.Fatalf("step %d, example %d: samples %d and %d are not turned alike", step, e, i, j)
					}
				}
			}
		}
		if !slices.Equal(f.F32, flat.F32) {
			t.Fatal("a four-channel input was turned")
		}
	}
	if largest < maxDeg/2 {
		t.Errorf("the largest turn over 20 steps is %.2f°, want most of %g°", largest, maxDeg)
	}
}

// TestAugmentDraws: a step draws the same augmentation every time and
// another step a different one; amplitude scales each example by one
// factor in range; jitter adds noise of the asked deviation; and turning
// one augmentation on leaves the others' draws as they were, so that all
// three together are the rotation, then the scaling, then the noise.
func TestAugmentDraws(t *testing.T) {
	const n, l = 6, 200
	orig := axes3(n, l, 2)
	run := func(a Augment, step int) *tensor.Tensor {
		x := orig.Clone()
		augmentBatch([]*tensor.Tensor{x}, a, 11, step)
		return x
	}
	all := Augment{Jitter: 0.1, Amplitude: 0.3, Rotate: 15}
	if a, b := run(all, 4), run(all, 4); !slices.Equal(a.F32, b.F32) {
		t.Error("one step, two draws")
	}
	if a, b := run(all, 4), run(all, 5); slices.Equal(a.F32, b.F32) {
		t.Error("two steps, one draw")
	}
	if a := run(Augment{}, 4); !slices.Equal(a.F32, orig.F32) {
		t.Error("no augmentation changed the batch")
	}

	scaled := run(Augment{Amplitude: 0.3}, 4)
	factors := map[float32]bool{}
	for e := range n {
		f := scaled.F32[e*3*l] / orig.F32[e*3*l]
		if f < 0.7-1e-6 || f > 1.3+1e-6 {
			t.Errorf("example %d scaled by %g, outside [0.7, 1.3]", e, f)
		}
		for i := e * 3 * l; i < (e+1)*3*l; i++ {
			if d := scaled.F32[i] - f*orig.F32[i]; math.Abs(float64(d)) > 1e-5 {
				t.Fatalf("example %d: element %d is not scaled by %g", e, i, f)
			}
		}
		factors[f] = true
	}
	if len(factors) != n {
		t.Errorf("%d examples drew %d factors", n, len(factors))
	}

	noisy := run(Augment{Jitter: 0.1}, 4)
	var sum, ss float64
	for i := range noisy.F32 {
		d := float64(noisy.F32[i] - orig.F32[i])
		sum += d
		ss += d * d
	}
	m := float64(len(noisy.F32))
	if mean, sd := sum/m, math.Sqrt(ss/m-(sum/m)*(sum/m)); math.Abs(mean) > 0.01 || math.Abs(sd-0.1) > 0.01 {
		t.Errorf("jitter 0.1: noise mean %g, deviation %g", mean, sd)
	}

	// Rotation, then the example's factor, then the same noise.
	rot := run(Augment{Rotate: 15}, 4)
	both := run(all, 4)
	for e := range n {
		f := scaled.F32[e*3*l] / orig.F32[e*3*l]
		for i := e * 3 * l; i < (e+1)*3*l; i++ {
			want := rot.F32[i]*f + (noisy.F32[i] - orig.F32[i])
			if math.Abs(float64(both.F32[i]-want)) > 1e-5 {
				t.Fatalf("element %d: all three give %g, the three apart %g", i, both.F32[i], want)
			}
		}
	}
}

// TestAugmentReverse: Reverse runs about half the examples of a
// sequence input backwards, every channel alike, and leaves the rest and
// other inputs as they were; the other augmentations draw what they draw
// without it (rotation and scaling act on each sample alone, so with them
// a reversed example is the reverse of the example they give alone).
func TestAugmentReverse(t *testing.T) {
	const n, l, steps = 8, 10, 20
	orig := axes3(n, l, 4)
	image := tensor.New(tensor.F32, n, 1, 3, l) // not a sequence: left alone
	for i := range image.F32 {
		image.F32[i] = float32(i)
	}
	backwards := 0
	for step := range steps {
		x, im := orig.Clone(), image.Clone()
		augmentBatch([]*tensor.Tensor{x, im}, Augment{Reverse: true}, 5, step)
		if !slices.Equal(im.F32, image.F32) {
			t.Fatal("a four-axis input was reversed")
		}
		turned := orig.Clone()
		augmentBatch([]*tensor.Tensor{turned}, Augment{Rotate: 40, Amplitude: 0.3}, 5, step)
		both := orig.Clone()
		augmentBatch([]*tensor.Tensor{both}, Augment{Rotate: 40, Amplitude: 0.3, Reverse: true}, 5, step)
		for e := range n {
			ex := x.F32[e*3*l : (e+1)*3*l]
			was := orig.F32[e*3*l : (e+1)*3*l]
			rev := slices.Clone(was)
			for c := range 3 {
				slices.Reverse(rev[c*l : (c+1)*l])
			}
			switch {
			case slices.Equal(ex, was):
			case slices.Equal(ex, rev):
				backwards++
				for c := range 3 {
					slices.Reverse(turned.F32[e*3*l+c*l : e*3*l+(c+1)*l])
				}
			default:
				t.Fatalf("step %d, example %d: neither as it was nor reversed: %v", step, e, ex)
			}
			for i := e * 3 * l; i < (e+1)*3*l; i++ {
				if math.Abs(float64(both.F32[i]-turned.F32[i])) > 1e-5 {
					t.Fatalf("step %d, example %d: reversed, turned and scaled %v; turned and scaled, then reversed %v",
						step, e, both.F32[e*3*l:(e+1)*3*l], turned.F32[e*3*l:(e+1)*3*l])
				}
			}
		}
	}
	if backwards < n*steps/2-30 || backwards > n*steps/2+30 {
		t.Errorf("%d of %d examples reversed, want about half", backwards, n*steps)
	}
}

func TestCheckAugment(t *testing.T) {
	x := axes3(2, 4, 1)
	flat := tensor.New(tensor.F32, 2, 5)
	ids := tensor.New(tensor.I32, 2, 3)
	for _, c := range []struct {
		a     Augment
		batch []*tensor.Tensor
		want  string
	}{
		{Augment{Jitter: 0.1, Amplitude: 0.5, Rotate: 180}, []*tensor.Tensor{x}, ""},
		{Augment{Jitter: 0.1}, []*tensor.Tensor{flat}, ""},
		{Augment{Jitter: -1}, []*tensor.Tensor{x}, "jitter must be 0 or more, got -1"},
		{Augment{Jitter: math.NaN()}, []*tensor.Tensor{x}, "jitter must be 0 or more, got NaN"},
		{Augment{Amplitude: 1}, []*tensor.Tensor{x}, "amplitude must be at least 0 and below 1, got 1"},
		{Augment{Rotate: 200}, []*tensor.Tensor{x}, "rotate must be 0 to 180 degrees, got 200"},
		{Augment{Rotate: 10}, []*tensor.Tensor{flat, ids}, "rotate 10: no input of the data set has three axes (float, [N,3,...])"},
		{Augment{Amplitude: 0.1}, []*tensor.Tensor{ids}, "jitter and amplitude: the data set has no float input"},
		{Augment{Reverse: true}, []*tensor.Tensor{x}, ""},
		{Augment{Reverse: true}, []*tensor.Tensor{flat, ids}, "reverse: no input of the data set is a sequence (float, [N,C,T])"},
	} {
		err := checkAugment(c.a, c.batch)
		if (c.want == "") != (err == nil) || err != nil && err.Error() != c.want {
			t.Errorf("%+v: err = %v, want %q", c.a, err, c.want)
		}
	}
}

const axesModel = `model axes {
  input s: f32[3, 8]
  c = conv1d(s, 4, kernel=3, pad=1)
  b = relu(batchnorm(c))
  output logits = dense(dropout(global_avgpool(b), 0.2), 2)
}
`

// TestAugmentResume: a run with every augmentation, stopped in the middle
// of an epoch and resumed from its checkpoint, ends with the weights of the
// run that never stopped, byte for byte; a resume with other augmentation
// settings is refused.
func TestAugmentResume(t *testing.T) {
	x := axes3(64, 8, 3)
	y := tensor.New(tensor.I32, 64)
	for i := range y.I32 {
		y.I32[i] = int32(i % 2)
		for j := range 8 {
			x.F32[i*24+j] += float32(y.I32[i]) // class 1: x raised
		}
	}
	split := &data.Split{Train: &data.Dataset{Name: "axes", Inputs: []data.Named{{T: x}}, Target: y, Task: data.Classification, Classes: 2}}
	cfg := Config{Epochs: 2, Batch: 16, LR: 0.01, Optimizer: "adam", Seed: 3, Augment: Augment{Jitter: 0.05, Amplitude: 0.2, Rotate: 30, Reverse: true}}
	g := compile(t, axesModel)
	if _, err := Train(g, split, cfg); err != nil {
		t.Fatal(err)
	}
	want := weightBytes(t, g)

	var ck *Checkpoint
	c := cfg
	c.Stop = stopAfter(6) // epoch 2, after step 2
	c.Checkpoint = func(k *Checkpoint) error { ck = throughFile(t, k); return nil }
	if _, err := Train(compile(t, axesModel), split, c); !errors.Is(err, ErrStopped) {
		t.Fatalf("err = %v, want ErrStopped", err)
	}
	c = cfg
	c.Resume = ck
	g = compile(t, axesModel)
	if _, err := Train(g, split, c); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(weightBytes(t, g), want) {
		t.Error("resumed weights differ from the run that never stopped")
	}

	c.Augment.Rotate = 10
	if _, err := Train(compile(t, axesModel), split, c); err == nil || !strings.Contains(err.Error(), "rotate: the checkpoint's run has 30, this one 10") {
		t.Errorf("another rotate: err = %v", err)
	}
	c.Augment.Rotate, c.Augment.Reverse = 30, false
	if _, err := Train(compile(t, axesModel), split, c); err == nil || !strings.Contains(err.Error(), "reverse: the checkpoint's run has true, this one none") {
		t.Errorf("without reverse: err = %v", err)
	}
}
