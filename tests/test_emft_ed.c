/* test_emft_ed.c — the one-spin building block of entanglement mean-field theory against
 * exact diagonalization (Crowley & Chandran PRB 106, 184208, Sec. III and (A3)-(A13)).
 *
 * A GOE grain (d levels, rms eigenvalue 1.5 as in the paper's DRH runs) coupled to one
 * spin of field h = 1 by the DRH flip-flop V = lambda (s^x tau^x + s^y tau^y), s a qubit of
 * the grain. Exact eigenstates of the middle half of the spectrum give the spin's mean
 * entanglement entropy [S]. The theory predicts [S] = (A13) at the reduced coupling of
 * Eq. (3), g1 = rho [|V_ab|]: rho the density of the uncoupled levels, the mean over all
 * pairs a != b (half of them, same-spin pairs, are zero, as in (A23)); both measured here
 * from the same realization.
 *
 * This fixes the normalization of g that the mean-field theory (and the 2D threshold
 * W_th(g0), docs/emft.md) rests on: the resonance tail 2 g/g^2 of (A4), which qbath uses,
 * and not the tail g/g^2 written in (A15), which would predict [S](g1/2). The test
 * asserts both: agreement within 3 standard errors, and the (A15) reading excluded by more
 * than 6. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/emft.h"
#include "qbath/rmt.h"

/* Two-level entropy of the spin's reduced density matrix [[pu, c], [c, pd]]. */
static double spin_entropy(double pu, double pd, double c) {
  double disc = sqrt((pu - pd) * (pu - pd) + 4 * c * c), S = 0;
  for (int s = -1; s <= 1; s += 2) {
    double l = 0.5 * (1 + s * disc);
    if (l > 1e-300) S -= l * log(l);
  }
  return S;
}

/* One realization: the mean entropy over the middle half of the eigenstates, and g1 of
 * Eq. (3) over the middle half of the uncoupled levels. */
static void grain_spin(qb_idx d, double lambda, uint64_t realization, double *S_mean, double *g1) {
  qb_err err;
  qb_rng rng;
  qb_rng_init(&rng, 808, 1, realization, 0);
  const qb_idx n = 2 * d;
  const double h = 1.0;
  double *U = qb_malloc(sizeof(double) * (size_t)(d * d)), *eg = qb_malloc(sizeof(double) * (size_t)d);
  double *sm = qb_calloc((size_t)(d * d), sizeof(double)), *H = qb_calloc((size_t)(n * n), sizeof(double));
  double *E0 = qb_malloc(sizeof(double) * (size_t)n), *E = qb_malloc(sizeof(double) * (size_t)n);
  qb_idx *order = qb_malloc(sizeof(qb_idx) * (size_t)n);
  QB_ASSERT_OK(qb_rmt_goe(&rng, d, 1.0, U, &err), &err);
  QB_ASSERT_OK(qb_dense_eigh(QB_REAL, d, U, eg, 1, &err), &err);
  double ms = 0;
  for (qb_idx a = 0; a < d; a++) ms += eg[a] * eg[a] / (double)d;
  for (qb_idx a = 0; a < d; a++) eg[a] *= 1.5 / sqrt(ms);
  /* <alpha| s^- |beta> for s the lowest grain qubit: s^- |k> = |k - 1> for odd k. */
  for (qb_idx k = 1; k < d; k += 2)
    for (qb_idx al = 0; al < d; al++)
      for (qb_idx be = 0; be < d; be++) sm[al * d + be] += U[(k - 1) * d + al] * U[k * d + be];
  /* States (alpha, up) = alpha and (alpha, down) = d + alpha; V = 2 lambda (s^+ t^- + s^- t^+). */
  for (qb_idx al = 0; al < d; al++) {
    E0[al] = eg[al] + h / 2;
    E0[d + al] = eg[al] - h / 2;
    for (qb_idx be = 0; be < d; be++) {
      H[al * n + d + be] = 2 * lambda * sm[al * d + be];
      H[(d + be) * n + al] = 2 * lambda * sm[al * d + be];
    }
  }
  /* g1 = rho [|V_ab|] from the uncoupled levels, before H is overwritten. */
  /* the uncoupled levels in ascending order: merge the two sorted spin sectors */
  for (qb_idx a = 0, i = 0, j = 0; a < n; a++)
    order[a] = (j >= d || (i < d && E0[i] <= E0[d + j])) ? i++ : d + j++;
  qb_idx lo = n / 4, hi = 3 * n / 4, cnt = hi - lo;
  double vsum = 0;
  for (qb_idx i = lo; i < hi; i++)
    for (qb_idx j = lo; j < hi; j++) vsum += fabs(H[order[i] * n + order[j]]);
  double rho = (double)(cnt - 1) / (E0[order[hi - 1]] - E0[order[lo]]);
  *g1 = rho * vsum / ((double)cnt * (double)(cnt - 1));
  for (qb_idx a = 0; a < n; a++) H[a * n + a] = E0[a];
  QB_ASSERT_OK(qb_dense_eigh(QB_REAL, n, H, E, 1, &err), &err);
  double Ssum = 0;
  for (qb_idx k = lo; k < hi; k++) {
    double pu = 0, pd = 0, c = 0;
    for (qb_idx al = 0; al < d; al++) {
      double u = H[al * n + k], w = H[(d + al) * n + k];
      pu += u * u;
      pd += w * w;
      c += u * w;
    }
    Ssum += spin_entropy(pu, pd, c);
  }
  *S_mean = Ssum / (double)cnt;
  qb_free(U);
  qb_free(eg);
  qb_free(sm);
  qb_free(H);
  qb_free(E0);
  qb_free(E);
  qb_free(order);
}

static void check_point(qb_idx d, double lambda, int realizations) {
  qb_stat sS, sg;
  memset(&sS, 0, sizeof sS);
  sg = sS;
  for (int r = 0; r < realizations; r++) {
    double S, g1;
    grain_spin(d, lambda, (uint64_t)r, &S, &g1);
    qb_stat_add(&sS, S);
    qb_stat_add(&sg, g1);
  }
  qb_emft_pg pg;
  qb_emft_quad q = qb_emft_quad_defaults();
  qb_err err;
  QB_ASSERT_OK(qb_emft_pg_init(&pg, QB_EMFT_PG_A3, QB_EMFT_C1_GOE, QB_EMFT_C2_GOE, &err), &err);
  double g1 = qb_stat_mean(&sg), S_a4, S_a15, S_up;
  QB_ASSERT_OK(qb_emft_mean_S(&pg, g1, &q, &S_a4, &err), &err);
  QB_ASSERT_OK(qb_emft_mean_S(&pg, 0.5 * g1, &q, &S_a15, &err), &err);
  QB_ASSERT_OK(qb_emft_mean_S(&pg, 1.01 * g1, &q, &S_up, &err), &err);
  /* the spread of the measured g1 enters through d[S]/dg (delta method) */
  double slope = (S_up - S_a4) / (0.01 * g1), se_g = slope * qb_stat_stderr(&sg);
  double se = sqrt(qb_stat_stderr(&sS) * qb_stat_stderr(&sS) + se_g * se_g);
  printf("\n  d = %lld, lambda = %g: g1 = %.5f, ED [S] = %.5f +- %.5f; (A13) at g1: %.5f, at g1/2: %.5f ",
         (long long)d, lambda, g1, qb_stat_mean(&sS), se, S_a4, S_a15);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&sS), S_a4, se, 3);
  CU_ASSERT(fabs(qb_stat_mean(&sS) - S_a15) > 6 * se);
}

static void test_intermediate_coupling(void) { check_point(128, 0.01, 24); }
static void test_stronger_coupling(void) { check_point(128, 0.03, 24); }

int main(void) {
  const qb_test_case cases[] = {
      {"one spin, g1 ~ 0.03: ED [S] = (A13) at Eq. (3)'s g1, not at g1/2", test_intermediate_coupling},
      {"one spin, g1 ~ 0.08: ED [S] = (A13) at Eq. (3)'s g1, not at g1/2", test_stronger_coupling},
      {NULL, NULL}};
  return qb_test_main("emft_ed", cases);
}
