/* mmio_check.c — a Matrix Market file read as the Hermitian operator of a model: square,
 * finite, Hermitian within a tolerance, and a failure named by the file and the line of
 * the worst entry (qbath/mmio.h), so that `qbath validate` reports it before a run. */
#define _GNU_SOURCE /* strcasestr */
#include <complex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qbath/csr.h"
#include "qbath/mmio.h"

/* The stored entry (*wi, *wj) with the largest |A_ij - conj(A_ji)|, in row order so that
 * the one reported does not depend on threads; returns that defect over max |A_ij|. */
static double worst_pair(const qb_csr *A, qb_idx *wi, qb_idx *wj) {
  double dmax = -1, amax = 0;
  for (qb_idx i = 0; i < A->nrows; i++)
    for (qb_idx k = A->rowptr[i]; k < A->rowptr[i + 1]; k++) {
      qb_idx j = A->colind[k];
      qb_cplx a = qb_csr_get(A, i, j);
      double d = cabs(a - conj(qb_csr_get(A, j, i)));
      if (d > dmax) dmax = d, *wi = i, *wj = j;
      if (cabs(a) > amax) amax = cabs(a);
    }
  return amax > 0 ? dmax / amax : 0;
}

/* Line of the file that stores entry (i, j) (0-based), else the first that stores (j, i);
 * 0 if neither. An array file stores A_ij (general: the only kind that can be
 * non-Hermitian) as value number j * nrows + i in column-major order. */
static long locate(const char *path, qb_idx nrows, qb_idx i, qb_idx j) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char *buf = NULL;
  size_t cap = 0;
  long line = 0, exact = 0, mirror = 0, data = -1; /* data lines after the size line */
  int array = 0;
  while (!exact && getline(&buf, &cap, f) >= 0) {
    line++;
    if (line == 1) array = strcasestr(buf, " array ") != NULL;
    if (buf[0] == '%' || buf[strspn(buf, " \t\r\n")] == '\0') continue;
    long long a = 0, b = 0;
    if (data++ < 0) continue; /* the size line */
    if (array) {
      if ((qb_idx)data == j * nrows + i) exact = line;
    } else if (sscanf(buf, "%lld %lld", &a, &b) == 2) {
      if (a == i + 1 && b == j + 1) exact = line;
      if (a == j + 1 && b == i + 1 && !mirror) mirror = line;
    }
  }
  free(buf); /* from getline */
  fclose(f);
  return exact ? exact : mirror;
}

qb_status qb_mmio_read_hermitian(const char *path, double tol, qb_csr **out, qb_err *err) {
  *out = NULL;
  qb_csr *A = NULL;
  QB_TRY(qb_mmio_read(path, &A, err));
  if (A->nrows != A->ncols) {
    qb_status st = QB_FAIL(err, QB_ERR_INPUT, "%s: matrix is %lld x %lld, not square", path,
                           (long long)A->nrows, (long long)A->ncols);
    qb_csr_free(A);
    return st;
  }
  qb_idx i = 0, j = 0;
  double defect = worst_pair(A, &i, &j);
  if (defect > tol) {
    qb_cplx a = qb_csr_get(A, i, j), b = qb_csr_get(A, j, i);
    long line = locate(path, A->nrows, i, j);
    char where[32] = "";
    if (line > 0) snprintf(where, sizeof where, ":%ld", line);
    qb_csr_free(A);
    return QB_FAIL(err, QB_ERR_INPUT, "%s%s: matrix is not Hermitian: A(%lld,%lld) = %.17g%+.17gi "
                   "but A(%lld,%lld) = %.17g%+.17gi (relative defect %.3g > %.3g)", path, where,
                   (long long)i + 1, (long long)j + 1, creal(a), cimag(a), (long long)j + 1,
                   (long long)i + 1, creal(b), cimag(b), defect, tol);
  }
  *out = A;
  return QB_OK;
}
