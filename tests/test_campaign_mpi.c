/* test_campaign_mpi.c — the MPI runner (built and registered only with -DQBATH_MPI=ON,
 * so that no build reports it passed without running it; CI builds that configuration
 * with scripts/test_mpi.sh): `mpirun -np 2` and `-np 3` write bit for bit the rows,
 * means and errors of one process, and an MPI run stopped by SIGTERM resumes under MPI
 * to the same numbers. */
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"

static const char *INPUT =
    "[run]\nseed = 4242\nrealizations = 400\n[model]\ntype = toy\nx = 0.75, 2.5\n"
    "scale = 1.5\nsamples = 7\nwork = %d\n[output]\nfile = %s\nflush_seconds = 0\n";

/* mpirun as root needs both variables; --oversubscribe lets 3 ranks share 2 cores. */
#define MPIRUN "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe"

static void make_input(char *in, size_t n, const char *name, int work, const char *out) {
  char buf[2048];
  snprintf(buf, sizeof buf, INPUT, work, out);
  ct_write(ct_path(in, n, name), "%s", buf);
}

static const char *SUBS[] = {"mean/value", "err/value", "mean/curve", "err/curve",
                             "rows/value", "rows/curve", "rows/work", "mean/value_sq"};

/* Runs `mpirun -np np qbath run ARGS in`; returns the shell's status. */
static int mpirun(int np, const char *args, const char *in) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, MPIRUN " -np %d -x OMP_NUM_THREADS=1 %s run --quiet %s %s "
           "> /dev/null 2>&1", np, ct_binary(), args, in);
  return system(cmd);
}

static void test_ranks_identical(void) {
  char in1[600], in2[600], in3[600], h1[600], h2[600], h3[600];
  make_input(in1, sizeof in1, "one.ini", 50, ct_path(h1, sizeof h1, "one.h5"));
  make_input(in2, sizeof in2, "two.ini", 50, ct_path(h2, sizeof h2, "two.h5"));
  make_input(in3, sizeof in3, "three.ini", 50, ct_path(h3, sizeof h3, "three.h5"));
  char *one[] = {"qbath", "run", "--quiet", "--threads", "1", in1, NULL};
  CU_ASSERT_EQUAL_FATAL(ct_run(one, NULL, NULL), 0);
  CU_ASSERT_EQUAL_FATAL(mpirun(2, "", in2), 0);
  CU_ASSERT_EQUAL_FATAL(mpirun(3, "--threads 2", in3), 0);
  for (int i = 0; i < 8; i++) {
    CU_ASSERT_EQUAL(ct_same_dataset(h1, h2, SUBS[i], 2), 2);
    CU_ASSERT_EQUAL(ct_same_dataset(h1, h3, SUBS[i], 2), 2);
  }
}

/* mpirun forwards SIGTERM to the ranks (and kills them if they linger): either way the
 * journal holds only whole rows, and an MPI resume completes them. */
static void test_sigterm_resume(void) {
  char in[600], ref_in[600], h5[600], ref[600], j[700], cmd[2048];
  make_input(in, sizeof in, "mpisig.ini", 400000, ct_path(h5, sizeof h5, "mpisig.h5"));
  make_input(ref_in, sizeof ref_in, "mpisig_ref.ini", 400000, ct_path(ref, sizeof ref, "mpisig_ref.h5"));
  snprintf(j, sizeof j, "%s.journal", h5);
  snprintf(cmd, sizeof cmd, MPIRUN " -np 2 -x OMP_NUM_THREADS=1 %s run --quiet %s > /dev/null "
           "2>&1 & pid=$!; for i in $(seq 300); do [ -e %s ] && break; sleep 0.1; done; "
           "sleep 1; kill -TERM $pid; wait $pid; exit 0", ct_binary(), in, j);
  CU_ASSERT_EQUAL(system(cmd), 0);
  CU_ASSERT_TRUE(ct_exists(j) || ct_exists(h5));
  CU_ASSERT_EQUAL_FATAL(mpirun(2, "--resume", in), 0);
  char *one[] = {"qbath", "run", "--quiet", "--threads", "2", ref_in, NULL};
  CU_ASSERT_EQUAL_FATAL(ct_run(one, NULL, NULL), 0);
  for (int i = 0; i < 8; i++) CU_ASSERT_EQUAL(ct_same_dataset(h5, ref, SUBS[i], 2), 2);
}

int main(void) {
  const qb_test_case cases[] = {{"mpirun -np 2, -np 3 = 1 process", test_ranks_identical},
                                {"SIGTERM under mpirun, MPI resume", test_sigterm_resume},
                                {NULL, NULL}};
  return qb_test_main("campaign_mpi", cases);
}
