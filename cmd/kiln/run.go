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
		args:    "FILE.kiln -w W.safetensors --input X.npy [-o Y.npy] | MODEL.kbc --input X.npy [-o Y.npy]",
		summary: "run a model on inputs from NPY/NPZ files: a .kiln file in float, a .kbc file on the VM",
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
	path, err := oneArg(fs, "FILE.kiln")
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
	if strings.HasSuffix(path, ".kbc") {
		if fs.Changed("weights") {
			return usagef("-w is for a .kiln model: a .kbc file holds its weights")
		}
		if len(inputs) == 0 {
			return usagef("missing --input X.npy")
		}
		if err := checkOutputs(fs, out); err != nil {
			return err
		}
		return runKBC(e, path, inputs, out)
	}
	if weights == "" {
		return usagef("missing -w W.safetensors")
	}
	if len(inputs) == 0 {
		return usagef("missing --input X.npy")
	}
	if out != "" && !strings.HasSuffix(out, ".npy") && !strings.HasSuffix(out, ".npz") {
		return usagef("-o must name a .npy or .npz file, got %q", out)
	}
	if err := checkOutputs(fs, out); err != nil {
		return err
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	g := prog.Graph
	if out != "" && strings.HasSuffix(out, ".npy") && len(g.Outputs) > 1 {
		return usagef("model %s has %d outputs: write them to a .npz file", g.Name, len(g.Outputs))
	}
	if err := bindWeights(g, weights); err != nil {
		return err
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

// readFeeds reads the --input arguments into a tensor per model input.
func readFeeds(g *ir.Graph, args []string) (map[string]*tensor.Tensor, error) {
	inputs := g.Inputs()
	byName := map[string]*ir.Value{}
	for _, in := range inputs {
		byName[in.Name] = in
	}
	feeds := map[string]*tensor.Tensor{}
	put := func(name string, t *tensor.Tensor, from string) error {
		in := byName[name]
		if in == nil {
			return fmt.Errorf("%s: model %s has no input named %q (its inputs: %s)", from, g.Name, name, inputNames(inputs))
		}
		if _, dup := feeds[name]; dup {
			return fmt.Errorf("%s: input %s is given twice", from, name)
		}
		t, err := fitInput(in, t)
		if err != nil {
			return fmt.Errorf("%s: %w", from, err)
		}
		feeds[name] = t
		return nil
	}
	for _, arg := range args {
		name, file, named := strings.Cut(arg, "=")
		if !named || byName[name] == nil {
			name, file = "", arg
		}
		if strings.HasSuffix(file, ".npz") && name == "" {
			ts, err := data.LoadNPZ(file)
			if err != nil {
				return nil, err
			}
			for _, t := range ts {
				if err := put(t.Name, t.T, file); err != nil {
					return nil, err
				}
			}
			continue
		}
		t, err := data.LoadNPY(file)
		if err != nil {
			return nil, err
		}
		if name == "" {
			if len(inputs) != 1 {
				return nil, usagef("model %s has %d inputs (%s): name them, as --input NAME=%s", g.Name, len(inputs), inputNames(inputs), filepath.Base(file))
			}
			name = inputs[0].Name
		}
		if err := put(name, t, file); err != nil {
			return nil, err
		}
	}
	for _, in := range inputs {
		if feeds[in.Name] == nil {
			return nil, fmt.Errorf("no data for input %s %v", in.Name, in.Type)
		}
	}
	return feeds, nil
}

// fitInput checks a tensor against an input and gives a single sample
// (a tensor of the per-sample shape) its batch dimension.
func fitInput(in *ir.Value, t *tensor.Tensor) (*tensor.Tensor, error) {
	if t.DType != in.Type.DType {
		return nil, fmt.Errorf("input %s wants %v data, the file holds %v", in.Name, in.Type.DType, t.DType)
	}
	if tensor.ShapeEqual(t.Shape, in.Type.Dims) {
		t = &tensor.Tensor{DType: t.DType, Shape: append([]int{1}, t.Shape...), F32: t.F32, I32: t.I32, I8: t.I8, U8: t.U8}
	}
	if len(t.Shape) != in.Type.Rank()+1 || !tensor.ShapeEqual(t.Shape[1:], in.Type.Dims) {
		return nil, fmt.Errorf("input %s wants %v, the file holds %v", in.Name, in.Type, t)
	}
	if t.Shape[0] == 0 {
		return nil, fmt.Errorf("input %s: the file holds no samples (%v)", in.Name, t)
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
