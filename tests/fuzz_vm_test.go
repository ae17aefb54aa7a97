package tests

import (
	"os"
	"testing"

	"github.com/kiln-nn/kiln/runtime"
)

// FuzzLoad feeds arbitrary bytes to the loader with the checksum check off,
// so that what is fuzzed is the structural validation: a file must load
// with an error, or load and run (to an error or a result) — never panic,
// fault or make a kernel panic (an internal error from Load or Run).
//
//	go test ./tests -run '^$' -fuzz FuzzLoad -fuzztime 10m -fuzzminimizetime 1s
//
// (Minimizing each new input for the default 60 s, a run of this large
// test binary spends most of its time minimizing rather than fuzzing.)
// A session is limited to 4 MiB so that a fuzzed arena costs little.
// Each file is loaded for one thread and for two.
// The seeds are the committed files (tiny.kbc; ops.kbc, which holds
// every opcode; coded.kbc, whose constants are coded), so that a fuzzing worker starts at once; building the
// examples in each worker left it no time to fuzz.
func FuzzLoad(f *testing.F) {
	tiny, err := os.ReadFile(tinyKBC)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tiny)
	ops, err := os.ReadFile(opsKBC) // every opcode
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ops)
	coded, err := os.ReadFile(codedKBC) // coded constants
	if err != nil {
		f.Fatal(err)
	}
	f.Add(coded)
	f.Fuzz(func(t *testing.T, b []byte) {
		loadHostile(t, "the fuzzed file", b, &runtime.Options{SkipChecksum: true, MaxFileSize: 1 << 20, MaxSessionMemory: 1 << 22}, 1, nil)
		// Loaded for two threads, a model lays out its arena anew.
		loadHostile(t, "the fuzzed file on two threads", b, &runtime.Options{SkipChecksum: true, MaxFileSize: 1 << 20, MaxSessionMemory: 1 << 22, Threads: 2}, 4, nil)
	})
}
