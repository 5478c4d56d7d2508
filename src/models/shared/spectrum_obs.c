/* spectrum_obs.c — the [eigen] keys and the eigenstate observables of the generic models
 * (see spectrum_obs.h for the two paths and what each column means). */
#include <math.h>
#include <string.h>

#include "models/shared/spectrum_obs.h"
#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/level_stats.h"

const qb_key qb_eigen_keys[] = {
    {"eigen", "method", QB_KEY_ENUM, "auto", 0, -1, "auto|dense|shift_invert|none", "", NULL,
     "eigenpairs by dense ED, by shift-invert, dense up to dense_max_dim, or none", 1},
    {"eigen", "nev", QB_KEY_INT, "50", 3, 100000, NULL, "", NULL,
     "eigenpairs nearest the target (shift-invert <r>; entropies on both paths)", 1},
    {"eigen", "target", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "target energy density eps: sigma = E_min + eps (E_max - E_min)", 1},
    {"eigen", "window", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "dense path: middle fraction of all levels used for the gap ratio", 1},
    {"eigen", "dense_max_dim", QB_KEY_INT, "3000", 1, 100000, NULL, "", NULL,
     "method = auto: dense ED up to this dimension, shift-invert above", 0},
    {"eigen", "tol", QB_KEY_REAL, "1e-12", 0, 1e-3, NULL, "", NULL,
     "ARPACK relative tolerance of the shift-invert eigenvalues", 0},
    QB_KEY_END};

static const qb_eigs_method methods[] = {QB_EIGS_AUTO, QB_EIGS_DENSE, QB_EIGS_SHIFT_INVERT};
enum { METHOD_NONE = 3 }; /* index of "none" in the method enum */

int qb_spectrum_obs_enabled(const qb_params *p) {
  return qb_param_enum(p, "eigen", "method") != METHOD_NONE;
}

static void opts_from_params(const qb_params *p, qb_eigs_opts *o, double *window) {
  qb_eigs_opts_default(o);
  int m = (int)qb_param_enum(p, "eigen", "method");
  o->method = m == METHOD_NONE ? QB_EIGS_AUTO : methods[m];
  o->nev = (qb_idx)qb_param_int(p, "eigen", "nev");
  o->target = qb_param_real(p, "eigen", "target");
  o->dense_max_dim = (qb_idx)qb_param_int(p, "eigen", "dense_max_dim");
  o->tol = qb_param_real(p, "eigen", "tol");
  *window = qb_param_real(p, "eigen", "window");
}

void qb_spectrum_obs_eigs_opts(const qb_params *p, qb_eigs_opts *o) {
  double window;
  opts_from_params(p, o, &window);
}

int qb_spectrum_obs_uses_dense(const qb_eigs_opts *o, double dim) {
  return o->method == QB_EIGS_DENSE || (o->method == QB_EIGS_AUTO && dim <= (double)o->dense_max_dim);
}

qb_status qb_spectrum_obs_init(const qb_params *p, int entropy, qb_spectrum_obs *s,
                               qb_layout *L, qb_err *err) {
  memset(s, 0, sizeof *s);
  s->enabled = qb_spectrum_obs_enabled(p);
  if (!s->enabled) return QB_OK;
  opts_from_params(p, &s->opts, &s->window);
  s->entropy = entropy;
  s->col_r = qb_layout_add(L, "gap_ratio", 1, NULL,
                           "mean gap ratio <r> (dense: middle window; shift-invert: nev levels)", 1);
  s->col_emin = qb_layout_add(L, "e_min", 1, NULL, "lowest eigenvalue", 0);
  s->col_emax = qb_layout_add(L, "e_max", 1, NULL, "highest eigenvalue", 0);
  s->col_svn = s->col_s2 = -1;
  if (entropy) {
    s->col_svn = qb_layout_add(L, "s_vn", 1, NULL,
                               "von Neumann entanglement entropy, mean over the nev eigenstates", 1);
    s->col_s2 = qb_layout_add(L, "s_renyi2", 1, NULL, "Renyi-2 entropy, same states", 0);
  }
  if (s->col_r < 0 || s->col_emax < 0 || (entropy && s->col_s2 < 0))
    return QB_FAIL(err, QB_ERR_INPUT, "spectrum observables: the result layout is full");
  return QB_OK;
}

void qb_spectrum_obs_eigs_cost(const qb_eigs_opts *o, double dim, double nnz, qb_estimate *e) {
  if (qb_spectrum_obs_uses_dense(o, dim)) {
    e->bytes += 16 * dim * dim * 1.1 + 24 * nnz;
    e->flops += 16.0 / 3.0 * dim * dim * dim;
  } else {
    /* The factor of H - sigma: fill of a few hundred times nnz for the spin chains
     * measured by bench eigs (L = 18: ~150 nnz(H)); Lanczos basis of 2 nev + 20 vectors. */
    double ncv = 2.0 * (double)o->nev + 20;
    e->bytes += 300 * 16 * nnz + 16 * dim * (ncv + (double)o->nev) + 24 * nnz;
    e->flops += 100 * nnz * sqrt(dim) + 40 * ncv * dim * (double)o->nev;
  }
}

void qb_spectrum_obs_estimate(const qb_params *p, double dim, double nnz, qb_estimate *e) {
  qb_eigs_opts o;
  e->bytes = e->flops = 0;
  if (!qb_spectrum_obs_enabled(p)) return;
  qb_spectrum_obs_eigs_opts(p, &o);
  qb_spectrum_obs_eigs_cost(&o, dim, nnz, e);
}

/* Mean entropies over the eigenvectors of r. */
static qb_status mean_entropy(const qb_eigs_result *r, const qb_bipartition *bip, double *svn,
                              double *s2, qb_err *err) {
  size_t vsize = qb_dtype_size(r->dtype) * (size_t)r->dim;
  double a = 0, b = 0;
  for (qb_idx j = 0; j < r->nev; j++) {
    double v, w;
    QB_TRY(qb_entanglement(bip, r->dtype, (const char *)r->V + (size_t)j * vsize, &v, &w, err));
    a += v, b += w;
  }
  *svn = a / (double)r->nev;
  *s2 = b / (double)r->nev;
  return QB_OK;
}

/* Dense path: all eigenvalues for <r> and the bounds; the nev nearest the target (with
 * vectors) only when entropies are wanted. */
static qb_status dense_path(const qb_spectrum_obs *s, const qb_csr *A, const qb_bipartition *bip,
                            double *row, qb_err *err) {
  qb_idx n = A->nrows;
  void *D = qb_malloc(qb_dtype_size(A->dtype) * (size_t)(n * n));
  double *E = qb_malloc(sizeof(double) * (size_t)n);
  qb_status st = (D && E) ? QB_OK
                          : QB_FAIL(err, QB_ERR_NOMEM, "dense ED: no memory for dimension %lld", (long long)n);
  if (st == QB_OK) st = qb_csr_to_dense(A, D, err);
  if (st == QB_OK) st = qb_dense_eigh(A->dtype, n, D, E, 0, err);
  if (st == QB_OK) {
    qb_idx lo = (qb_idx)floor(0.5 * (1 - s->window) * (double)n);
    row[s->col_r] = qb_gap_ratio_mean(E, n, 1, lo, n - lo, NULL);
    row[s->col_emin] = E[0];
    row[s->col_emax] = E[n - 1];
  }
  qb_free(D);
  qb_free(E);
  if (st != QB_OK || !s->entropy) return st;
  qb_eigs_opts o = s->opts;
  o.method = QB_EIGS_DENSE;
  o.have_bounds = 1, o.emin = row[s->col_emin], o.emax = row[s->col_emax];
  qb_eigs_result *r = NULL;
  st = qb_eigs_csr(A, &o, NULL, &r, err);
  if (st == QB_OK) st = mean_entropy(r, bip, &row[s->col_svn], &row[s->col_s2], err);
  qb_eigs_result_free(r);
  return st;
}

static qb_status shift_invert_path(const qb_spectrum_obs *s, const qb_csr *A,
                                   const qb_bipartition *bip, double *row, qb_err *err) {
  qb_eigs_opts o = s->opts;
  o.method = QB_EIGS_SHIFT_INVERT;
  o.want_vectors = s->entropy;
  qb_eigs_result *r = NULL;
  qb_status st = qb_eigs_csr(A, &o, NULL, &r, err);
  if (st == QB_OK) {
    row[s->col_r] = qb_gap_ratio_mean(r->E, r->nev, 1, 0, r->nev, NULL);
    row[s->col_emin] = r->emin;
    row[s->col_emax] = r->emax;
    if (s->entropy) st = mean_entropy(r, bip, &row[s->col_svn], &row[s->col_s2], err);
  }
  qb_eigs_result_free(r);
  return st;
}

qb_status qb_spectrum_obs_compute(const qb_spectrum_obs *s, const qb_csr *A,
                                  const qb_bipartition *bip, double *row, qb_err *err) {
  if (!s->enabled) return QB_OK;
  if (s->opts.nev > A->nrows)
    return QB_FAIL(err, QB_ERR_INPUT, "[eigen] nev = %lld exceeds the dimension %lld",
                   (long long)s->opts.nev, (long long)A->nrows);
  return qb_spectrum_obs_uses_dense(&s->opts, (double)A->nrows) ? dense_path(s, A, bip, row, err)
                                                 : shift_invert_path(s, A, bip, row, err);
}
