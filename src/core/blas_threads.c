/* blas_threads.c — the BLAS thread count (qbath/blas_threads.h), through OpenBLAS's own
 * control when the linked BLAS is OpenBLAS. The symbols are weak so that another BLAS
 * (reference, BLIS, MKL with its own variables) links and this becomes a no-op. */
#include "qbath/blas_threads.h"

void openblas_set_num_threads(int n) __attribute__((weak));
int openblas_get_num_threads(void) __attribute__((weak));

int qb_blas_threads_set(int n) {
  if (!openblas_set_num_threads || !openblas_get_num_threads) return 1;
  int old = openblas_get_num_threads();
  openblas_set_num_threads(n < 1 ? 1 : n);
  return old;
}
