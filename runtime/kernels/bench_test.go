package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kiln-nn/kiln/runtime/kernels/ref"
)

// layer is one matrix product: m rows of k activations times n outputs,
// or with rhs, n outputs for m columns of k activations
// (MatMulRequantRHS).
type layer struct {
	m, n, k int
	rhs     bool
}

type benchNet struct {
	name   string
	layers []layer
}

// benchNets are the products of the reference models: a 1024x1024 dense
// layer, LeNet-300-100 and LeNet-5, whose convolutions run per sample,
// either as [filters][k] weights times [k][positions] patches
// (MatMulRequantRHS: "conv") or as [positions][k] patches times the
// weights ("conv-rows").
func benchNets(batch int) []benchNet {
	return []benchNet{
		{"dense1024", []layer{{batch, 1024, 1024, false}}},
		{"lenet300/fc1", []layer{{batch, 300, 784, false}}},
		{"lenet300/fc2", []layer{{batch, 100, 300, false}}},
		{"lenet300/fc3", []layer{{batch, 10, 100, false}}},
		{"lenet300/all", []layer{{batch, 300, 784, false}, {batch, 100, 300, false}, {batch, 10, 100, false}}},
		{"lenet5/conv1", []layer{{784, 6, 25, true}}},
		{"lenet5/conv2", []layer{{100, 16, 150, true}}},
		{"lenet5/conv1-rows", []layer{{784, 6, 25, false}}},
		{"lenet5/conv2-rows", []layer{{100, 16, 150, false}}},
		{"lenet5/fc1", []layer{{batch, 120, 400, false}}},
		{"lenet5/fc2", []layer{{batch, 84, 120, false}}},
		{"lenet5/fc3", []layer{{batch, 10, 84, false}}},
	}
}

func BenchmarkMatMulRequant(b *testing.B) {
	for _, batch := range []int{1, 64} {
		for _, net := range benchNets(batch) {
			if batch > 1 && net.layers[0].m != batch {
				continue // per-sample convolutions: the same at any batch
			}
			benchKernels(b, fmt.Sprintf("%s/b%d", net.name, batch), net.layers)
		}
	}
}

func benchKernels(b *testing.B, name string, layers []layer) {
	rng := rand.New(rand.NewPCG(1, 1))
	type prepared struct {
		l       layer
		p       *PackedWeights
		x, out  []int8
		bias    []int32
		mult    []int32
		shift   []int32
		scratch []int32
	}
	var ls []prepared
	macs := 0
	for _, l := range layers {
		p := Pack(weights(rng, l.n*l.k), l.n, l.k)
		mult, shift := make([]int32, l.n), make([]int32, l.n)
		for j := range mult {
			mult[j], shift[j] = int32(1<<30+rng.IntN(1<<30)), -int32(rng.IntN(12))
		}
		size := ScratchSize(p, l.m)
		if l.rhs {
			size = ScratchSizeRHS(p, l.m)
		}
		ls = append(ls, prepared{l, p, activations(rng, l.m*l.k), make([]int8, l.m*l.n),
			make([]int32, l.n), mult, shift, make([]int32, size)})
		macs += l.m * l.n * l.k
	}
	defer useSet(portableSet)()
	for _, set := range append([]*kernelSet{portableSet}, asmSets...) {
		if set.lacks() != "" {
			continue
		}
		useSet(set)
		b.Run(name+"/"+set.name, func(b *testing.B) {
			for b.Loop() {
				for i := range ls {
					l := &ls[i]
					if l.l.rhs {
						MatMulRequantRHS(l.l.m, l.x, l.l.m, l.p, l.bias, l.mult, l.shift, 0, -128, 127, l.out, l.l.m, l.scratch)
					} else {
						MatMulRequant(l.l.m, l.x, l.l.k, l.p, l.bias, l.mult, l.shift, 0, -128, 127, l.out, l.l.n, l.scratch)
					}
				}
			}
			b.ReportMetric(float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}

// BenchmarkQuantize quantizes a batch of 64 MNIST-sized inputs of random
// sign, against the reference.
func BenchmarkQuantize(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	in := make([]float32, 64*784)
	for i := range in {
		in[i] = float32(rng.NormFloat64())
	}
	out := make([]int8, len(in))
	b.Run("kernels", func(b *testing.B) {
		for b.Loop() {
			Quantize(1.0/255, -128, in, out)
		}
	})
	b.Run("ref", func(b *testing.B) {
		for b.Loop() {
			ref.Quantize(1.0/255, -128, in, out)
		}
	})
}

// BenchmarkDequantize dequantizes a batch of 64 outputs of 1024, against
// the reference.
func BenchmarkDequantize(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	in := make([]int8, 64*1024)
	for i := range in {
		in[i] = int8(rng.IntN(256) - 128)
	}
	out := make([]float32, len(in))
	for _, f := range []struct {
		name string
		run  func(float32, int32, []int8, []float32)
	}{{"kernels", Dequantize}, {"portable", DequantizePortable}, {"ref", ref.Dequantize}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				f.run(0.0123, 3, in, out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in)), "ns/value")
		})
	}
}

// BenchmarkMaxPool pools LeNet-5's two layers for a batch of 64.
func BenchmarkMaxPool(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	ps := []ref.PoolParams{
		{N: 64, C: 6, H: 28, W: 28, KH: 2, KW: 2, StrideH: 2, StrideW: 2, OH: 14, OW: 14, ActMin: -128, ActMax: 127},
		{N: 64, C: 16, H: 10, W: 10, KH: 2, KW: 2, StrideH: 2, StrideW: 2, OH: 5, OW: 5, ActMin: -128, ActMax: 127},
	}
	for _, impl := range []struct {
		name string
		f    func(*ref.PoolParams, []int8, []int8)
	}{{"kernels", MaxPool}, {"ref", ref.MaxPool}} {
		b.Run(impl.name, func(b *testing.B) {
			ins, outs := make([][]int8, len(ps)), make([][]int8, len(ps))
			for i, p := range ps {
				ins[i], outs[i] = activations(rng, p.N*p.C*p.H*p.W), make([]int8, p.N*p.C*p.OH*p.OW)
			}
			for b.Loop() {
				for i := range ps {
					impl.f(&ps[i], ins[i], outs[i])
				}
			}
		})
	}
}
