/* dynobs.c — observables of evolving states measured on the fly: survival amplitude,
 * expectation values, two-time correlations, typicality averages with their errors, and
 * the Chebyshev energy filter (qbath/dynobs.h). */
#include "qbath/dynobs.h"

#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/bounds.h"
#include "qbath/vec.h"

/* Philox purpose of the typical states (sample s uses purpose base + s). */
static const uint64_t QB_TYPICAL_PURPOSE = 0x7E00000000ull;

qb_cplx qb_dynobs_overlap(qb_idx n, const qb_cplx *a, const qb_cplx *b) {
  return qb_vec_cdot((size_t)n, a, b);
}

qb_status qb_dynobs_expect(const qb_op *O, const qb_cplx *psi, qb_cplx *work, double *out,
                           qb_err *err) {
  QB_TRY(qb_op_apply(O, psi, work, err));
  *out = creal(qb_vec_cdot((size_t)O->dim, psi, work));
  return QB_OK;
}

void qb_dynobs_random_state(const qb_rng *r, qb_idx n, qb_cplx *psi) {
  const size_t nblocks = ((size_t)n + 1) / 2; /* a block of 4 words: 2 complex normals */
  double *d = (double *)psi;
#pragma omp parallel for default(none) shared(r, n, d, nblocks) schedule(static)
  for (size_t b = 0; b < nblocks; b++) {
    uint64_t w[4];
    qb_rng_block(r, b, w);
    for (size_t u = 0; u < 2 && 2 * b + u < (size_t)n; u++)
      qb_rng_u64_to_normal2(w[2 * u], w[2 * u + 1], &d[4 * b + 2 * u], &d[4 * b + 2 * u + 1]);
  }
  qb_vec_scal(2 * (size_t)n, 1.0 / qb_vec_nrm2(2 * (size_t)n, d), d);
}

/* ---- survival and expectation values ------------------------------------------------ */

typedef struct {
  const qb_cplx *psi0;
  qb_idx n;
  qb_cplx *amp;
} surv_ctx;

static qb_status surv_obs(void *ctx, size_t j, double t, int ns, qb_cplx *const *psi, qb_err *err) {
  (void)t, (void)ns, (void)err;
  surv_ctx *c = ctx;
  c->amp[j] = qb_vec_cdot((size_t)c->n, c->psi0, psi[0]);
  return QB_OK;
}

/* A copy of psi0 of dimension n (NULL on failure, message in err). */
static qb_cplx *copy_state(const qb_cplx *psi0, qb_idx n, qb_err *err) {
  qb_cplx *psi = qb_malloc((size_t)n * sizeof *psi);
  if (!psi) QB_FAIL(err, QB_ERR_NOMEM, "a state of dimension %lld", (long long)n);
  else memcpy(psi, psi0, (size_t)n * sizeof *psi);
  return psi;
}

qb_status qb_dynobs_survival(qb_prop *P, const qb_cplx *psi0, const double *times, size_t nt,
                      qb_cplx *amp, qb_err *err) {
  const qb_idx n = qb_prop_dim(P);
  qb_cplx *psi = copy_state(psi0, n, err);
  if (!psi) return QB_ERR_NOMEM;
  surv_ctx c = {psi0, n, amp};
  qb_status st = qb_prop_run(P, 1, &psi, times, nt, surv_obs, &c, err);
  qb_free(psi);
  return st;
}

typedef struct {
  int nops;
  const qb_op *const *O;
  qb_cplx *work;
  double *out;
} expect_ctx;

static qb_status expect_obs(void *ctx, size_t j, double t, int ns, qb_cplx *const *psi,
                            qb_err *err) {
  (void)t, (void)ns;
  expect_ctx *c = ctx;
  for (int k = 0; k < c->nops; k++)
    QB_TRY(qb_dynobs_expect(c->O[k], psi[0], c->work, &c->out[j * (size_t)c->nops + k], err));
  return QB_OK;
}

qb_status qb_dynobs_expect_run(qb_prop *P, int nops, const qb_op *const *O, const qb_cplx *psi0,
                        const double *times, size_t nt, double *out, qb_err *err) {
  const qb_idx n = qb_prop_dim(P);
  qb_cplx *psi = copy_state(psi0, n, err), *work = qb_malloc((size_t)n * sizeof *work);
  qb_status st = QB_OK;
  if (!psi || !work)
    st = QB_FAIL(err, QB_ERR_NOMEM, "expectation values, dimension %lld", (long long)n);
  expect_ctx c = {nops, O, work, out};
  if (st == QB_OK) st = qb_prop_run(P, 1, &psi, times, nt, expect_obs, &c, err);
  qb_free(psi);
  qb_free(work);
  return st;
}

/* ---- two-time correlations ----------------------------------------------------------- */

typedef struct {
  const qb_op *A;
  qb_cplx *work;
  qb_cplx *C;
} corr_ctx;

/* C(t) = <psi(t)| A |phi(t)>, phi(0) = B psi. */
static qb_status corr_obs(void *ctx, size_t j, double t, int ns, qb_cplx *const *psi, qb_err *err) {
  (void)t, (void)ns;
  corr_ctx *c = ctx;
  QB_TRY(qb_op_apply(c->A, psi[1], c->work, err));
  c->C[j] = qb_vec_cdot((size_t)c->A->dim, psi[0], c->work);
  return QB_OK;
}

qb_status qb_dynobs_corr_state(qb_prop *P, const qb_op *A, const qb_op *B, const qb_cplx *psi,
                        const double *times, size_t nt, qb_cplx *C, qb_err *err) {
  const qb_idx n = qb_prop_dim(P);
  if (A->dim != n || (B && B->dim != n))
    return QB_FAIL(err, QB_ERR_DIM, "correlation: operators of dimension %lld, states %lld",
                   (long long)A->dim, (long long)n);
  qb_cplx *s[2] = {copy_state(psi, n, err), qb_malloc((size_t)n * sizeof(qb_cplx))};
  qb_cplx *work = qb_malloc((size_t)n * sizeof *work);
  qb_status st = QB_OK;
  if (!s[0] || !s[1] || !work)
    st = QB_FAIL(err, QB_ERR_NOMEM, "correlation, dimension %lld", (long long)n);
  if (st == QB_OK) st = qb_op_apply(B ? B : A, psi, s[1], err);
  corr_ctx c = {A, work, C};
  if (st == QB_OK) st = qb_prop_run(P, 2, s, times, nt, corr_obs, &c, err);
  qb_free(s[0]);
  qb_free(s[1]);
  qb_free(work);
  return st;
}

/* ---- energy filter --------------------------------------------------------------------- */

/* Chebyshev coefficients of f(x) = exp(-(a x + c - E)^2 / (2 sigma^2)) on [-1, 1] by
 * Chebyshev-Gauss quadrature on M nodes (exact for the first M coefficients of a
 * polynomial of degree < M; aliasing error below tol once M exceeds twice the order);
 * the order K is where the tail sum_{k>K} |c_k| (|T_k| <= 1) drops below tol. */
static qb_status filter_coefs(double a, double c, double E, double sigma, double tol,
                              double **coef, int *K, qb_err *err) {
  /* f's width in x is sigma/a: the order grows like (a/sigma) sqrt(2 ln(1/tol)) */
  int M = 64 + 4 * (int)ceil(a / sigma * sqrt(2.0 * log(1.0 / tol)));
  double *ck = qb_malloc((size_t)M * sizeof *ck), *f = qb_malloc((size_t)M * sizeof *f);
  if (!ck || !f) {
    qb_free(ck), qb_free(f);
    return QB_FAIL(err, QB_ERR_NOMEM, "energy filter of %d nodes", M);
  }
  for (int i = 0; i < M; i++) {
    const double x = cos(M_PI * (i + 0.5) / M), u = (a * x + c - E) / sigma;
    f[i] = exp(-0.5 * u * u);
  }
  for (int k = 0; k < M; k++) {
    double s = 0.0;
    for (int i = 0; i < M; i++) s += f[i] * cos(M_PI * k * (i + 0.5) / M);
    ck[k] = (k ? 2.0 : 1.0) * s / M;
  }
  double tail = 0.0;
  *K = M - 1;
  for (int k = M - 1; k >= 1; k--) {
    if (tail + fabs(ck[k]) > tol) break;
    tail += fabs(ck[k]);
    *K = k - 1;
  }
  qb_free(f);
  *coef = ck;
  if (*K > M / 2) /* the node count did not resolve the tail: should not happen */
    return QB_FAIL(err, QB_ERR_NUMERIC, "energy filter: order %d not resolved by %d nodes", *K, M);
  return QB_OK;
}

qb_status qb_dynobs_energy_filter(qb_op *H, double E, double sigma, double tol, qb_cplx *psi,
                           qb_cplx *w1, qb_cplx *w2, long *matvecs, qb_err *err) {
  if (!(sigma > 0.0) || !(tol > 0.0 && tol < 1.0))
    return QB_FAIL(err, QB_ERR_INPUT, "energy filter: sigma = %g must be > 0, tol = %g in (0, 1)",
                   sigma, tol);
  double emin, emax;
  QB_TRY(qb_bounds_op(H, NULL, &emin, &emax, err));
  const double c = 0.5 * (emax + emin), a = 0.5 * (emax - emin);
  double *ck = NULL;
  int K = 0;
  qb_status st = filter_coefs(a, c, E, sigma, tol, &ck, &K, err);
  const size_t n = (size_t)H->dim;
  qb_cplx *tm = psi, *tc = w1, *acc = w2; /* T_{k-1}, T_k, sum */
  if (st == QB_OK) qb_vec_cscal_copy(n, ck[0], psi, acc);
  if (st == QB_OK && K >= 1) {
    st = qb_op_apply_fused(H, QB_COMPLEX, 1.0 / a, c, tm, 0.0, tc, err);
    if (st == QB_OK) qb_vec_axpy(2 * n, ck[1], (const double *)tc, (double *)acc);
  }
  for (int k = 2; st == QB_OK && k <= K; k++) {
    st = qb_op_apply_fused(H, QB_COMPLEX, 2.0 / a, c, tc, -1.0, tm, err);
    if (st == QB_OK) qb_vec_axpy(2 * n, ck[k], (const double *)tm, (double *)acc);
    qb_cplx *t = tm;
    tm = tc;
    tc = t;
  }
  if (st == QB_OK) qb_vec_copy(2 * n, (const double *)acc, (double *)psi);
  if (matvecs) *matvecs += K;
  qb_free(ck);
  return st;
}

/* ---- typicality ------------------------------------------------------------------------ */

qb_dynobs_typical_params qb_dynobs_typical_defaults(void) {
  return (qb_dynobs_typical_params){8, 1, 0, 0, 0, 0.0, 1.0, 1e-12};
}

/* Mean and standard error of the ratio sum x / sum y over n samples (first order):
 * var(R) ~ (var x - 2 R cov(x, y) + R^2 var y) / (n ybar^2). */
static void ratio_stats(int n, const double *x, const double *y, double *mean, double *se) {
  double mx = 0, my = 0;
  for (int s = 0; s < n; s++) mx += x[s], my += y[s];
  mx /= n, my /= n;
  const double R = mx / my;
  double v = 0;
  for (int s = 0; s < n; s++) {
    const double d = (x[s] - mx) - R * (y[s] - my);
    v += d * d;
  }
  *mean = R;
  *se = n > 1 ? sqrt(v / ((double)n * (n - 1))) / fabs(my) : NAN;
}

qb_status qb_dynobs_corr_typical(qb_prop *P, const qb_op *A, const qb_op *B, const double *times,
                          size_t nt, const qb_dynobs_typical_params *tp, qb_cplx *C, double *err_re,
                          double *err_im, qb_err *err) {
  const qb_dynobs_typical_params p = tp ? *tp : qb_dynobs_typical_defaults();
  if (p.samples < 1) return QB_FAIL(err, QB_ERR_INPUT, "typicality with %d samples", p.samples);
  const qb_idx n = qb_prop_dim(P);
  const size_t ns = (size_t)p.samples;
  qb_cplx *r = qb_malloc((size_t)n * sizeof *r);
  qb_cplx *cs = qb_malloc(ns * nt * sizeof *cs);      /* per sample and time */
  double *x = qb_malloc(2 * ns * sizeof *x), *y = qb_malloc(ns * sizeof *y);
  qb_status st = QB_OK;
  if (!r || !cs || !x || !y)
    st = QB_FAIL(err, QB_ERR_NOMEM, "typicality over %d samples, dimension %lld", p.samples,
                 (long long)n);
  for (size_t s = 0; st == QB_OK && s < ns; s++) {
    qb_rng g;
    qb_rng_init(&g, p.seed, p.point, p.realization, QB_TYPICAL_PURPOSE + s);
    qb_dynobs_random_state(&g, n, r);
    if (p.filter) {
      /* The filter's two work vectors live only while it runs, not through the evolution
       * (which holds its own three plus the propagator's): peak r + 5, not r + 7 (issue 19). */
      qb_cplx *w1 = qb_malloc((size_t)n * sizeof *w1), *w2 = qb_malloc((size_t)n * sizeof *w2);
      st = w1 && w2 ? qb_dynobs_energy_filter(qb_prop_op(P), p.energy, p.sigma, p.filter_tol, r,
                                              w1, w2, NULL, err)
                    : QB_FAIL(err, QB_ERR_NOMEM, "energy filter, dimension %lld", (long long)n);
      qb_free(w1), qb_free(w2);
    }
    y[s] = p.filter ? qb_vec_dot(2 * (size_t)n, (const double *)r, (const double *)r) : 1.0;
    if (st == QB_OK) st = qb_dynobs_corr_state(P, A, B, r, times, nt, cs + s * nt, err);
  }
  for (size_t j = 0; st == QB_OK && j < nt; j++) { /* statistics per time, sample order */
    double mr, sr, mi, si;
    for (size_t s = 0; s < ns; s++) x[s] = creal(cs[s * nt + j]), x[ns + s] = cimag(cs[s * nt + j]);
    ratio_stats(p.samples, x, y, &mr, &sr);
    ratio_stats(p.samples, x + ns, y, &mi, &si);
    C[j] = mr + I * mi;
    if (err_re) err_re[j] = sr;
    if (err_im) err_im[j] = si;
  }
  qb_free(r), qb_free(cs), qb_free(x), qb_free(y);
  return st;
}
