package passes

import (
	"errors"
	"fmt"
	"io"

	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Context is what passes share in one run: what earlier passes found.
// (Each pass's settings are its options, Config.Options.)
type Context struct {
	// Observed holds, after the calibrate pass, a histogram of every float
	// value the graph computes (and of its float inputs), by value name.
	Observed map[string]*Histogram
	// Ranges holds the quantization range chosen for each observed value.
	Ranges map[string]Range
	// Method names how calibration chose the ranges, for the report.
	Method string
	// Float lists, after the quantize pass, the ops it left in float.
	Float []FloatOp
	Log   io.Writer
}

// Batches feeds a graph's inputs a batch at a time: Each calls fn with
// one tensor per graph input, in the graph's order, batch dimension first,
// and stops at fn's first error. Which examples, in what batches, is the
// caller's choice (train.NewFeed makes one from a data set).
type Batches interface {
	Each(fn func(inputs []*tensor.Tensor) error) error
}

// Calibration is the calibrate pass's options: how to find activation
// ranges, and on what data.
type Calibration struct {
	Data       Batches
	Method     string  // "minmax", "percentile", "mse" or "entropy"
	Percentile float64 // for "percentile": the fraction kept, e.g. 0.9999
}

var calibratePass = &Pass{
	Name:         "calibrate",
	Doc:          "run the float graph on calibration data and record a streaming histogram of every activation",
	Stage:        StageQuantize,
	Required:     "quantization needs the calibrated ranges",
	TakesOptions: true,
	Run: func(c *Context, g *ir.Graph, opt any) (bool, error) {
		calib, _ := opt.(*Calibration)
		if calib == nil || calib.Data == nil {
			return false, errors.New("no calibration data (give --calibrate SET)")
		}
		c.Method = calib.Method
		if calib.Method == "percentile" {
			c.Method = fmt.Sprintf("percentile %g%%", 100*calib.Percentile)
		}
		switch calib.Method {
		case "minmax", "percentile", "mse", "entropy":
		default:
			return false, fmt.Errorf("unknown calibration method %q (want minmax, percentile, mse or entropy)", calib.Method)
		}
		obs, err := Observe(g, calib.Data)
		if err != nil {
			return false, err
		}
		c.Observed = obs
		c.Ranges = map[string]Range{}
		for name, h := range obs {
			c.Ranges[name] = h.Choose(calib.Method, calib.Percentile)
		}
		return false, nil
	},
}

// Observe runs a float graph on data with exec's float32 kernels and
// returns a histogram of every float input and computed value. Memory is
// the histograms and one batch's activations, whatever the number of
// examples.
func Observe(g *ir.Graph, data Batches) (map[string]*Histogram, error) {
	net, err := exec.NewRunner(g, exec.NewCtx(false, 0))
	if err != nil {
		return nil, err
	}
	obs := map[string]*Histogram{}
	for _, v := range g.Values {
		if v.Type.DType == tensor.F32 && (v.Op == ir.OpInput || !v.IsSource()) {
			obs[v.Name] = &Histogram{}
		}
	}
	err = data.Each(func(in []*tensor.Tensor) error {
		if _, err := net.Forward(in); err != nil {
			return err
		}
		for _, v := range g.Values {
			if h := obs[v.Name]; h != nil {
				h.Add(net.Act(v).F32)
			}
		}
		return nil
	})
	return obs, err
}
