/* bench_spmv.c — `qbath bench spmv`: SpMV bandwidth on the random-field Heisenberg chain
 * against this machine's STREAM-style triad bandwidth, measured in the same run.
 *
 *   qbath bench spmv [--sites L] [--threads T] [--reps R] [--triad-mdoubles M] [--seed S]
 *                    [--W W] [--n-up N] [--csr 0|1]
 *
 * Triad: a[i] = b[i] + s c[i] over three arrays of M * 2^20 doubles (default 64: 1.5 GB,
 * far beyond any cache), counting 24 bytes per element (STREAM convention: no
 * write-allocate traffic), best of R repetitions.
 * SpMV: H = sum_j (X_j X_{j+1} + Y_j Y_{j+1} + Z_j Z_{j+1}) + sum_j h_j Z_j, open chain,
 * h_j uniform in [-W, W], full 2^L space, real CSR matrix, complex vectors (the time
 * evolution hot path), y <- H x, best of R repetitions. Bytes counted per SpMV:
 *   nnz * (8 value + 8 column index) + (nrows + 1) * 8 row pointers
 *   + 16 * nrows (x read once) + 16 * nrows (y written),
 * i.e. the compulsory traffic (x gathered more than once is not counted, so a ratio
 * near 1 means the gathers are served from cache). Flops: 4 per nonzero (a real times a
 * complex, added to a complex).
 * CSR32: the same matrix narrowed to 32-bit column indices (qb_csr_narrow): 12 bytes per
 * nonzero instead of 16 (the time-evolution path's form when no eigen path needs the
 * 64-bit one), timed beside the 64-bit form.
 * Chebyshev step: the same operators in the fused form of one Chebyshev order,
 * y <- alpha (H - shift) x + beta y with beta = -1 (y read too: 16 * nrows more bytes),
 * timed the same way (the time per order of the propagators). Matrix-free bytes count
 * only x read and y written (read): its tables stay in cache. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "qbath/qbath.h"

/* SpMVs timed per triad pass (the triad takes ~20x longer than one SpMV). */
enum { QB_BENCH_SPMV_PER_TRIAD = 4 };

typedef struct {
  int sites;            /* chain length L (full 2^L space) */
  int threads;          /* OpenMP threads (0 = the runtime default) */
  int reps;             /* repetitions; the best is reported */
  long triad_mdoubles;  /* triad array length in units of 2^20 doubles */
  unsigned long seed;   /* Philox seed of the fields */
  double W;             /* field strength: h_j in [-W, W] */
  int n_up;             /* magnetization sector (-1: the full space) */
  int no_csr;           /* 1: time the matrix-free operator only (CSR too large) */
} bench_opts;

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int parse_opts(int argc, char **argv, bench_opts *o) {
  *o = (bench_opts){20, 0, 10, 64, 20231123, 1.0, -1, 0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    char *end = NULL;
    if (!v) { fprintf(stderr, "bench spmv: option '%s' needs a value\n", a); return 2; }
    if (!strcmp(a, "--sites")) o->sites = (int)strtol(v, &end, 10);
    else if (!strcmp(a, "--threads")) o->threads = (int)strtol(v, &end, 10);
    else if (!strcmp(a, "--reps")) o->reps = (int)strtol(v, &end, 10);
    else if (!strcmp(a, "--triad-mdoubles")) o->triad_mdoubles = strtol(v, &end, 10);
    else if (!strcmp(a, "--seed")) o->seed = strtoul(v, &end, 10);
    else if (!strcmp(a, "--W")) o->W = strtod(v, &end);
    else if (!strcmp(a, "--n-up")) o->n_up = (int)strtol(v, &end, 10);
    else if (!strcmp(a, "--csr")) o->no_csr = !strtol(v, &end, 10);
    else { fprintf(stderr, "bench spmv: unknown option '%s'\n", a); return 2; }
    if (!end || *end) { fprintf(stderr, "bench spmv: bad value '%s' for %s\n", v, a); return 2; }
    i++;
  }
  if (o->sites < 2 || o->sites > 30 || o->threads < 0 || o->reps < 1 || o->triad_mdoubles < 1) {
    fprintf(stderr, "bench spmv: need 2 <= sites <= 30, threads >= 0, reps >= 1, "
                    "triad-mdoubles >= 1\n");
    return 2;
  }
  return 0;
}

/* Triad arrays a = b + s c, first touched with the triad's own static schedule. */
typedef struct {
  size_t n;
  double *a, *b, *c;
} triad_arrays;

static int triad_alloc(triad_arrays *t, size_t n) {
  t->n = n;
  t->a = qb_malloc(n * sizeof *t->a);
  t->b = qb_malloc(n * sizeof *t->b);
  t->c = qb_malloc(n * sizeof *t->c);
  if (!t->a || !t->b || !t->c) return 0;
  double *a = t->a, *b = t->b, *c = t->c;
#pragma omp parallel for default(none) shared(a, b, c, n) schedule(static)
  for (size_t i = 0; i < n; i++) { a[i] = 0.0; b[i] = 1.0; c[i] = 2.0; }
  return 1;
}

static void triad_free(triad_arrays *t) {
  t->a = qb_free(t->a); t->b = qb_free(t->b); t->c = qb_free(t->c);
}

/* Seconds of one triad pass. */
static double triad_once(triad_arrays *t, double s) {
  double *a = t->a; const double *b = t->b, *c = t->c;
  const size_t n = t->n;
  double t0 = now_seconds();
#pragma omp parallel for default(none) shared(a, b, c, n, s) schedule(static)
  for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
  return now_seconds() - t0;
}

/* The chain: fields from the Philox stream (seed, 0, 0, purpose 0); its CSR matrix and
 * its matrix-free operator on the same basis. build_s[0], build_s[1]: seconds to build the
 * CSR (both passes, threaded) and the matrix-free tables (the cost an evolution run pays
 * before its first order, printed so the build's share of a run can be read off). */
static qb_status build_chain(const bench_opts *o, qb_csr **A, qb_op **M, double build_s[2],
                             qb_err *err) {
  qb_rng r;
  qb_rng_init(&r, o->seed, 0, 0, 0);
  double h[QB_SPIN_MAX_SITES];
  for (int j = 0; j < o->sites; j++) h[j] = o->W * (2.0 * qb_rng_uniform(&r) - 1.0);
  qb_pauli_sum *H = NULL;
  qb_spin_basis *B = NULL;
  qb_status st = qb_spin_sum_heisenberg(o->sites, 1.0, h, 0, &H, err);
  if (st == QB_OK) st = qb_spin_basis_create(o->sites, o->n_up, &B, err);
  double t0 = now_seconds();
  if (st == QB_OK && !o->no_csr) st = qb_spin_sum_to_csr(H, B, A, err);
  double t1 = now_seconds();
  if (st == QB_OK) st = qb_spin_op_from_sum(H, B, 0, M, err);
  build_s[0] = t1 - t0;
  build_s[1] = now_seconds() - t1;
  qb_spin_sum_free(H);
  qb_spin_basis_free(B);
  return st;
}

/* Best times of the triad, of y <- A x (CSR) and of y <- H x (matrix-free), complex
 * vectors, interleaved rep by rep so that all see the same machine conditions (other
 * load, frequency). x and y are first touched in the row blocks of a static schedule. */
typedef struct {
  double triad, spmv, mf, cheb_csr, cheb_mf, spmv32, cheb_csr32; /* best seconds of each */
} bench_times;

/* One y <- alpha (H - shift) x - y on A (CSR) or M (matrix-free): a Chebyshev order. */
static qb_status cheb_step(qb_csr *A, qb_op *M, const double *x, double *y, qb_err *err) {
  const double alpha = 0.0731, shift = 0.217; /* any scale: the same work */
  if (A) return qb_csr_spmv(A, QB_COMPLEX, alpha, shift, x, -1.0, y, err);
  return qb_op_apply_fused(M, QB_COMPLEX, alpha, shift, x, -1.0, y, err);
}

static qb_status time_all(qb_csr *A, qb_csr *A32, qb_op *M, triad_arrays *tr, int reps,
                          bench_times *bt, qb_err *err) {
  const qb_idx n = M->dim;
  double *x = qb_malloc(2 * (size_t)n * sizeof *x), *y = qb_malloc(2 * (size_t)n * sizeof *y);
  qb_status st = QB_OK;
  if (!x || !y) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "vectors of dimension %lld", (long long)n);
    goto done;
  }
#pragma omp parallel for default(none) shared(n, x, y) schedule(static)
  for (qb_idx i = 0; i < n; i++) {
    x[2 * i] = cos(0.1 * (double)i);
    x[2 * i + 1] = sin(0.3 * (double)i);
    y[2 * i] = y[2 * i + 1] = 0.0;
  }
  *bt = (bench_times){INFINITY, INFINITY, INFINITY, INFINITY, INFINITY, INFINITY, INFINITY};
  if (A) st = qb_csr_spmv(A, QB_COMPLEX, 1.0, 0.0, x, 0.0, y, err); /* warm-up */
  if (st == QB_OK) st = qb_op_apply(M, (const qb_cplx *)x, (qb_cplx *)y, err);
  for (int r = 0; r < reps && st == QB_OK; r++) {
    double t = triad_once(tr, 0.42 + r);
    if (t < bt->triad) bt->triad = t;
    for (int s = 0; s < QB_BENCH_SPMV_PER_TRIAD && st == QB_OK; s++) {
      double t0 = now_seconds();
      if (A) st = qb_csr_spmv(A, QB_COMPLEX, 1.0, 0.0, x, 0.0, y, err);
      double t1 = now_seconds();
      if (st == QB_OK) st = qb_op_apply(M, (const qb_cplx *)x, (qb_cplx *)y, err);
      double t2 = now_seconds();
      if (A && t1 - t0 < bt->spmv) bt->spmv = t1 - t0;
      if (t2 - t1 < bt->mf) bt->mf = t2 - t1;
      if (A && st == QB_OK) st = cheb_step(A, NULL, x, y, err);
      double t3 = now_seconds();
      if (st == QB_OK) st = cheb_step(NULL, M, x, y, err);
      double t4 = now_seconds();
      if (A && t3 - t2 < bt->cheb_csr) bt->cheb_csr = t3 - t2;
      if (t4 - t3 < bt->cheb_mf) bt->cheb_mf = t4 - t3;
      if (A32 && st == QB_OK) st = qb_csr_spmv(A32, QB_COMPLEX, 1.0, 0.0, x, 0.0, y, err);
      double t5 = now_seconds();
      if (A32 && st == QB_OK) st = cheb_step(A32, NULL, x, y, err);
      double t6 = now_seconds();
      if (A32 && t5 - t4 < bt->spmv32) bt->spmv32 = t5 - t4;
      if (A32 && t6 - t5 < bt->cheb_csr32) bt->cheb_csr32 = t6 - t5;
    }
  }
done:
  qb_free(x);
  qb_free(y);
  return st;
}

int qb_bench_spmv(int argc, char **argv) {
  bench_opts o;
  int rc = parse_opts(argc, argv, &o);
  if (rc) return rc;
  if (o.threads > 0) omp_set_num_threads(o.threads);
  const int threads = omp_get_max_threads();
  qb_err err;
  qb_err_clear(&err);
  qb_csr *A = NULL, *A32 = NULL;
  qb_op *M = NULL;
  triad_arrays tr = {0};
  bench_times bt = {0};
  double build_s[2] = {0, 0};
  qb_status st = build_chain(&o, &A, &M, build_s, &err);
  if (st == QB_OK && A) st = qb_csr_copy(A, &A32, &err);
  if (st == QB_OK && A32) st = qb_csr_narrow(A32, &err);
  if (st == QB_OK && !triad_alloc(&tr, (size_t)o.triad_mdoubles << 20))
    st = QB_FAIL(&err, QB_ERR_NOMEM, "triad arrays of %ld Mi doubles", o.triad_mdoubles);
  if (st == QB_OK) st = time_all(A, A32, M, &tr, o.reps, &bt, &err);
  if (st != QB_OK) {
    fprintf(stderr, "bench spmv: %s\n", err.msg);
    triad_free(&tr);
    qb_csr_free(A);
    qb_csr_free(A32);
    qb_op_free(M);
    return 1;
  }
  const double triad = 24.0 * (double)tr.n / bt.triad * 1e-9, t_spmv = bt.spmv, t_mf = bt.mf;
  const double n = (double)M->dim;
  printf("sites %d\nn_up %d\nn %.0f\nthreads %d\n", o.sites, o.n_up, n, threads);
  printf("triad_bandwidth_GBps %.3f\n", triad);
  if (A) {
    const double nnz = (double)qb_csr_nnz(A);
    const double bytes = nnz * (8 + 8) + (n + 1) * 8 + 16 * n + 16 * n; /* see the top */
    const double bw = bytes / t_spmv * 1e-9;
    printf("nnz %.0f\n", nnz);
    printf("csr_build_seconds %.3f\n", build_s[0]);
    printf("spmv_seconds %.6f\n", t_spmv);
    printf("spmv_bandwidth_GBps %.3f\n", bw);
    printf("spmv_gflops %.3f\n", 4.0 * nnz / t_spmv * 1e-9);
    printf("spmv_bandwidth_ratio %.3f\n", bw / triad);
  }
  /* matrix-free: only x read and y written are compulsory (the tables stay in cache) */
  const double bw_mf = 32.0 * n / t_mf * 1e-9;
  printf("mfree_build_seconds %.3f\n", build_s[1]);
  printf("mfree_seconds %.6f\n", t_mf);
  printf("mfree_bandwidth_GBps %.3f\n", bw_mf);
  printf("mfree_bandwidth_ratio %.3f\n", bw_mf / triad);
  if (A) printf("mfree_over_csr_time %.3f\n", t_mf / t_spmv);
  printf("mfree_table_bytes %zu\n", qb_op_bytes(M));
  if (A) { /* one Chebyshev order each */
    const double nnz = (double)qb_csr_nnz(A);
    const double bytes = nnz * (8 + 8) + (n + 1) * 8 + 48 * n;
    printf("cheb_csr_seconds %.6f\n", bt.cheb_csr);
    printf("cheb_csr_bandwidth_ratio %.3f\n", bytes / bt.cheb_csr * 1e-9 / triad);
  }
  printf("cheb_mfree_seconds %.6f\n", bt.cheb_mf);
  printf("cheb_mfree_bandwidth_ratio %.3f\n", 48.0 * n / bt.cheb_mf * 1e-9 / triad);
  if (A) printf("cheb_mfree_over_csr_time %.3f\n", bt.cheb_mf / bt.cheb_csr);
  if (A32) { /* the narrow form: 4 bytes less per nonzero */
    const double nnz = (double)qb_csr_nnz(A32);
    const double bytes = nnz * (8 + 4) + (n + 1) * 8 + 48 * n;
    printf("spmv_csr32_seconds %.6f\n", bt.spmv32);
    printf("cheb_csr32_seconds %.6f\n", bt.cheb_csr32);
    printf("cheb_csr32_bandwidth_ratio %.3f\n", bytes / bt.cheb_csr32 * 1e-9 / triad);
    printf("cheb_csr32_over_csr_time %.3f\n", bt.cheb_csr32 / bt.cheb_csr);
    printf("cheb_mfree_over_csr32_time %.3f\n", bt.cheb_mf / bt.cheb_csr32);
  }
  triad_free(&tr);
  qb_csr_free(A);
  qb_csr_free(A32);
  qb_op_free(M);
  return 0;
}
