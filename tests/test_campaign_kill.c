/* test_campaign_kill.c — acceptance 1: a campaign run by the qbath binary in a child
 * process is killed with SIGKILL at random moments several times, resumed each time
 * with --resume, and its final result file holds bit for bit the numbers of an
 * uninterrupted run (means, errors, and every per-realization row). */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign_test_util.h"
#include "harness.h"

/* ~0.1-0.2 ms per realization: a run of a second or so that kills interrupt often. */
static const char *INPUT =
    "[run]\nseed = 11\nrealizations = 1500\n[model]\ntype = toy\nx = 1, 2, 3\nsamples = 9\n"
    "work = 60000\n[output]\nfile = %s\nflush_seconds = 0.01\nsync_seconds = 0.5\n";

static void sleep_ms(double ms) {
  struct timespec ts = {(time_t)(ms / 1000), (long)(fmod(ms, 1000.0) * 1e6)};
  nanosleep(&ts, NULL);
}

static void test_kill_resume(void) {
  char in_ref[600], in[600], ref[600], h5[600], j[700], errf[600], buf[2048];
  ct_path(ref, sizeof ref, "ref.h5");
  ct_path(h5, sizeof h5, "killed.h5");
  snprintf(j, sizeof j, "%s.journal", h5);
  ct_path(errf, sizeof errf, "kill_stderr.txt");
  remove(ref), remove(h5), remove(j);
  snprintf(buf, sizeof buf, INPUT, ref);
  ct_write(ct_path(in_ref, sizeof in_ref, "ref.ini"), "%s", buf);
  snprintf(buf, sizeof buf, INPUT, h5);
  ct_write(ct_path(in, sizeof in, "killed.ini"), "%s", buf);

  char *ref_args[] = {"qbath", "run", "--quiet", "--threads", "2", in_ref, NULL};
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CU_ASSERT_EQUAL_FATAL(ct_run(ref_args, NULL, errf), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ref_ms = 1e3 * (double)(t1.tv_sec - t0.tv_sec) + 1e-6 * (double)(t1.tv_nsec - t0.tv_nsec);

  unsigned seed = (unsigned)time(NULL);
  printf("\n  reference run %.0f ms; kill times drawn with seed %u\n", ref_ms, seed);
  srand(seed);
  char *args[] = {"qbath", "run", "--quiet", "--resume", "--threads", "2", in, NULL};
  int kills = 0, rc = -1;
  for (int attempt = 0; attempt < 6; attempt++) {
    pid_t pid = ct_spawn(args, NULL, errf);
    /* Uniform in (0, 0.2) of the reference run time: early kills hit start-up and the
     * journal's creation, later ones the loop; a few land while writing the file. */
    sleep_ms(0.2 * ref_ms * ((double)rand() / RAND_MAX));
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) {
      kills++;
    } else if (WIFEXITED(st)) {
      rc = WEXITSTATUS(st);
      break; /* finished before the kill */
    }
  }
  printf("  killed %d times\n", kills);
  if (rc != 0) rc = ct_run(args, NULL, errf); /* the final resume runs to the end */
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  CU_ASSERT_TRUE(kills >= 3);
  CU_ASSERT_FALSE(ct_exists(j));
  const char *subs[] = {"mean/value", "err/value", "mean/curve", "err/curve", "mean/work",
                        "mean/value_sq", "rows/value", "rows/curve", "rows/work"};
  for (int i = 0; i < 9; i++) CU_ASSERT_EQUAL(ct_same_dataset(ref, h5, subs[i], 3), 3);
}

int main(void) {
  const qb_test_case cases[] = {{"kill -9 at random moments, resume", test_kill_resume},
                                {NULL, NULL}};
  return qb_test_main("campaign_kill", cases);
}
