/* test_alloc_failures.c — the k-th allocation fails, for every k, in whole runs of small
 * campaigns (the runner, journal and HDF5 writer with the toy model; grain_spins for the
 * grain, Kronecker and random-matrix code; emft_lattice; linewidth_mft;
 * random_matrix) and in the spin basis: each failure is a clean QB_ERR_NOMEM, never a
 * crash, and frees its partial work (ASan's leak check in the sanitizer build). A few
 * allocations have a fallback (the runner's batch of journal records: records are then
 * appended one by one), so a run may also succeed, with the same results as without
 * the failure; any other status is a bug. */
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/spin.h"

enum { MAXV = 256 };

/* The main columns' means and errors of every point, in order (at most MAXV values). */
static int results(const qb_campaign *c, double *v) {
  const char *names[32];
  int nc = qb_campaign_main_columns(c, names, 32), n = 0;
  for (qb_idx p = 0; p < qb_campaign_npoints(c); p++)
    for (int j = 0; j < nc && n + 2 <= MAXV; j++, n += 2) qb_campaign_result(c, p, names[j], &v[n], &v[n + 1]);
  return n;
}

/* Loads text with output.file set per try (a failed try's files never block the next)
 * and runs it with allocation k failing (k < 0: none); returns the status, the number
 * of allocations the run asked for and, after a success, its results in v[*nv]. */
static qb_status try_run(const char *in, const char *name, long k, long *count, double *v,
                         int *nv, qb_err *e) {
  char set[700], out[600], aux[700];
  snprintf(out, sizeof out, "%s/%s_%ld.h5", ct_tmpdir(), name, k);
  snprintf(set, sizeof set, "output.file=%s", out);
  char *sets[] = {set};
  qb_campaign *c = NULL;
  qb_status st = qb_campaign_load_with(in, 1, sets, qb_test_models, &c, e);
  CU_ASSERT_EQUAL_FATAL(st, QB_OK);
  qb_run_opts o = {.nthreads = 1, .progress_seconds = 1e9};
  qb_run_stats s;
  qb_alloc_fail_after(k);
  st = qb_campaign_run(c, &o, &s, e);
  *count = qb_alloc_count();
  qb_alloc_fail_after(-1);
  *nv = st == QB_OK ? results(c, v) : 0;
  qb_campaign_free(c);
  snprintf(aux, sizeof aux, "%s.journal", out);
  remove(aux);
  snprintf(aux, sizeof aux, "%s.tmp", out);
  remove(aux);
  remove(out);
  return st;
}

/* Counts the allocations of a successful run, then fails each in turn. */
static void fail_each_run(const char *name, const char *text) {
  char in[600];
  ct_write(ct_path(in, sizeof in, name), "%s", text);
  qb_err e;
  long n = 0, m = 0;
  double want[MAXV], got[MAXV];
  int nwant = 0, ngot = 0;
  qb_status st = try_run(in, name, -1, &n, want, &nwant, &e);
  if (st != QB_OK) printf("\n  %s: %s\n", name, e.msg);
  CU_ASSERT_EQUAL_FATAL(st, QB_OK);
  int bad = 0;
  long tolerated = 0;
  for (long k = 0; k < n; k++) {
    st = try_run(in, name, k, &m, got, &ngot, &e);
    tolerated += st == QB_OK;
    /* A fallback must not change the numbers. */
    if (st == QB_OK && (ngot != nwant || memcmp(got, want, sizeof(double) * (size_t)nwant))) {
      printf("\n  %s, allocation %ld: the run succeeded with other results\n", name, k);
      CU_FAIL("results changed by a tolerated allocation failure");
    }
    if (st != QB_ERR_NOMEM && st != QB_OK && bad++ < 3)
      printf("\n  %s, allocation %ld of %ld: status %d: %s\n", name, k, n, (int)st, e.msg);
    CU_ASSERT(st == QB_ERR_NOMEM || st == QB_OK);
  }
  printf("(%ld allocations, %ld with a fallback) ", n, tolerated);
  CU_ASSERT(n > 5);
}

#define OUT "[output]\nfile = unused.h5\n"

static void test_runner_journal_h5(void) {
  fail_each_run("toy.ini", "[run]\nrealizations = 3\n[model]\ntype = toy\nx = 1, 2\n" OUT);
}

static void test_grain_kron_rmt(void) {
  fail_each_run("grain.ini", "[run]\nseed = 1\nrealizations = 1\n[model]\ntype = grain_spins\nN = 3\n"
                "M = 3\ncoupling = xx\nxi = 0.8\nV1 = 1\nmethod = dense\nnev = 24\nnev_peak = 24\n" OUT);
}

/* emft_chain shares the emft code and asks for 5389 allocations: the lattice suffices.
 * Each try's campaign builds its own eta table (the campaign owns it), so the table is
 * kept small: coarse steps over log g in [-5, 3], which this run's couplings stay in (its
 * results equal those of the default range). */
static void test_emft(void) {
  fail_each_run("emft_lattice.ini", "[run]\nrealizations = 1\n[model]\ntype = emft_lattice\nR = 3\n"
                "W = 10\npotential = random\n[emft]\ntable_step = 0.5\ntable_lmin = -5\n"
                "table_lmax = 3\n" OUT);
}

static void test_linewidth(void) {
  fail_each_run("lw.ini", "[run]\nrealizations = 1\n[model]\ntype = linewidth_mft\nx = 0.4\nK = 3\n"
                "N = 10\ngamma = 0.05\nmethod = integral\n" OUT);
}

static void test_rmt_evolve(void) {
  fail_each_run("rm.ini", "[run]\nrealizations = 2\n[model]\ntype = random_matrix\nensemble = GUE\n"
                "N = 20\n[evolve]\nobserve = survival\ninitial = basis\nbasis_state = 7\nt_max = 3\n"
                "samples = 4\n" OUT);
}

/* The basis header was read after it was freed when the sector's states failed. */
static void test_spin_basis(void) {
  long k;
  for (k = 0; k < 100; k++) {
    qb_spin_basis *B = NULL;
    qb_err e;
    qb_alloc_fail_after(k);
    qb_status st = qb_spin_basis_create(8, 4, &B, &e);
    qb_alloc_fail_after(-1);
    qb_spin_basis_free(B);
    if (st == QB_OK) break;
    CU_ASSERT_EQUAL(st, QB_ERR_NOMEM);
    CU_ASSERT_PTR_NULL(B);
  }
  CU_ASSERT_EQUAL(k, 2); /* header, then the states */
}

int main(void) {
  const qb_test_case cases[] = {{"spin basis", test_spin_basis},
                                {"runner, journal, HDF5 writer (toy)", test_runner_journal_h5},
                                {"grain, kron, rmt (grain_spins)", test_grain_kron_rmt},
                                {"emft_lattice", test_emft},
                                {"linewidth_mft", test_linewidth},
                                {"random_matrix survival", test_rmt_evolve},
                                {NULL, NULL}};
  return qb_test_main("alloc_failures", cases);
}
