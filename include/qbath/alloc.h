/* qbath/alloc.h — every allocation of the library goes through these wrappers.
 *
 * Why: a test can make the k-th allocation fail (qb_alloc_fail_after) and check that each
 * error path returns QB_ERR_NOMEM and frees its partial work (the CSparse coverage idea).
 * The failure counter is the library's one piece of process-wide state, a test hook only;
 * it is atomic so that it is safe under OpenMP. Memory is 64-byte aligned for SIMD. */
#ifndef QBATH_ALLOC_H
#define QBATH_ALLOC_H

#include <stddef.h>

/* Aligned allocation of n bytes; NULL on failure or when the test hook says fail. */
void *qb_malloc(size_t n);
/* Zeroed aligned allocation of count*size bytes (overflow-checked). */
void *qb_calloc(size_t count, size_t size);
/* Resize (contents kept up to the smaller size); NULL on failure, p still valid then. */
void *qb_realloc(void *p, size_t old_n, size_t new_n);
/* Releases p; NULL is a no-op. Returns NULL so that callers can write p = qb_free(p). */
void *qb_free(void *p);
/* qb_free of each of n pointers; QB_FREE_ALL(a, b, c) counts them. For the structs that
 * own many buffers, whose free functions were otherwise runs of qb_free lines. */
void qb_alloc_free_all(void *const *p, size_t n);
#define QB_FREE_ALL(...)                                                                    \
  qb_alloc_free_all((void *const[]){__VA_ARGS__},                                          \
                    sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

/* Test hook: the allocation after the next k succeeds-or-fails rule. k < 0 disables
 * (the default); k = 0 makes the very next allocation fail, k = 1 the one after, ... */
void qb_alloc_fail_after(long k);
/* Number of allocations made since the hook was last set (for the coverage loop). */
long qb_alloc_count(void);

#endif
