/* test_campaign_guard.c — the runner's guards on its output (issue 18 items 1, 5, 6, 8,
 * 10), through the qbath binary so that exit statuses are checked:
 * - a second run on an output that a live run is writing (fresh or --resume) exits 2
 *   naming the holder, and the first run's file is still right (bitwise);
 * - resume refuses a journal written for other input files or by another build;
 * - a disk that fills up (RLIMIT_FSIZE) ends the run with status 1 and a message, not a
 *   crash, and --resume afterwards gives the uninterrupted run's numbers;
 * - inputs over 64 KiB are stored (as a dataset);
 * - output-path mistakes exit 2 naming the path before any work, and a failure caused by
 *   the input leaves no journal that blocks the corrected re-run. */
#include <sys/resource.h>

#include "campaign_test_util.h"
#include "harness.h"

/* ~1 ms per realization: a run of several seconds that a second run can meet. */
static const char *SLOW =
    "[run]\nseed = 5\nrealizations = 2000\n[model]\ntype = toy\nx = 1, 2\nsamples = 7\n"
    "work = 100000\n[output]\nfile = %s\n";
/* 30 points of cheap rows: the HDF5 file (~600 KB) is far larger than the journal. */
static const char *MANY =
    "[run]\nseed = 3\nrealizations = 10\n[model]\ntype = toy\nx = linspace(0, 1, 30)\n"
    "samples = 7\n[output]\nfile = %s\n";

static void wait_for(const char *path, double seconds) {
  for (int i = 0; i < (int)(seconds * 100) && !ct_exists(path); i++) usleep(10000);
}

/* Item 1: the second run is refused before it touches anything. */
static void test_concurrent_runs(void) {
  char in[600], ref_in[600], h5[600], ref[600], j[700], errf[600];
  ct_path(h5, sizeof h5, "live.h5");
  ct_path(ref, sizeof ref, "live_ref.h5");
  ct_path(errf, sizeof errf, "live_err.txt");
  snprintf(j, sizeof j, "%s.journal", h5);
  ct_make_input(in, sizeof in, "live.ini", SLOW, h5);
  ct_make_input(ref_in, sizeof ref_in, "live_ref.ini", SLOW, ref);
  char *first[] = {"qbath", "run", "--quiet", "--threads", "1", in, NULL};
  pid_t pid = ct_spawn(first, NULL, NULL);
  wait_for(j, 30);
  CU_ASSERT_TRUE_FATAL(ct_exists(j));
  char *again[] = {"qbath", "run", "--quiet", "--resume", in, NULL};
  CU_ASSERT_EQUAL(ct_run(again, NULL, errf), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "being written by another qbath run (pid"));
  char *fresh[] = {"qbath", "run", "--quiet", "--set", "output.overwrite=true", in, NULL};
  CU_ASSERT_EQUAL(ct_run(fresh, NULL, errf), 2);
  int st;
  CU_ASSERT_EQUAL(waitpid(pid, &st, WNOHANG), 0); /* the first run was alive throughout */
  waitpid(pid, &st, 0);
  CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  char *refrun[] = {"qbath", "run", "--quiet", "--threads", "2", ref_in, NULL};
  CU_ASSERT_EQUAL_FATAL(ct_run(refrun, NULL, NULL), 0);
  CU_ASSERT_EQUAL(ct_same_dataset(h5, ref, "mean/value", 2), 2);
  CU_ASSERT_EQUAL(ct_same_dataset(h5, ref, "rows/curve", 2), 2);
  CU_ASSERT_FALSE(ct_exists(j));
}

/* A 4 x 4 real symmetric matrix; scale changes one entry. */
static void write_matrix(const char *path, double scale) {
  ct_write(path, "%%%%MatrixMarket matrix coordinate real symmetric\n4 4 5\n1 1 %.17g\n"
                 "2 1 0.5\n2 2 -0.25\n3 3 1.5\n4 3 0.75\n", 1.25 * scale);
}

/* Item 8: resume notices a changed matrix file and another build; each says what. */
static void test_resume_identity(void) {
  char in[600], h5[600], j[700], mtx[600], errf[600], text[2048];
  ct_path(h5, sizeof h5, "ident.h5");
  ct_path(mtx, sizeof mtx, "ident.mtx");
  ct_path(errf, sizeof errf, "ident_err.txt");
  snprintf(j, sizeof j, "%s.journal", h5);
  write_matrix(mtx, 1);
  snprintf(text, sizeof text, "[run]\nseed = 1\nrealizations = 3\n[model]\ntype = matrix_market\n"
           "file = %s\n[eigen]\nnev = 3\n[output]\nfile = %%s\nkeep_journal = true\n", mtx);
  ct_make_input(in, sizeof in, "ident.ini", text, h5);
  char *run[] = {"qbath", "run", "--quiet", in, NULL};
  char *resume[] = {"qbath", "run", "--quiet", "--resume", in, NULL};
  CU_ASSERT_EQUAL_FATAL(ct_run(run, NULL, errf), 0);
  CU_ASSERT_TRUE_FATAL(ct_exists(j));
  CU_ASSERT_EQUAL(ct_run(resume, NULL, errf), 0); /* same everything: accepted */
  write_matrix(mtx, 2);
  CU_ASSERT_EQUAL(ct_run(resume, NULL, errf), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "the file"));
  CU_ASSERT_TRUE(ct_file_contains(errf, "changed"));
  write_matrix(mtx, 1);
  /* In process, this test binary is another build than the qbath that wrote it. */
  qb_campaign *c = NULL;
  qb_err err;
  QB_ASSERT_OK(qb_campaign_load_with(in, 0, NULL, qb_test_models, &c, &err), &err);
  qb_run_opts o = {.resume = 1, .nthreads = 1, .progress_seconds = 1e9};
  CU_ASSERT_EQUAL(qb_campaign_run(c, &o, NULL, &err), QB_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "the qbath build"));
  qb_campaign_free(c);
  CU_ASSERT_TRUE(ct_exists(j)); /* a refusal never removes the journal */
  remove(j);
}

/* Spawns qbath with files limited to fsize bytes (writes past it fail with EFBIG, as on
 * a full disk); returns the exit status or 128 + signal. */
static int run_limited(char *const *args, const char *errf, rlim_t fsize) {
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl = {fsize, fsize};
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &rl);
    int o = open("/dev/null", O_WRONLY), e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1), dup2(e, 2);
    execv(ct_binary(), args);
    _exit(127);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Item 5: the final HDF5 write fails; the run ends with status 1 and a message. Not in
 * the MPI build: there MPI_Init itself writes shared-memory files beyond the limit (the
 * standard build, which CI also runs, checks it). */
static void test_disk_full(void) {
#ifdef QBATH_HAVE_MPI
  printf("not in the MPI build (MPI_Init needs files larger than the limit) ... ");
  return;
#endif
  char in[600], ref_in[600], h5[600], ref[600], j[700], errf[600], tmp[700];
  ct_path(h5, sizeof h5, "full.h5");
  ct_path(ref, sizeof ref, "full_ref.h5");
  ct_path(errf, sizeof errf, "full_err.txt");
  snprintf(j, sizeof j, "%s.journal", h5);
  snprintf(tmp, sizeof tmp, "%s.tmp", h5);
  ct_make_input(in, sizeof in, "full.ini", MANY, h5);
  ct_make_input(ref_in, sizeof ref_in, "full_ref.ini", MANY, ref);
  char *run[] = {"qbath", "run", "--quiet", in, NULL};
  CU_ASSERT_EQUAL(run_limited(run, errf, 150000), 1);
  CU_ASSERT_TRUE(ct_file_contains(errf, "--resume"));
  CU_ASSERT_FALSE(ct_exists(h5));
  CU_ASSERT_FALSE(ct_exists(tmp));
  CU_ASSERT_TRUE(ct_exists(j)); /* the rows are kept */
  char *resume[] = {"qbath", "run", "--quiet", "--resume", in, NULL};
  char *refrun[] = {"qbath", "run", "--quiet", ref_in, NULL};
  CU_ASSERT_EQUAL_FATAL(ct_run(resume, NULL, errf), 0);
  CU_ASSERT_EQUAL_FATAL(ct_run(refrun, NULL, NULL), 0);
  CU_ASSERT_EQUAL(ct_same_dataset(h5, ref, "mean/curve", 30), 30);
  CU_ASSERT_EQUAL(ct_same_dataset(h5, ref, "rows/value", 30), 30);
}

/* Item 6: an input of ~100 KiB (a long comment) is stored whole. */
static void test_large_input(void) {
  char in[600], h5[600], j[700];
  ct_path(h5, sizeof h5, "large.h5");
  snprintf(j, sizeof j, "%s.journal", h5);
  size_t n = 100000;
  char *fmt = qb_malloc(n + 512);
  for (size_t i = 0; i < n; i++) fmt[i] = i % 100 == 0 ? '#' : i % 100 == 99 ? '\n' : 'x';
  snprintf(fmt + n, 512, "\n[run]\nseed = 1\nrealizations = 2\n[model]\ntype = toy\n"
           "[output]\nfile = %%s\n");
  char *buf = qb_malloc(n + 1024);
  snprintf(buf, n + 1024, fmt, h5);
  ct_write(ct_path(in, sizeof in, "large.ini"), "%s", buf);
  char *run[] = {"qbath", "run", "--quiet", in, NULL};
  CU_ASSERT_EQUAL(ct_run(run, NULL, NULL), 0);
  CU_ASSERT_FALSE(ct_exists(j));
  qb_h5 *f = NULL;
  char *text = NULL;
  CU_ASSERT_EQUAL(qb_h5_open(h5, &f, NULL), QB_OK);
  if (f) {
    CU_ASSERT_EQUAL(qb_h5_read_str(f, "/input_text", &text, NULL), QB_OK);
    CU_ASSERT_TRUE(text && strlen(text) == strlen(buf) && !memcmp(text, buf, strlen(buf)));
  }
  qb_h5_close(f);
  qb_free(text), qb_free(buf), qb_free(fmt);
}

/* Runs `qbath run [--resume] [sets] in` expecting status 2 and `what` in the message. */
static void expect_refusal(const char *in, int resume, const char *set, const char *what) {
  char errf[600];
  ct_path(errf, sizeof errf, "path_err.txt");
  char *args[8] = {"qbath", "run", "--quiet"};
  int k = 3;
  if (resume) args[k++] = "--resume";
  if (set) args[k++] = "--set", args[k++] = (char *)set;
  args[k++] = (char *)in;
  args[k] = NULL;
  CU_ASSERT_EQUAL(ct_run(args, NULL, errf), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, what));
  CU_ASSERT_TRUE(ct_file_contains(errf, "[output] file"));
}

/* Item 10: every output-path mistake exits 2 naming the path, before the campaign. */
static void test_output_paths(void) {
  char in[600], out[700], j[800], blocker[600];
  /* The parent "directory" is a file. */
  ct_write(ct_path(blocker, sizeof blocker, "a_file"), "x\n");
  snprintf(out, sizeof out, "%s/sub/r.h5", blocker);
  ct_make_input(in, sizeof in, "p1.ini", SLOW, out);
  expect_refusal(in, 0, NULL, "is not a directory");
  /* The output is an existing directory: refused before the (slow) campaign runs. */
  ct_path(out, sizeof out, "a_dir");
  mkdir(out, 0755);
  ct_make_input(in, sizeof in, "p2.ini", SLOW, out);
  expect_refusal(in, 0, "output.overwrite=true", "a directory");
  /* An existing output that is not HDF5, resumed. */
  ct_write(ct_path(out, sizeof out, "not_h5.h5"), "plain text\n");
  ct_make_input(in, sizeof in, "p3.ini", MANY, out);
  expect_refusal(in, 1, NULL, "not an HDF5");
  /* A garbage journal, resumed: named, and left for the user to look at. */
  ct_path(out, sizeof out, "garbage.h5");
  snprintf(j, sizeof j, "%s.journal", out);
  ct_write(j, "this is not a journal\n");
  ct_make_input(in, sizeof in, "p4.ini", MANY, out);
  char errf[600];
  char *args[] = {"qbath", "run", "--quiet", "--resume", in, NULL};
  CU_ASSERT_EQUAL(ct_run(args, NULL, ct_path(errf, sizeof errf, "g_err.txt")), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "garbage.h5.journal: not a qbath journal"));
  CU_ASSERT_TRUE(ct_exists(j));
  /* A read-only directory (root writes anywhere: checked only as another user). */
  if (geteuid() != 0) {
    ct_path(out, sizeof out, "ro");
    mkdir(out, 0555);
    strcat(out, "/r.h5");
    ct_make_input(in, sizeof in, "p5.ini", MANY, out);
    expect_refusal(in, 0, NULL, "cannot write in directory");
  }
}

/* Items 8/10: a run that fails on its input (a matrix that is not Hermitian) leaves no
 * journal: the corrected input runs without --resume or manual clean-up. */
static void test_no_blocking_journal(void) {
  char in[600], h5[600], j[700], mtx[600], text[2048];
  ct_path(h5, sizeof h5, "nonherm.h5");
  ct_path(mtx, sizeof mtx, "nonherm.mtx");
  snprintf(j, sizeof j, "%s.journal", h5);
  ct_write(mtx, "%%%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 1 0.5\n3 3 2\n");
  snprintf(text, sizeof text, "[run]\nseed = 1\nrealizations = 3\n[model]\ntype = matrix_market\n"
           "file = %s\n[eigen]\nnev = 3\n[output]\nfile = %%s\n", mtx);
  ct_make_input(in, sizeof in, "nonherm.ini", text, h5);
  char *run[] = {"qbath", "run", "--quiet", in, NULL};
  CU_ASSERT_EQUAL(ct_run(run, NULL, NULL), 2);
  CU_ASSERT_FALSE(ct_exists(j));
  ct_write(mtx, "%%%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 1\n2 1 0.5\n3 3 2\n");
  CU_ASSERT_EQUAL(ct_run(run, NULL, NULL), 0);
  CU_ASSERT_TRUE(ct_exists(h5));
}

int main(void) {
  const qb_test_case cases[] = {{"second run on a live output refused", test_concurrent_runs},
                                {"resume checks files and build", test_resume_identity},
                                {"disk full ends cleanly, resumes", test_disk_full},
                                {"input over 64 KiB stored", test_large_input},
                                {"output-path errors exit 2", test_output_paths},
                                {"failed input leaves no journal", test_no_blocking_journal},
                                {NULL, NULL}};
  return qb_test_main("campaign_guard", cases);
}
