/* test_grain.c — the grain-plus-spins model (qbath/grain.h, model grain_spins):
 * the Kronecker operator against a hand-built dense Hamiltonian (both couplings) and
 * against its own CSR form; the geometry's distances; the grain normalizations; every
 * observable of one realization from shift-invert equal to dense ED (issue 7, acceptance
 * 1); the uncoupled limit (S = 0, an unresolved peak: gamma = 2 delta_E) and its exact
 * many-body bandwidth (delta_E = (w N + 2 sum eps)/(dim - 1), Potirniche's convention). */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/campaign.h"
#include "qbath/dense.h"
#include "qbath/grain.h"
#include "qbath/kron.h"
#include "qbath/model.h"
#include "qbath/rng.h"

static qb_grain_spec spec(int n, int m, qb_grain_coupling cpl) {
  qb_grain_spec s;
  memset(&s, 0, sizeof s);
  s.n = n, s.m = m, s.norm = QB_GRAIN_NORM_BANDWIDTH, s.w = 2.6, s.rms = 1.5;
  s.field_min = 0.5, s.field_max = 1.5, s.coupling = cpl, s.geometry = QB_GRAIN_EXP1D;
  s.v1 = 0.83, s.xi = 1.7, s.coupled_qubit = 1;
  return s;
}

/* Reference H by explicit bit arithmetic: index i = g 2^M + r; spin a is bit a-1 of r,
 * grain qubit q bit q of g. X X flips both bits; Y|up> = i|down>, Y|down> = -i|up>, so
 * <flipped|Y Y|i> = (i s_g)(i s_a) = -s_g s_a with s = +1 for bit 1 and -1 for bit 0. */
static void reference(const qb_grain_spec *s, const double *A, const double *eps, double *H) {
  qb_idx dg = (qb_idx)1 << s->n, dr = (qb_idx)1 << s->m, dim = dg * dr;
  memset(H, 0, sizeof(double) * (size_t)(dim * dim));
  for (qb_idx i = 0; i < dim; i++) {
    qb_idx g = i / dr, r = i % dr;
    for (qb_idx g2 = 0; g2 < dg; g2++) H[(g2 * dr + r) * dim + i] += A[g2 * dg + g];
    for (int a = 1; a <= s->m; a++) {
      int ba = (int)((r >> (a - 1)) & 1), bg = (int)((g >> s->coupled_qubit) & 1);
      H[i * dim + i] += eps[a - 1] * (ba ? 1.0 : -1.0);
      qb_idx j = (g ^ ((qb_idx)1 << s->coupled_qubit)) * dr + (r ^ ((qb_idx)1 << (a - 1)));
      double v = qb_grain_coupling_strength(s, a);
      H[j * dim + i] += v;
      /* Y|up> = i|down>, Y|down> = -i|up>: factor (bit ? i : -i) per site, product real. */
      if (s->coupling == QB_GRAIN_COUPLE_XY) H[j * dim + i] += v * -((ba ? 1 : -1) * (bg ? 1 : -1));
    }
  }
}

static void check_operator(qb_grain_coupling cpl) {
  qb_err e;
  qb_grain_spec s = spec(3, 3, cpl);
  qb_idx dg = 8, dim = 64;
  double A[64], eps[3];
  QB_ASSERT_OK(qb_grain_draw(&s, 11, 2, 5, A, eps, &e), &e);
  qb_op *H = NULL, *Hc = NULL;
  qb_csr *C = NULL;
  QB_ASSERT_OK(qb_grain_op(&s, A, eps, &H, &e), &e);
  double *D = qb_malloc(sizeof(double) * (size_t)(dim * dim)), *R = qb_malloc(sizeof(double) * (size_t)(dim * dim));
  QB_ASSERT_OK(qb_op_to_dense(H, D, &e), &e);
  reference(&s, A, eps, R);
  QB_ASSERT_CLOSE(qb_max_abs_diff(D, R, (size_t)(dim * dim)), 0, 1e-14);
  /* Kronecker apply = CSR apply on a random vector. */
  QB_ASSERT_OK(qb_kron_to_csr(H->impl, &C, &e), &e);
  QB_ASSERT_OK(qb_op_from_csr(C, 1, &Hc, &e), &e);
  double x[64], y1[64], y2[64];
  qb_rng r;
  qb_rng_init(&r, 1, 2, 3, 4);
  for (int i = 0; i < dim; i++) x[i] = qb_rng_normal(&r);
  QB_ASSERT_OK(qb_op_apply_real(H, x, y1, &e), &e);
  QB_ASSERT_OK(qb_op_apply_real(Hc, x, y2, &e), &e);
  QB_ASSERT_CLOSE(qb_max_abs_diff(y1, y2, 64), 0, 1e-13);
  /* The matrix-free variant: fused apply on real and complex vectors. */
  qb_op *Hf = NULL;
  QB_ASSERT_OK(qb_grain_op_fast(&s, A, eps, &Hf, &e), &e);
  double y3[64], y4[64];
  for (int i = 0; i < dim; i++) y3[i] = y4[i] = 0.25 * i - 3;
  QB_ASSERT_OK(qb_op_apply_fused(H, QB_REAL, 0.7, -1.3, x, 0.4, y3, &e), &e);
  QB_ASSERT_OK(qb_op_apply_fused(Hf, QB_REAL, 0.7, -1.3, x, 0.4, y4, &e), &e);
  QB_ASSERT_CLOSE(qb_max_abs_diff(y3, y4, 64), 0, 1e-13);
  qb_cplx xc[64], z1[64], z2[64];
  for (int i = 0; i < dim; i++) xc[i] = x[i] + I * qb_rng_normal(&r);
  QB_ASSERT_OK(qb_op_apply(H, xc, z1, &e), &e);
  QB_ASSERT_OK(qb_op_apply(Hf, xc, z2, &e), &e);
  QB_ASSERT_CLOSE(qb_max_abs_diff((double *)z1, (double *)z2, 128), 0, 1e-13);
  qb_op_free(Hf);
  (void)dg;
  qb_free(D);
  qb_free(R);
  qb_op_free(Hc);
  qb_op_free(H);
}

static void test_operator_xx(void) { check_operator(QB_GRAIN_COUPLE_XX); }
static void test_operator_xy(void) { check_operator(QB_GRAIN_COUPLE_XY); }

static void test_geometry(void) {
  const double layers[] = {0, 1, 1, 2, 2, 2, 3, 3, 3, 3};
  for (int a = 1; a <= 10; a++) {
    CU_ASSERT_EQUAL(qb_grain_distance(QB_GRAIN_LAYERS2D, a), layers[a - 1]);
    CU_ASSERT_EQUAL(qb_grain_distance(QB_GRAIN_EXP1D, a), a - 1);
  }
  qb_grain_spec s = spec(2, 4, QB_GRAIN_COUPLE_XX);
  s.geometry = QB_GRAIN_STRETCHED1D;
  QB_ASSERT_CLOSE(qb_grain_coupling_strength(&s, 5), 0.83 * exp(-2.0 / 1.7), 1e-15);
}

/* sample_norm: exact bandwidth w N, or rms eigenvalue. */
static void test_normalization(void) {
  qb_err e;
  qb_grain_spec s = spec(4, 1, QB_GRAIN_COUPLE_XX);
  s.sample_norm = 1;
  double A[256], B[256], E[16], eps[1];
  QB_ASSERT_OK(qb_grain_draw(&s, 3, 0, 0, A, eps, &e), &e);
  memcpy(B, A, sizeof A);
  QB_ASSERT_OK(qb_dense_eigh(QB_REAL, 16, B, E, 0, &e), &e);
  QB_ASSERT_CLOSE(E[15] - E[0], 2.6 * 4, 1e-12);
  s.norm = QB_GRAIN_NORM_RMS;
  QB_ASSERT_OK(qb_grain_draw(&s, 3, 0, 0, A, eps, &e), &e);
  double t = 0;
  for (int i = 0; i < 256; i++) t += A[i] * A[i];
  QB_ASSERT_CLOSE(sqrt(t / 16), 1.5, 1e-12);
}

/* Runs the model on realization `real` of sweep point `point` (the task's index; the input's
 * first point is used) of the input text; returns the row (owned). */
static double *model_row_at(const char *text, uint64_t point, uint64_t real, qb_layout *L) {
  qb_err e;
  qb_campaign *c = NULL;
  QB_ASSERT_OK(ct_load_text("grain", text, &c, &e), &e);
  const qb_model *m = qb_campaign_model(c);
  void *ctx = NULL;
  memset(L, 0, sizeof *L);
  QB_ASSERT_OK(m->point_create(qb_campaign_point(c, 0), &ctx, L, &e), &e);
  double *row = qb_calloc((size_t)qb_layout_row_len(L), sizeof(double));
  qb_task t = {.seed = 99, .point = point, .realization = real, .nthreads = 1};
  QB_ASSERT_OK(m->realize(ctx, &t, row, &e), &e);
  m->point_free(ctx);
  qb_campaign_free(c);
  return row;
}

static double *model_row(const char *text, uint64_t real, qb_layout *L) { return model_row_at(text, 0, real, L); }

static const char *input_fmt =
    "[run]\nname = t\nseed = 1\nrealizations = 1\n[model]\ntype = grain_spins\nN = %d\nM = %d\n"
    "coupling = %s\nxi = %g\nV1 = %g\nmethod = %s\nnev = %d\nnev_peak = %d\n%s"
    "[output]\nfile = %s/unused.h5\n";

/* Acceptance 1: shift-invert windows give the dense-ED observables; `extra` adds [model] keys
 * (the chain grain). */
static void compare_methods_with(int n, int m, const char *cpl, double xi, const char *extra) {
  char a[1024], b[1024];
  snprintf(a, sizeof a, input_fmt, n, m, cpl, xi, 1.0, "dense", 60, 150, extra, ct_tmpdir());
  snprintf(b, sizeof b, input_fmt, n, m, cpl, xi, 1.0, "shift_invert", 60, 150, extra,
           ct_tmpdir());
  qb_layout La, Lb;
  double *ra = model_row(a, 3, &La), *rb = model_row(b, 3, &Lb);
  CU_ASSERT_EQUAL(qb_layout_row_len(&La), qb_layout_row_len(&Lb));
  qb_idx off = 0;
  for (int col = 0; col < La.ncols; col++) {
    const char *name = La.cols[col].name;
    /* residuals differ between methods by construction; everything else must agree */
    if (strcmp(name, "max_resid") != 0) {
      double d = qb_max_abs_diff(ra + off, rb + off, (size_t)La.cols[col].len);
      if (d > 1e-8) printf("\n  column %s differs by %.3g\n", name, d);
      CU_ASSERT(d <= 1e-8);
    } else {
      CU_ASSERT(ra[off] < 1e-9 && rb[off] < 1e-9);
    }
    off += La.cols[col].len;
  }
  qb_free(ra);
  qb_free(rb);
}

static void compare_methods(int n, int m, const char *cpl, double xi) {
  compare_methods_with(n, m, cpl, xi, "");
}

static void test_si_equals_dense_xx(void) {
  compare_methods(5, 4, "xx", 0.8);
  compare_methods(5, 4, "xx", 4.0);
}
static void test_si_equals_dense_xy(void) { compare_methods(3, 6, "xy", 2.0); }

/* The chain grain (issue 19): shift-invert factorizes the CSR of its Pauli sum, dense ED the
 * same matrix; both windows must give the same row (the mixed-field Ising chain at its chaotic
 * point, N = 6 sites, M = 4 spins: dimension 1024, on both sides of the avalanche). */
static void test_si_equals_dense_chain(void) {
  const char *chain = "grain = chain\ngrain_terms = ZZ:1, X:0.9045, Z:0.809\n";
  compare_methods_with(6, 4, "xx", 0.8, chain);
  compare_methods_with(6, 4, "xx", 4.0, chain);
}

/* V1 = 0: the last spin is a product factor of every eigenstate (S = 0) and tau^x moves
 * each state by exactly 2 eps_M: a peak inside one bin, gamma = 2 delta_E. */
static void test_uncoupled(void) {
  char a[1024];
  snprintf(a, sizeof a, input_fmt, 4, 3, "xx", 1.0, 0.0, "dense", 40, 100, "", ct_tmpdir());
  qb_layout L;
  double *r = model_row(a, 0, &L);
  qb_idx off = 0;
  for (int col = 0; col < L.ncols; col++) {
    if (!strcmp(L.cols[col].name, "S_last")) QB_ASSERT_CLOSE(r[off], 0, 1e-10);
    if (!strcmp(L.cols[col].name, "gamma_over_dE")) QB_ASSERT_CLOSE(r[off], 2, 1e-12);
    if (!strcmp(L.cols[col].name, "omega_peak_over_2eps")) {
      CU_ASSERT(fabs(r[off] - 1) < 0.05);
    }
    off += L.cols[col].len;
  }
  qb_free(r);
}

/* Uncoupled spins on a grain of exact bandwidth w N (sample_norm): the spectrum is
 * E_g + sum_a (+-eps_a), so E_max - E_min = w N + 2 sum_a eps_a exactly, and delta_E
 * (spacing = bandwidth, the default) is that over dim - 1; both spacings give the floor 2. */
static void test_spacing_bandwidth(void) {
  const int n = 4, m = 3;
  const char *fmt = "[run]\nname = t\nseed = 1\nrealizations = 1\n[model]\ntype = grain_spins\n"
                    "N = %d\nM = %d\nV1 = 0\nsample_norm = true\nmethod = dense\nnev = 40\n"
                    "nev_peak = 100\nspacing = %s\n[output]\nfile = %s/unused.h5\n";
  qb_err e;
  qb_grain_spec s = spec(n, m, QB_GRAIN_COUPLE_XX);
  s.sample_norm = 1;
  double A[256], eps[3], sum = 0;
  QB_ASSERT_OK(qb_grain_draw(&s, 99, 0, 0, A, eps, &e), &e); /* model_row's task */
  for (int a = 0; a < m; a++) sum += eps[a];
  const double want = (2.6 * n + 2 * sum) / (double)((1 << (n + m)) - 1);
  const char *kinds[2] = {"bandwidth", "window"};
  for (int k = 0; k < 2; k++) {
    char text[1024];
    snprintf(text, sizeof text, fmt, n, m, kinds[k], ct_tmpdir());
    qb_layout L;
    double *r = model_row(text, 0, &L);
    qb_idx off = 0;
    for (int col = 0; col < L.ncols; col++) {
      if (!strcmp(L.cols[col].name, "delta_E") && k == 0) QB_ASSERT_CLOSE(r[off], want, 1e-12);
      /* the mid-band window is denser than the mean: the two conventions differ */
      if (!strcmp(L.cols[col].name, "delta_E") && k == 1) CU_ASSERT(r[off] < want);
      if (!strcmp(L.cols[col].name, "gamma_over_dE")) QB_ASSERT_CLOSE(r[off], 2, 1e-12);
      off += L.cols[col].len;
    }
    qb_free(r);
  }
}

/* paired = true (default): the disorder ignores the sweep point, so one realization gives
 * the same row at two points with the same parameters; paired = false draws afresh. */
static void test_paired_disorder(void) {
  const char *fmt = "[run]\nname = t\nseed = 1\nrealizations = 1\n[model]\ntype = grain_spins\n"
                    "N = 3\nM = 3\nxi = 2\nmethod = dense\nnev = 20\nnev_peak = 40\npaired = %s\n"
                    "[output]\nfile = %s/unused.h5\n";
  for (int k = 0; k < 2; k++) {
    char text[1024];
    snprintf(text, sizeof text, fmt, k == 0 ? "true" : "false", ct_tmpdir());
    qb_layout L0, L1;
    double *a = model_row_at(text, 0, 2, &L0), *b = model_row_at(text, 5, 2, &L1);
    double d = qb_max_abs_diff(a, b, (size_t)qb_layout_row_len(&L0));
    if (k == 0) CU_ASSERT_EQUAL(d, 0.0);
    if (k == 1) CU_ASSERT(d > 1e-6);
    qb_free(a);
    qb_free(b);
  }
}

int main(void) {
  static const qb_test_case cases[] = {
      {"Kronecker op = hand-built H (xx), apply = CSR apply = matrix-free", test_operator_xx},
      {"Kronecker op = hand-built H (xy / DRH)", test_operator_xy},
      {"geometry distances and couplings", test_geometry},
      {"grain normalization per sample", test_normalization},
      {"shift-invert observables = dense ED (xx)", test_si_equals_dense_xx},
      {"shift-invert observables = dense ED (xy)", test_si_equals_dense_xy},
      {"shift-invert observables = dense ED (chain grain, CSR)", test_si_equals_dense_chain},
      {"uncoupled spin: S = 0, gamma = 2 delta_E", test_uncoupled},
      {"delta_E = exact bandwidth / (dim - 1) (uncoupled spins)", test_spacing_bandwidth},
      {"paired disorder: same realization at every sweep point", test_paired_disorder},
      {NULL, NULL}};
  return qb_test_main("grain", cases);
}
