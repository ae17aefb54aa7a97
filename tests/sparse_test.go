package tests

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/runtime"
)

// TestSparseBitExact runs a pruned LeNet-300-100 with the VM's choice of
// kernels and with every layer forced dense, on both kernel sets, at
// batches where the choice differs, against the reference executor.
func TestSparseBitExact(t *testing.T) {
	b := lenet300Pruned(t, 0.93).built
	for _, n := range []int{1, 3, 64, 65} {
		bt := makeBatch(b, n, 5)
		want, _ := reference(t, b.quant, bt)
		for _, portable := range []bool{true, false} {
			for _, dense := range []bool{true, false} {
				m, err := runtime.Load(b.kbc, &runtime.Options{Portable: portable, ForceDense: dense})
				if err != nil {
					t.Fatal(err)
				}
				// The choice is the model's: the sparse form exists unless
				// forced dense.
				var listing strings.Builder
				m.Disassemble(&listing, 0)
				if got := strings.Contains(listing.String(), "sparse kernels, where they are faster, for:"); got == dense {
					t.Fatalf("portable=%v, dense=%v: sparse layers listed: %v\n%s", portable, dense, got, listing.String())
				}
				s, err := m.NewSession(n)
				if err != nil {
					t.Fatal(err)
				}
				out := outputsFor(m, n, false)
				if err := s.Run(bt.values, out); err != nil {
					t.Fatal(err)
				}
				// Equal floats from the same dequantization: equal int8.
				if !slices.Equal(out[0].F32, want[0].F32) {
					t.Fatalf("batch %d, portable=%v, dense=%v: the outputs differ from the reference", n, portable, dense)
				}
			}
		}
	}
}

// BenchmarkSparseLeNet300100 times Session.Run on LeNet-300-100 with 93%
// of each dense layer's weights zero, with the VM's choice of kernels
// ("chosen") and forced dense:
//
//	go test ./tests -run '^$' -bench SparseLeNet -count 6
func BenchmarkSparseLeNet300100(b *testing.B) {
	built := lenet300Pruned(b, 0.93).built
	benchKernelChoice(b, built.kbc, func(m *runtime.Model, n int) []runtime.Value { return makeBatch(built, n, 3).values })
}

// BenchmarkFile times the .kbc file KILN_BENCH_KBC names (a model kiln
// compress or kiln shrink wrote, say) in the same way, on zero inputs;
// it is skipped without one:
//
//	KILN_BENCH_KBC=$PWD/l300.kbc go test ./tests -run '^$' -bench File -count 6
func BenchmarkFile(b *testing.B) {
	file := os.Getenv("KILN_BENCH_KBC")
	if file == "" {
		b.Skip("KILN_BENCH_KBC names no .kbc file")
	}
	kbc, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	benchKernelChoice(b, kbc, func(m *runtime.Model, n int) []runtime.Value { return inputsFor(m, n, nil) })
}

// benchKernelChoice times a model at batch 1 and 64, with the VM's
// choice of kernels and forced dense.
func benchKernelChoice(b *testing.B, kbc []byte, inputs func(*runtime.Model, int) []runtime.Value) {
	for _, n := range []int{1, 64} {
		for _, dense := range []bool{false, true} {
			name := fmt.Sprintf("batch=%d/chosen", n)
			if dense {
				name = fmt.Sprintf("batch=%d/dense", n)
			}
			b.Run(name, func(b *testing.B) {
				m, err := runtime.Load(kbc, &runtime.Options{ForceDense: dense})
				if err != nil {
					b.Fatal(err)
				}
				s := newSession(b, m, n)
				in, out := inputs(m, n), outputsFor(m, n, false)
				b.ReportAllocs()
				for b.Loop() {
					if err := s.Run(in, out); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "examples/s")
			})
		}
	}
}
