/* test_level_dot.c — the FGR level-dot model: the chain's eigenpairs against dense ED of
 * the same chain, exact structure of the dense matrices (Hermitian, Kramers pairs), sum
 * rules, the window's truncation bound, propagation = eigenpairs on the same
 * realizations, dense and chain representations with the same statistics, P_res
 * against Eq. (4) and P(tau) against Eq. (5) within standard errors; the unfolded
 * (N -> infinity) window: its secular roots against dense ED and an independent residual,
 * its continuum weight, and Eqs. (4)-(5) where finite N visibly deviates. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/campaign.h"
#include "qbath/dense.h"
#include "qbath/level_dot.h"
#include "qbath/model.h"
#include "qbath/survival.h"
#include "qbath/fgr.h"
#include "qbath/rng.h"
#include "physics/level_dot_internal.h"

static const qb_ensemble all_ens[] = {QB_GUE, QB_GOE, QB_GSE, QB_POISSON};

static qb_level_dot model(qb_ensemble e, qb_idx N, double gamma, qb_level_dot_repr r) {
  qb_level_dot m = {e, N, gamma, 1.3, 0.0, r, 0, 1e-10};
  return m;
}

/* The chain's measure (Sturm bisection + 1/F') equals dense ED of the same chain matrix. */
static void test_chain_vs_its_dense_ed(void) {
  qb_err e;
  for (int k = 0; k < 4; k++) {
    qb_level_dot m = model(all_ens[k], 40, 2.7, QB_LD_CHAIN);
    m.eig_tol = 1e-13;
    qb_level_dot_key key = {11, 2, 3};
    qb_idx n = qb_level_dot_measure_size(&m), cnt;
    double *E = qb_malloc(sizeof(double) * n), *w = qb_malloc(sizeof(double) * n);
    QB_ASSERT_OK(qb_level_dot_measure(&m, key, 2, E, w, &cnt, &e), &e);
    CU_ASSERT_EQUAL(cnt, n);
    qb_csr *A;
    double lo, hi;
    QB_ASSERT_OK(qb_level_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
    double *D = qb_calloc((size_t)(n * n), sizeof(double)), *ev = qb_malloc(sizeof(double) * n);
    QB_ASSERT_OK(qb_csr_to_dense(A, D, &e), &e);
    QB_ASSERT_OK(qb_dense_eigh(QB_REAL, n, D, ev, 1, &e), &e);
    for (qb_idx a = 0; a < n; a++) {
      CU_ASSERT(ev[a] >= lo && ev[a] <= hi);
      QB_ASSERT_CLOSE(E[a], ev[a], 1e-11 * m.lambda);
      QB_ASSERT_CLOSE(w[a], D[a] * D[a], 1e-10);
    }
    qb_csr_free(A);
    qb_free(D);
    qb_free(ev);
    qb_free(E);
    qb_free(w);
  }
}

/* Dense matrices: Hermitian; GSE eigenvalues in exact Kramers pairs; weights sum to 1. */
static void test_dense_structure(void) {
  qb_err e;
  for (int k = 0; k < 4; k++) {
    qb_level_dot m = model(all_ens[k], 30, 1.9, QB_LD_DENSE);
    qb_level_dot_key key = {5, 0, 1};
    qb_csr *A;
    double lo, hi, defect;
    QB_ASSERT_OK(qb_level_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
    QB_ASSERT_OK(qb_csr_hermiticity(A, &defect, &e), &e);
    CU_ASSERT(defect == 0);
    qb_idx D = A->nrows;
    CU_ASSERT_EQUAL(D, all_ens[k] == QB_GSE ? 32 : 31);
    if (all_ens[k] == QB_GSE) {
      qb_cplx *H = qb_malloc(sizeof(qb_cplx) * D * D);
      double *ev = qb_malloc(sizeof(double) * D);
      QB_ASSERT_OK(qb_csr_to_dense(A, H, &e), &e);
      QB_ASSERT_OK(qb_dense_eigh(QB_COMPLEX, D, H, ev, 0, &e), &e);
      for (qb_idx a = 0; a < D; a += 2) QB_ASSERT_CLOSE(ev[a], ev[a + 1], 1e-12);
      qb_free(H);
      qb_free(ev);
    }
    qb_csr_free(A);
    double E[32], w[32], s = 0;
    qb_idx cnt;
    QB_ASSERT_OK(qb_level_dot_measure(&m, key, 1, E, w, &cnt, &e), &e);
    for (qb_idx a = 0; a < cnt; a++) s += w[a];
    QB_ASSERT_CLOSE(s, 1.0, 1e-12);
  }
}

/* A window of M eigenpairs: P(t) differs from the full measure's by at most
 * 2 (1 - weight inside) at every t (|A_full - A_win| <= missing weight, |A| <= 1). */
static void test_window_bound(void) {
  qb_err e;
  qb_level_dot full = model(QB_GUE, 300, 5, QB_LD_CHAIN), win = full;
  win.window = 60;
  double E[301], w[301], Ew[60], ww[60], t[40], P[40], Pw[40];
  qb_idx n, nw;
  qb_level_dot_key key = {3, 1, 4};
  QB_ASSERT_OK(qb_level_dot_measure(&full, key, 1, E, w, &n, &e), &e);
  QB_ASSERT_OK(qb_level_dot_measure(&win, key, 1, Ew, ww, &nw, &e), &e);
  CU_ASSERT_EQUAL(nw, 60);
  double s = 0;
  for (qb_idx a = 0; a < nw; a++) s += ww[a];
  CU_ASSERT(s < 1 && s > 0.5);
  for (int j = 0; j < 40; j++) t[j] = 0.07 * j * qb_level_dot_time_unit(&full);
  qb_survival_from_measure(E, w, n, t, 40, 1, P);
  qb_survival_from_measure(Ew, ww, nw, t, 40, 1, Pw);
  for (int j = 0; j < 40; j++) CU_ASSERT(fabs(P[j] - Pw[j]) <= 2 * (1 - s) + 1e-12);
}

/* Propagation and eigenpairs on the same realizations agree to the propagator's tolerance. */
static void test_propagation_equals_eigenpairs(void) {
  qb_err e;
  for (int r = 0; r < 2; r++)
    for (int k = 0; k < 4; k++) {
      qb_level_dot m = model(all_ens[k], 80, 3.3, r ? QB_LD_CHAIN : QB_LD_DENSE);
      m.eig_tol = 1e-14; /* weights 1/F'(E) inherit the eigenvalue error */
      qb_level_dot_key key = {9, 0, (uint64_t)k};
      enum { NT = 25 };
      double t[NT], P[NT], Pp[NT], E[81], w[81];
      for (int j = 0; j < NT; j++) t[j] = 0.13 * j * qb_level_dot_time_unit(&m);
      qb_idx cnt;
      QB_ASSERT_OK(qb_level_dot_measure(&m, key, 1, E, w, &cnt, &e), &e);
      qb_survival_from_measure(E, w, cnt, t, NT, 1, P);
      qb_csr *A;
      double lo, hi;
      QB_ASSERT_OK(qb_level_dot_csr(&m, key, &A, &lo, &hi, &e), &e);
      QB_ASSERT_OK(qb_level_dot_propagate(A, lo, hi, t, NT, NULL, 1e-10, 1, Pp, &e), &e);
      /* |P - P'| <= 2 |A - A'| <= 2 tol. */
      for (int j = 0; j < NT; j++) QB_ASSERT_CLOSE(Pp[j], P[j], 2e-10 + 1e-12);
    }
}

typedef struct stats {
  qb_stat ipr, P[3], late_minus_ipr; /* late: mean P over LATE_NT times in tau [10, 20] */
  qb_stat tail;                      /* 1 - sum of the weights returned */
} stats;

enum { LATE_NT = 16 };

static void sample(qb_level_dot m, int R, uint64_t seed, const double *tau, stats *S) {
  qb_err e;
  qb_idx n = qb_level_dot_measure_size(&m), cnt;
  double *E = qb_malloc(sizeof(double) * n), *w = qb_malloc(sizeof(double) * n), t[3], P[3], tl[LATE_NT];
  qb_cplx phi[3], phil[LATE_NT]; /* the unfolded continuum's amplitude (0 otherwise) */
  for (int j = 0; j < 3; j++) t[j] = tau[j] * qb_level_dot_time_unit(&m);
  for (int j = 0; j < LATE_NT; j++) tl[j] = (10.0 + 10.0 * j / (LATE_NT - 1)) * qb_level_dot_time_unit(&m);
  QB_ASSERT_OK(qb_level_dot_continuum(&m, t, 3, phi, &e), &e);
  QB_ASSERT_OK(qb_level_dot_continuum(&m, tl, LATE_NT, phil, &e), &e);
  memset(S, 0, sizeof *S);
  for (int r = 0; r < R; r++) {
    qb_level_dot_key key = {seed, 0, (uint64_t)r};
    QB_ASSERT_OK(qb_level_dot_measure(&m, key, 1, E, w, &cnt, &e), &e);
    double ipr = qb_survival_ipr(w, cnt), tail = 1;
    for (qb_idx a = 0; a < cnt; a++) tail -= w[a];
    qb_stat_add(&S->ipr, ipr);
    qb_stat_add(&S->tail, tail);
    qb_stat_add(&S->late_minus_ipr, qb_survival_time_average(E, w, cnt, tail, phil, tl, LATE_NT, 1) - ipr);
    qb_survival_with_tail(E, w, cnt, tail, phi, t, 3, 1, P);
    for (int j = 0; j < 3; j++) qb_stat_add(&S->P[j], P[j]);
  }
  qb_free(E);
  qb_free(w);
}

/* Dense and chain: the same mean P_res and P(tau) within 4 combined standard errors
 * (16 comparisons) for every ensemble. */
static void test_representations_agree(void) {
  const double tau[3] = {0.05, 0.4, 1.5};
  for (int k = 0; k < 4; k++) {
    stats a, b;
    sample(model(all_ens[k], 60, 3.1, QB_LD_DENSE), 400, 21, tau, &a);
    sample(model(all_ens[k], 60, 3.1, QB_LD_CHAIN), 1000, 22, tau, &b);
    double se = hypot(qb_stat_stderr(&a.ipr), qb_stat_stderr(&b.ipr));
    QB_ASSERT_WITHIN_SE(qb_stat_mean(&a.ipr), qb_stat_mean(&b.ipr), se, 4);
    for (int j = 0; j < 3; j++) {
      se = hypot(qb_stat_stderr(&a.P[j]), qb_stat_stderr(&b.P[j]));
      QB_ASSERT_WITHIN_SE(qb_stat_mean(&a.P[j]), qb_stat_mean(&b.P[j]), se, 4);
    }
  }
}

/* GUE, gamma / N = 0.01 (the note-[22] correction, O(gamma/N) relative, is below the
 * statistical error of ~1.5%): P_res within 3 SE of Eq. (4), both representations. The
 * two P_res estimates agree on average: the late-time mean of P (tau in [10, 20], where
 * the GUE form factor is 1) minus sum w^2, paired per realization, is 0 within 3 SE. */
static void test_pres_eq4(void) {
  const double tau[3] = {1, 2, 3};
  stats s;
  sample(model(QB_GUE, 150, 1.5, QB_LD_CHAIN), 1500, 31, tau, &s);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&s.ipr), qb_fgr_pres_eq4(1.5), qb_stat_stderr(&s.ipr), 3);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&s.late_minus_ipr), 0.0, qb_stat_stderr(&s.late_minus_ipr), 3);
  sample(model(QB_GUE, 100, 0.7, QB_LD_DENSE), 300, 32, tau, &s);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&s.ipr), qb_fgr_pres_eq4(0.7), qb_stat_stderr(&s.ipr), 3);
}

/* GUE, P(tau) against Eq. (5) at three times within 3 SE. tau >= 0.2 is far past the
 * non-universal start (t lambda = 2 N tau = 100), and the note-[22] correction,
 * ~gamma / (2N) = 0.5%, is below the ~2% statistical error. */
static void test_p_tau_eq5(void) {
  const double tau[3] = {0.2, 0.65, 1.7}, g = 2.3;
  qb_err e;
  stats s;
  sample(model(QB_GUE, 250, g, QB_LD_CHAIN), 1000, 41, tau, &s);
  for (int j = 0; j < 3; j++) {
    double th;
    QB_ASSERT_OK(qb_fgr_P_eq5(g, tau[j], NULL, &th, &e), &e);
    QB_ASSERT_WITHIN_SE(qb_stat_mean(&s.P[j]), th, qb_stat_stderr(&s.P[j]), 3);
  }
}

/* The unfolded window's secular solver. With no continuum (v = 0) the roots and weights
 * are the eigenvalues and |<0|a>|^2 of the arrow matrix [[0, sqrt c^T], [sqrt c, diag u]]
 * (dense ED); couplings down to 1e-10 test the weights of roots glued to their poles. With
 * the continuum, an independent evaluation of f at each root: the Newton step f/f' is
 * below 1e-12 of the level spacing, the weight is 1/f' to 1e-10 (f' changes by a relative
 * 2 dx / (x - u_k) across the root's rounding dx, large next to a pole), and the roots
 * interlace. */
static void test_unfolded_secular_roots(void) {
  enum { K = 30 };
  qb_err e;
  qb_rng r;
  qb_rng_init(&r, 77, 0, 0, 0);
  double u[K], c[K], x[K + 1], w[K + 1];
  for (int pass = 0; pass < 3; pass++) {
    qb_level_dot_window W = {K, 1.0, 0.5 * K + 2.0, 0.0, u, c};
    for (int k = 0; k < K; k++) {
      u[k] = -0.5 * K + k + 0.8 * qb_rng_uniform(&r);
      c[k] = (pass == 0 ? 0.02 : pass == 1 ? 1e-10 : 0.9) * qb_rng_gamma(&r, 1.0);
    }
    if (pass < 2) {
      qb_level_dot_secular_roots(&W, 2, x, w);
      double *H = qb_calloc((K + 1) * (K + 1), sizeof(double)), ev[K + 1];
      for (int k = 0; k < K; k++) {
        H[(k + 1) * (K + 1) + k + 1] = u[k];
        H[k + 1] = H[(k + 1) * (K + 1)] = sqrt(c[k]);
      }
      QB_ASSERT_OK(qb_dense_eigh(QB_REAL, K + 1, H, ev, 1, &e), &e);
      for (int a = 0; a <= K; a++) {
        QB_ASSERT_CLOSE(x[a], ev[a], 1e-12 * K);
        QB_ASSERT_CLOSE(w[a], H[a] * H[a], 1e-13);
        /* Relative accuracy of the tiny weights: w ~ c / (x - u)^2. */
        if (pass == 1 && H[a] * H[a] < 0.5) CU_ASSERT(fabs(w[a] / (H[a] * H[a]) - 1) < 1e-6);
      }
      qb_free(H);
    } else {
      W.v = 0.9 / (M_PI * M_PI) * 3;
      qb_level_dot_secular_roots(&W, 1, x, w);
      for (int a = 0; a <= K; a++) {
        double f = x[a] - W.v * log((W.A - x[a]) / (W.A + x[a])), fp = 1 + W.v * (1 / (W.A - x[a]) + 1 / (W.A + x[a]));
        for (int k = 0; k < K; k++) {
          f -= c[k] / (x[a] - u[k]);
          fp += c[k] / ((x[a] - u[k]) * (x[a] - u[k]));
        }
        CU_ASSERT(fabs(f / fp) < 1e-12);
        QB_ASSERT_CLOSE(w[a] * fp, 1.0, 1e-10);
        CU_ASSERT(x[a] > (a == 0 ? -W.A : u[a - 1]) && x[a] < (a == K ? W.A : u[a]));
      }
    }
  }
}

/* The unfolded limit where finite N deviates visibly. GUE, gamma = 20, a window of 300
 * levels, 800 samples: P_res within 3 SE of Eq. (4), and P(tau) within 3 SE of Eq. (5) at
 * tau = 0.004 (inside the decay: the chain at N + 1 = 1000 with the same sample size lies
 * 28 se above there, the finite band's delay), 0.05 and 0.8. The weight outside the
 * window matches the Lorentzian tail's (2/pi) arctan(Gamma / (2 A)) within 3 SE (with the
 * continuum's self-energy scaled by 0.3 it is off by ~9000 se, and P(0.004) by 50). */
static void test_unfolded_eq4_eq5(void) {
  const double tau[3] = {0.004, 0.05, 0.8}, g = 20;
  qb_err e;
  stats s;
  qb_level_dot m = model(QB_GUE, 999, g, QB_LD_UNFOLDED);
  m.window = 300;
  sample(m, 800, 51, tau, &s);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&s.ipr), qb_fgr_pres_eq4(g), qb_stat_stderr(&s.ipr), 3);
  for (int j = 0; j < 3; j++) {
    double th;
    QB_ASSERT_OK(qb_fgr_P_eq5(g, tau[j], NULL, &th, &e), &e);
    QB_ASSERT_WITHIN_SE(qb_stat_mean(&s.P[j]), th, qb_stat_stderr(&s.P[j]), 3);
  }
  /* Internal units: Gamma = 2 gamma / pi, A = window / 2. */
  double tail = 2 / M_PI * atan((2 * g / M_PI) / (double)m.window);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&s.tail), tail, qb_stat_stderr(&s.tail), 3);
}

/* Chain at N = 300, gamma = 1 (note [22]: gamma / 2N = 0.2%, below the errors) and the
 * unfolded window of 200 levels: the same P_res and P(tau) within 4 combined SE for
 * every ensemble (12 comparisons). */
static void test_unfolded_agrees_with_chain(void) {
  const double tau[3] = {0.1, 0.4, 1.5};
  for (int k = 0; k < 4; k++) {
    stats a, b;
    qb_level_dot mu = model(all_ens[k], 300, 1.0, QB_LD_UNFOLDED);
    mu.window = 200;
    sample(model(all_ens[k], 300, 1.0, QB_LD_CHAIN), 500, 61, tau, &a);
    sample(mu, 800, 62, tau, &b);
    double se = hypot(qb_stat_stderr(&a.ipr), qb_stat_stderr(&b.ipr));
    QB_ASSERT_WITHIN_SE(qb_stat_mean(&a.ipr), qb_stat_mean(&b.ipr), se, 4);
    for (int j = 0; j < 3; j++) {
      se = hypot(qb_stat_stderr(&a.P[j]), qb_stat_stderr(&b.P[j]));
      QB_ASSERT_WITHIN_SE(qb_stat_mean(&a.P[j]), qb_stat_mean(&b.P[j]), se, 4);
    }
  }
}

static void test_registered_and_checked(void) {
  CU_ASSERT_PTR_NOT_NULL(qb_campaign_model_find(NULL, "level_dot"));
  qb_err e;
  qb_level_dot m = model(QB_GSE, 41, 1, QB_LD_DENSE);
  CU_ASSERT_EQUAL(qb_level_dot_check(&m, &e), QB_ERR_INPUT);
  m = model(QB_GUE, 1, 1, QB_LD_DENSE);
  CU_ASSERT_EQUAL(qb_level_dot_check(&m, &e), QB_ERR_INPUT);
  m = model(QB_GUE, 10, -1, QB_LD_CHAIN);
  CU_ASSERT_EQUAL(qb_level_dot_check(&m, &e), QB_ERR_INPUT);
  m = model(QB_GUE, 10, 1, QB_LD_UNFOLDED);
  m.window = 4;
  CU_ASSERT_EQUAL(qb_level_dot_check(&m, &e), QB_ERR_INPUT);
  m.window = 20;
  qb_csr *A = NULL;
  double lo, hi;
  CU_ASSERT_EQUAL(qb_level_dot_csr(&m, (qb_level_dot_key){1, 0, 0}, &A, &lo, &hi, &e), QB_ERR_UNSUPPORTED);
  CU_ASSERT_PTR_NULL(A);
}

int main(void) {
  const qb_test_case cases[] = {{"chain_vs_its_dense_ed", test_chain_vs_its_dense_ed},
                                {"dense_structure", test_dense_structure},
                                {"window_bound", test_window_bound},
                                {"propagation_equals_eigenpairs", test_propagation_equals_eigenpairs},
                                {"representations_agree", test_representations_agree},
                                {"pres_eq4", test_pres_eq4},
                                {"p_tau_eq5", test_p_tau_eq5},
                                {"unfolded_secular_roots", test_unfolded_secular_roots},
                                {"unfolded_eq4_eq5", test_unfolded_eq4_eq5},
                                {"unfolded_agrees_with_chain", test_unfolded_agrees_with_chain},
                                {"registered_and_checked", test_registered_and_checked},
                                {NULL, NULL}};
  return qb_test_main("level_dot", cases);
}
