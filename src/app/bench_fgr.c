/* bench_fgr.c — `qbath bench fgr`: realizations per second of the FGR level-dot model's
 * P(tau) curve (GUE, gamma = 10, tau in [0, 3] on 500 points) for N = 10^3, 10^4, 10^5,
 * by both paths (eigenpairs: spectral measure + |sum w e^{-iEt}|^2; propagation:
 * Chebyshev) and both representations (dense ED; O(N) chain with a window of eigenpairs),
 * then the N -> infinity limit (unfolded window of 1000 and 2000 levels, eigenpair path),
 * with the growth exponent of the cost between sizes and the projected time of 10^3
 * realizations. Each case runs realizations until min_seconds have passed (at least one);
 * cases above max_seconds per realization (estimated from the previous size at the
 * measured exponent) are skipped and marked. All threads inside one realization. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "qbath/alloc.h"
#include "qbath/level_dot.h"
#include "qbath/survival.h"

typedef struct fgr_bench_opts {
  double min_seconds;   /* per case */
  double max_seconds;   /* skip a case whose projected time per realization exceeds this */
  qb_idx window;        /* chain eig path: eigenpairs (0: all) */
  int npoints;          /* tau grid */
  double tau_max;
  double gamma;
  int dense_max_n;      /* dense only up to this N */
} fgr_bench_opts;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One realization by the chosen path; *weight the eigenpair window's weight (or 1). */
static qb_status one(const qb_level_dot *m, int prop, uint64_t r, const double *t, int nt,
                     int nthreads, double *P, double *weight, qb_err *err) {
  qb_level_dot_key k = {777, 0, r};
  *weight = 1;
  if (prop) {
    qb_csr *A;
    double lo, hi;
    QB_TRY(qb_level_dot_csr(m, k, &A, &lo, &hi, err));
    return qb_level_dot_propagate(A, lo, hi, t, nt, NULL, 1e-8, 1, P, err);
  }
  qb_idx M = qb_level_dot_measure_size(m), cnt;
  double *E = qb_malloc(sizeof(double) * M), *w = qb_malloc(sizeof(double) * M);
  qb_status st = E && w ? qb_level_dot_measure(m, k, nthreads, E, w, &cnt, err) : QB_ERR_NOMEM;
  if (st == QB_OK) {
    qb_survival_from_measure(E, w, cnt, t, nt, nthreads, P);
    double s = 0;
    for (qb_idx a = 0; a < cnt; a++) s += w[a];
    *weight = s;
  }
  qb_free(E);
  qb_free(w);
  return st;
}

/* Seconds per realization of one case (NAN on failure). */
static double time_case(const qb_level_dot *m, int prop, const fgr_bench_opts *o, int nthreads,
                        int *nreal, double *weight) {
  double *t = qb_malloc(sizeof(double) * o->npoints), *P = qb_malloc(sizeof(double) * o->npoints);
  for (int j = 0; j < o->npoints; j++)
    t[j] = o->tau_max * j / (o->npoints - 1) * qb_level_dot_time_unit(m);
  qb_err err;
  qb_err_clear(&err);
  double t0 = now_s(), el = 0;
  int r = 0;
  do {
    if (one(m, prop, (uint64_t)r, t, o->npoints, nthreads, P, weight, &err) != QB_OK) {
      fprintf(stderr, "qbath bench fgr: %s\n", err.msg);
      r = 0;
      break;
    }
    r++;
    el = now_s() - t0;
  } while (el < o->min_seconds);
  qb_free(t);
  qb_free(P);
  *nreal = r;
  return r ? el / r : NAN;
}

int qb_bench_fgr(int argc, char **argv) {
  fgr_bench_opts o = {3.0, 600.0, 4000, 500, 3.0, 10.0, 2000};
  qb_idx sizes[8] = {1000, 10000, 100000};
  int nsizes = 3;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--min-seconds") && i + 1 < argc) o.min_seconds = atof(argv[++i]);
    else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc) o.max_seconds = atof(argv[++i]);
    else if (!strcmp(argv[i], "--window") && i + 1 < argc) o.window = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--gamma") && i + 1 < argc) o.gamma = atof(argv[++i]);
    else if (!strcmp(argv[i], "--dense-max") && i + 1 < argc) o.dense_max_n = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
      nsizes = 0;
      for (char *s = strtok(argv[++i], ","); s && nsizes < 8; s = strtok(NULL, ","))
        sizes[nsizes++] = atoll(s);
    } else {
      fprintf(
          stderr,
          "usage: qbath bench fgr [--sizes 1000,10000,100000] [--min-seconds S] [--max-seconds S]\n"
          "                       [--window M] [--gamma G] [--dense-max N]\n");
      return 2;
    }
  }
  int nthreads = omp_get_max_threads();
  printf("FGR level-dot benchmark: GUE, gamma = %g, P(tau) on %d points of [0, %g], %d threads\n",
         o.gamma, o.npoints, o.tau_max, nthreads);
  printf(
      "  chain eig path: window of %lld eigenpairs around the level (weight = its spectral "
      "weight)\n\n",
      (long long)o.window);
  printf("  %-6s %-5s %9s %8s %12s %12s %9s %10s %14s\n", "repr", "path", "N", "samples", "s/real",
         "real/s", "weight", "exponent", "1e3 real (h)");
  for (int repr = 0; repr < 2; repr++)
    for (int prop = 0; prop < 2; prop++) {
      double prev_t = NAN, prev_n = NAN, expo = repr ? (prop ? 2.0 : 1.0) : 3.0;
      for (int k = 0; k < nsizes; k++) {
        qb_level_dot m = {QB_GUE, sizes[k], o.gamma, 1.0, 0.0, repr ? QB_LD_CHAIN : QB_LD_DENSE,
                          repr ? o.window : 0, 1e-11};
        const char *rn = repr ? "chain" : "dense", *pn = prop ? "prop" : "eig";
        double proj = isfinite(prev_t) ? prev_t * pow((double)sizes[k] / prev_n, expo) : 0;
        if ((!repr && sizes[k] > o.dense_max_n) || proj > o.max_seconds) {
          printf("  %-6s %-5s %9lld %8s %12s %12s %9s %10s %14.3g  (skipped; projected)\n", rn, pn,
                 (long long)sizes[k], "-", "-", "-", "-", "-", proj * 1e3 / 3600 / 1);
          continue;
        }
        int nr;
        double w, s = time_case(&m, prop, &o, nthreads, &nr, &w);
        char ex[16] = "-";
        if (isfinite(prev_t)) {
          expo = log(s / prev_t) / log((double)sizes[k] / prev_n);
          snprintf(ex, sizeof ex, "%.2f", expo);
        }
        printf("  %-6s %-5s %9lld %8d %12.4g %12.4g %9.6f %10s %14.3g\n", rn, pn,
               (long long)sizes[k], nr, s, 1 / s, w, ex, s * 1e3 / 3600);
        fflush(stdout);
        prev_t = s;
        prev_n = (double)sizes[k];
      }
    }
  /* The N -> infinity limit: its cost depends on the window only (dsterf of 1.5 K levels,
   * K + 1 secular roots of O(K) each), not on N. */
  for (qb_idx K = 1000; K <= 2000; K *= 2) {
    qb_level_dot m = {QB_GUE, 1000, o.gamma, 1.0, 0.0, QB_LD_UNFOLDED, K, 1e-11};
    int nr;
    double w, s = time_case(&m, 0, &o, nthreads, &nr, &w);
    printf("  %-6s %-5s %9s %8d %12.4g %12.4g %9.6f %10s %14.3g  (window %lld levels)\n", "unfold",
           "eig", "inf", nr, s, 1 / s, w, "-", s * 1e3 / 3600, (long long)K);
  }
  printf(
      "\n  '1e3 real (h)': wall hours of 1000 realizations at this rate on these %d threads;\n"
      "  skipped cases show the projection from the previous size at the last exponent.\n",
      nthreads);
  return 0;
}
