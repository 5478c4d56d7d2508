/* spectrum_obs.c — the [eigen] keys and the eigenstate observables of the generic models
 * (see spectrum_obs.h for the two paths and what each column means). */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "models/shared/spectrum_obs.h"
#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/filter.h"
#include "qbath/level_stats.h"

/* What the [eigen] rows are bound to. */
typedef struct eigen_rows {
  qb_eigs_opts o;
  int method;    /* index of the method's choice */
  int backend;   /* index of the backend's choice */
  double window; /* dense path: middle fraction of the levels for <r> */
} eigen_rows;

const qb_key qb_eigen_keys[] = {
    {"eigen", "method", QB_KEY_ENUM, "auto", 0, -1, "auto|dense|shift_invert|none|filter", "",
     NULL,
     "eigenpairs by dense ED, by shift-invert, by the polynomial filter (no factorization), "
     "auto (dense up to dense_max_dim, shift-invert above, the filter when the factor would "
     "exceed [run] memory_limit), or none", 1, QB_FIELD(eigen_rows, method)},
    {"eigen", "nev", QB_KEY_INT, "50", 3, 100000, NULL, "", NULL,
     "eigenpairs nearest the target (shift-invert <r>; entropies on both paths)", 1,
     QB_FIELD(eigen_rows, o.nev)},
    {"eigen", "target", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "target energy density eps: sigma = E_min + eps (E_max - E_min)", 1,
     QB_FIELD(eigen_rows, o.target)},
    {"eigen", "window", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "dense path: middle fraction of all levels used for the gap ratio", 1,
     QB_FIELD(eigen_rows, window)},
    {"eigen", "dense_max_dim", QB_KEY_INT, "3000", 1, 100000, NULL, "", NULL,
     "method = auto: dense ED up to this dimension, shift-invert above", 0,
     QB_FIELD(eigen_rows, o.dense_max_dim)},
    {"eigen", "tol", QB_KEY_REAL, "1e-12", 0, 1e-3, NULL, "", NULL,
     "ARPACK relative tolerance of the shift-invert eigenvalues", 0, QB_FIELD(eigen_rows, o.tol)},
    {"eigen", "backend", QB_KEY_ENUM, "auto", 0, -1, "auto|mumps|umfpack", "", NULL,
     "shift-invert's sparse factorization: auto (MUMPS LDL^T for a real H where the build has "
     "it, UMFPACK LU otherwise; qbath info names them), mumps, or umfpack", 0,
     QB_FIELD(eigen_rows, backend)},
    QB_KEY_END};

/* Index of a backend choice: auto leaves qb_eigs_opts.backend NULL (the default). */
static const qb_factor_type *const backends[] = {NULL, &qb_factor_mumps, &qb_factor_umfpack};

static const qb_eigs_method methods[] = {QB_EIGS_AUTO, QB_EIGS_DENSE, QB_EIGS_SHIFT_INVERT,
                                         QB_EIGS_AUTO, QB_EIGS_FILTER};
enum { METHOD_NONE = 3 }; /* index of "none" in the method enum */

double qb_spectrum_obs_memory_limit(const qb_params *p) {
  double gib = qb_param_real(p, "run", "memory_limit");
  if (gib > 0) return gib * 1073741824.0;
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? 0.8 * (double)pages * (double)size : 0;
}

static eigen_rows read_rows(const qb_params *p) {
  eigen_rows r;
  memset(&r, 0, sizeof r);
  qb_eigs_defaults(&r.o);
  qb_param_fill(p, qb_eigen_keys, &r);
  r.o.method = methods[r.method];
  r.o.backend = backends[r.backend];
  /* every method that factorizes refuses past the limit, from the backend's own analysis
   * (MUMPS: INFOG(17)) before the numeric factorization; auto then takes the filter */
  r.o.factor.mem_limit = qb_spectrum_obs_memory_limit(p);
  return r;
}

int qb_spectrum_obs_enabled(const qb_params *p) { return read_rows(p).method != METHOD_NONE; }

qb_idx qb_spectrum_obs_nev(const qb_params *p) { return read_rows(p).o.nev; }

static void opts_from_params(const qb_params *p, qb_eigs_opts *o, double *window) {
  const eigen_rows r = read_rows(p);
  *o = r.o;
  *window = r.window;
}

void qb_spectrum_obs_eigs_opts(const qb_params *p, qb_eigs_opts *o) {
  double window;
  opts_from_params(p, o, &window);
}

qb_status qb_spectrum_obs_init(const qb_params *p, int entropy, qb_idx dim, int is_complex,
                               const qb_named_ops *ops, qb_spectrum_obs *s, qb_layout *L,
                               qb_err *err) {
  memset(s, 0, sizeof *s);
  s->enabled = qb_spectrum_obs_enabled(p);
  opts_from_params(p, &s->opts,
                   &s->window); /* also with none: the options of the shared eigs cache */
  if (!s->enabled) return QB_OK;
  s->entropy = entropy;
  s->col_r =
      qb_layout_add(L, "gap_ratio", 1, NULL,
                    "mean gap ratio <r> (dense: middle window; shift-invert: nev levels)", 1);
  s->col_emin = qb_layout_add(L, "e_min", 1, NULL, "lowest eigenvalue", 0);
  s->col_emax = qb_layout_add(L, "e_max", 1, NULL, "highest eigenvalue", 0);
  s->col_rnev = qb_layout_add(L, "gap_ratio_nev", 1, NULL, "<r> over the nev levels nearest the "
                              "target: the same levels on the dense and shift-invert paths", 0);
  s->col_svn = s->col_s2 = -1;
  if (entropy) {
    s->col_svn = qb_layout_add(
        L, "s_vn", 1, NULL, "von Neumann entanglement entropy, mean over the nev eigenstates", 1);
    s->col_s2 = qb_layout_add(L, "s_renyi2", 1, NULL, "Renyi-2 entropy, same states", 0);
  }
  if (s->col_r < 0 || s->col_emax < 0 || s->col_rnev < 0 || (entropy && s->col_s2 < 0))
    return QB_FAIL(err, QB_ERR_INPUT, "spectrum observables: the result layout is full");
  return qb_state_out_init(p, s->opts.nev, dim, is_complex, entropy, ops, &s->states, L, err);
}

void qb_spectrum_obs_clear(qb_spectrum_obs *s) { qb_state_out_clear(&s->states); }

/* 1 when o's shift-invert of a real H factorizes with MUMPS (the default where built in). */
static int on_mumps(const qb_eigs_opts *o, int is_complex) {
  const qb_factor_type *t = o->backend ? o->backend : qb_factor_default_type(QB_REAL);
  return !is_complex && t == &qb_factor_mumps;
}

/* Shift-invert's bytes (see qb_spectrum_obs_eigs_cost), elements of el bytes. The factor:
 * MUMPS LDL^T by its own analysis (INFOG(17), peak of factor and work space) on the Sz = 0
 * chains, 57 MB at L = 16 (n = 12870), 589 MB at L = 18 (48620), 6.19 GB at L = 20
 * (184756): 3.25 n^1.76 bytes (within 2% at these three; issue 21), at most the dense
 * LDL^T; UMFPACK's LU measured as below. Then the Lanczos basis: the block Krylov-Schur's
 * max(3 nev, nev + 40) + 8 vectors (ARPACK's 2 nev + 20 fewer) and the nev Ritz vectors,
 * and the CSR. */
static double si_bytes(const qb_eigs_opts *o, double dim, double nnz, int is_complex) {
  const double el = is_complex ? 16 : 8, nev = (double)o->nev;
  double factor = on_mumps(o, is_complex) ? fmin(3.25 * pow(dim, 1.76), 4 * dim * dim)
                                          : fmin(4 * pow(dim, 1.8) * el / 8, 2 * el * dim * dim);
  double ncv = is_complex || o->block <= 1 ? 2 * nev + 20 : fmax(3 * nev, nev + 40) + 8;
  return factor + el * dim * (ncv + nev) + 24 * nnz;
}

void qb_spectrum_obs_eigs_cost(const qb_eigs_opts *o, double dim, double nnz, int is_complex,
                               int vectors, qb_estimate *e) {
  if (qb_eigs_cache_uses_dense(o, dim)) {
    /* the CSR matrix, its dense copy and LAPACK's eigensolver (qb_dense_eigh_bytes) */
    e->bytes += 24 * nnz + qb_dense_eigh_bytes(is_complex ? QB_COMPLEX : QB_REAL, dim, vectors);
    e->flops += 16.0 / 3.0 * dim * dim * dim;
  } else if (o->method == QB_EIGS_FILTER ||
             (o->method == QB_EIGS_AUTO && o->factor.mem_limit > 0 && !is_complex &&
              si_bytes(o, dim, nnz, is_complex) > o->factor.mem_limit)) {
    /* The filter: its Lanczos basis (qbath/filter.h; the degree K costs time, not memory)
     * and the CSR; matvecs ~ 25 dim (2.3 (5/4) 2 pi h rho(sigma), with h rho ~ dim for
     * many-body spectra; docs/filter.md), two flops per nonzero each. */
    qb_filter_opts f;
    qb_eigs_opts fo = *o;
    qb_filter_defaults(&f);
    fo.want_vectors = vectors;
    e->bytes += qb_filter_bytes(dim, &fo, &f) + 24 * nnz;
    e->flops += 50 * nnz * dim;
  } else {
    /* The factor of H - sigma at its peak (MUMPS: see si_bytes; UMFPACK's LU and work space
     * measured on the Sz = 0 Heisenberg chains, peak RSS less the process, 10.7 MB at
     * L = 14 (n = 3432), 100 MB at L = 16 (12870), 1.3 GB at L = 18 (48620, docs/eigen.md),
     * 15 GB at L = 20 (184756): ~4 n^1.8 bytes (within 25%), at most a dense LU; other
     * sparsity patterns fill differently, a banded matrix far less), the basis, the CSR. */
    double ncv = 2.0 * (double)o->nev + 20;
    e->bytes += si_bytes(o, dim, nnz, is_complex);
    e->ranks_share = on_mumps(o, is_complex) && qb_factor_mumps_mpi();
    e->flops += 100 * nnz * sqrt(dim) + 40 * ncv * dim * (double)o->nev;
  }
}

qb_eigs_cache *qb_spectrum_obs_cache(const qb_spectrum_obs *s, const qb_csr *A, const qb_task *t,
                                     qb_err *err) {
  qb_eigs_opts o = s->opts;
  o.factor.mpi_comm = t->mpi_comm;
  return qb_eigs_cache_create(A, &o, err);
}

qb_status qb_spectrum_obs_estimate(const qb_params *p, double dim, double nnz, int is_complex,
                                   int entropy, const qb_named_ops *ops, qb_estimate *e,
                                   qb_err *err) {
  qb_eigs_opts o;
  e->bytes = e->flops = 0;
  if (!qb_spectrum_obs_enabled(p)) return QB_OK;
  qb_spectrum_obs_eigs_opts(p, &o);
  QB_TRY(qb_state_out_guard(p, (double)o.nev, dim, is_complex, err));
  /* the columns, laid out by the point's own code on a scratch layout (the state axis is
   * the one allocation, freed) */
  qb_spectrum_obs s;
  qb_layout L;
  memset(&L, 0, sizeof L);
  QB_TRY(qb_spectrum_obs_init(p, entropy, (qb_idx)dim, is_complex, ops, &s, &L, err));
  e->row_values += (double)qb_layout_row_len(&L);
  const int vectors = qb_state_out_needs_vectors(&s.states);
  qb_spectrum_obs_clear(&s);
  qb_spectrum_obs_eigs_cost(&o, dim, nnz, is_complex, vectors, e);
  return QB_OK;
}

/* The per-state columns and the mean entropies from the eigenpairs r. */
static qb_status fill_states(const qb_spectrum_obs *s, const qb_eigs_result *r,
                             const qb_bipartition *bip, const qb_named_set *O, double *row,
                             qb_err *err) {
  double svn = 0, s2 = 0;
  QB_TRY(qb_state_out_fill(&s->states, r, bip, O, row, &svn, &s2, err));
  if (s->entropy) row[s->col_svn] = svn, row[s->col_s2] = s2;
  return QB_OK;
}

/* First of the nev ascending levels nearest sigma (they are contiguous): slide the window
 * right while its right neighbour is nearer sigma than its left end. */
static qb_idx nearest_window(const double *E, qb_idx n, qb_idx nev, double sigma) {
  qb_idx lo = 0;
  while (lo + nev < n && fabs(E[lo + nev] - sigma) < fabs(E[lo] - sigma)) lo++;
  return lo;
}

void qb_spectrum_obs_need(const qb_spectrum_obs *s, qb_eigs_cache *c) {
  if (!s->enabled) return;
  const int vec = qb_state_out_needs_vectors(&s->states);
  unsigned need = qb_eigs_cache_dense(c) ? QB_EIGS_NEED_VALUES : QB_EIGS_NEED_TARGET;
  if (vec || s->states.pairs != QB_PAIRS_NONE) need |= QB_EIGS_NEED_TARGET;
  if (vec) need |= QB_EIGS_NEED_VECTORS;
  qb_eigs_cache_need(c, need);
}

/* Dense path: <r> over the middle window of all levels and the exact bounds; the per-state
 * output over the nev eigenstates nearest the target. Shift-invert: all from those nev
 * pairs. gap_ratio_nev: the same nev levels on both paths. */
qb_status qb_spectrum_obs_compute(const qb_spectrum_obs *s, qb_eigs_cache *c,
                                  const qb_bipartition *bip, const qb_named_set *O, double *row,
                                  qb_err *err) {
  if (!s->enabled) return QB_OK;
  qb_idx n = qb_eigs_cache_dim(c);
  if (s->opts.nev > n)
    return QB_FAIL(err, QB_ERR_INPUT, "[eigen] nev = %lld exceeds the dimension %lld",
                   (long long)s->opts.nev, (long long)n);
  const qb_eigs_result *r = NULL;
  if (qb_eigs_cache_dense(c)) {
    QB_TRY(qb_eigs_cache_get(c, QB_EIGS_NEED_VALUES, &r, err));
    qb_idx lo = (qb_idx)floor(0.5 * (1 - s->window) * (double)n);
    row[s->col_r] = qb_level_stats_gap_ratio_mean(r->E, n, 1, lo, n - lo, NULL);
    const double sigma = r->E[0] + s->opts.target * (r->E[n - 1] - r->E[0]);
    const qb_idx w = nearest_window(r->E, n, s->opts.nev, sigma);
    row[s->col_rnev] =
        qb_level_stats_gap_ratio_mean(r->E + w, s->opts.nev, 1, 0, s->opts.nev, NULL);
  } else {
    QB_TRY(qb_eigs_cache_get(c, QB_EIGS_NEED_TARGET, &r, err));
    row[s->col_r] = qb_level_stats_gap_ratio_mean(r->E, r->nev, 1, 0, r->nev, NULL);
    row[s->col_rnev] = row[s->col_r];
  }
  row[s->col_emin] = r->emin;
  row[s->col_emax] = r->emax;
  const int vec = qb_state_out_needs_vectors(&s->states);
  if (!vec && s->states.pairs == QB_PAIRS_NONE) return QB_OK;
  QB_TRY(qb_eigs_cache_get(c, QB_EIGS_NEED_TARGET | (vec ? QB_EIGS_NEED_VECTORS : 0), &r, err));
  return fill_states(s, r, bip, O, row, err);
}
