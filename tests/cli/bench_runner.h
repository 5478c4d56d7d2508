/* bench_runner.h — `qbath_test bench runner` (bench_runner.c). */
#ifndef QBATH_TESTS_CLI_BENCH_RUNNER_H
#define QBATH_TESTS_CLI_BENCH_RUNNER_H

int qb_bench_runner(int argc, char **argv);

#endif
