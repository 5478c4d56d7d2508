/* emft_lattice.c — model `emft_lattice`: a grain coupled to site 0 of free fermions on
 * the 2D square lattice of radius R (|n1| + |n2| <= R, N = 2R^2 + 2R + 1 sites), Eqs.
 * (15)-(18), in entanglement mean-field theory.
 *
 * H_2D = t sum_NN c^dag c + sum_n V(theta_n) n_n, V the asymmetric triangular wave of
 * amplitude W through V(0) = W, V(2 pi/q1) = -W, V(2 pi) = W; theta_n = q.n + theta0,
 * q = pi (1 + sqrt 5, 1 + sqrt 3) (quasiperiodic; theta0 uniform per realization unless
 * set) or theta_n iid uniform on [0, 2 pi) (random).
 *
 * Hopping (key t): Crowley & Chandran 2022 Eq. (15) as printed has 1, but the paper's W scale (Fig.
 * 4's failed
 * avalanche at W = 45, the threshold of Fig. 5) is that of t = 1/2, so the default is 1/2,
 * the one convention of the EMFT inputs, plots and docs (docs/emft.md); H(t, W) =
 * 2t H(1/2, W/(2t)), so t = 1 reproduces Crowley & Chandran 2022 Eq. (15) literally with W doubled.
 *
 * Per realization: dense eigh of H_2D; orbitals labelled by sites through the assignment
 * maximizing prod |phi_nn| (qb_assign_sparse on -log|phi| over the entries |phi| >=
 * assign_cut max|phi| of each orbital); g_{n,0} = g0 |phi_{n0}| (Crowley & Chandran 2022 Eq. (18));
 * the mean-field solution (Eq. (11)).
 *
 * Roundoff. Dense eigenvectors carry absolute errors ~ N eps ~ 1e-13 in every component,
 * so |phi_{n0}| below phi_floor (default 1e-12) is not resolved. The mean-field fixed
 * point is monotone in every g_{n,0}, so two extra solves bracket the exact answer:
 * lower (unresolved g_{n,0} = 0) and upper (unresolved g_{n,0} = g0 phi_floor). The row
 * reports eta_tot and the avalanche flag of the nominal solve (dense values as they are)
 * and of both bounds: where aval_lo == aval_hi, roundoff cannot change the conclusion
 * (the flag counts the coupled orbitals only: in the lower bound every resolved orbital
 * thermalizes, T ~ N log 2 then exceeds 2 log(1/(g0 phi_floor)) by far).
 *
 * sub_R > 0 (beyond the paper; R = 100): only the radius-sub_R lattice around the grain is
 * diagonalized (O(N_sub^3) instead of O(N^3)); orbitals of the sites outside are not
 * computed: nominal and lower bound take them decoupled, the upper bound gives them the
 * largest |phi_{n0}| found on the outermost computed shell |n| = sub_R (amplitudes decay
 * outward). The approximation is that the orbitals near the grain are those of the
 * sub-lattice (boundary effects ~ e^{-(R_sub - r)/xi}); its error is measured against the
 * full lattice by scripts/bench/emft.
 *
 * Row: eta_tot, avalanched, eta_tot_lo/hi, aval_lo/hi, n_therm, theta0, R20 (the radius
 * of Crowley & Chandran 2022 Eq. (20): smallest R' with d_g e^{eta_tot} sum_{|n|_1 > R'} g_n <=
 * collar_eps; NAN
 * when avalanched), n_unresolved; with map = true the per-site [S_n] (sites in the order
 * n1 = -R..R, n2 = -(R-|n1|)..(R-|n1|)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/shared/emft_common.h"
#include "qbath/alloc.h"
#include "qbath/assign.h"
#include "qbath/dense.h"
#include "qbath/rng.h"

enum { PURPOSE_THETA0 = 0, PURPOSE_THETA = 1 };

typedef struct la_ctx {
  int R, Rs;          /* lattice and diagonalized radius */
  qb_idx n, ns;       /* sites of each */
  int random, map;
  double W, hop, g0, theta0, cut, floor, d_g, eps;
  int *n1, *n2;       /* site coordinates (full lattice; the sub-lattice is its prefix
                         in the order of increasing |n|_1... see site order below) */
  const qb_emft_table *t; /* the campaign's table (borrowed), or own_t */
  qb_emft_table *own_t;   /* the table when no campaign state holds it (owned) */
  qb_emft_mf_opts o;
  double *axis_site;
} la_ctx;

static const qb_key la_keys[] = {
    {"model", "R", QB_KEY_INT, NULL, 1, 1000, NULL, "", NULL, "lattice radius (|n1| + |n2| <= R)",
     1, QB_FIELD(la_ctx, R)},
    {"model", "W", QB_KEY_REAL, NULL, 0, INFINITY, NULL, "energy", NULL, "potential amplitude", 1,
     QB_FIELD(la_ctx, W)},
    {"model", "t", QB_KEY_REAL, "0.5", 0, INFINITY, NULL, "energy", NULL,
     "nearest-neighbour hopping (0.5: the paper's W scale; Eq. (15) as printed: 1, W doubled)", 1,
     QB_FIELD(la_ctx, hop)},
    {"model", "g0", QB_KEY_REAL, "1", 0, INFINITY, NULL, "", NULL,
     "grain coupling scale: g_{n,0} = g0 |phi_{n0}|", 1, QB_FIELD(la_ctx, g0)},
    {"model", "potential", QB_KEY_ENUM, "quasiperiodic", 0, -1, "quasiperiodic|random", "", NULL,
     "theta_n = q.n + theta0, or iid uniform", 1, QB_FIELD(la_ctx, random)},
    {"model", "theta0", QB_KEY_REAL, "-1", -1, 6.283185307179586, NULL, "", NULL,
     "quasiperiodic phase (-1: uniform random per realization)", 1, QB_FIELD(la_ctx, theta0)},
    {"model", "assign_cut", QB_KEY_REAL, "1e-4", 1e-16, 0.5, NULL, "", NULL,
     "entries |phi| >= assign_cut max|phi| of an orbital enter the assignment", 0,
     QB_FIELD(la_ctx, cut)},
    {"model", "phi_floor", QB_KEY_REAL, "1e-12", 0, 1e-3, NULL, "", NULL,
     "|phi_{n0}| below this is unresolved by dense roundoff (bracketed)", 1,
     QB_FIELD(la_ctx, floor)},
    {"model", "sub_R", QB_KEY_INT, "0", 0, 1000, NULL, "", NULL,
     "diagonalize only radius sub_R around the grain (0: the whole lattice)", 1,
     QB_FIELD(la_ctx, Rs)},
    {"model", "d_g", QB_KEY_REAL, "8", 1, INFINITY, NULL, "", NULL, "grain dimension in Eq. (20)",
     1, QB_FIELD(la_ctx, d_g)},
    {"model", "collar_eps", QB_KEY_REAL, "0.1", 0, 1, NULL, "", NULL, "the '<<' of Eq. (20)", 1,
     QB_FIELD(la_ctx, eps)},
    {"model", "map", QB_KEY_BOOL, "false", 0, 1, NULL, "", NULL,
     "write the per-site [S_n] map (Fig. 4)", 1, QB_FIELD(la_ctx, map)},
    QB_KEY_END};
static const qb_key *const la_tables[] = {la_keys, qb_emft_keys, NULL};

static qb_idx sites_of(int R) { return 2 * (qb_idx)R * R + 2 * (qb_idx)R + 1; }

/* Site order: shells of increasing |n|_1 (so the radius-r lattice is a prefix), inside a
 * shell n1 ascending, then n2 ascending. Site 0 is the origin. */
static void enumerate(int R, int *n1, int *n2) {
  qb_idx k = 0;
  for (int r = 0; r <= R; r++)
    for (int a = -r; a <= r; a++) {
      int b = r - abs(a);
      n1[k] = a;
      n2[k++] = -b;
      if (b) {
        n1[k] = a;
        n2[k++] = b;
      }
    }
}

static qb_status la_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  (void)err;
  la_ctx c = {0};
  qb_param_fill(p, la_keys, &c);
  const int R = c.R, Rs = c.Rs;
  double n = (double)sites_of(Rs > 0 && Rs < R ? Rs : R);
  e->bytes = 8 * 3.2 * n * n;
  e->ctx_bytes = 8 * 3 * (double)sites_of(R) + 8 * 2000;
  e->flops = 10 * n * n * n;
  /* the row of la_create: ten scalars and with map the S_map of every site */
  e->row_values = 10 + (c.map ? (double)sites_of(R) : 0);
  return QB_OK;
}

static void la_free(void *ctx) {
  la_ctx *c = ctx;
  if (!c) return;
  qb_emft_table_free(c->own_t);
  qb_free(c->n1);
  qb_free(c->n2);
  qb_free(c->axis_site);
  qb_free(c);
}

static qb_status la_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  la_ctx *c = qb_calloc(1, sizeof *c);
  if (!c) return QB_FAIL(err, QB_ERR_NOMEM, "emft_lattice: out of memory");
  qb_param_fill(p, la_keys, c);
  if (c->Rs <= 0 || c->Rs > c->R) c->Rs = c->R;
  c->n = sites_of(c->R);
  c->ns = sites_of(c->Rs);
  qb_status st = QB_OK;
  if (!(c->g0 > 0)) st = qb_param_fail(p, err, "model", "g0", "must be positive");
  if (st == QB_OK && c->random && qb_param_is_set(p, "model", "theta0"))
    st = qb_param_fail(p, err, "model", "theta0", "is for the quasiperiodic potential only");
  if (st == QB_OK) st = qb_emft_common_setup(p, &c->t, &c->own_t, &c->o, err);
  if (st == QB_OK) {
    c->n1 = qb_malloc(sizeof(int) * (size_t)c->n);
    c->n2 = qb_malloc(sizeof(int) * (size_t)c->n);
    c->axis_site = qb_malloc(sizeof(double) * (size_t)c->n);
    if (!c->n1 || !c->n2 || !c->axis_site)
      st = QB_FAIL(err, QB_ERR_NOMEM, "emft_lattice: out of memory (R = %d)", c->R);
  }
  if (st != QB_OK) {
    la_free(c);
    return st;
  }
  enumerate(c->R, c->n1, c->n2);
  for (qb_idx k = 0; k < c->n; k++) c->axis_site[k] = (double)k;
  qb_layout_add_axis(L, "site", c->n, c->axis_site,
                     "site index: shells of |n|_1, then n1, then n2 ascending");
  qb_layout_add(L, "eta_tot", 1, NULL, "sum_n eta(g_n) (Eq. (14)), nominal", 1);
  qb_layout_add(L, "avalanched", 1, NULL,
                "1: every orbital has eta >= aval_frac log 2 (mean: f_aval)", 1);
  qb_layout_add(L, "eta_tot_lo", 1, NULL, "eta_tot with unresolved |phi_{n0}| < phi_floor set to 0",
                0);
  qb_layout_add(L, "eta_tot_hi", 1, NULL, "eta_tot with unresolved |phi_{n0}| set to phi_floor", 0);
  qb_layout_add(L, "aval_lo", 1, NULL, "avalanche flag of the lower bound", 0);
  qb_layout_add(L, "aval_hi", 1, NULL, "avalanche flag of the upper bound", 1);
  qb_layout_add(L, "n_therm", 1, NULL, "orbitals with [S_n] >= therm_frac log 2", 0);
  qb_layout_add(L, "theta0", 1, NULL, "quasiperiodic phase of this realization (NAN: random)", 0);
  qb_layout_add(L, "R20", 1, NULL, "collar radius of Eq. (20) (NAN when avalanched)", 0);
  qb_layout_add(L, "n_unresolved", 1, NULL,
                "orbitals with |phi_{n0}| < phi_floor (or not computed)", 0);
  if (c->map) qb_layout_add(L, "S_map", c->n, "site", "[S_n] per site (Fig. 4)", 0);
  *out = c;
  return QB_OK;
}

/* Asymmetric triangular wave: W at 0, -W at 2 pi/q1, W at 2 pi. */
static double potential(double theta, double W, double q1) {
  double t = fmod(theta, 2 * M_PI), t1 = 2 * M_PI / q1;
  if (t < 0) t += 2 * M_PI;
  return t < t1 ? W - 2 * W * t / t1 : -W + 2 * W * (t - t1) / (2 * M_PI - t1);
}

/* Dense H_2D of the radius-Rs prefix; neighbours found through a (2Rs+1)^2 index grid. */
static qb_status build_h(const la_ctx *c, const double *theta, double *H, qb_err *err) {
  int Rs = c->Rs, w = 2 * Rs + 1;
  qb_idx ns = c->ns;
  qb_idx *grid = qb_malloc(sizeof(qb_idx) * (size_t)w * (size_t)w);
  if (!grid) return QB_FAIL(err, QB_ERR_NOMEM, "emft_lattice: out of memory (grid)");
  for (qb_idx k = 0; k < (qb_idx)w * w; k++) grid[k] = -1;
  for (qb_idx k = 0; k < ns; k++) grid[(c->n1[k] + Rs) * w + c->n2[k] + Rs] = k;
  memset(H, 0, sizeof(double) * (size_t)ns * (size_t)ns);
  double q1 = M_PI * (1 + sqrt(5.0));
  static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
  for (qb_idx k = 0; k < ns; k++) {
    H[k * ns + k] = potential(theta[k], c->W, q1);
    for (int d = 0; d < 4; d++) {
      int a = c->n1[k] + dx[d], b = c->n2[k] + dy[d];
      if (abs(a) + abs(b) > Rs) continue;
      H[k * ns + grid[(a + Rs) * w + b + Rs]] = c->hop;
    }
  }
  qb_free(grid);
  return QB_OK;
}

/* Orbital -> site assignment maximizing prod |phi| and |phi_{site,0}| per site. */
static qb_status label(const la_ctx *c, const double *A, double *phi0, qb_err *err) {
  qb_idx ns = c->ns, nnz = 0, cap = 16 * ns;
  qb_idx *cp = qb_malloc(sizeof(qb_idx) * (size_t)(ns + 1)),
         *ri = qb_malloc(sizeof(qb_idx) * (size_t)cap);
  qb_idx *row = qb_malloc(sizeof(qb_idx) * (size_t)ns);
  double *cv = qb_malloc(sizeof(double) * (size_t)cap);
  qb_status st = QB_OK;
  if (!cp || !ri || !row || !cv) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "emft_lattice: out of memory (assignment)");
    goto done;
  }
  for (qb_idx k = 0; k < ns; k++) {
    double mx = 0;
    for (qb_idx i = 0; i < ns; i++) mx = fmax(mx, fabs(A[i * ns + k]));
    cp[k] = nnz;
    for (qb_idx i = 0; i < ns; i++) {
      double v = fabs(A[i * ns + k]);
      if (v < c->cut * mx) continue;
      if (nnz == cap) {
        qb_idx nc = 2 * cap;
        qb_idx *r2 = qb_realloc(ri, sizeof(qb_idx) * (size_t)cap, sizeof(qb_idx) * (size_t)nc);
        if (r2) ri = r2;
        double *c2 = qb_realloc(cv, sizeof(double) * (size_t)cap, sizeof(double) * (size_t)nc);
        if (c2) cv = c2;
        if (!r2 || !c2) {
          st = QB_FAIL(err, QB_ERR_NOMEM, "emft_lattice: out of memory (assignment entries)");
          goto done;
        }
        cap = nc;
      }
      ri[nnz] = i;
      cv[nnz++] = -log(v);
    }
  }
  cp[ns] = nnz;
  st = qb_assign_sparse(ns, cp, ri, cv, row, NULL, err);
  if (st != QB_OK) goto done;
  for (qb_idx k = 0; k < ns; k++) phi0[row[k]] = fabs(A[k]); /* A[0 * ns + k]: site 0 */
done:
  qb_free(cp);
  qb_free(ri);
  qb_free(row);
  qb_free(cv);
  return st;
}

/* Crowley & Chandran 2022 Eq. (20): smallest R' with d_g e^{eta_tot} sum_{|n|_1 > R'} g_n <= eps.
 * */
static double collar_radius(const la_ctx *c, const double *l, double eta_tot) {
  double lim = c->eps / (c->d_g * exp(eta_tot)), tail = 0;
  int Rp = c->R;
  qb_idx k = c->n;
  for (int r = c->R; r >= 0; r--) {
    double shell = 0;
    while (k > 0 && abs(c->n1[k - 1]) + abs(c->n2[k - 1]) == r) shell += exp(l[--k]);
    if (tail + shell > lim) break; /* sites of shell r are needed: R' >= r */
    tail += shell;
    Rp = r - 1;
  }
  return (double)(Rp < 0 ? 0 : Rp);
}

static qb_status la_realize(const void *ctx, const qb_task *task, double *row, qb_err *err) {
  const la_ctx *c = ctx;
  qb_idx n = c->n, ns = c->ns;
  qb_status st = QB_OK;
  double *A = qb_malloc(sizeof(double) * (size_t)ns * (size_t)ns);
  double *w = qb_malloc(sizeof(double) * (size_t)ns);
  double *theta = qb_malloc(sizeof(double) * (size_t)n);
  double *phi0 = qb_calloc((size_t)n, sizeof(double));
  double *l0 = qb_malloc(sizeof(double) * 3 * (size_t)n);
  double *l = qb_malloc(sizeof(double) * (size_t)n);
  if (!A || !w || !theta || !phi0 || !l0 || !l) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "emft_lattice: out of memory (N = %lld)", (long long)ns);
    goto done;
  }
  qb_rng r;
  double th0 = NAN;
  if (c->random) {
    qb_rng_init(&r, task->seed, task->point, task->realization, PURPOSE_THETA);
    for (qb_idx k = 0; k < n; k++) theta[k] = 2 * M_PI * qb_rng_uniform(&r);
  } else {
    qb_rng_init(&r, task->seed, task->point, task->realization, PURPOSE_THETA0);
    th0 = c->theta0 >= 0 ? c->theta0 : 2 * M_PI * qb_rng_uniform(&r);
    double q1 = M_PI * (1 + sqrt(5.0)), q2 = M_PI * (1 + sqrt(3.0));
    for (qb_idx k = 0; k < n; k++) theta[k] = q1 * c->n1[k] + q2 * c->n2[k] + th0;
  }
  if ((st = build_h(c, theta, A, err)) != QB_OK) goto done;
  if ((st = qb_dense_eigh(QB_REAL, ns, A, w, 1, err)) != QB_OK) goto done;
  if ((st = label(c, A, phi0, err)) != QB_OK) goto done;
  /* nominal, lower, upper bare couplings (see the header comment) */
  double edge = 0;
  for (qb_idx k = 0; k < ns; k++)
    if (abs(c->n1[k]) + abs(c->n2[k]) == c->Rs) edge = fmax(edge, phi0[k]);
  qb_idx unres = 0;
  double *lnom = l0, *llo = l0 + n, *lhi = l0 + 2 * n;
  for (qb_idx k = 0; k < n; k++) {
    int inside = k < ns;
    double ph = inside ? phi0[k] : 0;
    int ok = inside && ph >= c->floor;
    unres += !ok;
    lnom[k] = ph > 0 ? log(c->g0 * ph) : -INFINITY;
    llo[k] = ok ? lnom[k] : -INFINITY;
    lhi[k] = ok ? lnom[k] : log(c->g0 * (inside ? c->floor : fmax(c->floor, edge)));
  }
  qb_emft_mf_result res[3];
  qb_emft_mf_opts o = c->o; /* the ctx is shared by concurrent realizations */
  o.nthreads = task->nthreads;
  for (int b = 2; b >= 0; b--) { /* nominal last: l keeps its solution */
    st = qb_emft_mf_solve(c->t, n, l0 + b * n, l, &o, &res[b], err);
    if (st != QB_OK) goto done;
  }
  row[0] = res[0].eta_tot;
  row[1] = res[0].avalanched;
  row[2] = res[1].eta_tot;
  row[3] = res[2].eta_tot;
  row[4] = res[1].avalanched;
  row[5] = res[2].avalanched;
  row[6] = (double)res[0].n_therm;
  row[7] = th0;
  row[8] = res[0].avalanched ? NAN : collar_radius(c, l, res[0].eta_tot);
  row[9] = (double)unres;
  if (c->map)
    for (qb_idx k = 0; k < n; k++)
      row[10 + k] = l[k] == -INFINITY ? 0 : qb_emft_table_S(c->t, l[k]);
done:
  QB_FREE_ALL(A, w, theta, phi0, l0, l);
  return st;
}

const qb_model qb_model_emft_lattice = {
    .name = "emft_lattice",
    .doc = "entanglement mean-field theory of a grain on the 2D quasiperiodic / random lattice "
           "(Eqs. (15)-(20))",
    .keys = la_tables,
    QB_MODEL_HOOKS(la),
    .state_create = qb_emft_common_state_create,
    .state_free = qb_emft_common_state_free,
};
