package train

import (
	"fmt"
	"math/rand/v2"

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
