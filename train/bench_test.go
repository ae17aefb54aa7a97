package train

import (
	"testing"
	"time"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/frontend"
)

// BenchmarkEpochLeNet300100 trains LeNet-300-100 for one epoch over the
// 60,000 MNIST training images (batch 64, SGD with momentum, all cores),
// as `kiln train` does, without the evaluation pass.
//
//	go test ./train -run '^$' -bench EpochLeNet300100 -benchtime 3x -count 5
func BenchmarkEpochLeNet300100(b *testing.B) {
	split, err := data.Open("mnist", ".")
	if err != nil {
		b.Skipf("MNIST is not available: %v", err)
	}
	train := &data.Split{Train: split.Train}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		prog, _, err := frontend.Load("../examples/lenet_300_100.kiln")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := Train(prog.Graph, train, Config{Epochs: 1, Batch: 64, LR: 0.05, Optimizer: "sgd", Momentum: 0.9, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/epoch")
		b.ReportMetric(float64(split.Train.Len())/time.Since(start).Seconds(), "samples/s")
	}
}

// BenchmarkEpochLeNet5 is the same for LeNet-5 (convolutions).
func BenchmarkEpochLeNet5(b *testing.B) {
	split, err := data.Open("mnist", ".")
	if err != nil {
		b.Skipf("MNIST is not available: %v", err)
	}
	train := &data.Split{Train: split.Train}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		prog, _, err := frontend.Load("../examples/lenet5.kiln")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := Train(prog.Graph, train, Config{Epochs: 1, Batch: 64, LR: 0.001, Optimizer: "adam", Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/epoch")
		b.ReportMetric(float64(split.Train.Len())/time.Since(start).Seconds(), "samples/s")
	}
}
