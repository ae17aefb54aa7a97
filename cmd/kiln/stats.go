package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/ir"
)

func runStats(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln, Q.kir or MODEL.kbc")
	if err != nil {
		return err
	}
	f := flags(fs)
	format := f.String("format")
	if err := f.Err(); err != nil {
		return err
	}
	if format != "table" && format != "csv" {
		return usagef("--format must be table or csv, got %q", format)
	}
	kind, err := modelKind("stats", path)
	if err != nil {
		return err
	}
	var g *ir.Graph
	switch kind {
	case kindKBC:
		return runStatsKBC(e, path, format)
	case kindKIR:
		if g, err = loadKIR(e, path, false); err != nil {
			return err
		}
	default:
		prog, err := loadProgram(e, path)
		if err != nil {
			return err
		}
		g = prog.Graph
	}
	st := g.Stats()
	if format == "csv" {
		fmt.Fprintln(e.stdout, "value,op,type,params,macc,weight_bytes,activation_bytes")
		for _, o := range st.Ops {
			fmt.Fprintf(e.stdout, "%s,%s,%s,%d,%d,%d,%d\n", o.Value.Name, o.Value.Op.Name, csvQuote(o.Value.Type.String()), o.Params, o.MACC, o.WeightBytes, o.ActBytes)
		}
		t := st.Total
		fmt.Fprintf(e.stdout, "total,,,%d,%d,%d,%d\n", t.Params, t.MACC, t.WeightBytes, t.ActBytes)
		return nil
	}
	fmt.Fprintf(e.stdout, "model %s: %s parameters, %s MACC per sample\n\n", g.Name, ir.Thousands(st.Total.Params), ir.Thousands(st.Total.MACC))
	rows := [][]string{{"value", "op", "shape", "params", "MACC", "weight bytes", "activation bytes"}}
	for _, o := range st.Ops {
		rows = append(rows, []string{o.Value.Name, o.Value.Op.Name, o.Value.Type.String(),
			ir.Thousands(o.Params), ir.Thousands(o.MACC), ir.Thousands(o.WeightBytes), ir.Thousands(o.ActBytes)})
	}
	t := st.Total
	rows = append(rows, []string{"total", "", "", ir.Thousands(t.Params), ir.Thousands(t.MACC), ir.Thousands(t.WeightBytes), ir.Thousands(t.ActBytes)})
	writeTable(e.stdout, rows, 3)
	fmt.Fprintln(e.stdout, "\nMACC and activation bytes are per sample; activation bytes include the inputs in the total.")
	return nil
}

// writeTable prints rows as aligned columns, the columns from firstNum on
// aligned right (numbers).
func writeTable(w io.Writer, rows [][]string, firstNum int) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i >= firstNum {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// runStatsKBC is kiln stats on a bytecode file: a row per instruction.
func runStatsKBC(e *env, path, format string) error {
	f, err := readKBC(path)
	if err != nil {
		return err
	}
	rows := statsKBC(f)
	var total kbcStats
	for _, r := range rows {
		total.params += r.params
		total.macc += r.macc
		total.wbytes += r.wbytes
		total.act += r.act
	}
	if format == "csv" {
		fmt.Fprintln(e.stdout, "value,op,type,params,macc,weight_bytes,activation_bytes")
		for _, r := range rows {
			fmt.Fprintf(e.stdout, "%s,%s,%s,%d,%d,%d,%d\n", r.value, r.op, csvQuote(r.shape), r.params, r.macc, r.wbytes, r.act)
		}
		fmt.Fprintf(e.stdout, "total,,,%d,%d,%d,%d\n", total.params, total.macc, total.wbytes, total.act)
		return nil
	}
	fmt.Fprintf(e.stdout, "model %s (bytecode): %s constant elements, %s MACC per sample, arena %s bytes per sample\n\n",
		f.Name, ir.Thousands(total.params), ir.Thousands(total.macc), ir.Thousands(int64(f.Arena)))
	table := [][]string{{"value", "op", "shape", "params", "MACC", "weight bytes", "activation bytes"}}
	for _, r := range rows {
		table = append(table, []string{r.value, r.op, r.shape, ir.Thousands(r.params), ir.Thousands(r.macc), ir.Thousands(r.wbytes), ir.Thousands(r.act)})
	}
	table = append(table, []string{"total", "", "", ir.Thousands(total.params), ir.Thousands(total.macc), ir.Thousands(total.wbytes), ir.Thousands(total.act)})
	writeTable(e.stdout, table, 3)
	fmt.Fprintln(e.stdout, "\nparams are the constant elements each instruction reads (weights, biases, per-channel multipliers); MACC and activation bytes are per sample.")
	return nil
}
