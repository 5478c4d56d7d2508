/* qbath/h5.h — a small writer and reader for qbath's HDF5 result files.
 *
 * Hides hid_t so that callers need not include hdf5.h. Paths are absolute inside the
 * file ("/points/p000001/mean/gap_ratio"); groups along a path are created as needed.
 * Datasets of doubles are 1-D [n] or 2-D [rows, cols]; 2-D ones are chunked with an
 * unlimited first dimension (rows can be appended). HDF5's own error printing is
 * switched off: failures come back as QB_ERR_IO with the path in the message. */
#ifndef QBATH_H5_H
#define QBATH_H5_H

#include "qbath/err.h"
#include "qbath/types.h"

typedef struct qb_h5 qb_h5;

/* Creates (truncates) path for writing. */
qb_status qb_h5_create(const char *path, qb_h5 **out, qb_err *err);
/* Opens an existing file read-only. */
qb_status qb_h5_open(const char *path, qb_h5 **out, qb_err *err);
/* Flushes and closes; NULL-safe; returns NULL. */
qb_h5 *qb_h5_close(qb_h5 *f);
qb_status qb_h5_flush(qb_h5 *f, qb_err *err);

/* Creates the group at path (and its parents). */
qb_status qb_h5_group(qb_h5 *f, const char *path, qb_err *err);
/* Attributes on the object at obj ("/" for the root). */
qb_status qb_h5_attr_str(qb_h5 *f, const char *obj, const char *name, const char *value, qb_err *err);
qb_status qb_h5_attr_real(qb_h5 *f, const char *obj, const char *name, const double *v, qb_idx n,
                          qb_err *err);
qb_status qb_h5_attr_int(qb_h5 *f, const char *obj, const char *name, long long v, qb_err *err);
/* Double dataset [rows, cols] (rows = 0: 1-D of cols); chunked along rows when 2-D. */
qb_status qb_h5_write(qb_h5 *f, const char *path, qb_idx rows, qb_idx cols, const double *data,
                      qb_err *err);
/* 1-D unsigned byte dataset (masks). */
qb_status qb_h5_write_u8(qb_h5 *f, const char *path, qb_idx n, const unsigned char *data,
                         qb_err *err);
/* Reads a whole double dataset (any rank) into a new array (*n elements); qb_free it. */
qb_status qb_h5_read(qb_h5 *f, const char *path, double **data, qb_idx *n, qb_err *err);
/* Reads a string attribute into a new NUL-terminated buffer; qb_free it. */
/* A text of any length as a scalar string dataset (attributes are limited to 64 KiB). */
qb_status qb_h5_write_str(qb_h5 *f, const char *path, const char *text, qb_err *err);
/* Reads a string dataset written by qb_h5_write_str into *out (qb_free it). */
qb_status qb_h5_read_str(qb_h5 *f, const char *path, char **out, qb_err *err);
qb_status qb_h5_read_attr_str(qb_h5 *f, const char *obj, const char *name, char **out,
                              qb_err *err);

#endif
