package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"time"

	"golang.org/x/sys/cpu"

	"github.com/kiln-nn/kiln/backend/llvm"
	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/tensor"
	"github.com/kiln-nn/kiln/train"
)

// kiln demo's native stage: the int8 graph compiled by LLVM as kiln build
// --emit obj compiles it, linked by gcc with a small C program that runs
// it on the examples it reads from standard input and times it, so that
// the native code is scored on the same test part as the VM, and its
// outputs compared with the VM's bit for bit.

// nativeTarget is the code the demo compiles: for this CPU (llc
// -mcpu=native), with the dot-product kernels of the widest form it runs,
// as kiln build --cpu native --target-features would choose them.
func nativeTarget() llvm.Options {
	if goruntime.GOARCH != "amd64" {
		return llvm.Options{CPU: "native"}
	}
	switch {
	case cpu.X86.HasAVX512VNNI && cpu.X86.HasAVX512BW:
		return llvm.Options{CPU: "native", Features: "+avx512bw,+avx512vnni"}
	case cpu.X86.HasAVXVNNI:
		return llvm.Options{CPU: "native", Features: "+avxvnni"}
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return llvm.Options{CPU: "native", Features: "+avx2,+fma"}
	}
	return llvm.Options{CPU: "native"}
}

// targetForm names the dot-product form of a target.
func targetForm(o llvm.Options) string {
	f, err := o.Form()
	if err != nil {
		return "?"
	}
	return f
}

// nativeTools are the programs the native stage runs, and what for.
var nativeTools = []struct{ name, why string }{
	{"opt", "LLVM 14's optimizer, which kiln build --emit obj runs"},
	{"llc", "LLVM 14's code generator, which kiln build --emit obj runs"},
	{"gcc", "to link the C program that runs the object"},
}

// missingNativeTool says which of the native stage's programs is not on
// PATH, and why it is needed; "" when all are.
func missingNativeTool() string {
	for _, t := range nativeTools {
		if _, err := osexec.LookPath(t.name); err != nil {
			return fmt.Sprintf("%s is not on PATH (%s)", t.name, t.why)
		}
	}
	return ""
}

// nativeResult is what demoNative measured.
type nativeResult struct {
	row             demoRow
	agree, compared int // test examples whose outputs equal the VM's bit for bit, of those compared
}

// runF32 finds the float entry point's name in a header.
var runF32 = regexp.MustCompile(`(?m)^int (\w+)_run_f32\(`)

// demoNative compiles the int8 graph q to native code for target, writes
// the object, its header and the C program under dir (base.o, base.h,
// base.c, base.run), scores the program on test, compares its outputs
// with vm (the VM's on test, in order), and times it at batch 1 for about
// d. Without the tools, the row's missing field says which one lacks.
func demoNative(q *ir.Graph, params int, test *data.Dataset, vm []float32, target llvm.Options, d time.Duration, dir, base string) (nativeResult, error) {
	res := nativeResult{row: demoRow{params: params}}
	if m := missingNativeTool(); m != "" {
		res.row.missing = m
		return res, nil
	}
	start := time.Now()
	obj, err := emitNative("obj", target, q)
	if err != nil {
		return res, err
	}
	header, err := emitNative("header", target, q)
	if err != nil {
		return res, err
	}
	name := runF32.FindSubmatch(header)
	if name == nil {
		return res, fmt.Errorf("internal error: no _run_f32 entry point in the header")
	}
	prefix := string(name[1])
	inSize, outSize := q.Inputs()[0].Type.Elems(), q.Outputs[0].Type.Elems()
	paths := map[string][]byte{base + ".o": obj, base + ".h": header, base + ".c": []byte(demoHarness)}
	for p, b := range paths {
		if err := os.WriteFile(filepath.Join(dir, p), b, 0o644); err != nil {
			return res, err
		}
	}
	bin := filepath.Join(dir, base+".run")
	cc := osexec.Command("gcc", "-std=c11", "-O2", "-Wall", "-Werror",
		fmt.Sprintf(`-DMODEL_HEADER="%s.h"`, base), "-DRUN="+prefix+"_run_f32", "-DARENA_SIZE="+prefix+"_arena_size",
		fmt.Sprintf("-DIN_SIZE=%d", inSize), fmt.Sprintf("-DOUT_SIZE=%d", outSize),
		base+".c", base+".o", "-o", base+".run", "-lm")
	cc.Dir = dir
	if out, err := cc.CombinedOutput(); err != nil {
		return res, fmt.Errorf("gcc failed on %s: %v\n%s", filepath.Join(dir, base+".c"), err, out)
	}
	res.row.took, res.row.bytes = time.Since(start), len(obj)

	p, err := startNative(bin, inSize, outSize)
	if err != nil {
		return res, err
	}
	defer p.close()
	var outs []float32
	res.row.score, err = train.EvaluateWith(q, test, 256, func(in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		n := in[0].Shape[0]
		y, err := p.run(n, in[0].F32)
		if err != nil {
			return nil, err
		}
		outs = append(outs, y...)
		t := tensor.New(tensor.F32, append([]int{n}, q.Outputs[0].Type.Dims...)...)
		copy(t.F32, y)
		return []*tensor.Tensor{t}, nil
	})
	if err != nil {
		return res, err
	}
	if len(vm) == len(outs) {
		for i := 0; i < len(outs)/outSize; i++ {
			same := true
			for j := i * outSize; j < (i+1)*outSize; j++ {
				same = same && math.Float32bits(vm[j]) == math.Float32bits(outs[j])
			}
			if same {
				res.agree++
			}
		}
		res.compared = len(outs) / outSize
	}
	one := make([]float32, inSize)
	copy(one, test.Inputs[0].T.F32)
	if res.row.latency, err = p.time(one, d); err != nil {
		return res, err
	}
	return res, p.close()
}

// nativeProcess is the C program running, fed through a pipe.
type nativeProcess struct {
	cmd             *osexec.Cmd
	in              io.WriteCloser
	out             *bufio.Reader
	stderr          bytes.Buffer
	inSize, outSize int
	closed          bool
}

func startNative(bin string, inSize, outSize int) (*nativeProcess, error) {
	p := &nativeProcess{cmd: osexec.Command(bin), inSize: inSize, outSize: outSize}
	p.cmd.Stderr = &p.stderr
	in, err := p.cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.in, p.out = in, bufio.NewReader(out)
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	return p, nil
}

// fail is err with what the program said.
func (p *nativeProcess) fail(err error) error {
	p.close()
	if s := bytes.TrimSpace(p.stderr.Bytes()); len(s) > 0 {
		return fmt.Errorf("%s: %v: %s", filepath.Base(p.cmd.Path), err, s)
	}
	return fmt.Errorf("%s: %w", filepath.Base(p.cmd.Path), err)
}

// run runs n examples x and returns their outputs.
func (p *nativeProcess) run(n int, x []float32) ([]float32, error) {
	w := bufio.NewWriter(p.in)
	binary.Write(w, binary.NativeEndian, int64(n))
	binary.Write(w, binary.NativeEndian, x)
	if err := w.Flush(); err != nil {
		return nil, p.fail(err)
	}
	y := make([]float32, n*p.outSize)
	if err := binary.Read(p.out, binary.NativeEndian, y); err != nil {
		return nil, p.fail(err)
	}
	return y, nil
}

// time is the median time of one example x at batch 1, timed for d.
func (p *nativeProcess) time(x []float32, d time.Duration) (time.Duration, error) {
	w := bufio.NewWriter(p.in)
	binary.Write(w, binary.NativeEndian, int64(-1))
	binary.Write(w, binary.NativeEndian, int64(d))
	binary.Write(w, binary.NativeEndian, x)
	if err := w.Flush(); err != nil {
		return 0, p.fail(err)
	}
	var r [2]int64 // median ns, runs
	if err := binary.Read(p.out, binary.NativeEndian, &r); err != nil {
		return 0, p.fail(err)
	}
	if r[1] < 1 || r[0] < 0 {
		return 0, p.fail(fmt.Errorf("timed %d runs, median %d ns", r[1], r[0]))
	}
	return time.Duration(r[0]), nil
}

// close ends the program (at the end of its input) and waits for it.
func (p *nativeProcess) close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	p.in.Close()
	if err := p.cmd.Wait(); err != nil {
		return fmt.Errorf("%s: %v: %s", filepath.Base(p.cmd.Path), err, bytes.TrimSpace(p.stderr.Bytes()))
	}
	return nil
}

// demoHarness is the C program: it reads requests from standard input in
// the machine's byte order, an int64 n then n examples of IN_SIZE floats,
// which it runs as one batch and answers with their n times OUT_SIZE
// output floats; or -1, an int64 duration in nanoseconds and one example,
// which it runs at batch 1 again and again for that long (and at least 10
// times), answering with the median time in nanoseconds and the runs, two
// int64s. It ends at the end of its input; on an error it says what on
// standard error and exits with 1.
const demoHarness = `/* kiln demo's runner for a model compiled to native code: see demo_native.go. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include MODEL_HEADER

static void *grow(void *p, size_t n) {
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return q;
}

static int get(void *p, size_t n) { return fread(p, 1, n, stdin) == n; }

static void put(const void *p, size_t n) {
	if (fwrite(p, 1, n, stdout) != n) {
		perror("write");
		exit(1);
	}
}

static int64_t now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int main(void) {
	float *x = NULL, *y = NULL;
	void *arena = NULL;
	int64_t *times = NULL;
	int64_t cap = 0, tcap = 0;
	for (;;) {
		int64_t cmd, d = 0;
		if (!get(&cmd, sizeof cmd)) return 0;
		if (cmd == 0 || cmd < -1 || cmd > (1 << 24)) {
			fprintf(stderr, "bad request %lld\n", (long long)cmd);
			return 1;
		}
		if (cmd == -1 && !get(&d, sizeof d)) {
			fprintf(stderr, "no duration after -1\n");
			return 1;
		}
		int64_t n = cmd > 0 ? cmd : 1;
		if (n > cap) {
			cap = n;
			x = grow(x, (size_t)n * IN_SIZE * sizeof *x);
			y = grow(y, (size_t)n * OUT_SIZE * sizeof *y);
			arena = grow(arena, (size_t)n * ARENA_SIZE());
		}
		if (!get(x, (size_t)n * IN_SIZE * sizeof *x)) {
			fprintf(stderr, "short input: %lld examples of %d floats expected\n", (long long)n, IN_SIZE);
			return 1;
		}
		if (cmd > 0) {
			int rc = RUN((int)n, x, y, arena);
			if (rc != 0) {
				fprintf(stderr, "the model returned %d\n", rc);
				return 1;
			}
			put(y, (size_t)n * OUT_SIZE * sizeof *y);
			fflush(stdout);
			continue;
		}
		RUN(1, x, y, arena); /* warm up */
		int64_t runs = 0, start = now();
		while ((now() - start < d || runs < 10) && runs < (1 << 24)) {
			if (runs == tcap) {
				tcap = tcap ? 2 * tcap : 1024;
				times = grow(times, (size_t)tcap * sizeof *times);
			}
			int64_t t0 = now();
			int rc = RUN(1, x, y, arena);
			times[runs++] = now() - t0;
			if (rc != 0) {
				fprintf(stderr, "the model returned %d\n", rc);
				return 1;
			}
		}
		qsort(times, (size_t)runs, sizeof *times, cmp);
		int64_t r[2] = {times[(runs - 1) / 2], runs};
		put(r, sizeof r);
		fflush(stdout);
	}
}
`
