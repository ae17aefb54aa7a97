// Package runtime is kiln's virtual machine: it loads a .kbc file, checks
// every part of it once, and runs it with int8 kernels and no allocation.
//
// An application loads a model once (Load or LoadFile), shares the Model
// between goroutines, and runs batches through Sessions, one per
// goroutine. Loading refuses a malformed or hostile file with an error
// that names what is wrong; a model that loads runs without checks and
// cannot fault.
//
// The file format is kiln's internal/kbc package (its grammar, its
// decoder and every opcode's operand schema, shared with the compiler's
// encoder); FORMAT.md describes it for people. This package reads the
// file through it and checks what the contents mean: shapes against
// opcodes, the memory plan, the limits the caller sets.
//
// The package imports only the standard library, golang.org/x/sys/cpu and
// kiln's own runtime and format packages: an application that embeds it
// pulls in no parser, no compiler and no training code.
package runtime
