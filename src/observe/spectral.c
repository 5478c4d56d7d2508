/* spectral.c — spectral functions of a state and at infinite temperature by time signal +
 * FFT, KPM, or Lehmann sum from eigenpairs (qbath/spectral.h). */
#include "qbath/spectral.h"

#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dynobs.h"
#include "qbath/eigobs.h"
#include "qbath/fft.h"
#include "qbath/vec.h"

/* Philox purpose of the random vectors of the typicality average (sample k: + k). */
static const uint64_t QB_SPEC_TYPICAL_PURPOSE = 0x5BEC000000ull;

qb_spec_params qb_spectral_defaults(void) {
  qb_spec_params p = {0};
  p.method = QB_SPEC_KPM;
  p.wmin = -4.0;
  p.wmax = 4.0;
  p.points = 801;
  p.t_max = 100.0;
  p.dt = 0.0;
  p.window = QB_WINDOW_GAUSS;
  p.gauss_cut = 4.0;
  p.pad = 4;
  p.prop_type = NULL;
  p.prop = qb_prop_defaults();
  p.moments = 512;
  p.kpm_points = 0;
  p.samples = 8;
  p.seed = 1;
  return p;
}

qb_spectrum *qb_spectral_free(qb_spectrum *s) {
  if (!s) return NULL;
  qb_free(s->w);
  qb_free(s->S);
  qb_free(s->S_err);
  return qb_free(s);
}

/* ---- common ------------------------------------------------------------------------------ */

static qb_status check_params(const qb_spec_params *p, qb_err *err) {
  if (p->points < 2 || !(p->wmax > p->wmin))
    return QB_FAIL(err, QB_ERR_INPUT,
                   "spectral grid: %d points on [%g, %g] (need >= 2, wmax > wmin)", p->points,
                   p->wmin, p->wmax);
  if (p->method == QB_SPEC_SIGNAL && (!(p->t_max > 0.0) || p->pad < 1 || !(p->dt >= 0.0) ||
                                      !(p->gauss_cut > 0.0)))
    return QB_FAIL(err, QB_ERR_INPUT, "spectral signal: t_max = %g (> 0), dt = %g (>= 0), pad = %d "
                   "(>= 1), gauss_cut = %g (> 0)", p->t_max, p->dt, p->pad, p->gauss_cut);
  if (p->method == QB_SPEC_KPM && (p->moments < 2 || (p->kpm_points && p->kpm_points < p->moments)))
    return QB_FAIL(err, QB_ERR_INPUT, "KPM: %d moments (>= 2) on %d points (>= moments or 0)",
                   p->moments, p->kpm_points);
  if (p->method > QB_SPEC_LEHMANN)
    return QB_FAIL(err, QB_ERR_INPUT, "spectral method %d unknown", (int)p->method);
  return QB_OK;
}

static qb_status spectrum_alloc(const qb_spec_params *p, int with_err, qb_spectrum **out,
                                qb_err *err) {
  qb_spectrum *s = qb_calloc(1, sizeof *s);
  if (s) {
    s->w = qb_malloc((size_t)p->points * sizeof *s->w);
    s->S = qb_calloc((size_t)p->points, sizeof *s->S);
    if (with_err) s->S_err = qb_calloc((size_t)p->points, sizeof *s->S_err);
  }
  if (!s || !s->w || !s->S || (with_err && !s->S_err)) {
    qb_spectral_free(s);
    return QB_FAIL(err, QB_ERR_NOMEM, "spectrum of %d points", p->points);
  }
  s->points = p->points;
  for (int i = 0; i < p->points; i++)
    s->w[i] = p->wmin + (p->wmax - p->wmin) * i / (double)(p->points - 1);
  *out = s;
  return QB_OK;
}

/* Output grid spacing. */
static double grid_dw(const qb_spectrum *s) { return s->w[1] - s->w[0]; }

/* y(xq) by linear interpolation of (x, y), x ascending (n points); 0 outside. */
static double interp(int n, const double *x, const double *y, double xq) {
  if (!(xq >= x[0] && xq <= x[n - 1])) return 0.0;
  int lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (x[mid] <= xq) lo = mid;
    else hi = mid;
  }
  const double f = x[hi] > x[lo] ? (xq - x[lo]) / (x[hi] - x[lo]) : 0.0;
  return y[lo] + f * (y[hi] - y[lo]);
}

/* phi = A psi (or a copy of psi). */
static qb_status make_phi(const qb_op *A, const qb_cplx *psi, qb_idx n, qb_cplx *phi, qb_err *err) {
  if (A) return qb_op_apply(A, psi, phi, err);
  memcpy(phi, psi, (size_t)n * sizeof *phi);
  return QB_OK;
}

/* ---- time signal + FFT -------------------------------------------------------------------- */

/* W(t) of the window on [0, t_max]. */
static double window_at(const qb_spec_params *p, double t) {
  switch (p->window) {
    case QB_WINDOW_GAUSS: {
      const double u = t * p->gauss_cut / p->t_max;
      return exp(-0.5 * u * u);
    }
    case QB_WINDOW_HANN: {
      const double c = cos(0.5 * M_PI * t / p->t_max);
      return c * c;
    }
    default: return 1.0;
  }
}

/* Std dev (gauss) or main-lobe half-width of the window's frequency kernel. */
static double window_broadening(const qb_spec_params *p) {
  switch (p->window) {
    case QB_WINDOW_GAUSS: return p->gauss_cut / p->t_max;
    case QB_WINDOW_HANN: return 2.0 * M_PI / p->t_max;
    default: return M_PI / p->t_max;
  }
}

/* The signal's grid: dt (Nyquist of the bounds when p->dt = 0) and N samples. */
static qb_status signal_grid(qb_op *H, double E0, const qb_spec_params *p, double *dt, size_t *N,
                             qb_err *err) {
  double emin, emax;
  QB_TRY(qb_bounds_op(H, &p->prop.bounds, &emin, &emax, err));
  const double wabs = fmax(fabs(emax - E0), fabs(E0 - emin));
  const double wout = fmax(fabs(p->wmin), fabs(p->wmax));
  /* |w| < pi/dt: no aliasing, and the output range inside the FFT's axis */
  *dt = p->dt > 0.0 ? p->dt : 0.9 * M_PI / fmax(wabs, wout);
  if (p->dt > 0.0 && M_PI / *dt < wabs)
    return QB_FAIL(err, QB_ERR_INPUT, "spectral signal: dt = %g aliases frequencies up to %g "
                   "(Nyquist pi/dt = %g)", *dt, wabs, M_PI / *dt);
  if (fmax(fabs(p->wmin), fabs(p->wmax)) > M_PI / *dt)
    return QB_FAIL(err, QB_ERR_INPUT, "spectral signal: output range [%g, %g] beyond the Nyquist "
                   "frequency pi/dt = %g", p->wmin, p->wmax, M_PI / *dt);
  *N = (size_t)ceil(p->t_max / *dt) + 1;
  return QB_OK;
}

/* S(w) from C(t_j), t_j = j dt, j < N (C(-t) = conj C(t)): the windowed, zero-padded
 * trapezoid sum S(w_k) = (dt/pi) Re sum_j c_j W_j C_j e^{i w_k t_j} by a backward FFT
 * (sign +1), w_k = 2 pi k / (Nfft dt) folded to [-pi/dt, pi/dt); sampled on the output
 * grid into S (added with weight `scale`); *wall: sum rule on the native axis. */
static qb_status signal_to_spectrum(const qb_cplx *C, size_t N, double dt, const qb_spec_params *p,
                                    const qb_spectrum *s, double *S, double *wall, qb_err *err) {
  const size_t nf = N * (size_t)p->pad;
  qb_cplx *buf = qb_fft_alloc_complex(nf);
  double *wk = qb_malloc(nf * sizeof *wk), *sk = qb_malloc(nf * sizeof *sk);
  qb_status st = QB_OK;
  const qb_fft_plan *plan = NULL;
  qb_fft_plan *own = NULL; /* the plan when the caller gave no cache */
  if (!buf || !wk || !sk) st = QB_FAIL(err, QB_ERR_NOMEM, "FFT of %zu points", nf);
  if (st == QB_OK && p->fft)
    st = qb_fft_cache_get(p->fft, QB_FFT_C2C_BACKWARD, (qb_idx)nf, &plan, err);
  if (st == QB_OK && !p->fft) st = qb_fft_plan_create(QB_FFT_C2C_BACKWARD, (qb_idx)nf, &own, err);
  if (own) plan = own;
  if (st == QB_OK) {
    for (size_t j = 0; j < nf; j++)
      buf[j] = j < N ? (j ? 1.0 : 0.5) * window_at(p, j * dt) * C[j] : 0.0;
    qb_fft_execute(plan, buf, buf);
    const double dw = 2.0 * M_PI / ((double)nf * dt);
    double sum = 0.0;
    for (size_t q = 0; q < nf; q++) { /* ascending frequencies: k = nf/2 .. nf-1, 0 .. */
      const size_t k = (q + nf - nf / 2) % nf;
      wk[q] = dw * ((double)k - (k >= nf - nf / 2 ? (double)nf : 0.0));
      sk[q] = dt / M_PI * creal(buf[k]);
      sum += sk[q] * dw;
    }
    *wall = sum;
    for (int i = 0; i < s->points; i++) S[i] = interp((int)nf, wk, sk, s->w[i]);
  }
  qb_fft_plan_free(own);
  qb_fft_free(buf);
  qb_free(wk);
  qb_free(sk);
  return st;
}

qb_status qb_spectral_signal_grid(qb_op *H, double E0, const qb_spec_params *p, double *dt,
                                  size_t *N, qb_err *err) {
  QB_TRY(check_params(p, err));
  return signal_grid(H, E0, p, dt, N, err);
}

qb_status qb_spectral_from_signal(const qb_cplx *C, size_t N, double dt, const qb_spec_params *p,
                                  double *S, double *weight_all, qb_err *err) {
  QB_TRY(check_params(p, err));
  if (N < 1 || !(dt > 0.0) || fmax(fabs(p->wmin), fabs(p->wmax)) > M_PI / dt)
    return QB_FAIL(err, QB_ERR_INPUT, "spectral signal: %zu samples at dt = %g for the output "
                   "range [%g, %g] (Nyquist pi/dt)", N, dt, p->wmin, p->wmax);
  qb_spectrum *s = NULL; /* the output grid */
  QB_TRY(spectrum_alloc(p, 0, &s, err));
  double wall = 0.0;
  qb_status st = signal_to_spectrum(C, N, dt, p, s, S, &wall, err);
  if (weight_all) *weight_all = wall;
  qb_spectral_free(s);
  return st;
}

static qb_prop_type const *signal_prop(const qb_spec_params *p) {
  return p->prop_type ? p->prop_type : qb_prop_chebyshev;
}

static qb_status spec_signal_state(qb_op *H, const qb_cplx *phi, double E0, const qb_spec_params *p,
                                   qb_spectrum *s, qb_err *err) {
  double dt;
  size_t N;
  QB_TRY(signal_grid(H, E0, p, &dt, &N, err));
  double *t = qb_malloc(N * sizeof *t);
  qb_cplx *C = qb_malloc(N * sizeof *C);
  qb_prop *P = NULL;
  qb_status st = (t && C) ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "time signal of %zu points", N);
  for (size_t j = 0; st == QB_OK && j < N; j++) t[j] = dt * (double)j;
  if (st == QB_OK) st = qb_prop_create(signal_prop(p), H, &p->prop, &P, err);
  if (st == QB_OK) st = qb_dynobs_survival(P, phi, t, N, C, err);
  for (size_t j = 0; st == QB_OK && j < N; j++) C[j] *= cexp(I * E0 * t[j]); /* H - E0 */
  if (st == QB_OK) st = signal_to_spectrum(C, N, dt, p, s, s->S, &s->weight_all, err);
  if (P) s->matvecs = qb_prop_get_stats(P).matvecs;
  s->broadening = window_broadening(p);
  qb_prop_free(P);
  qb_free(t);
  qb_free(C);
  return st;
}

/* ---- KPM ------------------------------------------------------------------------------------ */

void qb_spectral_kpm_jackson(int N, double *g) {
  const double q = M_PI / (N + 1);
  for (int k = 0; k < N; k++) /* Weisse et al. Eq. (71) */
    g[k] = ((N - k + 1) * cos(q * k) + sin(q * k) / tan(q)) / (N + 1);
}

/* mu_k = <phi|T_k(X)|phi>, k < N, X = (H - c)/a, two moments per matvec (Weisse et al. 2006 Eq.
 * (34)). */
static qb_status kpm_moments(qb_op *H, const qb_cplx *phi, double c, double a, int N, double *mu,
                             long *matvecs, qb_err *err) {
  const size_t n = (size_t)H->dim;
  qb_cplx *t0 = qb_malloc(n * sizeof *t0), *t1 = qb_malloc(n * sizeof *t1);
  qb_status st = (t0 && t1) ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "KPM vectors of dimension %zu", n);
  if (st == QB_OK) {
    memcpy(t0, phi, n * sizeof *t0);
    st = qb_op_apply_fused(H, QB_COMPLEX, 1.0 / a, c, t0, 0.0, t1, err);
    (*matvecs)++;
  }
  if (st == QB_OK) {
    mu[0] = qb_vec_dot(2 * n, (const double *)t0, (const double *)t0);
    mu[1] = qb_vec_dot(2 * n, (const double *)t1, (const double *)t0);
  }
  /* invariant: t0 = T_k phi, t1 = T_{k+1} phi */
  for (int k = 1; st == QB_OK && 2 * k < N; k++) {
    st = qb_op_apply_fused(H, QB_COMPLEX, 2.0 / a, c, t1, -1.0, t0, err); /* t0 = T_{k+1}... */
    (*matvecs)++;
    qb_cplx *tmp = t0; /* now t0 holds T_{k+2}: swap so t0 = T_{k+1}, t1 = T_{k+2} */
    t0 = t1;
    t1 = tmp;
    mu[2 * k] = 2.0 * qb_vec_dot(2 * n, (const double *)t0, (const double *)t0) - mu[0];
    if (2 * k + 1 < N)
      mu[2 * k + 1] = 2.0 * qb_vec_dot(2 * n, (const double *)t1, (const double *)t0) - mu[1];
  }
  qb_free(t0);
  qb_free(t1);
  return st;
}

static qb_status spec_kpm_state(qb_op *H, const qb_cplx *phi, double E0, const qb_spec_params *p,
                                qb_spectrum *s, qb_err *err) {
  double emin, emax;
  QB_TRY(qb_bounds_op(H, &p->prop.bounds, &emin, &emax, err));
  const double c = 0.5 * (emax + emin), a = 0.5 * (emax - emin);
  const int N = p->moments, M = p->kpm_points ? p->kpm_points : 4 * N;
  double *mu = qb_malloc((size_t)N * sizeof *mu), *g = qb_malloc((size_t)N * sizeof *g);
  double *xw = qb_malloc((size_t)M * sizeof *xw), *rho = qb_malloc((size_t)M * sizeof *rho);
  double *y = qb_fft_alloc_real((size_t)M);
  qb_status st =
      (mu && g && xw && rho && y) ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "KPM, %d moments", N);
  if (st == QB_OK) st = kpm_moments(H, phi, c, a, N, mu, &s->matvecs, err);
  const qb_fft_plan *plan = NULL;
  qb_fft_plan *own = NULL; /* the plan when the caller gave no cache */
  if (st == QB_OK && p->fft) st = qb_fft_cache_get(p->fft, QB_FFT_DCT3, M, &plan, err);
  if (st == QB_OK && !p->fft) st = qb_fft_plan_create(QB_FFT_DCT3, M, &own, err);
  if (own) plan = own;
  if (st == QB_OK) {
    qb_spectral_kpm_jackson(N, g);
    for (int k = 0; k < M; k++) y[k] = k < N ? g[k] * mu[k] : 0.0;
    /* DCT-III, Weisse et al. Eq. (83): y_i = g_0 mu_0 + 2 sum_k g_k mu_k cos(pi k (i + 1/2) / M) */
    qb_fft_execute(plan, y, y);
    double sum = 0.0;
    for (int i = 0; i < M; i++) { /* ascending w: node i = M-1 .. 0 */
      const int q = M - 1 - i;
      const double x = cos(M_PI * (q + 0.5) / M);
      xw[i] = a * x + c - E0;
      rho[i] = y[q] / (M_PI * sqrt(1.0 - x * x)) / a; /* S(w) = rho(x) / a */
      sum += y[q] / M; /* Chebyshev-Gauss quadrature of int rho dx */
    }
    s->weight_all = sum;
    for (int i = 0; i < s->points; i++) s->S[i] = interp(M, xw, rho, s->w[i]);
    s->broadening = M_PI * a / N;
  }
  qb_fft_plan_free(own);
  qb_free(mu), qb_free(g), qb_free(xw), qb_free(rho);
  qb_fft_free(y);
  return st;
}

/* ---- Lehmann sum ------------------------------------------------------------------------- */

/* Adds weight wt at frequency w to the bin of the output grid centred nearest w. */
static void bin_add(qb_spectrum *s, double w, double wt) {
  const double dw = grid_dw(s);
  const double b = floor((w - s->w[0]) / dw + 0.5);
  if (b >= 0 && b < s->points) s->S[(int)b] += wt / dw;
}

static qb_status spec_lehmann_state(const qb_cplx *phi, double E0, const qb_eigs_result *r,
                                    qb_spectrum *s, qb_err *err) {
  if (!r || !r->V)
    return QB_FAIL(err, QB_ERR_INPUT, "Lehmann spectral function needs eigenvectors");
  const size_t n = (size_t)r->dim;
  double all = 0.0;
  for (qb_idx m = 0; m < r->nev; m++) { /* c_m = <m|phi> */
    qb_cplx cm = 0.0;
    if (r->dtype == QB_REAL) {
      const double *v = (const double *)r->V + (size_t)m * n;
      for (size_t i = 0; i < n; i++) cm += v[i] * phi[i];
    } else {
      cm = qb_vec_cdot(n, (const qb_cplx *)r->V + (size_t)m * n, phi);
    }
    const double w2 = creal(cm * conj(cm));
    all += w2;
    bin_add(s, r->E[m] - E0, w2);
  }
  s->weight_all = all;
  s->broadening = grid_dw(s);
  return QB_OK;
}

/* Sum rule on the output grid. */
static void grid_weight(qb_spectrum *s) {
  double sum = 0.0;
  for (int i = 0; i < s->points; i++) sum += s->S[i];
  s->weight = sum * grid_dw(s);
}

qb_status qb_spectral_state(qb_op *H, const qb_op *A, const qb_cplx *psi, double E0,
                            const qb_spec_params *params, const qb_eigs_result *eig,
                            qb_spectrum **out, qb_err *err) {
  *out = NULL;
  const qb_spec_params p = params ? *params : qb_spectral_defaults();
  QB_TRY(check_params(&p, err));
  if (A && A->dim != H->dim)
    return QB_FAIL(err, QB_ERR_DIM, "spectral function: A of dimension %lld, H %lld",
                   (long long)A->dim, (long long)H->dim);
  const qb_idx n = H->dim;
  qb_cplx *phi = qb_malloc((size_t)n * sizeof *phi);
  qb_spectrum *s = NULL;
  qb_status st =
      phi ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "spectral function, dimension %lld", (long long)n);
  if (st == QB_OK) st = make_phi(A, psi, n, phi, err);
  if (st == QB_OK) st = spectrum_alloc(&p, 0, &s, err);
  if (st == QB_OK) {
    s->norm = qb_vec_dot(2 * (size_t)n, (const double *)phi, (const double *)phi);
    if (p.method == QB_SPEC_SIGNAL) st = spec_signal_state(H, phi, E0, &p, s, err);
    else if (p.method == QB_SPEC_KPM) st = spec_kpm_state(H, phi, E0, &p, s, err);
    else st = spec_lehmann_state(phi, E0, eig, s, err);
  }
  if (st == QB_OK) grid_weight(s);
  qb_free(phi);
  if (st != QB_OK) s = qb_spectral_free(s);
  *out = s;
  return st;
}

/* ---- infinite temperature ------------------------------------------------------------------- */

/* Typicality: per random state r_s, C_s(t) = <r_s|A(t) A|r_s> and its spectrum; the mean
 * and standard error over the samples (sample order: the same bits on any thread count). */
static qb_status spec_signal_inf(qb_op *H, const qb_op *A, const qb_spec_params *p, qb_spectrum *s,
                                 qb_err *err) {
  double dt;
  size_t N;
  QB_TRY(signal_grid(H, 0.0, p, &dt, &N, err));
  const int ns = p->samples, np = s->points;
  const qb_idx n = H->dim;
  double *t = qb_malloc(N * sizeof *t), *Ss = qb_malloc((size_t)ns * np * sizeof *Ss);
  double *wall = qb_malloc((size_t)ns * sizeof *wall);
  qb_cplx *C = qb_malloc(N * sizeof *C), *r = qb_malloc((size_t)n * sizeof *r);
  qb_cplx *work = qb_malloc((size_t)n * sizeof *work);
  qb_prop *P = NULL;
  qb_status st = (t && Ss && wall && C && r && work) ? QB_OK
                 : QB_FAIL(err, QB_ERR_NOMEM, "typical time signals of %zu points", N);
  for (size_t j = 0; st == QB_OK && j < N; j++) t[j] = dt * (double)j;
  if (st == QB_OK) st = qb_prop_create(signal_prop(p), H, &p->prop, &P, err);
  double norm = 0.0;
  for (int k = 0; st == QB_OK && k < ns; k++) {
    qb_rng g;
    qb_rng_init(&g, p->seed, 0, 0, QB_SPEC_TYPICAL_PURPOSE + (uint64_t)k);
    qb_dynobs_random_state(&g, n, r);
    double a2;
    st = qb_op_apply(A, r, work, err);
    if (st == QB_OK) a2 = qb_vec_dot(2 * (size_t)n, (const double *)work, (const double *)work);
    if (st == QB_OK) norm += a2;
    if (st == QB_OK) st = qb_dynobs_corr_state(P, A, NULL, r, t, N, C, err);
    if (st == QB_OK) st = signal_to_spectrum(C, N, dt, p, s, Ss + (size_t)k * np, &wall[k], err);
  }
  if (st == QB_OK) {
    double wsum = 0.0;
    for (int k = 0; k < ns; k++) wsum += wall[k];
    s->weight_all = wsum / ns;
    s->norm = norm / ns;
    for (int i = 0; i < np; i++) {
      double m = 0.0, v = 0.0;
      for (int k = 0; k < ns; k++) m += Ss[(size_t)k * np + i];
      m /= ns;
      for (int k = 0; k < ns; k++) v += pow(Ss[(size_t)k * np + i] - m, 2);
      s->S[i] = m;
      s->S_err[i] = ns > 1 ? sqrt(v / ((double)ns * (ns - 1))) : NAN;
    }
    s->matvecs = qb_prop_get_stats(P).matvecs;
    s->broadening = window_broadening(p);
  }
  qb_prop_free(P);
  qb_free(t), qb_free(Ss), qb_free(wall), qb_free(C), qb_free(r), qb_free(work);
  return st;
}

/* All eigenpairs: the thermal average of the eigenstate spectral functions rho_n / pi
 * (qb_specfn, m != n) plus the diagonal sum_n |A_nn|^2 / D at w = 0. */
static qb_status spec_lehmann_inf(const qb_op *A, const qb_eigs_result *r, qb_spectrum *s,
                                  qb_err *err) {
  if (!r || !r->V)
    return QB_FAIL(err, QB_ERR_INPUT, "Lehmann spectral function needs eigenvectors");
  const double dw = grid_dw(s);
  void *M = NULL;
  qb_dtype mdt;
  qb_specfn *F = NULL;
  double *th = qb_malloc((size_t)s->points * sizeof *th);
  qb_status st =
      th ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "Lehmann spectrum of %d points", s->points);
  if (st == QB_OK) st = qb_eigobs_matrix_elements(r, A, &M, &mdt, err);
  if (st == QB_OK)
    st = qb_eigobs_specfn_create(s->points, s->w[0] - 0.5 * dw, s->w[s->points - 1] + 0.5 * dw, 0.0,
                                 &F, err);
  if (st == QB_OK) st = qb_eigobs_specfn_add(F, r, M, mdt, 0, r->nev, err);
  if (st == QB_OK) st = qb_eigobs_specfn_thermal(F, th, err);
  if (st == QB_OK) {
    const qb_idx k = r->nev;
    double diag = 0.0, all = 0.0;
    for (qb_idx i = 0; i < k * k; i++) {
      const double a2 = mdt == QB_REAL ? pow(((double *)M)[i], 2) : pow(cabs(((qb_cplx *)M)[i]), 2);
      all += a2;
      if (i % (k + 1) == 0) diag += a2; /* M[n + n k] */
    }
    for (int i = 0; i < s->points; i++) s->S[i] = th[i] / M_PI; /* rho_n = pi sum ... */
    bin_add(s, 0.0, diag / (double)k);
    s->weight_all = all / (double)k;
    s->norm = all / (double)k; /* Tr A^2 / D over the (complete) eigenbasis */
    s->broadening = dw;
  }
  qb_free(M);
  qb_free(th);
  qb_eigobs_specfn_free(F);
  return st;
}

qb_status qb_spectral_infinite_t(qb_op *H, const qb_op *A, const qb_spec_params *params,
                                 const qb_eigs_result *eig, qb_spectrum **out, qb_err *err) {
  *out = NULL;
  const qb_spec_params p = params ? *params : qb_spectral_defaults();
  QB_TRY(check_params(&p, err));
  if (p.method == QB_SPEC_KPM)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "infinite-temperature KPM needs two-dimensional "
                   "moments (not implemented): use method signal or lehmann");
  if (p.method == QB_SPEC_SIGNAL && p.samples < 1)
    return QB_FAIL(err, QB_ERR_INPUT, "typicality with %d samples", p.samples);
  qb_spectrum *s = NULL;
  QB_TRY(spectrum_alloc(&p, p.method == QB_SPEC_SIGNAL, &s, err));
  qb_status st = p.method == QB_SPEC_SIGNAL ? spec_signal_inf(H, A, &p, s, err)
                                            : spec_lehmann_inf(A, eig, s, err);
  if (st == QB_OK) grid_weight(s);
  else s = qb_spectral_free(s);
  *out = s;
  return st;
}
