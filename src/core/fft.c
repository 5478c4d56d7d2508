/* fft.c — FFTW plans under the planner lock, executed on caller arrays, and a cache of
 * plans owned by whoever creates it (qbath/fft.h). */
#include "qbath/fft.h"

#include <complex.h>
#include <fftw3.h>

#include "qbath/alloc.h"

struct qb_fft_plan {
  qb_fft_kind kind;
  qb_idx n;
  fftw_plan plan;
};

/* One cached plan; the cache is a short list (a few sizes per owner). */
typedef struct fft_entry {
  qb_fft_plan *plan;
  struct fft_entry *next;
} fft_entry;

struct qb_fft_cache {
  fft_entry *head;
  int size;
};

/* FFTW's planner keeps process-wide state (wisdom, twiddle tables) and is not thread-safe:
 * every fftw_plan_* and fftw_destroy_plan in the library runs inside this one named
 * critical section. It is the only lock here and is process-wide because FFTW's planner
 * state is; the callers' data (plans, caches) are objects they own. */
#define QB_FFT_LOCKED _Pragma("omp critical(qb_fft_planner)")

/* The FFTW plan of (kind, n) on temporary arrays of the kind's layout; the caller holds the
 * planner lock. FFTW_ESTIMATE neither reads nor writes the arrays: they only tell FFTW the
 * alignment (fftw_malloc, as qb_fft_alloc) and whether the transform is in place. */
static fftw_plan plan_make(qb_fft_kind kind, int n) {
  const size_t nc = (size_t)n / 2 + 1;
  const unsigned oop = FFTW_ESTIMATE | FFTW_UNALIGNED | FFTW_DESTROY_INPUT;
  fftw_plan p = NULL;
  if (kind == QB_FFT_C2C_BACKWARD) {
    fftw_complex *a = fftw_alloc_complex((size_t)n);
    if (a) p = fftw_plan_dft_1d(n, a, a, FFTW_BACKWARD, FFTW_ESTIMATE);
    fftw_free(a);
  } else if (kind == QB_FFT_DCT3) {
    double *a = fftw_alloc_real((size_t)n);
    if (a) p = fftw_plan_r2r_1d(n, a, a, FFTW_REDFT01, FFTW_ESTIMATE);
    fftw_free(a);
  } else {
    double *x = fftw_alloc_real((size_t)n);
    fftw_complex *c = fftw_alloc_complex(nc);
    if (x && c && kind == QB_FFT_R2C) p = fftw_plan_dft_r2c_1d(n, x, c, oop);
    if (x && c && kind == QB_FFT_C2R) p = fftw_plan_dft_c2r_1d(n, c, x, oop);
    fftw_free(x);
    fftw_free(c);
  }
  return p;
}

/* A plan object around plan_make; the caller holds the planner lock. */
static qb_status plan_create_locked(qb_fft_kind kind, qb_idx n, qb_fft_plan **out, qb_err *err) {
  *out = NULL;
  if (n < 1 || n > 2147483647 || kind < QB_FFT_C2C_BACKWARD || kind > QB_FFT_C2R)
    return QB_FAIL(err, QB_ERR_INPUT, "FFT plan: length %lld (kind %d) outside [1, 2^31)",
                   (long long)n, (int)kind);
  qb_fft_plan *p = qb_calloc(1, sizeof *p);
  if (p == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "FFT plan of %lld points", (long long)n);
  p->kind = kind;
  p->n = n;
  p->plan = plan_make(kind, (int)n);
  if (p->plan == NULL) {
    qb_free(p);
    return QB_FAIL(err, QB_ERR_NOMEM, "FFTW plan of %lld points (kind %d)", (long long)n,
                   (int)kind);
  }
  *out = p;
  return QB_OK;
}

static void plan_free_locked(qb_fft_plan *p) {
  if (p == NULL) return;
  fftw_destroy_plan(p->plan);
  qb_free(p);
}

qb_status qb_fft_plan_create(qb_fft_kind kind, qb_idx n, qb_fft_plan **out, qb_err *err) {
  qb_status st;
  QB_FFT_LOCKED
  st = plan_create_locked(kind, n, out, err);
  return st;
}

qb_fft_plan *qb_fft_plan_free(qb_fft_plan *p) {
  QB_FFT_LOCKED
  plan_free_locked(p);
  return NULL;
}

void qb_fft_execute(const qb_fft_plan *p, void *in, void *out) {
  switch (p->kind) {
  case QB_FFT_C2C_BACKWARD: fftw_execute_dft(p->plan, in, out); break;
  case QB_FFT_DCT3: fftw_execute_r2r(p->plan, in, out); break;
  case QB_FFT_R2C: fftw_execute_dft_r2c(p->plan, in, out); break;
  case QB_FFT_C2R: fftw_execute_dft_c2r(p->plan, in, out); break;
  }
}

qb_status qb_fft_cache_create(qb_fft_cache **out, qb_err *err) {
  *out = qb_calloc(1, sizeof **out);
  return *out ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "FFT plan cache");
}

qb_fft_cache *qb_fft_cache_free(qb_fft_cache *c) {
  if (c == NULL) return NULL;
  QB_FFT_LOCKED
  for (fft_entry *e = c->head, *next; e; e = next) {
    next = e->next;
    plan_free_locked(e->plan);
    qb_free(e);
  }
  return qb_free(c);
}

/* The cached plan of (kind, n) or a new one added to the list; under the planner lock, so
 * two threads asking for the same size get one plan. */
static qb_status cache_get_locked(qb_fft_cache *c, qb_fft_kind kind, qb_idx n,
                                  const qb_fft_plan **out, qb_err *err) {
  for (const fft_entry *e = c->head; e; e = e->next)
    if (e->plan->kind == kind && e->plan->n == n) {
      *out = e->plan;
      return QB_OK;
    }
  fft_entry *e = qb_calloc(1, sizeof *e);
  if (e == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "FFT plan cache entry");
  qb_status st = plan_create_locked(kind, n, &e->plan, err);
  if (st != QB_OK) {
    qb_free(e);
    return st;
  }
  e->next = c->head;
  c->head = e;
  c->size++;
  *out = e->plan;
  return QB_OK;
}

qb_status qb_fft_cache_get(qb_fft_cache *c, qb_fft_kind kind, qb_idx n, const qb_fft_plan **out,
                           qb_err *err) {
  qb_status st;
  *out = NULL;
  QB_FFT_LOCKED
  st = cache_get_locked(c, kind, n, out, err);
  return st;
}

int qb_fft_cache_size(const qb_fft_cache *c) {
  int n;
  QB_FFT_LOCKED
  n = c->size;
  return n;
}

double *qb_fft_alloc_real(size_t n) { return fftw_alloc_real(n); }
qb_cplx *qb_fft_alloc_complex(size_t n) { return (qb_cplx *)fftw_alloc_complex(n); }

void *qb_fft_free(void *a) {
  fftw_free(a);
  return NULL;
}
