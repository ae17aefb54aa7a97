// Package ortrun runs an ONNX file through ONNX Runtime, one sample at a
// time, for the harnesses that compare kiln with it: bench/ort_run.js
// under Node.js, with the npm package make bench installs.
package ortrun

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
)

// Input is one of a sample's inputs: its ONNX name, its full shape (batch
// 1 first) and its data, F32 or I32.
type Input struct {
	Name string
	Dims []int
	F32  []float32
	I32  []int32
}

type value struct {
	Name string `json:"name"`
	Dims []int  `json:"dims"`
	Data string `json:"data"`
	Type string `json:"type,omitempty"` // float32 (the default) or int32
}

// Available says why ONNX Runtime cannot run here (nil when it can):
// Node.js missing, or the npm package that make ort installs under
// root's bench/node_modules. Tests skip with its reason.
func Available(root string) error {
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("node is not installed: ONNX Runtime runs under Node.js")
	}
	if _, err := os.Stat(filepath.Join(root, "bench", "node_modules", "onnxruntime-node")); err != nil {
		return fmt.Errorf("ONNX Runtime's npm package is not installed (make ort installs it)")
	}
	return nil
}

// Run runs model (a path) on each sample and returns each output's float
// values, all samples in order. root is the repository's root.
func Run(root, model string, samples [][]Input) ([][]float32, error) {
	var spec struct {
		Samples [][]value `json:"samples"`
	}
	for _, sample := range samples {
		var vs []value
		for _, in := range sample {
			v := value{Name: in.Name, Dims: in.Dims}
			if in.I32 != nil {
				v.Type, v.Data = "int32", encode(in.I32)
			} else {
				v.Data = encode(in.F32)
			}
			vs = append(vs, v)
		}
		spec.Samples = append(spec.Samples, vs)
	}
	f, err := os.CreateTemp("", "kiln-ort-*.json")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if err := json.NewEncoder(f).Encode(spec); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("node", filepath.Join(root, "bench", "ort_run.js"), model, f.Name())
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node bench/ort_run.js: %v: %s (make bench installs ONNX Runtime's npm package)", err, stderr.String())
	}
	var res struct {
		Outputs [][]value `json:"outputs"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return nil, err
	}
	var outs [][]float32
	for _, sample := range res.Outputs {
		for k, o := range sample {
			if k >= len(outs) {
				outs = append(outs, nil)
			}
			raw, err := base64.StdEncoding.DecodeString(o.Data)
			if err != nil {
				return nil, err
			}
			for i := 0; i+4 <= len(raw); i += 4 {
				outs[k] = append(outs[k], math.Float32frombits(binary.LittleEndian.Uint32(raw[i:])))
			}
		}
	}
	return outs, nil
}

// encode writes 32-bit values little-endian, in base64.
func encode[T float32 | int32](v []T) string {
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, v)
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
