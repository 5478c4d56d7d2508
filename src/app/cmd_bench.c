/* cmd_bench.c — `qbath bench NAME`: dispatches to the benchmarks (bench_<name>.c). */
#include <stdio.h>
#include <string.h>

#include "app_extra.h"
#include "bench.h"
#include "cmd.h"

static const qb_app_bench benches[] = {
    {"spmv", qb_bench_spmv, "SpMV bandwidth on the L = 20 Heisenberg chain vs STREAM triad"},
    {"eigs", qb_bench_eigs, "50 shift-invert eigenpairs mid-spectrum, L = 18 Heisenberg chain"},
    {"fgr", qb_bench_fgr,
     "FGR level-dot: realizations/s of P(tau), both paths and representations"},
    {"evolve", qb_bench_evolve, "psi(t = 20) of the L = 18 Heisenberg chain, Chebyshev, tol 1e-10"},
    {"grain", qb_bench_grain, "Kronecker grain-plus-spins apply rate vs DGEMM (--N, --M)"},
};
enum { NBENCHES = sizeof benches / sizeof benches[0] };

/* Bench i of this file's table followed by the build's extra ones (app_extra.h). */
static const qb_app_bench *bench_at(int i) {
  if (i < NBENCHES) return &benches[i];
  const qb_app_bench *b = qb_app_benches;
  for (i -= NBENCHES; b->name && i > 0; b++, i--) {}
  return b->name ? b : NULL;
}

int qb_cmd_bench(int argc, char **argv) {
  const qb_app_bench *b;
  if (argc >= 2)
    for (int i = 0; (b = bench_at(i)); i++)
      if (!strcmp(argv[1], b->name)) return b->fn(argc - 1, argv + 1);
  fprintf(argc >= 2 ? stderr : stdout, "usage: qbath bench NAME\n\nbenchmarks:\n");
  for (int i = 0; (b = bench_at(i)); i++) printf("  %-8s %s\n", b->name, b->summary);
  return argc >= 2 ? 2 : 0;
}
