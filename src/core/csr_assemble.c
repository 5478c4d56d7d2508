/* csr_assemble.c — CSR assembly from triplets: duplicates summed, columns sorted per row.
 *
 * Deterministic on any thread count: a stable serial bucket pass puts each row's triplets
 * in input order; rows are then sorted by (column, input position) independently (in
 * parallel), so duplicates are summed in input order whatever the thread count. */
#include <stdlib.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/csr.h"

/* One triplet in its row bucket: column and position k in the caller's arrays. */
typedef struct {
  qb_idx col;
  qb_idx k;
} qb_slot;

static int slot_cmp(const void *a, const void *b) {
  const qb_slot *x = a, *y = b;
  if (x->col != y->col) return x->col < y->col ? -1 : 1;
  return (x->k > y->k) - (x->k < y->k); /* input order breaks ties: a fixed sum order */
}

/* Checks every index; the first bad one is named. */
static qb_status check_indices(qb_idx nrows, qb_idx ncols, qb_idx n, const qb_idx *row,
                               const qb_idx *col, qb_err *err) {
  for (qb_idx k = 0; k < n; k++)
    if (row[k] < 0 || row[k] >= nrows || col[k] < 0 || col[k] >= ncols)
      return QB_FAIL(err, QB_ERR_INPUT,
                     "triplet %lld at (%lld, %lld) lies outside the %lld x %lld matrix",
                     (long long)k, (long long)row[k], (long long)col[k], (long long)nrows,
                     (long long)ncols);
  return QB_OK;
}

/* Stable bucket pass: start[i] .. start[i+1]-1 of slots hold row i's triplets in input
 * order. start has nrows+1 entries. */
static void bucket_rows(qb_idx nrows, qb_idx n, const qb_idx *row, const qb_idx *col,
                        qb_idx *start, qb_idx *fill, qb_slot *slots) {
  memset(start, 0, ((size_t)nrows + 1) * sizeof *start);
  for (qb_idx k = 0; k < n; k++) start[row[k] + 1]++;
  for (qb_idx i = 0; i < nrows; i++) start[i + 1] += start[i];
  memcpy(fill, start, (size_t)nrows * sizeof *fill);
  for (qb_idx k = 0; k < n; k++) slots[fill[row[k]]++] = (qb_slot){col[k], k};
}

/* Sorts each row's slots and writes its number of distinct columns to count[i]. */
static void sort_rows(qb_idx nrows, const qb_idx *start, qb_slot *slots, qb_idx *count) {
#pragma omp parallel for default(none) shared(nrows, start, slots, count) schedule(dynamic, 256)
  for (qb_idx i = 0; i < nrows; i++) {
    qb_idx len = start[i + 1] - start[i];
    qsort(slots + start[i], (size_t)len, sizeof *slots, slot_cmp);
    qb_idx distinct = 0;
    for (qb_idx s = start[i]; s < start[i + 1]; s++)
      distinct += (s == start[i] || slots[s].col != slots[s - 1].col);
    count[i] = distinct;
  }
}

/* Sums each row's runs of equal columns, in input order, into A. */
static void sum_rows(const qb_idx *start, const qb_slot *slots, const void *val, qb_csr *A) {
  const qb_idx nrows = A->nrows;
  const int cplx = A->dtype == QB_COMPLEX;
#pragma omp parallel for default(none) shared(start, slots, val, A, nrows, cplx) \
    schedule(dynamic, 256)
  for (qb_idx i = 0; i < nrows; i++) {
    qb_idx out = A->rowptr[i] - 1;
    for (qb_idx s = start[i]; s < start[i + 1]; s++) {
      qb_idx k = slots[s].k;
      int fresh = (s == start[i] || slots[s].col != slots[s - 1].col);
      if (fresh) out++;
      A->colind[out] = slots[s].col;
      if (cplx) {
        qb_cplx v = ((const qb_cplx *)val)[k];
        ((qb_cplx *)A->val)[out] = fresh ? v : ((qb_cplx *)A->val)[out] + v;
      } else {
        double v = ((const double *)val)[k];
        ((double *)A->val)[out] = fresh ? v : ((double *)A->val)[out] + v;
      }
    }
  }
}

/* The caller's triplets (two indices and a value each), the row slots (column and input
 * position: 16 bytes) and the matrix built beside them (an index and a value per entry,
 * at most n entries); the row arrays are O(nrows). */
double qb_csr_from_triplets_bytes(double n, qb_dtype dtype) {
  const double el = dtype == QB_REAL ? 8 : 16;
  return n * (2 * sizeof(qb_idx) + el) + n * sizeof(qb_slot) + n * (sizeof(qb_idx) + el);
}

qb_status qb_csr_from_triplets(qb_idx nrows, qb_idx ncols, qb_idx n, const qb_idx *row,
                               const qb_idx *col, const void *val, qb_dtype dtype,
                               qb_csr **out, qb_err *err) {
  *out = NULL;
  if (nrows < 0 || ncols < 0 || n < 0)
    return QB_FAIL(err, QB_ERR_DIM, "triplets: %lld x %lld matrix with %lld entries",
                   (long long)nrows, (long long)ncols, (long long)n);
  QB_TRY(check_indices(nrows, ncols, n, row, col, err));
  qb_status st = QB_OK;
  qb_csr *A = NULL;
  qb_idx *start = qb_malloc(((size_t)nrows + 1) * sizeof *start);
  qb_idx *count = qb_malloc(((size_t)nrows + 1) * sizeof *count);
  qb_slot *slots = qb_malloc((size_t)n * sizeof *slots);
  if (!start || !count || !slots) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "assembly workspace for %lld triplets", (long long)n);
    goto done;
  }
  bucket_rows(nrows, n, row, col, start, count, slots);
  sort_rows(nrows, start, slots, count);
  qb_idx nnz = 0;
  for (qb_idx i = 0; i < nrows; i++) nnz += count[i];
  st = qb_csr_create(nrows, ncols, nnz, dtype, &A, err);
  if (st != QB_OK) goto done;
  for (qb_idx i = 0; i < nrows; i++) A->rowptr[i + 1] = A->rowptr[i] + count[i];
  sum_rows(start, slots, val, A);
done:
  qb_free(start);
  qb_free(count);
  qb_free(slots);
  *out = A;
  return st;
}
