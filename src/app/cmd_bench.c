/* cmd_bench.c — `qbath bench NAME`: dispatches to the benchmarks (bench_<name>.c). */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "cmd.h"

typedef struct {
  const char *name;
  int (*fn)(int, char **);
  const char *summary;
} bench;

static const bench benches[] = {
    {"spmv", qb_bench_spmv, "SpMV bandwidth on the L = 20 Heisenberg chain vs STREAM triad"},
    {"runner", qb_bench_runner, "campaign runner overhead over 10^5 trivial realizations"},
    {"eigs", qb_bench_eigs, "50 shift-invert eigenpairs mid-spectrum, L = 18 Heisenberg chain"},
    {"fgr", qb_bench_fgr,
     "FGR level-dot: realizations/s of P(tau), both paths and representations"},
    {"evolve", qb_bench_evolve, "psi(t = 20) of the L = 18 Heisenberg chain, Chebyshev, tol 1e-10"},
    {"grain", qb_bench_grain, "Kronecker grain-plus-spins apply rate vs DGEMM (--N, --M)"},
};
enum { NBENCHES = sizeof benches / sizeof benches[0] };

int qb_cmd_bench(int argc, char **argv) {
  if (argc >= 2)
    for (int i = 0; i < NBENCHES; i++)
      if (!strcmp(argv[1], benches[i].name)) return benches[i].fn(argc - 1, argv + 1);
  fprintf(argc >= 2 ? stderr : stdout, "usage: qbath bench NAME\n\nbenchmarks:\n");
  for (int i = 0; i < NBENCHES; i++) printf("  %-8s %s\n", benches[i].name, benches[i].summary);
  return argc >= 2 ? 2 : 0;
}
