/* toy.c — model `toy`: a trivial model whose rows are deterministic functions of the
 * realization's random stream. It exercises the campaign runner (sweeps, resume, thread
 * independence, the overhead benchmark) without any physics. It lives with the tests, not
 * in the production registry (toy.h): users have no use for it.
 *
 * Row: value = x + scale u (u uniform in (0,1) from the realization's Philox stream),
 * curve[k] = value t_k on the axis t_k = k dt, and work = a hash after `work` rounds of
 * busy integer mixing (a tunable, deterministic cost per realization). Theory: the
 * expected curve (x + scale/2) t_k. Derived: value^2 of the mean, error by the delta
 * method. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/model.h"
#include "toy.h"

typedef struct toy_ctx {
  double x, scale, dt;
  qb_idx samples;
  long long work, fail_at;
  double *t; /* axis, samples */
} toy_ctx;

static const qb_key toy_keys[] = {
    {"model", "x", QB_KEY_REAL, "1", QB_ANY, NULL, "", NULL, "offset of the value", 1,
     QB_FIELD(toy_ctx, x)},
    {"model", "scale", QB_KEY_REAL, "1", 0, INFINITY, NULL, "", "log_scale",
     "width of the uniform noise", 1, QB_FIELD(toy_ctx, scale)},
    {"model", "log_scale", QB_KEY_REAL, "0", -300, 300, NULL, "", "scale",
     "natural log of the width (alternative to scale)", 1},
    {"model", "samples", QB_KEY_INT, "4", 1, 1e6, NULL, "", NULL, "length of the curve", 1,
     QB_FIELD(toy_ctx, samples)},
    {"model", "dt", QB_KEY_REAL, "0.5", 0, INFINITY, NULL, "", NULL, "axis step of the curve", 1,
     QB_FIELD(toy_ctx, dt)},
    {"model", "work", QB_KEY_INT, "0", 0, 1e12, NULL, "", NULL,
     "rounds of busy integer mixing per realization (cost knob for benchmarks)", 1,
     QB_FIELD(toy_ctx, work)},
    {"model", "fail_at", QB_KEY_INT, "-1", -1, 1e12, NULL, "", NULL,
     "realization index that reports a numerical failure (tests the error path; -1: none)", 0,
     QB_FIELD(toy_ctx, fail_at)},
    QB_KEY_END};
static const qb_key *const toy_tables[] = {toy_keys, NULL};

static qb_status toy_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  toy_ctx c = {0};
  qb_param_fill(p, toy_keys, &c);
  double n = (double)c.samples;
  e->bytes = 8 * (n + 2);
  e->ctx_bytes = 8 * n;
  e->flops = 4.0 * (double)c.work + n;
  e->row_values = n + 2; /* value, curve[samples], work */
  return QB_OK;
}

static qb_status toy_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  toy_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "toy: out of memory");
  qb_param_fill(p, toy_keys, c);
  if (qb_param_is_set(p, "model", "log_scale"))
    c->scale = exp(qb_param_real(p, "model", "log_scale"));
  c->t = qb_malloc(sizeof(double) * (size_t)c->samples);
  if (c->t == NULL) {
    qb_free(c);
    return QB_FAIL(err, QB_ERR_NOMEM, "toy: out of memory");
  }
  for (qb_idx k = 0; k < c->samples; k++) c->t[k] = (double)k * c->dt;
  qb_layout_add_axis(L, "t", c->samples, c->t, "curve axis t_k = k dt");
  qb_layout_add(L, "value", 1, NULL, "x + scale u", 1);
  qb_layout_add(L, "curve", c->samples, "t", "value t_k", 0);
  qb_layout_add(L, "work", 1, NULL, "hash of the busy work (deterministic)", 0);
  qb_layout_add_derived(L, "value_sq", 1, NULL, "square of the mean value");
  qb_layout_add_theory(L, "curve", c->samples, "t", "(x + scale/2) t_k");
  *out = c;
  return QB_OK;
}

static void toy_free(void *ctx) {
  toy_ctx *c = ctx;
  if (c == NULL) return;
  qb_free(c->t);
  qb_free(c);
}

/* Until qb_rng lands: a stateless splitmix64 hash of (seed, point, realization). */
static uint64_t mix(uint64_t h) {
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

static qb_status toy_realize(const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const toy_ctx *c = ctx;
  if ((long long)t->realization == c->fail_at)
    return QB_FAIL(err, QB_ERR_NUMERIC, "toy: failure requested at realization %lld", c->fail_at);
  uint64_t w = mix(mix(mix(t->seed) ^ t->point) ^ t->realization);
  double value = c->x + c->scale * (((double)(w >> 11) + 0.5) / 9007199254740992.0);
  uint64_t h = mix(w);
  for (long long i = 0; i < c->work; i++) { /* splitmix64 rounds: a fixed, unoptimizable cost */
    h += 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    h ^= h >> 31;
  }
  row[0] = value;
  for (qb_idx k = 0; k < c->samples; k++) row[1 + k] = value * c->t[k];
  row[1 + c->samples] = (double)(h >> 11);
  return QB_OK;
}

static qb_status toy_derive(const void *ctx, const double *rows, qb_idx nreal, double *mean,
                            double *se, qb_err *err) {
  const toy_ctx *c = ctx;
  qb_idx len = c->samples + 2;
  double s = 0, ss = 0;
  for (qb_idx r = 0; r < nreal; r++) s += rows[r * len];
  double m = s / (double)nreal;
  for (qb_idx r = 0; r < nreal; r++) ss += (rows[r * len] - m) * (rows[r * len] - m);
  double e = nreal > 1 ? sqrt(ss / ((double)nreal * (double)(nreal - 1))) : NAN;
  mean[0] = m * m;
  se[0] = 2 * fabs(m) * e;
  return QB_OK;
}

static qb_status toy_theory(const void *ctx, double *out, qb_err *err) {
  const toy_ctx *c = ctx;
  for (qb_idx k = 0; k < c->samples; k++) out[k] = (c->x + 0.5 * c->scale) * c->t[k];
  return QB_OK;
}

const qb_model qb_model_toy = {
    .name = "toy",
    .doc = "trivial deterministic model for testing and benchmarking the runner",
    .keys = toy_tables,
    .estimate = toy_estimate, .point_create = toy_create, .point_free = toy_free,
    .realize = toy_realize, .derive = toy_derive, .theory = toy_theory,
};

const qb_model *const qb_test_models[] = {&qb_model_toy, NULL};
