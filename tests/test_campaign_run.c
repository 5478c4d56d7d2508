/* test_campaign_run.c — running campaigns in process: identical numbers on 1 and 2
 * threads and in both execution modes, reductions checked against the stored rows,
 * theory and statistics within standard errors, the failure path, resume from a torn
 * journal, refusal of a different input, and the result file read by h5py, h5dump and
 * scripts/qbath_table.py. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"

static const char *INPUT =
    "[run]\nseed = 4242\nrealizations = 400\n[model]\ntype = toy\nx = 0.75, 2.5\n"
    "scale = 1.5\nsamples = 7\nwork = 50\n[output]\nfile = %s\nflush_seconds = 0\n";

/* Writes the input for output file h5 into name and runs it; returns the status. */
static qb_status run_input(const char *name, const char *text, const char *h5, int nthreads,
                           int resume, int nsets, char **sets, qb_run_stats *stats, qb_err *err) {
  char in[600], buf[4096];
  snprintf(buf, sizeof buf, text, h5);
  ct_write(ct_path(in, sizeof in, name), "%s", buf);
  qb_campaign *c = NULL;
  qb_status st = qb_campaign_load_with(in, nsets, sets, qb_test_models, &c, err);
  qb_run_opts o = {.resume = resume, .nthreads = nthreads, .progress_seconds = 1e9};
  if (st == QB_OK) st = qb_campaign_run(c, &o, stats, err);
  qb_campaign_free(c);
  return st;
}

static void test_threads_identical(void) {
  char a[600], b[600], d[600];
  ct_path(a, sizeof a, "t1.h5");
  ct_path(b, sizeof b, "t2.h5");
  ct_path(d, sizeof d, "t2op.h5");
  qb_err err;
  qb_run_stats s;
  QB_ASSERT_OK(run_input("t1.ini", INPUT, a, 1, 0, 0, NULL, &s, &err), &err);
  CU_ASSERT_EQUAL(s.computed, 800);
  QB_ASSERT_OK(run_input("t2.ini", INPUT, b, 2, 0, 0, NULL, &s, &err), &err);
  char *set[] = {"run.parallel=operator"};
  QB_ASSERT_OK(run_input("t2op.ini", INPUT, d, 2, 0, 1, set, &s, &err), &err);
  const char *subs[] = {"mean/value", "err/value", "mean/curve", "err/curve", "mean/value_sq",
                        "rows/value", "rows/curve", "mean/work"};
  for (int i = 0; i < 8; i++) {
    CU_ASSERT_EQUAL(ct_same_dataset(a, b, subs[i], 2), 2);
    CU_ASSERT_EQUAL(ct_same_dataset(a, d, subs[i], 2), 2);
  }
  CU_ASSERT_FALSE(ct_exists(strcat(strcpy((char[700]){0}, a), ".journal")));
}

/* The stored mean/err equal an independent two-pass reduction of the stored rows, and
 * the mean agrees with the model's theory within standard errors. */
static void test_reduction_and_theory(void) {
  char a[600];
  ct_path(a, sizeof a, "t1.h5");
  qb_h5 *f = NULL;
  qb_err err;
  QB_ASSERT_OK(qb_h5_open(a, &f, &err), &err);
  for (int p = 0; p < 2; p++) {
    char path[128];
    double *rows = NULL, *mean = NULL, *se = NULL, *th = NULL, *curve = NULL;
    qb_idx n, nm, ns, nt, nc;
    snprintf(path, sizeof path, "/points/p%06d/rows/value", p);
    QB_ASSERT_OK(qb_h5_read(f, path, &rows, &n, &err), &err);
    snprintf(path, sizeof path, "/points/p%06d/mean/value", p);
    QB_ASSERT_OK(qb_h5_read(f, path, &mean, &nm, &err), &err);
    snprintf(path, sizeof path, "/points/p%06d/err/value", p);
    QB_ASSERT_OK(qb_h5_read(f, path, &se, &ns, &err), &err);
    snprintf(path, sizeof path, "/points/p%06d/theory/curve", p);
    QB_ASSERT_OK(qb_h5_read(f, path, &th, &nt, &err), &err);
    snprintf(path, sizeof path, "/points/p%06d/mean/curve", p);
    QB_ASSERT_OK(qb_h5_read(f, path, &curve, &nc, &err), &err);
    CU_ASSERT_EQUAL(n, 400);
    qb_stat st = {0};
    for (qb_idx r = 0; r < n; r++) qb_stat_add(&st, rows[r]);
    QB_ASSERT_CLOSE(mean[0], qb_stat_mean(&st), 1e-13);
    QB_ASSERT_CLOSE(se[0], qb_stat_stderr(&st), 1e-13);
    double x = p == 0 ? 0.75 : 2.5;
    QB_ASSERT_WITHIN_SE(mean[0], x + 0.75, se[0], 4); /* uniform noise of width 1.5 */
    QB_ASSERT_WITHIN_SE(se[0] * sqrt(400.0), 1.5 / sqrt(12.0), 0.1 * 1.5 / sqrt(12.0), 1);
    CU_ASSERT_EQUAL(nt, 7);
    for (qb_idx k = 1; k < nt; k++) QB_ASSERT_WITHIN_SE(curve[k], th[k], se[0] * 0.5 * (double)k, 4);
    qb_free(rows), qb_free(mean), qb_free(se), qb_free(th), qb_free(curve);
  }
  qb_h5_close(f);
}

/* A failing realization stops the run with its message; no result file is left; the
 * journal keeps finished rows; resuming with a changed input is refused. */
static void test_failure_and_refusal(void) {
  char h5[600], j[700];
  ct_path(h5, sizeof h5, "fail.h5");
  snprintf(j, sizeof j, "%s.journal", h5);
  remove(h5), remove(j);
  char *set[] = {"model.fail_at=150"};
  qb_err err;
  qb_run_stats s;
  qb_status st = run_input("fail.ini", INPUT, h5, 2, 0, 1, set, &s, &err);
  CU_ASSERT_EQUAL(st, QB_ERR_NUMERIC);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "realization 150"));
  CU_ASSERT_FALSE(ct_exists(h5));
  CU_ASSERT_TRUE(ct_exists(j));
  /* Same file without the override: a different effective input, refused. */
  st = run_input("fail.ini", INPUT, h5, 2, 1, 0, NULL, &s, &err);
  CU_ASSERT_EQUAL(st, QB_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "differs"));
  /* Starting afresh over an existing journal without --resume is refused too. */
  st = run_input("fail.ini", INPUT, h5, 2, 0, 0, NULL, &s, &err);
  CU_ASSERT_EQUAL(st, QB_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "--resume"));
  remove(j);
}

/* A journal whose last record is torn (and followed by garbage) resumes: the torn row
 * is recomputed, the others are taken, and the numbers equal an uninterrupted run. */
static void test_torn_journal(void) {
  char h5[600], j[700], ref[600];
  ct_path(h5, sizeof h5, "torn.h5");
  ct_path(ref, sizeof ref, "t1.h5");
  snprintf(j, sizeof j, "%s.journal", h5);
  remove(h5), remove(j);
  char *keep[] = {"output.keep_journal=true"};
  qb_err err;
  qb_run_stats s;
  QB_ASSERT_OK(run_input("torn.ini", INPUT, h5, 2, 0, 1, keep, &s, &err), &err);
  struct stat sb;
  CU_ASSERT_EQUAL_FATAL(stat(j, &sb), 0);
  CU_ASSERT_EQUAL(truncate(j, sb.st_size - 12), 0); /* cut into the last row */
  FILE *f = fopen(j, "ab");
  fwrite("garbage!", 1, 8, f);
  fclose(f);
  remove(h5);
  QB_ASSERT_OK(run_input("torn.ini", INPUT, h5, 2, 1, 1, keep, &s, &err), &err);
  CU_ASSERT_EQUAL(s.computed, 1);
  CU_ASSERT_EQUAL(s.resumed, 799);
  CU_ASSERT_EQUAL(ct_same_dataset(h5, ref, "mean/value", 2), 2);
  CU_ASSERT_EQUAL(ct_same_dataset(h5, ref, "rows/curve", 2), 2);
  /* A resume of a finished run with its journal gone reports it complete. */
  remove(j);
  QB_ASSERT_OK(run_input("torn.ini", INPUT, h5, 2, 1, 1, keep, &s, &err), &err);
  CU_ASSERT_TRUE(s.already_complete);
  remove(j);
}

/* Acceptance 5: h5py, h5dump -H, and the table script read the file. */
static void test_readers(void) {
  char h5[600], cmd[2048], out[600];
  ct_path(h5, sizeof h5, "t1.h5");
  ct_path(out, sizeof out, "table.txt");
  const char *src = getenv("QBATH_SOURCE_DIR") ? getenv("QBATH_SOURCE_DIR") : "..";
  snprintf(cmd, sizeof cmd, "h5dump -H %s > /dev/null", h5);
  CU_ASSERT_EQUAL(system(cmd), 0);
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import h5py,sys; f=h5py.File('%s','r'); "
           "sys.exit(0 if f['points/p000001/mean/value'].shape == (1,) and "
           "f.attrs['model'] == b'toy' else 1)\"", h5);
  CU_ASSERT_EQUAL(system(cmd), 0);
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/scripts/qbath_table.py %s > %s", src, h5, out);
  CU_ASSERT_EQUAL(system(cmd), 0);
  char *t = ct_slurp(out);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_PTR_NOT_NULL(strstr(t, "model.x"));
  CU_ASSERT_PTR_NOT_NULL(strstr(t, "value_sq"));
  CU_ASSERT_PTR_NOT_NULL(strstr(t, "2.5"));
  qb_free(t);
}

int main(void) {
  const qb_test_case cases[] = {{"1 thread = 2 threads = operator mode", test_threads_identical},
                                {"reduction and theory", test_reduction_and_theory},
                                {"failure path and refusals", test_failure_and_refusal},
                                {"torn journal resume", test_torn_journal},
                                {"h5py, h5dump, table script", test_readers},
                                {NULL, NULL}};
  return qb_test_main("campaign_run", cases);
}
