/* vec.c — reproducible BLAS-1 helpers of the propagators (qbath/vec.h). */
#include "qbath/vec.h"

#include <math.h>
#include <omp.h>
#include <string.h>

/* Whether a loop over n items runs in an OpenMP team. A parallel region costs a futex
 * system call even with a team of one (libgomp's end-of-region barrier wakes its waiters
 * unconditionally), several microseconds on a loaded VM, while a propagator makes
 * thousands of BLAS-1 calls per realization: a 4 x 4 random matrix's survival curve spent
 * 95% of its time there. So small vectors, a team of one and calls from inside a running
 * team (where a nested region would be serialized anyway) loop without a region. The
 * blocks of the reductions are the same either way, so are the bits. */
static int in_team(size_t n) {
  return n >= QB_VEC_TEAM_MIN && omp_get_max_threads() > 1 && !omp_in_parallel();
}

/* Bounds of block b of QB_VEC_BLOCKS over n items: depend on n only. */
static inline void block_range(size_t n, int b, size_t *lo, size_t *hi) {
  *lo = n * (size_t)b / QB_VEC_BLOCKS;
  *hi = n * (size_t)(b + 1) / QB_VEC_BLOCKS;
}

/* Serial dot of a block with four interleaved partial sums (fixed order). */
static double block_dot(size_t lo, size_t hi, const double *x, const double *y) {
  double s[4] = {0, 0, 0, 0};
  size_t i = lo;
  for (; i + 4 <= hi; i += 4)
    for (int u = 0; u < 4; u++) s[u] += x[i + u] * y[i + u];
  for (int u = 0; i < hi; i++, u++) s[u] += x[i] * y[i];
  return (s[0] + s[2]) + (s[1] + s[3]);
}

/* Block b of the dot product over nd doubles. */
static double dot_of_block(size_t nd, int b, const double *x, const double *y) {
  size_t lo, hi;
  block_range(nd, b, &lo, &hi);
  return block_dot(lo, hi, x, y);
}

double qb_vec_dot(size_t nd, const double *x, const double *y) {
  double part[QB_VEC_BLOCKS];
  if (in_team(nd)) {
#pragma omp parallel for default(none) shared(part, nd, x, y) schedule(static)
    for (int b = 0; b < QB_VEC_BLOCKS; b++) part[b] = dot_of_block(nd, b, x, y);
  } else {
    for (int b = 0; b < QB_VEC_BLOCKS; b++) part[b] = dot_of_block(nd, b, x, y);
  }
  double s = 0.0;
  for (int b = 0; b < QB_VEC_BLOCKS; b++) s += part[b];
  return s;
}

/* Block of conj(x) y over complex entries lo..hi-1, two interleaved partial sums. */
static qb_cplx block_cdot(size_t lo, size_t hi, const double *x, const double *y) {
  double re[2] = {0, 0}, im[2] = {0, 0};
  size_t i = lo;
  for (; i + 2 <= hi; i += 2)
    for (int u = 0; u < 2; u++) {
      const double xr = x[2 * (i + u)], xi = x[2 * (i + u) + 1];
      const double yr = y[2 * (i + u)], yi = y[2 * (i + u) + 1];
      re[u] += xr * yr + xi * yi;
      im[u] += xr * yi - xi * yr;
    }
  if (i < hi) {
    re[0] += x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1];
    im[0] += x[2 * i] * y[2 * i + 1] - x[2 * i + 1] * y[2 * i];
  }
  return (re[0] + re[1]) + I * (im[0] + im[1]);
}

/* Block b of <x|y> over n complex entries, into pr[b] + i pi[b]. */
static void cdot_of_block(size_t n, int b, const double *xd, const double *yd, double *pr,
                          double *pi) {
  size_t lo, hi;
  block_range(n, b, &lo, &hi);
  qb_cplx s = block_cdot(lo, hi, xd, yd);
  pr[b] = creal(s);
  pi[b] = cimag(s);
}

qb_cplx qb_vec_cdot(size_t n, const qb_cplx *x, const qb_cplx *y) {
  double pr[QB_VEC_BLOCKS], pi[QB_VEC_BLOCKS];
  const double *xd = (const double *)x, *yd = (const double *)y;
  if (in_team(n)) {
#pragma omp parallel for default(none) shared(pr, pi, n, xd, yd) schedule(static)
    for (int b = 0; b < QB_VEC_BLOCKS; b++) cdot_of_block(n, b, xd, yd, pr, pi);
  } else {
    for (int b = 0; b < QB_VEC_BLOCKS; b++) cdot_of_block(n, b, xd, yd, pr, pi);
  }
  double sr = 0.0, si = 0.0;
  for (int b = 0; b < QB_VEC_BLOCKS; b++) {
    sr += pr[b];
    si += pi[b];
  }
  return sr + I * si;
}

double qb_vec_nrm2(size_t nd, const double *x) { return sqrt(qb_vec_dot(nd, x, x)); }

/* The elementwise operations, each on the items [lo, hi) (complex: entries). */
static void axpy_range(size_t lo, size_t hi, double a, const double *x, double *y) {
  for (size_t i = lo; i < hi; i++) y[i] += a * x[i];
}

static void caxpy_range(size_t lo, size_t hi, double ar, double ai, const double *xd, double *yd) {
  for (size_t i = lo; i < hi; i++) {
    const double xr = xd[2 * i], xi = xd[2 * i + 1];
    yd[2 * i] += ar * xr - ai * xi;
    yd[2 * i + 1] += ar * xi + ai * xr;
  }
}

static void cscal_copy_range(size_t lo, size_t hi, double ar, double ai, const double *xd,
                             double *yd) {
  for (size_t i = lo; i < hi; i++) {
    const double xr = xd[2 * i], xi = xd[2 * i + 1];
    yd[2 * i] = ar * xr - ai * xi;
    yd[2 * i + 1] = ar * xi + ai * xr;
  }
}

static void scal_range(size_t lo, size_t hi, double a, double *x) {
  for (size_t i = lo; i < hi; i++) x[i] *= a;
}

static void copy_range(size_t lo, size_t hi, const double *x, double *y) {
  for (size_t i = lo; i < hi; i++) y[i] = x[i];
}

/* Runs CALL (an X_range(lo, hi, ...) call) over [0, n): split into the blocks of a team
 * when in_team(n), else in one piece. */
#define QB_VEC_RANGES(n, CALL)                                          \
  do {                                                                  \
    if (!in_team(n)) {                                                  \
      const size_t lo = 0, hi = (n);                                   \
      CALL;                                                             \
      break;                                                            \
    }                                                                   \
    _Pragma("omp parallel for schedule(static)")                        \
    for (int b_ = 0; b_ < QB_VEC_BLOCKS; b_++) {                        \
      size_t lo, hi;                                                    \
      block_range((n), b_, &lo, &hi);                                   \
      CALL;                                                             \
    }                                                                   \
  } while (0)

void qb_vec_axpy(size_t nd, double a, const double *x, double *y) {
  QB_VEC_RANGES(nd, axpy_range(lo, hi, a, x, y));
}

void qb_vec_caxpy(size_t n, qb_cplx a, const qb_cplx *x, qb_cplx *y) {
  const double ar = creal(a), ai = cimag(a);
  QB_VEC_RANGES(n, caxpy_range(lo, hi, ar, ai, (const double *)x, (double *)y));
}

void qb_vec_cscal_copy(size_t n, qb_cplx a, const qb_cplx *x, qb_cplx *y) {
  const double ar = creal(a), ai = cimag(a);
  QB_VEC_RANGES(n, cscal_copy_range(lo, hi, ar, ai, (const double *)x, (double *)y));
}

void qb_vec_scal(size_t nd, double a, double *x) { QB_VEC_RANGES(nd, scal_range(lo, hi, a, x)); }

void qb_vec_copy(size_t nd, const double *x, double *y) {
  QB_VEC_RANGES(nd, copy_range(lo, hi, x, y));
}

/* Block part of the Lanczos update: y -= a x + b z, returns the block's ||y||^2. */
static double block_lanczos(size_t lo, size_t hi, double a, const double *x, double b,
                            const double *z, double *y) {
  double s[4] = {0, 0, 0, 0};
  size_t i = lo;
  for (; i + 4 <= hi; i += 4)
    for (int u = 0; u < 4; u++) {
      const double v = y[i + u] - a * x[i + u] - (z ? b * z[i + u] : 0.0);
      y[i + u] = v;
      s[u] += v * v;
    }
  for (int u = 0; i < hi; i++, u++) {
    const double v = y[i] - a * x[i] - (z ? b * z[i] : 0.0);
    y[i] = v;
    s[u] += v * v;
  }
  return (s[0] + s[2]) + (s[1] + s[3]);
}

/* Block b of the Lanczos update over nd doubles. */
static double lanczos_of_block(size_t nd, int b_, double a, const double *x, double b,
                               const double *z, double *y) {
  size_t lo, hi;
  block_range(nd, b_, &lo, &hi);
  return block_lanczos(lo, hi, a, x, b, z, y);
}

double qb_vec_lanczos_update(size_t nd, double a, const double *x, double b, const double *z,
                             double *y) {
  double part[QB_VEC_BLOCKS];
  if (in_team(nd)) {
#pragma omp parallel for default(none) shared(part, nd, a, x, b, z, y) schedule(static)
    for (int b_ = 0; b_ < QB_VEC_BLOCKS; b_++) part[b_] = lanczos_of_block(nd, b_, a, x, b, z, y);
  } else {
    for (int b_ = 0; b_ < QB_VEC_BLOCKS; b_++) part[b_] = lanczos_of_block(nd, b_, a, x, b, z, y);
  }
  double s = 0.0;
  for (int b_ = 0; b_ < QB_VEC_BLOCKS; b_++) s += part[b_];
  return s;
}
