package main

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/fsutil"
	"github.com/kiln-nn/kiln/tensor"
)

// kiln import: an .onnx as an editable .kiln description and its weights.

func init() {
	register(&command{
		name:    "import",
		args:    "MODEL.onnx -o MODEL.kiln",
		summary: "write an ONNX model as a .kiln description and its weights (MODEL.safetensors beside it), which then build like any kiln model",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("output", "o", "", "the .kiln file to write; the weights go to the same name with .safetensors")
			forceFlag(fs)
		},
		run: runImport,
	})
}

func runImport(e *env, fs *pflag.FlagSet) error {
	path, err := oneArg(fs, "MODEL.onnx")
	if err != nil {
		return err
	}
	f := flags(fs)
	out := f.String("output")
	if err := f.Err(); err != nil {
		return err
	}
	if out == "" {
		return usagef("missing -o MODEL.kiln")
	}
	if filepath.Ext(out) != ".kiln" {
		return usagef("-o must name a .kiln file, got %q", out)
	}
	if _, err := modelKind("import", path); err != nil {
		return err
	}
	weightsPath := strings.TrimSuffix(out, ".kiln") + ".safetensors"
	if err := checkOutputs(fs, out, weightsPath); err != nil {
		return err
	}
	prog, err := loadProgram(e, path)
	if err != nil {
		return err
	}
	src, weights, err := frontend.Describe(prog.Graph)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// Check the description before writing anything: it must read back.
	if _, err := frontend.Compile(out, src); err != nil {
		return fmt.Errorf("internal error: the description of %s does not check: %w", path, err)
	}
	header := fmt.Sprintf("// Imported from %s by kiln import; weights in %s.\n", filepath.Base(path), filepath.Base(weightsPath))
	st := &data.Safetensors{Metadata: map[string]string{"model": prog.Graph.Name, "source": filepath.Base(path)}}
	names := make([]string, 0, len(weights))
	for name := range weights {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		st.Tensors = append(st.Tensors, data.Named{Name: name, T: weights[name]})
	}
	if err := data.SaveSafetensors(weightsPath, st); err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(out, func(w io.Writer) error {
		_, err := io.WriteString(w, header+string(src))
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s and %s: %d parameters in %d tensors\n", out, weightsPath, countParams(weights), len(weights))
	return nil
}

func countParams(weights map[string]*tensor.Tensor) int {
	n := 0
	for _, t := range weights {
		n += t.Len()
	}
	return n
}
