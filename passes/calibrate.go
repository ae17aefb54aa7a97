package passes

import (
	"errors"
	"fmt"
	"io"
	"strings"

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
	// Ranges are ranges given by value name (learned in
	// quantization-aware training): they replace what calibration would
	// choose for those values. With no Data, every value the quantize pass
	// needs a range for must have one here.
	Ranges map[string]Range
}

var calibratePass = &Pass{
	Name:         "calibrate",
	Doc:          "run the float graph on calibration data and record a streaming histogram of every activation",
	Stage:        StageQuantize,
	Required:     "quantization needs the calibrated ranges",
	TakesOptions: true,
	Run: func(c *Context, g *ir.Graph, opt any) (bool, error) {
		calib, _ := opt.(*Calibration)
		if calib != nil && calib.Data == nil && calib.Ranges != nil {
			return false, givenRanges(c, g, calib.Ranges)
		}
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
		for name, r := range calib.Ranges {
			c.Ranges[name] = r.withZero()
		}
		if len(calib.Ranges) > 0 {
			c.Method = "learned, " + c.Method + " for the values without a learned range"
		}
		return false, nil
	},
}

// givenRanges takes every range from ranges, with no data: each float
// input and each value whose int8 result is calibrated must have one.
// The others' int8 parameters do not come from a range of their own (a
// pooling keeps its operand's, a softmax has fixed ones); they get the
// range those parameters cover, which the quantize pass then does not
// use.
func givenRanges(c *Context, g *ir.Graph, ranges map[string]Range) error {
	c.Method = "learned"
	c.Observed = nil
	c.Ranges = map[string]Range{}
	var missing []string
	for _, v := range g.Values {
		l := v.Op.Lower
		if v.Type.DType != tensor.F32 || (v.IsSource() && v.Op != ir.OpInput) {
			continue
		}
		switch {
		case v.Op != ir.OpInput && l != nil && (v.Op.Alias || l.Result == ir.ResultOperand):
			if r, ok := c.Ranges[v.Args[0].Name]; ok {
				c.Ranges[v.Name] = r
			}
		case v.Op != ir.OpInput && l != nil && l.Result == ir.ResultFixed:
			s, z := float64(l.Fixed.Scale[0]), float64(l.Fixed.Zero[0])
			c.Ranges[v.Name] = Range{s * (-128 - z), s * (127 - z)}
		default:
			r, ok := ranges[v.Name]
			if !ok {
				missing = append(missing, v.Name)
				continue
			}
			c.Ranges[v.Name] = r.withZero()
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no range given for %s, and no calibration data: the weights of quantization-aware training hold NAME.qat_min and NAME.qat_max for every value the int8 graph quantizes", strings.Join(missing, ", "))
	}
	return nil
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
