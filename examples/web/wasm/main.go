//go:build js && wasm

// Command wasm is kiln's VM for the gesture page (examples/web): built
// with GOOS=js GOARCH=wasm, it sets globalThis.kiln to an object with
// three functions, over the same runtime package and the same .kbc files
// as native code:
//
//	kiln.load(bytes Uint8Array, norm string, tempo number) -> {name, input, output, history, first} | {error}
//	kiln.classify(samples Float32Array) -> Float32Array | null | {error}
//	kiln.run(x Float32Array) -> Float32Array | {error}
//
// load validates a .kbc file and makes a session; norm and tempo are the
// gestures data form's options the model trained with. It returns the
// model's input and output shapes, how many of the latest samples
// classify needs at most (history) and how many a recording must have
// before its first window (first). classify takes a recording's latest
// raw accelerometer samples (m/s², three axes of the same length, axis
// after axis), cuts the window that ends at the last of them as training
// did (data.CutGestureWindow: resampled to tempo, normalised as norm
// says) and returns the model's output for it, or null where there is no
// window (too few samples, or no period showing). run runs a batch of
// examples laid one after the other in x as they are and returns the
// output for them. Then the program waits for calls until the page
// closes.
package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"syscall/js"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/runtime"
)

// capacity is the largest batch one run takes; maxSamples the most
// samples per axis classify takes.
const (
	capacity   = 256
	maxSamples = 1 << 14
)

type vm struct {
	model   *runtime.Model
	session *runtime.Session
	in, out int // elements of one example's input and output
	norm    string
	tempo   float64
	x, y    []float32
	samples []float32 // classify's samples, three axes
	buf     []byte    // the bytes of x or y on their way to or from JavaScript
}

func main() {
	var v vm
	js.Global().Set("kiln", map[string]any{
		"load":     js.FuncOf(func(_ js.Value, args []js.Value) any { return v.load(args) }),
		"run":      js.FuncOf(func(_ js.Value, args []js.Value) any { return v.run(args, false) }),
		"classify": js.FuncOf(func(_ js.Value, args []js.Value) any { return v.run(args, true) }),
	})
	select {}
}

func failure(err error) any { return map[string]any{"error": err.Error()} }

func (v *vm) load(args []js.Value) any {
	if len(args) < 1 || !args[0].InstanceOf(js.Global().Get("Uint8Array")) {
		return failure(fmt.Errorf("kiln.load: want a Uint8Array, a normalisation and a tempo"))
	}
	norm, tempo := data.GestureNormBody, 0.0
	if len(args) > 1 && args[1].Type() == js.TypeString {
		norm = args[1].String()
	}
	if len(args) > 2 && args[2].Type() == js.TypeNumber {
		tempo = args[2].Float()
	}
	b := make([]byte, args[0].Get("length").Int())
	js.CopyBytesToGo(b, args[0])
	m, err := runtime.Load(b, nil)
	if err != nil {
		return failure(err)
	}
	ins, outs := m.Inputs(), m.Outputs()
	if len(ins) != 1 || len(outs) != 1 || ins[0].DType != runtime.F32 || outs[0].DType != runtime.F32 {
		return failure(fmt.Errorf("kiln.load: model %s: want one f32 input and one f32 output", m.Name()))
	}
	s, err := m.NewSession(capacity)
	if err != nil {
		return failure(err)
	}
	// The options' check: a window cut from too few samples.
	if _, err := data.CutGestureWindow(make([]float32, 3), [3][]float32{}, 1, norm, tempo); err != nil {
		return failure(err)
	}
	v.model, v.session, v.norm, v.tempo = m, s, norm, tempo
	v.in, v.out = elems(ins[0].Shape), elems(outs[0].Shape)
	v.x, v.y = make([]float32, capacity*v.in), make([]float32, capacity*v.out)
	v.samples = make([]float32, 3*maxSamples)
	v.buf = make([]byte, 4*max(capacity*max(v.in, v.out), 3*maxSamples))
	n := v.in / 3
	return map[string]any{"name": m.Name(), "input": shape(ins[0].Shape), "output": shape(outs[0].Shape),
		"history": data.GestureHistory(n, tempo), "first": data.GestureFirstEnd(n, tempo)}
}

// run runs x as it is, or for classify (window), the window cut from
// the samples it holds.
func (v *vm) run(args []js.Value, window bool) any {
	if v.session == nil {
		return failure(fmt.Errorf("kiln.run: no model loaded"))
	}
	if len(args) != 1 || !args[0].InstanceOf(js.Global().Get("Float32Array")) {
		return failure(fmt.Errorf("kiln.run: want one Float32Array"))
	}
	n := args[0].Get("length").Int()
	if window {
		if n == 0 || n%3 != 0 || n/3 > maxSamples || v.in%3 != 0 {
			return failure(fmt.Errorf("kiln.classify: %d floats: want three axes of up to %d samples", n, maxSamples))
		}
		s := v.samples[:n]
		copyFromJS(s, args[0], v.buf)
		l := n / 3
		ok, err := data.CutGestureWindow(v.x[:v.in], [3][]float32{s[:l], s[l : 2*l], s[2*l:]}, v.in/3, v.norm, v.tempo)
		if err != nil {
			return failure(err)
		}
		if !ok {
			return nil
		}
		n = v.in
	} else {
		if n == 0 || n%v.in != 0 || n/v.in > capacity {
			return failure(fmt.Errorf("kiln.run: %d floats: want a multiple of %d, up to %d examples", n, v.in, capacity))
		}
		copyFromJS(v.x[:n], args[0], v.buf)
	}
	batch := n / v.in
	x, y := v.x[:n], v.y[:batch*v.out]
	if err := v.session.Run([]runtime.Value{{F32: x}}, []runtime.Value{{F32: y}}); err != nil {
		return failure(err)
	}
	out := js.Global().Get("Float32Array").New(len(y))
	copyToJS(out, y, v.buf)
	return out
}

// bytesOf views a typed array's memory as a Uint8Array.
func bytesOf(a js.Value) js.Value {
	return js.Global().Get("Uint8Array").New(a.Get("buffer"), a.Get("byteOffset"), a.Get("byteLength"))
}

func copyFromJS(dst []float32, src js.Value, buf []byte) {
	b := buf[:4*len(dst)]
	js.CopyBytesToGo(b, bytesOf(src))
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

func copyToJS(dst js.Value, src []float32, buf []byte) {
	b := buf[:4*len(src)]
	for i, f := range src {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	js.CopyBytesToJS(bytesOf(dst), b)
}

func elems(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func shape(s []int) []any {
	out := make([]any, len(s))
	for i, d := range s {
		out[i] = d
	}
	return out
}
