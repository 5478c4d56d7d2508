/* test_campaign_signals.c — `qbath run` around the campaign (issue 23 item 4/5, runner
 * part): SIGTERM stops a run cleanly (journal synced, exit 128 + 15, a message naming
 * `qbath run --resume`), and the resumed file equals an uninterrupted run bit for bit;
 * progress goes to a log as separate lines (no carriage returns); the estimate is
 * printed at the start; a run estimated above 12 h asks for confirmation in a terminal
 * (declined: nothing written), and --yes starts it without asking. */
#include <pty.h>

#include "campaign_test_util.h"
#include "harness.h"

/* ~1 ms per realization, several seconds in all. */
static const char *SLOW =
    "[run]\nseed = 9\nrealizations = 3000\nprogress_seconds = 0.2\n[model]\ntype = toy\n"
    "x = 1, 2\nsamples = 5\nwork = 100000\n[output]\nfile = %s\nsync_seconds = 0.5\n";
/* Estimated at 4e5 flop per realization at 1 flop/s: days; it really takes milliseconds. */
static const char *LONG =
    "[run]\nseed = 9\nrealizations = 10\nflops_rate = 1\n[model]\ntype = toy\nwork = 100000\n"
    "[output]\nfile = %s\n";

static int contains(const char *text, const char *what) {
  int ok = text && strstr(text, what);
  if (!ok) printf("\n  '%s' not found in: %s\n", what, text ? text : "(no text)");
  return ok;
}

static void test_sigterm_resume(void) {
  char in[600], ref_in[600], h5[600], ref[600], j[700], tmp[700], errf[600];
  ct_path(h5, sizeof h5, "sig.h5");
  ct_path(ref, sizeof ref, "sig_ref.h5");
  ct_path(errf, sizeof errf, "sig_err.txt");
  snprintf(j, sizeof j, "%s.journal", h5);
  snprintf(tmp, sizeof tmp, "%s.tmp", h5);
  ct_make_input(in, sizeof in, "sig.ini", SLOW, h5);
  ct_make_input(ref_in, sizeof ref_in, "sig_ref.ini", SLOW, ref);
  char *run[] = {"qbath", "run", "--threads", "2", in, NULL};
  pid_t pid = ct_spawn(run, NULL, errf);
  for (int i = 0; i < 3000 && !ct_exists(j); i++) usleep(10000);
  usleep(500000); /* into the realizations */
  kill(pid, SIGTERM);
  int st;
  waitpid(pid, &st, 0);
  CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM);
  char *msg = ct_slurp(errf);
  CU_ASSERT_TRUE(contains(msg, "interrupted"));
  CU_ASSERT_TRUE(contains(msg, "qbath run --resume"));
  qb_free(msg);
  CU_ASSERT_TRUE(ct_exists(j));
  CU_ASSERT_FALSE(ct_exists(tmp));
  CU_ASSERT_FALSE(ct_exists(h5));
  char *resume[] = {"qbath", "run", "--quiet", "--resume", "--threads", "2", in, NULL};
  char *refrun[] = {"qbath", "run", "--quiet", "--threads", "1", ref_in, NULL};
  CU_ASSERT_EQUAL_FATAL(ct_run(resume, NULL, errf), 0);
  CU_ASSERT_EQUAL_FATAL(ct_run(refrun, NULL, NULL), 0);
  const char *subs[] = {"mean/value", "err/value", "mean/curve", "rows/curve", "rows/work"};
  for (int i = 0; i < 5; i++) CU_ASSERT_EQUAL(ct_same_dataset(h5, ref, subs[i], 2), 2);
}

/* stderr to a file: one progress report per line, no '\r'; the estimate comes first. */
static void test_progress_lines(void) {
  char in[600], h5[600], errf[600];
  ct_path(h5, sizeof h5, "prog.h5");
  ct_path(errf, sizeof errf, "prog_err.txt");
  ct_make_input(in, sizeof in, "prog.ini", SLOW, h5);
  char *run[] = {"qbath", "run", "--threads", "2", in, NULL};
  CU_ASSERT_EQUAL_FATAL(ct_run(run, NULL, errf), 0);
  char *t = ct_slurp(errf);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_PTR_NULL(strchr(t, '\r'));
  CU_ASSERT_TRUE(contains(t, "qbath: estimate: 2 points x 3000 realizations, peak memory"));
  int lines = 0;
  for (const char *p = t; (p = strstr(p, "realizations  total")) != NULL; p++) lines++;
  printf("\n  %d progress lines\n", lines);
  CU_ASSERT_TRUE(lines >= 2);
  qb_free(t);
}

/* Runs qbath in a pseudo-terminal, answering `answer` to a prompt if one comes; returns
 * the exit status and what the terminal showed in out. */
static int run_in_pty(char *const *args, const char *answer, char *out, size_t n) {
  int master;
  pid_t pid = forkpty(&master, NULL, NULL, NULL);
  if (pid == 0) {
    execv(ct_binary(), args);
    _exit(127);
  }
  size_t used = 0;
  int answered = 0;
  for (;;) {
    ssize_t r = read(master, out + used, n - 1 - used);
    if (r <= 0) break; /* EIO once the child has exited */
    used += (size_t)r;
    out[used] = '\0';
    if (!answered && strstr(out, "[y/N]")) {
      answered = write(master, answer, strlen(answer)) > 0;
    }
  }
  out[used] = '\0';
  close(master);
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_long_run_confirmation(void) {
  char in[600], h5[600], out[8192];
  ct_path(h5, sizeof h5, "long.h5");
  ct_make_input(in, sizeof in, "long.ini", LONG, h5);
  char *run[] = {"qbath", "run", "--quiet", in, NULL};
  CU_ASSERT_EQUAL(run_in_pty(run, "n\n", out, sizeof out), 1);
  CU_ASSERT_TRUE(contains(out, "more than 12 h"));
  CU_ASSERT_TRUE(contains(out, "not started"));
  CU_ASSERT_FALSE(ct_exists(h5));
  char *yes[] = {"qbath", "run", "--quiet", "--yes", in, NULL};
  CU_ASSERT_EQUAL(run_in_pty(yes, "n\n", out, sizeof out), 0);
  CU_ASSERT_PTR_NULL(strstr(out, "[y/N]"));
  CU_ASSERT_TRUE(ct_exists(h5));
  /* Not a terminal (a batch job): no question, the run starts. */
  remove(h5);
  CU_ASSERT_EQUAL(ct_run(run, NULL, NULL), 0);
  CU_ASSERT_TRUE(ct_exists(h5));
}

int main(void) {
  const qb_test_case cases[] = {{"SIGTERM, then resume = uninterrupted", test_sigterm_resume},
                                {"progress as lines, estimate first", test_progress_lines},
                                {"confirmation above 12 h in a terminal", test_long_run_confirmation},
                                {NULL, NULL}};
  return qb_test_main("campaign_signals", cases);
}
