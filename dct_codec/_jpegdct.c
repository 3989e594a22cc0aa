/*
 * Native DCT coefficient reader over the system libjpeg(-turbo).
 *
 * CPython binding of the reader's core (jpegdct_core.c).
 *
 * read(data, out, strict=True, even_luma=True, chroma_420=True,
 *      dequantize=True, max_pixels=0) reads the DCT coefficients of the JPEG in `data` (any
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
 * DecodeError(message, kind, details) on libjpeg errors, on any libjpeg
 * warning in strict mode, on values outside int16 (strict; see the range
 * rule in jpegdct_core.c), on a declared size over max_pixels (0: no
 * limit), on colour spaces other than YCbCr/grayscale and on chroma with no
 * exact 4:2:0 form. kind is one of dct_codec.header.ERROR_KINDS; details is
 * () except for 'too_large' (width, height), 'colour' (components,
 * libjpeg colour space, Adobe transform or -1) and 'layout' (the (h, v)
 * sampling factors of each component).
 *
 * consume(data) decodes the coefficients and drops them: the floor that
 * read() is measured against.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "jpegdct_core.h"

static PyObject *DecodeError;

static PyObject *raise_decode_error(const char *message, const char *kind,
                                    PyObject *details)
{
    PyObject *value;
    if (details == NULL)
        return NULL;
    value = Py_BuildValue("(ssN)", message, kind, details);
    if (value != NULL) {
        PyErr_SetObject(DecodeError, value);
        Py_DECREF(value);
    }
    return NULL;
}

static PyObject *job_error(Job *job)
{
    if (job->status == JOB_TOO_LARGE)
        return raise_decode_error(
            "declared size over the pixel limit", "too_large",
            Py_BuildValue("(ii)", job->width, job->height));
    if (job->status == JOB_COLOUR)
        return raise_decode_error(
            "unsupported colour space", "colour",
            Py_BuildValue("(iii)", job->num_components, job->color_space,
                          job->saw_adobe ? job->adobe_transform : -1));
    if (job->status == JOB_LAYOUT) {
        PyObject *factors = PyTuple_New(job->num_components);
        int ci;
        for (ci = 0; factors != NULL && ci < job->num_components; ci++) {
            PyObject *item =
                Py_BuildValue("(ii)", job->h_samp[ci], job->v_samp[ci]);
            if (item == NULL) {
                Py_CLEAR(factors);
                break;
            }
            PyTuple_SET_ITEM(factors, ci, item);
        }
        return raise_decode_error("chroma sampling has no exact 4:2:0 form",
                                  "layout", factors);
    }
    return raise_decode_error(job->err.message,
                              job->err.kind ? job->err.kind : KIND_CORRUPT,
                              PyTuple_New(0));
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
                               "max_pixels", NULL};
    Py_buffer data, out;
    int strict = 1, even_luma = 1, chroma_420 = 1, dequantize = 1;
    unsigned long long max_pixels = 0;
    Job job;
    (void)self;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*w*|ppppK", keywords,
                                     &data, &out, &strict, &even_luma,
                                     &chroma_420, &dequantize, &max_pixels))
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
    job.capacity = (ptrdiff_t)(out.len / (Py_ssize_t)sizeof(JCOEF));
    job.even_luma = even_luma;
    job.chroma_420 = chroma_420;
    job.dequantize = dequantize;
    job.max_pixels = max_pixels;
    job.copy = 1;
    job.err.strict = strict;

    Py_BEGIN_ALLOW_THREADS
    run_job(&job);
    Py_END_ALLOW_THREADS

    PyBuffer_Release(&data);
    PyBuffer_Release(&out);
    if (job.status == JOB_NEED_SPACE)
        return PyLong_FromSsize_t((Py_ssize_t)job.needed);
    if (job.status != JOB_OK)
        return job_error(&job);
    return job_result(&job);
}

static PyObject *jpegdct_consume(PyObject *self, PyObject *args,
                                 PyObject *kwargs)
{
    static char *keywords[] = {"data", "max_pixels", NULL};
    Py_buffer data;
    unsigned long long max_pixels = 0;
    Job job;
    (void)self;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*|K", keywords, &data,
                                     &max_pixels))
        return NULL;
    memset(&job, 0, sizeof(job));
    job.data = (const unsigned char *)data.buf;
    job.size = (unsigned long)data.len;
    job.err.strict = 1;
    job.max_pixels = max_pixels;

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
     "dequantize=True, max_pixels=0): read DCT coefficients into out."},
    {"consume", (PyCFunction)(void (*)(void))jpegdct_consume,
     METH_VARARGS | METH_KEYWORDS,
     "consume(data, max_pixels=0): decode the coefficients and drop them "
     "(timing floor)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_jpegdct", "Native JPEG DCT coefficient reader.",
    -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__jpegdct(void)
{
    PyObject *m;

    jpegdct_init();
    m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    DecodeError = PyErr_NewException("dct_codec._jpegdct.DecodeError",
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
