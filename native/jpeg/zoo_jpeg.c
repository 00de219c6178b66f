/*
 * Zoo Explorer's native fast path for the batch pipeline, both run on libuv's thread pool:
 *
 * decode(bytes, maxPixels): a baseline or progressive 8-bit YCbCr or greyscale JPEG with no EXIF
 *   rotation, decoded to RGB by the system's libjpeg-turbo with its defaults (islow IDCT, fancy
 *   upsampling), which is what cv2.imdecode does. Anything else (another format, CMYK, a rotated
 *   photo, a warning about damaged data, too many pixels) resolves null: the caller decodes it
 *   with sharp, which also words the error. libvips costs a fixed millisecond or two per call
 *   in option handling and pipeline set-up, as much as the decode of a 500×375 photo itself.
 *
 * decodeSync and resizeSync do the same on the calling thread, for a process with one thread to
 * spare and nothing to overlap (a single-threaded model host, one per core).
 *
 * resize(source, width, height, tables, levels, planes, out): the OpenCV INTER_LINEAR resize of
 *   a region fused with the normalisation into a CHW float32 tensor; the same arithmetic as
 *   src/main/inference/preprocess/cvResizeLinear.ts (the reference, and the path without this
 *   addon), with the tables that module computes. Every index in the tables is checked against
 *   the source before the kernel runs.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) return NULL;                                                            \
  } while (0)

static napi_value throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* ---------------------------------------------------------------------------------------------- */
/* decode */

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
} ErrorManager;

static void on_error(j_common_ptr cinfo) { longjmp(((ErrorManager *)cinfo->err)->jump, 1); }

/* Level -1 is a warning (damaged data libjpeg works around): sharp refuses those, so do we. */
static void on_message(j_common_ptr cinfo, int level) {
  if (level < 0) longjmp(((ErrorManager *)cinfo->err)->jump, 1);
}

static unsigned read16(const uint8_t *p, int little) {
  return little ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t read32(const uint8_t *p, int little) {
  return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
                : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The EXIF orientation of the first Exif APP1 segment: 1 when there is none, 0 when unreadable. */
static unsigned exif_orientation(jpeg_saved_marker_ptr marker) {
  for (; marker; marker = marker->next) {
    if (marker->marker != JPEG_APP0 + 1 || marker->data_length < 6 + 8) continue;
    if (memcmp(marker->data, "Exif\0\0", 6) != 0) continue;
    const uint8_t *tiff = marker->data + 6;
    const uint32_t length = marker->data_length - 6;
    int little;
    if (tiff[0] == 'I' && tiff[1] == 'I') little = 1;
    else if (tiff[0] == 'M' && tiff[1] == 'M') little = 0;
    else return 0;
    const uint32_t ifd = read32(tiff + 4, little);
    if (ifd > length - 2) return 0;
    const unsigned entries = read16(tiff + ifd, little);
    for (unsigned i = 0; i < entries; i++) {
      const uint32_t at = ifd + 2 + 12 * i;
      if (at > length - 12) return 0;
      if (read16(tiff + at, little) != 0x0112) continue;
      /* SHORT, count 1: the value sits in the first two bytes of the value field. */
      if (read16(tiff + at + 2, little) != 3) return 0;
      return read16(tiff + at + 8, little);
    }
    return 1;
  }
  return 1;
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input;
  const uint8_t *bytes;
  size_t length;
  double max_pixels;
  uint8_t *pixels;
  uint32_t width;
  uint32_t height;
} DecodeJob;

static void decode_execute(napi_env env, void *data) {
  (void)env;
  DecodeJob *job = data;
  struct jpeg_decompress_struct cinfo;
  ErrorManager errors;
  uint8_t *volatile pixels = NULL;
  cinfo.err = jpeg_std_error(&errors.pub);
  errors.pub.error_exit = on_error;
  errors.pub.emit_message = on_message;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    return;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, (unsigned char *)job->bytes, (unsigned long)job->length);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xffff);
  if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) longjmp(errors.jump, 1);
  const int plain_colour =
      cinfo.jpeg_color_space == JCS_YCbCr || cinfo.jpeg_color_space == JCS_GRAYSCALE;
  if (!plain_colour || cinfo.data_precision != 8 || exif_orientation(cinfo.marker_list) != 1 ||
      (double)cinfo.image_width * cinfo.image_height > job->max_pixels)
    longjmp(errors.jump, 1);
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  const size_t stride = (size_t)cinfo.output_width * 3;
  pixels = malloc(stride * cinfo.output_height);
  if (!pixels) longjmp(errors.jump, 1);
  JSAMPROW rows[16];
  while (cinfo.output_scanline < cinfo.output_height) {
    const JDIMENSION first = cinfo.output_scanline;
    JDIMENSION count = cinfo.output_height - first;
    if (count > 16) count = 16;
    for (JDIMENSION r = 0; r < count; r++) rows[r] = pixels + (first + r) * stride;
    jpeg_read_scanlines(&cinfo, rows, count);
  }
  jpeg_finish_decompress(&cinfo);
  job->width = cinfo.output_width;
  job->height = cinfo.output_height;
  jpeg_destroy_decompress(&cinfo);
  job->pixels = pixels;
}

static napi_value decoded_value(napi_env env, DecodeJob *job) {
  napi_value result, buffer, width, height;
  void *copy;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_buffer_copy(env, (size_t)job->width * job->height * 3, job->pixels, &copy,
                                &buffer));
  CHECK(napi_create_uint32(env, job->width, &width));
  CHECK(napi_create_uint32(env, job->height, &height));
  CHECK(napi_set_named_property(env, result, "data", buffer));
  CHECK(napi_set_named_property(env, result, "width", width));
  CHECK(napi_set_named_property(env, result, "height", height));
  return result;
}

static void decode_complete(napi_env env, napi_status status, void *data) {
  DecodeJob *job = data;
  napi_value result = NULL;
  if (status == napi_ok && job->pixels) result = decoded_value(env, job);
  else napi_get_null(env, &result);
  if (result) napi_resolve_deferred(env, job->deferred, result);
  else {
    napi_value message, error;
    napi_create_string_utf8(env, "out of memory for the decoded image", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  free(job->pixels);
  napi_delete_reference(env, job->input);
  napi_delete_async_work(env, job->work);
  free(job);
}

/* A typed array argument of `type` and its element count. */
static void *typed(napi_env env, napi_value value, napi_typedarray_type want, size_t *count) {
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  bool is_typed;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return NULL;
  if (napi_get_typedarray_info(env, value, &type, count, &data, &buffer, &offset) != napi_ok)
    return NULL;
  return type == want ? data : NULL;
}

/* `job` queued on the thread pool as `label`; the promise its `complete` settles. */
static napi_value queued(napi_env env, const char *label, napi_async_execute_callback execute,
                         napi_async_complete_callback complete, void *job,
                         napi_deferred *deferred, napi_async_work *work) {
  napi_value promise, name;
  CHECK(napi_create_promise(env, deferred, &promise));
  CHECK(napi_create_string_utf8(env, label, NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, execute, complete, job, work));
  CHECK(napi_queue_async_work(env, *work));
  return promise;
}

/* The job of a decode call's arguments, or NULL with a TypeError thrown. */
static DecodeJob *decode_job(napi_env env, napi_callback_info info, napi_value *input) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  DecodeJob *job = calloc(1, sizeof *job);
  if (!job) {
    throw_type(env, "out of memory");
    return NULL;
  }
  if (argc < 2 || !(job->bytes = typed(env, argv[0], napi_uint8_array, &job->length)) ||
      napi_get_value_double(env, argv[1], &job->max_pixels) != napi_ok) {
    free(job);
    throw_type(env, "decode takes a Uint8Array and a pixel limit");
    return NULL;
  }
  *input = argv[0];
  return job;
}

static napi_value decode(napi_env env, napi_callback_info info) {
  napi_value input;
  DecodeJob *job = decode_job(env, info, &input);
  if (!job) return NULL;
  CHECK(napi_create_reference(env, input, 1, &job->input));
  return queued(env, "zoo_jpeg.decode", decode_execute, decode_complete, job, &job->deferred,
                &job->work);
}

/* decode on the calling thread: for a process whose one thread has nothing else to do. */
static napi_value decode_sync(napi_env env, napi_callback_info info) {
  napi_value input, result = NULL;
  DecodeJob *job = decode_job(env, info, &input);
  if (!job) return NULL;
  decode_execute(env, job);
  if (!job->pixels) napi_get_null(env, &result);
  else if (!(result = decoded_value(env, job)))
    napi_throw_error(env, NULL, "out of memory for the decoded image");
  free(job->pixels);
  free(job);
  return result;
}

/* ---------------------------------------------------------------------------------------------- */
/* resize */

enum { SOURCE, X, Y0, Y1, BY0, BY1, LEVELS, OUT, ARRAYS };

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref refs[ARRAYS];
  const uint8_t *source;
  const int32_t *x, *y0, *y1, *by0, *by1;
  const float *levels;
  float *out;
  uint32_t stride, width, height;
  uint32_t planes[3];
  int area;
} ResizeJob;

/* One source row's horizontal pass over the region, as cvResizeLinear.ts's `horizontal`. */
static void horizontal(const uint8_t *row_in, const int32_t *x, int shift, int32_t *row,
                       uint32_t width) {
  for (uint32_t p = 0; p < width; p++, x += 4, row += 3) {
    const uint8_t *s0 = row_in + x[0];
    const uint8_t *s1 = row_in + x[1];
    const int32_t a0 = x[2], a1 = x[3];
    row[0] = (s0[0] * a0 + s1[0] * a1) >> shift;
    row[1] = (s0[1] * a0 + s1[1] * a1) >> shift;
    row[2] = (s0[2] * a0 + s1[2] * a1) >> shift;
  }
}

static void resize_execute(napi_env env, void *data) {
  (void)env;
  ResizeJob *job = data;
  const uint32_t width = job->width, n = width * 3, plane = width * job->height;
  const int shift = job->area ? 0 : 4;
  int32_t *rows = malloc(sizeof(int32_t) * n * 2);
  if (!rows) return; /* out stays as given; resize_complete rejects */
  int32_t *row_a = rows, *row_b = rows + n;
  int64_t y_a = -1, y_b = -1;
  float *out0 = job->out + job->planes[0] * plane;
  float *out1 = job->out + job->planes[1] * plane;
  float *out2 = job->out + job->planes[2] * plane;
  const float *levels = job->levels;
  for (uint32_t ry = 0; ry < job->height; ry++) {
    const int32_t s0 = job->y0[ry], s1 = job->y1[ry];
    if (s0 != y_a) {
      if (s0 == y_b) {
        int32_t *swap = row_a;
        row_a = row_b;
        row_b = swap;
        y_b = y_a;
      } else horizontal(job->source + (size_t)s0 * job->stride, job->x, shift, row_a, width);
      y_a = s0;
    }
    const int32_t *second = row_a;
    if (s1 != y_a) {
      if (s1 != y_b) {
        horizontal(job->source + (size_t)s1 * job->stride, job->x, shift, row_b, width);
        y_b = s1;
      }
      second = row_b;
    }
    const int32_t *first = row_a;
    const uint32_t o = ry * width;
    if (job->area) {
      for (uint32_t p = 0, i = 0; p < width; p++, i += 3) {
        out0[o + p] = levels[(first[i] + second[i] + 2) >> 2];
        out1[o + p] = levels[256 + ((first[i + 1] + second[i + 1] + 2) >> 2)];
        out2[o + p] = levels[512 + ((first[i + 2] + second[i + 2] + 2) >> 2)];
      }
    } else {
      const int32_t b0 = job->by0[ry], b1 = job->by1[ry];
      for (uint32_t p = 0, i = 0; p < width; p++, i += 3) {
        const int32_t r = (((first[i] * b0) >> 16) + ((second[i] * b1) >> 16) + 2) >> 2;
        const int32_t g = (((first[i + 1] * b0) >> 16) + ((second[i + 1] * b1) >> 16) + 2) >> 2;
        const int32_t b = (((first[i + 2] * b0) >> 16) + ((second[i + 2] * b1) >> 16) + 2) >> 2;
        out0[o + p] = levels[r];
        out1[o + p] = levels[256 + g];
        out2[o + p] = levels[512 + b];
      }
    }
  }
  free(rows);
  job->area |= 2; /* ran */
}

/* A resize's promise: resolved when it ran, rejected when it could not (its one failure). */
static void settle_resize(napi_env env, napi_deferred deferred, int ran) {
  napi_value result;
  if (ran) {
    napi_get_undefined(env, &result);
    napi_resolve_deferred(env, deferred, result);
    return;
  }
  napi_value message;
  napi_create_string_utf8(env, "the resize could not run (out of memory)", NAPI_AUTO_LENGTH,
                          &message);
  napi_create_error(env, NULL, message, &result);
  napi_reject_deferred(env, deferred, result);
}

static void resize_complete(napi_env env, napi_status status, void *data) {
  ResizeJob *job = data;
  settle_resize(env, job->deferred, status == napi_ok && (job->area & 2));
  for (int i = 0; i < ARRAYS; i++) napi_delete_reference(env, job->refs[i]);
  napi_delete_async_work(env, job->work);
  free(job);
}

static int uint32_arg(napi_env env, napi_value value, uint32_t *out) {
  return napi_get_value_uint32(env, value, out) == napi_ok;
}

/* Whether every table entry stays inside the source: the kernel does no checks of its own. */
static int tables_fit(const ResizeJob *job, size_t source_height, const size_t counts[ARRAYS]) {
  const size_t width = job->width, height = job->height;
  if (width == 0 || height == 0 || counts[X] != width * 4 || counts[Y0] != height ||
      counts[Y1] != height || counts[BY0] != height || counts[BY1] != height ||
      counts[LEVELS] != 768 || counts[OUT] < width * height * 3 ||
      counts[SOURCE] < job->stride * source_height)
    return 0;
  for (size_t p = 0; p < width; p++) {
    const int32_t a = job->x[4 * p], b = job->x[4 * p + 1], wa = job->x[4 * p + 2],
                  wb = job->x[4 * p + 3];
    if (a < 0 || b < 0 || (uint32_t)a + 3 > job->stride || (uint32_t)b + 3 > job->stride) return 0;
    /* Keeps every sum inside int32 and every level index inside its table of 256. */
    if (wa < 0 || wb < 0 || wa + wb > 2048) return 0;
  }
  for (size_t r = 0; r < height; r++) {
    if (job->y0[r] < 0 || job->y1[r] < 0 || (size_t)job->y0[r] >= source_height ||
        (size_t)job->y1[r] >= source_height)
      return 0;
    if (job->by0[r] < 0 || job->by1[r] < 0 || job->by0[r] + job->by1[r] > 2048) return 0;
  }
  for (int k = 0; k < 3; k++)
    if (job->planes[k] > 2) return 0;
  return 1;
}

/* The job of a resize call's arguments (source, width, height, tables, levels, planes, out), with
 * the arrays it reads and writes in `arrays`; NULL with a TypeError thrown when they do not fit. */
static ResizeJob *resize_job(napi_env env, napi_callback_info info, napi_value arrays[ARRAYS]) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 7) {
    throw_type(env, "resize(source, width, height, tables, levels, planes, out)");
    return NULL;
  }
  ResizeJob *job = calloc(1, sizeof *job);
  if (!job) {
    throw_type(env, "out of memory");
    return NULL;
  }
  uint32_t source_width = 0, source_height = 0;
  napi_value kind, plane;
  char kind_text[8] = {0};
  size_t kind_length = 0, counts[ARRAYS] = {0};
  int ok = uint32_arg(env, argv[1], &source_width) && uint32_arg(env, argv[2], &source_height);
  static const char *fields[] = {"x", "y0", "y1", "by0", "by1"};
  arrays[SOURCE] = argv[0];
  arrays[LEVELS] = argv[4];
  arrays[OUT] = argv[6];
  for (int i = 0; ok && i < 5; i++)
    ok = napi_get_named_property(env, argv[3], fields[i], &arrays[X + i]) == napi_ok;
  napi_value dims;
  ok = ok && napi_get_named_property(env, argv[3], "width", &dims) == napi_ok &&
       uint32_arg(env, dims, &job->width) &&
       napi_get_named_property(env, argv[3], "height", &dims) == napi_ok &&
       uint32_arg(env, dims, &job->height) &&
       napi_get_named_property(env, argv[3], "kind", &kind) == napi_ok &&
       napi_get_value_string_utf8(env, kind, kind_text, sizeof kind_text, &kind_length) == napi_ok;
  for (uint32_t k = 0; ok && k < 3; k++)
    ok = napi_get_element(env, argv[5], k, &plane) == napi_ok &&
         uint32_arg(env, plane, &job->planes[k]);
  if (ok) {
    job->source = typed(env, arrays[SOURCE], napi_uint8_array, &counts[SOURCE]);
    job->x = typed(env, arrays[X], napi_int32_array, &counts[X]);
    job->y0 = typed(env, arrays[Y0], napi_int32_array, &counts[Y0]);
    job->y1 = typed(env, arrays[Y1], napi_int32_array, &counts[Y1]);
    job->by0 = typed(env, arrays[BY0], napi_int32_array, &counts[BY0]);
    job->by1 = typed(env, arrays[BY1], napi_int32_array, &counts[BY1]);
    job->levels = typed(env, arrays[LEVELS], napi_float32_array, &counts[LEVELS]);
    job->out = typed(env, arrays[OUT], napi_float32_array, &counts[OUT]);
    job->stride = source_width * 3;
    job->area = strcmp(kind_text, "area") == 0;
    ok = job->source && job->x && job->y0 && job->y1 && job->by0 && job->by1 && job->levels &&
         job->out && (job->area || strcmp(kind_text, "linear") == 0) &&
         tables_fit(job, source_height, counts);
  }
  if (!ok) {
    free(job);
    throw_type(env, "resize: the tables do not fit the source or the output");
    return NULL;
  }
  return job;
}

/* resize(source, sourceWidth, sourceHeight, tables, levels, planes, out) → Promise<void> */
static napi_value resize(napi_env env, napi_callback_info info) {
  napi_value arrays[ARRAYS];
  ResizeJob *job = resize_job(env, info, arrays);
  if (!job) return NULL;
  for (int i = 0; i < ARRAYS; i++) CHECK(napi_create_reference(env, arrays[i], 1, &job->refs[i]));
  return queued(env, "zoo_jpeg.resize", resize_execute, resize_complete, job, &job->deferred,
                &job->work);
}

/* resize on the calling thread. */
static napi_value resize_sync(napi_env env, napi_callback_info info) {
  napi_value arrays[ARRAYS], result;
  ResizeJob *job = resize_job(env, info, arrays);
  if (!job) return NULL;
  resize_execute(env, job);
  const int ran = job->area & 2;
  free(job);
  if (!ran) {
    napi_throw_error(env, NULL, "the resize could not run (out of memory)");
    return NULL;
  }
  CHECK(napi_get_undefined(env, &result));
  return result;
}

/* ---------------------------------------------------------------------------------------------- */
/* Pillow's convolution resize of pilResample.ts, fused with the crop and the levels table */

typedef struct {
  const int32_t *first, *count, *weights;
  uint32_t size; /* weights per output index; 0: no pass on this axis */
} Taps;

enum { P_SOURCE, P_HFIRST, P_HCOUNT, P_HWEIGHTS, P_VFIRST, P_VCOUNT, P_VWEIGHTS, P_LEVELS, P_OUT,
       P_ARRAYS };

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref refs[P_ARRAYS];
  int nrefs;
  const uint8_t *source;
  uint32_t stride;
  Taps h, v;
  uint32_t x, y, width, height;
  const float *levels;
  float *out;
  uint32_t planes[3];
  int ran;
} PilJob;

#define PIL_BITS 22

static inline uint8_t pil_clip8(int32_t sum) {
  const int32_t v = sum >> PIL_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

static void pil_execute(napi_env env, void *data) {
  (void)env;
  PilJob *job = data;
  const uint32_t cw = job->width, ch = job->height, temp_stride = cw * 3;
  const uint32_t row_from = job->v.size ? (uint32_t)job->v.first[0] : job->y;
  const uint32_t row_to =
      job->v.size ? (uint32_t)(job->v.first[ch - 1] + job->v.count[ch - 1]) : job->y + ch;
  const uint32_t rows = row_to - row_from;
  uint8_t *temp = malloc((size_t)rows * temp_stride);
  if (!temp) return;
  for (uint32_t y = 0; y < rows; y++) {
    const uint8_t *src = job->source + (size_t)(row_from + y) * job->stride;
    uint8_t *out = temp + (size_t)y * temp_stride;
    if (!job->h.size) {
      memcpy(out, src + (size_t)job->x * 3, temp_stride);
      continue;
    }
    for (uint32_t x = 0; x < cw; x++) {
      int32_t s0 = 1 << (PIL_BITS - 1), s1 = s0, s2 = s0;
      const uint8_t *p = src + (size_t)job->h.first[x] * 3;
      const int32_t *k = job->h.weights + (size_t)x * job->h.size;
      const int32_t n = job->h.count[x];
      for (int32_t t = 0; t < n; t++, p += 3) {
        s0 += p[0] * k[t];
        s1 += p[1] * k[t];
        s2 += p[2] * k[t];
      }
      *out++ = pil_clip8(s0);
      *out++ = pil_clip8(s1);
      *out++ = pil_clip8(s2);
    }
  }
  const uint32_t plane = cw * ch;
  float *out0 = job->out + job->planes[0] * plane;
  float *out1 = job->out + job->planes[1] * plane;
  float *out2 = job->out + job->planes[2] * plane;
  const float *levels = job->levels;
  for (uint32_t y = 0; y < ch; y++) {
    const uint32_t o = y * cw;
    if (!job->v.size) {
      const uint8_t *p = temp + (size_t)(job->y - row_from + y) * temp_stride;
      for (uint32_t x = 0; x < cw; x++, p += 3) {
        out0[o + x] = levels[p[0]];
        out1[o + x] = levels[256 + p[1]];
        out2[o + x] = levels[512 + p[2]];
      }
      continue;
    }
    const uint8_t *start = temp + (size_t)(job->v.first[y] - row_from) * temp_stride;
    const int32_t *k = job->v.weights + (size_t)y * job->v.size;
    const int32_t n = job->v.count[y];
    for (uint32_t x = 0; x < cw; x++) {
      int32_t s0 = 1 << (PIL_BITS - 1), s1 = s0, s2 = s0;
      const uint8_t *p = start + x * 3;
      for (int32_t t = 0; t < n; t++, p += temp_stride) {
        s0 += p[0] * k[t];
        s1 += p[1] * k[t];
        s2 += p[2] * k[t];
      }
      out0[o + x] = levels[pil_clip8(s0)];
      out1[o + x] = levels[256 + pil_clip8(s1)];
      out2[o + x] = levels[512 + pil_clip8(s2)];
    }
  }
  free(temp);
  job->ran = 1;
}

static void pil_complete(napi_env env, napi_status status, void *data) {
  PilJob *job = data;
  settle_resize(env, job->deferred, status == napi_ok && job->ran);
  for (int i = 0; i < job->nrefs; i++) napi_delete_reference(env, job->refs[i]);
  napi_delete_async_work(env, job->work);
  free(job);
}

/* Whether every window stays inside the source and every sum inside int32 (weights of a window
 * sum to 1 << 22 give or take rounding; their absolute values stay under 2 << 22). */
static int taps_fit(const Taps *t, uint32_t outputs, uint32_t in_size, const size_t counts[3]) {
  if (counts[0] != outputs || counts[1] != outputs || counts[2] != (size_t)outputs * t->size)
    return 0;
  for (uint32_t i = 0; i < outputs; i++) {
    if (t->first[i] < 0 || t->count[i] < 0 || (uint32_t)t->count[i] > t->size ||
        (uint64_t)t->first[i] + (uint64_t)t->count[i] > in_size)
      return 0;
    int64_t magnitude = 0;
    for (uint32_t k = 0; k < (uint32_t)t->count[i]; k++) {
      const int32_t w = t->weights[(size_t)i * t->size + k];
      magnitude += w < 0 ? -(int64_t)w : w;
    }
    if (magnitude > (2 << PIL_BITS)) return 0;
  }
  return 1;
}

/* One axis's taps from `value` (an object of first, count, weights, size, or null). */
static int taps_arg(napi_env env, napi_value value, Taps *t, napi_value arrays[3], size_t counts[3]) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return 0;
  if (type == napi_null) return 1;
  static const char *fields[] = {"first", "count", "weights"};
  const int32_t **targets[] = {&t->first, &t->count, &t->weights};
  for (int i = 0; i < 3; i++) {
    if (napi_get_named_property(env, value, fields[i], &arrays[i]) != napi_ok) return 0;
    if (!(*targets[i] = typed(env, arrays[i], napi_int32_array, &counts[i]))) return 0;
  }
  napi_value size;
  return napi_get_named_property(env, value, "size", &size) == napi_ok &&
         uint32_arg(env, size, &t->size) && t->size > 0;
}

/* pilResize(source, sourceWidth, sourceHeight, {h, v, x, y, width, height}, levels, planes, out) */
static PilJob *pil_job(napi_env env, napi_callback_info info, napi_value arrays[P_ARRAYS],
                       int *narrays) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  PilJob *job = calloc(1, sizeof *job);
  if (!job) {
    throw_type(env, "out of memory");
    return NULL;
  }
  uint32_t source_width = 0, source_height = 0;
  size_t counts[P_ARRAYS] = {0};
  napi_value field, plane;
  int ok = argc >= 7 && uint32_arg(env, argv[1], &source_width) &&
           uint32_arg(env, argv[2], &source_height);
  static const char *dims[] = {"x", "y", "width", "height"};
  uint32_t *dim_targets[] = {&job->x, &job->y, &job->width, &job->height};
  for (int i = 0; ok && i < 4; i++)
    ok = napi_get_named_property(env, argv[3], dims[i], &field) == napi_ok &&
         uint32_arg(env, field, dim_targets[i]);
  napi_value h, v;
  ok = ok && napi_get_named_property(env, argv[3], "h", &h) == napi_ok &&
       napi_get_named_property(env, argv[3], "v", &v) == napi_ok &&
       taps_arg(env, h, &job->h, &arrays[P_HFIRST], &counts[P_HFIRST]) &&
       taps_arg(env, v, &job->v, &arrays[P_VFIRST], &counts[P_VFIRST]);
  for (uint32_t k = 0; ok && k < 3; k++)
    ok = napi_get_element(env, argv[5], k, &plane) == napi_ok &&
         uint32_arg(env, plane, &job->planes[k]) && job->planes[k] <= 2;
  if (ok) {
    arrays[P_SOURCE] = argv[0];
    arrays[P_LEVELS] = argv[4];
    arrays[P_OUT] = argv[6];
    job->source = typed(env, argv[0], napi_uint8_array, &counts[P_SOURCE]);
    job->levels = typed(env, argv[4], napi_float32_array, &counts[P_LEVELS]);
    job->out = typed(env, argv[6], napi_float32_array, &counts[P_OUT]);
    job->stride = source_width * 3;
    const uint32_t cw = job->width, ch = job->height;
    ok = job->source && job->levels && job->out && cw > 0 && ch > 0 &&
         counts[P_SOURCE] >= (size_t)job->stride * source_height && counts[P_LEVELS] == 768 &&
         counts[P_OUT] >= (size_t)cw * ch * 3 &&
         (job->h.size ? taps_fit(&job->h, cw, source_width, &counts[P_HFIRST])
                      : (uint64_t)job->x + cw <= source_width) &&
         (job->v.size ? taps_fit(&job->v, ch, source_height, &counts[P_VFIRST])
                      : (uint64_t)job->y + ch <= source_height);
  }
  if (!ok) {
    free(job);
    throw_type(env, "pilResize: the taps do not fit the source or the output");
    return NULL;
  }
  int n = 0;
  for (int i = 0; i < P_ARRAYS; i++)
    if (i == P_SOURCE || i == P_LEVELS || i == P_OUT || (i < P_VFIRST ? job->h.size : job->v.size))
      arrays[n++] = arrays[i];
  *narrays = n;
  return job;
}

static napi_value pil_resize(napi_env env, napi_callback_info info) {
  napi_value arrays[P_ARRAYS];
  int n = 0;
  PilJob *job = pil_job(env, info, arrays, &n);
  if (!job) return NULL;
  for (int i = 0; i < n; i++) CHECK(napi_create_reference(env, arrays[i], 1, &job->refs[i]));
  job->nrefs = n;
  return queued(env, "zoo_jpeg.pilResize", pil_execute, pil_complete, job, &job->deferred,
                &job->work);
}

static napi_value pil_resize_sync(napi_env env, napi_callback_info info) {
  napi_value arrays[P_ARRAYS], result;
  int n = 0;
  PilJob *job = pil_job(env, info, arrays, &n);
  if (!job) return NULL;
  pil_execute(env, job);
  const int ran = job->ran;
  free(job);
  if (!ran) {
    napi_throw_error(env, NULL, "the resize could not run (out of memory)");
    return NULL;
  }
  CHECK(napi_get_undefined(env, &result));
  return result;
}

/* ---------------------------------------------------------------------------------------------- */

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"decode", NULL, decode, NULL, NULL, NULL, napi_default, NULL},
      {"resize", NULL, resize, NULL, NULL, NULL, napi_default, NULL},
      {"decodeSync", NULL, decode_sync, NULL, NULL, NULL, napi_default, NULL},
      {"resizeSync", NULL, resize_sync, NULL, NULL, NULL, napi_default, NULL},
      {"pilResize", NULL, pil_resize, NULL, NULL, NULL, napi_default, NULL},
      {"pilResizeSync", NULL, pil_resize_sync, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, 6, properties));
  napi_value version;
#ifdef LIBJPEG_TURBO_VERSION_NUMBER
  CHECK(napi_create_int32(env, LIBJPEG_TURBO_VERSION_NUMBER, &version));
#else
  CHECK(napi_create_int32(env, 0, &version));
#endif
  CHECK(napi_set_named_property(env, exports, "libjpegTurbo", version));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
