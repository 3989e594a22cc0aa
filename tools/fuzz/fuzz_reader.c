/*
 * libFuzzer harness over the reader's C core (dct_codec/jpegdct_core.c).
 *
 * Input: one option byte, then the bytes handed to run_job as the JPEG.
 *
 *   bit 0     strict
 *   bit 1     chroma_420
 *   bit 2     dequantize
 *   bit 3     even_luma
 *   bits 4-5  0: consume (decode and drop), 1-3: copy into `out`
 *   bits 6-7  max_pixels: 0 (none), 4M, 64K, 1M
 *
 * Each copy read starts with a small buffer, as the Python reader does, and
 * on JOB_NEED_SPACE retries with exactly `needed` elements (so ASan sees a
 * write past `needed`), up to MAX_OUT_ELEMENTS; bigger reads are consumed
 * instead. libjpeg's own memory is capped with JPEGMEM (its "no backing
 * store" error then stops over-large images), so the harness stays well
 * under ~256 MB whatever size a header declares.
 *
 * Checked after each run_job: the status is known; JOB_OK has consistent
 * grids and offsets that tile [0, needed) exactly, every element of `out`
 * written and identical on a second read into a differently filled buffer,
 * nonzero quantisation values, and no warning or saturation when strict;
 * JOB_NEED_SPACE wrote nothing; JOB_ERROR has a message and a known kind;
 * JOB_TOO_LARGE really is over max_pixels. A violated invariant aborts,
 * which libFuzzer reports as a crash with the input saved.
 *
 * Build (what `make fuzz` does):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -fno-sanitize-recover=undefined -Idct_codec \
 *       tools/fuzz/fuzz_reader.c dct_codec/jpegdct_core.c -ljpeg -lm
 * With -DFUZZ_STANDALONE (any C compiler, no libFuzzer) it gets a main()
 * that runs the files named on its command line; with --raw first, each
 * file is a plain JPEG run under a spread of option bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpegdct_core.h"

/* 4 M int16 elements: 8 MB of coefficients at most. */
#define MAX_OUT_ELEMENTS ((ptrdiff_t)4 << 20)
/* The first try, like NativeReader's first buffer (64 K elements there). */
#define FIRST_CAPACITY 4096
#define FILL_A 0x5A5A
#define FILL_B ((JCOEF)0xA5A5)

#define CHECK(condition)                                                    \
    do {                                                                    \
        if (!(condition)) {                                                 \
            fprintf(stderr, "fuzz_reader: invariant failed: %s (%s:%d)\n",  \
                    #condition, __FILE__, __LINE__);                        \
            abort();                                                        \
        }                                                                   \
    } while (0)

/* Only our core is instrumented (libjpeg is the system's): these counters,
 * which libFuzzer reads as extra coverage, give it a view of what libjpeg
 * did with an input (its last message, the outcome, the frame's layout), so
 * that inputs reaching new libjpeg errors and layouts are kept. */
#if defined(__clang__) && defined(__linux__) && !defined(FUZZ_STANDALONE)
#define EXTRA_COUNTERS 1024
__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t
    extra_counters[EXTRA_COUNTERS];
static void count(unsigned group, unsigned value)
{
    unsigned index = (group * 256 + value % 256) % EXTRA_COUNTERS;
    if (extra_counters[index] < 255)
        extra_counters[index]++;
}
#else
static void count(unsigned group, unsigned value)
{
    (void)group;
    (void)value;
}
#endif

static const unsigned long long MAX_PIXELS[4] = {0, 4000000ULL, 65536ULL,
                                                 1000000ULL};
static int initialised;

static void initialise(void)
{
    if (initialised)
        return;
    /* libjpeg(-turbo) reads JPEGMEM at every jpeg_create_decompress; an
     * image whose coefficients need more fails with "Backing store not
     * supported". A value already set wins. */
    setenv("JPEGMEM", "8M", 0);
    jpegdct_init();
    initialised = 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    initialise();
    return 0;
}

static void fill(JCOEF *out, ptrdiff_t count, JCOEF value)
{
    ptrdiff_t i;
    for (i = 0; i < count; i++)
        out[i] = value;
}

static void setup(Job *job, const uint8_t *data, size_t size, int options)
{
    memset(job, 0, sizeof(*job));
    job->data = data;
    job->size = (unsigned long)size;
    job->err.strict = options & 1;
    job->chroma_420 = (options >> 1) & 1;
    job->dequantize = (options >> 2) & 1;
    job->even_luma = (options >> 3) & 1;
    job->copy = ((options >> 4) & 3) != 0;
    job->max_pixels = MAX_PIXELS[(options >> 6) & 3];
}

static int known_kind(const char *kind)
{
    return kind != NULL &&
           (strcmp(kind, KIND_CORRUPT) == 0 ||
            strcmp(kind, KIND_TRUNCATED) == 0 ||
            strcmp(kind, KIND_PRECISION) == 0 ||
            strcmp(kind, KIND_RANGE) == 0 ||
            strcmp(kind, KIND_TOO_LARGE) == 0 ||
            strcmp(kind, KIND_LOSSLESS) == 0);
}

static int round_up(int value, int multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

static int div_round_up(long long value, long long divisor)
{
    return (int)((value + divisor - 1) / divisor);
}

static unsigned bit_length(unsigned long long value)
{
    unsigned bits = 0;
    while (value) {
        bits++;
        value >>= 1;
    }
    return bits;
}

/* What libjpeg and the core did, as features (see extra_counters). */
static void count_outcome(const Job *job)
{
    static const char *const kinds[] = {KIND_CORRUPT, KIND_TRUNCATED,
                                        KIND_PRECISION, KIND_RANGE,
                                        KIND_TOO_LARGE, KIND_LOSSLESS};
    unsigned layout = (unsigned)job->num_components, ci, kind = 0;
    if (job->status == JOB_ERROR)
        for (ci = 0; ci < 6; ci++)
            if (job->err.kind == kinds[ci])
                kind = ci + 1;
    for (ci = 0; ci < MAX_PLANES && ci < (unsigned)job->num_components; ci++)
        layout = layout * 31 +
                 (unsigned)(job->h_samp[ci] * 5 + job->v_samp[ci]);
    count(0, (unsigned)job->err.pub.msg_code);
    count(1, (unsigned)job->status * 16 + kind);
    count(1, 128 + (unsigned)job->status * 16 + bit_length(
                       (unsigned long long)job->err.num_warnings) * 2 +
                       (job->saturated != 0));
    count(2, layout);
    /* Size classes per axis: 0, 1-15, 16-255, 256-4095, 4096-65535 (finer
     * classes fill the corpus with slow large frames). */
    count(3, (bit_length((unsigned long long)job->width) + 3) / 4 * 5 +
                 (bit_length((unsigned long long)job->height) + 3) / 4 +
                 (job->progressive ? 128 : 0));
}

/* What every status promises, whichever it is. */
static void check_status(const Job *job)
{
    count_outcome(job);
    CHECK(job->status >= JOB_OK && job->status <= JOB_TOO_LARGE);
    switch (job->status) {
    case JOB_ERROR:
        CHECK(job->err.message[0] != '\0');
        CHECK(memchr(job->err.message, '\0', sizeof(job->err.message)));
        CHECK(known_kind(job->err.kind));
        break;
    case JOB_TOO_LARGE:
        CHECK(job->max_pixels != 0);
        CHECK((unsigned long long)job->width * job->height > job->max_pixels);
        break;
    case JOB_COLOUR:
        CHECK((job->color_space != JCS_GRAYSCALE &&
               job->color_space != JCS_YCbCr) ||
              job->num_components > MAX_PLANES);
        break;
    case JOB_LAYOUT:
        CHECK(job->chroma_420);
        CHECK(job->num_components >= 2 &&
              job->num_components <= MAX_PLANES);
        break;
    case JOB_NEED_SPACE:
        CHECK(job->copy);
        CHECK(job->needed > job->capacity);
        break;
    default:
        break;
    }
    if (job->status != JOB_ERROR)
        CHECK(job->err.num_warnings >= 0);
}

/* The geometry of a JOB_OK (or JOB_NEED_SPACE) read. */
static void check_layout(const Job *job)
{
    int ci, max_h = 0, max_v = 0;
    ptrdiff_t offset = 0;

    CHECK(job->width > 0 && job->width <= 65535);
    CHECK(job->height > 0 && job->height <= 65535);
    CHECK(job->num_components >= 1 && job->num_components <= MAX_PLANES);
    CHECK(job->color_space == JCS_GRAYSCALE || job->color_space == JCS_YCbCr);
    for (ci = 0; ci < job->num_components; ci++) {
        CHECK(job->h_samp[ci] >= 1 && job->h_samp[ci] <= 4);
        CHECK(job->v_samp[ci] >= 1 && job->v_samp[ci] <= 4);
        max_h = job->h_samp[ci] > max_h ? job->h_samp[ci] : max_h;
        max_v = job->v_samp[ci] > max_v ? job->v_samp[ci] : max_v;
    }
    for (ci = 0; ci < job->num_components; ci++) {
        /* libjpeg's component size in blocks (jdinput.c). */
        int in_rows = div_round_up((long long)job->height * job->v_samp[ci],
                                   (long long)max_v * DCTSIZE);
        int in_cols = div_round_up((long long)job->width * job->h_samp[ci],
                                   (long long)max_h * DCTSIZE);
        int fy = job->factor_y[ci], fx = job->factor_x[ci];

        CHECK(fy == 1 || fy == 2);
        CHECK(fx == 1 || fx == 2);
        CHECK(ci > 0 || (fy == 1 && fx == 1));
        CHECK(job->chroma_420 || (fy == 1 && fx == 1));
        CHECK(job->rows[ci] == div_round_up(in_rows, fy));
        CHECK(job->cols[ci] == div_round_up(in_cols, fx));
        CHECK(job->rows[ci] >= 1 && job->cols[ci] >= 1);
        CHECK(job->grid_rows[ci] >= job->rows[ci]);
        CHECK(job->grid_cols[ci] >= job->cols[ci]);
        if (fy == 2 || fx == 2) {
            CHECK(job->grid_rows[ci] == job->rows[ci]);
            CHECK(job->grid_cols[ci] == job->cols[ci]);
        } else {
            /* One-block MCUs in a single-component scan. */
            int mcu_v = job->num_components == 1 ? 1 : job->v_samp[ci];
            int mcu_h = job->num_components == 1 ? 1 : job->h_samp[ci];
            int even = ci == 0 && job->even_luma ? 2 : 1;
            CHECK(job->grid_rows[ci] ==
                  round_up(round_up(in_rows, mcu_v), even));
            CHECK(job->grid_cols[ci] ==
                  round_up(round_up(in_cols, mcu_h), even));
        }
        CHECK(job->offset[ci] == offset);
        offset +=
            (ptrdiff_t)job->grid_rows[ci] * job->grid_cols[ci] * DCTSIZE2;
    }
    CHECK(offset == job->needed);
}

static void check_ok(const Job *job)
{
    int ci, k;

    check_layout(job);
    CHECK(job->saturated >= 0);
    if (job->err.strict) {
        CHECK(job->err.num_warnings == 0);
        CHECK(job->saturated == 0);
    } else if (job->saturated > 0) {
        CHECK(job->err.num_warnings > 0);
    }
    if (job->copy) {
        CHECK(job->needed <= job->capacity);
        for (ci = 0; ci < job->num_components; ci++)
            for (k = 0; k < DCTSIZE2; k++)
                CHECK(job->quant[ci][k] != 0);
    }
}

/* A copy read into `out` (filled with `pattern` first). */
static void read_into(Job *job, const uint8_t *data, size_t size, int options,
                      JCOEF *out, ptrdiff_t capacity, JCOEF pattern)
{
    setup(job, data, size, options);
    job->out = out;
    job->capacity = capacity;
    fill(out, capacity, pattern);
    run_job(job);
    check_status(job);
}

static void run_copy(const uint8_t *data, size_t size, int options)
{
    static JCOEF small[FIRST_CAPACITY];
    static Job job, again;
    JCOEF *out, *second;
    ptrdiff_t needed, i;

    read_into(&job, data, size, options, small, FIRST_CAPACITY, FILL_A);
    if (job.status == JOB_OK) {
        check_ok(&job);
        return;
    }
    if (job.status != JOB_NEED_SPACE)
        return;
    /* Nothing was written, and the geometry is already final. */
    for (i = 0; i < FIRST_CAPACITY; i++)
        CHECK(small[i] == FILL_A);
    check_layout(&job);
    needed = job.needed;
    if (needed > MAX_OUT_ELEMENTS) {
        /* Too big to hold here: decode it all the same, and drop it. */
        setup(&job, data, size, options & ~0x30);
        run_job(&job);
        check_status(&job);
        CHECK(job.status != JOB_NEED_SPACE);
        return;
    }
    /* Exactly `needed` elements: ASan catches a write past them. */
    out = malloc((size_t)needed * sizeof(JCOEF));
    CHECK(out != NULL);
    read_into(&job, data, size, options, out, needed, FILL_A);
    CHECK(job.status != JOB_NEED_SPACE);
    if (job.status == JOB_OK) {
        check_ok(&job);
        CHECK(job.needed == needed);
        /* Every element written, and written the same way: a second read
         * into a buffer filled differently must give the same values. */
        second = malloc((size_t)needed * sizeof(JCOEF));
        CHECK(second != NULL);
        read_into(&again, data, size, options, second, needed, FILL_B);
        CHECK(again.status == JOB_OK);
        CHECK(again.saturated == job.saturated);
        CHECK(memcmp(out, second, (size_t)needed * sizeof(JCOEF)) == 0);
        CHECK(memcmp(job.quant, again.quant, sizeof(job.quant)) == 0);
        free(second);
    }
    free(out);
}

static void run_consume(const uint8_t *data, size_t size, int options)
{
    static Job job;
    setup(&job, data, size, options);
    run_job(&job);
    check_status(&job);
    /* (JOB_LAYOUT is possible: the 4:2:0 check comes before `copy`.) */
    CHECK(job.status != JOB_NEED_SPACE);
    if (job.status == JOB_OK)
        check_layout(&job);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int options;

    initialise();
    if (size < 1)
        return 0;
    options = data[0];
    data++;
    size--;
    if ((options >> 4) & 3)
        run_copy(data, size, options);
    else
        run_consume(data, size, options);
    return 0;
}

#ifdef FUZZ_STANDALONE
/* Without libFuzzer: run the files given; with --raw, plain JPEGs under
 * these option bytes (strict/lenient x 4:2:0 levels/dequantised, native,
 * consume, pixel limits). */
static const int RAW_OPTIONS[] = {0x17, 0x16, 0x1D, 0x1C, 0x19, 0x18,
                                  0x3F, 0x3E, 0x01, 0x00, 0x57, 0x96};

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    unsigned char *data = NULL;
    long length;
    if (file == NULL)
        return NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (length = ftell(file)) >= 0 &&
        fseek(file, 0, SEEK_SET) == 0) {
        data = malloc((size_t)length + 2);
        if (data != NULL &&
            fread(data + 1, 1, (size_t)length, file) != (size_t)length) {
            free(data);
            data = NULL;
        }
        *size = (size_t)length;
    }
    fclose(file);
    return data;
}

int main(int argc, char **argv)
{
    int i, raw = 0, runs = 0;
    size_t o;

    initialise();
    for (i = 1; i < argc; i++) {
        unsigned char *data;
        size_t size = 0;
        if (strcmp(argv[i], "--raw") == 0) {
            raw = 1;
            continue;
        }
        /* data[0] is free for an option byte: the file is at data + 1. */
        data = read_file(argv[i], &size);
        if (data == NULL) {
            fprintf(stderr, "fuzz_reader: cannot read %s\n", argv[i]);
            return 2;
        }
        if (!raw) {
            if (size > 0)
                LLVMFuzzerTestOneInput(data + 1, size);
            runs++;
        }
        for (o = 0; raw && o < sizeof(RAW_OPTIONS) / sizeof(*RAW_OPTIONS);
             o++) {
            data[0] = (unsigned char)RAW_OPTIONS[o];
            LLVMFuzzerTestOneInput(data, size + 1);
            runs++;
        }
        free(data);
    }
    printf("fuzz_reader: %d runs, all invariants held\n", runs);
    return 0;
}
#endif
