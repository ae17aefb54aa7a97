package train

// Constraints on what training may do to a parameter, for compression:
// a fixed mask of pruned weights that stay exactly zero, and weight
// sharing, where a layer's weights are tied to a few shared values (the
// centroids) and the optimizer trains those.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// Sharing ties a parameter's weights to shared values: weight i is
// Centroids[Assign[i]], or exactly 0 where Assign[i] is -1 (a pruned
// weight, which is no cluster). In training the gradient of a centroid
// is the sum of the gradients of its weights; the optimizer updates the
// centroids, and the weights are set to their centroid after each step.
// Train changes Centroids in place.
type Sharing struct {
	Assign    []int32
	Centroids []float32
}

// stateMasker is an optimizer whose per-weight state can be cleared, so
// that a pruned weight carries no momentum (a resumed checkpoint's
// included) back into the weights.
type stateMasker interface {
	zeroState(param int, keep []bool)
}

func (o *SGD) zeroState(i int, keep []bool) {
	if o.vel != nil {
		zeroPruned(o.vel[i], keep)
	}
}

func (o *Adam) zeroState(i int, keep []bool) {
	if o.m != nil {
		zeroPruned(o.m[i], keep)
		zeroPruned(o.v[i], keep)
	}
}

func zeroPruned(x []float32, keep []bool) {
	for j, k := range keep {
		if !k {
			x[j] = 0
		}
	}
}

// constraints are a run's masks and shared parameters, by the index of
// the parameter among the trained ones.
type constraints struct {
	masks  map[int][]bool
	shared map[int]*shared
}

// shared is one shared parameter in training: the centroids as a tensor
// the optimizer updates in the weights' place, and their gradient.
type shared struct {
	*Sharing
	centroids, grad *tensor.Tensor
}

// newConstraints checks cfg's masks and sharings against the trained
// parameters.
func newConstraints(cfg Config, trainable []*ir.Value) (*constraints, error) {
	c := &constraints{masks: map[int][]bool{}, shared: map[int]*shared{}}
	index := map[string]int{}
	for i, p := range trainable {
		index[p.Name] = i
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Masks)) {
		i, ok := index[name]
		if !ok {
			return nil, fmt.Errorf("mask for %s: the model has no trained parameter of that name", name)
		}
		if n := trainable[i].Type.Elems(); len(cfg.Masks[name]) != n {
			return nil, fmt.Errorf("mask for %s has %d entries, the parameter %d weights", name, len(cfg.Masks[name]), n)
		}
		c.masks[i] = cfg.Masks[name]
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Shared)) {
		i, ok := index[name]
		s := cfg.Shared[name]
		if !ok {
			return nil, fmt.Errorf("sharing for %s: the model has no trained parameter of that name", name)
		}
		if n := trainable[i].Type.Elems(); s == nil || len(s.Assign) != n {
			return nil, fmt.Errorf("sharing for %s must assign each of its %d weights", name, n)
		}
		for j, a := range s.Assign {
			if a < -1 || int(a) >= len(s.Centroids) {
				return nil, fmt.Errorf("sharing for %s assigns weight %d to cluster %d of %d", name, j, a, len(s.Centroids))
			}
		}
		sh := &shared{Sharing: s, centroids: tensor.New(tensor.F32, len(s.Centroids)), grad: tensor.New(tensor.F32, len(s.Centroids))}
		copy(sh.centroids.F32, s.Centroids)
		c.shared[i] = sh
	}
	return c, nil
}

func (c *constraints) empty() bool { return len(c.masks) == 0 && len(c.shared) == 0 }

// optimized returns what the optimizer steps: the parameters' tensors and
// gradients, a shared parameter's replaced by its centroids'.
func (c *constraints) optimized(params, grads []*tensor.Tensor) ([]*tensor.Tensor, []*tensor.Tensor) {
	if len(c.shared) == 0 {
		return params, grads
	}
	p, g := slices.Clone(params), slices.Clone(grads)
	for i, s := range c.shared {
		p[i], g[i] = s.centroids, s.grad
	}
	return p, g
}

// apply puts the weights where the constraints say: pruned ones at 0,
// shared ones at their centroid.
func (c *constraints) apply(params []*tensor.Tensor) {
	for i, keep := range c.masks {
		zeroPruned(params[i].F32, keep)
	}
	for i, s := range c.shared {
		w := params[i].F32
		for j, a := range s.Assign {
			if a < 0 {
				w[j] = 0
			} else {
				w[j] = s.centroids.F32[a]
			}
		}
		copy(s.Centroids, s.centroids.F32)
	}
}

// beforeStep clears the gradients and optimizer state of pruned weights
// and gathers the shared parameters' gradients per centroid.
func (c *constraints) beforeStep(opt Optimizer, grads []*tensor.Tensor) {
	m, _ := opt.(stateMasker)
	for i, keep := range c.masks {
		if _, ok := c.shared[i]; ok {
			continue // the optimizer holds centroids there, not weights
		}
		zeroPruned(grads[i].F32, keep)
		if m != nil {
			m.zeroState(i, keep)
		}
	}
	for i, s := range c.shared {
		clear(s.grad.F32)
		for j, a := range s.Assign {
			if a >= 0 {
				s.grad.F32[a] += grads[i].F32[j]
			}
		}
	}
}

// maskDigest names the masks in a checkpoint's settings (a hash: the
// masks themselves can be millions of entries): a resumed run must prune
// the same weights.
func maskDigest(masks map[string][]bool) string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(masks)) {
		h.Write([]byte(name))
		h.Write([]byte{0})
		for _, k := range masks[name] {
			if k {
				h.Write([]byte{1})
			} else {
				h.Write([]byte{0})
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
