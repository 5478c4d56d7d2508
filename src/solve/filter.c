/* filter.c — the polynomial-filter eigensolver of qbath/filter.h: bounds and target,
 * density of states and degree, the restarted Lanczos on p(H) until the nev pairs nearest
 * sigma are certain, the Rayleigh-Ritz on H, and the result of qbath/eigs.h. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/vec.h"
#include "solve/eigs_internal.h"
#include "solve/filter_internal.h"

/* Points at which min p over the window [sigma - d, sigma + d] is evaluated: p varies on
 * the scale width * d, so 200 intervals resolve its minimum, reached at an end. */
enum { QB_FILTER_WINDOW_POINTS = 201 };

void qb_filter_defaults(qb_filter_opts *f) {
  memset(f, 0, sizeof *f);
  f->width = 1.0;
  f->min_degree = 16;
  f->max_degree = 200000;
  f->block = 2;
  f->dos_vectors = 4;
  f->dos_moments = 64;
  f->resid_tol = 1e-9;
  f->bounds = qb_bounds_defaults();
}

qb_idx qb_filter_ncv(const qb_eigs_opts *o, const qb_filter_opts *f) {
  qb_idx b = f->block,
         ncv = o->ncv > 0 ? o->ncv : (3 * o->nev > o->nev + 40 ? 3 * o->nev : o->nev + 40);
  return (ncv + b - 1) / b * b;
}

double qb_filter_bytes(double dim, const qb_eigs_opts *o, const qb_filter_opts *f) {
  double ncv = (double)qb_filter_ncv(o, f), cap = ncv + f->block;
  double vectors = cap + 3 + (o->want_vectors ? (double)o->nev : 0); /* basis, recurrence, result */
  return 8 * dim * vectors + 8 * (cap * cap + 2 * ncv * ncv);
}

/* The operator the Lanczos sees: p(H). */
typedef struct filter_ctx {
  const qb_op *H;
  const qb_filter_poly *P;
  double *t1, *t2;
  long matvecs;
} filter_ctx;

static qb_status apply_filter(void *ctx, const double *x, double *y, qb_err *err) {
  filter_ctx *c = ctx;
  c->matvecs += c->P->K;
  return qb_filter_poly_apply(c->H, c->P, x, y, c->t1, c->t2, err);
}

/* Rayleigh-Ritz of H on the orthonormal W = V[:, 0:m]: G = W^T H W = Y diag(E) Y^T,
 * E ascending, Y row-major m x m (column l the vector of E[l]). */
static qb_status rayleigh_ritz(filter_ctx *c, const double *W, qb_idx m, double *E, double *Y,
                               qb_err *err) {
  const size_t n = (size_t)c->H->dim;
  for (qb_idx l = 0; l < m; l++) {
    QB_TRY(qb_op_apply_fused(c->H, QB_REAL, 1.0, 0.0, W + (size_t)l * n, 0.0, c->t1, err));
    c->matvecs++;
    for (qb_idx i = 0; i <= l; i++)
      Y[i * m + l] = Y[l * m + i] = qb_vec_dot(n, W + (size_t)i * n, c->t1);
  }
  return qb_dense_eigh(QB_REAL, m, Y, E, 1, err);
}

/* min of p over [sigma - d, sigma + d]. */
static double window_min(const qb_filter_poly *P, double sigma, double d) {
  double m = INFINITY;
  for (int i = 0; i < QB_FILTER_WINDOW_POINTS; i++)
    m = fmin(m, qb_filter_poly_eval(P, sigma + d * (2.0 * i / (QB_FILTER_WINDOW_POINTS - 1) - 1)));
  return m;
}

/* Everything one run holds. */
typedef struct filter_run {
  const qb_eigs_opts *o;
  const qb_filter_opts *f;
  qb_filter_info info;
  double sigma, normH, tol_p;
  double max_resid;          /* of the last candidate pairs (also without vectors) */
  qb_filter_poly P;
  qb_filter_krylov L;
  filter_ctx ctx;
  qb_idx want;
} filter_run;

/* The target energy and the enclosure [a, b] of the polynomial (both by Lanczos). */
static qb_status target_and_bounds(qb_op *H, filter_run *R, qb_eigs_result *res, qb_err *err) {
  const qb_eigs_opts *o = R->o;
  qb_bounds_info bi;
  if (o->target_is_density && !o->have_bounds) {
    /* the extremal eigenvalues themselves: a Lanczos run to convergence, no margin */
    qb_bounds_params t = R->f->bounds;
    t.margin = 0;
    t.converge = 1e-7;
    t.steps = 2000;
    QB_TRY(qb_bounds_compute(H, &t, NULL, NULL, &bi, err));
    R->ctx.matvecs += bi.steps;
    res->emin = bi.ritz_min, res->emax = bi.ritz_max;
    H->have_bounds = 0; /* the enclosure below uses the caller's margin */
  } else if (o->target_is_density) {
    res->emin = o->emin, res->emax = o->emax;
  }
  R->sigma = o->target_is_density ? res->emin + o->target * (res->emax - res->emin) : o->target;
  if (!H->have_bounds) {
    QB_TRY(qb_bounds_compute(H, &R->f->bounds, NULL, NULL, &bi, err));
    R->ctx.matvecs += bi.steps;
  }
  R->info.a = H->emin, R->info.b = H->emax;
  R->normH = fmax(fabs(H->emin), fabs(H->emax));
  res->sigma = R->sigma;
  return QB_OK;
}

/* The nev RR pairs nearest sigma into res (vectors W y), finished; *ok = 0 when the window
 * is not yet certain (some eigenvalue inside it may still be outside the converged space). */
static qb_status try_result(filter_run *R, qb_eigs_result *res, int *ok, qb_err *err) {
  const qb_idx m = R->want, nev = R->o->nev, n = R->L.n;
  double *E = qb_malloc((size_t)m * sizeof *E), *Y = qb_malloc((size_t)(m * m) * sizeof *Y);
  double *x = res->V ? NULL : qb_malloc((size_t)n * sizeof *x);
  qb_status st =
      E && Y && (res->V || x) ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "filter: Rayleigh-Ritz");
  double t0 = qb_eigs_now();
  R->max_resid = 0;
  if (st == QB_OK) st = rayleigh_ritz(&R->ctx, R->L.V, m, E, Y, err);
  qb_idx lo = 0;
  if (st == QB_OK) {
    lo = qb_eigs_window(E, m, nev, R->sigma);
    double d = fmax(R->sigma - E[lo], E[lo + nev - 1] - R->sigma);
    R->info.tau = R->L.theta[m - 1];
    *ok = window_min(&R->P, R->sigma, d) > R->info.tau;
  }
  /* the vectors (into the result, or one at a time to measure the residuals) */
  for (qb_idx l = 0; st == QB_OK && *ok && l < nev; l++) {
    double *v = res->V ? (double *)res->V + (size_t)l * (size_t)n : x;
    res->E[l] = E[lo + l];
    st = qb_filter_krylov_rotate(n, R->L.V, m, Y + lo + l, m, 1, v, err);
    if (st == QB_OK && !res->V) {
      st = qb_op_apply_fused(R->ctx.H, QB_REAL, 1.0, res->E[l], v, 0.0, R->ctx.t1, err);
      R->max_resid = fmax(R->max_resid, qb_vec_nrm2((size_t)n, R->ctx.t1));
    }
  }
  if (st == QB_OK && *ok) st = qb_eigs_finish_op(R->ctx.H, res, err);
  if (st == QB_OK && *ok && res->V) R->max_resid = res->max_resid;
  R->info.t_ritz += qb_eigs_now() - t0;
  qb_free(E);
  qb_free(Y);
  qb_free(x);
  return st;
}

/* Wanted values added when the window test fails: a quarter of nev, at least a block. */
static qb_idx nev_step(qb_idx nev, qb_idx b) { return nev / 4 > b ? nev / 4 : b; }

/* 1 when the want leading Ritz values of p(H) have converged. */
static int converged(const filter_run *R) {
  int conv = 1;
  for (qb_idx q = 0; q < R->want; q++) conv = conv && R->L.res[q] <= R->tol_p * fabs(R->L.theta[0]);
  return conv;
}

/* Converged: the Rayleigh-Ritz and the window test; *done when the result stands, else
 * more wanted values (window not certain) or a tighter tolerance (a residual missed). */
static qb_status on_converged(filter_run *R, qb_eigs_result *res, int *done, qb_err *err) {
  const qb_idx b = R->L.b, nev = R->o->nev;
  const double floor_p = 10 * R->P.K * DBL_EPSILON;
  int ok = 0;
  /* a restart that keeps every column: V[:, 0:want] become the leading Ritz vectors */
  QB_TRY(qb_filter_krylov_restart(&R->L, R->L.j, err));
  QB_TRY(try_result(R, res, &ok, err));
  *done = ok && R->max_resid <= R->f->resid_tol * R->normH;
  if (*done) return QB_OK;
  if (ok && R->tol_p <= floor_p)
    return QB_FAIL(err, QB_ERR_NUMERIC, "filter: residual %.3g of the pairs exceeds resid_tol "
                   "||H|| = %.3g at the finest tolerance (K = %d)", R->max_resid,
                   R->f->resid_tol * R->normH, R->P.K);
  if (ok) R->tol_p = fmax(R->tol_p * 1e-2, floor_p);
  else R->want += nev_step(nev, b);
  if (R->want > R->L.ncv - 2 * b)
    return QB_FAIL(err, QB_NOT_CONVERGED, "filter: the nev = %ld pairs need more than %ld "
                   "converged values of p(H) (basis ncv = %ld): raise ncv or the width",
                   (long)nev, (long)(R->want - nev_step(nev, b)), (long)R->L.ncv);
  return QB_OK;
}

/* Block Lanczos on p(H), the Ritz values tested after every block once the basis holds the
 * wanted ones (the small eigenproblem costs far less than a block of p(H)), thick restart
 * when the basis is full. */
static qb_status iterate(filter_run *R, qb_eigs_result *res, qb_err *err) {
  const qb_idx b = R->L.b, ncv = R->L.ncv;
  double t0 = qb_eigs_now();
  QB_TRY(qb_filter_krylov_start(&R->L, R->o->seed, err));
  for (;;) {
    if (R->L.j == ncv) {
      if (R->info.restarts >= R->o->maxiter)
        return QB_FAIL(err, QB_NOT_CONVERGED, "filter: %d restarts without convergence (K = %d,"
                       " ncv = %ld); raise maxiter or ncv", R->o->maxiter, R->P.K, (long)ncv);
      /* thick restart: the wanted values and half the rest, leaving whole blocks */
      QB_TRY(qb_filter_krylov_ritz(&R->L, err));
      QB_TRY(qb_filter_krylov_restart(&R->L, ncv - (ncv - R->want + 2 * b - 1) / (2 * b) * b, err));
      R->info.restarts++;
    }
    QB_TRY(qb_filter_krylov_step(&R->L, apply_filter, &R->ctx, R->o->seed, &R->info.filter_applies,
                                 err));
    if (R->L.j < R->want + b) continue;
    QB_TRY(qb_filter_krylov_ritz(&R->L, err));
    if (!converged(R)) continue;
    int done = 0;
    R->info.t_lanczos += qb_eigs_now() - t0;
    QB_TRY(on_converged(R, res, &done, err));
    t0 = qb_eigs_now();
    if (done) return QB_OK;
  }
}

static qb_status check_request(const qb_op *H, const qb_eigs_opts *o, const qb_filter_opts *f,
                               qb_idx ncv, qb_err *err) {
  if (H->dtype != QB_REAL)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "filter: complex Hermitian operators are not "
                   "supported (real vectors only); use shift_invert");
  if (o->nev < 1 || o->nev > H->dim)
    return QB_FAIL(err, QB_ERR_INPUT, "filter: nev = %ld must be in [1, dim = %ld]", (long)o->nev,
                   (long)H->dim);
  if (o->target_is_density && !(o->target >= 0 && o->target <= 1))
    return QB_FAIL(err, QB_ERR_INPUT, "filter: energy density eps = %g must be in [0, 1]",
                   o->target);
  if (f->block < 1 || !(f->width > 0) || f->dos_vectors < 1 || f->dos_moments < 2)
    return QB_FAIL(err, QB_ERR_INPUT, "filter: block = %d, width = %g, dos_vectors = %d, "
                   "dos_moments = %d must be positive (moments >= 2)", f->block, f->width,
                   f->dos_vectors, f->dos_moments);
  if (ncv + f->block > H->dim || ncv < o->nev + 2 * (qb_idx)f->block + nev_step(o->nev, f->block))
    return QB_FAIL(err, QB_ERR_INPUT, "filter: basis ncv = %ld must exceed nev + 2 block + "
                   "max(nev/4, block) = %ld and fit the dimension %ld (use dense ED)", (long)ncv,
                   (long)(o->nev + 2 * f->block + nev_step(o->nev, f->block)), (long)H->dim);
  return QB_OK;
}

/* Density of states at sigma, degree, polynomial, basis and work vectors. */
static qb_status setup(filter_run *R, qb_err *err) {
  const qb_op *H = R->ctx.H;
  const qb_filter_opts *f = R->f;
  double t0 = qb_eigs_now();
  QB_TRY(qb_filter_dos(H, R->info.a, R->info.b, R->sigma, f->dos_vectors, f->dos_moments,
                       R->o->seed, &R->info.dos, &R->ctx.matvecs, err));
  R->info.t_dos = qb_eigs_now() - t0;
  R->info.degree = qb_filter_degree(f, R->info.a, R->info.b, R->sigma, R->info.dos, R->o->nev);
  QB_TRY(qb_filter_poly_make(R->info.a, R->info.b, R->sigma, R->info.degree, &R->P, err));
  R->ctx.P = &R->P;
  const size_t n = (size_t)H->dim;
  R->ctx.t1 = qb_malloc(n * sizeof(double));
  R->ctx.t2 = qb_malloc(n * sizeof(double));
  if (!R->ctx.t1 || !R->ctx.t2) return QB_FAIL(err, QB_ERR_NOMEM, "filter: work vectors");
  QB_TRY(qb_filter_krylov_alloc(H->dim, R->info.ncv, f->block, &R->L, err));
  R->want = R->o->nev + nev_step(R->o->nev, f->block);
  R->tol_p = fmax(R->o->tol, 10 * R->P.K * DBL_EPSILON);
  return QB_OK;
}

qb_status qb_filter_eigs(qb_op *H, const qb_eigs_opts *o, const qb_filter_opts *f,
                         qb_eigs_result **out, qb_filter_info *info, qb_err *err) {
  qb_filter_opts fdef;
  if (!f) { qb_filter_defaults(&fdef); f = &fdef; }
  *out = NULL;
  filter_run R;
  memset(&R, 0, sizeof R);
  R.o = o, R.f = f, R.ctx.H = H;
  R.info.ncv = qb_filter_ncv(o, f);
  R.info.bytes = qb_filter_bytes((double)H->dim, o, f);
  QB_TRY(check_request(H, o, f, R.info.ncv, err));
  double t0 = qb_eigs_now();
  qb_eigs_result *res = NULL;
  qb_status st = qb_eigs_result_alloc(H->dim, o->nev, QB_REAL, o->want_vectors, &res, err);
  if (st == QB_OK) {
    res->method = QB_EIGS_FILTER;
    st = target_and_bounds(H, &R, res, err);
    res->t_bounds = qb_eigs_now() - t0;
  }
  if (st == QB_OK) st = setup(&R, err);
  if (st == QB_OK) st = iterate(&R, res, err);
  R.info.want = R.want;
  R.info.matvecs = R.ctx.matvecs;
  if (res) {
    res->iterations = R.info.restarts;
    res->nsolves = R.info.filter_applies;
    res->t_iterate = R.info.t_lanczos + R.info.t_ritz;
    res->t_total = qb_eigs_now() - t0;
  }
  if (info) *info = R.info;
  qb_filter_krylov_clear(&R.L);
  qb_filter_poly_clear(&R.P);
  qb_free(R.ctx.t1);
  qb_free(R.ctx.t2);
  if (st != QB_OK) res = qb_eigs_result_free(res);
  *out = res;
  return st;
}
