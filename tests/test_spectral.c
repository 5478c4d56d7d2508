/* test_spectral.c — acceptance 2: the spectral function of sigma^z at the centre of the
 * L = 12 random-field Heisenberg chain (Sz = 0 sector, dimension 924) by time signal + FFT,
 * by KPM and by the Lehmann sum from dense ED agree within their broadening, and the sum
 * rules hold; for an eigenstate (one vector) and at infinite temperature (typicality vs
 * the thermal average of the eigenstate spectral functions).
 * References: the Lehmann sticks |<m|sigma^z|n>|^2 at E_m - E_n from LAPACK, broadened
 * with the exact Gaussian of the signal's window; cumulative weights (robust for any
 * positive kernel); zeroth and first moments from the operators themselves. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evolve_fixtures.h"
#include "harness.h"
#include "qbath/eigs.h"
#include "qbath/spectral.h"

enum { L = 12, SITE = L / 2 };

typedef struct {
  qb_op *H, *Z;
  qb_eigs_result *r;
} chain;

static void chain_make(chain *c) {
  qb_err e;
  QB_ASSERT_OK(fx_chain_sector(L, 1.0, 41, L / 2, &c->H, &e), &e);
  qb_pauli_sum *P;
  qb_spin_basis *B;
  qb_csr *A;
  const int site = SITE;
  QB_ASSERT_OK(qb_spin_sum_create(L, &P, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_add(P, 1.0, "Z", &site, &e), &e);
  QB_ASSERT_OK(qb_spin_basis_create(L, L / 2, &B, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_to_csr(P, B, &A, &e), &e);
  QB_ASSERT_OK(qb_op_from_csr(A, 1, &c->Z, &e), &e);
  qb_spin_sum_free(P);
  qb_spin_basis_free(B);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.method = QB_EIGS_DENSE;
  o.nev = c->H->dim;
  QB_ASSERT_OK(qb_eigs_op(c->H, &o, NULL, &c->r, &e), &e);
}

static void chain_free(chain *c) {
  qb_op_free(c->H);
  qb_op_free(c->Z);
  qb_eigs_result_free(c->r);
}

/* Cumulative weight I(w_i) = sum_{j <= i} S_j dw. */
static void cumulative(const qb_spectrum *s, double *cum) {
  const double dw = s->w[1] - s->w[0];
  double acc = 0.0;
  for (int i = 0; i < s->points; i++) cum[i] = (acc += s->S[i] * dw);
}

/* A kernel of width sigma moves weight by at most k sigma except for a tail eps: the
 * method's cumulative lies between the exact one shifted by -/+ (k sigma + dw). */
static void assert_within_broadening(const qb_spectrum *m, const qb_spectrum *ref, double k,
                                     double eps, const char *label) {
  double *Im = qb_malloc((size_t)m->points * sizeof *Im), *Ir = qb_malloc((size_t)m->points * sizeof *Ir);
  cumulative(m, Im);
  cumulative(ref, Ir);
  const double dw = m->w[1] - m->w[0];
  const int sh = (int)ceil((k * m->broadening) / dw) + 1;
  int bad = 0;
  double worst = 0.0;
  for (int i = 0; i < m->points; i++) {
    const double lo = Ir[i - sh >= 0 ? i - sh : 0] - eps;
    const double hi = Ir[i + sh < m->points ? i + sh : m->points - 1] + eps;
    if (Im[i] < lo || Im[i] > hi) bad++;
    worst = fmax(worst, fmax(lo - Im[i], Im[i] - hi));
  }
  printf("\n  %s: broadening %.3g, cumulative outside the +-%g sigma band at %d points "
         "(worst excess %.2e)", label, m->broadening, k, bad, worst);
  CU_ASSERT(bad == 0);
  qb_free(Im);
  qb_free(Ir);
}

/* Moments sum_i w_i^p S_i dw on the output grid. */
static double moment(const qb_spectrum *s, int p) {
  const double dw = s->w[1] - s->w[0];
  double acc = 0.0;
  for (int i = 0; i < s->points; i++) acc += pow(s->w[i], p) * s->S[i] * dw;
  return acc;
}

static qb_spec_params grid(qb_spec_method m) {
  qb_spec_params p = qb_spectral_defaults();
  p.method = m;
  p.wmin = -9.0;
  p.wmax = 9.0;
  p.points = 1801;
  p.t_max = 150.0;
  p.moments = 1024;
  p.samples = 6;
  return p;
}

/* One mid-spectrum eigenstate n: S(w) = sum_m |<m|Z|n>|^2 delta(w - (E_m - E_n)). */
static void test_eigenstate(void) {
  qb_err e;
  chain c;
  chain_make(&c);
  const qb_idx dim = c.H->dim, n = dim / 2;
  const double *vn = (const double *)c.r->V + n * dim;
  qb_cplx *psi = qb_malloc((size_t)dim * sizeof *psi), *zp = qb_malloc((size_t)dim * sizeof *zp);
  qb_cplx *hz = qb_malloc((size_t)dim * sizeof *hz);
  for (qb_idx i = 0; i < dim; i++) psi[i] = vn[i];
  const double E0 = c.r->E[n];
  /* exact moments: m0 = <Zn|Zn>, m1 = <Zn|(H - E0)|Zn> */
  QB_ASSERT_OK(qb_op_apply(c.Z, psi, zp, &e), &e);
  QB_ASSERT_OK(qb_op_apply(c.H, zp, hz, &e), &e);
  double m0 = 0, m1 = 0;
  for (qb_idx i = 0; i < dim; i++) m0 += creal(conj(zp[i]) * zp[i]), m1 += creal(conj(zp[i]) * hz[i]);
  m1 -= E0 * m0;
  qb_spectrum *s[3];
  const char *names[3] = {"signal", "KPM", "Lehmann"};
  for (int m = 0; m < 3; m++) {
    qb_spec_params p = grid((qb_spec_method)m);
    QB_ASSERT_OK(qb_spectral_state(c.H, c.Z, psi, E0, &p, c.r, &s[m], &e), &e);
    printf("\n  %s: sum rule native %.12f, grid %.6f, exact %.12f; first moment %.6f vs %.6f; "
           "%ld matvecs", names[m], s[m]->weight_all, s[m]->weight, s[m]->norm, moment(s[m], 1),
           m1, s[m]->matvecs);
    QB_ASSERT_CLOSE(s[m]->norm, m0, 1e-12);
    QB_ASSERT_CLOSE(s[m]->weight_all, m0, 1e-9);       /* the whole native axis */
    QB_ASSERT_CLOSE(s[m]->weight, m0, 2e-3);           /* interpolation to the grid */
    QB_ASSERT_CLOSE(moment(s[m], 1), m1, 2e-3 * (1 + fabs(m1)) + s[m]->broadening * 1e-2);
  }
  assert_within_broadening(s[0], s[2], 4.0, 2e-3, "signal vs Lehmann");
  assert_within_broadening(s[1], s[2], 4.0, 2e-3, "KPM vs Lehmann");
  /* the Gaussian window broadens each stick into a Gaussian of std 1/tau exactly (up to
   * the window's truncation at 4 tau and the trapezoid rule): pointwise check */
  const double sig = s[0]->broadening;
  double peak = 0, worst = 0;
  /* overlaps once */
  double *a2 = qb_malloc((size_t)dim * sizeof *a2);
  for (qb_idx m = 0; m < dim; m++) {
    const double *vm = (const double *)c.r->V + m * dim;
    double a = 0;
    for (qb_idx j = 0; j < dim; j++) a += vm[j] * creal(zp[j]);
    a2[m] = a * a;
  }
  for (int i = 0; i < s[0]->points; i++) {
    double g = 0;
    for (qb_idx m = 0; m < dim; m++) {
      const double u = (s[0]->w[i] - (c.r->E[m] - E0)) / sig;
      g += a2[m] * exp(-0.5 * u * u) / (sqrt(2 * M_PI) * sig);
    }
    peak = fmax(peak, g);
    worst = fmax(worst, fabs(g - s[0]->S[i]));
  }
  printf("\n  signal vs Gaussian-broadened sticks: max diff %.2e of peak %.3g", worst, peak);
  CU_ASSERT(worst <= 1e-2 * peak);
  qb_free(a2);
  for (int m = 0; m < 3; m++) qb_spectral_free(s[m]);
  qb_free(psi), qb_free(zp), qb_free(hz);
  chain_free(&c);
}

/* Infinite temperature: typicality + FFT against the thermal average of the eigenstate
 * spectral functions (qb_specfn) plus the diagonal weight; sum rule Tr Z^2 / D = 1. */
static void test_infinite_temperature(void) {
  qb_err e;
  chain c;
  chain_make(&c);
  qb_spectrum *sig, *leh, *kpm = NULL;
  qb_spec_params p = grid(QB_SPEC_SIGNAL);
  p.t_max = 60.0;
  p.points = 721;
  QB_ASSERT_OK(qb_spectral_infinite_t(c.H, c.Z, &p, c.r, &sig, &e), &e);
  p.method = QB_SPEC_LEHMANN;
  QB_ASSERT_OK(qb_spectral_infinite_t(c.H, c.Z, &p, c.r, &leh, &e), &e);
  p.method = QB_SPEC_KPM;
  CU_ASSERT_EQUAL(qb_spectral_infinite_t(c.H, c.Z, &p, c.r, &kpm, &e), QB_ERR_UNSUPPORTED);
  CU_ASSERT(kpm == NULL);
  printf("\n  infinite T: Lehmann sum rule %.12f (exact 1), signal %.4f (estimate %.4f)",
         leh->weight_all, sig->weight, sig->norm);
  QB_ASSERT_CLOSE(leh->weight_all, 1.0, 1e-10);
  QB_ASSERT_CLOSE(leh->weight, 1.0, 1e-10); /* every stick lands in the grid */
  QB_ASSERT_CLOSE(sig->weight, sig->norm, 2e-3);
  /* pointwise at a few frequencies: the Lehmann histogram smoothed with the window's
   * Gaussian, against the typical mean within 5 standard errors (plus the binning). */
  const double dw = leh->w[1] - leh->w[0], sg = sig->broadening;
  const double probes[] = {0.0, 0.5, -1.0, 2.0};
  for (int q = 0; q < 4; q++) {
    const int i = (int)lround((probes[q] - sig->w[0]) / dw);
    double g = 0;
    for (int j = 0; j < leh->points; j++) {
      const double u = (sig->w[i] - leh->w[j]) / sg;
      g += leh->S[j] * dw * exp(-0.5 * u * u) / (sqrt(2 * M_PI) * sg);
    }
    printf("\n  w = %5.2f: typical %.4f +- %.4f, Lehmann (smoothed) %.4f", sig->w[i], sig->S[i],
           sig->S_err[i], g);
    QB_ASSERT_WITHIN_SE(sig->S[i], g, sig->S_err[i] + 0.02 * g, 5.0);
  }
  assert_within_broadening(sig, leh, 4.0, 2e-2, "infinite T: signal vs Lehmann");
  qb_spectral_free(sig);
  qb_spectral_free(leh);
  chain_free(&c);
}

static void test_jackson_and_errors(void) {
  double g[64];
  qb_spectral_kpm_jackson(64, g);
  QB_ASSERT_CLOSE(g[0], 1.0, 1e-14);
  for (int k = 1; k < 64; k++) CU_ASSERT(g[k] <= g[k - 1] && g[k] > 0);
  qb_err e;
  chain c;
  chain_make(&c);
  qb_cplx *psi = qb_calloc((size_t)c.H->dim, sizeof *psi);
  psi[0] = 1;
  qb_spectrum *s = NULL;
  qb_spec_params p = grid(QB_SPEC_SIGNAL);
  p.dt = 1.0; /* Nyquist pi below the spectral width: aliasing refused */
  CU_ASSERT_EQUAL(qb_spectral_state(c.H, NULL, psi, 0.0, &p, NULL, &s, &e), QB_ERR_INPUT);
  p = grid(QB_SPEC_LEHMANN);
  CU_ASSERT_EQUAL(qb_spectral_state(c.H, NULL, psi, 0.0, &p, NULL, &s, &e), QB_ERR_INPUT);
  p.points = 1;
  CU_ASSERT_EQUAL(qb_spectral_state(c.H, NULL, psi, 0.0, &p, c.r, &s, &e), QB_ERR_INPUT);
  CU_ASSERT(s == NULL);
  qb_free(psi);
  chain_free(&c);
}

/* Every allocation of the three methods (and of the infinite-temperature forms) fails
 * cleanly: QB_ERR_NOMEM or success, never a leak (ASan) or a crash. */
static void test_alloc_failures(void) {
  qb_err e;
  chain c;
  chain_make(&c);
  qb_cplx *psi = qb_calloc((size_t)c.H->dim, sizeof *psi);
  psi[3] = 1;
  for (int m = 0; m < 3; m++)
    for (int inf = 0; inf < 2; inf++) {
      if (inf && m == QB_SPEC_KPM) continue;
      qb_spec_params p = grid((qb_spec_method)m);
      p.t_max = 5.0, p.moments = 64, p.samples = 2, p.points = 101;
      int saw_ok = 0;
      for (long k = 0; k < 400 && !saw_ok; k++) {
        qb_spectrum *s = NULL;
        c.H->have_bounds = 0;
        qb_alloc_fail_after(k);
        const qb_status st = inf ? qb_spectral_infinite_t(c.H, c.Z, &p, c.r, &s, &e)
                                 : qb_spectral_state(c.H, c.Z, psi, 0.0, &p, c.r, &s, &e);
        qb_alloc_fail_after(-1);
        CU_ASSERT(st == QB_OK || st == QB_ERR_NOMEM);
        CU_ASSERT((st == QB_OK) == (s != NULL));
        saw_ok = st == QB_OK;
        qb_spectral_free(s);
      }
      CU_ASSERT(saw_ok);
    }
  qb_free(psi);
  chain_free(&c);
}

int main(void) {
  const qb_test_case cases[] = {
      {"acceptance 2: eigenstate, three methods", test_eigenstate},
      {"acceptance 2: infinite temperature", test_infinite_temperature},
      {"Jackson kernel, input errors", test_jackson_and_errors},
      {"allocation failures", test_alloc_failures},
      {NULL, NULL}};
  return qb_test_main("spectral", cases);
}
