/* test_eigobs.c — eigenstate observables against independent references: entanglement of
 * product, singlet and random states by an explicit partial trace (sites, sectors, tensor
 * factors); half-chain entropy of shift-invert eigenstates = dense ED at L = 14 (issue 5,
 * acceptance 2); IPR of a hand-solved 2 x 2 problem; the Thouless parameter against loops
 * over dense eigenvectors; the spectral function's sum rule and its typical/thermal means. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/eigobs.h"
#include "qbath/rng.h"
#include "qbath/spin.h"

/* Random-field Heisenberg chain (qb_spin_sum_heisenberg, J = 1, h_j = W U[-1, 1]) in B. */
static qb_csr *chain(const qb_spin_basis *B, double W, uint64_t realization) {
  qb_err e;
  int L = B->nsites;
  qb_rng rng;
  qb_rng_init(&rng, 4321, 0, realization, 1);
  double h[QB_SPIN_MAX_SITES];
  for (int j = 0; j < L; j++) h[j] = W * (2 * qb_rng_uniform(&rng) - 1);
  qb_pauli_sum *H = NULL;
  qb_csr *A = NULL;
  QB_ASSERT_OK(qb_spin_sum_heisenberg(L, 1.0, h, 0, &H, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
  qb_spin_sum_free(H);
  return A;
}

/* A single-Pauli operator P_site in basis B, as an op (owning its CSR). */
static qb_op *local_op(const qb_spin_basis *B, const char *op, int site) {
  qb_err e;
  qb_pauli_sum *P = NULL;
  qb_csr *A = NULL;
  qb_op *O = NULL;
  QB_ASSERT_OK(qb_spin_sum_create(B->nsites, &P, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_add(P, 1.0, op, &site, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_to_csr(P, B, &A, &e), &e);
  QB_ASSERT_OK(qb_op_from_csr(A, 1, &O, &e), &e);
  qb_spin_sum_free(P);
  return O;
}

/* Reference: entropies of subset `sites` of a 2^L full-space state by an explicit partial
 * trace rho[a][a'] = sum_b psi(a, b) conj(psi(a', b)) with bits deposited one by one, and
 * Renyi-2 from tr rho^2 = sum |rho_aa'|^2 (no diagonalization). */
static void reference_entropy(int L, uint64_t sites, const qb_cplx *psi, double *s_vn, double *s_2) {
  int na = __builtin_popcountll(sites), nb = L - na;
  qb_idx da = (qb_idx)1 << na, db = (qb_idx)1 << nb;
  int pa[64], pb[64], ka = 0, kb = 0;
  for (int j = 0; j < L; j++) { if (sites >> j & 1) pa[ka++] = j; else pb[kb++] = j; }
  qb_cplx *rho = qb_calloc((size_t)(da * da), sizeof *rho);
  double *w = qb_malloc((size_t)da * sizeof *w);
  for (qb_idx a = 0; a < da; a++)
    for (qb_idx a2 = 0; a2 < da; a2++)
      for (qb_idx b = 0; b < db; b++) {
        uint64_t s1 = 0, s2 = 0;
        for (int t = 0; t < na; t++) { s1 |= (uint64_t)(a >> t & 1) << pa[t]; s2 |= (uint64_t)(a2 >> t & 1) << pa[t]; }
        for (int t = 0; t < nb; t++) { s1 |= (uint64_t)(b >> t & 1) << pb[t]; s2 |= (uint64_t)(b >> t & 1) << pb[t]; }
        rho[a * da + a2] += psi[s1] * conj(psi[s2]);
      }
  double tr2 = 0;
  for (qb_idx i = 0; i < da * da; i++) tr2 += pow(cabs(rho[i]), 2);
  *s_2 = -log(tr2);
  qb_err e;
  QB_ASSERT_OK(qb_dense_eigh(QB_COMPLEX, da, rho, w, 0, &e), &e);
  *s_vn = 0;
  for (qb_idx i = 0; i < da; i++) if (w[i] > 0) *s_vn -= w[i] * log(w[i]);
  qb_free(rho);
  qb_free(w);
}

static void random_state(qb_cplx *psi, qb_idx n, uint64_t seed) {
  qb_rng rng;
  qb_rng_init(&rng, seed, 0, 0, 7);
  double norm = 0;
  for (qb_idx i = 0; i < n; i++) { psi[i] = qb_rng_cnormal(&rng); norm += pow(cabs(psi[i]), 2); }
  for (qb_idx i = 0; i < n; i++) psi[i] /= sqrt(norm);
}

static void test_entropy_product_and_singlets(void) {
  qb_err e;
  const int L = 6;
  qb_spin_basis *B = NULL;
  qb_bipartition *P = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(L, -1, &B, &e), &e);
  QB_ASSERT_OK(qb_eigobs_bipartition_sites(B, 0x7, &P, &e), &e); /* A = sites 0, 1, 2 */
  double *psi = qb_calloc(64, sizeof *psi), s, s2;
  psi[0x2d] = 1; /* a product state */
  QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_REAL, psi, &s, &s2, &e), &e);
  QB_ASSERT_CLOSE(s, 0, 1e-14);
  QB_ASSERT_CLOSE(s2, 0, 1e-14);
  /* singlet on sites (2, 3) across the cut, site 5 up, others down */
  memset(psi, 0, 64 * sizeof *psi);
  psi[(1 << 2) | (1 << 5)] = M_SQRT1_2;
  psi[(1 << 3) | (1 << 5)] = -M_SQRT1_2;
  QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_REAL, psi, &s, &s2, &e), &e);
  QB_ASSERT_CLOSE(s, log(2), 1e-14);
  QB_ASSERT_CLOSE(s2, log(2), 1e-14);
  /* two singlets across the cut: (1, 4) and (2, 3) */
  memset(psi, 0, 64 * sizeof *psi);
  for (int x = 0; x < 2; x++)
    for (int y = 0; y < 2; y++)
      psi[(x ? 1 << 1 : 1 << 4) | (y ? 1 << 2 : 1 << 3)] = 0.5 * (x ? 1 : -1) * (y ? 1 : -1);
  QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_REAL, psi, &s, &s2, &e), &e);
  QB_ASSERT_CLOSE(s, 2 * log(2), 1e-13);
  QB_ASSERT_CLOSE(s2, 2 * log(2), 1e-13);
  qb_free(psi);
  qb_eigobs_bipartition_free(P);
  qb_spin_basis_free(B);
}

/* Random complex states: any subset (here non-contiguous), its complement (same entropy
 * for a pure state), a sector embedded in the full space, against the reference. */
static void test_entropy_random_vs_partial_trace(void) {
  qb_err e;
  const int L = 8;
  qb_spin_basis *F = NULL, *S = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(L, -1, &F, &e), &e);
  QB_ASSERT_OK(qb_spin_basis_create(L, 3, &S, &e), &e);
  qb_cplx *psi = qb_malloc(256 * sizeof *psi), *full = qb_calloc(256, sizeof *full);
  random_state(psi, 256, 99);
  uint64_t masks[] = {0x52, 0xad, 0x0f, 0x80};
  for (int t = 0; t < 4; t++) {
    qb_bipartition *P = NULL;
    double s, s2, rs, rs2;
    QB_ASSERT_OK(qb_eigobs_bipartition_sites(F, masks[t], &P, &e), &e);
    QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_COMPLEX, psi, &s, &s2, &e), &e);
    reference_entropy(L, masks[t], psi, &rs, &rs2);
    QB_ASSERT_CLOSE(s, rs, 1e-12);
    QB_ASSERT_CLOSE(s2, rs2, 1e-12);
    qb_eigobs_bipartition_free(P);
    /* the same on a sector state, embedded in the full space for the reference */
    random_state(psi, S->dim, 100 + t);
    memset(full, 0, 256 * sizeof *full);
    for (qb_idx i = 0; i < S->dim; i++) full[qb_spin_basis_state(S, i)] = psi[i];
    QB_ASSERT_OK(qb_eigobs_bipartition_sites(S, masks[t], &P, &e), &e);
    QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_COMPLEX, psi, &s, &s2, &e), &e);
    reference_entropy(L, masks[t], full, &rs, &rs2);
    QB_ASSERT_CLOSE(s, rs, 1e-12);
    QB_ASSERT_CLOSE(s2, rs2, 1e-12);
    CU_ASSERT(s > 0.1);
    qb_eigobs_bipartition_free(P);
    random_state(psi, 256, 99);
  }
  qb_free(psi);
  qb_free(full);
  qb_spin_basis_free(F);
  qb_spin_basis_free(S);
}

/* Tensor factors: dims {2, 2, ..., 2} is the spin space with factor f = site L-1-f (factor
 * 0 slowest = the highest bit); and uneven dims {3, 4, 5} against a direct SVD-free
 * reference: a product state (zero) and S(A) = S(complement). */
static void test_entropy_factors(void) {
  qb_err e;
  const int L = 7;
  qb_idx dims[7] = {2, 2, 2, 2, 2, 2, 2};
  qb_cplx *psi = qb_malloc(128 * sizeof *psi);
  random_state(psi, 128, 5);
  qb_spin_basis *F = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(L, -1, &F, &e), &e);
  uint64_t fmask = 0x13, smask = 0;
  for (int f = 0; f < L; f++) if (fmask >> f & 1) smask |= 1ull << (L - 1 - f);
  qb_bipartition *Pf = NULL, *Ps = NULL;
  double a, a2, b, b2;
  QB_ASSERT_OK(qb_eigobs_bipartition_factors(L, dims, fmask, &Pf, &e), &e);
  QB_ASSERT_OK(qb_eigobs_bipartition_sites(F, smask, &Ps, &e), &e);
  QB_ASSERT_OK(qb_eigobs_entanglement(Pf, QB_COMPLEX, psi, &a, &a2, &e), &e);
  QB_ASSERT_OK(qb_eigobs_entanglement(Ps, QB_COMPLEX, psi, &b, &b2, &e), &e);
  QB_ASSERT_CLOSE(a, b, 1e-12);
  QB_ASSERT_CLOSE(a2, b2, 1e-12);
  qb_eigobs_bipartition_free(Pf);
  qb_eigobs_bipartition_free(Ps);
  /* uneven factors: a product state u (x) v (x) w has zero entropy for every cut; a
   * random state has S(A) = S(complement of A) */
  qb_idx d3[3] = {3, 4, 5};
  double *prod = qb_malloc(60 * sizeof *prod);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++)
      for (int k = 0; k < 5; k++) prod[(i * 4 + j) * 5 + k] = (1.0 + i) * (2.0 - j) * (0.5 + k * k);
  double nrm = 0;
  for (int i = 0; i < 60; i++) nrm += prod[i] * prod[i];
  for (int i = 0; i < 60; i++) prod[i] /= sqrt(nrm);
  for (uint64_t m = 1; m < 7; m++) {
    qb_bipartition *P = NULL, *Q = NULL;
    QB_ASSERT_OK(qb_eigobs_bipartition_factors(3, d3, m, &P, &e), &e);
    QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_REAL, prod, &a, &a2, &e), &e);
    QB_ASSERT_CLOSE(a, 0, 1e-12);
    QB_ASSERT_OK(qb_eigobs_bipartition_factors(3, d3, 7 & ~m, &Q, &e), &e);
    QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_COMPLEX, psi, &a, &a2, &e), &e);
    QB_ASSERT_OK(qb_eigobs_entanglement(Q, QB_COMPLEX, psi, &b, &b2, &e), &e);
    QB_ASSERT_CLOSE(a, b, 1e-12);
    QB_ASSERT_CLOSE(a2, b2, 1e-12);
    CU_ASSERT(a > 0.1);
    qb_eigobs_bipartition_free(P);
    qb_eigobs_bipartition_free(Q);
  }
  qb_free(prod);
  qb_free(psi);
  qb_spin_basis_free(F);
  /* bad masks */
  qb_bipartition *P = NULL;
  CU_ASSERT_EQUAL(qb_eigobs_bipartition_factors(3, d3, 7, &P, &e), QB_ERR_INPUT);
  CU_ASSERT_EQUAL(qb_eigobs_bipartition_factors(3, d3, 0, &P, &e), QB_ERR_INPUT);
}

/* Acceptance 2: half-chain entropy of shift-invert eigenstates = dense ED, L = 14 Sz = 0. */
static void test_half_chain_entropy_l14(void) {
  qb_err e;
  qb_spin_basis *B = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(14, 7, &B, &e), &e);
  qb_csr *A = chain(B, 2.0, 3);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = 16;
  qb_eigs_result *si = NULL, *de = NULL;
  o.method = QB_EIGS_SHIFT_INVERT;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &si, &e), &e);
  o.method = QB_EIGS_DENSE;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &de, &e), &e);
  qb_bipartition *P = NULL;
  QB_ASSERT_OK(qb_eigobs_bipartition_sites(B, 0x7f, &P, &e), &e);
  double worst = 0, mean = 0;
  for (qb_idx j = 0; j < o.nev; j++) {
    double s1, r1, s2, r2;
    QB_ASSERT_CLOSE(si->E[j], de->E[j], 1e-10);
    QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_REAL, (double *)si->V + j * si->dim, &s1, &r1, &e), &e);
    QB_ASSERT_OK(qb_eigobs_entanglement(P, QB_REAL, (double *)de->V + j * de->dim, &s2, &r2, &e), &e);
    worst = fmax(worst, fmax(fabs(s1 - s2), fabs(r1 - r2)));
    mean += s1 / o.nev;
  }
  printf("\n  L = 14 W = 2: mean half-chain S = %.4f, max |S_SI - S_ED| = %.2e", mean, worst);
  CU_ASSERT(worst <= 1e-9);
  CU_ASSERT(mean > 0.5); /* thermal-ish eigenstates are entangled (Page: ~ 7 ln 2 / 2) */
  qb_eigobs_bipartition_free(P);
  qb_eigs_result_free(si);
  qb_eigs_result_free(de);
  qb_csr_free(A);
  qb_spin_basis_free(B);
}

/* Two sites, one up: H = [[-h, g], [g, h]] in the basis (|01>, |10>) has eigenvectors
 * (cos t, sin t) with tan 2t = -g/h... IPR = cos^4 + sin^4 = 1 - sin^2(2t)/2 with
 * sin^2(2t) = g^2 / (g^2 + h^2); a basis state's overlap IPR is the same number. */
static void test_ipr_two_level(void) {
  qb_err e;
  const double h = 0.37, g = 0.81;
  qb_spin_basis *B = NULL;
  qb_pauli_sum *H = NULL;
  qb_csr *A = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(2, 1, &B, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_create(2, &H, &e), &e);
  int s0 = 0, s01[2] = {0, 1};
  QB_ASSERT_OK(qb_spin_sum_add(H, h, "Z", &s0, &e), &e); /* |01> (site 0 up): +h */
  QB_ASSERT_OK(qb_spin_sum_add(H, g, "+-", s01, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_add(H, g, "-+", s01, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = 2;
  qb_eigs_result *r = NULL;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &r, &e), &e);
  double ipr[2], expect = 1 - 0.5 * g * g / (g * g + h * h), sum4, weight;
  QB_ASSERT_OK(qb_eigobs_ipr(r, ipr, &e), &e);
  QB_ASSERT_CLOSE(ipr[0], expect, 1e-14);
  QB_ASSERT_CLOSE(ipr[1], expect, 1e-14);
  QB_ASSERT_CLOSE(r->E[1] - r->E[0], 2 * sqrt(g * g + h * h), 1e-14);
  double psi0[2] = {1, 0};
  QB_ASSERT_OK(qb_eigobs_overlap_ipr(r, psi0, &sum4, &weight, &e), &e);
  QB_ASSERT_CLOSE(sum4, expect, 1e-14);
  QB_ASSERT_CLOSE(weight, 1, 1e-14);
  qb_eigs_result_free(r);
  qb_csr_free(A);
  qb_spin_sum_free(H);
  qb_spin_basis_free(B);
}

/* Thouless parameter against loops over the dense eigenvectors: O = Z on the last site. */
static void test_thouless_vs_loops(void) {
  qb_err e;
  qb_spin_basis *B = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(10, 5, &B, &e), &e);
  qb_csr *A = chain(B, 1.0, 8);
  qb_op *O = local_op(B, "Z", 9);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = B->dim; /* the whole spectrum: every pair is a true neighbour pair */
  qb_eigs_result *r = NULL;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &r, &e), &e);
  qb_idx n = r->dim, k = r->nev;
  double *G = qb_malloc((size_t)k * sizeof *G), *Ep = qb_malloc((size_t)k * sizeof *Ep);
  double *d = qb_malloc((size_t)k * sizeof *d);
  QB_ASSERT_OK(qb_eigobs_thouless(r, O, G, &e), &e);
  /* reference: <j|Z_9|j> from the basis labels directly, E' sorted by selection */
  const double *V = r->V;
  for (qb_idx j = 0; j < k; j++) {
    double s = 0;
    for (qb_idx i = 0; i < n; i++) s += V[j * n + i] * V[j * n + i] * ((qb_spin_basis_state(B, i) >> 9 & 1) ? 1 : -1);
    d[j] = s;
    Ep[j] = r->E[j] + s;
  }
  int *used = qb_calloc((size_t)k, sizeof *used);
  qb_idx prev = -1;
  double worst = 0;
  for (qb_idx p = 0; p < k; p++) {
    qb_idx best = -1;
    for (qb_idx j = 0; j < k; j++) if (!used[j] && (best < 0 || Ep[j] < Ep[best])) best = j;
    used[best] = 1;
    if (prev >= 0) {
      double t = 0;
      for (qb_idx i = 0; i < n; i++) t += V[prev * n + i] * V[best * n + i] * ((qb_spin_basis_state(B, i) >> 9 & 1) ? 1 : -1);
      double ref = log(fabs(t) / (Ep[best] - Ep[prev]));
      worst = fmax(worst, fabs(ref - G[p - 1]) / fmax(1, fabs(ref)));
    }
    prev = best;
  }
  CU_ASSERT(worst < 1e-8);
  qb_free(used); qb_free(G); qb_free(Ep); qb_free(d);
  qb_eigs_result_free(r);
  qb_op_free(O);
  qb_csr_free(A);
  qb_spin_basis_free(B);
}

/* <G> is larger for thermal (W = 0.5) than for localized (W = 8) eigenstates (Serbyn et
 * al.: G grows with L when ergodic and falls when localized), L = 10 full spectrum. */
static double mean_thouless(double W) {
  qb_err e;
  qb_spin_basis *B = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(10, 5, &B, &e), &e);
  qb_op *O = local_op(B, "Z", 9);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = B->dim;
  qb_stat s = {0};
  double *G = qb_malloc((size_t)B->dim * sizeof *G);
  for (uint64_t real = 0; real < 3; real++) {
    qb_csr *A = chain(B, W, 50 + real);
    qb_eigs_result *r = NULL;
    QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &r, &e), &e);
    QB_ASSERT_OK(qb_eigobs_thouless(r, O, G, &e), &e);
    for (qb_idx p = r->nev / 4; p < 3 * r->nev / 4; p++) qb_stat_add(&s, G[p]); /* mid-band */
    qb_eigs_result_free(r);
    qb_csr_free(A);
  }
  qb_free(G);
  qb_op_free(O);
  qb_spin_basis_free(B);
  printf("\n  L = 10 W = %g: <G> = %.3f +- %.3f", W, qb_stat_mean(&s), qb_stat_stderr(&s));
  return qb_stat_mean(&s) - 4 * qb_stat_stderr(&s) * (W < 1 ? 1 : -1);
}

static void test_thouless_crossover(void) {
  double thermal_low = mean_thouless(0.5), mbl_high = mean_thouless(8.0);
  CU_ASSERT(thermal_low > mbl_high);
}

/* Full spectrum of a small chain: int rho_n = pi sum_{m != n} |O_nm|^2 = pi (1 - <n|O|n>^2)
 * for O = X (O^2 = 1), Eq. (S2); thermal >= typical - shift bin by bin (AM-GM, Eq. (S4)). */
static void test_specfn_sum_rule(void) {
  qb_err e;
  qb_spin_basis *B = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(6, -1, &B, &e), &e);
  qb_csr *A = chain(B, 1.3, 2);
  qb_op *O = local_op(B, "X", 2);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = B->dim;
  qb_eigs_result *r = NULL;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &r, &e), &e);
  void *M = NULL;
  qb_dtype mdt;
  QB_ASSERT_OK(qb_eigobs_matrix_elements(r, O, &M, &mdt, &e), &e);
  double span = r->E[r->nev - 1] - r->E[0] + 1;
  const int nb = 64;
  double th[64], ty[64], dw = 2 * span / nb;
  qb_idx k = r->nev;
  double worst = 0, mean_rule = 0;
  for (qb_idx n = 0; n < k; n++) {
    qb_specfn *S = NULL;
    QB_ASSERT_OK(qb_eigobs_specfn_create(nb, -span, span, 1e-20, &S, &e), &e);
    QB_ASSERT_OK(qb_eigobs_specfn_add(S, r, M, mdt, n, n + 1, &e), &e);
    QB_ASSERT_OK(qb_eigobs_specfn_thermal(S, th, &e), &e);
    double integral = 0, dn = ((double *)M)[n + n * k];
    for (int b = 0; b < nb; b++) integral += th[b] * dw;
    worst = fmax(worst, fabs(integral - M_PI * (1 - dn * dn)));
    mean_rule += integral / k;
    qb_eigobs_specfn_free(S);
  }
  CU_ASSERT(worst < 1e-12);
  /* the average over all states, typical vs thermal */
  qb_specfn *S = NULL;
  QB_ASSERT_OK(qb_eigobs_specfn_create(nb, -span, span, 1e-20, &S, &e), &e);
  QB_ASSERT_OK(qb_eigobs_specfn_add(S, r, M, mdt, 0, k, &e), &e);
  QB_ASSERT_OK(qb_eigobs_specfn_thermal(S, th, &e), &e);
  QB_ASSERT_OK(qb_eigobs_specfn_typical(S, ty, &e), &e);
  double integral = 0;
  int ok = 1;
  for (int b = 0; b < nb; b++) { integral += th[b] * dw; ok &= ty[b] <= th[b] + 1e-20 * (1 + 1e-12); }
  CU_ASSERT(ok);
  QB_ASSERT_CLOSE(integral, mean_rule, 1e-12);
  CU_ASSERT_EQUAL(S->count, k);
  qb_eigobs_specfn_free(S);
  qb_free(M);
  qb_eigs_result_free(r);
  qb_op_free(O);
  qb_csr_free(A);
  qb_spin_basis_free(B);
}

/* Typical mean with the shift: two states, one with an empty bin where the other has rho:
 * rho_typ = sqrt((rho + s) s), Sec. S1 c; identical states give rho_typ = rho + s. */
static void test_specfn_typical_shift(void) {
  qb_err e;
  /* a 3-level "result" by hand: E = {0, 1, 3}, O_01 = O_10 = 0.5, O_12 = O_21 = 0.25 */
  qb_eigs_result r = {0};
  double E[3] = {0, 1, 3};
  r.nev = 3;
  r.E = E;
  double M[9] = {0, 0.5, 0, 0.5, 0, 0.25, 0, 0.25, 0};
  qb_specfn *S = NULL;
  const double shift = 1e-20;
  QB_ASSERT_OK(qb_eigobs_specfn_create(8, -4, 4, shift, &S, &e), &e); /* dw = 1 */
  QB_ASSERT_OK(qb_eigobs_specfn_add(S, &r, M, QB_REAL, 0, 2, &e), &e); /* states 0 and 1 */
  double ty[8], th[8];
  QB_ASSERT_OK(qb_eigobs_specfn_typical(S, ty, &e), &e);
  QB_ASSERT_OK(qb_eigobs_specfn_thermal(S, th, &e), &e);
  /* w = +1 (bin 5): state 0 has pi 0.25, state 1 has nothing there */
  double r0 = M_PI * 0.25;
  QB_ASSERT_CLOSE(ty[5], sqrt((r0 + shift) * shift), 1e-12 * sqrt(r0 * shift));
  QB_ASSERT_CLOSE(th[5], r0 / 2, 1e-15);
  /* w = +2 (bin 6): state 1 -> 2 has pi 0.0625 */
  QB_ASSERT_CLOSE(th[6], M_PI * 0.0625 / 2, 1e-15);
  qb_eigobs_specfn_free(S);
  QB_ASSERT_OK(qb_eigobs_specfn_create(8, -4, 4, shift, &S, &e), &e);
  QB_ASSERT_OK(qb_eigobs_specfn_add(S, &r, M, QB_REAL, 0, 1, &e), &e);
  QB_ASSERT_OK(qb_eigobs_specfn_add(S, &r, M, QB_REAL, 0, 1, &e), &e);
  QB_ASSERT_OK(qb_eigobs_specfn_typical(S, ty, &e), &e);
  QB_ASSERT_CLOSE(ty[5], r0 + shift, 1e-15);
  CU_ASSERT_EQUAL(qb_eigobs_specfn_add(S, &r, M, QB_REAL, 2, 4, &e), QB_ERR_INPUT);
  qb_eigobs_specfn_free(S);
  CU_ASSERT_EQUAL(qb_eigobs_specfn_create(0, 0, 1, 0, &S, &e), QB_ERR_INPUT);
}

int main(void) {
  static const qb_test_case cases[] = {
      {"entropy: product and singlet states", test_entropy_product_and_singlets},
      {"entropy: random states vs partial trace", test_entropy_random_vs_partial_trace},
      {"entropy: tensor factors", test_entropy_factors},
      {"half-chain entropy L=14: shift-invert = dense", test_half_chain_entropy_l14},
      {"IPR of a two-level problem", test_ipr_two_level},
      {"Thouless parameter vs loops", test_thouless_vs_loops},
      {"Thouless parameter: thermal > localized", test_thouless_crossover},
      {"spectral function sum rule", test_specfn_sum_rule},
      {"typical spectral function and the shift", test_specfn_typical_shift},
      {NULL, NULL}};
  return qb_test_main("eigobs", cases);
}
