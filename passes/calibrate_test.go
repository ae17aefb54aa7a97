package passes

import (
	"errors"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/tensor"
)

// batches is the simplest Batches: a fixed list of batches.
type batches [][]*tensor.Tensor

func (b batches) Each(fn func([]*tensor.Tensor) error) error {
	for _, in := range b {
		if err := fn(in); err != nil {
			return err
		}
	}
	return nil
}

// failing feeds one batch, then fails.
type failing struct{ first []*tensor.Tensor }

var errFeed = errors.New("the feed broke")

func (f failing) Each(fn func([]*tensor.Tensor) error) error {
	if err := fn(f.first); err != nil {
		return err
	}
	return errFeed
}

// TestCalibrateTakesBatches calibrates from batches of any origin and any
// sizes, and passes on what goes wrong with them.
func TestCalibrateTakesBatches(t *testing.T) {
	g := compile(t, "model m {\n  input x: f32[2]\n  output y = relu(dense(x, 3))\n}\n")
	randomize(g, 1)
	x := func(vals ...float32) *tensor.Tensor {
		t := tensor.New(tensor.F32, len(vals)/2, 2)
		copy(t.F32, vals)
		return t
	}
	data := batches{{x(1, -2, 3, 4)}, {x(-5, 0.5)}}
	obs, err := Observe(g, data)
	if err != nil {
		t.Fatal(err)
	}
	if h := obs["x"]; h.N != 6 || h.Min != -5 || h.Max != 4 {
		t.Errorf("histogram of x: %v values in [%g, %g], want 6 in [-5, 4]", h.N, h.Min, h.Max)
	}
	if _, err := Observe(g, failing{[]*tensor.Tensor{x(1, 2)}}); err != errFeed {
		t.Errorf("a failing feed: got %v", err)
	}
	if _, err := Observe(g, batches{{x(1, 2), x(3, 4)}}); err == nil || !strings.Contains(err.Error(), "takes 1 inputs, got 2") {
		t.Errorf("a batch with too many inputs: got %v", err)
	}
	c := &Context{}
	err = Run(g, c, []string{"calibrate"}, Config{Options: map[string]any{"calibrate": &Calibration{Method: "minmax"}}})
	if err == nil || !strings.Contains(err.Error(), "no calibration data") {
		t.Errorf("calibration without data: got %v", err)
	}
	err = Run(g, c, []string{"calibrate"}, Config{Options: map[string]any{"calibrate": &Calibration{Data: data, Method: "minmax"}}})
	if err != nil || c.Ranges["x"] != (Range{Lo: -5, Hi: 4}) {
		t.Errorf("calibration: range of x %v (error %v), want [-5, 4]", c.Ranges["x"], err)
	}
}
