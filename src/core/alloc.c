/* alloc.c — the library's one allocation wrapper, with the fail-the-k-th test hook. */
#include "qbath/alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Alignment for SIMD loads and to keep threads' blocks on separate cache lines. */
enum { QB_ALIGN = 64 };

/* Test hook state (see alloc.h). Process-wide on purpose: the hook must see every
 * allocation of a whole run, whichever object or thread makes it, so that a test can fail
 * the k-th one; no result depends on it (a run without the hook never reads it). Besides
 * it the library's only process-wide state are two locks that guard libraries whose own
 * state is process-wide: ARPACK's (solve/eigs_arpack.c) and FFTW's planner (core/fft.c). */
static atomic_long fail_countdown = -1;
static atomic_long alloc_counter = 0;

static int hook_says_fail(void) {
  atomic_fetch_add(&alloc_counter, 1);
  long k = atomic_load(&fail_countdown);
  if (k < 0) return 0;
  /* Decrement until it hits 0; the allocation that sees 0 fails, and only that one. */
  long prev = atomic_fetch_sub(&fail_countdown, 1);
  if (prev == 0) return 1;
  if (prev < 0) atomic_store(&fail_countdown, -1);
  return 0;
}

void qb_alloc_fail_after(long k) {
  atomic_store(&alloc_counter, 0);
  atomic_store(&fail_countdown, k);
}

long qb_alloc_count(void) { return atomic_load(&alloc_counter); }

void *qb_malloc(size_t n) {
  if (hook_says_fail()) return NULL;
  if (n == 0) n = 1;
  size_t rounded = (n + QB_ALIGN - 1) / QB_ALIGN * QB_ALIGN;
  if (rounded < n) return NULL; /* overflow */
  return aligned_alloc(QB_ALIGN, rounded);
}

void *qb_calloc(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return NULL;
  void *p = qb_malloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

void *qb_realloc(void *p, size_t old_n, size_t new_n) {
  void *q = qb_malloc(new_n);
  if (!q) return NULL;
  if (p) memcpy(q, p, old_n < new_n ? old_n : new_n);
  free(p);
  return q;
}

void *qb_free(void *p) {
  free(p);
  return NULL;
}

void qb_alloc_free_all(void *const *p, size_t n) {
  for (size_t i = 0; i < n; i++) free(p[i]);
}
