// Package onnx imports ONNX models (ModelProto, opsets 6 to 21) as kiln
// float graphs: every node becomes a row of kiln's op table, shapes are
// inferred and checked by kiln's own rules, initializers become
// parameters (named <layer>.weight, <layer>.bias as a .kiln file's are)
// or constants, and shape computations on known values are folded away.
// Every problem of a file is reported at once: each unsupported node with
// its name, op type and opset, and each node that cannot be imported with
// the reason.
//
// The batch is the first dimension of every graph input, as exporters
// write it; kiln's values are per sample, so ONNX axes are counted from
// the first per-sample dimension (axis 1 in ONNX is axis 0 in kiln), and a
// node that reduces, concatenates or moves the batch axis is refused.
package onnx

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/source"
	"github.com/kiln-nn/kiln/tensor"
)

// MaxFileSize is the largest .onnx file kiln reads: protobuf's own limit
// for one message.
const MaxFileSize = 2<<30 - 1

// Opsets kiln imports (the default ai.onnx domain). Opsets 6 to 8 are
// read too, for the older exporters' files (their legacy broadcasting of
// Add, Sub and Mul included).
const (
	MinOpset = 6
	MaxOpset = 21
)

// Options adjust an import.
type Options struct {
	// InputShapes fixes inputs' per-sample shapes (after the batch), by
	// ONNX input name, where the file leaves dimensions symbolic; a
	// dimension the file gives must agree.
	InputShapes map[string][]int
}

// Load reads and imports an .onnx file.
func Load(path string) (*frontend.Program, error) { return LoadWith(path, Options{}) }

// LoadWith reads and imports an .onnx file with options.
func LoadWith(path string, opts Options) (*frontend.Program, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes, the most an ONNX file can hold", path, MaxFileSize)
	}
	prog, err := ImportWith(path, data, opts)
	if err != nil {
		return nil, err
	}
	prog.Dir = filepath.Dir(path)
	return prog, nil
}

// Import decodes an ONNX ModelProto and lowers it to a float graph with
// its weights bound. name is the file name errors are reported against.
func Import(name string, data []byte) (*frontend.Program, error) {
	return ImportWith(name, data, Options{})
}

// ImportWith is Import with options.
func ImportWith(name string, data []byte, opts Options) (*frontend.Program, error) {
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: not an ONNX model (protobuf: %v)", name, err)
	}
	if m.GetGraph() == nil {
		if len(data) == 0 {
			return nil, fmt.Errorf("%s: empty file, not an ONNX model", name)
		}
		return nil, fmt.Errorf("%s: an ONNX model must have a graph; this file has none (is it an ONNX file?)", name)
	}
	im := &importer{
		file:           name,
		pos:            source.Pos{File: name},
		vals:           map[string]*ir.Value{},
		consts:         map[string]*constant{},
		names:          map[string]bool{},
		uses:           map[string]int{},
		isOutput:       map[string]bool{},
		opts:           opts,
		declaredInputs: map[string]*onnxpb.ValueInfoProto{},
		bias:           map[*ir.Value]bool{},
		index:          map[*onnxpb.NodeProto]int{},
		qvals:          map[string]qview{},
		integer:        map[string]*integerPart{},
		given:          map[*ir.Value]*ir.QuantParams{},
	}
	if err := im.opsets(&m); err != nil {
		return nil, err
	}
	im.graph(m.GetGraph())
	for name := range opts.InputShapes {
		if im.declaredInputs[name] == nil {
			im.problem("a shape is given for %q, which is not an input of the model", name)
		}
	}
	if err := im.err(); err != nil {
		return nil, err
	}
	if err := ir.Verify(im.g); err != nil {
		return nil, fmt.Errorf("%s: internal error: the imported graph does not verify: %w", name, err)
	}
	prog := &frontend.Program{Graph: im.g}
	if len(im.given) > 0 {
		prog.Quant = map[string]*ir.QuantParams{}
		for v, p := range im.given {
			prog.Quant[v.Name] = p
		}
	}
	return prog, nil
}

// Error is every problem of one ONNX file.
type Error struct {
	File string
	// Unsupported lists the nodes whose op kiln does not import.
	Unsupported []UnsupportedNode
	// Problems are the other errors, each naming its node.
	Problems []string
}

// UnsupportedNode is a node whose op kiln does not import.
type UnsupportedNode struct {
	Index            int // the node's place in the graph, from 0
	Name, Domain, Op string
	Opset            int
}

func (u UnsupportedNode) String() string {
	op := u.Op
	if u.Domain != "" && u.Domain != "ai.onnx" {
		op = u.Domain + "." + op
	}
	return fmt.Sprintf("node %d %q (%s, opset %d)", u.Index, u.Name, op, u.Opset)
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %s", e.File, p)
	}
	if n := len(e.Unsupported); n > 0 {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		ops := map[string]bool{}
		for _, u := range e.Unsupported {
			ops[u.Op] = true
		}
		var names []string
		for op := range ops {
			names = append(names, op)
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "%s: %d %s of %s, which kiln does not import:", e.File, n, plural(n, "node uses an op", "nodes use ops"), strings.Join(names, ", "))
		for _, u := range e.Unsupported {
			fmt.Fprintf(&b, "\n  %s", u)
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// importer holds the state of one import.
type importer struct {
	file  string
	pos   source.Pos
	opset int
	g     *ir.Graph

	vals     map[string]*ir.Value          // ONNX value name -> graph value
	consts   map[string]*constant          // ONNX value name -> value known at import
	names    map[string]bool               // graph names taken
	uses     map[string]int                // ONNX value name -> consumers (outputs count)
	isOutput map[string]bool               // ONNX names of the graph outputs
	bias     map[*ir.Value]bool            // dense values made from a MatMul, whose bias an Add may fill
	index    map[*onnxpb.NodeProto]int     // each node\'s place in the graph
	qvals    map[string]qview              // ONNX name -> a quantized tensor (QuantizeLinear\'s result)
	integer  map[string]*integerPart       // ONNX name -> an intermediate of an integer layer (dynamic.go)
	given    map[*ir.Value]*ir.QuantParams // int8 parameters a QDQ model fixes

	opts           Options
	declaredInputs map[string]*onnxpb.ValueInfoProto
	problems       []string
	unsupported    []UnsupportedNode
}

func (im *importer) err() error {
	if len(im.problems) == 0 && len(im.unsupported) == 0 {
		return nil
	}
	return &Error{File: im.file, Unsupported: im.unsupported, Problems: im.problems}
}

func (im *importer) problem(format string, args ...any) {
	im.problems = append(im.problems, fmt.Sprintf(format, args...))
}

// opsets finds the default domain's opset and refuses others kiln cannot
// read.
func (im *importer) opsets(m *onnxpb.ModelProto) error {
	found := false
	for _, o := range m.GetOpsetImport() {
		switch o.GetDomain() {
		case "", "ai.onnx":
			im.opset, found = int(o.GetVersion()), true
		}
	}
	switch {
	case !found && len(m.GetOpsetImport()) == 0 && m.GetIrVersion() < 3:
		im.opset = 1 // before IR version 3, models had no opset_import
	case !found:
		return fmt.Errorf("%s: the model imports no opset of the default (ai.onnx) domain", im.file)
	}
	if im.opset < MinOpset || im.opset > MaxOpset {
		return fmt.Errorf("%s: the model uses opset %d of ai.onnx; kiln imports opsets %d to %d (convert it with onnx.version_converter)", im.file, im.opset, MinOpset, MaxOpset)
	}
	return nil
}

// graph imports the main graph: inputs, initializers, nodes in order,
// outputs.
func (im *importer) graph(gp *onnxpb.GraphProto) {
	name := sanitize(gp.GetName())
	if name == "" || name == "_" {
		name = "model"
	}
	im.g = ir.NewGraph(name)
	for _, t := range gp.GetInitializer() {
		c, err := decodeTensor(t)
		if err != nil {
			im.problem("initializer %q: %v", t.GetName(), err)
			continue
		}
		im.consts[t.GetName()] = c
	}
	if len(gp.GetSparseInitializer()) > 0 {
		im.problem("the graph has sparse initializers, which kiln does not read")
	}
	for _, in := range gp.GetInput() {
		if _, ok := im.consts[in.GetName()]; ok {
			continue // an initializer listed as an input too (IR version < 4)
		}
		im.input(in)
	}
	for _, n := range gp.GetNode() {
		for _, in := range n.GetInput() {
			im.uses[in]++
		}
	}
	for _, o := range gp.GetOutput() {
		im.uses[o.GetName()]++
		im.isOutput[o.GetName()] = true
	}
	declared := map[string]*onnxpb.ValueInfoProto{}
	for _, vi := range gp.GetValueInfo() {
		declared[vi.GetName()] = vi
	}
	for k, n := range gp.GetNode() {
		im.index[n] = k
		im.node(n)
		for _, o := range n.GetOutput() {
			if v := im.vals[o]; v != nil && declared[o] != nil {
				im.checkDeclared(n, declared[o], v)
			}
		}
	}
	for _, o := range gp.GetOutput() {
		v := im.vals[o.GetName()]
		switch {
		case v != nil:
			im.checkDeclared(nil, o, v)
			im.g.Outputs = append(im.g.Outputs, v)
		case im.consts[o.GetName()] != nil:
			im.problem("output %q is a constant: it does not depend on any input", o.GetName())
		case len(im.problems) == 0 && len(im.unsupported) == 0:
			im.problem("output %q is not produced by any node", o.GetName())
		}
	}
	if len(gp.GetOutput()) == 0 {
		im.problem("the graph has no outputs")
	}
}

// input declares a graph input: its first dimension is the batch, the
// others must be known.
func (im *importer) input(in *onnxpb.ValueInfoProto) {
	tt := in.GetType().GetTensorType()
	if tt == nil {
		im.problem("input %q is not a tensor", in.GetName())
		return
	}
	var dt tensor.DType
	switch onnxpb.TensorProto_DataType(tt.GetElemType()) {
	case onnxpb.TensorProto_FLOAT:
		dt = tensor.F32
	case onnxpb.TensorProto_INT64, onnxpb.TensorProto_INT32:
		dt = tensor.I32 // ids: kiln's index type
	default:
		im.problem("input %q has element type %s; kiln's inputs are float (values) or int32/int64 (ids)", in.GetName(), onnxpb.TensorProto_DataType(tt.GetElemType()))
		return
	}
	im.declaredInputs[in.GetName()] = in
	dims := tt.GetShape().GetDim()
	if tt.GetShape() == nil || len(dims) == 0 {
		im.problem("input %q has no shape, or is a scalar; kiln needs [batch, ...] with the per-sample dimensions known", in.GetName())
		return
	}
	fixed, hasFixed := im.opts.InputShapes[in.GetName()]
	if hasFixed && len(fixed) != len(dims)-1 {
		im.problem("the shape given for input %q has %d dimensions after the batch; the file declares %d", in.GetName(), len(fixed), len(dims)-1)
		return
	}
	per := make([]int, len(dims)-1)
	for k, d := range dims[1:] {
		known := d.GetDimParam() == "" && d.GetDimValue() > 0
		switch {
		case hasFixed && known && int(d.GetDimValue()) != fixed[k]:
			im.problem("the shape given for input %q sets dimension %d to %d; the file fixes it at %d", in.GetName(), k+1, fixed[k], d.GetDimValue())
			return
		case hasFixed:
			per[k] = fixed[k]
		case !known:
			im.problem("input %q: dimension %d is %s; kiln needs every dimension after the batch known (give --input-shape %s=D1,D2,..., or fix it when exporting)", in.GetName(), k+1, dimString(d), in.GetName())
			return
		default:
			per[k] = int(d.GetDimValue())
		}
	}
	v := im.g.AddInput(im.fresh(sanitize(in.GetName())), ir.Batched(dt, per...), im.pos)
	im.vals[in.GetName()] = v
}

func dimString(d *onnxpb.TensorShapeProto_Dimension) string {
	if p := d.GetDimParam(); p != "" {
		return "symbolic (" + p + ")"
	}
	if d.GetDimValue() == 0 {
		return "unknown"
	}
	return fmt.Sprint(d.GetDimValue())
}

// checkDeclared compares a value's declared ONNX shape, where the file
// gives one, with the shape kiln inferred.
func (im *importer) checkDeclared(n *onnxpb.NodeProto, vi *onnxpb.ValueInfoProto, v *ir.Value) {
	dims := vi.GetType().GetTensorType().GetShape().GetDim()
	if len(dims) == 0 {
		return
	}
	want := v.Type.Dims
	if len(dims) != len(want)+1 {
		im.problem("%s: the file declares %q with rank %d, kiln infers %v", im.where(n), vi.GetName(), len(dims), v.Type)
		return
	}
	for k, d := range dims[1:] {
		if d.GetDimValue() > 0 && int(d.GetDimValue()) != want[k] {
			im.problem("%s: the file declares %q as %v, kiln infers %v", im.where(n), vi.GetName(), declaredString(dims), v.Type)
			return
		}
	}
}

func declaredString(dims []*onnxpb.TensorShapeProto_Dimension) string {
	var s []string
	for _, d := range dims {
		if d.GetDimParam() != "" {
			s = append(s, d.GetDimParam())
		} else {
			s = append(s, fmt.Sprint(d.GetDimValue()))
		}
	}
	return "[" + strings.Join(s, ",") + "]"
}

func (im *importer) where(n *onnxpb.NodeProto) string {
	if n == nil {
		return "graph output"
	}
	return fmt.Sprintf("node %d %q (%s, opset %d)", im.index[n], n.GetName(), n.GetOpType(), im.opset)
}

// node imports one node through its op's rule.
func (im *importer) node(n *onnxpb.NodeProto) {
	domain := n.GetDomain()
	key := n.GetOpType()
	if domain != "" && domain != "ai.onnx" {
		key = domain + "." + key // a row of another domain names it
	}
	rule, ok := rules[key]
	if !ok {
		im.unsupported = append(im.unsupported, UnsupportedNode{Index: im.index[n], Name: n.GetName(), Domain: domain, Op: n.GetOpType(), Opset: im.opset})
		return
	}
	if len(n.GetOutput()) == 0 || n.GetOutput()[0] == "" {
		im.problem("%s: the node has no output", im.where(n))
		return
	}
	nd := &node{im: im, n: n}
	for _, in := range n.GetInput() {
		if in == "" {
			continue // an omitted optional input
		}
		_, quantized := im.qvals[in]
		_, intermediate := im.integer[in]
		if im.vals[in] == nil && im.consts[in] == nil && !quantized && !intermediate {
			// An input made by a node that failed or is unsupported:
			// that node has been reported already.
			if len(im.problems) == 0 && len(im.unsupported) == 0 {
				im.problem("%s: input %q is not defined by any earlier node, initializer or graph input", im.where(n), in)
			}
			return
		}
	}
	var err error
	intermediate := slices.ContainsFunc(n.GetInput(), func(in string) bool { return im.integer[in] != nil })
	switch q, ok := im.qvals[nd.inputName(0)]; {
	case intermediate && n.GetOpType() == "Cast":
		err = importIntegerCast(nd)
	case intermediate && n.GetOpType() == "Mul":
		err = importIntegerMul(nd)
	case intermediate && !takesInteger[n.GetOpType()]:
		err = fmt.Errorf("reads an intermediate of dynamic quantization (DynamicQuantizeLinear's results, MatMulInteger's or ConvInteger's, the product of their scales); kiln reads those only as the integer layer's Cast and Mul by its scales")
	case ok && !takesQuantized[n.GetOpType()]:
		err = im.onQuantized(nd, rule, q)
	default:
		err = rule(nd)
	}
	if err != nil {
		im.problem("%s: %v", im.where(n), err)
	}
}

// fresh returns a graph name based on base that no value has yet.
func (im *importer) fresh(base string) string {
	if base == "" || base == "_" {
		base = "v"
	}
	name := base
	for k := 1; im.names[name]; k++ {
		name = fmt.Sprintf("%s_%d", base, k)
	}
	im.names[name] = true
	return name
}

// sanitize turns an ONNX name into a kiln identifier (frontend.Identifier);
// exporters' path-like names lose their leading slash ("/fc1/Gemm" becomes
// "fc1_Gemm"). An empty name stays empty.
func sanitize(s string) string {
	s = strings.TrimLeft(s, "/")
	if s == "" {
		return ""
	}
	return frontend.Identifier(s)
}
