/* rmt.c — Gaussian random-matrix ensembles (dense, entry-addressed), beta-Hermite
 * tridiagonal matrices and Poisson spectra. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* M_PI, M_SQRT2 under strict -std=c11 (CMake uses gnu11) */
#endif
#include "qbath/rmt.h"

#include <math.h>
#include <stdlib.h>
#include <strings.h>

static const struct {
  qb_ensemble e;
  const char *name;
} ensemble_table[] = {{QB_GOE, "GOE"}, {QB_GUE, "GUE"}, {QB_GSE, "GSE"}, {QB_POISSON, "Poisson"}};
#define N_ENSEMBLES (sizeof ensemble_table / sizeof ensemble_table[0])

qb_status qb_rmt_ensemble_parse(const char *name, qb_ensemble *out, qb_err *err) {
  for (size_t i = 0; name && i < N_ENSEMBLES; ++i)
    if (strcasecmp(name, ensemble_table[i].name) == 0) {
      *out = ensemble_table[i].e;
      return QB_OK;
    }
  return QB_FAIL(err, QB_ERR_INPUT, "unknown ensemble '%s' (expected GOE, GUE, GSE or Poisson)",
                 name ? name : "(null)");
}

const char *qb_rmt_ensemble_name(qb_ensemble e) {
  for (size_t i = 0; i < N_ENSEMBLES; ++i)
    if (ensemble_table[i].e == e) return ensemble_table[i].name;
  return "unknown";
}

static qb_status check_args(const void *r, const void *H, qb_idx n, double s, qb_err *err) {
  if (!r || !H) return QB_FAIL(err, QB_ERR_INPUT, "random matrix: NULL stream or output");
  if (n < 0)
    return QB_FAIL(err, QB_ERR_DIM, "random matrix size n = %lld is negative", (long long)n);
  if (!(s > 0.0) || !isfinite(s))
    return QB_FAIL(err, QB_ERR_INPUT, "random matrix scale s = %g must be positive", s);
  return QB_OK;
}

/* Address of the upper-triangle entry (i, j), i <= j, in row order: the block number that
 * fills it, so that the fill does not depend on the thread count or loop schedule. */
static inline uint64_t triu_index(qb_idx n, qb_idx i, qb_idx j) {
  return (uint64_t)(i * n - i * (i - 1) / 2 + (j - i));
}

/* GOE: H_ij ~ N(0, s^2) (i != j), H_ii ~ N(0, 2 s^2); density exp(-Tr H^2 / (4 s^2)). */
qb_status qb_rmt_goe(const qb_rng *r, qb_idx n, double s, double *H, qb_err *err) {
  QB_TRY(check_args(r, H, n, s, err));
  const double sd = s * M_SQRT2;
#pragma omp parallel for default(none) shared(r, H) firstprivate(n, s, sd) schedule(static)
  for (qb_idx i = 0; i < n; ++i)
    for (qb_idx j = i; j < n; ++j) {
      uint64_t w[4];
      double z0, z1;
      qb_rng_block(r, triu_index(n, i, j), w);
      qb_rng_u64_to_normal2(w[0], w[1], &z0, &z1);
      const double h = (i == j ? sd : s) * z0;
      H[i * n + j] = h;
      H[j * n + i] = h;
    }
  return QB_OK;
}

/* One GUE entry of scale s from a block's words w0, w1: diagonal N(0, s^2), off-diagonal
 * re, im ~ N(0, s^2/2). */
static inline qb_cplx gue_entry(uint64_t w0, uint64_t w1, int diag, double s) {
  double z0, z1;
  qb_rng_u64_to_normal2(w0, w1, &z0, &z1);
  if (diag) return s * z0;
  return s * M_SQRT1_2 * (z0 + I * z1);
}

/* GUE: density exp(-Tr H^2 / (2 s^2)). */
qb_status qb_rmt_gue(const qb_rng *r, qb_idx n, double s, qb_cplx *H, qb_err *err) {
  QB_TRY(check_args(r, H, n, s, err));
#pragma omp parallel for default(none) shared(r, H) firstprivate(n, s) schedule(static)
  for (qb_idx i = 0; i < n; ++i)
    for (qb_idx j = i; j < n; ++j) {
      uint64_t w[4];
      qb_rng_block(r, triu_index(n, i, j), w);
      const qb_cplx h = gue_entry(w[0], w[1], i == j, s);
      H[i * n + j] = h;
      H[j * n + i] = conj(h);
    }
  return QB_OK;
}

/* GSE: H = [[A, B], [-conj(B), conj(A)]] (2n x 2n), A GUE of scale s from words 0-1 of
 * block (i, j), B complex antisymmetric, re, im ~ N(0, s^2/2), from words 2-3. H is
 * Hermitian because B^T = -B: the (1,2) block of H^H is -B^T = B. */
qb_status qb_rmt_gse(const qb_rng *r, qb_idx n, double s, qb_cplx *H, qb_err *err) {
  QB_TRY(check_args(r, H, n, s, err));
  const qb_idx m = 2 * n;
#pragma omp parallel for default(none) shared(r, H) firstprivate(n, m, s) schedule(static)
  for (qb_idx i = 0; i < n; ++i)
    for (qb_idx j = i; j < n; ++j) {
      uint64_t w[4];
      qb_rng_block(r, triu_index(n, i, j), w);
      const qb_cplx a = gue_entry(w[0], w[1], i == j, s);
      const qb_cplx b = i == j ? 0.0 : gue_entry(w[2], w[3], 0, s); /* B_ji = -B_ij */
      H[i * m + j] = a;             /* A_ij */
      H[j * m + i] = conj(a);       /* A_ji */
      H[(n + i) * m + n + j] = conj(a); /* conj(A)_ij */
      H[(n + j) * m + n + i] = a;       /* conj(A)_ji */
      H[i * m + n + j] = b;             /* B_ij */
      H[j * m + n + i] = -b;            /* B_ji */
      H[(n + i) * m + j] = -conj(b);    /* -conj(B)_ij */
      H[(n + j) * m + i] = conj(b);     /* -conj(B)_ji */
    }
  return QB_OK;
}

/* Dumitriu & Edelman, J. Math. Phys. 43, 5830 (2002), eq. (1.1)/Theorem 2.12:
 * H = (1/sqrt 2) tridiag(N(0, 2) diagonal, chi_{beta(n-k)} off-diagonal) has the joint
 * eigenvalue law |Delta|^beta exp(-sum lambda^2 / 2); times c it matches the dense
 * ensembles above: GOE exp(-sum/(4 s^2)) -> c = s sqrt 2; GUE exp(-sum/(2 s^2)) -> c = s;
 * GSE exp(-Tr H^2/(4 s^2)) = exp(-sum_k lambda_k^2/(2 s^2)) over Kramers levels -> c = s.
 * chi_k = sqrt(2 Gamma(k/2)). Drawn sequentially from r. */
qb_status qb_rmt_beta_hermite(qb_rng *r, int beta, qb_idx n, double s, double *diag,
                              double *offdiag, qb_err *err) {
  QB_TRY(check_args(r, diag, n, s, err));
  if (beta != 1 && beta != 2 && beta != 4)
    return QB_FAIL(err, QB_ERR_INPUT, "beta-Hermite: beta = %d must be 1, 2 or 4", beta);
  if (n > 1 && !offdiag) return QB_FAIL(err, QB_ERR_INPUT, "beta-Hermite: NULL off-diagonal");
  const double c = beta == 1 ? s * M_SQRT2 : s;
  for (qb_idx k = 0; k < n; ++k) diag[k] = c * qb_rng_normal(r); /* N(0,2)/sqrt2 = N(0,1) */
  for (qb_idx k = 1; k < n; ++k) {
    const double chi = sqrt(2.0 * qb_rng_gamma(r, 0.5 * beta * (double)(n - k)));
    offdiag[k - 1] = c * M_SQRT1_2 * chi;
  }
  return QB_OK;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

qb_status qb_rmt_poisson(qb_rng *r, qb_idx n, double width, double *levels, qb_err *err) {
  if (!r || !levels) return QB_FAIL(err, QB_ERR_INPUT, "Poisson spectrum: NULL stream or output");
  if (n < 0)
    return QB_FAIL(err, QB_ERR_DIM, "Poisson spectrum size n = %lld is negative", (long long)n);
  if (!(width > 0.0) || !isfinite(width))
    return QB_FAIL(err, QB_ERR_INPUT, "Poisson spectrum width = %g must be positive", width);
  for (qb_idx k = 0; k < n; ++k) levels[k] = width * (qb_rng_uniform(r) - 0.5);
  qsort(levels, (size_t)n, sizeof *levels, cmp_double);
  return QB_OK;
}

/* R^2/4 = per-level second moment: GOE n s^2 (+O(1)), GUE n s^2, GSE 2 n s^2 over the
 * 2n levels. Poisson has no semicircle: NaN. */
double qb_rmt_semicircle_radius(qb_ensemble e, qb_idx n, double s) {
  switch (e) {
    case QB_GOE:
    case QB_GUE: return 2.0 * s * sqrt((double)n);
    case QB_GSE: return 2.0 * s * sqrt(2.0 * (double)n);
    default: return NAN;
  }
}
