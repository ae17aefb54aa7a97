package exec

import (
	"math"

	"github.com/kiln-nn/kiln/internal/blas"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// The kernels of the parameterised layers: dense, conv1d, conv2d,
// embedding_bag and batchnorm (embedding's lookup is its reference
// semantics).

// denseForward computes Y = X W^T + b as one matrix product over all rows.
func denseForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	x, w, y := in[0].F32, in[1].F32, out.F32
	units, k := in[1].Shape[0], in[1].Shape[1]
	rows := len(y) / units
	blas.SgemmParallel(c.Workers, false, true, rows, units, k, 1, x, k, w, k, 0, y, units)
	if len(in) == 3 {
		b := in[2].F32
		for r := 0; r < rows; r++ {
			AddInto(y[r*units:(r+1)*units], b)
		}
	}
	ir.ApplyAct(v.Attrs.String("act"), y)
	return nil
}

// embeddingBagForward sums each list's rows straight into its output row
// in float32 (row by row, so each row's columns are read contiguously),
// then scales by 1/count for the mean.
func embeddingBagForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	vocab, dim := in[1].Shape[0], in[1].Shape[1]
	ids, w, y := in[0].I32, in[1].F32, out.F32
	pad := int32(v.Attrs.Int("pad"))
	if err := ir.CheckBagIDs(v.Name, ids, int32(vocab), pad); err != nil {
		return err
	}
	l := BagLen(v)
	mean := v.Attrs.String("mode") != "sum"
	clear(y)
	for b := range len(ids) / l {
		dst := y[b*dim : (b+1)*dim]
		count := 0
		for _, id := range ids[b*l : (b+1)*l] {
			if id != pad {
				count++
				AddInto(dst, w[int(id)*dim:(int(id)+1)*dim])
			}
		}
		if mean && count > 1 {
			inv := 1 / float32(count)
			for d := range dst {
				dst[d] *= inv
			}
		}
	}
	return nil
}

// BagLen is the length of an embedding bag's id lists (its ids' last
// dimension).
func BagLen(v *ir.Value) int {
	t := v.Args[0].Type
	return t.Dims[t.Rank()-1]
}

// ConvState is what a convolution keeps between steps: im2col buffers
// (per worker at inference; per sample in training, where the backward
// pass reuses them) and, for the backward pass, per-sample
// weight-gradient partials.
type ConvState struct {
	Cols     [][]float32
	Batch    []float32 // training: every sample's patches, [n][groups][kk*p]
	Partials []float32
}

// ColBuffers returns one im2col buffer of n elements per worker.
func (st *ConvState) ColBuffers(workers, n int) [][]float32 {
	if len(st.Cols) < workers {
		st.Cols = append(st.Cols, make([][]float32, workers-len(st.Cols))...)
	}
	for w := range st.Cols[:workers] {
		st.Cols[w] = Grow(st.Cols[w], n)
	}
	return st.Cols
}

// convForward is im2col and one matrix product per sample and group,
// samples split across workers. In training the patches are kept for the
// backward pass.
func convForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	g := ir.ConvGeometry(v.Args[0].Type, v.Args[1].Type, v.Attrs)
	x, w, y := in[0].F32, in[1].F32, out.F32
	n := in[0].Shape[0]
	kk := g.CinPerG * g.KH * g.KW
	p := g.OH * g.OW
	st := StateOf[ConvState](c, v)
	var cols [][]float32
	if c.Training {
		st.Batch = Grow(st.Batch, n*g.G*kk*p)
	} else {
		cols = st.ColBuffers(c.WorkersFor(n), kk*p)
	}
	c.Parallel(n, func(wk, lo, hi int) {
		for b := lo; b < hi; b++ {
			xb := x[b*g.C*g.H*g.W:]
			yb := y[b*g.F*p : (b+1)*g.F*p]
			for grp := 0; grp < g.G; grp++ {
				var col []float32
				if c.Training {
					col = st.Batch[(b*g.G+grp)*kk*p : (b*g.G+grp+1)*kk*p]
				} else {
					col = cols[wk]
				}
				Im2col(&g, xb, grp, col)
				blas.Sgemm(false, false, g.FPerG, p, kk, 1, w[grp*g.FPerG*kk:], kk, col, p, 0, yb[grp*g.FPerG*p:], p)
			}
			if len(in) == 3 {
				for f, bias := range in[2].F32 {
					for i := range yb[f*p : (f+1)*p] {
						yb[f*p+i] += bias
					}
				}
			}
			ir.ApplyAct(v.Attrs.String("act"), yb)
		}
	})
	return nil
}

// BatchNormState keeps the per-channel mean and 1/std the forward pass
// normalised with.
type BatchNormState struct {
	Mean, InvStd []float32
}

// batchNormForward normalises with the batch's statistics in training
// (updating the running ones as PyTorch does: biased variance to
// normalise, unbiased variance into running_var) and with the running
// statistics at inference.
func batchNormForward(c *Ctx, v *ir.Value, in []*tensor.Tensor, out *tensor.Tensor) error {
	x := in[0].F32
	ch := v.Args[0].Type.Dims[0]
	inner := v.Args[0].Type.Elems() / ch
	n := len(x) / (ch * inner)
	eps := v.Attrs.Float("eps")
	st := StateOf[BatchNormState](c, v)
	st.Mean, st.InvStd = Grow(st.Mean, ch), Grow(st.InvStd, ch)
	gamma, beta, rmean, rvar := in[1].F32, in[2].F32, in[3].F32, in[4].F32
	frozen := v.Attrs.Bool("frozen")
	for k := 0; k < ch; k++ {
		if !c.Training || frozen {
			st.Mean[k] = rmean[k]
			st.InvStd[k] = float32(1 / math.Sqrt(float64(rvar[k])+eps))
			continue
		}
		sum, sq := 0.0, 0.0
		for b := 0; b < n; b++ {
			for _, xv := range x[(b*ch+k)*inner : (b*ch+k+1)*inner] {
				sum += float64(xv)
				sq += float64(xv) * float64(xv)
			}
		}
		cnt := float64(n * inner)
		mean := sum / cnt
		variance := max(sq/cnt-mean*mean, 0)
		st.Mean[k] = float32(mean)
		st.InvStd[k] = float32(1 / math.Sqrt(variance+eps))
		m := float32(v.Attrs.Float("momentum"))
		unbiased := variance
		if cnt > 1 {
			unbiased = variance * cnt / (cnt - 1)
		}
		rmean[k] = (1-m)*rmean[k] + m*float32(mean)
		rvar[k] = (1-m)*rvar[k] + m*float32(unbiased)
	}
	y := out.F32
	for b := 0; b < n; b++ {
		for k := 0; k < ch; k++ {
			scale := gamma[k] * st.InvStd[k]
			shift := beta[k] - st.Mean[k]*scale
			o := (b*ch + k) * inner
			for i, xv := range x[o : o+inner] {
				y[o+i] = xv*scale + shift
			}
		}
	}
	return nil
}
