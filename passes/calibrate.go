package passes

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
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

// Calibration is the calibrate pass's options: how to find activation
// ranges, and on what data.
type Calibration struct {
	Set        *data.Dataset
	Samples    int     // examples to use (a seeded random subset); 0 for all
	Method     string  // "minmax", "percentile" or "mse"
	Percentile float64 // for "percentile": the fraction kept, e.g. 0.9999
	Batch      int
	Seed       uint64
}

// Indices returns the examples calibration uses: a random subset of
// Samples examples (all of them, in order, if Samples is 0 or more than
// the set holds), drawn with the seed so that builds are reproducible.
func (c *Calibration) Indices() []int {
	n := c.Set.Len()
	if c.Samples <= 0 || c.Samples >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	r := rand.New(rand.NewPCG(c.Seed, 0x63616c69))
	idx := r.Perm(n)[:c.Samples]
	return idx
}

var calibratePass = &Pass{
	Name:         "calibrate",
	Doc:          "run the float graph on calibration data and record a streaming histogram of every activation",
	Stage:        StageQuantize,
	Required:     "quantization needs the calibrated ranges",
	TakesOptions: true,
	Run: func(c *Context, g *ir.Graph, opt any) (bool, error) {
		calib, _ := opt.(*Calibration)
		if calib == nil || calib.Set == nil {
			return false, errors.New("no calibration data (give --calibrate SET)")
		}
		c.Method = calib.Method
		if calib.Method == "percentile" {
			c.Method = fmt.Sprintf("percentile %g%%", 100*calib.Percentile)
		}
		switch calib.Method {
		case "minmax", "percentile", "mse":
		default:
			return false, fmt.Errorf("unknown calibration method %q (want minmax, percentile or mse)", calib.Method)
		}
		obs, err := Observe(g, calib.Set, calib.Indices(), max(calib.Batch, 1))
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

// Observe runs a float graph on the examples idx of set with exec's
// float32 kernels and returns a
// histogram of every float input and computed value. Memory is the
// histograms and one batch's activations, whatever the number of
// examples.
func Observe(g *ir.Graph, set *data.Dataset, idx []int, batch int) (map[string]*Histogram, error) {
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
	err = train.Inputs(g, set, idx, batch, func(in []*tensor.Tensor) error {
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
