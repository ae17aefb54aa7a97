package tests

import (
	"os"
	"testing"

	"github.com/kiln-nn/kiln/runtime"
)

// FuzzLoad feeds arbitrary bytes to the loader with the checksum check off,
// so that what is fuzzed is the structural validation: a file must load
// with an error, or load and run (to an error or a result) — never panic
// or fault.
//
//	go test ./tests -run '^$' -fuzz FuzzLoad -fuzztime 10m
func FuzzLoad(f *testing.F) {
	tiny, err := os.ReadFile(tinyKBC)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tiny)
	ops, err := os.ReadFile(opsKBC) // every opcode
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ops)
	for _, b := range buildExamples(f) {
		if len(b.kbc) < 20000 {
			f.Add(b.kbc)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := runtime.Load(b, &runtime.Options{SkipChecksum: true, MaxFileSize: 1 << 20})
		if err != nil {
			return
		}
		var in, out []runtime.Value
		for _, i := range m.Inputs() {
			n := 1
			for _, d := range i.Shape {
				n *= d
			}
			if i.DType == runtime.I32 {
				in = append(in, runtime.Value{I32: make([]int32, n)})
			} else {
				in = append(in, runtime.Value{F32: make([]float32, n)})
			}
		}
		for _, o := range m.Outputs() {
			n := 1
			for _, d := range o.Shape {
				n *= d
			}
			out = append(out, runtime.Value{F32: make([]float32, n)})
		}
		m.NewSession(1).Run(in, out)
	})
}
