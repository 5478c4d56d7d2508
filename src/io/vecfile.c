/* vecfile.c — state vectors from .npy files and HDF5 datasets (qbath/vecfile.h). The .npy
 * format (NumPy NEP 1): magic "\x93NUMPY", version, header length, a Python dict literal
 * {'descr': ..., 'fortran_order': ..., 'shape': (n,)}, padding, then the raw data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/h5.h"
#include "qbath/vecfile.h"

static const char *h5_sep(const char *spec) {
  const char *s = strstr(spec, ".h5:");
  if (s) return s + 3;
  s = strstr(spec, ".hdf5:");
  return s ? s + 5 : NULL;
}

int qb_vecfile_is_spec(const char *spec) {
  size_t n = strlen(spec);
  return (n > 4 && !strcmp(spec + n - 4, ".npy")) || h5_sep(spec) != NULL;
}

/* The .npy header: dtype (8: real, 16: complex) and length. */
static qb_status npy_header(FILE *f, const char *path, int *itemsize, qb_idx *n, qb_err *err) {
  unsigned char pre[10];
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0)
    return QB_FAIL(err, QB_ERR_INPUT, "%s: not a .npy file (no \\x93NUMPY magic)", path);
  size_t hlen = pre[8] | (size_t)pre[9] << 8;
  if (pre[6] >= 2) { /* version 2+: a 4-byte length */
    unsigned char b[2];
    if (fread(b, 1, 2, f) != 2) return QB_FAIL(err, QB_ERR_INPUT, "%s: truncated header", path);
    hlen |= (size_t)b[0] << 16 | (size_t)b[1] << 24;
  }
  char h[4096];
  if (hlen >= sizeof h || fread(h, 1, hlen, f) != hlen)
    return QB_FAIL(err, QB_ERR_INPUT, "%s: .npy header of %zu bytes unreadable", path, hlen);
  h[hlen] = '\0';
  *itemsize = strstr(h, "'<f8'") ? 8 : strstr(h, "'<c16'") ? 16 : 0;
  if (*itemsize == 0)
    return QB_FAIL(err, QB_ERR_INPUT, "%s: dtype must be float64 '<f8' or complex128 '<c16' (%s)",
                   path, h);
  const char *s = strstr(h, "'shape': (");
  char *end;
  long long len = s ? strtoll(s + 10, &end, 10) : -1;
  if (s == NULL || len < 1 || !(end[0] == ',' && end[1] == ')'))
    return QB_FAIL(err, QB_ERR_INPUT, "%s: shape must be one-dimensional (n,) (%s)", path, h);
  *n = (qb_idx)len;
  return QB_OK;
}

static qb_status read_npy(const char *path, qb_cplx **psi, qb_idx *n, qb_err *err) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return QB_FAIL(err, QB_ERR_IO, "%s: cannot open", path);
  int item = 0;
  qb_status st = npy_header(f, path, &item, n, err);
  double *raw = NULL;
  if (st == QB_OK) {
    size_t count = (size_t)*n * (size_t)(item / 8);
    raw = qb_malloc(count * sizeof *raw);
    *psi = qb_malloc((size_t)*n * sizeof **psi);
    if (raw == NULL || *psi == NULL)
      st = QB_FAIL(err, QB_ERR_NOMEM, "%s: %lld entries", path, (long long)*n);
    else if (fread(raw, sizeof *raw, count, f) != count)
      st = QB_FAIL(err, QB_ERR_INPUT, "%s: data shorter than the header's %lld entries", path,
                   (long long)*n);
  }
  for (qb_idx i = 0; st == QB_OK && i < *n; i++)
    (*psi)[i] = item == 8 ? raw[i] : raw[2 * i] + I * raw[2 * i + 1];
  fclose(f);
  qb_free(raw);
  if (st != QB_OK) *psi = qb_free(*psi);
  return st;
}

/* A double dataset of dim entries (real) or 2 dim entries (shape (dim, 2): re, im). */
static qb_status read_h5(const char *spec, const char *sep, qb_idx dim, qb_cplx **psi,
                         qb_err *err) {
  char path[4096];
  snprintf(path, sizeof path, "%.*s", (int)(sep - spec), spec);
  qb_h5 *h = NULL;
  double *d = NULL;
  qb_idx m = 0;
  QB_TRY(qb_h5_open(path, &h, err));
  qb_status st = qb_h5_read(h, sep + 1, &d, &m, err);
  qb_h5_close(h);
  QB_TRY(st);
  if (m != dim && m != 2 * dim) {
    qb_free(d);
    return QB_FAIL(err, QB_ERR_INPUT, "%s: %lld entries, but the Hilbert space has dimension "
                   "%lld (give %lld reals or shape (%lld, 2) for re, im)", spec, (long long)m,
                   (long long)dim, (long long)dim, (long long)dim);
  }
  *psi = qb_malloc((size_t)dim * sizeof **psi);
  if (*psi == NULL) st = QB_FAIL(err, QB_ERR_NOMEM, "%s: %lld entries", spec, (long long)dim);
  for (qb_idx i = 0; st == QB_OK && i < dim; i++)
    (*psi)[i] = m == dim ? d[i] : d[2 * i] + I * d[2 * i + 1];
  qb_free(d);
  return st;
}

qb_status qb_vecfile_read(const char *spec, qb_idx dim, qb_cplx **psi, qb_err *err) {
  *psi = NULL;
  const char *sep = h5_sep(spec);
  if (sep) return read_h5(spec, sep, dim, psi, err);
  qb_idx n = 0;
  QB_TRY(read_npy(spec, psi, &n, err));
  if (n == dim) return QB_OK;
  *psi = qb_free(*psi);
  return QB_FAIL(err, QB_ERR_INPUT, "%s: %lld entries, but the Hilbert space has dimension %lld",
                 spec, (long long)n, (long long)dim);
}
