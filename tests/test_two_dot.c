/* test_two_dot.c — the supplement's two-dot model of "Emergence of Fermi's Golden Rule"
 * (Micklitz et al. 2022, Eqs. (7)-(11), (18), (21)) and level_dot's [evolve] method:
 *  - N1 = 1 is level_dot on the same realizations: the same Hamiltonian entry for entry,
 *    P(t) from eigenpairs and by propagation to 1e-10, and through the runner (same seed);
 *  - N1 > 1: P_res(t) by propagation equals the eigenpair path on every realization to the
 *    propagator's tolerance (stronger than "within statistical error");
 *  - Krylov and Chebyshev propagation agree to their tolerances (level_dot and two_dot);
 *  - the golden-rule decay rate at weak coupling: a jackknifed fit of the mean P_res(t)
 *    matches 2 pi nu_2 <|W|^2> = 2 g lambda / N1 within 3 standard errors;
 *  - old [model] time keys of level_dot are answered with the [evolve] key (exit 2);
 *  - GSE: one Kramers pair in dot 1 (N1 = 2) is level_dot's GSE level; the spectrum comes
 *    in Kramers pairs; propagation = eigenpairs; and the chain representation has the law
 *    of the dense quaternion model (both dots GSE, W quaternion), mean P_res(t) of
 *    independent realizations within 4 combined standard errors. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"
#include "qbath/dense.h"
#include "qbath/prop.h"
#include "qbath/level_dot.h"
#include "qbath/rmt.h"
#include "qbath/rng.h"
#include "qbath/survival.h"
#include "qbath/two_dot.h"

static const qb_ensemble ens3[] = {QB_GUE, QB_GOE, QB_POISSON};

/* |P - P'| <= |a - a'| (|a| + |a'|) <= 2 |psi - psi'| for unit states: 2 (tol + tol'). */
static double pbound(double tol1, double tol2) { return 2 * (tol1 + tol2) + 1e-12; }

static void test_n1_hamiltonian_is_level_dot(void) {
  qb_err e;
  for (int k = 0; k < 3; k++) {
    qb_two_dot m = {ens3[k], 1, 60, 0.7, 1.3, 0.0};
    qb_level_dot l = qb_two_dot_level_part(&m);
    CU_ASSERT_EQUAL(l.N, 60);
    QB_ASSERT_CLOSE(l.gamma, 0.7 * 60, 1e-13);
    qb_level_dot_key key = {17, 3, (uint64_t)k};
    qb_csr *A, *B;
    double lo, hi;
    QB_ASSERT_OK(qb_two_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
    QB_ASSERT_OK(qb_level_dot_csr(&l, key, &B, &lo, &hi, &e), &e);
    CU_ASSERT_EQUAL_FATAL(A->nrows, B->nrows);
    CU_ASSERT_EQUAL_FATAL(A->dtype, QB_REAL);
    qb_idx n = A->nrows;
    double *DA = qb_calloc((size_t)(n * n), sizeof(double)), *DB = qb_calloc((size_t)(n * n), sizeof(double));
    QB_ASSERT_OK(qb_csr_to_dense(A, DA, &e), &e);
    QB_ASSERT_OK(qb_csr_to_dense(B, DB, &e), &e);
    CU_ASSERT(memcmp(DA, DB, sizeof(double) * (size_t)(n * n)) == 0);
    qb_free(DA);
    qb_free(DB);
    qb_csr_free(A);
    qb_csr_free(B);
  }
}

/* P(t) of two_dot m (N1 = 1, or GSE N1 = 2) against level_dot's chain (dsterf and 1/F';
 * propagation) on the same key, to 1e-10: from two_dot's dense ED and its propagation. */
static void compare_with_level_dot(const qb_two_dot *m, qb_level_dot_key key) {
  qb_err e;
  enum { NT = 30, NMAX = 82 };
  qb_level_dot l = qb_two_dot_level_part(m);
  l.eig_tol = 1e-14;
  qb_idx n = m->N1 + m->N2;
  CU_ASSERT_FATAL(n <= NMAX);
  double t[NT], P1[NT], P2[NT], Pp1[NT], Pp2[NT], E[NMAX], w[NMAX];
  qb_cplx c[2 * NMAX];
  for (int j = 0; j < NT; j++) t[j] = 0.1 * j * qb_two_dot_time_unit(m);
  qb_idx cnt;
  QB_ASSERT_OK(qb_level_dot_measure(&l, key, 1, E, w, &cnt, &e), &e);
  qb_survival_from_measure(E, w, cnt, t, NT, 1, P1);
  QB_ASSERT_OK(qb_two_dot_spectrum(m, key, E, c, &e), &e);
  QB_ASSERT_OK(qb_two_dot_pres(m, E, c, t, NT, 2, P2, &e), &e);
  qb_csr *A;
  double lo, hi;
  QB_ASSERT_OK(qb_level_dot_csr(&l, key, &A, &lo, &hi, &e), &e);
  QB_ASSERT_OK(qb_level_dot_propagate(A, lo, hi, t, NT, NULL, 1e-12, 1, Pp1, &e), &e);
  QB_ASSERT_OK(qb_two_dot_csr(m, key, &A, &lo, &hi, &e), &e);
  CU_ASSERT_EQUAL(A->nrows, n);
  QB_ASSERT_OK(qb_level_dot_propagate(A, lo, hi, t, NT, NULL, 1e-12, m->N1, Pp2, &e), &e);
  for (int j = 0; j < NT; j++) {
    QB_ASSERT_CLOSE(P2[j], P1[j], 1e-10);
    QB_ASSERT_CLOSE(Pp2[j], Pp1[j], 1e-10);
  }
  CU_ASSERT(P1[NT - 1] < 0.9); /* it decays */
}

static void test_n1_equals_level_dot(void) {
  for (int k = 0; k < 3; k++) {
    qb_two_dot m = {ens3[k], 1, 80, 0.05, 1.0, 0.0};
    compare_with_level_dot(&m, (qb_level_dot_key){5, 0, (uint64_t)(10 + k)});
  }
}

/* Through the runner: the same seed gives level_dot's rows (eig and prop paths). */
static void test_n1_campaign_equals_level_dot(void) {
  const char *LD = "[run]\nseed = 99\nrealizations = 3\n[model]\ntype = level_dot\nN = 150\ng = 0.1\n"
                   "representation = chain\neig_tol = 1e-14\npaths = both\n[evolve]\ntau_max = 1.5\nsamples = 31\n"
                   "log_samples = 7\ntol = 1e-12\n[output]\nfile = %s\noverwrite = true\n";
  const char *TD = "[run]\nseed = 99\nrealizations = 3\n[model]\ntype = two_dot\nN1 = 1\nN2 = 150\ng = 0.1\n"
                   "paths = both\n[evolve]\ntau_max = 1.5\nsamples = 31\nlog_samples = 7\ntol = 1e-12\n"
                   "[output]\nfile = %s\noverwrite = true\n";
  char a[600], b[600];
  qb_err e;
  QB_ASSERT_OK(ct_run_input("ld.ini", LD, ct_path(a, sizeof a, "ld.h5"), 2, &e), &e);
  QB_ASSERT_OK(ct_run_input("td.ini", TD, ct_path(b, sizeof b, "td.h5"), 2, &e), &e);
  const char *la[3] = {"rows/P", "rows/P_prop", "rows/P_log"}, *lb[3] = {"rows/P_res", "rows/P_res_prop", "rows/P_res_log"};
  for (int q = 0; q < 3; q++) {
    qb_idx na = 0, nb = 0;
    double *x = ct_read_point(a, 0, la[q], &na), *y = ct_read_point(b, 0, lb[q], &nb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT_EQUAL_FATAL(na, nb);
    double worst = 0;
    for (qb_idx j = 0; j < na; j++) worst = fmax(worst, fabs(x[j] - y[j]));
    CU_ASSERT(worst <= 1e-10);
    if (worst > 1e-10) printf("\n  %s vs %s: max |dP| = %.3g\n", la[q], lb[q], worst);
    qb_free(x);
    qb_free(y);
  }
}

/* N1 > 1: propagation = eigenpairs on every realization; Krylov = Chebyshev. */
static void test_prop_equals_eig_and_krylov(void) {
  qb_err e;
  enum { NT = 21 };
  for (int k = 0; k < 3; k++) {
    qb_two_dot m = {ens3[k], 12, 150, 0.4, 1.0, 0.0};
    qb_level_dot_key key = {21, 1, (uint64_t)k};
    qb_idx n = m.N1 + m.N2;
    double t[NT], P[NT], Pc[NT], Pk[NT], *E = qb_malloc(sizeof(double) * (size_t)n);
    qb_cplx *c = qb_malloc(sizeof(qb_cplx) * (size_t)(m.N1 * n));
    for (int j = 0; j < NT; j++) t[j] = 0.05 * j * qb_two_dot_time_unit(&m);
    QB_ASSERT_OK(qb_two_dot_spectrum(&m, key, E, c, &e), &e);
    QB_ASSERT_OK(qb_two_dot_pres(&m, E, c, t, NT, 2, P, &e), &e);
    qb_csr *A;
    double lo, hi;
    QB_ASSERT_OK(qb_two_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
    QB_ASSERT_OK(qb_level_dot_propagate(A, lo, hi, t, NT, qb_prop_chebyshev, 1e-10, m.N1, Pc, &e), &e);
    QB_ASSERT_OK(qb_two_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
    QB_ASSERT_OK(qb_level_dot_propagate(A, lo, hi, t, NT, qb_prop_krylov, 1e-9, m.N1, Pk, &e), &e);
    CU_ASSERT_EQUAL(P[0], P[0]);
    QB_ASSERT_CLOSE(P[0], 1.0, 1e-12);
    for (int j = 0; j < NT; j++) {
      QB_ASSERT_CLOSE(Pc[j], P[j], pbound(1e-10, 0));
      QB_ASSERT_CLOSE(Pk[j], Pc[j], pbound(1e-9, 1e-10));
    }
    /* P_res decays at all (the test would pass on a constant): below 0.9 by the end. */
    CU_ASSERT(P[NT - 1] < 0.9);
    qb_free(E);
    qb_free(c);
  }
}

/* level_dot: [evolve] method = krylov through the runner equals chebyshev to the tolerances. */
static void test_level_dot_krylov_campaign(void) {
  const char *LD = "[run]\nseed = 4\nrealizations = 2\n[model]\ntype = level_dot\nN = 200\ngamma = 5\n"
                   "representation = chain\npaths = prop\n[evolve]\nmethod = %s\ntol = 1e-9\ntau_max = 2\n"
                   "samples = 41\nlog_samples = 5\n[output]\nfile = %%s\noverwrite = true\n";
  char txt[2][1024], h5[2][600];
  qb_err e;
  const char *meth[2] = {"chebyshev", "krylov"};
  for (int q = 0; q < 2; q++) {
    char name[32];
    snprintf(txt[q], sizeof txt[q], LD, meth[q]);
    snprintf(name, sizeof name, "kry%d.h5", q);
    ct_path(h5[q], sizeof h5[q], name);
    snprintf(name, sizeof name, "kry%d.ini", q);
    QB_ASSERT_OK(ct_run_input(name, txt[q], h5[q], 2, &e), &e);
  }
  qb_idx na = 0, nb = 0;
  double *x = ct_read_point(h5[0], 0, "rows/P", &na), *y = ct_read_point(h5[1], 0, "rows/P", &nb);
  CU_ASSERT_PTR_NOT_NULL_FATAL(x);
  CU_ASSERT_PTR_NOT_NULL_FATAL(y);
  CU_ASSERT_EQUAL_FATAL(na, nb);
  double worst = 0;
  for (qb_idx j = 0; j < na; j++) worst = fmax(worst, fabs(x[j] - y[j]));
  CU_ASSERT(worst <= pbound(1e-9, 1e-9));
  CU_ASSERT(worst > 0); /* two different propagators: not the same file twice */
  qb_free(x);
  qb_free(y);
}

/* Old level_dot keys: exit 2 with the new [evolve] key named. */
static void test_moved_keys_answered(void) {
  const char *old[4][2] = {{"tau_max = 2", "[evolve] tau_max"}, {"prop_tol = 1e-9", "[evolve] tol"},
                           {"samples = 9", "[evolve] samples"}, {"log_samples = 9", "[evolve] log_samples"}};
  for (int q = 0; q < 4; q++) {
    char in[600], errf[600], name[32];
    snprintf(name, sizeof name, "old%d.ini", q);
    ct_path(in, sizeof in, name);
    ct_write(in, "[run]\nrealizations = 1\n[model]\ntype = level_dot\nN = 10\n%s\n[output]\nfile = x.h5\n", old[q][0]);
    char *args[] = {"qbath", "validate", in, NULL};
    int rc = ct_run(args, NULL, ct_path(errf, sizeof errf, "old.err"));
    CU_ASSERT_EQUAL(rc, 2);
    char *msg = ct_slurp(errf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(strstr(msg, old[q][1]) != NULL && strstr(msg, ":6:") != NULL);
    if (!strstr(msg, old[q][1])) printf("\n  message: %s\n", msg);
    qb_free(msg);
  }
}

/* GSE with an odd number of states: validate refuses it at the key (exit 2, file:line). */
static void test_gse_odd_refused(void) {
  char in[600], errf[600];
  ct_path(in, sizeof in, "gse_odd.ini");
  ct_write(in, "[run]\nrealizations = 1\n[model]\ntype = two_dot\nensemble = GSE\nN1 = 4\nN2 = 41\n[output]\nfile = x.h5\n");
  char *args[] = {"qbath", "validate", in, NULL};
  CU_ASSERT_EQUAL(ct_run(args, NULL, ct_path(errf, sizeof errf, "gse_odd.err")), 2);
  char *msg = ct_slurp(errf);
  CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
  CU_ASSERT(strstr(msg, ":7: [model] N2") != NULL);
  qb_free(msg);
}

/* GSE, N1 = 2 (one Kramers pair): level_dot's GSE chain on the same keys (the down state
 * of the pair is never reached: <T psi|e^{-iHt}|psi> = 0 for T^2 = -1, so P_res = P). */
static void test_gse_pair_equals_level_dot(void) {
  qb_two_dot m = {QB_GSE, 2, 80, 0.1, 1.0, 0.0};
  compare_with_level_dot(&m, (qb_level_dot_key){9, 0, 4});
}

/* GSE, N1 = 8: every level a Kramers pair (H commutes with time reversal: a sign slip in
 * the quaternion blocks splits the pairs), propagation = eigenpairs, and the infinite-time
 * average over eigenvectors (P_res_ipr) equals the mean of P_res at random late times. */
static void test_gse_kramers_and_prop(void) {
  qb_err e;
  enum { NT = 21 };
  qb_two_dot m = {QB_GSE, 8, 60, 0.4, 1.0, 0.0};
  qb_level_dot_key key = {23, 0, 2};
  qb_idx n = m.N1 + m.N2;
  double t[NT], P[NT], Pc[NT], *E = qb_malloc(sizeof(double) * (size_t)n);
  qb_cplx *c = qb_malloc(sizeof(qb_cplx) * (size_t)(m.N1 * n));
  for (int j = 0; j < NT; j++) t[j] = 0.05 * j * qb_two_dot_time_unit(&m);
  QB_ASSERT_OK(qb_two_dot_spectrum(&m, key, E, c, &e), &e);
  for (qb_idx a = 0; a < n; a += 2) {
    QB_ASSERT_CLOSE(E[a + 1], E[a], 1e-10);
    if (a + 2 < n) CU_ASSERT(E[a + 2] - E[a + 1] > 1e-8);
  }
  QB_ASSERT_OK(qb_two_dot_pres(&m, E, c, t, NT, 2, P, &e), &e);
  qb_csr *A;
  double lo, hi;
  QB_ASSERT_OK(qb_two_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
  QB_ASSERT_OK(qb_level_dot_propagate(A, lo, hi, t, NT, qb_prop_chebyshev, 1e-10, m.N1, Pc, &e), &e);
  QB_ASSERT_CLOSE(P[0], 1.0, 1e-12);
  for (int j = 0; j < NT; j++) QB_ASSERT_CLOSE(Pc[j], P[j], pbound(1e-10, 0));
  CU_ASSERT(P[NT - 1] < 0.9);
  /* The infinite-time average against the mean of P_res at 2000 random late times, within
   * 4 standard errors of that mean (a pair's cross terms vanish: qb_two_dot_pres_ipr). */
  enum { NS = 2000 };
  double *ts = qb_malloc(sizeof(double) * NS), *Ps = qb_malloc(sizeof(double) * NS), sm = 0, sq = 0;
  qb_rng r;
  qb_rng_init(&r, 5, 0, 0, 9);
  for (int j = 0; j < NS; j++) ts[j] = 1e4 + 1e6 * qb_rng_uniform(&r);
  QB_ASSERT_OK(qb_two_dot_pres(&m, E, c, ts, NS, 2, Ps, &e), &e);
  for (int j = 0; j < NS; j++) sm += Ps[j], sq += Ps[j] * Ps[j];
  double mean = sm / NS, se = sqrt((sq / NS - mean * mean) / (NS - 1)), ipr = qb_two_dot_pres_ipr(&m, c);
  printf("  late mean %.5f +- %.5f, P_res_ipr %.5f\n", mean, se, ipr);
  CU_ASSERT(fabs(ipr - mean) < 4 * se);
  qb_free(ts);
  qb_free(Ps);
  qb_free(E);
  qb_free(c);
}

/* The dense quaternion two-dot model, written out here independently of the chain:
 * states ordered (dot-1 up, dot-2 up, dot-1 down, dot-2 down), H = [[A, B], [-conj B,
 * conj A]] with A = [[A1, P], [P^+, A2]], B = [[B1, Q], [-Q^T, B2]] (A_i, B_i from GSE
 * dots, P, Q iid complex with <|.|^2> = g lambda^2 / (N1 N2)); dot 1 shifted so that the
 * initial state (an eigenstate of dot 1 nearest its centre) sits at 0. P_res at t[0..nt). */
static void dense_gse_pres(const qb_two_dot *m, uint64_t r, const double *t, int nt, double *P) {
  qb_err e;
  qb_idx p1 = m->N1 / 2, h2 = m->N2 / 2, h = p1 + h2, D = 2 * h;
  qb_cplx *H1 = qb_calloc((size_t)(4 * p1 * p1), sizeof(qb_cplx)), *H2 = qb_calloc((size_t)(4 * h2 * h2), sizeof(qb_cplx));
  qb_cplx *H = qb_calloc((size_t)(D * D), sizeof(qb_cplx)), *V1 = qb_calloc((size_t)(4 * p1 * p1), sizeof(qb_cplx));
  double *E = qb_malloc(sizeof(double) * (size_t)D);
  qb_rng r1, r2, rw;
  qb_rng_init(&r1, 77, 0, r, 1);
  qb_rng_init(&r2, 77, 0, r, 2);
  qb_rng_init(&rw, 77, 0, r, 3);
  QB_ASSERT_OK(qb_rmt_gse(&r1, p1, m->lambda / sqrt((double)m->N1), H1, &e), &e);
  QB_ASSERT_OK(qb_rmt_gse(&r2, h2, m->lambda / sqrt((double)m->N2), H2, &e), &e);
  /* The initial state: dot 1's eigenvector nearest 0; dot 1 shifted by its energy. */
  memcpy(V1, H1, sizeof(qb_cplx) * (size_t)(4 * p1 * p1));
  QB_ASSERT_OK(qb_dense_eigh(QB_COMPLEX, 2 * p1, V1, E, 1, &e), &e);
  qb_idx k0 = 0;
  for (qb_idx a = 1; a < 2 * p1; a++)
    if (fabs(E[a]) < fabs(E[k0])) k0 = a;
  double shift = E[k0];
  /* Dot-i index x (x < 2 n_i, up then down) -> global index. */
#define G1(x) ((x) < p1 ? (x) : h + (x) - p1)
#define G2(x) ((x) < h2 ? p1 + (x) : h + p1 + (x) - h2)
  for (qb_idx i = 0; i < 2 * p1; i++)
    for (qb_idx j = 0; j < 2 * p1; j++) H[G1(i) * D + G1(j)] = H1[i * 2 * p1 + j] - (i == j ? shift : 0);
  for (qb_idx i = 0; i < 2 * h2; i++)
    for (qb_idx j = 0; j < 2 * h2; j++) H[G2(i) * D + G2(j)] = H2[i * 2 * h2 + j];
  double s = sqrt(m->g / ((double)m->N1 * (double)m->N2)) * m->lambda;
  for (qb_idx k = 0; k < p1; k++)
    for (qb_idx j = 0; j < h2; j++) {
      qb_cplx Pk = s * qb_rng_cnormal(&rw), Qk = s * qb_rng_cnormal(&rw);
      qb_idx ku = k, kd = h + k, ju = p1 + j, jd = h + p1 + j;
      H[ku * D + ju] = Pk, H[kd * D + jd] = conj(Pk); /* A block and conj(A) block */
      H[ku * D + jd] = Qk, H[jd * D + ku] = conj(Qk); /* B_kj = Q (B's upper right) */
      H[ju * D + kd] = -Qk, H[kd * D + ju] = -conj(Qk); /* B_jk = -Q_kj; -conj(B) */
      H[ju * D + ku] = conj(Pk), H[jd * D + kd] = Pk;
    }
  QB_ASSERT_OK(qb_dense_eigh(QB_COMPLEX, D, H, E, 1, &e), &e);
  for (int q = 0; q < nt; q++) {
    double sum = 0;
    for (qb_idx i = 0; i < 2 * p1; i++) {
      qb_cplx z = 0;
      for (qb_idx a = 0; a < D; a++) {
        qb_cplx d = 0; /* <a|mu> */
        for (qb_idx x = 0; x < 2 * p1; x++) d += conj(H[G1(x) * D + a]) * V1[x * 2 * p1 + k0];
        z += H[G1(i) * D + a] * cexp(-I * E[a] * t[q]) * d;
      }
      sum += creal(z) * creal(z) + cimag(z) * cimag(z);
    }
    P[q] = sum;
  }
#undef G1
#undef G2
  qb_free(H1);
  qb_free(H2);
  qb_free(H);
  qb_free(V1);
  qb_free(E);
}

static void test_gse_dense_law(void) {
  qb_err e;
  /* gamma = 1, and dot 1 large enough (N1 / (N1 + N2) = 0.2) that the other pairs' rows
   * of W set the late P_res: a wrong variance of them shows there. */
  enum { NT = 6, R = 300 };
  qb_two_dot m = {QB_GSE, 8, 32, 0.25, 1.0, 0.0};
  qb_idx n = m.N1 + m.N2;
  double t[NT], P[NT], s1[NT] = {0}, q1[NT] = {0}, s2[NT] = {0}, q2[NT] = {0}, E[40];
  qb_cplx c[8 * 40];
  for (int j = 0; j < NT; j++) t[j] = 0.05 * (1 << j) * qb_two_dot_time_unit(&m);
  for (int r = 0; r < R; r++) {
    qb_level_dot_key key = {31, 0, (uint64_t)r};
    QB_ASSERT_OK(qb_two_dot_spectrum(&m, key, E, c, &e), &e);
    QB_ASSERT_OK(qb_two_dot_pres(&m, E, c, t, NT, 1, P, &e), &e);
    for (int j = 0; j < NT; j++) s1[j] += P[j], q1[j] += P[j] * P[j];
    dense_gse_pres(&m, (uint64_t)r, t, NT, P);
    for (int j = 0; j < NT; j++) s2[j] += P[j], q2[j] += P[j] * P[j];
  }
  CU_ASSERT_EQUAL(n, 40);
  /* The chain's coupling rows carry g = <tr W W^+> / lambda^2 exactly in the mean (the
   * level's pair through b0, the other pairs through their quaternion rows): the late P_res
   * above is nearly ergodic and would not notice a wrong variance of the other rows. */
  double sw = 0, qw = 0;
  for (int r = 0; r < R; r++) {
    qb_level_dot_key key = {32, 0, (uint64_t)r};
    qb_csr *A;
    double lo, hi, x = 0;
    QB_ASSERT_OK(qb_two_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
    for (qb_idx i = 0; i < m.N1; i++)
      for (qb_idx q = A->rowptr[i]; q < A->rowptr[i + 1]; q++)
        if (A->colind[q] >= m.N1) x += pow(cabs(((qb_cplx *)A->val)[q]), 2) / (m.lambda * m.lambda);
    qb_csr_free(A);
    sw += x, qw += x * x;
  }
  double mw = sw / R, sew = sqrt((qw / R - mw * mw) / (R - 1));
  printf("  tr W W^+ / lambda^2 = %.4f +- %.4f (g = %g)\n", mw, sew, m.g);
  CU_ASSERT(fabs(mw - m.g) < 4 * sew);
  for (int j = 0; j < NT; j++) {
    double m1 = s1[j] / R, m2 = s2[j] / R, v1 = (q1[j] / R - m1 * m1) / (R - 1), v2 = (q2[j] / R - m2 * m2) / (R - 1);
    printf("  tau = %.2f: chain %.4f, dense %.4f, z = %+.2f\n", 0.05 * (1 << j), m1, m2, (m1 - m2) / sqrt(v1 + v2));
    CU_ASSERT(fabs(m1 - m2) < 4 * sqrt(v1 + v2));
  }
}

int main(void) {
  static const qb_test_case cases[] = {{"n1_hamiltonian_is_level_dot", test_n1_hamiltonian_is_level_dot},
                                       {"n1_equals_level_dot", test_n1_equals_level_dot},
                                       {"n1_campaign_equals_level_dot", test_n1_campaign_equals_level_dot},
                                       {"prop_equals_eig_and_krylov", test_prop_equals_eig_and_krylov},
                                       {"level_dot_krylov_campaign", test_level_dot_krylov_campaign},
                                       {"moved_keys_answered", test_moved_keys_answered},
                                       {"gse_pair_equals_level_dot", test_gse_pair_equals_level_dot},
                                       {"gse_kramers_and_prop", test_gse_kramers_and_prop},
                                       {"gse_dense_law", test_gse_dense_law},
                                       {"gse_odd_refused", test_gse_odd_refused},
                                       {NULL, NULL}};
  return qb_test_main("two_dot", cases);
}
