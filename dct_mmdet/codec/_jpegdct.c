/*
 * Native DCT coefficient reader over the system libjpeg(-turbo).
 *
 * read(data, out, strict=True, even_luma=True, chroma_420=True,
 *      dequantize=True) reads the DCT coefficients of the JPEG in `data` (any
 * buffer) straight into `out` (a writable, C-contiguous int16 buffer) while
 * the GIL is released. Each component is laid out as a (rows, cols, 64)
 * raster-order block grid, one after another:
 *   - luma, and chroma already on the 4:2:0 grid (or chroma_420=False): the
 *     file's blocks, dequantised while copied (quantised levels with
 *     dequantize=False), padded with zero blocks to the MCU grid and, for
 *     luma with even_luma, to an even block count;
 *   - other chroma with chroma_420: averaged 2:1 along each axis where the
 *     file has twice the 4:2:0 resolution, exactly, in the DCT domain (the
 *     coefficients of the 2x2 pixel average), then rounded; always
 *     dequantised.
 *
 * Returns an int (the number of int16 elements `out` must hold) when `out` is
 * too small, else a tuple
 *   (width, height, color_space, progressive,
 *    ((rows, cols, grid_rows, grid_cols, h_samp, v_samp, offset), ...),
 *    quant_tables (bytes, 64 uint16 per component, natural order),
 *    warnings (tuple of str, non-strict mode only))
 * where rows/cols count the blocks that hold image data. Raises
 * DecodeError(message, kind) on libjpeg errors, on any libjpeg warning in
 * strict mode, on colour spaces other than YCbCr/grayscale and on chroma
 * with no exact 4:2:0 form; kind is 'truncated', 'colour', 'layout' or
 * 'corrupt'.
 *
 * consume(data) decodes the coefficients and drops them: the floor that
 * read() is measured against.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#define MAX_PLANES 4
#define MAX_WARNINGS 8

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int strict;
    int truncated;
    char message[JMSG_LENGTH_MAX];
    int num_warnings;
    char warnings[MAX_WARNINGS][JMSG_LENGTH_MAX];
} ErrorManager;

enum { JOB_OK = 0, JOB_ERROR, JOB_NEED_SPACE, JOB_COLOUR, JOB_LAYOUT };

typedef struct {
    /* inputs */
    const unsigned char *data;
    unsigned long size;
    JCOEF *out;
    Py_ssize_t capacity; /* in JCOEF elements */
    int even_luma;
    int chroma_420;
    int dequantize;
    int copy; /* 0: decode and drop (consume) */
    /* outputs */
    int status;
    Py_ssize_t needed;
    int width, height, color_space, progressive, num_components;
    int rows[MAX_PLANES], cols[MAX_PLANES];
    int grid_rows[MAX_PLANES], grid_cols[MAX_PLANES];
    int h_samp[MAX_PLANES], v_samp[MAX_PLANES];
    /* 2: halve this axis into the 4:2:0 grid; 1: keep. */
    int factor_y[MAX_PLANES], factor_x[MAX_PLANES];
    Py_ssize_t offset[MAX_PLANES];
    unsigned short quant[MAX_PLANES][64];
    ErrorManager err;
} Job;

static PyObject *DecodeError;

static void on_error(j_common_ptr cinfo)
{
    ErrorManager *err = (ErrorManager *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
    ErrorManager *err = (ErrorManager *)cinfo->err;
    if (level >= 0)
        return; /* trace messages */
    if (cinfo->err->msg_code == JWRN_JPEG_EOF)
        err->truncated = 1;
    if (err->strict) {
        (*cinfo->err->format_message)(cinfo, err->message);
        longjmp(err->jump, 1);
    }
    if (err->num_warnings < MAX_WARNINGS)
        (*cinfo->err->format_message)(cinfo,
                                      err->warnings[err->num_warnings]);
    err->num_warnings++;
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

static void init_operators(void)
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

static JCOEF round_coefficient(float value)
{
    long rounded = lrintf(value);
    if (rounded > 32767)
        return 32767;
    if (rounded < -32768)
        return -32768;
    return (JCOEF)rounded;
}

static void copy_plane(j_decompress_ptr cinfo, jvirt_barray_ptr array,
                       const Job *job, int ci, const JQUANT_TBL *table)
{
    size_t real = (size_t)job->cols[ci], grid = (size_t)job->grid_cols[ci];
    JCOEF *dst = job->out + job->offset[ci];
    JCOEF quant[DCTSIZE2];
    size_t b;
    int row, k;

    for (k = 0; k < DCTSIZE2; k++)
        quant[k] = job->dequantize ? (JCOEF)table->quantval[k] : 1;
    for (row = 0; row < job->grid_rows[ci]; row++, dst += grid * DCTSIZE2) {
        if (row >= job->rows[ci]) {
            memset(dst, 0, grid * DCTSIZE2 * sizeof(JCOEF));
            continue;
        }
        JBLOCKROW blocks = (*cinfo->mem->access_virt_barray)(
            (j_common_ptr)cinfo, array, (JDIMENSION)row, 1, FALSE)[0];
        for (b = 0; b < real; b++)
            for (k = 0; k < DCTSIZE2; k++) /* vectorised by the compiler */
                dst[b * DCTSIZE2 + k] = (JCOEF)(blocks[b][k] * quant[k]);
        memset(dst + real * DCTSIZE2, 0,
               (grid - real) * DCTSIZE2 * sizeof(JCOEF));
    }
}

/* Chroma to the 4:2:0 grid: each output block is the DCT of the 2:1 (or
 * 2x2) pixel average of the blocks it covers, a separable map applied row
 * stage then column stage; zero coefficients (most of chroma) are skipped.
 * A missing last block repeats the previous one (only pixels outside the
 * image differ). */
static void halve_plane(j_decompress_ptr cinfo, jvirt_barray_ptr array,
                        const Job *job, int ci, const JQUANT_TBL *table)
{
    int fy = job->factor_y[ci], fx = job->factor_x[ci];
    int in_rows = (int)cinfo->comp_info[ci].height_in_blocks;
    int in_cols = (int)cinfo->comp_info[ci].width_in_blocks;
    JCOEF *dst = job->out + job->offset[ci];
    float quant[DCTSIZE2];
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
            for (k = 0; k < DCTSIZE2; k++)
                dst[k] = round_coefficient(out[k]);
        }
    }
}

/* Runs without the GIL: touches no Python object. */
static void run_job(Job *job)
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
    if ((cinfo.jpeg_color_space != JCS_GRAYSCALE &&
         cinfo.jpeg_color_space != JCS_YCbCr) ||
        cinfo.num_components > MAX_PLANES) {
        jpeg_destroy_decompress(&cinfo);
        job->status = JOB_COLOUR;
        return;
    }

    job->needed = 0;
    for (ci = 0; ci < cinfo.num_components; ci++) {
        jpeg_component_info *comp = &cinfo.comp_info[ci];
        job->rows[ci] = (int)comp->height_in_blocks;
        job->cols[ci] = (int)comp->width_in_blocks;
        job->h_samp[ci] = comp->h_samp_factor;
        job->v_samp[ci] = comp->v_samp_factor;
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
            (Py_ssize_t)job->grid_rows[ci] * job->grid_cols[ci] * DCTSIZE2;
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

static PyObject *raise_decode_error(const char *message, const char *kind)
{
    PyObject *value = Py_BuildValue("(ss)", message, kind);
    if (value != NULL) {
        PyErr_SetObject(DecodeError, value);
        Py_DECREF(value);
    }
    return NULL;
}

static PyObject *job_error(Job *job)
{
    if (job->status == JOB_COLOUR)
        return raise_decode_error("unsupported colour space", "colour");
    if (job->status == JOB_LAYOUT)
        return raise_decode_error(
            "chroma sampling has no exact 4:2:0 form", "layout");
    return raise_decode_error(job->err.message,
                              job->err.truncated ? "truncated" : "corrupt");
}

static PyObject *job_result(Job *job)
{
    PyObject *components, *warnings, *result;
    int ci;

    components = PyTuple_New(job->num_components);
    if (components == NULL)
        return NULL;
    for (ci = 0; ci < job->num_components; ci++) {
        PyObject *item = Py_BuildValue(
            "(iiiiiin)", job->rows[ci], job->cols[ci], job->grid_rows[ci],
            job->grid_cols[ci], job->h_samp[ci], job->v_samp[ci],
            job->offset[ci]);
        if (item == NULL) {
            Py_DECREF(components);
            return NULL;
        }
        PyTuple_SET_ITEM(components, ci, item);
    }
    warnings = PyTuple_New(job->err.num_warnings < MAX_WARNINGS
                               ? job->err.num_warnings
                               : MAX_WARNINGS);
    if (warnings == NULL) {
        Py_DECREF(components);
        return NULL;
    }
    for (ci = 0; ci < PyTuple_GET_SIZE(warnings); ci++) {
        PyObject *text = PyUnicode_DecodeLatin1(
            job->err.warnings[ci], strlen(job->err.warnings[ci]), NULL);
        if (text == NULL) {
            Py_DECREF(components);
            Py_DECREF(warnings);
            return NULL;
        }
        PyTuple_SET_ITEM(warnings, ci, text);
    }
    result = Py_BuildValue(
        "(iiiiNy#N)", job->width, job->height, job->color_space,
        job->progressive, components, (const char *)job->quant,
        (Py_ssize_t)(job->num_components * 64 * sizeof(unsigned short)),
        warnings);
    return result;
}

static PyObject *jpegdct_read(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"data",       "out",        "strict",
                               "even_luma",  "chroma_420", "dequantize",
                               NULL};
    Py_buffer data, out;
    int strict = 1, even_luma = 1, chroma_420 = 1, dequantize = 1;
    Job job;
    (void)self;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*w*|pppp", keywords,
                                     &data, &out, &strict, &even_luma,
                                     &chroma_420, &dequantize))
        return NULL;
    if (!PyBuffer_IsContiguous(&out, 'C') ||
        ((size_t)out.buf % sizeof(JCOEF)) != 0) {
        PyBuffer_Release(&data);
        PyBuffer_Release(&out);
        PyErr_SetString(PyExc_ValueError,
                        "out must be a C-contiguous, aligned int16 buffer");
        return NULL;
    }
    memset(&job, 0, sizeof(job));
    job.data = (const unsigned char *)data.buf;
    job.size = (unsigned long)data.len;
    job.out = (JCOEF *)out.buf;
    job.capacity = out.len / (Py_ssize_t)sizeof(JCOEF);
    job.even_luma = even_luma;
    job.chroma_420 = chroma_420;
    job.dequantize = dequantize;
    job.copy = 1;
    job.err.strict = strict;

    Py_BEGIN_ALLOW_THREADS
    run_job(&job);
    Py_END_ALLOW_THREADS

    PyBuffer_Release(&data);
    PyBuffer_Release(&out);
    if (job.status == JOB_NEED_SPACE)
        return PyLong_FromSsize_t(job.needed);
    if (job.status != JOB_OK)
        return job_error(&job);
    return job_result(&job);
}

static PyObject *jpegdct_consume(PyObject *self, PyObject *arg)
{
    Py_buffer data;
    Job job;
    (void)self;

    if (PyObject_GetBuffer(arg, &data, PyBUF_SIMPLE) < 0)
        return NULL;
    memset(&job, 0, sizeof(job));
    job.data = (const unsigned char *)data.buf;
    job.size = (unsigned long)data.len;
    job.err.strict = 1;

    Py_BEGIN_ALLOW_THREADS
    run_job(&job);
    Py_END_ALLOW_THREADS

    PyBuffer_Release(&data);
    if (job.status != JOB_OK)
        return job_error(&job);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"read", (PyCFunction)(void (*)(void))jpegdct_read,
     METH_VARARGS | METH_KEYWORDS,
     "read(data, out, strict=True, even_luma=True, chroma_420=True, "
     "dequantize=True): read DCT coefficients into out."},
    {"consume", jpegdct_consume, METH_O,
     "consume(data): decode the coefficients and drop them (timing floor)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_jpegdct", "Native JPEG DCT coefficient reader.",
    -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__jpegdct(void)
{
    PyObject *m;

    init_operators();
    m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    DecodeError = PyErr_NewException("dct_mmdet.codec._jpegdct.DecodeError",
                                     PyExc_ValueError, NULL);
    if (DecodeError == NULL || PyModule_AddObject(m, "DecodeError",
                                                  DecodeError) < 0) {
        Py_XDECREF(DecodeError);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(DecodeError);
    if (PyModule_AddIntConstant(m, "JCS_GRAYSCALE", JCS_GRAYSCALE) < 0 ||
        PyModule_AddIntConstant(m, "JCS_YCbCr", JCS_YCbCr) < 0 ||
        PyModule_AddIntConstant(m, "JCS_RGB", JCS_RGB) < 0 ||
        PyModule_AddIntConstant(m, "JCS_CMYK", JCS_CMYK) < 0 ||
        PyModule_AddIntConstant(m, "JCS_YCCK", JCS_YCCK) < 0 ||
        PyModule_AddIntConstant(m, "LIBJPEG_VERSION", JPEG_LIB_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
