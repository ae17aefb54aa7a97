package train

import (
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// sampledDense trains logits that are a dense layer, logits = x Wᵀ + b
// over C classes, with the sampled softmax loss without computing the
// layer: a step computes the logits of each example's label and of the
// batch's samples only, and the gradient reaches those rows of W and b,
// and x. This is what makes the loss cheap for a large catalogue: S+1
// rows a step instead of C.
type sampledDense struct {
	dense *ir.Value
	w, b  int // the weight's and the bias's index in Net.Trainable; -1 if not trained
	z, gz []float32
	gx    *tensor.Tensor
}

// newSampledDense returns the sparse step for logits computed by a dense
// layer without an activation on a vector per example, or nil (the loss
// then runs on the whole layer's logits).
func newSampledDense(net *Net, logits *ir.Value) *sampledDense {
	if logits.Op != ir.OpDense || logits.Attrs.String("act") != "none" || logits.Args[0].Type.Rank() != 1 {
		return nil
	}
	sd := &sampledDense{dense: logits, w: -1, b: -1}
	for k, p := range net.Trainable {
		if p == logits.Args[1] {
			sd.w = k
		}
		if len(logits.Args) == 3 && p == logits.Args[2] {
			sd.b = k
		}
	}
	net.Skip = logits
	return sd
}

// loss computes the candidates' logits for the batch Net.Forward ran, the
// loss and its gradient with respect to them.
func (sd *sampledDense) loss(net *Net, labels, sampled []int32, q []float64) float64 {
	x, w := net.Act(sd.dense.Args[0]), net.Act(sd.dense.Args[1]).F32
	var bias []float32
	if len(sd.dense.Args) == 3 {
		bias = net.Act(sd.dense.Args[2]).F32
	}
	n, k, d := len(labels), len(sampled)+1, x.Shape[1]
	if len(sd.z) != n*k {
		sd.z, sd.gz = make([]float32, n*k), make([]float32, n*k)
	}
	logit := func(xb []float32, j int32) float32 {
		s := dot32(xb, w[int(j)*d:(int(j)+1)*d])
		if bias != nil {
			s += bias[j]
		}
		return s
	}
	for b, l := range labels {
		xb := x.F32[b*d : (b+1)*d]
		sd.z[b*k] = logit(xb, l)
		for i, j := range sampled {
			sd.z[b*k+1+i] = logit(xb, j)
		}
	}
	return sampledLoss(sd.z, labels, sampled, q, sd.gz)
}

// backward adds the loss's gradient into the weight's and the bias's
// gradients (after Net.ZeroGrads) and propagates it back from x.
func (sd *sampledDense) backward(net *Net, labels, sampled []int32) {
	xv := sd.dense.Args[0]
	x, w := net.Act(xv), net.Act(sd.dense.Args[1]).F32
	n, k, d := len(labels), len(sampled)+1, x.Shape[1]
	if sd.gx == nil || sd.gx.Shape[0] != n {
		sd.gx = tensor.New(tensor.F32, n, d)
	}
	clear(sd.gx.F32)
	var gw, gb []float32
	if sd.w >= 0 {
		gw = net.Grads[sd.w].F32
	}
	if sd.b >= 0 {
		gb = net.Grads[sd.b].F32
	}
	for b, l := range labels {
		xb, gxb := x.F32[b*d:(b+1)*d], sd.gx.F32[b*d:(b+1)*d]
		for i := range k {
			j, g := l, sd.gz[b*k+i]
			if i > 0 {
				j = sampled[i-1]
			}
			if g == 0 {
				continue
			}
			axpy32(g, w[int(j)*d:(int(j)+1)*d], gxb)
			if gw != nil {
				axpy32(g, xb, gw[int(j)*d:(int(j)+1)*d])
			}
			if gb != nil {
				gb[j] += g
			}
		}
	}
	if net.needs[net.index[xv]] {
		net.Backward(xv, sd.gx)
	}
}

func dot32(a, b []float32) float32 {
	var s float32
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// axpy32 adds a*x into y.
func axpy32(a float32, x, y []float32) {
	for i, v := range x {
		y[i] += a * v
	}
}
