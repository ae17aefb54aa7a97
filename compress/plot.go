package compress

import (
	"fmt"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// PlotFormats are the picture formats WritePlot draws.
var PlotFormats = []string{"svg", "png"}

// WritePlot draws a sensitivity analysis as Han et al. draw theirs: the
// model's score against each layer's sparsity, one line per layer, each
// starting at the unpruned model's score at sparsity 0. format is "svg"
// or "png".
func WritePlot(w io.Writer, s *Sensitivity, title, format string) error {
	if format != "svg" && format != "png" {
		return fmt.Errorf("cannot draw a plot as %q: want svg or png", format)
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "sparsity of the layer alone (%)"
	p.Y.Label.Text = s.Metric.Name
	p.X.Min, p.X.Max = 0, 100
	p.Add(plotter.NewGrid())
	p.Legend.Top = !s.Metric.HigherIsBetter // keep the legend off the curves' flat start
	p.Legend.Left = true
	p.Legend.Padding = vg.Millimeter

	for i, l := range s.Layers {
		pts := plotter.XYs{{X: 0, Y: s.Baseline}}
		for j, v := range l.Scores {
			pts = append(pts, plotter.XY{X: 100 * s.Sparsities[j], Y: v})
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("%s: %w", l.Weight, err)
		}
		line.Color = plotutil.Color(i)
		line.Dashes = plotutil.Dashes(i / len(plotutil.SoftColors))
		line.Width = vg.Points(1.5)
		points.Color = line.Color
		points.Shape = plotutil.Shape(i)
		p.Add(line, points)
		p.Legend.Add(fmt.Sprintf("%s (%s)", l.Weight, count(l.Params)), line, points)
	}
	p.Legend.ThumbnailWidth = vg.Points(24)

	const width, height = 6 * vg.Inch, 4 * vg.Inch
	if format == "png" {
		// At 150 dots per inch, sharper than the default 96.
		c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(150))}
		p.Draw(draw.New(c))
		_, err := c.WriteTo(w)
		return err
	}
	wt, err := p.WriterTo(width, height, format)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}

// count writes a number of weights briefly: 2,400, 48k, 1.2M.
func count(n int) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%dk", (n+500)/1000)
	}
	return fmt.Sprint(n)
}
