/* dynamics.c — time-domain observables of the generic models: survival probability of a
 * random, Neel or basis state, and the infinite-temperature sigma^z autocorrelation by
 * typicality, on the [evolve] time grid (models/shared/dynamics.h).
 *
 * survival_eig is the one quantity computed by both engines of qbath from the same
 * realization and the same initial state: the propagator gives P(t) = |<psi0|e^{-iHt}|psi0>|^2
 * directly, the eigen-engine gives it from the spectral measure w_a = |<a|psi0>|^2 as
 * |sum_a w_a e^{-i E_a t}|^2 (qbath/survival.h). With all eigenpairs (dense) the two agree
 * to the propagator's tolerance; with the nev shift-invert pairs nearest the target the
 * measure is truncated, and survival_eig_weight = sum_a w_a < 1 says by how much. */
#include "models/shared/dynamics.h"

#include <cblas.h>

#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/bounds.h"
#include "qbath/diagobs.h"
#include "qbath/dynobs.h"
#include "qbath/eigs.h"
#include "qbath/spin_op.h"
#include "qbath/survival.h"
#include "qbath/vecfile.h"
#include "models/shared/spectrum_obs.h"

/* Philox purpose of a realization's random initial state (disjoint from the models'
 * disorder streams 0 .. 64; the typical states use qbath/dynobs.h's own purposes). */
enum { PURPOSE_INITIAL = 0x4000 };

/* What the scalar rows below are bound to (observe, a list, is read by hand). */
typedef struct dyn_rows {
  const char *initial, *op; /* [evolve] initial, operator */
  qb_idx basis_state;
  int site, samples;
} dyn_rows;

const qb_key qb_dynamics_keys[] = {
    {"evolve", "observe", QB_KEY_STRING_LIST, "", 0, -1, NULL, "", NULL,
     "time-domain observables: survival (P(t) of the initial state), survival_eig (the same "
     "P(t) from the [eigen] eigenpairs: all of them when dense, nev by shift-invert), autocorr "
     "(infinite-"
     "temperature <O(t) O> of the operator, spins only), spectral (its spectral function "
     "by the [spectral] method: signal or lehmann), expect (<O(t)> of every [observables] "
     "operator from the initial state), diagonal (their diagonal-ensemble values from the "
     "[eigen] eigenpairs), imbalance (I(t) = (1/L) sum_j z_j(0) <sigma^z_j(t)> of the product "
     "initial state), magnetization (<sigma^z_j(t)> of every site, row-major [t][j])",
     0},
    {"evolve", "initial", QB_KEY_STRING, "random", 0, -1, NULL, "", NULL,
     "initial state: random (complex Gaussian), neel (|udud...>, spins), basis (basis_state), "
     "a product state of u/d per site, site 0 first ('uudd...', spins), or a vector file "
     "(name.npy; name.h5:/dataset of n reals or shape (n, 2) re, im)",
     1, QB_FIELD(dyn_rows, initial)},
    {"evolve", "operator", QB_KEY_STRING, "", 0, -1, NULL, "", NULL,
     "autocorr and spectral: an operator named in [observables] (default: sigma^z at site)", 1,
     QB_FIELD(dyn_rows, op)},
    {"evolve", "basis_state", QB_KEY_INT, "0", 0, 1e18, NULL, "", NULL,
     "initial = basis: index of the basis state", 1, QB_FIELD(dyn_rows, basis_state)},
    {"evolve", "site", QB_KEY_INT, "-1", -1, 1000, NULL, "", NULL,
     "autocorr: site of sigma^z (-1: the chain's centre L/2)", 1, QB_FIELD(dyn_rows, site)},
    {"evolve", "typical_samples", QB_KEY_INT, "4", 1, 1e6, NULL, "", NULL,
     "autocorr: random states of the typicality average per realization", 1,
     QB_FIELD(dyn_rows, samples)},
    QB_KEY_END};

/* [evolve] operator and the observables that need [observables] operators. */
static qb_status read_operator(const qb_params *p, const char *name, const qb_named_ops *ops,
                               qb_dyn *d, qb_err *err) {
  d->ops = ops;
  d->op = -1;
  const int nops = ops ? ops->n : 0;
  if (name[0]) {
    d->op = ops ? qb_named_ops_find(ops, name) : -1;
    if (d->op < 0)
      return qb_param_fail(p, err, "evolve", "operator", "no operator '%s' in [observables]%s",
                           name, nops ? "" : " (there are none: add e.g. 'Sz7 = Z@7:1' there)");
    if (!d->autocorr && !d->spectral)
      return qb_param_fail(p, err, "evolve", "operator",
                           "used by observe = autocorr or spectral only");
  }
  if ((d->expect || d->diagonal) && nops == 0)
    return qb_param_fail(
        p, err, "evolve", "observe",
        "expect and diagonal measure the operators of "
        "[observables]; name at least one (e.g. 'Sz_center = Z:1@7', docs/terms.md)");
  return QB_OK;
}

/* [evolve] initial: a keyword, a product string of u/d, or a vector file (read here:
 * its length and norm are checked before any work). */
static qb_status read_initial(const qb_params *p, const char *s, int nsites, qb_idx dim, qb_dyn *d,
                              qb_err *err) {
  static const char *const words[] = {"random", "neel", "basis"};
  for (int i = 0; i < 3; i++)
    if (!strcmp(s, words[i])) d->initial = i;
  if (!strcmp(s, "random") || !strcmp(s, "basis")) return QB_OK;
  if (!strcmp(s, "neel")) {
    if (nsites == 0)
      return qb_param_fail(p, err, "evolve", "initial", "neel needs spins (spin_chain)");
    return QB_OK;
  }
  if (qb_vecfile_is_spec(s)) {
    d->initial = QB_INIT_FILE;
    qb_err e;
    qb_err_clear(&e);
    if (qb_vecfile_read(s, dim, &d->psi_file, &e) != QB_OK)
      return qb_param_fail(p, err, "evolve", "initial", "%s", e.msg);
    double n2 = 0;
    for (qb_idx i = 0; i < dim; i++) n2 += creal(d->psi_file[i] * conj(d->psi_file[i]));
    /* a vector normalized in double precision has |n2 - 1| ~ dim * 1e-16 */
    if (fabs(n2 - 1) > 1e-10)
      return qb_param_fail(p, err, "evolve", "initial", "the vector has norm^2 = %.12g, not 1: "
                           "normalize it", n2);
    return QB_OK;
  }
  if (strspn(s, "ud") != strlen(s) || (int)strlen(s) != nsites || nsites == 0)
    return qb_param_fail(p, err, "evolve", "initial",
                         "expected random, neel, basis, a product state "
                         "of %d letters u/d (site 0 first), or a vector file (.npy, .h5:/dataset)",
                         nsites);
  d->initial = QB_INIT_PRODUCT;
  snprintf(d->product, sizeof d->product, "%s", s);
  return QB_OK;
}

static qb_status dyn_read(const qb_params *p, int nsites, qb_idx dim, const qb_named_ops *ops,
                          qb_dyn *d, qb_err *err) {
  dyn_rows r;
  memset(&r, 0, sizeof r);
  qb_param_fill(p, qb_dynamics_keys, &r);
  qb_idx n;
  char *const *obs = qb_param_strs(p, "evolve", "observe", &n);
  for (qb_idx i = 0; i < n; i++) {
    if (!strcmp(obs[i], "survival")) d->survival = 1;
    else if (!strcmp(obs[i], "survival_eig")) d->survival_eig = 1;
    else if (!strcmp(obs[i], "autocorr")) d->autocorr = 1;
    else if (!strcmp(obs[i], "spectral")) d->spectral = 1;
    else if (!strcmp(obs[i], "expect")) d->expect = 1;
    else if (!strcmp(obs[i], "diagonal")) d->diagonal = 1;
    else if (!strcmp(obs[i], "imbalance")) d->imbalance = 1;
    else if (!strcmp(obs[i], "magnetization")) d->magnetization = 1;
    else
      return qb_param_fail(p, err, "evolve", "observe",
                           "'%s' is not survival, survival_eig, autocorr, "
                           "spectral, expect, diagonal, imbalance or magnetization",
                           obs[i]);
  }
  QB_TRY(read_operator(p, r.op, ops, d, err));
  if (d->spectral) {
    if (nsites == 0 || qb_param_find(p, "spectral", "method") < 0)
      return qb_param_fail(p, err, "evolve", "observe", "spectral needs spins and [spectral] keys "
                           "(spin_chain)");
    QB_TRY(qb_evolve_keys_read_spectral(p, &d->sp, err));
    if (d->sp.method == QB_SPEC_KPM)
      return qb_param_fail(p, err, "spectral", "method",
                           "the infinite-temperature spectral function "
                           "has no KPM method here (signal or lehmann)");
  }
  if (d->survival_eig || d->diagonal) {
    const char *what = d->survival_eig ? "survival_eig" : "diagonal";
    if (qb_param_find(p, "eigen", "method") < 0)
      return qb_param_fail(p, err, "evolve", "observe", "%s needs a model with [eigen] keys", what);
    if (!qb_spectrum_obs_enabled(p))
      return qb_param_fail(p, err, "eigen", "method", "%s takes its eigenpairs from "
                           "[eigen]: method must be auto, dense or shift_invert, not none", what);
    qb_spectrum_obs_eigs_opts(p, &d->eo);
  }
  QB_TRY(read_initial(p, r.initial, nsites, dim, d, err));
  d->basis_state = r.basis_state;
  d->site = r.site;
  d->samples = r.samples;
  if (nsites == 0 && d->autocorr)
    return qb_param_fail(p, err, "evolve", "observe", "autocorr needs spins (spin_chain)");
  if (nsites == 0 && (d->imbalance || d->magnetization))
    return qb_param_fail(p, err, "evolve", "observe",
                         "imbalance and magnetization need spins (spin_chain)");
  if (d->imbalance && (d->initial == QB_INIT_RANDOM || d->initial == QB_INIT_FILE))
    return qb_param_fail(p, err, "evolve", "initial", "imbalance needs a product initial state: "
                         "neel, basis or u/d letters, not random or a vector file");
  d->nsites = nsites;
  if (d->initial == QB_INIT_BASIS && d->basis_state >= dim)
    return qb_param_fail(p, err, "evolve", "basis_state", "must be below the dimension %lld",
                         (long long)dim);
  if (d->site < 0) d->site = nsites / 2;
  if (nsites > 0 && d->site >= nsites)
    return qb_param_fail(p, err, "evolve", "site", "must be below L = %d", nsites);
  if (!qb_dynamics_any(d)) return QB_OK;
  return qb_evolve_keys_read(p, &d->ev, err);
}

/* On failure d owns nothing (a vector file read before a later key fails is freed), so
 * callers that only validate (estimate) need not clear it. */
qb_status qb_dynamics_read(const qb_params *p, int nsites, qb_idx dim, const qb_named_ops *ops,
                      qb_dyn *d, qb_err *err) {
  memset(d, 0, sizeof *d);
  qb_status st = dyn_read(p, nsites, dim, ops, d, err);
  if (st != QB_OK) qb_dynamics_clear(d);
  return st;
}

int qb_dynamics_any(const qb_dyn *d) {
  return d->survival || d->survival_eig || d->autocorr || d->spectral || d->expect || d->diagonal ||
         d->imbalance || d->magnetization;
}

/* NAME_late: the mean of each time curve over the last quarter of the output times, a
 * scalar that the end-of-run table shows (a curve has no other summary). Laid out after
 * the curves; filled by late_fill from them. */
static qb_status late_layout(qb_dyn *d, qb_layout *L, qb_err *err) {
  const qb_idx nt = (qb_idx)d->ev.ntimes;
  qb_idx src[QB_NAMED_OPS_MAX + 4];
  int n = 0;
  const char *names[QB_NAMED_OPS_MAX + 4];
  for (int i = 0; i < L->ncols && n < QB_NAMED_OPS_MAX + 4; i++) /* the curves on t so far */
    if (!strcmp(L->cols[i].axis, "t") && L->cols[i].len == nt &&
        strcmp(L->cols[i].name, "autocorr_im")) {
      qb_idx off = 0;
      for (int j = 0; j < i; j++) off += L->cols[j].len;
      src[n] = off, names[n++] = L->cols[i].name;
    }
  d->nlate = n;
  for (int k = 0; k < n; k++) {
    char name[QB_NAME_LEN + 8];
    snprintf(name, sizeof name, "%.*s_late", QB_NAME_LEN - 6, names[k]);
    qb_idx c = qb_layout_add(L, name, 1, NULL, "mean of the curve over the last quarter of the "
                             "output times", 1);
    if (c < 0) return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for %s", name);
    if (k == 0) d->late_off = c;
    d->late_src[k] = src[k];
  }
  return QB_OK;
}

static void late_fill(const qb_dyn *d, double *row) {
  const size_t nt = d->ev.ntimes, from = nt - (nt / 4 > 0 ? nt / 4 : 1);
  for (int k = 0; k < d->nlate; k++) {
    double s = 0;
    for (size_t j = from; j < nt; j++) s += row[d->late_src[k] + (qb_idx)j];
    row[d->late_off + k] = s / (double)(nt - from);
  }
}

qb_status qb_dynamics_layout(qb_dyn *d, qb_layout *L, qb_err *err) {
  if (!qb_dynamics_any(d)) return QB_OK;
  const qb_idx nt = (qb_idx)d->ev.ntimes;
  if (qb_layout_add_axis(L, "t", nt, d->ev.times, "output times of [evolve] (hbar = 1)") < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for the time axis");
  d->offset = qb_layout_row_len(L);
  if (d->ev.type == qb_prop_chebyshev &&
      qb_layout_add(L, "bounds_steps", 1, NULL, "Lanczos steps of the Chebyshev spectral bounds "
                    "(stopped when converged, at most [evolve] bounds_steps)", 0) < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for bounds_steps");
  if (d->survival &&
      qb_layout_add(L, "survival", nt, "t", "survival probability |<psi0|psi(t)>|^2", 0) < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for survival");
  if (d->imbalance && qb_layout_add(L, "imbalance", nt, "t", "imbalance (1/L) sum_j z_j(0) "
                                    "<sigma^z_j(t)> of the initial product state", 0) < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for imbalance");
  if (d->magnetization && qb_layout_add(L, "magnetization", nt * d->nsites, NULL, "<sigma^z_j(t)>, "
                                        "row-major [t][j] (L values per output time)", 0) < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for magnetization");
  if (d->survival_eig && (qb_layout_add(L, "survival_eig", nt, "t",
                                        "survival probability from the eigenpairs "
                                        "|sum_a w_a e^{-i E_a t}|^2, w_a = |<a|psi0>|^2",
                                        0) < 0 ||
                          qb_layout_add(L, "survival_eig_inf", 1, NULL,
                                        "its infinite-time average sum_a w_a^2", 0) < 0 ||
                          qb_layout_add(L, "survival_eig_weight", 1, NULL,
                                        "sum_a w_a: 1 with all eigenpairs, "
                                        "the captured weight with nev shift-invert pairs",
                                        0) < 0))
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for survival_eig");
  for (int k = 0; d->expect && k < d->ops->n; k++) {
    char name[QB_NAME_LEN];
    snprintf(name, sizeof name, "expect_%s", d->ops->name[k]);
    if (qb_layout_add(L, name, nt, "t", "<psi(t)|O|psi(t)> of the [observables] operator", 0) < 0)
      return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for %s", name);
  }
  for (int k = 0; d->diagonal && k < d->ops->n; k++) {
    char name[QB_NAME_LEN];
    snprintf(name, sizeof name, "diag_%s", d->ops->name[k]);
    if (qb_layout_add(L, name, 1, NULL,
                      "diagonal ensemble sum_a |<a|psi0>|^2 <a|O|a> (the "
                      "[eigen] eigenpairs: all when dense; nev by shift-invert, see diag_weight)",
                      1) < 0)
      return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for %s", name);
  }
  if (d->diagonal && qb_layout_add(L, "diag_weight", 1, NULL, "sum_a |<a|psi0>|^2 over the "
                                   "eigenpairs used (1 with all of them)", 0) < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for diag_weight");
  if (d->autocorr &&
      (qb_layout_add(L, "autocorr_re", nt, "t", "Re Tr[O(t) O]/D (typicality; O = [evolve] "
                     "operator or sigma^z_site)", 0) < 0 ||
       qb_layout_add(L, "autocorr_im", nt, "t", "Im Tr[O(t) O]/D (typicality)", 0) < 0))
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for autocorr");
  if (d->spectral) {
    d->w = qb_malloc((size_t)d->sp.points * sizeof *d->w);
    if (!d->w) return QB_FAIL(err, QB_ERR_NOMEM, "spectral axis of %d points", d->sp.points);
    for (int i = 0; i < d->sp.points; i++)
      d->w[i] = d->sp.wmin + (d->sp.wmax - d->sp.wmin) * i / (double)(d->sp.points - 1);
    if (qb_layout_add_axis(L, "w", d->sp.points, d->w, "frequencies of [spectral]") < 0 ||
        qb_layout_add(L, "spectral", d->sp.points, "w",
                      "infinite-temperature spectral function of O ([evolve] operator or "
                      "sigma^z_site)", 0) < 0 ||
        qb_layout_add(L, "spectral_weight", 1, NULL, "sum rule: its integral (exact 1)", 0) < 0)
      return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for spectral");
    /* the signal's FFT plan, made once for the point and shared by its realizations */
    if (d->sp.method == QB_SPEC_SIGNAL) QB_TRY(qb_fft_cache_create(&d->sp.fft, err));
  }
  return late_layout(d, L, err); /* after every curve */
}

double qb_dynamics_vectors(const qb_dyn *d) {
  if (!qb_dynamics_any(d)) return 0;
  /* Chebyshev: the initial state, the evolving copy and two work vectors; Krylov: its
   * basis instead of the work vectors; correlations evolve two states and a typical one */
  const double work = d->ev.type == qb_prop_chebyshev ? 2 : d->ev.prop.krylov_dim + 1;
  return (d->autocorr ? 5 : 2) + work;
}

/* Doubles the observables add to one result row, which the runner keeps for every
 * realization (qb_estimate.row_values): laid out by the point's own layout code on a copy
 * of d (its spectral axis and the signal's FFT plan cache, the allocations, freed). 0 when
 * the layout fails: the point's creation reports that. */
static double row_values(const qb_dyn *d) {
  qb_dyn t = *d;
  t.w = NULL;
  t.sp.fft = NULL;
  qb_layout L;
  memset(&L, 0, sizeof L);
  qb_err e;
  double n = qb_dynamics_layout(&t, &L, &e) == QB_OK ? (double)qb_layout_row_len(&L) : 0;
  qb_free(t.w);
  qb_fft_cache_free(t.sp.fft);
  return n;
}

void qb_dynamics_estimate(const qb_dyn *d, double dim, double nnz, int is_complex,
                          qb_estimate *e) {
  if (!qb_dynamics_any(d)) return;
  e->row_values += row_values(d);
  /* ~ t_max * width matvecs (width ~ nnz/dim as a rough scale) */
  e->bytes += qb_dynamics_vectors(d) * 16 * dim + 24 * nnz;
  const double tmax = d->ev.ntimes ? d->ev.times[d->ev.ntimes - 1] : 0;
  const double mv = (tmax * fmax(1.0, nnz / dim) + 100) *
                    (d->survival + (d->imbalance || d->magnetization) * !d->survival + d->expect +
                     2.0 * d->samples * d->autocorr);
  if (d->survival_eig || d->diagonal) { /* the eigenpairs, all of them with vectors when dense */
    qb_eigs_opts o = d->eo;
    if (qb_eigs_cache_uses_dense(&o, dim)) o.nev = (qb_idx)dim;
    qb_spectrum_obs_eigs_cost(&o, dim, nnz, is_complex, 1, e);
    e->flops += 8.0 * (double)o.nev * (dim + (double)d->ev.ntimes);
  }
  e->flops += mv * (4 * nnz + 20 * dim);
  if (d->spectral && d->sp.method == QB_SPEC_LEHMANN) { /* dense ED with vectors */
    e->bytes += qb_dense_eigh_bytes(is_complex ? QB_COMPLEX : QB_REAL, dim, 1);
    e->flops += 10.0 * dim * dim * dim;
  } else if (d->spectral) {
    e->flops +=
        d->sp.samples * 2 * (d->sp.t_max * fmax(1.0, nnz / dim) + 100) * (4 * nnz + 20 * dim);
  }
}

/* The sigma^z_site operator on basis B, matrix-free (a diagonal: no stored matrix, and
 * no state list needed), on nthreads threads. */
static qb_status sigmaz(const qb_spin_basis *B, int site, int nthreads, qb_op **out, qb_err *err) {
  qb_pauli_sum *P = NULL;
  qb_status st = qb_spin_sum_create(B->nsites, &P, err);
  if (st == QB_OK) st = qb_spin_sum_add(P, 1.0, "Z", &site, err);
  if (st == QB_OK) st = qb_spin_op_from_sum(P, B, nthreads, out, err);
  qb_spin_sum_free(P);
  return st;
}

/* The initial state of survival. */
static qb_status initial_state(const qb_dyn *d, const qb_spin_basis *B, const qb_task *t,
                               qb_idx n, qb_cplx *psi, qb_err *err) {
  memset(psi, 0, (size_t)n * sizeof *psi);
  if (d->initial == QB_INIT_FILE) {
    memcpy(psi, d->psi_file, (size_t)n * sizeof *psi);
    return QB_OK;
  }
  if (d->initial == QB_INIT_RANDOM) {
    qb_rng r;
    qb_rng_init(&r, t->seed, t->point, t->realization, PURPOSE_INITIAL);
    qb_dynobs_random_state(&r, n, psi);
    return QB_OK;
  }
  qb_idx i = d->basis_state;
  if (d->initial == QB_INIT_NEEL || d->initial == QB_INIT_PRODUCT) {
    uint64_t s = 0; /* bit j = site j, 1 = up; neel = udud... */
    for (int j = 0; j < B->nsites; j++)
      if (d->initial == QB_INIT_NEEL ? j % 2 == 0 : d->product[j] == 'u') s |= (uint64_t)1 << j;
    i = qb_spin_basis_index(B, s);
    if (i < 0)
      return QB_FAIL(err, QB_ERR_INPUT, "[evolve] initial = %s: the state is not in the "
                     "chosen sector (n_up)", d->initial == QB_INIT_NEEL ? "neel" : d->product);
  }
  psi[i] = 1.0;
  return QB_OK;
}

/* w[a] = |<a|psi>|^2 for the eigenvectors of r (real or complex), psi complex. */
static void measure_weights(const qb_eigs_result *r, const qb_cplx *psi, double *w) {
  const qb_idx n = r->dim;
  for (qb_idx a = 0; a < r->nev; a++) {
    qb_cplx c = 0;
    if (r->dtype == QB_REAL) {
      const double *v = (const double *)r->V + (size_t)a * (size_t)n;
      double re = 0, im = 0;
      for (qb_idx i = 0; i < n; i++) re += v[i] * creal(psi[i]), im += v[i] * cimag(psi[i]);
      c = re + I * im;
    } else {
      cblas_zdotc_sub((int)n, (const qb_cplx *)r->V + (size_t)a * (size_t)n, 1, psi, 1, &c);
    }
    w[a] = creal(c) * creal(c) + cimag(c) * cimag(c);
  }
}

/* survival_eig's and diagonal's eigenpairs: all of them when dense (the exact measure),
 * else the nev nearest the target, with vectors. */
static unsigned survival_eig_need(const qb_eigs_cache *E) {
  return qb_eigs_cache_dense(E) ? QB_EIGS_NEED_ALL : QB_EIGS_NEED_TARGET | QB_EIGS_NEED_VECTORS;
}

/* survival_eig of psi into col: nt values of P(t), then sum w^2 and sum w. */
static qb_status survival_eig_col(const qb_dyn *d, const qb_eigs_result *r, const double *w,
                                  int nthreads, double *col) {
  const qb_idx nt = (qb_idx)d->ev.ntimes;
  qb_survival_from_measure(r->E, w, r->nev, d->ev.times, nt, nthreads, col);
  col[nt] = qb_survival_ipr(w, r->nev);
  double total = 0;
  for (qb_idx a = 0; a < r->nev; a++) total += w[a];
  col[nt + 1] = total;
  return QB_OK;
}

/* Diagonal ensemble of every named operator, sum_a w_a <a|O|a>, then sum_a w_a, into col. */
static qb_status diagonal_col(const qb_named_set *O, const qb_eigs_result *r, const double *w,
                              double *col, qb_err *err) {
  qb_cplx *work = qb_malloc(2 * (size_t)r->dim * sizeof *work);
  if (!work) return QB_FAIL(err, QB_ERR_NOMEM, "diagonal: dimension %lld", (long long)r->dim);
  const size_t vsize = qb_dtype_size(r->dtype) * (size_t)r->dim;
  double ev[QB_NAMED_OPS_MAX], total = 0;
  qb_status st = QB_OK;
  for (int k = 0; k < O->n; k++) col[k] = 0;
  for (qb_idx a = 0; st == QB_OK && a < r->nev; a++) {
    st = qb_named_ops_set_expect(O, r->dtype, (const char *)r->V + (size_t)a * vsize, r->dim, work,
                                 ev, err);
    for (int k = 0; st == QB_OK && k < O->n; k++) col[k] += w[a] * ev[k];
    total += w[a];
  }
  col[O->n] = total;
  qb_free(work);
  return st;
}

/* The eigenstate observables of the initial state psi: survival_eig and diagonal. */
static qb_status eig_cols(const qb_dyn *d, qb_eigs_cache *E, const qb_named_set *O,
                          const qb_cplx *psi, int nthreads, double *col_surv, double *col_diag,
                          qb_err *err) {
  qb_idx n = qb_eigs_cache_dim(E);
  if (!qb_eigs_cache_dense(E) && d->eo.nev > n)
    return QB_FAIL(err, QB_ERR_INPUT, "[eigen] nev = %lld exceeds the dimension %lld",
                   (long long)d->eo.nev, (long long)n);
  const qb_eigs_result *r = NULL;
  QB_TRY(qb_eigs_cache_get(E, survival_eig_need(E), &r, err));
  double *w = qb_malloc((size_t)r->nev * sizeof *w);
  qb_status st = w ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "%lld weights", (long long)r->nev);
  if (st == QB_OK) measure_weights(r, psi, w);
  if (st == QB_OK && d->survival_eig) st = survival_eig_col(d, r, w, nthreads, col_surv);
  if (st == QB_OK && d->diagonal) st = diagonal_col(O, r, w, col_diag, err);
  qb_free(w);
  return st;
}

/* The infinite-temperature spectral function of sigma^z_site (typicality for signal, all
 * eigenpairs by dense ED for lehmann) and its sum rule into col. */
static qb_status spectral_col(const qb_dyn *d, qb_op *Hop, qb_eigs_cache *E, const qb_spin_basis *B,
                              const qb_named_set *O, const qb_task *t, double *col, qb_err *err) {
  qb_op *Z = NULL;
  const qb_eigs_result *r = NULL;
  qb_spectrum *s = NULL;
  qb_spec_params sp = d->sp;
  qb_rng g;
  qb_rng_init(&g, t->seed, t->point, t->realization, PURPOSE_INITIAL + 1);
  sp.seed = qb_rng_u64(&g);
  qb_status st = d->op >= 0 ? QB_OK : sigmaz(B, d->site, t->nthreads, &Z, err);
  const qb_op *A = d->op >= 0 ? O->op[d->op] : Z;
  if (st == QB_OK && sp.method == QB_SPEC_LEHMANN && !E)
    st = QB_FAIL(err, QB_ERR_INPUT, "[spectral] method = lehmann needs the eigenpairs of the "
                 "stored matrix ([model] operator = csr)");
  if (st == QB_OK && sp.method == QB_SPEC_LEHMANN)
    st = qb_eigs_cache_get(E, QB_EIGS_NEED_ALL, &r, err);
  if (st == QB_OK) st = qb_spectral_infinite_t(Hop, A, &sp, r, &s, err);
  if (st == QB_OK) {
    memcpy(col, s->S, (size_t)s->points * sizeof *col);
    col[s->points] = s->weight;
  }
  qb_spectral_free(s);
  qb_op_free(Z);
  return st;
}

/* What the one evolution of the initial state records at each output time. */
typedef struct {
  const qb_cplx *psi0;
  qb_idx n;
  qb_cplx *amp;            /* survival amplitudes (NULL: not wanted) */
  const qb_diagobs *mz;   /* the magnetizations (NULL: not wanted) */
  const qb_spin_basis *B;
  double *mzt;             /* nt x L */
} traj_ctx;

static qb_status traj_obs(void *ctx, size_t j, double t, int ns, qb_cplx *const *psi, qb_err *err) {
  (void)t, (void)ns;
  traj_ctx *c = ctx;
  if (c->amp) c->amp[j] = qb_dynobs_overlap(c->n, c->psi0, psi[0]);
  if (c->mz) return qb_diagobs_expect(c->mz, c->B, psi[0], c->mzt + j * (size_t)c->B->nsites, err);
  return QB_OK;
}

/* Survival, imbalance and magnetizations from one evolution of psi0 (a copy is evolved),
 * written at *col, which advances past them. */
static qb_status trajectory_cols(const qb_dyn *d, qb_prop *P, const qb_spin_basis *B,
                                 const qb_cplx *psi0, qb_cplx *amp, double **col, qb_err *err) {
  const size_t nt = d->ev.ntimes;
  const qb_idx n = qb_prop_dim(P);
  const int L = B ? B->nsites : 0, want_mz = d->imbalance || d->magnetization;
  traj_ctx c = {psi0, n, d->survival ? amp : NULL, NULL, B, NULL};
  qb_diagobs *mz = NULL;
  qb_cplx *psi = qb_malloc((size_t)n * sizeof *psi);
  qb_status st =
      psi ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "evolved state, dimension %lld", (long long)n);
  if (st == QB_OK && want_mz) {
    c.mzt = qb_malloc(nt * (size_t)L * sizeof *c.mzt);
    st = c.mzt ? qb_diagobs_magnetizations(L, &mz, err)
               : QB_FAIL(err, QB_ERR_NOMEM, "magnetizations of %zu times", nt);
    c.mz = mz;
  }
  if (st == QB_OK) {
    memcpy(psi, psi0, (size_t)n * sizeof *psi);
    st = qb_prop_run(P, 1, &psi, d->ev.times, nt, traj_obs, &c, err);
  }
  if (st == QB_OK && d->survival) {
    for (size_t j = 0; j < nt; j++) (*col)[j] = creal(amp[j] * conj(amp[j]));
    *col += nt;
  }
  if (st == QB_OK && d->imbalance) {
    qb_idx i0 = 0; /* the initial basis state */
    while (i0 < n && psi0[i0] == 0) i0++;
    const uint64_t s0 = qb_spin_basis_state(B, i0);
    for (size_t j = 0; j < nt; j++) (*col)[j] = qb_diagobs_imbalance(L, s0, c.mzt + j * (size_t)L);
    *col += nt;
  }
  if (st == QB_OK && d->magnetization) {
    memcpy(*col, c.mzt, nt * (size_t)L * sizeof **col);
    *col += nt * (size_t)L;
  }
  qb_diagobs_free(mz);
  qb_free(c.mzt);
  qb_free(psi);
  return st;
}

/* <psi(t)|O_k|psi(t)> of every named operator into col: operator k at col + k nt. */
static qb_status expect_cols(const qb_dyn *d, qb_prop *P, const qb_named_set *O, const qb_cplx *psi,
                             double *col, qb_err *err) {
  const size_t nt = d->ev.ntimes;
  double *v = qb_malloc(nt * (size_t)O->n * sizeof *v);
  if (!v) return QB_FAIL(err, QB_ERR_NOMEM, "expect: %zu values", nt * (size_t)O->n);
  qb_status st =
      qb_dynobs_expect_run(P, O->n, (const qb_op *const *)O->op, psi, d->ev.times, nt, v, err);
  for (int k = 0; st == QB_OK && k < O->n; k++)
    for (size_t j = 0; j < nt; j++) col[(size_t)k * nt + j] = v[j * (size_t)O->n + k];
  qb_free(v);
  return st;
}

int qb_dynamics_uses_eigen(const qb_dyn *d) {
  return d->survival_eig || d->diagonal || (d->spectral && d->sp.method == QB_SPEC_LEHMANN);
}

void qb_dynamics_need(const qb_dyn *d, qb_eigs_cache *E) {
  if (d->survival_eig || d->diagonal) qb_eigs_cache_need(E, survival_eig_need(E));
  if (d->spectral && d->sp.method == QB_SPEC_LEHMANN) qb_eigs_cache_need(E, QB_EIGS_NEED_ALL);
}

qb_status qb_dynamics_realize(const qb_dyn *d, qb_csr *H, const qb_spin_basis *B,
                         const qb_named_set *O, const qb_task *t, int nthreads,
                         qb_eigs_cache *E, double *row, qb_err *err) {
  if (!qb_dynamics_any(d)) return QB_OK;
  qb_op *Hop = NULL;
  qb_status st = qb_op_from_csr(H, 0, &Hop, err); /* a fresh op: its own bounds cache */
  if (st == QB_OK) st = qb_dynamics_realize_op(d, Hop, B, O, t, nthreads, E, row, err);
  qb_op_free(Hop);
  return st;
}

qb_status qb_dynamics_realize_op(const qb_dyn *d, qb_op *Hop, const qb_spin_basis *B,
                            const qb_named_set *O, const qb_task *t, int nthreads,
                            qb_eigs_cache *E, double *row, qb_err *err) {
  if (!qb_dynamics_any(d)) return QB_OK;
  /* the propagators' loops use the team the runner gives this thread; nthreads only
   * splits survival_eig's independent output times */
  const size_t nt = d->ev.ntimes;
  qb_op *Z = NULL;
  qb_prop *P = NULL;
  qb_cplx *psi = NULL, *amp = NULL;
  double *col = row + d->offset;
  qb_status st = QB_OK;
  if (d->ev.type == qb_prop_chebyshev) { /* the bounds now, to report their steps */
    qb_bounds_info bi;
    st = qb_bounds_compute(Hop, &d->ev.prop.bounds, NULL, NULL, &bi, err);
    *col++ = bi.steps;
  }
  if (st == QB_OK) st = qb_prop_create(d->ev.type, Hop, &d->ev.prop, &P, err);
  const qb_idx n = Hop->dim;
  if (st == QB_OK) {
    psi = qb_malloc((size_t)n * sizeof *psi);
    amp = qb_malloc(nt * sizeof *amp);
    if (!psi || !amp)
      st = QB_FAIL(err, QB_ERR_NOMEM, "time-domain observables, dimension %lld", (long long)n);
  }
  const int nops = O ? O->n : 0;
  if ((d->expect || d->diagonal || d->op >= 0) && nops != (d->ops ? d->ops->n : 0))
    st = QB_FAIL(err, QB_ERR_DIM, "time domain: %d operators given, %d named", nops,
                 d->ops ? d->ops->n : 0);
  if (st == QB_OK && (d->survival || d->survival_eig || d->expect || d->diagonal ||
                      d->imbalance || d->magnetization))
    st = initial_state(d, B, t, n, psi, err);
  if (st == QB_OK && (d->survival || d->imbalance || d->magnetization))
    st = trajectory_cols(d, P, B, psi, amp, &col, err);
  if (st == QB_OK && (d->survival_eig || d->diagonal) && !E)
    st = QB_FAIL(err, QB_ERR_INPUT, "survival_eig and diagonal need the eigenpairs of the stored "
                 "matrix ([model] operator = csr)");
  double *col_surv = col;
  if (d->survival_eig) col += nt + 2;
  if (st == QB_OK && d->expect) st = expect_cols(d, P, O, psi, col, err);
  if (d->expect) col += nops * nt;
  if (st == QB_OK && (d->survival_eig || d->diagonal))
    st = eig_cols(d, E, O, psi, nthreads, col_surv, col, err);
  if (d->diagonal) col += nops + 1;
  if (st == QB_OK && d->autocorr) {
    qb_dynobs_typical_params tp = qb_dynobs_typical_defaults();
    tp.samples = d->samples;
    tp.seed = t->seed, tp.point = t->point, tp.realization = t->realization;
    if (d->op < 0) st = sigmaz(B, d->site, nthreads, &Z, err);
    const qb_op *A = d->op >= 0 ? O->op[d->op] : Z;
    if (st == QB_OK)
      st = qb_dynobs_corr_typical(P, A, NULL, d->ev.times, nt, &tp, amp, NULL, NULL, err);
    for (size_t j = 0; st == QB_OK && j < nt; j++)
      col[j] = creal(amp[j]), col[nt + j] = cimag(amp[j]);
    col += 2 * nt;
  }
  if (st == QB_OK && d->spectral) st = spectral_col(d, Hop, E, B, O, t, col, err);
  if (st == QB_OK) late_fill(d, row);
  qb_prop_free(P);
  qb_op_free(Z);
  qb_free(psi);
  qb_free(amp);
  return st;
}

void qb_dynamics_clear(qb_dyn *d) {
  qb_evolve_keys_clear(&d->ev);
  d->psi_file = qb_free(d->psi_file);
  d->w = qb_free(d->w);
  d->sp.fft = qb_fft_cache_free(d->sp.fft);
}
