/* grain_time.c — what the time domain of the grain-plus-spins model needs from its physics
 * (qbath/grain.h): single-site Pauli operators without a stored matrix, the exact energy
 * variance of a realization (the width of its many-body density of states, which sets the
 * energy filter), the tau^x peak width of a spectral function sampled on sub-bins (the
 * eigenstate path's half-maximum rule, Potirniche et al. 2019 Eq. (5), applied to a
 * time-domain spectrum), and the grain-random spin-product states whose one evolution
 * estimates every spin's <tau^z_a(t) tau^z_a> at once. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dynobs.h"
#include "qbath/grain.h"
#include "qbath/spin.h"
#include "qbath/spin_op.h"
#include "qbath/vec.h"

qb_status qb_grain_pauli_op(const qb_grain_spec *s, char pauli, int site, int nthreads,
                            qb_op **O, qb_err *err) {
  const int L = s->n + s->m;
  if (site < 0 || site >= L)
    return QB_FAIL(err, QB_ERR_INPUT, "grain: site %d outside the %d sites", site, L);
  char ops[2] = {pauli, 0};
  qb_pauli_sum *P = NULL;
  qb_spin_basis *B = NULL; /* no state list: the full space, index = bit pattern */
  qb_status st = qb_spin_sum_create(L, &P, err);
  if (st == QB_OK) st = qb_spin_sum_add(P, 1.0, ops, &site, err);
  if (st == QB_OK) st = qb_spin_basis_create_lean(L, -1, &B, err);
  if (st == QB_OK) st = qb_spin_op_from_sum(P, B, nthreads, O, err);
  qb_spin_sum_free(P);
  qb_spin_basis_free(B);
  return st;
}

double qb_grain_energy_variance(const qb_grain_spec *s, const double *A, const double *eps) {
  /* Tr (H - sigma_0)^2 / dim: the grain, field and coupling terms are trace-orthogonal
   * (each of tau^z_a, sigma^x tau^x_a, sigma^y tau^y_a is traceless and their products with
   * each other and with A (x) 1 are traceless), so their squares add: the grain's
   * Tr (A - a)^2 / d_g, eps_a^2 per spin, V_a^2 per coupling term (two terms for xy). */
  const qb_idx dg = (qb_idx)1 << s->n;
  double tr = 0, tr2 = 0;
  for (qb_idx i = 0; i < dg; i++) tr += A[i * dg + i];
  for (qb_idx i = 0; i < dg * dg; i++) tr2 += A[i] * A[i];
  tr /= (double)dg;
  double v = tr2 / (double)dg - tr * tr;
  for (int a = 1; a <= s->m; a++) {
    const double V = qb_grain_coupling_strength(s, a);
    v += eps[a - 1] * eps[a - 1] + (s->coupling == QB_GRAIN_COUPLE_XY ? 2.0 : 1.0) * V * V;
  }
  return v;
}

qb_status qb_grain_variance_typical(const qb_op *H, double sigma0, const qb_rng *rng,
                                    double *variance, qb_err *err) {
  const size_t n = (size_t)H->dim;
  qb_cplx *r = qb_malloc(n * sizeof *r), *y = qb_malloc(n * sizeof *y);
  qb_status st = r && y ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "grain: variance, dim %zu", n);
  if (st == QB_OK) {
    qb_dynobs_random_state(rng, (qb_idx)n, r);
    st = qb_op_apply(H, r, y, err);
  }
  if (st == QB_OK) {
    qb_vec_axpy(2 * n, -sigma0, (const double *)r, (double *)y); /* (H - sigma_0) r */
    *variance = qb_vec_dot(2 * n, (const double *)y, (const double *)y);
  }
  qb_free(r);
  qb_free(y);
  return st;
}

qb_status qb_grain_peak_from_spectrum(const double *S, int per_bin, qb_idx nb, double lo,
                                      double dE, qb_grain_peak *out, qb_err *err) {
  if (per_bin < 1 || nb < 3 || !(dE > 0))
    return QB_FAIL(err, QB_ERR_INPUT, "grain: peak of %lld bins of %d samples, bin %g",
                   (long long)nb, per_bin, dE);
  double *h = qb_malloc((size_t)nb * sizeof *h);
  if (!h) return QB_FAIL(err, QB_ERR_NOMEM, "grain: peak histogram of %lld bins", (long long)nb);
  double wsum = 0;
  /* The eigenstate path's bin holds pi sum |<m|X|n>|^2 / dE over its transitions
   * (Potirniche et al. 2019 Eq. (5)); S integrates to the same sum over the bin, which the
   * midpoint rule on per_bin sub-bins gives as dE mean(S): the bin value is pi mean(S). */
  for (qb_idx b = 0; b < nb; b++) {
    double m = 0;
    for (int k = 0; k < per_bin; k++) m += S[b * per_bin + k];
    h[b] = M_PI * m / per_bin;
    wsum += h[b] * dE / M_PI;
  }
  qb_grain_half_width(h, nb, dE, out);
  out->omega_peak = lo + out->omega_peak * dE;
  out->weight = wsum;
  qb_free(h);
  return QB_OK;
}

void qb_grain_product_state(const qb_grain_spec *s, const qb_rng *r, qb_cplx *grain,
                            qb_cplx *psi, int *z) {
  /* |g> (x) |z>: a normalized complex Gaussian grain vector (entry by entry from r's
   * blocks, as every typical state) and spin a up (z_a = +1, bit a-1 set) with probability
   * 1/2 from the words after the grain's; psi[g 2^M + zbits] = g-th grain amplitude. */
  const qb_idx dg = (qb_idx)1 << s->n, dr = (qb_idx)1 << s->m;
  qb_dynobs_random_state(r, dg, grain);
  uint64_t w[4];
  qb_rng_block(r, (uint64_t)(dg + 1) / 2, w); /* the first block the grain did not use */
  uint64_t zb = w[0] & (dr - 1);
  for (int a = 0; a < s->m; a++) z[a] = (zb >> a) & 1 ? 1 : -1;
  memset(psi, 0, (size_t)(dg * dr) * sizeof *psi);
  for (qb_idx g = 0; g < dg; g++) psi[g * dr + (qb_idx)zb] = grain[g];
}
