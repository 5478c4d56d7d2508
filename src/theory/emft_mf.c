/* emft_mf.c — the mean-field self-consistency g_n = g_{n,0} exp((1/2) sum_{m != n}
 * eta(g_m)) (Crowley & Chandran 2022 Eq. (11)), solved in l_n = log g_n, and the symmetric model
 * (Eqs. (21),
 * (22)).
 *
 * Both methods converge monotonically upward from the bare couplings to the minimal
 * fixed point (the right-hand side is increasing in every g_m), which is the solution
 * the paper's iteration (13) reaches:
 *   REDUCED  with T = sum_m eta(g_m), each l_n solves l_n + eta(l_n)/2 = l_{n,0} + T/2
 *            (left side strictly increasing: one root, safeguarded Newton), and
 *            T <- F(T) = sum_n eta(l_n(T)) from T = 0. Stops when the extrapolated
 *            remaining change dT / (1 - r) (r = ratio of successive changes) is below tol.
 *   JACOBI   Crowley & Chandran 2022 Eq. (13) with damping: l <- (1 - d) l + d (l_0 + (T -
 *            eta(l))/2). */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/emft.h"

qb_emft_mf_opts qb_emft_mf_defaults(void) {
  qb_emft_mf_opts o = {.method = QB_EMFT_MF_REDUCED, .damping = 1.0, .tol = 1e-12,
                       .max_iter = 100000, .aval_frac = 0.5, .therm_frac = 0.5, .nthreads = 1};
  return o;
}

/* Root of l + eta(l)/2 = c, bracketed by [c - log2/2, c] since 0 <= eta <= log 2. */
static double solve_one(const qb_emft_table *t, double c, double guess) {
  if (c < QB_EMFT_LOG_G_ZERO) return c; /* eta(c) = 0 exactly: l = c is the root */
  double lo = c - M_LN2 / 2 - 1e-12, hi = c + 1e-12, l = guess;
  if (!(l > lo && l < hi)) l = c - qb_emft_table_eta(t, c, NULL) / 2;
  for (int it = 0; it < 60; it++) {
    double d, f = l + qb_emft_table_eta(t, l, &d) / 2 - c;
    if (f > 0) hi = l;
    else lo = l;
    double step = f / (1 + d / 2), ln = l - step;
    if (!(ln > lo && ln < hi)) ln = 0.5 * (lo + hi);
    if (fabs(ln - l) <= 1e-15 * fmax(1, fabs(l))) return ln;
    l = ln;
  }
  return l;
}

/* Avalanche: every *coupled* spin (l0 > -inf) thermalized; a decoupled spin can never be. */
static void finish(const qb_emft_table *t, qb_idx n, const double *l0, const double *l,
                   const qb_emft_mf_opts *o, qb_emft_mf_result *res) {
  double tot = 0, ssum = 0, eta_min = INFINITY;
  qb_idx nt = 0;
  for (qb_idx k = 0; k < n; k++) {
    double e = qb_emft_table_eta(t, l[k], NULL),
           s = l[k] == -INFINITY ? 0 : qb_emft_table_S(t, l[k]);
    tot += e;
    ssum += s;
    if (l0[k] > -INFINITY && e < eta_min) eta_min = e;
    if (s >= o->therm_frac * M_LN2) nt++;
  }
  res->eta_tot = tot;
  res->S_sum = ssum;
  res->n_therm = nt;
  res->avalanched = eta_min < INFINITY && eta_min >= o->aval_frac * M_LN2;
}

static qb_status check(qb_idx n, const double *l0, const qb_emft_mf_opts *o, qb_err *err) {
  if (n < 1)
    return QB_FAIL(err, QB_ERR_INPUT, "emft mean field: N = %lld spins (need >= 1)", (long long)n);
  if (!(o->damping > 0 && o->damping <= 1) || !(o->tol > 0) || o->max_iter < 1)
    return QB_FAIL(err, QB_ERR_INPUT,
                   "emft mean field: damping = %g (0, 1], tol = %g, max_iter = %ld invalid",
                   o->damping, o->tol, o->max_iter);
  for (qb_idx k = 0; k < n; k++)
    if (isnan(l0[k]) || l0[k] == INFINITY)
      return QB_FAIL(err, QB_ERR_INPUT, "emft mean field: log g_{%lld,0} = %g", (long long)k,
                     l0[k]);
  return QB_OK;
}

/* One sweep of REDUCED at a given T: every l_n, and F(T) = sum_n eta(l_n). The spins are
 * cut into fixed blocks whose partial sums are added in block order, so F (and hence
 * every iterate) is the same on any number of threads. Blocks are dealt round-robin:
 * the work sits in the strongly coupled spins (in the DRH profile the first few thousand;
 * beyond, g underflows and a spin costs nothing), so contiguous halves would idle a thread. */
enum { MF_BLOCK = 256 };

static double reduced_sweep(const qb_emft_table *t, qb_idx n, const double *l0, double *l, double T,
                            int nthreads, double *partial) {
  qb_idx nb = (n + MF_BLOCK - 1) / MF_BLOCK;
#pragma omp parallel for num_threads(nthreads) schedule(static, 1) if (nthreads > 1 && nb > 1) \
    default(none) shared(t, n, l0, l, T, partial, nb)
  for (qb_idx b = 0; b < nb; b++) {
    double F = 0;
    qb_idx hi = (b + 1) * MF_BLOCK < n ? (b + 1) * MF_BLOCK : n;
    for (qb_idx k = b * MF_BLOCK; k < hi; k++) {
      if (l0[k] == -INFINITY) continue;
      l[k] = solve_one(t, l0[k] + T / 2, l[k]);
      F += qb_emft_table_eta(t, l[k], NULL);
    }
    partial[b] = F;
  }
  double F = 0;
  for (qb_idx b = 0; b < nb; b++) F += partial[b];
  return F;
}

static qb_status solve_reduced(const qb_emft_table *t, qb_idx n, const double *l0, double *l,
                               const qb_emft_mf_opts *o, qb_emft_mf_result *res, double *partial) {
  double T = 0, dprev = NAN;
  int nthreads = o->nthreads > 1 ? o->nthreads : 1;
  for (qb_idx k = 0; k < n; k++) l[k] = l0[k];
  for (long it = 1; it <= o->max_iter; it++) {
    double F = reduced_sweep(t, n, l0, l, T, nthreads, partial);
    double d = F - T, r = isnan(dprev) || dprev <= 0 ? 0 : d / dprev;
    double remaining = r < 1 ? fabs(d) / (1 - r) : INFINITY;
    T = F;
    res->iterations = it;
    if (remaining <= o->tol * fmax(1, T) || d <= 0) {
      res->converged = 1;
      return QB_OK;
    }
    dprev = d;
  }
  return QB_NOT_CONVERGED;
}

static qb_status solve_jacobi(const qb_emft_table *t, qb_idx n, const double *l0, double *l,
                              const qb_emft_mf_opts *o, qb_emft_mf_result *res, double *eta) {
  for (qb_idx k = 0; k < n; k++) l[k] = l0[k];
  for (long it = 1; it <= o->max_iter; it++) {
    double T = 0, change = 0;
    for (qb_idx k = 0; k < n; k++) {
      eta[k] = qb_emft_table_eta(t, l[k], NULL);
      T += eta[k];
    }
    for (qb_idx k = 0; k < n; k++) {
      if (l0[k] == -INFINITY) continue;
      double ln = (1 - o->damping) * l[k] + o->damping * (l0[k] + (T - eta[k]) / 2);
      change = fmax(change, fabs(ln - l[k]));
      l[k] = ln;
    }
    res->iterations = it;
    if (change <= o->tol) {
      res->converged = 1;
      return QB_OK;
    }
  }
  return QB_NOT_CONVERGED;
}

qb_status qb_emft_mf_solve(const qb_emft_table *t, qb_idx n, const double *l0, double *l,
                           const qb_emft_mf_opts *o, qb_emft_mf_result *res, qb_err *err) {
  QB_TRY(check(n, l0, o, err));
  memset(res, 0, sizeof *res);
  qb_status st;
  if (o->method == QB_EMFT_MF_JACOBI) {
    double *eta = qb_malloc(sizeof(double) * (size_t)n);
    if (!eta)
      return QB_FAIL(err, QB_ERR_NOMEM, "emft mean field: out of memory (N = %lld)", (long long)n);
    st = solve_jacobi(t, n, l0, l, o, res, eta);
    qb_free(eta);
  } else {
    double *partial = qb_malloc(sizeof(double) * (size_t)((n + MF_BLOCK - 1) / MF_BLOCK));
    if (!partial)
      return QB_FAIL(err, QB_ERR_NOMEM, "emft mean field: out of memory (N = %lld)", (long long)n);
    st = solve_reduced(t, n, l0, l, o, res, partial);
    qb_free(partial);
  }
  finish(t, n, l0, l, o, res);
  if (st != QB_OK)
    return QB_FAIL(err, st, "emft mean field: not converged after %ld iterations (eta_tot = %g)",
                   res->iterations, res->eta_tot);
  return QB_OK;
}

/* Symmetric model: smallest root of h(l) = l0 + (N - 1) eta(l)/2 - l >= ... h(l0) >= 0;
 * scan upward in steps of `step` until h < 0, then bisect. */
qb_status qb_emft_mf_symmetric(const qb_emft_table *t, qb_idx n, double l0, double *l,
                               qb_err *err) {
  if (n < 1 || !isfinite(l0))
    return QB_FAIL(err, QB_ERR_INPUT, "emft symmetric: N = %lld, log g0 = %g invalid", (long long)n,
                   l0);
  double k = 0.5 * (double)(n - 1), step = 1e-3, a = l0, b = l0;
  double lmax = l0 + k * M_LN2 + 1; /* h < 0 beyond: eta <= log 2 */
  for (;;) {
    b = a + step;
    if (l0 + k * qb_emft_table_eta(t, b, NULL) - b < 0) break;
    a = b;
    if (a > lmax) return QB_FAIL(err, QB_ERR_NUMERIC, "emft symmetric: no root below %g", lmax);
    step *= 1.0 + 1e-3; /* the scan grows slowly so avalanching roots (l ~ N log 2/2) are reached */
  }
  for (int it = 0; it < 200 && b - a > 1e-15 * fmax(1, fabs(a)); it++) {
    double m = 0.5 * (a + b);
    if (l0 + k * qb_emft_table_eta(t, m, NULL) - m < 0) b = m;
    else a = m;
  }
  *l = 0.5 * (a + b);
  return QB_OK;
}

/* g0_c: the local maximum of m(l) = l - (N - 1) eta(l)/2 (the saddle-node of Crowley & Chandran
 * 2022 Eq. (21));
 * for g0 above it the minimal root jumps to the avalanching branch. Found as the first
 * zero of m'(l) = 1 - (N - 1) eta'(l)/2 scanning up from l = -60, refined by bisection.
 * *gc = e^{m(l_c)}; *g_at_c (may be NULL) = e^{l_c}, the enhanced coupling there. */
qb_status qb_emft_symmetric_gc(const qb_emft_table *t, qb_idx n, double *gc, double *gstar,
                               qb_err *err) {
  if (n < 2)
    return QB_FAIL(err, QB_ERR_INPUT, "emft symmetric: g_c needs N >= 2 (got %lld)", (long long)n);
  double k = 0.5 * (double)(n - 1), a = -60, b = a, d;
  for (;;) {
    b = a + 1e-3;
    qb_emft_table_eta(t, b, &d);
    if (1 - k * d < 0) break;
    a = b;
    if (a > 10)
      return QB_FAIL(err, QB_ERR_NUMERIC, "emft symmetric: no saddle-node found (N = %lld)",
                     (long long)n);
  }
  for (int it = 0; it < 200 && b - a > 1e-14; it++) {
    double m = 0.5 * (a + b);
    qb_emft_table_eta(t, m, &d);
    if (1 - k * d < 0) b = m;
    else a = m;
  }
  double lc = 0.5 * (a + b);
  *gc = exp(lc - k * qb_emft_table_eta(t, lc, NULL));
  if (gstar) *gstar = exp(lc);
  return QB_OK;
}
