/* csr_spmv.c — the fused OpenMP SpMV y <- alpha (A - shift) x + beta y and its
 * nonzero-balanced row partition (qbath/csr.h).
 *
 * The SpMV is memory-bound: per nonzero it streams 8 bytes of value and 8 of column index
 * (4 in a narrow matrix, qb_csr_narrow) and gathers x. The kernels (csr_spmv_rows.h) are
 * three tight loops (real x real, real x complex as pairs of doubles, complex x complex),
 * each row summed serially in storage order by the one thread that owns it, so y is
 * bitwise the same on any thread count. Thread t takes row block t of the cached
 * partition, so each thread touches the same part of y, x and A on every call (first-touch
 * placement and cache reuse across calls). No allocation per call beyond the first (the
 * partition). Not safe to call concurrently on the same A with different thread counts
 * (the partition is rebuilt in place). */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#include "qbath/alloc.h"
#include "qbath/csr.h"
#include "qbath/vec.h"

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
  qb_idx nnz; /* entries of the matrix: the end of its arrays */
} qb_spmv_coef;

/* Row sum of real A times complex x, with QB_SPMV_LANES independent (re, im) accumulator
 * pairs: one accumulator would chain every nonzero through the FMA latency (~4 cycles),
 * which, not memory, then bounds the SpMV. The lanes take nonzeros k = lane mod LANES and
 * are added in a fixed tree at the end: a fixed order, the same on any thread count. */
enum { QB_SPMV_LANES = 4 };

/* Software prefetch of the value and column streams QB_SPMV_PREFETCH entries ahead. The
 * hardware prefetcher alone left one core at ~18 GB/s on the L = 20 Heisenberg matrix;
 * with this it reached ~29 GB/s (distance 256; 64 did not help, 384 and more were worse,
 * measured with bench spmv on an AMD EPYC with 2 cores). A tuning constant of the
 * machine, not of the physics; prefetching past the end of an array is harmless. */
enum { QB_SPMV_PREFETCH = 256 };

/* Lane masks for a group of four nonzeros of which the first `left` belong to the row. */
static const int64_t qb_lane_mask[5][4] = {
    {0, 0, 0, 0}, {-1, 0, 0, 0}, {-1, -1, 0, 0}, {-1, -1, -1, 0}, {-1, -1, -1, -1}};


/* y_i <- alpha (s_i - shift x_i) + beta y_i for a complex row sum s_i = (sr, si): the
 * fused update of the complex kernels; beta = 0 does not read y. */
static inline void store_fused_complex(qb_idx i, double sr, double si, const double *restrict x,
                                       double *restrict y, qb_spmv_coef c) {
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

#define QB_CI qb_idx
#define QB_ROWS(name) name##_64
#include "csr_spmv_rows.h"
#undef QB_CI
#undef QB_ROWS
#define QB_CI uint32_t
#define QB_ROWS(name) name##_32
#include "csr_spmv_rows.h"
#undef QB_CI
#undef QB_ROWS

qb_status qb_csr_spmv(qb_csr *A, qb_dtype vtype, double alpha, double shift, const void *x,
                      double beta, void *y, qb_err *err) {
  if (A->dtype == QB_COMPLEX && vtype != QB_COMPLEX)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "complex matrix applied to real vectors");
  if (shift != 0.0 && A->nrows != A->ncols)
    return QB_FAIL(err, QB_ERR_DIM, "shift %g on a non-square %lld x %lld matrix", shift,
                   (long long)A->nrows, (long long)A->ncols);
  if (x == y && A->nrows > 0) return QB_FAIL(err, QB_ERR_INPUT, "SpMV: y aliases x");
  QB_TRY(qb_csr_partition(A, omp_get_max_threads(), err));
  const qb_spmv_coef c = {alpha, shift, beta, qb_csr_nnz(A)};
  if (A->colind32) spmv_run_32(A, A->colind32, vtype, c, x, y);
  else spmv_run_64(A, A->colind, vtype, c, x, y);
  return QB_OK;
}

qb_status qb_csr_narrow(qb_csr *A, qb_err *err) {
  if (A->colind32) return QB_OK;
  if (A->ncols > (qb_idx)UINT32_MAX)
    return QB_FAIL(err, QB_ERR_DIM, "32-bit column indices for %lld columns", (long long)A->ncols);
  const qb_idx nnz = qb_csr_nnz(A);
  /* packed in place, front to back: entry k's 4 bytes land at or before its own 8, never on
   * an entry still to be read; then the block shrinks, so the peak never holds both widths */
  char *base = (char *)A->colind;
  for (qb_idx k = 0; k < nnz; k++) {
    const uint32_t j = (uint32_t)A->colind[k];
    memcpy(base + 4 * (size_t)k, &j, sizeof j); /* char access: ordered against the reads */
  }
  uint32_t *c32 = (uint32_t *)(void *)base;
  uint32_t *shrunk = realloc(c32, (size_t)(nnz > 0 ? nnz : 1) * sizeof *shrunk);
  A->colind32 = shrunk ? shrunk : c32; /* a failed shrink keeps the (valid) larger block */
  A->colind = NULL;
  return QB_OK;
}
