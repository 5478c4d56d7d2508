/* bench_grain.c — `qbath bench grain`: the Kronecker-structured grain-plus-spins operator's
 * apply rate against this machine's DGEMM rate, measured in the same run.
 *
 *   qbath bench grain [--N N] [--M M] [--reps R] [--gemm G]
 *
 * DGEMM: C = A B with square G x G matrices (default 2048), best of R, 2 G^3 flops.
 * Apply: y = H x for the grain_spins Hamiltonian (GOE grain of 2^N, M spins, 1D exponential
 * couplings), real vectors of 2^{N+M}, best of R. The grain part is one GEMM of
 * 2^N x 2^N by 2^N x 2^M (2 * 4^N 2^M flops); the sparse fields and couplings add 2 flops
 * per nonzero (2M + ... per row). Reported: apply time, flop rate counting both parts,
 * and that rate over the DGEMM rate (issue 7 target >= 50 %). Also the CSR form's apply
 * time for comparison (the same operator as one sparse matrix with 2^N entries per row).
 *
 *   qbath bench grain --chain 1 [--N N] [--M M] [--reps R]
 *
 * The sparse chain grain (issue 19): a mixed-field Ising chain ZZ:1, X:0.9045, Z:0.809 of
 * N sites as H_g, the whole H one Pauli sum applied matrix-free (qbath/spin_op.h, the time
 * domain's operator). Its memory traffic is at least x read and y written once (16 bytes a
 * row, real vectors): that stream over the apply time against a triad measured in the same
 * run is the printed fraction (a lower bound on the bandwidth actually used). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "bench.h"
#include "qbath/qbath.h"
#include "qbath/grain.h"
#include "qbath/kron.h"
#include "qbath/spin_op.h"
#include "qbath/terms.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double gemm_rate(int g, int reps) {
  double *A = qb_malloc(sizeof(double) * (size_t)g * g),
         *B = qb_malloc(sizeof(double) * (size_t)g * g),
         *C = qb_malloc(sizeof(double) * (size_t)g * g), best = 1e300;
  if (!A || !B || !C) return 0;
  for (size_t i = 0; i < (size_t)g * g; i++)
    A[i] = 1.0 / (1 + i % 7), B[i] = 0.5 - (double)(i % 5) / 9;
  for (int r = 0; r < reps; r++) {
    double t = now_s();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g, g, g, 1.0, A, g, B, g, 0.0, C, g);
    t = now_s() - t;
    if (t < best) best = t;
  }
  qb_free(A), qb_free(B), qb_free(C);
  return 2.0 * g * (double)g * g / best;
}

/* Best time of reps applies of H on x. */
static double apply_time(const qb_op *H, const double *x, double *y, int reps, qb_err *e) {
  double best = 1e300;
  for (int r = 0; r < reps; r++) {
    double t = now_s();
    if (qb_op_apply_real(H, x, y, e) != QB_OK) return -1;
    t = now_s() - t;
    if (t < best) best = t;
  }
  return best;
}

/* The chain grain: matrix-free apply time against the triad (see the file comment). */
static int chain_bench(int N, int M, int reps) {
  char *texts[] = {"ZZ:1", "X:0.9045", "Z:0.809"};
  qb_terms T;
  qb_err e;
  qb_grain_spec s = {.n = N, .m = M, .field_min = 0.5, .field_max = 1.5,
                     .coupling = QB_GRAIN_COUPLE_XX, .geometry = QB_GRAIN_EXP1D, .v1 = 1,
                     .xi = 2, .coupled_qubit = 0, .chain = &T};
  const qb_idx dim = (qb_idx)1 << (N + M);
  double *eps = qb_malloc(sizeof(double) * (size_t)M), *x = qb_malloc(sizeof(double) * (size_t)dim),
         *y = qb_malloc(sizeof(double) * (size_t)dim);
  qb_pauli_sum *P = NULL;
  qb_spin_basis *B = NULL;
  qb_op *H = NULL;
  qb_status st = eps && x && y ? QB_OK : QB_FAIL(&e, QB_ERR_NOMEM, "dimension %lld", (long long)dim);
  if (st == QB_OK) st = qb_terms_parse(texts, 3, N, 0, NULL, &T, &e);
  if (st == QB_OK) st = qb_grain_draw(&s, 1, 0, 0, NULL, eps, &e);
  if (st == QB_OK) st = qb_grain_chain_sum(&s, eps, 1, 0, 0, &P, &e);
  if (st == QB_OK) st = qb_spin_basis_create_lean(N + M, -1, &B, &e);
  if (st == QB_OK) st = qb_spin_op_from_sum(P, B, 0, &H, &e);
  double t = -1;
  if (st == QB_OK) {
    for (qb_idx i = 0; i < dim; i++) x[i] = 1.0 / (1 + i % 11);
    t = apply_time(H, x, y, reps, &e);
  }
  if (st != QB_OK || t < 0) {
    fprintf(stderr, "bench grain --chain: %s\n", e.msg);
  } else {
    const double triad = qb_bench_triad_gbps((size_t)16 << 20, reps), gbps = 16.0 * (double)dim / t * 1e-9;
    printf("chain grain N = %d (ZZ:1, X:0.9045, Z:0.809), M = %d (dim %lld), matrix-free apply: "
           "%.4f s, x + y stream %.2f GB/s, triad %.2f GB/s, fraction %.3f\n",
           N, M, (long long)dim, t, gbps, triad, gbps / triad);
  }
  qb_op_free(H);
  qb_spin_basis_free(B);
  qb_spin_sum_free(P);
  qb_free(eps), qb_free(x), qb_free(y);
  return st == QB_OK && t >= 0 ? 0 : 1;
}

int qb_bench_grain(int argc, char **argv) {
  int N = 10, M = 10, reps = 5, g = 2048, chain = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--N")) N = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--M")) M = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--reps")) reps = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--gemm")) g = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--chain")) chain = atoi(argv[i + 1]);
    else { fprintf(stderr, "bench grain: unknown option '%s'\n", argv[i]); return 2; }
  }
  if (N < 1 || N > 14 || M < 1 || N + M > 30 || reps < 1 || g < 16) {
    fprintf(stderr, "bench grain: need 1 <= N <= 14, 1 <= M, N + M <= 30, reps >= 1\n");
    return 2;
  }
  if (chain) return chain_bench(N, M, reps);
  qb_grain_spec s = {.n = N, .m = M, .norm = QB_GRAIN_NORM_BANDWIDTH, .w = 2.6, .rms = 1.5,
                     .field_min = 0.5, .field_max = 1.5, .coupling = QB_GRAIN_COUPLE_XX,
                     .geometry = QB_GRAIN_EXP1D, .v1 = 1, .xi = 2, .coupled_qubit = 0};
  qb_idx dg = (qb_idx)1 << N, dim = (qb_idx)1 << (N + M);
  double *A = qb_malloc(sizeof(double) * (size_t)(dg * dg)),
         *eps = qb_malloc(sizeof(double) * (size_t)M);
  double *x = qb_malloc(sizeof(double) * (size_t)dim), *y = qb_malloc(sizeof(double) * (size_t)dim);
  qb_op *H = NULL, *Hc = NULL;
  qb_csr *C = NULL;
  qb_err e;
  int rc = 1;
  if (!A || !eps || !x || !y) { fprintf(stderr, "bench grain: out of memory\n"); goto done; }
  if (qb_grain_draw(&s, 1, 0, 0, A, eps, &e) != QB_OK || qb_grain_op(&s, A, eps, &H, &e) != QB_OK) {
    fprintf(stderr, "bench grain: %s\n", e.msg);
    goto done;
  }
  for (qb_idx i = 0; i < dim; i++) x[i] = 1.0 / (1 + i % 11);
  double rate = gemm_rate(g, reps);
  double t = apply_time(H, x, y, reps, &e);
  const qb_kron *K = H->impl;
  double nnz = K->S ? (double)qb_csr_nnz(K->S) : 0;
  double flops = 2.0 * (double)dg * (double)dg * (double)((qb_idx)1 << M) + 2 * nnz;
  double tg = 1e300; /* the grain GEMM alone, same shapes as inside the apply */
  for (int r = 0; r < reps; r++) {
    double t0 = now_s();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)dg, 1 << M, (int)dg, 1.0, A,
                (int)dg, x, 1 << M, 0.0, y, 1 << M);
    t0 = now_s() - t0;
    if (t0 < tg) tg = t0;
  }
  double gflops = 2.0 * (double)dg * (double)dg * (double)((qb_idx)1 << M);
  printf("DGEMM %d^3: %.2f GFlop/s\n", g, rate * 1e-9);
  printf("grain GEMM alone (%lld x %lld by %lld x %lld): %.4f s, %.2f GFlop/s = %.0f %% of DGEMM\n",
         (long long)dg, (long long)dg, (long long)dg, (long long)1 << M, tg, gflops / tg * 1e-9,
         100 * gflops / tg / rate);
  printf(
      "kron apply N = %d, M = %d (dim %lld, grain %lld): %.4f s, %.2f GFlop/s = %.0f %% of DGEMM\n",
      N, M, (long long)dim, (long long)dg, t, flops / t * 1e-9, 100 * flops / t / rate);
  qb_op *Hf = NULL;
  if (qb_grain_op_fast(&s, A, eps, &Hf, &e) == QB_OK) {
    double tf = apply_time(Hf, x, y, reps, &e);
    printf("matrix-free spin part (grain_fast op): %.4f s, %.2f GFlop/s = %.0f %% of DGEMM\n", tf,
           flops / tf * 1e-9, 100 * flops / tf / rate);
    qb_op_free(Hf);
  }
  if ((double)dim * (double)dg * 16 < 4e9 && qb_kron_to_csr(K, &C, &e) == QB_OK &&
      qb_op_from_csr(C, 1, &Hc, &e) == QB_OK) {
    C = NULL;
    double tc = apply_time(Hc, x, y, reps, &e);
    printf("same operator as CSR (%lld nonzeros): %.4f s (%.1fx the Kronecker apply)\n",
           (long long)qb_csr_nnz(Hc->impl), tc, tc / t);
  }
  rc = 0;
done:
  qb_csr_free(C);
  qb_op_free(Hc);
  qb_op_free(H);
  qb_free(A), qb_free(eps), qb_free(x), qb_free(y);
  return rc;
}
