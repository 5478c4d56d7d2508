/* vec.c — reproducible BLAS-1 helpers of the propagators (qbath/vec.h). */
#include "qbath/vec.h"

#include <math.h>
#include <string.h>

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

double qb_vec_dot(size_t nd, const double *x, const double *y) {
  double part[QB_VEC_BLOCKS];
#pragma omp parallel for default(none) shared(part, nd, x, y) schedule(static)
  for (int b = 0; b < QB_VEC_BLOCKS; b++) {
    size_t lo, hi;
    block_range(nd, b, &lo, &hi);
    part[b] = block_dot(lo, hi, x, y);
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

qb_cplx qb_vec_cdot(size_t n, const qb_cplx *x, const qb_cplx *y) {
  double pr[QB_VEC_BLOCKS], pi[QB_VEC_BLOCKS];
  const double *xd = (const double *)x, *yd = (const double *)y;
#pragma omp parallel for default(none) shared(pr, pi, n, xd, yd) schedule(static)
  for (int b = 0; b < QB_VEC_BLOCKS; b++) {
    size_t lo, hi;
    block_range(n, b, &lo, &hi);
    qb_cplx s = block_cdot(lo, hi, xd, yd);
    pr[b] = creal(s);
    pi[b] = cimag(s);
  }
  double sr = 0.0, si = 0.0;
  for (int b = 0; b < QB_VEC_BLOCKS; b++) {
    sr += pr[b];
    si += pi[b];
  }
  return sr + I * si;
}

double qb_vec_nrm2(size_t nd, const double *x) { return sqrt(qb_vec_dot(nd, x, x)); }

void qb_vec_axpy(size_t nd, double a, const double *x, double *y) {
#pragma omp parallel for default(none) shared(nd, a, x, y) schedule(static)
  for (size_t i = 0; i < nd; i++) y[i] += a * x[i];
}

void qb_vec_caxpy(size_t n, qb_cplx a, const qb_cplx *x, qb_cplx *y) {
  const double ar = creal(a), ai = cimag(a);
  const double *xd = (const double *)x;
  double *yd = (double *)y;
#pragma omp parallel for default(none) shared(n, ar, ai, xd, yd) schedule(static)
  for (size_t i = 0; i < n; i++) {
    const double xr = xd[2 * i], xi = xd[2 * i + 1];
    yd[2 * i] += ar * xr - ai * xi;
    yd[2 * i + 1] += ar * xi + ai * xr;
  }
}

void qb_vec_cscal_copy(size_t n, qb_cplx a, const qb_cplx *x, qb_cplx *y) {
  const double ar = creal(a), ai = cimag(a);
  const double *xd = (const double *)x;
  double *yd = (double *)y;
#pragma omp parallel for default(none) shared(n, ar, ai, xd, yd) schedule(static)
  for (size_t i = 0; i < n; i++) {
    const double xr = xd[2 * i], xi = xd[2 * i + 1];
    yd[2 * i] = ar * xr - ai * xi;
    yd[2 * i + 1] = ar * xi + ai * xr;
  }
}

void qb_vec_scal(size_t nd, double a, double *x) {
#pragma omp parallel for default(none) shared(nd, a, x) schedule(static)
  for (size_t i = 0; i < nd; i++) x[i] *= a;
}

void qb_vec_copy(size_t nd, const double *x, double *y) {
#pragma omp parallel for default(none) shared(nd, x, y) schedule(static)
  for (size_t i = 0; i < nd; i++) y[i] = x[i];
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

double qb_vec_lanczos_update(size_t nd, double a, const double *x, double b, const double *z,
                             double *y) {
  double part[QB_VEC_BLOCKS];
#pragma omp parallel for default(none) shared(part, nd, a, x, b, z, y) schedule(static)
  for (int b_ = 0; b_ < QB_VEC_BLOCKS; b_++) {
    size_t lo, hi;
    block_range(nd, b_, &lo, &hi);
    part[b_] = block_lanczos(lo, hi, a, x, b, z, y);
  }
  double s = 0.0;
  for (int b_ = 0; b_ < QB_VEC_BLOCKS; b_++) s += part[b_];
  return s;
}
