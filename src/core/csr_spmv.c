/* csr_spmv.c — the fused OpenMP SpMV y <- alpha (A - shift) x + beta y and its
 * nonzero-balanced row partition (qbath/csr.h).
 *
 * The SpMV is memory-bound: per nonzero it streams 8 bytes of value and 8 of column index
 * and gathers x. The kernels are three tight loops (real x real, real x complex as pairs
 * of doubles, complex x complex), each row summed serially in storage order by the one
 * thread that owns it, so y is bitwise the same on any thread count. Thread t takes row
 * block t of the cached partition, so each thread touches the same part of y, x and A on
 * every call (first-touch placement and cache reuse across calls). No allocation per call
 * beyond the first (the partition). Not safe to call concurrently on the same A with
 * different thread counts (the partition is rebuilt in place). */
#include <omp.h>

#include "qbath/alloc.h"
#include "qbath/csr.h"

/* Work of rows 0..r-1: nonzeros plus one per row (the y write and row pointer). */
static inline qb_idx work_before(const qb_csr *A, qb_idx r) { return A->rowptr[r] + r; }

/* First row r with work_before(r) >= target (binary search; work is nondecreasing). */
static qb_idx first_row_at(const qb_csr *A, qb_idx target) {
  qb_idx lo = 0, hi = A->nrows;
  while (lo < hi) {
    qb_idx mid = lo + (hi - lo) / 2;
    if (work_before(A, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

qb_status qb_csr_partition(qb_csr *A, int nthreads, qb_err *err) {
  if (nthreads < 1) nthreads = 1;
  if (A->nparts == nthreads && A->part) return QB_OK;
  qb_idx *part = qb_malloc(((size_t)nthreads + 1) * sizeof *part);
  if (!part) return QB_FAIL(err, QB_ERR_NOMEM, "row partition for %d threads", nthreads);
  qb_idx total = work_before(A, A->nrows);
  part[0] = 0;
  for (int p = 1; p < nthreads; p++) {
    /* total * p / nthreads without overflow for any realistic size */
    qb_idx target = (qb_idx)((double)total * p / nthreads);
    qb_idx r = first_row_at(A, target);
    part[p] = r < part[p - 1] ? part[p - 1] : r;
  }
  part[nthreads] = A->nrows;
  qb_free(A->part);
  A->part = part;
  A->nparts = nthreads;
  return QB_OK;
}

/* The scalars of the fused update, passed together. */
typedef struct {
  double alpha, shift, beta;
} qb_spmv_coef;

/* Rows r0..r1-1, real A, real x, y. */
static void rows_rr(qb_idx r0, qb_idx r1, const qb_idx *restrict rp, const qb_idx *restrict ci,
                    const double *restrict v, const double *restrict x, double *restrict y,
                    qb_spmv_coef c) {
  for (qb_idx i = r0; i < r1; i++) {
    double s = 0.0;
    for (qb_idx k = rp[i]; k < rp[i + 1]; k++) s += v[k] * x[ci[k]];
    if (c.shift != 0.0) s -= c.shift * x[i];
    y[i] = c.beta == 0.0 ? c.alpha * s : c.alpha * s + c.beta * y[i];
  }
}

/* Rows r0..r1-1, real A, complex x, y as interleaved (re, im) doubles: the hot path of
 * time evolution; real arithmetic only. */
static void rows_rc(qb_idx r0, qb_idx r1, const qb_idx *restrict rp, const qb_idx *restrict ci,
                    const double *restrict v, const double *restrict x, double *restrict y,
                    qb_spmv_coef c) {
  for (qb_idx i = r0; i < r1; i++) {
    double sr = 0.0, si = 0.0;
    for (qb_idx k = rp[i]; k < rp[i + 1]; k++) {
      const double a = v[k];
      const double *xc = x + 2 * ci[k];
      sr += a * xc[0];
      si += a * xc[1];
    }
    if (c.shift != 0.0) {
      sr -= c.shift * x[2 * i];
      si -= c.shift * x[2 * i + 1];
    }
    if (c.beta == 0.0) {
      y[2 * i] = c.alpha * sr;
      y[2 * i + 1] = c.alpha * si;
    } else {
      y[2 * i] = c.alpha * sr + c.beta * y[2 * i];
      y[2 * i + 1] = c.alpha * si + c.beta * y[2 * i + 1];
    }
  }
}

/* Rows r0..r1-1, complex A, complex x, y, all interleaved doubles. */
static void rows_cc(qb_idx r0, qb_idx r1, const qb_idx *restrict rp, const qb_idx *restrict ci,
                    const double *restrict v, const double *restrict x, double *restrict y,
                    qb_spmv_coef c) {
  for (qb_idx i = r0; i < r1; i++) {
    double sr = 0.0, si = 0.0;
    for (qb_idx k = rp[i]; k < rp[i + 1]; k++) {
      const double ar = v[2 * k], ai = v[2 * k + 1];
      const double *xc = x + 2 * ci[k];
      sr += ar * xc[0] - ai * xc[1];
      si += ar * xc[1] + ai * xc[0];
    }
    if (c.shift != 0.0) {
      sr -= c.shift * x[2 * i];
      si -= c.shift * x[2 * i + 1];
    }
    if (c.beta == 0.0) {
      y[2 * i] = c.alpha * sr;
      y[2 * i + 1] = c.alpha * si;
    } else {
      y[2 * i] = c.alpha * sr + c.beta * y[2 * i];
      y[2 * i + 1] = c.alpha * si + c.beta * y[2 * i + 1];
    }
  }
}

typedef void (*qb_rows_kernel)(qb_idx, qb_idx, const qb_idx *restrict, const qb_idx *restrict,
                               const double *restrict, const double *restrict,
                               double *restrict, qb_spmv_coef);

qb_status qb_csr_spmv(qb_csr *A, qb_dtype vtype, double alpha, double shift, const void *x,
                      double beta, void *y, qb_err *err) {
  if (A->dtype == QB_COMPLEX && vtype != QB_COMPLEX)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "complex matrix applied to real vectors");
  if (shift != 0.0 && A->nrows != A->ncols)
    return QB_FAIL(err, QB_ERR_DIM, "shift %g on a non-square %lld x %lld matrix", shift,
                   (long long)A->nrows, (long long)A->ncols);
  if (x == y && A->nrows > 0) return QB_FAIL(err, QB_ERR_INPUT, "SpMV: y aliases x");
  QB_TRY(qb_csr_partition(A, omp_get_max_threads(), err));
  qb_rows_kernel kern = A->dtype == QB_COMPLEX ? rows_cc : vtype == QB_COMPLEX ? rows_rc : rows_rr;
  const qb_spmv_coef c = {alpha, shift, beta};
  const int nparts = A->nparts;
  const qb_idx *part = A->part, *rp = A->rowptr, *ci = A->colind;
  const double *v = A->val, *xd = x;
  double *yd = y;
#pragma omp parallel num_threads(nparts) default(none) \
    shared(kern, c, nparts, part, rp, ci, v, xd, yd)
  {
    /* Thread t takes block t; if the runtime granted fewer threads, blocks are dealt out
     * round-robin. Either way each row is computed the same way. */
    const int nth = omp_get_num_threads();
    for (int p = omp_get_thread_num(); p < nparts; p += nth)
      kern(part[p], part[p + 1], rp, ci, v, xd, yd, c);
  }
  return QB_OK;
}
