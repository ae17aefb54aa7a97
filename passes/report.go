package passes

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Report says, layer by layer, how much signal quantization lost: each
// int8 value against its float shadow (the same value in the float graph)
// on the calibration data, the ranges chosen, and the ops left in float.
type Report struct {
	Model   string
	Method  string
	Samples int
	Layers  []LayerReport
	Float   []FloatOp
}

// LayerReport is one quantized value's record.
type LayerReport struct {
	Name    string // the float value it stands for
	Op      string // the int8 op computing it
	Range   Range  // the calibrated range
	Scale   float32
	Zero    int32
	SQNR    float64 // signal-to-quantization-noise ratio in dB: 10 log10(sum x^2 / sum (x - x')^2)
	Cosine  float64 // cosine similarity of the float and dequantized int8 activations
	Weights float64 // SQNR of the layer's int8 weights against the float ones, dB (NaN: no weights)
}

// stats accumulates the sums SQNR and cosine need.
type stats struct{ xx, qq, xq, ee float64 }

func (s *stats) add(x []float32, q []int8, scale float32, zero int32) {
	for i, xv := range x {
		f := float64(xv)
		d := float64(scale) * float64(int32(q[i])-zero)
		s.xx += f * f
		s.qq += d * d
		s.xq += f * d
		s.ee += (f - d) * (f - d)
	}
}

func (s *stats) sqnr() float64 {
	if s.ee == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(s.xx/s.ee)
}

func (s *stats) cosine() float64 {
	if s.xx == 0 || s.qq == 0 {
		if s.xx == s.qq {
			return 1
		}
		return 0
	}
	return s.xq / math.Sqrt(s.xx*s.qq)
}

// Compare runs the float shadow (with exec's float32 kernels) and the
// quantized graph (with the reference executor) on data, usually the
// calibration data, and reports every int8 value the quantized graph
// computes against the float value it stands for.
func Compare(shadow, quant *ir.Graph, c *Context, data Batches) (*Report, error) {
	r := &Report{Model: quant.Name, Method: c.Method, Float: c.Float}
	net, err := exec.NewRunner(shadow, exec.NewCtx(false, 0))
	if err != nil {
		return nil, err
	}
	twin := map[*ir.Value]*ir.Value{} // int8 value -> float shadow value
	var order []*ir.Value
	for _, v := range quant.Values {
		if v.IsSource() || v.Type.DType != tensor.I8 || !strings.HasSuffix(v.Name, ".q") {
			continue
		}
		if f := shadow.Lookup(strings.TrimSuffix(v.Name, ".q")); f != nil && f.Type.DType == tensor.F32 {
			twin[v] = f
			order = append(order, v)
		}
	}
	acc := map[*ir.Value]*stats{}
	for _, v := range order {
		acc[v] = &stats{}
	}
	inputs := quant.Inputs()
	err = data.Each(func(in []*tensor.Tensor) error {
		if _, err := net.Forward(in); err != nil {
			return err
		}
		if len(in) > 0 {
			r.Samples += in[0].Shape[0]
		}
		feeds := map[string]*tensor.Tensor{}
		for i, x := range in {
			feeds[inputs[i].Name] = x
		}
		return ir.RunEach(quant, feeds, func(v *ir.Value, t *tensor.Tensor) {
			if s := acc[v]; s != nil {
				s.add(net.Act(twin[v]).F32, t.I8, v.Quant.Scale[0], v.Quant.Zero[0])
			}
		})
	})
	if err != nil {
		return nil, err
	}
	for _, v := range order {
		f := twin[v]
		lr := LayerReport{Name: f.Name, Op: v.Op.Name, Range: c.Ranges[f.Name], Scale: v.Quant.Scale[0], Zero: v.Quant.Zero[0],
			SQNR: acc[v].sqnr(), Cosine: acc[v].cosine(), Weights: math.NaN()}
		if w := weightOf(v); w != nil {
			if fw := shadow.Lookup(strings.TrimSuffix(w.Name, ".q")); fw != nil && fw.Data != nil {
				lr.Weights = weightSQNR(fw.Data, w)
			}
		}
		r.Layers = append(r.Layers, lr)
	}
	return r, nil
}

// weightOf returns the int8 weight (or table) operand of a quantized
// layer, or nil.
func weightOf(v *ir.Value) *ir.Value {
	switch v.Op {
	case ir.OpQDense, ir.OpQConv1D, ir.OpQConv2D, ir.OpQEmbedding, ir.OpQEmbeddingBag:
		return v.Args[1]
	}
	return nil
}

// weightSQNR compares float weights with int8 ones quantized along axis 0.
func weightSQNR(f *tensor.Tensor, q *ir.Value) float64 {
	var s stats
	rows := q.Type.Dims[0]
	per := f.Len() / rows
	for r := 0; r < rows; r++ {
		scale := q.Quant.Scale[0]
		if len(q.Quant.Scale) > 1 {
			scale = q.Quant.Scale[r]
		}
		s.add(f.F32[r*per:(r+1)*per], q.Data.I8[r*per:(r+1)*per], scale, 0)
	}
	return s.sqnr()
}

// Write prints the report as a table.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "quantization report for %s: ranges by %s on %d calibration samples\n\n", r.Model, r.Method, r.Samples)
	rows := [][]string{{"value", "int8 op", "range", "scale", "zero", "SQNR dB", "cosine", "weights dB"}}
	for _, l := range r.Layers {
		wdb := "-"
		if !math.IsNaN(l.Weights) {
			wdb = fmt.Sprintf("%.1f", l.Weights)
		}
		rows = append(rows, []string{l.Name, l.Op, fmt.Sprintf("[%.4g, %.4g]", l.Range.Lo, l.Range.Hi),
			fmt.Sprintf("%.4g", l.Scale), fmt.Sprint(l.Zero), fmt.Sprintf("%.1f", l.SQNR), fmt.Sprintf("%.5f", l.Cosine), wdb})
	}
	writeTable(w, rows)
	if len(r.Float) == 0 {
		fmt.Fprintln(w, "\nevery op runs in int8")
		return
	}
	fmt.Fprintln(w, "\nops left in float:")
	for _, f := range r.Float {
		fmt.Fprintf(w, "  %s (%s): %s\n", f.Value, f.Op, f.Reason)
	}
}

func writeTable(w io.Writer, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			if i >= 3 {
				b.WriteString(strings.Repeat(" ", widths[i]-len(c)) + c)
			} else {
				b.WriteString(c + strings.Repeat(" ", widths[i]-len(c)))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
