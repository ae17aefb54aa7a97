package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// emulatedBlock is amxBlock's contract in Go: TDPBSSD's signed sums of
// blocks of 32 rows with every pair of panels over every chunk. It stands
// in for the tiles on CPUs without AMX, so that the Go side of the amx
// set (the layout, padding, blocking, the last rows) is tested
// everywhere; the tiles themselves run where the CPU has AMX.
func emulatedBlock(cfg *[64]byte, chunks int, a *int8, lda int, b *int8, bstride int, c *int32, ldc int, pairs int, blocks int) {
	if *cfg != amxFull {
		panic("amx: bad tile configuration")
	}
	rows := 32 * blocks
	as := unsafe.Slice(a, (rows-1)*lda+64*chunks)
	bs := unsafe.Slice(b, (2*pairs-1)*bstride+1024*chunks)
	cs := unsafe.Slice(c, ((rows-1)*ldc+128*pairs)/4)
	for r := range rows {
		for col := range 32 * pairs {
			var sum int32
			for i := range 64 * chunks {
				sum += int32(as[r*lda+i]) * int32(bs[(col/16)*bstride+64*(i/4)+4*(col%16)+i%4])
			}
			cs[r*ldc/4+col] = sum
		}
	}
}

// TestAMXGoSide runs dense cases of 16 rows or more through the amx set's
// product with the tiles emulated.
func TestAMXGoSide(t *testing.T) {
	defer func(f func() bool) { amxSizing = f }(amxSizing)
	amxSizing = func() bool { return true }
	emulated := &kernelSet{name: "amx", lacks: func() string { return "" },
		matMulRequant: func(m int, x []int8, lda int, p *PackedWeights, q requant, out []int8, ldo int, scratch []int32) {
			if m < amxMinRows {
				matMulRequantPortable(m, x, lda, p, &q, out, ldo, scratch)
				return
			}
			matMulRequantTiles(emulatedBlock, m, x, lda, p, &q, out, ldo, scratch)
		},
		matMulRequantRHS: rhsAVX2}
	if err := selfTest(emulated); err != nil {
		t.Fatal(err)
	}
	defer useSet(emulated)()
	amxCases(t)
	// No allocations, the tail of fewer than 16 rows included.
	rng := rand.New(rand.NewPCG(3, 4))
	m, n, k := 40, 50, 70
	x, w := activations(rng, m*k), weights(rng, n*k)
	p := Pack(w, n, k)
	bias, mult, shift := make([]int32, n), []int32{1 << 30}, []int32{-7}
	out, scratch := make([]int8, m*n), make([]int32, ScratchSize(p, m))
	if a := testing.AllocsPerRun(10, func() {
		MatMulRequant(m, x, k, p, bias, mult, shift, 0, -128, 127, out, n, scratch)
	}); a != 0 {
		t.Errorf("%v allocations per product", a)
	}
}

// amxCases runs dense cases of 16 rows or more (blocks of 32, a last
// block of 16 or more, a tail of fewer) through the selected set, with
// each number of blocks a call.
func amxCases(t *testing.T) {
	defer func(b int) { amxCallBlocks = b }(amxCallBlocks)
	for _, blocks := range []int{1, 2, amxMaxCallBlocks} {
		amxCallBlocks = blocks
		rng := rand.New(rand.NewPCG(3, uint64(blocks)))
		for i := range 40 {
			c := newCase(rng, 16+rng.IntN(100), 1+rng.IntN(40), 1+rng.IntN(150), i%2 == 0)
			c.run(t, Pack(c.w, c.n, c.k))
		}
		for _, m := range []int{16, 17, 31, 32, 33, 47, 48, 64, 100, 129, 200} {
			c := newCase(rng, m, 100, 300, m%2 == 1)
			c.run(t, Pack(c.w, c.n, c.k))
		}
	}
}

// TestAMXBlocks runs the cases of TestAMXGoSide on the tiles themselves.
func TestAMXBlocks(t *testing.T) {
	if lacks := amxSet.lacks(); lacks != "" {
		t.Skipf("this CPU lacks %s", lacks)
	}
	defer useSet(amxSet)()
	amxCases(t)
}

// BenchmarkAMXBlocks times the amx set's dense products with 1, 2 and 4
// blocks of 32 rows a call:
//
//	go test ./runtime/kernels -run '^$' -bench AMXBlocks
func BenchmarkAMXBlocks(b *testing.B) {
	if lacks := amxSet.lacks(); lacks != "" {
		b.Skipf("this CPU lacks %s", lacks)
	}
	defer useSet(amxSet)()
	defer func(n int) { amxCallBlocks = n }(amxCallBlocks)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sh := range [][3]int{{64, 1024, 1024}, {256, 1024, 1024}, {64, 300, 784}} {
		m, n, k := sh[0], sh[1], sh[2]
		x, w := activations(rng, m*k), weights(rng, n*k)
		p := Pack(w, n, k)
		bias, mult, shift := make([]int32, n), []int32{1 << 30}, []int32{-7}
		out, scratch := make([]int8, m*n), make([]int32, ScratchSize(p, m))
		for _, blocks := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("%dx%dx%d/blocks=%d", m, n, k, blocks), func(b *testing.B) {
				amxCallBlocks = blocks
				for b.Loop() {
					MatMulRequant(m, x, k, p, bias, mult, shift, 0, -128, 127, out, n, scratch)
				}
				b.ReportMetric(float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
	}
}
