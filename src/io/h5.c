/* h5.c — HDF5 result-file writer/reader behind qbath/h5.h (HDF5 1.10 C API). */
#include "qbath/h5.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#include "qbath/alloc.h"

/* Rows per chunk of 2-D datasets: large enough for fast I/O, small enough for append. */
enum { QB_H5_CHUNK_BYTES = 1 << 20 };

struct qb_h5 {
  hid_t file;
  char path[4096];
};

/* No error stack printing (messages go through qb_err), and no HDF5 clean-up at exit:
 * after a failed write (disk full) H5Fclose fails and leaves the file half-closed, and
 * HDF5 1.10's exit handler then crashes on it (exit 139). Files are closed explicitly,
 * so the handler has nothing else to do. H5dont_atexit only acts before the library's
 * first use; later calls fail harmlessly. */
static void quiet(void) {
  H5dont_atexit();
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

qb_status qb_h5_create(const char *path, qb_h5 **out, qb_err *err) {
  quiet();
  *out = NULL;
  qb_h5 *f = qb_calloc(1, sizeof *f);
  if (f == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
  snprintf(f->path, sizeof f->path, "%s", path);
  f->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f->file < 0) {
    qb_free(f);
    return QB_FAIL(err, QB_ERR_IO, "%s: cannot create the HDF5 file", path);
  }
  *out = f;
  return QB_OK;
}

qb_status qb_h5_open(const char *path, qb_h5 **out, qb_err *err) {
  quiet();
  *out = NULL;
  qb_h5 *f = qb_calloc(1, sizeof *f);
  if (f == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
  snprintf(f->path, sizeof f->path, "%s", path);
  f->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f->file < 0) {
    qb_free(f);
    return QB_FAIL(err, QB_ERR_IO, "%s: cannot open as an HDF5 file", path);
  }
  *out = f;
  return QB_OK;
}

qb_h5 *qb_h5_close(qb_h5 *f) {
  if (f == NULL) return NULL;
  if (f->file >= 0) H5Fclose(f->file);
  return qb_free(f);
}

/* The system's reason for a failed HDF5 call, when it left one (disk full, quota). */
static const char *os_reason(void) { return errno ? strerror(errno) : "no reason given by HDF5"; }

qb_status qb_h5_flush(qb_h5 *f, qb_err *err) {
  errno = 0;
  if (H5Fflush(f->file, H5F_SCOPE_GLOBAL) < 0)
    return QB_FAIL(err, QB_ERR_IO, "%s: writing the result file failed: %s", f->path, os_reason());
  return QB_OK;
}

/* A link-creation property list that creates missing parent groups. */
static hid_t lcpl(void) {
  hid_t p = H5Pcreate(H5P_LINK_CREATE);
  if (p >= 0) H5Pset_create_intermediate_group(p, 1);
  return p;
}

qb_status qb_h5_group(qb_h5 *f, const char *path, qb_err *err) {
  if (H5Lexists(f->file, path, H5P_DEFAULT) > 0) return QB_OK;
  hid_t p = lcpl();
  hid_t g = H5Gcreate2(f->file, path, p, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(p);
  if (g < 0) return QB_FAIL(err, QB_ERR_IO, "%s: cannot create group %s", f->path, path);
  H5Gclose(g);
  return QB_OK;
}

/* Writes attribute name of type t and space s on obj, replacing an existing one. */
static qb_status put_attr(qb_h5 *f, const char *obj, const char *name, hid_t t, hid_t s,
                          const void *buf, qb_err *err) {
  qb_status st = QB_OK;
  hid_t o = H5Oopen(f->file, obj, H5P_DEFAULT);
  if (o < 0)
    return QB_FAIL(err, QB_ERR_IO, "%s: no object %s for attribute %s", f->path, obj, name);
  if (H5Aexists(o, name) > 0) H5Adelete(o, name);
  hid_t a = H5Acreate2(o, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0 || H5Awrite(a, t, buf) < 0)
    st = QB_FAIL(err, QB_ERR_IO, "%s: cannot write attribute %s on %s", f->path, name, obj);
  if (a >= 0) H5Aclose(a);
  H5Oclose(o);
  return st;
}

qb_status qb_h5_attr_str(qb_h5 *f, const char *obj, const char *name, const char *value,
                         qb_err *err) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, strlen(value) + 1);
  H5Tset_cset(t, H5T_CSET_UTF8);
  hid_t s = H5Screate(H5S_SCALAR);
  qb_status st = put_attr(f, obj, name, t, s, value, err);
  H5Sclose(s);
  H5Tclose(t);
  return st;
}

qb_status qb_h5_attr_real(qb_h5 *f, const char *obj, const char *name, const double *v, qb_idx n,
                          qb_err *err) {
  hsize_t d = (hsize_t)(n > 0 ? n : 1);
  hid_t s = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &d, NULL);
  double zero = 0;
  qb_status st = put_attr(f, obj, name, H5T_NATIVE_DOUBLE, s, n > 0 ? (const void *)v : &zero, err);
  H5Sclose(s);
  return st;
}

qb_status qb_h5_attr_int(qb_h5 *f, const char *obj, const char *name, long long v, qb_err *err) {
  hid_t s = H5Screate(H5S_SCALAR);
  qb_status st = put_attr(f, obj, name, H5T_NATIVE_LLONG, s, &v, err);
  H5Sclose(s);
  return st;
}

static qb_status write_any(qb_h5 *f, const char *path, int rank, const hsize_t *dims, hid_t type,
                           size_t esize, const void *data, qb_err *err) {
  qb_status st = QB_OK;
  hsize_t maxd[2] = {H5S_UNLIMITED, dims[rank - 1]};
  hid_t s = rank == 2 ? H5Screate_simple(2, dims, maxd) : H5Screate_simple(1, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (rank == 2) {
    /* Chunks of whole rows (~1 MiB); an unlimited first dimension allows appending. */
    hsize_t rows = QB_H5_CHUNK_BYTES / (esize * (dims[1] ? dims[1] : 1));
    if (rows < 1) rows = 1;
    if (rows > dims[0] && dims[0] > 0) rows = dims[0];
    hsize_t chunk[2] = {rows, dims[1] ? dims[1] : 1};
    H5Pset_chunk(dcpl, 2, chunk);
  }
  hid_t p = lcpl();
  errno = 0;
  hid_t d = H5Dcreate2(f->file, path, type, s, p, dcpl, H5P_DEFAULT);
  if (d < 0 || ((dims[0] > 0 && dims[rank - 1] > 0) &&
                H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
    st = QB_FAIL(err, QB_ERR_IO, "%s: cannot write dataset %s: %s", f->path, path, os_reason());
  if (d >= 0) H5Dclose(d);
  H5Pclose(p);
  H5Pclose(dcpl);
  H5Sclose(s);
  return st;
}

qb_status qb_h5_write(qb_h5 *f, const char *path, qb_idx rows, qb_idx cols, const double *data,
                      qb_err *err) {
  hsize_t dims[2] = {(hsize_t)(rows > 0 ? rows : cols), (hsize_t)cols};
  return write_any(f, path, rows > 0 ? 2 : 1, dims, H5T_NATIVE_DOUBLE, sizeof(double), data, err);
}

qb_status qb_h5_write_u8(qb_h5 *f, const char *path, qb_idx n, const unsigned char *data,
                         qb_err *err) {
  hsize_t dims[1] = {(hsize_t)n};
  return write_any(f, path, 1, dims, H5T_NATIVE_UCHAR, 1, data, err);
}

qb_status qb_h5_read(qb_h5 *f, const char *path, double **data, qb_idx *n, qb_err *err) {
  *data = NULL;
  *n = 0;
  hid_t d = H5Dopen2(f->file, path, H5P_DEFAULT);
  if (d < 0) return QB_FAIL(err, QB_ERR_IO, "%s: no dataset %s", f->path, path);
  hid_t s = H5Dget_space(d);
  hssize_t np = H5Sget_simple_extent_npoints(s);
  qb_status st = QB_OK;
  double *buf = qb_malloc(sizeof(double) * (size_t)(np > 0 ? np : 1));
  if (buf == NULL) st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory reading %s", path);
  else if (np > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
    st = QB_FAIL(err, QB_ERR_IO, "%s: cannot read dataset %s", f->path, path);
  H5Sclose(s);
  H5Dclose(d);
  if (st != QB_OK) {
    qb_free(buf);
    return st;
  }
  *data = buf;
  *n = (qb_idx)np;
  return QB_OK;
}

qb_status qb_h5_write_str(qb_h5 *f, const char *path, const char *text, qb_err *err) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, strlen(text) + 1);
  H5Tset_cset(t, H5T_CSET_UTF8);
  hid_t s = H5Screate(H5S_SCALAR), p = lcpl();
  hid_t d = H5Dcreate2(f->file, path, t, s, p, H5P_DEFAULT, H5P_DEFAULT);
  qb_status st = QB_OK;
  if (d < 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0)
    st = QB_FAIL(err, QB_ERR_IO, "%s: cannot write dataset %s", f->path, path);
  if (d >= 0) H5Dclose(d);
  H5Pclose(p);
  H5Sclose(s);
  H5Tclose(t);
  return st;
}

qb_status qb_h5_read_str(qb_h5 *f, const char *path, char **out, qb_err *err) {
  *out = NULL;
  hid_t d = H5Dopen2(f->file, path, H5P_DEFAULT);
  if (d < 0) return QB_FAIL(err, QB_ERR_IO, "%s: no dataset %s", f->path, path);
  hid_t t = H5Dget_type(d);
  size_t len = H5Tget_size(t);
  char *buf = qb_calloc(len + 1, 1);
  qb_status st = QB_OK;
  if (buf == NULL) st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
  else if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) > 0 ||
           H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
    st = QB_FAIL(err, QB_ERR_IO, "%s: %s is not a fixed-length string dataset", f->path, path);
  H5Tclose(t);
  H5Dclose(d);
  if (st != QB_OK) buf = qb_free(buf);
  *out = buf;
  return st;
}

qb_status qb_h5_read_attr_str(qb_h5 *f, const char *obj, const char *name, char **out,
                              qb_err *err) {
  *out = NULL;
  hid_t o = H5Oopen(f->file, obj, H5P_DEFAULT);
  if (o < 0) return QB_FAIL(err, QB_ERR_IO, "%s: no object %s", f->path, obj);
  hid_t a = H5Aopen(o, name, H5P_DEFAULT);
  qb_status st = QB_OK;
  if (a < 0) {
    H5Oclose(o);
    return QB_FAIL(err, QB_ERR_IO, "%s: no attribute %s on %s", f->path, name, obj);
  }
  hid_t t = H5Aget_type(a);
  size_t len = H5Tget_size(t);
  char *buf = qb_calloc(len + 1, 1);
  if (buf == NULL) st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
  else if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) > 0 || H5Aread(a, t, buf) < 0)
    st = QB_FAIL(err, QB_ERR_IO, "%s: attribute %s on %s is not a fixed-length string", f->path,
                 name, obj);
  H5Tclose(t);
  H5Aclose(a);
  H5Oclose(o);
  if (st != QB_OK) {
    qb_free(buf);
    return st;
  }
  *out = buf;
  return QB_OK;
}
