package tests

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/compiler"
	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/internal/testmodels"
	"github.com/kiln-nn/kiln/passes"
	"github.com/kiln-nn/kiln/runtime"
)

// codedKBC is a small model with pruned weights, built with coded
// constants: the runtime's hostile tests and the loader's fuzzer start
// from it (go test ./tests -run TestCodedKBC -update rewrites it).
const (
	codedKBC   = "../runtime/testdata/coded.kbc"
	codedModel = `// A small classifier with pruned weights, its constants coded.
model coded {
  input x: f32[64]
  h = relu(dense(x, 32))
  output p = softmax(dense(h, 10))
}
`
)

// prunedBuild compiles src with random weights, a fraction of each
// weight matrix's entries set to zero before quantization, and encodes
// the int8 graph twice: plain and coded.
type prunedBuild struct {
	built
	coded []byte
}

func buildPruned(t testing.TB, name, src string, zero float64) prunedBuild {
	t.Helper()
	p, err := frontend.Compile(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	testmodels.Randomize(g, 1)
	rng := rand.New(rand.NewPCG(2, 3))
	for _, v := range g.Params() {
		if len(v.Data.Shape) < 2 {
			continue // biases stay dense
		}
		for i := range v.Data.F32 {
			if rng.Float64() < zero {
				v.Data.F32[i] = 0
			}
		}
	}
	set := testmodels.Synthetic(g, 96, 2)
	r, err := compiler.Compile(g, compiler.Options{Until: compiler.Quantized,
		Calibration: &passes.Calibration{Data: testmodels.Feed(g, set, 32), Method: "minmax"}})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := compiler.Encode(r.Graph, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	coded, err := compiler.Encode(r.Graph, compiler.Options{Code: true})
	if err != nil {
		t.Fatal(err)
	}
	return prunedBuild{built: built{name: name, float: r.Float, quant: r.Graph, kbc: plain}, coded: coded}
}

func lenet300(t testing.TB) prunedBuild { return lenet300Pruned(t, 0.9) }

// lenet300Pruned builds LeNet-300-100 with random weights of which the
// given fraction is zeroed before quantization.
func lenet300Pruned(t testing.TB, zero float64) prunedBuild {
	t.Helper()
	src, err := os.ReadFile("../examples/lenet_300_100.kiln")
	if err != nil {
		t.Fatal(err)
	}
	return buildPruned(t, "lenet_300_100.kiln", string(src), zero)
}

// TestCodedLeNet300100: LeNet-300-100 with 90% of its weights pruned,
// built plain and coded. The coded file is smaller, holds the same
// weights, and the VM's outputs on 1,000 random inputs are the same bits,
// on both kernel sets, float and int8 boundaries.
func TestCodedLeNet300100(t *testing.T) {
	b := lenet300(t)
	if len(b.coded) >= len(b.kbc) {
		t.Fatalf("coded file %d bytes, plain %d", len(b.coded), len(b.kbc))
	}
	t.Logf("pruned LeNet-300-100: %d bytes plain, %d coded", len(b.kbc), len(b.coded))
	checkSameConstants(t, b.kbc, b.coded, 3) // both weight matrices, at least
	for _, portable := range []bool{true, false} {
		plain, err := runtime.Load(b.kbc, &runtime.Options{Portable: portable})
		if err != nil {
			t.Fatal(err)
		}
		coded, err := runtime.Load(b.coded, &runtime.Options{Portable: portable})
		if err != nil {
			t.Fatal(err)
		}
		ps, cs := newSession(t, plain, 100), newSession(t, coded, 100)
		for k := 0; k < 10; k++ {
			bt := makeBatch(b.built, 100, uint64(200+k))
			want, got := outputsFor(plain, bt.n, false), outputsFor(coded, bt.n, false)
			if err := ps.Run(bt.values, want); err != nil {
				t.Fatal(err)
			}
			if err := cs.Run(bt.values, got); err != nil {
				t.Fatal(err)
			}
			want8, got8 := outputsFor(plain, bt.n, true), outputsFor(coded, bt.n, true)
			if err := ps.RunQuantized(quantizeInputs(plain, bt), want8); err != nil {
				t.Fatal(err)
			}
			if err := cs.RunQuantized(quantizeInputs(coded, bt), got8); err != nil {
				t.Fatal(err)
			}
			for i := range want {
				for j, x := range want[i].F32 {
					if math.Float32bits(x) != math.Float32bits(got[i].F32[j]) {
						t.Fatalf("portable=%v: output %d element %d: coded %v, plain %v", portable, i, j, got[i].F32[j], x)
					}
				}
				if !bytes.Equal(int8Bytes(want8[i].I8), int8Bytes(got8[i].I8)) {
					t.Fatalf("portable=%v: output %d: the int8 values differ", portable, i)
				}
			}
		}
	}
	var dis strings.Builder
	m, _ := runtime.Load(b.coded, nil)
	m.Disassemble(&dis, 100)
	if !strings.Contains(dis.String(), "coded constants:") {
		t.Errorf("the disassembly lists no coded constants:\n%s", dis.String())
	}
}

// checkSameConstants decodes both files and checks that they describe the
// same tensors and that each coded constant of coded decodes to the plain
// file's bytes; at least minCoded constants must be coded.
func checkSameConstants(t *testing.T, plainFile, codedFile []byte, minCoded int) {
	t.Helper()
	plain, err := kbc.Decode(plainFile, false)
	if err != nil {
		t.Fatal(err)
	}
	coded, err := kbc.Decode(codedFile, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Tensors) != len(coded.Tensors) {
		t.Fatalf("%d tensors plain, %d coded", len(plain.Tensors), len(coded.Tensors))
	}
	n := 0
	for i := range plain.Tensors {
		p, c := &plain.Tensors[i], &coded.Tensors[i]
		if p.Store != kbc.StoreConst {
			continue
		}
		raw := plain.Const[p.Offset : p.Offset+p.Bytes()]
		switch c.Store {
		case kbc.StoreConst:
			if !bytes.Equal(raw, coded.Const[c.Offset:c.Offset+c.Bytes()]) {
				t.Errorf("tensor %s: the raw constants differ", p.Name)
			}
		case kbc.StoreCoded:
			n++
			got := make([]byte, c.Bytes())
			if _, err := kbc.DecodeCoded(got, coded.Const[c.Offset:c.Offset+c.Size], c.DType.Size()); err != nil {
				t.Fatalf("tensor %s: %v", c.Name, err)
			}
			if !bytes.Equal(raw, got) {
				t.Errorf("tensor %s: decoded constants differ from the plain file's", c.Name)
			}
		default:
			t.Errorf("tensor %s: a constant in the plain file is stored as %d", c.Name, c.Store)
		}
	}
	if n < minCoded {
		t.Errorf("%d coded constants, want at least %d", n, minCoded)
	}
}

// TestCodedKBC checks that runtime/testdata/coded.kbc loads, holds coded
// constants of both i8 and i32, and runs as its plain twin does; -update
// rewrites it.
func TestCodedKBC(t *testing.T) {
	b := buildPruned(t, "coded.kiln", codedModel, 0.9)
	if *update {
		if err := os.WriteFile(codedKBC, b.coded, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file, err := os.ReadFile(codedKBC)
	if err != nil {
		t.Fatal(err)
	}
	f, err := kbc.Decode(file, false)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[kbc.DType]bool{}
	for _, tn := range f.Tensors {
		if tn.Store == kbc.StoreCoded {
			kinds[tn.DType] = true
		}
	}
	if !kinds[kbc.I8] || !kinds[kbc.I32] {
		t.Errorf("%s codes constants of %v; want i8 and i32", codedKBC, kinds)
	}
	if _, err := runtime.Load(file, nil); err != nil {
		t.Fatal(err)
	}
	// Not compared byte for byte with a build here: calibration runs the
	// float kernels, which round differently on different machines.
	checkSameConstants(t, b.kbc, b.coded, 2)
}

// TestCodedTruncated feeds every truncation of the pruned LeNet-300-100's
// coded file to the loader: each must be an error, never a panic or an
// internal error.
func TestCodedTruncated(t *testing.T) {
	b := lenet300(t)
	for n := 0; n < len(b.coded); n++ {
		if loadHostile(t, fmt.Sprintf("coded %s cut to %d bytes", b.name, n), b.coded[:n], nil, 1, nil) {
			t.Fatalf("coded %s cut to %d bytes loaded", b.name, n)
		}
	}
}

// TestCodedCorrupted changes bytes of the coded file 10,000 times,
// recomputing the checksum, half of them inside the coded blobs: each
// file must load with an error or run — never panic or make a kernel
// panic.
func TestCodedCorrupted(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 500
	}
	b := lenet300(t)
	f, err := kbc.Decode(b.coded, false)
	if err != nil {
		t.Fatal(err)
	}
	// Where CONST starts in the file: the section table's fourth entry.
	constAt := int(binary.LittleEndian.Uint64(b.coded[24+3*24+8:]))
	var blobs [][2]int
	for _, tn := range f.Tensors {
		if tn.Store == kbc.StoreCoded {
			blobs = append(blobs, [2]int{constAt + tn.Offset, tn.Size})
		}
	}
	r := rand.New(rand.NewPCG(uint64(len(b.coded)), 5))
	bt := makeBatch(b.built, 2, 1)
	buf := make([]byte, len(b.coded))
	loaded, rejected := 0, 0
	for i := 0; i < n; i++ {
		copy(buf, b.coded)
		for k := 0; k <= r.IntN(2); k++ {
			at := r.IntN(len(buf) - 4)
			if i%2 == 0 {
				bl := blobs[r.IntN(len(blobs))]
				at = bl[0] + r.IntN(bl[1])
			}
			buf[at] ^= byte(1 + r.IntN(255))
		}
		binary.LittleEndian.PutUint32(buf[len(buf)-4:], kbc.Checksum(buf))
		if loadHostile(t, fmt.Sprintf("corruption %d of coded %s", i, b.name), buf, nil, 2, bt.values) {
			loaded++
		} else {
			rejected++
		}
	}
	if loaded == 0 || rejected == 0 {
		t.Errorf("%d corruptions: %d rejected, %d loaded: the corruptions do not reach both outcomes", n, rejected, loaded)
	}
	t.Logf("%d corruptions: %d rejected, %d loaded and ran", n, rejected, loaded)
}

// TestCodedLimits: the decoded constants are bounded by the file-size
// limit.
func TestCodedLimits(t *testing.T) {
	b := lenet300(t)
	_, err := runtime.Load(b.coded, &runtime.Options{MaxFileSize: int64(len(b.coded)) + 1000})
	if err == nil || !strings.Contains(err.Error(), "decoded constants take more than") {
		t.Errorf("coded file under a limit below its decoded size: error %v", err)
	}
	if _, err := runtime.Load(b.kbc, &runtime.Options{MaxFileSize: int64(len(b.coded)) + 1000}); err == nil {
		t.Errorf("the plain file loaded under a limit below its size")
	}
}

// BenchmarkLoadCoded loads the pruned LeNet-300-100, plain and coded:
// the difference is the decoding of its constants.
func BenchmarkLoadCoded(b *testing.B) {
	pb := lenet300(b)
	for _, c := range []struct {
		name string
		file []byte
	}{{"plain", pb.kbc}, {"coded", pb.coded}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := runtime.Load(c.file, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeLeNet300100 decodes every coded constant of the pruned
// LeNet-300-100 (its 266,200 weights and the rest).
func BenchmarkDecodeLeNet300100(b *testing.B) {
	pb := lenet300(b)
	f, err := kbc.Decode(pb.coded, false)
	if err != nil {
		b.Fatal(err)
	}
	var dst [][]byte
	var blobs []kbc.Tensor
	for _, tn := range f.Tensors {
		if tn.Store == kbc.StoreCoded {
			blobs = append(blobs, tn)
			dst = append(dst, make([]byte, tn.Bytes()))
		}
	}
	for b.Loop() {
		for i, tn := range blobs {
			if _, err := kbc.DecodeCoded(dst[i], f.Const[tn.Offset:tn.Offset+tn.Size], tn.DType.Size()); err != nil {
				b.Fatal(err)
			}
		}
	}
}
