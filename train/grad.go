package train

import (
	"github.com/kiln-nn/kiln/exec"
	"github.com/kiln-nn/kiln/internal/blas"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"math"
)

// Gradient is an op's gradient rule: given dout, the gradient of the loss
// with respect to the result out, it adds the gradient with respect to
// each operand i into din[i] (nil for an operand that needs none). It runs
// after the op's exec kernel on the same operands, in the same Ctx, and
// reads what that kernel saved there.
type Gradient func(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor)

// GradientOf returns op's gradient rule, or nil if op does not train.
func GradientOf(op *ir.Op) Gradient { return gradients[op] }

// gradients is the gradient table: one row per op with an exec kernel.
var gradients = map[*ir.Op]Gradient{
	ir.OpDense:        denseBackward,
	ir.OpConv1D:       convBackward,
	ir.OpConv2D:       convBackward,
	ir.OpEmbedding:    embeddingBackward,
	ir.OpEmbeddingBag: embeddingBagBackward,
	ir.OpScoreItems:   denseBackward, // a dense layer without bias
	ir.OpBatchNorm:    batchNormBackward,

	ir.OpAdd:         binaryBackward("+"),
	ir.OpSub:         binaryBackward("-"),
	ir.OpMul:         binaryBackward("*"),
	ir.OpRelu:        unaryBackward(reluGrad),
	ir.OpRelu6:       unaryBackward(relu6Grad),
	ir.OpSigmoid:     unaryBackward(sigmoidGrad),
	ir.OpHardSigmoid: unaryBackward(hardSigmoidGrad),
	ir.OpHardSwish:   unaryBackward(hardSwishGrad),
	ir.OpTanh:        unaryBackward(tanhGrad),
	ir.OpSoftmax:     softmaxBackward,
	ir.OpLogSoftmax:  logSoftmaxBackward,

	ir.OpMaxPool:       poolBackward(true),
	ir.OpAvgPool:       poolBackward(false),
	ir.OpGlobalAvgPool: globalAvgPoolBackward,

	ir.OpSum:           reduceBackward(false),
	ir.OpMean:          reduceBackward(true),
	ir.OpFM:            fmBackward,
	ir.OpBiInteraction: biInteractionBackward,

	ir.OpFlatten:   copyBackward,
	ir.OpReshape:   copyBackward,
	ir.OpConcat:    concatBackward,
	ir.OpTranspose: transposeBackward,
	ir.OpDropout:   dropoutBackward,

	ir.OpFakeQuantWeight: fakeQuantWeightBackward,
	ir.OpFakeQuant:       fakeQuantBackward,
	ir.OpBNFoldWeight:    bnFoldWeightBackward,
	ir.OpBNFoldShift:     bnFoldShiftBackward,
}

// actGrad returns dout masked by the derivative of the fused activation,
// read from the results (a copy; dout itself is left alone).
func actGrad(act string, out, dout *tensor.Tensor) *tensor.Tensor {
	if act == "" || act == "none" {
		return dout
	}
	g := tensor.New(tensor.F32, dout.Shape...)
	for i, y := range out.F32 {
		if y > 0 && (act == "relu" || y < 6) {
			g.F32[i] = dout.F32[i]
		}
	}
	return g
}

// denseBackward: dX += dY W, dW += dY^T X, db += the column sums of dY.
func denseBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	x, w, dy := in[0].F32, in[1].F32, actGrad(v.Attrs.String("act"), out, dout).F32
	units, k := in[1].Shape[0], in[1].Shape[1]
	rows := len(dy) / units
	if din[0] != nil {
		blas.SgemmParallel(c.Workers, false, false, rows, k, units, 1, dy, units, w, k, 1, din[0].F32, k)
	}
	if din[1] != nil {
		blas.SgemmParallel(c.Workers, true, false, units, k, rows, 1, dy, units, x, k, 1, din[1].F32, k)
	}
	if len(din) == 3 && din[2] != nil {
		db := din[2].F32
		for r := 0; r < rows; r++ {
			exec.AddInto(db, dy[r*units:(r+1)*units])
		}
	}
}

// convBackward: per sample, dX += col2im(W^T dY) and a weight-gradient
// partial dY col^T; the partials are then summed in sample order, so the
// result does not depend on how samples were split across workers. In
// training the forward kernel kept every sample's patches; otherwise they
// are laid out again.
func convBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	g := ir.ConvGeometry(v.Args[0].Type, v.Args[1].Type, v.Attrs)
	x, w, dy := in[0].F32, in[1].F32, actGrad(v.Attrs.String("act"), out, dout).F32
	n := in[0].Shape[0]
	kk := g.CinPerG * g.KH * g.KW
	p := g.OH * g.OW
	wlen := len(w)
	st := exec.StateOf[exec.ConvState](c, v)
	saved := c.Training && len(st.Batch) == n*g.G*kk*p
	cols := st.ColBuffers(c.WorkersFor(n), kk*p)
	var dcols [][]float32
	if din[0] != nil {
		dcols = make([][]float32, c.WorkersFor(n))
		for i := range dcols {
			dcols[i] = make([]float32, kk*p)
		}
	}
	if din[1] != nil {
		st.Partials = exec.Grow(st.Partials, n*wlen)
	}
	c.Parallel(n, func(wk, lo, hi int) {
		for b := lo; b < hi; b++ {
			xb := x[b*g.C*g.H*g.W:]
			dyb := dy[b*g.F*p:]
			for grp := 0; grp < g.G; grp++ {
				wg := w[grp*g.FPerG*kk:]
				dyg := dyb[grp*g.FPerG*p:]
				if din[1] != nil {
					col := cols[wk]
					if saved {
						col = st.Batch[(b*g.G+grp)*kk*p : (b*g.G+grp+1)*kk*p]
					} else {
						exec.Im2col(&g, xb, grp, col)
					}
					part := st.Partials[b*wlen+grp*g.FPerG*kk:]
					blas.Sgemm(false, true, g.FPerG, kk, p, 1, dyg, p, col, p, 0, part, kk)
				}
				if din[0] != nil {
					dcol := dcols[wk]
					blas.Sgemm(true, false, kk, p, g.FPerG, 1, wg, kk, dyg, p, 0, dcol, p)
					exec.Col2im(&g, dcol, grp, din[0].F32[b*g.C*g.H*g.W:])
				}
			}
		}
	})
	if din[1] != nil {
		dw := din[1].F32
		c.Parallel(wlen, func(_, lo, hi int) {
			for b := 0; b < n; b++ {
				exec.AddInto(dw[lo:hi], st.Partials[b*wlen+lo:b*wlen+hi])
			}
		})
	}
	if len(din) == 3 && din[2] != nil {
		db := din[2].F32
		for b := 0; b < n; b++ {
			for f := range db {
				s := float32(0)
				for _, d := range dy[(b*g.F+f)*p : (b*g.F+f+1)*p] {
					s += d
				}
				db[f] += s
			}
		}
	}
}

// embeddingBackward adds each id's output gradient into its table row.
func embeddingBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[1] == nil {
		return // ids take no gradient
	}
	dim := in[1].Shape[1]
	dw := din[1].F32
	for i, id := range in[0].I32 {
		exec.AddInto(dw[int(id)*dim:(int(id)+1)*dim], dout.F32[i*dim:(i+1)*dim])
	}
}

// embeddingBagBackward adds each list's output gradient (divided by the
// list's count for the mean) into the row of each of its ids that is not
// pad: a repeated id takes it once per occurrence.
func embeddingBagBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[1] == nil {
		return // ids take no gradient
	}
	dim := in[1].Shape[1]
	dw, dy := din[1].F32, dout.F32
	ids, l := in[0].I32, exec.BagLen(v)
	pad, mean := int32(v.Attrs.Int("pad")), v.Attrs.String("mode") != "sum"
	g := make([]float32, dim)
	for b := range len(ids) / l {
		list := ids[b*l : (b+1)*l]
		count := 0
		for _, id := range list {
			if id != pad {
				count++
			}
		}
		if count == 0 {
			continue
		}
		copy(g, dy[b*dim:(b+1)*dim])
		if mean {
			inv := 1 / float32(count)
			for d := range g {
				g[d] *= inv
			}
		}
		for _, id := range list {
			if id != pad {
				exec.AddInto(dw[int(id)*dim:(int(id)+1)*dim], g)
			}
		}
	}
}

// batchNormBackward differentiates through the batch's statistics in
// training, through the running ones (constants) at inference.
func batchNormBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	x, dy := in[0].F32, dout.F32
	ch := v.Args[0].Type.Dims[0]
	inner := v.Args[0].Type.Elems() / ch
	n := len(x) / (ch * inner)
	gamma := in[1].F32
	st := exec.StateOf[exec.BatchNormState](c, v)
	cnt := float32(n * inner)
	for k := 0; k < ch; k++ {
		mean, inv := st.Mean[k], st.InvStd[k]
		var sumDy, sumDyXhat float32
		for b := 0; b < n; b++ {
			o := (b*ch + k) * inner
			for i, d := range dy[o : o+inner] {
				sumDy += d
				sumDyXhat += d * (x[o+i] - mean) * inv
			}
		}
		if din[1] != nil {
			din[1].F32[k] += sumDyXhat
		}
		if din[2] != nil {
			din[2].F32[k] += sumDy
		}
		if din[0] == nil {
			continue
		}
		dx := din[0].F32
		for b := 0; b < n; b++ {
			o := (b*ch + k) * inner
			for i, d := range dy[o : o+inner] {
				if c.Training && !v.Attrs.Bool("frozen") {
					// The batch statistics depend on x too.
					xhat := (x[o+i] - mean) * inv
					dx[o+i] += gamma[k] * inv / cnt * (cnt*d - sumDy - xhat*sumDyXhat)
				} else {
					dx[o+i] += gamma[k] * inv * d
				}
			}
		}
	}
}

// binaryBackward is the rule of x sym y (sym one of + - *), summing the
// gradients of broadcast operands in row-major order.
func binaryBackward(sym string) Gradient {
	return func(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
		x, y, d := in[0].F32, in[1].F32, actGrad(v.Attrs.String("act"), out, dout).F32
		dx, dy := din[0], din[1]
		ir.Broadcast(v, out, func(i, xo, yo int) {
			gx, gy := d[i], d[i]
			switch sym {
			case "-":
				gy = -gy
			case "*":
				gx, gy = gx*y[yo], gy*x[xo]
			}
			if dx != nil {
				dx.F32[xo] += gx
			}
			if dy != nil {
				dy.F32[yo] += gy
			}
		})
	}
}

// unaryBackward is the rule of an activation from its gradient kernel,
// which adds dy times the derivative (in terms of the input x and result
// y) into dx, whole slices at a time.
func unaryBackward(grad func(x, y, dy, dx []float32)) Gradient {
	return func(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
		if din[0] != nil {
			grad(in[0].F32, out.F32, dout.F32, din[0].F32)
		}
	}
}

func reluGrad(x, y, dy, dx []float32) {
	for i, v := range x {
		if v > 0 {
			dx[i] += dy[i]
		}
	}
}

func relu6Grad(x, y, dy, dx []float32) {
	for i, v := range x {
		if v > 0 && v < 6 {
			dx[i] += dy[i]
		}
	}
}

func sigmoidGrad(x, y, dy, dx []float32) {
	for i, v := range y {
		dx[i] += dy[i] * v * (1 - v)
	}
}

// hardSigmoidGrad: 1/6 between the kinks at -3 and 3, 0 outside.
func hardSigmoidGrad(x, y, dy, dx []float32) {
	for i, v := range x {
		if v > -3 && v < 3 {
			dx[i] += dy[i] / 6
		}
	}
}

// hardSwishGrad: (2x + 3) / 6 between the kinks, 0 below -3, 1 above 3.
func hardSwishGrad(x, y, dy, dx []float32) {
	for i, v := range x {
		switch {
		case v >= 3:
			dx[i] += dy[i]
		case v > -3:
			dx[i] += dy[i] * (2*v + 3) / 6
		}
	}
}

func tanhGrad(x, y, dy, dx []float32) {
	for i, v := range y {
		dx[i] += dy[i] * (1 - v*v)
	}
}

// softmaxBackward: dx = y * (dy - sum(dy * y)) along the axis.
func softmaxBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] == nil {
		return
	}
	t := v.Args[0].Type
	axis := v.Attrs.Int("axis")
	if axis < 0 {
		axis += t.Rank()
	}
	n, inner := t.Dims[axis], tensor.NumElems(t.Dims[axis+1:])
	y, dy, dx := out.F32, dout.F32, din[0].F32
	for base := 0; base < len(y); base += n * inner {
		for j := 0; j < inner; j++ {
			dot := float32(0)
			for k := 0; k < n; k++ {
				i := base + k*inner + j
				dot += dy[i] * y[i]
			}
			for k := 0; k < n; k++ {
				i := base + k*inner + j
				dx[i] += y[i] * (dy[i] - dot)
			}
		}
	}
}

// logSoftmaxBackward: y = x - log(sum(exp(x))), so dx = dy - exp(y) *
// sum(dy) along the axis.
func logSoftmaxBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] == nil {
		return
	}
	t := v.Args[0].Type
	axis := v.Attrs.Int("axis")
	if axis < 0 {
		axis += t.Rank()
	}
	n, inner := t.Dims[axis], tensor.NumElems(t.Dims[axis+1:])
	y, dy, dx := out.F32, dout.F32, din[0].F32
	for base := 0; base < len(y); base += n * inner {
		for j := 0; j < inner; j++ {
			sum := float32(0)
			for k := 0; k < n; k++ {
				sum += dy[base+k*inner+j]
			}
			for k := 0; k < n; k++ {
				i := base + k*inner + j
				dx[i] += dy[i] - float32(math.Exp(float64(y[i])))*sum
			}
		}
	}
}

// poolBackward routes each output's gradient to its maximum (where the
// forward kernel found it), or spreads it evenly over its window's
// in-image taps.
func poolBackward(isMax bool) Gradient {
	return func(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
		if din[0] == nil {
			return
		}
		dy, dx := dout.F32, din[0].F32
		g := ir.PoolGeometry(v.Args[0].Type, v.Attrs)
		if isMax {
			for o, at := range exec.StateOf[exec.PoolState](c, v).Argmax[:len(dy)] {
				dx[at] += dy[o]
			}
			return
		}
		planes := len(dx) / (g.H * g.W)
		for pl := 0; pl < planes; pl++ {
			dp := dx[pl*g.H*g.W:]
			for oy := 0; oy < g.OH; oy++ {
				y0, y1 := max(oy*g.SH-g.PH, 0), min(oy*g.SH-g.PH+g.KH, g.H)
				for ox := 0; ox < g.OW; ox++ {
					x0, x1 := max(ox*g.SW-g.PW, 0), min(ox*g.SW-g.PW+g.KW, g.W)
					share := dy[(pl*g.OH+oy)*g.OW+ox] / float32((y1-y0)*(x1-x0))
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							dp[iy*g.W+ix] += share
						}
					}
				}
			}
		}
	}
}

func globalAvgPoolBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] == nil {
		return
	}
	inner := tensor.NumElems(v.Args[0].Type.Dims[1:])
	for i, d := range dout.F32 {
		share := d / float32(inner)
		for j := range din[0].F32[i*inner : (i+1)*inner] {
			din[0].F32[i*inner+j] += share
		}
	}
}

// reduceBackward spreads each output's gradient over the elements it
// reduced (scaled by the count, for a mean).
func reduceBackward(mean bool) Gradient {
	return func(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
		if din[0] == nil {
			return
		}
		t := v.Args[0].Type
		scale := float32(1)
		if mean {
			scale = float32(out.Len()) / float32(in[0].Len())
		}
		ir.ReduceWalk(t, v.Attrs, func(i, o int) { din[0].F32[i] += dout.F32[o] * scale }, len(in[0].F32))
	}
}

func fmBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] != nil {
		pairwiseBackward(v, in[0].F32, din[0].F32, func(b, d int) float32 { return dout.F32[b] })
	}
}

func biInteractionBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	dim := v.Args[0].Type.Dims[1]
	if din[0] != nil {
		pairwiseBackward(v, in[0].F32, din[0].F32, func(b, d int) float32 { return dout.F32[b*dim+d] })
	}
}

// pairwiseBackward is the gradient of 0.5*((sum_f e)^2 - sum_f e^2) with
// respect to e[f][d]: (sum_f' e[f'][d]) - e[f][d], times the output
// gradient g(sample, column).
func pairwiseBackward(v *ir.Value, e, de []float32, g func(b, d int) float32) {
	f, dim := v.Args[0].Type.Dims[0], v.Args[0].Type.Dims[1]
	for b := 0; b*f*dim < len(e); b++ {
		eb, db := e[b*f*dim:], de[b*f*dim:]
		for d := 0; d < dim; d++ {
			s := float32(0)
			for k := 0; k < f; k++ {
				s += eb[k*dim+d]
			}
			gd := g(b, d)
			for k := 0; k < f; k++ {
				db[k*dim+d] += gd * (s - eb[k*dim+d])
			}
		}
	}
}

// copyBackward is the rule of ops that only relabel their operand's data.
func copyBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] != nil {
		exec.AddInto(din[0].F32, dout.F32)
	}
}

func concatBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	axis := v.Attrs.Int("axis")
	outer := tensor.NumElems(v.Type.Dims[:axis])
	if v.Type.Batched {
		outer *= out.Shape[0]
	}
	inner := tensor.NumElems(v.Type.Dims[axis+1:])
	o := 0
	for i := 0; i < outer; i++ {
		for k, d := range din {
			n := v.Args[k].Type.Dims[axis] * inner
			if d != nil {
				exec.AddInto(d.F32[i*n:(i+1)*n], dout.F32[o:o+n])
			}
			o += n
		}
	}
}

// transposeBackward transposes the result's gradient back by the inverse
// permutation and adds it to the operand's.
func transposeBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] == nil {
		return
	}
	n := 1
	if v.Type.Batched {
		n = dout.Shape[0]
	}
	g := make([]float32, len(dout.F32))
	exec.Transpose(dout.F32, g, n, v.Type.Dims, ir.InversePerm(v.Attrs.Ints("perm")))
	exec.AddInto(din[0].F32, g)
}

// dropoutBackward applies the forward kernel's mask in training.
func dropoutBackward(c *exec.Ctx, v *ir.Value, in []*tensor.Tensor, out, dout *tensor.Tensor, din []*tensor.Tensor) {
	if din[0] == nil {
		return
	}
	if !c.Training || v.Attrs.Float("rate") == 0 {
		exec.AddInto(din[0].F32, dout.F32)
		return
	}
	mask := exec.StateOf[exec.DropoutState](c, v).Mask
	for i, d := range dout.F32 {
		din[0].F32[i] += d * mask[i]
	}
}
