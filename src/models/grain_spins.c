/* grain_spins.c — model `grain_spins`: an ergodic GOE grain coupled to M localized spins
 * (Potirniche et al. 2019 Sec. III and S1; the DRH model of Crowley & Chandran 2022 Sec. VI),
 * solved for mid-band eigenpairs (qbath/grain.h for the Hamiltonian and conventions).
 *
 * Per realization: H as the Kronecker operator, its CSR form for the eigen-engine, and
 *   window 0: the nev eigenpairs nearest sigma_0 = tr H / dim (infinite temperature; the
 *             middle of the many-body band), nev = N_A = 2^{N+M}/(N+M) by default;
 *   window +: the nev_peak pairs nearest sigma_0 + 2 eps_M, where tau_M^x moves window 0.
 * Dense ED (all pairs, windows selected from them) or shift-invert (one factorization
 * pattern, two shifts) give the same windows, hence the same observables.
 * Observables (row columns):
 *   delta_E     many-body level spacing, the peak's bin width: (E_max - E_min)/(dim - 1)
 *               (`spacing = bandwidth`, the paper's) or the mean spacing of window 0;
 *   gap_ratio   mean consecutive-gap ratio over window 0 (Sec. S1 f);
 *   S_last, pS  entanglement entropy of spin M, mean and histogram over window 0 (Fig. S3,
 *               S4; the DRH [S_end] and p(S_end) of Crowley-Chandran Fig. 2);
 *   S_bath      the same for the coupled grain qubit (Sec. S1 f: log 2 expected);
 *   G_mean, pG  Thouless parameter Potirniche et al. 2019 Eq. (8) with O = sigma^z of grain qubit
 *               `probe_qubit`
 *               (default the last, sigma_N), pairs of window 0 (Fig. 5); Delta n_absorbed
 *               of Potirniche et al. 2019 Eq. (9) follows from G_mean of successive M
 *               (scripts/plot_grain.py);
 *   gamma, gamma_over_dE, gamma_clipped, peak_weight, omega_peak_over_2eps: the tau_M^x
 *               peak near +2 eps_M at bin width delta_E (Potirniche et al. 2019 Eq. (5), Figs. 3-4;
 *               width as
 *               defined in qbath/grain.h);
 *   max_resid   largest eigenpair residual.
 * With specfn = true (dense ED only: the Lehmann sums need every state) also the thermal
 * and log-averaged eigenstate spectral functions of sigma_1^x and tau_M^x on a fixed grid
 * (Potirniche et al. 2019 Eqs. (S3), (S5); rho_typ = exp(mean logrho), I = integral of rho_typ:
 * Fig. S2).
 * Theory: Potirniche et al. 2019 Eq. (6)/(7) for gamma/delta_E with gamma_1/delta_b from
 * `gamma1_over_deltab`
 * (0: the golden-rule estimate V_1^2 2^N / (w^2 N) of Sec. III A). */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/eigobs.h"
#include "qbath/filter.h"
#include "qbath/grain.h"
#include "qbath/kron.h"
#include "qbath/level_stats.h"
#include "qbath/model.h"
#include "qbath/spin_op.h"
#include "models/shared/evolve_keys.h"
#include "models/shared/grain_time.h"
#include "models/shared/spectrum_obs.h"

enum { C_DE, C_R, C_S, C_SB, C_PS, C_G, C_PG, C_GAM, C_GDE, C_CLIP, C_PW, C_WP, C_RES,
       C_THX, C_LGX, C_THT, C_LGT, NCOL };

typedef struct gs_ctx {
  qb_grain_spec s;
  int probe, dense, filter, specfn, spacing_window, paired;
  int method;                     /* [model] method index: auto, dense, shift_invert, filter,
                                     none (no eigenpairs: the time domain only) */
  int eigen;                      /* 1: the eigenstate path runs (method != none) */
  qb_grain_time td;               /* the time domain ([evolve], [spectral]) */
  int grain_chain, grain_periodic; /* grain = chain, its boundary conditions */
  qb_terms chain;                 /* grain = chain: the parsed terms (s.chain points here) */
  qb_idx dim, nev, nev_peak, dense_max_dim;
  int s_bins, g_bins, spec_bins;
  double g_min, g_max, spec_wmax, spec_shift, gamma1;
  double mem_limit;               /* bytes a factorization may take ([run] memory_limit) */
  qb_idx off[NCOL];               /* row offsets of the columns */
  double *ax_s, *ax_g, *ax_w;     /* axes */
  qb_spin_basis *basis;           /* full basis of the M + N sites */
  qb_bipartition *cut_last, *cut_bath;
} gs_ctx;

static const qb_key gs_keys[] = {
    {"model", "N", QB_KEY_INT, "8", 1, 24, NULL, "", NULL,
     "grain qubits (d_g = 2^N; the GOE grain up to 14)", 1,
     QB_FIELD(gs_ctx, s.n)},
    {"model", "M", QB_KEY_INT, NULL, 1, 26, NULL, "", NULL, "localized spins", 1,
     QB_FIELD(gs_ctx, s.m)},
    {"model", "grain", QB_KEY_ENUM, "goe", 0, -1, "goe|chain", "", NULL,
     "the grain: a GOE matrix (dense, d_g^2 stored) or a chaotic spin chain on the N grain "
     "qubits given by grain_terms (sparse / matrix-free)",
     1, QB_FIELD(gs_ctx, grain_chain)},
    {"model", "grain_terms", QB_KEY_STRING_LIST, "", 0, -1, NULL, "", NULL,
     "grain = chain: its terms on the N grain qubits, sites 0..N-1 (docs/terms.md; e.g. the "
     "mixed-field Ising chain ZZ:1, X:0.9045, Z:0.809)",
     1},
    {"model", "grain_periodic", QB_KEY_BOOL, "false", 0, 1, NULL, "", NULL,
     "grain = chain: periodic boundary conditions", 1, QB_FIELD(gs_ctx, grain_periodic)},
    {"model", "grain_norm", QB_KEY_ENUM, "bandwidth", 0, -1, "bandwidth|rms", "", NULL,
     "GOE scale: bandwidth = w N (Potirniche) or rms eigenvalue = rms (Crowley-Chandran)", 1,
     QB_FIELD(gs_ctx, s.norm)},
    {"model", "w", QB_KEY_REAL, "2.6", 0, INFINITY, NULL, "energy", NULL,
     "bandwidth per grain qubit", 1, QB_FIELD(gs_ctx, s.w)},
    {"model", "rms", QB_KEY_REAL, "1.5", 0, INFINITY, NULL, "energy", NULL,
     "rms eigenvalue of the grain", 1, QB_FIELD(gs_ctx, s.rms)},
    {"model", "sample_norm", QB_KEY_BOOL, "false", 0, 1, NULL, "", NULL,
     "rescale every sample to the exact bandwidth / rms (else the ensemble value)", 1,
     QB_FIELD(gs_ctx, s.sample_norm)},
    {"model", "field_min", QB_KEY_REAL, "0.5", QB_ANY, NULL, "energy", NULL,
     "spin fields eps ~ U[field_min, field_max]", 1, QB_FIELD(gs_ctx, s.field_min)},
    {"model", "field_max", QB_KEY_REAL, "1.5", QB_ANY, NULL, "energy", NULL,
     "upper end of the field distribution", 1, QB_FIELD(gs_ctx, s.field_max)},
    {"model", "coupling", QB_KEY_ENUM, "xx", 0, -1, "xx|xy", "", NULL,
     "xx: V sigma_g^x tau^x (Potirniche); xy: J (sigma_g^x tau^x + sigma_g^y tau^y) (DRH)", 1,
     QB_FIELD(gs_ctx, s.coupling)},
    {"model", "geometry", QB_KEY_ENUM, "exp1d", 0, -1, "exp1d|stretched1d|layers2d", "", NULL,
     "V_a = V1 e^{-r/xi}, V1 e^{-sqrt(r)/xi} with r = a-1, or 2D layers (layer n: n spins at r = "
     "n-1)",
     1, QB_FIELD(gs_ctx, s.geometry)},
    {"model", "V1", QB_KEY_REAL, "1", 0, INFINITY, NULL, "energy", NULL,
     "coupling of the first spin (DRH: J_1)", 1, QB_FIELD(gs_ctx, s.v1)},
    {"model", "xi", QB_KEY_REAL, "1", 0, INFINITY, NULL, "", "alpha", "localization length", 1,
     QB_FIELD(gs_ctx, s.xi)},
    {"model", "alpha", QB_KEY_REAL, "0.5", 0, 1, NULL, "", "xi",
     "DRH decay J_n = J_1 alpha^{n-1} (xi = -1/log alpha)", 1},
    {"model", "coupled_qubit", QB_KEY_INT, "0", 0, 23, NULL, "", NULL,
     "grain qubit the spins couple to (0: sigma_1)", 1, QB_FIELD(gs_ctx, s.coupled_qubit)},
    {"model", "probe_qubit", QB_KEY_INT, "-1", -1, 23, NULL, "", NULL,
     "grain qubit of the Thouless perturbation sigma^z (-1: the last, sigma_N)", 1,
     QB_FIELD(gs_ctx, probe)},
    {"model", "nev", QB_KEY_INT, "0", 0, 1e6, NULL, "", NULL,
     "mid-band eigenstates (0: N_A = 2^{N+M}/(N+M))", 1, QB_FIELD(gs_ctx, nev)},
    {"model", "nev_peak", QB_KEY_INT, "0", 0, 1e6, NULL, "", NULL,
     "eigenstates near sigma_0 + 2 eps_M (0: 2 nev)", 1, QB_FIELD(gs_ctx, nev_peak)},
    {"model", "method", QB_KEY_ENUM, "auto", 0, -1, "auto|dense|shift_invert|filter|none", "",
     NULL,
     "eigenpairs by dense ED, shift-invert, the polynomial filter (no factor; qbath/filter.h), "
     "dense up to dense_max_dim (auto), or none (the [evolve] time domain only)",
     1, QB_FIELD(gs_ctx, method)},
    {"model", "dense_max_dim", QB_KEY_INT, "4096", 1, 65536, NULL, "", NULL,
     "auto: dense ED up to this dimension", 0, QB_FIELD(gs_ctx, dense_max_dim)},
    {"model", "S_bins", QB_KEY_INT, "20", 1, 10000, NULL, "", NULL, "bins of p(S) on [0, log 2]", 0,
     QB_FIELD(gs_ctx, s_bins)},
    {"model", "G_bins", QB_KEY_INT, "60", 1, 10000, NULL, "", NULL, "bins of p(G)", 0,
     QB_FIELD(gs_ctx, g_bins)},
    {"model", "G_min", QB_KEY_REAL, "-20", QB_ANY, NULL, "", NULL, "p(G) range lower end", 0,
     QB_FIELD(gs_ctx, g_min)},
    {"model", "G_max", QB_KEY_REAL, "15", QB_ANY, NULL, "", NULL, "p(G) range upper end", 0,
     QB_FIELD(gs_ctx, g_max)},
    {"model", "specfn", QB_KEY_BOOL, "false", 0, 1, NULL, "", NULL,
     "full-spectrum spectral functions of sigma_1^x and tau_M^x (dense ED only)", 1,
     QB_FIELD(gs_ctx, specfn)},
    {"model", "spec_bins", QB_KEY_INT, "200", 2, 1e6, NULL, "", NULL,
     "bins of the spectral functions", 0, QB_FIELD(gs_ctx, spec_bins)},
    {"model", "spec_wmax", QB_KEY_REAL, "25", 0, INFINITY, NULL, "energy", NULL,
     "spectral functions on [-spec_wmax, spec_wmax)", 0, QB_FIELD(gs_ctx, spec_wmax)},
    {"model", "spec_shift", QB_KEY_REAL, "1e-20", 0, INFINITY, NULL, "", NULL,
     "added to rho_n before the log (Potirniche Sec. S1 c)", 0, QB_FIELD(gs_ctx, spec_shift)},
    {"model", "spacing", QB_KEY_ENUM, "bandwidth", 0, -1, "bandwidth|window", "", NULL,
     "delta_E (the peak's bin width): (E_max - E_min)/(dim - 1), the paper's bandwidth over "
     "dimension (Eq. (6)), or the mean spacing of the mid-band window",
     1, QB_FIELD(gs_ctx, spacing_window)},
    {"model", "paired", QB_KEY_BOOL, "true", 0, 1, NULL, "", NULL,
     "realization r draws the same grain and fields at every sweep point (the fields of M "
     "spins a prefix of those of M' > M), so sizes, xi and alpha compare on common disorder; "
     "false: independent disorder per point",
     1, QB_FIELD(gs_ctx, paired)},
    {"model", "gamma1_over_deltab", QB_KEY_REAL, "0", 0, INFINITY, NULL, "", NULL,
     "Eq. (6) anchor gamma_1/delta_b (0: golden-rule estimate V1^2 2^N/(w^2 N))", 1,
     QB_FIELD(gs_ctx, gamma1)},
    QB_KEY_END};
static const qb_key *const gs_tables[] = {gs_keys, qb_grain_time_keys, qb_evolve_keys,
                                           qb_spectral_keys, NULL};

/* The grain's cross-key checks, after qb_param_fill. */
static qb_status check_spec(const qb_params *p, qb_grain_spec *s, qb_err *err) {
  if (qb_param_is_set(p, "model", "alpha")) {
    double a = qb_param_real(p, "model", "alpha");
    if (!(a > 0 && a < 1)) return qb_param_fail(p, err, "model", "alpha", "must lie in (0, 1)");
    if (s->geometry != QB_GRAIN_EXP1D)
      return qb_param_fail(p, err, "model", "alpha", "is the exp1d decay; geometry is not exp1d");
    s->xi = -1.0 / log(a);
  }
  if (!(s->xi > 0)) return qb_param_fail(p, err, "model", "xi", "must be positive");
  if (s->field_max < s->field_min)
    return qb_param_fail(p, err, "model", "field_max", "is below field_min = %g", s->field_min);
  if (s->coupled_qubit >= s->n)
    return qb_param_fail(p, err, "model", "coupled_qubit", "must be below N = %d", s->n);
  if (!s->chain && s->n > 14)
    return qb_param_fail(p, err, "model", "N", "the GOE grain stores d_g^2 entries: N <= 14 "
                         "(grain = chain for more)");
  if (s->n + s->m > 30)
    return qb_param_fail(p, err, "model", "M", "N + M = %d exceeds 30", s->n + s->m);
  return QB_OK;
}

/* grain = chain: the terms on the N grain qubits (s.chain then points at them). */
static qb_status read_chain(const qb_params *p, gs_ctx *c, qb_err *err) {
  qb_idx n = 0;
  char *const *texts = qb_param_strs(p, "model", "grain_terms", &n);
  if (!c->grain_chain) {
    if (n > 0)
      return qb_param_fail(p, err, "model", "grain_terms", "is the chain grain's: set grain = chain");
    return QB_OK;
  }
  if (n < 1)
    return qb_param_fail(p, err, "model", "grain", "chain needs grain_terms (e.g. "
                         "grain_terms = ZZ:1, X:0.9045, Z:0.809)");
  qb_err e;
  qb_err_clear(&e);
  if (qb_terms_parse(texts, n, c->s.n, c->grain_periodic, NULL, &c->chain, &e) != QB_OK)
    return qb_param_fail(p, err, "model", "grain_terms", "%s", e.msg);
  c->s.chain = &c->chain;
  return QB_OK;
}

/* Everything estimate and create share: dimensions, method, window sizes. */
static qb_status parse_all(const qb_params *p, gs_ctx *c, qb_err *err) {
  memset(&c->s, 0, sizeof c->s);
  qb_param_fill(p, gs_keys, c);
  QB_TRY(read_chain(p, c, err));
  QB_TRY(check_spec(p, &c->s, err));
  c->dim = (qb_idx)1 << (c->s.n + c->s.m);
  if (c->probe < 0) c->probe = c->s.n - 1;
  if (c->probe >= c->s.n)
    return qb_param_fail(p, err, "model", "probe_qubit", "must be below N = %d", c->s.n);
  c->eigen = c->method != 4;
  c->dense = c->method == 1 || (c->method == 0 && c->dim <= c->dense_max_dim);
  c->filter = c->method == 3;
  c->mem_limit = qb_spectrum_obs_memory_limit(p);
  if (c->nev == 0) c->nev = c->dim / (c->s.n + c->s.m); /* N_A of Sec. III A */
  if (c->nev_peak == 0) c->nev_peak = 2 * c->nev;
  if (c->nev_peak > c->dim) c->nev_peak = c->dim;
  if (c->nev < 3 || c->nev > c->dim)
    return qb_param_fail(p, err, "model", "nev", "window of %lld states outside [3, dim = %lld]",
                         (long long)c->nev, (long long)c->dim);
  if (c->specfn && (!c->dense || !c->eigen))
    return qb_param_fail(p, err, "model", "specfn", "needs the full spectrum: method = dense "
                         "(dimension %lld)", (long long)c->dim);
  if (!(c->g_max > c->g_min)) return qb_param_fail(p, err, "model", "G_max", "must exceed G_min");
  QB_TRY(qb_grain_time_read(p, &c->s, &c->td, err));
  if (!c->eigen && !qb_grain_time_any(&c->td))
    return qb_param_fail(p, err, "model", "method", "none computes no eigenpairs: select "
                         "time-domain observables ([evolve] observe)");
  if (c->gamma1 == 0) {
    double w = c->s.norm == QB_GRAIN_NORM_BANDWIDTH
                   ? c->s.w
                   : 4 * qb_grain_goe_scale(&c->s) * sqrt(ldexp(1.0, c->s.n)) / c->s.n;
    c->gamma1 = c->s.v1 * c->s.v1 * ldexp(1.0, c->s.n) / (w * w * c->s.n);
  }
  return QB_OK;
}

static void add_layout(gs_ctx *c, qb_layout *L);

static qb_status gs_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  gs_ctx c;
  memset(&c, 0, sizeof c);
  qb_status st = parse_all(p, &c, err);
  if (st == QB_OK) qb_grain_time_estimate(&c.td, &c.s, e); /* its row values, memory, flops */
  qb_grain_time_clear(&c.td);
  if (st != QB_OK) return st;
  double n = (double)c.dim, dg = ldexp(1.0, c.s.n), k = (double)(c.nev + c.nev_peak);
  double csr = 16 * n * qb_grain_row_nnz(&c.s);
  if (!c.eigen) return QB_OK; /* no basis or entropy cuts: the time domain's vectors only */
  if (c.dense) {
    e->bytes = fmax(e->bytes, qb_dense_eigh_bytes(QB_REAL, n, 1) + csr); /* every pair */
    e->flops += 9 * n * n * n;
  } else if (c.filter) {
    /* the filter's Lanczos basis and vectors for the larger window (qbath/filter.h), the
     * other window's vectors, the CSR; matvecs ~ 25 dim per window (docs/filter.md) */
    qb_eigs_opts o;
    qb_filter_opts f;
    qb_eigs_defaults(&o);
    qb_filter_defaults(&f);
    o.nev = c.nev > c.nev_peak ? c.nev : c.nev_peak;
    e->bytes = fmax(e->bytes, qb_filter_bytes(n, &o, &f) +
                                  8 * n * (double)(c.nev < c.nev_peak ? c.nev : c.nev_peak) + csr);
    e->flops += 2 * 25 * n * n * (dg + 2 * c.s.m + 1);
  } else {
    /* Flops: the factor of a dense-block structured matrix (its top separators are dense
     * fronts of ~ dg 2^{M/2} rows) and the Lanczos bases. Memory: the LU of H - sigma at
     * UMFPACK's peak, measured (peak RSS less the process's, nev = 3) for N = 3 (d_g = 8)
     * at 15, 36, 151 MB for M = 8, 9, 10 and for N = 4 (d_g = 16) at 12, 40, 106 MB for
     * M = 6, 7, 8: ~4 n^1.8 (d_g / 4)^1.6 bytes within 1.4x, at most a dense LU; it also
     * gives the 0.68 and 2.4 GB of M = 11, 12 with their windows (docs/grain_spins.md)
     * within 1.2x. MUMPS's LDL^T (the default where built in) holds 0.57 of it: measured
     * N = 3, nev = nev_peak = 20, one realization, 44, 104, 294 MB peak RSS at M = 9, 10, 11
     * against 62, 157, 484 MiB estimated with the LU (issue 21). Then the Lanczos basis for
     * the larger window (3 nev + 8 vectors) with its nev Ritz vectors, and the CSR. */
    double front = fmin(n, dg * ldexp(1.0, (c.s.m + 1) / 2));
    const int mumps = qb_factor_default_type(QB_REAL) == &qb_factor_mumps;
    double lu = (mumps ? 0.57 : 1.0) * fmin(4 * pow(n, 1.8) * pow(dg / 4, 1.6), 8 * n * n);
    e->bytes =
        fmax(e->bytes, lu + 8 * n * (4 * (double)(c.nev > c.nev_peak ? c.nev : c.nev_peak) + 48) +
                           csr);
    e->flops += front * front * front + 40 * n * k * k;
  }
  e->ctx_bytes = 8.0 * (c.s_bins + c.g_bins + c.spec_bins) + 32 * n;
  qb_layout L; /* the point's own layout (no axis values: nothing is read or allocated) */
  memset(&L, 0, sizeof L);
  add_layout(&c, &L);
  e->row_values += (double)qb_layout_row_len(&L);
  return QB_OK;
}

static void gs_free(void *ctx) {
  gs_ctx *c = ctx;
  if (c == NULL) return;
  qb_free(c->ax_s);
  qb_free(c->ax_g);
  qb_free(c->ax_w);
  qb_eigobs_bipartition_free(c->cut_last);
  qb_eigobs_bipartition_free(c->cut_bath);
  qb_spin_basis_free(c->basis);
  qb_grain_time_clear(&c->td);
  qb_free(c);
}

/* Bin centres of nb bins on [lo, hi). */
static double *centres(int nb, double lo, double hi) {
  double *x = qb_malloc(sizeof(double) * (size_t)nb);
  if (x) for (int b = 0; b < nb; b++) x[b] = lo + (b + 0.5) * (hi - lo) / nb;
  return x;
}

/* The eigenstate path's columns (none with method = none). */
static void add_layout(gs_ctx *c, qb_layout *L) {
  qb_idx *o = c->off;
  if (!c->eigen) return;
  o[C_DE] =
      qb_layout_add(L, "delta_E", 1, NULL,
                    "level spacing: bandwidth/(dim-1) or of the mid-band window (key spacing)", 0);
  o[C_R] = qb_layout_add(L, "gap_ratio", 1, NULL, "mean gap ratio over the window", 1);
  o[C_S] = qb_layout_add(L, "S_last", 1, NULL,
                         "entanglement entropy of spin M (mean over the window)", 1);
  o[C_SB] =
      qb_layout_add(L, "S_bath", 1, NULL, "entanglement entropy of the coupled grain qubit", 0);
  o[C_PS] = qb_layout_add(L, "pS", c->s_bins, "S", "distribution of S_last over the window", 0);
  o[C_G] = qb_layout_add(L, "G_mean", 1, NULL, "mean Thouless parameter, Eq. (8)", 1);
  o[C_PG] = qb_layout_add(L, "pG", c->g_bins, "G", "distribution of G over the window's pairs", 0);
  o[C_GAM] = qb_layout_add(L, "gamma", 1, NULL, "tau_M^x peak width near +2 eps_M", 0);
  o[C_GDE] = qb_layout_add(L, "gamma_over_dE", 1, NULL, "gamma / delta_E (Fig. 4)", 1);
  o[C_CLIP] = qb_layout_add(L, "gamma_clipped", 1, NULL,
                            "1: the peak reached the edge of the complete range", 0);
  o[C_PW] =
      qb_layout_add(L, "peak_weight", 1, NULL, "mean weight of tau_M^x|n> in the upper window", 0);
  o[C_WP] = qb_layout_add(L, "omega_peak_over_2eps", 1, NULL, "peak position / (2 eps_M)", 0);
  o[C_RES] = qb_layout_add(L, "max_resid", 1, NULL, "largest eigenpair residual", 0);
  if (c->specfn) {
    o[C_THX] = qb_layout_add(L, "rho_th_sx1", c->spec_bins, "omega",
                             "mean_n rho_n of sigma_1^x (Eq. S5)", 0);
    o[C_LGX] = qb_layout_add(L, "logrho_sx1", c->spec_bins, "omega",
                             "mean_n log(rho_n + shift) of sigma_1^x (Eq. S3)", 0);
    o[C_THT] = qb_layout_add(L, "rho_th_txM", c->spec_bins, "omega", "mean_n rho_n of tau_M^x", 0);
    o[C_LGT] = qb_layout_add(L, "logrho_txM", c->spec_bins, "omega",
                             "mean_n log(rho_n + shift) of tau_M^x", 0);
    qb_layout_add_axis(L, "omega", c->spec_bins, c->ax_w, "frequency bin centres");
  }
  qb_layout_add_axis(L, "S", c->s_bins, c->ax_s, "bin centres of p(S) on [0, log 2]");
  qb_layout_add_axis(L, "G", c->g_bins, c->ax_g, "bin centres of p(G)");
  qb_layout_add_theory(L, "gamma_over_dE", 1, NULL, "Eq. (6) / (7) with gamma1_over_deltab");
}

static qb_status gs_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  gs_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "grain_spins: out of memory");
  qb_status st = parse_all(p, c, err);
  int sites = c->s.n + c->s.m;
  if (st == QB_OK) {
    c->ax_s = centres(c->s_bins, 0, log(2.0));
    c->ax_g = centres(c->g_bins, c->g_min, c->g_max);
    c->ax_w = centres(c->spec_bins, -c->spec_wmax, c->spec_wmax);
    if (!c->ax_s || !c->ax_g || !c->ax_w)
      st = QB_FAIL(err, QB_ERR_NOMEM, "grain_spins: out of memory");
  }
  /* the basis's state list and the two entropy cuts (dim indices each: together 2.5 state
   * vectors) serve the eigenstate path alone; method = none keeps the time domain within
   * its 6 vectors (issue 19, acceptance 5) */
  if (st == QB_OK && c->eigen) st = qb_spin_basis_create(sites, -1, &c->basis, err);
  if (st == QB_OK && c->eigen)
    st = qb_eigobs_bipartition_sites(c->basis, (uint64_t)1 << (c->s.m - 1), &c->cut_last, err);
  if (st == QB_OK && c->eigen)
    st = qb_eigobs_bipartition_sites(c->basis, (uint64_t)1 << (c->s.m + c->s.coupled_qubit),
                                     &c->cut_bath, err);
  if (st != QB_OK) {
    gs_free(c);
    return st;
  }
  add_layout(c, L);
  st = qb_grain_time_layout(&c->td, &c->s, L, err);
  if (st == QB_OK && c->td.gamma &&
      qb_layout_add_theory(L, "gamma_t_over_dE", 1, NULL, "Eq. (6) / (7) with gamma1_over_deltab") < 0)
    st = QB_FAIL(err, QB_ERR_INPUT, "grain_spins: layout full");
  if (st != QB_OK) {
    gs_free(c);
    return st;
  }
  *out = c;
  return QB_OK;
}

/* Eigenpairs of one realization: the full spectrum (dense) or the two windows. */
typedef struct gs_pairs {
  qb_eigs_result *full, *r0, *rp; /* owned */
  qb_eigs_result w0, wp;          /* the windows (views) */
  qb_idx lo0;                     /* w0's first index in full (dense) */
  double emin, emax;              /* extremal eigenvalues (spacing = bandwidth) */
} gs_pairs;

static void pairs_free(gs_pairs *P) {
  qb_eigs_result_free(P->full);
  qb_eigs_result_free(P->r0);
  qb_eigs_result_free(P->rp);
}

static qb_status solve(const gs_ctx *c, const qb_csr *A, double s0, double sp, gs_pairs *P,
                       qb_err *err) {
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.target_is_density = 0;
  o.factor.mem_limit = c->mem_limit; /* refused from the factor's own analysis past it */
  if (c->dense) {
    o.method = QB_EIGS_DENSE;
    o.nev = c->dim;
    o.target = s0;
    QB_TRY(qb_eigs_csr(A, &o, NULL, &P->full, err));
    P->lo0 = qb_grain_nearest(P->full, c->nev, s0);
    P->emin = P->full->E[0], P->emax = P->full->E[c->dim - 1];
    QB_TRY(qb_grain_window(P->full, P->lo0, c->nev, &P->w0, err));
    return qb_grain_window(P->full, qb_grain_nearest(P->full, c->nev_peak, sp), c->nev_peak, &P->wp,
                           err);
  }
  qb_factor *F = NULL; /* one analysis of the pattern, two numeric factorizations */
  o.method = c->filter ? QB_EIGS_FILTER : QB_EIGS_SHIFT_INVERT; /* the filter needs no F */
  o.nev = c->nev;
  o.target = s0;
  /* No lock here: the solver serializes ARPACK's reverse-communication loops itself
   * (solve/eigs_arpack.c), so the factorizations of concurrent realizations overlap. */
  qb_status st = qb_eigs_csr(A, &o, &F, &P->r0, err);
  o.nev = c->nev_peak;
  o.target = sp;
  if (st == QB_OK) st = qb_eigs_csr(A, &o, &F, &P->rp, err);
  /* The paper's delta_E is bandwidth over dimension: the extremal pair by Lanczos. */
  if (st == QB_OK && !c->spacing_window)
    st = qb_eigs_bounds(A, o.bounds_tol, o.seed, &P->emin, &P->emax, err);
  qb_factor_free(F);
  if (st == QB_OK) st = qb_grain_window(P->r0, 0, c->nev, &P->w0, err);
  if (st == QB_OK) st = qb_grain_window(P->rp, 0, c->nev_peak, &P->wp, err);
  return st;
}

/* Entanglement of spin M and of the coupled grain qubit over window 0. */
static qb_status entropies(const gs_ctx *c, const qb_eigs_result *w, double *row, qb_err *err) {
  double *ps = row + c->off[C_PS], sl = 0, sb = 0;
  memset(ps, 0, sizeof(double) * (size_t)c->s_bins);
  for (qb_idx j = 0; j < w->nev; j++) {
    const double *v = (const double *)w->V + j * w->dim;
    double a, b;
    QB_TRY(qb_eigobs_entanglement(c->cut_last, QB_REAL, v, &a, NULL, err));
    QB_TRY(qb_eigobs_entanglement(c->cut_bath, QB_REAL, v, &b, NULL, err));
    sl += a, sb += b;
    int bin = (int)(a / log(2.0) * c->s_bins);
    bin = bin < 0 ? 0 : bin >= c->s_bins ? c->s_bins - 1 : bin; /* S = log 2 in the last bin */
    ps[bin] += 1.0 / (double)w->nev;
  }
  row[c->off[C_S]] = sl / (double)w->nev;
  row[c->off[C_SB]] = sb / (double)w->nev;
  return QB_OK;
}

/* Thouless parameter over window 0 with O = sigma^z of the probe qubit. */
static qb_status thouless(const gs_ctx *c, const qb_eigs_result *w, double *row, qb_err *err) {
  qb_op *O = NULL;
  double *G = qb_malloc(sizeof(double) * (size_t)w->nev);
  if (G == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "grain_spins: out of memory");
  qb_status st = qb_grain_local_op(&c->s, 'Z', c->s.m + c->probe, &O, err);
  if (st == QB_OK) st = qb_eigobs_thouless(w, O, G, err);
  if (st == QB_OK) {
    double *pg = row + c->off[C_PG], sum = 0, dg = (c->g_max - c->g_min) / c->g_bins;
    qb_idx n = 0;
    memset(pg, 0, sizeof(double) * (size_t)c->g_bins);
    for (qb_idx j = 0; j + 1 < w->nev; j++) {
      if (!isfinite(G[j])) continue; /* an exactly vanishing element or degenerate pair */
      sum += G[j], n++;
      double x = (G[j] - c->g_min) / dg;
      if (x >= 0 && x < c->g_bins) pg[(int)x] += 1.0;
    }
    for (int b = 0; b < c->g_bins; b++) pg[b] /= (double)(n > 0 ? n : 1) * dg; /* density */
    row[c->off[C_G]] = n > 0 ? sum / (double)n : NAN;
  }
  qb_op_free(O);
  qb_free(G);
  return st;
}

static qb_status observables(const gs_ctx *c, const gs_pairs *P, double eps_m, double *row,
                             qb_err *err) {
  const qb_eigs_result *w = &P->w0;
  /* Potirniche: delta_b ~ W / 2^N with W = E_max - E_min (Sec. S1) and, in Eq. (6),
   * delta_E = w (N+M-1) / 2^{N+M-1}: the mean spacing over the whole spectrum, not the
   * (smaller, ~ pi/4 of it) local spacing at mid-band (`spacing = window`). */
  double dE = c->spacing_window ? (w->E[w->nev - 1] - w->E[0]) / (double)(w->nev - 1)
                                : (P->emax - P->emin) / (double)(c->dim - 1);
  row[c->off[C_DE]] = dE;
  row[c->off[C_R]] = qb_level_stats_gap_ratio_mean(w->E, w->nev, 1, 0, w->nev, NULL);
  row[c->off[C_RES]] = fmax(P->w0.max_resid, P->wp.max_resid);
  QB_TRY(entropies(c, w, row, err));
  QB_TRY(thouless(c, w, row, err));
  qb_grain_peak pk;
  QB_TRY(qb_grain_peak_width(w, &P->wp, c->s.m - 1, dE, &pk, err));
  row[c->off[C_GAM]] = pk.gamma;
  row[c->off[C_GDE]] = pk.gamma / dE;
  row[c->off[C_CLIP]] = pk.clipped;
  row[c->off[C_PW]] = pk.weight;
  row[c->off[C_WP]] = pk.omega_peak / (2 * eps_m);
  if (c->specfn) {
    int sx1 = c->s.m + c->s.coupled_qubit, txm = c->s.m - 1;
    QB_TRY(qb_grain_specfn(w, P->lo0, P->full, sx1, c->spec_bins, c->spec_wmax, c->spec_shift,
                           row + c->off[C_THX], row + c->off[C_LGX], err));
    QB_TRY(qb_grain_specfn(w, P->lo0, P->full, txm, c->spec_bins, c->spec_wmax, c->spec_shift,
                           row + c->off[C_THT], row + c->off[C_LGT], err));
  }
  return QB_OK;
}

/* H's stored matrix for the eigenstate path: the Kronecker operator's CSR (GOE grain) or
 * the Pauli sum's (chain grain). */
static qb_status stored_h(const gs_ctx *c, const double *A, const double *eps,
                          const qb_pauli_sum *sum, qb_csr **S, qb_err *err) {
  if (sum) return qb_spin_sum_to_csr(sum, c->basis, S, err);
  qb_op *H = NULL;
  qb_status st = qb_grain_op(&c->s, A, eps, &H, err);
  if (st == QB_OK) st = qb_kron_to_csr(H->impl, S, err);
  qb_op_free(H);
  return st;
}

/* The time domain's H (matrix-free), sigma_0 and energy variance. */
static qb_status time_h(const gs_ctx *c, const double *A, const double *eps,
                        const qb_pauli_sum *sum, double sigma0, const qb_task *t,
                        qb_grain_time_h *h, qb_err *err) {
  h->sigma0 = sigma0, h->eps_m = eps[c->s.m - 1];
  if (!sum) {
    h->variance = qb_grain_energy_variance(&c->s, A, eps);
    return qb_grain_op_fast(&c->s, A, eps, &h->H, err);
  }
  qb_spin_basis *B = NULL; /* no state list: the full space */
  qb_status st = qb_spin_basis_create_lean(c->s.n + c->s.m, -1, &B, err);
  if (st == QB_OK) st = qb_spin_op_from_sum(sum, B, t->nthreads, &h->H, err);
  qb_spin_basis_free(B);
  qb_rng r; /* the chain's Pauli strings may repeat: the variance by one typical state */
  qb_rng_init(&r, t->seed, t->point, t->realization, QB_GRAIN_PURPOSE_CHAIN - 1);
  if (st == QB_OK) st = qb_grain_variance_typical(h->H, sigma0, &r, &h->variance, err);
  return st;
}

static qb_status gs_realize(const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const gs_ctx *c = ctx;
  qb_idx dg = (qb_idx)1 << c->s.n;
  const int chain = c->s.chain != NULL; /* the chain grain stores no d_g x d_g matrix */
  double *A = chain ? NULL : qb_malloc(sizeof(double) * (size_t)(dg * dg)),
         *eps = qb_malloc(sizeof(double) * (size_t)c->s.m);
  qb_pauli_sum *sum = NULL;
  qb_csr *S = NULL;
  qb_grain_time_h h = {NULL, 0, 0, 0};
  gs_pairs P;
  memset(&P, 0, sizeof P);
  qb_status st =
      (A || chain) && eps ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "grain_spins: out of memory");
  /* Paired design: the disorder stream ignores the sweep point, so realization r is the
   * same bubble at every M, xi, alpha; each point's mean and error stay those of
   * independent realizations, and differences between points lose the common spread. */
  uint64_t disorder_point = c->paired ? 0 : t->point;
  if (st == QB_OK) st = qb_grain_draw(&c->s, t->seed, disorder_point, t->realization, A, eps, err);
  if (st == QB_OK && chain)
    st = qb_grain_chain_sum(&c->s, eps, t->seed, disorder_point, t->realization, &sum, err);
  double tr = 0; /* sigma_0 = tr H / dim: tr A / d_g for the GOE (the spin terms are traceless) */
  if (st == QB_OK) {
    if (chain) tr = qb_grain_sum_trace(sum);
    else {
      for (qb_idx g = 0; g < dg; g++) tr += A[g * dg + g];
      tr /= (double)dg;
    }
  }
  if (st == QB_OK && c->eigen) st = stored_h(c, A, eps, sum, &S, err);
  if (st == QB_OK && c->eigen) st = solve(c, S, tr, tr + 2 * eps[c->s.m - 1], &P, err);
  if (st == QB_OK && c->eigen) st = observables(c, &P, eps[c->s.m - 1], row, err);
  pairs_free(&P); /* the eigenstate path's memory is free before the time domain runs */
  qb_csr_free(S);
  /* The time domain on the same realization (its columns beside the eigenstate ones). */
  if (st == QB_OK && qb_grain_time_any(&c->td)) st = time_h(c, A, eps, sum, tr, t, &h, err);
  if (st == QB_OK) st = qb_grain_time_realize(&c->td, &c->s, c->probe, c->nev, &h, t, row, err);
  qb_op_free(h.H);
  qb_spin_sum_free(sum);
  qb_free(eps);
  qb_free(A);
  return st;
}

static qb_status gs_theory(const void *ctx, double *out, qb_err *err) {
  const gs_ctx *c = ctx;
  (void)err;
  int k = 0; /* one value per theory column: the eigenstate gamma, the time-domain gamma */
  if (c->eigen) out[k++] = qb_grain_eq6(&c->s, c->gamma1);
  if (c->td.gamma) out[k++] = qb_grain_eq6(&c->s, c->gamma1);
  return QB_OK;
}

const qb_model qb_model_grain_spins = {
    .name = "grain_spins",
    .doc = "GOE grain coupled to localized spins (Potirniche 2019, DRH/Crowley-Chandran 2022): "
           "mid-band eigenstates",
    .keys = gs_tables,
    QB_MODEL_HOOKS(gs),
    .theory = gs_theory,
};
