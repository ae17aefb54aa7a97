package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
)

func init() {
	register(&command{
		name:    "run",
		args:    "FILE.kiln -w W.safetensors --input X.npy [-o Y.npy] [--top K] | Q.kir --input X.npy [-o Y.npy] [--top K] | MODEL.kbc --input X.npy [-o Y.npy] [--top K]",
		summary: "run a model on inputs from NPY/NPZ files: a .kiln file in float, a .kir on the integer reference executor, a .kbc on the VM",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("weights", "w", "", "weights (safetensors), bound to parameters by name")
			fs.StringArrayP("input", "i", nil, "input data: X.npy for a one-input model, NAME=X.npy, or X.npz holding every input by name (repeatable)")
			fs.StringP("output", "o", "", "write the outputs: Y.npy for one output, Y.npz for several (by name)")
			forceFlag(fs)
			fs.Int("top", 0, "print, per example, the K most probable classes and their probabilities (the softmax of the output, or the sigmoid of a single logit, unless the output is a probability already)")
			fs.String("labels", "", "with --top: name the classes as data set `SET` does (mnist, fashion-mnist, gestures:FILE, ...); default for a .kiln model: its train block's data, if that names them")
		},
		run: runRun,
	})
}

func runRun(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "FILE.kiln, Q.kir or MODEL.kbc")
	if err != nil {
		return err
	}
	f := flags(fs)
	weights, inputs, out, k, labels := f.String("weights"), f.StringArray("input"), f.String("output"), f.Int("top"), f.String("labels")
	if err := f.Err(); err != nil {
		return err
	}
	if k < 0 || fs.Changed("top") && k == 0 {
		return usagef("--top must be at least 1, got %d", k)
	}
	if labels != "" && k == 0 {
		return usagef("--labels names the classes --top prints: give --top K too")
	}
	top := topOptions{k: k, spec: labels, dir: "."}
	if out != "" && !strings.HasSuffix(out, ".npy") && !strings.HasSuffix(out, ".npz") {
		return usagef("-o must name a .npy or .npz file, got %q", out)
	}
	kind, err := modelKind("run", path)
	if err != nil {
		return err
	}
	var g *ir.Graph
	switch kind {
	case kindKBC, kindKIR:
		if fs.Changed("weights") {
			return usagef("-w is for a .kiln model: %s holds its weights", path)
		}
		if len(inputs) == 0 {
			return usagef("missing --input X.npy")
		}
		if err := checkOutputs(fs, out); err != nil {
			return err
		}
		if kind == kindKBC {
			return runKBC(e, path, inputs, out, top)
		}
		if g, err = loadKIR(e, path, true); err != nil {
			return err
		}
	default:
		if err := weightsGiven(path, weights); err != nil {
			return err
		}
		if len(inputs) == 0 {
			return usagef("missing --input X.npy")
		}
		if err := checkOutputs(fs, out); err != nil {
			return err
		}
		prog, err := loadProgram(e, path)
		if err != nil {
			return err
		}
		g = prog.Graph
		if weights != "" {
			if err := bindWeights(g, weights); err != nil {
				return err
			}
		}
		if top.spec == "" && prog.Train != nil {
			if s := prog.Train.Get("data"); s != nil {
				top.spec, top.dir, top.fromTrain = s.Value.Text, prog.Dir, true
			}
		}
	}
	if out != "" && strings.HasSuffix(out, ".npy") && len(g.Outputs) > 1 {
		return usagef("model %s has %d outputs: write them to a .npz file", g.Name, len(g.Outputs))
	}
	feeds, err := readFeeds(g, inputs)
	if err != nil {
		return err
	}
	outs, err := ir.Run(g, feeds)
	if err != nil {
		return err
	}
	if top.k > 0 {
		var probs []bool
		for _, o := range g.Outputs {
			probs = append(probs, isProbability(o))
		}
		if err := printTop(e, outputNames(g.Outputs), outs, probs, top); err != nil {
			return err
		}
	}
	switch {
	case out == "" && top.k > 0:
		return nil
	case out == "":
		for i, o := range g.Outputs {
			printTensor(e.stdout, o.Name, outs[i])
		}
		return nil
	case strings.HasSuffix(out, ".npy"):
		return data.SaveNPY(out, outs[0])
	default:
		named := make([]data.Named, len(outs))
		for i, o := range g.Outputs {
			named[i] = data.Named{Name: o.Name, T: outs[i]}
		}
		return data.SaveNPZ(out, named)
	}
}

// readFeeds reads the --input arguments into a tensor per model input,
// for every kind of model: a .kiln's or a .kir's graph, or a .kbc's
// interface (kbcInterface). An argument is X.npy for a one-input model,
// NAME=X.npy, or an NPZ archive holding inputs by name; files are told
// apart by their content. Every input gets the same number of samples.
func readFeeds(g *ir.Graph, args []string) (map[string]*tensor.Tensor, error) {
	inputs := g.Inputs()
	byName := map[string]*ir.Value{}
	for _, in := range inputs {
		byName[in.Name] = in
	}
	feeds := map[string]*tensor.Tensor{}
	from := map[string]string{} // input -> the file it came from
	put := func(name string, a data.Array, file string) error {
		in := byName[name]
		if in == nil {
			return fmt.Errorf("%s: model %s has no input named %q (its inputs: %s)", file, g.Name, name, inputNames(inputs))
		}
		if _, dup := feeds[name]; dup {
			return fmt.Errorf("%s: input %s is given twice", file, name)
		}
		t, err := fitInput(in, a, file)
		if err != nil {
			return err
		}
		feeds[name], from[name] = t, file
		return nil
	}
	for _, arg := range args {
		name, file, named := strings.Cut(arg, "=")
		if !named || byName[name] == nil {
			name, file = "", arg
		}
		kind, err := expectKind(file, "--input", kindNPY, kindNPZ)
		if err != nil {
			return nil, err
		}
		if kind == kindNPZ {
			if name != "" {
				return nil, usagef("--input %s: %s is an NPZ archive, whose arrays are matched to the inputs by name: give it alone, as --input %s", arg, file, file)
			}
			arrays, err := data.LoadNPZArrays(file)
			if err != nil {
				return nil, err
			}
			for _, a := range arrays {
				if err := put(a.Name, a, file+": member "+a.Name); err != nil {
					return nil, err
				}
			}
			continue
		}
		a, err := data.LoadNPYArray(file)
		if err != nil {
			return nil, err
		}
		if name == "" {
			if len(inputs) != 1 {
				return nil, usagef("model %s has %d inputs (%s): name them, as --input NAME=%s", g.Name, len(inputs), inputNames(inputs), filepath.Base(file))
			}
			name = inputs[0].Name
		}
		if err := put(name, a, file); err != nil {
			return nil, err
		}
	}
	first := ""
	for _, in := range inputs {
		t := feeds[in.Name]
		switch {
		case t == nil:
			return nil, fmt.Errorf("no data for input %s, %v: give --input %s=X.npy", in.Name, in.Type, in.Name)
		case first == "":
			first = in.Name
		case t.Shape[0] != feeds[first].Shape[0]:
			return nil, fmt.Errorf("%s holds %d samples for input %s, %s holds %d for input %s: every input needs as many", from[in.Name], t.Shape[0], in.Name, from[first], feeds[first].Shape[0], first)
		}
	}
	return feeds, nil
}

// fitInput checks an array read from file against a model input and
// gives a single example (an array of the per-example shape) its batch
// dimension. Types are written as the IR writes them, f32[N,1,28,28] for
// a batch and f32[1,28,28] for one example; the file's element type as
// NumPy names it.
func fitInput(in *ir.Value, a data.Array, file string) (*tensor.Tensor, error) {
	t := a.T
	held := a.Stored + tensor.FormatShape(t.Shape)
	one := ir.Unbatched(in.Type.DType, in.Type.Dims...)
	wants := fmt.Sprintf("input %s takes %v, or %v for one example", in.Name, in.Type, one)
	if t.DType != in.Type.DType {
		dt := data.NumPyName(in.Type.DType)
		return nil, fmt.Errorf("%s holds %s (%s); input %s takes %s data, %v or %v for one example: convert the array (x.astype(np.%s))", file, held, a.Descr, in.Name, dt, in.Type, one, dt)
	}
	if tensor.ShapeEqual(t.Shape, in.Type.Dims) {
		t = &tensor.Tensor{DType: t.DType, Shape: append([]int{1}, t.Shape...), F32: t.F32, I32: t.I32, I8: t.I8, U8: t.U8}
	}
	if len(t.Shape) != in.Type.Rank()+1 || !tensor.ShapeEqual(t.Shape[1:], in.Type.Dims) {
		return nil, fmt.Errorf("%s holds %s; %s", file, held, wants)
	}
	if t.Shape[0] == 0 {
		return nil, fmt.Errorf("%s holds no samples (%s); %s", file, held, wants)
	}
	return t, nil
}

func inputNames(inputs []*ir.Value) string {
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.Name
	}
	return strings.Join(names, ", ")
}

// printTensor prints a result for a human: its type, then up to eight
// samples of up to twelve values each.
func printTensor(w io.Writer, name string, t *tensor.Tensor) {
	fmt.Fprintf(w, "%s %v\n", name, t)
	n := 1
	if len(t.Shape) > 0 {
		n = t.Shape[0]
	}
	per := t.Len() / max(n, 1)
	const maxRows, maxCols = 8, 12
	for r := 0; r < min(n, maxRows); r++ {
		var b strings.Builder
		fmt.Fprintf(&b, "  [%d]", r)
		for c := 0; c < min(per, maxCols); c++ {
			b.WriteByte(' ')
			i := r*per + c
			switch t.DType {
			case tensor.F32:
				b.WriteString(strconv.FormatFloat(float64(t.F32[i]), 'g', 6, 32))
			case tensor.I32:
				b.WriteString(strconv.Itoa(int(t.I32[i])))
			case tensor.I8:
				b.WriteString(strconv.Itoa(int(t.I8[i])))
			case tensor.U8:
				b.WriteString(strconv.Itoa(int(t.U8[i])))
			}
		}
		if per > maxCols {
			fmt.Fprintf(&b, " ... (%d values)", per)
		}
		fmt.Fprintln(w, b.String())
	}
	if n > maxRows {
		fmt.Fprintf(w, "  ... (%d samples)\n", n)
	}
}

// topOptions is what --top and --labels ask for.
type topOptions struct {
	k         int
	spec, dir string // the data set that names the classes, "" for none
	fromTrain bool   // spec is the train block's, not --labels
}

// isProbability says whether a graph's output is a probability already:
// a softmax or sigmoid, float or int8 (seen through the dequantize that
// ends an int8 graph).
func isProbability(v *ir.Value) bool {
	for v.Op == ir.OpDequantize && len(v.Args) == 1 {
		v = v.Args[0]
	}
	switch v.Op {
	case ir.OpSoftmax, ir.OpSigmoid, ir.OpQSoftmax, ir.OpQLogistic:
		return true
	}
	return false
}

func outputNames(vs []*ir.Value) []string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.Name
	}
	return names
}

// printTop prints, for each output and each example, the opt.k most
// probable classes, most probable first, with their probabilities: the
// output itself where probs says it is a probability, else the softmax of
// its row (or, for a single value, the sigmoid of that logit, for classes
// 1 and 0). Each output must be a vector per example. Classes are named
// after the data set opt names when it names them.
func printTop(e *env, names []string, outs []*tensor.Tensor, probs []bool, opt topOptions) error {
	for i, t := range outs {
		if len(t.Shape) != 2 || t.DType != tensor.F32 {
			return usagef("--top ranks the classes of an output with one value per class; output %s is %v", names[i], t)
		}
	}
	classNames, from, err := classLabels(opt)
	if err != nil {
		return err
	}
	for i, t := range outs {
		n, c := t.Shape[0], t.Shape[1]
		classes := max(c, 2) // a single value is the probability of class 1
		k := min(opt.k, classes)
		labels := classNames
		if labels != nil && len(labels) != classes {
			if !opt.fromTrain {
				return fmt.Errorf("--labels %s names %d classes; output %s has %d", opt.spec, len(labels), names[i], classes)
			}
			labels = nil
		}
		how := "its softmax"
		switch {
		case c == 1 && probs[i]:
			how = "the probability of class 1"
		case c == 1:
			how = "the sigmoid of the logit, for class 1"
		case probs[i]:
			how = "the output, a probability"
		}
		named := ""
		if labels != nil {
			named = ", classes named as in " + from
		}
		fmt.Fprintf(e.stdout, "%s: top %d of %d classes by probability (%s)%s\n", names[i], k, classes, how, named)
		p := make([]float64, classes)
		order := make([]int, classes)
		for r := range n {
			row := t.F32[r*c : (r+1)*c]
			probabilities(row, probs[i], p)
			for j := range order {
				order[j] = j
			}
			sort.SliceStable(order, func(a, b int) bool { return p[order[a]] > p[order[b]] })
			var b strings.Builder
			fmt.Fprintf(&b, "  [%d]", r)
			for j, cls := range order[:k] {
				if j > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, " %d", cls)
				if labels != nil && labels[cls] != strconv.Itoa(cls) {
					fmt.Fprintf(&b, " %s", labels[cls])
				}
				b.WriteString(" " + percent(p[cls]))
			}
			fmt.Fprintln(e.stdout, b.String())
		}
	}
	return nil
}

// probabilities fills p with the class probabilities of one example's
// output row: the row itself when it holds probabilities, else its
// softmax; a single value is class 1's probability (or logit), and class
// 0 gets the rest.
func probabilities(row []float32, isProb bool, p []float64) {
	if len(row) == 1 {
		x := float64(row[0])
		if !isProb {
			x = 1 / (1 + math.Exp(-x))
		}
		p[0], p[1] = 1-x, x
		return
	}
	if isProb {
		for j, x := range row {
			p[j] = float64(x)
		}
		return
	}
	hi := math.Inf(-1)
	for _, x := range row {
		hi = max(hi, float64(x))
	}
	sum := 0.0
	for j, x := range row {
		p[j] = math.Exp(float64(x) - hi)
		sum += p[j]
	}
	for j := range p {
		p[j] /= sum
	}
}

// classLabels returns the class names of the data set opt names, and the
// set's name, or nil when there is none. A train block's set that cannot
// be opened or names no classes gives nil: the classes are then printed
// by index. --labels must name a set that names its classes.
func classLabels(opt topOptions) ([]string, string, error) {
	if opt.spec == "" {
		return nil, "", nil
	}
	split, err := data.Open(opt.spec, opt.dir)
	if err != nil {
		if opt.fromTrain {
			return nil, "", nil
		}
		return nil, "", fmt.Errorf("--labels: %w", err)
	}
	if split.Train.Labels == nil && !opt.fromTrain {
		return nil, "", fmt.Errorf("--labels: data set %s does not name its classes", opt.spec)
	}
	return split.Train.Labels, opt.spec, nil
}

// percent formats a probability as a percentage with two decimals; what
// would round to 100% or 0.00% without being that shows as >99.99% or
// <0.01%.
func percent(p float64) string {
	x := 100 * p
	switch {
	case x >= 99.995 && p < 1:
		return ">99.99%"
	case x > 0 && x < 0.005:
		return "<0.01%"
	}
	return strconv.FormatFloat(x, 'f', 2, 64) + "%"
}
