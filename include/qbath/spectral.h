/* qbath/spectral.h — spectral functions with one interface and three methods.
 *
 * The quantity (hbar = 1): the spectral function of the vector phi = A psi at reference
 * energy E0,
 *     S(w) = <phi| delta(w - (H - E0)) |phi> = sum_m |<m|A|psi>|^2 delta(w - (E_m - E0)),
 * and its infinite-temperature average over psi (qb_spectral_infinite_t),
 *     S_inf(w) = (1/D) Tr[A delta(w - [H, .]) A] = (1/D) sum_{nm} |A_nm|^2 delta(w - (E_m - E_n)),
 * the Fourier transform S(w) = (1/2 pi) int dt e^{i w t} C(t) of C(t) = <phi|e^{-i(H-E0)t}|phi>
 * (= <psi|A(t) A|psi> when psi is an eigenstate of energy E0; Tr[A(t)A]/D at infinite
 * temperature). Sum rule: int S(w) dw = C(0) = <psi|A^2|psi> (Tr A^2 / D).
 * With psi an eigenstate n this is the eigenstate spectral function of Potirniche et al.
 * Eq. (S2): S(w) = rho_n(w)/pi + |A_nn|^2 delta(w).
 *
 * Methods (qb_spec_params.method):
 *   QB_SPEC_SIGNAL   C(t) on t_j = j dt, j < N = t_max/dt + 1, by a propagator (qbath/
 *                    prop.h), multiplied by a window W(t), zero-padded to pad*N points
 *                    and transformed by FFTW: with C(-t) = conj C(t),
 *                      S(w_k) = (dt / pi) Re[sum_j c_j W_j C_j e^{i w_k t_j}],  c_0 = 1/2,
 *                    w_k = 2 pi k / (pad N dt) (trapezoid rule on [0, t_max]). dt = 0 picks
 *                    the Nyquist step pi / (0.9 * largest |E - E0| of the bounds). Windows:
 *                    gauss W = exp(-t^2/(2 tau^2)), tau = t_max/gauss_cut (kernel: a
 *                    Gaussian of std 1/tau), hann W = cos^2(pi t / (2 t_max)) (main lobe
 *                    half-width 2 pi / t_max), none (sinc kernel, ringing).
 *   QB_SPEC_KPM      Chebyshev moments mu_k = <phi|T_k(X)|phi>, X = (H - c)/a on the
 *                    spectral bounds, two per matvec (mu_{2k} = 2<t_k|t_k> - mu_0,
 *                    mu_{2k+1} = 2<t_{k+1}|t_k> - mu_1; Weisse et al., Rev. Mod. Phys. 78,
 *                    275 (2006), Eq. (34)), Jackson kernel g_k (Eq. (71)), reconstructed
 *                    on the Chebyshev nodes x_i = cos(pi (i + 1/2)/M) by a DCT-III through
 *                    FFTW (Weisse et al. 2006 Eqs. (81)-(83)): rho(x_i) = [g_0 mu_0 + 2 sum_k g_k mu_k
 *                    cos(k pi (i+1/2)/M)] / (pi sqrt(1 - x_i^2)), S(w) = rho(x)/a at
 *                    x = (w + E0 - c)/a. Jackson broadening at x: sigma = pi a / N
 *                    (Weisse et al. 2006 Eq. (73), near the band centre).
 *   QB_SPEC_LEHMANN  from eigenpairs (a qb_eigs_result, e.g. dense ED of all states):
 *                    the sticks |<m|phi>|^2 at E_m - E0 binned on the output grid;
 *                    the infinite-temperature average reuses the eigenstate spectral
 *                    functions of qbath/eigobs.h (qb_specfn, thermal average) plus the
 *                    diagonal weight at w = 0. Exact up to the binning.
 * The output is sampled on the uniform grid w_i = wmin + i (wmax - wmin)/(points - 1)
 * (SIGNAL and KPM interpolate linearly from their finer native axes; LEHMANN bins of
 * width dw centred on w_i). The sum rule is reported on the native axis (weight_all)
 * and on the output grid (weight), next to the exact norm. */
#ifndef QBATH_SPECTRAL_H
#define QBATH_SPECTRAL_H

#include <stdint.h>

#include "qbath/eigs.h"
#include "qbath/fft.h"
#include "qbath/prop.h"

typedef enum { QB_SPEC_SIGNAL = 0, QB_SPEC_KPM = 1, QB_SPEC_LEHMANN = 2 } qb_spec_method;
typedef enum { QB_WINDOW_GAUSS = 0, QB_WINDOW_HANN = 1, QB_WINDOW_NONE = 2 } qb_window;

typedef struct qb_spec_params {
  qb_spec_method method;  /* default QB_SPEC_KPM */
  double wmin, wmax;      /* output grid (default -4, 4) */
  int points;             /* output points (default 801) */
  /* SIGNAL */
  double t_max;           /* signal length (default 100) */
  double dt;              /* time step; 0: Nyquist of the bounds (default 0) */
  qb_window window;       /* default QB_WINDOW_GAUSS */
  double gauss_cut;       /* gauss window: t_max = gauss_cut * tau (default 4) */
  int pad;                /* zero-padding factor >= 1 (default 4) */
  const qb_prop_type *prop_type; /* NULL: Chebyshev */
  qb_prop_params prop;    /* propagator parameters (tol default 1e-10) */
  /* KPM */
  int moments;            /* N (default 512) */
  int kpm_points;         /* M >= N reconstruction nodes; 0: 4 N (default 0) */
  /* infinite temperature (SIGNAL) */
  int samples;            /* random vectors (default 8) */
  uint64_t seed;          /* Philox seed of the random vectors (default 1) */
  /* FFT plans by length (SIGNAL, KPM), owned by the caller, who frees it after the last
   * call (so a campaign plans each length once per point, not once per realization);
   * NULL: each call makes and destroys its own plan (default NULL). */
  qb_fft_cache *fft;
} qb_spec_params;

qb_spec_params qb_spectral_defaults(void);

/* The result: S on the output grid and what to judge it by. */
typedef struct qb_spectrum {
  int points;           /* output points */
  double *w;            /* points frequencies */
  double *S;            /* points values */
  double *S_err;        /* points standard errors (typicality; NULL otherwise) */
  double weight;        /* sum rule on the output grid: sum_i S_i dw */
  double weight_all;    /* sum rule on the method's whole native axis */
  double norm;          /* exact int S dw: <phi|phi> (Tr A^2 / D) */
  double broadening;    /* std dev (SIGNAL gauss, KPM at the centre) or bin width */
  long matvecs;         /* operator applications */
} qb_spectrum;

qb_spectrum *qb_spectral_free(qb_spectrum *s);

/* S(w) of phi = A psi at reference E0 (A NULL: phi = psi). eig: the eigenpairs for
 * QB_SPEC_LEHMANN (ignored otherwise; all pairs for a complete sum rule). */
qb_status qb_spectral_state(qb_op *H, const qb_op *A, const qb_cplx *psi, double E0,
                            const qb_spec_params *p, const qb_eigs_result *eig,
                            qb_spectrum **out, qb_err *err);

/* S_inf(w): SIGNAL by random-state typicality (p->samples vectors; S_err holds the
 * standard error of the mean over them), LEHMANN from all eigenpairs in eig (qb_specfn
 * thermal average over every state + the diagonal weight). KPM: QB_ERR_UNSUPPORTED (it
 * needs the two-dimensional moments of Weisse et al. Sec. IV.B; not implemented). */
qb_status qb_spectral_infinite_t(qb_op *H, const qb_op *A, const qb_spec_params *p,
                                 const qb_eigs_result *eig, qb_spectrum **out, qb_err *err);

/* The SIGNAL method's time grid for H at reference E0: the step dt (p->dt, or the Nyquist
 * step of H's spectral bounds when 0) and the N = t_max/dt + 1 samples t_j = j dt; the
 * same checks as qb_spectral_state (aliasing, output range beyond pi/dt). */
qb_status qb_spectral_signal_grid(qb_op *H, double E0, const qb_spec_params *p, double *dt,
                                  size_t *N, qb_err *err);
/* S(w_i) on p's output grid (points values into S) from a time signal C(t_j), t_j = j dt,
 * j < N, that the caller computed (e.g. a typicality average of several correlations): the
 * SIGNAL method's window, padding and FFT (C(-t) = conj C(t)). *weight_all (may be NULL):
 * the sum rule on the FFT's whole axis. */
qb_status qb_spectral_from_signal(const qb_cplx *C, size_t N, double dt, const qb_spec_params *p,
                                  double *S, double *weight_all, qb_err *err);

/* Jackson kernel g_0 .. g_{N-1} (Weisse et al. Eq. (71)). */
void qb_spectral_kpm_jackson(int N, double *g);

#endif
