/* grain_time.c — the time domain of grain_spins (models/shared/grain_time.h).
 *
 * Per realization H is matrix-free (the GOE grain: qb_grain_op_fast, the grain matrix and
 * nothing of dimension 2^{N+M}; the chain grain: the Pauli sum compiled by qbath/spin_op.h),
 * so the state vectors are the memory. Two ensembles of random
 * states r (complex Gaussian, normalized; Philox streams of the realization):
 *   inf   r itself: C(t) = Tr[O(t) O]/dim, the infinite temperature;
 *   filt  f(H) r with f(E) = exp(-(E - sigma_0)^2 / (2 sigma_f^2)) by a Chebyshev series:
 *         C(t) = Tr[f^2 O(t) O] / Tr f^2, a Gaussian energy window of std sigma_f/sqrt 2
 *         around sigma_0 = tr H / dim, the centre the eigenstate path's window 0 sits at.
 *         sigma_f = 0 (the default) matches the window's nev states: they span
 *         Delta = nev / rho(sigma_0), rho = dim / (sqrt(2 pi) sigma_E) with sigma_E^2 the
 *         exact energy variance, and a flat window of width Delta has the std Delta/sqrt 12
 *         of the Gaussian one when sigma_f = Delta / sqrt 6.
 * Both average `typical_samples` states; the columns *_err hold the standard error of the
 * mean over them (the typicality error, ~ 1/sqrt(D_eff samples); qbath/dynobs.h).
 * gamma: the filtered tau_M^x signal to t = gauss_cut / (gamma_kernel delta_E) (the
 * Gaussian window's kernel then has std gamma_kernel delta_E), its spectrum sampled on
 * gamma_per_bin points per delta_E bin on [eps_M, 3 eps_M], and the eigenstate path's
 * half-maximum rule (qb_grain_peak_from_spectrum); delta_E = (E_max - E_min)/(dim - 1) from
 * the extremal Lanczos Ritz values, the eigenstate path's `spacing = bandwidth`.
 * memory: every spin's C^zz_a(t) from one evolution of each grain-random spin-product state
 * (qb_grain_product_state), the last spin's also by full typicality; C^zz = the mean over
 * the output times in [t_max/2, t_max] (a time average on a linear grid), and the rate
 * 1/t* where (C(t*) - C^zz)/(1 - C^zz) first reaches 1/e (0 when it does not by t_max). */
#include "models/shared/grain_time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/bounds.h"
#include "qbath/diagobs.h"
#include "qbath/dynobs.h"
#include "qbath/spin.h"

/* Philox purpose of the product states of `memory` (the typical states use dynobs's). */
enum { PURPOSE_MEMORY = 0x5000 };

static const char *const op_name[QB_GRAIN_TIME_NOPS] = {"tau_x", "sigma1_x", "probe_z", "tau_z"};
static const char *const ens_name[2] = {"inf", "filt"};

/* What the scalar rows are bound to (observe, a list, is read by hand). */
typedef struct gt_rows {
  int ensemble; /* 0 infinite, 1 filtered, 2 both */
  int samples;
  double filter_sigma, filter_tol, gamma_kernel;
  int gamma_per_bin;
} gt_rows;

const qb_key qb_grain_time_keys[] = {
    {"evolve", "observe", QB_KEY_STRING_LIST, "", 0, -1, NULL, "", NULL,
     "grain_spins time domain: C_tau_x, C_sigma1_x, C_probe_z, C_tau_z (autocorrelation "
     "<O(t) O> on the [evolve] grid; tau_x = tau_M^x, sigma1_x = the coupled grain qubit's "
     "sigma^x, probe_z = sigma^z of probe_qubit, tau_z = tau_M^z), S_tau_x, S_sigma1_x, "
     "S_probe_z, S_tau_z (their spectral functions by the [spectral] signal + FFT), gamma (the "
     "tau_M^x peak width from the filtered spectrum, finer than delta_E), memory (C^zz of "
     "every spin, of the last spin, and its relaxation rate)",
     0},
    {"evolve", "ensemble", QB_KEY_ENUM, "both", 0, -1, "infinite|filtered|both", "", NULL,
     "typical states of C and S: random (infinite temperature), energy-filtered around "
     "sigma_0 = tr H/dim, or both",
     1, QB_FIELD(gt_rows, ensemble)},
    {"evolve", "typical_samples", QB_KEY_INT, "8", 2, 1e6, NULL, "", NULL,
     "random states per realization and ensemble (their standard error is the typicality "
     "error)",
     1, QB_FIELD(gt_rows, samples)},
    {"evolve", "filter_sigma", QB_KEY_REAL, "0", 0, INFINITY, NULL, "energy", NULL,
     "Gaussian energy filter exp(-(E-sigma_0)^2/(2 sigma^2)) (0: matched to the nev states of "
     "the eigenstate window: sqrt(2 pi) sigma_E nev / (dim sqrt 6))",
     1, QB_FIELD(gt_rows, filter_sigma)},
    {"evolve", "filter_tol", QB_KEY_REAL, "1e-12", 1e-15, 0.1, NULL, "", NULL,
     "truncation of the filter's Chebyshev series", 0, QB_FIELD(gt_rows, filter_tol)},
    {"evolve", "gamma_kernel", QB_KEY_REAL, "0.25", 1e-3, 10, NULL, "", NULL,
     "gamma: std of the spectrum's Gaussian kernel in units of delta_E (the signal runs to "
     "gauss_cut / (gamma_kernel delta_E): cost ~ 1/gamma_kernel)",
     1, QB_FIELD(gt_rows, gamma_kernel)},
    {"evolve", "gamma_per_bin", QB_KEY_INT, "8", 1, 1000, NULL, "", NULL,
     "gamma: spectrum samples per delta_E bin", 0, QB_FIELD(gt_rows, gamma_per_bin)},
    QB_KEY_END};

int qb_grain_time_any(const qb_grain_time *d) {
  int any = d->gamma || d->memory;
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++) any |= d->corr[k] || d->spec[k];
  return any;
}

static qb_status read_observe(const qb_params *p, qb_grain_time *d, qb_err *err) {
  qb_idx n;
  char *const *obs = qb_param_strs(p, "evolve", "observe", &n);
  for (qb_idx i = 0; i < n; i++) {
    int hit = !strcmp(obs[i], "gamma") ? (d->gamma = 1) : !strcmp(obs[i], "memory") ? (d->memory = 1) : 0;
    for (int k = 0; k < QB_GRAIN_TIME_NOPS && !hit; k++) {
      if (!strncmp(obs[i], "C_", 2) && !strcmp(obs[i] + 2, op_name[k])) hit = d->corr[k] = 1;
      if (!strncmp(obs[i], "S_", 2) && !strcmp(obs[i] + 2, op_name[k])) hit = d->spec[k] = 1;
    }
    if (!hit)
      return qb_param_fail(p, err, "evolve", "observe",
                           "unknown '%s' (grain_spins: C_tau_x, C_sigma1_x, C_probe_z, C_tau_z, "
                           "S_tau_x, S_sigma1_x, S_probe_z, S_tau_z, gamma, memory)",
                           obs[i]);
  }
  return QB_OK;
}

qb_status qb_grain_time_read(const qb_params *p, const qb_grain_spec *s, qb_grain_time *d,
                             qb_err *err) {
  (void)s;
  memset(d, 0, sizeof *d);
  gt_rows r;
  memset(&r, 0, sizeof r);
  qb_param_fill(p, qb_grain_time_keys, &r);
  QB_TRY(read_observe(p, d, err));
  d->ens[0] = r.ensemble != 1, d->ens[1] = r.ensemble != 0;
  d->samples = r.samples, d->filter_sigma = r.filter_sigma, d->filter_tol = r.filter_tol;
  d->gamma_kernel = r.gamma_kernel, d->gamma_per_bin = r.gamma_per_bin;
  if (!qb_grain_time_any(d)) return QB_OK;
  QB_TRY(qb_evolve_keys_read(p, &d->ev, err));
  QB_TRY(qb_evolve_keys_read_spectral(p, &d->sp, err));
  int any_spec = 0;
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++) any_spec |= d->spec[k];
  if ((any_spec || d->gamma) && d->sp.method != QB_SPEC_SIGNAL)
    return qb_param_fail(p, err, "spectral", "method",
                         "grain_spins's time domain transforms its own signal: signal only "
                         "(the eigenstate path has specfn for the Lehmann sums)");
  return QB_OK;
}

static qb_status add(qb_layout *L, const char *name, qb_idx len, const char *axis,
                     const char *doc, int main, qb_idx *first, qb_err *err) {
  qb_idx o = qb_layout_add(L, name, len, axis, doc, main);
  if (o < 0) return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for %s", name);
  if (*first < 0) *first = o;
  return QB_OK;
}

qb_status qb_grain_time_layout(qb_grain_time *d, const qb_grain_spec *s, qb_layout *L,
                               qb_err *err) {
  d->off = -1;
  if (!qb_grain_time_any(d)) return QB_OK;
  const qb_idx nt = (qb_idx)d->ev.ntimes;
  char nm[QB_NAME_LEN];
  qb_idx *o = &d->off;
  if (qb_layout_add_axis(L, "t", nt, d->ev.times, "output times of [evolve]") < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for the axis t");
  QB_TRY(add(L, "typical_states", 1, NULL, "random states per ensemble (typicality)", 0, o, err));
  QB_TRY(add(L, "filter_sigma_used", 1, NULL, "width sigma_f of the energy filter", 0, o, err));
  /* the golden rule of the last spin, 4 pi V_M^2 rho(2 eps_M), and Eq. (6)'s gamma/delta_E need
   * its field and the level spacing per row (the Lanczos bounds are computed anyway) */
  QB_TRY(add(L, "eps_last", 1, NULL, "field eps_M of the last spin", 0, o, err));
  QB_TRY(add(L, "dE_t", 1, NULL, "delta_E = (E_max - E_min)/(dim - 1), Lanczos Ritz values", 0,
             o, err));
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++)
    for (int e = 0; e < 2 && d->corr[k]; e++) {
      if (!d->ens[e]) continue;
      snprintf(nm, sizeof nm, "C_%s_%s", op_name[k], ens_name[e]);
      QB_TRY(add(L, nm, nt, "t", "Re <O(t) O> in typical states", 0, o, err));
      snprintf(nm, sizeof nm, "C_%s_%s_im", op_name[k], ens_name[e]);
      QB_TRY(add(L, nm, nt, "t", "Im <O(t) O>", 0, o, err));
      snprintf(nm, sizeof nm, "C_%s_%s_err", op_name[k], ens_name[e]);
      QB_TRY(add(L, nm, nt, "t", "typicality error of Re C (standard error over the states)", 0,
                 o, err));
    }
  int any_spec = 0;
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++) any_spec |= d->spec[k];
  if (any_spec) {
    d->w = qb_malloc((size_t)d->sp.points * sizeof *d->w);
    if (!d->w) return QB_FAIL(err, QB_ERR_NOMEM, "spectral axis of %d points", d->sp.points);
    for (int i = 0; i < d->sp.points; i++)
      d->w[i] = d->sp.wmin + (d->sp.wmax - d->sp.wmin) * i / (double)(d->sp.points - 1);
    if (qb_layout_add_axis(L, "w", d->sp.points, d->w, "frequencies of [spectral]") < 0)
      return QB_FAIL(err, QB_ERR_INPUT, "layout full: no room for the axis w");
    QB_TRY(qb_fft_cache_create(&d->sp.fft, err)); /* one plan per length for the point */
  }
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++)
    for (int e = 0; e < 2 && d->spec[k]; e++) {
      if (!d->ens[e]) continue;
      snprintf(nm, sizeof nm, "S_%s_%s", op_name[k], ens_name[e]);
      QB_TRY(add(L, nm, d->sp.points, "w", "spectral function of O (signal + FFT)", 0, o, err));
      snprintf(nm, sizeof nm, "S_%s_%s_weight", op_name[k], ens_name[e]);
      QB_TRY(add(L, nm, 1, NULL, "its integral over the output grid (exact: <O^2> = 1)", 0, o,
                 err));
    }
  if (d->gamma) {
    QB_TRY(add(L, "gamma_t", 1, NULL, "tau_M^x peak width near +2 eps_M, time domain", 0, o, err));
    QB_TRY(add(L, "gamma_t_over_dE", 1, NULL, "gamma_t / dE_t (Fig. 4 from the time domain)", 1, o,
               err));
    QB_TRY(add(L, "gamma_t_clipped", 1, NULL, "1: the peak reached eps_M or 3 eps_M", 0, o, err));
    QB_TRY(add(L, "omega_peak_t_over_2eps", 1, NULL, "peak position / (2 eps_M)", 0, o, err));
    QB_TRY(add(L, "t_gamma", 1, NULL, "length of gamma's signal (Heisenberg time: 2 pi / dE_t)", 0,
               o, err));
  }
  if (d->memory) {
    QB_TRY(add(L, "Czz_all", s->m, NULL, "C^zz_a of spins a = 1..M (time average, product states)",
               0, o, err));
    QB_TRY(add(L, "Czz_all_err", s->m, NULL, "their typicality errors", 0, o, err));
    QB_TRY(add(L, "Czz_last_t", nt, "t", "<tau_M^z(t) tau_M^z>, infinite temperature", 0, o, err));
    QB_TRY(add(L, "Czz_last", 1, NULL, "C^zz of the last spin (time average)", 1, o, err));
    QB_TRY(add(L, "Czz_last_err", 1, NULL, "its typicality error (bound: mean of the times' errors)",
               0, o, err));
    QB_TRY(add(L, "rate_last", 1, NULL, "relaxation rate of the last spin, 1/t_(1/e) (0: not by "
               "t_max)", 1, o, err));
  }
  return QB_OK;
}

/* Doubles of the row (the layout's own arithmetic). */
static double row_len(const qb_grain_time *d, const qb_grain_spec *s) {
  const double nt = (double)d->ev.ntimes, ne = d->ens[0] + d->ens[1];
  double n = 4;
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++)
    n += ne * (d->corr[k] * 3 * nt + d->spec[k] * (d->sp.points + 1.0));
  return n + 5 * d->gamma + d->memory * (2.0 * s->m + nt + 3);
}

void qb_grain_time_estimate(const qb_grain_time *d, const qb_grain_spec *s, qb_estimate *e) {
  if (!qb_grain_time_any(d)) return;
  e->row_values += row_len(d, s);
  const double dim = ldexp(1.0, s->n + s->m), dg = ldexp(1.0, s->n), ns = d->samples;
  /* half-width of the many-body spectrum: the grain's bandwidth and the fields */
  const double a = 0.5 * ((s->chain ? 2.0 * s->n : 4 * qb_grain_goe_scale(s) * sqrt(dg)) +
                          2 * s->m * fmax(fabs(s->field_max), fabs(s->field_min)));
  const double nt = (double)d->ev.ntimes, tmax = nt ? d->ev.times[(size_t)nt - 1] : 0;
  /* the signals' lengths: Nyquist step of the bounds (spectral), the kernel (gamma) */
  const double nspec = d->sp.dt > 0 ? d->sp.t_max / d->sp.dt : d->sp.t_max * a / (0.9 * M_PI);
  const double tg = d->sp.gauss_cut / (d->gamma_kernel * 2 * a / dim), ng = tg * a / (0.9 * M_PI);
  /* vectors: typicality holds r, two evolving states and a work vector, Chebyshev 2 (the
   * filter's 2 work vectors are freed before the evolution); its stored signals samples x
   * length; the FFT pad x length (+2 doubles) */
  double longest = fmax(nt, 0);
  int any_spec = 0;
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++) any_spec |= d->spec[k];
  if (any_spec) longest = fmax(longest, nspec);
  if (d->gamma) longest = fmax(longest, ng);
  e->bytes += 16 * dim * 6 + (s->chain ? 0 : 8 * dg * dg) +
              16 * ns * longest + 32 * d->sp.pad * longest;
  /* flops: matvecs ~ a T per evolution of length T plus a few per output time, each
   * ~ dim x (entries per row) complex multiply-adds; the filter ~ a / sigma_f per state */
  const double mv = 8 * dim * qb_grain_row_nnz(s), ev = 2 * ns, fil = d->ens[1] * ns * 100;
  double m = 0;
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++)
    m += (d->ens[0] + d->ens[1]) * ev * (d->corr[k] * (a * tmax + 2 * nt) +
                                         d->spec[k] * (a * d->sp.t_max + 2 * nspec));
  m += d->gamma * (ev * (a * tg + 2 * ng) + fil);
  m += d->memory * (ev * (a * tmax + 2 * nt) + ns * (a * tmax + 2 * nt));
  e->flops += m * mv;
}

/* The operator k on the L = M + N sites. */
static qb_status make_op(const qb_grain_spec *s, int probe, int k, int nthreads, qb_op **O,
                         qb_err *err) {
  const char pauli = (k == QB_GRAIN_TIME_TAU_X || k == QB_GRAIN_TIME_SIGMA1_X) ? 'X' : 'Z';
  const int site = k == QB_GRAIN_TIME_SIGMA1_X ? s->m + s->coupled_qubit
                   : k == QB_GRAIN_TIME_PROBE_Z ? s->m + probe
                                                : s->m - 1;
  return qb_grain_pauli_op(s, pauli, site, nthreads, O, err);
}

/* What one realization shares between its observables. */
typedef struct gt_run {
  const qb_grain_time *d;
  const qb_grain_spec *s;
  const qb_task *t;
  qb_op *H;
  qb_prop *P;
  double sigma0, sigma_f, dE;
} gt_run;

static qb_dynobs_typical_params typical(const gt_run *R, int filtered) {
  qb_dynobs_typical_params tp = qb_dynobs_typical_defaults();
  tp.samples = R->d->samples;
  tp.seed = R->t->seed, tp.point = R->t->point, tp.realization = R->t->realization;
  tp.filter = filtered, tp.energy = R->sigma0, tp.sigma = R->sigma_f;
  tp.filter_tol = R->d->filter_tol;
  return tp;
}

/* C(t) of O on the [evolve] grid in ensemble e: re, im, err at col. */
static qb_status corr_cols(const gt_run *R, const qb_op *O, int e, double *col, qb_err *err) {
  const size_t nt = R->d->ev.ntimes;
  qb_cplx *C = qb_malloc(nt * sizeof *C);
  if (!C) return QB_FAIL(err, QB_ERR_NOMEM, "correlation of %zu times", nt);
  qb_dynobs_typical_params tp = typical(R, e);
  qb_status st =
      qb_dynobs_corr_typical(R->P, O, NULL, R->d->ev.times, nt, &tp, C, col + 2 * nt, NULL, err);
  for (size_t j = 0; st == QB_OK && j < nt; j++) col[j] = creal(C[j]), col[nt + j] = cimag(C[j]);
  qb_free(C);
  return st;
}

/* S(w) of O from the signal of p (ensemble e) into S[p->points]; *weight its integral over
 * the output grid. */
static qb_status spec_of(const gt_run *R, const qb_op *O, int e, const qb_spec_params *p, double *S,
                         double *weight, qb_err *err) {
  double dt;
  size_t N;
  QB_TRY(qb_spectral_signal_grid(R->H, 0.0, p, &dt, &N, err));
  double *t = qb_malloc(N * sizeof *t);
  qb_cplx *C = qb_malloc(N * sizeof *C);
  qb_status st = t && C ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "time signal of %zu points", N);
  for (size_t j = 0; st == QB_OK && j < N; j++) t[j] = dt * (double)j;
  qb_dynobs_typical_params tp = typical(R, e);
  if (st == QB_OK) st = qb_dynobs_corr_typical(R->P, O, NULL, t, N, &tp, C, NULL, NULL, err);
  if (st == QB_OK) st = qb_spectral_from_signal(C, N, dt, p, S, NULL, err);
  if (st == QB_OK && weight) {
    double sum = 0, dw = (p->wmax - p->wmin) / (p->points - 1);
    for (int i = 0; i < p->points; i++) sum += S[i] * dw;
    *weight = sum;
  }
  qb_free(t);
  qb_free(C);
  return st;
}

/* gamma from the filtered tau_M^x spectrum (see the file comment) into col[0..4]. */
static qb_status gamma_cols(const gt_run *R, const qb_op *X, double eps_m, double *col,
                            qb_err *err) {
  const qb_grain_time *d = R->d;
  const qb_idx nb = (qb_idx)floor(2 * eps_m / R->dE);
  if (nb < 3)
    return QB_FAIL(err, QB_ERR_INPUT, "gamma: [eps_M, 3 eps_M] = [%g, %g] holds fewer than 3 bins "
                   "of delta_E = %g", eps_m, 3 * eps_m, R->dE);
  qb_spec_params p = d->sp;
  const int pb = d->gamma_per_bin;
  p.window = QB_WINDOW_GAUSS;
  p.t_max = p.gauss_cut / (d->gamma_kernel * R->dE);
  p.dt = 0;
  p.fft = NULL; /* lengths differ per realization: a plan of its own */
  p.points = (int)(nb * pb);
  p.wmin = eps_m + 0.5 * R->dE / pb;
  p.wmax = eps_m + (double)nb * R->dE - 0.5 * R->dE / pb;
  double *S = qb_malloc((size_t)p.points * sizeof *S);
  if (!S) return QB_FAIL(err, QB_ERR_NOMEM, "gamma: %d spectrum points", p.points);
  qb_grain_peak pk;
  qb_status st = spec_of(R, X, 1, &p, S, NULL, err);
  if (st == QB_OK) st = qb_grain_peak_from_spectrum(S, pb, nb, eps_m, R->dE, &pk, err);
  if (st == QB_OK) {
    col[0] = pk.gamma, col[1] = pk.gamma / R->dE, col[2] = pk.clipped;
    col[3] = pk.omega_peak / (2 * eps_m), col[4] = p.t_max;
  }
  qb_free(S);
  return st;
}

/* Per output time of a product state: x[j M + a] = z_a <psi(t_j)|tau^z_a|psi(t_j)>. */
typedef struct {
  const qb_diagobs *mz;
  const qb_spin_basis *B;
  const int *z;
  int m, L;
  double *m_all; /* L magnetizations (work) */
  double *x;
} mem_ctx;

static qb_status mem_obs(void *ctx, size_t j, double t, int ns, qb_cplx *const *psi, qb_err *err) {
  (void)t, (void)ns;
  mem_ctx *c = ctx;
  QB_TRY(qb_diagobs_expect(c->mz, c->B, psi[0], c->m_all, err));
  for (int a = 0; a < c->m; a++) c->x[j * (size_t)c->m + (size_t)a] = c->z[a] * c->m_all[a];
  return QB_OK;
}

/* Mean of v over the output times in [t_last/2, t_last] (stride between entries). */
static double late_mean(const double *times, size_t nt, const double *v, size_t stride) {
  double sum = 0;
  size_t n = 0;
  for (size_t j = 0; j < nt; j++)
    if (times[j] >= 0.5 * times[nt - 1]) sum += v[j * stride], n++;
  return sum / (double)n;
}

/* Czz_all and its errors over the product states into col[0 .. 2M). */
static qb_status memory_all(const gt_run *R, double *col, qb_err *err) {
  const qb_grain_spec *s = R->s;
  const size_t nt = R->d->ev.ntimes, M = (size_t)s->m, ns = (size_t)R->d->samples;
  const qb_idx dim = R->H->dim, dg = (qb_idx)1 << s->n;
  const int L = s->n + s->m;
  qb_cplx *psi = qb_malloc((size_t)dim * sizeof *psi), *g = qb_malloc((size_t)dg * sizeof *g);
  double *x = qb_malloc(nt * M * sizeof *x), *avg = qb_malloc(ns * M * sizeof *avg);
  double *m_all = qb_malloc((size_t)L * sizeof *m_all);
  int *z = qb_malloc(M * sizeof *z);
  qb_diagobs *mz = NULL;
  qb_spin_basis *B = NULL;
  qb_status st = psi && g && x && avg && m_all && z
                     ? QB_OK
                     : QB_FAIL(err, QB_ERR_NOMEM, "memory: dimension %lld", (long long)dim);
  if (st == QB_OK) st = qb_diagobs_magnetizations(L, &mz, err);
  if (st == QB_OK) st = qb_spin_basis_create_lean(L, -1, &B, err);
  mem_ctx c = {mz, B, z, s->m, L, m_all, x};
  for (size_t k = 0; st == QB_OK && k < ns; k++) {
    qb_rng r;
    qb_rng_init(&r, R->t->seed, R->t->point, R->t->realization, PURPOSE_MEMORY + k);
    qb_grain_product_state(s, &r, g, psi, z);
    st = qb_prop_run(R->P, 1, &psi, R->d->ev.times, nt, mem_obs, &c, err);
    for (size_t a = 0; st == QB_OK && a < M; a++)
      avg[k * M + a] = late_mean(R->d->ev.times, nt, x + a, M);
  }
  for (size_t a = 0; st == QB_OK && a < M; a++) { /* mean and standard error, state order */
    double mean = 0, var = 0;
    for (size_t k = 0; k < ns; k++) mean += avg[k * M + a];
    mean /= (double)ns;
    for (size_t k = 0; k < ns; k++) var += pow(avg[k * M + a] - mean, 2);
    col[a] = mean, col[M + a] = sqrt(var / ((double)ns * (double)(ns - 1)));
  }
  qb_diagobs_free(mz);
  qb_spin_basis_free(B);
  qb_free(psi), qb_free(g), qb_free(x), qb_free(avg), qb_free(m_all), qb_free(z);
  return st;
}

/* 1/t* where (C - c_inf)/(1 - c_inf) first falls to 1/e (linear between output times). */
static double relax_rate(const double *times, size_t nt, const double *C, double c_inf) {
  const double target = exp(-1.0);
  for (size_t j = 1; j < nt; j++) {
    const double r0 = (C[j - 1] - c_inf) / (1 - c_inf), r1 = (C[j] - c_inf) / (1 - c_inf);
    if (r1 <= target) {
      const double f = r0 > r1 ? (r0 - target) / (r0 - r1) : 1.0;
      return 1.0 / (times[j - 1] + f * (times[j] - times[j - 1]));
    }
  }
  return 0.0;
}

/* memory's columns: Czz_all, errors, Czz_last_t, Czz_last, its error, rate. */
static qb_status memory_cols(const gt_run *R, const qb_op *Z, double *col, qb_err *err) {
  const size_t nt = R->d->ev.ntimes, M = (size_t)R->s->m;
  QB_TRY(memory_all(R, col, err));
  double *curve = col + 2 * M;
  qb_cplx *C = qb_malloc(nt * sizeof *C);
  double *se = qb_malloc(nt * sizeof *se);
  qb_status st = C && se ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "memory of %zu times", nt);
  qb_dynobs_typical_params tp = typical(R, 0);
  if (st == QB_OK) st = qb_dynobs_corr_typical(R->P, Z, NULL, R->d->ev.times, nt, &tp, C, se, NULL, err);
  if (st == QB_OK) {
    for (size_t j = 0; j < nt; j++) curve[j] = creal(C[j]);
    const double cinf = late_mean(R->d->ev.times, nt, curve, 1);
    curve[nt] = cinf;
    curve[nt + 1] = late_mean(R->d->ev.times, nt, se, 1);
    curve[nt + 2] = relax_rate(R->d->ev.times, nt, curve, cinf);
  }
  qb_free(C);
  qb_free(se);
  return st;
}

/* The observables after the setup of R. */
static qb_status observe(gt_run *R, int probe, double eps_m, double *col, qb_err *err) {
  const qb_grain_time *d = R->d;
  const size_t nt = d->ev.ntimes;
  qb_op *O[QB_GRAIN_TIME_NOPS] = {NULL};
  qb_status st = QB_OK;
  for (int k = 0; st == QB_OK && k < QB_GRAIN_TIME_NOPS; k++)
    if (d->corr[k] || d->spec[k] || (k == QB_GRAIN_TIME_TAU_X && d->gamma) ||
        (k == QB_GRAIN_TIME_TAU_Z && d->memory))
      st = make_op(R->s, probe, k, R->t->nthreads, &O[k], err);
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++)
    for (int e = 0; e < 2 && d->corr[k]; e++)
      if (d->ens[e] && st == QB_OK) {
        st = corr_cols(R, O[k], e, col, err);
        col += 3 * nt;
      }
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++)
    for (int e = 0; e < 2 && d->spec[k]; e++)
      if (d->ens[e] && st == QB_OK) {
        st = spec_of(R, O[k], e, &d->sp, col, col + d->sp.points, err);
        col += d->sp.points + 1;
      }
  if (st == QB_OK && d->gamma) st = gamma_cols(R, O[QB_GRAIN_TIME_TAU_X], eps_m, col, err);
  col += 5 * d->gamma;
  if (st == QB_OK && d->memory) st = memory_cols(R, O[QB_GRAIN_TIME_TAU_Z], col, err);
  for (int k = 0; k < QB_GRAIN_TIME_NOPS; k++) qb_op_free(O[k]);
  return st;
}

qb_status qb_grain_time_realize(const qb_grain_time *d, const qb_grain_spec *s, int probe,
                                qb_idx nev, const qb_grain_time_h *h, const qb_task *t,
                                double *row, qb_err *err) {
  if (!qb_grain_time_any(d)) return QB_OK;
  gt_run R = {d, s, t, h->H, NULL, h->sigma0, 0, 0};
  double *col = row + d->off;
  const qb_idx dim = h->H->dim;
  /* rho(sigma_0) = dim / (sqrt(2 pi) sigma_E): nev states span nev / rho */
  R.sigma_f = d->filter_sigma > 0
                  ? d->filter_sigma
                  : sqrt(2 * M_PI * h->variance) * (double)nev / (double)dim / sqrt(6.0);
  qb_bounds_info bi;
  qb_status st = qb_bounds_compute(R.H, &d->ev.prop.bounds, NULL, NULL, &bi, err);
  R.dE = (bi.ritz_max - bi.ritz_min) / (double)(dim - 1);
  if (st == QB_OK) st = qb_prop_create(d->ev.type, R.H, &d->ev.prop, &R.P, err);
  col[0] = d->samples, col[1] = R.sigma_f, col[2] = h->eps_m, col[3] = R.dE;
  if (st == QB_OK) st = observe(&R, probe, h->eps_m, col + 4, err);
  qb_prop_free(R.P);
  return st;
}

void qb_grain_time_clear(qb_grain_time *d) {
  qb_evolve_keys_clear(&d->ev);
  d->w = qb_free(d->w);
  d->sp.fft = qb_fft_cache_free(d->sp.fft);
}
