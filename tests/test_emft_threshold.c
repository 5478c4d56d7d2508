/* test_emft_threshold.c — the quasiperiodic threshold of Crowley & Chandran PRB 106, 184208
 * (Sec. VII, Fig. 5) as qbath measures it (issue 26): at g0 = 1, hopping t = 1/2 (the
 * paper's W scale; docs/emft.md), W_th = 55 +- 2.5. Bracket on reduced lattices (R = 10,
 * 15): some theta0 avalanche at W = 50, none at W = 60.
 *
 * The margins are binomial, not tuned. At W = 50 the avalanching count K over the test's
 * realizations is compared with the count expected from independent reference ensembles
 * (other seeds; CASES below): |K - E| <= 3 sigma, sigma^2 the binomial variance of K plus the
 * reference's own uncertainty scaled to the test's n (a false alarm ~ 0.3% of seeds). That
 * also requires K >= 1. At W = 60 the threshold claim itself is that no theta0 avalanches
 * (f_aval = 0 exactly above W_th, not just small), so K = 0; its 95% bound f_aval(60) <
 * 3/n lies below the lower 3-sigma bound of f_aval(50), so the bracket is resolved.
 * What it catches (QBATH_EMFT_THRESHOLD_G0 / _T rerun it so; both seen failing): the (A15)
 * normalization of g (tail g/g^2, i.e. g0 = 1/2 here) moves W_th to 40 - 42.5: K(50) = 0
 * of 352; Eq. (15)'s hopping 1 at these W is W/2 on the paper's scale: 352 / 352 avalanche
 * at W = 50 and 341 / 352 at W = 60. */
#include <math.h>
#include <stdio.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"

/* Reference f_aval(W = 50) per radius: avalanching / realizations of the QP ensemble
 * (uniform theta0) at g0 = 1, t = 1/2, default p_g shape, pooled over seed 15
 * (inputs/emft_wth.ini, 192 theta0: 7 at R = 10, 11 at R = 15) and seed 1026 (1024 theta0:
 * 45 and 52); neither is the test's seed. At W = 60: 0 in all of them (0 / 2432 theta0,
 * and 0 / 192 at R = 22, 0 / 64 at R = 33 - 50). */
typedef struct {
  int R, n;          /* radius, the test's realizations */
  double k_ref, n_ref; /* reference count at W = 50 */
} radius_case;

static const radius_case CASES[] = {{10, 256, 7 + 45, 192 + 1024}, {15, 96, 11 + 52, 192 + 1024}};

static const char *INPUT = "[run]\nname = th\nseed = 2026\nrealizations = %d\n"
                           "[model]\ntype = emft_lattice\npotential = quasiperiodic\n"
                           "t = %s\ng0 = %s\nR = %d\nW = 50, 60\n"
                           "[output]\nfile = %s\noverwrite = true\n";

/* Avalanching count at point p (0: W = 50, 1: W = 60) of file. */
static double avalanches(const char *file, int p, qb_idx *n) {
  qb_h5 *f = NULL;
  qb_err err;
  double *d = NULL, k = -1;
  char path[128];
  snprintf(path, sizeof path, "/points/p%06d/rows/avalanched", p);
  if (qb_h5_open(file, &f, &err) == QB_OK && qb_h5_read(f, path, &d, n, &err) == QB_OK) {
    k = 0;
    for (qb_idx i = 0; i < *n; i++) k += d[i];
  } else {
    printf("\n  %s: %s\n", path, err.msg);
  }
  qb_free(d);
  qb_h5_close(f);
  return k;
}

static int run_radius(const radius_case *c, const char *t, const char *g0, double k[2]) {
  char in[600], out[600], text[1024];
  snprintf(text, sizeof text, INPUT, c->n, t, g0, c->R, ct_path(out, sizeof out, "th.h5"));
  ct_write(ct_path(in, sizeof in, "th.ini"), "%s", text);
  qb_campaign *cp = NULL;
  qb_run_stats s;
  qb_err err;
  qb_run_opts o = {.nthreads = 2, .progress_seconds = 1e9};
  qb_status st = qb_campaign_load(in, 0, NULL, &cp, &err);
  if (st == QB_OK) st = qb_campaign_run(cp, &o, &s, &err);
  qb_campaign_free(cp);
  if (st != QB_OK) {
    printf("\n  %s\n", err.msg);
    return 0;
  }
  qb_idx n0 = 0, n1 = 0;
  k[0] = avalanches(out, 0, &n0);
  k[1] = avalanches(out, 1, &n1);
  return n0 == c->n && n1 == c->n;
}

static void test_bracket(void) {
  /* QBATH_EMFT_THRESHOLD_T / _G0 rerun the test with another convention (the test must
   * then fail: t = 1, or g0 = 0.5 for the (A15) normalization) */
  const char *t = getenv("QBATH_EMFT_THRESHOLD_T"), *g0 = getenv("QBATH_EMFT_THRESHOLD_G0");
  t = t ? t : "0.5";
  g0 = g0 ? g0 : "1";
  double K50 = 0, K60 = 0, E = 0, var = 0, n60 = 0, n50 = 0;
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    const radius_case *c = &CASES[i];
    double k[2];
    CU_ASSERT_FATAL(run_radius(c, t, g0, k));
    double f = c->k_ref / c->n_ref;
    /* binomial variance of the test's count + the reference's, scaled to n */
    E += c->n * f;
    var += c->n * f * (1 - f) + (double)c->n * c->n * f * (1 - f) / c->n_ref;
    K50 += k[0];
    K60 += k[1];
    n50 += c->n;
    n60 += c->n;
    printf("\n  R = %d (t = %s, g0 = %s): W = 50: %g / %d avalanche (reference f = %.4f); W = 60: %g / %d", c->R, t,
           g0, k[0], c->n, f, k[1], c->n);
  }
  double sig = sqrt(var);
  printf("\n  W = 50: K = %g, expected %.1f +- %.1f; W = 60: K = %g of %g (f_aval(60) < %.4f at 95%%); "
         "f_aval(50) >= %.4f (3 sigma)\n",
         K50, E, sig, K60, n60, 3 / n60, (E - 3 * sig) / n50);
  CU_ASSERT(K50 >= 1);                  /* an avalanche below the threshold */
  CU_ASSERT(fabs(K50 - E) <= 3 * sig);  /* at the measured rate */
  CU_ASSERT_EQUAL(K60, 0);              /* none above it */
  CU_ASSERT(3 / n60 < (E - 3 * sig) / n50); /* the bracket is resolved statistically */
}

int main(void) {
  static const qb_test_case cases[] = {{"QP threshold bracket at g0 = 1: W = 50 avalanches, W = 60 not", test_bracket},
                                       {NULL, NULL}};
  return qb_test_main("emft_threshold", cases);
}
