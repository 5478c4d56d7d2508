/* bounds.c — spectral bounds by Lanczos with residual-widened Ritz values, clipped by
 * Gershgorin discs for CSR operators, cached in the operator (qbath/bounds.h). */
#include "qbath/bounds.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/rng.h"
#include "qbath/vec.h"

/* Philox purpose of the start vector's stream (separate from any model's streams). */
enum { QB_BOUNDS_RNG_PURPOSE = 0xB0 };

qb_bounds_params qb_bounds_defaults(void) {
  return (qb_bounds_params){QB_BOUNDS_LANCZOS, 60, 0.002, 1, 2e-5};
}

qb_status qb_bounds_gershgorin(const qb_csr *A, double *lo, double *hi, qb_err *err) {
  if (A->nrows != A->ncols || A->nrows == 0)
    return QB_FAIL(err, QB_ERR_DIM, "Gershgorin discs of a %lld x %lld matrix",
                   (long long)A->nrows, (long long)A->ncols);
  double mn = INFINITY, mx = -INFINITY;
  const qb_idx n = A->nrows;
  const qb_idx *rp = A->rowptr;
  const int cplx = A->dtype == QB_COMPLEX;
  const double *vr = A->val;
  const qb_cplx *vc = A->val;
#pragma omp parallel for default(none) shared(n, rp, A, cplx, vr, vc) \
    reduction(min : mn) reduction(max : mx) schedule(static)
  for (qb_idx i = 0; i < n; i++) {
    double d = 0.0, r = 0.0;
    for (qb_idx k = rp[i]; k < rp[i + 1]; k++) {
      if (qb_csr_col(A, k) == i) d = cplx ? creal(vc[k]) : vr[k];
      else r += cplx ? cabs(vc[k]) : fabs(vr[k]);
    }
    if (d - r < mn) mn = d - r;
    if (d + r > mx) mx = d + r;
  }
  /* min and max are exact operations: the result is the same on any thread count. */
  *lo = mn;
  *hi = mx;
  return QB_OK;
}

/* Fills nd doubles with uniform(-1/2, 1/2) by address: the same on any thread count. */
static void random_start(const qb_rng *r, size_t nd, double *v) {
  const size_t nblocks = (nd + 3) / 4;
#pragma omp parallel for default(none) shared(r, nd, v, nblocks) schedule(static)
  for (size_t b = 0; b < nblocks; b++) {
    uint64_t w[4];
    qb_rng_block(r, b, w);
    for (size_t u = 0; u < 4 && 4 * b + u < nd; u++)
      v[4 * b + u] = qb_rng_u64_to_uniform(w[u]) - 0.5;
  }
}

/* Extremal Ritz values of T (alpha, beta) and their residual norms beta_k |s_{k,.}|. */
static qb_status ritz_extremes(int k, const double *alpha, const double *beta,
                               qb_bounds_info *info, qb_err *err) {
  double *d = qb_malloc((size_t)k * sizeof *d), *e = qb_malloc((size_t)k * sizeof *e);
  double *z = qb_malloc((size_t)k * k * sizeof *z);
  qb_status st = QB_OK;
  if (!d || !e || !z) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "Ritz values of a %d-step Lanczos", k);
    goto done;
  }
  memcpy(d, alpha, (size_t)k * sizeof *d);
  memcpy(e, beta, (size_t)k * sizeof *e);
  st = qb_dense_tridiag_eigh(k, d, e, z, err);
  if (st != QB_OK) goto done;
  info->ritz_min = d[0];
  info->ritz_max = d[k - 1];
  info->res_min = beta[k - 1] * fabs(z[(size_t)(k - 1) * k + 0]);
  info->res_max = beta[k - 1] * fabs(z[(size_t)(k - 1) * k + (k - 1)]);
done:
  qb_free(d);
  qb_free(e);
  qb_free(z);
  return st;
}

/* 1 when the bounds of the first k steps are converged to the fraction conv (see
 * qb_bounds_params.converge); fills info with their Ritz values either way. */
static int converged(int k, const double *alpha, const double *beta, double conv,
                     qb_bounds_info *info, qb_status *st, qb_err *err) {
  if (conv <= 0.0 || k < QB_BOUNDS_MIN_STEPS) return 0;
  *st = ritz_extremes(k, alpha, beta, info, err);
  return *st == QB_OK && info->res_min + info->res_max <= conv * (info->ritz_max - info->ritz_min);
}

/* Up to m Lanczos steps from v (normalized inside), two vectors v and w, stopping early
 * when converged. alpha[0..*steps-1], beta[0..*steps-1] (beta[k] couples steps k and k+1;
 * the last is the residual factor). */
static qb_status lanczos_coefs(const qb_op *H, qb_dtype vt, size_t nd, double *v, double *w,
                               int m, double conv, double *alpha, double *beta, int *steps,
                               qb_bounds_info *info, qb_err *err) {
  qb_vec_scal(nd, 1.0 / qb_vec_nrm2(nd, v), v);
  double scale = 0.0; /* the largest |alpha|, |beta| so far: breakdown is relative to it */
  int j = 0;
  for (; j < m; j++) {
    QB_TRY(qb_op_apply_fused(H, vt, 1.0, 0.0, v, j ? -beta[j - 1] : 0.0, w, err));
    alpha[j] = qb_vec_dot(nd, v, w);
    beta[j] = sqrt(qb_vec_lanczos_update(nd, alpha[j], v, 0.0, NULL, w));
    scale = fmax(scale, fmax(fabs(alpha[j]), beta[j]));
    if (!isfinite(alpha[j]) || !isfinite(beta[j]))
      return QB_FAIL(err, QB_ERR_NUMERIC, "Lanczos bounds: non-finite coefficient at step %d", j);
    /* An invariant subspace: its Ritz values are eigenvalues, residual zero. */
    if (beta[j] <= 8 * DBL_EPSILON * scale) {
      beta[j] = 0.0;
      j++;
      break;
    }
    qb_status st = QB_OK;
    if (converged(j + 1, alpha, beta, conv, info, &st, err)) {
      j++;
      break;
    }
    if (st != QB_OK) return st;
    qb_vec_scal(nd, 1.0 / beta[j], w);
    double *t = v; /* v_{j+1} = w; the old v becomes v_{j-1} for the next step */
    v = w;
    w = t;
  }
  *steps = j;
  return QB_OK;
}

static qb_status lanczos_bounds(const qb_op *H, const qb_bounds_params *p, qb_bounds_info *info,
                                qb_err *err) {
  const qb_dtype vt = H->dtype; /* real vectors for a real operator: half the traffic */
  const size_t nd = (size_t)H->dim * (vt == QB_COMPLEX ? 2 : 1);
  const int m = p->steps < H->dim ? p->steps : (int)H->dim;
  double *v = qb_malloc(nd * sizeof *v), *w = qb_calloc(nd, sizeof *w);
  double *alpha = qb_malloc((size_t)m * sizeof *alpha), *beta = qb_malloc((size_t)m * sizeof *beta);
  qb_status st = QB_OK;
  if (!v || !w || !alpha || !beta) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "Lanczos bounds for dimension %lld", (long long)H->dim);
    goto done;
  }
  qb_rng r;
  qb_rng_init(&r, p->seed, 0, 0, QB_BOUNDS_RNG_PURPOSE);
  random_start(&r, nd, v);
  st = lanczos_coefs(H, vt, nd, v, w, m, p->converge, alpha, beta, &info->steps, info, err);
  if (st == QB_OK) st = ritz_extremes(info->steps, alpha, beta, info, err);
done:
  qb_free(v);
  qb_free(w);
  qb_free(alpha);
  qb_free(beta);
  return st;
}

static qb_status check_params(const qb_op *H, const qb_bounds_params *p, qb_err *err) {
  if (H->dim < 1) return QB_FAIL(err, QB_ERR_DIM, "bounds of an empty operator");
  if (p->method != QB_BOUNDS_LANCZOS && p->method != QB_BOUNDS_GERSHGORIN)
    return QB_FAIL(err, QB_ERR_INPUT, "bounds method %d unknown", (int)p->method);
  if (p->method == QB_BOUNDS_LANCZOS && p->steps < 2)
    return QB_FAIL(err, QB_ERR_INPUT, "bounds: Lanczos steps = %d must be >= 2", p->steps);
  if (!(p->converge >= 0.0))
    return QB_FAIL(err, QB_ERR_INPUT, "bounds: converge = %g must be >= 0", p->converge);
  if (!(p->margin >= 0.0))
    return QB_FAIL(err, QB_ERR_INPUT, "bounds: margin = %g must be >= 0", p->margin);
  if (p->method == QB_BOUNDS_GERSHGORIN && strcmp(H->type->name, "csr"))
    return QB_FAIL(err, QB_ERR_UNSUPPORTED,
                   "Gershgorin bounds need a CSR operator, not '%s'", H->type->name);
  return QB_OK;
}

qb_status qb_bounds_compute(qb_op *H, const qb_bounds_params *params, double *emin,
                            double *emax, qb_bounds_info *info, qb_err *err) {
  const qb_bounds_params p = params ? *params : qb_bounds_defaults();
  QB_TRY(check_params(H, &p, err));
  qb_bounds_info in = {NAN, NAN, NAN, NAN, NAN, NAN, 0};
  const int is_csr = !strcmp(H->type->name, "csr");
  if (is_csr) QB_TRY(qb_bounds_gershgorin(H->impl, &in.gersh_min, &in.gersh_max, err));
  double lo, hi;
  if (p.method == QB_BOUNDS_GERSHGORIN) {
    lo = in.gersh_min;
    hi = in.gersh_max;
  } else {
    QB_TRY(lanczos_bounds(H, &p, &in, err));
    const double width = in.ritz_max - in.ritz_min;
    lo = in.ritz_min - in.res_min - p.margin * width;
    hi = in.ritz_max + in.res_max + p.margin * width;
    if (is_csr) { /* Gershgorin is a proof: never go beyond it */
      lo = fmax(lo, in.gersh_min);
      hi = fmin(hi, in.gersh_max);
    }
  }
  /* A multiple of the identity has zero width; Chebyshev maps need a positive one. */
  const double floor_w = sqrt(DBL_EPSILON) * fmax(1.0, fmax(fabs(lo), fabs(hi)));
  if (hi - lo < floor_w) {
    lo -= floor_w / 2;
    hi += floor_w / 2;
  }
  H->have_bounds = 1;
  H->emin = lo;
  H->emax = hi;
  if (emin) *emin = lo;
  if (emax) *emax = hi;
  if (info) *info = in;
  return QB_OK;
}

qb_status qb_bounds_op(qb_op *H, const qb_bounds_params *params, double *emin, double *emax,
                       qb_err *err) {
  if (!H->have_bounds) return qb_bounds_compute(H, params, emin, emax, NULL, err);
  if (emin) *emin = H->emin;
  if (emax) *emax = H->emax;
  return QB_OK;
}
