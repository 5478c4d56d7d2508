/* test_two_dot.c — the supplement's two-dot model of "Emergence of Fermi's Golden Rule"
 * (Micklitz et al. 2022, Eqs. (7)-(11), (18), (21)) and level_dot's [evolve] method:
 *  - N1 = 1 is level_dot on the same realizations: the same Hamiltonian entry for entry,
 *    P(t) from eigenpairs and by propagation to 1e-10, and through the runner (same seed);
 *  - N1 > 1: P_res(t) by propagation equals the eigenpair path on every realization to the
 *    propagator's tolerance (stronger than "within statistical error");
 *  - Krylov and Chebyshev propagation agree to their tolerances (level_dot and two_dot);
 *  - the golden-rule decay rate at weak coupling: a jackknifed fit of the mean P_res(t)
 *    matches 2 pi nu_2 <|W|^2> = 2 g lambda / N1 within 3 standard errors;
 *  - old [model] time keys of level_dot are answered with the [evolve] key (exit 2). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"
#include "qbath/dense.h"
#include "qbath/prop.h"
#include "qbath/level_dot.h"
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

/* P(t) of two_dot at N1 = 1 (dense ED; propagation) against level_dot's chain (dsterf and
 * 1/F'; propagation) on the same keys, to 1e-10. */
static void test_n1_equals_level_dot(void) {
  qb_err e;
  enum { NT = 30, N = 80 };
  for (int k = 0; k < 3; k++) {
    qb_two_dot m = {ens3[k], 1, N, 0.05, 1.0, 0.0};
    qb_level_dot l = qb_two_dot_level_part(&m);
    l.eig_tol = 1e-14;
    qb_level_dot_key key = {5, 0, (uint64_t)(10 + k)};
    double t[NT], P1[NT], P2[NT], Pp1[NT], Pp2[NT], E[N + 1], w[N + 1];
    qb_cplx c[N + 1];
    for (int j = 0; j < NT; j++) t[j] = 0.1 * j * qb_two_dot_time_unit(&m);
    qb_idx cnt;
    QB_ASSERT_OK(qb_level_dot_measure(&l, key, 1, E, w, &cnt, &e), &e);
    qb_survival_from_measure(E, w, cnt, t, NT, 1, P1);
    QB_ASSERT_OK(qb_two_dot_spectrum(&m, key, E, c, &e), &e);
    QB_ASSERT_OK(qb_two_dot_pres(&m, E, c, t, NT, 2, P2, &e), &e);
    qb_csr *A;
    double lo, hi;
    QB_ASSERT_OK(qb_level_dot_csr(&l, key, &A, &lo, &hi, &e), &e);
    QB_ASSERT_OK(qb_level_dot_propagate(A, lo, hi, t, NT, NULL, 1e-12, 1, Pp1, &e), &e);
    QB_ASSERT_OK(qb_two_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
    QB_ASSERT_OK(qb_level_dot_propagate(A, lo, hi, t, NT, NULL, 1e-12, 1, Pp2, &e), &e);
    for (int j = 0; j < NT; j++) {
      QB_ASSERT_CLOSE(P2[j], P1[j], 1e-10);
      QB_ASSERT_CLOSE(Pp2[j], Pp1[j], 1e-10);
    }
  }
}

static qb_status run_input(const char *name, const char *text, const char *h5, qb_err *err) {
  char in[600], buf[4096];
  snprintf(buf, sizeof buf, text, h5);
  ct_write(ct_path(in, sizeof in, name), "%s", buf);
  qb_campaign *c = NULL;
  qb_run_stats s;
  qb_status st = qb_campaign_load(in, 0, NULL, &c, err);
  qb_run_opts o = {.nthreads = 2, .progress_seconds = 1e9};
  if (st == QB_OK) st = qb_campaign_run(c, &o, &s, err);
  qb_campaign_free(c);
  return st;
}

static double *read_ds(const char *file, const char *what, qb_idx *n) {
  qb_h5 *f = NULL;
  qb_err err;
  double *d = NULL;
  char path[256];
  snprintf(path, sizeof path, "/points/p000000/%s", what);
  if (qb_h5_open(file, &f, &err) != QB_OK) return NULL;
  if (qb_h5_read(f, path, &d, n, &err) != QB_OK) printf("\n  %s: %s\n", path, err.msg);
  qb_h5_close(f);
  return d;
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
  QB_ASSERT_OK(run_input("ld.ini", LD, ct_path(a, sizeof a, "ld.h5"), &e), &e);
  QB_ASSERT_OK(run_input("td.ini", TD, ct_path(b, sizeof b, "td.h5"), &e), &e);
  const char *la[3] = {"rows/P", "rows/P_prop", "rows/P_log"}, *lb[3] = {"rows/P_res", "rows/P_res_prop", "rows/P_res_log"};
  for (int q = 0; q < 3; q++) {
    qb_idx na = 0, nb = 0;
    double *x = read_ds(a, la[q], &na), *y = read_ds(b, lb[q], &nb);
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
    QB_ASSERT_OK(run_input(name, txt[q], h5[q], &e), &e);
  }
  qb_idx na = 0, nb = 0;
  double *x = read_ds(h5[0], "rows/P", &na), *y = read_ds(h5[1], "rows/P", &nb);
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

int main(void) {
  static const qb_test_case cases[] = {{"n1_hamiltonian_is_level_dot", test_n1_hamiltonian_is_level_dot},
                                       {"n1_equals_level_dot", test_n1_equals_level_dot},
                                       {"n1_campaign_equals_level_dot", test_n1_campaign_equals_level_dot},
                                       {"prop_equals_eig_and_krylov", test_prop_equals_eig_and_krylov},
                                       {"level_dot_krylov_campaign", test_level_dot_krylov_campaign},
                                       {"moved_keys_answered", test_moved_keys_answered},
                                       {NULL, NULL}};
  return qb_test_main("two_dot", cases);
}
