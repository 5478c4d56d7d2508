/* test_evolve_keys.c — the [evolve] key table through the campaign runner: values and
 * defaults reach qb_evolve_config (method, tolerance, linear/log/explicit times),
 * impossible combinations are refused naming the key, and spin_chain's time-domain
 * observables run end to end (survival P(0) = 1, autocorrelation C(0) = 1 exactly, the
 * survival of the Neel state against dense ED of the same realization is not repeated
 * here: test_dynobs covers the observables), and survival computed by both engines of the
 * same realizations: the propagator and the eigenpairs (survival_eig) agree. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"
#include "models/shared/evolve_keys.h"
#include "qbath/prop.h"

static const char *chain_head =
    "[run]\nrealizations = 2\nseed = 5\n[model]\ntype = spin_chain\nL = 8\nn_up = 4\n"
    "terms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform\nW = 1\n";

static qb_status load(const char *body, qb_campaign **c, qb_err *e) {
  char path[600], out[600];
  ct_path(path, sizeof path, "in.ini");
  ct_path(out, sizeof out, "out.h5");
  ct_write(path, "%s%s[output]\nfile = %s\noverwrite = true\n", chain_head, body, out);
  return qb_campaign_load(path, 0, NULL, c, e);
}

static void test_config(void) {
  qb_err e;
  qb_campaign *c;
  QB_ASSERT_OK(load("[evolve]\nmethod = Krylov\ntol = 1e-9\ngrid = log\nt_min = 0.1\nt_max = 100\n"
                    "samples = 4\nkrylov_dim = 25\n", &c, &e), &e);
  qb_evolve_config cfg;
  QB_ASSERT_OK(qb_evolve_keys_read(qb_campaign_point(c, 0), &cfg, &e), &e);
  CU_ASSERT(cfg.type == qb_prop_krylov);
  QB_ASSERT_CLOSE(cfg.prop.tol, 1e-9, 0);
  CU_ASSERT_EQUAL(cfg.prop.krylov_dim, 25);
  CU_ASSERT_EQUAL(cfg.ntimes, 4);
  for (int j = 0; j < 4; j++) QB_ASSERT_CLOSE(cfg.times[j], 0.1 * pow(10.0, j), 1e-12 * cfg.times[j]);
  qb_evolve_keys_clear(&cfg);
  qb_campaign_free(c);
  QB_ASSERT_OK(load("[evolve]\ntimes = 0.5, 2, 2, 7\n", &c, &e), &e);
  QB_ASSERT_OK(qb_evolve_keys_read(qb_campaign_point(c, 0), &cfg, &e), &e);
  CU_ASSERT(cfg.type == qb_prop_chebyshev); /* the default */
  CU_ASSERT(cfg.ntimes == 4 && cfg.times[3] == 7.0);
  qb_evolve_keys_clear(&cfg);
  qb_campaign_free(c);
  /* refused: unknown method, times with a grid key, descending times, log from 0 */
  CU_ASSERT_EQUAL(load("[evolve]\nmethod = euler\n", &c, &e), QB_ERR_INPUT);
  CU_ASSERT(strstr(e.msg, "method") != NULL);
  CU_ASSERT_EQUAL(load("[evolve]\ntimes = 1, 2\nt_max = 3\n", &c, &e), QB_ERR_INPUT);
  QB_ASSERT_OK(load("[evolve]\ntimes = 3, 2\n", &c, &e), &e);
  CU_ASSERT_EQUAL(qb_evolve_keys_read(qb_campaign_point(c, 0), &cfg, &e), QB_ERR_INPUT);
  CU_ASSERT(strstr(e.msg, "times") != NULL);
  qb_campaign_free(c);
  QB_ASSERT_OK(load("[evolve]\ngrid = log\n", &c, &e), &e);
  CU_ASSERT_EQUAL(qb_evolve_keys_read(qb_campaign_point(c, 0), &cfg, &e), QB_ERR_INPUT);
  CU_ASSERT(strstr(e.msg, "t_min") != NULL);
  qb_campaign_free(c);
}

static void test_spin_chain_dynamics(void) {
  qb_err e;
  qb_campaign *c;
  QB_ASSERT_OK(load("[eigen]\nmethod = none\n[evolve]\nmethod = chebyshev, krylov, dense\nt_max = 5\nsamples = 6\n"
                    "observe = survival, autocorr\ninitial = neel\n", &c, &e), &e);
  qb_run_opts o = {0};
  qb_run_stats s;
  QB_ASSERT_OK(qb_campaign_run(c, &o, &s, &e), &e);
  hid_t f = H5Fopen(qb_campaign_output(c), H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(f >= 0);
  for (int p = 0; p < 3; p++) {
    const char *cols[] = {"survival", "autocorr_re"};
    for (int k = 0; k < 2; k++) {
      char name[128];
      double v[6] = {0};
      snprintf(name, sizeof name, "points/p%06d/mean/%s", p, cols[k]);
      hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
      CU_ASSERT_FATAL(d >= 0);
      CU_ASSERT(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
      H5Dclose(d);
      QB_ASSERT_CLOSE(v[0], 1.0, 1e-12); /* t = 0 */
      for (int j = 1; j < 6; j++) CU_ASSERT(v[j] <= 1.0 + 1e-12 && v[j] >= (k ? -1.0 : 0.0));
    }
  }
  H5Fclose(f);
  qb_campaign_free(c);
  /* the spectral function of sigma^z through [spectral]: sum rule Tr Z^2 / D = 1 */
  QB_ASSERT_OK(load("[eigen]\nmethod = none\n[evolve]\nobserve = spectral\n"
                    "[spectral]\nmethod = lehmann, signal\nsamples = 3\nw_min = -8\nw_max = 8\npoints = 401\n"
                    "t_max = 40\n", &c, &e), &e);
  QB_ASSERT_OK(qb_campaign_run(c, &o, &s, &e), &e);
  f = H5Fopen(qb_campaign_output(c), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (int p = 0; p < 2; p++) {
    char name[128];
    double v = 0;
    snprintf(name, sizeof name, "points/p%06d/mean/spectral_weight", p);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    CU_ASSERT_FATAL(d >= 0);
    CU_ASSERT(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0);
    H5Dclose(d);
    printf("\n  spectral sum rule (%s): %.6f", p ? "signal" : "lehmann", v);
    QB_ASSERT_CLOSE(v, 1.0, p ? 2e-2 : 1e-10);
  }
  H5Fclose(f);
  qb_campaign_free(c);
  CU_ASSERT_EQUAL(load("[evolve]\nobserve = spectral\n[spectral]\nmethod = kpm\n", &c, &e), QB_ERR_INPUT);
  CU_ASSERT(strstr(e.msg, "method") != NULL);
  /* autocorr on a model without spins, neel outside the sector: refused */
  CU_ASSERT_EQUAL(load("[evolve]\nobserve = sideways\n", &c, &e), QB_ERR_INPUT);
}

/* rows/<col> of point p into v (at most n doubles); the number read. */
static size_t read_rows(hid_t f, int p, const char *col, double *v, size_t n) {
  char name[128];
  snprintf(name, sizeof name, "points/p%06d/rows/%s", p, col);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return 0;
  hid_t sp = H5Dget_space(d);
  hssize_t len = H5Sget_simple_extent_npoints(sp);
  H5Sclose(sp);
  size_t got = 0;
  if (len > 0 && (size_t)len <= n && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0)
    got = (size_t)len;
  H5Dclose(d);
  return got;
}

/* The one quantity both engines compute: P(t) of the same random state of the same
 * realization from the Chebyshev/Krylov propagator (survival) and from all eigenpairs
 * of dense ED (survival_eig). The propagator's 2-norm error is at most tol over the
 * run, so |A_prop - A_eig| <= tol (+ the eigenvectors' ~1e-13) and |P_prop - P_eig|
 * <= 2 tol. With nev shift-invert pairs the measure is truncated: P(0) = (sum w)^2 exactly
 * and sum w averages nev / D for a random state (each w ~ Exp(1)/D). */
static void test_survival_two_engines(void) {
  enum { NT = 41, R = 2, D = 252 }; /* L = 10, n_up = 5 */
  const double tol = 1e-11;
  qb_err e;
  qb_campaign *c;
  char path[600], out[600];
  ct_path(path, sizeof path, "two.ini");
  ct_path(out, sizeof out, "two.h5");
  ct_write(path, "[run]\nrealizations = %d\nseed = 11\n[model]\ntype = spin_chain\nL = 10\nn_up = 5\n"
           "terms = XX:0.25, YY:0.25, ZZ:0.25, Z:0.5*W:uniform\nW = 1.5\n"
           "[eigen]\nmethod = dense, shift_invert\nnev = 20\n[evolve]\nmethod = chebyshev, krylov\n"
           "tol = %g\nt_max = 200\nsamples = %d\nobserve = survival, survival_eig\n"
           "[output]\nfile = %s\noverwrite = true\n", R, tol, NT, out);
  QB_ASSERT_OK(qb_campaign_load(path, 0, NULL, &c, &e), &e);
  qb_run_opts o = {0};
  qb_run_stats s;
  QB_ASSERT_OK(qb_campaign_run(c, &o, &s, &e), &e);
  hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(f >= 0);
  double worst = 0, wsum = 0;
  for (int p = 0; p < 4; p++) { /* eigen method x evolve method */
    const int dense = p < 2;
    double prop[R * NT], eig[R * NT], inf[R], weight[R];
    CU_ASSERT_FATAL(read_rows(f, p, "survival", prop, R * NT) == R * NT);
    CU_ASSERT_FATAL(read_rows(f, p, "survival_eig", eig, R * NT) == R * NT);
    CU_ASSERT_FATAL(read_rows(f, p, "survival_eig_inf", inf, R) == R);
    CU_ASSERT_FATAL(read_rows(f, p, "survival_eig_weight", weight, R) == R);
    for (int r = 0; r < R; r++) {
      QB_ASSERT_CLOSE(eig[r * NT], weight[r] * weight[r], 1e-12); /* P(0) = (sum w)^2 */
      CU_ASSERT(inf[r] > 0 && inf[r] <= weight[r] * weight[r]);
      if (dense) {
        QB_ASSERT_CLOSE(weight[r], 1.0, 1e-12);
        for (int j = 0; j < NT; j++) worst = fmax(worst, fabs(prop[r * NT + j] - eig[r * NT + j]));
      } else {
        CU_ASSERT(weight[r] < 1);
        wsum += weight[r];
      }
    }
  }
  printf("\n  max |P_prop - P_eig| over t <= 200, Chebyshev and Krylov: %.2e (bound %.0e)", worst, 2 * tol);
  CU_ASSERT(worst <= 2 * tol);
  /* shift-invert: 2 evolve methods x R realizations of the same R weights */
  const double mean = wsum / (2 * R), expect = 20.0 / D, se = sqrt(20.0) / D / sqrt((double)R);
  printf("\n  shift-invert captured weight %.4f, expected nev/D = %.4f +- %.4f", mean, expect, se);
  QB_ASSERT_WITHIN_SE(mean, expect, se, 5);
  H5Fclose(f);
  qb_campaign_free(c);
  /* survival_eig without eigenpairs is refused, naming the key */
  CU_ASSERT_EQUAL(load("[eigen]\nmethod = none\n[evolve]\nobserve = survival_eig\n", &c, &e), QB_ERR_INPUT);
  CU_ASSERT(strstr(e.msg, "method") != NULL);
}

/* random_matrix and matrix_market: survival through the runner; for the Poisson ensemble
 * (a diagonal H) and a basis initial state P(t) = 1 exactly at every time. */
static void test_other_models(void) {
  qb_err e;
  qb_campaign *c;
  char path[600], out[600];
  ct_path(path, sizeof path, "rm.ini");
  ct_path(out, sizeof out, "rm.h5");
  ct_write(path, "[run]\nrealizations = 2\n[model]\ntype = random_matrix\nensemble = GUE, Poisson\n"
           "N = 40\n[evolve]\nobserve = survival\ninitial = basis\nbasis_state = 7\nt_max = 3\n"
           "samples = 4\n[output]\nfile = %s\noverwrite = true\n", out);
  QB_ASSERT_OK(qb_campaign_load(path, 0, NULL, &c, &e), &e);
  qb_run_opts o = {0};
  qb_run_stats s;
  QB_ASSERT_OK(qb_campaign_run(c, &o, &s, &e), &e);
  hid_t f = H5Fopen(qb_campaign_output(c), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (int p = 0; p < 2; p++) {
    char name[128];
    double v[4] = {0};
    snprintf(name, sizeof name, "points/p%06d/mean/survival", p);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    CU_ASSERT_FATAL(d >= 0);
    CU_ASSERT(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    QB_ASSERT_CLOSE(v[0], 1.0, 1e-12);
    if (p == 1)
      for (int j = 1; j < 4; j++) QB_ASSERT_CLOSE(v[j], 1.0, 1e-9); /* diagonal H */
    else
      CU_ASSERT(v[3] < 0.9); /* GUE: the basis state decays */
  }
  H5Fclose(f);
  qb_campaign_free(c);
}

/* inputs/survival_two_engines.ini at W = 0.5, realizations 0 and 1: with the Lanczos
 * bounds stopped at residuals of 2% of the width, realization 1's top eigenvalue (3.27453)
 * lay above the bounds (3.27159) and the Chebyshev step dt = 163 diverged, failing the
 * run. The run must finish and both engines agree (|P_prop - P_eig| <= 2 tol + roundoff). */
static void test_survival_two_engines_input(void) {
  enum { NT = 31, R = 2 };
  qb_err e;
  qb_campaign *c;
  char path[600], out[600];
  ct_path(path, sizeof path, "two_input.ini");
  ct_path(out, sizeof out, "two_input.h5");
  ct_write(path, "[run]\nrealizations = %d\nseed = 2026\n[model]\ntype = spin_chain\nL = 12\n"
           "n_up = 6\nterms = XX:0.25, YY:0.25, ZZ:0.25, Z:0.5*W:uniform\nW = 0.5\n"
           "[eigen]\nmethod = dense\n[evolve]\nmethod = chebyshev\ntol = 1e-10\ngrid = log\n"
           "t_min = 1\nt_max = 1000\nsamples = %d\nobserve = survival, survival_eig\n"
           "initial = neel\n[output]\nfile = %s\noverwrite = true\n", R, NT, out);
  QB_ASSERT_OK(qb_campaign_load(path, 0, NULL, &c, &e), &e);
  qb_run_opts o = {0};
  qb_run_stats s;
  QB_ASSERT_OK(qb_campaign_run(c, &o, &s, &e), &e);
  qb_campaign_free(c);
  hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(f >= 0);
  double prop[R * NT], eig[R * NT];
  CU_ASSERT_FATAL(read_rows(f, 0, "survival", prop, R * NT) == R * NT);
  CU_ASSERT_FATAL(read_rows(f, 0, "survival_eig", eig, R * NT) == R * NT);
  for (int k = 0; k < R * NT; k++) QB_ASSERT_CLOSE(prop[k], eig[k], 2e-10 + 1e-12);
  H5Fclose(f);
}

/* Dry-run peak of a spin_chain Neel-survival run on the full 2^L space with the given
 * [model] operator (no [eigen] path, so auto may go matrix-free). */
static double evolve_estimate(int L, const char *op) {
  qb_err e;
  qb_campaign *c = NULL;
  char path[600];
  double bytes = 0, secs = 0;
  ct_path(path, sizeof path, "auto_operator.ini");
  ct_write(path, "[run]\nrealizations = 1\n[model]\ntype = spin_chain\nL = %d\noperator = %s\n"
           "terms = XX:0.25, YY:0.25, ZZ:0.25, Z:0.5*W:uniform\nW = 1\n[eigen]\nmethod = none\n"
           "[evolve]\nobserve = survival\ninitial = neel\nt_max = 1\nsamples = 2\n"
           "[output]\nfile = /tmp/unused.h5\n", L, op);
  QB_ASSERT_OK(qb_campaign_load(path, 0, NULL, &c, &e), &e);
  QB_ASSERT_OK(qb_campaign_estimate(c, 1, &bytes, &secs, &e), &e);
  qb_campaign_free(c);
  return bytes;
}

/* operator = auto: the CSR while it is small (L = 18 full space: ~32 MB, cached, faster),
 * matrix-free once the CSR passes 64 MiB (L = 20 full space: 185 MB), where matrix-free is
 * the faster operator (docs/evolve.md). Told apart by the estimate, which counts the CSR.
 * The estimates also hold the process's resident size, read when each is made (it drifts by
 * ~1 MB between calls, more under ASan), so auto is matched to the nearer of the two,
 * with the CSR's share (~32 MB here) as the scale. */
static void test_auto_operator(void) {
  const double small_auto = evolve_estimate(18, "auto"), small_csr = evolve_estimate(18, "csr");
  const double small_mf = evolve_estimate(18, "matrix_free");
  const double big_auto = evolve_estimate(20, "auto"), big_csr = evolve_estimate(20, "csr");
  const double big_mf = evolve_estimate(20, "matrix_free");
  printf("\n  estimates L = 18 auto/csr/mf %.4g/%.4g/%.4g MB, L = 20 %.4g/%.4g/%.4g MB",
         small_auto / 1e6, small_csr / 1e6, small_mf / 1e6, big_auto / 1e6, big_csr / 1e6,
         big_mf / 1e6);
  CU_ASSERT(small_csr > small_mf + 20e6);
  CU_ASSERT(fabs(small_auto - small_csr) < 0.25 * (small_csr - small_mf));
  CU_ASSERT(big_csr > big_mf + 100e6);
  CU_ASSERT(fabs(big_auto - big_mf) < 0.25 * (big_csr - big_mf));
}

int main(void) {
  const qb_test_case cases[] = {
      {"[evolve] keys reach the propagator configuration", test_config},
      {"spin_chain survival and autocorr through the runner", test_spin_chain_dynamics},
      {"survival by the propagator and by the eigenpairs agree", test_survival_two_engines},
      {"the shipped survival_two_engines input runs", test_survival_two_engines_input},
      {"random_matrix survival through the runner", test_other_models},
      {"operator = auto: matrix-free past a 64 MiB CSR", test_auto_operator},
      {NULL, NULL}};
  return qb_test_main("evolve_keys", cases);
}
