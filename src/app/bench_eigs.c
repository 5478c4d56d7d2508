/* bench_eigs.c — `qbath bench eigs`: k eigenpairs nearest the middle of the random-field
 * Heisenberg chain's Sz = 0 sector by shift-invert (or, with --backend filter, by the
 * polynomial filter of qbath/filter.h); prints timings, the factor's size relative to
 * nnz(H) (the filter: K, matvecs, Lanczos steps), residuals and peak memory
 * (scripts/bench/eigs compares with peers). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"
#include "qbath/eigs.h"
#include "qbath/filter.h"
#include "qbath/mmio.h"
#include "qbath/rng.h"
#include "qbath/spin.h"

typedef struct bench_args {
  int L;
  double W;
  long nev;
  long seed;
  double eps;
  const char *export_path;   /* write H as Matrix Market and stop after the solve */
  int strategy, ordering;
  double mem_limit_gb;
  int repeat;                /* solves on new realizations with the cached analysis */
  double tol;                /* ARPACK tolerance (0: machine precision) */
  long ncv;                  /* Lanczos basis size (0: default) */
  long block;                /* right-hand sides per solve (0: default; 1: ARPACK) */
  const char *backend;       /* "umfpack", "mumps", "filter" (NULL: the default factor) */
} bench_args;

/* The random-field Heisenberg chain (qb_spin_sum_heisenberg, J = 1), h_j = W U[-1, 1]
 * from the qbath RNG, in the Sz = 0 sector. */
static qb_status build_chain(const bench_args *a, uint64_t realization, qb_csr **out, qb_err *e) {
  qb_rng rng;
  qb_rng_init(&rng, (uint64_t)a->seed, 0, realization, 1);
  double h[QB_SPIN_MAX_SITES];
  for (int j = 0; j < a->L; j++) h[j] = a->W * (2 * qb_rng_uniform(&rng) - 1);
  qb_pauli_sum *H = NULL;
  qb_spin_basis *B = NULL;
  qb_status st = qb_spin_sum_heisenberg(a->L, 1.0, h, 0, &H, e);
  if (st == QB_OK) st = qb_spin_basis_create(a->L, a->L / 2, &B, e);
  if (st == QB_OK) st = qb_spin_sum_to_csr(H, B, out, e);
  qb_spin_sum_free(H);
  qb_spin_basis_free(B);
  return st;
}

static double peak_rss_mb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0;
}

static int parse(int argc, char **argv, bench_args *a) {
  *a = (bench_args){.L = 18, .W = 5.0, .nev = 50, .seed = 2024, .eps = 0.5, .strategy = 0,
                    .ordering = 0, .repeat = 1};
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) { fprintf(stderr, "bench eigs: option %s needs a value\n", k); return 2; }
    if (!strcmp(k, "--L")) a->L = atoi(v);
    else if (!strcmp(k, "--W")) a->W = atof(v);
    else if (!strcmp(k, "--nev")) a->nev = atol(v);
    else if (!strcmp(k, "--seed")) a->seed = atol(v);
    else if (!strcmp(k, "--eps")) a->eps = atof(v);
    else if (!strcmp(k, "--export")) a->export_path = v;
    else if (!strcmp(k, "--strategy")) a->strategy = atoi(v);
    else if (!strcmp(k, "--ordering")) a->ordering = atoi(v);
    else if (!strcmp(k, "--mem-limit-gb")) a->mem_limit_gb = atof(v);
    else if (!strcmp(k, "--repeat")) a->repeat = atoi(v);
    else if (!strcmp(k, "--tol")) a->tol = atof(v);
    else if (!strcmp(k, "--ncv")) a->ncv = atol(v);
    else if (!strcmp(k, "--backend")) a->backend = v;
    else if (!strcmp(k, "--block")) a->block = atol(v);
    else { fprintf(stderr, "bench eigs: unknown option %s\n", k); return 2; }
    i++;
  }
  if (a->L < 4 || a->L > 26 || a->L % 2) {
    fprintf(stderr, "bench eigs: --L %d must be even in [4, 26]\n", a->L);
    return 2;
  }
  return 0;
}

static void report(const qb_csr *A, const qb_eigs_result *r, int rep) {
  double nnz = (double)qb_csr_nnz(A);
  printf("qbath: realization %d n = %ld nnz(H) = %.0f nev = %ld sigma = %.6f (E in [%.4f, %.4f])\n",
         rep, (long)A->nrows, nnz, (long)r->nev, r->sigma, r->emin, r->emax);
  printf("qbath: time bounds %.3f s analyze %.3f s factor %.3f s iterate %.3f s total %.3f s "
         "(%ld solves, %d restarts)\n", r->t_bounds, r->t_analyze, r->t_factor, r->t_iterate,
         r->t_total, (long)r->nsolves, r->iterations);
  printf("qbath: factor entries %.4g = %.1f x nnz(H); factor %.1f MB; peak estimate %.1f MB; "
         "flops %.3g\n", r->factor.factor_entries, r->factor.factor_entries / nnz,
         r->factor.factor_bytes / 1e6, r->factor.peak_bytes_estimate / 1e6, r->factor.flops);
  printf("qbath: max residual %.2e orthogonality %.2e E[0] = %.10f E[last] = %.10f\n",
         r->max_resid, r->orth_defect, r->E[0], r->E[r->nev - 1]);
}

/* The filter's own figures (qbath/filter.h) on the line the bench script reads. */
static qb_status run_filter(const qb_csr *A, const qb_eigs_opts *o, qb_eigs_result **r, qb_err *e) {
  qb_op *H = NULL;
  qb_filter_info in;
  qb_eigs_opts fo = *o;
  fo.method = QB_EIGS_FILTER;
  QB_TRY(
      qb_eigs_bounds(A, fo.bounds_tol, fo.seed, &fo.emin, &fo.emax, e)); /* shift-invert's sigma */
  fo.have_bounds = 1;
  QB_TRY(qb_op_from_csr((qb_csr *)A, 0, &H, e));
  qb_status st = qb_filter_eigs(H, &fo, NULL, r, &in, e);
  qb_op_free(H);
  if (st == QB_OK)
    printf("qbath: filter K %d dos %.4g ncv %ld want %ld lanczos_steps %ld matvecs %ld restarts %d "
           "basis %.1f MB (dos %.2f s, lanczos %.2f s, ritz %.2f s)\n", in.degree, in.dos,
           (long)in.ncv, (long)in.want, in.filter_applies, in.matvecs, in.restarts, in.bytes / 1e6,
           in.t_dos, in.t_lanczos, in.t_ritz);
  return st;
}

int qb_bench_eigs(int argc, char **argv) {
  bench_args a;
  int rc = parse(argc, argv, &a);
  if (rc) return rc;
  qb_err e;
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = a.nev;
  o.target = a.eps;
  o.method = QB_EIGS_SHIFT_INVERT;
  if (a.tol > 0) o.tol = a.tol;
  o.ncv = a.ncv;
  if (a.block > 0) o.block = a.block;
  const int filter = a.backend && !strcmp(a.backend, "filter");
  const int mumps = a.backend && !strcmp(a.backend, "mumps");
  const int umfpack = a.backend && !strcmp(a.backend, "umfpack");
  o.backend = mumps ? &qb_factor_mumps : umfpack ? &qb_factor_umfpack : NULL;
  printf("qbath: backend %s %s\n",
         filter ? "filter" : (o.backend ? o.backend : qb_factor_default_type(QB_REAL))->name,
         a.backend && !mumps && !umfpack && !filter ? "(unknown --backend, using the default)"
                                                    : "");
  o.factor.strategy = (qb_factor_strategy)a.strategy;
  o.factor.ordering = (qb_factor_ordering)a.ordering;
  o.factor.mem_limit = a.mem_limit_gb * 1e9;
  qb_factor *cache = NULL;
  for (int rep = 0; rep < a.repeat && rc == 0; rep++) {
    qb_csr *A = NULL;
    qb_eigs_result *r = NULL;
    qb_status st = build_chain(&a, (uint64_t)rep, &A, &e);
    if (st == QB_OK && a.export_path && rep == 0)
      st = qb_mmio_write(a.export_path, A, QB_MM_SYMMETRIC, &e);
    if (st == QB_OK) st = filter ? run_filter(A, &o, &r, &e) : qb_eigs_csr(A, &o, &cache, &r, &e);
    if (st == QB_OK) report(A, r, rep);
    else { fprintf(stderr, "bench eigs: %s\n", e.msg); rc = 1; }
    qb_eigs_result_free(r);
    qb_csr_free(A);
  }
  qb_factor_free(cache);
  printf("qbath: peak RSS %.1f MB\n", peak_rss_mb());
  return rc;
}
