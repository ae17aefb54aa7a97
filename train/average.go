package train

import (
	"fmt"

	"github.com/kiln-nn/kiln/tensor"
)

// average is Polyak averaging of the trained parameters: after every step
// each element's average a becomes d·a + (1-d)·w, w the weight the step
// left, starting from the weights the run starts with. Training steps the
// raw weights; the model a run scores and returns is the average, which
// smooths over the last ~1/(1-d) steps' noise (Polyak and Juditsky 1992;
// as an exponential moving average, the form most trainers use).
type average struct {
	decay float32
	avg   [][]float32 // per trained parameter
	raw   [][]float32 // the raw weights while the average stands in for them
}

// newAverage starts an average of params with the given decay, in (0, 1).
func newAverage(decay float64, params []*tensor.Tensor) (*average, error) {
	a := &average{decay: float32(decay)}
	for _, p := range params {
		if p.DType != tensor.F32 {
			return nil, fmt.Errorf("ema: a trained parameter is %s, not f32", p.DType)
		}
		a.avg = append(a.avg, append([]float32(nil), p.F32...))
		a.raw = append(a.raw, make([]float32, len(p.F32)))
	}
	return a, nil
}

// update folds the weights after a step into the average.
func (a *average) update(params []*tensor.Tensor) {
	d, e := a.decay, 1-a.decay
	for i, p := range params {
		avg := a.avg[i][:len(p.F32)]
		for j, w := range p.F32 {
			avg[j] = d*avg[j] + e*w
		}
	}
}

// swapIn puts the average in place of the raw weights, which it sets
// aside for swapOut.
func (a *average) swapIn(params []*tensor.Tensor) {
	for i, p := range params {
		copy(a.raw[i], p.F32)
		copy(p.F32, a.avg[i])
	}
}

// swapOut puts the raw weights back.
func (a *average) swapOut(params []*tensor.Tensor) {
	for i, p := range params {
		copy(p.F32, a.raw[i])
	}
}
