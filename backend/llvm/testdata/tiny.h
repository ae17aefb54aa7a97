/* kiln_tiny.h: the kiln model tiny, compiled to native code through LLVM.
 *
 * Layers (int8 values, per example; positions in the model's source):
 *   x.q              quantize    i8[N,2,3]          tiny.kiln:3:9
 *   h.flatten.q      flatten     i8[N,6]            tiny.kiln:4:19
 *   h.q              qdense      i8[N,8]            tiny.kiln:4:13
 *   y.q              qdense      i8[N,4]            tiny.kiln:5:14
 *   y                dequantize  f32[N,4]           tiny.kiln:5:14
 *
 * 80 multiply-accumulates per example; arena 144 bytes per example.
 *
 * Both entry points run a batch of n examples, stored one after the other
 * in every buffer, and return 0, or -1 when n < 1. The _run form takes and
 * gives int8 values (inputs quantized with their SCALE and ZERO_POINT,
 * outputs before dequantization); the _run_f32 form takes and gives floats,
 * quantizing and dequantizing as kiln's VM does, and gives the VM's bits.
 * arena is scratch memory of n * ARENA_SIZE bytes owned by the caller; the
 * code allocates nothing and keeps no state, so calls on distinct arenas
 * may run concurrently.
 *
 * real = SCALE * (q - ZERO_POINT). Inputs of ids are int32 in both entry
 * points; an id outside its embedding's vocabulary makes them return -2.
 */
#ifndef KILN_TINY_H
#define KILN_TINY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_TINY_ARENA_SIZE 144 /* bytes per example */
#define KILN_TINY_NUM_INPUTS 1
#define KILN_TINY_NUM_OUTPUTS 1

/* input x: f32[2, 3] per example (tiny.kiln:3:9) */
#define KILN_TINY_INPUT_X_RANK 2
#define KILN_TINY_INPUT_X_SHAPE {2, 3}
#define KILN_TINY_INPUT_X_SIZE 6 /* elements per example */
#define KILN_TINY_INPUT_X_SCALE 0.023405647f
#define KILN_TINY_INPUT_X_ZERO_POINT (3)

/* output y: f32[4] per example (tiny.kiln:5:14) */
#define KILN_TINY_OUTPUT_Y_RANK 1
#define KILN_TINY_OUTPUT_Y_SHAPE {4}
#define KILN_TINY_OUTPUT_Y_SIZE 4 /* elements per example */
#define KILN_TINY_OUTPUT_Y_SCALE 0.0047808564f
#define KILN_TINY_OUTPUT_Y_ZERO_POINT (-46)

int kiln_tiny_run(int n, const int8_t *x, int8_t *y, void *arena);
int kiln_tiny_run_f32(int n, const float *x, float *y, void *arena);
size_t kiln_tiny_arena_size(void); /* ARENA_SIZE */

#ifdef __cplusplus
}
#endif

#endif /* KILN_TINY_H */
