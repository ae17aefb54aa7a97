package onnx

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/kiln-nn/kiln/bench/ortrun"
	"github.com/kiln-nn/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime/fixedpoint"
	"github.com/kiln-nn/kiln/runtime/kernels/ref"
	"github.com/kiln-nn/kiln/tensor"
)

// needORT skips a test unless ONNX Runtime runs here.
func needORT(t *testing.T) {
	t.Helper()
	if err := ortrun.Available("../.."); err != nil {
		t.Skip(err)
	}
}

// arithmeticModel holds a model under construction whose int8 results
// are given as float outputs.
type arithmeticModel struct {
	e       *emitter
	outputs int
}

func newArithmeticModel(opt Options) *arithmeticModel {
	return &arithmeticModel{e: newEmitter(ir.NewGraph("arithmetic"), opt)}
}

func (m *arithmeticModel) input(name string, dt onnxpb.TensorProto_DataType, n int) {
	m.e.graph.Input = append(m.e.graph.Input, valueInfo(name, dt, []int{n}))
}

// value returns a value whose ONNX tensor is out; the ops of its lowering
// are named after it.
func (m *arithmeticModel) value(name string) *ir.Value {
	v := &ir.Value{Name: name}
	m.e.name(v)
	return v
}

// output casts v's tensor to float and makes it an output.
func (m *arithmeticModel) output(v *ir.Value, n int) {
	out := v.Name + "_f"
	m.e.node("Cast", []string{m.e.names[v]}, out, intAttr("to", int(onnxpb.TensorProto_FLOAT)))
	m.e.graph.Output = append(m.e.graph.Output, valueInfo(out, onnxpb.TensorProto_FLOAT, []int{n}))
	m.outputs++
}

// run runs the model on one sample and returns each output.
func (m *arithmeticModel) run(t *testing.T, inputs []ortrun.Input) [][]float32 {
	t.Helper()
	data, err := m.e.marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "arithmetic.onnx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	outs, err := ortrun.Run(root, path, [][]ortrun.Input{inputs})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != m.outputs {
		t.Fatalf("%d outputs, want %d", len(outs), m.outputs)
	}
	return outs
}

// TestRescaleORT: the int64 ops of rescale and finish, run by ONNX
// Runtime, give fixedpoint.MultiplyByQuantizedMultiplier's bits plus the
// zero point, clamped, for accumulators of both signs and every size,
// multipliers of every shift TFLite uses, and exact halves (M = 2^30
// halves an odd accumulator exactly: a tie for each rounding).
func TestRescaleORT(t *testing.T) {
	needORT(t)
	for _, unsigned := range []bool{false, true} {
		const n = 8192
		rng := rand.New(rand.NewPCG(1, 2))
		acc := make([]int32, n)
		rs := make([]ref.Requant, n)
		for i := range n {
			d := math.Exp2(rng.Float64()*34 - 30) // 2^-30 .. 2^4
			m, shift := fixedpoint.QuantizeMultiplier(d)
			if i%4 == 0 {
				m, shift = 1<<30, -rng.IntN(12)
				d = math.Ldexp(0.5, shift)
			}
			rs[i] = ref.Requant{Mult: m, Shift: shift}
			limit := min(400/d, float64(int32(math.MaxInt32)>>max(shift, 0)))
			acc[i] = int32((rng.Float64()*2 - 1) * limit)
		}
		const zero, lo, hi = -5, -100, 120
		model := newArithmeticModel(Options{Unsigned: unsigned})
		model.input("acc", onnxpb.TensorProto_INT32, n)
		v := model.value("rescaled")
		wide := model.e.cast(v, "acc", onnxpb.TensorProto_INT64)
		model.e.finish(v, model.e.rescale(v, wide, model.e.multipliers(rs, []int{n})), zero, lo, hi)
		model.output(v, n)
		got := model.run(t, []ortrun.Input{{Name: "acc", Dims: []int{1, n}, I32: acc}})[0]
		bad := 0
		for i := range n {
			want := min(max(fixedpoint.MultiplyByQuantizedMultiplier(acc[i], rs[i].Mult, rs[i].Shift)+zero, lo), hi)
			if unsigned {
				want += 128
			}
			if got[i] != float32(want) && bad < 5 {
				t.Errorf("unsigned %v: MBQM(%d, %d, %d) + %d: ONNX Runtime %v, want %d", unsigned, acc[i], rs[i].Mult, rs[i].Shift, zero, got[i], want)
				bad++
			}
		}
	}
}

// TestRescale64ORT: rescale64 under ONNX Runtime gives ref.Rescale64's
// bits for accumulators up to 2^46 in magnitude (given as two int32
// halves) and shifts from -30 to 25: the clamp, the left shift past 7 and
// the floor shift of negative sums.
func TestRescale64ORT(t *testing.T) {
	needORT(t)
	const n = 2048
	rng := rand.New(rand.NewPCG(3, 4))
	hi, lo := make([]int32, n), make([]int32, n)
	acc := make([]int64, n)
	for i := range n {
		bits := rng.IntN(47)
		a := rng.Int64N(int64(1)<<bits + 1)
		if rng.IntN(2) == 0 {
			a = -a
		}
		hi[i], lo[i] = int32(a>>20), int32(a&(1<<20-1))
		acc[i] = a
	}
	model := newArithmeticModel(Options{})
	model.input("hi", onnxpb.TensorProto_INT32, n)
	model.input("lo", onnxpb.TensorProto_INT32, n)
	src := model.value("acc")
	a := model.e.op(src, "Add", []string{
		model.e.op(src, "Mul", []string{model.e.cast(src, "hi", onnxpb.TensorProto_INT64), model.e.scalar64(1 << 20)}),
		model.e.cast(src, "lo", onnxpb.TensorProto_INT64)})
	var rs []ref.Requant
	for shift := -30; shift <= 25; shift += 5 {
		r := ref.Requant{Mult: int32(1<<30 + rng.IntN(1<<30)), Shift: shift}
		rs = append(rs, r)
		v := model.value("shift" + string(rune('a'+len(rs))))
		model.e.finish(v, model.e.rescale64(v, a, r), 0, math.MinInt8, math.MaxInt8)
		model.output(v, n)
	}
	outs := model.run(t, []ortrun.Input{{Name: "hi", Dims: []int{1, n}, I32: hi}, {Name: "lo", Dims: []int{1, n}, I32: lo}})
	for k, r := range rs {
		bad := 0
		for i := range n {
			want := min(max(ref.Rescale64(acc[i], r), math.MinInt8), math.MaxInt8)
			if outs[k][i] != float32(want) && bad < 5 {
				t.Errorf("Rescale64(%d, %+v): ONNX Runtime %v, want %d", acc[i], r, outs[k][i], want)
				bad++
			}
		}
	}
}

// TestQuantizeORT: the integer form's quantize rounds half away from zero
// as kiln does, where QuantizeLinear would round half to even; NaN gives
// the zero point, infinities the ends.
func TestQuantizeORT(t *testing.T) {
	needORT(t)
	xs := []float32{0.125, -0.125, 0.375, -0.375, 0.625, -0.625, 1.125, 0.1, -0.1, 7, -7, 1e9, -1e9,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 31.875, -32.125, 0}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		xs = append(xs, float32(rng.NormFloat64()*10))
	}
	n := len(xs)
	const scale, zero = 0.25, 3
	model := newArithmeticModel(Options{})
	model.input("x", onnxpb.TensorProto_FLOAT, n)
	in := &ir.Value{Name: "x", Op: ir.OpInput, Type: ir.Batched(tensor.F32, n)}
	model.e.names[in] = "x"
	v := model.value("q")
	v.Op, v.Args, v.Quant, v.Type = ir.OpQuantize, []*ir.Value{in}, &ir.QuantParams{Scale: []float32{scale}, Zero: []int32{zero}}, ir.Batched(tensor.I8, n)
	if err := intQuantize(model.e, v, "q"); err != nil {
		t.Fatal(err)
	}
	model.output(v, n)
	got := model.run(t, []ortrun.Input{{Name: "x", Dims: []int{1, n}, F32: xs}})[0]
	want := make([]int8, n)
	ref.Quantize(scale, zero, xs, want)
	for i := range n {
		if got[i] != float32(want[i]) {
			t.Errorf("quantize(%v) at scale %v, zero %d: ONNX Runtime %v, kiln %d", xs[i], scale, zero, got[i], want[i])
		}
	}
}
