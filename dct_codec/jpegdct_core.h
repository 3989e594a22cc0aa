/*
 * The reader's core: libjpeg(-turbo) in, int16 coefficient planes out, no
 * Python. `_jpegdct.c` binds it to CPython (running it without the GIL);
 * `tools/fuzz/fuzz_reader.c` drives it under libFuzzer with ASan/UBSan.
 *
 * A Job is filled in by the caller (inputs), handed to run_job, and read
 * back (outputs). run_job never allocates beyond libjpeg's own per-read
 * memory, which it frees on every path, and writes at most `capacity`
 * elements of `out`.
 */
#ifndef JPEGDCT_CORE_H
#define JPEGDCT_CORE_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>

#include <jpeglib.h>

#define MAX_PLANES 4
#define MAX_WARNINGS 8
#define MESSAGE_LENGTH (JMSG_LENGTH_MAX + 16) /* + "libjpeg: " */

enum {
    JOB_OK = 0,
    JOB_ERROR,      /* libjpeg error (or warning, strict); see err.kind */
    JOB_NEED_SPACE, /* `out` too small: `needed` elements */
    JOB_COLOUR,     /* not YCbCr/grayscale: see color_space, saw_adobe */
    JOB_LAYOUT,     /* chroma has no exact 4:2:0 form: see h/v_samp */
    JOB_TOO_LARGE   /* width * height over max_pixels */
};

/* err.kind of a JOB_ERROR: the names of dct_codec.header.ERROR_KINDS. */
#define KIND_CORRUPT "corrupt"
#define KIND_TRUNCATED "truncated"
#define KIND_PRECISION "precision"
#define KIND_RANGE "range"
#define KIND_TOO_LARGE "too_large"
#define KIND_LOSSLESS "lossless"

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int strict;
    int truncated;
    const char *kind;
    char message[MESSAGE_LENGTH];
    int num_warnings;
    char warnings[MAX_WARNINGS][MESSAGE_LENGTH];
} ErrorManager;

typedef struct {
    /* inputs */
    const unsigned char *data;
    unsigned long size;
    JCOEF *out;
    ptrdiff_t capacity; /* in JCOEF elements */
    int even_luma;
    int chroma_420;
    int dequantize;
    int copy; /* 0: decode and drop (consume) */
    unsigned long long max_pixels; /* 0: no limit */
    /* outputs */
    int status;
    ptrdiff_t needed;
    int width, height, color_space, progressive, num_components;
    int saw_adobe, adobe_transform;
    int rows[MAX_PLANES], cols[MAX_PLANES];
    int grid_rows[MAX_PLANES], grid_cols[MAX_PLANES];
    int h_samp[MAX_PLANES], v_samp[MAX_PLANES];
    /* 2: halve this axis into the 4:2:0 grid; 1: keep. */
    int factor_y[MAX_PLANES], factor_x[MAX_PLANES];
    ptrdiff_t offset[MAX_PLANES];
    unsigned short quant[MAX_PLANES][64];
    /* Dequantised values outside int16, saturated (non-strict only). */
    long long saturated;
    ErrorManager err;
} Job;

/* Once per process, before the first run_job. */
void jpegdct_init(void);
void run_job(Job *job);

#endif
