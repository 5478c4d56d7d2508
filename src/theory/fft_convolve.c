/* fft_convolve.c — FFTW linear convolutions on a uniform grid: the IPT particle-particle-hole
 * triple convolution and the Kramers-Kronig transform (see fft_convolve.h). */
#include "fft_convolve.h"

#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/fft.h"

struct qb_fftconv {
  qb_idx n;            /* grid points (odd) */
  qb_idx L;            /* transform length, >= 2n - 1 */
  qb_idx nc;           /* complex half-spectrum length L/2 + 1 */
  double *x;           /* L real work array */
  qb_cplx *fa, *fb, *far, *fbr; /* nc spectra of a, b, reversed a, reversed b */
  qb_cplx *kk;         /* nc spectrum of the Kramers-Kronig kernel (scaled by 1/L) */
  qb_fft_plan *fwd;    /* r2c of length L (x -> a spectrum) */
  qb_fft_plan *inv;    /* c2r of length L (a spectrum -> x) */
};

/* Smallest L >= m of the form 2^a 3^b 5^c (fast FFTW sizes). */
static qb_idx good_size(qb_idx m) {
  for (qb_idx L = m;; L++) {
    qb_idx r = L;
    while (r % 2 == 0) r /= 2;
    while (r % 3 == 0) r /= 3;
    while (r % 5 == 0) r /= 5;
    if (r == 1) return L;
  }
}

/* x ln|x| with 0 ln 0 = 0. */
static double xlogx(double x) { return x == 0 ? 0 : x * log(fabs(x)); }

/* phi(m) = P int tent(u - m)/u du for the unit tent centred at integer m. */
static double tent_hilbert(double m) { return xlogx(m + 1) - 2 * xlogx(m) + xlogx(m - 1); }

/* Spectrum of the kernel K_r = -phi(r - (n-1))/pi, r = 0..2n-2 (see qb_fft_convolve_kk). */
static void make_kk_kernel(qb_fftconv *c) {
  memset(c->x, 0, sizeof(double) * (size_t)c->L);
  for (qb_idx r = 0; r <= 2 * (c->n - 1); r++)
    c->x[r] = -tent_hilbert((double)(r - (c->n - 1))) / M_PI / (double)c->L;
  qb_fft_execute(c->fwd, c->x, c->kk);
}

qb_status qb_fft_convolve_create(qb_idx n, qb_fftconv **out, qb_err *err) {
  *out = NULL;
  if (n < 3 || n % 2 == 0 || n > (qb_idx)1 << 28)
    return QB_FAIL(err, QB_ERR_INPUT, "fft convolution: grid points n = %lld must be odd, in "
                   "[3, 2^28]", (long long)n);
  qb_fftconv *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "fft convolution of %lld points", (long long)n);
  c->n = n;
  c->L = good_size(2 * n - 1);
  c->nc = c->L / 2 + 1;
  size_t cb = sizeof(qb_cplx) * (size_t)c->nc;
  c->x = qb_malloc(sizeof(double) * (size_t)c->L);
  c->fa = qb_malloc(cb);
  c->fb = qb_malloc(cb);
  c->far = qb_malloc(cb);
  c->fbr = qb_malloc(cb);
  c->kk = qb_malloc(cb);
  int ok = c->x && c->fa && c->fb && c->far && c->fbr && c->kk;
  ok = ok && qb_fft_plan_create(QB_FFT_R2C, c->L, &c->fwd, err) == QB_OK &&
       qb_fft_plan_create(QB_FFT_C2R, c->L, &c->inv, err) == QB_OK;
  if (!ok) {
    qb_fft_convolve_free(c);
    return QB_FAIL(err, QB_ERR_NOMEM, "fft convolution of %lld points (transform length %lld)",
                   (long long)n, (long long)good_size(2 * n - 1));
  }
  make_kk_kernel(c);
  *out = c;
  return QB_OK;
}

qb_fftconv *qb_fft_convolve_free(qb_fftconv *c) {
  if (c == NULL) return NULL;
  qb_fft_plan_free(c->fwd);
  qb_fft_plan_free(c->inv);
  qb_free(c->x), qb_free(c->fa), qb_free(c->fb), qb_free(c->far), qb_free(c->fbr), qb_free(c->kk);
  return qb_free(c);
}

qb_idx qb_fft_convolve_n(const qb_fftconv *c) { return c->n; }

/* Spectrum of y (reversed when rev) zero-padded to L. */
static void forward(qb_fftconv *c, const double *y, int rev, qb_cplx *spec) {
  memset(c->x, 0, sizeof(double) * (size_t)c->L);
  for (qb_idx i = 0; i < c->n; i++) c->x[i] = rev ? y[c->n - 1 - i] : y[i];
  qb_fft_execute(c->fwd, c->x, spec);
}

/* out_i = scale * (inverse of spec)_{i + n - 1}; spec is destroyed. */
static void backward_window(qb_fftconv *c, qb_cplx *spec, double scale, double *out) {
  qb_fft_execute(c->inv, spec, c->x);
  for (qb_idx i = 0; i < c->n; i++) out[i] = scale * c->x[i + c->n - 1];
}

void qb_fft_convolve_pph(qb_fftconv *c, const double *a, const double *b, double h, double *out) {
  /* sum_{j+k-l=i} a_j a_k b_l = ((a*a) * rev b)_{i+n-1}: rev b_q = b_{n-1-q}. */
  forward(c, a, 0, c->fa);
  forward(c, b, 0, c->fb);
  forward(c, a, 1, c->far);
  forward(c, b, 1, c->fbr);
  for (qb_idx k = 0; k < c->nc; k++)
    c->fa[k] = c->fa[k] * c->fa[k] * c->fbr[k] + c->fb[k] * c->fb[k] * c->far[k];
  backward_window(c, c->fa, h * h / (double)c->L, out);
}

void qb_fft_convolve_kk(qb_fftconv *c, const double *y, double *out) {
  forward(c, y, 0, c->fa);
  for (qb_idx k = 0; k < c->nc; k++) c->fa[k] *= c->kk[k];
  backward_window(c, c->fa, 1.0, out);
}
