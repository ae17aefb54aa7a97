package onnx

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

// node is one ONNX node being imported: its operands, attributes and
// outputs, as the op rules (ops.go) read and write them.
type node struct {
	im *importer
	n  *onnxpb.NodeProto
}

// opset is the model's default-domain opset.
func (nd *node) opset() int { return nd.im.opset }

func (nd *node) inputName(k int) string {
	if k < len(nd.n.GetInput()) {
		return nd.n.GetInput()[k]
	}
	return ""
}

// has reports whether operand k is given.
func (nd *node) has(k int) bool { return nd.inputName(k) != "" }

// value returns operand k as a graph value; a constant operand is an
// error (the op takes data computed from the inputs there).
func (nd *node) value(k int) (*ir.Value, error) {
	name := nd.inputName(k)
	if v := nd.im.vals[name]; v != nil {
		return v, nil
	}
	if name == "" {
		return nil, fmt.Errorf("operand %d is missing", k)
	}
	if _, ok := nd.im.qvals[name]; ok {
		return nil, fmt.Errorf("operand %q is a quantized tensor; kiln reads QDQ models, whose float ops take DequantizeLinear's results", name)
	}
	return nil, fmt.Errorf("operand %q is a constant; kiln takes a value computed from the inputs there", name)
}

// konst returns operand k's constant, or nil when it is not one.
func (nd *node) konst(k int) *constant { return nd.im.consts[nd.inputName(k)] }

// needConst returns operand k's constant; what says what it is for errors.
func (nd *node) needConst(k int, what string) (*constant, error) {
	if c := nd.konst(k); c != nil {
		return c, nil
	}
	if !nd.has(k) {
		return nil, fmt.Errorf("%s (operand %d) is missing", what, k)
	}
	return nil, fmt.Errorf("%s %q must be an initializer or a constant; kiln imports it as a weight", what, nd.inputName(k))
}

// attr returns the attribute named name, or nil.
func (nd *node) attr(name string) *onnxpb.AttributeProto {
	for _, a := range nd.n.GetAttribute() {
		if a.GetName() == name {
			return a
		}
	}
	return nil
}

// allow refuses attributes the rule does not read: an attribute kiln
// ignored could change what the node computes.
func (nd *node) allow(names ...string) error {
	var extra []string
	for _, a := range nd.n.GetAttribute() {
		found := false
		for _, n := range names {
			if a.GetName() == n {
				found = true
			}
		}
		if !found {
			extra = append(extra, a.GetName())
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("attribute %s is not one kiln reads for %s", strings.Join(extra, ", "), nd.n.GetOpType())
	}
	return nil
}

func (nd *node) int(name string, def int) int {
	if a := nd.attr(name); a != nil {
		return int(a.GetI())
	}
	return def
}

// float returns a float attribute as the float64 nearest the shortest
// decimal that names its float32 (1e-05, not 9.999999747378752e-06), so
// that descriptions and arithmetic on it stay readable.
func (nd *node) float(name string, def float64) float64 {
	if a := nd.attr(name); a != nil {
		return decimal32(float64(a.GetF()))
	}
	return def
}

// decimal32 rounds x to float32 and returns the shortest decimal of that
// float32, as a float64.
func decimal32(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', -1, 32), 64)
	return v
}

func (nd *node) str(name, def string) string {
	if a := nd.attr(name); a != nil {
		return string(a.GetS())
	}
	return def
}

// ints returns a list attribute, or nil when absent.
func (nd *node) ints(name string) []int {
	a := nd.attr(name)
	if a == nil {
		return nil
	}
	out := make([]int, len(a.GetInts()))
	for k, v := range a.GetInts() {
		out[k] = int(v)
	}
	return out
}

// extraOutputsUnused checks the node's outputs past the first: the ones kiln's
// ops do not produce (a pool's indices, a dropout's mask) must be unused.
func (nd *node) extraOutputsUnused() error {
	for k, o := range nd.n.GetOutput() {
		if k > 0 && o != "" && nd.im.uses[o] > 0 {
			return fmt.Errorf("output %d (%q) is used; kiln computes only the first output of %s", k, o, nd.n.GetOpType())
		}
	}
	return nil
}

// layer is the name of the layer this node makes: its ONNX name without
// the exporter's path and op suffix ("/fc1/Gemm" is "fc1"), or its first
// output's. Its parameters are named <layer>.weight and so on.
func (nd *node) layer() string {
	name := strings.TrimLeft(nd.n.GetName(), "/")
	if i := strings.LastIndexByte(name, '/'); i > 0 && name[i+1:] == nd.n.GetOpType() {
		name = name[:i]
	}
	if name == "" && len(nd.n.GetOutput()) > 0 {
		name = nd.n.GetOutput()[0]
	}
	return nd.im.fresh(sanitize(name))
}

// resultName names the value of output 0: the graph output's own name
// when it is one (a model's outputs keep their names), else the layer's.
func (nd *node) resultName(layer string) string {
	if o := nd.n.GetOutput()[0]; nd.im.isOutput[o] && sanitize(o) != layer {
		return nd.im.fresh(sanitize(o))
	}
	return layer
}

// set records v as output k.
func (nd *node) set(k int, v *ir.Value) { nd.im.vals[nd.n.GetOutput()[k]] = v }

// setConst records c as output k: the node was folded.
func (nd *node) setConst(k int, c *constant) { nd.im.consts[nd.n.GetOutput()[k]] = c }

// add appends op to the graph as output 0.
func (nd *node) add(name string, op *ir.Op, args []*ir.Value, attrs ir.Attrs) (*ir.Value, error) {
	v, err := nd.im.g.AddOp(name, op, args, attrs, nd.im.pos)
	if err != nil {
		return nil, err
	}
	nd.set(0, v)
	return v, nil
}

// step appends an intermediate op of a node lowered to several.
func (nd *node) step(name string, op *ir.Op, args []*ir.Value, attrs ir.Attrs) (*ir.Value, error) {
	return nd.im.g.AddOp(nd.im.fresh(name), op, args, attrs, nd.im.pos)
}

// param makes a parameter <layer>.<suffix> holding t.
func (nd *node) param(layer, suffix string, t *tensor.Tensor) *ir.Value {
	name := nd.im.fresh(layer + "." + suffix)
	v := nd.im.g.AddParam(name, ir.Unbatched(t.DType, t.Shape...), nd.im.pos)
	v.Data = t
	return v
}

// paramBefore makes a parameter <layer>.<suffix> holding t, placed just
// before v in the graph (a bias found after its layer was added).
func (nd *node) paramBefore(v *ir.Value, layer, suffix string, t *tensor.Tensor) *ir.Value {
	p := nd.param(layer, suffix, t)
	vs := nd.im.g.Values
	vs = vs[:len(vs)-1] // p, just appended
	for k, w := range vs {
		if w == v {
			vs = append(vs[:k], append([]*ir.Value{p}, vs[k:]...)...)
			break
		}
	}
	nd.im.g.Values = vs
	return p
}

// constOperand makes c a constant operand of an elementwise op whose other
// operand x is batched: ONNX broadcasts over the whole shape, batch
// included, so c's leading dimensions beyond x's per-sample rank must be
// 1 and are dropped.
func (nd *node) constOperand(c *constant, x *ir.Value, base string) (*ir.Value, error) {
	shape := c.shape
	for len(shape) > x.Type.Rank() {
		if shape[0] != 1 {
			return nil, fmt.Errorf("constant %v would broadcast over the batch dimension", c.shape)
		}
		shape = shape[1:]
	}
	t := tensor.FromF32(append([]float32(nil), c.floats()...), shape...)
	return nd.im.g.AddConst(nd.im.fresh(base), t, nd.im.pos), nil
}

// perSampleAxis turns an ONNX axis over the whole shape (batch first) of a value
// of per-sample rank r into kiln's per-sample axis.
func perSampleAxis(axis, r int) (int, error) {
	full := r + 1
	if axis < -full || axis >= full {
		return 0, fmt.Errorf("axis %d is out of range for rank %d", axis, full)
	}
	if axis < 0 {
		axis += full
	}
	if axis == 0 {
		return 0, fmt.Errorf("axis 0 is the batch dimension; kiln's ops work within a sample")
	}
	return axis - 1, nil
}

// floatTensor returns c's data as an f32 tensor of c's shape (a copy).
func floatTensor(c *constant) *tensor.Tensor {
	return tensor.FromF32(append([]float32(nil), c.floats()...), c.shape...)
}

// transpose2 returns the transpose of a 2-D float tensor [r, c].
func transpose2(data []float32, r, c int) []float32 {
	out := make([]float32, len(data))
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[j*r+i] = data[i*c+j]
		}
	}
	return out
}

// near reports whether a and b agree to float32 precision.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
