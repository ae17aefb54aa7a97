package ir

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kiln-nn/kiln/tensor"
)

// Bind gives the graph's parameters their data, by name. Every parameter
// must be given, with its exact dtype and shape; a weight the graph has no
// parameter for is an error too (it usually means a misspelt name), except
// PyTorch's batch-norm step counters (*.num_batches_tracked), which carry
// no weights. Nothing is bound unless everything fits.
func (g *Graph) Bind(weights map[string]*tensor.Tensor) error {
	var problems []string
	params := g.Params()
	have := map[string]bool{}
	for _, p := range params {
		have[p.Name] = true
		w, ok := weights[p.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("missing weight %s %v", p.Name, p.Type))
		case w.Check() != nil:
			problems = append(problems, fmt.Sprintf("weight %s: %v", p.Name, w.Check()))
		case w.DType != p.Type.DType || !tensor.ShapeEqual(w.Shape, p.Type.Dims):
			problems = append(problems, fmt.Sprintf("weight %s is %v, the model needs %v", p.Name, w, p.Type))
		}
	}
	var extra []string
	for name := range weights {
		if !have[name] && !strings.HasSuffix(name, ".num_batches_tracked") {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		problems = append(problems, fmt.Sprintf("weight %s matches no parameter of model %s", name, g.Name))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	for _, p := range params {
		p.Data = weights[p.Name]
		p.Summary = nil
	}
	return nil
}

// Weights returns the parameters' data by name (nil data for unbound ones).
func (g *Graph) Weights() map[string]*tensor.Tensor {
	w := map[string]*tensor.Tensor{}
	for _, p := range g.Params() {
		if p.Data != nil {
			w[p.Name] = p.Data
		}
	}
	return w
}
