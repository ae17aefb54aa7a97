package llvm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/runtime"
)

// BenchmarkNativeVsVM times the int8 entry point of the native code (this
// CPU's widest form, and the generic form, both -mcpu=native), in a C
// loop built by gcc, and the VM's RunQuantized with its CPU kernels, side
// by side: the median of 15 rounds, each long enough to time, per call.
// Run it with
//
//	go test ./backend/llvm -run '^$' -bench NativeVsVM -benchtime 1x
func BenchmarkNativeVsVM(b *testing.B) {
	models := []struct {
		name string
		load func(t testing.TB) (*ir.Graph, []byte)
	}{
		{"lenet5", func(t testing.TB) (*ir.Graph, []byte) { return example(t, "lenet5.kiln") }},
		{"lenet_300_100", func(t testing.TB) (*ir.Graph, []byte) { return example(t, "lenet_300_100.kiln") }},
		{"dense1024", func(t testing.TB) (*ir.Graph, []byte) {
			return compile(t, "dense1024.kiln", []byte("model dense1024 {\n  input x: f32[1024]\n  output y = dense(x, 1024)\n}\n"))
		}},
	}
	tg, generic := hostTarget(), target{cpu: "native"}
	for _, mc := range models {
		g, kbc := mc.load(b)
		dir, gdir := b.TempDir(), b.TempDir()
		objectB(b, dir, g, tg)
		objectB(b, gdir, g, generic)
		m, err := analyze(g)
		if err != nil {
			b.Fatal(err)
		}
		for _, batch := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/batch%d", mc.name, batch), func(b *testing.B) {
				native := nativeTime(b, dir, m, batch)
				portable := nativeTime(b, gdir, m, batch)
				vm := vmTime(b, kbc, m, batch)
				b.ReportMetric(native, "native-ns/call")
				b.ReportMetric(portable, "generic-ns/call")
				b.ReportMetric(vm, "vm-ns/call")
				b.ReportMetric(native/vm, "native/vm")
				b.Logf("%s batch %d: native %s %.0f ns, generic form %.0f ns, VM %.0f ns; native/VM %.2f, generic/VM %.2f",
					mc.name, batch, tg, native, portable, vm, native/vm, portable/vm)
			})
		}
	}
}

// rounds is how many timed rounds give a median.
const rounds = 15

// objectB compiles g for tg into dir/model.o, as object does.
func objectB(b *testing.B, dir string, g *ir.Graph, tg target) {
	ll, err := EmitFor(g, tg.opts)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.ll"), ll, 0o644); err != nil {
		b.Fatal(err)
	}
	steps := [][]string{
		{"opt", "-O3", "-mcpu=" + tg.cpu, "model.ll", "-o", "model.bc"},
		{"llc", "-O3", "-mcpu=" + tg.cpu, "-relocation-model=pic", "-filetype=obj", "model.bc", "-o", "model.o"},
	}
	for _, s := range steps {
		runB(b, dir, s...)
	}
}

func runB(b *testing.B, dir string, args ...string) string {
	b.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// nativeTime builds a C loop over the int8 entry point and returns its
// median time per call, in ns.
func nativeTime(b *testing.B, dir string, m *model, batch int) float64 {
	macro := strings.ToUpper(m.prefix)
	var c strings.Builder
	c.WriteString("#include <stdio.h>\n#include <stdlib.h>\n#include <time.h>\n#include \"model.h\"\n")
	c.WriteString("static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }\n")
	c.WriteString("static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }\n")
	c.WriteString("int main(int argc, char **argv) {\n\tint n = atoi(argv[1]);\n")
	fmt.Fprintf(&c, "\tvoid *arena = malloc((size_t)n * %s_ARENA_SIZE + 1);\n", macro)
	var args []string
	for k, p := range m.inputs {
		fmt.Fprintf(&c, "\tint8_t *in%d = malloc((size_t)n * %s_INPUT_%s_SIZE);\n", k, macro, strings.ToUpper(p.c))
		fmt.Fprintf(&c, "\tfor (size_t i = 0; i < (size_t)n * %s_INPUT_%s_SIZE; i++) in%d[i] = (int8_t)(rand() %% 256 - 128);\n", macro, strings.ToUpper(p.c), k)
		args = append(args, fmt.Sprintf("in%d", k))
	}
	for k, p := range m.outputs {
		fmt.Fprintf(&c, "\tint8_t *out%d = malloc((size_t)n * %s_OUTPUT_%s_SIZE);\n", k, macro, strings.ToUpper(p.c))
		args = append(args, fmt.Sprintf("out%d", k))
	}
	call := fmt.Sprintf("%s_run(n, %s, arena)", m.prefix, strings.Join(args, ", "))
	// Calibrate the round length to about 20 ms.
	fmt.Fprintf(&c, "\tlong iters = 1;\n\tfor (;;) {\n\t\tdouble t0 = now();\n\t\tfor (long i = 0; i < iters; i++) %s;\n\t\tif (now() - t0 > 2e7) break;\n\t\titers *= 2;\n\t}\n", call)
	fmt.Fprintf(&c, "\tdouble times[%d];\n\tfor (int r = 0; r < %d; r++) {\n\t\tdouble t0 = now();\n\t\tfor (long i = 0; i < iters; i++) %s;\n\t\ttimes[r] = (now() - t0) / iters;\n\t}\n", rounds, rounds, call)
	fmt.Fprintf(&c, "\tqsort(times, %d, sizeof(double), cmp);\n\tprintf(\"%%.1f\\n\", times[%d]);\n\treturn 0;\n}\n", rounds, rounds/2)
	h, err := Header(m.g)
	if err != nil {
		b.Fatal(err)
	}
	for name, data := range map[string][]byte{"model.h": h, "bench.c": []byte(c.String())} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	runB(b, dir, "gcc", "-O2", "bench.c", "model.o", "-o", "bench")
	out := runB(b, dir, "./bench", strconv.Itoa(batch))
	ns, err := strconv.ParseFloat(strings.TrimSpace(out), 64)
	if err != nil {
		b.Fatalf("bench printed %q", out)
	}
	return ns
}

// vmTime returns the VM's median time per RunQuantized call, in ns.
func vmTime(b *testing.B, kbc []byte, m *model, batch int) float64 {
	vm, err := runtime.Load(kbc, &runtime.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s, err := vm.NewSession(batch)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var in, out []runtime.Value
	for _, p := range m.inputs {
		x := make([]int8, batch*p.elems)
		for i := range x {
			x[i] = int8(r.IntN(256) - 128)
		}
		in = append(in, runtime.Value{I8: x})
	}
	for _, p := range m.outputs {
		out = append(out, runtime.Value{I8: make([]int8, batch*p.elems)})
	}
	run := func(iters int) time.Duration {
		t0 := time.Now()
		for range iters {
			if err := s.RunQuantized(in, out); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(t0)
	}
	iters := 1
	for run(iters) < 20*time.Millisecond {
		iters *= 2
	}
	times := make([]float64, rounds)
	for i := range times {
		times[i] = float64(run(iters).Nanoseconds()) / float64(iters)
	}
	slices.Sort(times)
	return times[rounds/2]
}
