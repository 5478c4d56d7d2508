/* bench_spmv.c — `qbath bench spmv` (written by the CSR work). */
#include <stdio.h>
#include "commands.h"
int qb_bench_spmv(int argc, char **argv) { fprintf(stderr, "bench spmv: pending\n"); return 1; }
