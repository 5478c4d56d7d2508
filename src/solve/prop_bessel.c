/* prop_bessel.c — Bessel functions J_k(z), k = 0..n, by Miller's backward recurrence, and the
 * Chebyshev order of exp(-i x z) they imply (qbath/prop.h). */
#include <float.h>
#include <math.h>

#include "qbath/alloc.h"
#include "qbath/prop.h"

/* Rescaling threshold of the backward recurrence (values grow like (2k/z)^k). */
static const double QB_MILLER_BIG = 0x1p+600;

/* Starting index of the recurrence: even, past n and past the transition region
 * k ~ z + O(z^{1/3}) where J_k(z) starts to decay faster than exponentially; the added
 * 12 z^{1/3} + 40 put J_start below 1e-17 of max|J| (Airy tail, A&S 9.3.23). */
static int miller_start(double z, int n) {
  double s = fmax((double)n, z) + 12.0 * cbrt(z) + 40.0;
  int m = (int)ceil(s);
  return m + (m & 1);
}

/* Fills J[0..n] (J has n+1 entries); z > 0. A&S 9.1.27: J_{k-1} = (2k/z) J_k - J_{k+1};
 * normalization A&S 9.1.87: J_0 + 2 sum_{k>=1} J_{2k} = 1. */
static void miller(double z, int n, double *J) {
  const int start = miller_start(z, n);
  double jp = 0.0, jc = DBL_MIN / DBL_EPSILON, norm = 0.0; /* J_{k+1}, J_k (unnormalized) */
  for (int k = 0; k <= n; k++) J[k] = 0.0;
  for (int k = start; k >= 1; k--) {
    const double jm = (2.0 * k / z) * jc - jp; /* J_{k-1} */
    jp = jc;
    jc = jm;
    if (k - 1 <= n) J[k - 1] = jm;
    if (k - 1 >= 2 && ((k - 1) & 1) == 0) norm += 2.0 * jm;
    if (fabs(jc) > QB_MILLER_BIG) { /* rescale everything so far */
      const double s = 1.0 / QB_MILLER_BIG;
      jc *= s;
      jp *= s;
      norm *= s;
      for (int i = k - 1; i <= n; i++) J[i] *= s;
    }
  }
  norm += jc; /* + J_0 */
  for (int k = 0; k <= n; k++) J[k] /= norm;
}

qb_status qb_prop_bessel_j_seq(double z, int n, double *J, qb_err *err) {
  if (!(z >= 0.0) || !isfinite(z) || n < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "Bessel J_k(z) for z = %g, n = %d", z, n);
  if (z == 0.0) {
    for (int k = 0; k <= n; k++) J[k] = k == 0 ? 1.0 : 0.0;
    return QB_OK;
  }
  miller(z, n, J);
  return QB_OK;
}

int qb_prop_cheb_exp_order(double z, double tol) {
  if (!(z >= 0.0) || !isfinite(z) || !(tol > 0.0)) return -1;
  if (z == 0.0) return 0;
  const int n = miller_start(z, 0);
  double *J = qb_malloc(((size_t)n + 1) * sizeof *J);
  if (!J) return -1;
  miller(z, n, J);
  /* Tail 2 sum_{k>K} |J_k|, accumulated from the top; K is the first index from above
   * where adding J_K would exceed tol. */
  double tail = 0.0;
  int K = n;
  for (int k = n; k >= 1; k--) {
    if (tail + 2.0 * fabs(J[k]) > tol) break;
    tail += 2.0 * fabs(J[k]);
    K = k - 1;
  }
  qb_free(J);
  return K;
}
