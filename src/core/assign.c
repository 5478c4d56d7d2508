/* assign.c — minimum-cost perfect matching on a sparse bipartite graph (the
 * orbital -> site labelling of Crowley & Chandran, PRB 106, 184208 (2022), Sec. VII:
 * maximize prod |phi_nn| = minimize sum -log|phi|), by successive shortest augmenting paths with
 * dual potentials
 * (Crouse, IEEE TAES 52, 1679 (2016), the algorithm of scipy's linear_sum_assignment),
 * with Dijkstra on the sparse graph (binary heap) instead of dense scans.
 *
 * Invariants: reduced costs c_ij - u_j - v_i >= 0 (u on columns = the augmenting side,
 * v on rows), zero on matched edges. Start: u_j = min_i c_ij, greedy matching on the
 * zero-reduced-cost edges; each remaining free column is then augmented. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/assign.h"

typedef struct heap {
  qb_idx n;
  double *key;
  qb_idx *node;
} heap;

static void heap_push(heap *h, double k, qb_idx v) {
  qb_idx i = h->n++;
  while (i > 0) {
    qb_idx p = (i - 1) / 2;
    if (h->key[p] <= k) break;
    h->key[i] = h->key[p];
    h->node[i] = h->node[p];
    i = p;
  }
  h->key[i] = k;
  h->node[i] = v;
}

static void heap_pop(heap *h, double *k, qb_idx *v) {
  *k = h->key[0];
  *v = h->node[0];
  double lk = h->key[--h->n];
  qb_idx lv = h->node[h->n], i = 0;
  for (;;) {
    qb_idx c = 2 * i + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && h->key[c + 1] < h->key[c]) c++;
    if (h->key[c] >= lk) break;
    h->key[i] = h->key[c];
    h->node[i] = h->node[c];
    i = c;
  }
  h->key[i] = lk;
  h->node[i] = lv;
}

typedef struct work {
  double *u, *v, *dist;
  qb_idx *row_of_col, *col_of_row, *path, *touched_rows, *sc_cols;
  char *sr, *done; /* sr: column scanned (SR in Crouse); done: row final (SC) */
  heap h;
} work;

/* One augmentation from free column j0 (Crouse's augmenting_path with a heap). */
static qb_status augment(qb_idx j0, const qb_idx *cp, const qb_idx *ri, const double *c, work *w) {
  qb_idx ntouch = 0, nsc = 0, sink = -1, j = j0;
  double minval = 0;
  w->h.n = 0;
  while (sink < 0) {
    w->sr[j] = 1;
    w->sc_cols[nsc++] = j;
    for (qb_idx e = cp[j]; e < cp[j + 1]; e++) {
      qb_idx i = ri[e];
      if (w->done[i]) continue;
      double r = minval + c[e] - w->u[j] - w->v[i];
      if (r < w->dist[i]) {
        if (w->dist[i] == INFINITY) w->touched_rows[ntouch++] = i;
        w->dist[i] = r;
        w->path[i] = j;
        heap_push(&w->h, r, i);
      }
    }
    qb_idx i = -1;
    while (w->h.n > 0) {
      double k;
      heap_pop(&w->h, &k, &i);
      if (!w->done[i] && k == w->dist[i]) break;
      i = -1;
    }
    if (i < 0) return QB_ERR_NUMERIC;
    minval = w->dist[i];
    w->done[i] = 1;
    if (w->col_of_row[i] < 0) sink = i;
    else j = w->col_of_row[i];
  }
  /* Potentials (scanned columns and final rows), then flip the path. */
  for (qb_idx k = 0; k < nsc; k++) {
    qb_idx jj = w->sc_cols[k];
    w->u[jj] += jj == j0 ? minval : minval - w->dist[w->row_of_col[jj]];
  }
  for (qb_idx k = 0; k < ntouch; k++) {
    qb_idx ii = w->touched_rows[k];
    if (w->done[ii]) w->v[ii] -= minval - w->dist[ii];
  }
  for (qb_idx i = sink;;) {
    qb_idx jj = w->path[i], prev = w->row_of_col[jj];
    w->row_of_col[jj] = i;
    w->col_of_row[i] = jj;
    if (jj == j0) break;
    i = prev;
  }
  for (qb_idx k = 0; k < ntouch; k++) {
    qb_idx ii = w->touched_rows[k];
    w->dist[ii] = INFINITY;
    w->done[ii] = 0;
  }
  for (qb_idx k = 0; k < nsc; k++) w->sr[w->sc_cols[k]] = 0;
  return QB_OK;
}

qb_status qb_assign_sparse(qb_idx n, const qb_idx *cp, const qb_idx *ri, const double *c,
                           qb_idx *row_of_col, double *total, qb_err *err) {
  if (n < 1) return QB_FAIL(err, QB_ERR_INPUT, "assign: n = %lld must be >= 1", (long long)n);
  qb_idx nnz = cp[n];
  work w;
  memset(&w, 0, sizeof w);
  w.u = qb_malloc(sizeof(double) * (size_t)n);
  w.v = qb_calloc((size_t)n, sizeof(double));
  w.dist = qb_malloc(sizeof(double) * (size_t)n);
  w.col_of_row = qb_malloc(sizeof(qb_idx) * (size_t)n);
  w.path = qb_malloc(sizeof(qb_idx) * (size_t)n);
  w.touched_rows = qb_malloc(sizeof(qb_idx) * (size_t)n);
  w.sc_cols = qb_malloc(sizeof(qb_idx) * (size_t)n);
  w.sr = qb_calloc((size_t)n, 1);
  w.done = qb_calloc((size_t)n, 1);
  w.h.key = qb_malloc(sizeof(double) * (size_t)(nnz + 1));
  w.h.node = qb_malloc(sizeof(qb_idx) * (size_t)(nnz + 1));
  w.row_of_col = row_of_col;
  qb_status st = QB_OK;
  if (!w.u || !w.v || !w.dist || !w.col_of_row || !w.path || !w.touched_rows || !w.sc_cols ||
      !w.sr || !w.done || !w.h.key || !w.h.node) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "assign: out of memory (n = %lld, nnz = %lld)", (long long)n,
                 (long long)nnz);
    goto done;
  }
  for (qb_idx i = 0; i < n; i++) {
    w.dist[i] = INFINITY;
    w.col_of_row[i] = -1;
  }
  /* Column reduction and greedy matching on tight edges. */
  for (qb_idx j = 0; j < n; j++) {
    row_of_col[j] = -1;
    if (cp[j + 1] == cp[j]) {
      st =
          QB_FAIL(err, QB_ERR_NUMERIC, "assign: column %lld has no admissible entry", (long long)j);
      goto done;
    }
    qb_idx best = cp[j];
    for (qb_idx e = cp[j]; e < cp[j + 1]; e++)
      if (c[e] < c[best]) best = e;
    w.u[j] = c[best];
    if (w.col_of_row[ri[best]] < 0) {
      row_of_col[j] = ri[best];
      w.col_of_row[ri[best]] = j;
    }
  }
  for (qb_idx j = 0; j < n; j++) {
    if (row_of_col[j] >= 0) continue;
    if (augment(j, cp, ri, c, &w) != QB_OK) {
      st = QB_FAIL(err, QB_ERR_NUMERIC,
                   "assign: the admissible entries admit no perfect matching (column %lld)",
                   (long long)j);
      goto done;
    }
  }
  if (total) {
    double s = 0;
    for (qb_idx j = 0; j < n; j++)
      for (qb_idx e = cp[j]; e < cp[j + 1]; e++)
        if (ri[e] == row_of_col[j]) s += c[e];
    *total = s;
  }
done:
  qb_free(w.u);
  qb_free(w.v);
  qb_free(w.dist);
  qb_free(w.col_of_row);
  qb_free(w.path);
  qb_free(w.touched_rows);
  qb_free(w.sc_cols);
  qb_free(w.sr);
  qb_free(w.done);
  qb_free(w.h.key);
  qb_free(w.h.node);
  return st;
}
