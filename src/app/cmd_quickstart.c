/* cmd_quickstart.c — the built-in quick start run by `scripts/run.sh` with no input.
 *
 * The random-field Heisenberg chain H = sum_j S_j.S_{j+1} + sum_j h_j S^z_j, h_j in
 * U[-W, W] (spin.h), in its Sz = 0 sector: prints the spectral bounds and the SpMV rate
 * of one realization, then the mean consecutive-gap ratio <r> of the middle half of the
 * spectrum against W by dense ED, which crosses from the GOE value 0.5307 (ergodic) to
 * the Poisson value 0.3863 (many-body localized). Writes a table that
 * scripts/plot_quickstart.py draws. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "qbath/qbath.h"

typedef struct {
  int sites;          /* chain length L (Sz = 0 sector) */
  int realizations;   /* disorder realizations per W */
  uint64_t seed;      /* Philox seed */
  const char *out;    /* table path */
} quickstart_opts;

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* The chain for disorder strength W, realization k, in basis B. */
static qb_status build_chain(const qb_spin_basis *B, double W, int point, int k,
                             uint64_t seed, qb_csr **A, qb_err *err) {
  qb_rng r;
  qb_rng_init(&r, seed, (uint64_t)point, (uint64_t)k, 0);
  double h[QB_SPIN_MAX_SITES];
  for (int j = 0; j < B->nsites; j++) h[j] = W * (2 * qb_rng_uniform(&r) - 1);
  qb_pauli_sum *H;
  QB_TRY(qb_pauli_sum_heisenberg(B->nsites, 1.0, h, 0, &H, err));
  qb_status st = qb_pauli_sum_to_csr(H, B, A, err);
  qb_pauli_sum_free(H);
  return st;
}

/* Gershgorin discs: every eigenvalue lies in [min_i (a_ii - R_i), max_i (a_ii + R_i)]. */
static void gershgorin(const qb_csr *A, double *lo, double *hi) {
  *lo = INFINITY;
  *hi = -INFINITY;
  const double *v = A->val;
  for (qb_idx i = 0; i < A->nrows; i++) {
    double d = 0, R = 0;
    for (qb_idx k = A->rowptr[i]; k < A->rowptr[i + 1]; k++)
      if (A->colind[k] == i) d = v[k]; else R += fabs(v[k]);
    *lo = fmin(*lo, d - R);
    *hi = fmax(*hi, d + R);
  }
}

/* Spectral bounds (Gershgorin and exact) and the SpMV rate of one realization. */
static int report_one_chain(const quickstart_opts *o, const qb_spin_basis *B, qb_err *err) {
  qb_csr *A;
  if (build_chain(B, 1.0, 0, 0, o->seed, &A, err) != QB_OK) return 1;
  qb_idx n = A->nrows, nnz = qb_csr_nnz(A);
  double glo, ghi;
  gershgorin(A, &glo, &ghi);
  qb_cplx *x = qb_malloc(n * sizeof *x), *y = qb_malloc(n * sizeof *y);
  for (qb_idx i = 0; i < n; i++) x[i] = 1.0 / sqrt((double)n);
  int reps = 50;
  double t0 = now_seconds();
  for (int k = 0; k < reps && err->code == QB_OK; k++)
    qb_csr_spmv(A, QB_COMPLEX, 1.0, 0.0, x, 0.0, y, err);
  double dt = (now_seconds() - t0) / reps;
  double *D = qb_malloc((size_t)(n * n) * sizeof *D), *w = qb_malloc(n * sizeof *w);
  qb_status st = qb_csr_to_dense(A, D, err);
  if (st == QB_OK) st = qb_dense_eigh(QB_REAL, n, D, w, 0, err);
  if (st == QB_OK) {
    printf("random-field Heisenberg chain, L = %d, Sz = 0, W = 1: dimension %lld, %lld nonzeros\n",
           B->nsites, (long long)n, (long long)nnz);
    printf("  spectrum (dense ED)      [%.6f, %.6f]\n", w[0], w[n - 1]);
    printf("  Gershgorin enclosure     [%.6f, %.6f]\n", glo, ghi);
    printf("  SpMV (complex vectors)   %.3f ms, %.2f Gflop/s on %d threads\n", 1e3 * dt,
           2e-9 * 2 * nnz / dt, omp_get_max_threads());
  }
  qb_free(D); qb_free(w); qb_free(x); qb_free(y);
  qb_csr_free(A);
  return st == QB_OK ? 0 : 1;
}

/* <r>(W) with standard errors over realizations, written to o->out. */
static int gap_ratio_sweep(const quickstart_opts *o, const qb_spin_basis *B, qb_err *err) {
  static const double W[] = {0.5, 1, 2, 3, 4, 5, 6, 8, 10};
  enum { NW = sizeof W / sizeof W[0] };
  FILE *f = fopen(o->out, "w");
  if (!f) {
    fprintf(stderr, "qbath quickstart: cannot write %s\n", o->out);
    return 1;
  }
  fprintf(f, "# L=%d Sz=0 realizations=%d seed=%llu\n# W mean_r stderr_r\n", B->nsites,
          o->realizations, (unsigned long long)o->seed);
  printf("\n  W      <r>      stderr   (GOE 0.5307, Poisson 0.3863)\n");
  qb_idx n = B->dim;
  double *D = qb_malloc((size_t)(n * n) * sizeof *D), *w = qb_malloc(n * sizeof *w);
  int rc = 0;
  for (int p = 0; p < NW && !rc; p++) {
    double sum = 0, sum2 = 0;
    for (int k = 0; k < o->realizations && !rc; k++) {
      qb_csr *A = NULL;
      rc = build_chain(B, W[p], p + 1, k, o->seed, &A, err) != QB_OK;
      if (!rc) rc = qb_csr_to_dense(A, D, err) != QB_OK;
      if (!rc) rc = qb_dense_eigh(QB_REAL, n, D, w, 0, err) != QB_OK;
      qb_csr_free(A);
      if (rc) break;
      double r = qb_gap_ratio_mean(w, n, 1, n / 4, 3 * n / 4, NULL);
      sum += r;
      sum2 += r * r;
    }
    int m = o->realizations;
    double mean = sum / m, se = sqrt(fmax(0, sum2 / m - mean * mean) / (m - 1));
    printf("  %-6.2f %.4f   %.4f\n", W[p], mean, se);
    fprintf(f, "%g %.6f %.6f\n", W[p], mean, se);
  }
  qb_free(D); qb_free(w);
  fclose(f);
  if (!rc) printf("\nwrote %s\n", o->out);
  return rc;
}

int qb_cmd_quickstart(int argc, char **argv) {
  quickstart_opts o = {12, 40, 20221, "outputs/quickstart_gap_ratio.tsv"};
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--sites") && i + 1 < argc) o.sites = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--realizations") && i + 1 < argc) o.realizations = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--out") && i + 1 < argc) o.out = argv[++i];
    else {
      fprintf(stderr, "usage: qbath quickstart [--sites L] [--realizations K] [--out FILE]\n");
      return 2;
    }
  }
  if (o.sites < 4 || o.sites > 16 || o.sites % 2 || o.realizations < 2) {
    fprintf(stderr, "qbath quickstart: need an even L in 4..16 and at least 2 realizations\n");
    return 2;
  }
  qb_err err;
  qb_err_clear(&err);
  qb_spin_basis *B;
  if (qb_spin_basis_create(o.sites, o.sites / 2, &B, &err) != QB_OK) {
    fprintf(stderr, "qbath quickstart: %s\n", err.msg);
    return 1;
  }
  int rc = report_one_chain(&o, B, &err);
  if (!rc) rc = gap_ratio_sweep(&o, B, &err);
  if (rc && err.code != QB_OK) fprintf(stderr, "qbath quickstart: %s\n", err.msg);
  qb_spin_basis_free(B);
  return rc;
}
