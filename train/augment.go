package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/kiln-nn/kiln/tensor"
)

// shiftSeed separates the shift stream from the shuffle and dropout ones.
const shiftSeed = 0x7368696674

// shiftable lists the inputs Shift translates: float inputs whose examples
// have at least two axes (an image's rows and columns are the last two).
func shiftable(batch []*tensor.Tensor) []int {
	var idx []int
	for i, t := range batch {
		if t.DType == tensor.F32 && len(t.Shape) >= 3 {
			idx = append(idx, i)
		}
	}
	return idx
}

// checkShift says why a data set's inputs cannot be shifted.
func checkShift(shift int, batch []*tensor.Tensor) error {
	if shift < 0 {
		return fmt.Errorf("shift must be 0 or more pixels, got %d", shift)
	}
	if shift > 0 && len(shiftable(batch)) == 0 {
		return fmt.Errorf("shift %d: no input of the data set is an image (float, two axes or more per example)", shift)
	}
	return nil
}

// shiftBatch translates every example of the image inputs by up to shift
// pixels along each of its last two axes (each offset uniform in
// [-shift, shift]), filling the uncovered border with zeros: Hinton et
// al.'s jitter for MNIST. The offsets come from the seed and the step
// alone, so a resumed run draws the ones it would have drawn.
func shiftBatch(batch []*tensor.Tensor, shift int, seed uint64, step int) {
	if shift <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(seed^shiftSeed, uint64(step)))
	idx := shiftable(batch)
	n := batch[idx[0]].Shape[0]
	offsets := make([][2]int, n)
	for e := range offsets {
		offsets[e] = [2]int{rng.IntN(2*shift+1) - shift, rng.IntN(2*shift+1) - shift}
	}
	var scratch []float32
	for _, k := range idx {
		t := batch[k]
		h, w := t.Shape[len(t.Shape)-2], t.Shape[len(t.Shape)-1]
		planes := t.Len() / (n * h * w) // channels per example
		if len(scratch) < h*w {
			scratch = make([]float32, h*w)
		}
		for e := range n {
			dy, dx := offsets[e][0], offsets[e][1]
			if dy == 0 && dx == 0 {
				continue
			}
			for p := range planes {
				plane := t.F32[(e*planes+p)*h*w : (e*planes+p+1)*h*w]
				copy(scratch, plane)
				for y := range h {
					row := plane[y*w : (y+1)*w]
					sy := y - dy
					if sy < 0 || sy >= h {
						clear(row)
						continue
					}
					src := scratch[sy*w : (sy+1)*w]
					for x := range w {
						if sx := x - dx; sx >= 0 && sx < w {
							row[x] = src[sx]
						} else {
							row[x] = 0
						}
					}
				}
			}
		}
	}
}

// Augment holds the signal augmentations: each training example is
// run backwards, rotated, scaled and given noise, in that order, by
// amounts drawn anew for every example of every step. Evaluation sees the
// examples as they are.
type Augment struct {
	// Jitter is the standard deviation of the Gaussian noise added to
	// every element of the float inputs, in the inputs' units.
	Jitter float64
	// Amplitude scales each example of the float inputs by one factor
	// drawn uniformly from [1-Amplitude, 1+Amplitude]; it is below 1.
	Amplitude float64
	// Rotate turns each example of the three-axis inputs (float, three
	// channels first: [N,3,...], such as x, y and z accelerations) by a
	// rotation about a uniformly random axis, by an angle drawn uniformly
	// from [-Rotate, Rotate] degrees: the same rotation matrix applied to
	// every sample, as if the sensor were held turned.
	Rotate float64
	// Reverse runs half the examples of the sequence inputs (float,
	// [N,C,T]: channels of T samples in time, such as x, y and z
	// accelerations) backwards in time, each drawn with probability one
	// half: a gesture whose reverse is a gesture of the same class (a
	// circle drawn the other way, a wave that starts on the other side).
	Reverse bool
}

// On says whether any augmentation is asked for.
func (a Augment) On() bool { return a.Jitter > 0 || a.Amplitude > 0 || a.Rotate > 0 || a.Reverse }

// augmentSeed separates the augmentation stream from the others, and
// reverseSeed Reverse's draws from the other augmentations'.
const (
	augmentSeed = 0x6175676d656e74
	reverseSeed = 0x72657665727365
)

// augmentable lists the float inputs that jitter and amplitude change:
// every float input.
func augmentable(batch []*tensor.Tensor) []int {
	var idx []int
	for i, t := range batch {
		if t.DType == tensor.F32 && len(t.Shape) >= 2 {
			idx = append(idx, i)
		}
	}
	return idx
}

// threeAxis says whether an input is one that Rotate turns.
func threeAxis(t *tensor.Tensor) bool {
	return t.DType == tensor.F32 && len(t.Shape) >= 3 && t.Shape[1] == 3
}

// sequence says whether an input is one that Reverse runs backwards.
func sequence(t *tensor.Tensor) bool {
	return t.DType == tensor.F32 && len(t.Shape) == 3
}

// checkAugment says why a data set's inputs cannot be augmented as asked.
func checkAugment(a Augment, batch []*tensor.Tensor) error {
	switch {
	case !(a.Jitter >= 0) || math.IsInf(a.Jitter, 0):
		return fmt.Errorf("jitter must be 0 or more, got %g", a.Jitter)
	case !(a.Amplitude >= 0 && a.Amplitude < 1):
		return fmt.Errorf("amplitude must be at least 0 and below 1, got %g", a.Amplitude)
	case !(a.Rotate >= 0 && a.Rotate <= 180):
		return fmt.Errorf("rotate must be 0 to 180 degrees, got %g", a.Rotate)
	case (a.Jitter > 0 || a.Amplitude > 0) && len(augmentable(batch)) == 0:
		return errors.New("jitter and amplitude: the data set has no float input")
	case a.Rotate > 0 && !slices.ContainsFunc(batch, threeAxis):
		return fmt.Errorf("rotate %g: no input of the data set has three axes (float, [N,3,...])", a.Rotate)
	case a.Reverse && !slices.ContainsFunc(batch, sequence):
		return errors.New("reverse: no input of the data set is a sequence (float, [N,C,T])")
	}
	return nil
}

// augmentBatch augments the float inputs of a batch in place, as a says.
// Like the shift, the draws come from the seed and the step alone, so a
// resumed run draws the ones it would have drawn.
func augmentBatch(batch []*tensor.Tensor, a Augment, seed uint64, step int) {
	if !a.On() {
		return
	}
	rng := rand.New(rand.NewPCG(seed^augmentSeed, uint64(step)))
	flips := rand.New(rand.NewPCG(seed^reverseSeed, uint64(step)))
	idx := augmentable(batch)
	n := batch[idx[0]].Shape[0]
	for e := range n {
		// Every example draws the same numbers whatever is asked, so
		// turning one augmentation on does not change another's draws.
		scale := float32(1 + a.Amplitude*(2*rng.Float64()-1))
		r := Rotation(randomAxis(rng), a.Rotate*(2*rng.Float64()-1)*math.Pi/180)
		noise := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
		backwards := flips.IntN(2) == 1
		for _, k := range idx {
			t := batch[k]
			x := t.F32[e*t.Len()/n : (e+1)*t.Len()/n]
			if a.Reverse && backwards && sequence(t) {
				steps := t.Shape[2]
				for c := 0; c < len(x); c += steps {
					slices.Reverse(x[c : c+steps])
				}
			}
			if a.Rotate > 0 && threeAxis(t) {
				rotate(x, r)
			}
			if a.Amplitude > 0 {
				for i := range x {
					x[i] *= scale
				}
			}
			if a.Jitter > 0 {
				for i := range x {
					x[i] += float32(a.Jitter * noise.NormFloat64())
				}
			}
		}
	}
}

// randomAxis draws a unit vector uniformly from the sphere.
func randomAxis(rng *rand.Rand) [3]float64 {
	for {
		v := [3]float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		if n := math.Sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2]); n > 1e-9 {
			return [3]float64{v[0] / n, v[1] / n, v[2] / n}
		}
	}
}

// Rotation returns the matrix that turns by angle radians about the unit
// axis u (Rodrigues' formula: I + sin θ K + (1 - cos θ) K², K the cross
// product with u).
func Rotation(u [3]float64, angle float64) [3][3]float64 {
	s, c := math.Sincos(angle)
	k := [3][3]float64{{0, -u[2], u[1]}, {u[2], 0, -u[0]}, {-u[1], u[0], 0}}
	var r [3][3]float64
	for i := range 3 {
		for j := range 3 {
			var k2 float64
			for m := range 3 {
				k2 += k[i][m] * k[m][j]
			}
			r[i][j] = s*k[i][j] + (1-c)*k2
			if i == j {
				r[i][j]++
			}
		}
	}
	return r
}

// rotate applies r to one example of a three-axis input, x its three
// channels of equal length one after the other: every sample's
// (x, y, z) becomes r times it.
func rotate(x []float32, r [3][3]float64) {
	n := len(x) / 3
	cx, cy, cz := x[:n], x[n:2*n], x[2*n:3*n]
	for i := range n {
		v0, v1, v2 := float64(cx[i]), float64(cy[i]), float64(cz[i])
		cx[i] = float32(r[0][0]*v0 + r[0][1]*v1 + r[0][2]*v2)
		cy[i] = float32(r[1][0]*v0 + r[1][1]*v1 + r[1][2]*v2)
		cz[i] = float32(r[2][0]*v0 + r[2][1]*v1 + r[2][2]*v2)
	}
}
