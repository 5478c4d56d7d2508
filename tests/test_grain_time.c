/* test_grain_time.c — the time domain of grain_spins (models/shared/grain_time.h) against a
 * dense-ED reference on the same realizations (issue 19, acceptance 1):
 *   C(t) of tau_M^x, sigma_1^x, sigma_N^z in the infinite-temperature and energy-filtered
 *   typical states against sum_n rho_n |O_nm|^2 e^{i (E_n - E_m) t} from all eigenpairs, for
 *   the three geometries at N + M = 10; C^zz of every spin and of the last one (time
 *   averages on the same grid) and the last spin's curve;
 *   gamma/delta_E from the filtered time-domain spectrum against the eigenstate path's
 *   gamma/delta_E on the same realizations (N + M = 8);
 *   bit-identical rows on 1 and 2 threads; bad input exits with file:line and key.
 * Tolerances are statistical, never tuned: each comparison is a t statistic
 * (difference / its standard error from the typical states' spread, or over realizations
 * for gamma) and the whole family must pass a Bonferroni bound at a family-wise false-alarm
 * rate of 1e-3: |t| <= the (1 - 1e-3/(2K)) quantile of Student's t with S - 1 degrees of
 * freedom for K tests on S samples each. */
#include <cblas.h>
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

/* Upper tail of Student's t with nu degrees of freedom, int_x^inf pdf (Simpson). */
static double t_tail(double x, double nu) {
  const double c = exp(lgamma(0.5 * (nu + 1)) - lgamma(0.5 * nu)) / sqrt(nu * M_PI);
  const int n = 40000;
  const double hi = x + 2000, h = (hi - x) / n;
  double s = 0;
  for (int i = 0; i <= n; i++) {
    const double t = x + i * h, f = c * pow(1 + t * t / nu, -0.5 * (nu + 1));
    s += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
  }
  return s * h / 3;
}

/* Two-sided Bonferroni critical |t| for K tests with nu dof at family rate alpha. */
static double t_crit(int K, double nu, double alpha) {
  double lo = 0, hi = 100;
  for (int it = 0; it < 60; it++) {
    const double mid = 0.5 * (lo + hi);
    if (2 * t_tail(mid, nu) > alpha / K) lo = mid;
    else hi = mid;
  }
  return hi;
}

/* All eigenpairs of one realization and |O_nm|^2 of the Pauli P on site. */
typedef struct ref {
  qb_idx dim;
  double *E, *V; /* V[i dim + k]: component i of eigenvector k */
  double sigma0;
} ref;

static void ref_build(const qb_grain_spec *s, uint64_t seed, uint64_t r, ref *R) {
  qb_err e;
  const qb_idx dg = (qb_idx)1 << s->n, dim = dg << s->m;
  double *A = qb_malloc(sizeof(double) * (size_t)(dg * dg)), eps[32];
  QB_ASSERT_OK(qb_grain_draw(s, seed, 0, r, A, eps, &e), &e); /* paired: point 0 */
  qb_op *H = NULL;
  QB_ASSERT_OK(qb_grain_op(s, A, eps, &H, &e), &e);
  R->dim = dim;
  R->V = qb_malloc(sizeof(double) * (size_t)(dim * dim));
  R->E = qb_malloc(sizeof(double) * (size_t)dim);
  QB_ASSERT_OK(qb_op_to_dense(H, R->V, &e), &e);
  QB_ASSERT_OK(qb_dense_eigh(QB_REAL, dim, R->V, R->E, 1, &e), &e);
  R->sigma0 = 0;
  for (qb_idx g = 0; g < dg; g++) R->sigma0 += A[g * dg + g] / (double)dg;
  qb_op_free(H);
  qb_free(A);
}

/* The chain grain's reference: its Pauli sum's CSR, dense, diagonalized. */
static void ref_build_chain(const qb_grain_spec *s, uint64_t seed, uint64_t r, ref *R) {
  qb_err e;
  const qb_idx dim = (qb_idx)1 << (s->n + s->m);
  double eps[32];
  QB_ASSERT_OK(qb_grain_draw(s, seed, 0, r, NULL, eps, &e), &e);
  qb_pauli_sum *P = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *C = NULL;
  qb_op *H = NULL;
  QB_ASSERT_OK(qb_grain_chain_sum(s, eps, seed, 0, r, &P, &e), &e);
  QB_ASSERT_OK(qb_spin_basis_create(s->n + s->m, -1, &B, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_to_csr(P, B, &C, &e), &e);
  QB_ASSERT_OK(qb_op_from_csr(C, 0, &H, &e), &e);
  R->dim = dim;
  R->V = qb_malloc(sizeof(double) * (size_t)(dim * dim));
  R->E = qb_malloc(sizeof(double) * (size_t)dim);
  QB_ASSERT_OK(qb_op_to_dense(H, R->V, &e), &e);
  QB_ASSERT_OK(qb_dense_eigh(QB_REAL, dim, R->V, R->E, 1, &e), &e);
  R->sigma0 = qb_grain_sum_trace(P);
  qb_op_free(H);
  qb_csr_free(C);
  qb_spin_basis_free(B);
  qb_spin_sum_free(P);
}

static void ref_free(ref *R) {
  qb_free(R->E);
  qb_free(R->V);
}

/* W[n dim + m] = |<n|P_site|m>|^2 for P = 'X' or 'Z'. */
static double *elements(const ref *R, char P, int site) {
  const qb_idx d = R->dim;
  double *OV = qb_malloc(sizeof(double) * (size_t)(d * d)), *W = qb_malloc(sizeof(double) * (size_t)(d * d));
  const qb_idx bit = (qb_idx)1 << site;
  for (qb_idx i = 0; i < d; i++)
    for (qb_idx k = 0; k < d; k++)
      OV[i * d + k] = P == 'X' ? R->V[(i ^ bit) * d + k] : ((i & bit) ? 1.0 : -1.0) * R->V[i * d + k];
  /* W = (V^T O V) squared entrywise: one GEMM (row-major: W[n d + m]) */
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)d, (int)d, 1.0, R->V, (int)d,
              OV, (int)d, 0.0, W, (int)d);
  for (qb_idx i = 0; i < d * d; i++) W[i] *= W[i];
  qb_free(OV);
  return W;
}

/* C(t) = sum_n rho_n sum_m W_nm e^{i (E_n - E_m) t}, rho_n ~ f(E_n)^2 (sigma_f > 0) or 1/D. */
static double complex exact_corr(const ref *R, const double *W, double sigma_f, double t) {
  const qb_idx d = R->dim;
  double complex c = 0;
  double z = 0;
  for (qb_idx n = 0; n < d; n++) {
    const double u = (R->E[n] - R->sigma0) / sigma_f, rho = sigma_f > 0 ? exp(-u * u) : 1.0;
    double complex s = 0;
    for (qb_idx m = 0; m < d; m++) s += W[n * d + m] * cexp(I * (R->E[n] - R->E[m]) * t);
    c += rho * s, z += rho;
  }
  return c / z;
}

enum { NT = 5, SAMPLES = 12, REAL = 2 };

static const char *corr_input =
    "[run]\nname = gt\nseed = 41\nrealizations = 2\n"
    "[model]\ntype = grain_spins\nN = 4\nM = 6\nxi = 2.3\nV1 = 1.1\nmethod = none\n"
    "geometry = exp1d, stretched1d, layers2d\n"
    "[evolve]\nobserve = C_tau_x, C_sigma1_x, C_probe_z, memory\nt_max = 6\nsamples = 5\n"
    "typical_samples = 12\n[output]\nfile = %s\n";

/* t statistics of one column against the reference curve of operator (P, site), ensemble e. */
static void corr_z(const char *h5, int point, const char *col, const ref *R, const double *W,
                   double sigma_f, int r, double *z, int *nz) {
  char name[80];
  qb_idx n = 0, ne = 0;
  snprintf(name, sizeof name, "rows/%s", col);
  double *v = ct_read_point(h5, point, name, &n);
  snprintf(name, sizeof name, "rows/%s_err", col);
  double *se = ct_read_point(h5, point, name, &ne);
  CU_ASSERT_FATAL(v != NULL && se != NULL && n == REAL * NT && ne == n);
  for (int j = 0; j < NT; j++) {
    const double t = 6.0 * j / (NT - 1), ex = creal(exact_corr(R, W, sigma_f, t));
    const double x = v[r * NT + j], s = se[r * NT + j];
    if (s < 1e-12) { /* t = 0: <O^2> = 1 in every state, the spread is rounding */
      QB_ASSERT_CLOSE(x, ex, 1e-9);
      continue;
    }
    z[(*nz)++] = (x - ex) / s;
  }
  qb_free(v);
  qb_free(se);
}

/* Every C(t) and C^zz column of the run in h5 (npoints points, spec of point p from
 * mkspec) against dense ED: t statistics appended to z. */
static void compare_run(const char *h5, int npoints, void (*mkspec)(int p, qb_grain_spec *s),
                        int chain, double *z, int *nzp) {
  int nz = *nzp;
  for (int p = 0; p < npoints; p++)
    for (int r = 0; r < REAL; r++) {
      qb_grain_spec s;
      mkspec(p, &s);
      ref R;
      if (chain) ref_build_chain(&s, 41, (uint64_t)r, &R);
      else ref_build(&s, 41, (uint64_t)r, &R);
      qb_idx n1;
      double *sf = ct_read_point(h5, p, "rows/filter_sigma_used", &n1);
      CU_ASSERT_FATAL(sf != NULL);
      const char P[3] = {'X', 'X', 'Z'};
      const int site[3] = {s.m - 1, s.m, s.m + s.n - 1};
      const char *nm[3] = {"tau_x", "sigma1_x", "probe_z"};
      for (int k = 0; k < 3; k++) {
        double *W = elements(&R, P[k], site[k]);
        char col[64];
        snprintf(col, sizeof col, "C_%s_inf", nm[k]);
        corr_z(h5, p, col, &R, W, 0, r, z, &nz);
        snprintf(col, sizeof col, "C_%s_filt", nm[k]);
        corr_z(h5, p, col, &R, W, sf[r], r, z, &nz);
        qb_free(W);
      }
      /* memory: C^zz of every spin (product states) and of the last (full states) */
      qb_idx nc, ncs;
      double *czz = ct_read_point(h5, p, "rows/Czz_all", &nc);
      double *cse = ct_read_point(h5, p, "rows/Czz_all_err", &ncs);
      double *last = ct_read_point(h5, p, "rows/Czz_last", &n1);
      double *lse = ct_read_point(h5, p, "rows/Czz_last_err", &n1);
      CU_ASSERT_FATAL(czz && cse && last && lse && nc == REAL * s.m);
      for (int a = 0; a < s.m; a++) {
        double *W = elements(&R, 'Z', a), ex = 0;
        for (int j = NT / 2; j < NT; j++) ex += creal(exact_corr(&R, W, 0, 6.0 * j / (NT - 1)));
        ex /= NT - NT / 2; /* the output times in [t_max/2, t_max] */
        z[nz++] = (czz[r * s.m + a] - ex) / cse[r * s.m + a];
        if (a == s.m - 1) z[nz++] = (last[r] - ex) / lse[r];
        qb_free(W);
      }
      qb_free(czz), qb_free(cse), qb_free(last), qb_free(lse), qb_free(sf);
      ref_free(&R);
    }
  *nzp = nz;
}

static void check_z(const double *z, int nz) {
  const double crit = t_crit(nz, SAMPLES - 1, 1e-3);
  double worst = 0;
  for (int i = 0; i < nz; i++) worst = fmax(worst, fabs(z[i]));
  printf("\n  %d t statistics, largest |t| = %.3g, Bonferroni bound %.3g ", nz, worst, crit);
  CU_ASSERT(worst <= crit);
}

static void goe_spec(int p, qb_grain_spec *s) {
  memset(s, 0, sizeof *s);
  s->n = 4, s->m = 6, s->w = 2.6, s->field_min = 0.5, s->field_max = 1.5, s->v1 = 1.1, s->xi = 2.3;
  s->geometry = (qb_grain_geometry)p;
}

static void test_corr_vs_dense(void) {
  qb_err e;
  char h5[600];
  ct_path(h5, sizeof h5, "gt_corr.h5");
  remove(h5);
  QB_ASSERT_OK(ct_run_input("gt_corr.ini", corr_input, h5, 2, &e), &e);
  double z[400];
  int nz = 0;
  compare_run(h5, 3, goe_spec, 0, z, &nz);
  check_z(z, nz);
}

/* The chain grain: a mixed-field Ising chain of N = 6 sites (Banuls et al.'s chaotic point
 * h_x = 0.9045, h_z = 0.809) with M = 4 spins. */
static qb_terms chain_terms;

static void chain_spec(int p, qb_grain_spec *s) {
  goe_spec(0, s);
  (void)p;
  s->n = 6, s->m = 4, s->xi = 3;
  s->chain = &chain_terms;
}

static void test_chain_vs_dense(void) {
  qb_err e;
  char *texts[3] = {"ZZ:1", "X:0.9045", "Z:0.809"};
  QB_ASSERT_OK(qb_terms_parse(texts, 3, 6, 0, NULL, &chain_terms, &e), &e);
  char h5[600];
  ct_path(h5, sizeof h5, "gt_chain.h5");
  remove(h5);
  QB_ASSERT_OK(ct_run_input("gt_chain.ini",
                            "[run]\nname = gc\nseed = 41\nrealizations = 2\n"
                            "[model]\ntype = grain_spins\ngrain = chain\n"
                            "grain_terms = ZZ:1, X:0.9045, Z:0.809\nN = 6\nM = 4\nxi = 3\n"
                            "V1 = 1.1\nmethod = none\n"
                            "[evolve]\nobserve = C_tau_x, C_sigma1_x, C_probe_z, memory\n"
                            "t_max = 6\nsamples = 5\ntypical_samples = 12\n[output]\nfile = %s\n",
                            h5, 2, &e),
               &e);
  double z[400];
  int nz = 0;
  compare_run(h5, 1, chain_spec, 1, z, &nz);
  check_z(z, nz);
}

/* gamma/delta_E from both paths on the same realizations: the paired difference's mean
 * against its standard error over the realizations. */
static void test_gamma_vs_eigen(void) {
  qb_err e;
  char h5[600];
  ct_path(h5, sizeof h5, "gt_gamma.h5");
  remove(h5);
  QB_ASSERT_OK(ct_run_input("gt_gamma.ini",
                            "[run]\nname = gg\nseed = 5\nrealizations = 24\n"
                            "[model]\ntype = grain_spins\nN = 4\nM = 4\nxi = 4\nmethod = dense\n"
                            "[evolve]\nobserve = gamma\ntypical_samples = 8\n"
                            "[output]\nfile = %s\n",
                            h5, 2, &e),
               &e);
  qb_idx n1, n2, n3, n4;
  double *ge = ct_read_rows(h5, "gamma_over_dE", &n1), *gt = ct_read_rows(h5, "gamma_t_over_dE", &n2);
  double *de = ct_read_rows(h5, "delta_E", &n3), *dt = ct_read_rows(h5, "dE_t", &n4);
  CU_ASSERT_FATAL(ge && gt && de && dt && n1 == 24 && n2 == 24);
  double m = 0, v = 0, d[24];
  for (int r = 0; r < 24; r++) {
    QB_ASSERT_CLOSE(dt[r] / de[r], 1.0, 1e-3); /* the same delta_E (Lanczos Ritz vs exact) */
    d[r] = gt[r] - ge[r], m += d[r] / 24;
  }
  for (int r = 0; r < 24; r++) v += (d[r] - m) * (d[r] - m) / 23;
  const double se = sqrt(v / 24), crit = t_crit(1, 23, 1e-3);
  printf("\n  gamma/dE: time - eigen = %.3g +- %.3g (bound %.3g se) ", m, se, crit);
  CU_ASSERT(se > 0 ? fabs(m) <= crit * se : m == 0);
  qb_free(ge), qb_free(gt), qb_free(de), qb_free(dt);
}

static void test_threads(void) {
  qb_err e;
  char a[600], b[600];
  const char *in =
      "[run]\nname = gth\nseed = 3\nrealizations = 2\n"
      "[model]\ntype = grain_spins\nN = 3\nM = 4\nmethod = none\n"
      "[evolve]\nobserve = C_tau_x, S_tau_x, memory\nt_max = 4\nsamples = 9\n"
      "[spectral]\nt_max = 20\n[output]\nfile = %s\n";
  ct_path(a, sizeof a, "gt_th1.h5");
  ct_path(b, sizeof b, "gt_th2.h5");
  remove(a), remove(b);
  QB_ASSERT_OK(ct_run_input("gt_th1.ini", in, a, 1, &e), &e);
  QB_ASSERT_OK(ct_run_input("gt_th2.ini", in, b, 2, &e), &e);
  CU_ASSERT_EQUAL(ct_same_dataset(a, b, "mean/C_tau_x_filt", 1), 1);
  CU_ASSERT_EQUAL(ct_same_dataset(a, b, "mean/S_tau_x_inf", 1), 1);
  CU_ASSERT_EQUAL(ct_same_dataset(a, b, "mean/Czz_all", 1), 1);
}

/* Bad input: the message names file:line and the key. */
static void bad(const char *text, const char *key, int line) {
  qb_campaign *c = NULL;
  qb_err e;
  qb_err_clear(&e);
  CU_ASSERT_NOT_EQUAL(ct_load_text("gt_bad", text, &c, &e), QB_OK);
  char want[64];
  snprintf(want, sizeof want, ":%d", line);
  if (!strstr(e.msg, key) || !strstr(e.msg, want)) printf("\n  message: %s", e.msg);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, key));
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
  qb_campaign_free(c);
}

static void test_bad_input(void) {
  const char *head = "[run]\nname = b\nrealizations = 1\n[model]\ntype = grain_spins\nN = 3\nM = 3\n";
  const char *tail = "[output]\nfile = bad.h5\n";
  /* lines after the head's 7, the key the message must name, its line */
  static const struct { const char *text, *key; int line; } cases[] = {
      {"[evolve]\nobserve = C_tau_y\n", "observe", 9},
      {"method = none\n", "method", 8},
      {"[evolve]\nobserve = S_tau_x\n[spectral]\nmethod = kpm\n", "method", 11},
      {"[evolve]\nobserve = gamma\nensemble = cold\n", "ensemble", 10},
      {"grain_terms = ZZ:1\n", "grain_terms", 8},
      {"grain = chain\n", "grain", 8},
      {"grain = chain\ngrain_terms = ZZ:1, Q:2\n", "grain_terms", 9},
      {NULL, NULL, 0}};
  char t[1024];
  for (size_t k = 0; cases[k].text; k++) {
    snprintf(t, sizeof t, "%s%s%s", head, cases[k].text, tail);
    bad(t, cases[k].key, cases[k].line);
  }
  snprintf(t, sizeof t, "[run]\nname = b\nrealizations = 1\n[model]\ntype = grain_spins\n"
           "N = 15\nM = 3\n%s", tail);
  bad(t, "N", 6); /* the GOE grain stores d_g^2 entries: N <= 14 */
}

int main(void) {
  static const qb_test_case tests[] = {{"C(t) and C^zz against dense ED, three geometries", test_corr_vs_dense},
                           {"chain grain: C(t) and C^zz against dense ED", test_chain_vs_dense},
                           {"gamma/delta_E: time domain against the eigenstate path", test_gamma_vs_eigen},
                           {"rows bit-identical on 1 and 2 threads", test_threads},
                           {"bad input names file:line and key", test_bad_input},
                           {NULL, NULL}};
  return qb_test_main("grain_time", tests);
}
