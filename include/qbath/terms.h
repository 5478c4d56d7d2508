/* qbath/terms.h — the `terms` language: spin-1/2 Hamiltonians and operators written as text.
 *
 * A term list is a comma list of terms OPS:AMP[:DIST][@SITES] (docs/terms.md has the
 * grammar with worked examples):
 *   OPS    1..8 letters of X Y Z + - I placed on consecutive sites j, j+1, ... (Pauli
 *          matrices, sigma not S = sigma/2; "+" is sigma^+ = (X + iY)/2, "I" the identity: a spacer)
 *   AMP    a number, a parameter name, or number*name ("0.25*J"), optionally divided by a
 *          number or a name ("1/L", "0.5*J/L"); the names are the caller's (qb_terms_names)
 *   DIST   fixed (default): the coupling is AMP on every placement;
 *          uniform: AMP * U(-1, 1) drawn per placement; normal: AMP * N(0, 1);
 *          staggered: AMP * (-1)^j for the placement starting at site j
 *   SITES  @j: only the placement starting at site j; @a-b: starting sites a..b;
 *          default: every placement (open: j = 0..L-k; periodic: j = 0..L-1, wrapping)
 *
 * Randomness: term t of a list draws from the Philox stream (seed, point, realization,
 * stream0 + t), one value per placement in order of the starting site, so that adding a
 * term does not change the draws of the others.
 *
 * Parsing knows nothing of input files: a failure is QB_ERR_INPUT with a message that
 * starts "term '<text>': ", and the caller adds the file:line and key it came from. */
#ifndef QBATH_TERMS_H
#define QBATH_TERMS_H

#include <stdint.h>

#include "qbath/spin.h"

#define QB_TERMS_MAX 64

typedef enum {
  QB_TERM_FIXED = 0,    /* AMP on every placement */
  QB_TERM_UNIFORM = 1,  /* AMP * U(-1, 1), one draw per placement */
  QB_TERM_NORMAL = 2,   /* AMP * N(0, 1), one draw per placement */
  QB_TERM_STAGGERED = 3 /* AMP * (-1)^j, j the starting site */
} qb_term_dist;

/* One parsed term. */
typedef struct qb_term {
  char ops[QB_PAULI_MAX_OPS + 1]; /* the OPS letters, NUL-terminated */
  int k;                          /* number of letters, 1..QB_PAULI_MAX_OPS */
  double amp;                     /* AMP with the names substituted */
  qb_term_dist dist;              /* how the coupling of each placement is made */
  int first, last;                /* starting sites of the placements, first <= last */
} qb_term;

/* A parsed term list on a chain of nsites sites. */
typedef struct qb_terms {
  int nsites;                     /* L */
  int periodic;                   /* 1: placements wrap around the chain */
  int n;                          /* terms in use, 1..QB_TERMS_MAX */
  qb_term t[QB_TERMS_MAX];        /* the terms, in input order */
} qb_terms;

/* The parameter names an AMP may use, with their values (arrays of length n). */
typedef struct qb_terms_names {
  int n;
  const char *const *names;
  const double *values;
} qb_terms_names;

/* Parses one term "OPS:AMP[:DIST][@SITES]" into *t. names may be NULL (numbers only). */
qb_status qb_terms_parse_one(const char *text, int nsites, int periodic, const qb_terms_names *names,
                        qb_term *t, qb_err *err);

/* Parses n texts (1..QB_TERMS_MAX) into *out. */
qb_status qb_terms_parse(char *const *texts, int64_t n, int nsites, int periodic,
                         const qb_terms_names *names, qb_terms *out, qb_err *err);

/* 1 when some term draws random couplings (uniform or normal), else 0. */
int qb_terms_random(const qb_terms *T);

/* 1 when some term has an odd number of Y letters (imaginary matrix elements), else 0:
 * the Hamiltonian of real couplings is then complex Hermitian. */
int qb_terms_complex(const qb_terms *T);

/* Appends every placement of every term to H (H->nsites must be T->nsites), drawing the
 * random couplings from the streams (seed, point, realization, stream0 + t). */
qb_status qb_terms_add(const qb_terms *T, uint64_t seed, uint64_t point, uint64_t realization,
                       uint64_t stream0, qb_pauli_sum *H, qb_err *err);

/* Convenience: a new Pauli sum holding qb_terms_add's placements; *out is NULL on failure
 * and owned by the caller (qb_spin_sum_free) on success. */
qb_status qb_terms_build(const qb_terms *T, uint64_t seed, uint64_t point, uint64_t realization,
                         uint64_t stream0, qb_pauli_sum **out, qb_err *err);

#endif
