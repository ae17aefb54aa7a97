// Package testmodels gives tests models to work on: random weights for any
// graph, and random data sets that fit its inputs.
package testmodels

import (
	"math/rand/v2"
	"strings"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// Randomize gives every parameter data: PyTorch's initialisation, with
// biases, batch-norm statistics and scales drawn so that every op does
// something.
func Randomize(g *ir.Graph, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 1))
	train.Init(g, seed)
	for _, p := range g.Params() {
		for i := range p.Data.F32 {
			switch {
			case strings.HasSuffix(p.Name, ".running_var"):
				p.Data.F32[i] = 0.5 + r.Float32()
			case strings.HasSuffix(p.Name, ".running_mean"), strings.HasSuffix(p.Name, ".bias"):
				p.Data.F32[i] = float32(r.NormFloat64() * 0.3)
			}
		}
		if isBatchNormScale(g, p) {
			for i := range p.Data.F32 {
				p.Data.F32[i] = 0.5 + r.Float32()
			}
		}
	}
}

func isBatchNormScale(g *ir.Graph, p *ir.Value) bool {
	for _, v := range g.Values {
		if v.Op == ir.OpBatchNorm && v.Args[1] == p {
			return true
		}
	}
	return false
}

// Synthetic is a data set of n random examples for g's inputs: floats
// N(0, 1), ids uniform below the vocabulary of the embeddings they feed.
func Synthetic(g *ir.Graph, n int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 2))
	set := &data.Dataset{Name: "synthetic", Target: tensor.New(tensor.F32, n, 1), Task: data.Regression}
	for _, in := range g.Inputs() {
		x := tensor.New(in.Type.DType, in.Type.Shape(n)...)
		for i := range x.F32 {
			x.F32[i] = float32(r.NormFloat64())
		}
		vocab := 1 << 30
		for _, v := range g.Values {
			if (v.Op == ir.OpEmbedding || v.Op == ir.OpEmbeddingBag) && v.Args[0] == in {
				vocab = min(vocab, v.Args[1].Type.Dims[0])
			}
		}
		for i := range x.I32 {
			x.I32[i] = int32(r.IntN(vocab))
		}
		set.Inputs = append(set.Inputs, data.Named{Name: in.Name, T: x})
	}
	return set
}

// Feed feeds g every example of set, in order, batch at a time: the
// calibration data of a test. set must fit g's inputs (Synthetic's do).
func Feed(g *ir.Graph, set *data.Dataset, batch int) *train.Feed {
	f, err := train.NewFeed(g, set, train.Sample(set.Len(), 0, 0), batch)
	if err != nil {
		panic("testmodels: " + err.Error())
	}
	return f
}
