/* qbath/vecfile.h — a state vector from a file: NumPy .npy or an HDF5 dataset.
 *
 *   name.npy             a 1-D array of float64 ('<f8') or complex128 ('<c16'), C order
 *   name.h5:/path        (or .hdf5) a double dataset of n entries (a real vector) or of
 *                        shape (n, 2) (columns re, im); h5py: f["psi"] = np.c_[v.real, v.imag]
 * The result is complex (imaginary parts 0 for real input). */
#ifndef QBATH_VECFILE_H
#define QBATH_VECFILE_H

#include "qbath/err.h"
#include "qbath/types.h"

/* 1 when spec names a vector file (ends in .npy, or holds ".h5:" / ".hdf5:"). */
int qb_vecfile_is_spec(const char *spec);

/* Reads the vector named by spec, which must have dim entries, into a new array (qb_free
 * it). Malformed files, other dtypes, ranks and lengths are QB_ERR_INPUT / QB_ERR_IO naming
 * the file. */
qb_status qb_vecfile_read(const char *spec, qb_idx dim, qb_cplx **psi, qb_err *err);

#endif
