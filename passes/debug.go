package passes

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// TraceRow is one value of an int8 graph on one input, against the value
// it stands for in the float shadow: what kiln quantize --debug prints.
type TraceRow struct {
	Name string // the value in the int8 graph (X.q for the int8 form of X)
	Op   string
	// Float is the float value's range on the input; Twin is false when
	// the float graph has no value of that name (and Float, MaxErr, SQNR
	// and Steps mean nothing).
	Float Range
	Twin  bool
	// Quant is the int8 graph's value's range, dequantized for an int8
	// value; Compared is false for a value of another type (int32), which
	// has no real-valued reading.
	Quant    Range
	Compared bool
	MaxErr   float64 // max |float - dequantized|
	SQNR     float64 // 10 log10(sum x^2 / sum (x - x')^2), dB; +Inf when equal
	// Step is the value's quantization step (its scale), 0 for a float
	// value; Steps is MaxErr in steps.
	Step, Steps float64
}

// Trace runs the float shadow and the int8 graph, both with the reference
// executor (ir.RunEach), on the same feeds (usually one example), and
// returns a row for every input and computed value of the int8 graph, in
// graph order, matched to its float counterpart by name: X.q stands for
// X, any other name for itself. Parameters and constants have no rows:
// the quantization report (Compare) covers weights.
func Trace(shadow, quant *ir.Graph, feeds map[string]*tensor.Tensor) ([]TraceRow, error) {
	float := map[string]*tensor.Tensor{}
	err := ir.RunEach(shadow, feeds, func(v *ir.Value, t *tensor.Tensor) {
		if v.Type.DType == tensor.F32 && !(v.Op == ir.OpParam || v.Op == ir.OpConst) {
			float[v.Name] = t
		}
	})
	if err != nil {
		return nil, fmt.Errorf("float model: %w", err)
	}
	var rows []TraceRow
	err = ir.RunEach(quant, feeds, func(v *ir.Value, t *tensor.Tensor) {
		if v.Op == ir.OpParam || v.Op == ir.OpConst {
			return
		}
		rows = append(rows, traceRow(v, t, float[strings.TrimSuffix(v.Name, ".q")]))
	})
	if err != nil {
		return nil, fmt.Errorf("int8 model: %w", err)
	}
	return rows, nil
}

// traceRow compares one int8-graph value with its float twin (nil: none).
func traceRow(v *ir.Value, t, twin *tensor.Tensor) TraceRow {
	row := TraceRow{Name: v.Name, Op: v.Op.Name}
	var real []float64
	switch {
	case t.DType == tensor.F32:
		real = make([]float64, len(t.F32))
		for i, x := range t.F32 {
			real[i] = float64(x)
		}
	case t.DType == tensor.I8 && v.Quant != nil && len(v.Quant.Scale) == 1:
		scale, zero := float64(v.Quant.Scale[0]), v.Quant.Zero[0]
		real = make([]float64, len(t.I8))
		for i, q := range t.I8 {
			real[i] = scale * float64(int32(q)-zero)
		}
		row.Step = scale
	default:
		return row
	}
	row.Compared = true
	row.Quant = rangeOf(real)
	if twin == nil || twin.Len() != len(real) {
		return row
	}
	row.Twin = true
	var xx, ee float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, x := range twin.F32 {
		f := float64(x)
		lo, hi = math.Min(lo, f), math.Max(hi, f)
		e := f - real[i]
		xx += f * f
		ee += e * e
		row.MaxErr = math.Max(row.MaxErr, math.Abs(e))
	}
	row.Float = Range{lo, hi}
	row.SQNR = math.Inf(1)
	if ee > 0 {
		row.SQNR = 10 * math.Log10(xx/ee)
	}
	if row.Step > 0 {
		row.Steps = row.MaxErr / row.Step
	}
	return row
}

func rangeOf(xs []float64) Range {
	if len(xs) == 0 {
		return Range{}
	}
	r := Range{math.Inf(1), math.Inf(-1)}
	for _, x := range xs {
		r.Lo, r.Hi = math.Min(r.Lo, x), math.Max(r.Hi, x)
	}
	return r
}

// WriteTrace prints the rows as a table of about 100 columns (names
// longer than 20 characters are shortened in the middle), then the value whose
// SQNR is lowest, and a legend.
func WriteTrace(w io.Writer, rows []TraceRow) {
	table := [][]string{{"value", "op", "float min", "float max", "int8 min", "int8 max", "max err", "steps", "SQNR dB"}}
	worst := -1
	for i, r := range rows {
		cells := []string{shorten(r.Name, 20), shorten(r.Op, 10), "-", "-", "-", "-", "-", "-", "-"}
		if r.Twin {
			cells[2], cells[3] = num(r.Float.Lo), num(r.Float.Hi)
		}
		if r.Compared {
			cells[4], cells[5] = num(r.Quant.Lo), num(r.Quant.Hi)
		}
		if r.Twin && r.Compared {
			cells[6], cells[8] = num(r.MaxErr), fmt.Sprintf("%.1f", r.SQNR)
			if r.Step > 0 {
				cells[7] = fmt.Sprintf("%.2f", r.Steps)
			}
			if worst < 0 || r.SQNR < rows[worst].SQNR {
				worst = i
			}
		}
		table = append(table, cells)
	}
	writeTraceTable(w, table)
	if worst >= 0 && !math.IsInf(rows[worst].SQNR, 1) {
		fmt.Fprintf(w, "\nlowest SQNR: %s (%s), %.1f dB\n", rows[worst].Name, rows[worst].Op, rows[worst].SQNR)
	}
	fmt.Fprint(w, `
legend:
  value, op     the int8 graph's values in order (X.q is X in int8), and the op computing each
  float         the float model's value on this input: its smallest and largest element
  int8          the int8 model's value, dequantized (real = scale * (q - zero))
  max err       the largest |float - int8| over the value's elements
  steps         max err in units of the value's quantization step (its scale): rounding gives
                up to 0.5; more is earlier layers' error, or clipping to the calibrated range
  SQNR dB       10 log10(sum float^2 / sum (float - int8)^2) over the value; 6 dB is one bit
`)
}

func num(x float64) string { return fmt.Sprintf("%.4g", x) }

// shorten keeps s within n characters, eliding its middle.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	half := (n - 1) / 2
	return s[:half] + "~" + s[len(s)-(n-1-half):]
}

// writeTraceTable aligns names and ops left, numbers right.
func writeTraceTable(w io.Writer, rows [][]string) {
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
				b.WriteString(" ")
			}
			pad := strings.Repeat(" ", widths[i]-len(c))
			if i >= 2 {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
