package tests

import (
	"fmt"
	"os"
	"testing"

	"github.com/kiln-nn/kiln/runtime"
)

// BenchmarkRunLeNet300100 times Session.Run, argument checks included, on
// LeNet-300-100 (random weights: the time does not depend on them) at
// batch 1 and 64, on the default kernels. Run's checks of its inputs
// (the scan for NaN and infinities among them) show here as the
// difference with a model loaded with Options.AllowNonFinite:
//
//	go test ./tests -run '^$' -bench RunLeNet300100 -count 10
func BenchmarkRunLeNet300100(b *testing.B) {
	src, err := os.ReadFile("../examples/lenet_300_100.kiln")
	if err != nil {
		b.Fatal(err)
	}
	built, err := buildSource("lenet_300_100.kiln", src)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 64} {
		for _, allow := range []bool{false, true} {
			name := fmt.Sprintf("batch=%d/checked", n)
			if allow {
				name = fmt.Sprintf("batch=%d/nonfinite-allowed", n)
			}
			b.Run(name, func(b *testing.B) {
				m, err := runtime.Load(built.kbc, &runtime.Options{AllowNonFinite: allow})
				if err != nil {
					b.Fatal(err)
				}
				s := newSession(b, m, n)
				in := makeBatch(built, n, 3).values
				out := outputsFor(m, n, false)
				b.ReportAllocs()
				for b.Loop() {
					if err := s.Run(in, out); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
