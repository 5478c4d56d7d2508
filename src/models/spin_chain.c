/* spin_chain.c — model `spin_chain`: a spin-1/2 chain from Pauli-string terms written in
 * the input, couplings fixed or drawn per site/bond, diagonalized densely.
 *
 * [model] terms is a comma list of terms OPS:AMP[:DIST][@SITES]:
 *   OPS    1..8 letters of X Y Z + - placed on consecutive sites j, j+1, ... (Pauli
 *          matrices, sigma not S = sigma/2; "+" is sigma^+ = (X + iY)/2)
 *   AMP    a number, a parameter name (J Delta h W g), or number*name: "0.25*J"
 *   DIST   fixed (default): the coupling is AMP on every placement;
 *          uniform: AMP * U(-1, 1) drawn per placement; normal: AMP * N(0, 1)
 *   SITES  @j: only the placement starting at site j; @a-b: starting sites a..b;
 *          default: every placement (open: j = 0..L-k; periodic: j = 0..L-1, wrapping)
 * Examples (the MBL convention H = J sum S.S + sum h_j S^z, h_j in [-W, W]):
 *   Heisenberg:              terms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J
 *   random-field Heisenberg: terms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform
 * Disorder: term t draws from the Philox stream (seed, point, realization, 1 + t), one
 * value per placement in order of the starting site, so adding a term does not change
 * the draws of the others.
 *
 * Observables (spectrum_obs.h: dense ED or shift-invert by [eigen] method): the gap ratio,
 * the spectrum's bounds e_min, e_max, and with [eigen] entanglement = true the half-chain
 * entanglement entropy (sites 0 .. L/2 - 1) averaged over the nev eigenstates nearest the
 * target energy density. [eigen] method = none skips them. Time domain ([evolve] observe,
 * models/shared/dynamics.h): survival probability of a random, Neel or basis state and the
 * infinite-temperature sigma^z autocorrelation on the [evolve] time grid, and its spectral
 * function ([evolve] observe = spectral; [spectral] method = signal | lehmann). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/shared/dynamics.h"
#include "models/shared/spectrum_obs.h"
#include "qbath/alloc.h"
#include "qbath/csr.h"
#include "qbath/dense.h"
#include "qbath/level_stats.h"
#include "qbath/model.h"
#include "qbath/rng.h"
#include "qbath/spin.h"

enum { MAX_TERMS = 64, DIST_FIXED = 0, DIST_UNIFORM = 1, DIST_NORMAL = 2 };

static const char *const param_names[] = {"J", "Delta", "h", "W", "g"};
enum { NPARAMS = sizeof param_names / sizeof param_names[0] };

static const qb_key sc_keys[] = {
    {"model", "L", QB_KEY_INT, NULL, 2, QB_SPIN_MAX_SITES, NULL, "", NULL, "number of sites", 1},
    {"model", "terms", QB_KEY_STRING_LIST, NULL, 0, -1, NULL, "", NULL,
     "Hamiltonian terms OPS:AMP[:fixed|uniform|normal][@j|@a-b] (see spin_chain.c)", 1},
    {"model", "boundary", QB_KEY_ENUM, "open", 0, -1, "open|periodic", "", NULL,
     "open or periodic chain", 1},
    {"model", "n_up", QB_KEY_INT, "-1", -1, QB_SPIN_MAX_SITES, NULL, "", NULL,
     "magnetization sector: number of up spins (-1: the full 2^L space)", 1},
    {"model", "J", QB_KEY_REAL, "1", QB_ANY, NULL, "energy", NULL, "parameter usable in terms", 1},
    {"model", "Delta", QB_KEY_REAL, "1", QB_ANY, NULL, "", NULL, "parameter usable in terms", 1},
    {"model", "h", QB_KEY_REAL, "0", QB_ANY, NULL, "energy", NULL, "parameter usable in terms", 1},
    {"model", "W", QB_KEY_REAL, "0", QB_ANY, NULL, "energy", NULL, "parameter usable in terms (disorder)", 1},
    {"model", "g", QB_KEY_REAL, "0", QB_ANY, NULL, "energy", NULL, "parameter usable in terms", 1},
    {"eigen", "entanglement", QB_KEY_BOOL, "false", 0, 1, NULL, "", NULL,
     "half-chain entanglement entropy of the nev eigenstates nearest the target", 1},
    QB_KEY_END};
static const qb_key *const sc_tables[] = {sc_keys, qb_eigen_keys, qb_evolve_keys,
                                          qb_dynamics_keys, qb_spectral_keys, NULL};

typedef struct sc_term {
  char ops[QB_PAULI_MAX_OPS + 1];
  int k;              /* number of ops */
  double amp;
  int dist;
  int first, last;    /* starting sites */
} sc_term;

typedef struct sc_ctx {
  int L, periodic, nterms;
  sc_term terms[MAX_TERMS];
  qb_spin_basis *basis;
  qb_bipartition *half;   /* sites 0 .. L/2 - 1 (NULL without entanglement) */
  qb_spectrum_obs obs;
  qb_dyn dyn;             /* time-domain observables */
} sc_ctx;

/* AMP: number, name, or number*name. */
static int parse_amp(const qb_params *p, const char *s, double *amp) {
  char *end;
  double f = strtod(s, &end);
  const char *name = s;
  if (end != s) {
    if (*end == '\0') return (*amp = f), 1;
    if (*end != '*') return 0;
    name = end + 1;
  } else {
    f = 1;
  }
  for (int i = 0; i < NPARAMS; i++)
    if (!strcmp(name, param_names[i])) return (*amp = f * qb_param_real(p, "model", param_names[i])), 1;
  return 0;
}

/* One term "OPS:AMP[:DIST][@SITES]"; fills t or reports which part is wrong. */
static qb_status parse_term(const qb_params *p, int L, int periodic, const char *text, sc_term *t,
                            qb_err *err) {
  char buf[128];
  if (strlen(text) >= sizeof buf)
    return qb_param_fail(p, err, "model", "terms", "term '%s' is too long", text);
  snprintf(buf, sizeof buf, "%s", text);
  memset(t, 0, sizeof *t);
  char *at = strchr(buf, '@');
  if (at) *at++ = '\0';
  char *amp = strchr(buf, ':');
  if (amp == NULL)
    return qb_param_fail(p, err, "model", "terms", "term '%s': expected OPS:AMP (e.g. ZZ:0.25*J)", text);
  *amp++ = '\0';
  char *dist = strchr(amp, ':');
  if (dist) *dist++ = '\0';
  t->k = (int)strlen(buf);
  if (t->k < 1 || t->k > QB_PAULI_MAX_OPS || t->k > L || strspn(buf, "XYZ+-") != (size_t)t->k)
    return qb_param_fail(p, err, "model", "terms", "term '%s': OPS '%s' must be 1..%d letters of "
                         "XYZ+- (and at most L)", text, buf, QB_PAULI_MAX_OPS);
  snprintf(t->ops, sizeof t->ops, "%s", buf);
  if (!parse_amp(p, amp, &t->amp))
    return qb_param_fail(p, err, "model", "terms", "term '%s': AMP '%s' must be a number, one of "
                         "J Delta h W g, or number*name", text, amp);
  if (dist == NULL || !strcmp(dist, "fixed")) t->dist = DIST_FIXED;
  else if (!strcmp(dist, "uniform")) t->dist = DIST_UNIFORM;
  else if (!strcmp(dist, "normal")) t->dist = DIST_NORMAL;
  else return qb_param_fail(p, err, "model", "terms", "term '%s': DIST '%s' must be fixed, uniform "
                            "or normal", text, dist);
  int maxstart = periodic ? L - 1 : L - t->k;
  t->first = 0, t->last = maxstart;
  if (at) {
    char *dash = strchr(at, '-');
    char *e1, *e2;
    long a = strtol(at, &e1, 10), b = dash ? strtol(dash + 1, &e2, 10) : a;
    if (e1 == at || (dash ? (e1 != dash || *e2 != '\0') : *e1 != '\0') || a < 0 || b < a || b > maxstart)
      return qb_param_fail(p, err, "model", "terms", "term '%s': SITES '@%s' must be @j or @a-b with "
                           "0 <= a <= b <= %d", text, at, maxstart);
    t->first = (int)a, t->last = (int)b;
  }
  return QB_OK;
}

static qb_status parse_all(const qb_params *p, sc_ctx *c, qb_err *err) {
  c->L = (int)qb_param_int(p, "model", "L");
  c->periodic = qb_param_enum(p, "model", "boundary") == 1;
  qb_idx n;
  char *const *terms = qb_param_strs(p, "model", "terms", &n);
  if (n < 1 || n > MAX_TERMS)
    return qb_param_fail(p, err, "model", "terms", "give 1..%d terms", MAX_TERMS);
  for (qb_idx i = 0; i < n; i++) QB_TRY(parse_term(p, c->L, c->periodic, terms[i], &c->terms[i], err));
  c->nterms = (int)n;
  return QB_OK;
}

static double sector_dim(int L, int n_up) {
  if (n_up < 0) return ldexp(1.0, L);
  double d = 1;
  for (int i = 0; i < n_up; i++) d = d * (L - i) / (i + 1);
  return d;
}

static qb_status sc_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  sc_ctx c;
  memset(&c, 0, sizeof c);
  QB_TRY(parse_all(p, &c, err));
  int n_up = (int)qb_param_int(p, "model", "n_up");
  if (n_up > c.L) return qb_param_fail(p, err, "model", "n_up", "must be at most L = %d", c.L);
  double dim = sector_dim(c.L, n_up);
  const int eigen = qb_spectrum_obs_enabled(p);
  if (eigen && (double)qb_param_int(p, "eigen", "nev") > dim)
    return qb_param_fail(p, err, "eigen", "nev", "exceeds the Hilbert-space dimension %.0f", dim);
  /* nonzeros: at most one per row and term placement, plus the diagonal */
  double nnz = dim * (1.0 + (double)c.nterms * c.L);
  qb_spectrum_obs_estimate(p, dim, nnz, e);
  e->bytes += 200 * dim * c.nterms; /* the builder's triplets */
  e->ctx_bytes = 8 * dim;
  qb_dyn dyn;
  QB_TRY(qb_dyn_read(p, c.L, (qb_idx)dim, &dyn, err));
  qb_dyn_estimate(&dyn, dim, nnz, e);
  const int dynamics = qb_dyn_any(&dyn);
  qb_dyn_clear(&dyn);
  if (!eigen && !dynamics)
    return qb_param_fail(p, err, "eigen", "method", "nothing to compute: method = none and no [evolve] observe");
  return QB_OK;
}

static void sc_free(void *ctx) {
  sc_ctx *c = ctx;
  if (c == NULL) return;
  qb_spin_basis_free(c->basis);
  qb_bipartition_free(c->half);
  qb_dyn_clear(&c->dyn);
  qb_free(c);
}

static qb_status sc_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  sc_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "spin_chain: out of memory");
  qb_status st = parse_all(p, c, err);
  if (st == QB_OK) st = qb_spin_basis_create(c->L, (int)qb_param_int(p, "model", "n_up"), &c->basis, err);
  int entropy = qb_param_bool(p, "eigen", "entanglement");
  if (st == QB_OK && entropy)
    st = qb_bipartition_sites(c->basis, (UINT64_C(1) << (c->L / 2)) - 1, &c->half, err);
  if (st == QB_OK) st = qb_spectrum_obs_init(p, entropy, &c->obs, L, err);
  if (st == QB_OK) st = qb_dyn_read(p, c->L, c->basis->dim, &c->dyn, err);
  if (st == QB_OK) st = qb_dyn_layout(&c->dyn, L, err);
  if (st != QB_OK) {
    sc_free(c);
    return st;
  }
  *out = c;
  return QB_OK;
}

/* The realization's Hamiltonian as a Pauli sum (couplings drawn per placement). */
static qb_status build_sum(const sc_ctx *c, const qb_task *t, qb_pauli_sum **out, qb_err *err) {
  QB_TRY(qb_pauli_sum_create(c->L, out, err));
  for (int i = 0; i < c->nterms; i++) {
    const sc_term *tm = &c->terms[i];
    qb_rng r;
    qb_rng_init(&r, t->seed, t->point, t->realization, 1 + (uint64_t)i);
    for (int j = tm->first; j <= tm->last; j++) {
      int sites[QB_PAULI_MAX_OPS];
      for (int q = 0; q < tm->k; q++) sites[q] = (j + q) % c->L;
      double v = tm->dist == DIST_FIXED ? tm->amp
                 : tm->dist == DIST_UNIFORM ? tm->amp * (2 * qb_rng_uniform(&r) - 1)
                                            : tm->amp * qb_rng_normal(&r);
      qb_status st = qb_pauli_sum_add(*out, v, tm->ops, sites, err);
      if (st != QB_OK) {
        *out = qb_pauli_sum_free(*out);
        return st;
      }
    }
  }
  return QB_OK;
}

static qb_status sc_realize(const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const sc_ctx *c = ctx;
  qb_pauli_sum *H = NULL;
  qb_csr *A = NULL;
  double defect = 0;
  qb_status st = build_sum(c, t, &H, err);
  if (st == QB_OK) st = qb_pauli_sum_to_csr(H, c->basis, &A, err);
  if (st == QB_OK) st = qb_csr_hermiticity(A, &defect, err);
  if (st == QB_OK && defect > 1e-12)
    st = QB_FAIL(err, QB_ERR_INPUT, "spin_chain: the terms give a non-Hermitian H (relative defect "
                 "%.3g); add the Hermitian conjugate of each sigma^+/- term", defect);
  if (st == QB_OK) st = qb_spectrum_obs_compute(&c->obs, A, c->half, row, err);
  if (st == QB_OK) st = qb_dyn_realize(&c->dyn, A, c->basis, t, t->nthreads, row, err);
  qb_csr_free(A);
  qb_pauli_sum_free(H);
  return st;
}

const qb_model qb_model_spin_chain = {
    .name = "spin_chain",
    .doc = "spin-1/2 chain from Pauli-string terms with fixed or random couplings (dense ED or shift-invert; time domain)",
    .keys = sc_tables,
    .estimate = sc_estimate,
    .point_create = sc_create,
    .point_free = sc_free,
    .realize = sc_realize,
};
