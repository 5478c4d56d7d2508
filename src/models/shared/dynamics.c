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
#include "qbath/dynobs.h"
#include "qbath/eigs.h"
#include "qbath/survival.h"
#include "models/shared/spectrum_obs.h"

/* Philox purpose of a realization's random initial state (disjoint from the models'
 * disorder streams 0 .. 64; the typical states use qbath/dynobs.h's own purposes). */
enum { PURPOSE_INITIAL = 0x4000 };

const qb_key qb_dynamics_keys[] = {
    {"evolve", "observe", QB_KEY_STRING_LIST, "", 0, -1, NULL, "", NULL,
     "time-domain observables: survival (P(t) of the initial state), survival_eig (the same "
     "P(t) from the [eigen] eigenpairs: all of them when dense, nev by shift-invert), autocorr (infinite-"
     "temperature <sigma^z_site(t) sigma^z_site>, spins only), spectral (its spectral function "
     "by the [spectral] method: signal or lehmann)", 0},
    {"evolve", "initial", QB_KEY_ENUM, "random", 0, -1, "random|neel|basis", "", NULL,
     "initial state of survival: random (complex Gaussian), neel (|0101...>, spins), basis", 1},
    {"evolve", "basis_state", QB_KEY_INT, "0", 0, 1e18, NULL, "", NULL,
     "initial = basis: index of the basis state", 1},
    {"evolve", "site", QB_KEY_INT, "-1", -1, 1000, NULL, "", NULL,
     "autocorr: site of sigma^z (-1: the chain's centre L/2)", 1},
    {"evolve", "typical_samples", QB_KEY_INT, "4", 1, 1e6, NULL, "", NULL,
     "autocorr: random states of the typicality average per realization", 1},
    QB_KEY_END};

qb_status qb_dyn_read(const qb_params *p, int nsites, qb_idx dim, qb_dyn *d, qb_err *err) {
  memset(d, 0, sizeof *d);
  qb_idx n;
  char *const *obs = qb_param_strs(p, "evolve", "observe", &n);
  for (qb_idx i = 0; i < n; i++) {
    if (!strcmp(obs[i], "survival")) d->survival = 1;
    else if (!strcmp(obs[i], "survival_eig")) d->survival_eig = 1;
    else if (!strcmp(obs[i], "autocorr")) d->autocorr = 1;
    else if (!strcmp(obs[i], "spectral")) d->spectral = 1;
    else
      return qb_param_fail(p, err, "evolve", "observe", "'%s' is not survival, survival_eig, autocorr "
                           "or spectral",
                           obs[i]);
  }
  if (d->spectral) {
    if (nsites == 0 || qb_param_find(p, "spectral", "method") < 0)
      return qb_param_fail(p, err, "evolve", "observe", "spectral needs spins and [spectral] keys "
                           "(spin_chain)");
    QB_TRY(qb_spectral_config_from_params(p, &d->sp, err));
    if (d->sp.method == QB_SPEC_KPM)
      return qb_param_fail(p, err, "spectral", "method", "the infinite-temperature spectral function "
                           "has no KPM method here (signal or lehmann)");
  }
  if (d->survival_eig) {
    if (qb_param_find(p, "eigen", "method") < 0)
      return qb_param_fail(p, err, "evolve", "observe", "survival_eig needs a model with [eigen] keys");
    if (!qb_spectrum_obs_enabled(p))
      return qb_param_fail(p, err, "eigen", "method", "survival_eig takes its eigenpairs from "
                           "[eigen]: method must be auto, dense or shift_invert, not none");
    qb_spectrum_obs_eigs_opts(p, &d->eo);
  }
  d->initial = qb_param_enum(p, "evolve", "initial");
  d->basis_state = qb_param_int(p, "evolve", "basis_state");
  d->site = (int)qb_param_int(p, "evolve", "site");
  d->samples = (int)qb_param_int(p, "evolve", "typical_samples");
  if (nsites == 0 && d->autocorr)
    return qb_param_fail(p, err, "evolve", "observe", "autocorr needs spins (spin_chain)");
  if (nsites == 0 && d->initial == 1)
    return qb_param_fail(p, err, "evolve", "initial", "neel needs spins (spin_chain)");
  if (d->initial == 2 && d->basis_state >= dim)
    return qb_param_fail(p, err, "evolve", "basis_state", "must be below the dimension %lld",
                         (long long)dim);
  if (d->site < 0) d->site = nsites / 2;
  if (nsites > 0 && d->site >= nsites)
    return qb_param_fail(p, err, "evolve", "site", "must be below L = %d", nsites);
  if (!qb_dyn_any(d)) return QB_OK;
  return qb_evolve_config_from_params(p, &d->ev, err);
}

int qb_dyn_any(const qb_dyn *d) { return d->survival || d->survival_eig || d->autocorr || d->spectral; }

qb_status qb_dyn_layout(qb_dyn *d, qb_layout *L, qb_err *err) {
  if (!qb_dyn_any(d)) return QB_OK;
  const qb_idx nt = (qb_idx)d->ev.ntimes;
  if (qb_layout_add_axis(L, "t", nt, d->ev.times, "output times of [evolve] (hbar = 1)") < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for the time axis");
  d->offset = qb_layout_row_len(L);
  if (d->survival && qb_layout_add(L, "survival", nt, "t", "survival probability |<psi0|psi(t)>|^2", 0) < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for survival");
  if (d->survival_eig &&
      (qb_layout_add(L, "survival_eig", nt, "t", "survival probability from the eigenpairs "
                     "|sum_a w_a e^{-i E_a t}|^2, w_a = |<a|psi0>|^2", 0) < 0 ||
       qb_layout_add(L, "survival_eig_inf", 1, NULL, "its infinite-time average sum_a w_a^2", 0) < 0 ||
       qb_layout_add(L, "survival_eig_weight", 1, NULL, "sum_a w_a: 1 with all eigenpairs, "
                     "the captured weight with nev shift-invert pairs", 0) < 0))
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for survival_eig");
  if (d->autocorr &&
      (qb_layout_add(L, "autocorr_re", nt, "t", "Re Tr[sz(t) sz]/D (typicality)", 0) < 0 ||
       qb_layout_add(L, "autocorr_im", nt, "t", "Im Tr[sz(t) sz]/D (typicality)", 0) < 0))
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for autocorr");
  if (d->spectral) {
    d->w = qb_malloc((size_t)d->sp.points * sizeof *d->w);
    if (!d->w) return QB_FAIL(err, QB_ERR_NOMEM, "spectral axis of %d points", d->sp.points);
    for (int i = 0; i < d->sp.points; i++)
      d->w[i] = d->sp.wmin + (d->sp.wmax - d->sp.wmin) * i / (double)(d->sp.points - 1);
    if (qb_layout_add_axis(L, "w", d->sp.points, d->w, "frequencies of [spectral]") < 0 ||
        qb_layout_add(L, "spectral", d->sp.points, "w",
                      "infinite-temperature spectral function of sigma^z_site", 0) < 0 ||
        qb_layout_add(L, "spectral_weight", 1, NULL, "sum rule: its integral (exact 1)", 0) < 0)
      return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for spectral");
  }
  return QB_OK;
}

void qb_dyn_estimate(const qb_dyn *d, double dim, double nnz, qb_estimate *e) {
  if (!qb_dyn_any(d)) return;
  /* Chebyshev: 3 vectors per state, 2 states for correlations, one work; ~ t_max * width
   * matvecs (width ~ nnz/dim as a rough scale) */
  const double vecs = d->autocorr ? 7 : 3;
  e->bytes += vecs * 16 * dim + 24 * nnz;
  const double tmax = d->ev.ntimes ? d->ev.times[d->ev.ntimes - 1] : 0;
  const double mv = (tmax * fmax(1.0, nnz / dim) + 100) * (d->survival + 2.0 * d->samples * d->autocorr);
  if (d->survival_eig) { /* the eigenpairs, all of them with vectors when dense */
    qb_eigs_opts o = d->eo;
    if (qb_spectrum_obs_uses_dense(&o, dim)) o.nev = (qb_idx)dim;
    qb_spectrum_obs_eigs_cost(&o, dim, nnz, e);
    e->flops += 8.0 * (double)o.nev * (dim + (double)d->ev.ntimes);
  }
  e->flops += mv * (4 * nnz + 20 * dim);
  if (d->spectral && d->sp.method == QB_SPEC_LEHMANN) { /* dense ED with vectors */
    e->bytes += 8 * dim * dim * 2.2;
    e->flops += 10.0 * dim * dim * dim;
  } else if (d->spectral) {
    e->flops += d->sp.samples * 2 * (d->sp.t_max * fmax(1.0, nnz / dim) + 100) * (4 * nnz + 20 * dim);
  }
}

/* The sigma^z_site operator on basis B. */
static qb_status sigmaz(const qb_spin_basis *B, int site, qb_op **out, qb_err *err) {
  qb_pauli_sum *P = NULL;
  qb_csr *A = NULL;
  qb_status st = qb_pauli_sum_create(B->nsites, &P, err);
  if (st == QB_OK) st = qb_pauli_sum_add(P, 1.0, "Z", &site, err);
  if (st == QB_OK) st = qb_pauli_sum_to_csr(P, B, &A, err);
  if (st == QB_OK) st = qb_op_from_csr(A, 1, out, err);
  else qb_csr_free(A);
  qb_pauli_sum_free(P);
  return st;
}

/* The initial state of survival. */
static qb_status initial_state(const qb_dyn *d, const qb_spin_basis *B, const qb_task *t,
                               qb_idx n, qb_cplx *psi, qb_err *err) {
  memset(psi, 0, (size_t)n * sizeof *psi);
  if (d->initial == 0) {
    qb_rng r;
    qb_rng_init(&r, t->seed, t->point, t->realization, PURPOSE_INITIAL);
    qb_random_state(&r, n, psi);
    return QB_OK;
  }
  qb_idx i = d->basis_state;
  if (d->initial == 1) {
    uint64_t s = 0;
    for (int j = 0; j < B->nsites; j += 2) s |= (uint64_t)1 << j;
    i = qb_spin_basis_index(B, s);
    if (i < 0)
      return QB_FAIL(err, QB_ERR_INPUT, "[evolve] initial = neel: the Neel state is not in the "
                     "chosen sector (n_up)");
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

/* survival_eig of psi into col: nt values of P(t), then sum w^2 and sum w. The dense path
 * takes all eigenpairs (the exact measure), shift-invert the [eigen] nev nearest the target. */
static qb_status survival_eig_col(const qb_dyn *d, const qb_csr *H, const qb_cplx *psi,
                                  int nthreads, double *col, qb_err *err) {
  qb_eigs_opts o = d->eo;
  o.want_vectors = 1;
  if (qb_spectrum_obs_uses_dense(&o, (double)H->nrows)) o.method = QB_EIGS_DENSE, o.nev = H->nrows;
  else o.method = QB_EIGS_SHIFT_INVERT;
  if (o.nev > H->nrows)
    return QB_FAIL(err, QB_ERR_INPUT, "survival_eig: [eigen] nev = %lld exceeds the dimension %lld",
                   (long long)o.nev, (long long)H->nrows);
  qb_eigs_result *r = NULL;
  QB_TRY(qb_eigs_csr(H, &o, NULL, &r, err));
  double *w = qb_malloc((size_t)r->nev * sizeof *w);
  if (!w) {
    qb_eigs_result_free(r);
    return QB_FAIL(err, QB_ERR_NOMEM, "survival_eig: %lld weights", (long long)o.nev);
  }
  measure_weights(r, psi, w);
  const qb_idx nt = (qb_idx)d->ev.ntimes;
  qb_survival_from_measure(r->E, w, r->nev, d->ev.times, nt, nthreads, col);
  col[nt] = qb_survival_ipr(w, r->nev);
  double total = 0;
  for (qb_idx a = 0; a < r->nev; a++) total += w[a];
  col[nt + 1] = total;
  qb_free(w);
  qb_eigs_result_free(r);
  return QB_OK;
}

/* The infinite-temperature spectral function of sigma^z_site (typicality for signal, all
 * eigenpairs by dense ED for lehmann) and its sum rule into col. */
static qb_status spectral_col(const qb_dyn *d, qb_op *Hop, qb_csr *H, const qb_spin_basis *B,
                              const qb_task *t, double *col, qb_err *err) {
  qb_op *Z = NULL;
  qb_eigs_result *r = NULL;
  qb_spectrum *s = NULL;
  qb_spec_params sp = d->sp;
  qb_rng g;
  qb_rng_init(&g, t->seed, t->point, t->realization, PURPOSE_INITIAL + 1);
  sp.seed = qb_rng_u64(&g);
  qb_status st = sigmaz(B, d->site, &Z, err);
  if (st == QB_OK && sp.method == QB_SPEC_LEHMANN) {
    qb_eigs_opts o;
    qb_eigs_opts_default(&o);
    o.method = QB_EIGS_DENSE;
    o.nev = H->nrows;
    st = qb_eigs_csr(H, &o, NULL, &r, err);
  }
  if (st == QB_OK) st = qb_spectral_infinite_t(Hop, Z, &sp, r, &s, err);
  if (st == QB_OK) {
    memcpy(col, s->S, (size_t)s->points * sizeof *col);
    col[s->points] = s->weight;
  }
  qb_spectrum_free(s);
  qb_eigs_result_free(r);
  qb_op_free(Z);
  return st;
}

qb_status qb_dyn_realize(const qb_dyn *d, qb_csr *H, const qb_spin_basis *B,
                         const qb_task *t, int nthreads, double *row, qb_err *err) {
  if (!qb_dyn_any(d)) return QB_OK;
  /* the propagators' loops use the team the runner gives this thread; nthreads only
   * splits survival_eig's independent output times */
  const size_t nt = d->ev.ntimes;
  qb_op *Hop = NULL, *Z = NULL;
  qb_prop *P = NULL;
  qb_cplx *psi = NULL, *amp = NULL;
  double *col = row + d->offset;
  qb_status st = qb_op_from_csr(H, 0, &Hop, err); /* a fresh op: its own bounds cache */
  if (st == QB_OK) st = qb_prop_create(d->ev.type, Hop, &d->ev.prop, &P, err);
  const qb_idx n = H->nrows;
  if (st == QB_OK) {
    psi = qb_malloc((size_t)n * sizeof *psi);
    amp = qb_malloc(nt * sizeof *amp);
    if (!psi || !amp) st = QB_FAIL(err, QB_ERR_NOMEM, "time-domain observables, dimension %lld", (long long)n);
  }
  if (st == QB_OK && (d->survival || d->survival_eig)) st = initial_state(d, B, t, n, psi, err);
  if (st == QB_OK && d->survival) {
    st = qb_survival(P, psi, d->ev.times, nt, amp, err);
    for (size_t j = 0; st == QB_OK && j < nt; j++) col[j] = creal(amp[j] * conj(amp[j]));
    col += nt;
  }
  if (st == QB_OK && d->survival_eig) {
    st = survival_eig_col(d, H, psi, nthreads, col, err);
    col += nt + 2;
  }
  if (st == QB_OK && d->autocorr) {
    qb_typical_params tp = qb_typical_defaults();
    tp.samples = d->samples;
    tp.seed = t->seed, tp.point = t->point, tp.realization = t->realization;
    st = sigmaz(B, d->site, &Z, err);
    if (st == QB_OK) st = qb_corr_typical(P, Z, NULL, d->ev.times, nt, &tp, amp, NULL, NULL, err);
    for (size_t j = 0; st == QB_OK && j < nt; j++) col[j] = creal(amp[j]), col[nt + j] = cimag(amp[j]);
    col += 2 * nt;
  }
  if (st == QB_OK && d->spectral) st = spectral_col(d, Hop, H, B, t, col, err);
  qb_prop_free(P);
  qb_op_free(Hop);
  qb_op_free(Z);
  qb_free(psi);
  qb_free(amp);
  return st;
}

void qb_dyn_clear(qb_dyn *d) {
  qb_evolve_config_clear(&d->ev);
  d->w = qb_free(d->w);
}
