//go:build ignore

/* (The line above keeps the go command from taking this file for cgo
 * source of the Go test in this directory.)
 *
 * classify: runs a kiln model compiled to native code on images and prints
 * each image's class, the index of the model's largest output, and that
 * output, its score.
 *
 *   classify [-n COUNT] [IMAGES [LABELS]]
 *
 * IMAGES is an IDX file of unsigned bytes (MNIST's format, unzipped), read
 * as kiln reads it (each pixel v as v/255), or raw float32 values in the
 * machine's byte order; without it, a few digits drawn below. LABELS, an
 * IDX file of byte labels, adds each image's label and the accuracy.
 *
 * The model comes from the header `kiln build --emit header` writes, by its
 * names: build with -DMODEL=name -DMODEL_UPPER=NAME (the model's name in
 * its .kiln file, and in capitals), and -DINPUT=X -DOUTPUT=Y when its input
 * and output are not called image and logits. The Makefile beside this
 * file does all of that. */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MODEL_HEADER
#define MODEL_HEADER "model.h"
#endif
#include MODEL_HEADER

#ifndef MODEL
#define MODEL mnist_mlp
#define MODEL_UPPER MNIST_MLP
#endif
#ifndef INPUT
#define INPUT IMAGE
#endif
#ifndef OUTPUT
#define OUTPUT LOGITS
#endif

/* The header's names: kiln_<model>_run_f32, KILN_<MODEL>_INPUT_<X>_SIZE... */
#define CAT3_(a, b, c) a##b##c
#define CAT3(a, b, c) CAT3_(a, b, c)
#define CAT5_(a, b, c, d, e) a##b##c##d##e
#define CAT5(a, b, c, d, e) CAT5_(a, b, c, d, e)
#define RUN_F32 CAT3(kiln_, MODEL, _run_f32)
#define ARENA_SIZE CAT3(kiln_, MODEL, _arena_size)
#define NUM_INPUTS CAT3(KILN_, MODEL_UPPER, _NUM_INPUTS)
#define NUM_OUTPUTS CAT3(KILN_, MODEL_UPPER, _NUM_OUTPUTS)
#define IN_SIZE CAT5(KILN_, MODEL_UPPER, _INPUT_, INPUT, _SIZE)
#define OUT_SIZE CAT5(KILN_, MODEL_UPPER, _OUTPUT_, OUTPUT, _SIZE)

#if NUM_INPUTS != 1 || NUM_OUTPUTS != 1
#error "classify runs models of one float input and one output"
#endif

/* Examples per call: the arena is BATCH times the model's arena size. */
#define BATCH 64

/* The sample: digits drawn in four grey levels, ' ' 0 to '#' 1, 28x28 as
 * MNIST centres them. */
#define SIDE 28
static const char *const sample[][SIDE] = {
    {
        "                            ",
        "                            ",
        "                            ",
        "                            ",
        "              .##.          ",
        "              :##.          ",
        "              :##.          ",
        "              :##.          ",
        "              :##.          ",
        "              :##.          ",
        "              :##.          ",
        "             :##.           ",
        "             :##.           ",
        "             :##.           ",
        "             :##.           ",
        "             :##.           ",
        "             :##.           ",
        "            :##.            ",
        "            :##.            ",
        "            :##.            ",
        "            :##.            ",
        "            :##.            ",
        "            :##.            ",
        "           .##.             ",
        "                            ",
        "                            ",
        "                            ",
        "                            ",
    },
    {
        "                            ",
        "                            ",
        "                            ",
        "                            ",
        "                            ",
        "                            ",
        "      .:############:       ",
        "      ###############       ",
        "      :#######::####:       ",
        "                ####        ",
        "               :###:        ",
        "               ####         ",
        "              :###:         ",
        "              ###:          ",
        "             :###           ",
        "             ###:           ",
        "            :###            ",
        "            ###:            ",
        "           :###             ",
        "           ###:             ",
        "          :###              ",
        "          ###:              ",
        "          :#:               ",
        "                            ",
        "                            ",
        "                            ",
        "                            ",
        "                            ",
    },
    {
        "                            ",
        "                            ",
        "                            ",
        "                            ",
        "            .:###:.         ",
        "          .#########.       ",
        "         :####:::#####.     ",
        "        :###:     :####     ",
        "       .###:        ###:    ",
        "       ###:         :###    ",
        "      :###           ###.   ",
        "      ###:           :##:   ",
        "      ###            :##:   ",
        "     :###            :##:   ",
        "     :##:            ###.   ",
        "     :##:           :###    ",
        "     :###          .###:    ",
        "      ###:        :####     ",
        "      :####:...:#####:      ",
        "       :###########:        ",
        "         :#######:          ",
        "            ...             ",
        "                            ",
        "                            ",
        "                            ",
        "                            ",
        "                            ",
        "                            ",
    },
};
#define SAMPLES (int)(sizeof sample / sizeof sample[0])

static const char *prog = "classify";

static void fail(const char *format, const char *arg) {
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, format, arg);
    fputc('\n', stderr);
    exit(1);
}

/* readFile returns a whole file and its size, or exits. It reads until
 * the end, so that pipes (/dev/stdin) work too. */
static unsigned char *readFile(const char *path, long *size) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        exit(1);
    }
    size_t n = 0, cap = 1 << 16;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL || cap > LONG_MAX / 2)
            fail("%s: out of memory", path);
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        unsigned char *more = realloc(buf, cap);
        if (more == NULL)
            free(buf);
        buf = more;
    }
    if (ferror(f)) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        exit(1);
    }
    fclose(f);
    *size = (long)n;
    return buf;
}

static uint32_t bigEndian32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* idx checks that buf holds an IDX file of unsigned bytes and returns the
 * first of its dimensions, the number of items, or -1 when buf does not
 * start as such a file. *per is the number of bytes an item holds and
 * *data the first. */
static long idx(const char *path, const unsigned char *buf, long size, long *per, const unsigned char **data) {
    if (size < 4 || buf[0] != 0 || buf[1] != 0 || buf[2] != 0x08 || buf[3] == 0)
        return -1;
    int rank = buf[3];
    if (size < 4 + 4L * rank)
        fail("%s: an IDX file cut off in its dimensions", path);
    long elems = 1, bytes = size - 4 - 4L * rank;
    for (int i = 0; i < rank; i++) {
        long d = bigEndian32(buf + 4 + 4 * i);
        if (d != 0 && elems > bytes / d)
            fail("%s: an IDX file whose dimensions exceed its size", path);
        elems *= d;
    }
    if (elems != bytes) {
        fprintf(stderr, "%s: %s: an IDX file of %ld bytes whose dimensions say %ld elements\n", prog, path,
                size, elems);
        exit(1);
    }
    long items = bigEndian32(buf + 4);
    *per = items > 0 ? elems / items : 0;
    *data = buf + 4 + 4 * rank;
    return items;
}

/* loadImages returns the images of a file, *n of them, as the model's
 * float inputs. */
static float *loadImages(const char *path, long *n) {
    long size;
    unsigned char *buf = readFile(path, &size);
    if (size >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
        fail("%s: a gzip file; unzip it first (gzip -dk)", path);
    const unsigned char *pixels;
    long per, items = idx(path, buf, size, &per, &pixels);
    float *x;
    if (items >= 0) {
        if (items == 0 || per != IN_SIZE) {
            fprintf(stderr, "%s: %s: %ld images of %ld pixels; the model takes %d values an image\n", prog, path,
                    items, per, IN_SIZE);
            exit(1);
        }
        long elems = items * per;
        x = malloc((size_t)elems * sizeof *x);
        if (x == NULL)
            fail("%s: out of memory", path);
        for (long i = 0; i < elems; i++)
            x[i] = (float)pixels[i] / 255; /* as kiln reads IDX images */
        *n = items;
    } else {
        if (size == 0 || size % (long)(IN_SIZE * sizeof(float)) != 0) {
            fprintf(stderr,
                    "%s: %s: %ld bytes: neither an IDX file of unsigned bytes nor raw float32 images of %d "
                    "values (%d bytes each)\n",
                    prog, path, size, IN_SIZE, (int)(IN_SIZE * sizeof(float)));
            exit(1);
        }
        x = malloc((size_t)size);
        if (x == NULL)
            fail("%s: out of memory", path);
        memcpy(x, buf, (size_t)size);
        *n = size / (long)(IN_SIZE * sizeof(float));
        /* kiln's VM refuses NaN and infinities; so does this. */
        for (long i = 0; i < *n * IN_SIZE; i++)
            if (!isfinite(x[i])) {
                fprintf(stderr, "%s: %s: image %ld, value %ld is %g\n", prog, path, i / IN_SIZE, i % IN_SIZE,
                        x[i]);
                exit(1);
            }
    }
    free(buf);
    return x;
}

/* loadLabels returns the labels of an IDX file, *n of them. */
static unsigned char *loadLabels(const char *path, long *n) {
    long size;
    unsigned char *buf = readFile(path, &size);
    const unsigned char *labels;
    long per;
    *n = idx(path, buf, size, &per, &labels);
    if (*n < 0 || per != 1)
        fail("%s: not an IDX file of byte labels (one dimension, unsigned bytes)", path);
    memmove(buf, labels, (size_t)*n);
    return buf;
}

/* drawn returns the sample as the model's inputs. */
static float *drawn(long *n) {
    if (IN_SIZE != SIDE * SIDE) {
        fprintf(stderr, "%s: the drawn digits are %dx%d images; the model takes %d values an image: give a file\n",
                prog, SIDE, SIDE, IN_SIZE);
        exit(1);
    }
    float *x = malloc(sizeof(float) * SAMPLES * SIDE * SIDE);
    if (x == NULL)
        fail("%s", "out of memory");
    for (int s = 0; s < SAMPLES; s++)
        for (int r = 0; r < SIDE; r++)
            for (int c = 0; c < SIDE; c++)
                x[(s * SIDE + r) * SIDE + c] = (float)(strchr(" .:#", sample[s][r][c]) - " .:#") / 3;
    *n = SAMPLES;
    return x;
}

static void usage(void) {
    fprintf(stderr, "usage: %s [-n COUNT] [IMAGES [LABELS]]\n", prog);
    exit(2);
}

int main(int argc, char **argv) {
    long limit = -1;
    int arg = 1;
    if (arg < argc && strcmp(argv[arg], "-n") == 0) {
        char *end;
        if (arg + 1 >= argc)
            usage();
        errno = 0;
        limit = strtol(argv[arg + 1], &end, 10);
        if (*argv[arg + 1] == '\0' || *end != '\0' || errno != 0 || limit < 1)
            fail("-n takes a count of images, not %s", argv[arg + 1]);
        arg += 2;
    }
    if (argc - arg > 2 || (arg < argc && argv[arg][0] == '-'))
        usage();

    long n, nlabels = 0;
    float *x = arg < argc ? loadImages(argv[arg], &n) : drawn(&n);
    if (limit > 0 && limit < n)
        n = limit;
    unsigned char *labels = NULL;
    if (arg + 1 < argc) {
        labels = loadLabels(argv[arg + 1], &nlabels);
        if (nlabels < n) {
            fprintf(stderr, "%s: %s: %ld labels for %ld images\n", prog, argv[arg + 1], nlabels, n);
            return 1;
        }
    }

    /* One arena for the largest batch, owned here: the model allocates
     * nothing. */
    void *arena = malloc(BATCH * ARENA_SIZE());
    float *y = malloc(sizeof(float) * BATCH * OUT_SIZE);
    if (arena == NULL || y == NULL)
        fail("%s", "out of memory");
    long right = 0;
    for (long lo = 0; lo < n; lo += BATCH) {
        int batch = n - lo < BATCH ? (int)(n - lo) : BATCH;
        int rc = RUN_F32(batch, x + lo * IN_SIZE, y, arena);
        if (rc != 0) {
            fprintf(stderr, "%s: the model returned %d\n", prog, rc);
            return 1;
        }
        for (int i = 0; i < batch; i++) {
            const float *out = y + (long)i * OUT_SIZE;
            int best = 0;
            for (int j = 1; j < OUT_SIZE; j++)
                if (out[j] > out[best])
                    best = j;
            /* %.9g: the float's exact value reads back from the text. */
            printf("image %ld: %d (score %.9g)", lo + i, best, out[best]);
            if (labels != NULL) {
                int label = labels[lo + i];
                right += label == best;
                printf(" label %d%s", label, label == best ? "" : " wrong");
            }
            printf("\n");
        }
    }
    if (labels != NULL)
        printf("accuracy: %ld of %ld (%.2f%%)\n", right, n, 100.0 * right / n);
    free(arena);
    free(y);
    free(x);
    free(labels);
    return 0;
}
