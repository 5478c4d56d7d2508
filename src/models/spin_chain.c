/* spin_chain.c — model `spin_chain`: a spin-1/2 chain from Pauli-string terms written in
 * the input, couplings fixed or drawn per site/bond, diagonalized densely.
 *
 * [model] terms is a comma list of terms OPS:AMP[:DIST][@SITES] in the terms language
 * (qbath/terms.h, docs/terms.md); AMP may name the parameters J Delta h W g and L. Example (the
 * MBL convention H = J sum S.S + sum h_j S^z, h_j in [-W, W]):
 *   random-field Heisenberg: terms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform
 * Disorder: term t draws from the Philox stream (seed, point, realization, 1 + t).
 *
 * Observables (spectrum_obs.h: dense ED or shift-invert by [eigen] method): the gap ratio,
 * the spectrum's bounds e_min, e_max, and with [eigen] entanglement = true the
 * entanglement entropy of sites 0 .. cut - 1 ([eigen] entanglement_cut, the half chain L/2
 * by default) averaged over the nev eigenstates nearest the target energy density; in a
 * sector it is computed block by block and never forms the 2^L space (qbath/eigobs.h). [eigen]
 * method = none skips them. Time domain ([evolve] observe,
 * models/shared/dynamics.h): survival probability of a random, Neel or basis state, its
 * imbalance and local magnetizations, and the infinite-temperature sigma^z autocorrelation
 * on the [evolve] time grid, and its spectral function ([evolve] observe = spectral;
 * [spectral] method = signal | lehmann). [model] operator picks how evolution applies H:
 * the stored CSR or the matrix-free operator of qbath/spin_op.h (no matrix and no sector
 * state list: only state vectors in memory, for L = 28-30). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/shared/dynamics.h"
#include "models/shared/spectrum_obs.h"
#include "qbath/alloc.h"
#include "qbath/csr.h"
#include "qbath/dense.h"
#include "qbath/dynobs.h"
#include "qbath/level_stats.h"
#include "qbath/model.h"
#include "qbath/spin.h"
#include "qbath/spin_op.h"
#include "qbath/terms.h"

enum { OP_CSR = 0, OP_MATRIX_FREE = 1, OP_AUTO = 2 };

/* names an AMP may use: the real [model] parameters, then the chain length L */
static const char *const param_names[] = {"J", "Delta", "h", "W", "g", "L"};
enum { NPARAMS = sizeof param_names / sizeof param_names[0] - 1 };

typedef struct sc_ctx {
  int L, periodic;
  int n_up;               /* magnetization sector (-1: the full space) */
  int op_mode;            /* [model] operator: OP_CSR, OP_MATRIX_FREE, OP_AUTO */
  int entropy;            /* [eigen] entanglement */
  int cut;                /* [eigen] entanglement_cut: sites 0 .. cut - 1 (0: L/2) */
  qb_terms terms;         /* the parsed [model] terms (qbath/terms.h) */
  qb_named_ops ops;       /* [observables] NAME = terms */
  qb_spin_basis *basis;
  qb_bipartition *half;   /* sites 0 .. cut - 1, cut = L/2 by default (NULL without entanglement) */
  qb_spectrum_obs obs;
  qb_dyn dyn;             /* time-domain observables */
  int eigen;              /* the [eigen] observables are computed */
  int need_csr;           /* some path needs the stored matrix */
  int matrix_free;        /* time evolution applies H matrix-free */
} sc_ctx;

static const qb_key sc_keys[] = {
    {"model", "L", QB_KEY_INT, NULL, 2, QB_SPIN_MAX_SITES, NULL, "", NULL, "number of sites", 1,
     QB_FIELD(sc_ctx, L)},
    {"model", "terms", QB_KEY_STRING_LIST, NULL, 0, -1, NULL, "", NULL,
     "Hamiltonian terms OPS:AMP[:fixed|uniform|normal|staggered][@j|@a-b] (docs/terms.md)", 1},
    {"model", "boundary", QB_KEY_ENUM, "open", 0, -1, "open|periodic", "", NULL,
     "open or periodic chain", 1, QB_FIELD(sc_ctx, periodic)},
    {"model", "n_up", QB_KEY_INT, "-1", -1, QB_SPIN_MAX_SITES, NULL, "", NULL,
     "magnetization sector: number of up spins (-1: the full 2^L space)", 1,
     QB_FIELD(sc_ctx, n_up)},
    {"model", "operator", QB_KEY_ENUM, "auto", 0, -1, "csr|matrix_free|auto", "", NULL,
     "how time evolution applies H: csr (stored matrix), matrix_free (recomputed from the "
     "terms at every apply: only state vectors in memory), auto (matrix_free when no "
     "[eigen] path needs the matrix and the CSR would take more than 64 MiB, where "
     "matrix_free is faster, or more than half the memory); eigenpairs always use the CSR",
     1, QB_FIELD(sc_ctx, op_mode)},
    {"model", "J", QB_KEY_REAL, "1", QB_ANY, NULL, "energy", NULL, "parameter usable in terms", 1},
    {"model", "Delta", QB_KEY_REAL, "1", QB_ANY, NULL, "", NULL, "parameter usable in terms", 1},
    {"model", "h", QB_KEY_REAL, "0", QB_ANY, NULL, "energy", NULL, "parameter usable in terms", 1},
    {"model", "W", QB_KEY_REAL, "0", QB_ANY, NULL, "energy", NULL,
     "parameter usable in terms (disorder)", 1},
    {"model", "g", QB_KEY_REAL, "0", QB_ANY, NULL, "energy", NULL, "parameter usable in terms", 1},
    {"eigen", "entanglement", QB_KEY_BOOL, "false", 0, 1, NULL, "", NULL,
     "entanglement entropy of the nev eigenstates nearest the target (cut: entanglement_cut)", 1,
     QB_FIELD(sc_ctx, entropy)},
    {"eigen", "entanglement_cut", QB_KEY_INT, "0", 0, QB_SPIN_MAX_SITES - 1, NULL, "", NULL,
     "subsystem A of the entanglement entropy: sites 0 .. cut - 1 (0: the half chain, L/2)", 1,
     QB_FIELD(sc_ctx, cut)},
    QB_KEY_END};
static const qb_key *const sc_tables[] = {sc_keys, qb_eigen_keys, qb_evolve_keys, qb_dynamics_keys,
                                          qb_spectral_keys, qb_state_out_keys, qb_named_ops_keys,
                                          NULL};

static qb_status parse_all(const qb_params *p, sc_ctx *c, qb_err *err) {
  qb_param_fill(p, sc_keys, c);
  double values[NPARAMS + 1];
  for (int i = 0; i < NPARAMS; i++) values[i] = qb_param_real(p, "model", param_names[i]);
  values[NPARAMS] = c->L;
  const qb_terms_names names = {NPARAMS + 1, param_names, values};
  qb_idx n;
  char *const *terms = qb_param_strs(p, "model", "terms", &n);
  qb_err e;
  qb_err_clear(&e);
  if (qb_terms_parse(terms, n, c->L, c->periodic, &names, &c->terms, &e) != QB_OK)
    return qb_param_fail(p, err, "model", "terms", "%s", e.msg);
  return qb_named_ops_read(p, c->L, c->periodic, &names, &c->ops, err);
}

static double sector_dim(int L, int n_up) {
  if (n_up < 0) return ldexp(1.0, L);
  double d = 1;
  for (int i = 0; i < n_up; i++) d = d * (L - i) / (i + 1);
  return d;
}

/* auto chooses matrix-free past this CSR size, where it is the faster operator: per
 * Chebyshev order it took 0.79-0.92x the CSR's time once the CSR outgrew the caches (L = 20
 * full space, 185 MB; L = 22 and 24) and 1.1x where the CSR stayed cached (L = 20 Sz = 0,
 * 28 MB), and it skips the build (`qbath bench spmv`, table in docs/evolve.md). */
#define SC_MFREE_FASTER_BYTES (64.0 * 1024 * 1024)

/* Which paths need the CSR: the eigenpairs ([eigen], survival_eig, the lehmann spectral
 * function) always; time evolution only when operator = csr, or auto, small and fits. */
static void choose_operator(const qb_params *p, sc_ctx *c, double csr_bytes) {
  c->eigen = qb_spectrum_obs_enabled(p);
  c->need_csr =
      c->eigen || c->dyn.survival_eig || (c->dyn.spectral && c->dyn.sp.method == QB_SPEC_LEHMANN);
  const int mode = c->op_mode;
  const double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
  c->matrix_free =
      qb_dynamics_any(&c->dyn) &&
      (mode == OP_MATRIX_FREE ||
       (mode == OP_AUTO && !c->need_csr &&
        (csr_bytes > SC_MFREE_FASTER_BYTES || csr_bytes > 0.5 * phys)));
  if (!c->matrix_free && qb_dynamics_any(&c->dyn)) c->need_csr = 1;
}

/* Entries per row of the CSR, from realization 0's terms (the pattern does not depend on
 * the drawn values), and the bytes of the CSR with 64-bit indices. */
static qb_status csr_size(const sc_ctx *c, int n_up, double dim, double *nnz, double *bytes,
                          qb_err *err) {
  qb_pauli_sum *H = NULL;
  qb_spin_basis *B = NULL;
  double per_row = 0;
  int is_complex = 0;
  qb_status st = qb_terms_build(&c->terms, 0, 0, 0, 1, &H, err); /* realization 0 */
  if (st == QB_OK) st = qb_spin_basis_create_lean(c->L, n_up, &B, err);
  if (st == QB_OK) st = qb_spin_op_nnz_per_row(H, B, &per_row, &is_complex, err);
  qb_spin_basis_free(B);
  qb_spin_sum_free(H);
  *nnz = per_row * dim;
  *bytes = *nnz * (8.0 + (is_complex ? 16.0 : 8.0)) + 8.0 * (dim + 1);
  return st;
}

static qb_status sc_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  sc_ctx c;
  memset(&c, 0, sizeof c);
  QB_TRY(parse_all(p, &c, err));
  e->bytes = e->flops = e->ctx_bytes = 0;
  const int n_up = c.n_up;
  if (n_up > c.L) return qb_param_fail(p, err, "model", "n_up", "must be at most L = %d", c.L);
  if (c.cut >= c.L)
    return qb_param_fail(p, err, "eigen", "entanglement_cut", "must be below L = %d", c.L);
  double dim = sector_dim(c.L, n_up), nnz, csr_bytes;
  if (qb_spectrum_obs_enabled(p) && (double)qb_spectrum_obs_nev(p) > dim)
    return qb_param_fail(p, err, "eigen", "nev", "exceeds the Hilbert-space dimension %.0f", dim);
  QB_TRY(csr_size(&c, n_up, dim, &nnz, &csr_bytes, err));
  qb_status st = qb_dynamics_read(p, c.L, (qb_idx)dim, &c.ops, &c.dyn, err);
  if (st == QB_OK) choose_operator(p, &c, csr_bytes);
  if (st == QB_OK && c.eigen)
    st = qb_spectrum_obs_estimate(p, dim, nnz, qb_terms_complex(&c.terms),
                                  c.entropy, &c.ops, e, err);
  if (st == QB_OK) {
    qb_estimate dyn;
    memset(&dyn, 0, sizeof dyn);
    qb_dynamics_estimate(&c.dyn, dim, nnz, qb_terms_complex(&c.terms), &dyn);
    /* the peak: the stored matrix where one is needed (its builder's temporary row
     * pointers are fewer bytes than the state vectors that follow) and the propagation's
     * state vectors; matrix-free, the vectors alone (the tables are kilobytes). An eigen
     * path of the dynamics (survival_eig, diagonal, Lehmann) shares the realization's
     * diagonalization with [eigen]'s: the larger of the two. Without any eigen path the
     * matrix is narrowed before the vectors exist (4 bytes less per nonzero): then the
     * peak is the larger of the 64-bit build and the narrow matrix with the vectors. */
    const double op = c.need_csr ? csr_bytes : 0.0, vec = qb_dynamics_vectors(&c.dyn) * 16.0 * dim;
    const int narrowed = c.need_csr && !c.eigen && !qb_dynamics_uses_eigen(&c.dyn);
    const double narrow = narrowed ? 4.0 * nnz : 0.0;
    e->bytes = fmax(e->bytes, dyn.bytes - vec - 24 * nnz) + fmax(op, op - narrow + vec);
    e->flops += c.matrix_free ? 2.0 * dyn.flops : dyn.flops; /* elements recomputed: ~2x */
    e->row_values += dyn.row_values;
    e->ctx_bytes = c.need_csr && n_up >= 0 ? 8.0 * dim : 0.0; /* the sector's state list */
  }
  const int dynamics = qb_dynamics_any(&c.dyn);
  qb_dynamics_clear(&c.dyn);
  if (st != QB_OK) return st;
  if (!c.eigen && !dynamics)
    return qb_param_fail(p, err, "eigen", "method",
                         "nothing to compute: method = none and no [evolve] observe");
  return QB_OK;
}

static void sc_free(void *ctx) {
  sc_ctx *c = ctx;
  if (c == NULL) return;
  qb_spin_basis_free(c->basis);
  qb_eigobs_bipartition_free(c->half);
  qb_spectrum_obs_clear(&c->obs);
  qb_dynamics_clear(&c->dyn);
  qb_free(c);
}

static qb_status sc_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  sc_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "spin_chain: out of memory");
  qb_status st = parse_all(p, c, err);
  const int n_up = c->n_up;
  double nnz, csr_bytes;
  if (st == QB_OK)
    st = qb_dynamics_read(p, c->L, (qb_idx)sector_dim(c->L, n_up), &c->ops, &c->dyn, err);
  if (st == QB_OK) st = csr_size(c, n_up, sector_dim(c->L, n_up), &nnz, &csr_bytes, err);
  if (st == QB_OK) choose_operator(p, c, csr_bytes);
  /* matrix-free runs hold state vectors only: no sector state list */
  if (st == QB_OK && c->need_csr) st = qb_spin_basis_create(c->L, n_up, &c->basis, err);
  else if (st == QB_OK) st = qb_spin_basis_create_lean(c->L, n_up, &c->basis, err);
  const int entropy = c->entropy;
  if (st == QB_OK && entropy)
    st = qb_eigobs_bipartition_sites(
        c->basis, (UINT64_C(1) << (c->cut > 0 ? c->cut : c->L / 2)) - 1, &c->half, err);
  if (st == QB_OK) st = qb_spectrum_obs_init(p, entropy, c->basis->dim, qb_terms_complex(&c->terms),
                                                 &c->ops, &c->obs, L, err);
  if (st == QB_OK) st = qb_dynamics_layout(&c->dyn, L, err);
  if (st != QB_OK) {
    sc_free(c);
    return st;
  }
  *out = c;
  return QB_OK;
}

/* |<u|H v> - conj(<v|H u>)| relative to |H u| |v|, for random u, v: a Hermiticity probe
 * for an operator that is never stored (two applies, three vectors while it runs, before
 * the propagation allocates its own). */
static qb_status probe_hermitian(qb_op *H, double *defect, qb_err *err) {
  const size_t n = (size_t)H->dim;
  qb_cplx *u = qb_malloc(n * sizeof *u), *v = qb_malloc(n * sizeof *v),
          *w = qb_malloc(n * sizeof *w);
  qb_status st = QB_OK;
  qb_cplx vhu = 0, uhv = 0;
  double nhu = 0, nv = 0;
  if (!u || !v || !w) st = QB_FAIL(err, QB_ERR_NOMEM, "Hermiticity probe, dimension %zu", n);
  if (st == QB_OK) {
    qb_rng r;
    qb_rng_init(&r, 0x5eed, 0, 0, 0x4E);
    qb_dynobs_random_state(&r, (qb_idx)n, u);
    qb_rng_init(&r, 0x5eed, 0, 0, 0x4F);
    qb_dynobs_random_state(&r, (qb_idx)n, v);
    st = qb_op_apply(H, u, w, err);
  }
  for (size_t i = 0; st == QB_OK && i < n; i++) {
    vhu += conj(v[i]) * w[i];
    nhu += creal(w[i] * conj(w[i])), nv += creal(v[i] * conj(v[i]));
  }
  if (st == QB_OK) st = qb_op_apply(H, v, w, err);
  for (size_t i = 0; st == QB_OK && i < n; i++) uhv += conj(u[i]) * w[i];
  if (st == QB_OK) *defect = cabs(uhv - conj(vhu)) / fmax(sqrt(nhu * nv), DBL_MIN);
  qb_free(u), qb_free(v), qb_free(w);
  return st;
}

static qb_status sc_realize(const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const sc_ctx *c = ctx;
  qb_pauli_sum *H = NULL;
  qb_csr *A = NULL;
  qb_op *Hop = NULL;
  qb_named_set O = {0};
  double defect = 0;
  /* term t draws from the Philox stream (seed, point, realization, 1 + t) */
  qb_status st = qb_terms_build(&c->terms, t->seed, t->point, t->realization, 1, &H, err);
  if (st == QB_OK && c->need_csr) st = qb_spin_sum_to_csr(H, c->basis, &A, err);
  if (st == QB_OK && A) st = qb_csr_hermiticity(A, &defect, err);
  if (st == QB_OK && c->matrix_free) st = qb_spin_op_from_sum(H, c->basis, t->nthreads, &Hop, err);
  if (st == QB_OK && !A && Hop) st = probe_hermitian(Hop, &defect, err);
  if (st == QB_OK && defect > 1e-12)
    st = QB_FAIL(err, QB_ERR_INPUT, "spin_chain: the terms give a non-Hermitian H (relative defect "
                 "%.3g); add the Hermitian conjugate of each sigma^+/- term", defect);
  /* the named operators matrix-free too when H is (no state list to build a CSR on) */
  if (st == QB_OK) st = qb_named_ops_set_build(&c->ops, c->basis, t, c->matrix_free, &O, err);
  /* one eigendecomposition of A serves every observable that needs eigenpairs; none
   * without a stored matrix (matrix-free evolution only) */
  qb_eigs_cache *E = NULL;
  if (st == QB_OK && A && !(E = qb_spectrum_obs_cache(&c->obs, A, t, err))) st = QB_ERR_NOMEM;
  if (st == QB_OK && E) {
    qb_spectrum_obs_need(&c->obs, E);
    qb_dynamics_need(&c->dyn, E);
    st = qb_spectrum_obs_compute(&c->obs, E, c->half, &O, row, err);
  }
  /* evolution alone applies A: 32-bit column indices stream 12 instead of 16 bytes per
   * nonzero (the eigen paths read the 64-bit form: kept whenever one runs) */
  if (st == QB_OK && A && !c->eigen && !qb_dynamics_uses_eigen(&c->dyn) &&
      A->ncols <= (qb_idx)UINT32_MAX)
    st = qb_csr_narrow(A, err);
  if (st == QB_OK && !Hop && qb_dynamics_any(&c->dyn)) st = qb_op_from_csr(A, 0, &Hop, err);
  if (st == QB_OK)
    st = qb_dynamics_realize_op(&c->dyn, Hop, c->basis, &O, t, t->nthreads, E, row, err);
  qb_op_free(Hop);
  qb_named_ops_set_clear(&O);
  if (E && t->eigs_count) *t->eigs_count += qb_eigs_cache_count(E); /* diagnostics */
  qb_eigs_cache_free(E);
  qb_csr_free(A);
  qb_spin_sum_free(H);
  return st;
}

const qb_model qb_model_spin_chain = {
    .name = "spin_chain",
    .doc = "spin-1/2 chain from Pauli-string terms with fixed or random couplings (dense ED or "
           "shift-invert; time domain)",
    .keys = sc_tables,
    QB_MODEL_HOOKS(sc),
};
