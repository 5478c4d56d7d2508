/* grain_build.c — the grain-plus-spins Hamiltonian (qbath/grain.h): couplings from the
 * geometry, one realization's GOE grain and fields, and the Kronecker operator. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/grain.h"
#include "qbath/terms.h"
#include "qbath/kron.h"
#include "qbath/rmt.h"
#include "qbath/spin.h"

double qb_grain_distance(qb_grain_geometry g, int a) {
  if (g != QB_GRAIN_LAYERS2D) return (double)(a - 1);
  /* Potirniche Sec. S1: layer n holds spins n(n-1)/2 + 1 .. n(n+1)/2, all at r = n - 1. */
  int n = 1;
  while (n * (n + 1) / 2 < a) n++;
  return (double)(n - 1);
}

double qb_grain_coupling_strength(const qb_grain_spec *s, int a) {
  double r = qb_grain_distance(s->geometry, a);
  double x = s->geometry == QB_GRAIN_STRETCHED1D ? sqrt(r) : r;
  return s->v1 * exp(-x / s->xi);
}

double qb_grain_goe_scale(const qb_grain_spec *s) {
  double dg = ldexp(1.0, s->n);
  /* GOE of scale s: semicircle radius 2 s sqrt(d_g) (bandwidth 4 s sqrt(d_g)) and
   * E tr H^2 = d_g (d_g + 1) s^2 (qbath/rmt.h). */
  if (s->norm == QB_GRAIN_NORM_BANDWIDTH) return s->w * s->n / (4.0 * sqrt(dg));
  return s->rms / sqrt(dg + 1.0);
}

/* Rescales A (dg x dg) so that its bandwidth (eigenvalues) or rms eigenvalue is exact. */
static qb_status rescale_sample(const qb_grain_spec *s, qb_idx dg, double *A, qb_err *err) {
  double f;
  if (s->norm == QB_GRAIN_NORM_RMS) {
    double t = 0;
    for (qb_idx i = 0; i < dg * dg; i++) t += A[i] * A[i]; /* tr A^2 = sum of squares */
    f = s->rms / sqrt(t / (double)dg);
  } else {
    double *B = qb_malloc(sizeof(double) * (size_t)(dg * dg)),
           *E = qb_malloc(sizeof(double) * (size_t)dg);
    qb_status st =
        B && E ? QB_OK
               : QB_FAIL(err, QB_ERR_NOMEM, "grain: no memory for d_g = %lld", (long long)dg);
    if (st == QB_OK) memcpy(B, A, sizeof(double) * (size_t)(dg * dg));
    if (st == QB_OK) st = qb_dense_eigh(QB_REAL, dg, B, E, 0, err);
    f = st == QB_OK ? s->w * s->n / (E[dg - 1] - E[0]) : 1;
    qb_free(B);
    qb_free(E);
    if (st != QB_OK) return st;
  }
  for (qb_idx i = 0; i < dg * dg; i++) A[i] *= f;
  return QB_OK;
}

qb_status qb_grain_draw(const qb_grain_spec *s, uint64_t seed, uint64_t point,
                        uint64_t realization, double *A, double *eps, qb_err *err) {
  qb_idx dg = (qb_idx)1 << s->n;
  qb_rng r;
  if (A) { /* NULL: no GOE (grain = chain); the fields' stream is the same either way */
    qb_rng_init(&r, seed, point, realization, QB_GRAIN_PURPOSE_GOE);
    QB_TRY(qb_rmt_goe(&r, dg, qb_grain_goe_scale(s), A, err));
    if (s->sample_norm) QB_TRY(rescale_sample(s, dg, A, err));
  }
  qb_rng_init(&r, seed, point, realization, QB_GRAIN_PURPOSE_FIELDS);
  for (int a = 0; a < s->m; a++)
    eps[a] = s->field_min + (s->field_max - s->field_min) * qb_rng_uniform(&r);
  return QB_OK;
}

/* sum_a eps_a tau_a^z + V_a C_a as a Pauli sum on L = M + N sites. */
static qb_status spin_terms(const qb_grain_spec *s, const double *eps, qb_pauli_sum *P,
                            qb_err *err) {
  int g = s->m + s->coupled_qubit;
  for (int a = 1; a <= s->m; a++) {
    int site = a - 1, pair[2] = {g, site};
    double v = qb_grain_coupling_strength(s, a);
    QB_TRY(qb_spin_sum_add(P, eps[a - 1], "Z", &site, err));
    QB_TRY(qb_spin_sum_add(P, v, "XX", pair, err));
    if (s->coupling == QB_GRAIN_COUPLE_XY) QB_TRY(qb_spin_sum_add(P, v, "YY", pair, err));
  }
  return QB_OK;
}

qb_status qb_grain_op(const qb_grain_spec *s, const double *A, const double *eps, qb_op **H,
                      qb_err *err) {
  *H = NULL;
  if (s->coupled_qubit < 0 || s->coupled_qubit >= s->n)
    return QB_FAIL(err, QB_ERR_INPUT, "grain: coupled qubit %d outside the %d grain qubits",
                   s->coupled_qubit, s->n);
  qb_pauli_sum *P = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *S = NULL;
  qb_status st = qb_spin_sum_create(s->m + s->n, &P, err);
  if (st == QB_OK) st = spin_terms(s, eps, P, err);
  if (st == QB_OK) st = qb_spin_basis_create(s->m + s->n, -1, &B, err);
  if (st == QB_OK) st = qb_spin_sum_to_csr(P, B, &S, err);
  if (st == QB_OK)
    st = qb_kron_op_create((qb_idx)1 << s->n, (qb_idx)1 << s->m, QB_REAL, A, S, H, err);
  if (st != QB_OK) qb_csr_free(S); /* on success the op owns S */
  qb_spin_basis_free(B);
  qb_spin_sum_free(P);
  return st;
}

qb_status qb_grain_local_op(const qb_grain_spec *s, char pauli, int site, qb_op **O,
                            qb_err *err) {
  *O = NULL;
  char ops[2] = {pauli, '\0'};
  qb_pauli_sum *P = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *C = NULL;
  qb_status st = qb_spin_sum_create(s->m + s->n, &P, err);
  if (st == QB_OK) st = qb_spin_sum_add(P, 1.0, ops, &site, err);
  if (st == QB_OK) st = qb_spin_basis_create(s->m + s->n, -1, &B, err);
  if (st == QB_OK) st = qb_spin_sum_to_csr(P, B, &C, err);
  if (st == QB_OK) st = qb_op_from_csr(C, 1, O, err);
  if (st != QB_OK) qb_csr_free(C);
  qb_spin_basis_free(B);
  qb_spin_sum_free(P);
  return st;
}

double qb_grain_eq6(const qb_grain_spec *s, double g1) {
  /* Potirniche Eqs. (6)-(7): gamma/delta_E = max[2, (gamma_1/delta_b) N/(N+M-1)
   * exp((M-1) log 2 - 2 x_M / xi)], x_M = r_M (exponential) or sqrt(r_M) (stretched:
   * V_M^2 = V_1^2 e^{-2 sqrt(r_M)/xi}; Potirniche et al. 2019 Eq. (7) prints 2 sqrt(r_M/xi), which
   * does not follow from its own V_a — we use the V_M^2 form). */
  double r = qb_grain_distance(s->geometry, s->m);
  double x = s->geometry == QB_GRAIN_STRETCHED1D ? sqrt(r) : r;
  double v = g1 * s->n / (double)(s->n + s->m - 1) * exp((s->m - 1) * log(2.0) - 2 * x / s->xi);
  return v > 2 ? v : 2;
}

/* ---- Matrix-free spin part ------------------------------------------------------------
 * The fields depend on the spin index r only (d[r] = sum_a eps_a s_a(r)) and each
 * coupling moves i to i ^ (grain bit | spin bit) with a coefficient set by the two bits
 * (xx: V_a; xy: V_a (1 - s_g s_a), i.e. 2 V_a on antiparallel pairs, 0 on parallel ones),
 * so the sparse part needs no index or value streams: one pass over y with M + 1 reads of
 * x per entry, after the grain GEMM. */
typedef struct grain_fast {
  qb_op *gemm;        /* A (x) 1 as a Kronecker op without sparse part */
  qb_idx dr, dim;
  int m, xy;
  uint64_t gbit;      /* bit of the coupled grain qubit in the full index */
  double *d;          /* dr fields */
  double *v;          /* M couplings */
} grain_fast;

static void fast_free(void *impl) {
  grain_fast *F = impl;
  if (F == NULL) return;
  qb_op_free(F->gemm);
  qb_free(F->d);
  qb_free(F->v);
  qb_free(F);
}

static size_t fast_bytes(const void *impl) {
  const grain_fast *F = impl;
  return qb_op_bytes(F->gemm) + sizeof(double) * (size_t)(F->dr + F->m);
}

/* y += alpha [(d - shift) x + sum_a c_a(i) x(i ^ flip_a)] for real vectors (stride 1) or
 * interleaved complex ones (stride 2: the coefficients are real). */
static void fast_spins(const grain_fast *F, int stride, double alpha, double shift,
                       const double *restrict x, double *restrict y) {
  const qb_idx dim = F->dim, dr = F->dr;
  const int m = F->m, xy = F->xy;
  const uint64_t gbit = F->gbit;
  const double *d = F->d, *v = F->v;
#pragma omp parallel for default(none) \
    shared(dim, dr, m, xy, gbit, d, v, x, y, alpha, shift, stride) schedule(static)
  for (qb_idx i = 0; i < dim; i++) {
    int sg = (((uint64_t)i & gbit) != 0);
    for (int c = 0; c < stride; c++) {
      double acc = (d[i % dr] - shift) * x[i * stride + c];
      for (int a = 0; a < m; a++) {
        double coef = v[a];
        if (xy) coef = (sg != (int)((i >> a) & 1)) ? 2 * v[a] : 0.0;
        qb_idx j = (qb_idx)((uint64_t)i ^ gbit ^ ((uint64_t)1 << a));
        acc += coef * x[j * stride + c];
      }
      y[i * stride + c] += alpha * acc;
    }
  }
}

static qb_status fast_apply(void *impl, qb_dtype vtype, double alpha, double shift,
                            const void *x, double beta, void *y, qb_err *err) {
  grain_fast *F = impl;
  QB_TRY(qb_op_apply_fused(F->gemm, vtype, alpha, 0.0, x, beta, y, err));
  fast_spins(F, vtype == QB_COMPLEX ? 2 : 1, alpha, shift, x, y);
  return QB_OK;
}

const qb_op_type qb_grain_fast_type = {"grain_fast", fast_apply, fast_bytes, fast_free};

qb_status qb_grain_op_fast(const qb_grain_spec *s, const double *A, const double *eps,
                           qb_op **H, qb_err *err) {
  *H = NULL;
  if (s->coupled_qubit < 0 || s->coupled_qubit >= s->n)
    return QB_FAIL(err, QB_ERR_INPUT, "grain: coupled qubit %d outside the %d grain qubits",
                   s->coupled_qubit, s->n);
  grain_fast *F = qb_calloc(1, sizeof *F);
  if (F == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "grain: out of memory");
  F->dr = (qb_idx)1 << s->m;
  F->dim = F->dr << s->n;
  F->m = s->m;
  F->xy = s->coupling == QB_GRAIN_COUPLE_XY;
  F->gbit = (uint64_t)1 << (s->m + s->coupled_qubit);
  F->d = qb_malloc(sizeof(double) * (size_t)F->dr);
  F->v = qb_malloc(sizeof(double) * (size_t)s->m);
  qb_status st = F->d && F->v ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "grain: out of memory");
  if (st == QB_OK) {
    for (qb_idx r = 0; r < F->dr; r++) {
      double e = 0;
      for (int a = 0; a < s->m; a++) e += ((r >> a) & 1) ? eps[a] : -eps[a];
      F->d[r] = e;
    }
    for (int a = 0; a < s->m; a++) F->v[a] = qb_grain_coupling_strength(s, a + 1);
    st = qb_kron_op_create((qb_idx)1 << s->n, F->dr, QB_REAL, A, NULL, &F->gemm, err);
  }
  if (st == QB_OK) st = qb_op_create(&qb_grain_fast_type, F, 1, F->dim, QB_REAL, H, err);
  if (st != QB_OK) fast_free(F);
  return st;
}

qb_status qb_grain_chain_sum(const qb_grain_spec *s, const double *eps, uint64_t seed,
                             uint64_t point, uint64_t realization, qb_pauli_sum **H,
                             qb_err *err) {
  *H = NULL;
  if (!s->chain || s->chain->nsites != s->n)
    return QB_FAIL(err, QB_ERR_INPUT, "grain: a chain grain needs its terms on the N = %d sites",
                   s->n);
  qb_pauli_sum *G = NULL, *P = NULL;
  /* the chain on its own N sites (random couplings from the realization's chain streams),
   * then every term moved up by M: grain qubit q is site M + q (qbath/grain.h) */
  qb_status st = qb_terms_build(s->chain, seed, point, realization, QB_GRAIN_PURPOSE_CHAIN, &G, err);
  if (st == QB_OK) st = qb_spin_sum_create(s->n + s->m, &P, err);
  for (qb_idx k = 0; st == QB_OK && k < G->nterms; k++) {
    const qb_pauli_term *t = &G->terms[k];
    char ops[QB_PAULI_MAX_OPS + 1];
    int sites[QB_PAULI_MAX_OPS];
    for (int j = 0; j < t->nops; j++) ops[j] = t->ops[j], sites[j] = t->sites[j] + s->m;
    ops[t->nops] = 0;
    st = qb_spin_sum_add(P, t->coupling, ops, sites, err);
  }
  if (st == QB_OK) st = spin_terms(s, eps, P, err);
  qb_spin_sum_free(G);
  if (st != QB_OK) P = qb_spin_sum_free(P);
  *H = P;
  return st;
}

double qb_grain_sum_trace(const qb_pauli_sum *H) {
  /* A Pauli string has trace 0 unless it is the identity: only I and Z letters (no flip)
   * whose Z's cancel site by site. */
  double tr = 0;
  for (qb_idx k = 0; k < H->nterms; k++) {
    const qb_pauli_term *t = &H->terms[k];
    uint64_t zmask = 0;
    int flips = 0;
    for (int j = 0; j < t->nops; j++) {
      if (t->ops[j] == 'Z') zmask ^= (uint64_t)1 << t->sites[j];
      else if (t->ops[j] != 'I') flips = 1;
    }
    if (!flips && zmask == 0) tr += creal(t->coupling);
  }
  return tr;
}

double qb_grain_row_nnz(const qb_grain_spec *s) {
  double n = 2.0 * s->m + 1; /* the fields (diagonal) and one flip per coupling */
  if (!s->chain) return n + ldexp(1.0, s->n);
  for (int k = 0; k < s->chain->n; k++) n += s->chain->t[k].last - s->chain->t[k].first + 1;
  return n;
}
