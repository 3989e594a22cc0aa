/*
 * The reader's core (see jpegdct_core.h): a JPEG's DCT coefficients into
 * int16 planes, dequantised while copied, with one rule for values that do
 * not fit: every product level x quantisation value is formed in 32 bits;
 * one outside int16 fails a strict read (kind "range") and is saturated to
 * [-32768, 32767] with a warning otherwise. The 4:2:0 averaging path
 * rounds and follows the same rule. Levels returned undequantised are
 * checked the same way, so that their later dequantisation (numpy or the
 * device) saturates nothing a strict read let through.
 */
#include "jpegdct_core.h"

#include <math.h>
#include <string.h>

#include <jerror.h>

static void on_error(j_common_ptr cinfo)
{
    ErrorManager *err = (ErrorManager *)cinfo->err;
    int code = cinfo->err->msg_code;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(err->message, sizeof(err->message), "libjpeg: %s", text);
    if (code == JERR_BAD_PRECISION)
        err->kind = KIND_PRECISION;
    else if (code == JERR_SOF_UNSUPPORTED &&
             (cinfo->err->msg_parm.i[0] & 0xF3) == 0xC3)
        err->kind = KIND_LOSSLESS; /* SOF3, 7, 11, 15 */
    else if (code == JERR_IMAGE_TOO_BIG || code == JERR_OUT_OF_MEMORY)
        err->kind = KIND_TOO_LARGE;
    else
        err->kind = err->truncated ? KIND_TRUNCATED : KIND_CORRUPT;
    longjmp(err->jump, 1);
}

/* Our own errors, through the same exit as libjpeg's. */
static void fail(j_decompress_ptr cinfo, const char *kind,
                 const char *message)
{
    ErrorManager *err = (ErrorManager *)cinfo->err;
    snprintf(err->message, sizeof(err->message), "%s", message);
    err->kind = kind;
    longjmp(err->jump, 1);
}

static void add_warning(ErrorManager *err, const char *message)
{
    if (err->num_warnings < MAX_WARNINGS)
        snprintf(err->warnings[err->num_warnings], MESSAGE_LENGTH, "%s",
                 message);
    err->num_warnings++;
}

static void on_message(j_common_ptr cinfo, int level)
{
    ErrorManager *err = (ErrorManager *)cinfo->err;
    if (level >= 0)
        return; /* trace messages */
    if (cinfo->err->msg_code == JWRN_JPEG_EOF)
        err->truncated = 1;
    if (err->strict) {
        char text[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, text);
        snprintf(err->message, sizeof(err->message), "libjpeg: %s", text);
        err->kind = err->truncated ? KIND_TRUNCATED : KIND_CORRUPT;
        longjmp(err->jump, 1);
    }
    {
        char text[JMSG_LENGTH_MAX], warning[MESSAGE_LENGTH];
        (*cinfo->err->format_message)(cinfo, text);
        snprintf(warning, sizeof(warning), "libjpeg: %s", text);
        add_warning(err, warning);
    }
}

static void silent(j_common_ptr cinfo) { (void)cinfo; }

static int round_up(int value, int multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

/* HALVE[j][p][v]: DCT coefficient p of the 2:1 average of two adjacent
 * 8-sample blocks, from coefficient v of block j (D P_j D^T). */
static float HALVE[2][DCTSIZE][DCTSIZE];
/* HALVE_T[j][v][p] = HALVE[j][p][v], for loops that run over p. */
static float HALVE_T[2][DCTSIZE][DCTSIZE];

void jpegdct_init(void)
{
    double d[DCTSIZE][DCTSIZE], average[2][DCTSIZE][DCTSIZE];
    int j, p, v, n, i;

    for (p = 0; p < DCTSIZE; p++)
        for (n = 0; n < DCTSIZE; n++)
            d[p][n] = cos(M_PI * (2 * n + 1) * p / (2.0 * DCTSIZE)) *
                      (p == 0 ? sqrt(1.0 / DCTSIZE) : sqrt(2.0 / DCTSIZE));
    memset(average, 0, sizeof(average));
    for (j = 0; j < 2; j++)
        for (n = 0; n < DCTSIZE; n++)
            average[j][(DCTSIZE * j + n) / 2][n] = 0.5;
    for (j = 0; j < 2; j++)
        for (p = 0; p < DCTSIZE; p++)
            for (v = 0; v < DCTSIZE; v++) {
                double sum = 0;
                for (i = 0; i < DCTSIZE; i++)
                    for (n = 0; n < DCTSIZE; n++)
                        sum += d[p][i] * average[j][i][n] * d[v][n];
                HALVE[j][p][v] = HALVE_T[j][v][p] = (float)sum;
            }
}

/* 2 * chroma / luma sampling must be 1 or 2 for an exact 4:2:0 form. */
static int halving_factor(int chroma, int luma)
{
    if ((2 * chroma) % luma != 0)
        return 0;
    chroma = 2 * chroma / luma;
    return chroma == 1 || chroma == 2 ? chroma : 0;
}

/* Huffman coding spends at least one bit on every block's DC, so data
 * shorter than a bit per declared block cannot hold the frame: refuse it
 * from the header in both modes, before libjpeg sizes anything (a lenient
 * read would otherwise decode gigabytes of zero blocks from a few bytes).
 * Arithmetic coding can spend less and is not checked. */
static void check_data_size(j_decompress_ptr cinfo, unsigned long size)
{
    unsigned long long blocks = 0;
    char message[MESSAGE_LENGTH];
    int ci;
    if (cinfo->arith_code)
        return;
    for (ci = 0; ci < cinfo->num_components; ci++) {
        jpeg_component_info *comp = &cinfo->comp_info[ci];
        unsigned long long w = ((unsigned long long)cinfo->image_width *
                                    comp->h_samp_factor +
                                cinfo->max_h_samp_factor - 1) /
                               cinfo->max_h_samp_factor;
        unsigned long long h = ((unsigned long long)cinfo->image_height *
                                    comp->v_samp_factor +
                                cinfo->max_v_samp_factor - 1) /
                               cinfo->max_v_samp_factor;
        blocks += ((w + 7) / 8) * ((h + 7) / 8);
    }
    if ((unsigned long long)size * 8 < blocks) {
        snprintf(message, sizeof(message),
                 "%lu bytes cannot code the %llu blocks of a %ux%u frame "
                 "(at least one bit each)",
                 size, blocks, cinfo->image_width, cinfo->image_height);
        fail(cinfo, KIND_TRUNCATED, message);
    }
}

/* The range rule (file comment) for `count` out-of-range values of
 * component `ci`. */
static void check_range(j_decompress_ptr cinfo, Job *job, int ci,
                        long long count)
{
    char message[MESSAGE_LENGTH];
    if (count == 0)
        return;
    snprintf(message, sizeof(message),
             "%lld dequantised coefficients of component %d are outside "
             "the int16 range (corrupt data or quantisation values)",
             count, ci);
    if (job->err.strict)
        fail(cinfo, KIND_RANGE, message);
    add_warning(&job->err, message);
    job->saturated += count;
}

/* T.81 B.2.4.1: quantisation values are 1..255 (8-bit) or 1..65535. */
static void check_table(j_decompress_ptr cinfo, const JQUANT_TBL *table,
                        int ci)
{
    char message[MESSAGE_LENGTH];
    int k;
    for (k = 0; k < DCTSIZE2; k++)
        if (table->quantval[k] == 0) {
            snprintf(message, sizeof(message),
                     "the quantisation table of component %d has a zero "
                     "entry (index %d): invalid (T.81 allows 1..65535)",
                     ci, k);
            fail(cinfo, KIND_RANGE, message);
        }
}

static void copy_plane(j_decompress_ptr cinfo, jvirt_barray_ptr array,
                       Job *job, int ci, const JQUANT_TBL *table)
{
    size_t real = (size_t)job->cols[ci], grid = (size_t)job->grid_cols[ci];
    JCOEF *dst = job->out + job->offset[ci];
    int quant[DCTSIZE2];
    long long out_of_range = 0;
    size_t b;
    int row, k;

    for (k = 0; k < DCTSIZE2; k++)
        quant[k] = (int)table->quantval[k];
    for (row = 0; row < job->grid_rows[ci]; row++, dst += grid * DCTSIZE2) {
        if (row >= job->rows[ci]) {
            memset(dst, 0, grid * DCTSIZE2 * sizeof(JCOEF));
            continue;
        }
        JBLOCKROW blocks = (*cinfo->mem->access_virt_barray)(
            (j_common_ptr)cinfo, array, (JDIMENSION)row, 1, FALSE)[0];
        /* |level| <= 32768 and quant <= 65535: the product fits in int. */
        for (b = 0; b < real; b++) {
            const JCOEF *level = blocks[b];
            JCOEF *out = dst + b * DCTSIZE2;
            int count = 0;
            if (job->dequantize)
                for (k = 0; k < DCTSIZE2; k++) { /* vectorised */
                    int value = level[k] * quant[k];
                    int kept = value > 32767    ? 32767
                               : value < -32768 ? -32768
                                                : value;
                    count += value != kept;
                    out[k] = (JCOEF)kept;
                }
            else
                for (k = 0; k < DCTSIZE2; k++) {
                    int value = level[k] * quant[k];
                    count += value > 32767 || value < -32768;
                    out[k] = level[k];
                }
            out_of_range += count;
        }
        memset(dst + real * DCTSIZE2, 0,
               (grid - real) * DCTSIZE2 * sizeof(JCOEF));
    }
    check_range(cinfo, job, ci, out_of_range);
}

/* Chroma to the 4:2:0 grid: each output block is the DCT of the 2:1 (or
 * 2x2) pixel average of the blocks it covers, a separable map applied row
 * stage then column stage; zero coefficients (most of chroma) are skipped.
 * A missing last block repeats the previous one (only pixels outside the
 * image differ). */
static void halve_plane(j_decompress_ptr cinfo, jvirt_barray_ptr array,
                        Job *job, int ci, const JQUANT_TBL *table)
{
    int fy = job->factor_y[ci], fx = job->factor_x[ci];
    int in_rows = (int)cinfo->comp_info[ci].height_in_blocks;
    int in_cols = (int)cinfo->comp_info[ci].width_in_blocks;
    JCOEF *dst = job->out + job->offset[ci];
    float quant[DCTSIZE2];
    long long out_of_range = 0;
    int r, c, k;

    for (k = 0; k < DCTSIZE2; k++)
        quant[k] = (float)table->quantval[k];
    for (r = 0; r < job->grid_rows[ci]; r++) {
        JBLOCKROW source[2];
        int jy;
        /* The whole coefficient array is in memory (libjpeg-turbo has no
         * backing store), so row pointers stay valid across calls. */
        for (jy = 0; jy < fy; jy++) {
            int row = r * fy + jy < in_rows ? r * fy + jy : in_rows - 1;
            source[jy] = (*cinfo->mem->access_virt_barray)(
                (j_common_ptr)cinfo, array, (JDIMENSION)row, 1, FALSE)[0];
        }
        for (c = 0; c < job->grid_cols[ci]; c++, dst += DCTSIZE2) {
            /* stage[jy][v * 8 + q]: after the horizontal stage. */
            float stage[2][DCTSIZE2], out[DCTSIZE2];
            int row_used[2][DCTSIZE];
            int v, p, q, u, jx;

            memset(stage, 0, sizeof(stage));
            memset(row_used, 0, sizeof(row_used));
            for (jy = 0; jy < fy; jy++)
                for (jx = 0; jx < fx; jx++) {
                    int col = c * fx + jx < in_cols ? c * fx + jx
                                                    : in_cols - 1;
                    const JCOEF *block = source[jy][col];
                    for (v = 0; v < DCTSIZE; v++) {
                        unsigned long long half[2];
                        memcpy(half, block + v * DCTSIZE, sizeof(half));
                        if ((half[0] | half[1]) == 0)
                            continue; /* an all-zero row: most of chroma */
                        for (u = 0; u < DCTSIZE; u++) {
                            float a;
                            if (block[v * DCTSIZE + u] == 0)
                                continue;
                            a = block[v * DCTSIZE + u] * quant[v * DCTSIZE + u];
                            row_used[jy][v] = 1;
                            if (fx == 1) {
                                stage[jy][v * DCTSIZE + u] += a;
                                continue;
                            }
                            for (q = 0; q < DCTSIZE; q++)
                                stage[jy][v * DCTSIZE + q] +=
                                    HALVE_T[jx][u][q] * a;
                        }
                    }
                }
            if (fy == 1) {
                memcpy(out, stage[0], sizeof(out));
            } else {
                memset(out, 0, sizeof(out));
                for (jy = 0; jy < 2; jy++)
                    for (v = 0; v < DCTSIZE; v++) {
                        if (!row_used[jy][v])
                            continue;
                        for (p = 0; p < DCTSIZE; p++) {
                            float a = HALVE[jy][p][v];
                            for (q = 0; q < DCTSIZE; q++)
                                out[p * DCTSIZE + q] +=
                                    a * stage[jy][v * DCTSIZE + q];
                        }
                    }
            }
            for (k = 0; k < DCTSIZE2; k++) {
                long rounded = lrintf(out[k]);
                long kept = rounded > 32767    ? 32767
                            : rounded < -32768 ? -32768
                                               : rounded;
                out_of_range += rounded != kept;
                dst[k] = (JCOEF)kept;
            }
        }
    }
    check_range(cinfo, job, ci, out_of_range);
}

void run_job(Job *job)
{
    struct jpeg_decompress_struct cinfo;
    jvirt_barray_ptr *coefficients;
    int ci;

    memset(&cinfo, 0, sizeof(cinfo)); /* destroy is a no-op until created */
    cinfo.err = jpeg_std_error(&job->err.pub);
    job->err.pub.error_exit = on_error;
    job->err.pub.emit_message = on_message;
    job->err.pub.output_message = silent;
    if (setjmp(job->err.jump)) {
        /* Frees every libjpeg allocation of this read: nothing leaks. */
        jpeg_destroy_decompress(&cinfo);
        job->status = JOB_ERROR;
        return;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, job->data, job->size);
    jpeg_read_header(&cinfo, TRUE);

    job->width = (int)cinfo.image_width;
    job->height = (int)cinfo.image_height;
    job->color_space = (int)cinfo.jpeg_color_space;
    job->progressive = cinfo.progressive_mode ? 1 : 0;
    job->num_components = cinfo.num_components;
    job->saw_adobe = cinfo.saw_Adobe_marker ? 1 : 0;
    job->adobe_transform = cinfo.Adobe_transform;
    /* Before anything is sized from the header: a bomb allocates nothing. */
    if (job->max_pixels != 0 && (unsigned long long)cinfo.image_width *
                                        cinfo.image_height >
                                    job->max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        job->status = JOB_TOO_LARGE;
        return;
    }
    check_data_size(&cinfo, job->size);
    if ((cinfo.jpeg_color_space != JCS_GRAYSCALE &&
         cinfo.jpeg_color_space != JCS_YCbCr) ||
        cinfo.num_components > MAX_PLANES) {
        jpeg_destroy_decompress(&cinfo);
        job->status = JOB_COLOUR;
        return;
    }

    for (ci = 0; ci < cinfo.num_components; ci++) {
        job->h_samp[ci] = cinfo.comp_info[ci].h_samp_factor;
        job->v_samp[ci] = cinfo.comp_info[ci].v_samp_factor;
    }
    job->needed = 0;
    for (ci = 0; ci < cinfo.num_components; ci++) {
        jpeg_component_info *comp = &cinfo.comp_info[ci];
        job->rows[ci] = (int)comp->height_in_blocks;
        job->cols[ci] = (int)comp->width_in_blocks;
        job->factor_y[ci] = job->factor_x[ci] = 1;
        if (ci > 0 && job->chroma_420) {
            job->factor_y[ci] = halving_factor(comp->v_samp_factor,
                                               cinfo.comp_info[0].v_samp_factor);
            job->factor_x[ci] = halving_factor(comp->h_samp_factor,
                                               cinfo.comp_info[0].h_samp_factor);
            if (!job->factor_y[ci] || !job->factor_x[ci]) {
                jpeg_destroy_decompress(&cinfo);
                job->status = JOB_LAYOUT;
                return;
            }
        }
        if (job->factor_y[ci] == 2 || job->factor_x[ci] == 2) {
            job->rows[ci] = (job->rows[ci] + job->factor_y[ci] - 1) /
                            job->factor_y[ci];
            job->cols[ci] = (job->cols[ci] + job->factor_x[ci] - 1) /
                            job->factor_x[ci];
            job->grid_rows[ci] = job->rows[ci];
            job->grid_cols[ci] = job->cols[ci];
        } else if (cinfo.num_components == 1) {
            /* A single-component scan has one-block MCUs whatever its
             * sampling factors say. */
            job->grid_rows[ci] = job->rows[ci];
            job->grid_cols[ci] = job->cols[ci];
        } else {
            job->grid_rows[ci] = round_up(job->rows[ci], comp->v_samp_factor);
            job->grid_cols[ci] = round_up(job->cols[ci], comp->h_samp_factor);
        }
        if (ci == 0 && job->even_luma) {
            job->grid_rows[ci] = round_up(job->grid_rows[ci], 2);
            job->grid_cols[ci] = round_up(job->grid_cols[ci], 2);
        }
        job->offset[ci] = job->needed;
        job->needed +=
            (ptrdiff_t)job->grid_rows[ci] * job->grid_cols[ci] * DCTSIZE2;
    }
    if (job->copy && job->needed > job->capacity) {
        jpeg_destroy_decompress(&cinfo);
        job->status = JOB_NEED_SPACE;
        return;
    }

    coefficients = jpeg_read_coefficients(&cinfo);
    for (ci = 0; job->copy && ci < cinfo.num_components; ci++) {
        jpeg_component_info *comp = &cinfo.comp_info[ci];
        JQUANT_TBL *table = comp->quant_table;
        int k;

        if (table == NULL && comp->quant_tbl_no >= 0 &&
            comp->quant_tbl_no < NUM_QUANT_TBLS)
            table = cinfo.quant_tbl_ptrs[comp->quant_tbl_no];
        if (table == NULL)
            ERREXIT1(&cinfo, JERR_NO_QUANT_TABLE, comp->quant_tbl_no);
        check_table(&cinfo, table, ci);
        for (k = 0; k < DCTSIZE2; k++)
            job->quant[ci][k] = table->quantval[k];
        if (job->factor_y[ci] == 2 || job->factor_x[ci] == 2)
            halve_plane(&cinfo, coefficients[ci], job, ci, table);
        else
            copy_plane(&cinfo, coefficients[ci], job, ci, table);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    job->status = JOB_OK;
}

