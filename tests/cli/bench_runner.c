/* bench_runner.c — `qbath_test bench runner`: the campaign runner's own overhead. It runs
 * the test model toy, so it is part of the test CLI only (app_extra_test.c).
 *
 * Runs 10^5 (--realizations) realizations of the trivial `toy` model through the full
 * runner (journal, reduction, HDF5 file) and the same realize() calls in a bare OpenMP
 * loop, and prints the runner's overhead two ways: 1 - (time inside realize summed over
 * threads) / (wall x threads), and (runner wall - bare wall) / runner wall. Runner and
 * bare loop alternate --repeat times and the fastest of each counts (the machine may be
 * shared; the minimum is the least disturbed measurement). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app_extra.h"
#include "bench_runner.h"
#include "qbath/alloc.h"
#include "qbath/campaign.h"

/* The bare loop: realize() for every realization, rows into one buffer. */
static double bare_loop(const qb_campaign *c, int nthreads, qb_idx R) {
  const qb_model *m = qb_campaign_model(c);
  const qb_params *p = qb_campaign_point(c, 0);
  void *ctx = NULL;
  qb_layout L;
  memset(&L, 0, sizeof L);
  qb_err err;
  if (m->point_create(p, &ctx, &L, &err) != QB_OK) return -1;
  qb_idx len = qb_layout_row_len(&L);
  double *rows = qb_calloc((size_t)(R * len), sizeof(double));
  double t0 = omp_get_wtime();
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads) default(none) \
    shared(m, ctx, rows, len, R)
  for (qb_idx r = 0; r < R; r++) {
    qb_task t = {.seed = 1, .point = 0, .realization = (uint64_t)r, .nthreads = 1};
    qb_err e;
    m->realize(ctx, &t, rows + r * len, &e);
  }
  double t = omp_get_wtime() - t0;
  qb_free(rows);
  m->point_free(ctx);
  return t;
}

int qb_bench_runner(int argc, char **argv) {
  long long R = 100000, work = 2000;
  int nthreads = omp_get_max_threads(), repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--realizations")) R = atoll(argv[i + 1]);
    else if (!strcmp(argv[i], "--work")) work = atoll(argv[i + 1]);
    else if (!strcmp(argv[i], "--threads")) nthreads = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
    else {
      fprintf(
          stderr,
          "usage: qbath_test bench runner [--realizations N] [--work W] [--threads T] [--repeat K]\n");
      return 2;
    }
  }
  char dir[] = "/tmp/qbath_bench_runner_XXXXXX", in[256], out[256];
  if (mkdtemp(dir) == NULL) return perror("mkdtemp"), 1;
  snprintf(in, sizeof in, "%s/runner.ini", dir);
  snprintf(out, sizeof out, "%s/runner.h5", dir);
  FILE *f = fopen(in, "w");
  if (f == NULL) return perror(in), 1;
  fprintf(f, "[run]\nrealizations = %lld\n[model]\ntype = toy\nwork = %lld\n[output]\nfile = %s\n",
          R, work, out);
  fclose(f);
  qb_err err;
  qb_campaign *c = NULL;
  qb_run_stats s, best;
  qb_run_opts o = {.nthreads = nthreads, .progress_seconds = 1e9};
  char *set[] = {"output.overwrite=true"};
  qb_status st = qb_campaign_load_with(in, 1, set, qb_app_models, &c, &err);
  double bare = INFINITY;
  best.wall = INFINITY;
  for (int k = 0; k < (repeat < 1 ? 1 : repeat) && st == QB_OK; k++) {
    st = qb_campaign_run(c, &o, &s, &err);
    if (st == QB_OK && s.wall < best.wall) best = s;
    double b = st == QB_OK ? bare_loop(c, nthreads, (qb_idx)R) : -1;
    if (b < bare) bare = b;
  }
  s = best;
  if (st != QB_OK) fprintf(stderr, "qbath bench runner: %s\n", err.msg);
  else {
    double per = s.in_model / (double)R * 1e6;
    printf(
        "runner benchmark: %lld realizations of model toy (work %lld, %.3g us each), %d threads\n",
        R, work, per, nthreads);
    printf("  runner wall            %.4f s  (realization loop %.4f s)\n", s.wall, s.compute);
    printf("  inside realize()       %.4f s summed over threads\n", s.in_model);
    printf("  bare OpenMP loop       %.4f s\n", bare);
    printf("  overhead vs callback time: %.2f%%  (1 - in_model / (wall x threads))\n",
           100.0 * (1.0 - s.in_model / (s.wall * nthreads)));
    printf("  overhead vs bare loop:     %.2f%%  ((wall - bare) / wall)\n",
           100.0 * (s.wall - bare) / s.wall);
    printf(
        "  runner cost per realization: %.0f ns of thread time ((wall x threads - in_model) / N)\n",
        1e9 * (s.wall * nthreads - s.in_model) / (double)R);
    printf("  (fastest of %d runs each)\n", repeat);
  }
  qb_campaign_free(c);
  remove(out);
  remove(in);
  rmdir(dir);
  return st == QB_OK ? 0 : 1;
}
