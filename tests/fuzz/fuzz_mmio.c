/* fuzz_mmio.c — libFuzzer target for the Matrix Market reader (coordinate and array
 * formats) and the Hermiticity check that `qbath validate` runs on a model's matrix. */
#include <stdint.h>

#include "fuzz_common.h"
#include "qbath/mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_scratch(data, size, ".mtx");
  if (path == NULL) return 0;
  qb_csr *A = NULL;
  qb_err err;
  if (qb_mmio_read_hermitian(path, 1e-12, &A, &err) == QB_OK) qb_csr_free(A);
  return 0;
}
