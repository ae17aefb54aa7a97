package main

import (
	"fmt"
	"io"
	"path/filepath"
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
		args:    "FILE.kiln -w W.safetensors --input X.npy [-o Y.npy] | Q.kir --input X.npy [-o Y.npy] | MODEL.kbc --input X.npy [-o Y.npy]",
		summary: "run a model on inputs from NPY/NPZ files: a .kiln file in float, a .kir on the integer reference executor, a .kbc on the VM",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("weights", "w", "", "weights (safetensors), bound to parameters by name")
			fs.StringArrayP("input", "i", nil, "input data: X.npy for a one-input model, NAME=X.npy, or X.npz holding every input by name (repeatable)")
			fs.StringP("output", "o", "", "write the outputs: Y.npy for one output, Y.npz for several (by name)")
			forceFlag(fs)
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
	weights, inputs, out := f.String("weights"), f.StringArray("input"), f.String("output")
	if err := f.Err(); err != nil {
		return err
	}
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
			return runKBC(e, path, inputs, out)
		}
		if g, err = loadKIR(e, path, true); err != nil {
			return err
		}
	default:
		if weights == "" {
			return usagef("missing -w W.safetensors")
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
		if err := bindWeights(g, weights); err != nil {
			return err
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
	switch {
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
