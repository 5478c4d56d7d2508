/* test_models_eigen.c — the generic models' [eigen] paths run through the campaign runner:
 * on the same realizations, shift-invert and dense ED give the same spectrum bounds and
 * the same mean half-chain entanglement entropy of the nev eigenstates nearest the
 * target; the shift-invert gap ratio over nev levels is a GOE value at weak disorder;
 * matrix_market on a file written by qbath reproduces spin_chain's numbers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/campaign.h"
#include "qbath/eigs.h"
#include "qbath/h5.h"

/* Random-field Heisenberg chain, L = 10, Sz = 0 (dimension 252). */
static const char *CHAIN =
    "[run]\nseed = 77\nrealizations = 6\n[model]\ntype = spin_chain\nL = 10\nn_up = 5\n"
    "W = 1\nterms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform\n"
    "[eigen]\nnev = 20\nentanglement = true\nmethod = %s\n[output]\nfile = %s\n";

/* Both factor backends: the default (MUMPS LDL^T where built in) and UMFPACK, the fallback
 * (issue 21, acceptance 5: the UMFPACK path stays tested through the runner). */
static void dense_equals_shift_invert(const char *backend) {
  char dense[600], si[600], text[2048], method[64], name[64];
  qb_err err;
  snprintf(name, sizeof name, "chain_dense_%s.h5", backend);
  ct_path(dense, sizeof dense, name);
  snprintf(name, sizeof name, "chain_si_%s.h5", backend);
  ct_path(si, sizeof si, name);
  snprintf(text, sizeof text, CHAIN, "dense", dense);
  QB_ASSERT_OK(ct_run_text("chain_dense.ini", text, &err), &err);
  snprintf(method, sizeof method, "shift_invert\nbackend = %s", backend);
  snprintf(text, sizeof text, CHAIN, method, si);
  QB_ASSERT_OK(ct_run_text("chain_si.ini", text, &err), &err);
  const char *same[] = {"e_min", "e_max", "s_vn", "s_renyi2"};
  for (int c = 0; c < 4; c++) {
    qb_idx n1, n2;
    double *a = ct_read_rows(dense, same[c], &n1), *b = ct_read_rows(si, same[c], &n2);
    CU_ASSERT_EQUAL_FATAL(n1, 6);
    CU_ASSERT_EQUAL_FATAL(n2, 6);
    /* ARPACK's extremal eigenvalues carry its bounds tolerance 1e-8 (relative); the
     * entropies of the same 20 eigenvectors agree to the eigenvector accuracy. */
    for (qb_idx r = 0; r < n1; r++) QB_ASSERT_CLOSE(a[r], b[r], c < 2 ? 1e-7 * fabs(a[r]) : 1e-8);
    /* a half-chain entropy of mid-spectrum states at W = 1 is volume-law, well above 1 */
    if (c == 2)
      for (qb_idx r = 0; r < n1; r++) CU_ASSERT(a[r] > 1.0 && a[r] < 5 * log(2.0));
    qb_free(a), qb_free(b);
  }
}

static void test_dense_equals_shift_invert(void) {
  dense_equals_shift_invert("auto");
  dense_equals_shift_invert("umfpack");
  if (qb_factor_have_mumps()) dense_equals_shift_invert("mumps");
}

/* L = 12 Sz = 0 at weak disorder W = 0.5: the shift-invert gap ratio over 60 levels at
 * the middle of the spectrum averages to the GOE value 0.5307 within 4 standard errors. */
static void test_shift_invert_gap_ratio(void) {
  char h5[600], text[2048];
  qb_err err;
  ct_path(h5, sizeof h5, "chain_r.h5");
  snprintf(text, sizeof text,
           "[run]\nseed = 5\nrealizations = 16\n[model]\ntype = spin_chain\nL = 12\nn_up = 6\n"
           "W = 0.5\nterms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform\n"
           "[eigen]\nnev = 60\nmethod = shift_invert\n[output]\nfile = %s\n", h5);
  QB_ASSERT_OK(ct_run_text("chain_r.ini", text, &err), &err);
  qb_idx n;
  double *r = ct_read_rows(h5, "gap_ratio", &n);
  qb_stat s = {0};
  for (qb_idx i = 0; i < n; i++) qb_stat_add(&s, r[i]);
  printf("\n  L = 12, W = 0.5, shift-invert <r> = %.4f +- %.4f ", qb_stat_mean(&s), qb_stat_stderr(&s));
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&s), 0.5307, qb_stat_stderr(&s), 4);
  qb_free(r);
}

/* Bad [eigen] input is refused before anything runs: nev above the dimension. */
static void test_nev_too_large(void) {
  char h5[600], text[2048];
  qb_err err;
  ct_path(h5, sizeof h5, "chain_bad.h5");
  snprintf(text, sizeof text, CHAIN, "dense", h5);
  char *p = strstr(text, "nev = 20");
  memcpy(p, "nev =999", 8);
  CU_ASSERT_EQUAL(ct_run_text("chain_bad.ini", text, &err), QB_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "nev"));
  CU_ASSERT_FALSE(ct_exists(h5));
}

/* One spin_chain realization with level statistics, entanglement, survival_eig and a
 * Lehmann spectral function diagonalizes its H exactly once (issue 17: the observables
 * share the realization's eigendecomposition, qbath/eigs_cache.h). The realization runs
 * through the model's plug-in interface with a task that collects the count of its eigs
 * cache (qb_task.eigs_count); the same input then runs through the runner for the rows.
 * Dense path (dimension 252 <= dense_max_dim), Chebyshev propagation. */
static void test_one_diagonalization(void) {
  char in[600], out[512], text[2048];
  ct_path(out, sizeof out, "one_eig.h5");
  snprintf(text, sizeof text,
           "[run]\nseed = 5\nrealizations = 1\n[model]\ntype = spin_chain\nL = 10\nn_up = 5\n"
           "W = 1\nterms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform\n"
           "[eigen]\nmethod = dense\nnev = 20\nentanglement = true\n"
           "[evolve]\nt_max = 2\nsamples = 5\nobserve = survival_eig, spectral\n"
           "[spectral]\nmethod = lehmann\npoints = 21\n[output]\nfile = %s\n", out);
  qb_err err;
  qb_campaign *c = NULL;
  ct_write(ct_path(in, sizeof in, "one_eig.ini"), "%s", text);
  QB_ASSERT_OK(qb_campaign_load(in, 0, NULL, &c, &err), &err);
  const qb_model *m = qb_campaign_model(c);
  void *ctx = NULL;
  qb_layout L = {0};
  QB_ASSERT_OK(m->point_create(qb_campaign_point(c, 0), &ctx, &L, &err), &err);
  double *row = qb_calloc((size_t)qb_layout_row_len(&L), sizeof *row);
  long diagonalizations = 0;
  qb_task t = {.seed = 5, .nthreads = 1, .eigs_count = &diagonalizations};
  QB_ASSERT_OK(m->realize(ctx, &t, row, &err), &err);
  printf("\n  diagonalizations in one realization: %ld\n", diagonalizations);
  CU_ASSERT_EQUAL(diagonalizations, 1);
  qb_free(row);
  m->point_free(ctx);
  qb_campaign_free(c);
  QB_ASSERT_OK(ct_run_text("one_eig.ini", text, &err), &err);
  qb_idx n = 0;
  double *r = ct_read_rows(out, "gap_ratio", &n), *s = ct_read_rows(out, "s_vn", &n),
         *w = ct_read_rows(out, "survival_eig_weight", &n), *sw = ct_read_rows(out, "spectral_weight", &n);
  CU_ASSERT(r[0] > 0.3 && r[0] < 0.7);            /* a gap ratio */
  CU_ASSERT(s[0] > 0 && s[0] < 5 * log(2.0));     /* a half-chain entropy */
  QB_ASSERT_CLOSE(w[0], 1.0, 1e-12);              /* all pairs: the whole measure */
  CU_ASSERT(sw[0] > 0.5);                         /* a spectral function with weight */
  qb_free(r), qb_free(s), qb_free(w), qb_free(sw);
}

/* [eigen] entanglement_cut: cut = L/2 is the default (bitwise the same rows); one site in a
 * sector state has a diagonal 2 x 2 reduced matrix (two 1 x 1 blocks), so 0 < S <= ln 2,
 * while the half chain of the same volume-law states is above 1; cut = L is refused at
 * the key. */
static void test_entanglement_cut(void) {
  char h5[3][600], text[2048], name[64];
  const char *cut[3] = {"", "entanglement_cut = 5\n", "entanglement_cut = 1\n"};
  qb_err err;
  for (int k = 0; k < 3; k++) {
    snprintf(name, sizeof name, "chain_cut%d.h5", k);
    ct_path(h5[k], sizeof h5[k], name);
    snprintf(text, sizeof text,
             "[run]\nseed = 77\nrealizations = 3\n[model]\ntype = spin_chain\nL = 10\n"
             "n_up = 5\nW = 1\nterms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform\n"
             "[eigen]\nnev = 20\nentanglement = true\n%smethod = dense\n[output]\nfile = %s\n",
             cut[k], h5[k]);
    snprintf(name, sizeof name, "chain_cut%d.ini", k);
    QB_ASSERT_OK(ct_run_text(name, text, &err), &err);
  }
  qb_idx n0, n1, n2;
  double *a = ct_read_rows(h5[0], "s_vn", &n0), *b = ct_read_rows(h5[1], "s_vn", &n1),
         *c = ct_read_rows(h5[2], "s_vn", &n2);
  CU_ASSERT_EQUAL_FATAL(n0, 3);
  CU_ASSERT_EQUAL_FATAL(n1, 3);
  CU_ASSERT_EQUAL_FATAL(n2, 3);
  for (qb_idx r = 0; r < 3; r++) {
    CU_ASSERT_EQUAL(memcmp(&a[r], &b[r], sizeof a[r]), 0);
    CU_ASSERT(c[r] > 0 && c[r] <= log(2.0) + 1e-12);
    CU_ASSERT(a[r] > 1.0);
  }
  qb_free(a), qb_free(b), qb_free(c);
  snprintf(text, sizeof text, CHAIN, "dense", h5[0]);
  char *p = strstr(text, "nev = 20");
  memmove(p + 22, p + 8, strlen(p + 8) + 1); /* room for the key in place of nev's 8 */
  memcpy(p, "entanglement_cut = 10\n", 22);
  CU_ASSERT_EQUAL(ct_run_text("chain_cut_bad.ini", text, &err), QB_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "entanglement_cut"));
}

int main(void) {
  const qb_test_case cases[] = {
      {"dense = shift-invert on the same realizations", test_dense_equals_shift_invert},
      {"shift-invert gap ratio at weak disorder", test_shift_invert_gap_ratio},
      {"nev above the dimension is refused", test_nev_too_large},
      {"one diagonalization per realization", test_one_diagonalization},
      {"entanglement cut: default, one site, refused at L", test_entanglement_cut},
      {NULL, NULL},
  };
  return qb_test_main("models_eigen", cases);
}
