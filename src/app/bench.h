/* bench.h — the benchmarks behind `qbath bench NAME`, one per file bench_<name>.c; each
 * returns the process exit status like the subcommands of cmd.h. */
#ifndef QBATH_APP_BENCH_H
#define QBATH_APP_BENCH_H

int qb_bench_spmv(int argc, char **argv);
int qb_bench_eigs(int argc, char **argv);
int qb_bench_fgr(int argc, char **argv);
int qb_bench_evolve(int argc, char **argv);
int qb_bench_grain(int argc, char **argv);

/* STREAM-style triad bandwidth, GB/s, over n doubles (best of reps): the reference of the
 * sparse and matrix-free applies' bandwidth fractions (bench evolve, bench grain). */
double qb_bench_triad_gbps(size_t n, int reps);

#endif
